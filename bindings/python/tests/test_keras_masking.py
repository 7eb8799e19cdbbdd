"""Masking and the RNN wrappers from Python as tf.keras 2 has them: Embedding(mask_zero=True) and
Masking make masks, eager outputs carry `_keras_mask`, Sequential and functional models carry masks
to RNNs, pooling and the loss; Bidirectional and TimeDistributed. Expected values were recorded
from tf.keras 2.21 by tools/golden/record_masking.py (inputs and weights are the `det` values)."""
import json

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import layers


def det(shape, seed):
    n = int(np.prod(shape))
    return (0.5 * np.sin(0.37 * np.arange(n, dtype=np.float64) + seed)).astype(np.float32).reshape(shape)


def set_det(layer, offset):
    layer.set_weights([det(w.shape, i + offset) for i, w in enumerate(layer.get_weights())])


X = det((2, 5, 2), 1.0) + np.float32(0.1)
X[0, 3:] = 0
X[1, 0] = 0
X[1, 2] = 0
MASK = [[True, True, True, False, False], [False, True, False, True, True]]
TOKENS = np.array([[3, 1, 4, 0, 0], [0, 2, 0, 5, 1], [1, 1, 1, 1, 1]], dtype=np.int32)

# tf.keras 2.21: Masking(0) → LSTM(3, return_sequences=True, return_state=True), weights det(i + 2)
LSTM_SEQ = [[[-0.0143124, 0.0015139, 0.0168967], [-0.0304332, -0.006691, 0.0179397], [-0.0396129, 0.000896, 0.0408895],
             [-0.0396129, 0.000896, 0.0408895], [-0.0396129, 0.000896, 0.0408895]],
            [[0.0, 0.0, 0.0], [0.0106516, 0.0587582, 0.0936502], [0.0106516, 0.0587582, 0.0936502],
             [0.0065574, 0.042739, 0.0721134], [-0.011839, 0.0172819, 0.0443827]]]
# Embedding(6, 3, mask_zero=True) → LSTM(4, return_sequences=True) → Dense(2), weights det(i + 1)
SEQ_PRED = [[[-0.1851936, 0.0489867], [-0.0668963, 0.1464439], [-0.1432131, 0.102258], [-0.1432131, 0.102258],
             [-0.1432131, 0.102258]],
            [[-0.1397077, 0.0433528], [-0.1765822, 0.0601859], [-0.1765822, 0.0601859], [-0.0774103, 0.1312568],
             [-0.0492978, 0.1475339]],
            [[-0.0939483, 0.1016828], [-0.0650567, 0.1306088], [-0.0525228, 0.1411749], [-0.048196, 0.1442438],
             [-0.0469671, 0.144921]]]
