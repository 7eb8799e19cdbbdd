"""Regressions of the fuzz campaign (session 6): ``tf.linalg.svd`` never returned for a matrix
holding NaN (LAPACK's dbdsqr loops forever on it) and ``tf.linalg.eigh`` hung on an Inf in the
lower triangle. As TensorFlow 2.21 now: svd gives NaN s, u, v for such a matrix (only that
matrix of a batch); eigh raises InvalidArgumentError for NaN / Inf in the lower triangle it
reads and ignores them in the upper one. The calls run in a child interpreter under a time
limit, so a regression fails instead of hanging the suite."""
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import numpy as np
import swiftkeras as tf
m = np.array([[1, np.nan, 0], [0, 1, 0], [0, 0, np.inf]], "float32")
s, u, v = tf.linalg.svd(m)
print("svd", bool(np.isnan(s.numpy()).all() and np.isnan(u.numpy()).all() and np.isnan(v.numpy()).all()), s.shape, u.shape)
b = np.array([[[2, 0], [0, 1]], [[1, np.nan], [0, 1]]], "float32")
s, u, v = tf.linalg.svd(b, full_matrices=True)
print("batch", s.numpy().tolist()[0], bool(np.isnan(s.numpy()[1]).all() and np.isnan(u.numpy()[1]).all()))
print("svd_s", bool(np.isnan(tf.linalg.svd(np.array([[1, 2, 3], [4, np.inf, 6]]), compute_uv=False).numpy()).all()))
try:
    tf.linalg.eigh(m)
    print("eigh no error")
except tf.errors.InvalidArgumentError as e:
    print("eigh InvalidArgumentError", "inf" in str(e))
e, v = tf.linalg.eigh(np.array([[2, np.nan], [1, 3]], "float64"))
print("upper", e.numpy().tolist())
"""


def test_linalg_on_non_finite_matrices_returns_at_once():
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    out = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert out["svd"] == "True (3,) (3, 3)"
    assert out["batch"] == "[2.0, 1.0] True"
    assert out["svd_s"] == "True"
    assert out["eigh"] == "InvalidArgumentError True"
    np.testing.assert_allclose(eval(out["upper"]), [1.381966011250105, 3.6180339887498945], rtol=1e-12)
