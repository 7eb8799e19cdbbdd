#!/usr/bin/env python3
"""Records tf.keras 2 answers for the recurrent-layer tests (Tests/SwiftKerasTests/KerasRecurrentTests.swift).

Run in a reference venv with tensorflow-cpu + tf-keras: TF_USE_LEGACY_KERAS=1 python3 tools/record_recurrent_reference.py
Inputs and weights are deterministic formulas (`det(n, seed)`, repeated in the Swift test), so only
the outputs are recorded; the script prints them as Swift array literals for the test's table.
"""
import os
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
from tensorflow import keras


def det(shape, seed):
    """0.5·sin(0.37·i + seed) for i = 0..<n, float32, reshaped."""
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


def set_det_weights(layer, seed):
    layer.set_weights([det(w.shape, seed + 10 * i) for i, w in enumerate(layer.get_weights())])


def emit(name, arrays):
    flat = [float(v) for a in arrays for v in np.asarray(a).reshape(-1)]
    print(f'    "{name}": [' + ", ".join(repr(round(v, 7)) for v in flat) + "],")


B, T, F, U = 2, 4, 3, 3
x = det((B, T, F), 1.0)
x2 = det((B, T, F), 2.0)
h0 = tf.constant(det((B, U), 3.0))
c0 = tf.constant(det((B, U), 4.0))

print("let recurrentReference: [String: [Double]] = [")
# LSTM: return_sequences + return_state, from initial_state.
l = keras.layers.LSTM(U, return_sequences=True, return_state=True)
l(x)
set_det_weights(l, 5.0)
emit("lstm_seq_state_initial", l(x, initial_state=[h0, c0]))
# GRU (both reset_after modes), return_state + go_backwards, from initial_state.
for ra in (True, False):
    g = keras.layers.GRU(U, return_state=True, go_backwards=True, reset_after=ra)
    g(x)
    set_det_weights(g, 6.0)
    emit(f"gru_reset_after_{str(ra).lower()}_backwards_state_initial", g(x, initial_state=[h0]))
# SimpleRNN, return_sequences + return_state + go_backwards.
s = keras.layers.SimpleRNN(U, return_sequences=True, return_state=True, go_backwards=True)
s(x)
set_det_weights(s, 7.0)
emit("simple_rnn_seq_state_backwards", s(x))
# Stateful LSTM: two calls carry the states, reset_states starts again from zeros.
st = keras.layers.LSTM(U, stateful=True, return_state=True)
st(x)
set_det_weights(st, 8.0)
st.reset_states()
first = st(x)
second = st(x2)
st.reset_states()
third = st(x2)
emit("lstm_stateful_first", first)
emit("lstm_stateful_second", second)
emit("lstm_stateful_after_reset", third)
# Stateful GRU with reset_states(states=...).
sg = keras.layers.GRU(U, stateful=True)
sg(x)
set_det_weights(sg, 9.0)
sg.reset_states(states=[h0.numpy()])
emit("gru_stateful_from_set_states", [sg(x), sg(x2)])
print("]")
