/* swiftkeras/rnn_cells.h — Recurrent cells and RNN(cell): built-in cells, stacked cells, cells
 * defined by C callbacks, and the recurrent layer over any cell (tf.keras 2 keras.layers.RNN).
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here.
 *
 * The built-in cells are made by class name like any layer: sk_layer_create("LSTMCell",
 * "{\"units\": 8}") (also "SimpleRNNCell", "GRUCell"; the keys of LSTM / SimpleRNN / GRU without
 * return_sequences, return_state, go_backwards, stateful, time_major, unroll), and
 * sk_layer_create("RNN", "{\"cell\": {\"class_name\": \"LSTMCell\", \"config\": {...}}}") or
 * ("StackedRNNCells", "{\"cells\": [...]}") from configs. A cell called as a layer
 * (sk_layer_call_multi) takes the step input (batch, features) followed by its states and gives
 * the step output followed by the new states (Keras `cell(x_t, states)`). */
#ifndef SWIFTKERAS_RNN_CELLS_H
#define SWIFTKERAS_RNN_CELLS_H

#include "base.h"
#include "keras.h"
#include "layers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A custom cell's step: from the borrowed step input (batch, features) and n_states borrowed
 * states, writes outputs[0] (the step output, (batch, output_size)) and outputs[1..n_outputs)
 * (the new states, each (batch, state size)). When the RNN was called with constants (call
 * argument {"num_constants": k} of sk_layer_call_ex: its last k inputs; Keras `constants=`),
 * states[n_outputs - 1 .. n_states) are those constants, the same at every step, and `build`
 * receives only the step input's shape. The slots arrive NULL and the library takes
 * ownership of what is written, also on failure. Use sk_ ops and sk_variable_read on the cell's
 * weights so that gradients reach them. training is 1 during fit. Returns SK_OK or a status
 * after sk_set_error. */
typedef int32_t (*sk_rnn_cell_step_fn)(void *user_data, sk_layer *cell, const sk_tensor *input,
                                       const sk_tensor *const *states, int32_t n_states, uint8_t training,
                                       sk_tensor **outputs, int32_t n_outputs);

/* Creates a custom recurrent cell (Keras: a Layer subclass with `state_size` and
 * `call(inputs, states)`): n_states states of sizes state_sizes[0..n_states) (n_states >= 1,
 * sizes >= 1), an output of output_size (0: state_sizes[0]). build (may be NULL) is called once
 * with the step input's shape (batch, features) and creates weights with sk_layer_add_weight
 * on the cell. name may be NULL ("custom_rnn_cell", ...). destroy(user_data) (may be NULL) runs
 * exactly once, when the cell goes away or before this call returns if it fails.
 * Errors: SK_ERR_INVALID_ARG (step or out NULL, no states, a size < 1, output_size < 0). */
int32_t sk_rnn_cell_create_custom(const char *name, const int64_t *state_sizes, int32_t n_states,
                                  int64_t output_size, sk_layer_build_fn build, sk_rnn_cell_step_fn step,
                                  void *user_data, void (*destroy)(void *user_data), sk_layer **out);

/* The state sizes and output size of a cell (Keras `state_size`, flattened, and `output_size`):
 * *count (may be NULL) receives the number of states and sizes[0..count) their sizes (sizes NULL
 * with capacity 0 only counts); *output_size (may be NULL) the output size.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (not a cell; capacity < count). */
int32_t sk_rnn_cell_state_size(const sk_layer *cell, int64_t *sizes, int32_t capacity, int32_t *count,
                               int64_t *output_size);

/* Stacks cells (Keras `StackedRNNCells(cells)`): each step runs cells[0..n) in order, each one's
 * output the next one's input; the states are every cell's states in order. The cells are
 * shared, not copied. config_json (may be NULL) holds the base keys ("name", "dtype").
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (n < 1, a layer that is not a cell, bad JSON). */
int32_t sk_rnn_cells_stack(const sk_layer *const *cells, int32_t n, const char *config_json, sk_layer **out);

/* Creates the recurrent layer over a cell (Keras `RNN(cell, ...)`): config_json (may be NULL)
 * holds "return_sequences", "return_state", "go_backwards", "stateful", "unroll", "time_major",
 * "zero_output_for_mask", "num_constants" (how many of a call's last inputs are constants given
 * to every step of a custom cell; also the call argument {"num_constants": k} of
 * sk_layer_call_ex; built-in cells take none: SK_ERR_UNIMPLEMENTED) and the base keys. Inputs (batch, steps, features), initial states as
 * extra inputs, masks through sk_layer_call_masked, states through sk_layer_states /
 * sk_layer_reset_states. Over a built-in cell the layer runs like LSTM / GRU / SimpleRNN on the
 * cell's weights; over other cells it calls the cell once per step. The cell is shared.
 * Errors: SK_ERR_INVALID_HANDLE, SK_ERR_INVALID_ARG (not a cell, an unknown key, bad JSON). */
int32_t sk_rnn_create(const sk_layer *cell, const char *config_json, sk_layer **out);

/* A cell held by a layer: the cell of an RNN layer (index 0), or cell `index` of a StackedRNNCells.
 * *out receives a new handle (the same cell object, shared). Errors: SK_ERR_INVALID_HANDLE,
 * SK_ERR_INVALID_ARG (neither an RNN nor stacked cells), SK_ERR_OUT_OF_RANGE (index). */
int32_t sk_rnn_cell(const sk_layer *layer, int32_t index, sk_layer **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_RNN_CELLS_H */
