/*
 * swiftkeras.h — the C API of SwiftKeras, a Keras-backend-style tensor engine.
 *
 * This header is the whole contract: every function declared here is exported by
 * libswiftkeras.so and nothing else is. C99, C++-safe.
 *
 * Conventions
 *  - Fallible calls return an int32_t status (SK_OK = 0) and write results through
 *    out-parameters, which are set to NULL on failure.
 *  - The message of the last error is thread-local: sk_last_error_message() returns it
 *    (valid until the next failing call on the same thread). The library never prints,
 *    exits or aborts on user error.
 *  - Status and dtype codes are explicit and append-only.
 *  - Ownership: every handle (sk_tensor*, sk_variable*, sk_tape*, sk_function*, and the Keras
 *    handles sk_layer*, sk_model*, sk_optimizer*, sk_loss*, sk_history*...) written to an
 *    out-parameter is owned by the caller (+1) and released with the matching sk_*_release
 *    (NULL is a no-op). Handles passed as inputs are borrowed: never consumed, never kept
 *    beyond the call unless documented (sk_custom_gradient keeps its functions).
 *  - Shapes are `const int64_t *shape` + `int32_t ndim`; booleans cross as uint8_t (0 = false).
 *  - The library is compiled for x86-64-v3 (AVX2, FMA, BMI2). On a CPU without them every
 *    fallible call fails with SK_ERR_RUNTIME and a message naming the missing instruction sets
 *    (checked when the library loads), instead of the process dying of an illegal instruction.
 *  - Library output (Keras progress lines of fit at verbose > 0) goes to stdout, flushed at the
 *    end of every line, unless a model's output callback takes it.
 *  - Errors common to every fallible call: SK_ERR_INVALID_HANDLE for a NULL handle argument
 *    that is not documented as optional; SK_ERR_INVALID_ARG for a NULL out-parameter, a NULL
 *    array with a positive count, or a negative count. The message always names the function
 *    or op and the offending shapes / values, e.g. "matmul: shapes (2, 3) and (4, 5) ...".
 *
 * Threads (per function family; each promise is tested by Tests/fuzz/race_capi.c)
 *  - Any function may be called from any thread at any time. The last error is per thread.
 *  - Tensors and ops (tensor.h, ops_generated.h, ops.h, linalg.h, scalar.h, strings.h): thread-safe.
 *    Tensors (string tensors included) are immutable and may be shared freely between threads. Random ops without a seed draw from
 *    one process-wide generator: each draw is atomic; the sequence is reproducible only when
 *    the draws happen in the same order (one thread).
 *  - "Thread" means OS thread. The last error and the recording tape are per OS thread, so a host
 *    whose green threads move between OS threads must pin a sequence that relies on them (a tape's
 *    start ... gradient; a failing call and its sk_last_error_message) to one OS thread — Go:
 *    runtime.LockOSThread() for the duration (see examples/go).
 *  - Settings (settings.h): each get or set is atomic on its own. sk_set_global_policy must not
 *    run while other threads create layers. sk_set_num_threads bounds the helper threads one op
 *    may use.
 *  - sk_variable: each call (read, assign, assign_add, assign_sub) is atomic on its own; a reader
 *    sees the old or the new value, never a mix, and concurrent assign_add / assign_sub lose no
 *    update. A read-modify-write *sequence* made of several calls (read, compute, assign; also
 *    sk_moving_average_update) needs external locking if other threads assign the same variable.
 *    sk_variable_set_trainable must not race with other calls on the same variable.
 *  - sk_tape: a tape records the ops run on the thread that started it, and belongs to that
 *    thread: start/stop/pause/resume/watch/gradient/reset/release must come from one thread at a
 *    time (calls from another thread while it records fail with SK_ERR_RUNTIME where detectable).
 *    Different threads use different tapes concurrently without locking.
 *  - sk_function: the callback may run on whatever thread invokes it (sk_function_call, an op,
 *    or the thread computing a gradient through sk_custom_gradient); it must be reentrant if
 *    shared by several threads.
 *  - Keras objects (layers, models, optimizers, losses, metrics, callbacks, histories; keras.h):
 *    one thread at a time per object, and per model together with the layers, optimizer, loss,
 *    metrics and callbacks it uses — queries (names, shapes, configs, weights) included; calls
 *    on one model from several threads need external locking. Different models train,
 *    evaluate and predict concurrently on different threads. Creating objects by name
 *    (sk_layer_create, sk_metric_create, sk_model_from_config, sk_application_create, ...) is
 *    thread-safe, and so are sk_initializer_call / sk_regularizer_call (a seeded initializer
 *    gives the same values on every thread) and the class registry (sk_register_class /
 *    sk_unregister_class run concurrently with each other and with the creations using it).
 *    A preprocessing layer's adapt is a call on that layer (one thread at a time).
 *  - Files (saving.h): saves to the same path from several threads or processes are
 *    serialized (each completes; the file is one of them, whole) — tensor files and the
 *    checkpoint state file included; loads run concurrently.
 *    File-writing callbacks (CSVLogger) never block on opening: a FIFO nobody reads fails
 *    with SK_ERR_IO.
 *  - Datasets (data.h): a dataset and an element are immutable and may be shared by threads:
 *    transformations, queries (cardinality, structure, element_spec) and
 *    sk_dataset_iterator_create run concurrently on one dataset, each iterator being its own
 *    pass (cache records the first pass to finish; seeded shuffles give every pass the order
 *    of its pass number). An iterator is used from one thread at a time. Releasing a dataset
 *    while its iterators run is allowed (they keep what they need); keras.utils functions
 *    are thread-safe.
 *
 * Callbacks (every function pointer the API takes: sk_callback, layer build / call, losses,
 * metric update / result / reset, learning-rate schedules, fit's progress and hooks,
 * sk_callback_hooks, output and skipped-weight callbacks, dataset generators / map / filter)
 *  - They run synchronously on the thread that made the API call (fit, predict, an op,
 *    sk_function_call, a gradient...), with that thread's tape recording the ops they run.
 *  - They may call any function of this API on other objects, and read (not modify) the
 *    object running them through the handles they are given.
 *  - A callback of a model's fit / evaluate / predict may release the caller's handles of that
 *    model (the call keeps the model alive until it returns), but must not call fit, evaluate,
 *    predict, train_on_batch, test_on_batch, compile, load_weights or sk_model_add on that
 *    model (none is reentrant), nor modify the layers, optimizer or loss it is using.
 *  - Inputs given to a callback are borrowed for the duration of the call: never release them
 *    nor keep them after returning (retain a tensor with sk_tensor_retain to keep it). Outputs
 *    are +1 handles the callback creates; on failure it may leave them NULL.
 *  - A callback returns SK_OK or a status (after sk_set_error for a message); it must return:
 *    never longjmp or unwind (C++ exceptions) through the library, never block forever.
 *    Output callbacks (sk_output_fn) and sk_skipped_fn cannot fail.
 *  - destroy(user_data) runs exactly once, when the last reference to the object holding the
 *    callback goes away, on the thread that releases it.
 *  - Dataset callbacks (sk_dataset_next_fn, close, map, filter predicate) are the exception to
 *    the first rule: they run on the thread calling sk_dataset_iterator_next (fit, evaluate
 *    and predict on a dataset included) — or on the prefetch thread below an
 *    sk_dataset_prefetch — and, for a dataset iterated by several threads, on several threads
 *    at once: they must be reentrant. They may create tensors and elements and run ops, but
 *    must not iterate or release the dataset they belong to, nor block waiting for the thread
 *    iterating it. Inputs (the element given to map / filter) are borrowed; *out is +1.
 */
