/* String tensors in Python: str / bytes, nested lists of them and numpy U / S / object arrays
 * to SK_STRING tensors (skpy_strings_convert, called first by skpy_convert), string tensors to
 * numpy object arrays of bytes as TensorFlow gives (skpy_strings_to_numpy), and the tf.strings
 * ops (_native.strings_*). Every rule is the core's (include/swiftkeras/strings.h). */
#include "native.h"

/* Whether `o` holds strings: str / bytes, a list or tuple whose first leaf is one, or a numpy
 * array of kind U or S (or O whose first element is str / bytes). */
int skpy_is_string_like(PyObject *o) {
    if (PyUnicode_Check(o) || PyBytes_Check(o)) return 1;
    if (PyList_Check(o) || PyTuple_Check(o)) {
        PyObject *cur = o;
        for (int depth = 0; depth < 64 && (PyList_Check(cur) || PyTuple_Check(cur)); depth++) {
            if (PySequence_Fast_GET_SIZE(cur) == 0) return 0;
            cur = PySequence_Fast_GET_ITEM(cur, 0);
        }
        return PyUnicode_Check(cur) || PyBytes_Check(cur);
    }
    if (Tensor_Check(o) || Variable_Check(o) || PyLong_Check(o) || PyFloat_Check(o)) return 0;
    PyObject *dt = PyObject_GetAttrString(o, "dtype");
    if (!dt) { PyErr_Clear(); return 0; }
    PyObject *kind = PyObject_GetAttrString(dt, "kind");
    Py_DECREF(dt);
    if (!kind) { PyErr_Clear(); return 0; }
    int r = 0;
    if (PyUnicode_Check(kind)) {
        const char *k = PyUnicode_AsUTF8(kind);
        if (k && (k[0] == 'U' || k[0] == 'S')) r = 1;
        else if (k && k[0] == 'O') {
            PyObject *flat = PyObject_CallMethod(o, "ravel", NULL);
            if (flat && PyObject_Length(flat) > 0) {
                PyObject *zero = PyLong_FromLong(0);
                PyObject *first = zero ? PyObject_GetItem(flat, zero) : NULL;
                Py_XDECREF(zero);
                r = first && (PyUnicode_Check(first) || PyBytes_Check(first));
                Py_XDECREF(first);
            }
            Py_XDECREF(flat);
            PyErr_Clear();
        }
    }
    if (!r) PyErr_Clear();
    Py_DECREF(kind);
    return r;
}

typedef struct {
    const char **data;
    size_t *lengths;
    PyObject **keep;      /* the bytes objects the pointers point into */
    Py_ssize_t n, cap;
    int64_t shape[64];
    int ndim;
} StringList;

static int sl_add(StringList *sl, PyObject *leaf) {
    PyObject *b;
    if (PyUnicode_Check(leaf)) b = PyUnicode_AsUTF8String(leaf);
    else if (PyBytes_Check(leaf)) { b = leaf; Py_INCREF(b); }
    else {
        PyErr_Format(PyExc_TypeError, "cannot convert %.100s to a string tensor element (str or bytes expected)", skpy_tname(leaf));
        return -1;
    }
    if (!b) return -1;
    if (sl->n == sl->cap) {
        Py_ssize_t cap = sl->cap ? sl->cap * 2 : 16;
        const char **d = PyMem_Realloc(sl->data, (size_t)cap * sizeof *d);
        if (d) sl->data = d;
        size_t *l = d ? PyMem_Realloc(sl->lengths, (size_t)cap * sizeof *l) : NULL;
        if (l) sl->lengths = l;
        PyObject **k = l ? PyMem_Realloc(sl->keep, (size_t)cap * sizeof *k) : NULL;
        if (!k) { Py_DECREF(b); PyErr_NoMemory(); return -1; }
        sl->keep = k;
        sl->cap = cap;
    }
    char *p; Py_ssize_t len;
    if (PyBytes_AsStringAndSize(b, &p, &len) < 0) { Py_DECREF(b); return -1; }
    sl->data[sl->n] = p;
    sl->lengths[sl->n] = (size_t)len;
    sl->keep[sl->n++] = b;
    return 0;
}

