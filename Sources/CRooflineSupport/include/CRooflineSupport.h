// What Swift cannot say: thread affinity, a core-clock loop, non-temporal stores,
// and vector helpers that must inline into Swift loops as single instructions.
#ifndef CROOFLINE_SUPPORT_H
#define CROOFLINE_SUPPORT_H

#include <stdint.h>
#include <stddef.h>

/// Pins the calling thread to one logical CPU. Returns 0 on success, an errno value otherwise.
int roofline_pin_current_thread(int cpu);
/// Writes the CPUs in the calling thread's affinity mask to `out` (at most `capacity`); returns how many there are.
int roofline_affinity_cpus(int *out, int capacity);
/// Vector register width, in bits, that this build's compiler targeted for the kernels (512, 256 or 128).
int roofline_compiled_vector_bits(void);
/// A short name for the widest vector instruction set this build's kernels use ("avx512", "avx2", "sse2", "neon", ...).
const char *roofline_compiled_isa(void);
/// Executes `iterations` × 128 dependent register-register adds (one cycle each) for measuring the core clock.
/// Returns a value that depends on the chain so the compiler cannot drop it.
uint64_t roofline_dependent_add_chain(uint64_t iterations);
/// Number of dependent adds executed per iteration of `roofline_dependent_add_chain`.
#define ROOFLINE_ADDS_PER_ITERATION 128

typedef double roofline_f64x8 __attribute__((ext_vector_type(8)));
typedef float roofline_f32x16 __attribute__((ext_vector_type(16)));

/// Stores 8 doubles to 64-byte-aligned `p` bypassing the caches (a streaming store).
static inline __attribute__((always_inline)) void roofline_stream_f64x8(double *p, roofline_f64x8 v) {
    __builtin_nontemporal_store(v, (roofline_f64x8 *)p);
}
/// Orders streaming stores before later stores (sfence on x86); call after a streaming loop.
static inline __attribute__((always_inline)) void roofline_store_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}
/// a × b + c with a single rounding, lane by lane (one vfmadd on FMA hardware).
static inline __attribute__((always_inline)) roofline_f64x8 roofline_fma_f64x8(roofline_f64x8 a, roofline_f64x8 b, roofline_f64x8 c) {
    return __builtin_elementwise_fma(a, b, c);
}
/// a × b + c with a single rounding, lane by lane (one vfmadd on FMA hardware).
static inline __attribute__((always_inline)) roofline_f32x16 roofline_fma_f32x16(roofline_f32x16 a, roofline_f32x16 b, roofline_f32x16 c) {
    return __builtin_elementwise_fma(a, b, c);
}
/// Lane-wise maximum (one vmaxps).
static inline __attribute__((always_inline)) roofline_f32x16 roofline_max_f32x16(roofline_f32x16 a, roofline_f32x16 b) {
    return __builtin_elementwise_max(a, b);
}

#include "roofline_operators.h"
#include "roofline_compute_paths.h"

#endif
