/* Models: construction (functional, Sequential, subclassed), introspection, compile, fit with
 * every argument (sk_fit_args + sk_model_fit_ex, Python hooks), train/test_on_batch, evaluate,
 * predict, the output and live-progress callbacks, and saving / loading. */
#include "native.h"

/* ---- construction ---- */
static PyObject *k_model_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *ins, *outs, *name = Py_None;
    if (!PyArg_ParseTuple(args, "OO|O", &ins, &outs, &name)) return NULL;
    const char *nm = skpy_opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    int32_t ni, no;
    void **a = skpy_hlist_from(ins, "sk_keras_tensor", &ni);
    if (!a) return NULL;
    void **b = skpy_hlist_from(outs, "sk_keras_tensor", &no);
    if (!b) { PyMem_Free(a); return NULL; }
    sk_model *m = NULL;
    int32_t st = sk_model_create((const sk_keras_tensor *const *)a, ni, (const sk_keras_tensor *const *)b, no, nm, &m);
    PyMem_Free(a); PyMem_Free(b);
    return KH_FINISH(sk_model, st, m);
}
SKPY_EXPORT(module, k_, model_create, METH_VARARGS, "model_create(inputs, outputs, name=None) -> model handle.");

static PyObject *k_sequential_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *layers, *name = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &layers, &name)) return NULL;
    const char *nm = skpy_opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    int32_t n;
    void **a = skpy_hlist_from(layers, "sk_layer", &n);
    if (!a) return NULL;
    sk_model *m = NULL;
    int32_t st = sk_sequential_create((const sk_layer *const *)a, n, nm, &m);
    PyMem_Free(a);
    return KH_FINISH(sk_model, st, m);
}
SKPY_EXPORT(module, k_, sequential_create, METH_VARARGS, "sequential_create(layers, name=None) -> model handle.");

static int32_t add(void *model, void *layer) { return sk_model_add(model, layer); }

static PyObject *k_model_add(PyObject *self SKPY_UNUSED, PyObject *args) {
    return skpy_pair_call(args, "sk_model", "sk_layer", add);
}
SKPY_EXPORT(module, k_, model_add, METH_VARARGS, "model_add(model, layer).");

SKPY_HANDLE_GETTER(k_model_as_layer, sk_model, sk_model_as_layer, sk_layer, KH_FINISH)
SKPY_EXPORT(module, k_, model_as_layer, METH_O, "model_as_layer(model) -> layer handle.");

SKPY_CREATE_CUSTOM(k_model_create_custom, "model_create_custom", sk_model, sk_model_create_custom)
SKPY_EXPORT(module, k_, model_create_custom, METH_VARARGS,
    "model_create_custom(name, build(layer, shape) or None, call(inputs, training)) -> model handle.");

/* ---- introspection ---- */
static PyObject *k_model_kind(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    int32_t k = -1, n = 0;
    int32_t st = sk_model_kind(m, &k);
    if (!st) st = sk_model_num_inputs(m, &n);
    if (st) return skpy_raise_status(st);
    return Py_BuildValue("(ii)", (int)k, (int)n);
}
SKPY_EXPORT(module, k_, model_kind, METH_O,
    "model_kind(model) -> (kind: 0 functional / 1 sequential / 2 subclassed, num_inputs).");

/* the model's layers / trainable weights for skpy_fetch_owned */
static int32_t fill_layers(const void *m, void **a, int32_t cap, int32_t *n) { return sk_model_layers(m, (sk_layer **)a, cap, n); }
static int32_t fill_trainable(const void *m, void **a, int32_t cap, int32_t *n) { return sk_model_trainable_weights(m, (sk_variable **)a, cap, n); }

static PyObject *k_model_layers(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_model *m = HGET(sk_model, mc);
    return m ? skpy_fetch_owned(m, fill_layers, SKPY_OWNED_LAYER) : NULL;
}
SKPY_EXPORT(module, k_, model_layers, METH_O, "model_layers(model) -> list of layer handles (Keras order).");

static int32_t fill_metrics(const void *m, void **a, int32_t cap, int32_t *n) { return sk_model_metrics(m, (sk_metric **)a, cap, n); }

