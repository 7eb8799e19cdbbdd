/* Keras' process-wide settings (floatx, epsilon, image data format) and its dtype promotion rule
 * (result_type): the core owns them (include/swiftkeras/settings.h); these wrappers convert. */
#include "native.h"

static PyObject *k_floatx(PyObject *self SKPY_UNUSED, PyObject *u) { (void)u; return PyUnicode_FromString(sk_floatx()); }
SKPY_EXPORT(module, k_, floatx, METH_NOARGS, "floatx() -> str (sk_floatx).");

/* A setter taking one name (sk_set_floatx, sk_set_image_data_format). */
static PyObject *set_by_name(PyObject *args, int32_t (*set)(const char *)) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    int32_t st = set(name);
    return skpy_none_or_raise(st);
}

static PyObject *k_set_floatx(PyObject *self SKPY_UNUSED, PyObject *args) { return set_by_name(args, sk_set_floatx); }
SKPY_EXPORT(module, k_, set_floatx, METH_VARARGS, "set_floatx(name) (sk_set_floatx).");

static PyObject *k_epsilon(PyObject *self SKPY_UNUSED, PyObject *u) { (void)u; return PyFloat_FromDouble(sk_epsilon()); }
SKPY_EXPORT(module, k_, epsilon, METH_NOARGS, "epsilon() -> float (sk_epsilon).");

static PyObject *k_set_epsilon(PyObject *self SKPY_UNUSED, PyObject *arg) {
    double v = PyFloat_AsDouble(arg);
    if (v == -1.0 && PyErr_Occurred()) return NULL;
    sk_set_epsilon(v);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, k_, set_epsilon, METH_O, "set_epsilon(value) (sk_set_epsilon).");

static PyObject *k_image_data_format(PyObject *self, PyObject *u) {
    (void)self; (void)u;
    return PyUnicode_FromString(sk_image_data_format());
}
SKPY_EXPORT(module, k_, image_data_format, METH_NOARGS, "image_data_format() -> str (sk_image_data_format).");

static PyObject *k_set_image_data_format(PyObject *self SKPY_UNUSED, PyObject *args) {
    return set_by_name(args, sk_set_image_data_format);
}
SKPY_EXPORT(module, k_, set_image_data_format, METH_VARARGS, "set_image_data_format(name) (sk_set_image_data_format).");

/* result_type(names, weak) -> str: names a sequence of str, weak a sequence of bools. */
static PyObject *k_result_type(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *names, *weak;
    if (!PyArg_ParseTuple(args, "OO", &names, &weak)) return NULL;
    PyObject *ns, *ws;
    Py_ssize_t n;
    if (skpy_fast_pair(names, weak, "result_type: names must be a sequence", "result_type: weak must be a sequence",
                       &ns, &ws, &n) < 0)
        return NULL;
    PyObject *result = NULL;
    const char **cn = NULL;
    uint8_t *cw = NULL;
    if (PySequence_Fast_GET_SIZE(ws) != n) {
        PyErr_SetString(PyExc_ValueError, "result_type: names and weak differ in length");
        goto done;
    }
    if (n > INT32_MAX) { PyErr_SetString(PyExc_ValueError, "result_type: too many dtypes"); goto done; }
    cn = PyMem_Malloc(sizeof *cn * (size_t)(n ? n : 1));
    cw = PyMem_Malloc((size_t)(n ? n : 1));
    if (!cn || !cw) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(cn[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(ns, i)))) goto done;
        int w = PyObject_IsTrue(PySequence_Fast_GET_ITEM(ws, i));
        if (w < 0) goto done;
        cw[i] = (uint8_t)w;
    }
    const char *out = NULL;
    int32_t st = sk_result_type(cn, cw, (int32_t)n, &out);
    result = st ? skpy_raise_status(st) : PyUnicode_FromString(out);
done:
    PyMem_Free(cn);
    PyMem_Free(cw);
    Py_DECREF(ns);
    Py_DECREF(ws);
    return result;
}
SKPY_EXPORT(module, k_, result_type, METH_VARARGS, "result_type(names, weak) -> str (sk_result_type).");

/* dtype_standardize(name) -> str (sk_dtype_standardize). */
static PyObject *k_dtype_standardize(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name, *out = NULL;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    int32_t st = sk_dtype_standardize(name, &out);
    return st ? skpy_raise_status(st) : PyUnicode_FromString(out);
}
SKPY_EXPORT(module, k_, dtype_standardize, METH_VARARGS, "dtype_standardize(name) -> str (sk_dtype_standardize).");

/* policy_dtypes(name) -> (compute_dtype, variable_dtype) (sk_policy_dtypes). */
static PyObject *k_policy_dtypes(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name, *compute = NULL, *variable = NULL;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    int32_t st = sk_policy_dtypes(name, &compute, &variable);
    if (st) return skpy_raise_status(st);
    return Py_BuildValue("(ss)", compute, variable);
}
SKPY_EXPORT(module, k_, policy_dtypes, METH_VARARGS,
    "policy_dtypes(name) -> (compute_dtype, variable_dtype) (sk_policy_dtypes).");

static int32_t get_snake_case(const void *h, char *b, size_t c, size_t *l) { return sk_snake_case((const char *)h, b, c, l); }

/* snake_case(name) -> str (sk_snake_case). */
static PyObject *k_snake_case(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    return skpy_copied_string(name, get_snake_case);
}
SKPY_EXPORT(module, k_, snake_case, METH_VARARGS, "snake_case(name) -> str: Keras' to_snake_case (sk_snake_case).");

