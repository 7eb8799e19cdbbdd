/* swiftkeras/autodiff.h — Variables, gradient tapes, user functions and custom gradients.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_AUTODIFF_H
#define SWIFTKERAS_AUTODIFF_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Variables: the only mutable objects. An sk_variable keeps its identity across assignments;
 * tapes differentiate with respect to it. Thread-safety: see Threads above.
 * ------------------------------------------------------------------------------------- */

/* Creates a variable holding `value` (borrowed; the variable shares its immutable storage).
 * name NULL means "Variable" (copied). trainable != 0: tapes watch it automatically when read.
 * Errors: SK_ERR_INVALID_HANDLE (value NULL). */
int32_t sk_variable_create(const sk_tensor *value, const char *name, uint8_t trainable,
                           sk_variable **out);

/* Releases a variable handle (NULL is a no-op). Tensors read from it stay valid. */
void sk_variable_release(sk_variable *v);

/* The current value as a new caller-owned tensor (Keras `get_value`). Reading while a tape
 * records on this thread lets that tape trace gradients to the variable. */
int32_t sk_variable_read(const sk_variable *v, sk_tensor **out);

/* Replaces the value / adds delta / subtracts delta (Keras `set_value`, `update_add`,
 * `update_sub`). Each call is atomic. Errors: SK_ERR_INVALID_ARG (shape differs from the
 * variable's), SK_ERR_DTYPE (dtype differs); the variable is unchanged on failure. */
int32_t sk_variable_assign(sk_variable *v, const sk_tensor *value);
int32_t sk_variable_assign_add(sk_variable *v, const sk_tensor *delta);
int32_t sk_variable_assign_sub(sk_variable *v, const sk_tensor *delta);

/* 1 if trainable, 0 if not, -1 for a NULL handle. */
int32_t sk_variable_trainable(const sk_variable *v);

/* Sets the trainable flag. Errors: SK_ERR_INVALID_HANDLE. Not synchronized (see Threads). */
int32_t sk_variable_set_trainable(sk_variable *v, uint8_t trainable);

/* The name, owned by the variable handle (valid while v lives); NULL for a NULL handle. */
const char *sk_variable_name(const sk_variable *v);

/* dtype code (0 for NULL), rank (-1 for NULL), shape (as sk_tensor_shape). */
int32_t sk_variable_dtype(const sk_variable *v);
int32_t sk_variable_ndim(const sk_variable *v);
int32_t sk_variable_shape(const sk_variable *v, int64_t *out, int32_t capacity);

/* ---------------------------------------------------------------------------------------
 * Gradient tapes (tf.GradientTape). A tape records the ops run on the thread that started it
 * that depend on what it watches: tensors passed to sk_tape_watch, and trainable variables read
 * while recording (when created with watch_accessed_variables). Gradients are made of ordinary
 * ops, so a tape recording while another computes a gradient records that computation: nest
 * tapes for higher-order derivatives. Thread rules: see Threads above.
 * ------------------------------------------------------------------------------------- */

/* Creates an idle tape. persistent != 0 allows several gradient/jacobian calls. */
int32_t sk_tape_create(uint8_t persistent, uint8_t watch_accessed_variables, sk_tape **out);

/* Releases a tape (NULL is a no-op). Released on its recording thread, it stops recording first;
 * release a recording tape only from that thread. */
void sk_tape_release(sk_tape *tape);

/* Starts recording ops of the calling thread. Errors: SK_ERR_RUNTIME (already recording, or a
 * non-persistent tape whose gradient was taken). */
int32_t sk_tape_start(sk_tape *tape);

/* Stops recording (keeps the record). Idempotent. Errors: SK_ERR_RUNTIME (called from a thread
 * other than the recording one). */
int32_t sk_tape_stop(sk_tape *tape);

/* Pauses / resumes recording (`with tape.stop_recording():`). Errors: SK_ERR_RUNTIME (pause on a
 * tape that is not recording, resume on one that is not paused, wrong thread). */
int32_t sk_tape_pause(sk_tape *tape);
int32_t sk_tape_resume(sk_tape *tape);

