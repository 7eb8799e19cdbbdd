"""keras.layers noise layers (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D),
ActivityRegularization, UnitNormalization, GroupNormalization and the 3-D pooling layers: values
recorded from tf.keras 2.21 (TF_USE_LEGACY_KERAS=1) on `fill(shape, k)` inputs, identity at
inference, the training noise's structure, configs as tf.keras 2 writes them, training."""
import numpy as np
import pytest

from swiftkeras import keras

from reference_inputs import fill, mask  # noqa: F401


UNIT = [0.517895937, 0.603099108, 0.606675684, 0.784506977, 0.561672151, 0.262817621]
GROUP = [0.245220929, -0.208508164, -0.471718431, -0.541682482, -1.28481114, -1.10150039, -0.721264541, -0.381508946, -0.38466087, 0.110796429, 0.306194305, 0.784852326, 0.15246284, 0.198656529, 0.467889786, 0.56910938, -0.191350669, -0.387126684, -0.307820141, -0.377242535, -1.23528838, -1.13846564, -0.804986894, -0.590846539]
INSTANCE = [-0.500170469, 0.052565895, 0.564545333, 0.985195577, 1.27019024, 1.34727824, 1.24113834, 0.992447555, 0.564185143, 0.0638084114, -0.414432049, -0.820786715, -1.33420491, -1.46365237, -1.39125156, -1.15685654, -0.991758943, -0.490123689, 0.0625832751, 0.573216438, 0.997934043, 1.27345586, 1.34685969, 1.23772645, 0.992272317, 0.555244923, 0.0545889586, -0.422665954, -0.998447418, -1.33857715, -1.46403193, -1.38827693]
MAXPOOL3D = [0.49675557, 0.483702958, 0.497484475, 0.481932402, 0.444149792, 0.497131556, 0.482828885, 0.497814268, 0.498664945, 0.478123039, 0.498120964, 0.48007232, 0.47910881, 0.498902172, 0.450243533, 0.498404533]
AVGPOOL3D_SAME = [0.0318596475, 0.0212534331, -0.0203828402, -0.0312431641, 0.0380829535, 0.0316996723, -0.00702893361, -0.0206130333, 0.0338849239, 0.0282052774, -0.00625410164, -0.0183407739, 0.0350015797, 0.0338203199, 0.00644366955, -0.0064897039, 0.031551946, 0.0350231417, 0.0183008015, 0.00620800257, 0.0239860248, 0.0316568613, 0.0277704075, 0.0180958267, 0.026957687, 0.0355788618, 0.0312109031, 0.0203377306, 0.0149375163, 0.0271538943, 0.0377819426, 0.031045083]
SEPARABLE_CAUSAL = [-0.153260171, 0.0567506924, 0.259080619, -0.18896541, 0.0246136412, 0.234861344, -0.165086567, -0.0118990988, 0.142898872, -0.21942994, -0.101624101, 0.0299360715, -0.396025538, -0.332732439, -0.224405587, -0.41963619, -0.336621881, -0.20804739, -0.364081442, -0.215464577, -0.0376856029, -0.208994865, -0.0388816483, 0.136494011, -0.157801241, 0.0423551276, 0.236778915, -0.185557202, 0.030179508, 0.241831541, -0.157406971, 0.0179832652, 0.190939546, -0.250382334, -0.116989508, 0.0322372653, -0.357652545, -0.282937706, -0.169928581, -0.418178648, -0.351919293, -0.238029331]
GLOBAL_AVG3D = [0.0191773549, 0.0144015606]


def test_noise_layers_are_identity_at_inference_and_noisy_in_training():
    x = fill((4, 3, 5), 1)
    for layer in [keras.layers.GaussianNoise(0.5), keras.layers.GaussianDropout(0.3), keras.layers.AlphaDropout(0.2),
                  keras.layers.SpatialDropout1D(0.5), keras.layers.ActivityRegularization(0.1)]:
        np.testing.assert_array_equal(np.asarray(layer(x)), x)
        np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
        assert not np.array_equal(np.asarray(layer(x, training=True)), x) or isinstance(
            layer, keras.layers.ActivityRegularization)


def test_spatial_dropout_drops_whole_channels():
    x = np.ones((8, 3, 2, 6), np.float32)
    y = np.asarray(keras.layers.SpatialDropout2D(0.5, seed=1)(x, training=True))
    per_channel = y.reshape(8, 6, 6) if False else y.transpose(0, 3, 1, 2).reshape(8, 6, 6)
    for row in per_channel.reshape(48, 6):
        assert set(np.unique(row)) <= {0.0, 2.0} and len(np.unique(row)) == 1
    assert 0 < (per_channel[:, :, 0] == 0).sum() < 48


