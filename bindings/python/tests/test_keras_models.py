"""keras.metrics objects against numpy, metric objects in compile, subclassed keras.Model, nested
layers (attribute tracking), and load_model fidelity (type, layers, optimizer, loss)."""
import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import layers, metrics

f32 = np.float32
rng = np.random.default_rng(1234)


def val(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t, dtype=np.float64)


def batches(n_batches=3, b=17, c=5, weights=True):
    """Random (y_true one-hot, integer labels, scores, sample weights) batches."""
    out = []
    for _ in range(n_batches):
        labels = rng.integers(0, c, size=b)
        scores = rng.random((b, c)).astype(f32)
        w = rng.random(b).astype(f32) if weights else None
        out.append((np.eye(c, dtype=f32)[labels], labels.astype(np.int32), scores, w))
    return out


def weighted_mean(per_sample, weights):
    v = np.concatenate(per_sample)
    w = np.concatenate(weights)
    return float((v * w).sum() / w.sum())


def check_mean_metric(metric, per_sample_fn, use_labels=False):
    """Several weighted updates against numpy, then reset, then one unweighted update."""
    data = batches()
    vals, ws = [], []
    for onehot, labels, scores, w in data:
        t = labels if use_labels else onehot
        metric.update_state(t, scores, sample_weight=w)
        vals.append(per_sample_fn(t, scores))
        ws.append(w)
    assert float(val(metric.result())) == pytest.approx(weighted_mean(vals, ws), rel=1e-5, abs=1e-6)
    metric.reset_state()
    assert float(val(metric.result())) == 0.0
    onehot, labels, scores, _ = data[0]
    t = labels if use_labels else onehot
    metric.update_state(t, scores)
    assert float(val(metric.result())) == pytest.approx(per_sample_fn(t, scores).mean(), rel=1e-5, abs=1e-6)


def topk(labels, scores, k):
    own = scores[np.arange(len(labels)), labels]
    return ((scores > own[:, None]).sum(axis=1) < k).astype(np.float64)


def test_mean_weighted_updates_and_reset():
    m = metrics.Mean(name="avg")
    assert m.name == "avg"
    xs = [rng.random(7).astype(f32) for _ in range(3)]
    ws = [rng.random(7).astype(f32) for _ in range(3)]
    for x, w in zip(xs, ws):
        m.update_state(x, sample_weight=w)
    assert float(val(m.result())) == pytest.approx(weighted_mean(xs, ws), rel=1e-5)
    m.reset_state()
    m.update_state(np.array([1.0, 2.0, 6.0], f32))
    assert float(val(m.result())) == pytest.approx(3.0)
    assert float(val(m(np.array([7.0], f32)))) == pytest.approx(4.0)   # __call__ updates and returns


def test_accuracy_metrics_against_numpy():
    check_mean_metric(metrics.CategoricalAccuracy(),
                      lambda t, s: (t.argmax(1) == s.argmax(1)).astype(np.float64))
    check_mean_metric(metrics.SparseCategoricalAccuracy(),
                      lambda t, s: (t == s.argmax(1)).astype(np.float64), use_labels=True)
    check_mean_metric(metrics.TopKCategoricalAccuracy(k=3), lambda t, s: topk(t.argmax(1), s, 3))
    check_mean_metric(metrics.SparseTopKCategoricalAccuracy(k=2), lambda t, s: topk(t, s, 2), use_labels=True)
    check_mean_metric(metrics.BinaryAccuracy(threshold=0.6),
                      lambda t, s: (t == (s > 0.6)).astype(np.float64).mean(axis=1))
    acc = metrics.Accuracy()
    a = rng.integers(0, 3, (10, 2)).astype(f32)
    b = rng.integers(0, 3, (10, 2)).astype(f32)
    acc.update_state(a, b)
    assert float(val(acc.result())) == pytest.approx((a == b).mean(), rel=1e-6)


