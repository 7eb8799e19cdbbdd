/* Thread-race tests of every thread-safety promise of the header (include/swiftkeras.h
 * "Threads", settings.h, saving.h, keras.h):
 *   - sk_variable: read / assign / assign_add / assign_sub are each atomic: concurrent
 *     increments are all counted, a reader sees a whole old or new value, never a mix;
 *   - the settings (floatx, epsilon, image_data_format): each get and set is atomic;
 *   - tensors are immutable and shared freely: the same inputs on many threads give the
 *     same results;
 *   - the last error is per thread;
 *   - tapes are per thread: concurrent tapes give each thread its own gradients;
 *   - different models train concurrently on different threads;
 *   - saves to the same path from several threads are serialized: every save succeeds, the
 *     file loads, no temporary file is left;
 *   - an sk_function may be invoked from several threads at once;
 *   - datasets are shared: many threads iterate one pipeline at once, each pass complete;
 *   - string tensors and the linalg decompositions, seeded initializers, the class registry and
 *     the checkpoint state file (race_strings_linalg_registry.inc).
 *
 *   race_capi [--rounds N]    prints "race tests: N checks, F failed" and exits 1 on a failure. */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "swiftkeras.h"

#define THREADS 8
static long checks = 0, failures = 0;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static void check(int ok, const char *what) {
    pthread_mutex_lock(&report_lock);
    checks++;
    if (!ok) { failures++; fprintf(stderr, "FAIL %s [%s]\n", what, sk_last_error_message()); }
    pthread_mutex_unlock(&report_lock);
}
/* The first element (and, for a wide tensor, NAN unless all elements equal it). */
static double first(const sk_tensor *t) {
    sk_tensor *d = NULL;
    double v = NAN;
    int64_t n = sk_tensor_size(t);
    double *all = n > 0 ? malloc((size_t)n * sizeof(double)) : NULL;
    if (all && sk_tensor_cast(t, SK_FLOAT64, &d) == SK_OK && sk_tensor_copy_data(d, all, (size_t)n * sizeof(double)) == SK_OK) {
        v = all[0];
        for (int64_t i = 1; i < n; i++) if (all[i] != v) v = NAN;
    }
    free(all);
    sk_tensor_release(d);
    return v;
}
static sk_tensor *filled(int64_t n, float value) {
    sk_tensor *t = NULL;
    int64_t shape[1] = {n};
    sk_full(shape, 1, value, SK_FLOAT32, &t);
    return t;
}
static int rounds = 1;
static void run(void *(*fn)(void *)) {
    pthread_t th[THREADS];
    long ids[THREADS];
    for (long i = 0; i < THREADS; i++) { ids[i] = i; pthread_create(&th[i], NULL, fn, &ids[i]); }
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
}

/* ---- variables ---- */
#define WIDE 4096
static sk_variable *var;
static void *var_increments(void *arg) {
    long id = *(long *)arg;
    sk_tensor *one = filled(WIDE, 1);   /* wide: each update takes long enough to race */
    for (int i = 0; i < 1000 * rounds; i++) {
        if (id % 2 && i % 3 == 0) { sk_variable_assign_sub(var, one); sk_variable_assign_add(var, one); }
        sk_variable_assign_add(var, one);
    }
    sk_tensor_release(one);
    return NULL;
}
static void *var_whole_values(void *arg) {
    long id = *(long *)arg;
    int torn = 0;
    for (int i = 0; i < 200 * rounds; i++) {
        if (id < THREADS / 2) {
            sk_tensor *t = filled(WIDE, (float)(id * 1000 + i));
            if (i % 2) sk_variable_assign(var, t); else { sk_tensor *d = filled(WIDE, 0); sk_variable_assign_add(var, d); sk_tensor_release(d); }
            sk_tensor_release(t);
        } else {
            sk_tensor *r = NULL;
            static float buf[THREADS][WIDE];
            if (sk_variable_read(var, &r) == SK_OK && sk_tensor_copy_data(r, buf[id], sizeof buf[id]) == SK_OK) {
                for (int k = 1; k < WIDE; k++) if (buf[id][k] != buf[id][0]) { torn = 1; break; }
            }
            sk_tensor_release(r);
        }
    }
    check(!torn, "a reader sees a whole old or new value of a variable, never a mix");
    return NULL;
}
static void test_variables(void) {
    sk_tensor *zero = filled(WIDE, 0);
    sk_variable_create(zero, "counter", 0, &var);
    run(var_increments);
    sk_tensor *v = NULL;
    sk_variable_read(var, &v);
    check(first(v) == THREADS * 1000.0 * rounds, "concurrent assign_add / assign_sub: no update lost");
    sk_tensor_release(v);
    sk_variable_release(var);
    sk_tensor_release(zero);
    sk_tensor *w = filled(WIDE, 0);
    sk_variable_create(w, "wide", 1, &var);
    run(var_whole_values);
    sk_variable_release(var);
    sk_tensor_release(w);
}

