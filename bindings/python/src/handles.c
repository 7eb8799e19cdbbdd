/* Keras handles (layers, models, optimizers, losses, metrics, keras tensors) travel as
 * PyCapsules named after their C type; the capsule owns one reference. */
#include "native.h"
#include <stdarg.h>

/* skpy_wrap_T: a capsule owning h (released when the wrap fails). */
#define WRAP_HANDLE(T) \
    static void cap_##T##_destroy(PyObject *cap) { \
        T *h = (T *)PyCapsule_GetPointer(cap, #T); \
        if (h) T##_release(h); else PyErr_Clear(); \
    } \
    PyObject *skpy_wrap_##T(T *h) { \
        PyObject *c = PyCapsule_New((void *)h, #T, cap_##T##_destroy); \
        if (!c) T##_release(h); \
        return c; \
    }
WRAP_HANDLE(sk_layer)
WRAP_HANDLE(sk_model)
WRAP_HANDLE(sk_optimizer)
WRAP_HANDLE(sk_loss)
WRAP_HANDLE(sk_keras_tensor)
WRAP_HANDLE(sk_metric)
WRAP_HANDLE(sk_summary_writer)
WRAP_HANDLE(sk_progbar)

void *skpy_handle_get(PyObject *o, const char *name) {
    void *p = PyCapsule_IsValid(o, name) ? PyCapsule_GetPointer(o, name) : NULL;
    if (!p) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "expected a %s handle, got %.100s", name, skpy_tname(o));
    }
    return p;
}

void *skpy_parse_handle(PyObject *args, const char *name, const char *fmt, ...) {
    va_list va, first;
    va_start(va, fmt);
    va_copy(first, va);
    int ok = PyArg_VaParse(args, fmt, va);
    PyObject **cap = va_arg(first, PyObject **);
    va_end(first);
    va_end(va);
    return ok ? skpy_handle_get(*cap, name) : NULL;
}

/* borrowed handle pointers from a sequence of capsules */
void **skpy_hlist_from(PyObject *seq, const char *name, int32_t *n) {
    PyObject *f = PySequence_Fast(seq, "expected a sequence");
    if (!f) return NULL;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(f);
    void **a = PyMem_Malloc(sizeof(void *) * (size_t)(k ? k : 1));
    if (!a) { Py_DECREF(f); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < k; i++) {
        if (!(a[i] = skpy_handle_get(PySequence_Fast_GET_ITEM(f, i), name))) { PyMem_Free(a); Py_DECREF(f); return NULL; }
    }
    Py_DECREF(f);   /* the caller keeps seq (and so the capsules) alive */
    *n = (int32_t)k;
    return a;
}

/* A str from a sk_*_name-style getter: query the length, then copy. */
PyObject *skpy_copied_string(const void *h, int32_t (*get)(const void *, char *, size_t, size_t *)) {
    size_t len = 0;
    int32_t st = get(h, NULL, 0, &len);
    if (st) return skpy_raise_status(st);
    char *buf = PyMem_Malloc(len + 1);
    if (!buf) return PyErr_NoMemory();
    st = get(h, buf, len + 1, &len);
    PyObject *r = st ? skpy_raise_status(st) : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
    PyMem_Free(buf);
    return r;
}

/* A list wrapping n caller-owned handles of one kind (the references move into the list; on
 * failure the rest are released). The array itself stays the caller's. */
static PyObject *list_of_owned(void **a, int32_t n, int kind) {
    PyObject *lst = PyList_New(n);
    for (int32_t i = 0; i < n; i++) {
        if (!lst) {
            if (kind == SKPY_OWNED_TENSOR) sk_tensor_release((sk_tensor *)a[i]);
            else if (kind == SKPY_OWNED_VARIABLE) sk_variable_release((sk_variable *)a[i]);
            else if (kind == SKPY_OWNED_KERAS_TENSOR) sk_keras_tensor_release((sk_keras_tensor *)a[i]);
            else if (kind == SKPY_OWNED_METRIC) sk_metric_release((sk_metric *)a[i]);
            else sk_layer_release((sk_layer *)a[i]);
            continue;
        }
        PyObject *o = kind == SKPY_OWNED_TENSOR ? skpy_wrap_tensor((sk_tensor *)a[i])
                    : kind == SKPY_OWNED_VARIABLE ? skpy_wrap_variable((sk_variable *)a[i])
                    : kind == SKPY_OWNED_KERAS_TENSOR ? skpy_wrap_sk_keras_tensor((sk_keras_tensor *)a[i])
                    : kind == SKPY_OWNED_METRIC ? skpy_wrap_sk_metric((sk_metric *)a[i])
                    : skpy_wrap_sk_layer((sk_layer *)a[i]);   /* each releases its handle on failure */
        if (!o) { Py_CLEAR(lst); continue; }
        PyList_SET_ITEM(lst, i, o);
    }
    return lst;
}

PyObject *skpy_fetch_owned(const void *src, skpy_fill_fn get, int kind) {
    int32_t n = 0;
    int32_t st = get(src, NULL, 0, &n);
    if (st) return skpy_raise_status(st);
    void **a = PyMem_Calloc((size_t)(n ? n : 1), sizeof(void *));
    if (!a) return PyErr_NoMemory();
    st = get(src, a, n, &n);
    if (st) { PyMem_Free(a); return skpy_raise_status(st); }
    PyObject *lst = list_of_owned(a, n, kind);
    PyMem_Free(a);
    return lst;
}

PyObject *skpy_pair_call(PyObject *args, const char *ta, const char *tb, int32_t (*f)(void *a, void *b)) {
    PyObject *ac, *bc;
    if (!PyArg_ParseTuple(args, "OO", &ac, &bc)) return NULL;
    void *a = skpy_handle_get(ac, ta);
    void *b = a ? skpy_handle_get(bc, tb) : NULL;
    return b ? skpy_none_or_raise(f(a, b)) : NULL;
}
