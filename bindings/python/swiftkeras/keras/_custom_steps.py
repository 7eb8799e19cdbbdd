"""tf.keras 2 custom steps: a Model subclass overriding ``train_step``, ``test_step`` or
``predict_step`` has them run by the core's fit / evaluate / predict loops for each batch
(``sk_model_set_train_step`` & co., ``include/swiftkeras/training_steps.h``); the defaults,
``compiled_loss``, ``compiled_metrics``, ``compute_loss`` and ``compute_metrics`` call the core.
This module only converts: batches cross as (flat tensors, structure JSON) pairs."""

import json
import weakref

from .. import _native

_STEPS = ("train_step", "test_step", "predict_step")


def overrides(model):
    """The names of the steps the model's class overrides."""
    from .models import Model
    return [s for s in _STEPS if getattr(type(model), s) is not getattr(Model, s)]


def _element(data):
    """(flat tensors, structure JSON) of a batch a step gives back to the core: lists are made
    tuples (several inputs), as the data adapter reads them."""
    from .. import data as _data

    def tupled(v):
        if isinstance(v, (list, tuple)):
            return tuple(tupled(i) for i in v)
        if isinstance(v, dict):
            return {k: tupled(i) for k, i in v.items()}
        return v
    flat, structure = _data._flatten(tupled(data), "step data")
    return flat, json.dumps(structure)


def _data(flat, structure):
    from .. import data as _data_mod
    return _data_mod._pack(flat, json.loads(structure))[0]


def logs_dict(logs, step):
    """A step's returned logs as {name: float} (metric results, tensors, numbers; a nested dict
    of results is merged, as tf.keras 2's ``get_metrics_result`` does)."""
    if not isinstance(logs, dict):
        raise TypeError(f"{step} must return a dict of logs (e.g. {{m.name: m.result() for m in self.metrics}}), "
                        f"got {type(logs).__name__}")
    out = {}
    for k, v in logs.items():
        if isinstance(v, dict):
            out.update(logs_dict(v, step))
            continue
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{step}: the log {k!r} must be a scalar, got {v!r}") from e
    return out


def _logs_step(ref, name):
    def run(flat, structure):
        return logs_dict(getattr(ref(), name)(_data(flat, structure)), name)
    return run


def _predict_step(ref):
    def run(flat, structure):
        out = ref().predict_step(_data(flat, structure))
        if isinstance(out, dict):
            raise NotImplementedError("predict_step: returning a dict is not supported (return a tensor or a tuple)")
        return _element(tuple(out) if isinstance(out, (list, tuple)) else out)
    return run


def install(model):
    """Registers the model's overridden steps with the core (once), and the metrics its
    ``metrics`` lists for the core to reset at each epoch. True when a step is overridden."""
    names = overrides(model)
    if not names:
        return False
    if not model.__dict__.get("_steps_installed"):
        ref = weakref.ref(model)
        _native.model_set_steps(
            model._model,
            _logs_step(ref, "train_step") if "train_step" in names else None,
            _logs_step(ref, "test_step") if "test_step" in names else None,
            _predict_step(ref) if "predict_step" in names else None)
        model.__dict__["_steps_installed"] = True
    _native.model_set_step_metrics(model._model, [m._handle for m in model.metrics if getattr(m, "_handle", None)])
    return True


def has_step(model, name):
    return name in overrides(model)


# -- the defaults and what custom steps call ---------------------------------------------------

def default_step(model, train, data):
    flat, structure = _element(data)
    return _native.model_step_default(model._model, bool(train), flat, structure)


def default_predict_step(model, data):
    flat, structure = _element(data)
    outs, s = _native.model_predict_step_default(model._model, flat, structure)
    out = _data(outs, s)
    return out[0] if isinstance(out, tuple) and len(out) == 1 else out


def _per_output(model, y):
    """Targets or predictions as one tensor per output (a dict by output name)."""
    if isinstance(y, dict):
        names = model.output_names
        missing = [n for n in names if n not in y]
        if missing or len(y) != len(names):
            raise ValueError(f"the dict keys {sorted(y)} do not match the output names {names}")
        return [y[n] for n in names]
    return list(y) if isinstance(y, (list, tuple)) else [y]


class CompiledLoss:
    """tf.keras 2 ``model.compiled_loss``: the compiled losses (and the "loss" tracker) of the core."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        m = self._model
        return _native.model_compiled(m._model, True, _per_output(m, y_true), _per_output(m, y_pred), sample_weight,
                                      list(regularization_losses or []))

    @property
    def metrics(self):
        return [x for x in self._model._core_metrics() if x.name == "loss" or x.name.endswith("_loss")]


class CompiledMetrics:
    """tf.keras 2 ``model.compiled_metrics``: the metrics given to compile, updated by the core."""

    def __init__(self, model):
        self._model = model

    def update_state(self, y_true, y_pred, sample_weight=None):
        m = self._model
        _native.model_compiled(m._model, False, _per_output(m, y_true), _per_output(m, y_pred), sample_weight, [])

    @property
    def metrics(self):
        loss = CompiledLoss(self._model).metrics
        return [x for x in self._model._core_metrics() if not any(x is l for l in loss)]

    def reset_state(self):
        for x in self.metrics:
            x.reset_state()


def metrics_result(model):
    """tf.keras 2 ``get_metrics_result``: {name: result} of ``model.metrics`` (dict results merged)."""
    out = {}
    for m in model.metrics:
        r = m.result()
        if isinstance(r, dict):
            out.update(r)
        else:
            out[m.name] = r
    return out
