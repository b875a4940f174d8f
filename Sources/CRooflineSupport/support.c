#define _GNU_SOURCE
#include "CRooflineSupport.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>

int roofline_pin_current_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int roofline_affinity_cpus(int *out, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            if (count < capacity) out[count] = cpu;
            count++;
        }
    }
    return count;
}

int roofline_compiled_vector_bits(void) {
#if defined(__AVX512F__)
    return 512;
#elif defined(__AVX__)
    return 256;
#else
    return 128;
#endif
}

const char *roofline_compiled_isa(void) {
#if defined(__AVX512F__)
    return "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
    return "avx2+fma";
#elif defined(__AVX__)
    return "avx";
#elif defined(__x86_64__)
    return "sse2";
#elif defined(__ARM_FEATURE_SVE)
    return "sve";
#elif defined(__aarch64__)
    return "neon";
#else
    return "scalar";
#endif
}

uint64_t roofline_dependent_add_chain(uint64_t iterations) {
    uint64_t acc = 0, one = 1;
#if defined(__x86_64__)
    __asm__ volatile(
        "1:\n\t"
        ".rept 128\n\t"
        "add %[one], %[acc]\n\t"
        ".endr\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        : [acc] "+r"(acc), [n] "+r"(iterations)
        : [one] "r"(one)
        : "cc");
#elif defined(__aarch64__)
    __asm__ volatile(
        "1:\n\t"
        ".rept 128\n\t"
        "add %[acc], %[acc], %[one]\n\t"
        ".endr\n\t"
        "subs %[n], %[n], #1\n\t"
        "b.ne 1b\n\t"
        : [acc] "+r"(acc), [n] "+r"(iterations)
        : [one] "r"(one)
        : "cc");
#else
    for (uint64_t i = 0; i < iterations * ROOFLINE_ADDS_PER_ITERATION; i++) {
        __asm__ volatile("" : "+r"(acc));
        acc += one;
    }
#endif
    return acc;
}
