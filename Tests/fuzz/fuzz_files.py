"""Corrupt-file fuzzer of every loader (half of the files: those of fuzz_files_formats.py — model
directories, checkpoints with optimizer state and their state file, BackupAndRestore backups,
pickled models, CSVLogger files, TensorBoard log directories, vocabulary files):
`keras.models.load_model` (sk_model_load_ex),
`Model.load_weights` with and without `skip_mismatch` (sk_model_load_weights(_ex)) and the
saved compile config (sk_model_file_compile_config) read files derived from valid saves of
several models (Sequential, functional, convolutional, compiled with metrics such as AUC) by:
truncation at random and at structural offsets; a header length that is huge, zero, past
the end or inside the header; data offsets that are huge, negative, reversed, overlapping or
past the end; dtype / shape mismatches (wrong dtype names, negative, huge and overflowing
dims); invalid UTF-8, duplicate keys and 100,000-deep nesting in the header; model and compile
configs with absurd values (units 2^40, num_thresholds 2^40, learning_rate -1 / NaN, unknown
classes, deep configs); random byte flips.

Every load must return or raise a Python exception; a loader killing the interpreter (a
signal) or not returning is a failure. Files are loaded in child interpreters, `--per-child`
files each, under a memory and a time limit:

    python3 Tests/fuzz/fuzz_files.py [--files N] [--per-child K] [--seed S] [--timeout SEC]

prints "file fuzz: N corrupt files loaded, C crashes, H hangs" and exits 1 on a crash or hang.
"""
import json
import os
import random
import struct
import sys
import tempfile

def make_seeds(dirname):
    """Valid files to mutate: (path, kind) with kind "model" or "weights"."""
    import numpy as np
    from swiftkeras import keras
    out = []
    x = np.random.RandomState(0).randn(8, 4).astype("float32")
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    seq = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)),
                            keras.layers.Dense(1, activation="sigmoid")])
    seq.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                metrics=["accuracy", keras.metrics.AUC(num_thresholds=7)])
    seq.fit(x, y, epochs=1, verbose=0)
    inp = keras.Input((4,))
    h = keras.layers.Dense(5, activation="tanh")(inp)
    fun = keras.Model(inp, keras.layers.Dense(1)(h))
    fun.compile(optimizer="sgd", loss="mse")
    conv = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(2)])
    for name, m in (("seq", seq), ("fun", fun), ("conv", conv)):
        p = os.path.join(dirname, f"{name}.safetensors")
        m.save(p)
        out.append((p, "model"))
        w = os.path.join(dirname, f"{name}.weights.safetensors")
        m.save_weights(w)
        out.append((w, "weights"))
    return out


def split(data):
    """(header dict, raw header bytes, body) of a safetensors file, or None."""
    if len(data) < 8:
        return None
    n = struct.unpack("<Q", data[:8])[0]
    try:
        return json.loads(data[8:8 + n]), data[8:8 + n], data[8 + n:]
    except Exception:
        return None


def join(header, body, rnd, raw=None):
    h = raw if raw is not None else json.dumps(header).encode()
    if rnd.random() < 0.2:
        h += b" " * rnd.randrange(8)   # padding, as some writers do
    return struct.pack("<Q", len(h)) + h + body


HUGE = [2 ** 63 - 1, 2 ** 62, 2 ** 40, 2 ** 32 + 1, 2 ** 31, -1, -2 ** 63, 0, 1]
ABSURD = [2 ** 40, 2 ** 62, -1, 0, -2 ** 63, 1e308, float("nan"), float("inf"), "x", None, [], {}, [2 ** 40] * 3,
          "\ud800", True]


def mutate_config(cfg, rnd, depth=0):
    """Replaces a few values of a (nested) config with absurd ones."""
    if isinstance(cfg, dict):
        keys = list(cfg)
        for k in keys:
            if rnd.random() < 0.25:
                cfg[k] = rnd.choice(ABSURD)
            elif depth < 30:
                mutate_config(cfg[k], rnd, depth + 1)
        if rnd.random() < 0.1:
            cfg[rnd.choice(["units", "num_thresholds", "learning_rate", "filters", "kernel_size", "bogus_key",
                            "class_name", "layers", "batch_input_shape"])] = rnd.choice(ABSURD)
    elif isinstance(cfg, list):
        for i in range(len(cfg)):
            if rnd.random() < 0.2:
                cfg[i] = rnd.choice(ABSURD)
            elif depth < 30:
                mutate_config(cfg[i], rnd, depth + 1)
    return cfg