static PyObject *k_model_metrics(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_model *m = HGET(sk_model, mc);
    return m ? skpy_fetch_owned(m, fill_metrics, SKPY_OWNED_METRIC) : NULL;
}
SKPY_EXPORT(module, k_, model_metrics, METH_O, "model_metrics(model) -> list of metric handles (`model.metrics`).");

static PyObject *k_model_trainable_weights(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_model *m = HGET(sk_model, mc);
    return m ? skpy_fetch_owned(m, fill_trainable, SKPY_OWNED_VARIABLE) : NULL;
}
SKPY_EXPORT(module, k_, model_trainable_weights, METH_O, "model_trainable_weights(model) -> list of Variable.");

SKPY_HANDLE_GETTER(k_model_optimizer, sk_model, sk_model_optimizer, sk_optimizer, KH_FINISH_OR_NONE)
SKPY_EXPORT(module, k_, model_optimizer, METH_O, "model_optimizer(model) -> optimizer handle or None.");
SKPY_HANDLE_GETTER(k_model_loss, sk_model, sk_model_loss, sk_loss, KH_FINISH_OR_NONE)
SKPY_EXPORT(module, k_, model_loss, METH_O, "model_loss(model) -> loss handle or None.");

SKPY_HANDLE_STRING(k_model_compile_config, sk_model, sk_model_compile_config)
SKPY_EXPORT(module, k_, model_compile_config, METH_O,
    "model_compile_config(model) -> JSON str ('' when not compiled).");

static int32_t get_file_compile_config(const void *h, char *b, size_t c, size_t *l) {
    return sk_model_file_compile_config((const char *)h, b, c, l);
}

static PyObject *k_model_file_compile_config(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *path = NULL;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path)) return NULL;
    PyObject *r = skpy_copied_string(PyBytes_AS_STRING(path), get_file_compile_config);
    Py_DECREF(path);
    return r;
}
SKPY_EXPORT(module, k_, model_file_compile_config, METH_VARARGS,
    "model_file_compile_config(path) -> JSON str of the compile config saved in a model file ('' when none).");

/* sk_model_summary, its size query (SK_ERR_INVALID_ARG with the length set) made a success */
static int32_t summary(const sk_model *m, char *b, size_t c, size_t *l) {
    int32_t st = sk_model_summary(m, b, c, l);
    return !b && st == SK_ERR_INVALID_ARG ? SK_OK : st;
}
SKPY_HANDLE_STRING(k_model_summary, sk_model, summary)
SKPY_EXPORT(module, k_, model_summary, METH_O, "model_summary(model) -> str.");

/* ---- compile, fit, evaluate, predict ---- */
/* model_compile_ex(model, optimizer handle, loss handle, [metric handle or name, ...]) */
static PyObject *k_model_compile_ex(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *oc, *lc, *metrics;
    if (!PyArg_ParseTuple(args, "OOOO", &mc, &oc, &lc, &metrics)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_optimizer *o = m ? HGET(sk_optimizer, oc) : NULL;
    sk_loss *l = o && lc != Py_None ? HGET(sk_loss, lc) : NULL;   /* None: compile(loss=None) */
    if (!o || (!l && lc != Py_None)) return NULL;
    PyObject *f = PySequence_Fast(metrics, "compile: metrics must be a list");
    if (!f) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
    const sk_metric **hs = PyMem_Calloc((size_t)(n ? n : 1), sizeof(sk_metric *));
    const char **ns = PyMem_Calloc((size_t)(n ? n : 1), sizeof(char *));
    PyObject *res = NULL;
    if (!hs || !ns) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(f, i);
        if (PyUnicode_Check(it)) {
            if (!(ns[i] = PyUnicode_AsUTF8(it))) goto done;
        } else if (!(hs[i] = HGET(sk_metric, it))) {
            goto done;
        }
    }
    int32_t st = sk_model_compile_ex(m, o, l, hs, ns, (int32_t)n);
    if (st) { skpy_raise_status(st); goto done; }
    Py_INCREF(Py_None);
    res = Py_None;
done:
    PyMem_Free(hs); PyMem_Free(ns);
    Py_DECREF(f);
    return res;
}
SKPY_EXPORT(module, k_, model_compile_ex, METH_VARARGS,
    "model_compile_ex(model, optimizer, loss or None, [metric handle or name]).");

