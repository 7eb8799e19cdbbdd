"""swiftkeras.keras.models: Sequential and the functional Model over ``sk_model_*``.

compile/fit/evaluate/predict run in the Swift core; fit's Keras-style progress lines reach
``sys.stdout`` through the model's output callback, so they can be captured like any print.
"""
import os as _os
import re
import sys

from .. import _native
from ._unsupported import refuse_unsupported
from . import callbacks as _callbacks
from . import layers as _layers
from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from . import _serialization
from . import _multi_output
from . import _custom_steps

__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_json", "model_from_config", "clone_model"]


# Whether the core's live progress bar is on the output's last line now (the next line
# overwrites it), and its width (a notebook's bar is overwritten with spaces).
_live_shown = [False]
_live_width = [0]
_SGR = re.compile("\x1b\\[[0-9;]*m")   # the bar's colours (ANSI select graphic rendition)


def _live_mode():
    """How the live bar is redrawn in place: "tty" on a terminal (carriage return, then ANSI
    erase to the end of the line); "notebook" in Jupyter, whose stream output honours a carriage
    return but not ANSI erasing (so the old bar is padded over with spaces, as Keras does; no
    ipywidgets); None elsewhere (a file, a pipe: one line per epoch, no bar)."""
    out = sys.stdout
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return "tty"
    if "ipykernel" in sys.modules and type(out).__module__.split(".")[0] == "ipykernel":
        return "notebook"
    return None


def _over_bar(text):
    """text drawn from the start of the bar's line, covering the bar."""
    if _live_mode() == "notebook":
        return "\r" + text + " " * max(0, _live_width[0] - len(_SGR.sub("", text)))
    return "\r" + text + "\x1b[K"


def _write_line(line):
    if _live_shown[0]:
        _live_shown[0] = False
        sys.stdout.write(_over_bar(line) + "\n")
        return
    sys.stdout.write(line + "\n")


def _write_live(text):
    """Keras' live bar from the core (fit at verbose 1), redrawn in place on a terminal or in a
    notebook only."""
    if _live_mode() is None:
        return
    sys.stdout.write(_over_bar(text))
    sys.stdout.flush()
    _live_shown[0] = True
    _live_width[0] = len(_SGR.sub("", text))   # what shows: the bar's colours take no room


def _numpy_or_tensor(t):
    try:
        return t.numpy()
    except ImportError:
        return t


