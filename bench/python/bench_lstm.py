#!/usr/bin/env python3
"""The LSTM training workload of the performance issue, side by side: LSTM(64) over 32 steps x 16
features + Dense(10), batch 128, Adam, sparse categorical crossentropy on synthetic data.

Prints samples/s of `fit` for swiftkeras, of an eager training loop for PyTorch and of `fit` for
tf.keras 2 (TF_USE_LEGACY_KERAS=1), each in its own process, for the frameworks importable by the
given interpreters (`--peer-python`, default this interpreter), and the ratio to the fastest peer.

    PYTHONPATH=bindings/python python3 bench/python/bench_lstm.py [--peer-python /tmp/refvenv/bin/python]
"""
import argparse
import os
import subprocess
import sys
import time

N, T, F, U, CLASSES, BATCH = 4096, 32, 16, 64, 10, 128


def data():
    import numpy as np
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, T, F)).astype(np.float32), rng.integers(0, CLASSES, N).astype(np.int32)


def run_keras(keras, epochs):
    """fit samples/s of the workload built with the Keras API `keras` (swiftkeras or tf.keras 2)."""
    x, y = data()
    model = keras.Sequential([keras.layers.LSTM(U, input_shape=(T, F)), keras.layers.Dense(CLASSES)])
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0)
    return N * epochs / (time.perf_counter() - t0)


def run_swiftkeras(epochs):
    from swiftkeras import keras
    return run_keras(keras, epochs)


def run_tf(epochs):
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tensorflow import keras
    return run_keras(keras, epochs)


def run_torch(epochs):
    import torch
    x, y = data()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(F, U, batch_first=True)
            self.head = torch.nn.Linear(U, CLASSES)

        def forward(self, v):
            return self.head(self.lstm(v)[0][:, -1])

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(N)
        for i in range(0, N, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()

    epoch()
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return N * epochs / (time.perf_counter() - t0)


RUNNERS = {"swiftkeras": run_swiftkeras, "torch": run_torch, "tf": run_tf}
IMPORTS = {"swiftkeras": "swiftkeras", "torch": "torch", "tf": "tensorflow"}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--peer-python", default=sys.executable, help="interpreter for the PyTorch and TF runs")
    a = p.parse_args()
    if a.run:
        print(RUNNERS[a.run](a.epochs))
        return
    results = {}
    for name in ("swiftkeras", "torch", "tf"):
        py = sys.executable if name == "swiftkeras" else a.peer_python
        if subprocess.run([py, "-c", f"import {IMPORTS[name]}"], capture_output=True).returncode != 0:
            print(f"lstm  {name:<10} not importable with {py}: skipped")
            continue
        r = subprocess.run([py, __file__, "--run", name, "--epochs", str(a.epochs)], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"lstm  {name:<10} failed: {r.stderr.strip().splitlines()[-1:]}")
            continue
        results[name] = float(r.stdout.strip().splitlines()[-1])
        print(f"lstm  {name:<10} {results[name]:10,.0f} samples/s")
    peers = [v for k, v in results.items() if k != "swiftkeras"]
    if "swiftkeras" in results and peers:
        print(f"lstm  swiftkeras / fastest peer: {results['swiftkeras'] / max(peers):.2f}x")


if __name__ == "__main__":
    main()
