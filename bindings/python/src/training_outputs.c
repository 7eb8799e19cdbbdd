/* Models with several outputs (swiftkeras/training_outputs.h): per-output compile from a JSON
 * spec, train/test_on_batch with one target per output (in order or by output name), every
 * output of predict on a dataset, the output names. */
#include "native.h"

/* The UTF-8 strings of the list seq (n of them; *fast keeps them alive, the caller releases it
 * and PyMem_Frees the result); NULL with an exception set on error. */
static const char **utf8_list(PyObject *seq, int32_t n, PyObject **fast, const char *what) {
    if (!(*fast = PySequence_Fast(seq, what))) return NULL;
    if (PySequence_Fast_GET_SIZE(*fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s: one per entry (%d expected)", what, (int)n);
        return NULL;
    }
    const char **out = PyMem_Calloc((size_t)(n ? n : 1), sizeof(char *));
    if (!out) { PyErr_NoMemory(); return NULL; }
    for (int32_t i = 0; i < n; i++) {
        if (!(out[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(*fast, i)))) { PyMem_Free(out); return NULL; }
    }
    return out;
}

/* The '\n'-joined string that get(model, buf, capacity, &len) copies, as a list of str. */
static PyObject *lines_of(sk_model *m, int32_t n, int with_n,
                          int32_t (*get_n)(const sk_model *, int32_t, char *, size_t, size_t *),
                          int32_t (*get)(const sk_model *, uint8_t, char *, size_t, size_t *)) {
    size_t len = 0;
    int32_t st = with_n ? get_n(m, n, NULL, 0, &len) : get(m, (uint8_t)n, NULL, 0, &len);
    if (st) return skpy_raise_status(st);
    char *buf = PyMem_Malloc(len + 1);
    if (!buf) return PyErr_NoMemory();
    st = with_n ? get_n(m, n, buf, len + 1, &len) : get(m, (uint8_t)n, buf, len + 1, &len);
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

/* model_on_batch_outputs(model, train, [x], [y], [y name] or None, [sample weight or None per y] or None) -> dict */
static PyObject *o_model_on_batch_outputs(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *x, *y, *yn, *sw;
    int train;
    if (!PyArg_ParseTuple(args, "OpOOOO", &mc, &train, &x, &y, &yn, &sw)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList tx = {0}, ty = {0};
    const char **names_in = NULL;
    PyObject *fn = NULL, *fw = NULL, *d = NULL;
    sk_tensor **tsw = NULL;
    if (skpy_tlist_from(x, &tx) < 0 || skpy_tlist_from(y, &ty) < 0) goto done;
    if (yn != Py_None && !(names_in = utf8_list(yn, ty.n, &fn, "y names"))) goto done;
    if (sw != Py_None) {
        if (!(fw = PySequence_Fast(sw, "sample weights must be a list")) || PySequence_Fast_GET_SIZE(fw) != ty.n) {
            if (fw) PyErr_SetString(PyExc_ValueError, "sample weights: one entry (or None) per target");
            goto done;
        }
        if (!(tsw = PyMem_Calloc((size_t)(ty.n ? ty.n : 1), sizeof(sk_tensor *)))) { PyErr_NoMemory(); goto done; }
        for (int32_t i = 0; i < ty.n; i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(fw, i);
            if (item != Py_None && !(tsw[i] = skpy_convert(item, 0))) goto done;
        }
    }
    const char *names[SKPY_MAX_LOGS];
    double values[SKPY_MAX_LOGS];
    int32_t n = 0;
    int32_t st = sk_model_on_batch_outputs(m, (uint8_t)train, (const sk_tensor *const *)tx.h, tx.n,
                                           (const sk_tensor *const *)ty.h, names_in, ty.n, (const sk_tensor *const *)tsw, names, values, SKPY_MAX_LOGS, &n);
    d = st ? skpy_raise_status(st) : skpy_logs_dict(names, values, n);
done:
    if (tx.h) skpy_tlist_free(&tx);
    if (ty.h) skpy_tlist_free(&ty);
    for (int32_t i = 0; tsw && i < ty.n; i++) sk_tensor_release(tsw[i]);
    PyMem_Free(tsw);
    PyMem_Free(names_in);
    Py_XDECREF(fn);
    Py_XDECREF(fw);
    return d;
}
SKPY_EXPORT(module, o_, model_on_batch_outputs, METH_VARARGS,
    "model_on_batch_outputs(model, train, [x], [y], [y output name] or None, [sample weight or None] or None) -> dict.");

/* model_predict_dataset_outputs(model, dataset, steps, callbacks=None) -> [tensor per output] */
static PyObject *o_model_predict_dataset_outputs(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *mc, *dc, *cbl = Py_None;
    long long steps;
    if (!PyArg_ParseTuple(args, "OOL|O", &mc, &dc, &steps, &cbl)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_dataset *d = m ? HGET(sk_dataset, dc) : NULL;
    if (!d) return NULL;
    int32_t ncb = 0;
    void **cbs = NULL;
    if (cbl != Py_None && !(cbs = skpy_hlist_from(cbl, "sk_keras_callback", &ncb))) return NULL;
    sk_tensor **outs = PyMem_Calloc(SKPY_MAX_LOGS, sizeof *outs);
    if (!outs) { PyMem_Free(cbs); return PyErr_NoMemory(); }
    int32_t n = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_model_predict_dataset_callbacks(m, d, steps, (sk_keras_callback *const *)cbs, ncb, outs, SKPY_MAX_LOGS, &n);
    Py_END_ALLOW_THREADS
    PyMem_Free(cbs);
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
    "model_predict_dataset_outputs(model, dataset, steps, callbacks=None) -> [tensor per output].");

/* (model, int) -> [str]: the output names for n outputs (keys 0), or the input / output keys */
static PyObject *names_call(PyObject *args, int keys) {
    PyObject *mc;
    int n;
    if (!PyArg_ParseTuple(args, "Oi", &mc, &n)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    return m ? lines_of(m, n, !keys, sk_model_output_names, sk_model_io_keys) : NULL;
}

/* model_output_names(model, n_outputs) -> [str] */
static PyObject *o_model_output_names(PyObject *self SKPY_UNUSED, PyObject *args) { return names_call(args, 0); }
SKPY_EXPORT(module, o_, model_output_names, METH_VARARGS, "model_output_names(model, n_outputs) -> [str].");

/* model_io_keys(model, outputs) -> [str] ([] unless made with a dict there) */
static PyObject *o_model_io_keys(PyObject *self SKPY_UNUSED, PyObject *args) { return names_call(args, 1); }
SKPY_EXPORT(module, o_, model_io_keys, METH_VARARGS, "model_io_keys(model, outputs) -> [str].");

/* model_create_keyed(inputs, input keys or None, outputs, output keys or None, name=None) -> model handle */
static PyObject *o_model_create_keyed(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *ins, *ikeys, *outs, *okeys, *name = Py_None, *fi = NULL, *fo = NULL, *r = NULL;
    if (!PyArg_ParseTuple(args, "OOOO|O", &ins, &ikeys, &outs, &okeys, &name)) return NULL;
    const char *nm = skpy_opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    int32_t ni = 0, no = 0;
    void **a = skpy_hlist_from(ins, "sk_keras_tensor", &ni), **b = NULL;
    const char **ik = NULL, **ok = NULL;
    if (!a || !(b = skpy_hlist_from(outs, "sk_keras_tensor", &no))) goto done;
    if (ikeys != Py_None && !(ik = utf8_list(ikeys, ni, &fi, "input keys"))) goto done;
    if (okeys != Py_None && !(ok = utf8_list(okeys, no, &fo, "output keys"))) goto done;
    sk_model *m = NULL;
    int32_t st = sk_model_create_keyed((const sk_keras_tensor *const *)a, ik, ni, (const sk_keras_tensor *const *)b, ok,
                                       no, nm, &m);
    r = KH_FINISH(sk_model, st, m);
done:
    PyMem_Free(a); PyMem_Free(b); PyMem_Free(ik); PyMem_Free(ok);
    Py_XDECREF(fi); Py_XDECREF(fo);
    return r;
}
SKPY_EXPORT(module, o_, model_create_keyed, METH_VARARGS,
    "model_create_keyed(inputs, input keys or None, outputs, output keys or None, name=None) -> model handle.");

/* validation_split([array], fraction) -> ([train part], [validation part]) */
static PyObject *o_validation_split(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *arrays, *r = NULL;
    double fraction;
    if (!PyArg_ParseTuple(args, "Od", &arrays, &fraction)) return NULL;
    TList t = {0};
    if (skpy_tlist_from(arrays, &t) < 0) return NULL;
    size_t cap = (size_t)(t.n ? t.n : 1);
    sk_tensor **tr = PyMem_Calloc(cap, sizeof(sk_tensor *)), **va = PyMem_Calloc(cap, sizeof(sk_tensor *));
    if (!tr || !va) { PyErr_NoMemory(); goto done; }
    int32_t st = sk_validation_split((const sk_tensor *const *)t.h, t.n, fraction, tr, va);
    if (st) { skpy_raise_status(st); goto done; }
    PyObject *a = PyList_New(t.n), *b = PyList_New(t.n);
    int ok = a && b;
    for (int32_t i = 0; ok && i < t.n; i++) {
        PyObject *ta = skpy_wrap_tensor(tr[i]), *tb = skpy_wrap_tensor(va[i]);   /* steal the handles */
        tr[i] = va[i] = NULL;
        if (!ta || !tb) { Py_XDECREF(ta); Py_XDECREF(tb); ok = 0; break; }
        PyList_SetItem(a, i, ta);
        PyList_SetItem(b, i, tb);
    }
    if (ok) r = PyTuple_Pack(2, a, b);
    Py_XDECREF(a); Py_XDECREF(b);
done:
    for (int32_t i = 0; i < t.n; i++) { if (tr) sk_tensor_release(tr[i]); if (va) sk_tensor_release(va[i]); }
    PyMem_Free(tr); PyMem_Free(va);
    skpy_tlist_free(&t);
    return r;
}
SKPY_EXPORT(module, o_, validation_split, METH_VARARGS,
    "validation_split([array], fraction) -> ([train part], [validation part]).");
