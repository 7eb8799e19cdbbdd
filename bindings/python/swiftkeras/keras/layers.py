"""swiftkeras.keras.layers: tf.keras.layers over the Swift core's layers (sk_layer_*).

Built-in layers are created by Keras class name with a JSON config (``sk_layer_create``); custom
layers subclass :class:`Layer` exactly as in tf.keras (``build``/``add_weight``/``call``) and run
through ``sk_layer_create_custom`` with Python callbacks.
"""
import inspect
import json
import os
import sys
import weakref

from .. import _native
from .._variables import Variable
from . import _keras_objects, initializers as _initializers, regularizers as _regularizers
from . import constraints as _constraints
from . import _custom_masks

_native._register_variable_class(Variable)

__all__ = ["Layer", "InputLayer", "Input", "KerasTensor"]


def _json_value(v):
    if isinstance(v, tuple):
        return [_json_value(e) for e in v]
    if isinstance(v, list):
        return [_json_value(e) for e in v]
    if isinstance(v, _native.DType):
        return v.name
    if hasattr(v, "name") and type(v).__name__ == "Policy":
        return v.name
    if isinstance(v, (_initializers.Initializer, _regularizers.Regularizer, _constraints._CoreConstraint)):
        return _keras_objects.keras_json(v)   # its class and config, arguments included
    if callable(v) and not isinstance(v, type):
        # an activation / initializer given as a function or object: its Keras name
        name = getattr(v, "__name__", None) or type(v).__name__
        return _snake(name)
    return v


def _snake(name):
    """Keras' to_snake_case, the core's rule of default names (``sk_snake_case``)."""
    return _native.snake_case(name)


def _layers_in(value):
    """The layers an attribute value holds: a Layer, or the Layers of a list or tuple."""
    if isinstance(value, Layer):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Layer)]
    return []


def _variables_in(value):
    """The variables an attribute value holds: a Variable, or the Variables of a list or tuple."""
    if isinstance(value, _native.Variable):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, _native.Variable)]
    return []


def _is_tensorlike_seq(x):
    return isinstance(x, (list, tuple)) and len(x) > 0 and all(
        isinstance(e, (_native.Tensor, _native.Variable, KerasTensor)) or
        (hasattr(e, "shape") and hasattr(e, "dtype") and not isinstance(e, (list, tuple)))
        for e in x)


class KerasTensor:
    """A symbolic tensor of the functional API (``keras.Input(...)``, ``layer(keras_tensor)``)."""

    def __init__(self, handle, history=()):
        self._kt = handle
        self._layers = list(history)   # the layers that produced it (kept alive by models)

    @property
    def shape(self):
        return _native.keras_tensor_shape(self._kt)

    @property
    def dtype(self):
        """The dtype the values will have (``sk_keras_tensor_dtype``)."""
        return _native.as_dtype(_native.keras_tensor_dtype(self._kt))

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}>"


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, tensor=None,
          batch_shape=None, **kwargs):
    """keras.Input: a symbolic input; ``shape`` excludes the batch dimension."""
    if shape is None and batch_shape is not None:
        shape = tuple(batch_shape)[1:]
    if shape is None:
        raise ValueError("Input: give shape= (without the batch dimension)")
    if isinstance(shape, int):
        shape = (shape,)
    return KerasTensor(_native.input(list(shape), dtype, name))


