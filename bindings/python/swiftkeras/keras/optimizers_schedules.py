"""swiftkeras.keras.optimizers.schedules: Keras learning-rate schedules.

The built-in schedules are evaluated by the Swift core (``sk_schedule_value``) and, given to an
optimizer, run there at every step; a user subclass of ``LearningRateSchedule`` (a Python
``__call__(step)``) is called back by the core at every step (``sk_optimizer_set_schedule_callback``).
"""
import json as _json
import numbers as _numbers

from .. import _native

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay",
           "InverseTimeDecay", "PolynomialDecay", "serialize", "deserialize"]


def _jsonable(owner, key, v):
    """A constructor argument as a JSON-ready value (numpy scalars and scalar tensors become
    Python numbers); the core checks types and ranges and names the argument when it refuses."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if type(v).__name__ == "bool_":
        return bool(v)
    if isinstance(v, _numbers.Integral):
        return int(v)
    if isinstance(v, _numbers.Real):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(owner, key, e) for e in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(owner, key, e) for k, e in v.items()}
    if hasattr(v, "__float__") and not callable(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{owner}: argument `{key}` has an unsupported type {type(v).__name__}: {v!r}")


def _config_json(owner, config):
    return _json.dumps({k: _jsonable(owner, k, v) for k, v in config.items()})


def _step(step):
    if isinstance(step, bool):
        raise TypeError(f"a schedule step must be an integer, got {step!r}")
    try:
        return int(step)
    except (TypeError, ValueError):
        raise TypeError(f"a schedule step must be an integer, got {type(step).__name__}") from None


class LearningRateSchedule:
    """Base class of learning-rate schedules: subclass it and implement ``__call__(step)``
    (returning a number) and, to serialize it, ``get_config()``."""

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
                                  "in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _BuiltinSchedule(LearningRateSchedule):
    """A schedule of the core, by Keras class name and constructor arguments."""

    _class_name = None

    def _check(self):
        # Builds it once in the core: every bad argument raises here, named.
        self._json = _config_json(self._class_name, self.get_config())
        _native.schedule_value(self._class_name, self._json, 0)

    def __call__(self, step):
        """The learning rate at optimizer step ``step`` (a Python float)."""
        return _native.schedule_value(self._class_name, self._json, _step(step))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def _store(self, args):
        """Keeps the constructor arguments ``args`` (the ``locals()`` of ``__init__``, in signature
        order) as attributes, which ``get_config`` returns, then checks them in the core."""
        self._config_keys = tuple(k for k in args if k not in ("self", "__class__"))
        for k in self._config_keys:
            setattr(self, k, args[k])
        self._check()

    def get_config(self):
        return {k: getattr(self, k) for k in self._config_keys}


class ExponentialDecay(_BuiltinSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored when ``staircase``)."""

    _class_name = "ExponentialDecay"

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self._store(locals())


class PiecewiseConstantDecay(_BuiltinSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` in ``(boundaries[i-1], boundaries[i]]``,
    ``values[-1]`` after the last boundary."""

    _class_name = "PiecewiseConstantDecay"

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        # The core checks the lengths (and every value) in _check, naming the problem.
        self._store(locals())


class PolynomialDecay(_BuiltinSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end`` (``cycle`` restarts it)."""

    _class_name = "PolynomialDecay"

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self._store(locals())


class InverseTimeDecay(_BuiltinSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored when ``staircase``)."""

    _class_name = "InverseTimeDecay"

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self._store(locals())


class CosineDecay(_BuiltinSchedule):
    """Cosine decay to ``alpha * initial_learning_rate`` over ``decay_steps``, after an optional linear
    warmup to ``warmup_target`` over ``warmup_steps``."""

    _class_name = "CosineDecay"

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self._store(locals())


_BUILTIN = {c._class_name: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                        InverseTimeDecay, CosineDecay)}


def _is_builtin(schedule):
    return type(schedule) in _BUILTIN.values()


def serialize(learning_rate_schedule):
    """Keras' serialized form: ``{"module", "class_name", "config", "registered_name"}``."""
    s = learning_rate_schedule
    if not isinstance(s, LearningRateSchedule):
        raise TypeError(f"serialize: expected a LearningRateSchedule, got {type(s).__name__}")
    if _is_builtin(s):
        return {"module": "keras.optimizers.schedules", "class_name": type(s).__name__,
                "config": s.get_config(), "registered_name": None}
    return {"module": type(s).__module__, "class_name": type(s).__name__, "config": s.get_config(),
            "registered_name": type(s).__name__}


def deserialize(config, custom_objects=None):
    """A schedule from ``serialize``'s form (custom classes through ``custom_objects``)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized learning rate schedule: {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BUILTIN.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret learning rate schedule class '{name}' "
                         f"(known: {', '.join(sorted(_BUILTIN))}; pass custom classes in custom_objects)")
    return cls.from_config(dict(config.get("config") or {}))
