"""Regression of the fuzz campaign (session 6): after `sk_set_num_threads(64)` (Python
`tf.config.threading.set_intra_op_parallelism_threads(64)`) OpenBLAS ran 64 threads, each
allocating a 128 MB buffer; under an address-space limit the allocations failed and OpenBLAS
retried them forever, so `tf.linalg.eigh` of a 64 x 64 matrix (the C fuzzer's seed 170) and
large products never returned. OpenBLAS now gets at most one thread per online CPU; the setting
itself is kept. The calls run in a child under a 1.5 GB limit and a time limit."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import resource
resource.setrlimit(resource.RLIMIT_AS, (3 << 29, 3 << 29))
import numpy as np
import swiftkeras as tf
tf.config.threading.set_intra_op_parallelism_threads(64)
print("setting", tf.config.threading.get_intra_op_parallelism_threads())
a = np.arange(64 * 64, dtype="float64").reshape(64, 64) % 11 / 10
e, v = tf.linalg.eigh(a + a.T)
print("eigh", bool(np.allclose((v.numpy() * e.numpy()) @ v.numpy().T, a + a.T, atol=1e-9)))
b = np.ones((512, 512), "float32")
print("matmul", float(tf.reduce_sum(tf.matmul(b, b)).numpy()))
s = tf.linalg.svd(a, compute_uv=False)
print("svd", bool(np.allclose(s.numpy(), np.linalg.svd(a, compute_uv=False), atol=1e-9)))
"""


def test_many_threads_under_a_memory_limit_return():
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    env.pop("OPENBLAS_NUM_THREADS", None)
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    out = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert out == {"setting": "64", "eigh": "True", "matmul": str(float(512 ** 3)), "svd": "True"}
