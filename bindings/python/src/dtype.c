/* DType: the element types (tf.DType-like singletons, one per SK_* code) and as_dtype. */
#include "native.h"

PyObject *skpy_dtype_objs[10];     /* DType singletons by code */
const char *const skpy_dtype_names[10] = {"invalid", "float32", "float64", "float16", "bfloat16",
                                          "int32", "int64", "uint8", "bool", "string"};
/* string: the 8-byte placeholder per element of the core (its data is never read here) */
const int skpy_dtype_sizes[10] = {0, 4, 8, 2, 2, 4, 8, 1, 1, 8};

static PyObject *dt_repr(DTypeObject *d) { return PyUnicode_FromFormat("tf.%s", skpy_dtype_names[d->code]); }
static PyObject *dt_str(DTypeObject *d) { return PyUnicode_FromFormat("<dtype: '%s'>", skpy_dtype_names[d->code]); }
static Py_hash_t dt_hash(DTypeObject *d) { return PyObject_Hash(d->name); }
static PyObject *dt_cmp(PyObject *a, PyObject *b, int op) {
    if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
    int32_t cb;
    if (b == Py_None) cb = 0;
    else {
        cb = skpy_dtype_code_of(b, 0);
        if (cb < 0) { PyErr_Clear(); cb = 0; }
    }
    int eq = ((DTypeObject *)a)->code == cb;
    if ((op == Py_EQ) == eq) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}
static PyObject *dt_name(DTypeObject *d, void *c) { (void)c; Py_INCREF(d->name); return d->name; }
static PyObject *dt_is_floating(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(skpy_is_float_dtype(d->code)); }
static PyObject *dt_is_integer(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code >= SK_INT32 && d->code <= SK_UINT8); }
static PyObject *dt_is_bool(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code == SK_BOOL); }
static PyObject *dt_is_unsigned(DTypeObject *d, void *c) { (void)c; return PyBool_FromLong(d->code == SK_UINT8 || d->code == SK_BOOL); }
static PyObject *dt_size(DTypeObject *d, void *c) { (void)c; return PyLong_FromLong(skpy_dtype_sizes[d->code]); }
static PyObject *dt_enum(DTypeObject *d, void *c) { (void)c; return PyLong_FromLong(d->code); }
static PyObject *dt_np(DTypeObject *d, void *c) {
    (void)c;
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return NULL;
    PyObject *r = PyObject_GetAttrString(np, d->code == SK_BFLOAT16 ? "float32" : d->code == SK_BOOL ? "bool_" : d->code == SK_STRING ? "object_" : skpy_dtype_names[d->code]);
    Py_DECREF(np);
    return r;
}
static PyObject *dt_self(DTypeObject *d, void *c) { (void)c; Py_INCREF((PyObject *)d); return (PyObject *)d; }
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
static PyMethodDef dtype_methods[] = {SKPY_FN_AS("__reduce__", dt_reduce, METH_NOARGS, NULL), {NULL}};
static PyType_Slot dtype_slots[] = {
    {Py_tp_repr, dt_repr}, {Py_tp_str, dt_str}, {Py_tp_hash, dt_hash}, {Py_tp_richcompare, dt_cmp},
    {Py_tp_getset, dtype_getset}, {Py_tp_methods, dtype_methods}, {Py_tp_doc, "A tensor element type (like tf.DType)."},
    {0, NULL}
};
static PyType_Spec dtype_spec = {"swiftkeras.DType", sizeof(DTypeObject), 0, Py_TPFLAGS_DEFAULT, dtype_slots};
PyTypeObject *skpy_DTypeType;

static PyObject *m_as_dtype(PyObject *self SKPY_UNUSED, PyObject *o) {
    int32_t d = skpy_dtype_code_of(o, 0);
    if (d < 0) return NULL;
    Py_INCREF(skpy_dtype_objs[d]);
    return skpy_dtype_objs[d];
}
SKPY_EXPORT(module, m_, as_dtype, METH_O, "as_dtype(x) -> DType (from a name, code, numpy dtype or Python type).");


int skpy_dtype_init(PyObject *m) {
    if (!(skpy_DTypeType = skpy_add_type(m, &dtype_spec, NULL))) return -1;
    for (int i = 1; i <= SK_STRING; i++) {
        DTypeObject *d = PyObject_New(DTypeObject, skpy_DTypeType);
        if (!d) return -1;
        d->code = i;
        d->name = PyUnicode_InternFromString(skpy_dtype_names[i]);
        skpy_dtype_objs[i] = (PyObject *)d;
        Py_INCREF(skpy_dtype_objs[i]);
        PyModule_AddObject(m, skpy_dtype_names[i], (PyObject *)d);
    }
    return 0;
}
