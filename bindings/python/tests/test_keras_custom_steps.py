"""Issue 12 point 4: ``train_step`` / ``test_step`` / ``predict_step`` overrides run by the core's
fit / evaluate / predict loops, ``compiled_loss``, ``compiled_metrics``, ``compute_loss``,
``compute_metrics``, the ``metrics`` property (trackers reset each epoch), ``add_metric`` and
callable ``add_loss``.

The code is Keras' guide "Customizing what happens in fit()" and keras.io's GAN and VAE examples
with only the import changed. Oracles: a custom step doing what the built-in step does gives the
built-in step's history and weights exactly (same weights, same batches); trackers read 0 at each
epoch start; a GAN moves its generator's mean to the data's; a VAE-style model converges."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def _num(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def _data(n=256, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, d)).astype("float32")
    y = (x @ np.arange(1, d + 1, dtype="float32")[:, None] / d + 0.5).astype("float32")
    return x, y


# -- the guide's first example: compiled_loss + compiled_metrics --------------------------------

class GuideModel(keras.Model):
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            # Compute the loss value
            # (the loss function is configured in `compile()`)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        # Update weights
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        # Update metrics (includes the metric that tracks the loss)
        self.compiled_metrics.update_state(y, y_pred)
        # Return a dict mapping metric names to current value
        return {m.name: m.result() for m in self.metrics}


def _twin(cls, d=4):
    """A functional model of class cls and a plain one with the same weights."""
    keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=(d,))
    outputs = layers.Dense(1)(layers.Dense(8, activation="tanh")(inputs))
    custom = cls(inputs, outputs)
    inputs2 = keras.Input(shape=(d,))
    outputs2 = layers.Dense(1)(layers.Dense(8, activation="tanh")(inputs2))
    plain = keras.Model(inputs2, outputs2)
    plain.set_weights(custom.get_weights())
    return custom, plain


def test_guide_train_step_matches_the_built_in_step_exactly():
    x, y = _data()
    custom, plain = _twin(GuideModel)
    for m in (custom, plain):
        m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    hc = custom.fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    hp = plain.fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    assert sorted(hc.history) == ["loss", "mae"]
    for k in ("loss", "mae"):
        np.testing.assert_allclose(hc.history[k], hp.history[k], rtol=1e-6)
    assert hc.history["loss"][2] < hc.history["loss"][0]
    for a, b in zip(custom.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(_num(a), _num(b), rtol=1e-6, atol=1e-7)


class ComputeLossModel(keras.Model):
    """tf.keras 2.11+'s spelling: compute_loss / compute_metrics, minimize with the tape."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return self.compute_metrics(x, y, y_pred, sample_weight)


def test_compute_loss_and_sample_weights_match_the_built_in_step():
    x, y = _data()
    w = np.linspace(0.5, 2.0, len(x)).astype("float32")
    custom, plain = _twin(ComputeLossModel)
    for m in (custom, plain):
        m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    hc = custom.fit(x, y, sample_weight=w, epochs=2, batch_size=64, shuffle=False, verbose=0)
    hp = plain.fit(x, y, sample_weight=w, epochs=2, batch_size=64, shuffle=False, verbose=0)
    for k in ("loss", "mae"):
        np.testing.assert_allclose(hc.history[k], hp.history[k], rtol=1e-6)


class SuperStep(keras.Model):
    def train_step(self, data):
        logs = super().train_step(data)
        logs["extra"] = 7.0
        return logs


def test_super_train_step_is_the_built_in_step():
    x, y = _data()
    custom, plain = _twin(SuperStep)
    for m in (custom, plain):
        m.compile(optimizer="sgd", loss="mse")
    hc = custom.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    hp = plain.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    np.testing.assert_allclose(hc.history["loss"], hp.history["loss"], rtol=1e-6)
    assert hc.history["extra"] == [7.0, 7.0]


# -- the guide's second example: manual loss, Mean trackers, the metrics property ---------------

loss_tracker = keras.metrics.Mean(name="loss")
mae_metric = keras.metrics.MeanAbsoluteError(name="mae")


