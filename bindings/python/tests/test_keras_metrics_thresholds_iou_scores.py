"""The confusion-count, "X at Y", IoU, F-score, R2 and loss-mean metrics of tf.keras 2 (issue 12,
point 7) beyond their golden values (tests/test_golden.py replays the recorded ones).

Oracles: the docstring examples of tf_keras/src/metrics/*.py, the default names and configs
tf.keras 2.21 gives (recorded here from the reference venv), and compile/fit logs."""
import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import layers, metrics


def _num(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


# tf.keras 2.21: type(m).__name__, m.name and get_config() without dtype.
KERAS_CONFIGS = [
    (metrics.TruePositives(), {"name": "true_positives", "thresholds": None}),
    (metrics.FalseNegatives(thresholds=[0.2, 0.6]), {"name": "false_negatives", "thresholds": [0.2, 0.6]}),
    (metrics.SensitivityAtSpecificity(0.5),
     {"name": "sensitivity_at_specificity", "class_id": None, "num_thresholds": 200, "specificity": 0.5}),
    (metrics.PrecisionAtRecall(recall=0.3, num_thresholds=20, class_id=1),
     {"name": "precision_at_recall", "class_id": 1, "num_thresholds": 20, "recall": 0.3}),
    (metrics.MeanIoU(3), {"num_classes": 3, "name": "mean_io_u", "ignore_class": None, "sparse_y_true": True,
                          "sparse_y_pred": True, "axis": -1}),
    (metrics.IoU(3, [0, 2]), {"name": "io_u", "num_classes": 3, "target_class_ids": [0, 2], "ignore_class": None,
                              "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}),
    (metrics.BinaryIoU(), {"target_class_ids": [0, 1], "threshold": 0.5, "name": "binary_io_u"}),
    (metrics.F1Score(), {"name": "f1_score", "average": None, "threshold": None}),
    (metrics.FBetaScore(beta=2.0), {"name": "fbeta_score", "average": None, "beta": 2.0, "threshold": None}),
    (metrics.R2Score(), {"name": "r2_score", "class_aggregation": "uniform_average", "num_regressors": 0}),
    (metrics.CosineSimilarity(), {"name": "cosine_similarity", "axis": -1}),
    (metrics.KLDivergence(), {"name": "kullback_leibler_divergence"}),
    (metrics.LogCoshError(), {"name": "logcosh"}),
    (metrics.MeanAbsolutePercentageError(), {"name": "mean_absolute_percentage_error"}),
    (metrics.Poisson(), {"name": "poisson"}),
]


@pytest.mark.parametrize("metric,expected", KERAS_CONFIGS, ids=[type(m).__name__ for m, _ in KERAS_CONFIGS])
def test_names_and_configs_as_tf_keras(metric, expected):
    assert metric.name == expected["name"]
    config = metric.get_config()
    config.pop("dtype")
    assert config == expected
    again = type(metric).from_config(metric.get_config())
    assert again.name == metric.name and again.get_config() == metric.get_config()


def test_docstring_examples():
    m = metrics.SensitivityAtSpecificity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert _num(m.result()) == pytest.approx(0.5)
    m.reset_state()
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 1])
    assert _num(m.result()) == pytest.approx(0.333333, abs=1e-6)

    m = metrics.SpecificityAtSensitivity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert _num(m.result()) == pytest.approx(0.66666667)

    m = metrics.RecallAtPrecision(0.8)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert _num(m.result()) == pytest.approx(0.5)

    m = metrics.IoU(num_classes=2, target_class_ids=[0])
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert _num(m.result()) == pytest.approx(0.33333334)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert _num(m.result()) == pytest.approx(0.33333334)

    m = metrics.R2Score()
    m.update_state(np.array([[1], [4], [3]], np.float32), np.array([[2], [4], [4]], np.float32))
    assert _num(m.result()) == pytest.approx(0.57142854)

    m = metrics.TruePositives()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert _num(m.result()) == 1.0 and _num(m.result()).shape == ()


def test_counts_per_threshold_and_reset():
    m = metrics.FalsePositives(thresholds=[0.15, 0.5, 0.85])
    m.update_state([0, 0, 1, 0], [0.1, 0.6, 0.9, 0.9])
    np.testing.assert_array_equal(_num(m.result()), np.array([2, 2, 1], np.float32))
    m.reset_state()
    np.testing.assert_array_equal(_num(m.result()), np.zeros(3, np.float32))


def test_empty_results_are_zero():
    assert _num(metrics.MeanIoU(2).result()) == 0.0
    assert _num(metrics.PrecisionAtRecall(0.5).result()) == 0.0


@pytest.mark.parametrize("make,message", [
    (lambda: metrics.SensitivityAtSpecificity(1.5), "specificity"),
    (lambda: metrics.PrecisionAtRecall(0.5, num_thresholds=0), "num_thresholds"),
    (lambda: metrics.TruePositives(thresholds=[1.2]), "threshold"),
    (lambda: metrics.IoU(3, [3]), "target_class_ids"),
    (lambda: metrics.FBetaScore(average="sum"), "average"),
    (lambda: metrics.FBetaScore(beta=0.0), "beta"),
    (lambda: metrics.F1Score(threshold=1.5), "threshold"),
    (lambda: metrics.R2Score(class_aggregation="mean"), "class_aggregation"),
    (lambda: metrics.R2Score(num_regressors=-1), "num_regressors"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs_are_errors_not_crashes():
    with pytest.raises(ValueError, match="class ids"):
        metrics.MeanIoU(2).update_state([0, 5], [0, 1])
    with pytest.raises(ValueError, match="2D"):
        metrics.F1Score().update_state([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="2D"):
        metrics.R2Score().update_state([1.0, 2.0], [1.0, 2.0])


def test_in_compile_the_logs_carry_their_names():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[metrics.TruePositives(), metrics.FalseNegatives(), metrics.PrecisionAtRecall(0.5),
                           metrics.BinaryIoU(), "mape", "msle", "logcosh", "kld", "poisson", "hinge"])
    hist = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert set(hist.history) == {"loss", "true_positives", "false_negatives", "precision_at_recall", "binary_io_u",
                                 "mape", "msle", "logcosh", "kld", "poisson", "hinge"}
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    p = _num(model.predict(x, verbose=0))
    tp = float(((p > 0.5) & (y > 0)).sum())
    assert logs["true_positives"] == pytest.approx(tp)
    assert logs["false_negatives"] == pytest.approx(float(((p <= 0.5) & (y > 0)).sum()))
    assert logs["mape"] == pytest.approx(float(np.mean(100 * np.abs(y - p) / np.maximum(np.abs(y), 1e-7))), rel=1e-4)
