/* The ops: the generated wrappers (one per C API op, ops_generated.inc from tools/capi_ops.py)
 * and the hand-written ones (convert, cast, creation, split, the Keras backend's control flow
 * map_fn / foldl / foldr / rnn, CTC decoding, moving_average_update). */
#include "native.h"
#include "ops_generated.inc"

static PyObject *m_convert(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("convert", "ro", "x", "dtype");
    int32_t d = skpy_dtype_code_of(v[1], 1);
    if (d < 0) return NULL;
    if (Py_IS_TYPE(v[0], skpy_TensorType) && (d == 0 || d == sk_tensor_dtype(((TensorObject *)v[0])->h))) {
        Py_INCREF(v[0]);
        return v[0];
    }
    sk_tensor *h = skpy_convert(v[0], d);
    return h ? skpy_wrap_tensor(h) : NULL;
}
SKPY_EXPORT(module, m_, convert, FASTKW, "convert(x, dtype=None) -> Tensor: any tensor-like object as a Tensor.");

static PyObject *m_cast(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("cast", "rr", "t", "dtype");
    int32_t d = skpy_dtype_code_of(v[1], 0);
    if (d < 0) return NULL;
    Conv c; skpy_conv_init(&c);
    const sk_tensor *t;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "cast", "t", 0, &t) == 0) {
        sk_tensor *out = NULL; int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_tensor_cast(t, d, &out); Py_END_ALLOW_THREADS }
        else st = sk_tensor_cast(t, d, &out);
        res = skpy_finish(st, out);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, cast, FASTKW, "cast(t, dtype) -> Tensor (sk_tensor_cast).");

typedef int32_t (*shapefn)(const int64_t *, int32_t, int32_t, sk_tensor **);
static PyObject *shape_dtype_op(const char *name, shapefn f, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS(name, "ro", "shape", "dtype");
    Conv c; skpy_conv_init(&c);
    const int64_t *shape; int32_t nd;
    PyObject *res = NULL;
    int32_t dt = skpy_dtype_code_of(v[1], 1);
    if (dt >= 0 && skpy_conv_ints(&c, v[0], name, "shape", 0, &shape, &nd) == 0) {
        sk_tensor *out = NULL; int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = f(shape, nd, dt ? dt : SK_FLOAT32, &out); Py_END_ALLOW_THREADS }
        else st = f(shape, nd, dt ? dt : SK_FLOAT32, &out);
        res = skpy_finish(st, out);
    }
    skpy_conv_free(&c);
    return res;
}
static PyObject *m_zeros(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return shape_dtype_op("zeros", sk_zeros, a, n, k); }
SKPY_EXPORT(module, m_, zeros, FASTKW, "zeros(shape, dtype=float32).");
static PyObject *m_ones(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return shape_dtype_op("ones", sk_ones, a, n, k); }
SKPY_EXPORT(module, m_, ones, FASTKW, "ones(shape, dtype=float32).");


static PyObject *m_eye(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("eye", "roo", "rows", "cols", "dtype");
    int64_t r, c;
    if (skpy_conv_i64(v[0], "eye", "rows", &r) < 0) return NULL;
    if (!v[1] || v[1] == Py_None) c = r;
    else if (skpy_conv_i64(v[1], "eye", "cols", &c) < 0) return NULL;
    int32_t dt = skpy_dtype_code_of(v[2], 1);
    if (dt < 0) return NULL;
    sk_tensor *out = NULL;
    { int32_t st_ = sk_eye(r, c, dt ? dt : SK_FLOAT32, &out); return skpy_finish(st_, out); }
}
SKPY_EXPORT(module, m_, eye, FASTKW, "eye(rows, cols=None, dtype=float32).");

