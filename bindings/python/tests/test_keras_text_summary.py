"""keras.preprocessing.text (Tokenizer & co.), keras.utils.Progbar, tf.summary and grouped
convolutions. The expected values were computed with tf-keras 2 (tf_keras.preprocessing.text)
and are written here as literals; tf.summary's files are read back with the ``tensorboard``
package; grouped convolutions are checked against a numpy convolution per group."""
import json
import os

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                                 tokenizer_from_json)

DOCS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog: the end", "ÉCOLE été, naïve café"]


def _fitted():
    t = Tokenizer(num_words=6, oov_token="<OOV>")
    t.fit_on_texts(DOCS)
    return t


def test_tokenizer_fit_matches_tf_keras():
    t = _fitted()
    assert t.word_index == {'<OOV>': 1, 'the': 2, 'cat': 3, 'dog': 4, 'sat': 5, 'on': 6, 'mat': 7, 'ate': 8, 'my': 9,
                            'homework': 10, 'and': 11, 'end': 12, 'école': 13, 'été': 14, 'naïve': 15, 'café': 16}
    assert list(t.word_counts.items()) == [('the', 4), ('cat', 2), ('sat', 1), ('on', 1), ('mat', 1), ('dog', 2),
                                           ('ate', 1), ('my', 1), ('homework', 1), ('and', 1), ('end', 1),
                                           ('école', 1), ('été', 1), ('naïve', 1), ('café', 1)]
    assert dict(t.index_docs) == {5: 1, 2: 3, 6: 1, 3: 2, 7: 1, 9: 1, 4: 2, 8: 1, 10: 1, 12: 1, 11: 1, 16: 1, 13: 1,
                                  14: 1, 15: 1}
    assert t.index_word[16] == "café" and t.document_count == 4
    assert t.word_docs["the"] == 3


def test_tokenizer_conversions_match_tf_keras():
    t = _fitted()
    assert t.texts_to_sequences(["the cat ate the unknown thing", "dog dog end"]) == [[2, 3, 1, 2, 1, 1], [4, 4, 1]]
    assert list(t.texts_to_sequences_generator(["dog"])) == [[4]]
    assert t.sequences_to_texts([[2, 3, 1, 9, 5], [4]]) == ['the cat <OOV> <OOV> sat', 'dog']
    want = {"binary": [[0.0, 1.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]],
            "count": [[0.0, 1.0, 2.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]],
            "freq": [[0.0, 0.2, 0.4, 0.4, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]],
            "tfidf": [[0.0, 1.6094379124341003, 1.1736001944781467, 1.4345999834090677, 0.0, 0.0],
                      [0.0, 0.0, 0.0, 0.0, 0.8472978603872034, 0.0]]}
    for mode, rows in want.items():
        m = t.texts_to_matrix(["the cat ate the cat", "dog"], mode=mode)
        assert m.dtype == np.float64 and m.shape == (2, 6)
        np.testing.assert_allclose(m, rows, rtol=1e-12)
    with pytest.raises(ValueError, match="bogus"):
        t.texts_to_matrix(["x"], mode="bogus")
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")


def test_tokenizer_options_char_level_and_lists():
    t = Tokenizer(char_level=True)
    t.fit_on_texts(["abca", "Bc"])
    assert t.word_index == {'a': 1, 'b': 2, 'c': 3} and t.texts_to_sequences(["cab"]) == [[3, 1, 2]]
    t = Tokenizer(lower=False, split=",", filters="!")
    t.fit_on_texts(["a,b,,B!c", ["A", "b"]])
    assert t.word_index == {'b': 1, 'a': 2, 'B': 3, 'c': 4, 'A': 5}
    assert t.texts_to_sequences([["A", "B"], "b,c"]) == [[5, 3], [1, 4]]
    t = Tokenizer()
    t.fit_on_texts(["b a a", "c b"])
    assert t.word_index == {'b': 1, 'a': 2, 'c': 3}
    np.testing.assert_array_equal(t.texts_to_matrix(["a z"]), [[0.0, 0.0, 1.0, 0.0]])
    t = Tokenizer(analyzer=lambda s: s.split("-"))
    t.fit_on_texts(["X-y-y"])
    assert t.word_index == {"y": 1, "X": 2}            # an analyzer's tokens are taken as given
    t = Tokenizer()
    t.fit_on_sequences([[1, 2, 2], [2, 3]])
    assert t.document_count == 2 and dict(t.index_docs) == {1: 1, 2: 2, 3: 1}
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        Tokenizer(bogus=1)


