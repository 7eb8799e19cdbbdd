"""keras.initializers and keras.regularizers (get / serialize / deserialize, the classes and
their lower-case aliases) against tf.keras 2.21 (TF_USE_LEGACY_KERAS=1): recorded configs,
values and penalties, and the layer configs they give."""
import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import initializers, layers, regularizers

X = np.array([[1.0, -2.0], [3.0, -4.0]], dtype=np.float32)


def _np(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def test_initializer_serialize_matches_tf_keras():
    # recorded: initializers.serialize(GlorotUniform(seed=3)) / serialize(get("glorot_uniform"))
    assert initializers.serialize(initializers.GlorotUniform(seed=3)) == {
        "module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": 3}, "registered_name": None}
    assert initializers.serialize(initializers.get("glorot_uniform"))["config"] == {"seed": None}
    got = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 1}})
    assert type(got) is initializers.RandomNormal and got.get_config() == {"mean": 0.0, "stddev": 2.0, "seed": 1}
    assert initializers.VarianceScaling().get_config() == {"scale": 1.0, "mode": "fan_in",
                                                           "distribution": "truncated_normal", "seed": None}
    assert initializers.Orthogonal().get_config() == {"gain": 1.0, "seed": None}
    assert initializers.Identity().get_config() == {"gain": 1.0}
    assert initializers.Constant(2).get_config()["value"] == 2


def test_initializer_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.zeros is initializers.Zeros and initializers.constant is initializers.Constant
    assert initializers.variance_scaling is initializers.VarianceScaling
    assert isinstance(initializers.he_normal(), initializers.VarianceScaling)
    assert type(initializers.get(initializers.Zeros)) is initializers.Zeros
    inst = initializers.Ones()
    assert initializers.get(inst) is inst and initializers.get(None) is None


def test_initializer_values():
    c = initializers.Constant(2.5)((2, 3))
    assert _np(c).dtype == np.float32 and np.array_equal(_np(c), np.full((2, 3), 2.5, np.float32))
    i = initializers.Identity(gain=2.0)((2, 3), dtype="float64")
    assert _np(i).dtype == np.float64 and np.array_equal(_np(i), 2 * np.eye(2, 3))
    g = initializers.GlorotUniform(seed=7)
    a, b = _np(g((40, 60))), _np(g((40, 60)))
    limit = np.sqrt(6.0 / 100)
    assert np.array_equal(a, b) and np.abs(a).max() <= limit and np.abs(a).max() > 0.9 * limit
    n = _np(initializers.RandomNormal(mean=1.0, stddev=0.5, seed=2)((200, 200)))
    assert abs(n.mean() - 1.0) < 0.01 and abs(n.std() - 0.5) < 0.01


def test_initializer_errors():
    with pytest.raises(ValueError, match="nope"):
        initializers.get("nope")
    with pytest.raises(Exception, match="stdev"):
        initializers.RandomNormal.from_config({"stdev": 1.0})
    with pytest.raises(ValueError, match="Could not interpret initializer identifier"):
        initializers.get(3)   # tf.keras 2: ValueError


def test_regularizer_values_match_tf_keras():
    # recorded: float(L1L2(0.1, 0.2)(x)) == 7.0, float(l2(0.5)(x)) == 15.0, float(get("l1")(x)) == 0.1
    assert np.isclose(float(_np(regularizers.L1L2(0.1, 0.2)(X))), 7.0)
    assert np.isclose(float(_np(regularizers.l2(0.5)(X))), 15.0)
    assert np.isclose(float(_np(regularizers.get("l1")(X))), 0.1, rtol=1e-6)


def test_regularizer_serialize_matches_tf_keras():
    s = regularizers.serialize(regularizers.L2(0.1))
    assert s["module"] == "keras.regularizers" and s["class_name"] == "L2" and np.isclose(s["config"]["l2"], 0.1)
    ll = regularizers.get("l1_l2")
    assert type(ll) is regularizers.L1L2 and np.allclose([ll.get_config()["l1"], ll.get_config()["l2"]], [0.01, 0.01])
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    back = regularizers.deserialize(regularizers.serialize(regularizers.L1(0.3)))
    assert type(back) is regularizers.L1 and np.isclose(back.get_config()["l1"], 0.3)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError):
        regularizers.get("l3")
    with pytest.raises(ValueError):
        regularizers.L2(-1.0)


def test_layer_takes_initializer_and_regularizer_objects_with_their_arguments():
    """Regression: objects were reduced to their snake-case name, dropping their arguments
    (L2(0.1) became "l2" = 0.01, Constant(0.5) became "constant" = 0)."""
    layer = layers.Dense(2, kernel_initializer=initializers.Constant(0.5), kernel_regularizer=regularizers.L2(0.1))
    model = keras.Sequential([keras.Input((3,)), layer])
    assert np.array_equal(model.layers[0].get_weights()[0], np.full((3, 2), 0.5, np.float32))
    model.compile(loss="mse")
    # the predictions are exact (3 · 0.5 = 1.5), so the loss is the penalty 0.1 · sum(0.5²) over 6 weights
    loss = model.evaluate(np.ones((1, 3), np.float32), np.full((1, 2), 1.5, np.float32), verbose=0)
    assert np.isclose(loss, 0.1 * 6 * 0.25, rtol=1e-6)
