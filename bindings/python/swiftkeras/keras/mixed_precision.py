"""swiftkeras.keras.mixed_precision: dtype policies (``sk_set_global_policy``)."""
from .. import _native

__all__ = ["Policy", "set_global_policy", "global_policy", "LossScaleOptimizer"]

class Policy:
    """A dtype policy: ``Policy('mixed_float16')`` computes in float16 with float32 variables
    (the core's rule: ``sk_policy_dtypes``)."""

    def __init__(self, name):
        if isinstance(name, Policy):
            name = name.name
        if isinstance(name, _native.DType):
            name = name.name
        self._compute, self._variable = _native.policy_dtypes(str(name))   # raises for unknown names
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute

    @property
    def variable_dtype(self):
        return self._variable

    def __eq__(self, other):
        return isinstance(other, Policy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


def set_global_policy(policy):
    """Sets the policy of layers created afterwards (``None`` restores the default: floatx, as
    Keras)."""
    if policy is None:
        policy = _native.floatx()
    name = policy.name if isinstance(policy, (Policy, _native.DType)) else policy
    _native.set_global_policy(name)


def global_policy():
    return Policy(_native.global_policy())


def __getattr__(name):
    # keras.mixed_precision.LossScaleOptimizer is keras.optimizers.LossScaleOptimizer (imported
    # lazily: optimizers is imported after this module by the package).
    if name == "LossScaleOptimizer":
        from .optimizers import LossScaleOptimizer
        return LossScaleOptimizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
