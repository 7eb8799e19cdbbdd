"""``tf.train``: ``Checkpoint`` (save / write / restore / read of variables through the core's
tensor file, ``sk_tensors_save`` / ``sk_tensors_load``), ``CheckpointManager`` and
``latest_checkpoint``.

A checkpoint holds one tensor per variable, named by its object path from the checkpoint
(``model/weights/0``, ``step``, ``net/dense/kernel``): tf.Variable objects, tf.Module trees,
Keras layers and models (their weights), and lists / dicts of these. An optimizer's state is
saved under its key as the core names it (``optimizer/iterations``, ``optimizer/slots/<k>/<slot>``
for the k-th variable it updated) and restored into a fresh optimizer before its first step (TF's
deferred restoration, ``sk_optimizer_restore_state``). TF's own checkpoint format is not read.
"""
import ctypes
import json
import os

from . import _native
from .config.threading import _lib
from .module import _walk

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint"]

_lib.sk_tensors_save.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
                                 ctypes.POINTER(ctypes.c_void_p), ctypes.c_int32]
_lib.sk_tensors_save.restype = ctypes.c_int32
_lib.sk_tensors_load.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
_lib.sk_tensors_load.restype = ctypes.c_int32
_lib.sk_tensor_from_data.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64),
                                     ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]
_lib.sk_tensor_from_data.restype = ctypes.c_int32
_lib.sk_tensor_release.argtypes = [ctypes.c_void_p]
_lib.sk_tensor_dtype.argtypes, _lib.sk_tensor_dtype.restype = [ctypes.c_void_p], ctypes.c_int32
_lib.sk_tensor_ndim.argtypes, _lib.sk_tensor_ndim.restype = [ctypes.c_void_p], ctypes.c_int32
_lib.sk_tensor_shape.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32]
_lib.sk_tensor_shape.restype = ctypes.c_int32
_lib.sk_tensor_copy_data.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
_lib.sk_tensor_copy_data.restype = ctypes.c_int32
_lib.sk_tensors_names.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
_lib.sk_tensors_names.restype = ctypes.c_int32
_lib.sk_checkpoint_state_write.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
_lib.sk_checkpoint_state_write.restype = ctypes.c_int32
_lib.sk_checkpoint_state_read.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                                          ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_uint8)]
_lib.sk_checkpoint_state_read.restype = ctypes.c_int32

# memoryview formats of the dtypes a checkpoint holds (the C API's dtype codes come from the backend)
_SK_ERR_INVALID_ARG, _SK_ERR_IO = 1, 8
_FORMATS = {"float32": "f", "float64": "d", "float16": "e", "int32": "i", "int64": "q", "uint8": "B", "bool": "?"}


def _check(rc):
    """Raises TF's error for a failed C call: a missing file or name is NotFoundError."""
    if rc == 0:
        return
    from .errors import InvalidArgumentError, NotFoundError
    message = _lib.sk_last_error_message().decode()
    if rc == _SK_ERR_IO or "no tensor" in message:
        raise NotFoundError(None, None, message)
    if rc == _SK_ERR_INVALID_ARG:
        raise InvalidArgumentError(None, None, message)
    raise RuntimeError(message)


def _code(dtype):
    from .keras import backend
    return backend._CODES[dtype.name]


def _save(path, named):
    handles = []
    try:
        for _, t in named:
            t = _native.convert(t)
            shape = (ctypes.c_int64 * max(t.ndim, 1))(*t.shape)
            h = ctypes.c_void_p()
            _check(_lib.sk_tensor_from_data(ctypes.c_void_p(t._data_address), _code(t.dtype), shape, t.ndim,
                                            ctypes.byref(h)))
            handles.append(h)
        names = (ctypes.c_char_p * max(len(named), 1))(*[n.encode() for n, _ in named])
        arr = (ctypes.c_void_p * max(len(handles), 1))(*[h.value for h in handles])
        _check(_lib.sk_tensors_save(os.fsencode(path), names, arr, len(named)))
    finally:
        for h in handles:
            _lib.sk_tensor_release(h)


