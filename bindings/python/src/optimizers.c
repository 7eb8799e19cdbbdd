/* Optimizers: by name with Keras arguments (config JSON), learning rate, iterations, get_config,
 * apply_gradients, learning-rate schedules (built-in by config, custom Python ones through a
 * callback) and LossScaleOptimizer. */
#include "native.h"

SKPY_CREATE_BY_CONFIG(k_optimizer_create_config, sk_optimizer, sk_optimizer_create_config)
SKPY_EXPORT(module, k_, optimizer_create_config, METH_VARARGS,
    "optimizer_create_config(class_name, config_json=None) -> optimizer handle (Keras constructor arguments).");

SKPY_HANDLE_STRING(k_optimizer_get_config, sk_optimizer, sk_optimizer_get_config)
SKPY_EXPORT(module, k_, optimizer_get_config, METH_O, "optimizer_get_config(opt) -> JSON str (Keras get_config).");

/* A float an optimizer getter gives (sk_optimizer_learning_rate, ...). */
static PyObject *optimizer_float(PyObject *oc, int32_t (*get)(const sk_optimizer *, double *)) {
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    double v = 0;
    int32_t st = get(o, &v);
    return st ? skpy_raise_status(st) : PyFloat_FromDouble(v);
}

static PyObject *k_optimizer_learning_rate(PyObject *self SKPY_UNUSED, PyObject *oc) {
    return optimizer_float(oc, sk_optimizer_learning_rate);
}
SKPY_EXPORT(module, k_, optimizer_learning_rate, METH_O, "optimizer_learning_rate(opt) -> float.");

static PyObject *k_optimizer_set_learning_rate(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *oc;
    double lr;
    sk_optimizer *o = skpy_parse_handle(args, "sk_optimizer", "Od", &oc, &lr);
    if (!o) return NULL;
    int32_t st = sk_optimizer_set_learning_rate(o, lr);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, optimizer_set_learning_rate, METH_VARARGS, "optimizer_set_learning_rate(opt, lr).");

static PyObject *k_optimizer_iterations(PyObject *self SKPY_UNUSED, PyObject *oc) {
    sk_optimizer *o = HGET(sk_optimizer, oc);
    if (!o) return NULL;
    int64_t it = 0;
    int32_t st = sk_optimizer_iterations(o, &it);
    if (st) return skpy_raise_status(st);
    return PyLong_FromLongLong((long long)it);
}
SKPY_EXPORT(module, k_, optimizer_iterations, METH_O, "optimizer_iterations(opt) -> int.");

static PyObject *k_optimizer_apply_gradients(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *oc, *grads, *vars;
    sk_optimizer *o = skpy_parse_handle(args, "sk_optimizer", "OOO", &oc, &grads, &vars);
    if (!o) return NULL;
    PyObject *vf, *gf;
    Py_ssize_t n;
    if (skpy_fast_pair(vars, grads, "apply_gradients: variables must be a sequence",
                       "apply_gradients: gradients must be a sequence", &vf, &gf, &n) < 0)
        return NULL;
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
            PyErr_Format(PyExc_TypeError, "apply_gradients: expected Variables, got %.100s", skpy_tname(v));
            goto done;
        }
        va[i] = ((VariableObject *)v)->v;
    }
    if (skpy_tlist_from(gf, &tl) < 0) goto done;
    int32_t st = sk_optimizer_apply_gradients(o, (const sk_tensor *const *)tl.h, va, (int32_t)n);
    if (st) { skpy_raise_status(st); goto done; }
    Py_INCREF(Py_None); res = Py_None;
done:
    skpy_tlist_free(&tl);
    PyMem_Free(va);
    Py_DECREF(vf); Py_DECREF(gf);
    return res;
}
SKPY_EXPORT(module, k_, optimizer_apply_gradients, METH_VARARGS, "optimizer_apply_gradients(opt, grads, variables).");

/* user_data: a callable step -> learning rate (a Python LearningRateSchedule or a wrapper). */
static int32_t py_schedule(void *ud, int64_t step, double *out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *s = PyLong_FromLongLong((long long)step);
    PyObject *r = s ? PyObject_CallFunctionObjArgs((PyObject *)ud, s, NULL) : NULL;
    if (!r) rc = skpy_callback_fail();
    else {
        double v = PyFloat_AsDouble(r);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "a learning rate schedule must return a number, got %.100s",
                         skpy_tname(r));
            rc = skpy_callback_fail();
        } else *out = v;
    }
    Py_XDECREF(s); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_optimizer_set_schedule(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *oc, *fn;
    sk_optimizer *o = skpy_parse_handle(args, "sk_optimizer", "OO", &oc, &fn);
    if (!o) return NULL;
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "a learning rate schedule must be callable"); return NULL; }
    Py_INCREF(fn);
    int32_t st = sk_optimizer_set_schedule_callback(o, py_schedule, fn, skpy_callback_destroy);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, optimizer_set_schedule, METH_VARARGS,
    "optimizer_set_schedule(opt, fn(step) -> float): a custom learning-rate schedule.");

static PyObject *k_schedule_value(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *cls, *cfg = NULL;
    long long step;
    if (!PyArg_ParseTuple(args, "szL", &cls, &cfg, &step)) return NULL;
    double v = 0;
    int32_t st = sk_schedule_value(cls, cfg, (int64_t)step, &v);
    if (st) return skpy_raise_status(st);
    return PyFloat_FromDouble(v);
}
SKPY_EXPORT(module, k_, schedule_value, METH_VARARGS, "schedule_value(class_name, config_json, step) -> float.");

static PyObject *k_loss_scale_optimizer_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *ic;
    int dynamic = 1;
    double scale = 32768.0;
    long long growth = 2000;
    sk_optimizer *inner = skpy_parse_handle(args, "sk_optimizer", "O|pdL", &ic, &dynamic, &scale, &growth);
    if (!inner) return NULL;
    sk_optimizer *o = NULL;
    int32_t st = sk_loss_scale_optimizer_create(inner, dynamic, scale, (int64_t)growth, &o);
    return KH_FINISH(sk_optimizer, st, o);
}
SKPY_EXPORT(module, k_, loss_scale_optimizer_create, METH_VARARGS,
    "loss_scale_optimizer_create(inner, dynamic=True, initial_scale=32768, dynamic_growth_steps=2000) -> optimizer handle.");

static PyObject *k_loss_scale_optimizer_loss_scale(PyObject *self SKPY_UNUSED, PyObject *oc) {
    return optimizer_float(oc, sk_loss_scale_optimizer_loss_scale);
}
SKPY_EXPORT(module, k_, loss_scale_optimizer_loss_scale, METH_O, "loss_scale_optimizer_loss_scale(opt) -> float.");

