/* swiftkeras/metrics.h — Metrics: built-in, from functions, and stateful custom metrics.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_METRICS_H
#define SWIFTKERAS_METRICS_H

#include "base.h"
#include "keras.h"
#include "losses.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Metric objects (`keras.metrics.*`): stateful, accumulated by sk_metric_update_state, read by
 * sk_metric_result, zeroed by sk_metric_reset_state. A model compiled with a metric object
 * (sk_model_compile_ex) uses that very object: its state after fit/evaluate is the model's. */

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

/* The function form of a Keras metric or loss (keras.metrics.<name>(y_true, y_pred, **kwargs),
 * keras.losses.<name>(...)): the per-sample values, computed by the core. Names: "accuracy",
 * "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
 * "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", and every loss function
 * name or alias ("mean_squared_error"/"mse", "mae", "huber", "binary_crossentropy", ...).
 * config_json (NULL or "" = defaults) holds the keyword arguments: "threshold"
 * (binary_accuracy), "k" >= 1 (top-k), "delta" (huber), "axis" (cosine_similarity and the
 * crossentropies), "from_logits", "label_smoothing" (binary/categorical crossentropy and focal),
 * "ignore_class" (sparse crossentropy), "apply_class_balancing", "alpha", "gamma" (focal).
 * e.g. ("binary_accuracy", "{\"threshold\": 0.7}", y_true, y_pred, &out): a float32 tensor of
 * shape y_pred's without the last axis. *out is owned by the caller.
 * Errors: SK_ERR_INVALID_ARG (unknown name or key, wrong type, mismatched shapes). */
int32_t sk_metric_function(const char *name, const char *config_json, const sk_tensor *y_true,
                           const sk_tensor *y_pred, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_METRICS_H */
