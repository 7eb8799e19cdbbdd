/* Losses: built-in (by name, with a Keras config), custom (a Python fn(y_true, y_pred)), calls. */
#include "native.h"

/* a built-in loss with its Keras config, or with the defaults when config is NULL */
static int32_t loss_create(const char *name, const char *config, sk_loss **out) {
    return config ? sk_loss_create_config(name, config, out) : sk_loss_create(name, out);
}
SKPY_CREATE_BY_CONFIG(k_loss_create, sk_loss, loss_create)
SKPY_EXPORT(module, k_, loss_create, METH_VARARGS,
    "loss_create(name, config_json=None) -> loss handle (a built-in loss with Keras arguments).");

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

int skpy_parse_loss_fn(PyObject *args, const char *fmt, const char *msg, PyObject **fn, const char **text) {
    if (!PyArg_ParseTuple(args, fmt, fn, text)) return -1;
    if (!PyCallable_Check(*fn)) { PyErr_SetString(PyExc_TypeError, msg); return -1; }
    Py_INCREF(*fn);
    return 0;
}

static PyObject *k_loss_create_custom(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *fn;
    const char *config = NULL;
    if (skpy_parse_loss_fn(args, "O|z", "a custom loss must be callable", &fn, &config) < 0) return NULL;
    sk_loss *l = NULL;
    int32_t st = sk_loss_create_custom_ex(skpy_custom_loss, fn, skpy_callback_destroy, config, &l);
    return KH_FINISH(sk_loss, st, l);
}
SKPY_EXPORT(module, k_, loss_create_custom, METH_VARARGS,
    "loss_create_custom(fn(y_true, y_pred), config_json=None) -> loss handle (reduction, name, dtype, match_ranks).");

int skpy_conv_targets(PyObject *yt, PyObject *yp, PyObject *sw, sk_tensor *t[3]) {
    t[0] = skpy_convert(yt, 0);
    t[1] = t[0] ? skpy_convert(yp, 0) : NULL;
    t[2] = NULL;
    if (t[1] && (sw == Py_None || (t[2] = skpy_convert(sw, 0)))) return 0;
    skpy_targets_free(t);
    return -1;
}

void skpy_targets_free(sk_tensor *t[3]) {
    for (int i = 0; i < 3; i++) sk_tensor_release(t[i]);
}

int skpy_parse_targets(PyObject *args, const char *name, void **h, sk_tensor *t[3]) {
    PyObject *hc, *yt, *yp, *sw = Py_None;
    if (!PyArg_ParseTuple(args, "OOO|O", &hc, &yt, &yp, &sw)) return -1;
    if (!(*h = skpy_handle_get(hc, name))) return -1;
    return skpy_conv_targets(yt, yp, sw, t);
}

static PyObject *k_loss_call(PyObject *self SKPY_UNUSED, PyObject *args) {
    void *l;
    sk_tensor *t[3];
    if (skpy_parse_targets(args, "sk_loss", &l, t) < 0) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_loss_call(l, t[0], t[1], t[2], &out);
    skpy_targets_free(t);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, k_, loss_call, METH_VARARGS, "loss_call(loss, y_true, y_pred, sample_weight=None) -> Tensor.");

