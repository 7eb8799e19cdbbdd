"""Bad input: each case raises the right exception class with the C message; none crashes."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import _native

M = tf.constant(np.ones((2, 3), np.float32))
CASES = [
    ("matmul unaligned", lambda: _native.matmul(M, M), ValueError, "not aligned"),
    ("add shapes", lambda: M + tf.ones([4]), ValueError, "broadcast"),
    ("reshape count", lambda: _native.reshape(M, [4]), ValueError, "reshape"),
    ("axis out of range", lambda: _native.sum(M, [5]), ValueError, "axis"),
    ("gather index", lambda: _native.gather(M, [7], 0), IndexError, ""),
    ("gather float indices", lambda: _native.gather(M, [0.5], 0), TypeError, ""),
    ("subtract bools", lambda: tf.constant([True]) - tf.constant([False]), TypeError, ""),
    ("negative bool", lambda: -tf.constant([True]), TypeError, ""),
    ("bad dtype name", lambda: tf.constant(1.0, dtype="complex64"), TypeError, "dtype"),
    ("bad dtype code", lambda: _native.zeros([2], 99), TypeError, "dtype"),
    ("number as string tensor", lambda: tf.constant(1.0, dtype="string"), TypeError, "string"),
    ("ragged list", lambda: tf.constant([[1, 2], [3]]), ValueError, "ragged"),
    ("None tensor", lambda: _native.add(None, 1), ValueError, "None"),
    ("object tensor", lambda: tf.constant(object()), TypeError, ""),
    ("dict tensor", lambda: tf.constant({"a": 1}), TypeError, ""),
    ("int too large", lambda: tf.constant(2 ** 70), ValueError, "range"),
    ("negative shape", lambda: tf.zeros([-1, 2]), ValueError, ""),
    ("huge shape", lambda: tf.zeros([2 ** 40, 2 ** 40]), MemoryError, ""),
    ("split uneven", lambda: _native.split(M, 2, 1), ValueError, ""),
    ("split num 0", lambda: _native.split(M, 0, 1), ValueError, ""),
    ("unknown padding", lambda: _native.conv2d(np.ones((1, 3, 3, 1), np.float32), np.ones((2, 2, 1, 1), np.float32), None, "sideways"), ValueError, "padding"),
    ("axis not int", lambda: _native.argmax(M, "a"), TypeError, "integer"),
    ("scalar not number", lambda: _native.add_scalar(M, "x"), TypeError, "number"),
    ("shape not ints", lambda: _native.reshape(M, ["a"]), TypeError, "integer"),
    ("tlist not list", lambda: _native.concatenate(M, 0), TypeError, "sequence"),
    ("concat ranks", lambda: _native.concatenate([M, tf.ones([3])], 0), ValueError, ""),
    ("cumsum axis", lambda: _native.cumsum(M, 9), ValueError, ""),
    ("one element", lambda: float(M), ValueError, "one element"),
    ("pow modulus", lambda: pow(M, 2, 3), TypeError, "modulus"),
    ("bitwise int", lambda: tf.constant([1]) & tf.constant([2]), TypeError, "bool"),
    ("variable bad assign", lambda: tf.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0]), ValueError, ""),
    ("variable dtype assign", lambda: tf.Variable([1.0]).assign(tf.constant([1])), TypeError, ""),
    ("variable name", lambda: tf.Variable(1.0, name=3), TypeError, "name"),
    ("variable None", lambda: tf.Variable(None), ValueError, ""),
    ("watch a list of floats", lambda: tf.GradientTape().watch(1.0), ValueError, ""),
    ("gradient source", lambda: tf.GradientTape().gradient(M, [1.0]), TypeError, ""),
    ("gradients in eager", lambda: tf.gradients(M, M), RuntimeError, "eager"),
    ("function not callable", lambda: _native.Function(3), TypeError, "callable"),
    ("crossentropy label", lambda: _native.sparse_categorical_crossentropy([5], [[0.5, 0.5]], False, -1), IndexError, ""),
]


@pytest.mark.parametrize("name,fn,exc,match", CASES, ids=[c[0] for c in CASES])
def test_bad_input(name, fn, exc, match):
    with pytest.raises(exc, match=match or None):
        fn()


def test_message_names_the_op_and_shapes():
    with pytest.raises(ValueError) as e:
        _native.matmul(M, M)
    assert "matmul" in str(e.value) and "(2, 3)" in str(e.value)


def test_second_gradient_on_non_persistent_tape():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    t.gradient(y, x)
    with pytest.raises(RuntimeError):
        t.gradient(y, x)


def test_errors_do_not_leak_into_later_calls():
    for _ in range(3):
        with pytest.raises(ValueError):
            _native.matmul(M, M)
        assert float(_native.sum(M)) == 6.0
