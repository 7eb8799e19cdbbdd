"""keras.layers.MultiHeadAttention, Attention, AdditiveAttention: tf.keras 2's call signatures,
values against tf.keras 2.21 with the same weights (attention_reference.json, printed by
tools/reference/attention_reference.py), weights' order, functional models with several inputs
and the scores as an output, configs, errors."""
import json
import os

import numpy as np
import pytest

from swiftkeras import keras

from reference_inputs import fill, mask  # noqa: F401

with open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "reference", "attention.json")) as _f:
    REF = json.load(_f)


def set_weights(layer, k=10):
    layer.set_weights([fill(w.shape, k + i) for i, w in enumerate(layer.get_weights())])


def close(got, case, key, shape=None):
    got = np.asarray(got)
    assert got.dtype == np.float32
    if shape is not None:
        assert got.shape == tuple(shape)
    np.testing.assert_allclose(got.ravel(), REF[case][key], rtol=1e-5, atol=1e-6)


def test_multi_head_attention_mask_and_scores_match_tf_keras():
    q, v = fill((2, 4, 5), 1), fill((2, 3, 6), 2)
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(q, v)
    assert [w.shape for w in layer.get_weights()] == [tuple(s) for s in REF["mha_mask"]["weight_shapes"]]
    assert [w.name for w in layer.weights] == REF["mha_mask"]["weight_names"]   # "multi_head_attention/query/kernel:0", ...
    set_weights(layer)
    out, scores = layer(q, v, attention_mask=mask((2, 4, 3), 0), return_attention_scores=True)
    close(out, "mha_mask", "out", (2, 4, 5))
    close(scores, "mha_mask", "scores", (2, 2, 4, 3))


def test_multi_head_attention_key_causal_output_shape_and_axes_match_tf_keras():
    q, v, k = fill((2, 4, 5), 3), fill((2, 3, 6), 4), fill((2, 3, 2), 5)
    layer = keras.layers.MultiHeadAttention(2, 3, value_dim=4, output_shape=7)
    layer(q, v, k)
    set_weights(layer)
    close(layer(q, v, key=k, use_causal_mask=True), "mha_causal_key", "out", (2, 4, 7))

    q, v = fill((2, 3, 4, 5), 6), fill((2, 3, 2, 5), 7)
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(2,), use_bias=False)
    layer(q, v)
    set_weights(layer)
    out, scores = layer(q, v, return_attention_scores=True)
    close(out, "mha_axes", "out", (2, 3, 4, 5))
    close(scores, "mha_axes", "scores", (2, 3, 2, 4, 2))


def test_attention_and_additive_attention_match_tf_keras():
    q, v, k, qm, vm = (fill((2, 4, 3), 8), fill((2, 5, 3), 9), fill((2, 5, 3), 10), mask((2, 4), 1),
                       mask((2, 5), 2))
    layer = keras.layers.Attention(use_scale=True)
    assert layer([q, v, k]).shape == (2, 4, 3)   # built: one weight, the scale
    layer.set_weights([np.array(0.7, "float32")])
    out, scores = layer([q, v, k], mask=[qm, vm], return_attention_scores=True, use_causal_mask=True)
    close(out, "attention_dot", "out", (2, 4, 3))
    close(scores, "attention_dot", "scores", (2, 4, 5))

    layer = keras.layers.Attention(use_scale=True, score_mode="concat")
    layer([q, v])
    assert [w.name.split("/", 1)[1] for w in layer.weights] == ["scale:0", "concat_score_weight:0"]
    layer.set_weights([np.array(0.8, "float32"), np.array(1.3, "float32")])
    close(layer([q, v], mask=[None, vm]), "attention_concat", "out", (2, 4, 3))

    layer = keras.layers.AdditiveAttention()
    layer([q, v, k])
    set_weights(layer)
    out, scores = layer([q, v, k], mask=[qm, vm], return_attention_scores=True)
    close(out, "additive", "out", (2, 4, 3))
    close(scores, "additive", "scores", (2, 4, 5))


def test_functional_model_with_two_inputs_and_scores_output(tmp_path):
    qi, vi = keras.Input((4, 5)), keras.Input((3, 6))
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")
    o, s = mha(qi, vi, return_attention_scores=True)
    assert s.shape == (None, 2, 4, 3)
    model = keras.Model([qi, vi], [keras.layers.Dense(2, name="head")(o), s])
    assert [w.shape for w in model.get_weights()] == [tuple(x) for x in REF["functional"]["weight_shapes"]]
    model.set_weights([fill(w.shape, 20 + i) for i, w in enumerate(model.get_weights())])
    q, v = fill((2, 4, 5), 1), fill((2, 3, 6), 2)
    po, ps = model([q, v])
    close(po, "functional", "out", (2, 4, 2))
    close(ps, "functional", "scores", (2, 2, 4, 3))
    # Saved and loaded: the node's call arguments (the scores output) survive.
    path = str(tmp_path / "attn.safetensors")
    model.save(path)
    loaded = keras.models.load_model(path)
    lo, ls = loaded([q, v])
    np.testing.assert_allclose(lo, po, rtol=1e-6)
    np.testing.assert_allclose(ls, ps, rtol=1e-6)


