/*
 * swiftkeras.h — the C API of SwiftKeras, a Keras-backend-style tensor engine.
 *
 * This header is the whole contract: every function declared here is exported by
 * libswiftkeras.so and nothing else is. C99, C++-safe.
 *
 * Conventions
 *  - Fallible calls return an int32_t status (SK_OK = 0) and write results through
 *    out-parameters, which are set to NULL on failure.
 *  - The message of the last error is thread-local: sk_last_error_message() returns it
 *    (valid until the next failing call on the same thread). The library never prints,
 *    exits or aborts on user error.
 *  - Status and dtype codes are explicit and append-only.
 *  - Ownership: every handle (sk_tensor*, sk_variable*, sk_tape*, sk_function*, and the Keras
 *    handles sk_layer*, sk_model*, sk_optimizer*, sk_loss*, sk_history*...) written to an
 *    out-parameter is owned by the caller (+1) and released with the matching sk_*_release
 *    (NULL is a no-op). Handles passed as inputs are borrowed: never consumed, never kept
 *    beyond the call unless documented (sk_custom_gradient keeps its functions).
 *  - Shapes are `const int64_t *shape` + `int32_t ndim`; booleans cross as uint8_t (0 = false).
 *  - Errors common to every fallible call: SK_ERR_INVALID_HANDLE for a NULL handle argument
 *    that is not documented as optional; SK_ERR_INVALID_ARG for a NULL out-parameter, a NULL
 *    array with a positive count, or a negative count. The message always names the function
 *    or op and the offending shapes / values, e.g. "matmul: shapes (2, 3) and (4, 5) ...".
 *
 * Threads
 *  - Any function may be called from any thread at any time. Tensors are immutable and may be
 *    shared freely between threads. The last error is per thread.
 *  - sk_variable: each call (read, assign, assign_add, assign_sub) is atomic on its own; a reader
 *    sees the old or the new value. A read-modify-write *sequence* made of several calls (read,
 *    compute, assign) needs external locking if other threads assign the same variable.
 *    sk_variable_set_trainable must not race with other calls on the same variable.
 *  - sk_tape: a tape records the ops run on the thread that started it, and belongs to that
 *    thread: start/stop/pause/resume/watch/gradient/reset/release must come from one thread at a
 *    time (calls from another thread while it records fail with SK_ERR_RUNTIME where detectable).
 *    Different threads use different tapes concurrently without locking.
 *  - sk_function: the callback may run on whatever thread invokes it (sk_function_call, an op,
 *    or the thread computing a gradient through sk_custom_gradient); it must be reentrant if
 *    shared by several threads.
 */
#ifndef SWIFTKERAS_H
#define SWIFTKERAS_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SK_VERSION_MAJOR 0
#define SK_VERSION_MINOR 1
#define SK_VERSION_PATCH 0

/* Status codes (append-only). */
#define SK_OK                 0
#define SK_ERR_INVALID_ARG    1  /* bad value or shape            (Python ValueError) */
#define SK_ERR_DTYPE          2  /* dtype not accepted by the op  (Python TypeError) */
#define SK_ERR_OUT_OF_RANGE   3  /* index out of range            (Python IndexError) */
#define SK_ERR_OUT_OF_MEMORY  4  /* allocation failed or overflow (Python MemoryError) */
#define SK_ERR_UNIMPLEMENTED  5  /* feature not implemented       (NotImplementedError) */
#define SK_ERR_RUNTIME        6  /* state error, failed callback  (RuntimeError) */
#define SK_ERR_INVALID_HANDLE 7  /* NULL or invalid handle */
#define SK_ERR_IO             8  /* file read/write failed */

/* Dtype codes (append-only). */
#define SK_FLOAT32  1
#define SK_FLOAT64  2
#define SK_FLOAT16  3
#define SK_BFLOAT16 4
#define SK_INT32    5
#define SK_INT64    6
#define SK_UINT8    7
#define SK_BOOL     8

/* Padding of windowed ops (convolution, pooling). */
#define SK_PADDING_VALID  0
#define SK_PADDING_SAME   1
#define SK_PADDING_CAUSAL 2  /* conv1d only */

/* Data format of image-like tensors. */
#define SK_CHANNELS_LAST  0  /* (batch, ..., channels): Keras' default */
#define SK_CHANNELS_FIRST 1  /* (batch, channels, ...) */

/* Pooling modes. */
#define SK_POOL_MAX 0
#define SK_POOL_AVG 1

/* Interpolation of resize / resize_images. */
#define SK_INTERP_NEAREST  0
#define SK_INTERP_BILINEAR 1

/* What sk_tape_gradient returns for a source the target does not depend on. */
#define SK_UNCONNECTED_NONE 0  /* a NULL entry (TensorFlow's default) */
#define SK_UNCONNECTED_ZERO 1  /* zeros shaped like the source */

/* Opaque handles. */
typedef struct sk_tensor sk_tensor;
typedef struct sk_variable sk_variable;
typedef struct sk_tape sk_tape;
typedef struct sk_function sk_function;

/* A user function: reads n_inputs borrowed tensors (valid for the duration of the call; retain
 * with sk_tensor_retain to keep one), writes up to n_outputs new tensors into outputs[] (the
 * slots arrive NULL; the library takes ownership of what is written, also on failure) and
 * returns SK_OK, or a status code after sk_set_error(code, message): the API call that invoked
 * the callback then returns exactly that code (a code outside the SK_ERR_* list becomes
 * SK_ERR_RUNTIME), and sk_last_error_message() gives that message.
 * Used by sk_function_create (and later map_fn, foldl/foldr, rnn, custom layers and losses). */
typedef int32_t (*sk_callback)(void *user_data, const sk_tensor *const *inputs, int32_t n_inputs,
                               sk_tensor **outputs, int32_t n_outputs);

/* The library version as "MAJOR.MINOR.PATCH". Static storage; never free it. Thread-safe. */
const char *sk_version(void);

/* The message of the last failed call on this thread ("" if none). Owned by the library,
 * valid until the next failing call on this thread. Thread-safe (per-thread state). */
const char *sk_last_error_message(void);

/* The status code of the last failed call on this thread (SK_OK if none). */
int32_t sk_last_error_code(void);

/* Resets this thread's last error to SK_OK and "". */
void sk_clear_error(void);

/* Sets this thread's last error (for callbacks reporting a failure to the library, which passes
 * the message on to its caller unchanged). `message` is copied; NULL means "". Returns `code`. */
int32_t sk_set_error(int32_t code, const char *message);

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

/* ---------------------------------------------------------------------------------------
 * Ops
 *
 * Every op below: returns SK_OK and writes a NEW caller-owned tensor to *out (release it with
 * sk_tensor_release); on failure *out is NULL, the status code is returned and
 * sk_last_error_message() names the op and the shapes. Input tensors are borrowed. Thread-safe.
 * Besides the common errors (see Conventions) and those listed per op: SK_ERR_INVALID_ARG for
 * shapes that do not broadcast or fit, bad axes (out of range or repeated), or a bad enum code;
 * SK_ERR_DTYPE for a dtype the op does not accept; SK_ERR_OUT_OF_MEMORY when a result size
 * overflows. Axes are int64_t and may be negative (counting from the end).
 *
 * Scalars: the `*_scalar` ops take `double value` as a Python-style ("weak") scalar: an integral
 * value acts as a Python int and takes the tensor's dtype (int32 + 2 stays int32), any other
 * value as a Python float (an integer tensor gives float32, float16 stays float16).
 *
 * Random ops take `uint64_t seed, uint8_t has_seed`: has_seed != 0 makes the result a pure
 * function of (seed, shape, dtype, arguments); has_seed == 0 draws a fresh seed.
 * ------------------------------------------------------------------------------------- */
