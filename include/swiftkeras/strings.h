/* swiftkeras/strings.h — String tensors (TF's tf.string) and the tf.strings ops.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_STRINGS_H
#define SWIFTKERAS_STRINGS_H

#include <stddef.h>
#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * String tensors
 *
 * A string tensor is an sk_tensor of dtype SK_STRING whose elements are byte strings (UTF-8
 * when they are text; any bytes are kept). sk_tensor_dtype/ndim/shape/size work on it; its
 * numeric data (sk_tensor_data, sk_tensor_copy_data) does not exist: read elements with
 * sk_tensor_string_at. Numeric ops refuse it with SK_ERR_DTYPE naming the op; the
 * data-movement ops (reshape, transpose, gather, concatenate, stack, slicing, tile, reverse,
 * broadcast_to), sk_equal and sk_not_equal accept it.
 * ------------------------------------------------------------------------------------- */
#define SK_STRING   9

/* A string tensor of `shape` from count(shape) elements: element i is lengths[i] bytes at
 * data[i] (copied), or the NUL-terminated string data[i] when `lengths` is NULL. `data` may be
 * NULL only when the shape has no elements.
 * Errors: SK_ERR_INVALID_ARG (NULL data or element, negative ndim/dimension),
 * SK_ERR_OUT_OF_MEMORY. */
int32_t sk_tensor_from_strings(const char *const *data, const size_t *lengths, const int64_t *shape,
                               int32_t ndim, sk_tensor **out);

/* Element `index` (row-major) of string tensor `t`: *data points at its *length bytes (not
 * NUL-terminated), borrowed from `t` and valid while `t` lives.
 * Errors: SK_ERR_DTYPE (not a string tensor), SK_ERR_OUT_OF_RANGE (index), SK_ERR_INVALID_ARG
 * (NULL out-parameters). On failure *data is NULL and *length 0. */
int32_t sk_tensor_string_at(const sk_tensor *t, int64_t index, const char **data, size_t *length);

/* tf.strings.lower / upper: ASCII case mapping of each element (other bytes kept). */
int32_t sk_strings_lower(const sk_tensor *x, sk_tensor **out);
int32_t sk_strings_upper(const sk_tensor *x, sk_tensor **out);

/* tf.strings.strip: each element without leading and trailing ASCII whitespace. */
int32_t sk_strings_strip(const sk_tensor *x, sk_tensor **out);

/* tf.strings.length (unit "BYTE"): int32 byte lengths. */
int32_t sk_strings_length(const sk_tensor *x, sk_tensor **out);

/* tf.strings.substr with scalar pos and len (unit "BYTE"); a negative pos counts from the end.
 * Errors: SK_ERR_OUT_OF_RANGE (pos outside an element), SK_ERR_INVALID_ARG (len < 0). */
int32_t sk_strings_substr(const sk_tensor *x, int64_t pos, int64_t len, sk_tensor **out);

/* tf.strings.to_number: each element parsed as `dtype` (SK_FLOAT32, SK_FLOAT64, SK_INT32 or
 * SK_INT64). Errors: SK_ERR_INVALID_ARG quoting a string that is not such a number. */
int32_t sk_strings_to_number(const sk_tensor *x, int32_t dtype, sk_tensor **out);

/* tf.strings.regex_replace for a literal pattern or one bracket class ("[aeiou]", "[^a-z ]+");
 * other regex syntax is SK_ERR_UNIMPLEMENTED naming the pattern. `replace_global` 0 replaces the
 * first match of each element only. */
int32_t sk_strings_regex_replace(const sk_tensor *x, const char *pattern, const char *rewrite,
                                 int32_t replace_global, sk_tensor **out);

/* tf.strings.join: the `n` string tensors (broadcast together) joined elementwise with
 * `separator` (NULL = ""). */
int32_t sk_strings_join(const sk_tensor *const *inputs, int32_t n, const char *separator, sk_tensor **out);

/* tf.strings.split of a rank-0 or rank-1 string tensor (TensorFlow's StringSplitV2): the tokens
 * of every element as the 1-D string tensor `*values` and the int64 `*row_splits` (length
 * elements + 1; the tokens of element i are values[row_splits[i] .. row_splits[i+1])), the
 * parts of TF's RaggedTensor. `sep` NULL or "" splits on runs of whitespace (leading
 * whitespace dropped); another `sep` splits at each occurrence, empty tokens kept. `maxsplit`
 * < 0: no limit; otherwise the rest after `maxsplit` splits is the last token.
 * Errors: SK_ERR_DTYPE (not strings), SK_ERR_UNIMPLEMENTED (rank above 1), SK_ERR_INVALID_ARG
 * (NULL out-parameter); both outputs are NULL on failure. */
int32_t sk_strings_split(const sk_tensor *x, const char *sep, int64_t maxsplit, sk_tensor **values,
                         sk_tensor **row_splits);

/* tf.strings.unicode_split(x, "UTF-8", errors) of a rank-0 or rank-1 string tensor: the
 * characters (code points, each as its UTF-8 bytes) of every element, as sk_strings_split
 * returns its parts (*values: 1-D strings; *row_splits: int64, elements + 1). errors: 0
 * "strict" (SK_ERR_INVALID_ARG naming the element with ill-formed UTF-8), 1 "replace" (TF's
 * default: each maximal ill-formed subsequence becomes U+FFFD), 2 "ignore" (dropped).
 * Errors: SK_ERR_DTYPE (not strings), SK_ERR_UNIMPLEMENTED (rank > 1), SK_ERR_INVALID_ARG. */
int32_t sk_strings_unicode_split(const sk_tensor *x, int32_t errors, sk_tensor **values, sk_tensor **row_splits);

/* tf.strings.ngrams (TF's StringNGrams kernel) of the rows of a ragged string tensor given as
 * its flat 1-D `values` and integer `row_splits`: for each row, the ngrams of each of the
 * n_widths widths (each >= 1) in turn, tokens joined by `separator` (NULL: ""), padded with
 * left_pad / right_pad (NULL: "") on `pad_width` positions (-1: width - 1; never more than
 * width - 1; 0: no padding); with preserve_short nonzero a nonempty row too short for any
 * ngram gives one ngram of all its tokens. Output as sk_strings_split.
 * Errors: SK_ERR_DTYPE, SK_ERR_INVALID_ARG (row_splits that do not split values, a width < 1,
 * pad_width < -1), SK_ERR_OUT_OF_MEMORY. */
int32_t sk_strings_ngrams(const sk_tensor *values, const sk_tensor *row_splits, const int64_t *widths,
                          int32_t n_widths, const char *separator, const char *left_pad, const char *right_pad,
                          int64_t pad_width, uint8_t preserve_short, sk_tensor **out_values,
                          sk_tensor **out_row_splits);

/* tf.strings.reduce_join: the elements of `x` joined with `separator` (NULL: "") along the
 * n_axes `axes` (negative counted from the end), the first axis given varying fastest as in TF
 * (n_axes < 0: all axes, row-major);
 * keepdims nonzero keeps them as size 1. Errors: SK_ERR_DTYPE, SK_ERR_INVALID_ARG (axis out
 * of range, repeated). */
int32_t sk_strings_reduce_join(const sk_tensor *x, const int64_t *axes, int32_t n_axes, uint8_t keepdims,
                               const char *separator, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_STRINGS_H */
