/* swiftkeras/ops.h — Hand-written ops: several outputs, user callbacks, variables, random seed.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_OPS_H
#define SWIFTKERAS_OPS_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif


/* Makes every later draw made WITHOUT a seed reproducible (`keras.utils.set_random_seed`,
 * `tf.random.set_seed`): random ops with has_seed = 0, unseeded initializers, dropout and fit's
 * shuffling (seed < 0) repeat when a program runs again after the same call. Process-wide;
 * reproducible when those draws happen in the same order (one thread). */
void sk_set_random_seed(uint64_t seed);

/* Splits x into `num` equal pieces along axis (Keras `split`), written to outs[0..num): new
 * caller-owned tensors, each released by the caller. outs needs `capacity` >= num slots; all
 * `capacity` slots are set to NULL first and stay NULL on failure.
 * Errors: SK_ERR_INVALID_ARG (size not divisible by num, num <= 0, capacity too small). */
int32_t sk_split(const sk_tensor *x, int64_t num, int64_t axis, sk_tensor **outs, int32_t capacity);

/* Splits x along axis into n_sizes pieces of the given sizes (one may be -1: inferred), as
 * `tf.split` with size splits; outs as for sk_split (capacity >= n_sizes).
 * Errors: SK_ERR_INVALID_ARG when the sizes do not add up to the axis size. */
int32_t sk_split_sizes(const sk_tensor *x, const int64_t *sizes, int32_t n_sizes, int64_t axis,
                       sk_tensor **outs, int32_t capacity);

/* numpy basic slicing x[b0:e0:s0, b1:e1:s1, ...] (`tf.strided_slice`) over the first n axes (the
 * rest are kept whole). Bit i of begin_mask / end_mask set means "no bound" for axis i (the
 * start / end of the axis in the step's direction); strides == NULL means all 1. Negative
 * indices count from the end; out-of-range bounds are clamped. begin/end may be NULL only when
 * n == 0. Errors: SK_ERR_INVALID_ARG (a stride of 0, n > rank). */
int32_t sk_strided_slice(const sk_tensor *x, const int64_t *begin, const int64_t *end,
                         const int64_t *strides, int32_t n, uint64_t begin_mask, uint64_t end_mask,
                         sk_tensor **out);

/* ---------------------------------------------------------------------------------------
 * Keras backend additions (hand-written; not generated from tools/capi_ops.py)
 *
 * Ops with several outputs, user callbacks or variables. Outputs are new caller-owned handles;
 * every output slot is set to NULL first and stays NULL on failure. A failing callback makes
 * the call return the callback's status code with its message (see sk_callback). Callbacks
 * run on the calling thread, with any recording tape of that thread recording the ops they
 * run: gradients flow through map_fn, foldl, foldr and rnn wherever the callback's ops are
 * differentiable.
 * ------------------------------------------------------------------------------------- */

/* Keras `ctc_decode(y_pred, input_length, greedy, beam_width, top_paths)` on (B, T, C)
 * probabilities (last class = blank) and input_length (B,) or (B, 1) in [0, T], decoding
 * log(y_pred + 1e-7). Every decoded tensor is int64 (B, T) padded with -1; *log_prob is in
 * y_pred's dtype.
 * Greedy (greedy != 0; beam_width and top_paths ignored): per step the most likely class (the
 * first on ties), repeats merged, blanks dropped; decoded[0] receives the result and *log_prob
 * (B, 1) holds minus the sum of the per-step maximum of log(y_pred + 1e-7) (TensorFlow's
 * greedy log_probability, >= 0).
 * Beam search (greedy == 0): TensorFlow's tf.compat.v1.nn.ctc_beam_search_decoder (prefix beam
 * search, scores renormalised per step, merge_repeated = true, so a beam "a a" decodes to [a]);
 * decoded[0..top_paths-1] receive the top_paths best paths, best first, and *log_prob
 * (B, top_paths) their beam scores (log probabilities, <= 0). `decoded` needs capacity >= 1
 * (>= top_paths for beam search).
 * Errors: SK_ERR_INVALID_ARG (shapes, lengths, capacity, not 1 <= top_paths <= beam_width, a
 * sequence ending with fewer beams than top_paths), SK_ERR_DTYPE (non-float y_pred). */
int32_t sk_ctc_decode(const sk_tensor *y_pred, const sk_tensor *input_length, uint8_t greedy,
                      int64_t beam_width, int64_t top_paths, sk_tensor **decoded, int32_t capacity,
                      sk_tensor **log_prob);

