"""RNN(cell) with SimpleRNNCell / LSTMCell / GRUCell / StackedRNNCells and custom cells, as tf.keras 2
has them. Expected values were recorded from tf.keras 2.21 by tools/record_rnn_cells_reference.py
(inputs and weights are the deterministic `det` values below); the rest are numpy step loops,
equality with the LSTM / GRU / SimpleRNN layers, central-difference gradients and training."""
import re

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def det(shape, seed):
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


def set_det(layer, seed):
    layer.set_weights([det(w.shape, seed + 10 * i) for i, w in enumerate(layer.get_weights())])


class MinimalRNNCell(layers.Layer):
    """The custom cell of Keras' RNN documentation."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev = states[0]
        out = tf.tanh(tf.matmul(inputs, self.kernel) + tf.matmul(prev, self.recurrent_kernel))
        return out, [out]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


X = det((2, 4, 3), 1.0)
MASK = np.array([[1, 1, 0, 1], [1, 0, 0, 1]], bool)
# tf.keras 2.21: RNN([LSTMCell(3), GRUCell(2, reset_after=False), SimpleRNNCell(2)], return_sequences=True,
# return_state=True)(X) with det weights (seed 7): the sequence, then [[h, c], h, h].
STACKED_SEQ = [[[-0.5131397, -0.4126696], [-0.784236, -0.6893454], [-0.8706828, -0.791025], [-0.8930143, -0.8197583]], [[-0.5119779, -0.4113725], [-0.7810038, -0.685084], [-0.8676164, -0.7865952], [-0.8913962, -0.8174143]]]
STACKED_STATES = [[[-0.1628831, -0.1943658, -0.2046], [-0.1258187, -0.1544911, -0.1669931]], [[-0.4635167, -0.5178858, -0.4860967], [-0.3452009, -0.4181651, -0.423852]], [[0.3720922, 0.3012225], [0.3670337, 0.295823]], [[-0.8930143, -0.8197583], [-0.8913962, -0.8174143]]]
# RNN(MinimalRNNCell(2), return_sequences=True, zero_output_for_mask=False / True)(X, mask=MASK), det weights (seed 3)
# (recorded with SimpleRNNCell(2, use_bias=False), the same computation).
MINIMAL_MASKED = {False: [[[-0.3347078, -0.4570613], [-0.3861311, -0.5336574], [-0.3861311, -0.5336574], [0.008799, 0.084552]], [[0.0628101, 0.1602627], [0.0628101, 0.1602627], [0.0628101, 0.1602627], [0.0894762, 0.031432]]],
                  True: [[[-0.3347078, -0.4570613], [-0.3861311, -0.5336574], [0.0, 0.0], [0.008799, 0.084552]], [[0.0628101, 0.1602627], [0.0, 0.0], [0.0, 0.0], [0.0894762, 0.031432]]]}
# RNN(MinimalRNNCell(2), go_backwards=True, return_state=True)(X, initial_state=[det((2, 2), 9)]): the output.
MINIMAL_BACK = [[-0.1913996, -0.2858195], [-0.347177, -0.3576325]]
# cell(X[:, 0], states det((2, 3), 4 + i)) with det weights (seed 5): [output] + new states.
CELLS = {
    ("LSTMCell", True): [[[-0.077396, -0.0643572, -0.0438094], [0.0773243, 0.101819, 0.1022341]], [[-0.077396, -0.0643572, -0.0438094], [0.0773243, 0.101819, 0.1022341]], [[-0.1557551, -0.1353328, -0.0957454], [0.1593046, 0.2349926, 0.2602078]]],
    ("GRUCell", False): [[[0.2110796, 0.0507913, -0.1114872], [-0.0034346, -0.0549905, -0.0720541]], [[0.2110796, 0.0507913, -0.1114872], [-0.0034346, -0.0549905, -0.0720541]]],
    ("GRUCell", True): [[[0.1273624, 0.0416054, -0.0508377], [-0.0945929, -0.0871915, -0.0636935]], [[0.1273624, 0.0416054, -0.0508377], [-0.0945929, -0.0871915, -0.0636935]]],
    ("SimpleRNNCell", True): [[[0.1066023, 0.5199433, 0.7476127], [0.1361437, 0.3514582, 0.4986686]], [[0.1066023, 0.5199433, 0.7476127], [0.1361437, 0.3514582, 0.4986686]]],
}
CONFIG_KEYS = {
    "LSTMCell": ['activation', 'bias_constraint', 'bias_initializer', 'bias_regularizer', 'dropout', 'dtype', 'implementation', 'kernel_constraint', 'kernel_initializer', 'kernel_regularizer', 'name', 'recurrent_activation', 'recurrent_constraint', 'recurrent_dropout', 'recurrent_initializer', 'recurrent_regularizer', 'trainable', 'unit_forget_bias', 'units', 'use_bias'],
    "GRUCell": ['activation', 'bias_constraint', 'bias_initializer', 'bias_regularizer', 'dropout', 'dtype', 'implementation', 'kernel_constraint', 'kernel_initializer', 'kernel_regularizer', 'name', 'recurrent_activation', 'recurrent_constraint', 'recurrent_dropout', 'recurrent_initializer', 'recurrent_regularizer', 'reset_after', 'trainable', 'units', 'use_bias'],
    "SimpleRNNCell": ['activation', 'bias_constraint', 'bias_initializer', 'bias_regularizer', 'dropout', 'dtype', 'kernel_constraint', 'kernel_initializer', 'kernel_regularizer', 'name', 'recurrent_constraint', 'recurrent_dropout', 'recurrent_initializer', 'recurrent_regularizer', 'trainable', 'units', 'use_bias'],
}
RNN_KEYS = ['cell', 'dtype', 'go_backwards', 'name', 'return_sequences', 'return_state', 'stateful', 'time_major', 'trainable', 'unroll']
# Keras writes null constraints into every cell config; the core's recurrent layers take no constraints yet.
CONSTRAINT_KEYS = {"kernel_constraint", "recurrent_constraint", "bias_constraint"}


def make_cell(cls, reset_after):
    kw = {"reset_after": False} if cls == "GRUCell" and not reset_after else {}
    return getattr(layers, cls)(3, **kw)


@pytest.mark.parametrize("cls,reset_after", list(CELLS))
def test_cell_direct_call_matches_keras(cls, reset_after):
    cell = make_cell(cls, reset_after)
    n = 2 if cls == "LSTMCell" else 1
    states = [det((2, 3), 4.0 + i) for i in range(n)]
    cell(X[:, 0], states)
    set_det(cell, 5.0)
    out, new = cell(X[:, 0], states)
    assert isinstance(new, list) and len(new) == n
    for got, want in zip([out] + new, CELLS[(cls, reset_after)]):
        np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
    assert cell.state_size == ([3, 3] if n == 2 else 3) and cell.output_size == 3
    assert set(cell.get_config()) - CONSTRAINT_KEYS == set(CONFIG_KEYS[cls]) - CONSTRAINT_KEYS
    assert [w.name.split(":")[0].split("/")[-1] for w in cell.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert cell.kernel is cell.weights[0]


def numpy_lstm(x, k, rk, b, h, c):
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    outs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ k + h @ rk + b
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs, 1), h, c


def test_rnn_lstm_cell_equals_lstm_and_numpy():
    x = det((3, 5, 4), 2.0)
    rnn = layers.RNN(layers.LSTMCell(6), return_sequences=True, return_state=True)
    seq, h, c = rnn(x)
    lstm = layers.LSTM(6, return_sequences=True, return_state=True)
    lstm(x)
    lstm.set_weights(rnn.get_weights())
    for a, b in zip(rnn(x), lstm(x)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    k, rk, b = [w.numpy().astype(np.float64) for w in rnn.weights]
    want = numpy_lstm(x.astype(np.float64), k, rk, b, np.zeros((3, 6)), np.zeros((3, 6)))
    for got, w in zip((seq, h, c), want):
        np.testing.assert_allclose(got.numpy(), w, atol=1e-5)
    # the weights round-trip both ways, and the cell is the RNN's
    rnn.set_weights(lstm.get_weights())
    assert rnn.cell.kernel is rnn.weights[0]
    assert re.fullmatch(r"rnn(_\d+)?/lstm_cell(_\d+)?/kernel(:0)?", rnn.weights[0].name)


def test_rnn_gru_and_simple_cells_equal_their_layers():
    x = det((2, 6, 3), 3.0)
    for cell, layer in ((layers.GRUCell(4, reset_after=False), layers.GRU(4, reset_after=False, go_backwards=True)),
                        (layers.GRUCell(4), layers.GRU(4, go_backwards=True)),
                        (layers.SimpleRNNCell(4), layers.SimpleRNN(4, go_backwards=True))):
        rnn = layers.RNN(cell, go_backwards=True)
        rnn(x)
        layer(x)
        set_det(rnn, 1.0)
        layer.set_weights(rnn.get_weights())
        np.testing.assert_allclose(rnn(x).numpy(), layer(x).numpy(), atol=1e-6)


def test_stacked_cells_match_keras():
    rnn = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2, reset_after=False), layers.SimpleRNNCell(2)],
                     return_sequences=True, return_state=True)
    rnn(X)
    set_det(rnn, 7.0)
    out = rnn(X)
    assert len(out) == 4 and isinstance(out[1], list) and len(out[1]) == 2
    np.testing.assert_allclose(out[0].numpy(), STACKED_SEQ, atol=1e-5)
    flat = [out[1][0], out[1][1], out[2], out[3]]
    for got, want in zip(flat, STACKED_STATES):
        np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
    assert isinstance(rnn.cell, layers.StackedRNNCells)
    assert rnn.cell.state_size == ([3, 3], 2, 2) and rnn.cell.output_size == 2
    # the states given back as initial_state (nested as returned) are taken
    again = rnn(X, initial_state=out[1:])
    assert again[0].shape == (2, 4, 2)
    # the direct call of stacked cells nests the states per cell
    o, st = rnn.cell(X[:, 0], [[np.zeros((2, 3), np.float32)] * 2, np.zeros((2, 2), np.float32),
                               np.zeros((2, 2), np.float32)])
    assert o.shape == (2, 2) and len(st) == 3 and len(st[0]) == 2


def test_custom_cell_masks_and_zero_output_match_keras():
    for zero in (False, True):
        rnn = layers.RNN(MinimalRNNCell(2), return_sequences=True, zero_output_for_mask=zero)
        rnn(X)
        set_det(rnn, 3.0)
        np.testing.assert_allclose(rnn(X, mask=MASK).numpy(), MINIMAL_MASKED[zero], atol=1e-5)
    rnn = layers.RNN(MinimalRNNCell(2), go_backwards=True, return_state=True)
    rnn(X)
    set_det(rnn, 3.0)
    o, s = rnn(X, initial_state=[det((2, 2), 9.0)])
    np.testing.assert_allclose(o.numpy(), MINIMAL_BACK, atol=1e-5)
    np.testing.assert_allclose(s.numpy(), MINIMAL_BACK, atol=1e-5)


def test_custom_cell_numpy_loop_time_major_and_stateful():
    cell = MinimalRNNCell(3)
    rnn = layers.RNN(cell, return_sequences=True, time_major=True, stateful=True)
    xt = np.transpose(X, (1, 0, 2))
    y = rnn(xt).numpy()
    k, u = cell.kernel.numpy(), cell.recurrent_kernel.numpy()
    h = np.zeros((2, 3))
    for t in range(4):
        h = np.tanh(X[:, t] @ k + h @ u)
        np.testing.assert_allclose(y[t], h, atol=1e-5)
    y2 = rnn(xt).numpy()   # stateful: continues from h
    np.testing.assert_allclose(y2[0], np.tanh(X[:, 0] @ k + h @ u), atol=1e-5)
    np.testing.assert_allclose(rnn.states[0].numpy(), y2[-1], atol=1e-6)
    rnn.reset_states()
    np.testing.assert_allclose(rnn(xt).numpy(), y, atol=1e-6)


def test_custom_cell_gradients_match_unrolled_ops_and_central_differences():
    x = det((2, 3, 2), 0.5)
    mask = np.array([[1, 0, 1], [1, 1, 1]], bool)
    cell = MinimalRNNCell(2)
    rnn = layers.RNN(cell, return_sequences=True)
    rnn(x)
    k, u = cell.kernel, cell.recurrent_kernel

    def loss():
        return tf.reduce_sum(rnn(x, mask=mask) ** 2)

    def unrolled():   # the same computation written step by step with tf ops (masked step 1 of sample 0)
        h, outs = tf.zeros((2, 2)), []
        for t in range(3):
            new = tf.tanh(tf.matmul(x[:, t], k) + tf.matmul(h, u))
            keep = mask[:, t:t + 1].astype(np.float32)
            h = new * keep + h * (1 - keep)
            outs.append(h)
        return tf.reduce_sum(tf.stack(outs, axis=1) ** 2)

    with tf.GradientTape(persistent=True) as tape:
        value, want = loss(), unrolled()
    np.testing.assert_allclose(value.numpy(), want.numpy(), rtol=1e-6)
    for v in (k, u):
        np.testing.assert_allclose(tape.gradient(value, v).numpy(), tape.gradient(want, v).numpy(), atol=1e-6)
    g = tape.gradient(value, k).numpy()
    base = k.numpy()
    eps = 1e-2
    for idx in np.ndindex(*base.shape):
        plus, minus = base.copy(), base.copy()
        plus[idx] += eps
        minus[idx] -= eps
        k.assign(plus)
        fp = float(loss().numpy())
        k.assign(minus)
        fm = float(loss().numpy())
        k.assign(base)
        assert abs(g[idx] - (fp - fm) / (2 * eps)) < 2e-3 * max(1.0, abs(g[idx]))


def test_custom_cell_trains_to_convergence():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (256, 6, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((6, 1)), layers.RNN(MinimalRNNCell(8)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, batch_size=32, epochs=20, verbose=0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]
    assert h.history["accuracy"][-1] > 0.9


def test_rnn_lstm_cell_model_trains_and_round_trips(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (128, 5, 2)).astype(np.float32)
    y = x.sum(axis=(1, 2))[:, None].astype(np.float32) / 4
    model = keras.Sequential([keras.Input((5, 2)), layers.RNN(layers.LSTMCell(8)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    h = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    assert h.history["loss"][-1] < 0.3 * h.history["loss"][0]
    path = str(tmp_path / "m.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert isinstance(loaded.layers[0], layers.RNN) and isinstance(loaded.layers[0].cell, layers.LSTMCell)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("rnn" in line and "RNN" in line for line in lines)


def test_configs_round_trip():
    rnn = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3, dropout=0.25), layers.GRUCell(2, reset_after=False)]),
                     return_sequences=True, go_backwards=True, name="r")
    config = rnn.get_config()
    assert set(config) == set(RNN_KEYS)
    assert config["cell"]["class_name"] == "StackedRNNCells"
    cells = config["cell"]["config"]["cells"]
    assert [c["class_name"] for c in cells] == ["LSTMCell", "GRUCell"]
    assert cells[0]["config"]["dropout"] == 0.25 and cells[1]["config"]["reset_after"] is False
    again = layers.RNN.from_config(config)
    assert again.get_config() == config
    back = layers.deserialize(layers.serialize(rnn))
    assert isinstance(back, layers.RNN) and back.get_config() == config
    assert isinstance(back.cell, layers.StackedRNNCells) and len(back.cell.cells) == 2
    assert isinstance(back.cell.cells[1], layers.GRUCell)
    # a cell config with a sequence option is refused, as Keras' cell constructors refuse it
    with pytest.raises(Exception, match="return_sequences"):
        layers.LSTMCell(3, return_sequences=True)


def test_errors():
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Layer())
    with pytest.raises(ValueError, match="not an RNN cell"):
        layers.RNN(layers.Dense(2))
    rnn = layers.RNN(layers.LSTMCell(2))
    with pytest.raises(ValueError, match="state"):
        rnn(X, initial_state=[np.zeros((2, 2), np.float32)])   # LSTM needs h and c
    cell = MinimalRNNCell(2)
    cell.build((None, 3))
    with pytest.raises(NotImplementedError, match="before it is built"):
        layers.RNN(cell)


def test_rnn_cells_in_functional_models():
    inp = keras.Input((4, 3))
    out, h, c = layers.RNN(layers.LSTMCell(5), return_state=True)(inp)
    model = keras.Model(inp, [out, h, c])
    got = [g.numpy() for g in model(X)]
    assert [g.shape for g in got] == [(2, 5), (2, 5), (2, 5)]
    np.testing.assert_allclose(got[0], got[1], atol=1e-7)
    np.testing.assert_allclose(got[2], model.layers[-1](X)[2].numpy(), atol=1e-7)
    inp = keras.Input((4, 3))
    y = layers.RNN(MinimalRNNCell(4), return_sequences=True)(inp)
    model = keras.Model(inp, y)
    assert model.predict(X, verbose=0).shape == (2, 4, 4)


@keras.utils.register_keras_serializable(package="test_rnn_cells")
class SavedMinimalCell(MinimalRNNCell):
    """A registered custom cell whose call takes `training` (saved and loaded with its model)."""

    def call(self, inputs, states, training=None):
        assert training in (None, False, True)
        return MinimalRNNCell.call(self, inputs, states)


def test_custom_cell_model_saves_and_loads(tmp_path):
    x = det((3, 4, 2), 4.0)
    model = keras.Sequential([keras.Input((4, 2)), layers.RNN(SavedMinimalCell(3)), layers.Dense(1)])
    want = model.predict(x, verbose=0)
    config = model.layers[0].get_config()
    assert config["cell"] == {"class_name": "test_rnn_cells>SavedMinimalCell",
                              "config": {"name": model.layers[0].cell.name, "trainable": True, "dtype": "float32",
                                         "units": 3}}
    path = str(tmp_path / "custom_cell.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), want, atol=1e-6)
    assert loaded.layers[0].count_params() == 2 * 3 + 3 * 3


def test_masks_from_embedding_and_stateful_builtin_cells():
    tokens = np.array([[3, 1, 4, 0, 0], [2, 0, 5, 1, 1]], np.int32)
    a = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(6, 3, mask_zero=True),
                          layers.RNN(layers.GRUCell(4), return_sequences=True)])
    b = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(6, 3, mask_zero=True),
                          layers.GRU(4, return_sequences=True)])
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(a.predict(tokens, verbose=0), b.predict(tokens, verbose=0), atol=1e-6)
    rnn = layers.RNN(layers.LSTMCell(3), stateful=True, return_state=True)
    lstm = layers.LSTM(3, stateful=True, return_state=True)
    rnn(X)
    lstm(X)
    lstm.set_weights(rnn.get_weights())
    rnn.reset_states()
    lstm.reset_states()
    for _ in range(2):
        for got, want in zip(rnn(X), lstm(X)):
            np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)
    for got, want in zip(rnn.states, lstm.states):
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)
    rnn.reset_states([det((2, 3), 1.0), det((2, 3), 2.0)])
    np.testing.assert_allclose(rnn.states[1].numpy(), det((2, 3), 2.0))
