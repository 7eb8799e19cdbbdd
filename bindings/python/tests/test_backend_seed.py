"""The seed guide's four backend examples, `tensorflow` -> `swiftkeras`, print TF 2.21's answers."""
import os
import subprocess
import sys

import numpy as np

import swiftkeras as tf
import swiftkeras.keras.backend as K
from seed_guide import huber_loss

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXPECTED = """Sum: 36.0
Product: 40320.0
Reshaped: [1. 2. 3. 4.]
Mean: 2.5
Variance: 1.25
Result: 25.0
Gradient: 6.0
"""


def test_tensor_operations():
    a = K.constant([[1, 2], [3, 4]])
    b = K.constant([[5, 6], [7, 8]])
    s, p, r = K.eval(K.sum(a + b)), K.eval(K.prod(a * b)), K.eval(K.reshape(a, (4,)))
    assert str(s) == "36.0" and s.dtype == np.float32 and s.shape == ()
    assert str(p) == "40320.0" and p.dtype == np.float32
    assert str(r) == "[1. 2. 3. 4.]" and r.dtype == np.float32


def test_math_functions():
    x = K.constant([1.0, 2.0, 3.0, 4.0])
    assert str(K.eval(K.mean(x))) == "2.5"
    assert str(K.eval(K.var(x))) == "1.25"


def test_control_flow():
    x = K.constant(5.0)
    result = K.switch(K.greater(x, 0.0), K.square(x), K.abs(x))
    assert str(K.eval(result)) == "25.0"
    x = K.constant(-5.0)
    assert str(K.eval(K.switch(K.greater(x, 0.0), K.square(x), K.abs(x)))) == "5.0"


def test_gradient():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = K.square(x)
    grad = tape.gradient(y, x)
    assert str(grad.numpy()) == "6.0"


def test_multiply_used_by_the_guide():
    inputs = K.constant([[1.0, 2.0]])
    scale = tf.Variable([[2.0, 3.0]])
    assert K.eval(K.multiply(inputs, scale)).tolist() == [[2.0, 6.0]]


def test_huber_loss_from_the_guide():
    y_true = K.constant([[0.0, 0.0, 0.0]])
    y_pred = K.constant([[0.5, 2.0, -3.0]])
    out = K.eval(huber_loss(y_true, y_pred))
    np.testing.assert_allclose(out, [(0.125 + 1.5 + 2.5) / 3], rtol=1e-6)


def test_example_script_prints_tensorflows_answers():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "bindings", "python") + os.pathsep + env.get(
        "PYTHONPATH", "")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python",
                                                       "seed_backend.py")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == EXPECTED
