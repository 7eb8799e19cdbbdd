/* C harness for libswiftkeras: compiled with -std=c11 -Wall -Wextra -Werror -pedantic against
 * include/swiftkeras.h alone. Ends with "N passed, N failed". */
#define _POSIX_C_SOURCE 200809L  /* setenv, mkdtemp, symlink */
#define _XOPEN_SOURCE 700        /* mknod */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "swiftkeras.h"
#include "harness_util.h"


static void test_version(void) {
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", SK_VERSION_MAJOR, SK_VERSION_MINOR, SK_VERSION_PATCH);
    CHECK(strcmp(sk_version(), expect) == 0, "sk_version matches the header macros");
}

static void test_errors(void) {
    sk_clear_error();
    CHECK(sk_last_error_code() == SK_OK, "no error after clear");
    CHECK(strcmp(sk_last_error_message(), "") == 0, "empty message after clear");
    CHECK(sk_set_error(SK_ERR_RUNTIME, "callback failed: x") == SK_ERR_RUNTIME, "set_error returns its code");
    CHECK(sk_last_error_code() == SK_ERR_RUNTIME, "code is kept");
    CHECK(strcmp(sk_last_error_message(), "callback failed: x") == 0, "message is kept exactly");
    sk_set_error(SK_ERR_INVALID_ARG, NULL);
    CHECK(strcmp(sk_last_error_message(), "") == 0, "NULL message reads as empty");
    sk_clear_error();
}

static int deleter_calls = 0;
static void count_deleter(void *data, void *user_data) {
    (void)data;
    deleter_calls += *(int *)user_data;
}

