"""swiftkeras.keras.saving: tf.keras 2's ``keras.saving`` names — ``save_model``,
``load_model``, the custom object registry (``register_keras_serializable``,
``get_registered_name``, ``custom_object_scope``, ...) and ``serialize_keras_object`` /
``deserialize_keras_object`` for layers and models. The file formats are the core's (see
``Model.save``)."""
from ._serialization import (CustomObjectScope, custom_object_scope, get_custom_objects,  # noqa: F401
                             get_registered_name, get_registered_object, register_keras_serializable)
from ._serialization import serialize as serialize_keras_object  # noqa: F401
from ._serialization import deserialize as _deserialize
from ..train import _Status as _CheckpointStatus

__all__ = ["save_model", "load_model", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "custom_object_scope", "CustomObjectScope", "get_custom_objects",
           "serialize_keras_object", "deserialize_keras_object", "LoadStatus"]


def save_model(model, filepath, overwrite=True, save_format=None, **kwargs):
    """``model.save(filepath, ...)``."""
    return model.save(filepath, overwrite=overwrite, save_format=save_format, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """``keras.models.load_model``."""
    from .models import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def deserialize_keras_object(config, custom_objects=None, **kwargs):
    """A layer or model from ``serialize_keras_object``'s dict (other kinds of objects are
    deserialized by their modules: ``keras.optimizers.deserialize``, ``keras.losses.get``, ...)."""
    for k in kwargs:
        raise NotImplementedError(f"deserialize_keras_object: argument `{k}` is not supported")
    return _deserialize(config, custom_objects=custom_objects)


class LoadStatus(_CheckpointStatus):
    """What ``Model.load_weights`` returns (tf.keras 2's checkpoint load status:
    ``assert_consumed``, ``assert_existing_objects_matched``, ``assert_nontrivial_match``,
    ``expect_partial``, ``run_restore_ops``, ``initialize_or_restore``). Loading is all or
    nothing unless ``skip_mismatch=True``; ``skipped`` lists the (layer, reason) pairs that were
    not loaded then, and the assertions raise AssertionError naming them."""

    def __init__(self, path, skipped):
        super().__init__()
        self.path = path
        self.skipped = skipped

    def assert_consumed(self):
        if self.skipped:
            raise AssertionError(f"Unresolved objects in '{self.path}': the weights of "
                                 + ", ".join(f"'{layer}' ({reason})" for layer, reason in self.skipped)
                                 + " were not loaded")
        return self

    def assert_existing_objects_matched(self):
        return self.assert_consumed()

    def assert_nontrivial_match(self):
        return self

    def initialize_or_restore(self, session=None):
        return None
