"""`swiftkeras.keras.backend` — the functions of `tensorflow.keras.backend` (TF 2.21, i.e. Keras 3's
`keras/src/legacy/backend.py` plus the config helpers), computed by the Swift core.

Every function converts its arguments and calls one op of `swiftkeras._native` (the C API). Where
Keras itself composes a function from several TensorFlow ops in Python (e.g. `bias_add` with an
N-d bias, `switch` with a scalar condition), the same composition is done here from core ops.
The settings (floatx, epsilon, image data format) and the dtype promotion rule (`result_type`)
belong to the core and are read and set through the C API; uid counters and name scopes are
module state, as in Keras.
"""

import builtins as _builtins
import collections as _collections
import functools as _functools
import math as _math
import operator as _operator

from .. import _native

def _numpy():
    """numpy if it is installed, else None. Imported on first use, not at import time:
    `import swiftkeras` must stay fast (numpy alone takes ~100 ms to import)."""
    try:  # numpy is optional: only a few functions return numpy objects, as Keras does.
        import numpy
        return numpy
    except ImportError:  # pragma: no cover - exercised only without numpy
        return None

_py_all = _builtins.all
_py_any = _builtins.any

# ---------------------------------------------------------------------------------------------
# Settings (keras/src/backend/config.py: owned by the core, sk_floatx & co.) and module state
# (keras/src/utils/naming.py)
# ---------------------------------------------------------------------------------------------
_UIDS = _collections.defaultdict(int)
_NAME_SCOPE_STACK = []


def backend():
    """The name of the backend in use: "swiftkeras"."""
    return "swiftkeras"


def floatx():
    """The default float type, as a string (e.g. "float32"): the core's (`sk_floatx`)."""
    return _native.floatx()


def set_floatx(value):
    """Sets the core's default float type ("bfloat16", "float16", "float32" or "float64";
    `sk_set_floatx`, which raises ValueError naming the accepted values for anything else)."""
    value = standardize_dtype(value) if not isinstance(value, str) else value
    _native.set_floatx(str(value))


def epsilon():
    """The fuzz factor used in numeric expressions (default 1e-7): the core's (`sk_epsilon`)."""
    return _native.epsilon()


def set_epsilon(value):
    """Sets the core's fuzz factor (`sk_set_epsilon`): the crossentropies and the other
    epsilon users of the core read it."""
    _native.set_epsilon(float(value))


def image_data_format():
    """The default image data format, "channels_last" or "channels_first": the core's
    (`sk_image_data_format`)."""
    return _native.image_data_format()


def set_image_data_format(data_format):
    """Sets the core's default image data format ("channels_last" or "channels_first";
    `sk_set_image_data_format`)."""
    _native.set_image_data_format(str(data_format))


def get_uid(prefix=""):
    """A unique integer per prefix, starting at 1 (reset by `clear_session`)."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def clear_session(free_memory=True):
    """Resets the global state: uid counters and name scopes (floatx etc. are config, kept)."""
    _UIDS.clear()
    del _NAME_SCOPE_STACK[:]
    _native.reset_layer_names()   # layer names start again ("dense", not "dense_7"), as tf.keras 2
    if free_memory:
        import gc

        gc.collect()


# ---------------------------------------------------------------------------------------------
# Dtypes (keras/src/backend/common/variables.py and dtypes.py)
# ---------------------------------------------------------------------------------------------
_PYTHON_DTYPES_MAP = {bool: "bool", int: "int64", float: "float32", str: "string",
                      complex: "complex128"}

_CODES = {
    "float32": getattr(_native, "SK_FLOAT32", 1),
    "float64": getattr(_native, "SK_FLOAT64", 2),
    "float16": getattr(_native, "SK_FLOAT16", 3),
    "bfloat16": getattr(_native, "SK_BFLOAT16", 4),
    "int32": getattr(_native, "SK_INT32", 5),
    "int64": getattr(_native, "SK_INT64", 6),
    "uint8": getattr(_native, "SK_UINT8", 7),
    "bool": getattr(_native, "SK_BOOL", 8),
}


@_functools.lru_cache(maxsize=None)
def _standard_name(name):
    """The core's canonical name of a dtype name (``sk_dtype_standardize``), memoised."""
    return _native.dtype_standardize(name)


def standardize_dtype(dtype):
    """The canonical string name of a dtype (None gives floatx): Python types and dtype objects
    give their names, which the core checks (`sk_dtype_standardize`)."""
    if dtype is None:
        return floatx()
    if not isinstance(dtype, str):
        dtype = _PYTHON_DTYPES_MAP.get(dtype, dtype)
        if hasattr(dtype, "name"):
            dtype = dtype.name
        elif hasattr(dtype, "__name__"):
            dtype = dtype.__name__
    return _standard_name(str(dtype))


def is_float_dtype(dtype):
    """Whether `dtype` is a floating-point dtype (bfloat16 included)."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("float") or dtype.startswith("bfloat")


def is_int_dtype(dtype):
    """Whether `dtype` is a (signed or unsigned) integer dtype."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("int") or dtype.startswith("uint")


