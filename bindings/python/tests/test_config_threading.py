"""tf.config.threading: the thread setting of the C API (sk_set_num_threads) seen from Python."""
import pytest

import swiftkeras as tf
import swiftkeras.keras.backend as K


@pytest.fixture(autouse=True)
def restore_default():
    yield
    tf.config.threading.set_intra_op_parallelism_threads(0)
    tf.config.threading.set_inter_op_parallelism_threads(0)


def test_intra_op_round_trip():
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0  # TF's default: not set
    tf.config.threading.set_intra_op_parallelism_threads(1)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 1
    tf.config.threading.set_intra_op_parallelism_threads(3)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 3
    tf.config.threading.set_intra_op_parallelism_threads(0)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0


def test_results_do_not_depend_on_the_thread_count():
    # large enough for the parallel loops (sum, exp) and OpenBLAS (matmul) to split the work
    a = K.random_uniform((300, 400), seed=1)
    b = K.random_uniform((400, 200), seed=2)
    big = K.random_normal((1 << 20,), seed=3)
    results = []
    for n in (1, 2, 0):
        tf.config.threading.set_intra_op_parallelism_threads(n)
        results.append((K.eval(K.dot(a, b)).tolist(), K.eval(K.exp(big)).tolist()[:1000:7],
                        float(K.eval(K.sum(K.exp(big))))))
    # the core's elementwise loops split the work without changing any element's arithmetic
    assert results[0][1] == results[1][1] == results[2][1]
    # OpenBLAS may block a product differently per thread count (its Prescott kernels do):
    # the same products to float32 rounding, all near the float64 product
    exact = K.eval(K.dot(K.cast(a, "float64"), K.cast(b, "float64")))
    for r in results:
        got = r[0]
        worst = max(abs(got[i][j] - exact[i][j]) / abs(exact[i][j]) for i in range(0, 300, 7) for j in range(0, 200, 3))
        assert worst <= 1e-5, worst
    # a parallel sum adds partial sums: each count gives a float32 sum near the float64 one
    exact = sum(float(v) for v in K.eval(K.exp(big)).astype("float64"))
    for r in results:
        assert abs(r[2] - exact) <= 1e-4 * exact


def test_invalid_counts():
    with pytest.raises(ValueError, match="thread count must be >= 0"):
        tf.config.threading.set_intra_op_parallelism_threads(-1)
    with pytest.raises(TypeError):
        tf.config.threading.set_intra_op_parallelism_threads(2.0)
    with pytest.raises(TypeError):
        tf.config.threading.set_intra_op_parallelism_threads(True)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0


def test_inter_op():
    assert tf.config.threading.get_inter_op_parallelism_threads() == 0
    tf.config.threading.set_inter_op_parallelism_threads(1)
    assert tf.config.threading.get_inter_op_parallelism_threads() == 1
    with pytest.raises(NotImplementedError, match="set_inter_op_parallelism_threads"):
        tf.config.threading.set_inter_op_parallelism_threads(4)
    assert tf.config.threading.get_inter_op_parallelism_threads() == 1
