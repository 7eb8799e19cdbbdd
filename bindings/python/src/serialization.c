/* swiftkeras._native: configs, trainability, Sequential.pop, summary options, a model's symbolic
 * inputs/outputs and keras.applications (include/swiftkeras/serialization.h). */
#include "native.h"

SKPY_HANDLE_STRING(k_layer_get_config, sk_layer, sk_layer_get_config)
SKPY_EXPORT(module, k_, layer_get_config, METH_O,
    "layer_get_config(layer) -> JSON str {\"class_name\": ..., \"config\": {...}} (models: their model config).");

/* layer_trainable(layer, value=None): the flag, or sets it (and returns None) */
static PyObject *k_layer_trainable(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap, *value = Py_None;
    int32_t flag = 0;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "O|O", &cap, &value);
    if (!l) return NULL;
    if (value != Py_None) return skpy_none_or_raise(sk_layer_set_trainable(l, PyObject_IsTrue(value) ? 1 : 0));
    int32_t st = sk_layer_trainable(l, &flag);
    return st ? skpy_raise_status(st) : PyBool_FromLong(flag);
}
SKPY_EXPORT(module, k_, layer_trainable, METH_VARARGS,
    "layer_trainable(layer, value=None) -> bool, or sets it: freezes / unfreezes the layer and the layers it holds.");

SKPY_HANDLE_GETTER(k_model_pop, sk_model, sk_model_pop, sk_layer, KH_FINISH)
SKPY_EXPORT(module, k_, model_pop, METH_O, "model_pop(sequential model) -> the removed layer's handle.");

/* one model and an option for the count-then-fill / query-then-copy helpers */
typedef struct { const sk_model *m; uint32_t option; } model_query;

static int32_t summary_ex(const void *q, char *b, size_t c, size_t *l) {
    const model_query *mq = q;
    return sk_model_summary_ex(mq->m, mq->option, b, c, l);
}

static PyObject *k_model_summary_ex(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap;
    model_query q = {NULL, 0};
    q.m = skpy_parse_handle(args, "sk_model", "OI", &cap, &q.option);
    return q.m ? skpy_copied_string(&q, summary_ex) : NULL;
}
SKPY_EXPORT(module, k_, model_summary_ex, METH_VARARGS,
    "model_summary_ex(model, flags) -> str (flags: 1 expand_nested, 2 show_trainable).");

static int32_t fill_io(const void *q, void **a, int32_t cap, int32_t *n) {
    const model_query *mq = q;
    return (mq->option ? sk_model_outputs : sk_model_inputs)(mq->m, (sk_keras_tensor **)a, cap, n);
}

static PyObject *k_model_io(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap;
    model_query q = {NULL, 0};
    q.m = skpy_parse_handle(args, "sk_model", "OI", &cap, &q.option);
    return q.m ? skpy_fetch_owned(&q, fill_io, SKPY_OWNED_KERAS_TENSOR) : NULL;
}
SKPY_EXPORT(module, k_, model_io, METH_VARARGS,
    "model_io(model, outputs) -> list of keras tensor handles: a functional model's inputs (0) or outputs (1).");

/* one layer, a node index and which side, for layer_node_tensors */
typedef struct { const sk_layer *l; int32_t node, which; } node_query;

static int32_t fill_node(const void *q, void **a, int32_t cap, int32_t *n) {
    const node_query *nq = q;
    return sk_layer_node_tensors(nq->l, nq->node, nq->which, (sk_keras_tensor **)a, cap, n);
}

static PyObject *k_layer_node_tensors(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap;
    node_query q = {NULL, 0, 0};
    q.l = skpy_parse_handle(args, "sk_layer", "Oii", &cap, &q.node, &q.which);
    return q.l ? skpy_fetch_owned(&q, fill_node, SKPY_OWNED_KERAS_TENSOR) : NULL;
}
SKPY_EXPORT(module, k_, layer_node_tensors, METH_VARARGS,
    "layer_node_tensors(layer, node_index, outputs) -> list of keras tensor handles of that symbolic call.");