/* Forgets the record (`tape.reset()`); a recording tape keeps recording. */
int32_t sk_tape_reset(sk_tape *tape);

/* Watches a tensor (integer tensors are ignored, as in TensorFlow) or a variable (also a
 * non-trainable one). */
int32_t sk_tape_watch(sk_tape *tape, const sk_tensor *tensor);
int32_t sk_tape_watch_variable(sk_tape *tape, const sk_variable *variable);

/* The gradient of `target` (the sum of its elements, or weighted by output_gradients of the
 * target's shape; NULL = ones) with respect to n_sources sources. Source i is sources[i] if
 * that is non-NULL, else variables[i] (either array may be NULL when unused). Writes grads[i]:
 * a new caller-owned tensor, or NULL for a source the target does not depend on (with
 * SK_UNCONNECTED_NONE) or an integer source. All n_sources slots are NULL on failure.
 * A non-persistent tape allows one gradient call. Errors: SK_ERR_RUNTIME (second call on a
 * non-persistent tape), SK_ERR_UNIMPLEMENTED (an op on the path has no gradient yet; the message
 * names it), SK_ERR_INVALID_ARG (output_gradients shape), and any status a custom-gradient
 * callback returned, with its exact message. */
int32_t sk_tape_gradient(sk_tape *tape, const sk_tensor *target, const sk_tensor *const *sources,
                         const sk_variable *const *variables, int32_t n_sources,
                         const sk_tensor *output_gradients, int32_t unconnected, sk_tensor **grads);

/* The Jacobian of target w.r.t. one source (source if non-NULL, else variable): shape
 * target.shape + source.shape (`tape.jacobian`). *out is NULL with SK_OK when unconnected and
 * SK_UNCONNECTED_NONE. Errors: as sk_tape_gradient. */
int32_t sk_tape_jacobian(sk_tape *tape, const sk_tensor *target, const sk_tensor *source,
                         const sk_variable *variable, int32_t unconnected, sk_tensor **out);

/* The per-example Jacobian (`tape.batch_jacobian`): (B,) + target.shape[1:] + source.shape[1:].
 * Errors: SK_ERR_INVALID_ARG (batch sizes differ), as sk_tape_gradient otherwise. */
int32_t sk_tape_batch_jacobian(sk_tape *tape, const sk_tensor *target, const sk_tensor *source,
                               sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * User functions (callbacks) and custom gradients
 * ------------------------------------------------------------------------------------- */

/* Wraps a callback. destroy(user_data) (may be NULL) runs exactly once: when the last reference
 * goes (the handle is released and no recorded gradient still uses the function), or before this
 * call returns if it fails. Errors: SK_ERR_INVALID_ARG (fn or out NULL). */
int32_t sk_function_create(sk_callback fn, void *user_data, void (*destroy)(void *user_data),
                           sk_function **out);

/* Releases a function handle (NULL is a no-op). */
void sk_function_release(sk_function *f);

/* Calls the function: outputs[0..n_outputs) receive new caller-owned tensors (entries the
 * callback leaves NULL stay NULL). On failure all slots are NULL and the callback's code and
 * message are returned / set. A callback failing without sk_set_error gets a generic message. */
int32_t sk_function_call(const sk_function *f, const sk_tensor *const *inputs, int32_t n_inputs,
                         sk_tensor **outputs, int32_t n_outputs);

/* tf.custom_gradient: runs forward(inputs) -> 1 output with recording paused, and records one op
 * whose gradient calls backward(upstream, inputs...) -> n_inputs gradients (NULL = none). Both
 * functions are retained while a tape needs them. The backward callback runs on the thread that
 * computes the gradient; its failure surfaces from sk_tape_gradient with its code and message.
 * Errors: the forward callback's status; SK_ERR_INVALID_ARG when it writes no output. */
int32_t sk_custom_gradient(const sk_function *forward, const sk_function *backward,
                           const sk_tensor *const *inputs, int32_t n_inputs, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_AUTODIFF_H */
