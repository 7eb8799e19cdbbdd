/* The tensor-like types: Tensor (number protocol, indexing, buffer / numpy / DLPack interop,
 * repr), Variable (the same protocols over a mutable value), TensorShape and the hashable
 * Reference of ref(). */
#include "native.h"

static PyTypeObject *ShapeType, *RefType;
PyTypeObject *skpy_TensorType, *skpy_VariableType;

/* Steals the handle. */
PyObject *skpy_wrap_tensor(sk_tensor *h) {
    TensorObject *t = PyObject_New(TensorObject, skpy_TensorType);
    if (!t) { sk_tensor_release(h); return NULL; }
    t->h = h;
    t->size = -1;
    t->weakrefs = NULL;
    t->keras_mask = NULL;
    return (PyObject *)t;
}

PyObject *skpy_finish(int32_t st, sk_tensor *out) {
    if (st != SK_OK) return skpy_raise_status(st);
    return skpy_wrap_tensor(out);
}

static void tensor_dealloc(TensorObject *t) {
    if (t->weakrefs) PyObject_ClearWeakRefs((PyObject *)t);
    Py_CLEAR(t->keras_mask);
    sk_tensor_release(t->h);
    skpy_free((PyObject *)t);
}
/* ------------------------------------------------------------------------------------------
 * Tensor helpers
 * ---------------------------------------------------------------------------------------- */
static PyObject *numpy_module(void) {   /* borrowed-like: new ref or NULL with ImportError */
    return PyImport_ImportModule("numpy");
}

static PyObject *make_shape_obj(const int64_t *dims, int32_t nd) {
    PyObject *s = skpy_alloc(ShapeType, nd);
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
    if (st) { skpy_raise_status(st); return -1; }
    return 0;
}

/* A new reference handle for self-like objects (Tensor or Variable). */
static sk_tensor *handle_of(PyObject *o) { return skpy_convert(o, 0); }

static inline int is_py_number(PyObject *o) {
    return PyFloat_CheckExact(o) || PyLong_CheckExact(o) || PyBool_Check(o);
}

typedef int32_t (*binfn)(const sk_tensor *, const sk_tensor *, sk_tensor **);
typedef int32_t (*scalfn)(const sk_tensor *, sk_scalar_value, sk_tensor **);

static PyObject *call_bin(binfn f, const sk_tensor *a, const sk_tensor *b, int64_t elems) {
    sk_tensor *out = NULL;
    int32_t st;
    if (elems > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = f(a, b, &out); Py_END_ALLOW_THREADS }
    else st = f(a, b, &out);
    return skpy_finish(st, out);
}

/* t OP s (tensor_left) or s OP t for a tensor-like t and a Python number s, passed to the core
 * as a tagged scalar: the scalar op `fs` when there is one, else the binary op with the rank-0
 * tensor sk_weak_scalar makes of s. The core decides the dtype (the weak-type rule), as for C. */