/* Keras `ctc_label_dense_to_sparse(labels, label_lengths)`. SwiftKeras has no sparse tensors:
 * the SparseTensor comes back as its three parts. For labels (B, L) and label_lengths (B,) or
 * (B, 1), the entries (b, i) with i < label_lengths[b] (clamped to [0, L]), row-major, give
 * *indices int64 (N, 2), *values (N,) in labels' dtype and *dense_shape int64 {B, L}.
 * Errors: SK_ERR_INVALID_ARG (labels not rank 2, lengths of the wrong shape). */
int32_t sk_ctc_label_dense_to_sparse(const sk_tensor *labels, const sk_tensor *label_lengths,
                                     sk_tensor **indices, sk_tensor **values,
                                     sk_tensor **dense_shape);

/* Keras `map_fn(fn, elems)`: calls fn once per index i along axis 0 with inputs
 * {elems[0][i], ..., elems[n_elems-1][i]} (all elems share their axis-0 size) and n_outputs
 * output slots, all of which it must fill; outputs[k] receives result k of every call stacked
 * along a new axis 0 (same shape on every call). With axis-0 size 0, fn is not called and
 * outputs[k] is an empty (0,) + elems[k].shape[1:] tensor (n_outputs must equal n_elems).
 * Errors: SK_ERR_INVALID_ARG (no elems, rank-0 elems, differing sizes or result shapes,
 * n_outputs < 1, an output slot left NULL), the callback's own status. */
int32_t sk_map_fn(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                  sk_tensor **outputs, int32_t n_outputs);

/* Keras `foldl(fn, elems, initializer)` / `foldr(...)`: acc = fn(acc..., slice...) over the
 * axis-0 slices of elems, first to last (foldl) or last to first (foldr). fn receives the
 * n_acc accumulator tensors followed by one slice of each elem, and fills n_acc outputs. The
 * accumulator starts as initializer[0..n_initializer) or, when n_initializer == 0 (None), as
 * the first (foldl) / last (foldr) slices of elems, which are then skipped. n_outputs must be
 * n_acc (n_initializer, or n_elems without one); outputs receive the final accumulator.
 * Errors: SK_ERR_INVALID_ARG (empty elems without an initializer, count mismatches), the
 * callback's status. */
int32_t sk_foldl(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                 const sk_tensor *const *initializer, int32_t n_initializer,
                 sk_tensor **outputs, int32_t n_outputs);
int32_t sk_foldr(const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                 const sk_tensor *const *initializer, int32_t n_initializer,
                 sk_tensor **outputs, int32_t n_outputs);

/* Keras `rnn(step_function, inputs, initial_states, go_backwards, mask, constants, unroll,
 * input_length)` (time_major False). inputs (B, T, ...) with T >= 1. step_function receives
 * {x_t (B, ...), states[0..n_states), constants[0..n_constants)} and fills 1 + n_states
 * outputs: {output_t, new_states...}, each new state shaped like its state. mask (NULL =
 * none): (B, T) or (B, T, 1), cast to bool; where false, a sample's output repeats its
 * previous output (zeros before the first) and its states are kept. go_backwards processes the
 * steps last to first (outputs stay in processing order). input_length (NULL = none; ignored
 * when unroll != 0): a rank-0 integer runs min(T, input_length) steps; a (B,) integer vector
 * also masks each sample beyond its length (when mask is NULL) and runs max(input_length)
 * steps; steps not run output zeros. Writes *last_output (B, ...), *outputs (B, T, ...) and
 * new_states[0..n_states).
 * Errors: SK_ERR_INVALID_ARG (shapes, state shapes, mask shape), SK_ERR_DTYPE (float
 * input_length), the callback's status. */
int32_t sk_rnn(const sk_function *step_function, const sk_tensor *inputs,
               const sk_tensor *const *initial_states, int32_t n_states, uint8_t go_backwards,
               const sk_tensor *mask, const sk_tensor *const *constants, int32_t n_constants,
               uint8_t unroll, const sk_tensor *input_length, sk_tensor **last_output,
               sk_tensor **outputs, sk_tensor **new_states);

/* Keras `moving_average_update(x, value, momentum)`: momentum and value are cast to the
 * variable's dtype, then x -= (x - value) * (1 - momentum); *out receives the new value.
 * A read followed by an assignment: concurrent assignments to the same variable need external
 * locking. Errors: SK_ERR_INVALID_HANDLE (variable or value NULL), SK_ERR_INVALID_ARG (value
 * does not broadcast to the variable's shape). */
int32_t sk_moving_average_update(sk_variable *variable, const sk_tensor *value, double momentum,
                                 sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_OPS_H */