/* ---- settings ---- */
static void *settings_flip(void *arg) {
    long id = *(long *)arg;
    int ok = 1;
    for (int i = 0; i < 2000 * rounds; i++) {
        if (id % 2) {
            sk_set_floatx(i % 2 ? "float64" : "float32");
            sk_set_epsilon(i % 2 ? 1e-3 : 1e-7);
            sk_set_image_data_format(i % 2 ? "channels_first" : "channels_last");
        } else {
            const char *f = sk_floatx(), *d = sk_image_data_format();
            double e = sk_epsilon();
            if (strcmp(f, "float32") && strcmp(f, "float64")) ok = 0;
            if (strcmp(d, "channels_first") && strcmp(d, "channels_last")) ok = 0;
            if (e != 1e-3 && e != 1e-7) ok = 0;
        }
    }
    check(ok, "settings read while other threads set them are always one of the values set");
    return NULL;
}
static void test_settings(void) {
    run(settings_flip);
    sk_set_floatx("float32");
    sk_set_epsilon(1e-7);
    sk_set_image_data_format("channels_last");
}

/* ---- shared tensors, per-thread errors, per-thread tapes, sk_function ---- */
static sk_tensor *shared_a, *shared_b;
static sk_function *shared_fn;
static int32_t square_cb(void *ud, const sk_tensor *const *in, int32_t n, sk_tensor **out, int32_t n_out) {
    (void)ud; (void)n; (void)n_out;
    return sk_square(in[0], &out[0]);
}
static void *shared_work(void *arg) {
    long id = *(long *)arg;
    int ok = 1, errors_ok = 1, tapes_ok = 1, fn_ok = 1, create_ok = 1;
    for (int i = 0; i < 100 * rounds; i++) {
        sk_tensor *m = NULL, *s = NULL;
        sk_matmul(shared_a, shared_b, &m);
        sk_sum(m, NULL, 0, 0, &s);
        if (first(s) != 64.0 * 64.0 * 64.0) ok = 0;
        sk_tensor_release(m);
        sk_tensor_release(s);
        /* errors: each thread fails its own way and reads its own message */
        sk_tensor *bad = NULL;
        int64_t axis[1] = {id + 5};
        sk_sum(shared_a, axis, 1, 0, &bad);
        char want[64];
        snprintf(want, sizeof want, "%ld", id + 5);
        if (sk_last_error_code() != SK_ERR_INVALID_ARG || !strstr(sk_last_error_message(), want)) errors_ok = 0;
        /* tapes: d(x^2)/dx = 2x with x = id */
        sk_tensor *x = NULL, *y = NULL, *g = NULL;
        sk_scalar((double)id, SK_FLOAT32, &x);
        sk_tape *tape = NULL;
        sk_tape_create(0, 1, &tape);
        sk_tape_start(tape);
        sk_tape_watch(tape, x);
        const sk_tensor *in[1] = {x};
        sk_function_call(shared_fn, in, 1, &y, 1);
        sk_tape_stop(tape);
        if (sk_tape_gradient(tape, y, in, NULL, 1, NULL, SK_UNCONNECTED_NONE, &g) != SK_OK || first(g) != 2.0 * id) tapes_ok = 0;
        if (first(y) != (double)(id * id)) fn_ok = 0;
        sk_tape_release(tape);
        sk_tensor_release(x); sk_tensor_release(y); sk_tensor_release(g);
        /* creating objects by name while other threads do */
        sk_layer *l = NULL;
        sk_metric *mt = NULL;
        if (sk_layer_create("Dense", "{\"units\": 3}", &l) != SK_OK || sk_metric_create("AUC", "{}", &mt) != SK_OK) create_ok = 0;
        sk_layer_release(l);
        sk_metric_release(mt);
    }
    check(create_ok, "layers and metrics created by name on several threads at once");
    check(ok, "the same shared tensors give the same results on every thread");
    check(errors_ok, "the last error is per thread");
    check(tapes_ok, "concurrent tapes: each thread gets its own gradients");
    check(fn_ok, "one sk_function invoked from several threads at once");
    return NULL;
}
static void test_shared(void) {
    int64_t s[2] = {64, 64};
    sk_ones(s, 2, SK_FLOAT32, &shared_a);
    sk_ones(s, 2, SK_FLOAT32, &shared_b);
    sk_function_create(square_cb, NULL, NULL, &shared_fn);
    run(shared_work);
    sk_tensor_release(shared_a);
    sk_tensor_release(shared_b);
    sk_function_release(shared_fn);
}

