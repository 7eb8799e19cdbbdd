/* Automatic differentiation: Tape (sk_tape), Function (a Python callable as an sk_function,
 * also made on the fly for callable arguments by skpy_conv_function) and custom_gradient. */
#include "native.h"

/* The sk_function_fn of a Python callable (user_data): tensors in, the outputs converted back. */
static int32_t py_callback(void *ud, const sk_tensor *const *inputs, int32_t n_inputs,
                           sk_tensor **outputs, int32_t n_outputs) {
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *args = PyTuple_New(n_inputs);
    PyObject *res = NULL;
    if (!args) { rc = skpy_callback_fail(); goto out; }
    for (int32_t i = 0; i < n_inputs; i++) {
        PyObject *t = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)inputs[i]));
        if (!t) { rc = skpy_callback_fail(); goto out; }
        PyTuple_SET_ITEM(args, i, t);
    }
    res = PyObject_Call((PyObject *)ud, args, NULL);
    if (!res) { rc = skpy_callback_fail(); goto out; }
    if (res == Py_None) goto out;
    if (n_outputs == 1 && !PyList_Check(res) && !PyTuple_Check(res)) {
        if (!(outputs[0] = skpy_convert(res, 0))) rc = skpy_callback_fail();
        goto out;
    }
    if (n_outputs == 1 && (PyList_Check(res) || PyTuple_Check(res))) {
        /* a single output given as a list: a tensor, unless it is a 1-element list of tensors */
        Py_ssize_t n = PySequence_Fast_GET_SIZE(res);
        PyObject *first = n == 1 ? PySequence_Fast_GET_ITEM(res, 0) : NULL;
        if (first && (Tensor_Check(first) || Variable_Check(first) || first == Py_None)) {
            if (first != Py_None && !(outputs[0] = skpy_convert(first, 0))) rc = skpy_callback_fail();
        } else if (!(outputs[0] = skpy_convert(res, 0))) rc = skpy_callback_fail();
        goto out;
    }
    {
        PyObject *seq = PySequence_Fast(res, "a callback with several outputs must return a sequence");
        if (!seq) { rc = skpy_callback_fail(); goto out; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (n > n_outputs) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "callback returned %zd values, at most %d expected", n, (int)n_outputs);
            rc = skpy_callback_fail();
            goto out;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
            if (it == Py_None) continue;
            if (!(outputs[i] = skpy_convert(it, 0))) { rc = skpy_callback_fail(); break; }
        }
        Py_DECREF(seq);
    }
out:
    Py_XDECREF(args);
    Py_XDECREF(res);
    PyGILState_Release(g);
    return rc;
}

/* A new sk_function for a callable (caller releases). */
sk_function *skpy_make_function(PyObject *callable) {
    if (Py_IS_TYPE(callable, skpy_FunctionType)) {
        /* no retain API for sk_function: wrap the underlying callable again */
        callable = ((FunctionObject *)callable)->callable;
    }
    if (!PyCallable_Check(callable)) {
        PyErr_Format(PyExc_TypeError, "expected a callable, got %.100s", skpy_tname(callable));
        return NULL;
    }
    Py_INCREF(callable);
    sk_function *f = NULL;
    int32_t st = sk_function_create(py_callback, callable, skpy_callback_destroy, &f);
    if (st) { skpy_raise_status(st); return NULL; }   /* destroy already ran */
    return f;
}

/* ------------------------------------------------------------------------------------------
 * Tape
 * ---------------------------------------------------------------------------------------- */
typedef struct { PyObject_HEAD sk_tape *t; } TapeObject;

static PyObject *tape_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"persistent", "watch_accessed_variables", NULL};
    int persistent = 0, wav = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pp", kwl, &persistent, &wav)) return NULL;
    sk_tape *t = NULL;
    int32_t st = sk_tape_create((uint8_t)persistent, (uint8_t)wav, &t);
    if (st) return skpy_raise_status(st);
    TapeObject *o = (TapeObject *)skpy_alloc(type, 0);
    if (!o) { sk_tape_release(t); return NULL; }
    o->t = t;
    return (PyObject *)o;
}
static void tape_dealloc(TapeObject *o) { sk_tape_release(o->t); skpy_free((PyObject *)o); }

