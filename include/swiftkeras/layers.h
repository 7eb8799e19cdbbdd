/* swiftkeras/layers.h — Layers: built-in and custom layers, weights, the functional API's symbolic tensors, dtype policies.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_LAYERS_H
#define SWIFTKERAS_LAYERS_H

#include "base.h"
#include "keras.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a built-in layer by Keras class name with a JSON config using Keras' snake_case keys,
 * e.g. ("Dense", "{\"units\": 64, \"activation\": \"relu\"}"). config may be NULL or "" for
 * the defaults. Classes: Activation, Add, Average, AveragePooling1D/2D, BatchNormalization,
 * Concatenate, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, Dense, Dropout, Embedding,
 * Flatten, GRU, GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, InputLayer, LSTM,
 * LayerNormalization, MaxPooling1D/2D, Maximum, Minimum, Multiply, Permute, RepeatVector,
 * Reshape, SeparableConv2D, SimpleRNN, Subtract, UpSampling2D, ZeroPadding2D.
 * Keys of every class: "name", "dtype" (a policy: "float32", "mixed_float16", ...),
 * "trainable", "input_shape" (list, batch excluded; on the first layer of a Sequential model).
 * Class keys follow Keras: "units", "activation", "use_bias", "kernel_initializer",
 * "bias_initializer", "kernel_regularizer" ("l1", "l2", "l1_l2"), "filters", "kernel_size"
 * (int or list), "strides", "padding" ("valid"/"same"/"causal"), "dilation_rate", "rate",
 * "seed", "noise_shape", "target_shape", "dims", "n", "axis", "momentum", "epsilon", "center",
 * "scale", "pool_size", "keepdims", "size", "interpolation", "input_dim", "output_dim",
 * "return_sequences", "return_state", "go_backwards", "recurrent_activation",
 * "unit_forget_bias", "reset_after", "depth_multiplier", "shape", "batch_size".
 * Errors: SK_ERR_INVALID_ARG (class_name NULL or unknown — the message lists the known ones;
 * invalid JSON — the message gives the offset; an unknown key or a key of the wrong type; a
 * bad value such as units <= 0 or an unknown activation / initializer name). */
int32_t sk_layer_create(const char *class_name, const char *config_json, sk_layer **out);

/* A custom layer's build callback: called once, on the first call, with the first input's
 * shape (batch included). `layer` is borrowed (valid during the callback): create weights with
 * sk_layer_add_weight. May be NULL in sk_layer_create_custom (no weights). */
typedef int32_t (*sk_layer_build_fn)(void *user_data, sk_layer *layer, const int64_t *input_shape,
                                     int32_t ndim);

/* A custom layer's call callback: computes *out (the slot arrives NULL; the library takes
 * ownership of what is written, also on failure) from n_inputs borrowed inputs, using sk_ ops
 * and sk_variable_read on the weights so that gradients reach them. training is 1 during fit. */
typedef int32_t (*sk_layer_call_fn)(void *user_data, sk_layer *layer, const sk_tensor *const *inputs,
                                    int32_t n_inputs, uint8_t training, sk_tensor **out);

/* Creates a custom layer (Keras `class MyLayer(keras.layers.Layer)` with build / call). name may
 * be NULL ("custom_layer", "custom_layer_1", ...). destroy(user_data) (may be NULL) runs exactly
 * once: when the layer object goes away (the last handle released and no model holding it),
 * or before this call returns if it fails. The output shape is found by running call on zeros.
 * Errors: SK_ERR_INVALID_ARG (call or out NULL). */
int32_t sk_layer_create_custom(const char *name, sk_layer_build_fn build, sk_layer_call_fn call,
                               void *user_data, void (*destroy)(void *user_data), sk_layer **out);

/* Adds a weight to a layer (Keras `add_weight`), normally from its build callback. initializer
 * is a Keras name ("glorot_uniform", "zeros", "ones", "random_normal", ...; NULL =
 * glorot_uniform). *out (may be NULL when not wanted) receives a caller-owned variable handle
 * to read in call (sk_variable_read) and to release when done (e.g. in destroy). The layer
 * owns the weight either way. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (name NULL,
 * negative dimension, unknown initializer). */
