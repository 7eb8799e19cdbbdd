"""tf.linalg.lstsq(fast=False): the core's minimum-norm least-squares solution (TF's complete
orthogonal decomposition) against numpy.linalg.lstsq; TF 2.21's float32 rank threshold, its
ignored-but-checked l2_regularizer, its refusals and its missing gradient (recorded from the
reference venv)."""
import numpy as np
import pytest

import swiftkeras as tf

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("shape_a, shape_b", [((5, 3), (5, 2)), ((3, 5), (3, 1)), ((2, 6, 4), (2, 6, 3)),
                                              ((2, 3, 4, 2), (2, 3, 4, 1)), ((4, 4), (4, 4))])
def test_fast_false_matches_numpy(shape_a, shape_b):
    a, b = RNG.normal(size=shape_a), RNG.normal(size=shape_b)
    x = tf.linalg.lstsq(a, b, fast=False)
    want = np.linalg.lstsq(a, b, rcond=None)[0] if a.ndim == 2 else \
        np.stack([np.linalg.lstsq(ai, bi, rcond=None)[0] for ai, bi in zip(a.reshape(-1, *a.shape[-2:]), b.reshape(-1, *b.shape[-2:]))]).reshape(*a.shape[:-2], a.shape[-1], b.shape[-1])
    assert x.shape == want.shape and x.dtype == tf.float64
    np.testing.assert_allclose(x.numpy(), want, rtol=1e-9, atol=1e-10)
    x32 = tf.linalg.lstsq(a.astype(np.float32), b.astype(np.float32), fast=False)
    assert x32.dtype == tf.float32
    np.testing.assert_allclose(x32.numpy(), want, rtol=2e-3, atol=2e-4)


def test_rank_deficient_minimum_norm():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    b = np.array([[1.0], [2.0], [3.5]])
    # TF 2.21 and numpy: [[0.22142857], [0.44285714]]
    np.testing.assert_allclose(tf.linalg.lstsq(a, b, fast=False).numpy(), [[0.22142857], [0.44285714]], rtol=1e-7)
    np.testing.assert_allclose(tf.linalg.lstsq(a, b, fast=False).numpy(), np.linalg.lstsq(a, b, rcond=None)[0], rtol=1e-12)
    # l2_regularizer is ignored with fast=False (TF documents it; TF 2.21 gives the same answer)
    np.testing.assert_allclose(tf.linalg.lstsq(a, b, l2_regularizer=1.0, fast=False).numpy(), [[0.22142857], [0.44285714]], rtol=1e-7)
    # singular to within float32 rounding: TF 2.21 solves it as rank 1, [0.75, 0.75]
    near = np.array([[1, 1], [1, 1 + 1e-7], [0, 0]], np.float32)
    np.testing.assert_allclose(tf.linalg.lstsq(near, np.array([[1], [2], [0]], np.float32), fast=False).numpy().ravel(),
                               [0.75, 0.75], rtol=1e-6)
    np.testing.assert_array_equal(tf.linalg.lstsq(np.zeros((3, 2)), np.ones((3, 1)), fast=False).numpy(), [[0.0], [0.0]])
    # a non-tensor rhs takes the matrix's dtype, as TF's kernel converts it
    assert tf.linalg.lstsq(a.astype(np.float32), b, fast=False).dtype == tf.float32
    assert tf.linalg.lstsq(np.zeros((0, 3)), np.zeros((0, 2)), fast=False).shape == (3, 2)
    assert tf.linalg.lstsq(np.zeros((3, 0)), np.zeros((3, 2)), fast=False).shape == (0, 2)


def test_refusals_and_no_gradient_as_tf():
    r = np.random.RandomState(0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="l2_regularizer must be >= 0"):
        tf.linalg.lstsq(np.zeros((1, 3)), np.zeros((1, 2)), l2_regularizer=-1.0, fast=False)
    with pytest.raises(tf.errors.InvalidArgumentError):            # TF: "All input tensors must have the same rank"
        tf.linalg.lstsq(r.randn(2, 4, 3), r.randn(4, 2), fast=False)
    with pytest.raises(tf.errors.InvalidArgumentError):            # TF: "Input matrix and rhs are incompatible"
        tf.linalg.lstsq(r.randn(4, 3), r.randn(3, 2), fast=False)
    with pytest.raises(Exception):                                 # TF: no float16 kernel (NotFoundError)
        tf.linalg.lstsq(r.randn(4, 3).astype(np.float16), r.randn(4, 2).astype(np.float16), fast=False)
    a = tf.constant(r.randn(4, 3))
    b = tf.constant(np.random.RandomState(1).randn(4, 2))
    with tf.GradientTape() as tape:
        tape.watch(a)
        x = tf.linalg.lstsq(a, b, fast=False)
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
        tape.gradient(x, a)
