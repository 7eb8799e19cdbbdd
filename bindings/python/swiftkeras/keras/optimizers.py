"""swiftkeras.keras.optimizers: the Swift core's optimizers with their Keras arguments.

Every class takes Keras 3's constructor arguments in Keras' order and builds the optimizer in the
core (``sk_optimizer_create_config``); the core validates them and names the argument it
refuses (ValueError for a bad value, TypeError for a wrong type). ``learning_rate`` is a float,
a ``keras.optimizers.schedules`` schedule (run by the core), a user ``LearningRateSchedule``
subclass or a zero-argument callable (called back at every step).
"""
import json as _json
import numbers as _numbers
import sys as _sys

from .. import _native
from . import optimizers_schedules as schedules
from ._unsupported import refuse_unsupported
from .optimizers_schedules import LearningRateSchedule, _config_json, _is_builtin

_sys.modules[__name__ + ".schedules"] = schedules

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Lion", "Ftrl", "Adafactor", "LossScaleOptimizer", "get", "serialize", "deserialize", "schedules"]

_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


def _schedule_fn(lr):
    """The per-step callable the core calls for a Python schedule or a zero-argument callable."""
    if isinstance(lr, LearningRateSchedule):
        return lr
    return lambda step: lr()


class Optimizer:
    """Base class of the optimizers. ``apply_gradients(zip(grads, vars))`` runs one update in the
    core. Custom optimizers (a Python ``update_step``) are not supported."""

    _class_name = None

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if self._class_name is None:
            raise NotImplementedError(
                f"{type(self).__name__}: custom optimizers (a Python update_step) are not supported; use one of "
                "SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl, Adafactor")
        self._create_from(locals())

    def _create_from(self, args, *own):
        """Creates the core optimizer from an ``__init__``'s ``locals()``: the arguments every
        optimizer takes plus the class's own, named by ``own``."""
        self._create(args["learning_rate"], {k: args[k] for k in own}, {k: args[k] for k in _BASE_ARGS},
                     args["name"], args["kwargs"])

    def _create(self, learning_rate, args, base, name, kwargs):
        cls = self._class_name
        if "decay" in kwargs:
            # tf.keras 2's new optimizers refuse it too (Keras 3 warns and ignores it)
            raise ValueError(f"{cls}: decay is deprecated in the new Keras optimizer, please check the docstring for "
                             f"valid arguments, or use the legacy optimizer, e.g., tf.keras.optimizers.legacy.{cls}.")
        if "lr" in kwargs:
            # tf.keras 2 warns and trains with the default learning rate instead; refusing is safer
            raise ValueError(f"{cls}: argument `lr` is not supported, use `learning_rate` (or the legacy optimizer, "
                             f"e.g. tf.keras.optimizers.legacy.{cls}, which takes `lr`)")
        # tf.keras 2's XLA switch (no compiler here: the updates run as they are, as with False)
        # and Adam's adaptive_epsilon.
        refuse_unsupported(cls, jit_compile=(kwargs.pop("jit_compile", False), False),
                           adaptive_epsilon=(kwargs.pop("adaptive_epsilon", False), False))
        if kwargs:
            raise ValueError(f"{cls}: argument(s) not recognized: {kwargs}")
        config = dict(args)
        config.update(base)
        if name is not None:
            config["name"] = name
        py_schedule = None
        if isinstance(learning_rate, LearningRateSchedule):
            if _is_builtin(learning_rate):
                config["learning_rate"] = schedules.serialize(learning_rate)
            else:
                py_schedule = learning_rate
        elif callable(learning_rate) and not hasattr(learning_rate, "dtype"):
            py_schedule = learning_rate
        elif isinstance(learning_rate, bool) or learning_rate is None:
            raise TypeError(f"{cls}: argument `learning_rate` should be a float, a LearningRateSchedule or a "
                            f"callable, received learning_rate={learning_rate!r}")
        else:
            try:
                config["learning_rate"] = float(learning_rate)
            except (TypeError, ValueError):
                raise TypeError(f"{cls}: argument `learning_rate` should be a float, a LearningRateSchedule or a "
                                f"callable, received learning_rate={learning_rate!r}") from None
        self._handle = _native.optimizer_create_config(cls, _config_json(cls, config))
        self._py_schedule = None
        if py_schedule is not None:
            self._set_schedule(py_schedule)
        cfg = _json.loads(_native.optimizer_get_config(self._handle))
        self.name = cfg["name"]
        for k, v in cfg.items():
            if k not in ("name", "learning_rate"):
                object.__setattr__(self, k, v)

    def _set_schedule(self, schedule):
        _native.optimizer_set_schedule(self._handle, _schedule_fn(schedule))
        self._py_schedule = schedule

    # -- learning rate and step count ----------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate of the next step (the schedule's value at ``iterations``): a float
        that also has tf.keras 2's variable methods ``assign`` / ``numpy``, so
        ``K.set_value(opt.lr, 0.01)`` and ``opt.learning_rate.assign(0.01)`` set it."""
        return _LearningRateValue(_native.optimizer_learning_rate(self._handle), self)

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or (callable(value) and not hasattr(value, "dtype")):
            self._set_schedule(value)
            return
        if isinstance(value, bool) or not isinstance(value, _numbers.Real) and not hasattr(value, "__float__"):
            raise TypeError(f"learning_rate must be a float or a LearningRateSchedule, received {value!r}")
        _native.optimizer_set_learning_rate(self._handle, float(value))

    lr = learning_rate

    @property
    def iterations(self):
        """The number of update steps applied so far."""
        return _native.optimizer_iterations(self._handle)

    # -- config --------------------------------------------------------------------------------
    def get_config(self):
        """The Keras config: the constructor arguments (``learning_rate`` a float or a serialized
        schedule)."""
        cfg = _json.loads(_native.optimizer_get_config(self._handle))
        if self._py_schedule is not None:
            s = self._py_schedule
            cfg["learning_rate"] = schedules.serialize(s) if isinstance(s, LearningRateSchedule) else s
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = schedules.deserialize(lr, custom_objects=custom_objects)
        return cls(**config)

    # -- updates -------------------------------------------------------------------------------
    def scale_loss(self, loss):
        """The loss times ``loss_scale_factor`` when set (Keras 3 ``scale_loss``)."""
        f = getattr(self, "loss_scale_factor", None)
        return loss * f if f else loss

    def apply_gradients(self, grads_and_vars, name=None, **kwargs):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return self.iterations
        _native.optimizer_apply_gradients(self._handle, [g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        if trainable_variables is None:
            raise ValueError("apply: trainable_variables are required (the optimizer does not keep a variable list)")
        return self.apply_gradients(zip(grads, trainable_variables))

    def minimize(self, loss, var_list, tape=None):
        from .._autodiff import GradientTape
        if tape is None:
            with GradientTape() as tape:
                value = loss() if callable(loss) else loss
                scaled = self.scale_loss(value)
        else:
            scaled = loss
        grads = tape.gradient(scaled, var_list)
        self.apply_gradients(zip(grads, var_list))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self.learning_rate}>"


# The arguments of every optimizer besides learning_rate and name (Keras' base optimizer).
_BASE_ARGS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
              "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps")


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum (Keras ``SGD``)."""

    _class_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="SGD", **kwargs):
        self._create_from(locals(), "momentum", "nesterov")