static PyObject *k_layer_node_count(PyObject *self SKPY_UNUSED, PyObject *lc) {
    sk_layer *l = HGET(sk_layer, lc);
    int32_t n = 0;
    if (!l) return NULL;
    int32_t st = sk_layer_node_count(l, &n);
    return st ? skpy_raise_status(st) : PyLong_FromLong(n);
}
SKPY_EXPORT(module, k_, layer_node_count, METH_O, "layer_node_count(layer) -> int: its calls on symbolic tensors.");

SKPY_CREATE_BY_CONFIG(k_application_create, sk_model, sk_application_create)
SKPY_EXPORT(module, k_, application_create, METH_VARARGS,
    "application_create(name, config_json=None) -> model handle (keras.applications, random weights).");

/* keras.applications.imagenet_utils (sk_imagenet_*). */
static PyObject *k_imagenet_preprocess_input(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *xo;
    const char *mode, *data_format = NULL;
    if (!PyArg_ParseTuple(args, "Osz", &xo, &mode, &data_format)) return NULL;
    sk_tensor *x = skpy_convert(xo, 0), *out = NULL;
    if (!x) return NULL;
    int32_t st = sk_imagenet_preprocess_input(x, mode, data_format, &out);
    sk_tensor_release(x);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, k_, imagenet_preprocess_input, METH_VARARGS,
    "imagenet_preprocess_input(x, mode, data_format=None) -> Tensor (keras.applications.imagenet_utils).");

typedef struct { const sk_tensor *preds; int32_t top; const char *path; } decode_args;
static int32_t get_decoded(const void *h, char *b, size_t c, size_t *l) {
    const decode_args *a = (const decode_args *)h;
    return sk_imagenet_decode_predictions(a->preds, a->top, a->path, b, c, l);
}

static PyObject *k_imagenet_decode_predictions(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *po, *path = NULL;
    int top;
    if (!PyArg_ParseTuple(args, "OiO&", &po, &top, PyUnicode_FSConverter, &path)) return NULL;
    sk_tensor *preds = skpy_convert(po, 0);
    PyObject *r = NULL;
    if (preds) {
        decode_args a = {preds, top, PyBytes_AS_STRING(path)};
        r = skpy_copied_string(&a, get_decoded);
        sk_tensor_release(preds);
    }
    Py_DECREF(path);
    return r;
}
SKPY_EXPORT(module, k_, imagenet_decode_predictions, METH_VARARGS,
    "imagenet_decode_predictions(preds, top, class_index_path) -> JSON str: per sample [[id, name, score], ...].");

static PyObject *k_variable_id(PyObject *self SKPY_UNUSED, PyObject *v) {
    if (!Variable_Check(v)) {
        PyErr_Format(PyExc_TypeError, "variable_id: expected a Variable, got %R", v);
        return NULL;
    }
    return PyLong_FromLongLong(sk_variable_id(((VariableObject *)v)->v));
}
SKPY_EXPORT(module, k_, variable_id, METH_O, "variable_id(variable) -> int: the same for every wrapper of one variable.");

SKPY_CREATE_BY_CONFIG(k_model_from_config, sk_model, sk_model_from_config)
SKPY_EXPORT(module, k_, model_from_config, METH_VARARGS,
    "model_from_config(class_name, config_json) -> model handle (Sequential / Functional configs).");

static PyObject *k_keras_tensor_dtype(PyObject *self SKPY_UNUSED, PyObject *kc) {
    sk_keras_tensor *kt = HGET(sk_keras_tensor, kc);
    return kt ? PyLong_FromLong(sk_keras_tensor_dtype(kt)) : NULL;
}
SKPY_EXPORT(module, k_, keras_tensor_dtype, METH_O, "keras_tensor_dtype(keras tensor) -> int: the dtype code.");

/* layer_build(layer, shape) and layer_compute_output_shape(layer, shape): one layer, one shape */
static PyObject *layer_and_shape(PyObject *args, const char *fn, int output_shape) {
    PyObject *cap, *shape, *r = NULL;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OO", &cap, &shape);
    Conv c;
    skpy_conv_init(&c);
    const int64_t *dims;
    int32_t nd, out_nd = 0;
    int64_t out[64];
    if (l && skpy_conv_ints(&c, shape, fn, "shape", 0, &dims, &nd) == 0) {
        if (!output_shape) {
            r = skpy_none_or_raise(sk_layer_build(l, dims, nd));
        } else {
            int32_t st = sk_layer_compute_output_shape(l, dims, nd, out, 64, &out_nd);
            r = st ? skpy_raise_status(st) : skpy_shape_tuple(out, out_nd);
        }
    }
    skpy_conv_free(&c);
    return r;
}

