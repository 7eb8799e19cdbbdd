"""swiftkeras.Variable: tf.Variable over sk_variable."""
from . import _native

__all__ = ["Variable"]


class Variable(_native.Variable):
    """A mutable tensor with an identity, like ``tf.Variable``.

    ``Variable(initial_value, trainable=True, name=None, dtype=None, shape=None, constraint=None)``;
    ``assign``/``assign_add``/``assign_sub`` (atomic), ``read_value()``, ``numpy()``, ``name``
    (``"name:0"``), ``trainable`` (settable), ``dtype``, ``shape``. Usable wherever a tensor is.
    """

    def __new__(cls, initial_value=None, trainable=None, validate_shape=True, caching_device=None,
                name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
                synchronization=None, aggregation=None, shape=None, **kwargs):
        if initial_value is None:
            raise ValueError("The initial value must be provided (initial_value=None).")
        if callable(initial_value):
            initial_value = initial_value()
        if trainable is None:
            trainable = True
        return super().__new__(cls, initial_value, name, trainable, dtype)

    def __init__(self, initial_value=None, trainable=None, validate_shape=True, caching_device=None,
                 name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
                 synchronization=None, aggregation=None, shape=None, **kwargs):
        if constraint is not None and not callable(constraint):
            raise ValueError(f"The `constraint` argument must be a callable. Received: {constraint!r}")
        self._constraint = constraint
        if constraint is not None:   # optimizers apply it in the core after each update
            from .keras import constraints
            constraints.set_on_variable(self, constraint)

    @property
    def constraint(self):
        return self.__dict__.get("_constraint")

    @property
    def initial_value(self):
        return self.read_value()

    def get_shape(self):
        return self.shape

    def __reduce__(self):
        """Pickling: the current value (a Tensor, pickled by the core's values), the name
        without ':0', trainable and the dtype; unpickling makes a new Variable of them."""
        return (_rebuild, (type(self), self.read_value(), self.name.rsplit(":", 1)[0],
                           self.trainable, self.dtype.name, self._constraint))

    def __iter__(self):
        v = self.read_value()
        return iter(v)

    def __getattr__(self, name):
        # the rest of the Tensor API (e.g. .size, ._data_address) through the current value
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.read_value(), name)


def _rebuild(cls, value, name, trainable, dtype, constraint):
    return cls(value, trainable=trainable, name=name, dtype=dtype, constraint=constraint)
