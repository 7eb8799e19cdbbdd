"""tf-keras 2.13+'s `.keras` zip and `.weights.h5` files (saving_lib), the optimizer's state in
`.h5` files (`optimizer_weights`) and float16 weights in HDF5 files.

Oracles: the reference files of Tests/Fixtures/keras_v3 written by tf-keras 2.21 (made by
make_fixtures.py there with TF_USE_LEGACY_KERAS=1; `<name>_expected.npz` holds an input and
tf-keras' prediction, trained_expected.npz the weights tf-keras reaches after one more training
step of its loaded model), Python's own `zipfile` for the archives we write, and uninterrupted
training for "save, load, continue".

Checked by hand with the reference venv (tf-keras 2.21, not needed by these tests): the `.keras`
files this library writes for a Sequential MLP (Dense, BatchNormalization, Adam state), the CNN
and the LSTM model of the fixtures load in `tf_keras.models.load_model` with identical
predictions and the optimizer's iteration count and slots; our `.weights.h5` loads with
`tf_keras.Model.load_weights`; our `.h5` model with Adam loads with its `optimizer_weights`.
"""
import io
import json
import os
import zipfile

import numpy as np
import pytest

import swiftkeras as tf
from keras_fixtures import expected, fixture

keras = tf.keras
layers = keras.layers



def _fixture(name):
    return fixture("keras_v3", name)


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
def test_keras_files_written_by_tf_keras_load_and_predict_as_tf_keras(name):
    x, y = expected("keras_v3", name)
    model = keras.models.load_model(_fixture(name + ".keras"))
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
    # the weights file alone, into the same architecture with fresh weights
    fresh = keras.models.model_from_json(model.to_json())
    assert not np.allclose(fresh.predict(x, verbose=0), y)
    fresh.load_weights(_fixture(name + ".weights.h5"))
    np.testing.assert_allclose(fresh.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
    # a .keras file's weights load too
    again = keras.models.model_from_json(model.to_json())
    again.load_weights(_fixture(name + ".keras"))
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


def test_compile_config_of_a_tf_keras_file(capfd):
    model = keras.models.load_model(_fixture("mlp.keras"))
    # saved before any training step: tf-keras wrote the iteration count only, restored silently
    assert int(model.optimizer.iterations) == 0 and "WARNING" not in capfd.readouterr().err
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.loss == "categorical_crossentropy"
    assert keras.models.load_model(_fixture("mlp.keras"), compile=False).optimizer is None
    assert keras.models.load_model(_fixture("lstm.keras")).optimizer is None   # saved uncompiled


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_tf_keras_optimizer_state_continues_exactly(suffix):
    e = np.load(_fixture("trained_expected.npz"))
    model = keras.models.load_model(_fixture("trained" + suffix))
    assert int(model.optimizer.iterations) == int(e["iterations"]) == 3
    loss = model.train_on_batch(e["x"], e["y"])
    assert float(loss) == pytest.approx(float(e["loss"]), rel=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, e[f"w{i}"], rtol=1e-5, atol=1e-6)
    # a fresh optimizer instead (compile=False, compiled again) takes another step: the state matters
    fresh = keras.models.load_model(_fixture("trained" + suffix), compile=False)
    fresh.compile(keras.optimizers.Adam(0.05), "mse")
    fresh.train_on_batch(e["x"], e["y"])
    assert not np.allclose(fresh.get_weights()[0], e["w0"], atol=1e-4)


def _data(n=32):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] * 0.7 - x[:, 1:2] * x[:, 2:3]).astype("float32")
    return x, y


def _mlp(opt):
    keras.utils.set_random_seed(5)
    m = keras.Sequential([layers.Dense(8, activation="tanh", input_shape=(4,)), layers.BatchNormalization(),
                          layers.Dense(1)])
    m.compile(optimizer=opt, loss="mse", metrics=["mae"])
    return m


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("opt", [lambda: keras.optimizers.Adam(0.01),
                                 lambda: keras.optimizers.Adam(0.01, amsgrad=True),
                                 lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                                 lambda: keras.optimizers.SGD(0.05, momentum=0.9)])
def test_save_mid_training_load_and_continue_exactly(tmp_path, suffix, opt):
    x, y = _data()
    straight = _mlp(opt())
    straight.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0)
    a = _mlp(opt())
    a.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    path = str(tmp_path / ("mid" + suffix))
    a.save(path)
    b = keras.models.load_model(path)
    assert int(b.optimizer.iterations) == 8
    b.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for w1, w2 in zip(straight.get_weights(), b.get_weights()):
        np.testing.assert_allclose(w2, w1, rtol=1e-6, atol=1e-6)


