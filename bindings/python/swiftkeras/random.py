"""swiftkeras.random: ``tf.random``'s common functions over the core's counter-based (Philox)
generator. Same seed, same numbers on every machine; ``set_seed`` makes unseeded draws
(initializers, dropout, fit's shuffling included) repeat from run to run."""
from . import _native

__all__ = ["set_seed", "uniform", "normal", "truncated_normal", "categorical", "shuffle",
           "stateless_uniform", "stateless_normal", "stateless_truncated_normal", "stateless_categorical",
           "Generator", "get_global_generator"]


def set_seed(seed):
    """``tf.random.set_seed``: every later draw made without a seed becomes reproducible (the
    draws repeat when the program runs again and makes them in the same order)."""
    _native.set_random_seed(int(seed))


def _backend():
    from .keras import backend
    return backend


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """``tf.random.uniform``: values in [minval, maxval) (maxval defaults to 1 for floats; an
    integer dtype needs maxval, as in TF)."""
    dtype = _native.as_dtype(dtype or _native.float32)
    if maxval is None:
        if dtype.name not in ("float16", "bfloat16", "float32", "float64"):
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
        maxval = 1.0
    return _backend().random_uniform(shape, minval, maxval, dtype, seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.normal``."""
    return _backend().random_normal(shape, mean, stddev, dtype or _native.float32, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.truncated_normal``: normal values within two standard deviations."""
    return _backend().truncated_normal(shape, mean, stddev, dtype or _native.float32, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """``tf.random.categorical``: (batch, num_samples) class indices drawn with probabilities
    softmax(logits) per row (the Gumbel-max trick over the core's uniform draws); int64 unless
    `dtype`."""
    logits = _native.convert(logits)
    if logits.ndim != 2:
        raise ValueError(f"categorical: logits must be 2-D (batch, classes), got shape {tuple(logits.shape)}")
    b, c = logits.shape
    u = _backend().random_uniform([b, int(num_samples), c], 1e-20, 1.0, "float64", seed)
    gumbel = _native.negative(_native.log(_native.negative(_native.log(u))))
    scores = _native.add(_native.expand_dims(_native.cast(logits, _native.float64), 1), gumbel)
    out = _native.argmax(scores, -1)
    return out if dtype is None else _native.cast(out, _native.as_dtype(dtype))


def shuffle(value, seed=None, name=None):
    """``tf.random.shuffle``: `value` with its first axis randomly permuted."""
    value = _native.convert(value)
    if value.ndim == 0 or value.shape[0] <= 1:
        return value
    keys = _backend().random_uniform([value.shape[0]], 0.0, 1.0, "float64", seed)
    return _native.gather(value, _native.argsort(keys, 0, False), 0)


def _stateless_seed(seed):
    """A stateless op's `seed` (a shape-[2] integer pair) as one 64-bit core seed."""
    pair = [int(v) for v in (_native.convert(seed) if not isinstance(seed, (list, tuple)) else seed)]
    if len(pair) != 2:
        raise ValueError(f"seed must be a shape [2] tensor, got {pair}")
    return ((pair[0] & 0xFFFFFFFF) << 32) | (pair[1] & 0xFFFFFFFF)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=None, name=None, alg="auto_select"):
    """``tf.random.stateless_uniform``: the same `seed` pair gives the same values."""
    return uniform(shape, minval, maxval, dtype, _stateless_seed(seed))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None, alg="auto_select"):
    """``tf.random.stateless_normal``."""
    return normal(shape, mean, stddev, dtype, _stateless_seed(seed))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None, alg="auto_select"):
    """``tf.random.stateless_truncated_normal``."""
    return truncated_normal(shape, mean, stddev, dtype, _stateless_seed(seed))


def stateless_categorical(logits, num_samples, seed, dtype=None, name=None):
    """``tf.random.stateless_categorical``."""
    return categorical(logits, num_samples, dtype, _stateless_seed(seed))


class Generator:
    """``tf.random.Generator``: a seeded stream of draws; each draw uses the next counter value,
    so two generators from the same seed give the same sequence."""

    def __init__(self, seed=None):
        import os
        self._seed = int(seed) & 0xFFFFFFFF if seed is not None else int.from_bytes(os.urandom(4), "little")
        self._counter = 0

    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(seed)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        return cls(None)

    def _next(self):
        self._counter += 1
        return (self._seed << 32) | (self._counter & 0xFFFFFFFF)

    def reset_from_seed(self, seed):
        self._seed, self._counter = int(seed) & 0xFFFFFFFF, 0

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=None, name=None):
        return normal(shape, mean, stddev, dtype, self._next())

    def uniform(self, shape, minval=0, maxval=None, dtype=None, name=None):
        return uniform(shape, minval, maxval, dtype, self._next())

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=None, name=None):
        return truncated_normal(shape, mean, stddev, dtype, self._next())

    def split(self, count=1):
        return [Generator((self._next() * 2654435761) & 0xFFFFFFFF) for _ in range(count)]


_global_generator = None


def get_global_generator():
    """``tf.random.get_global_generator``."""
    global _global_generator
    if _global_generator is None:
        _global_generator = Generator()
    return _global_generator
