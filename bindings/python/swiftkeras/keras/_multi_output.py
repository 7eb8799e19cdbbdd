"""Models with several outputs (tf.keras 2): ``compile`` with losses, loss weights, metrics and
weighted metrics per output (lists in output order or dicts by output name), targets given as
lists or dicts. The rules (broadcasting, names in the logs, the weighted sum) live in the core
(``sk_model_compile_outputs``); this module only turns the Python arguments into its JSON spec
of handles and names."""
import json

from .. import _native
from . import metrics as _metrics


def is_structured(loss, loss_weights, metrics, weighted_metrics):
    """Whether compile's arguments need the per-output form (anything but one loss and a flat
    metric list)."""
    if isinstance(loss, (list, tuple, dict)) or loss_weights is not None or weighted_metrics is not None:
        return True
    if isinstance(metrics, dict):
        return True
    return isinstance(metrics, (list, tuple)) and any(m is None or isinstance(m, (list, tuple, dict)) for m in metrics)


def _spec(value, leaf):
    """value with every leaf (not a list, tuple, dict or None) replaced by leaf(value)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _spec(v, leaf) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_spec(v, leaf) for v in value]
    return leaf(value)


def _weights(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [float(v) for v in value]
    return float(value)


def compile_outputs(model, opt, loss, loss_weights, metrics, weighted_metrics, loss_handle):
    """Compiles ``model`` through ``sk_model_compile_outputs``; ``loss_handle(loss)`` makes the
    core loss of one loss identifier. Returns the loss handles (the model keeps them alive)."""
    losses, metric_handles = [], []

    def loss_leaf(item):
        losses.append(loss_handle(item))
        return len(losses) - 1

    def metric_leaf(item):
        entry = _metrics._compile_entry(item)
        if isinstance(entry, str):
            return entry
        metric_handles.append(entry)
        return len(metric_handles) - 1

    spec = {"loss": _spec(loss, loss_leaf), "metrics": _spec(metrics, metric_leaf),
            "weighted_metrics": _spec(weighted_metrics, metric_leaf), "loss_weights": _weights(loss_weights)}
    spec = {k: v for k, v in spec.items() if v is not None}
    _native.model_compile_outputs(model._model, opt._handle, json.dumps(spec), losses, metric_handles)
    return losses


def n_outputs(model):
    """The number of outputs of a functional model (0 when unknown: Sequential, subclassed)."""
    outs = model.__dict__.get("_outputs")
    if outs:
        return len(outs)
    got = _native.model_io(model._model, 1)
    return len(got) if got else 0


def multi_target(model, y):
    """Whether y gives one target per output (a dict, or a list/tuple for several outputs)."""
    return isinstance(y, dict) or (isinstance(y, (list, tuple)) and n_outputs(model) > 1)


def output_names(model):
    """tf.keras 2 ``model.output_names`` (the core's ``sk_model_output_names``)."""
    return _native.model_output_names(model._model, max(n_outputs(model), 1))


def on_batch(model, train, xs, y, sample_weight):
    """train_on_batch / test_on_batch with one target per output (a list, or a dict by name)."""
    if isinstance(y, dict):
        return _native.model_on_batch_outputs(model._model, train, xs, list(y.values()), [str(k) for k in y],
                                              sample_weight)
    return _native.model_on_batch_outputs(model._model, train, xs, list(y), None, sample_weight)


def dataset_targets(y):
    """y as a dataset element part: a list becomes a tuple (one component per output)."""
    return tuple(y) if isinstance(y, list) else y