int32_t sk_layer_add_weight(sk_layer *layer, const char *name, const int64_t *shape, int32_t ndim,
                            const char *initializer, uint8_t trainable, sk_variable **out);

/* Calls a layer on n_inputs tensors (`layer(x, training=...)`): builds it on first use; floating
 * inputs are cast to the layer's compute dtype. training: 0 false, 1 true, 2 not given (tf.keras
 * 2's None: the enclosing call's value inside another layer's call, else each layer's own default
 * — true for the random augmentation layers, false otherwise); the same in every sk_layer_call*. *out receives a new tensor. Recorded by this
 * thread's tape. Errors: SK_ERR_INVALID_ARG (shape mismatch: the message names the layer and
 * the shapes; no inputs), SK_ERR_DTYPE, the custom callbacks' statuses. */
int32_t sk_layer_call(sk_layer *layer, const sk_tensor *const *inputs, int32_t n_inputs,
                      uint8_t training, sk_tensor **out);

/* Calls a layer and returns all its outputs: a recurrent layer with return_state gives
 * [output, h] (SimpleRNN, GRU) or [output, h, c] (LSTM); other layers give one. As sk_layer_call
 * otherwise (initial states of a recurrent layer are extra inputs: x, h0[, c0]). *count (may be
 * NULL) receives the number of outputs and out[0..count) new caller-owned tensors. Errors: those
 * of sk_layer_call; SK_ERR_INVALID_ARG when capacity is smaller than the number of outputs (at
 * most 3 for the built-in layers; the layer has run: a stateful layer's states have advanced). */
int32_t sk_layer_call_multi(sk_layer *layer, const sk_tensor *const *inputs, int32_t n_inputs,
                            uint8_t training, sk_tensor **out, int32_t capacity, int32_t *count);

/* As sk_layer_call_multi, with call arguments besides the inputs as a JSON object (NULL or "{}":
 * none): the attention layers take "inputs" (the role of each input tensor: "query", "value",
 * "key", "attention_mask" for MultiHeadAttention; "query", "value", "key", "query_mask",
 * "value_mask" for Attention and AdditiveAttention; default query, value[, key]),
 * "return_attention_scores" (outputs [output, scores]) and "use_causal_mask" (booleans).
 * Errors: those of sk_layer_call_multi; SK_ERR_INVALID_ARG (malformed JSON, roles that do not
 * match the inputs); SK_ERR_UNIMPLEMENTED (an argument the layer does not take, named). */
int32_t sk_layer_call_ex(sk_layer *layer, const sk_tensor *const *inputs, int32_t n_inputs,
                         const char *arguments_json, uint8_t training, sk_tensor **out, int32_t capacity,
                         int32_t *count);
/* Calls a layer with its inputs' masks (tf.keras 2 `_keras_mask`: a padded step is false) and
 * returns all outputs with their masks, as Keras does between layers: an Embedding with mask_zero
 * or a Masking layer makes a mask, RNNs, GlobalAveragePooling1D, TimeDistributed and Bidirectional
 * honour it, layers that support masking pass it on. masks: NULL (no masks) or n_inputs entries,
 * each NULL or a tensor whose shape is the leading dimensions of its input (e.g. (batch, steps);
 * nonzero = kept). out as sk_layer_call_multi; out_masks (may be NULL) receives, per output, a
 * new bool tensor or NULL when that output has no mask. Errors: those of sk_layer_call_multi;
 * SK_ERR_INVALID_ARG for a mask whose shape does not lead its input's. */
int32_t sk_layer_call_masked(sk_layer *layer, const sk_tensor *const *inputs, const sk_tensor *const *masks,
                             int32_t n_inputs, uint8_t training, sk_tensor **out, sk_tensor **out_masks,
                             int32_t capacity, int32_t *count);

/* Masks in a custom layer (tf.keras 2 `call(inputs, mask=None)` and `compute_mask`). A custom
 * layer's call with its inputs' masks: masks has n entries, each borrowed or NULL (no mask);
 * *out receives the one output, as sk_layer_call_fn. */
