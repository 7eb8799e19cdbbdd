/* tf.data over include/swiftkeras/data.h: datasets as "sk_dataset" capsules, iterators as
 * "sk_dataset_iterator" capsules, elements crossing as (flat list of tensors, structure JSON);
 * the Python package (swiftkeras.data) packs and unpacks the nesting. Python callables
 * (generators, map and filter functions) run as the C callbacks, taking the GIL; every call
 * that may run the pipeline releases the GIL, so a prefetch thread can run Python callbacks. */
#include "native.h"

#define DS_CAP(o) ((sk_dataset *)skpy_handle_get((o), "sk_dataset"))

static void ds_cap_destroy(PyObject *cap) {
    sk_dataset *h = (sk_dataset *)PyCapsule_GetPointer(cap, "sk_dataset");
    if (h) sk_dataset_release(h); else PyErr_Clear();
}

static void it_cap_destroy(PyObject *cap) {
    sk_dataset_iterator *h = (sk_dataset_iterator *)PyCapsule_GetPointer(cap, "sk_dataset_iterator");
    if (h) sk_dataset_iterator_release(h); else PyErr_Clear();
}

/* A capsule owning the new dataset *hp, or the status's exception (*hp is read after the call
 * that wrote it: `ds_finish(f(..., &d), &d)` is well defined). */
static PyObject *ds_finish(int32_t st, sk_dataset **hp) {
    if (st) return skpy_raise_status(st);
    sk_dataset *h = *hp;
    PyObject *c = PyCapsule_New(h, "sk_dataset", ds_cap_destroy);
    if (!c) sk_dataset_release(h);
    return c;
}

/* The flat tensors of an element as a list of Tensors. */
static PyObject *element_list(const sk_dataset_element *e) {
    int32_t n = sk_dataset_element_num_tensors(e);
    PyObject *l = PyList_New(n < 0 ? 0 : n);
    for (int32_t i = 0; l && i < n; i++) {
        sk_tensor *t = NULL;
        int32_t st = sk_dataset_element_tensor(e, i, &t);
        PyObject *o = st ? skpy_raise_status(st) : skpy_wrap_tensor(t);
        if (!o) { Py_CLEAR(l); break; }
        PyList_SET_ITEM(l, i, o);
    }
    return l;
}

static int32_t element_structure_get(const void *h, char *b, size_t c, size_t *l) {
    return sk_dataset_element_structure((const sk_dataset_element *)h, b, c, l);
}

static PyObject *element_structure(const sk_dataset_element *e) { return skpy_copied_string(e, element_structure_get); }

/* The tensors of a flat list (into *tl, skpy_tlist_free) and a structure JSON or None (*s);
 * 0, or -1 with an exception. */
static int flat_and_structure(PyObject *flat, PyObject *structure, TList *tl, const char **s) {
    *s = skpy_opt_str(structure, "structure");
    if (BADSTR(*s)) return -1;
    return skpy_tlist_from(flat, tl);
}

/* A new element from a Python (flat list, structure JSON) pair; NULL with an exception. */
static sk_dataset_element *element_from(PyObject *pair) {
    PyObject *flat, *structure;
    if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "OO", &flat, &structure)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "dataset callback: expected (tensors, structure)");
        return NULL;
    }
    const char *s;
    TList tl;
    if (flat_and_structure(flat, structure, &tl, &s) < 0) return NULL;
    sk_dataset_element *e = NULL;
    int32_t st = sk_dataset_element_create((const sk_tensor *const *)tl.h, tl.n, s, &e);
    skpy_tlist_free(&tl);
    if (st) { skpy_raise_status(st); return NULL; }
    return e;
}

/* fn(*args) on an element's (list, structure); a new reference or NULL. */
static PyObject *call_on_element(PyObject *fn, const sk_dataset_element *in) {
    PyObject *l = element_list(in);
    PyObject *s = l ? element_structure(in) : NULL;
    PyObject *r = s ? PyObject_CallFunctionObjArgs(fn, l, s, NULL) : NULL;
    Py_XDECREF(l);
    Py_XDECREF(s);
    return r;
}

/* ---- callbacks (user_data: a tuple of callables, released by skpy_callback_destroy) ---- */

