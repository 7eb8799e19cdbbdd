/* The module swiftkeras._native: its library-wide functions (version, random seed, mixed
 * precision policy), the constants, and the assembly of every area's types and functions. */
#include "native.h"

static PyObject *k_set_global_policy(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    int32_t st = sk_set_global_policy(name);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, set_global_policy, METH_VARARGS, "set_global_policy(name).");

static PyObject *k_global_policy(PyObject *self, PyObject *u) {
    (void)self; (void)u;
    char buf[128];
    size_t len = 0;
    int32_t st = sk_global_policy(buf, sizeof buf, &len);
    if (st) return skpy_raise_status(st);
    return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
}
SKPY_EXPORT(module, k_, global_policy, METH_NOARGS, "global_policy() -> str.");

static PyObject *m_set_random_seed(PyObject *self SKPY_UNUSED, PyObject *arg) {
    unsigned long long seed = PyLong_AsUnsignedLongLongMask(arg);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    sk_set_random_seed((uint64_t)seed);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, m_, set_random_seed, METH_O,
    "set_random_seed(seed): unseeded draws become reproducible (sk_set_random_seed).");

static PyObject *m_version(PyObject *self SKPY_UNUSED, PyObject *u) { (void)u; return PyUnicode_FromString(sk_version()); }
SKPY_EXPORT(module, m_, version, METH_NOARGS, "The library version.");


static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "swiftkeras._native",
    "The CPython extension over the SwiftKeras C API (include/swiftkeras.h).", -1, NULL,
};

SKPY_SECTION(module);

/* The functions registered with SKPY_EXPORT(module, ...) in every file, and the generated ops. */
static int add_functions(PyObject *m) {
    PyObject *modname = PyModule_GetNameObject(m);
    int r = modname && PyModule_AddFunctions(m, skpy_ops_methods) == 0 ? 0 : -1;
    for (PyMethodDef **d = __start_skpy_module; r == 0 && d < __stop_skpy_module; d++) {
        PyObject *f = PyCFunction_NewEx(*d, NULL, modname);
        r = f && PyModule_AddObject(m, (*d)->ml_name, f) == 0 ? 0 : -1;
        if (r < 0) Py_XDECREF(f);
    }
    Py_XDECREF(modname);
    return r;
}

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    if (add_functions(m) < 0 || skpy_tensor_init(m) < 0 || skpy_dtype_init(m) < 0 || skpy_autodiff_init(m) < 0 || skpy_watch_exit() < 0) {
        Py_DECREF(m);
        return NULL;
    }
#define C(name) PyModule_AddIntConstant(m, #name, name)
    C(SK_OK); C(SK_ERR_INVALID_ARG); C(SK_ERR_DTYPE); C(SK_ERR_OUT_OF_RANGE); C(SK_ERR_OUT_OF_MEMORY);
    C(SK_ERR_UNIMPLEMENTED); C(SK_ERR_RUNTIME); C(SK_ERR_INVALID_HANDLE); C(SK_ERR_IO);
    C(SK_FLOAT32); C(SK_FLOAT64); C(SK_FLOAT16); C(SK_BFLOAT16); C(SK_INT32); C(SK_INT64); C(SK_UINT8); C(SK_BOOL);
    C(SK_PADDING_VALID); C(SK_PADDING_SAME); C(SK_PADDING_CAUSAL); C(SK_CHANNELS_LAST); C(SK_CHANNELS_FIRST);
    C(SK_POOL_MAX); C(SK_POOL_AVG); C(SK_INTERP_NEAREST); C(SK_INTERP_BILINEAR);
    C(SK_UNCONNECTED_NONE); C(SK_UNCONNECTED_ZERO);
    C(SK_DATASET_INFINITE); C(SK_DATASET_UNKNOWN);
    C(SK_VERSION_MAJOR); C(SK_VERSION_MINOR); C(SK_VERSION_PATCH);
#undef C
    PyModule_AddIntConstant(m, "HEAVY_ELEMENTS", HEAVY_ELEMENTS);
    PyModule_AddIntConstant(m, "GENERATED_OP_COUNT", skpy_generated_op_count);
    return m;
}
