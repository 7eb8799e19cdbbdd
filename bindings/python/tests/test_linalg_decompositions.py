"""tf.linalg.qr / svd / eigh / eigvalsh / lstsq: numpy comparisons (values, shapes, dtypes, batches,
full_matrices, compute_uv) and TensorFlow 2's gradients, recorded from the reference venv
(TF 2.21, /tmp/ref_linalg.py style: each loss is a weighted sum of the outputs, of u², v² for
singular/eigen vectors, whose signs are not unique)."""
import numpy as np
import pytest

import swiftkeras as tf

A = np.array([[1., 2., 0.5], [3., 4., -1.], [5., 7., 2.], [0.5, -2., 1.5]])   # 4x3
B = np.array([[2., 9., -3., 4.], [1., 3., 7., 8.], [0.5, -1., 4., 6.], [2., 0.25, 1., -5.]])   # lower triangle read
RHS = np.array([[1., 0.], [2., 1.], [2., -1.], [0., 3.]])


def W(shape, seed):
    """The fixed loss weights the reference recording used."""
    return 0.5 + ((np.arange(int(np.prod(shape))) * 0.37 + seed * 0.11) % 1.0).reshape(tuple(shape))


# Recorded from TensorFlow 2.21 (float64).
qr_deep_q = [[-0.1684303842133037, 0.23095379423215906, -0.2616488564564829], [-0.5052911526399113, -0.03079383923095444, 0.8481500593706253], [-0.8421519210665189, 0.06928613826964768, -0.44446325226633726], [-0.08421519210665189, -0.9700059357750687, -0.12097012064741289]]
qr_deep_r = [[-5.937171043518958, -8.084658442238583, -1.3895506697597562], [0.0, 2.763747070978172, -1.1701658907762735], [0.0, 0.0, -2.0493561731026606]]
qr_deep_grad = [[-0.6661581660447311, 0.14796303339751027, -0.9374179711148654], [-0.1987187421324473, -0.5923579434477092, -0.2878087006841525], [-0.8054794865219503, -0.8441443730307634, -1.284144346360217], [2.029897347436349, -1.2433675506724573, -0.8934078371385442]]
qr_wide_q = [[-0.4364357804719847, 0.44721359549995787, 0.7807200583588269], [-0.8728715609439694, 0.0, -0.4879500364742666], [-0.21821789023599236, -0.8944271909999161, 0.39036002917941304]]
qr_wide_r = [[-2.29128784747792, -4.58257569495584, -8.728715609439694, 1.2001983962979579], [0.0, 2.2360679774997894, 0.447213595499957, -1.1180339887498951], [0.0, 0.0, 1.268670094833092, 1.9518001458970664]]
qr_wide_grad = [[-11.898919937436638, 1.3871549729951262, 0.8918070231503965, 0.8403769584166709], [5.077541096960789, -1.9564038916005597, -1.9672815307716538, -1.1099639243981652], [0.1882209866619174, 0.05629811291012206, -0.6050484378497035, -1.0444360460540274]]
qr_square_q = [[-0.16903085094570325, 0.948683298050514, -0.267261241912423], [-0.5070925528371099, -0.3162277660168368, -0.8017837257372736], [-0.8451542547285166, -8.881784197001252e-16, 0.5345224838248488]]
qr_square_r = [[-5.916079783099616, -8.282511696339462, -1.267731382092775], [0.0, 0.632455532033676, 0.7905694150420919], [0.0, 0.0, 1.7371980724307596]]
qr_square_grad = [[-2.7647622069145212, 1.3179507990457928, 0.11222679300761926], [-0.4962408171276374, 0.1591192049353293, -1.4658178872731236], [-0.0012185571068583454, -1.6487670754860717, -0.8704499229027373]]
qr_wide_full_q = [[-0.316227766016838, -0.9486832980505138], [-0.9486832980505138, 0.316227766016838]]
qr_wide_full_r = [[-3.1622776601683795, -4.427188724235731, 0.7905694150420948], [0.0, -0.6324555320336751, -0.790569415042095]]
qr_wide_full_grad = [[0.9301839737385291, -1.4831082226189698, -1.0024420182733764], [-1.0690079630199207, -0.6545914756548543, -1.2048277885241523]]
svd_tall_s = [10.342977150488574, 2.7075635526549813, 1.20080109627097]
svd_tall_grad = [[0.06251102180341538, 0.14889422593351848, 0.13727814914878902], [0.2838992439788445, 0.36865520468222407, -0.8140818149296467], [0.43774143201648524, 0.4998220143272151, 0.5759970601236529], [0.5116593105621529, -0.5104001860305643, 0.5551864007757223]]
svd_wide_s = [10.342977150488576, 2.70756355265498, 1.2008010962709696]
svd_wide_grad = [[0.050827317858166285, 0.27882529659548355, 0.4896975871949697, 0.7380104794773333], [0.1636921002565706, 0.34522651474123467, 0.46493764477352184, -0.7104837896789897], [0.07808496951674238, -0.4786326754435218, 0.46518271052350835, 0.6543637374054649]]
svd_tall_full_s = [10.342977150488574, 2.7075635526549813, 1.20080109627097]
svd_tall_full_grad = [[0.08262717256278194, 0.1835347104693892, -0.04605351150508784], [0.32996008353816597, 0.38663283024660006, -0.661076647816174], [0.40574856375931234, 0.47120522197915493, 0.5152256107436727], [0.5780128225980296, -0.6657418692398487, 0.6106167479221043]]
svd_square_s = [10.277660228523475, 1.87232553177786, 0.3377829629799984]
svd_square_grad = [[-0.3908457377716271, 0.47084745518585547, 0.27620061394044837], [0.4303699856831984, 0.2472905952038941, -0.9805983652057907], [0.4166546911314781, 0.5252941173243849, 0.6298162285685812]]
svd_novu_grad = [[-0.026146924333095456, 0.2204071894065866, 0.1346159686380921], [0.36193944285011304, 0.3165767762256284, -0.6530419586248039], [0.42134957840826126, 0.4969497651815848, 0.5321970653707656], [0.48059513283776517, -0.5423312761496746, 0.7042070628780037]]
eigh_e = [-5.605568798540302, 1.202723371662521, 3.7259496321357295, 4.676895794742049]
eigh_grad = [[0.747795861806034, 0.0, 0.0, 0.0], [0.17369986543847513, 0.615943865346033, 0.0, 0.0], [0.5015613129616124, -0.1742285879287993, 1.3353082902856936, 0.0], [-0.10549021218109872, 0.020185206299693177, 0.15532435387639554, 1.1609519825622399]]
eigvalsh_grad = [[0.7465798305936816, 0.0, 0.0, 0.0], [0.28984826556025883, 0.8461676835552163, 0.0, 0.0], [0.23831935256270942, -0.48250396206351825, 1.1286664630264496, 0.0], [-0.1865556456031474, 0.02348313835272662, 0.05032606179638133, 1.1385860228246532]]
lstsq = [[0.5463991598960941, 1.836621897971595], [-0.001326479854088225, -1.281213729066492], [-0.2662908307080093, -0.4536561100978296]]
lstsq_l2 = [[0.44056518995812755, 1.3867038871149677], [0.060878377086479876, -1.0018546490506863], [-0.20271122923079887, -0.2406837345366241]]
lstsq_wide = [[0.34167910241529914, 0.00994859890565418], [-0.764715635881281, 0.2274912949759574], [0.599458354059581, -0.09998341900182395], [-0.08964793013872896, -0.38501077764881464]]

