"""Convolutions called again and again with the same geometry (oneDNN keeps one primitive per
geometry): every call gives the numpy reference's values — a Conv layer with a bias and no
activation (one op, the bias inside oneDNN's primitives) and the kernel gradient of a strided 1×1
convolution, which oneDNN 2.6 got wrong on every second call (now left to the fallback). The same
with SWIFTKERAS_NO_DNNL=1 runs the portable kernels."""
import numpy as np

import swiftkeras as tf

K = tf.keras.backend


def _conv2d_ref(x, k, b, stride, dilation, pad):
    """Channels-last 2-D convolution plus bias in float64 (explicit padding before / after)."""
    n, h, w, _ = x.shape
    kh, kw, _, cout = k.shape
    xp = np.pad(x, ((0, 0), pad[0], pad[1], (0, 0)))
    oh = (xp.shape[1] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (xp.shape[2] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    y = np.zeros((n, oh, ow, cout)) + b
    for a in range(kh):
        for c in range(kw):
            patch = xp[:, a * dilation[0]:a * dilation[0] + (oh - 1) * stride[0] + 1:stride[0],
                       c * dilation[1]:c * dilation[1] + (ow - 1) * stride[1] + 1:stride[1], :]
            y += patch @ k[a, c]
    return y


def test_strided_1x1_kernel_gradient_every_call():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 6, 1)).astype(np.float32)
    g = rng.standard_normal((2, 2, 6, 2)).astype(np.float32)
    k = tf.Variable(rng.standard_normal((1, 1, 1, 2)).astype(np.float32))
    want = np.einsum("bijc,bijo->o", x[:, ::2, :, :].astype(np.float64), g.astype(np.float64))
    for _ in range(4):
        with tf.GradientTape() as tape:
            y = K.conv2d(tf.constant(x), k, strides=(2, 1), padding="valid")
            loss = tf.reduce_sum(y * g)
        np.testing.assert_allclose(tape.gradient(loss, k).numpy().ravel(), want, rtol=1e-5, atol=1e-5)


def test_conv_layer_with_bias_every_call():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 9, 9, 4)).astype(np.float32)
    layer = tf.keras.layers.Conv2D(6, 3, padding="same")
    layer(x)
    layer.bias.assign(rng.standard_normal(6).astype(np.float32))
    k, b = layer.kernel.numpy().astype(np.float64), layer.bias.numpy().astype(np.float64)
    want = _conv2d_ref(x.astype(np.float64), k, b, (1, 1), (1, 1), ((1, 1), (1, 1)))
    w = rng.standard_normal(want.shape).astype(np.float32)
    # d(sum(y·w))/db = sum of w over every axis but the last; /dkernel = the input's patches times w.
    want_db = w.astype(np.float64).sum(axis=(0, 1, 2))
    xp = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    want_dk = np.stack([np.stack([np.einsum("bhwi,bhwo->io", xp[:, a:a + 9, c:c + 9, :], w) for c in range(3)])
                        for a in range(3)])
    for _ in range(3):
        with tf.GradientTape() as tape:
            y = layer(tf.constant(x))
            loss = tf.reduce_sum(y * w)
        dk, db = tape.gradient(loss, [layer.kernel, layer.bias])
        assert y.dtype == tf.float32 and y.shape == want.shape
        np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(db.numpy(), want_db, rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(dk.numpy(), want_dk, rtol=1e-5, atol=1e-4)
