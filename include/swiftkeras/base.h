/* swiftkeras/base.h — Versions, status and dtype codes, the core handle types, callbacks and errors.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_BASE_H
#define SWIFTKERAS_BASE_H

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

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_BASE_H */
