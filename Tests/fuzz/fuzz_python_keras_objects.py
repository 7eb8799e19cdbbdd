"""Hostile calls of fuzz_python.py on the kinds of objects the later sessions added: string
tensors and ``tf.strings``, preprocessing layers with ``adapt`` (arrays, tensors, datasets),
the ``tf.linalg`` decompositions, ``keras.initializers`` / ``keras.regularizers`` objects,
``keras.applications``, serialization (``get_config`` / ``from_config``, ``clone_model``,
pickling), masked layer calls and layer calls with arguments (attention roles, masks,
``return_attention_scores``), optimizer state through ``tf.train.Checkpoint`` (save, write,
restore, ``latest_checkpoint``, ``CheckpointManager``) and the file-writing callbacks
(CSVLogger, TensorBoard, BackupAndRestore, ModelCheckpoint) pointed at hostile paths.

``targets(...)`` returns the callables fuzz_python.py's worker draws from; each makes one
hostile call (any Python exception is an answer, a dead interpreter or a hang is not).
"""
import os


def targets(rnd, np_rs, hostile, tensor, tmp):
    """The call makers, sharing the worker's PRNGs, its hostile-value and tensor makers and its
    scratch directory `tmp` (which holds a FIFO called "fifo", and a directory "fifodir" whose
    "checkpoint" — tf.train.Checkpoint's state file — is a FIFO)."""
    import numpy as np
    import swiftkeras as tf
    from swiftkeras import keras

    fifo = os.path.join(tmp, "fifo")
    words = ["the cat", "a dog", "the dog", "cat", "", "\xff".encode("latin-1"), "THE  Cat ", "1.5"]

    def hostile_path():
        return rnd.choice([fifo, tmp, os.path.join(tmp, "x"), os.path.join(tmp, "sub", "y"), "", "/nonexistent/x",
                           "\ud800", os.path.join(tmp, "ckpt"), os.path.join(fifo, "under_fifo"), b"\xff/x", 3, None,
                           os.path.join(tmp, "fifodir", "ckpt"), os.path.join(tmp, "fifodir")])

    def string_tensor():
        k = rnd.randrange(6)
        if k == 0:
            return tf.constant(rnd.sample(words[:5] + ["x"], rnd.randrange(1, 6)))
        if k == 1:
            return tf.constant(np.array([["a", "bb"], ["", "d\x00e"]]))
        if k == 2:
            return tf.constant(np.array([b"\xff\xfe", b"", b"\xc3\x28"], dtype=object))
        if k == 3:
            return tf.constant("scalar")
        if k == 4:
            return tf.constant(np.array([], dtype="U1"))
        return hostile()

    def call_strings():
        x = string_tensor()
        k = rnd.randrange(10)
        s = tf.strings
        if k == 0:
            return s.lower(x, encoding=rnd.choice(["", "utf-8", "bogus"]))
        if k == 1:
            return s.upper(x)
        if k == 2:
            return s.strip(x)
        if k == 3:
            return s.length(x, unit=rnd.choice(["BYTE", "UTF8_CHAR", "x"]))
        if k == 4:
            return s.substr(x, rnd.choice([0, 1, -1, 2 ** 62, -2 ** 63, hostile()]), rnd.choice([0, 2, -1, 2 ** 62, hostile()]))
        if k == 5:
            return s.to_number(x, out_type=rnd.choice([None, tf.float32, tf.int64, tf.int32, tf.bool, "bogus"]))
        if k == 6:
            return s.regex_replace(x, rnd.choice(["a", "[aeiou]", "[^a-z ]+", "(a|b)*", "", "[", "\\", "[z-a]"]),
                                   rnd.choice(["", "x", "\\1", "\ud800"]), replace_global=rnd.random() < 0.5)
        if k == 7:
            return s.join([x, string_tensor()] if rnd.random() < 0.7 else [], separator=rnd.choice(["", ",", "\x00"]))
        if k == 8:
            return x[rnd.choice([0, -1, slice(None, None, -1), None, 2 ** 40])]
        return rnd.choice([tf.reshape, tf.concat, tf.gather, tf.tile, tf.reverse, tf.equal, tf.add])(
            x, rnd.choice([[-1], [2, 2], 0, [1], [0], string_tensor(), hostile()]))

    preprocessing = ["StringLookup", "IntegerLookup", "TextVectorization", "Normalization", "Discretization",
                     "CategoryEncoding", "Hashing", "Rescaling", "Resizing", "CenterCrop", "RandomFlip",
                     "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast"]
    preprocessing = [n for n in preprocessing if hasattr(keras.layers, n)]   # those the package has
    pre_kwargs = {"max_tokens": [None, 0, 1, 3, 2 ** 40, -1], "num_oov_indices": [0, 1, 2, -1, 2 ** 40],
                  "vocabulary": [None, ["a", "a"], ["a", "b"], [], [1, 2], os.path.join(tmp, "vocab.txt"), fifo, tmp,
                                 np.array(["x", "y"]), [None]],
                  "output_mode": ["int", "one_hot", "multi_hot", "count", "tf_idf", "bogus", None],
                  "output_sequence_length": [None, 0, 4, -1, 2 ** 40], "mask_token": [None, "", "a", 0],
                  "num_bins": [0, 1, 3, -1, 2 ** 40], "bin_boundaries": [None, [], [1, 0], [float("nan")]],
                  "axis": [-1, 0, 1, 99, None, (0, 1)], "mean": [None, 0.5, [1, 2]], "variance": [None, 0.0, -1.0],
                  "num_tokens": [None, 0, 4, 2 ** 40], "height": [0, 2, -1, 2 ** 31], "width": [0, 3, 2 ** 31],
                  "factor": [0.0, 0.5, -1, (0.1, 0.2), 2.0, float("nan")], "scale": [1.0, float("inf")],
                  "split": ["whitespace", None, "character", "bogus"], "ngrams": [None, 2, 0, -1, (1, 2)],
                  "standardize": ["lower_and_strip_punctuation", None, "bogus"], "invert": [True, False],
                  "seed": [None, 1, -1, 2 ** 70], "sparse": [True, False], "pad_to_max_tokens": [True, False]}

    def adapt_data():
        k = rnd.randrange(5)
        if k == 0:
            return string_tensor()
        if k == 1:
            return tensor()
        if k == 2:
            return tf.data.Dataset.from_tensor_slices(rnd.choice([words[:5], np_rs.randn(6, 2).astype("float32"),
                                                                 np.arange(5)])).batch(rnd.choice([1, 2]))
        if k == 3:
            return np_rs.randn(4, 3, 2)
        return hostile()

    def call_preprocessing():
        cls = getattr(keras.layers, rnd.choice(preprocessing))
        kw = {}
        for _ in range(rnd.randrange(4)):
            key = rnd.choice(list(pre_kwargs))
            kw[key] = rnd.choice(pre_kwargs[key])
        layer = cls(**kw)
        if rnd.random() < 0.7 and hasattr(layer, "adapt"):
            layer.adapt(adapt_data(), batch_size=rnd.choice([None, 1, 0, -1, 2 ** 40]),
                        steps=rnd.choice([None, 1, 0, -1]))
        if rnd.random() < 0.3 and hasattr(layer, "get_vocabulary"):
            layer.get_vocabulary(include_special_tokens=rnd.random() < 0.5)
        return layer(rnd.choice([string_tensor(), tensor(), adapt_data()]), training=rnd.random() < 0.5)

    def call_linalg():
        m = rnd.choice([tensor(), tf.constant(np_rs.randn(3, 3).astype(rnd.choice(["float32", "float64"]))),
                        tf.constant(np.full((2, 2), np.nan, "float32")), tf.constant(np.zeros((0, 3, 3), "float32")),
                        tf.constant(np.ones((2, 3, 4), "float64")), string_tensor(), hostile()])
        k = rnd.randrange(7)
        L = tf.linalg
        if k == 0:
            return L.qr(m, full_matrices=rnd.random() < 0.5)
        if k == 1:
            return L.svd(m, full_matrices=rnd.random() < 0.5, compute_uv=rnd.random() < 0.5)
        if k == 2:
            return L.eigh(m)
        if k == 3:
            return L.eigvalsh(m)
        if k == 4:
            return L.lstsq(m, rnd.choice([m, tensor(), hostile()]), l2_regularizer=rnd.choice([0.0, -1.0, float("nan")]))
        if k == 5:
            with tf.GradientTape() as tape:
                v = tf.Variable(tf.cast(m, "float32")) if hasattr(m, "shape") else tf.Variable(1.0)
                tape.watch(v)
                loss = tf.reduce_sum(L.svd(v, compute_uv=False))
            return tape.gradient(loss, v)
        return rnd.choice([L.inv, L.det, L.cholesky, L.logdet, L.slogdet, L.trace])(m)

    def call_initializer_regularizer():
        k = rnd.randrange(4)
        shape = rnd.choice([(2, 3), (0,), (), (2 ** 31, 2 ** 31), (-1, 2), (3, 3, 3), [2 ** 40], hostile()])
        dtype = rnd.choice([None, "float32", "float64", "int32", "string", "bogus"])
        if k == 0:
            name = rnd.choice(["Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
                               "VarianceScaling", "Orthogonal", "Identity", "GlorotUniform", "HeNormal", "LecunUniform"])
            kw = {rnd.choice(["value", "stddev", "mean", "minval", "maxval", "scale", "mode", "distribution", "gain",
                              "seed"]): rnd.choice([0, -1, 1e308, float("nan"), "fan_avg", "bogus", None, 2 ** 70,
                                                    hostile()]) for _ in range(rnd.randrange(3))}
            init = getattr(keras.initializers, name)(**kw)
            return init(shape, dtype=dtype) if rnd.random() < 0.8 else init.get_config()
        if k == 1:
            return keras.initializers.get(rnd.choice(["glorot_uniform", "bogus", {"class_name": "Orthogonal",
                                                      "config": {"gain": float("inf")}}, None, 3, hostile()]))
        if k == 2:
            reg = rnd.choice([getattr(keras.regularizers, n) for n in ("L1", "L2", "L1L2", "OrthogonalRegularizer")
                              if hasattr(keras.regularizers, n)])(
                **({rnd.choice(["l1", "l2", "factor", "mode"]): rnd.choice([0.01, -1, float("nan"), "rows", "bogus",
                                                                           hostile()])} if rnd.random() < 0.7 else {}))
            return reg(rnd.choice([tensor(), string_tensor(), hostile()]))
        return keras.regularizers.get(rnd.choice(["l2", "bogus", {"class_name": "L1L2", "config": {"l1": -1}}, hostile()]))

    def call_application():
        name = rnd.choice(["MobileNetV2", "VGG16", "ResNet50", "VGG19"])
        kw = {"weights": rnd.choice([None, None, None, "imagenet", os.path.join(tmp, "w.h5"), fifo]),
              "input_shape": rnd.choice([(32, 32, 3), (8, 8, 3), (2 ** 40, 2, 3), (0, 32, 3), (32, 32), None, (-1, 32, 3)]),
              "include_top": rnd.random() < 0.3, "classes": rnd.choice([3, 0, -1, 2 ** 40]),
              "pooling": rnd.choice([None, "avg", "max", "bogus"])}
        if name == "MobileNetV2":
            kw["alpha"] = rnd.choice([0.35, 0.0, -1.0, float("nan"), 2 ** 40])
        if name != "MobileNetV2" and kw["input_shape"] in ((32, 32, 3), None):
            kw["input_shape"] = (8, 8, 3)   # VGG / ResNet (25M parameters at 224x224) are slow to build
        return getattr(keras.applications, name)(**kw)

    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np_rs.randn(8, 4).astype("float32"), np_rs.randn(8, 2).astype("float32"), epochs=1, verbose=0)

    def mutated(cfg, depth=0):
        if isinstance(cfg, dict):
            return {k: (rnd.choice([2 ** 40, -1, None, "bogus", float("nan"), [], {}]) if rnd.random() < 0.15
                        else mutated(v, depth + 1)) for k, v in cfg.items()}
        if isinstance(cfg, list) and depth < 20:
            return [mutated(v, depth + 1) for v in cfg]
        return cfg

    def call_serialization():
        k = rnd.randrange(6)
        if k == 0:
            cfg = model.get_config()
            return keras.Sequential.from_config(mutated(cfg) if rnd.random() < 0.7 else cfg)
        if k == 1:
            layer = getattr(keras.layers, rnd.choice(["Dense", "LSTM", "StringLookup", "Normalization", "Conv2D",
                                                      "MultiHeadAttention", "Embedding"]))
            try:
                cfg = layer(**{"units": 2, "filters": 2, "kernel_size": 2, "num_heads": 2, "key_dim": 2, "input_dim": 4,
                               "output_dim": 2}).get_config()
            except TypeError:
                cfg = layer().get_config()
            return layer.from_config(mutated(cfg))
        if k == 2:
            return keras.models.clone_model(rnd.choice([model, hostile()]))
        if k == 3:
            return keras.models.model_from_json(rnd.choice([model.to_json(), "{", "[]", '{"class_name": "Sequential"}',
                                                            '{"class_name": "Sequential", "config": {"layers": 3}}']))
        if k == 4:
            import pickle
            return pickle.loads(pickle.dumps(model)[:rnd.choice([None, 10, -5])])
        return keras.layers.deserialize(mutated(keras.layers.serialize(keras.layers.Dense(2))))

    def call_masked_and_arguments():
        k = rnd.randrange(5)
        ids = tf.constant(np.array([[1, 2, 0, 0], [3, 0, 0, 0]]))
        if k == 0:
            emb = keras.layers.Embedding(5, 2, mask_zero=rnd.random() < 0.8)
            rnn = rnd.choice([keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN])(
                2, return_sequences=rnd.random() < 0.5, return_state=rnd.random() < 0.5)
            return rnn(emb(rnd.choice([ids, tensor(), hostile()])), mask=rnd.choice([None, hostile(), tf.constant([True])]))
        if k == 1:
            mha = keras.layers.MultiHeadAttention(num_heads=rnd.choice([1, 2, 0]), key_dim=rnd.choice([2, 0, 2 ** 40]))
            q = rnd.choice([tf.constant(np_rs.randn(2, 3, 4).astype("float32")), tensor(), hostile()])
            return mha(q, rnd.choice([q, tensor(), hostile()]), key=rnd.choice([None, q, hostile()]),
                       attention_mask=rnd.choice([None, tf.constant(np.ones((2, 3, 3), bool)), hostile()]),
                       return_attention_scores=rnd.random() < 0.5, use_causal_mask=rnd.random() < 0.5,
                       training=rnd.choice([None, True, hostile()]))
        if k == 2:
            att = rnd.choice([keras.layers.Attention, keras.layers.AdditiveAttention])(
                **({"score_mode": rnd.choice(["dot", "concat", "bogus"])} if rnd.random() < 0.3 else {}))
            q = tf.constant(np_rs.randn(2, 3, 4).astype("float32"))
            return att(rnd.choice([[q, q], [q, q, q], [q], q, hostile()]),
                       mask=rnd.choice([None, [None, tf.constant(np.ones((2, 3), bool))], hostile()]),
                       return_attention_scores=rnd.random() < 0.5, use_causal_mask=rnd.random() < 0.5)
        if k == 3:
            m = keras.layers.Masking(mask_value=rnd.choice([0.0, float("nan"), hostile()]))
            return keras.layers.GlobalAveragePooling1D()(m(rnd.choice([tensor(), hostile()])))
        return keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True))(
            keras.layers.Embedding(5, 2, mask_zero=True)(rnd.choice([ids, hostile()])))

    def call_checkpoint():
        opt = rnd.choice([model.optimizer, keras.optimizers.SGD(0.1, momentum=0.9), keras.optimizers.Adam()])
        ckpt = tf.train.Checkpoint(model=model, optimizer=opt) if rnd.random() < 0.8 else \
            tf.train.Checkpoint(**{rnd.choice(["x", "_x", "model"]): rnd.choice([model, hostile(), tf.Variable(1.0)])})
        k = rnd.randrange(6)
        if k == 0:
            return ckpt.save(hostile_path())
        if k == 1:
            return ckpt.write(hostile_path())
        if k == 2:
            return ckpt.restore(rnd.choice([hostile_path(), ckpt.write(os.path.join(tmp, "good"))]))
        if k == 3:
            return tf.train.latest_checkpoint(hostile_path())
        if k == 4:
            mgr = tf.train.CheckpointManager(ckpt, rnd.choice([os.path.join(tmp, "mgr"), fifo, tmp, hostile_path()]),
                                             max_to_keep=rnd.choice([1, 0, -1, None, 2 ** 40]))
            return mgr.save(checkpoint_number=rnd.choice([None, 0, -1, 2 ** 62]))
        return tf.train.Checkpoint(model=model).read(hostile_path())

    def call_file_callbacks():
        k = rnd.randrange(4)
        path = hostile_path()
        if k == 0:
            cb = keras.callbacks.CSVLogger(path, separator=rnd.choice([",", "", "\x00", "ab"]), append=rnd.random() < 0.5)
        elif k == 1:
            cb = keras.callbacks.TensorBoard(log_dir=path, update_freq=rnd.choice(["epoch", "batch", 1, 0, -1, 2 ** 62]))
        elif k == 2:
            cb = keras.callbacks.BackupAndRestore(path, delete_checkpoint=rnd.random() < 0.5)
        else:
            cb = keras.callbacks.ModelCheckpoint(rnd.choice([path, os.path.join(tmp, "c-{epoch:02d}.keras"),
                                                             os.path.join(tmp, "c-{bogus}.keras")]),
                                                 save_weights_only=rnd.random() < 0.5, save_best_only=rnd.random() < 0.3)
        x = np_rs.randn(8, 4).astype("float32")
        return model.fit(x, np_rs.randn(8, 2).astype("float32"), epochs=rnd.choice([1, 2]), batch_size=4,
                         validation_split=rnd.choice([0.0, 0.25]), callbacks=[cb], verbose=0)

    return [call_strings] * 3 + [call_preprocessing] * 3 + [call_linalg] * 2 + [call_initializer_regularizer] * 2 + \
        [call_application] + [call_serialization] * 2 + [call_masked_and_arguments] * 2 + [call_checkpoint] * 2 + \
        [call_file_callbacks]