#ifndef SWIFTKERAS_H
#define SWIFTKERAS_H

/* The API by area; each part is self-contained and includes what it needs. */
#include "swiftkeras/base.h"
#include "swiftkeras/settings.h"
#include "swiftkeras/tensor.h"
#include "swiftkeras/ops_generated.h"
#include "swiftkeras/autodiff.h"
#include "swiftkeras/ops.h"
#include "swiftkeras/linalg.h"
#include "swiftkeras/keras.h"
#include "swiftkeras/layers.h"
#include "swiftkeras/constraints.h"
#include "swiftkeras/rnn_cells.h"
#include "swiftkeras/models.h"
#include "swiftkeras/losses.h"
#include "swiftkeras/optimizers.h"
#include "swiftkeras/metrics.h"
#include "swiftkeras/data.h"
#include "swiftkeras/training.h"
#include "swiftkeras/training_outputs.h"
#include "swiftkeras/training_steps.h"
#include "swiftkeras/callbacks.h"
#include "swiftkeras/saving.h"
#include "swiftkeras/serialization.h"
#include "swiftkeras/strings.h"
#include "swiftkeras/preprocessing.h"
#include "swiftkeras/text.h"
#include "swiftkeras/summary.h"

/* BEGIN FUNCTION INDEX (tools/header_index.py)
 * swiftkeras/base.h:
 *   sk_clear_error() sk_last_error_code() sk_last_error_message() sk_set_error() sk_version()
 * swiftkeras/settings.h:
 *   sk_dtype_standardize() sk_epsilon() sk_floatx() sk_get_num_threads() sk_image_data_format()
 *   sk_policy_dtypes() sk_result_type() sk_set_epsilon() sk_set_floatx() sk_set_image_data_format()
 *   sk_set_num_threads() sk_snake_case()
 * swiftkeras/tensor.h:
 *   sk_arange() sk_eye() sk_full() sk_ones() sk_scalar() sk_tensor_cast() sk_tensor_copy_data()
 *   sk_tensor_data() sk_tensor_dtype() sk_tensor_from_buffer() sk_tensor_from_data()
 *   sk_tensor_ndim() sk_tensor_release() sk_tensor_retain() sk_tensor_shape() sk_tensor_size()
 *   sk_tensor_to_string() sk_zeros()
 * swiftkeras/ops_generated.h:
 *   sk_abs() sk_add() sk_add_n() sk_add_scalar() sk_adjust_contrast() sk_adjust_hsv() sk_all()
 *   sk_any() sk_argmax() sk_argmin() sk_argsort() sk_batch_dot() sk_batch_flatten()
 *   sk_batch_normalization() sk_bias_add() sk_binary_crossentropy() sk_binary_focal_crossentropy()
 *   sk_bincount() sk_broadcast_to() sk_categorical_crossentropy()
 *   sk_categorical_focal_crossentropy() sk_ceil() sk_cholesky() sk_clip() sk_clip_tensor()
 *   sk_concatenate() sk_confusion_matrix() sk_conv1d() sk_conv2d() sk_conv2d_transpose()
 *   sk_conv3d() sk_conv3d_transpose() sk_cos() sk_cross() sk_ctc_batch_cost() sk_cumprod()
 *   sk_cumsum() sk_depthwise_conv2d() sk_divide() sk_divide_no_nan() sk_divide_scalar() sk_dot()
 *   sk_dropout() sk_elu() sk_equal() sk_equal_scalar() sk_erf() sk_exp() sk_expand_dims()
 *   sk_expm1() sk_extract_patches() sk_flatten() sk_floor() sk_floor_divide() sk_gather()
 *   sk_gather_nd() sk_greater() sk_greater_equal() sk_greater_scalar() sk_hard_sigmoid()
 *   sk_in_top_k() sk_l2_normalize() sk_less() sk_less_equal() sk_less_scalar() sk_log() sk_log1p()
 *   sk_log_softmax() sk_logical_and() sk_logical_not() sk_logical_or() sk_logsumexp()
 *   sk_lstsq_minimum_norm() sk_matmul() sk_matrix_determinant() sk_matrix_inverse() sk_max()
 *   sk_maximum() sk_maximum_scalar() sk_mean() sk_min() sk_minimum() sk_minimum_scalar() sk_mod()
 *   sk_multiply() sk_multiply_scalar() sk_negative() sk_not_equal() sk_one_hot() sk_ones_like()
 *   sk_pad() sk_pool2d() sk_pool3d() sk_pow() sk_pow_scalar() sk_prod() sk_random_bernoulli()
 *   sk_random_normal() sk_random_uniform() sk_relu() sk_repeat() sk_repeat_elements() sk_reshape()
 *   sk_resize() sk_resize_images() sk_resize_volumes() sk_reverse() sk_roll() sk_round()
 *   sk_scatter_nd() sk_searchsorted() sk_separable_conv2d() sk_set_diag() sk_sigmoid() sk_sign()
 *   sk_sin() sk_slice() sk_softmax() sk_softplus() sk_softsign()
 *   sk_sparse_categorical_crossentropy() sk_spatial_2d_padding() sk_spatial_3d_padding() sk_sqrt()
 *   sk_square() sk_squeeze() sk_stack() sk_std() sk_stop_gradient() sk_subtract()
 *   sk_subtract_scalar() sk_sum() sk_switch() sk_take_along_axis() sk_tanh() sk_temporal_padding()
 *   sk_tensor_scatter_nd() sk_tile() sk_transpose() sk_triangular_solve() sk_truncated_normal()
 *   sk_unique() sk_unique_counts() sk_unique_indices() sk_unsorted_segment_sum() sk_var()
 *   sk_weak_scalar() sk_where() sk_zeros_like()
 * swiftkeras/autodiff.h:
 *   sk_custom_gradient() sk_function_call() sk_function_create() sk_function_release()
 *   sk_tape_batch_jacobian() sk_tape_create() sk_tape_gradient() sk_tape_jacobian() sk_tape_pause()
 *   sk_tape_release() sk_tape_reset() sk_tape_resume() sk_tape_start() sk_tape_stop()
 *   sk_tape_watch() sk_tape_watch_variable() sk_variable_assign() sk_variable_assign_add()
 *   sk_variable_assign_sub() sk_variable_create() sk_variable_dtype() sk_variable_name()
 *   sk_variable_ndim() sk_variable_read() sk_variable_release() sk_variable_set_trainable()
 *   sk_variable_shape() sk_variable_trainable()
 * swiftkeras/ops.h:
 *   sk_ctc_decode() sk_ctc_label_dense_to_sparse() sk_foldl() sk_foldr() sk_map_fn()
 *   sk_moving_average_update() sk_rnn() sk_set_random_seed() sk_split() sk_split_sizes()
 *   sk_strided_slice()
 * swiftkeras/linalg.h:
 *   sk_linalg_eigh() sk_linalg_qr() sk_linalg_svd()
 * swiftkeras/layers.h:
 *   sk_global_policy() sk_initializer_call() sk_initializer_config() sk_input()
 *   sk_keras_tensor_release() sk_keras_tensor_shape() sk_layer_add_loss() sk_layer_add_weight()
 *   sk_layer_call() sk_layer_call_ex() sk_layer_call_masked() sk_layer_call_multi()
 *   sk_layer_call_symbolic() sk_layer_call_symbolic_ex() sk_layer_call_symbolic_multi()
 *   sk_layer_class_name() sk_layer_count_params() sk_layer_create() sk_layer_create_custom()
 *   sk_layer_losses() sk_layer_name() sk_layer_release() sk_layer_reset_states()
 *   sk_layer_set_mask_fns() sk_layer_set_weights() sk_layer_states() sk_layer_supports_masking()
 *   sk_layer_track() sk_layer_track_variable() sk_layer_variables() sk_layer_weights()
 *   sk_model_create_custom() sk_regularizer_call() sk_regularizer_config() sk_set_global_policy()
 * swiftkeras/constraints.h:
 *   sk_constraint_call() sk_constraint_config() sk_layer_set_constraint()
 *   sk_layer_set_constraint_custom() sk_register_constraint_class() sk_variable_set_constraint()
 *   sk_variable_set_constraint_custom()
 * swiftkeras/rnn_cells.h:
 *   sk_rnn_cell() sk_rnn_cell_create_custom() sk_rnn_cell_state_size() sk_rnn_cells_stack()
 *   sk_rnn_create()
 * swiftkeras/models.h:
 *   sk_model_add() sk_model_as_layer() sk_model_create() sk_model_kind() sk_model_layers()
 *   sk_model_num_inputs() sk_model_release() sk_model_summary() sk_model_trainable_weights()
 *   sk_sequential_create()
 * swiftkeras/losses.h:
 *   sk_loss_call() sk_loss_create() sk_loss_create_config() sk_loss_create_custom()
 *   sk_loss_create_custom_ex() sk_loss_release()
 * swiftkeras/optimizers.h:
 *   sk_loss_scale_optimizer_create() sk_loss_scale_optimizer_loss_scale()
 *   sk_optimizer_apply_gradients() sk_optimizer_create() sk_optimizer_create_config()
 *   sk_optimizer_get_config() sk_optimizer_iterations() sk_optimizer_learning_rate()
 *   sk_optimizer_release() sk_optimizer_restore_state() sk_optimizer_set_learning_rate()
 *   sk_optimizer_set_schedule_callback() sk_optimizer_state() sk_optimizer_state_names()
 *   sk_schedule_value()
 * swiftkeras/metrics.h:
 *   sk_metric_create() sk_metric_create_callbacks() sk_metric_create_custom() sk_metric_function()
 *   sk_metric_name() sk_metric_release() sk_metric_reset_state() sk_metric_result()
 *   sk_metric_update_state()
 * swiftkeras/data.h:
 *   sk_dataset_batch() sk_dataset_cache() sk_dataset_cardinality() sk_dataset_concatenate()
 *   sk_dataset_element_create() sk_dataset_element_num_tensors() sk_dataset_element_release()
 *   sk_dataset_element_spec() sk_dataset_element_structure() sk_dataset_element_tensor()
 *   sk_dataset_enumerate() sk_dataset_filter() sk_dataset_from_callback()
 *   sk_dataset_from_tensor_slices() sk_dataset_from_tensors() sk_dataset_iterator_create()
 *   sk_dataset_iterator_next() sk_dataset_iterator_release() sk_dataset_map()
 *   sk_dataset_padded_batch() sk_dataset_prefetch() sk_dataset_range() sk_dataset_rebatch()
 *   sk_dataset_release() sk_dataset_repeat() sk_dataset_shuffle() sk_dataset_skip()
 *   sk_dataset_structure() sk_dataset_take() sk_dataset_timeseries() sk_dataset_unbatch()
 *   sk_dataset_zip() sk_pad_sequences() sk_to_categorical()
 * swiftkeras/training.h:
 *   sk_fit_args_init() sk_history_epochs() sk_history_key() sk_history_num_keys()
 *   sk_history_release() sk_history_values() sk_model_compile() sk_model_compile_config()
 *   sk_model_compile_ex() sk_model_evaluate() sk_model_evaluate_dataset()
 *   sk_model_evaluate_dataset_callbacks() sk_model_evaluate_weighted() sk_model_fit()
 *   sk_model_fit_ex() sk_model_loss() sk_model_metrics() sk_model_optimizer() sk_model_predict()
 *   sk_model_predict_dataset() sk_model_predict_dataset_callbacks() sk_model_set_live_callback()
 *   sk_model_set_output_callback() sk_model_test_on_batch() sk_model_train_on_batch()
 * swiftkeras/training_outputs.h:
 *   sk_model_compile_outputs() sk_model_create_keyed() sk_model_io_keys()
 *   sk_model_on_batch_outputs() sk_model_output_names() sk_model_predict_dataset_outputs()
 *   sk_validation_split()
 * swiftkeras/training_steps.h:
 *   sk_layer_add_loss_fn() sk_layer_add_metric() sk_layer_metrics() sk_model_add_symbolic_loss()
 *   sk_model_add_symbolic_metric() sk_model_compiled_loss() sk_model_compiled_metrics_update()
 *   sk_model_predict_step_default() sk_model_set_predict_step() sk_model_set_step_metrics()
 *   sk_model_set_test_step() sk_model_set_train_step() sk_model_test_step_default()
 *   sk_model_train_step_default() sk_step_logs_set()
 * swiftkeras/callbacks.h:
 *   sk_callback_context_param() sk_callback_context_set_log()
 *   sk_callback_context_set_stop_training() sk_callback_create() sk_callback_create_custom()
 *   sk_callback_create_lr_scheduler() sk_history_epoch() sk_history_param()
 *   sk_keras_callback_release() sk_keras_callback_state()
 * swiftkeras/saving.h:
 *   sk_checkpoint_state_read() sk_checkpoint_state_write() sk_model_file_compile_config()
 *   sk_model_load() sk_model_load_ex() sk_model_load_weights() sk_model_load_weights_by_name()
 *   sk_model_load_weights_ex() sk_model_save() sk_model_save_weights() sk_tensors_load()
 *   sk_tensors_names() sk_tensors_save()
 * swiftkeras/serialization.h:
 *   sk_application_create() sk_imagenet_decode_predictions() sk_imagenet_preprocess_input()
 *   sk_keras_tensor_dtype() sk_layer_build() sk_layer_compute_output_shape() sk_layer_get_config()
 *   sk_layer_node_count() sk_layer_node_tensors() sk_layer_set_config_fn() sk_layer_set_trainable()
 *   sk_layer_trainable() sk_model_from_config() sk_model_inputs() sk_model_outputs() sk_model_pop()
 *   sk_model_summary_ex() sk_register_class() sk_reset_layer_names() sk_unregister_class()
 *   sk_variable_id()
 * swiftkeras/strings.h:
 *   sk_strings_join() sk_strings_length() sk_strings_lower() sk_strings_ngrams()
 *   sk_strings_reduce_join() sk_strings_regex_replace() sk_strings_split() sk_strings_strip()
 *   sk_strings_substr() sk_strings_to_number() sk_strings_unicode_split() sk_strings_upper()
 *   sk_tensor_from_strings() sk_tensor_string_at()
 * swiftkeras/preprocessing.h:
 *   sk_layer_adapt() sk_layer_adapt_dataset() sk_layer_vocabulary()
 * swiftkeras/text.h:
 *   sk_text_hashing_trick_md5() sk_text_to_word_sequence() sk_tokenizer_config()
 *   sk_tokenizer_fit_on_sequences() sk_tokenizer_fit_on_texts() sk_tokenizer_sequences_to_matrix()
 *   sk_tokenizer_sequences_to_texts() sk_tokenizer_texts_to_sequences()
 * swiftkeras/summary.h:
 *   sk_progbar_create() sk_progbar_release() sk_progbar_seen() sk_progbar_update()
 *   sk_summary_histogram() sk_summary_scalar() sk_summary_text() sk_summary_writer_close()
 *   sk_summary_writer_create() sk_summary_writer_init() sk_summary_writer_path()
 *   sk_summary_writer_release()
   END FUNCTION INDEX */

#endif /* SWIFTKERAS_H */
