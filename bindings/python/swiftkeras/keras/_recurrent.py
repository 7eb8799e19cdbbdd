"""Masks on eager layer calls and the RNN wrappers of tf.keras 2.

A layer call reads each input's ``_keras_mask`` (or an explicit ``mask=``), passes the masks to the
core (``sk_layer_call_masked``), which applies Keras' masking rules, and sets ``_keras_mask`` on
every output the core gives a mask. ``Bidirectional`` and ``TimeDistributed`` are core layers
built from a config naming the wrapped layer (``{"class_name": ..., "config": ...}``, as Keras
serializes it): the core builds its own copy of the wrapped built-in layer (as Keras' Bidirectional
copies its forward layer), so the wrapper's weights are read from the wrapper.
"""
from .. import _native
from . import layers as _layers


def masks_for(inputs, mask):
    """One mask or None per input: ``mask`` (a tensor for the first input, or a list), else each
    input's ``_keras_mask``."""
    if mask is None:
        return [getattr(x, "_keras_mask", None) for x in inputs]
    masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
    return masks + [None] * (len(inputs) - len(masks))


def training_byte(training):
    """The C API's ``training`` byte: 2 for None (not given: the core applies tf.keras 2's call
    context, each layer's own default at the outermost call), else 0 or 1."""
    return 2 if training is None else int(bool(training))


def call_masked(handle, inputs, mask, training):
    """Calls a core layer with masks and returns its outputs, each with its ``_keras_mask``."""
    outs, out_masks = _native.layer_call_masked(handle, inputs, masks_for(inputs, mask), training_byte(training))
    for o, m in zip(outs, out_masks):
        if m is not None:
            o._keras_mask = m
    return outs


def _custom_cells(layer):
    """The custom cell classes of an ``RNN(cell)`` (by registered name), which the core builds
    again from their configs when it copies the layer."""
    from . import _rnn_cells, _serialization
    if not isinstance(layer, _rnn_cells.RNN):
        return {}
    cells = layer.cell.cells if isinstance(layer.cell, _rnn_cells.StackedRNNCells) else [layer.cell]
    return {_serialization.get_registered_name(type(c)): type(c) for c in cells if type(c)._class_name is None}


def _serialized(layer, owner, arg):
    """Keras' serialized form of a built-in layer (its constructor arguments and its name); an
    ``RNN(cell)``'s is its config (the cell's included, a custom cell's through its get_config)."""
    from . import _rnn_cells
    if isinstance(layer, dict) and "class_name" in layer:   # from_config: already serialized
        return layer
    if isinstance(layer, _rnn_cells.RNN):
        return {"class_name": "RNN", "config": layer.get_config()}
    if not isinstance(layer, _layers.Layer) or layer._class_name is None:
        raise NotImplementedError(f"{owner}: `{arg}` must be a built-in layer (wrapping a custom Python layer "
                                  "is not supported)")
    config = {k: _layers._json_value(v) for k, v in layer._config.items()}
    config["name"] = layer.name
    return {"class_name": layer._class_name, "config": config}


class TimeDistributed(_layers.Layer):
    """keras.layers.TimeDistributed(layer): applies a built-in layer to every step of its input
    (``(batch, steps, ...)``); a mask is passed to the layer and on to the output."""

    _class_name = "TimeDistributed"

    def __init__(self, layer, **kwargs):
        _layers.Layer.__init__(self, layer=_serialized(layer, "TimeDistributed", "layer"), **kwargs)


class Bidirectional(_layers._Recurrent, _layers.Layer):
    """keras.layers.Bidirectional(layer, merge_mode="concat", backward_layer=None): runs a copy of
    the recurrent ``layer`` (LSTM, GRU, SimpleRNN or ``RNN(cell)``, a custom cell copied through its
    ``get_config`` / ``from_config`` as tf.keras 2 does) forwards and one backwards (or ``backward_layer``) and merges their
    outputs ("concat", "sum", "mul", "ave", or None for both). ``initial_state`` is the forward
    layer's states followed by the backward layer's; with ``return_state`` the outputs are followed
    by the forward then the backward final states."""

    _class_name = "Bidirectional"
    _keeps_none = ("merge_mode",)

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if weights is not None:
            raise NotImplementedError("Bidirectional: argument `weights` is not supported "
                                      "(call set_weights once the layer is built)")
        config = {"layer": _serialized(layer, "Bidirectional", "layer"), "merge_mode": merge_mode}
        if backward_layer is not None:
            config["backward_layer"] = _serialized(backward_layer, "Bidirectional", "backward_layer")
        from . import _serialization
        classes = {**_custom_cells(layer), **_custom_cells(backward_layer)}
        with _serialization.resolving(classes) as made:   # the core's copies of custom cells
            _layers.Layer.__init__(self, **config, **kwargs)
        self.__dict__["_made"] = made
