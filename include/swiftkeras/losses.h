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

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_LOSSES_H */