static int32_t gen_next(void *ud, int64_t pass, int64_t index, sk_dataset_element **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallFunction(PyTuple_GET_ITEM((PyObject *)ud, 0), "LL", (long long)pass, (long long)index);
    if (!r) rc = skpy_callback_fail();
    else if (r != Py_None && !(*out = element_from(r))) rc = skpy_callback_fail();
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static void gen_close(void *ud, int64_t pass) {
    if (!Py_IsInitialized() || _Py_IsFinalizing()) return;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *r = PyObject_CallFunction(PyTuple_GET_ITEM((PyObject *)ud, 1), "L", (long long)pass);
    if (!r) PyErr_WriteUnraisable(PyTuple_GET_ITEM((PyObject *)ud, 1));
    Py_XDECREF(r);
    PyGILState_Release(g);
}

static int32_t map_fn(void *ud, const sk_dataset_element *in, sk_dataset_element **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = call_on_element((PyObject *)ud, in);
    if (!r || !(*out = element_from(r))) rc = skpy_callback_fail();
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static int32_t filter_fn(void *ud, const sk_dataset_element *in, uint8_t *keep) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = call_on_element((PyObject *)ud, in);
    int t = r ? PyObject_IsTrue(r) : -1;
    if (t < 0) rc = skpy_callback_fail();
    else *keep = (uint8_t)t;
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* ---- sources ---- */

typedef int32_t (*tensor_source)(const sk_tensor *const *, int32_t, const char *, sk_dataset **);

static PyObject *from_tensors_with(PyObject *args, tensor_source make) {
    PyObject *flat, *structure;
    if (!PyArg_ParseTuple(args, "OO", &flat, &structure)) return NULL;
    const char *s;
    TList tl;
    if (flat_and_structure(flat, structure, &tl, &s) < 0) return NULL;
    sk_dataset *d = NULL;
    int32_t st = make((const sk_tensor *const *)tl.h, tl.n, s, &d);
    skpy_tlist_free(&tl);
    return ds_finish(st, &d);
}

static PyObject *d_from_tensor_slices(PyObject *self, PyObject *args) { (void)self; return from_tensors_with(args, sk_dataset_from_tensor_slices); }
static PyObject *d_from_tensors(PyObject *self, PyObject *args) { (void)self; return from_tensors_with(args, sk_dataset_from_tensors); }

static PyObject *d_range(PyObject *self, PyObject *args) {
    (void)self;
    long long start, stop, step;
    int dtype;
    if (!PyArg_ParseTuple(args, "LLLi", &start, &stop, &step, &dtype)) return NULL;
    sk_dataset *d = NULL;
    return ds_finish(sk_dataset_range(start, stop, step, dtype, &d), &d);
}

static PyObject *d_from_generator(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *next, *close, *structure, *spec;
    long long card;
    if (!PyArg_ParseTuple(args, "OOOOL", &next, &close, &structure, &spec, &card)) return NULL;
    const char *s = skpy_opt_str(structure, "structure"), *sp = BADSTR(s) ? NULL : skpy_opt_str(spec, "element_spec");
    if (BADSTR(s) || BADSTR(sp)) return NULL;
    PyObject *ud = PyTuple_Pack(2, next, close);
    if (!ud) return NULL;
    sk_dataset *d = NULL;
    int32_t st = sk_dataset_from_callback(gen_next, gen_close, ud, skpy_callback_destroy, s, sp, card, &d);
    return ds_finish(st, &d);
}

/* ---- transformations ---- */

typedef int32_t (*batching)(const sk_dataset *, int64_t, uint8_t, sk_dataset **);

/* f(ds, batch_size, drop_remainder): batch, rebatch */
static PyObject *with_size_drop(PyObject *args, batching f) {
    PyObject *c; long long n; int drop;
    if (!PyArg_ParseTuple(args, "OLp", &c, &n, &drop)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(f(in, n, (uint8_t)drop, &d), &d) : NULL;
}

static PyObject *d_batch(PyObject *self, PyObject *args) { (void)self; return with_size_drop(args, sk_dataset_batch); }
static PyObject *d_rebatch(PyObject *self, PyObject *args) { (void)self; return with_size_drop(args, sk_dataset_rebatch); }

static PyObject *d_padded_batch(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c, *shapes, *values; long long n; int drop;
    if (!PyArg_ParseTuple(args, "OLOOp", &c, &n, &shapes, &values, &drop)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    if (!in) return NULL;
    const char *sj = skpy_opt_str(shapes, "padded_shapes");
    if (BADSTR(sj)) return NULL;
    double *vals = NULL;
    Py_ssize_t nv = 0;
    if (values != Py_None) {
        PyObject *f = PySequence_Fast(values, "padded_batch: padding_values must be a list of numbers");
        if (!f) return NULL;
        nv = PySequence_Fast_GET_SIZE(f);
        vals = PyMem_Malloc(sizeof(double) * (size_t)(nv ? nv : 1));
        if (!vals) { Py_DECREF(f); return PyErr_NoMemory(); }
        for (Py_ssize_t i = 0; i < nv; i++) vals[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(f, i));
        Py_DECREF(f);
        if (PyErr_Occurred()) { PyMem_Free(vals); return NULL; }
    }
    int32_t st = sk_dataset_padded_batch(in, n, sj, vals, (int32_t)nv, (uint8_t)drop, &d);
    PyMem_Free(vals);
    return ds_finish(st, &d);
}

static PyObject *d_shuffle(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c; long long n, seed; int re;
    if (!PyArg_ParseTuple(args, "OLLp", &c, &n, &seed, &re)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(sk_dataset_shuffle(in, n, seed, (uint8_t)re, &d), &d) : NULL;
}

typedef int32_t (*count_transform)(const sk_dataset *, int64_t, sk_dataset **);

static PyObject *with_count(PyObject *args, count_transform f) {
    PyObject *c; long long n;
    if (!PyArg_ParseTuple(args, "OL", &c, &n)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(f(in, n, &d), &d) : NULL;
}

static PyObject *d_repeat(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_repeat); }
static PyObject *d_take(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_take); }
static PyObject *d_skip(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_skip); }
static PyObject *d_enumerate(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_enumerate); }
static PyObject *d_prefetch(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_prefetch); }

static PyObject *d_unbatch(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(sk_dataset_unbatch(in, &d), &d) : NULL;
}

static PyObject *d_cache(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(sk_dataset_cache(in, &d), &d) : NULL;
}

static PyObject *d_map(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c, *fn, *structure;
    if (!PyArg_ParseTuple(args, "OOO", &c, &fn, &structure)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    if (!in) return NULL;
    const char *s = skpy_opt_str(structure, "structure");
    if (BADSTR(s)) return NULL;
    Py_INCREF(fn);
    int32_t st;
    Py_BEGIN_ALLOW_THREADS   /* without a structure the core maps the first element now */
    st = sk_dataset_map(in, map_fn, fn, skpy_callback_destroy, s, &d);
    Py_END_ALLOW_THREADS
    return ds_finish(st, &d);
}

static PyObject *d_filter(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c, *fn;
    if (!PyArg_ParseTuple(args, "OO", &c, &fn)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    if (!in) return NULL;
    Py_INCREF(fn);
    return ds_finish(sk_dataset_filter(in, filter_fn, fn, skpy_callback_destroy, &d), &d);
}

static PyObject *d_zip(PyObject *self, PyObject *seq) {
    (void)self;
    int32_t n = 0;
    void **hs = skpy_hlist_from(seq, "sk_dataset", &n);
    if (!hs) return NULL;
    sk_dataset *d = NULL;
    int32_t st = sk_dataset_zip((const sk_dataset *const *)hs, n, &d);
    PyMem_Free(hs);
    return ds_finish(st, &d);
}

static PyObject *d_concatenate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    sk_dataset *x = DS_CAP(a), *y = x ? DS_CAP(b) : NULL, *d = NULL;
    return y ? ds_finish(sk_dataset_concatenate(x, y, &d), &d) : NULL;
}

static PyObject *d_timeseries(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *data, *targets;
    long long len, stride, rate, batch, seed, start, end;
    int shuffle;
    if (!PyArg_ParseTuple(args, "OOLLLLpLLL", &data, &targets, &len, &stride, &rate, &batch, &shuffle, &seed, &start, &end))
        return NULL;
    sk_tensor *td = skpy_convert(data, 0), *tt = NULL;
    if (!td) return NULL;
    if (targets != Py_None && !(tt = skpy_convert(targets, 0))) { sk_tensor_release(td); return NULL; }
    sk_dataset *d = NULL;
    int32_t st = sk_dataset_timeseries(td, tt, len, stride, rate, batch, (uint8_t)shuffle, seed, start, end, &d);
    sk_tensor_release(td);
    sk_tensor_release(tt);
    return ds_finish(st, &d);
}

/* ---- queries and iteration ---- */

static PyObject *d_cardinality(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    if (!in) return NULL;
    int64_t n = 0;
    int32_t st = sk_dataset_cardinality(in, &n);
    return st ? skpy_raise_status(st) : PyLong_FromLongLong((long long)n);
}

static int32_t structure_get(const void *h, char *b, size_t c, size_t *l) { return sk_dataset_structure((const sk_dataset *)h, b, c, l); }

static PyObject *d_structure(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    return in ? skpy_copied_string(in, structure_get) : NULL;
}

/* element_spec may run the pipeline up to its first element (a prefetch thread may need the GIL
 * for a Python generator): the call runs with the GIL released, into a 64 KiB buffer. */
static PyObject *d_element_spec(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    if (!in) return NULL;
    size_t cap = (size_t)1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) return PyErr_NoMemory();
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_dataset_element_spec(in, buf, cap, &len);
    Py_END_ALLOW_THREADS
    PyObject *r = st ? skpy_raise_status(st) : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
    free(buf);
    return r;
}

static PyObject *d_iterator(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    if (!in) return NULL;
    sk_dataset_iterator *it = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_dataset_iterator_create(in, &it);
    Py_END_ALLOW_THREADS
    if (st) return skpy_raise_status(st);
    PyObject *cap = PyCapsule_New(it, "sk_dataset_iterator", it_cap_destroy);
    if (!cap) sk_dataset_iterator_release(it);
    return cap;
}

/* The next element as a list of tensors, or None at the end. */
static PyObject *d_iterator_next(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset_iterator *it = (sk_dataset_iterator *)skpy_handle_get(c, "sk_dataset_iterator");
    if (!it) return NULL;
    sk_dataset_element *e = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_dataset_iterator_next(it, &e);
    Py_END_ALLOW_THREADS
    if (st) return skpy_raise_status(st);
    if (!e) Py_RETURN_NONE;
    PyObject *l = element_list(e);
    sk_dataset_element_release(e);
    return l;
}

/* ---- keras.utils ---- */

static PyObject *d_to_categorical(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *y; long long k; int dtype;
    if (!PyArg_ParseTuple(args, "OLi", &y, &k, &dtype)) return NULL;
    sk_tensor *t = skpy_convert(y, 0), *out = NULL;
    if (!t) return NULL;
    int32_t st = sk_to_categorical(t, k, dtype, &out);
    sk_tensor_release(t);
    return skpy_finish(st, out);
}

/* pad_sequences(list of sequences of numbers, maxlen (-1 none), dtype, padding, truncating, value) */
static PyObject *d_pad_sequences(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *seqs; long long maxlen; int dtype; const char *padding, *truncating; double value;
    if (!PyArg_ParseTuple(args, "OLissd", &seqs, &maxlen, &dtype, &padding, &truncating, &value)) return NULL;
    PyObject *f = PySequence_Fast(seqs, "pad_sequences: `sequences` must be a list of iterables");
    if (!f) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f), total = 0, cap = 64;
    int64_t *lens = PyMem_Malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    double *vals = PyMem_Malloc(sizeof(double) * (size_t)cap);
    PyObject *result = NULL;
    if (!lens || !vals) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PySequence_Fast(PySequence_Fast_GET_ITEM(f, i), "pad_sequences: `sequences` must be a list of iterables");
        if (!s) goto done;
        Py_ssize_t m = PySequence_Fast_GET_SIZE(s);
        if (total + m > cap) {
            while (total + m > cap) cap *= 2;
            double *nv = PyMem_Realloc(vals, sizeof(double) * (size_t)cap);
            if (!nv) { Py_DECREF(s); PyErr_NoMemory(); goto done; }
            vals = nv;
        }
        for (Py_ssize_t j = 0; j < m; j++) vals[total + j] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(s, j));
        Py_DECREF(s);
        if (PyErr_Occurred()) goto done;
        lens[i] = m;
        total += m;
    }
    sk_tensor *out = NULL;
    int32_t st = sk_pad_sequences(vals, lens, n, maxlen, dtype, padding, truncating, value, &out);
    result = skpy_finish(st, out);
