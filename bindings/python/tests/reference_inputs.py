"""The deterministic inputs and weights of the recorded tf.keras 2 reference cases (shared by the
tests and tools/reference/attention_reference.py, which records the expected outputs with them)."""
import numpy as np


def fill(shape, k):
    """sin(0.37 * i + k) * 0.5 over `shape`, float32."""
    n = int(np.prod(shape))
    return (np.sin(0.37 * np.arange(n) + k) * 0.5).reshape(shape).astype("float32")


def mask(shape, k):
    """(7 * i + k) % 3 != 0 over `shape`: each row keeps at least one position."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 7 + k) % 3 != 0).reshape(shape)
