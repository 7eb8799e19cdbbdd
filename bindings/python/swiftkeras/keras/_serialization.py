"""Keras object serialization for swiftkeras.keras: ``get_config`` / ``from_config`` of layers
and models, ``keras.layers.serialize`` / ``deserialize``, the registry of custom Python classes
(``register_keras_serializable``, ``custom_object_scope``) and Keras' weight attributes of
built-in layers (``layer.kernel``, ``layer.cell.recurrent_kernel``, ...).

Built-in layers and Sequential / functional models serialize in the core
(``sk_layer_get_config``, ``sk_layer_create``, ``sk_model_from_config``); what lives here is what
only Python has: Python classes, found by their registered names.
"""
import contextlib
import inspect
import json
import threading
import weakref

from .. import _native

__all__ = ["serialize", "deserialize", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "custom_object_scope", "CustomObjectScope", "get_custom_objects"]

# -- the registry of custom Python classes ---------------------------------------------------
_GLOBAL_CUSTOM_OBJECTS = {}   # registered name ("Package>Name") -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> registered name
_scopes = threading.local()   # the custom_object_scope dicts active on this thread


def get_custom_objects():
    """The global dict of registered custom objects (tf.keras ``keras.utils.get_custom_objects``)."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Registers a class or function under ``"<package>>" + (name or its __name__)`` so that
    configs naming it deserialize (tf.keras ``keras.utils.register_keras_serializable``)."""
    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = package + ">" + class_name
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        if _is_custom_layer_class(arg) or _is_custom_constraint_class(arg):
            _register_native(registered_name, arg)
        return arg
    return decorator


