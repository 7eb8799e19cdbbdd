"""Models with several outputs (tf.keras 2): compile with losses, loss_weights, metrics and
weighted_metrics per output (lists, dicts by output name, one value broadcast, None for an
output), targets as lists or dicts in fit / evaluate / train_on_batch / test_on_batch (arrays and
datasets), every output of predict. Expected values: tf.keras 2.21 (tf-keras with
TF_USE_LEGACY_KERAS=1) on the same model, weights and data (recorded below)."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

# tf.keras 2.21 results (see the module docstring)
REF = {'lists': {'loss': 1.2770425081253052, 'a_loss': 0.13501131534576416, 'b_loss': 0.6047683358192444, 'a_mae': 0.26518234610557556, 'b_accuracy': 0.5833333134651184}, 'broadcast_metrics': {'loss': 0.7397797703742981, 'a_loss': 0.13501131534576416, 'b_loss': 0.6047683358192444, 'a_mse': 0.13501131534576416, 'a_mae': 0.26518234610557556, 'b_mse': 0.2077338546514511, 'b_mae': 0.41709163784980774}, 'dicts': {'loss': 0.41637447476387024, 'a_loss': 0.26518234610557556, 'b_loss': 0.6047683358192444, 'b_accuracy': 0.5833333134651184, 'b_sparse_categorical_crossentropy': 0.6047683358192444}, 'none_for_b': {'loss': 0.13501131534576416, 'a_loss': 0.13501131534576416, 'a_mae': 0.26518234610557556}, 'weighted': {'loss': 0.7397797703742981, 'a_loss': 0.13501131534576416, 'b_loss': 0.6047683358192444, 'a_mae': 0.26518234610557556, 'a_weighted_mae': 0.26518234610557556, 'b_accuracy': 0.5833333134651184}, 'sw_eval': {'loss': 0.47727105021476746, 'a_loss': 0.14821267127990723, 'b_loss': 0.6581167578697205}, 'fit': {'loss': [0.4255227744579315, 0.39035090804100037, 0.3810633718967438], 'a_loss': [0.11840182542800903, 0.08131035417318344, 0.07381657510995865], 'b_loss': [0.614241898059845, 0.6180810928344727, 0.6144936680793762], 'a_mae': [0.2578359544277191, 0.21140490472316742, 0.20676250755786896], 'b_accuracy': [0.5833333134651184, 0.5833333134651184, 0.5833333134651184], 'val_loss': [0.37063050270080566, 0.36147192120552063, 0.3566107451915741], 'val_a_loss': [0.07166508585214615, 0.06477154046297073, 0.06149701401591301], 'val_b_loss': [0.5979307293891907, 0.593400776386261, 0.5902274250984192], 'val_a_mae': [0.21562416851520538, 0.20803220570087433, 0.2064541131258011], 'val_b_accuracy': [0.5833333134651184, 0.5833333134651184, 0.5833333134651184]}, 'pred_a': [-0.031082883477211, 0.38871699571609497, -0.35603460669517517, -0.15943410992622375, 0.014470130205154419, -0.11060521006584167, -0.15836769342422485, -0.2525523006916046, 0.02114032208919525, 0.2658294141292572, 0.19118785858154297, -0.33276328444480896], 'pred_b': [0.760357677936554, 0.23964227735996246, 0.6016364097595215, 0.3983635902404785, 0.8427653908729553, 0.15723460912704468, 0.4735398292541504, 0.5264601707458496, 0.37560901045799255, 0.6243909597396851, 0.39292797446250916, 0.6070719957351685, 0.7923569083213806, 0.20764315128326416, 0.6139662861824036, 0.38603368401527405, 0.7805107235908508, 0.2194892168045044, 0.5069295167922974, 0.493070513010025, 0.2642296254634857, 0.7357704043388367, 0.5161675810813904, 0.4838324189186096], 'fit_ds': {'loss': [0.7403162121772766, 0.6999573707580566], 'a_loss': [0.1305021345615387, 0.10170292854309082], 'b_loss': [0.6098141074180603, 0.598254382610321]}, 'tob': {'loss': 0.6804527640342712, 'a_loss': 0.08683086186647415, 'b_loss': 0.5936219096183777}, 'tob_list': [0.6695768237113953, 0.07881339639425278, 0.5907633900642395], 'names_after': ['loss', 'a_loss', 'b_loss'], 'names_broadcast': ['loss', 'a_loss', 'b_loss', 'a_mae', 'b_mae']}


def _weights():
    r = np.random.RandomState(7)
    return [r.uniform(-1, 1, (3, 4)).astype("float32"), r.uniform(-.5, .5, 4).astype("float32"),
            r.uniform(-1, 1, (4, 1)).astype("float32"), r.uniform(-.5, .5, 1).astype("float32"),
            r.uniform(-1, 1, (4, 2)).astype("float32"), r.uniform(-.5, .5, 2).astype("float32")]


def _model():
    inp = keras.Input((3,), name="inp")
    h = keras.layers.Dense(4, activation="tanh", name="h")(inp)
    a = keras.layers.Dense(1, name="a")(h)
    b = keras.layers.Dense(2, activation="softmax", name="b")(h)
    m = keras.Model(inp, [a, b])
    m.set_weights(_weights())
    return m


_r = np.random.RandomState(3)
X = _r.uniform(-1, 1, (12, 3)).astype("float32")
YA = _r.uniform(-1, 1, (12, 1)).astype("float32")
YB = (_r.uniform(0, 1, 12) > 0.5).astype("float32")
SW = np.linspace(0.5, 1.5, 12).astype("float32")


def _same_logs(got, want, rtol=2e-5):
    assert list(got) == list(want), (list(got), list(want))
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=rtol, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("key,kwargs", [
    ("lists", dict(loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 2.0],
                   metrics=[["mae"], ["accuracy"]])),
    ("dicts", dict(loss={"a": "mae", "b": "sparse_categorical_crossentropy"}, loss_weights={"b": 0.25},
                   metrics={"b": ["accuracy", "sparse_categorical_crossentropy"]})),
    ("none_for_b", dict(loss=["mse", None], metrics=[["mae"], None])),
    ("weighted", dict(loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae"], []],
                      weighted_metrics=[["mae"], ["accuracy"]])),
])
def test_evaluate_log_keys_and_values_as_tf_keras(key, kwargs):
    m = _model()
    m.compile(keras.optimizers.SGD(0.1), **kwargs)
    got = m.evaluate(X, [YA, YB], return_dict=True, verbose=0, batch_size=5)
    _same_logs(got, REF[key])
    assert m.metrics_names == list(REF[key])
    # the same targets by output name
    _same_logs(m.evaluate(X, {"b": YB, "a": YA}, return_dict=True, verbose=0, batch_size=5), REF[key])


def test_a_flat_metric_list_is_computed_for_every_output():
    """metrics=["mse", "mae"] with two outputs: a_mse, a_mae, b_mse, b_mae (one-hot b targets)."""
    m = _model()
    m.compile(keras.optimizers.SGD(0.1), loss=["mse", "categorical_crossentropy"], metrics=["mse", "mae"])
    one_hot = np.stack([1 - YB, YB], 1)
    _same_logs(m.evaluate(X, [YA, one_hot], return_dict=True, verbose=0, batch_size=5), REF["broadcast_metrics"])


def test_sample_weight_weights_every_output_loss():
    m = _model()
    m.compile(keras.optimizers.SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5])
    _same_logs(m.evaluate(X, [YA, YB], sample_weight=SW, return_dict=True, verbose=0, batch_size=5), REF["sw_eval"])


def test_fit_with_dict_targets_and_list_validation_as_tf_keras():
    m = _model()
    m.compile(keras.optimizers.SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5],
              metrics={"b": "accuracy", "a": "mae"})
    h = m.fit(X, {"a": YA, "b": YB}, batch_size=4, epochs=3, shuffle=False, verbose=0, validation_data=(X, [YA, YB]))
    assert sorted(h.history) == sorted(REF["fit"])
    for k, v in REF["fit"].items():
        np.testing.assert_allclose(h.history[k], v, rtol=2e-5, atol=1e-6, err_msg=k)
    pa, pb = m.predict(X, verbose=0)
    assert pa.shape == (12, 1) and pb.shape == (12, 2) and pa.dtype == np.float32
    np.testing.assert_allclose(pa.ravel(), REF["pred_a"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(pb.ravel(), REF["pred_b"], rtol=2e-5, atol=1e-6)
    # predict in batches of 5 (several batches concatenated per output)
    qa, qb = m.predict(X, batch_size=5, verbose=0)
    np.testing.assert_allclose(qa, pa, rtol=1e-6)
    np.testing.assert_allclose(qb, pb, rtol=1e-6)


def test_fit_on_a_dataset_of_tuple_targets_then_train_on_batch_as_tf_keras():
    m = _model()
    m.compile(keras.optimizers.Adam(0.01), loss={"a": "mse", "b": "sparse_categorical_crossentropy"})
    ds = tf.data.Dataset.from_tensor_slices((X, (YA, YB))).batch(6)
    h = m.fit(ds, epochs=2, verbose=0)
    for k, v in REF["fit_ds"].items():
        np.testing.assert_allclose(h.history[k], v, rtol=2e-5, atol=1e-6, err_msg=k)
    _same_logs(m.train_on_batch(X, [YA, YB], return_dict=True), REF["tob"])
    np.testing.assert_allclose(m.train_on_batch(X, {"a": YA, "b": YB}), REF["tob_list"], rtol=2e-5, atol=1e-6)
    assert m.metrics_names == REF["names_after"]
    assert [mt.name for mt in m.metrics] == REF["names_after"]
    before = m.test_on_batch(X, [YA, YB], return_dict=True)
    assert m.test_on_batch(X, {"a": YA, "b": YB}, return_dict=True) == before


def test_one_loss_and_a_flat_metric_list_apply_to_every_output():
    m = _model()
    m.compile("sgd", loss="mse", metrics="mae")
    m.evaluate(X, [YA, np.stack([YB, 1 - YB], 1)], verbose=0)
    assert m.metrics_names == REF["names_broadcast"]
    assert m.output_names == ["a", "b"]


def test_loss_weights_steer_training_to_convergence():
    """With the classification loss weighted 0 the head b does not learn; with both weighted the
    model fits both targets (a learnable mapping: a = x0 - x1, b = x2 > 0)."""
    r = np.random.RandomState(0)
    x = r.uniform(-1, 1, (256, 3)).astype("float32")
    ya = (x[:, :1] - x[:, 1:2]).astype("float32")
    yb = (x[:, 2] > 0).astype("int32")
    keras.utils.set_random_seed(1)
    m = _model()
    m.compile(keras.optimizers.Adam(0.05), loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 1.0],
              metrics={"b": "accuracy"})
    m.fit(x, [ya, yb], batch_size=32, epochs=30, verbose=0, shuffle=False)
    logs = m.evaluate(x, {"a": ya, "b": yb}, return_dict=True, verbose=0)
    assert logs["a_loss"] < 0.01 and logs["b_accuracy"] > 0.95, logs
    frozen = _model()
    frozen.compile(keras.optimizers.Adam(0.05), loss=["mse", "sparse_categorical_crossentropy"],
                   loss_weights={"a": 1.0, "b": 0.0})
    kb = frozen.get_layer("b").get_weights()
    frozen.fit(x, [ya, yb], batch_size=32, epochs=2, verbose=0)
    for w0, w1 in zip(kb, frozen.get_layer("b").get_weights()):
        np.testing.assert_array_equal(w0, w1)


def test_errors_name_the_outputs():
    m = _model()
    m.compile("sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match="list of 3"):
        m.evaluate(X, [YA, YB], verbose=0)
    m.compile("sgd", loss={"a": "mse", "c": "mse"})
    with pytest.raises(ValueError, match="do not correspond to any Model output"):
        m.evaluate(X, [YA, YB], verbose=0)
    m.compile("sgd", loss="mse")
    with pytest.raises(ValueError, match="'b'"):
        m.evaluate(X, {"a": YA}, verbose=0)
    with pytest.raises(ValueError, match="not outputs of the model"):
        m.train_on_batch(X, {"a": YA, "zz": YB})
    with pytest.raises(ValueError, match="Found two metrics with the same name"):
        m.compile("sgd", loss="mse", metrics=[["mae", "mae"], []])
        m.evaluate(X, [YA, YB], verbose=0)
    # tf.keras 2's data adapter refuses class_weight with several outputs (test_multi_output_more.py);
    # dict outputs are supported since
    with pytest.raises(ValueError, match="class_weight"):
        m.fit(X, [YA, YB], class_weight={0: 1.0, 1: 2.0}, verbose=0)


def test_too_few_targets_after_a_first_step_is_an_error_not_a_crash():
    """Regression: once a step had resolved the compiled losses, a call with fewer targets than
    outputs indexed past the targets (a trap in the core)."""
    m = _model()
    m.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    m.test_on_batch(X, [YA, YB])
    with pytest.raises(ValueError, match="2 output"):
        m.test_on_batch(X, [YA])


def test_saving_a_per_output_compile_is_refused_by_name(tmp_path):
    m = _model()
    m.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(NotImplementedError, match="per-output"):
        m.save(str(tmp_path / "m"))   # a SwiftKeras model directory (.keras is refused for its own reason)
    m.save_weights(str(tmp_path / "w.safetensors"))


def test_single_output_lists_weights_and_weighted_metrics():
    """One output: a list of one loss, a loss weight, and a weighted metric named like a plain one
    ("weighted_" prefix, tf.keras 2); no per-output keys. Oracle: numpy."""
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), kernel_initializer="ones", name="out")])
    m.compile("sgd", loss=["mse"], loss_weights=[2.0], metrics=[["mae"]], weighted_metrics=["mae"])
    logs = m.evaluate(X, YA, return_dict=True, verbose=0, sample_weight=SW)
    pred = X.sum(1, keepdims=True)
    err = (pred - YA).ravel()
    assert list(logs) == ["loss", "mae", "weighted_mae"]
    np.testing.assert_allclose(logs["loss"], 2 * np.sum(SW * err ** 2) / 12, rtol=1e-5)
    np.testing.assert_allclose(logs["weighted_mae"], np.sum(SW * np.abs(err)) / SW.sum(), rtol=1e-5)
    assert m.output_names == ["out"]
