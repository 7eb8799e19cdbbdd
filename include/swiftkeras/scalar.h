/* swiftkeras/scalar.h — The tagged Python-style scalar that the `*_scalar` ops take.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_SCALAR_H
#define SWIFTKERAS_SCALAR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scalar kinds (append-only). */
#define SK_SCALAR_INT   1  /* v.i: a Python int */
#define SK_SCALAR_FLOAT 2  /* v.f: a Python float */
#define SK_SCALAR_BOOL  3  /* v.b: a Python bool (0 = False, anything else = True) */

/* A Python-style ("weak") scalar: its kind, not its value, decides the result dtype. The core
 * applies the weak-type rule (Keras / JAX) when it meets a tensor of dtype T:
 *   int   -> T (an int scalar never upcasts: int32 + 2 stays int32, float16 * 2 stays float16);
 *            a bool tensor gives int32. The value must fit T when T is an integer dtype
 *            (SK_ERR_INVALID_ARG otherwise: int32 + 2**40 is an error, as in TensorFlow).
 *   float -> T when T is a float dtype (float16 * 2.5 stays float16), else float32 (floatx).
 *   bool  -> T (bool with bool stays bool).
 * Any other kind (a zero-initialised value included) is SK_ERR_INVALID_ARG. */
typedef struct sk_scalar_value {
    int32_t kind;   /* SK_SCALAR_INT, SK_SCALAR_FLOAT or SK_SCALAR_BOOL */
    union {
        int64_t i;
        double f;
        uint8_t b;
    } v;
} sk_scalar_value;

/* C99 constructors: sk_add_scalar(x, SK_INT_VALUE(2), &out), SK_FLOAT_VALUE(0.5), SK_BOOL_VALUE(1). */
#define SK_INT_VALUE(x)   ((sk_scalar_value){SK_SCALAR_INT, {.i = (int64_t)(x)}})
#define SK_FLOAT_VALUE(x) ((sk_scalar_value){SK_SCALAR_FLOAT, {.f = (double)(x)}})
#define SK_BOOL_VALUE(x)  ((sk_scalar_value){SK_SCALAR_BOOL, {.b = (uint8_t)((x) != 0)}})

#ifdef __cplusplus
}
#endif

#endif
