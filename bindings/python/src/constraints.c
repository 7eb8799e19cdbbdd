/* keras.constraints set on variables and layers (sk_variable_set_constraint*,
 * sk_layer_set_constraint*), custom Python constraints through a callback; by identifier:
 * keras_objects.c. */
#include "native.h"

/* The C callback of a custom constraint: user_data is the Python callable (a new reference
 * released by skpy_callback_destroy). */
static int32_t custom_constraint(void *ud, const sk_tensor *w, sk_tensor **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *a = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)w));
    PyObject *r = a ? PyObject_CallFunctionObjArgs((PyObject *)ud, a, NULL) : NULL;
    if (!r) rc = skpy_callback_fail();
    else if (!(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
    Py_XDECREF(a); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* A constraint argument: None (id and fn NULL), a JSON identifier (id) or a callable (fn, a new
 * reference for the callback's user_data). 0, or -1 with an exception. */
static int constraint_arg(PyObject *c, const char **id, PyObject **fn) {
    *id = NULL;
    *fn = NULL;
    if (c == Py_None) return 0;
    if (PyUnicode_Check(c)) return (*id = PyUnicode_AsUTF8(c)) ? 0 : -1;
    if (!PyCallable_Check(c)) {
        PyErr_SetString(PyExc_TypeError, "a constraint must be a JSON identifier, a callable or None");
        return -1;
    }
    Py_INCREF(c);
    *fn = c;
    return 0;
}

static PyObject *k_variable_set_constraint(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *vo, *c, *fn;
    const char *id;
    if (!PyArg_ParseTuple(args, "OO", &vo, &c)) return NULL;
    if (!Variable_Check(vo)) { PyErr_SetString(PyExc_TypeError, "variable_set_constraint: expected a Variable"); return NULL; }
    sk_variable *v = ((VariableObject *)vo)->v;
    if (constraint_arg(c, &id, &fn) < 0) return NULL;
    int32_t st = fn ? sk_variable_set_constraint_custom(v, custom_constraint, fn, skpy_callback_destroy)
                    : sk_variable_set_constraint(v, id);
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, k_, variable_set_constraint, METH_VARARGS,
    "variable_set_constraint(variable, identifier_json or callable or None): the projection optimizers apply after each update.");

static PyObject *k_layer_set_constraint(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *c, *fn;
    const char *key, *id, *serialized = NULL;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OsO|z", &lc, &key, &c, &serialized);
    if (!l || constraint_arg(c, &id, &fn) < 0) return NULL;
    int32_t st = fn ? sk_layer_set_constraint_custom(l, key, serialized, custom_constraint, fn, skpy_callback_destroy)
                    : sk_layer_set_constraint(l, key, id);
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, k_, layer_set_constraint, METH_VARARGS,
    "layer_set_constraint(layer, key, identifier_json or callable or None, serialized_json=None): a layer's constraint argument.");

/* sk_register_constraint_class's factory: user_data is the Python make(config_json) -> callable. */
static int32_t constraint_factory(void *ud, const char *config_json, sk_constraint_fn *fn_out, void **fn_ud,
                                  void (**fn_destroy)(void *)) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *made = PyObject_CallFunction((PyObject *)ud, "s", config_json);
    if (!made) rc = skpy_callback_fail();
    else if (!PyCallable_Check(made)) {
        Py_DECREF(made);
        PyErr_SetString(PyExc_TypeError, "a custom constraint class made an object that is not callable");
        rc = skpy_callback_fail();
    } else {
        *fn_out = custom_constraint;
        *fn_ud = made;   /* the new reference is the callback's */
        *fn_destroy = skpy_callback_destroy;
    }
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_register_constraint_class(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *name;
    PyObject *make;
    if (!PyArg_ParseTuple(args, "sO", &name, &make)) return NULL;
    if (!PyCallable_Check(make)) { PyErr_SetString(PyExc_TypeError, "register_constraint_class: make must be callable"); return NULL; }
    Py_INCREF(make);
    return skpy_none_or_raise(sk_register_constraint_class(name, constraint_factory, make, skpy_callback_destroy));
}
SKPY_EXPORT(module, k_, register_constraint_class, METH_VARARGS,
    "register_constraint_class(class_name, make): make(config_json) -> the constraint (a callable) a config names.");
