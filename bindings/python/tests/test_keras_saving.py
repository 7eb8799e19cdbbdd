"""Model.save_weights / load_weights / save and keras.models.load_model over sk_model_save*
(one safetensors file; atomic writes, all-or-nothing loads, OSError naming the path),
load_weights(skip_mismatch=True) (mismatched and missing layers are skipped with a warning naming
each, the rest loads) and metric objects' configs kept by save / load_model."""
import random
import re
import warnings

import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers


def _data(n=128, seed=7):
    rng = random.Random(seed)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    ys = [1 if a + 0.5 * b > 0 else 0 for a, b in xs]
    return tf.constant(xs), tf.constant(ys)


def _mlp(units=8, name=None):
    return keras.Sequential([layers.Dense(units, activation="relu", input_shape=(2,)),
                             layers.Dense(2, activation="softmax")], name=name)


def _values(p):
    """Predictions as nested lists (numpy is optional)."""
    return memoryview(p).tolist()


def _trained():
    x, y = _data()
    m = _mlp()
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(x, y, batch_size=32, epochs=5, verbose=0, seed=3)
    return m, x, y


def test_save_weights_round_trip_identical_predictions(tmp_path):
    m, x, _ = _trained()
    want = _values(m.predict(x, verbose=0))
    path = tmp_path / "mlp.weights.safetensors"
    m.save_weights(path)                       # os.PathLike accepted
    fresh = _mlp()
    assert _values(fresh.predict(x, verbose=0)) != want
    fresh.load_weights(str(path))
    assert _values(fresh.predict(x, verbose=0)) == want
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]   # no temporary left


def test_load_model_of_a_compiled_model_then_fit_continues(tmp_path):
    m, x, y = _trained()
    want = _values(m.predict(x, verbose=0))
    path = str(tmp_path / "mlp.safetensors")
    m.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, keras.Model)
    assert _values(loaded.predict(x, verbose=0)) == want
    d = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert set(d) == {"loss", "accuracy"}
    h = loaded.fit(x, y, batch_size=32, epochs=3, verbose=0, seed=3)
    assert len(h.history["loss"]) == 3
    assert _values(loaded.predict(x, verbose=0)) != want
    # load_weights also reads a model file
    loaded.load_weights(path)
    assert _values(loaded.predict(x, verbose=0)) == want


def test_functional_model_round_trip(tmp_path):
    inp = keras.Input(shape=(3,))
    out = layers.Dense(1)(layers.Dense(4, activation="tanh")(inp))
    m = keras.Model(inp, out)
    x = tf.constant([[0.1 * i - 0.3 * j for j in range(3)] for i in range(5)])
    path = str(tmp_path / "f.safetensors")
    m.save(path)
    assert _values(keras.models.load_model(path).predict(x, verbose=0)) == _values(m.predict(x, verbose=0))


def test_corrupted_and_missing_files_raise_oserror_with_the_path(tmp_path):
    m, x, _ = _trained()
    good = tmp_path / "good.safetensors"
    m.save(str(good))
    data = good.read_bytes()
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(data[: len(data) // 2])
    victim = _mlp()
    before = _values(victim.predict(x, verbose=0))
    with pytest.raises(OSError, match=re.escape(str(bad))):
        victim.load_weights(str(bad))
    assert _values(victim.predict(x, verbose=0)) == before        # all or nothing
    with pytest.raises(OSError, match=re.escape(str(bad))):
        keras.models.load_model(str(bad))
    bad.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00garbage")
    with pytest.raises(OSError, match=re.escape(str(bad))):
        victim.load_weights(str(bad))
    missing = tmp_path / "missing.safetensors"
    with pytest.raises(OSError, match=re.escape(str(missing))):
        victim.load_weights(str(missing))
    with pytest.raises(OSError, match=re.escape(str(missing))):
        keras.models.load_model(missing)
    unwritable = tmp_path / "no_such_dir" / "w.safetensors"
    with pytest.raises(OSError, match=re.escape(str(unwritable))):
        m.save_weights(str(unwritable))
    weights_only = tmp_path / "w.safetensors"
    m.save_weights(str(weights_only))
    with pytest.raises(OSError, match="only weights"):
        keras.models.load_model(str(weights_only))


def test_mismatched_model_keeps_its_weights(tmp_path):
    m, x, _ = _trained()
    path = str(tmp_path / "w.safetensors")
    m.save_weights(path)
    other = _mlp(units=3)
    before = _values(other.predict(x, verbose=0))
    with pytest.raises(ValueError, match="shape"):
        other.load_weights(path)
    assert _values(other.predict(x, verbose=0)) == before
    with pytest.raises(OSError, match="overwrite"):
        m.save_weights(path, overwrite=False)
    with pytest.raises(ValueError):
        m.save_weights("a\0b")


def test_file_is_readable_by_the_safetensors_package(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    np = pytest.importorskip("numpy")
    m, x, _ = _trained()
    path = str(tmp_path / "w.safetensors")
    m.save_weights(path)
    tensors = st.load_file(path)
    weights = [w.numpy() for w in m.trainable_weights]
    assert len(tensors) == len(weights) == 4
    assert sorted(t.shape for t in tensors.values()) == sorted(w.shape for w in weights)
    for w in weights:
        assert any(t.shape == w.shape and t.dtype == np.float32 and np.array_equal(t, w)
                   for t in tensors.values())
    mpath = str(tmp_path / "m.safetensors")
    m.save(mpath)
    assert len(st.load_file(mpath)) == 4


def _three_layer_mlp(last):
    return keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                             layers.Dense(3, activation="tanh"), layers.Dense(last)])


def _weights(m):
    return [[memoryview(w).tolist() for w in layer.get_weights()] for layer in m.layers]


def test_skip_mismatch_loads_other_layers_and_warns(tmp_path):
    a, b = _three_layer_mlp(2), _three_layer_mlp(5)
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
    c = _three_layer_mlp(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c.load_weights(path, skip_mismatch=True)
    assert _weights(c) == wa


def test_skip_mismatch_file_missing_a_layer(tmp_path):
    short = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(3)])
    path = str(tmp_path / "short.safetensors")
    short.save_weights(path)
    m = _three_layer_mlp(2)
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