class Model(_layers.Layer):
    """``Model(inputs, outputs, name=None)``: the functional API; or subclass it.

    A subclass (``class MyModel(keras.Model)``) calls ``super().__init__()``, assigns layers to
    attributes (single layers or lists of layers; they are tracked, so their weights are the
    model's) and defines ``call(inputs, training=None)``; the core runs it through a callback
    (``sk_model_create_custom``), so ``fit``, ``evaluate``, ``predict``, ``summary`` and
    ``save_weights``/``load_weights`` work as for the other models. Layers added later to a
    tracked list (``self.blocks.append(...)``) are not tracked: assign the whole list.

    A subclass (of Model, a functional model or Sequential) may override ``train_step``,
    ``test_step`` and ``predict_step`` as in tf.keras 2: the core's fit / evaluate / predict
    loops call them for each batch (``keras/_custom_steps.py``).
    """

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        if inputs is None and outputs is None:
            self._init_subclassed(name, kwargs)
            return
        if inputs is None or outputs is None:
            raise ValueError("Model: give both inputs and outputs (functional API), or neither (subclassing)")
        self.__dict__["_attr_tracking"] = False
        if isinstance(inputs, dict) or isinstance(outputs, dict):
            # tf.keras 2: inputs and outputs in the core's order (by key); predict gives a dict by key
            handle, ins, outs = _multi_output.create_keyed(inputs, outputs, name)
        else:
            ins = [inputs] if isinstance(inputs, _layers.KerasTensor) else list(inputs)
            outs = [outputs] if isinstance(outputs, _layers.KerasTensor) else list(outputs)
            handle = _native.model_create([k._kt for k in ins], [k._kt for k in outs], name)
        self._inputs, self._outputs = ins, outs
        self._init_model(handle)
        if isinstance(outputs, dict):
            self.__dict__["_output_key_order"] = list(outputs)
        seen = []
        for k in outs:
            seen.extend(l for l in k._layers if not any(l is h for h in seen))
        self._layer_list = seen   # keeps Python custom layers alive while the model uses them

    def _init_subclassed(self, name, kwargs):
        trainable = kwargs.pop("trainable", True)
        kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"Model.__init__: unexpected arguments {sorted(kwargs)}")
        build, call = self._custom_callbacks()
        handle = _native.model_create_custom(name or _layers._snake(type(self).__name__), build, call)
        self._inputs = ()
        self._layer_list = []
        self._init_model(handle)
        _serialization.install_config_source(self)
        if not trainable:
            self.trainable = False

    def _track(self, child):
        _layers.Layer._track(self, child)
        if not any(c is child for c in self._layer_list):
            self._layer_list.append(child)

    def reset_states(self):
        """Resets the states of every stateful layer of the model (``sk_layer_reset_states``)."""
        _native.layer_reset_states(self._handle, None)

    def call(self, inputs, training=None):
        """The forward computation of a subclassed model (override it)."""
        raise NotImplementedError(f"{type(self).__name__}: a subclassed Model must define call(inputs, training=None)")

    def _init_model(self, handle):
        self._model = handle
        self._handle = _native.model_as_layer(handle)
        self._py_weights = []
        self._trainable = True
        self._dtype_arg = None
        self._input_shape = None
        self.built = True
        self.stop_training = False
        self.history = None
        self.optimizer = None
        self.loss = None
        self._compiled_loss = None
        self.compiled = False
        _native.model_set_output_callback(handle, _write_line)
        _native.model_set_live_callback(handle, _write_live)

    @property
    def layers(self):
        """The layers in Keras order: a functional model's including its InputLayers, a
        Sequential model's without its InputLayer, a subclassed model's tracked layers. The
        Python objects given by the user are returned when they exist."""
        mine = {}
        for l in self.__dict__.get("_layer_list", ()):
            mine.setdefault(l.name, l)
        return [mine.get(_native.layer_name(h)) or _wrap_layer(h) for h in _native.model_layers(self._model)]

    # -- training --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None, jit_compile=None,
                **kwargs):
        """Configures training. ``optimizer``: an Optimizer or a name (``model.optimizer`` is
        then ``keras.optimizers.get(name)``). ``loss``: a name, a Loss object or a function
        (y_true, y_pred) -> per-sample values; ``model.loss`` is what was given. ``metrics``:
        names ("accuracy" resolved like Keras), metric objects (used as they are, with their
        configuration; their state after fit is the model's) and functions (averaged as Keras'
        MeanMetricWrapper, named after the function). ``run_eagerly`` is accepted (the core
        always runs eagerly). A model with several outputs takes ``loss``, ``loss_weights``,
        ``metrics`` and ``weighted_metrics`` per output as in tf.keras 2: one value for every
        output, a list in output order or a dict keyed by output (layer) name (None: no loss
        for that output); logs then hold ``<output>_loss`` and ``<output>_<metric>``."""
        refuse_unsupported("compile", steps_per_execution=(1 if steps_per_execution is None else steps_per_execution, 1),
                           jit_compile=(jit_compile if jit_compile is not False else None, None),
                           **{k: (v, None) for k, v in kwargs.items()})
        self.run_eagerly = bool(run_eagerly)
        if isinstance(optimizer, _optimizers.Optimizer):
            opt = optimizer
        elif isinstance(optimizer, str):
            opt = _optimizers.get(optimizer)
        else:
            raise ValueError(f"Could not interpret optimizer identifier: {optimizer!r}")
        if isinstance(metrics, (str, _metrics.Metric)) or (callable(metrics) and not isinstance(metrics, (list, tuple))):
            metrics = [metrics]
        if _multi_output.is_structured(loss, loss_weights, metrics, weighted_metrics):
            loss_handle = _multi_output.compile_outputs(self, opt, loss, loss_weights, metrics, weighted_metrics,
                                                        _loss_handle)
        else:
            # None: the model's add_loss terms alone (the core fails fit when there are none)
            loss_handle = None if loss is None else _loss_handle(loss)
            entries = [_metrics._compile_entry(m) for m in (metrics or [])]
            _native.model_compile_ex(self._model, opt._handle, loss_handle, entries)
        self.optimizer = opt
        self.loss = loss
        self._compiled_loss = loss_handle
        # every metric given (also nested per output, and the weighted ones): keeps Python metric
        # objects alive while the core uses them, and model.metrics returns them
        self._compiled_metrics = _multi_output.leaves(metrics) + _multi_output.leaves(weighted_metrics)
        self.compiled = True

    @property
    def metrics(self):
        """tf.keras 2 ``model.metrics``: the loss tracker ("loss") and the compiled metrics once
        the first fit/evaluate step after compile resolved them — the metric objects given to
        compile themselves, the others (names, functions) as metric objects over the core's —,
        the ``add_metric`` metrics, then the metric objects assigned to the model's attributes
        (trackers of a custom ``train_step``). A subclass may override it: the metrics it lists
        are reset at each epoch."""
        out = self._core_metrics()
        for v in self.__dict__.values():
            if isinstance(v, _metrics.Metric) and not any(v is m for m in out):
                out.append(v)
        return out

    def _core_metrics(self):
        given = [m for m in getattr(self, "_compiled_metrics", ()) if isinstance(m, _metrics.Metric) and m._handle]
        out = []
        for h in _native.model_metrics(self._model):
            name = _native.metric_name(h)
            m = next((g for g in given if _native.metric_name(g._handle) == name), None)
            out.append(m if m is not None else _metrics.Metric._of_core(h))
        return out

    @property
    def output_names(self):
        """The output names (tf.keras 2): a functional model's output layer names."""
        return _multi_output.output_names(self)

    @property
    def metrics_names(self):
        """The names of ``model.metrics`` ("loss" first), as tf.keras 2."""
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Zeroes the state of every metric of ``model.metrics`` (tf.keras ``reset_metrics``)."""
        for m in self.metrics:
            m.reset_state()

    # -- custom steps (tf.keras 2 overrides; keras/_custom_steps.py) ---------------------------
    def train_step(self, data):
        """One training step on ``data`` (``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``,
        as tf.keras 2's data adapter gives it): the core's built-in step; returns the logs.
        Override it to customize ``fit`` (the core then calls the override for each batch)."""
        return _custom_steps.default_step(self, True, data)

    def test_step(self, data):
        """One evaluation step (the core's built-in one); override it to customize evaluate and
        fit's validation."""
        return _custom_steps.default_step(self, False, data)

    def predict_step(self, data):
        """The outputs for the inputs of ``data`` (training off); override it to customize
        predict."""
        return _custom_steps.default_predict_step(self, data)

    @property
    def compiled_loss(self):
        """tf.keras 2 ``compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``:
        the compiled loss (updating the "loss" tracker), computed by the core."""
        return _custom_steps.CompiledLoss(self)

    @property
    def compiled_metrics(self):
        """tf.keras 2 ``compiled_metrics`` (``update_state(y, y_pred, sample_weight=None)``,
        ``metrics``, ``reset_state()``)."""
        return _custom_steps.CompiledMetrics(self)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """tf.keras 2 ``compute_loss``: ``compiled_loss(y, y_pred, sample_weight,
        regularization_losses=self.losses)``."""
        return self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)

    def compute_metrics(self, x, y, y_pred, sample_weight):
        """tf.keras 2 ``compute_metrics``: updates the compiled metrics; the metrics' results."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """{name: result} of ``self.metrics`` (tf.keras 2)."""
        return _custom_steps.metrics_result(self)

    def _xs(self, x):
        if isinstance(x, dict):
            raise NotImplementedError("dict inputs are not supported yet")
        if len(getattr(self, "_inputs", ())) > 1 and isinstance(x, (list, tuple)):
            return list(x)
        return [x]

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, seed=None, **kwargs):
        """Trains the model in the core (Keras ``fit``). ``x``: arrays (with ``y``), a
        ``tf.data.Dataset``, a Python generator or a ``keras.utils.Sequence`` yielding ``x``,
        ``(x, y)`` or ``(x, y, sample_weight)`` batches. ``validation_data`` is ``(x, y)``,
        ``(x, y, sample_weight)``, a dataset, a generator or a Sequence and overrides
        ``validation_split``; ``class_weight`` maps class ids 0..K-1 to weights, multiplied with
        ``sample_weight`` (tf.keras semantics, arrays only); ``steps_per_epoch``,
        ``validation_steps`` and ``validation_freq`` (an int or a list of epochs) as tf.keras;
        ``callbacks`` run in the core in order (see ``keras.callbacks``); returns the core's
        History."""
        _no_worker_arguments("fit", kwargs)
        if verbose == "auto":
            verbose = 1
        _custom_steps.install(self)
        user = list(callbacks or [])
        extra = []
        multi = _multi_output.multi_target(self, y) or (
            isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3)
            and _multi_output.multi_target(self, validation_data[1]))
        streamed = (_data_input(x) or _data_input(validation_data) or steps_per_epoch is not None
                    or validation_steps is not None or validation_freq != 1 or isinstance(x, dict) or multi
                    or y is None)   # without y: x alone, for a custom step or a model without compiled loss
        if streamed:
            if validation_split and y is None and not _data_input(x):
                raise NotImplementedError("fit: validation_split without y is not supported (give validation_data)")
            if validation_split and (isinstance(x, dict) or multi) and not _data_input(x) and validation_data is None:
                # arrays split by the core's rule (sk_validation_split), then streamed like the rest
                x, y, sample_weight, validation_data = _multi_output.split_for_validation(
                    x, y, sample_weight, validation_split)
                validation_split = 0.0
            if validation_split and validation_data is None:
                raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, found "
                                 f"{type(x).__name__} (give validation_data instead)")
            if class_weight is not None and multi:
                raise ValueError("`class_weight` is only supported for Models with a single output.")
            if class_weight is not None:
                raise NotImplementedError("fit: class_weight is only supported for array inputs (weight the samples "
                                          "in the dataset's elements instead)")
            ds = self._input_dataset(x, y, sample_weight, batch_size, shuffle, seed, extra, "fit")
            if steps_per_epoch is not None and not _data_input(x):
                ds = ds.repeat(int(epochs))   # tf.keras 2's array adapter: the steps run over `epochs` passes
            vds = None
            if validation_data is not None:
                if _data_input(validation_data):
                    vds = self._input_dataset(validation_data, None, None, validation_batch_size, False, None, extra,
                                              "fit (validation_data)", epoch_end=False)
                else:
                    vx, vy, vsw = _fit_unpack_validation(validation_data)
                    vds = self._input_dataset(vx, vy, vsw, validation_batch_size or batch_size, False, None, extra,
                                              "fit (validation_data)")
            freq, freq_epochs = (1, list(validation_freq)) if isinstance(validation_freq, (list, tuple)) \
                else (int(validation_freq), None)
            return self._run_fit(user + extra, None, None, dataset=ds._h,
                                 validation_dataset=None if vds is None else vds._h,
                                 steps_per_epoch=-1 if steps_per_epoch is None else int(steps_per_epoch),
                                 validation_steps=-1 if validation_steps is None else int(validation_steps),
                                 validation_freq=freq, validation_epochs=freq_epochs, epochs=int(epochs),
                                 initial_epoch=int(initial_epoch), verbose=int(verbose))
        if y is None:
            raise ValueError("fit: y is required")
        batch_size = 32 if batch_size is None else batch_size   # 0, 2.5: the core's error
        if validation_batch_size not in (None, batch_size):
            raise NotImplementedError("fit: validation_batch_size is only supported with validation datasets or "
                                      "steps (array validation runs in batches of batch_size)")
        val = _fit_unpack_validation(validation_data)
        return self._run_fit(
            user, self._xs(x), y, batch_size=batch_size, epochs=int(epochs),
            initial_epoch=int(initial_epoch), verbose=int(verbose), shuffle=bool(shuffle),
            seed=-1 if seed is None else int(seed), validation_split=float(validation_split or 0.0),
            validation_x=None if val is None else self._xs(val[0]), validation_y=None if val is None else val[1],
            validation_sample_weight=None if val is None else val[2], sample_weight=sample_weight,
            class_weight=class_weight)

    def _run_fit(self, callbacks, x, y, **kw):
        handles = self._callback_handles(callbacks)
        self.stop_training = False
        try:
            hist, epochs_run, params = _native.model_fit_ex(self._model, x, y, callbacks=handles, **kw)
        except ValueError as e:
            _raise_prefetch_error(kw, e)
            err = _callbacks._keras_error(e)
            if err is e:
                raise
            raise err from e
        except Exception as e:
            _raise_prefetch_error(kw, e)
            raise
        history = next((cb for cb in callbacks if isinstance(cb, _callbacks.History)), None) or _callbacks.History()
        self.history = history._fill(hist, epochs_run, params, self)
        return history

    def _input_dataset(self, x, y, sample_weight, batch_size, shuffle, seed, extra, op, epoch_end=True):
        """The core dataset fit/evaluate/predict stream from: a Dataset as it is; a generator or
        a Sequence through a callback (a Sequence's ``on_epoch_end`` after each epoch, via a
        callback added to ``extra``); arrays as from_tensor_slices(...).shuffle(n).batch(b)."""
        from .. import data as _data
        from . import utils as _utils
        if isinstance(x, _data.Dataset) or isinstance(x, _utils.Sequence) or _is_generator(x):
            if y is not None:
                raise ValueError(f"{op}: `y` argument is not supported when using dataset, generator or Sequence "
                                 "as input (its elements carry the targets)")
            if sample_weight is not None:
                raise ValueError(f"{op}: `sample_weight` argument is not supported when using dataset, generator or "
                                 "Sequence as input")
            if batch_size is not None:
                raise ValueError(f"{op}: The `batch_size` argument must not be specified for the given input type "
                                 f"({type(x).__name__}): it yields batches")
            if isinstance(x, _data.Dataset):
                return x
            if isinstance(x, _utils.Sequence):
                if epoch_end:
                    extra.append(_SequenceEpochEnd(x))
                return _sequence_dataset(x, bool(shuffle))
            return _generator_dataset(x)
        first = x if isinstance(x, dict) else (lambda xs: xs[0] if len(xs) == 1 else tuple(xs))(self._xs(x))
        y = _multi_output.dataset_targets(y)
        sample_weight = _multi_output.dataset_targets(sample_weight)   # a list: one per output
        # tf.keras 2 pack_x_y_sample_weight for the steps an override receives: x alone when it is
        # one tensor without targets
        alone = y is None and not isinstance(first, (tuple, dict)) and bool(_custom_steps.overrides(self))
        elem = first if alone else (first,) if y is None else (first, y) if sample_weight is None \
            else (first, y, sample_weight)
        ds = _data.Dataset.from_tensor_slices(elem)
        n = _native.dataset_cardinality(ds._h)
        if shuffle and n > 0:
            ds = ds.shuffle(n, seed=seed)
        return ds.batch(int(batch_size or 32))

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics (Keras ``evaluate``) on arrays, a dataset, a generator or a Sequence;
        ``steps`` batches at most."""
        _no_worker_arguments("evaluate", kwargs)
        if verbose == "auto":
            verbose = 1
        handles = self._callback_handles(callbacks)   # the core runs their on_test_* hooks
        _custom_steps.install(self)
        if (_data_input(x) or steps is not None or isinstance(x, dict) or _multi_output.multi_target(self, y)
                or y is None or handles):
            ds = self._input_dataset(x, y, sample_weight, batch_size, False, None, [], "evaluate", epoch_end=False)
            d = _native.model_evaluate_dataset(self._model, ds._h, -1 if steps is None else int(steps), int(verbose),
                                               handles or None)
        else:
            d = _native.model_evaluate_weighted(self._model, self._xs(x), y, sample_weight,
                                                32 if batch_size is None else batch_size, int(verbose))
        return d if return_dict else _fit_flatten(d)

    def _callback_handles(self, callbacks):
        """The core callback objects of ``callbacks`` (each given this model first)."""
        handles = []
        for cb in callbacks or []:
            cb.set_model(self)
            handles.extend(cb._core_handles())
        return handles

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """Outputs (Keras ``predict``) for arrays, a dataset, a generator or a Sequence."""
        _no_worker_arguments("predict", kwargs)
        handles = self._callback_handles(callbacks)   # the core runs their on_predict_* hooks
        _custom_steps.install(self)
        keys = _multi_output.output_keys(self)
        if (_data_input(x) or steps is not None or isinstance(x, dict) or keys or _multi_output.n_outputs(self) > 1
                or handles):
            ds = self._input_dataset(x, None, None, batch_size, False, None, [], "predict", epoch_end=False)
            outs = [_numpy_or_tensor(t) for t in _native.model_predict_dataset_outputs(
                self._model, ds._h, -1 if steps is None else int(steps), handles or None)]
            if keys:
                return _multi_output.by_key(self, keys, outs)
            return outs[0] if len(outs) == 1 else outs
        return _numpy_or_tensor(_native.model_predict(self._model, self._xs(x), 32 if batch_size is None else batch_size))

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        """One gradient step on the batch (metrics reset first); the batch's loss and metrics."""
        refuse_unsupported("train_on_batch", reset_metrics=(reset_metrics, True))
        if class_weight is not None:
            raise NotImplementedError("train_on_batch: class_weight is not supported (pass sample_weight)")
        return self._batch_logs(True, x, y, sample_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        """The loss and metrics of one batch, training off, nothing updated."""
        refuse_unsupported("test_on_batch", reset_metrics=(reset_metrics, True))
        return self._batch_logs(False, x, y, sample_weight, return_dict)

    def _batch_logs(self, train, x, y, sample_weight, return_dict):
        """train_on_batch (train) / test_on_batch: y one tensor, or one per output (a list or a
        dict by output name)."""
        _custom_steps.install(self)
        if y is None:
            raise ValueError(f"{'train_on_batch' if train else 'test_on_batch'}: y is required")
        if _multi_output.multi_target(self, y):
            d = _multi_output.on_batch(self, train, self._xs(x), y, sample_weight)
        else:
            call = _native.model_train_on_batch if train else _native.model_test_on_batch
            d = call(self._model, self._xs(x), y, sample_weight)
        return d if return_dict else _fit_flatten(d)

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=1 << 30)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints the core's summary table; ``expand_nested`` adds nested models' layers,
        ``show_trainable`` a "Trainable" column (``sk_model_summary_ex``)."""
        refuse_unsupported("summary", line_length=(line_length, None), positions=(positions, None),
                           layer_range=(layer_range, None))
        text = _native.model_summary_ex(self._model, (1 if expand_nested else 0) | (2 if show_trainable else 0))
        (print_fn or print)(text)

    # -- structure and configs (tf.keras 2) ----------------------------------------------------
    @property
    def inputs(self):
        """A functional model's symbolic inputs (list of KerasTensor); None for Sequential and
        subclassed models."""
        mine = self.__dict__.get("_inputs", ())
        if mine and all(isinstance(k, _layers.KerasTensor) for k in mine):
            return list(mine)
        got = _native.model_io(self._model, 0)
        return [_layers.KerasTensor(k, self.__dict__.get("_layer_list", ())) for k in got] if got else None

    @property
    def outputs(self):
        """A functional model's symbolic outputs (list of KerasTensor); None for Sequential and
        subclassed models."""
        mine = self.__dict__.get("_outputs", ())
        if mine:
            return list(mine)
        got = _native.model_io(self._model, 1)
        return [_layers.KerasTensor(k, self.__dict__.get("_layer_list", ())) for k in got] if got else None

    # tf.keras 2's model.input / output / input_shape / output_shape: the model's own (_layer_graph.py)
    input = property(lambda self: _layers._layer_graph.model_io(self, False))
    output = property(lambda self: _layers._layer_graph.model_io(self, True))
    input_shape = property(lambda self: _layers._layer_graph.model_shape(self, False))
    output_shape = property(lambda self: _layers._layer_graph.model_shape(self, True))

    def get_layer(self, name=None, index=None):
        """The layer of that name or index (tf.keras 2 ``Model.get_layer``)."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from ``get_config()``'s dict (tf.keras 2 ``Model.from_config``): a functional or
        Sequential config is rebuilt by the core (custom layer classes from ``custom_objects``,
        the scope or the registry); any other config as ``cls(**config)``."""
        from . import _serialization
        if _serialization._is_model_config(config):
            return _model_from_config(config, cls, custom_objects=custom_objects)
        with _serialization.resolving(custom_objects):
            return cls(**config)

    def to_json(self, **kwargs):
        """The model's config as JSON (tf.keras 2 ``to_json``): {"class_name", "config",
        "keras_version", "backend"}; ``kwargs`` go to ``json.dumps``."""
        import json
        from . import _serialization
        d = _serialization.serialize(self)
        d.update({"keras_version": "2.21.0", "backend": "tensorflow"})
        return json.dumps(d, **kwargs)

    # -- saving --------------------------------------------------------------------------
    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        """Writes every weight to ``filepath``, atomically: tf-keras' saving_lib weights file for a
        name ending in ``.weights.h5`` (each layer's variables under ``layers/<class>/vars``, the
        optimizer's under ``optimizer/vars``), tf.keras 2's HDF5 layout for other names ending in
        ``.h5``/``.hdf5`` (both load in tf.keras 2; need libhdf5), else one safetensors file
        (keyed by layer path, e.g. ``"dense/kernel"``). A ``.keras`` name raises
        NotImplementedError (that is ``save``'s whole-model zip). Raises OSError (naming the path)
        when the file cannot be written."""
        refuse_unsupported("save_weights", save_format=(save_format, None), options=(options, None))
        if not overwrite and _os.path.exists(_os.fspath(filepath)):
            raise OSError(f"save_weights: '{_os.fspath(filepath)}' exists and overwrite=False")
        _native.model_save_weights(self._model, filepath)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, options=None):
        """Loads weights written by ``save_weights`` or ``save`` — or by tf.keras 2 into an HDF5
        file (``.h5``: by layer order, or by layer name with ``by_name=True``), a ``.weights.h5``
        file or a ``.keras`` zip (also the optimizer's state, when the model is compiled) — all or
        nothing: on any error no weight changes. Raises OSError for a missing, truncated or
        foreign file (naming the path), ValueError for a missing, extra or mismatched weight.

        With ``skip_mismatch=True`` (as Keras), each layer whose weights are missing from the
        file or differ in count, shape or dtype keeps its weights and a warning naming it is
        emitted (``warnings.warn``); every other layer is loaded. File errors still raise. For
        HDF5 files, as tf.keras 2, ``skip_mismatch`` needs ``by_name=True``, and ``by_name``
        needs an HDF5 file (NotImplementedError otherwise).

        Returns a status object (tf.keras 2's checkpoint load status): ``expect_partial()``,
        ``assert_consumed()`` (AssertionError naming the skipped layers), ..."""
        refuse_unsupported("load_weights", options=(options, None))
        from .saving import LoadStatus
        if by_name:
            skipped = _native.model_load_weights_by_name(self._model, filepath, bool(skip_mismatch))
        elif not skip_mismatch:
            _native.model_load_weights(self._model, filepath)
            return LoadStatus(_os.fspath(filepath), [])
        else:
            skipped = _native.model_load_weights_ex(self._model, filepath, True)
        import warnings
        for layer, reason in skipped:
            warnings.warn(f"Skipping loading weights for layer '{layer}': {reason}", stacklevel=2)
        return LoadStatus(_os.fspath(filepath), list(skipped))

    def save(self, filepath, overwrite=True, save_format=None, **kwargs):
        """Saves the model (config, weights and compile config), atomically. A name ending in
        ``.keras`` gets tf-keras' zip (``metadata.json``, ``config.json``, ``model.weights.h5``
        with the optimizer's state), one ending in ``.h5``/``.hdf5`` tf.keras 2's HDF5 model file
        (``model_config``, ``training_config``, ``model_weights``, ``optimizer_weights``); tf.keras
        2's ``load_model`` reads both, and ``load_model`` here restores the optimizer's state from
        them, so training continues exactly (need libhdf5). A path without an extension (tf.keras
        2's SavedModel spot) becomes a SwiftKeras model directory holding ``model.safetensors``;
        other names get that safetensors file itself (no optimizer state).
        ``swiftkeras.keras.models.load_model`` reads all of them. Raises
        ValueError for a model that cannot be serialized (custom layers or losses), OSError when
        the file cannot be written."""
        refuse_unsupported("save", save_format=(save_format, None))
        for k, v in kwargs.items():   # tf.keras 2's include_optimizer, signatures, options, save_traces
            raise NotImplementedError(f"save: argument `{k}`={v!r} is not supported")
        if not overwrite and _os.path.exists(_os.fspath(filepath)):
            raise OSError(f"save: '{_os.fspath(filepath)}' exists and overwrite=False")
        _serialization.check_serializable(self, "save")
        _native.model_save(self._model, filepath)

    def __reduce__(self):
        """Pickling through the core's serialization: the pickle holds the bytes of the file
        ``save`` writes (config, weights, compile config) and the model's custom classes (by
        reference: they must be defined at module level), and unpickling is ``load_model`` of
        them. Models ``save`` cannot serialize raise its ValueError."""
        import tempfile
        _serialization.check_serializable(self, "pickle")
        classes = _serialization.custom_classes(self)
        for cls in classes.values():
            if "<locals>" in cls.__qualname__:
                raise ValueError(f"pickle: the custom class {cls.__qualname__} is defined inside a function and "
                                 "cannot be pickled (define it at module level)")
        with tempfile.TemporaryDirectory(prefix="swiftkeras-pickle-") as d:
            path = _os.path.join(d, "model.safetensors")
            _native.model_save(self._model, path)
            with open(path, "rb") as f:
                return (_model_from_bytes, (f.read(), classes or None))

    @property
    def trainable_weights(self):
        return _layers._stable_variables(_native.model_trainable_weights(self._model))

    trainable_variables = trainable_weights

    @property
    def name(self):
        return _native.layer_name(self._handle)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Sequential(Model):
    """``Sequential(layers=None, name=None)``: a stack of layers (list or ``add``)."""

    def __init__(self, layers=None, name=None, **kwargs):
        self.__dict__["_attr_tracking"] = False
        self._inputs = ()
        self._layer_list = []
        self._init_model(_native.sequential_create([], name))
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if isinstance(layer, _layers.KerasTensor):
            layer = _layers.InputLayer(shape=layer.shape[1:])
        if not isinstance(layer, _layers.Layer):
            raise TypeError(f"Sequential.add: expected a Layer, got {layer!r}")
        if (not self._layer_list and layer._class_name is None and layer._input_shape is not None):
            # a custom first layer with input_shape=: an InputLayer builds the model now
            _native.model_add(self._model, _native.layer_create(
                "InputLayer", '{"shape": %s}' % list(layer._input_shape)))
        _native.model_add(self._model, layer._handle)
        if layer._class_name != "InputLayer":
            self._layer_list.append(layer)

    def pop(self):
        """Removes the last layer (tf.keras 2 ``Sequential.pop``); TypeError when there is none."""
        if not _native.model_layers(self._model):
            raise TypeError("There are no layers in the model.")
        popped = _native.model_pop(self._model)
        name = _native.layer_name(popped)
        for i in range(len(self._layer_list) - 1, -1, -1):
            if self._layer_list[i].name == name:
                del self._layer_list[i]
                break


def _loss_handle(loss):
    """The core loss of a loss identifier: a name, a Loss object or a function."""
    if isinstance(loss, str):
        return _native.loss_create(loss)
    if isinstance(loss, _losses.Loss):
        return loss._get_handle()
    if callable(loss):
        return _native.loss_create_custom(loss)
    raise ValueError(f"Could not interpret loss identifier: {loss!r}")


def _wrap_layer(handle):
    """A Python object for a core layer handle (a layer of a loaded model): an instance of the
    built-in class of that name when there is one, else a plain Layer (nested models included)."""
    cls = getattr(_layers, _native.layer_class_name(handle), None)
    if not (isinstance(cls, type) and issubclass(cls, _layers.Layer)) or cls._class_name is None:
        cls = _layers.Layer   # a nested model or a custom layer: the generic Layer API
    obj = cls.__new__(cls)
    d = obj.__dict__
    d["_attr_tracking"] = False
    d["_handle"] = handle
    d["_input_shape"] = None
    d["_trainable"] = True
    d["_dtype_arg"] = None
    d["_py_weights"] = []
    d["built"] = True
    d["_config"] = {}
    return obj


def _from_handle(handle, compile=True, made=()):
    """A Python model over a core model handle: a Sequential for a Sequential model, a Model
    otherwise; ``.optimizer`` and ``.loss`` from the core's compiled ones. ``made``: the Python
    objects the core's factories made while loading (custom layers, a subclassed model): a
    subclassed model is returned itself, custom layers are its ``layers``, all are kept alive."""
    name = _native.layer_name(_native.model_as_layer(handle)) if made else None
    top = next((o for o in made if isinstance(o, Model) and o.name == name), None)
    if top is not None:
        model = top
    else:
        kind, n_inputs = _native.model_kind(handle)
        cls = Sequential if kind == 1 else Model
        model = cls.__new__(cls)
        model.__dict__["_attr_tracking"] = False
        model._inputs = (None,) * n_inputs if kind == 0 else ()
        model._layer_list = [o for o in made if isinstance(o, _layers.Layer)]
        model._init_model(handle)
    model.__dict__["_made_by_core"] = list(made)   # the core borrows their handles
    cfg = _native.model_compile_config(handle) if compile else ""
    if cfg:
        import json
        cc = json.loads(cfg)
        opt = _optimizers.get(cc["optimizer"]["class_name"].lower())
        opt._handle = _native.model_optimizer(handle)   # the compiled optimizer itself
        model.optimizer = opt
        model.loss = cc["loss"]
        model._compiled_loss = _native.model_loss(handle)
        model.compiled = True
    return model


def _model_from_config(config, cls=None, class_name=None, custom_objects=None):
    """A Sequential or functional model from its config (``sk_model_from_config``): new layers,
    freshly initialized; custom layer classes resolve as in ``load_model``."""
    import json
    if class_name is None:
        class_name = "Sequential" if isinstance(cls, type) and issubclass(cls, Sequential) else "Functional"
    with _serialization.resolving(custom_objects) as made:
        return _from_handle(_native.model_from_config(class_name, json.dumps(config)), compile=False, made=made)


def model_from_config(config, custom_objects=None):
    """A model from ``{"class_name": ..., "config": ...}`` (tf.keras 2 ``model_from_config``)."""
    from . import _serialization
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Received: config=" + repr(config)
                        + ". Did you meant to use `Sequential.from_config(config)`?")
    return _serialization.deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None):
    """A model from ``to_json()``'s text (tf.keras 2 ``model_from_json``): new layers, no weights."""
    import json
    d = json.loads(json_string)
    return model_from_config({"class_name": d["class_name"], "config": d["config"]}, custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new Sequential or functional model of the same architecture with freshly initialized
    weights (tf.keras 2 ``clone_model``); subclassed models are refused as in tf.keras 2."""
    refuse_unsupported("clone_model", input_tensors=(input_tensors, None), clone_function=(clone_function, None))
    if not isinstance(model, Model):
        raise ValueError(f"Expected `model` argument to be a `Model` instance, but got: {model!r}")
    if _native.model_kind(model._model)[0] == 2:
        raise ValueError("Expected `model` argument to be a functional `Model` instance, but got a subclassed "
                         f"model instead: {model!r}")
    d = _serialization.serialize(model)
    return _model_from_config(d["config"], class_name=d["class_name"])


def save_model(model, filepath, overwrite=True, save_format=None, **kwargs):
    """``keras.models.save_model(model, filepath)``: ``model.save(filepath, ...)``."""
    return model.save(filepath, overwrite=overwrite, save_format=save_format, **kwargs)


def _model_from_bytes(data, custom_objects=None):
    """A model from the bytes of a saved model file (Model.__reduce__) and its custom classes."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="swiftkeras-pickle-") as d:
        path = _os.path.join(d, "model.safetensors")
        with open(path, "wb") as f:
            f.write(data)
        return load_model(path, custom_objects=custom_objects)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """``keras.models.load_model``: a model saved by ``Model.save``, rebuilt from its config
    with its weights and, when it was compiled, compiled again (the optimizer's state restored
    from ``.keras`` and ``.h5`` files — not when a custom metric is given by ``custom_objects``,
    which compiles the model here —, afresh from the others). Returns a ``Sequential`` for a saved Sequential model, a ``Model`` (functional)
    otherwise, with ``.layers`` (objects of the built-in layer classes), ``.optimizer`` (an
    Optimizer of the saved class and learning rate) and ``.loss`` (the saved loss name).
    ``compile=False`` ignores the saved compile config (``.optimizer``/``.loss`` None).
    ``custom_objects`` resolves custom metrics, which are saved by name: a key equal to the saved
    name (or a class whose snake_case name is it) is instantiated and the model compiled with it;
    custom layer and model classes (saved by their registered name, ``get_registered_name``)
    resolve by ``custom_objects``, the active ``custom_object_scope``s and
    ``register_keras_serializable``; a subclassed model comes back as an object of its class
    (built by one call on zeros of the input shapes it was built with, then its weights loaded).
    Custom losses are saved by name only (``compile=False``). Raises OSError (naming the path) for a missing, truncated or foreign file or a
    weights-only file."""
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(f"load_model: custom_objects must be a dict, got {type(custom_objects).__name__}")
    from ._lambda_layers import loading_safely
    with _serialization.resolving(custom_objects) as made, loading_safely(safe_mode):
        if not compile:
            return _from_handle(_native.model_load(filepath, False), compile=False, made=made)
        cc = _saved_compile_config(filepath) if custom_objects else None
        if cc is None or not any(isinstance(e, str) and _custom_object(e, custom_objects) is not None
                                 for e in cc.get("metrics", [])):
            # compiled by the core, which also restores the optimizer's state (.h5, .keras)
            return _from_handle(_native.model_load(filepath), compile=True, made=made)
        model = _from_handle(_native.model_load(filepath, False), compile=False, made=made)
    if cc is not None:
        from . import metrics as _metrics
        resolved = []
        for entry in cc.get("metrics", []):
            if isinstance(entry, str):
                hit = _custom_object(entry, custom_objects)
                resolved.append(hit() if isinstance(hit, type) else (hit if hit is not None else entry))
            else:
                resolved.append(_metrics.deserialize(entry))
        model.compile(optimizer=_optimizers.deserialize(cc["optimizer"]), loss=cc["loss"], metrics=resolved)
    return model


def _custom_object(name, custom_objects):
    """The custom object saved under `name`: by key, or a class whose snake_case name is it."""
    if name in custom_objects:
        return custom_objects[name]
    for key, obj in custom_objects.items():
        if _layers._snake(key) == name or _layers._snake(getattr(obj, "__name__", "")) == name:
            return obj
    return None


def _saved_compile_config(filepath):
    """The compile config a model file holds (read by the core: ``sk_model_file_compile_config``),
    or None."""
    import json
    text = _native.model_file_compile_config(_os.fspath(filepath))
    return json.loads(text) if text else None


# -- fit helpers ---------------------------------------------------------------------------
def _raise_prefetch_error(kw, err):
    """A Python exception raised on a prefetch thread of a dataset fit streamed from: the core
    carried only its message; the original is re-raised (tf.data keeps it the same way)."""
    if kw.get("dataset") is not None or kw.get("validation_dataset") is not None:
        from .. import data as _data
        _data._reraise_thread_error(err)


def _is_generator(x):
    """A Python generator or iterator (not a tensor, array, list, dict or dataset)."""
    import types
    if isinstance(x, types.GeneratorType):
        return True
    return hasattr(x, "__next__") and hasattr(x, "__iter__") and not hasattr(x, "shape")


def _data_input(x):
    """Whether x streams batches: a Dataset, a generator or a keras.utils.Sequence."""
    if x is None:
        return False
    from .. import data as _data
    from . import utils as _utils
    return isinstance(x, (_data.Dataset, _utils.Sequence)) or _is_generator(x)


def _no_worker_arguments(op, kwargs):
    """tf.keras' generator worker arguments: accepted at their defaults (batches are produced in
    order on the training thread; use Dataset.prefetch for a background thread)."""
    defaults = {"max_queue_size": 10, "workers": 1, "use_multiprocessing": False}
    for k in list(kwargs):
        if k in defaults:
            if kwargs[k] != defaults[k]:
                raise NotImplementedError(f"{op}: {k}={kwargs[k]!r} is not supported (batches are produced in order "
                                          "on the training thread; use tf.data's prefetch for a background thread)")
            del kwargs[k]
    if kwargs:
        raise TypeError(f"{op}: unexpected arguments {sorted(kwargs)}")


def _listed_inputs(element):
    """A yielded batch with its x as a list (several model inputs) made a tuple, as Keras reads it."""
    if isinstance(element, tuple) and element and isinstance(element[0], list):
        return (tuple(element[0]),) + element[1:]
    if isinstance(element, list):
        return tuple(element)
    return element


def _generator_dataset(gen):
    """A dataset over a Python generator: every pass continues the same generator (as tf.keras,
    which never restarts one); cardinality unknown."""
    import json
    from .. import data as _data
    it = iter(gen)

    def nxt(pass_, index):
        try:
            value = next(it)
        except StopIteration:
            return None
        flat, s = _data._flatten(_listed_inputs(value), "generator")
        return flat, json.dumps(s)

    first = nxt(0, 0)
    if first is None:
        raise ValueError("the generator yielded no data")
    pending = [first]

    def nxt_with_first(pass_, index):
        return pending.pop() if pending else nxt(pass_, index)

    return _data.Dataset(_native.dataset_from_generator(_data._guarded(nxt_with_first), lambda p: None, first[1],
                                                        None, _data.UNKNOWN_CARDINALITY))


def _sequence_dataset(seq, shuffle):
    """A dataset over a keras.utils.Sequence: batch i of a pass is ``seq[order[i]]``, the order
    shuffled per pass when ``shuffle`` (as tf.keras); cardinality ``len(seq)``."""
    import json
    import random
    from .. import data as _data
    n = len(seq)
    if n == 0:
        raise ValueError("the Sequence is empty (len 0)")
    orders = {}

    def nxt(pass_, index):
        if index >= n:
            orders.pop(pass_, None)
            return None
        if pass_ not in orders:
            order = list(range(n))
            if shuffle:
                random.shuffle(order)
            orders[pass_] = order
        flat, s = _data._flatten(_listed_inputs(seq[orders[pass_][index]]), "Sequence")
        return flat, json.dumps(s)

    structure = nxt(-1, 0)[1]
    orders.clear()
    return _data.Dataset(_native.dataset_from_generator(_data._guarded(nxt), lambda p: orders.pop(p, None), structure,
                                                        None, n))


class _SequenceEpochEnd(_callbacks.Callback):
    """Calls a Sequence's on_epoch_end after each epoch of fit (tf.keras' data adapter does)."""

    def __init__(self, seq):
        super().__init__()
        self._seq = seq

    def on_epoch_end(self, epoch, logs=None):
        self._seq.on_epoch_end()
def _fit_flatten(d):
    """Keras' non-dict results: the values in metrics order, a scalar when there is one."""
    vals = list(d.values())
    return vals[0] if len(vals) == 1 else vals


def _fit_unpack_validation(vd):
    """validation_data as (x, y, sample_weight or None), or None."""
    if vd is None:
        return None
    if isinstance(vd, (list, tuple)) and len(vd) in (2, 3):
        return (vd[0], vd[1], vd[2] if len(vd) == 3 else None)
    raise ValueError("validation_data: data is expected to be in format `(x, y)` or `(x, y, sample_weight)`, "
                     f"found: {type(vd).__name__}" + (f" of length {len(vd)}" if isinstance(vd, (list, tuple)) else ""))