def _code(dtype):
    """The SK_* code of a dtype given as a string, dtype object or Python type."""
    name = standardize_dtype(dtype)
    code = _CODES.get(name)
    if code is None:
        raise TypeError(f"dtype {name} is not supported by swiftkeras "
                        f"(supported: {', '.join(sorted(_CODES))})")
    return code


def result_type(*dtypes):
    """The dtype Keras' promotion rules give for `dtypes` (Python int/float are weak types):
    the core's rule (`sk_result_type`); None stands for floatx."""
    names, weak = [], []
    for d in dtypes:
        if d in ("float8_e4m3fn", "float8_e5m2"):
            names.append(d)
        else:
            names.append(standardize_dtype(d))
        weak.append(d is int or d is float)
    return _native.result_type(names, weak)


# ---------------------------------------------------------------------------------------------
# Argument conversion
# ---------------------------------------------------------------------------------------------
_Tensor = _native.Tensor
_NativeVariable = getattr(_native, "Variable", None)
_convert = _native.convert
_PYNUM = (int, float)


def _tensor_types():
    types = [_Tensor]
    if _NativeVariable is not None:
        types.append(_NativeVariable)
    return tuple(types)


_TENSOR_TYPES = _tensor_types()


def _is_tensor(x):
    return type(x) is _Tensor or isinstance(x, _TENSOR_TYPES)


def _is_variable(x):
    return _NativeVariable is not None and isinstance(x, _NativeVariable)


def _t(x):
    """x as a tensor (a Variable is read)."""
    if type(x) is _Tensor:
        return x
    return _convert(x)


def _pyscalar(x):
    return type(x) in _PYNUM


def _dtype_name(x):
    return x.dtype.name


def _cast_code(x, code):
    """x cast to the dtype with SK code `code` (no copy when it already has it)."""
    return _native.cast(x, code)


def _typed(value, dtype):
    """`value` as a tensor of `dtype` (conversion with that dtype, or a cast of a tensor)."""
    code = _code(dtype)
    if _is_tensor(value):
        value = _t(value)
        if _dtype_name(value) == standardize_dtype(dtype):
            return value
        return _cast_code(value, code)
    return _convert(value, code)


def _axes(axis):
    """Keras' axis argument (None, int, sequence, tensor) as a list of ints or None."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [_operator.index(a) if not _is_tensor(a) else int(a) for a in axis]
    if _is_tensor(axis):
        axis = _t(axis)
        if axis.ndim == 0:
            return [int(axis)]
        return [int(a) for a in axis]
    return [_operator.index(axis)]


def _ints(seq, what="shape"):
    """A shape-like argument (int, sequence, tensor) as a list of Python ints."""
    if seq is None:
        return None
    if _is_tensor(seq):
        seq = _t(seq)
        if seq.ndim == 0:
            return [int(seq)]
        return [int(v) for v in seq]
    if isinstance(seq, (list, tuple)) or (hasattr(seq, "__iter__") and not isinstance(seq, str)):
        out = []
        for v in seq:
            if isinstance(v, (float, str)) or v is None:
                raise TypeError(f"{what} entries must be integers, got {v!r} in {seq!r}")
            out.append(_operator.index(v) if not _is_tensor(v) else int(v))
        return out
    if isinstance(seq, (float, str)) or seq is None:
        raise TypeError(f"{what} must be an integer or a sequence of integers, got {seq!r}")
    return [_operator.index(seq)]


def _seed(seed):
    """A seed argument for the core: None (a fresh seed) or an unsigned 64-bit int."""
    if seed is None:
        return None
    return int(seed) & 0xFFFFFFFFFFFFFFFF


def _data_format(data_format):
    if data_format is None:
        data_format = image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Unknown data_format: {data_format}")
    return data_format


def _df_code(data_format):
    return (_native.SK_CHANNELS_FIRST if _data_format(data_format) == "channels_first"
            else _native.SK_CHANNELS_LAST)


def _padding_code(padding, allow_causal=False):
    if padding == "same":
        return _native.SK_PADDING_SAME
    if padding == "valid":
        return _native.SK_PADDING_VALID
    if allow_causal and padding == "causal":
        return _native.SK_PADDING_CAUSAL
    raise ValueError(f"Invalid padding: {padding}")


def _variable_class():
    import swiftkeras

    cls = getattr(swiftkeras, "Variable", None)
    return cls if cls is not None else _NativeVariable


def _make_variable(tensor, name=None, constraint=None):
    cls = _variable_class()
    if constraint is None:
        return cls(tensor, name=name)
    return cls(tensor, name=name, constraint=constraint)


# ---------------------------------------------------------------------------------------------
# Tensor creation, variables, values
# ---------------------------------------------------------------------------------------------
def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor; `dtype` defaults to floatx whatever the dtype of `value`."""
    if dtype is None:
        dtype = floatx()
    t = _typed(value, dtype)
    if shape is not None:
        shape = _ints(shape)
        n = _math.prod(shape)
        if t.ndim == 0:
            return _native.broadcast_to(t, shape)
        if _math.prod(t.shape) != n:
            raise TypeError(
                "Eager execution of tf.constant with unsupported shape. Tensor "
                f"{value!r} (converted from {value!r}) has {_math.prod(t.shape)} elements, "
                f"which does not match the shape {tuple(shape)} with {n} elements.")
        return _native.reshape(t, shape)
    return t