def test_an_optimizer_state_that_does_not_fit_is_skipped_with_a_warning(tmp_path, capfd):
    x, y = _data()
    m = _mlp(keras.optimizers.Adam(0.01))
    m.fit(x, y, batch_size=16, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    m.save(path)
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    config = json.loads(entries["config.json"])
    config["compile_config"]["optimizer"] = {"module": "keras.optimizers", "class_name": "SGD",
                                             "config": {"learning_rate": 0.1}, "registered_name": None}
    entries["config.json"] = json.dumps(config).encode()
    other = tmp_path / "sgd.keras"
    other.write_bytes(_zip(list(entries.items())))
    capfd.readouterr()
    loaded = keras.models.load_model(str(other))
    err = capfd.readouterr().err
    assert "skipping the optimizer's saved state because the optimizer 'SGD' has 1 variables whereas the saved " \
           "optimizer has 13 variables" in err and "sgd.keras" in err
    assert int(loaded.optimizer.iterations) == 0
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))


def test_our_keras_zip_layout(tmp_path):
    x, y = _data()
    m = _mlp(keras.optimizers.Adam(0.01))
    m.fit(x, y, batch_size=16, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    m.save(path)
    with zipfile.ZipFile(path) as z:    # Python's zipfile is the oracle of the archive
        assert z.testzip() is None
        assert [i.filename for i in z.infolist()] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        meta = json.loads(z.read("metadata.json"))
        config = json.loads(z.read("config.json"))
        weights = z.read("model.weights.h5")
    assert meta["keras_version"].startswith("2.") and "@" in meta["date_saved"]
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    dense = config["config"]["layers"][1]
    assert dense["module"] == "keras.layers" and dense["class_name"] == "Dense" and dense["registered_name"] is None
    assert dense["config"]["kernel_initializer"]["module"] == "keras.initializers"
    cc = config["compile_config"]
    assert cc["optimizer"]["module"] == "keras.optimizers" and cc["optimizer"]["class_name"] == "Adam"
    assert cc["loss"] == "mean_squared_error" and cc["metrics"] == ["mae"]
    assert weights[:8] == b"\x89HDF\r\n\x1a\n"
    # the H5IOStore paths, read back through load_weights of a model whose second Dense is wider
    wider = keras.Sequential([layers.Dense(8, activation="tanh", input_shape=(4,)), layers.BatchNormalization(),
                              layers.Dense(2)])
    with pytest.raises(ValueError, match=r"layers/dense_1.*expects shape \(8, 2\).*has shape \(8, 1\)"):
        wider.load_weights(path)
    with pytest.warns(UserWarning, match="layers/dense_1"):
        wider.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(wider.layers[1].get_weights()[3], m.layers[1].get_weights()[3])


def test_functional_and_weights_h5_round_trip(tmp_path):
    inp = keras.Input((6, 6, 1), name="image")
    h = layers.Conv2D(2, 3, activation="relu", name="conv")(inp)
    h = layers.Flatten()(layers.MaxPooling2D(2)(h))
    a = layers.Dense(3, name="a")(h)
    b = layers.Dense(3, name="b")(h)
    m = keras.Model(inp, layers.Add()([a, b]))
    x = np.linspace(-1, 1, 72, dtype="float32").reshape(2, 6, 6, 1)
    path = str(tmp_path / "f.keras")
    m.save(path)
    loaded = keras.models.load_model(path)
    assert [l.name for l in loaded.layers] == [l.name for l in m.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))
    wpath = str(tmp_path / "f.weights.h5")
    m.save_weights(wpath)
    again = keras.models.model_from_json(m.to_json())
    again.load_weights(wpath)
    np.testing.assert_array_equal(again.predict(x, verbose=0), m.predict(x, verbose=0))


class Affine(layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=(input_shape[-1], self.units), initializer="glorot_uniform")

    def call(self, x):
        return tf.matmul(x, self.w)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="V3Test")
