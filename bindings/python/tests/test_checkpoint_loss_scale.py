"""tf.train.Checkpoint(optimizer=LossScaleOptimizer(...)): the loss scale, its growth counter and
the inner optimizer's iterations and slots are saved; a restored optimizer (also a fresh one,
before its first step) continues exactly as the original, skipped steps and scale changes
included."""
import numpy as np

import swiftkeras as tf
from swiftkeras.keras import mixed_precision, optimizers


def _steps(opt, v, start, stop):
    for i in range(start, stop):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v * v * v) * (i - 1.5)
            scaled = opt.scale_loss(loss)
        grads = tape.gradient(scaled, [v])
        if i == 2:
            grads = [grads[0] * np.inf]   # an overflow: the step is skipped, the scale halves
        opt.apply_gradients(zip(grads, [v]))


def test_a_restored_loss_scale_optimizer_continues_exactly(tmp_path):
    make = lambda: mixed_precision.LossScaleOptimizer(optimizers.Adam(0.05), initial_scale=64.0, dynamic_growth_steps=3)
    v, opt = tf.Variable(np.array([1.0, -0.5])), make()
    _steps(opt, v, 0, 7)
    assert opt.loss_scale == 64.0 and int(opt.iterations) == 6
    path = tf.train.Checkpoint(v=v, optimizer=opt).write(str(tmp_path / "ckpt"))
    _steps(opt, v, 7, 12)
    want, want_scale = v.numpy(), opt.loss_scale

    v2, fresh = tf.Variable(np.array([3.0, 3.0])), make()
    tf.train.Checkpoint(v=v2, optimizer=fresh).restore(path)
    assert fresh.loss_scale == 64.0 and int(fresh.iterations) == 6
    _steps(fresh, v2, 7, 12)
    np.testing.assert_array_equal(v2.numpy(), want)
    assert fresh.loss_scale == want_scale and int(fresh.iterations) == int(opt.iterations)


def test_checkpoint_manager_with_a_loss_scale_optimizer(tmp_path):
    v, opt = tf.Variable(np.array([0.5, 2.0])), mixed_precision.LossScaleOptimizer(optimizers.SGD(0.1, momentum=0.9), initial_scale=8.0)
    ckpt = tf.train.Checkpoint(v=v, optimizer=opt)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    _steps(opt, v, 0, 4)
    manager.save()
    saved = v.numpy()
    _steps(opt, v, 4, 6)
    after = v.numpy()
    ckpt.restore(manager.latest_checkpoint)
    np.testing.assert_array_equal(v.numpy(), saved)
    assert opt.loss_scale == 4.0 and int(opt.iterations) == 3
    _steps(opt, v, 4, 6)
    np.testing.assert_array_equal(v.numpy(), after)
