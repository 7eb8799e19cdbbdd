/*
 * swiftkeras._native — the CPython extension over the SwiftKeras C API.
 *
 * Includes only swiftkeras.h and links libswiftkeras.so. Every op lives in the Swift core; this
 * file converts arguments, wraps handles in Python objects and turns status codes into
 * exceptions. The per-op wrappers are generated (ops_generated.inc, from tools/capi_ops.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include "swiftkeras.h"

/* Work on more input elements than this runs with the GIL released. */
#define HEAVY_ELEMENTS 65536

static PyTypeObject TensorType, VariableType, DTypeType, ShapeType, TapeType, FunctionType;
static PyObject *dtype_objs[9];      /* DType singletons by code */
static const char *const dtype_names[9] = {"invalid", "float32", "float64", "float16", "bfloat16",
                                           "int32", "int64", "uint8", "bool"};
static const int dtype_sizes[9] = {0, 4, 8, 2, 2, 4, 8, 1, 1};

/* ------------------------------------------------------------------------------------------
 * Errors. A Python exception raised inside a callback is parked here (per thread) and re-raised
 * unchanged when the C call that ran the callback returns its failure.
 * ---------------------------------------------------------------------------------------- */
static _Thread_local PyObject *pending_type, *pending_value, *pending_tb;

static void park_exception(void) {
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb && v) PyException_SetTraceback(v, tb);
    Py_XDECREF(pending_type); Py_XDECREF(pending_value); Py_XDECREF(pending_tb);
    pending_type = t; pending_value = v; pending_tb = tb;
}

static PyObject *raise_status(int32_t st) {
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

/* ------------------------------------------------------------------------------------------
 * Tensor object
 * ---------------------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    sk_tensor *h;
    int64_t size;          /* -1 until asked */
    PyObject *weakrefs;
} TensorObject;

typedef struct {
    PyObject_HEAD
    sk_variable *v;
    PyObject *weakrefs;
} VariableObject;

#define Tensor_Check(o) (Py_IS_TYPE((o), &TensorType) || PyType_IsSubtype(Py_TYPE(o), &TensorType))
#define Variable_Check(o) (Py_IS_TYPE((o), &VariableType) || PyType_IsSubtype(Py_TYPE(o), &VariableType))

static inline int64_t tensor_size(TensorObject *t) {
    if (t->size < 0) t->size = sk_tensor_size(t->h);
    return t->size;
}

/* Steals the handle. */
static PyObject *wrap_tensor(sk_tensor *h) {
    TensorObject *t = PyObject_New(TensorObject, &TensorType);
    if (!t) { sk_tensor_release(h); return NULL; }
    t->h = h;
    t->size = -1;
    t->weakrefs = NULL;
    return (PyObject *)t;
}

static PyObject *finish(int32_t st, sk_tensor *out) {
    if (st != SK_OK) return raise_status(st);
    return wrap_tensor(out);
}

static void tensor_dealloc(TensorObject *t) {
    if (t->weakrefs) PyObject_ClearWeakRefs((PyObject *)t);
    sk_tensor_release(t->h);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

/* ------------------------------------------------------------------------------------------
 * dtype codes from Python objects
 * ---------------------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    int32_t code;
    PyObject *name;
} DTypeObject;

static int32_t dtype_from_name(const char *s) {
    for (int i = 1; i <= 8; i++) if (strcmp(s, dtype_names[i]) == 0) return i;
    if (!strcmp(s, "float") || !strcmp(s, "single")) return SK_FLOAT32;
    if (!strcmp(s, "double")) return SK_FLOAT64;
    if (!strcmp(s, "half")) return SK_FLOAT16;
    if (!strcmp(s, "bool_")) return SK_BOOL;
    return 0;
}

/* Returns a dtype code (1..8), 0 for None when allow_none, -1 with an exception set. */
static int32_t dtype_code_of(PyObject *o, int allow_none) {
    if (o == NULL || o == Py_None) {
        if (allow_none) return 0;
        PyErr_SetString(PyExc_TypeError, "a dtype is required, got None");
        return -1;
    }
    if (Py_IS_TYPE(o, &DTypeType)) return ((DTypeObject *)o)->code;
    if (PyLong_Check(o) && !PyBool_Check(o)) {
        long c = PyLong_AsLong(o);
        if (c == -1 && PyErr_Occurred()) return -1;
        if (c >= 1 && c <= 8) return (int32_t)c;
        PyErr_Format(PyExc_TypeError, "unknown dtype code %ld", c);
        return -1;
    }
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (!s) return -1;
        int32_t c = dtype_from_name(s);
        if (c) return c;
        PyErr_Format(PyExc_TypeError, "unsupported dtype '%s' (supported: float32, float64, float16, "
                     "bfloat16, int32, int64, uint8, bool)", s);
        return -1;
    }
    if (o == (PyObject *)&PyFloat_Type) return SK_FLOAT32;
    if (o == (PyObject *)&PyLong_Type) return SK_INT32;
    if (o == (PyObject *)&PyBool_Type) return SK_BOOL;
    /* numpy dtypes, numpy scalar types, DType-likes: use their name */
    PyObject *name = NULL;
    if (PyType_Check(o)) {
        PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "numpy");
        if (mod) {
            PyObject *dt = PyObject_CallMethod(mod, "dtype", "O", o);
            if (dt) { name = PyObject_GetAttrString(dt, "name"); Py_DECREF(dt); }
            else PyErr_Clear();
        }
        if (!name) name = PyObject_GetAttrString(o, "__name__");
    } else {
        name = PyObject_GetAttrString(o, "name");
    }
    if (name && PyUnicode_Check(name)) {
        const char *s = PyUnicode_AsUTF8(name);
        int32_t c = s ? dtype_from_name(s) : 0;
        if (c) { Py_DECREF(name); return c; }
        PyErr_Format(PyExc_TypeError, "unsupported dtype %R", o);
        Py_DECREF(name);
        return -1;
    }
    Py_XDECREF(name);
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "cannot interpret %R as a dtype", o);
    return -1;
}

/* ------------------------------------------------------------------------------------------
 * Conversion of tensor-like Python objects
 * ---------------------------------------------------------------------------------------- */
static int32_t format_dtype(const char *f, Py_ssize_t itemsize, int *widen) {
    *widen = 0;
    while (*f == '@' || *f == '=' || *f == '<' || *f == '|') f++;
    if (f[0] == 0 || f[1] != 0) return 0;
    switch (f[0]) {
        case 'f': return SK_FLOAT32;
        case 'd': return SK_FLOAT64;
        case 'e': return SK_FLOAT16;
        case '?': return SK_BOOL;
        case 'B': return SK_UINT8;
        case 'i': case 'l': case 'q': case 'n':
            if (itemsize == 4) return SK_INT32;
            if (itemsize == 8) return SK_INT64;
            return 0;
        case 'b': case 'h': case 'H': *widen = 1; return SK_INT32;
        case 'I': *widen = 2; return SK_INT64;
        default: return 0;
    }
}

static sk_tensor *from_buffer_obj(PyObject *o, int32_t want) {
    Py_buffer view;
    if (PyObject_GetBuffer(o, &view, PyBUF_RECORDS_RO) < 0) return NULL;
    int widen = 0;
    int32_t dt = format_dtype(view.format ? view.format : "B", view.itemsize, &widen);
    sk_tensor *t = NULL;
    if (!dt) {
        PyErr_Format(PyExc_TypeError, "cannot convert a buffer of format '%s' to a tensor",
                     view.format ? view.format : "B");
        PyBuffer_Release(&view);
        return NULL;
    }
    if (view.ndim > 64) {
        PyErr_SetString(PyExc_ValueError, "too many dimensions");
        PyBuffer_Release(&view);
        return NULL;
    }
    int64_t shape[64];
    int64_t n = 1;
    for (int i = 0; i < view.ndim; i++) { shape[i] = view.shape ? view.shape[i] : view.len / view.itemsize; n *= shape[i]; }
    void *data = view.buf;
    void *tmp = NULL;
    if (!PyBuffer_IsContiguous(&view, 'C') || widen) {
        tmp = PyMem_Malloc(view.len > 0 ? (size_t)view.len : 1);
        if (!tmp) { PyBuffer_Release(&view); PyErr_NoMemory(); return NULL; }
        if (PyBuffer_ToContiguous(tmp, &view, view.len, 'C') < 0) {
            PyMem_Free(tmp); PyBuffer_Release(&view); return NULL;
        }
        data = tmp;
        if (widen) {
            char f = view.format[strlen(view.format) - 1];
            void *w = PyMem_Malloc((size_t)(n > 0 ? n : 1) * (widen == 2 ? 8 : 4));
            if (!w) { PyMem_Free(tmp); PyBuffer_Release(&view); PyErr_NoMemory(); return NULL; }
            for (int64_t i = 0; i < n; i++) {
                if (f == 'b') ((int32_t *)w)[i] = ((int8_t *)tmp)[i];
                else if (f == 'h') ((int32_t *)w)[i] = ((int16_t *)tmp)[i];
                else if (f == 'H') ((int32_t *)w)[i] = ((uint16_t *)tmp)[i];
                else ((int64_t *)w)[i] = ((uint32_t *)tmp)[i];
            }
            PyMem_Free(tmp);
            tmp = data = w;
        }
    }
    int32_t st;
    if (n > HEAVY_ELEMENTS) {
        Py_BEGIN_ALLOW_THREADS
        st = sk_tensor_from_data(data, dt, shape, view.ndim, &t);
        Py_END_ALLOW_THREADS
    } else {
        st = sk_tensor_from_data(data, dt, shape, view.ndim, &t);
    }
    PyMem_Free(tmp);
    PyBuffer_Release(&view);
    if (st) { raise_status(st); return NULL; }
    if (want && want != dt) {
        sk_tensor *c = NULL;
        st = sk_tensor_cast(t, want, &c);
        sk_tensor_release(t);
        if (st) { raise_status(st); return NULL; }
        t = c;
    }
    return t;
}

/* Scalars: kind 0 bool, 1 int (iv), 2 float (dv). */
static sk_tensor *make_scalar(int kind, int64_t iv, double dv, int32_t want) {
    sk_tensor *t = NULL;
    int32_t st;
    if (kind == 0) {
        uint8_t b = (uint8_t)(iv != 0);
        st = sk_tensor_from_data(&b, SK_BOOL, NULL, 0, &t);
        if (!st && want && want != SK_BOOL) { sk_tensor *c; st = sk_tensor_cast(t, want, &c); sk_tensor_release(t); t = c; }
    } else if (kind == 1) {
        if (!want) want = (iv >= INT32_MIN && iv <= INT32_MAX) ? SK_INT32 : SK_INT64;
        if (want == SK_INT32 && iv >= INT32_MIN && iv <= INT32_MAX) {
            int32_t v = (int32_t)iv;
            st = sk_tensor_from_data(&v, SK_INT32, NULL, 0, &t);
        } else if (want == SK_INT64) {
            st = sk_tensor_from_data(&iv, SK_INT64, NULL, 0, &t);
        } else {
            st = sk_tensor_from_data(&iv, SK_INT64, NULL, 0, &t);
            if (!st) { sk_tensor *c; st = sk_tensor_cast(t, want, &c); sk_tensor_release(t); t = c; }
        }
    } else {
        if (!want) want = SK_FLOAT32;
        if (want == SK_FLOAT32) { float f = (float)dv; st = sk_tensor_from_data(&f, SK_FLOAT32, NULL, 0, &t); }
        else if (want == SK_FLOAT64) st = sk_tensor_from_data(&dv, SK_FLOAT64, NULL, 0, &t);
        else st = sk_scalar(dv, want, &t);
    }
    if (st) { raise_status(st); return NULL; }
    return t;
}

/* Nested sequences: shape by descending first elements, then a checked fill. */
typedef struct {
    int ndim;
    int64_t shape[64];
    int kind;              /* 0 bool, 1 int, 2 float */
    int big;               /* an int outside int32 */
    int has_tensor;
} ListInfo;

static int leaf_kind(PyObject *o, ListInfo *li) {
    if (PyBool_Check(o)) return 0;
    if (PyLong_Check(o)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) { PyErr_SetString(PyExc_ValueError, "integer out of int64 range"); return -1; }
        if (v < INT32_MIN || v > INT32_MAX) li->big = 1;
        if (li->kind < 1) li->kind = 1;
        return 1;
    }
    if (PyFloat_Check(o)) { li->kind = 2; return 2; }
    if (Tensor_Check(o) || Variable_Check(o)) { li->has_tensor = 1; return 3; }
    if (PyIndex_Check(o)) { if (li->kind < 1) li->kind = 1; return 1; }
    if (PyNumber_Check(o) && !PyUnicode_Check(o)) { li->kind = 2; return 2; }
    PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a tensor element", Py_TYPE(o)->tp_name);
    return -1;
}

static int list_scan(PyObject *o, int depth, ListInfo *li) {
    int is_seq = PyList_Check(o) || PyTuple_Check(o);
    if (!is_seq) {
        if (depth != li->ndim) {
            PyErr_SetString(PyExc_ValueError, "cannot convert a ragged nested sequence to a tensor");
            return -1;
        }
        return leaf_kind(o, li) < 0 ? -1 : 0;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    if (depth == li->ndim) {
        if (depth >= 64) { PyErr_SetString(PyExc_ValueError, "too many dimensions"); return -1; }
        if (depth > 0 && li->shape[depth - 1] >= 0 && 0) return -1;
        /* first visit at this depth defines the dimension, only valid along the first path */
        li->shape[li->ndim++] = n;
    } else if (depth > li->ndim || li->shape[depth] != n) {
        PyErr_SetString(PyExc_ValueError, "cannot convert a ragged nested sequence to a tensor");
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(o);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (list_scan(items[i], depth + 1, li) < 0) return -1;
    }
    if (n == 0 && depth + 1 != li->ndim) { /* empty list at the end */ }
    return 0;
}

static int list_fill(PyObject *o, int kind, char **p) {
    if (PyList_Check(o) || PyTuple_Check(o)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
        PyObject **items = PySequence_Fast_ITEMS(o);
        for (Py_ssize_t i = 0; i < n; i++) if (list_fill(items[i], kind, p) < 0) return -1;
        return 0;
    }
    if (kind == 0) { *(uint8_t *)*p = (uint8_t)(o == Py_True); *p += 1; return 0; }
    if (kind == 1) {
        long long v;
        if (PyLong_Check(o)) v = PyLong_AsLongLong(o);
        else { PyObject *i = PyNumber_Index(o); if (!i) return -1; v = PyLong_AsLongLong(i); Py_DECREF(i); }
        if (v == -1 && PyErr_Occurred()) return -1;
        *(int64_t *)*p = v; *p += 8; return 0;
    }
    double d = PyFloat_Check(o) ? PyFloat_AS_DOUBLE(o) : PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) return -1;
    *(double *)*p = d; *p += 8;
    return 0;
}

static sk_tensor *convert_obj(PyObject *o, int32_t want);

static sk_tensor *from_tensor_list(PyObject *seq, int32_t want) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    sk_tensor **ts = PyMem_Calloc((size_t)n, sizeof(sk_tensor *));
    if (!ts) { PyErr_NoMemory(); return NULL; }
    sk_tensor *out = NULL;
    Py_ssize_t i;
    for (i = 0; i < n; i++) if (!(ts[i] = convert_obj(items[i], want))) break;
    if (i == n) {
        int32_t st = sk_stack((const sk_tensor *const *)ts, (int32_t)n, 0, &out);
        if (st) raise_status(st);
    }
    for (Py_ssize_t j = 0; j < n; j++) sk_tensor_release(ts[j]);
    PyMem_Free(ts);
    return out;
}

static sk_tensor *from_list(PyObject *o, int32_t want) {
    ListInfo li;
    memset(&li, 0, sizeof li);
    if (list_scan(o, 0, &li) < 0) return NULL;
    if (li.has_tensor) return from_tensor_list(o, want);
    int64_t n = 1;
    for (int i = 0; i < li.ndim; i++) n *= li.shape[i];
    int empty_float = (n == 0);
    int kind = li.kind;
    size_t isz = kind == 0 ? 1 : 8;
    char *buf = PyMem_Malloc((size_t)(n > 0 ? n : 1) * isz);
    if (!buf) { PyErr_NoMemory(); return NULL; }
    char *p = buf;
    if (list_fill(o, kind, &p) < 0) { PyMem_Free(buf); return NULL; }
    int32_t dt = kind == 0 ? SK_BOOL : kind == 1 ? SK_INT64 : SK_FLOAT64;
    int32_t target = want;
    if (!target) target = empty_float ? SK_FLOAT32 : kind == 0 ? SK_BOOL : kind == 1 ? (li.big ? SK_INT64 : SK_INT32) : SK_FLOAT32;
    sk_tensor *t = NULL;
    int32_t st = sk_tensor_from_data(buf, dt, li.shape, li.ndim, &t);
    PyMem_Free(buf);
    if (st) { raise_status(st); return NULL; }
    if (target != dt) {
        sk_tensor *c = NULL;
        st = sk_tensor_cast(t, target, &c);
        sk_tensor_release(t);
        if (st) { raise_status(st); return NULL; }
        t = c;
    }
    return t;
}

static sk_tensor *cast_owned(sk_tensor *t, int32_t want) {
    if (!t || !want || sk_tensor_dtype(t) == want) return t;
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(t, want, &c);
    sk_tensor_release(t);
    if (st) { raise_status(st); return NULL; }
    return c;
}

/* A new reference to a tensor handle for any tensor-like object. */
static sk_tensor *convert_obj(PyObject *o, int32_t want) {
    if (Tensor_Check(o)) return cast_owned(sk_tensor_retain(((TensorObject *)o)->h), want);
    if (Variable_Check(o)) {
        sk_tensor *t = NULL;
        int32_t st = sk_variable_read(((VariableObject *)o)->v, &t);
        if (st) { raise_status(st); return NULL; }
        return cast_owned(t, want);
    }
    if (PyBool_Check(o)) return make_scalar(0, o == Py_True, 0, want);
    if (!PyLong_CheckExact(o) && !PyFloat_CheckExact(o) && PyObject_CheckBuffer(o) && !PyBytes_Check(o))
        return from_buffer_obj(o, want);    /* numpy scalars keep their dtype */
    if (PyLong_Check(o)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            if (want == SK_FLOAT32 || want == SK_FLOAT64 || want == SK_FLOAT16 || want == SK_BFLOAT16)
                return make_scalar(2, 0, PyLong_AsDouble(o), want);
            PyErr_SetString(PyExc_ValueError, "integer out of int64 range");
            return NULL;
        }
        if (v == -1 && PyErr_Occurred()) return NULL;
        return make_scalar(1, v, 0, want);
    }
    if (PyFloat_Check(o)) return make_scalar(2, 0, PyFloat_AS_DOUBLE(o), want);
    if (PyUnicode_Check(o) || PyBytes_Check(o)) {
        PyErr_Format(PyExc_TypeError, "cannot convert %.50s to a tensor: string tensors are not supported",
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    if (PyObject_CheckBuffer(o)) return from_buffer_obj(o, want);
    if (PyList_Check(o) || PyTuple_Check(o)) return from_list(o, want);
    if (o == Py_None) {
        PyErr_SetString(PyExc_ValueError, "cannot convert None to a tensor");
        return NULL;
    }
    /* __array__ objects without a buffer, other numbers, other sequences */
    if (PyObject_HasAttrString(o, "__array__")) {
        PyObject *a = PyObject_CallMethod(o, "__array__", NULL);
        if (!a) return NULL;
        sk_tensor *t = PyObject_CheckBuffer(a) ? from_buffer_obj(a, want) : NULL;
        if (!t && !PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a tensor", Py_TYPE(o)->tp_name);
        Py_DECREF(a);
        return t;
    }
    if (PyIndex_Check(o)) {
        PyObject *i = PyNumber_Index(o);
        if (!i) return NULL;
        sk_tensor *t = convert_obj(i, want);
        Py_DECREF(i);
        return t;
    }
    if (PyFloat_Check(o) || (Py_TYPE(o)->tp_as_number && Py_TYPE(o)->tp_as_number->nb_float)) {
        double d = PyFloat_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) return NULL;
        return make_scalar(2, 0, d, want);
    }
    if (PySequence_Check(o) && !PyDict_Check(o)) {
        PyObject *l = PySequence_List(o);
        if (!l) return NULL;
        sk_tensor *t = from_list(l, want);
        Py_DECREF(l);
        return t;
    }
    PyErr_Format(PyExc_TypeError, "cannot convert an object of type %.100s to a tensor", Py_TYPE(o)->tp_name);
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Callbacks: Python callables as sk_function
 * ---------------------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    sk_function *f;
    PyObject *callable;
} FunctionObject;

static void callback_destroy(void *ud) {
    if (!Py_IsInitialized() || _Py_IsFinalizing()) return;
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)ud);
    PyGILState_Release(g);
}

static int32_t callback_fail(void) {
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

static int32_t py_callback(void *ud, const sk_tensor *const *inputs, int32_t n_inputs,
                           sk_tensor **outputs, int32_t n_outputs) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *args = PyTuple_New(n_inputs);
    PyObject *res = NULL;
    if (!args) { rc = callback_fail(); goto out; }
    for (int32_t i = 0; i < n_inputs; i++) {
        PyObject *t = wrap_tensor(sk_tensor_retain((sk_tensor *)inputs[i]));
        if (!t) { rc = callback_fail(); goto out; }
        PyTuple_SET_ITEM(args, i, t);
    }
    res = PyObject_Call((PyObject *)ud, args, NULL);
    if (!res) { rc = callback_fail(); goto out; }
    if (res == Py_None) goto out;
    if (n_outputs == 1 && !PyList_Check(res) && !PyTuple_Check(res)) {
        if (!(outputs[0] = convert_obj(res, 0))) rc = callback_fail();
        goto out;
    }
    if (n_outputs == 1 && (PyList_Check(res) || PyTuple_Check(res))) {
        /* a single output given as a list: a tensor, unless it is a 1-element list of tensors */
        Py_ssize_t n = PySequence_Fast_GET_SIZE(res);
        PyObject *first = n == 1 ? PySequence_Fast_GET_ITEM(res, 0) : NULL;
        if (first && (Tensor_Check(first) || Variable_Check(first) || first == Py_None)) {
            if (first != Py_None && !(outputs[0] = convert_obj(first, 0))) rc = callback_fail();
        } else if (!(outputs[0] = convert_obj(res, 0))) rc = callback_fail();
        goto out;
    }
    {
        PyObject *seq = PySequence_Fast(res, "a callback with several outputs must return a sequence");
        if (!seq) { rc = callback_fail(); goto out; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (n > n_outputs) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "callback returned %zd values, at most %d expected", n, (int)n_outputs);
            rc = callback_fail();
            goto out;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
            if (it == Py_None) continue;
            if (!(outputs[i] = convert_obj(it, 0))) { rc = callback_fail(); break; }
        }
        Py_DECREF(seq);
    }
