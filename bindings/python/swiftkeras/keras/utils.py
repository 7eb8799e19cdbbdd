"""swiftkeras.keras.utils: ``to_categorical``, ``pad_sequences``, ``Sequence``, ``normalize``,
``set_random_seed``, ``timeseries_dataset_from_array``, ``split_dataset``, ``get_file`` (local
paths only), ``Progbar`` (the core's averaging and progress lines, ``sk_progbar_*``). The numeric rules are the core's (``sk_to_categorical``, ``sk_pad_sequences``,
``sk_dataset_timeseries``)."""
import os as _os
import random as _random
import sys as _sys

from .. import _native

__all__ = ["set_random_seed", "to_categorical", "pad_sequences", "Sequence", "normalize",
           "timeseries_dataset_from_array", "split_dataset", "get_file", "Progbar"]


def set_random_seed(seed):
    """``keras.utils.set_random_seed``: seeds Python's ``random``, numpy's global generator (when
    numpy is installed) and the SwiftKeras core, so that unseeded initializers, dropout,
    fit's shuffling and tf.data's unseeded shuffles repeat from run to run."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
                         f"(of type {type(seed)})")
    _random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed % (1 << 32))
    except ImportError:
        pass
    _native.set_random_seed(seed)


def _numpy_or_tensor(t):
    try:
        return t.numpy()
    except ImportError:
        return t


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows for class ids (tf-keras 2): shape ``y.shape + (num_classes,)`` (a trailing 1
    dropped); ``num_classes`` defaults to ``max(y) + 1``. Returns a numpy array when numpy is
    installed, as Keras."""
    code = _native.as_dtype(dtype).as_datatype_enum
    return _numpy_or_tensor(_native.to_categorical(y, 0 if num_classes is None else int(num_classes), code))


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """``keras.utils.pad_sequences`` (also ``keras.preprocessing.sequence.pad_sequences``): a
    ``(len(sequences), maxlen)`` array; sequences longer than ``maxlen`` lose values at the start
    (``truncating="pre"``) or end, shorter ones are padded with ``value`` before (``padding="pre"``)
    or after. Sequences of numbers only."""
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    values, lengths = [], []
    for s in sequences:
        if hasattr(s, "numpy"):
            s = s.numpy()
        if hasattr(s, "tolist"):
            s = s.tolist()
        if not hasattr(s, "__len__"):
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: {s!r}")
        if any(isinstance(v, (list, tuple)) for v in s):
            raise NotImplementedError("pad_sequences: sequences of vectors are not supported (numbers only)")
        values.extend(float(v) for v in s)
        lengths.append(len(s))
    code = _native.as_dtype(dtype).as_datatype_enum
    return _numpy_or_tensor(_native.pad_sequences(_native.convert(values, _native.float64),
                                                  _native.convert(lengths, _native.int64),
                                                  -1 if maxlen is None else int(maxlen), code, str(padding),
                                                  str(truncating), float(value)))


