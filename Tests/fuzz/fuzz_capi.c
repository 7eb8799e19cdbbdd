/* Hostile-call fuzzer of the C API: every function the header declares (the call table
 * build/capi_calls.inc is generated from the header by gen_capi_calls.py) is called with
 * hostile arguments — NULL handles and arrays, negative / huge / overflowing dims and counts,
 * out-of-range dtype codes and axes, empty tensors (also with dims like 2^62), NaN / Inf,
 * invalid JSON / UTF-8 configs, absurd config values, corrupt files, FIFOs, callbacks that fail
 * without setting their outputs — in forked children. A child killed by a signal is a crash,
 * one that outlives its time limit a hang; both are failures, reported with the seed and the
 * function that was running, so `fuzz_capi --seed S --children 1` reproduces it.
 * A failing call must also leave its handle out-parameter NULL (the header's contract):
 * violations are counted and listed.
 *
 *   fuzz_capi [--calls N] [--per-child K] [--seed S] [--timeout SEC] [--dir TMPDIR] [--only SUBSTR,...]
 *   (--only: call only the functions whose names contain one of the substrings)
 *
 * Prints "capi fuzz: N calls tried, C crashes, H hangs, V contract violations" and exits 1 when
 * there was a crash, a hang or a violation. Children run one at a time, each under a 1.5 GB
 * address-space limit (an allocation the machine cannot give must fail with
 * SK_ERR_OUT_OF_MEMORY, not take the machine down). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "swiftkeras.h"

/* ---- state shared with the parent (MAP_SHARED) ---- */
typedef struct {
    long calls;            /* calls started by all children */
    int last_fn;           /* index of the call running in the current child */
    long last_call;        /* its number within the child */
    long violations;       /* failing calls that left an out-parameter non-NULL */
    int pool_sizes[64];    /* live objects per handle kind in the first child (-1: not known) */
    char violation_names[16][64];
    int n_violation_names;
    long context_hooks;    /* hook calls that put a live callback context into the pool */
    long step_hooks;       /* custom train steps that put live step logs into the pool */
} shared_state;
static shared_state *shared;

/* ---- a small PRNG (reproducible per child seed) ---- */
static uint64_t rng_state = 1;
static uint64_t next_u64(void) {
    uint64_t x = rng_state;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return rng_state = x;
}
static int pick(int n) { return (int)(next_u64() % (uint64_t)n); }
#define PICK(arr) (arr[pick((int)(sizeof arr / sizeof arr[0]))])

/* ---- hostile scalars ---- */
static int64_t h_i64(void) {
    static const int64_t v[] = {0, 1, -1, 2, -2, 3, 4, 7, 64, -64, INT64_C(2147483647), INT64_C(-2147483648),
                                INT64_C(1) << 31, INT64_C(1) << 40, INT64_C(1) << 62, INT64_MAX, INT64_MIN, 1, 0, 2};
    return PICK(v);
}
static int32_t h_i32(void) {
    static const int32_t v[] = {0, 1, -1, 2, 3, 4, 5, 7, 8, 9, 64, 65, 99, -100, INT32_MAX, INT32_MIN, 1 << 20, 0, 1, 2};
    return PICK(v);
}
static int32_t h_count(void) {  /* counts never exceed the 64 entries of the arrays passed */
    static const int32_t v[] = {0, 1, 2, 3, 4, -1, 64, INT32_MIN, 1, 2};
    return PICK(v);
}
static int32_t h_epochs(void) { static const int32_t v[] = {-1, 0, 1, 2}; return PICK(v); }
static int32_t h_dtype(void) { static const int32_t v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 99, INT32_MAX, 1, 5}; return PICK(v); }
static uint8_t h_u8(void) { static const uint8_t v[] = {0, 1, 2, 255}; return PICK(v); }
static uint64_t h_u64(void) { static const uint64_t v[] = {0, 1, 3, 12345, UINT64_C(1) << 63, UINT64_MAX}; return PICK(v); }
static double h_double(void) {
    static const double v[] = {0, 1, -1, 0.5, 2, 1e-7, 0.999999, 1e18, 9007199254740993.0, 1e308, -1e308, 5e-324,
                               NAN, INFINITY, -INFINITY, 0.1, 3};
    return PICK(v);
}
static size_t h_size(void) { static const size_t v[] = {0, 1, 7, 8, 16, 64, 4096}; return PICK(v); }
static sk_fit_args fit_args_buf[2];
static size_t h_struct_size(void) {
    static const size_t v[] = {0, 1, 8, sizeof(sk_fit_args), sizeof(sk_fit_args) - 8, sizeof(sk_fit_args) / 2};
    return PICK(v);
}
static sk_scalar_value h_scalar(void) {
    sk_scalar_value s;
    memset(&s, 0, sizeof s);
    static const int32_t kinds[] = {SK_SCALAR_INT, SK_SCALAR_FLOAT, SK_SCALAR_BOOL, 0, 99, -1};
    s.kind = PICK(kinds);
    if (s.kind == SK_SCALAR_FLOAT) s.v.f = h_double();
    else if (s.kind == SK_SCALAR_BOOL) s.v.b = h_u8();
    else s.v.i = h_i64();
    return s;
}

/* ---- hostile arrays (64 entries each, so any count passed is in bounds) ---- */
static int64_t shape_buf[8][64];
static int shape_next = 0;
static const int64_t *h_shape(int for_data) {
    /* shapes that describe caller data stay small or overflow / exceed any allocation (the
     * data buffer is 64 MB); other shapes and axes are anything */
    static const int64_t data_dims[] = {0, 1, 2, 3, 7, 64, -1, -5, INT64_C(1) << 33, INT64_C(1) << 62, INT64_MAX, 1, 2};
    static const int64_t dims[] = {0, 1, 2, 3, 4, -1, -2, 64, INT64_C(1) << 31, INT64_C(1) << 62, INT64_MAX, INT64_MIN,
                                   1, 2, 0, -3, 5};
    if (pick(10) == 0) return NULL;
    int64_t *a = shape_buf[shape_next++ % 8];
    int rank = pick(4) + 1;
    for (int i = 0; i < 64; i++) {
        if (for_data) a[i] = i < rank ? PICK(data_dims) : 1;
        else a[i] = PICK(dims);
    }
    if (for_data && pick(3)) for (int i = 0; i < 64; i++) if (a[i] > 64 || a[i] < -5) a[i] = 2;
    return a;
}
/* input arrays: 4096 entries (a size_t length drawn by h_size stays within them), the first 64
 * hostile, the rest repeating them */
#define IN_N 4096
static int32_t i32_in[IN_N];
static double f64_in[IN_N];
static float f32_in[IN_N];
static size_t size_in[IN_N];
static uint8_t u8_in[IN_N];
#define FILL_IN(arr, gen) do { for (int i = 0; i < 64; i++) arr[i] = gen; for (int i = 64; i < IN_N; i++) arr[i] = arr[i % 64]; } while (0)
static const int32_t *in_int32(void) { FILL_IN(i32_in, h_i32()); return pick(8) ? i32_in : NULL; }
static const double *in_double(void) { FILL_IN(f64_in, h_double()); return pick(8) ? f64_in : NULL; }
static const float *in_float(void) { FILL_IN(f32_in, (float)h_double()); return pick(8) ? f32_in : NULL; }
static const size_t *in_size(void) { FILL_IN(size_in, h_size()); return pick(8) ? size_in : NULL; }
static const uint8_t *in_uint8(void) { FILL_IN(u8_in, h_u8()); return pick(8) ? u8_in : NULL; }

/* out-parameters of plain types: big enough for any capacity passed */
static int64_t i64_out[4096];
static int32_t i32_out[4096];
static double f64_out[4096];
static float f32_out[4096];
static void *ptrs_out[4096];
static size_t size_out[4096];
static uint8_t u8_out[4096];
static char chars_out[4096 * 8];
static const char *strings_out[4096];
static unsigned char bytes_out[4096 * 8];
static int64_t *out_i64(void) { return pick(10) ? i64_out : NULL; }
static int32_t *out_int32(void) { return pick(10) ? i32_out : NULL; }
static double *out_double(void) { return pick(10) ? f64_out : NULL; }
static float *out_float(void) { return pick(10) ? f32_out : NULL; }
/* pointers the library writes (void **, double **, ...; what they point to is leaked: the
 * harness cannot know how to free it) and handle out-parameters without a release function */
