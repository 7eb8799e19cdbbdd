"""SwiftKeras from Python: a tensorflow-shaped namespace over the SwiftKeras C library.

Change ``import tensorflow as tf`` to ``import swiftkeras as tf``: tensors, variables,
GradientTape, function, custom_gradient and ``keras.backend`` behave as in TensorFlow 2.21
(eager). Every computation runs in the Swift core (libswiftkeras.so) through the C API;
numpy is optional.
"""

import sys

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
string = _native.string  # tf.string
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
    """tf.eye / tf.linalg.eye: identity matrices, broadcast to `batch_shape` + (rows, columns)."""
    out = _native.eye(num_rows, num_columns, _native.as_dtype(dtype))
    if batch_shape:
        out = _native.broadcast_to(out, list(batch_shape) + list(out.shape))
    return out


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    if dtype is None:
        vals = [start, limit, delta]
        dtype = float32 if any(isinstance(v, float) for v in vals) else int32
    return _native.arange(start, limit, delta, _native.as_dtype(dtype))


def shape(input, out_type=int32, name=None):  # noqa: A002
    return _native.convert(list(_native.convert(input).shape), _native.as_dtype(out_type))


def rank(input, name=None):  # noqa: A002
    return _native.convert(_native.convert(input).ndim)


def size(input, out_type=int32, name=None):  # noqa: A002
    return _native.convert(_native.convert(input).size, _native.as_dtype(out_type))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    return _native.transpose(a, perm)


# The TensorFlow op functions: one-op ones generated from the op table (tools/ops_table.py `tf=`),
# compositions in _array_ops.py and the namespace packages ---------------------------------------
from ._tf_generated import *  # noqa: E402,F401,F403
from ._tf_generated import __all__ as _generated_all  # noqa: E402
from ._array_ops import (argsort, boolean_mask, clip_by_global_norm, clip_by_norm,  # noqa: E402
                         clip_by_value, einsum, gather, one_hot, pad, sort, split, unstack, where,
                         linspace, meshgrid, unique, unique_with_counts, searchsorted, tensordot,
                         repeat, sequence_mask)
from .math import divide, reduce_mean, truediv, cumsum, cumprod  # noqa: E402,F401
from .linalg import matmul, norm  # noqa: E402,F811
from . import errors, math, nn, linalg, nest, debugging, image  # noqa: E402
from . import strings  # noqa: E402
from .ragged import RaggedTensor  # noqa: E402  (what tf.strings.split returns)
from .debugging import (assert_equal, assert_greater, assert_less, assert_rank,  # noqa: E402
                        assert_greater_equal, assert_less_equal)
from .module import Module  # noqa: E402
from ._tensor_spec import TensorSpec  # noqa: E402
from ._print import print  # noqa: E402,A004

# variables, tapes, functions ----------------------------------------------------------------
from ._variables import Variable  # noqa: E402
from ._autodiff import (GradientTape, UnconnectedGradients, custom_gradient, function,  # noqa: E402
                        gradients)



_KERAS_ALIASES = {"optimizers": "optimizers", "losses": "losses", "metrics": "metrics",
                  "initializers": "initializers", "activations": "activations"}
# TF2's initializer classes (init_ops_v2) have the defaults and call signature of Keras' own
_INITIALIZER_ALIASES = {"random_normal_initializer": "RandomNormal", "random_uniform_initializer": "RandomUniform",
                        "zeros_initializer": "Zeros", "ones_initializer": "Ones",
                        "constant_initializer": "Constant"}


def __getattr__(name):
    """``tf.keras``, ``tf.random``, ``tf.config``, ``tf.data``, ``tf.experimental``, ``tf.train``
    and ``tf.device`` load on first use, so ``import swiftkeras`` stays fast."""
    import importlib
    if name in ("keras", "random", "config", "data", "experimental", "train", "summary"):
        return importlib.import_module("." + name, __name__)
    if name == "device":
        return importlib.import_module(".config.devices", __name__).device
    if name in _KERAS_ALIASES:   # TF2's tf.optimizers, tf.losses, ... are the Keras modules
        return importlib.import_module(".keras." + _KERAS_ALIASES[name], __name__)
    if name in _INITIALIZER_ALIASES:   # tf.random_normal_initializer & co.: the Keras classes
        return getattr(importlib.import_module(".keras.initializers", __name__), _INITIALIZER_ALIASES[name])
    raise AttributeError(f"module 'swiftkeras' has no attribute {name!r}")


newaxis = None

from ._environment import (autograph, compat, distribute, executing_eagerly, get_logger,  # noqa: E402
                           numpy_function, py_function, test)
from ._control_flow import cond, while_loop  # noqa: E402

__all__ = sorted(set(_generated_all) | {
    "Tensor", "TensorShape", "DType", "Variable", "GradientTape", "UnconnectedGradients", "cond", "while_loop",
    "constant", "convert_to_tensor", "is_tensor", "cast", "stop_gradient", "identity", "zeros", "ones",
    "zeros_like", "ones_like", "fill", "eye", "range", "shape", "rank", "size", "divide", "truediv",
    "matmul", "reduce_mean", "transpose", "where", "cumsum", "cumprod", "norm", "argsort", "boolean_mask",
    "clip_by_global_norm", "clip_by_norm", "clip_by_value", "einsum", "gather", "one_hot", "pad", "sort",
    "split", "unstack", "linspace", "meshgrid", "unique", "unique_with_counts", "searchsorted", "tensordot", "repeat", "sequence_mask", "errors", "math", "nn", "linalg", "nest", "debugging", "train", "assert_equal",
    "assert_greater", "assert_less", "assert_rank", "assert_greater_equal", "assert_less_equal", "device",
    "Module", "TensorSpec", "print", "function", "custom_gradient", "float32", "float64", "float16",
    "bfloat16", "int32", "int64", "uint8", "bool", "half", "double", "as_dtype", "keras", "random",
    "config", "data", "experimental", "newaxis", "string", "strings", "image", "autograph", "compat",
    "distribute", "executing_eagerly", "get_logger", "numpy_function", "py_function", "test", "RaggedTensor",
    "summary",
})

# tf functions applied to symbolic tensors (keras.Input results) become layers, as in tf.keras 2
from . import _symbolic_ops  # noqa: E402
_symbolic_ops.install(sys.modules[__name__], "", skip=("function", "custom_gradient", "print", "is_tensor",
                                                       "as_dtype", "gradients", "constant", "convert_to_tensor"))
for _module, _prefix in ((math, "math."), (nn, "nn."), (linalg, "linalg."), (image, "image.")):
    _symbolic_ops.install(_module, _prefix)