/* Walks nested lists / tuples: the first path defines the shape, the rest must match it. */
static int sl_walk(StringList *sl, PyObject *o, int depth) {
    if (PyList_Check(o) || PyTuple_Check(o)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
        if (depth == sl->ndim) {
            if (depth >= 64) { PyErr_SetString(PyExc_ValueError, "too many dimensions"); return -1; }
            sl->shape[sl->ndim++] = n;
        } else if (depth > sl->ndim || sl->shape[depth] != n) {
            PyErr_SetString(PyExc_ValueError, "cannot convert a ragged nested sequence to a tensor");
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            if (PySequence_Fast_GET_SIZE(o) != n) {
                PyErr_SetString(PyExc_ValueError, "the sequence changed while it was converted");
                return -1;
            }
            if (sl_walk(sl, PySequence_Fast_GET_ITEM(o, i), depth + 1) < 0) return -1;
        }
        return 0;
    }
    if (depth != sl->ndim) {
        PyErr_SetString(PyExc_ValueError, "cannot convert a ragged nested sequence to a tensor");
        return -1;
    }
    return sl_add(sl, o);
}

static void sl_free(StringList *sl) {
    for (Py_ssize_t i = 0; i < sl->n; i++) Py_DECREF(sl->keep[i]);
    PyMem_Free(sl->data); PyMem_Free(sl->lengths); PyMem_Free(sl->keep);
}

/* A new SK_STRING tensor from a string-like object (see skpy_is_string_like). */
sk_tensor *skpy_strings_convert(PyObject *o) {
    /* a tensor as it is (a string tensor; another dtype meets the core's dtype error) */
    if (Tensor_Check(o) || Variable_Check(o)) return skpy_convert(o, 0);
    if (!PyUnicode_Check(o) && !PyBytes_Check(o) && !PyList_Check(o) && !PyTuple_Check(o) &&
        !(PyObject_HasAttrString(o, "shape") && PyObject_HasAttrString(o, "ravel"))) {
        PyErr_Format(PyExc_TypeError, "expected a string, bytes, a list of them or a numpy array of strings, got %R",
                     (PyObject *)Py_TYPE(o));
        return NULL;
    }
    StringList sl;
    memset(&sl, 0, sizeof sl);
    PyObject *src = o;
    Py_INCREF(src);
    if (!PyUnicode_Check(o) && !PyBytes_Check(o) && !PyList_Check(o) && !PyTuple_Check(o)) {
        /* a numpy array: its shape, then its elements as a flat list */
        PyObject *shape = PyObject_GetAttrString(o, "shape");
        PyObject *flat = shape ? PyObject_CallMethod(o, "ravel", NULL) : NULL;
        PyObject *list = flat ? PySequence_List(flat) : NULL;
        Py_XDECREF(flat);
        Py_DECREF(src);
        if (!list) { Py_XDECREF(shape); return NULL; }
        Py_ssize_t nd = PyTuple_Check(shape) ? PyTuple_GET_SIZE(shape) : -1;
        if (nd < 0 || nd > 64) { Py_DECREF(shape); Py_DECREF(list); PyErr_SetString(PyExc_ValueError, "bad array shape"); return NULL; }
        for (Py_ssize_t i = 0; i < nd; i++) {
            sl.shape[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(shape, i));
        }
        Py_DECREF(shape);
        if (PyErr_Occurred()) { Py_DECREF(list); return NULL; }
        sl.ndim = (int)nd;
        Py_ssize_t n = PyList_GET_SIZE(list);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (sl_add(&sl, PyList_GET_ITEM(list, i)) < 0) { Py_DECREF(list); sl_free(&sl); return NULL; }
        }
        Py_DECREF(list);
    } else {
        int r = sl_walk(&sl, src, 0);
        Py_DECREF(src);
        if (r < 0) { sl_free(&sl); return NULL; }
    }
    sk_tensor *t = NULL;
    int32_t st = sk_tensor_from_strings(sl.data, sl.lengths, sl.shape, sl.ndim, &t);
    sl_free(&sl);
    if (st) { skpy_raise_status(st); return NULL; }
    return t;
}

/* Element i of a string tensor as bytes. */
static PyObject *element_bytes(const sk_tensor *h, int64_t i) {
    const char *p = NULL; size_t n = 0;
    int32_t st = sk_tensor_string_at(h, i, &p, &n);
    if (st) return skpy_raise_status(st);
    return PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
}

