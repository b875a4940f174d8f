#include "COpenBLAS.h"
#include <dlfcn.h>
#include <stdio.h>

// cblas enum values (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111.
enum { ROW_MAJOR = 101, NO_TRANS = 111 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *,
                         int);
typedef char *(*string_fn)(void);
typedef void (*threads_fn)(int);

static void *handle;
static sgemm_fn sgemm;
static dgemm_fn dgemm;
static string_fn corename;
static string_fn config;
static threads_fn set_threads;

static void clear(void) {
    handle = NULL;
    sgemm = NULL;
    dgemm = NULL;
    corename = config = NULL;
    set_threads = NULL;
}

int roofline_openblas_load(const char *library, char *error, size_t error_capacity) {
    if (handle) {
        snprintf(error, error_capacity, "OpenBLAS is already loaded; unload it first");
        return 0;
    }
    void *h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(error, error_capacity, "cannot load %s (%s): install libopenblas-dev (apt-get install libopenblas-dev)",
                 library, why ? why : "unknown error");
        return 0;
    }
    const char *names[] = {"cblas_sgemm", "cblas_dgemm", "openblas_get_corename", "openblas_get_config",
                           "openblas_set_num_threads"};
    void *symbols[5];
    for (int i = 0; i < 5; i++) {
        symbols[i] = dlsym(h, names[i]);
        if (!symbols[i]) {
            snprintf(error, error_capacity, "%s has no symbol %s: it is not OpenBLAS; install libopenblas-dev", library,
                     names[i]);
            dlclose(h);
            return 0;
        }
    }
    handle = h;
    sgemm = (sgemm_fn)symbols[0];
    dgemm = (dgemm_fn)symbols[1];
    corename = (string_fn)symbols[2];
    config = (string_fn)symbols[3];
    set_threads = (threads_fn)symbols[4];
    return 1;
}

int roofline_openblas_unload(void) {
    if (!handle) return 0;
    int ok = dlclose(handle) == 0;
    clear();
    return ok;
}

int roofline_openblas_is_loaded(void) { return handle != NULL; }

const char *roofline_openblas_corename(void) { return corename ? corename() : ""; }

const char *roofline_openblas_config(void) { return config ? config() : ""; }

void roofline_openblas_set_threads(int threads) {
    if (set_threads) set_threads(threads);
}

void roofline_sgemm(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc) {
    sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void roofline_dgemm(int m, int n, int k, double alpha, const double *a, int lda, const double *b, int ldb, double beta,
                    double *c, int ldc) {
    dgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
