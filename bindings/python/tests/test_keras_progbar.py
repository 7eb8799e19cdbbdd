"""fit(verbose=1) on a terminal redraws Keras' bar in place; elsewhere one line per epoch."""
import io
import sys

import numpy as np

from swiftkeras import keras


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def _model():
    keras.utils.set_random_seed(3)
    m = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
    m.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
    return m


def _data():
    rng = np.random.RandomState(0)
    x = rng.randn(256, 4).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def test_live_bar_on_a_terminal(monkeypatch):
    out = FakeTTY()
    monkeypatch.setattr(sys, "stdout", out)
    x, y = _data()
    h = _model().fit(x, y, batch_size=32, epochs=2, verbose=1)
    text = out.getvalue()
    lines = text.split("\n")
    assert lines[0] == "Epoch 1/2"
    # The core redraws the bar (the first batch of an epoch always, then at most every 50 ms,
    # never the last); the epoch's final line overwrites it on the same terminal line.
    epoch_rows = [l for l in lines if "8/8 " in l]
    assert len(epoch_rows) == 2
    for row in epoch_rows:
        assert row.startswith("\r1/8 ") and " - loss: " in row
        assert row.rsplit("\r", 1)[-1].startswith("8/8 ")
    assert "\r8/8 [==============================] - ETA" not in text   # no live bar for the last batch
    assert " - ETA: " in text   # tf.keras 2's live bar
    assert len(h.history["loss"]) == 2


def test_no_live_bar_when_not_a_terminal(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    x, y = _data()
    _model().fit(x, y, batch_size=32, epochs=2, verbose=1)
    text = out.getvalue()
    assert "\r" not in text
    assert [l for l in text.splitlines() if l.startswith("8/8 ")].__len__() == 2
