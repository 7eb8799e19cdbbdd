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

#endif