def variable(value, dtype=None, name=None, constraint=None):
    """A Variable holding `value`; `dtype` defaults to floatx."""
    if dtype is None:
        dtype = floatx()
    if hasattr(value, "tocoo"):
        raise NotImplementedError(
            "variable: sparse (scipy) values are not supported by swiftkeras")
    return _make_variable(_typed(value, dtype), name, constraint)


def _is_all_nonzero(shape):
    return _py_all(d != 0 for d in shape)


def _filled(make, shape, dtype, name):
    """A variable from ``make(shape, dtype code)`` (a tensor when the shape has a zero dimension)."""
    if dtype is None:
        dtype = floatx()
    shape = _ints(shape)
    t = make(shape, _code(dtype))
    if _is_all_nonzero(shape):
        return variable(t, dtype=dtype, name=name)
    return t


def zeros(shape, dtype=None, name=None):
    """A variable of zeros (a tensor when the shape has a zero dimension)."""
    return _filled(_native.zeros, shape, dtype, name)


def ones(shape, dtype=None, name=None):
    """A variable of ones (a tensor when the shape has a zero dimension)."""
    return _filled(_native.ones, shape, dtype, name)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable; `size` is n or (rows, cols)."""
    if dtype is None:
        dtype = floatx()
    if isinstance(size, (list, tuple)):
        if len(size) != 2:
            raise ValueError(f"eye: size must be an int or a pair (rows, cols), got {size!r}")
        rows, cols = _operator.index(size[0]), _operator.index(size[1])
    else:
        rows = cols = _operator.index(size)
    return variable(_native.eye(rows, cols, _code(dtype)), dtype=dtype, name=name)


def zeros_like(x, dtype=None, name=None):
    """Zeros with the shape of x (and its dtype unless `dtype` is given)."""
    return _native.zeros_like(x, None if dtype is None else _code(dtype))


def ones_like(x, dtype=None, name=None):
    """Ones with the shape of x (and its dtype unless `dtype` is given)."""
    return _native.ones_like(x, None if dtype is None else _code(dtype))


def arange(start, stop=None, step=1, dtype="int32"):
    """`tf.range(start, stop, step)`, cast to `dtype` unless it is "int32"."""
    if stop is None and start < 0:
        start = 0
    if stop is None:
        start, stop = 0, start
    inferred = "float32" if _py_any(isinstance(v, float) for v in (start, stop, step)) else "int32"
    result = _native.arange(start, stop, step, _code(inferred))
    if dtype != "int32":
        result = cast(result, dtype)
    return result


def cast(x, dtype):
    """x cast to `dtype`."""
    return _cast_code(x, _code(dtype))


def cast_to_floatx(x):
    """x cast to floatx: a tensor for tensors, a numpy array otherwise (as Keras)."""
    np = None if _is_tensor(x) else _numpy()
    if np is None:
        return cast(x, floatx())
    return np.asarray(x, dtype=floatx())


def get_value(x):
    """The value of a tensor or variable as a numpy array (other objects pass through)."""
    if not _is_tensor(x):
        return x
    return x.numpy()


def batch_get_value(tensors):
    """`get_value` of each tensor, as a list."""
    return [x.numpy() for x in tensors]


def eval(x):
    """The value of a tensor or variable (numpy)."""
    return get_value(to_dense(x))


def set_value(x, value):
    """Assigns `value` to the variable x, cast to x's dtype."""
    x.assign(_typed(value, x.dtype))


def batch_set_value(tuples):
    """`set_value` for each (variable, value) pair."""
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x):
    """x.assign(new_x)."""
    return x.assign(new_x)


def update_add(x, increment):
    """x.assign_add(increment)."""
    return x.assign_add(increment)


def update_sub(x, decrement):
    """x.assign_sub(decrement)."""
    return x.assign_sub(decrement)


