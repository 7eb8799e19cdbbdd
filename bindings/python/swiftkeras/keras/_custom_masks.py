"""Masks in custom Python layers (tf.keras 2): a ``call(inputs, mask=None)`` receives its inputs'
masks (``_keras_mask``, carried by the core between the layers of models), and a
``compute_mask(inputs, mask)`` override gives the outputs' mask and makes the layer support
masking. Both run as the core's mask callbacks of the layer (``sk_layer_set_mask_fns``)."""
import inspect
import weakref

from .. import _native


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _one_or_list(values):
    return values[0] if len(values) == 1 else list(values)


def install(layer, handle):
    """Gives the core layer ``handle`` of the custom layer ``layer`` its mask callbacks, when
    its ``call`` takes ``mask`` or its class overrides ``compute_mask``."""
    from .layers import Layer
    params = _parameters(layer.call)
    takes_mask = "mask" in params
    overrides = type(layer).compute_mask is not Layer.compute_mask
    if not takes_mask and not overrides:
        return
    takes_training = "training" in params or any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
    ref = weakref.ref(layer)

    def live():
        obj = ref()
        if obj is None:
            raise RuntimeError("the Python layer object is gone")
        return obj

    def call_masked(inputs, masks, training):
        obj = live()
        kwargs = {"mask": _one_or_list(masks)}
        if takes_training:
            kwargs["training"] = training
        # a layer called with several positional tensors (call(self, a, b, mask=None)) gets them so
        args = list(inputs) if len(inputs) > 1 and obj.__dict__.get("_spread_inputs") else [_one_or_list(inputs)]
        return obj.call(*args, **kwargs)

    def compute_mask(inputs, masks):
        return live().compute_mask(_one_or_list(inputs), _one_or_list(masks))

    _native.layer_set_mask_fns(handle, call_masked if takes_mask else None, compute_mask if overrides else None)
