"""``tf.nn``: the functions that are one core op are generated from the op table
(``_generated.py``); the ones below are TensorFlow's compositions of core ops, with TF's
signatures (``NHWC``/``NCHW`` data formats, ``SAME``/``VALID`` padding, strides as an int or a
list of 1, N or N+2 entries)."""
from .. import _native, errors as _errors
from .._tf_generated import _b, _run
from ..math import l2_normalize, log_sigmoid, top_k  # noqa: F401  (tf.nn spells them too)
from ._generated import *  # noqa: F401,F403
from ._generated import __all__ as _generated_all

_SQRT1_2 = 0.7071067811865476


def _t(x):
    return _native.convert(x)


def gelu(features, approximate=False, name=None):
    """tf.nn.gelu: 0.5·x·(1 + erf(x/√2)), or with `approximate` TF's tanh form
    0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""
    x = _t(features)
    if x.dtype.name not in ("float16", "bfloat16", "float32", "float64"):
        raise _errors.InvalidArgumentError(None, None, f"gelu: no kernel for dtype {x.dtype.name}")
    if approximate:
        inner = _native.multiply_scalar(
            _native.add(x, _native.multiply_scalar(_native.multiply(x, _native.square(x)), 0.044715)),
            0.7978845608028654)
        return _native.multiply(_native.multiply_scalar(x, 0.5), _native.add_scalar(_native.tanh(inner), 1))
    return _native.multiply(_native.multiply_scalar(x, 0.5),
                            _native.add_scalar(_native.erf(_native.multiply_scalar(x, _SQRT1_2)), 1))


def selu(features, name=None):
    """tf.nn.selu: scale * elu(x, alpha) with TF's constants."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return _native.multiply_scalar(_native.elu(features, alpha), scale)


def silu(features, beta=1.0, name=None):
    """tf.nn.silu / tf.nn.swish: x * sigmoid(beta * x)."""
    x = _t(features)
    return _native.multiply(x, _native.sigmoid(_native.multiply_scalar(x, float(beta)) if beta != 1.0 else x))


swish = silu


def bias_add(value, bias, data_format=None, name=None):
    """tf.nn.bias_add: adds a 1-D bias to the channel axis (the last one, or axis 1 for NC...)."""
    channels_first = data_format is not None and data_format.startswith("NC")
    return _run(_b().bias_add, value, bias, "channels_first" if channels_first else "channels_last")


def moments(x, axes, shift=None, keepdims=False, name=None):
    """tf.nn.moments: (mean, variance) over `axes`."""
    if shift is not None:
        raise NotImplementedError("tf.nn.moments: shift is not supported (TF ignores it too; pass None)")
    x = _t(x)
    ax = _b()._axes(axes)
    mean = _native.mean(x, ax, True)
    var = _native.mean(_native.square(_native.subtract(x, _native.stop_gradient(mean))), ax, True)
    if not keepdims:
        mean, var = _native.squeeze(mean, ax), _native.squeeze(var, ax)
    return mean, var


