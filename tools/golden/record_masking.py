"""Records tf.keras 2's answers for the masking and RNN-wrapper tests into
Tests/SwiftKerasTests/MaskingReferenceValues.swift (the C harness and the Python tests copy a few
of them). Run in the reference venv (never needed by ``make test``):

    TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python tools/golden/record_masking.py
"""
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402

L = keras.layers
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "SwiftKerasTests",
                   "MaskingReferenceValues.swift")


def det(shape, k):
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 0.37 + k) * 0.5).reshape(shape).astype("float32")


# Masking(0) → each RNN (return_state) with weights det(shape, i + 2)
x = det((2,5,2), 1.0) + 0.1
x[0,3:] = 0; x[1,0] = 0; x[1,2] = 0
r1 = {"x": x.tolist()}
for cls in ["SimpleRNN","LSTM","GRU"]:
  for back in [False, True]:
    for seq in [False, True]:
        layer = getattr(L, cls)(3, return_sequences=seq, return_state=True, go_backwards=back)
        inp = tf.constant(x)
        m = L.Masking(0.0)
        y0 = m(inp)
        layer(y0)
        ws = [det(w.shape, i+2.0) for i,w in enumerate(layer.weights)]
        layer.set_weights(ws)
        with tf.GradientTape() as t:
            t.watch(inp)
            res = layer(m(inp))
            o = res[0]
            R = det(o.shape, 7.0)
            s = tf.reduce_sum(o*R) + sum(tf.reduce_sum(st*det(st.shape, 9.0+j)) for j,st in enumerate(res[1:]))
        g = t.gradient(s, [inp] + layer.weights)
        key = f"{cls}_{'b' if back else 'f'}_{'seq' if seq else 'last'}"
        r1[key] = {"out": [r.numpy().tolist() for r in res], "grads": [gg.numpy().tolist() for gg in g],
                    "shapes": [list(w.shape) for w in layer.weights]}
        if seq and "mask" not in r1: r1["mask"] = np.asarray(res[0]._keras_mask).tolist() if hasattr(res[0], "_keras_mask") else None


# the masked sequence model, pooling, Bidirectional, TimeDistributed, merge masks
r2 = {}
tok = np.array([[3,1,4,0,0],[0,2,0,5,1],[1,1,1,1,1]], dtype="int32")
r2["tok"] = tok.tolist()
# loss / metric masking
m = keras.Sequential([L.Embedding(6, 3, mask_zero=True), L.LSTM(4, return_sequences=True), L.Dense(2)])
m.build((None, 5))
m.set_weights([det(w.shape, i+1.0) for i, w in enumerate(m.weights)])
y = det((3,5,2), 5.0)
m.compile("sgd", "mse", metrics=["mae"])
r2["seq_pred"] = m.predict(tok, verbose=0).tolist()
ev = m.evaluate(tok, y, verbose=0, return_dict=True)
r2["seq_eval"] = ev
sw = np.array([1.0, 2.0, 0.5], "float32")
r2["seq_eval_sw"] = m.evaluate(tok, y, sample_weight=sw, verbose=0, return_dict=True)
r2["seq_mask"] = np.asarray(m(tok)._keras_mask).tolist()
# pooling with mask
e = L.Embedding(6, 3, mask_zero=True); e.build((None,5)); e.set_weights([det((6,3), 2.0)])
h = e(tok)
r2["gap1d"] = L.GlobalAveragePooling1D()(h).numpy().tolist()
r2["gmp1d"] = L.GlobalMaxPooling1D()(h).numpy().tolist()
r2["gmp1d_mask"] = str(getattr(L.GlobalMaxPooling1D()(h), "_keras_mask", None))
# Bidirectional
x = det((2,5,2), 1.0) + 0.1
x[0,3:] = 0; x[1,0] = 0; x[1,2] = 0
r2["x"] = x.tolist()
for cls in ["LSTM", "GRU", "SimpleRNN"]:
  for mode in ["concat", "sum", "mul", "ave", None]:
    for seq in [False, True]:
        b = L.Bidirectional(getattr(L, cls)(3, return_sequences=seq), merge_mode=mode)
        inp = tf.constant(x)
        b(L.Masking(0.0)(inp))
        b.set_weights([det(w.shape, i+2.0) for i, w in enumerate(b.weights)])
        with tf.GradientTape() as t:
            t.watch(inp)
            res = b(L.Masking(0.0)(inp))
            outs = res if isinstance(res, list) else [res]
            s = sum(tf.reduce_sum(o*det(o.shape, 7.0+j)) for j,o in enumerate(outs))
        g = t.gradient(s, [inp] + b.weights)
        r2[f"bi_{cls}_{mode}_{'seq' if seq else 'last'}"] = {"out": [o.numpy().tolist() for o in outs],
            "grads": [gg.numpy().tolist() for gg in g], "names": [w.name for w in b.weights],
            "shapes": [list(w.shape) for w in b.weights], "mask": str(getattr(outs[0], "_keras_mask", None) is not None)}
