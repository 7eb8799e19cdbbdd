"""`model.summary()` prints tf.keras 2's text exactly: Tests/reference/summaries.json was recorded
from tf-keras 2.21 by Tests/reference/make_summaries.py, whose model builders run here with
swiftkeras in place of tensorflow."""
import importlib.util
import json
import os

import pytest

import swiftkeras as tf
from swiftkeras import keras
from swiftkeras.keras import layers

REF_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Tests", "reference")
REF = json.load(open(os.path.join(REF_DIR, "summaries.json")))
_spec = importlib.util.spec_from_file_location("make_summaries", os.path.join(REF_DIR, "make_summaries.py"))
make_summaries = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_summaries)


@pytest.fixture(scope="module")
def cases():
    return make_summaries.build_cases(tf, keras, layers)


@pytest.mark.parametrize("name", [k for k in REF if not k.startswith("_") and k not in ("sequential_frozen", "unbuilt_error")])
def test_summary_text_is_tf_keras_2s(cases, name):
    model, kwargs = cases[name]
    assert make_summaries.summary_text(model, **kwargs) == REF[name]


def test_summary_of_frozen_layer_and_default_print(cases, capsys):
    model = cases["sequential"][0]
    model.layers[1].trainable = False
    try:
        model.summary()
        assert capsys.readouterr().out == REF["sequential_frozen"] + "\n"
    finally:
        model.layers[1].trainable = True


def test_summary_of_unbuilt_model_raises():
    with pytest.raises(ValueError, match="This model has not yet been built"):
        keras.Sequential([layers.Dense(2)]).summary()
    assert REF["unbuilt_error"].startswith("This model has not yet been built")


def test_default_names_as_tf_keras_2():
    keras.backend.clear_session()
    a, b = keras.Input((2,)), keras.Input((2,))
    m = keras.Model([a, b], layers.Add()([a, b]))
    assert [m.name, m.layers[0].name, m.layers[1].name] == ["model", "input_1", "input_2"]
    assert keras.Model(a, layers.Dense(1)(a)).name == "model_1"