def test_error_metrics_against_numpy():
    check_mean_metric(metrics.MeanAbsoluteError(), lambda t, s: np.abs(t - s).mean(axis=1))
    check_mean_metric(metrics.MeanSquaredError(), lambda t, s: ((t - s) ** 2).mean(axis=1))
    r = metrics.RootMeanSquaredError()
    data = batches()
    vals, ws = [], []
    for onehot, _, scores, w in data:
        r.update_state(onehot, scores, sample_weight=w)
        vals.append(((onehot - scores) ** 2).mean(axis=1))
        ws.append(w)
    assert float(val(r.result())) == pytest.approx(np.sqrt(weighted_mean(vals, ws)), rel=1e-5)
    r.reset_state()
    assert float(val(r.result())) == 0.0


def test_function_forms_against_numpy():
    onehot, labels, scores, _ = batches(1)[0]
    np.testing.assert_allclose(val(metrics.sparse_categorical_accuracy(labels, scores)),
                               labels == scores.argmax(1))
    np.testing.assert_allclose(val(metrics.sparse_categorical_accuracy(labels[:, None], scores)),
                               labels == scores.argmax(1))
    np.testing.assert_allclose(val(metrics.categorical_accuracy(onehot, scores)), labels == scores.argmax(1))
    np.testing.assert_allclose(val(metrics.top_k_categorical_accuracy(onehot, scores, k=2)), topk(labels, scores, 2))
    np.testing.assert_allclose(val(metrics.sparse_top_k_categorical_accuracy(labels, scores, k=3)), topk(labels, scores, 3))
    np.testing.assert_allclose(val(metrics.binary_accuracy(onehot, scores, threshold=0.3)),
                               (onehot == (scores > 0.3)).mean(1))
    np.testing.assert_allclose(val(metrics.mean_absolute_error(onehot, scores)), np.abs(onehot - scores).mean(1), rtol=1e-6)
    assert metrics.get("sparse_categorical_accuracy") is metrics.sparse_categorical_accuracy
    assert isinstance(metrics.get("AUC"), metrics.AUC)


def confusion(y, p, w, thresholds):
    pos = p[None, :] > np.asarray(thresholds)[:, None]
    tp = (pos * (y * w)).sum(1)
    fp = (pos * ((1 - y) * w)).sum(1)
    fn = (~pos * (y * w)).sum(1)
    tn = (~pos * ((1 - y) * w)).sum(1)
    return tp, fp, tn, fn


def test_precision_recall_against_numpy():
    ys, ps, ws = [], [], []
    prec = metrics.Precision(thresholds=[0.3, 0.7])
    rec = metrics.Recall(thresholds=0.6)
    for _ in range(3):
        y = rng.integers(0, 2, 40).astype(f32)
        p = rng.random(40).astype(f32)
        w = rng.random(40).astype(f32)
        prec.update_state(y, p, sample_weight=w)
        rec.update_state(y, p, sample_weight=w)
        ys.append(y); ps.append(p); ws.append(w)
    y, p, w = (np.concatenate(a).astype(np.float64) for a in (ys, ps, ws))
    tp, fp, _, _ = confusion(y, p, w, [0.3, 0.7])
    np.testing.assert_allclose(val(prec.result()), tp / (tp + fp), rtol=1e-5)
    tp, _, _, fn = confusion(y, p, w, [0.6])
    assert float(val(rec.result())) == pytest.approx(float(tp[0] / (tp[0] + fn[0])), rel=1e-5)
    rec.reset_state()
    assert float(val(rec.result())) == 0.0
    # class_id on 2-D predictions: column 1 only.
    yc = rng.integers(0, 2, (30, 3)).astype(f32)
    pc = rng.random((30, 3)).astype(f32)
    pr1 = metrics.Precision(class_id=1)
    pr1.update_state(yc, pc)
    tp, fp, _, _ = confusion(yc[:, 1].astype(np.float64), pc[:, 1], np.ones(30), [0.5])
    assert float(val(pr1.result())) == pytest.approx(float(tp[0] / (tp[0] + fp[0])), rel=1e-5)


