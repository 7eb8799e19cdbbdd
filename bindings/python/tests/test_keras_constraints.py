"""keras.constraints: the constraints' projections, names and configs, the layers' constraint
arguments (configs round-trip), and their application after each optimizer update (fit,
apply_gradients on tf.Variable(constraint=), add_weight(constraint=), custom Python
constraints). Expected numbers recorded from tf.keras 2.21 (TF_USE_LEGACY_KERAS=1)."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

W = np.array([[1., -2., 3.], [-4., 5., 0.5]], dtype="float32")
X = np.array([[1., 2.], [-1., 0.5], [0.3, -2.], [2., 1.]], dtype="float32")
Y = np.array([[1., 0., 2.], [0., 1., -1.], [3., 0., 0.], [1., 1., 1.]], dtype="float32")
K0 = np.array([[0.5, -0.3, 0.8], [0.2, 0.9, -0.4]], dtype="float32")
B0 = np.array([0.1, -0.2, 0.3], dtype="float32")


@pytest.mark.parametrize("constraint, config, expected", [
    (keras.constraints.MaxNorm(2.0), {"max_value": 2.0, "axis": 0},
     [[0.4850712716579437, -0.7427813410758972, 1.972787857055664], [-1.940285086631775, 1.8569533824920654, 0.32879796624183655]]),
    (keras.constraints.MaxNorm(1.5, axis=1), {"max_value": 1.5, "axis": 1},
     [[0.40089184045791626, -0.8017836809158325, 1.2026755809783936], [-0.9341986775398254, 1.1677483320236206, 0.11677483469247818]]),
    (keras.constraints.UnitNorm(), {"axis": 0},
     [[0.24253563582897186, -0.3713906705379486, 0.9863938689231873], [-0.9701425433158875, 0.9284766912460327, 0.16439898312091827]]),
    (keras.constraints.UnitNorm(axis=[0, 1]), {"axis": [0, 1]},
     [[0.134534552693367, -0.269069105386734, 0.4036036729812622], [-0.538138210773468, 0.6726728081703186, 0.0672672763466835]]),
    (keras.constraints.NonNeg(), {}, [[1.0, 0.0, 3.0], [0.0, 5.0, 0.5]]),
    (keras.constraints.MinMaxNorm(1.0, 3.0, 0.5, 0), {"min_value": 1.0, "max_value": 3.0, "rate": 0.5, "axis": 0},
     [[0.8638034462928772, -1.5570859909057617, 2.979590892791748], [-3.455213785171509, 3.8927149772644043, 0.496598482131958]]),
    (keras.constraints.MinMaxNorm(0.0, 1.0, 1.0, 1), {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 1},
     [[0.26726123690605164, -0.5345224738121033, 0.8017836809158325], [-0.6227991580963135, 0.7784989476203918, 0.07784989476203918]]),
])
def test_projections_and_configs(constraint, config, expected):
    out = constraint(tf.constant(W))
    assert out.shape == (2, 3) and out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-7)
    assert constraint.get_config() == config
    again = type(constraint).from_config(constraint.get_config())
    np.testing.assert_allclose(again(tf.constant(W)).numpy(), expected, rtol=1e-6, atol=1e-7)


def test_radial_constraint():
    # tf.keras 2 on arange(4·4·2).reshape(4, 4, 2, 1): rings around the centre.
    w = np.arange(32, dtype="float32").reshape(4, 4, 2, 1)
    out = keras.constraints.RadialConstraint()(tf.constant(w)).numpy()
    ring = [[30., 30., 30., 30.], [30., 10., 10., 30.], [30., 10., 10., 30.], [30., 30., 30., 30.]]
    np.testing.assert_array_equal(out[:, :, 0, 0], ring)
    np.testing.assert_array_equal(out[:, :, 1, 0], np.array(ring) + 1)
    with pytest.raises(ValueError, match="rank 4"):
        keras.constraints.RadialConstraint()(tf.constant(W))


def test_get_serialize_deserialize():
    assert keras.constraints.serialize(keras.constraints.MaxNorm()) == {
        "module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0}, "registered_name": None}
    assert keras.constraints.serialize(None) is None
    for name, cls in [("max_norm", "MaxNorm"), ("non_neg", "NonNeg"), ("nonneg", "NonNeg"), ("unit_norm", "UnitNorm"),
                      ("min_max_norm", "MinMaxNorm"), ("radial_constraint", "RadialConstraint"), ("MaxNorm", "MaxNorm")]:
        assert type(keras.constraints.get(name)).__name__ == cls
    c = keras.constraints.deserialize({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 1}})
    assert isinstance(c, keras.constraints.MaxNorm) and c.max_value == 3 and c.axis == 1
    assert keras.constraints.get(None) is None
    fn = lambda w: w  # noqa: E731
    assert keras.constraints.get(fn) is fn
    assert keras.constraints.max_norm is keras.constraints.MaxNorm
    with pytest.raises(ValueError):
        keras.constraints.get("nope")
    with pytest.raises(ValueError, match="bogus"):
        keras.constraints.deserialize({"class_name": "MaxNorm", "config": {"bogus": 1}})


def test_layer_configs_round_trip():
    d = keras.layers.Dense(3, kernel_constraint=keras.constraints.MaxNorm(0.7), bias_constraint="non_neg")
    config = d.get_config()
    assert config["kernel_constraint"]["class_name"] == "MaxNorm"
    assert config["kernel_constraint"]["config"] == {"max_value": 0.7, "axis": 0}
    assert config["bias_constraint"]["class_name"] == "NonNeg"
    assert keras.layers.Dense.from_config(config).get_config() == config
    assert keras.layers.Dense(2).get_config()["kernel_constraint"] is None
    lstm = keras.layers.LSTM(2, recurrent_constraint="unit_norm")
    assert lstm.get_config()["recurrent_constraint"]["class_name"] == "UnitNorm"
    for layer, keys in [(keras.layers.Embedding(4, 2, embeddings_constraint="non_neg"), ["embeddings_constraint"]),
                        (keras.layers.BatchNormalization(gamma_constraint="non_neg", beta_constraint="max_norm"),
                         ["gamma_constraint", "beta_constraint"]),
                        (keras.layers.SeparableConv2D(2, 3, depthwise_constraint="non_neg", pointwise_constraint="non_neg"),
                         ["depthwise_constraint", "pointwise_constraint"]),
                        (keras.layers.PReLU(alpha_constraint="non_neg"), ["alpha_constraint"]),
                        (keras.layers.MultiHeadAttention(1, 2, kernel_constraint="non_neg", name="mha_c"), ["kernel_constraint"])]:
        config = layer.get_config()
        for k in keys:
            assert config[k] is not None, (layer, k)
    with pytest.raises(ValueError, match="kernel_constraint"):
        keras.layers.Dense(2, kernel_constraint="bogus")


def _dense_model(**kwargs):
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, **kwargs)])
    m.layers[0].set_weights([K0, B0])
    m.compile(keras.optimizers.SGD(0.1), "mse")
    return m


def test_fit_applies_constraints_after_each_update():
    m = _dense_model(kernel_constraint=keras.constraints.MaxNorm(0.7), bias_constraint="non_neg")
    m.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(m.layers[0].kernel.numpy(), [[0.5046069622039795, -0.22734063863754272, 0.6717094779014587],
                                                            [0.00022415065905079246, 0.5937939286231995, -0.1752612590789795]],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m.layers[0].bias.numpy(), [0.204158753156662, 0.025910407304763794, 0.28766968846321106],
                               rtol=1e-5, atol=1e-6)


class Clip(keras.constraints.Constraint):
    def __init__(self, c):
        self.c = c

    def __call__(self, w):
        return tf.clip_by_value(w, -self.c, self.c)

    def get_config(self):
        return {"c": self.c}


def test_custom_constraint_on_a_builtin_layer():
    m = _dense_model(kernel_constraint=Clip(0.25))
    m.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(m.layers[0].kernel.numpy(), [[0.25, -0.14341109991073608, 0.25],
                                                            [-0.0038333386182785034, 0.2457222193479538, -0.1751111000776291]],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m.layers[0].bias.numpy(), [0.22366666793823242, -0.15227776765823364, 0.32938891649246216],
                               rtol=1e-5, atol=1e-6)
    config = m.layers[0].get_config()["kernel_constraint"]
    assert config["class_name"] == "Clip" and config["config"] == {"c": 0.25}


def test_failing_custom_constraint_stops_fit():
    def bad(w):
        raise RuntimeError("constraint exploded")
    m = _dense_model(kernel_constraint=bad)
    with pytest.raises(RuntimeError, match="constraint exploded"):
        m.fit(X, Y, batch_size=4, epochs=1, verbose=0)


def test_add_weight_constraint():
    class L(keras.layers.Layer):
        def build(self, s):
            self.w = self.add_weight(name="w", shape=(2, 3), initializer="ones",
                                     constraint=keras.constraints.MinMaxNorm(0.5, 1.0, 1.0, 0))

        def call(self, x):
            return tf.matmul(x, self.w)

    m = keras.Sequential([keras.Input((2,)), L()])
    m.compile(keras.optimizers.SGD(0.1), "mse")
    m.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(m.layers[0].w.numpy(), [[0.7744848728179932, 0.7254136204719543, 0.7305734753608704],
                                                       [0.6325923800468445, 0.6883130073547363, 0.6828338503837585]],
                               rtol=1e-5, atol=1e-6)
    assert isinstance(m.layers[0].w.constraint, keras.constraints.MinMaxNorm)


def test_variable_constraint_with_apply_gradients():
    v = tf.Variable([[1., -2.], [3., 0.5]], constraint=keras.constraints.UnitNorm(axis=1))
    assert isinstance(v.constraint, keras.constraints.UnitNorm)
    opt = keras.optimizers.SGD(0.5)
    opt.apply_gradients([(tf.constant([[0.2, 0.4], [-1., 1.]]), v)])
    np.testing.assert_allclose(v.numpy(), [[0.3786328136920929, -0.9255469441413879], [1.0, 0.0]], rtol=1e-6, atol=1e-7)
    # a plain function as the constraint
    u = tf.Variable([1., -1.], constraint=lambda w: tf.maximum(w, 0.))
    opt.apply_gradients([(tf.constant([1., 1.]), u)])
    np.testing.assert_allclose(u.numpy(), [0.5, 0.])
    with pytest.raises(ValueError, match="callable"):
        tf.Variable([1.], constraint=3)
