"""The environment calls TF2 scripts make (logging, eager mode, GPU checks, strategies, Python
functions in pipelines) answer as they hold for SwiftKeras: eager, CPU only, one replica."""
import logging

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras


def test_logging_and_eager_boilerplate():
    tf.get_logger().setLevel("ERROR")
    assert tf.get_logger() is logging.getLogger("tensorflow") and tf.get_logger().level == logging.ERROR
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.INFO)
    assert tf.get_logger().level == logging.INFO and tf.compat.v1.logging.get_verbosity() == logging.INFO
    tf.autograph.set_verbosity(0)
    assert tf.executing_eagerly() and tf.compat.v1.executing_eagerly()
    tf.compat.v1.enable_eager_execution()
    with pytest.raises(NotImplementedError, match="graph mode"):
        tf.compat.v1.disable_eager_execution()
    assert keras.__version__ == tf.__version__
    from swiftkeras.compat import v1   # importable as a module too
    assert v1 is tf.compat.v1


def test_gpu_queries_say_cpu_only():
    assert tf.test.is_gpu_available() is False and tf.test.gpu_device_name() == ""
    assert tf.config.list_physical_devices("GPU") == []


def test_mirrored_strategy_with_one_cpu_replica_trains():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    with strategy.scope():
        m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
        m.compile(keras.optimizers.SGD(0.1), "mse")
    xs = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    h = m.fit(xs, xs.sum(1, keepdims=True), epochs=30, batch_size=16, verbose=0)
    assert h.history["loss"][-1] < 1e-2 * h.history["loss"][0]
    assert float(strategy.run(lambda a, b: a + b, args=(tf.constant(1.0), tf.constant(2.0)))) == 3.0
    per = tf.constant([1.0, 3.0])
    assert float(strategy.reduce(tf.distribute.ReduceOp.SUM, per, axis=0)) == 4.0
    assert float(strategy.reduce("MEAN", per, axis=0)) == 2.0
    with pytest.raises(ValueError, match="no device ./gpu:0"):
        tf.distribute.MirroredStrategy(devices=["/gpu:0"])
    with pytest.raises(NotImplementedError, match="TPUStrategy"):
        tf.distribute.TPUStrategy()
    assert tf.distribute.get_strategy().num_replicas_in_sync == 1


def test_py_function_and_numpy_function_in_a_pipeline():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(4, dtype=np.float32))
    ds = ds.map(lambda x: tf.py_function(lambda v: v * 2 + 1, [x], tf.float32))
    assert [float(v) for v in ds] == [1.0, 3.0, 5.0, 7.0]
    a, b = tf.numpy_function(lambda u: (u.sum(), np.int64(u.size)), [tf.constant([1.0, 2.0])], [tf.float32, tf.int64])
    assert float(a) == 3.0 and int(b) == 2 and b.dtype == tf.int64
    with pytest.raises(ValueError, match="Tout"):
        tf.py_function(lambda: (1, 2), [], [tf.float32])
