"""Every golden case recorded from tf.keras 2 (tools/golden/record.py, Tests/golden/) replayed
through swiftkeras: the same constructor arguments, weights and inputs must give tf.keras 2's
outputs, gradients, metric results, optimizer steps and fit histories (float32: 1e-5 absolute +
1e-4 relative; a case may carry a looser "tol" with its reason). TensorFlow is not needed."""
import json
import os

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import backend as K

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "golden")
with open(os.path.join(GOLDEN, "index.json")) as _f:
    INDEX = json.load(_f)
CASES = INDEX["cases"]
_STORES = {}

ATOL, RTOL = 1e-5, 1e-4

# Cases that cannot pass on this branch yet, each with its reason (the lead removes an entry
# when the branch that fixes it lands).
PENDING: dict = {}


def arrays(case):
    fam = case["family"]
    if fam not in _STORES:
        _STORES[fam] = np.load(os.path.join(GOLDEN, f"{fam}.npz"))
    store = _STORES[fam]
    return {a: store[f"{case['name']}/{a}"] for a in case["arrays"]}


def close(ours, ref, what, case):
    tol = case.get("tol", {})
    np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64),
                               atol=tol.get("atol", ATOL), rtol=tol.get("rtol", RTOL),
                               err_msg=f"{case['name']}: {what}")


def ids(family):
    return [pytest.param(c, id=c["name"], marks=[pytest.mark.skip(reason=PENDING[c["name"]])]
                         if c["name"] in PENDING else []) for c in CASES if c["family"] == family]


def construct(namespace, case):
    """The swiftkeras object of the case's class and arguments; an argument we refuse with
    NotImplementedError (naming it, as every unimplemented option) skips the case with that
    message as its reason."""
    try:
        return getattr(namespace, case["class"])(**case["config"])
    except NotImplementedError as e:
        pytest.skip(f"refused: {e}")


