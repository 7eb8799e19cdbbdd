"""Regression of the fuzz campaign (session 6, Python fuzzer seed 15): an op given a list that
contains itself (``r = []; r.append(r); K.constant(r)``) never returned — after the op refused
it, the check for KerasTensors among the arguments (TFOpLambda's ``has_symbolic``) walked the
list forever. Now the op's error is raised at once. The call runs in a child interpreter under a
time limit, so a regression fails instead of hanging the suite."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import swiftkeras as tf
import swiftkeras.keras.backend as K
r = []
r.append(r)
for f in (K.constant, tf.constant, lambda x: tf.add(x, 1), lambda x: tf.concat([x, [r]], 0)):
    try:
        f(r)
        print("no error")
    except Exception as e:
        print(type(e).__name__)
"""


def test_self_containing_list_fails_at_once():
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.split()
    assert len(lines) == 4 and all(l in ("TypeError", "ValueError", "RecursionError", "InvalidArgumentError") for l in lines), r.stdout
