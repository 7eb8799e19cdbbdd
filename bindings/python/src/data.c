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

/* A create function over flat tensors and a structure (the element and the tensor sources). */
typedef int32_t (*flat_create)(const sk_tensor *const *tensors, int32_t n, const char *structure, void *out);

static int32_t create_element(const sk_tensor *const *t, int32_t n, const char *s, void *out) {
    return sk_dataset_element_create(t, n, s, (sk_dataset_element **)out);
}
static int32_t create_slices(const sk_tensor *const *t, int32_t n, const char *s, void *out) {
    return sk_dataset_from_tensor_slices(t, n, s, (sk_dataset **)out);
}
static int32_t create_tensors(const sk_tensor *const *t, int32_t n, const char *s, void *out) {
    return sk_dataset_from_tensors(t, n, s, (sk_dataset **)out);
}

/* create(tensors of the flat list, structure JSON or None, out): its status, or -1 with an
 * exception when the arguments do not convert. */
static int32_t with_flat(PyObject *flat, PyObject *structure, flat_create create, void *out) {
    const char *s = skpy_opt_str(structure, "structure");
    if (BADSTR(s)) return -1;
    TList tl;
    if (skpy_tlist_from(flat, &tl) < 0) return -1;
    int32_t st = create((const sk_tensor *const *)tl.h, tl.n, s, out);
    skpy_tlist_free(&tl);
    return st;
}

/* A new element from a Python (flat list, structure JSON) pair; NULL with an exception. */
static sk_dataset_element *element_from(PyObject *pair) {
    PyObject *flat, *structure;
    if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "OO", &flat, &structure)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "dataset callback: expected (tensors, structure)");
        return NULL;
    }
    sk_dataset_element *e = NULL;
    int32_t st = with_flat(flat, structure, create_element, &e);
    if (st > 0) skpy_raise_status(st);
    return st ? NULL : e;
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
    if (!Py_IsInitialized() || skpy_finalizing) return;
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

static PyObject *from_tensors_with(PyObject *args, flat_create make) {
    PyObject *flat, *structure;
    if (!PyArg_ParseTuple(args, "OO", &flat, &structure)) return NULL;
    sk_dataset *d = NULL;
    int32_t st = with_flat(flat, structure, make, &d);
    return st < 0 ? NULL : ds_finish(st, &d);
}

static PyObject *d_dataset_from_tensor_slices(PyObject *self, PyObject *args) { (void)self; return from_tensors_with(args, create_slices); }
static PyObject *d_dataset_from_tensors(PyObject *self, PyObject *args) { (void)self; return from_tensors_with(args, create_tensors); }

static PyObject *d_dataset_range(PyObject *self, PyObject *args) {
    (void)self;
    long long start, stop, step;
    int dtype;
    if (!PyArg_ParseTuple(args, "LLLi", &start, &stop, &step, &dtype)) return NULL;
    sk_dataset *d = NULL;
    return ds_finish(sk_dataset_range(start, stop, step, dtype, &d), &d);
}

static PyObject *d_dataset_from_generator(PyObject *self, PyObject *args) {
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

static PyObject *d_dataset_batch(PyObject *self, PyObject *args) { (void)self; return with_size_drop(args, sk_dataset_batch); }
static PyObject *d_dataset_rebatch(PyObject *self, PyObject *args) { (void)self; return with_size_drop(args, sk_dataset_rebatch); }

static PyObject *d_dataset_padded_batch(PyObject *self, PyObject *args) {
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

static PyObject *d_dataset_shuffle(PyObject *self, PyObject *args) {
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

static PyObject *d_dataset_repeat(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_repeat); }
static PyObject *d_dataset_take(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_take); }
static PyObject *d_dataset_skip(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_skip); }
static PyObject *d_dataset_enumerate(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_enumerate); }
static PyObject *d_dataset_prefetch(PyObject *self, PyObject *args) { (void)self; return with_count(args, sk_dataset_prefetch); }

static PyObject *d_dataset_unbatch(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(sk_dataset_unbatch(in, &d), &d) : NULL;
}

static PyObject *d_dataset_cache(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    return in ? ds_finish(sk_dataset_cache(in, &d), &d) : NULL;
}

static PyObject *d_dataset_map(PyObject *self, PyObject *args) {
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

static PyObject *d_dataset_filter(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c, *fn;
    if (!PyArg_ParseTuple(args, "OO", &c, &fn)) return NULL;
    sk_dataset *in = DS_CAP(c), *d = NULL;
    if (!in) return NULL;
    Py_INCREF(fn);
    return ds_finish(sk_dataset_filter(in, filter_fn, fn, skpy_callback_destroy, &d), &d);
}

static PyObject *d_dataset_zip(PyObject *self, PyObject *seq) {
    (void)self;
    int32_t n = 0;
    void **hs = skpy_hlist_from(seq, "sk_dataset", &n);
    if (!hs) return NULL;
    sk_dataset *d = NULL;
    int32_t st = sk_dataset_zip((const sk_dataset *const *)hs, n, &d);
    PyMem_Free(hs);
    return ds_finish(st, &d);
}

static PyObject *d_dataset_concatenate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    sk_dataset *x = DS_CAP(a), *y = x ? DS_CAP(b) : NULL, *d = NULL;
    return y ? ds_finish(sk_dataset_concatenate(x, y, &d), &d) : NULL;
}

