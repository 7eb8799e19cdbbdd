/* Losses: built-in (by name, with a Keras config), custom (a Python fn(y_true, y_pred)), calls. */
#include "native.h"

static PyObject *k_loss_create(PyObject *self, PyObject *args) {
    (void)self;
    const char *name, *config = NULL;
    if (!PyArg_ParseTuple(args, "s|z", &name, &config)) return NULL;
    sk_loss *l = NULL;
    int32_t st = config ? sk_loss_create_config(name, config, &l) : sk_loss_create(name, &l);
    return KH_FINISH(sk_loss, st, l);
}

/* fn(y_true, y_pred) -> tensor as an sk_loss_fn; user_data is fn (also for custom metrics). */
int32_t skpy_custom_loss(void *ud, const sk_tensor *yt, const sk_tensor *yp, sk_tensor **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *a = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)yt));
    PyObject *b = a ? skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)yp)) : NULL;
    PyObject *r = b ? PyObject_CallFunctionObjArgs((PyObject *)ud, a, b, NULL) : NULL;
    if (!r) rc = skpy_callback_fail();
    else if (!(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_loss_create_custom(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *fn;
    const char *config = NULL;
    if (!PyArg_ParseTuple(args, "O|z", &fn, &config)) return NULL;
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "a custom loss must be callable"); return NULL; }
    Py_INCREF(fn);
    sk_loss *l = NULL;
    int32_t st = sk_loss_create_custom_ex(skpy_custom_loss, fn, skpy_callback_destroy, config, &l);
    return KH_FINISH(sk_loss, st, l);
}

static PyObject *k_loss_call(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *yt, *yp, *sw = Py_None;
    if (!PyArg_ParseTuple(args, "OOO|O", &lc, &yt, &yp, &sw)) return NULL;
    sk_loss *l = HGET(sk_loss, lc);
    if (!l) return NULL;
    sk_tensor *a = skpy_convert(yt, 0), *b = a ? skpy_convert(yp, 0) : NULL, *c = NULL;
    if (b && sw != Py_None && !(c = skpy_convert(sw, 0))) { sk_tensor_release(a); sk_tensor_release(b); return NULL; }
    if (!b) { sk_tensor_release(a); return NULL; }
    sk_tensor *out = NULL;
    int32_t st = sk_loss_call(l, a, b, c, &out);
    sk_tensor_release(a); sk_tensor_release(b); sk_tensor_release(c);
    return skpy_finish(st, out);
}

PyMethodDef skpy_losses_methods[] = {
    {"loss_create", k_loss_create, METH_VARARGS, "loss_create(name, config_json=None) -> loss handle (a built-in loss with Keras arguments)."},
    {"loss_create_custom", k_loss_create_custom, METH_VARARGS,
     "loss_create_custom(fn(y_true, y_pred), config_json=None) -> loss handle (reduction, name, dtype, match_ranks)."},
    {"loss_call", k_loss_call, METH_VARARGS, "loss_call(loss, y_true, y_pred, sample_weight=None) -> Tensor."},
    {NULL}
};