#define TAPE_SIMPLE(NAME, FN) \
    static PyObject *NAME(TapeObject *o, PyObject *u) { (void)u; int32_t st = FN(o->t); return skpy_none_or_raise(st); }
TAPE_SIMPLE(tape_start, sk_tape_start)
SKPY_EXPORT(tape, tape_, start, METH_NOARGS, "Starts recording on this thread.");
TAPE_SIMPLE(tape_stop, sk_tape_stop)
SKPY_EXPORT(tape, tape_, stop, METH_NOARGS, "Stops recording (keeps the record).");
TAPE_SIMPLE(tape_pause, sk_tape_pause)
SKPY_EXPORT(tape, tape_, pause, METH_NOARGS, "Pauses recording.");
TAPE_SIMPLE(tape_resume, sk_tape_resume)
SKPY_EXPORT(tape, tape_, resume, METH_NOARGS, "Resumes recording.");
TAPE_SIMPLE(tape_reset, sk_tape_reset)
SKPY_EXPORT(tape, tape_, reset, METH_NOARGS, "Forgets the record.");

static PyObject *tape_watch(TapeObject *o, PyObject *x) {
    int32_t st;
    if (Variable_Check(x)) st = sk_tape_watch_variable(o->t, ((VariableObject *)x)->v);
    else if (Tensor_Check(x)) st = sk_tape_watch(o->t, ((TensorObject *)x)->h);
    else {
        PyErr_Format(PyExc_ValueError, "watch: expected a Tensor or a Variable, got %.100s "
                     "(convert it with swiftkeras.constant first and watch the result)", skpy_tname(x));
        return NULL;
    }
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(tape, tape_, watch, METH_O, "Watches a Tensor or a Variable.");

static int conv_unconnected(PyObject *o, int32_t *out) {
    if (!o || o == Py_None) { *out = SK_UNCONNECTED_NONE; return 0; }
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (!s) return -1;
        if (!PyOS_stricmp(s, "none")) { *out = SK_UNCONNECTED_NONE; return 0; }
        if (!PyOS_stricmp(s, "zero")) { *out = SK_UNCONNECTED_ZERO; return 0; }
        PyErr_Format(PyExc_ValueError, "unknown unconnected_gradients value '%s' (use 'none' or 'zero')", s);
        return -1;
    }
    PyObject *v = PyObject_GetAttrString(o, "value");   /* an enum member */
    if (v) {
        int r = conv_unconnected(v, out);
        Py_DECREF(v);
        return r;
    }
    PyErr_Clear();
    long l = PyLong_AsLong(o);
    if (l == -1 && PyErr_Occurred()) return -1;
    *out = (int32_t)l;
    return 0;
}

/* gradient(target, sources, output_gradients=None, unconnected=None) -> list */
static PyObject *tape_gradient(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "sources", "output_gradients", "unconnected", NULL};
    PyObject *target, *sources, *og = Py_None, *unc = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OO", kwl, &target, &sources, &og, &unc)) return NULL;
    int32_t u;
    if (conv_unconnected(unc, &u) < 0) return NULL;
    PyObject *seq = PySequence_Fast(sources, "gradient: sources must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *res = NULL;
    sk_tensor *ht = NULL, *hog = NULL;
    const sk_tensor **src = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    const sk_variable **vars = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    sk_tensor **grads = PyMem_Calloc((size_t)(n + 1), sizeof(void *));
    if (!src || !vars || !grads) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PySequence_Fast_GET_ITEM(seq, i);
        if (Variable_Check(s)) vars[i] = ((VariableObject *)s)->v;
        else if (Tensor_Check(s)) src[i] = ((TensorObject *)s)->h;
        else {
            PyErr_Format(PyExc_TypeError, "gradient: sources must be Tensors or Variables, got %.100s", skpy_tname(s));
            goto done;
        }
    }
    if (!(ht = skpy_convert(target, 0))) goto done;
    if (og != Py_None && !(hog = skpy_convert(og, 0))) goto done;
    int32_t st = sk_tape_gradient(o->t, ht, src, vars, (int32_t)n, hog, u, grads);
    if (st) { skpy_raise_status(st); goto done; }
    res = PyList_New(n);
    if (!res) { for (Py_ssize_t i = 0; i < n; i++) sk_tensor_release(grads[i]); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *g;
        if (grads[i]) g = skpy_wrap_tensor(grads[i]);
        else { g = Py_None; Py_INCREF(g); }
        grads[i] = NULL;
        if (!g) { for (Py_ssize_t j = i + 1; j < n; j++) sk_tensor_release(grads[j]); Py_CLEAR(res); goto done; }
        PyList_SET_ITEM(res, i, g);
    }
