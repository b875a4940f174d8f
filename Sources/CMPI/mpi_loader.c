#include "CMPI.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

// OpenMPI's handles are pointers to its predefined objects; MPI_STATUS_IGNORE is ((MPI_Status *) 0) (mpi.h).
typedef void *handle_t;
#define STATUS_IGNORE NULL

typedef int (*init_fn)(int *, char ***);
typedef int (*finalize_fn)(void);
typedef int (*rank_fn)(handle_t, int *);
typedef int (*name_fn)(char *, int *);
typedef int (*abort_fn)(handle_t, int);
typedef double (*wtime_fn)(void);
typedef int (*barrier_fn)(handle_t);
typedef int (*ibarrier_fn)(handle_t, handle_t *);
typedef int (*test_fn)(handle_t *, int *, void *);
typedef int (*send_fn)(const void *, int, handle_t, int, int, handle_t);
typedef int (*recv_fn)(void *, int, handle_t, int, int, handle_t, void *);
typedef int (*irecv_fn)(void *, int, handle_t, int, int, handle_t, handle_t *);
typedef int (*allreduce_fn)(const void *, void *, int, handle_t, handle_t, handle_t);

static struct {
    void *library;
    init_fn init;
    finalize_fn finalize;
    rank_fn comm_rank, comm_size;
    name_fn processor_name;
    abort_fn abort;
    wtime_fn wtime, wtick;
    barrier_fn barrier;
    ibarrier_fn ibarrier;
    test_fn test;
    send_fn send;
    recv_fn recv;
    irecv_fn irecv;
    allreduce_fn allreduce;
    handle_t comm_world, byte, dbl, sum;
} mpi;

// The processor name's capacity in OpenMPI (MPI_MAX_PROCESSOR_NAME = OPAL_MAX_PROCESSOR_NAME = 256).
enum { PROCESSOR_NAME_CAPACITY = 256 };

int roofline_mpi_load(const char *library, char *error, size_t error_capacity) {
    if (mpi.library) return 1;
    void *h = dlopen(library, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(error, error_capacity,
                 "--mpi cannot load %s (%s): install OpenMPI (apt-get install openmpi-bin libopenmpi-dev) or set "
                 "ROOFLINE_MPI_LIBRARY to OpenMPI's libmpi",
                 library, why ? why : "unknown error");
        return 0;
    }
    if (!dlsym(h, "ompi_mpi_comm_world")) {
        snprintf(error, error_capacity,
                 "--mpi: %s is not OpenMPI (no ompi_mpi_comm_world; MPICH's ABI is not supported): install "
                 "openmpi-bin libopenmpi-dev or set ROOFLINE_MPI_LIBRARY to OpenMPI's libmpi",
                 library);
        dlclose(h);
        return 0;
    }
    const char *names[] = {"MPI_Init", "MPI_Finalize", "MPI_Comm_rank", "MPI_Comm_size", "MPI_Get_processor_name",
                           "MPI_Abort", "MPI_Wtime", "MPI_Wtick", "MPI_Barrier", "MPI_Ibarrier", "MPI_Test",
                           "MPI_Send", "MPI_Recv", "MPI_Irecv", "MPI_Allreduce", "ompi_mpi_comm_world",
                           "ompi_mpi_byte", "ompi_mpi_double", "ompi_mpi_op_sum"};
    enum { COUNT = sizeof names / sizeof names[0] };
    void *symbols[COUNT];
    for (int i = 0; i < COUNT; i++) {
        symbols[i] = dlsym(h, names[i]);
        if (!symbols[i]) {
            snprintf(error, error_capacity, "--mpi: %s has no symbol %s: install OpenMPI 3 or later (openmpi-bin libopenmpi-dev)",
                     library, names[i]);
            dlclose(h);
            return 0;
        }
    }
    mpi.library = h;
    mpi.init = (init_fn)symbols[0];
    mpi.finalize = (finalize_fn)symbols[1];
    mpi.comm_rank = (rank_fn)symbols[2];
    mpi.comm_size = (rank_fn)symbols[3];
    mpi.processor_name = (name_fn)symbols[4];
    mpi.abort = (abort_fn)symbols[5];
    mpi.wtime = (wtime_fn)symbols[6];
    mpi.wtick = (wtime_fn)symbols[7];
    mpi.barrier = (barrier_fn)symbols[8];
    mpi.ibarrier = (ibarrier_fn)symbols[9];
    mpi.test = (test_fn)symbols[10];
    mpi.send = (send_fn)symbols[11];
    mpi.recv = (recv_fn)symbols[12];
    mpi.irecv = (irecv_fn)symbols[13];
    mpi.allreduce = (allreduce_fn)symbols[14];
    mpi.comm_world = symbols[15];
    mpi.byte = symbols[16];
    mpi.dbl = symbols[17];
    mpi.sum = symbols[18];
    return 1;
}

int roofline_mpi_is_loaded(void) { return mpi.library != NULL; }

int roofline_mpi_init(int *rank, int *size, char *name, size_t name_capacity) {
    int rc = mpi.init(NULL, NULL);
    if (rc) return rc;
    if ((rc = mpi.comm_rank(mpi.comm_world, rank))) return rc;
    if ((rc = mpi.comm_size(mpi.comm_world, size))) return rc;
    char buffer[PROCESSOR_NAME_CAPACITY + 1];
    int length = 0;
    if ((rc = mpi.processor_name(buffer, &length))) return rc;
    buffer[length < PROCESSOR_NAME_CAPACITY ? length : PROCESSOR_NAME_CAPACITY] = 0;
    snprintf(name, name_capacity, "%s", buffer);
    return 0;
}