out:
    Py_XDECREF(args);
    Py_XDECREF(res);
    PyGILState_Release(g);
    return rc;
}

/* A new sk_function for a callable (caller releases). */
static sk_function *make_function(PyObject *callable) {
    if (Py_IS_TYPE(callable, &FunctionType)) {
        /* no retain API for sk_function: wrap the underlying callable again */
        callable = ((FunctionObject *)callable)->callable;
    }
    if (!PyCallable_Check(callable)) {
        PyErr_Format(PyExc_TypeError, "expected a callable, got %.100s", Py_TYPE(callable)->tp_name);
        return NULL;
    }
    Py_INCREF(callable);
    sk_function *f = NULL;
    int32_t st = sk_function_create(py_callback, callable, callback_destroy, &f);
    if (st) { raise_status(st); return NULL; }   /* destroy already ran */
    return f;
}

/* ------------------------------------------------------------------------------------------
 * Argument parsing and conversion for the generated wrappers
 * ---------------------------------------------------------------------------------------- */
#define CONV_MAX 16
typedef struct {
    sk_tensor *tmp[CONV_MAX];
    int ntmp;
    void *mem[CONV_MAX];
    int nmem;
    sk_function *fns[4];
    int nfns;
    sk_tensor **lists[4];
    Py_ssize_t nlist_items[4];
    int nlists;
    int64_t elems;
    int heavy;
} Conv;

static inline void conv_init(Conv *c) { c->ntmp = c->nmem = c->nfns = c->nlists = 0; c->elems = 0; c->heavy = 0; }

static void conv_free(Conv *c) {
    for (int i = 0; i < c->ntmp; i++) sk_tensor_release(c->tmp[i]);
    for (int i = 0; i < c->nmem; i++) PyMem_Free(c->mem[i]);
    for (int i = 0; i < c->nfns; i++) sk_function_release(c->fns[i]);
    for (int i = 0; i < c->nlists; i++) {
        for (Py_ssize_t j = 0; j < c->nlist_items[i]; j++) sk_tensor_release(c->lists[i][j]);
        PyMem_Free(c->lists[i]);
    }
}

static void *conv_alloc(Conv *c, size_t bytes) {
    if (c->nmem >= CONV_MAX) { PyErr_SetString(PyExc_ValueError, "too many arguments"); return NULL; }
    void *p = PyMem_Malloc(bytes ? bytes : 1);
    if (!p) { PyErr_NoMemory(); return NULL; }
    c->mem[c->nmem++] = p;
    return p;
}

static int sk_parse(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                    const char *const *kw, int n, const char *flags, PyObject **v) {
    if (nargs > n) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %d arguments (%zd given)", fname, n, nargs);
        return -1;
    }
    for (int i = 0; i < n; i++) v[i] = i < nargs ? args[i] : NULL;
    if (kwnames) {
        Py_ssize_t nk = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nk; k++) {
            const char *key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
            if (!key) return -1;
            int found = -1;
            for (int i = 0; i < n; i++) if (strcmp(key, kw[i]) == 0) { found = i; break; }
            if (found < 0) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", fname, key);
                return -1;
            }
            if (v[found]) {
                PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname, key);
                return -1;
            }
            v[found] = args[nargs + k];
        }
    }
    for (int i = 0; i < n; i++) {
        if (!v[i] && flags[i] == 'r') {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %d)", fname, kw[i], i + 1);
            return -1;
        }
    }
    return 0;
}

static int conv_tensor(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_tensor **out) {
    if (!o || o == Py_None) {
        if (optional) { *out = NULL; return 0; }
        PyErr_Format(PyExc_ValueError, "%s: argument '%s' must be a tensor, got None", fn, name);
        return -1;
    }
    if (Py_IS_TYPE(o, &TensorType)) {
        TensorObject *t = (TensorObject *)o;
        *out = t->h;
        c->elems += tensor_size(t);
        if (c->elems > HEAVY_ELEMENTS) c->heavy = 1;
        return 0;
    }
    if (c->ntmp >= CONV_MAX) { PyErr_SetString(PyExc_ValueError, "too many tensor arguments"); return -1; }
    sk_tensor *t = convert_obj(o, 0);
    if (!t) return -1;
    c->tmp[c->ntmp++] = t;
    *out = t;
    c->elems += sk_tensor_size(t);
    if (c->elems > HEAVY_ELEMENTS) c->heavy = 1;
    return 0;
}

static int conv_tlist(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *const **out, int32_t *n) {
    if (Tensor_Check(o) || Variable_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of tensors", fn, name);
        return -1;
    }
    PyObject *seq = PySequence_Fast(o, "expected a sequence of tensors");
    if (!seq) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    if (len > INT32_MAX / 2) { Py_DECREF(seq); PyErr_SetString(PyExc_ValueError, "too many tensors"); return -1; }
    /* the array doubles as the release list: conv_free releases the entries of c->lists */
    sk_tensor **arr = PyMem_Calloc((size_t)(len > 0 ? len : 1), sizeof(sk_tensor *));
    if (!arr) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    if (c->nlists >= 4) { PyMem_Free(arr); Py_DECREF(seq); PyErr_SetString(PyExc_ValueError, "too many list arguments"); return -1; }
    c->lists[c->nlists] = arr;
    c->nlist_items[c->nlists++] = len;
    for (Py_ssize_t i = 0; i < len; i++) {
        sk_tensor *t = convert_obj(PySequence_Fast_GET_ITEM(seq, i), 0);
        if (!t) { Py_DECREF(seq); return -1; }
        arr[i] = t;
        c->elems += sk_tensor_size(t);
    }
    Py_DECREF(seq);
    if (c->elems > HEAVY_ELEMENTS) c->heavy = 1;
    *out = (const sk_tensor *const *)arr;
    *n = (int32_t)len;
    return 0;
}

static int conv_f64(PyObject *o, const char *fn, const char *name, double *out) {
    if (Tensor_Check(o) || Variable_Check(o)) {
        PyObject *f = PyNumber_Float(o);
        if (!f) return -1;
        *out = PyFloat_AS_DOUBLE(f);
        Py_DECREF(f);
        return 0;
    }
    double d = PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a number, got %.100s", fn, name, Py_TYPE(o)->tp_name);
        return -1;
    }
    *out = d;
    return 0;
}

static int conv_i64(PyObject *o, const char *fn, const char *name, int64_t *out) {
    PyObject *i = PyNumber_Index(o);
    if (!i) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be an integer, got %.100s", fn, name, Py_TYPE(o)->tp_name);
        return -1;
    }
    long long v = PyLong_AsLongLong(i);
    Py_DECREF(i);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: argument '%s' is out of the int64 range", fn, name);
        return -1;
    }
    *out = v;
    return 0;
}

static int conv_bool(PyObject *o, const char *fn, const char *name, uint8_t *out) {
    (void)fn; (void)name;
    if (!o) { *out = 0; return 0; }
    int b = PyObject_IsTrue(o);
    if (b < 0) return -1;
    *out = (uint8_t)b;
    return 0;
}

/* A sequence of ints (or one int, or an int tensor) into an int64 array. */
static int read_ints(Conv *c, PyObject *o, const char *fn, const char *name, const int64_t **out, int32_t *n) {
    if (PyLong_Check(o) || (PyIndex_Check(o) && !Tensor_Check(o))) {
        int64_t *a = conv_alloc(c, sizeof(int64_t));
        if (!a || conv_i64(o, fn, name, a) < 0) return -1;
        *out = a; *n = 1;
        return 0;
    }
    if (Tensor_Check(o) || Variable_Check(o) || PyObject_CheckBuffer(o)) {
        sk_tensor *t = convert_obj(o, SK_INT64);
        if (!t) return -1;
        int32_t nd = sk_tensor_ndim(t);
        int64_t sz = sk_tensor_size(t);
        if (nd > 1) { sk_tensor_release(t); PyErr_Format(PyExc_ValueError, "%s: argument '%s' must be a 1-D list of integers", fn, name); return -1; }
        int64_t *a = conv_alloc(c, (size_t)sz * sizeof(int64_t));
        if (!a) { sk_tensor_release(t); return -1; }
        int32_t st = sk_tensor_copy_data(t, a, (size_t)sz * sizeof(int64_t));
        sk_tensor_release(t);
        if (st) { raise_status(st); return -1; }
        *out = a; *n = (int32_t)sz;
        return 0;
    }
    PyObject *seq = PySequence_Fast(o, "");
    if (!seq) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of integers, got %.100s", fn, name, Py_TYPE(o)->tp_name);
        return -1;
    }
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    int64_t *a = conv_alloc(c, (size_t)len * sizeof(int64_t));
    if (!a) { Py_DECREF(seq); return -1; }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
        if (it == Py_None) { a[i] = -1; continue; }   /* unknown dimension (shapes) */
        if (conv_i64(it, fn, name, &a[i]) < 0) { Py_DECREF(seq); return -1; }
    }
    Py_DECREF(seq);
    *out = a; *n = (int32_t)len;
    return 0;
}

static int conv_ints(Conv *c, PyObject *o, const char *fn, const char *name, int allow_none, const int64_t **out, int32_t *n) {
    if (!o || o == Py_None) {
        if (allow_none) { *out = NULL; *n = 0; return 0; }
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of integers, got None", fn, name);
        return -1;
    }
    if (read_ints(c, o, fn, name, out, n) < 0) return -1;
    if (!allow_none) {   /* shapes: a large product makes the op heavy */
        int64_t p = 1;
        for (int32_t i = 0; i < *n; i++) if ((*out)[i] > 0 && p < HEAVY_ELEMENTS * 4) p *= (*out)[i];
        if (p > HEAVY_ELEMENTS) c->heavy = 1;
    }
    return 0;
}

/* k entries (per = 2 for (before, after) pairs given nested or flat); an int repeats. */
static int conv_fixed(Conv *c, PyObject *o, const char *fn, const char *name, int k, int per, const int64_t **out) {
    if (!o || o == Py_None) { *out = NULL; return 0; }
    int64_t *a = conv_alloc(c, (size_t)k * sizeof(int64_t));
    if (!a) return -1;
    if (PyLong_Check(o)) {
        int64_t v;
        if (conv_i64(o, fn, name, &v) < 0) return -1;
        for (int i = 0; i < k; i++) a[i] = v;
        *out = a;
        return 0;
    }
    PyObject *seq = PySequence_Fast(o, "");
    if (!seq) { PyErr_Clear(); PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of integers", fn, name); return -1; }
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    int idx = 0, ok = 1;
    for (Py_ssize_t i = 0; i < len && ok; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
        if (per == 2 && (PyList_Check(it) || PyTuple_Check(it))) {
            PyObject *s2 = PySequence_Fast(it, "");
            if (!s2) { ok = 0; break; }
            if (PySequence_Fast_GET_SIZE(s2) != 2) { Py_DECREF(s2); idx = -1; break; }
            for (int j = 0; j < 2; j++) {
                if (idx >= k) { idx = -1; break; }
                if (conv_i64(PySequence_Fast_GET_ITEM(s2, j), fn, name, &a[idx++]) < 0) { ok = 0; break; }
            }
            Py_DECREF(s2);
            if (idx < 0) break;
        } else if (per == 2 && PyLong_Check(it) && len * 2 == k) {
            int64_t v;
            if (conv_i64(it, fn, name, &v) < 0) { ok = 0; break; }
            a[idx++] = v; a[idx++] = v;      /* symmetric padding per axis */
        } else {
            if (idx >= k) { idx = -1; break; }
            if (conv_i64(it, fn, name, &a[idx++]) < 0) { ok = 0; break; }
        }
    }
    Py_DECREF(seq);
    if (!ok) return -1;
    if (idx != k) {
        PyErr_Format(PyExc_ValueError, "%s: argument '%s' must have %d entries", fn, name, k);
        return -1;
    }
    *out = a;
    return 0;
}

static int conv_pairs_n(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *x, const int64_t **out) {
    int32_t nd = sk_tensor_ndim(x);
    if (nd < 0) nd = 0;
    if (!o || o == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' is required", fn, name);
        return -1;
    }
    return conv_fixed(c, o, fn, name, 2 * nd, 2, out);
}

enum { ENUM_PADDING, ENUM_DATA_FORMAT, ENUM_POOL_MODE, ENUM_INTERPOLATION };

static int conv_enum(PyObject *o, const char *fn, const char *name, int which, int32_t *out) {
    if (!o || o == Py_None) { *out = 0; return 0; }
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (!s) return -1;
        static const char *const names[4][3] = {{"valid", "same", "causal"}, {"channels_last", "channels_first", NULL},
                                                {"max", "avg", NULL}, {"nearest", "bilinear", NULL}};
        for (int i = 0; i < 3; i++) {
            if (names[which][i] && PyOS_stricmp(s, names[which][i]) == 0) { *out = i; return 0; }
        }
        if (which == ENUM_POOL_MODE && PyOS_stricmp(s, "average") == 0) { *out = 1; return 0; }
        PyErr_Format(PyExc_ValueError, "%s: unknown %s '%s'", fn, name, s);
        return -1;
    }
    int64_t v;
    if (conv_i64(o, fn, name, &v) < 0) return -1;
    if (v < INT32_MIN || v > INT32_MAX) { PyErr_Format(PyExc_ValueError, "%s: bad %s code", fn, name); return -1; }
    *out = (int32_t)v;
    return 0;
}

static int conv_dtype_arg(PyObject *o, const char *fn, const char *name, int optional, int32_t *out) {
    (void)fn; (void)name;
    int32_t c = dtype_code_of(o, optional);
    if (c < 0) return -1;
    *out = c;
    return 0;
}

static int conv_seed(PyObject *o, const char *fn, const char *name, uint64_t *seed, uint8_t *has) {
    if (!o || o == Py_None) { *seed = 0; *has = 0; return 0; }
    int64_t v;
    if (conv_i64(o, fn, name, &v) < 0) return -1;
    *seed = (uint64_t)v; *has = 1;
    return 0;
}

static int conv_function(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_function **out) {
    if (!o || o == Py_None) {
        if (optional) { *out = NULL; return 0; }
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be callable", fn, name);
        return -1;
    }
    if (Py_IS_TYPE(o, &FunctionType)) { *out = ((FunctionObject *)o)->f; return 0; }
    if (c->nfns >= 4) { PyErr_SetString(PyExc_ValueError, "too many function arguments"); return -1; }
    sk_function *f = make_function(o);
    if (!f) return -1;
    c->fns[c->nfns++] = f;
    *out = f;
    c->heavy = 1;    /* callbacks take the GIL themselves */
    return 0;
}

#include "ops_generated.inc"

/* ------------------------------------------------------------------------------------------
 * Tensor helpers
 * ---------------------------------------------------------------------------------------- */
static PyObject *numpy_module(void) {   /* borrowed-like: new ref or NULL with ImportError */
    return PyImport_ImportModule("numpy");
}

static PyObject *make_shape_obj(const int64_t *dims, int32_t nd) {
    PyObject *s = ShapeType.tp_alloc(&ShapeType, nd);
    if (!s) return NULL;
    for (int32_t i = 0; i < nd; i++) {
        PyObject *d = PyLong_FromLongLong(dims[i]);
        if (!d) { Py_DECREF(s); return NULL; }
        PyTuple_SET_ITEM(s, i, d);
    }
    return s;
}

static int handle_shape(const sk_tensor *h, int64_t *dims, int32_t *nd) {
    *nd = sk_tensor_ndim(h);
    if (*nd < 0 || *nd > 64) { PyErr_SetString(PyExc_ValueError, "invalid tensor"); return -1; }
    int32_t st = sk_tensor_shape(h, dims, 64);
    if (st) { raise_status(st); return -1; }
    return 0;
}

/* A new reference handle for self-like objects (Tensor or Variable). */
static sk_tensor *handle_of(PyObject *o) { return convert_obj(o, 0); }

static int is_float_dtype(int32_t d) { return d >= SK_FLOAT32 && d <= SK_BFLOAT16; }

/* A Python int/float/bool as a rank-0 tensor with the dtype the weak-scalar rule gives. */
static sk_tensor *weak_scalar(PyObject *s, int32_t other) {
    if (PyBool_Check(s)) return make_scalar(0, s == Py_True, 0, other);
    if (PyLong_Check(s)) {
        int of;
        long long v = PyLong_AsLongLongAndOverflow(s, &of);
        if (of) { PyErr_SetString(PyExc_ValueError, "integer out of int64 range"); return NULL; }
        int32_t d = other == SK_BOOL ? SK_INT32 : other;
        if (is_float_dtype(d)) return make_scalar(2, 0, (double)v, d);
        return make_scalar(1, v, 0, d);
    }
    double d = PyFloat_AsDouble(s);
    if (d == -1.0 && PyErr_Occurred()) return NULL;
    return make_scalar(2, 0, d, is_float_dtype(other) ? other : SK_FLOAT32);
}

static inline int is_py_number(PyObject *o) {
    return PyFloat_CheckExact(o) || PyLong_CheckExact(o) || PyBool_Check(o);
}

typedef int32_t (*binfn)(const sk_tensor *, const sk_tensor *, sk_tensor **);
typedef int32_t (*scalfn)(const sk_tensor *, double, sk_tensor **);

static PyObject *call_bin(binfn f, const sk_tensor *a, const sk_tensor *b, int64_t elems) {
    sk_tensor *out = NULL;
    int32_t st;
    if (elems > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = f(a, b, &out); Py_END_ALLOW_THREADS }
    else st = f(a, b, &out);
    return finish(st, out);
}

/* The scalar op applies when the scalar keeps the tensor's dtype under Python rules. */
static int scalar_fast(PyObject *s, int32_t dt, double *d) {
    if (dt == SK_BOOL) return 0;
    if (PyLong_CheckExact(s)) {
        int of;
        long long v = PyLong_AsLongLongAndOverflow(s, &of);
        if (of || v > (1LL << 53) || v < -(1LL << 53)) { PyErr_Clear(); return 0; }
        *d = (double)v;
        return 1;
    }
    if (PyFloat_CheckExact(s)) {
        *d = PyFloat_AS_DOUBLE(s);
        if (is_float_dtype(dt)) return 1;
        return 0;   /* int tensor with a Python float: promote through weak_scalar */
    }
    return 0;
}

/* t OP s (tensor_left) or s OP t for a tensor-like t and a Python number s: the scalar op `fs`
 * when the scalar keeps t's dtype, else the binary op with s as a weak scalar tensor. */
static PyObject *tensor_with_scalar(binfn f, scalfn fs, PyObject *t, PyObject *s, int tensor_left) {
    sk_tensor *ht = handle_of(t);
    if (!ht) return NULL;
    int32_t dt = sk_tensor_dtype(ht);
    int64_t n = sk_tensor_size(ht);
    double d;
    PyObject *res = NULL;
    if (fs && scalar_fast(s, dt, &d)) {
        sk_tensor *out = NULL; int32_t st;
        if (n > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = fs(ht, d, &out); Py_END_ALLOW_THREADS }
        else st = fs(ht, d, &out);
        res = finish(st, out);
    } else {
        sk_tensor *hs = weak_scalar(s, dt);
        if (hs) {
            res = tensor_left ? call_bin(f, ht, hs, n) : call_bin(f, hs, ht, n);
            sk_tensor_release(hs);
        }
    }
    sk_tensor_release(ht);
    return res;
}

/* a OP b for any operands (at least one is a Tensor/Variable). fs: tensor OP scalar;
 * fsr: scalar OP tensor expressed as a scalar op on the tensor (NULL if none). */
static PyObject *binop(PyObject *a, PyObject *b, binfn f, scalfn fs, scalfn fsr) {
    if (Py_IS_TYPE(a, &TensorType) && Py_IS_TYPE(b, &TensorType)) {
        TensorObject *ta = (TensorObject *)a, *tb = (TensorObject *)b;
        return call_bin(f, ta->h, tb->h, tensor_size(ta) + tensor_size(tb));
    }
    int a_t = Tensor_Check(a) || Variable_Check(a);
    int b_t = Tensor_Check(b) || Variable_Check(b);
    if (a_t && is_py_number(b)) return tensor_with_scalar(f, fs, a, b, 1);
    if (b_t && is_py_number(a)) return tensor_with_scalar(f, fsr, b, a, 0);
    sk_tensor *ha = convert_obj(a, 0);
    if (!ha) goto notimpl;
    sk_tensor *hb = convert_obj(b, 0);
    if (!hb) { sk_tensor_release(ha); goto notimpl; }
    PyObject *res = call_bin(f, ha, hb, sk_tensor_size(ha) + sk_tensor_size(hb));
    sk_tensor_release(ha);
    sk_tensor_release(hb);
    return res;
notimpl:
    if (PyErr_ExceptionMatches(PyExc_TypeError)) { PyErr_Clear(); Py_RETURN_NOTIMPLEMENTED; }
    return NULL;
}

static PyObject *nb_add(PyObject *a, PyObject *b) { return binop(a, b, sk_add, sk_add_scalar, sk_add_scalar); }
static PyObject *nb_sub(PyObject *a, PyObject *b) { return binop(a, b, sk_subtract, sk_subtract_scalar, NULL); }
static PyObject *nb_mul(PyObject *a, PyObject *b) { return binop(a, b, sk_multiply, sk_multiply_scalar, sk_multiply_scalar); }
static PyObject *nb_truediv(PyObject *a, PyObject *b) { return binop(a, b, sk_divide, sk_divide_scalar, NULL); }
static PyObject *nb_floordiv(PyObject *a, PyObject *b) { return binop(a, b, sk_floor_divide, NULL, NULL); }
static PyObject *nb_mod(PyObject *a, PyObject *b) { return binop(a, b, sk_mod, NULL, NULL); }
static PyObject *nb_matmul(PyObject *a, PyObject *b) { return binop(a, b, sk_matmul, NULL, NULL); }
static PyObject *nb_pow(PyObject *a, PyObject *b, PyObject *m) {
    if (m != Py_None) { PyErr_SetString(PyExc_TypeError, "pow() with a modulus is not supported for tensors"); return NULL; }
    return binop(a, b, sk_pow, sk_pow_scalar, NULL);
}

