"""swiftkeras.keras.regularizers: tf.keras 2's weight regularizers, computed by the Swift core.

Classes check and canonicalize their configs through the core (``sk_regularizer_config``) and
compute penalties through it (``sk_regularizer_call``), the code layers use for
``kernel_regularizer=``; Python holds no rule of its own."""
from .. import _native
from . import _keras_objects

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize"]


class Regularizer:
    """Base class (``keras.regularizers.Regularizer``): ``__call__(x)`` -> scalar penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_OBJECTS = _keras_objects.CoreObjects("regularizers", _native.regularizer_config, Regularizer)


# A built-in regularizer: its config and penalty are the core's.
_CoreRegularizer = _keras_objects.core_base(Regularizer, _OBJECTS, _native.regularizer_call)


@_OBJECTS.register
class L1(_CoreRegularizer):
    """``l1 · sum(|x|)``."""
    def __init__(self, l1=0.01, **kwargs):
        self._configure(l1=kwargs.pop("l", l1), **kwargs)


@_OBJECTS.register
class L2(_CoreRegularizer):
    """``l2 · sum(x²)``."""
    def __init__(self, l2=0.01, **kwargs):
        self._configure(l2=kwargs.pop("l", l2), **kwargs)


@_OBJECTS.register
class L1L2(_CoreRegularizer):
    """``l1 · sum(|x|) + l2 · sum(x²)``."""
    def __init__(self, l1=0.0, l2=0.0):
        self._configure(l1=l1, l2=l2)


l1, l2 = L1, L2


def l1_l2(l1=0.01, l2=0.01):
    """``L1L2(l1, l2)`` with tf.keras 2's function defaults (0.01 each)."""
    return L1L2(l1=l1, l2=l2)


# serialize(regularizer), deserialize(config, custom_objects=None), get(identifier)
serialize, deserialize, get = _OBJECTS.serialize, _OBJECTS.deserialize, _OBJECTS.get
