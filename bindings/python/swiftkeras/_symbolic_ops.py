"""tf.keras 2 turns a TensorFlow function applied to symbolic tensors (``tf.concat([a, b], -1)``,
``tf.reduce_sum(h, axis=1)``, ``K.mean(h)`` on ``keras.Input`` results) into a layer of the
functional model. The public functions of the ``tf`` namespaces are wrapped here so that, when
their arguments cannot be converted because they hold KerasTensors, the call becomes such a layer
(``keras/_lambda_layers.py``). One try/except around the call: ordinary calls pay nothing more,
and nothing of Keras is imported until a KerasTensor is seen."""
import functools
import sys
import types


def _keras_lambda_layers():
    """The op-layer module if Keras is loaded (no KerasTensor can exist otherwise)."""
    if "swiftkeras.keras.layers" not in sys.modules:
        return None
    from .keras import _lambda_layers
    return _lambda_layers


def symbolic_fallback(path, fn):
    """`fn`, building a TFOpLambda layer named ``tf.<path>`` when given KerasTensors."""
    if getattr(fn, "_sk_symbolic_path", None) is not None:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError):
            ops = _keras_lambda_layers()
            if ops is None or not ops.has_symbolic(args, kwargs):
                raise
        return ops.op_layer_call(path, fn, args, kwargs)

    wrapper._sk_symbolic_path = path
    return wrapper


def install(module, prefix, skip=()):
    """Wraps the public functions of `module` (paths `prefix` + name)."""
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        if name.startswith("_") or name in skip:
            continue
        fn = vars(module).get(name)   # not getattr: lazy attributes (tf.keras) stay unloaded
        if isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
            setattr(module, name, symbolic_fallback(prefix + name, fn))
