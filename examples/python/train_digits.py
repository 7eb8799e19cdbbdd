"""Trains a digit classifier on the UCI handwritten digits (data/digits.csv: 8x8 images, 64 pixel
values 0..16 then the label) with the Keras API of swiftkeras, as one would with tf.keras.

    PYTHONPATH=bindings/python python3 examples/python/train_digits.py
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))

import swiftkeras as tf  # noqa: E402
from swiftkeras import keras  # noqa: E402


def load_digits(path):
    xs, ys = [], []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or not line[0].isdigit():
                continue   # header or blank
            vals = line.split(",")
            xs.append([float(v) / 16.0 for v in vals[:64]])
            ys.append(int(vals[64]))
    return xs, ys


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    x, y = load_digits(os.path.join(root, "data", "digits.csv"))
    order = list(range(len(x)))
    random.Random(42).shuffle(order)
    x = [x[i] for i in order]
    y = [y[i] for i in order]
    n_train = int(0.8 * len(x))
    x_train, y_train = tf.constant(x[:n_train]), tf.constant(y[:n_train])
    x_test, y_test = tf.constant(x[n_train:]), tf.constant(y[n_train:])
    print(f"digits: {n_train} training and {len(x) - n_train} held-out samples")

    keras.utils.set_random_seed(42)   # reproducible initial weights and shuffling
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu", input_shape=(64,)),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=1)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"held-out loss: {loss:.4f}")
    print(f"held-out accuracy: {acc:.3f}")
    return 0 if acc >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
