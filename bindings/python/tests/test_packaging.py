"""The Python package as a package: the stable-ABI module, signatures and docstrings of the Keras
classes, pickling, DLPack both ways, the progress bar in Jupyter."""
import inspect
import io
import os
import pickle
import re
import sys
import types

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import _native, keras


def test_the_extension_is_the_stable_abi_module():
    assert _native.__file__.endswith("_native.abi3.so")


# -- signatures and docstrings -----------------------------------------------------------------
def _public_classes(mod):
    return [(n, c) for n, c in vars(mod).items() if inspect.isclass(c) and not n.startswith("_")
            and c.__module__.startswith("swiftkeras")]


@pytest.mark.parametrize("area", ["layers", "losses", "metrics", "optimizers", "callbacks"])
def test_every_class_has_a_real_signature_and_its_own_docstring(area):
    for name, cls in _public_classes(getattr(keras, area)):
        sig = inspect.signature(cls)
        kinds = [p.kind for p in sig.parameters.values()]
        assert inspect.Parameter.VAR_POSITIONAL not in kinds, f"{area}.{name}{sig}"
        doc = cls.__doc__
        assert doc and doc.strip(), f"{area}.{name} has no docstring"
        assert all(doc is not base.__doc__ for base in cls.__mro__[1:]), f"{area}.{name} only inherits its docstring"


def test_dense_shows_the_keras_arguments():
    # tf.keras 2's Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform", ...)
    sig = inspect.signature(keras.layers.Dense)
    params = list(sig.parameters.values())
    assert [p.name for p in params] == [
        "units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
        "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "kwargs"]
    assert params[0].default is inspect.Parameter.empty
    assert (params[2].default, params[3].default, params[4].default) == (True, "glorot_uniform", "zeros")
    assert params[-1].kind is inspect.Parameter.VAR_KEYWORD
    assert keras.layers.Dense.__doc__.startswith("Just your regular densely-connected NN layer.")
    assert "units: Positive integer" in keras.layers.Dense.__doc__
    text = io.StringIO()
    sys_stdout, sys.stdout = sys.stdout, text
    try:
        help(keras.layers.Dense)
    finally:
        sys.stdout = sys_stdout
    assert "Dense(units, activation=None, use_bias=True" in text.getvalue()


def test_builtin_layers_take_every_keras_argument_by_position():
    d = keras.layers.Dense(3, "relu", False)
    assert d.get_config()["use_bias"] is False and d.get_config()["activation"] == "relu"
    c = keras.layers.Conv2D(4, 3, 2, "same")
    assert (c.get_config()["strides"], c.get_config()["padding"]) == ((2, 2), "same")   # tf.keras 2: a tuple
    with pytest.raises(TypeError, match="at most"):
        keras.layers.Dropout(0.5, None, 1, 2)


# -- pickling ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "bool"])
def test_tensor_pickles_with_dtype_and_values(dtype):
    t = tf.cast(tf.constant([[0.5, -1.25, 3.0]]), dtype) if dtype not in ("uint8", "bool") else \
        tf.constant([[1, 0, 7]], dtype=dtype) if dtype == "uint8" else tf.constant([[True, False, True]])
    u = pickle.loads(pickle.dumps(t))
    assert u.dtype == t.dtype and u.shape == t.shape and u.tolist() == t.tolist()


def test_tensor_pickle_holds_the_exact_bytes():
    x = np.array([[0.1, -0.0, np.inf], [np.nan, 1e-308, -7.25]], dtype=np.float64)
    t = tf.constant(x)
    u = pickle.loads(pickle.dumps(t))
    assert u.shape == (2, 3) and u.dtype == tf.float64
    assert u.numpy().tobytes() == x.tobytes()   # -0.0 and the NaN's bits too
    big = tf.range(100000, dtype="int64")
    assert len(pickle.dumps(big)) < 100000 * 8 + 1000   # the raw elements, not a list of ints
    assert pickle.loads(pickle.dumps(tf.zeros([0, 3]))).shape == (0, 3)
    with pytest.raises(ValueError, match="3 bytes do not hold a float32 tensor"):
        _native.tensor_from_bytes(b"abc", "float32", [1])
    with pytest.raises(ValueError):
        _native.tensor_from_bytes(b"", "float32", [-1])


def test_variable_pickles_with_name_trainable_and_dtype():
    v = tf.Variable([[1.5, 2.5]], name="w", trainable=False, dtype="float64")
    u = pickle.loads(pickle.dumps(v))
    assert type(u) is type(v) and u is not v
    assert (u.name, u.trainable, u.dtype, u.shape, u.numpy().tolist()) == ("w:0", False, tf.float64, (1, 2), [[1.5, 2.5]])
    u.assign([[0.0, 0.0]])
    assert v.numpy().tolist() == [[1.5, 2.5]]   # a new variable, not the same one


def _trained_model(functional):
    keras.utils.set_random_seed(4)
    if functional:
        inp = keras.Input((3,))
        out = keras.layers.Dense(2)(keras.layers.Dense(5, activation="tanh")(inp))
        m = keras.Model(inp, out)
    else:
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(2)])
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    x = np.random.RandomState(0).randn(16, 3).astype("float32")
    m.fit(x, x[:, :2] * 2, epochs=2, verbose=0)
    return m, x