static PyObject *m_arange(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("arange", "rooo", "start", "stop", "step", "dtype");
    double start, stop, step = 1;
    if (skpy_conv_f64(v[0], "arange", "start", &start) < 0) return NULL;
    if (!v[1] || v[1] == Py_None) { stop = start; start = 0; }
    else if (skpy_conv_f64(v[1], "arange", "stop", &stop) < 0) return NULL;
    if (v[2] && v[2] != Py_None && skpy_conv_f64(v[2], "arange", "step", &step) < 0) return NULL;
    int32_t dt = skpy_dtype_code_of(v[3], 1);
    if (dt < 0) return NULL;
    if (!dt) dt = SK_INT32;
    sk_tensor *out = NULL;
    { int32_t st_ = sk_arange(start, stop, step, dt, &out); return skpy_finish(st_, out); }
}
SKPY_EXPORT(module, m_, arange, FASTKW, "arange(start, stop=None, step=1, dtype=int32).");


/* n caller-owned handles as a list; releases them on failure. */
static PyObject *take_list(sk_tensor **outs, int32_t n) {
    PyObject *l = PyList_New(n > 0 ? n : 0);
    for (int32_t i = 0; i < n; i++) {
        PyObject *t;
        if (outs[i]) { t = l ? skpy_wrap_tensor(outs[i]) : (sk_tensor_release(outs[i]), NULL); outs[i] = NULL; }
        else { t = Py_None; Py_INCREF(t); }
        if (l && t) PyList_SET_ITEM(l, i, t);
        else { Py_XDECREF(t); Py_CLEAR(l); }
    }
    return l;
}

static PyObject *m_split(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("split", "rro", "x", "num", "axis");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *x; int64_t num, axis = 0;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "split", "x", 0, &x) == 0 && skpy_conv_i64(v[1], "split", "num", &num) == 0 &&
        (!v[2] || skpy_conv_i64(v[2], "split", "axis", &axis) == 0)) {
        if (num <= 0 || num > (1 << 20)) { PyErr_Format(PyExc_ValueError, "split: num must be in 1...%d, got %lld", 1 << 20, (long long)num); }
        else {
            sk_tensor **outs = PyMem_Calloc((size_t)num, sizeof(sk_tensor *));
            if (!outs) PyErr_NoMemory();
            else {
                int32_t st = sk_split(x, num, axis, outs, (int32_t)num);
                if (st) skpy_raise_status(st);
                else res = take_list(outs, (int32_t)num);
                PyMem_Free(outs);
            }
        }
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, split, FASTKW, "split(x, num, axis=0) -> list of Tensor.");

/* ------------------------------------------------------------------------------------------
 * Keras backend additions (hand-written in the C API): map_fn, foldl/foldr, rnn, CTC decoding,
 * moving_average_update. Callables become sk_functions (skpy_conv_function); the C call runs with the
 * GIL released and the callbacks take it back; a Python exception raised inside a callback is
 * parked by skpy_callback_fail and re-raised unchanged by skpy_raise_status.
 * ---------------------------------------------------------------------------------------- */
#define MAX_OUTPUTS 65536

/* The output-slot count n_outputs as a C int (values < 1 pass through for the core to reject). */
static int conv_count(PyObject *o, const char *fn, const char *name, int32_t *out) {
    int64_t n;
    if (skpy_conv_i64(o, fn, name, &n) < 0) return -1;
    if (n > MAX_OUTPUTS) {
        PyErr_Format(PyExc_ValueError, "%s: %s must be at most %d, got %lld", fn, name, MAX_OUTPUTS, (long long)n);
        return -1;
    }
    *out = n < 0 ? -1 : (int32_t)n;
    return 0;
}

typedef int32_t (*foldfn)(const sk_function *, const sk_tensor *const *, int32_t,
                          const sk_tensor *const *, int32_t, sk_tensor **, int32_t);

/* sk_map_fn (f NULL) or f (sk_foldl / sk_foldr) into n_out new slots, run with the GIL released:
 * a list of Tensor. */
