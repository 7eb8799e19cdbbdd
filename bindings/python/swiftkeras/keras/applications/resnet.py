"""keras.applications.resnet: the architecture, ``preprocess_input`` (imagenet_utils' "caffe" mode)
and ``decode_predictions``."""
from . import ResNet50  # noqa: F401
from .imagenet_utils import _module_functions

__all__ = ["ResNet50", "preprocess_input", "decode_predictions"]

preprocess_input, decode_predictions = _module_functions("resnet", "caffe")
