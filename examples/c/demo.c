/* The seed guide's tensor examples and a gradient, from C through include/swiftkeras.h.
 * Prints the same lines as the Swift demo (.build/release/skdemo). Build:
 *   gcc -std=c11 -O2 -Iinclude examples/c/demo.c -o examples/c/build/demo \
 *       -L.build/release -lswiftkeras -Wl,-rpath,$PWD/.build/release
 */
#include <stdio.h>
#include <stdlib.h>
#include "swiftkeras.h"

/* Stops on an error with the library's message (a real program would recover). */
static void check(int32_t rc) {
    if (rc != SK_OK) {
        fprintf(stderr, "error %d: %s\n", rc, sk_last_error_message());
        exit(1);
    }
}

/* Prints "label: <tensor>" and releases the tensor. */
static void show(const char *label, sk_tensor *t) {
    char text[256];
    check(sk_tensor_to_string(t, text, sizeof text, NULL));
    printf("%s: %s\n", label, text);
    sk_tensor_release(t);
}

int main(void) {
    sk_tensor *a, *b, *t, *r;
    const float av[4] = {1, 2, 3, 4}, bv[4] = {5, 6, 7, 8};
    const int64_t s22[2] = {2, 2}, s4[1] = {4};

    /* 1. Tensor operations. */
    check(sk_tensor_from_data(av, SK_FLOAT32, s22, 2, &a));
    check(sk_tensor_from_data(bv, SK_FLOAT32, s22, 2, &b));
    check(sk_add(a, b, &t));
    check(sk_sum(t, NULL, 0, 0, &r));               /* axes NULL: all */
    sk_tensor_release(t);
    show("Sum", r);                                 /* 36.0 */
    check(sk_multiply(a, b, &t));
    check(sk_prod(t, NULL, 0, 0, &r));
    sk_tensor_release(t);
    show("Product", r);                             /* 40320.0 */
    check(sk_reshape(a, s4, 1, &r));
    show("Reshaped", r);                            /* [1. 2. 3. 4.] */

    /* 2. Mean and variance. */
    sk_tensor *x;
    check(sk_tensor_from_data(av, SK_FLOAT32, s4, 1, &x));
    check(sk_mean(x, NULL, 0, 0, &r));
    show("Mean", r);                                /* 2.5 */
    check(sk_var(x, NULL, 0, 0, &r));
    show("Variance", r);                            /* 1.25 */

    /* 3. Conditional: switch(5 > 0, square(5), abs(5)). */
    sk_tensor *five, *cond, *sq, *ab;
    check(sk_scalar(5, SK_FLOAT32, &five));
    check(sk_greater_scalar(five, SK_INT_VALUE(0), &cond));
    check(sk_square(five, &sq));
    check(sk_abs(five, &ab));
    check(sk_switch(cond, sq, ab, &r));
    show("Result", r);                              /* 25.0 */

    /* 4. Gradient of y = x^2 at x = 3 with a variable and a tape. */
    sk_tensor *init, *xv, *y, *grad;
    sk_variable *v;
    sk_tape *tape;
    check(sk_scalar(3, SK_FLOAT32, &init));
    check(sk_variable_create(init, "x", 1, &v));
    check(sk_tape_create(0, 1, &tape));
    check(sk_tape_start(tape));
    check(sk_variable_read(v, &xv));
    check(sk_square(xv, &y));
    check(sk_tape_stop(tape));
    const sk_variable *sources[1] = {v};
    check(sk_tape_gradient(tape, y, NULL, sources, 1, NULL, SK_UNCONNECTED_NONE, &grad));
    show("Gradient", grad);                         /* 6.0 */

    sk_tape_release(tape);
    sk_variable_release(v);
    sk_tensor *all[] = {a, b, x, five, cond, sq, ab, init, xv, y};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) sk_tensor_release(all[i]);
    return 0;
}