int roofline_mpi_finalize(void) { return mpi.finalize(); }

void roofline_mpi_abort(int code) { mpi.abort(mpi.comm_world, code); }

double roofline_mpi_wtime(void) { return mpi.wtime(); }

double roofline_mpi_wtick(void) { return mpi.wtick(); }

static void pause_for(int microseconds) {
    struct timespec span = {0, (long)microseconds * 1000};
    nanosleep(&span, NULL);
}

static int wait_quietly(handle_t *request, int sleep_microseconds) {
    int done = 0;
    for (;;) {
        int rc = mpi.test(request, &done, STATUS_IGNORE);
        if (rc || done) return rc;
        pause_for(sleep_microseconds);
    }
}

int roofline_mpi_quiet_barrier(int sleep_microseconds) {
    handle_t request;
    int rc = mpi.ibarrier(mpi.comm_world, &request);
    return rc ? rc : wait_quietly(&request, sleep_microseconds);
}

int roofline_mpi_send_bytes(const void *buffer, int count, int dest, int tag) {
    return mpi.send(buffer, count, mpi.byte, dest, tag, mpi.comm_world);
}

int roofline_mpi_recv_bytes_quietly(void *buffer, int count, int source, int tag, int sleep_microseconds) {
    handle_t request;
    int rc = mpi.irecv(buffer, count, mpi.byte, source, tag, mpi.comm_world, &request);
    return rc ? rc : wait_quietly(&request, sleep_microseconds);
}

int roofline_mpi_allreduce_sum(const double *input, double *output, int count) {
    return mpi.allreduce(input, output, count, mpi.dbl, mpi.sum, mpi.comm_world);
}

// Page-aligned, touched buffers (as numpy's arrays in mpi4py.bench are allocated once per size and reused).
static void *buffer_of(size_t bytes) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, bytes ? bytes : 1)) return NULL;
    memset(p, 1, bytes ? bytes : 1);
    return p;
}

// Fresh anonymous pages never written, as numpy.empty gives mpi4py.bench for large sizes: reads of them map the
// kernel's shared zero page, so a send from them reads one cached page over and over.
static void *untouched_buffer_of(size_t bytes) {
    void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void release(void *p, size_t bytes, int untouched) {
    if (!p) return;
    if (untouched) munmap(p, bytes ? bytes : 1);
    else free(p);
}

int roofline_mpi_pingpong(int peer, int initiator, size_t bytes, int warmup, int iterations, int untouched,
                          double *half_round_trips) {
    void *out = untouched ? untouched_buffer_of(bytes) : buffer_of(bytes);
    void *in = untouched ? untouched_buffer_of(bytes) : buffer_of(bytes);
    if (!out || !in) {
        release(out, bytes, untouched);
        release(in, bytes, untouched);
        return -1;
    }
    // Both ranks start together (mpi4py.bench calls Barrier on its two-rank world; here other ranks may be waiting
    // elsewhere, so an empty round trip between the two).
    int count = (int)bytes, rc;
    if (initiator) {
        rc = mpi.send(out, 0, mpi.byte, peer, 2, mpi.comm_world);
        if (!rc) rc = mpi.recv(in, 0, mpi.byte, peer, 2, mpi.comm_world, STATUS_IGNORE);
    } else {
        rc = mpi.recv(in, 0, mpi.byte, peer, 2, mpi.comm_world, STATUS_IGNORE);
        if (!rc) rc = mpi.send(out, 0, mpi.byte, peer, 2, mpi.comm_world);
    }
    for (int i = 0; !rc && i < warmup + iterations; i++) {
        double start = mpi.wtime();
        if (initiator) {
            rc = mpi.send(out, count, mpi.byte, peer, 1, mpi.comm_world);
            if (!rc) rc = mpi.recv(in, count, mpi.byte, peer, 1, mpi.comm_world, STATUS_IGNORE);
        } else {
            rc = mpi.recv(in, count, mpi.byte, peer, 1, mpi.comm_world, STATUS_IGNORE);
            if (!rc) rc = mpi.send(out, count, mpi.byte, peer, 1, mpi.comm_world);
        }
        double elapsed = mpi.wtime() - start;
        if (i >= warmup) half_round_trips[i - warmup] = elapsed / 2;
    }
    release(out, bytes, untouched);
    release(in, bytes, untouched);
    return rc;
}

int roofline_mpi_allreduce_timing(size_t bytes, int warmup, int iterations, double *seconds) {
    size_t count = bytes / sizeof(double);
    double *in = buffer_of(count * sizeof(double)), *out = buffer_of(count * sizeof(double));
    if (!in || !out) {
        free(in);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < count; i++) in[i] = 1.0;
    int rc = mpi.barrier(mpi.comm_world);
    for (int i = 0; !rc && i < warmup + iterations; i++) {
        double start = mpi.wtime();
        rc = mpi.allreduce(in, out, (int)count, mpi.dbl, mpi.sum, mpi.comm_world);
        double elapsed = mpi.wtime() - start;
        if (i >= warmup) seconds[i - warmup] = elapsed;
    }
    free(in);
    free(out);
    return rc;
}