class Residual(keras.Model):
    """A subclassed model: a hidden branch plus a linear skip."""

    def __init__(self, width=6, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.hidden = layers.Dense(width, activation="relu")
        self.head = layers.Dense(1)
        self.skip = layers.Dense(1, use_bias=False)

    def call(self, x):
        return self.head(self.hidden(x)) + self.skip(x)

    def get_config(self):
        return {"width": self.width, "name": self.name}


def test_custom_layers_and_subclassed_models(tmp_path):
    x, y = _data(12)
    m = keras.Sequential([layers.Dense(3, input_shape=(4,)), Affine(2, name="aff")])
    path = str(tmp_path / "c.keras")
    m.save(path)
    with zipfile.ZipFile(path) as z:
        entry = json.loads(z.read("config.json"))["config"]["layers"][-1]
    assert entry["class_name"] == "Affine"
    with pytest.raises(ValueError, match="Affine"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"Affine": Affine})
    assert isinstance(loaded.layers[-1], Affine) and loaded.layers[-1].units == 2
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))

    t = Residual(5, name="residual")
    t.compile("adam", "mse")
    t.fit(x, y, epochs=2, verbose=0)
    tpath = str(tmp_path / "t.keras")
    t.save(tpath)
    with zipfile.ZipFile(tpath) as z:
        c = json.loads(z.read("config.json"))
    assert c["registered_name"] == "V3Test>Residual" and c["class_name"] == "Residual"
    assert c["build_config"] == {"input_shape": [None, 4]}
    back = keras.models.load_model(tpath)
    assert isinstance(back, Residual) and back.width == 5
    np.testing.assert_array_equal(back.predict(x, verbose=0), t.predict(x, verbose=0))
    assert int(back.optimizer.iterations) == int(t.optimizer.iterations)


def test_float16_weights_stay_float16(tmp_path):
    e = np.load(_fixture("half_expected.npz"))
    assert e["kernel"].dtype == np.float16
    for name in ("half.h5", "half.keras"):
        m = keras.models.load_model(_fixture(name))
        k, b = m.get_weights()
        assert k.dtype == np.float16, name
        np.testing.assert_array_equal(k, e["kernel"])
        np.testing.assert_array_equal(b, e["bias"])
    m = keras.Sequential([layers.Dense(3, dtype="float16", input_shape=(2,))])
    m.set_weights([np.array([[0.1, -2.5, 65504], [1e-4, 3.0, -0.0]], "float16"), np.array([1, 2, 3], "float16")])
    for suffix in (".h5", ".keras", ".weights.h5"):
        path = str(tmp_path / ("h" + suffix))
        m.save(path) if suffix != ".weights.h5" else m.save_weights(path)
        other = keras.Sequential([layers.Dense(3, dtype="float16", input_shape=(2,))])
        if suffix == ".weights.h5":
            other.load_weights(path)
        else:
            other = keras.models.load_model(path)
        for w1, w2 in zip(m.get_weights(), other.get_weights()):
            assert w2.dtype == np.float16
            np.testing.assert_array_equal(w1, w2)


def _zip(entries, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def test_damaged_keras_files_are_clear_errors(tmp_path):
    m = _mlp(keras.optimizers.Adam(0.01))
    good = str(tmp_path / "good.keras")
    m.save(good)
    data = open(good, "rb").read()
    cases = {
        "truncated.keras": (data[: len(data) // 2], OSError, "not a valid zip archive"),
        "empty.keras": (b"", OSError, "no end of central directory"),
        "flipped.keras": (data[:200] + bytes([data[200] ^ 0xFF]) + data[201:], OSError, "CRC-32"),
        "deflated.keras": (_zip([("config.json", b"{}" * 50), ("model.weights.h5", b"x")], zipfile.ZIP_DEFLATED),
                           NotImplementedError, r"compressed \(deflate\).*zip -0"),
        "noconfig.keras": (_zip([("metadata.json", b"{}")]), OSError, "has no config.json"),
        "badjson.keras": (_zip([("config.json", b"{nope"), ("model.weights.h5", b"x")]), ValueError,
                          r"badjson\.keras': its config\.json is not a model config"),
        "npz.keras": (_zip([("config.json", b"{}"), ("model.weights.npz", b"x")]), NotImplementedError, "npz"),
        "nothdf5.keras": (_zip([("config.json", json.dumps(json.loads(zipfile.ZipFile(good).read("config.json")))),
                                ("model.weights.h5", b"not hdf5")]), OSError, "is not an HDF5 file"),
    }
    for name, (payload, exc, pattern) in cases.items():
        p = tmp_path / name
        p.write_bytes(payload)
        with pytest.raises(exc, match=pattern):
            keras.models.load_model(str(p))
    with pytest.raises(OSError, match="not a valid zip archive"):
        m.load_weights(str(tmp_path / "truncated.keras"))


def test_model_checkpoint_writes_keras_and_weights_files(tmp_path):
    x, y = _data()
    m = _mlp(keras.optimizers.Adam(0.01))
    m.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False,
          callbacks=[keras.callbacks.ModelCheckpoint(str(tmp_path / "m{epoch}.keras")),
                     keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch}.weights.h5"), save_weights_only=True)])
    assert {"m1.keras", "m2.keras", "w1.weights.h5", "w2.weights.h5"} <= set(os.listdir(tmp_path))
    last = keras.models.load_model(str(tmp_path / "m2.keras"))
    assert int(last.optimizer.iterations) == 8
    np.testing.assert_array_equal(last.predict(x, verbose=0), m.predict(x, verbose=0))
