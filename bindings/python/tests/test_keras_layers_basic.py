"""keras.layers activation layers (LeakyReLU, ReLU, PReLU, ELU, Softmax, ThresholdedReLU), the
Dot merge layer and the lowercase merge functions (layers.add, ...) against numpy formulas of
tf.keras 2 and values recorded from tf.keras 2.21 (TF_USE_LEGACY_KERAS=1)."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers

X = np.array([[-2.0, -0.5, 0.0, 0.5, 1.0, 2.5, 7.0]], dtype=np.float32)
RNG = np.random.default_rng(5)


def _np(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def _check(got, want, dtype=np.float32, tol=1e-6):
    got = _np(got)
    assert got.shape == want.shape and got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("layer, formula", [
    (lambda: layers.LeakyReLU(), lambda x: np.where(x > 0, x, 0.3 * x)),
    (lambda: layers.LeakyReLU(alpha=0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (lambda: layers.ReLU(), lambda x: np.maximum(x, 0)),
    (lambda: layers.ReLU(6.0, 0.1, 0.5),
     lambda x: np.where(x > 0.5, np.minimum(x, 6.0), 0.1 * (x - 0.5))),
    (lambda: layers.ELU(alpha=0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x))),
    (lambda: layers.ThresholdedReLU(theta=0.5), lambda x: x * (x > 0.5)),
    (lambda: layers.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    (lambda: layers.Softmax(axis=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
])
def test_activation_layers_match_numpy(layer, formula):
    x = RNG.uniform(-3, 8, size=(4, 3, 5)).astype(np.float32)
    _check(layer()(tf.constant(x)), formula(x.astype(np.float64)).astype(np.float32))


def test_values_recorded_from_tf_keras():
    x = tf.constant(X)
    _check(layers.LeakyReLU()(x), np.array([[-0.6, -0.15, 0, 0.5, 1, 2.5, 7]], np.float32))
    _check(layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5)(x),
           np.array([[-0.25, -0.1, -0.05, 0, 1, 2.5, 6]], np.float32))
    _check(layers.ELU(alpha=0.7)(x),
           np.array([[-0.6052653193473816, -0.27542853355407715, 0, 0.5, 1, 2.5, 7]], np.float32))
    _check(layers.PReLU(alpha_initializer="zeros")(x), np.array([[0, 0, 0, 0.5, 1, 2.5, 7]], np.float32))
    s = _np(layers.Softmax(axis=[1, 2])(tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10)))
    np.testing.assert_allclose(s[0, 0], [0.04533001035451889, 0.05009740591049194, 0.05536620318889618,
                                         0.061189111322164536], rtol=1e-6)


def test_float64_inputs_keep_their_dtype():
    x = tf.constant(X.astype(np.float64))
    out = layers.LeakyReLU(alpha=0.2, dtype="float64")(x)
    _check(out, np.where(X > 0, X, 0.2 * X).astype(np.float64), dtype=np.float64)


def test_prelu_shared_axes_and_training():
    p = layers.PReLU(shared_axes=[1, 2])
    x = RNG.uniform(-1, 1, size=(4, 3, 5, 2)).astype(np.float32)
    _check(p(tf.constant(x)), np.maximum(x, 0))     # alpha starts at zero
    assert [tuple(w.shape) for w in p.get_weights()] == [(1, 1, 2)]
    assert len(p.trainable_weights) == 1
    # The gradient of sum(PReLU(x)) with respect to alpha is the sum of min(x, 0) per channel.
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(p(tf.constant(x)))
    g = tape.gradient(loss, p.trainable_weights)[0]
    np.testing.assert_allclose(_np(g), np.minimum(x, 0).sum(axis=(0, 1, 2)).reshape(1, 1, 2), rtol=1e-5)
    # alpha_constraint is supported (test_keras_constraints.py): kept in the config, unknown ones refused
    assert layers.PReLU(alpha_constraint="non_neg").get_config()["alpha_constraint"]["class_name"] == "NonNeg"
    with pytest.raises(ValueError, match="alpha_constraint"):
        layers.PReLU(alpha_constraint="bogus")


def test_prelu_alpha_is_trained_by_fit():
    x = RNG.uniform(-1, 1, size=(64, 3)).astype(np.float32)
    y = np.where(x > 0, x, 0.5 * x)
    inp = keras.Input(shape=(3,))
    p = layers.PReLU()
    m = keras.Model(inp, p(inp))
    m.compile(optimizer=keras.optimizers.SGD(5.0), loss="mse")
    m.fit(tf.constant(x), tf.constant(y), epochs=40, batch_size=64, verbose=0)
    np.testing.assert_allclose(p.get_weights()[0], [0.5, 0.5, 0.5], atol=1e-3)


def test_argument_errors():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="theta"):
        layers.ThresholdedReLU(theta=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=0.2)     # tf.keras 2 names it alpha
    with pytest.raises(TypeError):
        layers.ELU(1.0, 2.0)


def test_config_round_trips():
    for layer in [layers.LeakyReLU(alpha=0.2), layers.ReLU(max_value=6.0, threshold=0.5), layers.ELU(alpha=0.7),
                  layers.Softmax(axis=1), layers.ThresholdedReLU(theta=0.5), layers.PReLU(shared_axes=[1]),
                  layers.Dot(axes=(1, 2), normalize=True)]:
        cfg = layer.get_config()
        again = type(layer)(**cfg)
        assert again.get_config() == cfg


def test_models_with_the_layers_save_and_load(tmp_path):
    inp = keras.Input(shape=(4,))
    h = layers.LeakyReLU(alpha=0.2)(layers.Dense(6)(inp))
    h = layers.PReLU(alpha_initializer="ones")(h)
    h = layers.ReLU(max_value=3.0)(layers.ELU()(h))
    out = layers.Softmax()(layers.Dense(3)(layers.ThresholdedReLU(theta=0.1)(h)))
    m = keras.Model(inp, out)
    x = tf.constant(RNG.uniform(-1, 1, size=(5, 4)).astype(np.float32))
    path = str(tmp_path / "m.safetensors")
    m.save(path)
    np.testing.assert_array_equal(_np(keras.models.load_model(path).predict(x, verbose=0)),
                                  _np(m.predict(x, verbose=0)))


def test_dot_matches_numpy():
    a = RNG.uniform(-1, 1, size=(2, 3, 4)).astype(np.float32)
    b = RNG.uniform(-1, 1, size=(2, 4, 5)).astype(np.float32)
    _check(layers.Dot(axes=(2, 1))([tf.constant(a), tf.constant(b)]), np.einsum("bij,bjk->bik", a, b), tol=1e-5)
    c = RNG.uniform(-1, 1, size=(3, 4)).astype(np.float32)
    e = RNG.uniform(-1, 1, size=(3, 4)).astype(np.float32)
    cos = (c * e).sum(1) / np.linalg.norm(c, axis=1) / np.linalg.norm(e, axis=1)
    _check(layers.Dot(axes=1, normalize=True)([tf.constant(c), tf.constant(e)]), cos.reshape(3, 1), tol=1e-5)
    _check(layers.dot([tf.constant(c), tf.constant(e)], axes=-1), (c * e).sum(1, keepdims=True), tol=1e-5)
    with pytest.raises(ValueError, match="list of 2 inputs"):
        layers.Dot(axes=1)([tf.constant(c)] * 3)


def test_lowercase_merge_functions():
    a = RNG.uniform(-1, 1, size=(2, 3)).astype(np.float32)
    b = RNG.uniform(-1, 1, size=(2, 3)).astype(np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    _check(layers.add([ta, tb]), a + b)
    _check(layers.subtract([ta, tb]), a - b)
    _check(layers.multiply([ta, tb]), a * b)
    _check(layers.average([ta, tb]), (a + b) / 2)
    _check(layers.maximum([ta, tb]), np.maximum(a, b))
    _check(layers.minimum([ta, tb]), np.minimum(a, b))
    _check(layers.concatenate([ta, tb], axis=0), np.concatenate([a, b], axis=0))
    _check(layers.concatenate([ta, tb]), np.concatenate([a, b], axis=-1))
    assert layers.add([ta, tb], name="my_add") is not None


def test_functional_model_with_lowercase_add():
    i1, i2 = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    s = layers.add([i1, i2])
    d = layers.subtract([s, layers.maximum([i1, i2])])
    out = layers.concatenate([s, d, layers.dot([i1, i2], axes=1)])
    m = keras.Model([i1, i2], out)
    a = RNG.uniform(-1, 1, size=(4, 3)).astype(np.float32)
    b = RNG.uniform(-1, 1, size=(4, 3)).astype(np.float32)
    got = _np(m.predict([tf.constant(a), tf.constant(b)], verbose=0))
    want = np.concatenate([a + b, a + b - np.maximum(a, b), (a * b).sum(1, keepdims=True)], axis=1)
    assert got.shape == (4, 7)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_padding_cropping_upsampling_match_numpy():
    x = RNG.uniform(-1, 1, size=(2, 5, 3)).astype(np.float32)
    t = tf.constant(x)
    _check(layers.ZeroPadding1D((1, 2))(t), np.pad(x, ((0, 0), (1, 2), (0, 0))))
    _check(layers.ZeroPadding1D()(t), np.pad(x, ((0, 0), (1, 1), (0, 0))))
    _check(layers.Cropping1D((1, 2))(t), x[:, 1:3])
    _check(layers.UpSampling1D(3)(t), np.repeat(x, 3, axis=1))
    y = RNG.uniform(-1, 1, size=(2, 6, 5, 2)).astype(np.float32)
    _check(layers.Cropping2D(((1, 2), (0, 3)))(tf.constant(y)), y[:, 1:4, 0:2])
    _check(layers.Cropping2D(1)(tf.constant(y)), y[:, 1:5, 1:4])
    assert layers.Cropping2D(((1, 2), (0, 3))).get_config()["cropping"] == ((1, 2), (0, 3))
    with pytest.raises(ValueError, match="smaller than"):
        layers.Cropping1D((3, 2))(t)
    with pytest.raises(NotImplementedError, match="data_format"):
        layers.Cropping2D(1, data_format="channels_first")
    inp = keras.Input(shape=(5, 3))
    m = keras.Model(inp, layers.UpSampling1D()(layers.Cropping1D()(layers.ZeroPadding1D(2)(inp))))
    assert m.predict(t, verbose=0).shape == (2, 14, 3)
