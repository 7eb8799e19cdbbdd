"""Recurrent layers from Python as tf.keras 2 has them: return_state (eager and functional),
initial_state, stateful + reset_states, dropout options, configs. Expected values were recorded
from tf.keras 2.21 by tools/record_recurrent_reference.py (inputs and weights are the
deterministic `det` values below)."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def det(shape, seed):
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


def set_det_weights(layer, seed):
    layer.set_weights([det(w.shape, seed + 10 * i) for i, w in enumerate(layer.get_weights())])


X = det((2, 4, 3), 1.0)
X2 = det((2, 4, 3), 2.0)
H0 = det((2, 3), 3.0)
C0 = det((2, 3), 4.0)
# tf.keras 2.21: LSTM(3, return_sequences=True, return_state=True)(X, initial_state=[H0, C0]).
LSTM_H = [[0.1842794, 0.1334698, 0.058204], [0.1603181, 0.1280185, 0.0733207]]
LSTM_C = [[0.4097221, 0.3275639, 0.1540024], [0.3147407, 0.2729493, 0.1689712]]
# GRU(3, return_state=True, go_backwards=True)(X, initial_state=[H0]), reset_after True / False.
GRU_H = {True: [[0.1577399, 0.0320056, -0.0969655], [0.0319001, -0.0782856, -0.1763615]],
         False: [[0.103097, -0.1125578, -0.2994703], [-0.0113091, -0.2153004, -0.3700283]]}
# Stateful LSTM(3, return_state=True): first call on X, second on X2 (h of each).
STATEFUL_H = [[[-0.2072214, -0.179591, -0.1246447], [-0.1769589, -0.1632233, -0.1285436]],
              [[-0.200598, -0.1562239, -0.0898347], [-0.2047475, -0.1887712, -0.1469796]]]


def test_return_state_and_initial_state_eager():
    lstm = layers.LSTM(3, return_sequences=True, return_state=True)
    lstm(X)
    set_det_weights(lstm, 5.0)
    out, h, c = lstm(X, initial_state=[H0, C0])
    assert out.shape == (2, 4, 3) and h.shape == (2, 3) and c.shape == (2, 3)
    np.testing.assert_allclose(h.numpy(), LSTM_H, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), LSTM_C, atol=1e-5)
    np.testing.assert_allclose(out.numpy()[:, -1], LSTM_H, atol=1e-5)
    # The list form [x, h0, c0] is the same call.
    np.testing.assert_allclose(lstm([X, H0, C0])[1].numpy(), LSTM_H, atol=1e-5)
    for reset_after in (True, False):
        gru = layers.GRU(3, return_state=True, go_backwards=True, reset_after=reset_after)
        gru(X)
        set_det_weights(gru, 6.0)
        o, s = gru(X, initial_state=H0)
        np.testing.assert_allclose(o.numpy(), GRU_H[reset_after], atol=1e-5)
        np.testing.assert_allclose(s.numpy(), GRU_H[reset_after], atol=1e-5)
    # mask= is taken (it was refused before masking existed): all steps kept gives the unmasked call,
    # the last step masked repeats step 3's output (tf.keras 2)
    full = lstm(X)
    for got, want in zip(lstm(X, mask=np.ones((2, 4), bool)), full):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    cut = lstm(X, mask=np.array([[1, 1, 1, 0]] * 2, bool))[0].numpy()
    np.testing.assert_array_equal(cut[:, 3], cut[:, 2])
    np.testing.assert_allclose(cut[:, :3], lstm(X[:, :3])[0].numpy(), atol=1e-6)
    with pytest.raises(NotImplementedError, match="constants"):
        lstm(X, constants=[H0])


def test_return_state_in_functional_models():
    inputs = keras.Input((4, 3))
    out, h, c = layers.LSTM(3, return_state=True, name="lstm")(inputs)
    assert out.shape == (None, 3) and h.shape == (None, 3) and c.shape == (None, 3)
    head = layers.Dense(2, name="head")(c)
    model = keras.Model(inputs, [h, head])
    lstm = model.get_layer("lstm") if hasattr(model, "get_layer") else model.layers[1]
    set_det_weights(lstm, 5.0)
    got_h, got_head = model(X)
    eager_out, eager_h, eager_c = lstm(X)
    np.testing.assert_array_equal(got_h.numpy(), eager_h.numpy())
    assert got_head.shape == (2, 2)
    # initial_state from symbolic inputs.
    hs, cs = keras.Input((3,)), keras.Input((3,))
    second = layers.LSTM(3)
    y = second(inputs, initial_state=[hs, cs])
    m2 = keras.Model([inputs, hs, cs], y)
    np.testing.assert_allclose(m2([X, H0, C0]).numpy(), second([X, H0, C0]).numpy(), atol=0)


def test_stateful_layers_and_reset_states():
    lstm = layers.LSTM(3, stateful=True, return_state=True)
    lstm(X)
    set_det_weights(lstm, 8.0)
    lstm.reset_states()
    np.testing.assert_allclose(lstm(X)[1].numpy(), STATEFUL_H[0], atol=1e-5)
    np.testing.assert_allclose(lstm.states[0].numpy(), STATEFUL_H[0], atol=1e-5)
    np.testing.assert_allclose(lstm(X2)[1].numpy(), STATEFUL_H[1], atol=1e-5)
    lstm.reset_states()
    assert np.all(lstm.states[0].numpy() == 0)
    gru = layers.GRU(3, stateful=True)
    gru.reset_states()          # before the first call: nothing to reset
    gru(X)
    gru.reset_states(states=[H0])
    ref = layers.GRU(3)
    ref(X)
    ref.set_weights(gru.get_weights())
    np.testing.assert_allclose(gru(X).numpy(), ref(X, initial_state=[H0]).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="not stateful"):
        ref.reset_states(states=[H0])
    # Model.reset_states resets every stateful layer.
    model = keras.Sequential([layers.SimpleRNN(2, stateful=True, batch_input_shape=(2, 4, 3))])
    first = model(X).numpy()
    assert not np.allclose(model(X).numpy(), first)
    model.reset_states()
    np.testing.assert_allclose(model(X).numpy(), first, atol=1e-6)


def test_dropout_options_and_configs():
    layer = layers.LSTM(4, dropout=0.2, recurrent_dropout=0.3, unroll=True, stateful=False, time_major=False)
    cfg = layer.get_config()
    assert cfg["dropout"] == 0.2 and cfg["recurrent_dropout"] == 0.3 and cfg["unroll"] is True
    y_train = layer(X, training=True)
    y_infer = layer(X, training=False)
    plain = layers.LSTM(4)
    plain(X)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(y_infer.numpy(), plain(X).numpy(), atol=0)
    assert y_train.shape == (2, 4)
    with pytest.raises(ValueError, match="implementation"):
        layers.GRU(2, implementation=3)


def test_lstm_model_trains():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (256, 6, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = keras.Sequential([layers.LSTM(8, input_shape=(6, 1)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, batch_size=32, epochs=20, verbose=0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]
    assert h.history["accuracy"][-1] > 0.9
