"""Multi-output training, the rest of issue 12 point 4 (tf.keras 2): functional models with dict
outputs and dict inputs, per-output sample weights (lists and dicts) in fit / evaluate /
train_on_batch / test_on_batch, class_weight with several outputs, plain `metrics` unweighted and
`weighted_metrics` weighted, evaluate's return_dict and metrics_names. Expected values: tf.keras
2.21 (tf-keras with TF_USE_LEGACY_KERAS=1) on the same model, weights and data (REF below), and
small cases computed by hand."""
import numpy as np
import pytest

import swiftkeras as tf
from swiftkeras import keras

# tf.keras 2.21 results (see the module docstring)
REF = {'output_names': ['da', 'db'], 'eval': {'loss': 1.8252826929092407, 'da_loss': 1.4618613719940186, 'db_loss': 0.7268427610397339, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.862470269203186, 'db_accuracy': 0.5}, 'names': ['loss', 'da_loss', 'db_loss', 'da_mae', 'da_weighted_mae', 'db_accuracy'], 'eval_list': [1.8252826929092407, 1.4618613719940186, 0.7268427610397339, 0.862470269203186, 0.862470269203186, 0.5], 'eval_sw_dict': {'loss': 2.169586658477783, 'da_loss': 1.8048477172851562, 'db_loss': 0.7294780611991882, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5}, 'eval_sw_one': {'loss': 2.168268918991089, 'da_loss': 1.8048477172851562, 'db_loss': 0.7268427610397339, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5}, 'pred_keys': ['zb', 'ya'], 'pred_ya': [-0.5191951394081116, -0.1220771074295044, 1.0192391872406006, -0.9181729555130005, -1.1282501220703125, 0.19137290120124817, -0.9709419012069702, 0.3530105650424957, -1.6921576261520386, 0.19601348042488098], 'pred_zb': [0.5198862552642822, 0.48011380434036255, 0.47669515013694763, 0.52330482006073, 0.43877148628234863, 0.5612285137176514, 0.6076586246490479, 0.3923413157463074, 0.5898229479789734, 0.4101770222187042, 0.4878297746181488, 0.5121702551841736, 0.5217483043670654, 0.47825169563293457, 0.5107662677764893, 0.4892336428165436, 0.5857456922531128, 0.4142542779445648, 0.42948195338249207, 0.5705180764198303], 'fit': {'loss': [1.9638923406600952, 0.9762601852416992], 'da_loss': [1.5980736017227173, 0.6234816312789917], 'db_loss': [0.7316376566886902, 0.7055569887161255], 'da_mae': [0.8391516804695129, 0.6630152463912964], 'da_weighted_mae': [0.8604118824005127, 0.6237475275993347], 'db_accuracy': [0.4000000059604645, 0.30000001192092896], 'val_loss': [1.0021884441375732, 0.8305625915527344], 'val_da_loss': [0.6513463258743286, 0.48698896169662476], 'val_db_loss': [0.7016843557357788, 0.6871471405029297], 'val_da_mae': [0.6913241147994995, 0.5796741247177124], 'val_da_weighted_mae': [0.6913241147994995, 0.5796741247177124], 'val_db_accuracy': [0.30000001192092896, 0.4000000059604645]}, 'list_eval_dict_x': {'loss': 2.188704013824463, 'da_loss': 1.4618613719940186, 'db_loss': 0.7268427610397339, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.862470269203186, 'db_accuracy': 0.5, 'db_weighted_accuracy': 0.5}, 'list_eval_sw': {'loss': 2.5343258380889893, 'da_loss': 1.8048477172851562, 'db_loss': 0.7294780611991882, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5, 'db_weighted_accuracy': 0.472222238779068}, 'list_names': ['loss', 'da_loss', 'db_loss', 'da_mae', 'da_weighted_mae', 'db_accuracy', 'db_weighted_accuracy'], 'tob_sw': {'loss': 2.5343258380889893, 'da_loss': 1.8048477172851562, 'db_loss': 0.729478120803833, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5, 'db_weighted_accuracy': 0.472222238779068}, 'tob_sw_dict': {'loss': 2.5343258380889893, 'da_loss': 1.8048477172851562, 'db_loss': 0.729478120803833, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5, 'db_weighted_accuracy': 0.472222238779068}, 'trob_sw': {'loss': 2.5343258380889893, 'da_loss': 1.8048477172851562, 'db_loss': 0.729478120803833, 'da_mae': 0.862470269203186, 'da_weighted_mae': 0.8903789520263672, 'db_accuracy': 0.5, 'db_weighted_accuracy': 0.472222238779068}, 'fit2': {'loss': [1.9294726848602295, 1.2633588314056396], 'da_loss': [1.2083877325057983, 0.577288031578064], 'db_loss': [0.7210849523544312, 0.6860708594322205], 'da_mae': [0.7399650812149048, 0.6388338804244995], 'da_weighted_mae': [0.7533342838287354, 0.5993227958679199], 'db_accuracy': [0.30000001192092896, 0.6000000238418579], 'db_weighted_accuracy': [0.3166666626930237, 0.6333333253860474]}, 'cw_error': ['ValueError', '`class_weight` is only supported for Models with a single output.']}


