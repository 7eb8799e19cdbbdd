"""Issue 12 point 1 leftovers of RNN(cell): custom-cell `constants`, nested and shaped cell states,
Bidirectional over RNN(cell) (built-in and custom cells), the `*_constraint` arguments of the
built-in cells — numpy step loops, equality with the fused layers, central-difference gradients,
configs and saving — and tf.keras 2's "dtype": "int64" in the configs of the id-output layers."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def det(shape, seed):
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


X = det((2, 4, 3), 1.0)
C = det((2, 5), 2.0)


@keras.utils.register_keras_serializable(package="test_rnn_more")
class ConstantCell(layers.Layer):
    """tf.keras 2's documented constants cell: h' = tanh(x W + h U + c V)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        # tf.keras 2 builds with [step input shape, constant shape]; a model loaded from a file
        # builds its cells with the step input's shape alone (a known difference here)
        step, const = input_shape if isinstance(input_shape, list) else (input_shape, (None, 5))
        self.w = self.add_weight(shape=(step[-1], self.units), initializer="glorot_uniform", name="w")
        self.u = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="u")
        self.v = self.add_weight(shape=(const[-1], self.units), initializer="glorot_uniform", name="v")

    def call(self, inputs, states, constants):
        h = tf.tanh(tf.matmul(inputs, self.w) + tf.matmul(states[0], self.u) + tf.matmul(constants[0], self.v))
        return h, [h]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def constant_cell_numpy(x, c, w, u, v):
    h = np.zeros((x.shape[0], w.shape[1]), np.float64)
    outs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ w + h @ u + c @ v)
        outs.append(h)
    return np.stack(outs, 1)


def test_constants_reach_every_step_eagerly_with_gradients():
    cell = ConstantCell(3)
    shapes = []
    build = cell.build
    cell.build = lambda s: (shapes.append(s), build(s))
    rnn = layers.RNN(cell, return_sequences=True)
    c = tf.Variable(C)
    with tf.GradientTape() as tape:
        y = rnn(X, constants=c)
        loss = tf.reduce_sum(y * y)
    w, u, v = [t.numpy() for t in rnn.cell.weights]
    np.testing.assert_allclose(y.numpy(), constant_cell_numpy(X, C, w, u, v), atol=1e-5)
    g = tape.gradient(loss, c).numpy()
    eps = 1e-3
    for idx in [(0, 0), (1, 3), (0, 4)]:
        cp, cm = C.astype(np.float64).copy(), C.astype(np.float64).copy()
        cp[idx] += eps
        cm[idx] -= eps
        num = ((constant_cell_numpy(X, cp, w, u, v) ** 2).sum() - (constant_cell_numpy(X, cm, w, u, v) ** 2).sum()) / (2 * eps)
        assert abs(g[idx] - num) < 2e-3, (idx, g[idx], num)
    assert rnn.get_config()["num_constants"] == 1
    assert shapes == [[(2, 3), (2, 5)]]   # tf.keras 2: the cell is built with [step shape, constant shape]
    with pytest.raises(NotImplementedError, match="constants"):
        layers.RNN(layers.SimpleRNNCell(2))(X, constants=C)


