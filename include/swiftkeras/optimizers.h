/* swiftkeras/optimizers.h — Optimizers, learning-rate schedules and loss scaling.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_OPTIMIZERS_H
#define SWIFTKERAS_OPTIMIZERS_H

#include "base.h"
#include "keras.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates an optimizer by Keras name ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta",
 * "adamax", "nadam", "lion"; case-insensitive) with Keras' defaults; learning_rate > 0 replaces
 * the default rate, 0 keeps it. Errors: SK_ERR_INVALID_ARG (unknown name, negative or
 * non-finite rate). */
int32_t sk_optimizer_create(const char *name, double learning_rate, sk_optimizer **out);

/* The learning rate the next step will use. */
int32_t sk_optimizer_learning_rate(const sk_optimizer *optimizer, double *out);

/* Replaces the learning rate by a constant (`optimizer.learning_rate = value`, as
 * ReduceLROnPlateau does); it applies from the next step. Errors: SK_ERR_INVALID_ARG (rate not
 * positive and finite), SK_ERR_DTYPE (the optimizer was created with a learning-rate schedule:
 * as in Keras, its rate is not settable). */
int32_t sk_optimizer_set_learning_rate(sk_optimizer *optimizer, double learning_rate);

/* One update step (`optimizer.apply_gradients(zip(grads, variables))`), for custom training
 * loops with sk_tape_gradient. Errors: SK_ERR_INVALID_ARG (a gradient's shape differs from its
 * variable's), SK_ERR_INVALID_HANDLE (NULL entries). */
int32_t sk_optimizer_apply_gradients(sk_optimizer *optimizer, const sk_tensor *const *grads,
                                     sk_variable *const *variables, int32_t n);

/* Releases an optimizer handle (NULL is a no-op); a model compiled with it keeps it. */
void sk_optimizer_release(sk_optimizer *optimizer);

/* Creates an optimizer from its Keras class name and constructor arguments as a JSON object
 * (`keras.optimizers.<Class>.from_config(config)`), e.g. ("SGD", "{\"learning_rate\": 0.1,
 * \"momentum\": 0.9, \"nesterov\": true}"). name: "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
 * "Adadelta", "Adamax", "Nadam", "Lion" or "LossScaleOptimizer" (case-insensitive).
 * config_json may be NULL or "" for Keras' defaults. Keys of every optimizer: "learning_rate"
 * (a number >= 0, or a serialized schedule {"class_name": "ExponentialDecay", "config": {...}} —
 * see sk_schedule_value), "weight_decay", "clipnorm", "clipvalue", "global_clipnorm" (at most one
 * of the three), "loss_scale_factor", "name", and "use_ema" (false only), "ema_momentum",
 * "ema_overwrite_frequency", "gradient_accumulation_steps" (null only) as Keras writes them.
 * Class keys: SGD "momentum" [0, 1], "nesterov"; Adam/AdamW "beta_1" [0, 1), "beta_2" [0, 1],
 * "epsilon", "amsgrad" (AdamW: "weight_decay" defaults to 0.004, null refused); RMSprop "rho",
 * "momentum", "epsilon", "centered"; Adagrad "initial_accumulator_value" >= 0, "epsilon";
 * Adadelta "rho", "epsilon"; Adamax/Nadam "beta_1", "beta_2", "epsilon"; Lion "beta_1" (0, 1],
 * "beta_2"; LossScaleOptimizer "inner_optimizer" (a serialized optimizer {"class_name": "SGD",
 * "config": {...}}), "initial_scale", "dynamic_growth_steps". Every message names the class and
 * the key. Errors: SK_ERR_INVALID_ARG (name NULL or unknown, invalid JSON, unknown key, value out
 * of range, two clipping keys), SK_ERR_DTYPE (a key of the wrong JSON type), SK_ERR_UNIMPLEMENTED
 * (use_ema true, gradient accumulation). */
int32_t sk_optimizer_create_config(const char *name, const char *config_json, sk_optimizer **out);

/* Copies the optimizer's Keras config (`get_config()`) as compact JSON with sorted keys,
 * NUL-terminated, as sk_layer_name does (buf NULL with capacity 0 only queries *length). The
 * learning rate is a number or a serialized schedule ({"module": "keras.optimizers.schedules",
 * "class_name": ..., "config": ..., "registered_name": null}); a LossScaleOptimizer's config
 * holds its serialized "inner_optimizer". sk_optimizer_create_config(class, config) rebuilds an
 * equal optimizer (without its state). A callback schedule serializes as {"class_name":
 * "CallbackSchedule", "config": {}} (not rebuildable). Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (buffer too small). */
int32_t sk_optimizer_get_config(const sk_optimizer *optimizer, char *buf, size_t capacity, size_t *length);

/* The number of update steps applied so far (`optimizer.iterations`; for a LossScaleOptimizer
 * its inner optimizer's, skipped steps not counted). Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_optimizer_iterations(const sk_optimizer *optimizer, int64_t *out);

/* A learning-rate schedule callback: writes the rate for optimizer step `step` (iterations
 * before the update, 0 for the first) to *out and returns SK_OK, or a status code after
 * sk_set_error. */
typedef int32_t (*sk_schedule_fn)(void *user_data, int64_t step, double *out);

