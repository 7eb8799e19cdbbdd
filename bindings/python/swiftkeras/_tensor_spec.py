"""``tf.TensorSpec``: the shape and dtype a tensor is expected to have (``tf.function``
input signatures, ``Dataset.element_spec``)."""
from . import _native

__all__ = ["TensorSpec"]


class TensorSpec:
    """``tf.TensorSpec(shape, dtype=tf.float32, name=None)``; a None dimension (or shape None)
    matches any size."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=_native.float32, name=None):
        self._shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        self._dtype = _native.as_dtype(dtype)
        self._name = name

    shape = property(lambda self: _native.TensorShape(None if self._shape is None else list(self._shape)))
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)

    @classmethod
    def from_tensor(cls, tensor, name=None):
        t = _native.convert(tensor)
        return cls(tuple(t.shape), t.dtype, name)

    @classmethod
    def from_spec(cls, spec, name=None):
        return cls(spec._shape, spec.dtype, name if name is not None else spec.name)

    def _shape_matches(self, shape):
        if self._shape is None or shape is None:
            return True
        return len(shape) == len(self._shape) and all(a is None or b is None or a == b
                                                      for a, b in zip(self._shape, shape))

    def is_compatible_with(self, spec_or_tensor):
        """Same dtype, and shapes that agree where both are known."""
        if isinstance(spec_or_tensor, TensorSpec):
            return self._dtype == spec_or_tensor.dtype and self._shape_matches(spec_or_tensor._shape)
        t = _native.convert(spec_or_tensor)
        return self._dtype == t.dtype and self._shape_matches(tuple(t.shape))

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self._shape == other._shape and self._dtype == other.dtype
                and self._name == other.name)

    def __hash__(self):
        return hash((self._shape, self._dtype.name, self._name))

    def __repr__(self):
        shape = "None" if self._shape is None else "(" + ", ".join(str(d) for d in self._shape) + ("," if len(self._shape) == 1 else "") + ")"
        return f"TensorSpec(shape={shape}, dtype=tf.{self._dtype.name}, name={self._name!r})"
