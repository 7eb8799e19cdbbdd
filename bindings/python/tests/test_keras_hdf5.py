"""tf.keras 2's HDF5 files (``.h5``): ``model.save("m.h5")``, ``save_weights("w.h5")``,
``load_model``, ``load_weights`` (by order and ``by_name``), ModelCheckpoint to ``.h5`` — ours and
the reference files written by tf.keras 2 (Tests/Fixtures/keras_h5, made by make_fixtures.py with
TF_USE_LEGACY_KERAS=1; ``<name>_expected.npz`` holds an input and tf.keras 2's prediction). The
layout checks read the files with the core's own reader (no h5py needed): through ``load_weights``
by name and through ``load_model`` of what tf.keras 2 wrote."""
import os
import subprocess
import sys

import numpy as np
import pytest

import swiftkeras as tf
from keras_fixtures import expected, fixture

keras = tf.keras
layers = keras.layers



def _fixture(name):
    return fixture("keras_h5", name)


def _expected(name):
    return expected("keras_h5", name)


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
def test_models_written_by_tf_keras_2_load_and_predict_as_tf_keras(name):
    x, y = _expected(name)
    model = keras.models.load_model(_fixture(name + ".h5"))
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


def test_training_config_of_tf_keras_2_compiles_the_model():
    model = keras.models.load_model(_fixture("mlp.h5"))
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.loss == "categorical_crossentropy"
    x, _ = _expected("mlp")
    hist = model.fit(x, np.eye(2, dtype="float32"), epochs=1, verbose=0)
    assert set(hist.history) == {"loss", "accuracy"}
    cnn = keras.models.load_model(_fixture("cnn.h5"))
    assert type(cnn.optimizer).__name__ == "SGD" and cnn.loss == "mean_squared_error"
    assert keras.models.load_model(_fixture("lstm.h5")).optimizer is None      # saved uncompiled
    assert keras.models.load_model(_fixture("mlp.h5"), compile=False).optimizer is None


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
def test_weights_written_by_tf_keras_2_load_by_order(name):
    x, y = _expected(name)
    model = keras.models.model_from_json(keras.models.load_model(_fixture(name + ".h5")).to_json())
    assert not np.allclose(model.predict(x, verbose=0), y)
    status = model.load_weights(_fixture(name + "_weights.h5"))
    status.assert_consumed()
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
    # a model file's weights load too (its model_weights group)
    again = keras.models.model_from_json(model.to_json())
    again.load_weights(_fixture(name + ".h5"))
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


def _mlp(units=2, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,), name="hidden"),
                             layers.Dense(units, name="out")])


def test_save_weights_h5_round_trip_and_signature(tmp_path):
    path = str(tmp_path / "w.h5")
    a, b = _mlp(seed=1), _mlp(seed=2)
    a.save_weights(path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    b.load_weights(path)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_load_weights_by_name_and_skip_mismatch(tmp_path):
    path = str(tmp_path / "w.h5")
    src = _mlp(seed=1)
    src.save_weights(path)
    wide = _mlp(units=5, seed=3)
    before = wide.get_weights()
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #1 \(named out\)"):
        wide.load_weights(path, by_name=True)
    for w0, w in zip(before, wide.get_weights()):          # all or nothing
        np.testing.assert_array_equal(w0, w)
    with pytest.raises(ValueError, match="skip_mismatch can only be set to True when by_name is True"):
        wide.load_weights(path, skip_mismatch=True)
    with pytest.warns(UserWarning, match="Skipping loading weights for layer 'out'"):
        status = wide.load_weights(path, by_name=True, skip_mismatch=True)
    with pytest.raises(AssertionError, match="out"):
        status.assert_consumed()
    got = wide.get_weights()
    np.testing.assert_array_equal(got[0], src.get_weights()[0])
    np.testing.assert_array_equal(got[2], before[2])
    # layers are matched by name, not position: "out" comes first here, "unrelated" keeps its weights
    other = keras.Sequential([layers.Dense(2, input_shape=(4,), name="out"), layers.Dense(4, name="unrelated")])
    kept = other.get_weights()
    other.load_weights(path, by_name=True).assert_consumed()
    got = other.get_weights()
    np.testing.assert_array_equal(got[0], src.get_weights()[2])
    np.testing.assert_array_equal(got[1], src.get_weights()[3])
    np.testing.assert_array_equal(got[2], kept[2])
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #0 \(named out\)"):     # by order it does not fit
        other.load_weights(path)


def test_by_name_needs_an_hdf5_file(tmp_path):
    path = str(tmp_path / "w.safetensors")
    _mlp().save_weights(path)
    with pytest.raises(NotImplementedError, match="by_name=True"):
        _mlp().load_weights(path, by_name=True)


def test_layer_count_mismatch_is_named(tmp_path):
    path = str(tmp_path / "w.h5")
    _mlp().save_weights(path)
    three = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(4), layers.Dense(2)])
    with pytest.raises(ValueError, match="Layer count mismatch when loading weights from file. Model expected 3 layers, found 2 saved layers"):
        three.load_weights(path)