typedef int32_t (*sk_layer_call_masked_fn)(void *user_data, sk_layer *layer, const sk_tensor *const *inputs,
                                           const sk_tensor *const *masks, int32_t n, uint8_t training,
                                           sk_tensor **out);
/* A custom layer's output mask for these inputs and masks: *mask_out receives a new tensor (the
 * library takes it; nonzero = kept, its shape leading the output's) or stays NULL for no mask. */
typedef int32_t (*sk_layer_compute_mask_fn)(void *user_data, sk_layer *layer, const sk_tensor *const *inputs,
                                            const sk_tensor *const *masks, int32_t n, sk_tensor **mask_out);
/* Gives a layer made by sk_layer_create_custom its mask callbacks: call_masked (may be NULL)
 * runs instead of its call callback whenever an input has a mask (in models, sk_layer_call_masked
 * and fit / evaluate / predict); compute_mask (may be NULL: the sk_layer_supports_masking rule)
 * gives its output mask, and setting it makes the layer support masking (Keras: a layer
 * overriding compute_mask supports masking). Replaces earlier mask callbacks; both NULL removes
 * them. user_data is destroyed once: when replaced, with the layer, or on failure.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (not a sk_layer_create_custom layer). */
int32_t sk_layer_set_mask_fns(sk_layer *layer, sk_layer_call_masked_fn call_masked,
                              sk_layer_compute_mask_fn compute_mask, void *user_data,
                              void (*destroy)(void *user_data));

/* Whether the layer passes its input mask on to its output (tf.keras 2 `supports_masking`; a
 * custom layer starts without, the built-in layers Keras lets masks through start with): when
 * set is nonzero it becomes value != 0; then *out (may be NULL) receives it. Errors:
 * SK_ERR_INVALID_HANDLE. */
int32_t sk_layer_supports_masking(sk_layer *layer, uint8_t set, uint8_t value, uint8_t *out);

/* Resets the states of a stateful recurrent layer (`reset_states()`), or of every stateful layer
 * of a model (sk_model_as_layer): n == 0 sets them to zeros; otherwise states[0..n) become its
 * states (h, or h and c for LSTM; shape (batch, units)). Errors: SK_ERR_INVALID_ARG (values for a
 * layer that is not stateful, wrong count or shapes). */
int32_t sk_layer_reset_states(sk_layer *layer, const sk_tensor *const *states, int32_t n);

/* The states a stateful recurrent layer carries to its next call (`layer.states`): *count (may
 * be NULL) receives their number (0 before the first call or for a stateless layer) and
 * out[0..count) new caller-owned tensors; out NULL with capacity 0 only counts.
 * Errors: SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_layer_states(const sk_layer *layer, sk_tensor **out, int32_t capacity, int32_t *count);

/* Adds a loss term to a layer (or a model: sk_model_as_layer) (`self.add_loss(x)` in `call`):
 * a tensor computed from the call's inputs or weights, summed into the model's total loss by
 * fit/evaluate (non-scalar terms are summed). The layer's terms are cleared at the start of each
 * of its calls. Errors: SK_ERR_INVALID_HANDLE (layer or loss NULL). */
int32_t sk_layer_add_loss(sk_layer *layer, const sk_tensor *loss);

/* The layer's losses (`layer.losses`, tf.keras 2): the sk_layer_add_loss terms of the last call
 * of the layer and its sublayers (activity regularization included), then the regularization
 * penalties of its trainable weights computed from their current values. *count (may be NULL)
 * receives their number and out[0..count) new caller-owned tensors; out NULL with capacity 0
 * only counts. Errors: SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_layer_losses(const sk_layer *layer, sk_tensor **out, int32_t capacity, int32_t *count);

/* The current values of the layer's weights (`get_weights()`; trainable first, then
 * non-trainable, in creation order): *count (may be NULL) receives their number; out[0..count)
 * receive new caller-owned tensors. out NULL with capacity 0 only counts. Unbuilt layers have
 * none. Errors: SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_layer_weights(const sk_layer *layer, sk_tensor **out, int32_t capacity, int32_t *count);

/* The layer's weights as variables (`layer.weights`, or `trainable_weights` when trainable_only
 * != 0), same order and rules as sk_layer_weights; each is a new caller-owned sk_variable
 * sharing the layer's storage (assigning it changes the layer). */