static PyObject *k_layer_build(PyObject *self SKPY_UNUSED, PyObject *args) {
    return layer_and_shape(args, "layer_build", 0);
}
SKPY_EXPORT(module, k_, layer_build, METH_VARARGS, "layer_build(layer, shape): builds a built-in layer for an input shape (-1: unknown).");

static PyObject *k_layer_compute_output_shape(PyObject *self SKPY_UNUSED, PyObject *args) {
    return layer_and_shape(args, "layer_compute_output_shape", 1);
}
SKPY_EXPORT(module, k_, layer_compute_output_shape, METH_VARARGS,
    "layer_compute_output_shape(layer, shape) -> tuple: the output shape for an input shape (-1/None: unknown).");

/* ---- custom classes in configs: a Python callable as sk_layer_config_fn / sk_class_factory_fn ---- */
static int32_t config_cb(void *ud, char **json_out);

static PyObject *k_layer_set_config_fn(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap, *fn;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OO", &cap, &fn);
    if (!l) return NULL;
    if (fn == Py_None) return skpy_none_or_raise(sk_layer_set_config_fn(l, NULL, NULL, NULL));
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "layer_set_config_fn: fn must be callable"); return NULL; }
    Py_INCREF(fn);   /* released by skpy_callback_destroy */
    return skpy_none_or_raise(sk_layer_set_config_fn(l, config_cb, fn, skpy_callback_destroy));
}
SKPY_EXPORT(module, k_, layer_set_config_fn, METH_VARARGS,
    "layer_set_config_fn(layer, fn or None): fn() -> JSON str {\"class_name\", \"config\"} of a custom layer or model.");

static int32_t config_cb(void *ud, char **json_out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallNoArgs((PyObject *)ud);
    Py_ssize_t n = 0;
    const char *s = r ? PyUnicode_AsUTF8AndSize(r, &n) : NULL;
    char *copy = s ? malloc((size_t)n + 1) : NULL;
    if (s && !copy) PyErr_NoMemory();
    if (!copy) {
        rc = skpy_callback_fail();
    } else {
        memcpy(copy, s, (size_t)n + 1);
        *json_out = copy;
    }
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static int32_t factory_cb(void *ud, const char *json, sk_layer **out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *r = PyObject_CallFunction((PyObject *)ud, "s", json);
    sk_layer *l = r ? skpy_handle_get(r, "sk_layer") : NULL;
    if (!l) rc = skpy_callback_fail();
    else *out = l;   /* borrowed: the factory keeps the object holding it alive */
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

static PyObject *k_register_class(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *kind, *name;
    PyObject *fn;
    if (!PyArg_ParseTuple(args, "ssO", &kind, &name, &fn)) return NULL;
    if (!PyCallable_Check(fn)) { PyErr_SetString(PyExc_TypeError, "register_class: factory must be callable"); return NULL; }
    Py_INCREF(fn);   /* released by skpy_callback_destroy */
    return skpy_none_or_raise(sk_register_class(kind, name, factory_cb, fn, skpy_callback_destroy));
}
SKPY_EXPORT(module, k_, register_class, METH_VARARGS,
    "register_class(kind 'layer'|'model', class_name, factory): factory(config_json) -> a layer capsule kept alive by the caller.");

static PyObject *k_unregister_class(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *kind, *name;
    if (!PyArg_ParseTuple(args, "ss", &kind, &name)) return NULL;
    return skpy_none_or_raise(sk_unregister_class(kind, name));
}
SKPY_EXPORT(module, k_, unregister_class, METH_VARARGS, "unregister_class(kind, class_name).");

static PyObject *k_reset_layer_names(PyObject *self SKPY_UNUSED, PyObject *unused SKPY_UNUSED) {
    sk_reset_layer_names();
    Py_RETURN_NONE;
}
SKPY_EXPORT(module, k_, reset_layer_names, METH_NOARGS, "reset_layer_names(): automatic layer names start again (clear_session).");
