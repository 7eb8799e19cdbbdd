"""tf.keras 2's functional-API conveniences real programs use: layer.input / output /
input_shape / output_shape and model.input / output (feature extractors built from a model's
layers, Sequential models included), constructor attributes of built-in layers (units,
activation, kernel_size, ...), compute_output_shape, Embedding(input_length=), Lambda layers,
TensorFlow functions and operators applied to symbolic tensors (TFOpLambda), and custom layers
called with several positional tensors. Oracles: numpy on the layers' weights, and tf.keras 2's
documented shapes, types and parameter counts (checked against tf-keras 2.21)."""
import numpy as np
import pytest

import swiftkeras as tf
import swiftkeras.keras.backend as K
from swiftkeras import keras
from swiftkeras.keras import layers

f32 = np.float32


def _dense_np(layer, x):
    w, b = layer.get_weights()
    return x @ w + b


# -- layer.input / output / shapes -----------------------------------------------------------------
def test_functional_layer_connectivity_and_feature_extractor():
    x = keras.Input((8,))
    h = layers.Dense(4, activation="relu", name="h")(x)
    o = layers.Dense(2, name="o")(h)
    m = keras.Model(x, o)
    hl = m.get_layer("h")
    assert hl.output is h and hl.input is x and m.get_layer("o").input is h
    assert m.input is x and m.output is o
    assert hl.input_shape == (None, 8) and hl.output_shape == (None, 4)
    assert m.input_shape == (None, 8) and m.output_shape == (None, 2)
    feat = keras.Model(m.input, hl.output)
    a = np.random.default_rng(0).normal(size=(3, 8)).astype(f32)
    np.testing.assert_allclose(feat(a).numpy(), np.maximum(_dense_np(hl, a), 0), rtol=1e-5, atol=1e-6)
    assert feat.get_layer("h") is hl or feat.get_layer("h").name == "h"


def test_sequential_graph_like_tf_keras_2():
    s = keras.Sequential([layers.Dense(3, input_shape=(5,), name="s1"), layers.Dense(2, name="s2")])
    assert s.input_shape == (None, 5) and s.output_shape == (None, 2)
    assert tuple(s.input.shape) == (None, 5) and tuple(s.output.shape) == (None, 2)
    assert s.layers[0].output_shape == (None, 3) and s.layers[1].input_shape == (None, 3)
    a = np.arange(10, dtype=f32).reshape(2, 5)
    feat = keras.Model(s.input, s.layers[0].output)
    np.testing.assert_allclose(feat(a).numpy(), _dense_np(s.layers[0], a), rtol=1e-5)
    assert len(s.inputs) == 1 and len(s.outputs) == 1


def test_multiple_nodes_and_errors():
    d = layers.Dense(3)
    with pytest.raises(AttributeError, match="not connected"):
        d.input
    with pytest.raises(AttributeError, match="no inbound nodes"):
        d.output
    with pytest.raises(AttributeError, match="never been called"):
        d.output_shape
    a, b = keras.Input((4,)), keras.Input((4,))
    ya, yb = d(a), d(b)
    assert d.get_output_at(0) is ya and d.get_output_at(1) is yb and d.get_input_at(1) is b
    assert d.output is ya and d.output_shape == (None, 3) and d.get_output_shape_at(1) == (None, 3)
    c = keras.Input((6,))
    e = layers.Dense(2)
    e(a), e(c)
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        e.input_shape
    assert e.get_input_shape_at(1) == (None, 6)
    assert not hasattr(keras.Sequential([layers.Dense(2)]), "input")   # no input shape: no graph


def test_subclassed_model_has_no_input():
    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    m = M()
    m(np.ones((1, 3), f32))
    with pytest.raises(AttributeError):
        m.input


# -- constructor attributes, compute_output_shape ----------------------------------------------------
def test_builtin_layer_attributes_from_config():
    d = layers.Dense(7, activation="relu", use_bias=False)
    assert d.units == 7 and d.use_bias is False
    assert d.activation is keras.activations.relu or d.activation.__name__ == "relu"
    assert isinstance(d.kernel_initializer, keras.initializers.GlorotUniform)
    c = layers.Conv2D(4, 3, strides=2, padding="same")
    assert c.filters == 4 and c.kernel_size == (3, 3) and c.strides == (2, 2) and c.padding == "same"
    r = layers.LSTM(5, return_sequences=True)
    assert r.units == 5 and r.return_sequences is True and r.recurrent_activation.__name__ == "sigmoid"
    assert layers.Dropout(0.25).rate == 0.25
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        d.nonexistent


