"""Corrupt files of fuzz_files.py for the loaders beyond the model / weights files: model
directories (``model.save("dir")`` / ``load_model("dir")``), ``tf.train.Checkpoint`` files holding
optimizer state (``restore``, ``tf.train.list_variables``) and their state file
(``tf.train.latest_checkpoint``), BackupAndRestore's training-state backup (read when ``fit``
starts), pickled models (``Model.__reduce__``'s saved bytes), CSVLogger's file read by
``append=True``, the TensorBoard log directory, vocabulary files given to StringLookup /
TextVectorization, the numpy files ``keras.datasets`` read from Keras' cache, and the ``.keras``
zip (``load_model``, ``load_weights``: the archive's structure, its config.json, and the
``model.weights.h5`` inside with a valid CRC). Binary formats get fuzz_files.mutate's safetensors corruptions; text files get
truncations, invalid UTF-8, NULs, huge lines and lengths; any of them may be replaced by a FIFO,
a directory, a dangling symlink or a symlink loop.

``Formats(dirname, rnd).one(i)`` writes one corrupt file of a random kind and runs its loaders;
every call must return or raise (fuzz_files.py counts a dead or stuck interpreter).
"""
import os
import shutil

KINDS = ["checkpoint", "checkpoint_state", "backup", "model_dir", "pickle", "csv", "tensorboard", "vocabulary",
         "keras_dataset", "keras_zip"]