def test_model_save_h5_round_trip_keeps_compile(tmp_path):
    path = str(tmp_path / "m.h5")
    m = _mlp(seed=4)
    m.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse", metrics=["mae"])
    m.save(path)
    loaded = keras.models.load_model(path)
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))
    assert type(loaded.optimizer).__name__ == "Adam"
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.005)
    assert loaded.loss == "mse" or loaded.loss == "mean_squared_error"
    assert set(loaded.fit(x, x[:, :2], epochs=1, verbose=0).history) == {"loss", "mae"}


def test_functional_model_save_h5_round_trip(tmp_path):
    inp = keras.Input((6, 6, 1), name="image")
    h = layers.Conv2D(2, 3, activation="relu", name="conv")(inp)
    h = layers.Flatten(name="flat")(h)
    a = layers.Dense(3, name="a")(h)
    b = layers.Dense(3, name="b")(h)
    out = layers.Add(name="sum")([a, b])
    m = keras.Model(inp, out, name="two_heads")
    path = str(tmp_path / "f.h5")
    m.save(path)
    loaded = keras.models.load_model(path)
    assert [l.name for l in loaded.layers] == [l.name for l in m.layers]
    x = np.linspace(-1, 1, 72, dtype="float32").reshape(2, 6, 6, 1)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))


def test_weights_alone_to_a_keras_path_are_refused_and_nothing_is_written(tmp_path):
    m = _mlp()
    with pytest.raises(NotImplementedError, match=r"w\.keras': weights alone are not written to a '\.keras' path"):
        m.save_weights(str(tmp_path / "w.keras"))
    assert os.listdir(tmp_path) == []


def test_model_checkpoint_h5_writes_hdf5_files(tmp_path):
    m = _mlp()
    m.compile(optimizer="sgd", loss="mse")
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = x[:, :2]
    m.fit(x, y, epochs=2, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(str(tmp_path / "best.h5"), monitor="loss", save_best_only=True),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch}.h5"), save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["best.h5", "w1.h5", "w2.h5"]
    for name in ["best.h5", "w2.h5"]:
        with open(tmp_path / name, "rb") as f:
            assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    np.testing.assert_array_equal(keras.models.load_model(str(tmp_path / "best.h5")).predict(x, verbose=0),
                                  m.predict(x, verbose=0))


def test_missing_libhdf5_is_a_clear_error(tmp_path):
    # SWIFTKERAS_NO_HDF5=1 makes the library behave as if libhdf5 were not installed.
    code = ("import swiftkeras as tf, sys\n"
            "m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])\n"
            "try:\n    m.save_weights(sys.argv[1])\nexcept OSError as e:\n    print('OSError', e)\n")
    path = str(tmp_path / "w.h5")
    env = dict(os.environ, SWIFTKERAS_NO_HDF5="1")
    out = subprocess.run([sys.executable, "-c", code, path], env=env, capture_output=True, text=True, check=True).stdout
    assert out.startswith("OSError") and path in out and "apt-get install libhdf5-103-1" in out
    assert not os.path.exists(path)


def test_a_fifo_named_h5_is_refused_without_blocking(tmp_path):
    path = str(tmp_path / "w.h5")
    os.mkfifo(path)
    with pytest.raises(OSError, match="w.h5"):
        _mlp().load_weights(path)
    with pytest.raises(OSError, match="w.h5"):
        keras.models.load_model(path)
    with pytest.raises(OSError, match="w.h5"):
        _mlp().save_weights(path)


def test_batch_normalization_axis_list_of_tf_keras_2_loads():
    # tf.keras 2 writes BatchNormalization's axis as a list ([3]); cnn.h5 has one (layer "bn").
    model = keras.models.load_model(_fixture("cnn.h5"))
    assert model.get_layer("bn").get_config()["axis"] in (3, -1, [3], (3,))
    assert len(model.get_layer("bn").get_weights()) == 4
