"""``keras.layers.Lambda`` and tf.keras 2's automatic op layers (``TFOpLambda``): a TensorFlow
function or operator applied to symbolic tensors — ``x / 255.0``, ``h[:, 0]``,
``tf.concat([a, b], -1)``, ``tf.reduce_sum(h, axis=1)``, ``K.mean(h)`` — becomes a layer of the
functional model that applies it to the real tensors, as tf.keras 2 does.

Both are custom layers of the core (``sk_layer_create_custom``) whose call runs a Python function:
that is Python's own business (the core cannot run Python code), so it lives here. Their configs
follow tf.keras 2's where they can: a Lambda's function is saved by name (module functions) or as
marshalled bytecode (lambdas, tf.keras 2's ``func_dump``), a TFOpLambda's as the function's path in
the ``tf`` namespace and its arguments with placeholders for the symbolic tensors."""
import codecs
import contextlib
import inspect
import marshal
import operator
import sys
import threading
import types

from . import layers as _layers
from ._unsupported import refuse_unsupported

__all__ = ["Lambda"]


# -- functions in configs (tf.keras 2 generic_utils.func_dump / func_load) -------------------------
def _func_dump(fn):
    code = marshal.dumps(fn.__code__)
    raw = codecs.encode(code, "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return raw, fn.__defaults__, closure


def _func_load(code, defaults=None, closure=None, globs=None):
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code[0], code[1] if len(code) > 1 else None, code[2] if len(code) > 2 else None
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def cell(value):
        return (lambda: value).__closure__[0]

    raw = codecs.decode(code.encode("ascii"), "base64")
    code = marshal.loads(raw)
    if closure is not None:
        closure = tuple(cell(c) for c in closure)
    return types.FunctionType(code, globs if globs is not None else globals(), name=code.co_name,
                              argdefs=defaults, closure=closure)


def _serialize_function(fn):
    """(value, type, module) of tf.keras 2's Lambda config for a function."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        return _func_dump(fn), "lambda", fn.__module__
    if callable(fn) and hasattr(fn, "__name__"):
        return fn.__name__, "function", getattr(fn, "__module__", None)
    raise NotImplementedError(f"Lambda.get_config: cannot serialize the function {fn!r}")


_safety = threading.local()


@contextlib.contextmanager
def loading_safely(safe_mode):
    """While a file is loaded with ``safe_mode`` (load_model's default, as Keras 3's), a Lambda's
    marshalled bytecode is refused: a crafted file could run any code (or crash the interpreter)."""
    previous = getattr(_safety, "safe", False)
    _safety.safe = bool(safe_mode)
    try:
        yield
    finally:
        _safety.safe = previous


def _deserialize_function(value, kind, module, custom_objects):
    from ._serialization import get_registered_object
    if kind == "lambda" and getattr(_safety, "safe", False):
        raise ValueError("Requested the deserialization of a Lambda layer with a Python `lambda` inside it. This "
                         "carries a potential risk of arbitrary code execution and thus it is disallowed by default. "
                         "If you trust the source of the saved model, you can pass `safe_mode=False` to the loading "
                         "function in order to allow Lambda layer loading.")
    if kind == "lambda":
        globs = dict(sys.modules[module].__dict__) if module in sys.modules else {}
        if custom_objects:
            globs.update(custom_objects)
        return _func_load(value, globs=globs)
    if kind == "function":
        found = get_registered_object(value, custom_objects)
        if found is None and module in sys.modules:
            found = getattr(sys.modules[module], value, None)
        if found is None:
            raise ValueError(f"Lambda: unknown function '{value}' (module {module}); pass it in custom_objects")
        return found
    if kind == "raw":
        return value
    raise ValueError(f"Lambda: unknown function_type {kind!r}")


class Lambda(_layers.Layer):
    """``Lambda(function, output_shape=None, mask=None, arguments=None)``: wraps an expression
    as a layer (tf.keras 2); ``function(inputs, **arguments)`` is called with the layer's input
    (a tensor or a list of them) and may take ``mask=`` and ``training=``."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        refuse_unsupported("Lambda", mask=(mask, None))
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_takes_training = "training" in params

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (input_shape[0],) + tuple(self._output_shape)

    def get_config(self):
        config = super().get_config()
        value, kind, module = _serialize_function(self.function)
        config.update({"function": value, "function_type": kind, "module": module, "arguments": self.arguments})
        if self._output_shape is None:
            config.update({"output_shape": None, "output_shape_type": "raw", "output_shape_module": None})
        elif callable(self._output_shape):
            v, k, m = _serialize_function(self._output_shape)
            config.update({"output_shape": v, "output_shape_type": k, "output_shape_module": m})
        else:
            config.update({"output_shape": list(self._output_shape), "output_shape_type": "raw",
                           "output_shape_module": None})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        fn = _deserialize_function(config.pop("function"), config.pop("function_type", "function"),
                                   config.pop("module", None), custom_objects)
        shape = config.pop("output_shape", None)
        shape_kind = config.pop("output_shape_type", "raw")
        shape_module = config.pop("output_shape_module", None)
        if shape is not None:
            shape = _deserialize_function(shape, shape_kind, shape_module, custom_objects)
            if isinstance(shape, list):
                shape = tuple(shape)
        return cls(fn, output_shape=shape, **config)


# -- TFOpLambda: tf functions and operators on symbolic tensors ------------------------------------
_PLACEHOLDER = "__keras_tensor__"


def _flatten_symbolic(value, found):
    """`value` with each KerasTensor replaced by a placeholder; the tensors appended to `found`."""
    if isinstance(value, _layers.KerasTensor):
        found.append(value)
        return {_PLACEHOLDER: len(found) - 1}
    if isinstance(value, (list, tuple)):
        items = [_flatten_symbolic(v, found) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: _flatten_symbolic(v, found) for k, v in value.items()}
    return value


def _substitute(value, tensors):
    if isinstance(value, dict):
        if set(value) == {_PLACEHOLDER}:
            return tensors[value[_PLACEHOLDER]]
        return {k: _substitute(v, tensors) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_substitute(v, tensors) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def has_symbolic(args, kwargs):
    """Whether any argument (in nested lists, tuples, dicts) is a KerasTensor. Each container is
    visited once: a list holding itself (which made this loop forever) is walked once."""
    stack, seen = [args, kwargs], set()
    while stack:
        v = stack.pop()
        if isinstance(v, _layers.KerasTensor):
            return True
        if isinstance(v, (list, tuple, dict)):
            if id(v) in seen:
                continue
            seen.add(id(v))
            stack.extend(v.values() if isinstance(v, dict) else v)
    return False


def _encode(value):
    """A JSON-able form of an op argument (placeholders, numbers, strings, slices, dtypes)."""
    from .. import DType
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return {"__tuple__": [_encode(v) for v in value]} if isinstance(value, tuple) else [_encode(v) for v in value]
    if isinstance(value, slice):
        return {"__slice__": [_encode(value.start), _encode(value.stop), _encode(value.step)]}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, DType):
        return {"__dtype__": value.name}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "tolist") and hasattr(value, "dtype"):
        return value.tolist()
    raise NotImplementedError(f"TFOpLambda.get_config: cannot serialize the argument {value!r}")


