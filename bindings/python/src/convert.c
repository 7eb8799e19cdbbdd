/* The one argument converter: Python objects to tensor handles (skpy_convert), dtype codes
 * (skpy_dtype_code_of), and, for the op wrappers (generated and hand-written), the keyword
 * parser skpy_parse and the skpy_conv_* converters of tensors, tensor lists, numbers, int lists
 * (shapes, axes), fixed-size int tuples, enums, dtypes, seeds and callables. */
#include "native.h"

static int32_t dtype_from_name(const char *s) {
    for (int i = 1; i <= SK_STRING; i++) if (strcmp(s, skpy_dtype_names[i]) == 0) return i;
    if (!strcmp(s, "float") || !strcmp(s, "single")) return SK_FLOAT32;
    if (!strcmp(s, "double")) return SK_FLOAT64;
    if (!strcmp(s, "half")) return SK_FLOAT16;
    if (!strcmp(s, "bool_")) return SK_BOOL;
    return 0;
}

/* Returns a dtype code (1..8), 0 for None when allow_none, -1 with an exception set. */
int32_t skpy_dtype_code_of(PyObject *o, int allow_none) {
    if (o == NULL || o == Py_None) {
        if (allow_none) return 0;
        PyErr_SetString(PyExc_TypeError, "a dtype is required, got None");
        return -1;
    }
    if (Py_IS_TYPE(o, skpy_DTypeType)) return ((DTypeObject *)o)->code;
    if (PyLong_Check(o) && !PyBool_Check(o)) {
        long c = PyLong_AsLong(o);
        if (c == -1 && PyErr_Occurred()) return -1;
        if (c >= 1 && c <= SK_STRING) return (int32_t)c;
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

static sk_tensor *cast_owned(sk_tensor *t, int32_t want) {
    if (!t || !want || sk_tensor_dtype(t) == want) return t;
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(t, want, &c);
    sk_tensor_release(t);
    if (st) { skpy_raise_status(st); return NULL; }
    return c;
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
    if (st) { skpy_raise_status(st); return NULL; }
    return cast_owned(t, want);
}

/* Scalars: kind 0 bool, 1 int (iv), 2 float (dv). */
sk_tensor *skpy_make_scalar(int kind, int64_t iv, double dv, int32_t want) {
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
    if (st) { skpy_raise_status(st); return NULL; }
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
    PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a tensor element", skpy_tname(o));
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
    for (Py_ssize_t i = 0; i < n; i++) {
        if (list_scan(PySequence_Fast_GET_ITEM(o, i), depth + 1, li) < 0) return -1;
    }
    if (n == 0 && depth + 1 != li->ndim) { /* empty list at the end */ }
    return 0;
}

/* Item i of the list or tuple `seq` (from PySequence_Fast) as a new reference, or NULL with a
 * ValueError when its length is no longer `len`: converting an item may run user code
 * (__index__, __float__, __array__) that mutates the list being converted. */
static PyObject *stable_item(PyObject *seq, Py_ssize_t i, Py_ssize_t len) {
    if (PySequence_Fast_GET_SIZE(seq) != len) {
        PyErr_SetString(PyExc_ValueError, "the sequence changed while it was converted");
        return NULL;
    }
    PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
    Py_INCREF(item);
    return item;
}

/* Writes the leaves of `o` (depth `depth` of the shape list_scan found) to *p, never past end.
 * A leaf's __index__ / __float__ runs user code that may mutate the lists being walked (grow,
 * shrink, clear, replace items by lists): every list is re-checked against the scanned shape
 * as it is read, each item is held while it is converted, and a change is a ValueError. */
static int list_fill(PyObject *o, int depth, const ListInfo *li, int kind, char **p, const char *end) {
    if (PyList_Check(o) || PyTuple_Check(o)) {
        if (depth >= li->ndim) goto changed;
        for (Py_ssize_t i = 0;; i++) {
            Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
            if (n != li->shape[depth]) goto changed;
            if (i >= n) return 0;
            PyObject *item = PySequence_Fast_GET_ITEM(o, i);
            Py_INCREF(item);
            int r = list_fill(item, depth + 1, li, kind, p, end);
            Py_DECREF(item);
            if (r < 0) return -1;
        }
    }
    if (depth != li->ndim) goto changed;
    size_t isz = kind == 0 ? 1 : 8;
    if (*p + isz > end) goto changed;
    if (kind == 0) {
        if (!PyBool_Check(o)) goto changed;
        *(uint8_t *)*p = (uint8_t)(o == Py_True); *p += 1; return 0;
    }
    if (kind == 1) {
        long long v;
        if (PyLong_Check(o)) v = PyLong_AsLongLong(o);
        else { PyObject *i = PyNumber_Index(o); if (!i) return -1; v = PyLong_AsLongLong(i); Py_DECREF(i); }
        if (v == -1 && PyErr_Occurred()) return -1;
        if (*p + isz > end) goto changed;   /* __index__ may have changed the lists */
        *(int64_t *)*p = v; *p += 8; return 0;
    }
    double d = PyFloat_Check(o) ? PyFloat_AS_DOUBLE(o) : PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) return -1;
    if (*p + isz > end) goto changed;
    *(double *)*p = d; *p += 8;
    return 0;
changed:
    PyErr_SetString(PyExc_ValueError, "the nested sequence changed while it was converted to a tensor");
    return -1;
}

static sk_tensor *from_tensor_list(PyObject *seq, int32_t want) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    sk_tensor **ts = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(sk_tensor *));
    if (!ts) { PyErr_NoMemory(); return NULL; }
    sk_tensor *out = NULL;
    Py_ssize_t i;
    for (i = 0; i < n; i++) {
        PyObject *item = stable_item(seq, i, n);
        ts[i] = item ? skpy_convert(item, want) : NULL;
        Py_XDECREF(item);
        if (!ts[i]) break;
    }
    if (i == n) {
        int32_t st = sk_stack((const sk_tensor *const *)ts, (int32_t)n, 0, &out);
        if (st) skpy_raise_status(st);
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
    if (list_fill(o, 0, &li, kind, &p, buf + (size_t)n * isz) < 0) { PyMem_Free(buf); return NULL; }
    if (p != buf + (size_t)n * isz) {
        PyMem_Free(buf);
        PyErr_SetString(PyExc_ValueError, "the nested sequence changed while it was converted to a tensor");
        return NULL;
    }
    int32_t dt = kind == 0 ? SK_BOOL : kind == 1 ? SK_INT64 : SK_FLOAT64;
    int32_t target = want;
    if (!target) target = empty_float ? SK_FLOAT32 : kind == 0 ? SK_BOOL : kind == 1 ? (li.big ? SK_INT64 : SK_INT32) : SK_FLOAT32;
    sk_tensor *t = NULL;
    int32_t st = sk_tensor_from_data(buf, dt, li.shape, li.ndim, &t);
    PyMem_Free(buf);
    if (st) { skpy_raise_status(st); return NULL; }
    return cast_owned(t, target);
}

