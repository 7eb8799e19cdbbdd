/* swiftkeras/training.h — Training: compile, fit (sk_fit_args), evaluate, predict, history, progress output.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_TRAINING_H
#define SWIFTKERAS_TRAINING_H

#include "base.h"
#include "keras.h"
#include "layers.h"
#include "losses.h"
#include "optimizers.h"
#include "metrics.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Configures training (`model.compile(optimizer, loss, metrics)`). Give exactly one of
 * optimizer_name (as sk_optimizer_create) and optimizer, and exactly one of loss_name and loss.
 * metrics: n_metrics names ("accuracy" resolved like Keras, "mae", "mse", "top_k_categorical_
 * accuracy", ...); may be NULL when n_metrics is 0. Compiling again replaces all three.
 * Errors: SK_ERR_INVALID_ARG (both or neither given, unknown names). */
int32_t sk_model_compile(sk_model *model, const char *optimizer_name, sk_optimizer *optimizer,
                         const char *loss_name, const sk_loss *loss, const char *const *metrics,
                         int32_t n_metrics);

/* Progress callback of sk_model_fit, called at the end of each epoch (0-based) with the epoch's
 * logs: n names ("accuracy", "loss", "val_loss", ... sorted) and their values, valid during
 * the call. Return SK_OK to continue, a negative value to stop training after this epoch (fit
 * then returns SK_OK with the history so far), or a positive status code after sk_set_error to
 * abort: fit returns that code with that exact message. */
typedef int32_t (*sk_progress_fn)(void *user_data, int32_t epoch, const char *const *names,
                                  const double *values, int32_t n);

/* Trains the model (`model.fit`) on x[0..n_x) (one tensor per model input; samples along axis
 * 0) and targets y, in batches of batch_size, for `epochs` epochs. validation_split in [0, 1)
 * holds out the last fraction of the samples ("val_*" logs). shuffle != 0 reshuffles before
 * each epoch, reproducibly when seed >= 0 (seed < 0 draws fresh seeds). verbose 0 is silent,
 * 1 prints Keras-style progress ("Epoch 1/20", "45/45 ━━━━ 0s 2ms/step - accuracy: ... -
 * loss: ..."), 2 one line per epoch — to stdout or the model's output callback. progress (may
 * be NULL) with user_data: see sk_progress_fn. *history (may be NULL) receives the per-epoch
 * logs. Errors: SK_ERR_RUNTIME (model not compiled: "fit: you must call compile() ..."),
 * SK_ERR_INVALID_ARG (batch_size <= 0, epochs < 0, validation_split out of range, x and y with
 * different sample counts, shapes the layers reject — naming the layer and shapes), the
 * callbacks' statuses (progress, custom layers, custom loss) with their messages. */
int32_t sk_model_fit(sk_model *model, const sk_tensor *const *x, int32_t n_x, const sk_tensor *y,
                     int64_t batch_size, int32_t epochs, double validation_split, uint8_t shuffle,
                     int64_t seed, int32_t verbose, sk_progress_fn progress, void *user_data,
                     sk_history **history);

/* Loss and metrics on x, y (`model.evaluate(..., return_dict=True)`): *count (may be NULL)
 * receives the number of results; values[i] (may be NULL) their values and names[i] (may be
 * NULL) their names — "loss" first, then the compiled metrics — strings owned by the model
 * handle, valid until the next sk_model_evaluate on it or its release. verbose 1 prints one
 * progress line. Errors: as sk_model_fit; SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_model_evaluate(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                          const sk_tensor *y, int64_t batch_size, int32_t verbose,
                          const char **names, double *values, int32_t capacity, int32_t *count);

/* The model's outputs for x, in batches, with training off (`model.predict`): *out receives a
 * new tensor (the first output of a multi-output model). Errors: as sk_model_fit. */
int32_t sk_model_predict(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                         int64_t batch_size, sk_tensor **out);

/* Redirects the model's printed output (progress lines of fit/evaluate at verbose > 0) to
 * fn(user_data, line) — one call per line, without the newline, on the thread running fit.
 * fn NULL restores stdout. The previous callback's destroy runs when it is replaced or the
 * model is released; destroy(user_data) runs immediately when fn is NULL or on failure. */