class TrackerModel(keras.Model):
    def train_step(self, data):
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            # Compute our own loss
            loss = keras.losses.mean_squared_error(y, y_pred)

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))

        # Compute our own metrics
        loss_tracker.update_state(loss)
        mae_metric.update_state(y, y_pred)
        return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        # If you don't implement this property, you have to call
        # `reset_states()` yourself at the time of your choosing.
        return [loss_tracker, mae_metric]


class _EpochStart(keras.callbacks.Callback):
    def __init__(self, metrics):
        super().__init__()
        self.metrics, self.at_start, self.epoch_logs = metrics, [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.at_start.append([float(m.result()) for m in self.metrics])

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_logs.append(dict(logs))


def test_guide_trackers_are_reset_each_epoch_and_reported():
    x, y = _data()
    inputs = keras.Input(shape=(4,))
    outputs = layers.Dense(1)(inputs)
    model = TrackerModel(inputs, outputs)
    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")
    unlisted = keras.metrics.Mean(name="unlisted")
    unlisted.update_state(3.0)
    cb = _EpochStart([loss_tracker, mae_metric, unlisted])
    hist = model.fit(x, y, epochs=5, verbose=0, callbacks=[cb])
    assert sorted(hist.history) == ["loss", "mae"]
    assert all(v == [0.0, 0.0, 3.0] for v in cb.at_start[1:])   # listed trackers reset, the other kept
    assert cb.epoch_logs[-1]["loss"] == pytest.approx(float(loss_tracker.result()))
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert model.metrics == [loss_tracker, mae_metric]


class AttributeTrackers(keras.Model):
    """Trackers assigned to attributes are in model.metrics without overriding it (tf.keras 2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="my_loss")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(self(x, training=True) - y))
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_weights), self.trainable_weights))
        self.loss_tracker.update_state(loss)
        return {m.name: m.result() for m in self.metrics}


def test_attribute_trackers_are_model_metrics():
    x, y = _data()
    inputs = keras.Input(shape=(4,))
    model = AttributeTrackers(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    hist = model.fit(x, y, epochs=2, verbose=0)
    assert list(hist.history) == ["my_loss"] and model.metrics == [model.loss_tracker]


# -- test_step and predict_step ------------------------------------------------------------------

class GuideTestStep(keras.Model):
    def test_step(self, data):
        # Unpack the data
        x, y = data
        # Compute predictions
        y_pred = self(x, training=False)
        # Updates the metrics tracking the loss
        self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        # Update the metrics.
        self.compiled_metrics.update_state(y, y_pred)
        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


def test_guide_test_step_in_evaluate_and_validation():
    x, y = _data()
    custom, plain = _twin(GuideTestStep)
    for m in (custom, plain):
        m.compile(loss="mse", metrics=["mae"])
    got = custom.evaluate(x, y, batch_size=50, verbose=0, return_dict=True)
    want = plain.evaluate(x, y, batch_size=50, verbose=0, return_dict=True)
    assert sorted(got) == ["loss", "mae"]
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-6)
    hc = custom.fit(x[:200], y[:200], validation_data=(x[200:], y[200:]), epochs=2, shuffle=False, verbose=0)
    hp = plain.fit(x[:200], y[:200], validation_data=(x[200:], y[200:]), epochs=2, shuffle=False, verbose=0)
    for k in ("loss", "val_loss", "val_mae"):
        np.testing.assert_allclose(hc.history[k], hp.history[k], rtol=1e-6)


class CountingTestStep(keras.Model):
    def test_step(self, data):
        x, y = data
        return {"rows": float(_num(tf.shape(x))[0]), "targets": float(np.sum(_num(y)))}


def test_test_step_receives_validation_batches():
    x, y = np.ones((10, 2), "float32"), np.ones((10, 1), "float32")
    inputs = keras.Input(shape=(2,))
    model = CountingTestStep(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    hist = model.fit(x, y, validation_data=(x[:7], y[:7]), batch_size=4, epochs=1, verbose=0)
    # the last validation batch holds rows 4..6 (batch_size 4): epoch logs are the last batch's
    assert hist.history["val_rows"] == [3.0] and hist.history["val_targets"] == [3.0]
    assert model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True) == {"rows": 2.0, "targets": 2.0}


class DoublePredict(keras.Model):
    def predict_step(self, data):
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self(x, training=False) * 2.0


def test_predict_step_on_arrays_datasets_and_generators():
    x, _ = _data(n=70)
    custom, plain = _twin(DoublePredict)
    want = 2 * _num(plain.predict(x, verbose=0))
    np.testing.assert_allclose(_num(custom.predict(x, batch_size=16, verbose=0)), want, rtol=1e-6)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(32)
    np.testing.assert_allclose(_num(custom.predict(ds, verbose=0)), want, rtol=1e-6)

    def gen():
        for i in range(0, 70, 20):
            yield x[i:i + 20]
    np.testing.assert_allclose(_num(custom.predict(gen(), verbose=0)), want, rtol=1e-6)
    np.testing.assert_allclose(_num(custom.predict_on_batch(x[:5])), want[:5], rtol=1e-6)
    # the default predict_step of the base class on a batch
    np.testing.assert_allclose(_num(keras.Model.predict_step(custom, (x[:5],))), want[:5] / 2, rtol=1e-6)


# -- the data a step receives, for every input kind; callbacks see the custom logs --------------

class Recorder(keras.Model):
    def train_step(self, data):
        self.seen.append(data)
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(self(x, training=True) - y))
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_weights), self.trainable_weights))
        return {"custom_loss": loss, "batch_rows": float(_num(tf.shape(x))[0])}


class _Logs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches, self.epochs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(dict(logs))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))


@pytest.mark.parametrize("kind", ["arrays", "dataset", "generator", "sequence"])
def test_fit_inputs_reach_the_step_and_callbacks_get_its_logs(kind):
    x, y = _data(n=40)
    inputs = keras.Input(shape=(4,))
    model = Recorder(inputs, layers.Dense(1)(inputs))
    model.seen = []
    model.compile(optimizer="sgd")
    cb = _Logs()
    if kind == "arrays":
        hist = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[cb])
    elif kind == "dataset":
        hist = model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=2, verbose=0, callbacks=[cb])
    elif kind == "generator":
        def gen():
            while True:
                for i in range(0, 40, 16):
                    yield x[i:i + 16], y[i:i + 16]
        hist = model.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0, callbacks=[cb])
    else:
        class Seq(keras.utils.Sequence):
            def __len__(self):
                return 3

            def __getitem__(self, i):
                return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]
        hist = model.fit(Seq(), epochs=2, shuffle=False, verbose=0, callbacks=[cb])
    assert len(model.seen) == 6 and all(isinstance(d, tuple) and len(d) == 2 for d in model.seen)
    assert [float(_num(tf.shape(d[0]))[0]) for d in model.seen[:3]] == [16.0, 16.0, 8.0]
    np.testing.assert_array_equal(_num(model.seen[2][1]), y[32:40])
    assert [b["batch_rows"] for b in cb.batches] == [16.0, 16.0, 8.0] * 2
    assert cb.epochs[-1] == cb.batches[-1]   # epoch logs: the last batch's
    assert hist.history["batch_rows"] == [8.0, 8.0] and len(hist.history["custom_loss"]) == 2


class XOnly(keras.Model):
    def train_step(self, data):
        self.seen.append(data)
        return {"n": float(len(self.seen))}


def test_data_is_packed_as_the_tf_keras_2_data_adapter():
    x = np.ones((6, 2), "float32")
    inputs = keras.Input(shape=(2,))
    model = XOnly(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    model.seen = []
    model.fit(x, batch_size=3, verbose=0)   # no y: x alone, as tf.keras 2
    assert all(hasattr(d, "shape") for d in model.seen) and len(model.seen) == 2
    model.seen = []
    model.fit(tf.data.Dataset.from_tensor_slices({"a": x, "b": x}).batch(3), verbose=0)
    assert all(isinstance(d, dict) and sorted(d) == ["a", "b"] for d in model.seen)
    model.seen = []
    model.fit(tf.data.Dataset.from_tensor_slices((x, x[:, :1], x[:, 0])).batch(6), verbose=0)
    assert len(model.seen) == 1 and isinstance(model.seen[0], tuple) and len(model.seen[0]) == 3
    with pytest.raises(NotImplementedError, match="validation_split"):
        model.fit(x, validation_split=0.5, verbose=0)


def test_unpack_and_pack_x_y_sample_weight():
    u, p = keras.utils.unpack_x_y_sample_weight, keras.utils.pack_x_y_sample_weight
    assert u("x") == ("x", None, None) and u(("x",)) == ("x", None, None)
    assert u(["x", "y"]) == ("x", "y", None) and u(("x", "y", "w")) == ("x", "y", "w")
    with pytest.raises(ValueError, match="format"):
        u((1, 2, 3, 4))
    assert p("x") == "x" and p(["a", "b"]) == (["a", "b"],) and p("x", "y") == ("x", "y")
    assert p("x", "y", "w") == ("x", "y", "w")


class BadLogs(keras.Model):
    def train_step(self, data):
        return [1.0]


def test_a_step_must_return_a_dict_and_its_errors_propagate():
    inputs = keras.Input(shape=(2,))
    model = BadLogs(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    with pytest.raises(TypeError, match="train_step must return a dict"):
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)


# -- a GAN on a 1-D toy distribution (keras.io's GAN, two optimizers) ----------------------------

class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        # Sample random points in the latent space
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))

        # Decode them to fake images
        generated_images = self.generator(random_latent_vectors)

        # Combine them with real images
        combined_images = tf.concat([generated_images, real_images], axis=0)

        # Assemble labels discriminating real from fake images
        labels = tf.concat(
            [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
        )
        # Add random noise to the labels - important trick!
        labels += 0.05 * tf.random.uniform(tf.shape(labels))

        # Train the discriminator
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights)
        )

        # Sample random points in the latent space
        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))

        # Assemble labels that say "all real images"
        misleading_labels = tf.zeros((batch_size, 1))

        # Train the generator (note that we should *not* update the weights
        # of the discriminator)!
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        # Update metrics
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {
            "d_loss": self.d_loss_tracker.result(),
            "g_loss": self.g_loss_tracker.result(),
        }


def test_gan_moves_the_generator_towards_the_data():
    keras.utils.set_random_seed(4)
    latent_dim = 4
    discriminator = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(16, activation="relu"), layers.Dense(1)],
                                     name="discriminator")
    generator = keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(16, activation="relu"), layers.Dense(1)],
                                 name="generator")
    real = np.random.default_rng(0).normal(3.0, 0.5, (1024, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(real).shuffle(1024).batch(64)
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.003),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.003),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    z = np.random.default_rng(1).normal(size=(2000, latent_dim)).astype("float32")
    before = float(np.mean(_num(generator.predict(z, verbose=0))))
    hist = gan.fit(dataset, epochs=25, verbose=0)
    after = float(np.mean(_num(generator.predict(z, verbose=0))))
    assert sorted(hist.history) == ["d_loss", "g_loss"] and len(hist.history["d_loss"]) == 25
    assert abs(after - 3.0) < 0.5 < abs(before - 3.0), (before, after)


# -- a VAE-style model: trackers, the metrics property, add_loss ---------------------------------

class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.random.normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [
            self.total_loss_tracker,
            self.reconstruction_loss_tracker,
            self.kl_loss_tracker,
        ]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = tf.reduce_mean(
                tf.reduce_sum(tf.square(data - reconstruction), axis=1)
            )
            kl_loss = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
            kl_loss = tf.reduce_mean(tf.reduce_sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + 0.1 * kl_loss + sum(self.losses)
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


def test_vae_with_trackers_and_a_callable_add_loss_converges():
    keras.utils.set_random_seed(5)
    latent_dim = 1
    encoder_inputs = keras.Input(shape=(2,))
    h = layers.Dense(16, activation="relu")(encoder_inputs)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    out_layer = layers.Dense(2)
    decoder = keras.Model(latent_inputs, out_layer(layers.Dense(16, activation="relu")(latent_inputs)), name="decoder")
    # a penalty on the decoder's output kernel, computed again at every step
    out_layer.add_loss(lambda: 1e-4 * tf.reduce_sum(tf.square(out_layer.kernel)))
    t = np.random.default_rng(2).uniform(-1, 1, (512, 1)).astype("float32")
    points = np.concatenate([t, 2 * t], axis=1)
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    hist = vae.fit(points, epochs=30, batch_size=64, verbose=0)
    rec = hist.history["reconstruction_loss"]
    assert sorted(hist.history) == ["kl_loss", "loss", "reconstruction_loss"]
    assert rec[-1] < 0.3 * rec[0], rec
    kernel = _num(out_layer.kernel)
    assert float(_num(out_layer.losses[-1])) == pytest.approx(1e-4 * float(np.sum(kernel ** 2)), rel=1e-5)


# -- add_metric and callable add_loss in the core's built-in training ----------------------------

class MeanOfInputs(layers.Layer):
    def call(self, inputs):
        self.add_metric(tf.reduce_mean(inputs), name="input_mean")
        return inputs


def test_add_metric_is_logged_by_fit_and_evaluate():
    x = np.arange(24, dtype="float32").reshape(12, 2)
    y = np.ones((12, 1), "float32")
    model = keras.Sequential([keras.Input(shape=(2,)), MeanOfInputs(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert hist.history["input_mean"] == [pytest.approx(11.5)] * 2   # reset each epoch
    got = model.evaluate(x[:4], y[:4], verbose=0, return_dict=True)
    assert got["input_mean"] == pytest.approx(3.5)
    assert "input_mean" in model.metrics_names
    with pytest.raises(ValueError, match="name"):
        model.layers[0].add_metric(1.0)
    with pytest.raises(ValueError, match="mean"):
        model.layers[0].add_metric(1.0, name="s", aggregation="sum")


def test_callable_add_loss_is_evaluated_at_each_step():
    keras.utils.set_random_seed(6)
    dense = layers.Dense(1, use_bias=False, kernel_initializer="ones")
    model = keras.Sequential([keras.Input(shape=(3,)), dense])
    model.add_loss(lambda: tf.reduce_sum(tf.square(dense.kernel)))
    assert float(_num(model.losses[0])) == pytest.approx(3.0)
    dense.kernel.assign(2 * np.ones((3, 1), "float32"))
    assert float(_num(model.losses[0])) == pytest.approx(12.0)   # read again: the current value
    # compile(loss=None): the penalty alone drives the kernel to 0 (gradient 2k, SGD 0.1: k *= 0.8)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=None)
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), batch_size=4, epochs=5, verbose=0)
    np.testing.assert_allclose(_num(dense.kernel), 2 * 0.8 ** 5 * np.ones((3, 1)), rtol=1e-5)


class SeqWithStep(keras.Sequential):
    def train_step(self, data):
        logs = super().train_step(data)
        return dict(logs, seq=1.0)


class SubclassedWithStep(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)

    def call(self, inputs, training=None):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred)
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables), self.trainable_variables))
        return {"sub_loss": loss}


def test_sequential_and_subclassed_models_with_steps():
    x, y = _data()
    seq = SeqWithStep([keras.Input(shape=(4,)), layers.Dense(1)])
    seq.compile(optimizer="sgd", loss="mse")
    hist = seq.fit(x, y, epochs=3, verbose=0)
    assert hist.history["seq"] == [1.0] * 3 and hist.history["loss"][2] < hist.history["loss"][0]
    sub = SubclassedWithStep()
    sub.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    hist = sub.fit(x, y, epochs=10, batch_size=32, verbose=0)
    assert list(hist.history) == ["sub_loss"] and hist.history["sub_loss"][-1] < 0.05


class Raising(keras.Model):
    def train_step(self, data):
        raise ZeroDivisionError("inside my train_step")

    def predict_step(self, data):
        return {"a": data}


def test_exceptions_of_a_step_reach_the_caller_unchanged():
    inputs = keras.Input(shape=(2,))
    model = Raising(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 2), "float32")
    with pytest.raises(ZeroDivisionError, match="inside my train_step"):
        model.fit(x, np.ones((4, 1), "float32"), verbose=0)
    with pytest.raises(NotImplementedError, match="dict"):
        model.predict(x, verbose=0)