def _load(path, name):
    h = ctypes.c_void_p()
    _check(_lib.sk_tensors_load(os.fsencode(path), name.encode(), ctypes.byref(h)))
    try:
        ndim = _lib.sk_tensor_ndim(h)
        shape = (ctypes.c_int64 * max(ndim, 1))()
        _check(_lib.sk_tensor_shape(h, shape, ndim))
        dims = [int(shape[i]) for i in range(ndim)]
        code = _lib.sk_tensor_dtype(h)
        from .keras import backend
        dtype = next(n for n, c in backend._CODES.items() if c == code)
        if dtype not in _FORMATS:
            raise NotImplementedError(f"Checkpoint: restoring a {dtype} tensor ({name}) is not supported")
        count = 1
        for d in dims:
            count *= d
        buf = bytearray(count * _native.as_dtype(dtype).size)
        if count:
            _check(_lib.sk_tensor_copy_data(h, (ctypes.c_char * len(buf)).from_buffer(buf), len(buf)))
        view = memoryview(buf).cast(_FORMATS[dtype], dims) if dims and count else memoryview(buf).cast(_FORMATS[dtype])
        if not dims:
            return _native.convert(view[0], _native.as_dtype(dtype))
        if not count:
            return _native.zeros(dims, _native.as_dtype(dtype))
        return _native.convert(view, _native.as_dtype(dtype))
    finally:
        _lib.sk_tensor_release(h)


def _names(path):
    """The names of the tensors in the checkpoint file at `path` (sk_tensors_names)."""
    length = ctypes.c_size_t()
    _check(_lib.sk_tensors_names(os.fsencode(path), None, 0, ctypes.byref(length)))
    buf = ctypes.create_string_buffer(length.value + 1)
    _check(_lib.sk_tensors_names(os.fsencode(path), buf, len(buf), ctypes.byref(length)))
    return json.loads(buf.value.decode())


def _is_optimizer(obj):
    return hasattr(obj, "apply_gradients") and hasattr(obj, "_handle")


def _optimizer_state(key, opt):
    """[(path, tensor)] of an optimizer's state (a LossScaleOptimizer's loss scale, then its inner optimizer's)."""
    names = json.loads(_native.optimizer_state_names(opt._handle))
    return [(f"{key}/{n}", t) for n, t in zip(names, _native.optimizer_state(opt._handle))]


def _restore_optimizer(path, key, opt, names):
    """Restores the optimizer saved under `key` from the file at `path` (whose names are `names`)."""
    prefix = key + "/"
    mine = [n for n in names if n.startswith(prefix)]
    if prefix + "iterations" not in mine:
        from .errors import NotFoundError
        raise NotFoundError(None, None, f"Checkpoint: no state of the optimizer {key!r} in {path} "
                                        f"(no tensor \"{prefix}iterations\")")
    _native.optimizer_restore_state(opt._handle, [n[len(prefix):] for n in mine], [_load(path, n) for n in mine])


def _entries(objects):
    """[(path, getter, setter)] for every value the checkpoint holds, in path order."""
    out = []
    for key in sorted(objects):
        obj = objects[key]
        if hasattr(obj, "get_weights") and hasattr(obj, "set_weights"):   # a Keras layer or model
            count = len(obj.get_weights())
            for i in range(count):
                out.append((f"{key}/weights/{i}", (lambda o=obj, i=i: o.get_weights()[i]),
                            (lambda v, o=obj, i=i: _set_weight(o, i, v))))
            continue
        if _is_optimizer(obj):   # saved and restored whole (_optimizer_state, _restore_optimizer)
            continue
        vs = []
        _walk(obj, key, set(), vs, [])
        if not vs and not isinstance(obj, (list, tuple, dict)) and not hasattr(obj, "_module_name"):
            raise NotImplementedError(f"Checkpoint: {key!r} ({type(obj).__name__}) is not a variable, "
                                      "tf.Module, Keras layer/model, or a list/dict of these")
        for path, v in vs:
            out.append((path, (lambda v=v: v), (lambda value, v=v: v.assign(value))))
    return out


def _set_weight(obj, i, value):
    ws = obj.get_weights()
    ws[i] = value
    obj.set_weights(ws)


