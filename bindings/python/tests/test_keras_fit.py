"""fit / evaluate / train_on_batch / test_on_batch with every argument, and the callbacks.

Oracles: evaluate on the validation data, equivalent runs from the same initial weights
(sample weights vs a subset, class weights vs sample weights), scripted monitored values for
ModelCheckpoint / ReduceLROnPlateau, files written and read back."""
import csv
import math
import os

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import callbacks, layers, optimizers

N = 64


def _data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x[:, 0] - 0.5 * x[:, 1] > 0).astype("int32")
    return x, y


def _model(like=None, optimizer=None, lr=0.1):
    m = keras.Sequential([layers.Dense(8, activation="tanh", input_shape=(3,)), layers.Dense(2, activation="softmax")])
    m.compile(optimizer=optimizer if optimizer is not None else optimizers.SGD(learning_rate=lr),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    if like is not None:
        m.set_weights(like.get_weights())
    return m


def _weights(m):
    return np.concatenate([w.ravel() for w in m.get_weights()])


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append(("train_begin",))

    def on_train_end(self, logs=None):
        self.events.append(("train_end", sorted(logs)))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, sorted(logs)))

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(("batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch_end", batch, sorted(logs)))


# -- validation, sample and class weights ----------------------------------------------------

def test_validation_data_equals_evaluate():
    x, y = _data()
    vx, vy = _data(20, seed=1)
    m = _model()
    h = m.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_data=(vx, vy), seed=1)
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    r = m.evaluate(vx, vy, batch_size=16, verbose=0, return_dict=True)
    assert h.history["val_loss"][-1] == pytest.approx(r["loss"], abs=1e-6)
    assert h.history["val_accuracy"][-1] == pytest.approx(r["accuracy"], abs=1e-6)
    # (x, y, sample_weight): the weighted evaluate
    vw = (np.arange(20) % 3).astype("float32")
    h = m.fit(x, y, batch_size=16, epochs=1, verbose=0, validation_data=(vx, vy, vw), seed=2)
    rw = m.evaluate(vx, vy, batch_size=16, verbose=0, sample_weight=vw, return_dict=True)
    assert h.history["val_loss"][-1] == pytest.approx(rw["loss"], abs=1e-6)
    assert rw["loss"] != pytest.approx(m.evaluate(vx, vy, batch_size=16, verbose=0)[0], abs=1e-4)
    # validation_data overrides validation_split
    h = m.fit(x, y, batch_size=16, epochs=1, verbose=0, validation_data=(vx, vy), validation_split=0.5)
    assert len(h.history["val_loss"]) == 1


