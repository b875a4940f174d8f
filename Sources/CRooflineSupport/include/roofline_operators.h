// Vector helpers for the operator kernels (softmax, decode attention, RMSNorm) that must inline into Swift loops
// as clean zmm code. Written in C on clang ext_vector_type because LLVM turned the same Swift SIMD code
// (bit casts between SIMD16<Float> and SIMD16<Int32>, even/odd halves) into lane-by-lane shuffles.
// Included from CRooflineSupport.h after its vector typedefs.
#ifndef ROOFLINE_OPERATORS_H
#define ROOFLINE_OPERATORS_H

#include <stdint.h>

typedef int32_t roofline_i32x16 __attribute__((ext_vector_type(16)));
typedef uint32_t roofline_u32x16 __attribute__((ext_vector_type(16)));

/// The last step of both exponentials: p·2^n, with n read back from t = n + 1.5·2^23 (bits(t) = bits(1.5·2^23) + n,
/// so (bits(t) − bits(1.5·2^23) + 127) << 23 is the float 2^n), and 0 wherever x < bound. Below the bound the
/// arithmetic is garbage (NaN for −∞): the sign of x − bound, smeared over the lane by an arithmetic shift, clears it.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_times_pow2_f32x16(roofline_f32x16 p, roofline_f32x16 t,
                                                                                       roofline_f32x16 x, float bound) {
    roofline_i32x16 scale = ((roofline_i32x16)t - 0x4B400000 + 127) << 23;
    roofline_i32x16 result = (roofline_i32x16)(p * (roofline_f32x16)scale);
    roofline_i32x16 below = (roofline_i32x16)(x - bound) >> 31;
    return (roofline_f32x16)(result & ~below);
}

/// e^x lane by lane: n = round(x·log2 e), r = x − n·ln2 (ln2 in two parts, Cody–Waite), e^r by a degree-5
/// polynomial (minimax for relative error on [−ln2/2, ln2/2], 7.5e-8 in exact arithmetic), times 2^n built in the
/// exponent bits. x is clamped at 88.37626 above; below −87.33654 (ln of the smallest normal float) the result is 0,
/// −∞ included. Relative error ≤ 4e-7 on [−87.3, 88.3] in fp32 arithmetic (tested). 15 vector operations.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_exp_f32x16(roofline_f32x16 x) {
    const roofline_f32x16 magic = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer in the low mantissa bits
    roofline_f32x16 xc = __builtin_elementwise_min(x, (roofline_f32x16)88.37626f);
    roofline_f32x16 t = __builtin_elementwise_fma(xc, (roofline_f32x16)1.44269504088896341f, magic);
    roofline_f32x16 n = t - magic;
    roofline_f32x16 r = __builtin_elementwise_fma(n, (roofline_f32x16)-0.693359375f, xc);
    r = __builtin_elementwise_fma(n, (roofline_f32x16)2.12194440e-4f, r);
    roofline_f32x16 p = 0.008297654928972753f;
    p = __builtin_elementwise_fma(p, r, (roofline_f32x16)0.04191538288360118f);
    p = __builtin_elementwise_fma(p, r, (roofline_f32x16)0.16667574736416496f);
    p = __builtin_elementwise_fma(p, r, (roofline_f32x16)0.4999889484336659f);
    p = __builtin_elementwise_fma(p, r, (roofline_f32x16)0.9999996919876328f);
    p = __builtin_elementwise_fma(p, r, (roofline_f32x16)1.0000000716554314f);
    return roofline_times_pow2_f32x16(p, t, x, -87.33654f);
}

/// 2^y lane by lane, for softmax in base 2: exp(x − m) = 2^(x·log2 e − m·log2 e), the scaling folded into one FMA
/// by the caller. n = round(y) and f = y − n are exact (no ln2 reduction), 2^f by a degree-5 polynomial (minimax
/// for relative error on [−1/2, 1/2], 7.5e-8), times 2^n in the exponent bits. y is clamped at 127 above; below −126
/// the result is 0, −∞ included. The rounding of y itself (≤ |y|·2^−24) dominates for large |y|: relative error
/// ≤ 4.1e-6 at the underflow end, ≤ 7e-7 for |x − m| < 10, absolute error ≤ 2e-7 (tested through the softmax checks).
/// 10 vector operations, 7 of them on the FMA pipes counting the caller's scaling FMA.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_exp2_f32x16(roofline_f32x16 y) {
    const roofline_f32x16 magic = 12582912.0f;
    roofline_f32x16 yc = __builtin_elementwise_min(y, (roofline_f32x16)127.0f);
    roofline_f32x16 t = yc + magic;
    roofline_f32x16 n = t - magic;
    roofline_f32x16 f = yc - n;
    roofline_f32x16 p = 0.001327647195972717f;
    p = __builtin_elementwise_fma(p, f, (roofline_f32x16)0.009675541502626915f);
    p = __builtin_elementwise_fma(p, f, (roofline_f32x16)0.05550713275065447f);
    p = __builtin_elementwise_fma(p, f, (roofline_f32x16)0.24022119720751461f);
    p = __builtin_elementwise_fma(p, f, (roofline_f32x16)0.693146967062884f);
    p = __builtin_elementwise_fma(p, f, (roofline_f32x16)1.000000071655301f);
    return roofline_times_pow2_f32x16(p, t, y, -126.0f);
}