def test_compute_output_shape_of_builtin_layers_and_models():
    assert tuple(layers.Dense(3).compute_output_shape((None, 5))) == (None, 3)
    assert tuple(layers.Conv2D(8, 3).compute_output_shape((None, 10, 10, 1))) == (None, 8, 8, 8)
    s = keras.Sequential([layers.Dense(3, input_shape=(5,)), layers.Dense(2)])
    assert tuple(s.compute_output_shape((None, 5))) == (None, 2)


def test_embedding_input_length():
    m = keras.Sequential([layers.Embedding(10, 4, input_length=5), layers.Flatten(), layers.Dense(1)])
    assert m.output_shape == (None, 1)
    assert m.layers[0].output_shape == (None, 5, 4)
    assert m.count_params() == 10 * 4 + 5 * 4 + 1   # 61, as tf.keras 2
    assert m.layers[0].get_config()["input_length"] == 5
    back = keras.Sequential.from_config(m.get_config())
    assert back.output_shape == (None, 1)
    x = keras.Input((7,))
    with pytest.raises(ValueError, match=r"incompatible.*\(None, 5\)"):   # tf.keras 2: expected shape=(None, 5)
        layers.Embedding(10, 4, input_length=5)(x)


# -- Lambda ------------------------------------------------------------------------------------------
def _double_plus(x, offset=0.0):
    return x * 2.0 + offset


def test_lambda_layer_values_config_and_saving(tmp_path):
    x = keras.Input((3,))
    y = layers.Lambda(lambda t: K.square(t) + 1.0, name="sq")(x)
    z = layers.Lambda(_double_plus, arguments={"offset": 0.5}, name="dp")(y)
    m = keras.Model(x, z)
    a = np.array([[1, -2, 3]], f32)
    want = (a ** 2 + 1) * 2 + 0.5
    np.testing.assert_allclose(m(a).numpy(), want, rtol=1e-6)
    cfg = m.get_layer("dp").get_config()
    assert cfg["function"] == "_double_plus" and cfg["function_type"] == "function" and cfg["arguments"] == {"offset": 0.5}
    assert m.get_layer("sq").get_config()["function_type"] == "lambda"
    path = str(tmp_path / "lam")
    m.save(path)
    # a lambda's bytecode could be anything: refused unless the caller trusts the file (Keras 3's safe_mode)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)
    back = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(back(a).numpy(), want, rtol=1e-6)
    again = keras.Model.from_config(m.get_config())
    np.testing.assert_allclose(again(a).numpy(), want, rtol=1e-6)


def test_lambda_in_sequential_trains():
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(256, 2)).astype(f32)
    ys = (xs[:, :1] * 3 - xs[:, 1:] * 2).astype(f32)
    m = keras.Sequential([layers.Lambda(lambda t: t * 0.5, input_shape=(2,)), layers.Dense(1)])
    m.compile(keras.optimizers.Adam(0.05), "mse")
    h = m.fit(xs, ys, epochs=40, batch_size=32, verbose=0)
    assert h.history["loss"][-1] < 1e-2 * h.history["loss"][0]


# -- TensorFlow ops on symbolic tensors (TFOpLambda) -------------------------------------------------
def test_ops_on_symbolic_tensors_build_layers(tmp_path):
    x = keras.Input((4,))
    y = x / 255.0
    d = layers.Dense(3, name="d")
    z = d(y)
    w = tf.concat([z, z * 2 - 1], axis=-1)
    s = tf.reduce_sum(w, axis=1, keepdims=True)
    r = K.mean(-w, axis=-1)
    first = w[:, 0]
    m = keras.Model(x, [s, r, first])
    names = [l.name for l in m.layers]
    assert "tf.concat" in names and "tf.reduce_sum" in names and "tf.keras.backend.mean" in names
    a = np.arange(8, dtype=f32).reshape(2, 4)
    zz = _dense_np(d, a / 255.0)
    ww = np.concatenate([zz, zz * 2 - 1], -1)
    out = m(a)
    np.testing.assert_allclose(out[0].numpy(), ww.sum(1, keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[1].numpy(), (-ww).mean(-1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[2].numpy(), ww[:, 0], rtol=1e-5, atol=1e-6)
    path = str(tmp_path / "ops")
    m.save(path)
    back = keras.models.load_model(path)
    for g, e in zip(back(a), out):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6)
    with pytest.raises(TypeError, match="iterate"):
        list(x)


def test_op_layers_train_inside_a_model():
    rng = np.random.default_rng(2)
    xs = rng.uniform(0, 255, size=(256, 3)).astype(f32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5]], f32) / 255.0).astype(f32)
    x = keras.Input((3,))
    out = layers.Dense(1)(tf.cast(x, tf.float32) / 255.0)
    m = keras.Model(x, out)
    m.compile(keras.optimizers.Adam(0.05), "mse")
    h = m.fit(xs, ys, epochs=60, batch_size=32, verbose=0)
    assert h.history["loss"][-1] < 1e-2 * h.history["loss"][0]


