"""The rules Python does not hold: settings (floatx, epsilon, image_data_format), dtype promotion
(result_type), the metric and loss functions and custom-loss reductions are the core's, reached
through the C API. Oracles: numpy and tf.keras 2's formulas."""
import json

import numpy as np
import pytest

from swiftkeras import _native, keras
from swiftkeras.keras import backend as K

f32 = np.float32


@pytest.fixture(autouse=True)
def keras_defaults():
    yield
    K.set_floatx("float32")
    K.set_epsilon(1e-7)
    K.set_image_data_format("channels_last")


# ---- the settings live in the core ----------------------------------------------------------
def test_settings_are_the_cores():
    K.set_floatx("float64")
    assert _native.floatx() == "float64" and K.floatx() == "float64"
    K.set_epsilon(0.5)
    assert _native.epsilon() == 0.5 and K.epsilon() == 0.5
    K.set_image_data_format("CHANNELS_FIRST")
    assert _native.image_data_format() == "channels_first" == K.image_data_format()


def test_set_floatx_errors_as_keras():
    with pytest.raises(ValueError, match=r"Unknown `floatx` value: foo\. Expected one of \{'bfloat16', 'float16', "
                                         r"'float32', 'float64'\}"):
        K.set_floatx("foo")
    with pytest.raises(ValueError, match="Unknown `floatx` value: int32"):
        K.set_floatx("int32")
    assert K.floatx() == "float32"
    with pytest.raises(ValueError, match=r"data_format=nhwc"):
        K.set_image_data_format("nhwc")
    assert K.image_data_format() == "channels_last"


def test_floatx_float64_is_the_default_dtype():
    K.set_floatx("float64")
    for t in (K.constant(1.5), K.constant([1, 2]), K.variable([1.0, 2.0]), K.zeros((2, 3)), K.ones((2,)),
              K.eye(2), K.random_uniform((2,), seed=1), K.random_normal((2,), seed=1), K.cast_to_floatx(K.constant(1))):
        assert K.dtype(t) == "float64"
    np.testing.assert_array_equal(K.eval(K.constant([1, 2])), np.array([1, 2], np.float64))
    assert K.cast_to_floatx([1, 2]).dtype == np.float64
    # A Python float meeting an int tensor in a core op takes floatx's precision (Keras' weak float).
    half = _native.multiply_scalar(K.constant([1, 2], dtype="int32"), 0.5)
    assert K.dtype(half) == "float64"
    np.testing.assert_array_equal(K.eval(half), np.array([0.5, 1.0]))
    # Python operators take the same rule (tagged weak scalars): int32 * 0.5 and bool + 1.
    assert K.dtype(K.constant([1, 2], dtype="int32") * 0.5) == "float64"
    assert K.dtype(K.constant([True, False], dtype="bool") + 1) == "int64"
    assert K.dtype(K.constant([1, 2], dtype="int32") + 1) == "int32"
    ints = K.constant([1, 4], dtype="int32")
    assert K.dtype(_native.divide(ints, ints)) == "float64"
    np.testing.assert_array_equal(K.eval(K.sqrt(ints)), np.array([1.0, 2.0]))
    assert K.dtype(K.sqrt(ints)) == "float64"
    K.set_floatx("float32")
    assert K.dtype(_native.divide(ints, ints)) == "float32"
    assert K.dtype(K.constant([1, 2], dtype="int32") * 0.5) == "float32"
    assert K.dtype(K.constant([True, False], dtype="bool") + 1) == "int32"
    assert K.dtype(K.constant(1.5)) == "float32"
    assert K.dtype(_native.multiply_scalar(K.constant([1, 2], dtype="int32"), 0.5)) == "float32"


def test_image_data_format_is_the_default_of_the_backend_ops():
    x = np.arange(2 * 4 * 4 * 3, dtype=f32).reshape(2, 4, 4, 3)
    k = np.linspace(-1, 1, 2 * 2 * 3 * 5, dtype=f32).reshape(2, 2, 3, 5)
    last = K.eval(K.conv2d(x, k))
    K.set_image_data_format("channels_first")
    first = K.eval(K.conv2d(x.transpose(0, 3, 1, 2), k))
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), rtol=1e-5)


# ---- epsilon: the core's crossentropies read it (tf.keras 2 formulas) ------------------------
T = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], f32)
P = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.001, 0.999, 0.0]], f32)


def np_bce(t, p, eps):
    o = np.clip(p, f32(eps), f32(1 - eps))
    return -(t * np.log(o + f32(eps)) + (1 - t) * np.log(1 - o + f32(eps)))


