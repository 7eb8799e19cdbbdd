/* Layers: built-in (by class name and config) and custom (Python build / call), weights, calls
 * (eager and symbolic), and the functional API's Input and keras tensors. */
#include "native.h"

PyObject *skpy_shape_tuple(const int64_t *s, int32_t nd) {
    PyObject *t = PyTuple_New(nd);
    if (!t) return NULL;
    for (int32_t i = 0; i < nd; i++) {
        PyObject *d = s[i] < 0 ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(s[i]);
        if (!d) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, i, d);
    }
    return t;
}

/* ---- layers ---- */
SKPY_CREATE_BY_CONFIG(k_layer_create, sk_layer, sk_layer_create)
SKPY_EXPORT(module, k_, layer_create, METH_VARARGS, "layer_create(class_name, config_json=None) -> layer handle.");

/* user_data of a custom layer: a tuple (build or None, call) */
int32_t skpy_custom_build(void *ud, sk_layer *layer, const int64_t *shape, int32_t nd) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *fn = PyTuple_GET_ITEM((PyObject *)ud, 0);
    if (fn != Py_None) {
        PyObject *cap = PyCapsule_New(layer, "sk_layer", NULL);   /* borrowed: no destructor */
        PyObject *sh = cap ? skpy_shape_tuple(shape, nd) : NULL;
        PyObject *r = sh ? PyObject_CallFunctionObjArgs(fn, cap, sh, NULL) : NULL;
        if (!r) rc = skpy_callback_fail();
        Py_XDECREF(r); Py_XDECREF(sh); Py_XDECREF(cap);
    }
    PyGILState_Release(g);
    return rc;
}

int32_t skpy_custom_call(void *ud, sk_layer *layer, const sk_tensor *const *inputs, int32_t n,
                           uint8_t training, sk_tensor **out) {
    (void)layer;
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *fn = PyTuple_GET_ITEM((PyObject *)ud, 1);
    PyObject *lst = PyList_New(n), *r = NULL;
    if (!lst) { rc = skpy_callback_fail(); goto out; }
    for (int32_t i = 0; i < n; i++) {
        PyObject *t = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)inputs[i]));
        if (!t) { rc = skpy_callback_fail(); goto out; }
        PyList_SET_ITEM(lst, i, t);
    }
    r = PyObject_CallFunctionObjArgs(fn, lst, training ? Py_True : Py_False, NULL);
    if (!r) { rc = skpy_callback_fail(); goto out; }
    if (!(*out = skpy_convert(r, 0))) rc = skpy_callback_fail();
out:
    Py_XDECREF(lst); Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}

/* (name or None, build or None, call): the name and a new user_data (build, call) for
 * skpy_custom_build / skpy_custom_call (released by skpy_callback_destroy); -1 with an exception. */
