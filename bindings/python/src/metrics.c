/* Metrics: built-in (by name and config), stateless custom ones (a Python fn(y_true, y_pred)),
 * stateful custom ones (a keras.metrics.Metric subclass whose update_state / result /
 * reset_state the core calls back: sk_metric_create_callbacks), update / result / reset / name. */
#include "native.h"

SKPY_CREATE_BY_CONFIG(k_metric_create, sk_metric, sk_metric_create)
SKPY_EXPORT(module, k_, metric_create, METH_VARARGS, "metric_create(name, config_json=None) -> metric handle.");

static PyObject *k_metric_create_custom(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *fn;
    const char *name;
    if (skpy_parse_loss_fn(args, "Os", "a custom metric function must be callable", &fn, &name) < 0) return NULL;
    sk_metric *m = NULL;
    int32_t st = sk_metric_create_custom(skpy_custom_loss, fn, skpy_callback_destroy, name, &m);
    return KH_FINISH(sk_metric, st, m);
}
SKPY_EXPORT(module, k_, metric_create_custom, METH_VARARGS,
    "metric_create_custom(fn(y_true, y_pred), name) -> metric handle.");

static PyObject *k_metric_update_state(PyObject *self SKPY_UNUSED, PyObject *args) {
    void *m;
    sk_tensor *t[3];
    if (skpy_parse_targets(args, "sk_metric", &m, t) < 0) return NULL;
    int32_t st = sk_metric_update_state(m, t[0], t[1], t[2]);
    skpy_targets_free(t);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, metric_update_state, METH_VARARGS,
    "metric_update_state(metric, y_true, y_pred, sample_weight=None).");

static PyObject *k_metric_result(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_metric *m = HGET(sk_metric, mc);
    if (!m) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_metric_result(m, &out);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, k_, metric_result, METH_O, "metric_result(metric) -> Tensor.");

static PyObject *k_metric_reset_state(PyObject *self SKPY_UNUSED, PyObject *mc) {
    sk_metric *m = HGET(sk_metric, mc);
    if (!m) return NULL;
    int32_t st = sk_metric_reset_state(m);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, metric_reset_state, METH_O, "metric_reset_state(metric).");

SKPY_HANDLE_STRING(k_metric_name, sk_metric, sk_metric_name)
SKPY_EXPORT(module, k_, metric_name, METH_O, "metric_name(metric) -> str.");

/* Stateful custom metrics: user_data is a tuple (update(y_true, y_pred, sample_weight_or_None),
 * result(), reset()). */
static int32_t pm_update(void *ud, const sk_tensor *yt, const sk_tensor *yp, const sk_tensor *sw) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *a = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)yt));
    PyObject *b = a ? skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)yp)) : NULL;
    PyObject *c = NULL;
    if (b) {
        if (sw) c = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)sw));
        else { c = Py_None; Py_INCREF(c); }
    }
    PyObject *r = c ? PyObject_CallFunctionObjArgs(PyTuple_GET_ITEM((PyObject *)ud, 0), a, b, c, NULL) : NULL;
    if (!r) rc = skpy_callback_fail();
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static int32_t pm_result(void *ud, sk_tensor **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallNoArgs(PyTuple_GET_ITEM((PyObject *)ud, 1));
    if (!r) rc = skpy_callback_fail();
    else if (!(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static int32_t pm_reset(void *ud) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallNoArgs(PyTuple_GET_ITEM((PyObject *)ud, 2));
    if (!r) rc = skpy_callback_fail();
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_metric_create_callbacks(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name;
    PyObject *upd, *res, *rst;
    if (!PyArg_ParseTuple(args, "sOOO", &name, &upd, &res, &rst)) return NULL;
    if (!PyCallable_Check(upd) || !PyCallable_Check(res) || !PyCallable_Check(rst)) {
        PyErr_SetString(PyExc_TypeError, "metric_create_callbacks: update, result and reset must be callable");
        return NULL;
    }
    PyObject *fns = PyTuple_Pack(3, upd, res, rst);
    if (!fns) return NULL;
    sk_metric *m = NULL;
    int32_t st = sk_metric_create_callbacks(name, pm_update, pm_result, pm_reset, fns, skpy_callback_destroy, &m);
    return KH_FINISH(sk_metric, st, m);   /* on failure destroy already released fns */
}
SKPY_EXPORT(module, k_, metric_create_callbacks, METH_VARARGS,
    "metric_create_callbacks(name, update(y_true, y_pred, sample_weight), result(), reset()) -> metric handle.");

/* metric_function(name, config_json or None, y_true, y_pred) -> Tensor (sk_metric_function). */
static PyObject *k_metric_function(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name, *config = NULL;
    PyObject *yt, *yp;
    if (!PyArg_ParseTuple(args, "szOO", &name, &config, &yt, &yp)) return NULL;
    sk_tensor *t[3];
    if (skpy_conv_targets(yt, yp, Py_None, t) < 0) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_metric_function(name, config, t[0], t[1], &out);
    skpy_targets_free(t);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, k_, metric_function, METH_VARARGS,
    "metric_function(name, config_json, y_true, y_pred) -> Tensor: keras.metrics.<name> / keras.losses.<name> per-sample values.");

