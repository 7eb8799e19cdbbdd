"""``tf.linalg.qr``, ``svd``, ``eigh``, ``eigvalsh`` (the core's decompositions,
``sk_linalg_qr`` / ``sk_linalg_svd`` / ``sk_linalg_eigh``, differentiable with TF's gradients) and
``lstsq`` (TF's ``fast=True`` composition: Cholesky of the regularized Gram matrix; ``fast=False``:
the core's minimum-norm solution)."""
import collections

from .. import _native
from .._tf_generated import _float_only, _run

Qr = collections.namedtuple("Qr", ["q", "r"])
Qr.__doc__ = "The result of tf.linalg.qr: q and r (a namedtuple, as TensorFlow's)."


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """tf.linalg.qr: Q with orthonormal columns and upper-triangular R with Q·R = input, for each
    matrix in the last two axes; returns the namedtuple ``Qr(q, r)``."""
    q, r = _float_only("qr", input, _native.linalg_qr, input, bool(full_matrices))
    return Qr(q, r)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """tf.linalg.svd: ``(s, u, v)`` with tensor = u·diag(s)·vᵀ and s descending; ``s`` alone
    when ``compute_uv`` is False."""
    out = _float_only("svd", tensor, _native.linalg_svd, tensor, bool(full_matrices), bool(compute_uv))
    return out if compute_uv else out[0]


def eigh(tensor, name=None):
    """tf.linalg.eigh: ``(e, v)``, eigenvalues ascending and eigenvectors in v's columns, of
    each self-adjoint matrix (only its lower triangle is read)."""
    return _float_only("eigh", tensor, _native.linalg_eigh, tensor)


def eigvalsh(tensor, name=None):
    """tf.linalg.eigvalsh: the eigenvalues of each self-adjoint matrix, ascending (the gradient
    is TF's: v·diag(ḡ)·vᵀ onto the lower triangle)."""
    return eigh(tensor)[0]


def _transpose(x):
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return _native.transpose(x, perm)


def _cholesky_solve(gramian, rhs):
    """gramian⁻¹·rhs through the Cholesky factor L of gramian: L⁻ᵀ·(L⁻¹·rhs)."""
    l_inv = _run(_native.matrix_inverse, _run(_native.cholesky, gramian))
    return _native.matmul(_transpose(l_inv), _native.matmul(l_inv, rhs))


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """tf.linalg.lstsq: the least-squares solution X of matrix·X ≈ rhs with an L2 penalty
    ``l2_regularizer``·|X|², by TF's fast path (``fast=True``): the Cholesky factor of
    AᵀA + λI (rows ≥ columns) or AAᵀ + λI (fewer rows). InvalidArgumentError when that
    matrix is not positive definite (rank-deficient A without regularization), as in TF.
    ``fast=False``: the core's minimum-norm solution (TF's complete orthogonal decomposition;
    ``l2_regularizer`` must be >= 0 and is ignored, as TF documents; no gradient, as TF)."""
    a, b = _native.convert(matrix), _native.convert(rhs)
    if not fast:   # TF's kernel converts a non-tensor rhs to matrix's dtype
        b = b if isinstance(rhs, _native.Tensor) else _native.convert(rhs, a.dtype)
        return _run(_native.lstsq_minimum_norm, a, b, float(l2_regularizer))
    for arg, t in (("matrix", a), ("rhs", b)):
        if t.ndim < 2:
            raise ValueError(f"lstsq: {arg} must have rank >= 2, got shape {tuple(t.shape)}")
    m, n = a.shape[-2], a.shape[-1]
    if b.shape[-2] != m:
        raise ValueError(f"lstsq: matrix has {m} rows but rhs has {b.shape[-2]}")
    at = _transpose(a)
    rows = m >= n
    gramian = _float_only("lstsq", a, _native.matmul, at, a) if rows else _float_only("lstsq", a, _native.matmul, a, at)
    lam = float(l2_regularizer)
    if lam != 0.0:
        k = n if rows else m
        gramian = _native.add(gramian, _native.multiply(_native.cast(_native.eye(k, k, _native.float32), a.dtype),
                                                        _native.weak_scalar(gramian, lam)))
    if rows:
        return _cholesky_solve(gramian, _native.matmul(at, b))
    return _native.matmul(at, _cholesky_solve(gramian, b))


__all__ = ["Qr", "qr", "svd", "eigh", "eigvalsh", "lstsq"]