static void **out_ptrs(void) { memset(ptrs_out, 0, sizeof ptrs_out); return pick(10) ? ptrs_out : NULL; }
static void **out_slots(void) { return out_ptrs(); }
static size_t *out_size(void) { return pick(10) ? size_out : NULL; }
static uint8_t *out_uint8(void) { return pick(10) ? u8_out : NULL; }
static char *out_chars(void) { return pick(10) ? chars_out : NULL; }
static const char **out_strings(void) { return pick(10) ? strings_out : NULL; }
static void *out_bytes(void) { return pick(10) ? (void *)bytes_out : NULL; }

/* caller data: 64 MB of zero pages (untouched pages cost nothing) */
static void *data_region;
static const void *h_data(void) { return pick(10) ? data_region : NULL; }
/* arrays of arrays the harness cannot size (const int64_t *const *, ...): 64 pointers to the
 * zero pages, 1 in 20 NULL; or a NULL array */
static const void *zero_ptrs[64];
static const void *const *arr_zero_ptrs(void) {
    for (int i = 0; i < 64; i++) zero_ptrs[i] = pick(20) ? data_region : NULL;
    return pick(8) ? zero_ptrs : NULL;
}

/* ---- strings ---- */
static char deep_json[200001];
static char long_name[5001];
static const char *h_string(void) {
    static const char *v[] = {NULL, "", "Dense", "Adam", "SGD", "mse", "mean_squared_error", "AUC", "accuracy",
                              "float32", "float64", "int32", "bool", "complex64", "mixed_float16", "channels_first",
                              "channels_last", "relu", "softmax", "glorot_uniform", "x\xff\xfe", "\xc3\x28", "nan",
                              "Sequential", "EarlyStopping", "loss", "val_loss", "{", "dense/kernel", "a b", "..", "/",
                              /* preprocessing and applications, string ops, optimizer state names */
                              "StringLookup", "IntegerLookup", "TextVectorization", "Normalization", "Discretization",
                              "Hashing", "CategoryEncoding", "MobileNetV2", "VGG16", "ResNet50", "[aeiou]", "[^a-z ]+",
                              "(a|b)*", "Adam", "initializer", "regularizer", "LSTM", "Embedding", "m", "iterations",
                              "ModelCheckpoint", "CSVLogger", "TensorBoard", "BackupAndRestore"};
    int k = pick(60);
    if (k == 0) return long_name;
    return k < (int)(sizeof v / sizeof v[0]) ? v[k] : v[pick((int)(sizeof v / sizeof v[0]))];
}
static char config_buf[4][1024];
static int config_next = 0;
static const char *h_config(void) {
    static const char *fixed[] = {NULL, "", "{", "}", "[]", "null", "{}", "{\"units\": 2}", "\xff", "{\"a\":1,\"a\":2}",
                                  "{\"units\": 2, \"activation\": \"nonexistent\"}", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
                                  "{\"units\": 1e999}", "{\"learning_rate\": NaN}", "{\"learning_rate\": -Infinity}",
                                  "{\"num_thresholds\": 1099511627776}", "{\"units\": \"\\ud800\"}", "{\"units\": 2}garbage"};
    static const char *keys[] = {"units", "filters", "kernel_size", "rate", "num_thresholds", "input_dim", "output_dim",
                                 "learning_rate", "momentum", "beta_1", "epsilon", "patience", "axis", "pool_size",
                                 "strides", "dilation_rate", "padding", "activation", "use_bias", "dtype", "name",
                                 "thresholds", "top_k", "k", "from_logits", "reduction", "target_shape", "dims",
                                 "n", "size", "alpha", "min_delta", "factor", "initial_learning_rate", "decay_steps",
                                 "boundaries", "values", "data_format", "return_sequences", "class_id", "depth_multiplier",
                                 "groups", "cropping", "input_shape", "batch_input_shape", "trainable", "seed"};
    static const char *values[] = {"0", "1", "-1", "2", "3", "1e308", "-1e308", "NaN", "Infinity", "0.5", "1099511627776",
                                   "9223372036854775807", "-9223372036854775808", "18446744073709551616", "null", "true",
                                   "\"same\"", "\"valid\"", "\"causal\"", "\"\"", "[]", "[0]", "[-1, -1]", "[2, 2]",
                                   "[1099511627776, 2]", "[1e300]", "{}", "\"relu\"", "\"bogus\"", "[2, 0, 2]", "64"};
    int k = pick(4);
    if (k == 0) {
        int j = pick((int)(sizeof fixed / sizeof fixed[0]) + 1);
        return j == (int)(sizeof fixed / sizeof fixed[0]) ? deep_json : fixed[j];
    }
    char *b = config_buf[config_next++ % 4];
    int n = pick(4);
    size_t len = (size_t)snprintf(b, 1024, "{");
    for (int i = 0; i < n && len < 900; i++)
        len += (size_t)snprintf(b + len, 1024 - len, "%s\"%s\": %s", i ? ", " : "", PICK(keys), PICK(values));
    snprintf(b + len, 1024 - len, "}");
    return b;
}
static char paths[16][1200];
static int n_paths = 0;
static const char *h_path(void) {
    /* never a system file: a library that replaced what it saves over would destroy it (the
     * device node and FIFO cases use private nodes in the child's directory) */
    static const char *fixed[] = {NULL, "", "/nonexistent/dir/x.safetensors"};
    int k = pick(n_paths + 3);
    return k < 3 ? fixed[k] : paths[k - 3];
}
/* text with an explicit length (a const char * followed by its length, at most 4096 by h_size):
 * NULs, invalid UTF-8, lone surrogates, long runs */
static char text_buf[8][4097];
static int text_next = 0;
static const char *h_text(void) {
    static const char *pieces[] = {"hello", " ", "\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a,b", "\t\n",
                                   "[UNK]", "\xe2\x82\xac", "{", "\"", "\\", "0", "-1e308", "\xef\xbb\xbf"};
    if (pick(10) == 0) return NULL;
    char *b = text_buf[text_next++ % 8];
    size_t len = 0;
    while (len < 4096) {
        if (pick(8) == 0) { b[len++] = 0; continue; }
        const char *p = PICK(pieces);
        for (; *p && len < 4096; p++) b[len++] = *p;
    }
    b[4096] = 0;
    return b;
}
/* structure / spec / shape JSON (tf.data's "t", tuples and dicts) and the hostile configs */
static char json_buf[4][1200];
static int json_next = 0;
static const char *h_json(void) {
    static const char *v[] = {"\"t\"", "[\"t\", \"t\"]", "[{\"a\": \"t\", \"b\": \"t\"}, \"t\"]", "{\"x\": \"t\"}", "[]", "{}",
                              "[[\"t\"]]", "\"u\"", "[\"t\", 1]", "[null]", "[[2, 3], [null]]", "[[-1]]", "[[1099511627776]]",
                              "[{\"dtype\": \"float32\", \"shape\": [null, 3]}]", "[{\"dtype\": \"bogus\", \"shape\": [-7]}]",
                              "[{\"dtype\": \"int32\"}]", "{\"a\": \"t\", \"a\": \"t\"}", "[\"t\"", "\"t\"x", "\"\xff\"",
                              /* initializer / regularizer identifiers */
                              "\"glorot_uniform\"", "\"zeros\"", "\"orthogonal\"", "\"l2\"", "\"bogus\"", "null",
                              "{\"class_name\": \"RandomNormal\", \"config\": {\"stddev\": 1e308, \"seed\": 1}}",
                              "{\"class_name\": \"Constant\", \"config\": {\"value\": NaN}}",
                              "{\"class_name\": \"Orthogonal\", \"config\": {\"gain\": -1}}",
                              "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 0, \"mode\": \"bogus\"}}",
                              "{\"class_name\": \"L1L2\", \"config\": {\"l1\": Infinity, \"l2\": -1}}",
                              "{\"class_name\": \"OrthogonalRegularizer\", \"config\": {\"factor\": 0.1, \"mode\": \"rows\"}}",
                              /* layer call arguments, application and preprocessing configs */
                              "{\"inputs\": [\"query\", \"value\"]}", "{\"inputs\": [\"query\", \"value\", \"key\", \"attention_mask\"]}",
                              "{\"return_attention_scores\": true, \"use_causal_mask\": true}", "{\"inputs\": [\"value\", \"value\"]}",
                              "{\"training\": true}", "{\"input_shape\": [32, 32, 3], \"alpha\": 0.35, \"classes\": 3}",
                              "{\"input_shape\": [1099511627776, 2, 3]}", "{\"input_shape\": [null, null, 3], \"include_top\": false}",
                              "{\"weights\": \"imagenet\"}", "{\"vocabulary\": [\"a\", \"a\"]}", "{\"vocabulary\": \"/etc/passwd\"}",
                              "{\"max_tokens\": 1, \"num_oov_indices\": 1099511627776}", "{\"output_mode\": \"tf_idf\"}",
                              "{\"num_bins\": 0}", "{\"bin_boundaries\": [NaN, 1]}", "{\"axis\": 99}",
                              "{\"num_tokens\": 1099511627776, \"output_mode\": \"count\"}"};
    int k = pick(3);
    if (k == 0) return h_config();
    if (k == 1) return PICK(v);
    /* a deep or wide structure */
    char *b = json_buf[json_next++ % 4];
    int depth = pick(3) ? pick(8) : 400, n = 0;
    for (int i = 0; i < depth && n < 1190 / 2 - 8; i++) b[n++] = '[';
    n += snprintf(b + n, 1200 - (size_t)n, "\"t\"");
    for (int i = 0; i < depth && n < 1190; i++) b[n++] = ']';
    b[n] = 0;
    return b;
}
static const char *strings_in[64];
/* texts with byte lengths (sk_tensor_from_strings): 4096 pointers to the 4097-byte text buffers
 * (1 in 50 NULL), or a NULL array; their shape (h_shape_texts) describes at most 4096 of them */
