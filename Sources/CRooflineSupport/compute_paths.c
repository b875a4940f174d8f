// Throughput kernels for int8, bf16 and fp16 multiply paths: see include/roofline_compute_paths.h.
#define _GNU_SOURCE
#include "roofline_compute_paths.h"
#include <math.h>

#if defined(__x86_64__)
#include <errno.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Makes `v` opaque to the optimiser without emitting an instruction: the compiler must assume it changed.
#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
#define OPAQUE_POINTER(p) __asm__ volatile("" : "+r"(p))

/// Horizontal sum of 16 int32 lanes as a double.
__attribute__((target("avx512f"))) static double sum_epi32x16(__m512i v) { return (double)_mm512_reduce_add_epi32(v); }

/// Sum of 8 int32 lanes as a double.
__attribute__((target("avx2"))) static double sum_epi32x8(__m256i v) {
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, v);
    double sum = 0;
    for (int i = 0; i < 8; i++) sum += lanes[i];
    return sum;
}

// vpdpbusd zmm: 64 u8×s8 products summed by fours into 16 int32 lanes per instruction.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
double roofline_path_int8_avx512_vnni(uint64_t iterations) {
    __m512i a = _mm512_set1_epi8(3);
    __m512i b[12], acc[12];
    for (int i = 0; i < 12; i++) { b[i] = _mm512_set1_epi8((char)(i + 1)); acc[i] = _mm512_setzero_si512(); }
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE(a);
        for (int i = 0; i < 12; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b[i]);
    }
    __m512i total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm512_add_epi32(total, acc[i]);
    return sum_epi32x16(total);
}

// vpdpbusd ymm in its EVEX form (AVX512-VNNI with AVX512-VL): what ggml's 256-bit kernels emit on such CPUs.
__attribute__((target("avx512f,avx512vl,avx512bw,avx512vnni")))
double roofline_path_int8_avx512_vnni_ymm(uint64_t iterations) {
    __m256i a = _mm256_set1_epi8(3);
    __m256i b[12], acc[12];
    for (int i = 0; i < 12; i++) { b[i] = _mm256_set1_epi8((char)(i + 1)); acc[i] = _mm256_setzero_si256(); }
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE(a);
        for (int i = 0; i < 12; i++) acc[i] = _mm256_dpbusd_epi32(acc[i], a, b[i]);
    }
    __m256i total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm256_add_epi32(total, acc[i]);
    return sum_epi32x8(total);
}

// vpdpbusd ymm in its VEX form (AVX-VNNI): 32 u8×s8 products summed by fours into 8 int32 lanes.
__attribute__((target("avx2,avxvnni")))
double roofline_path_int8_avx_vnni(uint64_t iterations) {
    __m256i a = _mm256_set1_epi8(3);
    __m256i b[12], acc[12];
    for (int i = 0; i < 12; i++) { b[i] = _mm256_set1_epi8((char)(i + 1)); acc[i] = _mm256_setzero_si256(); }
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE(a);
        for (int i = 0; i < 12; i++) acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b[i]);
    }
    __m256i total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm256_add_epi32(total, acc[i]);
    return sum_epi32x8(total);
}

// The AVX2 int8 dot product ggml uses without VNNI (mul_sum_us8_pairs): vpmaddubsw (32 u8×s8 products summed in
// pairs to 16 int16), vpmaddwd with ones (pairs to 8 int32), vpaddd into the accumulator. `a` is made opaque every
// trip so the multiplies, which do not depend on the accumulators, are not hoisted out of the loop.
__attribute__((target("avx2")))
double roofline_path_int8_avx2(uint64_t iterations) {
    __m256i a = _mm256_set1_epi8(3);
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i b[8], acc[8];
    for (int i = 0; i < 8; i++) { b[i] = _mm256_set1_epi8((char)(i + 1)); acc[i] = _mm256_setzero_si256(); }
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE(a);
        for (int i = 0; i < 8; i++) {
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b[i]), ones));
        }
    }
    __m256i total = acc[0];
    for (int i = 1; i < 8; i++) total = _mm256_add_epi32(total, acc[i]);
    return sum_epi32x8(total);
}