class Formats:
    """Valid seed files of every kind (written once per worker) and the corrupt-file loop body."""

    def __init__(self, dirname, rnd, mutate):
        import numpy as np
        import swiftkeras as tf
        from swiftkeras import keras
        self.d, self.rnd, self.mutate, self.tf, self.keras, self.np = dirname, rnd, mutate, tf, keras, np
        self.x = np.random.RandomState(0).randn(8, 4).astype("float32")
        self.y = np.random.RandomState(1).randn(8, 2).astype("float32")
        m = self.model()
        m.fit(self.x, self.y, epochs=1, verbose=0)
        self.seeds = {}
        ck = tf.train.Checkpoint(model=m, optimizer=m.optimizer)
        self.seeds["checkpoint"] = self.read(ck.write(os.path.join(dirname, "seed-ckpt")))
        self.seeds["checkpoint_state"] = b'model_checkpoint_path: "seed-ckpt"\nall_model_checkpoint_paths: "seed-ckpt"\n'
        backup = os.path.join(dirname, "seed-backup")
        try:   # an interrupted fit leaves its backup
            m.fit(self.x, self.y, epochs=2, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup),
                                                                    keras.callbacks.LambdaCallback(on_epoch_end=self.interrupt)])
        except BaseException:
            pass
        state = os.path.join(backup, "training_state.safetensors")
        self.seeds["backup"] = self.read(state) if os.path.exists(state) else self.seeds["checkpoint"]
        m.save(os.path.join(dirname, "seed-dir"))
        self.seeds["model_dir"] = self.read(os.path.join(dirname, "seed-dir", "model.safetensors"))
        self.seeds["pickle"] = b""
        csv = os.path.join(dirname, "seed.csv")
        m.fit(self.x, self.y, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(csv)])
        self.seeds["csv"] = self.read(csv)
        tb = os.path.join(dirname, "seed-tb")
        m.fit(self.x, self.y, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(tb)])
        events = [os.path.join(r, f) for r, _, fs in os.walk(tb) for f in fs]
        self.seeds["tensorboard"] = self.read(events[0]) if events else b""
        self.seeds["vocabulary"] = b"the\ncat\ndog\n\n\xc3\xa9t\xc3\xa9\n"
        npz = os.path.join(dirname, "seed-mnist.npz")
        rs = np.random.RandomState(2)
        np.savez(npz, x_train=rs.randint(0, 255, (4, 28, 28)).astype("uint8"), y_train=np.arange(4, dtype="uint8"),
                 x_test=rs.randint(0, 255, (2, 28, 28)).astype("uint8"), y_test=np.arange(2, dtype="uint8"))
        self.seeds["keras_dataset"] = self.read(npz)
        m.save(os.path.join(dirname, "seed.keras"))
        self.seeds["keras_zip"] = self.read(os.path.join(dirname, "seed.keras"))

    @staticmethod
    def interrupt(epoch, logs):
        if epoch == 0:
            raise KeyboardInterrupt("fuzz: interrupted after the first epoch")

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()

    def model(self):
        keras = self.keras
        m = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
        m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        return m

    def text_mutation(self, data):
        rnd = self.rnd
        k = rnd.randrange(8)
        if k == 0:
            return data[:rnd.randrange(len(data) + 1)]
        if k == 1:
            return data.replace(b"\n", b"\xff\xfe\n", 1)
        if k == 2:
            return data + b"\x00" * rnd.choice([1, 100]) + data
        if k == 3:
            return b"x" * rnd.choice([10 ** 5, 4 * 10 ** 6])   # a huge line without a newline
        if k == 4:
            return data.replace(b"\n", b"\r\n")
        if k == 5:
            return rnd.choice([b"", b"\n", b",,,\n", b'model_checkpoint_path: "\n', b'model_checkpoint_path: "../../etc/passwd"\n',
                               b'model_checkpoint_path: "' + b"a" * 5000 + b'"\n', b"epoch\n" + b"1," * 10000 + b"\n"])
        if k == 6:
            out = bytearray(data)
            for _ in range(rnd.randrange(1, 6)):
                if out:
                    out[rnd.randrange(len(out))] = rnd.randrange(256)
            return bytes(out)
        return bytes(rnd.randrange(256) for _ in range(rnd.choice([1, 64, 4096])))

    def zip_mutation(self, data):
        """A corrupt .keras archive: its bytes, its zip records, or one entry rewritten (CRC valid)."""
        import io
        import struct
        import zipfile
        rnd = self.rnd
        k = rnd.randrange(6)
        if k == 0:
            return self.mutate(data, rnd)
        if k == 1:   # an end-of-central-directory field or a central-directory offset
            out = bytearray(data)
            eocd = data.rfind(b"PK\x05\x06")
            cd = data.find(b"PK\x01\x02")
            at = rnd.choice([eocd + 10, eocd + 12, eocd + 16, cd + 20, cd + 24, cd + 28, cd + 42, cd + 10])
            width = 2 if at in (eocd + 10, cd + 28, cd + 10) else 4
            if 0 <= at <= len(out) - width:
                out[at:at + width] = struct.pack("<H" if width == 2 else "<I",
                                                 rnd.choice([0, 1, 8, 0xFFFF] if width == 2 else [0, 1, len(data), 0xFFFFFFFF, 2 ** 31]))
            return bytes(out)
        entries = {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
        if k == 2:
            entries["config.json"] = self.text_mutation(entries["config.json"])
        elif k == 3:   # one number of the config made absurd
            import re
            text = entries["config.json"].decode()
            spots = [m.span() for m in re.finditer(r"-?\d+(\.\d+)?", text)]
            if spots:
                b, e = rnd.choice(spots)
                text = text[:b] + rnd.choice(["-1", "0", "1e300", "4294967296", "null", '"x"', "[]", "{}"]) + text[e:]
            entries["config.json"] = text.encode()
        elif k == 4:   # the HDF5 file inside, damaged
            h5 = bytearray(entries["model.weights.h5"])
            for _ in range(rnd.randrange(1, 8)):
                h5[rnd.randrange(len(h5))] = rnd.randrange(256)
            entries["model.weights.h5"] = bytes(h5[:rnd.choice([len(h5), len(h5) // 2, 100])])
        else:
            entries.pop(rnd.choice(list(entries)))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", rnd.choice([zipfile.ZIP_STORED] * 3 + [zipfile.ZIP_DEFLATED])) as z:
            for name, payload in entries.items():
                z.writestr(name, payload)
        return buf.getvalue()

    def place(self, path, data, special=True):
        """Writes `data` at `path`, or (1 in 8, with `special`) puts a FIFO, a directory, a
        dangling symlink or a symlink loop there instead."""
        rnd = self.rnd
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        k = rnd.randrange(8) if special and rnd.random() < 0.125 else -1
        if k in (0, 1):
            os.mkfifo(path)
        elif k == 2:
            os.mkdir(path)
        elif k == 3:
            os.symlink(os.path.join(self.d, "nonexistent"), path)
        elif k == 4:
            os.symlink(os.path.basename(path), path)   # a link to itself
        else:
            with open(path, "wb") as f:
                f.write(data)

    def one(self, i):
        """One corrupt file of a random kind, run through its loaders (exceptions are answers)."""
        rnd, tf, keras = self.rnd, self.tf, self.keras
        kind = rnd.choice(KINDS)
        seed = self.seeds[kind]
        binary = kind in ("checkpoint", "backup", "model_dir", "pickle", "tensorboard")   # safetensors mutations
        bad = self.zip_mutation(seed) if kind == "keras_zip" else \
            self.mutate(seed, rnd) if binary and kind != "pickle" else self.text_mutation(seed)
        work = os.path.join(self.d, f"fmt{i % 3}")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        calls = []
        if kind == "checkpoint":
            p = os.path.join(work, "ckpt-1")
            self.place(p, bad)
            m = self.model()
            m.fit(self.x, self.y, epochs=1, verbose=0)   # the optimizer has state to restore into
            opt = rnd.choice([m.optimizer, keras.optimizers.SGD(0.1, momentum=0.9), keras.optimizers.Adam()])
            calls += [lambda: tf.train.Checkpoint(model=m, optimizer=opt).restore(p),
                      lambda: tf.train.Checkpoint(optimizer=opt).read(p),
                      lambda: tf.train.Checkpoint(model=m).read(p)]
        elif kind == "checkpoint_state":
            shutil.copy(os.path.join(self.d, "seed-ckpt"), os.path.join(work, "seed-ckpt"))
            self.place(os.path.join(work, "checkpoint"), bad)
            m = self.model()

            def restore_latest():
                latest = tf.train.latest_checkpoint(work)
                return tf.train.Checkpoint(model=m, optimizer=m.optimizer).restore(latest)
            calls += [restore_latest, lambda: tf.train.CheckpointManager(tf.train.Checkpoint(model=m), work, 2).latest_checkpoint]
        elif kind == "backup":
            self.place(os.path.join(work, "training_state.safetensors"), bad)
            m = self.model()
            calls.append(lambda: m.fit(self.x, self.y, epochs=2, verbose=0,
                                       callbacks=[keras.callbacks.BackupAndRestore(work)]))
        elif kind == "model_dir":
            d = os.path.join(work, "model")
            os.makedirs(d)
            self.place(os.path.join(d, rnd.choice(["model.safetensors"] * 6 + ["saved_model.pb", "keras_metadata.pb"])), bad)
            calls += [lambda: keras.models.load_model(d).predict(self.x, verbose=0),
                      lambda: keras.models.load_model(d + "/", compile=False),
                      lambda: self.model().save(d)]   # saving over it: a model directory, or refused
        elif kind == "pickle":
            from swiftkeras.keras import models as kmodels   # the saved bytes inside the pickle are mutated
            saved = self.model()
            saved.fit(self.x, self.y, epochs=1, verbose=0)
            _, (raw, classes) = saved.__reduce__()
            calls.append(lambda: kmodels._model_from_bytes(self.mutate(raw, rnd), classes))
        elif kind == "csv":
            p = os.path.join(work, "log.csv")
            self.place(p, bad)
            calls.append(lambda: self.model().fit(self.x, self.y, epochs=1, verbose=0,
                                                  callbacks=[keras.callbacks.CSVLogger(p, append=rnd.random() < 0.8)]))
        elif kind == "tensorboard":
            logs = os.path.join(work, "logs")
            target = rnd.choice([logs, os.path.join(logs, "train"), os.path.join(logs, "validation"),
                                 os.path.join(logs, "train", "events.out.tfevents.0.fuzz")])
            self.place(target, bad)
            calls.append(lambda: self.model().fit(self.x, self.y, epochs=1, verbose=0, validation_split=0.25,
                                                  callbacks=[keras.callbacks.TensorBoard(logs, update_freq=rnd.choice(["epoch", 1]))]))
        elif kind == "keras_zip":
            p = os.path.join(work, "model.keras")
            self.place(p, bad)
            calls += [lambda: keras.models.load_model(p).fit(self.x, self.y, epochs=1, verbose=0),
                      lambda: keras.models.load_model(p, compile=False),
                      lambda: self.model().load_weights(p),
                      lambda: self.model().save(p)]
        elif kind == "keras_dataset":
            # keras.datasets read numpy / pickle files from Keras' cache with numpy, as tf.keras
            # 2 does (no FIFOs: numpy's open would wait for a writer there, as in Keras)
            p = os.path.join(work, "mnist.npz")
            self.place(p, bad, special=False)
            calls += [lambda: keras.datasets.mnist.load_data(path=p),
                      lambda: keras.datasets.imdb.load_data(path=p),
                      lambda: keras.datasets.boston_housing.load_data(path=p)]
        else:
            p = os.path.join(work, "vocab.txt")
            self.place(p, bad)
            calls += [lambda: keras.layers.StringLookup(vocabulary=p)(tf.constant(["cat", "x"])),
                      lambda: keras.layers.TextVectorization(vocabulary=p)(tf.constant(["the cat"])),
                      lambda: keras.layers.IntegerLookup(vocabulary=p)]
        for call in calls:
            try:
                call()
            except Exception:
                pass
        return kind