def test_gaussian_dropout_and_alpha_dropout_statistics():
    x = np.ones((200, 100), np.float32)
    g = np.asarray(keras.layers.GaussianDropout(0.2, seed=3)(x, training=True))
    assert abs(g.mean() - 1) < 0.02 and abs(g.std() - 0.5) < 0.02
    z = np.random.RandomState(0).normal(size=(200, 100)).astype("float32")
    a = np.asarray(keras.layers.AlphaDropout(0.25, seed=4)(z, training=True))
    assert abs(a.mean()) < 0.03 and abs(a.var() - 1) < 0.05


def test_activity_regularization_loss_as_tf_keras():
    x = fill((2, 3), 1)
    inp = keras.Input((3,))
    identity = keras.Model(inp, keras.layers.ActivityRegularization(l1=0.1, l2=0.2)(inp))
    identity.compile(optimizer="sgd", loss="mse")
    # tf.keras 2: layer.losses == [0.21008673310279846] (the penalty over the batch size 2); the mse is 0.
    assert abs(identity.evaluate(x, x, batch_size=2, verbose=0) - 0.21008673310279846) < 1e-6
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(1)(keras.layers.ActivityRegularization(l2=0.01)(inp)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(fill((8, 3), 2), fill((8, 1), 3), epochs=1, verbose=0)


def test_unit_and_group_normalization_match_tf_keras():
    np.testing.assert_allclose(np.asarray(keras.layers.UnitNormalization()(fill((2, 3), 1))).ravel(), UNIT, rtol=1e-6)
    g = keras.layers.GroupNormalization(groups=2)
    x = fill((2, 3, 4), 3)
    g(x)
    assert [w.name.split("/")[-1] for w in g.weights] == ["gamma:0", "beta:0"]
    g.set_weights([fill((4,), 4) + 1, fill((4,), 5)])
    np.testing.assert_allclose(np.asarray(g(x)).ravel(), GROUP, rtol=1e-5, atol=1e-6)
    inst = keras.layers.GroupNormalization(groups=-1, epsilon=0.01, center=False)
    np.testing.assert_allclose(np.asarray(inst(fill((2, 2, 2, 4), 6) * 3)).ravel(), INSTANCE, rtol=1e-5, atol=1e-6)
    # gamma_constraint is supported (test_keras_constraints.py): kept in the config, unknown ones refused
    assert keras.layers.GroupNormalization(gamma_constraint="non_neg").get_config()["gamma_constraint"]["class_name"] == "NonNeg"
    with pytest.raises(ValueError, match="gamma_constraint"):
        keras.layers.GroupNormalization(gamma_constraint="bogus")


def test_pooling_3d_matches_tf_keras():
    x = fill((1, 4, 4, 4, 2), 7)
    np.testing.assert_allclose(np.asarray(keras.layers.MaxPooling3D()(x)).ravel(), MAXPOOL3D, rtol=1e-6)
    y = keras.layers.AveragePooling3D(pool_size=(3, 2, 2), strides=(1, 2, 2), padding="same")(x)
    assert y.shape == (1, 4, 2, 2, 2)
    np.testing.assert_allclose(np.asarray(y).ravel(), AVGPOOL3D_SAME, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(keras.layers.GlobalAveragePooling3D()(x)).ravel(), GLOBAL_AVG3D, rtol=1e-6)
    assert keras.layers.MaxPool3D is keras.layers.MaxPooling3D
    inp = keras.Input((4, 4, 4, 2))
    out = keras.layers.GlobalMaxPooling3D()(keras.layers.AveragePooling3D()(inp))
    assert out.shape == (None, 2)


def test_models_with_the_layers_save_load_and_train(tmp_path):
    """The core's configs of every new layer round-trip through a saved model."""
    inp = keras.Input((6, 4))
    h = keras.layers.GaussianNoise(0.1, seed=1)(inp)
    h = keras.layers.SpatialDropout1D(0.2)(h)
    h = keras.layers.GroupNormalization(groups=2)(h)
    h = keras.layers.AlphaDropout(0.1)(h)
    h = keras.layers.GaussianDropout(0.1)(h)
    h = keras.layers.ActivityRegularization(l1=0.01)(h)
    h = keras.layers.UnitNormalization()(h)
    out = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(h))
    model = keras.Model(inp, out)
    model.compile(optimizer="adam", loss="mse")
    x, y = fill((16, 6, 4), 1), fill((16, 1), 2)
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "more.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert [type(l).__name__ for l in loaded.layers][1:4] == ["GaussianNoise", "SpatialDropout1D", "GroupNormalization"] \
        or len(loaded.layers) == len(model.layers)


def test_separable_conv1d_matches_tf_keras():
    layer = keras.layers.SeparableConv1D(3, 3, padding="causal", dilation_rate=2, depth_multiplier=2)
    x = fill((2, 7, 2), 1)
    layer(x)
    assert [w.shape for w in layer.get_weights()] == [(3, 2, 2), (1, 4, 3), (3,)]
    layer.set_weights([fill(w.shape, 10 + i) for i, w in enumerate(layer.get_weights())])
    np.testing.assert_allclose(np.asarray(layer(x)).ravel(), SEPARABLE_CAUSAL, rtol=1e-5, atol=1e-6)
