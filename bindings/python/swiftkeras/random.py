"""swiftkeras.random: ``tf.random``'s common functions over the core's counter-based (Philox)
generator. Same seed, same numbers on every machine; ``set_seed`` makes unseeded draws
(initializers, dropout, fit's shuffling included) repeat from run to run."""
from . import _native

__all__ = ["set_seed", "uniform", "normal", "truncated_normal"]


def set_seed(seed):
    """``tf.random.set_seed``: every later draw made without a seed becomes reproducible (the
    draws repeat when the program runs again and makes them in the same order)."""
    _native.set_random_seed(int(seed))


def _backend():
    from .keras import backend
    return backend


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """``tf.random.uniform``: values in [minval, maxval) (maxval defaults to 1 for floats)."""
    if maxval is None:
        maxval = 1.0
    return _backend().random_uniform(shape, minval, maxval, dtype or _native.float32, seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.normal``."""
    return _backend().random_normal(shape, mean, stddev, dtype or _native.float32, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.truncated_normal``: normal values within two standard deviations."""
    return _backend().truncated_normal(shape, mean, stddev, dtype or _native.float32, seed)
