"""tf.keras 2's connectivity attributes of layers and models — ``layer.input``, ``output``,
``input_shape``, ``output_shape``, ``get_input_at(i)``, ``get_output_at(i)``, ``model.input``,
``model.output`` — over the core's record of symbolic calls (``sk_layer_node_count``,
``sk_layer_node_tensors``, ``sk_model_inputs``/``sk_model_outputs``, which give a Sequential
model with a known input shape its graph as tf.keras 2 does).

The symbolic tensors a Python call returned are remembered on the layer by node index, so
``layer.output`` is the very object the call returned (with the layers it came through, which
a model built on it keeps alive); calls the core made (a loaded model, a Sequential's graph)
get new wrappers."""
from .. import _native


def remember_call(layer, inputs, outputs):
    """Called by ``Layer.__call__`` after a symbolic call: the Python tensors of that node."""
    index = _native.layer_node_count(layer._handle) - 1
    layer.__dict__.setdefault("_py_nodes", {})[index] = (list(inputs), list(outputs))


def _wrap(handles, history):
    from .layers import KerasTensor
    return [KerasTensor(h, history) for h in handles]


def node_tensors(layer, index, outputs):
    """The symbolic inputs (or outputs) of the layer's node ``index`` as a list."""
    mine = layer.__dict__.get("_py_nodes", {}).get(index)
    if mine is not None:
        return mine[1 if outputs else 0]
    try:
        handles = _native.layer_node_tensors(layer._handle, int(index), 1 if outputs else 0)
    except (ValueError, RuntimeError) as e:
        raise AttributeError(str(e)) from None
    return _wrap(handles, [layer])


def _one_or_list(items):
    return items[0] if len(items) == 1 else list(items)


def layer_io(layer, outputs, index=0):
    """``layer.input`` / ``layer.output`` (node 0) and ``get_input_at`` / ``get_output_at``."""
    if _native.layer_node_count(layer._handle) == 0:
        raise AttributeError(f"Layer {layer.name} has no inbound nodes." if outputs else
                             f"Layer {layer.name} is not connected, no input to return.")
    return _one_or_list(node_tensors(layer, index, outputs))


def layer_shape(layer, outputs, index=None):
    """``layer.input_shape`` / ``output_shape`` (the same on every node, else AttributeError,
    as tf.keras 2) and ``get_input_shape_at`` / ``get_output_shape_at``."""
    what = "output" if outputs else "input"
    count = _native.layer_node_count(layer._handle)
    if count == 0:
        raise AttributeError(f'The layer "{layer.name}" has never been called and thus has no defined {what} shape. '
                             f"Note that the `{what}_shape` property is only available for Functional and "
                             "Sequential models.")
    nodes = [index] if index is not None else range(count)
    shapes = []
    for i in nodes:
        got = _one_or_list([tuple(t.shape) for t in node_tensors(layer, i, outputs)])
        if got not in shapes:
            shapes.append(got)
    if len(shapes) > 1:
        raise AttributeError(f'The layer "{layer.name}" has multiple inbound nodes, with different {what} shapes. '
                             f'Hence the notion of "{what} shape" is ill-defined for the layer. Use '
                             f"`get_{what}_shape_at(node_index)` instead.")
    return shapes[0]


def model_io(model, outputs):
    """``model.input`` / ``model.output``: the model's own symbolic inputs / outputs (one tensor
    or a list), AttributeError when it has none (a subclassed model, or a Sequential model whose
    input shape is not known)."""
    got = model.outputs if outputs else model.inputs
    if not got:
        raise AttributeError(f"Layer {model.name} has no inbound nodes." if outputs else
                             f"Layer {model.name} is not connected, no input to return.")
    return _one_or_list(got)


def model_shape(model, outputs):
    """``model.input_shape`` / ``model.output_shape`` of a model with symbolic inputs."""
    got = model.outputs if outputs else model.inputs
    if not got:
        what = "output" if outputs else "input"
        raise AttributeError(f'The layer "{model.name}" has never been called and thus has no defined {what} shape.')
    return _one_or_list([tuple(t.shape) for t in got])