/* The Python callables of one fit (borrowed from the caller's arguments during the call). */
typedef struct { PyObject *epoch_begin, *epoch_end, *batch_begin, *batch_end; } fit_py_hooks;

/* A hook's result: truthy = stop training (-1), an exception = parked for the caller. */
static int32_t fit_hook_result(PyObject *r) {
    if (!r) return skpy_callback_fail();
    int stop = PyObject_IsTrue(r);
    Py_DECREF(r);
    if (stop < 0) return skpy_callback_fail();
    return stop ? -1 : SK_OK;
}

static PyObject *history_dict(sk_history *h) {
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    int32_t nk = sk_history_num_keys(h), ne = sk_history_epochs(h);
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(ne > 0 ? ne : 1));
    if (!buf) { Py_DECREF(d); return PyErr_NoMemory(); }
    for (int32_t i = 0; i < nk; i++) {
        const char *k = sk_history_key(h, i);
        int32_t cnt = 0;
        int32_t st = sk_history_values(h, k, buf, ne, &cnt);
        if (st) { PyMem_Free(buf); Py_DECREF(d); return skpy_raise_status(st); }
        PyObject *l = PyList_New(cnt);
        if (!l) { PyMem_Free(buf); Py_DECREF(d); return NULL; }
        for (int32_t j = 0; j < cnt; j++) PyList_SET_ITEM(l, j, PyFloat_FromDouble(buf[j]));
        PyDict_SetItemString(d, k, l);
        Py_DECREF(l);
    }
    PyMem_Free(buf);
    return d;
}

static int32_t fit_epoch_begin_cb(void *ud, int32_t epoch) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *r = PyObject_CallFunction(((fit_py_hooks *)ud)->epoch_begin, "i", (int)epoch);
    int32_t rc = fit_hook_result(r);
    PyGILState_Release(g);
    return rc;
}

/* fn(epoch, logs) (batch < 0) or fn(epoch, batch, logs) with logs {name: value}; truthy stops.
 * A pending Ctrl-C (SIGINT) stops fit first, with KeyboardInterrupt: fit always installs the
 * batch-end hook for that, fn None or not. */
static int32_t fit_logs_cb(PyObject *fn, int32_t epoch, int32_t batch, const char *const *names, const double *values,
                           int32_t n) {
    PyGILState_STATE g = PyGILState_Ensure();
    if (PyErr_CheckSignals() < 0) {
        int32_t rc = skpy_callback_fail();
        PyGILState_Release(g);
        return rc;
    }
    if (fn == Py_None) { PyGILState_Release(g); return SK_OK; }
    int32_t rc;
    PyObject *logs = skpy_logs_dict(names, values, n);
    if (!logs) rc = skpy_callback_fail();
    else if (batch < 0) rc = fit_hook_result(PyObject_CallFunction(fn, "iO", (int)epoch, logs));
    else rc = fit_hook_result(PyObject_CallFunction(fn, "iiO", (int)epoch, (int)batch, logs));
    Py_XDECREF(logs);
    PyGILState_Release(g);
    return rc;
}

/* on_epoch_end(epoch, logs) */
static int32_t fit_epoch_end_cb(void *ud, int32_t epoch, const char *const *names, const double *values, int32_t n) {
    return fit_logs_cb(((fit_py_hooks *)ud)->epoch_end, epoch, -1, names, values, n);
}

static int32_t fit_batch_begin_cb(void *ud, int32_t epoch, int32_t batch, const char *const *names, const double *values,
                                  int32_t n) {
    return fit_logs_cb(((fit_py_hooks *)ud)->batch_begin, epoch, batch, names, values, n);
}

static int32_t fit_batch_end_cb(void *ud, int32_t epoch, int32_t batch, const char *const *names, const double *values,
                                int32_t n) {
    return fit_logs_cb(((fit_py_hooks *)ud)->batch_end, epoch, batch, names, values, n);
}

/* An optional tensor argument: None → NULL (ok = 1), else a new handle (ok = 0 on failure). */
static sk_tensor *fit_opt_tensor(PyObject *o, int *ok) {
    *ok = 1;
    if (!o || o == Py_None) return NULL;
    sk_tensor *t = skpy_convert(o, 0);
    if (!t) *ok = 0;
    return t;
}