// vdpbf16ps zmm: 32 bf16 pairs multiplied and summed by twos into 16 fp32 lanes per instruction.
__attribute__((target("avx512f,avx512bf16")))
double roofline_path_bf16_avx512(uint64_t iterations) {
    __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
    __m512bh b[12];
    __m512 acc[12];
    for (int i = 0; i < 12; i++) {
        b[i] = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f * (float)(i + 1)), _mm512_set1_ps(1e-3f));
        acc[i] = _mm512_setzero_ps();
    }
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE(a);
        for (int i = 0; i < 12; i++) acc[i] = _mm512_dpbf16_ps(acc[i], a, b[i]);
    }
    __m512 total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm512_add_ps(total, acc[i]);
    return (double)_mm512_reduce_add_ps(total);
}

// vfmadd231ph zmm: 32 fp16 lanes, x ← x × m + c, which converges and stays finite in fp16.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512fp16")))
double roofline_path_fp16_avx512(uint64_t iterations) {
    const __m512h m = _mm512_set1_ph((_Float16)0.99f), c = _mm512_set1_ph((_Float16)0.001f);
    __m512h x[12];
    for (int i = 0; i < 12; i++) x[i] = _mm512_set1_ph((_Float16)(0.01f * (float)(i + 1)));
    for (uint64_t n = 0; n < iterations; n++) {
        for (int i = 0; i < 12; i++) x[i] = _mm512_fmadd_ph(x[i], m, c);
    }
    __m512h total = x[0];
    for (int i = 1; i < 12; i++) total = _mm512_add_ph(total, x[i]);
    return (double)_mm512_reduce_add_ph(total);
}

/// 8 × 16 fp16 values (0.001) in L1: the operands the F16C kernel converts, read through an opaque pointer.
static _Alignas(64) uint16_t f16_operands[8 * 16];

__attribute__((target("avx512f,f16c,fma")))
static double fp16_f16c_512(uint64_t iterations) {
    const uint16_t *p = f16_operands;
    const __m512 x = _mm512_set1_ps(0.5f);
    __m512 acc[8];
    for (int i = 0; i < 8; i++) acc[i] = _mm512_setzero_ps();
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE_POINTER(p);
        for (int i = 0; i < 8; i++) {
            __m512 w = _mm512_cvtph_ps(_mm256_load_si256((const __m256i *)(p + 16 * i)));
            acc[i] = _mm512_fmadd_ps(w, x, acc[i]);
        }
    }
    __m512 total = acc[0];
    for (int i = 1; i < 8; i++) total = _mm512_add_ps(total, acc[i]);
    return (double)_mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,f16c,fma")))
