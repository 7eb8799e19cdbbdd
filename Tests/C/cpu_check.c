/* A CPU without the instruction sets the library is compiled for gets an error, not SIGILL.
 * Run with SWIFTKERAS_TEST_HIDE_CPU_FEATURES=avx2,fma (the load-time check then sees a CPU
 * without them): every fallible call fails with SK_ERR_RUNTIME, out-parameters NULL, and a
 * message naming what is missing. Prints "N passed, N failed". */
#include <stdio.h>
#include <string.h>
#include "swiftkeras.h"

static int passed = 0, failed = 0;
#define CHECK(cond, what) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s [%d: %s]\n", what, \
    sk_last_error_code(), sk_last_error_message()); } } while (0)

int main(void) {
    const float v[2] = {1, 2};
    const int64_t shape[1] = {2};
    sk_tensor *t = (sk_tensor *)&t;  /* not NULL: the call must set it to NULL */
    CHECK(sk_tensor_from_data(v, SK_FLOAT32, shape, 1, &t) == SK_ERR_RUNTIME && t == NULL, "sk_tensor_from_data fails");
    const char *m = sk_last_error_message();
    CHECK(strstr(m, "x86-64-v3") != NULL && strstr(m, "lacks: AVX2 FMA") != NULL, "the message names the missing instruction sets");
    printf("message: %s\n", m);
    CHECK(sk_scalar(1, SK_FLOAT32, &t) == SK_ERR_RUNTIME && t == NULL, "sk_scalar fails");
    CHECK(sk_set_num_threads(1) == SK_ERR_RUNTIME, "sk_set_num_threads fails");
    CHECK(sk_set_floatx("float64") == SK_ERR_RUNTIME, "sk_set_floatx fails");
    sk_layer *l = NULL;
    CHECK(sk_layer_create("Dense", "{\"units\": 1}", &l) == SK_ERR_RUNTIME && l == NULL, "sk_layer_create fails");
    CHECK(strcmp(sk_version(), "") != 0, "sk_version still answers");
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
