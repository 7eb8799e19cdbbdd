/* swiftkeras/tensor.h — Tensors: creation from data, inspection, copies out.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_TENSOR_H
#define SWIFTKERAS_TENSOR_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Tensors
 *
 * An sk_tensor is an immutable n-d array. Every sk_tensor* returned through an out-parameter is
 * owned by the caller (+1) and must be released with sk_tensor_release (NULL is a no-op).
 * Inputs are borrowed, never consumed. Tensors may be shared freely between threads: nothing
 * mutates them.
 * ------------------------------------------------------------------------------------- */
/* Copies count(shape) * sizeof(dtype) bytes from `data` (row-major) into a new tensor.
 * `data` may be NULL only when the shape has zero elements.
 * Errors: SK_ERR_DTYPE (unknown dtype), SK_ERR_INVALID_ARG (negative ndim/dimension, NULL
 * shape or data), SK_ERR_OUT_OF_MEMORY (too large). */
int32_t sk_tensor_from_data(const void *data, int32_t dtype, const int64_t *shape, int32_t ndim,
                            sk_tensor **out);

/* Wraps caller memory without copying. `deleter(data, user_data)` (may be NULL) runs exactly
 * once: when the last tensor using the buffer is released, or before this call returns if it
 * fails. The caller must not modify the buffer while any tensor uses it. */
int32_t sk_tensor_from_buffer(void *data, int32_t dtype, const int64_t *shape, int32_t ndim,
                              void (*deleter)(void *data, void *user_data), void *user_data,
                              sk_tensor **out);

/* Releases a handle (NULL is a no-op). */
void sk_tensor_release(sk_tensor *t);

/* Returns `t` with one more reference (release it separately). NULL gives NULL. */
sk_tensor *sk_tensor_retain(sk_tensor *t);

/* Inspection. On a NULL handle: dtype 0, ndim -1, size -1. */
int32_t sk_tensor_dtype(const sk_tensor *t);
int32_t sk_tensor_ndim(const sk_tensor *t);
int64_t sk_tensor_size(const sk_tensor *t);

/* Writes the shape into out[0..ndim). Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG when
 * capacity < ndim. */
int32_t sk_tensor_shape(const sk_tensor *t, int64_t *out, int32_t capacity);

/* Copies the elements (row-major) into `out`. Errors: SK_ERR_INVALID_ARG when capacity (bytes)
 * is smaller than size * sizeof(dtype). */
int32_t sk_tensor_copy_data(const sk_tensor *t, void *out, size_t capacity);

/* A read-only pointer to the elements, valid while `t` lives. NULL for a NULL handle (and
 * possibly for a tensor with no elements). Never write through it. */
const void *sk_tensor_data(const sk_tensor *t);

/* Writes a numpy-style text of the tensor ("[1. 2. 3. 4.]", "36.0") into buffer, NUL-terminated.
 * *needed (if not NULL) receives the size required, NUL included. buffer == NULL with
 * capacity == 0 is a size query returning SK_OK. Errors: SK_ERR_INVALID_ARG when capacity is
 * too small (buffer then holds "" if capacity > 0). */
int32_t sk_tensor_to_string(const sk_tensor *t, char *buffer, size_t capacity, size_t *needed);

/* Creation. Each writes a new caller-owned tensor to *out (NULL on failure).
 * Errors: SK_ERR_DTYPE (unknown dtype code), SK_ERR_INVALID_ARG (negative dimension),
 * SK_ERR_OUT_OF_MEMORY (size overflow). */
/* t converted to dtype (Keras `cast`); floats to integers truncate toward zero. */
int32_t sk_tensor_cast(const sk_tensor *t, int32_t dtype, sk_tensor **out);
/* A rank-0 tensor holding value. */
int32_t sk_scalar(double value, int32_t dtype, sk_tensor **out);
/* A tensor of `shape` filled with value. */
int32_t sk_full(const int64_t *shape, int32_t ndim, double value, int32_t dtype, sk_tensor **out);
/* Zeros / ones of `shape` (Keras `zeros`, `ones`). */
int32_t sk_zeros(const int64_t *shape, int32_t ndim, int32_t dtype, sk_tensor **out);
int32_t sk_ones(const int64_t *shape, int32_t ndim, int32_t dtype, sk_tensor **out);
/* rows x cols identity (Keras `eye`). Errors: negative size. */
int32_t sk_eye(int64_t rows, int64_t cols, int32_t dtype, sk_tensor **out);
/* [start, stop) by step (Keras `arange`). Errors: step 0. */
int32_t sk_arange(double start, double stop, double step, int32_t dtype, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TENSOR_H */
