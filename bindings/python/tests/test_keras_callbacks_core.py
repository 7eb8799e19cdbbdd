"""keras.callbacks as wrappers over the core's callback objects, against tf-keras 2 behaviour.

Oracles: tf_keras/callbacks_test.py (EarlyStopping patience / baseline / restore_best_weights,
ReduceLROnPlateau patience), the LearningRateScheduler docstring example, Python's csv module
writing the same logs (CSVLogger's file), Python's str.format (checkpoint names). The monitored
values are scripted by a Python callback placed before the core one (its logs reach the core)."""
import csv
import io
import math
import os

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import callbacks, layers, optimizers


def _linear(lr=0.01):
    m = keras.Sequential([layers.Dense(1, use_bias=False, kernel_initializer="zeros", input_shape=(1,))])
    m.compile(optimizer=optimizers.SGD(learning_rate=lr), loss="mse")
    return m


X = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")


def _script(values, key="score"):
    """A callback logging values[epoch] under key at each epoch end (before the later callbacks)."""
    def put(epoch, logs):
        if epoch < len(values):
            logs[key] = values[epoch]
    return callbacks.LambdaCallback(on_epoch_end=put)


def _run(cb, values, key="score"):
    m = _linear()
    h = m.fit(X, X, batch_size=4, epochs=len(values), verbose=0, shuffle=False, callbacks=[_script(values, key), cb])
    return m, h


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_patience(patience):
    # tf-keras test_EarlyStopping_patience: stopped_epoch == max(patience, 1) + 2
    es = callbacks.EarlyStopping(monitor="score", patience=patience)
    _, h = _run(es, [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5])
    assert es.stopped_epoch == max(patience, 1) + 2
    assert h.epoch == list(range(max(patience, 1) + 3))


def test_early_stopping_baseline_is_honoured():
    # a baseline never beaten stops after `patience` epochs (the old Python callback ignored it)
    es = callbacks.EarlyStopping(monitor="score", patience=2, baseline=0.5)
    _, h = _run(es, [0.9] * 6)
    assert h.epoch == [0, 1] and es.stopped_epoch == 1
    plain = callbacks.EarlyStopping(monitor="score", patience=2)
    _, h = _run(plain, [0.9] * 6)
    assert h.epoch == [0, 1, 2]
    # tf-keras test_EarlyStopping_with_baseline: "acc" never reaching 0.6 with patience 0 -> 2 epochs
    _, h = _run(callbacks.EarlyStopping(monitor="acc", baseline=0.6), [0.5] * 20, key="acc")
    assert len(h.epoch) == 2


def test_early_stopping_start_from_epoch():
    es = callbacks.EarlyStopping(monitor="score", patience=1, start_from_epoch=2)
    _, h = _run(es, [1, 2, 3, 3, 3, 3, 3])
    assert h.epoch == [0, 1, 2, 3] and es.stopped_epoch == 3


def test_early_stopping_restores_the_best_weights():
    # tf-keras test_EarlyStopping_final_weights_when_restoring_model_weights
    snaps = []
    m = _linear()
    snap = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snaps.append(m.get_weights()[0].copy()))
    es = callbacks.EarlyStopping(monitor="score", patience=2, restore_best_weights=True)
    h = m.fit(X, X, batch_size=4, epochs=10, verbose=0, callbacks=[_script([0.2, 0.15, 0.1, 0.11, 0.12]), snap, es])
    assert h.epoch == [0, 1, 2, 3, 4] and es.best_epoch == 2 and es.best == 0.1
    np.testing.assert_array_equal(m.get_weights()[0], snaps[2])
    assert not np.array_equal(snaps[2], snaps[4])
    # no epoch beats the baseline: 5 epochs, the best of them (epoch 2) restored
    snaps.clear()
    m2 = _linear()
    snap2 = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snaps.append(m2.get_weights()[0].copy()))
    es2 = callbacks.EarlyStopping(monitor="score", patience=5, baseline=0.5, restore_best_weights=True)
    h2 = m2.fit(X, X, batch_size=4, epochs=10, verbose=0,
                callbacks=[_script([0.9, 0.8, 0.7, 0.71, 0.72, 0.73]), snap2, es2])
    assert len(h2.epoch) == 5
    np.testing.assert_array_equal(m2.get_weights()[0], snaps[2])


def test_auto_mode_is_one_rule():
    # "auto" resolves alike for the three monitor callbacks: max (best starts at -inf) for
    # accuracies and AUCs, min (+inf) otherwise; tf-keras' ReduceLROnPlateau said min for "val_auc"
    for name, up in [("val_accuracy", True), ("acc", True), ("val_auc", True), ("categorical_accuracy", True),
                     ("loss", False), ("val_loss", False), ("mae", False)]:
        want = -math.inf if up else math.inf
        assert callbacks.EarlyStopping(monitor=name).best == want, name
        assert callbacks.ModelCheckpoint("m.h5", monitor=name).best == want, name
        assert callbacks.ReduceLROnPlateau(monitor=name).best == want, name
    with pytest.raises(ValueError, match="mode must be one of 'auto', 'min', 'max'"):
        callbacks.EarlyStopping(mode="up")


