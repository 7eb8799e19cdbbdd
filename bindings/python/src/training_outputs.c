/* Models with several outputs (swiftkeras/training_outputs.h): per-output compile from a JSON
 * spec, train/test_on_batch with one target per output (in order or by output name), every
 * output of predict on a dataset, the output names. */
#include "native.h"

/* model_compile_outputs(model, optimizer, spec_json, [loss handles], [metric handles]) */
static PyObject *o_model_compile_outputs(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *oc, *lossc, *metc;
    const char *spec;
    if (!PyArg_ParseTuple(args, "OOsOO", &mc, &oc, &spec, &lossc, &metc)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_optimizer *o = m ? HGET(sk_optimizer, oc) : NULL;
    if (!o) return NULL;
    int32_t nl = 0, nm = 0;
    void **ls = skpy_hlist_from(lossc, "sk_loss", &nl);
    if (!ls) return NULL;
    void **ms = skpy_hlist_from(metc, "sk_metric", &nm);
    if (!ms) { PyMem_Free(ls); return NULL; }
    int32_t st = sk_model_compile_outputs(m, o, spec, (const sk_loss *const *)ls, nl, (const sk_metric *const *)ms, nm);
    PyMem_Free(ls);
    PyMem_Free(ms);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, o_, model_compile_outputs, METH_VARARGS,
    "model_compile_outputs(model, optimizer, spec_json, [loss], [metric]).");

/* model_on_batch_outputs(model, train, [x], [y], [y name] or None, sample_weight or None) -> dict */
static PyObject *o_model_on_batch_outputs(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *x, *y, *yn, *sw;
    int train;
    if (!PyArg_ParseTuple(args, "OpOOOO", &mc, &train, &x, &y, &yn, &sw)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList tx = {0}, ty = {0};
    const char **names_in = NULL;
    PyObject *fn = NULL, *d = NULL;
    sk_tensor *tsw = NULL;
    if (skpy_tlist_from(x, &tx) < 0 || skpy_tlist_from(y, &ty) < 0) goto done;
    if (yn != Py_None) {
        if (!(fn = PySequence_Fast(yn, "y names must be a list")) || PySequence_Fast_GET_SIZE(fn) != ty.n) {
            if (fn) PyErr_SetString(PyExc_ValueError, "one name per target");
            goto done;
        }
        if (!(names_in = PyMem_Calloc((size_t)(ty.n ? ty.n : 1), sizeof(char *)))) { PyErr_NoMemory(); goto done; }
        for (int32_t i = 0; i < ty.n; i++) {
            if (!(names_in[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fn, i)))) goto done;
        }
    }
    if (sw != Py_None && !(tsw = skpy_convert(sw, 0))) goto done;
    const char *names[SKPY_MAX_LOGS];
    double values[SKPY_MAX_LOGS];
    int32_t n = 0;
    int32_t st = sk_model_on_batch_outputs(m, (uint8_t)train, (const sk_tensor *const *)tx.h, tx.n,
                                           (const sk_tensor *const *)ty.h, names_in, ty.n, tsw, names, values, SKPY_MAX_LOGS, &n);
    d = st ? skpy_raise_status(st) : skpy_logs_dict(names, values, n);
done:
    if (tx.h) skpy_tlist_free(&tx);
    if (ty.h) skpy_tlist_free(&ty);
    sk_tensor_release(tsw);
    PyMem_Free(names_in);
    Py_XDECREF(fn);
    return d;
}
SKPY_EXPORT(module, o_, model_on_batch_outputs, METH_VARARGS,
    "model_on_batch_outputs(model, train, [x], [y], [y output name] or None, sample_weight) -> dict.");

/* model_predict_dataset_outputs(model, dataset, steps) -> [tensor per output] */
static PyObject *o_model_predict_dataset_outputs(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *dc;
    long long steps;
    if (!PyArg_ParseTuple(args, "OOL", &mc, &dc, &steps)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset *d = m ? HGET(sk_dataset, dc) : NULL;
    if (!d) return NULL;
    sk_tensor **outs = PyMem_Calloc(SKPY_MAX_LOGS, sizeof *outs);
    if (!outs) return PyErr_NoMemory();
    int32_t n = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_predict_dataset_outputs(m, d, steps, outs, SKPY_MAX_LOGS, &n);
    Py_END_ALLOW_THREADS
    PyObject *list = st ? skpy_raise_status(st) : PyList_New(n);
    for (int32_t i = 0; !st && i < n; i++) {
        if (!list) { sk_tensor_release(outs[i]); continue; }
        PyObject *t = skpy_wrap_tensor(outs[i]);   /* steals the handle */
        if (!t || PyList_SetItem(list, i, t) < 0) Py_CLEAR(list);
    }
    PyMem_Free(outs);
    return list;
}
SKPY_EXPORT(module, o_, model_predict_dataset_outputs, METH_VARARGS,
    "model_predict_dataset_outputs(model, dataset, steps) -> [tensor per output].");

/* model_output_names(model, n_outputs) -> [str] */
static PyObject *o_model_output_names(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc;
    int n;
    if (!PyArg_ParseTuple(args, "Oi", &mc, &n)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    size_t len = 0;
    int32_t st = sk_model_output_names(m, n, NULL, 0, &len);
    if (st) return skpy_raise_status(st);
    char *buf = PyMem_Malloc(len + 1);
    if (!buf) return PyErr_NoMemory();
    st = sk_model_output_names(m, n, buf, len + 1, &len);
    PyObject *r = NULL;
    if (st) skpy_raise_status(st);
    else if (len == 0) r = PyList_New(0);
    else {
        PyObject *s = PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
        if (s) { r = PyUnicode_Splitlines(s, 0); Py_DECREF(s); }
    }
    PyMem_Free(buf);
    return r;
}
SKPY_EXPORT(module, o_, model_output_names, METH_VARARGS, "model_output_names(model, n_outputs) -> [str].");