def moving_average_update(x, value, momentum):
    """x.assign_sub((x - value) * (1 - momentum)), value and momentum cast to x's dtype
    (`sk_moving_average_update` for a Variable and a scalar momentum)."""
    if not _is_tensor(value):   # Python data converted straight to x's dtype
        value = _convert(value, _code(x.dtype))
    if isinstance(x, _native.Variable) and (
            _pyscalar(momentum) or getattr(momentum, "ndim", None) == 0):
        _native.moving_average_update(x, value, float(momentum))
        return x
    # a tensor momentum (broadcast against x), or x not a native Variable
    value = _typed(value, x.dtype)
    one_minus = _native.subtract(_typed(1, x.dtype), _typed(momentum, x.dtype))
    return x.assign_sub(_native.multiply(_native.subtract(x, value), one_minus))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform values in [minval, maxval); `dtype` defaults to floatx."""
    if dtype is None:
        dtype = floatx()
    s = _seed(seed)
    return _native.random_uniform(_ints(shape), float(minval), float(maxval), _code(dtype), s)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values; `dtype` defaults to floatx."""
    if dtype is None:
        dtype = floatx()
    s = _seed(seed)
    return _native.random_normal(_ints(shape), float(mean), float(stddev), _code(dtype), s)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values within two standard deviations of the mean."""
    if dtype is None:
        dtype = floatx()
    s = _seed(seed)
    return _native.truncated_normal(_ints(shape), float(mean), float(stddev), _code(dtype), s)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """1 with probability p, else 0."""
    if dtype is None:
        dtype = floatx()
    s = _seed(seed)
    return _native.random_bernoulli(_ints(shape), float(p), _code(dtype), s)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable of normal values."""
    if dtype is None:
        dtype = floatx()
    return variable(random_normal(shape, mean, scale, dtype, seed), dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable of uniform values in [low, high)."""
    if dtype is None:
        dtype = floatx()
    return variable(random_uniform(shape, low, high, dtype, seed), dtype=dtype, name=name)


# ---------------------------------------------------------------------------------------------
# Introspection
# ---------------------------------------------------------------------------------------------
def shape(x):
    """The shape of x as an int32 tensor."""
    s = x.shape if hasattr(x, "shape") else _t(x).shape
    return _convert([int(d) for d in s], _CODES["int32"])


def int_shape(x):
    """The shape of x as a tuple of ints."""
    try:
        return tuple(x.shape)
    except ValueError:
        return None


def ndim(x):
    """The rank of x."""
    return len(x.shape)


def dtype(x):
    """The dtype of x as a string."""
    return x.dtype.name


def count_params(x):
    """The number of elements of x."""
    dims = list(x.shape)
    np = _numpy()
    if np is not None:
        return np.prod(dims)
    return _math.prod(dims)


class SparseTensor:
    """The sparse form `ctc_label_dense_to_sparse` returns: dense `indices` (N, rank) int64,
    `values` (N,) and `dense_shape` (rank,) int64 tensors, as `tf.SparseTensor`."""

    def __init__(self, indices, values, dense_shape):
        self.indices = indices
        self.values = values
        self.dense_shape = dense_shape

    @property
    def shape(self):
        return tuple(int(d) for d in self.dense_shape)

    @property
    def dtype(self):
        return self.values.dtype

    def __repr__(self):
        return (f"SparseTensor(indices={self.indices!r}, values={self.values!r}, "
                f"dense_shape={self.dense_shape!r})")


def is_sparse(tensor):
    """Whether `tensor` is a SparseTensor (only `ctc_label_dense_to_sparse` makes them)."""
    return isinstance(tensor, SparseTensor)


def to_dense(tensor):
    """The tensor itself (a SparseTensor cannot be densified yet)."""
    if isinstance(tensor, SparseTensor):
        raise NotImplementedError("to_dense: densifying a SparseTensor is not implemented in "
                                  "swiftkeras")
    return tensor


def is_keras_tensor(x):
    """Whether x is a symbolic Keras tensor (eager swiftkeras has none)."""
    return False


class name_scope:
    """A name scope context manager, like `tf.name_scope(name)`."""

    def __init__(self, name):
        if not isinstance(name, str):
            raise TypeError(f"name_scope: name must be a string, got {name!r}")
        self.name = name
        self._pushed = False

    def __enter__(self):
        _NAME_SCOPE_STACK.append(self.name)
        self._pushed = True
        return "/".join(_NAME_SCOPE_STACK) + "/"

    def __exit__(self, *exc):
        if self._pushed and _NAME_SCOPE_STACK:
            _NAME_SCOPE_STACK.pop()
        self._pushed = False
        return False


# The functions that are one call of a native op are generated from the op table
# (tools/ops_table.py -> _backend_generated.py); the ones below do more.
from ._backend_generated import *  # noqa: E402,F401,F403


# ---------------------------------------------------------------------------------------------
# Elementwise math
# ---------------------------------------------------------------------------------------------
def sqrt(x):
    """sqrt(max(x, 0)): negative inputs give 0."""
    return _native.sqrt(_native.maximum_scalar(x, 0))


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with optional leak `alpha`, cap `max_value` and `threshold`."""
    has_max = max_value is not None
    return _native.relu(x, float(alpha), float(max_value) if has_max else 0.0, has_max,
                        float(threshold))


def _binary(op, scalar_op, x, y):
    """x OP y for the Keras backend functions: a Python int/float operand reaches the core as a
    weak scalar (the op's scalar variant, else the rank-0 tensor `weak_scalar` makes of it), so
    the core decides its dtype as it does for C and for the operators."""
    if type(y) in _PYNUM and _is_tensor(x):
        return scalar_op(x, y) if scalar_op is not None else op(x, _native.weak_scalar(x, y))
    if type(x) in _PYNUM and _is_tensor(y):
        return op(_native.weak_scalar(y, x), y)
    return op(x, y)


floordiv = floor_divide


def clip(x, min_value, max_value):
    """x clipped to [min_value, max_value] (None = unbounded; max < min gives min)."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        if max_value < min_value:
            max_value = min_value
    if min_value is None:
        min_value = -_math.inf
    if max_value is None:
        max_value = _math.inf
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        return _native.clip(x, float(min_value), float(max_value))
    return _native.clip_tensor(x, min_value, max_value)


def switch(condition, then_expression, else_expression):
    """then_expression where condition else else_expression.

    A scalar condition picks one branch (callables are called); a condition of rank 1 is
    broadcast against the branches (selects along their last axis); a condition of higher
    rank is extended with trailing axes of size 1.
    """
    condition = _t(condition)
    if condition.dtype.name != "bool":
        condition = _cast_code(condition, _CODES["bool"])
    cond_ndim = condition.ndim
    if not cond_ndim:
        branch = then_expression if bool(condition) else else_expression
        if callable(branch):
            branch = branch()
        return _t(branch)
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    then_expression = _t(then_expression)
    expr_ndim = then_expression.ndim
    if cond_ndim > expr_ndim:
        raise ValueError(
            "Rank of `condition` should be less than or"
            " equal to rank of `then_expression` and "
            "`else_expression`. ndim(condition)="
            f"{cond_ndim}, ndim(then_expression)={expr_ndim}")
    if cond_ndim > 1 and expr_ndim > cond_ndim:
        condition = _native.reshape(condition,
                                    list(condition.shape) + [1] * (expr_ndim - cond_ndim))
    return _native.switch(condition, then_expression, else_expression)


def where(condition, x, y):
    """x where condition else y (`tf.where`)."""
    return _native.where(condition, x, y)


# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------
def _int_like(name):
    return name.startswith("int") or name.startswith("uint")


def mean(x, axis=None, keepdims=False):
    """Mean over `axis`; bool is cast to floatx, integers stay integers (truncated)."""
    x = _t(x)
    name = x.dtype.name
    if name == "bool":
        x = _cast_code(x, _CODES[floatx()])
    elif _int_like(name):
        m = _native.mean(_cast_code(x, _CODES["float64"]), _axes(axis), bool(keepdims))
        return _cast_code(m, _CODES[name])
    return _native.mean(x, _axes(axis), bool(keepdims))


def _float_only(x, op):
    x = _t(x)
    name = x.dtype.name
    if name == "bool":
        return _cast_code(x, _CODES[floatx()])
    if _int_like(name):
        raise TypeError(f"{op}: input must be either real or complex. Received integer type "
                        f"{name}.")
    return x


def var(x, axis=None, keepdims=False):
    """Population variance over `axis` (bool is cast to floatx; integers are rejected)."""
    return _native.var(_float_only(x, "var"), _axes(axis), bool(keepdims))


def std(x, axis=None, keepdims=False):
    """Population standard deviation over `axis`."""
    return _native.std(_float_only(x, "std"), _axes(axis), bool(keepdims))


# ---------------------------------------------------------------------------------------------
# Shapes and layout
# ---------------------------------------------------------------------------------------------
def transpose(x):
    """x with its axes reversed."""
    return _native.transpose(x, None)


def permute_dimensions(x, pattern):
    """x with its axes permuted by `pattern`."""
    return _native.transpose(x, _ints(pattern, "pattern"))


def squeeze(x, axis):
    """x with the size-1 axis `axis` removed."""
    return _native.squeeze(x, [_operator.index(axis)])


def tile(x, n):
    """x repeated n[i] times along axis i (one multiple per axis, as TensorFlow requires)."""
    x = _t(x)
    n = _ints(n, "n")
    if len(n) != x.ndim:
        raise ValueError(f"tile: expected multiples argument to be a vector of length {x.ndim} "
                         f"but got length {len(n)} (input shape {tuple(x.shape)})")
    return _native.tile(x, n)


def repeat(x, n):
    """(B, F) -> (B, n, F)."""
    assert ndim(_t(x)) == 2
    return _native.repeat(x, _operator.index(n))


def reverse(x, axes):
    """x reversed along `axes` (an int or a list)."""
    if isinstance(axes, int):
        axes = [axes]
    return _native.reverse(x, _ints(axes, "axes"))


def gather(reference, indices):
    """reference[indices] along axis 0."""
    return _native.gather(reference, indices, 0)


def temporal_padding(x, padding=(1, 1)):
    """Zero-pads axis 1 of a 3-D tensor."""
    assert len(padding) == 2
    return _native.temporal_padding(x, _operator.index(padding[0]), _operator.index(padding[1]))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pads the 2 spatial axes of a 4-D tensor."""
    assert len(padding) == 2
    assert len(padding[0]) == 2
    assert len(padding[1]) == 2
    flat = _ints([padding[0][0], padding[0][1], padding[1][0], padding[1][1]], "padding")
    return _native.spatial_2d_padding(x, flat, _df_code(data_format))


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pads the 3 spatial axes of a 5-D tensor."""
    assert len(padding) == 3
    assert len(padding[0]) == 2
    assert len(padding[1]) == 2
    assert len(padding[2]) == 2
    flat = _ints([p for pair in padding for p in pair], "padding")
    return _native.spatial_3d_padding(x, flat, _df_code(data_format))


def stop_gradient(variables):
    """The same values with no gradient (a map over a list/tuple, as Keras)."""
    if isinstance(variables, (list, tuple)):
        return map(_native.stop_gradient, variables)
    return _native.stop_gradient(variables)


# ---------------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------------
def batch_dot(x, y, axes=None):
    """Batchwise dot product; (B, n) . (B, n) gives (B, 1)."""
    x, y = _t(x), _t(y)
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. "
            f"Received inputs with tf.shapes {x_shape} and {y_shape}.")
    if x_shape[0] != y_shape[0]:
        raise ValueError(
            "Cannot do batch_dot on inputs with different batch sizes. "
            f"Received inputs with tf.shapes {x_shape} and {y_shape}.")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if _py_any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(
            "Multiple target dimensions are not supported. "
            f"Expected: None, int, (int, int), Provided: {axes}")
    axes = [_operator.index(a) for a in axes]
    if len(axes) != 2:
        raise ValueError(f"batch_dot: axes must be an int or a pair, got {axes}")
    if axes[0] < 0:
        axes[0] += x_ndim
    if axes[1] < 0:
        axes[1] += y_ndim
    if 0 in axes:
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, "
            "add a dummy batch dimension to your inputs using K.expand_dims(x, 0)")
    if not (0 < axes[0] < x_ndim and 0 < axes[1] < y_ndim):
        raise ValueError(f"batch_dot: axes {axes} out of range for shapes {x_shape} and "
                         f"{y_shape}")
    d1, d2 = x_shape[axes[0]], y_shape[axes[1]]
    if d1 != d2:
        raise ValueError(
            f"Cannot do batch_dot on inputs with tf.shapes {x_shape} and {y_shape} with "
            f"axes={axes}. x.shape[{axes[0]}] != y.shape[{axes[1]}] ({d1} != {d2}).")
    return _native.batch_dot(x, y, axes)


# ---------------------------------------------------------------------------------------------
# Neural-network functions
# ---------------------------------------------------------------------------------------------
def softmax(x, axis=-1):
    """Softmax along `axis` (an int, or a tuple of axes)."""
    x = _t(x)
    if x.ndim <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    if isinstance(axis, int):
        return _native.softmax(x, axis)
    axes = _axes(axis)
    numerator = _native.exp(_native.subtract(x, _native.max(x, axes, True)))
    return _native.divide(numerator, _native.sum(numerator, axes, True))


def bias_add(x, bias, data_format=None):
    """x plus a per-channel bias (1-D, or of rank ndim(x) - 1)."""
    data_format = _data_format(data_format)
    x, bias = _t(x), _t(bias)
    bias_shape = tuple(bias.shape)
    if len(bias_shape) != 1 and len(bias_shape) != x.ndim - 1:
        raise ValueError(
            f"Unexpected bias dimensions {len(bias_shape)}. "
            f"Expected it to be 1 or {x.ndim - 1} dimensions")
    if len(bias_shape) != 1 and x.ndim in (3, 4, 5):
        if data_format == "channels_first":
            target = (1, bias_shape[-1]) + bias_shape[:-1]
        else:
            target = (1,) + bias_shape
        return _native.add(x, _native.reshape(bias, list(target)))
    return _native.bias_add(x, bias, _df_code(data_format))


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta (beta/gamma may be None)."""
    return _native.batch_normalization(x, mean, var, beta, gamma, float(epsilon))


def dropout(x, level, noise_shape=None, seed=None):
    """Zeroes elements with probability `level` and scales the rest by 1 / (1 - level)."""
    s = _seed(seed)
    return _native.dropout(x, float(level), _ints(noise_shape, "noise_shape"), s)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy; probabilities are clipped to [eps, 1 - eps] (the core's
    epsilon)."""
    return _native.binary_crossentropy(target, output, bool(from_logits))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy along `axis`; probabilities are renormalised then clipped."""
    target, output = _t(target), _t(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"Shapes {tuple(target.shape)} and {tuple(output.shape)} are "
                         "incompatible")
    return _native.categorical_crossentropy(target, output, bool(from_logits), _operator.index(axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Crossentropy with integer labels; `ignore_class` labels give 0 (the core's
    `sparse_categorical_crossentropy` loss function)."""
    axis = _operator.index(axis)
    if ignore_class is None:
        return _native.sparse_categorical_crossentropy(target, output, bool(from_logits), axis)
    import json
    cfg = json.dumps({"from_logits": bool(from_logits), "axis": axis,
                      "ignore_class": _operator.index(ignore_class)})
    return _native.metric_function("sparse_categorical_crossentropy", cfg, target, output)


def binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False):
    """Binary focal crossentropy: (1 - p_t)^gamma * bce, optionally class-balanced."""
    return _native.binary_focal_crossentropy(target, output, bool(apply_class_balancing),
                                             float(alpha), float(gamma), bool(from_logits))


def categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0, from_logits=False,
                                   axis=-1):
    """Categorical focal crossentropy: sum(alpha * (1 - p)^gamma * -t log p, axis)."""
    target, output = _t(target), _t(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"Shapes {tuple(target.shape)} and {tuple(output.shape)} are "
                         "incompatible")
    return _native.categorical_focal_crossentropy(target, output, float(alpha), float(gamma),
                                                  bool(from_logits), _operator.index(axis))


# ---------------------------------------------------------------------------------------------
# Convolution, pooling, resizing
# ---------------------------------------------------------------------------------------------
def _first(v):
    if isinstance(v, (list, tuple)):
        if len(v) != 1:
            raise ValueError(f"Expected a single integer, got {v!r}")
        v = v[0]
    return _operator.index(v)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution; padding "valid", "same" or "causal"."""
    df = _df_code(data_format)
    pad = _padding_code(padding, allow_causal=True)
    return _native.conv1d(x, kernel, _first(strides), pad, df, _first(dilation_rate))


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2-D convolution."""
    df = _df_code(data_format)
    return _native.conv2d(x, kernel, _ints(strides, "strides"), _padding_code(padding), df,
                          _ints(dilation_rate, "dilation_rate"))


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution."""
    df = _df_code(data_format)
    return _native.conv3d(x, kernel, _ints(strides, "strides"), _padding_code(padding), df,
                          _ints(dilation_rate, "dilation_rate"))


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Transposed 2-D convolution to `output_shape` (batch may be None)."""
    df = _df_code(data_format)
    dilation = _ints(dilation_rate, "dilation_rate")
    if len(dilation) == 2 and dilation != [1, 1] and dilation[0] != dilation[1]:
        raise ValueError(
            "Expected the 2 dimensions of the `dilation_rate` argument to be equal to each "
            f"other. Received: dilation_rate={dilation_rate}")
    if _is_tensor(output_shape):
        output_shape = [int(v) for v in _t(output_shape)]
    output_shape = list(output_shape)
    if output_shape and output_shape[0] is None:
        output_shape[0] = -1
    return _native.conv2d_transpose(x, kernel, _ints(output_shape, "output_shape"),
                                    _ints(strides, "strides"), _padding_code(padding), df,
                                    dilation)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Depthwise 2-D convolution."""
    df = _df_code(data_format)
    return _native.depthwise_conv2d(x, depthwise_kernel, _ints(strides, "strides"),
                                    _padding_code(padding), df,
                                    _ints(dilation_rate, "dilation_rate"))


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """Depthwise then pointwise 2-D convolution."""
    df = _df_code(data_format)
    if len(strides) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    return _native.separable_conv2d(x, depthwise_kernel, pointwise_kernel,
                                    _ints(strides, "strides"), _padding_code(padding), df,
                                    _ints(dilation_rate, "dilation_rate"))


def _pool_mode(pool_mode):
    if pool_mode == "max":
        return _native.SK_POOL_MAX
    if pool_mode == "avg":
        return _native.SK_POOL_AVG
    raise ValueError("Invalid pooling mode: " + str(pool_mode))


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max or average pooling ('same' average pooling excludes the padding)."""
    df = _df_code(data_format)
    if len(pool_size) != 2:
        raise ValueError("`pool_size` must be a tuple of 2 integers.")
    if len(strides) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    pad = _padding_code(padding)
    mode = _pool_mode(pool_mode)
    return _native.pool2d(x, _ints(pool_size, "pool_size"), _ints(strides, "strides"), pad, df,
                          mode)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """3-D max or average pooling."""
    df = _df_code(data_format)
    pad = _padding_code(padding)
    mode = _pool_mode(pool_mode)
    return _native.pool3d(x, _ints(pool_size, "pool_size"), _ints(strides, "strides"), pad, df,
                          mode)


_INTERPOLATIONS = ("area", "bicubic", "bilinear", "gaussian", "lanczos3", "lanczos5",
                   "mitchellcubic", "nearest")


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Upsamples images by integer factors ("nearest", or "bilinear" with half-pixel centres)."""
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Invalid `data_format` argument: {data_format}")
    if interpolation not in _INTERPOLATIONS:
        names = '"' + '", "'.join(_INTERPOLATIONS) + '"'
        raise ValueError(
            f"`interpolation` argument should be one of: {names}. "
            f'Received: "{interpolation}".')
    if interpolation == "nearest":
        mode = _native.SK_INTERP_NEAREST
    elif interpolation == "bilinear":
        mode = _native.SK_INTERP_BILINEAR
    else:
        raise NotImplementedError(
            f"resize_images: interpolation {interpolation!r} is not implemented in swiftkeras "
            "(supported: 'nearest', 'bilinear')")
    return _native.resize_images(x, _operator.index(height_factor),
                                 _operator.index(width_factor), _df_code(data_format), mode)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Upsamples volumes by repeating elements."""
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Invalid data_format: {data_format}")
    return _native.resize_volumes(x, _operator.index(depth_factor),
                                  _operator.index(height_factor), _operator.index(width_factor),
                                  _df_code(data_format))


# ---------------------------------------------------------------------------------------------
# Gradients, control flow, CTC
# ---------------------------------------------------------------------------------------------
def gradients(loss, variables):
    """Unsupported in eager mode, as in TensorFlow: use GradientTape."""
    raise RuntimeError(
        "tf.gradients is not supported when eager execution is enabled. "
        "Use tf.GradientTape instead.")


def _need(name, keras_name=None):
    fn = getattr(_native, name, None)
    if fn is None:
        raise NotImplementedError(
            f"{keras_name or name}: not available in this build (the swiftkeras._native "
            f"extension has no `{name}` wrapper for `sk_{name}`)")
    return fn


def _is_seq(x):
    return isinstance(x, (list, tuple))


def _pack(like, parts):
    """parts (a list) in the structure of `like`: one tensor, or a tuple/list."""
    if not _is_seq(like):
        return parts[0]
    return type(like)(parts) if isinstance(like, (list, tuple)) else list(parts)


def map_fn(fn, elems, name=None, dtype=None):
    """fn applied to each slice of elems along axis 0, results stacked (`tf.map_fn`).

    elems is a tensor or a list/tuple of tensors (fn then receives a tuple/list of slices);
    the results have the structure of `dtype` when it is a sequence, else of elems."""
    native = _need("map_fn")
    flat = list(elems) if _is_seq(elems) else [elems]
    out_like = dtype if _is_seq(dtype) else (elems if dtype is None else None)

    def callback(*slices):
        return fn(_pack(elems, list(slices)))

    outs = native(callback, flat, len(out_like) if _is_seq(out_like) else 1)
    outs = list(outs) if _is_seq(outs) else [outs]
    if dtype is not None and not _is_seq(dtype):
        return cast(outs[0], dtype)
    return _pack(out_like, outs) if _is_seq(out_like) else outs[0]


def _fold(native_name, keras_name, fn, elems, initializer):
    native = _need(native_name, keras_name)
    flat = list(elems) if _is_seq(elems) else [elems]
    init = None if initializer is None else (
        list(initializer) if _is_seq(initializer) else [initializer])
    acc_like = initializer if initializer is not None else elems
    n_acc = len(init) if init is not None else len(flat)

    def callback(*xs):
        acc, slices = list(xs[:n_acc]), list(xs[n_acc:])
        return fn(_pack(acc_like, acc), _pack(elems, slices))

    outs = native(callback, flat, init, n_acc)
    outs = list(outs) if _is_seq(outs) else [outs]
    return _pack(acc_like, outs)


def foldl(fn, elems, initializer=None, name=None):
    """Left fold of fn(acc, x) over the slices of elems along axis 0 (`tf.foldl`)."""
    return _fold("foldl", "foldl", fn, elems, initializer)


def foldr(fn, elems, initializer=None, name=None):
    """Right fold of fn(acc, x) over the slices of elems along axis 0 (`tf.foldr`)."""
    return _fold("foldr", "foldr", fn, elems, initializer)


def _swap_batch_timestep(x):
    x = _t(x)
    perm = list(range(x.ndim))
    perm[0], perm[1] = 1, 0
    return _native.transpose(x, perm)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """Iterates step_function(x_t, states + constants) -> (output_t, new_states) over the time
    axis: returns (last_output, outputs, new_states)."""
    native = _need("rnn")
    states = list(initial_states)
    consts = list(constants) if constants is not None else []
    n_states = len(states)
    if time_major:  # the core iterates axis 1, as Keras does after swapping batch and time
        inputs = _swap_batch_timestep(inputs)
        if mask is not None:
            mask = _t(mask)
            mask = _swap_batch_timestep(mask) if mask.ndim >= 2 else mask

    def callback(*xs):
        output, new_states = step_function(xs[0], tuple(xs[1:]))
        new_states = list(new_states) if _is_seq(new_states) else [new_states]
        # a Tensor first: with no states, a 1-element list of an array would read as one tensor
        return [_t(output)] + new_states

    last_output, outputs, new_states = native(callback, inputs, states, bool(go_backwards),
                                              mask, consts, bool(unroll), input_length)
    new_states = list(new_states)
    if zero_output_for_mask and mask is not None:
        m = _t(mask)
        if m.dtype.name != "bool":
            m = _cast_code(m, _CODES["bool"])
        if m.ndim == 3:
            m = _native.reshape(m, list(m.shape)[:2])
        if go_backwards:
            m = _native.reverse(m, [1])
        m = _native.reshape(m, list(m.shape) + [1] * (_t(outputs).ndim - 2))
        outputs = _native.where(m, outputs, _native.zeros_like(outputs, None))
        last_output = _native.squeeze(
            _native.slice(outputs, [0, _t(outputs).shape[1] - 1] + [0] * (_t(outputs).ndim - 2),
                          [-1, 1] + [-1] * (_t(outputs).ndim - 2)), [1])
    if not return_all_outputs:
        outputs = _native.expand_dims(last_output, 1)
    if time_major:
        outputs = _swap_batch_timestep(outputs)
    return last_output, outputs, new_states


def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense labels (B, L) and lengths (B,) to a SparseTensor of the first lengths[b] labels."""
    indices, values, dense_shape = _need("ctc_label_dense_to_sparse")(labels, label_lengths)
    return SparseTensor(indices, values, dense_shape)


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per batch element, shape (B, 1); the last class is the blank."""
    return _need("ctc_batch_cost")(y_true, y_pred, input_length, label_length)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Greedy or beam-search CTC decoding: ([decoded (B, T) padded with -1], log_prob)."""
    decoded, log_prob = _need("ctc_decode")(y_pred, input_length, bool(greedy),
                                            _operator.index(beam_width),
                                            _operator.index(top_paths))
    if not isinstance(decoded, list):
        decoded = [decoded]
    return decoded, log_prob


def __getattr__(name):
    # `K.function`: the package's eager `function` (a later issue compiles it).
    if name == "function":
        import swiftkeras

        fn = getattr(swiftkeras, "function", None)
        if fn is not None:
            return fn
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
