"""The TensorFlow op namespaces (tf.math, tf.nn, tf.linalg, tf.random, top-level tf.*) against
numpy: one table of cases, each checking shape, dtype (TF's result dtype) and values; then the
error types TF raises, the gradients of the new differentiable ops (central differences), and the
non-op namespaces (config, device, nest, debugging, TensorSpec, print, Module, train.Checkpoint)."""
import io
import math as pymath
import os

import numpy as np
import pytest

import swiftkeras as tf

A = np.array([[1.5, -2.0, 3.0], [0.25, 4.0, -1.0]], np.float32)
B = np.array([[2.0, 1.0, -0.5], [3.0, -2.0, 0.5]], np.float32)
I = np.array([[3, -1, 2], [0, 5, 7]], np.int32)
POS = np.array([[0.5, 1.0, 2.0], [3.0, 0.1, 4.0]], np.float32)
U = np.array([[0.1, -0.7, 0.3], [0.9, -0.2, 0.0]], np.float32)
M = np.array([[4.0, 7.0, 1.0], [2.0, 6.0, 0.5], [1.0, 0.0, 3.0]], np.float64)
BOOLS = np.array([[True, False, True], [False, False, True]])
erf = np.vectorize(pymath.erf)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    return np.log(softmax(x, axis))


def np_segment_sum(data, ids, n):
    out = np.zeros((n,) + data.shape[1:], data.dtype)
    for i, s in enumerate(ids):
        out[s] += data[i]
    return out


def band(x, lo, up):
    r, c = np.indices(x.shape)
    keep = ((lo < 0) | (r - c <= lo)) & ((up < 0) | (c - r <= up))
    return x * keep


