"""Records tf.keras 2's answers as golden files for SwiftKeras' tests.

Run in a reference venv with tensorflow-cpu + tf-keras (never needed by ``make test``):

    TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python tools/golden/record.py

It writes, under ``Tests/golden/``:

- ``<family>.npz`` (families: layers, activations, losses, metrics, optimizers, fits): the
  arrays of every case, keyed ``<case>/<array>``;
- ``index.json``: one entry per case — family, name, the Keras class and constructor
  arguments (exactly as passed to tf.keras), how it was called, and the names of its arrays;
- ``c/``: a few cases again as raw little-endian float32 files (``<case>.<array>.f32``) with a
  text index ``c/index.txt`` (``case array rank dim...`` per line), for the C harness
  (``Tests/C/harness_golden.inc``).

Every layer case records inputs, the weights copied in (after build, before the call), the
outputs, a cotangent ``cot_<i>`` per output and the gradients of ``sum(output_i · cot_i)``
with respect to the float inputs (``grad_x<i>``) and each trainable weight (``grad_w<i>``), and
the weights after the call (moving statistics). ``bindings/python/tests/test_golden.py``
replays every case through swiftkeras (float32: 1e-5 absolute + 1e-4 relative).
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "golden"
F32 = np.float32

index = []
arrays = {}          # family -> {key: array}
skipped = []         # (case, reason) recorded by tf.keras' refusal


def rng_for(name):
    """A generator seeded by the case name, so re-recording one case changes nothing else."""
    return np.random.default_rng(abs(hash_name(name)) % (2 ** 32))


def hash_name(name):
    h = 2166136261
    for ch in name.encode():
        h = ((h ^ ch) * 16777619) % (2 ** 32)
    return h


def add_case(family, name, meta, arrs):
    assert not any(c["name"] == name for c in index), name
    store = arrays.setdefault(family, {})
    for k, v in arrs.items():
        store[f"{name}/{k}"] = np.asarray(v)
    index.append(dict(meta, family=family, name=name, arrays=sorted(arrs)))


def to_np(t):
    if isinstance(t, tf.IndexedSlices):   # Embedding's gradient
        t = tf.convert_to_tensor(t)
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


# ---------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------

def layer_case(name, cls, config, input_shapes, training=False, int_input=None, scale=1.0, tol=None):
    """One layer called on random inputs (a list of shapes for merging layers)."""
    rng = rng_for(name)
    multi = isinstance(input_shapes[0], (list, tuple))
    shapes = list(input_shapes) if multi else [input_shapes]
    xs = []
    for i, s in enumerate(shapes):
        if int_input is not None:
            xs.append(rng.integers(0, int_input, size=s).astype(np.int32))
        else:
            xs.append((rng.standard_normal(s) * scale).astype(F32))
    try:
        layer = getattr(keras.layers, cls)(**config)
        layer.build([tuple(s) for s in shapes] if multi else tuple(shapes[0]))
        # Replace zero-initialized biases / moving stats by random values so they matter.
        ws = []
        for w in layer.weights:
            v = w.numpy()
            if "moving_variance" in w.name:
                v = rng.uniform(0.5, 1.5, size=v.shape).astype(F32)
            elif "moving_mean" in w.name or "bias" in w.name or "beta" in w.name:
                v = (rng.standard_normal(v.shape) * 0.1).astype(F32)
            elif "gamma" in w.name:
                v = rng.uniform(0.5, 1.5, size=v.shape).astype(F32)
            w.assign(v)
            ws.append(v)
        tx = [tf.constant(x) for x in xs]
        with tf.GradientTape(persistent=True) as tape:
            for t in tx:
                if t.dtype.is_floating:
                    tape.watch(t)
            y = layer(tx if multi else tx[0], training=training)
            ys = list(y) if isinstance(y, (list, tuple)) else [y]
            cots = [tf.constant(rng.standard_normal(o.shape).astype(F32)) for o in ys]
            loss = tf.add_n([tf.reduce_sum(o * c) for o, c in zip(ys, cots)])
        float_x = [t for t in tx if t.dtype.is_floating]
        gx = tape.gradient(loss, float_x) if float_x else []
        gw = tape.gradient(loss, layer.trainable_weights)
    except Exception as e:  # tf.keras refuses the configuration: nothing to compare
        skipped.append((name, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"))
        return
    arrs = {}
    for i, x in enumerate(xs):
        arrs[f"x{i}"] = x
    for i, w in enumerate(ws):
        arrs[f"w{i}"] = w
    for i, w in enumerate(layer.weights):
        arrs[f"after_w{i}"] = w.numpy()
    for i, (o, c) in enumerate(zip(ys, cots)):
        arrs[f"y{i}"] = to_np(o)
        arrs[f"cot{i}"] = to_np(c)
    for i, g in enumerate(gx):
        arrs[f"grad_x{i}"] = np.zeros(float_x[i].shape, F32) if g is None else to_np(g)
    for i, g in enumerate(gw):
        arrs[f"grad_w{i}"] = np.zeros(layer.trainable_weights[i].shape, F32) if g is None else to_np(g)
    meta = {"class": cls, "config": config, "training": training, "multi_input": multi,
            "n_outputs": len(ys), "weight_names": [w.name for w in layer.weights],
            "trainable": [any(w is t for t in layer.trainable_weights) for w in layer.weights]}
    if tol:
        meta["tol"] = tol
    add_case("layers", name, meta, arrs)


def record_layers():
    L = layer_case
    # Core
    L("dense", "Dense", {"units": 3}, (4, 5))
    L("dense_relu_nobias", "Dense", {"units": 4, "activation": "relu", "use_bias": False}, (3, 5))
    L("dense_3d_tanh", "Dense", {"units": 2, "activation": "tanh"}, (2, 3, 4))
    for act in ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "selu", "elu", "exponential",
                "hard_sigmoid", "linear", "swish", "gelu", "mish", "relu6", "log_softmax"]:
        L(f"activation_{act}", "Activation", {"activation": act}, (3, 7), scale=2.5)
    L("dropout_inference", "Dropout", {"rate": 0.5}, (4, 6))
    L("flatten", "Flatten", {}, (2, 3, 4))
    L("reshape", "Reshape", {"target_shape": [6, 2]}, (2, 3, 4))
    L("permute", "Permute", {"dims": [2, 1]}, (2, 3, 4))
    L("repeat_vector", "RepeatVector", {"n": 3}, (2, 4))
    # Normalization
    L("batchnorm_2d_infer", "BatchNormalization", {}, (6, 4))
    L("batchnorm_2d_train", "BatchNormalization", {"momentum": 0.9}, (6, 4), training=True)
    L("batchnorm_4d_train", "BatchNormalization", {"momentum": 0.5}, (3, 4, 4, 2), training=True)
    L("batchnorm_4d_axis1_train", "BatchNormalization", {"axis": 1, "momentum": 0.8}, (3, 2, 4, 4), training=True)
    L("batchnorm_4d_infer_noscale", "BatchNormalization", {"scale": False, "center": False, "epsilon": 0.01},
      (2, 3, 3, 2))
    L("batchnorm_3d_train", "BatchNormalization", {"momentum": 0.7}, (4, 3, 5), training=True)
    L("layernorm", "LayerNormalization", {}, (4, 6))
    L("layernorm_axes", "LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4))
    # Convolution
    L("conv1d_valid", "Conv1D", {"filters": 3, "kernel_size": 3}, (2, 9, 4))
    L("conv1d_same_strides", "Conv1D", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 9, 3))
    L("conv1d_causal_dilated", "Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal",
                                          "dilation_rate": 2, "activation": "relu"}, (2, 10, 3))
    L("conv2d_valid", "Conv2D", {"filters": 3, "kernel_size": 3}, (2, 7, 6, 2))
    L("conv2d_same_strides", "Conv2D", {"filters": 4, "kernel_size": [3, 2], "strides": 2, "padding": "same"},
      (2, 7, 6, 3))
    L("conv2d_dilated", "Conv2D", {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "use_bias": False},
      (1, 9, 9, 2))
    L("conv2d_channels_first", "Conv2D", {"filters": 3, "kernel_size": 3, "data_format": "channels_first"},
      (2, 2, 6, 6))
    L("conv2dtranspose_valid", "Conv2DTranspose", {"filters": 2, "kernel_size": 3}, (2, 4, 4, 3))
    L("conv2dtranspose_same_s2", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2,
                                                     "padding": "same"}, (2, 4, 3, 2))
    L("conv2dtranspose_output_padding", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                                            "output_padding": 1}, (1, 3, 3, 2))
    L("conv2dtranspose_output_padding_same", "Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 3,
                                                                 "padding": "same", "output_padding": [2, 1]},
      (1, 3, 2, 2))
    L("depthwise_conv2d", "DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 6, 3))
    L("depthwise_conv2d_same_s2", "DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "padding": "same"},
      (2, 7, 7, 2))
    L("separable_conv2d", "SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2},
      (2, 6, 6, 3))
    L("separable_conv2d_same", "SeparableConv2D", {"filters": 2, "kernel_size": 2, "padding": "same",
                                                   "activation": "relu"}, (1, 5, 5, 2))
    # Pooling
    L("maxpool1d", "MaxPooling1D", {"pool_size": 2}, (2, 8, 3))
    L("maxpool1d_same_s1", "MaxPooling1D", {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 7, 2))
    L("avgpool1d_same", "AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 2))
    L("maxpool2d", "MaxPooling2D", {"pool_size": 2}, (2, 6, 6, 3))
    L("maxpool2d_same_s1", "MaxPooling2D", {"pool_size": 3, "strides": 1, "padding": "same"}, (1, 5, 5, 2))
    L("avgpool2d", "AveragePooling2D", {"pool_size": 2}, (2, 6, 4, 3))
    L("avgpool2d_same", "AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (1, 7, 6, 2))
    L("gap1d", "GlobalAveragePooling1D", {}, (2, 5, 3))
    L("gmp1d", "GlobalMaxPooling1D", {}, (2, 5, 3))
    L("gap2d", "GlobalAveragePooling2D", {}, (2, 4, 4, 3))
    L("gmp2d", "GlobalMaxPooling2D", {}, (2, 4, 4, 3))
    L("gap2d_keepdims", "GlobalAveragePooling2D", {"keepdims": True}, (2, 4, 4, 3))
    L("gap2d_channels_first", "GlobalAveragePooling2D", {"data_format": "channels_first"}, (2, 3, 4, 4))
    L("zeropadding2d", "ZeroPadding2D", {"padding": [[1, 2], [0, 1]]}, (2, 3, 3, 2))
    L("upsampling2d", "UpSampling2D", {"size": 2}, (2, 3, 3, 2))
    L("upsampling2d_bilinear", "UpSampling2D", {"size": [2, 3], "interpolation": "bilinear"}, (1, 3, 4, 2))
    # Embedding
    L("embedding", "Embedding", {"input_dim": 10, "output_dim": 4}, (3, 5), int_input=10)
    # Merging
    for cls in ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]:
        L(f"merge_{cls.lower()}", cls, {}, [(3, 4), (3, 4)])
    L("concatenate", "Concatenate", {}, [(2, 3), (2, 4)])
    L("concatenate_axis1", "Concatenate", {"axis": 1}, [(2, 3, 2), (2, 1, 2)])
    # Recurrent
    L("simple_rnn", "SimpleRNN", {"units": 3}, (2, 5, 4))
    L("simple_rnn_seq_backwards", "SimpleRNN", {"units": 3, "return_sequences": True, "go_backwards": True},
      (2, 4, 3))
    L("simple_rnn_return_state", "SimpleRNN", {"units": 2, "return_state": True}, (2, 4, 3))
    L("lstm", "LSTM", {"units": 3}, (2, 5, 4))
    L("lstm_seq", "LSTM", {"units": 2, "return_sequences": True}, (2, 4, 3))
    L("lstm_hard_sigmoid", "LSTM", {"units": 3, "recurrent_activation": "hard_sigmoid", "return_sequences": True},
      (2, 5, 4), scale=2.0)
    L("lstm_return_state", "LSTM", {"units": 3, "return_state": True, "return_sequences": True}, (2, 4, 3))
    L("lstm_no_forget_bias_backwards", "LSTM", {"units": 2, "unit_forget_bias": False, "go_backwards": True},
      (2, 4, 3))
    L("gru", "GRU", {"units": 3}, (2, 5, 4))
    L("gru_reset_before", "GRU", {"units": 3, "reset_after": False, "return_sequences": True}, (2, 4, 3))
    L("gru_hard_sigmoid", "GRU", {"units": 2, "recurrent_activation": "hard_sigmoid"}, (2, 5, 3), scale=2.0)
    L("gru_return_state", "GRU", {"units": 2, "return_state": True}, (2, 4, 3))


# ---------------------------------------------------------------------------------------------
# Activations (keras.activations by name, through the Activation layer on both sides)
# ---------------------------------------------------------------------------------------------

def record_activations():
    x = np.linspace(-6, 6, 25, dtype=F32).reshape(5, 5)
    for name in ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "selu", "elu", "exponential",
                 "hard_sigmoid", "linear", "swish", "gelu", "mish", "relu6", "log_softmax"]:
        try:
            f = keras.activations.get(name)
        except Exception as e:
            skipped.append((f"act_{name}", str(e)[:100]))
            continue
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = f(t)
            loss = tf.reduce_sum(y * tf.constant(np.cos(x)))
        g = tape.gradient(loss, t)
        add_case("activations", f"act_{name}", {"activation": name},
                 {"x": x, "y": y.numpy(), "cot": np.cos(x).astype(F32), "grad": g.numpy()})


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------

def loss_inputs(kind, rng, shape):
    if kind == "prob":         # probabilities per class (rows sum to 1)
        p = rng.uniform(0.05, 1, size=shape).astype(F32)
        return p / p.sum(-1, keepdims=True)
    if kind == "sigmoid":
        return rng.uniform(0.02, 0.98, size=shape).astype(F32)
    if kind == "logits":
        return (rng.standard_normal(shape) * 2).astype(F32)
    if kind == "positive":
        return rng.uniform(0.1, 3, size=shape).astype(F32)
    return rng.standard_normal(shape).astype(F32)


def loss_case(name, cls, config, true_kind, pred_kind, shape=(4, 3), weight=None):
    rng = rng_for(name)
    if true_kind == "onehot":
        yt = np.eye(shape[-1], dtype=F32)[rng.integers(0, shape[-1], size=shape[:-1])]
    elif true_kind == "sparse":
        yt = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int32)
    elif true_kind == "binary":
        yt = rng.integers(0, 2, size=shape).astype(F32)
    elif true_kind == "pm1":
        yt = (rng.integers(0, 2, size=shape) * 2 - 1).astype(F32)
    elif true_kind == "prob":
        yt = loss_inputs("prob", rng, shape)
    elif true_kind == "positive":
        yt = loss_inputs("positive", rng, shape)
    else:
        yt = rng.standard_normal(shape).astype(F32)
    yp = loss_inputs(pred_kind, rng, shape)
    sw = None
    if weight == "sample":
        sw = rng.uniform(0, 2, size=shape[:1]).astype(F32)
    elif weight == "full" and true_kind != "sparse":
        sw = rng.uniform(0, 2, size=shape[:-1]).astype(F32)
    loss = getattr(keras.losses, cls)(**config)
    tp = tf.constant(yp)
    with tf.GradientTape() as tape:
        tape.watch(tp)
        out = loss(tf.constant(yt), tp, sample_weight=None if sw is None else tf.constant(sw))
        cot = tf.constant(rng.standard_normal(out.shape).astype(F32))
        total = tf.reduce_sum(out * cot)
    g = tape.gradient(total, tp)
    arrs = {"y_true": yt, "y_pred": yp, "out": out.numpy(), "cot": cot.numpy(), "grad": g.numpy()}
    if sw is not None:
        arrs["sample_weight"] = sw
    add_case("losses", name, {"class": cls, "config": config}, arrs)


def record_losses():
    C = loss_case
    reductions = ["auto", "sum", "none", "sum_over_batch_size"]
    C("mse", "MeanSquaredError", {}, "real", "real")
    for red in reductions:
        C(f"mse_{red}_w", "MeanSquaredError", {"reduction": red}, "real", "real", weight="sample")
    C("mse_3d_fullweight", "MeanSquaredError", {}, "real", "real", shape=(2, 3, 4), weight="full")
    C("mae", "MeanAbsoluteError", {"reduction": "sum"}, "real", "real", weight="sample")
    C("mape", "MeanAbsolutePercentageError", {}, "positive", "positive")
    C("msle", "MeanSquaredLogarithmicError", {}, "positive", "positive", weight="sample")
    C("huber", "Huber", {}, "real", "real")
    C("huber_delta", "Huber", {"delta": 0.3, "reduction": "none"}, "real", "real")
    C("logcosh", "LogCosh", {}, "real", "real", weight="sample")
    C("kld", "KLDivergence", {}, "prob", "prob")
    C("poisson", "Poisson", {}, "positive", "positive")
    C("hinge", "Hinge", {}, "pm1", "real")
    C("squared_hinge", "SquaredHinge", {}, "binary", "real", weight="sample")
    C("categorical_hinge", "CategoricalHinge", {}, "onehot", "real")
    C("cosine", "CosineSimilarity", {}, "real", "real")
    C("cosine_axis0_none", "CosineSimilarity", {"axis": 0, "reduction": "none"}, "real", "real")
    C("bce", "BinaryCrossentropy", {}, "binary", "sigmoid")
    C("bce_logits", "BinaryCrossentropy", {"from_logits": True}, "binary", "logits", weight="sample")
    C("bce_smoothing", "BinaryCrossentropy", {"label_smoothing": 0.2}, "binary", "sigmoid")
    C("bce_logits_smoothing_sum", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1,
                                                         "reduction": "sum"}, "binary", "logits")
    C("bce_none", "BinaryCrossentropy", {"reduction": "none"}, "binary", "sigmoid", shape=(3, 2, 4))
    C("cce", "CategoricalCrossentropy", {}, "onehot", "prob")
    C("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, "onehot", "logits", weight="sample")
    C("cce_smoothing", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot", "prob")
    C("cce_logits_smoothing_none", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2,
                                                               "reduction": "none"}, "onehot", "logits")
    C("scce", "SparseCategoricalCrossentropy", {}, "sparse", "prob")
    C("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse", "logits", weight="sample")
    C("scce_logits_ignore", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1},
      "sparse", "logits", shape=(6, 3))
    C("bfce", "BinaryFocalCrossentropy", {}, "binary", "sigmoid")
    C("bfce_balanced_logits", "BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4,
                                                          "gamma": 1.5, "from_logits": True}, "binary", "logits",
      weight="sample")
    C("bfce_smoothing_sum", "BinaryFocalCrossentropy", {"label_smoothing": 0.1, "reduction": "sum"},
      "binary", "sigmoid")
    C("cfce", "CategoricalFocalCrossentropy", {}, "onehot", "prob")
    C("cfce_logits_smoothing", "CategoricalFocalCrossentropy", {"alpha": 0.5, "gamma": 1.0, "from_logits": True,
                                                                "label_smoothing": 0.1}, "onehot", "logits",
      weight="sample")


# ---------------------------------------------------------------------------------------------
# Metrics: two update_state calls, the result after each
# ---------------------------------------------------------------------------------------------

def metric_case(name, cls, config, make, weighted=(False, True)):
    rng = rng_for(name)
    m = getattr(keras.metrics, cls)(**config)
    arrs = {}
    for step in range(2):
        yt, yp = make(rng, step)
        arrs[f"y_true{step}"], arrs[f"y_pred{step}"] = yt, yp
        sw = None
        if weighted[step]:
            sw = rng.uniform(0, 2, size=yt.shape[:1]).astype(F32)
            arrs[f"sample_weight{step}"] = sw
        if cls in ("Mean", "Sum"):
            m.update_state(yp, sample_weight=sw)
        else:
            m.update_state(yt, yp, sample_weight=sw)
        arrs[f"result{step}"] = np.asarray(m.result().numpy(), F32)
    add_case("metrics", name, {"class": cls, "config": config}, arrs)


def record_metrics():
    def binary(n=6, c=1):
        return lambda r, s: (r.integers(0, 2, size=(n + s, c)).astype(F32),
                             r.uniform(0, 1, size=(n + s, c)).astype(F32))

    def onehot(n=5, c=4):
        def f(r, s):
            p = r.uniform(0, 1, size=(n + s, c)).astype(F32)
            return np.eye(c, dtype=F32)[r.integers(0, c, size=n + s)], p / p.sum(-1, keepdims=True)
        return f

    def sparse(n=5, c=4):
        def f(r, s):
            p = r.uniform(0, 1, size=(n + s, c)).astype(F32)
            return r.integers(0, c, size=(n + s,)).astype(F32), p / p.sum(-1, keepdims=True)
        return f

    def real(n=5, c=3):
        return lambda r, s: (r.standard_normal((n + s, c)).astype(F32), r.standard_normal((n + s, c)).astype(F32))

    def labels_1d(r, s):
        n = 4 + s
        t = r.integers(0, 3, size=(n,)).astype(F32)
        p = np.where(r.uniform(size=n) < 0.6, t, r.integers(0, 3, size=n)).astype(F32)
        return t, p

    M = metric_case
    M("mean", "Mean", {}, real())
    M("sum", "Sum", {}, real())
    M("accuracy_1d", "Accuracy", {}, labels_1d)
    M("accuracy_1d_unweighted", "Accuracy", {}, labels_1d, weighted=(False, False))
    M("binary_accuracy", "BinaryAccuracy", {}, binary())
    M("binary_accuracy_threshold", "BinaryAccuracy", {"threshold": 0.7}, binary(c=3))
    M("categorical_accuracy", "CategoricalAccuracy", {}, onehot())
    M("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, sparse())
    M("top_k", "TopKCategoricalAccuracy", {"k": 2}, onehot(c=5))
    M("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, sparse(c=5))
    M("mae_metric", "MeanAbsoluteError", {}, real())
    M("mse_metric", "MeanSquaredError", {}, real())
    M("rmse", "RootMeanSquaredError", {}, real())
    M("precision", "Precision", {}, binary(c=2))
    M("precision_thresholds", "Precision", {"thresholds": [0.3, 0.6]}, binary(c=2))
    M("precision_top_k", "Precision", {"top_k": 2}, binary(n=4, c=5))
    M("precision_top_k_class", "Precision", {"top_k": 2, "class_id": 1}, binary(n=6, c=4))
    M("recall", "Recall", {}, binary(c=2))
    M("recall_class_id", "Recall", {"class_id": 2, "thresholds": 0.4}, binary(c=3))
    M("recall_top_k", "Recall", {"top_k": 1}, binary(n=5, c=3))
    M("auc", "AUC", {}, binary(n=8))
    M("auc_pr", "AUC", {"curve": "PR", "num_thresholds": 50}, binary(n=8))
    M("auc_minoring", "AUC", {"summation_method": "minoring", "num_thresholds": 20}, binary(n=8, c=2))
    M("auc_multi_label", "AUC", {"multi_label": True, "num_thresholds": 30}, binary(n=8, c=3))
    M("auc_multi_label_weights", "AUC", {"multi_label": True, "num_labels": 3, "label_weights": [0.2, 1.0, 0.5]},
      binary(n=8, c=3))
    M("auc_label_weights", "AUC", {"label_weights": [0.3, 1.0]}, binary(n=8, c=2))
    M("bce_metric", "BinaryCrossentropy", {}, lambda r, s: (r.integers(0, 2, size=(4 + s, 2)).astype(F32),
                                                            r.uniform(0.05, 0.95, size=(4 + s, 2)).astype(F32)))
    M("bce_metric_logits_smoothing", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
      lambda r, s: (r.integers(0, 2, size=(4 + s, 2)).astype(F32), r.standard_normal((4 + s, 2)).astype(F32)))
    M("cce_metric", "CategoricalCrossentropy", {}, onehot())
    M("cce_metric_logits", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
      lambda r, s: (np.eye(3, dtype=F32)[r.integers(0, 3, size=4 + s)], r.standard_normal((4 + s, 3)).astype(F32)))
    M("scce_metric", "SparseCategoricalCrossentropy", {}, sparse())
    M("scce_metric_logits", "SparseCategoricalCrossentropy", {"from_logits": True},
      lambda r, s: (r.integers(0, 3, size=(4 + s,)).astype(F32), r.standard_normal((4 + s, 3)).astype(F32)))
    record_metrics_issue12(M, binary, onehot, real)


def record_metrics_issue12(M, binary, onehot, real):
    """The regression, hinge, probabilistic, confusion-count, "X at Y", IoU, F-score and R2
    metrics (issue 12, point 7)."""
    def positive(n=5, c=3):
        return lambda r, s: (r.uniform(0.1, 2, size=(n + s, c)).astype(F32), r.uniform(0.1, 2, size=(n + s, c)).astype(F32))

    def probs(n=5, c=3):
        def f(r, s):
            t = r.uniform(0.05, 1, size=(n + s, c)).astype(F32)
            p = r.uniform(0.05, 1, size=(n + s, c)).astype(F32)
            return t / t.sum(-1, keepdims=True), p / p.sum(-1, keepdims=True)
        return f

    def ids(n=8, c=3):
        return lambda r, s: (r.integers(0, c, size=(n + s,)).astype(F32), r.integers(0, c, size=(n + s,)).astype(F32))

    def multilabel(n=8, c=3):
        return lambda r, s: (r.integers(0, 2, size=(n + s, c)).astype(F32), r.uniform(0, 1, size=(n + s, c)).astype(F32))

    M("mape_metric", "MeanAbsolutePercentageError", {}, positive())
    M("msle_metric", "MeanSquaredLogarithmicError", {}, positive())
    M("logcosh_metric", "LogCoshError", {}, real())
    M("hinge_metric", "Hinge", {}, lambda r, s: (r.integers(0, 2, size=(5 + s, 3)).astype(F32),
                                                 r.standard_normal((5 + s, 3)).astype(F32)))
    M("squared_hinge_metric", "SquaredHinge", {}, lambda r, s: (r.choice([-1.0, 1.0], size=(5 + s, 3)).astype(F32),
                                                                r.standard_normal((5 + s, 3)).astype(F32)))
    M("categorical_hinge_metric", "CategoricalHinge", {}, onehot())
    M("kld_metric", "KLDivergence", {}, probs())
    M("poisson_metric", "Poisson", {}, positive())
    M("cosine_similarity_metric", "CosineSimilarity", {}, real())
    M("cosine_similarity_axis0", "CosineSimilarity", {"axis": 0}, real(n=4, c=3), weighted=(False, False))
    M("r2_score", "R2Score", {}, real(n=6, c=2))
    M("r2_score_none", "R2Score", {"class_aggregation": None}, real(n=6, c=2))
    M("r2_score_variance", "R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 2},
      real(n=7, c=3))
    M("true_positives", "TruePositives", {}, binary(c=2))
    M("false_positives", "FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, binary(c=2))
    M("true_negatives", "TrueNegatives", {"thresholds": 0.3}, binary(c=2))
    M("false_negatives", "FalseNegatives", {}, binary(c=3))
    M("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.6}, binary(n=10))
    M("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 30}, binary(n=10))
    M("precision_at_recall", "PrecisionAtRecall", {"recall": 0.7}, binary(n=10))
    M("recall_at_precision", "RecallAtPrecision", {"precision": 0.6, "num_thresholds": 50}, binary(n=10))
    M("precision_at_recall_class", "PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, binary(n=8, c=3))
    M("mean_iou", "MeanIoU", {"num_classes": 3}, ids())
    M("iou_targets", "IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, ids())
    M("mean_iou_dense", "MeanIoU", {"num_classes": 3, "sparse_y_pred": False},
      lambda r, s: (r.integers(0, 3, size=(6 + s,)).astype(F32), r.uniform(0, 1, size=(6 + s, 3)).astype(F32)))
    M("binary_iou", "BinaryIoU", {}, binary(n=8))
    M("binary_iou_target1", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, binary(n=8))
    M("f1_score", "F1Score", {}, multilabel())
    M("f1_score_macro_threshold", "F1Score", {"average": "macro", "threshold": 0.5}, multilabel())
    M("fbeta_micro", "FBetaScore", {"average": "micro", "beta": 2.0, "threshold": 0.4}, multilabel())
    M("fbeta_weighted", "FBetaScore", {"average": "weighted", "beta": 0.5}, onehot())


# ---------------------------------------------------------------------------------------------
# Optimizers: 5 steps on two variables with recorded gradients
# ---------------------------------------------------------------------------------------------

def optimizer_case(name, cls, config, steps=5):
    rng = rng_for(name)
    w0 = [rng.standard_normal((3, 4)).astype(F32), rng.standard_normal((4,)).astype(F32)]
    vs = [tf.Variable(w) for w in w0]
    opt = getattr(keras.optimizers, cls)(**config)
    arrs = {"w0_0": w0[0], "w0_1": w0[1]}
    for s in range(steps):
        gs = [rng.standard_normal(w.shape).astype(F32) for w in w0]
        opt.apply_gradients(zip([tf.constant(g) for g in gs], vs))
        for i, (g, v) in enumerate(zip(gs, vs)):
            arrs[f"g{s}_{i}"] = g
            arrs[f"w{s + 1}_{i}"] = v.numpy()
    add_case("optimizers", name, {"class": cls, "config": config, "steps": steps}, arrs)


def record_optimizers():
    O = optimizer_case
    O("sgd", "SGD", {"learning_rate": 0.1})
    O("sgd_momentum_nesterov", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True})
    O("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 0.5})
    O("sgd_clipvalue_wd", "SGD", {"learning_rate": 0.1, "clipvalue": 0.3, "weight_decay": 0.1})
    O("adam", "Adam", {"learning_rate": 0.01})
    O("adam_amsgrad", "Adam", {"learning_rate": 0.02, "amsgrad": True, "beta_1": 0.8})
    O("adam_global_clipnorm", "Adam", {"learning_rate": 0.01, "global_clipnorm": 1.0})
    O("adamw", "AdamW", {"learning_rate": 0.01, "weight_decay": 0.05})
    O("rmsprop", "RMSprop", {"learning_rate": 0.01})
    O("rmsprop_centered_momentum", "RMSprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5})
    O("adagrad", "Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.2})
    O("adadelta", "Adadelta", {"learning_rate": 1.0, "rho": 0.9})
    O("adamax", "Adamax", {"learning_rate": 0.01})
    O("nadam", "Nadam", {"learning_rate": 0.01})
    O("lion", "Lion", {"learning_rate": 0.01, "beta_1": 0.8})
    O("ftrl", "Ftrl", {"learning_rate": 0.1})
    O("ftrl_regularized", "Ftrl", {"learning_rate": 0.2, "learning_rate_power": -0.7, "l1_regularization_strength": 0.01,
                                   "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.05,
                                   "beta": 0.1, "initial_accumulator_value": 0.3})
    O("adafactor", "Adafactor", {"learning_rate": 0.1})
    O("adafactor_options", "Adafactor", {"learning_rate": 0.05, "beta_2_decay": -0.5, "epsilon_2": 1e-2,
                                         "clip_threshold": 0.5, "relative_step": False})


# ---------------------------------------------------------------------------------------------
# Short fits
# ---------------------------------------------------------------------------------------------

def fit_case(name, layers, optimizer, loss, x_shape, y_kind, epochs=3, batch_size=4):
    rng = rng_for(name)
    x = rng.standard_normal(x_shape).astype(F32)
    n = x_shape[0]
    model = keras.Sequential([getattr(keras.layers, c)(**cfg) for c, cfg in layers])
    model.build((None,) + tuple(x_shape[1:]))
    if y_kind == "sparse":
        y = rng.integers(0, model.output_shape[-1], size=(n,)).astype(F32)
    elif y_kind == "binary":
        y = rng.integers(0, 2, size=(n, model.output_shape[-1])).astype(F32)
    else:
        y = rng.standard_normal((n,) + tuple(model.output_shape[1:])).astype(F32)
    w0 = model.get_weights()
    model.compile(optimizer=getattr(keras.optimizers, optimizer[0])(**optimizer[1]), loss=loss)
    hist = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    arrs = {"x": x, "y": y, "loss": np.array(hist.history["loss"], F32)}
    for i, w in enumerate(w0):
        arrs[f"w{i}"] = w
    for i, w in enumerate(model.get_weights()):
        arrs[f"after_w{i}"] = w
    arrs["predict"] = model.predict(x, verbose=0)
    add_case("fits", name, {"layers": [[c, cfg] for c, cfg in layers], "optimizer": list(optimizer), "loss": loss,
                            "epochs": epochs, "batch_size": batch_size}, arrs)


def record_fits():
    fit_case("fit_mlp_sgd_mse", [("Dense", {"units": 4, "activation": "relu"}), ("Dense", {"units": 2})],
             ("SGD", {"learning_rate": 0.05}), "mse", (12, 3), "real")
    fit_case("fit_mlp_adam_scce", [("Dense", {"units": 5, "activation": "tanh"}),
                                   ("Dense", {"units": 3, "activation": "softmax"})],
             ("Adam", {"learning_rate": 0.01}), "sparse_categorical_crossentropy", (10, 4), "sparse")
    fit_case("fit_bn_rmsprop_bce", [("Dense", {"units": 4}), ("BatchNormalization", {}),
                                    ("Activation", {"activation": "relu"}), ("Dense", {"units": 1, "activation": "sigmoid"})],
             ("RMSprop", {"learning_rate": 0.01}), "binary_crossentropy", (12, 3), "binary")
    fit_case("fit_lstm_adam_mse", [("LSTM", {"units": 3}), ("Dense", {"units": 1})],
             ("Adam", {"learning_rate": 0.01}), "mse", (8, 4, 2), "real")


# ---------------------------------------------------------------------------------------------
# The C harness's subset: raw little-endian float32 + a text index
# ---------------------------------------------------------------------------------------------

C_CASES = ["dense", "lstm_hard_sigmoid", "batchnorm_4d_train", "cce_logits", "adam", "ftrl"]


def write_c_subset():
    cdir = OUT / "c"
    cdir.mkdir(parents=True, exist_ok=True)
    for f in cdir.glob("*.f32"):
        f.unlink()
    lines = ["# case array rank dims... (raw little-endian float32 in <case>.<array>.f32)"]
    for case in index:
        if case["name"] not in C_CASES:
            continue
        store = arrays[case["family"]]
        for a in case["arrays"]:
            v = np.asarray(store[f"{case['name']}/{a}"], dtype="<f4")   # keeps rank 0 (ascontiguousarray would not)
            v.tofile(cdir / f"{case['name']}.{a}.f32")
            lines.append(" ".join([case["name"], a, str(v.ndim)] + [str(d) for d in v.shape]))
    (cdir / "index.txt").write_text("\n".join(lines) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    record_layers()
    record_activations()
    record_losses()
    record_metrics()
    record_optimizers()
    record_fits()
    for family, store in arrays.items():
        np.savez_compressed(OUT / f"{family}.npz", **store)
    meta = {"tensorflow": tf.__version__, "tf_keras": keras.__version__,
            "recorded_by": "tools/golden/record.py", "skipped_by_tf_keras": skipped, "cases": index}
    (OUT / "index.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    write_c_subset()
    counts = ", ".join(f"{f}: {sum(c['family'] == f for c in index)}" for f in arrays)
    print(f"{len(index)} cases ({counts}); {len(skipped)} refused by tf.keras: {skipped}", file=sys.stderr)


if __name__ == "__main__":
    main()