done:
    PyMem_Free(lens);
    PyMem_Free(vals);
    Py_DECREF(f);
    return result;
}

/* ---- models over datasets ---- */

static PyObject *d_model_evaluate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *c; long long steps; int verbose;
    if (!PyArg_ParseTuple(args, "OOLi", &mc, &c, &steps, &verbose)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset *d = m ? DS_CAP(c) : NULL;
    if (!d) return NULL;
    const char *names[64];
    double values[64];
    int32_t n = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_evaluate_dataset(m, d, steps, verbose, names, values, 64, &n);
    Py_END_ALLOW_THREADS
    return st ? skpy_raise_status(st) : skpy_logs_dict(names, values, n);
}

static PyObject *d_model_predict(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *c; long long steps;
    if (!PyArg_ParseTuple(args, "OOL", &mc, &c, &steps)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset *d = m ? DS_CAP(c) : NULL;
    if (!d) return NULL;
    sk_tensor *out = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_predict_dataset(m, d, steps, &out);
    Py_END_ALLOW_THREADS
    return skpy_finish(st, out);
}

PyMethodDef skpy_data_methods[] = {
    {"dataset_from_tensor_slices", d_from_tensor_slices, METH_VARARGS, "dataset_from_tensor_slices(tensors, structure_json)"},
    {"dataset_from_tensors", d_from_tensors, METH_VARARGS, "dataset_from_tensors(tensors, structure_json)"},
    {"dataset_range", d_range, METH_VARARGS, "dataset_range(start, stop, step, dtype_code)"},
    {"dataset_from_generator", d_from_generator, METH_VARARGS,
     "dataset_from_generator(next(pass, index) -> (tensors, structure) or None, close(pass), structure, spec_json, cardinality)"},
    {"dataset_batch", d_batch, METH_VARARGS, "dataset_batch(ds, batch_size, drop_remainder)"},
    {"dataset_padded_batch", d_padded_batch, METH_VARARGS, "dataset_padded_batch(ds, batch_size, shapes_json, values, drop)"},
    {"dataset_rebatch", d_rebatch, METH_VARARGS, "dataset_rebatch(ds, batch_size, drop_remainder)"},
    {"dataset_unbatch", d_unbatch, METH_O, "dataset_unbatch(ds)"},
    {"dataset_shuffle", d_shuffle, METH_VARARGS, "dataset_shuffle(ds, buffer_size, seed (-1 none), reshuffle)"},
    {"dataset_repeat", d_repeat, METH_VARARGS, "dataset_repeat(ds, count)"},
    {"dataset_take", d_take, METH_VARARGS, "dataset_take(ds, count)"},
    {"dataset_skip", d_skip, METH_VARARGS, "dataset_skip(ds, count)"},
    {"dataset_map", d_map, METH_VARARGS, "dataset_map(ds, fn(tensors, structure) -> (tensors, structure), structure or None)"},
    {"dataset_filter", d_filter, METH_VARARGS, "dataset_filter(ds, fn(tensors, structure) -> bool)"},
    {"dataset_zip", d_zip, METH_O, "dataset_zip([ds, ...])"},
    {"dataset_concatenate", d_concatenate, METH_VARARGS, "dataset_concatenate(a, b)"},
    {"dataset_enumerate", d_enumerate, METH_VARARGS, "dataset_enumerate(ds, start)"},
    {"dataset_prefetch", d_prefetch, METH_VARARGS, "dataset_prefetch(ds, buffer_size)"},
    {"dataset_cache", d_cache, METH_O, "dataset_cache(ds)"},
    {"dataset_timeseries", d_timeseries, METH_VARARGS, "dataset_timeseries(data, targets, len, stride, rate, batch, shuffle, seed, start, end)"},
    {"dataset_cardinality", d_cardinality, METH_O, "dataset_cardinality(ds) -> int"},
    {"dataset_structure", d_structure, METH_O, "dataset_structure(ds) -> JSON"},
    {"dataset_element_spec", d_element_spec, METH_O, "dataset_element_spec(ds) -> JSON"},
    {"dataset_iterator", d_iterator, METH_O, "dataset_iterator(ds) -> iterator"},
    {"dataset_iterator_next", d_iterator_next, METH_O, "dataset_iterator_next(it) -> [tensors] or None"},
    {"to_categorical", d_to_categorical, METH_VARARGS, "to_categorical(y, num_classes (<= 0 none), dtype_code)"},
    {"pad_sequences", d_pad_sequences, METH_VARARGS, "pad_sequences(seqs, maxlen, dtype_code, padding, truncating, value)"},
    {"model_evaluate_dataset", d_model_evaluate, METH_VARARGS, "model_evaluate_dataset(model, ds, steps, verbose) -> dict"},
    {"model_predict_dataset", d_model_predict, METH_VARARGS, "model_predict_dataset(model, ds, steps) -> Tensor"},
    {NULL}
};
