"""load_model of a model compiled with a custom metric: compile=False, or custom_objects."""
import numpy as np
import pytest

from swiftkeras import keras


class CountSeen(keras.metrics.Metric):
    def __init__(self, name="count_seen", **kwargs):
        super().__init__(name=name, **kwargs)
        self.n = self.add_weight(name="n")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n.assign_add(float(y_true.shape[0]))

    def result(self):
        return self.n.value() if hasattr(self.n, "value") else self.n


def _saved(tmp_path):
    m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=[CountSeen(), "mae"])
    x = np.random.RandomState(0).randn(6, 3).astype("float32")
    y = np.zeros((6, 2), "float32")
    m.fit(x, y, batch_size=3, epochs=1, verbose=0)
    path = str(tmp_path / "m.safetensors")
    m.save(path)
    return m, path, x, y


def test_plain_load_names_the_problem(tmp_path):
    _, path, _, _ = _saved(tmp_path)
    with pytest.raises(ValueError, match="compile=False"):
        keras.models.load_model(path)


def test_compile_false_and_custom_objects(tmp_path):
    m, path, x, y = _saved(tmp_path)
    m2 = keras.models.load_model(path, compile=False)
    assert m2.optimizer is None
    np.testing.assert_array_equal(m.predict(x, verbose=0), m2.predict(x, verbose=0))
    m3 = keras.models.load_model(path, custom_objects={"CountSeen": CountSeen})
    np.testing.assert_array_equal(m.predict(x, verbose=0), m3.predict(x, verbose=0))
    assert type(m3.optimizer).__name__ == "Adam"
    assert abs(m3.optimizer.learning_rate - 0.01) < 1e-12
    d = m3.evaluate(x, y, batch_size=3, verbose=0, return_dict=True)
    assert d["count_seen"] == 6.0 and "mae" in d
