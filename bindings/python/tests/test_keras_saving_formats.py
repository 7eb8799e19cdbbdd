"""Issue 12 point 6: model.save(path) without an extension writes a SwiftKeras model directory
that load_model reads; load_weights returns a status object; save_model aliases."""
import os

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import layers


def _model():
    m = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)])
    m.compile("adam", "mse")
    return m


X = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)


def test_save_without_extension_writes_a_model_directory(tmp_path):
    m = _model()
    path = str(tmp_path / "exported")
    m.save(path)
    assert os.path.isdir(path) and os.listdir(path) == ["model.safetensors"]
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, keras.Sequential) and loaded.loss == "mean_squared_error"
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), m.predict(X, verbose=0))
    # an existing directory is written again; a trailing slash names it too
    m.layers[1].bias.assign(np.array([5.0], "float32"))
    keras.models.save_model(m, path + "/")
    again = keras.saving.load_model(path + "/")
    np.testing.assert_array_equal(again.predict(X, verbose=0), m.predict(X, verbose=0))


def test_directory_without_a_model_is_refused(tmp_path):
    with pytest.raises(OSError, match="is a directory without model.safetensors"):
        keras.models.load_model(str(tmp_path))
    saved_model = tmp_path / "tf_saved"
    saved_model.mkdir()
    (saved_model / "saved_model.pb").write_bytes(b"\x08\x01")
    with pytest.raises(OSError, match="TensorFlow SavedModel directory"):
        keras.models.load_model(str(saved_model))


def test_existing_file_without_extension_stays_a_file(tmp_path):
    path = tmp_path / "plainfile"
    path.write_bytes(b"")
    m = _model()
    m.save(str(path))
    assert path.is_file()
    np.testing.assert_array_equal(keras.models.load_model(str(path)).predict(X, verbose=0), m.predict(X, verbose=0))


def test_unserializable_model_leaves_no_directory_or_file(tmp_path):
    class Sub(keras.Model):
        def __init__(self, width):
            super().__init__()
            self.d = layers.Dense(width)

        def call(self, x):
            return self.d(x)

    s = Sub(1)
    s(X)
    for name in ("sub", "sub.safetensors"):
        with pytest.raises(ValueError, match="subclassed model .* must override `get_config"):
            s.save(str(tmp_path / name))
        assert not (tmp_path / name).exists()


def test_load_weights_returns_a_status(tmp_path):
    m = _model()
    path = str(tmp_path / "w.safetensors")
    m.save_weights(path)
    other = _model()
    status = other.load_weights(path)
    assert status.expect_partial() is status and status.assert_consumed() is status
    assert status.assert_existing_objects_matched() is status and status.assert_nontrivial_match() is status
    np.testing.assert_array_equal(other.predict(X, verbose=0), m.predict(X, verbose=0))
    wider = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(2)])
    with pytest.warns(UserWarning, match="Skipping loading weights for layer"):
        partial = wider.load_weights(path, skip_mismatch=True)
    assert partial.expect_partial() is partial
    with pytest.raises(AssertionError, match="were not loaded"):
        partial.assert_consumed()


def test_real_keras_zip_files_are_named(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(OSError, match=r"m\.keras' is not a valid zip archive \(\.keras file\): no end of central directory"):
        keras.models.load_model(str(path))
    with pytest.raises(OSError, match="not a valid zip archive"):
        _model().load_weights(str(path))


def test_a_damaged_hdf5_file_is_named(tmp_path):
    path = tmp_path / "m.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(200))
    with pytest.raises(OSError, match=r"m\.h5' is not an HDF5 file \(or is damaged\)"):
        keras.models.load_model(str(path))
    with pytest.raises(OSError, match=r"m\.h5' is not an HDF5 file \(or is damaged\)"):
        _model().load_weights(str(path))


def test_a_directory_holding_other_files_is_not_written(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match="neither empty nor a SwiftKeras model directory"):
        _model().save(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    _model().save(str(empty))
    assert os.listdir(empty) == ["model.safetensors"]
