"""Regressions of the fuzz campaign in tf.train's checkpoint state file: `Checkpoint.save` wrote
it with Python's open(), which blocks forever on a FIFO at that path, and `latest_checkpoint`
read it with open(), which waits forever for a writer. Both now go through the core
(sk_checkpoint_state_write / sk_checkpoint_state_read): a FIFO is an error at once. The
hostile calls run in a child interpreter under a time limit, so a regression fails the test
instead of hanging the suite."""
import os
import subprocess
import sys

import swiftkeras as tf

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import os, sys
import swiftkeras as tf
d = sys.argv[1]
os.mkfifo(os.path.join(d, "checkpoint"))
ckpt = tf.train.Checkpoint(v=tf.Variable(3.0))
try:
    ckpt.save(os.path.join(d, "ckpt"))
    print("save: no error")
except Exception as e:
    print("save:", type(e).__name__, e)
try:
    print("latest:", tf.train.latest_checkpoint(d))
except Exception as e:
    print("latest:", type(e).__name__, e)
print("fifo kept:", __import__("stat").S_ISFIFO(os.lstat(os.path.join(d, "checkpoint")).st_mode))
"""


def test_checkpoint_state_fifo_fails_at_once(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    r = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in r.stdout.splitlines())
    assert lines["save"].strip().startswith("NotFoundError") and "FIFO" in lines["save"], r.stdout
    assert lines["latest"].strip().startswith("NotFoundError") and "not a regular file" in lines["latest"], r.stdout
    assert lines["fifo kept"].strip() == "True"


def test_checkpoint_state_round_trip(tmp_path):
    v = tf.Variable(3.0)
    ckpt = tf.train.Checkpoint(v=v)
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    first = ckpt.save(os.path.join(str(tmp_path), "ckpt"))
    second = ckpt.save(os.path.join(str(tmp_path), "ckpt"))
    assert first.endswith("ckpt-1") and second.endswith("ckpt-2")
    with open(os.path.join(str(tmp_path), "checkpoint")) as f:
        assert f.read() == 'model_checkpoint_path: "ckpt-2"\n'
    assert tf.train.latest_checkpoint(str(tmp_path)) == os.path.join(str(tmp_path), "ckpt-2")
    v.assign(5.0)
    tf.train.Checkpoint(v=v).restore(tf.train.latest_checkpoint(str(tmp_path)))
    assert float(v.numpy()) == 3.0
    with open(os.path.join(str(tmp_path), "other"), "w") as f:
        f.write('all_model_checkpoint_paths: "x"\n')
    assert tf.train.latest_checkpoint(str(tmp_path), latest_filename="other") is None
