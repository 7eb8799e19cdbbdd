"""keras.optimizers with Keras arguments, keras.optimizers.schedules and LossScaleOptimizer:
update steps against numpy transcriptions of Keras' published update rules, schedules against
their formulas, configs round-tripping, schedules in fit, dynamic loss scaling, argument errors."""
import math

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers, mixed_precision, optimizers
from swiftkeras.keras.optimizers import schedules

GRADS = [np.array([0.5, -1.5, 2.0, 0.0]), np.array([-0.25, 1.0, 3.0, -2.0]), np.array([1.0, 0.5, -4.0, 0.75])]
W0 = np.array([1.0, -2.0, 0.5, 3.0])


# -- numpy references: Keras 3 update rules (keras/src/optimizers/*.py), float64 -----------------
def ref_sgd(lr, momentum, nesterov, weight_decay=None):
    w, m = W0.copy(), np.zeros(4)
    for g in GRADS:
        if weight_decay:
            w = w - w * weight_decay * lr
        m = momentum * m - lr * g
        w = w + (momentum * m - lr * g if nesterov else m)
    return w


def ref_adam(lr, b1, b2, eps, amsgrad, weight_decay=None):
    w, m, v, vhat = W0.copy(), np.zeros(4), np.zeros(4), np.zeros(4)
    for k, g in enumerate(GRADS):
        if weight_decay:
            w = w - w * weight_decay * lr
        t = k + 1
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        denom_v = v
        if amsgrad:
            vhat = np.maximum(vhat, v)
            denom_v = vhat
        w = w - m * alpha / (np.sqrt(denom_v) + eps)
    return w


def ref_rmsprop(lr, rho, momentum, eps, centered):
    w, v, a, m = W0.copy(), np.zeros(4), np.zeros(4), np.zeros(4)
    for g in GRADS:
        v = rho * v + (1 - rho) * g * g
        if centered:
            a = rho * a + (1 - rho) * g
            denom = v - a * a + eps
        else:
            denom = v + eps
        inc = lr * g / np.sqrt(denom)
        if momentum > 0:
            m = momentum * m + inc
            w = w - m
        else:
            w = w - inc
    return w


def ref_adagrad(lr, init, eps):
    w, acc = W0.copy(), np.full(4, init)
    for g in GRADS:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w


def ref_adadelta(lr, rho, eps):
    w, ag, ad = W0.copy(), np.zeros(4), np.zeros(4)
    for g in GRADS:
        ag = rho * ag + (1 - rho) * g * g
        delta = -np.sqrt(ad + eps) * g / np.sqrt(ag + eps)
        ad = rho * ad + (1 - rho) * delta * delta
        w = w + lr * delta
    return w


def ref_adamax(lr, b1, b2, eps):
    w, m, u = W0.copy(), np.zeros(4), np.zeros(4)
    for k, g in enumerate(GRADS):
        t = k + 1
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1 ** t) * (u + eps))
    return w


def ref_nadam(lr, b1, b2, eps):
    w, m, v, u_prod = W0.copy(), np.zeros(4), np.zeros(4), 1.0
    for k, g in enumerate(GRADS):
        t = k + 1
        mu_t = b1 * (1 - 0.5 * 0.96 ** t)
        mu_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_prod = u_prod * mu_t
        u_prod_next = u_prod * mu_t1
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = mu_t1 * m / (1 - u_prod_next) + (1 - mu_t) * g / (1 - u_prod)
        v_hat = v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


def ref_lion(lr, b1, b2, weight_decay=None):
    w, m = W0.copy(), np.zeros(4)
    for g in GRADS:
        if weight_decay:
            w = w - w * weight_decay * lr
        w = w - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
    return w


