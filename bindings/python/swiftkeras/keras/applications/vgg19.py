"""keras.applications.vgg19: the architecture, ``preprocess_input`` (imagenet_utils' "caffe" mode)
and ``decode_predictions``."""
from . import VGG19  # noqa: F401
from .imagenet_utils import _module_functions

__all__ = ["VGG19", "preprocess_input", "decode_predictions"]

preprocess_input, decode_predictions = _module_functions("vgg19", "caffe")
