"""keras.datasets.cifar100 (``~/.keras/datasets/cifar-100-python.tar.gz``)."""
from ._files import cifar_batches

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"


def load_data(label_mode="fine"):
    """((x_train, y_train), (x_test, y_test)) with "fine" (100) or "coarse" (20) labels, as tf.keras 2."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    key = label_mode + "_labels"
    train = cifar_batches("cifar-100-python.tar.gz", "cifar-100-python", _ORIGIN, ["train"], key)
    test = cifar_batches("cifar-100-python.tar.gz", "cifar-100-python", _ORIGIN, ["test"], key)
    return train, test