static PyObject *run_loop(foldfn f, const sk_function *fn, const sk_tensor *const *elems, int32_t n_elems,
                          const sk_tensor *const *init, int32_t n_init, int32_t n_out) {
    sk_tensor **outs = PyMem_Calloc((size_t)(n_out > 0 ? n_out : 1), sizeof(sk_tensor *));
    if (!outs) return PyErr_NoMemory();
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = f ? f(fn, elems, n_elems, init, n_init, outs, n_out) : sk_map_fn(fn, elems, n_elems, outs, n_out);
    Py_END_ALLOW_THREADS
    PyObject *res = NULL;
    if (st) skpy_raise_status(st);
    else { skpy_drop_pending(); res = take_list(outs, n_out); }
    PyMem_Free(outs);
    return res;
}

/* map_fn(fn, elems, n_outputs=1) -> list of Tensor */
static PyObject *m_map_fn(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("map_fn", "rro", "fn", "elems", "n_outputs");
    Conv c; skpy_conv_init(&c);
    const sk_function *fn; const sk_tensor *const *elems; int32_t n_elems, n_out = 1;
    PyObject *res = NULL;
    if (skpy_conv_function(&c, v[0], "map_fn", "fn", 0, &fn) == 0 &&
        skpy_conv_tlist(&c, v[1], "map_fn", "elems", &elems, &n_elems) == 0 &&
        (!v[2] || v[2] == Py_None || conv_count(v[2], "map_fn", "n_outputs", &n_out) == 0))
        res = run_loop(NULL, fn, elems, n_elems, NULL, 0, n_out);
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, map_fn, FASTKW,
    "map_fn(fn, elems, n_outputs=1) -> list of Tensor: fn(*slices) per index along axis 0, results stacked.");

/* foldl/foldr(fn, elems, initializer=None, n_outputs=None) -> list of Tensor */
static PyObject *fold_common(const char *name, foldfn f, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS(name, "rroo", "fn", "elems", "initializer", "n_outputs");
    Conv c; skpy_conv_init(&c);
    const sk_function *fn; const sk_tensor *const *elems, *const *init = NULL;
    int32_t n_elems, n_init = 0, n_out;
    PyObject *res = NULL;
    if (skpy_conv_function(&c, v[0], name, "fn", 0, &fn) < 0) goto done;
    if (skpy_conv_tlist(&c, v[1], name, "elems", &elems, &n_elems) < 0) goto done;
    if (v[2] && v[2] != Py_None && skpy_conv_tlist(&c, v[2], name, "initializer", &init, &n_init) < 0) goto done;
    if (init && n_init == 0) {
        PyErr_Format(PyExc_ValueError, "%s: initializer must hold at least one tensor (or be None)", name);
        goto done;
    }
    n_out = init ? n_init : n_elems;     /* the accumulator count */
    if (v[3] && v[3] != Py_None && conv_count(v[3], name, "n_outputs", &n_out) < 0) goto done;
    res = run_loop(f, fn, elems, n_elems, init, n_init, n_out);
done:
    skpy_conv_free(&c);
    return res;
}

static PyObject *m_foldl(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return fold_common("foldl", sk_foldl, a, n, k); }
SKPY_EXPORT(module, m_, foldl, FASTKW,
    "foldl(fn, elems, initializer=None, n_outputs=None) -> list of Tensor: fn(*acc, *slices) -> acc, first to last.");
static PyObject *m_foldr(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) { (void)s; return fold_common("foldr", sk_foldr, a, n, k); }
SKPY_EXPORT(module, m_, foldr, FASTKW,
    "foldr(fn, elems, initializer=None, n_outputs=None) -> list of Tensor: fn(*acc, *slices) -> acc, last to first.");

/* rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
 *     unroll=False, input_length=None) -> (last_output, outputs, new_states list) */
