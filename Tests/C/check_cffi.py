#!/usr/bin/env python3
"""The C API through cffi: the declarations tools/cffi_header.py generates from the headers
(installed as share/swiftkeras/swiftkeras_cffi.h) parse with ffi.cdef, and the library answers
through them — a sum, a gradient, an error code with its message, sk_fit_args laid out as the
library expects. Usage: check_cffi.py LIBRARY [CFFI_HEADER] (default: generated from include/).
Prints "N passed, N failed" like the other suites."""
import math
import os
import sys

import cffi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
lib_path = sys.argv[1]
if len(sys.argv) > 2:
    declarations = open(sys.argv[2]).read()
else:
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import cffi_header
    declarations = cffi_header.generate()

ffi = cffi.FFI()
ffi.cdef(declarations)
lib = ffi.dlopen(lib_path)
passed = failed = 0


def expect(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


def check(rc):
    if rc != lib.SK_OK:
        raise RuntimeError(ffi.string(lib.sk_last_error_message()).decode())


expect(ffi.string(lib.sk_version()).decode() == "%d.%d.%d" % (lib.SK_VERSION_MAJOR, lib.SK_VERSION_MINOR, lib.SK_VERSION_PATCH),
       "sk_version matches the header's SK_VERSION_*")

# sum([[1, 2], [3, 4]]) = 10
data = ffi.new("float[]", [1, 2, 3, 4])
shape = ffi.new("int64_t[]", [2, 2])
t = ffi.new("sk_tensor **")
check(lib.sk_tensor_from_data(data, lib.SK_FLOAT32, shape, 2, t))
s = ffi.new("sk_tensor **")
check(lib.sk_sum(t[0], ffi.NULL, 0, 0, s))
out = ffi.new("float *")
check(lib.sk_tensor_copy_data(s[0], out, 4))
expect(out[0] == 10.0, "sum = 10, got %r" % out[0])
lib.sk_tensor_release(s[0])
lib.sk_tensor_release(t[0])

# d(exp(x))/dx at 0.5 = exp(0.5), through a tape
x = ffi.new("sk_tensor **")
check(lib.sk_scalar(0.5, lib.SK_FLOAT64, x))
tape = ffi.new("sk_tape **")
check(lib.sk_tape_create(0, 1, tape))
check(lib.sk_tape_start(tape[0]))
check(lib.sk_tape_watch(tape[0], x[0]))
y = ffi.new("sk_tensor **")
check(lib.sk_exp(x[0], y))
check(lib.sk_tape_stop(tape[0]))
g = ffi.new("sk_tensor **")
sources = ffi.new("const sk_tensor *[]", [x[0]])
check(lib.sk_tape_gradient(tape[0], y[0], sources, ffi.NULL, 1, ffi.NULL, lib.SK_UNCONNECTED_NONE, g))
gv = ffi.new("double *")
check(lib.sk_tensor_copy_data(g[0], gv, 8))
expect(gv[0] == math.exp(0.5), "gradient of exp at 0.5: %r" % gv[0])
for h in (g[0], y[0], x[0]):
    lib.sk_tensor_release(h)
lib.sk_tape_release(tape[0])

# an error: status code, out set to NULL, the message names the function
r = ffi.new("sk_tensor **")
rc = lib.sk_reshape(ffi.NULL, ffi.NULL, 0, r)
expect(rc == lib.SK_ERR_INVALID_HANDLE and r[0] == ffi.NULL, "sk_reshape(NULL) -> SK_ERR_INVALID_HANDLE, got %d" % rc)
expect("reshape" in ffi.string(lib.sk_last_error_message()).decode(), "the message names reshape")

# sk_fit_args: the library fills Keras' defaults into cffi's layout of the struct
args = ffi.new("sk_fit_args *")
check(lib.sk_fit_args_init(args, ffi.sizeof("sk_fit_args")))
expect((args.struct_size, args.batch_size, args.epochs, args.verbose, args.shuffle, args.seed) ==
       (ffi.sizeof("sk_fit_args"), 32, 1, 1, 1, -1), "sk_fit_args_init defaults through cffi's layout")

# the thread setting
check(lib.sk_set_num_threads(1))
expect(lib.sk_get_num_threads() == 1, "sk_get_num_threads after sk_set_num_threads(1)")
check(lib.sk_set_num_threads(0))

print("cffi: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
