"""The weak-scalar rule as the core applies it: Python int/float/bool scalars reach the C API as
tagged values (sk_scalar_value), so Python gets exactly the dtypes C gets. Oracles: the same
table as the C harness (Tests/C/harness_ops.inc, test_weak_scalars) and numpy values."""
import operator

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import _native
import swiftkeras.keras.backend as K

DTYPES = ["bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
SCALARS = [3, 2.5, True]
# (dtype, scalar) -> the dtype of x OP scalar and of _native.weak_scalar(x, scalar)
WANT_DTYPE = {
    "bool": ["int32", "float32", "bool"], "uint8": ["uint8", "float32", "uint8"],
    "int32": ["int32", "float32", "int32"], "int64": ["int64", "float32", "int64"],
    "float16": ["float16"] * 3, "bfloat16": ["bfloat16"] * 3, "float32": ["float32"] * 3,
    "float64": ["float64"] * 3,
}
# x = 1 in each dtype: 1 + 3, 1 + 2.5, 1 + True (bool + True is logical or: True)
WANT_SUM = {d: [4, 3.5, 1 if d == "bool" else 2] for d in DTYPES}


def one(dtype):
    return tf.cast(tf.constant(1.0), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", range(3))
def test_weak_scalar_table(dtype, k):
    x, s = one(dtype), SCALARS[k]
    want = WANT_DTYPE[dtype][k]
    for y in (x + s, s + x, _native.add_scalar(x, s), K.add(x, s), K.add(s, x)):
        assert y.dtype.name == want, (dtype, s, y.dtype.name)
        assert float(K.cast(y, "float64")) == WANT_SUM[dtype][k]
    w = _native.weak_scalar(x, s)
    assert w.dtype.name == want and w.shape == ()
    assert float(K.cast(w, "float64")) == float(s)


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64"])
def test_operators_without_a_scalar_op_use_the_weak_scalar(dtype):
    x = tf.constant(np.array([7, 9], dtype=dtype))
    # no sk_*_scalar for these: the core makes the weak scalar (sk_weak_scalar)
    for op in (operator.mod, operator.floordiv):
        y = op(x, 4)
        assert y.dtype.name == dtype
        np.testing.assert_array_equal(y.numpy(), op(np.array([7, 9], dtype=dtype), 4))
    y = 20 - x
    assert y.dtype.name == dtype
    np.testing.assert_array_equal(y.numpy(), [13, 11])
    y = x // 2.0
    assert y.dtype.name == "float32"
    np.testing.assert_array_equal(y.numpy(), [3.0, 4.0])
    y = 2.5 - x
    assert y.dtype.name == "float32"
    np.testing.assert_allclose(y.numpy(), [-4.5, -6.5])


def test_integral_float_is_still_a_float():
    # Regression: K.add and _native.*_scalar passed a double, and an integral one acted as an int
    # (int32 tensor + 2.0 stayed int32); the tagged scalar keeps it a Python float.
    x = tf.constant([3, 4], dtype="int32")
    for y in (K.add(x, 2.0), _native.add_scalar(x, 2.0), K.multiply(x, 1.0), x + 2.0):
        assert y.dtype.name == "float32"
    np.testing.assert_array_equal(K.add(x, 2.0).numpy(), np.array([5.0, 6.0], np.float32))
    assert K.add(x, 2).dtype.name == "int32"


def test_int_scalar_must_fit_the_integer_dtype():
    # Regression: int32 + 2**40 wrapped; TensorFlow raises, and so does the core now.
    x = tf.constant([3, 4], dtype="int32")
    for f in (lambda: x + 2 ** 40, lambda: 2 ** 40 + x, lambda: K.add(x, 2 ** 40), lambda: x % 2 ** 40,
              lambda: _native.weak_scalar(x, -2 ** 31 - 1)):
        with pytest.raises(ValueError, match="int32"):
            f()
    assert float(_native.weak_scalar(x, -2 ** 31)) == -2 ** 31
    u = tf.constant([3], dtype="uint8")
    with pytest.raises(ValueError, match="uint8"):
        u + 256
    with pytest.raises(ValueError, match="uint8"):
        u - (-1)
    np.testing.assert_array_equal((u + 255).numpy(), np.array([2], np.uint8))   # uint8 arithmetic wraps
    big = tf.constant([3], dtype="int64") + 2 ** 40
    assert big.dtype.name == "int64" and int(big.numpy()[0]) == 2 ** 40 + 3
    with pytest.raises(ValueError, match="int64 range"):
        tf.constant([3], dtype="int64") + 2 ** 64


def test_scalar_kinds_of_other_python_numbers():
    x = tf.constant([1.0, 2.0], dtype="float16")
    assert _native.multiply_scalar(x, np.int64(3)).dtype.name == "float16"     # __index__: an int
    i = tf.constant([1, 2], dtype="int32")
    assert _native.multiply_scalar(i, np.float64(1.0)).dtype.name == "float32"  # a float subclass
    assert _native.multiply_scalar(i, np.int32(2)).dtype.name == "int32"
    assert _native.add_scalar(i, tf.constant(2.0)).dtype.name == "float32"     # a tensor: by dtype
    with pytest.raises(TypeError, match="number"):
        _native.add_scalar(i, "x")


@pytest.mark.parametrize("name,np_op", [
    ("subtract", np.subtract), ("divide", np.true_divide), ("pow", np.power), ("mod", np.mod),
    ("floor_divide", np.floor_divide), ("not_equal", np.not_equal), ("greater_equal", np.greater_equal),
    ("less_equal", np.less_equal), ("greater", np.greater), ("less", np.less), ("maximum", np.maximum),
])
def test_backend_functions_take_python_scalars_on_either_side_as_weak(name, np_op):
    # Regression: K.subtract(2, x), K.mod(x, 3), K.not_equal(x, 2) ... converted the Python number
    # to an int32/float32 tensor first, so a uint8 or float16 x was upcast; the core now makes it
    # a weak scalar, as for x - 2 and 2 - x.
    f = getattr(K, name)
    for dtype in ("uint8", "float16"):
        xv = np.array([3, 4, 6], dtype=dtype)
        x = tf.constant(xv)
        for got, want in ((f(x, 2), np_op(xv, xv.dtype.type(2))), (f(6, x), np_op(xv.dtype.type(6), xv))):
            want = np.asarray(want)
            if name == "divide" and dtype == "uint8":
                assert got.dtype.name in ("float32", "float64")
            else:
                assert got.dtype.name == want.dtype.name, (name, dtype, got.dtype.name)
            np.testing.assert_allclose(got.numpy().astype(np.float64), want.astype(np.float64), rtol=1e-3)