@pytest.mark.parametrize("functional", [False, True])
def test_model_pickles_through_the_saved_file(functional):
    m, x = _trained_model(functional)
    u = pickle.loads(pickle.dumps(m))
    assert type(u) is type(m)
    np.testing.assert_array_equal(u.predict(x, verbose=0), m.predict(x, verbose=0))
    assert [w.shape for w in u.get_weights()] == [w.shape for w in m.get_weights()]
    assert type(u.optimizer).__name__ == "Adam" and u.optimizer.learning_rate == pytest.approx(0.01)
    assert u.loss == "mean_squared_error"   # the saved name, as load_model gives it


def test_model_with_a_custom_layer_does_not_pickle():
    class Twice(keras.layers.Layer):
        def call(self, x):
            return x * 2

    m = keras.Sequential([keras.Input((2,)), Twice()])
    with pytest.raises(ValueError):
        pickle.dumps(m)


# -- DLPack ------------------------------------------------------------------------------------
def test_versioned_export_is_a_read_only_view():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    cap = t.__dlpack__(max_version=(1, 0))
    assert 'dltensor_versioned' in repr(cap)
    a = np.from_dlpack(t)   # numpy >= 2.1 asks for version 1
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]] and a.dtype == np.float32
    assert not a.flags.writeable
    assert a.ctypes.data == t._data_address   # no copy
    with pytest.raises(ValueError):
        a[0, 0] = 5.0
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_legacy_export_is_a_copy_and_copy_flags():
    t = tf.constant([1, 2, 3], dtype="int64")
    assert '"dltensor"' in repr(t.__dlpack__())
    with pytest.raises(BufferError, match="copy=False"):
        t.__dlpack__(copy=False)
    b = np.from_dlpack(t, copy=True)
    assert b.flags.writeable and b.ctypes.data != t._data_address
    b[0] = 9
    assert t.tolist() == [1, 2, 3]
    with pytest.raises(BufferError, match="device"):
        t.__dlpack__(max_version=(1, 0), dl_device=(2, 0))
    with pytest.raises(ValueError, match="stream"):
        t.__dlpack__(stream=1)
    # the legacy capsule from to_dlpack comes back through from_dlpack
    assert tf.experimental.dlpack.from_dlpack(tf.experimental.dlpack.to_dlpack(t)).tolist() == [1, 2, 3]


def test_from_dlpack_views_read_only_memory_and_copies_writable_memory():
    ro = np.arange(4.0)
    ro.flags.writeable = False
    v = tf.experimental.dlpack.from_dlpack(ro)
    assert v.dtype == tf.float64 and v.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert v._data_address == ro.ctypes.data   # the producer's memory, held until released
    del ro
    assert v.tolist() == [0.0, 1.0, 2.0, 3.0]
    w = np.arange(4, dtype=np.int32)
    c = tf.experimental.dlpack.from_dlpack(w)
    w[0] = 7
    assert c.dtype == tf.int32 and c.tolist() == [0, 1, 2, 3]   # a copy: tensors never change