def test_reduce_lr_on_plateau_patience():
    # tf-keras test_ReduceLROnPlateau_patience: the rate stays 1.0 except after the last epoch
    m = _linear(lr=1.0)
    rl = callbacks.ReduceLROnPlateau(monitor="score", patience=2)
    lrs = []
    rec = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: lrs.append(m.optimizer.learning_rate))
    h = m.fit(X, X, batch_size=4, epochs=3, verbose=0, callbacks=[_script([0.0860, 0.1096, 0.1040]), rl, rec])
    assert lrs[:-1] == [1.0, 1.0] and lrs[-1] == pytest.approx(0.1)
    assert h.history["learning_rate"] == [1.0, 1.0, 1.0]    # logged before the reduction


def test_csv_logger_matches_pythons_csv_module(tmp_path):
    path = tmp_path / "log.csv"
    m = _linear()
    h = m.fit(X, X, batch_size=2, epochs=3, verbose=0,
              callbacks=[_script([0.5, 1e-7, 3.0]), callbacks.CSVLogger(str(path))])
    # Keras writes with csv.DictWriter (excel dialect), "NA" for the val_ columns it adds
    want = io.StringIO(newline="")
    keys = ["loss", "score", "val_loss", "val_score"]
    w = csv.DictWriter(want, fieldnames=["epoch"] + keys)
    w.writeheader()
    for e in range(3):
        w.writerow({"epoch": e, **{k: h.history[k][e] if k in h.history else "NA" for k in keys}})
    assert path.read_bytes().decode() == want.getvalue()
    # separator and append: no second header
    m.fit(X, X, batch_size=4, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), separator=";", append=True)])
    lines = path.read_bytes().decode().split("\r\n")
    assert len(lines) == 6 and lines[4].startswith("0;") and lines[4].count(";") == 2


def test_model_checkpoint_python_format_names(tmp_path):
    ck = callbacks.ModelCheckpoint(str(tmp_path / "sub" / "{epoch:03d}_{score:.3e}_{score:>7.2%}.h5"),
                                   monitor="score", mode="max", save_best_only=True)
    _run(ck, [0.5, 0.25, 0.75])
    names = sorted(os.listdir(tmp_path / "sub"))
    want = sorted("{epoch:03d}_{score:.3e}_{score:>7.2%}.h5".format(epoch=e + 1, score=s)
                  for e, s in [(0, 0.5), (2, 0.75)])
    assert names == want
    assert ck.best == 0.75


def test_learning_rate_scheduler():
    # tf-keras' docstring: lr kept for 10 epochs, then times exp(-0.1): 0.01 -> 0.00607 after 15
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    m = _linear(lr=0.01)
    h = m.fit(X, X, batch_size=4, epochs=15, verbose=0, callbacks=[callbacks.LearningRateScheduler(scheduler)])
    assert round(m.optimizer.learning_rate, 5) == 0.00607
    np.testing.assert_allclose(h.history["learning_rate"], [0.01 * math.exp(-0.1 * max(0, e - 9)) for e in range(15)],
                               rtol=1e-12)


def test_learning_rate_scheduler_one_argument_and_verbose(capsys):
    m = _linear(lr=0.5)
    m.fit(X, X, batch_size=4, epochs=2, verbose=0,
          callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1), verbose=1)])
    out = capsys.readouterr().out.splitlines()
    assert out == ["Epoch 1: LearningRateScheduler setting learning rate to 0.1.",
                   "Epoch 2: LearningRateScheduler setting learning rate to 0.05."]
    assert m.optimizer.learning_rate == pytest.approx(0.05)

    def boom(epoch, lr):
        raise ArithmeticError("no rate")

    with pytest.raises(ArithmeticError, match="no rate"):
        m.fit(X, X, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(boom)])


def test_history_is_the_cores_and_callbacks_see_params_and_validation():
    class Rec(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.tests = 0

        def on_test_begin(self, logs=None):
            self.tests += 1

        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 2.0 * epoch
            if epoch == 3:
                self.model.stop_training = True

    m = _linear()
    rec = Rec()
    h = m.fit(X, X, batch_size=2, epochs=10, initial_epoch=1, verbose=0, validation_data=(X, X), callbacks=[rec])
    assert isinstance(h, callbacks.History) and h.model is m and m.history is h
    assert h.epoch == [1, 2, 3]
    assert h.params == {"verbose": 0, "epochs": 10, "steps": 2} and rec.params == h.params
    assert h.history["extra"] == [2.0, 4.0, 6.0]
    assert sorted(h.history) == ["extra", "loss", "val_loss"]
    assert rec.tests == 3    # validation runs the test hooks
    # a History passed in is the one filled and returned
    mine = callbacks.History()
    assert m.fit(X, X, epochs=2, verbose=0, callbacks=[mine]) is mine and mine.epoch == [0, 1]


def test_config_errors_come_from_the_core():
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        callbacks.ModelCheckpoint("m.h5", save_freq="often")
    with pytest.raises(ValueError, match="1-character"):
        callbacks.CSVLogger("x.csv", separator="::")


def test_a_subclass_of_a_builtin_runs_its_hooks_after_the_core():
    seen = []

    class Loud(callbacks.EarlyStopping):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, self.wait))

    es = Loud(monitor="score", patience=1)
    _, h = _run(es, [1.0, 2.0, 3.0])
    assert h.epoch == [0, 1] and seen == [(0, 0), (1, 1)]
