"""swiftkeras.keras.callbacks: Keras callbacks over the Swift core's callback objects.

``fit`` runs in the core with the callbacks in the order given, then its ``History``. The
built-in classes (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, TerminateOnNaN, CSVLogger,
LearningRateScheduler, ProgbarLogger, History) are thin wrappers: their constructor arguments
become the config of the core's object, which does all the work (monitor rule, improvement test,
files). A ``Callback`` subclass (and ``LambdaCallback``) runs in Python through the core's hooks:
only the hooks it overrides are called (``on_train_begin`` always, to set ``self.params``), so
plain ``fit`` runs without per-batch Python calls. Entries a hook adds to ``on_epoch_end``'s
``logs`` reach the later callbacks and the history. Setting ``self.model.stop_training = True``
in any hook stops training after the current batch. An exception raised in a hook stops ``fit``
and reaches its caller unchanged. During ``fit``'s validation the test hooks run too;
``evaluate(callbacks=...)`` calls ``on_test_begin``/``on_test_end``; ``predict`` calls none.
"""
import json
import numbers
import os

from .. import _native
from ._unsupported import refuse_unsupported

__all__ = ["Callback", "History", "LambdaCallback", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau",
           "TerminateOnNaN", "CSVLogger", "ProgbarLogger", "LearningRateScheduler", "TensorBoard", "BackupAndRestore",
           "RemoteMonitor"]

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


class Callback:
    """Base class of callbacks (``keras.callbacks.Callback``): override the hooks you need."""

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_batch_begin(self, batch, logs=None):
        """A backwards-compatibility alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """A backwards-compatibility alias of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def _overrides(self, *names):
        for name in names:
            if name in vars(self):
                return True
            if getattr(type(self), name, None) is not getattr(Callback, name):
                return True
        return False

    def _implements_train_batch_hooks(self):
        """Whether this callback acts around each training batch (begin, end), as Keras asks."""
        return (self._overrides("on_train_batch_begin", "on_batch_begin"),
                self._overrides("on_train_batch_end", "on_batch_end"))

    def _core_handles(self):
        """The core callback objects that run this callback in fit: one calling back into
        Python for the hooks this class overrides (and on_train_begin, to set ``params``)."""
        wanted = tuple(h for h in _HOOKS
                       if h == "on_train_begin" or self._overrides(h, *((_ALIASES[h],) if h in _ALIASES else ())))
        return [_native.callback_create_custom(self._dispatch, wanted)]

    def _dispatch(self, hook, index, logs, params):
        """Runs one hook from the core; returns whether the model should stop training."""
        if params is not None:
            self.set_params(params)
        if index < 0:
            getattr(self, hook)(logs)
        else:
            getattr(self, hook)(index, logs)
        return bool(getattr(self.model, "stop_training", False))


class _CoreCallback(Callback):
    """A built-in callback: the core object made from the Keras class name and the config."""

    _class_name = None

    def __init__(self, **config):
        super().__init__()
        self._config = config
        self._handle = _native.callback_create(self._class_name, json.dumps(config))

    def get_config(self):
        return dict(self._config)

    def _core_handles(self):
        """The core object, then (for a subclass overriding hooks) the Python hooks after it."""
        if any(self._overrides(h) for h in _HOOKS + tuple(_ALIASES.values())):
            return [self._handle] + Callback._core_handles(self)
        return [self._handle]

    def _implements_train_batch_hooks(self):
        return (False, False)

    def _state(self, name):
        return _native.callback_state(self._handle, name)


def _number(v):
    """A JSON number for a config value (numpy scalars included); None and bools stay."""
    if v is None or isinstance(v, bool):
        return v
    return int(v) if isinstance(v, numbers.Integral) else float(v)


class History(_CoreCallback):
    """What fit returns (the core's History): ``history`` (name -> list of per-epoch values),
    ``epoch`` (the epoch numbers), ``params`` ({"verbose", "epochs", "steps"}) and ``model``."""

    _class_name = "History"

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def _fill(self, history, epochs, params, model):
        self.history = history
        self.epoch = list(epochs)
        self.params = params
        self.model = model
        return self


