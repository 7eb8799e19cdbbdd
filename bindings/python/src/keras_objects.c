/* keras.initializers / keras.regularizers / keras.constraints by JSON identifier (sk_initializer_call,
 * sk_initializer_config, sk_regularizer_call, sk_regularizer_config, sk_constraint_call,
 * sk_constraint_config). */
#include "native.h"

static PyObject *k_initializer_call(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *id;
    PyObject *shape_o, *dtype_o;
    if (!PyArg_ParseTuple(args, "sOO", &id, &shape_o, &dtype_o)) return NULL;
    Conv c; skpy_conv_init(&c);
    const int64_t *shape; int32_t ndim = 0, dtype = 0;
    sk_tensor *out = NULL;
    int ok = skpy_conv_ints(&c, shape_o, "initializer_call", "shape", 0, &shape, &ndim) == 0 &&
             skpy_conv_dtype_arg(dtype_o, "initializer_call", "dtype", 0, &dtype) == 0;
    int32_t st = ok ? sk_initializer_call(id, shape, ndim, dtype, &out) : SK_OK;
    skpy_conv_free(&c);
    return ok ? skpy_finish(st, out) : NULL;
}
SKPY_EXPORT(module, k_, initializer_call, METH_VARARGS,
    "initializer_call(identifier_json, shape, dtype) -> Tensor: keras.initializers.get(identifier)(shape, dtype).");

/* (identifier_json, x) -> call(identifier, x): a module object (regularizer, constraint) applied to a tensor. */
static PyObject *identifier_tensor_call(PyObject *args, const char *name,
                                        int32_t (*call)(const char *, const sk_tensor *, sk_tensor **)) {
    const char *id;
    PyObject *x_o;
    if (!PyArg_ParseTuple(args, "sO", &id, &x_o)) return NULL;
    Conv c; skpy_conv_init(&c);
    const sk_tensor *x;
    sk_tensor *out = NULL;
    int ok = skpy_conv_tensor(&c, x_o, name, "x", 0, &x) == 0;
    int32_t st = ok ? call(id, x, &out) : SK_OK;
    skpy_conv_free(&c);
    return ok ? skpy_finish(st, out) : NULL;
}

static PyObject *k_regularizer_call(PyObject *self SKPY_UNUSED, PyObject *args) {
    return identifier_tensor_call(args, "regularizer_call", sk_regularizer_call);
}
SKPY_EXPORT(module, k_, regularizer_call, METH_VARARGS,
    "regularizer_call(identifier_json, x) -> Tensor: keras.regularizers.get(identifier)(x), a scalar.");

static PyObject *k_constraint_call(PyObject *self SKPY_UNUSED, PyObject *args) {
    return identifier_tensor_call(args, "constraint_call", sk_constraint_call);
}
SKPY_EXPORT(module, k_, constraint_call, METH_VARARGS,
    "constraint_call(identifier_json, w) -> Tensor: keras.constraints.get(identifier)(w).");

static int32_t initializer_config_get(const void *id, char *buf, size_t capacity, size_t *length) {
    return sk_initializer_config((const char *)id, buf, capacity, length);
}
static int32_t regularizer_config_get(const void *id, char *buf, size_t capacity, size_t *length) {
    return sk_regularizer_config((const char *)id, buf, capacity, length);
}
static int32_t constraint_config_get(const void *id, char *buf, size_t capacity, size_t *length) {
    return sk_constraint_config((const char *)id, buf, capacity, length);
}

static PyObject *k_initializer_config(PyObject *self SKPY_UNUSED, PyObject *arg) {
    const char *id = PyUnicode_AsUTF8(arg);
    return id ? skpy_copied_string(id, initializer_config_get) : NULL;
}
SKPY_EXPORT(module, k_, initializer_config, METH_O,
    "initializer_config(identifier_json) -> str: the JSON of keras.initializers.serialize(get(identifier)).");

static PyObject *k_regularizer_config(PyObject *self SKPY_UNUSED, PyObject *arg) {
    const char *id = PyUnicode_AsUTF8(arg);
    return id ? skpy_copied_string(id, regularizer_config_get) : NULL;
}
SKPY_EXPORT(module, k_, regularizer_config, METH_O,
    "regularizer_config(identifier_json) -> str: the JSON of keras.regularizers.serialize(get(identifier)).");

static PyObject *k_constraint_config(PyObject *self SKPY_UNUSED, PyObject *arg) {
    const char *id = PyUnicode_AsUTF8(arg);
    return id ? skpy_copied_string(id, constraint_config_get) : NULL;
}
SKPY_EXPORT(module, k_, constraint_config, METH_O,
    "constraint_config(identifier_json) -> str: the JSON of keras.constraints.serialize(get(identifier)).");