SEQ_LOSS, SEQ_MAE, SEQ_LOSS_WEIGHTED = 0.10592333227396011, 0.28767481446266174, 0.1261809915304184
# Masking(0) → Bidirectional(GRU(3, return_sequences=True), merge_mode=None), weights det(i + 2)
BI_GRU = [[[[-0.0053281, 0.0335651, 0.0687821], [-0.0382187, 0.0195908, 0.0770505], [-0.0787509, -0.0092721, 0.0650816],
            [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
           [[0.0, 0.0, 0.0], [-0.0012235, 0.0545526, 0.1022795], [0.0, 0.0, 0.0], [0.0025545, 0.0752826, 0.1371681],
            [-0.0217921, 0.0559288, 0.1264283]]],
          [[[0.0726862, 0.005285, -0.0596029], [0.0950337, 0.0401171, -0.0164763], [0.0809466, 0.0431675, 0.0027691],
            [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
           [[0.0, 0.0, 0.0], [0.0360175, -0.0467958, -0.1214973], [0.0, 0.0, 0.0], [0.0294962, -0.0326003, -0.0883208],
            [0.0355573, -0.0028514, -0.0389075]]]]
# Masking(0) → TimeDistributed(Dense(2)), weights det(i + 3)
TD = [[[-0.5078267, -0.7729882], [-0.4855857, -0.7560654], [-0.4183225, -0.6174952], [-0.3784012, -0.4709776],
       [-0.3784012, -0.4709776]],
      [[-0.3784012, -0.4709776], [-0.3616771, -0.3873489], [-0.3784012, -0.4709776], [-0.4975545, -0.7312528],
       [-0.5035491, -0.7818563]]]


def test_masking_layer_and_eager_keras_mask():
    h = layers.Masking(mask_value=0.0)(X)
    assert h._keras_mask is not None
    np.testing.assert_array_equal(np.asarray(h._keras_mask), MASK)
    np.testing.assert_allclose(np.asarray(h), X)
    e = layers.Embedding(6, 3, mask_zero=True)(TOKENS)
    np.testing.assert_array_equal(np.asarray(e._keras_mask), TOKENS != 0)
    assert layers.Embedding(6, 3)(TOKENS)._keras_mask is None
    assert layers.Embedding(6, 3, mask_zero=True).get_config()["mask_zero"] is True


def test_eager_mask_reaches_the_lstm():
    lstm = layers.LSTM(3, return_sequences=True, return_state=True)
    lstm(X)
    set_det(lstm, 2.0)
    out, h, c = lstm(layers.Masking()(X))
    np.testing.assert_allclose(np.asarray(out), LSTM_SEQ, atol=2e-6)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), MASK)
    assert h._keras_mask is None
    # an explicit mask= gives the same
    out2 = lstm(X, mask=np.array(MASK))[0]
    np.testing.assert_allclose(np.asarray(out2), LSTM_SEQ, atol=2e-6)


def _seq_model(functional):
    parts = [layers.Embedding(6, 3, mask_zero=True), layers.LSTM(4, return_sequences=True), layers.Dense(2)]
    if not functional:
        m = keras.Sequential(parts)
        m(TOKENS)   # builds it
        return m
    inp = keras.Input((5,), dtype="int32")
    t = inp
    for p in parts:
        t = p(t)
    return keras.Model(inp, t)


@pytest.mark.parametrize("functional", [False, True])
def test_masked_model_predictions_and_loss_match_keras(functional):
    m = _seq_model(functional)
    m.set_weights([det(w.shape, i + 1.0) for i, w in enumerate(m.get_weights())])
    np.testing.assert_allclose(m.predict(TOKENS, verbose=0), SEQ_PRED, atol=2e-6)
    out = m(TOKENS)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), TOKENS != 0)
    m.compile("sgd", "mse", metrics=["mae"])
    y = det((3, 5, 2), 5.0)
    ev = m.evaluate(TOKENS, y, verbose=0, return_dict=True)
    assert ev["loss"] == pytest.approx(SEQ_LOSS, abs=2e-6)
    assert ev["mae"] == pytest.approx(SEQ_MAE, abs=2e-6)
    ev = m.evaluate(TOKENS, y, sample_weight=np.array([1, 2, 0.5], np.float32), verbose=0, return_dict=True)
    assert ev["loss"] == pytest.approx(SEQ_LOSS_WEIGHTED, abs=2e-6)


def test_masked_model_trains_to_convergence():
    rng = np.random.default_rng(0)
    n, t = 128, 6
    lengths = rng.integers(1, t + 1, n)
    x = np.zeros((n, t), np.int32)
    for i, ln in enumerate(lengths):
        x[i, :ln] = rng.integers(1, 5, ln)
    y = x[np.arange(n), lengths - 1] - 1   # the last real token; padding follows it
    model = keras.Sequential([layers.Embedding(5, 8, mask_zero=True), layers.LSTM(16), layers.Dense(4, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=30, verbose=0)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] > 0.97


def test_global_average_pooling_averages_kept_steps():
    h = layers.Embedding(6, 3, mask_zero=True)
    h(TOKENS)
    set_det(h, 2.0)
    e = h(TOKENS)
    got = np.asarray(layers.GlobalAveragePooling1D()(e))
    v = np.asarray(e)
    m = (TOKENS != 0)[..., None]
    np.testing.assert_allclose(got, (v * m).sum(1) / m.sum(1), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.GlobalMaxPooling1D()(e)), v.max(1), rtol=1e-6)   # ignores masks (tf.keras 2)