class Layer:
    """Base class of all layers, subclassable as ``tf.keras.layers.Layer``.

    A subclass defines ``build(input_shape)`` (creating weights with ``self.add_weight``),
    ``call(inputs)`` (optionally ``training=``) and optionally ``compute_output_shape``.
    """

    _class_name = None   # a built-in class name: the layer is made by sk_layer_create
    _positional_call_arguments = ()   # call arguments after the inputs given by position (Softmax: mask)
    _keeps_none = ()     # config keys whose None is a value (Bidirectional's merge_mode)

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, **kwargs):
        input_dim = kwargs.pop("input_dim", None) if self._class_name != "Embedding" else None
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        if input_shape is None and batch_input_shape is not None:
            input_shape = tuple(batch_input_shape)[1:]
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        self._input_shape = tuple(input_shape) if input_shape is not None else None
        self._trainable = trainable
        self._dtype_arg = dtype
        self._py_weights = []
        self.built = False
        if self._class_name is None:
            self._handle = self._make_custom(name)
            _serialization.install_config_source(self)
            if not trainable:
                _native.layer_trainable(self._handle, False)
        else:
            config = {k: v for k, v in kwargs.items() if v is not None or k in self._keeps_none}
            custom_constraints = {k: config.pop(k) for k, v in list(config.items())
                                  if k.endswith("_constraint") and callable(v) and not isinstance(v, type)
                                  and not isinstance(v, _constraints._CoreConstraint)}
            if name is not None:
                config["name"] = name
            if dtype is not None:
                config["dtype"] = dtype
            if trainable is not True:
                config["trainable"] = bool(trainable)
            if self._input_shape is not None:
                config["input_shape"] = list(self._input_shape)
            self._config = config
            self._handle = _native.layer_create(self._class_name,
                                                json.dumps({k: _json_value(v) for k, v in config.items()}))
            for k, v in custom_constraints.items():   # Constraint subclasses and functions: callbacks
                _constraints.set_on_layer(self._handle, k, v)
                config[k] = v

    # -- attribute tracking (nested layers) ---------------------------------------------------
    _NO_TRACK = frozenset({"_layer_list", "_inputs", "_outputs", "_tracked"})

    def _tracks_attributes(self):
        """Custom layers and subclassed models track the layers they hold (built-in layers,
        Sequential and functional models do not)."""
        return self._class_name is None and self.__dict__.get("_attr_tracking", True)

    def __setattr__(self, name, value):
        if name not in Layer._NO_TRACK and self._tracks_attributes():
            children = _layers_in(value)
            if children:
                if "_handle" not in self.__dict__:
                    raise RuntimeError(
                        f"{type(self).__name__}: assign layers to attributes only after calling "
                        "super().__init__() (the layer is not created yet)")
                for child in children:
                    if child is not self:
                        self._track(child)
            for v in _variables_in(value):   # tf.keras 2 tracks tf.Variable attributes too
                if "_handle" not in self.__dict__:
                    raise RuntimeError(
                        f"{type(self).__name__}: assign variables to attributes only after calling "
                        "super().__init__() (the layer is not created yet)")
                _native.layer_track_variable(self._handle, v)
                _VARIABLES.setdefault(_native.variable_id(v), v)   # layer.weights gives this object
        object.__setattr__(self, name, value)

    def _track(self, child):
        """Makes ``child`` part of this layer (``sk_layer_track``): its weights follow this one's."""
        _native.layer_track(self._handle, child._handle)
        tracked = self.__dict__.setdefault("_tracked", [])
        if not any(c is child for c in tracked):
            tracked.append(child)

    # -- custom layers ---------------------------------------------------------------------
    def _make_custom(self, name):
        build, call = self._custom_callbacks()
        if name is None:
            name = _snake(type(self).__name__)
        handle = _native.layer_create_custom(name, build, call)
        _custom_masks.install(self, handle)
        return handle

    def compute_mask(self, inputs, mask=None):
        """The output mask (tf.keras 2): the input mask when the layer supports masking, else
        None. A custom layer overriding it supports masking and gives its outputs' masks."""
        return mask if self.supports_masking else None

    def _custom_callbacks(self):
        """The (build, call) callbacks of a custom layer or subclassed model: they reach this
        object through a weak reference (the core object must not keep it alive)."""
        ref = weakref.ref(self)
        try:
            params = inspect.signature(self.call).parameters
            takes_training = "training" in params or any(
                p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
        except (TypeError, ValueError):
            takes_training = False

        def build(_layer, shape):
            obj = ref()
            if obj is None:
                raise RuntimeError("the Python layer object is gone")
            obj.build(shape)
            obj.built = True

        def call(inputs, training):
            obj = ref()
            if obj is None:
                raise RuntimeError("the Python layer object is gone")
            # a layer first called with several positional tensors (call(self, a, b)) gets them so
            args = list(inputs) if len(inputs) > 1 and obj.__dict__.get("_spread_inputs") else \
                [inputs[0] if len(inputs) == 1 else list(inputs)]
            if takes_training:
                return obj.call(*args, training=training)
            return obj.call(*args)

        return build, call

    def build(self, input_shape):
        """Creates the weights (override); for a built-in layer the core creates them for
        ``input_shape`` (``sk_layer_build``), a custom layer's base version only marks it built."""
        if self._class_name is not None:
            _native.layer_build(self._handle, [-1 if d is None else int(d) for d in input_shape])
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The computation (override in custom layers)."""
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape`` (batch included): a built-in layer's or a model's
        from the core (``sk_layer_compute_output_shape``); a custom layer's base version returns
        ``input_shape`` (override it)."""
        if self._class_name is None and not hasattr(self, "_model"):
            return input_shape
        return _native.layer_compute_output_shape(self._handle, [-1 if d is None else int(d) for d in input_shape])

    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, **kwargs):
        """Adds a weight (``sk_layer_add_weight``) and returns it as a Variable."""
        if shape is None:
            shape = ()
        if isinstance(shape, int):
            shape = (shape,)
        init = None if initializer is None else _json_value(initializer)
        if init is not None and not isinstance(init, str):
            raise TypeError(f"add_weight: unsupported initializer {initializer!r}")
        v = _native.layer_add_weight(self._handle, name or f"weight_{len(self._py_weights)}",
                                     [int(d) for d in shape], init, bool(trainable))
        v = _stable_variables([v])[0]
        if constraint is not None:
            _constraints.set_on_variable(v, constraint)
            v.__dict__["_constraint"] = constraint
        self._py_weights.append(v)
        return v

    # -- calling ---------------------------------------------------------------------------
    def __call__(self, inputs, *args, training=None, mask=None, **kwargs):
        if args and mask is None and "mask" in self._positional_call_arguments:
            mask, args = args[0], args[1:]   # Softmax()(x, mask): call(inputs, mask=None)
        if args and self._class_name is None and all(
                isinstance(a, KerasTensor) or hasattr(a, "shape") for a in (inputs,) + args):
            # a custom layer whose call takes several tensors positionally (tf.keras 2 passes
            # them through): the core sees one multi-input call, the callback spreads them again
            self.__dict__["_spread_inputs"] = True
            inputs, args = [inputs, *args], ()
        if args or kwargs:
            raise NotImplementedError(f"{type(self).__name__}.__call__: the arguments "
                                      f"{[f'#{i + 1} positional' for i in range(len(args))] + sorted(kwargs)} "
                                      "are not supported (only inputs and training)")
        return self._call_native(inputs, training, mask=mask)

    def _call_native(self, inputs, training, arguments=None, mask=None):
        """Calls the core layer on a tensor or a list (eager or symbolic); `arguments` (a dict)
        are the call arguments besides the inputs (sk_layer_call_ex / sk_layer_call_symbolic_ex);
        `mask` the inputs' masks (eager calls; otherwise each input's ``_keras_mask``)."""
        extra = () if arguments is None else (json.dumps(arguments),)
        if isinstance(inputs, KerasTensor) or (
                isinstance(inputs, (list, tuple)) and inputs and all(isinstance(e, KerasTensor) for e in inputs)):
            ins = [inputs] if isinstance(inputs, KerasTensor) else list(inputs)
            if mask is not None:
                raise NotImplementedError(f"{type(self).__name__}.__call__: mask= on symbolic tensors is not "
                                          "supported (masks made by layers propagate through models)")
            hist = []
            for k in ins:
                hist.extend(l for l in k._layers if not any(l is h for h in hist))
            hist.append(self)
            outs = [KerasTensor(kt, hist) for kt in
                    _native.layer_call_symbolic_multi(self._handle, [k._kt for k in ins], *extra)]
            _layer_graph.remember_call(self, ins, outs)
            self.built = True
            return outs[0] if len(outs) == 1 else outs
        ins = list(inputs) if _is_tensorlike_seq(inputs) else [inputs]
        if arguments is None:
            outs = _recurrent.call_masked(self._handle, ins, mask, training)
        else:
            outs = _native.layer_call_multi(self._handle, ins, _recurrent.training_byte(training), *extra)
        self.built = True
        return outs[0] if len(outs) == 1 else outs

    # -- properties ------------------------------------------------------------------------
    @property
    def name(self):
        return _native.layer_name(self._handle)

    @property
    def trainable(self):
        """Whether the layer trains (the core's flag); setting False freezes it and every layer
        it holds: no trainable weights, not updated by fit, BatchNormalization in inference
        mode (tf.keras 2). Compile again after changing it."""
        return _native.layer_trainable(self._handle)

    @trainable.setter
    def trainable(self, value):
        _native.layer_trainable(self._handle, bool(value))
        self.__dict__["_trainable"] = bool(value)

    def add_loss(self, losses, **kwargs):
        """Adds loss tensors computed in ``call`` (tf.keras ``add_loss``; the core's
        ``sk_layer_add_loss``): fit/evaluate add them to the compiled loss (or train on them
        alone after ``compile(loss=None)``). A zero-argument callable (e.g. ``lambda:
        0.01 * tf.reduce_sum(v)``) is called again each time the losses are read, so every
        training step sees its current value (``sk_layer_add_loss_fn``)."""
        from ._unsupported import refuse_unsupported
        refuse_unsupported("add_loss", **{k: (v, None) for k, v in kwargs.items()})
        for loss in (losses if isinstance(losses, (list, tuple)) else [losses]):
            if isinstance(loss, KerasTensor):   # a functional model's loss from its graph's tensors
                _native.model_add_symbolic(self._symbolic_owner("add_loss"), loss._kt, None, None)
                self._keep_symbolic(loss)
            elif callable(loss) and not hasattr(loss, "shape"):
                _native.layer_add_loss_fn(self._handle, loss)
            else:
                _native.layer_add_loss(self._handle, loss)

    def add_metric(self, value, name=None, aggregation=None):
        """tf.keras 2 ``add_metric(value, name, aggregation="mean")`` in ``call``: the mean of the
        values under ``name`` (a Mean metric per name in the core, ``sk_layer_add_metric``),
        listed in ``model.metrics``, reset each epoch and shown in the logs of fit and
        evaluate."""
        if name is None:
            raise ValueError("add_metric: please provide a name for your metric like `self.add_metric(tf.reduce_sum"
                             "(inputs), name='mean_activation')`")
        if isinstance(value, KerasTensor):   # a functional model's metric of its graph's tensors
            _native.model_add_symbolic(self._symbolic_owner("add_metric"), value._kt, str(name), aggregation)
            self._keep_symbolic(value)
            return
        _native.layer_add_metric(self._handle, value, str(name), aggregation)

    @property
    def metrics(self):
        """tf.keras 2 ``layer.metrics``: the Metric objects assigned to the layer's attributes,
        then the ``add_metric`` metrics of the layer and its sublayers (``sk_layer_metrics``)."""
        from . import metrics as _metrics
        out = [v for v in self.__dict__.values() if isinstance(v, _metrics.Metric)]
        return out + [_metrics.Metric._of_core(h) for h in _native.layer_metrics(self._handle)]

    def _symbolic_owner(self, what):
        """The core model that takes ``add_loss`` / ``add_metric`` of a symbolic tensor: only a
        functional model (its graph computes the tensor on every call)."""
        model = self.__dict__.get("_model")
        if model is None:
            raise ValueError(f"{what}: a symbolic tensor (KerasTensor) can only be added to a functional model "
                             f"(keras.Model(inputs, outputs)); {type(self).__name__} '{self.name}' is not one")
        return model

    def _keep_symbolic(self, tensor):
        """Keeps the Python layers (TFOpLambda, custom layers) that compute an added symbolic loss or
        metric alive with the model: the core calls back into them on every call."""
        self.__dict__.setdefault("_symbolic_terms", []).append(tensor)

    @property
    def losses(self):
        """The ``add_loss`` terms of the last call (this layer's and its sublayers'), then the
        weight regularization penalties at the current weights (tf.keras 2 ``losses``)."""
        return _native.layer_losses(self._handle)

    @property
    def supports_masking(self):
        """Whether the layer passes its input mask on to its output (tf.keras 2): a custom layer
        sets it to let masks through; the built-in layers Keras lets masks through have it."""
        return _native.layer_supports_masking(self._handle)

    @supports_masking.setter
    def supports_masking(self, value):
        if "_handle" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: set supports_masking after calling super().__init__()")
        _native.layer_supports_masking(self._handle, bool(value))

    @property
    def weights(self):
        return _stable_variables(_native.layer_weights(self._handle, True, False))

    variables = weights

    @property
    def trainable_weights(self):
        return _stable_variables(_native.layer_weights(self._handle, True, True))

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        return [v for v in self.weights if not v.trainable]

    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        ws = _native.layer_weights(self._handle, False, False)
        try:
            return [w.numpy() for w in ws]
        except ImportError:
            return ws

    def set_weights(self, weights):
        _native.layer_set_weights(self._handle, list(weights))

    def count_params(self):
        """The number of scalars in the weights (an int); ValueError before the layer is built."""
        if not self.built and not self.weights:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the layer isn't built. "
                             f"You can build it manually via: `{self.name}.build(batch_input_shape)`.")
        return int(_native.layer_count_params(self._handle))

    # -- connectivity (tf.keras 2; _layer_graph.py) ------------------------------------------
    input = property(lambda self: _layer_graph.layer_io(self, False), doc="The inputs of node 0 (tf.keras 2).")
    output = property(lambda self: _layer_graph.layer_io(self, True), doc="The outputs of node 0 (tf.keras 2).")
    input_shape = property(lambda self: _layer_graph.layer_shape(self, False), doc="The input shape (tf.keras 2).")
    output_shape = property(lambda self: _layer_graph.layer_shape(self, True), doc="The output shape (tf.keras 2).")

    def get_input_at(self, node_index):
        return _layer_graph.layer_io(self, False, node_index)

    def get_output_at(self, node_index):
        return _layer_graph.layer_io(self, True, node_index)

    def get_input_shape_at(self, node_index):
        return _layer_graph.layer_shape(self, False, node_index)

    def get_output_shape_at(self, node_index):
        return _layer_graph.layer_shape(self, True, node_index)

    @property
    def dtype_policy(self):
        from . import mixed_precision
        if self._dtype_arg is None:
            return mixed_precision.global_policy()
        return mixed_precision.Policy(_json_value(self._dtype_arg))

    @property
    def dtype(self):
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self.dtype_policy.variable_dtype

    def get_config(self):
        """The layer's config: a built-in layer's from the core (every Keras key, as
        ``keras.layers.serialize`` writes it); a custom layer's base keys (``name``,
        ``trainable``, ``dtype``) for a subclass to extend, as tf.keras 2's ``Layer.get_config``
        (NotImplementedError when its ``__init__`` takes arguments and ``get_config`` is not
        overridden)."""
        return _serialization.layer_config(self)

    @classmethod
    def from_config(cls, config):
        """A new layer from ``get_config()``'s dict (``cls(**config)``, as tf.keras 2)."""
        return _serialization.layer_from_config(cls, config)

    def __getattr__(self, name):
        # Keras' weight attributes of built-in layers (kernel, bias, gamma, beta, moving_mean,
        # embeddings, depthwise_kernel, recurrent_kernel, ...): the weight of that name.
        if name.startswith("_") or "_handle" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        if name in ("input", "output", "input_shape", "output_shape"):
            return getattr(type(self), name).fget(self)   # its own AttributeError, not a generic one
        try:
            return _serialization.weight_attribute(self, name)
        except AttributeError:
            # the constructor arguments of built-in layers (units, activation, kernel_size, ...)
            return _layer_attributes.config_attribute(self, name)

    def __repr__(self):
        if "_handle" not in self.__dict__:
            return f"<{type(self).__name__} (not created)>"
        return f"<{type(self).__name__} name={self.name}>"