def close(got, want, tol=1e-9):
    got = np.asarray(got)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("shape", [(3, 2), (2, 3), (3, 3), (4, 2), (2, 4, 3), (2, 3, 5), (1, 1), (0, 3), (3, 0)])
@pytest.mark.parametrize("full", [False, True])
def test_qr_matches_numpy(shape, full):
    a = RNG.standard_normal(shape)
    res = tf.linalg.qr(a, full_matrices=full)
    assert isinstance(res, tf.linalg.Qr) and res._fields == ("q", "r")
    qn, rn = np.linalg.qr(a, mode="complete" if full else "reduced")
    # numpy and TensorFlow both use LAPACK's Householder signs: Q and R agree exactly.
    close(res.q, qn)
    close(res.r, rn)
    assert res.q.dtype.name == "float64" and res.r.dtype.name == "float64"


@pytest.mark.parametrize("shape", [(3, 2), (2, 3), (3, 3), (4, 2), (2, 4, 3), (2, 3, 5), (1, 1), (0, 3), (3, 0)])
@pytest.mark.parametrize("full", [False, True])
def test_svd_matches_numpy(shape, full):
    a = RNG.standard_normal(shape)
    s, u, v = (np.asarray(t) for t in tf.linalg.svd(a, full_matrices=full))
    un, sn, vhn = np.linalg.svd(a, full_matrices=full)
    m, n = shape[-2:]
    k = min(m, n)
    close(s, sn)
    assert u.shape == un.shape and v.shape == np.swapaxes(vhn, -1, -2).shape
    close(np.swapaxes(u, -1, -2) @ u, np.broadcast_to(np.eye(u.shape[-1]), u.shape[:-2] + (u.shape[-1],) * 2))
    close(np.swapaxes(v, -1, -2) @ v, np.broadcast_to(np.eye(v.shape[-1]), v.shape[:-2] + (v.shape[-1],) * 2))
    close((u[..., :, :k] * s[..., None, :]) @ np.swapaxes(v[..., :, :k], -1, -2), a)
    # singular vectors agree with LAPACK's up to their signs
    close(np.abs(u[..., :, :k]), np.abs(un[..., :, :k]))
    s_only = tf.linalg.svd(a, compute_uv=False)
    close(s_only, sn)