/* class_weight {class id: weight} into two PyMem arrays; 0 ok, -1 with an exception. */
static int fit_class_weight(PyObject *cw, int64_t **ids, double **ws, int32_t *n) {
    *ids = NULL; *ws = NULL; *n = 0;
    if (!cw || cw == Py_None) return 0;
    if (!PyDict_Check(cw)) {
        PyErr_Format(PyExc_TypeError, "fit: class_weight must be a dict {class id: weight}, got %.100s", skpy_tname(cw));
        return -1;
    }
    Py_ssize_t len = PyDict_Size(cw);
    if (len > (1 << 20)) { PyErr_SetString(PyExc_ValueError, "fit: class_weight has too many classes"); return -1; }
    *ids = PyMem_Malloc(sizeof(int64_t) * (size_t)(len ? len : 1));
    *ws = PyMem_Malloc(sizeof(double) * (size_t)(len ? len : 1));
    if (!*ids || !*ws) { PyMem_Free(*ids); PyMem_Free(*ws); *ids = NULL; *ws = NULL; PyErr_NoMemory(); return -1; }
    Py_ssize_t pos = 0, i = 0;
    PyObject *k, *v;
    while (PyDict_Next(cw, &pos, &k, &v)) {
        PyObject *ki = PyNumber_Index(k);
        long long id = ki ? PyLong_AsLongLong(ki) : -1;
        Py_XDECREF(ki);
        double w = PyFloat_AsDouble(v);
        if (PyErr_Occurred()) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "fit: class_weight must map integer class ids to numbers, got %R: %R", k, v);
            PyMem_Free(*ids); PyMem_Free(*ws); *ids = NULL; *ws = NULL;
            return -1;
        }
        (*ids)[i] = id;
        (*ws)[i] = w;
        i++;
    }
    *n = (int32_t)i;
    return 0;
}