# -- built-in layers: Keras kwargs -> the JSON config of sk_layer_create ---------------------
_CONV = ("filters", "kernel_size", "strides", "padding")  # Keras' BaseConv signature
_POOL = ("pool_size", "strides", "padding")              # Keras' BasePooling signature
_BUILTINS = {
    # class name: positional argument names (as in tf.keras)
    "Dense": ("units", "activation"),
    "Activation": ("activation",),
    "Dropout": ("rate", "noise_shape", "seed"),
    "Reshape": ("target_shape",),
    "Permute": ("dims",),
    "RepeatVector": ("n",),
    "BatchNormalization": ("axis", "momentum", "epsilon"),
    "LayerNormalization": ("axis", "epsilon"),
    **dict.fromkeys(("Conv1D", "Conv2D", "Conv2DTranspose", "SeparableConv2D", "Conv3D", "Conv1DTranspose",
                     "Conv3DTranspose"), _CONV),
    "DepthwiseConv2D": ("kernel_size", "strides", "padding", "depth_multiplier"),
    "SeparableConv1D": _CONV,
    **dict.fromkeys(("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"), _POOL),
    "ZeroPadding2D": ("padding",),
    "UpSampling2D": ("size",),
    "Embedding": ("input_dim", "output_dim"),
    "Masking": ("mask_value",),
    "SimpleRNN": ("units", "activation"),
    **dict.fromkeys(("LSTM", "GRU"), ("units", "activation", "recurrent_activation")),
    "Concatenate": ("axis",),
    "Dot": ("axes", "normalize"),
    "LeakyReLU": ("alpha",),
    "ReLU": ("max_value", "negative_slope", "threshold"),
    "PReLU": ("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"),
    "ELU": ("alpha",),
    "Softmax": ("axis",),
    "ThresholdedReLU": ("theta",),
    "ZeroPadding1D": ("padding",),
    "Cropping1D": ("cropping",),
    "Cropping2D": ("cropping", "data_format"),
    "UpSampling1D": ("size",),
    "InputLayer": ("shape", "batch_size"),
    "GaussianNoise": ("stddev", "seed"),
    "GaussianDropout": ("rate", "seed"),
    "AlphaDropout": ("rate", "noise_shape", "seed"),
    **dict.fromkeys(("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"), ("rate",)),
    "ActivityRegularization": ("l1", "l2"),
    "UnitNormalization": ("axis",),
    "GroupNormalization": ("groups", "axis", "epsilon"),
    **dict.fromkeys(("MaxPooling3D", "AveragePooling3D"), _POOL),
    **dict.fromkeys(("GlobalAveragePooling3D", "GlobalMaxPooling3D"), ()),
    # no positional arguments
    **dict.fromkeys(("Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
                     "GlobalMaxPooling2D", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), ()),
}