def num(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def check_value_and_grad(case, a, fn, x, out):
    """fn(a[x]) against a[out], and the gradient of sum(fn(x) · a["cot"]) against a["grad"]."""
    t = tf.constant(a[x])
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
        total = K.sum(y * tf.constant(a["cot"]))
    assert tuple(y.shape) == a[out].shape, f"{case['name']}: shape of {out}"
    close(num(y), a[out], out, case)
    close(num(tape.gradient(total, t)), a["grad"], f"d/d{x}", case)


@pytest.mark.parametrize("case", ids("layers"))
def test_layer(case):
    a = arrays(case)
    n_in = sum(1 for k in a if k.startswith("x"))
    xs = [tf.constant(a[f"x{i}"]) for i in range(n_in)]
    inputs = xs if case["multi_input"] else xs[0]
    layer = construct(keras.layers, case)
    layer(inputs, training=False)   # builds the weights
    n_w = len(case["weight_names"])
    assert len(layer.weights) == n_w, f"{case['name']}: {len(layer.weights)} weights, tf.keras has {n_w}"
    layer.set_weights([a[f"w{i}"] for i in range(n_w)])
    float_xs = [x for x in xs if x.dtype in (tf.float32, tf.float64)]
    with tf.GradientTape(persistent=True) as tape:
        for x in float_xs:
            tape.watch(x)
        y = layer(inputs, training=case["training"])
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        assert len(ys) == case["n_outputs"], f"{case['name']}: {len(ys)} outputs, tf.keras gives {case['n_outputs']}"
        loss = None
        for i, o in enumerate(ys):
            term = K.sum(o * tf.constant(a[f"cot{i}"]))
            loss = term if loss is None else loss + term
    for i, o in enumerate(ys):
        assert tuple(o.shape) == a[f"y{i}"].shape, f"{case['name']}: output {i} shape"
        close(num(o), a[f"y{i}"], f"output {i}", case)
    for i, w in enumerate(layer.weights):
        close(num(w), a[f"after_w{i}"], f"weight {case['weight_names'][i]} after the call", case)
    if float_xs:
        gx = tape.gradient(loss, float_xs)
        for i, g in enumerate(gx):
            close(np.zeros(a[f"grad_x{i}"].shape) if g is None else num(g), a[f"grad_x{i}"], f"d/dx{i}", case)
    tw = layer.trainable_weights
    if tw:
        gw = tape.gradient(loss, tw)
        names = [n for n, t in zip(case["weight_names"], case["trainable"]) if t]
        for i, g in enumerate(gw):
            close(np.zeros(a[f"grad_w{i}"].shape) if g is None else num(g), a[f"grad_w{i}"], f"d/d{names[i]}", case)


@pytest.mark.parametrize("case", ids("activations"))
def test_activation(case):
    a = arrays(case)
    check_value_and_grad(case, a, keras.layers.Activation(case["activation"]), "x", "y")
    check_value_and_grad(case, a, keras.activations.get(case["activation"]), "x", "y")


@pytest.mark.parametrize("case", ids("losses"))
def test_loss(case):
    a = arrays(case)
    loss = construct(keras.losses, case)
    sw = tf.constant(a["sample_weight"]) if "sample_weight" in a else None
    check_value_and_grad(case, a, lambda yp: loss(tf.constant(a["y_true"]), yp, sample_weight=sw), "y_pred", "out")


@pytest.mark.parametrize("case", ids("metrics"))
def test_metric(case):
    a = arrays(case)
    m = construct(keras.metrics, case)
    for step in range(2):
        sw = a.get(f"sample_weight{step}")
        sw = None if sw is None else tf.constant(sw)
        if case["class"] in ("Mean", "Sum"):
            m.update_state(tf.constant(a[f"y_pred{step}"]), sample_weight=sw)
        else:
            m.update_state(tf.constant(a[f"y_true{step}"]), tf.constant(a[f"y_pred{step}"]), sample_weight=sw)
        close(num(m.result()), a[f"result{step}"], f"result after update {step + 1}", case)


@pytest.mark.parametrize("case", ids("optimizers"))
def test_optimizer(case):
    a = arrays(case)
    vs = [tf.Variable(a["w0_0"]), tf.Variable(a["w0_1"])]
    opt = construct(keras.optimizers, case)
    for s in range(case["steps"]):
        opt.apply_gradients(zip([tf.constant(a[f"g{s}_{i}"]) for i in range(2)], vs))
        for i, v in enumerate(vs):
            close(num(v), a[f"w{s + 1}_{i}"], f"variable {i} after step {s + 1}", case)


@pytest.mark.parametrize("case", ids("fits"))
def test_fit(case):
    a = arrays(case)
    layers = []
    for i, (cls, cfg) in enumerate(case["layers"]):
        cfg = dict(cfg)
        if i == 0:
            cfg["input_shape"] = list(a["x"].shape[1:])
        layers.append(getattr(keras.layers, cls)(**cfg))
    model = keras.Sequential(layers)
    n_w = sum(1 for k in a if k.startswith("w"))
    model.set_weights([a[f"w{i}"] for i in range(n_w)])
    opt_cls, opt_cfg = case["optimizer"]
    model.compile(optimizer=getattr(keras.optimizers, opt_cls)(**opt_cfg), loss=case["loss"])
    hist = model.fit(a["x"], a["y"], epochs=case["epochs"], batch_size=case["batch_size"], shuffle=False, verbose=0)
    close(hist.history["loss"], a["loss"], "loss per epoch", case)
    for i, w in enumerate(model.get_weights()):
        close(w, a[f"after_w{i}"], f"weight {i} after fit", case)
    close(num(model.predict(a["x"], verbose=0)), a["predict"], "predict after fit", case)


def test_index_lists_every_family():
    fams = {c["family"] for c in CASES}
    assert fams == {"layers", "activations", "losses", "metrics", "optimizers", "fits"}
    assert INDEX["skipped_by_tf_keras"] == []
