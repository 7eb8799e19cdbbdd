/* fit's output is flushed at the end of each line: this program trains 3 epochs at verbose 2 and
 * leaves with _exit (no stdio flush, as a Go program's exit). Run with stdout to a file or pipe;
 * the Makefile then counts the 3 "Epoch i/3" lines. */
#include <stdio.h>
#include <unistd.h>
#include "swiftkeras.h"

static void check(int32_t rc) {
    if (rc != SK_OK) { fprintf(stderr, "error %d: %s\n", rc, sk_last_error_message()); _exit(1); }
}

int main(void) {
    const float xs[8] = {0, 1, 2, 3, 4, 5, 6, 7}, ys[4] = {1, 2, 3, 4};
    const int64_t xshape[2] = {4, 2}, yshape[2] = {4, 1};
    sk_tensor *x = NULL, *y = NULL;
    sk_layer *dense = NULL;
    sk_model *model = NULL;
    sk_history *history = NULL;
    check(sk_tensor_from_data(xs, SK_FLOAT32, xshape, 2, &x));
    check(sk_tensor_from_data(ys, SK_FLOAT32, yshape, 2, &y));
    check(sk_layer_create("Dense", "{\"units\": 1, \"input_shape\": [2]}", &dense));
    const sk_layer *layers[1] = {dense};
    check(sk_sequential_create(layers, 1, "flush", &model));
    check(sk_model_compile(model, "sgd", NULL, "mse", NULL, NULL, 0));
    sk_fit_args args;
    check(sk_fit_args_init(&args, sizeof args));
    args.epochs = 3;
    args.verbose = 2;
    const sk_tensor *inputs[1] = {x};
    check(sk_model_fit_ex(model, inputs, 1, y, &args, &history));
    _exit(0);  /* no exit(): nothing flushes stdio buffers after this */
}