static int both_bool(PyObject *a, PyObject *b) {
    sk_tensor *ha = convert_obj(a, 0);
    if (!ha) return -1;
    sk_tensor *hb = convert_obj(b, 0);
    if (!hb) { sk_tensor_release(ha); return -1; }
    int r = sk_tensor_dtype(ha) == SK_BOOL && sk_tensor_dtype(hb) == SK_BOOL;
    sk_tensor_release(ha); sk_tensor_release(hb);
    if (!r) PyErr_SetString(PyExc_TypeError, "&, |, ^ and ~ are only supported for bool tensors (bitwise integer ops are not)");
    return r ? 0 : -1;
}
static PyObject *nb_and(PyObject *a, PyObject *b) {
    if (both_bool(a, b) < 0) return NULL;
    return binop(a, b, sk_logical_and, NULL, NULL);
}
static PyObject *nb_or(PyObject *a, PyObject *b) {
    if (both_bool(a, b) < 0) return NULL;
    return binop(a, b, sk_logical_or, NULL, NULL);
}
static PyObject *nb_xor(PyObject *a, PyObject *b) {
    if (both_bool(a, b) < 0) return NULL;
    return binop(a, b, sk_not_equal, NULL, NULL);
}

typedef int32_t (*unfn)(const sk_tensor *, sk_tensor **);
static PyObject *unop(PyObject *a, unfn f) {
    sk_tensor *h = handle_of(a);
    if (!h) return NULL;
    sk_tensor *out = NULL;
    int32_t st;
    if (sk_tensor_size(h) > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = f(h, &out); Py_END_ALLOW_THREADS }
    else st = f(h, &out);
    sk_tensor_release(h);
    return finish(st, out);
}
static PyObject *nb_neg(PyObject *a) { return unop(a, sk_negative); }
static PyObject *nb_abs(PyObject *a) { return unop(a, sk_abs); }
static PyObject *nb_pos(PyObject *a) {
    if (Tensor_Check(a)) { Py_INCREF(a); return a; }
    sk_tensor *h = handle_of(a);
    return h ? wrap_tensor(h) : NULL;
}
static PyObject *nb_invert(PyObject *a) {
    sk_tensor *h = handle_of(a);
    if (!h) return NULL;
    int isb = sk_tensor_dtype(h) == SK_BOOL;
    sk_tensor_release(h);
    if (!isb) { PyErr_SetString(PyExc_TypeError, "~ is only supported for bool tensors"); return NULL; }
    return unop(a, sk_logical_not);
}

/* The single element as a double or int64. */
static int read_single(PyObject *self, double *d, int64_t *iv, int32_t *dt) {
    sk_tensor *h = handle_of(self);
    if (!h) return -1;
    int64_t n = sk_tensor_size(h);
    if (n != 1) {
        sk_tensor_release(h);
        PyErr_Format(PyExc_ValueError, "only a tensor with one element can be converted to a Python scalar "
                     "(this one has %lld; the truth value of a tensor with more than one element is ambiguous)", (long long)n);
        return -1;
    }
    *dt = sk_tensor_dtype(h);
    int32_t st = 0;
    sk_tensor *c = NULL;
    if (*dt == SK_INT32 || *dt == SK_INT64 || *dt == SK_UINT8 || *dt == SK_BOOL) {
        st = sk_tensor_cast(h, SK_INT64, &c);
        if (!st) st = sk_tensor_copy_data(c, iv, 8);
        *d = (double)*iv;
    } else {
        st = sk_tensor_cast(h, SK_FLOAT64, &c);
        if (!st) st = sk_tensor_copy_data(c, d, 8);
        *iv = 0;
    }
    sk_tensor_release(c);
    sk_tensor_release(h);
    if (st) { raise_status(st); return -1; }
    return 0;
}

static PyObject *nb_float(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return NULL;
    return PyFloat_FromDouble(is_float_dtype(dt) ? d : (double)i);
}
static PyObject *nb_int(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return NULL;
    if (is_float_dtype(dt)) {
        PyObject *f = PyFloat_FromDouble(d);
        if (!f) return NULL;
        PyObject *r = PyNumber_Long(f);
        Py_DECREF(f);
        return r;
    }
    return PyLong_FromLongLong(i);
}
static PyObject *nb_index(PyObject *self) {
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t dt = sk_tensor_dtype(h);
    int32_t nd = sk_tensor_ndim(h);
    sk_tensor_release(h);
    if (is_float_dtype(dt) || dt == SK_BOOL || nd != 0) {
        PyErr_SetString(PyExc_TypeError, "only integer scalar tensors can be converted to an index");
        return NULL;
    }
    return nb_int(self);
}
static int nb_bool(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return -1;
    return is_float_dtype(dt) ? d != 0.0 : i != 0;
}

static PyNumberMethods tensor_as_number = {
    .nb_add = nb_add, .nb_subtract = nb_sub, .nb_multiply = nb_mul, .nb_remainder = nb_mod,
    .nb_power = nb_pow, .nb_negative = nb_neg, .nb_positive = nb_pos, .nb_absolute = nb_abs,
    .nb_bool = nb_bool, .nb_invert = nb_invert, .nb_and = nb_and, .nb_xor = nb_xor, .nb_or = nb_or,
    .nb_int = nb_int, .nb_float = nb_float, .nb_floor_divide = nb_floordiv,
    .nb_true_divide = nb_truediv, .nb_index = nb_index, .nb_matrix_multiply = nb_matmul,
};

/* Variables are not indexes (their value changes) */
static PyNumberMethods variable_as_number = {
    .nb_add = nb_add, .nb_subtract = nb_sub, .nb_multiply = nb_mul, .nb_remainder = nb_mod,
    .nb_power = nb_pow, .nb_negative = nb_neg, .nb_positive = nb_pos, .nb_absolute = nb_abs,
    .nb_bool = nb_bool, .nb_invert = nb_invert, .nb_and = nb_and, .nb_xor = nb_xor, .nb_or = nb_or,
    .nb_int = nb_int, .nb_float = nb_float, .nb_floor_divide = nb_floordiv,
    .nb_true_divide = nb_truediv, .nb_matrix_multiply = nb_matmul,
};

static PyObject *richcompare(PyObject *self, PyObject *other, int op) {
    switch (op) {
        case Py_LT: return binop(self, other, sk_less, sk_less_scalar, NULL);
        case Py_LE: return binop(self, other, sk_less_equal, NULL, NULL);
        case Py_GT: return binop(self, other, sk_greater, sk_greater_scalar, NULL);
        case Py_GE: return binop(self, other, sk_greater_equal, NULL, NULL);
        case Py_EQ:
        case Py_NE: {
            if (other == Py_None) { if (op == Py_EQ) Py_RETURN_FALSE; Py_RETURN_TRUE; }
            PyObject *r = op == Py_EQ ? binop(self, other, sk_equal, sk_equal_scalar, sk_equal_scalar)
                                      : binop(self, other, sk_not_equal, NULL, NULL);
            if (!r && (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_TypeError))) {
                /* shapes that do not broadcast, unconvertible objects: not equal */
                PyErr_Clear();
                Py_RETURN_NOTIMPLEMENTED;
            }
            return r;
        }
    }
    Py_RETURN_NOTIMPLEMENTED;
}

static Py_hash_t unhashable(PyObject *self) {
    PyErr_Format(PyExc_TypeError, "%s is unhashable. Instead, use tensor.ref() as the key.", Py_TYPE(self)->tp_name);
    return -1;
}

/* ------------------------------------------------------------------------------------------
 * Indexing: basic indices through one sk_strided_slice (+ reshape for ints / None), one
 * advanced index (integer array or boolean mask) through sk_gather.
 * ---------------------------------------------------------------------------------------- */
enum { IX_SLICE, IX_INT, IX_NEW, IX_ELL, IX_ADV };
typedef struct { int kind; PyObject *obj; int64_t i; sk_tensor *adv; int advnd; int isbool; } IxEntry;

static sk_tensor *reshape_h(const sk_tensor *x, const int64_t *dims, int32_t nd) {
    sk_tensor *out = NULL;
    int32_t st = sk_reshape(x, dims, nd, &out);
    if (st) { raise_status(st); return NULL; }
    return out;
}

static int64_t *int64_data(const sk_tensor *t, int64_t *n) {
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(t, SK_INT64, &c);
    if (st) { raise_status(st); return NULL; }
    *n = sk_tensor_size(c);
    int64_t *a = PyMem_Malloc((size_t)(*n > 0 ? *n : 1) * 8);
    if (!a) { sk_tensor_release(c); PyErr_NoMemory(); return NULL; }
    st = sk_tensor_copy_data(c, a, (size_t)*n * 8);
    sk_tensor_release(c);
    if (st) { PyMem_Free(a); raise_status(st); return NULL; }
    return a;
}

static PyObject *index_tensor(sk_tensor *x, PyObject *key) {
    int64_t dims[64];
    int32_t rank;
    if (handle_shape(x, dims, &rank) < 0) return NULL;
    PyObject *tuple = PyTuple_Check(key) ? (Py_INCREF(key), key) : PyTuple_Pack(1, key);
    if (!tuple) return NULL;
    Py_ssize_t ne = PyTuple_GET_SIZE(tuple);
    PyObject *res = NULL;
    IxEntry *e = PyMem_Calloc((size_t)(ne > 0 ? ne : 1), sizeof(IxEntry));
    sk_tensor *y = NULL;
    int64_t *idx = NULL;
    if (!e) { PyErr_NoMemory(); goto done; }
    int n_ell = 0, consumed = 0, n_adv = 0;
    for (Py_ssize_t k = 0; k < ne; k++) {
        PyObject *it = PyTuple_GET_ITEM(tuple, k);
        e[k].obj = it;
        if (it == Py_None) e[k].kind = IX_NEW;
        else if (it == Py_Ellipsis) { e[k].kind = IX_ELL; n_ell++; }
        else if (PySlice_Check(it)) { e[k].kind = IX_SLICE; consumed++; }
        else if (PyLong_Check(it) && !PyBool_Check(it)) {
            e[k].kind = IX_INT; consumed++;
            e[k].i = PyLong_AsLongLong(it);
            if (e[k].i == -1 && PyErr_Occurred()) { PyErr_Clear(); PyErr_SetString(PyExc_IndexError, "index out of range"); goto done; }
        } else if (PyBool_Check(it) || PyFloat_Check(it) || PyUnicode_Check(it) || PyBytes_Check(it) || PyDict_Check(it)) {
            PyErr_Format(PyExc_IndexError, "only integers, slices (`:`), ellipsis (`...`), None and integer or "
                         "boolean tensors are valid indices (got %.50s)", Py_TYPE(it)->tp_name);
            goto done;
        } else if (!Tensor_Check(it) && !PyObject_CheckBuffer(it) && !PyList_Check(it) && !PyTuple_Check(it) && PyIndex_Check(it)) {
            PyObject *iv = PyNumber_Index(it);
            if (!iv) goto done;
            e[k].kind = IX_INT; consumed++;
            e[k].i = PyLong_AsLongLong(iv);
            Py_DECREF(iv);
            if (e[k].i == -1 && PyErr_Occurred()) { PyErr_Clear(); PyErr_SetString(PyExc_IndexError, "index out of range"); goto done; }
        } else {
            sk_tensor *t = convert_obj(it, 0);
            if (!t) {
                if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                    PyErr_Clear();
                    PyErr_Format(PyExc_IndexError, "invalid index of type %.50s", Py_TYPE(it)->tp_name);
                }
                goto done;
            }
            int32_t dt = sk_tensor_dtype(t), nd = sk_tensor_ndim(t);
            if (is_float_dtype(dt)) {
                sk_tensor_release(t);
                PyErr_SetString(PyExc_IndexError, "only integers, slices (`:`), ellipsis (`...`), None and integer or "
                                "boolean tensors are valid indices (got a float tensor)");
                goto done;
            }
            if (dt != SK_BOOL && nd == 0) {
                int64_t n1; int64_t *v = int64_data(t, &n1);
                sk_tensor_release(t);
                if (!v) goto done;
                e[k].kind = IX_INT; e[k].i = v[0]; consumed++;
                PyMem_Free(v);
                continue;
            }
            e[k].kind = IX_ADV; e[k].adv = t; e[k].isbool = dt == SK_BOOL;
            e[k].advnd = e[k].isbool ? nd : 1;
            consumed += e[k].advnd;
            n_adv++;
        }
    }
    if (n_ell > 1) { PyErr_SetString(PyExc_IndexError, "an index can only have a single ellipsis ('...')"); goto done; }
    if (consumed > rank) {
        PyErr_Format(PyExc_IndexError, "too many indices for tensor: tensor is %d-dimensional, but %d were indexed", (int)rank, consumed);
        goto done;
    }
    if (n_adv > 1) { PyErr_SetString(PyExc_NotImplementedError, "indexing with more than one integer/boolean tensor is not supported"); goto done; }
    {
        int64_t begin[64], end[64], strides[64];
        uint64_t bmask = 0, emask = 0;
        int trivial = 1, ax = 0;
        int n_ellipsis_axes = rank - consumed;
        for (Py_ssize_t k = 0; k < ne; k++) {
            int full = 0;
            switch (e[k].kind) {
                case IX_NEW: break;
                case IX_ELL: full = n_ellipsis_axes; break;
                case IX_ADV: full = e[k].advnd; break;
                case IX_INT: {
                    int64_t d = dims[ax], i = e[k].i;
                    if (i < -d || i >= d) {
                        PyErr_Format(PyExc_IndexError, "index %lld is out of bounds for axis %d with size %lld",
                                     (long long)i, ax, (long long)d);
                        goto done;
                    }
                    if (i < 0) i += d;
                    begin[ax] = i; end[ax] = i + 1; strides[ax] = 1; ax++;
                    trivial = 0;
                    break;
                }
                case IX_SLICE: {
                    PySliceObject *s = (PySliceObject *)e[k].obj;
                    int64_t step = 1;
                    if (s->step != Py_None) {
                        PyObject *iv = PyNumber_Index(s->step);
                        if (!iv) goto done;
                        step = PyLong_AsLongLong(iv); Py_DECREF(iv);
                        if (step == -1 && PyErr_Occurred()) goto done;
                        if (step == 0) { PyErr_SetString(PyExc_ValueError, "slice step cannot be zero"); goto done; }
                    }
                    strides[ax] = step;
                    if (s->start == Py_None) { bmask |= 1ULL << ax; begin[ax] = 0; }
                    else {
                        PyObject *iv = PyNumber_Index(s->start);
                        if (!iv) goto done;
                        int of; begin[ax] = PyLong_AsLongLongAndOverflow(iv, &of); Py_DECREF(iv);
                        if (of) begin[ax] = of > 0 ? INT64_MAX / 2 : INT64_MIN / 2;
                        trivial = 0;
                    }
                    if (s->stop == Py_None) { emask |= 1ULL << ax; end[ax] = 0; }
                    else {
                        PyObject *iv = PyNumber_Index(s->stop);
                        if (!iv) goto done;
                        int of; end[ax] = PyLong_AsLongLongAndOverflow(iv, &of); Py_DECREF(iv);
                        if (of) end[ax] = of > 0 ? INT64_MAX / 2 : INT64_MIN / 2;
                        trivial = 0;
                    }
                    if (step != 1) trivial = 0;
                    ax++;
                    break;
                }
            }
            for (int f = 0; f < full; f++) { begin[ax] = end[ax] = 0; strides[ax] = 1; bmask |= 1ULL << ax; emask |= 1ULL << ax; ax++; }
        }
        if (trivial) y = sk_tensor_retain(x);
        else {
            int32_t st = sk_strided_slice(x, begin, end, strides, ax, bmask, emask, &y);
            if (st) { raise_status(st); goto done; }
        }
        int64_t ydims[64], fdims[128];
        int32_t ynd;
        if (handle_shape(y, ydims, &ynd) < 0) goto done;
        int fn = 0, yax = 0, advpos = -1, advk = -1;
        for (Py_ssize_t k = 0; k < ne; k++) {
            switch (e[k].kind) {
                case IX_NEW: fdims[fn++] = 1; break;
                case IX_INT: yax++; break;
                case IX_SLICE: fdims[fn++] = ydims[yax++]; break;
                case IX_ELL: for (int f = 0; f < n_ellipsis_axes; f++) fdims[fn++] = ydims[yax++]; break;
                case IX_ADV: advpos = fn; advk = (int)k; for (int f = 0; f < e[k].advnd; f++) fdims[fn++] = ydims[yax++]; break;
            }
        }
        while (yax < ynd) fdims[fn++] = ydims[yax++];
        if (fn > 64) { PyErr_SetString(PyExc_IndexError, "too many dimensions"); goto done; }
        int same = fn == ynd;
        for (int i = 0; same && i < fn; i++) same = fdims[i] == ydims[i];
        if (!same) {
            sk_tensor *r = reshape_h(y, fdims, fn);
            sk_tensor_release(y);
            y = r;
            if (!y) goto done;
        }
        if (advk >= 0) {
            IxEntry *a = &e[advk];
            int64_t n;
            idx = int64_data(a->adv, &n);
            if (!idx) goto done;
            sk_tensor *ind = NULL, *src = sk_tensor_retain(y);
            int32_t st;
            if (a->isbool) {
                int64_t mdims[64]; int32_t mnd;
                if (handle_shape(a->adv, mdims, &mnd) < 0) { sk_tensor_release(src); goto done; }
                int64_t cnt = 1;
                for (int i = 0; i < mnd; i++) {
                    if (mdims[i] != fdims[advpos + i]) {
                        sk_tensor_release(src);
                        PyErr_Format(PyExc_IndexError, "boolean index did not match the indexed tensor along axis %d: "
                                     "size %lld vs %lld", advpos + i, (long long)mdims[i], (long long)fdims[advpos + i]);
                        goto done;
                    }
                    cnt *= mdims[i];
                }
                /* merge the masked axes into one, then gather the true positions */
                int64_t m2[64]; int m2n = 0;
                for (int i = 0; i < advpos; i++) m2[m2n++] = fdims[i];
                m2[m2n++] = cnt;
                for (int i = advpos + mnd; i < fn; i++) m2[m2n++] = fdims[i];
                sk_tensor *r = reshape_h(src, m2, m2n);
                sk_tensor_release(src);
                if (!r) goto done;
                src = r;
                int64_t k2 = 0;
                for (int64_t i = 0; i < n; i++) if (idx[i]) idx[k2++] = i;
                int64_t shp = k2;
                st = sk_tensor_from_data(idx, SK_INT64, &shp, 1, &ind);
            } else {
                int64_t d = fdims[advpos];
                for (int64_t i = 0; i < n; i++) {
                    if (idx[i] < -d || idx[i] >= d) {
                        sk_tensor_release(src);
                        PyErr_Format(PyExc_IndexError, "index %lld is out of bounds for axis %d with size %lld",
                                     (long long)idx[i], advpos, (long long)d);
                        goto done;
                    }
                    if (idx[i] < 0) idx[i] += d;
                }
                int64_t idims[64]; int32_t ind_nd;
                if (handle_shape(a->adv, idims, &ind_nd) < 0) { sk_tensor_release(src); goto done; }
                st = sk_tensor_from_data(idx, SK_INT64, idims, ind_nd, &ind);
            }
            if (st) { sk_tensor_release(src); raise_status(st); goto done; }
            sk_tensor *g = NULL;
            st = sk_gather(src, ind, advpos, &g);
            sk_tensor_release(src);
            sk_tensor_release(ind);
            if (st) { raise_status(st); goto done; }
            sk_tensor_release(y);
            y = g;
        }
        res = wrap_tensor(y);
        y = NULL;
    }
done:
    PyMem_Free(idx);
    if (e) for (Py_ssize_t k = 0; k < ne; k++) sk_tensor_release(e[k].adv);
    PyMem_Free(e);
    sk_tensor_release(y);
    Py_DECREF(tuple);
    return res;
}

static PyObject *mp_subscript(PyObject *self, PyObject *key) {
    if (Py_IS_TYPE(self, &TensorType)) return index_tensor(((TensorObject *)self)->h, key);
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    PyObject *r = index_tensor(h, key);
    sk_tensor_release(h);
    return r;
}

static Py_ssize_t mp_length(PyObject *self) {
    sk_tensor *h = handle_of(self);
    if (!h) return -1;
    int64_t dims[64]; int32_t nd;
    int r = handle_shape(h, dims, &nd);
    sk_tensor_release(h);
    if (r < 0) return -1;
    if (nd == 0) { PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor (scalar)"); return -1; }
    return (Py_ssize_t)dims[0];
}

static PyObject *sq_item(PyObject *self, Py_ssize_t i) {
    Py_ssize_t n = mp_length(self);
    if (n < 0) return NULL;
    if (i >= n) { PyErr_SetString(PyExc_IndexError, "tensor index out of range"); return NULL; }
    PyObject *k = PyLong_FromSsize_t(i);
    if (!k) return NULL;
    PyObject *r = mp_subscript(self, k);
    Py_DECREF(k);
    return r;
}

static PyMappingMethods tensor_as_mapping = { .mp_length = mp_length, .mp_subscript = mp_subscript };
static PySequenceMethods tensor_as_sequence = { .sq_length = mp_length, .sq_item = sq_item };

/* ------------------------------------------------------------------------------------------
 * Buffer protocol (read-only, zero-copy), numpy / dlpack interop
 * ---------------------------------------------------------------------------------------- */
static char empty_data[16];

static const char *dtype_format(int32_t dt) {
    switch (dt) {
        case SK_FLOAT32: return "f"; case SK_FLOAT64: return "d"; case SK_FLOAT16: return "e";
        case SK_INT32: return "i"; case SK_INT64: return "q"; case SK_UINT8: return "B"; case SK_BOOL: return "?";
        default: return NULL;
    }
}

static int tensor_getbuffer(TensorObject *self, Py_buffer *view, int flags) {
    if (flags & PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "tensors are immutable: only read-only buffers are exported");
        view->obj = NULL;
        return -1;
    }
    int32_t dt = sk_tensor_dtype(self->h);
    const char *fmt = dtype_format(dt);
    if (!fmt) {
        PyErr_SetString(PyExc_BufferError, "bfloat16 has no buffer format (use .numpy(), which gives float32)");
        view->obj = NULL;
        return -1;
    }
    int64_t dims[64]; int32_t nd;
    if (handle_shape(self->h, dims, &nd) < 0) { view->obj = NULL; return -1; }
    Py_ssize_t *arr = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * nd + 1));
    if (!arr) { PyErr_NoMemory(); view->obj = NULL; return -1; }
    Py_ssize_t isz = dtype_sizes[dt], stride = isz, len = isz;
    for (int i = nd - 1; i >= 0; i--) { arr[i] = (Py_ssize_t)dims[i]; arr[nd + i] = stride; stride *= arr[i]; }
    for (int i = 0; i < nd; i++) len *= arr[i];
    const void *p = sk_tensor_data(self->h);
    view->buf = p ? (void *)p : (void *)empty_data;
    view->obj = (PyObject *)self; Py_INCREF(self);
    view->len = len;
    view->readonly = 1;
    view->itemsize = isz;
    view->format = (flags & PyBUF_FORMAT) ? (char *)fmt : NULL;
    view->ndim = nd;
    view->shape = (flags & PyBUF_ND) ? arr : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? arr + nd : NULL;
    view->suboffsets = NULL;
    view->internal = arr;
    return 0;
}

