"""Model.load_weights(skip_mismatch=True) (mismatched and missing layers are skipped with a
warning naming each, the rest loads) and metric objects' configs kept by save / load_model."""
import random
import warnings

import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def _mlp(last):
    return keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                             layers.Dense(3, activation="tanh"), layers.Dense(last)])


def _weights(m):
    return [[memoryview(w).tolist() for w in layer.get_weights()] for layer in m.layers]


def test_skip_mismatch_loads_other_layers_and_warns(tmp_path):
    a, b = _mlp(2), _mlp(5)
    path = str(tmp_path / "a.weights.safetensors")
    a.save_weights(path)
    wa, before = _weights(a), _weights(b)
    assert wa[0] != before[0]

    # skip_mismatch=False: the same error as before, nothing changes.
    with pytest.raises(ValueError, match=r'weight "dense_2/kernel".*shape \(3, 2\)'):
        b.load_weights(path)
    with pytest.raises(ValueError, match=r'weight "dense_2/kernel"'):
        b.load_weights(path, skip_mismatch=False)
    assert _weights(b) == before

    with pytest.warns(UserWarning) as record:
        b.load_weights(path, skip_mismatch=True)
    messages = [str(r.message) for r in record]
    assert len(messages) == 1 and "'dense_2'" in messages[0] and "(3, 5)" in messages[0]
    after = _weights(b)
    assert after[0] == wa[0] and after[1] == wa[1]
    assert after[2] == before[2]

    # A matching model: no warning, everything loaded.
    c = _mlp(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c.load_weights(path, skip_mismatch=True)
    assert _weights(c) == wa


def test_skip_mismatch_file_missing_a_layer(tmp_path):
    short = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(3)])
    path = str(tmp_path / "short.safetensors")
    short.save_weights(path)
    m = _mlp(2)
    before = _weights(m)
    with pytest.raises(ValueError, match=r'has no weight "dense_2/kernel", "dense_2/bias"'):
        m.load_weights(path)
    assert _weights(m) == before
    with pytest.warns(UserWarning, match=r"'dense_2'.*has no weight"):
        m.load_weights(path, skip_mismatch=True)
    after, ws = _weights(m), _weights(short)
    assert after[0] == ws[0] and after[1] == ws[1] and after[2] == before[2]
    # File errors still raise with skip_mismatch.
    with pytest.raises(OSError, match="missing"):
        m.load_weights(str(tmp_path / "missing"), skip_mismatch=True)
    assert _weights(m) == after


def _binary_data(n=64, seed=5):
    rng = random.Random(seed)
    xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(n)]
    ys = [[1.0 if x[0] + rng.uniform(-0.5, 0.5) > 0 else 0.0] for x in xs]
    return tf.constant(xs), tf.constant(ys)


def test_metric_configs_survive_save_and_load_model(tmp_path):
    x, y = _binary_data()
    m = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    # Predictions sigmoid(2 x0 - 0.5 x1) spread over (0, 1): thresholds 0.5 and 0.7 differ.
    m.layers[0].set_weights([tf.constant([[2.0], [-0.5], [0.0]]), tf.constant([0.0])])
    m.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.AUC(num_thresholds=50, curve="PR"),
                       keras.metrics.Precision(thresholds=0.7), "mae"])
    path = str(tmp_path / "m.safetensors")
    m.save(path)
    loaded = keras.models.load_model(path)
    want = m.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    got = loaded.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert set(got) == {"loss", "auc", "precision", "mae"}
    assert got == want

    # The defaults give other values on these data.
    d = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    d.load_weights(path)
    d.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.AUC(), keras.metrics.Precision()])
    defaults = d.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert defaults["loss"] == want["loss"]
    assert defaults["auc"] != want["auc"] and defaults["precision"] != want["precision"]

    # The compile config in the file holds the configs (readable by the safetensors package).
    st = pytest.importorskip("safetensors")
    import json
    with st.safe_open(path, framework="numpy") as f:
        cc = json.loads(f.metadata()["swiftkeras.compile_config"])
    auc, prec, mae = cc["metrics"]
    assert auc["class_name"] == "AUC" and auc["config"]["num_thresholds"] == 50 and auc["config"]["curve"] == "PR"
    assert prec["class_name"] == "Precision" and prec["config"]["thresholds"] == 0.7
    assert mae == "mae"
