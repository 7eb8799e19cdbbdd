"""tf.strings.unicode_split, tf.strings.ngrams, tf.strings.reduce_join (the core's StringSplit.swift)
and their ragged results: values recorded from TensorFlow 2.21 as literals."""
import numpy as np
import pytest

import swiftkeras as tf

TF = {
 "us_scalar": {
  "dense": [
   "h",
   "é",
   "l",
   "l",
   "o",
   "€"
  ],
  "shape": [
   6
  ]
 },
 "us_vec": {
  "ragged": [
   [
    "a",
    "ñ",
    "b"
   ],
   [],
   [
    "日",
    "本"
   ]
  ]
 },
 "us_bad_replace": {
  "ragged": [
   [
    "a",
    "�",
    "b",
    "�"
   ],
   [
    "😀",
    "x"
   ]
  ]
 },
 "us_bad_ignore": {
  "ragged": [
   [
    "a",
    "b"
   ],
   [
    "😀",
    "x"
   ]
  ]
 },
 "ng2": {
  "ragged": [
   [
    "a b",
    "b c",
    "c d"
   ],
   [],
   [],
   [
    "f g"
   ]
  ]
 },
 "ng23": {
  "ragged": [
   [
    "a_b",
    "b_c",
    "c_d",
    "a_b_c",
    "b_c_d"
   ],
   [],
   [],
   [
    "f_g"
   ]
  ]
 },
 "ng3_pad": {
  "ragged": [
   [
    "<s> <s> a",
    "<s> a b",
    "a b c",
    "b c d",
    "c d </s>",
    "d </s> </s>"
   ],
   [
    "<s> <s> e",
    "<s> e </s>",
    "e </s> </s>"
   ],
   [
    "<s> <s> </s>",
    "<s> </s> </s>"
   ],
   [
    "<s> <s> f",
    "<s> f g",
    "f g </s>",
    "g </s> </s>"
   ]
  ]
 },
 "ng3_pad1": {
  "ragged": [
   [
    "# a b",
    "a b c",
    "b c d",
    "c d #"
   ],
   [
    "# e #"
   ],
   [],
   [
    "# f g",
    "f g #"
   ]
  ]
 },
 "ng3_short": {
  "ragged": [
   [
    "a b c",
    "b c d"
   ],
   [
    "e"
   ],
   [],
   [
    "f g"
   ]
  ]
 },
 "ng_dense1": {
  "dense": [
   "a b",
   "b c"
  ],
  "shape": [
   2
  ]
 },
 "ng_dense2": {
  "dense": [
   [
    "a+b",
    "b+c"
   ],
   [
    "d+e",
    "e+f"
   ]
  ],
  "shape": [
   2,
   2
  ]
 },
 "rj_all": {
  "dense": "abcdef",
  "shape": []
 },
 "rj0": {
  "dense": [
   "a-d",
   "b-e",
   "c-f"
  ],
  "shape": [
   3
  ]
 },
 "rj1k": {
  "dense": [
   [
    "a,b,c"
   ],
   [
    "d,e,f"
   ]
  ],
  "shape": [
   2,
   1
  ]
 },
 "rj01": {
  "dense": "a.d.b.e.c.f",
  "shape": []
 },
 "rj3_02": {
  "dense": [
   "0|6|1|7",
   "2|8|3|9",
   "4|10|5|11"
  ],
  "shape": [
   3
  ]
 },
 "rj3_20": {
  "dense": [
   "0|1|6|7",
   "2|3|8|9",
   "4|5|10|11"
  ],
  "shape": [
   3
  ]
 }
}


def rows(r):
    assert isinstance(r, tf.RaggedTensor)
    return [[b.decode("utf-8") for b in row] for row in r.to_list()]


def dense(t):
    v = np.asarray(t.numpy(), dtype=object)
    if not v.shape:
        return v.item().decode("utf-8"), []
    return np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(v).tolist(), list(v.shape)


