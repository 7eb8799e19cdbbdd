/* swiftkeras/settings.h — Keras' process-wide settings (floatx, epsilon, image data format, threads) and
 * the rules clients must not redefine: dtype promotion (result_type), dtype policies, default
 * names (snake case).
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_SETTINGS_H
#define SWIFTKERAS_SETTINGS_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The settings are shared by every thread; each get or set is atomic on its own. */

/* The default float dtype (Keras floatx()): "float32" initially. It is the dtype of tensors and
 * variables created without one, of loss and metric objects, and decides what Python-style
 * scalars become (see sk_result_type). Static storage; never free it. */
const char *sk_floatx(void);

/* Sets floatx: "bfloat16", "float16", "float32" or "float64".
 * Errors: SK_ERR_INVALID_ARG (NULL or any other name; the message lists the accepted values). */
int32_t sk_set_floatx(const char *name);

/* The fuzz factor (Keras epsilon()): 1e-7 initially. The crossentropies clip probabilities to
 * [epsilon, 1 - epsilon]; MAPE, MSLE, KL divergence, Poisson and AUC's end thresholds use it. */
double sk_epsilon(void);

/* Sets the fuzz factor (any value, as Keras). */
void sk_set_epsilon(double value);

/* The default image data format (Keras image_data_format()): "channels_last" initially.
 * Static storage; never free it. */
const char *sk_image_data_format(void);

/* Sets the default image data format: "channels_last" or "channels_first" (case-insensitive).
 * Errors: SK_ERR_INVALID_ARG (NULL or any other name). */
int32_t sk_set_image_data_format(const char *name);

/* Keras' dtype promotion (keras.backend.result_type): *out = the dtype name the n dtype names
 * promote to (static storage; never free it). Names are Keras' ("int8", "complex64", ... also
 * those tensors cannot hold). weak (may be NULL = none weak) marks Python scalars: pass "int64"
 * for a Python int and "float32" for a Python float with weak[i] = 1; they take the kind of the
 * other operands, and a weak result becomes the int/float of floatx's precision
 * (e.g. {"int32", weak "float32"} -> "float32"; {"float16", weak "int64"} -> "float16").
 * n = 0 gives floatx. Errors: SK_ERR_INVALID_ARG (dtypes NULL with n > 0, a NULL name, an
 * unknown name, "string", a float8 dtype, dtypes with no common bound). */
int32_t sk_result_type(const char *const *dtypes, const uint8_t *weak, int32_t n, const char **out);

/* Keras' standardize_dtype on a name: *out = the canonical dtype name (static storage) — a name
 * Keras knows ("float32", "int8", "complex64", "string", ... as listed for sk_result_type) stays,
 * "int" gives "int64". Errors: SK_ERR_INVALID_ARG (NULL arguments; any other name:
 * "Invalid dtype: <name>"). */
int32_t sk_dtype_standardize(const char *name, const char **out);

/* The dtypes of a dtype policy (keras.mixed_precision.Policy): "mixed_float16" computes in
 * "float16" with "float32" variables, "mixed_bfloat16" in "bfloat16" with "float32"; a dtype
 * name ("float32", "int32", ...) computes and stores in it. (Layers and sk_set_global_policy
 * accept floating-point policies only, as Keras' set_global_policy.)
 * *compute_dtype and *variable_dtype get static names (never free them).
 * Errors: SK_ERR_INVALID_ARG (NULL arguments, an unknown policy; the message lists the valid ones). */
int32_t sk_policy_dtypes(const char *name, const char **compute_dtype, const char **variable_dtype);

/* Keras' to_snake_case, the rule of default names ("Conv2DTranspose" -> "conv2d_transpose",
 * "MyLayer" -> "my_layer"), copied as sk_layer_name does (buf NULL with capacity 0 only reports
 * *length). Errors: SK_ERR_INVALID_ARG (name NULL, capacity too small). */
int32_t sk_snake_case(const char *name, char *buf, size_t capacity, size_t *length);

/* Threads. The library runs each op on the calling thread plus, for large ops, helper threads:
 * its own parallel loops and OpenBLAS's matrix products. sk_set_num_threads(n) limits one op to n
 * threads (TensorFlow's intra-op parallelism; Python tf.config.threading.
 * set_intra_op_parallelism_threads); 1 runs everything on the calling thread, 0 restores the
 * default (every online CPU). OpenBLAS never gets more threads than there are online CPUs (each
 * of its threads takes a 128 MB buffer). Results do not depend on it. Takes effect from the next
 * op; loads OpenBLAS if it is not loaded yet. Errors: SK_ERR_INVALID_ARG (n < 0). */
int32_t sk_set_num_threads(int32_t n);

/* The thread setting last made by sk_set_num_threads: 0 (the default) means every online CPU. */
int32_t sk_get_num_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_SETTINGS_H */
