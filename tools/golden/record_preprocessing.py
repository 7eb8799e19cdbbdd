"""Records tf.keras 2's preprocessing-layer answers used by tests/test_preprocessing.py (reference
venv only: /tmp/refvenv/bin/python tools/golden/record_preprocessing.py > bindings/python/tests/preprocessing_reference.json)."""
import json, numpy as np, os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tf_keras as keras
L = keras.layers
out = {}
corpus = ["The quick brown fox.", "the lazy dog!", "A quick DOG, a quick fox?", "brown  dog\tjumps", "fox"]
tv = L.TextVectorization(output_sequence_length=6); tv.adapt(corpus)
q = ["the fox jumps over", "quick quick cat", ""]
out["tv_int_vocab"] = tv.get_vocabulary(); out["tv_int"] = tv(q).numpy().tolist()
tv2 = L.TextVectorization(); tv2.adapt(corpus); out["tv_int_nolen"] = tv2(q).numpy().tolist()
tv3 = L.TextVectorization(max_tokens=6, output_mode="multi_hot"); tv3.adapt(corpus)
out["tv_mh_vocab"] = tv3.get_vocabulary(); out["tv_mh"] = tv3(q).numpy().tolist()
tv4 = L.TextVectorization(output_mode="count", ngrams=2); tv4.adapt(corpus)
out["tv_count_ng_vocab"] = tv4.get_vocabulary(); out["tv_count_ng"] = tv4(q).numpy().tolist()
tv5 = L.TextVectorization(output_mode="tf_idf"); tv5.adapt(corpus)
out["tv_tfidf_vocab"] = tv5.get_vocabulary(); out["tv_tfidf"] = tv5(q).numpy().tolist()
tv6 = L.TextVectorization(standardize=None, split="character", output_sequence_length=4, max_tokens=5); tv6.adapt(["abca", "Bb"])
out["tv_char_vocab"] = tv6.get_vocabulary(); out["tv_char"] = tv6(["abz", "B"]).numpy().tolist()
sl = L.StringLookup(); sl.adapt(np.array([["a", "b", "b"], ["c", "b", "a"]]))
out["sl_vocab"] = sl.get_vocabulary(); out["sl"] = sl(np.array([["a", "z"], ["b", "c"]])).numpy().tolist()
sl2 = L.StringLookup(vocabulary=["x", "y"], mask_token="", output_mode="int")
out["sl_mask_vocab"] = sl2.get_vocabulary(); out["sl_mask"] = sl2(np.array(["x", "", "q", "y"])).numpy().tolist()
sl3 = L.StringLookup(vocabulary=["x", "y"], invert=True)
out["sl_invert"] = [s.decode() for s in sl3(np.array([0, 1, 2, 5])).numpy().tolist()]
sl4 = L.StringLookup(vocabulary=["x", "y"], output_mode="one_hot")
out["sl_onehot"] = sl4(np.array(["x", "q", "y"])).numpy().tolist()
sl5 = L.StringLookup(vocabulary=["x", "y"], output_mode="multi_hot", mask_token="")
out["sl_mh_mask"] = sl5(np.array([["x", ""], ["y", "y"]])).numpy().tolist()
il = L.IntegerLookup(); il.adapt(np.array([12, 36, 36, 1138, 12, 12, -5]))
out["il_vocab"] = [int(v) for v in il.get_vocabulary()]; out["il"] = il(np.array([12, 1138, 7, 36])).numpy().tolist()
nm = L.Normalization(); x = np.array([[1., 2., 3.], [4., 8., 0.], [7., 5., 1.], [2., 2., 2.]], dtype="float32")
nm.adapt(x); out["norm_mean"] = nm.mean.numpy().tolist(); out["norm_var"] = nm.variance.numpy().tolist()
out["norm_out"] = nm(x).numpy().tolist()
nm2 = L.Normalization(axis=None); nm2.adapt(x); out["norm_none_out"] = nm2(x[:2]).numpy().tolist()
nm3 = L.Normalization(mean=[1., 2., 3.], variance=[4., 1., 0.], invert=True); out["norm_inv"] = nm3(x[:2]).numpy().tolist()
nm4 = L.Normalization(); nm4.adapt(tf.data.Dataset.from_tensor_slices(x).batch(3)); out["norm_ds_mean"] = nm4.mean.numpy().tolist(); out["norm_ds_var"] = nm4.variance.numpy().tolist()
nm5 = L.Normalization(axis=1); x3 = np.arange(24, dtype="float32").reshape(2, 3, 4) ** 1.5; nm5.adapt(x3, batch_size=1)
out["norm_axis1_out"] = nm5(x3).numpy().tolist()
out["ce_onehot"] = L.CategoryEncoding(4, output_mode="one_hot")(np.array([3, 0, 1])).numpy().tolist()
out["ce_mh"] = L.CategoryEncoding(4)(np.array([[0, 1], [3, 3]])).numpy().tolist()
out["ce_count"] = L.CategoryEncoding(5, output_mode="count")(np.array([[0, 1, 1], [4, 4, 4]])).numpy().tolist()
out["resc"] = L.Rescaling(1 / 127.5, offset=-1)(np.array([[0, 127, 255]], dtype="uint8")).numpy().tolist()
out["norm_config_keys"] = sorted(nm.get_config())
out["tv_config_keys"] = sorted(tv.get_config())
x = (np.arange(2 * 5 * 7 * 2, dtype="float32").reshape(2, 5, 7, 2) ** 1.3) % 17
out["resize_bilinear"] = L.Resizing(3, 4)(x).numpy().tolist()
out["resize_nearest"] = L.Resizing(4, 3, interpolation="nearest")(x).numpy().tolist()
out["resize_crop"] = L.Resizing(3, 3, crop_to_aspect_ratio=True)(x).numpy().tolist()
out["center_crop"] = L.CenterCrop(3, 4)(x).numpy().tolist()
out["center_crop_up"] = L.CenterCrop(6, 4)(x[0]).numpy().tolist()
print(json.dumps(out))
