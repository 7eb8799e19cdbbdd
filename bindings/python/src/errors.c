/* Status codes to exceptions, and the way back for Python callables run by the core: an
 * exception raised inside a callback is parked here (per thread) and re-raised unchanged when
 * the C call that ran the callback returns its failure. A callback's user_data is a PyObject *
 * (a callable or a tuple of them) released by skpy_callback_destroy. */
#include "native.h"

static _Thread_local PyObject *pending_type, *pending_value, *pending_tb;

static void park_exception(void) {
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb && v) PyException_SetTraceback(v, tb);
    Py_XDECREF(pending_type); Py_XDECREF(pending_value); Py_XDECREF(pending_tb);
    pending_type = t; pending_value = v; pending_tb = tb;
}

PyObject *skpy_raise_status(int32_t st) {
    if (pending_type) {
        PyErr_Restore(pending_type, pending_value, pending_tb);
        pending_type = pending_value = pending_tb = NULL;
        return NULL;
    }
    PyObject *exc;
    switch (st) {
        case SK_ERR_INVALID_ARG: exc = PyExc_ValueError; break;
        case SK_ERR_DTYPE: exc = PyExc_TypeError; break;
        case SK_ERR_OUT_OF_RANGE: exc = PyExc_IndexError; break;
        case SK_ERR_OUT_OF_MEMORY: exc = PyExc_MemoryError; break;
        case SK_ERR_UNIMPLEMENTED: exc = PyExc_NotImplementedError; break;
        case SK_ERR_INVALID_HANDLE: exc = PyExc_ValueError; break;
        case SK_ERR_IO: exc = PyExc_OSError; break;
        default: exc = PyExc_RuntimeError; break;
    }
    const char *m = sk_last_error_message();
    PyErr_SetString(exc, (m && *m) ? m : "swiftkeras: operation failed");
    return NULL;
}

void skpy_callback_destroy(void *ud) {
    if (!Py_IsInitialized() || skpy_finalizing) return;
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)ud);
    PyGILState_Release(g);
}

int32_t skpy_callback_fail(void) {
    /* park the exception for the caller; give the library its message too */
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    PyObject *s = v ? PyObject_Str(v) : NULL;
    const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
    if (!msg) PyErr_Clear();
    sk_set_error(SK_ERR_RUNTIME, msg ? msg : "Python callback failed");
    Py_XDECREF(s);
    PyErr_Restore(t, v, tb);
    park_exception();
    return SK_ERR_RUNTIME;
}
/* Forgets an exception parked by a callback when the C call succeeded anyway. */
void skpy_drop_pending(void) {
    Py_CLEAR(pending_type); Py_CLEAR(pending_value); Py_CLEAR(pending_tb);
}
