"""No Keras argument is silently ignored: every parameter of tf.keras 2's public constructors,
functions and Model methods (recorded from tf-keras 2.21 by tools/golden/record_signatures.py
into Tests/golden/signatures.json) is, for each of them swiftkeras exposes, either taken
explicitly by our signature (and honoured there), or, when it would reach our ``**kwargs``,
accepted at its Keras default or refused with NotImplementedError naming it. An argument our
signature lacks with no ``**kwargs`` to take it fails the test (Python's TypeError for an
unexpected keyword is not a refusal that names what is missing from the library)."""
import ast
import inspect
import json
import os

import numpy as np
import pytest

from swiftkeras import keras

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "golden")
with open(os.path.join(GOLDEN, "signatures.json")) as _f:
    REFERENCE = json.load(_f)["signatures"]

NAMESPACES = {"layers": keras.layers, "losses": keras.losses, "metrics": keras.metrics,
              "optimizers": keras.optimizers, "callbacks": keras.callbacks}

# The smallest valid arguments of constructors that require some (tf.keras' required parameters).
REQUIRED = {"units": 2, "filters": 2, "kernel_size": 2, "rate": 0.5, "target_shape": (2,), "dims": (1,), "n": 2,
            "input_dim": 3, "output_dim": 2, "activation": "relu", "inner_optimizer": None, "fn": None,
            "filename": "log.csv", "filepath": "ckpt.h5", "schedule": None, "function": None,
            "num_bins": 3, "factor": 0.2, "height_factor": 0.1, "width_factor": 0.1}

# Abstract bases and factories whose constructors take no Keras configuration of their own.
NOT_CONSTRUCTED = {"layers.Layer", "layers.Input", "losses.Loss", "metrics.Metric", "metrics.MeanMetricWrapper",
                   "optimizers.Optimizer", "optimizers.LossScaleOptimizer", "callbacks.Callback",
                   "callbacks.LambdaCallback", "callbacks.LearningRateScheduler", "callbacks.CallbackList"}


# Arguments a constructor needs besides tf.keras' required ones (InputLayer needs a shape here).
EXTRA = {"layers.InputLayer": {"input_shape": (2,)}}

# Arguments that cannot pass on this branch yet, with the reason (the lead removes an entry when
# the branch that fixes it lands).
PENDING: dict = {}


def _value(default_repr):
    if default_repr is None:
        return None
    try:
        return ast.literal_eval(default_repr)
    except (ValueError, SyntaxError):
        return None


def _ours(key):
    ns, name = key.split(".", 1)
    if ns == "Model":
        return getattr(keras.models.Model, name, None)
    mod = NAMESPACES.get(ns)
    return None if mod is None else getattr(mod, name, None)


def _explicit(obj):
    fn = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return set(), True
    names = {p.name for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    has_kwargs = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    return names, has_kwargs


def _cases():
    out = []
    for key, params in sorted(REFERENCE.items()):
        if params is None or _ours(key) is None:
            continue
        for name, kind, default in params:
            if kind in ("VAR_POSITIONAL", "VAR_KEYWORD"):
                continue
            marks = [pytest.mark.skip(reason=PENDING[f"{key}:{name}"])] if f"{key}:{name}" in PENDING else []
            out.append(pytest.param(key, name, default, id=f"{key}:{name}", marks=marks))
    return out


def _probe_model_method(method, name, value):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    x, y = np.ones((4, 2), np.float32), np.ones((4, 1), np.float32)
    if method != "compile":
        model.compile(optimizer="sgd", loss="mse")
    calls = {"compile": lambda **kw: model.compile(optimizer="sgd", loss="mse", **kw),
             "fit": lambda **kw: model.fit(x, y, epochs=1, verbose=0, **kw),
             "evaluate": lambda **kw: model.evaluate(x, y, verbose=0, **kw),
             "predict": lambda **kw: model.predict(x, verbose=0, **kw),
             "train_on_batch": lambda **kw: model.train_on_batch(x, y, **kw),
             "test_on_batch": lambda **kw: model.test_on_batch(x, y, **kw),
             "predict_on_batch": lambda **kw: model.predict_on_batch(x, **kw)}
    if method not in calls:
        pytest.fail(f"Model.{method}: argument '{name}' reaches **kwargs and no probe exists for the method")
    calls[method](**{name: value})


@pytest.mark.parametrize("key,name,default", _cases())
def test_argument_is_taken_or_refused(key, name, default, tmp_path, monkeypatch):
    obj = _ours(key)
    explicit, has_kwargs = _explicit(obj)
    if name in explicit:
        return
    assert has_kwargs, f"{key}: tf.keras 2 argument '{name}' is neither taken nor refused (no **kwargs to refuse it)"
    monkeypatch.chdir(tmp_path)
    value = _value(default) if default is not None else REQUIRED.get(name)
    if name in EXTRA.get(key, {}):
        value = EXTRA[key][name]
    try:
        if key.startswith("Model."):
            _probe_model_method(key.split(".", 1)[1], name, value)
        elif inspect.isclass(obj):
            if key in NOT_CONSTRUCTED:
                pytest.skip(f"{key} is a base class; its arguments are checked through its subclasses")
            ref_params = REFERENCE[key]
            kwargs = {p: REQUIRED.get(p) for p, kind, d in ref_params
                      if d is None and kind in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY") and p != name}
            kwargs.update({k: v for k, v in EXTRA.get(key, {}).items() if k != name})
            kwargs[name] = value
            obj(**kwargs)
        else:
            pytest.skip(f"{key} is a function; a function without the argument in its signature is checked above")
    except NotImplementedError as e:
        assert name in str(e), f"{key}: NotImplementedError for '{name}' does not name it: {e}"


def test_unknown_keyword_arguments_are_not_swallowed():
    # ReduceLROnPlateau takes **kwargs for tf-keras' deprecated `epsilon`; anything else used to vanish.
    with pytest.raises(TypeError, match="patiense"):
        keras.callbacks.ReduceLROnPlateau(patiense=3)
    assert keras.callbacks.ReduceLROnPlateau(epsilon=0.5).min_delta == 0.5
    # Model.save took **kwargs and dropped them (tf.keras 2's include_optimizer, signatures, ...).
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(NotImplementedError, match="include_optimizer"):
        model.save("never_written.keras", include_optimizer=False)


def test_layer_call_refuses_arguments_it_does_not_take():
    """Layer.__call__ used to drop extra positional and keyword arguments silently."""
    import numpy as np
    from swiftkeras import keras
    layer = keras.layers.Dense(2)
    x = np.ones((1, 3), np.float32)
    with pytest.raises(NotImplementedError, match="foo"):
        layer(x, foo=1)
    with pytest.raises(NotImplementedError, match="positional"):
        layer(x, x)
    assert layer(x, mask=None).shape == (1, 2)   # Keras' default mask is accepted