def test_tokenizer_edits_and_json_round_trip():
    t = _fitted()
    t.word_index["mat"] = 2                            # tf.keras reads the edited dictionaries
    assert t.texts_to_sequences(["mat"]) == [[2]]
    t = _fitted()
    assert len(t.word_index) == 16                     # read, unchanged: not sent back
    t.num_words = 3                                    # options set after fitting count (tf.keras idiom)
    assert t.texts_to_sequences(["the cat dog"]) == [[2, 1, 1]]
    t.word_index = {"dog": 2, "<OOV>": 1}              # assigned: sent back
    assert t.texts_to_sequences(["dog cat"]) == [[2, 1]]
    t = Tokenizer(lower=1)
    t.fit_on_texts(["A a"])
    assert t.word_index == {"a": 1} and t.lower is True
    t = _fitted()
    text = t.to_json()
    cfg = json.loads(text)
    assert cfg["class_name"] == "Tokenizer" and cfg["config"]["num_words"] == 6
    assert json.loads(cfg["config"]["word_index"])["café"] == 16
    assert "\\u00e9" in text                             # json.dumps' ensure_ascii, as tf.keras writes it
    t2 = tokenizer_from_json(text)
    assert t2.word_index == t.word_index and t2.index_word == t.index_word and t2.oov_token == "<OOV>"
    assert t2.texts_to_sequences(["the cat"]) == [[2, 3]]
    assert t2.get_config() == t.get_config()
    assert json.loads(t.to_json(indent=2)) == cfg
    # a tf.keras 2 file (dictionaries in another order, a word_docs order of Python's set)
    ref = ('{"class_name": "Tokenizer", "config": {"num_words": null, "filters": "", "lower": true, "split": " ", '
           '"char_level": false, "oov_token": null, "document_count": 1, "word_counts": "{\\"b\\": 1, \\"a\\": 2}", '
           '"word_docs": "{\\"a\\": 1, \\"b\\": 1}", "index_docs": "{\\"1\\": 1, \\"2\\": 1}", '
           '"index_word": "{\\"1\\": \\"a\\", \\"2\\": \\"b\\"}", "word_index": "{\\"a\\": 1, \\"b\\": 2}"}}')
    t3 = tokenizer_from_json(ref)
    assert t3.texts_to_sequences(["b a c"]) == [[2, 1]] and t3.filters == ""
    with pytest.raises(ValueError, match="word_index"):
        tokenizer_from_json('{"class_name": "Tokenizer", "config": {"word_index": "{bad"}}')


def test_word_functions():
    assert text_to_word_sequence("Hello,  World!\tFoo--bar") == ['hello', 'world', 'foo', 'bar']
    assert text_to_word_sequence("a..b", filters=".", split="..") == ['a', 'b']
    with pytest.raises(ValueError, match="empty"):
        text_to_word_sequence("a b", split="")
    assert hashing_trick("The quick brown fox", 10, hash_function="md5") == [6, 4, 1, 2]
    assert hashing_trick("Ünïcode wörds", 1000, hash_function="md5") == [46, 192]
    assert hashing_trick("a b a", 7, hash_function=len) == [2, 2, 2]
    idx = one_hot("the cat the", 5)
    assert len(idx) == 3 and idx[0] == idx[2] and all(1 <= i <= 4 for i in idx)
    assert keras.preprocessing.text.Tokenizer is Tokenizer
    assert keras.preprocessing.sequence.pad_sequences is keras.utils.pad_sequences


def test_progbar_averages_and_prints(capsys):
    bar = keras.utils.Progbar(4, verbose=2, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.25)])
    assert capsys.readouterr().out == ""             # verbose 2 prints the final line only
    bar.add(3, [("loss", 4.0), ("acc", 0.75)])
    out = capsys.readouterr().out
    # tf.keras 2's verbose-2 line ends with the time per epoch and per step
    assert out.startswith("4/4 - ") and " - loss: 3.2500 - acc: 0.7500 - " in out and out.endswith("/step\n")
    assert bar._seen_so_far == 4
    bar = keras.utils.Progbar(None, unit_name="sample")
    bar.update(3, [("x", 1e-5)])
    bar.update(5, finalize=True)
    out = capsys.readouterr().out                      # not a terminal: the final line only
    assert out.startswith("5/5 ") and "/sample" in out and out.endswith(" - x: 1.0000e-05\n")
    with pytest.raises(ValueError, match="width"):
        keras.utils.Progbar(3, width=0)


