/* swiftkeras/data.h — Input pipelines (`tf.data.Dataset`): datasets from tensors, a range or a
 * C callback; batch, shuffle, repeat, map, prefetch and the other transformations; iteration;
 * keras.utils' to_categorical, pad_sequences and timeseries_dataset_from_array.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_DATA_H
#define SWIFTKERAS_DATA_H

#include "base.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Elements -----------------------------------------------------------------------
 * An element of a dataset is a structure of tensors: one tensor, a tuple or a dict (TF's
 * nesting). C sees it flat: n tensors in structure order (dict keys sorted) plus the structure
 * as JSON, where a tensor is "t", a tuple an array and a dict an object: "t", ["t", "t"] for
 * (x, y), [{"a": "t", "b": "t"}, "t"] for ({"a": a, "b": b}, y). Wherever a structure_json
 * argument may be NULL, NULL means "t" for one tensor and a flat tuple for several.
 * ------------------------------------------------------------------------------------- */

/* One element: a structure and its flat tensors. */
typedef struct sk_dataset_element sk_dataset_element;
/* A dataset (immutable; transformations make new ones). */
typedef struct sk_dataset sk_dataset;
/* One pass over a dataset, used from one thread at a time. */
typedef struct sk_dataset_iterator sk_dataset_iterator;

/* Cardinalities (tf.data.INFINITE_CARDINALITY, UNKNOWN_CARDINALITY) and tf.data.AUTOTUNE. */
#define SK_DATASET_INFINITE (-1)
#define SK_DATASET_UNKNOWN (-2)
#define SK_DATASET_AUTOTUNE (-1)

/* An element from n tensors (borrowed; the element keeps its own references) and a structure.
 * Errors: SK_ERR_INVALID_ARG (invalid structure JSON, a leaf count other than n). */
int32_t sk_dataset_element_create(const sk_tensor *const *tensors, int32_t n, const char *structure_json,
                                  sk_dataset_element **out);

/* The number of flat tensors of an element (-1 for NULL). */
int32_t sk_dataset_element_num_tensors(const sk_dataset_element *element);

/* The i-th flat tensor of an element into *out (+1). Errors: SK_ERR_OUT_OF_RANGE (i). */
int32_t sk_dataset_element_tensor(const sk_dataset_element *element, int32_t i, sk_tensor **out);

/* The structure JSON of an element (or, below, of a dataset's elements), copied like
 * sk_snake_case: *length (may be NULL) receives the length without the NUL; buf may be NULL with
 * capacity 0 to only ask the length. Errors: SK_ERR_INVALID_ARG (capacity too small). */
int32_t sk_dataset_element_structure(const sk_dataset_element *element, char *buf, size_t capacity,
                                     size_t *length);

/* Releases an element (NULL is a no-op). */
void sk_dataset_element_release(sk_dataset_element *element);

/* ---- Sources ------------------------------------------------------------------------ */

/* `Dataset.from_tensor_slices`: element i holds row i (axis 0) of each of the n tensors.
 * Errors: SK_ERR_INVALID_ARG (n = 0, a scalar, different first dimensions, structure). */
int32_t sk_dataset_from_tensor_slices(const sk_tensor *const *tensors, int32_t n, const char *structure_json,
                                      sk_dataset **out);

/* `Dataset.from_tensors`: one element holding the n tensors. Errors: as above. */
int32_t sk_dataset_from_tensors(const sk_tensor *const *tensors, int32_t n, const char *structure_json,
                                sk_dataset **out);

/* `Dataset.range(start, stop, step)`: scalars of dtype (SK_INT64 as TF by default; any dtype
 * code). Errors: SK_ERR_INVALID_ARG (step 0, unknown dtype). */
int32_t sk_dataset_range(int64_t start, int64_t stop, int64_t step, int32_t dtype, sk_dataset **out);

/* The element callback of sk_dataset_from_callback: write element `index` of pass `pass` (a new
 * pass number for every iterator of the dataset, from 0) to *out (+1, the library takes it), or
 * leave *out NULL at the end of the pass; return SK_OK, or a status after sk_set_error to fail
 * the iteration with that code and message. An element may be a whole batch: the library does
 * not care what the first dimension means. Runs on the thread iterating (a prefetch thread
 * after sk_dataset_prefetch). */
typedef int32_t (*sk_dataset_next_fn)(void *user_data, int64_t pass, int64_t index, sk_dataset_element **out);
/* Called once when the iterator of a pass goes away (finished or not); may be NULL. */
typedef void (*sk_dataset_close_fn)(void *user_data, int64_t pass);