def l2_loss(t, name=None):
    """tf.nn.l2_loss: sum(t^2) / 2."""
    return _native.multiply_scalar(_native.sum(_native.square(t), None, False), 0.5)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """tf.nn.embedding_lookup: the rows of `params` at `ids` (one params tensor)."""
    if max_norm is not None:
        raise NotImplementedError("tf.nn.embedding_lookup: max_norm is not supported")
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError("tf.nn.embedding_lookup: sharded params (a list of several) are not supported")
        params = params[0]
    return _run(_native.gather, params, ids, 0)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x*z + log(1 + exp(-|x|))."""
    labels, logits = _t(labels), _t(logits)
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(f"logits and labels must have the same shape ({tuple(logits.shape)} vs {tuple(labels.shape)})")
    return _run(_native.binary_crossentropy, labels, logits, True)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """tf.nn.softmax_cross_entropy_with_logits: -sum(labels * log_softmax(logits), axis)."""
    logits = _t(logits)
    labels = _native.cast(_t(labels), logits.dtype)
    return _native.negative(_native.sum(_native.multiply(labels, _native.log_softmax(logits, int(axis))),
                                        [int(axis)], False))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """tf.nn.sparse_softmax_cross_entropy_with_logits: -log_softmax(logits)[label] per row."""
    return _run(_native.sparse_categorical_crossentropy, labels, logits, True, -1)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """tf.nn.weighted_cross_entropy_with_logits: (1 - z) * x + (1 + (q - 1) * z) * log(1 + exp(-x))."""
    x = _t(logits)
    z = _native.cast(_t(labels), x.dtype)
    q = _native.convert(pos_weight, x.dtype)
    lw = _native.add_scalar(_native.multiply(_native.subtract_scalar(q, 1), z), 1)
    softplus_neg = _native.softplus(_native.negative(x))
    return _native.add(_native.multiply(_native.subtract(_native.ones_like(z), z), x),
                       _native.multiply(lw, softplus_neg))


# --- convolution and pooling: TF's NHWC/NCHW strings and SAME/VALID padding ----------------------
def _format(data_format, n):
    if data_format is None:
        return "channels_last"
    if data_format in ("NWC", "NHWC", "NDHWC"):
        return "channels_last"
    if data_format in ("NCW", "NCHW", "NCDHW"):
        return "channels_first"
    raise ValueError(f"data_format must be one of NHWC/NCHW (NWC/NCW, NDHWC/NCDHW), got {data_format!r}")


def _padding(padding):
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise NotImplementedError(f"padding {padding!r}: only 'SAME' and 'VALID' are supported")
    return padding.lower()


def _spatial(v, n, what, data_format):
    """An int or a list of 1, n or n + 2 entries as n spatial entries (the batch/channel ones must be 1)."""
    if v is None:
        return [1] * n
    if isinstance(v, int):
        return [v] * n
    v = [int(a) for a in v]
    if len(v) == 1:
        return v * n
    if len(v) == n:
        return v
    if len(v) == n + 2:
        cf = _format(data_format, n) == "channels_first"
        inner = v[2:] if cf else v[1:-1]
        outer = v[:2] if cf else [v[0], v[-1]]
        if outer != [1, 1]:
            raise _errors.InvalidArgumentError(None, None, f"{what}: entries for the batch and channel axes must be 1, got {v}")
        return inner
    raise ValueError(f"{what} must have 1, {n} or {n + 2} entries, got {v}")


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):  # noqa: A002
    """tf.nn.conv1d: input (N, W, C), filters (width, in, out)."""
    df = _format(data_format, 1)
    return _run(_b().conv1d, input, filters, _spatial(stride, 1, "stride", data_format)[0], _padding(padding), df,
                _spatial(dilations, 1, "dilations", data_format)[0])


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    """tf.nn.conv2d: input (N, H, W, C), filters (kh, kw, in, out)."""
    df = _format(data_format, 2)
    return _run(_b().conv2d, input, filters, _spatial(strides, 2, "strides", data_format), _padding(padding), df,
                _spatial(dilations, 2, "dilations", data_format))


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):  # noqa: A002
    """tf.nn.conv3d: input (N, D, H, W, C), filters (kd, kh, kw, in, out)."""
    df = _format(data_format, 3)
    return _run(_b().conv3d, input, filters, _spatial(strides, 3, "strides", data_format), _padding(padding), df,
                _spatial(dilations, 3, "dilations", data_format))


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """tf.nn.depthwise_conv2d: filter (kh, kw, in, multiplier); strides has 4 entries."""
    df = _format(data_format, 2)
    return _run(_b().depthwise_conv2d, input, filter, _spatial(strides, 2, "strides", data_format),
                _padding(padding), df, _spatial(dilations, 2, "dilations", data_format))


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """tf.nn.conv2d_transpose: filters (kh, kw, out, in) to `output_shape`."""
    df = _format(data_format, 2)
    return _run(_b().conv2d_transpose, input, filters, _b()._ints(output_shape, "output_shape"),
                _spatial(strides, 2, "strides", data_format), _padding(padding), df,
                _spatial(dilations, 2, "dilations", data_format))


def _pool(input, ksize, strides, padding, data_format, mode, n):  # noqa: A002
    df = _format(data_format, n)
    k = _spatial(ksize, n, "ksize", data_format)
    s = _spatial(strides, n, "strides", data_format)
    fn = _b().pool2d if n == 2 else _b().pool3d
    return _run(fn, input, tuple(k), tuple(s), _padding(padding), df, mode)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """tf.nn.max_pool2d."""
    return _pool(input, ksize, strides, padding, data_format, "max", 2)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """tf.nn.avg_pool2d ('SAME' averages exclude the padding, as TF)."""
    return _pool(input, ksize, strides, padding, data_format, "avg", 2)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """tf.nn.max_pool3d."""
    return _pool(input, ksize, strides, padding, data_format, "max", 3)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """tf.nn.avg_pool3d."""
    return _pool(input, ksize, strides, padding, data_format, "avg", 3)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """tf.nn.max_pool: the rank of input picks the 2-D or 3-D pool."""
    n = _t(input).ndim - 2
    if n not in (2, 3):
        raise NotImplementedError(f"tf.nn.max_pool: {n}-D pooling is not supported (2-D and 3-D are)")
    return _pool(input, ksize, strides, padding, data_format, "max", n)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """tf.nn.avg_pool: the rank of input picks the 2-D or 3-D pool."""
    n = _t(input).ndim - 2
    if n not in (2, 3):
        raise NotImplementedError(f"tf.nn.avg_pool: {n}-D pooling is not supported (2-D and 3-D are)")
    return _pool(input, ksize, strides, padding, data_format, "avg", n)


__all__ = list(_generated_all) + [
    "gelu", "selu", "silu", "swish", "bias_add", "moments", "l2_loss", "embedding_lookup", "l2_normalize",
    "log_sigmoid", "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "weighted_cross_entropy_with_logits", "conv1d", "conv2d",
    "conv3d", "depthwise_conv2d", "conv2d_transpose", "max_pool2d", "avg_pool2d", "max_pool3d",
    "avg_pool3d", "max_pool", "avg_pool", "top_k"]
