/* swiftkeras/serialization.h — Configs, model structure and keras.applications.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_SERIALIZATION_H
#define SWIFTKERAS_SERIALIZATION_H

#include "base.h"
#include "keras.h"
#include "layers.h"
#include "models.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The layer's serialized config (Keras `keras.layers.serialize(layer)`) as JSON
 * {"class_name": ..., "config": {...}} — for a Sequential or functional model (seen as a layer
 * through sk_model_as_layer) its model config — copied as sk_layer_name does.
 * sk_layer_create(class_name, JSON of "config") rebuilds an equal, freshly initialized layer
 * (model). Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (a layer with no config: custom,
 * Lambda or subclassed; capacity too small). */
int32_t sk_layer_get_config(const sk_layer *layer, char *buf, size_t capacity, size_t *length);

/* A model from its serialized config {"class_name": "Sequential" | "Functional" | "Model",
 * "config": {...}} as sk_layer_get_config gives it (Keras `Model.from_config`,
 * `keras.models.model_from_json`): class_name and config_json are the two parts. The layers are
 * new and freshly initialized. Errors: SK_ERR_INVALID_ARG (unknown class — custom layer classes
 * included —, malformed config or JSON). */
int32_t sk_model_from_config(const char *class_name, const char *config_json, sk_model **out);

/* The variable's identity: the same number for every handle of one variable, different for
 * different variables of the process (a client keeps one wrapper object per variable with it).
 * -1 for NULL. */
int64_t sk_variable_id(const sk_variable *v);

/* *out receives 1 when the layer is trainable, 0 when frozen (Keras `layer.trainable`).
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (out NULL). */
int32_t sk_layer_trainable(const sk_layer *layer, int32_t *out);

/* Freezes (0) or unfreezes (non-zero) the layer and every layer it holds (Keras
 * `layer.trainable = False`): a frozen layer has no trainable weights, fit does not update it
 * and BatchNormalization runs in inference mode. Compile the model again after changing it.
 * Not thread-safe with a running fit of a model holding the layer.
 * Errors: SK_ERR_INVALID_HANDLE. */
int32_t sk_layer_set_trainable(sk_layer *layer, uint8_t trainable);

/* Builds the layer for an input of `shape` (batch included, -1 for unknown sizes) as Keras
 * `layer.build(input_shape)`: creates its weights; nothing happens for a built layer.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (shape NULL with ndim > 0, ndim < 0, a shape
 * the layer rejects). */
int32_t sk_layer_build(sk_layer *layer, const int64_t *shape, int32_t ndim);

/* Removes the last layer of a Sequential model (Keras `Sequential.pop()`); *out (may be NULL)
 * receives it as a new caller-owned handle. Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG
 * (not a Sequential model, or no layers). */
int32_t sk_model_pop(sk_model *model, sk_layer **out);

/* Flags of sk_model_summary_ex. */
#define SK_SUMMARY_EXPAND_NESTED 1   /* rows of nested models' layers (Keras expand_nested) */
#define SK_SUMMARY_SHOW_TRAINABLE 2  /* a "Trainable" column (Keras show_trainable) */

/* sk_model_summary with options: flags is a combination of SK_SUMMARY_* (0 is sk_model_summary's
 * table). Errors: as sk_model_summary; SK_ERR_INVALID_ARG for an unknown flag. */
int32_t sk_model_summary_ex(const sk_model *model, uint32_t flags, char *buf, size_t capacity, size_t *length);

/* A model's symbolic inputs / outputs (Keras 2 `model.inputs`, `model.outputs`) as new
 * caller-owned handles (release with sk_keras_tensor_release): a functional model's own; a
 * Sequential model's once its input shape is known (its layers are then called once on a new
 * Input, as tf.keras 2 builds a Sequential graph — so its layers have an inbound node, see
 * sk_layer_node_tensors); none for subclassed models and Sequential models without an input
 * shape. *count (may be NULL) receives their number; out NULL with capacity 0 only counts.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (capacity < count). */
int32_t sk_model_inputs(const sk_model *model, sk_keras_tensor **out, int32_t capacity, int32_t *count);
int32_t sk_model_outputs(const sk_model *model, sk_keras_tensor **out, int32_t capacity, int32_t *count);

/* The output shape the layer gives an input of shape (input_shape, ndim), batch dimension
 * included, -1 for unknown dimensions (Keras `layer.compute_output_shape`; a model's is its
 * last layer's). *out_ndim receives the rank, out up to capacity dimensions.
 * Errors: SK_ERR_INVALID_HANDLE; SK_ERR_INVALID_ARG for a shape the layer cannot take (the
 * message names the layer and the shape) or capacity < rank. */
int32_t sk_layer_compute_output_shape(const sk_layer *layer, const int64_t *input_shape, int32_t ndim, int64_t *out,
                                      int32_t capacity, int32_t *out_ndim);

/* How many times the layer was called on symbolic tensors (Keras `len(layer.inbound_nodes)`;
 * the InputLayer of an Input has one). Errors: SK_ERR_INVALID_HANDLE. */
int32_t sk_layer_node_count(const sk_layer *layer, int32_t *count);

/* The symbolic inputs (which 0) or outputs (which 1) of the layer's node_index-th call on
 * symbolic tensors (Keras `get_input_at(i)` / `get_output_at(i)`; `layer.input` and
 * `layer.output` are node 0) as new caller-owned handles, as sk_model_inputs. The layer does
 * not keep those tensors alive: a model built over them (or the caller) does.
 * Errors: SK_ERR_INVALID_HANDLE; SK_ERR_INVALID_ARG for a node_index the layer does not have
 * (the message says it was never called, or how many nodes it has), which not 0 or 1, or
 * capacity < count; SK_ERR_RUNTIME when the tensors no longer exist. */