/* `Dataset.from_generator`: elements from next (see sk_dataset_next_fn). structure_json: the
 * structure every element must have; element_spec_json (may be NULL: taken from the first
 * element when asked) the specs every element must fit, as sk_dataset_element_spec writes them;
 * cardinality: the number of elements per pass when known, else SK_DATASET_UNKNOWN (or
 * SK_DATASET_INFINITE). destroy(user_data) runs once when the dataset and its iterators are
 * gone (also on failure) — on the prefetch thread when a released prefetch iterator held the
 * last reference, as soon as that thread wakes. Errors: SK_ERR_INVALID_ARG (next NULL, structure or spec invalid,
 * cardinality < -2); during iteration the callback's status, or SK_ERR_INVALID_ARG for an
 * element of another structure or spec. */
int32_t sk_dataset_from_callback(sk_dataset_next_fn next, sk_dataset_close_fn close, void *user_data,
                                 void (*destroy)(void *user_data), const char *structure_json,
                                 const char *element_spec_json, int64_t cardinality, sk_dataset **out);

/* ---- Transformations (each writes a new dataset; the input stays valid) ---------------- */

/* `batch(batch_size, drop_remainder)`: stacks batch_size consecutive elements along a new axis 0.
 * Errors: SK_ERR_INVALID_ARG (batch_size <= 0); iterating: elements of different shapes. */
int32_t sk_dataset_batch(const sk_dataset *dataset, int64_t batch_size, uint8_t drop_remainder, sk_dataset **out);

/* `padded_batch`: as batch, padding every component at the end of each dimension. padded_shapes_json
 * (may be NULL: every dimension to the batch's largest) is a JSON list with one shape per flat
 * tensor, a dimension null or -1 for the largest; padding_values (may be NULL: 0) one value per
 * flat tensor, n_padding_values entries. Errors: SK_ERR_INVALID_ARG (counts, ranks, a component
 * larger than its padded shape). */
int32_t sk_dataset_padded_batch(const sk_dataset *dataset, int64_t batch_size, const char *padded_shapes_json,
                                const double *padding_values, int32_t n_padding_values, uint8_t drop_remainder,
                                sk_dataset **out);

/* `unbatch()`: the rows of each element (cardinality unknown, as TF). */
int32_t sk_dataset_unbatch(const sk_dataset *dataset, sk_dataset **out);

/* `rebatch(batch_size, drop_remainder)`: batches of batch_size across input batch boundaries. */
int32_t sk_dataset_rebatch(const sk_dataset *dataset, int64_t batch_size, uint8_t drop_remainder, sk_dataset **out);

/* `shuffle(buffer_size, seed, reshuffle_each_iteration)` with TF's buffer: the first buffer_size
 * elements fill a buffer, each output is drawn from it and replaced by the next input. seed >= 0
 * makes the orders reproducible (seed < 0: from the global seed, sk_set_random_seed, or fresh);
 * with reshuffle_each_iteration every pass has a new order, otherwise all repeat the first.
 * Errors: SK_ERR_INVALID_ARG (buffer_size <= 0). */
int32_t sk_dataset_shuffle(const sk_dataset *dataset, int64_t buffer_size, int64_t seed,
                           uint8_t reshuffle_each_iteration, sk_dataset **out);

/* `repeat(count)`: count passes (count < 0: forever; an empty pass ends it). */
int32_t sk_dataset_repeat(const sk_dataset *dataset, int64_t count, sk_dataset **out);

/* `take(count)` (count < 0: all) and `skip(count)` (count < 0: all skipped). */
int32_t sk_dataset_take(const sk_dataset *dataset, int64_t count, sk_dataset **out);
int32_t sk_dataset_skip(const sk_dataset *dataset, int64_t count, sk_dataset **out);

/* The function of sk_dataset_map: write the mapped element to *out (+1, taken by the library);
 * `in` is borrowed for the call. Return SK_OK or a status after sk_set_error. */
typedef int32_t (*sk_dataset_map_fn)(void *user_data, const sk_dataset_element *in, sk_dataset_element **out);

/* `map(fn)`: each element through fn. structure_json: the structure fn returns (NULL: fn is
 * called once now on the first element to learn it). num_parallel_calls is not a parameter:
 * elements are mapped in order on the iterating thread. destroy(user_data) runs once when the
 * dataset is gone (also on failure). Errors: SK_ERR_INVALID_ARG (fn NULL, structure); while
 * iterating, fn's status or an element of another structure. */
int32_t sk_dataset_map(const sk_dataset *dataset, sk_dataset_map_fn fn, void *user_data,
                       void (*destroy)(void *user_data), const char *structure_json, sk_dataset **out);

/* The predicate of sk_dataset_filter: set *keep to 1 to keep `in`. Return SK_OK or a status. */
typedef int32_t (*sk_dataset_predicate_fn)(void *user_data, const sk_dataset_element *in, uint8_t *keep);

/* `filter(predicate)` (cardinality unknown). destroy as for sk_dataset_map. */
int32_t sk_dataset_filter(const sk_dataset *dataset, sk_dataset_predicate_fn predicate, void *user_data,
                          void (*destroy)(void *user_data), sk_dataset **out);

