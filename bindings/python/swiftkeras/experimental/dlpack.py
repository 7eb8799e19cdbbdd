"""swiftkeras.experimental.dlpack: tf.experimental.dlpack over DLPack 1.0 (bindings/python/src/dlpack.c).

``from_dlpack(x)`` takes any object with ``__dlpack__`` (numpy, torch, ...) or a DLPack capsule;
``to_dlpack(tensor)`` gives the capsule of a Tensor. Tensors also speak the protocol themselves
(``tensor.__dlpack__(max_version=(1, 0))``: a read-only view; ``numpy.from_dlpack(tensor)``).
"""
from .. import _native

__all__ = ["from_dlpack", "to_dlpack"]


def from_dlpack(dlcapsule):
    """A Tensor of the values of ``dlcapsule`` (an object with ``__dlpack__`` or a capsule): the
    producer's memory itself when it is read-only and contiguous, else a copy (a tensor never
    changes, and a writable producer could still write into its memory)."""
    return _native.from_dlpack(dlcapsule)


def to_dlpack(tf_tensor):
    """A DLPack capsule of a Tensor, as ``tf.experimental.dlpack.to_dlpack``: the legacy
    "dltensor" capsule, which cannot carry a read-only flag, so it holds a copy; consumers of
    DLPack 1.0 call ``tf_tensor.__dlpack__(max_version=(1, 0))`` and get a read-only view."""
    return _native.convert(tf_tensor).__dlpack__()