/* Makes the optimizer's learning rate a custom schedule (a Keras LearningRateSchedule subclass):
 * fn is called with `iterations` at every update step and by sk_optimizer_learning_rate.
 * Afterwards sk_optimizer_set_learning_rate refuses constants (SK_ERR_DTYPE), as Keras.
 * destroy(user_data) (may be NULL) runs exactly once: when the schedule is replaced or the
 * optimizer goes away, or before this call returns if it fails. A callback failure, or a value
 * that is not finite, fails the step (or fit) with the callback's code and message.
 * Errors: SK_ERR_INVALID_HANDLE (optimizer NULL), SK_ERR_INVALID_ARG (fn NULL). */
int32_t sk_optimizer_set_schedule_callback(sk_optimizer *optimizer, sk_schedule_fn fn, void *user_data,
                                           void (*destroy)(void *user_data));

/* The value at optimizer step `step` of a Keras learning-rate schedule given by class name and
 * constructor arguments as JSON (`keras.optimizers.schedules.<Class>(**config)(step)`), in double
 * precision. Classes and keys: "ExponentialDecay" and "InverseTimeDecay"
 * (initial_learning_rate, decay_steps > 0, decay_rate: required; staircase),
 * "PiecewiseConstantDecay" (boundaries: integer steps, values: one more than boundaries),
 * "CosineDecay" (initial_learning_rate, decay_steps; alpha, warmup_target, warmup_steps),
 * "PolynomialDecay" (initial_learning_rate, decay_steps; end_learning_rate 0.0001, power 1,
 * cycle), and "name" for all. Errors: SK_ERR_INVALID_ARG (class_name NULL or unknown, out NULL,
 * invalid JSON, unknown or missing key, decay_steps <= 0, boundaries/values lengths), SK_ERR_DTYPE
 * (a key of the wrong JSON type). */
int32_t sk_schedule_value(const char *class_name, const char *config_json, int64_t step, double *out);

/* Wraps `inner` in a dynamic LossScaleOptimizer (`keras.mixed_precision.LossScaleOptimizer(inner,
 * initial_scale=2**15, dynamic_growth_steps=2000)`): the scale starts at initial_scale, a step
 * with an inf/NaN gradient is skipped and halves it, and it doubles after dynamic_growth_steps
 * consecutive finite steps. Gradients given to sk_optimizer_apply_gradients are those of the
 * loss times sk_loss_scale_optimizer_loss_scale: they are divided by the scale before the inner
 * update. The wrapper shares `inner` (its state, iterations and learning rate) and turns off its
 * loss_scale_factor. Errors: SK_ERR_INVALID_HANDLE (inner NULL), SK_ERR_INVALID_ARG (dynamic 0 —
 * Keras 3 no longer supports fixed scaling: use "loss_scale_factor" —, initial_scale not finite
 * and > 0, dynamic_growth_steps < 1 or > INT32_MAX, inner already a LossScaleOptimizer). */
int32_t sk_loss_scale_optimizer_create(sk_optimizer *inner, int32_t dynamic, double initial_scale,
                                       int64_t dynamic_growth_steps, sk_optimizer **out);

/* The current loss scale of a LossScaleOptimizer. Errors: SK_ERR_INVALID_HANDLE (optimizer
 * NULL), SK_ERR_INVALID_ARG (not a LossScaleOptimizer, out NULL). */
int32_t sk_loss_scale_optimizer_loss_scale(const sk_optimizer *optimizer, double *out);

/* The optimizer's state (`tf.train.Checkpoint(optimizer=...)`), as named tensors: "iterations"
 * (an int64 scalar) and "slots/<k>/<slot>" for the slots of the k-th variable given state
 * (variables get state at their first update, in the order of the variable list given to
 * sk_optimizer_apply_gradients or fit). sk_optimizer_state_names copies their names as a compact
 * JSON array of strings (as sk_optimizer_get_config copies its string); sk_optimizer_state writes
 * the values, in the same order, as new caller-owned tensors to out[0..capacity) and the number
 * of entries to *count (out NULL with capacity 0 only queries *count). Errors:
 * SK_ERR_INVALID_HANDLE (optimizer NULL), SK_ERR_INVALID_ARG (buffer or capacity too small),
 * SK_ERR_UNIMPLEMENTED (a LossScaleOptimizer: checkpoint its inner optimizer). */
int32_t sk_optimizer_state_names(const sk_optimizer *optimizer, char *buf, size_t capacity, size_t *length);
int32_t sk_optimizer_state(const sk_optimizer *optimizer, sk_tensor **out, int32_t capacity, int32_t *count);

/* Restores state written by sk_optimizer_state (names[i] with values[i]): the iteration count at
 * once; the slots of a variable that has state at once (cast to the slot's dtype), those of a
 * variable without state yet when the variable at that position gets its state (TF's deferred
 * restoration), so a fresh optimizer of the same class given the same variables in the same
 * order continues exactly as the saved one. Errors (the optimizer is unchanged):
 * SK_ERR_INVALID_HANDLE (optimizer or a value NULL), SK_ERR_INVALID_ARG (names NULL with n > 0,
 * an unknown name, a negative or non-integer iteration count, a slot the variable does not have
 * or of another shape), SK_ERR_UNIMPLEMENTED (a LossScaleOptimizer). A deferred slot this
 * optimizer does not create fails the update that builds it, naming the slot. */
int32_t sk_optimizer_restore_state(sk_optimizer *optimizer, const char *const *names,
                                   const sk_tensor *const *values, int32_t n);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_OPTIMIZERS_H */