static void tensor_releasebuffer(TensorObject *self, Py_buffer *view) {
    (void)self;
    PyMem_Free(view->internal);
}

static PyBufferProcs tensor_as_buffer = {
    (getbufferproc)tensor_getbuffer, (releasebufferproc)tensor_releasebuffer
};

/* A numpy array viewing (copy=0) or copying (copy=1) the tensor's memory. */
static PyObject *to_numpy(sk_tensor *h, PyObject *owner, int copy) {
    PyObject *np = numpy_module();
    if (!np) return NULL;
    PyObject *res = NULL;
    sk_tensor *c = NULL;
    PyObject *holder = NULL;
    if (sk_tensor_dtype(h) == SK_BFLOAT16) {
        int32_t st = sk_tensor_cast(h, SK_FLOAT32, &c);
        if (st) { Py_DECREF(np); return raise_status(st); }
        holder = wrap_tensor(c);
    } else if (owner && Tensor_Check(owner)) {
        holder = owner; Py_INCREF(holder);
    } else {
        holder = wrap_tensor(sk_tensor_retain(h));
    }
    if (!holder) { Py_DECREF(np); return NULL; }
    PyObject *mv = PyMemoryView_FromObject(holder);
    Py_DECREF(holder);
    if (mv) {
        res = PyObject_CallMethod(np, copy ? "array" : "asarray", "O", mv);
        Py_DECREF(mv);
    }
    Py_DECREF(np);
    return res;
}

static PyObject *t_tolist(PyObject *self, PyObject *unused);

static PyObject *t_numpy(PyObject *self, PyObject *unused) {
    (void)unused;
    /* Without numpy, .numpy() degrades to .tolist() (a Python scalar for rank 0), so K.eval and
     * printing keep working; the package does not require numpy. */
    PyObject *np = numpy_module();
    if (!np) {
        if (!PyErr_ExceptionMatches(PyExc_ImportError)) return NULL;
        PyErr_Clear();
        return t_tolist(self, NULL);
    }
    Py_DECREF(np);
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    PyObject *a = to_numpy(h, self, 1);
    int32_t nd = sk_tensor_ndim(h);
    sk_tensor_release(h);
    if (a && nd == 0) {  /* a numpy scalar, as TensorFlow returns */
        PyObject *e = PyTuple_New(0);
        PyObject *s = e ? PyObject_GetItem(a, e) : NULL;
        Py_XDECREF(e);
        Py_DECREF(a);
        return s;
    }
    return a;
}

static PyObject *t_array(PyObject *self, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"dtype", "copy", NULL};
    PyObject *dtype = Py_None, *copy = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO", kwl, &dtype, &copy)) return NULL;
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    /* variables copy: their value may change */
    int docopy = copy == Py_True || !Tensor_Check(self);
    PyObject *a = to_numpy(h, self, docopy);
    sk_tensor_release(h);
    if (a && dtype != Py_None) {
        PyObject *b = PyObject_CallMethod(a, "astype", "O", dtype);
        Py_DECREF(a);
        a = b;
    }
    return a;
}

/* DLPack (legacy unversioned capsule "dltensor") */
typedef struct { int32_t device_type, device_id; } DLDevice;
typedef struct { uint8_t code, bits; uint16_t lanes; } DLDataType;
typedef struct {
    void *data; DLDevice device; int32_t ndim; DLDataType dtype;
    int64_t *shape; int64_t *strides; uint64_t byte_offset;
} DLTensor;
typedef struct DLManagedTensor {
    DLTensor dl_tensor; void *manager_ctx; void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;
typedef struct { DLManagedTensor m; sk_tensor *h; int64_t shape[64]; int64_t strides[64]; } DLHolder;

static void dl_deleter(DLManagedTensor *m) {
    DLHolder *d = (DLHolder *)m;
    sk_tensor_release(d->h);
    free(d);
}

static void dl_capsule_destructor(PyObject *cap) {
    if (PyCapsule_IsValid(cap, "dltensor")) {
        DLManagedTensor *m = PyCapsule_GetPointer(cap, "dltensor");
        if (m && m->deleter) m->deleter(m);
    }
}

static PyObject *t_dlpack(PyObject *self, PyObject *args, PyObject *kw) {
    (void)args; (void)kw;
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t dt = sk_tensor_dtype(h);
    DLHolder *d = calloc(1, sizeof(DLHolder));
    if (!d) { sk_tensor_release(h); return PyErr_NoMemory(); }
    int32_t nd;
    if (handle_shape(h, d->shape, &nd) < 0) { sk_tensor_release(h); free(d); return NULL; }
    int64_t s = 1;
    for (int i = nd - 1; i >= 0; i--) { d->strides[i] = s; s *= d->shape[i]; }
    static const uint8_t codes[9] = {0, 2, 2, 2, 4, 0, 0, 1, 6};  /* kDLFloat 2, kDLInt 0, kDLUInt 1, kDLBfloat 4, kDLBool 6 */
    d->h = h;
    d->m.dl_tensor.data = (void *)(sk_tensor_data(h) ? sk_tensor_data(h) : empty_data);
    d->m.dl_tensor.device.device_type = 1;   /* kDLCPU */
    d->m.dl_tensor.ndim = nd;
    d->m.dl_tensor.dtype.code = codes[dt];
    d->m.dl_tensor.dtype.bits = (uint8_t)(dtype_sizes[dt] * 8);
    d->m.dl_tensor.dtype.lanes = 1;
    d->m.dl_tensor.shape = d->shape;
    d->m.dl_tensor.strides = d->strides;
    d->m.manager_ctx = d;
    d->m.deleter = dl_deleter;
    PyObject *cap = PyCapsule_New(&d->m, "dltensor", dl_capsule_destructor);
    if (!cap) dl_deleter(&d->m);
    return cap;
}

static PyObject *t_dlpack_device(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    return Py_BuildValue("(ii)", 1, 0);
}

/* ------------------------------------------------------------------------------------------
 * Tensor attributes, repr
 * ---------------------------------------------------------------------------------------- */
static PyObject *t_get_shape(PyObject *self, void *c) {
    (void)c;
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int64_t dims[64]; int32_t nd;
    int r = handle_shape(h, dims, &nd);
    sk_tensor_release(h);
    return r < 0 ? NULL : make_shape_obj(dims, nd);
}
static PyObject *t_get_dtype(PyObject *self, void *c) {
    (void)c;
    int32_t dt;
    if (Py_IS_TYPE(self, &TensorType)) dt = sk_tensor_dtype(((TensorObject *)self)->h);
    else if (Variable_Check(self)) dt = sk_variable_dtype(((VariableObject *)self)->v);
    else dt = 0;
    if (dt < 1 || dt > 8) { PyErr_SetString(PyExc_ValueError, "invalid handle"); return NULL; }
    Py_INCREF(dtype_objs[dt]);
    return dtype_objs[dt];
}
static PyObject *t_get_ndim(PyObject *self, void *c) {
    (void)c;
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t nd = sk_tensor_ndim(h);
    sk_tensor_release(h);
    return PyLong_FromLong(nd);
}
static PyObject *t_get_size(PyObject *self, void *c) {
    (void)c;
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int64_t n = sk_tensor_size(h);
    sk_tensor_release(h);
    return PyLong_FromLongLong(n);
}
static PyObject *t_get_device(PyObject *self, void *c) {
    (void)self; (void)c;
    return PyUnicode_FromString("/job:localhost/replica:0/task:0/device:CPU:0");
}
static PyObject *t_get_address(PyObject *self, void *c) {
    (void)c;
    const void *p = sk_tensor_data(((TensorObject *)self)->h);
    return PyLong_FromVoidPtr((void *)p);
}

static PyObject *shape_text(const sk_tensor *h) {
    int64_t dims[64]; int32_t nd;
    if (handle_shape(h, dims, &nd) < 0) return NULL;
    PyObject *s = make_shape_obj(dims, nd);
    if (!s) return NULL;
    PyObject *r = PyTuple_Type.tp_repr(s);
    Py_DECREF(s);
    return r;
}

static PyObject *core_text(const sk_tensor *h) {
    size_t need = 0;
    int32_t st = sk_tensor_to_string(h, NULL, 0, &need);
    if (st) return raise_status(st);
    char *buf = PyMem_Malloc(need + 1);
    if (!buf) return PyErr_NoMemory();
    st = sk_tensor_to_string(h, buf, need + 1, &need);
    PyObject *r = st ? raise_status(st) : PyUnicode_FromString(buf);
    PyMem_Free(buf);
    return r;
}

/* numpy's repr of the values (or the core's text without numpy) */
static PyObject *values_text(const sk_tensor *h, PyObject *owner, int is_repr) {
    if (sk_tensor_ndim(h) == 0 || !is_repr) return core_text(h);
    PyObject *a = to_numpy((sk_tensor *)h, owner, 0);
    if (!a) { PyErr_Clear(); return core_text(h); }
    PyObject *r = PyObject_Repr(a);
    Py_DECREF(a);
    return r;
}

static PyObject *t_repr(PyObject *self) {
    TensorObject *t = (TensorObject *)self;
    PyObject *shape = shape_text(t->h);
    if (!shape) return NULL;
    PyObject *vals = values_text(t->h, self, 1);
    if (!vals) { Py_DECREF(shape); return NULL; }
    int32_t dt = sk_tensor_dtype(t->h);
    PyObject *r = PyUnicode_FromFormat("<tf.Tensor: shape=%U, dtype=%s, numpy=%U>", shape, dtype_names[dt], vals);
    Py_DECREF(shape); Py_DECREF(vals);
    return r;
}

static PyObject *t_str(PyObject *self) {
    TensorObject *t = (TensorObject *)self;
    PyObject *shape = shape_text(t->h);
    if (!shape) return NULL;
    PyObject *vals = core_text(t->h);
    if (!vals) { Py_DECREF(shape); return NULL; }
    int32_t dt = sk_tensor_dtype(t->h);
    PyObject *r = PyUnicode_FromFormat("tf.Tensor(%U, shape=%U, dtype=%s)", vals, shape, dtype_names[dt]);
    Py_DECREF(shape); Py_DECREF(vals);
    return r;
}

static PyObject *t_format(PyObject *self, PyObject *spec) {
    if (!PyUnicode_Check(spec) || PyUnicode_GET_LENGTH(spec) == 0) return PyObject_Str(self);
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t nd = sk_tensor_ndim(h);
    int32_t dt = sk_tensor_dtype(h);
    sk_tensor_release(h);
    if (nd == 0) {
        PyObject *v = is_float_dtype(dt) ? nb_float(self) : dt == SK_BOOL ? PyBool_FromLong(nb_bool(self)) : nb_int(self);
        if (!v) return NULL;
        PyObject *r = PyObject_Format(v, spec);
        Py_DECREF(v);
        return r;
    }
    PyObject *a = t_numpy(self, NULL);
    if (!a) return NULL;
    PyObject *r = PyObject_Format(a, spec);
    Py_DECREF(a);
    return r;
}

static PyObject *t_ref(PyObject *self, PyObject *unused);

static PyObject *t_tolist(PyObject *self, PyObject *unused) {
    (void)unused;
    /* without numpy: through the float64 / int64 data */
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t dt = sk_tensor_dtype(h);
    int64_t dims[64]; int32_t nd;
    if (handle_shape(h, dims, &nd) < 0) { sk_tensor_release(h); return NULL; }
    int isf = is_float_dtype(dt);
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(h, isf ? SK_FLOAT64 : SK_INT64, &c);
    int64_t n = sk_tensor_size(h);
    sk_tensor_release(h);
    if (st) return raise_status(st);
    const void *data = sk_tensor_data(c);
    /* build nested lists iteratively */
    PyObject *flat = PyList_New((Py_ssize_t)n);
    if (!flat) { sk_tensor_release(c); return NULL; }
    for (int64_t i = 0; i < n; i++) {
        PyObject *v = isf ? PyFloat_FromDouble(((const double *)data)[i])
                          : dt == SK_BOOL ? PyBool_FromLong(((const int64_t *)data)[i] != 0)
                                          : PyLong_FromLongLong(((const int64_t *)data)[i]);
        if (!v) { Py_DECREF(flat); sk_tensor_release(c); return NULL; }
        PyList_SET_ITEM(flat, (Py_ssize_t)i, v);
    }
    sk_tensor_release(c);
    if (nd == 0) { PyObject *v = PyList_GET_ITEM(flat, 0); Py_INCREF(v); Py_DECREF(flat); return v; }
    PyObject *cur = flat;
    for (int ax = nd - 1; ax >= 1; ax--) {
        int64_t d = dims[ax];
        Py_ssize_t groups = d ? PyList_GET_SIZE(cur) / d : 1;
        if (!d) { /* zero-size axis: rebuild from shape */
            int64_t outer = 1; for (int k = 0; k < ax; k++) outer *= dims[k];
            groups = (Py_ssize_t)outer;
        }
        PyObject *next = PyList_New(groups);
        if (!next) { Py_DECREF(cur); return NULL; }
        for (Py_ssize_t g = 0; g < groups; g++) {
            PyObject *sub = d ? PyList_GetSlice(cur, g * d, (g + 1) * d) : PyList_New(0);
            if (!sub) { Py_DECREF(next); Py_DECREF(cur); return NULL; }
            PyList_SET_ITEM(next, g, sub);
        }
        Py_DECREF(cur);
        cur = next;
    }
    return cur;
}

static PyObject *t_getstate_reduce(PyObject *self, PyObject *unused) {
    (void)unused;
    PyObject *l = t_tolist(self, NULL);
    if (!l) return NULL;
    PyObject *mod = PyImport_ImportModule("swiftkeras._native");
    if (!mod) { Py_DECREF(l); return NULL; }
    PyObject *conv = PyObject_GetAttrString(mod, "convert");
    Py_DECREF(mod);
    if (!conv) { Py_DECREF(l); return NULL; }
    PyObject *dt = t_get_dtype(self, NULL);
    PyObject *r = dt ? Py_BuildValue("(N(NN))", conv, l, dt) : NULL;
    if (!r) { Py_XDECREF(dt); }
    return r;
}

static PyGetSetDef tensor_getset[] = {
    {"shape", t_get_shape, NULL, "The shape as a TensorShape (a tuple).", NULL},
    {"dtype", t_get_dtype, NULL, "The DType.", NULL},
    {"ndim", t_get_ndim, NULL, "The rank.", NULL},
    {"size", t_get_size, NULL, "The number of elements.", NULL},
    {"device", t_get_device, NULL, "Always the CPU.", NULL},
    {"_data_address", t_get_address, NULL, "The address of the elements (read-only memory).", NULL},
    {NULL}
};

static PyMethodDef tensor_methods[] = {
    {"numpy", t_numpy, METH_NOARGS, "The values as a numpy array (a copy); a numpy scalar for rank 0."},
    {"__array__", (PyCFunction)(void (*)(void))t_array, METH_VARARGS | METH_KEYWORDS, "numpy interop (zero-copy view)."},
    {"__dlpack__", (PyCFunction)(void (*)(void))t_dlpack, METH_VARARGS | METH_KEYWORDS, "A DLPack capsule (zero-copy)."},
    {"__dlpack_device__", t_dlpack_device, METH_NOARGS, "(kDLCPU, 0)."},
    {"__format__", t_format, METH_O, "format() of the values."},
    {"__reduce__", t_getstate_reduce, METH_NOARGS, "Pickling support."},
    {"tolist", t_tolist, METH_NOARGS, "The values as nested Python lists (no numpy needed)."},
    {"ref", t_ref, METH_NOARGS, "A hashable reference to this object."},
    {"experimental_ref", t_ref, METH_NOARGS, "A hashable reference to this object."},
    {NULL}
};

static PyObject *tensor_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"value", "dtype", NULL};
    PyObject *v, *dtype = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O", kwl, &v, &dtype)) return NULL;
    int32_t d = dtype_code_of(dtype, 1);
    if (d < 0) return NULL;
    sk_tensor *h = convert_obj(v, d);
    if (!h) return NULL;
    if (type == &TensorType) return wrap_tensor(h);
    TensorObject *t = (TensorObject *)type->tp_alloc(type, 0);
    if (!t) { sk_tensor_release(h); return NULL; }
    t->h = h; t->size = -1;
    return (PyObject *)t;
}

static PyTypeObject TensorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras.Tensor",
    .tp_basicsize = sizeof(TensorObject),
    .tp_dealloc = (destructor)tensor_dealloc,
    .tp_repr = t_repr,
    .tp_str = t_str,
    .tp_as_number = &tensor_as_number,
    .tp_as_sequence = &tensor_as_sequence,
    .tp_as_mapping = &tensor_as_mapping,
    .tp_hash = unhashable,
    .tp_as_buffer = &tensor_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "An immutable n-d array held by the SwiftKeras core (like tf.Tensor).",
    .tp_richcompare = richcompare,
    .tp_weaklistoffset = offsetof(TensorObject, weakrefs),
    .tp_methods = tensor_methods,
    .tp_getset = tensor_getset,
    .tp_new = tensor_new,
};

/* ref(): a hashable wrapper comparing by identity */
typedef struct { PyObject_HEAD PyObject *obj; } RefObject;
static void ref_dealloc(RefObject *r) { Py_DECREF(r->obj); Py_TYPE(r)->tp_free((PyObject *)r); }
static Py_hash_t ref_hash(RefObject *r) { return _Py_HashPointer(r->obj); }
static PyObject *ref_cmp(PyObject *a, PyObject *b, int op);
static PyObject *ref_deref(RefObject *r, PyObject *u) { (void)u; Py_INCREF(r->obj); return r->obj; }
static PyMethodDef ref_methods[] = {{"deref", (PyCFunction)ref_deref, METH_NOARGS, "The referenced object."}, {NULL}};
static PyTypeObject RefType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras.Reference", .tp_basicsize = sizeof(RefObject),
    .tp_dealloc = (destructor)ref_dealloc, .tp_hash = (hashfunc)ref_hash, .tp_richcompare = ref_cmp,
    .tp_flags = Py_TPFLAGS_DEFAULT, .tp_methods = ref_methods,
};
static PyObject *ref_cmp(PyObject *a, PyObject *b, int op) {
    if (!Py_IS_TYPE(b, &RefType) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    int eq = ((RefObject *)a)->obj == ((RefObject *)b)->obj;
    if ((op == Py_EQ) == eq) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}
static PyObject *t_ref(PyObject *self, PyObject *unused) {
    (void)unused;
    RefObject *r = PyObject_New(RefObject, &RefType);
    if (!r) return NULL;
    Py_INCREF(self);
    r->obj = self;
    return (PyObject *)r;
}

/* ------------------------------------------------------------------------------------------
 * DType
 * ---------------------------------------------------------------------------------------- */
static PyObject *dt_repr(DTypeObject *d) { return PyUnicode_FromFormat("tf.%s", dtype_names[d->code]); }
static PyObject *dt_str(DTypeObject *d) { return PyUnicode_FromFormat("<dtype: '%s'>", dtype_names[d->code]); }
static Py_hash_t dt_hash(DTypeObject *d) { return PyObject_Hash(d->name); }
static PyObject *dt_cmp(PyObject *a, PyObject *b, int op) {
    if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
    int32_t cb;
    if (b == Py_None) cb = 0;
    else {
        cb = dtype_code_of(b, 0);
        if (cb < 0) { PyErr_Clear(); cb = 0; }
    }
    int eq = ((DTypeObject *)a)->code == cb;
    if ((op == Py_EQ) == eq) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}
static PyObject *dt_name(DTypeObject *d, void *c) { (void)c; Py_INCREF(d->name); return d->name; }
static PyObject *dt_is_floating(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(is_float_dtype(d->code)); }
static PyObject *dt_is_integer(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code >= SK_INT32 && d->code <= SK_UINT8); }
static PyObject *dt_is_bool(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code == SK_BOOL); }
static PyObject *dt_is_unsigned(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code == SK_UINT8 || d->code == SK_BOOL); }
static PyObject *dt_size(DTypeObject *d, void *c) { (void)c; return PyLong_FromLong(dtype_sizes[d->code]); }
static PyObject *dt_enum(DTypeObject *d, void *c) { (void)c; return PyLong_FromLong(d->code); }
static PyObject *dt_np(DTypeObject *d, void *c) {
    (void)c;
    PyObject *np = numpy_module();
    if (!np) return NULL;
    PyObject *r = PyObject_GetAttrString(np, d->code == SK_BFLOAT16 ? "float32" : d->code == SK_BOOL ? "bool_" : dtype_names[d->code]);
    Py_DECREF(np);
    return r;
}
static PyObject *dt_self(DTypeObject *d, void *c) { (void)c; Py_INCREF(d); return (PyObject *)d; }
static PyObject *dt_reduce(DTypeObject *d, PyObject *u) {
    (void)u;
    PyObject *mod = PyImport_ImportModule("swiftkeras._native");
    if (!mod) return NULL;
    PyObject *f = PyObject_GetAttrString(mod, "as_dtype");
    Py_DECREF(mod);
    if (!f) return NULL;
    return Py_BuildValue("(N(O))", f, d->name);
}
static PyGetSetDef dtype_getset[] = {
    {"name", (getter)dt_name, NULL, NULL, NULL},
    {"is_floating", (getter)dt_is_floating, NULL, NULL, NULL},
    {"is_integer", (getter)dt_is_integer, NULL, NULL, NULL},
    {"is_bool", (getter)dt_is_bool, NULL, NULL, NULL},
    {"is_unsigned", (getter)dt_is_unsigned, NULL, NULL, NULL},
    {"size", (getter)dt_size, NULL, NULL, NULL},
    {"itemsize", (getter)dt_size, NULL, NULL, NULL},
    {"as_datatype_enum", (getter)dt_enum, NULL, "The SwiftKeras dtype code (SK_*).", NULL},
    {"as_numpy_dtype", (getter)dt_np, NULL, NULL, NULL},
    {"base_dtype", (getter)dt_self, NULL, NULL, NULL},
    {NULL}
};
static PyMethodDef dtype_methods[] = {{"__reduce__", (PyCFunction)dt_reduce, METH_NOARGS, NULL}, {NULL}};
static PyTypeObject DTypeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras.DType", .tp_basicsize = sizeof(DTypeObject),
    .tp_repr = (reprfunc)dt_repr, .tp_str = (reprfunc)dt_str, .tp_hash = (hashfunc)dt_hash,
    .tp_richcompare = dt_cmp, .tp_flags = Py_TPFLAGS_DEFAULT, .tp_getset = dtype_getset,
    .tp_methods = dtype_methods, .tp_doc = "A tensor element type (like tf.DType).",
};