CASES = {
    "SGD": (lambda: optimizers.SGD(0.05, 0.7, True), lambda: ref_sgd(0.05, 0.7, True)),
    "SGD-momentum-wd": (lambda: optimizers.SGD(learning_rate=0.1, momentum=0.5, weight_decay=0.1),
                        lambda: ref_sgd(0.1, 0.5, False, weight_decay=0.1)),
    "Adam": (lambda: optimizers.Adam(0.02, 0.8, 0.95, 1e-3, True), lambda: ref_adam(0.02, 0.8, 0.95, 1e-3, True)),
    "AdamW": (lambda: optimizers.AdamW(0.02, 0.05, 0.85, 0.9, 1e-4),
              lambda: ref_adam(0.02, 0.85, 0.9, 1e-4, False, weight_decay=0.05)),
    "RMSprop": (lambda: optimizers.RMSprop(0.01, 0.8, 0.4, 1e-3, True), lambda: ref_rmsprop(0.01, 0.8, 0.4, 1e-3, True)),
    "RMSprop-plain": (lambda: optimizers.RMSprop(learning_rate=0.03, rho=0.7, epsilon=1e-4),
                      lambda: ref_rmsprop(0.03, 0.7, 0.0, 1e-4, False)),
    "Adagrad": (lambda: optimizers.Adagrad(0.1, 0.5, 1e-3), lambda: ref_adagrad(0.1, 0.5, 1e-3)),
    "Adadelta": (lambda: optimizers.Adadelta(1.0, 0.8, 1e-3), lambda: ref_adadelta(1.0, 0.8, 1e-3)),
    "Adamax": (lambda: optimizers.Adamax(0.05, 0.7, 0.9, 1e-3), lambda: ref_adamax(0.05, 0.7, 0.9, 1e-3)),
    "Nadam": (lambda: optimizers.Nadam(0.05, 0.8, 0.95, 1e-3), lambda: ref_nadam(0.05, 0.8, 0.95, 1e-3)),
    "Lion": (lambda: optimizers.Lion(0.01, 0.6, 0.95, weight_decay=0.2), lambda: ref_lion(0.01, 0.6, 0.95, 0.2)),
}


def run_steps(opt, grads=GRADS):
    v = tf.Variable(W0.copy())
    for g in grads:
        opt.apply_gradients([(tf.constant(g), v)])
    return v.numpy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_three_steps_match_keras_update_rule(case):
    make, ref = CASES[case]
    opt = make()
    got = run_steps(opt)
    want = ref()
    assert not np.allclose(want, W0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert opt.iterations == 3


def test_non_default_hyperparameters_matter():
    # the same optimizers at Keras defaults give other values: the arguments reach the core
    assert not np.allclose(run_steps(optimizers.Adam(0.02)), ref_adam(0.02, 0.8, 0.95, 1e-3, True))
    assert not np.allclose(run_steps(optimizers.RMSprop(0.01)), ref_rmsprop(0.01, 0.8, 0.4, 1e-3, True))


def test_positional_order_and_attributes():
    cfg = optimizers.SGD(0.1, 0.9, True).get_config()
    assert (cfg["learning_rate"], cfg["momentum"], cfg["nesterov"], cfg["name"]) == (0.1, 0.9, True, "SGD")
    cfg = optimizers.Adam(0.01, 0.8, 0.99, 1e-6, True).get_config()
    assert (cfg["beta_1"], cfg["beta_2"], cfg["epsilon"], cfg["amsgrad"]) == (0.8, 0.99, 1e-6, True)
    cfg = optimizers.AdamW(0.01, 0.1, 0.8).get_config()
    assert (cfg["weight_decay"], cfg["beta_1"], cfg["name"]) == (0.1, 0.8, "adamw")
    cfg = optimizers.RMSprop(0.01, 0.8, 0.5, 1e-6, True).get_config()
    assert (cfg["rho"], cfg["momentum"], cfg["epsilon"], cfg["centered"]) == (0.8, 0.5, 1e-6, True)
    opt = optimizers.Adagrad(0.1, 0.25, name="ada")
    assert opt.initial_accumulator_value == 0.25 and opt.name == "ada"
    assert optimizers.Lion().beta_2 == 0.99 and optimizers.Adadelta().rho == 0.95


# -- clipping -------------------------------------------------------------------------------------
def test_clipnorm_clipvalue_global_clipnorm():
    a, b = tf.Variable(np.zeros(2)), tf.Variable(np.zeros(2))
    g1, g2 = tf.constant(np.array([3.0, 0.0])), tf.constant(np.array([0.0, 4.0]))
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(g1, a), (g2, b)])
    np.testing.assert_allclose(a.numpy(), [-1.0, 0.0])       # each gradient to norm 1
    np.testing.assert_allclose(b.numpy(), [0.0, -1.0])
    a.assign(np.zeros(2)), b.assign(np.zeros(2))
    optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients([(g1, a), (g2, b)])
    np.testing.assert_allclose(a.numpy(), [-0.6, 0.0])       # joint norm 5 -> 1
    np.testing.assert_allclose(b.numpy(), [0.0, -0.8])
    a.assign(np.zeros(2)), b.assign(np.zeros(2))
    optimizers.SGD(1.0, clipvalue=0.5).apply_gradients([(g1, a), (tf.constant(np.array([-0.2, -7.0])), b)])
    np.testing.assert_allclose(a.numpy(), [-0.5, 0.0])
    np.testing.assert_allclose(b.numpy(), [0.2, 0.5])
    # clipnorm then Adam: the clipped gradient enters the moments
    v = tf.Variable(np.array([1.0]))
    optimizers.Adam(0.1, clipnorm=0.5).apply_gradients([(tf.constant(np.array([10.0])), v)])
    g = 0.5                                                  # 10 clipped to norm 0.5
    m, vv, alpha = g * 0.1, g * g * 0.001, 0.1 * math.sqrt(0.001) / 0.1
    np.testing.assert_allclose(v.numpy(), [1.0 - m * alpha / (math.sqrt(vv) + 1e-7)], rtol=1e-13)
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


