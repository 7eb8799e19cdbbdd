"""swiftkeras.keras.activations: tf.keras 2's activation functions, computed by the Swift core.

Functions with Keras arguments call the backend op of the same rule (``relu`` is ``K.relu``,
``softmax`` is ``K.softmax``, ...); the others apply the core's activation of that name (the
one layers use, ``sk_layer_create("Activation", ...)``), so ``activations.hard_sigmoid``, the
``Activation("hard_sigmoid")`` layer and LSTM's ``recurrent_activation="hard_sigmoid"`` share one
definition (tf.keras 2's ``clip(0.2x + 0.5, 0, 1)``).
"""
import json as _json

from .. import _native
from . import backend as _K

__all__ = ["relu", "elu", "selu", "softmax", "softplus", "softsign", "sigmoid", "hard_sigmoid", "tanh",
           "exponential", "linear", "swish", "gelu", "mish", "log_softmax", "relu6", "get", "serialize",
           "deserialize"]

_LAYERS = {}


def _apply(name, x):
    """The core's activation `name` applied to x."""
    layer = _LAYERS.get(name)
    if layer is None:
        layer = _LAYERS[name] = _native.layer_create("Activation", _json.dumps({"activation": name}))
    return _native.layer_call_multi(layer, [x], False)[0]


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with a slope ``alpha`` below ``threshold`` and a cap ``max_value`` (K.relu)."""
    return _K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0):
    """x for x > 0, alpha·(exp(x) − 1) otherwise."""
    return _K.elu(x, alpha)


def softmax(x, axis=-1):
    """Softmax over ``axis``."""
    return _K.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log-softmax over ``axis``."""
    return _K.log_softmax(x, axis=axis)


def gelu(x, approximate=False):
    """GELU: exact (erf), or the tanh approximation with ``approximate=True``."""
    if approximate:
        raise NotImplementedError("activations.gelu: approximate=True is not supported (only the exact GELU)")
    return _apply("gelu", x)


def _named(name, doc):
    def fn(x):
        return _apply(name, x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


_CORE_ACTIVATIONS = {
    "selu": "scale·elu(x, alpha) with Keras' constants.", "softplus": "log(1 + exp(x)).",
    "softsign": "x / (1 + |x|).", "sigmoid": "1 / (1 + exp(−x)).",
    "hard_sigmoid": "clip(0.2·x + 0.5, 0, 1) (tf.keras 2).", "tanh": "Hyperbolic tangent.",
    "exponential": "exp(x).", "swish": "x·sigmoid(x).", "mish": "x·tanh(softplus(x)).", "relu6": "min(max(x, 0), 6).",
}
for _name, _doc in _CORE_ACTIVATIONS.items():
    globals()[_name] = _named(_name, _doc)


def linear(x):
    """The identity."""
    return x


_BY_NAME = {f.__name__: f for f in (relu, elu, softmax, linear, gelu, log_softmax)}
_BY_NAME.update({n: globals()[n] for n in _CORE_ACTIVATIONS})


def serialize(activation):
    """The activation's name."""
    return getattr(activation, "__name__", activation)


def deserialize(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name not in _BY_NAME:
        raise ValueError(f"Unknown activation function: '{name}'")
    return _BY_NAME[name]


def get(identifier):
    """An activation function from a name, a function (returned as is) or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return deserialize(identifier)
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")