/// 32 bfloat16 values (unaligned, one 64-byte load) as two fp32 vectors without a shuffle: the even-indexed values
/// (each 32-bit word shifted left by 16, vpslld) and the odd-indexed ones (the word's upper half kept, vpandd).
/// Lane i of the even vector is p[2i], lane i of the odd one p[2i + 1]; callers lay the other operand out the same
/// way. Called on the same `p` back to back, the two share one load.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_load_bf16x32_even(const uint16_t *p) {
    roofline_u32x16 w;
    __builtin_memcpy(&w, p, sizeof w);
    return (roofline_f32x16)(w << 16);
}

/// The odd-indexed half of `roofline_load_bf16x32_even`'s 32 values.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_load_bf16x32_odd(const uint16_t *p) {
    roofline_u32x16 w;
    __builtin_memcpy(&w, p, sizeof w);
    return (roofline_f32x16)(w & 0xFFFF0000u);
}

/// The first 16 of the 32 values that interleave `even` and `odd` (even[0], odd[0], even[1], …): puts values
/// widened by `roofline_load_bf16x32_even`/`_odd` back in memory order, with `roofline_interleave_high_f32x16`.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_interleave_low_f32x16(roofline_f32x16 even, roofline_f32x16 odd) {
    return __builtin_shufflevector(even, odd, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

/// The last 16 of the 32 interleaved values.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_interleave_high_f32x16(roofline_f32x16 even, roofline_f32x16 odd) {
    return __builtin_shufflevector(even, odd, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

// The even- and odd-indexed lanes of the 32 values x ‖ y, for the four-vector reductions below.
#define ROOFLINE_EVEN(x, y) __builtin_shufflevector(x, y, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define ROOFLINE_ODD(x, y) __builtin_shufflevector(x, y, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)

/// The maxima of four vectors at once: lanes 4h … 4h + 3 of the result all hold the largest lane of the h-th
/// argument. Three even/odd folds and two in-lane steps: 13 operations instead of 4 × 8.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_hmax4_f32x16(roofline_f32x16 a, roofline_f32x16 b,
                                                                                 roofline_f32x16 c, roofline_f32x16 d) {
    roofline_f32x16 ab = __builtin_elementwise_max(ROOFLINE_EVEN(a, b), ROOFLINE_ODD(a, b));
    roofline_f32x16 cd = __builtin_elementwise_max(ROOFLINE_EVEN(c, d), ROOFLINE_ODD(c, d));
    roofline_f32x16 x = __builtin_elementwise_max(ROOFLINE_EVEN(ab, cd), ROOFLINE_ODD(ab, cd));
    x = __builtin_elementwise_max(x, __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    return __builtin_elementwise_max(x, __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
}

/// The sums of four vectors at once: lanes 4h … 4h + 3 of the result all hold the sum of the h-th argument's lanes.
static inline __attribute__((always_inline)) roofline_f32x16 roofline_hsum4_f32x16(roofline_f32x16 a, roofline_f32x16 b,
                                                                                 roofline_f32x16 c, roofline_f32x16 d) {
    roofline_f32x16 ab = ROOFLINE_EVEN(a, b) + ROOFLINE_ODD(a, b);
    roofline_f32x16 cd = ROOFLINE_EVEN(c, d) + ROOFLINE_ODD(c, d);
    roofline_f32x16 x = ROOFLINE_EVEN(ab, cd) + ROOFLINE_ODD(ab, cd);
    x = x + __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    return x + __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}

#undef ROOFLINE_EVEN
#undef ROOFLINE_ODD

/// Sum of the 16 lanes.
static inline __attribute__((always_inline)) float roofline_sum_f32x16(roofline_f32x16 v) {
    roofline_f32x16 a = v + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    a = a + __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
    a = a + __builtin_shufflevector(a, a, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
    a = a + __builtin_shufflevector(a, a, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
    return a[0];
}

/// Maximum of the 16 lanes.
static inline __attribute__((always_inline)) float roofline_hmax_f32x16(roofline_f32x16 v) {
    roofline_f32x16 a = __builtin_elementwise_max(v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    return a[0];
}

/// Stores 16 floats to 64-byte-aligned `p` bypassing the caches (vmovntps): an output larger than the last-level
/// cache then costs its bytes once, without the write-allocate read. Follow a streaming loop with
/// roofline_store_fence().
static inline __attribute__((always_inline)) void roofline_stream_f32x16(float *p, roofline_f32x16 v) {
    __builtin_nontemporal_store(v, (roofline_f32x16 *)p);
}

/// Asks for the 64-byte line holding `p` to be brought into L2 (prefetcht2), without faulting on a bad address.
/// On this project's AMD Zen 4 guest, streaming kernels that compute between loads left DRAM idle while they
/// computed (their time was compute time + transfer time); prefetching 64 KiB ahead into L2 overlapped the two
/// (RMSNorm 20 → 45 GB/s on one core). Prefetching into L1 (prefetcht0) made them slower.
static inline __attribute__((always_inline)) void roofline_prefetch_l2(const void *p) { __builtin_prefetch(p, 0, 1); }

#endif