typedef void (*sk_output_fn)(void *user_data, const char *line);
int32_t sk_model_set_output_callback(sk_model *model, sk_output_fn fn, void *user_data,
                                     void (*destroy)(void *user_data));

/* Receives Keras' live progress bar of the model's fit at verbose 1: fn(user_data, text) with
 * the bar after some batch of the epoch (at most every 50 ms, never for the last batch), each
 * text meant to replace the previous one on the same terminal line (e.g. write "\r", the text
 * and "\x1b[K"); the epoch's final line then comes through the output callback (or stdout).
 * Without a live callback the bar goes to stdout when the model has no output callback and
 * stdout is a terminal, and nowhere otherwise. fn NULL removes it; destroy as for
 * sk_model_set_output_callback. Errors: SK_ERR_INVALID_HANDLE (model NULL). */
int32_t sk_model_set_live_callback(sk_model *model, sk_output_fn fn, void *user_data,
                                   void (*destroy)(void *user_data));

/* History of a fit: the number of epochs run (-1 for NULL), the number of log names (-1 for
 * NULL), the i-th name in sorted order (owned by the history handle; NULL out of range), and
 * the per-epoch values of one name (count into *count, may be NULL; out NULL with capacity 0
 * only counts). Errors: SK_ERR_INVALID_ARG (unknown name, listing the known ones; capacity <
 * epochs). */
int32_t sk_history_epochs(const sk_history *history);
int32_t sk_history_num_keys(const sk_history *history);
const char *sk_history_key(const sk_history *history, int32_t i);
int32_t sk_history_values(const sk_history *history, const char *key, double *out,
                          int32_t capacity, int32_t *count);

/* Releases a history (NULL is a no-op). */
void sk_history_release(sk_history *history);

/* ---- Fit ----------------------------------------------------------------------------
 * The extensible fit call (`model.fit(...)` with every Keras argument C can express), single
 * batches (`train_on_batch` / `test_on_batch`), weighted evaluation and the compiled
 * optimizer. Results of these calls come as names and values like sk_model_evaluate: "loss"
 * first, then the compiled metrics; the name strings are owned by the model handle and valid
 * until its next sk_model_evaluate / sk_model_evaluate_weighted / sk_model_train_on_batch /
 * sk_model_test_on_batch call or its release.
 * ------------------------------------------------------------------------------------- */

/* Epoch-begin callback of sk_fit_args, `Callback.on_epoch_begin`: epoch 0-based (counting
 * from initial_epoch). Return SK_OK to continue, a negative value to stop training (as setting
 * Keras' `model.stop_training`: fit stops after the current batch, runs the epoch end and
 * returns SK_OK with the history so far), or a positive status after sk_set_error to abort fit
 * with that code and message. */
typedef int32_t (*sk_epoch_fn)(void *user_data, int32_t epoch);

/* Batch callback of sk_fit_args, `on_train_batch_begin` / `on_train_batch_end`: the epoch, the
 * 0-based batch within it, and n logs — for batch end the running averages of the epoch so far
 * ("accuracy", "loss", ... sorted), for batch begin none (n = 0). names and values are valid
 * during the call. Return values as sk_epoch_fn. */
typedef int32_t (*sk_batch_fn)(void *user_data, int32_t epoch, int32_t batch, const char *const *names,
                               const double *values, int32_t n);

/* A callback object (`keras.callbacks.*`): see swiftkeras/callbacks.h. */
typedef struct sk_keras_callback sk_keras_callback;

/* Arguments of sk_model_fit_ex. Initialize with sk_fit_args_init(&a, sizeof a), then set the
 * fields you need; struct_size tells the library which version of the struct the caller was
 * compiled with (later versions only append fields). Tensors are borrowed during the call. */