/* A new reference to a tensor handle for any tensor-like object. */
sk_tensor *skpy_convert(PyObject *o, int32_t want) {
    if (!Tensor_Check(o) && !Variable_Check(o)) {
        if (skpy_is_string_like(o)) {   /* strings (numbers wanted: the core refuses the cast) */
            sk_tensor *t = skpy_strings_convert(o);
            return t ? cast_owned(t, want) : NULL;
        }
        if (want == SK_STRING) {
            PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a tensor of dtype string", skpy_tname(o));
            return NULL;
        }
    }
    if (Tensor_Check(o)) return cast_owned(sk_tensor_retain(((TensorObject *)o)->h), want);
    if (Variable_Check(o)) {
        sk_tensor *t = NULL;
        int32_t st = sk_variable_read(((VariableObject *)o)->v, &t);
        if (st) { skpy_raise_status(st); return NULL; }
        return cast_owned(t, want);
    }
    if (PyBool_Check(o)) return skpy_make_scalar(0, o == Py_True, 0, want);
    if (!PyLong_CheckExact(o) && !PyFloat_CheckExact(o) && PyObject_CheckBuffer(o) && !PyBytes_Check(o))
        return from_buffer_obj(o, want);    /* numpy scalars keep their dtype */
    if (PyLong_Check(o)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            if (want == SK_FLOAT32 || want == SK_FLOAT64 || want == SK_FLOAT16 || want == SK_BFLOAT16)
                return skpy_make_scalar(2, 0, PyLong_AsDouble(o), want);
            PyErr_SetString(PyExc_ValueError, "integer out of int64 range");
            return NULL;
        }
        if (v == -1 && PyErr_Occurred()) return NULL;
        return skpy_make_scalar(1, v, 0, want);
    }
    if (PyFloat_Check(o)) return skpy_make_scalar(2, 0, PyFloat_AS_DOUBLE(o), want);
    if (PyUnicode_Check(o) || PyBytes_Check(o)) {
        PyErr_Format(PyExc_TypeError, "cannot convert %.50s to a tensor: string tensors are not supported",
                     skpy_tname(o));
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
        if (!t && !PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a tensor", skpy_tname(o));
        Py_DECREF(a);
        return t;
    }
    if (PyIndex_Check(o)) {
        PyObject *i = PyNumber_Index(o);
        if (!i) return NULL;
        sk_tensor *t = skpy_convert(i, want);
        Py_DECREF(i);
        return t;
    }
    if (PyFloat_Check(o) || PyObject_HasAttrString((PyObject *)Py_TYPE(o), "__float__")) {
        double d = PyFloat_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) return NULL;
        return skpy_make_scalar(2, 0, d, want);
    }
    if (PySequence_Check(o) && !PyDict_Check(o)) {
        PyObject *l = PySequence_List(o);
        if (!l) return NULL;
        sk_tensor *t = from_list(l, want);
        Py_DECREF(l);
        return t;
    }
    PyErr_Format(PyExc_TypeError, "cannot convert an object of type %.100s to a tensor", skpy_tname(o));
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Argument parsing and conversion for the generated wrappers
 * ---------------------------------------------------------------------------------------- */
