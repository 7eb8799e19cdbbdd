"""What keras.initializers and keras.regularizers share: classes whose configs the Swift core
checks and canonicalizes (``sk_initializer_config`` / ``sk_regularizer_config``), and the
get / serialize / deserialize of tf.keras 2 over them."""
import json as _json


class CoreObjects:
    """The built-in classes of one module (``"initializers"``, ``"regularizers"``).

    ``canonical(identifier)`` is the core's ``serialize(get(identifier))`` JSON for a name or a
    ``{"class_name", "config"}`` dict; classes register by their Keras class name."""

    def __init__(self, module, canonical, base):
        self.module, self.canonical, self.base = module, canonical, base
        self.classes = {}

    def register(self, cls):
        self.classes[cls.__name__] = cls
        return cls

    def checked_config(self, obj, config):
        """The core's canonical config of obj's class with these arguments (the core validates)."""
        ident = {"class_name": type(obj).__name__, "config": config}
        return _json.loads(self.canonical(_json.dumps(ident)))["config"]

    def serialize(self, obj):
        """tf.keras 2's serialize_keras_object of a module object."""
        return {"module": f"keras.{self.module}", "class_name": type(obj).__name__,
                "config": obj.get_config(), "registered_name": None}

    def deserialize(self, config, custom_objects=None):
        """An object from a name or a ``{"class_name", "config"}`` dict."""
        if custom_objects:
            name = config.get("class_name") if isinstance(config, dict) else config
            if name in custom_objects:
                cls = custom_objects[name]
                return cls.from_config(config.get("config", {})) if isinstance(config, dict) else cls()
        if isinstance(config, dict):
            config = {"class_name": config.get("class_name"), "config": config.get("config", {})}
        elif not isinstance(config, str):
            raise TypeError(f"Could not interpret {self.module[:-1]} identifier: {config!r}")
        try:
            canon = _json.loads(self.canonical(_json.dumps(config)))
        except ValueError as e:
            raise ValueError(f"Unknown {self.module[:-1]}: {config!r} ({e})") from None
        return self.classes[canon["class_name"]].from_config(canon["config"])

    def get(self, identifier):
        """tf.keras 2's ``get``: None, an instance, a class, a callable, a name or a config."""
        if identifier is None:
            return None
        if isinstance(identifier, type):
            return identifier()
        if isinstance(identifier, (str, dict)):
            return self.deserialize(identifier)
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.module[:-1]} identifier: {identifier!r}")


class CoreObject:
    """What a built-in regularizer or constraint shares: its config checked and canonicalized by
    the core (``_objects``: the module's ``CoreObjects``) and its call computed by the core
    (``_core_call(identifier_json, x)``: ``sk_regularizer_call``, ``sk_constraint_call``)."""

    _objects = None
    _core_call = None

    def _configure(self, **config):
        self._config = self._objects.checked_config(self, config)

    def __call__(self, x):
        return type(self)._core_call(_json.dumps(keras_json(self)), x)

    def get_config(self):
        return dict(self._config)


def core_base(base, objects, core_call):
    """The base class of a module's built-in classes: ``CoreObject`` over the module's ``base``."""
    return type(f"_Core{base.__name__}", (CoreObject, base), {"_objects": objects, "_core_call": staticmethod(core_call)})


def keras_json(obj):
    """The identifier a layer config holds for a module object: ``{"class_name", "config"}``."""
    return {"class_name": type(obj).__name__, "config": obj.get_config()}
