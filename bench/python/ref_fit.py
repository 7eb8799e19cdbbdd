"""Reference figures for issue 6's training workload, run by bench.py side by side with ours:
an MLP 784-256-128-10, batch 128, Adam (lr 1e-3), sparse categorical crossentropy, 8192 random
samples, one shuffled epoch; median of 5 epochs after a warm-up epoch.

    python3 ref_fit.py        # prints one JSON object: {"torch": samples/s or null, "tensorflow": ...}

PyTorch runs the usual eager loop (zero_grad / forward / backward / step over shuffled batches);
TensorFlow runs `model.fit` with the same Keras model we train. A library that is not importable
gives null."""
import json
import statistics
import time

N, BATCH, EPOCHS = 8192, 128, 5


def _median_rate(run_epoch):
    run_epoch()   # warm-up
    times = []
    for _ in range(EPOCHS):
        t0 = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - t0)
    return N / statistics.median(times)


def torch_rate():
    try:
        import torch
        from torch import nn
    except ImportError:
        return None
    torch.manual_seed(0)
    x = torch.randn(N, 784)
    y = torch.randint(0, 10, (N,))
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(N)
        for i in range(0, N, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return _median_rate(epoch)


def tensorflow_rate():
    try:
        import numpy as np
        import tensorflow as tf
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 784), dtype=np.float32)
    y = rng.integers(0, 10, N).astype(np.int32)
    model = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                                 tf.keras.layers.Dense(256, activation="relu"),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return _median_rate(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))


if __name__ == "__main__":
    print(json.dumps({"torch": torch_rate(), "tensorflow": tensorflow_rate()}))
