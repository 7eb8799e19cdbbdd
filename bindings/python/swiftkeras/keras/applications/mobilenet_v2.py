"""keras.applications.mobilenet_v2: the architecture, ``preprocess_input`` (imagenet_utils' "tf" mode)
and ``decode_predictions``."""
from . import MobileNetV2  # noqa: F401
from .imagenet_utils import _module_functions

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

preprocess_input, decode_predictions = _module_functions("mobilenet_v2", "tf")