int32_t sk_layer_node_tensors(const sk_layer *layer, int32_t node_index, int32_t which, sk_keras_tensor **out,
                              int32_t capacity, int32_t *count);

/* Forgets the counters of automatic layer names (part of Keras `clear_session()`): the next
 * Dense is named "dense" again. Layers already made keep their names. */
void sk_reset_layer_names(void);

/* The dtype code (SK_FLOAT32, ...) a symbolic tensor's values will have (Keras
 * `KerasTensor.dtype`); 0 for NULL. */
int32_t sk_keras_tensor_dtype(const sk_keras_tensor *t);

/* A keras.applications architecture with fresh random weights (tf.keras 2's layer names and
 * parameter counts): name is "VGG16", "VGG19", "ResNet50" or "MobileNetV2"; config_json (NULL
 * or "" for the defaults) holds tf.keras 2's arguments "include_top", "input_shape" (three
 * dimensions, null for unknown), "pooling" (null, "avg", "max"), "classes",
 * "classifier_activation" (null: linear) and, for MobileNetV2, "alpha". Pretrained weights are
 * never downloaded: a non-null "weights" is SK_ERR_UNIMPLEMENTED.
 * Errors: SK_ERR_INVALID_ARG (unknown name or key, invalid value, an input shape Keras
 * rejects), SK_ERR_UNIMPLEMENTED ("weights"). */
int32_t sk_application_create(const char *name, const char *config_json, sk_model **out);

/* keras.applications.imagenet_utils.preprocess_input(x, data_format, mode) (each application's
 * preprocess_input is one mode: VGG16, VGG19, ResNet50 "caffe", MobileNetV2 "tf"): mode "caffe"
 * (RGB to BGR, ImageNet's BGR mean subtracted per channel, no scaling), "tf" (x / 127.5 - 1) or
 * "torch" (x / 255, then ImageNet's mean subtracted and divided by its standard deviation per
 * channel); data_format "channels_last", "channels_first" (the channel axis is the first of a 3-D
 * image, else the second) or NULL (sk_image_data_format). Integer input becomes floatx first,
 * float input keeps its dtype. *out: a new caller-owned tensor. Errors: SK_ERR_INVALID_HANDLE
 * (x NULL); SK_ERR_INVALID_ARG (mode NULL or unknown, unknown data_format, a channel axis without
 * 3 entries for "caffe" / "torch", a string tensor). */
int32_t sk_imagenet_preprocess_input(const sk_tensor *x, const char *mode, const char *data_format, sk_tensor **out);

/* keras.applications.imagenet_utils.decode_predictions(preds, top): for each row of preds
 * (samples, 1000), the top classes (numpy's argsort()[-top:][::-1], then by score; top <= 0 as
 * that slice) as JSON: a list per sample of [class id, class name, score] lists, copied as
 * sk_layer_name copies (buf NULL with capacity 0 only queries *length). The names come from
 * Keras' class index JSON at class_index_path, which the caller resolves (Keras' cache:
 * ~/.keras/models/imagenet_class_index.json). Errors: SK_ERR_INVALID_HANDLE (preds NULL);
 * SK_ERR_INVALID_ARG (class_index_path NULL, preds not of shape (samples, 1000), buffer too
 * small); SK_ERR_IO (the file is missing — the message names the URL to download it from and the
 * path to put it at — or is not Keras' class index). */
int32_t sk_imagenet_decode_predictions(const sk_tensor *preds, int32_t top, const char *class_index_path, char *buf,
                                       size_t capacity, size_t *length);

/* A client's config of a custom layer or subclassed model: *json_out receives NUL-terminated
 * JSON {"class_name": <its registered name>, "config": {...}} allocated with malloc (the
 * library frees it, also on failure). Returns SK_OK or a failure (sk_set_error). */
typedef int32_t (*sk_layer_config_fn)(void *user_data, char **json_out);

/* Installs fn as the config source of a custom layer or subclassed model (a model through
 * sk_model_as_layer): sk_layer_get_config, sk_model_save and the configs of models holding it
 * call it, so such models can be saved whole (a subclassed model also records the input shapes
 * it was built with; loading calls it once on zeros of them before loading the weights). fn
 * NULL removes it. user_data is destroyed once: when replaced, with the layer, or on failure.
 * Errors: SK_ERR_INVALID_HANDLE. */
int32_t sk_layer_set_config_fn(sk_layer *layer, sk_layer_config_fn fn, void *user_data,
                               void (*destroy)(void *user_data));

/* Builds an object of a custom class from the JSON of its "config": *out receives a layer
 * handle (for kind "model", a model seen as a layer: sk_model_as_layer) that stays the
 * callback's — the library takes its own reference before the callback's is released. */
typedef int32_t (*sk_class_factory_fn)(void *user_data, const char *config_json, sk_layer **out);

/* Registers (or replaces) the custom class class_name of kind "layer" or "model" (Keras
 * `register_keras_serializable` / `custom_objects`): configs naming it — sk_model_load,
 * sk_model_from_config, sk_layer_create — are built by fn. user_data is destroyed once: when
 * the class is unregistered or replaced, or on failure. Errors: SK_ERR_INVALID_ARG (unknown
 * kind, NULL name or fn, a built-in class name). */
int32_t sk_register_class(const char *kind, const char *class_name, sk_class_factory_fn fn, void *user_data,
                          void (*destroy)(void *user_data));

/* Forgets a registered custom class of kind "layer", "model" or "constraint"
 * (sk_register_constraint_class; nothing happens for an unknown name).
 * Errors: SK_ERR_INVALID_ARG (unknown kind, NULL name). */
int32_t sk_unregister_class(const char *kind, const char *class_name);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_SERIALIZATION_H */