def test_sample_weight_zero_equals_training_on_the_rest():
    x, y = _data()
    base = _model()
    a, b = _model(base), _model(base)
    w = np.where(np.arange(N) < N // 2, 2.0, 0.0).astype("float32")
    ha = a.fit(x, y, batch_size=N, epochs=6, shuffle=False, verbose=0, sample_weight=w)
    hb = b.fit(x[:N // 2], y[:N // 2], batch_size=N // 2, epochs=6, shuffle=False, verbose=0)
    np.testing.assert_allclose(_weights(a), _weights(b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-5)
    assert not np.allclose(_weights(a), _weights(base))
    # evaluate(sample_weight=) of the same weights: the loss of the kept half; the plain metric
    # (compile(metrics=...)) sees no sample weights in tf.keras 2, so it is the metric over all N
    ea = a.evaluate(x, y, batch_size=N, verbose=0, sample_weight=w)
    eb = a.evaluate(x[:N // 2], y[:N // 2], batch_size=N, verbose=0)
    np.testing.assert_allclose(ea[0], eb[0], atol=1e-6)
    np.testing.assert_allclose(ea[1], a.evaluate(x, y, batch_size=N, verbose=0)[1], atol=1e-6)


def test_class_weight_equals_sample_weight():
    x, y = _data()
    base = _model()
    a, b, c = _model(base), _model(base), _model(base)
    a.fit(x, y, batch_size=10, epochs=2, verbose=0, seed=3, class_weight={0: 0.5, 1: 3.0})
    b.fit(x, y, batch_size=10, epochs=2, verbose=0, seed=3, sample_weight=np.where(y == 1, 3.0, 0.5).astype("float32"))
    assert np.array_equal(_weights(a), _weights(b))
    # multiplied with sample_weight (tf.keras)
    c.fit(x, y, batch_size=10, epochs=2, verbose=0, seed=3, class_weight={0: 1.0, 1: 6.0},
          sample_weight=np.full(N, 0.5, "float32"))
    np.testing.assert_allclose(_weights(c), _weights(b), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="is not a class of `class_weight`"):
        _model().fit(x, y, verbose=0, class_weight={0: 1.0})
    with pytest.raises(ValueError, match="keys from 0 to one less than the number of classes"):
        _model().fit(x, y, verbose=0, class_weight={0: 1.0, 2: 1.0})
    with pytest.raises(TypeError, match="class_weight must be a dict"):
        _model().fit(x, y, verbose=0, class_weight=[1.0, 2.0])


def test_fit_argument_errors():
    x, y = _data()
    m = _model()
    with pytest.raises(ValueError, match="cardinality"):
        m.fit(x, y, verbose=0, sample_weight=np.ones(5, "float32"))
    with pytest.raises(ValueError, match="validation_data"):
        m.fit(x, y, verbose=0, validation_data=(x,))
    with pytest.raises(ValueError, match="cardinality"):
        m.fit(x, y, verbose=0, validation_data=(x, y[:10]))
    # steps_per_epoch with arrays (issue 11): tf.keras 2 repeats the arrays `epochs` times and
    # takes the steps from that stream: 2 batches of 32 per pass, 3 steps x 2 epochs = 6 > 4
    # batches: epoch 1 takes 3, epoch 2 one, then the input runs out (Keras' warning).
    h = m.fit(x, y, verbose=0, epochs=2, steps_per_epoch=3)
    assert len(h.history["loss"]) == 2
    with pytest.raises(ValueError, match="batch_size"):
        m.fit(x, y, verbose=0, batch_size=-1)


# -- callbacks -------------------------------------------------------------------------------

def test_hook_order_batches_and_initial_epoch():
    x, y = _data()
    rec = Recorder()
    h = _model().fit(x, y, batch_size=16, epochs=4, initial_epoch=2, verbose=0, callbacks=[rec])
    assert h.epoch == [2, 3]
    ev = rec.events
    assert ev[0] == ("train_begin",) and ev[-1][0] == "train_end"
    assert ev[-1][1] == ["accuracy", "loss"]
    per_epoch = [("epoch_begin", 2)]
    for b in range(4):
        per_epoch += [("batch_begin", b), ("batch_end", b, ["accuracy", "loss"])]
    assert ev[1:1 + len(per_epoch)] == per_epoch
    assert ev[1 + len(per_epoch)] == ("epoch_end", 2, ["accuracy", "loss"])
    assert sum(1 for e in ev if e[0] == "batch_end") == 8
    assert rec.params == {"verbose": 0, "epochs": 4, "steps": 4}


def test_batch_hooks_only_when_overridden():
    class OnlyBatchEnd(callbacks.Callback):   # the on_batch_end alias counts
        def __init__(self):
            super().__init__()
            self.n = 0

        def on_batch_end(self, batch, logs=None):
            self.n += 1

    def wants(cbs):   # (any batch-begin hook, any batch-end hook), as Keras' CallbackList asks
        hooks = [cb._implements_train_batch_hooks() for cb in cbs]
        return any(b for b, _ in hooks), any(e for _, e in hooks)

    assert wants([callbacks.EarlyStopping(), callbacks.ModelCheckpoint("m.h5"), callbacks.CSVLogger("x.csv"),
                  callbacks.ReduceLROnPlateau(), callbacks.History()]) == (False, False)
    cb = OnlyBatchEnd()
    assert wants([cb]) == (False, True)
    assert wants([callbacks.TerminateOnNaN()])[1]
    assert wants([callbacks.LambdaCallback(on_train_batch_begin=lambda b, l: None)])[0]
    assert wants([callbacks.ModelCheckpoint("m.h5", save_freq=3)])[1]
    x, y = _data()
    _model().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[cb])
    assert cb.n == 8


def test_stop_training_from_a_batch_hook():
    x, y = _data()
    seen = []

    def stop(batch, logs):
        seen.append(batch)
        if batch == 2:
            m.stop_training = True

    m = _model()
    h = m.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[callbacks.LambdaCallback(on_train_batch_end=stop)])
    assert seen == [0, 1, 2] and h.epoch == [0]


class Boom(Exception):
    pass


@pytest.mark.parametrize("hook", ["on_epoch_begin", "on_train_batch_end", "on_train_batch_begin", "on_epoch_end"])
def test_failing_python_callback_raises_the_original_exception(hook):
    x, y = _data()
    err = Boom("the widget is broken")

    def fail(*args):
        raise err

    cb = callbacks.LambdaCallback(**{hook: fail})
    with pytest.raises(Boom) as info:
        _model().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[cb])
    assert info.value is err


def test_model_checkpoint_best_only_and_loadable(tmp_path):
    x, y = _data()
    vx, vy = _data(16, seed=5)
    scripted = [1.0, 0.5, 0.7, 0.3, 0.3]
    snapshots = {}
    m = _model()

    def script(epoch, logs):   # runs before the checkpoint: it sees these values
        logs["val_loss"] = scripted[epoch]

    def snap(epoch, logs):
        snapshots[epoch] = m.get_weights()

    path = str(tmp_path / "w.{epoch:02d}-{val_loss:.2f}.h5")
    ck = callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True, save_weights_only=True)
    m.fit(x, y, batch_size=16, epochs=5, verbose=0, validation_data=(vx, vy),
          callbacks=[callbacks.LambdaCallback(on_epoch_end=script), ck, callbacks.LambdaCallback(on_epoch_end=snap)])
    assert sorted(os.listdir(tmp_path)) == ["w.01-1.00.h5", "w.02-0.50.h5", "w.04-0.30.h5"]
    assert ck.best == 0.3
    fresh = _model()
    fresh.load_weights(str(tmp_path / "w.04-0.30.h5"))
    for a, b in zip(fresh.get_weights(), snapshots[3]):
        np.testing.assert_array_equal(a, b)
    # every epoch, whole model, mode max on accuracy, verbose message
    full = str(tmp_path / "m{epoch}.h5")
    m.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[callbacks.ModelCheckpoint(full)])
    loaded = keras.models.load_model(str(tmp_path / "m2.h5"))
    np.testing.assert_allclose(np.asarray(loaded.predict(x)), np.asarray(m.predict(x)), rtol=1e-6)
    # per-batch saving with {batch}
    m.fit(x, y, batch_size=16, epochs=1, verbose=0,
          callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "b{epoch}-{batch}"), save_weights_only=True,
                                               save_freq=2)])
    assert {"b1-2", "b1-4"} <= set(os.listdir(tmp_path))
    # tf.keras 2 takes any path (Keras 3's suffix rule is not tf.keras 2's); weights alone to .keras are refused
    assert callbacks.ModelCheckpoint(str(tmp_path / "w.h5"), save_weights_only=True).save_weights_only
    assert callbacks.ModelCheckpoint(str(tmp_path / "w.ckpt")).filepath.endswith("w.ckpt")
    assert callbacks.ModelCheckpoint(str(tmp_path / "w.keras")).filepath.endswith("w.keras")
    assert callbacks.ModelCheckpoint(str(tmp_path / "w.weights.h5"), save_weights_only=True).save_weights_only
    with pytest.raises(NotImplementedError, match=r"w\.keras': weights alone are not written to a '\.keras' path"):
        callbacks.ModelCheckpoint(str(tmp_path / "w.keras"), save_weights_only=True)
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        m.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "{nope}.h5"))])


