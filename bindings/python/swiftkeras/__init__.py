"""SwiftKeras from Python: a tensorflow-shaped namespace over the SwiftKeras C library.

Change ``import tensorflow as tf`` to ``import swiftkeras as tf``: tensors, variables,
GradientTape, function, custom_gradient and ``keras.backend`` behave as in TensorFlow 2.21
(eager). Every computation runs in the Swift core (libswiftkeras.so) through the C API;
numpy is optional.
"""
import builtins as _builtins

from . import _native
from ._native import Tensor, DType, TensorShape

__version__ = _native.version()

# dtypes -------------------------------------------------------------------------------------
float32 = _native.float32
float64 = _native.float64
float16 = _native.float16
bfloat16 = _native.bfloat16
int32 = _native.int32
int64 = _native.int64
uint8 = _native.uint8
bool = _native.bool  # noqa: A001  (tf.bool)
half = float16
double = float64
as_dtype = _native.as_dtype

_builtin_bool = type(True)


def _dt(dtype):
    return None if dtype is None else _native.as_dtype(dtype)


# tensors ------------------------------------------------------------------------------------
def constant(value, dtype=None, shape=None, name=None):
    """tf.constant: Python floats give float32, ints int32, numpy arrays keep their dtype."""
    t = _native.convert(value, _dt(dtype))
    if shape is not None:
        shape = list(shape)
        if t.size == 1:
            t = _native.broadcast_to(_native.reshape(t, []), shape)
        else:
            t = _native.reshape(t, shape)
    return t


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """tf.convert_to_tensor: a tensor stays as it is (a dtype mismatch raises ValueError)."""
    if isinstance(value, (Tensor, _native.Variable)) and dtype is not None:
        want = _native.as_dtype(dtype)
        if value.dtype != want:
            raise ValueError(f"Tensor conversion requested dtype {want.name} for Tensor with dtype "
                             f"{value.dtype.name}: {value!r}")
        return _native.convert(value)
    if dtype is None and dtype_hint is not None and not isinstance(value, (Tensor, _native.Variable)):
        try:
            return _native.convert(value, _dt(dtype_hint))
        except (TypeError, ValueError):
            pass
    return _native.convert(value, _dt(dtype))


def is_tensor(x):
    return isinstance(x, (Tensor, _native.Variable))


def cast(x, dtype, name=None):
    return _native.cast(x, _native.as_dtype(dtype))


def stop_gradient(input, name=None):  # noqa: A002
    return _native.stop_gradient(input)


def identity(input, name=None):  # noqa: A002
    return _native.convert(input)


def zeros(shape, dtype=float32, name=None):
    return _native.zeros(shape, _native.as_dtype(dtype))


def ones(shape, dtype=float32, name=None):
    return _native.ones(shape, _native.as_dtype(dtype))


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    return _native.zeros_like(input, _dt(dtype))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    return _native.ones_like(input, _dt(dtype))


def fill(dims, value, name=None):
    v = _native.convert(value)
    return _native.broadcast_to(v, list(dims))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=float32, name=None):
    return _native.eye(num_rows, num_columns, _native.as_dtype(dtype))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    if dtype is None:
        vals = [start, limit, delta]
        dtype = float32 if any(isinstance(v, float) for v in vals) else int32
    return _native.arange(start, limit, delta, _native.as_dtype(dtype))


def reshape(tensor, shape, name=None):
    return _native.reshape(tensor, list(shape))


def shape(input, out_type=int32, name=None):  # noqa: A002
    return _native.convert(list(_native.convert(input).shape), _native.as_dtype(out_type))


def rank(input, name=None):  # noqa: A002
    return _native.convert(_native.convert(input).ndim)


def size(input, out_type=int32, name=None):  # noqa: A002
    return _native.convert(_native.convert(input).size, _native.as_dtype(out_type))


def add(x, y, name=None):
    return _native.add(x, y)


def subtract(x, y, name=None):
    return _native.subtract(x, y)


def multiply(x, y, name=None):
    return _native.multiply(x, y)


def divide(x, y, name=None):
    return _native.divide(x, y)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    if transpose_a:
        a = _native.transpose(a, _swap_last(a))
    if transpose_b:
        b = _native.transpose(b, _swap_last(b))
    return _native.matmul(a, b)


def _swap_last(x):
    n = _native.convert(x).ndim
    perm = list(_builtins.range(n))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return perm


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _native.sum(input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _native.mean(input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _native.max(input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _native.min(input_tensor, axis, keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _native.prod(input_tensor, axis, keepdims)


def square(x, name=None):
    return _native.square(x)


def sqrt(x, name=None):
    return _native.sqrt(x)


def exp(x, name=None):
    return _native.exp(x)


def concat(values, axis, name="concat"):
    return _native.concatenate(values, axis)


def stack(values, axis=0, name="stack"):
    return _native.stack(values, axis)


def transpose(a, perm=None, conjugate=False, name="transpose"):
    return _native.transpose(a, perm)


def where(condition, x=None, y=None, name=None):
    if x is None or y is None:
        raise NotImplementedError("where(condition) without x and y is not supported yet")
    return _native.where(condition, x, y)


# variables, tapes, functions ----------------------------------------------------------------
from ._variables import Variable  # noqa: E402
from ._autodiff import (GradientTape, UnconnectedGradients, custom_gradient, function,  # noqa: E402
                        gradients)



def __getattr__(name):
    """``tf.keras``, ``tf.random``, ``tf.config``, ``tf.data`` and ``tf.experimental`` load on first use,
    so ``import swiftkeras`` stays fast."""
    if name in ("keras", "random", "config", "data", "experimental"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name == "TensorSpec":
        from .data import TensorSpec
        return TensorSpec
    raise AttributeError(f"module 'swiftkeras' has no attribute {name!r}")


newaxis = None

__all__ = [
    "Tensor", "TensorShape", "DType", "Variable", "GradientTape", "UnconnectedGradients",
    "constant", "convert_to_tensor", "is_tensor", "cast", "stop_gradient", "identity", "zeros", "ones",
    "zeros_like", "ones_like", "fill", "eye", "range", "reshape", "shape", "rank", "size", "add",
    "subtract", "multiply", "divide", "matmul", "reduce_sum", "reduce_mean", "reduce_max",
    "reduce_min", "reduce_prod", "square", "sqrt", "exp", "concat", "stack", "transpose", "where",
    "function", "custom_gradient", "float32", "float64", "float16", "bfloat16", "int32", "int64",
    "uint8", "bool", "half", "double", "as_dtype", "keras", "random", "data", "experimental", "TensorSpec",
    "newaxis",
]
