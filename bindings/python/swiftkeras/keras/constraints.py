"""swiftkeras.keras.constraints: tf.keras 2's weight constraints, computed by the Swift core.

Classes check and canonicalize their configs through the core (``sk_constraint_config``) and
project through it (``sk_constraint_call``). Layers pass them in their configs
(``kernel_constraint=``, ...); ``add_weight(constraint=)`` and ``tf.Variable(constraint=)`` set
them on the core variable (``sk_variable_set_constraint``); optimizers apply them after each
update in the core. A ``Constraint`` subclass (or any callable) runs as a callback."""
import json as _json

from .. import _native
from . import _keras_objects

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "RadialConstraint", "max_norm",
           "non_neg", "unit_norm", "min_max_norm", "radial_constraint", "get", "serialize", "deserialize"]


class Constraint:
    """Base class (``keras.constraints.Constraint``): ``__call__(w)`` -> the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _CoreConstraint(_keras_objects.core_base(Constraint, _keras_objects.CoreObjects(
        "constraints", _native.constraint_config, Constraint), _native.constraint_call)):
    """A built-in constraint: its config and projection are the core's; its arguments are
    attributes (``max_value``, ``axis``, ``min_value``, ``rate``, as tf.keras 2)."""

    def __getattr__(self, name):
        config = self.__dict__.get("_config", {})
        if name in config:
            return config[name]
        raise AttributeError(name)


_OBJECTS = _CoreConstraint._objects


@_OBJECTS.register
class MaxNorm(_CoreConstraint):
    """Norms along ``axis`` at most ``max_value``: ``w · clip(n, 0, max_value) / (epsilon + n)``."""
    def __init__(self, max_value=2, axis=0):
        self._configure(max_value=max_value, axis=axis)


@_OBJECTS.register
class NonNeg(_CoreConstraint):
    """Negative weights set to zero."""
    def __init__(self):
        self._configure()


@_OBJECTS.register
class UnitNorm(_CoreConstraint):
    """Unit norms along ``axis``: ``w / (epsilon + n)``."""
    def __init__(self, axis=0):
        self._configure(axis=axis)


@_OBJECTS.register
class MinMaxNorm(_CoreConstraint):
    """Norms along ``axis`` moved into ``[min_value, max_value]`` at ``rate``."""
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self._configure(min_value=min_value, max_value=max_value, rate=rate, axis=axis)


@_OBJECTS.register
class RadialConstraint(_CoreConstraint):
    """Each (height, width) slice of a rank-4 kernel constant on rings (tf.keras 2's rings)."""
    def __init__(self):
        self._configure()


max_norm, non_neg, unit_norm, min_max_norm, radial_constraint = MaxNorm, NonNeg, UnitNorm, MinMaxNorm, RadialConstraint
maxnorm, nonneg, unitnorm = MaxNorm, NonNeg, UnitNorm


def serialize(constraint):
    """tf.keras 2's ``serialize``: None for None, else ``serialize_keras_object``."""
    if constraint is None:
        return None
    if isinstance(constraint, _CoreConstraint):
        return _OBJECTS.serialize(constraint)
    from ._serialization import get_registered_name
    return {"module": None, "class_name": get_registered_name(type(constraint)), "config": constraint.get_config(),
            "registered_name": get_registered_name(type(constraint))}


def deserialize(config, custom_objects=None):
    return _OBJECTS.deserialize(config, custom_objects)


get = _OBJECTS.get


def _core_identifier(constraint):
    """What the core takes for a constraint: a built-in's JSON identifier, else the callable."""
    c = get(constraint)
    return _json.dumps(_keras_objects.keras_json(c)) if isinstance(c, _CoreConstraint) else c


def _custom_serialized(constraint):
    """The ``{"class_name", "config"}`` a layer config holds for a custom constraint, or None."""
    try:
        config = constraint.get_config()
    except Exception:   # a plain function or a class without a config
        return None
    from ._serialization import get_registered_name
    return _json.dumps({"class_name": get_registered_name(type(constraint)), "config": config})


def set_on_variable(variable, constraint):
    """Makes the core apply ``constraint`` to ``variable`` after each optimizer update."""
    _native.variable_set_constraint(variable, None if constraint is None else _core_identifier(constraint))


def set_on_layer(layer_handle, key, constraint):
    """Sets a built-in layer's constraint argument ``key`` to a custom (callable) constraint."""
    ident = _core_identifier(constraint)
    serialized = None if isinstance(ident, str) else _custom_serialized(constraint)
    _native.layer_set_constraint(layer_handle, key, ident, serialized)
