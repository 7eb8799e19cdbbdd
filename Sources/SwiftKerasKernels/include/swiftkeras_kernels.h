/* Kernels of the Swift core written in C, where Swift cannot produce the vector code: on Linux
 * Swift's Float.squareRoot() keeps libm's errno semantics (a call per negative input), so
 * loops over square roots never vectorize. Compiled with -fno-math-errno, these do.
 * Internal to libswiftkeras (not part of the C API); pointers are valid for n elements and
 * outputs may alias inputs element for element. */
#ifndef SWIFTKERAS_KERNELS_H
#define SWIFTKERAS_KERNELS_H

#include <stddef.h>

/* Linked into libswiftkeras.so but not exported from it. */
#define SKK_INTERNAL __attribute__((visibility("hidden")))

/* Adam without amsgrad, float32: m += (g - m)*c1; v += (g*g - v)*c2;
 * x -= (m*alpha) / (sqrt(v) + eps) — the same operations and roundings, element by element,
 * as the composed ops. */
SKK_INTERNAL void skk_adam_f32(size_t n, const float *x, const float *g, const float *m, const float *v,
                  float *ox, float *om, float *ov, float c1, float c2, float alpha, float eps);

/* out[i] = sqrt(in[i]) (IEEE: correctly rounded; negative gives NaN). */
SKK_INTERNAL void skk_sqrt_f32(size_t n, const float *in, float *out);
SKK_INTERNAL void skk_sqrt_f64(size_t n, const double *in, double *out);

/* CPU features (bits of skk_cpu_features; names as /proc/cpuinfo spells them, "abm" = LZCNT). */
#define SKK_CPU_SSE4_2   (1u << 0)
#define SKK_CPU_POPCNT   (1u << 1)
#define SKK_CPU_AVX      (1u << 2)
#define SKK_CPU_AVX2     (1u << 3)
#define SKK_CPU_FMA      (1u << 4)
#define SKK_CPU_BMI1     (1u << 5)
#define SKK_CPU_BMI2     (1u << 6)
#define SKK_CPU_F16C     (1u << 7)
#define SKK_CPU_MOVBE    (1u << 8)
#define SKK_CPU_LZCNT    (1u << 9)
#define SKK_CPU_AVX512F  (1u << 10)
#define SKK_CPU_AVX512BW (1u << 11)
#define SKK_CPU_AVX512VL (1u << 12)
#define SKK_CPU_AVX512DQ (1u << 13)

/* The features this CPU has and the operating system enables, read once when the library loads. */
SKK_INTERNAL unsigned skk_cpu_features(void);

/* The bit of a feature name ("avx2", "avx512f", ...), 0 for a name not listed above. */
SKK_INTERNAL unsigned skk_cpu_feature_bit(const char *name);

/* NULL when the CPU has every instruction set the library is compiled for (x86-64-v3), else a
 * message naming the missing ones. Every C API call fails with it before running any code that
 * needs them. */
SKK_INTERNAL const char *skk_cpu_missing_message(void);

/* The OPENBLAS_CORETYPE that suits a CPU with these features: AVX-512 F+BW+VL+DQ -> "SKYLAKEX",
 * AVX2+FMA -> "HASWELL", otherwise NULL (let OpenBLAS decide). */
SKK_INTERNAL const char *skk_openblas_core_type(unsigned features);

/* 1 when the load-time hook loaded libgomp with OMP_WAIT_POLICY=passive (its idle threads sleep),
 * 0 otherwise (the host had threads, the user chose a policy, or libgomp was loaded before us). */
SKK_INTERNAL int skk_openmp_loaded_passive(void);

/* 1 when addresses a and b lie in the same loaded shared object (dladdr), else 0. */
SKK_INTERNAL int skk_same_object(const void *a, const void *b);

#endif
