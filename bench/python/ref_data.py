#!/usr/bin/env python3
"""The reference for bench_data.py: TensorFlow's tf.data on the same pipeline and data; prints
{"seconds": median of 3 epochs} as its last line."""
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
N, D, BATCH = 60000, 784, 128


def seconds():
    import numpy as np
    import tensorflow as tf
    rng = np.random.default_rng(0)
    x = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, 10, N).astype(np.int32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(N, seed=1).batch(BATCH).prefetch(tf.data.AUTOTUNE)
    times = []
    for _ in range(4):
        t0 = time.perf_counter()
        n = 0
        for xb, _ in ds:
            n += int(xb.shape[0])
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


if __name__ == "__main__":
    print(json.dumps({"seconds": seconds()}))
