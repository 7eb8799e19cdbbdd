"""keras.datasets.mnist (``~/.keras/datasets/mnist.npz``)."""
from ._files import load_npz


def load_data(path="mnist.npz"):
    """((x_train, y_train), (x_test, y_test)): uint8 images (n, 28, 28) and labels, as tf.keras 2."""
    x_train, y_train, x_test, y_test = load_npz("mnist.npz", path, ("x_train", "y_train", "x_test", "y_test"))
    return (x_train, y_train), (x_test, y_test)