static const char *texts_in[IN_N];
static const char *h_text(void);
static const char *const *arr_texts(void) {
    const char *b[8];
    for (int i = 0; i < 8; i++) { b[i] = h_text(); if (!b[i]) b[i] = text_buf[i]; }
    for (int i = 0; i < IN_N; i++) texts_in[i] = pick(50) ? b[i % 8] : NULL;
    return pick(10) ? texts_in : NULL;
}
static const int64_t *h_shape_texts(void) {
    static const int64_t dims[] = {0, 1, 2, 3, 7, 64, -1, -5, 1, 2};
    if (pick(10) == 0) return NULL;
    int64_t *a = shape_buf[shape_next++ % 8];
    int rank = pick(4) + 1;
    int64_t count = 1;
    for (int i = 0; i < 64; i++) {
        a[i] = i < rank ? PICK(dims) : 1;
        if (a[i] > 0 && count * a[i] > IN_N) a[i] = 1;
        if (a[i] > 0) count *= a[i];
    }
    return a;
}
static const char *const *arr_strings(void) {
    for (int i = 0; i < 64; i++) strings_in[i] = pick(6) ? h_string() : PICK(((const char *[]){"mae", "mse", "accuracy", "AUC"}));
    return pick(8) ? strings_in : NULL;
}

#define CAPI_KINDS_ONLY
#include "capi_calls.inc"
#undef CAPI_KINDS_ONLY

/* ---- pools of live handles (HK_* kinds: capi_calls.inc) ---- */
#define POOL 48
static void *pool[HK_COUNT][POOL];
static int pool_n[HK_COUNT];
static void add_handle(int kind, void *h) { if (h && pool_n[kind] < POOL) pool[kind][pool_n[kind]++] = h; }
/* a live handle of the kind, or NULL (1 in 10); sk_callback_context is only valid inside a hook */
static void *pick_handle(int kind) { return pool_n[kind] == 0 || pick(10) == 0 ? NULL : pool[kind][pick(pool_n[kind])]; }
static void *arr_buf[HK_COUNT][64];
/* 64 handles of the kind (1 in 20 NULL), or a NULL array (1 in 8) */
static void *const *arr_handles(int kind) {
    for (int i = 0; i < 64; i++) arr_buf[kind][i] = pool_n[kind] == 0 || pick(20) == 0 ? NULL : pool[kind][pick(pool_n[kind])];
    return pick(8) ? arr_buf[kind] : NULL;
}

/* handle out-parameters: 64 slots per parameter position, filled with a sentinel */
#define SENTINEL ((void *)(uintptr_t)0x5ca1ab1e)
static void *out_slot_buf[16][64];
static int out_null[16];
static void *out_begin(int i) {
    out_null[i] = pick(12) == 0;
    for (int k = 0; k < 64; k++) out_slot_buf[i][k] = SENTINEL;
    return out_null[i] ? NULL : out_slot_buf[i];
}
static void out_done(int i, int32_t st, void (*release)(void *), const char *fn) {
    if (out_null[i]) return;
    if (st >= SK_ERR_INVALID_ARG && st <= SK_ERR_IO && out_slot_buf[i][0] != NULL) {
        if (shared->n_violation_names < 16) {
            int seen = 0;
            for (int k = 0; k < shared->n_violation_names; k++) seen |= strcmp(shared->violation_names[k], fn) == 0;
            if (!seen) snprintf(shared->violation_names[shared->n_violation_names++], 64, "%s", fn);
        }
        __atomic_add_fetch(&shared->violations, 1, __ATOMIC_RELAXED);
    }
    for (int k = 0; k < 64; k++) {
        void *h = out_slot_buf[i][k];
        if (h != NULL && h != SENTINEL) release(h);
    }
}

/* ---- callbacks: stubs that succeed without setting their outputs, or fail ---- */
static long stub_calls = 0;
static int32_t stub_status(void) { static const int32_t v[] = {SK_OK, SK_OK, SK_ERR_RUNTIME, 12345, -1, SK_ERR_INVALID_ARG}; return PICK(v); }
static void stub_destroy(void *p) { (void)p; }
static sk_fit_args *h_fit_args(void) {
    if (pick(8) == 0) return NULL;
    sk_fit_args *a = &fit_args_buf[0];
    sk_fit_args_init(a, sizeof *a);
    if (pick(2)) a->batch_size = h_i64();
    if (pick(2)) a->epochs = h_epochs();
    if (pick(3) == 0) a->initial_epoch = h_epochs();
    a->verbose = pick(3);
    if (pick(2)) a->seed = h_i64();
    if (pick(3) == 0) a->validation_split = h_double();
    if (pick(4) == 0) { a->validation_x = (const sk_tensor *const *)arr_handles(HK_sk_tensor); a->n_validation_x = h_count(); }
    if (pick(4) == 0) a->validation_y = pick_handle(HK_sk_tensor);
    if (pick(4) == 0) a->sample_weight = pick_handle(HK_sk_tensor);
    if (pick(4) == 0) { a->class_weight = in_double(); a->class_ids = pick(2) ? h_shape(0) : NULL; a->n_class_weight = h_count(); }
    if (pick(4) == 0) { a->callbacks = (sk_keras_callback *const *)arr_handles(HK_sk_keras_callback); a->n_callbacks = h_count(); }
    if (pick(3) == 0) { a->dataset = pick_handle(HK_sk_dataset); a->steps_per_epoch = pick(2) ? h_i64() : -1; }
    if (pick(5) == 0) { a->validation_dataset = pick_handle(HK_sk_dataset); a->validation_steps = pick(2) ? h_i64() : -1; }
    if (pick(6) == 0) a->validation_freq = h_i32();
    if (pick(8) == 0) { a->validation_epochs = in_int32(); a->n_validation_epochs = h_count(); }
    if (pick(4) == 0) a->struct_size = h_struct_size();
    return a;
}
static sk_callback_hooks hooks_buf;
static const sk_callback_hooks *h_hooks(void);

#include "capi_calls.inc"

static const sk_callback_hooks *h_hooks(void) {
    if (pick(8) == 0) return NULL;
    sk_callback_hook *h = (sk_callback_hook *)&hooks_buf;
    for (size_t i = 0; i < sizeof hooks_buf / sizeof(sk_callback_hook); i++) h[i] = pick(2) ? stub_sk_callback_hook : NULL;
    return &hooks_buf;
}

/* ---- live datasets: generator, map and filter callbacks producing real elements (they may run
 * on a prefetch thread: no PRNG, no shared state but an atomic counter) ---- */