def _weights():
    r = np.random.RandomState(11)
    return {"h": [r.uniform(-1, 1, (5, 4)).astype("f"), r.uniform(-.5, .5, 4).astype("f")],
            "da": [r.uniform(-1, 1, (4, 1)).astype("f"), r.uniform(-.5, .5, 1).astype("f")],
            "db": [r.uniform(-1, 1, (4, 2)).astype("f"), r.uniform(-.5, .5, 2).astype("f")]}


def _model(dict_io=True):
    i1, i2 = keras.Input((3,), name="x1"), keras.Input((2,), name="x2")
    h = keras.layers.Dense(4, activation="tanh", name="h")(keras.layers.Concatenate(name="cat")([i1, i2]))
    a = keras.layers.Dense(1, name="da")(h)
    b = keras.layers.Dense(2, activation="softmax", name="db")(h)
    m = keras.Model({"x1": i1, "x2": i2}, {"zb": b, "ya": a}) if dict_io else keras.Model([i1, i2], [a, b])
    for k, v in _weights().items():
        m.get_layer(k).set_weights(v)
    return m


_r = np.random.RandomState(5)
X1 = _r.uniform(-1, 1, (10, 3)).astype("f")
X2 = _r.uniform(-1, 1, (10, 2)).astype("f")
YA = _r.uniform(-1, 1, (10, 1)).astype("f")
ZB = (_r.uniform(0, 1, 10) > 0.5).astype("f")
W1 = np.linspace(0.2, 2.0, 10).astype("f")
W2 = np.linspace(1.5, 0.5, 10).astype("f")
X = {"x1": X1, "x2": X2}
Y = {"ya": YA, "zb": ZB}


def _same_logs(got, want, rtol=2e-5):
    assert list(got) == list(want), (list(got), list(want))
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=rtol, atol=1e-6, err_msg=k)


def _compiled_dict_model():
    m = _model()
    m.compile(keras.optimizers.SGD(0.1), loss={"ya": "mse", "zb": "sparse_categorical_crossentropy"},
              loss_weights={"zb": 0.5}, metrics={"ya": ["mae"], "zb": ["accuracy"]}, weighted_metrics={"ya": ["mae"]})
    return m


