"""Checks an installed swiftkeras (run by `make test-packaging` in a fresh venv, outside the tree).

Usage: python installed_check.py wheel|sdist

The package must come from the venv's site-packages (not from the source tree), carry its
license, py.typed and stubs, load its bundled library, and work without numpy: tensors, a
gradient, a small model trained by fit, pickling.
"""
import os
import pickle
import sys
import sysconfig

kind = sys.argv[1]
import swiftkeras as tf  # noqa: E402
from swiftkeras import _native, keras  # noqa: E402

site = sysconfig.get_paths()["purelib"]
pkg = os.path.dirname(tf.__file__)
assert pkg.startswith(site), f"swiftkeras imported from {pkg}, not from the venv's {site}"
libs = [f for f in os.listdir(pkg) if f.startswith("libswiftkeras.so")]
assert len(libs) == 1 and libs[0].startswith("libswiftkeras.so."), f"the library, once under its SONAME: {libs}"
assert os.path.exists(os.path.join(pkg, "py.typed")), "py.typed is missing"
assert os.path.exists(os.path.join(pkg, "__init__.pyi")), "the stubs are missing"
try:
    import numpy  # noqa: F401
    raise AssertionError("the fresh venv has numpy: the check must run without it")
except ImportError:
    pass

ext = os.path.basename(_native.__file__)
if sys.version_info >= (3, 11):
    assert ext == "_native.abi3.so", f"expected the stable-ABI module, got {ext}"

import importlib.metadata as md  # noqa: E402

dist = md.distribution("swiftkeras")
files = [str(f) for f in dist.files or []]
assert any(f.endswith("LICENSE") for f in files), f"no LICENSE in {files}"
assert dist.metadata["License"] == "Apache-2.0"
if kind == "wheel":
    wheel_tags = [line for line in (dist.read_text("WHEEL") or "").splitlines() if line.startswith("Tag:")]
    assert wheel_tags == ["Tag: cp311-abi3-manylinux_2_36_x86_64"] or (
        len(wheel_tags) == 1 and wheel_tags[0].startswith("Tag: cp311-abi3-manylinux_")), wheel_tags

# tensors and a gradient
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
assert (x * 2).tolist() == [[2.0, 4.0], [6.0, 8.0]]
v = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = v * v
assert float(tape.gradient(y, v)) == 6.0

# a small model trained by fit, then pickled with its weights
tf.random.set_seed(1)
model = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
xs = [[i / 10.0, 1.0 - i / 10.0] for i in range(10)]
ys = [[i / 5.0] for i in range(10)]
hist = model.fit(xs, ys, epochs=3, batch_size=5, verbose=0)
assert len(hist.history["loss"]) == 3
back = pickle.loads(pickle.dumps(model))
pred = model.predict(xs, verbose=0)
assert isinstance(pred, list) and len(pred) == 10   # without numpy, predict gives lists
assert back.predict(xs, verbose=0) == pred
assert pickle.loads(pickle.dumps(x)).tolist() == x.tolist()
tf.config.threading.set_intra_op_parallelism_threads(1)   # the bundled library, through ctypes
assert tf.config.threading.get_intra_op_parallelism_threads() == 1
print(f"installed {kind}: ok ({ext}, {', '.join(libs)}, {pkg})")
