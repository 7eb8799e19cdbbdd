"""swiftkeras.keras.utils: ``set_random_seed`` (the rest of keras.utils is not provided)."""
import random as _random

from .. import _native

__all__ = ["set_random_seed"]


def set_random_seed(seed):
    """``keras.utils.set_random_seed``: seeds Python's ``random``, numpy's global generator (when
    numpy is installed) and the SwiftKeras core, so that unseeded initializers, dropout and
    fit's shuffling repeat from run to run."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
                         f"(of type {type(seed)})")
    _random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed % (1 << 32))
    except ImportError:
        pass
    _native.set_random_seed(seed)