int skpy_custom_callbacks(PyObject *args, const char *fn, const char **name, PyObject **ud) {
    PyObject *nameo, *build, *call;
    if (!PyArg_ParseTuple(args, "OOO", &nameo, &build, &call)) return -1;
    const char *nm = skpy_opt_str(nameo, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return -1;
    if (!PyCallable_Check(call) || (build != Py_None && !PyCallable_Check(build))) {
        PyErr_Format(PyExc_TypeError, "%s: build and call must be callables", fn);
        return -1;
    }
    if (!(*ud = PyTuple_Pack(2, build, call))) return -1;
    *name = nm;
    return 0;
}

SKPY_CREATE_CUSTOM(k_layer_create_custom, "layer_create_custom", sk_layer, sk_layer_create_custom)
SKPY_EXPORT(module, k_, layer_create_custom, METH_VARARGS,
    "layer_create_custom(name, build(layer, shape) or None, call(inputs, training)) -> layer handle.");

static PyObject *k_layer_add_weight(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *shape;
    const char *name, *init = NULL;
    int trainable = 1;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OsO|zp", &lc, &name, &shape, &init, &trainable);
    if (!l) return NULL;
    Conv c; skpy_conv_init(&c);
    const int64_t *dims; int32_t nd;
    if (skpy_conv_ints(&c, shape, "layer_add_weight", "shape", 0, &dims, &nd) < 0) { skpy_conv_free(&c); return NULL; }
    sk_variable *v = NULL;
    int32_t st = sk_layer_add_weight(l, name, dims, nd, init, (uint8_t)trainable, &v);
    skpy_conv_free(&c);
    if (st) return skpy_raise_status(st);
    return skpy_wrap_variable(v);
}
SKPY_EXPORT(module, k_, layer_add_weight, METH_VARARGS,
    "layer_add_weight(layer, name, shape, initializer=None, trainable=True) -> Variable.");

/* A list of the n handles in h, each wrapped by wrap (which steals it); NULL with an exception
 * after releasing the handles not wrapped yet. */
/* outputs a layer or model call may return (a feature extractor over every layer of a large model) */
#define MAX_OUTPUTS 4096

static PyObject *handle_list(void **h, int32_t n, PyObject *(*wrap)(void *), void (*release)(void *)) {
    PyObject *list = PyList_New(n);
    for (int32_t i = 0; i < n; i++) {
        PyObject *o = list ? wrap(h[i]) : NULL;
        if (!o) {
            for (int32_t j = list ? i + 1 : i; j < n; j++) release(h[j]);
            Py_XDECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, o);
    }
    return list;
}
static PyObject *wrap_tensor(void *h) { return skpy_wrap_tensor(h); }
static void release_tensor(void *h) { sk_tensor_release(h); }
static PyObject *wrap_kt(void *h) { return skpy_wrap_sk_keras_tensor(h); }
static void release_kt(void *h) { sk_keras_tensor_release(h); }

/* layer_call_multi(layer, inputs, training=False, arguments_json=None) -> [Tensor]: every output
 * (RNN return_state, attention scores); call arguments through sk_layer_call_ex. */
static PyObject *k_layer_call_multi(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *x;
    int training = 0;
    const char *arguments = NULL;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OO|iz", &lc, &x, &training, &arguments);
    if (!l) return NULL;
    TList tl;
    if (skpy_tlist_from(x, &tl) < 0) return NULL;
    sk_tensor **out = PyMem_Calloc(MAX_OUTPUTS, sizeof *out);
    if (!out) { skpy_tlist_free(&tl); return PyErr_NoMemory(); }
    int32_t n = 0;
    int32_t st = arguments
        ? sk_layer_call_ex(l, (const sk_tensor *const *)tl.h, tl.n, arguments, (uint8_t)training, out, MAX_OUTPUTS, &n)
        : sk_layer_call_multi(l, (const sk_tensor *const *)tl.h, tl.n, (uint8_t)training, out, MAX_OUTPUTS, &n);
    skpy_tlist_free(&tl);
    PyObject *r = st ? skpy_raise_status(st) : handle_list((void **)out, n, wrap_tensor, release_tensor);
    PyMem_Free(out);
    return r;
}

/* layer_call_symbolic_multi(layer, [keras tensors], arguments_json=None) -> [keras tensor handles]. */
static PyObject *k_layer_call_symbolic_multi(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *ins;
    const char *arguments = NULL;
    sk_layer *l = PyArg_ParseTuple(args, "OO|z", &lc, &ins, &arguments) ? HGET(sk_layer, lc) : NULL;
    int32_t n = 0, count = 0;
    void **a = l ? skpy_hlist_from(ins, "sk_keras_tensor", &n) : NULL;
    if (!a) return NULL;
    sk_keras_tensor **out = PyMem_Calloc(MAX_OUTPUTS, sizeof *out);
    if (!out) { PyMem_Free(a); return PyErr_NoMemory(); }
    int32_t st = arguments
        ? sk_layer_call_symbolic_ex(l, (const sk_keras_tensor *const *)a, n, arguments, out, MAX_OUTPUTS, &count)
        : sk_layer_call_symbolic_multi(l, (const sk_keras_tensor *const *)a, n, out, MAX_OUTPUTS, &count);
    PyMem_Free(a);
    PyObject *r = st ? skpy_raise_status(st) : handle_list((void **)out, count, wrap_kt, release_kt);
    PyMem_Free(out);
    return r;
}

/* layer_reset_states(layer, states=None): zeros, or the given states. */
static PyObject *k_layer_reset_states(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *states = Py_None;
    TList tl = {0};
    sk_layer *l = PyArg_ParseTuple(args, "O|O", &lc, &states) ? HGET(sk_layer, lc) : NULL;
    if (!l || (states != Py_None && skpy_tlist_from(states, &tl) < 0)) return NULL;
    int32_t st = sk_layer_reset_states(l, (const sk_tensor *const *)tl.h, tl.n);
    if (states != Py_None) skpy_tlist_free(&tl);
    return skpy_none_or_raise(st);
}

static int32_t fill_states(const void *q, void **a, int32_t cap, int32_t *n) {
    return sk_layer_states(q, (sk_tensor **)a, cap, n);
}

/* The tensors `fill` gives for the layer handle lc, as a list. */
static PyObject *layer_tensors(PyObject *lc, skpy_fill_fn fill) {
    sk_layer *l = HGET(sk_layer, lc);
    return l ? skpy_fetch_owned(l, fill, SKPY_OWNED_TENSOR) : NULL;
}

/* layer_states(layer) -> [Tensor]: a stateful RNN's carried states. */
static PyObject *k_layer_states(PyObject *self SKPY_UNUSED, PyObject *lc) { return layer_tensors(lc, fill_states); }

/* layer_add_loss(layer, tensor-like): `self.add_loss(x)` (sk_layer_add_loss). */
static PyObject *k_layer_add_loss(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *x;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OO", &lc, &x);
    if (!l) return NULL;
    sk_tensor *t = skpy_convert(x, 0);
    if (!t) return NULL;
    int32_t st = sk_layer_add_loss(l, t);
    sk_tensor_release(t);
    return skpy_none_or_raise(st);
}

static int32_t fill_losses(const void *q, void **a, int32_t cap, int32_t *n) {
    return sk_layer_losses(q, (sk_tensor **)a, cap, n);
}

/* layer_losses(layer) -> [Tensor]: `layer.losses`. */
static PyObject *k_layer_losses(PyObject *self SKPY_UNUSED, PyObject *lc) { return layer_tensors(lc, fill_losses); }
SKPY_EXPORT(module, k_, layer_add_loss, METH_VARARGS, "layer_add_loss(layer, tensor).");
SKPY_EXPORT(module, k_, layer_losses, METH_O, "layer_losses(layer) -> [Tensor].");
SKPY_EXPORT(module, k_, layer_call_multi, METH_VARARGS, "layer_call_multi(layer, inputs, training=False, arguments_json=None) -> [Tensor].");

/* layer_call_masked(layer, inputs, masks, training=0) -> ([Tensor], [Tensor or None]): every
 * output and its mask; masks holds one Tensor or None per input; training 0, 1 or 2 (not given). */
static PyObject *k_layer_call_masked(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *x, *masks;
    int training = 0;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OOO|i", &lc, &x, &masks, &training);
    if (!l) return NULL;
    TList tl;
    if (skpy_tlist_from(x, &tl) < 0) return NULL;
    PyObject *seq = PySequence_Fast(masks, "layer_call_masked: masks must be a list");
    if (!seq || PySequence_Fast_GET_SIZE(seq) != tl.n) {
        if (seq) PyErr_SetString(PyExc_ValueError, "layer_call_masked: one mask (or None) per input");
        Py_XDECREF(seq);
        skpy_tlist_free(&tl);
        return NULL;
    }
    /* one buffer: the input masks, then the outputs and their masks */
    sk_tensor **mh = PyMem_Calloc((size_t)tl.n + 2 * MAX_OUTPUTS, sizeof *mh);
    int failed = mh == NULL;
    if (failed) PyErr_NoMemory();
    for (int32_t i = 0; !failed && i < tl.n; i++) {
        PyObject *m = PySequence_Fast_GET_ITEM(seq, i);
        if (m != Py_None && !(mh[i] = skpy_convert(m, 0))) failed = 1;
    }
    sk_tensor **out = mh ? mh + tl.n : NULL, **om = mh ? out + MAX_OUTPUTS : NULL;
    int32_t n = 0;
    int32_t st = failed ? -1 : sk_layer_call_masked(l, (const sk_tensor *const *)tl.h, (const sk_tensor *const *)mh, tl.n,
                                                   (uint8_t)training, out, om, MAX_OUTPUTS, &n);
    for (int32_t i = 0; mh && i < tl.n; i++) sk_tensor_release(mh[i]);
    Py_DECREF(seq);
    skpy_tlist_free(&tl);
    if (st) { PyMem_Free(mh); return st < 0 ? NULL : skpy_raise_status(st); }
    PyObject *ms = PyList_New(n);
    for (int32_t i = 0; ms && i < n; i++) {
        PyObject *w = om[i] ? skpy_wrap_tensor(om[i]) : Py_NewRef(Py_None);
        om[i] = NULL;
        if (!w) { Py_CLEAR(ms); break; }
        PyList_SET_ITEM(ms, i, w);
    }
    for (int32_t i = 0; i < n; i++) if (om[i]) sk_tensor_release(om[i]);
    PyObject *outs = handle_list((void **)out, n, wrap_tensor, release_tensor);
    PyMem_Free(mh);
    if (!outs || !ms) { Py_XDECREF(outs); Py_XDECREF(ms); return NULL; }
    return Py_BuildValue("(NN)", outs, ms);
}
/* layer_supports_masking(layer, value=None) -> bool: reads (and with a value, first sets) it. */
static PyObject *k_layer_supports_masking(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *value = Py_None;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "O|O", &lc, &value);
    if (!l) return NULL;
    int v = value == Py_None ? 0 : PyObject_IsTrue(value);
    if (v < 0) return NULL;
    uint8_t out = 0;
    int32_t st = sk_layer_supports_masking(l, value != Py_None, (uint8_t)v, &out);
    if (st) return skpy_raise_status(st);
    return PyBool_FromLong(out);
}
SKPY_EXPORT(module, k_, layer_supports_masking, METH_VARARGS,
    "layer_supports_masking(layer, value=None) -> bool.");