def np_cce(t, p, eps):
    o = p / p.sum(-1, keepdims=True)
    o = np.clip(o, f32(eps), f32(1 - eps))
    return -(t * np.log(o)).sum(-1)


@pytest.mark.parametrize("eps", [1e-7, 1e-4, 1e-2, 0.1])
def test_set_epsilon_changes_the_crossentropies_as_tf_keras(eps):
    K.set_epsilon(eps)
    assert K.epsilon() == eps
    np.testing.assert_allclose(K.eval(K.binary_crossentropy(T, P)), np_bce(T, P, eps), rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(K.eval(K.categorical_crossentropy(T, P)), np_cce(T, P, eps), rtol=2e-5, atol=1e-6)
    # sparse: softmax crossentropy of log(clip(p, eps, 1 - eps)).
    o = np.clip(P, f32(eps), f32(1 - eps))
    labels = np.array([0, 1, 2])
    want = -np.log(o[np.arange(3), labels] / o.sum(-1))
    np.testing.assert_allclose(K.eval(K.sparse_categorical_crossentropy(labels, P)), want, rtol=2e-5, atol=1e-6)
    # focal losses (tf.keras 2 backend formulas).
    p_t = T * P + (1 - T) * (1 - P)
    np.testing.assert_allclose(K.eval(K.binary_focal_crossentropy(T, P)), (1 - p_t) ** 2 * np_bce(T, P, eps),
                               rtol=2e-5, atol=1e-6)
    oc = np.clip(P / P.sum(-1, keepdims=True), f32(eps), f32(1 - eps))
    np.testing.assert_allclose(K.eval(K.categorical_focal_crossentropy(T, P)),
                               np.sum(0.25 * (1 - oc) ** 2 * -T * np.log(oc), -1), rtol=2e-5, atol=1e-6)
    # the loss objects and functions read the same setting.
    np.testing.assert_allclose(float(keras.losses.BinaryCrossentropy()(T, P)), np_bce(T, P, eps).mean(), rtol=2e-5)
    np.testing.assert_allclose(K.eval(keras.losses.binary_crossentropy(T, P)), np_bce(T, P, eps).mean(-1), rtol=2e-5)
    np.testing.assert_allclose(float(keras.losses.CategoricalCrossentropy()(T, P)), np_cce(T, P, eps).mean(), rtol=2e-5)


def test_no_python_recomposition_left():
    import inspect
    src = inspect.getsource(K)
    for name in ("_EPSILON", "_CORE_EPSILON", "_FLOATX", "_lattice", "_least_upper_bound", "_IMAGE_DATA_FORMAT"):
        assert name not in src


# ---- result_type: the core's rule ------------------------------------------------------------
RESULT_TYPES = [
    ((), "float32"),
    (("int32", "float32"), "float32"),
    (("bool", "int32"), "int32"),
    (("float16", int), "float16"),
    (("int32", float), "float32"),
    (("int8", "uint8"), "int16"),
    (("uint8", "int32"), "int32"),
    (("uint32", "int32"), "int64"),
    (("int64", "float32"), "float32"),
    (("int64", "float16"), "float16"),
    (("bfloat16", "float16"), "float32"),
    ((int, int), "int32"),
    ((float, int), "float32"),
    ((bool, int), "int32"),
    (("float64", "float32"), "float64"),
    (("uint8", int), "uint8"),
    (("bool", float), "float32"),
    ((None,), "float32"),
    (("float32", "float32"), "float32"),
    (("uint64", "uint8"), "uint32"),
]


@pytest.mark.parametrize("args,want", RESULT_TYPES)
def test_result_type_table(args, want):
    assert K.result_type(*args) == want


def test_result_type_follows_floatx_and_rejects_as_keras():
    K.set_floatx("float64")
    assert K.result_type() == "float64"
    assert K.result_type("int32", float) == "float64"
    assert K.result_type(int) == "int64"
    assert K.result_type("float16", float) == "float16"
    K.set_floatx("float32")
    with pytest.raises(ValueError, match="not a valid dtype for Keras type promotion"):
        K.result_type("string", "float32")
    with pytest.raises(ValueError, match="There is no implicit conversions from float8 dtypes"):
        K.result_type("float8_e4m3fn", "float32")


def test_result_type_agrees_with_the_ops():
    names = ["float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "bool"]
    for a in names:
        for b in names:
            want = K.result_type(a, b)
            if want == "bool":
                continue
            got = K.dtype(_native.add(K.cast(K.constant([0]), a), K.cast(K.constant([0]), b)))
            assert got == want, (a, b)
        if a != "bool":
            assert K.dtype(_native.add_scalar(K.cast(K.constant([0]), a), 1)) == K.result_type(a, int), a


# ---- metric functions: the core's, equal to numpy ------------------------------------------
def test_metric_functions_equal_numpy():
    rng = np.random.default_rng(0)
    p = rng.random((6, 4)).astype(f32)
    labels = rng.integers(0, 4, 6)
    onehot = np.eye(4, dtype=f32)[labels]
    m = keras.metrics
    np.testing.assert_array_equal(K.eval(m.categorical_accuracy(onehot, p)),
                                  (onehot.argmax(-1) == p.argmax(-1)).astype(f32))
    np.testing.assert_array_equal(K.eval(m.sparse_categorical_accuracy(labels, p)),
                                  (labels == p.argmax(-1)).astype(f32))
    np.testing.assert_array_equal(K.eval(m.sparse_categorical_accuracy(labels[:, None], p)),
                                  (labels == p.argmax(-1)).astype(f32))
    top2 = np.argsort(-p, -1)[:, :2]
    want2 = np.array([labels[i] in top2[i] for i in range(6)], f32)
    np.testing.assert_array_equal(K.eval(m.sparse_top_k_categorical_accuracy(labels, p, k=2)), want2)
    np.testing.assert_array_equal(K.eval(m.top_k_categorical_accuracy(onehot, p, k=2)), want2)
    np.testing.assert_array_equal(K.eval(m.top_k_categorical_accuracy(onehot, p)), np.ones(6, f32))
    yb = (rng.random((6, 3)) > 0.5).astype(f32)
    pb = rng.random((6, 3)).astype(f32)
    np.testing.assert_allclose(K.eval(m.binary_accuracy(yb, pb)), ((pb > 0.5) == yb).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(K.eval(m.binary_accuracy(yb, pb, threshold=0.8)), ((pb > 0.8) == yb).mean(-1),
                               rtol=1e-6)
    np.testing.assert_allclose(K.eval(m.accuracy(yb, (pb > 0.5).astype(f32))), ((pb > 0.5) == yb).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(K.eval(m.mean_squared_error(yb, pb)), ((yb - pb) ** 2).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(K.eval(m.mae(yb, pb)), np.abs(yb - pb).mean(-1), rtol=1e-6)
    assert K.dtype(m.binary_accuracy(yb, pb)) == "float32"
    with pytest.raises(ValueError, match="Could not interpret metric function: 'nope'"):
        _native.metric_function("nope", None, yb, pb)
    with pytest.raises(ValueError, match="'k' must be at least 1"):
        m.top_k_categorical_accuracy(onehot, p, k=0)


def test_loss_functions_are_the_cores():
    rng = np.random.default_rng(1)
    t = (rng.random((5, 3)) > 0.5).astype(f32)
    p = rng.random((5, 3)).astype(f32) * 0.98 + 0.01
    L = keras.losses
    np.testing.assert_allclose(K.eval(L.mean_squared_error(t, p)), ((t - p) ** 2).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(K.eval(L.mean_absolute_error(t, p)), np.abs(t - p).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(K.eval(L.binary_crossentropy(t, p)), np_bce(t, p, 1e-7).mean(-1), rtol=1e-5)
    smooth = t * 0.8 + 0.5 * 0.2
    np.testing.assert_allclose(K.eval(L.binary_crossentropy(t, p, label_smoothing=0.2)),
                               np_bce(smooth, p, 1e-7).mean(-1), rtol=1e-5)
    oh = np.eye(3, dtype=f32)[[0, 2, 1, 1, 0]]
    np.testing.assert_allclose(K.eval(L.categorical_crossentropy(oh, p)), np_cce(oh, p, 1e-7), rtol=1e-5)
    np.testing.assert_allclose(K.eval(L.sparse_categorical_crossentropy(np.array([0, 2, 1, 1, 0]), p)),
                               np_cce(oh, p, 1e-7), rtol=1e-5)
    ignored = K.eval(L.sparse_categorical_crossentropy(np.array([0, 2, 1, 1, 0]), p, ignore_class=1))
    np.testing.assert_allclose(ignored, np.where([True, True, False, False, True], np_cce(oh, p, 1e-7), 0), rtol=1e-5)


# ---- custom losses: the core's weighting and reduction ---------------------------------------
class SquaredError(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return K.square(y_pred - y_true)


Y = np.zeros((4, 1), f32)
X = np.array([[1], [2], [3], [4]], f32)
W = np.array([1, 0, 2, 1], f32)


@pytest.mark.parametrize("reduction,want,want_weighted", [
    ("sum", 30.0, 35.0),
    ("sum_over_batch_size", 7.5, 8.75),
    ("auto", 7.5, 8.75),
])
def test_custom_loss_reduction_standalone(reduction, want, want_weighted):
    loss = SquaredError(reduction=reduction)
    assert float(loss(Y, X)) == pytest.approx(want)
    assert float(loss(Y, X, sample_weight=W)) == pytest.approx(want_weighted)


def test_custom_loss_reduction_none():
    for reduction in ("none", None):
        v = SquaredError(reduction=reduction)(Y, X, sample_weight=W)
        np.testing.assert_allclose(K.eval(v), np.array([[1], [0], [18], [16]], f32).reshape(K.eval(v).shape))


def test_custom_loss_reduction_in_fit_and_evaluate():
    def model(reduction):
        m = keras.Sequential([keras.layers.Dense(1, use_bias=False, kernel_initializer="ones", input_shape=(1,))])
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss=SquaredError(reduction=reduction))
        return m
    summed = model("sum")
    assert float(summed.evaluate(X, Y, batch_size=4, verbose=0)) == pytest.approx(30.0)
    hist = summed.fit(X, Y, batch_size=4, epochs=2, verbose=0)
    assert hist.history["loss"] == pytest.approx([30.0, 30.0])
    averaged = model("sum_over_batch_size")
    assert float(averaged.evaluate(X, Y, batch_size=4, verbose=0)) == pytest.approx(7.5)


def test_custom_loss_invalid_reduction():
    with pytest.raises(ValueError, match="invalid value for reduction 'max'"):
        SquaredError(reduction="max")(Y, X)


# ---- model files: the core reads them ---------------------------------------------------------
def test_saved_compile_config_is_read_by_the_core(tmp_path):
    from swiftkeras.keras import models
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    path = tmp_path / "m.safetensors"
    m.save(str(path))
    cc = models._saved_compile_config(path)
    assert cc["loss"] == "mean_squared_error" and cc["metrics"] == ["mae"] and cc["optimizer"]["class_name"] == "SGD"
    assert json.loads(_native.model_file_compile_config(str(path))) == cc
    with pytest.raises(OSError):
        models._saved_compile_config(tmp_path / "missing.safetensors")
    w = tmp_path / "w.safetensors"
    m.save_weights(str(w))
    with pytest.raises(OSError, match="holds only weights"):
        models._saved_compile_config(w)
    assert not hasattr(models, "struct")


# ---- policies and names: the core's tables -----------------------------------------------------
def test_policy_dtypes_and_default_policy_follow_the_core():
    from swiftkeras.keras import mixed_precision
    p = mixed_precision.Policy("mixed_float16")
    assert (p.compute_dtype, p.variable_dtype) == ("float16", "float32")
    assert _native.policy_dtypes("mixed_bfloat16") == ("bfloat16", "float32")
    with pytest.raises(ValueError, match="valid policies"):
        mixed_precision.Policy("int8")
    K.set_floatx("float64")
    try:
        mixed_precision.set_global_policy(None)
        assert mixed_precision.global_policy().name == "float64"
        m = keras.metrics.Mean()
        assert m.dtype == "float64"
    finally:
        K.set_floatx("float32")
        mixed_precision.set_global_policy(None)
    assert mixed_precision.global_policy().name == "float32"


def test_default_names_are_keras_snake_case():
    from swiftkeras.keras import layers
    assert layers._snake("Conv2DTranspose") == "conv2d_transpose"
    assert layers._snake("MyCustomLayer") == "my_custom_layer"

    class CountTopK(keras.metrics.Metric):
        def update_state(self, y_true, y_pred, sample_weight=None):
            pass

        def result(self):
            return 0.0

    assert CountTopK().name == "count_top_k"


def test_standardize_dtype_is_the_cores():
    assert K.standardize_dtype("int") == "int64"
    assert K.standardize_dtype(int) == "int64"
    assert K.standardize_dtype(np.dtype("float16")) == "float16"
    assert K.standardize_dtype("complex64") == "complex64"
    with pytest.raises(ValueError, match="Invalid dtype: foo"):
        K.standardize_dtype("foo")
