"""keras.callbacks.TensorBoard, BackupAndRestore and RemoteMonitor (issue 12, point 7).

TensorBoard's event files are read back with the ``tensorboard`` package (skipped when it is not
installed): its reader checks the TFRecord framing and CRC32C checksums and parses the Event
protos. The expected layout — ``train/`` with ``epoch_<name>`` at steps 0..n-1, ``validation/``
with ``evaluation_<name>_vs_iterations`` at the optimizer's step count then ``epoch_<name>`` — is
what tf.keras 2.21 wrote for the same fit (recorded in the reference venv: 40 samples,
validation_split=0.25, batch 10, 3 epochs: evaluation steps 3, 6, 9). BackupAndRestore is
checked against an uninterrupted run: a fit killed by an error after epoch 2 and run again
resumes at epoch 3 and ends with the same weights."""
import os

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import callbacks, layers, optimizers


def _data():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(40, 3)).astype("float32")
    return x, x.sum(1, keepdims=True)


def _model(seed=1):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    m.compile(optimizer=optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    return m


def _scalars(run_dir):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    acc = ea.EventAccumulator(str(run_dir))
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def test_tensorboard_epoch_and_evaluation_scalars(tmp_path):
    pytest.importorskip("tensorboard")
    x, y = _data()
    hist = _model().fit(x, y, epochs=3, batch_size=10, validation_split=0.25, verbose=0, shuffle=False,
                        callbacks=[callbacks.TensorBoard(log_dir=tmp_path)])
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    for d in ("train", "validation"):
        (name,) = os.listdir(tmp_path / d)
        assert name.startswith("events.out.tfevents.") and name.endswith(".v2")
    train = _scalars(tmp_path / "train")
    assert set(train) == {"epoch_loss", "epoch_mae"}
    for key in ("loss", "mae"):
        steps, values = zip(*train["epoch_" + key])
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, hist.history[key], rtol=1e-6)
    val = _scalars(tmp_path / "validation")
    assert set(val) == {"epoch_loss", "epoch_mae", "evaluation_loss_vs_iterations", "evaluation_mae_vs_iterations"}
    for key in ("loss", "mae"):
        steps, values = zip(*val["epoch_" + key])
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, hist.history["val_" + key], rtol=1e-6)
        steps, values = zip(*val[f"evaluation_{key}_vs_iterations"])
        assert steps == (3, 6, 9)
        np.testing.assert_allclose(values, hist.history["val_" + key], rtol=1e-6)


def test_tensorboard_batch_scalars_every_update_freq_steps(tmp_path):
    pytest.importorskip("tensorboard")
    x, y = _data()
    seen = []
    record = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(dict(logs)))
    _model().fit(x, y, epochs=2, batch_size=10, verbose=0, shuffle=False,
                 callbacks=[record, callbacks.TensorBoard(log_dir=tmp_path, update_freq=3)])
    train = _scalars(tmp_path / "train")
    assert set(train) == {"epoch_loss", "epoch_mae", "batch_loss", "batch_mae"}
    # 4 steps per epoch, 8 in all: written after steps 3 and 6 (the optimizer's count)
    steps, values = zip(*train["batch_loss"])
    assert steps == (3, 6)
    np.testing.assert_allclose(values, [seen[2]["loss"], seen[5]["loss"]], rtol=1e-6)
    assert not (tmp_path / "validation").exists()


def test_tensorboard_arguments():
    tb = callbacks.TensorBoard(log_dir="runs/x", update_freq="batch", write_steps_per_second=True)
    assert tb.get_config()["update_freq"] == "batch"
    for kwargs in ({"histogram_freq": 1}, {"write_images": True}, {"profile_batch": 2}, {"embeddings_freq": 1}):
        with pytest.raises(NotImplementedError, match=next(iter(kwargs))):
            callbacks.TensorBoard(**kwargs)
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(update_freq="sometimes")


def test_remote_monitor_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="RemoteMonitor"):
        callbacks.RemoteMonitor()


class _Crash(callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("interrupted")


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path):
    x, y = _data()
    reference = _model()
    reference.fit(x, y, epochs=5, batch_size=10, verbose=0, shuffle=False)

    backup = tmp_path / "backup"
    m = _model()
    with pytest.raises(RuntimeError, match="interrupted"):
        # the crash callback runs after the backup: epochs 0..2 are saved
        m.fit(x, y, epochs=5, batch_size=10, verbose=0, shuffle=False,
              callbacks=[callbacks.BackupAndRestore(backup), _Crash(2)])
    assert os.listdir(backup) == ["training_state.safetensors"]

    fresh = _model(seed=7)   # another process: other initial weights, a new optimizer
    epochs = []
    hist = fresh.fit(x, y, epochs=5, batch_size=10, verbose=0, shuffle=False,
                     callbacks=[callbacks.BackupAndRestore(backup),
                                callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: epochs.append(e))])
    assert epochs == [3, 4]
    assert hist.epoch == [3, 4]
    assert int(fresh.optimizer.iterations) == 20
    for a, b in zip(fresh.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert not backup.exists()   # deleted after a fit that finished


def test_backup_and_restore_arguments(tmp_path):
    with pytest.raises(NotImplementedError, match="save_freq"):
        callbacks.BackupAndRestore(tmp_path, save_freq=10)
    with pytest.raises(NotImplementedError, match="save_before_preemption"):
        callbacks.BackupAndRestore(tmp_path, save_before_preemption=True)
    kept = callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    x, y = _data()
    _model().fit(x, y, epochs=1, verbose=0, callbacks=[kept])
    assert os.listdir(tmp_path / "b") == ["training_state.safetensors"]
