"""``tf.config.threading`` over the C API (``sk_set_num_threads`` / ``sk_get_num_threads``).

SwiftKeras runs each op on the calling thread plus, for large ops, helper threads (its own
parallel loops and OpenBLAS's products): the intra-op setting bounds those. Ops themselves run
one after another, so there is no inter-op pool: 0 (let the system choose) and 1 are the only
inter-op settings, and both mean that.
"""
import ctypes
import os

from .. import _native  # loads libswiftkeras

__all__ = ["get_intra_op_parallelism_threads", "set_intra_op_parallelism_threads",
           "get_inter_op_parallelism_threads", "set_inter_op_parallelism_threads"]

_SK_ERR_INVALID_ARG = 1


def _load_library():
    """The libswiftkeras the extension module loaded (found in this process's mappings), so the
    settings made here are the ones the extension's ops read."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and os.path.basename(fields[5].strip()).startswith("libswiftkeras.so"):
                lib = ctypes.CDLL(fields[5].strip())
                lib.sk_set_num_threads.argtypes, lib.sk_set_num_threads.restype = [ctypes.c_int32], ctypes.c_int32
                lib.sk_get_num_threads.argtypes, lib.sk_get_num_threads.restype = [], ctypes.c_int32
                lib.sk_last_error_message.argtypes, lib.sk_last_error_message.restype = [], ctypes.c_char_p
                return lib
    raise ImportError("swiftkeras.config.threading: libswiftkeras is not loaded by swiftkeras._native")


_lib = _load_library()
_inter_op = 0


def _count(num_threads, fn):
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise TypeError(f"{fn}: num_threads must be an int, got {type(num_threads).__name__}")
    return num_threads


def get_intra_op_parallelism_threads():
    """The number of threads one op may use; 0 (the default) means every CPU."""
    return _lib.sk_get_num_threads()


def set_intra_op_parallelism_threads(num_threads):
    """Sets the number of threads one op may use (0 = every CPU, 1 = the calling thread only).
    Takes effect from the next op; results do not depend on it."""
    n = _count(num_threads, "set_intra_op_parallelism_threads")
    if not -2**31 <= n < 2**31:
        raise ValueError(f"set_intra_op_parallelism_threads: {n} is out of range")
    rc = _lib.sk_set_num_threads(n)
    if rc != 0:
        message = _lib.sk_last_error_message().decode()
        raise (ValueError if rc == _SK_ERR_INVALID_ARG else RuntimeError)(message)


def get_inter_op_parallelism_threads():
    """The inter-op setting: 0 (the default, the system chooses) or 1; SwiftKeras runs ops one
    at a time either way."""
    return _inter_op


def set_inter_op_parallelism_threads(num_threads):
    """Accepts 0 and 1 (ops run one at a time, as they always do); a pool of several inter-op
    threads is not implemented and raises NotImplementedError."""
    global _inter_op
    n = _count(num_threads, "set_inter_op_parallelism_threads")
    if n not in (0, 1):
        raise NotImplementedError(
            f"set_inter_op_parallelism_threads({n}): SwiftKeras runs ops one at a time on the calling "
            "thread (no inter-op thread pool); use 0 or 1, and set_intra_op_parallelism_threads for "
            "the threads of one op")
    _inter_op = n
