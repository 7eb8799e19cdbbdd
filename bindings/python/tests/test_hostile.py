"""Regression tests of the reliability issue on the Python side: hostile arguments and files give
a Python exception (or the documented result), never a dead interpreter; Ctrl-C stops fit.
The long campaigns are Tests/fuzz (make fuzz)."""
import io
import json
import os
import signal
import struct
import subprocess
import sys
import threading

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
import swiftkeras.keras.backend as K

HERE = os.path.dirname(os.path.abspath(__file__))


def _run_isolated(code):
    """Runs `code` in a child interpreter (a crash there fails the test instead of pytest)."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


# -- 1: allocations sized by user input are checked -------------------------------------------
def test_auc_with_absurd_num_thresholds_is_a_memory_error():
    r = _run_isolated("from swiftkeras import keras\n"
                      "for n in (2**40, 2**62):\n"
                      "    try:\n"
                      "        keras.metrics.AUC(num_thresholds=n)\n"
                      "    except MemoryError as e:\n"
                      "        print('MemoryError', 'AUC' in str(e))\n")
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["MemoryError", "True", "MemoryError", "True"]


# -- 2: indexing with more new axes than the binding's arrays hold ------------------------------
def test_indexing_with_129_new_axes_is_an_index_error():
    t = K.constant([1.0, 2.0])
    for n in (64, 129, 300):
        with pytest.raises(IndexError, match="too many dimensions"):
            t[(None,) * n]
    assert t[(None,) * 63].shape == (1,) * 63 + (2,)   # 64 axes in all is fine


# -- 3: a list mutated while it is converted ---------------------------------------------------
class _Mutator:
    """An int (or float) whose conversion mutates `victim`."""
    def __init__(self, victim, how):
        self.victim, self.how = victim, how

    def _mutate(self):
        if self.how == "clear":
            self.victim.clear()
        elif self.how == "grow":
            self.victim.extend([1] * 100)
        elif self.how == "nest":
            self.victim[-1] = [[1, 2], [3]]   # an item not converted yet becomes a list
        return 1

    def __index__(self):
        return self._mutate()


class _FloatMutator(_Mutator):
    __index__ = None

    def __float__(self):
        return float(self._mutate())


@pytest.mark.parametrize("how", ["clear", "grow", "nest"])
@pytest.mark.parametrize("cls", [_Mutator, _FloatMutator])
@pytest.mark.parametrize("nested", [False, True])
def test_list_mutated_during_conversion_is_a_value_error(how, cls, nested):
    inner = [1.0, 2.0, None, 4.0]
    inner[2] = cls(inner, how)
    data = [inner, [5.0, 6.0, 7.0, 8.0]] if nested else inner
    with pytest.raises(ValueError, match="changed while it was converted"):
        K.constant(data)


def test_shape_list_mutated_during_conversion_is_a_value_error():
    from swiftkeras import _native
    shape = [3, None, 1]
    shape[1] = _Mutator(shape, "clear")   # the binding's int-list converter reads it
    with pytest.raises(ValueError, match="changed while it was converted"):
        _native.reshape(K.ones((2, 3)), shape)


# -- 4: printing empty tensors with huge dimensions ----------------------------------------------
@pytest.mark.parametrize("shape", [(0, 2 ** 62, 2 ** 62), (2 ** 31, 2 ** 31, 0)])
def test_empty_tensor_with_huge_dims_prints_at_once(shape):
    t = K.zeros(shape)
    assert t.shape == shape
    assert "[]" in repr(t)


# -- 8: loading validates as creating does -----------------------------------------------------
def _rewrite_metadata(path, key, edit):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    cfg = json.loads(header["__metadata__"][key])
    edit(cfg)
    header["__metadata__"][key] = json.dumps(cfg)
    h = json.dumps(header).encode()
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + data[8 + n:])


def _saved_model(tmp_path):
    m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    m.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=[keras.metrics.AUC(num_thresholds=5)])
    path = str(tmp_path / "m.safetensors")
    m.save(path)
    return path


def _compile_key(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return next(k for k in json.loads(data[8:8 + n])["__metadata__"] if "compile" in k)


def test_load_model_refuses_what_the_constructors_refuse(tmp_path):
    path = _saved_model(tmp_path)
    key = _compile_key(path)
    _rewrite_metadata(path, key, lambda c: c["optimizer"]["config"].__setitem__("learning_rate", -1))
    with pytest.raises(ValueError, match="learning_rate"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="learning_rate"):
        keras.optimizers.SGD(learning_rate=-1)


def test_load_model_with_absurd_auc_is_a_memory_error(tmp_path):
    path = _saved_model(tmp_path)
    key = _compile_key(path)

    def absurd(c):
        for m in c["metrics"]:
            if isinstance(m, dict) and m.get("class_name") == "AUC":
                m["config"]["num_thresholds"] = 2 ** 40
    _rewrite_metadata(path, key, absurd)
    r = _run_isolated(f"from swiftkeras import keras\n"
                      f"try:\n    keras.models.load_model({path!r})\n"
                      f"except MemoryError:\n    print('MemoryError')\n")
    assert r.returncode == 0 and r.stdout.strip() == "MemoryError", r.stderr[-2000:]


# -- 10: argument contracts -------------------------------------------------------------------
def test_batch_size_zero_or_fractional_is_refused():
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    m.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    with pytest.raises(ValueError, match="batch_size"):
        m.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(TypeError):
        m.fit(x, y, batch_size=2.5, verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        m.predict(x, batch_size=0)
    with pytest.raises(ValueError, match="batch_size"):
        m.evaluate(x, y, batch_size=0, verbose=0)


def test_nan_learning_rate_names_the_argument():
    with pytest.raises(ValueError, match="learning_rate") as e:
        keras.optimizers.Adam(learning_rate=float("nan"))
    assert "JSON" not in str(e.value)


# -- 11: Ctrl-C during fit ---------------------------------------------------------------------
def _model_and_data():
    m = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    rng = np.random.RandomState(0)
    return m, rng.randn(64, 4).astype("float32"), rng.randn(64, 1).astype("float32")


class _InterruptingTTY(io.StringIO):
    """A terminal on which the user presses Ctrl-C while the live progress bar is drawn."""
    def __init__(self):
        super().__init__()
        self.live_writes = 0

    def isatty(self):
        return True

    def write(self, s):
        if s.startswith("\r") and "\x1b[K" in s and not s.endswith("\n"):
            self.live_writes += 1
            if self.live_writes == 2:
                signal.raise_signal(signal.SIGINT)
        return super().write(s)


def test_ctrl_c_while_the_live_bar_is_drawn_stops_fit(monkeypatch):
    m, x, y = _model_and_data()
    out = _InterruptingTTY()
    monkeypatch.setattr(sys, "stdout", out)
    with pytest.raises(KeyboardInterrupt):
        m.fit(x, y, batch_size=1, epochs=50, verbose=1)
    monkeypatch.undo()
    assert "Exception ignored" not in out.getvalue()
    assert out.getvalue().count("Epoch ") < 50           # stopped, not run to the end
    # the model is usable afterwards
    assert m.predict(x[:2], verbose=0).shape == (2, 1)
    h = m.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2


def test_ctrl_c_during_silent_fit_stops_it():
    m, x, y = _model_and_data()
    epochs = []

    class Count(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            epochs.append(epoch)
            if epoch == 2:
                # delivered while the core trains the next epoch, outside any Python code
                threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        m.fit(x, y, batch_size=1, epochs=2000, verbose=0, callbacks=[Count()])
    assert len(epochs) < 2000
    assert m.predict(x[:2], verbose=0).shape == (2, 1)


# -- file-writing callbacks never block ------------------------------------------------------
def test_csv_logger_on_a_fifo_nobody_reads_raises_instead_of_blocking(tmp_path):
    fifo = str(tmp_path / "log.csv")
    os.mkfifo(fifo)
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 3), np.float32)
    y = np.zeros((4, 1), np.float32)
    for append in (False, True):
        with pytest.raises(OSError, match="no process is reading"):
            model.fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.CSVLogger(fifo, append=append)])
    assert os.path.exists(fifo) and not os.path.isfile(fifo)   # still the FIFO


# -- crashes found by the full fuzz campaign (session 5) -------------------------------------
def test_dataset_range_and_timeseries_with_extreme_arguments_do_not_kill_the_interpreter():
    r = _run_isolated(
        "import numpy as np, swiftkeras as tf\n"
        "from swiftkeras import keras\n"
        "print(int(tf.data.Dataset.range(0, -2**63, -2**63).cardinality()))\n"
        "try:\n"
        "    tf.data.Dataset.range(0, -2**63, -1)\n"
        "except ValueError as e:\n"
        "    print('ValueError', 'elements' in str(e))\n"
        "d = keras.utils.timeseries_dataset_from_array(np.arange(10.), None, sequence_length=2**62, batch_size=4)\n"
        "print(int(d.cardinality()))\n"
        "print(int(tf.data.Dataset.range(10).batch(2**63 - 1).cardinality()))\n")
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["1", "ValueError", "True", "0", "1"]
