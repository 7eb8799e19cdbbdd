"""The attention layers of keras.layers (tf.keras 2 call signatures) over the core's layers: the
tensors of a call become the layer's inputs, their roles and the keyword arguments its call
arguments (sk_layer_call_ex / sk_layer_call_symbolic_ex), so a functional node keeps them."""
from . import layers as _layers

__all__ = ["MultiHeadAttention", "Attention", "AdditiveAttention"]


def _call(layer, named, training, return_attention_scores, use_causal_mask):
    """Calls `layer` on the (role, tensor) pairs of `named` whose tensor is not None; an eager
    tensor's ``_keras_mask`` fills its mask role ("query_mask", ...) when `named` has that role
    and no mask was given for it (tf.keras 2 passes the inputs' masks to ``call``)."""
    roles = {r for r, _ in named}
    given = [(r, t) for r, t in named if t is not None]
    explicit = {r for r, _ in given}
    for r, t in list(given):
        m = getattr(t, "_keras_mask", None)
        if m is not None and r + "_mask" in roles and r + "_mask" not in explicit:
            given.append((r + "_mask", m))
    arguments = {"inputs": [r for r, _ in given]}
    if return_attention_scores:
        arguments["return_attention_scores"] = True
    if use_causal_mask:
        arguments["use_causal_mask"] = True
    tensors = [t for _, t in given]
    symbolic = [isinstance(t, _layers.KerasTensor) for t in tensors]
    if any(symbolic) and not all(symbolic):
        raise NotImplementedError(f"{type(layer).__name__}: mixing symbolic (keras.Input) and concrete tensors "
                                  "in one call is not supported; make every input a keras.Input")
    out = layer._call_native(tensors, training, arguments)
    return tuple(out) if return_attention_scores else out


class _MultiHeadAttentionCall:
    """``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)`` as tf.keras 2; with ``return_attention_scores`` the
    result is ``(output, scores)``."""

    def __call__(self, query, value=None, key=None, attention_mask=None, return_attention_scores=False,
                 training=None, use_causal_mask=False, **kwargs):
        if kwargs:
            raise NotImplementedError(f"MultiHeadAttention.__call__: the arguments {sorted(kwargs)} are not supported")
        if value is None:
            raise TypeError("MultiHeadAttention.__call__: missing required argument 'value'")
        return _call(self, [("query", query), ("value", value), ("key", key), ("attention_mask", attention_mask),
                            ("query_mask", None), ("value_mask", None), ("key_mask", None)],
                     training, return_attention_scores, use_causal_mask)


class _DenseAttentionCall:
    """``layer([query, value(, key)], mask=[query_mask, value_mask], training=None,
    return_attention_scores=False, use_causal_mask=False)`` as tf.keras 2; with
    ``return_attention_scores`` the result is ``(output, scores)``."""

    def __call__(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False,
                 **kwargs):
        name = type(self).__name__
        if kwargs:
            raise NotImplementedError(f"{name}.__call__: the arguments {sorted(kwargs)} are not supported")
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} layer must be called on a list of inputs, namely [query, value] or "
                             f"[query, value, key]. Received: {inputs}.")
        masks = [None, None]
        if mask is not None:
            if not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= len(inputs):
                raise ValueError(f"{name} layer mask must be a list of length 2, namely [query_mask, value_mask]. "
                                 f"Received: {mask}.")
            masks = list(mask)[:2]
        named = [("query", inputs[0]), ("value", inputs[1]), ("key", inputs[2] if len(inputs) > 2 else None),
                 ("query_mask", masks[0]), ("value_mask", masks[1])]
        return _call(self, named, training, return_attention_scores, use_causal_mask)


MultiHeadAttention = _layers._make_builtin("MultiHeadAttention", ("num_heads", "key_dim"), mixin=_MultiHeadAttentionCall)
Attention = _layers._make_builtin("Attention", ("use_scale", "score_mode"), mixin=_DenseAttentionCall)
AdditiveAttention = _layers._make_builtin("AdditiveAttention", ("use_scale",), mixin=_DenseAttentionCall)
_layers.__all__ += __all__