typedef struct sk_fit_args {
    size_t struct_size;                 /* sizeof(sk_fit_args), set by sk_fit_args_init */
    int64_t batch_size;                 /* 32: samples per gradient step */
    int32_t epochs;                     /* 1: the epoch to stop at (runs initial_epoch..epochs-1) */
    int32_t initial_epoch;              /* 0: the epoch to start at (resuming training) */
    int32_t verbose;                    /* 1: 0 silent, 1 progress bar line, 2 one line per epoch */
    uint8_t shuffle;                    /* 1: reshuffle the training samples before each epoch */
    int64_t seed;                       /* -1: >= 0 makes the shuffling reproducible */
    double validation_split;            /* 0: fraction in [0, 1) held out from the end of x, y and
                                           sample_weight (ignored when validation data is given) */
    const sk_tensor *const *validation_x; /* NULL: validation inputs, one per model input */
    int32_t n_validation_x;             /* 0 */
    const sk_tensor *validation_y;      /* NULL: validation targets (with validation_x) */
    const sk_tensor *validation_sample_weight; /* NULL: weights of the validation samples */
    const sk_tensor *sample_weight;     /* NULL: per-sample weights of the training data */
    const double *class_weight;         /* NULL: class weights (tf.keras `class_weight`): the
                                           weight of class i is class_weight[i], or of class
                                           class_ids[i] when class_ids is non-NULL; multiplied
                                           with sample_weight; classes are the integer targets
                                           (shape (n,) or (n, 1)) or the argmax of one-hot rows.
                                           The classes must be exactly 0..K-1 and every training
                                           target one of them. Validation data is not weighted. */
    const int64_t *class_ids;           /* NULL: see class_weight */
    int32_t n_class_weight;             /* 0: entries of class_weight (and class_ids) */
    sk_progress_fn on_epoch_end;        /* NULL: as the progress callback of sk_model_fit */
    sk_epoch_fn on_epoch_begin;         /* NULL */
    sk_batch_fn on_train_batch_begin;   /* NULL */
    sk_batch_fn on_train_batch_end;     /* NULL */
    void *user_data;                    /* NULL: passed to the four callbacks */
    /* ---- appended in version 2 (callers built against version 1 keep working) ---- */
    sk_keras_callback *const *callbacks; /* NULL: callback objects (swiftkeras/callbacks.h), run
                                           in this order before the four hooks above; borrowed
                                           during the call */
    int32_t n_callbacks;                /* 0: entries of callbacks */
    /* ---- appended in version 3 ---- */
    const sk_dataset *dataset;          /* NULL: train on this dataset instead of x and y (pass
                                           x NULL, n_x 0, y NULL): elements x, (x,), (x, y) or
                                           (x, y, sample_weight), x one tensor, a tuple (one per
                                           model input) or a dict by input name. batch_size,
                                           shuffle, seed, validation_split, sample_weight and
                                           class_weight must keep their defaults (the dataset
                                           batches and shuffles) */
    const sk_dataset *validation_dataset; /* NULL: validation elements as the training ones */
    int64_t steps_per_epoch;            /* -1: a dataset: batches per epoch (-1: one whole pass,
                                           a new pass each epoch; else one pass continues across
                                           epochs unless steps equal its cardinality; running
                                           out ends training with Keras' warning). Required for
                                           an infinite dataset */
    int64_t validation_steps;           /* -1: batches per validation (-1: a whole pass) */
    int32_t validation_freq;            /* 1: validate after every validation_freq-th epoch */
    const int32_t *validation_epochs;   /* NULL: or validate after exactly these 1-based epochs */
    int32_t n_validation_epochs;        /* 0: entries of validation_epochs */
} sk_fit_args;

/* Sets every field of *args to its default (Keras' fit defaults, shown above) and
 * args->struct_size to struct_size, which must be sizeof(sk_fit_args) of this header or of an
 * earlier version (version 1 ends at user_data, version 2 at n_callbacks); only that many bytes
 * are written.
 * Errors: SK_ERR_INVALID_ARG (args NULL; struct_size not a size this library knows — nothing
 * is written then). */
int32_t sk_fit_args_init(sk_fit_args *args, size_t struct_size);