# Bidirectional with return_state
b = L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True))
inp = tf.constant(x); b(inp); b.set_weights([det(w.shape, i+2.0) for i, w in enumerate(b.weights)])
r2["bi_state"] = [o.numpy().tolist() for o in b(inp)]
r2["bi_config"] = b.get_config()
# TimeDistributed
td = L.TimeDistributed(L.Dense(2)); inp = tf.constant(x); td(L.Masking(0.0)(inp))
td.set_weights([det(w.shape, i+3.0) for i, w in enumerate(td.weights)])
r = td(L.Masking(0.0)(inp))
r2["td"] = r.numpy().tolist(); r2["td_mask"] = np.asarray(r._keras_mask).tolist() if getattr(r, "_keras_mask", None) is not None else None
r2["td_config"] = td.get_config(); r2["td_names"] = [w.name for w in td.weights]
# merge masks
a = L.Masking(0.0)(tf.constant(x)); c = L.Masking(0.0)(tf.constant(x[:, ::-1].copy()))
r2["add_mask"] = np.asarray(L.Add()([a, c])._keras_mask).tolist()
r2["concat_mask"] = np.asarray(L.Concatenate()([a, c])._keras_mask).tolist()
r2["dense_mask"] = np.asarray(L.Dense(2)(a)._keras_mask).tolist()


def arr(v):
    return "[" + ", ".join(repr(float(np.float32(x))) for x in np.array(v, dtype=np.float64).ravel()) + "]"


def table(name, doc, src, keys):
    rows = [doc, f"let {name}: [String: (outputs: [[Double]], gradients: [[Double]])] = ["]
    for k in keys:
        e = src[k]
        rows.append(f'    "{k}": (outputs: [' + ", ".join(arr(o) for o in e["out"]) + "],\n        gradients: ["
                    + ", ".join(arr(g) for g in e["grads"]) + "]),")
    return rows + ["]"]


lines = ["// Generated from tf.keras 2 (TF 2.21, TF_USE_LEGACY_KERAS=1) by tools/golden/record_masking.py;",
         "// do not edit by hand.\n",
         "/// The masked input (2, 5, 2): sample 0's steps 3, 4 and sample 1's steps 0, 2 are all zeros.",
         "let maskedReferenceInput: [Double] = " + arr(r1["x"]), ""]
lines += table("maskedRecurrentReference",
               "/// Masking(0) → layer(3 units, return_state=True) with weights det(shape, i + 2): the outputs\n"
               "/// (output, states...) and the gradients of Σ out·det(7) + Σ state_j·det(9 + j) with respect to\n"
               "/// the input and each weight.", r1,
               ["LSTM_f_seq", "LSTM_b_last", "LSTM_b_seq", "GRU_f_last", "GRU_b_seq", "SimpleRNN_f_seq", "SimpleRNN_b_last"])
lines += [""] + table("maskedBidirectionalReference",
                      "/// Masking(0) → Bidirectional(layer(3), merge_mode) with weights det(shape, i + 2): the outputs\n"
                      "/// and the gradients of Σ out_j·det(7 + j) with respect to the input and each weight.", r2,
                      ["bi_LSTM_concat_seq", "bi_LSTM_sum_last", "bi_GRU_None_seq", "bi_SimpleRNN_ave_seq", "bi_GRU_mul_last"])
lines += ["",
          "/// Embedding(6, 3, mask_zero) → LSTM(4, return_sequences) → Dense(2), weights det(shape, i + 1):",
          "/// tokens, predictions, targets det((3, 5, 2), 5) and evaluate's loss (mse) and mae.",
          "let maskedSequenceTokens: [Double] = " + arr(r2["tok"]),
          "let maskedSequencePredictions: [Double] = " + arr(r2["seq_pred"]),
          f"let maskedSequenceLoss = {r2['seq_eval']['loss']!r}, maskedSequenceMAE = {r2['seq_eval']['mae']!r}",
          "/// The loss with sample weights (1, 2, 0.5).",
          f"let maskedSequenceWeightedLoss = {r2['seq_eval_sw']['loss']!r}",
          "/// Embedding(6, 3, mask_zero) with weights det((6, 3), 2) on the tokens → GlobalAveragePooling1D",
          "/// (masked mean) and GlobalMaxPooling1D (ignores the mask).",
          "let maskedGAP1D: [Double] = " + arr(r2["gap1d"]),
          "let maskedGMP1D: [Double] = " + arr(r2["gmp1d"]),
          "/// Masking(0) → TimeDistributed(Dense(2)) with weights det(shape, i + 3).",
          "let maskedTimeDistributed: [Double] = " + arr(r2["td"])]
with open(OUT, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT)
