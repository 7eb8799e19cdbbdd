"""The dataset files' origins (those tf.keras 2 downloads) and how to read them."""
import gzip
import os
import pickle
import tarfile

_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def cached(fname, origin, path=None):
    """The local path of a dataset file (``keras.utils.get_file`` without network)."""
    from ..utils import get_file
    return get_file(path or fname, origin=origin)


def load_npz(fname, path, keys):
    import numpy as np
    with np.load(cached(fname, _BASE + fname, path), allow_pickle=True) as f:
        return [f[k] for k in keys]


def idx_images(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)


def idx_labels(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)


def cifar_batches(fname, dirname, origin, members, label_key):
    """(x uint8 (n, 32, 32, 3), y uint8 (n, 1)) of the pickled CIFAR batches `members`."""
    import numpy as np
    xs, ys = [], []
    with tarfile.open(cached(fname, origin), "r:gz") as tar:
        for m in members:
            f = tar.extractfile(f"{dirname}/{m}")
            if f is None:
                raise OSError(f"{fname}: no member {dirname}/{m}")
            d = pickle.load(f, encoding="bytes")
            xs.append(np.asarray(d[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            ys.append(np.asarray(d[label_key.encode()], np.uint8).reshape(-1, 1))
    return np.concatenate(xs), np.concatenate(ys)


def expand(path):
    return os.path.expanduser(path)
