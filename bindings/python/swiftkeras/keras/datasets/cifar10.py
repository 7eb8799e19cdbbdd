"""keras.datasets.cifar10 (``~/.keras/datasets/cifar-10-batches-py.tar.gz``)."""
from ._files import cifar_batches

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def load_data():
    """((x_train, y_train), (x_test, y_test)): uint8 (n, 32, 32, 3) and labels (n, 1), as tf.keras 2."""
    train = cifar_batches("cifar-10-batches-py.tar.gz", "cifar-10-batches-py", _ORIGIN,
                          [f"data_batch_{i}" for i in range(1, 6)], "labels")
    test = cifar_batches("cifar-10-batches-py.tar.gz", "cifar-10-batches-py", _ORIGIN, ["test_batch"], "labels")
    return train, test