SKPY_EXPORT(module, k_, layer_call_masked, METH_VARARGS,
    "layer_call_masked(layer, inputs, masks, training=False) -> ([Tensor], [Tensor or None]).");
SKPY_EXPORT(module, k_, layer_call_symbolic_multi, METH_VARARGS,
    "layer_call_symbolic_multi(layer, [keras tensors]) -> [keras tensor].");
SKPY_EXPORT(module, k_, layer_reset_states, METH_VARARGS, "layer_reset_states(layer, states=None).");
SKPY_EXPORT(module, k_, layer_states, METH_O, "layer_states(layer) -> [Tensor].");

/* the source of k_layer_weights' skpy_fetch_owned */
typedef struct { const sk_layer *l; uint8_t trainable_only; } layer_query;
static int32_t fill_weights(const void *q, void **a, int32_t cap, int32_t *n) {
    return sk_layer_weights(((const layer_query *)q)->l, (sk_tensor **)a, cap, n);
}
static int32_t fill_variables(const void *q, void **a, int32_t cap, int32_t *n) {
    const layer_query *lq = q;
    return sk_layer_variables(lq->l, lq->trainable_only, (sk_variable **)a, cap, n);
}

static PyObject *k_layer_weights(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc;
    int vars = 0, trainable_only = 0;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "O|pp", &lc, &vars, &trainable_only);
    if (!l) return NULL;
    layer_query q = {l, (uint8_t)trainable_only};
    return vars ? skpy_fetch_owned(&q, fill_variables, SKPY_OWNED_VARIABLE) : skpy_fetch_owned(&q, fill_weights, SKPY_OWNED_TENSOR);
}
SKPY_EXPORT(module, k_, layer_weights, METH_VARARGS,
    "layer_weights(layer, as_variables=False, trainable_only=False) -> list.");