# (label, function, args, kwargs, expected numpy array, expected dtype)
CASES = [
    # tf.math: elementwise
    ("math.abs", tf.math.abs, (A,), {}, np.abs(A), "float32"),
    ("abs int", tf.abs, (I,), {}, np.abs(I), "int32"),
    ("math.negative", tf.math.negative, (I,), {}, -I, "int32"),
    ("math.sign", tf.math.sign, (A,), {}, np.sign(A), "float32"),
    ("math.square", tf.math.square, (I,), {}, I * I, "int32"),
    ("math.sqrt", tf.math.sqrt, (POS,), {}, np.sqrt(POS), "float32"),
    ("math.exp", tf.math.exp, (A,), {}, np.exp(A), "float32"),
    ("math.log", tf.math.log, (POS,), {}, np.log(POS), "float32"),
    ("math.log1p", tf.math.log1p, (POS,), {}, np.log1p(POS), "float32"),
    ("math.expm1", tf.math.expm1, (A,), {}, np.expm1(A), "float32"),
    ("math.sin", tf.math.sin, (A,), {}, np.sin(A), "float32"),
    ("math.cos", tf.math.cos, (A,), {}, np.cos(A), "float32"),
    ("math.tanh", tf.math.tanh, (A,), {}, np.tanh(A), "float32"),
    ("math.sigmoid", tf.math.sigmoid, (A,), {}, 1 / (1 + np.exp(-A)), "float32"),
    ("math.softplus", tf.math.softplus, (A,), {}, np.log1p(np.exp(A)), "float32"),
    ("math.softsign", tf.math.softsign, (A,), {}, A / (1 + np.abs(A)), "float32"),
    ("math.erf", tf.math.erf, (U,), {}, erf(U), "float32"),
    ("math.round", tf.math.round, (np.array([0.5, 1.5, -2.5, 2.4], np.float32),), {}, [0, 2, -2, 2], "float32"),
    ("math.floor", tf.math.floor, (A,), {}, np.floor(A), "float32"),
    ("math.ceil", tf.math.ceil, (A,), {}, np.ceil(A), "float32"),
    ("math.reciprocal", tf.math.reciprocal, (POS,), {}, 1 / POS, "float32"),
    ("math.rsqrt", tf.math.rsqrt, (POS,), {}, 1 / np.sqrt(POS), "float32"),
    ("math.log_sigmoid", tf.math.log_sigmoid, (A,), {}, -np.log1p(np.exp(-A)), "float32"),
    ("math.is_nan", tf.math.is_nan, (np.array([1.0, np.nan, np.inf], np.float32),), {}, [False, True, False], "bool"),
    ("math.is_inf", tf.math.is_inf, (np.array([1.0, np.nan, -np.inf], np.float32),), {}, [False, False, True], "bool"),
    ("math.is_finite", tf.math.is_finite, (np.array([1.0, np.nan, np.inf], np.float32),), {}, [True, False, False], "bool"),
    ("math.logical_not", tf.math.logical_not, (BOOLS,), {}, ~BOOLS, "bool"),
    # binary
    ("math.add", tf.math.add, (A, B), {}, A + B, "float32"),
    ("add scalar", tf.add, (I, 2), {}, I + 2, "int32"),
    ("math.subtract", tf.math.subtract, (A, B), {}, A - B, "float32"),
    ("math.multiply", tf.math.multiply, (I, I), {}, I * I, "int32"),
    ("math.divide floats", tf.math.divide, (A, B), {}, A / B, "float32"),
    ("divide int32 -> float64", tf.divide, (I, np.array([2, 4, 8], np.int32)), {}, I / np.array([2, 4, 8]), "float64"),
    ("math.truediv", tf.math.truediv, (A, B), {}, A / B, "float32"),
    ("divide two Python ints -> float64", tf.divide, (3, 2), {}, 1.5, "float64"),
    ("divide int tensor by Python int", tf.divide, (I, 2), {}, I / 2, "float64"),
    ("math.floordiv", tf.math.floordiv, (I, np.int32(2)), {}, I // 2, "int32"),
    ("math.floormod", tf.math.floormod, (I, np.int32(3)), {}, np.mod(I, 3), "int32"),
    ("math.mod", tf.math.mod, (A, np.float32(1.5)), {}, np.mod(A, 1.5), "float32"),
    ("math.pow", tf.math.pow, (POS, np.float32(2.0)), {}, POS ** 2, "float32"),
    ("pow", tf.pow, (I, 2), {}, I ** 2, "int32"),
    ("math.maximum", tf.math.maximum, (A, B), {}, np.maximum(A, B), "float32"),
    ("math.minimum", tf.minimum, (A, B), {}, np.minimum(A, B), "float32"),
    ("math.squared_difference", tf.math.squared_difference, (A, B), {}, (A - B) ** 2, "float32"),
    ("math.equal", tf.math.equal, (I, I), {}, np.ones(I.shape, bool), "bool"),
    ("math.not_equal", tf.not_equal, (A, B), {}, A != B, "bool"),
    ("math.greater", tf.math.greater, (A, B), {}, A > B, "bool"),
    ("math.greater_equal", tf.greater_equal, (A, B), {}, A >= B, "bool"),
    ("math.less", tf.math.less, (A, B), {}, A < B, "bool"),
    ("math.less_equal", tf.less_equal, (A, B), {}, A <= B, "bool"),
    ("math.logical_and", tf.math.logical_and, (BOOLS, ~BOOLS), {}, np.zeros(BOOLS.shape, bool), "bool"),
    ("math.logical_or", tf.logical_or, (BOOLS, ~BOOLS), {}, np.ones(BOOLS.shape, bool), "bool"),
    ("math.logical_xor", tf.math.logical_xor, (BOOLS, BOOLS[::-1]), {}, BOOLS ^ BOOLS[::-1], "bool"),
    # reductions
    ("reduce_sum", tf.reduce_sum, (A,), {}, A.sum(), "float32"),
    ("reduce_sum axis", tf.math.reduce_sum, (I,), {"axis": 1}, I.sum(1), "int32"),
    ("reduce_sum keepdims", tf.reduce_sum, (A,), {"axis": 0, "keepdims": True}, A.sum(0, keepdims=True), "float32"),
    ("reduce_mean", tf.reduce_mean, (A,), {"axis": -1}, A.mean(-1), "float32"),
    ("reduce_mean int truncates", tf.reduce_mean, (np.array([1, 2], np.int32),), {}, 1, "int32"),
    ("reduce_max", tf.reduce_max, (A,), {"axis": 0}, A.max(0), "float32"),
    ("reduce_min", tf.math.reduce_min, (I,), {}, I.min(), "int32"),
    ("reduce_prod", tf.reduce_prod, (A,), {"axis": 1}, A.prod(1), "float32"),
    ("reduce_any", tf.reduce_any, (BOOLS,), {"axis": 1}, BOOLS.any(1), "bool"),
    ("reduce_all", tf.math.reduce_all, (BOOLS,), {"axis": 0}, BOOLS.all(0), "bool"),
    ("reduce_std", tf.math.reduce_std, (A,), {"axis": 1}, A.std(1), "float32"),
    ("reduce_variance", tf.math.reduce_variance, (A,), {}, A.var(), "float32"),
    ("reduce_logsumexp", tf.reduce_logsumexp, (A,), {"axis": 1}, np.log(np.exp(A).sum(1)), "float32"),
    ("reduce_euclidean_norm", tf.math.reduce_euclidean_norm, (A,), {"axis": 1}, np.sqrt((A * A).sum(1)), "float32"),
    ("count_nonzero", tf.math.count_nonzero, (I,), {"axis": 0}, (I != 0).sum(0), "int64"),
    ("argmax", tf.argmax, (A,), {}, A.argmax(0), "int64"),
    ("argmax axis int32", tf.math.argmax, (A,), {"axis": 1, "output_type": tf.int32}, A.argmax(1), "int32"),
    ("argmin", tf.math.argmin, (A,), {"axis": 1}, A.argmin(1), "int64"),
    ("cumsum", tf.math.cumsum, (A,), {"axis": 1}, A.cumsum(1), "float32"),
    ("cumsum exclusive reverse", tf.cumsum, (np.array([1, 2, 3], np.int32),), {"exclusive": True, "reverse": True},
     [5, 3, 0], "int32"),
    ("cumprod exclusive", tf.math.cumprod, (np.array([2.0, 3.0, 4.0], np.float32),), {"exclusive": True},
     [1, 2, 6], "float32"),
    ("top_k values", lambda x, k: tf.math.top_k(x, k).values, (A, 2), {}, -np.sort(-A, 1)[:, :2], "float32"),
    ("top_k indices", lambda x, k: tf.math.top_k(x, k=k)[1], (A, 2), {}, np.argsort(-A, 1, kind="stable")[:, :2], "int32"),
    ("in_top_k", tf.math.in_top_k, (np.array([2, 0], np.int32), A, 1), {}, [True, False], "bool"),
    ("l2_normalize", tf.math.l2_normalize, (A,), {"axis": 1}, A / np.sqrt((A * A).sum(1, keepdims=True)), "float32"),
    ("unsorted_segment_sum", tf.math.unsorted_segment_sum, (A, np.array([1, 1], np.int32), 3), {},
     np_segment_sum(A, [1, 1], 3), "float32"),
    ("segment_sum", tf.math.segment_sum, (I, np.array([0, 2], np.int32)), {}, np_segment_sum(I, [0, 2], 3), "int32"),
    ("segment_mean", tf.math.segment_mean, (A, np.array([0, 0], np.int32)), {}, A.mean(0, keepdims=True), "float32"),
    # top level: arrays
    ("one_hot", tf.one_hot, (np.array([0, 2, 5], np.int32), 3), {}, np.eye(3)[[0, 2]].tolist() + [[0, 0, 0]], "float32"),
    ("one_hot on/off int", tf.one_hot, (np.array([1], np.int32), 2), {"on_value": 5, "off_value": -1}, [[-1, 5]], "int32"),
    ("one_hot axis 0", tf.one_hot, (np.array([0, 1], np.int32), 3), {"axis": 0}, np.eye(3)[[0, 1]].T, "float32"),
    ("concat", tf.concat, ([A, B], 0), {}, np.concatenate([A, B], 0), "float32"),
    ("stack", tf.stack, ([A, B],), {"axis": 1}, np.stack([A, B], 1), "float32"),
    ("gather", tf.gather, (A, [1, 0, 1]), {}, A[[1, 0, 1]], "float32"),
    ("gather axis", tf.gather, (A, [2, 0]), {"axis": 1}, A[:, [2, 0]], "float32"),
    ("tile", tf.tile, (I, [2, 1]), {}, np.tile(I, [2, 1]), "int32"),
    ("pad", tf.pad, (I, [[1, 0], [0, 2]]), {}, np.pad(I, [[1, 0], [0, 2]]), "int32"),
    ("pad value", tf.pad, (A, [[0, 1], [1, 0]]), {"constant_values": 9}, np.pad(A, [[0, 1], [1, 0]], constant_values=9),
     "float32"),
    ("clip_by_value", tf.clip_by_value, (A, -1.0, 2.0), {}, np.clip(A, -1, 2), "float32"),
    ("cast", tf.cast, (A, tf.int32), {}, A.astype(np.int32), "int32"),
    ("squeeze", tf.squeeze, (A[None],), {}, A, "float32"),
    ("squeeze axis", tf.squeeze, (A[:, None],), {"axis": 1}, A, "float32"),
    ("expand_dims", tf.expand_dims, (A, 1), {}, A[:, None], "float32"),
    ("reshape", tf.reshape, (I, [3, -1]), {}, I.reshape(3, 2), "int32"),
    ("transpose", tf.transpose, (A,), {}, A.T, "float32"),
    ("reverse", tf.reverse, (A, [1]), {}, A[:, ::-1], "float32"),
    ("slice", tf.slice, (A, [0, 1], [2, -1]), {}, A[:, 1:], "float32"),
    ("broadcast_to", tf.broadcast_to, (np.array([1, 2, 3], np.int32), [2, 3]), {}, [[1, 2, 3]] * 2, "int32"),
    ("where 3-arg", tf.where, (BOOLS, A, B), {}, np.where(BOOLS, A, B), "float32"),
    ("where coordinates", tf.where, (BOOLS,), {}, np.argwhere(BOOLS), "int64"),
    ("boolean_mask", tf.boolean_mask, (A, [True, False]), {}, A[[True, False]], "float32"),
    ("sort", tf.sort, (A,), {}, np.sort(A, 1), "float32"),
    ("sort descending axis 0", tf.sort, (A,), {"axis": 0, "direction": "DESCENDING"}, -np.sort(-A, 0), "float32"),
    ("argsort", tf.argsort, (A,), {}, np.argsort(A, 1, kind="stable"), "int32"),
    ("norm", tf.norm, (A,), {}, np.linalg.norm(A), "float32"),
    ("norm axis ord 1", tf.norm, (A,), {"ord": 1, "axis": 1}, np.abs(A).sum(1), "float32"),
    ("einsum matmul", tf.einsum, ("ij,kj->ik", A, B), {}, A @ B.T, "float32"),
    ("einsum implicit", tf.einsum, ("ij,jk", A, B.T), {}, A @ B.T, "float32"),
    ("einsum batch", tf.einsum, ("bi,bi->b", A, B), {}, (A * B).sum(1), "float32"),
    ("einsum transpose", tf.einsum, ("ij->ji", A), {}, A.T, "float32"),
    ("logical_and top", tf.logical_and, (BOOLS, BOOLS), {}, BOOLS, "bool"),
    ("matmul transpose_b", tf.matmul, (A, B), {"transpose_b": True}, A @ B.T, "float32"),
    # tf.nn
    ("nn.relu", tf.nn.relu, (A,), {}, np.maximum(A, 0), "float32"),
    ("nn.relu int", tf.nn.relu, (I,), {}, np.maximum(I, 0), "int32"),
    ("nn.relu6", tf.nn.relu6, (A * 3,), {}, np.clip(A * 3, 0, 6), "float32"),
    ("nn.leaky_relu", tf.nn.leaky_relu, (A,), {}, np.where(A > 0, A, 0.2 * A), "float32"),
    ("nn.leaky_relu alpha", tf.nn.leaky_relu, (A,), {"alpha": 0.5}, np.where(A > 0, A, 0.5 * A), "float32"),
    ("nn.elu", tf.nn.elu, (A,), {}, np.where(A > 0, A, np.expm1(A)), "float32"),
    ("nn.selu", tf.nn.selu, (A,), {},
     1.0507009873554805 * np.where(A > 0, A, 1.6732632423543772 * np.expm1(A)), "float32"),
    ("nn.gelu", tf.nn.gelu, (A,), {}, 0.5 * A * (1 + erf(A / np.sqrt(2))), "float32"),
    ("nn.gelu approximate", tf.nn.gelu, (A,), {"approximate": True},
     0.5 * A * (1 + np.tanh(np.sqrt(2 / np.pi) * (A + 0.044715 * A ** 3))), "float32"),
    ("nn.silu", tf.nn.silu, (A,), {}, A / (1 + np.exp(-A)), "float32"),
    ("nn.swish", tf.nn.swish, (A,), {}, A / (1 + np.exp(-A)), "float32"),
    ("nn.softmax", tf.nn.softmax, (A,), {}, softmax(A), "float32"),
    ("nn.softmax axis 0", tf.nn.softmax, (A,), {"axis": 0}, softmax(A, 0), "float32"),
    ("nn.log_softmax", tf.nn.log_softmax, (A,), {}, log_softmax(A), "float32"),
    ("nn.sigmoid", tf.nn.sigmoid, (A,), {}, 1 / (1 + np.exp(-A)), "float32"),
    ("nn.tanh", tf.nn.tanh, (A,), {}, np.tanh(A), "float32"),
    ("nn.softplus", tf.nn.softplus, (A,), {}, np.log1p(np.exp(A)), "float32"),
    ("nn.bias_add", tf.nn.bias_add, (A, np.array([1, 2, 3], np.float32)), {}, A + [1, 2, 3], "float32"),
    ("nn.l2_loss", tf.nn.l2_loss, (A,), {}, (A * A).sum() / 2, "float32"),
    ("nn.moments mean", lambda x: tf.nn.moments(x, [0])[0], (A,), {}, A.mean(0), "float32"),
    ("nn.moments variance", lambda x: tf.nn.moments(x, axes=[0, 1])[1], (A,), {}, A.var(), "float32"),
    ("nn.embedding_lookup", tf.nn.embedding_lookup, (A, [1, 1, 0]), {}, A[[1, 1, 0]], "float32"),
    ("nn.batch_normalization", tf.nn.batch_normalization,
     (A, np.float32(0.5), np.float32(2.0), np.float32(1.0), np.float32(3.0), 1e-3), {},
     (A - 0.5) / np.sqrt(2.001) * 3 + 1, "float32"),
    ("nn.sigmoid_cross_entropy_with_logits", tf.nn.sigmoid_cross_entropy_with_logits, (), {
        "labels": (BOOLS * 1).astype(np.float32), "logits": A},
     np.maximum(A, 0) - A * BOOLS + np.log1p(np.exp(-np.abs(A))), "float32"),
    ("nn.softmax_cross_entropy_with_logits", tf.nn.softmax_cross_entropy_with_logits, (softmax(B), A), {},
     -(softmax(B) * log_softmax(A)).sum(-1), "float32"),
    ("nn.sparse_softmax_cross_entropy_with_logits", tf.nn.sparse_softmax_cross_entropy_with_logits,
     (np.array([2, 0], np.int32), A), {}, -log_softmax(A)[[0, 1], [2, 0]], "float32"),
    ("nn.weighted_cross_entropy_with_logits", tf.nn.weighted_cross_entropy_with_logits,
     ((BOOLS * 1).astype(np.float32), A, 2.0), {},
     (1 - BOOLS) * A + (1 + BOOLS) * np.log1p(np.exp(-A)), "float32"),
    ("nn.conv2d", tf.nn.conv2d, (np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1), np.ones((2, 2, 1, 1), np.float32),
                                 [1, 2, 2, 1], "VALID"), {},
     np.array([[10, 18], [42, 50]], np.float32).reshape(1, 2, 2, 1), "float32"),
    ("nn.conv1d", tf.nn.conv1d, (np.arange(5, dtype=np.float32).reshape(1, 5, 1), np.ones((2, 1, 1), np.float32), 1,
                                 "VALID"), {}, np.array([1, 3, 5, 7], np.float32).reshape(1, 4, 1), "float32"),
    ("nn.max_pool2d", tf.nn.max_pool2d, (np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1), 2, 2, "VALID"), {},
     np.array([[5, 7], [13, 15]], np.float32).reshape(1, 2, 2, 1), "float32"),
    ("nn.avg_pool2d", tf.nn.avg_pool2d, (np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1), [2, 2], [2, 2], "VALID"),
     {}, np.array([[2.5, 4.5], [10.5, 12.5]], np.float32).reshape(1, 2, 2, 1), "float32"),
    # tf.linalg
    ("linalg.matmul", tf.linalg.matmul, (M, M), {"transpose_a": True}, M.T @ M, "float64"),
    ("linalg.matvec", tf.linalg.matvec, (M, M[0]), {}, M @ M[0], "float64"),
    ("linalg.inv", tf.linalg.inv, (M,), {}, np.linalg.inv(M), "float64"),
    ("linalg.inv batch float32", tf.linalg.inv, (np.stack([M, M + np.eye(3)]).astype(np.float32),), {},
     np.linalg.inv(np.stack([M, M + np.eye(3)])), "float32"),
    ("linalg.det", tf.linalg.det, (M,), {}, np.linalg.det(M), "float64"),
    ("linalg.cholesky", tf.linalg.cholesky, (M @ M.T,), {}, np.linalg.cholesky(M @ M.T), "float64"),
    ("linalg.det batch", tf.linalg.det, (np.stack([M, 2 * M]),), {}, np.linalg.det(np.stack([M, 2 * M])), "float64"),
    ("linalg.slogdet log", lambda m: tf.linalg.slogdet(m)[1], (M,), {}, np.linalg.slogdet(M)[1], "float64"),
    ("linalg.solve", tf.linalg.solve, (M, M[:, :2]), {}, np.linalg.solve(M, M[:, :2]), "float64"),
    ("linalg.trace", tf.linalg.trace, (M,), {}, np.trace(M), "float64"),
    ("linalg.diag", tf.linalg.diag, (A,), {}, np.stack([np.diag(r) for r in A]), "float32"),
    ("linalg.diag_part", tf.linalg.diag_part, (M,), {}, np.diag(M), "float64"),
    ("linalg.diag_part wide", tf.linalg.diag_part, (A,), {}, np.diag(A), "float32"),
    ("linalg.band_part lower", tf.linalg.band_part, (M, -1, 0), {}, np.tril(M), "float64"),
    ("linalg.band_part band", tf.linalg.band_part, (M, 1, 1), {}, band(M, 1, 1), "float64"),
    ("linalg.matrix_transpose", tf.linalg.matrix_transpose, (A,), {}, A.T, "float32"),
    ("linalg.eye", tf.linalg.eye, (2,), {"batch_shape": [3]}, np.broadcast_to(np.eye(2), (3, 2, 2)), "float32"),
    ("linalg.norm", tf.linalg.norm, (A,), {"axis": -1}, np.linalg.norm(A, axis=-1), "float32"),
]


