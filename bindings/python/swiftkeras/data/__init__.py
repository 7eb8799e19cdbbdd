"""swiftkeras.data: ``tf.data`` over the core's input pipeline (include/swiftkeras/data.h).

Every transformation, its cardinality and its element specs are the core's; this module turns
Python structures (a tensor, tuples, dicts) into the core's flat tensors + structure JSON and
back, and Python callables (generators, map and filter functions) into the core's callbacks.
"""
import json as _json
import threading as _threading

from .. import _native

AUTOTUNE = -1
INFINITE_CARDINALITY = _native.SK_DATASET_INFINITE
UNKNOWN_CARDINALITY = _native.SK_DATASET_UNKNOWN

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "TensorSpec", "experimental"]


from .._tensor_spec import TensorSpec  # noqa: E402  (tf.TensorSpec, one class for the whole package)


def _dims(shape):
    try:
        return list(shape.as_list())
    except (AttributeError, ValueError):
        return list(shape) if shape is not None else None


# -- structures: Python nesting <-> the core's flat tensors + structure JSON ----------------------
def _flatten(value, what="element"):
    """(flat leaves, structure) of a value: dicts (keys sorted) and tuples nest; anything else,
    lists included (as tf.data does), is one tensor."""
    if isinstance(value, dict):
        flat, sub = [], {}
        for k in sorted(value):
            if not isinstance(k, str):
                raise TypeError(f"{what}: dict keys must be strings, got {k!r}")
            f, s = _flatten(value[k], what)
            flat += f
            sub[k] = s
        return flat, sub
    if isinstance(value, tuple):
        flat, sub = [], []
        for v in value:
            f, s = _flatten(v, what)
            flat += f
            sub.append(s)
        return flat, sub
    return [value], "t"


def _pack(flat, structure, pos=0):
    """The nested value of `structure` over `flat` from `pos`: (value, next position)."""
    if structure == "t":
        return flat[pos], pos + 1
    if isinstance(structure, dict):
        out = {}
        for k in sorted(structure):
            out[k], pos = _pack(flat, structure[k], pos)
        return out, pos
    items = []
    for s in structure:
        v, pos = _pack(flat, s, pos)
        items.append(v)
    return tuple(items), pos


def _leaf_count(structure):
    if structure == "t":
        return 1
    return sum(_leaf_count(v) for v in (structure.values() if isinstance(structure, dict) else structure))


def _unpack(flat, structure):
    return _pack(flat, structure)[0]


_structures = {}


def _parse(text):
    s = _structures.get(text)
    if s is None:
        s = _structures[text] = _json.loads(text)
    return s


# Exceptions of Python callbacks run on a prefetch thread: the core carries only their message
# across threads, so the original is kept here and re-raised by the consuming iterator.
_errors_lock = _threading.Lock()
_thread_errors = []


def _guarded(fn):
    def call(*args):
        try:
            return fn(*args)
        except BaseException as e:
            if _threading.current_thread() is not _threading.main_thread():
                with _errors_lock:
                    _thread_errors.append(e)
            raise
    return call


def _reraise_thread_error(err):
    """Raises the exception a Python callback raised on another thread (the core carried its
    message to `err`), or `err` itself."""
    with _errors_lock:
        pending = _thread_errors.pop() if _thread_errors else None
        _thread_errors.clear()
    if pending is not None and pending is not err and str(pending) in str(err):
        raise pending from None
    raise err


def _element_fn(fn, unpack_tuples=True):
    """A core callback (flat tensors, structure JSON) -> fn(element) -> (flat, structure JSON)."""
    def call(flat, structure):
        elem = _unpack(flat, _parse(structure))
        out = fn(*elem) if unpack_tuples and isinstance(elem, tuple) else fn(elem)
        f, s = _flatten(out, "map")
        return f, _json.dumps(s)
    return _guarded(call)


def _predicate_fn(fn):
    def call(flat, structure):
        elem = _unpack(flat, _parse(structure))
        r = fn(*elem) if isinstance(elem, tuple) else fn(elem)
        return bool(r.numpy() if hasattr(r, "numpy") else r)
    return _guarded(call)


class _Iterator:
    """One pass over a dataset (``iter(dataset)``)."""

    def __init__(self, ds):
        self._ds = ds
        self._it = _native.dataset_iterator(ds._h)
        self._structure = ds._structure

    def __iter__(self):
        return self

    def __next__(self):
        try:
            flat = _native.dataset_iterator_next(self._it)
        except Exception as e:
            _reraise_thread_error(e)
        if flat is None:
            raise StopIteration
        return _unpack(flat, self._structure)

    def get_next(self):
        return self.__next__()