static PyObject *k_layer_set_weights(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *vals;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "OO", &lc, &vals);
    if (!l) return NULL;
    PyObject *f = PySequence_Fast(vals, "set_weights: expected a list of arrays");
    if (!f) return NULL;
    TList tl;
    int r = skpy_tlist_from(f, &tl);
    Py_DECREF(f);
    if (r < 0) return NULL;
    int32_t st = sk_layer_set_weights(l, (const sk_tensor *const *)tl.h, tl.n);
    skpy_tlist_free(&tl);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, k_, layer_set_weights, METH_VARARGS, "layer_set_weights(layer, values).");

SKPY_HANDLE_STRING(k_layer_name, sk_layer, sk_layer_name)
SKPY_EXPORT(module, k_, layer_name, METH_O, "layer_name(layer) -> str.");
SKPY_HANDLE_STRING(k_layer_class_name, sk_layer, sk_layer_class_name)
SKPY_EXPORT(module, k_, layer_class_name, METH_O, "layer_class_name(layer) -> str.");

static PyObject *k_layer_count_params(PyObject *self SKPY_UNUSED, PyObject *lc) {
    sk_layer *l = HGET(sk_layer, lc);
    if (!l) return NULL;
    return PyLong_FromLongLong(sk_layer_count_params(l));
}
SKPY_EXPORT(module, k_, layer_count_params, METH_O, "layer_count_params(layer) -> int.");