def mutate(data, rnd):
    """One corrupt variant of the valid file bytes `data`."""
    parts = split(data)
    k = rnd.randrange(12)
    if k == 0 or parts is None:   # truncation
        cut = rnd.choice([0, 1, 7, 8, 9, len(data) // 2, len(data) - 1, rnd.randrange(len(data) + 1)])
        return data[:cut]
    header, raw, body = parts
    if k == 1:   # header length field
        n = rnd.choice(HUGE + [len(raw) + 1, len(raw) - 1, len(data), 2])
        return struct.pack("<q" if n < 0 else "<Q", n) + data[8:]
    tensors = [t for t in header if t != "__metadata__"]
    if k == 2 and tensors:   # data offsets
        t = header[rnd.choice(tensors)]
        b, e = t["data_offsets"]
        t["data_offsets"] = rnd.choice([[e, b], [b, b + 2 ** 40], [-1, e], [b, 2 ** 63 - 1], [0, 0], [b, e + 1],
                                        [b + 1, e], [0, len(body) + 8], [b, e, 3], "x"])
        return join(header, body, rnd)
    if k == 3 and tensors:   # dtype
        header[rnd.choice(tensors)]["dtype"] = rnd.choice(["F64", "F16", "BF16", "I8", "U8", "BOOL", "I64", "bogus",
                                                            "", 3, None, "F8_E4M3", "C64"])
        return join(header, body, rnd)
    if k == 4 and tensors:   # shape
        t = header[rnd.choice(tensors)]
        t["shape"] = rnd.choice([[], [0], [-1], [2 ** 62, 2 ** 62], [2 ** 31, 2 ** 31, 0], [1] * 100, ["2"],
                                 list(reversed(t.get("shape", []))), t.get("shape", []) + [1], [3, 3, 3, 3]])
        return join(header, body, rnd)
    if k == 5:   # invalid UTF-8, duplicate keys, deep nesting inside the header
        choice = rnd.randrange(3)
        if choice == 0:
            raw2 = raw.replace(b'"', b'"\xff', 1)
        elif choice == 1:
            raw2 = raw[:-1] + b',"__metadata__":{"a":"b"}}' if raw.endswith(b"}") else raw
        else:
            depth = rnd.choice([100, 10000, 100000])
            raw2 = raw[:-1] + b',"deep":' + b"[" * depth + b"]" * depth + b"}"
        return join(None, body, rnd, raw=raw2)
    if k in (6, 7, 8) and "__metadata__" in header:   # configs with absurd values
        meta = header["__metadata__"]
        keys = [m for m in meta if isinstance(meta[m], str) and meta[m][:1] in "{["]
        if keys:
            key = rnd.choice(keys)
            try:
                cfg = json.loads(meta[key])
            except ValueError:
                cfg = {}
            if k == 8 and rnd.random() < 0.3:
                cfg = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Sequential", "config": {}}] * 50}}
                for _ in range(200):
                    cfg = {"class_name": "Sequential", "config": {"layers": [cfg]}}
            meta[key] = json.dumps(mutate_config(cfg, rnd))
        else:
            meta[rnd.choice(["format", "version", "bogus"])] = rnd.choice(["", "x" * 100000, "\udcff"
                                                                           .encode("utf-8", "surrogatepass").decode("latin-1")])
        return join(header, body, rnd)
    if k == 9 and "__metadata__" in header:
        header["__metadata__"] = rnd.choice([[], "x", 3, None, {"a": 1}, {"a": {"b": "c"}}])
        return join(header, body, rnd)
    if k == 10 and tensors:   # remove / rename / add tensors
        t = rnd.choice(tensors)
        if rnd.random() < 0.5:
            del header[t]
        else:
            header[t + "_extra" if rnd.random() < 0.5 else "/" * 300] = header[t]
        return join(header, body, rnd)
    out = bytearray(data)   # byte flips
    for _ in range(rnd.randrange(1, 9)):
        i = rnd.randrange(len(out))
        out[i] = rnd.randrange(256)
    return bytes(out)


def worker(seed, count):
    import numpy as np
    from swiftkeras import keras
    from swiftkeras.keras import models as kmodels
    import fuzz_files_formats
    rnd = random.Random(seed)
    d = tempfile.mkdtemp(prefix="skfilefuzz-")
    seeds = make_seeds(d)
    formats = fuzz_files_formats.Formats(d, rnd, mutate)
    done = 0
    for i in range(count):
        if rnd.random() < 0.5:   # the other loaders: checkpoints, backups, model directories, text files
            formats.one(i)
            done += 1
            continue
        path, kind = rnd.choice(seeds)
        data = open(path, "rb").read()
        bad = mutate(data, rnd)
        p = os.path.join(d, f"bad{i % 4}.safetensors")
        with open(p, "wb") as f:
            f.write(bad)
        done += 1
        for load in range(3):
            try:
                if load == 0:
                    m = keras.models.load_model(p)
                    m.predict(np.zeros((1, 4), "float32"), verbose=0)
                elif load == 1:
                    m = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)),
                                         keras.layers.Dense(1, activation="sigmoid")])
                    m.load_weights(p, skip_mismatch=rnd.random() < 0.5)
                else:
                    kmodels._saved_compile_config(p)
            except Exception:
                pass
    print(f"files {done}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fuzz_driver
    sys.exit(fuzz_driver.main(sys.argv[1:], __file__, worker, "files", {"--files": 300, "--per-child": 100, "--seed": 1, "--timeout": 120},
                              "file fuzz: {} corrupt files loaded, {} crashes, {} hangs"))
