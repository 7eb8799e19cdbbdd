"""Hostile-call fuzzer of the Python package: calls the backend (`keras.backend`), tensor
operators and indexing, conversions (`K.constant`, `K.variable`), the Keras constructors
(layers, metrics, losses, optimizers, callbacks) and models (compile / fit / evaluate /
predict / save) with hostile objects — lists that mutate themselves while being converted
(through `__index__` / `__float__`), recursive and 100-deep lists, objects whose `__len__`
lies or whose `__index__` / `__float__` / `__array__` raise, huge ints, NaN / Inf,
non-contiguous / negative-stride / object / complex numpy arrays, strings with lone
surrogates, index tuples with 129 `None`s or two ellipses, absurd config values.

Any Python exception is an acceptable answer; the interpreter dying (a signal) or a call not
returning (a hang) is a failure. The driver runs the calls in child interpreters of
`--per-child` calls each, under a memory limit and a time limit per child:

    python3 Tests/fuzz/fuzz_python.py [--calls N] [--per-child K] [--seed S] [--timeout SEC]

prints "python fuzz: N calls tried, C crashes, H hangs" and exits 1 on a crash or a hang.
"""
import os
import random
import sys

# ---------------------------------------------------------------------------------------------
# worker
# ---------------------------------------------------------------------------------------------
def worker(seed, calls):
    import inspect
    import numpy as np
    import swiftkeras as tf
    from swiftkeras import keras
    import swiftkeras.keras.backend as K
    import fuzz_python_keras_objects

    rnd = random.Random(seed)
    np_rs = np.random.RandomState(seed % (2 ** 32))
    victims = []   # lists the mutating objects act on

    class MutatingIndex:
        """An int whose __index__ clears, grows or replaces the list being converted."""
        def __init__(self, mode):
            self.mode = mode
        def __index__(self):
            for v in victims:
                if self.mode == 0:
                    v.clear()
                elif self.mode == 1:
                    v.extend([1] * 50)
                elif self.mode == 2 and v:
                    v[0] = [[1, 2], [3]]
                elif self.mode == 3:
                    del v[len(v) // 2:]
            return 1
        __int__ = __index__

    class MutatingFloat(MutatingIndex):
        def __float__(self):
            self.__index__()
            return 0.5
        __index__ = None   # a float-only object

    class Raising:
        def __index__(self):
            raise ValueError("hostile __index__")
        def __float__(self):
            raise ZeroDivisionError("hostile __float__")
        def __len__(self):
            raise RuntimeError("hostile __len__")

    class LyingLen:
        def __len__(self):
            return 2 ** 62
        def __getitem__(self, i):
            if i > 3:
                raise IndexError(i)
            return 1.0

    class BadArray:
        def __array__(self, dtype=None, copy=None):
            return rnd.choice([np.zeros((2, 0, 3)), "not an array", np.array([object()]), None])

    def deep(n):
        x = [1.0]
        for _ in range(n):
            x = [x]
        return x

    def recursive():
        r = []
        r.append(r)
        return r

    def np_hostile():
        k = rnd.randrange(9)
        if k == 0:
            return np_rs.randn(4, 6)[:, ::2]            # non-contiguous
        if k == 1:
            return np_rs.randn(5)[::-1]                  # negative stride
        if k == 2:
            return np.array([1, "a", None], dtype=object)
        if k == 3:
            return np.array([1 + 2j, 3j])
        if k == 4:
            return np.zeros((0, 2 ** 10, 0))
        if k == 5:
            return np.array(3.5)
        if k == 6:
            return np.array([np.nan, np.inf, -np.inf, 1e38], dtype=np.float32)
        if k == 7:
            return np.zeros((2,), dtype=[("a", "i4"), ("b", "f8")])
        return np.arange(12, dtype=rnd.choice(["int8", "uint16", "uint32", "int64", "float16", "bool"])).reshape(3, 4)

    def mutating_list():
        v = [1.0, 2.0, MutatingIndex(rnd.randrange(4)), 4.0, MutatingFloat(rnd.randrange(4)), 6.0]
        rnd.shuffle(v)
        victims[:] = [v]
        return v if rnd.random() < 0.5 else [list(v), list(v)]

    def nested_mutating():
        inner = [MutatingIndex(rnd.randrange(4)), 2, 3]
        outer = [inner, [4, 5, 6]]
        victims[:] = [inner, outer]
        return outer

    def tensor():
        shape = [rnd.choice([0, 1, 2, 3]) for _ in range(rnd.randrange(4))]
        dt = rnd.choice(["float32", "float64", "int32", "int64", "uint8", "bool", "float16"])
        with np.errstate(all="ignore"):
            a = (np_rs.randn(*shape) * rnd.choice([1, 1e30])).astype(dt)
        return K.constant(a) if rnd.random() < 0.7 else K.variable(a.astype("float32"))

    def hostile():
        k = rnd.randrange(24)
        if k < 6:
            return tensor()
        return [lambda: mutating_list(), lambda: nested_mutating(), lambda: MutatingIndex(rnd.randrange(4)),
                lambda: Raising(), lambda: LyingLen(), lambda: BadArray(), lambda: deep(rnd.choice([10, 70, 200])),
                lambda: recursive(), lambda: np_hostile(), lambda: rnd.choice([2 ** 62, -2 ** 63, 2 ** 100, 2 ** 31]),
                lambda: rnd.choice([float("nan"), float("inf"), -0.0, 1e308]), lambda: None,
                lambda: rnd.choice(["\ud800", "x" * 10000, "", "same", "channels_first", b"bytes"]),
                lambda: (None,) * rnd.choice([64, 65, 129, 300]), lambda: rnd.choice([True, False]),
                lambda: tuple(rnd.choice([0, 1, -1, 2 ** 40, None]) for _ in range(rnd.randrange(6))),
                lambda: [rnd.choice([0, 1, 2 ** 62]) for _ in range(rnd.randrange(4))],
                lambda: rnd.choice([int, float, object, np.float64])][k - 6]()

    def index_key():
        k = rnd.randrange(10)
        if k == 0:
            return (None,) * rnd.choice([63, 64, 65, 128, 129, 1000])
        if k == 1:
            return (Ellipsis, Ellipsis)
        if k == 2:
            return slice(rnd.choice([None, -2 ** 63, 2 ** 100]), rnd.choice([None, 2 ** 63]), rnd.choice([None, -1, 2 ** 62, -2 ** 63]))
        if k == 3:
            return tuple(rnd.choice([0, -1, slice(None), None, Ellipsis, 2 ** 62]) for _ in range(rnd.randrange(8)))
        if k == 4:
            return mutating_list()
        if k == 5:
            return MutatingIndex(rnd.randrange(4))
        if k == 6:
            return Raising()
        if k == 7:
            return np.array([True, False])
        if k == 8:
            return [[0, 1], [1, 0]]
        return rnd.choice([1.5, "a", {}, b"x", 2 ** 100])

    backend_names = [n for n in dir(K) if not n.startswith("_") and callable(getattr(K, n))]
    backend_skip = {"map_fn", "foldl", "foldr", "rnn", "function", "clear_session", "set_floatx", "set_epsilon",
                    "set_image_data_format", "name_scope", "eval", "print_tensor", "set_session", "get_session",
                    "manual_variable_initialization", "set_learning_phase", "learning_phase_scope"}
    backend_names = [n for n in backend_names if n not in backend_skip]

    def call_backend():
        n = rnd.choice(backend_names)
        f = getattr(K, n)
        try:
            sig = inspect.signature(f)
            req = len([p for p in sig.parameters.values() if p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD])
            m = len(sig.parameters)
        except (TypeError, ValueError):
            req, m = 1, 3
        f(*[hostile() for _ in range(rnd.randint(req, max(req, min(m, 5))))])

    def call_tensor():
        t = tensor()
        k = rnd.randrange(6)
        if k == 0:
            return t[index_key()]
        if k == 1:
            op = rnd.choice(["__add__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__", "__matmul__",
                             "__lt__", "__eq__", "__and__", "__radd__", "__rsub__", "__neg__", "__abs__", "__getitem__"])
            meth = getattr(t, op, None)
            if meth is None:
                return None
            return meth() if op in ("__neg__", "__abs__") else meth(hostile())
        if k == 2:
            return K.constant(hostile(), dtype=rnd.choice([None, "float32", "int64", "bool", "bogus", 99]))
        if k == 3:
            return K.variable(hostile(), dtype=rnd.choice([None, "float32", "int8"]))
        if k == 4:
            return repr(K.zeros(rnd.choice([(0, 2 ** 62, 2 ** 62), (2 ** 31, 2 ** 31, 0), (0,), (2, 0, 3)])))
        return [len(t) if t.shape else 0, bool(t) if t.shape in ((), (1,)) else 0, int(t) if t.shape == () else 0,
                list(t)[:3] if t.shape and t.shape[0] < 100 else 0]

    layer_classes = [n for n in dir(keras.layers) if n[:1].isupper() and n not in ("Layer", "InputSpec")]
    kwargs_pool = ["units", "filters", "kernel_size", "rate", "input_dim", "output_dim", "pool_size", "strides",
                   "padding", "activation", "axis", "target_shape", "dims", "n", "size", "alpha", "momentum",
                   "epsilon", "return_sequences", "dilation_rate", "depth_multiplier", "cropping", "input_shape"]
    values_pool = [0, 1, -1, 2, 2 ** 40, 2 ** 62, -2 ** 63, 0.5, float("nan"), float("inf"), None, "same", "bogus",
                   (2, 2), (0, 0), (-1,), (2 ** 40, 2), [], True, "\ud800"]

    def call_keras_object():
        k = rnd.randrange(5)
        kw = {rnd.choice(kwargs_pool): rnd.choice(values_pool) for _ in range(rnd.randrange(3))}
        if k == 0:
            cls = getattr(keras.layers, rnd.choice(layer_classes))
            layer = cls(**kw)
            return layer(tensor()) if rnd.random() < 0.5 else layer
        if k == 1:
            return keras.metrics.AUC(num_thresholds=rnd.choice([2 ** 40, 2 ** 62, -1, 0, 1, 2, 3]))
        if k == 2:
            cls = rnd.choice([keras.optimizers.SGD, keras.optimizers.Adam, keras.optimizers.RMSprop])
            return cls(learning_rate=rnd.choice([float("nan"), -1, float("inf"), 0, 1e308, "x"]),
                       **({"clipnorm": rnd.choice([-1, float("nan")])} if rnd.random() < 0.3 else {}))
        if k == 3:
            name = rnd.choice(["Mean", "Precision", "Recall", "MeanIoU", "TopKCategoricalAccuracy", "AUC"])
            cls = getattr(keras.metrics, name)
            return cls(**{rnd.choice(["num_thresholds", "thresholds", "num_classes", "k", "top_k", "name"]):
                          rnd.choice(values_pool)})
        cls = rnd.choice([keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau])
        return cls(**{rnd.choice(["patience", "min_delta", "factor", "monitor", "mode"]): rnd.choice(values_pool)})

    model = keras.Sequential([keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np_rs.randn(16, 4).astype("float32")
    y = np_rs.randint(0, 2, size=(16,))
    model.fit(x, y, epochs=1, verbose=0)
    import tempfile
    tmp = tempfile.mkdtemp(prefix="skpyfuzz-")
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)

    def call_model():
        k = rnd.randrange(5)
        if k == 0:
            return model.fit(rnd.choice([x, hostile()]), rnd.choice([y, hostile()]),
                             batch_size=rnd.choice([None, 0, -1, 2.5, 2 ** 62, 1, "x"]), epochs=rnd.choice([0, 1, -1]),
                             validation_split=rnd.choice([0.0, 0.5, -1, 1.0, float("nan")]), verbose=0)
        if k == 1:
            return model.predict(rnd.choice([x, hostile()]), batch_size=rnd.choice([None, 0, 3, 2 ** 40]), verbose=0)
        if k == 2:
            return model.evaluate(rnd.choice([x, hostile()]), rnd.choice([y, hostile()]), verbose=0,
                                  batch_size=rnd.choice([None, 0, 5]))
        if k == 3:
            path = rnd.choice([fifo, tmp, os.path.join(tmp, "m.safetensors"), "", "/nonexistent/x", "\ud800"])
            return model.save(path) if rnd.random() < 0.5 else keras.models.load_model(path)
        return model(rnd.choice([x, hostile()]))

    os.chdir(tmp)   # relative hostile paths ("", "-1") land in the scratch directory, not the checkout
    os.mkdir(os.path.join(tmp, "fifodir"))
    os.mkfifo(os.path.join(tmp, "fifodir", "checkpoint"))   # tf.train.Checkpoint's state file
    targets = [call_backend] * 4 + [call_tensor] * 4 + [call_keras_object] * 2 + [call_model]
    targets += fuzz_python_keras_objects.targets(rnd, np_rs, hostile, tensor, tmp)
    done = ok = 0
    kinds = {}
    for i in range(calls):
        victims[:] = []
        done += 1
        try:
            rnd.choice(targets)()
            ok += 1
        except Exception as e:   # any exception is an answer; only a dead interpreter is not
            kinds[type(e).__name__] = kinds.get(type(e).__name__, 0) + 1
    print(f"calls {done} returned {ok} raised {sorted(kinds.items(), key=lambda kv: -kv[1])}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fuzz_driver
    sys.exit(fuzz_driver.main(sys.argv[1:], __file__, worker, "calls", {"--calls": 2000, "--per-child": 500, "--seed": 1, "--timeout": 120},
                              "python fuzz: {} calls tried, {} crashes, {} hangs"))