static int32_t track(void *parent, void *child) { return sk_layer_track(parent, child); }

static PyObject *k_layer_track(PyObject *self SKPY_UNUSED, PyObject *args) {
    return skpy_pair_call(args, "sk_layer", "sk_layer", track);
}
SKPY_EXPORT(module, k_, layer_track, METH_VARARGS, "layer_track(parent_layer, child_layer).");

/* layer_track_variable(layer, variable): `self.w = tf.Variable(...)` in a custom layer. */
static PyObject *k_layer_track_variable(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lc, *vo;
    sk_layer *l = PyArg_ParseTuple(args, "OO!", &lc, skpy_VariableType, &vo) ? HGET(sk_layer, lc) : NULL;
    return l ? skpy_none_or_raise(sk_layer_track_variable(l, ((VariableObject *)vo)->v)) : NULL;
}
SKPY_EXPORT(module, k_, layer_track_variable, METH_VARARGS, "layer_track_variable(layer, variable).");

/* ---- functional API ---- */
static PyObject *k_input(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *shape, *dtype = Py_None, *name = Py_None;
    if (!PyArg_ParseTuple(args, "O|OO", &shape, &dtype, &name)) return NULL;
    int32_t d = dtype == Py_None ? SK_FLOAT32 : skpy_dtype_code_of(dtype, 0);
    if (d < 0) return NULL;
    const char *nm = skpy_opt_str(name, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    Conv c; skpy_conv_init(&c);
    const int64_t *dims; int32_t nd;
    if (skpy_conv_ints(&c, shape, "input", "shape", 0, &dims, &nd) < 0) { skpy_conv_free(&c); return NULL; }
    sk_keras_tensor *kt = NULL;
    int32_t st = sk_input(dims, nd, d, nm, &kt);
    skpy_conv_free(&c);
    return KH_FINISH(sk_keras_tensor, st, kt);
}
SKPY_EXPORT(module, k_, input, METH_VARARGS, "input(shape, dtype=float32, name=None) -> keras tensor handle.");

static PyObject *k_keras_tensor_shape(PyObject *self SKPY_UNUSED, PyObject *kc) {
    sk_keras_tensor *kt = HGET(sk_keras_tensor, kc);
    if (!kt) return NULL;
    int64_t dims[64]; int32_t nd = 0;
    int32_t st = sk_keras_tensor_shape(kt, dims, 64, &nd);
    if (st) return skpy_raise_status(st);
    return skpy_shape_tuple(dims, nd);
}
SKPY_EXPORT(module, k_, keras_tensor_shape, METH_O, "keras_tensor_shape(kt) -> tuple (None = unknown).");