typedef struct { int64_t n; int64_t fail_at; int ragged; } pool_generator;
static const pool_generator gen_ok = {6, -1, 0}, gen_failing = {6, 3, 0}, gen_ragged = {5, -1, 1};
static int32_t pool_next(void *user_data, int64_t pass, int64_t index, sk_dataset_element **out) {
    const pool_generator *g = user_data;
    if (index >= g->n) return SK_OK;
    if (index == g->fail_at) return sk_set_error(SK_ERR_RUNTIME, "fuzz generator: failing on purpose");
    float v[4] = {(float)index, (float)pass, -1, 0.5f};
    int64_t shape[1] = {g->ragged ? 1 + index % 4 : 4};
    sk_tensor *t = NULL;
    if (sk_tensor_from_data(v, SK_FLOAT32, shape, 1, &t) != SK_OK) return sk_last_error_code();
    const sk_tensor *ts[1] = {t};
    int32_t st = sk_dataset_element_create(ts, 1, NULL, out);
    sk_tensor_release(t);
    return st;
}
static void pool_close(void *user_data, int64_t pass) { (void)user_data; (void)pass; }
/* the identity, rebuilt through the element functions */
static int32_t pool_map(void *user_data, const sk_dataset_element *in, sk_dataset_element **out) {
    (void)user_data;
    int32_t n = sk_dataset_element_num_tensors(in);
    if (n < 1 || n > 8) return sk_set_error(SK_ERR_INVALID_ARG, "fuzz map: an element of 1 to 8 tensors expected");
    sk_tensor *ts[8] = {0};
    char structure[512];
    int32_t st = sk_dataset_element_structure(in, structure, sizeof structure, NULL);
    for (int32_t i = 0; i < n && st == SK_OK; i++) st = sk_dataset_element_tensor(in, i, &ts[i]);
    if (st == SK_OK) st = sk_dataset_element_create((const sk_tensor *const *)ts, n, structure, out);
    for (int32_t i = 0; i < n; i++) sk_tensor_release(ts[i]);
    return st;
}
static long filter_counter = 0;
static int32_t pool_keep_every_other(void *user_data, const sk_dataset_element *in, uint8_t *keep) {
    (void)user_data; (void)in;
    *keep = (uint8_t)(__atomic_fetch_add(&filter_counter, 1, __ATOMIC_RELAXED) % 2);
    return SK_OK;
}
static sk_dataset *add_dataset_at(int32_t st, sk_dataset **d, int line) {
    /* d is read after the call that wrote it (the order arguments are evaluated in is unspecified) */
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "fuzz_capi.c:%d: pool dataset: %s\n", line, st == SK_OK ? "made" : sk_last_error_message());
    if (st != SK_OK) return NULL;
    add_handle(HK_sk_dataset, *d);
    return *d;
}
#define add_dataset(st, d) add_dataset_at((st), &(d), __LINE__)
/* datasets of every source and transformation (finite: an iteration the fuzzer starts always
 * ends), some whose inputs were released (valid on their own, as the header promises),
 * iterators (fresh, half-consumed, of a failing pipeline, of a prefetch whose dataset was
 * released) and elements (made, iterated, outliving their iterator) */
static void build_dataset_pools(sk_tensor *x, sk_tensor *y) {
    sk_dataset *d = NULL;
    const sk_tensor *xy[2] = {x, y};
    sk_dataset *slices = x && y ? add_dataset(sk_dataset_from_tensor_slices(xy, 2, "[\"t\", \"t\"]", &d), d) : NULL;
    sk_dataset *train = slices ? add_dataset(sk_dataset_batch(slices, 4, 0, &d), d) : NULL;
    sk_dataset *range = add_dataset(sk_dataset_range(0, 10, 1, SK_INT64, &d), d);
    if (pool_n[HK_sk_tensor] > 0) add_dataset(sk_dataset_from_tensors((const sk_tensor *const *)&pool[HK_sk_tensor][0], 1, NULL, &d), d);
    sk_dataset *gen = add_dataset(sk_dataset_from_callback(pool_next, pool_close, (void *)&gen_ok, NULL, "\"t\"", NULL,
                                                           SK_DATASET_UNKNOWN, &d), d);
    sk_dataset *failing = add_dataset(sk_dataset_from_callback(pool_next, NULL, (void *)&gen_failing, NULL, NULL, NULL, 6, &d), d);
    sk_dataset *ragged = add_dataset(sk_dataset_from_callback(pool_next, NULL, (void *)&gen_ragged, NULL, NULL,
                                                              "[{\"dtype\": \"float32\", \"shape\": [null]}]", 5, &d), d);
    if (gen) add_dataset(sk_dataset_map(gen, pool_map, NULL, NULL, NULL, &d), d);
    if (range) add_dataset(sk_dataset_filter(range, pool_keep_every_other, NULL, NULL, &d), d);
    sk_dataset *prefetch = gen ? add_dataset(sk_dataset_prefetch(gen, 2, &d), d) : NULL;
    if (range) add_dataset(sk_dataset_shuffle(range, 4, 1, 1, &d), d);
    if (gen) add_dataset(sk_dataset_cache(gen, &d), d);
    if (range && gen) { const sk_dataset *two[2] = {range, gen}; add_dataset(sk_dataset_zip(two, 2, &d), d); }
    if (range) add_dataset(sk_dataset_repeat(range, 3, &d), d);
    if (ragged) add_dataset(sk_dataset_padded_batch(ragged, 2, NULL, NULL, 0, 0, &d), d);
    if (ragged) add_dataset(sk_dataset_batch(ragged, 2, 0, &d), d);   /* fails while iterating: shapes differ */
    if (range) add_dataset(sk_dataset_enumerate(range, 5, &d), d);
    if (train) add_dataset(sk_dataset_unbatch(train, &d), d);
    if (x) add_dataset(sk_dataset_timeseries(x, y, 3, 1, 1, 2, 0, 1, -1, -1, &d), d);
    /* released elsewhere: a dataset whose tensors and input dataset are gone */
    float v[6] = {1, 2, 3, 4, 5, 6};
    int64_t s32[2] = {3, 2};
    sk_tensor *t = NULL;
    if (sk_tensor_from_data(v, SK_FLOAT32, s32, 2, &t) == SK_OK) {
        sk_dataset *base = NULL;
        const sk_tensor *one[1] = {t};
        if (sk_dataset_from_tensor_slices(one, 1, NULL, &base) == SK_OK) {
            add_dataset(sk_dataset_batch(base, 2, 1, &d), d);
            add_dataset(sk_dataset_concatenate(base, base, &d), d);
            sk_dataset_release(base);
        }
        sk_tensor_release(t);
    }
    /* iterators */
    sk_dataset_iterator *it = NULL;
    sk_dataset_element *e = NULL;
    for (int k = 0; k < pool_n[HK_sk_dataset] && k < 8; k++)
        if (sk_dataset_iterator_create(pool[HK_sk_dataset][k], &it) == SK_OK) add_handle(HK_sk_dataset_iterator, it);
    if (failing && sk_dataset_iterator_create(failing, &it) == SK_OK) add_handle(HK_sk_dataset_iterator, it);
    if (range && sk_dataset_iterator_create(range, &it) == SK_OK) {   /* half-consumed */
        for (int k = 0; k < 5; k++) if (sk_dataset_iterator_next(it, &e) == SK_OK && e) add_handle(HK_sk_dataset_element, e);
        add_handle(HK_sk_dataset_iterator, it);
    }
    if (prefetch) {   /* a prefetch iterator whose dataset (and source) the pool no longer holds */
        sk_dataset *p2 = NULL;
        if (sk_dataset_prefetch(gen, SK_DATASET_AUTOTUNE, &p2) == SK_OK) {
            if (sk_dataset_iterator_create(p2, &it) == SK_OK) add_handle(HK_sk_dataset_iterator, it);
            sk_dataset_release(p2);
        }
    }
    if (gen && sk_dataset_iterator_create(gen, &it) == SK_OK) {   /* elements outliving their iterator */
        for (int k = 0; k < 3; k++) if (sk_dataset_iterator_next(it, &e) == SK_OK && e) add_handle(HK_sk_dataset_element, e);
        sk_dataset_iterator_release(it);
    }
    if (x && y && sk_dataset_element_create(xy, 2, "{\"x\": \"t\", \"y\": \"t\"}", &e) == SK_OK) add_handle(HK_sk_dataset_element, e);
}

