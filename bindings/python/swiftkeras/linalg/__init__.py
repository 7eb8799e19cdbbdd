"""``tf.linalg``: ``det`` is generated from the op table (``_generated.py``); the functions
below call the core's ops (``matrix_inverse``, ``matmul``, ...) under TF's signatures, composed as
TF composes them. Every one is differentiable where TF's is (the core's pullbacks)."""
from .. import _native, errors as _errors
from .._tf_generated import _b, _run
from ._generated import *  # noqa: F401,F403
from ._generated import __all__ as _generated_all


def _t(x):
    return _native.convert(x)


def _swap_last(x):
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return perm


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """tf.linalg.matrix_transpose: the last two axes swapped."""
    a = _t(a)
    if a.ndim < 2:
        raise ValueError(f"matrix_transpose: input must have rank >= 2, got shape {tuple(a.shape)}")
    return _native.transpose(a, _swap_last(a))


adjoint = matrix_transpose


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """tf.linalg.matmul / tf.matmul: a·b with TF's batching; transpose_*/adjoint_* transpose
    the last two axes first (real tensors: adjoint = transpose)."""
    if output_type is not None:
        raise NotImplementedError("matmul: output_type is not supported")
    a, b = _t(a), _t(b)
    if transpose_a or adjoint_a:
        a = matrix_transpose(a)
    if transpose_b or adjoint_b:
        b = matrix_transpose(b)
    if a.dtype != b.dtype:
        raise _errors.InvalidArgumentError(None, None, f"matmul: a is {a.dtype.name} but b is {b.dtype.name}")
    return _run(_native.matmul, a, b)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.linalg.matvec: a·b for a vector (batch) b."""
    out = matmul(a, _native.expand_dims(_t(b), -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return _native.squeeze(out, [-1])


def inv(input, adjoint=False, name=None):  # noqa: A002
    """tf.linalg.inv: the inverse of each square matrix (InvalidArgumentError when singular)."""
    x = _t(input)
    if adjoint:
        x = matrix_transpose(x)
    return _run(_native.matrix_inverse, x)


def solve(matrix, rhs, adjoint=False, name=None):
    """tf.linalg.solve: x with matrix·x = rhs (through the core's inverse)."""
    return matmul(inv(matrix, adjoint=adjoint), rhs)


def logdet(matrix, name=None):
    """tf.linalg.logdet: log(det(matrix)) (for positive-definite matrices)."""
    return _native.log(_run(_native.matrix_determinant, matrix))


def slogdet(input, name=None):  # noqa: A002
    """tf.linalg.slogdet: (sign(det), log|det|)."""
    d = _run(_native.matrix_determinant, input)
    return _native.sign(d), _native.log(_native.abs(d))


def trace(x, name=None):
    """tf.linalg.trace: the sum of each matrix's diagonal."""
    return _native.sum(diag_part(x), [-1], False)


def _eye_like(x, rows, cols):
    """A (rows, cols) 0/1 mask in x's dtype."""
    return _native.cast(_native.eye(rows, cols, _native.float32), x.dtype)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """tf.linalg.diag_part: the main diagonal of each matrix (k = 0 only)."""
    if k != 0:
        raise NotImplementedError("diag_part: k != 0 is not supported")
    x = _t(input)
    rows, cols = x.shape[-2], x.shape[-1]
    n = min(rows, cols)
    masked = _native.multiply(x, _eye_like(x, rows, cols))
    summed = _native.sum(masked, [-1], False)   # row i keeps x[i, i] (rows past n are 0)
    return _native.slice(summed, [0] * summed.ndim, [-1] * (summed.ndim - 1) + [n])


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """tf.linalg.diag: square matrices with `diagonal` (its last axis) on the main diagonal."""
    if k != 0 or num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise NotImplementedError("diag: only k=0 with the default num_rows/num_cols/padding_value is supported")
    d = _t(diagonal)
    n = d.shape[-1]
    return _native.multiply(_native.expand_dims(d, -1), _eye_like(d, n, n))


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """tf.linalg.band_part: keeps the band with num_lower subdiagonals and num_upper
    superdiagonals (negative = all), zeroing the rest."""
    x = _t(input)
    rows, cols = x.shape[-2], x.shape[-1]
    i = _native.expand_dims(_native.arange(0, rows, 1, _native.int32), -1)
    j = _native.expand_dims(_native.arange(0, cols, 1, _native.int32), 0)
    diff = _native.subtract(i, j)   # i - j
    keep = _native.ones_like(diff, _native.bool)
    if int(num_lower) >= 0:
        keep = _native.logical_and(keep, _native.less_equal(diff, _native.weak_scalar(diff, int(num_lower))))
    if int(num_upper) >= 0:
        keep = _native.logical_and(keep, _native.less_equal(_native.negative(diff),
                                                            _native.weak_scalar(diff, int(num_upper))))
    return _native.multiply(x, _native.cast(keep, x.dtype))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """tf.norm / tf.linalg.norm: the Euclidean (Frobenius) norm, 1- or inf-norm of a vector
    over `axis` (None = all elements)."""
    x = _t(tensor)
    ax = _b()._axes(axis)
    keep = bool(keepdims)
    if ord in ("euclidean", "fro", 2, 2.0) and (ord != 2 or ax is None or len(ax) == 1):
        return _native.sqrt(_native.sum(_native.square(x), ax, keep))
    if ord in (1, 1.0) and (ax is None or len(ax) == 1):
        return _native.sum(_native.abs(x), ax, keep)
    if ord == float("inf") and (ax is None or len(ax) == 1):
        return _native.max(_native.abs(x), ax, keep)
    raise NotImplementedError(f"norm: ord={ord!r} with axis={axis!r} is not supported")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """tf.linalg.l2_normalize (= tf.math.l2_normalize)."""
    from ..math import l2_normalize as _l2
    return _l2(x, axis, epsilon, name, dim)


from .. import eye  # noqa: E402  (tf.linalg.eye is tf.eye, defined before this module loads)
from .decompositions import Qr, qr, svd, eigh, eigvalsh, lstsq  # noqa: E402,F401


__all__ = list(_generated_all) + [
    "matrix_transpose", "adjoint", "matmul", "matvec", "inv", "solve", "logdet", "slogdet", "trace",
    "diag_part", "diag", "band_part", "norm", "l2_normalize", "eye", "qr", "svd", "eigh", "eigvalsh", "lstsq"]
