"""Masks in custom Python layers and Softmax with a mask, against tf.keras 2.21
(TF_USE_LEGACY_KERAS=1; numbers recorded from it): ``call(inputs, mask=None)`` receives the
propagated mask, ``compute_mask`` overrides give the output mask (and make the layer support
masking), ``supports_masking = True`` passes masks on — in functional and Sequential models and
eagerly (``_keras_mask``) — and ``Softmax()(x, mask)`` adds -1e9 at masked positions."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

X = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], dtype="int32")
MEANS = [[0.6000000238418579, 0.800000011920929], [1.2000000476837158, 1.399999976158142]]


class MaskedMean(keras.layers.Layer):
    def call(self, inputs, mask=None):
        m = tf.cast(mask, inputs.dtype)[:, :, None]
        return tf.reduce_sum(inputs * m, axis=1) / tf.reduce_sum(m, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


class Pass(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * 2.0


class MaskFirst(keras.layers.Layer):
    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return tf.not_equal(inputs[:, :, 0], 0.0)


class SeeMask(keras.layers.Layer):
    def call(self, inputs, mask=None, training=None):
        self.seen = mask
        self.seen_training = training
        return inputs + 0.0


def embedding():
    """Embedding(5, 2, mask_zero=True) with the table arange(10).reshape(5, 2) · 0.1 (the
    reference sets it with a Constant initializer)."""
    emb = keras.layers.Embedding(5, 2, mask_zero=True)
    emb.build((None, 4))
    emb.set_weights([np.arange(10, dtype="float32").reshape(5, 2) * 0.1])
    return emb


def test_supports_masking_defaults():
    assert MaskFirst().supports_masking and MaskedMean().supports_masking
    assert not SeeMask().supports_masking and Pass().supports_masking


def test_functional_and_sequential_models_carry_masks_into_custom_layers():
    emb = embedding()
    inp = keras.Input((4,), dtype="int32")
    m = keras.Model(inp, MaskedMean()(Pass()(emb(inp))))
    np.testing.assert_allclose(m.predict(X, verbose=0), MEANS, rtol=1e-6)
    s = keras.Sequential([keras.Input((4,), dtype="int32"), embedding(), Pass(), MaskedMean()])
    np.testing.assert_allclose(s.predict(X, verbose=0), MEANS, rtol=1e-6)


def test_eager_masks():
    e = embedding()(tf.constant(X))
    keep = [[True, True, False, False], [True, False, False, False]]
    np.testing.assert_array_equal(e._keras_mask.numpy(), keep)
    p = Pass()(e)
    np.testing.assert_array_equal(p._keras_mask.numpy(), keep)
    mm = MaskedMean()(p)
    np.testing.assert_allclose(mm.numpy(), MEANS, rtol=1e-6)
    assert getattr(mm, "_keras_mask", None) is None
    see = SeeMask()
    out = see(e, training=True)
    np.testing.assert_array_equal(see.seen.numpy(), keep)
    assert see.seen_training is True
    assert getattr(out, "_keras_mask", None) is None   # no compute_mask, no supports_masking: not passed on
    z = tf.constant([[[1., 0.], [0., 5.], [2., 2.]]])
    np.testing.assert_array_equal(MaskFirst()(z)._keras_mask.numpy(), [[True, False, True]])
    # an explicit mask= reaches call
    see(tf.constant(np.ones((1, 3, 2), "float32")), mask=tf.constant([[True, False, True]]))
    np.testing.assert_array_equal(see.seen.numpy(), [[True, False, True]])


def test_custom_compute_mask_feeds_an_lstm():
    inp = keras.Input((3, 2))
    lstm = keras.layers.LSTM(2, kernel_initializer="ones", recurrent_initializer="ones")
    m = keras.Model(inp, lstm(MaskFirst()(inp)))
    out = m.predict(np.array([[[1., 0.], [0., 5.], [2., 2.]]], dtype="float32"), verbose=0)
    np.testing.assert_allclose(out, [[0.9052335619926453, 0.9052335619926453]], rtol=1e-5)


def test_mask_through_fit():
    # masked steps never contribute: the padding row (0) of the embedding gets no gradient,
    # the rows of the real tokens (1, 2, 3) move
    emb = embedding()
    s = keras.Sequential([keras.Input((4,), dtype="int32"), emb, Pass(), MaskedMean()])
    s.compile(keras.optimizers.SGD(0.1), "mse")
    s.fit(X, np.zeros((2, 2), "float32"), epochs=2, verbose=0)
    table = emb.get_weights()[0]
    start = np.arange(10, dtype="float32").reshape(5, 2) * 0.1
    np.testing.assert_allclose(table[[0, 4]], start[[0, 4]], rtol=0, atol=0)
    assert np.all(np.abs(table[1:4] - start[1:4]) > 1e-3)


SCORES = np.array([[1., 2., 3., 4.], [0.5, 0.1, -1., 2.]], dtype="float32")
KEEP = np.array([[True, True, False, True], [False, True, True, False]])
SOFTMAX = [[0.04201006516814232, 0.11419519037008286, 0.0, 0.8437947034835815],
           [0.0, 0.7502601146697998, 0.24973991513252258, 0.0]]


def test_softmax_with_a_mask():
    np.testing.assert_allclose(keras.layers.Softmax()(tf.constant(SCORES), tf.constant(KEEP)).numpy(), SOFTMAX, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(keras.layers.Softmax()(tf.constant(SCORES), mask=tf.constant(KEEP)).numpy(), SOFTMAX,
                               rtol=1e-6, atol=1e-7)
    # a propagated mask: Embedding(mask_zero) -> a custom layer passing it -> Softmax
    class Score(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, x):
            return tf.reduce_sum(x, axis=-1)

    s = keras.Sequential([keras.Input((4,), dtype="int32"), embedding(), Score(), keras.layers.Softmax()])
    np.testing.assert_allclose(s.predict(X, verbose=0), [[0.4013124108314514, 0.5986876487731934, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]],
                               rtol=1e-6, atol=1e-7)
