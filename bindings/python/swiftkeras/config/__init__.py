"""``tf.config``: the parts SwiftKeras has — ``tf.config.threading``.

Each area lives in its own module of this package (``threading.py``); more of ``tf.config`` goes
beside it.
"""
from . import threading

__all__ = ["threading"]