def _decode(value):
    from .. import as_dtype
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__slice__" in value:
            return slice(*[_decode(v) for v in value["__slice__"]])
        if "__ellipsis__" in value:
            return Ellipsis
        if "__dtype__" in value:
            return as_dtype(value["__dtype__"])
        return {k: _decode(v) for k, v in value.items()}
    return value


def _resolve(path):
    """The function at `path` ("__operators__.add", "math.reduce_sum", "keras.backend.sum", ...)."""
    import swiftkeras
    head, _, rest = path.partition(".")
    if head == "__operators__":
        return getattr(operator, rest)
    obj = swiftkeras
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


class TFOpLambda(_layers.Layer):
    """The layer tf.keras 2 makes for a TensorFlow function or operator applied to symbolic
    tensors (named ``tf.<path>``); its call applies the function to the real tensors."""

    def __init__(self, function, call_args=(), call_kwargs=None, **kwargs):
        refuse_unsupported("TFOpLambda", **{k: (v, None) for k, v in kwargs.items()
                                            if k not in ("name", "trainable", "dtype")})
        super().__init__(**kwargs)
        self._path = function
        self._function = _resolve(function)
        self._call_args = _decode(call_args) if isinstance(call_args, list) else call_args
        self._call_kwargs = _decode(call_kwargs or {})

    def call(self, inputs):
        tensors = inputs if isinstance(inputs, list) else [inputs]
        return self._function(*_substitute(tuple(self._call_args), tensors),
                              **_substitute(self._call_kwargs, tensors))

    def get_config(self):
        config = super().get_config()
        config.update({"function": self._path, "call_args": _encode(list(self._call_args)),
                       "call_kwargs": _encode(self._call_kwargs)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


_counts = {}


def op_layer_call(path, fn, args, kwargs):
    """Applies `fn` (found at `path`) to arguments holding KerasTensors: a new TFOpLambda layer
    called on those tensors (tf.keras 2 names it ``tf.<path>``, uniquified)."""
    found = []
    a = _flatten_symbolic(tuple(args), found)
    k = _flatten_symbolic(dict(kwargs), found)
    base = "tf." + path
    n = _counts.get(base, 0)
    _counts[base] = n + 1
    layer = TFOpLambda(path, call_args=a, call_kwargs=k, name=base if n == 0 else f"{base}_{n}")
    return layer(found if len(found) > 1 else found[0])


# the operators of symbolic tensors (tf.keras 2 names them tf.__operators__.add, tf.math.multiply, ...)
def _binary(op_name, reflected=False):
    op = getattr(operator, op_name)
    if reflected:
        return lambda self, other: op_layer_call("__operators__." + op_name, op, (other, self), {})
    return lambda self, other: op_layer_call("__operators__." + op_name, op, (self, other), {})


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lt", "le", "gt", "ge",
              "and_", "or_", "xor"):
    _dunder = _name.rstrip("_")
    setattr(_layers.KerasTensor, f"__{_dunder}__", _binary(_name))
    if _name not in ("lt", "le", "gt", "ge"):
        setattr(_layers.KerasTensor, f"__r{_dunder}__", _binary(_name, reflected=True))
for _name in ("neg", "abs", "invert", "pos"):
    setattr(_layers.KerasTensor, f"__{_name}__",
            (lambda op_name: lambda self: op_layer_call("__operators__." + op_name, getattr(operator, op_name),
                                                        (self,), {}))(_name))
_layers.KerasTensor.__getitem__ = lambda self, key: op_layer_call("__operators__.getitem", operator.getitem,
                                                                  (self, key), {})
_layers.KerasTensor.__iter__ = lambda self: (_ for _ in ()).throw(TypeError(
    f"Cannot iterate over a symbolic tensor ({self!r}); index it or use tf.unstack"))


def _register():
    """The core resolves these class names when loading a model (as registered custom classes)."""
    from ._serialization import _register_native
    _register_native("Lambda", Lambda)
    _register_native("TFOpLambda", TFOpLambda)


_register()
