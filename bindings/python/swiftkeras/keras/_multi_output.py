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


def leaves(value):
    """The leaves of a compile argument (lists, tuples and dicts flattened; None dropped)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


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


def _weights_like(y, sample_weight):
    """sample_weight as one entry (or None) per target of y: one array weighs every output; a
    list gives them in y's order; a dict by output name or key (y then a dict too)."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, dict):
        if not isinstance(y, dict):
            raise NotImplementedError("sample_weight as a dict needs y as a dict keyed the same way")
        unknown = sorted(set(sample_weight) - set(y))
        if unknown:
            raise ValueError(f"sample_weight names {unknown}, which have no target (the targets name {list(y)})")
        return [sample_weight.get(k) for k in y]
    if isinstance(sample_weight, (list, tuple)):
        return list(sample_weight)
    return [sample_weight] * len(y)


def on_batch(model, train, xs, y, sample_weight):
    """train_on_batch / test_on_batch with one target per output (a list, or a dict by name)."""
    sw = _weights_like(y, sample_weight)
    if isinstance(y, dict):
        return _native.model_on_batch_outputs(model._model, train, xs, list(y.values()), [str(k) for k in y], sw)
    return _native.model_on_batch_outputs(model._model, train, xs, list(y), None, sw)


def dataset_targets(y):
    """y as a dataset element part: a list becomes a tuple (one component per output)."""
    return tuple(y) if isinstance(y, list) else y


def _keyed(value, what):
    """(tensors, keys or None) of a model's inputs or outputs given as one tensor, a list or a dict."""
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"Model: the keys of a dict of {what} must be strings, got {list(value)}")
        return list(value.values()), list(value)
    return ([value] if not isinstance(value, (list, tuple)) else list(value)), None


def create_keyed(inputs, outputs, name):
    """A functional model with a dict of inputs and/or outputs (``sk_model_create_keyed``): its
    handle and the input and output tensors in the core's order."""
    ins, ikeys = _keyed(inputs, "inputs")
    outs, okeys = _keyed(outputs, "outputs")
    handle = _native.model_create_keyed([k._kt for k in ins], ikeys, [k._kt for k in outs], okeys, name)
    order = [_native.model_io_keys(handle, False), _native.model_io_keys(handle, True)]
    ins = [inputs[k] for k in order[0]] if ikeys else ins
    outs = [outputs[k] for k in order[1]] if okeys else outs
    return handle, ins, outs


def output_keys(model):
    """The keys of a model made with a dict of outputs, in output order ([] otherwise)."""
    return _native.model_io_keys(model._model, True) if "_model" in model.__dict__ else []


def by_key(model, keys, outs):
    """predict's outputs of a model made with a dict of outputs as a dict, in the order the user
    gave the keys (sorted for a loaded model)."""
    order = model.__dict__.get("_output_key_order") or keys
    return {k: outs[keys.index(k)] for k in order}


def _flat(value):
    """(the arrays of value, a function that rebuilds value's structure from new arrays): value
    one array, a list/tuple or a dict of them, or None."""
    if value is None:
        return [], lambda parts: None
    if isinstance(value, dict):
        keys = list(value)
        return [value[k] for k in keys], lambda parts: dict(zip(keys, parts))
    if isinstance(value, (list, tuple)):
        return list(value), list
    return [value], lambda parts: parts[0]


def split_for_validation(x, y, sample_weight, fraction):
    """fit(validation_split=fraction) on arrays given as lists or dicts: the core splits every array
    at the same sample (``sk_validation_split``, tf.keras 2's rule); returns the training x, y,
    sample_weight and the validation data (x, y, sample_weight) in the same structures."""
    parts = [_flat(v) for v in (x, y, sample_weight)]
    arrays = [a for p, _ in parts for a in p]
    train, val = _native.validation_split(arrays, float(fraction))
    out = []
    for half in (train, val):
        i, rebuilt = 0, []
        for p, rebuild in parts:
            rebuilt.append(rebuild(half[i:i + len(p)]))
            i += len(p)
        out.append(rebuilt)
    return out[0][0], out[0][1], out[0][2], tuple(out[1])