def test_functional_self_attention_trains():
    """A small self-attention classifier (the Keras transformer-block pattern) learns a toy task."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=(64, 6, 4)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]
    inp = keras.Input((6, 4))
    att = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    h = keras.layers.Add()([inp, att])
    h = keras.layers.GlobalAveragePooling1D()(h)
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert hist.history["accuracy"][-1] >= 0.9


def test_attention_in_functional_model_with_masks():
    qi, vi, mi = keras.Input((4, 3)), keras.Input((5, 3)), keras.Input((5,), dtype="bool")
    out = keras.layers.Attention()([qi, vi], mask=[None, mi])
    model = keras.Model([qi, vi, mi], out)
    q, v, vm = fill((2, 4, 3), 8), fill((2, 5, 3), 9), mask((2, 5), 2)
    np.testing.assert_allclose(model.predict([q, v, vm], verbose=0),
                               keras.layers.Attention()([q, v], mask=[None, vm]), rtol=1e-6)


def test_configs_round_trip():
    layer = keras.layers.MultiHeadAttention(2, 3, name="m", dropout=0.1, output_shape=(4,))
    cfg = layer.get_config()
    assert cfg["num_heads"] == 2 and cfg["key_dim"] == 3
    again = keras.layers.MultiHeadAttention.from_config(cfg) if hasattr(keras.layers.MultiHeadAttention, "from_config") else None
    if again is not None:
        assert again.get_config()["num_heads"] == 2
    a = keras.layers.Attention(use_scale=True, score_mode="concat", dropout=0.2)
    assert a.get_config()["score_mode"] == "concat"


def test_refusals_and_errors():
    with pytest.raises(ValueError, match="kernel_constraint"):   # constraints are supported; unknown ones are errors
        keras.layers.MultiHeadAttention(2, 3, kernel_constraint="bogus")
    with pytest.raises(NotImplementedError, match="activity_regularizer"):
        keras.layers.MultiHeadAttention(2, 3, activity_regularizer="l2")
    with pytest.raises(NotImplementedError, match="softmax_robust_masking"):
        keras.layers.MultiHeadAttention(2, 3, softmax_robust_masking=True)
    with pytest.raises(ValueError, match="score_mode"):
        keras.layers.Attention(score_mode="cosine")
    q = fill((1, 2, 3), 0)
    with pytest.raises(ValueError, match="list of inputs"):
        keras.layers.Attention()(q)
    with pytest.raises(NotImplementedError, match="foo"):
        keras.layers.MultiHeadAttention(1, 2)(q, q, foo=1)
    with pytest.raises(NotImplementedError, match="mixing symbolic"):
        keras.layers.MultiHeadAttention(1, 2)(keras.Input((2, 3)), q)


def test_eager_keras_masks_reach_the_attention_layers():
    import swiftkeras as tf
    layers = keras.layers
    # tf.keras 2 passes query._keras_mask / value._keras_mask to call: an Embedding(mask_zero=True)
    # output fed to MultiHeadAttention or Attention gives what the explicit masks give.
    tokens = np.array([[3, 1, 2, 0, 0], [4, 2, 0, 0, 0]], dtype=np.int32)
    emb = layers.Embedding(6, 4, mask_zero=True)
    x = emb(tokens)
    assert x._keras_mask is not None
    mask = tf.constant(tokens != 0)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    carried = mha(x, x)
    explicit = mha(tf.constant(x.numpy()), tf.constant(x.numpy()),
                   attention_mask=tf.constant((tokens[:, :, None] != 0) & (tokens[:, None, :] != 0)))
    plain = mha(tf.constant(x.numpy()), tf.constant(x.numpy()))
    np.testing.assert_allclose(carried.numpy(), explicit.numpy(), atol=1e-6)
    assert np.abs(carried.numpy() - plain.numpy()).max() > 1e-4
    att = layers.Attention()
    np.testing.assert_allclose(att([x, x]).numpy(),
                               att([tf.constant(x.numpy())] * 2, mask=[mask, mask]).numpy(), atol=1e-6)