static void add_tensor(int32_t dtype, const void *data, const int64_t *shape, int32_t ndim) {
    sk_tensor *t = NULL;
    if (sk_tensor_from_data(data, dtype, shape, ndim, &t) == SK_OK) add_handle(HK_sk_tensor, t);
}
/* FUZZ_VERBOSE=1: says which pool objects could not be made (a pool builder out of date) */
static int pool_made(int32_t st, const char *what) {
    if (st != SK_OK && getenv("FUZZ_VERBOSE")) fprintf(stderr, "fuzz_capi: pool object %s not made: %s\n", what, sk_last_error_message());
    return st == SK_OK;
}
static sk_layer *layer(const char *cls, const char *json) {
    sk_layer *l = NULL;
    if (pool_made(sk_layer_create(cls, json, &l), cls)) add_handle(HK_sk_layer, l);
    return l;
}

/* ---- the callback context: only valid inside a hook, so the hooks of the pool's custom callback
 * put it into the pool, make a few calls of the functions taking one, and take it out again ---- */
static int in_context_hook = 0;
static int32_t pool_context_hook(void *user_data, sk_callback_context *ctx, int32_t index, const char *const *names,
                                 const double *values, int32_t n) {
    (void)user_data; (void)index; (void)names; (void)values; (void)n;
    if (in_context_hook || !ctx) return SK_OK;
    in_context_hook = 1;
    pool[HK_sk_callback_context][0] = ctx;
    pool_n[HK_sk_callback_context] = 1;
    __atomic_add_fetch(&shared->context_hooks, 1, __ATOMIC_RELAXED);
    for (int k = 0; k < 3; k++) {
        int f = pick(N_CAPI_CALLS);
        for (int tries = 0; tries < N_CAPI_CALLS && !strstr(capi_calls[f].name, "callback_context"); tries++)
            f = (f + 1) % N_CAPI_CALLS;
        __atomic_add_fetch(&shared->calls, 1, __ATOMIC_RELAXED);
        capi_calls[f].call();
    }
    pool_n[HK_sk_callback_context] = 0;
    pool[HK_sk_callback_context][0] = NULL;
    in_context_hook = 0;
    return SK_OK;
}

/* ---- the logs of a custom train step: only valid inside the step, so the step of the pool's
 * model puts them into the pool, makes a few calls of the functions taking them, takes them out ---- */
static int in_step_hook = 0;
static int32_t pool_step_hook(void *user_data, const sk_dataset_element *data, sk_step_logs *logs) {
    (void)user_data; (void)data;
    if (in_step_hook || !logs) return SK_OK;
    in_step_hook = 1;
    pool[HK_sk_step_logs][0] = logs;
    pool_n[HK_sk_step_logs] = 1;
    __atomic_add_fetch(&shared->step_hooks, 1, __ATOMIC_RELAXED);
    for (int k = 0; k < 3; k++) {
        int f = pick(N_CAPI_CALLS);
        for (int tries = 0; tries < N_CAPI_CALLS && !strstr(capi_calls[f].name, "step_logs"); tries++)
            f = (f + 1) % N_CAPI_CALLS;
        __atomic_add_fetch(&shared->calls, 1, __ATOMIC_RELAXED);
        capi_calls[f].call();
    }
    pool_n[HK_sk_step_logs] = 0;
    pool[HK_sk_step_logs][0] = NULL;
    in_step_hook = 0;
    return SK_OK;
}

/* the kinds of objects each session added to the API, so that their functions meet live ones:
 * string tensors, adapted (and unadapted) preprocessing layers, matrices for the linalg
 * decompositions, optimizers holding state (Adam after updates, a LossScaleOptimizer, one on
 * a schedule), an application, a model from a config, a loaded model, a subclassed model,
 * masking layers and the masks they make, attention layers for calls with arguments, the file-
 * writing callbacks (ModelCheckpoint, CSVLogger, TensorBoard, BackupAndRestore) and custom
 * callbacks whose hooks hand out the callback context */
