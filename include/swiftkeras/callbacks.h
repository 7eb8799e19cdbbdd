/* swiftkeras/callbacks.h — Training callbacks (`keras.callbacks`): the built-in callbacks by
 * class name and JSON config, custom callbacks from C hooks, a learning-rate scheduler over a C
 * function, and the run recorded by a fit's history.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_CALLBACKS_H
#define SWIFTKERAS_CALLBACKS_H

#include "base.h"
#include "keras.h"
#include "training.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Callback objects ---------------------------------------------------------------
 * An sk_keras_callback is one callback object of the core (the same objects Swift and Python
 * use). Pass them to fit in sk_fit_args.callbacks (fit holds them during the call); release
 * yours with sk_keras_callback_release. A callback keeps its state across fits as in Keras
 * (for example ModelCheckpoint's best value) and is used by one fit at a time.
 *
 * The monitor callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau) share one rule:
 * mode "auto" is "max" for a monitored name containing "acc" or "auc" or starting with
 * "fmeasure", else "min"; a value improves on a reference when it beats it by more than
 * min_delta in that direction; the best value starts at +inf ("min") or -inf ("max").
 * ------------------------------------------------------------------------------------- */

/* Creates a built-in callback from its Keras class name and its constructor arguments as a JSON
 * object (Keras names and defaults; config_json NULL or "" for all defaults; unknown keys are
 * an error):
 *   "EarlyStopping": monitor ("val_loss"), min_delta (0), patience (0), verbose (0), mode
 *       ("auto"), baseline (null), restore_best_weights (false), start_from_epoch (0) — as
 *       tf-keras 2: the patience count resets only when a value also beats the baseline, and
 *       with restore_best_weights the best epoch's weights are restored at the end of training.
 *   "ReduceLROnPlateau": monitor ("val_loss"), factor (0.1, must be < 1), patience (10), verbose
 *       (0), mode ("auto"), min_delta (1e-4), cooldown (0), min_lr (0); logs "learning_rate".
 *   "ModelCheckpoint": filepath (required; Python str.format fields {epoch}, {batch} and log
 *       names, e.g. "w.{epoch:02d}-{val_loss:.2f}.h5"; any path, as tf.keras 2, except Keras 3's
 *       ".keras" / ".weights.h5", refused with SK_ERR_UNIMPLEMENTED), monitor ("val_loss"),
 *       verbose (0), save_best_only (false), save_weights_only (false), mode ("auto"), save_freq
 *       ("epoch" or a number of batches), initial_value_threshold (null). Files are written by
 *       sk_model_save / sk_model_save_weights (format by name: ".h5" is tf.keras 2's HDF5);
 *       missing directories are created.
 *   "TerminateOnNaN": no keys; stops at the first batch with a NaN or infinite loss, printing
 *       "Batch <b>: Invalid loss, terminating training".
 *   "CSVLogger": filename (required), separator (","), append (false); Keras' file format.
 *   "ProgbarLogger": count_mode ("steps"), stateful_metrics (ignored); prints at fit's verbose.
 *   "History": no keys.
 * Errors: SK_ERR_INVALID_ARG (class_name NULL or unknown — listing the known ones; invalid
 * JSON; a key of the wrong type or unknown; values Keras rejects, e.g. factor >= 1, a
 * checkpoint path with the wrong ending), SK_ERR_UNIMPLEMENTED (count_mode "samples"). */
int32_t sk_callback_create(const char *class_name, const char *config_json, sk_keras_callback **out);

/* Releases a callback (NULL is a no-op); a custom callback's destroy runs when the last
 * reference goes. */
void sk_keras_callback_release(sk_keras_callback *callback);

/* Named numeric state of a callback into *out: "best" (monitor callbacks), "wait",
 * "stopped_epoch", "best_epoch" (EarlyStopping), "wait", "cooldown_counter"
 * (ReduceLROnPlateau). Errors: SK_ERR_INVALID_HANDLE (callback NULL), SK_ERR_INVALID_ARG
 * (name or out NULL, a name the callback does not have). */
int32_t sk_keras_callback_state(const sk_keras_callback *callback, const char *name, double *out);

/* ---- Custom callbacks from C hooks (`class MyCallback(keras.callbacks.Callback)`) ---- */

/* The state of one hook call, valid only during that call. */
typedef struct sk_callback_context sk_callback_context;