class Adam(Optimizer):
    """Adam, optionally AMSGrad (Keras ``Adam``)."""

    _class_name = "Adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adam", **kwargs):
        self._create_from(locals(), "beta_1", "beta_2", "epsilon", "amsgrad")


class AdamW(Optimizer):
    """Adam with decoupled weight decay (Keras ``AdamW``)."""

    _class_name = "AdamW"

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adamw", **kwargs):
        self._create_from(locals(), "beta_1", "beta_2", "epsilon", "amsgrad")


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum (Keras ``RMSprop``)."""

    _class_name = "RMSprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="rmsprop", **kwargs):
        self._create_from(locals(), "rho", "momentum", "epsilon", "centered")


class Adagrad(Optimizer):
    """Adagrad (Keras ``Adagrad``)."""

    _class_name = "Adagrad"

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="adagrad", **kwargs):
        self._create_from(locals(), "initial_accumulator_value", "epsilon")


class Adadelta(Optimizer):
    """Adadelta (Keras ``Adadelta``)."""

    _class_name = "Adadelta"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="adadelta", **kwargs):
        self._create_from(locals(), "rho", "epsilon")


class Adamax(Optimizer):
    """Adamax, Adam with the infinity norm (Keras ``Adamax``)."""

    _class_name = "Adamax"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="adamax", **kwargs):
        self._create_from(locals(), "beta_1", "beta_2", "epsilon")


class Nadam(Optimizer):
    """Adam with Nesterov momentum (Keras ``Nadam``)."""

    _class_name = "Nadam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="nadam", **kwargs):
        self._create_from(locals(), "beta_1", "beta_2", "epsilon")


class Lion(Optimizer):
    """Lion, the sign of an interpolated momentum (Keras ``Lion``)."""

    _class_name = "Lion"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="lion", **kwargs):
        self._create_from(locals(), "beta_1", "beta_2")


class Ftrl(Optimizer):
    """Follow The Regularized Leader (Keras ``Ftrl``)."""

    _class_name = "Ftrl"

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="Ftrl", **kwargs):
        self._create_from(locals(), "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
                          "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta")


class Adafactor(Optimizer):
    """Adafactor, factored second moments (Keras ``Adafactor``)."""

    _class_name = "Adafactor"

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="Adafactor", **kwargs):
        self._create_from(locals(), "beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling around ``inner_optimizer`` (Keras ``LossScaleOptimizer``).

    The scale starts at ``initial_scale``; a step with an inf/NaN gradient is skipped and halves
    it; it doubles after ``dynamic_growth_steps`` consecutive finite steps. Keras 3 style:
    ``scaled = opt.scale_loss(loss)``, gradients of ``scaled``, ``opt.apply_gradients(...)`` (which
    unscales them). TF2 style: ``opt.get_scaled_loss(loss)``, gradients,
    ``grads = opt.get_unscaled_gradients(grads)``, ``opt.apply_gradients(zip(grads, vars))``.
    ``learning_rate`` and ``iterations`` are the inner optimizer's (shared with it).
    """

    _class_name = "LossScaleOptimizer"

    def __init__(self, inner_optimizer, dynamic=True, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: argument `inner_optimizer` must be a keras.optimizers.Optimizer, "
                            f"received {type(inner_optimizer).__name__}")
        if not isinstance(dynamic, (bool, int)) or isinstance(dynamic, float):
            raise TypeError(f"LossScaleOptimizer: argument `dynamic` must be a boolean, received {dynamic!r}")
        if not dynamic:
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for k, default in _BASE_DEFAULTS.items():
            if k in kwargs:
                v = kwargs.pop(k)
                if (default is None and v is not None) or v != default:
                    raise ValueError(f"LossScaleOptimizer does not support `{k}`. Instead, set `{k}` on the "
                                     "`inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if isinstance(initial_scale, bool) or not isinstance(initial_scale, _numbers.Real):
            raise TypeError(f"LossScaleOptimizer: argument `initial_scale` must be a number, received {initial_scale!r}")
        if isinstance(dynamic_growth_steps, bool) or not isinstance(dynamic_growth_steps, _numbers.Integral):
            raise TypeError("LossScaleOptimizer: argument `dynamic_growth_steps` must be an integer, received "
                            f"{dynamic_growth_steps!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"LossScaleOptimizer: argument `name` must be a string, received {name!r}")
        self._handle = _native.loss_scale_optimizer_create(inner_optimizer._handle, True, float(initial_scale),
                                                           int(dynamic_growth_steps))
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.dynamic = True
        self.name = name or "loss_scale_optimizer"
        self._py_schedule = None
        self._unscaled = {}        # id(unscaled gradient) -> (unscaled, scaled): get_unscaled_gradients
        self._tf2_pending = False

    @property
    def loss_scale(self):
        """The current loss scale (a float)."""
        return _native.loss_scale_optimizer_loss_scale(self._handle)

    dynamic_scale = loss_scale

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    lr = learning_rate

    def scale_loss(self, loss):
        """The loss times the current scale (Keras 3), promoted to float32 when it is float16 /
        bfloat16 so that a large scale cannot overflow it."""
        t = _native.convert(loss)
        if t.dtype.name in ("float16", "bfloat16"):
            t = _native.cast(t, "float32")
        return t * self.loss_scale

    get_scaled_loss = scale_loss

    def get_unscaled_gradients(self, grads):
        """The gradients divided by the current scale (TF2). Give them to ``apply_gradients``,
        which then applies them as they are (they are not unscaled twice)."""
        scale = self.loss_scale
        out = []
        for g in grads:
            if g is None:
                out.append(None)
                continue
            u = g / scale
            self._unscaled[id(u)] = (u, g)
            out.append(u)
        self._tf2_pending = True
        return out

    def apply_gradients(self, grads_and_vars, name=None, **kwargs):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if self._tf2_pending:
            # TF2 style: these gradients were unscaled by get_unscaled_gradients; the core unscales
            # itself, so hand it the scaled originals (or rescale gradients derived from them).
            scale = self.loss_scale
            fixed = []
            for g, v in pairs:
                known = self._unscaled.get(id(g))
                fixed.append((known[1] if known is not None and known[0] is g else g * scale, v))
            pairs = fixed
            self._unscaled.clear()
            self._tf2_pending = False
        if not pairs:
            return self.iterations
        _native.optimizer_apply_gradients(self._handle, [g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def get_config(self):
        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)

    def __repr__(self):
        return f"<LossScaleOptimizer inner={self.inner_optimizer!r} loss_scale={self.loss_scale}>"


_CLASSES = {c.__name__.lower(): c for c in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion,
                                            Ftrl, Adafactor, LossScaleOptimizer)}


def serialize(optimizer, use_legacy_format=False):
    """Keras' serialized form ``{"module", "class_name", "config", "registered_name"}``."""
    refuse_unsupported("optimizers.serialize", use_legacy_format=(use_legacy_format, False))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"serialize: expected an Optimizer, got {type(optimizer).__name__}")
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None, use_legacy_format=False, **kwargs):
    """An optimizer from ``serialize``'s form (or ``{"class_name": ..., "config": ...}``)."""
    refuse_unsupported("optimizers.deserialize", use_legacy_format=(use_legacy_format, False))
    if kwargs:
        raise TypeError(f"optimizers.deserialize: unexpected arguments {sorted(kwargs)}")
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret optimizer identifier: {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(str(name).lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}")
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier):
    """An optimizer from a name ('adam', Keras' defaults), a serialized dict or an Optimizer
    (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower())
        if cls is None or cls is LossScaleOptimizer:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


class _LearningRateValue(float):
    """An optimizer's learning rate as a float (comparisons, arithmetic, formatting) with the
    methods tf.keras 2 programs call on the variable it is there: ``assign`` (also through
    ``K.set_value``) sets the optimizer's learning rate; ``numpy``; ``dtype`` float64 (the
    core keeps learning rates in double precision, so 0.1 stays 0.1)."""
    dtype = "float64"

    def __new__(cls, value, optimizer):
        obj = float.__new__(cls, value)
        obj._optimizer = optimizer
        return obj

    def assign(self, value, **kwargs):
        self._optimizer.learning_rate = float(value.numpy() if hasattr(value, "numpy") else value)
        return _LearningRateValue(self._optimizer.learning_rate, self._optimizer)

    def numpy(self):
        import numpy as np
        return np.float64(self)

    def __repr__(self):
        return float.__repr__(self)


from . import _optimizers_legacy  # noqa: E402  (optimizers.legacy, optimizers.experimental)
legacy = _optimizers_legacy.legacy_module(_sys.modules[__name__])
experimental = _optimizers_legacy.experimental_module(_sys.modules[__name__])
__all__ += ["legacy", "experimental"]
