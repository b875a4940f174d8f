// Throughput kernels for the instruction sequences inference kernels multiply with besides fp32/fp64 FMA: int8 dot
// products (AVX2 vpmaddubsw + vpmaddwd, AVX-VNNI / AVX512-VNNI vpdpbusd, AMX-INT8 tiles), bf16 dot products
// (AVX512-BF16 vdpbf16ps, AMX-BF16) and fp16 (AVX512-FP16 vfmadd231ph, or F16C conversion feeding fp32 FMA).
//
// Each function is compiled for its own instruction set (a target attribute), so the build works on every x86-64
// CPU; call one only where the CPU reports the flags the Swift table (ComputePath) names. Every kernel runs
// independent accumulator chains in registers; inputs the compiler could hoist out of the loop are passed through
// an empty asm statement each iteration, so every multiply instruction executes. Each returns a value depending on
// every accumulator so the work cannot be dropped. `iterations` counts loop trips; the instructions per trip are
// the ROOFLINE_PATH_*_PER_ITERATION constants below.
#ifndef ROOFLINE_COMPUTE_PATHS_H
#define ROOFLINE_COMPUTE_PATHS_H

#include <stdint.h>

/// Multiply instructions per loop trip of each kernel (the Swift table multiplies them by operations per instruction).
#define ROOFLINE_PATH_VNNI512_PER_ITERATION 12
#define ROOFLINE_PATH_VNNI256_PER_ITERATION 12
#define ROOFLINE_PATH_AVX2_INT8_PER_ITERATION 16  /* 8 vpmaddubsw + 8 vpmaddwd */
#define ROOFLINE_PATH_BF16_512_PER_ITERATION 12
#define ROOFLINE_PATH_FP16_512_PER_ITERATION 12
#define ROOFLINE_PATH_F16C_PER_ITERATION 8      /* 8 FMAs, each fed by 2 vcvtph2ps */
#define ROOFLINE_PATH_AMX_PER_ITERATION 4

/// x86-64 only; elsewhere each returns NaN and the Swift side never calls it (the flags are x86 ones).
double roofline_path_int8_avx512_vnni(uint64_t iterations);
double roofline_path_int8_avx512_vnni_ymm(uint64_t iterations);
double roofline_path_int8_avx_vnni(uint64_t iterations);
double roofline_path_int8_avx2(uint64_t iterations);
double roofline_path_bf16_avx512(uint64_t iterations);
double roofline_path_fp16_avx512(uint64_t iterations);
/// F16C conversions feeding fp32 FMAs: 512-bit FMAs when `wide` is nonzero (needs AVX512F), else 256-bit.
double roofline_path_fp16_f16c(uint64_t iterations, int wide);
/// Asks Linux for the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA); 0 on success, else errno.
int roofline_amx_request_permission(void);
double roofline_path_int8_amx(uint64_t iterations);
double roofline_path_bf16_amx(uint64_t iterations);

#endif