int32_t sk_layer_variables(const sk_layer *layer, uint8_t trainable_only, sk_variable **out,
                           int32_t capacity, int32_t *count);

/* Assigns the weights (`set_weights`) in sk_layer_weights order: the count and every shape must
 * match (values are converted to each weight's dtype); nothing is assigned on failure.
 * Errors: SK_ERR_INVALID_ARG (count or shape mismatch, naming both). */
int32_t sk_layer_set_weights(sk_layer *layer, const sk_tensor *const *values, int32_t n);

/* Copies the layer's name, NUL-terminated, into buf. *length (may be NULL) receives its length
 * without the NUL; buf NULL with capacity 0 only queries the length.
 * Errors: SK_ERR_INVALID_ARG (capacity < length + 1). */
int32_t sk_layer_name(const sk_layer *layer, char *buf, size_t capacity, size_t *length);

/* The number of scalars in the layer's weights (`count_params()`), -1 for NULL. */
int64_t sk_layer_count_params(const sk_layer *layer);

/* Releases a layer handle (NULL is a no-op). Models holding the layer keep it alive. */
void sk_layer_release(sk_layer *layer);

/* Functional API. sk_input: a symbolic input (`keras.Input(shape, dtype=..., name=...)`), shape
 * without the batch dimension (-1 = unknown); name may be NULL. */
int32_t sk_input(const int64_t *shape, int32_t ndim, int32_t dtype, const char *name,
                 sk_keras_tensor **out);

/* Calls a layer on symbolic tensors (`y = layer(x)`): builds it for their shapes and records
 * the call. Errors: SK_ERR_INVALID_ARG (incompatible shapes, naming the layer). */
int32_t sk_layer_call_symbolic(sk_layer *layer, const sk_keras_tensor *const *inputs,
                               int32_t n_inputs, sk_keras_tensor **out);

/* As sk_layer_call_symbolic, returning every symbolic output (`out, h, c = LSTM(...,
 * return_state=True)(x)`): *count (may be NULL) receives their number and out[0..count) new
 * handles, each usable as a model output or another layer's input. Errors: those of
 * sk_layer_call_symbolic; SK_ERR_INVALID_ARG when capacity is smaller than the number of outputs
 * (nothing is returned, the call is still recorded). */
int32_t sk_layer_call_symbolic_multi(sk_layer *layer, const sk_keras_tensor *const *inputs, int32_t n_inputs,
                                     sk_keras_tensor **out, int32_t capacity, int32_t *count);

/* As sk_layer_call_symbolic_multi, with call arguments as a JSON object (see sk_layer_call_ex):
 * the node keeps them for every run of the model and in the model's config. Errors: those of
 * sk_layer_call_symbolic_multi and of sk_layer_call_ex's arguments. */
int32_t sk_layer_call_symbolic_ex(sk_layer *layer, const sk_keras_tensor *const *inputs, int32_t n_inputs,
                                  const char *arguments_json, sk_keras_tensor **out, int32_t capacity,
                                  int32_t *count);

/* The shape of a symbolic tensor (batch included, -1 = unknown): *ndim (may be NULL) receives
 * the rank. Errors: SK_ERR_INVALID_ARG (capacity < rank). */
int32_t sk_keras_tensor_shape(const sk_keras_tensor *t, int64_t *out, int32_t capacity, int32_t *ndim);

/* Releases a symbolic tensor (NULL is a no-op); models built from it keep what they need. */
void sk_keras_tensor_release(sk_keras_tensor *t);

/* Mixed precision (`keras.mixed_precision.set_global_policy`): the dtype policy of layers created
 * afterwards without a "dtype" key: "float32", "mixed_float16" (float16 compute, float32
 * variables; compile then wraps the optimizer in a dynamic LossScaleOptimizer) or
 * "mixed_bfloat16", or a plain dtype name. Process-wide; set it before creating layers, not
 * while other threads create layers. Errors: SK_ERR_INVALID_ARG (unknown name). */
int32_t sk_set_global_policy(const char *name);

/* The global policy's name, copied as sk_layer_name does. */
int32_t sk_global_policy(char *buf, size_t capacity, size_t *length);