static PyObject *d_dataset_timeseries(PyObject *self, PyObject *args) {
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

static PyObject *d_dataset_cardinality(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    if (!in) return NULL;
    int64_t n = 0;
    int32_t st = sk_dataset_cardinality(in, &n);
    return st ? skpy_raise_status(st) : PyLong_FromLongLong((long long)n);
}

static int32_t structure_get(const void *h, char *b, size_t c, size_t *l) { return sk_dataset_structure((const sk_dataset *)h, b, c, l); }

static PyObject *d_dataset_structure(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    return in ? skpy_copied_string(in, structure_get) : NULL;
}

/* element_spec may run the pipeline up to its first element (a prefetch thread may need the GIL
 * for a Python generator): the call runs with the GIL released, into a 64 KiB buffer. */
static PyObject *d_dataset_element_spec(PyObject *self, PyObject *c) {
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

/* A new iterator (creating one runs no callback: the pipeline starts at the first next). */
static PyObject *d_dataset_iterator(PyObject *self, PyObject *c) {
    (void)self;
    sk_dataset *in = DS_CAP(c);
    sk_dataset_iterator *it = NULL;
    int32_t st = in ? sk_dataset_iterator_create(in, &it) : SK_ERR_INVALID_HANDLE;
    PyObject *cap = st ? NULL : PyCapsule_New(it, "sk_dataset_iterator", it_cap_destroy);
    if (st && in) skpy_raise_status(st);
    if (!st && !cap) sk_dataset_iterator_release(it);
    return cap;
}

/* The next element as a list of tensors, or None at the end. */
static PyObject *d_dataset_iterator_next(PyObject *self, PyObject *c) {
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

/* pad_sequences(values, lengths, maxlen (-1 none), dtype, padding, truncating, value): the
 * sequences concatenated (float64) and their lengths (int64), both tensor-likes. */
static PyObject *d_pad_sequences(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *vo, *lo; long long maxlen; int dtype; const char *padding, *truncating; double value;
    if (!PyArg_ParseTuple(args, "OOLissd", &vo, &lo, &maxlen, &dtype, &padding, &truncating, &value)) return NULL;
    sk_tensor *vals = skpy_convert(vo, SK_FLOAT64), *lens = vals ? skpy_convert(lo, SK_INT64) : NULL, *out = NULL;
    int32_t st = !lens ? -1 : sk_pad_sequences((const double *)sk_tensor_data(vals), (const int64_t *)sk_tensor_data(lens),
                                              sk_tensor_size(lens), maxlen, dtype, padding, truncating, value, &out);
    sk_tensor_release(vals);
    sk_tensor_release(lens);
    return st < 0 ? NULL : skpy_finish(st, out);
}

/* ---- models over datasets ---- */

/* model_evaluate_dataset(model, dataset, steps, verbose, callbacks=None): callbacks a list of
 * sk_keras_callback capsules run around the evaluation */
static PyObject *d_model_evaluate_dataset(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *c, *cbl = Py_None; long long steps; int verbose;
    if (!PyArg_ParseTuple(args, "OOLi|O", &mc, &c, &steps, &verbose, &cbl)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset *d = m ? DS_CAP(c) : NULL;
    if (!d) return NULL;
    int32_t ncb = 0;
    void **cbs = NULL;
    if (cbl != Py_None && !(cbs = skpy_hlist_from(cbl, "sk_keras_callback", &ncb))) return NULL;
    const char *names[SKPY_MAX_LOGS];
    double values[SKPY_MAX_LOGS];
    int32_t n = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_evaluate_dataset_callbacks(m, d, steps, verbose, (sk_keras_callback *const *)cbs, ncb,
                                             names, values, SKPY_MAX_LOGS, &n);
    Py_END_ALLOW_THREADS
    PyMem_Free(cbs);
    return st ? skpy_raise_status(st) : skpy_logs_dict(names, values, n);
}

static PyObject *d_model_predict_dataset(PyObject *self, PyObject *args) {
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

/* The module functions of this file: `_native.<name>` is d_<name> (their arguments are in the
 * comments above each; swiftkeras.data is the documented API). */
SKPY_EXPORT(module, d_, dataset_from_tensor_slices, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_from_tensors, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_range, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_from_generator, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_batch, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_padded_batch, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_rebatch, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_unbatch, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_shuffle, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_repeat, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_take, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_skip, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_map, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_filter, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_zip, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_concatenate, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_enumerate, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_prefetch, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_cache, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_timeseries, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, dataset_cardinality, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_structure, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_element_spec, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_iterator, METH_O, NULL);
SKPY_EXPORT(module, d_, dataset_iterator_next, METH_O, NULL);
SKPY_EXPORT(module, d_, to_categorical, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, pad_sequences, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, model_evaluate_dataset, METH_VARARGS, NULL);
SKPY_EXPORT(module, d_, model_predict_dataset, METH_VARARGS, NULL);
#undef DATA_FN

/* ---- elements for the other sections (custom training steps) ---- */

PyObject *skpy_element_pair(const sk_dataset_element *e) {
    PyObject *l = element_list(e);
    PyObject *s = l ? element_structure(e) : NULL;
    PyObject *r = s ? PyTuple_Pack(2, l, s) : NULL;
    Py_XDECREF(l);
    Py_XDECREF(s);
    return r;
}

sk_dataset_element *skpy_element_from(PyObject *pair) { return element_from(pair); }