def get_registered_name(obj):
    """The name ``obj`` is registered under, else its ``__name__`` (tf.keras ``get_registered_name``)."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object ``name`` stands for: the active custom object scopes, the global registry,
    ``custom_objects``, then ``module_objects`` (tf.keras ``get_registered_object``); None if unknown."""
    for scope in reversed(getattr(_scopes, "stack", [])):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    if name in ("Lambda", "TFOpLambda"):   # the layers that run Python code (keras/_lambda_layers.py)
        from . import _lambda_layers
        return getattr(_lambda_layers, name)
    return None


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` — the names resolve while inside
    (tf.keras ``keras.utils.CustomObjectScope`` / ``custom_object_scope``)."""

    def __init__(self, *args):
        self.custom_objects = {}
        for a in args:
            if a is None:
                continue
            if not isinstance(a, dict):
                raise TypeError(f"custom_object_scope: expected dicts, got {type(a).__name__}")
            self.custom_objects.update(a)

    def __enter__(self):
        if not hasattr(_scopes, "stack"):
            _scopes.stack = []
        _scopes.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes.stack.pop()


custom_object_scope = CustomObjectScope


# -- layer configs ----------------------------------------------------------------------------
def _core_serializable(layer):
    """Whether the core holds the layer's config: a built-in layer, a Sequential or functional model."""
    if getattr(layer, "_class_name", None) is not None:
        return True
    model = layer.__dict__.get("_model")
    return model is not None and _native.model_kind(model)[0] != 2


def _takes_own_arguments(cls):
    """Whether ``cls.__init__`` has parameters beyond the Layer base ones and ``**kwargs``."""
    from .layers import Layer
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return False
    base = set(inspect.signature(Layer.__init__).parameters) | {"inputs", "outputs"}
    return any(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in base
               for p in params.values())


def layer_config(layer):
    """``layer.get_config()``: the core's config of built-in layers and Sequential / functional
    models; tf.keras 2's base config (name, trainable, dtype[, batch_input_shape]) of custom
    layers and subclassed models."""
    if _core_serializable(layer):
        config = json.loads(_native.layer_get_config(layer._handle))["config"]
        if getattr(layer, "_class_name", None) is None:
            return config   # a model's config keeps JSON lists
        from .layers import _tupled
        return {k: _tupled(v) for k, v in config.items()}   # tf.keras 2: shapes and sizes as tuples
    from .layers import Layer
    cls = type(layer)
    if cls.get_config is Layer.get_config and _takes_own_arguments(cls):
        raise NotImplementedError(
            f"Layer {cls.__name__} has arguments ['{', '.join(_own_argument_names(cls))}'] in `__init__` and "
            "therefore must override `get_config()`.")
    config = {"name": layer.name, "trainable": layer.trainable, "dtype": layer.dtype_policy.name}
    if layer.__dict__.get("_input_shape") is not None:
        config["batch_input_shape"] = (None,) + tuple(layer._input_shape)
    return config


def _own_argument_names(cls):
    from .layers import Layer
    base = set(inspect.signature(Layer.__init__).parameters)
    return [p for p in inspect.signature(cls.__init__).parameters if p not in base and p not in ("args", "kwargs")]


def layer_from_config(cls, config):
    """``cls.from_config(config)``: a Sequential / functional model from the core, any other
    class as ``cls(**config)`` (tf.keras 2)."""
    from . import models
    if isinstance(cls, type) and issubclass(cls, models.Model) and _is_model_config(config):
        return models._model_from_config(config, cls)
    return cls(**config)


def _is_model_config(config):
    return isinstance(config, dict) and "layers" in config and (
        "input_layers" in config or "output_layers" in config or "build_input_shape" in config
        or all(isinstance(e, dict) and "class_name" in e for e in config["layers"]))


# -- keras.layers.serialize / deserialize -----------------------------------------------------
def serialize(layer, use_legacy_format=False):
    """``{"class_name": ..., "config": layer.get_config()}`` (tf.keras ``keras.layers.serialize``):
    the core's form for built-in layers and models, the registered name for custom classes."""
    if use_legacy_format:
        raise NotImplementedError("serialize: argument `use_legacy_format`=True is not supported")
    if _core_serializable(layer):
        d = json.loads(_native.layer_get_config(layer._handle))
        return {"class_name": d["class_name"], "config": layer_config(layer)}
    return {"class_name": get_registered_name(type(layer)), "config": layer.get_config()}


def deserialize(config, custom_objects=None, use_legacy_format=False):
    """A layer (or model) from ``serialize``'s dict (tf.keras ``keras.layers.deserialize``):
    custom classes by the names of ``custom_objects``, the active custom object scopes and the
    registry; built-in classes and Sequential / functional models through the core."""
    from . import layers, models
    if use_legacy_format:
        raise NotImplementedError("deserialize: argument `use_legacy_format`=True is not supported")
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize: expected {{'class_name': ..., 'config': ...}}, got {config!r}")
    name = config["class_name"]
    inner = config.get("config", {})
    found = get_registered_object(name, custom_objects)
    if found is None and "registered_name" in config:
        found = get_registered_object(config["registered_name"], custom_objects)
    if found is not None:
        with CustomObjectScope(custom_objects):
            if hasattr(found, "from_config"):
                return found.from_config(inner)
            return found(**inner)
    if name in ("Sequential", "Functional", "Model"):
        return models._model_from_config(inner, models.Sequential if name == "Sequential" else models.Model,
                                         class_name=name, custom_objects=custom_objects)
    cls = getattr(layers, name, None)
    if isinstance(cls, type) and issubclass(cls, layers.Layer) and cls._class_name is not None:
        return models._wrap_layer(_native.layer_create(cls._class_name, json.dumps(inner)))
    raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                     "and that this object is included in the scope. See "
                     "https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object "
                     "for details.")


# -- Keras' weight attributes of built-in layers ------------------------------------------------
def weight_attribute(layer, name):
    """The weight ``name`` of a built-in layer (``kernel``, ``bias``, ``gamma``, ``beta``,
    ``moving_mean``, ``moving_variance``, ``embeddings``, ``depthwise_kernel``,
    ``pointwise_kernel``, ``recurrent_kernel``, ``alpha``), else AttributeError."""
    if getattr(type(layer), "_class_name", None) is not None:
        if name == "depthwise_kernel" and type(layer)._class_name == "DepthwiseConv2D":
            name = "kernel"   # the core names it as Keras 3 does (weight files keep that key)
        for v in layer.weights:
            if v.name.rsplit(":", 1)[0].rsplit("/", 1)[-1] == name:
                return v
    raise AttributeError(f"{type(layer).__name__!r} object has no attribute {name!r}")


class RecurrentCellView:
    """``layer.cell`` of SimpleRNN / LSTM / GRU: the cell's weights as attributes (``kernel``,
    ``recurrent_kernel``, ``bias``), ``weights`` and ``units``."""

    def __init__(self, layer):
        self._layer = layer

    @property
    def weights(self):
        return self._layer.weights

    @property
    def units(self):
        return self._layer.get_config()["units"]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return weight_attribute(self._layer, name)

    def __repr__(self):
        return f"<cell of {self._layer.name}>"


# -- custom classes in the core's configs (saving models with custom layers, subclassed models) --
_made = threading.local()   # the Python objects the core's factories made during one load
_KEPT = []                  # objects made outside any load (kept alive: the core holds them)


def _is_custom_layer_class(obj):
    from .layers import Layer
    return isinstance(obj, type) and issubclass(obj, Layer) and obj._class_name is None


def install_config_source(obj):
    """Gives the core the config of a custom layer or subclassed model (``sk_layer_set_config_fn``):
    ``{"class_name": get_registered_name(type(obj)), "config": obj.get_config()}``, asked for when
    a model holding it is saved or serialized."""
    ref = weakref.ref(obj)

    def source():
        o = ref()
        if o is None:
            raise RuntimeError("the Python layer object is gone")
        return json.dumps({"class_name": get_registered_name(type(o)), "config": o.get_config()})

    _native.layer_set_config_fn(obj._handle, source)


def _is_custom_constraint_class(obj):
    from .constraints import Constraint, _CoreConstraint
    return isinstance(obj, type) and issubclass(obj, Constraint) and not issubclass(obj, _CoreConstraint)


def _register_native(name, cls):
    """Lets the core build ``cls`` from configs naming ``name`` (``sk_register_class``; a
    Constraint subclass through ``sk_register_constraint_class``)."""
    from .models import Model
    if _is_custom_constraint_class(cls):
        _native.register_constraint_class(name, lambda config_json: cls.from_config(json.loads(config_json)))
        return

    def make(config_json):
        obj = cls.from_config(json.loads(config_json))
        made = getattr(_made, "objects", None)
        (made if made is not None else _KEPT).append(obj)   # the core borrows obj's handle
        if getattr(obj, "state_size", None) is not None and obj._class_name is None:
            from ._rnn_cells import core_cell
            core_cell(obj, name)   # a custom recurrent cell: the core cell an RNN config names
        return obj._handle

    _native.register_class("layer", name, make)
    if issubclass(cls, Model):
        _native.register_class("model", name, make)


@contextlib.contextmanager
def resolving(custom_objects=None):
    """While inside, the core resolves the custom layer and model classes of ``custom_objects``
    and of the active custom object scopes (registered classes always resolve); yields the list
    of the Python objects the core made, which the caller keeps alive with the result."""
    names = {}
    for d in list(getattr(_scopes, "stack", [])) + [custom_objects or {}]:
        for k, v in d.items():
            if (_is_custom_layer_class(v) or _is_custom_constraint_class(v)) and _GLOBAL_CUSTOM_OBJECTS.get(k) is not v:
                names[k] = v
    added = []
    try:
        for k, v in names.items():
            try:
                _register_native(k, v)
            except ValueError:
                continue   # a built-in class name: the built-in wins, as in the core
            added.append((k, v))
        previous = getattr(_made, "objects", None)
        _made.objects = made = []
        try:
            yield made
        finally:
            _made.objects = previous
    finally:
        from .models import Model
        for k, v in added:
            _native.unregister_class("constraint" if _is_custom_constraint_class(v) else "layer", k)
            if issubclass(v, Model):
                _native.unregister_class("model", k)
            if k in _GLOBAL_CUSTOM_OBJECTS:   # a registered class of that name comes back
                _register_native(k, _GLOBAL_CUSTOM_OBJECTS[k])


def custom_classes(obj):
    """The custom layer and model classes in ``obj`` and the layers it holds, by registered name
    (built-in classes and plain Sequential / functional models excluded)."""
    from .models import Model, Sequential
    out, seen, todo = {}, set(), [obj]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        cls = type(o)
        if getattr(cls, "_class_name", "") is None and cls not in (Model, Sequential):
            out[get_registered_name(cls)] = cls
        todo.extend(o.__dict__.get("_tracked", ()))
        todo.extend(o.__dict__.get("_layer_list", ()))
    return out


def check_serializable(model, op):
    """ValueError naming the first custom layer or subclassed model of ``model`` whose
    ``get_config`` cannot be made (what ``save`` and pickling need)."""
    from .models import Model, Sequential
    seen, todo = set(), [model]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if getattr(type(o), "_class_name", "") is None and type(o) not in (Model, Sequential):
            kind = "subclassed model" if isinstance(o, Model) else "custom layer"
            try:
                o.get_config()
            except NotImplementedError as e:
                raise ValueError(f"{op}: the {kind} '{o.name}' ({type(o).__name__}) cannot be serialized: {e} "
                                 "(or save the weights with save_weights)") from e
        todo.extend(o.__dict__.get("_tracked", ()))
        todo.extend(o.__dict__.get("_layer_list", ()))
