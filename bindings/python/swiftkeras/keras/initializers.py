"""swiftkeras.keras.initializers: tf.keras 2's initializers, drawn by the Swift core.

Every class checks its arguments and canonicalizes its config through the core
(``sk_initializer_config``) and draws through it (``sk_initializer_call``), the same code layers
use for ``kernel_initializer=``; Python holds no rule of its own."""
import json as _json

from .. import _native
from . import _keras_objects
from . import backend as _K

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
           "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
           "LecunUniform", "Orthogonal", "Identity", "zeros", "ones", "constant", "random_normal",
           "random_uniform", "truncated_normal", "variance_scaling", "glorot_uniform", "glorot_normal",
           "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal", "identity",
           "get", "serialize", "deserialize"]


class Initializer:
    """Base class (``keras.initializers.Initializer``): ``__call__(shape, dtype)`` and a config."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("Initializer subclasses must implement __call__")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)   # tf.keras 2 drops a legacy "dtype" key too
        return cls(**config)


_OBJECTS = _keras_objects.CoreObjects("initializers", _native.initializer_config, Initializer)


class _CoreInitializer(Initializer):
    """A built-in initializer: its config is the core's, and so are its values."""

    def __init__(self):
        self._configure()

    def _configure(self, **config):
        self._config = _OBJECTS.checked_config(self, config)

    def __call__(self, shape, dtype=None, **kwargs):
        if kwargs:
            raise NotImplementedError(f"{type(self).__name__}: arguments {sorted(kwargs)} are not supported")
        ident = _json.dumps(_keras_objects.keras_json(self))
        return _native.initializer_call(ident, [int(d) for d in shape], dtype or _K.floatx())

    def get_config(self):
        return dict(self._config)


@_OBJECTS.register
class Zeros(_CoreInitializer):
    """All zeros."""


@_OBJECTS.register
class Ones(_CoreInitializer):
    """All ones."""


@_OBJECTS.register
class Constant(_CoreInitializer):
    """Every value ``value``."""
    def __init__(self, value=0):
        self._configure(value=value)


class _NormalDraws(_CoreInitializer):
    """What RandomNormal and TruncatedNormal share: ``mean``, ``stddev``, ``seed``."""
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self._configure(mean=mean, stddev=stddev, seed=seed)


@_OBJECTS.register
class RandomNormal(_NormalDraws):
    """Normal draws of ``mean`` and ``stddev``."""


@_OBJECTS.register
class RandomUniform(_CoreInitializer):
    """Uniform draws in [minval, maxval)."""
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self._configure(minval=minval, maxval=maxval, seed=seed)


@_OBJECTS.register
class TruncatedNormal(_NormalDraws):
    """Normal draws of ``mean`` and ``stddev`` redrawn beyond two standard deviations."""


@_OBJECTS.register
class VarianceScaling(_CoreInitializer):
    """Draws scaled by the fans of the shape (``scale``, ``mode``, ``distribution``)."""
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        self._configure(scale=scale, mode=mode, distribution=distribution, seed=seed)


def _preset(name):
    def __init__(self, seed=None):
        self._configure(seed=seed)
    doc = f"tf.keras 2's {name}: a VarianceScaling whose scale, mode and distribution the core fixes."
    return _OBJECTS.register(type(name, (VarianceScaling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__}))


GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform = (
    _preset(n) for n in ("GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform"))


@_OBJECTS.register
class Orthogonal(_CoreInitializer):
    """An orthogonal matrix (QR of normal draws) times ``gain``."""
    def __init__(self, gain=1.0, seed=None):
        self._configure(gain=gain, seed=seed)


@_OBJECTS.register
class Identity(_CoreInitializer):
    """``gain`` times the identity matrix (2-D shapes)."""
    def __init__(self, gain=1.0):
        self._configure(gain=gain)


# tf.keras 2's lower-case aliases are the classes themselves.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal, identity = VarianceScaling, Orthogonal, Identity
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
lecun_normal, lecun_uniform = LecunNormal, LecunUniform


# serialize(initializer), deserialize(config, custom_objects=None), get(identifier)
serialize, deserialize, get = _OBJECTS.serialize, _OBJECTS.deserialize, _OBJECTS.get