# -- schedules ------------------------------------------------------------------------------------
STEPS = [0, 1, 3, 7, 10, 15, 25, 100]


def test_schedules_match_formulas():
    s = schedules.ExponentialDecay(0.1, 10, 0.5)
    for k in STEPS:
        assert s(k) == pytest.approx(0.1 * 0.5 ** (k / 10), rel=1e-14)
    s = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    for k in STEPS:
        assert s(k) == pytest.approx(0.1 * 0.5 ** (k // 10), rel=1e-14)
    s = schedules.InverseTimeDecay(1.0, 4, 0.5)
    for k in STEPS:
        assert s(k) == pytest.approx(1.0 / (1 + 0.5 * k / 4), rel=1e-14)
    s = schedules.InverseTimeDecay(1.0, 4, 0.5, staircase=True)
    for k in STEPS:
        assert s(k) == pytest.approx(1.0 / (1 + 0.5 * (k // 4)), rel=1e-14)
    s = schedules.PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1])
    for k in STEPS:
        assert s(k) == (1.0 if k <= 3 else 0.5 if k <= 10 else 0.1)
    s = schedules.CosineDecay(0.2, 20, alpha=0.1)
    for k in STEPS:
        c = 0.5 * (1 + math.cos(math.pi * min(k, 20) / 20))
        assert s(k) == pytest.approx(0.2 * ((1 - 0.1) * c + 0.1), rel=1e-14)
    s = schedules.CosineDecay(0.0, 20, warmup_target=0.4, warmup_steps=5)
    for k in STEPS:
        if k < 5:
            want = 0.4 * k / 5
        else:
            d = min(k, 25) - 5
            want = 0.4 * 0.5 * (1 + math.cos(math.pi * d / 20))
        assert s(k) == pytest.approx(want, rel=1e-14, abs=1e-17)
    s = schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0)
    for k in STEPS:
        assert s(k) == pytest.approx((0.1 - 0.01) * (1 - min(k, 10) / 10) ** 2 + 0.01, rel=1e-14)
    s = schedules.PolynomialDecay(0.1, 10, 0.01, cycle=True)
    for k in STEPS:
        steps = 10 * (1 if k == 0 else math.ceil(k / 10))
        assert s(k) == pytest.approx((0.1 - 0.01) * (1 - k / steps) + 0.01, rel=1e-14)
    assert s(tf.constant(7)) == s(7)


def test_schedule_configs_round_trip():
    for s in [schedules.ExponentialDecay(0.1, 10, 0.5, True, name="e"), schedules.PiecewiseConstantDecay([2], [1.0, 0.1]),
              schedules.CosineDecay(0.1, 5, 0.2, warmup_target=0.3, warmup_steps=2),
              schedules.InverseTimeDecay(0.1, 3, 0.2), schedules.PolynomialDecay(0.1, 4, 0.001, 0.5, True)]:
        again = type(s).from_config(s.get_config())
        assert again.get_config() == s.get_config()
        assert [again(k) for k in STEPS] == [s(k) for k in STEPS]
        ser = schedules.serialize(s)
        assert ser["class_name"] == type(s).__name__ and ser["module"] == "keras.optimizers.schedules"
        assert schedules.deserialize(ser).get_config() == s.get_config()


def test_schedule_drives_the_optimizer():
    s = schedules.ExponentialDecay(0.5, 2, 0.25)
    opt = optimizers.SGD(learning_rate=s)
    v = tf.Variable(np.array([0.0]))
    total = 0.0
    for k in range(4):
        assert opt.learning_rate == pytest.approx(0.5 * 0.25 ** (k / 2), rel=1e-14)
        opt.apply_gradients([(tf.constant(np.array([1.0])), v)])
        total += 0.5 * 0.25 ** (k / 2)
    np.testing.assert_allclose(v.numpy(), [-total], rtol=1e-14)
    cfg = opt.get_config()
    assert cfg["learning_rate"]["class_name"] == "ExponentialDecay"
    assert optimizers.SGD.from_config(cfg).learning_rate == pytest.approx(0.5)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1


def test_schedule_in_model_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32"))
    # rate 0.05 for steps 0..5, 0 afterwards: the weights stop moving after 6 steps
    s = schedules.PiecewiseConstantDecay([5], [0.05, 0.0])
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    opt = optimizers.SGD(learning_rate=s)
    model.compile(optimizer=opt, loss="mse")
    w_start = [w.copy() for w in model.get_weights()]
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert opt.iterations == 8
    assert opt.learning_rate == s(8) == 0.0
    w_mid = [w.copy() for w in model.get_weights()]
    assert not np.allclose(w_mid[0], w_start[0])
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert opt.iterations == 12
    for a, b in zip(model.get_weights(), w_mid):
        np.testing.assert_array_equal(a, b)
    # an ExponentialDecay rate at `iterations`
    s2 = schedules.ExponentialDecay(0.1, 3, 0.5)
    opt2 = optimizers.Adam(s2)
    model.compile(optimizer=opt2, loss="mse")
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert opt2.iterations == 6
    assert opt2.learning_rate == pytest.approx(0.1 * 0.5 ** (6 / 3), rel=1e-14)


class InverseStep(schedules.LearningRateSchedule):
    def __init__(self, base):
        self.base = base
        self.calls = []

    def __call__(self, step):
        self.calls.append(step)
        return self.base / (step + 1)

    def get_config(self):
        return {"base": self.base}


def test_python_schedule_subclass():
    s = InverseStep(0.5)
    opt = optimizers.SGD(learning_rate=s)
    v = tf.Variable(np.array([0.0]))
    for _ in range(3):
        opt.apply_gradients([(tf.constant(np.array([1.0])), v)])
    np.testing.assert_allclose(v.numpy(), [-(0.5 + 0.25 + 0.5 / 3)], rtol=1e-14)
    assert s.calls[:3] == [0, 1, 2]
    assert opt.learning_rate == pytest.approx(0.5 / 4)
    cfg = opt.get_config()
    assert cfg["learning_rate"]["class_name"] == "InverseStep" and cfg["learning_rate"]["config"] == {"base": 0.5}
    again = optimizers.SGD.from_config(cfg, custom_objects={"InverseStep": InverseStep})
    assert again.learning_rate == pytest.approx(0.5)
    # in fit
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    s2 = InverseStep(0.01)
    model.compile(optimizer=optimizers.SGD(s2), loss="mse")
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), batch_size=4, epochs=2, verbose=0)
    assert s2.calls[:4] == [0, 1, 2, 3]

    class Broken(schedules.LearningRateSchedule):
        def __call__(self, step):
            raise ValueError("schedule boom")

    with pytest.raises(ValueError, match="schedule boom"):
        optimizers.SGD(Broken()).apply_gradients([(tf.constant(np.array([1.0])), v)])
    with pytest.raises(NotImplementedError, match="must override"):
        optimizers.SGD(schedules.LearningRateSchedule()).apply_gradients([(tf.constant(np.array([1.0])), v)])

    class NotANumber(schedules.LearningRateSchedule):
        def __call__(self, step):
            return "fast"

    with pytest.raises(TypeError, match="number"):
        optimizers.SGD(NotANumber()).apply_gradients([(tf.constant(np.array([1.0])), v)])


