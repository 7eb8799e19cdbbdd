"""keras.applications.imagenet_utils: tf.keras 2's ``preprocess_input`` (modes caffe, tf, torch)
and ``decode_predictions``, computed by the core (``sk_imagenet_preprocess_input``,
``sk_imagenet_decode_predictions``). The class index is Keras' cached
``~/.keras/models/imagenet_class_index.json``; SwiftKeras has no network access, so without that
file ``decode_predictions`` raises an OSError naming the URL to download it from and the path."""
import json as _json
import os as _os

from ... import _native

__all__ = ["preprocess_input", "decode_predictions", "CLASS_INDEX_PATH"]

CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"


def preprocess_input(x, data_format=None, mode="caffe"):
    """tf.keras 2's ``imagenet_utils.preprocess_input``: "caffe" (RGB to BGR, ImageNet's mean
    subtracted), "tf" (to [-1, 1]) or "torch" (to [0, 1], then normalized per channel). A numpy
    array gives a numpy array — a float array is overwritten in place, as tf.keras 2 does — and an
    integer array gives ``floatx``; a tensor gives a tensor."""
    import numpy as np
    if data_format is not None and not isinstance(data_format, str):
        raise ValueError(f"Unknown data_format {data_format}")
    if not isinstance(mode, str):
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    out = _native.imagenet_preprocess_input(x, mode, data_format)
    if not isinstance(x, np.ndarray):
        return out
    result = np.asarray(out)
    if np.issubdtype(x.dtype, np.floating) and x.flags.writeable:
        x[...] = result
        return x
    return result


def _class_index_path():
    return _os.path.join(_os.path.expanduser("~"), ".keras", "models", "imagenet_class_index.json")


def decode_predictions(preds, top=5):
    """tf.keras 2's ``imagenet_utils.decode_predictions``: for each sample of ``preds`` (samples,
    1000), a list of ``top`` tuples (class id, class name, score), best first."""
    import numpy as np
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool):
        raise TypeError(f"decode_predictions: top must be an int, got {top!r}")
    dtype = np.asarray(preds).dtype if isinstance(preds, (np.ndarray, list, tuple)) else np.dtype(np.float32)
    rows = _json.loads(_native.imagenet_decode_predictions(preds, int(top), _class_index_path()))
    score = dtype.type if np.issubdtype(dtype, np.floating) else np.float32
    return [[(cid, name, score(s)) for cid, name, s in row] for row in rows]


def _module_functions(module, mode):
    """An application module's ``preprocess_input`` (this module's in ``mode``) and ``decode_predictions``."""
    def preprocess_input(x, data_format=None):
        return globals()["preprocess_input"](x, data_format=data_format, mode=mode)

    def decode(preds, top=5):
        return decode_predictions(preds, top=top)

    preprocess_input.__doc__ = f"tf.keras 2's ``{module}.preprocess_input``: ``imagenet_utils.preprocess_input(x, data_format, mode=\"{mode}\")``."
    decode.__doc__ = f"tf.keras 2's ``{module}.decode_predictions`` (``imagenet_utils.decode_predictions``)."
    preprocess_input.__qualname__ = "preprocess_input"
    decode.__name__ = decode.__qualname__ = "decode_predictions"
    preprocess_input.__module__ = decode.__module__ = f"{__package__}.{module}"
    return preprocess_input, decode
