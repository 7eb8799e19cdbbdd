"""The library as a guest in the Python process: it leaves the environment alone, and what fit
prints reaches a pipe even when the process ends without flushing stdio."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(code, **extra_env):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env["PYTHONPATH"] = os.pathsep.join([HERE] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.update(extra_env)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)


def test_environment_is_never_changed():
    """Importing and using the library leaves the process environment as it was: no
    OPENBLAS_CORETYPE (or anything else) appears, so child processes inherit nothing from it."""
    out = run("import ctypes; import swiftkeras.keras.backend as K; "
              "K.eval(K.dot(K.ones((64, 64)), K.ones((64, 64)))); "
              "libc = ctypes.CDLL(None); libc.getenv.restype = ctypes.c_char_p; "
              "print(libc.getenv(b'OPENBLAS_CORETYPE'))")
    assert out.stdout.strip() == "None"


def test_fit_output_is_flushed_line_by_line():
    """fit's lines are flushed as they are printed: a process that ends with os._exit (no stdio
    flush, as a Go program's exit) still delivered every epoch line to the pipe."""
    code = """
import os
import swiftkeras.keras as keras
import swiftkeras.keras.backend as K
m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
m.compile(optimizer="sgd", loss="mse")
m.fit(K.ones((8, 2)), K.ones((8, 1)), epochs=3, verbose=2)
os._exit(0)
"""
    out = run(code)
    assert [line.split(" ")[0] + " " + line.split(" ")[1] for line in out.stdout.splitlines()
            if line.startswith("Epoch ")] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"], out.stdout
