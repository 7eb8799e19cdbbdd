/* swiftkeras/losses.h — Losses: built-in (by name / config) and custom (C callbacks).
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_LOSSES_H
#define SWIFTKERAS_LOSSES_H

#include "base.h"
#include "keras.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * from y_true and y_pred (both cast to the loss dtype, floatx unless configured), using sk_ ops
 * so that it is differentiable. The result holds the per-sample values, (B,) or any shape: the
 * core weights them by the sample weights (if any) and applies the loss's reduction exactly as
 * for a built-in loss (sum_over_batch_size for sk_loss_create_custom: the weighted sum divided
 * by the number of values). */
typedef int32_t (*sk_loss_fn)(void *user_data, const sk_tensor *y_true, const sk_tensor *y_pred,
                              sk_tensor **out);

/* Wraps a loss callback (a Python loss function given to `compile`). destroy(user_data) (may be
 * NULL) runs exactly once, when the loss goes away (handle released and no model using it), or
 * before this call returns if it fails. Errors: SK_ERR_INVALID_ARG (fn or out NULL). */
int32_t sk_loss_create_custom(sk_loss_fn fn, void *user_data, void (*destroy)(void *user_data),
                              sk_loss **out);

/* sk_loss_create_custom with the loss object's settings as a JSON object (NULL or "" = the
 * defaults of sk_loss_create_custom): "reduction" ("sum_over_batch_size" (default; also
 * "auto"), "sum" or "none": the weighted per-sample values), "name" (default "custom_loss"),
 * "dtype" (the floating dtype the inputs are cast to; default floatx), "match_ranks" (default
 * true: y_true and y_pred go through Keras' squeeze_or_expand_to_same_rank first, as for a plain
 * function; false for a Loss subclass's call). destroy(user_data) runs exactly once, as for
 * sk_loss_create_custom (also when the config is rejected).
 * Errors: SK_ERR_INVALID_ARG (fn or out NULL, invalid JSON, unknown key or reduction, wrong type,
 * non-floating dtype). */
int32_t sk_loss_create_custom_ex(sk_loss_fn fn, void *user_data, void (*destroy)(void *user_data),
                                 const char *config_json, sk_loss **out);

/* Computes a loss (`loss(y_true, y_pred, sample_weight)`); sample_weight may be NULL.
 * Errors: the loss's shape / dtype errors, a custom callback's status. */
int32_t sk_loss_call(const sk_loss *loss, const sk_tensor *y_true, const sk_tensor *y_pred,
                     const sk_tensor *sample_weight, sk_tensor **out);

/* Releases a loss handle (NULL is a no-op); a model compiled with it keeps it. */
void sk_loss_release(sk_loss *loss);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_LOSSES_H */
