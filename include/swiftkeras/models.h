/* swiftkeras/models.h — Models: Sequential, functional and subclassed models, nesting, introspection.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_MODELS_H
#define SWIFTKERAS_MODELS_H

#include "base.h"
#include "keras.h"
#include "layers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A functional model (`keras.Model(inputs, outputs, name=...)`) from symbolic tensors; name may
 * be NULL. Errors: SK_ERR_INVALID_ARG (an output not computed from the inputs, ...). */
int32_t sk_model_create(const sk_keras_tensor *const *inputs, int32_t n_inputs,
                        const sk_keras_tensor *const *outputs, int32_t n_outputs, const char *name,
                        sk_model **out);

/* A Sequential model of n_layers layers (`keras.Sequential([...], name=...)`; n_layers may be
 * 0; name may be NULL). The model holds the layers. When the first layer has "input_shape" (or
 * is an InputLayer) the layers are built now, so summaries show shapes and parameter counts.
 * Errors: SK_ERR_INVALID_HANDLE (a NULL layer), SK_ERR_INVALID_ARG (a layer twice, shapes
 * that do not chain — the message names the layer and shapes). */
int32_t sk_sequential_create(const sk_layer *const *layers, int32_t n_layers, const char *name,
                             sk_model **out);

/* Appends a layer to a Sequential model (`model.add(layer)`). Errors: SK_ERR_INVALID_ARG (not
 * a Sequential model, layer already in it, incompatible shape: the layer is then not added). */
int32_t sk_model_add(sk_model *model, sk_layer *layer);

/* The model as a layer (to call it with sk_layer_call, nest it in another model, read its
 * weights or name). *out is a new handle on the same object. */
int32_t sk_model_as_layer(sk_model *model, sk_layer **out);

/* Releases a model handle (NULL is a no-op). */
void sk_model_release(sk_model *model);

/* The summary text of tf.keras 2's `model.summary()` (layer, output shape, parameter counts,
 * "Connected to" for non-chain functional models; tf.keras 2's fixed-width layout), copied
 * NUL-terminated into buf. *length (may be NULL) receives its length without the NUL; buf NULL
 * with capacity 0 only queries it. Errors: SK_ERR_INVALID_ARG (capacity too small: *length
 * still tells the size needed; a model not built yet — no input shape and never called — as
 * tf.keras 2's "This model has not yet been built"). */
int32_t sk_model_summary(const sk_model *model, char *buf, size_t capacity, size_t *length);

/* The trainable weights (`model.trainable_weights`) as new caller-owned variable handles,
 * rules as sk_layer_weights. */
int32_t sk_model_trainable_weights(const sk_model *model, sk_variable **out, int32_t capacity,
                                   int32_t *count);

/* Kinds of models (sk_model_kind). */
#define SK_MODEL_FUNCTIONAL 0
#define SK_MODEL_SEQUENTIAL 1
#define SK_MODEL_SUBCLASSED 2

/* *out receives the model's kind: SK_MODEL_FUNCTIONAL (sk_model_create), SK_MODEL_SEQUENTIAL
 * or SK_MODEL_SUBCLASSED (sk_model_create_custom). Errors: SK_ERR_INVALID_HANDLE,
 * SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_kind(const sk_model *model, int32_t *out);

/* *out receives the number of inputs: a functional model's, 1 for Sequential and subclassed
 * models. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_model_num_inputs(const sk_model *model, int32_t *out);

/* The model's layers (`model.layers`) in Keras order as new caller-owned layer handles
 * (release each with sk_layer_release): a functional model's layers including its InputLayers,
 * a Sequential model's layers without its InputLayer, a subclassed model's tracked layers.
 * *count (may be NULL) receives their number; out NULL with capacity 0 only counts.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (capacity < count, out NULL with
 * capacity > 0). */
int32_t sk_model_layers(const sk_model *model, sk_layer **out, int32_t capacity, int32_t *count);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_MODELS_H */