def test_callable_learning_rate_and_setter():
    rate = [0.5]
    opt = optimizers.SGD(learning_rate=lambda: rate[0])
    v = tf.Variable(np.array([0.0]))
    opt.apply_gradients([(tf.constant(np.array([1.0])), v)])
    rate[0] = 0.25
    opt.apply_gradients([(tf.constant(np.array([1.0])), v)])
    np.testing.assert_allclose(v.numpy(), [-0.75])
    opt2 = optimizers.SGD(0.1)
    opt2.learning_rate = schedules.ExponentialDecay(1.0, 1, 0.5)
    assert opt2.learning_rate == 1.0
    opt2.apply_gradients([(tf.constant(np.array([1.0])), v)])
    assert opt2.learning_rate == 0.5
    assert opt2.get_config()["learning_rate"]["class_name"] == "ExponentialDecay"


# -- configs, get, serialize ------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam, optimizers.AdamW, optimizers.RMSprop,
                                 optimizers.Adagrad, optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam,
                                 optimizers.Lion])
def test_get_config_round_trip(cls):
    opt = cls(learning_rate=0.0125, clipvalue=2.0, name="x_" + cls.__name__)
    cfg = opt.get_config()
    assert cfg["learning_rate"] == 0.0125 and cfg["clipvalue"] == 2.0 and cfg["name"] == "x_" + cls.__name__
    assert {"weight_decay", "clipnorm", "global_clipnorm", "use_ema", "ema_momentum", "loss_scale_factor",
            "gradient_accumulation_steps"} <= set(cfg)
    again = cls.from_config(cfg)
    assert again.get_config() == cfg
    ser = optimizers.serialize(opt)
    assert ser["class_name"] == cls.__name__
    assert optimizers.deserialize(ser).get_config() == cfg
    assert optimizers.get(ser).get_config() == cfg


