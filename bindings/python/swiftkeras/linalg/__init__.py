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


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """tf.linalg.set_diag: each matrix with its main diagonal replaced by `diagonal` (k = 0)."""
    if k != 0:
        raise NotImplementedError("set_diag: k != 0 is not supported")
    return _run(_native.set_diag, input, diagonal)


def cholesky_solve(chol, rhs, name=None):
    """tf.linalg.cholesky_solve: X with A·X = rhs for A = chol·cholᵀ (two triangular solves, as TF)."""
    y = triangular_solve(chol, rhs, adjoint=False, lower=True)
    return triangular_solve(chol, y, adjoint=True, lower=True)


_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}


def pinv(a, rcond=None, validate_args=False, name=None):
    """tf.linalg.pinv: the Moore-Penrose pseudo-inverse from the SVD, singular values at or below
    rcond · max(s) dropped (rcond default 10 · max(rows, cols) · eps of a's dtype), as TF."""
    a = _t(a)
    if a.dtype.name not in _EPS or a.ndim < 2:
        raise _errors.InvalidArgumentError(None, None, f"pinv: a must be a float matrix (batch), got {a.dtype.name} of shape {tuple(a.shape)}")
    if rcond is None:
        rcond = 10.0 * max(a.shape[-2], a.shape[-1]) * _EPS[a.dtype.name]
    s, u, v = svd(a, full_matrices=False, compute_uv=True)
    cutoff = _native.multiply(_native.convert(rcond, a.dtype), _native.max(s, [-1], False))
    s = _native.where(_native.greater(s, _native.expand_dims(cutoff, -1)), s,
                      _native.convert(float("inf"), a.dtype))
    return matmul(_native.divide(v, _native.expand_dims(s, -2)), u, adjoint_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """tf.linalg.matrix_rank: the number of singular values above tol (default eps · max(rows,
    cols) · max(s)), as TF."""
    a = _t(a)
    if a.dtype.name not in _EPS or a.ndim < 2:
        raise _errors.InvalidArgumentError(None, None, f"matrix_rank: a must be a float matrix (batch), got {a.dtype.name} of shape {tuple(a.shape)}")
    s = svd(a, compute_uv=False)
    if tol is None:
        tol = _native.multiply(_native.convert(_EPS[a.dtype.name] * max(a.shape[-2:]), a.dtype), _native.max(s, [-1], True))
    else:
        tol = _native.convert(tol, a.dtype)
    return _native.sum(_native.cast(_native.greater(s, tol), _native.int32), [-1], False)


_PADE = {3: [120.0, 60.0, 12.0], 5: [30240.0, 15120.0, 3360.0, 420.0, 30.0],
         7: [17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0],
         9: [17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0, 90.0],
         13: [64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
              129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
              40840800.0, 960960.0, 16380.0, 182.0]}


def _pade(m, order):
    """TF's (U, V) of the Padé approximant of the given order (linalg_impl._matrix_exp_padeN)."""
    b = [_native.convert(x, m.dtype) for x in _PADE[order]]
    ident = _native.broadcast_to(_native.cast(_native.eye(m.shape[-1], None, _native.float32), m.dtype), list(m.shape))
    mul, add = _native.multiply, _native.add
    m2 = _native.matmul(m, m)
    if order == 13:
        m4 = _native.matmul(m2, m2)
        m6 = _native.matmul(m4, m2)
        tu = add(add(add(add(_native.matmul(m6, add(add(m6, mul(b[11], m4)), mul(b[9], m2))), mul(b[7], m6)),
                         mul(b[5], m4)), mul(b[3], m2)), mul(b[1], ident))
        tv = add(add(mul(b[12], m6), mul(b[10], m4)), mul(b[8], m2))
        v = add(add(add(add(_native.matmul(m6, tv), mul(b[6], m6)), mul(b[4], m4)), mul(b[2], m2)), mul(b[0], ident))
        return _native.matmul(m, tu), v
    powers = [ident, m2]
    while len(powers) < (order + 1) // 2:
        powers.append(_native.matmul(powers[-1], m2))
    # U = m · (m^(order-1) + Σ b[odd] m^2j), V = Σ b[even] m^2j
    tmp = powers[-1]
    for j in range(len(powers) - 2, -1, -1):
        tmp = add(tmp, mul(b[2 * j + 1], powers[j]))
    v = mul(b[order - 1], powers[-1])
    for j in range(len(powers) - 2, -1, -1):
        v = add(v, mul(b[2 * j], powers[j]))
    return _native.matmul(m, tmp), v


def expm(input, name=None):  # noqa: A002
    """tf.linalg.expm: the matrix exponential by scaling and squaring with Padé approximants of
    order 3, 5, 7 (float32: 7 scaled) or 3 to 13 (float64: 13 scaled), chosen by the 1-norm,
    as TF's matrix_exponential."""
    x = _t(input)
    if x.dtype.name not in ("float16", "float32", "float64") or x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"expm: input must be a float batch of square matrices, got {x.dtype.name} of shape {tuple(x.shape)}")
    if x.shape[-1] == 0:
        return x
    batch = list(x.shape[:-2])
    m = _native.reshape(x, [-1] + list(x.shape[-2:]))
    l1 = _native.max(_native.sum(_native.abs(m), [1], False), [-1], True)   # (b, 1)
    l1 = _native.expand_dims(l1, -1)                                          # (b, 1, 1)
    double = x.dtype.name == "float64"
    maxnorm = 5.371920351148152 if double else 3.925724783138660
    sq = _native.maximum_scalar(_native.floor(_native.divide(
        _native.log(_native.divide(l1, _native.convert(maxnorm, l1.dtype))), _native.convert(0.6931471805599453, l1.dtype))), 0.0)
    scaled = _native.divide(m, _native.pow(_native.convert(2.0, m.dtype), sq))
    if double:
        parts = [_pade(m, 3), _pade(m, 5), _pade(m, 7), _pade(m, 9), _pade(scaled, 13)]
        conds = (1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001, 2.097847961257068e+000)
    else:
        parts = [_pade(m, 3), _pade(m, 5), _pade(scaled, 7)]
        conds = (4.258730016922831e-001, 1.880152677804762e+000)
    u, v = parts[-1]
    for (pu, pv), c in zip(reversed(parts[:-1]), reversed(conds)):
        below = _native.less(l1, _native.convert(c, l1.dtype))
        u, v = _native.where(below, pu, u), _native.where(below, pv, v)
    worst = float(_native.max(l1, None, False))
    if worst != worst or worst == float("inf"):   # TF: NaN matrices when a norm is not finite
        result = _native.add(_native.zeros_like(m), _native.convert(float("nan"), m.dtype))
    else:
        result = solve(_native.add(_native.negative(u), v), _native.add(u, v))
        for i in range(int(_native.max(sq, None, False))):
            result = _native.where(_native.less(_native.convert(float(i), sq.dtype), sq), _native.matmul(result, result), result)
    return _native.reshape(result, batch + list(x.shape[-2:]))


from .. import eye  # noqa: E402  (tf.linalg.eye is tf.eye, defined before this module loads)
from .decompositions import Qr, qr, svd, eigh, eigvalsh, lstsq  # noqa: E402,F401
from .._array_ops import tensordot  # noqa: E402,F401


__all__ = list(_generated_all) + [
    "matrix_transpose", "adjoint", "matmul", "matvec", "inv", "solve", "logdet", "slogdet", "trace",
    "diag_part", "diag", "band_part", "norm", "l2_normalize", "eye", "qr", "svd", "eigh", "eigvalsh", "lstsq",
    "set_diag", "cholesky_solve", "pinv", "expm", "tensordot", "matrix_rank"]