static PyObject *k_model_fit_ex(PyObject *self SKPY_UNUSED, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"model", "x", "y", "batch_size", "epochs", "initial_epoch", "verbose", "shuffle", "seed",
                             "validation_split", "validation_x", "validation_y", "validation_sample_weight",
                             "sample_weight", "class_weight", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
                             "on_batch_end", "callbacks", "dataset", "validation_dataset", "steps_per_epoch",
                             "validation_steps", "validation_freq", "validation_epochs", NULL};
    PyObject *mc, *x, *y, *vx = Py_None, *vy = Py_None, *vsw = Py_None, *sw = Py_None, *cw = Py_None;
    PyObject *dsc = Py_None, *vdsc = Py_None, *vepochs = Py_None;
    long long steps = -1, vsteps = -1;
    int vfreq = 1;
    fit_py_hooks hooks = {Py_None, Py_None, Py_None, Py_None};
    PyObject *cbl = Py_None;
    long long batch = 32, seed = -1;
    int epochs = 1, initial_epoch = 0, verbose = 1, shuffle = 1;
    double vsplit = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|LiiipLdOOOOOOOOOOOOLLiO", kwlist, &mc, &x, &y, &batch, &epochs,
                                     &initial_epoch, &verbose, &shuffle, &seed, &vsplit, &vx, &vy, &vsw, &sw, &cw,
                                     &hooks.epoch_begin, &hooks.epoch_end, &hooks.batch_begin, &hooks.batch_end, &cbl,
                                     &dsc, &vdsc, &steps, &vsteps, &vfreq, &vepochs))
        return NULL;
    /* a dataset (data.c's "sk_dataset" capsules) in place of x and y */
    const sk_dataset *ds = dsc == Py_None ? NULL : (const sk_dataset *)skpy_handle_get(dsc, "sk_dataset");
    const sk_dataset *vds = vdsc == Py_None ? NULL : (const sk_dataset *)skpy_handle_get(vdsc, "sk_dataset");
    if ((dsc != Py_None && !ds) || (vdsc != Py_None && !vds)) return NULL;
    int32_t vep[64], nvep = 0;
    if (vepochs != Py_None) {
        PyObject *f = PySequence_Fast(vepochs, "validation_freq: expected an int or a list of epochs");
        if (!f) return NULL;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(f) && nvep < 64; i++)
            vep[nvep++] = (int32_t)PyLong_AsLong(PySequence_Fast_GET_ITEM(f, i));
        Py_DECREF(f);
        if (PyErr_Occurred()) return NULL;
    }
    PyObject *fns[4] = {hooks.epoch_begin, hooks.epoch_end, hooks.batch_begin, hooks.batch_end};
    for (int i = 0; i < 4; i++) {
        if (fns[i] != Py_None && !PyCallable_Check(fns[i])) {
            PyErr_SetString(PyExc_TypeError, "model_fit_ex: the hooks must be callables or None");
            return NULL;
        }
    }
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    PyObject *result = NULL;
    TList tx = {NULL, 0}, tvx = {NULL, 0};
    sk_tensor *ty = NULL, *tvy = NULL, *tvsw = NULL, *tsw = NULL;
    int64_t *ids = NULL;
    double *ws = NULL;
    int32_t ncw = 0, ncb = 0;
    void **cbs = NULL;
    int ok1 = 1, ok2 = 1, ok3 = 1;
    if (cbl != Py_None && !(cbs = skpy_hlist_from(cbl, "sk_keras_callback", &ncb))) return NULL;
    if (!ds && skpy_tlist_from(x, &tx) < 0) { PyMem_Free(cbs); return NULL; }
    if (!ds && !(ty = skpy_convert(y, 0))) goto done;
    if (vx != Py_None && skpy_tlist_from(vx, &tvx) < 0) goto done;
    tvy = fit_opt_tensor(vy, &ok1);
    tvsw = ok1 ? fit_opt_tensor(vsw, &ok2) : NULL;
    tsw = ok1 && ok2 ? fit_opt_tensor(sw, &ok3) : NULL;
    if (!ok1 || !ok2 || !ok3) goto done;
    if (fit_class_weight(cw, &ids, &ws, &ncw) < 0) goto done;

    sk_fit_args a;
    int32_t st = sk_fit_args_init(&a, sizeof a);
    if (st) { skpy_raise_status(st); goto done; }
    a.batch_size = batch;
    a.epochs = epochs;
    a.initial_epoch = initial_epoch;
    a.verbose = verbose;
    a.shuffle = (uint8_t)shuffle;
    a.seed = seed;
    a.validation_split = vsplit;
    a.validation_x = (const sk_tensor *const *)tvx.h;
    a.n_validation_x = tvx.n;
    a.validation_y = tvy;
    a.validation_sample_weight = tvsw;
    a.sample_weight = tsw;
    if (cw != Py_None) { a.class_weight = ws; a.class_ids = ids; a.n_class_weight = ncw; }
    a.on_epoch_begin = hooks.epoch_begin != Py_None ? fit_epoch_begin_cb : NULL;
    a.on_epoch_end = hooks.epoch_end != Py_None ? fit_epoch_end_cb : NULL;
    a.on_train_batch_begin = hooks.batch_begin != Py_None ? fit_batch_begin_cb : NULL;
    a.on_train_batch_end = fit_batch_end_cb;   /* also where a Ctrl-C stops fit */
    a.user_data = &hooks;
    a.callbacks = (sk_keras_callback *const *)cbs;
    a.n_callbacks = ncb;
    a.dataset = ds;
    a.validation_dataset = vds;
    a.steps_per_epoch = steps;
    a.validation_steps = vsteps;
    a.validation_freq = vfreq;
    a.validation_epochs = nvep ? vep : NULL;
    a.n_validation_epochs = nvep;
    sk_history *h = NULL;
    /* The core trains without the GIL (other Python threads keep running, a prefetch thread can run
     * Python generators); every hook it calls back takes the GIL itself (PyGILState_Ensure). */
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_fit_ex(m, (const sk_tensor *const *)tx.h, tx.n, ty, &a, &h);
    Py_END_ALLOW_THREADS
    if (st) { sk_history_release(h); skpy_raise_status(st); goto done; }
    result = skpy_history_run(h, history_dict(h));
    sk_history_release(h);