class LambdaCallback(Callback):
    """Callbacks from functions (``keras.callbacks.LambdaCallback``): ``on_epoch_begin(epoch,
    logs)``, ``on_epoch_end(epoch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``,
    ``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``; other hooks by
    keyword (``on_batch_end=...``)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end),
                         ("on_train_batch_begin", on_train_batch_begin), ("on_train_batch_end", on_train_batch_end)):
            if fn is not None:
                setattr(self, name, fn)


class EarlyStopping(_CoreCallback):
    """Stops training when ``monitor`` has stopped improving (the core's EarlyStopping, tf-keras 2
    semantics: ``baseline`` must be beaten for the patience count to reset; with
    ``restore_best_weights`` the best epoch's weights come back at the end of training)."""

    _class_name = "EarlyStopping"

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor=monitor, min_delta=_number(min_delta), patience=_number(patience),
                         verbose=_number(verbose), mode=mode, baseline=_number(baseline),
                         restore_best_weights=bool(restore_best_weights), start_from_epoch=_number(start_from_epoch))
        self.monitor, self.patience, self.verbose, self.mode = monitor, patience, verbose, mode
        self.baseline, self.restore_best_weights, self.start_from_epoch = baseline, restore_best_weights, start_from_epoch
        self.min_delta = abs(min_delta)

    best = property(lambda self: self._state("best"))
    wait = property(lambda self: int(self._state("wait")))
    stopped_epoch = property(lambda self: int(self._state("stopped_epoch")))
    best_epoch = property(lambda self: int(self._state("best_epoch")))


class ModelCheckpoint(_CoreCallback):
    """Saves the model or its weights (the core's ModelCheckpoint).

    ``filepath`` is formatted with ``epoch`` (1-based), ``batch`` (with an integer
    ``save_freq``) and the logs, e.g. ``"w.{epoch:02d}-{val_loss:.2f}.h5"``. As in tf.keras 2
    any path is accepted and picks the format as ``save`` / ``save_weights`` do (``.h5``: tf.keras
    2's HDF5 format; ``.keras``: tf-keras' zip; ``.weights.h5``: its weights file; other names:
    SwiftKeras' safetensors file; weights only to a ``.keras`` name raise NotImplementedError).
    ``save_best_only`` saves only when ``monitor`` improves on the best so far.
    ``save_freq`` is "epoch" or a number of batches.
    """

    _class_name = "ModelCheckpoint"

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", options=None, initial_value_threshold=None):
        refuse_unsupported("ModelCheckpoint", options=(options, None))
        freq = save_freq if isinstance(save_freq, str) else _number(save_freq)
        super().__init__(filepath=os.fspath(filepath), monitor=monitor, verbose=_number(verbose),
                         save_best_only=bool(save_best_only), save_weights_only=bool(save_weights_only), mode=mode,
                         save_freq=freq, initial_value_threshold=_number(initial_value_threshold))
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only, self.save_freq = save_best_only, save_weights_only, save_freq

    def _implements_train_batch_hooks(self):
        return (False, self.save_freq != "epoch")

    best = property(lambda self: self._state("best"))


class ReduceLROnPlateau(_CoreCallback):
    """Reduces the learning rate when ``monitor`` has stopped improving (the core's
    ReduceLROnPlateau; logs ``"learning_rate"`` at each epoch end)."""

    _class_name = "ReduceLROnPlateau"

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if "epsilon" in kwargs:   # tf-keras' deprecated name of min_delta
            min_delta = kwargs.pop("epsilon")
        if kwargs:   # never silently ignored
            raise TypeError(f"ReduceLROnPlateau: unexpected arguments {sorted(kwargs)}")
        super().__init__(monitor=monitor, factor=_number(factor), patience=_number(patience), verbose=_number(verbose),
                         mode=mode, min_delta=_number(min_delta), cooldown=_number(cooldown), min_lr=_number(min_lr))
        self.monitor, self.factor, self.min_lr, self.min_delta = monitor, factor, min_lr, min_delta
        self.patience, self.verbose, self.cooldown, self.mode = patience, verbose, cooldown, mode

    best = property(lambda self: self._state("best"))
    wait = property(lambda self: int(self._state("wait")))
    cooldown_counter = property(lambda self: int(self._state("cooldown_counter")))

    def in_cooldown(self):
        return self.cooldown_counter > 0


class TerminateOnNaN(_CoreCallback):
    """Stops training at the first batch whose loss is NaN or infinite (the core's)."""

    _class_name = "TerminateOnNaN"

    def __init__(self):
        super().__init__()

    def _implements_train_batch_hooks(self):
        return (False, True)


