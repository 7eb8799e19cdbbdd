"""tf.data from Python (swiftkeras.data over the core's pipeline): sequences, cardinalities and
element specs recorded from TF 2.21's tf.data (the reference venv), structures (tuples, dicts),
generators, map/filter callbacks, prefetch on a thread, a custom training loop over a dataset,
and fit / evaluate / predict with datasets, generators and keras.utils.Sequence."""
import threading

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

D = tf.data.Dataset


def card(ds):
    return int(ds.cardinality().numpy())


def flat(ds):
    return [v.tolist() if hasattr(v, "tolist") else v for v in ds.as_numpy_iterator()]


# -- sequences and cardinalities (TF 2.21) --------------------------------------------------
def test_range_batch_remainders_as_tf():
    assert flat(D.range(8).batch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert flat(D.range(8).batch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5]]
    assert (card(D.range(10)), card(D.range(2, 11, 3)), card(D.range(10, 0, -3)), card(D.range(5, 5))) == (10, 3, 4, 0)
    assert (card(D.range(10).batch(3)), card(D.range(10).batch(3, drop_remainder=True))) == (4, 3)


def test_repeat_take_skip_interplay_as_tf():
    assert flat(D.range(5).repeat(2).take(7)) == [0, 1, 2, 3, 4, 0, 1]
    assert flat(D.range(5).take(2).repeat(3)) == [0, 1, 0, 1, 0, 1]
    assert flat(D.range(5).skip(2).repeat(2)) == [2, 3, 4, 2, 3, 4]
    unknown = D.range(10).filter(lambda x: x % 2 == 0)
    inf = D.range(3).repeat()
    assert [card(d) for d in (D.range(3).repeat(4), D.range(0).repeat(), unknown.repeat(), unknown.repeat(2),
                              inf.repeat(2), D.range(3).repeat(0))] == [12, 0, -1, -2, -1, 0]
    assert [card(d) for d in (D.range(10).take(3), D.range(2).take(3), D.range(10).take(-1), inf.take(5),
                              unknown.take(3), unknown.take(-1), D.range(5).take(0))] == [3, 2, 10, 5, -2, -2, 0]
    assert [card(d) for d in (D.range(10).skip(3), D.range(2).skip(3), D.range(10).skip(-1), inf.skip(5),
                              unknown.skip(3))] == [7, 0, 0, -1, -2]
    assert tf.data.experimental.cardinality(inf).numpy() == tf.data.INFINITE_CARDINALITY == -1
    assert tf.data.UNKNOWN_CARDINALITY == -2 and tf.data.AUTOTUNE == -1
    with pytest.raises(TypeError, match="infinite"):
        len(inf)
    assert len(D.range(7)) == 7


