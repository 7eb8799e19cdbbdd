"""The fused recurrent layers with their batch split over threads (sizes where the kernel splits
it: each thread runs the sequence on a block of samples) as on one thread, and the LSTM against a
numpy reference, for batch sizes 1, 2, odd, with return_state, go_backwards and masks."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras.keras import layers


def det(shape, seed):
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_lstm(x, kernel, recurrent, bias, go_backwards=False, mask=None):
    """Keras' LSTM (gates i, f, c, o; tanh / sigmoid) in float64: the last h and c."""
    b, t, _ = x.shape
    u = recurrent.shape[0]
    h, c = np.zeros((b, u)), np.zeros((b, u))
    for s in range(t):
        ts = t - 1 - s if go_backwards else s
        z = x[:, ts] @ kernel + h @ recurrent + bias
        i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
        cn = f * c + i * g
        hn = o * np.tanh(cn)
        keep = np.ones((b, 1), bool) if mask is None else mask[:, ts:ts + 1]
        h, c = np.where(keep, hn, h), np.where(keep, cn, c)
    return h, c


def run(layer, x, threads, mask=None):
    """Outputs and the gradients of a weighted sum of them (input and weights) on `threads` threads."""
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    try:
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            outs = layer(xt, mask=None if mask is None else tf.constant(mask))
            outs = outs if isinstance(outs, list) else [outs]
            loss = sum(tf.reduce_sum(o * det(o.shape, 7 + i)) for i, o in enumerate(outs))
        grads = tape.gradient(loss, [xt] + layer.trainable_weights)
        return [o.numpy() for o in outs] + [g.numpy() for g in grads]
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(0)


@pytest.mark.parametrize("batch,steps", [(1, 32), (2, 64), (5, 32), (129, 32)])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_split_matches_one_thread_and_numpy(batch, steps, go_backwards):
    x = det((batch, steps, 16), 1.0)
    mask = np.ones((batch, steps), bool)
    mask[batch // 2, -3:] = False
    mask[0, :2] = batch == 1
    lstm = layers.LSTM(64, return_state=True, go_backwards=go_backwards)
    lstm(x)
    lstm.set_weights([det(w.shape, 5.0 + 10 * i) * 0.5 for i, w in enumerate(lstm.get_weights())])
    one = run(lstm, x, 1, mask)
    two = run(lstm, x, 2, mask)
    assert [a.shape for a in one] == [a.shape for a in two]
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    k, r, bias = (w.astype(np.float64) for w in lstm.get_weights())
    h, c = numpy_lstm(x.astype(np.float64), k, r, bias, go_backwards, mask)
    np.testing.assert_allclose(two[0], h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(two[1], h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(two[2], c, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [lambda: layers.GRU(64, return_sequences=True, return_state=True),
                                  lambda: layers.GRU(64, reset_after=False, go_backwards=True),
                                  lambda: layers.SimpleRNN(64, return_sequences=True)])
def test_gru_and_simple_rnn_split_match_one_thread(make):
    x = det((9, 32, 16), 2.0)
    layer = make()
    layer(x)
    layer.set_weights([det(w.shape, 3.0 + 10 * i) * 0.5 for i, w in enumerate(layer.get_weights())])
    one, two = run(layer, x, 1), run(layer, x, 2)
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_stateful_lstm_split_carries_states_as_one_thread():
    x = det((6, 32, 16), 3.0)
    results = []
    for threads in (1, 2):
        lstm = layers.LSTM(64, stateful=True, return_state=True)
        lstm(x)
        lstm.set_weights([det(w.shape, 4.0 + 10 * i) * 0.5 for i, w in enumerate(lstm.get_weights())])
        lstm.reset_states()
        results.append(run(lstm, x, threads)[:3] + run(lstm, x, threads)[:3])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    # the second call started from the first one's states
    assert not np.allclose(results[0][0], results[0][3])