done:
    sk_tensor_release(ht);
    sk_tensor_release(hog);
    PyMem_Free(src); PyMem_Free(vars); PyMem_Free(grads);
    Py_DECREF(seq);
    return res;
}
SKPY_EXPORT(tape, tape_, gradient, METH_VARARGS | METH_KEYWORDS,
    "gradient(target, sources, output_gradients=None, unconnected=None) -> list of Tensor or None.");

static PyObject *tape_jacobian(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "source", "unconnected", NULL};
    PyObject *target, *source, *unc = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O", kwl, &target, &source, &unc)) return NULL;
    int32_t u;
    if (conv_unconnected(unc, &u) < 0) return NULL;
    const sk_tensor *s = NULL; const sk_variable *v = NULL;
    if (Variable_Check(source)) v = ((VariableObject *)source)->v;
    else if (Tensor_Check(source)) s = ((TensorObject *)source)->h;
    else { PyErr_SetString(PyExc_TypeError, "jacobian: the source must be a Tensor or a Variable"); return NULL; }
    sk_tensor *ht = skpy_convert(target, 0);
    if (!ht) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_tape_jacobian(o->t, ht, s, v, u, &out);
    sk_tensor_release(ht);
    if (st) return skpy_raise_status(st);
    if (!out) Py_RETURN_NONE;
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(tape, tape_, jacobian, METH_VARARGS | METH_KEYWORDS, "jacobian(target, source, unconnected=None).");

static PyObject *tape_batch_jacobian(TapeObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"target", "source", NULL};
    PyObject *target, *source;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO", kwl, &target, &source)) return NULL;
    if (!Tensor_Check(source)) { PyErr_SetString(PyExc_TypeError, "batch_jacobian: the source must be a Tensor"); return NULL; }
    sk_tensor *ht = skpy_convert(target, 0);
    if (!ht) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_tape_batch_jacobian(o->t, ht, ((TensorObject *)source)->h, &out);
    sk_tensor_release(ht);
    if (st) return skpy_raise_status(st);
    if (!out) Py_RETURN_NONE;
    return skpy_wrap_tensor(out);
}
SKPY_EXPORT(tape, tape_, batch_jacobian, METH_VARARGS | METH_KEYWORDS, "batch_jacobian(target, source).");

static PyType_Slot tape_slots[] = {
    {Py_tp_dealloc, tape_dealloc}, {Py_tp_methods, NULL}, {Py_tp_new, tape_new},   /* methods: section skpy_tape */
    {Py_tp_doc, "Tape(persistent=False, watch_accessed_variables=True): an sk_tape."}, {0, NULL}
};
static PyType_Spec tape_spec = {"swiftkeras._native.Tape", sizeof(TapeObject), 0, Py_TPFLAGS_DEFAULT, tape_slots};

/* ------------------------------------------------------------------------------------------
 * Function: a Python callable as an sk_function
 * ---------------------------------------------------------------------------------------- */
