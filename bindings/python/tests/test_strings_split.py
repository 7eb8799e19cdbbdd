"""tf.strings.split against TensorFlow's answers (values and row_splits of its RaggedTensor),
recorded by tools/golden/record_augmentation.py into augmentation_reference.json, and the
minimal RaggedTensor it returns (no TensorFlow needed)."""
import json
import os

import numpy as np
import pytest

import swiftkeras as tf

with open(os.path.join(os.path.dirname(__file__), "augmentation_reference.json"), encoding="utf-8") as _f:
    REF = json.load(_f)


@pytest.mark.parametrize("sep", [None, ",", "<>", " "])
@pytest.mark.parametrize("maxsplit", [-1, 0, 1, 2])
def test_split_matches_tensorflow(sep, maxsplit):
    r = tf.strings.split(tf.constant(REF["split_inputs"]), sep=sep, maxsplit=maxsplit)
    want = REF[f"split_{sep}_{maxsplit}"]
    assert isinstance(r, tf.RaggedTensor)
    assert [v.decode() for v in r.values.numpy().tolist()] == want["values"]
    assert r.row_splits.dtype == tf.int64
    assert r.row_splits.numpy().tolist() == want["row_splits"]


def test_split_of_a_scalar_is_dense_and_ragged_conversions():
    s = tf.strings.split(tf.constant("a b  c"))
    assert isinstance(s, tf.Tensor) and s.dtype == tf.string
    assert [v.decode() for v in s.numpy().tolist()] == REF["split_scalar"]
    r = tf.strings.split(["a b", "c", ""])
    assert len(r) == r.nrows() == 3
    assert r.to_list() == [[b"a", b"b"], [b"c"], []]
    assert r.row_lengths().tolist() == [2, 1, 0]
    assert [v.decode() for v in r[0].numpy().tolist()] == ["a", "b"]
    assert r[-1].shape == (0,)
    d = r.to_tensor()
    assert d.shape == (3, 2) and d.dtype == tf.string
    assert [[v.decode() for v in row] for row in d.numpy().tolist()] == REF["split_to_tensor"]
    assert r.to_tensor(default_value=b"<pad>", shape=(3, 1)).numpy().tolist() == [[b"a"], [b"c"], [b"<pad>"]]
    rows = r.numpy()
    assert rows.dtype == object and rows[0].tolist() == [b"a", b"b"]
    n = tf.RaggedTensor.from_row_splits(np.array([1, 2, 3], "int32"), [0, 2, 3])
    assert n.to_list() == [[1, 2], [3]]
    np.testing.assert_array_equal(n.to_tensor().numpy(), [[1, 2], [3, 0]])
    with pytest.raises(ValueError, match="row_splits"):
        tf.RaggedTensor.from_row_splits(np.array([1, 2]), [0, 3])


def test_split_refusals():
    with pytest.raises(NotImplementedError, match="rank 2"):
        tf.strings.split(tf.constant([["a b"]]))
    with pytest.raises(TypeError):
        tf.strings.split(tf.constant([1.0]))
