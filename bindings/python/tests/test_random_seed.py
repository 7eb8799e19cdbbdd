"""Global seeding: tf.random.set_seed / keras.utils.set_random_seed make unseeded draws repeat."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras


def _dense_kernel():
    layer = keras.layers.Dense(4)
    layer(tf.zeros((1, 3)))
    return layer.get_weights()[0]


def test_set_seed_repeats_unseeded_draws():
    tf.random.set_seed(7)
    a = tf.random.normal((50,)).numpy()
    k1 = _dense_kernel()
    tf.random.set_seed(7)
    b = tf.random.normal((50,)).numpy()
    k2 = _dense_kernel()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(k1, k2)
    tf.random.set_seed(8)
    c = tf.random.normal((50,)).numpy()
    assert np.mean(a != c) > 0.9


def test_random_namespace_values():
    u = tf.random.uniform((2000,), minval=2, maxval=3, seed=1).numpy()
    assert u.dtype == np.float32 and u.shape == (2000,)
    assert u.min() >= 2 and u.max() < 3 and abs(u.mean() - 2.5) < 0.05
    t = tf.random.truncated_normal((2000,), stddev=2.0, seed=2).numpy()
    assert np.abs(t).max() <= 4.0
    np.testing.assert_array_equal(tf.random.normal((5,), seed=3).numpy(), tf.random.normal((5,), seed=3).numpy())


def test_keras_set_random_seed_makes_fit_reproducible():
    x = np.random.RandomState(0).randn(64, 3).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int32")

    def train():
        keras.utils.set_random_seed(123)
        m = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(3,)),
                              keras.layers.Dropout(0.3), keras.layers.Dense(2)])
        m.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        h = m.fit(x, y, batch_size=16, epochs=3, verbose=0)
        return h.history["loss"], m.get_weights()

    l1, w1 = train()
    l2, w2 = train()
    assert l1 == l2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="integer"):
        keras.utils.set_random_seed(1.5)
