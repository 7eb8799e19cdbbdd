"""keras.applications.mobilenet_v2."""
from . import MobileNetV2  # noqa: F401

__all__ = ["MobileNetV2"]
