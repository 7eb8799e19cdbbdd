"""keras.applications.resnet."""
from . import ResNet50  # noqa: F401

__all__ = ["ResNet50"]