def test_from_dlpack_strided_bool_and_tensors():
    m = np.arange(12, dtype=np.float32).reshape(3, 4)[::2, 1::2]
    assert tf.experimental.dlpack.from_dlpack(m).tolist() == m.tolist()
    assert tf.experimental.dlpack.from_dlpack(np.array([True, False])).tolist() == [True, False]
    t = tf.constant([[1.5]], dtype="bfloat16")
    u = tf.experimental.dlpack.from_dlpack(t)
    assert u.dtype == tf.bfloat16 and u.tolist() == [[1.5]]
    with pytest.raises(BufferError, match="no SwiftKeras dtype"):
        tf.experimental.dlpack.from_dlpack(np.array([1 + 2j]))
    with pytest.raises(TypeError, match="__dlpack__"):
        tf.experimental.dlpack.from_dlpack([1, 2])


# -- the progress bar in Jupyter ---------------------------------------------------------------
class _NotebookStream(io.StringIO):
    """Stands for ipykernel's OutStream: not a terminal, defined in an ipykernel module."""

    def isatty(self):
        return False


_NotebookStream.__module__ = "ipykernel.iostream"


def test_progress_bar_updates_in_place_in_a_notebook(monkeypatch):
    out = _NotebookStream()
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setattr(sys, "stdout", out)
    keras.utils.set_random_seed(3)
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    m.compile(optimizer="adam", loss="mse")
    x = np.random.RandomState(0).randn(256, 4).astype("float32")
    m.fit(x, x[:, :2], batch_size=32, epochs=2, verbose=1)
    text = out.getvalue()
    assert "\x1b[K" not in text   # Jupyter renders colours but does not erase with ANSI
    lines = text.split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    # the epoch's line redraws the bar: carriage returns, the last one the final 8/8 row
    assert lines[1].startswith("\r") and lines[1].count("\r") >= 2
    last = lines[1].split("\r")[-1]
    assert last.rstrip().startswith("8/8 ") and "loss:" in last
    # rendered as Jupyter renders a stream (each carriage return writes over the line from its
    # start), the line shows the final row alone: spaces cover what is left of longer bars
    shown = []
    for part in lines[1].split("\r"):
        visible = re.sub("\x1b\\[[0-9;]*m", "", part)
        shown[:len(visible)] = visible
    assert "".join(shown).rstrip() == re.sub("\x1b\\[[0-9;]*m", "", last).rstrip()


def test_no_bar_when_the_output_is_neither_a_terminal_nor_a_notebook(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(np.zeros((64, 4), "float32"), np.zeros((64, 2), "float32"), batch_size=32, epochs=1, verbose=1)
    assert "\r" not in out.getvalue()


# -- type stubs --------------------------------------------------------------------------------
HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)


def test_the_hand_written_stub_names_every_export():
    import ast
    with open(os.path.join(PKG, "swiftkeras", "__init__.pyi")) as f:
        tree = ast.parse(f.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    assert set(tf.__all__) - names == set()
    assert os.path.exists(os.path.join(PKG, "swiftkeras", "py.typed"))


def test_mypy_rejects_a_wrong_program_through_the_stubs(tmp_path):
    mypy_api = pytest.importorskip("mypy.api")
    bad = tmp_path / "bad.py"
    bad.write_text("import swiftkeras as tf\n"
                   "x: str = tf.constant(1.0)\n"
                   "tf.reduce_sum(tf.ones([2]), keepdims='yes', nonsense=1)\n")
    out, _, status = mypy_api.run(["--config-file", os.path.join(PKG, "mypy.ini"), str(bad)])
    assert status == 1
    assert 'Incompatible types in assignment (expression has type "Tensor", variable has type "str")' in out
    assert 'Unexpected keyword argument "nonsense"' in out


def test_the_typed_example_runs():
    sys.path.insert(0, PKG)
    try:
        import typing_check
    finally:
        sys.path.remove(PKG)
    y, first, epochs, grad = typing_check.main()
    assert (y, first, epochs, grad) == (24.0, 1.0, 1.0, 2.0)