def test_constants_in_a_functional_model_train_save_and_load(tmp_path):
    xi, ci = keras.Input((4, 3)), keras.Input((5,))
    h = layers.RNN(ConstantCell(3))(xi, constants=ci)
    model = keras.Model([xi, ci], layers.Dense(1)(h))
    model.compile(optimizer="adam", loss="mse")
    y = np.sum(X, axis=(1, 2))[:, None] * 0.1
    losses = model.fit([X, C], y, epochs=60, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    want = model.predict([X, C], verbose=0)
    path = str(tmp_path / "constants.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict([X, C], verbose=0), want, atol=1e-6)


class NestedCell(layers.Layer):
    """state_size nested ([2, [3]]) with a shaped state (TensorShape([2, 2])): every state is
    updated by a fixed rule so the result is known in closed form."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state_size = [2, [tf.TensorShape([2, 2]), 3]]
        self.output_size = 2

    def call(self, inputs, states):
        a, (b, c) = states
        assert tuple(b.shape)[1:] == (2, 2) and tuple(c.shape)[1:] == (3,)
        s = tf.reduce_sum(inputs, axis=-1, keepdims=True)
        a2 = a + s
        b2 = b + tf.reshape(s, [-1, 1, 1])
        c2 = c * 2.0 + 1.0
        return a2 * 1.0, [a2, [b2, c2]]


def test_nested_and_shaped_states():
    rnn = layers.RNN(NestedCell(), return_state=True)
    out, a, (b, c) = rnn(X)
    total = X.sum(axis=(1, 2))
    np.testing.assert_allclose(a.numpy(), np.repeat(total[:, None], 2, 1), atol=1e-5)
    assert tuple(b.shape) == (2, 2, 2)
    np.testing.assert_allclose(b.numpy(), np.broadcast_to(total[:, None, None], (2, 2, 2)), atol=1e-5)
    np.testing.assert_allclose(c.numpy(), np.full((2, 3), 15.0), atol=1e-6)   # 0 -> 1 -> 3 -> 7 -> 15
    np.testing.assert_allclose(out.numpy(), a.numpy(), atol=1e-6)
    # initial states in the same structure and shapes
    init = [np.ones((2, 2), np.float32), [np.full((2, 2, 2), 2.0, np.float32), np.zeros((2, 3), np.float32)]]
    _, a, (b, _) = rnn(X, initial_state=init)
    np.testing.assert_allclose(a.numpy(), 1.0 + np.repeat(total[:, None], 2, 1), atol=1e-5)
    np.testing.assert_allclose(b.numpy(), 2.0 + np.broadcast_to(total[:, None, None], (2, 2, 2)), atol=1e-5)
    with pytest.raises(ValueError, match="state_size"):
        bad = layers.Layer()
        bad.state_size = [2, "x"]
        layers.RNN(bad)


@pytest.mark.parametrize("cell_class, layer_class", [("LSTMCell", "LSTM"), ("GRUCell", "GRU"),
                                                     ("SimpleRNNCell", "SimpleRNN")])
def test_bidirectional_over_builtin_cells_equals_the_layers(cell_class, layer_class):
    cell_bi = layers.Bidirectional(layers.RNN(getattr(layers, cell_class)(3), return_sequences=True))
    layer_bi = layers.Bidirectional(getattr(layers, layer_class)(3, return_sequences=True))
    a = cell_bi(X)
    layer_bi(X)
    weights = [det(w.shape, i) for i, w in enumerate(cell_bi.get_weights())]
    cell_bi.set_weights(weights)
    layer_bi.set_weights(weights)
    np.testing.assert_allclose(cell_bi(X).numpy(), layer_bi(X).numpy(), atol=1e-5)
    assert a.shape == (2, 4, 6)
    config = cell_bi.get_config()
    assert config["layer"]["class_name"] == "RNN"
    again = layers.Bidirectional.from_config(config)
    again(X)
    again.set_weights(weights)
    np.testing.assert_allclose(again(X).numpy(), layer_bi(X).numpy(), atol=1e-5)


@keras.utils.register_keras_serializable(package="test_rnn_more")
class PlainCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")

    def call(self, inputs, states):
        h = tf.tanh(tf.matmul(inputs, self.kernel) + states[0])
        return h, [h]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def test_bidirectional_over_a_custom_cell(tmp_path):
    bi = layers.Bidirectional(layers.RNN(PlainCell(2)), merge_mode="sum")
    y = bi(X).numpy()
    kf, kb = [w for w in bi.get_weights()]

    def run(x, k):
        h = np.zeros((x.shape[0], 2))
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ k + h)
        return h
    np.testing.assert_allclose(y, run(X, kf) + run(X[:, ::-1], kb), atol=1e-5)
    model = keras.Sequential([keras.Input((4, 3)), bi])
    path = str(tmp_path / "bi.safetensors")
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(X, verbose=0), y, atol=1e-5)


def test_constraints_of_the_builtin_cells():
    cell = layers.LSTMCell(3, kernel_constraint=keras.constraints.NonNeg(),
                           recurrent_constraint=keras.constraints.MaxNorm(0.5))
    assert cell.get_config()["kernel_constraint"]["class_name"] == "NonNeg"
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(cell), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(X, np.ones((2, 1), np.float32), epochs=3, verbose=0)
    kernel, recurrent = cell.kernel.numpy(), cell.recurrent_kernel.numpy()
    assert (kernel >= 0).all()
    assert (np.sqrt((recurrent ** 2).sum(axis=0)) <= 0.5 + 1e-5).all()
    # a custom (callable) constraint on a cell, kept in the config when it has one
    calls = []

    def clip(w):
        calls.append(1)
        return tf.clip_by_value(w, -0.1, 0.1)
    gru = layers.GRUCell(2, bias_constraint=clip)
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(gru)])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    model.fit(X, np.ones((2, 2), np.float32), epochs=2, verbose=0)
    assert calls and np.abs(gru.bias.numpy()).max() <= 0.1 + 1e-7
    restored = layers.SimpleRNNCell.from_config(layers.SimpleRNNCell(2, bias_constraint="non_neg").get_config())
    assert restored.get_config()["bias_constraint"]["class_name"] == "NonNeg"


def test_tf_keras_configs_with_int64_dtype_load():
    # tf.keras 2.21's get_config of these layers in output_mode "int" carries "dtype": "int64"
    h = layers.Hashing.from_config({"name": "h", "trainable": True, "dtype": "int64", "num_bins": 4,
                                    "mask_value": None, "salt": None, "output_mode": "int", "sparse": False})
    assert h(tf.constant(["a", "b"])).dtype == tf.int64
    d = layers.Discretization.from_config({"name": "d", "trainable": True, "dtype": "int64",
                                           "bin_boundaries": [0.0, 1.0], "output_mode": "int", "sparse": False})
    np.testing.assert_array_equal(d(np.array([-1.0, 0.5, 2.0], np.float32)).numpy(), [0, 1, 2])
    s = layers.StringLookup(vocabulary=["a", "b"])
    config = dict(s.get_config(), dtype="int64")
    np.testing.assert_array_equal(layers.StringLookup.from_config(config)(tf.constant(["b", "z"])).numpy(), [2, 0])
    i = layers.IntegerLookup(vocabulary=[7, 9])
    np.testing.assert_array_equal(layers.IntegerLookup.from_config(dict(i.get_config(), dtype="int64"))(
        np.array([9, 1])).numpy(), [2, 0])
    t = layers.TextVectorization(max_tokens=5)
    layers.TextVectorization.from_config(dict(t.get_config(), dtype="string"))
    with pytest.raises(NotImplementedError, match="int64"):
        layers.Hashing.from_config({"num_bins": 3, "output_mode": "one_hot", "dtype": "int64"})
    with pytest.raises(ValueError, match="int64"):
        layers.Dense.from_config({"units": 2, "dtype": "int64"})   # not an id-output layer
