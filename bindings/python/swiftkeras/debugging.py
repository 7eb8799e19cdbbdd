"""``tf.debugging``: the assert_* checks (raising InvalidArgumentError as TF does in eager mode),
``check_numerics`` and ``assert_all_finite``. Each check's comparison is a core op."""
from . import _native
from .errors import InvalidArgumentError

__all__ = ["assert_equal", "assert_none_equal", "assert_near", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_rank", "assert_type", "assert_shapes",
           "check_numerics", "assert_all_finite", "is_numeric_tensor", "Assert"]


def _t(x):
    return _native.convert(x)


def _all(b):
    return bool(_native.all(b, None, False))


def _fail(message, default):
    raise InvalidArgumentError(None, None, f"{message}: {default}" if message else default)


def _compare(op, what, x, y, message, summarize=None, name=None):
    x, y = _t(x), _t(y)
    try:
        ok = _all(op(x, y))
    except ValueError as e:
        raise InvalidArgumentError(None, None, str(e)) from None
    if not ok:
        _fail(message, f"Condition x {what} y did not hold. x = {x.tolist()}, y = {y.tolist()}")


def _comparison(op, what, doc):
    def check(x, y, message=None, summarize=None, name=None):
        _compare(op, what, x, y, message)
    check.__doc__ = doc
    return check


def _sign_check(op, what, doc):
    def check(x, message=None, summarize=None, name=None):
        _compare(op, what, x, _native.zeros_like(_t(x)), message)
    check.__doc__ = doc
    return check


assert_equal = _comparison(_native.equal, "==", "tf.debugging.assert_equal: x == y elementwise (broadcast).")
assert_less = _comparison(_native.less, "<", "tf.debugging.assert_less: x < y elementwise.")
assert_less_equal = _comparison(_native.less_equal, "<=", "tf.debugging.assert_less_equal: x <= y elementwise.")
assert_greater = _comparison(_native.greater, ">", "tf.debugging.assert_greater: x > y elementwise.")
assert_greater_equal = _comparison(_native.greater_equal, ">=", "tf.debugging.assert_greater_equal: x >= y elementwise.")


def assert_none_equal(x, y, summarize=None, message=None, name=None):
    """tf.debugging.assert_none_equal: x != y elementwise."""
    _compare(_native.not_equal, "!=", x, y, message)


assert_positive = _sign_check(_native.greater, ">", "tf.debugging.assert_positive: x > 0 elementwise.")
assert_negative = _sign_check(_native.less, "<", "tf.debugging.assert_negative: x < 0 elementwise.")
assert_non_negative = _sign_check(_native.greater_equal, ">=", "tf.debugging.assert_non_negative: x >= 0.")
assert_non_positive = _sign_check(_native.less_equal, "<=", "tf.debugging.assert_non_positive: x <= 0.")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """|x - y| <= atol + rtol·|y| elementwise (defaults: 10·eps of the dtype, as TF)."""
    x, y = _t(x), _t(y)
    eps = {"float16": 9.77e-4, "bfloat16": 7.8e-3, "float32": 1.19e-7, "float64": 2.22e-16}.get(x.dtype.name, 0)
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    diff = _native.abs(_native.subtract(x, y))
    bound = _native.add_scalar(_native.multiply_scalar(_native.abs(y), float(rtol)), float(atol))
    if not _all(_native.less_equal(diff, bound)):
        _fail(message, f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}. x = {x.tolist()}, y = {y.tolist()}")


def assert_rank(x, rank, message=None, name=None):
    if _t(x).ndim != int(rank):
        raise ValueError(f"{message + ': ' if message else ''}Tensor must have rank {int(rank)}. "
                         f"Received rank {_t(x).ndim}, shape {tuple(_t(x).shape)}")


def assert_type(tensor, tf_type, message=None, name=None):
    if _t(tensor).dtype != _native.as_dtype(tf_type):
        raise TypeError(f"{message + ': ' if message else ''}tensor must be of type {_native.as_dtype(tf_type).name}, "
                        f"got {_t(tensor).dtype.name}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Each (tensor, shape spec) pair: int entries must match, equal letters must agree."""
    sizes = {}
    for x, spec in shapes:
        shape = tuple(_t(x).shape)
        spec = list(spec)
        if len(spec) != len(shape):
            raise ValueError(f"{message + ': ' if message else ''}tensor of shape {shape} does not have rank {len(spec)}")
        for dim, s in zip(shape, spec):
            if isinstance(s, int):
                if s != dim:
                    raise ValueError(f"{message + ': ' if message else ''}shape {shape} does not match {tuple(spec)}")
            elif s in sizes and sizes[s] != dim:
                raise ValueError(f"{message + ': ' if message else ''}dimension {s!r} is {sizes[s]} and {dim}")
            else:
                sizes[s] = dim


def check_numerics(tensor, message, name=None):
    """The tensor itself, or InvalidArgumentError when it holds a NaN or an infinity."""
    x = _t(tensor)
    if x.dtype.name in ("float16", "bfloat16", "float32", "float64"):
        finite = _native.less(_native.abs(x), _native.weak_scalar(x, float("inf")))
        if not _all(finite):
            raise InvalidArgumentError(None, None, f"{message} : Tensor had NaN or Inf values")
    return x


def assert_all_finite(t, msg, name=None, x=None, message=None):
    return check_numerics(t if t is not None else x, msg or message)


def is_numeric_tensor(tensor):
    return isinstance(tensor, (_native.Tensor, _native.Variable)) and tensor.dtype.name != "bool"


def Assert(condition, data, summarize=None, name=None):  # noqa: N802
    """``tf.debugging.Assert``: InvalidArgumentError listing `data` when condition is false."""
    if not _all(_t(condition)):
        shown = ", ".join(str(_t(d).tolist()) if not isinstance(d, str) else d for d in data)
        raise InvalidArgumentError(None, None, f"assertion failed: [{shown}]")
