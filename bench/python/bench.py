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


def fit_figures():
    """Issue 6's throughput workload from Python: `model.fit` of an MLP 784-256-128-10, batch 128,
    Adam, sparse categorical crossentropy, 8192 samples, one epoch (median of 5 epochs), with
    PyTorch's eager loop and TensorFlow's `fit` side by side (ref_fit.py) when they are
    importable here or in the interpreter named by the REF_PYTHON environment variable (e.g. a
    venv with `pip install torch tensorflow-cpu`, kept apart from this one's numpy)."""
    import json
    import os
    import statistics
    import subprocess
    import time
    from swiftkeras import _native, keras
    print("\n== fit: MLP 784-256-128-10, batch 128, Adam, sparse CCE, 8192 samples (median of 5 epochs) ==")
    x = _native.random_normal([8192, 784], 0.0, 1.0, "float32", 1)
    y = _native.random_uniform([8192], 0.0, 10.0, "int32", 2)
    model = keras.Sequential([keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)   # warm-up (builds, allocates)

    def ours():
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            model.fit(x, y, batch_size=128, epochs=1, verbose=0)
            times.append(time.perf_counter() - t0)
        return 8192 / statistics.median(times)

    here = os.path.dirname(os.path.abspath(__file__))
    interpreter = os.environ.get("REF_PYTHON")

    def reference():
        try:
            if interpreter:
                out = subprocess.run([interpreter, os.path.join(here, "ref_fit.py")], capture_output=True,
                                     text=True, check=True, timeout=900).stdout
                return json.loads(out.strip().splitlines()[-1])
            import ref_fit
            return {"torch": ref_fit.torch_rate(), "tensorflow": ref_fit.tensorflow_rate()}
        except Exception as e:   # a broken reference install must not hide our figure
            print(f"reference run failed: {e}")
            return {"torch": None, "tensorflow": None}

    # The VM's speed drifts over seconds: alternate our run and the references' three times and
    # report the median of each and of the per-round ratios.
    rounds = []
    for _ in range(3):
        rounds.append((ours(), reference()))
    mine = [r[0] for r in rounds]
    print(f"swiftkeras model.fit     {statistics.median(mine) / 1e3:8.1f}k samples/s   rounds: "
          + ", ".join(f"{v / 1e3:.1f}k" for v in mine) + "   (aim: >= 1.5x PyTorch's eager loop)")
    where = f" ({interpreter})" if interpreter else ""
    for label, key, design in (("PyTorch eager loop", "torch", "81k"), ("TensorFlow model.fit", "tensorflow", "30k")):
        theirs = [r[1].get(key) for r in rounds]
        if all(theirs):
            ratios = [o / t for o, t in zip(mine, theirs)]
            print(f"{label:24s} {statistics.median(theirs) / 1e3:8.1f}k samples/s   rounds: "
                  + ", ".join(f"{v / 1e3:.1f}k" for v in theirs)
                  + f"   ours/theirs per round: " + ", ".join(f"{q:.2f}x" for q in ratios)
                  + f", median {statistics.median(ratios):.2f}x{where}")
        else:
            print(f"{label:24s} not importable here; set REF_PYTHON (DESIGN.md's figure on this machine: {design} samples/s)")


if __name__ == "__main__":
    main()