/* ------------------------------------------------------------------------------------------
 * TensorShape: a tuple of ints
 * ---------------------------------------------------------------------------------------- */
static PyObject *sh_as_list(PyObject *self, PyObject *u) { (void)u; return PySequence_List(self); }
static PyObject *sh_num(PyObject *self, PyObject *u) {
    (void)u;
    long long n = 1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(self); i++) {
        PyObject *d = PyTuple_GET_ITEM(self, i);
        if (d == Py_None) Py_RETURN_NONE;
        n *= PyLong_AsLongLong(d);
    }
    return PyLong_FromLongLong(n);
}
static PyObject *sh_rank(PyObject *self, void *c) { (void)c; return PyLong_FromSsize_t(PyTuple_GET_SIZE(self)); }
static PyObject *sh_repr(PyObject *self) {
    PyObject *l = PySequence_List(self);
    if (!l) return NULL;
    PyObject *r = PyUnicode_FromFormat("TensorShape(%R)", l);
    Py_DECREF(l);
    return r;
}
static PyObject *sh_str(PyObject *self) { return PyTuple_Type.tp_repr(self); }
static PyObject *sh_fully(PyObject *self, PyObject *u) { (void)self; (void)u; Py_RETURN_TRUE; }
static PyMethodDef shape_methods[] = {
    {"as_list", sh_as_list, METH_NOARGS, "The dimensions as a list."},
    {"num_elements", sh_num, METH_NOARGS, "The product of the dimensions."},
    {"is_fully_defined", sh_fully, METH_NOARGS, "Always True for eager tensors."},
    {NULL}
};
static PyGetSetDef shape_getset[] = {
    {"rank", sh_rank, NULL, NULL, NULL}, {"ndims", sh_rank, NULL, NULL, NULL}, {NULL}
};
static PyTypeObject ShapeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras.TensorShape", .tp_basicsize = 0,
    .tp_repr = sh_repr, .tp_str = sh_str,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_TUPLE_SUBCLASS,
    .tp_methods = shape_methods, .tp_getset = shape_getset,
    .tp_doc = "The shape of a tensor: a tuple of ints with as_list() (like tf.TensorShape).",
};

/* ------------------------------------------------------------------------------------------
 * Variable
 * ---------------------------------------------------------------------------------------- */
static PyObject *variable_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"value", "name", "trainable", "dtype", NULL};
    PyObject *value, *name = Py_None, *trainable = Py_True, *dtype = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOO", kwl, &value, &name, &trainable, &dtype)) return NULL;
    int32_t d = dtype_code_of(dtype, 1);
    if (d < 0) return NULL;
    const char *cname = NULL;
    if (name != Py_None) {
        if (!PyUnicode_Check(name)) { PyErr_SetString(PyExc_TypeError, "a variable name must be a string"); return NULL; }
        cname = PyUnicode_AsUTF8(name);
        if (!cname) return NULL;
    }
    int tr = trainable == Py_None ? 1 : PyObject_IsTrue(trainable);
    if (tr < 0) return NULL;
    sk_tensor *h = convert_obj(value, d);
    if (!h) return NULL;
    sk_variable *v = NULL;
    int32_t st = sk_variable_create(h, cname, (uint8_t)tr, &v);
    sk_tensor_release(h);
    if (st) return raise_status(st);
    VariableObject *o = (VariableObject *)type->tp_alloc(type, 0);
    if (!o) { sk_variable_release(v); return NULL; }
    o->v = v;
    return (PyObject *)o;
}
static void variable_dealloc(VariableObject *o) {
    if (o->weakrefs) PyObject_ClearWeakRefs((PyObject *)o);
    sk_variable_release(o->v);
    Py_TYPE(o)->tp_free((PyObject *)o);
}
static PyObject *v_read(VariableObject *o, PyObject *u) {
    (void)u;
    sk_tensor *t = NULL;
    int32_t st = sk_variable_read(o->v, &t);
    return finish(st, t);
}
typedef int32_t (*assignfn)(sk_variable *, const sk_tensor *);
static PyObject *v_assign_common(VariableObject *o, PyObject *args, PyObject *kw, assignfn f) {
    static char *kwl[] = {"value", "use_locking", "name", "read_value", NULL};
    PyObject *value, *ul = Py_None, *nm = Py_None, *rv = Py_True;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOO", kwl, &value, &ul, &nm, &rv)) return NULL;
    int32_t dt = sk_variable_dtype(o->v);
    /* Python numbers and lists take the variable's dtype; tensors must match (as in TensorFlow) */
    sk_tensor *h = convert_obj(value, (Tensor_Check(value) || Variable_Check(value)) ? 0 : dt);
    if (!h) return NULL;
    int32_t st;
    if (sk_tensor_size(h) > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = f(o->v, h); Py_END_ALLOW_THREADS }
    else st = f(o->v, h);
    sk_tensor_release(h);
    if (st) return raise_status(st);
    if (rv == Py_False) Py_RETURN_NONE;
    Py_INCREF(o);
    return (PyObject *)o;
}
static PyObject *v_assign(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign); }
static PyObject *v_assign_add(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign_add); }
static PyObject *v_assign_sub(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign_sub); }
static PyObject *v_numpy(VariableObject *o, PyObject *u) {
    PyObject *t = v_read(o, u);
    if (!t) return NULL;
    PyObject *r = t_numpy(t, NULL);
    Py_DECREF(t);
    return r;
}
static PyObject *v_get_name(VariableObject *o, void *c) {
    (void)c;
    const char *n = sk_variable_name(o->v);
    return PyUnicode_FromFormat("%s:0", n ? n : "Variable");
}
static PyObject *v_get_trainable(VariableObject *o, void *c) { (void)c; return PyBool_FromLong(sk_variable_trainable(o->v) == 1); }
static int v_set_trainable(VariableObject *o, PyObject *val, void *c) {
    (void)c;
    if (!val) { PyErr_SetString(PyExc_AttributeError, "cannot delete trainable"); return -1; }
    int b = PyObject_IsTrue(val);
    if (b < 0) return -1;
    int32_t st = sk_variable_set_trainable(o->v, (uint8_t)b);
    if (st) { raise_status(st); return -1; }
    return 0;
}
static PyObject *v_get_shape(VariableObject *o, void *c) {
    (void)c;
    int64_t dims[64];
    int32_t nd = sk_variable_ndim(o->v);
    if (nd < 0 || nd > 64) { PyErr_SetString(PyExc_ValueError, "invalid variable"); return NULL; }
    int32_t st = sk_variable_shape(o->v, dims, 64);
    if (st) return raise_status(st);
    return make_shape_obj(dims, nd);
}
static PyObject *v_get_ndim(VariableObject *o, void *c) { (void)c; return PyLong_FromLong(sk_variable_ndim(o->v)); }
static PyObject *v_get_address(VariableObject *o, void *c) { (void)c; return PyLong_FromVoidPtr(o->v); }
static PyObject *v_repr(VariableObject *o) {
    PyObject *t = v_read(o, NULL);
    if (!t) return NULL;
    sk_tensor *h = ((TensorObject *)t)->h;
    PyObject *shape = shape_text(h);
    PyObject *vals = shape ? values_text(h, t, 1) : NULL;
    PyObject *name = vals ? v_get_name(o, NULL) : NULL;
    PyObject *r = name ? PyUnicode_FromFormat("<tf.Variable '%U' shape=%U dtype=%s, numpy=%U>", name, shape,
                                              dtype_names[sk_tensor_dtype(h)], vals) : NULL;
    Py_XDECREF(name); Py_XDECREF(vals); Py_XDECREF(shape); Py_DECREF(t);
    return r;
}
static PyGetSetDef variable_getset[] = {
    {"name", (getter)v_get_name, NULL, "The name, with ':0' as in TensorFlow.", NULL},
    {"trainable", (getter)v_get_trainable, (setter)v_set_trainable, NULL, NULL},
    {"shape", (getter)v_get_shape, NULL, NULL, NULL},
    {"dtype", t_get_dtype, NULL, NULL, NULL},
    {"ndim", (getter)v_get_ndim, NULL, NULL, NULL},
    {"device", t_get_device, NULL, NULL, NULL},
    {"_handle_address", (getter)v_get_address, NULL, NULL, NULL},
    {NULL}
};
static PyMethodDef variable_methods[] = {
    {"read_value", (PyCFunction)v_read, METH_NOARGS, "The current value as a Tensor."},
    {"value", (PyCFunction)v_read, METH_NOARGS, "The current value as a Tensor."},
    {"numpy", (PyCFunction)v_numpy, METH_NOARGS, "The current value as a numpy array."},
    {"assign", (PyCFunction)(void (*)(void))v_assign, METH_VARARGS | METH_KEYWORDS, "Replaces the value."},
    {"assign_add", (PyCFunction)(void (*)(void))v_assign_add, METH_VARARGS | METH_KEYWORDS, "Adds to the value."},
    {"assign_sub", (PyCFunction)(void (*)(void))v_assign_sub, METH_VARARGS | METH_KEYWORDS, "Subtracts from the value."},
    {"__array__", (PyCFunction)(void (*)(void))t_array, METH_VARARGS | METH_KEYWORDS, "numpy interop (a copy)."},
    {"__format__", t_format, METH_O, NULL},
    {"tolist", t_tolist, METH_NOARGS, NULL},
    {"ref", t_ref, METH_NOARGS, "A hashable reference to this variable."},
    {"experimental_ref", t_ref, METH_NOARGS, NULL},
    {NULL}
};
static PyTypeObject VariableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras._native.Variable",
    .tp_basicsize = sizeof(VariableObject),
    .tp_dealloc = (destructor)variable_dealloc,
    .tp_repr = (reprfunc)v_repr,
    .tp_as_number = &variable_as_number,
    .tp_as_sequence = &tensor_as_sequence,
    .tp_as_mapping = &tensor_as_mapping,
    .tp_hash = unhashable,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A mutable tensor with an identity (like tf.Variable).",
    .tp_richcompare = richcompare,
    .tp_weaklistoffset = offsetof(VariableObject, weakrefs),
    .tp_methods = variable_methods,
    .tp_getset = variable_getset,
    .tp_new = variable_new,
};

/* ------------------------------------------------------------------------------------------
 * Tape
 * ---------------------------------------------------------------------------------------- */
typedef struct { PyObject_HEAD sk_tape *t; } TapeObject;

static PyObject *tape_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"persistent", "watch_accessed_variables", NULL};
    int persistent = 0, wav = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pp", kwl, &persistent, &wav)) return NULL;
    sk_tape *t = NULL;
    int32_t st = sk_tape_create((uint8_t)persistent, (uint8_t)wav, &t);
    if (st) return raise_status(st);
    TapeObject *o = (TapeObject *)type->tp_alloc(type, 0);
    if (!o) { sk_tape_release(t); return NULL; }
    o->t = t;
    return (PyObject *)o;
}
static void tape_dealloc(TapeObject *o) { sk_tape_release(o->t); Py_TYPE(o)->tp_free((PyObject *)o); }

#define TAPE_SIMPLE(NAME, FN) \
    static PyObject *NAME(TapeObject *o, PyObject *u) { (void)u; int32_t st = FN(o->t); if (st) return raise_status(st); Py_RETURN_NONE; }
TAPE_SIMPLE(tape_start, sk_tape_start)
TAPE_SIMPLE(tape_stop, sk_tape_stop)
TAPE_SIMPLE(tape_pause, sk_tape_pause)
TAPE_SIMPLE(tape_resume, sk_tape_resume)
TAPE_SIMPLE(tape_reset, sk_tape_reset)

static PyObject *tape_watch(TapeObject *o, PyObject *x) {
    int32_t st;
    if (Variable_Check(x)) st = sk_tape_watch_variable(o->t, ((VariableObject *)x)->v);
    else if (Tensor_Check(x)) st = sk_tape_watch(o->t, ((TensorObject *)x)->h);
    else {
        PyErr_Format(PyExc_ValueError, "watch: expected a Tensor or a Variable, got %.100s "
                     "(convert it with swiftkeras.constant first and watch the result)", Py_TYPE(x)->tp_name);
        return NULL;
    }
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static int conv_unconnected(PyObject *o, int32_t *out) {
    if (!o || o == Py_None) { *out = SK_UNCONNECTED_NONE; return 0; }
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (!s) return -1;
        if (!PyOS_stricmp(s, "none")) { *out = SK_UNCONNECTED_NONE; return 0; }
        if (!PyOS_stricmp(s, "zero")) { *out = SK_UNCONNECTED_ZERO; return 0; }
        PyErr_Format(PyExc_ValueError, "unknown unconnected_gradients value '%s' (use 'none' or 'zero')", s);
        return -1;
    }
    PyObject *v = PyObject_GetAttrString(o, "value");   /* an enum member */
    if (v) {
        int r = conv_unconnected(v, out);
        Py_DECREF(v);
        return r;
    }
    PyErr_Clear();
    long l = PyLong_AsLong(o);
    if (l == -1 && PyErr_Occurred()) return -1;
    *out = (int32_t)l;
    return 0;
}

/* gradient(target, sources, output_gradients=None, unconnected=None) -> list */
static PyObject *tape_gradient(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "sources", "output_gradients", "unconnected", NULL};
    PyObject *target, *sources, *og = Py_None, *unc = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OO", kwl, &target, &sources, &og, &unc)) return NULL;
    int32_t u;
    if (conv_unconnected(unc, &u) < 0) return NULL;
    PyObject *seq = PySequence_Fast(sources, "gradient: sources must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *res = NULL;
    sk_tensor *ht = NULL, *hog = NULL;
    const sk_tensor **src = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    const sk_variable **vars = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    sk_tensor **grads = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    if (!src || !vars || !grads) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PySequence_Fast_GET_ITEM(seq, i);
        if (Variable_Check(s)) vars[i] = ((VariableObject *)s)->v;
        else if (Tensor_Check(s)) src[i] = ((TensorObject *)s)->h;
        else {
            PyErr_Format(PyExc_TypeError, "gradient: sources must be Tensors or Variables, got %.100s", Py_TYPE(s)->tp_name);
            goto done;
        }
    }
    if (!(ht = convert_obj(target, 0))) goto done;
    if (og != Py_None && !(hog = convert_obj(og, 0))) goto done;
    int32_t st = sk_tape_gradient(o->t, ht, src, vars, (int32_t)n, hog, u, grads);
    if (st) { raise_status(st); goto done; }
    res = PyList_New(n);
    if (!res) { for (Py_ssize_t i = 0; i < n; i++) sk_tensor_release(grads[i]); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *g;
        if (grads[i]) g = wrap_tensor(grads[i]);
        else { g = Py_None; Py_INCREF(g); }
        grads[i] = NULL;
        if (!g) { for (Py_ssize_t j = i + 1; j < n; j++) sk_tensor_release(grads[j]); Py_CLEAR(res); goto done; }
        PyList_SET_ITEM(res, i, g);
    }
done:
    sk_tensor_release(ht);
    sk_tensor_release(hog);
    PyMem_Free(src); PyMem_Free(vars); PyMem_Free(grads);
    Py_DECREF(seq);
    return res;
}

static PyObject *tape_jacobian(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "source", "unconnected", NULL};
    PyObject *target, *source, *unc = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O", kwl, &target, &source, &unc)) return NULL;
    int32_t u;
    if (conv_unconnected(unc, &u) < 0) return NULL;
    const sk_tensor *s = NULL; const sk_variable *v = NULL;
    if (Variable_Check(source)) v = ((VariableObject *)source)->v;
    else if (Tensor_Check(source)) s = ((TensorObject *)source)->h;
    else { PyErr_SetString(PyExc_TypeError, "jacobian: the source must be a Tensor or a Variable"); return NULL; }
    sk_tensor *ht = convert_obj(target, 0);
    if (!ht) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_tape_jacobian(o->t, ht, s, v, u, &out);
    sk_tensor_release(ht);
    if (st) return raise_status(st);
    if (!out) Py_RETURN_NONE;
    return wrap_tensor(out);
}

static PyObject *tape_batch_jacobian(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "source", NULL};
    PyObject *target, *source;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO", kwl, &target, &source)) return NULL;
    if (!Tensor_Check(source)) { PyErr_SetString(PyExc_TypeError, "batch_jacobian: the source must be a Tensor"); return NULL; }
    sk_tensor *ht = convert_obj(target, 0);
    if (!ht) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_tape_batch_jacobian(o->t, ht, ((TensorObject *)source)->h, &out);
    sk_tensor_release(ht);
    if (st) return raise_status(st);
    if (!out) Py_RETURN_NONE;
    return wrap_tensor(out);
}

static PyMethodDef tape_methods[] = {
    {"start", (PyCFunction)tape_start, METH_NOARGS, "Starts recording on this thread."},
    {"stop", (PyCFunction)tape_stop, METH_NOARGS, "Stops recording (keeps the record)."},
    {"pause", (PyCFunction)tape_pause, METH_NOARGS, "Pauses recording."},
    {"resume", (PyCFunction)tape_resume, METH_NOARGS, "Resumes recording."},
    {"reset", (PyCFunction)tape_reset, METH_NOARGS, "Forgets the record."},
    {"watch", (PyCFunction)tape_watch, METH_O, "Watches a Tensor or a Variable."},
    {"gradient", (PyCFunction)(void (*)(void))tape_gradient, METH_VARARGS | METH_KEYWORDS,
     "gradient(target, sources, output_gradients=None, unconnected=None) -> list of Tensor or None."},
    {"jacobian", (PyCFunction)(void (*)(void))tape_jacobian, METH_VARARGS | METH_KEYWORDS, "jacobian(target, source, unconnected=None)."},
    {"batch_jacobian", (PyCFunction)(void (*)(void))tape_batch_jacobian, METH_VARARGS | METH_KEYWORDS, "batch_jacobian(target, source)."},
    {NULL}
};
static PyTypeObject TapeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras._native.Tape", .tp_basicsize = sizeof(TapeObject),
    .tp_dealloc = (destructor)tape_dealloc, .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = tape_methods, .tp_new = tape_new,
    .tp_doc = "Tape(persistent=False, watch_accessed_variables=True): an sk_tape.",
};

/* ------------------------------------------------------------------------------------------
 * Function: a Python callable as an sk_function
 * ---------------------------------------------------------------------------------------- */
static PyObject *function_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"callable", NULL};
    PyObject *c;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O", kwl, &c)) return NULL;
    sk_function *f = make_function(c);
    if (!f) return NULL;
    FunctionObject *o = (FunctionObject *)type->tp_alloc(type, 0);
    if (!o) { sk_function_release(f); return NULL; }
    o->f = f;
    o->callable = c; Py_INCREF(c);
    return (PyObject *)o;
}
static void function_dealloc(FunctionObject *o) {
    sk_function_release(o->f);
    Py_XDECREF(o->callable);
    Py_TYPE(o)->tp_free((PyObject *)o);
}
/* call(inputs, n_outputs=1) -> list */
static PyObject *function_call_m(FunctionObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"inputs", "n_outputs", NULL};
    PyObject *inputs;
    int nout = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|i", kwl, &inputs, &nout)) return NULL;
    if (nout < 0 || nout > 1024) { PyErr_SetString(PyExc_ValueError, "bad n_outputs"); return NULL; }
    Conv c; conv_init(&c);
    const sk_tensor *const *ins; int32_t nin;
    PyObject *res = NULL;
    sk_tensor **outs = PyMem_Calloc((size_t)nout + 1, sizeof(sk_tensor *));
    if (!outs) { PyErr_NoMemory(); return NULL; }
    if (conv_tlist(&c, inputs, "call", "inputs", &ins, &nin) < 0) goto done;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_function_call(o->f, ins, nin, outs, nout);
    Py_END_ALLOW_THREADS
    if (st) { raise_status(st); goto done; }
    res = PyList_New(nout);
    for (int i = 0; i < nout; i++) {
        PyObject *t = outs[i] ? wrap_tensor(outs[i]) : (Py_INCREF(Py_None), Py_None);
        outs[i] = NULL;
        if (res && t) PyList_SET_ITEM(res, i, t);
        else Py_XDECREF(t);
    }
done:
    if (outs) for (int i = 0; i < nout; i++) sk_tensor_release(outs[i]);
    PyMem_Free(outs);
    conv_free(&c);
    return res;
}
static PyMethodDef function_methods[] = {
    {"call", (PyCFunction)(void (*)(void))function_call_m, METH_VARARGS | METH_KEYWORDS,
     "call(inputs, n_outputs=1): runs the function through sk_function_call."},
    {NULL}
};
static PyTypeObject FunctionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftkeras._native.Function", .tp_basicsize = sizeof(FunctionObject),
    .tp_dealloc = (destructor)function_dealloc, .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = function_methods, .tp_new = function_new,
    .tp_doc = "Function(callable): a Python callable as an sk_function (callbacks take the GIL).",
};