/* ---- models training concurrently, saves to one path ---- */
static char save_path[512], save_dir[256];
static sk_model *new_model(void) {
    sk_layer *d1 = NULL, *d2 = NULL;
    sk_layer_create("Dense", "{\"units\": 8, \"activation\": \"relu\"}", &d1);
    sk_layer_create("Dense", "{\"units\": 1}", &d2);
    const sk_layer *ls[2] = {d1, d2};
    sk_model *m = NULL;
    sk_sequential_create(ls, 2, NULL, &m);
    sk_layer_release(d1);
    sk_layer_release(d2);
    sk_model_compile(m, "adam", NULL, "mse", NULL, NULL, 0);
    return m;
}
static void *train_and_save(void *arg) {
    (void)arg;
    sk_model *m = new_model();
    int64_t sx[2] = {64, 4}, sy[2] = {64, 1};
    sk_tensor *x = NULL, *y = NULL;
    sk_random_normal(sx, 2, 0, 1, SK_FLOAT32, 1, 1, &x);
    sk_sum(x, (const int64_t[]){1}, 1, 1, &y);
    (void)sy;
    const sk_tensor *xs[1] = {x};
    sk_history *h = NULL;
    int32_t st = sk_model_fit(m, xs, 1, y, 16, 3 * rounds, 0, 1, 1, 0, NULL, NULL, &h);
    check(st == SK_OK && sk_history_epochs(h) == 3 * rounds, "models train concurrently on different threads");
    sk_history_release(h);
    for (int i = 0; i < 5 * rounds; i++) check(sk_model_save(m, save_path) == SK_OK, "concurrent saves to one path all succeed");
    sk_tensor_release(x);
    sk_tensor_release(y);
    sk_model_release(m);
    return NULL;
}
static void test_models_and_saves(void) {
    snprintf(save_dir, sizeof save_dir, "/tmp/sk_race_XXXXXX");
    if (!mkdtemp(save_dir)) { check(0, "mkdtemp"); return; }
    snprintf(save_path, sizeof save_path, "%s/shared.safetensors", save_dir);
    run(train_and_save);
    sk_model *back = NULL;
    check(sk_model_load(save_path, &back) == SK_OK, "the file saved concurrently loads");
    sk_model_release(back);
    DIR *d = opendir(save_dir);
    int entries = 0;
    for (struct dirent *e; d && (e = readdir(d));) if (e->d_name[0] != '.' || strstr(e->d_name, "tmp")) entries++;
    if (d) closedir(d);
    check(entries == 1, "no temporary file left after concurrent saves");
    unlink(save_path);
    rmdir(save_dir);
}

/* Datasets are immutable and shared: every thread iterates the same pipelines (a generator
 * callback, map, shuffle with a seed, cache, prefetch) at once, each pass with its own iterator,
 * and sees every element exactly once. */