static double fp16_f16c_256(uint64_t iterations) {
    const uint16_t *p = f16_operands;
    const __m256 x = _mm256_set1_ps(0.5f);
    __m256 acc[8];
    for (int i = 0; i < 8; i++) acc[i] = _mm256_setzero_ps();
    for (uint64_t n = 0; n < iterations; n++) {
        OPAQUE_POINTER(p);
        for (int i = 0; i < 8; i++) {
            __m256 w = _mm256_cvtph_ps(_mm_load_si128((const __m128i *)(p + 16 * i)));
            acc[i] = _mm256_fmadd_ps(w, x, acc[i]);
        }
    }
    __m256 total = acc[0];
    for (int i = 1; i < 8; i++) total = _mm256_add_ps(total, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    double sum = 0;
    for (int i = 0; i < 8; i++) sum += lanes[i];
    return sum;
}

// One conversion (vcvtph2ps from L1) per fp32 FMA: the sequence a kernel that widens each fp16 weight once runs.
double roofline_path_fp16_f16c(uint64_t iterations, int wide) {
    for (int i = 0; i < 8 * 16; i++) f16_operands[i] = 0x1419;  // 0.001 in IEEE binary16
    return wide ? fp16_f16c_512(iterations) : fp16_f16c_256(iterations);
}

int roofline_amx_request_permission(void) {
    // ARCH_REQ_XCOMP_PERM and XFEATURE_XTILEDATA from the kernel's arch/x86/include/uapi/asm/prctl.h and
    // Documentation/arch/x86/xstate.rst: a process must ask for the 8 KiB tile-data state before touching tiles.
    long rc = syscall(SYS_arch_prctl, 0x1023, 18);
    return rc == 0 ? 0 : errno;
}

/// The AMX palette-1 tile configuration: 64 bytes, tiles 0–7 of 16 rows × 64 bytes.
struct amx_tile_config {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
};

static _Alignas(64) uint8_t amx_operands[2][16 * 64];

__attribute__((target("amx-tile")))
static void amx_configure(void) {
    struct amx_tile_config config = {0};
    config.palette = 1;
    for (int t = 0; t < 8; t++) { config.rows[t] = 16; config.bytes_per_row[t] = 64; }
    _tile_loadconfig(&config);
}

// tdpbusd: tile 0–3 (16 × 16 int32) += tile 4–5 (16 × 64 u8) · tile 6–7 (16 × 64 s8, as 16 rows of 4-byte groups):
// 16 × 16 × 64 multiply-adds per instruction, four independent accumulator tiles.
__attribute__((target("amx-tile,amx-int8")))
double roofline_path_int8_amx(uint64_t iterations) {
    for (int i = 0; i < 16 * 64; i++) { amx_operands[0][i] = 1; amx_operands[1][i] = 2; }
    amx_configure();
    _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
    _tile_loadd(4, amx_operands[0], 64); _tile_loadd(5, amx_operands[1], 64);
    _tile_loadd(6, amx_operands[1], 64); _tile_loadd(7, amx_operands[0], 64);
    for (uint64_t n = 0; n < iterations; n++) {
        _tile_dpbusd(0, 4, 6); _tile_dpbusd(1, 4, 7); _tile_dpbusd(2, 5, 6); _tile_dpbusd(3, 5, 7);
    }
    static _Alignas(64) int32_t out[16 * 16];
    _tile_stored(0, out, 64);
    _tile_release();
    double sum = 0;
    for (int i = 0; i < 16 * 16; i++) sum += out[i];
    return sum;
}

// tdpbf16ps: tile 0–3 (16 × 16 fp32) += tile 4–5 (16 × 32 bf16) · tile 6–7: 16 × 16 × 32 multiply-adds per instruction.
__attribute__((target("amx-tile,amx-bf16")))
double roofline_path_bf16_amx(uint64_t iterations) {
    // 0x3A83 is bf16 for 0.001: the accumulators grow by 16 × 32 × 1e-6 per instruction and stay finite.
    uint16_t *halves = (uint16_t *)amx_operands[0];
    for (int i = 0; i < 16 * 32; i++) halves[i] = 0x3A83;
    halves = (uint16_t *)amx_operands[1];
    for (int i = 0; i < 16 * 32; i++) halves[i] = 0x3A83;
    amx_configure();
    _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
    _tile_loadd(4, amx_operands[0], 64); _tile_loadd(5, amx_operands[1], 64);
    _tile_loadd(6, amx_operands[1], 64); _tile_loadd(7, amx_operands[0], 64);
    for (uint64_t n = 0; n < iterations; n++) {
        _tile_dpbf16ps(0, 4, 6); _tile_dpbf16ps(1, 4, 7); _tile_dpbf16ps(2, 5, 6); _tile_dpbf16ps(3, 5, 7);
    }
    static _Alignas(64) float out[16 * 16];
    _tile_stored(0, out, 64);
    _tile_release();
    double sum = 0;
    for (int i = 0; i < 16 * 16; i++) sum += out[i];
    return sum;
}

#else

double roofline_path_int8_avx512_vnni(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_int8_avx512_vnni_ymm(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_int8_avx_vnni(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_int8_avx2(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_bf16_avx512(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_fp16_avx512(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_fp16_f16c(uint64_t iterations, int wide) { (void)iterations; (void)wide; return NAN; }
int roofline_amx_request_permission(void) { return 38; /* ENOSYS */ }
double roofline_path_int8_amx(uint64_t iterations) { (void)iterations; return NAN; }
double roofline_path_bf16_amx(uint64_t iterations) { (void)iterations; return NAN; }

#endif