_KERAS_CLASSES = []


def _keras_class(cls_name):
    """tf.keras 2's constructor parameters and docstring of a layer class, or None: the table
    layer_signatures.json, generated from the reference by tools/keras_signatures.py."""
    if not _KERAS_CLASSES:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layer_signatures.json")
        with open(path, encoding="utf-8") as f:
            _KERAS_CLASSES.append(json.load(f)["classes"])
    return _KERAS_CLASSES[0].get(cls_name)


def _tupled(v):
    return tuple(_tupled(e) for e in v) if isinstance(v, list) else v


def _keras_signature(cls_name):
    """Keras' constructor signature of a built-in layer class, or None."""
    entry = _keras_class(cls_name)
    if entry is None:
        return None
    P = inspect.Parameter
    out = []
    for p in entry["params"]:
        if p[0] == "**":
            out.append(P(p[1], P.VAR_KEYWORD))
        elif len(p) == 1:
            out.append(P(p[0], P.POSITIONAL_OR_KEYWORD))
        else:
            out.append(P(p[0], P.POSITIONAL_OR_KEYWORD, default=_tupled(p[1])))
    return inspect.Signature(out)


def _keras_doc(cls_name):
    entry = _keras_class(cls_name)
    head = f"keras.layers.{cls_name} (built-in, in the Swift core)."
    if entry is None:
        return head
    return f"{entry['doc']}\n\n{head} Arguments the core does not implement raise NotImplementedError."


