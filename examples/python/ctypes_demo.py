#!/usr/bin/env python3
"""SwiftKeras from Python with nothing but ctypes (no extension module, no numpy): tensors, a
gradient and a small model trained with sk_model_fit_ex and a Python callback.

    python3 examples/python/ctypes_demo.py [path/to/libswiftkeras.so]

The library is found from the argument, else $SWIFTKERAS_LIB, else the linker's search path
(an installed libswiftkeras.so.0), else this checkout's .build/release. The declarations below
are transcribed from include/swiftkeras.h for the functions used. ctypes releases the GIL
around each call; the callback takes it back."""
import ctypes
import ctypes.util
import os
import sys
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char_p, c_double, c_float, c_int32,
                    c_int64, c_size_t, c_uint8, c_void_p, sizeof)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load():
    for path in (sys.argv[1] if len(sys.argv) > 1 else None, os.environ.get("SWIFTKERAS_LIB"),
                 ctypes.util.find_library("swiftkeras"),
                 os.path.join(ROOT, ".build", "release", "libswiftkeras.so")):
        if path:
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    sys.exit("libswiftkeras not found: pass its path or build it (make)")


sk = load()
SK_OK, SK_ERR_INVALID_HANDLE, SK_FLOAT32, SK_FLOAT64 = 0, 7, 1, 2
T = c_void_p  # every handle is an opaque pointer

PROGRESS_FN = CFUNCTYPE(c_int32, c_void_p, c_int32, POINTER(c_char_p), POINTER(c_double), c_int32)


class FitArgs(Structure):
    """sk_fit_args (swiftkeras/training.h, version 2)."""
    _fields_ = [("struct_size", c_size_t), ("batch_size", c_int64), ("epochs", c_int32),
                ("initial_epoch", c_int32), ("verbose", c_int32), ("shuffle", c_uint8),
                ("seed", c_int64), ("validation_split", c_double), ("validation_x", c_void_p),
                ("n_validation_x", c_int32), ("validation_y", c_void_p),
                ("validation_sample_weight", c_void_p), ("sample_weight", c_void_p),
                ("class_weight", c_void_p), ("class_ids", c_void_p), ("n_class_weight", c_int32),
                ("on_epoch_end", PROGRESS_FN), ("on_epoch_begin", c_void_p),
                ("on_train_batch_begin", c_void_p), ("on_train_batch_end", c_void_p),
                ("user_data", c_void_p), ("callbacks", c_void_p), ("n_callbacks", c_int32)]


def declare(name, restype, *argtypes):
    f = getattr(sk, name)
    f.restype, f.argtypes = restype, list(argtypes)


declare("sk_version", c_char_p)
declare("sk_last_error_message", c_char_p)
declare("sk_tensor_from_data", c_int32, c_void_p, c_int32, POINTER(c_int64), c_int32, POINTER(T))
declare("sk_scalar", c_int32, c_double, c_int32, POINTER(T))
declare("sk_tensor_copy_data", c_int32, T, c_void_p, c_size_t)
declare("sk_tensor_release", None, T)
declare("sk_sum", c_int32, T, POINTER(c_int64), c_int32, c_uint8, POINTER(T))
declare("sk_tanh", c_int32, T, POINTER(T))
declare("sk_reshape", c_int32, T, POINTER(c_int64), c_int32, POINTER(T))
declare("sk_tape_create", c_int32, c_uint8, c_uint8, POINTER(T))
declare("sk_tape_start", c_int32, T)
declare("sk_tape_stop", c_int32, T)
declare("sk_tape_watch", c_int32, T, T)
declare("sk_tape_gradient", c_int32, T, T, POINTER(T), c_void_p, c_int32, T, c_int32, POINTER(T))
declare("sk_tape_release", None, T)
declare("sk_layer_create", c_int32, c_char_p, c_char_p, POINTER(T))
declare("sk_layer_release", None, T)
declare("sk_sequential_create", c_int32, POINTER(T), c_int32, c_char_p, POINTER(T))
declare("sk_model_compile", c_int32, T, c_char_p, T, c_char_p, T, c_void_p, c_int32)
declare("sk_model_release", None, T)
declare("sk_fit_args_init", c_int32, POINTER(FitArgs), c_size_t)
declare("sk_model_fit_ex", c_int32, T, POINTER(T), c_int32, T, POINTER(FitArgs), POINTER(T))
declare("sk_history_epochs", c_int32, T)
declare("sk_history_release", None, T)