def test_get():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    o = optimizers.SGD()
    assert optimizers.get(o) is o
    assert optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}).momentum == 0.5
    with pytest.raises(ValueError, match="nope"):
        optimizers.get("nope")
    with pytest.raises(ValueError):
        optimizers.get(3)


# -- LossScaleOptimizer ---------------------------------------------------------------------------
def test_loss_scale_optimizer_dynamics():
    inner = optimizers.SGD(1.0)
    opt = mixed_precision.LossScaleOptimizer(inner, dynamic_growth_steps=3)
    assert isinstance(opt, optimizers.Optimizer) and opt.inner_optimizer is inner
    assert opt.loss_scale == 2.0 ** 15
    v = tf.Variable(np.array([4.0]))
    # Keras 3 style: scale_loss under the tape, apply_gradients unscales
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v * v)            # d/dv = 2v = 8
        scaled = opt.scale_loss(loss)
    grads = tape.gradient(scaled, [v])
    np.testing.assert_allclose(grads[0].numpy(), [8.0 * 2 ** 15])
    opt.apply_gradients(zip(grads, [v]))
    np.testing.assert_allclose(v.numpy(), [-4.0])
    assert opt.iterations == 1 and inner.iterations == 1
    # an inf gradient: step skipped, scale halved, iterations unchanged
    opt.apply_gradients([(tf.constant(np.array([np.inf])), v)])
    np.testing.assert_allclose(v.numpy(), [-4.0])
    assert opt.loss_scale == 2.0 ** 14 and opt.iterations == 1
    opt.apply_gradients([(tf.constant(np.array([np.nan])), v)])
    assert opt.loss_scale == 2.0 ** 13
    # doubles after dynamic_growth_steps consecutive finite steps
    for k in range(3):
        assert opt.loss_scale == 2.0 ** 13
        opt.apply_gradients([(tf.constant(np.array([2.0 ** 13])), v)])
    assert opt.loss_scale == 2.0 ** 14
    np.testing.assert_allclose(v.numpy(), [-7.0])
    assert opt.iterations == 4
    assert opt.learning_rate == 1.0
    opt.learning_rate = 0.5
    assert inner.learning_rate == 0.5