/* Trains the model (`model.fit`) on x[0..n_x), y with the arguments in *args (see
 * sk_fit_args); *history (may be NULL) receives the per-epoch logs ("val_*" with validation).
 * Callbacks run on the calling thread, in this order per epoch: on_epoch_begin, per batch
 * on_train_batch_begin / on_train_batch_end, then on_epoch_end after validation. The callback
 * objects of args->callbacks run first, in order, then the four hooks, then the History (and,
 * at verbose > 0, a ProgbarLogger unless one is among the callbacks). Only fit takes callback
 * objects (evaluate and predict have no argument struct); during fit's validation they get the
 * test hooks.
 * Errors: SK_ERR_INVALID_HANDLE (model, y, an x entry or a callbacks entry NULL);
 * SK_ERR_INVALID_ARG (args NULL,
 * args->struct_size unknown — "initialize args with sk_fit_args_init"; batch_size outside
 * [1, 2^31); epochs or initial_epoch negative; validation_split out of range; validation_x
 * without validation_y or the reverse; n_validation_x, n_class_weight or n_callbacks
 * negative; the same callback twice; a NULL
 * pointer with a positive count; a repeated class id, a non-finite class weight, class ids not
 * 0..K-1, a target that is not one of the classes, targets of rank > 2 with class_weight;
 * sample counts of x, y, sample_weight (or of the validation tensors) that differ — the message
 * lists them); SK_ERR_RUNTIME (model not compiled); the callbacks' statuses with their
 * messages; the errors of the layers and the loss. */
int32_t sk_model_fit_ex(sk_model *model, const sk_tensor *const *x, int32_t n_x, const sk_tensor *y,
                        const sk_fit_args *args, sk_history **history);

/* `model.evaluate(dataset, steps=...)`: the loss and metrics over a new pass of the dataset
 * (elements as sk_fit_args.dataset), steps batches (-1: the whole pass; an infinite dataset
 * needs steps). Results as sk_model_evaluate (names / values may both be NULL to only count).
 * Errors: SK_ERR_INVALID_HANDLE (model, dataset NULL), SK_ERR_INVALID_ARG (steps 0 or < -1,
 * elements without targets, capacity < count), SK_ERR_RUNTIME (not compiled), the pipeline's
 * and the layers' errors. */
int32_t sk_model_evaluate_dataset(sk_model *model, const sk_dataset *dataset, int64_t steps, int32_t verbose,
                                  const char **names, double *values, int32_t capacity, int32_t *count);

/* `model.predict(dataset, steps=...)`: the outputs for the inputs of a new pass (elements x or
 * (x, ...), targets ignored), steps batches (-1: all), concatenated into *out. Errors: as
 * sk_model_evaluate_dataset; SK_ERR_INVALID_ARG (no batch at all). */
int32_t sk_model_predict_dataset(sk_model *model, const sk_dataset *dataset, int64_t steps, sk_tensor **out);

/* sk_model_evaluate_dataset with callback objects (Keras `evaluate(..., callbacks=[...])`): their
 * on_test_begin, on_test_batch_begin / _end (each batch, with the running results) and
 * on_test_end run around the evaluation, in order (borrowed handles, each once; NULL with 0 for
 * none). Otherwise as sk_model_evaluate_dataset; errors also SK_ERR_INVALID_ARG (a NULL entry,
 * the same callback twice) and the callbacks' own. */
int32_t sk_model_evaluate_dataset_callbacks(sk_model *model, const sk_dataset *dataset, int64_t steps, int32_t verbose,
                                            sk_keras_callback *const *callbacks, int32_t n_callbacks,
                                            const char **names, double *values, int32_t capacity, int32_t *count);

/* Every output of the model over a new pass of the dataset (as sk_model_predict_dataset_outputs)
 * with callback objects: their on_predict_begin, on_predict_batch_begin / _end and
 * on_predict_end run around it (Keras `predict(..., callbacks=[...])`). Errors: as
 * sk_model_evaluate_dataset_callbacks; SK_ERR_INVALID_ARG (capacity < the outputs). */
int32_t sk_model_predict_dataset_callbacks(sk_model *model, const sk_dataset *dataset, int64_t steps,
                                           sk_keras_callback *const *callbacks, int32_t n_callbacks,
                                           sk_tensor **out, int32_t capacity, int32_t *count);

/* `model.train_on_batch(x, y, sample_weight)`: one gradient step on the whole batch after
 * resetting the metrics; the batch's loss and metrics are written as by sk_model_evaluate
 * (names / values may be NULL; both NULL only counts). sample_weight may be NULL.
 * Errors: SK_ERR_INVALID_HANDLE (model, y or an x entry NULL), SK_ERR_INVALID_ARG (no inputs,
 * different sample counts, capacity < count), SK_ERR_RUNTIME (not compiled), layer / loss
 * errors. */
