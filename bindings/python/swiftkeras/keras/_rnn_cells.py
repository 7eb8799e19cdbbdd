"""Recurrent cells and ``RNN(cell)`` of tf.keras 2 (keras/layers/rnn/base_rnn.py, stacked_rnn_cells.py).

The cells, the stacking and the recurrent layer live in the core (``rnn_cells.h``): a built-in
cell (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``) is made from its config like any built-in
layer; ``StackedRNNCells`` and ``RNN`` are made over the cells' core handles (the cells are
shared, as in Keras). A custom cell — a ``Layer`` subclass with ``state_size`` and
``call(inputs, states)`` — becomes a core cell whose step calls that ``call`` (its handle is
replaced before it is built, so its weights are the core cell's). What is left here is Keras'
Python surface: states as a (possibly nested) list, ``state_size`` as an int or a list.
"""
import inspect
import json
import weakref

from .. import _native
from . import layers as _layers

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "RNN"]


def _size_value(sizes):
    """Keras' ``state_size`` of a cell with these flat sizes: an int for one state, else a list."""
    return sizes[0] if len(sizes) == 1 else list(sizes)


def _flat(states):
    """The flat list of tensors of a (possibly nested) list of states."""
    if states is None:
        return []
    if isinstance(states, (list, tuple)):
        out = []
        for s in states:
            out.extend(_flat(s))
        return out
    return [states]


def _state_shapes(size, owner, cell_name):
    """The shapes (without the batch) of the states of a Keras ``state_size``, flattened: an int
    is one state ``(n,)``, a ``TensorShape`` one state of that shape, a list or tuple several
    states (nested lists nest them)."""
    from .. import TensorShape
    if isinstance(size, TensorShape):
        dims = list(size)
        if not dims or any(d is None or int(d) < 1 for d in dims):
            raise ValueError(f"{owner}: cell '{cell_name}': a shaped state needs known positive dimensions, got {size!r}")
        return [tuple(int(d) for d in dims)]
    if isinstance(size, (list, tuple)):
        out = []
        for s in size:
            out.extend(_state_shapes(s, owner, cell_name))
        return out
    if isinstance(size, bool) or not hasattr(size, "__index__") or int(size) < 1:
        raise ValueError(f"{owner}: cell '{cell_name}': state_size must be a positive int, a TensorShape or a (nested) "
                         f"list of them, got {size!r}")
    return [(int(size),)]


def _pack(structure, flat):
    """``flat`` (a list) nested as ``structure`` (a Keras state_size) is: lists for lists and
    tuples, one entry per int or TensorShape."""
    from .. import TensorShape
    it = iter(flat)

    def go(s):
        if isinstance(s, (list, tuple)) and not isinstance(s, TensorShape):
            return [go(e) for e in s]
        return next(it)
    return go(structure)


def _to_cell_states(flat, shapes, batch_size=None):
    """The core's flat states ``(batch, prod(shape))`` reshaped to ``(batch,) + shape``."""
    from .. import reshape
    return [s if len(shape) == 1 else reshape(s, [-1 if batch_size is None else batch_size, *shape])
            for s, shape in zip(flat, shapes)]


def _to_core_states(states, shapes):
    """A cell's states (shaped) made flat ``(batch, prod(shape))`` for the core."""
    from .. import reshape
    out = []
    for s, shape in zip(states, shapes):
        n = 1
        for d in shape:
            n *= d
        out.append(s if len(shape) == 1 else reshape(s, [-1, n]))
    return out


def _cell_object(cell):
    """The Python object of a cell handle of a loaded model (the built-in class of its name)."""
    from . import models
    return models._wrap_layer(cell)


