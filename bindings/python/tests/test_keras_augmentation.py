"""The random image augmentation layers (RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomContrast): exact results of fixed transforms (degenerate factor ranges) against tf.keras 2's,
recorded by tools/golden/record_augmentation.py into augmentation_reference.json, the ranges of
random draws, identity at inference, configs, and the layers inside models fed by fit and by
tf.data map (no TensorFlow needed)."""
import json
import os

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

L = keras.layers
with open(os.path.join(os.path.dirname(__file__), "augmentation_reference.json"), encoding="utf-8") as _f:
    REF = json.load(_f)
IMG = np.array(REF["img"], "float32")
MODES = [(f, i) for f in ("reflect", "wrap", "constant", "nearest") for i in ("bilinear", "nearest")]


def close(a, b, tol=1e-4):
    a = np.asarray(a)
    assert a.shape == np.asarray(b).shape
    np.testing.assert_allclose(a, np.asarray(b, dtype=a.dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("fill,interp", MODES)
def test_fixed_rotations_match_tf_keras(fill, interp):
    kw = dict(fill_mode=fill, interpolation=interp, fill_value=-1.0)
    close(L.RandomRotation((0.25, 0.25), **kw)(IMG, training=True), REF[f"rot90_{fill}_{interp}"])
    close(L.RandomRotation((1 / 12, 1 / 12), **kw)(IMG, training=True), REF[f"rot30_{fill}_{interp}"])


@pytest.mark.parametrize("fill,interp", MODES)
def test_fixed_zooms_and_translations_match_tf_keras(fill, interp):
    kw = dict(fill_mode=fill, interpolation=interp, fill_value=-1.0)
    close(L.RandomZoom((-0.4, -0.4), (0.3, 0.3), **kw)(IMG, training=True), REF[f"zoom_{fill}_{interp}"])
    close(L.RandomZoom((0.5, 0.5), **kw)(IMG, training=True), REF[f"zoomout_{fill}_{interp}"])
    close(L.RandomTranslation((0.3, 0.3), (-0.6, -0.6), **kw)(IMG, training=True), REF[f"trans_{fill}_{interp}"])
    close(L.RandomTranslation((-1.0, -1.0), (0.9, 0.9), **kw)(IMG, training=True), REF[f"trans_big_{fill}_{interp}"])


def test_single_image_and_inference_identity():
    close(L.RandomRotation((0.5, 0.5))(IMG[0], training=True), REF["rot_3d"])
    for layer in (L.RandomFlip(), L.RandomRotation(0.3), L.RandomZoom(0.3), L.RandomTranslation(0.2, 0.2),
                  L.RandomContrast(0.5)):
        out = layer(IMG, training=False)
        assert out.dtype == tf.float32
        np.testing.assert_array_equal(out.numpy(), IMG)
    # called without training=, the layers augment (tf.keras 2's default for these layers)
    assert not np.array_equal(L.RandomRotation((0.25, 0.25))(IMG).numpy(), IMG)
    # integer images become the compute dtype
    assert L.RandomFlip()(IMG.astype("int32"), training=False).dtype == tf.float32


def test_flip_draws_per_image_and_is_seeded():
    x = np.tile(np.arange(6, dtype="float32").reshape(1, 1, 6, 1), (200, 1, 1, 1))
    out = L.RandomFlip("horizontal", seed=3)(x, training=True).numpy()[:, 0, :, 0]
    fwd = (out == np.arange(6)).all(axis=1)
    back = (out == np.arange(6)[::-1]).all(axis=1)
    assert (fwd | back).all()
    assert 60 < back.sum() < 140
    np.testing.assert_array_equal(L.RandomFlip("horizontal", seed=3)(x, training=True).numpy()[:, 0, :, 0], out)
    v = L.RandomFlip("vertical", seed=1)(np.transpose(x, (0, 2, 1, 3)), training=True).numpy()[:, :, 0, 0]
    assert ((v == np.arange(6)).all(axis=1) | (v == np.arange(6)[::-1]).all(axis=1)).all()
    both = L.RandomFlip(seed=2)(IMG, training=True).numpy()
    assert any(np.array_equal(both, f) for f in (IMG, IMG[:, ::-1], IMG[:, :, ::-1], IMG[:, ::-1, ::-1]))


def test_random_ranges():
    # rotations within the factor: a one-pixel dot on a big image stays within the rotated position range
    x = np.zeros((64, 9, 9, 1), "float32")
    x[:, 4, 8, 0] = 1.0   # at angle 0 the dot sits right of centre
    out = L.RandomRotation(0.125, fill_mode="constant", interpolation="nearest", seed=7)(x, training=True).numpy()
    angles = []
    for img in out[..., 0]:
        ys, xs = np.nonzero(img)
        if len(ys):
            angles.append(np.arctan2(ys[0] - 4, xs[0] - 4))
    angles = np.abs(np.array(angles))
    assert len(angles) > 50 and angles.max() <= np.pi / 4 + 0.15 and angles.max() > 0.4
    # contrast: one factor in [1 - lower, 1 + upper] for the call, clipped to [0, 255]
    img = np.random.RandomState(0).uniform(0, 255, size=(4, 6, 6, 3)).astype("float32")
    for seed in range(5):
        y = L.RandomContrast((0.3, 0.6), seed=seed)(img, training=True).numpy()
        mean = img.mean(axis=(1, 2), keepdims=True)
        k = ((y - mean) / (img - mean))[np.abs(y - mean) < 100][0]   # unclipped values give the factor
        assert 0.7 - 1e-4 <= k <= 1.6 + 1e-4
        close(y, np.clip((img - mean) * k + mean, 0, 255), tol=1e-3)
    # translations: the shift of a dot is within the factor of the size
    x = np.zeros((64, 10, 10, 1), "float32")
    x[:, 5, 5, 0] = 1.0
    out = L.RandomTranslation(0.2, 0.3, fill_mode="constant", interpolation="nearest", seed=1)(x, training=True).numpy()
    for img in out[..., 0]:
        ys, xs = np.nonzero(img)
        if len(ys):
            assert abs(ys[0] - 5) <= 2 and abs(xs[0] - 5) <= 3


def test_argument_checks():
    with pytest.raises(ValueError, match="mode"):
        L.RandomFlip("diagonal")
    with pytest.raises(NotImplementedError, match="fill_mode"):
        L.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="interpolation"):
        L.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="height_factor"):
        L.RandomTranslation(1.5, 0.1)
    with pytest.raises(ValueError, match="factor"):
        L.RandomContrast(-0.1)
    with pytest.raises(ValueError):
        L.RandomContrast(0.0)(IMG, training=True)   # TF: upper must be > lower
    with pytest.raises(ValueError, match="image"):
        L.RandomRotation(0.1)(np.ones((3, 3), "float32"), training=True)