/* ------------------------------------------------------------------------------------------
 * Hand-written module functions (the non-generated part of the C API)
 * ---------------------------------------------------------------------------------------- */
static PyObject *m_convert(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"x", "dtype"};
    PyObject *v[2];
    (void)self;
    if (sk_parse("convert", args, nargs, kwnames, kw, 2, "ro", v) < 0) return NULL;
    int32_t d = dtype_code_of(v[1], 1);
    if (d < 0) return NULL;
    if (Py_IS_TYPE(v[0], &TensorType) && (d == 0 || d == sk_tensor_dtype(((TensorObject *)v[0])->h))) {
        Py_INCREF(v[0]);
        return v[0];
    }
    sk_tensor *h = convert_obj(v[0], d);
    return h ? wrap_tensor(h) : NULL;
}

static PyObject *m_as_dtype(PyObject *self, PyObject *o) {
    (void)self;
    int32_t d = dtype_code_of(o, 0);
    if (d < 0) return NULL;
    Py_INCREF(dtype_objs[d]);
    return dtype_objs[d];
}

static PyObject *m_cast(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"t", "dtype"};
    PyObject *v[2];
    (void)self;
    if (sk_parse("cast", args, nargs, kwnames, kw, 2, "rr", v) < 0) return NULL;
    int32_t d = dtype_code_of(v[1], 0);
    if (d < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *t;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[0], "cast", "t", 0, &t) == 0) {
        sk_tensor *out = NULL; int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_tensor_cast(t, d, &out); Py_END_ALLOW_THREADS }
        else st = sk_tensor_cast(t, d, &out);
        res = finish(st, out);
    }
    conv_free(&c);
    return res;
}

static PyObject *m_scalar(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"value", "dtype"};
    PyObject *v[2];
    (void)self;
    if (sk_parse("scalar", args, nargs, kwnames, kw, 2, "ro", v) < 0) return NULL;
    double d;
    if (conv_f64(v[0], "scalar", "value", &d) < 0) return NULL;
    int32_t dt = dtype_code_of(v[1], 1);
    if (dt < 0) return NULL;
    sk_tensor *out = NULL;
    { int32_t st_ = sk_scalar(d, dt ? dt : SK_FLOAT32, &out); return finish(st_, out); }
}

typedef int32_t (*shapefn)(const int64_t *, int32_t, int32_t, sk_tensor **);
static PyObject *shape_dtype_op(const char *name, shapefn f, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"shape", "dtype"};
    PyObject *v[2];
    if (sk_parse(name, args, nargs, kwnames, kw, 2, "ro", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const int64_t *shape; int32_t nd;
    PyObject *res = NULL;
    int32_t dt = dtype_code_of(v[1], 1);
    if (dt >= 0 && conv_ints(&c, v[0], name, "shape", 0, &shape, &nd) == 0) {
        sk_tensor *out = NULL; int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = f(shape, nd, dt ? dt : SK_FLOAT32, &out); Py_END_ALLOW_THREADS }
        else st = f(shape, nd, dt ? dt : SK_FLOAT32, &out);
        res = finish(st, out);
    }
    conv_free(&c);
    return res;
}
static PyObject *m_zeros(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return shape_dtype_op("zeros", sk_zeros, a, n, k); }
static PyObject *m_ones(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return shape_dtype_op("ones", sk_ones, a, n, k); }

static PyObject *m_full(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"shape", "value", "dtype"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("full", args, nargs, kwnames, kw, 3, "rro", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const int64_t *shape; int32_t nd;
    double val;
    PyObject *res = NULL;
    int32_t dt = dtype_code_of(v[2], 1);
    if (dt >= 0 && conv_ints(&c, v[0], "full", "shape", 0, &shape, &nd) == 0 && conv_f64(v[1], "full", "value", &val) == 0) {
        sk_tensor *out = NULL; int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_full(shape, nd, val, dt ? dt : SK_FLOAT32, &out); Py_END_ALLOW_THREADS }
        else st = sk_full(shape, nd, val, dt ? dt : SK_FLOAT32, &out);
        res = finish(st, out);
    }
    conv_free(&c);
    return res;
}

static PyObject *m_eye(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"rows", "cols", "dtype"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("eye", args, nargs, kwnames, kw, 3, "roo", v) < 0) return NULL;
    int64_t r, c;
    if (conv_i64(v[0], "eye", "rows", &r) < 0) return NULL;
    if (!v[1] || v[1] == Py_None) c = r;
    else if (conv_i64(v[1], "eye", "cols", &c) < 0) return NULL;
    int32_t dt = dtype_code_of(v[2], 1);
    if (dt < 0) return NULL;
    sk_tensor *out = NULL;
    { int32_t st_ = sk_eye(r, c, dt ? dt : SK_FLOAT32, &out); return finish(st_, out); }
}

static PyObject *m_arange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"start", "stop", "step", "dtype"};
    PyObject *v[4];
    (void)self;
    if (sk_parse("arange", args, nargs, kwnames, kw, 4, "rooo", v) < 0) return NULL;
    double start, stop, step = 1;
    if (conv_f64(v[0], "arange", "start", &start) < 0) return NULL;
    if (!v[1] || v[1] == Py_None) { stop = start; start = 0; }
    else if (conv_f64(v[1], "arange", "stop", &stop) < 0) return NULL;
    if (v[2] && v[2] != Py_None && conv_f64(v[2], "arange", "step", &step) < 0) return NULL;
    int32_t dt = dtype_code_of(v[3], 1);
    if (dt < 0) return NULL;
    if (!dt) dt = SK_INT32;
    sk_tensor *out = NULL;
    { int32_t st_ = sk_arange(start, stop, step, dt, &out); return finish(st_, out); }
}

static PyObject *m_strided_slice(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"x", "begin", "end", "strides", "begin_mask", "end_mask"};
    PyObject *v[6];
    (void)self;
    if (sk_parse("strided_slice", args, nargs, kwnames, kw, 6, "rrrooo", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *x; const int64_t *b, *e, *s = NULL; int32_t nb, ne, ns = 0;
    int64_t bm = 0, em = 0;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[0], "strided_slice", "x", 0, &x) < 0) goto done;
    if (conv_ints(&c, v[1], "strided_slice", "begin", 1, &b, &nb) < 0) goto done;
    if (conv_ints(&c, v[2], "strided_slice", "end", 1, &e, &ne) < 0) goto done;
    if (conv_ints(&c, v[3], "strided_slice", "strides", 1, &s, &ns) < 0) goto done;
    if (v[4] && conv_i64(v[4], "strided_slice", "begin_mask", &bm) < 0) goto done;
    if (v[5] && conv_i64(v[5], "strided_slice", "end_mask", &em) < 0) goto done;
    if (nb != ne || (s && ns != nb)) { PyErr_SetString(PyExc_ValueError, "strided_slice: begin, end and strides must have the same length"); goto done; }
    {
        sk_tensor *out = NULL;
        int32_t st = sk_strided_slice(x, b, e, s, nb, (uint64_t)bm, (uint64_t)em, &out);
        res = finish(st, out);
    }
done:
    conv_free(&c);
    return res;
}

static PyObject *list_of_outs(int32_t st, sk_tensor **outs, int32_t n) {
    if (st) return raise_status(st);
    PyObject *l = PyList_New(n);
    for (int32_t i = 0; i < n; i++) {
        PyObject *t = wrap_tensor(outs[i]);
        outs[i] = NULL;
        if (l && t) PyList_SET_ITEM(l, i, t);
        else Py_XDECREF(t);
    }
    if (!l) for (int32_t i = 0; i < n; i++) sk_tensor_release(outs[i]);
    return l;
}

static PyObject *m_split(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"x", "num", "axis"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("split", args, nargs, kwnames, kw, 3, "rro", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *x; int64_t num, axis = 0;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[0], "split", "x", 0, &x) == 0 && conv_i64(v[1], "split", "num", &num) == 0 &&
        (!v[2] || conv_i64(v[2], "split", "axis", &axis) == 0)) {
        if (num <= 0 || num > (1 << 20)) { PyErr_Format(PyExc_ValueError, "split: num must be in 1...%d, got %lld", 1 << 20, (long long)num); }
        else {
            sk_tensor **outs = PyMem_Calloc((size_t)num, sizeof(sk_tensor *));
            if (!outs) PyErr_NoMemory();
            else {
                int32_t st = sk_split(x, num, axis, outs, (int32_t)num);
                res = list_of_outs(st, outs, (int32_t)num);
                PyMem_Free(outs);
            }
        }
    }
    conv_free(&c);
    return res;
}

static PyObject *m_split_sizes(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"x", "sizes", "axis"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("split_sizes", args, nargs, kwnames, kw, 3, "rro", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *x; const int64_t *sizes; int32_t n; int64_t axis = 0;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[0], "split_sizes", "x", 0, &x) == 0 && conv_ints(&c, v[1], "split_sizes", "sizes", 0, &sizes, &n) == 0 &&
        (!v[2] || conv_i64(v[2], "split_sizes", "axis", &axis) == 0)) {
        sk_tensor **outs = PyMem_Calloc((size_t)n + 1, sizeof(sk_tensor *));
        if (!outs) PyErr_NoMemory();
        else {
            int32_t st = sk_split_sizes(x, sizes, n, axis, outs, n);
            res = list_of_outs(st, outs, n);
            PyMem_Free(outs);
        }
    }
    conv_free(&c);
    return res;
}

/* custom_gradient(forward, backward, inputs): forward(*inputs) -> y; backward(upstream, *inputs) -> grads */
static PyObject *m_custom_gradient(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"forward", "backward", "inputs"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("custom_gradient", args, nargs, kwnames, kw, 3, "rrr", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_function *fw, *bw;
    const sk_tensor *const *ins; int32_t n;
    PyObject *res = NULL;
    if (conv_function(&c, v[0], "custom_gradient", "forward", 0, &fw) == 0 &&
        conv_function(&c, v[1], "custom_gradient", "backward", 0, &bw) == 0 &&
        conv_tlist(&c, v[2], "custom_gradient", "inputs", &ins, &n) == 0) {
        sk_tensor *out = NULL;
        int32_t st = sk_custom_gradient(fw, bw, ins, n, &out);
        res = finish(st, out);
    }
    conv_free(&c);
    return res;
}

/* ------------------------------------------------------------------------------------------
 * Keras backend additions (hand-written in the C API): map_fn, foldl/foldr, rnn, CTC decoding,
 * moving_average_update. Callables become sk_functions (conv_function); the C call runs with the
 * GIL released and the callbacks take it back; a Python exception raised inside a callback is
 * parked by callback_fail and re-raised unchanged by raise_status.
 * ---------------------------------------------------------------------------------------- */
#define MAX_OUTPUTS 65536

/* Forgets an exception parked by a callback when the C call succeeded anyway. */
static void drop_pending(void) {
    Py_CLEAR(pending_type); Py_CLEAR(pending_value); Py_CLEAR(pending_tb);
}

/* The output-slot count n_outputs as a C int (values < 1 pass through for the core to reject). */
static int conv_count(PyObject *o, const char *fn, const char *name, int32_t *out) {
    int64_t n;
    if (conv_i64(o, fn, name, &n) < 0) return -1;
    if (n > MAX_OUTPUTS) {
        PyErr_Format(PyExc_ValueError, "%s: %s must be at most %d, got %lld", fn, name, MAX_OUTPUTS, (long long)n);
        return -1;
    }
    *out = n < 0 ? -1 : (int32_t)n;
    return 0;
}

/* n caller-owned handles as a list; releases them on failure. */
static PyObject *take_list(sk_tensor **outs, int32_t n) {
    PyObject *l = PyList_New(n > 0 ? n : 0);
    for (int32_t i = 0; i < n; i++) {
        PyObject *t;
        if (outs[i]) { t = l ? wrap_tensor(outs[i]) : (sk_tensor_release(outs[i]), NULL); outs[i] = NULL; }
        else { t = Py_None; Py_INCREF(t); }
        if (l && t) PyList_SET_ITEM(l, i, t);
        else { Py_XDECREF(t); Py_CLEAR(l); }
    }
    return l;
}

/* map_fn(fn, elems, n_outputs=1) -> list of Tensor */
static PyObject *m_map_fn(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"fn", "elems", "n_outputs"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("map_fn", args, nargs, kwnames, kw, 3, "rro", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_function *fn; const sk_tensor *const *elems; int32_t n_elems, n_out = 1;
    PyObject *res = NULL;
    sk_tensor **outs = NULL;
    if (conv_function(&c, v[0], "map_fn", "fn", 0, &fn) < 0) goto done;
    if (conv_tlist(&c, v[1], "map_fn", "elems", &elems, &n_elems) < 0) goto done;
    if (v[2] && v[2] != Py_None && conv_count(v[2], "map_fn", "n_outputs", &n_out) < 0) goto done;
    outs = PyMem_Calloc((size_t)(n_out > 0 ? n_out : 1), sizeof(sk_tensor *));
    if (!outs) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        Py_BEGIN_ALLOW_THREADS
        st = sk_map_fn(fn, elems, n_elems, outs, n_out);
        Py_END_ALLOW_THREADS
        if (st) { raise_status(st); goto done; }
        drop_pending();
        res = take_list(outs, n_out);
    }
done:
    PyMem_Free(outs);
    conv_free(&c);
    return res;
}

typedef int32_t (*foldfn)(const sk_function *, const sk_tensor *const *, int32_t,
                          const sk_tensor *const *, int32_t, sk_tensor **, int32_t);

/* foldl/foldr(fn, elems, initializer=None, n_outputs=None) -> list of Tensor */
static PyObject *fold_common(const char *name, foldfn f, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"fn", "elems", "initializer", "n_outputs"};
    PyObject *v[4];
    if (sk_parse(name, args, nargs, kwnames, kw, 4, "rroo", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_function *fn; const sk_tensor *const *elems, *const *init = NULL;
    int32_t n_elems, n_init = 0, n_out;
    PyObject *res = NULL;
    sk_tensor **outs = NULL;
    if (conv_function(&c, v[0], name, "fn", 0, &fn) < 0) goto done;
    if (conv_tlist(&c, v[1], name, "elems", &elems, &n_elems) < 0) goto done;
    if (v[2] && v[2] != Py_None && conv_tlist(&c, v[2], name, "initializer", &init, &n_init) < 0) goto done;
    if (init && n_init == 0) {
        PyErr_Format(PyExc_ValueError, "%s: initializer must hold at least one tensor (or be None)", name);
        goto done;
    }
    n_out = init ? n_init : n_elems;     /* the accumulator count */
    if (v[3] && v[3] != Py_None && conv_count(v[3], name, "n_outputs", &n_out) < 0) goto done;
    outs = PyMem_Calloc((size_t)(n_out > 0 ? n_out : 1), sizeof(sk_tensor *));
    if (!outs) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        Py_BEGIN_ALLOW_THREADS
        st = f(fn, elems, n_elems, init, n_init, outs, n_out);
        Py_END_ALLOW_THREADS
        if (st) { raise_status(st); goto done; }
        drop_pending();
        res = take_list(outs, n_out);
    }
done:
    PyMem_Free(outs);
    conv_free(&c);
    return res;
}
static PyObject *m_foldl(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return fold_common("foldl", sk_foldl, a, n, k); }
static PyObject *m_foldr(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return fold_common("foldr", sk_foldr, a, n, k); }

/* rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
 *     unroll=False, input_length=None) -> (last_output, outputs, new_states list) */
static PyObject *m_rnn(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"step_function", "inputs", "initial_states", "go_backwards", "mask",
                                     "constants", "unroll", "input_length"};
    PyObject *v[8];
    (void)self;
    if (sk_parse("rnn", args, nargs, kwnames, kw, 8, "rrrooooo", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_function *fn; const sk_tensor *inputs, *mask, *input_length;
    const sk_tensor *const *states, *const *consts = NULL;
    int32_t n_states, n_consts = 0;
    uint8_t back, unroll;
    PyObject *res = NULL;
    sk_tensor **new_states = NULL, *last = NULL, *outputs = NULL;
    if (conv_function(&c, v[0], "rnn", "step_function", 0, &fn) < 0) goto done;
    if (conv_tensor(&c, v[1], "rnn", "inputs", 0, &inputs) < 0) goto done;
    if (conv_tlist(&c, v[2], "rnn", "initial_states", &states, &n_states) < 0) goto done;
    if (conv_bool(v[3], "rnn", "go_backwards", &back) < 0) goto done;
    if (conv_tensor(&c, v[4], "rnn", "mask", 1, &mask) < 0) goto done;
    if (v[5] && v[5] != Py_None && conv_tlist(&c, v[5], "rnn", "constants", &consts, &n_consts) < 0) goto done;
    if (conv_bool(v[6], "rnn", "unroll", &unroll) < 0) goto done;
    if (conv_tensor(&c, v[7], "rnn", "input_length", 1, &input_length) < 0) goto done;
    if (n_states > MAX_OUTPUTS - 1) { PyErr_SetString(PyExc_ValueError, "rnn: too many states"); goto done; }
    new_states = PyMem_Calloc((size_t)n_states + 1, sizeof(sk_tensor *));
    if (!new_states) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        Py_BEGIN_ALLOW_THREADS
        st = sk_rnn(fn, inputs, states, n_states, back, mask, consts, n_consts, unroll, input_length,
                    &last, &outputs, new_states);
        Py_END_ALLOW_THREADS
        if (st) { raise_status(st); goto done; }
        drop_pending();
        PyObject *l = take_list(new_states, n_states);
        PyObject *a = wrap_tensor(last), *b = wrap_tensor(outputs);
        last = outputs = NULL;
        if (l && a && b) res = PyTuple_Pack(3, a, b, l);
        Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(l);
    }
done:
    if (new_states) for (int32_t i = 0; i < n_states; i++) sk_tensor_release(new_states[i]);
    sk_tensor_release(last);
    sk_tensor_release(outputs);
    PyMem_Free(new_states);
    conv_free(&c);
    return res;
}

/* ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1) -> (decoded list, log_prob) */
static PyObject *m_ctc_decode(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"y_pred", "input_length", "greedy", "beam_width", "top_paths"};
    PyObject *v[5];
    (void)self;
    if (sk_parse("ctc_decode", args, nargs, kwnames, kw, 5, "rrooo", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *y, *il;
    uint8_t greedy = 1;
    int64_t beam = 100, top = 1;
    int32_t cap = 1;
    PyObject *res = NULL;
    sk_tensor **decoded = NULL, *log_prob = NULL;
    if (conv_tensor(&c, v[0], "ctc_decode", "y_pred", 0, &y) < 0) goto done;
    if (conv_tensor(&c, v[1], "ctc_decode", "input_length", 0, &il) < 0) goto done;
    if (v[2] && conv_bool(v[2], "ctc_decode", "greedy", &greedy) < 0) goto done;
    if (v[3] && v[3] != Py_None && conv_i64(v[3], "ctc_decode", "beam_width", &beam) < 0) goto done;
    if (v[4] && v[4] != Py_None && conv_i64(v[4], "ctc_decode", "top_paths", &top) < 0) goto done;
    if (!greedy && top > 1) {   /* beam search fills top_paths slots */
        if (top > MAX_OUTPUTS) { PyErr_Format(PyExc_ValueError, "ctc_decode: top_paths must be at most %d", MAX_OUTPUTS); goto done; }
        cap = (int32_t)top;
    }
    decoded = PyMem_Calloc((size_t)cap, sizeof(sk_tensor *));
    if (!decoded) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_ctc_decode(y, il, greedy, beam, top, decoded, cap, &log_prob); Py_END_ALLOW_THREADS }
        else st = sk_ctc_decode(y, il, greedy, beam, top, decoded, cap, &log_prob);
        if (st) { raise_status(st); goto done; }
        int32_t n = 0;
        while (n < cap && decoded[n]) n++;
        PyObject *l = take_list(decoded, n);
        PyObject *lp = wrap_tensor(log_prob);
        log_prob = NULL;
        if (l && lp) res = PyTuple_Pack(2, l, lp);
        Py_XDECREF(l); Py_XDECREF(lp);
    }
done:
    if (decoded) for (int32_t i = 0; i < cap; i++) sk_tensor_release(decoded[i]);
    sk_tensor_release(log_prob);
    PyMem_Free(decoded);
    conv_free(&c);
    return res;
}

/* ctc_label_dense_to_sparse(labels, label_lengths) -> (indices, values, dense_shape) */
static PyObject *m_ctc_label_dense_to_sparse(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"labels", "label_lengths"};
    PyObject *v[2];
    (void)self;
    if (sk_parse("ctc_label_dense_to_sparse", args, nargs, kwnames, kw, 2, "rr", v) < 0) return NULL;
    Conv c; conv_init(&c);
    const sk_tensor *labels, *lengths;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[0], "ctc_label_dense_to_sparse", "labels", 0, &labels) == 0 &&
        conv_tensor(&c, v[1], "ctc_label_dense_to_sparse", "label_lengths", 0, &lengths) == 0) {
        sk_tensor *o[3] = {NULL, NULL, NULL};
        int32_t st = sk_ctc_label_dense_to_sparse(labels, lengths, &o[0], &o[1], &o[2]);
        if (st) raise_status(st);
        else {
            PyObject *a = wrap_tensor(o[0]), *b = wrap_tensor(o[1]), *d = wrap_tensor(o[2]);
            if (a && b && d) res = PyTuple_Pack(3, a, b, d);
            Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(d);
        }
    }
    conv_free(&c);
    return res;
}

