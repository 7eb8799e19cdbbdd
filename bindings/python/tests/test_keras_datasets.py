"""keras.datasets over files in Keras' cache (~/.keras/datasets): the arrays tf.keras 2's
load_data returns for small files written here in the real formats, and the error naming the
URL when a file is missing (no network access)."""
import gzip
import io
import pickle
import tarfile

import numpy as np
import pytest

from swiftkeras import keras


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    d = tmp_path / ".keras" / "datasets"
    d.mkdir(parents=True)
    return d


def test_missing_file_names_url_and_path(cache):
    with pytest.raises(ValueError, match=r"mnist\.npz.*no network access.*\.keras/datasets/mnist\.npz"):
        keras.datasets.mnist.load_data()


def test_mnist_from_cache(cache):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), "y_train": np.arange(5, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8), "y_test": np.array([7, 1], np.uint8)}
    np.savez(cache / "mnist.npz", **arrays)
    (xt, yt), (xs, ys) = keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(xt, arrays["x_train"])
    np.testing.assert_array_equal(ys, arrays["y_test"])
    assert xt.dtype == np.uint8 and xs.shape == (2, 28, 28)


def test_fashion_mnist_idx_files(cache):
    d = cache / "fashion-mnist"
    d.mkdir()
    imgs = np.arange(2 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(2, 28, 28)
    labels = np.array([3, 9], np.uint8)
    for prefix in ("train", "t10k"):
        with gzip.open(d / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + imgs.tobytes())
        with gzip.open(d / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + labels.tobytes())
    (xt, yt), (xs, ys) = keras.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(xt, imgs)
    np.testing.assert_array_equal(ys, labels)


def test_cifar10_batches(cache):
    rng = np.random.default_rng(1)
    batches = {}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            data = rng.integers(0, 256, (2, 3072), dtype=np.uint8)
            labels = rng.integers(0, 10, 2).tolist()
            batches[name] = (data, labels)
            raw = pickle.dumps({b"data": data, b"labels": labels})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    (cache / "cifar-10-batches-py.tar.gz").write_bytes(buf.getvalue())
    (xt, yt), (xs, ys) = keras.datasets.cifar10.load_data()
    assert xt.shape == (10, 32, 32, 3) and yt.shape == (10, 1) and xs.shape == (2, 32, 32, 3)
    want = batches["data_batch_1"][0].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(xt[:2], want)
    assert ys[:, 0].tolist() == batches["test_batch"][1]


def test_boston_housing_split(cache):
    x = np.arange(50, dtype=np.float64).reshape(10, 5)
    y = np.arange(10, dtype=np.float64)
    np.savez(cache / "boston_housing.npz", x=x, y=y)
    (xt, yt), (xs, ys) = keras.datasets.boston_housing.load_data(test_split=0.2, seed=113)
    idx = np.arange(10)
    np.random.RandomState(113).shuffle(idx)
    np.testing.assert_array_equal(yt, y[idx[:8]])
    np.testing.assert_array_equal(xs, x[idx[8:]])


def test_imdb_index_options(cache):
    x_train = np.empty(2, dtype=object)
    x_train[:] = [[1, 5, 2], [4]]
    x_test = np.empty(1, dtype=object)
    x_test[:] = [[9, 9, 9, 9]]
    np.savez(cache / "imdb.npz", x_train=x_train, y_train=np.array([1, 0]), x_test=x_test, y_test=np.array([1]))
    (xt, yt), (xs, ys) = keras.datasets.imdb.load_data(num_words=8, seed=0)
    # start_char 1, words shifted by index_from 3, indices >= num_words become oov_char 2
    train = sorted((list(s), int(l)) for s, l in zip(xt, yt))
    assert train == [([1, 4, 2, 5], 1), ([1, 7], 0)]
    assert [list(s) for s in xs] == [[1, 2, 2, 2, 2]] and ys.tolist() == [1]
    (xt, _), _ = keras.datasets.imdb.load_data(maxlen=3, seed=0)
    assert [list(s) for s in xt] == [[1, 2]]   # num_words defaults to the largest index, which tf.keras 2 maps to oov_char