@pytest.mark.parametrize("opt", ["sgd", "object"])
def test_reduce_lr_on_plateau_after_patience_flat_epochs(opt):
    x, y = _data()
    m = _model(optimizer="sgd" if opt == "sgd" else optimizers.SGD(learning_rate=0.1))
    lr0 = 0.01 if opt == "sgd" else 0.1
    flat = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: logs.__setitem__("val_loss", 1.0))
    rl = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    h = m.fit(x, y, epochs=6, verbose=0, callbacks=[flat, rl])
    # logged before the reduction of that epoch: reductions after epochs 2 and 4
    np.testing.assert_allclose(h.history["learning_rate"], [lr0, lr0, lr0, lr0 / 2, lr0 / 2, lr0 / 4], rtol=1e-6)
    from swiftkeras import _native
    assert _native.optimizer_learning_rate(_native.model_optimizer(m._model)) == pytest.approx(lr0 / 4)
    if opt == "object":
        assert m.optimizer.learning_rate == pytest.approx(lr0 / 4)
    # min_lr bounds the rate; cooldown waits
    m2 = _model(lr=0.1)
    rl2 = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=2, min_lr=0.03)
    h2 = m2.fit(x, y, epochs=7, verbose=0, callbacks=[flat, rl2])
    # Keras: e0 best; e1 reduce → .05, cooldown 2; e2 cooldown 2 → 1; e3 cooldown 1 → 0 and, no longer
    # in cooldown, a flat epoch counts: reduce → max(.025, .03) = .03; later epochs: lr > min_lr fails
    np.testing.assert_allclose(h2.history["learning_rate"], [0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03], rtol=1e-6)
    assert m2.optimizer.learning_rate == pytest.approx(0.03)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        callbacks.ReduceLROnPlateau(factor=1.0)