/* moving_average_update(variable, value, momentum) -> Tensor (the new value) */
static PyObject *m_moving_average_update(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kw[] = {"variable", "value", "momentum"};
    PyObject *v[3];
    (void)self;
    if (sk_parse("moving_average_update", args, nargs, kwnames, kw, 3, "rrr", v) < 0) return NULL;
    if (!Variable_Check(v[0])) {
        PyErr_Format(PyExc_TypeError, "moving_average_update: argument 'variable' must be a Variable, got %.100s",
                     Py_TYPE(v[0])->tp_name);
        return NULL;
    }
    Conv c; conv_init(&c);
    const sk_tensor *value;
    double momentum;
    PyObject *res = NULL;
    if (conv_tensor(&c, v[1], "moving_average_update", "value", 0, &value) == 0 &&
        conv_f64(v[2], "moving_average_update", "momentum", &momentum) == 0) {
        sk_tensor *out = NULL; int32_t st;
        sk_variable *var = ((VariableObject *)v[0])->v;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_moving_average_update(var, value, momentum, &out); Py_END_ALLOW_THREADS }
        else st = sk_moving_average_update(var, value, momentum, &out);
        res = finish(st, out);
    }
    conv_free(&c);
    return res;
}

/* ------------------------------------------------------------------------------------------
 * Keras machinery (hand-written): layers, models, optimizers, losses, fit.
 * Handles travel as PyCapsules named after their C type; the capsule owns one reference.
 * ---------------------------------------------------------------------------------------- */
static PyObject *variable_class;   /* swiftkeras.Variable, registered by the package */

/* Steals the handle. */
static PyObject *wrap_variable(sk_variable *v) {
    PyTypeObject *tp = variable_class ? (PyTypeObject *)variable_class : &VariableType;
    VariableObject *o = (VariableObject *)tp->tp_alloc(tp, 0);
    if (!o) { sk_variable_release(v); return NULL; }
    o->v = v;
    return (PyObject *)o;
}

static PyObject *m_register_variable_class(PyObject *self, PyObject *cls) {
    (void)self;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &VariableType)) {
        PyErr_SetString(PyExc_TypeError, "expected a subclass of _native.Variable");
        return NULL;
    }
    Py_INCREF(cls);
    Py_XSETREF(variable_class, cls);
    Py_RETURN_NONE;
}

#define KH_DESTRUCTOR(T) \
    static void cap_##T##_destroy(PyObject *cap) { \
        T *h = (T *)PyCapsule_GetPointer(cap, #T); \
        if (h) T##_release(h); else PyErr_Clear(); \
    }
KH_DESTRUCTOR(sk_layer)
KH_DESTRUCTOR(sk_model)
KH_DESTRUCTOR(sk_optimizer)
KH_DESTRUCTOR(sk_loss)
KH_DESTRUCTOR(sk_keras_tensor)

#define KH_WRAP(T, h) PyCapsule_New((void *)(h), #T, cap_##T##_destroy)
#define KH_FINISH(T, st, h) ((st) != SK_OK ? raise_status(st) : wrap_owned_##T(h))
#define KH_WRAPFN(T) \
    static PyObject *wrap_owned_##T(T *h) { \
        PyObject *c = KH_WRAP(T, h); \
        if (!c) T##_release(h); \
        return c; \
    }
KH_WRAPFN(sk_layer)
KH_WRAPFN(sk_model)
KH_WRAPFN(sk_optimizer)
KH_WRAPFN(sk_loss)
KH_WRAPFN(sk_keras_tensor)

static void *handle_get(PyObject *o, const char *name) {
    void *p = PyCapsule_IsValid(o, name) ? PyCapsule_GetPointer(o, name) : NULL;
    if (!p) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "expected a %s handle, got %.100s", name, Py_TYPE(o)->tp_name);
    }
    return p;
}
#define HGET(T, o) ((T *)handle_get((o), #T))

static const char *opt_str(PyObject *o, const char *what) {
    if (!o || o == Py_None) return NULL;
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a string or None", what);
        return (const char *)-1;
    }
    return PyUnicode_AsUTF8(o);
}
#define BADSTR(s) ((s) == (const char *)-1)

/* A list of new tensor handles from a sequence of tensor-likes (a single tensor-like that is not
 * a list/tuple counts as one). Frees with tlist_free. */
typedef struct { sk_tensor **h; int32_t n; } TList;
static void tlist_free(TList *l) {
    for (int32_t i = 0; i < l->n; i++) sk_tensor_release(l->h[i]);
    PyMem_Free(l->h);
    l->h = NULL; l->n = 0;
}
static int tlist_from(PyObject *o, TList *l, int as_seq) {
    l->h = NULL; l->n = 0;
    if (!as_seq || !(PyList_Check(o) || PyTuple_Check(o))) {
        l->h = PyMem_Malloc(sizeof(sk_tensor *));
        if (!l->h) { PyErr_NoMemory(); return -1; }
        if (!(l->h[0] = convert_obj(o, 0))) { PyMem_Free(l->h); l->h = NULL; return -1; }
        l->n = 1;
        return 0;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    l->h = PyMem_Malloc(sizeof(sk_tensor *) * (size_t)(n ? n : 1));
    if (!l->h) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        sk_tensor *t = convert_obj(PySequence_Fast_GET_ITEM(o, i), 0);
        if (!t) { tlist_free(l); return -1; }
        l->h[l->n++] = t;
    }
    return 0;
}

/* borrowed handle pointers from a sequence of capsules */
static void **hlist_from(PyObject *seq, const char *name, int32_t *n) {
    PyObject *f = PySequence_Fast(seq, "expected a sequence");
    if (!f) return NULL;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(f);
    void **a = PyMem_Malloc(sizeof(void *) * (size_t)(k ? k : 1));
    if (!a) { Py_DECREF(f); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < k; i++) {
        if (!(a[i] = handle_get(PySequence_Fast_GET_ITEM(f, i), name))) { PyMem_Free(a); Py_DECREF(f); return NULL; }
    }
    Py_DECREF(f);   /* the caller keeps seq (and so the capsules) alive */
    *n = (int32_t)k;
    return a;
}

static PyObject *shape_tuple(const int64_t *s, int32_t nd) {
    PyObject *t = PyTuple_New(nd);
    if (!t) return NULL;
    for (int32_t i = 0; i < nd; i++) {
        PyObject *d = s[i] < 0 ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(s[i]);
        if (!d) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, i, d);
    }
    return t;
}

static int read_shape(PyObject *o, int64_t *dims, int32_t *nd) {
    PyObject *f = PySequence_Fast(o, "a shape must be a sequence of ints");
    if (!f) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
    if (n > 32) { Py_DECREF(f); PyErr_SetString(PyExc_ValueError, "shape: rank > 32"); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(f, i);
        if (it == Py_None) { dims[i] = -1; continue; }
        dims[i] = PyLong_AsLongLong(it);
        if (dims[i] == -1 && PyErr_Occurred()) { Py_DECREF(f); return -1; }
    }
    Py_DECREF(f);
    *nd = (int32_t)n;
    return 0;
}

/* ---- layers ---- */
static PyObject *k_layer_create(PyObject *self, PyObject *args) {
    (void)self;
    const char *cls, *cfg = NULL;
    if (!PyArg_ParseTuple(args, "s|z", &cls, &cfg)) return NULL;
    sk_layer *l = NULL;
    int32_t st = sk_layer_create(cls, cfg, &l);
    return KH_FINISH(sk_layer, st, l);
}

/* user_data of a custom layer: a tuple (build or None, call) */
static int32_t custom_build(void *ud, sk_layer *layer, const int64_t *shape, int32_t nd) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *fn = PyTuple_GET_ITEM((PyObject *)ud, 0);
    if (fn != Py_None) {
        PyObject *cap = PyCapsule_New(layer, "sk_layer", NULL);   /* borrowed: no destructor */
        PyObject *sh = cap ? shape_tuple(shape, nd) : NULL;
        PyObject *r = sh ? PyObject_CallFunctionObjArgs(fn, cap, sh, NULL) : NULL;
        if (!r) rc = callback_fail();
        Py_XDECREF(r); Py_XDECREF(sh); Py_XDECREF(cap);
    }
    PyGILState_Release(g);
    return rc;
}

