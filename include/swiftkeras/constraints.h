/* swiftkeras/constraints.h — Weight constraints (keras.constraints): projections optimizers apply
 * to a variable after each update.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_CONSTRAINTS_H
#define SWIFTKERAS_CONSTRAINTS_H

#include "base.h"
#include "keras.h"

#ifdef __cplusplus
extern "C" {
#endif

/* keras.constraints by identifier. identifier_json is a Keras identifier in JSON: a name
 * ("\"max_norm\"", "\"non_neg\"", "\"unit_norm\"", "\"min_max_norm\"", "\"radial_constraint\"" or
 * the class names MaxNorm, NonNeg, UnitNorm, MinMaxNorm, RadialConstraint) or a config
 * ("{\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 2, \"axis\": 0}}").
 * sk_constraint_call: *out receives constraints.get(identifier)(w) (caller-owned), tf.keras 2's
 * formulas (MaxNorm: w · clip(n, 0, max) / (epsilon + n) with n the norms along axis, ...).
 * sk_constraint_config: the canonical serialize(get(identifier)) JSON, copied as sk_layer_name does.
 * Errors: SK_ERR_INVALID_ARG (NULL arguments, malformed JSON, unknown identifier or config key,
 * a RadialConstraint weight that is not a square rank-4 kernel, capacity too small),
 * SK_ERR_INVALID_HANDLE. */
int32_t sk_constraint_call(const char *identifier_json, const sk_tensor *w, sk_tensor **out);
int32_t sk_constraint_config(const char *identifier_json, char *buf, size_t capacity, size_t *length);

/* A custom constraint: *out receives the projection of w (same shape; cast to the variable's
 * dtype), a new handle the library takes. Returns SK_OK or a failure (sk_set_error), which
 * fails the optimizer step that applied it. */
typedef int32_t (*sk_constraint_fn)(void *user_data, const sk_tensor *w, sk_tensor **out);

/* Sets the constraint of a variable (tf.Variable's `constraint`): every optimizer step that
 * updates v then assigns constraint(v) (tf.keras 2's order: after the whole update).
 * sk_variable_set_constraint takes a built-in identifier (NULL removes the constraint);
 * sk_variable_set_constraint_custom a callback (user_data is destroyed once: when replaced,
 * with the variable, or on failure).
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (unknown identifier, NULL fn). */
int32_t sk_variable_set_constraint(sk_variable *v, const char *identifier_json);
int32_t sk_variable_set_constraint_custom(sk_variable *v, sk_constraint_fn fn, void *user_data,
                                          void (*destroy)(void *user_data));

/* Sets a built-in layer's constraint argument `key` ("kernel_constraint", "bias_constraint",
 * "recurrent_constraint", "depthwise_constraint", "pointwise_constraint",
 * "embeddings_constraint", "gamma_constraint", "beta_constraint", "alpha_constraint" — those
 * of its class, as tf.keras 2): the weights it applies to, existing or created later, get it.
 * sk_layer_set_constraint takes a built-in identifier (NULL removes it, as does a config's
 * null); sk_layer_set_constraint_custom a callback, with serialized_json the
 * {"class_name", "config"} that sk_layer_get_config writes for it (NULL: the layer's config
 * cannot be written). user_data is destroyed once: when replaced, with the layer, or on failure.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (a key the class does not have, unknown
 * identifier, malformed JSON, NULL key or fn). */
int32_t sk_layer_set_constraint(sk_layer *layer, const char *key, const char *identifier_json);
int32_t sk_layer_set_constraint_custom(sk_layer *layer, const char *key, const char *serialized_json,
                                       sk_constraint_fn fn, void *user_data, void (*destroy)(void *user_data));

/* Builds a custom constraint from the JSON of its "config": writes its callback to *fn_out and
 * the callback's user data and destroy function (may be NULL) to *fn_user_data / *fn_destroy,
 * which the library owns from then on (destroyed once, also when the factory fails after
 * writing them). Returns SK_OK or a failure (sk_set_error). */
typedef int32_t (*sk_constraint_factory_fn)(void *user_data, const char *config_json, sk_constraint_fn *fn_out,
                                            void **fn_user_data, void (**fn_destroy)(void *user_data));
/* Registers (or replaces) the custom constraint class class_name (Keras `custom_objects` /
 * `register_keras_serializable` of a Constraint subclass): a layer config naming it in a
 * constraint argument ({"class_name": class_name, "config": {...}}) — sk_layer_create,
 * sk_model_load, sk_model_from_config — gets the constraint `factory` makes, serialized back
 * as the class name and the config it was made from. Forget it with
 * sk_unregister_class("constraint", class_name). user_data is destroyed once: when the class is
 * unregistered or replaced, or on failure. Errors: SK_ERR_INVALID_ARG (NULL name or factory, a
 * built-in constraint's name). */
int32_t sk_register_constraint_class(const char *class_name, sk_constraint_factory_fn factory, void *user_data,
                                     void (*destroy)(void *user_data));

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_CONSTRAINTS_H */