def test_dict_outputs_key_losses_metrics_and_targets_by_key_and_log_by_layer_name():
    m = _compiled_dict_model()
    assert m.output_names == REF["output_names"] == ["da", "db"]
    _same_logs(m.evaluate(X, Y, verbose=0, return_dict=True, batch_size=4), REF["eval"])
    assert m.metrics_names == REF["names"]
    # return_dict=False: the values in metrics_names order
    np.testing.assert_allclose(m.evaluate(X, Y, verbose=0, batch_size=4), REF["eval_list"], rtol=2e-5, atol=1e-6)
    # a list of targets is in the outputs' (sorted key) order
    _same_logs(m.evaluate(X, [YA, ZB], verbose=0, return_dict=True, batch_size=4), REF["eval"])
    # per-output sample weights by key; an output not named is not weighted
    _same_logs(m.evaluate(X, Y, sample_weight={"ya": W1, "zb": W2}, verbose=0, return_dict=True, batch_size=4),
               REF["eval_sw_dict"])
    _same_logs(m.evaluate(X, Y, sample_weight={"ya": W1}, verbose=0, return_dict=True, batch_size=4), REF["eval_sw_one"])


def test_dict_outputs_predict_gives_a_dict_by_key_in_the_given_order():
    m = _model()
    p = m.predict(X, verbose=0)
    assert isinstance(p, dict) and list(p) == REF["pred_keys"] == ["zb", "ya"]
    assert p["ya"].shape == (10, 1) and p["zb"].shape == (10, 2) and p["ya"].dtype == np.float32
    np.testing.assert_allclose(p["ya"].ravel(), REF["pred_ya"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(p["zb"].ravel(), REF["pred_zb"], rtol=2e-5, atol=1e-6)
    # a dataset of dict inputs; batches concatenated per output
    q = m.predict(tf.data.Dataset.from_tensor_slices(X).batch(3), verbose=0)
    np.testing.assert_allclose(q["ya"], p["ya"], rtol=1e-6)
    np.testing.assert_allclose(q["zb"], p["zb"], rtol=1e-6)


def test_dict_outputs_fit_with_sample_weights_by_key_and_validation_as_tf_keras():
    m = _compiled_dict_model()
    h = m.fit(X, Y, sample_weight={"ya": W1, "zb": W2}, batch_size=4, epochs=2, shuffle=False, verbose=0,
              validation_data=(X, Y))
    assert sorted(h.history) == sorted(REF["fit"])
    for k, v in REF["fit"].items():
        np.testing.assert_allclose(h.history[k], v, rtol=2e-5, atol=1e-6, err_msg=k)


def test_dict_io_config_round_trip_keeps_the_dicts(tmp_path):
    m = _model()
    cfg = m.get_config()
    assert cfg["output_layers"] == {"ya": ["da", 0, 0], "zb": ["db", 0, 0]}
    assert cfg["input_layers"] == {"x1": ["x1", 0, 0], "x2": ["x2", 0, 0]}
    back = keras.models.model_from_json(m.to_json())
    back.set_weights(m.get_weights())
    p, q = m.predict(X, verbose=0), back.predict(X, verbose=0)
    assert isinstance(q, dict) and sorted(q) == ["ya", "zb"]
    for k in p:
        np.testing.assert_allclose(q[k], p[k], rtol=1e-6)
    m.save(str(tmp_path / "m"))
    loaded = keras.models.load_model(str(tmp_path / "m"))
    r = loaded.predict(X, verbose=0)
    for k in p:
        np.testing.assert_allclose(r[k], p[k], rtol=1e-6)


def test_dict_keys_must_be_strings_and_dict_inputs_match_by_key():
    i = keras.Input((2,), name="inp")
    with pytest.raises(TypeError, match="strings"):
        keras.Model(i, {1: keras.layers.Dense(1)(i)})
    m = _model()
    m.compile("sgd", loss="mse")
    with pytest.raises(ValueError, match="x2"):
        m.predict({"x1": X1, "other": X2}, verbose=0)


def test_list_inputs_given_as_a_dict_by_input_name_and_per_output_sample_weight_lists():
    m = _model(False)
    m.compile(keras.optimizers.SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"],
              metrics=[["mae"], ["accuracy"]], weighted_metrics=[["mae"], ["accuracy"]])
    _same_logs(m.evaluate(X, [YA, ZB], verbose=0, return_dict=True, batch_size=4), REF["list_eval_dict_x"])
    _same_logs(m.evaluate([X1, X2], [YA, ZB], sample_weight=[W1, W2], verbose=0, return_dict=True, batch_size=4),
               REF["list_eval_sw"])
    assert m.metrics_names == REF["list_names"]
    _same_logs(m.test_on_batch([X1, X2], [YA, ZB], sample_weight=[W1, W2], return_dict=True), REF["tob_sw"])
    _same_logs(m.test_on_batch([X1, X2], {"da": YA, "db": ZB}, sample_weight={"da": W1, "db": W2}, return_dict=True),
               REF["tob_sw_dict"])
    _same_logs(m.train_on_batch([X1, X2], [YA, ZB], sample_weight=[W1, W2], return_dict=True), REF["trob_sw"])
    h = m.fit(X, [YA, ZB], sample_weight=[W1, W2], batch_size=4, epochs=2, shuffle=False, verbose=0)
    for k, v in REF["fit2"].items():
        np.testing.assert_allclose(h.history[k], v, rtol=2e-5, atol=1e-6, err_msg=k)


def test_per_output_sample_weight_errors_name_the_problem():
    m = _model(False)
    m.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match="sample weights name"):
        m.evaluate([X1, X2], {"da": YA, "db": ZB}, sample_weight={"nope": W1}, verbose=0)
    with pytest.raises(ValueError, match="3 per-output sample weights"):
        m.evaluate([X1, X2], [YA, ZB], sample_weight=[W1, W2, W1], verbose=0)
    with pytest.raises(ValueError, match="no target"):
        m.test_on_batch([X1, X2], {"da": YA, "db": ZB}, sample_weight={"zz": W1})


def test_class_weight_with_several_outputs_raises_as_tf_keras():
    m = _model(False)
    m.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match=r"`class_weight` is only supported for Models with a single output\."):
        m.fit([X1, X2], [YA, ZB], class_weight={0: 1.0, 1: 2.0}, verbose=0)
    assert REF["cw_error"] == ["ValueError", "`class_weight` is only supported for Models with a single output."]


