// OpenBLAS, loaded at run time with dlopen rather than linked at startup.
//
// OpenBLAS picks its kernels ("core") once, when the library loads, from cpuid or from the environment variable
// OPENBLAS_CORETYPE. A library linked at startup has already chosen before main() runs, too early for the tool to
// correct a misdetected CPU. Loading it here, on demand, lets the caller decide the variable first, and unloading it
// (dlclose; the Debian build unmaps completely) lets the caller load it again with another core.
#ifndef COPENBLAS_LOADER_H
#define COPENBLAS_LOADER_H

#include <stddef.h>

/// Loads `library` (e.g. "libopenblas.so.0") and resolves cblas_sgemm, cblas_dgemm, openblas_get_corename,
/// openblas_get_config and openblas_set_num_threads. Returns 1 on success; 0 with a message in `error` otherwise.
/// Fails when a library is already loaded (unload it first). Not thread-safe: call from one thread.
int roofline_openblas_load(const char *library, char *error, size_t error_capacity);
/// Unloads the library loaded by roofline_openblas_load. Returns 1 when it was loaded and dlclose succeeded.
int roofline_openblas_unload(void);
/// 1 while a library is loaded.
int roofline_openblas_is_loaded(void);
/// The core OpenBLAS chose at load time ("Cooperlake", "Prescott", ...), or "" when nothing is loaded.
const char *roofline_openblas_corename(void);
/// OpenBLAS's build configuration string, or "" when nothing is loaded.
const char *roofline_openblas_config(void);
/// Sets how many threads OpenBLAS uses from now on (no-op when nothing is loaded).
void roofline_openblas_set_threads(int threads);

/// C = alpha·A·B + beta·C, row-major, no transposes: A is m×k (leading dimension lda), B k×n (ldb), C m×n (ldc).
/// Calls cblas_sgemm of the loaded library; must not be called when nothing is loaded.
void roofline_sgemm(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc);
/// Double-precision twin of roofline_sgemm (cblas_dgemm).
void roofline_dgemm(int m, int n, int k, double alpha, const double *a, int lda, const double *b, int ldb, double beta,
                    double *c, int ldc);

#endif