def _events(logdir):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    acc = ea.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def test_summary_scalars_histograms_text(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.util import tensor_util
    w = tf.summary.create_file_writer(str(tmp_path / "logs"))
    assert tf.summary.scalar("ignored", 1.0, step=0) is False      # no default writer
    with w.as_default():
        for step in range(3):
            assert tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
        tf.summary.histogram("w", np.array([0.0, 1.0, 2.0, 3.0, 4.0]), step=1, buckets=4)
        tf.summary.histogram("one", [2.0, 2.0], step=1, buckets=3)
        tf.summary.text("note", "hello *world*", step=2)
        with tf.summary.record_if(False):
            assert tf.summary.scalar("skipped", 1.0, step=0) is False
        with pytest.raises(ValueError, match="No step"):
            tf.summary.scalar("x", 1.0)
    with w.as_default(step=7):
        tf.summary.scalar("late", tf.constant(2.5))
    tf.summary.experimental.set_step(9)
    try:
        assert tf.summary.experimental.get_step() == 9
        with w.as_default():
            tf.summary.scalar("stepped", 3.0)
    finally:
        tf.summary.experimental.set_step(None)
    w.close()
    acc = _events(tmp_path / "logs")
    tensors = {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
               for tag in acc.Tags()["tensors"]}
    assert [(s, float(v)) for s, v in tensors["loss"]] == [(0, 1.0), (1, 0.5), (2, np.float32(1 / 3))]
    assert tensors["late"][0][0] == 7 and float(tensors["late"][0][1]) == 2.5
    assert tensors["stepped"][0][0] == 9
    # TF2's buckets: width (max - min) / 4, the maximum in the last bucket
    np.testing.assert_array_equal(tensors["w"][0][1], [[0, 1, 1], [1, 2, 1], [2, 3, 1], [3, 4, 2]])
    np.testing.assert_array_equal(tensors["one"][0][1], [[2, 2, 0], [2, 2, 0], [2, 2, 2]])
    assert tensors["note"][0][1].tolist() == b"hello *world*"
    assert "skipped" not in tensors and "ignored" not in tensors
    meta = acc.SummaryMetadata("loss")
    assert meta.plugin_data.plugin_name == "scalars"
    assert acc.SummaryMetadata("w").plugin_data.plugin_name == "histograms"
    with pytest.raises(RuntimeError, match="closed"):
        with w.as_default():
            tf.summary.scalar("after", 1.0, step=0)
    with pytest.raises(NotImplementedError, match="image"):
        tf.summary.image("img", np.zeros((1, 2, 2, 1)), step=0)


def _conv_numpy(x, k, groups):
    """A 'valid' stride-1 grouped convolution, NHWC."""
    n, h, w, c = x.shape
    kh, kw, cg, f = k.shape
    fg = f // groups
    out = np.zeros((n, h - kh + 1, w - kw + 1, f))
    for g in range(groups):
        xs = x[..., g * cg:(g + 1) * cg]
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                patch = xs[:, i:i + kh, j:j + kw, :]
                out[:, i, j, g * fg:(g + 1) * fg] = np.tensordot(patch, k[..., g * fg:(g + 1) * fg], axes=3)
    return out


def test_conv_groups():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 5, 4)).astype("float32")
    layer = keras.layers.Conv2D(6, 3, groups=2, use_bias=False)
    y = layer(x).numpy()
    k = layer.kernel.numpy()
    assert k.shape == (3, 3, 2, 6)
    np.testing.assert_allclose(y, _conv_numpy(x.astype(np.float64), k.astype(np.float64), 2), rtol=1e-4, atol=1e-5)
    assert layer.get_config()["groups"] == 2
    x1 = rng.normal(size=(2, 6, 4)).astype("float32")
    c1 = keras.layers.Conv1D(4, 2, groups=4, use_bias=False)
    y1 = c1(x1).numpy()
    k1 = c1.kernel.numpy()
    want = _conv_numpy(x1[:, :, None, :].astype(np.float64), k1[:, None].astype(np.float64), 4)[:, :, 0]
    np.testing.assert_allclose(y1, want, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="evenly divisible"):
        keras.layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="input channels"):
        keras.layers.Conv2D(4, 3, groups=4)(np.zeros((1, 4, 4, 6), "float32"))
    # the kernel's gradient through every group: d sum(y * g) / dk[a, b, ci, f] = sum x[.., a+i, b+j, group(f) ci] g[.., i, j, f]
    layer = keras.layers.Conv2D(4, 2, groups=2, use_bias=False)
    g = rng.normal(size=(2, 4, 4, 4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) * tf.constant(g, dtype="float32"))
    grad = tape.gradient(loss, layer.kernel).numpy()
    want = np.zeros((2, 2, 2, 4))
    for a in range(2):
        for b in range(2):
            patch = x[:, a:a + 4, b:b + 4, :].astype(np.float64)
            for f in range(4):
                grp = f // 2
                want[a, b, :, f] = np.einsum("nijc,nij->c", patch[..., grp * 2:(grp + 1) * 2], g[..., f])
    np.testing.assert_allclose(grad, want, rtol=1e-4, atol=1e-4)
    model = keras.Sequential([keras.layers.Conv2D(4, 3, groups=2, input_shape=(5, 5, 4)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "sk_groups_cfg.json")
    with open(path, "w") as f:
        f.write(model.to_json())
    with open(path) as f:
        m2 = keras.models.model_from_json(f.read())
    os.remove(path)
    assert m2.layers[0].get_config()["groups"] == 2