static void build_keras_object_pools(const char *dir, sk_model *seq, const sk_tensor *x_train, const sk_tensor *y_train) {
    /* string tensors: words, a 2-D batch with invalid UTF-8, a NUL and an empty element, an
     * empty one and a scalar */
    static const char *words[8] = {"the cat", "a dog", "the dog", "cat", "", "\xff\xfe", "THE  Cat ", "1.5"};
    static const size_t lens[4] = {3, 0, 2, 5};
    static const char *raw[4] = {"a\0b", "", "\xc3\x28", "x y z"};
    int64_t s8[1] = {8}, s22[2] = {2, 2}, s0[1] = {0}, s41[2] = {4, 1}, s33[2] = {3, 3}, s233[3] = {2, 3, 3};
    sk_tensor *strs = NULL, *t = NULL;
    if (pool_made(sk_tensor_from_strings(words, NULL, s8, 1, &strs), "tensor_from_strings")) add_handle(HK_sk_tensor, strs);
    if (pool_made(sk_tensor_from_strings(raw, lens, s22, 2, &t), "tensor_from_strings")) add_handle(HK_sk_tensor, t);
    if (pool_made(sk_tensor_from_strings(NULL, NULL, s0, 1, &t), "tensor_from_strings")) add_handle(HK_sk_tensor, t);
    if (pool_made(sk_tensor_from_strings(words, NULL, NULL, 0, &t), "tensor_from_strings")) add_handle(HK_sk_tensor, t);
    sk_tensor *strs41 = NULL;
    if (pool_made(sk_tensor_from_strings(words, NULL, s41, 2, &strs41), "tensor_from_strings")) add_handle(HK_sk_tensor, strs41);
    /* matrices for qr / svd / eigh / cholesky / inverse: symmetric positive definite, batched,
     * singular, NaN */
    static const float spd[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2};
    static const double sing[9] = {1, 2, 3, 2, 4, 6, 1, 1, 1};
    static const float nanm[9] = {1, NAN, 0, 0, 1, 0, 0, 0, INFINITY};
    static const float batch[18] = {4, 1, 0, 1, 3, 1, 0, 1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    add_tensor(SK_FLOAT32, spd, s33, 2);
    add_tensor(SK_FLOAT64, sing, s33, 2);
    add_tensor(SK_FLOAT32, nanm, s33, 2);
    add_tensor(SK_FLOAT32, batch, s233, 3);
    /* preprocessing layers, adapted and not */
    sk_layer *l = NULL;
    if (strs && (l = layer("StringLookup", "{}"))) pool_made(sk_layer_adapt(l, strs, 0, 0), "adapt");
    layer("StringLookup", "{\"vocabulary\": [\"a\", \"b\"], \"output_mode\": \"one_hot\"}");
    layer("StringLookup", "{}");   /* never adapted */
    if (strs41 && (l = layer("TextVectorization", "{\"max_tokens\": 8, \"output_sequence_length\": 4}")))
        pool_made(sk_layer_adapt(l, strs41, 2, 0), "adapt");
    if (strs && (l = layer("TextVectorization", "{\"output_mode\": \"tf_idf\"}"))) pool_made(sk_layer_adapt(l, strs, 0, 0), "adapt");
    if (pool_n[HK_sk_tensor] > 4 && (l = layer("IntegerLookup", "{}"))) pool_made(sk_layer_adapt(l, pool[HK_sk_tensor][4], 0, 0), "adapt");
    if (x_train && (l = layer("Normalization", "{}"))) pool_made(sk_layer_adapt(l, x_train, 3, 0), "adapt");
    layer("Normalization", "{\"mean\": 1.0, \"variance\": 0.0, \"invert\": true}");
    if (x_train && (l = layer("Discretization", "{\"num_bins\": 3}"))) pool_made(sk_layer_adapt(l, x_train, 0, 0), "adapt");
    layer("CategoryEncoding", "{\"num_tokens\": 4, \"output_mode\": \"count\"}");
    layer("Hashing", "{\"num_bins\": 3}");
    layer("Rescaling", "{\"scale\": 0.5, \"offset\": -1}");
    layer("Resizing", "{\"height\": 3, \"width\": 2}");
    layer("RandomFlip", "{\"seed\": 1}");
    sk_dataset *words_ds = NULL;
    if (strs) {
        const sk_tensor *one[1] = {strs};
        if (pool_made(sk_dataset_from_tensor_slices(one, 1, NULL, &words_ds), "dataset_from_tensor_slices")) {
            add_handle(HK_sk_dataset, words_ds);
            if ((l = layer("StringLookup", "{\"mask_token\": \"\"}"))) pool_made(sk_layer_adapt_dataset(l, words_ds, 3), "adapt_dataset");
        }
    }
    /* masks and calls with arguments */
    layer("Embedding", "{\"input_dim\": 10, \"output_dim\": 2, \"mask_zero\": true}");
    layer("GRU", "{\"units\": 2, \"return_sequences\": true, \"return_state\": true}");
    layer("AdditiveAttention", "{}");
    layer("Bidirectional", "{\"layer\": {\"class_name\": \"LSTM\", \"config\": {\"units\": 2}}}");
    /* initializer / regularizer objects are values, not handles: a layer using them */
    layer("Dense", "{\"units\": 2, \"kernel_initializer\": \"orthogonal\", \"kernel_regularizer\": \"l2\"}");
    /* optimizers with state */
    sk_optimizer *adam = NULL, *o = NULL;
    if (pool_made(sk_optimizer_create("adam", 0.001, &adam), "optimizer_create")) {
        add_handle(HK_sk_optimizer, adam);
        sk_tensor *g[3] = {0};
        sk_variable *v[3] = {0};
        int n = 0;
        for (int i = 0; i < pool_n[HK_sk_variable] && n < 3; i++) {
            sk_tensor *r = NULL;
            if (sk_variable_read(pool[HK_sk_variable][i], &r) != SK_OK) continue;
            if (sk_tensor_dtype(r) == SK_FLOAT32 && sk_ones_like(r, SK_FLOAT32, &g[n]) == SK_OK) v[n++] = pool[HK_sk_variable][i];
            sk_tensor_release(r);
        }
        pool_made(sk_optimizer_apply_gradients(adam, (const sk_tensor *const *)g, v, n), "adam step");
        pool_made(sk_optimizer_apply_gradients(adam, (const sk_tensor *const *)g, v, n), "adam step");
        for (int i = 0; i < n; i++) sk_tensor_release(g[i]);
        if (pool_made(sk_loss_scale_optimizer_create(adam, 1, 1024, 2, &o), "loss_scale_optimizer_create")) add_handle(HK_sk_optimizer, o);
    }
    if (sk_optimizer_create_config("Adam", "{\"learning_rate\": {\"class_name\": \"ExponentialDecay\", \"config\": "
                                           "{\"initial_learning_rate\": 0.1, \"decay_steps\": 10, \"decay_rate\": 0.5}}}", &o) == SK_OK)
        add_handle(HK_sk_optimizer, o);
    if (pool_made(sk_optimizer_create_config("RMSprop", "{\"momentum\": 0.5, \"centered\": true}", &o), "optimizer_create_config")) add_handle(HK_sk_optimizer, o);
    /* models: an application, one from a config, one loaded from a file, a subclassed one */
    sk_model *m = NULL;
    if (sk_application_create("MobileNetV2", "{\"input_shape\": [32, 32, 3], \"alpha\": 0.35, \"classes\": 3, \"weights\": null}",
                              &m) == SK_OK)
        add_handle(HK_sk_model, m);
    if (sk_model_from_config("Sequential", "{\"name\": \"from_config\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": "
                             "{\"batch_input_shape\": [null, 3]}}, {\"class_name\": \"Dense\", \"config\": {\"units\": 2}}]}", &m) == SK_OK)
        add_handle(HK_sk_model, m);
    char path[1200];
    snprintf(path, sizeof path, "%s/pool_model.safetensors", dir);
    if (seq && sk_model_save(seq, path) == SK_OK && pool_made(sk_model_load(path, &m), "model_load")) add_handle(HK_sk_model, m);
    if (pool_made(sk_model_create_custom("fuzz_subclassed", stub_sk_layer_build_fn, stub_sk_layer_call_fn, NULL, NULL, &m), "model_create_custom"))
        add_handle(HK_sk_model, m);
    /* callbacks writing files into the child's directory, a custom one handing out contexts,
     * a learning-rate scheduler */
    char cfg[1400];
    sk_keras_callback *cb = NULL;
    snprintf(cfg, sizeof cfg, "{\"filepath\": \"%s/ckpt.weights.h5\", \"save_weights_only\": true}", dir);
    if (pool_made(sk_callback_create("ModelCheckpoint", cfg, &cb), "callback_create")) add_handle(HK_sk_keras_callback, cb);
    snprintf(cfg, sizeof cfg, "{\"filename\": \"%s/log.csv\", \"append\": true}", dir);
    if (pool_made(sk_callback_create("CSVLogger", cfg, &cb), "callback_create")) add_handle(HK_sk_keras_callback, cb);
    snprintf(cfg, sizeof cfg, "{\"log_dir\": \"%s/tb\", \"update_freq\": 1}", dir);
    if (pool_made(sk_callback_create("TensorBoard", cfg, &cb), "callback_create")) add_handle(HK_sk_keras_callback, cb);
    snprintf(cfg, sizeof cfg, "{\"backup_dir\": \"%s/backup\"}", dir);
    if (pool_made(sk_callback_create("BackupAndRestore", cfg, &cb), "callback_create")) add_handle(HK_sk_keras_callback, cb);
    if (pool_made(sk_callback_create("TerminateOnNaN", "{}", &cb), "callback_create")) add_handle(HK_sk_keras_callback, cb);
    if (pool_made(sk_callback_create_lr_scheduler(stub_sk_lr_schedule_fn, NULL, NULL, 0, &cb), "callback_create_lr_scheduler")) add_handle(HK_sk_keras_callback, cb);
    /* a tf.summary writer into the child's directory; progress bars of a known and an unknown target */
    sk_summary_writer *sw = NULL;
    snprintf(cfg, sizeof cfg, "%s/summaries", dir);
    if (pool_made(sk_summary_writer_create(cfg, NULL, &sw), "summary_writer_create")) add_handle(HK_sk_summary_writer, sw);
    sk_progbar *pb = NULL;
    if (pool_made(sk_progbar_create(10, 20, 1, 0.0, NULL, 0, NULL, 1, &pb), "progbar_create")) add_handle(HK_sk_progbar, pb);
    if (pool_made(sk_progbar_create(-1, 5, 2, 0.05, NULL, 0, "sample", 0, &pb), "progbar_create")) add_handle(HK_sk_progbar, pb);
    sk_callback_hooks hooks;
    sk_callback_hook *h = (sk_callback_hook *)&hooks;
    for (size_t i = 0; i < sizeof hooks / sizeof(sk_callback_hook); i++) h[i] = pool_context_hook;
    sk_keras_callback *ctx_cb = NULL;
    if (pool_made(sk_callback_create_custom(&hooks, NULL, NULL, &ctx_cb), "callback_create_custom")) {
        add_handle(HK_sk_keras_callback, ctx_cb);
        /* one fit with it now, so that the context functions meet a live context in every child */
        if (seq && x_train && y_train) {
            sk_fit_args a;
            sk_fit_args_init(&a, sizeof a);
            a.batch_size = 4;
            a.epochs = 1;
            a.verbose = 0;
            a.validation_split = 0.25;
            const sk_keras_callback *cbs[1] = {ctx_cb};
            a.callbacks = (sk_keras_callback *const *)cbs;
            a.n_callbacks = 1;
            const sk_tensor *xs[1] = {x_train};
            sk_history *hist = NULL;
            if (pool_made(sk_model_fit_ex(seq, xs, 1, y_train, &a, &hist), "model_fit_ex")) add_handle(HK_sk_history, hist);
        }
    }
    /* a model trained by a custom step, whose logs the step hands to the pool */
    sk_layer *sd = NULL;
    sk_model *stepped = NULL;
    if (x_train && y_train && pool_made(sk_layer_create("Dense", "{\"units\": 1}", &sd), "layer_create") &&
        pool_made(sk_sequential_create((const sk_layer *const *)&sd, 1, "stepped", &stepped), "sequential_create")) {
        add_handle(HK_sk_layer, sd);
        add_handle(HK_sk_model, stepped);
        sk_model_compile(stepped, "sgd", NULL, "mse", NULL, NULL, 0);
        if (pool_made(sk_model_set_train_step(stepped, pool_step_hook, NULL, NULL), "model_set_train_step")) {
            const sk_tensor *xs[1] = {x_train};
            sk_history *hist = NULL;
            if (pool_made(sk_model_fit(stepped, xs, 1, y_train, 4, 1, 0.0, 0, 1, 0, NULL, NULL, &hist), "model_fit"))
                add_handle(HK_sk_history, hist);
        }
    }
}

/* ---- pools: built in each child (a forked child must not inherit the library's threads) ---- */
static void build_pools(const char *dir) {
    static const float f6[6] = {1, -2, 3.5f, NAN, INFINITY, 0};
    static const float f24[24] = {0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f, 1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.8f, 0, 0.1f,
                                  0.1f, 0.8f, 0.9f, 0.05f, 0.05f, 0.3f, 0.3f, 0.4f};
    static const double d3[3] = {1e308, -0.0, 5e-324};
    static const int32_t i4[4] = {0, 1, 2, -1};
    static const int64_t l1[1] = {INT64_MAX};
    static const uint8_t b4[4] = {1, 0, 1, 1};
    static const uint16_t h2[2] = {0x3c00, 0x7e00};
    int64_t s23[2] = {2, 3}, s3[1] = {3}, s4[1] = {4}, s22[2] = {2, 2}, s2[1] = {2}, s234[3] = {2, 3, 4},
            s1444[4] = {1, 2, 2, 6}, s5[5] = {1, 2, 1, 2, 3}, s03[2] = {0, 3}, sbig0[3] = {0, INT64_C(1) << 62, INT64_C(1) << 62},
            s0big[3] = {INT64_C(1) << 31, INT64_C(1) << 31, 0}, s64[2] = {64, 64}, s38[2] = {3, 8}, s83[2] = {8, 3},
            s81[2] = {8, 1}, s0[1] = {0};
    sk_tensor *x_train = NULL, *y_train = NULL;   /* the Sequential model's training data */
    static float zeros[4096];
    for (int i = 0; i < 4096; i++) zeros[i] = (float)((i * 37) % 11) / 10.0f;
    add_tensor(SK_FLOAT32, f6, s23, 2);
    add_tensor(SK_FLOAT32, f6, s3, 1);
    add_tensor(SK_FLOAT32, f6, NULL, 0);
    add_tensor(SK_FLOAT64, d3, s3, 1);
    add_tensor(SK_INT32, i4, s4, 1);
    add_tensor(SK_INT32, i4, s22, 2);
    add_tensor(SK_INT64, l1, NULL, 0);
    add_tensor(SK_BOOL, b4, s22, 2);
    add_tensor(SK_UINT8, b4, s4, 1);
    add_tensor(SK_FLOAT16, h2, s2, 1);
    add_tensor(SK_BFLOAT16, h2, s2, 1);
    add_tensor(SK_FLOAT32, f24, s234, 3);
    add_tensor(SK_FLOAT32, f24, s1444, 4);
    add_tensor(SK_FLOAT32, f24, s5, 5);
    add_tensor(SK_FLOAT32, f24, s03, 2);
    add_tensor(SK_FLOAT32, f24, sbig0, 3);
    add_tensor(SK_FLOAT32, f24, s0big, 3);
    add_tensor(SK_INT32, i4, s0, 1);
    add_tensor(SK_FLOAT32, zeros, s64, 2);
    add_tensor(SK_FLOAT32, f24, s38, 2);
    add_tensor(SK_FLOAT32, f24, s83, 2);
    add_tensor(SK_FLOAT32, f24, s81, 2);
    add_tensor(SK_FLOAT64, zeros, s83, 2);
    for (int i = 0; i < pool_n[HK_sk_tensor] && i < 18; i += 3) {
        sk_variable *v = NULL;
        if (sk_variable_create(pool[HK_sk_tensor][i], "v", (uint8_t)(i % 2), &v) == SK_OK) add_handle(HK_sk_variable, v);
    }
    sk_tape *t = NULL;
    if (sk_tape_create(1, 1, &t) == SK_OK) add_handle(HK_sk_tape, t);
    if (sk_tape_create(0, 0, &t) == SK_OK) { sk_tape_start(t); add_handle(HK_sk_tape, t); }
    sk_function *f = NULL;
    if (sk_function_create(stub_sk_callback, NULL, NULL, &f) == SK_OK) add_handle(HK_sk_function, f);
    layer("Dense", "{\"units\": 3}");
    layer("Dense", "{\"units\": 1, \"activation\": \"sigmoid\"}");
    layer("Dropout", "{\"rate\": 0.5}");
    layer("Conv2D", "{\"filters\": 2, \"kernel_size\": 2}");
    layer("LSTM", "{\"units\": 2}");
    layer("BatchNormalization", "{}");
    layer("Flatten", "{}");
    layer("Embedding", "{\"input_dim\": 10, \"output_dim\": 2}");
    layer("MultiHeadAttention", "{\"num_heads\": 2, \"key_dim\": 2}");   /* sk_layer_call_ex's roles and masks */
    layer("Attention", "{}");
    layer("Masking", "{\"mask_value\": 0.0}");   /* sk_layer_call_masked: a layer making masks */
    sk_layer *custom = NULL;
    if (sk_layer_create_custom("custom", stub_sk_layer_build_fn, stub_sk_layer_call_fn, NULL, NULL, &custom) == SK_OK)
        add_handle(HK_sk_layer, custom);
    sk_layer *d1 = NULL, *d2 = NULL;
    sk_layer_create("Dense", "{\"units\": 4, \"activation\": \"relu\"}", &d1);
    sk_layer_create("Dense", "{\"units\": 2, \"activation\": \"softmax\"}", &d2);
    sk_model *m = NULL;
    const sk_layer *pair[2] = {d1, d2};
    sk_model *seq = NULL;
    if (sk_sequential_create(pair, 2, "fuzz_seq", &seq) == SK_OK) add_handle(HK_sk_model, seq);
    sk_layer_release(d1);
    sk_layer_release(d2);
    if (sk_sequential_create(NULL, 0, NULL, &m) == SK_OK) add_handle(HK_sk_model, m);
    sk_optimizer *adam = NULL, *o = NULL;
    if (sk_optimizer_create("adam", 0.01, &adam) == SK_OK) add_handle(HK_sk_optimizer, adam);
    if (sk_optimizer_create_config("SGD", "{\"momentum\": 0.9}", &o) == SK_OK) add_handle(HK_sk_optimizer, o);
    sk_loss *l = NULL, *cce = NULL;
    if (sk_loss_create("mse", &l) == SK_OK) add_handle(HK_sk_loss, l);
    if (sk_loss_create("categorical_crossentropy", &cce) == SK_OK) add_handle(HK_sk_loss, cce);
    if (seq && adam && cce) {
        const char *ms[1] = {"accuracy"};
        sk_model_compile(seq, NULL, adam, NULL, cce, ms, 1);
        sk_tensor *x8 = NULL;
        sk_tensor_from_data(f24, SK_FLOAT32, s83, 2, &x8);   /* (8, 3) features */
        const sk_tensor *x[1] = {x8};
        add_handle(HK_sk_tensor, x8);
        x_train = x8;
        sk_tensor *y = NULL;
        int32_t labels[8] = {0, 1, 1, 0, 1, 0, 0, 1};
        int64_t s8[1] = {8};
        sk_tensor *yi = NULL;
        if (sk_tensor_from_data(labels, SK_INT32, s8, 1, &yi) == SK_OK && sk_one_hot(yi, 2, &y) == SK_OK) {
            sk_history *h = NULL;
            if (sk_model_fit(seq, x, 1, y, 4, 1, 0, 1, 1, 0, NULL, NULL, &h) == SK_OK) add_handle(HK_sk_history, h);
            add_handle(HK_sk_tensor, y);
            y_train = y;
        }
        sk_tensor_release(yi);
    }
    int64_t in_shape[1] = {3};
    sk_keras_tensor *kt = NULL, *kt2 = NULL;
    if (sk_input(in_shape, 1, SK_FLOAT32, "in", &kt) == SK_OK) {
        add_handle(HK_sk_keras_tensor, kt);
        sk_layer *d = NULL;
        const sk_keras_tensor *ins[1] = {kt};
        if (sk_layer_create("Dense", "{\"units\": 2}", &d) == SK_OK && sk_layer_call_symbolic(d, ins, 1, &kt2) == SK_OK) {
            add_handle(HK_sk_keras_tensor, kt2);
            sk_model *fm = NULL;
            const sk_keras_tensor *outs[1] = {kt2};
            if (sk_model_create(ins, 1, outs, 1, "fuzz_functional", &fm) == SK_OK) add_handle(HK_sk_model, fm);
        }
        sk_layer_release(d);
    }
    static const char *metric_names[][2] = {{"Mean", "{}"}, {"AUC", "{\"num_thresholds\": 5}"}, {"Accuracy", "{}"},
                                            {"Precision", "{\"thresholds\": [0.3, 0.6]}"}};
    for (int i = 0; i < 4; i++) {
        sk_metric *mt = NULL;
        if (sk_metric_create(metric_names[i][0], metric_names[i][1], &mt) == SK_OK) add_handle(HK_sk_metric, mt);
    }
    sk_keras_callback *cb = NULL;
    if (sk_callback_create("EarlyStopping", "{\"patience\": 1}", &cb) == SK_OK) add_handle(HK_sk_keras_callback, cb);
    if (sk_callback_create("ReduceLROnPlateau", "{}", &cb) == SK_OK) add_handle(HK_sk_keras_callback, cb);
    build_dataset_pools(x_train, y_train);
    build_keras_object_pools(dir, seq, x_train, y_train);
    /* files: a saved model, a truncated copy, garbage, an empty file, a FIFO, a directory */
    snprintf(paths[n_paths++], 1200, "%s/model.safetensors", dir);
    if (seq) sk_model_save(seq, paths[0]);
    snprintf(paths[n_paths++], 1200, "%s/weights.safetensors", dir);
    if (seq) sk_model_save_weights(seq, paths[1]);
    snprintf(paths[n_paths], 1200, "%s/truncated.safetensors", dir);
    {
        FILE *in = fopen(paths[0], "rb"), *out = fopen(paths[n_paths], "wb");
        char buf[4096];
        size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
        if (out) { fwrite(buf, 1, n / 2, out); fclose(out); }
        if (in) fclose(in);
        n_paths++;
    }
    snprintf(paths[n_paths], 1200, "%s/garbage.safetensors", dir);
    {
        FILE *out = fopen(paths[n_paths++], "wb");
        if (out) { uint64_t len = UINT64_C(1) << 60; fwrite(&len, 8, 1, out); fputs("{\"a\":", out); fclose(out); }
    }
    snprintf(paths[n_paths], 1200, "%s/empty", dir);
    { FILE *out = fopen(paths[n_paths++], "wb"); if (out) fclose(out); }
    snprintf(paths[n_paths], 1200, "%s/fifo", dir);
    mkfifo(paths[n_paths++], 0600);
    snprintf(paths[n_paths], 1200, "%s/null", dir);
    if (mknod(paths[n_paths], S_IFCHR | 0666, makedev(1, 3)) == 0) n_paths++;
    snprintf(paths[n_paths], 1200, "%s/subdir", dir);
    mkdir(paths[n_paths++], 0700);
    snprintf(paths[n_paths], 1200, "%s/new.safetensors", dir);
    n_paths++;
    snprintf(paths[n_paths], 1200, "%s/link", dir);
    if (symlink("model.safetensors", paths[n_paths]) == 0) n_paths++;
    snprintf(paths[n_paths], 1200, "%s/missing/x", dir);
    n_paths++;
}

/* --only SUBSTRINGS (comma-separated): call only the functions whose names contain one of them */
static int only_idx[N_CAPI_CALLS], n_only = 0;
static void select_only(const char *list) {
    char buf[1024];
    for (int k = 0; k < N_CAPI_CALLS; k++)
        for (char *save = NULL, *w = strtok_r(strcpy(buf, list), ",", &save); w; w = strtok_r(NULL, ",", &save))
            if (strstr(capi_calls[k].name, w)) { only_idx[n_only++] = k; break; }
}

static void run_child(uint64_t seed, long calls, const char *dir) {
    rng_state = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
    for (int i = 0; i < 3; i++) next_u64();
    build_pools(dir);
    for (int k = 0; k < HK_COUNT && k < 64; k++) shared->pool_sizes[k] = pool_n[k];
    for (long c = 0; c < calls; c++) {
        int k = n_only ? only_idx[pick(n_only)] : pick(N_CAPI_CALLS);
        shared->last_fn = k;
        shared->last_call = c;
        __atomic_add_fetch(&shared->calls, 1, __ATOMIC_RELAXED);
        capi_calls[k].call();
    }
}

static void rm_tree(const char *dir) {
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_capi: could not remove %s\n", dir);
}

int main(int argc, char **argv) {
    long total = 2000, per_child = 200;
    uint64_t seed = (uint64_t)time(NULL);
    int timeout = 30, children = -1;
    const char *base = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--calls")) total = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--per-child")) per_child = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--timeout")) timeout = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--children")) children = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir")) base = argv[i + 1];
        else if (!strcmp(argv[i], "--only") && strlen(argv[i + 1]) < 1024) select_only(argv[i + 1]);
        else { fprintf(stderr, "fuzz_capi: unknown option %s\n", argv[i]); return 2; }
    }
    if (children < 0) children = (int)((total + per_child - 1) / per_child);
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    data_region = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (shared == MAP_FAILED || data_region == MAP_FAILED) { perror("mmap"); return 2; }
    memset(long_name, 'n', sizeof long_name - 1);
    for (int i = 0; i < 100000; i++) { deep_json[i] = '['; deep_json[200000 - 1 - i] = ']'; }
    printf("capi fuzz: %d functions, %d children x %ld calls, seed %llu, %d s per child\n", N_CAPI_CALLS, children,
           per_child, (unsigned long long)seed, timeout);
    fflush(stdout);
    int crashes = 0, hangs = 0;
    char missing[1024] = "";   /* handle kinds the first child's pools had no live object of */
    for (int k = 0; k < 64; k++) shared->pool_sizes[k] = -1;
    for (int c = 0; c < children; c++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/skfuzz-%d-%d", base, (int)getpid(), c);
        if (mkdir(dir, 0700) != 0) { perror(dir); return 2; }
        shared->last_fn = -1;
        pid_t pid = fork();
        if (pid == 0) {
            /* 1.5 GB: the hostile dims (2^31, 2^62...) then make every giant tensor fail with
             * SK_ERR_OUT_OF_MEMORY at once; under a larger limit a 2 GB uint8 tensor is legal,
             * and drawing 2^31 random numbers (or the like) for it takes minutes on a loaded
             * machine — a slow legal call, not a hang */
            struct rlimit as = {(rlim_t)3 << 29, (rlim_t)3 << 29};
            setrlimit(RLIMIT_AS, &as);
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) { dup2(devnull, 1); close(devnull); }
            alarm((unsigned)timeout);
            run_child(seed + (uint64_t)c, per_child, dir);
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        const char *fn = shared->last_fn >= 0 ? capi_calls[shared->last_fn].name : "(setup)";
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
            hangs++;
            printf("HANG  child seed %llu: call %ld (%s) still running after %d s\n",
                   (unsigned long long)(seed + (uint64_t)c), shared->last_call, fn, timeout);
        } else if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0)) {
            crashes++;
            printf("CRASH child seed %llu: call %ld (%s): %s %d\n", (unsigned long long)(seed + (uint64_t)c),
                   shared->last_call, fn, WIFSIGNALED(status) ? "signal" : "exit status",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        }
        if (c == 0) {
            /* every handle type of the header should have live objects in the pools (a type
             * added later without a pool builder is still fuzzed with NULL and via the functions
             * creating it, but never with a live object: add it to build_pools) */
            if (shared->context_hooks > 0) shared->pool_sizes[HK_sk_callback_context] = 1;   /* live inside hooks */
            if (shared->step_hooks > 0) shared->pool_sizes[HK_sk_step_logs] = 1;   /* live inside custom steps */
            for (int k = 0; k < HK_COUNT && k < 64; k++)
                if (shared->pool_sizes[k] == 0)
                    snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %s", handle_kind_names[k]);
            printf("capi fuzz: live objects per handle kind:");
            for (int k = 0; k < HK_COUNT && k < 64; k++) printf(" %s=%d", handle_kind_names[k], shared->pool_sizes[k]);
            printf("\n");
        }
        fflush(stdout);
        rm_tree(dir);
    }
    for (int i = 0; i < shared->n_violation_names; i++)
        printf("CONTRACT a failing call left its out-parameter non-NULL: %s\n", shared->violation_names[i]);
    /* a handle type of the header without live objects (one added later without a pool builder)
     * is fuzzed only with NULL: a failure, so that build_pools grows with the header */
    if (missing[0]) printf("FAIL  handle kinds without live objects in the pools (add them to build_pools):%s\n", missing);
    printf("capi fuzz: %ld calls tried, %d crashes, %d hangs, %ld contract violations\n", shared->calls, crashes, hangs,
           shared->violations);
    return crashes || hangs || shared->violations || missing[0] ? 1 : 0;
}