def check(name, got):
    ref = TF[name]
    if "ragged" in ref:
        assert rows(got) == ref["ragged"], name
    else:
        assert dense(got) == (ref["dense"], ref["shape"]), name


def test_unicode_split():
    check("us_scalar", tf.strings.unicode_split("héllo€", "UTF-8"))
    check("us_vec", tf.strings.unicode_split(["añb", "", "日本"], "UTF-8"))
    bad = tf.constant([b"a\xffb\xe6\x97", b"\xf0\x9f\x98\x80x"])
    check("us_bad_replace", tf.strings.unicode_split(bad, "UTF-8"))
    check("us_bad_ignore", tf.strings.unicode_split(bad, "UTF-8", errors="ignore"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="UTF-8"):
        tf.strings.unicode_split(bad, "UTF-8", errors="strict")
    with pytest.raises(NotImplementedError, match="UTF-16"):
        tf.strings.unicode_split("a", "UTF-16-BE")
    with pytest.raises(NotImplementedError, match="rank 2"):
        tf.strings.unicode_split([["a"]], "UTF-8")
    r = tf.strings.unicode_split(["ab", "c"], "UTF-8")
    assert r.shape.as_list() == [2, None] and r.row_splits.numpy().tolist() == [0, 2, 3]
    assert [list(x) for x in r.numpy()] == [[b"a", b"b"], [b"c"]]


def test_ngrams_of_ragged_and_dense_inputs():
    toks = tf.RaggedTensor.from_row_splits(["a", "b", "c", "d", "e", "f", "g"], [0, 4, 5, 5, 7])
    check("ng2", tf.strings.ngrams(toks, 2))
    check("ng23", tf.strings.ngrams(toks, [2, 3], separator="_"))
    check("ng3_pad", tf.strings.ngrams(toks, 3, pad_values=("<s>", "</s>")))
    check("ng3_pad1", tf.strings.ngrams(toks, 3, pad_values="#", padding_width=1))
    check("ng3_short", tf.strings.ngrams(toks, 3, preserve_short_sequences=True))
    check("ng_dense1", tf.strings.ngrams(tf.constant(["a", "b", "c"]), 2))
    check("ng_dense2", tf.strings.ngrams(tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2, separator="+"))
    # the tokens of tf.strings.split feed it
    split = tf.strings.split(["the quick fox", "jumps"])
    assert rows(tf.strings.ngrams(split, 2)) == [["the quick", "quick fox"], []]
    with pytest.raises(ValueError, match="greater than 0"):
        tf.strings.ngrams(toks, 0)
    with pytest.raises(ValueError, match="pad_values"):
        tf.strings.ngrams(toks, 2, padding_width=1)
    with pytest.raises(ValueError, match="rank>0"):
        tf.strings.ngrams(tf.constant("a"), 2)


def test_reduce_join():
    m = tf.constant([["a", "b", "c"], ["d", "e", "f"]])
    check("rj_all", tf.strings.reduce_join(m))
    check("rj0", tf.strings.reduce_join(m, axis=0, separator="-"))
    check("rj1k", tf.strings.reduce_join(m, axis=-1, keepdims=True, separator=","))
    check("rj01", tf.strings.reduce_join(m, axis=[0, 1], separator="."))
    m3 = tf.reshape(tf.constant([str(i) for i in range(12)]), [2, 3, 2])
    check("rj3_02", tf.strings.reduce_join(m3, axis=[0, 2], separator="|"))
    check("rj3_20", tf.strings.reduce_join(m3, axis=[2, 0], separator="|"))
    assert tf.strings.reduce_join(tf.reshape(tf.constant(["x"]), [1])[:0]).numpy() == b""
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis"):
        tf.strings.reduce_join(m, axis=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="duplicate"):
        tf.strings.reduce_join(m, axis=[1, -1])
    with pytest.raises(TypeError):
        tf.strings.reduce_join(tf.constant([1, 2]))
