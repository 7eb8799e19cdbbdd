#!/usr/bin/env python3
"""tf.data benchmarks (make bench-data, part of make bench): iterating
from_tensor_slices((x, y)).shuffle(60000).batch(128).prefetch(AUTOTUNE) over 60k MNIST-sized
samples (784 float32 + an int label), side by side with TensorFlow's tf.data when importable here
or in the interpreter named by REF_PYTHON (ref_data.py); then fit of the MLP workload
(784-256-128-10, workloads.py) on such a dataset vs fit on the same arrays (goal: within 10%),
wall and CPU seconds. Medians of alternating rounds; `uptime` load printed beside."""
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import workloads  # noqa: E402  (the MLP of the training workloads, defined once)
N, D, BATCH = 60000, 784, 128


def load():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime unavailable"


def pipeline_seconds(tf, x, y):
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(N, seed=1).batch(BATCH).prefetch(tf.data.AUTOTUNE)
    t0 = time.perf_counter()
    n = 0
    for xb, _ in ds:
        n += int(xb.shape[0])
    assert n == N
    return time.perf_counter() - t0


def reference_seconds():
    interpreter = os.environ.get("REF_PYTHON")
    try:
        if interpreter:
            out = subprocess.run([interpreter, os.path.join(HERE, "ref_data.py")], capture_output=True, text=True,
                                 check=True, timeout=900, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")).stdout
            return json.loads(out.strip().splitlines()[-1])["seconds"]
        sys.path.insert(0, HERE)
        import ref_data
        return ref_data.seconds()
    except Exception as e:   # a missing or broken reference must not hide our figure
        print(f"  (TensorFlow tf.data not run: {type(e).__name__}: {str(e)[:120]}; set REF_PYTHON)")
        return None


def main():
    import numpy as np
    import swiftkeras as tf
    rng = np.random.default_rng(0)
    x = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, 10, N).astype(np.int32)
    print(f"== tf.data: from_tensor_slices(60k x 784).shuffle(60000).batch(128).prefetch over one epoch ==")
    print(f"load: {load()}")
    pipeline_seconds(tf, x, y)   # warm-up
    ours, theirs = [], []
    for _ in range(3):
        ours.append(pipeline_seconds(tf, x, y))
        r = reference_seconds()
        if r is not None:
            theirs.append(r)
    m = statistics.median(ours)
    print(f"swiftkeras tf.data   {m * 1e3:8.1f} ms/epoch  {N / m / 1e3:7.1f}k samples/s   rounds: "
          + ", ".join(f"{v * 1e3:.0f}" for v in ours))
    if theirs:
        t = statistics.median(theirs)
        print(f"TensorFlow tf.data   {t * 1e3:8.1f} ms/epoch  {N / t / 1e3:7.1f}k samples/s   rounds: "
              + ", ".join(f"{v * 1e3:.0f}" for v in theirs) + f"   ours/theirs speed: {t / m:.2f}x (goal >= 1x)")

    print(f"\n== fit: {workloads.LABELS['mlp']}, batch {workloads.BATCH}, Adam, one shuffled epoch of {N // 1000}k: "
          f"dataset (shuffle/batch/prefetch) vs arrays, alternating rounds ==")
    print(f"load before: {load()}")
    runs = workloads.keras_fit_dataset_vs_arrays(tf, "mlp", n=N)
    print(f"load after:  {load()}")
    for i, what in enumerate(["wall", "CPU"]):
        a, d = ([r[i] for r in runs[k]] for k in ("arrays", "dataset"))
        ratios = [q / p for p, q in zip(a, d)]
        print(f"{what:4} fit on arrays     {statistics.median(a):7.2f} s/epoch   rounds: " + ", ".join(f"{v:.2f}" for v in a))
        print(f"{what:4} fit on a dataset  {statistics.median(d):7.2f} s/epoch   rounds: " + ", ".join(f"{v:.2f}" for v in d))
        print(f"{what:4} fit(dataset)/fit(arrays) per round: " + ", ".join(f"{r:.2f}x" for r in ratios)
              + f"; median {statistics.median(ratios):.2f}x (goal <= 1.10x)")


if __name__ == "__main__":
    main()
