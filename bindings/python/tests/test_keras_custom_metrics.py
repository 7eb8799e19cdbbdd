"""User subclasses of keras.metrics.Metric (own update_state / result / reset_state, state in
add_weight variables): standalone against numpy, and in compile + fit + evaluate, where the
core calls them (sk_metric_create_callbacks) — history values against numpy recomputations,
reset at each epoch, exceptions coming out of fit unchanged."""
import gc

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import backend as K
from swiftkeras.keras import layers, metrics

f32 = np.float32


class CountCorrect(metrics.Metric):
    """The number of samples whose argmax prediction equals the integer label (optionally
    weighted), as a tf.keras user would write it."""

    def __init__(self, name="count_correct", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_weight(name="correct", initializer="zeros")
        self.seen = []      # (y_true, y_pred) batches as numpy, for the oracles

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.seen.append((as_np(y_true), as_np(y_pred)))
        labels = K.cast(K.reshape(y_true, (-1,)), "int64")
        hits = K.cast(K.equal(K.cast(K.argmax(y_pred, -1), "int64"), labels), "float32")
        if sample_weight is not None:
            hits = hits * K.cast(K.reshape(sample_weight, (-1,)), "float32")
        self.correct.assign_add(K.sum(hits))

    def result(self):
        return self.correct


def as_np(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def np_correct(y_true, y_pred, w=None):
    hits = (np.argmax(y_pred, -1) == np.asarray(y_true).reshape(-1)).astype(np.float64)
    return float(hits.sum() if w is None else (hits * w).sum())


def data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(f32)
    y = (np.argmax(x[:, :3] + 0.3 * rng.normal(size=(n, 3)), -1)).astype(np.int32)
    return x, y


def model(lr):
    keras.utils.set_random_seed(7)
    m = keras.Sequential([layers.Dense(8, activation="tanh", input_shape=(4,)), layers.Dense(3, activation="softmax")])
    return m, keras.optimizers.SGD(learning_rate=lr)


def test_standalone_against_numpy():
    rng = np.random.default_rng(3)
    m = CountCorrect()
    assert m.name == "count_correct" and len(m.variables) == 1
    assert float(m.result().numpy()) == 0.0
    want = 0.0
    for _ in range(4):
        yt = rng.integers(0, 5, size=13).astype(np.int32)
        yp = rng.random((13, 5)).astype(f32)
        m.update_state(yt, yp)
        want += np_correct(yt, yp)
        assert float(m.result().numpy()) == want
    assert want > 0
    w = rng.random(13).astype(f32)
    m.reset_state()
    assert float(m.result().numpy()) == 0.0
    r = m(yt, yp, sample_weight=w)        # __call__: update then result
    assert float(r.numpy()) == pytest.approx(np_correct(yt, yp, w), rel=1e-6)


def test_add_weight_and_default_reset():
    class Stats(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight(name="total", shape=(3,), initializer="ones")
            self.n = self.add_weight("n", dtype="int32")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.total.assign_add(K.sum(K.cast(y_pred, "float32"), axis=0))
            self.n.assign_add(K.cast(K.shape(y_pred)[0], "int32"))

        def result(self):
            return self.total / K.cast(self.n, "float32")

    s = Stats(name="col_mean")
    assert s.name == "col_mean" and [v.name.split(":")[0] for v in s.variables] == ["col_mean/total", "col_mean/n"]
    np.testing.assert_array_equal(s.total.numpy(), np.ones(3))
    assert s.n.numpy().dtype == np.int32 and not s.total.trainable
    p = np.arange(12, dtype=f32).reshape(4, 3)
    np.testing.assert_allclose(s(None, p).numpy(), (p.sum(0) + 1) / 4, rtol=1e-6)
    s.reset_state()                         # the default zeroes every variable added
    np.testing.assert_array_equal(s.total.numpy(), np.zeros(3))
    assert int(s.n.numpy()) == 0
    assert Stats().name == "stats"          # default name: the class name in snake_case


def test_base_methods_must_be_implemented():
    class Half(metrics.Metric):
        pass

    with pytest.raises(NotImplementedError, match="update_state"):
        Half().update_state([1], [1])
    with pytest.raises(NotImplementedError, match="result"):
        Half().result()
    with pytest.raises(ValueError, match="initializer"):
        Half().add_weight("w", initializer="glorot_banana")


def test_compile_fit_evaluate_frozen_model():
    """lr = 0: predictions never change, so every epoch's count is the numpy count of
    model.predict — equal across epochs only if fit resets the metric at each epoch."""
    x, y = data()
    m, opt = model(0.0)
    cc = CountCorrect()
    cc.update_state(y[:5], np.eye(3, dtype=f32)[y[:5]])   # state from before fit: reset by fit
    assert float(cc.result().numpy()) == 5.0
    cc.seen.clear()
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[cc, "accuracy"])
    want = np_correct(y, m.predict(x, verbose=0))
    h = m.fit(x, y, batch_size=16, epochs=3, shuffle=True, verbose=0)
    assert h.history["count_correct"] == [want] * 3
    assert h.history["accuracy"] == pytest.approx([want / len(x)] * 3, rel=1e-6)
    assert len(cc.seen) == 3 * 4            # batches of 16, 16, 16, 12 per epoch
    res = m.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert res["count_correct"] == want
    assert float(cc.result().numpy()) == want   # the very object holds the model's state


def test_fit_history_matches_numpy_on_the_same_predictions():
    """Training: each epoch's value is the numpy count over the predictions that epoch's
    batches produced (recorded as the metric saw them); evaluate matches predict."""
    x, y = data(n=90, seed=5)
    m, opt = model(0.5)
    cc = CountCorrect()
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[cc])
    h = m.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
    per_epoch = [cc.seen[3 * e:3 * e + 3] for e in range(4)]
    assert len(cc.seen) == 12
    want = [sum(np_correct(t, p) for t, p in ep) for ep in per_epoch]
    assert h.history["count_correct"] == want
    assert len(set(want)) > 1 and want[-1] > want[0]     # the model learns: the counts differ
    for ep in per_epoch:                                  # unshuffled: batches in order
        np.testing.assert_array_equal(np.concatenate([t.reshape(-1) for t, _ in ep]), y)
    cc.seen.clear()
    res = m.evaluate(x, y, batch_size=25, verbose=0, return_dict=True)
    assert res["count_correct"] == np_correct(y, m.predict(x, verbose=0))
    assert [len(t) for t, _ in cc.seen] == [25, 25, 25, 15]


def test_validation_uses_the_metric_too():
    x, y = data(n=50)
    m, opt = model(0.0)
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[CountCorrect()])
    pred = m.predict(x, verbose=0)
    h = m.fit(x, y, batch_size=10, epochs=2, validation_split=0.2, shuffle=False, verbose=0)
    assert h.history["count_correct"] == [np_correct(y[:40], pred[:40])] * 2
    assert h.history["val_count_correct"] == [np_correct(y[40:], pred[40:])] * 2


