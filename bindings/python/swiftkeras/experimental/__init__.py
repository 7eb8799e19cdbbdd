"""swiftkeras.experimental: tf.experimental (``dlpack``)."""
from . import dlpack

__all__ = ["dlpack"]
