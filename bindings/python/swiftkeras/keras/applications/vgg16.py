"""keras.applications.vgg16."""
from . import VGG16  # noqa: F401

__all__ = ["VGG16"]
