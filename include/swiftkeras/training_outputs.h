/* swiftkeras/training_outputs.h — Training models with several outputs: per-output compile
 * (losses, loss weights, metrics, weighted metrics), targets per output, every output of predict.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_TRAINING_OUTPUTS_H
#define SWIFTKERAS_TRAINING_OUTPUTS_H

#include "base.h"
#include "keras.h"
#include "losses.h"
#include "optimizers.h"
#include "metrics.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* tf.keras 2 `model.compile(optimizer, loss=..., loss_weights=..., metrics=...,
 * weighted_metrics=...)` with each argument given once for every output, as a list in output
 * order or as a dict keyed by output name. spec_json is a JSON object with the optional keys
 *   "loss":             L | [L, ...] | {"<output>": L, ...}      L: an index into losses, or null
 *   "loss_weights":     w | [w, ...] | {"<output>": w, ...}      w: a number (missing: 1)
 *   "metrics":          M | [M, ...] | [[M, ...] | M | null, ...] | {"<output>": M | [M, ...]}
 *   "weighted_metrics": as "metrics"                             M: a metric name or an index into metrics
 * A single loss, and a flat metric list, apply to every output; a list holding a list gives the
 * metrics output by output; outputs missing from a dict get no loss, weight 1, no metrics.
 * The total loss is the weighted sum of the outputs' losses plus the model's losses (add_loss,
 * regularization); a model with several outputs logs "<output>_loss" for each output with a
 * loss (unweighted) and names its metrics "<output>_<metric>" (a weighted metric whose name is
 * taken: "<output>_weighted_<metric>"), renaming metric objects as tf.keras 2 does. Output names
 * are a functional model's output layer names. The lists and dicts are checked against the
 * outputs at the first training or test step. losses[0..n_losses) and metrics[0..n_metrics) are
 * borrowed handles (the model holds what it uses); either may be NULL when its count is 0.
 * Errors: SK_ERR_INVALID_HANDLE (model, optimizer or an entry NULL), SK_ERR_INVALID_ARG (spec_json
 * NULL or not such an object, an unknown key, an index out of range, an unknown metric name,
 * a negative count); at the first step: a list whose length is not the number of outputs, a dict
 * key that is not an output name, the same metric object for two outputs, two metrics of the same
 * name. */
int32_t sk_model_compile_outputs(sk_model *model, sk_optimizer *optimizer, const char *spec_json,
                                 const sk_loss *const *losses, int32_t n_losses,
                                 const sk_metric *const *metrics, int32_t n_metrics);

/* `model.train_on_batch(x, y)` (train != 0) or `model.test_on_batch(x, y)` (train == 0) with one
 * target per output: y[0..n_y) in output order (y_names NULL) or named by output (y_names[i] the
 * output name of y[i]). sample_weight (may be NULL) weighs the samples of every output. Results as
 * sk_model_train_on_batch. Errors: as sk_model_train_on_batch; SK_ERR_INVALID_ARG (n_y < 1, a
 * NULL name, a name that is not an output, an output without a target, a number of targets that
 * is not the number of outputs). */
int32_t sk_model_on_batch_outputs(sk_model *model, uint8_t train, const sk_tensor *const *x, int32_t n_x,
                                  const sk_tensor *const *y, const char *const *y_names, int32_t n_y,
                                  const sk_tensor *sample_weight, const char **names, double *values,
                                  int32_t capacity, int32_t *count);

/* `model.predict(dataset, steps=...)` of a model with several outputs: every output, each
 * concatenated over the batches, as new caller-owned handles out[0..count) (elements and steps
 * as sk_model_predict_dataset); out[0..capacity) are set NULL first, so a failure leaves them NULL.
 * out NULL with capacity 0 only counts (the prediction runs).
 * Errors: as sk_model_predict_dataset; SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_model_predict_dataset_outputs(sk_model *model, const sk_dataset *dataset, int64_t steps,
                                         sk_tensor **out, int32_t capacity, int32_t *count);

/* The output names of a model (tf.keras 2 `model.output_names`): a functional model's output
 * layer names, a Sequential model's last layer name, "output_1", ... for n_outputs outputs of a
 * subclassed model. Written into buf as one string joined by '\n', copied as sk_layer_name does
 * (buf NULL with capacity 0 only reports *length). Errors: SK_ERR_INVALID_HANDLE (model NULL),
 * SK_ERR_INVALID_ARG (capacity too small, n_outputs negative). */
int32_t sk_model_output_names(const sk_model *model, int32_t n_outputs, char *buf, size_t capacity, size_t *length);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TRAINING_OUTPUTS_H */