static void test_tensors(void) {
    float data[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    sk_tensor *t = NULL;
    CHECK(sk_tensor_from_data(data, SK_FLOAT32, shape, 2, &t) == SK_OK && t != NULL, "from_data");
    CHECK(sk_tensor_dtype(t) == SK_FLOAT32, "dtype");
    CHECK(sk_tensor_ndim(t) == 2, "ndim");
    CHECK(sk_tensor_size(t) == 6, "size");
    int64_t got[4] = {0};
    CHECK(sk_tensor_shape(t, got, 4) == SK_OK && got[0] == 2 && got[1] == 3, "shape");
    CHECK(sk_tensor_shape(t, got, 1) == SK_ERR_INVALID_ARG, "shape capacity too small");
    float back[6] = {0};
    CHECK(sk_tensor_copy_data(t, back, sizeof back) == SK_OK && back[5] == 6.0f, "copy out");
    CHECK(sk_tensor_copy_data(t, back, 8) == SK_ERR_INVALID_ARG, "copy out: small buffer");
    CHECK(strstr(sk_last_error_message(), "too small") != NULL, "small buffer message");
    const float *p = (const float *)sk_tensor_data(t);
    CHECK(p != NULL && p[2] == 3.0f, "data pointer");

    sk_tensor *c = NULL;
    CHECK(sk_tensor_cast(t, SK_INT32, &c) == SK_OK, "cast");
    int32_t ints[6];
    CHECK(sk_tensor_copy_data(c, ints, sizeof ints) == SK_OK && ints[4] == 5, "cast values");
    sk_tensor_release(c);
    sk_tensor *r = sk_tensor_retain(t);
    CHECK(r == t, "retain returns the handle");
    sk_tensor_release(r);
    sk_tensor_release(t);
    sk_tensor_release(NULL);

    /* Error paths: out is set to NULL, code and message reported. */
    sk_tensor *bad = (sk_tensor *)&shape;
    int64_t neg[1] = {-2};
    CHECK(sk_tensor_from_data(data, SK_FLOAT32, neg, 1, &bad) == SK_ERR_INVALID_ARG && bad == NULL, "negative dim");
    CHECK(strcmp(sk_last_error_message(), "tensor_from_data: negative dimension in shape (-2,)") == 0, "negative dim message");
    CHECK(sk_tensor_from_data(data, 99, shape, 2, &bad) == SK_ERR_DTYPE, "bad dtype");
    CHECK(sk_tensor_from_data(NULL, SK_FLOAT32, shape, 2, &bad) == SK_ERR_INVALID_ARG, "NULL data");
    CHECK(sk_tensor_from_data(data, SK_FLOAT32, NULL, 2, &bad) == SK_ERR_INVALID_ARG, "NULL shape");
    CHECK(sk_tensor_from_data(data, SK_FLOAT32, shape, -1, &bad) == SK_ERR_INVALID_ARG, "negative ndim");
    CHECK(sk_tensor_from_data(data, SK_FLOAT32, shape, 2, NULL) == SK_ERR_INVALID_ARG, "NULL out");
    CHECK(sk_tensor_shape(NULL, got, 4) == SK_ERR_INVALID_HANDLE, "NULL handle");
    CHECK(sk_tensor_ndim(NULL) == -1 && sk_tensor_size(NULL) == -1 && sk_tensor_dtype(NULL) == 0, "NULL inspection");
    CHECK(sk_tensor_cast(NULL, SK_FLOAT32, &bad) == SK_ERR_INVALID_HANDLE && bad == NULL, "cast NULL");
    CHECK(strcmp(sk_last_error_message(), "sk_tensor_cast: tensor is NULL") == 0, "NULL handle message");

    /* Zero-copy borrow: the deleter runs once, at release or on failure. */
    float *buf = (float *)data;
    int one = 1;
    deleter_calls = 0;
    CHECK(sk_tensor_from_buffer(buf, SK_FLOAT32, shape, 2, count_deleter, &one, &t) == SK_OK, "from_buffer");
    CHECK(sk_tensor_data(t) == (const void *)buf, "from_buffer is zero-copy");
    CHECK(deleter_calls == 0, "deleter not yet run");
    sk_tensor_release(t);
    CHECK(deleter_calls == 1, "deleter ran once at release");
    CHECK(sk_tensor_from_buffer(buf, SK_FLOAT32, neg, 1, count_deleter, &one, &t) == SK_ERR_INVALID_ARG, "from_buffer failure");
    CHECK(deleter_calls == 2 && t == NULL, "deleter ran once on failure");
    CHECK(sk_tensor_from_buffer(buf, 42, shape, 2, count_deleter, &one, &t) == SK_ERR_DTYPE && deleter_calls == 3, "deleter on bad dtype");

    /* Creation. */
    CHECK(sk_eye(2, 3, SK_FLOAT64, &t) == SK_OK, "eye");
    double e[6];
    CHECK(sk_tensor_copy_data(t, e, sizeof e) == SK_OK && e[0] == 1 && e[4] == 1 && e[1] == 0, "eye values");
    sk_tensor_release(t);
    CHECK(sk_arange(0, 5, 2, SK_INT64, &t) == SK_OK && sk_tensor_size(t) == 3, "arange");
    sk_tensor_release(t);
    CHECK(sk_arange(0, 5, 0, SK_INT64, &t) == SK_ERR_INVALID_ARG && t == NULL, "arange step 0");
    CHECK(sk_full(shape, 2, 2.5, SK_BFLOAT16, &t) == SK_OK && sk_tensor_dtype(t) == SK_BFLOAT16, "full");
    sk_tensor_release(t);
    CHECK(sk_zeros(shape, 2, SK_UINT8, &t) == SK_OK && sk_tensor_size(t) == 6, "zeros");
    sk_tensor_release(t);
    CHECK(sk_ones(NULL, 0, SK_BOOL, &t) == SK_OK && sk_tensor_ndim(t) == 0, "ones scalar");
    sk_tensor_release(t);
    CHECK(sk_scalar(3.5, SK_FLOAT16, &t) == SK_OK && sk_tensor_size(t) == 1, "scalar");
    sk_tensor_release(t);
    int64_t huge[2] = {INT64_C(1) << 62, 4};
    CHECK(sk_zeros(huge, 2, SK_FLOAT32, &t) == SK_ERR_OUT_OF_MEMORY && t == NULL, "overflowing shape");
}

#include "harness_ops.inc"
#include "harness_autodiff.inc"
#include "harness_threads.inc"
#include "harness_backend_functions.inc"
#include "harness_keras.inc"
#include "harness_optimizers.inc"
#include "harness_fit.inc"
#include "harness_models.inc"
#include "harness_saving.inc"
#include "harness_custom_metrics.inc"
#include "harness_ownership.inc"
#include "harness_rules.inc"
#include "harness_callbacks.inc"
#include "harness_reliability.inc"
#include "harness_golden.inc"
#include "harness_data.inc"
#include "harness_host.inc"
#include "harness_layers_basic.inc"
#include "harness_serialization.inc"
#include "harness_layer_nodes.inc"
#include "harness_confusion_matrix.inc"
#include "harness_linalg.inc"
#include "harness_checkpoint.inc"
#include "harness_metrics_tensorboard.inc"
#include "harness_training_api.inc"
#include "harness_attention.inc"
#include "harness_sequence.inc"
#include "harness_preprocessing.inc"
#include "harness_hdf5.inc"
#include "harness_keras_objects.inc"
#include "harness_checkpoint_state.inc"
#include "harness_linalg_nonfinite.inc"
#include "harness_constraints.inc"
#include "harness_custom_masks.inc"
#include "harness_rnn_cells.inc"
#include "harness_augmentation.inc"
#include "harness_dataset_gather.inc"
#include "harness_multi_output.inc"
#include "harness_guides.inc"
#include "harness_training_steps.inc"
#include "harness_tfops.inc"
#include "harness_multi_output_more.inc"
#include "harness_text.inc"

int main(void) {
    test_version();
    test_errors();
    test_tensors();
    test_elementwise();
    test_reductions();
    test_shape_ops();
    test_linalg_nn();
    test_random();
    test_variables();
    test_tapes();
    test_callbacks();
    test_threads();
    test_backend_functions();
    test_keras();
    test_optimizers();
    test_fit_args();
    test_models();
    test_saving();
    test_custom_metrics();
    test_ownership();
    test_rules();
    test_keras_callbacks();
    test_reliability();
    test_golden();
    test_dataset_basics();
    test_dataset_transformations();
    test_dataset_callbacks();
    test_dataset_training();
    test_data_utils();
    test_host();
    test_layers_basic();
    test_serialization();
    test_layer_nodes();
    test_confusion_matrix();
    test_tf_array_ops();
    test_tf_linalg_image_ops();
    test_linalg_decompositions();
    test_optimizer_state();
    test_metrics_tensorboard();
    test_training_api();
    test_attention();
    test_sequence();
    test_strings();
    test_preprocessing_layers();
    test_keras_objects();
    test_checkpoint_state();
    test_linalg_nonfinite();
    test_constraints();
    test_custom_masks();
    test_guides();
    test_hdf5();
    test_rnn_cells();
    test_augmentation_layers();
    test_strings_split();
    test_dataset_gather();
    test_multi_output();
    test_training_steps();
    test_multi_output_more();
    test_text_preprocessing();
    test_summary_progbar();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