def test_configs_round_trip_and_match_tf_keras():
    layers = {"RandomFlip": L.RandomFlip("horizontal", seed=3),
              "RandomRotation": L.RandomRotation(0.2, fill_mode="constant", seed=1),
              "RandomZoom": L.RandomZoom(0.1, (-0.2, 0.3), interpolation="nearest"),
              "RandomTranslation": L.RandomTranslation(0.1, [-0.2, 0.2]),
              "RandomContrast": L.RandomContrast([0.1, 0.5], seed=4)}
    for name, layer in layers.items():
        c = layer.get_config()
        ref = REF["configs"][name]
        for k, v in ref.items():
            if k in ("name", "rng_type"):
                continue
            assert (list(c[k]) if isinstance(c[k], tuple) else c[k]) == v, (name, k)   # JSON lists come back as tuples
        again = type(layer).from_config(c)
        assert again.get_config() == c
        # tf.keras 2's own config (with rng_type) is read as well
        type(layer).from_config(ref)


def test_augmentation_in_a_sequential_model_fed_by_fit():
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 1, size=(64, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("float32")
    aug = keras.Sequential([L.RandomFlip("horizontal", seed=1), L.RandomRotation(0.05, seed=2), L.RandomZoom(0.1, seed=3),
                            L.RandomTranslation(0.1, 0.1, seed=4), L.RandomContrast(0.1, seed=5)])
    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), aug, L.GlobalAveragePooling2D(), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert len(hist.history["loss"]) == 3 and np.isfinite(hist.history["loss"]).all()
    # predict runs at inference: augmentation off, so predictions are deterministic
    p1, p2 = model.predict(x, verbose=0), model.predict(x, verbose=0)
    np.testing.assert_array_equal(p1, p2)
    cfg = model.get_config()
    clone = keras.Sequential.from_config(cfg)
    assert [l["class_name"] for l in clone.get_config()["layers"][1]["config"]["layers"]] == \
        ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast"]


def test_augmentation_in_tf_data_map():
    flip = L.RandomFlip("horizontal", seed=0)
    x = np.tile(np.arange(4, dtype="float32").reshape(1, 1, 4, 1), (32, 1, 1, 1))
    y = np.zeros((32, 1), "float32")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).map(lambda a, b: (flip(a, training=True), b))
    rows = np.concatenate([a.numpy()[:, 0, :, 0] for a, _ in ds])
    assert rows.shape == (32, 4)
    assert ((rows == np.arange(4)).all(axis=1) | (rows == np.arange(4)[::-1]).all(axis=1)).all()
    assert 0 < (rows[:, 0] == 3).sum() < 32
    model = keras.Sequential([keras.Input(shape=(1, 4, 1)), L.Flatten(), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert len(model.fit(ds, epochs=2, verbose=0).history["loss"]) == 2
