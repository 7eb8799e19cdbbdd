"""tf.keras 2's constructor attributes of built-in layers — ``dense.units``, ``dense.activation``,
``conv.kernel_size``, ``lstm.return_sequences``, ``dense.kernel_initializer``, ... — read from the
layer's config in the core (``sk_layer_get_config``), in the types tf.keras 2 gives them:
sequences as tuples, ``activation`` as the function, initializers and regularizers as objects."""


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def config_attribute(layer, name):
    """The attribute ``name`` of a built-in layer from its config, else AttributeError."""
    if getattr(type(layer), "_class_name", None) is not None and name != "config":
        config = layer.get_config()
        if name in config:
            value = config[name]
            if name == "activation" or name.endswith("_activation"):
                from . import activations
                return activations.get(value)
            if name.endswith("_initializer") and value is not None:
                from . import initializers
                return initializers.get(value)
            if name.endswith("_regularizer") and value is not None:
                from . import regularizers
                return regularizers.get(value)
            return _tuples(value)
    raise AttributeError(f"{type(layer).__name__!r} object has no attribute {name!r}")
