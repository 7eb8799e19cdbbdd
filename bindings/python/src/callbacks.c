/* Callbacks (swiftkeras/callbacks.h): the core's callback objects as capsules named
 * "sk_keras_callback" — built-ins by class name + JSON config, Python `Callback` subclasses as
 * custom callbacks over C hooks, LearningRateScheduler over a Python schedule — and the run a
 * fit's history recorded (epochs, params). */
#include "native.h"

static void cap_callback_destroy(PyObject *cap) {
    sk_keras_callback *h = (sk_keras_callback *)PyCapsule_GetPointer(cap, "sk_keras_callback");
    if (h) sk_keras_callback_release(h); else PyErr_Clear();
}

static PyObject *wrap_callback(int32_t st, sk_keras_callback *h) {
    if (st) return skpy_raise_status(st);
    PyObject *c = PyCapsule_New((void *)h, "sk_keras_callback", cap_callback_destroy);
    if (!c) sk_keras_callback_release(h);
    return c;
}

/* callback_create(class_name, config_json) */
static PyObject *k_callback_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *cls, *cfg;
    if (!PyArg_ParseTuple(args, "ss", &cls, &cfg)) return NULL;
    sk_keras_callback *h = NULL;
    int32_t st = sk_callback_create(cls, cfg, &h);
    return wrap_callback(st, h);
}
SKPY_EXPORT(module, k_, callback_create, METH_VARARGS,
    "callback_create(class_name, config_json) -> sk_keras_callback (a built-in keras.callbacks class).");

/* callback_state(callback, name) -> float */
static PyObject *k_callback_state(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap;
    const char *name;
    sk_keras_callback *h = skpy_parse_handle(args, "sk_keras_callback", "Os", &cap, &name);
    if (!h) return NULL;
    double v = 0;
    int32_t st = sk_keras_callback_state(h, name, &v);
    if (st) return skpy_raise_status(st);
    return PyFloat_FromDouble(v);
}
SKPY_EXPORT(module, k_, callback_state, METH_VARARGS, "callback_state(callback, name) -> float ('best', 'wait', ...).");

/* ---- Python Callback subclasses: every hook calls dispatch(hook_name, index, logs, params) ---- */

static const char *const hook_names[14] = {
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
    "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end",
};
enum { HOOK_TRAIN_BEGIN = 0, HOOK_EPOCH_END = 3, HOOK_TEST_BEGIN = 6, HOOK_PREDICT_BEGIN = 10 };

PyObject *skpy_logs_dict(const char *const *names, const double *values, int32_t n) {
    PyObject *logs = PyDict_New();
    for (int32_t i = 0; logs && i < n; i++) {
        PyObject *v = PyFloat_FromDouble(values[i]);
        if (!v || PyDict_SetItemString(logs, names[i], v) < 0) Py_CLEAR(logs);
        Py_XDECREF(v);
    }
    return logs;
}

/* The params {"verbose", "epochs", "steps"} (those the run has) of a hook context or a history
 * through its sk_*_param getter. */
typedef int32_t (*param_getter)(const void *, const char *, int64_t *);
static PyObject *params_dict(const void *h, param_getter get) {
    static const char *const keys[3] = {"verbose", "epochs", "steps"};
    PyObject *d = PyDict_New();
    for (int i = 0; d && i < 3; i++) {
        int64_t v = 0;
        if (get(h, keys[i], &v) != SK_OK) continue;
        PyObject *o = PyLong_FromLongLong((long long)v);
        if (!o || PyDict_SetItemString(d, keys[i], o) < 0) Py_CLEAR(d);
        Py_XDECREF(o);
    }
    return d;
}

/* Passes on the entries of logs a Python hook added or changed (numbers only). */
static int32_t push_logs(sk_callback_context *ctx, PyObject *logs, const char *const *names, const double *values,
                         int32_t n) {
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(logs, &pos, &k, &v)) {
        if (!PyUnicode_Check(k)) continue;
        const char *name = PyUnicode_AsUTF8(k);
        if (!name) return skpy_callback_fail();
        double d = PyFloat_AsDouble(v);
        if (d == -1.0 && PyErr_Occurred()) { PyErr_Clear(); continue; }   /* not a number: stays in Python */
        int same = 0;
        for (int32_t i = 0; i < n; i++) {
            if (strcmp(names[i], name) == 0) { same = values[i] == d || (values[i] != values[i] && d != d); break; }
        }
        if (same) continue;
        int32_t st = sk_callback_context_set_log(ctx, name, d);
        if (st) return st;
    }
    return SK_OK;
}

static int32_t py_hook(int hook, void *ud, sk_callback_context *ctx, int32_t index, const char *const *names,
                       const double *values, int32_t n) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *logs = skpy_logs_dict(names, values, n), *params = NULL, *r = NULL;
    if (hook == HOOK_TRAIN_BEGIN || hook == HOOK_TEST_BEGIN || hook == HOOK_PREDICT_BEGIN) params = params_dict(ctx, (param_getter)sk_callback_context_param);
    else { params = Py_None; Py_INCREF(params); }
    if (logs && params) r = PyObject_CallFunction((PyObject *)ud, "siOO", hook_names[hook], (int)index, logs, params);
    if (!r) rc = skpy_callback_fail();
    else {
        int stop = PyObject_IsTrue(r);
        if (stop < 0) rc = skpy_callback_fail();
        if (rc == SK_OK && hook == HOOK_EPOCH_END) rc = push_logs(ctx, logs, names, values, n);
        if (rc == SK_OK && stop > 0) rc = sk_callback_context_set_stop_training(ctx, 1);
    }
    Py_XDECREF(r);
    Py_XDECREF(logs);
    Py_XDECREF(params);
    PyGILState_Release(g);
    return rc;
}

