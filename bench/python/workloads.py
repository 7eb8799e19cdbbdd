"""The training workloads of issue 13's table, defined once for every framework benchmarked:

    mlp         MLP 784-256-128-10, sparse categorical crossentropy
    cnn         Conv2D(32,3)+MaxPool, Conv2D(64,3)+MaxPool, Flatten, Dense(10) on 28x28x1
    autoencoder Conv2D(32,3,s2,same), Conv2D(64,3,s2,same), Conv2DTranspose(64,3,s2,same),
                Conv2DTranspose(32,3,s2,same), Conv2D(1,3,same,sigmoid) on 28x28x1, MSE
    lstm        LSTM(64) over 32 steps x 16 features, Dense(10)
    resnet      a small ResNet-style block on 32x32x3: Conv2D(32,3)+BN+ReLU, then
                [Conv2D+BN+ReLU, Conv2D+BN] + identity, ReLU, GlobalAveragePooling2D, Dense(10)

All: batch 128, Adam (lr 1e-3), synthetic data (seeded), one shuffled epoch of N samples; the figure
is samples/s, the median of EPOCHS epochs after a warm-up epoch. `keras_model` builds the model
with any tf.keras-compatible namespace (swiftkeras.keras or tensorflow.keras), `torch_model` the
same network for PyTorch's eager loop (NCHW, PyTorch's default layout).
"""
import statistics
import time

BATCH, EPOCHS = 128, 3

# name -> (samples per epoch, input shape (channels-last), target kind)
WORKLOADS = {
    "mlp": (8192, (784,), "classes"),
    "cnn": (2048, (28, 28, 1), "classes"),
    "autoencoder": (1024, (28, 28, 1), "image"),
    "lstm": (2048, (32, 16), "classes"),
    "resnet": (1024, (32, 32, 3), "classes"),
}

LABELS = {
    "mlp": "MLP 784-256-128-10",
    "cnn": "CNN 2xConv2D+pool, Dense(10)",
    "autoencoder": "conv autoencoder (s2 convs, s2 transposed)",
    "lstm": "LSTM(64) 32x16, Dense(10)",
    "resnet": "ResNet-style block with BatchNorm",
}


def data(name):
    """numpy inputs and targets of a workload (float32 inputs; int32 classes or the input image)."""
    import numpy as np
    n, shape, kind = WORKLOADS[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n,) + shape, dtype=np.float32)
    if kind == "image":
        x = rng.random((n,) + shape, dtype=np.float32)
        return x, x
    return x, rng.integers(0, 10, n).astype(np.int32)


def median_rate(n, run_epoch, epochs=EPOCHS):
    """Samples/s of `run_epoch` (n samples): median of `epochs` timed epochs after a warm-up."""
    run_epoch()
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - t0)
    return n / statistics.median(times)


def keras_model(keras, name):
    """The compiled model of workload `name`, built with the tf.keras-compatible namespace `keras`."""
    L = keras.layers
    _, shape, kind = WORKLOADS[name]
    if name == "mlp":
        model = keras.Sequential([keras.Input(shape=shape), L.Dense(256, activation="relu"),
                                  L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])
    elif name == "cnn":
        model = keras.Sequential([keras.Input(shape=shape), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
                                  L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                                  L.Dense(10, activation="softmax")])
    elif name == "autoencoder":
        model = keras.Sequential([
            keras.Input(shape=shape),
            L.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            L.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
            L.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu"),
            L.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),
            L.Conv2D(1, 3, padding="same", activation="sigmoid")])
    elif name == "lstm":
        model = keras.Sequential([keras.Input(shape=shape), L.LSTM(64), L.Dense(10, activation="softmax")])
    elif name == "resnet":
        inputs = keras.Input(shape=shape)
        h = L.Conv2D(32, 3, padding="same")(inputs)
        h = L.Activation("relu")(L.BatchNormalization()(h))
        r = L.Conv2D(32, 3, padding="same")(h)
        r = L.Activation("relu")(L.BatchNormalization()(r))
        r = L.BatchNormalization()(L.Conv2D(32, 3, padding="same")(r))
        h = L.Activation("relu")(L.Add()([h, r]))
        outputs = L.Dense(10, activation="softmax")(L.GlobalAveragePooling2D()(h))
        model = keras.Model(inputs, outputs)
    else:
        raise ValueError(name)
    model.compile(optimizer="adam", loss="mse" if kind == "image" else "sparse_categorical_crossentropy")
    return model


def keras_rate(keras, name):
    """Samples/s of `model.fit` on workload `name` with the namespace `keras`."""
    x, y = data(name)
    model = keras_model(keras, name)
    return median_rate(len(x), lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))


def keras_fit_dataset_vs_arrays(tf, name, n=None, rounds=5):
    """`model.fit` on workload `name`'s numpy arrays beside `model.fit` on
    `tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n).batch(BATCH).prefetch(AUTOTUNE)` over
    the same arrays (both shuffled each epoch), one epoch each in alternating rounds on one model
    after a warm-up of each. Returns {"arrays": [...], "dataset": [...]} of (wall seconds, CPU
    seconds of the whole process, every thread) per round: on a loaded machine the CPU seconds
    compare the work done, the wall seconds include waiting for a core. `n` overrides the
    samples per epoch (the workload's rows repeated)."""
    import resource

    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    x, y = data(name)
    if n is not None:
        x, y = _tile(x, n), _tile(y, n)
    model = keras_model(tf.keras, name)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=1).batch(BATCH).prefetch(tf.data.AUTOTUNE)
    runs = {"arrays": lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0),
            "dataset": lambda: model.fit(ds, epochs=1, verbose=0)}
    for run in runs.values():   # warm-up
        run()
    out = {k: [] for k in runs}
    for _ in range(rounds):
        for k, run in runs.items():
            t0, c0 = time.perf_counter(), cpu()
            run()
            out[k].append((time.perf_counter() - t0, cpu() - c0))
    return out


def _tile(a, n):
    """The first `n` rows of `a` repeated along axis 0."""
    import numpy as np
    return np.concatenate([a] * -(-n // len(a)))[:n]


def torch_model(name):
    """(module, loss function) of workload `name` for PyTorch (inputs NCHW)."""
    from torch import nn
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10)), nn.CrossEntropyLoss()
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10)), nn.CrossEntropyLoss()
    if name == "autoencoder":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.Conv2d(32, 1, 3, padding=1), nn.Sigmoid()), nn.MSELoss()
    if name == "lstm":
        class LSTMNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(16, 64, batch_first=True)
                self.out = nn.Linear(64, 10)

            def forward(self, x):
                return self.out(self.lstm(x)[0][:, -1])
        return LSTMNet(), nn.CrossEntropyLoss()
    if name == "resnet":
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
                self.branch = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                                            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32))
                self.head = nn.Linear(32, 10)

            def forward(self, x):
                h = self.stem(x)
                h = nn.functional.relu(h + self.branch(h))
                return self.head(h.mean(dim=(2, 3)))
        return Block(), nn.CrossEntropyLoss()
    raise ValueError(name)


def torch_rate(name):
    """Samples/s of PyTorch's usual eager loop (zero_grad / forward / backward / step over
    shuffled batches) on workload `name`."""
    import torch
    torch.manual_seed(0)
    x, y = data(name)
    x = torch.from_numpy(x)
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(y)
    if y.dim() == 4:
        y = y.permute(0, 3, 1, 2).contiguous()
    else:
        y = y.long()
    model, loss_fn = torch_model(name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(x)

    def epoch():
        perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return median_rate(n, epoch)
