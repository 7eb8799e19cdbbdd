"""The tf.* functions of published TF2 programs added in session 7: gather_nd / scatter_nd /
tensor_scatter_nd_*, roll, linspace, meshgrid, unique, searchsorted, bincount, divide_no_nan,
add_n, tensordot, tf.linalg (triangular_solve, cholesky_solve, pinv, set_diag, cross, expm) and
tf.image (dtype conversion, brightness, contrast, gamma, standardization, crops, pads, rotations,
grayscale, random variants). Oracles: numpy, values recorded from TensorFlow 2.21 (literals), and
central differences for gradients."""
import numpy as np
import pytest

import swiftkeras as tf

RNG = np.random.default_rng(7)


def numeric_grad(f, x, h=1e-6):
    """Central differences of sum(f(x) * w) for fixed weights w, with x float64."""
    x = np.array(x, np.float64)
    w = RNG.uniform(0.5, 1.5, np.shape(f(x).numpy()))
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (np.sum(f(xp).numpy() * w) - np.sum(f(xm).numpy() * w)) / (2 * h)
    return w, g


def check_grad(f, x, tol=1e-5):
    w, num = numeric_grad(f, x)
    v = tf.Variable(np.array(x, np.float64))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(f(v) * w)
    got = tape.gradient(loss, v)
    np.testing.assert_allclose(got.numpy(), num, rtol=tol, atol=tol)


# -- gather_nd / scatter_nd / tensor_scatter_nd_* -------------------------------------------------
def test_gather_nd_values_shapes_and_batch_dims():
    p = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    ix = np.array([[1, 2], [0, 0], [1, 0]])
    got = tf.gather_nd(p, ix)
    assert got.shape == (3, 4) and got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), p[ix[:, 0], ix[:, 1]])
    full = tf.gather_nd(p, [[1, 2, 3], [0, 1, 1]])
    np.testing.assert_array_equal(full.numpy(), [23, 5])
    # TF 2.21: tf.gather_nd(np.arange(12).reshape(2,3,2), [[1],[2]], batch_dims=1)
    np.testing.assert_array_equal(tf.gather_nd(np.arange(12).reshape(2, 3, 2), [[1], [2]], batch_dims=1).numpy(),
                                  [[2, 3], [10, 11]])
    nested = tf.gather_nd(p, np.array([[[0], [1]], [[1], [1]]]))
    assert nested.shape == (2, 2, 3, 4)