def test_loss_scale_optimizer_tf2_api_matches_keras3():
    def run(style):
        v = tf.Variable(np.array([1.0, -2.0]))
        opt = mixed_precision.LossScaleOptimizer(optimizers.Adam(0.1), initial_scale=1024.0)
        for _ in range(3):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(v * v * v)
                scaled = opt.get_scaled_loss(loss) if style == "tf2" else opt.scale_loss(loss)
            grads = tape.gradient(scaled, [v])
            if style == "tf2":
                grads = opt.get_unscaled_gradients(grads)
                np.testing.assert_allclose(grads[0].numpy(), 3 * v.numpy() ** 2)
            opt.apply_gradients(zip(grads, [v]))
        return v.numpy()
    ref = tf.Variable(np.array([1.0, -2.0]))
    adam = optimizers.Adam(0.1)
    for _ in range(3):
        adam.apply_gradients([(tf.constant(3 * ref.numpy() ** 2), ref)])
    np.testing.assert_allclose(run("keras3"), ref.numpy(), rtol=1e-12)
    np.testing.assert_allclose(run("tf2"), ref.numpy(), rtol=1e-12)


def test_loss_scale_optimizer_float16_loss_and_fit():
    opt = mixed_precision.LossScaleOptimizer(optimizers.SGD(0.1))
    s = opt.scale_loss(tf.constant(np.array(4.0, dtype=np.float16)))
    assert s.dtype.name == "float32" and float(s) == 4.0 * 2 ** 15   # no float16 overflow
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = x @ np.array([[2.0], [-1.0]], dtype="float32")
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=opt, loss="mse")
    hist = model.fit(x, y, batch_size=16, epochs=20, verbose=0)
    assert hist.history["loss"][-1] < 0.05 * hist.history["loss"][0]
    assert opt.iterations == 80 and opt.inner_optimizer.iterations == 80
    assert opt.loss_scale == 2.0 ** 15   # no overflow, fewer than 2000 steps


def test_loss_scale_optimizer_config_and_errors():
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.2, 0.5), initial_scale=64, dynamic_growth_steps=10, name="lso")
    cfg = opt.get_config()
    assert cfg["initial_scale"] == 64.0 and cfg["dynamic_growth_steps"] == 10 and cfg["name"] == "lso"
    assert cfg["inner_optimizer"]["class_name"] == "SGD" and cfg["inner_optimizer"]["config"]["momentum"] == 0.5
    again = optimizers.LossScaleOptimizer.from_config(cfg)
    assert again.get_config() == cfg and again.loss_scale == 64.0
    assert optimizers.deserialize(optimizers.serialize(opt)).get_config() == cfg
    with pytest.raises(ValueError, match="dynamic=False"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), dynamic=False)
    with pytest.raises(TypeError, match="inner_optimizer"):
        mixed_precision.LossScaleOptimizer("sgd")
    with pytest.raises(TypeError, match="initial_scale"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), initial_scale="big")
    with pytest.raises(ValueError, match="initial_scale"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), initial_scale=-1.0)
    with pytest.raises(ValueError, match="dynamic_growth_steps"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=0)
    with pytest.raises(TypeError, match="dynamic_growth_steps"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=2.5)
    with pytest.raises(ValueError, match="clipnorm"):
        mixed_precision.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="already"):
        mixed_precision.LossScaleOptimizer(opt)
    assert mixed_precision.LossScaleOptimizer(optimizers.SGD(), clipnorm=None).loss_scale == 2.0 ** 15


