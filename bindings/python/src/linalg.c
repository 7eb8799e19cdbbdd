/* The matrix decompositions with several outputs (include/swiftkeras/linalg.h): each returns a
 * tuple of Tensors, as tf.linalg does. */
#include "native.h"

/* The first n handles of outs as a tuple (stolen); releases them all on failure. */
static PyObject *decomposition_result(int32_t st, sk_tensor **outs, int32_t n) {
    if (st) {
        for (int32_t i = 0; i < n; i++) if (outs[i]) sk_tensor_release(outs[i]);
        return skpy_raise_status(st);
    }
    PyObject *res = PyTuple_New(n);
    for (int32_t i = 0; i < n; i++) {
        if (!res) { sk_tensor_release(outs[i]); continue; }
        PyObject *t = skpy_wrap_tensor(outs[i]);
        if (!t) { Py_CLEAR(res); continue; }
        PyTuple_SET_ITEM(res, i, t);
    }
    return res;
}

static PyObject *m_linalg_qr(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("linalg_qr", "ro", "x", "full_matrices");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *x; uint8_t full = 0;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "linalg_qr", "x", 0, &x) == 0 &&
        (!v[1] || skpy_conv_bool(v[1], "linalg_qr", "full_matrices", &full) == 0)) {
        sk_tensor *outs[2] = {NULL, NULL};
        res = decomposition_result(sk_linalg_qr(x, full, outs, 2), outs, 2);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, linalg_qr, FASTKW, "linalg_qr(x, full_matrices=False) -> (q, r).");

static PyObject *m_linalg_svd(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("linalg_svd", "roo", "x", "full_matrices", "compute_uv");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *x; uint8_t full = 0, uv = 1;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "linalg_svd", "x", 0, &x) == 0 &&
        (!v[1] || skpy_conv_bool(v[1], "linalg_svd", "full_matrices", &full) == 0) &&
        (!v[2] || skpy_conv_bool(v[2], "linalg_svd", "compute_uv", &uv) == 0)) {
        sk_tensor *outs[3] = {NULL, NULL, NULL};
        res = decomposition_result(sk_linalg_svd(x, full, uv, outs, 3), outs, uv ? 3 : 1);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, linalg_svd, FASTKW,
            "linalg_svd(x, full_matrices=False, compute_uv=True) -> (s, u, v), or (s,) without compute_uv.");

static PyObject *m_linalg_eigh(PyObject *self SKPY_UNUSED, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    SKPY_KW_ARGS("linalg_eigh", "r", "x");
    Conv c; skpy_conv_init(&c);
    const sk_tensor *x;
    PyObject *res = NULL;
    if (skpy_conv_tensor(&c, v[0], "linalg_eigh", "x", 0, &x) == 0) {
        sk_tensor *outs[2] = {NULL, NULL};
        res = decomposition_result(sk_linalg_eigh(x, outs, 2), outs, 2);
    }
    skpy_conv_free(&c);
    return res;
}
SKPY_EXPORT(module, m_, linalg_eigh, FASTKW, "linalg_eigh(x) -> (e, v): eigenvalues ascending, eigenvectors in columns.");