#define PY_HOOK(i) \
    static int32_t py_hook_##i(void *ud, sk_callback_context *ctx, int32_t index, const char *const *names, \
                               const double *values, int32_t n) { return py_hook(i, ud, ctx, index, names, values, n); }
PY_HOOK(0) PY_HOOK(1) PY_HOOK(2) PY_HOOK(3) PY_HOOK(4) PY_HOOK(5) PY_HOOK(6)
PY_HOOK(7) PY_HOOK(8) PY_HOOK(9) PY_HOOK(10) PY_HOOK(11) PY_HOOK(12) PY_HOOK(13)
static const sk_callback_hook py_hooks[14] = {
    py_hook_0, py_hook_1, py_hook_2, py_hook_3, py_hook_4, py_hook_5, py_hook_6,
    py_hook_7, py_hook_8, py_hook_9, py_hook_10, py_hook_11, py_hook_12, py_hook_13,
};

/* callback_create_custom(dispatch, hook_names): a core callback running dispatch(hook, index,
 * logs, params) for the named hooks; dispatch returns whether to stop training. */
static PyObject *k_callback_create_custom(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *dispatch, *wanted;
    if (!PyArg_ParseTuple(args, "OO", &dispatch, &wanted)) return NULL;
    if (!PyCallable_Check(dispatch)) { PyErr_SetString(PyExc_TypeError, "callback_create_custom: dispatch must be callable"); return NULL; }
    sk_callback_hooks hooks;
    sk_callback_hook *slots[14] = {
        &hooks.on_train_begin, &hooks.on_train_end, &hooks.on_epoch_begin, &hooks.on_epoch_end,
        &hooks.on_train_batch_begin, &hooks.on_train_batch_end, &hooks.on_test_begin, &hooks.on_test_end,
        &hooks.on_test_batch_begin, &hooks.on_test_batch_end, &hooks.on_predict_begin, &hooks.on_predict_end,
        &hooks.on_predict_batch_begin, &hooks.on_predict_batch_end,
    };
    for (int i = 0; i < 14; i++) {
        PyObject *name = PyUnicode_FromString(hook_names[i]);
        int has = name ? PySequence_Contains(wanted, name) : -1;
        Py_XDECREF(name);
        if (has < 0) return NULL;
        *slots[i] = has ? py_hooks[i] : NULL;
    }
    Py_INCREF(dispatch);
    sk_keras_callback *h = NULL;
    int32_t st = sk_callback_create_custom(&hooks, dispatch, skpy_callback_destroy, &h);
    return wrap_callback(st, h);
}
SKPY_EXPORT(module, k_, callback_create_custom, METH_VARARGS,
    "callback_create_custom(dispatch, hook_names) -> sk_keras_callback calling dispatch(hook, index, logs, params) "
     "for the named hooks; a truthy result stops training; entries added to on_epoch_end's logs are passed on.");

/* ---- LearningRateScheduler: schedule(epoch, lr) -> float ---- */
static int32_t py_schedule(void *ud, int32_t epoch, double lr, double *out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallFunction((PyObject *)ud, "id", (int)epoch, lr);
    double v = r ? PyFloat_AsDouble(r) : -1.0;
    if (!r || (v == -1.0 && PyErr_Occurred())) rc = skpy_callback_fail();
    else *out = v;
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* callback_create_lr_scheduler(schedule, verbose) */
static PyObject *k_callback_create_lr_scheduler(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *fn;
    int verbose = 0;
    if (!PyArg_ParseTuple(args, "Oi", &fn, &verbose)) return NULL;
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "LearningRateScheduler: schedule must be callable"); return NULL; }
    Py_INCREF(fn);
    sk_keras_callback *h = NULL;
    int32_t st = sk_callback_create_lr_scheduler(py_schedule, fn, skpy_callback_destroy, verbose, &h);
    return wrap_callback(st, h);
}
SKPY_EXPORT(module, k_, callback_create_lr_scheduler, METH_VARARGS,
    "callback_create_lr_scheduler(schedule, verbose) -> sk_keras_callback; schedule(epoch, lr) -> float.");

/* (history dict, epoch numbers, params) of a fit; steals d. */
PyObject *skpy_history_run(sk_history *h, PyObject *d) {
    int32_t ne = sk_history_epochs(h);
    PyObject *epochs = PyList_New(ne > 0 ? ne : 0), *params = params_dict(h, (param_getter)sk_history_param);
    for (int32_t i = 0; epochs && i < ne; i++) {
        PyObject *o = PyLong_FromLong((long)sk_history_epoch(h, i));
        if (!o) { Py_CLEAR(epochs); break; }
        PyList_SET_ITEM(epochs, i, o);
    }
    PyObject *r = d && epochs && params ? PyTuple_Pack(3, d, epochs, params) : NULL;
    Py_XDECREF(d);
    Py_XDECREF(epochs);
    Py_XDECREF(params);
    return r;
}