def keras_auc(y, p, w, num_thresholds, curve, method="interpolation"):
    """Keras' AUC from confusion counts at evenly spaced thresholds (numpy oracle)."""
    eps = 1e-7
    th = [-eps] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1 + eps]
    tp, fp, tn, fn = confusion(y, p, w, th)

    def dnn(a, b):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))

    if curve == "PR" and method == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p0, p1 = tp[:-1] + fp[:-1], tp[1:] + fp[1:]
        slope = dnn(dtp, np.maximum(p0 - p1, 0))
        intercept = tp[1:] - slope * p1
        ratio = np.where((p0 > 0) & (p1 > 0), dnn(p0, np.maximum(p1, 0)), 1.0)
        return float(dnn(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)).sum())
    recall = dnn(tp, tp + fn)
    if curve == "ROC":
        x, yv = dnn(fp, fp + tn), recall
    else:
        x, yv = recall, dnn(tp, tp + fp)
    h = {"interpolation": (yv[:-1] + yv[1:]) / 2, "minoring": np.minimum(yv[:-1], yv[1:]),
         "majoring": np.maximum(yv[:-1], yv[1:])}[method]
    return float(((x[:-1] - x[1:]) * h).sum())


@pytest.mark.parametrize("curve,n,method", [("ROC", 200, "interpolation"), ("PR", 50, "interpolation"),
                                            ("ROC", 20, "minoring"), ("PR", 30, "majoring")])
def test_auc_against_numpy(curve, n, method):
    m = metrics.AUC(num_thresholds=n, curve=curve, summation_method=method, name="a")
    ys, ps, ws = [], [], []
    for _ in range(3):
        y = rng.integers(0, 2, 60).astype(f32)
        p = np.clip(0.35 * y + 0.65 * rng.random(60), 0, 1).astype(f32)
        w = rng.random(60).astype(f32)
        m.update_state(y, p, sample_weight=w)
        ys.append(y); ps.append(p); ws.append(w)
    y, p, w = (np.concatenate(a).astype(np.float64) for a in (ys, ps, ws))
    assert float(val(m.result())) == pytest.approx(keras_auc(y, p, w, n, curve, method), abs=2e-5)
    m.reset_state()
    assert float(val(m.result())) == 0.0


def test_auc_roc_exact_small_case():
    m = metrics.AUC()
    m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert float(val(m.result())) == pytest.approx(0.75, abs=1e-6)


def test_metric_errors():
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="threshold"):
        metrics.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match="'k'"):
        metrics.TopKCategoricalAccuracy(k=0)
    # multi_label was refused before issue 16; now it is tf.keras 2's per-label mean (TF 2.21: 0.9375).
    m = metrics.AUC(multi_label=True, num_thresholds=5)
    m.update_state(np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32),
                   np.array([[0.2, 0.9], [0.8, 0.3], [0.6, 0.4], [0.3, 0.1]], np.float32))
    assert abs(float(m.result()) - 0.9375) < 1e-6
    with pytest.raises(NotImplementedError, match="from_sorted_ids"):
        metrics.SparseTopKCategoricalAccuracy(from_sorted_ids=True)
    with pytest.raises(ValueError, match="shape"):
        metrics.Recall().update_state([0, 1, 1], [0.2, 0.3])
    with pytest.raises(ValueError):
        metrics.get("no_such_metric")


# -- compile with metric objects -------------------------------------------------------------
def binary_data(n=256):
    x = rng.normal(size=(n, 4)).astype(f32)
    y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0).astype(f32)[:, None]
    return x, y


