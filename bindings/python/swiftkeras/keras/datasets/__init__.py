"""keras.datasets: tf.keras 2's ``load_data`` functions over the files Keras caches in
``~/.keras/datasets``. SwiftKeras has no network access: when the file is not there, the error
names the URL to download it from and the path to put it at (``keras.utils.get_file``)."""
from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist  # noqa: F401

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist"]
