/* Masks in custom Python layers (sk_layer_set_mask_fns): `call(inputs, mask=...)` and
 * `compute_mask(inputs, mask)` as callbacks. user_data is a tuple (call_masked or None,
 * compute_mask or None) released by skpy_callback_destroy. */
#include "native.h"

/* [inputs], [masks (None where absent)] as two new lists; -1 with an exception. */
static int tensor_lists(const sk_tensor *const *inputs, const sk_tensor *const *masks, int32_t n,
                        PyObject **ins, PyObject **ms) {
    *ins = PyList_New(n);
    *ms = *ins ? PyList_New(n) : NULL;
    if (!*ms) return -1;
    for (int32_t i = 0; i < n; i++) {
        PyObject *t = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)inputs[i]));
        if (!t) return -1;
        PyList_SET_ITEM(*ins, i, t);
        PyObject *m = Py_None;
        if (masks && masks[i]) {
            if (!(m = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)masks[i])))) return -1;
        } else {
            Py_INCREF(m);
        }
        PyList_SET_ITEM(*ms, i, m);
    }
    return 0;
}

static int32_t custom_call_masked(void *ud, sk_layer *layer, const sk_tensor *const *inputs,
                                  const sk_tensor *const *masks, int32_t n, uint8_t training, sk_tensor **out) {
    (void)layer;
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *ins = NULL, *ms = NULL, *r = NULL;
    if (tensor_lists(inputs, masks, n, &ins, &ms) < 0) { rc = skpy_callback_fail(); goto out; }
    r = PyObject_CallFunctionObjArgs(PyTuple_GET_ITEM((PyObject *)ud, 0), ins, ms, training ? Py_True : Py_False, NULL);
    if (!r) { rc = skpy_callback_fail(); goto out; }
    if (!(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
out:
    Py_XDECREF(ins); Py_XDECREF(ms); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static int32_t custom_compute_mask(void *ud, sk_layer *layer, const sk_tensor *const *inputs,
                                   const sk_tensor *const *masks, int32_t n, sk_tensor **mask_out) {
    (void)layer;
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *ins = NULL, *ms = NULL, *r = NULL;
    if (tensor_lists(inputs, masks, n, &ins, &ms) < 0) { rc = skpy_callback_fail(); goto out; }
    r = PyObject_CallFunctionObjArgs(PyTuple_GET_ITEM((PyObject *)ud, 1), ins, ms, NULL);
    if (!r) { rc = skpy_callback_fail(); goto out; }
    if (r != Py_None && !(*mask_out = skpy_convert(r, 0))) rc = skpy_callback_fail();
out:
    Py_XDECREF(ins); Py_XDECREF(ms); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_layer_set_mask_fns(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *call_masked, *compute_mask;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OOO", &lc, &call_masked, &compute_mask);
    if (!l) return NULL;
    if ((call_masked != Py_None && !PyCallable_Check(call_masked)) ||
        (compute_mask != Py_None && !PyCallable_Check(compute_mask))) {
        PyErr_SetString(PyExc_TypeError, "layer_set_mask_fns: call_masked and compute_mask must be callables or None");
        return NULL;
    }
    PyObject *ud = PyTuple_Pack(2, call_masked, compute_mask);
    if (!ud) return NULL;
    int32_t st = sk_layer_set_mask_fns(l, call_masked == Py_None ? NULL : custom_call_masked,
                                       compute_mask == Py_None ? NULL : custom_compute_mask, ud, skpy_callback_destroy);
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, k_, layer_set_mask_fns, METH_VARARGS,
    "layer_set_mask_fns(layer, call_masked(inputs, masks, training) or None, compute_mask(inputs, masks) or None).");