/* A subclassed model (Keras `class MyModel(keras.Model)`): call (required) computes the output
 * from the inputs as sk_layer_call_fn does — typically by calling sublayers with sk_layer_call;
 * build (may be NULL) runs once before the first call with the first input's shape. The
 * `layer` argument of both callbacks is the model seen as a layer (borrowed): add weights to
 * it with sk_layer_add_weight. Register sublayers with sk_layer_track (on sk_model_as_layer),
 * so that their weights are the model's (trainable weights, fit, save_weights). Before its
 * first training step, a model never called yet runs once on the batch (training off) so its
 * sublayers create their weights. name may be NULL ("custom_model", "custom_model_1", ...).
 * destroy(user_data) (may be NULL) runs exactly once: when the model goes away, or before this
 * call returns if it fails. Such a model can be saved with sk_model_save_weights, not
 * sk_model_save. Errors: SK_ERR_INVALID_ARG (call or out NULL). */
int32_t sk_model_create_custom(const char *name, sk_layer_build_fn build, sk_layer_call_fn call,
                               void *user_data, void (*destroy)(void *user_data), sk_model **out);

/* Makes child a sublayer of parent (Keras attribute tracking: `self.dense = Dense(4)`): the
 * child's weights, losses and trainability become part of the parent's, after the parent's own
 * weights, in tracking order. Tracking the same child again does nothing. parent is a custom
 * layer or a subclassed model (sk_model_as_layer). The parent holds the child. Errors:
 * SK_ERR_INVALID_HANDLE (NULL), SK_ERR_INVALID_ARG (parent == child, child already containing
 * parent — a cycle, parent a Sequential model (use sk_model_add) or a functional model). */
int32_t sk_layer_track(sk_layer *parent, sk_layer *child);

/* Makes an existing variable one of the layer's own weights (Keras attribute tracking of
 * `self.w = tf.Variable(...)` in a custom layer or subclassed model): listed after the weights
 * the layer created, trainable as the variable is, saved and updated with the layer's. Tracking
 * the same variable again does nothing. The layer holds the variable. Errors:
 * SK_ERR_INVALID_HANDLE (NULL). */
int32_t sk_layer_track_variable(sk_layer *layer, sk_variable *variable);

/* The layer's Keras class name ("Dense", "Conv2D", "InputLayer", "Sequential", "Functional";
 * "CustomLayer" for sk_layer_create_custom layers, "CustomModel" for sk_model_create_custom
 * models), copied as sk_layer_name does. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG
 * (capacity too small). */
int32_t sk_layer_class_name(const sk_layer *layer, char *buf, size_t capacity, size_t *length);

/* keras.initializers / keras.regularizers by identifier. identifier_json is a Keras identifier
 * in JSON: a name ("\"glorot_uniform\"", "\"l2\"") or a config
 * ("{\"class_name\": \"RandomNormal\", \"config\": {\"stddev\": 2, \"seed\": 1}}").
 * sk_initializer_call: *out receives initializers.get(identifier)(shape, dtype) (caller-owned).
 * sk_regularizer_call: *out receives regularizers.get(identifier)(x), a scalar.
 * sk_initializer_config / sk_regularizer_config: the canonical serialize(get(identifier)) JSON
 * ({"class_name": ..., "config": {...}}), copied as sk_layer_name does.
 * Errors: SK_ERR_INVALID_ARG (NULL arguments, malformed JSON, unknown identifier, bad config
 * value, negative dimension, capacity too small), SK_ERR_DTYPE (unknown dtype code, an
 * integer dtype for a random initializer), SK_ERR_INVALID_HANDLE. */
int32_t sk_initializer_call(const char *identifier_json, const int64_t *shape, int32_t ndim, int32_t dtype,
                            sk_tensor **out);
int32_t sk_initializer_config(const char *identifier_json, char *buf, size_t capacity, size_t *length);
int32_t sk_regularizer_call(const char *identifier_json, const sk_tensor *x, sk_tensor **out);
int32_t sk_regularizer_config(const char *identifier_json, char *buf, size_t capacity, size_t *length);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_LAYERS_H */
