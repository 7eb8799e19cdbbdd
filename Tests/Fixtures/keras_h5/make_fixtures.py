"""Writes the tf.keras 2 reference .h5 files of the HDF5 tests (run with the reference venv:
TF_USE_LEGACY_KERAS=1 /tmp/refvenv/bin/python Tests/Fixtures/keras_h5/make_fixtures.py).

Each model gets fixed weights (a deterministic ramp; a BatchNormalization variance made
positive), so the tests know every value without TensorFlow: mlp.h5 / cnn.h5 / lstm.h5 are full models (model.save), *_weights.h5 weights only
(model.save_weights), and <name>_expected.npz holds an input and tf.keras 2's prediction.
"""
import os
import numpy as np
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import tf_keras as keras

HERE = os.path.dirname(os.path.abspath(__file__))


def ramp(model):
    ws = []
    for i, w in enumerate(model.get_weights()):
        n = w.size
        ws.append((np.linspace(-0.5, 0.5, n, dtype=np.float32) * (1 + 0.1 * i)).reshape(w.shape))
    model.set_weights(ws)
    for layer in model.layers:   # a BatchNormalization's moving variance must stay positive
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([gamma, beta, mean, np.abs(var) + 0.5])


def mlp():
    m = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                          keras.layers.Dense(2, activation="softmax")], name="mlp")
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])
    return m, np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)


def cnn():
    inp = keras.Input((6, 6, 1), name="image")
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(inp)
    x = keras.layers.BatchNormalization(name="bn")(x)    # tf.keras 2 writes its axis as a list
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Flatten(name="flat")(x)
    out = keras.layers.Dense(3, name="logits")(x)
    m = keras.Model(inp, out, name="cnn")
    m.compile(optimizer="sgd", loss="mse")
    return m, np.linspace(-1, 1, 72, dtype=np.float32).reshape(2, 6, 6, 1)


def lstm():
    m = keras.Sequential([keras.layers.LSTM(3, input_shape=(4, 2)), keras.layers.Dense(1)], name="rnn")
    return m, np.linspace(-1, 1, 16, dtype=np.float32).reshape(2, 4, 2)


if __name__ == "__main__":   # ../keras_v3/make_fixtures.py imports the models
    for name, make in [("mlp", mlp), ("cnn", cnn), ("lstm", lstm)]:
        model, x = make()
        ramp(model)
        model.save(os.path.join(HERE, name + ".h5"))
        model.save_weights(os.path.join(HERE, name + "_weights.h5"))
        np.savez(os.path.join(HERE, name + "_expected.npz"), x=x, y=model.predict(x, verbose=0))
