"""swiftkeras.keras.optimizers: the Swift core's optimizers (``sk_optimizer_*``)."""
import warnings

from .. import _native

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Lion", "get"]


class Optimizer:
    """Base optimizer: ``apply_gradients(zip(grads, vars))`` runs one update in the core."""

    _key = None
    _defaults = {}

    def __init__(self, learning_rate=None, name=None, **kwargs):
        for k, v in kwargs.items():
            if k in self._defaults and v != self._defaults[k]:
                warnings.warn(f"{type(self).__name__}: {k}={v!r} is not configurable from Python yet; "
                              f"the Keras default {self._defaults[k]!r} is used", stacklevel=2)
        lr = 0.0 if learning_rate is None else float(learning_rate)
        self._handle = _native.optimizer_create(self._key, lr)
        self.name = name or self._key

    @property
    def learning_rate(self):
        return _native.optimizer_learning_rate(self._handle)

    @learning_rate.setter
    def learning_rate(self, value):
        _native.optimizer_set_learning_rate(self._handle, float(value))

    lr = learning_rate

    def apply_gradients(self, grads_and_vars, name=None, **kwargs):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return None
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        _native.optimizer_apply_gradients(self._handle, grads, variables)
        return None

    def minimize(self, loss, var_list, tape=None):
        from .._autodiff import GradientTape
        if tape is None:
            with GradientTape() as tape:
                value = loss() if callable(loss) else loss
        else:
            value = loss
        grads = tape.gradient(value, var_list)
        self.apply_gradients(zip(grads, var_list))

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self.learning_rate}>"


def _opt(cls_name, key, defaults):
    return type(cls_name, (Optimizer,), {"_key": key, "_defaults": defaults,
                                         "__doc__": f"keras.optimizers.{cls_name} (Keras defaults)."})


SGD = _opt("SGD", "sgd", {"momentum": 0.0, "nesterov": False})
Adam = _opt("Adam", "adam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False})
AdamW = _opt("AdamW", "adamw", {"weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7})
RMSprop = _opt("RMSprop", "rmsprop", {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False})
Adagrad = _opt("Adagrad", "adagrad", {"initial_accumulator_value": 0.1, "epsilon": 1e-7})
Adadelta = _opt("Adadelta", "adadelta", {"rho": 0.95, "epsilon": 1e-7})
Adamax = _opt("Adamax", "adamax", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7})
Nadam = _opt("Nadam", "nadam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7})
Lion = _opt("Lion", "lion", {"beta_1": 0.9, "beta_2": 0.99})

_BY_NAME = {c._key: c for c in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion)}


def get(identifier):
    """An optimizer from a name ('adam') or an Optimizer (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
