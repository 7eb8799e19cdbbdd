"""Records tf.keras 2's `model.summary()` text for Tests/reference/summaries.json (the oracle of the
summary tests in Swift and Python). Run with TensorFlow and tf-keras installed:
    TF_USE_LEGACY_KERAS=1 python Tests/reference/make_summaries.py
`build_cases` is also imported by the Python test with swiftkeras in place of tensorflow."""
import json
import os


def build_cases(tf, keras, layers):
    """{case: (model, summary kwargs)}; every name explicit or from a fresh session."""
    keras.backend.clear_session()
    cases = {}
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.Dense(8, activation="tanh", name="hidden")(a)
    c = layers.Concatenate(name="concat")([h, b])
    cases["two_inputs"] = (keras.Model([a, b], layers.Dense(1, name="out")(c), name="two_inputs"), {})
    seq = keras.Sequential([layers.Dense(64, activation="relu", name="dense", input_shape=(64,)),
                            layers.Dense(10, activation="softmax", name="dense_1")], name="sequential")
    cases["sequential"] = (seq, {})
    x = keras.Input((4,), name="features")
    cases["chain"] = (keras.Model(x, layers.Dense(3, name="logits")(x), name="chain"), {})
    left, right = keras.Input((4,), name="left"), keras.Input((4,), name="right")
    shared = layers.Dense(2, name="shared")
    cases["shared"] = (keras.Model([left, right], layers.Add(name="sum")([shared(left), shared(right)]),
                                   name="shared_model"), {})
    inner = keras.Sequential([layers.Dense(4, input_shape=(3,), name="d4"), layers.Dense(2, name="d2")], name="inner")
    inner.layers[1].trainable = False
    xi = keras.Input((3,), name="x")
    cases["outer"] = (keras.Model(xi, inner(xi), name="outer"), {"expand_nested": True, "show_trainable": True})
    # the keras.io guides' shapes: wrapped class names, connections and multi-output layers
    emb = keras.Sequential([layers.Embedding(1000, 64, name="embedding"), layers.LSTM(128, name="lstm"),
                            layers.Dense(10, name="dense_2")], name="rnn")
    cases["rnn"] = (emb, {})
    img = keras.Input(shape=(32, 32, 3), name="img")
    t = layers.Conv2D(32, 3, activation="relu", name="conv2d")(img)
    b1 = layers.MaxPooling2D(3, name="max_pooling2d")(t)
    t = layers.Conv2D(32, 3, activation="relu", padding="same", name="conv2d_1")(b1)
    t = layers.add([t, b1], name="add")
    t = layers.GlobalAveragePooling2D(name="global_average_pooling2d")(t)
    t = layers.BatchNormalization(name="batch_normalization")(t)
    cases["toy_resnet"] = (keras.Model(img, layers.Dense(10, name="dense_3")(t), name="toy_resnet"), {})
    enc = keras.Input((None,), name="enc")
    e = layers.Embedding(100, 8, name="embedding_1")(enc)
    o, sh, sc = layers.LSTM(16, return_state=True, name="encoder")(e)
    cases["states"] = (keras.Model(enc, [layers.Dense(3, name="dense_4")(o), sh, sc], name="states"), {})

    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.d1 = layers.Dense(4, name="d_one")
            self.d2 = layers.Dense(2, name="d_two")
            self.unused = layers.Dense(3, name="d_unused")

        def call(self, inputs):
            return self.d2(self.d1(inputs))

    sub = Sub()
    sub(tf.zeros((1, 3)))
    cases["subclassed"] = (sub, {})
    return cases


def summary_text(model, **kwargs):
    lines = []
    model.summary(print_fn=lambda s, **k: lines.append(s), **kwargs)
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf
    from tensorflow import keras
    from tensorflow.keras import layers
    out = {name: summary_text(m, **kw) for name, (m, kw) in build_cases(tf, keras, layers).items()}
    seq = build_cases(tf, keras, layers)["sequential"][0]
    seq.layers[1].trainable = False
    out["sequential_frozen"] = summary_text(seq)
    try:
        keras.Sequential([layers.Dense(2)]).summary()
    except ValueError as e:
        out["unbuilt_error"] = str(e)
    import tf_keras
    out["_recorded_with"] = f"tensorflow {tf.__version__}, tf-keras {tf_keras.__version__}"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "summaries.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", path)
