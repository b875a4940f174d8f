// MPI, loaded at run time with dlopen rather than linked, so the one `roofline` binary runs where no MPI is installed
// and only `probe --mpi` needs one.
//
// The ABI is OpenMPI's (3.x to 5.x, soname libmpi.so.40): handles (MPI_Comm, MPI_Datatype, MPI_Op, MPI_Request) are
// pointers, and the predefined ones (MPI_COMM_WORLD, MPI_BYTE, MPI_DOUBLE, MPI_SUM) are the addresses of global
// symbols of the library (ompi_mpi_comm_world, ompi_mpi_byte, ompi_mpi_double, ompi_mpi_op_sum), resolved here with
// dlsym; MPI_STATUS_IGNORE is a null pointer. MPICH and its derivatives use integer handles and a different
// MPI_STATUS_IGNORE: a second table of those values would support them; a library without ompi_mpi_comm_world is
// refused by name.
#ifndef CMPI_LOADER_H
#define CMPI_LOADER_H

#include <stddef.h>

/// Loads `library` (e.g. "libmpi.so.40") with RTLD_GLOBAL (OpenMPI's components, loaded later, resolve against it)
/// and resolves the functions and predefined handles below. Returns 1 on success; 0 with a message in `error`.
int roofline_mpi_load(const char *library, char *error, size_t error_capacity);
/// 1 while a library is loaded.
int roofline_mpi_is_loaded(void);

/// MPI_Init, then this process's rank and the world's size, and MPI_Get_processor_name into `name`.
/// Returns MPI_SUCCESS (0) or the failing call's error code.
int roofline_mpi_init(int *rank, int *size, char *name, size_t name_capacity);
/// MPI_Finalize.
int roofline_mpi_finalize(void);
/// MPI_Abort on MPI_COMM_WORLD with `code`.
void roofline_mpi_abort(int code);
/// MPI_Wtime: seconds since an arbitrary origin.
double roofline_mpi_wtime(void);
/// MPI_Wtick: the resolution of MPI_Wtime, seconds.
double roofline_mpi_wtick(void);

/// A barrier that waits without spinning: MPI_Ibarrier, then MPI_Test with a sleep of `sleep_microseconds` between
/// tests, so waiting ranks leave the CPUs to the rank that measures its node.
int roofline_mpi_quiet_barrier(int sleep_microseconds);
/// MPI_Send of `count` bytes to `dest` with `tag`.
int roofline_mpi_send_bytes(const void *buffer, int count, int dest, int tag);
/// A receive of `count` bytes from `source` with `tag` that waits without spinning (MPI_Irecv, MPI_Test, sleep).
int roofline_mpi_recv_bytes_quietly(void *buffer, int count, int source, int tag, int sleep_microseconds);
/// MPI_Allreduce with MPI_SUM of `count` doubles.
int roofline_mpi_allreduce_sum(const double *input, double *output, int count);

/// Ping-pong as the OSU latency test and mpi4py.bench time it: after an empty round trip, `warmup + iterations` round
/// trips of `bytes` bytes with `peer` (the initiator sends then receives, the other receives then sends), each timed
/// alone with MPI_Wtime; the initiator writes the last `iterations` half round trips (seconds) to
/// `half_round_trips`. Both ranks must call it with the same sizes. The buffers are written before the first round
/// trip, or with `untouched` fresh pages never written (as numpy.empty gives mpi4py.bench: a send from them reads the
/// kernel's zero page). Returns an MPI error code or -1 when the buffers cannot be allocated.
int roofline_mpi_pingpong(int peer, int initiator, size_t bytes, int warmup, int iterations, int untouched,
                          double *half_round_trips);
/// All-reduce timing over MPI_COMM_WORLD: after an MPI_Barrier, `warmup + iterations` MPI_Allreduce calls (MPI_SUM)
/// of bytes / 8 doubles, each timed alone; this rank's last `iterations` times (seconds) go to `seconds`.
int roofline_mpi_allreduce_timing(size_t bytes, int warmup, int iterations, double *seconds);

#endif
