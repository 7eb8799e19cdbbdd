"""Configs naming a custom constraint class (tf.keras 2: `custom_objects=` or a registered
Constraint subclass): the core builds it through the class the Python side registers for the
load (sk_register_constraint_class), keeps its config, and the optimizer applies it."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras


class Clip(keras.constraints.Constraint):
    def __init__(self, limit=0.1):
        self.limit = limit

    def __call__(self, w):
        return tf.clip_by_value(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


@keras.utils.register_keras_serializable(package="test_constraints")
class NonNegScaled(keras.constraints.Constraint):
    def __init__(self, scale=1.0):
        self.scale = scale

    def __call__(self, w):
        return tf.nn.relu(w) * self.scale

    def get_config(self):
        return {"scale": self.scale}


X = np.random.RandomState(0).normal(size=(16, 3)).astype("float32")
Y = np.random.RandomState(1).normal(size=(16, 2)).astype("float32") * 10


def model_with(constraint):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_constraint=constraint)])
    m.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    return m


def test_load_with_custom_objects(tmp_path):
    m = model_with(Clip(0.05))
    m.fit(X, Y, epochs=1, verbose=0)
    assert np.abs(m.layers[0].kernel.numpy()).max() <= 0.05 + 1e-7
    assert m.layers[0].get_config()["kernel_constraint"] == {"class_name": "Clip", "config": {"limit": 0.05}}
    path = str(tmp_path / "clip.safetensors")
    m.save(path)
    with pytest.raises(Exception, match="Clip"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"Clip": Clip})
    assert loaded.layers[0].get_config()["kernel_constraint"] == {"class_name": "Clip", "config": {"limit": 0.05}}
    loaded.layers[0].kernel.assign(np.full((3, 2), 3.0, np.float32))
    loaded.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    loaded.fit(X, Y, epochs=1, verbose=0)
    assert np.abs(loaded.layers[0].kernel.numpy()).max() <= 0.05 + 1e-7   # the loaded constraint runs
    # the class is forgotten after the load
    with pytest.raises(Exception, match="Clip"):
        keras.models.load_model(path)


def test_registered_constraint_class_round_trips():
    m = model_with(NonNegScaled(0.5))
    config = m.layers[0].get_config()["kernel_constraint"]
    assert config == {"class_name": "test_constraints>NonNegScaled", "config": {"scale": 0.5}}
    again = keras.models.model_from_json(m.to_json())
    again.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    again.layers[0].kernel.assign(np.array([[-1, 2], [3, -4], [5, 6]], np.float32))
    again.fit(X, Y, epochs=1, verbose=0)
    assert (again.layers[0].kernel.numpy() >= 0).all()
    d = keras.layers.Dense.from_config(dict(keras.layers.Dense(2).get_config(), kernel_constraint=config))
    assert d.get_config()["kernel_constraint"] == config
