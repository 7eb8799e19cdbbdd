/* Recurrent cells (rnn_cells.h): custom cells whose step is a Python function, stacked cells, the
 * RNN layer over a cell handle, a cell's state sizes. */
#include "native.h"

/* user_data of a custom cell: a tuple (build or None, step); step(x, [states], training) returns
 * (output, [new states]). */
static int32_t cell_step(void *ud, sk_layer *cell, const sk_tensor *input, const sk_tensor *const *states,
                         int32_t n_states, uint8_t training, sk_tensor **outputs, int32_t n_outputs) {
    (void)cell;
    PyGILState_STATE g = PyGILState_Ensure();
    int32_t rc = SK_OK;
    PyObject *fn = PyTuple_GET_ITEM((PyObject *)ud, 1);
    PyObject *x = NULL, *lst = NULL, *r = NULL, *seq = NULL;
    if (!(x = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)input))) || !(lst = PyList_New(n_states))) goto fail;
    for (int32_t i = 0; i < n_states; i++) {
        PyObject *t = skpy_wrap_tensor(sk_tensor_retain((sk_tensor *)states[i]));
        if (!t) goto fail;
        PyList_SET_ITEM(lst, i, t);
    }
    if (!(r = PyObject_CallFunctionObjArgs(fn, x, lst, training ? Py_True : Py_False, NULL))) goto fail;
    if (!(seq = PySequence_Fast(r, "a custom cell's step must return [output, state, ...]"))) goto fail;
    if (PySequence_Fast_GET_SIZE(seq) != n_outputs) {
        PyErr_Format(PyExc_ValueError, "a custom cell's step returned %zd values, expected the output and %d state(s)",
                     PySequence_Fast_GET_SIZE(seq), (int)(n_outputs - 1));
        goto fail;
    }
    for (int32_t i = 0; i < n_outputs; i++)
        if (!(outputs[i] = skpy_convert(PySequence_Fast_GET_ITEM(seq, i), 0))) goto fail;
    goto out;
fail:
    rc = skpy_callback_fail();
out:
    Py_XDECREF(x); Py_XDECREF(lst); Py_XDECREF(r); Py_XDECREF(seq);
    PyGILState_Release(g);
    return rc;
}

/* rnn_cell_create_custom(name or None, state_sizes, output_size, build or None, step) -> layer handle */
static PyObject *k_rnn_cell_create_custom(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *nameo, *sizes, *build, *step;
    long long output_size;
    if (!PyArg_ParseTuple(args, "OOLOO", &nameo, &sizes, &output_size, &build, &step)) return NULL;
    const char *nm = skpy_opt_str(nameo, "name");
    if (BADSTR(nm) || (!nm && PyErr_Occurred())) return NULL;
    if (!PyCallable_Check(step) || (build != Py_None && !PyCallable_Check(build))) {
        PyErr_SetString(PyExc_TypeError, "rnn_cell_create_custom: build and step must be callables");
        return NULL;
    }
    Conv c; skpy_conv_init(&c);
    const int64_t *dims; int32_t n;
    if (skpy_conv_ints(&c, sizes, "rnn_cell_create_custom", "state_sizes", 0, &dims, &n) < 0) { skpy_conv_free(&c); return NULL; }
    PyObject *ud = PyTuple_Pack(2, build, step);
    if (!ud) { skpy_conv_free(&c); return NULL; }
    sk_layer *h = NULL;
    int32_t st = sk_rnn_cell_create_custom(nm, dims, n, (int64_t)output_size, skpy_custom_build, cell_step, ud,
                                           skpy_callback_destroy, &h);
    skpy_conv_free(&c);
    return KH_FINISH(sk_layer, st, h);
}
SKPY_EXPORT(module, k_, rnn_cell_create_custom, METH_VARARGS,
    "rnn_cell_create_custom(name, state_sizes, output_size, build(layer, shape) or None, "
    "step(x, states, training) -> [output, *states]) -> layer handle.");

