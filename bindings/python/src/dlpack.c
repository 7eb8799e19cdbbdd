/* DLPack both ways (the Python array API's exchange protocol, DLPack 1.0 with the legacy form).
 *
 * Export, Tensor.__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None): a
 * consumer that asks for version 1 (max_version >= (1, 0)) gets a "dltensor_versioned" capsule
 * viewing the tensor's memory with the READ_ONLY flag (tensors are immutable; copy=True gives a
 * copy flagged IS_COPIED instead). A legacy consumer (no max_version) cannot see a read-only
 * flag, so it gets a copy of its own to write into; with copy=False that is a BufferError.
 *
 * Import, from_dlpack(x): x.__dlpack__(max_version=(1, 0)) (or the legacy call, or a capsule).
 * A read-only contiguous producer is wrapped without a copy (sk_tensor_from_buffer; its deleter
 * runs when the last tensor using it is released); writable or strided memory is copied, because
 * the producer may still write into it and tensors never change. */
#include "native.h"

typedef struct { int32_t device_type, device_id; } DLDevice;
typedef struct { uint8_t code, bits; uint16_t lanes; } DLDataType;
typedef struct {
    void *data; DLDevice device; int32_t ndim; DLDataType dtype;
    int64_t *shape; int64_t *strides; uint64_t byte_offset;
} DLTensor;
typedef struct DLManagedTensor {
    DLTensor dl_tensor; void *manager_ctx; void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;
typedef struct { uint32_t major, minor; } DLPackVersion;
typedef struct DLManagedTensorVersioned {
    DLPackVersion version; void *manager_ctx; void (*deleter)(struct DLManagedTensorVersioned *self);
    uint64_t flags; DLTensor dl_tensor;
} DLManagedTensorVersioned;

enum { kDLCPU = 1 };
enum { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLBool = 6 };
#define DLPACK_FLAG_READ_ONLY (1ULL << 0)
#define DLPACK_FLAG_IS_COPIED (1ULL << 1)
#define DLPACK_MAJOR 1
#define DLPACK_MINOR 0

static char empty_data[16];

/* The (code, bits) of each SK_* dtype (index = code). */
static const DLDataType dl_types[10] = {
    {0, 0, 0}, {kDLFloat, 32, 1}, {kDLFloat, 64, 1}, {kDLFloat, 16, 1}, {kDLBfloat, 16, 1},
    {kDLInt, 32, 1}, {kDLInt, 64, 1}, {kDLUInt, 8, 1}, {kDLBool, 8, 1},
    {0, 0, 0},   /* string: no DLPack type (export refuses it) */
};

/* ------------------------------------------------------------------------------------------
 * Export
 * ---------------------------------------------------------------------------------------- */
/* One allocation holds both managed forms' owner: the tensor and its shape and strides. */
typedef struct {
    DLManagedTensor legacy;
    DLManagedTensorVersioned versioned;
    sk_tensor *h;
    int64_t shape[64], strides[64];
} DLHolder;

static void holder_free(DLHolder *d) { sk_tensor_release(d->h); free(d); }
static void legacy_deleter(DLManagedTensor *m) { holder_free((DLHolder *)m->manager_ctx); }
static void versioned_deleter(DLManagedTensorVersioned *m) { holder_free((DLHolder *)m->manager_ctx); }

/* A capsule not consumed (still under its own name) frees what it holds. */
static void legacy_capsule_destructor(PyObject *cap) {
    if (!PyCapsule_IsValid(cap, "dltensor")) return;
    DLManagedTensor *m = PyCapsule_GetPointer(cap, "dltensor");
    if (m && m->deleter) m->deleter(m);
}
static void versioned_capsule_destructor(PyObject *cap) {
    if (!PyCapsule_IsValid(cap, "dltensor_versioned")) return;
    DLManagedTensorVersioned *m = PyCapsule_GetPointer(cap, "dltensor_versioned");
    if (m && m->deleter) m->deleter(m);
}

/* A new copy of h in memory of its own. */
static sk_tensor *copy_tensor(sk_tensor *h, const int64_t *shape, int32_t nd) {
    sk_tensor *c = NULL;
    const void *p = sk_tensor_data(h);
    int32_t st = sk_tensor_from_data(p ? p : empty_data, sk_tensor_dtype(h), shape, nd, &c);
    if (st) skpy_raise_status(st);
    return c;
}

/* Parses __dlpack__'s keywords: *versioned (max_version >= 1.0), *copy (-1 None, 0, 1). */
static int dlpack_args(PyObject *args, PyObject *kw, int *versioned, int *copy) {
    static char *kwl[] = {"stream", "max_version", "dl_device", "copy", NULL};
    PyObject *stream = Py_None, *maxv = Py_None, *dev = Py_None, *cp = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OOOO", kwl, &stream, &maxv, &dev, &cp)) return -1;
    if (stream != Py_None) {
        PyErr_SetString(PyExc_ValueError, "__dlpack__: stream must be None for CPU tensors");
        return -1;
    }
    if (dev != Py_None) {
        int t, id;
        if (!PyArg_ParseTuple(dev, "ii", &t, &id)) return -1;
        if (t != kDLCPU || id != 0) {
            PyErr_Format(PyExc_BufferError, "__dlpack__: tensors are on the CPU (1, 0), not on device (%d, %d)", t, id);
            return -1;
        }
    }
    *versioned = 0;
    if (maxv != Py_None) {
        int major, minor;
        if (!PyArg_ParseTuple(maxv, "ii", &major, &minor)) return -1;
        *versioned = major >= DLPACK_MAJOR;
    }
    *copy = cp == Py_None ? -1 : PyObject_IsTrue(cp);
    return *copy == -1 && PyErr_Occurred() ? -1 : 0;
}

PyObject *skpy_tensor_dlpack(PyObject *self, PyObject *args, PyObject *kw) {
    int versioned, copy;
    if (dlpack_args(args, kw, &versioned, &copy) < 0) return NULL;
    if (!versioned && copy == 0) {
        PyErr_SetString(PyExc_BufferError, "__dlpack__: a legacy (unversioned) capsule cannot mark the memory "
                        "read-only, so it is always a copy; copy=False needs max_version=(1, 0)");
        return NULL;
    }
    int do_copy = !versioned || copy == 1;
    sk_tensor *h = skpy_convert(self, 0);
    if (!h) return NULL;
    DLHolder *d = calloc(1, sizeof(DLHolder));
    if (!d) { sk_tensor_release(h); return PyErr_NoMemory(); }
    d->h = h;
    int32_t nd = sk_tensor_ndim(h), st = nd < 0 || nd > 64 ? SK_ERR_INVALID_ARG : sk_tensor_shape(h, d->shape, 64);
    if (st) { holder_free(d); return skpy_raise_status(st); }
    if (do_copy) {
        sk_tensor *c = copy_tensor(h, d->shape, nd);
        if (!c) { holder_free(d); return NULL; }
        sk_tensor_release(h);
        d->h = c;
    }
    int64_t s = 1;
    for (int i = nd - 1; i >= 0; i--) { d->strides[i] = s; s *= d->shape[i]; }
    int32_t dt = sk_tensor_dtype(d->h);
    if (dt == SK_STRING) {
        holder_free(d);
        PyErr_SetString(PyExc_BufferError, "a string tensor has no DLPack form");
        return NULL;
    }
    const void *p = sk_tensor_data(d->h);
    DLTensor t = {(void *)(p ? p : empty_data), {kDLCPU, 0}, nd, dl_types[dt], d->shape, d->strides, 0};
    PyObject *cap;
    if (versioned) {
        d->versioned = (DLManagedTensorVersioned){{DLPACK_MAJOR, DLPACK_MINOR}, d, versioned_deleter,
                                                  do_copy ? DLPACK_FLAG_IS_COPIED : DLPACK_FLAG_READ_ONLY, t};
        cap = PyCapsule_New(&d->versioned, "dltensor_versioned", versioned_capsule_destructor);
    } else {
        d->legacy = (DLManagedTensor){t, d, legacy_deleter};
        cap = PyCapsule_New(&d->legacy, "dltensor", legacy_capsule_destructor);
    }
    if (!cap) holder_free(d);
    return cap;
}
SKPY_EXPORT_AS(tensor, "__dlpack__", skpy_tensor_dlpack, METH_VARARGS | METH_KEYWORDS,
    "__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None): a DLPack capsule.");

PyObject *skpy_tensor_dlpack_device(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    return Py_BuildValue("(ii)", kDLCPU, 0);
}
SKPY_EXPORT_AS(tensor, "__dlpack_device__", skpy_tensor_dlpack_device, METH_NOARGS, "(kDLCPU, 0).");

/* ------------------------------------------------------------------------------------------
 * Import
 * ---------------------------------------------------------------------------------------- */
static int32_t sk_dtype_of(DLDataType t) {
    for (int32_t d = 1; d <= 8; d++)
        if (dl_types[d].code == t.code && dl_types[d].bits == t.bits && t.lanes == 1) return d;
    if (t.code == kDLUInt && t.bits == 8 && t.lanes == 1) return SK_UINT8;
    return 0;
}

/* The row-major copy of a strided n-d array of item-size isz (strides in elements). */
static void strided_copy(char *dst, const char *src, const int64_t *shape, const int64_t *strides, int32_t nd, int isz) {
    int64_t idx[64] = {0};
    int64_t n = 1;
    for (int32_t i = 0; i < nd; i++) n *= shape[i];
    for (int64_t k = 0; k < n; k++) {
        int64_t off = 0;
        for (int32_t i = 0; i < nd; i++) off += idx[i] * strides[i];
        memcpy(dst + k * isz, src + off * isz, (size_t)isz);
        for (int32_t i = nd - 1; i >= 0; i--) { if (++idx[i] < shape[i]) break; idx[i] = 0; }
    }
}

/* What sk_tensor_from_buffer's deleter needs to hand the memory back: the managed tensor. */
typedef struct { void *managed; int versioned; } Lease;
static void lease_end(void *data, void *ud) {
    (void)data;
    Lease *l = ud;
    if (l->versioned) { DLManagedTensorVersioned *m = l->managed; if (m->deleter) m->deleter(m); }
    else { DLManagedTensor *m = l->managed; if (m->deleter) m->deleter(m); }
    free(l);
}

/* A tensor of the DLTensor t owned by managed (whose deleter this call or the tensor runs). */
static sk_tensor *tensor_from_dl(const DLTensor *t, void *managed, int versioned, uint64_t flags) {
    sk_tensor *out = NULL;
    Lease *lease = malloc(sizeof(Lease));
    if (!lease) { PyErr_NoMemory(); return NULL; }
    *lease = (Lease){managed, versioned};
    int32_t dt = sk_dtype_of(t->dtype);
    const char *why = t->device.device_type != kDLCPU ? "the data is not in CPU memory"
                    : !dt ? "its element type has no SwiftKeras dtype"
                    : t->ndim < 0 || t->ndim > 64 ? "its rank is out of range" : NULL;
    if (why) {
        PyErr_Format(PyExc_BufferError, "from_dlpack: cannot import a tensor of device (%d, %d), type (code %d, %d bits, "
                     "%d lanes): %s", (int)t->device.device_type, (int)t->device.device_id, (int)t->dtype.code,
                     (int)t->dtype.bits, (int)t->dtype.lanes, why);
        lease_end(NULL, lease);
        return NULL;
    }
    int isz = skpy_dtype_sizes[dt];
    int64_t n = 1;
    int contiguous = 1;
    for (int32_t i = t->ndim - 1; i >= 0; i--) {
        if (t->strides && t->shape[i] > 1 && t->strides[i] != n) contiguous = 0;
        n *= t->shape[i];
    }
    char *data = (char *)t->data + t->byte_offset;
    int32_t st;
    if ((flags & DLPACK_FLAG_READ_ONLY) && contiguous && n > 0) {
        st = sk_tensor_from_buffer(data, dt, t->shape, t->ndim, lease_end, lease, &out);   /* runs lease_end on failure */
    } else if (contiguous || n == 0) {
        st = sk_tensor_from_data(n ? data : empty_data, dt, t->shape, t->ndim, &out);
        lease_end(NULL, lease);
    } else {
        char *buf = PyMem_Malloc((size_t)(n * isz));
        if (!buf) { lease_end(NULL, lease); PyErr_NoMemory(); return NULL; }
        strided_copy(buf, data, t->shape, t->strides, t->ndim, isz);
        lease_end(NULL, lease);
        st = sk_tensor_from_data(buf, dt, t->shape, t->ndim, &out);
        PyMem_Free(buf);
    }
    if (st) { skpy_raise_status(st); return NULL; }
    return out;
}

/* from_dlpack(x) -> Tensor, for an object with __dlpack__ or a DLPack capsule. */
static PyObject *m_from_dlpack(PyObject *self SKPY_UNUSED, PyObject *x) {
    PyObject *cap;
    if (PyCapsule_CheckExact(x)) { cap = x; Py_INCREF(cap); }
    else {
        PyObject *meth = PyObject_GetAttrString(x, "__dlpack__");
        if (!meth) {
            PyErr_Format(PyExc_TypeError, "from_dlpack: expected an object with __dlpack__ or a DLPack capsule, got %.100s", skpy_tname(x));
            return NULL;
        }
        PyObject *kw = Py_BuildValue("{s(ii)}", "max_version", DLPACK_MAJOR, DLPACK_MINOR);
        PyObject *noargs = PyTuple_New(0);
        cap = kw && noargs ? PyObject_Call(meth, noargs, kw) : NULL;
        if (!cap && PyErr_ExceptionMatches(PyExc_TypeError)) {   /* a producer without max_version */
            PyErr_Clear();
            cap = PyObject_CallNoArgs(meth);
        }
        Py_XDECREF(kw); Py_XDECREF(noargs); Py_DECREF(meth);
        if (!cap) return NULL;
    }
    sk_tensor *t = NULL;
    if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
        DLManagedTensorVersioned *m = PyCapsule_GetPointer(cap, "dltensor_versioned");
        PyCapsule_SetName(cap, "used_dltensor_versioned");   /* consumed: the deleter is ours to run */
        if (m->version.major > DLPACK_MAJOR) {
            PyErr_Format(PyExc_BufferError, "from_dlpack: DLPack %u.%u is newer than 1.x", m->version.major, m->version.minor);
            if (m->deleter) m->deleter(m);
        } else t = tensor_from_dl(&m->dl_tensor, m, 1, m->flags);
    } else if (PyCapsule_IsValid(cap, "dltensor")) {
        DLManagedTensor *m = PyCapsule_GetPointer(cap, "dltensor");
        PyCapsule_SetName(cap, "used_dltensor");
        t = tensor_from_dl(&m->dl_tensor, m, 0, 0);
    } else {
        PyErr_SetString(PyExc_TypeError, "from_dlpack: expected an unused \"dltensor\" or \"dltensor_versioned\" capsule");
    }
    Py_DECREF(cap);
    return t ? skpy_wrap_tensor(t) : NULL;
}
SKPY_EXPORT(module, m_, from_dlpack, METH_O,
    "from_dlpack(x) -> Tensor: x's values through DLPack (zero-copy for read-only memory, else a copy).");

