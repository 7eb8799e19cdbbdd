"""keras.applications.vgg19."""
from . import VGG19  # noqa: F401

__all__ = ["VGG19"]