def test_bidirectional_matches_keras_and_round_trips():
    b = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode=None)
    b(X)
    set_det(b, 2.0)
    fwd, bwd = b(layers.Masking()(X))
    np.testing.assert_allclose(np.asarray(fwd), BI_GRU[0], atol=2e-6)
    np.testing.assert_allclose(np.asarray(bwd), BI_GRU[1], atol=2e-6)
    np.testing.assert_array_equal(np.asarray(fwd._keras_mask), MASK)
    names = [w.name for w in b.weights]
    assert names[0].startswith(b.name + "/forward_gru") and names[3].startswith(b.name + "/backward_gru")
    cat = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True))
    outs = cat(X)
    assert [tuple(o.shape) for o in outs] == [(2, 5, 4), (2, 2), (2, 2), (2, 2), (2, 2)]
    inp = keras.Input((5, 2))
    m = keras.Model(inp, layers.Bidirectional(layers.LSTM(2), merge_mode="sum")(layers.Masking()(inp)))
    assert m.predict(X, verbose=0).shape == (2, 2)
    with pytest.raises(NotImplementedError, match="weights"):
        layers.Bidirectional(layers.LSTM(2), weights=[np.zeros(1)])
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))


def test_time_distributed_matches_keras():
    td = layers.TimeDistributed(layers.Dense(2))
    td(X)
    set_det(td, 3.0)
    assert [w.name for w in td.weights] == [td.name + "/kernel:0", td.name + "/bias:0"]   # as tf.keras 2
    out = td(layers.Masking()(X))
    np.testing.assert_allclose(np.asarray(out), TD, atol=2e-6)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), MASK)
    cfg = td.get_config()
    assert cfg["layer"]["class_name"] == "Dense"
    with pytest.raises(NotImplementedError, match="custom Python layer"):
        layers.TimeDistributed(type("Mine", (layers.Layer,), {})())


def test_mask_on_symbolic_tensors_is_refused():
    with pytest.raises(NotImplementedError, match="mask="):
        layers.Dense(2)(keras.Input((5, 2)), mask=np.ones((2, 5), bool))


def test_masked_configs_reach_the_core():
    assert json.loads(json.dumps(layers.Masking(mask_value=-1.0).get_config()))["mask_value"] == -1.0


def test_masked_model_with_wrappers_saves_and_loads(tmp_path):
    x = np.random.default_rng(0).integers(0, 6, (4, 5)).astype("int32")
    m = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(6, 3, mask_zero=True),
                          layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
                          layers.TimeDistributed(layers.Dense(2)), layers.GlobalAveragePooling1D()])
    p = m.predict(x, verbose=0)
    path = str(tmp_path / "masked.safetensors")
    m.save(path)
    m2 = keras.models.load_model(path)
    assert [w.name for w in m2.weights] == [w.name for w in m.weights]
    np.testing.assert_array_equal(m2.predict(x, verbose=0), p)


class _Identity(layers.Layer):
    def __init__(self, passes, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = passes

    def call(self, inputs):
        return inputs


def test_custom_layer_supports_masking_lets_the_mask_through():
    assert layers.Dense(2).supports_masking and not layers.Flatten().supports_masking
    emb, lstm = layers.Embedding(6, 3, mask_zero=True), layers.LSTM(4)
    base = keras.Sequential([emb, lstm])
    want = base.predict(TOKENS, verbose=0)
    through = keras.Sequential([emb, _Identity(True), lstm]).predict(TOKENS, verbose=0)
    np.testing.assert_array_equal(through, want)
    dropped = keras.Sequential([emb, _Identity(False), lstm]).predict(TOKENS, verbose=0)
    assert not np.allclose(dropped, want)   # tf.keras 2: a layer without supports_masking drops the mask
    assert _Identity(True)(layers.Masking()(X))._keras_mask is not None
    assert _Identity(False)(layers.Masking()(X))._keras_mask is None