class Sequence:
    """Base class for batches by index (``keras.utils.Sequence``): define ``__len__`` (batches per
    epoch) and ``__getitem__(index)`` (one batch), optionally ``on_epoch_end``. ``fit`` reads the
    batches in order (shuffled with ``shuffle=True``) and calls ``on_epoch_end`` after each epoch."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if workers != 1 or use_multiprocessing:
            raise NotImplementedError("Sequence: workers > 1 and use_multiprocessing are not supported "
                                      "(batches are read in order on the training thread)")

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        """Called after each epoch of fit."""

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


PyDataset = Sequence


def normalize(x, axis=-1, order=2):
    """``keras.utils.normalize``: ``x`` divided by its ``order``-norm along ``axis`` (zero norms
    left at 1), composed of backend ops."""
    from . import backend as K
    t = _native.convert(x)
    if not t.dtype.is_floating:
        t = K.cast(t, K.floatx())
    if order == 2:
        norm = K.sqrt(K.sum(K.square(t), axis=axis, keepdims=True))
    elif order == 1:
        norm = K.sum(K.abs(t), axis=axis, keepdims=True)
    else:
        raise NotImplementedError(f"normalize: order={order!r} is not supported (1 or 2)")
    norm = K.switch(K.equal(norm, 0), K.ones_like(norm), norm)
    return _numpy_or_tensor(t / norm)


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Windows over a time series as a ``tf.data.Dataset`` (tf-keras 2 semantics; the core's
    ``sk_dataset_timeseries``): ``(window, target)`` batches, or windows when ``targets`` is None."""
    from .. import data as _data
    h = _native.dataset_timeseries(data, targets, int(sequence_length), int(sequence_stride), int(sampling_rate),
                                   0 if batch_size is None else int(batch_size), bool(shuffle),
                                   -1 if seed is None else int(seed), -1 if start_index is None else int(start_index),
                                   -1 if end_index is None else int(end_index))
    return _data.Dataset(h)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """``keras.utils.split_dataset``: two datasets of ``left_size`` and ``right_size`` elements
    (ints, or fractions of the total; one None takes the rest; both None: 0.5 each) from a
    Dataset or arrays (tuples of arrays slice together). The elements are taken in order, or
    shuffled once with ``seed``."""
    from .. import data as _data
    if not isinstance(dataset, _data.Dataset):
        dataset = _data.Dataset.from_tensor_slices(dataset if not isinstance(dataset, list) else tuple(dataset))
    total = _native.dataset_cardinality(dataset._h)
    if total < 0:
        raise ValueError("split_dataset: the dataset must be finite with a known number of elements "
                         f"(cardinality {total})")
    left, right = _split_sizes(total, left_size, right_size)
    if shuffle:
        dataset = dataset.shuffle(max(total, 1), seed=seed if seed is not None else _random.randint(0, 1 << 30),
                                  reshuffle_each_iteration=False)
    cached = dataset.cache() if shuffle else dataset
    return cached.take(left), cached.skip(left).take(right)


def _split_sizes(total, left, right):
    """Keras' rules for the sizes of split_dataset."""
    def size(v, name):
        if v is None:
            return None
        if isinstance(v, float):
            if not 0 < v < 1:
                raise ValueError(f"`{name}` should be a float between 0 and 1 or an int, got {v}")
            return round(v * total)
        if isinstance(v, int) and v >= 0:
            if v > total:
                raise ValueError(f"`{name}` {v} is larger than the number of samples {total}")
            return v
        raise TypeError(f"Invalid `{name}` type. Expected one of int or float, received {v!r}")
    a, b = size(left, "left_size"), size(right, "right_size")
    if a is None and b is None:
        a = round(0.5 * total)
        b = total - a
    elif a is None:
        a = total - b
    elif b is None:
        b = total - a
    if a + b > total:
        raise ValueError(f"The sum of `left_size` and `right_size` ({a + b}) is larger than the number of samples "
                         f"({total})")
    if a == 0 and b == 0:
        raise ValueError("Both `left_size` and `right_size` are zero")
    return a, b


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """``keras.utils.get_file`` for files already on this machine: ``origin`` a local path or a
    ``file://`` URL, or ``fname`` found in ``cache_dir/cache_subdir`` (``~/.keras/datasets``). There
    is no network access: any other URL is an error naming it."""
    for arg, v in (("untar", untar), ("extract", extract), ("force_download", force_download)):
        if v:
            raise NotImplementedError(f"get_file: {arg}=True is not supported")
    if md5_hash is not None or file_hash is not None:
        raise NotImplementedError("get_file: hash checking is not supported")
    base = cache_dir or _os.path.join(_os.path.expanduser("~"), ".keras")
    if fname is None and origin:
        fname = origin.rstrip("/").rsplit("/", 1)[-1]
    cached = _os.path.join(base, cache_subdir, fname) if fname else None
    if origin:
        path = origin[len("file://"):] if origin.startswith("file://") else origin
        if "://" in path:
            if cached and _os.path.exists(cached):
                return cached   # downloaded before: Keras uses the cached copy too
            raise ValueError(f"get_file: cannot download {origin!r}: SwiftKeras has no network access; download the "
                             f"file yourself and put it at {cached!r}, or pass its local path (or file:// URL) as origin")
        if _os.path.exists(path):
            return _os.path.abspath(path)
    if cached and _os.path.exists(cached):
        return cached
    raise FileNotFoundError(f"get_file: no local file for origin={origin!r}, fname={fname!r} (looked in "
                            f"{_os.path.join(base, cache_subdir)})")