# -- argument errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("make, exc, arg", [
    (lambda: optimizers.SGD(momentum=1.5), ValueError, "momentum"),
    (lambda: optimizers.SGD(nesterov="yes"), TypeError, "nesterov"),
    (lambda: optimizers.SGD(learning_rate="fast"), TypeError, "learning_rate"),
    (lambda: optimizers.SGD(learning_rate=-0.1), ValueError, "learning_rate"),
    (lambda: optimizers.SGD(learning_rate=None), TypeError, "learning_rate"),
    (lambda: optimizers.Adam(beta_1="0.9"), TypeError, "beta_1"),
    (lambda: optimizers.Adam(beta_1=1.0), ValueError, "beta_1"),
    (lambda: optimizers.Adam(epsilon=-1e-7), ValueError, "epsilon"),
    (lambda: optimizers.Adam(amsgrad=1), TypeError, "amsgrad"),
    (lambda: optimizers.Adam(foo=1), ValueError, "foo"),
    (lambda: optimizers.Adam(use_ema=True), NotImplementedError, "use_ema"),
    (lambda: optimizers.Adam(gradient_accumulation_steps=1), ValueError, "gradient_accumulation_steps"),
    (lambda: optimizers.Adam(gradient_accumulation_steps=4), NotImplementedError, "gradient_accumulation_steps"),
    (lambda: optimizers.AdamW(weight_decay=None), ValueError, "weight_decay"),
    (lambda: optimizers.RMSprop(rho=-0.1), ValueError, "rho"),
    (lambda: optimizers.RMSprop(centered=None), None, None),
    (lambda: optimizers.Adagrad(initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
    (lambda: optimizers.Adadelta(rho=2.0), ValueError, "rho"),
    (lambda: optimizers.Adamax(beta_2=1.5), ValueError, "beta_2"),
    (lambda: optimizers.Nadam(epsilon="e"), TypeError, "epsilon"),
    (lambda: optimizers.Lion(beta_1=0.0), ValueError, "beta_1"),
    (lambda: optimizers.SGD(weight_decay=-0.1), ValueError, "weight_decay"),
    (lambda: optimizers.SGD(clipnorm=-1.0), ValueError, "clipnorm"),
    (lambda: optimizers.SGD(loss_scale_factor=0.0), ValueError, "loss_scale_factor"),
    (lambda: optimizers.SGD(name=3), TypeError, "name"),
    (lambda: optimizers.Optimizer(0.1), NotImplementedError, "custom optimizers"),
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), ValueError, "decay_steps"),
    (lambda: schedules.CosineDecay(0.1, "x"), TypeError, "decay_steps"),
    (lambda: schedules.PolynomialDecay(0.1, 10, power="p"), TypeError, "power"),
    (lambda: schedules.PiecewiseConstantDecay([1], [1.0]), ValueError, "boundaries"),
    (lambda: schedules.PiecewiseConstantDecay([1.5], [1.0, 0.5]), ValueError, "boundaries"),
    (lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-1), ValueError, "warmup_steps"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.5)("a"), TypeError, "step"),
])
def test_bad_arguments(make, exc, arg):
    if exc is None:      # None means "the default": accepted
        make()
        return
    with pytest.raises(exc, match=arg):
        make()


def test_loss_scale_factor():
    opt = optimizers.SGD(1.0, loss_scale_factor=4.0)
    v = tf.Variable(np.array([1.0]))
    with tf.GradientTape() as tape:
        scaled = opt.scale_loss(tf.reduce_sum(v * v))
    grads = tape.gradient(scaled, [v])
    np.testing.assert_allclose(grads[0].numpy(), [8.0])
    opt.apply_gradients(zip(grads, [v]))
    np.testing.assert_allclose(v.numpy(), [-1.0])     # the gradient is divided by 4 before the step
