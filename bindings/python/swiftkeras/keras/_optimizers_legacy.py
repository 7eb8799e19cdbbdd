"""``keras.optimizers.legacy`` (tf.keras 2's OptimizerV2 classes, which published TF2 programs
use for ``lr=`` and ``decay=``) and ``keras.optimizers.experimental`` (TF 2.9–2.10's name of the
new optimizers).

A legacy optimizer here is the new optimizer of the same name (the core's update rule) with the
legacy arguments mapped: ``lr`` is ``learning_rate``, and ``decay`` (OptimizerV2's
``lr / (1 + decay * iterations)``) is an ``InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)``
schedule. The update rules are the new optimizers' (SGD, Adam, Adamax, Nadam, Adadelta match
OptimizerV2; OptimizerV2's RMSprop and Adagrad add epsilon inside the square root, so their steps
differ by about epsilon) — see README "Reference semantics"."""
from .._environment import make_module

_LEGACY = ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl")
_EXPERIMENTAL = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Optimizer")


def _legacy_class(base):
    def __init__(self, learning_rate=None, *args, lr=None, decay=0.0, **kwargs):
        if lr is not None:
            if learning_rate is not None:
                raise ValueError(f"{base.__name__}: give `learning_rate` or `lr`, not both")
            learning_rate = lr
        if learning_rate is None:
            learning_rate = 0.01 if base.__name__ == "SGD" else 0.001
        decay = float(decay)
        if decay < 0:
            raise ValueError(f"decay cannot be less than 0. Received: decay={decay}.")
        if decay > 0:
            from .optimizers_schedules import InverseTimeDecay
            learning_rate = InverseTimeDecay(float(learning_rate), decay_steps=1, decay_rate=decay)
        base.__init__(self, learning_rate, *args, **kwargs)

    return type(base.__name__, (base,), {"__init__": __init__, "__module__": __name__ + ".legacy",
                                         "__doc__": f"tf.keras 2's legacy {base.__name__}: `lr` and `decay` "
                                                    f"accepted (see keras.optimizers.legacy)."})


def legacy_module(optimizers):
    members = {n: _legacy_class(getattr(optimizers, n)) for n in _LEGACY}
    members["Optimizer"] = optimizers.Optimizer
    return make_module(optimizers.__name__ + ".legacy", __doc__, members)


def experimental_module(optimizers):
    return make_module(optimizers.__name__ + ".experimental", "keras.optimizers.experimental: the new optimizers.",
                   {n: getattr(optimizers, n) for n in _EXPERIMENTAL})