/* BEGIN GENERATED OPS (tools/capi_ops.py) */
/* -x (Keras `negative`). Bool is rejected. */
int32_t sk_negative(const sk_tensor *x, sk_tensor **out);
/* |x| (Keras `abs`). */
int32_t sk_abs(const sk_tensor *x, sk_tensor **out);
/* -1, 0 or 1 per element (Keras `sign`). */
int32_t sk_sign(const sk_tensor *x, sk_tensor **out);
/* x*x (Keras `square`). */
int32_t sk_square(const sk_tensor *x, sk_tensor **out);
/* Square root (Keras `sqrt`); integers compute in float32. */
int32_t sk_sqrt(const sk_tensor *x, sk_tensor **out);
/* e^x (Keras `exp`). */
int32_t sk_exp(const sk_tensor *x, sk_tensor **out);
/* Natural logarithm (Keras `log`). */
int32_t sk_log(const sk_tensor *x, sk_tensor **out);
/* log(1 + x) (Keras `log1p`). */
int32_t sk_log1p(const sk_tensor *x, sk_tensor **out);
/* e^x - 1 (Keras `expm1`). */
int32_t sk_expm1(const sk_tensor *x, sk_tensor **out);
/* Sine (Keras `sin`). */
int32_t sk_sin(const sk_tensor *x, sk_tensor **out);
/* Cosine (Keras `cos`). */
int32_t sk_cos(const sk_tensor *x, sk_tensor **out);
/* Hyperbolic tangent (Keras `tanh`). */
int32_t sk_tanh(const sk_tensor *x, sk_tensor **out);
/* 1 / (1 + e^-x) (Keras `sigmoid`). */
int32_t sk_sigmoid(const sk_tensor *x, sk_tensor **out);
/* clip(0.2x + 0.5, 0, 1) (Keras `hard_sigmoid`). */
int32_t sk_hard_sigmoid(const sk_tensor *x, sk_tensor **out);
/* log(1 + e^x) (Keras `softplus`). */
int32_t sk_softplus(const sk_tensor *x, sk_tensor **out);
/* x / (1 + |x|) (Keras `softsign`). */
int32_t sk_softsign(const sk_tensor *x, sk_tensor **out);
/* Round half to even (Keras `round`). */
int32_t sk_round(const sk_tensor *x, sk_tensor **out);
/* Floor (Keras `floor`). */
int32_t sk_floor(const sk_tensor *x, sk_tensor **out);
/* Ceiling (Keras `ceil`). */
int32_t sk_ceil(const sk_tensor *x, sk_tensor **out);
/* Logical not; the input is cast to bool (Keras `logical_not`). */
int32_t sk_logical_not(const sk_tensor *x, sk_tensor **out);
/* The same values with no gradient flowing back (Keras `stop_gradient`). Never fails on a valid handle. */
int32_t sk_stop_gradient(const sk_tensor *x, sk_tensor **out);
/* The elements as a 1-D tensor (Keras `flatten`). */
int32_t sk_flatten(const sk_tensor *x, sk_tensor **out);
/* (B, ...) -> (B, -1) (Keras `batch_flatten`). Errors: rank 0. */
int32_t sk_batch_flatten(const sk_tensor *x, sk_tensor **out);
/* a + b with broadcasting and Keras dtype promotion (Keras `add`). */
int32_t sk_add(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a - b (Keras `subtract`); two bools are rejected. */
int32_t sk_subtract(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a * b (Keras `multiply`). */
int32_t sk_multiply(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a / b, true division (Keras `divide`); integers give floats. */
int32_t sk_divide(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* floor(a / b) (Keras `floordiv`); integer division by zero gives 0. */
int32_t sk_floor_divide(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Python-style remainder, sign of b (Keras `mod`). */
int32_t sk_mod(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a ** b (Keras `pow`). */
int32_t sk_pow(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Elementwise maximum (Keras `maximum`); NaN propagates. */
int32_t sk_maximum(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Elementwise minimum (Keras `minimum`); NaN propagates. */
int32_t sk_minimum(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a == b as a bool tensor (Keras `equal`). */
int32_t sk_equal(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a != b as a bool tensor (Keras `not_equal`). */
int32_t sk_not_equal(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a > b as a bool tensor (Keras `greater`). */
int32_t sk_greater(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a >= b as a bool tensor (Keras `greater_equal`). */
int32_t sk_greater_equal(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a < b as a bool tensor (Keras `less`). */
int32_t sk_less(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* a <= b as a bool tensor (Keras `less_equal`). */
int32_t sk_less_equal(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Logical and; operands cast to bool (Keras `logical_and`). */
int32_t sk_logical_and(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Logical or; operands cast to bool (Keras `logical_or`). */
int32_t sk_logical_or(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Matrix product with numpy `matmul` batching rules (Keras `ops.matmul`). Errors: unaligned shapes. */
int32_t sk_matmul(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* Keras `dot`: contracts the last axis of a with the second-to-last of b (Theano rules for rank > 2). */
int32_t sk_dot(const sk_tensor *a, const sk_tensor *b, sk_tensor **out);
/* x + value with a Python-style scalar (see "Scalars" above). */
int32_t sk_add_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x - value with a Python-style scalar (see "Scalars" above). */
int32_t sk_subtract_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x * value with a Python-style scalar (see "Scalars" above). */
int32_t sk_multiply_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x / value with a Python-style scalar (see "Scalars" above). */
int32_t sk_divide_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x ** value with a Python-style scalar (see "Scalars" above). */
int32_t sk_pow_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* max(x, value) with a Python-style scalar (see "Scalars" above). */
int32_t sk_maximum_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* min(x, value) with a Python-style scalar (see "Scalars" above). */
int32_t sk_minimum_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x > value (bool) with a Python-style scalar (see "Scalars" above). */
int32_t sk_greater_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x < value (bool) with a Python-style scalar (see "Scalars" above). */
int32_t sk_less_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* x == value (bool) with a Python-style scalar (see "Scalars" above). */
int32_t sk_equal_scalar(const sk_tensor *x, double value, sk_tensor **out);
/* Sum (Keras `sum`). Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_sum(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Product (Keras `prod`). Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_prod(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Mean (Keras `mean`); integers give float32. Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_mean(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Population variance (Keras `var`). Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_var(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Population standard deviation (Keras `std`). Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_std(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Maximum (Keras `max`); NaN propagates. Errors: empty reduction. Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_max(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Minimum (Keras `min`). Errors: empty reduction. Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_min(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Logical or (Keras `any`); bool result. Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_any(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Logical and (Keras `all`); bool result. Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_all(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* log(sum(exp(x))) computed stably (Keras `logsumexp`). Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated. */
int32_t sk_logsumexp(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
    sk_tensor **out);
/* Keras `relu(x, alpha, max_value, threshold)`: x > threshold gives x (clipped to max_value when has_max_value), else alpha*(x - threshold). Plain relu: (x, 0, 0, 0, 0). Errors: NaN max_value. */
int32_t sk_relu(const sk_tensor *x, double alpha, double max_value, uint8_t has_max_value,
    double threshold, sk_tensor **out);
/* Keras `elu`: x > 0 ? x : alpha*(e^x - 1). */
int32_t sk_elu(const sk_tensor *x, double alpha, sk_tensor **out);
/* a where condition else b (`tf.where`); the three broadcast; condition is cast to bool; result has the promoted dtype of a and b. */
int32_t sk_where(const sk_tensor *condition, const sk_tensor *a, const sk_tensor *b,
    sk_tensor **out);
/* Keras `switch(condition, then_expression, else_expression)` on tensors: the same as sk_where. */
int32_t sk_switch(const sk_tensor *condition, const sk_tensor *then_value,
    const sk_tensor *else_value, sk_tensor **out);
/* Keras `clip`: minimum(maximum(x, min_value), max_value) in x's dtype (bool clips as int32). */
int32_t sk_clip(const sk_tensor *x, double min_value, double max_value, sk_tensor **out);
/* `clip` with tensor bounds that broadcast against x. */
int32_t sk_clip_tensor(const sk_tensor *x, const sk_tensor *min_value,
    const sk_tensor *max_value, sk_tensor **out);
/* Index of the maximum along `axis` as int64 (Keras `argmax`). Errors: axis out of range, empty axis. */
int32_t sk_argmax(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* Index of the minimum along `axis` as int64 (Keras `argmin`). */
int32_t sk_argmin(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* Cumulative sum along `axis` (Keras `cumsum`). */
int32_t sk_cumsum(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* Cumulative product along `axis` (Keras `cumprod`). */
int32_t sk_cumprod(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* The elements under a new shape (Keras `reshape`); one entry may be -1. Errors: element count mismatch. */
int32_t sk_reshape(const sk_tensor *x, const int64_t *shape, int32_t ndim, sk_tensor **out);
/* Axes permuted by `perm` (NULL = reversed) (Keras `permute_dimensions` / `transpose`). Errors: not a permutation. */
int32_t sk_transpose(const sk_tensor *x, const int64_t *perm, int32_t n_perm, sk_tensor **out);
/* A size-1 axis inserted at `axis` (Keras `expand_dims`). */
int32_t sk_expand_dims(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* Size-1 axes removed: the listed ones (which must have size 1), or all when axes == NULL (Keras `squeeze`). */
int32_t sk_squeeze(const sk_tensor *x, const int64_t *axes, int32_t n_axes, sk_tensor **out);
/* Joins n_xs >= 1 tensors along an existing axis (Keras `concatenate`). Errors: rank/size mismatch. */
int32_t sk_concatenate(const sk_tensor *const *xs, int32_t n_xs, int64_t axis, sk_tensor **out);
/* Stacks n_xs >= 1 equal-shaped tensors along a new axis (Keras `stack`). */
int32_t sk_stack(const sk_tensor *const *xs, int32_t n_xs, int64_t axis, sk_tensor **out);
/* Repeats the whole tensor per axis (Keras `tile`); one multiple per axis. */
int32_t sk_tile(const sk_tensor *x, const int64_t *multiples, int32_t n_multiples, sk_tensor **out);
/* Each element repeated `rep` times along `axis` (Keras `repeat_elements`). */
int32_t sk_repeat_elements(const sk_tensor *x, int64_t rep, int64_t axis, sk_tensor **out);
/* (B, F) -> (B, n, F) (Keras `repeat`). */
int32_t sk_repeat(const sk_tensor *x, int64_t n, sk_tensor **out);
/* Elements reversed along `axes` (Keras `reverse`). */
int32_t sk_reverse(const sk_tensor *x, const int64_t *axes, int32_t n_axes, sk_tensor **out);
/* The block at `begin` with `size` (-1 = to the end) (Keras `slice`). Errors: SK_ERR_OUT_OF_RANGE for a block outside x. */
int32_t sk_slice(const sk_tensor *x, const int64_t *begin, int32_t n_begin, const int64_t *size,
    int32_t n_size, sk_tensor **out);
/* Slices of x at integer `indices` along `axis` (Keras `gather`). Errors: SK_ERR_OUT_OF_RANGE for a bad index, SK_ERR_DTYPE for float indices. */
int32_t sk_gather(const sk_tensor *x, const sk_tensor *indices, int64_t axis, sk_tensor **out);
/* float32 one-hot rows of length `depth` (Keras `one_hot`); out-of-range indices give zero rows. */
int32_t sk_one_hot(const sk_tensor *indices, int64_t depth, sk_tensor **out);
/* Constant padding: `paddings` holds (before, after) per axis, 2*ndim(x) entries (`tf.pad`). */
int32_t sk_pad(const sk_tensor *x, const int64_t *paddings, double value, sk_tensor **out);
/* Zero-pads axis 1 of a rank-3 tensor (Keras `temporal_padding`). */
int32_t sk_temporal_padding(const sk_tensor *x, int64_t left, int64_t right, sk_tensor **out);
/* Zero-pads the 2 spatial axes of a rank-4 tensor; `padding` = {top, bottom, left, right} (Keras `spatial_2d_padding`; NULL = all 1). */
int32_t sk_spatial_2d_padding(const sk_tensor *x, const int64_t *padding, int32_t data_format,
    sk_tensor **out);
/* Zero-pads the 3 spatial axes of a rank-5 tensor; 6 entries (Keras `spatial_3d_padding`; NULL = all 1). */
int32_t sk_spatial_3d_padding(const sk_tensor *x, const int64_t *padding, int32_t data_format,
    sk_tensor **out);
/* x broadcast to `shape` (`tf.broadcast_to`). */
int32_t sk_broadcast_to(const sk_tensor *x, const int64_t *shape, int32_t ndim, sk_tensor **out);
/* Keras `batch_dot(x, y, axes)`: `axes` = {axis of x, axis of y}, NULL = Keras' default. */
int32_t sk_batch_dot(const sk_tensor *x, const sk_tensor *y, const int64_t *axes, sk_tensor **out);
/* Softmax along `axis` (Keras `softmax`). */
int32_t sk_softmax(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* Log-softmax along `axis` (`tf.nn.log_softmax`). */
int32_t sk_log_softmax(const sk_tensor *x, int64_t axis, sk_tensor **out);
/* x / sqrt(max(sum(x^2, axes), 1e-12)) (Keras `l2_normalize`; axes NULL = all). */
int32_t sk_l2_normalize(const sk_tensor *x, const int64_t *axes, int32_t n_axes, sk_tensor **out);
/* Adds a per-channel bias (Keras `bias_add`). */
int32_t sk_bias_add(const sk_tensor *x, const sk_tensor *bias, int32_t data_format,
    sk_tensor **out);
/* 1-D convolution (Keras `conv1d`); kernel (width, in, out); SK_PADDING_CAUSAL allowed. */
int32_t sk_conv1d(const sk_tensor *x, const sk_tensor *kernel, int64_t stride, int32_t padding,
    int32_t data_format, int64_t dilation, sk_tensor **out);
/* 2-D convolution (Keras `conv2d`); kernel (kh, kw, in, out); strides/dilation: 2 entries each, NULL = 1. */
int32_t sk_conv2d(const sk_tensor *x, const sk_tensor *kernel, const int64_t *strides,
    int32_t padding, int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* 3-D convolution (Keras `conv3d`); kernel (kd, kh, kw, in, out); strides/dilation: 3 entries each, NULL = 1. */
int32_t sk_conv3d(const sk_tensor *x, const sk_tensor *kernel, const int64_t *strides,
    int32_t padding, int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* Transposed 2-D convolution (Keras `conv2d_transpose`); kernel (kh, kw, out, in); output_shape has 4 entries (batch -1 = x's). */
int32_t sk_conv2d_transpose(const sk_tensor *x, const sk_tensor *kernel,
    const int64_t *output_shape, int32_t n_output_shape, const int64_t *strides, int32_t padding,
    int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* Transposed 3-D convolution (Keras `conv3d_transpose`); output_shape has 5 entries. */
int32_t sk_conv3d_transpose(const sk_tensor *x, const sk_tensor *kernel,
    const int64_t *output_shape, int32_t n_output_shape, const int64_t *strides, int32_t padding,
    int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* Depthwise 2-D convolution (Keras `depthwise_conv2d`); kernel (kh, kw, in, multiplier). */
int32_t sk_depthwise_conv2d(const sk_tensor *x, const sk_tensor *kernel, const int64_t *strides,
    int32_t padding, int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* Depthwise then pointwise 2-D convolution (Keras `separable_conv2d`). */
int32_t sk_separable_conv2d(const sk_tensor *x, const sk_tensor *depthwise_kernel,
    const sk_tensor *pointwise_kernel, const int64_t *strides, int32_t padding,
    int32_t data_format, const int64_t *dilation, sk_tensor **out);
/* 2-D max/average pooling (Keras `pool2d`); pool_size 1 or 2 entries. */
int32_t sk_pool2d(const sk_tensor *x, const int64_t *pool_size, int32_t n_pool_size,
    const int64_t *strides, int32_t padding, int32_t data_format, int32_t pool_mode,
    sk_tensor **out);
/* 3-D max/average pooling (Keras `pool3d`). */
int32_t sk_pool3d(const sk_tensor *x, const int64_t *pool_size, int32_t n_pool_size,
    const int64_t *strides, int32_t padding, int32_t data_format, int32_t pool_mode,
    sk_tensor **out);
/* Upsamples a rank-4 batch by integer factors (Keras `resize_images`). */
int32_t sk_resize_images(const sk_tensor *x, int64_t height_factor, int64_t width_factor,
    int32_t data_format, int32_t interpolation, sk_tensor **out);
/* Upsamples a rank-5 batch by repeating elements (Keras `resize_volumes`). */
int32_t sk_resize_volumes(const sk_tensor *x, int64_t depth_factor, int64_t height_factor,
    int64_t width_factor, int32_t data_format, sk_tensor **out);
/* Images resized to height x width (`tf.image.resize`, half-pixel centres); bilinear returns float32. */
int32_t sk_resize(const sk_tensor *x, int64_t height, int64_t width, int32_t interpolation,
    int32_t data_format, sk_tensor **out);
/* (x - mean) / sqrt(variance + epsilon) * gamma + beta (Keras `batch_normalization`); beta/gamma may be NULL. */
int32_t sk_batch_normalization(const sk_tensor *x, const sk_tensor *mean,
    const sk_tensor *variance, const sk_tensor *beta, const sk_tensor *gamma, double epsilon,
    sk_tensor **out);
/* Keras `dropout(x, level, noise_shape, seed)`: zeroes elements with probability `rate`, scales the rest by 1/(1-rate). noise_shape NULL = x's shape. */
int32_t sk_dropout(const sk_tensor *x, double rate, const int64_t *noise_shape,
    int32_t n_noise_shape, uint64_t seed, uint8_t has_seed, sk_tensor **out);
/* Whether each target is among the top k predictions (Keras `in_top_k`); bool (B,). */
int32_t sk_in_top_k(const sk_tensor *predictions, const sk_tensor *targets, int64_t k,
    sk_tensor **out);
/* Elementwise binary crossentropy (Keras `binary_crossentropy`). */
int32_t sk_binary_crossentropy(const sk_tensor *target, const sk_tensor *output,
    uint8_t from_logits, sk_tensor **out);
/* Categorical crossentropy along `axis` (Keras `categorical_crossentropy`). */
int32_t sk_categorical_crossentropy(const sk_tensor *target, const sk_tensor *output,
    uint8_t from_logits, int64_t axis, sk_tensor **out);
/* Crossentropy with integer labels (Keras `sparse_categorical_crossentropy`). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, classes). */
int32_t sk_sparse_categorical_crossentropy(const sk_tensor *target, const sk_tensor *output,
    uint8_t from_logits, int64_t axis, sk_tensor **out);
/* Elementwise binary focal crossentropy (Keras `binary_focal_crossentropy`; defaults 0, 0.25, 2.0, 0): (1 - p_t)^gamma * binary_crossentropy, times t*alpha + (1-t)*(1-alpha) when apply_class_balancing. Errors: SK_ERR_DTYPE for a non-float output. */
int32_t sk_binary_focal_crossentropy(const sk_tensor *target, const sk_tensor *output,
    uint8_t apply_class_balancing, double alpha, double gamma, uint8_t from_logits,
    sk_tensor **out);
/* Categorical focal crossentropy along `axis` (Keras `categorical_focal_crossentropy`; defaults 0.25, 2.0, 0, -1): sum(alpha * (1 - o)^gamma * -t*log(o)) with o renormalised and clipped to [1e-7, 1 - 1e-7]. target and output have the same shape. */
int32_t sk_categorical_focal_crossentropy(const sk_tensor *target, const sk_tensor *output,
    double alpha, double gamma, uint8_t from_logits, int64_t axis, sk_tensor **out);
/* CTC loss per batch element (Keras `ctc_batch_cost`): y_true (B, L) integer labels, y_pred (B, T, C) softmax probabilities (float) whose LAST class is the blank, input_length and label_length (B, 1) or (B,). Result (B, 1) in y_pred's dtype; differentiable w.r.t. y_pred (first order). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, C-1); SK_ERR_INVALID_ARG for an input_length outside [0, T] or a label sequence needing more steps than input_length. */
int32_t sk_ctc_batch_cost(const sk_tensor *y_true, const sk_tensor *y_pred,
    const sk_tensor *input_length, const sk_tensor *label_length, sk_tensor **out);
/* Zeros shaped like x (dtype 0 = x's dtype) (Keras `zeros_like`). */
int32_t sk_zeros_like(const sk_tensor *x, int32_t dtype, sk_tensor **out);
/* Ones shaped like x (dtype 0 = x's dtype) (Keras `ones_like`). */
int32_t sk_ones_like(const sk_tensor *x, int32_t dtype, sk_tensor **out);
/* Uniform values in [minval, maxval) (Keras `random_uniform`); integer dtypes give integers. Same seed, same values. */
int32_t sk_random_uniform(const int64_t *shape, int32_t ndim, double minval, double maxval,
    int32_t dtype, uint64_t seed, uint8_t has_seed, sk_tensor **out);
/* Normal values (Keras `random_normal`); float dtypes only. */
int32_t sk_random_normal(const int64_t *shape, int32_t ndim, double mean, double stddev,
    int32_t dtype, uint64_t seed, uint8_t has_seed, sk_tensor **out);
/* Normal values within 2 stddev of the mean (Keras `truncated_normal`). */
int32_t sk_truncated_normal(const int64_t *shape, int32_t ndim, double mean, double stddev,
    int32_t dtype, uint64_t seed, uint8_t has_seed, sk_tensor **out);
/* 1 with probability p, else 0 (Keras `random_bernoulli`). */
int32_t sk_random_bernoulli(const int64_t *shape, int32_t ndim, double p, int32_t dtype,
    uint64_t seed, uint8_t has_seed, sk_tensor **out);
/* END GENERATED OPS */

/* Makes every later draw made WITHOUT a seed reproducible (`keras.utils.set_random_seed`,
 * `tf.random.set_seed`): random ops with has_seed = 0, unseeded initializers, dropout and fit's
 * shuffling (seed < 0) repeat when a program runs again after the same call. Process-wide;
 * reproducible when those draws happen in the same order (one thread). */
void sk_set_random_seed(uint64_t seed);

/* Splits x into `num` equal pieces along axis (Keras `split`), written to outs[0..num): new
 * caller-owned tensors, each released by the caller. outs needs `capacity` >= num slots; all
 * `capacity` slots are set to NULL first and stay NULL on failure.
 * Errors: SK_ERR_INVALID_ARG (size not divisible by num, num <= 0, capacity too small). */
int32_t sk_split(const sk_tensor *x, int64_t num, int64_t axis, sk_tensor **outs, int32_t capacity);

/* Splits x along axis into n_sizes pieces of the given sizes (one may be -1: inferred), as
 * `tf.split` with size splits; outs as for sk_split (capacity >= n_sizes).
 * Errors: SK_ERR_INVALID_ARG when the sizes do not add up to the axis size. */
int32_t sk_split_sizes(const sk_tensor *x, const int64_t *sizes, int32_t n_sizes, int64_t axis,
                       sk_tensor **outs, int32_t capacity);

/* numpy basic slicing x[b0:e0:s0, b1:e1:s1, ...] (`tf.strided_slice`) over the first n axes (the
 * rest are kept whole). Bit i of begin_mask / end_mask set means "no bound" for axis i (the
 * start / end of the axis in the step's direction); strides == NULL means all 1. Negative
 * indices count from the end; out-of-range bounds are clamped. begin/end may be NULL only when
 * n == 0. Errors: SK_ERR_INVALID_ARG (a stride of 0, n > rank). */
int32_t sk_strided_slice(const sk_tensor *x, const int64_t *begin, const int64_t *end,
                         const int64_t *strides, int32_t n, uint64_t begin_mask, uint64_t end_mask,
                         sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * Variables: the only mutable objects. An sk_variable keeps its identity across assignments;
 * tapes differentiate with respect to it. Thread-safety: see Threads above.
 * ------------------------------------------------------------------------------------- */

/* Creates a variable holding `value` (borrowed; the variable shares its immutable storage).
 * name NULL means "Variable" (copied). trainable != 0: tapes watch it automatically when read.
 * Errors: SK_ERR_INVALID_HANDLE (value NULL). */
int32_t sk_variable_create(const sk_tensor *value, const char *name, uint8_t trainable,
                           sk_variable **out);

/* Releases a variable handle (NULL is a no-op). Tensors read from it stay valid. */
void sk_variable_release(sk_variable *v);

/* The current value as a new caller-owned tensor (Keras `get_value`). Reading while a tape
 * records on this thread lets that tape trace gradients to the variable. */
int32_t sk_variable_read(const sk_variable *v, sk_tensor **out);

/* Replaces the value / adds delta / subtracts delta (Keras `set_value`, `update_add`,
 * `update_sub`). Each call is atomic. Errors: SK_ERR_INVALID_ARG (shape differs from the
 * variable's), SK_ERR_DTYPE (dtype differs); the variable is unchanged on failure. */
int32_t sk_variable_assign(sk_variable *v, const sk_tensor *value);
int32_t sk_variable_assign_add(sk_variable *v, const sk_tensor *delta);
int32_t sk_variable_assign_sub(sk_variable *v, const sk_tensor *delta);

/* 1 if trainable, 0 if not, -1 for a NULL handle. */
int32_t sk_variable_trainable(const sk_variable *v);

/* Sets the trainable flag. Errors: SK_ERR_INVALID_HANDLE. Not synchronized (see Threads). */
int32_t sk_variable_set_trainable(sk_variable *v, uint8_t trainable);

/* The name, owned by the variable handle (valid while v lives); NULL for a NULL handle. */
const char *sk_variable_name(const sk_variable *v);

/* dtype code (0 for NULL), rank (-1 for NULL), shape (as sk_tensor_shape). */
int32_t sk_variable_dtype(const sk_variable *v);
int32_t sk_variable_ndim(const sk_variable *v);
int32_t sk_variable_shape(const sk_variable *v, int64_t *out, int32_t capacity);

/* ---------------------------------------------------------------------------------------
 * Gradient tapes (tf.GradientTape). A tape records the ops run on the thread that started it
 * that depend on what it watches: tensors passed to sk_tape_watch, and trainable variables read
 * while recording (when created with watch_accessed_variables). Gradients are made of ordinary
 * ops, so a tape recording while another computes a gradient records that computation: nest
 * tapes for higher-order derivatives. Thread rules: see Threads above.
 * ------------------------------------------------------------------------------------- */

/* Creates an idle tape. persistent != 0 allows several gradient/jacobian calls. */
int32_t sk_tape_create(uint8_t persistent, uint8_t watch_accessed_variables, sk_tape **out);

/* Releases a tape (NULL is a no-op). Released on its recording thread, it stops recording first;
 * release a recording tape only from that thread. */
void sk_tape_release(sk_tape *tape);

/* Starts recording ops of the calling thread. Errors: SK_ERR_RUNTIME (already recording, or a
 * non-persistent tape whose gradient was taken). */
int32_t sk_tape_start(sk_tape *tape);

/* Stops recording (keeps the record). Idempotent. Errors: SK_ERR_RUNTIME (called from a thread
 * other than the recording one). */
int32_t sk_tape_stop(sk_tape *tape);

/* Pauses / resumes recording (`with tape.stop_recording():`). Errors: SK_ERR_RUNTIME (pause on a
 * tape that is not recording, resume on one that is not paused, wrong thread). */
int32_t sk_tape_pause(sk_tape *tape);
int32_t sk_tape_resume(sk_tape *tape);

/* Forgets the record (`tape.reset()`); a recording tape keeps recording. */
int32_t sk_tape_reset(sk_tape *tape);

/* Watches a tensor (integer tensors are ignored, as in TensorFlow) or a variable (also a
 * non-trainable one). */
int32_t sk_tape_watch(sk_tape *tape, const sk_tensor *tensor);
int32_t sk_tape_watch_variable(sk_tape *tape, const sk_variable *variable);

/* The gradient of `target` (the sum of its elements, or weighted by output_gradients of the
 * target's shape; NULL = ones) with respect to n_sources sources. Source i is sources[i] if
 * that is non-NULL, else variables[i] (either array may be NULL when unused). Writes grads[i]:
 * a new caller-owned tensor, or NULL for a source the target does not depend on (with
 * SK_UNCONNECTED_NONE) or an integer source. All n_sources slots are NULL on failure.
 * A non-persistent tape allows one gradient call. Errors: SK_ERR_RUNTIME (second call on a
 * non-persistent tape), SK_ERR_UNIMPLEMENTED (an op on the path has no gradient yet; the message
 * names it), SK_ERR_INVALID_ARG (output_gradients shape), and any status a custom-gradient
 * callback returned, with its exact message. */
int32_t sk_tape_gradient(sk_tape *tape, const sk_tensor *target, const sk_tensor *const *sources,
                         const sk_variable *const *variables, int32_t n_sources,
                         const sk_tensor *output_gradients, int32_t unconnected, sk_tensor **grads);

/* The Jacobian of target w.r.t. one source (source if non-NULL, else variable): shape
 * target.shape + source.shape (`tape.jacobian`). *out is NULL with SK_OK when unconnected and
 * SK_UNCONNECTED_NONE. Errors: as sk_tape_gradient. */
int32_t sk_tape_jacobian(sk_tape *tape, const sk_tensor *target, const sk_tensor *source,
                         const sk_variable *variable, int32_t unconnected, sk_tensor **out);

/* The per-example Jacobian (`tape.batch_jacobian`): (B,) + target.shape[1:] + source.shape[1:].
 * Errors: SK_ERR_INVALID_ARG (batch sizes differ), as sk_tape_gradient otherwise. */
int32_t sk_tape_batch_jacobian(sk_tape *tape, const sk_tensor *target, const sk_tensor *source,
                               sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * User functions (callbacks) and custom gradients
 * ------------------------------------------------------------------------------------- */

/* Wraps a callback. destroy(user_data) (may be NULL) runs exactly once: when the last reference
 * goes (the handle is released and no recorded gradient still uses the function), or before this
 * call returns if it fails. Errors: SK_ERR_INVALID_ARG (fn or out NULL). */
int32_t sk_function_create(sk_callback fn, void *user_data, void (*destroy)(void *user_data),
                           sk_function **out);

/* Releases a function handle (NULL is a no-op). */
void sk_function_release(sk_function *f);

/* Calls the function: outputs[0..n_outputs) receive new caller-owned tensors (entries the
 * callback leaves NULL stay NULL). On failure all slots are NULL and the callback's code and
 * message are returned / set. A callback failing without sk_set_error gets a generic message. */
int32_t sk_function_call(const sk_function *f, const sk_tensor *const *inputs, int32_t n_inputs,
                         sk_tensor **outputs, int32_t n_outputs);

/* tf.custom_gradient: runs forward(inputs) -> 1 output with recording paused, and records one op
 * whose gradient calls backward(upstream, inputs...) -> n_inputs gradients (NULL = none). Both
 * functions are retained while a tape needs them. The backward callback runs on the thread that
 * computes the gradient; its failure surfaces from sk_tape_gradient with its code and message.
 * Errors: the forward callback's status; SK_ERR_INVALID_ARG when it writes no output. */
int32_t sk_custom_gradient(const sk_function *forward, const sk_function *backward,
                           const sk_tensor *const *inputs, int32_t n_inputs, sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * Keras backend additions (hand-written; not generated from tools/capi_ops.py)
 *
 * Ops with several outputs, user callbacks or variables. Outputs are new caller-owned handles;
 * every output slot is set to NULL first and stays NULL on failure. A failing callback makes
 * the call return the callback's status code with its message (see sk_callback). Callbacks
 * run on the calling thread, with any recording tape of that thread recording the ops they
 * run: gradients flow through map_fn, foldl, foldr and rnn wherever the callback's ops are
 * differentiable.
 * ------------------------------------------------------------------------------------- */

/* Keras `ctc_decode(y_pred, input_length, greedy, beam_width, top_paths)` on (B, T, C)
 * probabilities (last class = blank) and input_length (B,) or (B, 1) in [0, T], decoding
 * log(y_pred + 1e-7). Every decoded tensor is int64 (B, T) padded with -1; *log_prob is in
 * y_pred's dtype.
 * Greedy (greedy != 0; beam_width and top_paths ignored): per step the most likely class (the
 * first on ties), repeats merged, blanks dropped; decoded[0] receives the result and *log_prob
 * (B, 1) holds minus the sum of the per-step maximum of log(y_pred + 1e-7) (TensorFlow's
 * greedy log_probability, >= 0).
 * Beam search (greedy == 0): TensorFlow's tf.compat.v1.nn.ctc_beam_search_decoder (prefix beam
 * search, scores renormalised per step, merge_repeated = true, so a beam "a a" decodes to [a]);
 * decoded[0..top_paths-1] receive the top_paths best paths, best first, and *log_prob
 * (B, top_paths) their beam scores (log probabilities, <= 0). `decoded` needs capacity >= 1
 * (>= top_paths for beam search).
 * Errors: SK_ERR_INVALID_ARG (shapes, lengths, capacity, not 1 <= top_paths <= beam_width, a
 * sequence ending with fewer beams than top_paths), SK_ERR_DTYPE (non-float y_pred). */
int32_t sk_ctc_decode(const sk_tensor *y_pred, const sk_tensor *input_length, uint8_t greedy,
                      int64_t beam_width, int64_t top_paths, sk_tensor **decoded, int32_t capacity,
                      sk_tensor **log_prob);

/* Keras `ctc_label_dense_to_sparse(labels, label_lengths)`. SwiftKeras has no sparse tensors:
 * the SparseTensor comes back as its three parts. For labels (B, L) and label_lengths (B,) or
 * (B, 1), the entries (b, i) with i < label_lengths[b] (clamped to [0, L]), row-major, give
 * *indices int64 (N, 2), *values (N,) in labels' dtype and *dense_shape int64 {B, L}.
 * Errors: SK_ERR_INVALID_ARG (labels not rank 2, lengths of the wrong shape). */
int32_t sk_ctc_label_dense_to_sparse(const sk_tensor *labels, const sk_tensor *label_lengths,
                                     sk_tensor **indices, sk_tensor **values,
                                     sk_tensor **dense_shape);

/* Keras `map_fn(fn, elems)`: calls fn once per index i along axis 0 with inputs
 * {elems[0][i], ..., elems[n_elems-1][i]} (all elems share their axis-0 size) and n_outputs
 * output slots, all of which it must fill; outputs[k] receives result k of every call stacked
 * along a new axis 0 (same shape on every call). With axis-0 size 0, fn is not called and
 * outputs[k] is an empty (0,) + elems[k].shape[1:] tensor (n_outputs must equal n_elems).
 * Errors: SK_ERR_INVALID_ARG (no elems, rank-0 elems, differing sizes or result shapes,
 * n_outputs < 1, an output slot left NULL), the callback's own status. */
int32_t sk_map_fn(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                  sk_tensor **outputs, int32_t n_outputs);

/* Keras `foldl(fn, elems, initializer)` / `foldr(...)`: acc = fn(acc..., slice...) over the
 * axis-0 slices of elems, first to last (foldl) or last to first (foldr). fn receives the
 * n_acc accumulator tensors followed by one slice of each elem, and fills n_acc outputs. The
 * accumulator starts as initializer[0..n_initializer) or, when n_initializer == 0 (None), as
 * the first (foldl) / last (foldr) slices of elems, which are then skipped. n_outputs must be
 * n_acc (n_initializer, or n_elems without one); outputs receive the final accumulator.
 * Errors: SK_ERR_INVALID_ARG (empty elems without an initializer, count mismatches), the
 * callback's status. */
int32_t sk_foldl(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                 const sk_tensor *const *initializer, int32_t n_initializer,
                 sk_tensor **outputs, int32_t n_outputs);
int32_t sk_foldr(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                 const sk_tensor *const *initializer, int32_t n_initializer,
                 sk_tensor **outputs, int32_t n_outputs);

/* Keras `rnn(step_function, inputs, initial_states, go_backwards, mask, constants, unroll,
 * input_length)` (time_major False). inputs (B, T, ...) with T >= 1. step_function receives
 * {x_t (B, ...), states[0..n_states), constants[0..n_constants)} and fills 1 + n_states
 * outputs: {output_t, new_states...}, each new state shaped like its state. mask (NULL =
 * none): (B, T) or (B, T, 1), cast to bool; where false, a sample's output repeats its
 * previous output (zeros before the first) and its states are kept. go_backwards processes the
 * steps last to first (outputs stay in processing order). input_length (NULL = none; ignored
 * when unroll != 0): a rank-0 integer runs min(T, input_length) steps; a (B,) integer vector
 * also masks each sample beyond its length (when mask is NULL) and runs max(input_length)
 * steps; steps not run output zeros. Writes *last_output (B, ...), *outputs (B, T, ...) and
 * new_states[0..n_states).
 * Errors: SK_ERR_INVALID_ARG (shapes, state shapes, mask shape), SK_ERR_DTYPE (float
 * input_length), the callback's status. */
int32_t sk_rnn(const sk_function *step_function, const sk_tensor *inputs,
               const sk_tensor *const *initial_states, int32_t n_states, uint8_t go_backwards,
               const sk_tensor *mask, const sk_tensor *const *constants, int32_t n_constants,
               uint8_t unroll, const sk_tensor *input_length, sk_tensor **last_output,
               sk_tensor **outputs, sk_tensor **new_states);

/* Keras `moving_average_update(x, value, momentum)`: momentum and value are cast to the
 * variable's dtype, then x -= (x - value) * (1 - momentum); *out receives the new value.
 * A read followed by an assignment: concurrent assignments to the same variable need external
 * locking. Errors: SK_ERR_INVALID_HANDLE (variable or value NULL), SK_ERR_INVALID_ARG (value
 * does not broadcast to the variable's shape). */
int32_t sk_moving_average_update(sk_variable *variable, const sk_tensor *value, double momentum,
                                 sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * Keras machinery (hand-written): layers, models, optimizers, losses, fit
 *
 * The Keras stack of the Swift core (keras.layers, keras.Sequential / keras.Model, compile,
 * fit, evaluate, predict) with C callbacks for custom layers, custom losses, progress and
 * output. Handles: sk_layer = a layer (or a model seen as a layer: sk_model_as_layer),
 * sk_model, sk_optimizer, sk_loss, sk_history, sk_keras_tensor = a symbolic tensor of the
 * functional API. Every handle written to an out-parameter is caller-owned (+1) and released
 * with its sk_*_release (NULL is a no-op); a model keeps the layers, optimizer and loss it was
 * given alive, so the caller may release its own handles right after passing them.
 *
 * Threads: a layer or a model (with its layers, optimizer and loss) is used by one thread at a
 * time: calls on the same model / layer / optimizer from several threads need external
 * locking (fit is not reentrant). Different models may train concurrently on different
 * threads. Callbacks (custom layer build/call, custom loss, progress, output) run on the thread
 * that made the API call (fit, predict, sk_layer_call...), synchronously, with that thread's
 * tape recording the ops they run, so gradients flow through them.
 *
 * Callback failures: a callback returns SK_OK, or a status code after sk_set_error(code,
 * message); the API call that ran it (fit, evaluate, predict, sk_layer_call...) then returns
 * that code (codes outside SK_ERR_* become SK_ERR_RUNTIME) and sk_last_error_message() gives
 * that message exactly. A callback failing without sk_set_error gets a generic message.
 * ------------------------------------------------------------------------------------- */

typedef struct sk_layer sk_layer;
typedef struct sk_model sk_model;
typedef struct sk_optimizer sk_optimizer;
typedef struct sk_loss sk_loss;
typedef struct sk_history sk_history;
typedef struct sk_keras_tensor sk_keras_tensor;

/* Creates a built-in layer by Keras class name with a JSON config using Keras' snake_case keys,
 * e.g. ("Dense", "{\"units\": 64, \"activation\": \"relu\"}"). config may be NULL or "" for
 * the defaults. Classes: Activation, Add, Average, AveragePooling1D/2D, BatchNormalization,
 * Concatenate, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, Dense, Dropout, Embedding,
 * Flatten, GRU, GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, InputLayer, LSTM,
 * LayerNormalization, MaxPooling1D/2D, Maximum, Minimum, Multiply, Permute, RepeatVector,
 * Reshape, SeparableConv2D, SimpleRNN, Subtract, UpSampling2D, ZeroPadding2D.
 * Keys of every class: "name", "dtype" (a policy: "float32", "mixed_float16", ...),
 * "trainable", "input_shape" (list, batch excluded; on the first layer of a Sequential model).
 * Class keys follow Keras: "units", "activation", "use_bias", "kernel_initializer",
 * "bias_initializer", "kernel_regularizer" ("l1", "l2", "l1_l2"), "filters", "kernel_size"
 * (int or list), "strides", "padding" ("valid"/"same"/"causal"), "dilation_rate", "rate",
 * "seed", "noise_shape", "target_shape", "dims", "n", "axis", "momentum", "epsilon", "center",
 * "scale", "pool_size", "keepdims", "size", "interpolation", "input_dim", "output_dim",
 * "return_sequences", "return_state", "go_backwards", "recurrent_activation",
 * "unit_forget_bias", "reset_after", "depth_multiplier", "shape", "batch_size".
 * Errors: SK_ERR_INVALID_ARG (class_name NULL or unknown — the message lists the known ones;
 * invalid JSON — the message gives the offset; an unknown key or a key of the wrong type; a
 * bad value such as units <= 0 or an unknown activation / initializer name). */
int32_t sk_layer_create(const char *class_name, const char *config_json, sk_layer **out);

/* A custom layer's build callback: called once, on the first call, with the first input's
 * shape (batch included). `layer` is borrowed (valid during the callback): create weights with
 * sk_layer_add_weight. May be NULL in sk_layer_create_custom (no weights). */
typedef int32_t (*sk_layer_build_fn)(void *user_data, sk_layer *layer, const int64_t *input_shape,
                                     int32_t ndim);

/* A custom layer's call callback: computes *out (the slot arrives NULL; the library takes
 * ownership of what is written, also on failure) from n_inputs borrowed inputs, using sk_ ops
 * and sk_variable_read on the weights so that gradients reach them. training is 1 during fit. */
typedef int32_t (*sk_layer_call_fn)(void *user_data, sk_layer *layer, const sk_tensor *const *inputs,
                                    int32_t n_inputs, uint8_t training, sk_tensor **out);

/* Creates a custom layer (Keras `class MyLayer(keras.layers.Layer)` with build / call). name may
 * be NULL ("custom_layer", "custom_layer_1", ...). destroy(user_data) (may be NULL) runs exactly
 * once: when the layer object goes away (the last handle released and no model holding it),
 * or before this call returns if it fails. The output shape is found by running call on zeros.
 * Errors: SK_ERR_INVALID_ARG (call or out NULL). */
int32_t sk_layer_create_custom(const char *name, sk_layer_build_fn build, sk_layer_call_fn call,
                               void *user_data, void (*destroy)(void *user_data), sk_layer **out);

/* Adds a weight to a layer (Keras `add_weight`), normally from its build callback. initializer
 * is a Keras name ("glorot_uniform", "zeros", "ones", "random_normal", ...; NULL =
 * glorot_uniform). *out (may be NULL when not wanted) receives a caller-owned variable handle
 * to read in call (sk_variable_read) and to release when done (e.g. in destroy). The layer
 * owns the weight either way. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (name NULL,
 * negative dimension, unknown initializer). */
int32_t sk_layer_add_weight(sk_layer *layer, const char *name, const int64_t *shape, int32_t ndim,
                            const char *initializer, uint8_t trainable, sk_variable **out);

/* Calls a layer on n_inputs tensors (`layer(x, training=...)`): builds it on first use; floating
 * inputs are cast to the layer's compute dtype. *out receives a new tensor. Recorded by this
 * thread's tape. Errors: SK_ERR_INVALID_ARG (shape mismatch: the message names the layer and
 * the shapes; no inputs), SK_ERR_DTYPE, the custom callbacks' statuses. */
int32_t sk_layer_call(sk_layer *layer, const sk_tensor *const *inputs, int32_t n_inputs,
                      uint8_t training, sk_tensor **out);

/* The current values of the layer's weights (`get_weights()`; trainable first, then
 * non-trainable, in creation order): *count (may be NULL) receives their number; out[0..count)
 * receive new caller-owned tensors. out NULL with capacity 0 only counts. Unbuilt layers have
 * none. Errors: SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_layer_weights(const sk_layer *layer, sk_tensor **out, int32_t capacity, int32_t *count);

/* The layer's weights as variables (`layer.weights`, or `trainable_weights` when trainable_only
 * != 0), same order and rules as sk_layer_weights; each is a new caller-owned sk_variable
 * sharing the layer's storage (assigning it changes the layer). */
int32_t sk_layer_variables(const sk_layer *layer, uint8_t trainable_only, sk_variable **out,
                           int32_t capacity, int32_t *count);

/* Assigns the weights (`set_weights`) in sk_layer_weights order: the count and every shape must
 * match (values are converted to each weight's dtype); nothing is assigned on failure.
 * Errors: SK_ERR_INVALID_ARG (count or shape mismatch, naming both). */
int32_t sk_layer_set_weights(sk_layer *layer, const sk_tensor *const *values, int32_t n);

/* Copies the layer's name, NUL-terminated, into buf. *length (may be NULL) receives its length
 * without the NUL; buf NULL with capacity 0 only queries the length.
 * Errors: SK_ERR_INVALID_ARG (capacity < length + 1). */
int32_t sk_layer_name(const sk_layer *layer, char *buf, size_t capacity, size_t *length);

/* The number of scalars in the layer's weights (`count_params()`), -1 for NULL. */
int64_t sk_layer_count_params(const sk_layer *layer);

/* Releases a layer handle (NULL is a no-op). Models holding the layer keep it alive. */
void sk_layer_release(sk_layer *layer);

/* Functional API. sk_input: a symbolic input (`keras.Input(shape, dtype=..., name=...)`), shape
 * without the batch dimension (-1 = unknown); name may be NULL. */
int32_t sk_input(const int64_t *shape, int32_t ndim, int32_t dtype, const char *name,
                 sk_keras_tensor **out);

/* Calls a layer on symbolic tensors (`y = layer(x)`): builds it for their shapes and records
 * the call. Errors: SK_ERR_INVALID_ARG (incompatible shapes, naming the layer). */
int32_t sk_layer_call_symbolic(sk_layer *layer, const sk_keras_tensor *const *inputs,
                               int32_t n_inputs, sk_keras_tensor **out);

/* The shape of a symbolic tensor (batch included, -1 = unknown): *ndim (may be NULL) receives
 * the rank. Errors: SK_ERR_INVALID_ARG (capacity < rank). */
int32_t sk_keras_tensor_shape(const sk_keras_tensor *t, int64_t *out, int32_t capacity, int32_t *ndim);

/* Releases a symbolic tensor (NULL is a no-op); models built from it keep what they need. */
void sk_keras_tensor_release(sk_keras_tensor *t);

/* A functional model (`keras.Model(inputs, outputs, name=...)`) from symbolic tensors; name may
 * be NULL. Errors: SK_ERR_INVALID_ARG (an output not computed from the inputs, ...). */
int32_t sk_model_create(const sk_keras_tensor *const *inputs, int32_t n_inputs,
                        const sk_keras_tensor *const *outputs, int32_t n_outputs, const char *name,
                        sk_model **out);

/* A Sequential model of n_layers layers (`keras.Sequential([...], name=...)`; n_layers may be
 * 0; name may be NULL). The model holds the layers. When the first layer has "input_shape" (or
 * is an InputLayer) the layers are built now, so summaries show shapes and parameter counts.
 * Errors: SK_ERR_INVALID_HANDLE (a NULL layer), SK_ERR_INVALID_ARG (a layer twice, shapes
 * that do not chain — the message names the layer and shapes). */
int32_t sk_sequential_create(const sk_layer *const *layers, int32_t n_layers, const char *name,
                             sk_model **out);

/* Appends a layer to a Sequential model (`model.add(layer)`). Errors: SK_ERR_INVALID_ARG (not
 * a Sequential model, layer already in it, incompatible shape: the layer is then not added). */
int32_t sk_model_add(sk_model *model, sk_layer *layer);

/* The model as a layer (to call it with sk_layer_call, nest it in another model, read its
 * weights or name). *out is a new handle on the same object. */
int32_t sk_model_as_layer(sk_model *model, sk_layer **out);

/* Releases a model handle (NULL is a no-op). */
void sk_model_release(sk_model *model);

/* Creates an optimizer by Keras name ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta",
 * "adamax", "nadam", "lion"; case-insensitive) with Keras' defaults; learning_rate > 0 replaces
 * the default rate, 0 keeps it. Errors: SK_ERR_INVALID_ARG (unknown name, negative or
 * non-finite rate). */
int32_t sk_optimizer_create(const char *name, double learning_rate, sk_optimizer **out);

/* The learning rate the next step will use. */
int32_t sk_optimizer_learning_rate(const sk_optimizer *optimizer, double *out);

/* Replaces the learning rate by a constant (`optimizer.learning_rate = value`, as
 * ReduceLROnPlateau does); it applies from the next step. Errors: SK_ERR_INVALID_ARG (rate not
 * positive and finite), SK_ERR_DTYPE (the optimizer was created with a learning-rate schedule:
 * as in Keras, its rate is not settable). */
int32_t sk_optimizer_set_learning_rate(sk_optimizer *optimizer, double learning_rate);

/* One update step (`optimizer.apply_gradients(zip(grads, variables))`), for custom training
 * loops with sk_tape_gradient. Errors: SK_ERR_INVALID_ARG (a gradient's shape differs from its
 * variable's), SK_ERR_INVALID_HANDLE (NULL entries). */
int32_t sk_optimizer_apply_gradients(sk_optimizer *optimizer, const sk_tensor *const *grads,
                                     sk_variable *const *variables, int32_t n);

/* Releases an optimizer handle (NULL is a no-op); a model compiled with it keeps it. */
void sk_optimizer_release(sk_optimizer *optimizer);

/* A built-in loss by Keras name ("mse", "mean_squared_error", "mae", "huber",
 * "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", ...),
 * reduction sum_over_batch_size. Errors: SK_ERR_INVALID_ARG (unknown name). */
int32_t sk_loss_create(const char *name, sk_loss **out);

/* A built-in loss by Keras name with its constructor arguments as a JSON object (NULL or "" =
 * defaults), e.g. ("sparse_categorical_crossentropy", "{\"from_logits\": true}") or
 * ("huber", "{\"delta\": 2.0, \"reduction\": \"sum\"}"). Keys: "reduction", "name" for every
 * loss; "delta" (huber); "from_logits", "label_smoothing", "axis" (binary/categorical
 * crossentropy); "from_logits", "ignore_class", "axis" (sparse categorical crossentropy).
 * *out is owned by the caller (sk_loss_release). Errors: SK_ERR_INVALID_ARG for an unknown name,
 * invalid JSON, an unknown key or a wrongly typed value (the message names the loss and key). */
int32_t sk_loss_create_config(const char *name, const char *config_json, sk_loss **out);

/* A custom loss's callback: writes *out (the slot arrives NULL; the library takes ownership)
 * from y_true (cast to y_pred's floating dtype) and y_pred, using sk_ ops so that it is
 * differentiable. The result may be per-sample (B,) or any shape: it is multiplied by the
 * sample weights (if any) and averaged, as Keras' sum_over_batch_size reduction. */
typedef int32_t (*sk_loss_fn)(void *user_data, const sk_tensor *y_true, const sk_tensor *y_pred,
                              sk_tensor **out);

/* Wraps a loss callback (a Python loss function given to `compile`). destroy(user_data) (may be
 * NULL) runs exactly once, when the loss goes away (handle released and no model using it), or
 * before this call returns if it fails. Errors: SK_ERR_INVALID_ARG (fn or out NULL). */
int32_t sk_loss_create_custom(sk_loss_fn fn, void *user_data, void (*destroy)(void *user_data),
                              sk_loss **out);

/* Computes a loss (`loss(y_true, y_pred, sample_weight)`); sample_weight may be NULL.
 * Errors: the loss's shape / dtype errors, a custom callback's status. */
int32_t sk_loss_call(const sk_loss *loss, const sk_tensor *y_true, const sk_tensor *y_pred,
                     const sk_tensor *sample_weight, sk_tensor **out);

/* Releases a loss handle (NULL is a no-op); a model compiled with it keeps it. */
void sk_loss_release(sk_loss *loss);

/* Configures training (`model.compile(optimizer, loss, metrics)`). Give exactly one of
 * optimizer_name (as sk_optimizer_create) and optimizer, and exactly one of loss_name and loss.
 * metrics: n_metrics names ("accuracy" resolved like Keras, "mae", "mse", "top_k_categorical_
 * accuracy", ...); may be NULL when n_metrics is 0. Compiling again replaces all three.
 * Errors: SK_ERR_INVALID_ARG (both or neither given, unknown names). */
int32_t sk_model_compile(sk_model *model, const char *optimizer_name, sk_optimizer *optimizer,
                         const char *loss_name, const sk_loss *loss, const char *const *metrics,
                         int32_t n_metrics);

/* Progress callback of sk_model_fit, called at the end of each epoch (0-based) with the epoch's
 * logs: n names ("accuracy", "loss", "val_loss", ... sorted) and their values, valid during
 * the call. Return SK_OK to continue, a negative value to stop training after this epoch (fit
 * then returns SK_OK with the history so far), or a positive status code after sk_set_error to
 * abort: fit returns that code with that exact message. */
typedef int32_t (*sk_progress_fn)(void *user_data, int32_t epoch, const char *const *names,
                                  const double *values, int32_t n);

/* Trains the model (`model.fit`) on x[0..n_x) (one tensor per model input; samples along axis
 * 0) and targets y, in batches of batch_size, for `epochs` epochs. validation_split in [0, 1)
 * holds out the last fraction of the samples ("val_*" logs). shuffle != 0 reshuffles before
 * each epoch, reproducibly when seed >= 0 (seed < 0 draws fresh seeds). verbose 0 is silent,
 * 1 prints Keras-style progress ("Epoch 1/20", "45/45 ━━━━ 0s 2ms/step - accuracy: ... -
 * loss: ..."), 2 one line per epoch — to stdout or the model's output callback. progress (may
 * be NULL) with user_data: see sk_progress_fn. *history (may be NULL) receives the per-epoch
 * logs. Errors: SK_ERR_RUNTIME (model not compiled: "fit: you must call compile() ..."),
 * SK_ERR_INVALID_ARG (batch_size <= 0, epochs < 0, validation_split out of range, x and y with
 * different sample counts, shapes the layers reject — naming the layer and shapes), the
 * callbacks' statuses (progress, custom layers, custom loss) with their messages. */
int32_t sk_model_fit(sk_model *model, const sk_tensor *const *x, int32_t n_x, const sk_tensor *y,
                     int64_t batch_size, int32_t epochs, double validation_split, uint8_t shuffle,
                     int64_t seed, int32_t verbose, sk_progress_fn progress, void *user_data,
                     sk_history **history);

/* Loss and metrics on x, y (`model.evaluate(..., return_dict=True)`): *count (may be NULL)
 * receives the number of results; values[i] (may be NULL) their values and names[i] (may be
 * NULL) their names — "loss" first, then the compiled metrics — strings owned by the model
 * handle, valid until the next sk_model_evaluate on it or its release. verbose 1 prints one
 * progress line. Errors: as sk_model_fit; SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_model_evaluate(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                          const sk_tensor *y, int64_t batch_size, int32_t verbose,
                          const char **names, double *values, int32_t capacity, int32_t *count);

/* The model's outputs for x, in batches, with training off (`model.predict`): *out receives a
 * new tensor (the first output of a multi-output model). Errors: as sk_model_fit. */
int32_t sk_model_predict(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                         int64_t batch_size, sk_tensor **out);

/* The Keras-style summary table (`model.summary()`: layer, output shape, parameter counts),
 * copied NUL-terminated into buf. *length (may be NULL) receives its length without the NUL;
 * buf NULL with capacity 0 only queries it. Errors: SK_ERR_INVALID_ARG (capacity too small:
 * *length still tells the size needed). */
int32_t sk_model_summary(const sk_model *model, char *buf, size_t capacity, size_t *length);

/* Redirects the model's printed output (progress lines of fit/evaluate at verbose > 0) to
 * fn(user_data, line) — one call per line, without the newline, on the thread running fit.
 * fn NULL restores stdout. The previous callback's destroy runs when it is replaced or the
 * model is released; destroy(user_data) runs immediately when fn is NULL or on failure. */
typedef void (*sk_output_fn)(void *user_data, const char *line);
int32_t sk_model_set_output_callback(sk_model *model, sk_output_fn fn, void *user_data,
                                     void (*destroy)(void *user_data));

/* Receives Keras' live progress bar of the model's fit at verbose 1: fn(user_data, text) with
 * the bar after some batch of the epoch (at most every 50 ms, never for the last batch), each
 * text meant to replace the previous one on the same terminal line (e.g. write "\r", the text
 * and "\x1b[K"); the epoch's final line then comes through the output callback (or stdout).
 * Without a live callback the bar goes to stdout when the model has no output callback and
 * stdout is a terminal, and nowhere otherwise. fn NULL removes it; destroy as for
 * sk_model_set_output_callback. Errors: SK_ERR_INVALID_HANDLE (model NULL). */
int32_t sk_model_set_live_callback(sk_model *model, sk_output_fn fn, void *user_data,
                                   void (*destroy)(void *user_data));

/* The trainable weights (`model.trainable_weights`) as new caller-owned variable handles,
 * rules as sk_layer_weights. */
int32_t sk_model_trainable_weights(const sk_model *model, sk_variable **out, int32_t capacity,
                                   int32_t *count);

/* Saving and loading. Files are single safetensors files (readable by any safetensors reader,
 * e.g. Python's `safetensors.numpy.load_file`): the weights keyed by layer path
 * ("dense/kernel", ...) plus, for sk_model_save, the model and compile configs in the file's
 * metadata. Writes are atomic: the data goes to a temporary file next to path, which is synced
 * and renamed over path, so a failed write leaves an existing file as it was. Loads are all or
 * nothing: every weight name, shape and dtype is checked before any weight is assigned, so on
 * failure the model's weights are unchanged. path is a NUL-terminated file name, only read
 * during the call.
 *
 * sk_model_save_weights writes every weight of the model (`model.save_weights`).
 * sk_model_load_weights loads weights written by sk_model_save_weights or sk_model_save
 * (`model.load_weights`); the file must hold exactly the model's weights. An unbuilt
 * Sequential model whose first layer is Dense is built from the file's kernel shape.
 * sk_model_save writes the weights, the model config and the compile config (`model.save`);
 * only Sequential and functional models of built-in layers with a built-in loss can be saved.
 * sk_model_load rebuilds a model written by sk_model_save (`keras.models.load_model`), loads
 * its weights and compiles it again when it was compiled (the optimizer state starts afresh);
 * *out receives a new caller-owned model (NULL on failure), released with sk_model_release.
 * Errors: SK_ERR_INVALID_HANDLE (model NULL); SK_ERR_INVALID_ARG (path or out NULL; a weight
 * missing from the file, an extra weight, or a shape/dtype mismatch — naming the weight and
 * the path; a model that cannot be serialized; an invalid config); SK_ERR_IO (the file cannot
 * be written, or is missing, truncated, damaged, not a SwiftKeras file, or a weights-only file
 * given to sk_model_load — the message names the path). */
int32_t sk_model_save_weights(const sk_model *model, const char *path);
int32_t sk_model_load_weights(sk_model *model, const char *path);
int32_t sk_model_save(const sk_model *model, const char *path);
int32_t sk_model_load(const char *path, sk_model **out);

/* History of a fit: the number of epochs run (-1 for NULL), the number of log names (-1 for
 * NULL), the i-th name in sorted order (owned by the history handle; NULL out of range), and
 * the per-epoch values of one name (count into *count, may be NULL; out NULL with capacity 0
 * only counts). Errors: SK_ERR_INVALID_ARG (unknown name, listing the known ones; capacity <
 * epochs). */
int32_t sk_history_epochs(const sk_history *history);
int32_t sk_history_num_keys(const sk_history *history);
const char *sk_history_key(const sk_history *history, int32_t i);
int32_t sk_history_values(const sk_history *history, const char *key, double *out,
                          int32_t capacity, int32_t *count);

/* Releases a history (NULL is a no-op). */
void sk_history_release(sk_history *history);

/* Mixed precision (`keras.mixed_precision.set_global_policy`): the dtype policy of layers created
 * afterwards without a "dtype" key: "float32", "mixed_float16" (float16 compute, float32
 * variables; compile then wraps the optimizer in a dynamic LossScaleOptimizer) or
 * "mixed_bfloat16", or a plain dtype name. Process-wide; set it before creating layers, not
 * while other threads create layers. Errors: SK_ERR_INVALID_ARG (unknown name). */
int32_t sk_set_global_policy(const char *name);

/* The global policy's name, copied as sk_layer_name does. */
int32_t sk_global_policy(char *buf, size_t capacity, size_t *length);

/* ---- Optimizers ---- */

/* Creates an optimizer from its Keras class name and constructor arguments as a JSON object
 * (`keras.optimizers.<Class>.from_config(config)`), e.g. ("SGD", "{\"learning_rate\": 0.1,
 * \"momentum\": 0.9, \"nesterov\": true}"). name: "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
 * "Adadelta", "Adamax", "Nadam", "Lion" or "LossScaleOptimizer" (case-insensitive).
 * config_json may be NULL or "" for Keras' defaults. Keys of every optimizer: "learning_rate"
 * (a number >= 0, or a serialized schedule {"class_name": "ExponentialDecay", "config": {...}} —
 * see sk_schedule_value), "weight_decay", "clipnorm", "clipvalue", "global_clipnorm" (at most one
 * of the three), "loss_scale_factor", "name", and "use_ema" (false only), "ema_momentum",
 * "ema_overwrite_frequency", "gradient_accumulation_steps" (null only) as Keras writes them.
 * Class keys: SGD "momentum" [0, 1], "nesterov"; Adam/AdamW "beta_1" [0, 1), "beta_2" [0, 1],
 * "epsilon", "amsgrad" (AdamW: "weight_decay" defaults to 0.004, null refused); RMSprop "rho",
 * "momentum", "epsilon", "centered"; Adagrad "initial_accumulator_value" >= 0, "epsilon";
 * Adadelta "rho", "epsilon"; Adamax/Nadam "beta_1", "beta_2", "epsilon"; Lion "beta_1" (0, 1],
 * "beta_2"; LossScaleOptimizer "inner_optimizer" (a serialized optimizer {"class_name": "SGD",
 * "config": {...}}), "initial_scale", "dynamic_growth_steps". Every message names the class and
 * the key. Errors: SK_ERR_INVALID_ARG (name NULL or unknown, invalid JSON, unknown key, value out
 * of range, two clipping keys), SK_ERR_DTYPE (a key of the wrong JSON type), SK_ERR_UNIMPLEMENTED
 * (use_ema true, gradient accumulation). */
int32_t sk_optimizer_create_config(const char *name, const char *config_json, sk_optimizer **out);

/* Copies the optimizer's Keras config (`get_config()`) as compact JSON with sorted keys,
 * NUL-terminated, as sk_layer_name does (buf NULL with capacity 0 only queries *length). The
 * learning rate is a number or a serialized schedule ({"module": "keras.optimizers.schedules",
 * "class_name": ..., "config": ..., "registered_name": null}); a LossScaleOptimizer's config
 * holds its serialized "inner_optimizer". sk_optimizer_create_config(class, config) rebuilds an
 * equal optimizer (without its state). A callback schedule serializes as {"class_name":
 * "CallbackSchedule", "config": {}} (not rebuildable). Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (buffer too small). */
int32_t sk_optimizer_get_config(const sk_optimizer *optimizer, char *buf, size_t capacity, size_t *length);

/* The number of update steps applied so far (`optimizer.iterations`; for a LossScaleOptimizer
 * its inner optimizer's, skipped steps not counted). Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_optimizer_iterations(const sk_optimizer *optimizer, int64_t *out);

/* A learning-rate schedule callback: writes the rate for optimizer step `step` (iterations
 * before the update, 0 for the first) to *out and returns SK_OK, or a status code after
 * sk_set_error. */
typedef int32_t (*sk_schedule_fn)(void *user_data, int64_t step, double *out);

/* Makes the optimizer's learning rate a custom schedule (a Keras LearningRateSchedule subclass):
 * fn is called with `iterations` at every update step and by sk_optimizer_learning_rate.
 * Afterwards sk_optimizer_set_learning_rate refuses constants (SK_ERR_DTYPE), as Keras.
 * destroy(user_data) (may be NULL) runs exactly once: when the schedule is replaced or the
 * optimizer goes away, or before this call returns if it fails. A callback failure, or a value
 * that is not finite, fails the step (or fit) with the callback's code and message.
 * Errors: SK_ERR_INVALID_HANDLE (optimizer NULL), SK_ERR_INVALID_ARG (fn NULL). */
int32_t sk_optimizer_set_schedule_callback(sk_optimizer *optimizer, sk_schedule_fn fn, void *user_data,
                                           void (*destroy)(void *user_data));

/* The value at optimizer step `step` of a Keras learning-rate schedule given by class name and
 * constructor arguments as JSON (`keras.optimizers.schedules.<Class>(**config)(step)`), in double
 * precision. Classes and keys: "ExponentialDecay" and "InverseTimeDecay"
 * (initial_learning_rate, decay_steps > 0, decay_rate: required; staircase),
 * "PiecewiseConstantDecay" (boundaries: integer steps, values: one more than boundaries),
 * "CosineDecay" (initial_learning_rate, decay_steps; alpha, warmup_target, warmup_steps),
 * "PolynomialDecay" (initial_learning_rate, decay_steps; end_learning_rate 0.0001, power 1,
 * cycle), and "name" for all. Errors: SK_ERR_INVALID_ARG (class_name NULL or unknown, out NULL,
 * invalid JSON, unknown or missing key, decay_steps <= 0, boundaries/values lengths), SK_ERR_DTYPE
 * (a key of the wrong JSON type). */
int32_t sk_schedule_value(const char *class_name, const char *config_json, int64_t step, double *out);

/* Wraps `inner` in a dynamic LossScaleOptimizer (`keras.mixed_precision.LossScaleOptimizer(inner,
 * initial_scale=2**15, dynamic_growth_steps=2000)`): the scale starts at initial_scale, a step
 * with an inf/NaN gradient is skipped and halves it, and it doubles after dynamic_growth_steps
 * consecutive finite steps. Gradients given to sk_optimizer_apply_gradients are those of the
 * loss times sk_loss_scale_optimizer_loss_scale: they are divided by the scale before the inner
 * update. The wrapper shares `inner` (its state, iterations and learning rate) and turns off its
 * loss_scale_factor. Errors: SK_ERR_INVALID_HANDLE (inner NULL), SK_ERR_INVALID_ARG (dynamic 0 —
 * Keras 3 no longer supports fixed scaling: use "loss_scale_factor" —, initial_scale not finite
 * and > 0, dynamic_growth_steps < 1 or > INT32_MAX, inner already a LossScaleOptimizer). */
int32_t sk_loss_scale_optimizer_create(sk_optimizer *inner, int32_t dynamic, double initial_scale,
                                       int64_t dynamic_growth_steps, sk_optimizer **out);

/* The current loss scale of a LossScaleOptimizer. Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (not a LossScaleOptimizer, out NULL). */
int32_t sk_loss_scale_optimizer_loss_scale(const sk_optimizer *optimizer, double *out);

/* ---- Fit ----------------------------------------------------------------------------
 * The extensible fit call (`model.fit(...)` with every Keras argument C can express), single
 * batches (`train_on_batch` / `test_on_batch`), weighted evaluation and the compiled
 * optimizer. Results of these calls come as names and values like sk_model_evaluate: "loss"
 * first, then the compiled metrics; the name strings are owned by the model handle and valid
 * until its next sk_model_evaluate / sk_model_evaluate_weighted / sk_model_train_on_batch /
 * sk_model_test_on_batch call or its release.
 * ------------------------------------------------------------------------------------- */

/* Epoch-begin callback of sk_fit_args, `Callback.on_epoch_begin`: epoch 0-based (counting
 * from initial_epoch). Return SK_OK to continue, a negative value to stop training (as setting
 * Keras' `model.stop_training`: fit stops after the current batch, runs the epoch end and
 * returns SK_OK with the history so far), or a positive status after sk_set_error to abort fit
 * with that code and message. */
typedef int32_t (*sk_epoch_fn)(void *user_data, int32_t epoch);

/* Batch callback of sk_fit_args, `on_train_batch_begin` / `on_train_batch_end`: the epoch, the
 * 0-based batch within it, and n logs — for batch end the running averages of the epoch so far
 * ("accuracy", "loss", ... sorted), for batch begin none (n = 0). names and values are valid
 * during the call. Return values as sk_epoch_fn. */
typedef int32_t (*sk_batch_fn)(void *user_data, int32_t epoch, int32_t batch, const char *const *names,
                               const double *values, int32_t n);

/* Arguments of sk_model_fit_ex. Initialize with sk_fit_args_init(&a, sizeof a), then set the
 * fields you need; struct_size tells the library which version of the struct the caller was
 * compiled with (later versions only append fields). Tensors are borrowed during the call. */
typedef struct sk_fit_args {
    size_t struct_size;                 /* sizeof(sk_fit_args), set by sk_fit_args_init */
    int64_t batch_size;                 /* 32: samples per gradient step */
    int32_t epochs;                     /* 1: the epoch to stop at (runs initial_epoch..epochs-1) */
    int32_t initial_epoch;              /* 0: the epoch to start at (resuming training) */
    int32_t verbose;                    /* 1: 0 silent, 1 progress bar line, 2 one line per epoch */
    uint8_t shuffle;                    /* 1: reshuffle the training samples before each epoch */
    int64_t seed;                       /* -1: >= 0 makes the shuffling reproducible */
    double validation_split;            /* 0: fraction in [0, 1) held out from the end of x, y and
                                           sample_weight (ignored when validation data is given) */
    const sk_tensor *const *validation_x; /* NULL: validation inputs, one per model input */
    int32_t n_validation_x;             /* 0 */
    const sk_tensor *validation_y;      /* NULL: validation targets (with validation_x) */
    const sk_tensor *validation_sample_weight; /* NULL: weights of the validation samples */
    const sk_tensor *sample_weight;     /* NULL: per-sample weights of the training data */
    const double *class_weight;         /* NULL: class weights (tf.keras `class_weight`): the
                                           weight of class i is class_weight[i], or of class
                                           class_ids[i] when class_ids is non-NULL; multiplied
                                           with sample_weight; classes are the integer targets
                                           (shape (n,) or (n, 1)) or the argmax of one-hot rows.
                                           The classes must be exactly 0..K-1 and every training
                                           target one of them. Validation data is not weighted. */
    const int64_t *class_ids;           /* NULL: see class_weight */
    int32_t n_class_weight;             /* 0: entries of class_weight (and class_ids) */
    sk_progress_fn on_epoch_end;        /* NULL: as the progress callback of sk_model_fit */
    sk_epoch_fn on_epoch_begin;         /* NULL */
    sk_batch_fn on_train_batch_begin;   /* NULL */
    sk_batch_fn on_train_batch_end;     /* NULL */
    void *user_data;                    /* NULL: passed to the four callbacks */
} sk_fit_args;

/* Sets every field of *args to its default (Keras' fit defaults, shown above) and
 * args->struct_size to struct_size, which must be sizeof(sk_fit_args) of this header.
 * Errors: SK_ERR_INVALID_ARG (args NULL; struct_size not a size this library knows — nothing
 * is written then). */
int32_t sk_fit_args_init(sk_fit_args *args, size_t struct_size);

/* Trains the model (`model.fit`) on x[0..n_x), y with the arguments in *args (see
 * sk_fit_args); *history (may be NULL) receives the per-epoch logs ("val_*" with validation).
 * Callbacks run on the calling thread, in this order per epoch: on_epoch_begin, per batch
 * on_train_batch_begin / on_train_batch_end, then on_epoch_end after validation.
 * Errors: SK_ERR_INVALID_HANDLE (model, y or an x entry NULL); SK_ERR_INVALID_ARG (args NULL,
 * args->struct_size unknown — "initialize args with sk_fit_args_init"; batch_size outside
 * [1, 2^31); epochs or initial_epoch negative; validation_split out of range; validation_x
 * without validation_y or the reverse; n_validation_x or n_class_weight negative; a NULL
 * pointer with a positive count; a repeated class id, a non-finite class weight, class ids not
 * 0..K-1, a target that is not one of the classes, targets of rank > 2 with class_weight;
 * sample counts of x, y, sample_weight (or of the validation tensors) that differ — the message
 * lists them); SK_ERR_RUNTIME (model not compiled); the callbacks' statuses with their
 * messages; the errors of the layers and the loss. */
int32_t sk_model_fit_ex(sk_model *model, const sk_tensor *const *x, int32_t n_x, const sk_tensor *y,
                        const sk_fit_args *args, sk_history **history);

/* `model.train_on_batch(x, y, sample_weight)`: one gradient step on the whole batch after
 * resetting the metrics; the batch's loss and metrics are written as by sk_model_evaluate
 * (names / values may be NULL; both NULL only counts). sample_weight may be NULL.
 * Errors: SK_ERR_INVALID_HANDLE (model, y or an x entry NULL), SK_ERR_INVALID_ARG (no inputs,
 * different sample counts, capacity < count), SK_ERR_RUNTIME (not compiled), layer / loss
 * errors. */
int32_t sk_model_train_on_batch(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                                const sk_tensor *y, const sk_tensor *sample_weight, const char **names,
                                double *values, int32_t capacity, int32_t *count);

/* `model.test_on_batch(x, y, sample_weight)`: the loss and metrics of one batch with training
 * off, nothing updated. Arguments and errors as sk_model_train_on_batch. */
int32_t sk_model_test_on_batch(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                               const sk_tensor *y, const sk_tensor *sample_weight, const char **names,
                               double *values, int32_t capacity, int32_t *count);

/* sk_model_evaluate with per-sample weights (`model.evaluate(x, y, sample_weight=...)`);
 * sample_weight may be NULL. names / values may both be NULL to only count. Errors: as
 * sk_model_evaluate; SK_ERR_INVALID_ARG (sample_weight with another sample count). */
int32_t sk_model_evaluate_weighted(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                                   const sk_tensor *y, const sk_tensor *sample_weight,
                                   int64_t batch_size, int32_t verbose, const char **names,
                                   double *values, int32_t capacity, int32_t *count);


/* ---- Metrics, subclassed models, nested layers, model introspection ----
 *
 * Metric objects (`keras.metrics.*`): stateful, accumulated by sk_metric_update_state, read by
 * sk_metric_result, zeroed by sk_metric_reset_state. A model compiled with a metric object
 * (sk_model_compile_ex) uses that very object: its state after fit/evaluate is the model's. */
typedef struct sk_metric sk_metric;

/* A built-in metric by Keras class or function name with its constructor arguments as a JSON
 * object (NULL or "" = defaults), e.g. ("AUC", "{\"num_thresholds\": 50, \"curve\": \"PR\"}"),
 * ("Precision", "{\"thresholds\": 0.7}"), ("TopKCategoricalAccuracy", "{\"k\": 3}"),
 * ("Mean", NULL). Names: Mean, Accuracy ("accuracy": exact equality, as keras.metrics.Accuracy;
 * compile resolves the *name* "accuracy" by the loss and shapes instead), BinaryAccuracy,
 * CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
 * SparseTopKCategoricalAccuracy, MeanAbsoluteError ("mae"), MeanSquaredError ("mse"),
 * RootMeanSquaredError ("rmse"), Precision, Recall, AUC, their snake_case function names, and
 * any loss name (the mean of the loss values). Keys for all: "name", "dtype" (floating).
 * BinaryAccuracy: "threshold" in (0, 1). Top-k: "k" >= 1. Precision/Recall: "thresholds"
 * (number or list in [0, 1]), "class_id". AUC: "num_thresholds" > 1, "curve" ("ROC"/"PR"),
 * "summation_method" ("interpolation"/"minoring"/"majoring"), "thresholds" (list),
 * "from_logits". *out is owned by the caller (sk_metric_release). Errors: SK_ERR_INVALID_ARG
 * (name or out NULL, unknown name, invalid JSON, unknown key, wrong type or out-of-range value
 * — the message names the metric and key; unsupported Keras options such as multi_label=true
 * or top_k). */
int32_t sk_metric_create(const char *name, const char *config_json, sk_metric **out);

/* A metric averaging a C function of (y_true, y_pred) (Keras: a function given in
 * `compile(metrics=[...])`, wrapped in a MeanMetricWrapper). fn has sk_loss_fn's contract: it
 * writes *out (per-sample values of any shape; the library takes ownership) and returns SK_OK,
 * or fails with sk_set_error; y_true arrives cast to y_pred's floating dtype. Values are
 * averaged per sample (weighted by sample_weight) and over samples. name (required, non-empty)
 * is the name in logs and history. destroy(user_data) (may be NULL) runs exactly once: when the
 * metric goes away (handle released and no model using it), or before this call returns if it
 * fails. Errors: SK_ERR_INVALID_ARG (fn, name or out NULL, name empty). */
int32_t sk_metric_create_custom(sk_loss_fn fn, void *user_data, void (*destroy)(void *user_data),
                                const char *name, sk_metric **out);

/* Accumulates one batch (`metric.update_state(y_true, y_pred, sample_weight)`); sample_weight
 * may be NULL. Errors: SK_ERR_INVALID_HANDLE (metric, y_true or y_pred NULL),
 * SK_ERR_INVALID_ARG (shapes that do not match, weights that do not broadcast — the message
 * names the metric and shapes), a custom metric's callback status and message. */
int32_t sk_metric_update_state(sk_metric *metric, const sk_tensor *y_true, const sk_tensor *y_pred,
                               const sk_tensor *sample_weight);

/* The current value (`metric.result()`): *out receives a new tensor of the metric's dtype — a
 * scalar, or one value per threshold for Precision/Recall with several thresholds; 0 before any
 * update. Errors: SK_ERR_INVALID_HANDLE (metric NULL), SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_metric_result(const sk_metric *metric, sk_tensor **out);

/* Zeroes the metric's state (`metric.reset_state()`). Errors: SK_ERR_INVALID_HANDLE. */
int32_t sk_metric_reset_state(sk_metric *metric);

/* The metric's name, copied as sk_layer_name does (buf NULL with capacity 0 only queries
 * *length). Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (capacity too small). */
int32_t sk_metric_name(const sk_metric *metric, char *buf, size_t capacity, size_t *length);

/* Releases a metric handle (NULL is a no-op); a model compiled with it keeps it. */
void sk_metric_release(sk_metric *metric);

/* Configures training with objects (`model.compile(optimizer=opt, loss=loss, metrics=[...])`):
 * optimizer and loss are handles (sk_optimizer_create, sk_loss_create*). The metrics are
 * n_metrics entries in order; entry i is metrics[i] (an sk_metric, used as is, keeping its
 * configuration) or metric_names[i] (a name resolved as sk_model_compile does, e.g.
 * "accuracy"), exactly one of the two non-NULL; either array may be NULL when the other gives
 * every entry. Compiling again replaces all three. The model holds what it uses.
 * Errors: SK_ERR_INVALID_HANDLE (model, optimizer or loss NULL), SK_ERR_INVALID_ARG (negative
 * n_metrics, both arrays NULL with n_metrics > 0, an entry with both or neither, the same
 * metric object twice, an unknown metric name). */
int32_t sk_model_compile_ex(sk_model *model, sk_optimizer *optimizer, const sk_loss *loss,
                            const sk_metric *const *metrics, const char *const *metric_names,
                            int32_t n_metrics);

/* The compiled optimizer and loss (`model.optimizer`, `model.loss`) as new caller-owned handles
 * on the same objects (the optimizer is the LossScaleOptimizer wrapper under mixed_float16,
 * whose learning rate is the wrapped one's: sk_optimizer_set_learning_rate on it changes the
 * model's training, as ReduceLROnPlateau does);
 * *out is NULL with SK_OK when the model is not compiled. Errors: SK_ERR_INVALID_HANDLE
 * (model NULL), SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_optimizer(const sk_model *model, sk_optimizer **out);
int32_t sk_model_loss(const sk_model *model, sk_loss **out);

/* The compile config as JSON (`model.get_compile_config()`): {"optimizer": {"class_name":
 * "Adam", "config": {"learning_rate": ..., ...}}, "loss": "<name>", "metrics": [...]}, or ""
 * when the model is not compiled; copied as sk_layer_name does. Errors: SK_ERR_INVALID_HANDLE,
 * SK_ERR_INVALID_ARG (capacity too small; a custom loss, which has no config). */
int32_t sk_model_compile_config(const sk_model *model, char *buf, size_t capacity, size_t *length);

/* A subclassed model (Keras `class MyModel(keras.Model)`): call (required) computes the output
 * from the inputs as sk_layer_call_fn does — typically by calling sublayers with sk_layer_call;
 * build (may be NULL) runs once before the first call with the first input's shape. The
 * `layer` argument of both callbacks is the model seen as a layer (borrowed): add weights to
 * it with sk_layer_add_weight. Register sublayers with sk_layer_track (on sk_model_as_layer),
 * so that their weights are the model's (trainable weights, fit, save_weights). Before its
 * first training step, a model never called yet runs once on the batch (training off) so its
 * sublayers create their weights. name may be NULL ("custom_model", "custom_model_1", ...).
 * destroy(user_data) (may be NULL) runs exactly once: when the model goes away, or before this
 * call returns if it fails. Such a model can be saved with sk_model_save_weights, not
 * sk_model_save. Errors: SK_ERR_INVALID_ARG (call or out NULL). */
int32_t sk_model_create_custom(const char *name, sk_layer_build_fn build, sk_layer_call_fn call,
                               void *user_data, void (*destroy)(void *user_data), sk_model **out);

/* Makes child a sublayer of parent (Keras attribute tracking: `self.dense = Dense(4)`): the
 * child's weights, losses and trainability become part of the parent's, after the parent's own
 * weights, in tracking order. Tracking the same child again does nothing. parent is a custom
 * layer or a subclassed model (sk_model_as_layer). The parent holds the child. Errors:
 * SK_ERR_INVALID_HANDLE (NULL), SK_ERR_INVALID_ARG (parent == child, child already containing
 * parent — a cycle, parent a Sequential model (use sk_model_add) or a functional model). */
int32_t sk_layer_track(sk_layer *parent, sk_layer *child);

/* Kinds of models (sk_model_kind). */
#define SK_MODEL_FUNCTIONAL 0
#define SK_MODEL_SEQUENTIAL 1
#define SK_MODEL_SUBCLASSED 2

/* *out receives the model's kind: SK_MODEL_FUNCTIONAL (sk_model_create), SK_MODEL_SEQUENTIAL
 * or SK_MODEL_SUBCLASSED (sk_model_create_custom). Errors: SK_ERR_INVALID_HANDLE,
 * SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_kind(const sk_model *model, int32_t *out);

/* *out receives the number of inputs: a functional model's, 1 for Sequential and subclassed
 * models. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_num_inputs(const sk_model *model, int32_t *out);

/* The model's layers (`model.layers`) in Keras order as new caller-owned layer handles
 * (release each with sk_layer_release): a functional model's layers including its InputLayers,
 * a Sequential model's layers without its InputLayer, a subclassed model's tracked layers.
 * *count (may be NULL) receives their number; out NULL with capacity 0 only counts.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (capacity < count, out NULL with
 * capacity > 0). */
int32_t sk_model_layers(const sk_model *model, sk_layer **out, int32_t capacity, int32_t *count);

/* The layer's Keras class name ("Dense", "Conv2D", "InputLayer", "Sequential", "Functional";
 * "CustomLayer" for sk_layer_create_custom layers, "CustomModel" for sk_model_create_custom
 * models), copied as sk_layer_name does. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG
 * (capacity too small). */
int32_t sk_layer_class_name(const sk_layer *layer, char *buf, size_t capacity, size_t *length);

/* ---- Saving (more) ---- */

/* sk_model_save records each built-in metric object given to sk_model_compile_ex (AUC,
 * Precision, Recall, BinaryAccuracy, top-k, ...; see sk_metric_create) in the compile config
 * with its Keras config ({"class_name": "AUC", "config": {"num_thresholds": 50, "curve": "PR",
 * ...}}), and sk_model_load rebuilds it with those arguments; metrics given by name stay names,
 * custom metrics (sk_metric_create_custom) are recorded by name. Files that list metric names
 * only still load. */

/* Called by sk_model_load_weights_ex once per skipped layer, after the load, with the layer's
 * path in the weights file ("dense_1", "sequential/dense") and the reason (naming the missing,
 * extra or mismatched weights and the file); both strings are valid during the call only. */
typedef void (*sk_skipped_fn)(void *user_data, const char *layer, const char *reason);

/* `model.load_weights(path, skip_mismatch=...)`. skip_mismatch == 0 is sk_model_load_weights
 * (all or nothing, same errors). skip_mismatch != 0 skips each layer whose own weights do not
 * match the file — a weight missing from the file, a different shape or dtype, or a weight in
 * the file under the layer's path that the layer does not have — leaving its weights as they
 * were, and loads every other layer; file weights of layers the model does not have are
 * ignored. Everything is checked before anything is assigned. After a successful load,
 * on_skipped (may be NULL; user_data is passed through) is called once per skipped layer, in
 * weight order, and *num_skipped (may be NULL) receives their number (0 on failure).
 * Errors: SK_ERR_INVALID_HANDLE (model NULL); SK_ERR_INVALID_ARG (path NULL; with
 * skip_mismatch == 0, a missing, extra or mismatched weight, as sk_model_load_weights; an
 * unbuilt model that cannot be built from the file); SK_ERR_IO (missing, truncated, damaged or
 * foreign file, naming the path) — on any error no weight changes. */
int32_t sk_model_load_weights_ex(sk_model *model, const char *path, uint8_t skip_mismatch,
                                 sk_skipped_fn on_skipped, void *user_data, int32_t *num_skipped);

/* sk_model_load with a choice: compile == 0 ignores the saved compile config (Keras
 * `load_model(compile=False)`) — the way to load a model compiled with custom metrics, which
 * are saved by name only; compile it again with sk_model_compile_ex. compile != 0 is
 * sk_model_load, whose error for a compile config that cannot be rebuilt says so. Errors: as
 * sk_model_load. */
int32_t sk_model_load_ex(const char *path, uint8_t compile, sk_model **out);

/* ---- Custom metrics ----
 *
 * A stateful metric implemented by C callbacks (Keras: a user subclass of keras.metrics.Metric
 * with its own update_state / result / reset_state and its own state, e.g. a count of correct
 * predictions). The three callbacks share user_data; each returns SK_OK, or fails with
 * sk_set_error(code, message) and returns that code: the library call that ran it (e.g.
 * sk_metric_update_state, sk_model_fit, sk_model_evaluate) then fails with the same code and
 * message. The callbacks run with gradient recording paused. A model compiled with the metric
 * (sk_model_compile_ex) calls reset at the start of each fit epoch and each evaluation, update
 * after each batch, and result for its logs (which need a one-element result). */

/* Accumulates one batch. y_true and y_pred are borrowed (valid during the call; retain to keep);
 * sample_weight is NULL when there is none. */
typedef int32_t (*sk_metric_update_fn)(void *user_data, const sk_tensor *y_true, const sk_tensor *y_pred,
                                       const sk_tensor *sample_weight);
/* Writes the current value to *out (the slot arrives NULL; the library takes ownership). */
typedef int32_t (*sk_metric_result_fn)(void *user_data, sk_tensor **out);
/* Zeroes the state. */
typedef int32_t (*sk_metric_reset_fn)(void *user_data);

/* A metric named name (required, non-empty; the name in logs and history) whose update_state,
 * result and reset_state are update_fn, result_fn and reset_fn (all required) called with
 * user_data. *out is owned by the caller (sk_metric_release); sk_metric_update_state /
 * sk_metric_result / sk_metric_reset_state / sk_metric_name work on it as on any metric.
 * destroy(user_data) (may be NULL) runs exactly once: when the metric goes away (handle released
 * and no model using it), or before this call returns if it fails.
 * Errors: SK_ERR_INVALID_ARG (name, a callback or out NULL, name empty). */
int32_t sk_metric_create_callbacks(const char *name, sk_metric_update_fn update_fn,
                                   sk_metric_result_fn result_fn, sk_metric_reset_fn reset_fn,
                                   void *user_data, void (*destroy)(void *user_data), sk_metric **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_H */
