"""tf.data's index-gather path (``from_tensor_slices → shuffle → batch`` batches rows gathered by
index, no element per sample) gives the elements of the element-by-element path in the same
order; and issue 11's "done when": the TF2 guide's custom training loop ("Writing a training loop
from scratch": ``for step, (x, y) in enumerate(dataset)`` + ``tf.function`` train step with
GradientTape + apply_gradients + metrics, validation loop) and ``model.fit(dataset,
steps_per_epoch=...)``, run as written there with only the import changed."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

D = tf.data.Dataset


@pytest.mark.parametrize("n, buffer, batch, drop", [(50, 7, 8, False), (50, 50, 8, True), (33, 1, 5, False),
                                                    (33, 100, 32, False), (20, 4, 20, True)])
def test_shuffled_slices_batch_in_the_range_shuffles_order(n, buffer, batch, drop):
    x = np.stack([np.arange(n, dtype=np.float32), np.arange(n, dtype=np.float32) * 10 + 0.5], axis=1)
    y = np.arange(n, dtype=np.int64)
    ds = D.from_tensor_slices((x, {"label": y})).shuffle(buffer, seed=11).batch(batch, drop_remainder=drop)
    ref = D.range(n).shuffle(buffer, seed=11).batch(batch, drop_remainder=drop)
    assert int(ds.cardinality()) == int(ref.cardinality()) == (n // batch if drop else -(-n // batch))
    for _ in range(2):   # each pass reshuffles, the same way on both
        got = list(ds.as_numpy_iterator())
        want = list(ref.as_numpy_iterator())
        assert len(got) == len(want)
        for (gx, gd), w in zip(got, want):
            np.testing.assert_array_equal(gd["label"], w)
            np.testing.assert_array_equal(gx, x[w])
            assert gx.dtype == np.float32 and gd["label"].dtype == np.int64
    # element by element, the same index stream
    fixed = D.from_tensor_slices(y).shuffle(buffer, seed=3, reshuffle_each_iteration=False)
    order = [int(v) for v in fixed]
    assert order == [int(v) for v in fixed] == np.concatenate(list(fixed.batch(batch).as_numpy_iterator())).tolist()
    assert order == [int(v) for v in D.range(n).shuffle(buffer, seed=3, reshuffle_each_iteration=False)]


def test_string_and_unshuffled_slices():
    words = np.array([b"a", b"bb", b"ccc", b"dddd", b"e"])
    got = [b.tolist() for b in D.from_tensor_slices(words).batch(2).as_numpy_iterator()]
    assert got == [[b"a", b"bb"], [b"ccc", b"dddd"], [b"e"]]
    order = np.concatenate(list(D.range(5).shuffle(5, seed=4).batch(3).as_numpy_iterator()))
    shuffled = np.concatenate(list(D.from_tensor_slices(words).shuffle(5, seed=4).batch(3).as_numpy_iterator()))
    assert shuffled.tolist() == words[order].tolist()


def _mnist_like(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 20)).astype("float32")
    y = (x[:, :10].sum(axis=1) > x[:, 10:].sum(axis=1)).astype("int64") + 2 * (x[:, 0] > 0)
    return x, y


def test_tf2_guide_custom_training_loop_unmodified():
    # keras.io/guides/writing_a_training_loop_from_scratch (tf.keras 2), sizes reduced
    x_train, y_train = _mnist_like(1024, 0)
    x_val, y_val = _mnist_like(256, 1)
    inputs = keras.Input(shape=(20,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(4, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    optimizer = keras.optimizers.SGD(learning_rate=1e-1)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    batch_size = 64
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    val_dataset = val_dataset.batch(batch_size)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            assert logits.shape[1:] == (4,)   # the one line added to the guide's step
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc_metric.update_state(y, logits)
        return loss_value

    @tf.function
    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    epochs = 6
    seen = []
    for epoch in range(epochs):
        steps = 0
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            loss_value = train_step(x_batch_train, y_batch_train)
            steps = step + 1
            assert x_batch_train.shape[1:] == (20,) and float(loss_value) >= 0
        seen.append(steps)
        train_acc = train_acc_metric.result()
        train_acc_metric.reset_states()
        for x_batch_val, y_batch_val in val_dataset:
            test_step(x_batch_val, y_batch_val)
        val_acc = val_acc_metric.result()
        val_acc_metric.reset_states()
    assert seen == [16] * epochs
    assert float(train_acc) > 0.8 and float(val_acc) > 0.75


def test_fit_on_the_same_pipeline_with_steps_per_epoch():
    x, y = _mnist_like(1024, 2)
    model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(20,)), keras.layers.Dense(4)])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024, seed=1).batch(64).repeat().prefetch(tf.data.AUTOTUNE)
    h = model.fit(ds, epochs=5, steps_per_epoch=16, verbose=0)
    assert h.epoch == [0, 1, 2, 3, 4] and h.history["accuracy"][-1] > 0.85
    # unshuffled, fit on the dataset is fit on the arrays, loss by loss
    m1 = keras.models.clone_model(model)
    m2 = keras.models.clone_model(model)
    for m in (m1, m2):
        m.set_weights(model.get_weights())
        m.compile(optimizer=keras.optimizers.SGD(0.05), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    h1 = m1.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(64), epochs=2, verbose=0)
    h2 = m2.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
    assert h1.history["loss"] == h2.history["loss"]
