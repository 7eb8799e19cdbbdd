"""`Model.fit` releases the GIL while the core trains: another Python thread keeps running during
training, and Python callbacks (which take the GIL back) still run and see their logs."""
import threading
import time

import numpy as np

from swiftkeras import keras
from swiftkeras.keras import callbacks, layers


def _model():
    m = keras.Sequential([layers.Dense(256, activation="relu", input_shape=(64,)), layers.Dense(256, activation="relu"),
                          layers.Dense(4, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return m


def _data(n=4096):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 64)).astype("float32"), rng.integers(0, 4, n).astype("int32")


def test_python_thread_runs_during_fit():
    x, y = _data()
    model = _model()
    stamps = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            stamps.append(time.perf_counter())   # pure Python: needs the GIL for every step

    worker = threading.Thread(target=spin)
    worker.start()
    try:
        # Without the GIL released, the worker is frozen for the whole call (no Python runs
        # inside it: verbose=0, no Python callbacks); with it, the worker records all along.
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=64, epochs=3, verbose=0)
        t1 = time.perf_counter()
    finally:
        stop.set()
        worker.join()
    middle = [t for t in stamps if t0 + 0.25 * (t1 - t0) < t < t1 - 0.25 * (t1 - t0)]
    assert len(middle) > 0, f"no Python step ran in the middle half of a {t1 - t0:.3f} s fit"


def test_python_callbacks_still_run_without_the_gil_held():
    x, y = _data(512)
    model = _model()
    seen = []

    class Recorder(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(("batch", batch, round(float(logs["loss"]), 6) >= 0))

        def on_epoch_end(self, epoch, logs=None):
            seen.append(("epoch", epoch, "loss" in logs))

    done = []
    worker = threading.Thread(target=lambda: done.append(sum(i for i in range(200000))))
    worker.start()
    history = model.fit(x, y, batch_size=128, epochs=2, verbose=0, callbacks=[Recorder()])
    worker.join()
    assert done == [sum(range(200000))]
    assert seen == [("batch", b, True) for b in range(4)] + [("epoch", 0, True)] + \
        [("batch", b, True) for b in range(4)] + [("epoch", 1, True)]
    assert len(history.history["loss"]) == 2
