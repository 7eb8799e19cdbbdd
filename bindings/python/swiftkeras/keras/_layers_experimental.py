"""``keras.layers.experimental.preprocessing`` (TF 2.3–2.5's home of the preprocessing layers,
still in tf.keras 2 and in many published programs): the same classes as ``keras.layers``, also
importable with ``from ...layers.experimental import preprocessing``."""
import sys
import types

# the names tf.keras 2 keeps under layers.experimental.preprocessing
_NAMES = ("CategoryCrossing", "CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup",
          "Normalization", "PreprocessingLayer", "RandomContrast", "RandomCrop", "RandomFlip", "RandomHeight",
          "RandomRotation", "RandomTranslation", "RandomWidth", "RandomZoom", "Rescaling", "Resizing",
          "StringLookup", "TextVectorization")


def install(layers_module):
    """Makes ``layers_module.experimental`` and ``.experimental.preprocessing`` (and their
    sys.modules entries); a name resolves to ``layers_module``'s class when SwiftKeras has it."""
    base = layers_module.__name__ + ".experimental"
    experimental = types.ModuleType(base, "keras.layers.experimental (tf.keras 2)")
    preprocessing = types.ModuleType(base + ".preprocessing", __doc__)

    def lookup(name):
        if name in _NAMES and hasattr(layers_module, name):
            return getattr(layers_module, name)
        raise AttributeError(f"module {preprocessing.__name__!r} has no attribute {name!r}")

    preprocessing.__getattr__ = lookup
    preprocessing.__all__ = [n for n in _NAMES if hasattr(layers_module, n)]
    experimental.preprocessing = preprocessing
    experimental.__path__ = []
    preprocessing.__path__ = []
    sys.modules[base] = experimental
    sys.modules[base + ".preprocessing"] = preprocessing
    layers_module.experimental = experimental