def _make_builtin(cls_name, positional, mixin=None):
    """The wrapper class of the core's layer `cls_name`; `mixin` (a class) adds Python-side behaviour."""
    sig = _keras_signature(cls_name)
    if sig is not None:   # Keras' order: every named argument may be given by position
        positional = tuple(p.name for p in sig.parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD)

    def __init__(self, *args, **kwargs):
        if len(args) > len(positional):
            raise TypeError(f"{cls_name}() takes at most {len(positional)} positional arguments "
                            f"({len(args)} given)")
        for k, v in zip(positional, args):
            if k in kwargs:
                raise TypeError(f"{cls_name}() got multiple values for argument '{k}'")
            kwargs[k] = v
        if cls_name == "InputLayer" and kwargs.get("shape") is None and kwargs.get("input_shape") is not None:
            kwargs["shape"] = kwargs.pop("input_shape")
        Layer.__init__(self, **kwargs)

    if sig is not None:
        __init__.__signature__ = sig.replace(parameters=[inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                                                         *sig.parameters.values()])
    doc = _keras_doc(cls_name) + ("\n\n" + mixin.__doc__ if mixin is not None and mixin.__doc__ else "")
    bases = (mixin, Layer) if mixin is not None else (Layer,)
    return type(cls_name, bases, {"_class_name": cls_name, "__init__": __init__, "__doc__": doc})