class CSVLogger(_CoreCallback):
    """Streams the epoch logs to a CSV file in Keras' format (the core's CSVLogger): a header
    ``epoch,<sorted log names>`` then one row per epoch; ``append=True`` appends (writing the
    header only to an empty file)."""

    _class_name = "CSVLogger"

    def __init__(self, filename, separator=",", append=False):
        super().__init__(filename=os.fspath(filename), separator=separator, append=bool(append))
        self.filename, self.sep, self.append = os.fspath(filename), separator, append


class LearningRateScheduler(_CoreCallback):
    """Sets the learning rate at each epoch begin to ``schedule(epoch, lr)`` (or
    ``schedule(epoch)``, as tf-keras falls back to) and logs ``"learning_rate"`` (the core's
    LearningRateScheduler)."""

    def __init__(self, schedule, verbose=0):
        Callback.__init__(self)
        self.schedule, self.verbose = schedule, verbose
        self._config = {"verbose": verbose}

        def call(epoch, lr):
            try:
                return float(schedule(epoch, lr))
            except TypeError:
                return float(schedule(epoch))

        self._handle = _native.callback_create_lr_scheduler(call, int(verbose))


class ProgbarLogger(_CoreCallback):
    """Keras' progress bar (the core's ProgbarLogger): at fit's ``verbose=1`` a bar line per
    epoch, at ``verbose=2`` one short line per epoch, to ``sys.stdout``; fit adds one itself, so
    passing it changes nothing. Progress counts steps."""

    _class_name = "ProgbarLogger"

    def __init__(self, count_mode=None, stateful_metrics=None):
        super().__init__()


class TensorBoard(_CoreCallback):
    """Writes the logs of ``fit`` as TensorBoard scalars in TensorFlow event files (the core's
    TensorBoard, tf.keras 2 tags): ``epoch_<name>`` per epoch in ``<log_dir>/train`` and
    ``<log_dir>/validation``, ``batch_<name>`` every ``update_freq`` steps ("batch" = 1),
    ``evaluation_<name>_vs_iterations`` after each evaluation. Only scalars are written:
    histograms, images, profiles and embeddings raise NotImplementedError; ``write_graph``
    writes nothing."""

    _class_name = "TensorBoard"

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None, **kwargs):
        refuse_unsupported("TensorBoard", **{k: (v, None) for k, v in kwargs.items()})
        super().__init__(log_dir=os.fspath(log_dir), histogram_freq=_number(histogram_freq),
                         write_graph=bool(write_graph), write_images=bool(write_images),
                         write_steps_per_second=bool(write_steps_per_second),
                         update_freq=update_freq if isinstance(update_freq, str) else _number(update_freq),
                         profile_batch=_number(profile_batch), embeddings_freq=_number(embeddings_freq),
                         embeddings_metadata=embeddings_metadata)
        self.log_dir, self.update_freq = os.fspath(log_dir), update_freq
        self.write_steps_per_second, self.write_graph = write_steps_per_second, write_graph


class BackupAndRestore(_CoreCallback):
    """Backs up the training state (weights, optimizer state, epoch) at each epoch's end under
    ``backup_dir`` and, when an interrupted ``fit`` runs again, restores it and resumes at the
    next epoch (the core's BackupAndRestore; ``save_freq="epoch"`` only)."""

    _class_name = "BackupAndRestore"

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True, save_before_preemption=False):
        super().__init__(backup_dir=os.fspath(backup_dir),
                         save_freq=save_freq if isinstance(save_freq, str) else _number(save_freq),
                         delete_checkpoint=bool(delete_checkpoint), save_before_preemption=bool(save_before_preemption))
        self.backup_dir, self.save_freq, self.delete_checkpoint = os.fspath(backup_dir), save_freq, delete_checkpoint


class RemoteMonitor(_CoreCallback):
    """Not implemented: the core refuses it (NotImplementedError naming it)."""

    _class_name = "RemoteMonitor"

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__(root=root, path=path, field=field, headers=headers, send_as_json=bool(send_as_json))


def _keras_error(e):
    """A core error as the exception Keras raises for it (a checkpoint path that cannot be
    formatted is a KeyError there), or ``e`` itself."""
    msg = str(e)
    if isinstance(e, ValueError) and msg.startswith("ModelCheckpoint: failed to format filepath"):
        return KeyError(f"Failed to format this callback filepath. Reason: {msg}")
    return e