/* rnn_cell_state_size(cell) -> ([state sizes], output_size) */
static PyObject *k_rnn_cell_state_size(PyObject *self SKPY_UNUSED, PyObject *o) {
    sk_layer *l = HGET(sk_layer, o);
    if (!l) return NULL;
    int32_t n = 0;
    int64_t out = 0;
    int32_t st = sk_rnn_cell_state_size(l, NULL, 0, &n, &out);
    if (st) return skpy_raise_status(st);
    int64_t sizes[64];
    if (n > 64) { PyErr_SetString(PyExc_ValueError, "rnn_cell_state_size: more than 64 states"); return NULL; }
    if ((st = sk_rnn_cell_state_size(l, sizes, n, &n, &out))) return skpy_raise_status(st);
    PyObject *lst = PyList_New(n);
    for (int32_t i = 0; lst && i < n; i++) {
        PyObject *v = PyLong_FromLongLong(sizes[i]);
        if (!v) { Py_CLEAR(lst); break; }
        PyList_SET_ITEM(lst, i, v);
    }
    return lst ? Py_BuildValue("(NL)", lst, (long long)out) : NULL;
}
SKPY_EXPORT(module, k_, rnn_cell_state_size, METH_O, "rnn_cell_state_size(cell) -> ([state sizes], output_size).");

/* rnn_cells_stack(config_json or None, cell, cell, ...) -> layer handle */
static PyObject *k_rnn_cells_stack(PyObject *self SKPY_UNUSED, PyObject *args) {
    Py_ssize_t count = PyTuple_Size(args);
    const char *config = count > 0 ? skpy_opt_str(PyTuple_GetItem(args, 0), "config_json") : NULL;
    if (count < 1 || BADSTR(config) || (!config && PyErr_Occurred())) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "rnn_cells_stack(config_json, *cells)");
        return NULL;
    }
    sk_layer **cells = PyMem_New(sk_layer *, (size_t)count);
    if (!cells) return PyErr_NoMemory();
    for (Py_ssize_t i = 1; i < count; i++)
        if (!(cells[i - 1] = HGET(sk_layer, PyTuple_GetItem(args, i)))) { PyMem_Free(cells); return NULL; }
    sk_layer *h = NULL;
    int32_t st = sk_rnn_cells_stack((const sk_layer *const *)cells, (int32_t)(count - 1), config, &h);
    PyMem_Free(cells);
    return KH_FINISH(sk_layer, st, h);
}
SKPY_EXPORT(module, k_, rnn_cells_stack, METH_VARARGS, "rnn_cells_stack(config_json or None, *cells) -> layer handle.");

/* rnn_create(cell, config_json=None) -> layer handle */
static PyObject *k_rnn_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cello;
    const char *config = NULL;
    sk_layer *cell = skpy_parse_handle(args, "sk_layer", "O|z", &cello, &config);
    if (!cell) return NULL;
    sk_layer *h = NULL;
    int32_t st = sk_rnn_create(cell, config, &h);
    return KH_FINISH(sk_layer, st, h);
}
SKPY_EXPORT(module, k_, rnn_create, METH_VARARGS, "rnn_create(cell, config_json=None) -> layer handle.");

/* rnn_cell(layer, index=0) -> layer handle: an RNN's cell, or a StackedRNNCells' cell index */
static PyObject *k_rnn_cell(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *lo;
    int index = 0;
    sk_layer *l = skpy_parse_handle(args, "sk_layer", "O|i", &lo, &index);
    if (!l) return NULL;
    sk_layer *h = NULL;
    int32_t st = sk_rnn_cell(l, (int32_t)index, &h);
    return KH_FINISH(sk_layer, st, h);
}
SKPY_EXPORT(module, k_, rnn_cell, METH_VARARGS, "rnn_cell(layer, index=0) -> the cell handle of an RNN / StackedRNNCells.");