# Plain metrics see no sample weights (only masks); weighted_metrics do (tf.keras 2 MetricsContainer).
# Hand case: predictions [[.9, .1], [.2, .8], [.6, .4], [.3, .7]], labels [0, 0, 1, 1]: hits [1, 0, 0, 1];
# weights [1, 1, 1, 5]: accuracy 2/4 = 0.5, weighted accuracy (1 + 5) / 8 = 0.75.
P = np.array([[.9, .1], [.2, .8], [.6, .4], [.3, .7]], "f")
L = np.array([0, 0, 1, 1], "f")
SW = np.array([1, 1, 1, 5], "f")


def _identity_model(outputs=1):
    i = keras.Input((2,), name="p")
    outs = [keras.layers.Dense(2, use_bias=False, kernel_initializer="identity", name=f"o{k}")(i) for k in range(outputs)]
    return keras.Model(i, outs if outputs > 1 else outs[0])


def test_plain_metrics_are_unweighted_weighted_metrics_weighted_single_output():
    m = _identity_model()
    m.compile("sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
    logs = m.evaluate(P, L, sample_weight=SW, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy", "weighted_accuracy"]
    assert logs["accuracy"] == pytest.approx(0.5) and logs["weighted_accuracy"] == pytest.approx(0.75)
    # plain compile (no weighted_metrics): the sample weights reach only the loss
    m.compile("sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    logs = m.evaluate(P, L, sample_weight=SW, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(0.5)
    ce = -np.log(P[np.arange(4), L.astype(int)])
    assert logs["loss"] == pytest.approx(float(np.sum(SW * ce) / 4), rel=1e-5)
    # fit (zero learning rate: frozen) and train_on_batch alike
    m.compile(keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
              weighted_metrics=["accuracy"])
    h = m.fit(P, L, sample_weight=SW, batch_size=4, epochs=1, verbose=0)
    assert h.history["accuracy"] == [pytest.approx(0.5)] and h.history["weighted_accuracy"] == [pytest.approx(0.75)]
    tob = m.train_on_batch(P, L, sample_weight=SW, return_dict=True)
    assert tob["accuracy"] == pytest.approx(0.5) and tob["weighted_accuracy"] == pytest.approx(0.75)


def test_plain_metrics_are_unweighted_weighted_metrics_weighted_multi_output():
    """MAE against zero targets: |P| row means [.5, .5, .5, .5] per row -> 0.5 either way; use targets
    T = [[1, 0], [0, 0], [0, 0], [0, 0]]: per-sample MAE [.1, .5, .5, .5]: plain mean 0.4, weighted
    (.1 + .5 + .5 + 2.5) / 8 = 0.45; output o1 weighted by W2 = [4, 0, 0, 0]: weighted MAE 0.1."""
    m = _identity_model(2)
    t = np.array([[1, 0], [0, 0], [0, 0], [0, 0]], "f")
    m.compile("sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
    logs = m.evaluate(P, [t, t], sample_weight=[SW, np.array([4, 0, 0, 0], "f")], verbose=0, return_dict=True)
    assert m.metrics_names == ["loss", "o0_loss", "o1_loss", "o0_mae", "o0_weighted_mae", "o1_mae", "o1_weighted_mae"]
    assert list(logs) == m.metrics_names
    np.testing.assert_allclose([logs["o0_mae"], logs["o0_weighted_mae"], logs["o1_mae"], logs["o1_weighted_mae"]],
                               [0.4, 0.45, 0.4, 0.1], rtol=1e-5)
    # one array of sample weights weighs every output
    logs = m.evaluate(P, [t, t], sample_weight=SW, verbose=0, return_dict=True)
    np.testing.assert_allclose([logs["o0_weighted_mae"], logs["o1_weighted_mae"], logs["o1_mae"]], [0.45, 0.45, 0.4],
                               rtol=1e-5)


FIT_SPLIT = {'loss': [2.0540931224823, 1.5732173919677734], 'da_loss': [1.1898638010025024, 0.7536991238594055], 'db_loss': [0.8642296195030212, 0.8195182085037231], 'da_mae': [0.8704218864440918, 0.7923920750617981], 'db_accuracy': [0.2857142984867096, 0.4285714328289032], 'val_loss': [2.813810348510742, 2.5902175903320312], 'val_da_loss': [2.384122848510742, 2.1607048511505127], 'val_db_loss': [0.4296874701976776, 0.4295128285884857], 'val_da_mae': [0.7657250761985779, 0.8047084212303162], 'val_db_accuracy': [0.3333333432674408, 0.3333333432674408]}


def test_validation_split_with_several_outputs_and_per_output_weights_as_tf_keras():
    """The core splits x, every target and every sample weight at the same sample (tf.keras 2.21's
    values for fit(..., sample_weight=[W1, W2], validation_split=0.3, shuffle=False))."""
    m = _model(False)
    m.compile(keras.optimizers.SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae"], ["accuracy"]])
    h = m.fit([X1, X2], [YA, ZB], sample_weight=[W1, W2], batch_size=4, epochs=2, shuffle=False, verbose=0,
              validation_split=0.3)
    assert sorted(h.history) == sorted(FIT_SPLIT)
    for k, v in FIT_SPLIT.items():
        np.testing.assert_allclose(h.history[k], v, rtol=2e-5, atol=1e-6, err_msg=k)
    # dict inputs and dict targets split alike
    d = _compiled_dict_model()
    h = d.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0, validation_split=0.3)
    want = d.evaluate({k: v[7:] for k, v in X.items()}, {k: v[7:] for k, v in Y.items()}, verbose=0, return_dict=True)
    for k, v in want.items():
        np.testing.assert_allclose(h.history["val_" + k][-1], v, rtol=1e-5, atol=1e-6, err_msg=k)
    with pytest.raises(ValueError, match="leaves no training or no validation samples"):
        m.fit([X1[:1], X2[:1]], [YA[:1], ZB[:1]], validation_split=0.5, verbose=0)
