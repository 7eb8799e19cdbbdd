"""The seed guide's four Keras examples with tensorflow -> swiftkeras, each converging."""
import random

import pytest

import swiftkeras as tf
import swiftkeras.keras.backend as K
from swiftkeras.keras import layers, losses, mixed_precision, optimizers
from swiftkeras.keras.layers import Layer
from swiftkeras.keras.models import Sequential, Model

from seed_guide import huber_loss


def _regression(n=256, seed=0):
    rng = random.Random(seed)
    x = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(n)]
    y = [[2.0 * a - 1.0 * b + 0.5 * c + 0.3 + rng.gauss(0, 0.1)] for a, b, c in x]
    return x, y


def test_huber_custom_loss_compile_fit():
    x, y = _regression()
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizers.Adam(0.05), loss=huber_loss)
    hist = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    losses_ = hist.history["loss"]
    assert len(losses_) == 30
    assert losses_[-1] < 0.1 * losses_[0]
    assert model.evaluate(x, y, verbose=0) < 0.02


class ScalingLayer(Layer):
    def __init__(self, **kwargs):
        super(ScalingLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        self.scale = self.add_weight(name='scale', shape=(1,), initializer='ones', trainable=True)
        super(ScalingLayer, self).build(input_shape)

    def call(self, inputs):
        return K.multiply(inputs, self.scale)

    def compute_output_shape(self, input_shape):
        return input_shape


def test_scaling_layer_sequential_fit():
    model = Sequential([ScalingLayer(input_shape=(10,))])
    assert model.count_params() == 1
    rng = random.Random(1)
    x = [[rng.gauss(0, 1) for _ in range(10)] for _ in range(256)]
    y = [[2.5 * v for v in row] for row in x]
    model.compile(optimizer=optimizers.Adam(0.05), loss="mse")
    hist = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 1e-3 * hist.history["loss"][0] + 1e-3
    scale = model.layers[0].scale
    assert isinstance(scale, tf.Variable)
    assert abs(float(scale.numpy()[0]) - 2.5) < 0.05
    assert len(model.trainable_variables) == 1
    out = model(tf.ones([2, 10]))
    assert out.shape == (2, 10)


def test_custom_training_loop():
    rng = random.Random(2)
    n = 240
    x = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(n)]
    y = [0 if r[0] + r[1] > 0.5 else (1 if r[2] > 0 else 2) for r in x]
    model = Sequential([layers.Dense(16, activation="relu", input_shape=(4,)),
                        layers.Dense(3, activation="softmax")])
    optimizer = tf.keras.optimizers.Adam()
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)
            loss = loss_fn(y, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    xt, yt = tf.constant(x), tf.constant(y)
    first = float(loss_fn(yt, model(xt)))
    for _ in range(60):
        for i in range(0, n, 30):
            train_step(tf.constant(x[i:i + 30]), tf.constant(y[i:i + 30]))
    last = float(loss_fn(yt, model(xt)))
    assert last < 0.5 * first


def test_mixed_float16_fit():
    mixed_precision.set_global_policy('mixed_float16')
    try:
        assert mixed_precision.global_policy().name == "mixed_float16"
        rng = random.Random(3)
        x = [[rng.gauss(0, 1) for _ in range(8)] for _ in range(256)]
        y = [int(r[0] > 0) + int(r[1] > 0) for r in x]
        model = Sequential([layers.Dense(32, activation="relu", input_shape=(8,)),
                            layers.Dense(3, activation="softmax")])
        assert model.layers[0].compute_dtype == "float16"
        model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=["accuracy"])
        hist = model.fit(x, y, epochs=80, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < 0.6 * hist.history["loss"][0]
        assert hist.history["accuracy"][-1] > 0.85
    finally:
        mixed_precision.set_global_policy('float32')
    assert mixed_precision.global_policy().name == "float32"


class Boom(Exception):
    pass


def test_failing_custom_loss_reaches_caller():
    def bad_loss(y_true, y_pred):
        raise Boom("loss exploded")

    x, y = _regression(32)
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", bad_loss)
    with pytest.raises(Boom, match="loss exploded"):
        model.fit(x, y, epochs=1, verbose=0)


def test_failing_custom_layer_reaches_caller():
    class Bad(Layer):
        def call(self, inputs):
            raise KeyError("bad layer")

    layer = Bad()
    with pytest.raises(KeyError, match="bad layer"):
        layer(tf.ones([2, 3]))

    class BadInTraining(Layer):
        def call(self, inputs, training=None):
            if training:
                raise Boom("training call failed")
            return inputs

    model = Sequential([BadInTraining(input_shape=(3,)), layers.Dense(1)])
    model.compile("adam", "mse")
    x, y = _regression(16)
    assert model.predict(x).shape == (16, 1)
    with pytest.raises(Boom, match="training call failed"):
        model.fit(x, y, epochs=1, verbose=0)