def test_zip_concatenate_enumerate_rebatch_unbatch_as_tf():
    assert flat(D.zip((D.range(3), D.range(10, 15)))) == [(0, 10), (1, 11), (2, 12)]
    assert flat(D.range(3).concatenate(D.range(10, 12))) == [0, 1, 2, 10, 11]
    assert flat(D.range(3).enumerate(start=5)) == [(5, 0), (6, 1), (7, 2)]
    assert flat(D.range(10).batch(4).rebatch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert flat(D.range(10).batch(4).rebatch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert card(D.range(10).batch(4).rebatch(3)) == -2
    assert flat(D.from_tensor_slices([[1, 2], [3, 4], [5, 6]]).unbatch()) == [1, 2, 3, 4, 5, 6]
    assert flat(D.range(10).filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert [card(d) for d in (D.zip((D.range(3), D.range(5))), D.range(3).concatenate(D.range(5)),
                              D.range(10).shuffle(3), D.range(10).map(lambda x: x), D.range(10).cache(),
                              D.range(10).prefetch(2))] == [3, 8, 10, 10, 10, 10]


def test_padded_batch_as_tf():
    ds = D.range(1, 4).map(lambda x: tf.fill([x], x))
    got = [a.tolist() for a in ds.padded_batch(2).as_numpy_iterator()]
    assert got == [[[1, 0], [2, 2]], [[3, 3, 3]]]
    got = [a.tolist() for a in ds.padded_batch(2, padded_shapes=[5], padding_values=tf.constant(-1, tf.int64))
           .as_numpy_iterator()]
    assert got == [[[1, -1, -1, -1, -1], [2, 2, -1, -1, -1]], [[3, 3, 3, -1, -1]]]
    with pytest.raises(ValueError, match="different shapes in component 0"):
        list(ds.batch(2))


def test_structures_and_element_spec_as_tf():
    ds = D.from_tensor_slices(({"a": [1, 2]}, [3., 4.]))
    spec = ds.element_spec
    assert repr(spec) == ("({'a': TensorSpec(shape=(), dtype=tf.int32, name=None)}, "
                          "TensorSpec(shape=(), dtype=tf.float32, name=None))")
    x, y = next(iter(ds))
    assert isinstance(x, dict) and x["a"].numpy() == 1 and x["a"].dtype == tf.int32 and y.numpy() == 3.0
    assert repr(D.range(10).batch(3).element_spec) == "TensorSpec(shape=(None,), dtype=tf.int64, name=None)"
    assert repr(D.range(10).batch(3, True).element_spec) == "TensorSpec(shape=(3,), dtype=tf.int64, name=None)"
    assert repr(D.from_tensor_slices([1, 2, 3]).element_spec) == "TensorSpec(shape=(), dtype=tf.int32, name=None)"
    assert [a.tolist() for a in D.from_tensors([1, 2, 3]).as_numpy_iterator()] == [[1, 2, 3]]
    # numpy scalars from as_numpy_iterator, as TF
    v = next(D.range(3).as_numpy_iterator())
    assert np.ndim(v) == 0 and v.dtype == np.int64 and not isinstance(v, np.ndarray)
    # a map over a tuple element gets its items as arguments; dicts pass whole
    m = D.from_tensor_slices((np.arange(4.0, dtype=np.float32), np.arange(4))).map(lambda a, b: {"s": a * 2, "b": b})
    e = next(iter(m))
    assert sorted(e) == ["b", "s"] and e["s"].numpy() == 0.0


def test_shuffle_buffer_seed_and_passes():
    ds = D.range(40).shuffle(5, seed=42)
    p1, p2 = flat(ds), flat(ds)
    assert sorted(p1) == list(range(40))
    assert all(v < i + 5 for i, v in enumerate(p1))      # TF's buffer: output i comes from inputs < i + 5
    assert p1 != p2                                      # reshuffle_each_iteration=True
    assert flat(D.range(40).shuffle(5, seed=42)) == p1   # seeded: reproducible
    fixed = D.range(40).shuffle(40, seed=1, reshuffle_each_iteration=False)
    assert flat(fixed) == flat(fixed)
    assert flat(D.range(7).shuffle(1)) == list(range(7))
    keras.utils.set_random_seed(3)
    a = flat(D.range(30).shuffle(30))
    keras.utils.set_random_seed(3)
    assert flat(D.range(30).shuffle(30)) == a
    epochs = flat(D.range(10).shuffle(10, seed=5).repeat(2))
    assert epochs[:10] != epochs[10:] and sorted(epochs[10:]) == list(range(10))


def test_from_generator_signature_and_passes():
    calls = []

    def gen(n):
        calls.append(n)
        for i in range(n):
            yield np.full([i + 1], i, dtype=np.float64), i

    ds = D.from_generator(gen, args=(3,), output_signature=(tf.TensorSpec(shape=(None,), dtype=tf.float32),
                                                            tf.TensorSpec(shape=(), dtype=tf.int32)))
    assert card(ds) == -2
    got = [(x.tolist(), y) for x, y in ds.as_numpy_iterator()]
    assert got == [([0.0], 0), ([1.0, 1.0], 1), ([2.0, 2.0, 2.0], 2)]
    assert len(calls) == 1
    list(ds)
    assert len(calls) == 2                               # a new call per pass
    x, _ = next(iter(ds))
    assert x.dtype == tf.float32
    with pytest.raises(TypeError, match="output_signature"):
        D.from_generator(gen)
    bad = D.from_generator(lambda: iter([np.zeros([2, 2])]), output_signature=tf.TensorSpec(shape=(None,), dtype=tf.float32))
    with pytest.raises(ValueError, match="does not match the output signature"):
        list(bad)


def test_python_exceptions_cross_prefetch_unchanged():
    class Boom(Exception):
        pass

    def f(x):
        if int(x.numpy()) == 3:
            raise Boom("three")
        return x

    with pytest.raises(Boom, match="three"):
        list(D.range(5).map(f))
    with pytest.raises(Boom, match="three"):
        list(D.range(5).map(f).prefetch(2))


def test_fit_reraises_a_generator_exception_from_the_prefetch_thread():
    x, y = _data(64)

    class Broken(Exception):
        pass

    def gen():
        yield x[:32], y[:32]
        raise Broken("no more samples")

    ds = D.from_generator(gen, output_signature=(tf.TensorSpec((None, 2), tf.float32),
                                                 tf.TensorSpec((None,), tf.int32))).prefetch(2)
    with pytest.raises(Broken, match="no more samples"):
        _model().fit(ds, epochs=1, verbose=0)


def test_prefetch_runs_python_on_a_background_thread():
    threads = set()

    def gen():
        for i in range(20):
            threads.add(threading.get_ident())
            yield i

    ds = D.from_generator(gen, output_signature=tf.TensorSpec(shape=(), dtype=tf.int64)).prefetch(tf.data.AUTOTUNE)
    assert flat(ds) == list(range(20))
    assert threading.get_ident() not in threads


def test_cache_replays_without_running_the_map():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2

    ds = D.range(4).map(f).cache()
    assert flat(ds) == [0, 2, 4, 6]
    after_first = len(calls)
    assert flat(ds) == [0, 2, 4, 6]
    assert len(calls) == after_first          # the second pass replays the cache
    with pytest.raises(NotImplementedError, match="filename"):
        D.range(3).cache("/tmp/x")


# -- training ----------------------------------------------------------------------------------
def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    y = (x[:, 0] - 0.7 * x[:, 1] > 0.1).astype(np.int32)
    return x, y


def _model(name=None):
    inp = keras.Input(shape=(2,), name=name)
    h = keras.layers.Dense(16, activation="tanh")(inp)
    out = keras.layers.Dense(2, activation="softmax")(h)
    m = keras.Model(inp, out)
    m.compile(optimizer=keras.optimizers.SGD(0.2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def test_custom_training_loop_over_a_dataset_converges():
    x, y = _data()
    ds = D.from_tensor_slices((x, y)).shuffle(256, seed=1).batch(32).prefetch(tf.data.AUTOTUNE)
    model = keras.Sequential([keras.layers.Dense(16, activation="tanh", input_shape=(2,)), keras.layers.Dense(2)])
    opt = keras.optimizers.Adam(0.05)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    acc = keras.metrics.SparseCategoricalAccuracy()
    for epoch in range(8):
        acc.reset_state()
        for xb, yb in ds:
            with tf.GradientTape() as tape:
                logits = model(xb, training=True)
                loss = loss_fn(yb, logits)
            grads = tape.gradient(loss, model.trainable_weights)
            opt.apply_gradients(zip(grads, model.trainable_weights))
            acc.update_state(yb, logits)
    assert float(acc.result()) > 0.93


def test_fit_dataset_with_steps_validation_and_dict_inputs():
    x, y = _data()
    m = _model("features")
    ds = D.from_tensor_slices(({"features": x}, y)).shuffle(256, seed=2).batch(32).repeat()
    val = D.from_tensor_slices((x[:64], y[:64])).batch(32)
    h = m.fit(ds, epochs=4, steps_per_epoch=10, validation_data=val, validation_freq=2, verbose=0)
    assert h.epoch == [0, 1, 2, 3]
    assert len(h.history["val_loss"]) == 2
    assert h.history["accuracy"][-1] > 0.9
    with pytest.raises(ValueError, match="infinite dataset"):
        m.fit(ds, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        m.fit(D.from_tensor_slices((x, y)).batch(8), batch_size=8, verbose=0)
    r = m.evaluate(val, verbose=0, return_dict=True)
    r2 = m.evaluate(x[:64], y[:64], batch_size=32, verbose=0, return_dict=True)
    assert r["loss"] == pytest.approx(r2["loss"], rel=1e-6) and r["accuracy"] == r2["accuracy"]
    p = m.predict(val)
    np.testing.assert_array_equal(p, m.predict(x[:64], batch_size=32))
    assert m.predict(ds, steps=2).shape == (64, 2)


def test_dict_array_inputs_by_input_name():
    x, y = _data(64)
    a, b = _model("features"), _model("features")
    b.set_weights(a.get_weights())
    ha = a.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    hb = b.fit({"features": x}, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert ha.history["loss"] == hb.history["loss"]
    np.testing.assert_array_equal(b.predict({"features": x}, batch_size=16), a.predict(x, batch_size=16))
    assert b.evaluate({"features": x}, y, verbose=0) == a.evaluate(x, y, verbose=0)
    with pytest.raises(ValueError, match="missing 'features'"):
        b.fit({"other": x}, y, verbose=0)


def test_fit_arrays_with_steps_per_epoch():
    x, y = _data(64)
    m = _model()
    h = m.fit(x, y, batch_size=16, epochs=3, steps_per_epoch=4, verbose=0)   # 4 steps = one pass per epoch
    assert len(h.history["loss"]) == 3


def test_fit_generator_and_sequence():
    x, y = _data()

    def gen():
        while True:
            for i in range(0, 256, 32):
                yield x[i:i + 32], y[i:i + 32]

    m = _model()
    h = m.fit(gen(), steps_per_epoch=8, epochs=5, verbose=0)
    assert h.history["accuracy"][-1] > 0.9

    class Seq(keras.utils.Sequence):
        def __init__(self):
            super().__init__()
            self.ends = 0
            self.seen = []

        def __len__(self):
            return 8

        def __getitem__(self, i):
            self.seen.append(i)
            return x[32 * i:32 * i + 32], y[32 * i:32 * i + 32]

        def on_epoch_end(self):
            self.ends += 1

    s = Seq()
    m2 = _model()
    h2 = m2.fit(s, epochs=3, verbose=0, shuffle=False)
    assert s.ends == 3
    assert len(h2.history["loss"]) == 3
    assert s.seen[-8:] == list(range(8))
    r = m2.evaluate(Seq(), verbose=0, return_dict=True)
    assert r["accuracy"] > 0.8
    with pytest.raises(NotImplementedError, match="workers"):
        m2.fit(s, workers=4, verbose=0)


def test_fit_prefetched_python_generator_does_not_deadlock():
    x, y = _data(128)

    def gen():
        for i in range(0, 128, 32):
            yield x[i:i + 32], y[i:i + 32]

    ds = D.from_generator(gen, output_signature=(tf.TensorSpec((None, 2), tf.float32),
                                                 tf.TensorSpec((None,), tf.int32))).prefetch(2)
    h = _model().fit(ds, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2


def test_progress_bar_unknown_total(capsys):
    x, y = _data(64)
    ds = D.from_tensor_slices((x, y)).batch(16).filter(lambda a, b: True)
    _model().fit(ds, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "4/4" in out


# -- keras.utils ---------------------------------------------------------------------------------
def test_to_categorical_and_pad_sequences_as_keras():
    c = keras.utils.to_categorical([[1], [0], [2]])
    assert c.shape == (3, 3) and c.dtype == np.float32
    np.testing.assert_array_equal(c, [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert keras.utils.to_categorical(np.array([1, 3]), num_classes=5).shape == (2, 5)
    p = keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
    assert p.dtype == np.int32
    np.testing.assert_array_equal(p, [[0, 1], [2, 3], [5, 6]])
    p = keras.preprocessing.sequence.pad_sequences([[1], [2, 3, 4]], padding="post", truncating="post", value=7,
                                                   dtype="float32")
    np.testing.assert_array_equal(p, [[1, 7, 7], [2, 3, 4]])
    with pytest.raises(ValueError, match="Padding type"):
        keras.utils.pad_sequences([[1]], padding="middle")


def test_normalize_timeseries_split_get_file(tmp_path):
    n = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(n, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    data = np.arange(10, dtype=np.float32)
    ds = keras.utils.timeseries_dataset_from_array(data, data, sequence_length=3, sequence_stride=2, batch_size=2)
    got = [(a.tolist(), b.tolist()) for a, b in ds.as_numpy_iterator()]
    assert got == [([[0, 1, 2], [2, 3, 4]], [0, 2]), ([[4, 5, 6], [6, 7, 8]], [4, 6])]
    left, right = keras.utils.split_dataset(np.arange(10), left_size=0.8)
    assert (card(left), card(right)) == (8, 2) and flat(right) == [8, 9]
    f = tmp_path / "x.txt"
    f.write_text("hi")
    assert keras.utils.get_file("x.txt", origin=str(f)) == str(f)
    with pytest.raises(ValueError, match="https://example.com/mnist.npz"):
        keras.utils.get_file("mnist.npz", origin="https://example.com/mnist.npz")
