"""Issue 12 point 8: keras.applications with weights=None — layer names, classes and parameter
counts identical to tf.keras 2.21 (recorded from the reference venv into
applications_reference.json by building each model there), a forward pass, and refusals."""
import json
import os

import numpy as np
import pytest

from swiftkeras import keras

with open(os.path.join(os.path.dirname(__file__), "applications_reference.json"), encoding="utf-8") as f:
    REFERENCE = json.load(f)

# VGG16/VGG19 with the default top hold 138M / 144M parameters (over 500 MB): their counts are
# checked against the reference without building them twice in one run.
CASES = sorted(k for k in REFERENCE if k not in ("VGG16_top", "VGG19_top"))


def _builder(key):
    return getattr(keras.applications, key.split("_")[0])


def _size(w):
    return int(np.prod(w.shape))


@pytest.mark.parametrize("key", CASES)
def test_architecture_matches_tf_keras(key):
    ref = REFERENCE[key]
    kwargs = dict(ref["kwargs"])
    if "input_shape" in kwargs:
        kwargs["input_shape"] = tuple(kwargs["input_shape"])
    keras.backend.clear_session()   # automatic names as in a fresh session (the reference's)
    m = _builder(key)(weights=None, **kwargs)
    assert m.name == ref["name"]
    got = [[l.name, type(l).__name__, l.count_params()] for l in m.layers]
    assert got == ref["layers"]
    assert m.count_params() == ref["count_params"]
    assert sum(_size(w) for w in m.trainable_weights) == ref["trainable"]
    assert list(m.outputs[0].shape) == ref["output_shape"]


def test_vgg_with_the_default_top_counts():
    # The full VGG16 is built once (138,357,544 parameters as tf.keras 2.21).
    keras.backend.clear_session()
    m = keras.applications.VGG16(weights=None)
    assert m.count_params() == REFERENCE["VGG16_top"]["count_params"] == 138357544
    assert [[l.name, type(l).__name__, l.count_params()] for l in m.layers] == REFERENCE["VGG16_top"]["layers"]
    del m


def test_forward_passes():
    x = np.random.default_rng(0).uniform(0, 1, (2, 32, 32, 3)).astype("float32")
    mb = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, classes=5, weights=None)
    p = mb.predict(x, verbose=0)
    assert p.shape == (2, 5) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), [1, 1], rtol=1e-5)
    vgg = keras.applications.VGG16(include_top=False, pooling="avg", weights=None, input_shape=(32, 32, 3))
    f = vgg.predict(x, verbose=0)
    assert f.shape == (2, 512) and np.all(f >= 0)
    res = keras.applications.ResNet50(include_top=False, pooling="max", weights=None, input_shape=(32, 32, 3))
    assert res.predict(x[:1], verbose=0).shape == (1, 2048)
    logits = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=3, classifier_activation=None)
    assert logits.get_layer("predictions").get_config()["activation"] == "linear"
    assert keras.applications.resnet50.ResNet50 is keras.applications.ResNet50
    assert keras.applications.mobilenet_v2.MobileNetV2 is keras.applications.MobileNetV2


def test_refusals():
    with pytest.raises(NotImplementedError, match="not downloaded"):
        keras.applications.VGG16()
    with pytest.raises(ValueError, match="you should specify a static `input_shape`"):
        keras.applications.ResNet50(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        keras.applications.MobileNetV2(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="pooling"):
        keras.applications.VGG19(weights=None, include_top=False, pooling="sum")
    with pytest.raises(NotImplementedError, match="input_tensor"):
        keras.applications.VGG16(weights=None, input_tensor=keras.Input((32, 32, 3)))


def test_weights_from_a_file(tmp_path):
    a = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, classes=2, weights=None)
    path = str(tmp_path / "mb.weights.safetensors")
    a.save_weights(path)
    b = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, classes=2, weights=path)
    x = np.ones((1, 32, 32, 3), "float32")
    np.testing.assert_array_equal(a.predict(x, verbose=0), b.predict(x, verbose=0))
