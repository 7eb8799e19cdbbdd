"""Records tf.keras 2's answers for bindings/python/tests/test_keras_rnn_cells.py (reference venv
only: TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python tools/record_rnn_cells_reference.py)."""
import os
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402

L = keras.layers


det = lambda shape, seed: (0.5 * np.sin(0.37 * np.arange(int(np.prod(shape))) + seed)).astype(np.float32).reshape(shape)  # noqa: E731,E501


def set_det(layer, seed):
    layer.set_weights([det(w.shape, seed + 10 * i) for i, w in enumerate(layer.get_weights())])


# The tests' MinimalRNNCell (Keras' documentation cell, h' = tanh(x·W + h·U)) is SimpleRNNCell without
# a bias: its weights are the same two matrices in the same order.
def minimal_cell(units):
    return L.SimpleRNNCell(units, use_bias=False)


def r(a):
    return np.round(np.asarray(a, np.float64), 7).tolist()


X = det((2, 4, 3), 1.0)
MASK = np.array([[1, 1, 0, 1], [1, 0, 0, 1]], bool)
rnn = L.RNN([L.LSTMCell(3), L.GRUCell(2, reset_after=False), L.SimpleRNNCell(2)], return_sequences=True,
            return_state=True)
rnn(X)
set_det(rnn, 7.0)
out = rnn(X)
print("STACKED_SEQ =", r(out[0]))
print("STACKED_STRUCTURE =", [len(out)] + [type(o).__name__ for o in out[1:]])
print("STACKED_STATES =", [r(s) for s in tf.nest.flatten(out[1:])])
for zero in (False, True):
    m = L.RNN(minimal_cell(2), return_sequences=True, zero_output_for_mask=zero)
    m(X)
    set_det(m, 3.0)
    print(f"MINIMAL_MASKED[{zero}] =", r(m(X, mask=MASK)))
m = L.RNN(minimal_cell(2), go_backwards=True, return_state=True)
m(X)
set_det(m, 3.0)
o, s = m(X, initial_state=[tf.constant(det((2, 2), 9.0))])
print("MINIMAL_BACK =", r(o))
for cls, kw in (("LSTMCell", {}), ("GRUCell", {"reset_after": False}), ("GRUCell", {}), ("SimpleRNNCell", {})):
    c = getattr(L, cls)(3, **kw)
    n = 2 if cls == "LSTMCell" else 1
    states = [tf.constant(det((2, 3), 4.0 + i)) for i in range(n)]
    c(X[:, 0], states)
    set_det(c, 5.0)
    o, st = c(X[:, 0], states)
    print(f"CELL[{cls!r}, {kw.get('reset_after', True)}] =", r([o] + list(st)))
    print(f"CONFIG_KEYS[{cls!r}] =", sorted(c.get_config()))
print("RNN_KEYS =", sorted(L.RNN(L.LSTMCell(2)).get_config()))
