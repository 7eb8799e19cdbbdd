/* Shared helpers of the C harness (C11). */
#ifndef HARNESS_UTIL_H
#define HARNESS_UTIL_H
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "swiftkeras.h"

static int passed = 0, failed = 0;

#define CHECK(cond, what) do { \
    if (cond) { passed++; } else { failed++; fprintf(stderr, "FAIL %s:%d: %s [last error %d: %s]\n", __FILE__, __LINE__, what, \
        sk_last_error_code(), sk_last_error_message()); } \
} while (0)

/* A float32 tensor from values (NULL on failure, counted as a failed check). */
static sk_tensor *mkf(const float *v, const int64_t *shape, int32_t ndim) {
    sk_tensor *t = NULL;
    int32_t rc = sk_tensor_from_data(v, SK_FLOAT32, shape, ndim, &t);
    if (rc != SK_OK) { failed++; fprintf(stderr, "FAIL mkf: %s\n", sk_last_error_message()); }
    return t;
}

static sk_tensor *mki(const int32_t *v, const int64_t *shape, int32_t ndim) {
    sk_tensor *t = NULL;
    if (sk_tensor_from_data(v, SK_INT32, shape, ndim, &t) != SK_OK) { failed++; fprintf(stderr, "FAIL mki: %s\n", sk_last_error_message()); }
    return t;
}

static sk_tensor *scalarf(double v) {
    sk_tensor *t = NULL;
    sk_scalar(v, SK_FLOAT32, &t);
    return t;
}

/* Reads up to cap elements of any dtype as doubles; returns the count, -1 on error. */
static int64_t readd(const sk_tensor *t, double *out, int64_t cap) {
    sk_tensor *d = NULL;
    if (t == NULL || sk_tensor_cast(t, SK_FLOAT64, &d) != SK_OK) return -1;
    int64_t n = sk_tensor_size(d);
    if (n > cap) { sk_tensor_release(d); return -1; }
    int32_t rc = sk_tensor_copy_data(d, out, (size_t)cap * sizeof(double));
    sk_tensor_release(d);
    return rc == SK_OK ? n : -1;
}

/* Whether t holds exactly n values close to want (relative/absolute tolerance tol). */
static int close_to(const sk_tensor *t, const double *want, int64_t n, double tol) {
    double got[4096];
    if (n > 4096 || readd(t, got, 4096) != n) return 0;
    for (int64_t i = 0; i < n; i++) {
        if (isnan(want[i]) && isnan(got[i])) continue;
        if (!(fabs(got[i] - want[i]) <= tol * (1 + fabs(want[i])))) {
            fprintf(stderr, "  element %lld: got %.9g, want %.9g\n", (long long)i, got[i], want[i]);
            return 0;
        }
    }
    return 1;
}

static double first(const sk_tensor *t) {
    double v[4096];
    return readd(t, v, 4096) >= 1 ? v[0] : NAN;
}

/* The value of a metric's result: NAN on error or when the result is not exactly one value. */
static double metric_value(const sk_metric *m) {
    sk_tensor *r = NULL;
    double v = NAN;
    if (sk_metric_result(m, &r) != SK_OK || readd(r, &v, 1) != 1) v = NAN;
    sk_tensor_release(r);
    return v;
}

static int has_shape(const sk_tensor *t, const int64_t *shape, int32_t ndim) {
    int64_t got[16];
    if (sk_tensor_ndim(t) != ndim || sk_tensor_shape(t, got, 16) != SK_OK) return 0;
    for (int32_t i = 0; i < ndim; i++) if (got[i] != shape[i]) return 0;
    return 1;
}

/* The last error message contains s. */
static int msg_has(const char *s) { return strstr(sk_last_error_message(), s) != NULL; }

#endif
