"""Writes the tf-keras 2 reference `.keras` / `.weights.h5` files of the saving tests (run with the
reference venv: TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python Tests/Fixtures/keras_v3/make_fixtures.py).

The models of ../keras_h5 (fixed ramp weights) saved with tf-keras' saving_lib: <name>.keras
(model.save) and <name>.weights.h5 (model.save_weights), <name>_expected.npz holding an input and
tf-keras' prediction. trained.keras / trained.h5: an MLP trained 3 full-batch steps with Adam,
saved with its optimizer state; trained_expected.npz holds the data, the iteration count and the
weights tf-keras reaches after one more train_on_batch of the loaded model (the oracle of "load,
continue training exactly"). half.h5 / half.keras: a float16 Dense layer.
"""
import os
import sys
import numpy as np
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import tf_keras as keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "keras_h5"))
sys.argv = [sys.argv[0]]
from make_fixtures import ramp, mlp, cnn, lstm  # noqa: E402

for name, make in [("mlp", mlp), ("cnn", cnn), ("lstm", lstm)]:
    model, x = make()
    ramp(model)
    model.save(os.path.join(HERE, name + ".keras"))
    model.save_weights(os.path.join(HERE, name + ".weights.h5"))
    np.savez(os.path.join(HERE, name + "_expected.npz"), x=x, y=model.predict(x, verbose=0))

# optimizer state: train, save, then one more step of the loaded model is the expected result
keras.utils.set_random_seed(0)
m = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)), keras.layers.Dense(1)], name="trained")
ramp(m)
m.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
y = (np.sin(np.arange(8, dtype=np.float32)) * 0.5).reshape(8, 1)
for _ in range(3):
    m.train_on_batch(x, y)
m.save(os.path.join(HERE, "trained.keras"))
m.save(os.path.join(HERE, "trained.h5"))
loaded = keras.models.load_model(os.path.join(HERE, "trained.keras"))
loss = loaded.train_on_batch(x, y)
loaded_h5 = keras.models.load_model(os.path.join(HERE, "trained.h5"))
loaded_h5.train_on_batch(x, y)
for a, b in zip(loaded.get_weights(), loaded_h5.get_weights()):
    assert np.allclose(a, b, atol=1e-6), "tf-keras continues .keras and .h5 alike"
np.savez(os.path.join(HERE, "trained_expected.npz"), x=x, y=y, iterations=int(m.optimizer.iterations.numpy()),
         loss=np.float32(loss), **{f"w{i}": w for i, w in enumerate(loaded.get_weights())})

half = keras.Sequential([keras.layers.Dense(2, dtype="float16", input_shape=(3,), name="half_dense")], name="half")
ramp(half)
half.save(os.path.join(HERE, "half.h5"))
half.save(os.path.join(HERE, "half.keras"))
np.savez(os.path.join(HERE, "half_expected.npz"), kernel=half.get_weights()[0], bias=half.get_weights()[1])