/* `Dataset.zip(datasets)`: tuples of the n datasets' elements, ending with the shortest. */
int32_t sk_dataset_zip(const sk_dataset *const *datasets, int32_t n, sk_dataset **out);

/* `concatenate(other)`: the elements of dataset, then of other. Errors: SK_ERR_INVALID_ARG
 * (different structures or dtypes). */
int32_t sk_dataset_concatenate(const sk_dataset *dataset, const sk_dataset *other, sk_dataset **out);

/* `enumerate(start)`: (index, element) with an int64 scalar index. */
int32_t sk_dataset_enumerate(const sk_dataset *dataset, int64_t start, sk_dataset **out);

/* `prefetch(buffer_size)`: a background thread produces up to buffer_size elements ahead
 * (SK_DATASET_AUTOTUNE: a few; 0: none); callbacks above it run on that thread. */
int32_t sk_dataset_prefetch(const sk_dataset *dataset, int64_t buffer_size, sk_dataset **out);

/* `cache()` in memory: the first complete pass is recorded and replayed by later passes. */
int32_t sk_dataset_cache(const sk_dataset *dataset, sk_dataset **out);

/* `keras.utils.timeseries_dataset_from_array`: windows of sequence_length rows of
 * data[start_index:end_index] (start_index < 0: 0; end_index < 0: all rows), sampling_rate rows
 * apart, one every sequence_stride rows; targets (may be NULL) gives (window, targets[start]).
 * batch_size <= 0 leaves the windows unbatched; shuffle with seed (< 0: fresh) as Keras.
 * Errors: SK_ERR_INVALID_ARG (as Keras: lengths, indices, non-positive sizes). */
int32_t sk_dataset_timeseries(const sk_tensor *data, const sk_tensor *targets, int64_t sequence_length,
                              int64_t sequence_stride, int64_t sampling_rate, int64_t batch_size, uint8_t shuffle,
                              int64_t seed, int64_t start_index, int64_t end_index, sk_dataset **out);

/* ---- Queries and iteration ------------------------------------------------------------- */

/* `cardinality()` into *out: a count, SK_DATASET_INFINITE or SK_DATASET_UNKNOWN. */
int32_t sk_dataset_cardinality(const sk_dataset *dataset, int64_t *out);

/* The structure JSON of the dataset's elements (copied as sk_dataset_element_structure). */
int32_t sk_dataset_structure(const sk_dataset *dataset, char *buf, size_t capacity, size_t *length);

/* `element_spec` as JSON, one entry per flat tensor: [{"dtype": "float32", "shape": [null, 3]}]
 * (null: a dimension that varies). Copied as sk_dataset_element_structure. Errors:
 * SK_ERR_INVALID_ARG (an empty dataset whose specs are only known from its elements). */
int32_t sk_dataset_element_spec(const sk_dataset *dataset, char *buf, size_t capacity, size_t *length);

/* Releases a dataset (NULL is a no-op); iterators made from it keep what they need. */
void sk_dataset_release(sk_dataset *dataset);

/* Starts a pass (`iter(dataset)`) into *out. */
int32_t sk_dataset_iterator_create(const sk_dataset *dataset, sk_dataset_iterator **out);

/* The next element of the pass into *out (+1), or *out NULL (with SK_OK) at the end. Errors:
 * those of the pipeline (callbacks' statuses and messages, shape errors of batch, ...). */
int32_t sk_dataset_iterator_next(sk_dataset_iterator *iterator, sk_dataset_element **out);

/* Releases an iterator (NULL is a no-op): a prefetch thread stops at its next element. */
void sk_dataset_iterator_release(sk_dataset_iterator *iterator);

/* ---- keras.utils ----------------------------------------------------------------------- */

/* `keras.utils.to_categorical(y, num_classes)`: one-hot rows of dtype (SK_FLOAT32 in Keras) for
 * the class ids of y (truncated to integers; a trailing dimension of 1 is dropped);
 * num_classes <= 0: max(y) + 1. Negative ids count from the end, as numpy indexing. Errors:
 * SK_ERR_INVALID_ARG (an id out of range). */
int32_t sk_to_categorical(const sk_tensor *y, int64_t num_classes, int32_t dtype, sk_tensor **out);

/* `keras.utils.pad_sequences`: n sequences, sequence i being lengths[i] values taken in order
 * from values; maxlen < 0: the longest. padding / truncating "pre" or "post" (NULL: "pre");
 * value pads. *out: an [n, maxlen] tensor of dtype (SK_INT32 in Keras). Errors:
 * SK_ERR_INVALID_ARG (a negative length, unknown padding or truncating). */
int32_t sk_pad_sequences(const double *values, const int64_t *lengths, int64_t n, int64_t maxlen, int32_t dtype,
                         const char *padding, const char *truncating, double value, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_DATA_H */
