"""The preprocessing layers (tf.keras 2): Normalization, Rescaling, CategoryEncoding,
StringLookup, IntegerLookup, TextVectorization, Resizing, CenterCrop, Hashing, Discretization and
the random augmentation layers RandomFlip/Rotation/Zoom/Translation/Contrast/Crop/Height/Width/Brightness — config wrappers of the core's layers
(SwiftKeras/Layers/Preprocessing) plus ``adapt`` and ``get_vocabulary`` through the C API
(``sk_layer_adapt``, ``sk_layer_adapt_dataset``, ``sk_layer_vocabulary``)."""

from .. import _native
from . import layers as _layers

__all__ = ["Normalization", "Rescaling", "CategoryEncoding", "StringLookup", "IntegerLookup",
           "TextVectorization", "Resizing", "CenterCrop", "Hashing", "Discretization", "RandomFlip",
           "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomCrop", "RandomHeight",
           "RandomWidth", "RandomBrightness"]


def _listed(v):
    """numpy arrays and tensors given as a vocabulary, mean, ... become (nested) lists."""
    if isinstance(v, (_native.Tensor, _native.Variable)):
        v = v.numpy()
    if hasattr(v, "tolist") and not isinstance(v, (list, tuple, str, bytes)):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_listed(e) for e in v]
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return v


class _Preprocessing:
    """What the preprocessing layers add to the built-in layer: list-valued arguments from numpy
    arrays, and for the adaptable ones ``adapt(data, batch_size=None, steps=None)`` (an array, a
    tensor, a list of strings or a ``tf.data.Dataset`` of batches)."""

    _LIST_ARGS = ("vocabulary", "idf_weights", "mean", "variance", "bin_boundaries")

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the layer's state from ``data`` (Keras ``PreprocessingLayer.adapt``)."""
        from .. import data as _data
        if isinstance(data, _data.Dataset):
            if batch_size is not None:
                raise ValueError("adapt: batch_size must not be set when data is a dataset (batch the dataset)")
            _native.layer_adapt_dataset(self._handle, data._h, int(steps or 0))
        else:
            _native.layer_adapt(self._handle, data, int(batch_size or 0), int(steps or 0))
        self.built = True


class _Vocabulary(_Preprocessing):
    """``get_vocabulary`` / ``vocabulary_size`` of the lookup layers and TextVectorization."""

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, mask and OOV tokens first unless ``include_special_tokens=False``."""
        v = _native.layer_vocabulary(self._handle, bool(include_special_tokens)).numpy().tolist()
        return [e.decode("utf-8", errors="replace") if isinstance(e, bytes) else e for e in v]

    def vocabulary_size(self):
        """The number of ids (vocabulary plus mask and OOV indices)."""
        return len(self.get_vocabulary())


class _Augmentation(_Preprocessing):
    """The random augmentation layers: active in training, the identity at inference. Called
    without ``training=`` (directly or inside a model called without it) they augment, as tf.keras
    2's default ``training=True`` of their ``call`` does; fit trains with them, predict and
    evaluate run without them (the core's call context)."""


def _make(cls_name, mixin, keep_none=()):
    cls = _layers._make_builtin(cls_name, (), mixin=mixin)
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        for k in mixin._LIST_ARGS:
            if kwargs.get(k) is not None:
                kwargs[k] = _listed(kwargs[k])
        init(self, *args, **kwargs)

    __init__.__signature__ = getattr(init, "__signature__", None)
    cls.__init__ = __init__
    cls._keeps_none = tuple(keep_none)
    return cls


Normalization = _make("Normalization", _Preprocessing, keep_none=("axis",))
Rescaling = _make("Rescaling", _Preprocessing)
CategoryEncoding = _make("CategoryEncoding", _Preprocessing)
StringLookup = _make("StringLookup", _Vocabulary)
IntegerLookup = _make("IntegerLookup", _Vocabulary)
TextVectorization = _make("TextVectorization", _Vocabulary, keep_none=("standardize", "split"))
Resizing = _make("Resizing", _Preprocessing)
CenterCrop = _make("CenterCrop", _Preprocessing)
Hashing = _make("Hashing", _Preprocessing)
Discretization = _make("Discretization", _Preprocessing)
RandomFlip = _make("RandomFlip", _Augmentation)
RandomRotation = _make("RandomRotation", _Augmentation)
RandomZoom = _make("RandomZoom", _Augmentation)
RandomTranslation = _make("RandomTranslation", _Augmentation)
RandomContrast = _make("RandomContrast", _Augmentation)
RandomCrop = _make("RandomCrop", _Augmentation)
RandomHeight = _make("RandomHeight", _Augmentation)
RandomWidth = _make("RandomWidth", _Augmentation)
RandomBrightness = _make("RandomBrightness", _Augmentation)
