"""Records tf.keras 2's answers for Hashing, Discretization and the random augmentation layers used by
tests/test_keras_hashing_discretization.py and tests/test_keras_augmentation.py (reference venv only:
/tmp/refvenv/bin/python tools/golden/record_augmentation.py > bindings/python/tests/augmentation_reference.json).
Fixed transforms come from degenerate factor ranges ((0.25, 0.25) = a 90 degree rotation), whose draw is exact."""
import os, json
os.environ["TF_USE_LEGACY_KERAS"]="1"
import numpy as np, tensorflow as tf, tf_keras as keras
L=keras.layers
out={}
strs=["", "a", "abc", "hello", "0123456789abcdef", "seventeen chars!!", "x"*32, "y"*33, "the quick brown fox jumps over the lazy dog 1234", "z"*64, "w"*65, "long "*40, "ümlaut", "1", "-7", "42"]
out["strings"]=strs
out["fast_1000003"]=L.Hashing(1000003)(tf.constant(strs)).numpy().tolist()
out["fast_7"]=L.Hashing(7)(tf.constant(strs)).numpy().tolist()
out["strong_1000003_salt"]=L.Hashing(1000003, salt=[133, 137])(tf.constant(strs)).numpy().tolist()
out["strong_1000003_salt1"]=L.Hashing(1000003, salt=1)(tf.constant(strs)).numpy().tolist()
ints=np.array([[0, 1, -7, 42], [123456789, -1, 2**40, 5]], "int64")
out["ints"]=ints.tolist()
out["int_fast_5"]=L.Hashing(5)(ints).numpy().tolist()
out["int_mask"]=L.Hashing(5, mask_value=42)(ints).numpy().tolist()
out["str_mask"]=L.Hashing(5, mask_value="abc")(tf.constant(strs)).numpy().tolist()
out["int_salt_multi_hot"]=L.Hashing(6, salt=7, output_mode="multi_hot")(ints).numpy().tolist()
out["one_hot"]=L.Hashing(4, output_mode="one_hot")(tf.constant(["a","b","c"])).numpy().tolist()
out["count"]=L.Hashing(4, output_mode="count")(tf.constant([["a","b","a"],["c","c","c"]])).numpy().tolist()
h=L.Hashing(5, mask_value=42, salt=[1,2]); out["hash_config"]=h.get_config()
# Discretization
d=L.Discretization(bin_boundaries=[0., 1., 2.])
xd=np.array([[-1.5, 0., 0.5], [1., 2., 3.7]], "float32")
out["disc_x"]=xd.tolist()
out["disc_int"]=d(xd).numpy().tolist()
out["disc_dtype"]=d(xd).dtype.name
out["disc_multi_hot"]=L.Discretization(bin_boundaries=[0., 1., 2.], output_mode="multi_hot")(xd).numpy().tolist()
out["disc_one_hot"]=L.Discretization(bin_boundaries=[0., 1., 2.], output_mode="one_hot")(np.array([-1., 0.5, 1.5, 9.], "float32")).numpy().tolist()
out["disc_int_input"]=L.Discretization(bin_boundaries=[0.5, 2.5])(np.array([0, 1, 2, 3], "int64")).numpy().tolist()
rng=np.random.RandomState(0)
data=rng.normal(size=(1000,)).astype("float32")
out["adapt_data"]=data.tolist()
for nb, eps, bs in [(4, 0.01, None), (5, 0.01, 100), (3, 0.1, None), (10, 0.001, 256)]:
    l=L.Discretization(num_bins=nb, epsilon=eps)
    l.adapt(data, batch_size=bs)
    out[f"adapt_{nb}_{eps}_{bs}"]=[float(v) for v in l.bin_boundaries]
small=np.array([[1.],[2.],[3.],[4.],[5.],[6.],[7.],[8.]],"float32")
l=L.Discretization(num_bins=4, epsilon=0.01); l.adapt(small)
out["adapt_small"]=[float(v) for v in l.bin_boundaries]
ds=tf.data.Dataset.from_tensor_slices(data).batch(300)
l=L.Discretization(num_bins=4); l.adapt(ds)
out["adapt_ds_300"]=[float(v) for v in l.bin_boundaries]
out["disc_config"]=L.Discretization(num_bins=4, epsilon=0.05).get_config()
# geometric fixed transforms
img=np.arange(1*5*4*2, dtype="float32").reshape(1,5,4,2)
out["img"]=img.tolist()
for fm in ["reflect","wrap","constant","nearest"]:
    for it in ["bilinear","nearest"]:
        out[f"rot90_{fm}_{it}"]=L.RandomRotation((0.25,0.25), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
        out[f"rot30_{fm}_{it}"]=L.RandomRotation((1/12,1/12), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
        out[f"zoom_{fm}_{it}"]=L.RandomZoom((-0.4,-0.4), (0.3,0.3), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
        out[f"zoomout_{fm}_{it}"]=L.RandomZoom((0.5,0.5), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
        out[f"trans_{fm}_{it}"]=L.RandomTranslation((0.3,0.3), (-0.6,-0.6), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
        out[f"trans_big_{fm}_{it}"]=L.RandomTranslation((-1.0,-1.0), (0.9,0.9), fill_mode=fm, interpolation=it, fill_value=-1.0)(img, training=True).numpy().tolist()
out["rot_3d"]=L.RandomRotation((0.5,0.5))(img[0], training=True).numpy().tolist()
cfgs={}
for name, layer in [("RandomFlip", L.RandomFlip("horizontal", seed=3)), ("RandomRotation", L.RandomRotation(0.2, fill_mode="constant", seed=1)),
                    ("RandomZoom", L.RandomZoom(0.1, (-0.2, 0.3), interpolation="nearest")), ("RandomTranslation", L.RandomTranslation(0.1, [-0.2, 0.2])),
                    ("RandomContrast", L.RandomContrast([0.1, 0.5], seed=4))]:
    cfgs[name]=layer.get_config()
out["configs"]=cfgs
# tf.strings.split (values + row_splits of the RaggedTensor)
sp_in = ["  hello  world ", "", "   ", "a,b,,c", "one\ttwo\nthree", "x<>y<>z", ",lead,trail,"]
out["split_inputs"] = sp_in
for sep in [None, ",", "<>", " "]:
    for ms in [-1, 0, 1, 2]:
        r = tf.strings.split(tf.constant(sp_in), sep=sep, maxsplit=ms)
        out[f"split_{sep}_{ms}"] = {"values": [v.decode() for v in r.values.numpy().tolist()], "row_splits": r.row_splits.numpy().tolist()}
out["split_scalar"] = [v.decode() for v in tf.strings.split(tf.constant("a b  c")).numpy().tolist()]
out["split_to_tensor"] = [[v.decode() for v in row] for row in tf.strings.split(tf.constant(["a b", "c", ""])).to_tensor().numpy().tolist()]
print(json.dumps(out))