class _Status:
    """What restore() returns: ``assert_consumed`` / ``expect_partial`` / ``assert_existing_objects_matched``."""

    def __init__(self):
        pass

    def assert_consumed(self):
        return self

    def assert_existing_objects_matched(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None


class Checkpoint:
    """``tf.train.Checkpoint(**objects)``: ``save(prefix)`` → ``prefix-N``, ``write(path)``,
    ``restore(path)`` / ``read(path)`` (every saved value must be present: a missing one raises
    NotFoundError naming it)."""

    def __init__(self, root=None, **kwargs):
        if root is not None:
            kwargs["root"] = root
        for k in kwargs:
            if k.startswith("_"):
                raise ValueError(f"Checkpoint: attribute names may not start with an underscore ({k!r})")
        self._objects = dict(kwargs)
        self.save_counter = _native.Variable(0, dtype=_native.int64, trainable=False)
        _entries(self._objects)   # fails now for objects that cannot be saved
        for key, obj in self._objects.items():
            if _is_optimizer(obj):
                _optimizer_state(key, obj)

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    def write(self, file_prefix, options=None):
        """Writes every value to `file_prefix` (exactly that path); returns it."""
        path = os.fspath(file_prefix)
        named = [(p, get()) for p, get, _ in _entries(self._objects)]
        for key in sorted(self._objects):
            if _is_optimizer(self._objects[key]):
                named += _optimizer_state(key, self._objects[key])
        named.append(("save_counter", self.save_counter))
        _save(path, named)
        return path

    def save(self, file_prefix, options=None):
        """Increments save_counter and writes to ``{file_prefix}-{save_counter}``; returns that path."""
        self.save_counter.assign_add(1)
        path = f"{os.fspath(file_prefix)}-{int(self.save_counter)}"
        self.write(path)
        d = os.path.dirname(path) or "."
        # the state file through the core (sk_checkpoint_state_write): atomic, and a FIFO there
        # is an error instead of a write that blocks forever
        _check(_lib.sk_checkpoint_state_write(os.fsencode(os.path.join(d, "checkpoint")),
                                              os.fsencode(os.path.basename(path))))
        return path

    def read(self, save_path, options=None):
        """Restores every value from `save_path`."""
        path = os.fspath(save_path)
        for p, _, set_ in _entries(self._objects):
            set_(_load(path, p))
        optimizers = sorted(k for k, obj in self._objects.items() if _is_optimizer(obj))
        if optimizers:
            names = _names(path)
            for key in optimizers:
                _restore_optimizer(path, key, self._objects[key], names)
        return _Status()

    def restore(self, save_path, options=None):
        """``read`` plus the save counter; a None path restores nothing (TF's behaviour)."""
        if save_path is None:
            return _Status()
        status = self.read(save_path)
        self.save_counter.assign(_load(os.fspath(save_path), "save_counter"))
        return status


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """``tf.train.latest_checkpoint``: the path recorded by the last save in `checkpoint_dir`, or None."""
    state = os.fsencode(os.path.join(os.fspath(checkpoint_dir), latest_filename or "checkpoint"))
    # read by the core (sk_checkpoint_state_read): only a regular file, never a FIFO waited on
    length, found = ctypes.c_size_t(0), ctypes.c_uint8(0)
    _check(_lib.sk_checkpoint_state_read(state, None, 0, ctypes.byref(length), ctypes.byref(found)))
    if not found.value:
        return None
    buf = ctypes.create_string_buffer(length.value + 1)
    _check(_lib.sk_checkpoint_state_read(state, buf, len(buf), ctypes.byref(length), ctypes.byref(found)))
    if not found.value:
        return None
    return os.path.join(os.fspath(checkpoint_dir), os.fsdecode(buf.value))


class CheckpointManager:
    """``tf.train.CheckpointManager(checkpoint, directory, max_to_keep)``: numbered saves in
    `directory`, the oldest deleted beyond max_to_keep."""

    def __init__(self, checkpoint, directory, max_to_keep, checkpoint_name="ckpt", **kwargs):
        for k in kwargs:
            raise NotImplementedError(f"CheckpointManager: {k} is not supported")
        self._checkpoint, self._directory = checkpoint, os.fspath(directory)
        self._max, self._name = max_to_keep, checkpoint_name
        self._kept = []
        os.makedirs(self._directory, exist_ok=True)

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoints(self):
        return list(self._kept)

    @property
    def latest_checkpoint(self):
        return self._kept[-1] if self._kept else latest_checkpoint(self._directory)

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        if checkpoint_number is not None:
            self._checkpoint.save_counter.assign(int(checkpoint_number) - 1)
        path = self._checkpoint.save(os.path.join(self._directory, self._name))
        self._kept.append(path)
        while self._max is not None and len(self._kept) > self._max:
            old = self._kept.pop(0)
            if os.path.exists(old):
                os.remove(old)
        return path