static PyObject *function_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"callable", NULL};
    PyObject *c;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O", kwl, &c)) return NULL;
    sk_function *f = skpy_make_function(c);
    if (!f) return NULL;
    FunctionObject *o = (FunctionObject *)skpy_alloc(type, 0);
    if (!o) { sk_function_release(f); return NULL; }
    o->f = f;
    o->callable = c; Py_INCREF(c);
    return (PyObject *)o;
}
static void function_dealloc(FunctionObject *o) {
    sk_function_release(o->f);
    Py_XDECREF(o->callable);
    skpy_free((PyObject *)o);
}
/* call(inputs, n_outputs=1) -> list */
static PyObject *function_call_m(FunctionObject *o, PyObject *args, PyObject *kw) {
    static char *kwl[] = {"inputs", "n_outputs", NULL};
    PyObject *inputs;
    int nout = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|i", kwl, &inputs, &nout)) return NULL;
    if (nout < 0 || nout > 1024) { PyErr_SetString(PyExc_ValueError, "bad n_outputs"); return NULL; }
    Conv c; skpy_conv_init(&c);
    const sk_tensor *const *ins; int32_t nin;
    PyObject *res = NULL;
    sk_tensor **outs = PyMem_Calloc((size_t)nout + 1, sizeof(sk_tensor *));
    if (!outs) { PyErr_NoMemory(); return NULL; }
    if (skpy_conv_tlist(&c, inputs, "call", "inputs", &ins, &nin) < 0) goto done;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = sk_function_call(o->f, ins, nin, outs, nout);
    Py_END_ALLOW_THREADS
    if (st) { skpy_raise_status(st); goto done; }
    res = PyList_New(nout);
    for (int i = 0; i < nout; i++) {
        PyObject *t = outs[i] ? skpy_wrap_tensor(outs[i]) : (Py_INCREF(Py_None), Py_None);
        outs[i] = NULL;
        if (res && t) PyList_SET_ITEM(res, i, t);
        else Py_XDECREF(t);
    }
done:
    if (outs) for (int i = 0; i < nout; i++) sk_tensor_release(outs[i]);
    PyMem_Free(outs);
    skpy_conv_free(&c);
    return res;
}
static PyMethodDef function_methods[] = {
    SKPY_FN_AS("call", function_call_m, METH_VARARGS | METH_KEYWORDS,
     "call(inputs, n_outputs=1): runs the function through sk_function_call."),
    {NULL}
};
static PyType_Slot function_slots[] = {
    {Py_tp_dealloc, function_dealloc}, {Py_tp_methods, function_methods}, {Py_tp_new, function_new},
    {Py_tp_doc, "Function(callable): a Python callable as an sk_function (callbacks take the GIL)."}, {0, NULL}
};
static PyType_Spec function_spec = {"swiftkeras._native.Function", sizeof(FunctionObject), 0, Py_TPFLAGS_DEFAULT, function_slots};
PyTypeObject *skpy_FunctionType;

/* custom_gradient(forward, backward, inputs): forward(*inputs) -> y; backward(upstream, *inputs) -> grads */
static PyObject *m_custom_gradient(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("custom_gradient", "rrr", "forward", "backward", "inputs");
    Conv c; skpy_conv_init(&c);
    const sk_function *fw, *bw;
    const sk_tensor *const *ins; int32_t n;
    PyObject *res = NULL;
    if (skpy_conv_function(&c, v[0], "custom_gradient", "forward", 0, &fw) == 0 &&
        skpy_conv_function(&c, v[1], "custom_gradient", "backward", 0, &bw) == 0 &&
        skpy_conv_tlist(&c, v[2], "custom_gradient", "inputs", &ins, &n) == 0) {
        sk_tensor *out = NULL;
        int32_t st = sk_custom_gradient(fw, bw, ins, n, &out);
        res = skpy_finish(st, out);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, custom_gradient, FASTKW,
    "custom_gradient(forward, backward, inputs): forward(*inputs) -> y, backward(upstream, *inputs) -> gradients.");


SKPY_SECTION(tape);

int skpy_autodiff_init(PyObject *m) {
    PyTypeObject *tape = SKPY_SET_METHODS(tape_slots, tape) < 0 ? NULL : skpy_add_type(m, &tape_spec, NULL);
    Py_XDECREF((PyObject *)tape);
    return tape && (skpy_FunctionType = skpy_add_type(m, &function_spec, NULL)) ? 0 : -1;
}
