"""keras.datasets.fashion_mnist (the four gzipped IDX files in ``~/.keras/datasets/fashion-mnist``)."""
from ._files import cached, idx_images, idx_labels

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def load_data():
    """((x_train, y_train), (x_test, y_test)): uint8 images (n, 28, 28) and labels, as tf.keras 2."""
    def get(name):
        return cached(f"fashion-mnist/{name}", _ORIGIN + name)
    return ((idx_images(get("train-images-idx3-ubyte.gz")), idx_labels(get("train-labels-idx1-ubyte.gz"))),
            (idx_images(get("t10k-images-idx3-ubyte.gz")), idx_labels(get("t10k-labels-idx1-ubyte.gz"))))