int32_t sk_model_train_on_batch(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                                const sk_tensor *y, const sk_tensor *sample_weight, const char **names,
                                double *values, int32_t capacity, int32_t *count);

/* `model.test_on_batch(x, y, sample_weight)`: the loss and metrics of one batch with training
 * off, nothing updated. Arguments and errors as sk_model_train_on_batch. */
int32_t sk_model_test_on_batch(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                               const sk_tensor *y, const sk_tensor *sample_weight, const char **names,
                               double *values, int32_t capacity, int32_t *count);

/* sk_model_evaluate with per-sample weights (`model.evaluate(x, y, sample_weight=...)`);
 * sample_weight may be NULL. names / values may both be NULL to only count. Errors: as
 * sk_model_evaluate; SK_ERR_INVALID_ARG (sample_weight with another sample count). */
int32_t sk_model_evaluate_weighted(sk_model *model, const sk_tensor *const *x, int32_t n_x,
                                   const sk_tensor *y, const sk_tensor *sample_weight,
                                   int64_t batch_size, int32_t verbose, const char **names,
                                   double *values, int32_t capacity, int32_t *count);

/* Configures training with objects (`model.compile(optimizer=opt, loss=loss, metrics=[...])`):
 * optimizer and loss are handles (sk_optimizer_create, sk_loss_create*). The metrics are
 * n_metrics entries in order; entry i is metrics[i] (an sk_metric, used as is, keeping its
 * configuration) or metric_names[i] (a name resolved as sk_model_compile does, e.g.
 * "accuracy"), exactly one of the two non-NULL; either array may be NULL when the other gives
 * every entry. Compiling again replaces all three. The model holds what it uses. loss NULL is
 * Keras' `compile(loss=None)`: training minimises the model's losses alone (sk_layer_add_loss
 * terms, regularization penalties); fit/evaluate then fail with SK_ERR_INVALID_ARG ("No loss
 * found") when the model has none.
 * Errors: SK_ERR_INVALID_HANDLE (model or optimizer NULL), SK_ERR_INVALID_ARG (negative
 * n_metrics, both arrays NULL with n_metrics > 0, an entry with both or neither, the same
 * metric object twice, an unknown metric name). */
int32_t sk_model_compile_ex(sk_model *model, sk_optimizer *optimizer, const sk_loss *loss,
                            const sk_metric *const *metrics, const char *const *metric_names,
                            int32_t n_metrics);

/* The compiled optimizer and loss (`model.optimizer`, `model.loss`) as new caller-owned handles
 * on the same objects (the optimizer is the LossScaleOptimizer wrapper under mixed_float16,
 * whose learning rate is the wrapped one's: sk_optimizer_set_learning_rate on it changes the
 * model's training, as ReduceLROnPlateau does);
 * *out is NULL with SK_OK when the model is not compiled. Errors: SK_ERR_INVALID_HANDLE
 * (model NULL), SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_optimizer(const sk_model *model, sk_optimizer **out);
int32_t sk_model_loss(const sk_model *model, sk_loss **out);

/* The model's metrics (`model.metrics`, tf.keras 2): empty until the first training or test
 * step after compile, then the loss tracker ("loss") followed by the compiled metrics, as
 * metric handles on the very objects fit updates (sk_metric_result reads them,
 * sk_metric_reset_state zeroes them). *count (may be NULL) receives their number and
 * out[0..count) new caller-owned handles; out NULL with capacity 0 only counts.
 * Errors: SK_ERR_INVALID_HANDLE (model NULL), SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_model_metrics(const sk_model *model, sk_metric **out, int32_t capacity, int32_t *count);

/* The compile config as JSON (`model.get_compile_config()`): {"optimizer": {"class_name":
 * "Adam", "config": {"learning_rate": ..., ...}}, "loss": "<name>", "metrics": [...]}, or ""
 * when the model is not compiled; copied as sk_layer_name does. Errors: SK_ERR_INVALID_HANDLE,
 * SK_ERR_INVALID_ARG (capacity too small; a custom loss, which has no config). */
int32_t sk_model_compile_config(const sk_model *model, char *buf, size_t capacity, size_t *length);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TRAINING_H */