def test_exception_in_update_state_comes_out_of_fit():
    class Boom(Exception):
        pass

    class Failing(CountCorrect):
        def __init__(self):
            super().__init__(name="failing")
            self.calls = 0

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.calls += 1
            if self.calls == 3:
                raise Boom("metric exploded on batch 3")
            super().update_state(y_true, y_pred, sample_weight)

    x, y = data()
    m, opt = model(0.1)
    f = Failing()
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[f])
    with pytest.raises(Boom, match="exploded on batch 3"):
        m.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert f.calls == 3
    with pytest.raises(Boom):
        f.calls = 2
        m.evaluate(x, y, batch_size=16, verbose=0)

    class BadResult(CountCorrect):
        def result(self):
            raise ZeroDivisionError("no result today")

    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[BadResult()])
    with pytest.raises(ZeroDivisionError, match="no result today"):
        m.fit(x, y, batch_size=16, epochs=1, verbose=0)


def test_metric_released_with_the_model():
    import weakref
    x, y = data(n=20)
    m, opt = model(0.1)
    cc = CountCorrect()
    ref = weakref.ref(cc)
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[cc])
    m.fit(x, y, batch_size=10, epochs=1, verbose=0)
    del cc
    gc.collect()
    assert ref() is not None                # the compiled model keeps it
    m.fit(x, y, batch_size=10, epochs=1, verbose=0)
    del m
    gc.collect()
    assert ref() is None                    # no cycle through the core keeps it alive


def test_fit_passes_sample_weights_to_weighted_metrics_only():
    """fit's sample_weight reaches the update_state of a `weighted_metrics` entry (the weighted count
    of the frozen model's hits), not of a plain `metrics` entry (tf.keras 2: plain metrics get only
    the masks; this library gave them the weights too before)."""
    x, y = data(n=40, seed=9)
    w = np.random.default_rng(2).random(40).astype(f32)
    m, opt = model(0.0)
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", weighted_metrics=[CountCorrect()])
    want = np_correct(y, m.predict(x, verbose=0), w)
    h = m.fit(x, y, sample_weight=w, batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert h.history["count_correct"] == pytest.approx([want] * 2, rel=1e-5)
    unweighted = np_correct(y, m.predict(x, verbose=0))
    assert want != unweighted
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=[CountCorrect()])
    h = m.fit(x, y, sample_weight=w, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert h.history["count_correct"] == pytest.approx([unweighted], rel=1e-5)


def test_subclass_of_a_builtin_metric_runs_its_override_when_compiled():
    import swiftkeras as tf

    class MeanSquaredPrediction(keras.metrics.Mean):
        def update_state(self, y_true, y_pred, sample_weight=None):
            super().update_state(tf.square(y_pred), sample_weight)

    x = np.random.RandomState(1).randn(16, 3).astype("float32")
    y = np.zeros((16, 2), "float32")
    m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    m.compile(optimizer="sgd", loss="mse", metrics=[MeanSquaredPrediction(name="msp")])
    d = m.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    want = float(np.mean(m.predict(x, verbose=0).astype("float64") ** 2))
    assert abs(d["msp"] - want) < 1e-5 * max(1.0, want)
    # without the override the core runs the built-in directly (no Python call per batch)
    from swiftkeras.keras import metrics as _m
    assert _m._overrides_metric_api(MeanSquaredPrediction)
    assert not _m._overrides_metric_api(keras.metrics.Mean)
    assert not _m._overrides_metric_api(type("PlainSub", (keras.metrics.AUC,), {}))
