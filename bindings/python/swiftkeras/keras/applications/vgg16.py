"""keras.applications.vgg16: the architecture, ``preprocess_input`` (imagenet_utils' "caffe" mode)
and ``decode_predictions``."""
from . import VGG16  # noqa: F401
from .imagenet_utils import _module_functions

__all__ = ["VGG16", "preprocess_input", "decode_predictions"]

preprocess_input, decode_predictions = _module_functions("vgg16", "caffe")