class _Cell:
    """What the cells add to a layer: the direct call ``cell(inputs, states, training=None)``
    returning ``(output, new_states)``, ``state_size`` and ``output_size``."""

    def __call__(self, inputs, states=None, training=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__call__: unexpected arguments {sorted(kwargs)}")
        if states is None:
            raise ValueError(f"{type(self).__name__}: a cell is called with its states: cell(inputs, states)")
        outs = self._call_native([inputs] + _flat(states), training)
        return outs[0], self._nest_states(list(outs[1:]))

    def _nest_states(self, flat):
        return flat

    @property
    def state_size(self):
        return _size_value(_native.rnn_cell_state_size(self._handle)[0])

    @property
    def output_size(self):
        return _native.rnn_cell_state_size(self._handle)[1]

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zero states for a batch of ``batch_size`` (or the batch of ``inputs``), as Keras."""
        from .. import zeros
        if batch_size is None:
            batch_size = inputs.shape[0]
        sizes = _native.rnn_cell_state_size(self._handle)[0]
        states = [zeros((batch_size, s), dtype=dtype or "float32") for s in sizes]
        return states[0] if len(states) == 1 else states


for _n in ("SimpleRNNCell", "LSTMCell", "GRUCell"):
    globals()[_n] = _layers._make_builtin(_n, ("units",), mixin=_Cell)


def core_cell(cell, owner):
    """The core handle of a cell: a built-in cell's or stacked cells' own, or that of a custom
    ``Layer`` subclass with ``state_size`` made a core cell (before it is built)."""
    if not isinstance(cell, _layers.Layer):
        raise TypeError(f"{owner}: a cell must be a keras.layers.Layer with a state_size, got {cell!r}")
    if cell._class_name is not None or cell.__dict__.get("_rnn_cell"):
        if not isinstance(cell, _Cell) and not cell.__dict__.get("_rnn_cell"):
            raise ValueError(f"{owner}: layer '{cell.name}' ({type(cell).__name__}) is not an RNN cell")
        return cell._handle
    size = getattr(cell, "state_size", None)
    if size is None:
        raise ValueError("The RNN cell should have a `state_size` attribute (tuple of integers, one integer per "
                         "RNN state).")
    shapes = _state_shapes(size, owner, cell.name)
    if not shapes:
        raise ValueError(f"{owner}: cell '{cell.name}': state_size {size!r} has no state")
    sizes = []
    for shape in shapes:
        n = 1
        for d in shape:
            n *= d
        sizes.append(n)
    from .. import TensorShape
    nested = isinstance(size, (list, tuple)) and not isinstance(size, TensorShape)
    output_size = getattr(cell, "output_size", None)
    if output_size is not None and not isinstance(output_size, int):
        raise NotImplementedError(f"{owner}: cell '{cell.name}': output_size must be an int (got {output_size!r})")
    if cell.built or cell._py_weights:
        raise NotImplementedError(f"{owner}: the custom cell '{cell.name}' must be given to the RNN before it is "
                                  "built (its weights belong to the recurrent cell the core makes of it)")
    plain_build, _ = cell._custom_callbacks()
    ref = weakref.ref(cell)
    try:
        params = inspect.signature(cell.call).parameters
        takes_training = "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
    except (TypeError, ValueError):
        takes_training = False

    def build(layer, shape):
        obj = ref()
        constant_shapes = obj.__dict__.get("_constant_shapes") if obj is not None else None
        if constant_shapes:   # tf.keras 2: cell.build([step_input_shape] + constant shapes)
            obj.build([tuple(shape)] + [tuple(c) for c in constant_shapes])
            obj.built = True
            return
        plain_build(layer, shape)

    n_states = len(sizes)

    def step(x, flat, training):
        obj = ref()
        if obj is None:
            raise RuntimeError("the Python cell object is gone")
        states = _to_cell_states(flat[:n_states], shapes)
        states = _pack(size, states) if nested else states
        kwargs = {"training": training} if takes_training else {}
        if len(flat) > n_states:   # the RNN's constants follow the states (Keras call(..., constants=))
            kwargs["constants"] = list(flat[n_states:])
        r = obj.call(x, states, **kwargs)
        if not isinstance(r, (list, tuple)) or len(r) != 2:
            raise ValueError(f"cell '{obj.name}': call must return (output, new_states), got {r!r}")
        return [r[0]] + _to_core_states(_flat(r[1]), shapes)

    handle = _native.rnn_cell_create_custom(cell.name, sizes, output_size or 0, build, step)
    for child in cell.__dict__.get("_tracked", []):
        _native.layer_track(handle, child._handle)
    if not cell.trainable:
        _native.layer_trainable(handle, False)
    cell.__dict__["_handle"] = handle
    cell.__dict__["_rnn_cell"] = True
    cell.__dict__["_state_layout"] = (size, shapes, nested)
    from . import _serialization
    _serialization.install_config_source(cell)
    return handle


def _cells_from(value, owner):
    """A cell object from a cell, or from its serialized config (tf.keras 2 from_config)."""
    if isinstance(value, dict):
        from ._serialization import deserialize
        return deserialize(value)
    return value


def _init_over_handles(layer, make, options, kwargs):
    """Layer.__init__ for a core layer made over other layers' handles: ``make(config_json)``."""
    name, dtype = kwargs.pop("name", None), kwargs.pop("dtype", None)
    trainable = kwargs.pop("trainable", True)
    input_shape = kwargs.pop("input_shape", None)
    if kwargs.get("batch_input_shape") is not None:
        input_shape = tuple(kwargs.pop("batch_input_shape"))[1:]
    config = dict(options, **{k: v for k, v in kwargs.items() if v is not None})
    for k, v in (("name", name), ("dtype", dtype), ("input_shape", list(input_shape) if input_shape else None)):
        if v is not None:
            config[k] = v
    if trainable is not True:
        config["trainable"] = bool(trainable)
    d = layer.__dict__
    d["_input_shape"] = tuple(input_shape) if input_shape else None
    d["_trainable"], d["_dtype_arg"], d["_py_weights"], d["built"] = trainable, dtype, [], False
    d["_config"] = config
    d["_handle"] = make(json.dumps({k: _layers._json_value(v) for k, v in config.items()}))


class StackedRNNCells(_Cell, _layers.Layer):
    """keras.layers.StackedRNNCells(cells): runs the cells one after the other in each step (each
    one's output is the next one's input). Its states are the cells' states, one entry per cell
    (a list for a cell with several states, a tensor otherwise); ``state_size`` one per cell."""

    _class_name = "StackedRNNCells"

    def __init__(self, cells, **kwargs):
        cells = [_cells_from(c, "StackedRNNCells") for c in cells]
        handles = [core_cell(c, "StackedRNNCells") for c in cells]
        _init_over_handles(self, lambda js: _native.rnn_cells_stack(js, *handles), {}, kwargs)
        self.__dict__["_cells"] = cells

    @property
    def cells(self):
        if "_cells" not in self.__dict__:   # a layer of a loaded model
            cells = []
            while True:
                try:
                    cells.append(_cell_object(_native.rnn_cell(self._handle, len(cells))))
                except IndexError:
                    break
            self.__dict__["_cells"] = cells
        return self.__dict__["_cells"]

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    def _nest_states(self, flat):
        out, i = [], 0
        for c in self.cells:
            n = len(_native.rnn_cell_state_size(c._handle)[0])
            out.append(flat[i] if n == 1 else flat[i:i + n])
            i += n
        return out


class RNN(_layers._Recurrent, _layers.Layer):
    """keras.layers.RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, unroll=False, time_major=False, zero_output_for_mask=False): the recurrent layer
    over a cell (a built-in cell, ``StackedRNNCells``, a list of cells, or a custom cell). Over a
    built-in cell it runs like LSTM / GRU / SimpleRNN on the cell's weights. With ``return_state``
    the outputs are followed by the final states, one entry per state of the cell (stacked cells:
    one entry per cell, a list for a cell with several states)."""

    _class_name = "RNN"

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, time_major=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        cell = _cells_from(cell, "RNN")
        handle = core_cell(cell, "RNN")
        options = {"return_sequences": bool(return_sequences), "return_state": bool(return_state),
                   "go_backwards": bool(go_backwards), "stateful": bool(stateful), "unroll": bool(unroll),
                   "time_major": bool(time_major)}
        if zero_output_for_mask:
            options["zero_output_for_mask"] = True
        _init_over_handles(self, lambda js: _native.rnn_create(handle, js), options, kwargs)
        self.__dict__["_cell"] = cell

    @property
    def cell(self):
        if "_cell" not in self.__dict__:   # a layer of a loaded model
            self.__dict__["_cell"] = _cell_object(_native.rnn_cell(self._handle, 0))
        return self.__dict__["_cell"]

    def __call__(self, inputs, *args, initial_state=None, constants=None, training=None, mask=None, **kwargs):
        layout = self.cell.__dict__.get("_state_layout")
        if initial_state is not None:
            initial_state = _flat(initial_state)
            if layout is not None:
                initial_state = _to_core_states(initial_state, layout[1])
        if constants is None:
            out = _layers._Recurrent.__call__(self, inputs, *args, initial_state=initial_state, training=training,
                                              mask=mask, **kwargs)
        else:
            out = self._call_with_constants(inputs, args, kwargs, initial_state, _flat(constants), training, mask)
        if isinstance(out, list) and isinstance(self.cell, StackedRNNCells):
            return [out[0]] + self.cell._nest_states(out[1:])
        if isinstance(out, list) and layout is not None:
            states = _to_cell_states(out[1:], layout[1])
            return [out[0]] + (_pack(layout[0], states) if layout[2] else states)
        return out

    def _call_with_constants(self, inputs, args, kwargs, initial_state, constants, training, mask):
        """tf.keras 2 ``RNN(cell)(x, constants=c)``: the constants follow the input and the
        initial states, the core told how many (call argument "num_constants"); each step of the
        cell gets them (``call(inputs, states, constants)``)."""
        if args or kwargs:
            raise TypeError(f"RNN.__call__: unexpected arguments {list(args) + sorted(kwargs)}")
        if not constants:
            raise ValueError("RNN: constants must hold at least one tensor")
        if mask is not None or getattr(inputs, "_keras_mask", None) is not None:
            raise NotImplementedError("RNN: masks together with constants are not supported")
        if not self.built:
            self.cell.__dict__["_constant_shapes"] = [tuple(c.shape) for c in constants]
        ins = [inputs] + list(initial_state or []) + constants
        return self._call_native(ins, training, arguments={"num_constants": len(constants)})
