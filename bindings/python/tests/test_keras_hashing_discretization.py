"""Hashing and Discretization against tf.keras 2's answers, recorded by
tools/golden/record_augmentation.py into augmentation_reference.json (no TensorFlow needed)."""
import json
import os

import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

L = keras.layers
with open(os.path.join(os.path.dirname(__file__), "augmentation_reference.json"), encoding="utf-8") as _f:
    REF = json.load(_f)


def _listed(v):
    return [_listed(e) for e in v] if isinstance(v, (list, tuple)) else v


def test_hashing_bins_equal_tensorflows_farmhash_and_siphash():
    x = tf.constant(REF["strings"])
    y = L.Hashing(1000003)(x)
    assert y.dtype == tf.int64 and y.shape == (len(REF["strings"]),)
    assert y.numpy().tolist() == REF["fast_1000003"]
    assert L.Hashing(7)(x).numpy().tolist() == REF["fast_7"]
    assert L.Hashing(1000003, salt=[133, 137])(x).numpy().tolist() == REF["strong_1000003_salt"]
    assert L.Hashing(1000003, salt=1)(x).numpy().tolist() == REF["strong_1000003_salt1"]


def test_hashing_integers_masks_and_encodings():
    ints = np.array(REF["ints"], "int64")
    assert L.Hashing(5)(ints).numpy().tolist() == REF["int_fast_5"]
    assert L.Hashing(5, mask_value=42)(ints).numpy().tolist() == REF["int_mask"]
    assert L.Hashing(5, mask_value="abc")(tf.constant(REF["strings"])).numpy().tolist() == REF["str_mask"]
    mh = L.Hashing(6, salt=7, output_mode="multi_hot")(ints)
    assert mh.dtype == tf.float32
    np.testing.assert_array_equal(mh.numpy(), REF["int_salt_multi_hot"])
    np.testing.assert_array_equal(L.Hashing(4, output_mode="one_hot")(tf.constant(["a", "b", "c"])).numpy(), REF["one_hot"])
    np.testing.assert_array_equal(L.Hashing(4, output_mode="count")(tf.constant([["a", "b", "a"], ["c", "c", "c"]])).numpy(),
                                  REF["count"])


def test_hashing_refusals_and_config():
    with pytest.raises(ValueError, match="num_bins"):
        L.Hashing(0)
    with pytest.raises(NotImplementedError, match="sparse"):
        L.Hashing(3, output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="salt"):
        L.Hashing(3, salt="pepper")
    with pytest.raises(TypeError):
        L.Hashing(3)(np.array([1.5], "float32"))
    h = L.Hashing(5, mask_value=42, salt=[1, 2])
    c = h.get_config()
    ref = REF["hash_config"]
    for k in ("num_bins", "salt", "mask_value", "output_mode", "sparse"):
        assert _listed(c[k]) == ref[k], k   # our configs give JSON lists as tuples
    h2 = L.Hashing.from_config(c)
    ints = np.array(REF["ints"], "int64")
    assert h2(ints).numpy().tolist() == h(ints).numpy().tolist()


def test_discretization_given_boundaries():
    x = np.array(REF["disc_x"], "float32")
    y = L.Discretization(bin_boundaries=[0., 1., 2.])(x)
    assert y.dtype == tf.int64
    assert y.numpy().tolist() == REF["disc_int"]
    np.testing.assert_array_equal(L.Discretization(bin_boundaries=np.array([0., 1., 2.]), output_mode="multi_hot")(x).numpy(),
                                  REF["disc_multi_hot"])
    np.testing.assert_array_equal(
        L.Discretization(bin_boundaries=[0., 1., 2.], output_mode="one_hot")(np.array([-1., 0.5, 1.5, 9.], "float32")).numpy(),
        REF["disc_one_hot"])
    assert L.Discretization(bin_boundaries=[0.5, 2.5])(np.array([0, 1, 2, 3], "int64")).numpy().tolist() == REF["disc_int_input"]


@pytest.mark.parametrize("key", ["adapt_4_0.01_None", "adapt_5_0.01_100", "adapt_3_0.1_None", "adapt_10_0.001_256"])
def test_discretization_adapt_matches_tf_keras_quantile_summaries(key):
    _, nb, eps, bs = key.split("_")
    layer = L.Discretization(num_bins=int(nb), epsilon=float(eps))
    layer.adapt(np.array(REF["adapt_data"], "float32"), batch_size=None if bs == "None" else int(bs))
    got = list(layer.get_config()["bin_boundaries"])
    np.testing.assert_allclose(got, REF[key], rtol=0, atol=1e-6)
    # the adapted boundaries travel in the config
    again = L.Discretization.from_config(layer.get_config())
    x = np.array(REF["adapt_data"][:50], "float32")
    assert again(x).numpy().tolist() == layer(x).numpy().tolist()


def test_discretization_adapt_on_small_data_and_datasets():
    layer = L.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(np.arange(1, 9, dtype="float32").reshape(8, 1))
    assert list(layer.get_config()["bin_boundaries"]) == REF["adapt_small"]
    ds = tf.data.Dataset.from_tensor_slices(np.array(REF["adapt_data"], "float32")).batch(300)
    layer = L.Discretization(num_bins=4)
    layer.adapt(ds)
    np.testing.assert_allclose(layer.get_config()["bin_boundaries"], REF["adapt_ds_300"], rtol=0, atol=1e-6)


def test_discretization_refusals_and_config():
    with pytest.raises(ValueError, match="num_bins"):
        L.Discretization(bin_boundaries=[1.], num_bins=3)
    with pytest.raises(ValueError, match="bin_boundaries"):
        L.Discretization(bin_boundaries=[1.]).adapt(np.ones((4, 1), "float32"))
    c = L.Discretization(num_bins=4, epsilon=0.05).get_config()
    ref = REF["disc_config"]
    for k in ("bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse"):
        assert _listed(c[k]) == ref[k], k


def test_hashing_and_discretization_in_a_model_fed_by_fit():
    rng = np.random.RandomState(0)
    x = rng.uniform(-3, 3, size=(200, 1)).astype("float32")
    y = (x[:, 0] > 0.5).astype("float32")
    disc = L.Discretization(num_bins=8)
    disc.adapt(x)
    model = keras.Sequential([keras.Input(shape=(1,)), disc, L.Embedding(8, 4), L.Flatten(), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert hist.history["accuracy"][-1] > 0.9
    words = np.array([["cat"], ["dog"], ["cat"], ["bird"]] * 20)
    labels = np.array([1., 0., 1., 0.] * 20, "float32")
    hm = keras.Sequential([keras.Input(shape=(1,), dtype="string"), L.Hashing(16), L.Embedding(16, 4), L.Flatten(),
                           L.Dense(1, activation="sigmoid")])
    hm.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    assert hm.fit(tf.constant(words), labels, epochs=20, verbose=0).history["accuracy"][-1] == 1.0