static int32_t custom_call(void *ud, sk_layer *layer, const sk_tensor *const *inputs, int32_t n,
                           uint8_t training, sk_tensor **out) {
    (void)layer;
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *fn = PyTuple_GET_ITEM((PyObject *)ud, 1);
    PyObject *lst = PyList_New(n), *r = NULL;
    if (!lst) { rc = callback_fail(); goto out; }
    for (int32_t i = 0; i < n; i++) {
        PyObject *t = wrap_tensor(sk_tensor_retain((sk_tensor *)inputs[i]));
        if (!t) { rc = callback_fail(); goto out; }
        PyList_SET_ITEM(lst, i, t);
    }
    r = PyObject_CallFunctionObjArgs(fn, lst, training ? Py_True : Py_False, NULL);
    if (!r) { rc = callback_fail(); goto out; }
    if (!(*out = convert_obj(r, 0))) rc = callback_fail();
out:
    Py_XDECREF(lst); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_layer_create_custom(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *name, *build, *call;
    if (!PyArg_ParseTuple(args, "OOO", &name, &build, &call)) return NULL;
    const char *nm = opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    if (!PyCallable_Check(call) || (build != Py_None && !PyCallable_Check(build))) {
        PyErr_SetString(PyExc_TypeError, "layer_create_custom: build and call must be callables");
        return NULL;
    }
    PyObject *ud = PyTuple_Pack(2, build, call);
    if (!ud) return NULL;
    sk_layer *l = NULL;
    int32_t st = sk_layer_create_custom(nm, custom_build, custom_call, ud, callback_destroy, &l);
    return KH_FINISH(sk_layer, st, l);
}

static PyObject *k_layer_add_weight(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *shape;
    const char *name, *init = NULL;
    int trainable = 1;
    if (!PyArg_ParseTuple(args, "OsO|zp", &lc, &name, &shape, &init, &trainable)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    int64_t dims[32]; int32_t nd;
    if (read_shape(shape, dims, &nd) < 0) return NULL;
    sk_variable *v = NULL;
    int32_t st = sk_layer_add_weight(l, name, dims, nd, init, (uint8_t)trainable, &v);
    if (st) return raise_status(st);
    return wrap_variable(v);
}

static PyObject *k_layer_call(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *x;
    int training = 0;
    if (!PyArg_ParseTuple(args, "OO|p", &lc, &x, &training)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    TList tl;
    if (tlist_from(x, &tl, 1) < 0) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_layer_call(l, (const sk_tensor *const *)tl.h, tl.n, (uint8_t)training, &out);
    tlist_free(&tl);
    return finish(st, out);
}

static PyObject *k_layer_weights(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc;
    int vars = 0, trainable_only = 0;
    if (!PyArg_ParseTuple(args, "O|pp", &lc, &vars, &trainable_only)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    int32_t n = 0, st;
    st = vars ? sk_layer_variables(l, (uint8_t)trainable_only, NULL, 0, &n) : sk_layer_weights(l, NULL, 0, &n);
    if (st) return raise_status(st);
    void **a = PyMem_Calloc((size_t)(n ? n : 1), sizeof(void *));
    if (!a) return PyErr_NoMemory();
    st = vars ? sk_layer_variables(l, (uint8_t)trainable_only, (sk_variable **)a, n, &n)
              : sk_layer_weights(l, (sk_tensor **)a, n, &n);
    if (st) { PyMem_Free(a); return raise_status(st); }
    PyObject *lst = PyList_New(n);
    for (int32_t i = 0; i < n; i++) {
        PyObject *o = NULL;
        if (lst) o = vars ? wrap_variable((sk_variable *)a[i]) : wrap_tensor((sk_tensor *)a[i]);
        else if (vars) sk_variable_release((sk_variable *)a[i]);
        else sk_tensor_release((sk_tensor *)a[i]);
        if (lst && !o) { Py_CLEAR(lst); continue; }
        if (lst) PyList_SET_ITEM(lst, i, o);
    }
    PyMem_Free(a);
    return lst;
}

static PyObject *k_layer_set_weights(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *vals;
    if (!PyArg_ParseTuple(args, "OO", &lc, &vals)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    PyObject *f = PySequence_Fast(vals, "set_weights: expected a list of arrays");
    if (!f) return NULL;
    TList tl;
    int r = tlist_from(f, &tl, 1);
    Py_DECREF(f);
    if (r < 0) return NULL;
    int32_t st = sk_layer_set_weights(l, (const sk_tensor *const *)tl.h, tl.n);
    tlist_free(&tl);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *k_layer_name(PyObject *self, PyObject *lc) {
    (void)self;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    size_t len = 0;
    int32_t st = sk_layer_name(l, NULL, 0, &len);
    if (st) return raise_status(st);
    char *buf = PyMem_Malloc(len + 1);
    if (!buf) return PyErr_NoMemory();
    st = sk_layer_name(l, buf, len + 1, &len);
    PyObject *r = st ? raise_status(st) : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
    PyMem_Free(buf);
    return r;
}

static PyObject *k_layer_count_params(PyObject *self, PyObject *lc) {
    (void)self;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    return PyLong_FromLongLong(sk_layer_count_params(l));
}

/* ---- functional API ---- */
static PyObject *k_input(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *shape, *dtype = Py_None, *name = Py_None;
    if (!PyArg_ParseTuple(args, "O|OO", &shape, &dtype, &name)) return NULL;
    int64_t dims[32]; int32_t nd;
    if (read_shape(shape, dims, &nd) < 0) return NULL;
    int32_t d = dtype == Py_None ? SK_FLOAT32 : dtype_code_of(dtype, 0);
    if (d < 0) return NULL;
    const char *nm = opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    sk_keras_tensor *kt = NULL;
    int32_t st = sk_input(dims, nd, d, nm, &kt);
    return KH_FINISH(sk_keras_tensor, st, kt);
}

static PyObject *k_layer_call_symbolic(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *ins;
    if (!PyArg_ParseTuple(args, "OO", &lc, &ins)) return NULL;
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    int32_t n;
    void **a = hlist_from(ins, "sk_keras_tensor", &n);
    if (!a) return NULL;
    sk_keras_tensor *kt = NULL;
    int32_t st = sk_layer_call_symbolic(l, (const sk_keras_tensor *const *)a, n, &kt);
    PyMem_Free(a);
    return KH_FINISH(sk_keras_tensor, st, kt);
}

static PyObject *k_keras_tensor_shape(PyObject *self, PyObject *kc) {
    (void)self;
    sk_keras_tensor *kt = HGET(sk_keras_tensor, kc);
    if (!kt) return NULL;
    int64_t dims[64]; int32_t nd = 0;
    int32_t st = sk_keras_tensor_shape(kt, dims, 64, &nd);
    if (st) return raise_status(st);
    return shape_tuple(dims, nd);
}

static PyObject *k_model_create(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *ins, *outs, *name = Py_None;
    if (!PyArg_ParseTuple(args, "OO|O", &ins, &outs, &name)) return NULL;
    const char *nm = opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    int32_t ni, no;
    void **a = hlist_from(ins, "sk_keras_tensor", &ni);
    if (!a) return NULL;
    void **b = hlist_from(outs, "sk_keras_tensor", &no);
    if (!b) { PyMem_Free(a); return NULL; }
    sk_model *m = NULL;
    int32_t st = sk_model_create((const sk_keras_tensor *const *)a, ni, (const sk_keras_tensor *const *)b, no, nm, &m);
    PyMem_Free(a); PyMem_Free(b);
    return KH_FINISH(sk_model, st, m);
}

static PyObject *k_sequential_create(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *layers, *name = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &layers, &name)) return NULL;
    const char *nm = opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    int32_t n;
    void **a = hlist_from(layers, "sk_layer", &n);
    if (!a) return NULL;
    sk_model *m = NULL;
    int32_t st = sk_sequential_create((const sk_layer *const *)a, n, nm, &m);
    PyMem_Free(a);
    return KH_FINISH(sk_model, st, m);
}

static PyObject *k_model_add(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *lc;
    if (!PyArg_ParseTuple(args, "OO", &mc, &lc)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    sk_layer *l = m ? HGET(sk_layer, lc) : NULL;
    if (!l) return NULL;
    int32_t st = sk_model_add(m, l);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *k_model_as_layer(PyObject *self, PyObject *mc) {
    (void)self;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    sk_layer *l = NULL;
    int32_t st = sk_model_as_layer(m, &l);
    return KH_FINISH(sk_layer, st, l);
}

/* ---- optimizers and losses ---- */
static PyObject *k_optimizer_create(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    double lr = 0;
    if (!PyArg_ParseTuple(args, "s|d", &name, &lr)) return NULL;
    sk_optimizer *o = NULL;
    int32_t st = sk_optimizer_create(name, lr, &o);
    return KH_FINISH(sk_optimizer, st, o);
}

static PyObject *k_optimizer_learning_rate(PyObject *self, PyObject *oc) {
    (void)self;
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    double lr = 0;
    int32_t st = sk_optimizer_learning_rate(o, &lr);
    if (st) return raise_status(st);
    return PyFloat_FromDouble(lr);
}

static PyObject *k_optimizer_set_learning_rate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oc;
    double lr;
    if (!PyArg_ParseTuple(args, "Od", &oc, &lr)) return NULL;
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    int32_t st = sk_optimizer_set_learning_rate(o, lr);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *k_optimizer_apply_gradients(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oc, *grads, *vars;
    if (!PyArg_ParseTuple(args, "OOO", &oc, &grads, &vars)) return NULL;
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    PyObject *vf = PySequence_Fast(vars, "apply_gradients: variables must be a sequence");
    if (!vf) return NULL;
    PyObject *gf = PySequence_Fast(grads, "apply_gradients: gradients must be a sequence");
    if (!gf) { Py_DECREF(vf); return NULL; }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(vf);
    PyObject *res = NULL;
    TList tl = {NULL, 0};
    sk_variable **va = NULL;
    if (PySequence_Fast_GET_SIZE(gf) != n) {
        PyErr_Format(PyExc_ValueError, "apply_gradients: %zd gradients for %zd variables", PySequence_Fast_GET_SIZE(gf), n);
        goto done;
    }
    va = PyMem_Malloc(sizeof(sk_variable *) * (size_t)(n ? n : 1));
    if (!va) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(vf, i);
        if (!Variable_Check(v)) {
            PyErr_Format(PyExc_TypeError, "apply_gradients: expected Variables, got %.100s", Py_TYPE(v)->tp_name);
            goto done;
        }
        va[i] = ((VariableObject *)v)->v;
    }
    if (tlist_from(gf, &tl, 1) < 0) goto done;
    int32_t st = sk_optimizer_apply_gradients(o, (const sk_tensor *const *)tl.h, va, (int32_t)n);
    if (st) { raise_status(st); goto done; }
    Py_INCREF(Py_None); res = Py_None;
done:
    tlist_free(&tl);
    PyMem_Free(va);
    Py_DECREF(vf); Py_DECREF(gf);
    return res;
}

static PyObject *k_loss_create(PyObject *self, PyObject *args) {
    (void)self;
    const char *name, *config = NULL;
    if (!PyArg_ParseTuple(args, "s|z", &name, &config)) return NULL;
    sk_loss *l = NULL;
    int32_t st = config ? sk_loss_create_config(name, config, &l) : sk_loss_create(name, &l);
    return KH_FINISH(sk_loss, st, l);
}

static int32_t custom_loss(void *ud, const sk_tensor *yt, const sk_tensor *yp, sk_tensor **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *a = wrap_tensor(sk_tensor_retain((sk_tensor *)yt));
    PyObject *b = a ? wrap_tensor(sk_tensor_retain((sk_tensor *)yp)) : NULL;
    PyObject *r = b ? PyObject_CallFunctionObjArgs((PyObject *)ud, a, b, NULL) : NULL;
    if (!r) rc = callback_fail();
    else if (!(*out = convert_obj(r, 0))) rc = callback_fail();
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_loss_create_custom(PyObject *self, PyObject *fn) {
    (void)self;
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "a custom loss must be callable"); return NULL; }
    Py_INCREF(fn);
    sk_loss *l = NULL;
    int32_t st = sk_loss_create_custom(custom_loss, fn, callback_destroy, &l);
    return KH_FINISH(sk_loss, st, l);
}

static PyObject *k_loss_call(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lc, *yt, *yp, *sw = Py_None;
    if (!PyArg_ParseTuple(args, "OOO|O", &lc, &yt, &yp, &sw)) return NULL;
    sk_loss *l = HGET(sk_loss, lc);
    if (!l) return NULL;
    sk_tensor *a = convert_obj(yt, 0), *b = a ? convert_obj(yp, 0) : NULL, *c = NULL;
    if (b && sw != Py_None && !(c = convert_obj(sw, 0))) { sk_tensor_release(a); sk_tensor_release(b); return NULL; }
    if (!b) { sk_tensor_release(a); return NULL; }
    sk_tensor *out = NULL;
    int32_t st = sk_loss_call(l, a, b, c, &out);
    sk_tensor_release(a); sk_tensor_release(b); sk_tensor_release(c);
    return finish(st, out);
}

/* ---- models ---- */
static PyObject *k_model_compile(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *opt, *loss, *metrics = Py_None;
    if (!PyArg_ParseTuple(args, "OOO|O", &mc, &opt, &loss, &metrics)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    const char *on = NULL, *ln = NULL;
    sk_optimizer *oo = NULL;
    sk_loss *lo = NULL;
    if (PyUnicode_Check(opt)) { if (!(on = PyUnicode_AsUTF8(opt))) return NULL; }
    else if (!(oo = HGET(sk_optimizer, opt))) return NULL;
    if (PyUnicode_Check(loss)) { if (!(ln = PyUnicode_AsUTF8(loss))) return NULL; }
    else if (!(lo = HGET(sk_loss, loss))) return NULL;
    const char *names[64];
    int32_t nm = 0;
    PyObject *mf = NULL;
    if (metrics != Py_None) {
        mf = PySequence_Fast(metrics, "metrics must be a list of names");
        if (!mf) return NULL;
        Py_ssize_t k = PySequence_Fast_GET_SIZE(mf);
        if (k > 64) { Py_DECREF(mf); PyErr_SetString(PyExc_ValueError, "compile: at most 64 metrics"); return NULL; }
        for (Py_ssize_t i = 0; i < k; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(mf, i);
            if (!PyUnicode_Check(it)) { Py_DECREF(mf); PyErr_SetString(PyExc_TypeError, "compile: metrics must be names (strings)"); return NULL; }
            if (!(names[nm++] = PyUnicode_AsUTF8(it))) { Py_DECREF(mf); return NULL; }
        }
    }
    int32_t st = sk_model_compile(m, on, oo, ln, lo, nm ? names : NULL, nm);
    Py_XDECREF(mf);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static int32_t progress_cb(void *ud, int32_t epoch, const char *const *names, const double *values, int32_t n) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *logs = PyDict_New(), *r = NULL;
    if (!logs) { rc = callback_fail(); goto out; }
    for (int32_t i = 0; i < n; i++) {
        PyObject *v = PyFloat_FromDouble(values[i]);
        if (!v || PyDict_SetItemString(logs, names[i], v) < 0) { Py_XDECREF(v); rc = callback_fail(); goto out; }
        Py_DECREF(v);
    }
    PyObject *ep = PyLong_FromLong(epoch);
    if (!ep) { rc = callback_fail(); goto out; }
    r = PyObject_CallFunctionObjArgs((PyObject *)ud, ep, logs, NULL);
    Py_DECREF(ep);
    if (!r) { rc = callback_fail(); goto out; }
    int stop = PyObject_IsTrue(r);
    if (stop < 0) { rc = callback_fail(); goto out; }
    if (stop) rc = -1;
out:
    Py_XDECREF(logs); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *history_dict(sk_history *h) {
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    int32_t nk = sk_history_num_keys(h), ne = sk_history_epochs(h);
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(ne > 0 ? ne : 1));
    if (!buf) { Py_DECREF(d); return PyErr_NoMemory(); }
    for (int32_t i = 0; i < nk; i++) {
        const char *k = sk_history_key(h, i);
        int32_t cnt = 0;
        int32_t st = sk_history_values(h, k, buf, ne, &cnt);
        if (st) { PyMem_Free(buf); Py_DECREF(d); return raise_status(st); }
        PyObject *l = PyList_New(cnt);
        if (!l) { PyMem_Free(buf); Py_DECREF(d); return NULL; }
        for (int32_t j = 0; j < cnt; j++) PyList_SET_ITEM(l, j, PyFloat_FromDouble(buf[j]));
        PyDict_SetItemString(d, k, l);
        Py_DECREF(l);
    }
    PyMem_Free(buf);
    return d;
}

static PyObject *k_model_fit(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *x, *y, *progress = Py_None;
    long long batch = 32, seed = -1;
    int epochs = 1, shuffle = 1, verbose = 1;
    double vsplit = 0;
    if (!PyArg_ParseTuple(args, "OOOLidpLi|O", &mc, &x, &y, &batch, &epochs, &vsplit, &shuffle, &seed, &verbose, &progress))
        return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList tx;
    if (tlist_from(x, &tx, 1) < 0) return NULL;
    sk_tensor *ty = convert_obj(y, 0);
    if (!ty) { tlist_free(&tx); return NULL; }
    sk_history *h = NULL;
    int32_t st = sk_model_fit(m, (const sk_tensor *const *)tx.h, tx.n, ty, batch, epochs, vsplit, (uint8_t)shuffle,
                              seed, verbose, progress == Py_None ? NULL : progress_cb,
                              progress == Py_None ? NULL : progress, &h);
    tlist_free(&tx);
    sk_tensor_release(ty);
    if (st) { sk_history_release(h); return raise_status(st); }
    PyObject *d = history_dict(h);
    sk_history_release(h);
    return d;
}

static PyObject *k_model_evaluate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *x, *y;
    long long batch = 32;
    int verbose = 0;
    if (!PyArg_ParseTuple(args, "OOOLi", &mc, &x, &y, &batch, &verbose)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList tx;
    if (tlist_from(x, &tx, 1) < 0) return NULL;
    sk_tensor *ty = convert_obj(y, 0);
    if (!ty) { tlist_free(&tx); return NULL; }
    const char *names[64];
    double values[64];
    int32_t n = 0;
    int32_t st = sk_model_evaluate(m, (const sk_tensor *const *)tx.h, tx.n, ty, batch, verbose, names, values, 64, &n);
    tlist_free(&tx);
    sk_tensor_release(ty);
    if (st) return raise_status(st);
    PyObject *d = PyDict_New();
    for (int32_t i = 0; d && i < n; i++) {
        PyObject *v = PyFloat_FromDouble(values[i]);
        if (!v || PyDict_SetItemString(d, names[i], v) < 0) { Py_XDECREF(v); Py_CLEAR(d); break; }
        Py_DECREF(v);
    }
    return d;
}

static PyObject *k_model_predict(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mc, *x;
    long long batch = 32;
    if (!PyArg_ParseTuple(args, "OOL", &mc, &x, &batch)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    TList tx;
    if (tlist_from(x, &tx, 1) < 0) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_model_predict(m, (const sk_tensor *const *)tx.h, tx.n, batch, &out);
    tlist_free(&tx);
    return finish(st, out);
}

static PyObject *k_model_summary(PyObject *self, PyObject *mc) {
    (void)self;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    size_t len = 0;
    int32_t st = sk_model_summary(m, NULL, 0, &len);
    if (st && st != SK_ERR_INVALID_ARG) return raise_status(st);
    char *buf = PyMem_Malloc(len + 1);
    if (!buf) return PyErr_NoMemory();
    st = sk_model_summary(m, buf, len + 1, &len);
    PyObject *r = st ? raise_status(st) : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
    PyMem_Free(buf);
    return r;
}

static void output_cb(void *ud, const char *line) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *s = PyUnicode_DecodeUTF8(line, (Py_ssize_t)strlen(line), "replace");
    PyObject *r = s ? PyObject_CallFunctionObjArgs((PyObject *)ud, s, NULL) : NULL;
    if (!r) PyErr_WriteUnraisable((PyObject *)ud);
    Py_XDECREF(r); Py_XDECREF(s);
    PyGILState_Release(g);
}

/* model_set_output_callback / model_set_live_callback: a Python callable (or None) as one of
 * the model's line callbacks. */
typedef int32_t (*model_line_setter)(sk_model *, sk_output_fn, void *, void (*)(void *));

static PyObject *set_model_line_callback(PyObject *args, model_line_setter set, const char *what) {
    PyObject *mc, *fn;
    if (!PyArg_ParseTuple(args, "OO", &mc, &fn)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    int32_t st;
    if (fn == Py_None) st = set(m, NULL, NULL, NULL);
    else {
        if (!PyCallable_Check(fn)) { PyErr_Format(PyExc_TypeError, "%s callback must be callable", what); return NULL; }
        Py_INCREF(fn);
        st = set(m, output_cb, fn, callback_destroy);
    }
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *k_model_set_output_callback(PyObject *self, PyObject *args) {
    (void)self;
    return set_model_line_callback(args, sk_model_set_output_callback, "output");
}

static PyObject *k_model_set_live_callback(PyObject *self, PyObject *args) {
    (void)self;
    return set_model_line_callback(args, sk_model_set_live_callback, "live");
}

static PyObject *k_model_trainable_weights(PyObject *self, PyObject *mc) {
    (void)self;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    int32_t n = 0;
    int32_t st = sk_model_trainable_weights(m, NULL, 0, &n);
    if (st) return raise_status(st);
    sk_variable **a = PyMem_Calloc((size_t)(n ? n : 1), sizeof(sk_variable *));
    if (!a) return PyErr_NoMemory();
    st = sk_model_trainable_weights(m, a, n, &n);
    if (st) { PyMem_Free(a); return raise_status(st); }
    PyObject *lst = PyList_New(n);
    for (int32_t i = 0; i < n; i++) {
        if (!lst) { sk_variable_release(a[i]); continue; }
        PyObject *o = wrap_variable(a[i]);
        if (!o) { Py_CLEAR(lst); continue; }
        PyList_SET_ITEM(lst, i, o);
    }
    PyMem_Free(a);
    return lst;
}

/* ---- saving ---- */
/* path: str or os.PathLike, encoded with the filesystem encoding. Returns a new bytes object. */
static PyObject *fs_path(PyObject *o) {
    PyObject *b = NULL;
    if (!PyUnicode_FSConverter(o, &b)) return NULL;
    return b;
}

static PyObject *model_path_call(PyObject *args, int32_t (*fn)(sk_model *, const char *)) {
    PyObject *mc, *po;
    if (!PyArg_ParseTuple(args, "OO", &mc, &po)) return NULL;
    sk_model *m = HGET(sk_model, mc);
    if (!m) return NULL;
    PyObject *b = fs_path(po);
    if (!b) return NULL;
    int32_t st;
    const char *path = PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    st = fn(m, path);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static int32_t save_weights_fn(sk_model *m, const char *p) { return sk_model_save_weights(m, p); }
static int32_t load_weights_fn(sk_model *m, const char *p) { return sk_model_load_weights(m, p); }
static int32_t save_fn(sk_model *m, const char *p) { return sk_model_save(m, p); }

static PyObject *k_model_save_weights(PyObject *self, PyObject *args) { (void)self; return model_path_call(args, save_weights_fn); }
static PyObject *k_model_load_weights(PyObject *self, PyObject *args) { (void)self; return model_path_call(args, load_weights_fn); }
static PyObject *k_model_save(PyObject *self, PyObject *args) { (void)self; return model_path_call(args, save_fn); }

static PyObject *k_model_load(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *po;
    int compile = 1;
    if (!PyArg_ParseTuple(args, "O|p", &po, &compile)) return NULL;
    PyObject *b = fs_path(po);
    if (!b) return NULL;
    sk_model *m = NULL;
    int32_t st;
    const char *path = PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    st = compile ? sk_model_load(path, &m) : sk_model_load_ex(path, 0, &m);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    return KH_FINISH(sk_model, st, m);
}

static PyObject *k_set_global_policy(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    int32_t st = sk_set_global_policy(name);
    if (st) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *k_global_policy(PyObject *self, PyObject *u) {
    (void)self; (void)u;
    char buf[128];
    size_t len = 0;
    int32_t st = sk_global_policy(buf, sizeof buf, &len);
    if (st) return raise_status(st);
    return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
}

#include "native_optimizers.inc"
#include "native_fit.inc"
#include "native_models.inc"
#include "native_saving2.inc"
#include "native_custom_metrics.inc"

#define KERAS_METHODS \
    OPTIMIZERS_METHODS \
    FIT_METHODS \
    MODELS_METHODS \
    SAVING2_METHODS \
    CUSTOM_METRICS_METHODS \
    {"_register_variable_class", m_register_variable_class, METH_O, "Variables created by layers use this class."}, \
    {"layer_create", k_layer_create, METH_VARARGS, "layer_create(class_name, config_json=None) -> layer handle."}, \
    {"layer_create_custom", k_layer_create_custom, METH_VARARGS, "layer_create_custom(name, build(layer, shape) or None, call(inputs, training)) -> layer handle."}, \
    {"layer_add_weight", k_layer_add_weight, METH_VARARGS, "layer_add_weight(layer, name, shape, initializer=None, trainable=True) -> Variable."}, \
    {"layer_call", k_layer_call, METH_VARARGS, "layer_call(layer, inputs, training=False) -> Tensor."}, \
    {"layer_weights", k_layer_weights, METH_VARARGS, "layer_weights(layer, as_variables=False, trainable_only=False) -> list."}, \
    {"layer_set_weights", k_layer_set_weights, METH_VARARGS, "layer_set_weights(layer, values)."}, \
    {"layer_name", k_layer_name, METH_O, "layer_name(layer) -> str."}, \
    {"layer_count_params", k_layer_count_params, METH_O, "layer_count_params(layer) -> int."}, \
    {"input", k_input, METH_VARARGS, "input(shape, dtype=float32, name=None) -> keras tensor handle."}, \
    {"layer_call_symbolic", k_layer_call_symbolic, METH_VARARGS, "layer_call_symbolic(layer, [keras tensors]) -> keras tensor."}, \
    {"keras_tensor_shape", k_keras_tensor_shape, METH_O, "keras_tensor_shape(kt) -> tuple (None = unknown)."}, \
    {"model_create", k_model_create, METH_VARARGS, "model_create(inputs, outputs, name=None) -> model handle."}, \
    {"sequential_create", k_sequential_create, METH_VARARGS, "sequential_create(layers, name=None) -> model handle."}, \
    {"model_add", k_model_add, METH_VARARGS, "model_add(model, layer)."}, \
    {"model_as_layer", k_model_as_layer, METH_O, "model_as_layer(model) -> layer handle."}, \
    {"optimizer_create", k_optimizer_create, METH_VARARGS, "optimizer_create(name, learning_rate=0) -> optimizer handle."}, \
    {"optimizer_learning_rate", k_optimizer_learning_rate, METH_O, "optimizer_learning_rate(opt) -> float."}, \
    {"optimizer_set_learning_rate", k_optimizer_set_learning_rate, METH_VARARGS, "optimizer_set_learning_rate(opt, lr)."}, \
    {"optimizer_apply_gradients", k_optimizer_apply_gradients, METH_VARARGS, "optimizer_apply_gradients(opt, grads, variables)."}, \
    {"loss_create", k_loss_create, METH_VARARGS, "loss_create(name, config_json=None) -> loss handle (a built-in loss with Keras arguments)."}, \
    {"loss_create_custom", k_loss_create_custom, METH_O, "loss_create_custom(fn(y_true, y_pred)) -> loss handle."}, \
    {"loss_call", k_loss_call, METH_VARARGS, "loss_call(loss, y_true, y_pred, sample_weight=None) -> Tensor."}, \
    {"model_compile", k_model_compile, METH_VARARGS, "model_compile(model, optimizer (name or handle), loss (name or handle), metrics=None)."}, \
    {"model_fit", k_model_fit, METH_VARARGS, "model_fit(model, x, y, batch_size, epochs, validation_split, shuffle, seed, verbose, progress=None) -> history dict."}, \
    {"model_evaluate", k_model_evaluate, METH_VARARGS, "model_evaluate(model, x, y, batch_size, verbose) -> dict."}, \
    {"model_predict", k_model_predict, METH_VARARGS, "model_predict(model, x, batch_size) -> Tensor."}, \
    {"model_summary", k_model_summary, METH_O, "model_summary(model) -> str."}, \
    {"model_set_output_callback", k_model_set_output_callback, METH_VARARGS, "model_set_output_callback(model, fn(line) or None)."}, \
    {"model_set_live_callback", k_model_set_live_callback, METH_VARARGS, "model_set_live_callback(model, fn(text) or None): Keras' live progress bar."}, \
    {"model_trainable_weights", k_model_trainable_weights, METH_O, "model_trainable_weights(model) -> list of Variable."}, \
    {"model_save_weights", k_model_save_weights, METH_VARARGS, "model_save_weights(model, path): safetensors file, written atomically."}, \
    {"model_load_weights", k_model_load_weights, METH_VARARGS, "model_load_weights(model, path): all or nothing."}, \
    {"model_save", k_model_save, METH_VARARGS, "model_save(model, path): weights + model and compile configs."}, \
    {"model_load", k_model_load, METH_VARARGS, "model_load(path, compile=True) -> model handle."}, \
    {"set_global_policy", k_set_global_policy, METH_VARARGS, "set_global_policy(name)."}, \
    {"global_policy", k_global_policy, METH_NOARGS, "global_policy() -> str."},


static PyObject *m_set_random_seed(PyObject *self, PyObject *arg) {
    (void)self;
    unsigned long long seed = PyLong_AsUnsignedLongLongMask(arg);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    sk_set_random_seed((uint64_t)seed);
    Py_RETURN_NONE;
}

static PyObject *m_version(PyObject *self, PyObject *u) { (void)self; (void)u; return PyUnicode_FromString(sk_version()); }

#define FASTKW (METH_FASTCALL | METH_KEYWORDS)
#define F(fn) (PyCFunction)(void (*)(void))(fn)
static PyMethodDef module_methods[] = {
    {"convert", F(m_convert), FASTKW, "convert(x, dtype=None) -> Tensor: any tensor-like object as a Tensor."},
    {"as_dtype", m_as_dtype, METH_O, "as_dtype(x) -> DType (from a name, code, numpy dtype or Python type)."},
    {"cast", F(m_cast), FASTKW, "cast(t, dtype) -> Tensor (sk_tensor_cast)."},
    {"scalar", F(m_scalar), FASTKW, "scalar(value, dtype=float32) -> rank-0 Tensor."},
    {"zeros", F(m_zeros), FASTKW, "zeros(shape, dtype=float32)."},
    {"ones", F(m_ones), FASTKW, "ones(shape, dtype=float32)."},
    {"full", F(m_full), FASTKW, "full(shape, value, dtype=float32)."},
    {"eye", F(m_eye), FASTKW, "eye(rows, cols=None, dtype=float32)."},
    {"arange", F(m_arange), FASTKW, "arange(start, stop=None, step=1, dtype=int32)."},
    {"strided_slice", F(m_strided_slice), FASTKW, "strided_slice(x, begin, end, strides=None, begin_mask=0, end_mask=0)."},
    {"split", F(m_split), FASTKW, "split(x, num, axis=0) -> list of Tensor."},
    {"split_sizes", F(m_split_sizes), FASTKW, "split_sizes(x, sizes, axis=0) -> list of Tensor."},
    {"custom_gradient", F(m_custom_gradient), FASTKW,
     "custom_gradient(forward, backward, inputs): forward(*inputs) -> y, backward(upstream, *inputs) -> gradients."},
    {"map_fn", F(m_map_fn), FASTKW, "map_fn(fn, elems, n_outputs=1) -> list of Tensor: fn(*slices) per index along axis 0, results stacked."},
    {"foldl", F(m_foldl), FASTKW, "foldl(fn, elems, initializer=None, n_outputs=None) -> list of Tensor: fn(*acc, *slices) -> acc, first to last."},
    {"foldr", F(m_foldr), FASTKW, "foldr(fn, elems, initializer=None, n_outputs=None) -> list of Tensor: fn(*acc, *slices) -> acc, last to first."},
    {"rnn", F(m_rnn), FASTKW,
     "rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False, "
     "input_length=None) -> (last_output, outputs, new_states); step_function(x_t, *states, *constants) -> [output_t, *new_states]."},
    {"ctc_decode", F(m_ctc_decode), FASTKW,
     "ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1) -> ([decoded padded with -1], log_prob)."},
    {"ctc_label_dense_to_sparse", F(m_ctc_label_dense_to_sparse), FASTKW,
     "ctc_label_dense_to_sparse(labels, label_lengths) -> (indices, values, dense_shape)."},
    {"moving_average_update", F(m_moving_average_update), FASTKW,
     "moving_average_update(variable, value, momentum) -> Tensor: variable -= (variable - value) * (1 - momentum)."},
    {"version", m_version, METH_NOARGS, "The library version."},
    {"set_random_seed", m_set_random_seed, METH_O, "set_random_seed(seed): unseeded draws become reproducible (sk_set_random_seed)."},
    KERAS_METHODS
    GENERATED_OP_METHODS
    {NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "swiftkeras._native",
    "The CPython extension over the SwiftKeras C API (include/swiftkeras.h).", -1, module_methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    ShapeType.tp_base = &PyTuple_Type;
    if (PyType_Ready(&TensorType) < 0 || PyType_Ready(&VariableType) < 0 || PyType_Ready(&DTypeType) < 0 ||
        PyType_Ready(&ShapeType) < 0 || PyType_Ready(&TapeType) < 0 || PyType_Ready(&FunctionType) < 0 ||
        PyType_Ready(&RefType) < 0)
        return NULL;
    PyObject *prio = PyFloat_FromDouble(100.0);
    if (!prio) return NULL;
    PyDict_SetItemString(TensorType.tp_dict, "__array_priority__", prio);
    PyDict_SetItemString(VariableType.tp_dict, "__array_priority__", prio);
    Py_DECREF(prio);
    PyDict_SetItemString(TensorType.tp_dict, "__array_ufunc__", Py_None);
    PyDict_SetItemString(VariableType.tp_dict, "__array_ufunc__", Py_None);
    PyType_Modified(&TensorType);
    PyType_Modified(&VariableType);
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&TensorType); PyModule_AddObject(m, "Tensor", (PyObject *)&TensorType);
    Py_INCREF(&VariableType); PyModule_AddObject(m, "Variable", (PyObject *)&VariableType);
    Py_INCREF(&DTypeType); PyModule_AddObject(m, "DType", (PyObject *)&DTypeType);
    Py_INCREF(&ShapeType); PyModule_AddObject(m, "TensorShape", (PyObject *)&ShapeType);
    Py_INCREF(&TapeType); PyModule_AddObject(m, "Tape", (PyObject *)&TapeType);
    Py_INCREF(&FunctionType); PyModule_AddObject(m, "Function", (PyObject *)&FunctionType);
    for (int i = 1; i <= 8; i++) {
        DTypeObject *d = PyObject_New(DTypeObject, &DTypeType);
        if (!d) return NULL;
        d->code = i;
        d->name = PyUnicode_InternFromString(dtype_names[i]);
        dtype_objs[i] = (PyObject *)d;
        Py_INCREF(d);
        PyModule_AddObject(m, dtype_names[i], (PyObject *)d);
    }
#define C(name) PyModule_AddIntConstant(m, #name, name)
    C(SK_OK); C(SK_ERR_INVALID_ARG); C(SK_ERR_DTYPE); C(SK_ERR_OUT_OF_RANGE); C(SK_ERR_OUT_OF_MEMORY);
    C(SK_ERR_UNIMPLEMENTED); C(SK_ERR_RUNTIME); C(SK_ERR_INVALID_HANDLE); C(SK_ERR_IO);
    C(SK_FLOAT32); C(SK_FLOAT64); C(SK_FLOAT16); C(SK_BFLOAT16); C(SK_INT32); C(SK_INT64); C(SK_UINT8); C(SK_BOOL);
    C(SK_PADDING_VALID); C(SK_PADDING_SAME); C(SK_PADDING_CAUSAL); C(SK_CHANNELS_LAST); C(SK_CHANNELS_FIRST);
    C(SK_POOL_MAX); C(SK_POOL_AVG); C(SK_INTERP_NEAREST); C(SK_INTERP_BILINEAR);
    C(SK_UNCONNECTED_NONE); C(SK_UNCONNECTED_ZERO);
    C(SK_VERSION_MAJOR); C(SK_VERSION_MINOR); C(SK_VERSION_PATCH);
#undef C
    PyModule_AddIntConstant(m, "HEAVY_ELEMENTS", HEAVY_ELEMENTS);
    PyModule_AddIntConstant(m, "GENERATED_OP_COUNT", GENERATED_OP_COUNT);
    return m;
}