# -- custom layers called with several positional tensors --------------------------------------------
def test_custom_layer_with_two_positional_inputs():
    class Blend(layers.Layer):
        def build(self, input_shape):
            self.alpha = self.add_weight("alpha", shape=(), initializer="ones")

        def call(self, a, b):
            return self.alpha * a + b

    blend = Blend()
    x1, x2 = keras.Input((3,)), keras.Input((3,))
    m = keras.Model([x1, x2], blend(x1, x2))
    a, b = np.ones((2, 3), f32), np.full((2, 3), 2.0, f32)
    np.testing.assert_allclose(m([a, b]).numpy(), a + b)
    np.testing.assert_allclose(Blend()(a, b).numpy(), a + b)


# -- tf.keras 2 names published programs import ------------------------------------------------------
def test_tf_keras_2_aliases():
    from swiftkeras.keras.layers.experimental import preprocessing
    assert preprocessing.Rescaling is layers.Rescaling and preprocessing.Normalization is layers.Normalization
    assert keras.layers.experimental.preprocessing.StringLookup is layers.StringLookup
    assert keras.losses.Reduction.NONE == "none" and keras.losses.Reduction.SUM_OVER_BATCH_SIZE == "sum_over_batch_size"
    loss = keras.losses.MeanSquaredError(reduction=keras.losses.Reduction.SUM)
    assert float(loss(np.zeros((2, 1), f32), np.ones((2, 1), f32))) == pytest.approx(2.0)   # 1 per sample, summed
    m = keras.Sequential([layers.BatchNormalization(input_shape=(3,))])
    assert len(m.non_trainable_variables) == 2 and len(m.layers[0].non_trainable_variables) == 2


# -- optimizers as tf.keras 2 programs use them --------------------------------------------------------
def test_learning_rate_is_settable_like_a_variable():
    opt = keras.optimizers.Adam(0.5)
    K.set_value(opt.lr, 0.1)
    assert opt.learning_rate == 0.1 and K.get_value(opt.lr) == pytest.approx(0.1)
    opt.learning_rate.assign(0.02)
    assert opt.lr == 0.02 and opt.get_config()["learning_rate"] == pytest.approx(0.02)
    assert float(opt.lr.numpy()) == pytest.approx(0.02)


def test_legacy_and_experimental_optimizers():
    from swiftkeras.keras.optimizers.legacy import SGD, Adam
    with pytest.raises(ValueError, match="legacy"):
        keras.optimizers.Adam(decay=0.1)        # tf.keras 2's new optimizers refuse decay
    with pytest.raises(ValueError, match="learning_rate"):
        keras.optimizers.Adam(lr=0.1)           # tf.keras 2 warns and ignores it; we refuse
    opt = Adam(lr=0.07, decay=0.1)
    m = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    m.compile(opt, "mse")
    m.fit(np.ones((8, 2), f32), np.ones((8, 1), f32), batch_size=4, epochs=1, verbose=0)
    assert float(opt.learning_rate) == pytest.approx(0.07 / (1 + 0.1 * 2))   # OptimizerV2: lr / (1 + decay * t)
    # legacy SGD without decay takes the same steps as the new one
    w0 = np.array([[0.5], [-0.25]], f32)
    xs, ys = np.ones((4, 2), f32), np.zeros((4, 1), f32)
    finals = []
    for make in (lambda: SGD(lr=0.1), lambda: keras.optimizers.SGD(learning_rate=0.1)):
        mm = keras.Sequential([layers.Dense(1, input_shape=(2,), use_bias=False)])
        mm.set_weights([w0])
        mm.compile(make(), "mse")
        mm.fit(xs, ys, batch_size=4, epochs=3, verbose=0, shuffle=False)
        finals.append(mm.get_weights()[0])
    np.testing.assert_array_equal(finals[0], finals[1])
    assert keras.optimizers.experimental.AdamW is keras.optimizers.AdamW


def test_plot_model_says_what_is_missing():
    m = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ImportError, match="pydot"):
        keras.utils.plot_model(m, to_file="m.png")


def test_summary_shows_python_class_names(capsys):
    class MyLayer(layers.Layer):
        def call(self, x):
            return x

    x = keras.Input((3,))
    m = keras.Model(x, MyLayer(name="mine")(layers.Lambda(lambda t: t * 2, name="twice")(x)) + 1)
    m.summary()
    out = capsys.readouterr().out
    # tf.keras 2 wraps the long name inside its 29-character column
    assert "mine (MyLayer)" in out and "twice (Lambda)" in out and " tf.__operators__.add (TFOp " in out and "\n Lambda) " in out
