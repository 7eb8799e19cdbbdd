"""Issue 12 point 6: models holding custom layers and subclassed models saved whole and loaded
back (custom_objects=, custom_object_scope or register_keras_serializable) with identical
predictions."""
import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import backend as K
from swiftkeras.keras import layers

X = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)


class Affine(layers.Layer):
    """A custom layer with weights and an argument."""

    def __init__(self, units=3, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight("b", shape=(self.units,), initializer="ones")

    def call(self, x):
        return (K.dot(x, self.w) + self.b) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


def _functional(layer_cls):
    x = keras.Input((4,))
    h = layer_cls(5, scale=0.5, name="aff")(x)
    out = layers.Dense(2, name="out")(h)
    m = keras.Model(x, out)
    m.compile("adam", "mse")
    return m


def test_custom_layer_with_custom_objects(tmp_path):
    m = _functional(Affine)
    cfg = m.get_config()
    entry = next(e for e in cfg["layers"] if e["config"]["name"] == "aff")
    assert entry["class_name"] == "Affine" and entry["config"]["units"] == 5 and entry["config"]["scale"] == 0.5
    path = str(tmp_path / "custom.safetensors")
    m.save(path)
    with pytest.raises(ValueError, match="Affine"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"Affine": Affine})
    aff = loaded.get_layer("aff")
    assert isinstance(aff, Affine) and aff.units == 5 and aff.scale == 0.5
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), m.predict(X, verbose=0))
    assert loaded.loss == "mean_squared_error"
    # the same through a custom object scope, and into a model directory
    dpath = str(tmp_path / "custom_dir")
    m.save(dpath)
    with keras.utils.custom_object_scope({"Affine": Affine}):
        again = keras.models.load_model(dpath)
    np.testing.assert_array_equal(again.predict(X, verbose=0), m.predict(X, verbose=0))
    # ... and the class is forgotten afterwards
    with pytest.raises(ValueError, match="Affine"):
        keras.models.load_model(dpath)


def test_registered_custom_layer_and_from_config(tmp_path):
    @keras.saving.register_keras_serializable(package="SerialTest")
    class Shift(layers.Layer):
        """Adds a trainable offset initialised to `by`."""

        def __init__(self, by=1.0, **kwargs):
            super().__init__(**kwargs)
            self.by = by

        def build(self, input_shape):
            self.offset = self.add_weight("offset", shape=(), initializer="zeros")
            self.offset.assign(self.by)

        def call(self, x):
            return x + self.offset

        def get_config(self):
            return dict(super().get_config(), by=self.by)

    m = keras.Sequential([layers.Dense(3, input_shape=(4,)), Shift(2.5, name="shift")])
    assert m.get_config()["layers"][-1]["class_name"] == "SerialTest>Shift"
    path = str(tmp_path / "seq")
    m.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[-1], Shift) and loaded.layers[-1].by == 2.5
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), m.predict(X, verbose=0))
    clone = keras.Sequential.from_config(m.get_config())
    assert isinstance(clone.layers[-1], Shift) and clone.count_params() == m.count_params()
    text = m.to_json()
    assert isinstance(keras.models.model_from_json(text).layers[-1], Shift)


class Tower(keras.Model):
    """A subclassed model with an argument and nested layers."""

    def __init__(self, hidden=6, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.d1 = layers.Dense(hidden, activation="tanh")
        self.d2 = layers.Dense(1)

    def call(self, x):
        return self.d2(self.d1(x))

    def get_config(self):
        return {"hidden": self.hidden, "name": self.name}


def test_subclassed_model_saved_and_loaded(tmp_path):
    m = Tower(7, name="tower")
    m.compile("sgd", "mae")
    m.fit(X, X[:, :1], epochs=1, verbose=0)
    want = m.predict(X, verbose=0)
    for path in (str(tmp_path / "tower.safetensors"), str(tmp_path / "tower_dir")):
        m.save(path)
        loaded = keras.models.load_model(path, custom_objects={"Tower": Tower})
        assert type(loaded) is Tower and loaded.hidden == 7 and loaded.name == "tower"
        np.testing.assert_array_equal(loaded.predict(X, verbose=0), want)
        assert loaded.loss == "mean_absolute_error" and loaded.compiled
        loaded.fit(X, X[:, :1], epochs=1, verbose=0)   # trainable after loading


def test_pickle_with_a_module_level_custom_layer():
    import pickle
    m = _functional(Affine)
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back.get_layer("aff"), Affine)
    np.testing.assert_array_equal(back.predict(X, verbose=0), m.predict(X, verbose=0))