/* A hook: index is the epoch (epoch hooks), the batch within the epoch (batch hooks) or -1
 * (train / test / predict begin and end); names[i] and values[i], i < n, are the logs
 * (sorted by name; none for the begin hooks, the running averages for batch ends, the epoch's
 * results with "val_*" for on_epoch_end, the last epoch's for on_train_end), valid during the
 * call. Return SK_OK, or a status code after sk_set_error to abort the run with that code and
 * message. */
typedef int32_t (*sk_callback_hook)(void *user_data, sk_callback_context *ctx, int32_t index,
                                    const char *const *names, const double *values, int32_t n);

/* The hooks of a custom callback; each may be NULL (nothing to do). */
typedef struct sk_callback_hooks {
    sk_callback_hook on_train_begin, on_train_end;
    sk_callback_hook on_epoch_begin, on_epoch_end;
    sk_callback_hook on_train_batch_begin, on_train_batch_end;
    sk_callback_hook on_test_begin, on_test_end;          /* evaluation during fit's validation */
    sk_callback_hook on_test_batch_begin, on_test_batch_end;
    sk_callback_hook on_predict_begin, on_predict_end;    /* run by sk_model_predict_dataset_callbacks */
    sk_callback_hook on_predict_batch_begin, on_predict_batch_end;
} sk_callback_hooks;

/* Creates a custom callback from *hooks (copied) with user_data passed to every hook;
 * destroy (may be NULL) runs with user_data when the callback is freed, and also when creation
 * fails. Errors: SK_ERR_INVALID_ARG (hooks or out NULL). */
int32_t sk_callback_create_custom(const sk_callback_hooks *hooks, void *user_data,
                                  void (*destroy)(void *user_data), sk_keras_callback **out);

/* Adds or overwrites a log entry for the callbacks after this one and the history (Keras
 * `logs[name] = value` in on_epoch_end). Errors: SK_ERR_INVALID_ARG (ctx or name NULL; a hook
 * other than on_epoch_end, whose logs are not passed on). */
int32_t sk_callback_context_set_log(sk_callback_context *ctx, const char *name, double value);

/* Sets or clears the model's stop flag (Keras `self.model.stop_training = True`): fit stops
 * after the current batch (running that epoch's end). Errors: SK_ERR_INVALID_ARG (ctx NULL). */
int32_t sk_callback_context_set_stop_training(sk_callback_context *ctx, uint8_t stop);

/* The run's parameter `name` (Keras `self.params`): "epochs", "steps" (batches per epoch),
 * "verbose". Errors: SK_ERR_INVALID_ARG (ctx, name or out NULL; a name the run does not
 * have — evaluate runs have no "epochs"). */
int32_t sk_callback_context_param(const sk_callback_context *ctx, const char *name, int64_t *out);

/* ---- LearningRateScheduler ---------------------------------------------------------- */

/* A schedule: writes the learning rate for `epoch` (0-based) given the current rate into
 * *out and returns SK_OK, or a status after sk_set_error to abort fit. */
typedef int32_t (*sk_lr_schedule_fn)(void *user_data, int32_t epoch, double lr, double *out);

/* `keras.callbacks.LearningRateScheduler(schedule, verbose)`: at each epoch begin the
 * optimizer's rate becomes schedule(epoch, rate); at each epoch end "learning_rate" is logged.
 * verbose > 0 prints "Epoch <e>: LearningRateScheduler setting learning rate to <lr>.".
 * destroy as sk_callback_create_custom. Fit fails with SK_ERR_INVALID_ARG for a non-finite
 * rate and SK_ERR_DTYPE for an optimizer driven by a schedule object.
 * Errors: SK_ERR_INVALID_ARG (schedule or out NULL). */
int32_t sk_callback_create_lr_scheduler(sk_lr_schedule_fn schedule, void *user_data,
                                        void (*destroy)(void *user_data), int32_t verbose,
                                        sk_keras_callback **out);

/* ---- The run recorded by a history ------------------------------------------------- */

/* The epoch number of the i-th recorded epoch (Keras `history.epoch[i]`, counting from
 * initial_epoch), or -1 for NULL or i out of range. */
int32_t sk_history_epoch(const sk_history *history, int32_t i);

/* The fit's parameter `name` (Keras `history.params`): "epochs", "steps", "verbose".
 * Errors: SK_ERR_INVALID_HANDLE (history NULL), SK_ERR_INVALID_ARG (name or out NULL, an
 * unknown name). */
int32_t sk_history_param(const sk_history *history, const char *name, int64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_CALLBACKS_H */
