"""A typed program over the public API, checked by mypy --strict against the package's stubs
(`make test-python`); it also runs (tests/test_packaging.py), so the stubs describe what works."""
from typing import Any, List

import swiftkeras as tf
from swiftkeras import keras


def scaled(x: tf.Tensor, k: float) -> tf.Tensor:
    return x * k + 1


def main() -> List[float]:
    x: tf.Tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
    v = tf.Variable(tf.zeros([2]), name="v", trainable=True)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(scaled(x, 2.0) @ tf.ones([2, 1]) + v[0])
    grads = tape.gradient(y, [v])
    assert x.shape.as_list() == [2, 2] and x.dtype == tf.float32 and v.name == "v:0"
    dense: keras.layers.Layer = keras.layers.Dense(3, activation="relu", use_bias=False)
    model = keras.Sequential([keras.Input((2,)), dense, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    history: Any = model.fit([[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]], epochs=1, verbose=0)
    t = tf.experimental.dlpack.from_dlpack(tf.constant([1.0]))
    out: List[float] = [float(y), float(t[0]), float(len(history.history["loss"]))]
    out.extend(float(g[0]) for g in grads)
    return out


if __name__ == "__main__":
    print(main())
