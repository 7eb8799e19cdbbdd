/* swiftkeras/keras.h — Keras machinery: the handle types and rules shared by layers, models, optimizers, losses and metrics.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_KERAS_H
#define SWIFTKERAS_KERAS_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Keras machinery (hand-written): layers, models, optimizers, losses, fit
 *
 * The Keras stack of the Swift core (keras.layers, keras.Sequential / keras.Model, compile,
 * fit, evaluate, predict) with C callbacks for custom layers, custom losses, progress and
 * output. Handles: sk_layer = a layer (or a model seen as a layer: sk_model_as_layer),
 * sk_model, sk_optimizer, sk_loss, sk_history, sk_keras_tensor = a symbolic tensor of the
 * functional API. Every handle written to an out-parameter is caller-owned (+1) and released
 * with its sk_*_release (NULL is a no-op); a model keeps the layers, optimizer and loss it was
 * given alive, so the caller may release its own handles right after passing them.
 *
 * Threads: a layer or a model (with its layers, optimizer and loss) is used by one thread at a
 * time: calls on the same model / layer / optimizer from several threads need external
 * locking (fit is not reentrant). Different models may train concurrently on different
 * threads. Callbacks (custom layer build/call, custom loss, progress, output) run on the thread
 * that made the API call (fit, predict, sk_layer_call...), synchronously, with that thread's
 * tape recording the ops they run, so gradients flow through them.
 *
 * Callback failures: a callback returns SK_OK, or a status code after sk_set_error(code,
 * message); the API call that ran it (fit, evaluate, predict, sk_layer_call...) then returns
 * that code (codes outside SK_ERR_* become SK_ERR_RUNTIME) and sk_last_error_message() gives
 * that message exactly. A callback failing without sk_set_error gets a generic message.
 * ------------------------------------------------------------------------------------- */

typedef struct sk_layer sk_layer;
typedef struct sk_model sk_model;
typedef struct sk_optimizer sk_optimizer;
typedef struct sk_loss sk_loss;
typedef struct sk_history sk_history;
typedef struct sk_keras_tensor sk_keras_tensor;

/* A metric object (`keras.metrics.*`): see swiftkeras/metrics.h. */
typedef struct sk_metric sk_metric;

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_KERAS_H */
