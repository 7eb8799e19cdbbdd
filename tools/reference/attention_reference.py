"""tf.keras 2's answers for the attention layers' tests (reference venv only).

Every weight and input is `fill(shape, k)` and every mask `mask(shape, k)` of
bindings/python/tests/reference_inputs.py (k: the tensor's number below), so the Swift and Python
tests rebuild them without files. Prints the expected outputs (flattened, float32) as JSON, kept
(without "configs") in Tests/reference/attention.json. Run: TF_USE_LEGACY_KERAS=1
/tmp/refvenv/bin/python tools/reference/attention_reference.py
"""
import json
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np
import tensorflow as tf
from tensorflow import keras

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python", "tests"))
from reference_inputs import fill, mask  # noqa: E402






def set_weights(layer):
    layer.set_weights([fill(w.shape, 10 + i) for i, w in enumerate(layer.get_weights())])


def flat(x):
    return [float(v) for v in np.asarray(x, dtype="float32").ravel()]


cases = {}

# MHA: 2 heads of 3, query (2,4,5), value (2,3,6), attention mask, scores
q, v = fill((2, 4, 5), 1), fill((2, 3, 6), 2)
m = mask((2, 4, 3), 0)
l = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
l(q, v)
set_weights(l)
o, s = l(q, v, attention_mask=m, return_attention_scores=True)
cases["mha_mask"] = dict(out=flat(o), scores=flat(s), out_shape=list(o.shape), scores_shape=list(s.shape),
                         weight_shapes=[list(w.shape) for w in l.get_weights()],
                         weight_names=[w.name for w in l.weights])

# MHA: value_dim 4, output_shape 7, separate key, causal mask
q, v, k = fill((2, 4, 5), 3), fill((2, 3, 6), 4), fill((2, 3, 2), 5)
l = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=7)
l(q, v, k)
set_weights(l)
o = l(q, v, key=k, use_causal_mask=True)
cases["mha_causal_key"] = dict(out=flat(o), out_shape=list(o.shape),
                               weight_shapes=[list(w.shape) for w in l.get_weights()])

# MHA: attention over axis 2 of a rank-4 input, no biases
q, v = fill((2, 3, 4, 5), 6), fill((2, 3, 2, 5), 7)
l = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(2,), use_bias=False)
l(q, v)
set_weights(l)
o, s = l(q, v, return_attention_scores=True)
cases["mha_axes"] = dict(out=flat(o), scores=flat(s), out_shape=list(o.shape), scores_shape=list(s.shape),
                         weight_shapes=[list(w.shape) for w in l.get_weights()])

# MHA with the masks tf.keras 2 reads from its inputs' _keras_mask, an attention mask and causal
q, v = tf.constant(fill((2, 4, 5), 1)), tf.constant(fill((2, 3, 6), 2))
q._keras_mask, v._keras_mask = tf.constant(mask((2, 4), 1)), tf.constant(mask((2, 3), 2))
l = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
l(q, v)
set_weights(l)
o, s = l(q, v, attention_mask=mask((2, 4, 3), 0), return_attention_scores=True, use_causal_mask=True)
cases["mha_keras_masks"] = dict(out=flat(o), scores=flat(s))

# Attention dot with scale, masks, causal
q, v, k = fill((2, 4, 3), 8), fill((2, 5, 3), 9), fill((2, 5, 3), 10)
qm, vm = mask((2, 4), 1), mask((2, 5), 2)
l = keras.layers.Attention(use_scale=True)
l([q, v, k])
l.set_weights([np.array(0.7, "float32")])
o, s = l([q, v, k], mask=[qm, vm], return_attention_scores=True, use_causal_mask=True)
cases["attention_dot"] = dict(out=flat(o), scores=flat(s))

# Attention concat with scale, value mask only
l = keras.layers.Attention(use_scale=True, score_mode="concat")
l([q, v])
l.set_weights([np.array(0.8, "float32"), np.array(1.3, "float32")])
o = l([q, v], mask=[None, vm])
cases["attention_concat"] = dict(out=flat(o), weight_names=[w.name for w in l.weights])

# AdditiveAttention with both masks
l = keras.layers.AdditiveAttention()
l([q, v, k])
set_weights(l)
o, s = l([q, v, k], mask=[qm, vm], return_attention_scores=True)
cases["additive"] = dict(out=flat(o), scores=flat(s), weight_names=[w.name for w in l.weights])

# Configs
cases["configs"] = {
    "MultiHeadAttention": keras.layers.MultiHeadAttention(2, 3, name="m").get_config(),
    "Attention": keras.layers.Attention(name="a").get_config(),
    "AdditiveAttention": keras.layers.AdditiveAttention(name="aa").get_config(),
}

# A functional model: query and value inputs, MHA with scores as a second output, trained one step
qi, vi = keras.Input((4, 5)), keras.Input((3, 6))
mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")
o, s = mha(qi, vi, return_attention_scores=True)
model = keras.Model([qi, vi], [keras.layers.Dense(2, name="head")(o), s])
model.set_weights([fill(w.shape, 20 + i) for i, w in enumerate(model.get_weights())])
q, v = fill((2, 4, 5), 1), fill((2, 3, 6), 2)
po, ps = model.predict([q, v], verbose=0)
cases["functional"] = dict(out=flat(po), scores=flat(ps),
                           weight_shapes=[list(w.shape) for w in model.get_weights()])

print(json.dumps(cases))