static sk_dataset *shared_ds[4];
static int32_t gen_next(void *ud, int64_t pass, int64_t index, sk_dataset_element **out) {
    (void)ud; (void)pass;
    if (index >= 50) return SK_OK;
    sk_tensor *t = NULL;
    if (sk_full(NULL, 0, (double)index, SK_FLOAT64, &t) != SK_OK) return sk_last_error_code();
    const sk_tensor *ts[1] = {t};
    int32_t st = sk_dataset_element_create(ts, 1, NULL, out);
    sk_tensor_release(t);
    return st;
}
static int32_t double_it(void *ud, const sk_dataset_element *in, sk_dataset_element **out) {
    (void)ud;
    sk_tensor *t = NULL, *two = NULL;
    int32_t st = sk_dataset_element_tensor(in, 0, &t);
    if (st == SK_OK) st = sk_add(t, t, &two);
    const sk_tensor *ts[1] = {two};
    if (st == SK_OK) st = sk_dataset_element_create(ts, 1, NULL, out);
    sk_tensor_release(t);
    sk_tensor_release(two);
    return st;
}
static void *iterate_shared(void *arg) {
    (void)arg;
    for (int r = 0; r < rounds * 3; r++) {
        for (int k = 0; k < 4; k++) {
            sk_dataset_iterator *it = NULL;
            double sum = 0;
            int n = 0, ok = sk_dataset_iterator_create(shared_ds[k], &it) == SK_OK;
            for (sk_dataset_element *e = NULL; ok;) {
                ok = sk_dataset_iterator_next(it, &e) == SK_OK;
                if (!ok || e == NULL) break;
                sk_tensor *t = NULL;
                ok = sk_dataset_element_tensor(e, 0, &t) == SK_OK;
                if (ok) { sum += first(t); n++; }
                sk_tensor_release(t);
                sk_dataset_element_release(e);
            }
            sk_dataset_iterator_release(it);
            /* 0 + 1 + ... + 49 = 1225, doubled by map (pipelines 1-3) */
            check(ok && n == 50 && sum == (k == 0 ? 1225 : 2450), "a shared dataset iterated on many threads at once: every element once");
            int64_t card = 0;
            check(sk_dataset_cardinality(shared_ds[k], &card) == SK_OK && card == (k == 0 || k == 2 ? 50 : SK_DATASET_UNKNOWN),
                  "cardinality of a shared dataset");
        }
    }
    return NULL;
}
static void test_datasets(void) {
    sk_dataset *gen = NULL, *mapped = NULL, *range = NULL, *shuffled = NULL, *cached = NULL, *prefetched = NULL, *r2 = NULL;
    check(sk_dataset_range(0, 50, 1, SK_FLOAT64, &range) == SK_OK, "range");
    check(sk_dataset_from_callback(gen_next, NULL, NULL, NULL, NULL, NULL, SK_DATASET_UNKNOWN, &gen) == SK_OK, "from_callback");
    check(sk_dataset_map(gen, double_it, NULL, NULL, "\"t\"", &mapped) == SK_OK, "map");
    check(sk_dataset_map(range, double_it, NULL, NULL, "\"t\"", &r2) == SK_OK, "map of range");
    check(sk_dataset_shuffle(r2, 16, 7, 1, &shuffled) == SK_OK, "shuffle");
    check(sk_dataset_cache(shuffled, &cached) == SK_OK, "cache");
    check(sk_dataset_prefetch(mapped, 4, &prefetched) == SK_OK, "prefetch");
    shared_ds[0] = range;
    shared_ds[1] = prefetched;
    shared_ds[2] = cached;
    shared_ds[3] = mapped;
    run(iterate_shared);
    sk_dataset *all[7] = {gen, mapped, range, shuffled, cached, prefetched, r2};
    for (int i = 0; i < 7; i++) sk_dataset_release(all[i]);
}

#include "race_strings_linalg_registry.inc"

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--rounds")) rounds = atoi(argv[2]);
    test_variables();
    test_settings();
    test_shared();
    test_models_and_saves();
    test_datasets();
    test_strings_linalg_registry();
    printf("race tests: %d threads x %d rounds, %ld checks, %ld failed\n", THREADS, rounds, checks, failures);
    return failures ? 1 : 0;
}