def check(rc, what):
    if rc != SK_OK:
        raise RuntimeError("%s: error %d: %s" % (what, rc, sk.sk_last_error_message().decode()))


def tensor(values, shape, dtype=SK_FLOAT32):
    ctype = c_float if dtype == SK_FLOAT32 else c_double
    data = (ctype * len(values))(*values)
    dims = (c_int64 * len(shape))(*shape)
    t = T()
    check(sk.sk_tensor_from_data(data, dtype, dims, len(shape), byref(t)), "sk_tensor_from_data")
    return t


def scalar_value(t, ctype=c_double):
    v = ctype()
    check(sk.sk_tensor_copy_data(t, byref(v), sizeof(v)), "sk_tensor_copy_data")
    return v.value


print("SwiftKeras", sk.sk_version().decode(), "through ctypes")

# Tensors.
a = tensor([1, 2, 3, 4], [2, 2])
s = T()
check(sk.sk_sum(a, None, 0, 0, byref(s)), "sk_sum")
total = scalar_value(s, c_float)
assert total == 10.0, total
print("sum([[1, 2], [3, 4]]) =", total)
sk.sk_tensor_release(s)
sk.sk_tensor_release(a)

# d tanh(x)/dx = 1 - tanh(x)^2.
x = T()
check(sk.sk_scalar(0.3, SK_FLOAT64, byref(x)), "sk_scalar")
tape, y, g = T(), T(), T()
check(sk.sk_tape_create(0, 1, byref(tape)), "sk_tape_create")
check(sk.sk_tape_start(tape), "sk_tape_start")
check(sk.sk_tape_watch(tape, x), "sk_tape_watch")
check(sk.sk_tanh(x, byref(y)), "sk_tanh")
check(sk.sk_tape_stop(tape), "sk_tape_stop")
sources = (T * 1)(x)
check(sk.sk_tape_gradient(tape, y, sources, None, 1, None, 0, byref(g)), "sk_tape_gradient")
import math
got, want = scalar_value(g), 1 - math.tanh(0.3) ** 2
assert abs(got - want) < 1e-15, (got, want)
print("d tanh(x)/dx at 0.3 = %.12f (exact %.12f)" % (got, want))
for h in (g, y, x):
    sk.sk_tensor_release(h)
sk.sk_tape_release(tape)

# An error: the status code and the message.
r = T()
rc = sk.sk_reshape(None, None, 0, byref(r))
assert rc == SK_ERR_INVALID_HANDLE and not r.value, rc
print("error message:", sk.sk_last_error_message().decode())

# A linear model learns y = 2 x0 - 3 x1 + 1, with a Python epoch callback.
xs, ys = [], []
for i in range(64):
    p, q = (i % 8) / 4 - 1, (i // 8) / 4 - 1
    xs += [p, q]
    ys.append(2 * p - 3 * q + 1)
xt, yt = tensor(xs, [64, 2]), tensor(ys, [64, 1])
dense, model = T(), T()
check(sk.sk_layer_create(b"Dense", b'{"units": 1, "input_shape": [2]}', byref(dense)), "sk_layer_create")
check(sk.sk_sequential_create((T * 1)(dense), 1, b"linear", byref(model)), "sk_sequential_create")
check(sk.sk_model_compile(model, b"sgd", None, b"mse", None, None, 0), "sk_model_compile")

losses = []


@PROGRESS_FN
def on_epoch_end(user_data, epoch, names, values, n):
    for i in range(n):
        if names[i] == b"loss":
            losses.append(values[i])
    return SK_OK


args = FitArgs()
check(sk.sk_fit_args_init(byref(args), sizeof(args)), "sk_fit_args_init")
args.epochs, args.batch_size, args.verbose, args.seed = 30, 8, 0, 7
args.on_epoch_end = on_epoch_end
history = T()
check(sk.sk_model_fit_ex(model, (T * 1)(xt), 1, yt, byref(args), byref(history)), "sk_model_fit_ex")
assert sk.sk_history_epochs(history) == 30 and len(losses) == 30, losses
assert losses[-1] < losses[0] / 2, (losses[0], losses[-1])
print("fit: loss %.4f -> %.4f over %d epochs (Python callback through ctypes)" % (losses[0], losses[-1], len(losses)))
sk.sk_history_release(history)
sk.sk_model_release(model)
sk.sk_layer_release(dense)
sk.sk_tensor_release(xt)
sk.sk_tensor_release(yt)
