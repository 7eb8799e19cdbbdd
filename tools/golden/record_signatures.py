"""Records tf.keras 2's public signatures for the no-silently-ignored-argument test.

Run in the reference venv (never needed by ``make test``):

    TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python tools/golden/record_signatures.py

Writes ``Tests/golden/signatures.json``: for every public class (its constructor) and function of
the namespaces swiftkeras mirrors (keras.layers, losses, metrics, optimizers, callbacks,
activations) and the Model methods (compile, fit, evaluate, predict, ...), the ordered
parameters ``[name, kind, default repr or null]``. ``bindings/python/tests/test_signatures.py``
checks that swiftkeras takes or refuses (NotImplementedError naming it) each of them.
"""
import inspect
import json
import os
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tf_keras as keras  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "Tests" / "golden" / "signatures.json"
NAMESPACES = ["layers", "losses", "metrics", "optimizers", "callbacks", "activations"]
MODEL_METHODS = ["compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                 "save", "save_weights", "load_weights", "summary", "get_weights", "set_weights"]


def params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    out = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


def main():
    ref = {}
    for ns in NAMESPACES:
        mod = getattr(keras, ns)
        for name in sorted(dir(mod)):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                p = params(obj.__init__)
            elif inspect.isfunction(obj):
                p = params(obj)
            else:
                continue
            if p is not None:
                ref[f"{ns}.{name}"] = p
    for m in MODEL_METHODS:
        ref[f"Model.{m}"] = params(getattr(keras.Model, m))
    OUT.write_text(json.dumps({"tf_keras": keras.__version__, "signatures": ref}, indent=0, sort_keys=True) + "\n")
    print(f"{len(ref)} signatures -> {OUT}")


if __name__ == "__main__":
    main()