def test_metric_objects_in_compile_history_and_state():
    x, y = binary_data()
    model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                              layers.Dense(1, activation="sigmoid")])
    auc = metrics.AUC(num_thresholds=50, name="my_auc")
    prec = metrics.Precision(thresholds=0.7)

    def abs_err(y_true, y_pred):
        return keras.backend.abs(y_pred - y_true)

    opt = keras.optimizers.Adam(learning_rate=0.02)
    model.compile(optimizer=opt, loss="binary_crossentropy",
                  metrics=["accuracy", auc, prec, abs_err, metrics.binary_accuracy])
    assert model.optimizer is opt
    assert model.loss == "binary_crossentropy"
    h = model.fit(x, y, epochs=8, batch_size=32, verbose=0, shuffle=False)
    assert set(h.history) == {"loss", "accuracy", "my_auc", "precision", "abs_err", "binary_accuracy"}
    assert h.history["my_auc"][-1] > h.history["my_auc"][0] and h.history["my_auc"][-1] > 0.9
    # The compiled object is the model's metric: it holds the last epoch's state.
    assert float(val(auc.result())) == pytest.approx(h.history["my_auc"][-1], rel=1e-6)
    assert h.history["accuracy"] == pytest.approx(h.history["binary_accuracy"], rel=1e-6)
    # evaluate with the same objects, checked against numpy on the predictions.
    res = model.evaluate(x, y, verbose=0, return_dict=True)
    p = val(model.predict(x, verbose=0))[:, 0]
    assert res["my_auc"] == pytest.approx(keras_auc(y[:, 0].astype(np.float64), p, np.ones(len(p)), 50, "ROC"), abs=1e-4)
    assert res["abs_err"] == pytest.approx(float(np.abs(p - y[:, 0]).mean()), rel=1e-4)
    tp, fp, _, _ = confusion(y[:, 0].astype(np.float64), p, np.ones(len(p)), [0.7])
    assert res["precision"] == pytest.approx(float(tp[0] / (tp[0] + fp[0])), rel=1e-4)


def test_compile_errors():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])

    class PyMetric(metrics.Metric):
        def update_state(self, y_true, y_pred, sample_weight=None):
            pass

        def result(self):
            return 0.0

    # Python metrics compile (more in test_keras_custom_metrics.py)
    model.compile("sgd", "mse", metrics=[PyMetric(name="p")])
    assert model.evaluate(np.zeros((2, 2), f32), np.zeros((2, 1), f32), verbose=0, return_dict=True)["p"] == 0.0
    with pytest.raises(ValueError, match="accurcy"):
        model.compile("sgd", "mse", metrics=["accurcy"])
    with pytest.raises(ValueError, match="optimizer"):
        model.compile(42, "mse")


# -- subclassed models and nested layers -----------------------------------------------------
def regression_data(n=256):
    x = rng.uniform(-1, 1, (n, 3)).astype(f32)
    y = (x @ np.array([1.0, -2.0, 0.5], f32) + 0.3 * np.sin(3 * x[:, 0]))[:, None].astype(f32)
    return x, y


