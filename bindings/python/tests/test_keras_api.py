"""swiftkeras.keras API surface: built-in layers, functional Model, compile forms, callbacks,
losses, optimizers, policies, and the digits example."""
import os
import random
import runpy

import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers, losses, optimizers, callbacks, mixed_precision

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def test_builtin_layers_and_weights():
    d = layers.Dense(3, activation="relu", name="d1")
    y = d(tf.ones([2, 4]))
    assert y.shape == (2, 3) and d.name == "d1"
    assert [tuple(w.shape) for w in d.get_weights()] == [(4, 3), (3,)]
    assert d.count_params() == 15
    d.set_weights([[[1.0] * 3] * 4, [0.0, 1.0, 2.0]])
    assert y.shape == (2, 3)
    assert d(tf.ones([1, 4])).numpy().tolist() == [[4.0, 5.0, 6.0]]
    assert layers.Flatten()(tf.ones([2, 3, 4])).shape == (2, 12)
    assert layers.Reshape((4, 3))(tf.ones([2, 12])).shape == (2, 4, 3)
    assert layers.Conv2D(4, 3, padding="same")(tf.ones([1, 8, 8, 2])).shape == (1, 8, 8, 4)
    assert layers.MaxPooling2D()(tf.ones([1, 8, 8, 2])).shape == (1, 4, 4, 2)
    assert layers.Embedding(10, 5)(tf.constant([[1, 2, 3]])).shape == (1, 3, 5)
    assert layers.LSTM(6)(tf.ones([2, 5, 3])).shape == (2, 6)
    assert layers.Add()([tf.ones([2, 3]), tf.ones([2, 3])]).numpy().tolist() == [[2.0] * 3] * 2
    assert layers.Concatenate()([tf.ones([2, 3]), tf.ones([2, 2])]).shape == (2, 5)
    bn = layers.BatchNormalization()
    bn(tf.ones([4, 3]), training=True)
    assert len(bn.weights) == 4 and len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2
    with pytest.raises(ValueError):
        layers.Dense(-1)
    with pytest.raises(ValueError, match="activation|nope"):
        layers.Dense(2, activation="nope")


def test_functional_model_fit_predict_evaluate(capsys):
    inp = keras.Input(shape=(4,))
    h = layers.Dense(16, activation="relu")(inp)
    out = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inp, out)
    assert inp.shape == (None, 4) and out.shape == (None, 2)
    model.summary()
    assert "Total params: 114" in capsys.readouterr().out
    rng = random.Random(0)
    x = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(200)]
    y = [int(r[0] + r[1] > 0) for r in x]
    seen = []
    cb = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append((e, sorted(logs))))
    model.compile(optimizers.Adam(learning_rate=0.01), losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    hist = model.fit(x, y, epochs=15, batch_size=20, validation_split=0.2, callbacks=[cb], verbose=1)
    out_text = capsys.readouterr().out
    assert "Epoch 1/15" in out_text and "Epoch 15/15" in out_text
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert hist.epoch == list(range(15))
    assert seen[0] == (0, ["accuracy", "loss", "val_accuracy", "val_loss"])
    assert hist.history["accuracy"][-1] > 0.9
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] == acc
    p = model.predict(x)
    assert tuple(p.shape) == (200, 2)
    assert model(tf.constant(x[:3]), training=False).shape == (3, 2)
    assert len(model.trainable_weights) == 4


def test_early_stopping_stops():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    x = [[1.0, 2.0]] * 8
    y = [[0.0]] * 8

    class StopAt(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:
                self.model.stop_training = True

    h = model.fit(x, y, epochs=10, verbose=0, callbacks=[StopAt()])
    assert len(h.history["loss"]) == 3


def test_losses_and_optimizer_step():
    mse = losses.MeanSquaredError()
    assert abs(float(mse([[0.0, 1.0]], [[1.0, 1.0]])) - 0.5) < 1e-6
    h = losses.Huber()
    assert abs(float(h([[0.0]], [[3.0]])) - 2.5) < 1e-6
    assert abs(float(losses.Huber(delta=2.0)([[0.0]], [[3.0]])) - 4.0) < 1e-6
    sce = losses.SparseCategoricalCrossentropy(from_logits=True)
    v = float(sce(tf.constant([0]), tf.constant([[0.0, 0.0]])))
    assert abs(v - 0.6931472) < 1e-5
    var = tf.Variable([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.1)
    assert abs(opt.learning_rate - 0.1) < 1e-12
    opt.apply_gradients(zip([tf.constant([1.0, -1.0])], [var]))
    assert [round(a, 6) for a in var.numpy().tolist()] == [0.9, 2.1]
    with pytest.raises(ValueError):
        optimizers.get("nope")
    with pytest.raises(ValueError):
        keras.Sequential([layers.Dense(1, input_shape=(2,))]).compile("adam", "no_such_loss")


def test_policy_objects():
    assert mixed_precision.global_policy().name == "float32"
    p = mixed_precision.Policy("mixed_bfloat16")
    assert (p.compute_dtype, p.variable_dtype) == ("bfloat16", "float32")
    with pytest.raises(ValueError):
        mixed_precision.set_global_policy("nope")
    assert mixed_precision.global_policy().name == "float32"
    d = layers.Dense(2, dtype="mixed_float16")
    assert d(tf.ones([1, 3])).dtype == tf.float16
    assert d.compute_dtype == "float16" and d.variable_dtype == "float32"


def test_digits_example(capsys):
    path = os.path.join(ROOT, "examples", "python", "train_digits.py")
    with pytest.raises(SystemExit) as e:
        runpy.run_path(path, run_name="__main__")
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "Epoch 20/20" in out
    line = [ln for ln in out.splitlines() if ln.startswith("held-out accuracy:")][0]
    assert float(line.split(":")[1]) >= 0.95


def test_custom_layer_in_functional_model_outlives_its_name():
    import gc

    class Double(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    inp = keras.Input((3,))
    out = layers.Dense(1)(Double()(inp))
    model = keras.Model(inp, out)
    gc.collect()
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Double", "Dense"]   # Keras: with its InputLayer
    assert model.predict([[1.0, 2.0, 3.0]]).shape == (1, 1)


def test_optimizer_learning_rate_setter():
    import numpy as np
    from swiftkeras.keras import optimizers
    opt = optimizers.SGD(0.1)
    v = tf.Variable([1.0, 2.0])
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5
    opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.5, 1.5])
    with pytest.raises(ValueError, match="positive and finite"):
        opt.learning_rate = -1.0
