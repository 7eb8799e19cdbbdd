"""swiftkeras.keras.applications: tf.keras 2's VGG16, VGG19, ResNet50 and MobileNetV2 with
random weights, each module's ``preprocess_input`` / ``decode_predictions`` and ``imagenet_utils``. The architectures are built in the core (``sk_application_create``) with tf.keras
2's layer names and parameter counts; ``weights="imagenet"`` is refused (nothing is
downloaded); ``weights=<path>`` loads a file written by ``save_weights``."""
import json as _json
import os as _os

from ... import _native

__all__ = ["VGG16", "VGG19", "ResNet50", "MobileNetV2", "vgg16", "vgg19", "resnet50", "resnet", "mobilenet_v2",
           "imagenet_utils"]


def _activation_name(a):
    if a is None or isinstance(a, str):
        return a
    name = getattr(a, "__name__", None)
    if name is None:
        raise NotImplementedError(f"classifier_activation={a!r} is not supported (give an activation name)")
    return name


def _build(name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, **extra):
    from ..models import _from_handle
    if input_tensor is not None:
        raise NotImplementedError(f"{name}: argument `input_tensor` is not supported (use input_shape and call the "
                                  "model on your tensor)")
    config = {"include_top": bool(include_top), "pooling": pooling, "classes": classes,
              "classifier_activation": _activation_name(classifier_activation), **extra}
    if input_shape is not None:
        config["input_shape"] = [None if d is None else int(d) for d in input_shape]
    weights_file = None
    if weights is not None:
        if isinstance(weights, (str, _os.PathLike)) and _os.path.exists(_os.fspath(weights)):
            weights_file = _os.fspath(weights)
        else:
            config["weights"] = weights if isinstance(weights, str) else repr(weights)   # the core refuses it
    model = _from_handle(_native.application_create(name, _json.dumps(config)), compile=False)
    if weights_file is not None:
        model.load_weights(weights_file)
    return model


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax"):
    """tf.keras 2's VGG16 (138,357,544 parameters with the default top)."""
    return _build("VGG16", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax"):
    """tf.keras 2's VGG19 (143,667,240 parameters with the default top)."""
    return _build("VGG19", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             **kwargs):
    """tf.keras 2's ResNet50 (25,636,712 parameters with the default top)."""
    classifier_activation = kwargs.pop("classifier_activation", "softmax")
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    return _build("ResNet50", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", **kwargs):
    """tf.keras 2's MobileNetV2 (3,538,984 parameters with alpha=1 and the default top)."""
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    return _build("MobileNetV2", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, alpha=float(alpha))


from . import imagenet_utils, vgg16, vgg19, resnet50, resnet, mobilenet_v2  # noqa: E402,F401