void skpy_conv_free(Conv *c) {
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

int skpy_parse(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
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

/* An absent argument (NULL or None): 0 when it is optional (the caller stores NULL), else -1
 * with exc saying what fn's argument name must be. */
static int absent_arg(int optional, PyObject *exc, const char *fn, const char *name, const char *must) {
    if (optional) return 0;
    PyErr_Format(exc, "%s: argument '%s' must be %s", fn, name, must);
    return -1;
}

int skpy_conv_tensor(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_tensor **out) {
    if (!o || o == Py_None) { *out = NULL; return absent_arg(optional, PyExc_ValueError, fn, name, "a tensor, got None"); }
    if (Py_IS_TYPE(o, skpy_TensorType)) {
        TensorObject *t = (TensorObject *)o;
        *out = t->h;
        c->elems += tensor_size(t);
        if (c->elems > HEAVY_ELEMENTS) c->heavy = 1;
        return 0;
    }
    if (c->ntmp >= CONV_MAX) { PyErr_SetString(PyExc_ValueError, "too many tensor arguments"); return -1; }
    sk_tensor *t = skpy_convert(o, 0);
    if (!t) return -1;
    c->tmp[c->ntmp++] = t;
    *out = t;
    c->elems += sk_tensor_size(t);
    if (c->elems > HEAVY_ELEMENTS) c->heavy = 1;
    return 0;
}

int skpy_conv_tlist(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *const **out, int32_t *n) {
    if (Tensor_Check(o) || Variable_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of tensors", fn, name);
        return -1;
    }
    PyObject *seq = PySequence_Fast(o, "expected a sequence of tensors");
    if (!seq) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    if (len > INT32_MAX / 2) { Py_DECREF(seq); PyErr_SetString(PyExc_ValueError, "too many tensors"); return -1; }
    /* the array doubles as the release list: skpy_conv_free releases the entries of c->lists */
    sk_tensor **arr = PyMem_Calloc((size_t)(len > 0 ? len : 1), sizeof(sk_tensor *));
    if (!arr) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    if (c->nlists >= 4) { PyMem_Free(arr); Py_DECREF(seq); PyErr_SetString(PyExc_ValueError, "too many list arguments"); return -1; }
    c->lists[c->nlists] = arr;
    c->nlist_items[c->nlists++] = len;
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *item = stable_item(seq, i, len);
        sk_tensor *t = item ? skpy_convert(item, 0) : NULL;
        Py_XDECREF(item);
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

int skpy_conv_f64(PyObject *o, const char *fn, const char *name, double *out) {
    if (Tensor_Check(o) || Variable_Check(o)) {
        PyObject *f = PyNumber_Float(o);
        if (!f) return -1;
        *out = PyFloat_AS_DOUBLE(f);
        Py_DECREF(f);
        return 0;
    }
    double d = PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a number, got %.100s", fn, name, skpy_tname(o));
        return -1;
    }
    *out = d;
    return 0;
}

/* A Python number as the C API's tagged scalar: bool -> SK_SCALAR_BOOL, int (or an __index__
 * object such as a numpy integer) -> SK_SCALAR_INT, float -> SK_SCALAR_FLOAT; a tensor or
 * Variable by its dtype. The core applies the weak-type rule to the kind. */
int skpy_conv_scalar(PyObject *o, const char *fn, const char *name, sk_scalar_value *out) {
    int kind = 0;
    if (PyBool_Check(o)) kind = SK_SCALAR_BOOL;
    else if (PyLong_Check(o)) kind = SK_SCALAR_INT;
    else if (PyFloat_Check(o)) kind = SK_SCALAR_FLOAT;
    else if (Tensor_Check(o) || Variable_Check(o)) {
        sk_tensor *h = skpy_convert(o, 0);
        if (!h) return -1;
        int32_t dt = sk_tensor_dtype(h);
        sk_tensor_release(h);
        kind = dt == SK_BOOL ? SK_SCALAR_BOOL : skpy_is_float_dtype(dt) ? SK_SCALAR_FLOAT : SK_SCALAR_INT;
    } else if (PyIndex_Check(o)) kind = SK_SCALAR_INT;
    else kind = SK_SCALAR_FLOAT;
    out->kind = kind;
    if (kind == SK_SCALAR_BOOL) {
        int b = PyObject_IsTrue(o);
        if (b < 0) return -1;
        out->v.b = (uint8_t)b;
        return 0;
    }
    if (kind == SK_SCALAR_INT) {
        PyObject *i = PyNumber_Index(o);
        if (!i) return -1;
        int of;
        long long v = PyLong_AsLongLongAndOverflow(i, &of);
        Py_DECREF(i);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (of) { PyErr_Format(PyExc_ValueError, "%s: argument '%s': integer out of int64 range", fn, name); return -1; }
        out->v.i = v;
        return 0;
    }
    return skpy_conv_f64(o, fn, name, &out->v.f);
}

int skpy_conv_i64(PyObject *o, const char *fn, const char *name, int64_t *out) {
    PyObject *i = PyNumber_Index(o);
    if (!i) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be an integer, got %.100s", fn, name, skpy_tname(o));
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

int skpy_conv_bool(PyObject *o, const char *fn, const char *name, uint8_t *out) {
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
        if (!a || skpy_conv_i64(o, fn, name, a) < 0) return -1;
        *out = a; *n = 1;
        return 0;
    }
    if (Tensor_Check(o) || Variable_Check(o) || PyObject_CheckBuffer(o)) {
        sk_tensor *t = skpy_convert(o, SK_INT64);
        if (!t) return -1;
        int32_t nd = sk_tensor_ndim(t);
        int64_t sz = sk_tensor_size(t);
        if (nd > 1) { sk_tensor_release(t); PyErr_Format(PyExc_ValueError, "%s: argument '%s' must be a 1-D list of integers", fn, name); return -1; }
        int64_t *a = conv_alloc(c, (size_t)sz * sizeof(int64_t));
        if (!a) { sk_tensor_release(t); return -1; }
        int32_t st = sk_tensor_copy_data(t, a, (size_t)sz * sizeof(int64_t));
        sk_tensor_release(t);
        if (st) { skpy_raise_status(st); return -1; }
        *out = a; *n = (int32_t)sz;
        return 0;
    }
    PyObject *seq = PySequence_Fast(o, "");
    if (!seq) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of integers, got %.100s", fn, name, skpy_tname(o));
        return -1;
    }
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    int64_t *a = conv_alloc(c, (size_t)len * sizeof(int64_t));
    if (!a) { Py_DECREF(seq); return -1; }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *it = stable_item(seq, i, len);
        if (!it) { Py_DECREF(seq); return -1; }
        int r = it == Py_None ? (a[i] = -1, 0)   /* unknown dimension (shapes) */
                              : skpy_conv_i64(it, fn, name, &a[i]);
        Py_DECREF(it);
        if (r < 0) { Py_DECREF(seq); return -1; }
    }
    Py_DECREF(seq);
    *out = a; *n = (int32_t)len;
    return 0;
}

