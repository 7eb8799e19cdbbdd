"""The training API of issue 12 point 4 that is done: ``add_loss`` tensors in ``call``,
``layer.losses`` / ``model.losses`` (add_loss terms, then weight regularization penalties, as
tf.keras 2), ``compile(loss=None)`` training on the ``add_loss`` terms alone, ``run_eagerly``
accepted, and what is not done yet refused with NotImplementedError naming it.

Oracles: the total loss is recomputed with numpy from the model's weights (compiled loss + the
add_loss terms + the L2 penalty, tf.keras 2's ``compute_loss``); a VAE-style model with a KL
term trains to convergence on its add_loss terms alone."""
import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import backend as K
from swiftkeras.keras import layers, optimizers


def _num(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


class ActivityPenalty(layers.Layer):
    """Adds 0.1 * mean(x^2) of its input as a loss and passes the input on."""

    def call(self, inputs):
        self.add_loss(0.1 * K.mean(K.square(inputs)))
        return inputs


def test_losses_hold_add_loss_terms_then_penalties():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(3, input_shape=(2,), kernel_regularizer={"class_name": "L2", "config": {"l2": 0.5}}),
                              ActivityPenalty(), layers.Dense(1)])
    x = np.arange(8, dtype="float32").reshape(4, 2) / 8
    kernel = _num(model.layers[0].get_weights()[0])
    # tf.keras 2.21 lists 2 before any call too (the penalty, then the symbolic call's term)
    assert len(model.losses) == 2 and float(_num(model.losses[0])) == pytest.approx(0.5 * np.sum(kernel ** 2), rel=1e-5)
    h = _num(model.layers[0](x))
    model(x)
    got = [float(_num(t)) for t in model.losses]
    # layer by layer as tf.keras 2: the first Dense's penalty, then the penalty layer's term
    assert got == pytest.approx([0.5 * np.sum(kernel ** 2), 0.1 * np.mean(h ** 2)], rel=1e-5)
    assert [float(_num(t)) for t in model.layers[1].losses] == pytest.approx(got[1:], rel=1e-5)


def test_compiled_loss_plus_add_loss_terms_as_tf_keras():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([layers.Dense(3, input_shape=(2,), kernel_regularizer={"class_name": "L2", "config": {"l2": 0.5}}),
                              ActivityPenalty(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 2)).astype("float32")
    y = rng.standard_normal((16, 1)).astype("float32")
    got = model.evaluate(x, y, batch_size=16, verbose=0)
    w0, b0 = model.layers[0].get_weights()
    w2, b2 = model.layers[2].get_weights()
    h = x @ w0 + b0
    pred = h @ w2 + b2
    want = np.mean((pred - y) ** 2) + 0.1 * np.mean(h ** 2) + 0.5 * np.sum(w0 ** 2)
    assert got == pytest.approx(float(want), rel=1e-5)


class VAE(keras.Model):
    """A VAE-style autoencoder: the encoder gives a mean and a log-variance, the decoder reads
    the mean (deterministic, so the test has a fixed target); its losses are the
    reconstruction error and the KL term, both added in call."""

    def __init__(self):
        super().__init__()
        self.enc = layers.Dense(4)
        self.mean = layers.Dense(2)
        self.log_var = layers.Dense(2)
        self.dec = layers.Dense(6)

    def call(self, x):
        h = K.relu(self.enc(x))
        mu, lv = self.mean(h), self.log_var(h)
        out = self.dec(mu)
        self.add_loss(K.mean(K.sum(K.square(out - x), axis=-1)))
        self.add_loss(0.01 * K.mean(-0.5 * K.sum(1 + lv - K.square(mu) - K.exp(lv), axis=-1)))
        return out


def test_vae_style_model_trains_on_add_loss_alone():
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    z = rng.standard_normal((256, 2)).astype("float32")
    x = np.concatenate([z, -z, z * 0.5], axis=1)   # data on a 2-d subspace
    vae = VAE()
    vae.compile(optimizer=optimizers.Adam(learning_rate=0.01))   # no loss: the add_loss terms
    hist = vae.fit(x, x, epochs=60, batch_size=32, verbose=0)
    losses = hist.history["loss"]
    assert losses[-1] < 0.1 * losses[0]
    recon, kl = [float(_num(t)) for t in vae.losses][:2]
    assert recon < 0.1 and kl > 0


def test_compile_without_any_loss_fails_fit_by_name():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=None)
    with pytest.raises(ValueError, match="No loss found"):
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)


@pytest.mark.parametrize("kwargs,name", [
    ({"loss": "mse", "steps_per_execution": 4}, "steps_per_execution"),
    ({"loss": "mse", "jit_compile": True}, "jit_compile"),
])
def test_what_is_not_done_is_refused_by_name(kwargs, name):
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(NotImplementedError, match=name):
        model.compile(optimizer="sgd", **kwargs)


def test_model_metrics_as_tf_keras():
    keras.utils.set_random_seed(3)
    auc = keras.metrics.AUC(name="my_auc")
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["mae", auc])
    assert model.metrics == [] and model.metrics_names == []   # tf.keras 2: none before the first step
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "mae", "my_auc"]
    assert model.metrics[2] is auc
    assert {m.name: float(_num(m.result())) for m in model.metrics} == pytest.approx(logs, rel=1e-6)
    model.reset_metrics()
    assert [float(_num(m.result())) for m in model.metrics] == [0.0, 0.0, 0.0]