static PyObject *m_rnn(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("rnn", "rrrooooo", "step_function", "inputs", "initial_states", "go_backwards", "mask", "constants",
                 "unroll", "input_length");
    Conv c; skpy_conv_init(&c);
    const sk_function *fn; const sk_tensor *inputs, *mask, *input_length;
    const sk_tensor *const *states, *const *consts = NULL;
    int32_t n_states, n_consts = 0;
    uint8_t back, unroll;
    PyObject *res = NULL;
    sk_tensor **new_states = NULL, *last = NULL, *outputs = NULL;
    if (skpy_conv_function(&c, v[0], "rnn", "step_function", 0, &fn) < 0) goto done;
    if (skpy_conv_tensor(&c, v[1], "rnn", "inputs", 0, &inputs) < 0) goto done;
    if (skpy_conv_tlist(&c, v[2], "rnn", "initial_states", &states, &n_states) < 0) goto done;
    if (skpy_conv_bool(v[3], "rnn", "go_backwards", &back) < 0) goto done;
    if (skpy_conv_tensor(&c, v[4], "rnn", "mask", 1, &mask) < 0) goto done;
    if (v[5] && v[5] != Py_None && skpy_conv_tlist(&c, v[5], "rnn", "constants", &consts, &n_consts) < 0) goto done;
    if (skpy_conv_bool(v[6], "rnn", "unroll", &unroll) < 0) goto done;
    if (skpy_conv_tensor(&c, v[7], "rnn", "input_length", 1, &input_length) < 0) goto done;
    if (n_states > MAX_OUTPUTS - 1) { PyErr_SetString(PyExc_ValueError, "rnn: too many states"); goto done; }
    new_states = PyMem_Calloc((size_t)n_states + 1, sizeof(sk_tensor *));
    if (!new_states) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        Py_BEGIN_ALLOW_THREADS
        st = sk_rnn(fn, inputs, states, n_states, back, mask, consts, n_consts, unroll, input_length,
                    &last, &outputs, new_states);
        Py_END_ALLOW_THREADS
        if (st) { skpy_raise_status(st); goto done; }
        skpy_drop_pending();
        PyObject *l = take_list(new_states, n_states);
        PyObject *a = skpy_wrap_tensor(last), *b = skpy_wrap_tensor(outputs);
        last = outputs = NULL;
        if (l && a && b) res = PyTuple_Pack(3, a, b, l);
        Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(l);
    }
done:
    if (new_states) for (int32_t i = 0; i < n_states; i++) sk_tensor_release(new_states[i]);
    sk_tensor_release(last);
    sk_tensor_release(outputs);
    PyMem_Free(new_states);
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, rnn, FASTKW,
    "rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False, "
     "input_length=None) -> (last_output, outputs, new_states); step_function(x_t, *states, *constants) -> [output_t, *new_states].");

/* ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1) -> (decoded list, log_prob) */
static PyObject *m_ctc_decode(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("ctc_decode", "rrooo", "y_pred", "input_length", "greedy", "beam_width", "top_paths");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *y, *il;
    uint8_t greedy = 1;
    int64_t beam = 100, top = 1;
    int32_t cap = 1;
    PyObject *res = NULL;
    sk_tensor **decoded = NULL, *log_prob = NULL;
    if (skpy_conv_tensor(&c, v[0], "ctc_decode", "y_pred", 0, &y) < 0) goto done;
    if (skpy_conv_tensor(&c, v[1], "ctc_decode", "input_length", 0, &il) < 0) goto done;
    if (v[2] && skpy_conv_bool(v[2], "ctc_decode", "greedy", &greedy) < 0) goto done;
    if (v[3] && v[3] != Py_None && skpy_conv_i64(v[3], "ctc_decode", "beam_width", &beam) < 0) goto done;
    if (v[4] && v[4] != Py_None && skpy_conv_i64(v[4], "ctc_decode", "top_paths", &top) < 0) goto done;
    if (!greedy && top > 1) {   /* beam search fills top_paths slots */
        if (top > MAX_OUTPUTS) { PyErr_Format(PyExc_ValueError, "ctc_decode: top_paths must be at most %d", MAX_OUTPUTS); goto done; }
        cap = (int32_t)top;
    }
    decoded = PyMem_Calloc((size_t)cap, sizeof(sk_tensor *));
    if (!decoded) { PyErr_NoMemory(); goto done; }
    {
        int32_t st;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_ctc_decode(y, il, greedy, beam, top, decoded, cap, &log_prob); Py_END_ALLOW_THREADS }
        else st = sk_ctc_decode(y, il, greedy, beam, top, decoded, cap, &log_prob);
        if (st) { skpy_raise_status(st); goto done; }
        int32_t n = 0;
        while (n < cap && decoded[n]) n++;
        PyObject *l = take_list(decoded, n);
        PyObject *lp = skpy_wrap_tensor(log_prob);
        log_prob = NULL;
        if (l && lp) res = PyTuple_Pack(2, l, lp);
        Py_XDECREF(l); Py_XDECREF(lp);
    }