class TwoDense(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(units, activation="tanh")
        self.out = layers.Dense(1)
        self.scale = 1.0

    def call(self, x, training=None):
        h = self.hidden(x)
        return self.out(h) + self.scale * x[:, :1] * 0.0   # a custom computation around the layers


def test_subclassed_model_trains_saves_and_loads(tmp_path):
    x, y = regression_data()
    model = TwoDense(name="two_dense")
    assert model.name == "two_dense"
    assert model.layers[0] is model.hidden and model.layers[1] is model.out
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse", metrics=["mae"])
    h = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    loss = h.history["loss"]
    assert loss[-1] < 0.05 * loss[0]
    tw = model.trainable_weights
    assert [tuple(v.shape) for v in tw] == [(3, 16), (16,), (16, 1), (1,)]
    text = []
    model.summary(print_fn=text.append)
    assert "dense" in text[0] and "Total params: 81" in text[0]
    pred = val(model.predict(x, verbose=0))
    path = str(tmp_path / "sub.weights.safetensors")
    model.save_weights(path)
    model.fit(x, y, epochs=2, verbose=0)
    assert not np.allclose(val(model.predict(x, verbose=0)), pred)
    model.load_weights(path)
    np.testing.assert_allclose(val(model.predict(x, verbose=0)), pred, rtol=1e-6, atol=1e-6)
    # A fresh instance loads the file (keys are layer paths, not the automatic names).
    fresh = TwoDense()
    fresh(x[:2])
    fresh.load_weights(path)
    np.testing.assert_allclose(val(fresh.predict(x, verbose=0)), pred, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="subclassed"):
        model.save(str(tmp_path / "whole.safetensors"))


class Blocks(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [layers.Dense(8, activation="relu"), layers.Dense(8, activation="relu")]
        self.head = layers.Dense(1)

    def call(self, x):
        for b in self.blocks:
            x = b(x)
        return self.head(x)


def test_subclassed_model_with_a_list_of_layers():
    x, y = regression_data()
    model = Blocks()
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, keras.optimizers.Adam) and model.loss == "mse"
    before = [val(w) for w in model.get_weights()] if model.get_weights() else []
    assert before == []   # nothing built yet
    model.fit(x, y, epochs=1, verbose=0)
    assert len(model.trainable_weights) == 6 and len(model.layers) == 3
    out = model(x[:4])
    assert tuple(out.shape) == (4, 1)


class ScaledDense(layers.Layer):
    """A custom layer holding a Dense and a weight of its own: out = scale * dense(x)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(1)

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(1,), initializer="ones")

    def call(self, x):
        return self.dense(x) * self.scale


def test_custom_layer_with_nested_dense_trains_both():
    x, y = regression_data()
    model = keras.Sequential([ScaledDense(input_shape=(3,))])
    inner = model.layers[0]
    names = [v.name for v in inner.trainable_weights]
    assert len(names) == 3 and names[0].startswith("scaled_dense/scale")   # own weight first, then the Dense's
    start = [val(w).copy() for w in inner.get_weights()]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    h = model.fit(x, y, epochs=20, verbose=0)
    assert h.history["loss"][-1] < 0.2 * h.history["loss"][0]
    end = [val(w) for w in inner.get_weights()]
    assert all(not np.allclose(a, b) for a, b in zip(start, end))   # scale, kernel and bias all moved


def test_tracking_needs_super_init():
    class Early(layers.Layer):
        def __init__(self):
            self.d = layers.Dense(1)
            super().__init__()

    with pytest.raises(RuntimeError, match="super"):
        Early()
    with pytest.raises(ValueError, match="both"):
        keras.Model(inputs=keras.Input(shape=(2,)))


# -- load_model ------------------------------------------------------------------------------
def test_load_model_sequential_type_and_attributes(tmp_path):
    x, y = binary_data(64)
    model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(4,)),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.003), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "seq.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Unused": object})
    assert type(loaded) is keras.Sequential
    assert [type(l).__name__ for l in loaded.layers] == ["Dense", "Dense"]
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert isinstance(loaded.optimizer, keras.optimizers.RMSprop)
    assert loaded.optimizer.learning_rate == pytest.approx(0.003)
    assert loaded.loss == "binary_crossentropy"
    np.testing.assert_allclose(val(loaded.predict(x, verbose=0)), val(model.predict(x, verbose=0)), rtol=1e-6)
    h = loaded.fit(x, y, epochs=1, verbose=0)
    assert "accuracy" in h.history
    loaded.add(layers.Dense(1))   # a real Sequential
    assert len(loaded.layers) == 3
    raw = keras.models.load_model(path, compile=False)
    assert raw.optimizer is None and raw.loss is None


def test_load_model_functional(tmp_path):
    inp = keras.Input(shape=(3,))
    out = layers.Dense(2, name="head")(layers.Dense(5, activation="relu", name="body")(inp))
    model = keras.Model(inp, out)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "Dense"]
    model.compile("adam", "mse")
    path = str(tmp_path / "fn.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is keras.Model
    assert [type(l).__name__ for l in loaded.layers] == ["InputLayer", "Dense", "Dense"]
    assert [l.name for l in loaded.layers][1:] == ["body", "head"]
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert loaded.loss == "mean_squared_error"
    x = rng.normal(size=(5, 3)).astype(f32)
    np.testing.assert_allclose(val(loaded.predict(x, verbose=0)), val(model.predict(x, verbose=0)), rtol=1e-6)
    assert [tuple(w.shape) for w in loaded.layers[2].get_weights()] == [(5, 2), (2,)]
