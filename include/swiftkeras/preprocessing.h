/* swiftkeras/preprocessing.h — Keras preprocessing layers: adapt and vocabularies.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here.
 *
 * The layers themselves (Normalization, Rescaling, CategoryEncoding, StringLookup,
 * IntegerLookup, TextVectorization, Resizing, CenterCrop, Hashing, Discretization, and the
 * random augmentation layers RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
 * RandomContrast — active only when called with training = 1) are created with sk_layer_create(class, json) and called as
 * any layer; what they learn from data (a vocabulary, a mean and variance) comes from adapt. */
#ifndef SWIFTKERAS_PREPROCESSING_H
#define SWIFTKERAS_PREPROCESSING_H

#include "base.h"
#include "keras.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Keras `layer.adapt(data, batch_size, steps)`: resets what the layer learned, then learns
 * from `data` in batches of `batch_size` along its first axis (0 = the layer's default: all at
 * once, or Keras' 32 for Discretization, whose approximate quantiles depend on the batching),
 * at most `steps` batches (0 = all).
 * Errors: SK_ERR_INVALID_ARG (the layer cannot adapt — the message names its class — or the
 * data does not fit it), SK_ERR_DTYPE (strings for a numeric layer or the reverse). */
int32_t sk_layer_adapt(sk_layer *layer, const sk_tensor *data, int64_t batch_size, int64_t steps);

/* `layer.adapt(dataset, steps)`: each element of the dataset is one batch of features (an
 * element with several tensors is an SK_ERR_INVALID_ARG). steps 0 = the whole dataset. */
int32_t sk_layer_adapt_dataset(sk_layer *layer, sk_dataset *dataset, int64_t steps);

/* `get_vocabulary(include_special_tokens)` of StringLookup / TextVectorization (a 1-D string
 * tensor) or IntegerLookup (1-D int64).
 * Errors: SK_ERR_INVALID_ARG (another layer class). */
int32_t sk_layer_vocabulary(const sk_layer *layer, int32_t include_special_tokens, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_PREPROCESSING_H */