/* A numpy object array of bytes (TensorFlow's .numpy() of a string tensor); without numpy,
 * nested lists of bytes. */
PyObject *skpy_strings_to_numpy(const sk_tensor *h, int as_list) {
    int64_t n = sk_tensor_size(h);
    int32_t nd = sk_tensor_ndim(h);
    int64_t dims[64];
    if (nd > 64) { PyErr_SetString(PyExc_ValueError, "too many dimensions"); return NULL; }
    if (sk_tensor_shape(h, dims, nd)) return skpy_raise_status(SK_ERR_INVALID_ARG);
    PyObject *flat = PyList_New((Py_ssize_t)n);
    if (!flat) return NULL;
    for (int64_t i = 0; i < n; i++) {
        PyObject *b = element_bytes(h, i);
        if (!b) { Py_DECREF(flat); return NULL; }
        PyList_SET_ITEM(flat, (Py_ssize_t)i, b);
    }
    PyObject *np = as_list ? NULL : PyImport_ImportModule("numpy");
    if (!np) {
        if (!as_list) PyErr_Clear();
        if (nd == 0) { PyObject *e = PyList_GetItem(flat, 0); Py_XINCREF(e); Py_DECREF(flat); return e; }
        /* nest the flat list by the shape, last axis first */
        PyObject *cur = flat;
        for (int32_t ax = nd - 1; ax > 0; ax--) {
            Py_ssize_t w = (Py_ssize_t)dims[ax], rows = w ? PyList_GET_SIZE(cur) / w : 0;
            PyObject *next = PyList_New(rows);
            for (Py_ssize_t r = 0; next && r < rows; r++) PyList_SET_ITEM(next, r, PyList_GetSlice(cur, r * w, (r + 1) * w));
            Py_DECREF(cur);
            if (!next) return NULL;
            cur = next;
        }
        return cur;
    }
    PyObject *arr = PyObject_CallMethod(np, "empty", "(Ns)", PyLong_FromLongLong(n), "O");
    PyObject *res = NULL;
    if (arr) {
        PyObject *all = PySlice_New(NULL, NULL, NULL);
        if (all && PyObject_SetItem(arr, all, flat) == 0) {
            PyObject *shape = PyTuple_New(nd);
            for (int32_t i = 0; shape && i < nd; i++) PyTuple_SET_ITEM(shape, i, PyLong_FromLongLong(dims[i]));
            if (shape) res = PyObject_CallMethod(arr, "reshape", "(O)", shape);
            Py_XDECREF(shape);
        }
        Py_XDECREF(all);
        Py_DECREF(arr);
    }
    Py_DECREF(np);
    Py_DECREF(flat);
    return res;
}

/* -- tf.strings ops ----------------------------------------------------------------------- */
static sk_tensor *string_arg(PyObject *o) {
    if (Tensor_Check(o) || Variable_Check(o)) return skpy_convert(o, 0);
    if (!skpy_is_string_like(o)) {
        PyErr_Format(PyExc_TypeError, "expected a string tensor, got %.100s", skpy_tname(o));
        return NULL;
    }
    return skpy_strings_convert(o);
}

typedef int32_t (*unary_string_fn)(const sk_tensor *, sk_tensor **);

static PyObject *unary(PyObject *o, unary_string_fn f) {
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *out = NULL;
    int32_t st = f(x, &out);
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}

static PyObject *m_strings_lower(PyObject *self SKPY_UNUSED, PyObject *o) { return unary(o, sk_strings_lower); }
SKPY_EXPORT(module, m_, strings_lower, METH_O, "strings_lower(x): tf.strings.lower.");
static PyObject *m_strings_upper(PyObject *self SKPY_UNUSED, PyObject *o) { return unary(o, sk_strings_upper); }
SKPY_EXPORT(module, m_, strings_upper, METH_O, "strings_upper(x): tf.strings.upper.");
static PyObject *m_strings_strip(PyObject *self SKPY_UNUSED, PyObject *o) { return unary(o, sk_strings_strip); }
SKPY_EXPORT(module, m_, strings_strip, METH_O, "strings_strip(x): tf.strings.strip.");
static PyObject *m_strings_length(PyObject *self SKPY_UNUSED, PyObject *o) { return unary(o, sk_strings_length); }
SKPY_EXPORT(module, m_, strings_length, METH_O, "strings_length(x): tf.strings.length (bytes).");