def test_eigh_matches_numpy_and_reads_the_lower_triangle():
    x = RNG.standard_normal((2, 4, 4))
    sym = np.tril(x) + np.swapaxes(np.tril(x, -1), -1, -2)
    e, v = (np.asarray(t) for t in tf.linalg.eigh(x))
    en, vn = np.linalg.eigh(sym)
    close(e, en)
    close(np.abs(v), np.abs(vn))
    close((v * e[..., None, :]) @ np.swapaxes(v, -1, -2), sym)
    close(tf.linalg.eigvalsh(x), en)
    close(tf.linalg.eigh(B)[0], eigh_e)


def test_float32_and_errors():
    a = np.float32([[1, 2], [3, 4], [5, 7]])
    q, r = tf.linalg.qr(a)
    assert q.dtype.name == "float32" and r.dtype.name == "float32"
    s, u, v = tf.linalg.svd(a)
    assert s.dtype.name == "float32" and u.dtype.name == "float32"
    close(s, np.linalg.svd(a.astype(np.float64), compute_uv=False), tol=1e-5)
    assert tf.linalg.eigh(np.float32([[2, 1], [1, 2]]))[1].dtype.name == "float32"
    for fn in (tf.linalg.qr, tf.linalg.svd, tf.linalg.eigh):
        with pytest.raises(tf.errors.InvalidArgumentError, match="no kernel for dtype int32"):
            fn(np.int32([[1, 2], [3, 4]]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="rank"):
            fn(np.float32([1, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.eigh(np.zeros((2, 3)))
    # fast=False is implemented now (session 6; refused before): numpy's least-squares solution
    close(tf.linalg.lstsq(A, RHS, fast=False), np.linalg.lstsq(A, RHS, rcond=None)[0], tol=1e-10)


def _grad(fn, a):
    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = fn(x)
    return np.asarray(tape.gradient(loss, x))


@pytest.mark.parametrize("label,a,full", [("deep", A, False), ("wide", A.T, False), ("square", A[:3], False),
                                          ("wide_full", A[:2], True)])
def test_qr_values_and_gradient_match_tensorflow(label, a, full):
    def loss(x):
        q, r = tf.linalg.qr(x, full_matrices=full)
        return tf.reduce_sum(q * W(q.shape, 1)) + tf.reduce_sum(r * W(r.shape, 2))
    q, r = tf.linalg.qr(a, full_matrices=full)
    close(q, globals()[f"qr_{label}_q"])
    close(r, globals()[f"qr_{label}_r"])
    close(_grad(loss, a), globals()[f"qr_{label}_grad"], tol=1e-8)


def test_qr_gradient_deep_full_is_not_implemented_as_in_tensorflow():
    x = tf.constant(A)
    with tf.GradientTape() as tape:
        tape.watch(x)
        q, r = tf.linalg.qr(x, full_matrices=True)
        loss = tf.reduce_sum(r)
    with pytest.raises(NotImplementedError, match="full_matrices"):
        tape.gradient(loss, x)


@pytest.mark.parametrize("label,a,full", [("tall", A, False), ("wide", A.T, False), ("tall_full", A, True),
                                          ("square", A[:3], False)])
def test_svd_gradient_matches_tensorflow(label, a, full):
    def loss(x):
        s, u, v = tf.linalg.svd(x, full_matrices=full)
        return tf.reduce_sum(s * W(s.shape, 3)) + tf.reduce_sum(u * u * W(u.shape, 4)) + \
            tf.reduce_sum(v * v * W(v.shape, 5))
    close(tf.linalg.svd(a, full_matrices=full)[0], globals()[f"svd_{label}_s"])
    close(_grad(loss, a), globals()[f"svd_{label}_grad"], tol=1e-8)


def test_svd_without_uv_gradient_matches_tensorflow():
    close(_grad(lambda x: tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * W([3], 3)), A), svd_novu_grad, tol=1e-8)


def test_svd_gradient_full_with_rows_and_columns_two_apart_is_not_implemented():
    x = tf.constant(np.vstack([A, A[:1] + 1]))   # 5x3
    with tf.GradientTape() as tape:
        tape.watch(x)
        s, u, v = tf.linalg.svd(x, full_matrices=True)
        loss = tf.reduce_sum(s)
    with pytest.raises(NotImplementedError, match="abs"):
        tape.gradient(loss, x)


def test_eigh_and_eigvalsh_gradients_match_tensorflow():
    def loss(x):
        e, v = tf.linalg.eigh(x)
        return tf.reduce_sum(e * W(e.shape, 6)) + tf.reduce_sum(v * v * W(v.shape, 7))
    close(_grad(loss, B), eigh_grad, tol=1e-8)
    close(_grad(lambda x: tf.reduce_sum(tf.linalg.eigvalsh(x) * W([4], 6)), B), eigvalsh_grad, tol=1e-8)


def test_lstsq_matches_tensorflow_and_numpy():
    close(tf.linalg.lstsq(A, RHS), lstsq, tol=1e-8)
    close(tf.linalg.lstsq(A, RHS), np.linalg.lstsq(A, RHS, rcond=None)[0], tol=1e-8)
    close(tf.linalg.lstsq(A, RHS, l2_regularizer=0.5), lstsq_l2, tol=1e-8)
    close(tf.linalg.lstsq(A.T, RHS[:3]), lstsq_wide, tol=1e-8)
    batch = tf.linalg.lstsq(np.stack([A, 2 * A]), np.stack([RHS, RHS]))
    close(batch, np.stack([lstsq, np.asarray(lstsq) / 2]), tol=1e-8)
