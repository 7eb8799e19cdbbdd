/* swiftkeras/training_outputs.h — Training models with several outputs: per-output compile
 * (losses, loss weights, metrics, weighted metrics), targets and sample weights per output, every
 * output of predict, models with dicts of inputs / outputs, the validation split of arrays.
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
 * output name or key of y[i]). sample_weights NULL: no weights; else n_y entries, sample_weights[i]
 * the weights of the samples of y[i]'s output (NULL: not weighted; the same handle in every entry
 * weighs every output alike; tf.keras 2 `sample_weight=[w1, w2]`). Results as
 * sk_model_train_on_batch. Errors: as sk_model_train_on_batch; SK_ERR_INVALID_ARG (n_y < 1, a
 * NULL name, a name that is not an output, an output without a target, a number of targets that
 * is not the number of outputs). */
int32_t sk_model_on_batch_outputs(sk_model *model, uint8_t train, const sk_tensor *const *x, int32_t n_x,
                                  const sk_tensor *const *y, const char *const *y_names, int32_t n_y,
                                  const sk_tensor *const *sample_weights, const char **names, double *values,
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

/* A functional model with a dict of inputs and/or outputs (tf.keras 2
 * `keras.Model({"x": i_x, ...}, {"a": t_a, ...})`): input_keys[i] names inputs[i] and
 * output_keys[i] outputs[i] (either array may be NULL: a list). The model's inputs and outputs are
 * ordered by sorted key (tf.nest.flatten), so predict and sk_model_predict_dataset_outputs give
 * the outputs in that order (sk_model_io_keys tells it). Dataset inputs given as a dict are matched
 * by input key; compile's dicts (sk_model_compile_outputs), targets named in
 * sk_model_on_batch_outputs and dataset targets given as a dict by output key; the logs and
 * sk_model_output_names keep the output layer names, as tf.keras 2. The model's config writes
 * "input_layers" / "output_layers" as dicts by key, and loading it makes such a model again.
 * name may be NULL. Errors: as sk_model_create; SK_ERR_INVALID_ARG (a NULL, empty or repeated key,
 * a key with a newline). */
int32_t sk_model_create_keyed(const sk_keras_tensor *const *inputs, const char *const *input_keys, int32_t n_inputs,
                              const sk_keras_tensor *const *outputs, const char *const *output_keys,
                              int32_t n_outputs, const char *name, sk_model **out);

/* The keys of a model made with a dict of inputs (outputs == 0) or of outputs (outputs != 0) by
 * sk_model_create_keyed, in input / output order, joined by '\n' into buf (copied as
 * sk_layer_name does; buf NULL with capacity 0 only reports *length); an empty string for a
 * model made with a list there. Errors: SK_ERR_INVALID_HANDLE (model NULL), SK_ERR_INVALID_ARG
 * (capacity too small). */
int32_t sk_model_io_keys(const sk_model *model, uint8_t outputs, char *buf, size_t capacity, size_t *length);

/* tf.keras 2's `fit(validation_split=fraction)` on arrays (data_adapter.train_validation_split),
 * for callers that stream arrays they give as lists or dicts (several targets, dict inputs):
 * arrays[0..n) (inputs, targets, sample weights alike) split at the same sample
 * floor(N * (1 - fraction)), before any shuffling; train[i] and validation[i] receive new
 * caller-owned handles of the first and the last part of arrays[i]. train[0..n) and
 * validation[0..n) are set NULL first, so a failure leaves them NULL.
 * Errors: SK_ERR_INVALID_HANDLE (an entry NULL), SK_ERR_INVALID_ARG (n < 1, train or validation
 * NULL, fraction outside (0, 1), a scalar, arrays of different sample counts, a split that leaves
 * no training or no validation sample). */
int32_t sk_validation_split(const sk_tensor *const *arrays, int32_t n, double fraction,
                            sk_tensor **train, sk_tensor **validation);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TRAINING_OUTPUTS_H */
