"""tf.train.Checkpoint(optimizer=...): an optimizer's iterations and slot variables are saved and
restored (also into a fresh optimizer before its first step, TF's deferred restoration), so a
restored optimizer continues exactly as the original; CheckpointManager keeps working."""
import numpy as np
import pytest

import swiftkeras as tf

X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
Y = (X @ np.float32([[1.0], [-2.0], [0.5]]) + 0.25).astype(np.float32)


def _model(seed):
    tf.keras.utils.set_random_seed(seed)
    return tf.keras.Sequential([tf.keras.layers.Dense(4, activation="tanh", input_shape=(3,)),
                                tf.keras.layers.Dense(1)])


def _steps(model, opt, n):
    for _ in range(n):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(X) - Y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))


@pytest.mark.parametrize("make", [lambda: tf.keras.optimizers.Adam(0.05),
                                  lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9),
                                  lambda: tf.keras.optimizers.RMSprop(0.01)])
def test_a_restored_optimizer_continues_exactly(tmp_path, make):
    model, opt = _model(1), make()
    _steps(model, opt, 3)
    path = tf.train.Checkpoint(model=model, optimizer=opt).write(str(tmp_path / "ckpt"))
    _steps(model, opt, 4)
    want = [np.asarray(w) for w in model.get_weights()]

    fresh_model, fresh_opt = _model(2), make()   # other weights, no optimizer state yet
    tf.train.Checkpoint(model=fresh_model, optimizer=fresh_opt).restore(path)
    assert int(fresh_opt.iterations) == 3
    _steps(fresh_model, fresh_opt, 4)
    assert int(fresh_opt.iterations) == 7
    for got, w in zip(fresh_model.get_weights(), want):
        np.testing.assert_array_equal(np.asarray(got), w)


def test_restoring_into_an_optimizer_that_already_has_state(tmp_path):
    model, opt = _model(1), tf.keras.optimizers.Adam(0.05)
    _steps(model, opt, 2)
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
    path = ckpt.write(str(tmp_path / "ckpt"))
    _steps(model, opt, 3)
    want = [np.asarray(w) for w in model.get_weights()]
    _steps(model, opt, 5)          # moves on; the restore rewinds weights, slots and iterations
    ckpt.read(path)
    assert int(opt.iterations) == 2
    _steps(model, opt, 3)
    for got, w in zip(model.get_weights(), want):
        np.testing.assert_array_equal(np.asarray(got), w)


def test_fit_resumes_from_a_checkpoint_manager(tmp_path):
    def compiled(seed):
        m = _model(seed)
        m.compile(optimizer=tf.keras.optimizers.Adam(0.02), loss="mse")
        return m
    model = compiled(1)
    model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=model.optimizer),
                                         str(tmp_path), max_to_keep=2)
    saved = manager.save()
    assert manager.latest_checkpoint == saved
    model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    want = [np.asarray(w) for w in model.get_weights()]

    other = compiled(3)
    tf.train.Checkpoint(model=other, optimizer=other.optimizer).restore(tf.train.latest_checkpoint(str(tmp_path)))
    assert int(other.optimizer.iterations) == 4
    other.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for got, w in zip(other.get_weights(), want):
        np.testing.assert_allclose(np.asarray(got), w, rtol=0, atol=0)


def test_state_that_does_not_fit_the_optimizer_is_refused(tmp_path):
    model, adam = _model(1), tf.keras.optimizers.Adam(0.05)
    _steps(model, adam, 1)
    path = tf.train.Checkpoint(optimizer=adam).write(str(tmp_path / "adam"))
    sgd = tf.keras.optimizers.SGD(0.1, momentum=0.9)
    _steps(model, sgd, 1)          # built: Adam's "velocity" is no SGD slot
    with pytest.raises(ValueError, match="velocity"):
        tf.train.Checkpoint(optimizer=sgd).read(path)
    assert int(sgd.iterations) == 1   # unchanged
    deferred = tf.keras.optimizers.SGD(0.1, momentum=0.9)
    tf.train.Checkpoint(optimizer=deferred).read(path)
    with pytest.raises(ValueError, match="velocity"):
        _steps(model, deferred, 1)
    empty = tf.train.Checkpoint(v=tf.Variable(1.0)).write(str(tmp_path / "no_optimizer"))
    with pytest.raises(tf.errors.NotFoundError, match="optimizer"):
        tf.train.Checkpoint(optimizer=tf.keras.optimizers.Adam()).read(empty)
