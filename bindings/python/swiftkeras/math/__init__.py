"""``tf.math``: the functions that are one core op are generated from the op table
(``_generated.py``, see tools/ops_table.py ``tf=``); the ones below are TensorFlow's own
compositions of those ops (as ``tf.math`` writes them in Python), with TF's signatures."""
from .. import _native
from .._tf_generated import _b, _run
from ._generated import *  # noqa: F401,F403
from ._generated import __all__ as _generated_all
from .. import errors as _errors
from .._array_ops import top_k  # noqa: F401  (tf.math.top_k: argsort + take_along_axis)

_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _t(x):
    return _native.convert(x)


def divide(x, y, name=None):
    """tf.math.divide / tf.math.truediv: x / y; int8/int16/uint8 give float32 and int32/int64 give
    float64, as TF's truediv; two integer operands must have the same dtype."""
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        x, y = _t(x), _t(y)     # two Python numbers: TF converts both (int32 / float32) first
    x, y = _b()._t(x) if not isinstance(x, (int, float)) else x, _b()._t(y) if not isinstance(y, (int, float)) else y
    names = [v.dtype.name for v in (x, y) if not isinstance(v, (int, float))]
    if names and all(n not in _FLOATS for n in names):
        if len(set(names)) > 1:
            raise _errors.InvalidArgumentError(None, None, f"truediv: x and y must have the same dtype, got {names}")
        target = _native.float64 if names[0] in ("int32", "int64") else _native.float32
        x = _native.cast(x, target) if not isinstance(x, (int, float)) else float(x)
        y = _native.cast(y, target) if not isinstance(y, (int, float)) else float(y)
    return _run(_b()._binary, _native.divide, _native.divide_scalar, x, y)