static PyObject *tensor_with_scalar(binfn f, scalfn fs, PyObject *t, PyObject *s, int tensor_left) {
    sk_scalar_value v;
    if (skpy_conv_scalar(s, "operator", "scalar", &v) < 0) return NULL;
    sk_tensor *ht = handle_of(t);
    if (!ht) return NULL;
    int64_t n = sk_tensor_size(ht);
    PyObject *res = NULL;
    if (fs) {
        sk_tensor *out = NULL; int32_t st;
        if (n > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = fs(ht, v, &out); Py_END_ALLOW_THREADS }
        else st = fs(ht, v, &out);
        res = skpy_finish(st, out);
    } else {
        sk_tensor *hs = NULL;
        int32_t st = sk_weak_scalar(ht, v, &hs);
        if (st) skpy_raise_status(st);
        else {
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
    if (Py_IS_TYPE(a, skpy_TensorType) && Py_IS_TYPE(b, skpy_TensorType)) {
        TensorObject *ta = (TensorObject *)a, *tb = (TensorObject *)b;
        return call_bin(f, ta->h, tb->h, tensor_size(ta) + tensor_size(tb));
    }
    int a_t = Tensor_Check(a) || Variable_Check(a);
    int b_t = Tensor_Check(b) || Variable_Check(b);
    if (a_t && is_py_number(b)) return tensor_with_scalar(f, fs, a, b, 1);
    if (b_t && is_py_number(a)) return tensor_with_scalar(f, fsr, b, a, 0);
    sk_tensor *ha = skpy_convert(a, 0);
    if (!ha) goto notimpl;
    sk_tensor *hb = skpy_convert(b, 0);
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
    sk_tensor *ha = skpy_convert(a, 0);
    if (!ha) return -1;
    sk_tensor *hb = skpy_convert(b, 0);
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
    return skpy_finish(st, out);
}
static PyObject *nb_neg(PyObject *a) { return unop(a, sk_negative); }
static PyObject *nb_abs(PyObject *a) { return unop(a, sk_abs); }
static PyObject *nb_pos(PyObject *a) {
    if (Tensor_Check(a)) { Py_INCREF(a); return a; }
    sk_tensor *h = handle_of(a);
    return h ? skpy_wrap_tensor(h) : NULL;
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
    if (st) { skpy_raise_status(st); return -1; }
    return 0;
}

static PyObject *nb_float(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return NULL;
    return PyFloat_FromDouble(skpy_is_float_dtype(dt) ? d : (double)i);
}
static PyObject *nb_int(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return NULL;
    if (skpy_is_float_dtype(dt)) {
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
    if (skpy_is_float_dtype(dt) || dt == SK_BOOL || nd != 0) {
        PyErr_SetString(PyExc_TypeError, "only integer scalar tensors can be converted to an index");
        return NULL;
    }
    return nb_int(self);
}
static int nb_bool(PyObject *self) {
    double d; int64_t i; int32_t dt;
    if (read_single(self, &d, &i, &dt) < 0) return -1;
    return skpy_is_float_dtype(dt) ? d != 0.0 : i != 0;
}

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
    PyErr_Format(PyExc_TypeError, "%s is unhashable. Instead, use tensor.ref() as the key.", skpy_tname(self));
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
    if (st) { skpy_raise_status(st); return NULL; }
    return out;
}

static int64_t *int64_data(const sk_tensor *t, int64_t *n) {
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(t, SK_INT64, &c);
    if (st) { skpy_raise_status(st); return NULL; }
    *n = sk_tensor_size(c);
    int64_t *a = PyMem_Malloc((size_t)(*n > 0 ? *n : 1) * 8);
    if (!a) { sk_tensor_release(c); PyErr_NoMemory(); return NULL; }
    st = sk_tensor_copy_data(c, a, (size_t)*n * 8);
    sk_tensor_release(c);
    if (st) { PyMem_Free(a); skpy_raise_status(st); return NULL; }
    return a;
}

/* A slice bound as an int64 (saturated to +-INT64_MAX/2 on overflow); -1 with an exception. */
static int slice_bound(PyObject *o, int64_t *out) {
    PyObject *iv = PyNumber_Index(o);
    if (!iv) return -1;
    int of;
    *out = PyLong_AsLongLongAndOverflow(iv, &of);
    Py_DECREF(iv);
    if (of) *out = of > 0 ? INT64_MAX / 2 : INT64_MIN / 2;
    return 0;
}

/* A slice's start, stop and step (new references; the stable ABI has no PySliceObject). */
typedef struct { PyObject *start, *stop, *step; } SliceParts;
static void slice_parts_free(SliceParts *p) { Py_XDECREF(p->start); Py_XDECREF(p->stop); Py_XDECREF(p->step); }
static int slice_parts(PyObject *slice, SliceParts *p) {
    p->start = PyObject_GetAttrString(slice, "start");
    p->stop = p->start ? PyObject_GetAttrString(slice, "stop") : NULL;
    p->step = p->stop ? PyObject_GetAttrString(slice, "step") : NULL;
    if (p->step) return 0;
    slice_parts_free(p);
    return -1;
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
    Py_ssize_t n_new = 0;
    for (Py_ssize_t k = 0; k < ne; k++) {
        PyObject *it = PyTuple_GET_ITEM(tuple, k);
        e[k].obj = it;
        if (it == Py_None) { e[k].kind = IX_NEW; n_new++; }
        else if (it == Py_Ellipsis) { e[k].kind = IX_ELL; n_ell++; }
        else if (PySlice_Check(it)) { e[k].kind = IX_SLICE; consumed++; }
        else if (PyLong_Check(it) && !PyBool_Check(it)) {
            e[k].kind = IX_INT; consumed++;
            e[k].i = PyLong_AsLongLong(it);
            if (e[k].i == -1 && PyErr_Occurred()) { PyErr_Clear(); PyErr_SetString(PyExc_IndexError, "index out of range"); goto done; }
        } else if (PyBool_Check(it) || PyFloat_Check(it) || PyUnicode_Check(it) || PyBytes_Check(it) || PyDict_Check(it)) {
            PyErr_Format(PyExc_IndexError, "only integers, slices (`:`), ellipsis (`...`), None and integer or "
                         "boolean tensors are valid indices (got %.50s)", skpy_tname(it));
            goto done;
        } else if (!Tensor_Check(it) && !PyObject_CheckBuffer(it) && !PyList_Check(it) && !PyTuple_Check(it) && PyIndex_Check(it)) {
            PyObject *iv = PyNumber_Index(it);
            if (!iv) goto done;
            e[k].kind = IX_INT; consumed++;
            e[k].i = PyLong_AsLongLong(iv);
            Py_DECREF(iv);
            if (e[k].i == -1 && PyErr_Occurred()) { PyErr_Clear(); PyErr_SetString(PyExc_IndexError, "index out of range"); goto done; }
        } else {
            sk_tensor *t = skpy_convert(it, 0);
            if (!t) {
                if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                    PyErr_Clear();
                    PyErr_Format(PyExc_IndexError, "invalid index of type %.50s", skpy_tname(it));
                }
                goto done;
            }
            int32_t dt = sk_tensor_dtype(t), nd = sk_tensor_ndim(t);
            if (skpy_is_float_dtype(dt)) {
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
    /* the result has at most rank + n_new axes: refuse more than the 64 the arrays below hold
     * before anything is written to them */
    if (n_new + rank > 64) {
        PyErr_Format(PyExc_IndexError, "too many dimensions: %zd new axes (None) on a %d-dimensional tensor "
                     "give more than 64", n_new, (int)rank);
        goto done;
    }
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
                    SliceParts s;
                    if (slice_parts(e[k].obj, &s) < 0) goto done;
                    int64_t step = 1;
                    if (s.step != Py_None) {
                        PyObject *iv = PyNumber_Index(s.step);
                        if (!iv) goto done;
                        step = PyLong_AsLongLong(iv); Py_DECREF(iv);
                        if (step == -1 && PyErr_Occurred()) { slice_parts_free(&s); goto done; }
                        if (step == 0) { slice_parts_free(&s); PyErr_SetString(PyExc_ValueError, "slice step cannot be zero"); goto done; }
                    }
                    strides[ax] = step;
                    int bad = 0;
                    if (s.start == Py_None) { bmask |= 1ULL << ax; begin[ax] = 0; }
                    else if (slice_bound(s.start, &begin[ax]) < 0) bad = 1;
                    else trivial = 0;
                    if (bad) {}
                    else if (s.stop == Py_None) { emask |= 1ULL << ax; end[ax] = 0; }
                    else if (slice_bound(s.stop, &end[ax]) < 0) bad = 1;
                    else trivial = 0;
                    slice_parts_free(&s);
                    if (bad) goto done;
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
            if (st) { skpy_raise_status(st); goto done; }
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
            if (st) { sk_tensor_release(src); skpy_raise_status(st); goto done; }
            sk_tensor *g = NULL;
            st = sk_gather(src, ind, advpos, &g);
            sk_tensor_release(src);
            sk_tensor_release(ind);
            if (st) { skpy_raise_status(st); goto done; }
            sk_tensor_release(y);
            y = g;
        }
        res = skpy_wrap_tensor(y);
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
    if (Py_IS_TYPE(self, skpy_TensorType)) return index_tensor(((TensorObject *)self)->h, key);
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
        PyErr_SetString(PyExc_BufferError, dt == SK_STRING ? "a string tensor has no buffer (use .numpy(), which gives an object array of bytes)"
                                                           : "bfloat16 has no buffer format (use .numpy(), which gives float32)");
        view->obj = NULL;
        return -1;
    }
    int64_t dims[64]; int32_t nd;
    if (handle_shape(self->h, dims, &nd) < 0) { view->obj = NULL; return -1; }
    Py_ssize_t *arr = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * nd + 1));
    if (!arr) { PyErr_NoMemory(); view->obj = NULL; return -1; }
    Py_ssize_t isz = skpy_dtype_sizes[dt], stride = isz, len = isz;
    for (int i = nd - 1; i >= 0; i--) { arr[i] = (Py_ssize_t)dims[i]; arr[nd + i] = stride; stride *= arr[i]; }
    for (int i = 0; i < nd; i++) len *= arr[i];
    const void *p = sk_tensor_data(self->h);
    view->buf = p ? (void *)p : (void *)empty_data;
    view->obj = (PyObject *)self; Py_INCREF(view->obj);
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

static void tensor_releasebuffer(TensorObject *self SKPY_UNUSED, Py_buffer *view) {
    PyMem_Free(view->internal);
}


/* A numpy array viewing (copy=0) or copying (copy=1) the tensor's memory. */
static PyObject *to_numpy(sk_tensor *h, PyObject *owner, int copy) {
    if (sk_tensor_dtype(h) == SK_STRING) return skpy_strings_to_numpy(h, 0);
    PyObject *np = numpy_module();
    if (!np) return NULL;
    PyObject *res = NULL;
    sk_tensor *c = NULL;
    PyObject *holder = NULL;
    if (sk_tensor_dtype(h) == SK_BFLOAT16) {
        int32_t st = sk_tensor_cast(h, SK_FLOAT32, &c);
        if (st) { Py_DECREF(np); return skpy_raise_status(st); }
        holder = skpy_wrap_tensor(c);
    } else if (owner && Tensor_Check(owner)) {
        holder = owner; Py_INCREF(holder);
    } else {
        holder = skpy_wrap_tensor(sk_tensor_retain(h));
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
SKPY_EXPORT(tensor, t_, numpy, METH_NOARGS, "The values as a numpy array (a copy); a numpy scalar for rank 0.");

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
SKPY_EXPORT_AS(tensor, "__array__", t_array, METH_VARARGS | METH_KEYWORDS, "numpy interop (zero-copy view).");
SKPY_EXPORT_AS(variable, "__array__", t_array, METH_VARARGS | METH_KEYWORDS, "numpy interop (a copy).");

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
    if (Py_IS_TYPE(self, skpy_TensorType)) dt = sk_tensor_dtype(((TensorObject *)self)->h);
    else if (Variable_Check(self)) dt = sk_variable_dtype(((VariableObject *)self)->v);
    else dt = 0;
    if (dt < 1 || dt > SK_STRING) { PyErr_SetString(PyExc_ValueError, "invalid handle"); return NULL; }
    Py_INCREF(skpy_dtype_objs[dt]);
    return skpy_dtype_objs[dt];
}
/* the element count (size) or the rank (else) of the value */
static PyObject *value_count(PyObject *self, int size) {
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int64_t n = size ? sk_tensor_size(h) : (int64_t)sk_tensor_ndim(h);
    sk_tensor_release(h);
    return PyLong_FromLongLong(n);
}
static PyObject *t_get_ndim(PyObject *self, void *c) { (void)c; return value_count(self, 0); }
static PyObject *t_get_size(PyObject *self, void *c) { (void)c; return value_count(self, 1); }
static PyObject *t_get_device(PyObject *self, void *c) {
    (void)self; (void)c;
    return PyUnicode_FromString("/job:localhost/replica:0/task:0/device:CPU:0");
}
static PyObject *t_get_address(PyObject *self, void *c) {
    (void)c;
    const void *p = sk_tensor_data(((TensorObject *)self)->h);
    return PyLong_FromVoidPtr((void *)p);
}

/* repr(tuple(o)): a TensorShape printed as a tuple */
static PyObject *tuple_repr(PyObject *o) {
    PyObject *t = PySequence_Tuple(o);
    PyObject *r = t ? PyObject_Repr(t) : NULL;
    Py_XDECREF(t);
    return r;
}

static PyObject *shape_text(const sk_tensor *h) {
    int64_t dims[64]; int32_t nd;
    if (handle_shape(h, dims, &nd) < 0) return NULL;
    PyObject *s = make_shape_obj(dims, nd);
    if (!s) return NULL;
    PyObject *r = tuple_repr(s);
    Py_DECREF(s);
    return r;
}

/* sk_tensor_to_string with the length without the NUL, as skpy_copied_string takes it */
static int32_t get_text(const void *h, char *b, size_t c, size_t *l) {
    int32_t st = sk_tensor_to_string((const sk_tensor *)h, b, c, l);
    if (!st && *l) (*l)--;
    return st;
}

static PyObject *core_text(const sk_tensor *h) { return skpy_copied_string(h, get_text); }

/* numpy's repr (is_repr) or str of the values, as TensorFlow prints them; the core's text for
 * scalars and without numpy. TensorFlow starts a str() that spans lines on a new line. */
static PyObject *values_text(const sk_tensor *h, PyObject *owner, int is_repr) {
    if (sk_tensor_ndim(h) == 0) return core_text(h);
    PyObject *a = to_numpy((sk_tensor *)h, owner, 0);
    if (!a) { PyErr_Clear(); return core_text(h); }
    PyObject *r = is_repr ? PyObject_Repr(a) : PyObject_Str(a);
    Py_DECREF(a);
    if (r && !is_repr && PyUnicode_FindChar(r, '\n', 0, PyUnicode_GET_LENGTH(r), 1) >= 0) {
        PyObject *nl = PyUnicode_FromStringAndSize("\n", 1);
        PyObject *both = nl ? PyUnicode_Concat(nl, r) : NULL;
        Py_XDECREF(nl);
        Py_DECREF(r);
        r = both;
    }
    return r;
}

static PyObject *t_repr(PyObject *self) {
    TensorObject *t = (TensorObject *)self;
    PyObject *shape = shape_text(t->h);
    if (!shape) return NULL;
    PyObject *vals = values_text(t->h, self, 1);
    if (!vals) { Py_DECREF(shape); return NULL; }
    int32_t dt = sk_tensor_dtype(t->h);
    PyObject *r = PyUnicode_FromFormat("<tf.Tensor: shape=%U, dtype=%s, numpy=%U>", shape, skpy_dtype_names[dt], vals);
    Py_DECREF(shape); Py_DECREF(vals);
    return r;
}

static PyObject *t_str(PyObject *self) {
    TensorObject *t = (TensorObject *)self;
    PyObject *shape = shape_text(t->h);
    if (!shape) return NULL;
    PyObject *vals = values_text(t->h, self, 0);
    if (!vals) { Py_DECREF(shape); return NULL; }
    int32_t dt = sk_tensor_dtype(t->h);
    PyObject *r = PyUnicode_FromFormat("tf.Tensor(%U, shape=%U, dtype=%s)", vals, shape, skpy_dtype_names[dt]);
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
        PyObject *v = skpy_is_float_dtype(dt) ? nb_float(self) : dt == SK_BOOL ? PyBool_FromLong(nb_bool(self)) : nb_int(self);
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
SKPY_EXPORT_AS(tensor, "__format__", t_format, METH_O, "format() of the values.");
SKPY_EXPORT_AS(variable, "__format__", t_format, METH_O, NULL);

static PyObject *t_ref(PyObject *self, PyObject *unused);

static PyObject *t_tolist(PyObject *self, PyObject *unused) {
    (void)unused;
    /* without numpy: through the float64 / int64 data */
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int32_t dt = sk_tensor_dtype(h);
    if (dt == SK_STRING) { PyObject *l = skpy_strings_to_numpy(h, 1); sk_tensor_release(h); return l; }
    int64_t dims[64]; int32_t nd;
    if (handle_shape(h, dims, &nd) < 0) { sk_tensor_release(h); return NULL; }
    int isf = skpy_is_float_dtype(dt);
    sk_tensor *c = NULL;
    int32_t st = sk_tensor_cast(h, isf ? SK_FLOAT64 : SK_INT64, &c);
    int64_t n = sk_tensor_size(h);
    sk_tensor_release(h);
    if (st) return skpy_raise_status(st);
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
SKPY_EXPORT(tensor, t_, tolist, METH_NOARGS, "The values as nested Python lists (no numpy needed).");
SKPY_EXPORT(variable, t_, tolist, METH_NOARGS, NULL);

/* Pickling: (tensor_from_bytes, (the elements' bytes as the core holds them, dtype name, shape)):
 * exact for every dtype, one copy of the memory. */
static PyObject *t_getstate_reduce(PyObject *self, PyObject *unused SKPY_UNUSED) {
    sk_tensor *h = handle_of(self);
    if (!h) return NULL;
    int64_t dims[64]; int32_t nd;
    PyObject *shape = handle_shape(h, dims, &nd) < 0 ? NULL : make_shape_obj(dims, nd);
    int32_t dt = sk_tensor_dtype(h);
    size_t nbytes = (size_t)sk_tensor_size(h) * (size_t)skpy_dtype_sizes[dt];
    PyObject *data = shape ? PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nbytes) : NULL;   /* filled below */
    int32_t st = data && nbytes ? sk_tensor_copy_data(h, PyBytes_AsString(data), nbytes) : SK_OK;
    sk_tensor_release(h);
    PyObject *mod = data && !st ? PyImport_ImportModule("swiftkeras._native") : NULL;
    PyObject *from = mod ? PyObject_GetAttrString(mod, "tensor_from_bytes") : NULL;
    Py_XDECREF(mod);
    if (!from) {
        Py_XDECREF(shape); Py_XDECREF(data);
        return st ? skpy_raise_status(st) : NULL;
    }
    return Py_BuildValue("(N(NsN))", from, data, skpy_dtype_names[dt], shape);
}
SKPY_EXPORT_AS(tensor, "__reduce__", t_getstate_reduce, METH_NOARGS, "Pickling support.");

static PyGetSetDef tensor_getset[] = {
    {"shape", t_get_shape, NULL, "The shape as a TensorShape (a tuple).", NULL},
    {"dtype", t_get_dtype, NULL, "The DType.", NULL},
    {"ndim", t_get_ndim, NULL, "The rank.", NULL},
    {"size", t_get_size, NULL, "The number of elements.", NULL},
    {"device", t_get_device, NULL, "Always the CPU.", NULL},
    {"_data_address", t_get_address, NULL, "The address of the elements (read-only memory).", NULL},
    {NULL}
};


static PyObject *tensor_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"value", "dtype", NULL};
    PyObject *v, *dtype = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O", kwl, &v, &dtype)) return NULL;
    int32_t d = skpy_dtype_code_of(dtype, 1);
    if (d < 0) return NULL;
    sk_tensor *h = skpy_convert(v, d);
    if (!h) return NULL;
    if (type == skpy_TensorType) return skpy_wrap_tensor(h);
    TensorObject *t = (TensorObject *)skpy_alloc(type, 0);
    if (!t) { sk_tensor_release(h); return NULL; }
    t->h = h; t->size = -1;
    return (PyObject *)t;
}

/* The protocols Tensor and Variable share: arithmetic, comparison, indexing, len(), no hash. */
#define TENSOR_LIKE_SLOTS \
    {Py_nb_add, nb_add}, {Py_nb_subtract, nb_sub}, {Py_nb_multiply, nb_mul}, {Py_nb_remainder, nb_mod}, \
    {Py_nb_power, nb_pow}, {Py_nb_negative, nb_neg}, {Py_nb_positive, nb_pos}, {Py_nb_absolute, nb_abs}, \
    {Py_nb_bool, nb_bool}, {Py_nb_invert, nb_invert}, {Py_nb_and, nb_and}, {Py_nb_xor, nb_xor}, {Py_nb_or, nb_or}, \
    {Py_nb_int, nb_int}, {Py_nb_float, nb_float}, {Py_nb_floor_divide, nb_floordiv}, \
    {Py_nb_true_divide, nb_truediv}, {Py_nb_matrix_multiply, nb_matmul}, \
    {Py_mp_length, mp_length}, {Py_mp_subscript, mp_subscript}, {Py_sq_length, mp_length}, {Py_sq_item, sq_item}, \
    {Py_tp_hash, unhashable}, {Py_tp_richcompare, richcompare}

static PyMemberDef tensor_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(TensorObject, weakrefs), READONLY, NULL},
    {"_keras_mask", T_OBJECT, offsetof(TensorObject, keras_mask), 0,
     "The mask a layer gave this output (tf.keras 2 `_keras_mask`), or None."},
    {NULL}
};
static PyType_Slot tensor_slots[] = {
    TENSOR_LIKE_SLOTS,
    {Py_nb_index, nb_index},   /* a Variable is no index: its value changes */
    {Py_bf_getbuffer, tensor_getbuffer}, {Py_bf_releasebuffer, tensor_releasebuffer},
    {Py_tp_dealloc, tensor_dealloc}, {Py_tp_repr, t_repr}, {Py_tp_str, t_str},
    {Py_tp_methods, NULL}, {Py_tp_getset, tensor_getset}, {Py_tp_members, tensor_members},
    {Py_tp_new, tensor_new}, {Py_tp_doc, "An immutable n-d array held by the SwiftKeras core (like tf.Tensor)."},
    {0, NULL}
};
static PyType_Spec tensor_spec = {"swiftkeras.Tensor", sizeof(TensorObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, tensor_slots};

/* ref(): a hashable wrapper comparing by identity */
typedef struct { PyObject_HEAD PyObject *obj; } RefObject;
static void ref_dealloc(RefObject *r) { Py_DECREF(r->obj); skpy_free((PyObject *)r); }
static Py_hash_t ref_hash(RefObject *r) {
    uintptr_t p = (uintptr_t)r->obj;
    Py_hash_t h = (Py_hash_t)((p >> 4) | (p << (8 * sizeof(p) - 4)));   /* as CPython hashes pointers */
    return h == -1 ? -2 : h;
}
static PyObject *ref_cmp(PyObject *a, PyObject *b, int op);
static PyObject *ref_deref(RefObject *r, PyObject *u) { (void)u; Py_INCREF(r->obj); return r->obj; }
static PyMethodDef ref_methods[] = {SKPY_FN(ref_, deref, METH_NOARGS, "The referenced object."), {NULL}};
static PyType_Slot ref_slots[] = {
    {Py_tp_dealloc, ref_dealloc}, {Py_tp_hash, ref_hash}, {Py_tp_richcompare, ref_cmp}, {Py_tp_methods, ref_methods}, {0, NULL}
};
static PyType_Spec ref_spec = {"swiftkeras.Reference", sizeof(RefObject), 0, Py_TPFLAGS_DEFAULT, ref_slots};
static PyObject *ref_cmp(PyObject *a, PyObject *b, int op) {
    if (!Py_IS_TYPE(b, RefType) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    int eq = ((RefObject *)a)->obj == ((RefObject *)b)->obj;
    if ((op == Py_EQ) == eq) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}
static PyObject *t_ref(PyObject *self, PyObject *unused) {
    (void)unused;
    RefObject *r = PyObject_New(RefObject, RefType);
    if (!r) return NULL;
    Py_INCREF(self);
    r->obj = self;
    return (PyObject *)r;
}
SKPY_EXPORT(tensor, t_, ref, METH_NOARGS, "A hashable reference to this object.");
SKPY_EXPORT_AS(tensor, "experimental_ref", t_ref, METH_NOARGS, "A hashable reference to this object.");
SKPY_EXPORT(variable, t_, ref, METH_NOARGS, "A hashable reference to this variable.");
SKPY_EXPORT_AS(variable, "experimental_ref", t_ref, METH_NOARGS, NULL);
/* ------------------------------------------------------------------------------------------
 * TensorShape: a tuple of ints
 * ---------------------------------------------------------------------------------------- */
static PyObject *sh_as_list(PyObject *self, PyObject *u) { (void)u; return PySequence_List(self); }
SKPY_EXPORT(shape, sh_, as_list, METH_NOARGS, "The dimensions as a list.");
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
SKPY_EXPORT_AS(shape, "num_elements", sh_num, METH_NOARGS, "The product of the dimensions.");
static PyObject *sh_rank(PyObject *self, void *c) { (void)c; return PyLong_FromSsize_t(PyTuple_GET_SIZE(self)); }
static PyObject *sh_repr(PyObject *self) {
    PyObject *l = PySequence_List(self);
    if (!l) return NULL;
    PyObject *r = PyUnicode_FromFormat("TensorShape(%R)", l);
    Py_DECREF(l);
    return r;
}
static PyObject *sh_str(PyObject *self) { return tuple_repr(self); }
static PyObject *sh_fully(PyObject *self SKPY_UNUSED, PyObject *u) { (void)u; Py_RETURN_TRUE; }
SKPY_EXPORT_AS(shape, "is_fully_defined", sh_fully, METH_NOARGS, "Always True for eager tensors.");
static PyGetSetDef shape_getset[] = {
    {"rank", sh_rank, NULL, NULL, NULL}, {"ndims", sh_rank, NULL, NULL, NULL}, {NULL}
};
static PyType_Slot shape_slots[] = {
    {Py_tp_repr, sh_repr}, {Py_tp_str, sh_str}, {Py_tp_methods, NULL}, {Py_tp_getset, shape_getset},
    {Py_tp_doc, "The shape of a tensor: a tuple of ints with as_list() (like tf.TensorShape)."}, {0, NULL}
};
static PyType_Spec shape_spec = {"swiftkeras.TensorShape", 0, 0, Py_TPFLAGS_DEFAULT, shape_slots};

/* ------------------------------------------------------------------------------------------
 * Variable
 * ---------------------------------------------------------------------------------------- */
static PyObject *variable_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"value", "name", "trainable", "dtype", NULL};
    PyObject *value, *name = Py_None, *trainable = Py_True, *dtype = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOO", kwl, &value, &name, &trainable, &dtype)) return NULL;
    int32_t d = skpy_dtype_code_of(dtype, 1);
    if (d < 0) return NULL;
    const char *cname = NULL;
    if (name != Py_None) {
        if (!PyUnicode_Check(name)) { PyErr_SetString(PyExc_TypeError, "a variable name must be a string"); return NULL; }
        cname = PyUnicode_AsUTF8(name);
        if (!cname) return NULL;
    }
    int tr = trainable == Py_None ? 1 : PyObject_IsTrue(trainable);
    if (tr < 0) return NULL;
    sk_tensor *h = skpy_convert(value, d);
    if (!h) return NULL;
    sk_variable *v = NULL;
    int32_t st = sk_variable_create(h, cname, (uint8_t)tr, &v);
    sk_tensor_release(h);
    if (st) return skpy_raise_status(st);
    VariableObject *o = (VariableObject *)skpy_alloc(type, 0);
    if (!o) { sk_variable_release(v); return NULL; }
    o->v = v;
    return (PyObject *)o;
}
static void variable_dealloc(VariableObject *o) {
    if (o->weakrefs) PyObject_ClearWeakRefs((PyObject *)o);
    sk_variable_release(o->v);
    skpy_free((PyObject *)o);
}
static PyObject *v_read(VariableObject *o, PyObject *u) {
    (void)u;
    sk_tensor *t = NULL;
    int32_t st = sk_variable_read(o->v, &t);
    return skpy_finish(st, t);
}
SKPY_EXPORT_AS(variable, "read_value", v_read, METH_NOARGS, "The current value as a Tensor.");
SKPY_EXPORT_AS(variable, "value", v_read, METH_NOARGS, "The current value as a Tensor.");
typedef int32_t (*assignfn)(sk_variable *, const sk_tensor *);
static PyObject *v_assign_common(VariableObject *o, PyObject *args, PyObject *kw, assignfn f) {
    static char *kwl[] = {"value", "use_locking", "name", "read_value", NULL};
    PyObject *value, *ul = Py_None, *nm = Py_None, *rv = Py_True;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOO", kwl, &value, &ul, &nm, &rv)) return NULL;
    int32_t dt = sk_variable_dtype(o->v);
    /* Python numbers and lists take the variable's dtype; tensors must match (as in TensorFlow) */
    sk_tensor *h = skpy_convert(value, (Tensor_Check(value) || Variable_Check(value)) ? 0 : dt);
    if (!h) return NULL;
    int32_t st;
    if (sk_tensor_size(h) > HEAVY_ELEMENTS) { Py_BEGIN_ALLOW_THREADS st = f(o->v, h); Py_END_ALLOW_THREADS }
    else st = f(o->v, h);
    sk_tensor_release(h);
    if (st) return skpy_raise_status(st);
    if (rv == Py_False) Py_RETURN_NONE;
    Py_INCREF((PyObject *)o);
    return (PyObject *)o;
}
static PyObject *v_assign(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign); }
SKPY_EXPORT(variable, v_, assign, METH_VARARGS | METH_KEYWORDS, "Replaces the value.");
static PyObject *v_assign_add(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign_add); }
SKPY_EXPORT(variable, v_, assign_add, METH_VARARGS | METH_KEYWORDS, "Adds to the value.");
static PyObject *v_assign_sub(VariableObject *o, PyObject *a, PyObject *k) { return v_assign_common(o, a, k, sk_variable_assign_sub); }
SKPY_EXPORT(variable, v_, assign_sub, METH_VARARGS | METH_KEYWORDS, "Subtracts from the value.");
static PyObject *v_numpy(VariableObject *o, PyObject *u) {
    PyObject *t = v_read(o, u);
    if (!t) return NULL;
    PyObject *r = t_numpy(t, NULL);
    Py_DECREF(t);
    return r;
}
SKPY_EXPORT(variable, v_, numpy, METH_NOARGS, "The current value as a numpy array.");
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
    if (st) { skpy_raise_status(st); return -1; }
    return 0;
}
static PyObject *v_get_shape(VariableObject *o, void *c) {
    (void)c;
    int64_t dims[64];
    int32_t nd = sk_variable_ndim(o->v);
    if (nd < 0 || nd > 64) { PyErr_SetString(PyExc_ValueError, "invalid variable"); return NULL; }
    int32_t st = sk_variable_shape(o->v, dims, 64);
    if (st) return skpy_raise_status(st);
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
                                              skpy_dtype_names[sk_tensor_dtype(h)], vals) : NULL;
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
static PyMemberDef variable_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(VariableObject, weakrefs), READONLY, NULL}, {NULL}
};
static PyType_Slot variable_slots[] = {
    TENSOR_LIKE_SLOTS,
    {Py_tp_dealloc, variable_dealloc}, {Py_tp_repr, v_repr},
    {Py_tp_methods, NULL}, {Py_tp_getset, variable_getset}, {Py_tp_members, variable_members},
    {Py_tp_new, variable_new}, {Py_tp_doc, "A mutable tensor with an identity (like tf.Variable)."},
    {0, NULL}
};
static PyType_Spec variable_spec = {"swiftkeras._native.Variable", sizeof(VariableObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, variable_slots};

static PyObject *variable_class;   /* swiftkeras.Variable, registered by the package */

/* Steals the handle. */
PyObject *skpy_wrap_variable(sk_variable *v) {
    PyTypeObject *tp = variable_class ? (PyTypeObject *)variable_class : skpy_VariableType;
    VariableObject *o = (VariableObject *)skpy_alloc(tp, 0);
    if (!o) { sk_variable_release(v); return NULL; }
    o->v = v;
    return (PyObject *)o;
}

/* tensor_from_bytes(data, dtype, shape) -> Tensor: the inverse of Tensor.__reduce__. */
static PyObject *m_tensor_from_bytes(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *data, *dtype;
    Py_ssize_t n;
    PyObject *shape;
    if (!PyArg_ParseTuple(args, "y#sO", &data, &n, &dtype, &shape)) return NULL;
    PyObject *name = PyUnicode_FromString(dtype);
    int32_t d = name ? skpy_dtype_code_of(name, 0) : -1;
    Py_XDECREF(name);
    if (d < 0) return NULL;
    Conv c; skpy_conv_init(&c);
    const int64_t *dims; int32_t nd;
    PyObject *res = NULL;
    if (skpy_conv_ints(&c, shape, "tensor_from_bytes", "shape", 0, &dims, &nd) == 0) {
        int64_t count = 1;
        for (int32_t i = 0; i < nd && count >= 0; i++) count = dims[i] < 0 || (dims[i] && count > INT64_MAX / dims[i]) ? -1 : count * dims[i];
        if (count < 0 || count > PY_SSIZE_T_MAX / skpy_dtype_sizes[d] || count * skpy_dtype_sizes[d] != n) {
            PyErr_Format(PyExc_ValueError, "tensor_from_bytes: %zd bytes do not hold a %s tensor of that shape", n, dtype);
        } else {
            sk_tensor *t = NULL;
            int32_t st = sk_tensor_from_data(n ? data : "", d, dims, nd, &t);
            res = skpy_finish(st, t);
        }
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, tensor_from_bytes, METH_VARARGS,
    "tensor_from_bytes(data, dtype, shape) -> Tensor: the elements' bytes as Tensor.__reduce__ gives them.");

static PyObject *m_register_variable_class(PyObject *self SKPY_UNUSED, PyObject *cls) {
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, skpy_VariableType)) {
        PyErr_SetString(PyExc_TypeError, "expected a subclass of _native.Variable");
        return NULL;
    }
    Py_INCREF(cls);
    Py_XDECREF(variable_class);
    variable_class = cls;
    Py_RETURN_NONE;
}
SKPY_EXPORT_AS(module, "_register_variable_class", m_register_variable_class, METH_O,
    "Variables created by layers use this class.");