done:
    PyMem_Free(cbs);
    if (tx.h) skpy_tlist_free(&tx);
    if (tvx.h) skpy_tlist_free(&tvx);
    sk_tensor_release(ty);
    sk_tensor_release(tvy);
    sk_tensor_release(tvsw);
    sk_tensor_release(tsw);
    PyMem_Free(ids);
    PyMem_Free(ws);
    return result;
}
SKPY_EXPORT(module, k_, model_fit_ex, METH_VARARGS | METH_KEYWORDS,
    "model_fit_ex(model, x, y, batch_size=32, epochs=1, initial_epoch=0, verbose=1, shuffle=True, seed=-1, validation_split=0, validation_x=None, validation_y=None, validation_sample_weight=None, sample_weight=None, class_weight=None, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None, callbacks=None) -> (history dict, epochs, params). Hooks return True to stop training; callbacks are sk_keras_callback capsules run in order.");

typedef int32_t (*fit_batch_call)(sk_model *, const sk_tensor *const *, int32_t, const sk_tensor *, const sk_tensor *,
                                  const char **, double *, int32_t, int32_t *);

/* x, y, sample_weight → {name: value} through one of the batch calls (call), or through
 * sk_model_evaluate_weighted with batch and verbose (call NULL). */
static PyObject *logs_of_call(sk_model *m, PyObject *x, PyObject *y, PyObject *sw, fit_batch_call call,
                              long long batch, int verbose) {
    TList tx;
    if (skpy_tlist_from(x, &tx) < 0) return NULL;
    sk_tensor *ty = skpy_convert(y, 0), *tsw = NULL;
    int ok = 1;
    if (ty) tsw = fit_opt_tensor(sw, &ok);
    PyObject *d = NULL;
    if (ty && ok) {
        const char *names[SKPY_MAX_LOGS];
        double values[SKPY_MAX_LOGS];
        int32_t n = 0;
        const sk_tensor *const *xs = (const sk_tensor *const *)tx.h;
        int32_t st = call ? call(m, xs, tx.n, ty, tsw, names, values, SKPY_MAX_LOGS, &n)
                          : sk_model_evaluate_weighted(m, xs, tx.n, ty, tsw, batch, verbose, names, values, SKPY_MAX_LOGS, &n);
        if (st) skpy_raise_status(st);
        else d = skpy_logs_dict(names, values, n);
    }
    skpy_tlist_free(&tx);
    sk_tensor_release(ty);
    sk_tensor_release(tsw);
    return d;
}

