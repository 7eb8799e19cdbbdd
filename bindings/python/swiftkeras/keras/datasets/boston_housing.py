"""keras.datasets.boston_housing (``~/.keras/datasets/boston_housing.npz``)."""
from ._files import load_npz


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)), shuffled with ``seed`` and split as tf.keras 2."""
    import numpy as np
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be in [0, 1), got {test_split}")
    x, y = load_npz("boston_housing.npz", path, ("x", "y"))
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - test_split))
    return (np.array(x[:n]), np.array(y[:n])), (np.array(x[n:]), np.array(y[n:]))