@pytest.mark.parametrize("label,fn,args,kwargs,expected,dtype", CASES, ids=[c[0] for c in CASES])
def test_namespace_function_matches_numpy(label, fn, args, kwargs, expected, dtype):
    out = fn(*args, **kwargs)
    expected = np.asarray(expected)
    assert out.dtype.name == dtype, f"{label}: dtype {out.dtype.name}, TF gives {dtype}"
    assert tuple(out.shape) == expected.shape, f"{label}: shape {tuple(out.shape)} != {expected.shape}"
    got = np.asarray(out)
    if dtype == "bool" or dtype.startswith("int"):
        np.testing.assert_array_equal(got, expected.astype(got.dtype))
    else:
        tol = 1e-12 if dtype == "float64" and "inv" not in label and "solve" not in label else 2e-5
        np.testing.assert_allclose(got, expected, rtol=tol if dtype == "float64" else 2e-5, atol=1e-5)


def test_split_and_unstack():
    x = np.arange(12, dtype=np.int32).reshape(2, 6)
    parts = tf.split(x, 3, axis=1)
    assert [p.dtype.name for p in parts] == ["int32"] * 3
    for got, want in zip(parts, np.split(x, 3, axis=1)):
        np.testing.assert_array_equal(np.asarray(got), want)
    sized = tf.split(x, [1, -1, 2], axis=1)
    assert [tuple(p.shape) for p in sized] == [(2, 1), (2, 3), (2, 2)]
    np.testing.assert_array_equal(np.asarray(sized[1]), x[:, 1:4])
    rows = tf.unstack(x)
    assert len(rows) == 2 and tuple(rows[0].shape) == (6,)
    np.testing.assert_array_equal(np.asarray(tf.unstack(x, axis=1)[5]), x[:, 5])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.split(x, 4, axis=1)


