/* swiftkeras/training_steps.h — Custom training steps (tf.keras 2 `train_step` / `test_step` /
 * `predict_step` overrides), the built-in steps on one batch (`super().train_step(data)`), what a
 * custom step calls (`compiled_loss`, `compiled_metrics.update_state`), `add_metric` and
 * `add_loss` with a function. Part of the SwiftKeras C API; include <swiftkeras.h>, which
 * includes every part and states the conventions (status codes, ownership, threads) that hold
 * here. */
#ifndef SWIFTKERAS_TRAINING_STEPS_H
#define SWIFTKERAS_TRAINING_STEPS_H

#include "base.h"
#include "keras.h"
#include "metrics.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The logs a custom train or test step writes (valid during the step's call only). */
typedef struct sk_step_logs sk_step_logs;

/* A custom train or test step. `data` (borrowed for the call) is the batch as tf.keras 2's
 * data adapter gives `train_step(data)`: a dataset's element as it came (x, (x,), (x, y) or
 * (x, y, sample_weight); x and y one tensor, a tuple or a dict), or for arrays x alone (one
 * input, no targets), else (x, y) / (x, y, sample_weight) with several inputs or outputs as
 * tuples. Write the batch's logs (usually the running results of the metrics) with
 * sk_step_logs_set; they reach the callbacks, the progress bar and the history as the built-in
 * step's logs (an epoch's logs are its last batch's). Return SK_OK or a status after
 * sk_set_error (fit / evaluate then stop with that error). */
typedef int32_t (*sk_step_fn)(void *user_data, const sk_dataset_element *data, sk_step_logs *logs);

/* A custom predict step: write the batch's outputs (+1, taken by the library) as an element: one
 * tensor, or a tuple of one tensor per output, batch first (predict concatenates the batches).
 * `data` as for sk_step_fn. Return SK_OK or a status after sk_set_error. */
typedef int32_t (*sk_predict_step_fn)(void *user_data, const sk_dataset_element *data, sk_dataset_element **out);

/* A loss computed again each time the losses are read (sk_layer_add_loss_fn): write a new
 * tensor (+1, taken by the library) into *out. Return SK_OK or a status after sk_set_error. */
typedef int32_t (*sk_loss_thunk_fn)(void *user_data, sk_tensor **out);

/* Sets logs[name] = value for the step's batch. Errors: SK_ERR_INVALID_ARG (logs or name NULL). */
int32_t sk_step_logs_set(sk_step_logs *logs, const char *name, double value);

/* Replaces the model's train step (fn NULL: the built-in step again) for fit and
 * train_on_batch; the epoch loop, shuffling, batching of every input kind, validation,
 * callbacks, steps_per_epoch and stop_training stay the model's. user_data is passed to fn;
 * destroy (may be NULL) runs with it once the step is replaced or the model is freed, and also
 * when this call fails. Errors: SK_ERR_INVALID_HANDLE (model NULL). */
int32_t sk_model_set_train_step(sk_model *model, sk_step_fn fn, void *user_data, void (*destroy)(void *user_data));

/* Replaces the model's test step (evaluate, fit's validation, test_on_batch); as
 * sk_model_set_train_step. */
int32_t sk_model_set_test_step(sk_model *model, sk_step_fn fn, void *user_data, void (*destroy)(void *user_data));

/* Replaces the model's predict step (predict, predict_on_batch); as sk_model_set_train_step. */
int32_t sk_model_set_predict_step(sk_model *model, sk_predict_step_fn fn, void *user_data,
                                  void (*destroy)(void *user_data));

/* The metrics custom steps report (tf.keras 2: the trackers a subclass lists in `metrics`):
 * reset with the model's own metrics at the start of each epoch and of each evaluation.
 * metrics[0..n) are borrowed (the model keeps them); n = 0 clears the list. Errors:
 * SK_ERR_INVALID_HANDLE (model or an entry NULL), SK_ERR_INVALID_ARG (n < 0, metrics NULL with
 * n > 0). */
int32_t sk_model_set_step_metrics(sk_model *model, sk_metric *const *metrics, int32_t n);

/* The built-in train step on one batch (tf.keras 2 `Model.train_step(data)`, what a custom
 * step's `super().train_step(data)` runs): data as sk_step_fn's, unpacked as fit unpacks a
 * dataset's elements; one gradient step; the running loss and metrics are written as by
 * sk_model_evaluate (names valid until the model's next such call; names / values may be
 * NULL; both NULL only counts). Errors: SK_ERR_INVALID_HANDLE (model or data NULL),
 * SK_ERR_INVALID_ARG (a batch without targets, inputs that do not match the model, capacity
 * < count), SK_ERR_RUNTIME (not compiled), layer / loss errors. */
int32_t sk_model_train_step_default(sk_model *model, const sk_dataset_element *data, const char **names,
                                    double *values, int32_t capacity, int32_t *count);