for _n, _p in _BUILTINS.items():
    globals()[_n] = _make_builtin(_n, _p)
    __all__.append(_n)
globals()["Softmax"]._positional_call_arguments = ("mask",)   # tf.keras 2: Softmax()(x, mask)


class _Recurrent:
    """What SimpleRNN, LSTM and GRU add to the built-in layer: ``initial_state`` (a call argument,
    eager or symbolic: the states become extra inputs), ``reset_states`` and ``states``
    (``stateful=True``). ``return_state=True`` returns ``[output] + states`` from any call."""

    def __call__(self, inputs, *args, initial_state=None, training=None, mask=None, constants=None, **kwargs):
        if constants is not None:
            raise NotImplementedError(f"{type(self).__name__}: the constants argument is not supported")
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__call__: unexpected arguments "
                            f"{list(args) + sorted(kwargs)}")
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            inputs = [inputs] + states
        return Layer.__call__(self, inputs, training=training, mask=mask)

    def reset_states(self, states=None):
        """Forgets a stateful layer's states (zeros at the next call), or sets them to ``states``."""
        if states is not None and not isinstance(states, (list, tuple)):
            states = [states]
        _native.layer_reset_states(self._handle, None if states is None else list(states))

    @property
    def cell(self):
        """The layer's cell (tf.keras 2 ``layer.cell``): its weights ``kernel``,
        ``recurrent_kernel``, ``bias`` and ``units``."""
        return _serialization.RecurrentCellView(self)

    @property
    def states(self):
        """The states a stateful layer carries to its next call ([None] before the first call, as Keras)."""
        st = _native.layer_states(self._handle)
        return st if st else [None]