class _NumpyIterator(_Iterator):
    def __next__(self):
        elem = super().__next__()
        flat, s = _flatten(elem)
        return _unpack([_to_numpy(t) for t in flat], s)


def _to_numpy(t):
    a = t.numpy()
    return a[()] if getattr(a, "ndim", 1) == 0 else a


def _count(v, what):
    if hasattr(v, "numpy"):
        v = v.numpy()
    if v is None:
        return -1
    try:
        return int(v)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an integer, got {v!r}") from None


class Dataset:
    """``tf.data.Dataset``: build with the static constructors, chain transformations, iterate
    with ``for element in dataset``."""

    def __init__(self, handle):
        self._h = handle
        self._structure_json = _native.dataset_structure(handle)
        self._structure = _parse(self._structure_json)

    # -- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        flat, s = _flatten(tensors, "from_tensor_slices")
        return Dataset(_native.dataset_from_tensor_slices(flat, _json.dumps(s)))

    @staticmethod
    def from_tensors(tensors, name=None):
        flat, s = _flatten(tensors, "from_tensors")
        return Dataset(_native.dataset_from_tensors(flat, _json.dumps(s)))

    @staticmethod
    def range(*args, output_type=None, name=None):  # noqa: A003
        """``range(stop)``, ``range(start, stop[, step])``; elements of ``output_type`` (int64)."""
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range: expected 1 to 3 positional arguments, got {len(args)}")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (args[0], args[1], args[2] if len(args) == 3 else 1)
        code = _native.as_dtype(output_type if output_type is not None else "int64").as_datatype_enum
        return Dataset(_native.dataset_range(_count(start, "start"), _count(stop, "stop"), _count(step, "step"), code))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None, name=None):
        """Elements from ``generator(*args)`` (called anew for every pass), matching
        ``output_signature`` (nested TensorSpecs) or ``output_types``/``output_shapes``."""
        if not callable(generator):
            raise TypeError("from_generator: `generator` must be a Python callable")
        if output_signature is None:
            if output_types is None:
                raise TypeError("from_generator: the `output_signature` argument must be set")
            shapes = output_shapes
            if shapes is None:
                shapes = _map_structure(lambda _: None, output_types)
            output_signature = _map_structure2(lambda t, s: TensorSpec(s, t), output_types, shapes)
        elif output_types is not None or output_shapes is not None:
            raise TypeError("from_generator: `output_types` and `output_shapes` cannot be used with `output_signature`")
        specs, s = _flatten(output_signature, "output_signature")
        for sp in specs:
            if not isinstance(sp, TensorSpec):
                raise TypeError(f"from_generator: output_signature must contain TensorSpec objects, got {sp!r}")
        gen_args = tuple(args or ())
        passes = {}
        lock = _threading.Lock()

        def nxt(pass_, index):
            with lock:
                it = passes.get(pass_)
                if it is None:
                    it = passes[pass_] = iter(generator(*gen_args))
            try:
                value = next(it)
            except StopIteration:
                with lock:
                    passes.pop(pass_, None)
                return None
            flat, vs = _flatten(value, "from_generator")
            if len(flat) != len(specs):
                raise TypeError(f"`generator` yielded an element of structure {vs!r}, expected {s!r} "
                                "(from output_signature)")
            return [_native.convert(v, sp.dtype) for v, sp in zip(flat, specs)], _json.dumps(vs)

        def close(pass_):
            with lock:
                passes.pop(pass_, None)

        spec_json = _json.dumps([{"dtype": sp.dtype.name, "shape": _dims(sp.shape)} for sp in specs]) if all(_dims(sp.shape) is not None for sp in specs) else None
        return Dataset(_native.dataset_from_generator(_guarded(nxt), close, _json.dumps(s), spec_json,
                                                      UNKNOWN_CARDINALITY))

    @staticmethod
    def zip(*datasets, name=None):  # noqa: A003
        """``Dataset.zip((a, b))`` or ``Dataset.zip(a, b)``: tuples of elements."""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, list)):
            datasets = tuple(datasets[0])
        if len(datasets) == 1 and isinstance(datasets[0], dict):
            raise NotImplementedError("Dataset.zip of a dict of datasets is not supported; pass a tuple")
        for d in datasets:
            if not isinstance(d, Dataset):
                raise TypeError(f"zip: expected datasets, got {type(d).__name__}")
        return Dataset(_native.dataset_zip([d._h for d in datasets]))

    # -- transformations --------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        return Dataset(_native.dataset_batch(self._h, _count(batch_size, "batch_size"), bool(drop_remainder)))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """As ``batch``, padding each component to ``padded_shapes`` (None / -1 dimensions: the
        batch's longest; default all) with ``padding_values`` (default 0; one value for all)."""
        n_leaves = _leaf_count(self._structure)
        shapes_json = None
        if padded_shapes is not None:
            flat = [padded_shapes] if self._structure == "t" else _flatten(padded_shapes)[0]
            shapes_json = _json.dumps([[None if d is None else int(d) for d in _dims(_native.TensorShape(list(p)))]
                                       for p in flat])
        values = None
        if padding_values is not None:
            flat = _flatten(padding_values)[0]
            values = [float(v.numpy() if hasattr(v, "numpy") else v) for v in flat]
            if len(values) == 1:
                values = values * n_leaves
        return Dataset(_native.dataset_padded_batch(self._h, _count(batch_size, "batch_size"), shapes_json, values,
                                                    bool(drop_remainder)))

    def unbatch(self, name=None):
        return Dataset(_native.dataset_unbatch(self._h))

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        return Dataset(_native.dataset_rebatch(self._h, _count(batch_size, "batch_size"), bool(drop_remainder)))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        seed = -1 if seed is None else _count(seed, "seed")
        re = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return Dataset(_native.dataset_shuffle(self._h, _count(buffer_size, "buffer_size"), seed, re))

    def repeat(self, count=None, name=None):
        return Dataset(_native.dataset_repeat(self._h, _count(count, "count")))

    def take(self, count, name=None):
        return Dataset(_native.dataset_take(self._h, _count(count, "count")))

    def skip(self, count, name=None):
        return Dataset(_native.dataset_skip(self._h, _count(count, "count")))

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):  # noqa: A003
        """Each element through ``map_func`` (called with a tuple element's items as arguments);
        ``num_parallel_calls`` is accepted, elements are mapped in order."""
        return Dataset(_native.dataset_map(self._h, _element_fn(map_func), None))

    def filter(self, predicate, name=None):  # noqa: A003
        return Dataset(_native.dataset_filter(self._h, _predicate_fn(predicate)))

    def concatenate(self, dataset, name=None):
        return Dataset(_native.dataset_concatenate(self._h, dataset._h))

    def enumerate(self, start=0, name=None):  # noqa: A003
        return Dataset(_native.dataset_enumerate(self._h, _count(start, "start")))

    def prefetch(self, buffer_size, name=None):
        return Dataset(_native.dataset_prefetch(self._h, _count(buffer_size, "buffer_size")))

    def cache(self, filename="", name=None):
        if filename:
            raise NotImplementedError(f"cache: only the in-memory cache is supported (filename={filename!r})")
        return Dataset(_native.dataset_cache(self._h))

    def apply(self, transformation_func):
        return transformation_func(self)

    # -- queries and iteration -----------------------------------------------------------------
    def cardinality(self):
        """The number of elements as an int64 scalar tensor (-1 infinite, -2 unknown)."""
        return _native.convert(_native.dataset_cardinality(self._h), _native.int64)

    def __len__(self):
        n = _native.dataset_cardinality(self._h)
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    @property
    def element_spec(self):
        specs = [TensorSpec(s["shape"], s["dtype"]) for s in _json.loads(_native.dataset_element_spec(self._h))]
        return _unpack(specs, self._structure)

    def __iter__(self):
        return _Iterator(self)

    def as_numpy_iterator(self):
        return _NumpyIterator(self)

    def __repr__(self):
        return f"<Dataset element_spec={self.element_spec}>"


def _map_structure(fn, s):
    if isinstance(s, dict):
        return {k: _map_structure(fn, v) for k, v in s.items()}
    if isinstance(s, tuple):
        return tuple(_map_structure(fn, v) for v in s)
    return fn(s)


def _map_structure2(fn, a, b):
    if isinstance(a, dict):
        return {k: _map_structure2(fn, a[k], b[k]) for k in a}
    if isinstance(a, tuple):
        return tuple(_map_structure2(fn, x, y) for x, y in zip(a, b))
    return fn(a, b)


class experimental:  # noqa: N801  (tf.data.experimental)
    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE_CARDINALITY
    UNKNOWN_CARDINALITY = UNKNOWN_CARDINALITY

    @staticmethod
    def cardinality(dataset):
        return dataset.cardinality()