/* The built-in test step on one batch (tf.keras 2 `Model.test_step(data)`): loss and metrics
 * updated, nothing trained. Arguments and errors as sk_model_train_step_default. */
int32_t sk_model_test_step_default(sk_model *model, const sk_dataset_element *data, const char **names,
                                   double *values, int32_t capacity, int32_t *count);

/* The built-in predict step (tf.keras 2 `Model.predict_step(data)`): the model's outputs for
 * the inputs of data (targets ignored), training off, as a new element (+1): one tensor, or a
 * tuple for several outputs. Errors: SK_ERR_INVALID_HANDLE (model or data NULL),
 * SK_ERR_INVALID_ARG (inputs that do not match the model), layer errors. */
int32_t sk_model_predict_step_default(sk_model *model, const sk_dataset_element *data, sk_dataset_element **out);

/* tf.keras 2 `model.compiled_loss(y, y_pred, sample_weight, regularization_losses)`: the
 * weighted sum of the compiled losses of the outputs (y[i] against y_pred[i]) plus each
 * regularization term (summed), 0 when there is nothing, as a new scalar tensor; differentiable
 * under a tape. Updates the "loss" tracker (and a multi-output model's "<output>_loss"
 * trackers), weighted by the batch size, as the built-in step does. sample_weight and
 * regularization may be NULL (the latter with n_reg = 0). Errors: SK_ERR_INVALID_HANDLE (model or
 * an entry NULL), SK_ERR_INVALID_ARG (n_y != n_pred, a count of outputs other than the model's
 * first resolved count, shapes), SK_ERR_RUNTIME (not compiled). */
int32_t sk_model_compiled_loss(sk_model *model, const sk_tensor *const *y, int32_t n_y,
                               const sk_tensor *const *y_pred, int32_t n_pred, const sk_tensor *sample_weight,
                               const sk_tensor *const *regularization, int32_t n_reg, sk_tensor **out);

/* tf.keras 2 `model.compiled_metrics.update_state(y, y_pred, sample_weight)`: updates the
 * compiled metrics of each output. Arguments and errors as sk_model_compiled_loss. */
int32_t sk_model_compiled_metrics_update(sk_model *model, const sk_tensor *const *y, int32_t n_y,
                                         const sk_tensor *const *y_pred, int32_t n_pred,
                                         const sk_tensor *sample_weight);

/* tf.keras 2 `layer.add_metric(value, name, aggregation="mean")` (a layer, or a model through
 * sk_model_as_layer): the layer's Mean metric `name` (made by its first value) is updated with
 * value; the model lists it in sk_model_metrics, resets it with its metrics and logs it under
 * its name. aggregation may be NULL ("mean"). Errors: SK_ERR_INVALID_HANDLE (layer or value
 * NULL), SK_ERR_INVALID_ARG (name NULL or empty, an aggregation other than "mean"). */
int32_t sk_layer_add_metric(sk_layer *layer, const sk_tensor *value, const char *name, const char *aggregation);

/* The metrics of sk_layer_add_metric of a layer and its tracked sublayers (tf.keras 2
 * `layer.metrics`; this layer's first, each once), as new caller-owned handles. *count (may be
 * NULL) receives how many there are. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG
 * (capacity smaller than the count). */
int32_t sk_layer_metrics(const sk_layer *layer, sk_metric **out, int32_t capacity, int32_t *count);

/* tf.keras 2 `layer.add_loss(fn)` with a zero-argument function (e.g. a penalty on a
 * variable): fn is called each time the layer's losses are read — in every training step,
 * under its tape — and its tensor added to the total loss after the weight penalties. destroy
 * (may be NULL) runs with user_data when the layer is freed, and also when this call fails.
 * Errors: SK_ERR_INVALID_HANDLE (layer NULL), SK_ERR_INVALID_ARG (fn NULL); while training, fn's
 * status or a missing tensor. */
int32_t sk_layer_add_loss_fn(sk_layer *layer, sk_loss_thunk_fn fn, void *user_data, void (*destroy)(void *user_data));

/* tf.keras 2 `model.add_loss(t)` / `model.add_metric(t, name)` on symbolic tensors of a
 * functional model's graph (the VAE guides' `vae.add_loss(kl_loss)` after Model(inputs, outputs)):
 * on every call the model also computes t and adds it to the call's losses (sk_layer_losses,
 * the training loss) or updates the Mean metric `name` with it. aggregation may be NULL
 * ("mean"). Errors: SK_ERR_INVALID_HANDLE (NULL), SK_ERR_INVALID_ARG (a model that is not
 * functional, a tensor that depends on tensors other than the model's inputs, name NULL or
 * empty, an aggregation other than "mean"). */
int32_t sk_model_add_symbolic_loss(sk_model *model, const sk_keras_tensor *loss);
int32_t sk_model_add_symbolic_metric(sk_model *model, const sk_keras_tensor *value, const char *name,
                                     const char *aggregation);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TRAINING_STEPS_H */