truediv = divide


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_mean: the mean over `axis`; integer inputs give a truncated integer mean."""
    x = _t(input_tensor)
    if x.dtype.name == "bool":
        raise _errors.InvalidArgumentError(None, None, "reduce_mean: no kernel for dtype bool")
    return _run(_b().mean, x, axis, keepdims)


def _cumulative(op, x, axis, exclusive, reverse):
    x = _t(x)
    axis = int(axis)
    if reverse:
        x = _native.reverse(x, [axis])
    out = _run(op, x, axis)
    if exclusive:
        n = x.shape[axis % x.ndim] if x.ndim else 0
        ident = _native.zeros_like(_native.slice(x, [0] * x.ndim, [-1 if i != axis % x.ndim else 1
                                                                    for i in range(x.ndim)]))
        if op is _native.cumprod:
            ident = _native.ones_like(ident)
        body = _native.slice(out, [0] * x.ndim, [-1 if i != axis % x.ndim else n - 1 for i in range(x.ndim)])
        out = _native.concatenate([ident, body], axis)
    if reverse:
        out = _native.reverse(out, [axis])
    return out


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.math.cumsum: cumulative sum along `axis` (exclusive: starting from 0; reverse: from the end)."""
    return _cumulative(_native.cumsum, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.math.cumprod: cumulative product along `axis` (exclusive: starting from 1)."""
    return _cumulative(_native.cumprod, x, axis, exclusive, reverse)


def is_nan(x, name=None):
    """tf.math.is_nan: x != x (float inputs only, as TF)."""
    x = _float_input("is_nan", x)
    return _native.not_equal(x, x)


def is_inf(x, name=None):
    """tf.math.is_inf: |x| == inf (float inputs only)."""
    x = _float_input("is_inf", x)
    return _native.equal(_native.abs(x), _native.weak_scalar(x, float("inf")))


def is_finite(x, name=None):
    """tf.math.is_finite: |x| < inf (NaN gives False; float inputs only)."""
    x = _float_input("is_finite", x)
    return _native.less(_native.abs(x), _native.weak_scalar(x, float("inf")))


def _float_input(op, x):
    x = _t(x)
    if x.dtype.name not in _FLOATS:
        raise _errors.InvalidArgumentError(None, None, f"{op}: no kernel for dtype {x.dtype.name}")
    return x


def reciprocal(x, name=None):
    """tf.math.reciprocal: 1 / x."""
    x = _t(x)
    return _run(_native.divide, _native.weak_scalar(x, 1), x)


def rsqrt(x, name=None):
    """tf.math.rsqrt: 1 / sqrt(x) (float inputs only)."""
    x = _float_input("rsqrt", x)
    return _native.divide(_native.weak_scalar(x, 1.0), _native.sqrt(x))


def log_sigmoid(x, name=None):
    """tf.math.log_sigmoid: -softplus(-x), stable for large |x|."""
    x = _float_input("log_sigmoid", x)
    return _native.negative(_native.softplus(_native.negative(x)))


def squared_difference(x, y, name=None):
    """tf.math.squared_difference: (x - y)^2."""
    return _native.square(_run(_b()._binary, _native.subtract, _native.subtract_scalar, x, y))


def logical_xor(x, y, name="LogicalXor"):
    """tf.math.logical_xor: (x or y) and not (x and y)."""
    return _native.logical_and(_native.logical_or(x, y), _native.logical_not(_native.logical_and(x, y)))


def count_nonzero(input, axis=None, keepdims=None, dtype=None, name=None):  # noqa: A002
    """tf.math.count_nonzero: the number of non-zero elements over `axis` (int64 by default)."""
    x = _t(input)
    nz = _native.not_equal(x, _native.zeros_like(x))
    out = _native.sum(_native.cast(nz, _native.int64), _b()._axes(axis), bool(keepdims))
    return out if dtype is None else _native.cast(out, _native.as_dtype(dtype))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_euclidean_norm: sqrt(sum(x^2)) over `axis`."""
    x = _t(input_tensor)
    return _native.sqrt(_native.sum(_native.square(x), _b()._axes(axis), bool(keepdims)))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """tf.math.l2_normalize: x / sqrt(max(sum(x^2, axis), epsilon))."""
    if dim is not None:
        axis = dim
    x = _t(x)
    if epsilon == 1e-12:
        return _run(_native.l2_normalize, x, _b()._axes(axis))
    sq = _native.sum(_native.square(x), _b()._axes(axis), True)
    return _native.divide(x, _native.sqrt(_native.maximum_scalar(sq, float(epsilon))))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_sum: out[i] = sum of data rows whose segment id is i."""
    return _run(_native.unsorted_segment_sum, data, segment_ids, int(num_segments))


def segment_sum(data, segment_ids, name=None):
    """tf.math.segment_sum: as unsorted_segment_sum with num_segments = max(segment_ids) + 1
    (TF requires sorted ids)."""
    ids = _t(segment_ids)
    n = int(_native.max(ids, None, False)) + 1 if ids.size else 0
    return unsorted_segment_sum(data, ids, n)


def segment_mean(data, segment_ids, name=None):
    """tf.math.segment_mean: segment_sum divided by each segment's count (0 for empty segments)."""
    data, ids = _t(data), _t(segment_ids)
    s = segment_sum(data, ids)
    ones = _native.ones([ids.shape[0]] + list(data.shape[1:]), data.dtype)
    count = segment_sum(ones, ids)
    return _native.divide(s, _native.maximum_scalar(count, 1))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_native.int32, name=None, axis=None,
             binary_output=False):
    """tf.math.bincount: counts of each value of the non-negative integers `arr` in
    max(max(arr) + 1, minlength) bins (at most maxlength; larger values are dropped), summing
    `weights` instead when given, 1 per non-empty bin with binary_output; axis None or 0 counts
    all of arr, -1 each row of a matrix."""
    if axis not in (None, 0, -1):
        raise _errors.InvalidArgumentError(None, None, f"bincount: axis must be None, 0 or -1, got {axis!r}")
    if binary_output and weights is not None:
        raise _errors.InvalidArgumentError(None, None, "bincount: arguments binary_output and weights are mutually exclusive")
    a = _t(arr)
    w = None if weights is None else _native.cast(_t(weights), _t(weights).dtype)
    return _run(_native.bincount, a, w, -1 if minlength is None else int(minlength),
                -1 if maxlength is None else int(maxlength), _native.as_dtype(dtype), bool(binary_output), axis == -1)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_mean: unsorted_segment_sum divided by each segment's count
    (at least 1), as TF composes it."""
    data, ids = _t(data), _t(segment_ids)
    summed = unsorted_segment_sum(data, ids, num_segments)
    n = unsorted_segment_sum(_native.ones(list(ids.shape), data.dtype), ids, num_segments)
    n = _native.reshape(n, [int(num_segments)] + [1] * (data.ndim - ids.ndim))
    return _native.divide(summed, _native.maximum_scalar(n, 1))


def polyval(coeffs, x, name=None):
    """tf.math.polyval: coeffs[0]·x^(n-1) + ... + coeffs[-1] by Horner's rule, as TF."""
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type. Received type {type(coeffs)}.")
    x = _t(x)
    if not coeffs:
        return _native.zeros_like(x)
    p = _t(coeffs[0])
    for c in coeffs[1:]:
        p = _run(_native.add, _t(c), _run(_native.multiply, p, x))
    return p


__all__ = list(_generated_all) + ["bincount", "unsorted_segment_mean", "polyval", 
    "divide", "truediv", "reduce_mean", "cumsum", "cumprod", "is_nan", "is_inf", "is_finite",
    "reciprocal", "rsqrt", "log_sigmoid", "squared_difference", "logical_xor", "count_nonzero",
    "reduce_euclidean_norm", "l2_normalize", "unsorted_segment_sum", "segment_sum", "segment_mean", "top_k"]