for _n in ("SimpleRNN", "LSTM", "GRU"):
    globals()[_n] = _make_builtin(_n, _BUILTINS[_n], mixin=_Recurrent)


_BuiltinActivation = globals()["Activation"]


class Activation(_BuiltinActivation):
    __doc__ = _BuiltinActivation.__doc__ + """

    Any Python function works (tf.keras 2 ``Activation(fn)``): one that is not among
    ``keras.activations`` runs as a custom layer calling it, and ``get_config`` names it."""

    def __init__(self, activation, **kwargs):
        from . import activations
        if callable(activation) and not isinstance(activation, str) and \
                getattr(activations, getattr(activation, "__name__", ""), None) is not activation:
            self.__dict__["_function"] = activation
            self.__dict__["_class_name"] = None   # this instance runs as a custom layer
            Layer.__init__(self, **kwargs)
            return
        _BuiltinActivation.__init__(self, activation, **kwargs)

    if hasattr(_BuiltinActivation.__init__, "__signature__"):
        __init__.__signature__ = _BuiltinActivation.__init__.__signature__

    def call(self, inputs):
        return self.__dict__["_function"](inputs)

    def get_config(self):
        fn = self.__dict__.get("_function")
        if fn is None:
            return Layer.get_config(self)
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy.name,
                "activation": getattr(fn, "__name__", repr(fn))}

