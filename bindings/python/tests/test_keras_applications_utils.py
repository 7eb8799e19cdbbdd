"""keras.applications' preprocess_input (imagenet_utils' caffe / tf / torch modes) and
decode_predictions. The expected values are tf-keras 2.21's (TF_USE_LEGACY_KERAS=1,
``tf_keras.applications.imagenet_utils.preprocess_input`` on ``np.arange(24, dtype="float32")
.reshape(2, 2, 2, 3) * 10`` — channels_first on the same values reshaped (2, 3, 2, 2)), recorded
as literals; decode_predictions is checked against tf-keras' algorithm written with numpy, on a
class index file in a temporary home directory."""
import json

import numpy as np
import pytest

import swiftkeras as tf

keras = tf.keras
iu = keras.applications.imagenet_utils

X = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) * 10.0
CAFFE_LAST = [-83.93900299072266, -106.77899932861328, -123.68000030517578, -53.939002990722656, -76.77899932861328,
              -93.68000030517578, -23.939002990722656, -46.77899932861328, -63.68000030517578, 6.060997009277344,
              -16.77899932861328, -33.68000030517578, 36.060997009277344, 13.221000671386719, -3.6800003051757812,
              66.06099700927734, 43.22100067138672, 26.31999969482422, 96.06099700927734, 73.22100067138672,
              56.31999969482422, 126.06099700927734, 103.22100067138672, 86.31999969482422]
CAFFE_FIRST = [-23.939002990722656, -13.939002990722656, -3.9390029907226562, 6.060997009277344, -76.77899932861328,
               -66.77899932861328, -56.77899932861328, -46.77899932861328, -123.68000030517578, -113.68000030517578,
               -103.68000030517578, -93.68000030517578, 96.06099700927734, 106.06099700927734, 116.06099700927734,
               126.06099700927734, 43.22100067138672, 53.22100067138672, 63.22100067138672, 73.22100067138672,
               -3.6800003051757812, 6.319999694824219, 16.31999969482422, 26.31999969482422]
TORCH_LAST = [-2.1179039478302, -1.8606442213058472, -1.4558606147766113, -1.6041613817214966, -1.335434079170227,
              -0.9329847097396851, -1.0904186964035034, -0.8102239966392517, -0.4101088345050812, -0.5766761302947998,
              -0.28501397371292114, 0.11276695877313614, -0.0629335269331932, 0.24019619822502136, 0.6356428861618042,
              0.45080918073654175, 0.7654062509536743, 1.158518671989441, 0.9645517468452454, 1.2906162738800049,
              1.6813944578170776, 1.4782943725585938, 1.8158262968063354, 2.204270362854004]
TORCH_FIRST_HEAD = [-2.1179039478302, -1.9466564655303955, -1.7754088640213013, -1.6041613817214966, -1.335434079170227]
TF_VALUES = [-1.0, -0.9215686321258545, -0.843137264251709, -0.7647058963775635, -0.686274528503418]


@pytest.mark.parametrize("mode,fmt,shape,want", [
    ("caffe", "channels_last", (2, 2, 2, 3), CAFFE_LAST), ("caffe", "channels_first", (2, 3, 2, 2), CAFFE_FIRST),
    ("torch", "channels_last", (2, 2, 2, 3), TORCH_LAST), ("torch", "channels_first", (2, 3, 2, 2), TORCH_FIRST_HEAD),
    ("tf", "channels_last", (2, 2, 2, 3), TF_VALUES), ("tf", "channels_first", (2, 3, 2, 2), TF_VALUES)])
def test_preprocess_input_modes_as_tf_keras(mode, fmt, shape, want):
    x = X.reshape(shape).copy()
    out = iu.preprocess_input(x, data_format=fmt, mode=mode)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == shape
    np.testing.assert_allclose(out.ravel()[:len(want)], np.array(want, np.float32), rtol=1e-6, atol=1e-6)
    assert out is x     # tf.keras 2 overwrites a float numpy input in place
    t = iu.preprocess_input(tf.constant(X.reshape(shape)), data_format=fmt, mode=mode)
    assert isinstance(t, tf.Tensor)
    np.testing.assert_allclose(np.asarray(t).ravel()[:len(want)], np.array(want, np.float32), rtol=1e-6, atol=1e-6)


def test_application_modules_and_integer_input():
    u8 = np.arange(6, dtype=np.uint8).reshape(2, 3)
    out = keras.applications.vgg16.preprocess_input(u8)
    assert out.dtype == np.float32 and u8.dtype == np.uint8    # a new floatx array, the input untouched
    np.testing.assert_allclose(out, [[-101.939, -115.779, -123.68], [-98.939, -112.779, -120.68]], rtol=1e-6)
    for mod in ("vgg19", "resnet50", "resnet"):
        np.testing.assert_array_equal(getattr(keras.applications, mod).preprocess_input(X.copy()),
                                      iu.preprocess_input(X.copy(), mode="caffe"))
    np.testing.assert_array_equal(keras.applications.mobilenet_v2.preprocess_input(X.copy()),
                                  iu.preprocess_input(X.copy(), mode="tf"))
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or `torch`"):
        iu.preprocess_input(X.copy(), mode="keras")
    with pytest.raises(ValueError, match="Unknown data_format channels_middle"):
        iu.preprocess_input(X.copy(), data_format="channels_middle")
    with pytest.raises(ValueError, match="needs 3 channels on axis 1"):
        iu.preprocess_input(X.copy(), data_format="channels_first")


def _tf_keras_decode(preds, index, top):
    """tf-keras' decode_predictions, in numpy."""
    out = []
    for pred in preds:
        top_indices = pred.argsort(kind="stable")[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda x: x[2], reverse=True)
        out.append(result)
    return out


def test_decode_predictions(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    preds = np.random.default_rng(0).random((3, 1000)).astype(np.float32)
    with pytest.raises(OSError, match=r"imagenet_class_index\.json.*put it at.*\.keras/models/imagenet_class_index\.json"):
        keras.applications.resnet50.decode_predictions(preds)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / ".keras" / "models").mkdir(parents=True)
    (tmp_path / ".keras" / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    for top in (5, 1, 3):
        got = keras.applications.vgg16.decode_predictions(preds, top=top)
        assert got == _tf_keras_decode(preds, index, top)
        assert all(isinstance(s, np.float32) for row in got for _, _, s in row)
    with pytest.raises(ValueError, match=r"expects a batch of predictions.*\(samples, 1000\).*\(2, 500\)"):
        iu.decode_predictions(np.zeros((2, 500), np.float32))
    (tmp_path / ".keras" / "models" / "imagenet_class_index.json").write_text("{\"0\": 1}")
    with pytest.raises(OSError, match="is not Keras' ImageNet class index"):
        iu.decode_predictions(preds)
