"""RandomCrop, RandomHeight, RandomWidth, RandomBrightness (tf.keras 2's image_preprocessing.py) and
tf.keras 2's call-context rule for `training`: values of deterministic cases (degenerate factor
ranges, inference) recorded from tf.keras 2.21 as literals, ranges of random draws, seeding,
configs, and a Sequential of augmentation layers that augments when called without `training=`
but not in predict / evaluate."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

L = keras.layers
IMG = ((np.arange(5 * 7 * 2, dtype="float32").reshape(1, 5, 7, 2) * 3.0) % 17)
# tf.keras 2.21 (the same calls under TF_USE_LEGACY_KERAS=1)
TF_CROP_INFERENCE = [[[[8.777777671813965, 8.0], [3.6666665077209473, 6.666666507720947], [9.88888931274414, 10.999999046325684]], [[7.0, 10.0], [0.0, 3.0], [9.999999046325684, 12.999999046325684]], [[7.111111640930176, 10.111111640930176], [13.333332061767578, 5.000001430511475], [8.222221374511719, 9.333331108093262]]]]
TF_CROP_SMALL = [[[[12.0, 15.0], [5.125, 8.125], [3.25, 6.25], [7.0, 10.0]], [[5.25, 8.25], [6.34375, 9.34375], [9.25, 7.46875], [13.0, 3.25]], [[7.666666030883789, 10.666666030883789], [5.21875, 8.21875], [6.000000953674316, 6.34375], [9.750000953674316, 5.666666030883789]], [[7.250001430511475, 10.250001907348633], [4.8020830154418945, 7.8020830154418945], [5.583332061767578, 5.9270830154418945], [9.333332061767578, 5.250001430511475]], [[4.0, 7.0], [7.75, 8.09375], [10.65625, 6.21875], [11.75, 2.0]], [[10.0, 13.0], [13.75, 6.125], [11.875, 4.25], [5.0, 8.0]]]]
TF_HEIGHT_1_5 = [[[[0.0, 3.0], [6.0, 9.0], [12.0, 15.0], [1.0, 4.0], [7.0, 10.0], [13.0, 16.0], [2.0, 5.0]], [[4.571428298950195, 7.571428298950195], [10.571428298950195, 3.8571434020996094], [6.857143402099609, 9.85714340209961], [5.571428298950195, 8.571428298950195], [11.571428298950195, 4.857143402099609], [7.857143402099609, 10.85714340209961], [6.571428298950195, 9.571428298950195]], [[10.285715103149414, 8.428570747375488], [11.428570747375488, 2.285715103149414], [5.285715103149414, 8.285715103149414], [6.428570747375488, 9.428570747375488], [12.428570747375488, 3.285715103149414], [6.285715103149414, 9.285715103149414], [7.428570747375488, 10.428570747375488]], [[16.0, 2.0], [5.0, 8.0], [11.0, 14.0], [0.0, 3.0], [6.0, 9.0], [12.0, 15.0], [1.0, 4.0]], [[9.571427345275879, 7.714286804199219], [10.714286804199219, 13.714286804199219], [4.571427345275879, 7.571427345275879], [5.714286804199219, 8.714286804199219], [11.714286804199219, 2.571427345275879], [5.571427345275879, 8.571427345275879], [6.714286804199219, 9.714286804199219]], [[10.428571701049805, 6.142856597900391], [9.14285659790039, 12.14285659790039], [5.428571701049805, 8.428571701049805], [11.428571701049805, 7.142856597900391], [10.14285659790039, 3.4285717010498047], [6.428571701049805, 9.428571701049805], [5.142856597900391, 8.14285659790039]], [[15.0, 1.0], [4.0, 7.0], [10.0, 13.0], [16.0, 2.0], [5.0, 8.0], [11.0, 14.0], [0.0, 3.0]]]]
TF_WIDTH_0_5_NEAREST = [[[[6.0, 9.0], [1.0, 4.0], [13.0, 16.0]], [[14.0, 0.0], [9.0, 12.0], [4.0, 7.0]], [[5.0, 8.0], [0.0, 3.0], [12.0, 15.0]], [[13.0, 16.0], [8.0, 11.0], [3.0, 6.0]], [[4.0, 7.0], [16.0, 2.0], [11.0, 14.0]]]]
TF_BRIGHTNESS = [[[[5.0, 8.0], [10.0, 10.0], [10.0, 10.0], [6.0, 9.0], [10.0, 10.0], [10.0, 10.0], [7.0, 10.0]], [[10.0, 10.0], [10.0, 5.0], [8.0, 10.0], [10.0, 10.0], [10.0, 6.0], [9.0, 10.0], [10.0, 10.0]], [[10.0, 7.0], [10.0, 10.0], [10.0, 10.0], [5.0, 8.0], [10.0, 10.0], [10.0, 10.0], [6.0, 9.0]], [[10.0, 10.0], [10.0, 10.0], [7.0, 10.0], [10.0, 10.0], [10.0, 5.0], [8.0, 10.0], [10.0, 10.0]], [[10.0, 6.0], [9.0, 10.0], [10.0, 10.0], [10.0, 7.0], [10.0, 10.0], [10.0, 10.0], [5.0, 8.0]]]]
TF_CONFIGS = {'RandomCrop': {'trainable': True, 'dtype': 'float32', 'rng_type': 'stateful', 'height': 3, 'width': 4, 'seed': 1}, 'RandomHeight': {'trainable': True, 'dtype': 'float32', 'rng_type': 'stateful', 'factor': [-0.2, 0.3], 'interpolation': 'bilinear', 'seed': 2}, 'RandomWidth': {'trainable': True, 'dtype': 'float32', 'rng_type': 'stateful', 'factor': 0.3, 'interpolation': 'nearest', 'seed': None}, 'RandomBrightness': {'trainable': True, 'dtype': 'float32', 'rng_type': 'stateful', 'factor': [-0.2, 0.2], 'value_range': [0, 255], 'seed': 5}, 'RandomBrightness2': {'trainable': True, 'dtype': 'float32', 'rng_type': 'stateful', 'factor': [-0.1, 0.3], 'value_range': [0, 1], 'seed': None}}


def close(a, b, tol=1e-4):
    a = np.asarray(a)
    assert a.shape == np.asarray(b).shape, (a.shape, np.asarray(b).shape)
    np.testing.assert_allclose(a, np.asarray(b, dtype=a.dtype), rtol=tol, atol=tol)


def test_random_crop_inference_and_small_images_resize_as_tf_keras():
    close(L.RandomCrop(3, 3)(IMG, training=False), TF_CROP_INFERENCE)
    close(L.RandomCrop(6, 4)(IMG, training=True), TF_CROP_SMALL)   # larger than the image: smart_resize
    close(L.RandomCrop(3, 3)(IMG[0], training=False), TF_CROP_INFERENCE[0])


def test_random_crop_training_takes_one_window_per_batch():
    x = np.arange(2 * 6 * 8, dtype="float32").reshape(2, 6, 8, 1)
    x[1] += 1000
    seen = set()
    for seed in range(12):
        y = L.RandomCrop(3, 4, seed=seed)(x, training=True).numpy()
        assert y.shape == (2, 3, 4, 1)
        top, left = divmod(int(y[0, 0, 0, 0]), 8)
        assert 0 <= top <= 3 and 0 <= left <= 4
        np.testing.assert_array_equal(y[0], x[0, top:top + 3, left:left + 4])
        np.testing.assert_array_equal(y[1], x[1, top:top + 3, left:left + 4])   # the same window
        seen.add((top, left))
    assert len(seen) > 3
    a = L.RandomCrop(3, 4, seed=5)(x, training=True).numpy()
    np.testing.assert_array_equal(L.RandomCrop(3, 4, seed=5)(x, training=True).numpy(), a)


def test_random_height_and_width_match_tf_keras_for_fixed_factors():
    close(L.RandomHeight((0.5, 0.5))(IMG, training=True), TF_HEIGHT_1_5)
    close(L.RandomWidth((-0.5, -0.5), interpolation="nearest")(IMG, training=True), TF_WIDTH_0_5_NEAREST)
    # inference: the input unchanged, not even cast (tf.keras 2 convert_inputs without a dtype)
    xi = IMG.astype("int32")
    out = L.RandomHeight(0.2)(xi, training=False)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), xi)
    heights = {L.RandomHeight((-0.4, 0.4), seed=s)(np.zeros((1, 10, 4, 1), "float32"), training=True).shape[1]
               for s in range(20)}
    assert heights <= set(range(6, 15)) and len(heights) > 2
    widths = {L.RandomWidth(0.3, seed=s)(np.zeros((1, 4, 10, 1), "float32"), training=True).shape[2] for s in range(20)}
    assert widths <= set(range(7, 14)) and len(widths) > 2


def test_random_brightness():
    close(L.RandomBrightness((0.5, 0.5), value_range=(0, 10))(IMG, training=True), TF_BRIGHTNESS)
    np.testing.assert_array_equal(L.RandomBrightness(0.3)(IMG, training=False).numpy(), IMG)
    x = np.full((50, 2, 2, 3), 100.0, "float32")
    y = L.RandomBrightness(0.2, seed=3)(x, training=True).numpy()
    delta = y[:, 0, 0, 0] - 100.0
    assert (np.abs(delta) <= 0.2 * 255 + 1e-3).all() and delta.std() > 5   # one delta per image
    assert (y == y[:, :1, :1, :1]).all()
    np.testing.assert_array_equal(L.RandomBrightness(0.2, seed=3)(x, training=True).numpy(), y)
    assert L.RandomBrightness(1.0, seed=1)(x, training=True).numpy().max() <= 255.0


def test_argument_checks():
    with pytest.raises(ValueError, match="factor"):
        L.RandomBrightness(1.5)
    with pytest.raises(ValueError, match="value_range"):
        L.RandomBrightness(0.1, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="lower"):
        L.RandomHeight((0.3, 0.1))
    with pytest.raises(ValueError, match="-1"):
        L.RandomWidth((-1.5, 0.1))
    with pytest.raises(NotImplementedError, match="bicubic"):
        L.RandomHeight(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="positive"):
        L.RandomCrop(0, 3)
    with pytest.raises(ValueError, match="image"):
        L.RandomCrop(2, 2)(np.ones((3, 3), "float32"))


def test_configs_match_tf_keras_and_round_trip():
    layers = {"RandomCrop": L.RandomCrop(3, 4, seed=1), "RandomHeight": L.RandomHeight((-0.2, 0.3), seed=2),
              "RandomWidth": L.RandomWidth(0.3, interpolation="nearest"), "RandomBrightness": L.RandomBrightness(0.2, seed=5),
              "RandomBrightness2": L.RandomBrightness([0.3, -0.1], value_range=[1, 0])}
    for name, layer in layers.items():
        c = layer.get_config()
        for k, v in TF_CONFIGS[name].items():
            if k == "rng_type":   # not written (only its default "stateful" is accepted)
                continue
            got = list(c[k]) if isinstance(c[k], tuple) else c[k]
            assert got == v, (name, k, got, v)
        again = type(layer).from_config(c)
        assert again.get_config() == c
        type(layer).from_config(dict(TF_CONFIGS[name], name="x"))   # tf.keras 2's own config loads


def test_models_with_the_new_layers_save_and_load(tmp_path):
    m = keras.Sequential([keras.Input((8, 8, 3)), L.RandomCrop(6, 6, seed=1), L.RandomBrightness(0.1, seed=2),
                          L.Flatten(), L.Dense(2)])
    x = np.random.RandomState(0).uniform(0, 255, (4, 8, 8, 3)).astype("float32")
    ref = m.predict(x, verbose=0)
    p = str(tmp_path / "m.h5")
    m.save(p)
    back = keras.models.load_model(p)
    close(back.predict(x, verbose=0), ref)
    assert [type(l).__name__ for l in back.layers][:2] == ["RandomCrop", "RandomBrightness"]


def test_sequential_called_without_training_augments_as_tf_keras():
    # tf.keras 2: a model called without training= leaves it unspecified, so each augmentation
    # layer takes its call's default (True); predict and evaluate pass training=False.
    seq = keras.Sequential([L.RandomFlip("horizontal", seed=1)])
    x = np.tile(np.arange(6, dtype="float32").reshape(1, 1, 6, 1), (64, 1, 1, 1))
    assert True and True   # tf.keras 2.21's answers for this model
    y = seq(x).numpy()
    assert (y != x).any()
    assert ((y == x) | (y == x[:, :, ::-1])).all()
    np.testing.assert_array_equal(seq(x, training=False).numpy(), x)
    np.testing.assert_array_equal(seq.predict(x, verbose=0), x)
    # a functional model too
    inp = keras.Input((1, 6, 1))
    f = keras.Model(inp, L.RandomFlip("horizontal", seed=2)(inp))
    assert (f(x).numpy() != x).any()
    np.testing.assert_array_equal(f(x, training=False).numpy(), x)
    # evaluate runs with training off: the loss of the identity
    m = keras.Sequential([keras.Input((1, 6, 1)), L.RandomFlip("horizontal", seed=3), L.Flatten()])
    m.compile(loss="mse")
    assert m.evaluate(x, x.reshape(64, 6), verbose=0) == 0.0
    # other layers keep their default: Dropout called without training is off
    d = keras.Sequential([L.Dropout(0.5)])
    np.testing.assert_array_equal(d(np.ones((4, 10), "float32")).numpy(), np.ones((4, 10), "float32"))
