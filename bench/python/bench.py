#!/usr/bin/env python3
"""Python-side benchmarks (make bench-python): import time, small-op call cost vs numpy, and large ops
from Python vs the same ops from C (bench/c/bench.c, run here too) side by side. Medians; the machine
is noisy, so compare ratios within one run."""
import os
import re
import statistics
import subprocess
import sys
import time
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import fmt_time as fmt  # noqa: E402  (one time format for every benchmark printout)
RUNS = 15


def import_time(module, n=15):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"))
    ts = []
    for _ in range(n):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        ts.append(float(out.stdout))
    return statistics.median(ts), min(ts)


def per_call(stmt, glb, number, runs=RUNS):
    t = timeit.Timer(stmt, globals=glb).repeat(repeat=runs, number=number)
    per = sorted(x / number for x in t)
    return per[len(per) // 2], per[0]




def c_figures():
    """Runs make bench-c and returns {name: median seconds}."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "bench-c"], cwd=ROOT, capture_output=True, text=True)
    figs = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(\S+).*?\s([\d.]+) (ns|us|ms) \(median", line)
        if m:
            figs[m.group(1)] = float(m.group(2)) * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3}[m.group(3)]
    if not figs:
        print("(C benchmark unavailable:", out.stderr.strip()[-300:], ")")
    return figs


def main():
    import numpy as np
    import swiftkeras as tf
    from swiftkeras import _native

    print("== import time (fresh interpreter, byte code compiled as pip install leaves it; median of 15) ==")
    sk_med, sk_min = import_time("swiftkeras")
    np_med, np_min = import_time("numpy")
    print(f"import swiftkeras   {sk_med * 1e3:7.1f} ms (best {sk_min * 1e3:.1f})   target < 50 ms")
    print(f"import numpy        {np_med * 1e3:7.1f} ms (best {np_min * 1e3:.1f})   ratio numpy/swiftkeras {np_med / sk_med:.1f}x")
    kb_med, kb_min = import_time("swiftkeras.keras.backend")
    kk_med, kk_min = import_time("swiftkeras.keras")
    print(f"import swiftkeras.keras.backend {kb_med * 1e3:7.1f} ms (best {kb_min * 1e3:.1f})")
    print(f"import swiftkeras.keras (all)   {kk_med * 1e3:7.1f} ms (best {kk_min * 1e3:.1f})   "
          "(TF 2.21: ~3.2 s, PyTorch 2.15: ~3.1 s on this machine, DESIGN.md)")

    print("\n== 2x2 float32 add from Python (a + b; median of 15 x 200k) ==")
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.constant([[5.0, 6.0], [7.0, 8.0]])
    na = np.array([[1, 2], [3, 4]], np.float32)
    nb = np.array([[5, 6], [7, 8]], np.float32)
    sk, _ = per_call("a + b", {"a": a, "b": b}, 200000)
    nps, _ = per_call("a + b", {"a": na, "b": nb}, 200000)
    skf, _ = per_call("add(a, b)", {"a": a, "b": b, "add": _native.add}, 200000)
    print(f"swiftkeras a + b     {fmt(sk)}")
    print(f"swiftkeras _native.add(a, b) {fmt(skf)}")
    print(f"numpy a + b          {fmt(nps)}   ratio numpy/swiftkeras {nps / sk:.2f}x (>1: faster than numpy)")

    print("\n== large ops: Python vs C (same library; median of 15 runs) ==")
    c = c_figures()
    n4m = 4 << 20
    x = _native.random_uniform([n4m], 0.0, 1.0, "float32", 1)
    y = _native.random_uniform([n4m], 0.0, 1.0, "float32", 2)
    m1 = _native.random_uniform([1024, 1024], 0.0, 1.0, "float32", 3)
    m2 = _native.random_uniform([1024, 1024], 0.0, 1.0, "float32", 4)
    nx, ny, nm1, nm2 = x.numpy(), y.numpy(), m1.numpy(), m2.numpy()
    rows = [
        ("add 4M f32", "c_add_4M_f32", "x + y", {"x": x, "y": y}, {"x": nx, "y": ny}, 10),
        ("matmul 1024^2 f32", "c_matmul_1024_f32", "x @ y", {"x": m1, "y": m2}, {"x": nm1, "y": nm2}, 3),
        ("add 2x2 f32", "c_add_2x2", "x + y", {"x": a, "y": b}, {"x": na, "y": nb}, 200000),
    ]
    print(f"{'workload':20s} {'Python':>12s} {'C':>12s} {'Python/C':>9s} {'numpy':>12s}")
    for name, cname, stmt, g, ng, number in rows:
        py, _ = per_call(stmt, g, number)
        npt, _ = per_call(stmt, ng, number)
        ct = c.get(cname)
        ratio = f"{py / ct:8.3f}x" if ct else "      n/a"
        print(f"{name:20s} {fmt(py):>12s} {fmt(ct) if ct else 'n/a':>12s} {ratio} {fmt(npt):>12s}")

    fit_figures()


def fit_figures(names=None, rounds=3):
    """Issue 13's training workloads (workloads.py: MLP, CNN, conv autoencoder, LSTM, a ResNet-style
    block with BatchNormalization) from Python: `model.fit`, batch 128, Adam, synthetic data,
    samples/s as the median of 3 epochs after a warm-up, with PyTorch's eager loop and
    TensorFlow's `fit` side by side (ref_fit.py) when they are importable here or in the
    interpreter named by the REF_PYTHON environment variable (e.g. a venv with torch and
    tensorflow-cpu + tf-keras, kept apart from this one's numpy).

    The VM's speed drifts over seconds and the machine may be shared: each round runs ours, then
    the references, on every workload; the table gives the median of each figure over the rounds
    and the median of the per-round ratios ours / fastest peer."""
    import json
    import os
    import statistics
    import subprocess
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import workloads
    from swiftkeras import keras
    names = names or list(workloads.WORKLOADS)
    interpreter = os.environ.get("REF_PYTHON")

    def reference():
        try:
            if interpreter:
                out = subprocess.run([interpreter, os.path.join(here, "ref_fit.py")] + names, capture_output=True,
                                     text=True, check=True, timeout=3600).stdout
                return json.loads(out.strip().splitlines()[-1])
            import ref_fit
            return {n: {"torch": ref_fit.torch_rate(n), "tensorflow": ref_fit.tensorflow_rate(n)} for n in names}
        except Exception as e:   # a broken reference install must not hide our figures
            print(f"reference run failed: {e}")
            return {n: {"torch": None, "tensorflow": None} for n in names}

    load = os.getloadavg()
    print(f"\n== fit: batch 128, Adam, synthetic data; samples/s, median of {rounds} rounds "
          f"(load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}) ==")
    results = []
    for r in range(rounds):
        mine = {n: workloads.keras_rate(keras, n) for n in names}
        results.append((mine, reference()))
        print(f"round {r + 1}: " + ", ".join(f"{n} {mine[n]:.0f}" for n in names), flush=True)
    where = f"  (references: {interpreter})" if interpreter else ""
    print(f"{'workload':44s} {'swiftkeras':>11s} {'PyTorch':>9s} {'TF fit':>9s} {'ours/fastest':>13s}{where}")
    for n in names:
        ours = [m[n] for m, _ in results]
        torch = [ref[n]["torch"] for _, ref in results]
        tf = [ref[n]["tensorflow"] for _, ref in results]
        peers = [max(v for v in (t, f) if v) if (t or f) else None for t, f in zip(torch, tf)]
        med = lambda xs: f"{statistics.median(xs):9.0f}" if all(xs) else f"{'n/a':>9s}"
        ratio = (f"{statistics.median(o / p for o, p in zip(ours, peers)):12.2f}x" if all(peers)
                 else f"{'n/a':>13s}")
        print(f"{workloads.LABELS[n]:44s} {statistics.median(ours):11.0f} {med(torch)} {med(tf)} {ratio}")
    if not interpreter and not any(ref[n]["torch"] or ref[n]["tensorflow"] for _, ref in results for n in names):
        print("PyTorch and TensorFlow are not importable here; set REF_PYTHON to an interpreter that has them")
    load = os.getloadavg()
    print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fit"]:   # only the training workloads: bench.py --fit [workload ...]
        fit_figures(sys.argv[2:] or None)
    else:
        main()