def test_gather_nd_errors_and_gradient():
    p = np.arange(6, dtype=np.float32).reshape(2, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = \[2, 0\] does not index into shape \(2, 3\)"):
        tf.gather_nd(p, [[0, 0], [2, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="exceed the rank"):
        tf.gather_nd(p, [[0, 0, 0]])
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.gather_nd(p, np.array([[0.0]], np.float32))
    check_grad(lambda v: tf.gather_nd(v, [[1, 2], [0, 1], [1, 2]]), RNG.normal(size=(2, 3)))


def test_scatter_nd_sums_repeats_and_checks_shapes():
    got = tf.scatter_nd([[4], [3], [1], [7], [4]], [9.0, 10, 11, 12, 1], [8])
    np.testing.assert_array_equal(got.numpy(), [0, 11, 0, 10, 10, 0, 0, 12])
    rows = tf.scatter_nd([[0], [2]], np.ones((2, 3), np.int32), tf.constant([4, 3]))
    assert rows.dtype == tf.int32
    np.testing.assert_array_equal(rows.numpy(), [[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="updates must have shape"):
        tf.scatter_nd([[0]], np.ones((2, 3)), [4, 3])
    check_grad(lambda v: tf.scatter_nd([[1], [1], [0]], v, [3, 2]), RNG.normal(size=(3, 2)))


def test_tensor_scatter_nd_family_matches_tf():
    t = tf.constant([[1.0, 5.0], [3.0, 2.0]])
    idx = [[0, 0], [1, 1], [0, 0]]
    # TF 2.21 values
    np.testing.assert_array_equal(tf.tensor_scatter_nd_max(t, idx, [4.0, 1.0, 2.0]).numpy(), [[4, 5], [3, 2]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_min(t, idx, [4.0, 1.0, 2.0]).numpy(), [[1, 5], [3, 1]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_add(t, idx, [4.0, 1.0, 2.0]).numpy(), [[7, 5], [3, 3]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_sub(t, idx, [4.0, 1.0, 2.0]).numpy(), [[-5, 5], [3, 1]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_update(tf.zeros([3]), [[1], [1]], [5.0, 7.0]).numpy(), [0, 7, 0])
    rows = tf.tensor_scatter_nd_update(np.zeros((3, 2), np.int32), [[2]], np.array([[4, 5]], np.int32))
    np.testing.assert_array_equal(rows.numpy(), [[0, 0], [0, 0], [4, 5]])
    # an inf in the replaced entry does not leak into the result
    np.testing.assert_array_equal(tf.tensor_scatter_nd_update([np.inf, 1.0], [[0]], [2.0]).numpy(), [2, 1])
    with pytest.raises(TypeError, match="dtype"):
        tf.tensor_scatter_nd_update(t, [[0]], np.ones((1, 2), np.float64))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.tensor_scatter_nd_add(t, [[5]], [[1.0, 1.0]])


def test_tensor_scatter_nd_gradients():
    t0, u0 = RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2))
    for f in (tf.tensor_scatter_nd_update, tf.tensor_scatter_nd_add, tf.tensor_scatter_nd_sub,
              tf.tensor_scatter_nd_max, tf.tensor_scatter_nd_min):
        check_grad(lambda v: f(v, [[2], [0]], u0), t0)
        check_grad(lambda v: f(t0, [[2], [0]], v), u0)


# -- roll, linspace, meshgrid, unique, searchsorted, bincount, divide_no_nan, add_n, tensordot ------
def test_roll_matches_numpy():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for shift, axis in ((1, 2), (-2, 1), ([1, 5], [0, 2]), ([1, 1], [2, 2]), (7, -1)):
        np.testing.assert_array_equal(tf.roll(x, shift, axis).numpy(), np.roll(x, shift, axis))
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
        tf.roll(x, [1, 2], [0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.roll(x, 1, 3)
    check_grad(lambda v: tf.roll(v, [2, -1], [0, 1]), RNG.normal(size=(3, 4)))


def test_linspace_and_meshgrid():
    got = tf.linspace(0.0, 1.0, 5)
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), [0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1).numpy(), [[0, 0.5, 1], [1, 2, 3]])
    np.testing.assert_allclose(tf.linspace(tf.constant(2.0, tf.float64), 3.0, 1).numpy(), [2.0])
    assert tf.linspace(0.0, 1.0, 0).shape == (0,)
    np.testing.assert_allclose(tf.linspace(-1.0, 7.0, 33).numpy(), np.linspace(-1, 7, 33, dtype=np.float32), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="float"):
        tf.linspace(0, 10, 5)
    xs, ys = tf.meshgrid([1, 2, 3], [4, 5])
    np.testing.assert_array_equal(xs.numpy(), [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(ys.numpy(), [[4, 4, 4], [5, 5, 5]])
    a, b, c = tf.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
    for mine, ref in zip((a, b, c), np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")):
        np.testing.assert_array_equal(mine.numpy(), ref)
    with pytest.raises(ValueError, match="indexing"):
        tf.meshgrid([1], [2], indexing="xx")


def test_unique_and_counts():
    y, idx = tf.unique(tf.constant([3, 1, 3, 2, 1]))
    np.testing.assert_array_equal(y.numpy(), [3, 1, 2])
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 0, 2, 1])
    assert y.dtype == tf.int32 and idx.dtype == tf.int32
    r = tf.unique_with_counts(np.array([1.5, -2.0, 1.5, 1.5]), out_idx=tf.int64)
    np.testing.assert_array_equal(r.y.numpy(), [1.5, -2.0])
    np.testing.assert_array_equal(r.idx.numpy(), [0, 1, 0, 0])
    np.testing.assert_array_equal(r.count.numpy(), [3, 1])
    assert r.count.dtype == tf.int64 and r.y.dtype == tf.float64
    big = np.array([2 ** 62, 2 ** 62 + 1, 2 ** 62], np.int64)   # distinct beyond float64's precision
    np.testing.assert_array_equal(tf.unique(big).y.numpy(), big[:2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="vector"):
        tf.unique(np.zeros((2, 2)))


def test_searchsorted():
    seq, vals = np.array([[0.0, 3.0, 9.0], [1.0, 2.0, 3.0]]), np.array([[2.0, 9.0], [3.0, 0.0]])
    np.testing.assert_array_equal(tf.searchsorted(seq, vals, side="right").numpy(), [[1, 3], [3, 0]])  # TF 2.21
    for side in ("left", "right"):
        for row in range(2):
            np.testing.assert_array_equal(tf.searchsorted(seq, vals, side=side).numpy()[row],
                                          np.searchsorted(seq[row], vals[row], side=side))
    assert tf.searchsorted([1, 2, 3], [2], out_type=tf.int64).dtype == tf.int64
    with pytest.raises(ValueError, match="side"):
        tf.searchsorted([1, 2], [1], side="middle")
    with pytest.raises(tf.errors.InvalidArgumentError, match="leading dimensions"):
        tf.searchsorted(seq, [1.0])


def test_bincount_matches_tf():
    # TF 2.21 values
    got = tf.math.bincount(np.array([1, 1, 2, 7]), minlength=3, maxlength=5)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [0, 2, 1, 0, 0])
    w = tf.math.bincount(np.array([1, 1, 2]), weights=np.array([0.5, 0.25, 2.0], np.float32))
    assert w.dtype == tf.float32
    np.testing.assert_allclose(w.numpy(), [0.0, 0.75, 2.0])
    np.testing.assert_array_equal(tf.math.bincount(np.array([[1, 1], [2, 0]]), axis=-1).numpy(), [[0, 2, 0], [1, 0, 1]])
    np.testing.assert_array_equal(tf.math.bincount(np.array([[1, 1], [2, 0]]), axis=-1, binary_output=True).numpy(),
                                  [[0, 1, 0], [1, 0, 1]])
    np.testing.assert_array_equal(tf.math.bincount(np.array([], np.int32)).numpy(), [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.math.bincount([1, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis"):
        tf.math.bincount([[1]], axis=1)


def test_divide_no_nan_values_and_tf_gradient():
    x, y = tf.constant([1.0, 2.0, 0.0]), tf.constant([0.0, 4.0, 0.0])
    np.testing.assert_array_equal(tf.math.divide_no_nan(x, y).numpy(), [0, 0.5, 0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(y)
        z = tf.math.divide_no_nan(x, y)
    # TF 2.21's gradients (no NaN where y == 0)
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [0, 0.25, 0])
    np.testing.assert_array_equal(tape.gradient(z, y).numpy(), [0, -0.125, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="no kernel"):
        tf.math.divide_no_nan(tf.constant([1]), tf.constant([1]))
    np.testing.assert_allclose(tf.math.divide_no_nan(np.ones((2, 3)), np.array([2.0, 0.0, 4.0])).numpy(),
                               [[0.5, 0, 0.25]] * 2)


def test_add_n_and_tensordot():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(tf.add_n([a, a, a]).numpy(), 3 * a)
    np.testing.assert_array_equal(tf.math.add_n([a]).numpy(), a)
    with pytest.raises(tf.errors.InvalidArgumentError, match="one shape"):
        tf.add_n([a, a[0]])
    b = np.arange(12, dtype=np.float64).reshape(3, 4)
    np.testing.assert_allclose(tf.tensordot(a.astype(np.float64), b, 1).numpy(), np.tensordot(a, b, 1))
    c, d = np.arange(24.0).reshape(2, 3, 4), np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(tf.tensordot(c, d, [[1, 2], [1, 0]]).numpy(), [440.0, 1232.0])  # TF 2.21
    np.testing.assert_allclose(tf.linalg.tensordot(c, c, 0).numpy(), np.tensordot(c, c, 0))
    np.testing.assert_allclose(tf.tensordot(c, c, 3).numpy(), np.tensordot(c, c, 3))
    with pytest.raises(ValueError, match="do not match"):
        tf.tensordot(c, d, [[0], [0]])


# -- tf.linalg -----------------------------------------------------------------------------------
def test_triangular_and_cholesky_solve():
    m = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    rhs = RNG.normal(size=(2, 3, 2))
    low, up = np.tril(m), np.triu(m)
    np.testing.assert_allclose(tf.linalg.triangular_solve(m, rhs).numpy(), np.linalg.solve(low, rhs), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.triangular_solve(m, rhs, lower=False).numpy(), np.linalg.solve(up, rhs), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.triangular_solve(m, rhs, adjoint=True).numpy(),
                               np.linalg.solve(np.swapaxes(low, -1, -2), rhs), rtol=1e-10)
    # batch broadcasting: one matrix for both right-hand sides
    np.testing.assert_allclose(tf.linalg.triangular_solve(m[0], rhs).numpy(), np.linalg.solve(low[0], rhs), rtol=1e-10)
    chol = tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 3.0]]))
    np.testing.assert_allclose(tf.linalg.cholesky_solve(chol, tf.constant([[1.0], [2.0]])).numpy(),
                               [[-0.125], [0.75]], rtol=1e-6)   # TF 2.21
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(\.\.\., M, K\)"):
        tf.linalg.triangular_solve(m, rhs[:, :2])
    with pytest.raises(TypeError, match="one dtype"):
        tf.linalg.triangular_solve(m, rhs.astype(np.float32))
    check_grad(lambda v: tf.linalg.cholesky_solve(tf.linalg.cholesky(tf.matmul(v, v, transpose_b=True) + 3 * np.eye(3)),
                                                  np.ones((3, 1))), RNG.normal(size=(3, 3)))


def test_pinv_set_diag_cross_expm():
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    np.testing.assert_allclose(tf.linalg.pinv(a).numpy(), np.linalg.pinv(a), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tf.linalg.pinv(np.array([[1.0, 2.0], [2.0, 4.0]])).numpy(),
                               [[0.04, 0.08], [0.08, 0.16]], rtol=1e-10)   # TF 2.21 (rank 1)
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    got = tf.linalg.set_diag(x, [[-1, -2, -3], [-4, -5, -6]])
    want = x.copy()
    for b in range(2):
        for i in range(3):
            want[b, i, i] = -(3 * b + i + 1)
    np.testing.assert_array_equal(got.numpy(), want)
    with pytest.raises(tf.errors.InvalidArgumentError, match="diagonal must have shape"):
        tf.linalg.set_diag(x, [1.0, 2.0])
    with pytest.raises(NotImplementedError, match="k != 0"):
        tf.linalg.set_diag(x, [[1.0] * 3] * 2, k=1)
    u, v = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    np.testing.assert_allclose(tf.linalg.cross(u, v).numpy(), np.cross(u, v), rtol=1e-12)
    # TF 2.21's expm: float32 (Padé 3/5/7) and float64 (Padé 3 to 13, a large norm squared 3 times)
    np.testing.assert_allclose(tf.linalg.expm(np.array([[0.0, 1.0], [-2.0, -3.0]], np.float32)).numpy(),
                               [[0.6004235744476318, 0.2325441688299179], [-0.46508827805519104, -0.09720886498689651]],
                               rtol=1e-5)
    np.testing.assert_allclose(tf.linalg.expm(np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.1, 0.0], [0.0, 0.2]]])).numpy(),
                               [[[51.968956198705555, 74.73656456700401], [112.1048468505061, 164.0738030492117]],
                                [[1.1051709180756477, 0.0], [0.0, 1.22140275816017]]], rtol=1e-12)
    np.testing.assert_allclose(tf.linalg.expm(np.array([[10.0, 2.0], [-3.0, 4.0]])).numpy(),
                               [[8396.193169825798, 3466.6472707474904], [-5199.970906121211, -2003.7486424166796]],
                               rtol=1e-12)
    assert np.isnan(tf.linalg.expm(np.array([[np.inf, 0.0], [0.0, 1.0]])).numpy()).all()


# -- tf.image ------------------------------------------------------------------------------------
U8 = (np.arange(3 * 4 * 3).reshape(3, 4, 3) * 7 % 256).astype(np.uint8)


def test_convert_image_dtype_matches_tf():
    got = tf.image.convert_image_dtype(U8[:1, :2], tf.float32)
    np.testing.assert_allclose(got.numpy().ravel(), [0.0, 0.027450982481241226, 0.05490196496248245,
                                                     0.08235294371843338, 0.1098039299249649, 0.13725490868091583])
    f = np.array([0.0, 0.5, 1.0, 1.2, -0.1], np.float32)
    np.testing.assert_array_equal(tf.image.convert_image_dtype(f, tf.uint8, saturate=True).numpy(), [0, 127, 255, 255, 0])
    np.testing.assert_array_equal(tf.image.convert_image_dtype(f[:3], "uint8").numpy(), [0, 127, 255])
    np.testing.assert_array_equal(tf.image.convert_image_dtype(np.array([0, 1, 255], np.uint8), tf.int32).numpy(),
                                  [0, 8388608, 2139095040])
    np.testing.assert_array_equal(tf.image.convert_image_dtype(np.array([0, 2 ** 24, 2 ** 31 - 1], np.int32), tf.uint8).numpy(),
                                  [0, 2, 255])
    assert tf.image.convert_image_dtype(f, tf.float64).dtype == tf.float64


def test_brightness_contrast_gamma_standardization_grayscale_match_tf():
    np.testing.assert_array_equal(tf.image.adjust_brightness(U8, 0.1).numpy().ravel()[:12],
                                  [25, 32, 39, 46, 53, 60, 67, 74, 81, 88, 95, 102])
    np.testing.assert_array_equal(tf.image.adjust_contrast(U8, 1.7).numpy().ravel()[:12],
                                  [0, 0, 0, 0, 0, 0, 0, 0, 4, 26, 33, 40])
    img = np.arange(2 * 3 * 4 * 3, dtype=np.float32).reshape(2, 3, 4, 3) / 71.0
    np.testing.assert_allclose(tf.image.adjust_contrast(img, 0.5).numpy().ravel()[:6],
                               [0.11619719117879868, 0.13028168678283691, 0.14436618983745575,
                                0.13732394576072693, 0.15140846371650696, 0.1654929518699646], rtol=1e-6)
    np.testing.assert_array_equal(tf.image.adjust_gamma(U8, 0.5, 1.2).numpy().ravel()[:8], [0, 50, 71, 87, 101, 113, 124, 134])
    std = tf.image.per_image_standardization(U8)
    assert std.dtype == tf.float32
    np.testing.assert_allclose(std.numpy().ravel()[:6], [-1.6845883131027222, -1.588326096534729, -1.4920638799667358,
                                                         -1.3958017826080322, -1.299539566040039, -1.203277349472046], rtol=1e-5)
    np.testing.assert_array_equal(tf.image.rgb_to_grayscale(U8).numpy().ravel(),
                                  [5, 26, 47, 68, 89, 110, 131, 152, 174, 195, 216, 237])
    np.testing.assert_allclose(tf.image.rgb_to_grayscale(img[0]).numpy().ravel()[:6],
                               [0.01147887296974659, 0.053728166967630386, 0.09597747027873993,
                                0.13822676241397858, 0.18047606945037842, 0.22272536158561707], rtol=1e-6)
    rgb = tf.image.grayscale_to_rgb(np.ones((2, 2, 1)))
    assert rgb.shape == (2, 2, 3)
    with pytest.raises(ValueError):
        tf.image.grayscale_to_rgb(np.ones((2, 2, 3)))


def test_crops_pads_and_rotations():
    x = np.arange(20.0).reshape(4, 5, 1)
    np.testing.assert_array_equal(tf.image.resize_with_crop_or_pad(x, 3, 7).numpy()[..., 0],
                                  [[0, 0, 1, 2, 3, 4, 0], [0, 5, 6, 7, 8, 9, 0], [0, 10, 11, 12, 13, 14, 0]])  # TF 2.21
    assert tf.image.central_crop(np.zeros((7, 9, 1)), 0.5).shape == (5, 5, 1)
    assert tf.image.central_crop(np.zeros((2, 10, 5, 1)), 0.33).shape == (2, 4, 3, 1)
    np.testing.assert_array_equal(tf.image.crop_to_bounding_box(x, 1, 2, 2, 3).numpy(), x[1:3, 2:5])
    padded = tf.image.pad_to_bounding_box(x[None], 1, 2, 6, 8).numpy()
    assert padded.shape == (1, 6, 8, 1)
    np.testing.assert_array_equal(padded[0, 1:5, 2:7], x)
    assert padded.sum() == x.sum()
    with pytest.raises(ValueError, match="target"):
        tf.image.crop_to_bounding_box(x, 3, 0, 2, 2)
    with pytest.raises(ValueError, match="width must be <= target - offset"):
        tf.image.pad_to_bounding_box(x, 0, 3, 5, 6)
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(x, 0.0)
    r = np.arange(6).reshape(2, 3, 1)
    np.testing.assert_array_equal(tf.image.rot90(r).numpy()[..., 0], [[2, 5], [1, 4], [0, 3]])   # TF 2.21
    np.testing.assert_array_equal(tf.image.rot90(r, k=3).numpy()[..., 0], [[3, 0], [4, 1], [5, 2]])
    np.testing.assert_array_equal(tf.image.rot90(r[None], k=2).numpy()[0], r[::-1, ::-1])
    np.testing.assert_array_equal(tf.image.transpose(r).numpy()[..., 0], r[..., 0].T)


def test_random_image_ops_are_seeded_and_valid():
    img = np.arange(2 * 4 * 5 * 3, dtype=np.float32).reshape(2, 4, 5, 3)
    a = tf.image.random_flip_left_right(img, seed=3).numpy()
    b = tf.image.random_flip_left_right(img, seed=3).numpy()
    np.testing.assert_array_equal(a, b)
    for k in range(2):
        assert (a[k] == img[k]).all() or (a[k] == img[k, :, ::-1]).all()
    seen = {bool((tf.image.random_flip_up_down(img[0], seed=s).numpy() == img[0]).all()) for s in range(16)}
    assert seen == {True, False}
    d = tf.image.random_brightness(img / 120.0, 0.2, seed=1).numpy() - img / 120.0
    assert np.allclose(d, d.flat[0]) and abs(d.flat[0]) <= 0.2
    c = tf.image.random_contrast(img, 0.5, 1.5, seed=2)
    assert c.shape == img.shape
    crop = tf.image.random_crop(img, [1, 2, 3, 3], seed=5).numpy()
    found = [(i, j, k) for i in range(2) for j in range(3) for k in range(3)
             if (img[i:i + 1, j:j + 2, k:k + 3] == crop).all()]
    assert len(found) == 1
    np.testing.assert_array_equal(crop, tf.image.random_crop(img, [1, 2, 3, 3], seed=5).numpy())
    with pytest.raises(tf.errors.InvalidArgumentError, match="value.shape >= size"):
        tf.image.random_crop(img, [3, 2, 3, 3])
    with pytest.raises(ValueError, match="upper must be > lower"):
        tf.image.random_contrast(img, 1.0, 0.5)
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.random_brightness(img, -1.0)


# -- more of TF's Python compositions: repeat, sequence_mask, segment mean, polyval, matrix_rank,
# psnr, total_variation, image_gradients, resize_with_pad (values from TF 2.21) -------------------
IMG = (np.arange(2 * 5 * 4 * 3).reshape(2, 5, 4, 3) % 17).astype(np.float32) / 16


def test_repeat_and_sequence_mask_match_tf():
    np.testing.assert_array_equal(tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0).numpy(), [[1, 2], [3, 4], [3, 4]])
    np.testing.assert_array_equal(tf.repeat([[1, 2], [3, 4]], [3, 0], axis=1).numpy(), [[1, 1, 1], [3, 3, 3]])
    np.testing.assert_array_equal(tf.repeat([[1, 2], [3, 4]], 2).numpy(), [1, 1, 2, 2, 3, 3, 4, 4])
    np.testing.assert_array_equal(tf.repeat(3, 2).numpy(), [3, 3])
    x = RNG.normal(size=(2, 3, 2))
    np.testing.assert_array_equal(tf.repeat(x, [2, 0, 1], axis=1).numpy(), np.repeat(x, [2, 0, 1], axis=1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.repeat(x, [1, 2], axis=1)
    np.testing.assert_array_equal(tf.sequence_mask([1, 3, 2], 5).numpy().astype(int),
                                  [[1, 0, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([[1, 3], [2, 0]]).numpy().astype(int),
                                  [[[1, 0, 0], [1, 1, 1]], [[1, 1, 0], [0, 0, 0]]])
    m = tf.sequence_mask([2, 0], 3, dtype=tf.float32)
    assert m.dtype == tf.float32
    np.testing.assert_array_equal(m.numpy(), [[1, 1, 0], [0, 0, 0]])
    check_grad(lambda v: tf.repeat(v, [2, 1], axis=0), RNG.normal(size=(2, 3)))


def test_segment_mean_polyval_matrix_rank_match_tf():
    np.testing.assert_array_equal(
        tf.math.unsorted_segment_mean(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), [0, 2, 0], 3).numpy(),
        [[3, 4], [0, 0], [3, 4]])
    np.testing.assert_array_equal(tf.math.polyval([2.0, 3.0, 4.0], tf.constant([1.0, 2.0])).numpy(), [9, 18])
    with pytest.raises(ValueError, match="list"):
        tf.math.polyval((1.0,), 2.0)
    np.testing.assert_array_equal(tf.linalg.matrix_rank(np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]])).numpy(),
                                  [1, 2])


def test_psnr_total_variation_image_gradients_resize_with_pad_match_tf():
    np.testing.assert_allclose(tf.image.psnr(IMG, IMG * 0.9, 1.0).numpy(), [25.15032958984375, 24.24462890625], rtol=1e-6)
    np.testing.assert_allclose(tf.image.psnr((IMG * 255).astype(np.uint8), (IMG * 200).astype(np.uint8), 255).numpy(),
                               [18.49827766418457, 17.579313278198242], rtol=1e-6)
    np.testing.assert_allclose(tf.image.total_variation(IMG).numpy(), [35.5, 35.5])
    np.testing.assert_allclose(tf.image.total_variation(IMG[0]).numpy(), 35.5)
    dy, dx = tf.image.image_gradients(IMG)
    np.testing.assert_allclose(dy.numpy()[0, :, 0, 0], [0.75, -0.3125, -0.3125, 0.75, 0.0])
    np.testing.assert_allclose(dx.numpy()[0, 0, :, 0], [0.1875, 0.1875, 0.1875, 0.0])
    r = tf.image.resize_with_pad(IMG, 7, 9)
    assert r.shape == (2, 7, 9, 3)
    np.testing.assert_allclose(r.numpy()[0, :, :, 0], [
        [0.0, 0.0, 0.13124999403953552, 0.28125, 0.4312500059604645, 0.5625, 0.0, 0.0, 0.0],
        [0.0, 0.4285709857940674, 0.5598210096359253, 0.40625, 0.2526789903640747, 0.3839290142059326, 0.0, 0.0, 0.0],
        [0.0, 0.6607139706611633, 0.7919639945030212, 0.5625, 0.33303600549697876, 0.4642859995365143, 0.0, 0.0, 0.0],
        [0.0, 0.4375, 0.5687500238418579, 0.71875, 0.8687499761581421, 1.0, 0.0, 0.0, 0.0],
        [0.0, 0.21428599953651428, 0.3455359935760498, 0.4955359995365143, 0.6455360054969788, 0.7767860293388367, 0.0, 0.0, 0.0],
        [0.0, 0.4464290142059326, 0.2589290142059326, 0.2723209857940674, 0.42232099175453186, 0.5535709857940674, 0.0, 0.0, 0.0],
        [0.0, 0.875, 0.26249998807907104, 0.09375, 0.24375000596046448, 0.375, 0.0, 0.0, 0.0]], atol=1e-6)
    r2 = tf.image.resize_with_pad(IMG[0], 3, 3, method="nearest")
    np.testing.assert_allclose(r2.numpy()[:, :, 0], [[0.1875, 0.5625, 0.0], [0.625, 1.0, 0.0], [0.0, 0.375, 0.0]])
    with pytest.raises(ValueError, match="4D"):
        tf.image.image_gradients(IMG[0])


def test_extract_patches_match_tf_and_differentiate():
    p = tf.image.extract_patches(IMG, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1], "VALID")
    assert p.shape == (2, 2, 2, 18)
    np.testing.assert_allclose(p.numpy()[1, 1, 1], [0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0.5, 0.5625, 0.625,
                                                    0.875, 0.9375, 1.0, 0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125])
    s = tf.image.extract_patches(IMG, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME")
    assert s.shape == (2, 3, 2, 18)
    np.testing.assert_allclose(s.numpy()[0, 0, 0], [0.0] * 7 + [0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.4375, 0.5,
                                                                0.5625, 0.625, 0.6875, 0.75])
    np.testing.assert_allclose(s.numpy()[1, 2, 1], [0.5, 0.5625, 0.625, 0.0, 0.0, 0.0, 0.9375, 1.0] + [0.0] * 10)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[1, rows, cols, 1\]"):
        tf.image.extract_patches(IMG, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    check_grad(lambda v: tf.image.extract_patches(v, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME"),
               RNG.normal(size=(1, 3, 3, 2)))


def test_adjust_saturation_and_hue_match_tf():
    np.testing.assert_allclose(tf.image.adjust_saturation(IMG[0, :2], 0.4).numpy().ravel(), [
        0.07500000298023224, 0.10000000149011612, 0.125, 0.26249998807907104, 0.2874999940395355, 0.3125,
        0.44999998807907104, 0.4749999940395355, 0.5, 0.637499988079071, 0.6624999642372131, 0.6875,
        0.824999988079071, 0.8499999642372131, 0.875, 0.9750000238418579, 1.0, 0.6000000238418579,
        0.13749998807907104, 0.16249999403953552, 0.1875, 0.32499998807907104, 0.3499999940395355, 0.375], atol=1e-6)
    np.testing.assert_allclose(tf.image.adjust_hue(IMG[0, :2], 0.3).numpy().ravel(), [
        0.125, 0.0, 0.08749997615814209, 0.3125, 0.1875, 0.2749999761581421, 0.5, 0.375, 0.4624999761581421,
        0.6875, 0.5625, 0.6499999761581421, 0.875, 0.75, 0.8374999761581421, 0.0, 1.0, 0.8625001907348633,
        0.1875, 0.0625, 0.1499999761581421, 0.375, 0.25, 0.3374999761581421], atol=1e-6)
    u8 = (IMG * 255).astype(np.uint8)
    np.testing.assert_array_equal(tf.image.adjust_saturation(u8[0, :1], 2.0).numpy().ravel(),
                                  [0, 15, 31, 15, 47, 79, 63, 95, 127, 111, 143, 175])
    np.testing.assert_array_equal(tf.image.adjust_hue(u8[0, :1], -0.45).numpy().ravel(),
                                  [31, 25, 0, 79, 72, 47, 127, 120, 95, 175, 168, 143])
    with pytest.raises(tf.errors.InvalidArgumentError, match="3 channels"):
        tf.image.adjust_saturation(IMG[..., :2], 0.5)
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.random_hue(IMG, 0.7)
    out = tf.image.random_saturation(IMG, 0.5, 1.5, seed=4)
    assert out.shape == IMG.shape
    np.testing.assert_array_equal(out.numpy(), tf.image.random_saturation(IMG, 0.5, 1.5, seed=4).numpy())
    assert tf.image.random_hue(IMG, 0.2, seed=1).shape == IMG.shape