static PyObject *fit_on_batch(PyObject *args, fit_batch_call call) {
    PyObject *mc, *x, *y, *sw = Py_None;
    if (!PyArg_ParseTuple(args, "OOO|O", &mc, &x, &y, &sw)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    return m ? logs_of_call(m, x, y, sw, call, 0, 0) : NULL;
}

static PyObject *k_model_train_on_batch(PyObject *self SKPY_UNUSED, PyObject *args) {
    return fit_on_batch(args, sk_model_train_on_batch);
}
SKPY_EXPORT(module, k_, model_train_on_batch, METH_VARARGS,
    "model_train_on_batch(model, x, y, sample_weight=None) -> dict.");

static PyObject *k_model_test_on_batch(PyObject *self SKPY_UNUSED, PyObject *args) {
    return fit_on_batch(args, sk_model_test_on_batch);
}
SKPY_EXPORT(module, k_, model_test_on_batch, METH_VARARGS,
    "model_test_on_batch(model, x, y, sample_weight=None) -> dict.");

static PyObject *k_model_evaluate_weighted(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *x, *y, *sw;
    long long batch = 32;
    int verbose = 0;
    if (!PyArg_ParseTuple(args, "OOOOLi", &mc, &x, &y, &sw, &batch, &verbose)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    return m ? logs_of_call(m, x, y, sw, NULL, batch, verbose) : NULL;
}
SKPY_EXPORT(module, k_, model_evaluate_weighted, METH_VARARGS,
    "model_evaluate_weighted(model, x, y, sample_weight or None, batch_size, verbose) -> dict.");

static PyObject *k_model_predict(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *x;
    long long batch = 32;
    sk_model *m = skpy_parse_handle(args, "sk_model", "OOL", &mc, &x, &batch);
    if (!m) return NULL;
    TList tx;
    if (skpy_tlist_from(x, &tx) < 0) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_model_predict(m, (const sk_tensor *const *)tx.h, tx.n, batch, &out);
    skpy_tlist_free(&tx);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, k_, model_predict, METH_VARARGS, "model_predict(model, x, batch_size) -> Tensor.");

/* ---- output callbacks ---- */
static void output_cb(void *ud, const char *line) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *s = PyUnicode_DecodeUTF8(line, (Py_ssize_t)strlen(line), "replace");
    PyObject *r = s ? PyObject_CallFunctionObjArgs((PyObject *)ud, s, NULL) : NULL;
    if (!r && PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
        /* Ctrl-C landed while the progress bar was written: this callback cannot fail, so the
         * interrupt is raised again for fit's next hook, which stops fit with it */
        PyErr_Clear();
        PyErr_SetInterrupt();
    } else if (!r) {
        PyErr_WriteUnraisable((PyObject *)ud);
    }
    Py_XDECREF(r); Py_XDECREF(s);
    PyGILState_Release(g);
}

/* model_set_output_callback / model_set_live_callback: a Python callable (or None) as one of
 * the model's line callbacks. */
typedef int32_t (*model_line_setter)(sk_model *, sk_output_fn, void *, void (*)(void *));

static PyObject *set_model_line_callback(PyObject *args, model_line_setter set, const char *what) {
    PyObject *mc, *fn;
    sk_model *m = skpy_parse_handle(args, "sk_model", "OO", &mc, &fn);
    if (!m) return NULL;
    int32_t st;
    if (fn == Py_None) st = set(m, NULL, NULL, NULL);
    else {
        if (!PyCallable_Check(fn)) { PyErr_Format(PyExc_TypeError, "%s callback must be callable", what); return NULL; }
        Py_INCREF(fn);
        st = set(m, output_cb, fn, skpy_callback_destroy);
    }
    return skpy_none_or_raise(st);
}

static PyObject *k_model_set_output_callback(PyObject *self SKPY_UNUSED, PyObject *args) {
    return set_model_line_callback(args, sk_model_set_output_callback, "output");
}
SKPY_EXPORT(module, k_, model_set_output_callback, METH_VARARGS, "model_set_output_callback(model, fn(line) or None).");

static PyObject *k_model_set_live_callback(PyObject *self SKPY_UNUSED, PyObject *args) {
    return set_model_line_callback(args, sk_model_set_live_callback, "live");
}
SKPY_EXPORT(module, k_, model_set_live_callback, METH_VARARGS,
    "model_set_live_callback(model, fn(text) or None): Keras' live progress bar.");

/* ---- saving ---- */
/* path: str or os.PathLike, encoded with the filesystem encoding. Returns a new bytes object. */
static PyObject *fs_path(PyObject *o) {
    PyObject *b = NULL;
    if (!PyUnicode_FSConverter(o, &b)) return NULL;
    return b;
}

static PyObject *model_path_call(PyObject *args, int32_t (*fn)(sk_model *, const char *)) {
    PyObject *mc, *po;
    sk_model *m = skpy_parse_handle(args, "sk_model", "OO", &mc, &po);
    if (!m) return NULL;
    PyObject *b = fs_path(po);
    if (!b) return NULL;
    int32_t st;
    const char *path = PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    st = fn(m, path);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    return skpy_none_or_raise(st);
}

static int32_t save_weights_fn(sk_model *m, const char *p) { return sk_model_save_weights(m, p); }
static int32_t load_weights_fn(sk_model *m, const char *p) { return sk_model_load_weights(m, p); }
static int32_t save_fn(sk_model *m, const char *p) { return sk_model_save(m, p); }

static PyObject *k_model_save_weights(PyObject *self SKPY_UNUSED, PyObject *args) { return model_path_call(args, save_weights_fn); }
SKPY_EXPORT(module, k_, model_save_weights, METH_VARARGS,
    "model_save_weights(model, path): safetensors file, written atomically.");
static PyObject *k_model_load_weights(PyObject *self SKPY_UNUSED, PyObject *args) { return model_path_call(args, load_weights_fn); }
SKPY_EXPORT(module, k_, model_load_weights, METH_VARARGS, "model_load_weights(model, path): all or nothing.");
static PyObject *k_model_save(PyObject *self SKPY_UNUSED, PyObject *args) { return model_path_call(args, save_fn); }
SKPY_EXPORT(module, k_, model_save, METH_VARARGS, "model_save(model, path): weights + model and compile configs.");

static PyObject *k_model_load(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *po;
    int compile = 1;
    if (!PyArg_ParseTuple(args, "O|p", &po, &compile)) return NULL;
    PyObject *b = fs_path(po);
    if (!b) return NULL;
    sk_model *m = NULL;
    int32_t st;
    const char *path = PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    st = compile ? sk_model_load(path, &m) : sk_model_load_ex(path, 0, &m);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    return KH_FINISH(sk_model, st, m);
}
SKPY_EXPORT(module, k_, model_load, METH_VARARGS, "model_load(path, compile=True) -> model handle.");
/* ------------------------------------------------------------------------------------------
 * fit with every argument (sk_fit_args + sk_model_fit_ex), train_on_batch, test_on_batch,
 * weighted evaluate, the compiled optimizer. Included by _native.c before KERAS_METHODS.
 * ---------------------------------------------------------------------------------------- */

/* model.load_weights(path, skip_mismatch=True) over sk_model_load_weights_ex. */
typedef struct { char **items; size_t n, cap; int oom; } s2_collect;

/* Runs without the GIL: copies "layer\0reason" pairs with malloc only. */
static void s2_collect_skipped(void *user_data, const char *layer, const char *reason) {
    s2_collect *c = (s2_collect *)user_data;
    if (c->oom) return;
    if (c->n + 2 > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        char **grown = (char **)realloc(c->items, ncap * sizeof(char *));
        if (!grown) { c->oom = 1; return; }
        c->items = grown;
        c->cap = ncap;
    }
    const char *parts[2] = {layer ? layer : "", reason ? reason : ""};
    for (int i = 0; i < 2; i++) {
        size_t len = strlen(parts[i]);
        char *copy = (char *)malloc(len + 1);
        if (!copy) { c->oom = 1; return; }
        memcpy(copy, parts[i], len + 1);
        c->items[c->n++] = copy;
    }
}

static void s2_collect_free(s2_collect *c) {
    for (size_t i = 0; i < c->n; i++) free(c->items[i]);
    free(c->items);
}

/* sk_model_load_weights_ex or sk_model_load_weights_by_name on (model, path, skip_mismatch) ->
 * [(layer, reason), ...] skipped. */
static PyObject *load_weights_collecting(PyObject *args,
                                         int32_t (*load)(sk_model *, const char *, uint8_t, sk_skipped_fn, void *, int32_t *)) {
    PyObject *mc, *po;
    int skip = 0;
    sk_model *m = skpy_parse_handle(args, "sk_model", "OOp", &mc, &po, &skip);
    if (!m) return NULL;
    PyObject *b = fs_path(po);
    if (!b) return NULL;
    s2_collect c = {NULL, 0, 0, 0};
    int32_t st;
    const char *path = PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    st = load(m, path, (uint8_t)(skip ? 1 : 0), s2_collect_skipped, &c, NULL);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    if (st) { s2_collect_free(&c); return skpy_raise_status(st); }
    if (c.oom) { s2_collect_free(&c); return PyErr_NoMemory(); }
    PyObject *out = PyList_New(0);
    for (size_t i = 0; out && i + 1 < c.n; i += 2) {
        PyObject *t = Py_BuildValue("(ss)", c.items[i], c.items[i + 1]);
        if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); Py_CLEAR(out); break; }
        Py_DECREF(t);
    }
    s2_collect_free(&c);
    return out;
}

/* model_load_weights_ex(model, path, skip_mismatch) -> [(layer, reason), ...] skipped. */
static PyObject *k_model_load_weights_ex(PyObject *self SKPY_UNUSED, PyObject *args) {
    return load_weights_collecting(args, sk_model_load_weights_ex);
}
SKPY_EXPORT(module, k_, model_load_weights_ex, METH_VARARGS,
    "model_load_weights_ex(model, path, skip_mismatch) -> [(layer, reason)] of the skipped layers.");

/* model_load_weights_by_name(model, path, skip_mismatch) -> [(layer, reason), ...] skipped. */
static PyObject *k_model_load_weights_by_name(PyObject *self SKPY_UNUSED, PyObject *args) {
    return load_weights_collecting(args, sk_model_load_weights_by_name);
}
SKPY_EXPORT(module, k_, model_load_weights_by_name, METH_VARARGS,
    "model_load_weights_by_name(model, path, skip_mismatch) -> [(layer, reason)] of the skipped layers "
    "(tf.keras 2 HDF5 files, by layer name).");