from ._serialization import (CustomObjectScope, custom_object_scope, get_custom_objects,  # noqa: E402,F401
                             get_registered_name, get_registered_object, register_keras_serializable)
__all__ += ["CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
            "get_registered_object", "register_keras_serializable"]


def model_to_dot(model, *args, **kwargs):
    """tf.keras 2's ``model_to_dot`` needs pydot and graphviz; SwiftKeras does not draw models:
    ImportError (what tf.keras 2 raises without pydot) naming what is missing."""
    raise ImportError("You must install pydot (`pip install pydot`) and install graphviz "
                      "(see instructions at https://graphviz.gitlab.io/download/) for plot_model to work; "
                      "SwiftKeras does not draw models (use model.summary())")


def plot_model(model, to_file="model.png", *args, **kwargs):
    """tf.keras 2's ``plot_model``: in a notebook it prints why it cannot draw and returns None
    (as tf.keras 2 does without pydot); elsewhere ImportError (``model_to_dot``)."""
    import sys as _sys
    if "IPython.core.magics.namespace" in _sys.modules:
        print("You must install pydot (`pip install pydot`) and install graphviz for plot_model to work; "
              "SwiftKeras does not draw models (use model.summary())")
        return None
    return model_to_dot(model)


__all__ += ["model_to_dot", "plot_model"]


def unpack_x_y_sample_weight(data):
    """tf.keras 2 ``unpack_x_y_sample_weight``: ``(x, y, sample_weight)`` of a batch given as
    ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (missing parts None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found: {data}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """tf.keras 2 ``pack_x_y_sample_weight``: ``x`` alone (``(x,)`` when x is a list, tuple or
    dict) without targets, else ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple, dict)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)
__all__ += ["unpack_x_y_sample_weight", "pack_x_y_sample_weight"]


class Progbar:
    """``keras.utils.Progbar``: a progress bar for a loop of ``target`` steps (None: unknown).
    ``update(current, values)`` / ``add(n, values)``: values (``[(name, value), ...]``) not in
    ``stateful_metrics`` are averaged over the steps, each weighed by the steps it advanced;
    stateful ones show their last value. Drawn as ``fit``'s progress lines (verbose 1: a live
    bar on a terminal and the final line; verbose 2: the final line only)."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        stream = _sys.stdout
        dynamic = bool(getattr(stream, "isatty", None) and stream.isatty()) or "ipykernel" in _sys.modules
        self._h = _native.progbar_create(-1 if target is None else int(target), int(width), int(verbose),
                                         float(interval), sorted(str(m) for m in self.stateful_metrics),
                                         str(unit_name), dynamic)

    @property
    def _seen_so_far(self):
        return _native.progbar_seen(self._h)

    def update(self, current, values=None, finalize=None):
        """Moves the bar to ``current`` and records ``values``; ``finalize`` (default: ``current >=
        target``) writes the final line."""
        values = list(values or [])
        names = [str(k) for k, _ in values]
        nums = [float(v.numpy() if hasattr(v, "numpy") else v) for _, v in values]
        out = _native.progbar_update(self._h, int(current), names, nums, -1 if finalize is None else int(bool(finalize)))
        if out:
            _sys.stdout.write(out)
            _sys.stdout.flush()

    def add(self, n, values=None):
        """``update(seen + n, values)``."""
        self.update(self._seen_so_far + n, values)