def test_terminate_on_nan(capsys):
    x, y = _data()
    x = x.copy()
    x[40, 0] = np.nan          # batch 2 of 16 samples
    rec = Recorder()
    h = _model().fit(x, y, batch_size=16, epochs=5, shuffle=False, verbose=0, callbacks=[callbacks.TerminateOnNaN(), rec])
    assert h.epoch == [0]
    assert [e[1] for e in rec.events if e[0] == "batch_end"] == [0, 1, 2]
    assert math.isnan(h.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    m = _model()
    h = m.fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[callbacks.CSVLogger(str(path))])
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    np.testing.assert_allclose([float(r[2]) for r in rows[1:]], h.history["loss"], rtol=1e-12)
    m.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), append=True)])
    rows = list(csv.reader(open(path)))
    assert len(rows) == 5 and rows[4][0] == "0"


def test_verbose_levels(capsys):
    x, y = _data()
    m = _model()
    m.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    m.fit(x, y, epochs=2, verbose=2, callbacks=[callbacks.ProgbarLogger()])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2" and out[1].startswith("2/2 - ") and "[" not in out[1] and " - loss: " in out[1]
    assert "s/epoch - " in out[1] and out[1].endswith("/step")   # tf.keras 2's verbose 2 line
    m.fit(x, y, epochs=1, verbose=1)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("2/2 [==============================] - ")


# -- single batches ----------------------------------------------------------------------------

def test_train_and_test_on_batch():
    x, y = _data()
    m = _model(lr=0.5)
    losses = [m.train_on_batch(x, y)[0] for _ in range(30)]
    assert losses[-1] < 0.7 * losses[0]
    d = m.train_on_batch(x, y, return_dict=True)
    assert list(d) == ["loss", "accuracy"]
    t = m.test_on_batch(x, y, return_dict=True)
    e = m.evaluate(x, y, batch_size=N, verbose=0, return_dict=True)
    assert t["loss"] == pytest.approx(e["loss"], abs=1e-6) and t["accuracy"] == pytest.approx(e["accuracy"], abs=1e-6)
    w = np.where(np.arange(N) < N // 2, 2.0, 0.0).astype("float32")
    np.testing.assert_allclose(m.test_on_batch(x, y, sample_weight=w), m.test_on_batch(x[:N // 2], y[:N // 2]), atol=1e-6)
    before = _weights(m)
    m.test_on_batch(x, y)
    assert np.array_equal(before, _weights(m))
    m.train_on_batch(x, y, sample_weight=w)
    assert not np.array_equal(before, _weights(m))
    # a model with only a loss gives a scalar
    s = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    s.compile("sgd", "mse")
    assert isinstance(s.train_on_batch(x, y.astype("float32")), float)
    with pytest.raises(ValueError, match="cardinality"):
        m.train_on_batch(x, y, sample_weight=np.ones(3, "float32"))
    with pytest.raises(ValueError, match="cardinality"):
        m.test_on_batch(x, y[:5])
    with pytest.raises(NotImplementedError):
        m.train_on_batch(x, y, class_weight={0: 1.0, 1: 1.0})
    u = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        u.train_on_batch(x, y)


def test_evaluate_callbacks_and_weights():
    x, y = _data()
    m = _model()
    seen = []
    cb = callbacks.LambdaCallback(on_test_begin=lambda logs: seen.append("begin"),
                                  on_test_end=lambda logs: seen.append(sorted(logs)))
    m.evaluate(x, y, verbose=0, callbacks=[cb])
    assert seen == ["begin", ["accuracy", "loss"]]
    with pytest.raises(ValueError, match="cardinality"):
        m.evaluate(x, y, verbose=0, sample_weight=np.ones(2, "float32"))