# Keras aliases
MaxPool1D = globals()["MaxPooling1D"]
MaxPool2D = globals()["MaxPooling2D"]
AvgPool1D = globals()["AveragePooling1D"]
AvgPool2D = globals()["AveragePooling2D"]
Convolution2D = globals()["Conv2D"]
Convolution3D = globals()["Conv3D"]
SeparableConvolution1D = globals()["SeparableConv1D"]
MaxPool3D = globals()["MaxPooling3D"]
AvgPool3D = globals()["AveragePooling3D"]
__all__ += ["MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "Convolution2D", "Convolution3D", "SeparableConvolution1D", "MaxPool3D", "AvgPool3D"]

from ._preprocessing import *  # noqa: E402,F401,F403  (the preprocessing layers)
from ._preprocessing import __all__ as _preprocessing_all  # noqa: E402
__all__ += _preprocessing_all


# The functional forms of the merge layers (tf.keras `layers.add(inputs, **kwargs)`, ...): the
# layer made with the keyword arguments, called on the list of inputs.
def _merge_function(cls_name):
    cls = globals()[cls_name]

    def merge(inputs, *args, **kwargs):
        return cls(*args, **kwargs)(inputs)

    merge.__name__ = _snake(cls_name)
    merge.__doc__ = f"keras.layers.{merge.__name__}: `{cls_name}` applied to a list of inputs."
    return merge


for _n in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"):
    globals()[_snake(_n)] = _merge_function(_n)
    __all__.append(_snake(_n))


def _stable_variables(variables):
    """The one Python object of each core variable (keyed by ``sk_variable_id``), so that
    ``layer.weights[0] is layer.weights[0]`` and ``layer.weights == [layer.kernel, layer.bias]``."""
    out = []
    for v in variables:
        key = _native.variable_id(v)
        known = _VARIABLES.get(key)
        if known is None:
            _VARIABLES[key] = known = v
        out.append(known)
    return out


_VARIABLES = weakref.WeakValueDictionary()

from . import _serialization  # noqa: E402  (get_config/from_config, serialize/deserialize, weight attributes)
from . import _layer_graph  # noqa: E402  (layer.input/output/input_shape/output_shape)
from . import _layer_attributes  # noqa: E402  (layer.units, layer.activation, ... from the config)
from ._lambda_layers import Lambda, TFOpLambda  # noqa: E402,F401  (and operators on KerasTensors)
__all__ += ["Lambda"]
from ._serialization import serialize, deserialize  # noqa: E402,F401
__all__ += ["serialize", "deserialize"]

from ._layers_attention import *  # noqa: E402,F401,F403  (MultiHeadAttention, Attention, AdditiveAttention)

from . import _recurrent  # noqa: E402  (masks on eager calls; the RNN wrappers)
from ._recurrent import Bidirectional, TimeDistributed  # noqa: E402
__all__ += ["Bidirectional", "TimeDistributed"]

from ._rnn_cells import *  # noqa: E402,F401,F403  (the recurrent cells and RNN(cell))
from ._rnn_cells import __all__ as _rnn_cells_all  # noqa: E402
__all__ += _rnn_cells_all

# last, so every preprocessing layer above is in it
from . import _layers_experimental  # noqa: E402  (layers.experimental.preprocessing)
_layers_experimental.install(sys.modules[__name__])
