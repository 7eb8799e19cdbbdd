/* An optimizer's checkpointed state (tf.train.Checkpoint(optimizer=...)): its names, its values
 * and their restoration (sk_optimizer_state_names, sk_optimizer_state, sk_optimizer_restore_state). */
#include "native.h"

SKPY_HANDLE_STRING(k_optimizer_state_names, sk_optimizer, sk_optimizer_state_names)
SKPY_EXPORT(module, k_, optimizer_state_names, METH_O,
            "optimizer_state_names(opt) -> JSON array of the state's names (\"iterations\", \"slots/<k>/<slot>\").");

static PyObject *k_optimizer_state(PyObject *self SKPY_UNUSED, PyObject *oc) {
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    int32_t n = 0, st = sk_optimizer_state(o, NULL, 0, &n);
    if (st) return skpy_raise_status(st);
    sk_tensor **outs = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(sk_tensor *));
    if (!outs) return PyErr_NoMemory();
    int32_t got = 0;
    st = sk_optimizer_state(o, outs, n, &got);
    PyObject *res = st ? skpy_raise_status(st) : PyList_New(got);
    for (int32_t i = 0; i < got && i < n; i++) {
        if (!outs[i]) continue;
        if (!res) { sk_tensor_release(outs[i]); continue; }
        PyObject *t = skpy_wrap_tensor(outs[i]);
        if (!t) { Py_CLEAR(res); continue; }
        PyList_SET_ITEM(res, i, t);
    }
    PyMem_Free(outs);
    return res;
}
SKPY_EXPORT(module, k_, optimizer_state, METH_O, "optimizer_state(opt) -> list of Tensor (in the order of optimizer_state_names).");

static PyObject *k_optimizer_restore_state(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *oc, *names, *values;
    sk_optimizer *o = skpy_parse_handle(args, "sk_optimizer", "OOO", &oc, &names, &values);
    if (!o) return NULL;
    PyObject *nf = PySequence_Fast(names, "optimizer_restore_state: names must be a sequence of str");
    if (!nf) return NULL;
    PyObject *res = NULL;
    TList tl = {NULL, 0};
    Py_ssize_t n = PySequence_Fast_GET_SIZE(nf);
    const char **cn = PyMem_Calloc((size_t)(n ? n : 1), sizeof(char *));
    if (!cn) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PySequence_Fast_GET_ITEM(nf, i);
        if (!PyUnicode_Check(s)) { PyErr_Format(PyExc_TypeError, "optimizer_restore_state: names must be str, got %.100s", skpy_tname(s)); goto done; }
        if (!(cn[i] = PyUnicode_AsUTF8AndSize(s, NULL))) goto done;
    }
    if (skpy_tlist_from(values, &tl) < 0) goto done;
    if (tl.n != n) { PyErr_Format(PyExc_ValueError, "optimizer_restore_state: %zd names for %d values", n, (int)tl.n); goto done; }
    int32_t st = sk_optimizer_restore_state(o, cn, (const sk_tensor *const *)tl.h, (int32_t)n);
    if (st) { skpy_raise_status(st); goto done; }
    Py_INCREF(Py_None); res = Py_None;
done:
    skpy_tlist_free(&tl);
    PyMem_Free(cn);
    Py_DECREF(nf);
    return res;
}
SKPY_EXPORT(module, k_, optimizer_restore_state, METH_VARARGS,
            "optimizer_restore_state(opt, names, values): restores state saved from optimizer_state.");