static PyObject *m_strings_substr(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o; long long pos, len;
    if (!PyArg_ParseTuple(args, "OLL", &o, &pos, &len)) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_strings_substr(x, pos, len, &out);
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(module, m_, strings_substr, METH_VARARGS, "strings_substr(x, pos, len): tf.strings.substr (bytes).");

static PyObject *m_strings_to_number(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o, *dt;
    if (!PyArg_ParseTuple(args, "OO", &o, &dt)) return NULL;
    int32_t code = skpy_dtype_code_of(dt, 0);
    if (code < 0) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_strings_to_number(x, code, &out);
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(module, m_, strings_to_number, METH_VARARGS, "strings_to_number(x, out_type): tf.strings.to_number.");

static PyObject *m_strings_regex_replace(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o; const char *pattern, *rewrite; int global;
    if (!PyArg_ParseTuple(args, "Ossp", &o, &pattern, &rewrite, &global)) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_strings_regex_replace(x, pattern, rewrite, global, &out);
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(module, m_, strings_regex_replace, METH_VARARGS, "strings_regex_replace(x, pattern, rewrite, replace_global).");

static PyObject *m_strings_join(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *seq; const char *sep;
    if (!PyArg_ParseTuple(args, "Os", &seq, &sep)) return NULL;
    PyObject *fast = PySequence_Fast(seq, "strings_join: inputs must be a list of string tensors");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    sk_tensor **ts = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof *ts);
    PyObject *res = NULL;
    Py_ssize_t i = 0;
    if (!ts) { PyErr_NoMemory(); goto done; }
    for (; i < n; i++) if (!(ts[i] = string_arg(PySequence_Fast_GET_ITEM(fast, i)))) break;
    if (i == n) {
        sk_tensor *out = NULL;
        int32_t st = sk_strings_join((const sk_tensor *const *)ts, (int32_t)n, sep, &out);
        res = st ? skpy_raise_status(st) : skpy_wrap_tensor(out);
    }
    for (Py_ssize_t j = 0; j < n; j++) sk_tensor_release(ts[j]);
    PyMem_Free(ts);
done:
    Py_DECREF(fast);
    return res;
}
SKPY_EXPORT(module, m_, strings_join, METH_VARARGS, "strings_join(inputs, separator): tf.strings.join.");

/* (values, row_splits) of a ragged result, or the status raised. */
static PyObject *ragged_pair(int32_t st, sk_tensor *values, sk_tensor *splits) {
    if (st) return skpy_raise_status(st);
    PyObject *v = skpy_wrap_tensor(values);
    if (!v) { sk_tensor_release(splits); return NULL; }
    PyObject *r = skpy_wrap_tensor(splits);
    if (!r) { Py_DECREF(v); return NULL; }
    return Py_BuildValue("(NN)", v, r);
}

static PyObject *m_strings_split(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o; const char *sep; long long maxsplit;
    if (!PyArg_ParseTuple(args, "OzL", &o, &sep, &maxsplit)) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *values = NULL, *splits = NULL;
    int32_t st = sk_strings_split(x, sep, maxsplit, &values, &splits);
    sk_tensor_release(x);
    return ragged_pair(st, values, splits);
}
SKPY_EXPORT(module, m_, strings_split, METH_VARARGS, "strings_split(x, sep, maxsplit) -> (values, row_splits): tf.strings.split.");

/* A list of at most 64 ints (NULL on error); *n receives its length. */
static int int_list(PyObject *seq, const char *fn, int64_t *out, int32_t *n) {
    PyObject *fast = PySequence_Fast(seq, "expected a list of integers");
    if (!fast) return -1;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(fast);
    if (k > 64) { Py_DECREF(fast); PyErr_Format(PyExc_ValueError, "%s: at most 64 values", fn); return -1; }
    for (Py_ssize_t i = 0; i < k; i++) {
        out[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
    }
    *n = (int32_t)k;
    Py_DECREF(fast);
    return 0;
}


static PyObject *m_strings_unicode_split(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o; int errors;
    if (!PyArg_ParseTuple(args, "Oi", &o, &errors)) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *values = NULL, *splits = NULL;
    int32_t st = sk_strings_unicode_split(x, errors, &values, &splits);
    sk_tensor_release(x);
    return ragged_pair(st, values, splits);
}
SKPY_EXPORT(module, m_, strings_unicode_split, METH_VARARGS,
            "strings_unicode_split(x, errors) -> (values, row_splits): errors 0 strict, 1 replace, 2 ignore.");

static PyObject *m_strings_ngrams(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *vo, *so, *wo; const char *sep, *lp, *rp; long long pad_width; int preserve;
    if (!PyArg_ParseTuple(args, "OOOsssLp", &vo, &so, &wo, &sep, &lp, &rp, &pad_width, &preserve)) return NULL;
    int64_t widths[64]; int32_t nw = 0;
    if (int_list(wo, "strings_ngrams", widths, &nw) < 0) return NULL;
    sk_tensor *v = string_arg(vo);
    if (!v) return NULL;
    sk_tensor *sp = skpy_convert(so, 0);
    if (!sp) { sk_tensor_release(v); return NULL; }
    sk_tensor *values = NULL, *splits = NULL;
    int32_t st = sk_strings_ngrams(v, sp, widths, nw, sep, lp, rp, pad_width, (uint8_t)preserve, &values, &splits);
    sk_tensor_release(v);
    sk_tensor_release(sp);
    return ragged_pair(st, values, splits);
}
SKPY_EXPORT(module, m_, strings_ngrams, METH_VARARGS,
            "strings_ngrams(values, row_splits, widths, separator, left_pad, right_pad, pad_width, preserve_short) -> (values, row_splits).");

static PyObject *m_strings_reduce_join(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *o, *ao; int keepdims; const char *sep;
    if (!PyArg_ParseTuple(args, "OOps", &o, &ao, &keepdims, &sep)) return NULL;
    int64_t axes[64]; int32_t na = -1;
    if (ao != Py_None && int_list(ao, "strings_reduce_join", axes, &na) < 0) return NULL;
    sk_tensor *x = string_arg(o);
    if (!x) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_strings_reduce_join(x, axes, na, (uint8_t)keepdims, sep, &out);
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(module, m_, strings_reduce_join, METH_VARARGS,
            "strings_reduce_join(x, axes or None, keepdims, separator): tf.strings.reduce_join.");

/* -- preprocessing layers ----------------------------------------------------------------- */
static PyObject *m_layer_adapt(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *layer, *data; long long batch, steps;
    if (!PyArg_ParseTuple(args, "OOLL", &layer, &data, &batch, &steps)) return NULL;
    sk_layer *l = HGET(sk_layer, layer);
    if (!l) return NULL;
    sk_tensor *x = skpy_is_string_like(data) ? skpy_strings_convert(data) : skpy_convert(data, 0);
    if (!x) return NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_layer_adapt(l, x, batch, steps);
    Py_END_ALLOW_THREADS
    sk_tensor_release(x);
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, m_, layer_adapt, METH_VARARGS, "layer_adapt(layer, data, batch_size, steps): Keras adapt (0 = unset).");

static PyObject *m_layer_vocabulary(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *layer; int special;
    if (!PyArg_ParseTuple(args, "Op", &layer, &special)) return NULL;
    sk_layer *l = HGET(sk_layer, layer);
    if (!l) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_layer_vocabulary(l, special, &out);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(module, m_, layer_vocabulary, METH_VARARGS, "layer_vocabulary(layer, include_special_tokens) -> tensor.");

static PyObject *m_layer_adapt_dataset(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *layer, *ds; long long steps;
    if (!PyArg_ParseTuple(args, "OOL", &layer, &ds, &steps)) return NULL;
    sk_layer *l = HGET(sk_layer, layer);
    sk_dataset *d = l ? (sk_dataset *)skpy_handle_get(ds, "sk_dataset") : NULL;
    if (!d) return NULL;
    int32_t st = sk_layer_adapt_dataset(l, d, steps);
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, m_, layer_adapt_dataset, METH_VARARGS, "layer_adapt_dataset(layer, dataset, steps): Keras adapt on a dataset.");