done:
    if (decoded) for (int32_t i = 0; i < cap; i++) sk_tensor_release(decoded[i]);
    sk_tensor_release(log_prob);
    PyMem_Free(decoded);
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, ctc_decode, FASTKW,
    "ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1) -> ([decoded padded with -1], log_prob).");

/* ctc_label_dense_to_sparse(labels, label_lengths) -> (indices, values, dense_shape) */
static PyObject *m_ctc_label_dense_to_sparse(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("ctc_label_dense_to_sparse", "rr", "labels", "label_lengths");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *labels, *lengths;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "ctc_label_dense_to_sparse", "labels", 0, &labels) == 0 &&
        skpy_conv_tensor(&c, v[1], "ctc_label_dense_to_sparse", "label_lengths", 0, &lengths) == 0) {
        sk_tensor *o[3] = {NULL, NULL, NULL};
        int32_t st = sk_ctc_label_dense_to_sparse(labels, lengths, &o[0], &o[1], &o[2]);
        if (st) skpy_raise_status(st);
        else {
            PyObject *a = skpy_wrap_tensor(o[0]), *b = skpy_wrap_tensor(o[1]), *d = skpy_wrap_tensor(o[2]);
            if (a && b && d) res = PyTuple_Pack(3, a, b, d);
            Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(d);
        }
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, ctc_label_dense_to_sparse, FASTKW,
    "ctc_label_dense_to_sparse(labels, label_lengths) -> (indices, values, dense_shape).");

/* moving_average_update(variable, value, momentum) -> Tensor (the new value) */
static PyObject *m_moving_average_update(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("moving_average_update", "rrr", "variable", "value", "momentum");
    if (!Variable_Check(v[0])) {
        PyErr_Format(PyExc_TypeError, "moving_average_update: argument 'variable' must be a Variable, got %.100s",
                     skpy_tname(v[0]));
        return NULL;
    }
    Conv c; skpy_conv_init(&c);
    const sk_tensor *value;
    double momentum;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[1], "moving_average_update", "value", 0, &value) == 0 &&
        skpy_conv_f64(v[2], "moving_average_update", "momentum", &momentum) == 0) {
        sk_tensor *out = NULL; int32_t st;
        sk_variable *var = ((VariableObject *)v[0])->v;
        if (c.heavy) { Py_BEGIN_ALLOW_THREADS st = sk_moving_average_update(var, value, momentum, &out); Py_END_ALLOW_THREADS }
        else st = sk_moving_average_update(var, value, momentum, &out);
        res = skpy_finish(st, out);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, moving_average_update, FASTKW,
    "moving_average_update(variable, value, momentum) -> Tensor: variable -= (variable - value) * (1 - momentum).");

const int skpy_generated_op_count = GENERATED_OP_COUNT;

PyMethodDef skpy_ops_methods[] = {
    GENERATED_OP_METHODS
    {NULL}
};
