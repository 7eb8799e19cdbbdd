/* Custom training steps (swiftkeras/training_steps.h): Python train/test/predict steps as the
 * core's step callbacks (batches cross as (flat list of Tensors, structure JSON) pairs, logs as a
 * {name: float} dict), the default steps, compiled_loss / compiled_metrics, add_metric and
 * add_loss with a callable. The Python package (keras/_custom_steps.py) packs the nesting. */
#include "native.h"

/* ud: fn(flat, structure) -> {name: float}; the dict's entries become the step's logs. */
static int32_t py_step(void *ud, const sk_dataset_element *data, sk_step_logs *logs) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *pair = skpy_element_pair(data);
    PyObject *r = pair ? PyObject_CallObject((PyObject *)ud, pair) : NULL;
    if (r && !PyDict_Check(r)) PyErr_Format(PyExc_TypeError, "a training step must give a dict of logs, got %.100s", skpy_tname(r));
    if (!r || !PyDict_Check(r)) {
        rc = skpy_callback_fail();
    } else {
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (rc == SK_OK && PyDict_Next(r, &pos, &k, &v)) {
            const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
            if (!name && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a training step's log names must be strings");
            double d = name ? PyFloat_AsDouble(v) : -1.0;
            if (!name || (d == -1.0 && PyErr_Occurred())) rc = skpy_callback_fail();
            else rc = sk_step_logs_set(logs, name, d);
        }
    }
    Py_XDECREF(pair);
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* ud: fn(flat, structure) -> (flat outputs, structure JSON) */
static int32_t py_predict_step(void *ud, const sk_dataset_element *data, sk_dataset_element **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *pair = skpy_element_pair(data);
    PyObject *r = pair ? PyObject_CallObject((PyObject *)ud, pair) : NULL;
    if (!r || !(*out = skpy_element_from(r))) rc = skpy_callback_fail();
    Py_XDECREF(pair);
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

typedef int32_t (*set_step)(sk_model *, sk_step_fn, void *, void (*)(void *));

/* fn None: the built-in step; else fn (a new reference held by the model). */
static int32_t set_logs_step(sk_model *m, PyObject *fn, set_step set) {
    if (fn == Py_None) return set(m, NULL, NULL, NULL);
    Py_INCREF(fn);
    return set(m, py_step, fn, skpy_callback_destroy);
}

/* model_set_steps(model, train, test, predict): each a callable or None (the built-in step) */
static PyObject *st_model_set_steps(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *train, *test, *predict;
    if (!PyArg_ParseTuple(args, "OOOO", &mc, &train, &test, &predict)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    int32_t st = set_logs_step(m, train, sk_model_set_train_step);
    if (!st) st = set_logs_step(m, test, sk_model_set_test_step);
    if (!st && predict == Py_None) st = sk_model_set_predict_step(m, NULL, NULL, NULL);
    else if (!st) {
        Py_INCREF(predict);
        st = sk_model_set_predict_step(m, py_predict_step, predict, skpy_callback_destroy);
    }
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, st_, model_set_steps, METH_VARARGS,
    "model_set_steps(model, train_step_fn, test_step_fn, predict_step_fn): callables (flat, structure) or None.");

/* model_set_step_metrics(model, [metric handles]) */
static PyObject *st_model_set_step_metrics(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *ms;
    if (!PyArg_ParseTuple(args, "OO", &mc, &ms)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    int32_t n = 0;
    void **hs = skpy_hlist_from(ms, "sk_metric", &n);
    if (!hs) return NULL;
    int32_t st = sk_model_set_step_metrics(m, (sk_metric *const *)hs, n);
    PyMem_Free(hs);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, st_, model_set_step_metrics, METH_VARARGS, "model_set_step_metrics(model, [metric]).");

/* A new element from args[from] (flat list) and args[from + 1] (structure JSON). */
static sk_dataset_element *element_of(PyObject *flat, PyObject *structure) {
    PyObject *pair = PyTuple_Pack(2, flat, structure);
    sk_dataset_element *e = pair ? skpy_element_from(pair) : NULL;
    Py_XDECREF(pair);
    return e;
}

/* model_step_default(model, train, flat, structure) -> dict of logs */
static PyObject *st_model_step_default(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *flat, *structure;
    int train;
    if (!PyArg_ParseTuple(args, "OpOO", &mc, &train, &flat, &structure)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset_element *e = m ? element_of(flat, structure) : NULL;
    if (!e) return NULL;
    const char *names[64];
    double values[64];
    int32_t n = 0;
    int32_t st = (train ? sk_model_train_step_default : sk_model_test_step_default)(m, e, names, values, 64, &n);
    sk_dataset_element_release(e);
    return st ? skpy_raise_status(st) : skpy_logs_dict(names, values, n);
}
SKPY_EXPORT(module, st_, model_step_default, METH_VARARGS,
    "model_step_default(model, train, flat, structure) -> dict: the built-in train or test step on one batch.");

/* model_predict_step_default(model, flat, structure) -> (flat outputs, structure) */
static PyObject *st_model_predict_step_default(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *flat, *structure;
    if (!PyArg_ParseTuple(args, "OOO", &mc, &flat, &structure)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset_element *e = m ? element_of(flat, structure) : NULL;
    if (!e) return NULL;
    sk_dataset_element *out = NULL;
    int32_t st = sk_model_predict_step_default(m, e, &out);
    sk_dataset_element_release(e);
    if (st) return skpy_raise_status(st);
    PyObject *r = skpy_element_pair(out);
    sk_dataset_element_release(out);
    return r;
}
SKPY_EXPORT(module, st_, model_predict_step_default, METH_VARARGS,
    "model_predict_step_default(model, flat, structure) -> (flat outputs, structure).");

/* model_compiled(model, want_loss, [y], [y_pred], sample_weight or None, [regularization]) ->
 * the loss tensor (want_loss) or None after updating the compiled metrics */
static PyObject *st_model_compiled(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *y, *yp, *sw, *reg;
    int want_loss;
    if (!PyArg_ParseTuple(args, "OpOOOO", &mc, &want_loss, &y, &yp, &sw, &reg)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList ty = {0}, tp = {0}, tr = {0};
    sk_tensor *tsw = NULL, *out = NULL;
    PyObject *r = NULL;
    if (skpy_tlist_from(y, &ty) < 0 || skpy_tlist_from(yp, &tp) < 0 || skpy_tlist_from(reg, &tr) < 0) goto done;
    if (sw != Py_None && !(tsw = skpy_convert(sw, 0))) goto done;
    if (want_loss) {
        int32_t st = sk_model_compiled_loss(m, (const sk_tensor *const *)ty.h, ty.n, (const sk_tensor *const *)tp.h, tp.n,
                                            tsw, (const sk_tensor *const *)tr.h, tr.n, &out);
        r = skpy_finish(st, out);
    } else {
        r = skpy_none_or_raise(sk_model_compiled_metrics_update(m, (const sk_tensor *const *)ty.h, ty.n,
                                                                (const sk_tensor *const *)tp.h, tp.n, tsw));
    }
done:
    if (ty.h) skpy_tlist_free(&ty);
    if (tp.h) skpy_tlist_free(&tp);
    if (tr.h) skpy_tlist_free(&tr);
    sk_tensor_release(tsw);
    return r;
}
SKPY_EXPORT(module, st_, model_compiled, METH_VARARGS,
    "model_compiled(model, want_loss, [y], [y_pred], sample_weight, [regularization]) -> loss tensor or None.");

/* layer_add_metric(layer, value, name, aggregation or None) */
static PyObject *st_layer_add_metric(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *v, *agg;
    const char *name;
    if (!PyArg_ParseTuple(args, "OOsO", &lc, &v, &name, &agg)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    const char *a = l ? skpy_opt_str(agg, "aggregation") : NULL;
    if (!l || BADSTR(a)) return NULL;
    sk_tensor *t = skpy_convert(v, 0);
    if (!t) return NULL;
    int32_t st = sk_layer_add_metric(l, t, name, a);
    sk_tensor_release(t);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, st_, layer_add_metric, METH_VARARGS, "layer_add_metric(layer, value, name, aggregation).");

/* model_add_symbolic(model, keras_tensor, name or None, aggregation or None): a functional model's
 * add_loss (name None) or add_metric of a tensor of its graph */
static PyObject *st_model_add_symbolic(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *kc, *name, *agg;
    if (!PyArg_ParseTuple(args, "OOOO", &mc, &kc, &name, &agg)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_keras_tensor *kt = m ? HGET(sk_keras_tensor, kc) : NULL;
    const char *n = kt ? skpy_opt_str(name, "name") : NULL;
    const char *a = kt ? skpy_opt_str(agg, "aggregation") : NULL;
    if (!kt || BADSTR(n) || BADSTR(a)) return NULL;
    return skpy_none_or_raise(n ? sk_model_add_symbolic_metric(m, kt, n, a) : sk_model_add_symbolic_loss(m, kt));
}
SKPY_EXPORT(module, st_, model_add_symbolic, METH_VARARGS,
    "model_add_symbolic(model, keras_tensor, name=None, aggregation=None): add_loss / add_metric of a graph tensor.");

/* ud: fn() -> a tensor-like */
static int32_t py_loss_thunk(void *ud, sk_tensor **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallObject((PyObject *)ud, NULL);
    if (!r || !(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* layer_add_loss_fn(layer, fn) */
static PyObject *st_layer_add_loss_fn(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *fn;
    if (!PyArg_ParseTuple(args, "OO", &lc, &fn)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "add_loss: expected a zero-argument callable");
        return NULL;
    }
    Py_INCREF(fn);
    return skpy_none_or_raise(sk_layer_add_loss_fn(l, py_loss_thunk, fn, skpy_callback_destroy));
}
SKPY_EXPORT(module, st_, layer_add_loss_fn, METH_VARARGS, "layer_add_loss_fn(layer, fn): a loss computed by fn() at each step.");

static int32_t fill_layer_metrics(const void *l, void **a, int32_t cap, int32_t *n) {
    return sk_layer_metrics(l, (sk_metric **)a, cap, n);
}

static PyObject *st_layer_metrics(PyObject *self SKPY_UNUSED, PyObject *lc) {
    sk_layer *l = HGET(sk_layer, lc);
    return l ? skpy_fetch_owned(l, fill_layer_metrics, SKPY_OWNED_METRIC) : NULL;
}
SKPY_EXPORT(module, st_, layer_metrics, METH_O, "layer_metrics(layer) -> list of metric handles (`layer.metrics`).");