def test_clip_by_global_norm_and_norm():
    a, b = np.array([3.0, 4.0], np.float32), np.array([[12.0]], np.float32)
    clipped, norm = tf.clip_by_global_norm([a, None, b], 6.5)
    assert float(norm) == pytest.approx(13.0)
    assert clipped[1] is None
    np.testing.assert_allclose(np.asarray(clipped[0]), a / 2, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(clipped[2]), b / 2, rtol=1e-6)
    same, _ = tf.clip_by_global_norm([a], 100.0)
    np.testing.assert_allclose(np.asarray(same[0]), a)
    np.testing.assert_allclose(np.asarray(tf.clip_by_norm(a, 1.0)), a / 5, rtol=1e-6)


def test_errors_follow_tensorflow():
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert issubclass(tf.errors.InvalidArgumentError, ValueError)
    with pytest.raises(tf.errors.InvalidArgumentError, match="sqrt"):
        tf.math.sqrt(np.array([4], np.int32))        # TF has float kernels only
    with pytest.raises(tf.errors.InvalidArgumentError, match="reshape"):
        tf.reshape([1, 2, 3], [2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.gather([1, 2], [5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.top_k([1.0, 2.0], k=3)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.nn.softmax(np.array([1, 2], np.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition"):
        tf.debugging.assert_less([1, 5], [2, 3])


def _numeric_grad(f, x, h=1e-6):
    x = np.array(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (float(f(xp)) - float(f(xm))) / (2 * h)
    return g


WEIGHTS = np.array([[0.7, -1.3, 0.4], [1.1, 0.2, -0.6], [0.5, 0.9, -1.0]])

GRAD_CASES = [
    ("sort", lambda x: tf.sort(x, axis=1), np.array([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]])),
    ("top_k", lambda x: tf.math.top_k(x, 2).values, np.array([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]])),
    ("erf", tf.math.erf, np.array([[0.3, -1.2, 0.8]])),
    ("gelu", tf.nn.gelu, np.array([[0.3, -1.2, 0.8]])),
    ("linalg.inv", tf.linalg.inv, M),
    ("linalg.det", lambda x: tf.expand_dims(tf.linalg.det(x), 0), M),
    ("linalg.solve", lambda x: tf.linalg.solve(x, M[:, :1]), M),
    ("linalg.cholesky", lambda x: tf.linalg.cholesky(tf.matmul(x, x, transpose_b=True)), M),
    ("unsorted_segment_sum", lambda x: tf.math.unsorted_segment_sum(x, np.array([1, 0], np.int32), 2),
     np.array([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]])),
    ("einsum", lambda x: tf.einsum("ij,jk->ik", x, x[:, :2] if False else np.ones((3, 2))),
     np.array([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]])),
]


@pytest.mark.parametrize("label,fn,x0", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_central_differences(label, fn, x0):
    def loss(x):
        y = fn(tf.constant(x))
        w = WEIGHTS.reshape(-1)[: int(np.prod(y.shape))].reshape(tuple(y.shape))
        return tf.reduce_sum(y * tf.constant(w, dtype=y.dtype))

    x = tf.Variable(np.array(x0, np.float64))
    with tf.GradientTape() as tape:
        value = loss(x)
    grad = np.asarray(tape.gradient(value, x))
    np.testing.assert_allclose(grad, _numeric_grad(loss, x0), rtol=1e-5, atol=1e-7)


def test_config_devices_and_device_scope():
    cpus = tf.config.list_physical_devices("CPU")
    assert len(cpus) == 1 and cpus[0].device_type == "CPU" and cpus[0].name == "/physical_device:CPU:0"
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_physical_devices() == cpus
    assert tf.config.list_logical_devices("CPU")[0].name == "/device:CPU:0"
    assert tf.config.experimental.list_physical_devices("GPU") == []
    with tf.device("/CPU:0"):
        assert float(tf.reduce_sum([1.0, 2.0])) == 3.0
    with tf.device("/job:localhost/replica:0/task:0/device:CPU:0"):
        pass
    with pytest.raises(RuntimeError, match="no GPU"):
        with tf.device("/GPU:0"):
            pass
    # the threading setters are the core's (config/threading.py), reached through the same package
    assert tf.config.threading.get_intra_op_parallelism_threads() >= 0


def test_nest_basics():
    s = {"b": [1, (2, 3)], "a": 4}
    assert tf.nest.flatten(s) == [4, 1, 2, 3]
    assert tf.nest.pack_sequence_as(s, [40, 10, 20, 30]) == {"b": [10, (20, 30)], "a": 40}
    assert tf.nest.map_structure(lambda x, y: x + y, (1, [2]), (10, [20])) == (11, [22])
    assert tf.nest.flatten(None) == [None]
    with pytest.raises(ValueError):
        tf.nest.assert_same_structure([1, 2], [1])
    with pytest.raises(ValueError):
        tf.nest.pack_sequence_as([1, 2], [1])


def test_tensor_spec():
    spec = tf.TensorSpec([None, 3], tf.float32, name="x")
    assert spec.is_compatible_with(tf.zeros([5, 3]))
    assert not spec.is_compatible_with(tf.zeros([5, 4]))
    assert not spec.is_compatible_with(tf.zeros([5, 3], tf.int32))
    assert tf.TensorSpec.from_tensor(tf.zeros([2])) == tf.TensorSpec([2], tf.float32)
    assert repr(spec) == "TensorSpec(shape=(None, 3), dtype=tf.float32, name='x')"


def test_print_formats_as_tensorflow():
    buf = io.StringIO()
    tf.print(tf.constant([[1, 2], [3, 4]]), "and", tf.constant(2.5), output_stream=buf)
    assert buf.getvalue() == "[[1 2]\n [3 4]] and 2.5\n"
    buf = io.StringIO()
    tf.print(tf.range(10), output_stream=buf)
    assert buf.getvalue() == "[0 1 2 ... 7 8 9]\n"


def test_debugging_asserts():
    tf.debugging.assert_equal([1, 2], [1, 2])
    tf.debugging.assert_near([1.0, 2.0], [1.0, 2.0 + 1e-7])
    tf.debugging.assert_positive([1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.assert_positive([1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.check_numerics(tf.constant([1.0, float("nan")]), "bad")
    with pytest.raises(ValueError):
        tf.debugging.assert_rank(tf.zeros([2, 2]), 3)


def test_random_namespace():
    a = tf.random.stateless_uniform([4], seed=[1, 2])
    assert a.dtype.name == "float32" and tuple(a.shape) == (4,)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(tf.random.stateless_uniform([4], seed=[1, 2])))
    assert not np.array_equal(np.asarray(a), np.asarray(tf.random.stateless_uniform([4], seed=[1, 3])))
    n = tf.random.stateless_normal([2, 3], seed=(7, 7), dtype=tf.float64)
    assert n.dtype.name == "float64" and tuple(n.shape) == (2, 3)
    c = tf.random.categorical(np.log([[0.0001, 0.9999], [0.9999, 0.0001]]), 50, seed=3)
    assert c.dtype.name == "int64" and tuple(c.shape) == (2, 50)
    assert np.asarray(c)[0].mean() > 0.9 and np.asarray(c)[1].mean() < 0.1
    s = tf.random.shuffle(tf.range(10), seed=5)
    assert sorted(np.asarray(s).tolist()) == list(range(10))
    g1, g2 = tf.random.Generator.from_seed(11), tf.random.Generator.from_seed(11)
    np.testing.assert_array_equal(np.asarray(g1.normal([3])), np.asarray(g2.normal([3])))
    assert not np.array_equal(np.asarray(g1.normal([3])), np.asarray(g1.normal([3])))
    with pytest.raises(ValueError):
        tf.random.uniform([2], dtype=tf.int32)     # TF: integer dtypes need maxval


def test_module_and_checkpoint_round_trip(tmp_path):
    class Net(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable([[1.0, 2.0]], name="w")
            self.layers = [tf.Variable(3, name="k")]

    net, step = Net(), tf.Variable(5, dtype=tf.int64)
    assert net.name == "net" and len(net.trainable_variables) == 2
    ckpt = tf.train.Checkpoint(net=net, step=step)
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path.endswith("ckpt-1") and tf.train.latest_checkpoint(str(tmp_path)) == path
    net.w.assign([[9.0, 9.0]])
    net.layers[0].assign(0)
    step.assign(0)
    ckpt.restore(path).assert_consumed()
    np.testing.assert_array_equal(np.asarray(net.w), [[1.0, 2.0]])
    assert int(net.layers[0]) == 3 and int(step) == 5 and int(ckpt.save_counter) == 1
    other = tf.train.Checkpoint(net=Net(), extra=tf.Variable(1.0))
    with pytest.raises(tf.errors.NotFoundError, match="extra"):
        other.restore(path)
    # an optimizer's state is saved (tests/test_checkpoint_optimizer.py), a LossScaleOptimizer's too
    # since session 6 (refused before; tests/test_checkpoint_loss_scale.py continues one exactly)
    lso_path = tf.train.Checkpoint(optimizer=tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.Adam())).write(
        str(tmp_path / "lso"))
    lso = tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.Adam(), initial_scale=8.0)
    tf.train.Checkpoint(optimizer=lso).read(lso_path)
    assert lso.loss_scale == 2.0 ** 15 and int(lso.iterations) == 0


def test_checkpoint_of_a_keras_model(tmp_path):
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    before = [np.asarray(w).copy() for w in model.get_weights()]
    ckpt = tf.train.Checkpoint(model=model)
    path = ckpt.write(str(tmp_path / "m"))
    model.set_weights([np.zeros_like(w) for w in before])
    tf.train.Checkpoint(model=model).read(path)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(np.asarray(got), want)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / "managed"), max_to_keep=2)
    paths = [manager.save() for _ in range(3)]
    assert manager.checkpoints == paths[1:] and not os.path.exists(paths[0])
