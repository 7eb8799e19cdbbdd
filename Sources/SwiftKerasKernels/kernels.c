#include "swiftkeras_kernels.h"

#include <math.h>

void skk_adam_f32(size_t n, const float *x, const float *g, const float *m, const float *v,
                  float *ox, float *om, float *ov, float c1, float c2, float alpha, float eps) {
    /* In-place calls alias outputs with inputs index for index, which is safe to vectorize. */
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * c1;
        float vi = v[i] + (gi * gi - v[i]) * c2;
        float xi = x[i];
        om[i] = mi;
        ov[i] = vi;
        ox[i] = xi - (mi * alpha) / (sqrtf(vi) + eps);
    }
}

void skk_sqrt_f32(size_t n, const float *in, float *out) {
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) out[i] = sqrtf(in[i]);
}

void skk_sqrt_f64(size_t n, const double *in, double *out) {
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) out[i] = sqrt(in[i]);
}
