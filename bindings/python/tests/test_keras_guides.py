"""Regressions found by running the tf.keras 2 guides with only the import changed (session 7).
Each test failed before its fix."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def test_variable_attributes_are_tracked_weights():
    # "Making new layers and models via subclassing": the first example assigns tf.Variables
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            w_init = tf.random_normal_initializer()
            self.w = tf.Variable(initial_value=w_init(shape=(input_dim, units), dtype="float32"), trainable=True)
            b_init = tf.zeros_initializer()
            self.b = tf.Variable(initial_value=b_init(shape=(units,), dtype="float32"), trainable=True)
            self.total = tf.Variable(initial_value=tf.zeros((units,)), trainable=False)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    layer = Linear(4, 2)
    assert layer.weights[0] is layer.w and layer.weights[1] is layer.b and layer.weights[2] is layer.total
    assert layer.trainable_weights == [layer.w, layer.b]
    assert layer.non_trainable_weights == [layer.total]
    y = layer(tf.ones((2, 2)))
    np.testing.assert_allclose(y.numpy(), np.ones((2, 2)) @ layer.w.numpy() + layer.b.numpy(), rtol=1e-6)
    layer.w = layer.w   # assigning again does not duplicate it
    assert len(layer.weights) == 3
    # the tracked variables train: one SGD step moves w by -lr * dL/dw
    opt = keras.optimizers.SGD(0.5)
    w0 = layer.w.numpy().copy()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(tf.ones((1, 2))))
    opt.apply_gradients(zip(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights))
    np.testing.assert_allclose(layer.w.numpy(), w0 - 0.5, rtol=1e-6)


def test_tf_initializer_classes_and_keras_module_aliases():
    init = tf.random_normal_initializer(mean=1.0, stddev=0.0)
    np.testing.assert_array_equal(init(shape=(2, 3)).numpy(), np.ones((2, 3), np.float32))
    assert tf.zeros_initializer()(shape=(2,)).numpy().tolist() == [0.0, 0.0]
    assert tf.ones_initializer()(shape=(2,)).numpy().tolist() == [1.0, 1.0]
    assert tf.constant_initializer(3.0)(shape=(1,)).numpy().tolist() == [3.0]
    u = tf.random_uniform_initializer(-0.05, 0.05)(shape=(100,)).numpy()
    assert u.min() >= -0.05 and u.max() <= 0.05
    assert tf.optimizers.Adam is keras.optimizers.Adam
    assert tf.losses.MeanSquaredError is keras.losses.MeanSquaredError
    assert tf.metrics.Mean is keras.metrics.Mean


def test_model_from_config_with_custom_objects():
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    inputs = keras.Input((4,))
    model = keras.Model(inputs, CustomDense(10)(inputs))
    new_model = keras.Model.from_config(model.get_config(), custom_objects={"CustomDense": CustomDense})
    assert new_model(np.ones((2, 4), np.float32)).shape == (2, 10)
    assert isinstance(new_model.layers[1], CustomDense)


def test_feature_extractor_with_many_outputs():
    inputs = keras.Input((3,))
    x, outs = inputs, []
    for _ in range(12):
        x = layers.Dense(2)(x)
        outs.append(x)
    model = keras.Model(inputs, outs)
    got = model(np.ones((1, 3), np.float32))
    assert len(got) == 12 and all(o.shape == (1, 2) for o in got)
    h = np.ones((1, 3), np.float32)
    for layer, o in zip(model.layers[1:], got):
        h = h @ layer.kernel.numpy() + layer.bias.numpy()
        np.testing.assert_allclose(o.numpy(), h, rtol=1e-5)


def test_print_of_tensors_as_tensorflow():
    # the text of TF 2.21's print(tensor): numpy's str of the values, a matrix on a new line
    assert str(tf.constant(6.0)) == "tf.Tensor(6.0, shape=(), dtype=float32)"
    assert str(tf.constant([1.5, 2.0, 3.25])) == "tf.Tensor([1.5  2.   3.25], shape=(3,), dtype=float32)"
    assert str(tf.constant([[1, 2], [3, 4]])) == "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"
    assert str(tf.constant([True, False])) == "tf.Tensor([ True False], shape=(2,), dtype=bool)"
    assert str(tf.constant([[0.5488135, 0.71518934], [0.5448832, 0.4236548]])) == (
        "tf.Tensor(\n[[0.5488135  0.71518934]\n [0.5448832  0.4236548 ]], shape=(2, 2), dtype=float32)")


def test_embedding_gives_sequential_an_input_shape():
    # tf.keras 2: Embedding's input_shape defaults to (None,), so the "Working with RNNs" guide's
    # Sequential is built at once and summary() works
    model = keras.Sequential()
    model.add(layers.Embedding(input_dim=1000, output_dim=64))
    model.add(layers.LSTM(128))
    model.add(layers.Dense(10))
    assert model.count_params() == 64000 + 98816 + 1290
    assert layers.Embedding(10, 3).get_config()["batch_input_shape"] == (None, None)
    assert layers.Embedding(10, 3, input_length=5).get_config()["batch_input_shape"] == (None, 5)


def test_functional_model_add_loss_and_add_metric_of_symbolic_tensors():
    # the functional VAE of "Making new layers and models via subclassing": vae.add_loss(kl_loss)
    inp = keras.Input((3,))
    h = layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")(inp)
    out = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(h)
    model = keras.Model(inp, out)
    model.add_loss(0.5 * tf.reduce_mean(tf.square(h)))
    model.add_metric(tf.reduce_mean(h), name="mean_h")
    x = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], np.float32)
    model(x)
    hv = x @ np.ones((3, 2), np.float32)
    np.testing.assert_allclose([float(v) for v in model.losses], [0.5 * np.mean(hv ** 2)], rtol=1e-6)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    y = np.zeros((2, 1), np.float32)
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    mse = np.mean((hv.sum(1, keepdims=True)) ** 2)
    np.testing.assert_allclose(logs["loss"], mse + 0.5 * np.mean(hv ** 2), rtol=1e-5)
    np.testing.assert_allclose(logs["mean_h"], hv.mean(), rtol=1e-5)
    # the symbolic loss is differentiated: training on it alone shrinks h
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=None)
    first = model.fit(x, y, epochs=30, verbose=0).history["loss"]
    assert first[-1] < 0.2 * first[0]
    with pytest.raises(ValueError, match="functional model"):
        keras.Sequential([layers.Dense(1, input_shape=(3,))]).add_loss(tf.reduce_mean(h))


def test_layer_metrics_lists_attribute_and_added_metrics():
    class Endpoint(layers.Layer):
        def __init__(self):
            super().__init__()
            self.accuracy_fn = keras.metrics.BinaryAccuracy()

        def call(self, targets, logits):
            self.add_metric(self.accuracy_fn(targets, logits), name="accuracy")
            return tf.nn.softmax(logits)

    layer = Endpoint()
    layer(tf.ones((2, 2)), tf.ones((2, 2)))
    assert [m.name for m in layer.metrics] == ["binary_accuracy", "accuracy"]
    assert float(layer.metrics[1].result()) == 1.0


def test_fit_without_targets_trains_on_add_loss_terms():
    # tf.keras 2: compile(loss=None) and fit(x) train on the model's add_loss terms alone
    import gc
    inp = keras.Input((3,))
    h = layers.Dense(2)(inp)
    model = keras.Model(inp, h)
    model.add_loss(tf.reduce_mean(tf.square(h - 1.0)))
    gc.collect()   # the TFOpLambda layers of the loss live as long as the model
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x = np.random.RandomState(0).rand(64, 3).astype("float32")
    hist = model.fit(x, epochs=5, verbose=0).history["loss"]
    assert hist[-1] < 0.5 * hist[0]
    np.testing.assert_allclose(model.evaluate(x, verbose=0),
                               np.mean((model.predict(x, verbose=0) - 1.0) ** 2), rtol=1e-4)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(16)
    assert len(model.fit(ds, epochs=2, verbose=0).history["loss"]) == 2
    plain = keras.Model(inp, layers.Dense(1)(inp))
    plain.compile("sgd", "mse")
    with pytest.raises(ValueError, match="only inputs"):
        plain.fit(x, verbose=0)


def test_endpoint_layer_guide_fits_without_targets():
    # "Making new layers and models via subclassing": the LogisticEndpoint model, fit(data) alone
    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
            self.accuracy_fn = keras.metrics.BinaryAccuracy()

        def call(self, targets, logits, sample_weights=None):
            loss = self.loss_fn(targets, logits, sample_weights)
            self.add_loss(loss)
            acc = self.accuracy_fn(targets, logits, sample_weights)
            self.add_metric(acc, name="accuracy")
            return tf.nn.softmax(logits)

    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(logits, targets)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")
    rng = np.random.RandomState(1)
    data = {"inputs": rng.random_sample((3, 3)), "targets": rng.random_sample((3, 10))}
    hist = model.fit(data, epochs=2, verbose=0).history
    assert set(hist) == {"loss", "accuracy"} and len(hist["loss"]) == 2 and hist["loss"][0] > 0


def test_predict_calls_the_callbacks_predict_begin_and_end():
    # "Writing your own callbacks": on_predict_begin / on_predict_end run around predict
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_predict_begin(self, logs=None):
            seen.append(("begin", dict(logs)))

        def on_predict_end(self, logs=None):
            seen.append(("end", dict(logs)))

    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    out = model.predict(np.ones((5, 3), np.float32), callbacks=[Recorder()], verbose=0)
    assert out.shape == (5, 1) and seen == [("begin", {}), ("end", {})]


def test_cond_and_while_loop_run_eagerly_as_tf2():
    x, y = tf.constant(2.0), tf.constant(5.0)
    assert float(tf.cond(x < y, lambda: tf.add(x, 1.0), lambda: tf.square(y))) == 3.0
    assert float(tf.cond(tf.constant(False), lambda: 1.0, lambda: tf.constant(7.0))) == 7.0
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tf.cond(True, 1, lambda: 2)
    # the TF docs' example: the body returns a tuple, the loop variables a list
    r = tf.while_loop(lambda i: tf.less(i, 10), lambda i: (tf.add(i, 1),), [tf.constant(0)])
    assert isinstance(r, list) and int(r[0]) == 10
    i, acc = tf.while_loop(lambda i, a: i < 5, lambda i, a: (i + 1, a * 2.0), (tf.constant(0), tf.constant(1.0)))
    assert int(i) == 5 and float(acc) == 32.0
    assert int(tf.while_loop(lambda i: True, lambda i: i + 1, tf.constant(0), maximum_iterations=3)) == 3
    with pytest.raises(ValueError, match="body returned 1 loop variables"):
        tf.while_loop(lambda a, b: a < 3, lambda a, b: a + 1, [tf.constant(0), tf.constant(0)])
    # gradients flow through the eager loop
    v = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        out = tf.while_loop(lambda k, p: k < 3, lambda k, p: (k + 1, p * v), (tf.constant(0), tf.constant(1.0)))[1]
    np.testing.assert_allclose(float(tape.gradient(out, v)), 3 * 1.5 ** 2, rtol=1e-6)


def test_evaluate_and_predict_run_every_test_and_predict_hook():
    # "Writing your own callbacks": the test and predict hooks, batch by batch
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen.append("test_begin")

        def on_test_batch_begin(self, batch, logs=None):
            seen.append(f"test_batch_begin {batch}")

        def on_test_batch_end(self, batch, logs=None):
            seen.append(f"test_batch_end {batch} {sorted(logs)}")

        def on_test_end(self, logs=None):
            seen.append(f"test_end {sorted(logs)}")

        def on_predict_batch_end(self, batch, logs=None):
            seen.append(f"predict_batch_end {batch}")

    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = np.ones((40, 3), np.float32), np.zeros((40, 1), np.float32)
    logs = model.evaluate(x, y, batch_size=32, callbacks=[Recorder()], verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], model.evaluate(x, y, verbose=0)[0], rtol=1e-6)
    assert seen == ["test_begin", "test_batch_begin 0", "test_batch_end 0 ['loss', 'mae']", "test_batch_begin 1",
                    "test_batch_end 1 ['loss', 'mae']", "test_end ['loss', 'mae']"]
    seen.clear()
    assert model.predict(x, batch_size=32, callbacks=[Recorder()], verbose=0).shape == (40, 1)
    assert seen == ["predict_batch_end 0", "predict_batch_end 1"]


def test_string_arguments_of_other_types_are_type_errors():
    # fuzz_native found AttributeError ('Tensor' has no 'ravel') from the text functions
    from swiftkeras import _native
    names = [n for n in dir(_native) if n.startswith(("text_", "tokenizer_"))]
    assert "text_to_word_sequence" in names and "tokenizer_fit_on_texts" in names
    for name in names:
        for bad in (tf.constant([1.0]), 3, object()):
            try:
                getattr(_native, name)(bad)
            except (TypeError, ValueError):
                pass