int skpy_conv_ints(Conv *c, PyObject *o, const char *fn, const char *name, int allow_none, const int64_t **out, int32_t *n) {
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
int skpy_conv_fixed(Conv *c, PyObject *o, const char *fn, const char *name, int k, int per, const int64_t **out) {
    if (!o || o == Py_None) { *out = NULL; return 0; }
    int64_t *a = conv_alloc(c, (size_t)k * sizeof(int64_t));
    if (!a) return -1;
    if (PyLong_Check(o)) {
        int64_t v;
        if (skpy_conv_i64(o, fn, name, &v) < 0) return -1;
        for (int i = 0; i < k; i++) a[i] = v;
        *out = a;
        return 0;
    }
    PyObject *seq = PySequence_Fast(o, "");
    if (!seq) { PyErr_Clear(); PyErr_Format(PyExc_TypeError, "%s: argument '%s' must be a sequence of integers", fn, name); return -1; }
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    int idx = 0, ok = 1;
    for (Py_ssize_t i = 0; i < len && ok; i++) {
        PyObject *it = stable_item(seq, i, len);
        if (!it) { ok = 0; break; }
        Py_DECREF(it);   /* seq holds it; stable_item only checked the length */
        if (per == 2 && (PyList_Check(it) || PyTuple_Check(it))) {
            PyObject *s2 = PySequence_Fast(it, "");
            if (!s2) { ok = 0; break; }
            if (PySequence_Fast_GET_SIZE(s2) != 2) { Py_DECREF(s2); idx = -1; break; }
            for (int j = 0; j < 2; j++) {
                if (idx >= k) { idx = -1; break; }
                PyObject *e = stable_item(s2, j, 2);
                int r = e ? skpy_conv_i64(e, fn, name, &a[idx++]) : -1;
                Py_XDECREF(e);
                if (r < 0) { ok = 0; break; }
            }
            Py_DECREF(s2);
            if (idx < 0) break;
        } else if (per == 2 && PyLong_Check(it) && len * 2 == k) {
            int64_t v;
            if (skpy_conv_i64(it, fn, name, &v) < 0) { ok = 0; break; }
            a[idx++] = v; a[idx++] = v;      /* symmetric padding per axis */
        } else {
            if (idx >= k) { idx = -1; break; }
            if (skpy_conv_i64(it, fn, name, &a[idx++]) < 0) { ok = 0; break; }
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

int skpy_conv_pairs_n(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *x, const int64_t **out) {
    int32_t nd = sk_tensor_ndim(x);
    if (nd < 0) nd = 0;
    if (!o || o == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s: argument '%s' is required", fn, name);
        return -1;
    }
    return skpy_conv_fixed(c, o, fn, name, 2 * nd, 2, out);
}

int skpy_conv_enum(PyObject *o, const char *fn, const char *name, int which, int32_t *out) {
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
    if (skpy_conv_i64(o, fn, name, &v) < 0) return -1;
    if (v < INT32_MIN || v > INT32_MAX) { PyErr_Format(PyExc_ValueError, "%s: bad %s code", fn, name); return -1; }
    *out = (int32_t)v;
    return 0;
}

int skpy_conv_dtype_arg(PyObject *o, const char *fn, const char *name, int optional, int32_t *out) {
    (void)fn; (void)name;
    int32_t c = skpy_dtype_code_of(o, optional);
    if (c < 0) return -1;
    *out = c;
    return 0;
}

int skpy_conv_seed(PyObject *o, const char *fn, const char *name, uint64_t *seed, uint8_t *has) {
    if (!o || o == Py_None) { *seed = 0; *has = 0; return 0; }
    int64_t v;
    if (skpy_conv_i64(o, fn, name, &v) < 0) return -1;
    *seed = (uint64_t)v; *has = 1;
    return 0;
}

int skpy_conv_function(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_function **out) {
    if (!o || o == Py_None) { *out = NULL; return absent_arg(optional, PyExc_TypeError, fn, name, "callable"); }
    if (Py_IS_TYPE(o, skpy_FunctionType)) { *out = ((FunctionObject *)o)->f; return 0; }
    if (c->nfns >= 4) { PyErr_SetString(PyExc_ValueError, "too many function arguments"); return -1; }
    sk_function *f = skpy_make_function(o);
    if (!f) return -1;
    c->fns[c->nfns++] = f;
    *out = f;
    c->heavy = 1;    /* callbacks take the GIL themselves */
    return 0;
}

const char *skpy_opt_str(PyObject *o, const char *what) {
    if (!o || o == Py_None) return NULL;
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a string or None", what);
        return (const char *)-1;
    }
    return PyUnicode_AsUTF8(o);
}

/* A list of new tensor handles from a list/tuple of tensor-likes (a single tensor-like that is
 * not a list/tuple counts as one). Frees with skpy_tlist_free. */
void skpy_tlist_free(TList *l) {
    for (int32_t i = 0; i < l->n; i++) sk_tensor_release(l->h[i]);
    PyMem_Free(l->h);
    l->h = NULL; l->n = 0;
}
int skpy_tlist_from(PyObject *o, TList *l) {
    l->h = NULL; l->n = 0;
    if (!(PyList_Check(o) || PyTuple_Check(o))) {
        l->h = PyMem_Malloc(sizeof(sk_tensor *));
        if (!l->h) { PyErr_NoMemory(); return -1; }
        if (!(l->h[0] = skpy_convert(o, 0))) { PyMem_Free(l->h); l->h = NULL; return -1; }
        l->n = 1;
        return 0;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    l->h = PyMem_Malloc(sizeof(sk_tensor *) * (size_t)(n ? n : 1));
    if (!l->h) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = stable_item(o, i, n);
        sk_tensor *t = item ? skpy_convert(item, 0) : NULL;
        Py_XDECREF(item);
        if (!t) { skpy_tlist_free(l); return -1; }
        l->h[l->n++] = t;
    }
    return 0;
}

int skpy_fast_pair(PyObject *a, PyObject *b, const char *ma, const char *mb, PyObject **fa, PyObject **fb, Py_ssize_t *n) {
    if (!(*fa = PySequence_Fast(a, ma))) return -1;
    if (!(*fb = PySequence_Fast(b, mb))) { Py_CLEAR(*fa); return -1; }
    *n = PySequence_Fast_GET_SIZE(*fa);
    return 0;
}
