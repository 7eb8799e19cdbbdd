"""tf.image (resize with TF2 half-pixel centres; flips; methods not implemented refused by name;
ops on symbolic tensors becoming layers) and tf.math.confusion_matrix, values recorded from
TensorFlow 2.21."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras


def test_resize_bilinear_and_nearest_match_tf():
    x = np.array([[0, 1], [2, 3]], np.float32).reshape(1, 2, 2, 1)
    got = tf.image.resize(x, (4, 4))
    assert got.shape == (1, 4, 4, 1) and got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy()[0, :, :, 0], [[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5],
                                                          [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]])
    near = tf.image.resize(x, [3, 3], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    np.testing.assert_array_equal(near.numpy()[0, :, :, 0], [[0, 1, 1], [2, 3, 3], [2, 3, 3]])
    # one image (H, W, C); an integer image comes back float32 from bilinear, as in TF
    one = tf.image.resize(np.arange(6, dtype=np.uint8).reshape(2, 3, 1), (4, 2))
    assert one.shape == (4, 2, 1) and one.dtype == tf.float32


def test_resize_refusals():
    x = np.zeros((1, 2, 2, 1), np.float32)
    with pytest.raises(NotImplementedError, match="bicubic"):
        tf.image.resize(x, (4, 4), method="bicubic")
    with pytest.raises(NotImplementedError, match="preserve_aspect_ratio"):
        tf.image.resize(x, (4, 4), preserve_aspect_ratio=True)
    with pytest.raises(ValueError, match="not implemented"):
        tf.image.resize(x, (4, 4), method="cubic-ish")


def test_flips():
    img = np.arange(24, dtype=np.float32).reshape(2, 3, 4, 1)
    np.testing.assert_array_equal(tf.image.flip_left_right(img).numpy(), img[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(img[0]).numpy(), img[0, ::-1])


def test_resize_on_symbolic_tensors_and_in_dataset_map():
    x = keras.Input((4, 4, 3))
    m = keras.Model(x, tf.image.resize(x, (8, 8)))
    assert m.output_shape == (None, 8, 8, 3)
    a = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(m(a).numpy(), tf.image.resize(a, (8, 8)).numpy(), rtol=1e-6)
    ds = tf.data.Dataset.from_tensor_slices(a).map(lambda im: tf.image.flip_left_right(tf.image.resize(im, (2, 2))))
    first = next(iter(ds))
    np.testing.assert_allclose(first.numpy(), tf.image.resize(a[0], (2, 2)).numpy()[:, ::-1], rtol=1e-6)


def test_confusion_matrix_matches_tf():
    # values from TensorFlow 2.21
    got = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4])
    assert got.dtype == tf.int32
    assert got.numpy().tolist() == [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0],
                                    [0, 0, 0, 0, 1]]
    w = tf.math.confusion_matrix([0, 1], [1, 1], num_classes=3, weights=[0.5, 2.0], dtype=tf.float32)
    assert w.dtype == tf.float32 and w.numpy().tolist() == [[0.0, 0.5, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bound"):
        tf.math.confusion_matrix([1, 5], [1, 1], num_classes=3)
    # predictions from a model, argmax'd, as evaluation scripts do
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], np.float32)
    cm = tf.math.confusion_matrix([0, 1, 1], tf.argmax(probs, axis=1), num_classes=2)
    assert cm.numpy().tolist() == [[1, 0], [1, 1]]