SKPY_SECTION(tensor);
SKPY_SECTION(variable);
SKPY_SECTION(shape);

int skpy_tensor_init(PyObject *m) {
    PyObject *tuple = (PyObject *)&PyTuple_Type;
    /* the methods: the sections skpy_tensor, skpy_variable and skpy_shape */
    if (SKPY_SET_METHODS(tensor_slots, tensor) < 0 || SKPY_SET_METHODS(variable_slots, variable) < 0 ||
        SKPY_SET_METHODS(shape_slots, shape) < 0 ||
        !(skpy_TensorType = skpy_add_type(m, &tensor_spec, NULL)) || !(skpy_VariableType = skpy_add_type(m, &variable_spec, NULL)) ||
        !(ShapeType = skpy_add_type(m, &shape_spec, tuple)) || !(RefType = skpy_add_type(m, &ref_spec, NULL)))
        return -1;
    /* numpy defers to the operators of both (a Tensor on the right of an ndarray stays a Tensor) */
    PyObject *prio = PyFloat_FromDouble(100.0);
    int r = prio ? 0 : -1;
    PyTypeObject *const tensor_like[] = {skpy_TensorType, skpy_VariableType};
    for (int i = 0; i < 2 && r == 0; i++) {
        r = PyObject_SetAttrString((PyObject *)tensor_like[i], "__array_priority__", prio);
        if (r == 0) r = PyObject_SetAttrString((PyObject *)tensor_like[i], "__array_ufunc__", Py_None);
    }
    Py_XDECREF(prio);
    return r;
}
