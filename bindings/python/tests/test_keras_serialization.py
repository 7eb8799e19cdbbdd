"""Issue 12 point 5: configs and the model API of tf.keras 2 — get_config/from_config of every
built-in layer and of Sequential/functional models, to_json/model_from_json, serialize/
deserialize, the custom object registry, Sequential.pop, inputs/outputs, get_layer, Keras'
weight attributes with stable identity, count_params, trainable freezing, summary options,
KerasTensor.dtype, Activation with a Python function, clone_model."""
import json

import numpy as np
import pytest

from swiftkeras import keras
from swiftkeras.keras import layers

# Arguments each built-in class needs (the others are made with no argument).
_ARGS = {
    "Dense": (3,), "Activation": ("relu",), "Dropout": (0.5,), "Reshape": ((2, 2),), "Permute": ((2, 1),),
    "RepeatVector": (3,), "Conv1D": (2, 3), "Conv2D": (2, 3), "Conv2DTranspose": (2, 3), "SeparableConv2D": (2, 3),
    "DepthwiseConv2D": (3,), "Embedding": (10, 4), "SimpleRNN": (3,), "LSTM": (3,), "GRU": (3,),
    "Dot": (1,), "InputLayer": ((3,),), "GaussianNoise": (0.1,), "GaussianDropout": (0.2,), "AlphaDropout": (0.2,),
    "SpatialDropout1D": (0.2,), "SpatialDropout2D": (0.2,), "SpatialDropout3D": (0.2,),
    "Conv1DTranspose": (2, 3), "Conv3D": (2, 3), "Conv3DTranspose": (2, 3), "SeparableConv1D": (2, 3),
}


def _builtin_classes():
    return sorted(layers._BUILTINS)


@pytest.mark.parametrize("cls_name", _builtin_classes())
def test_config_round_trip_of_every_builtin_layer(cls_name):
    cls = getattr(layers, cls_name)
    layer = cls(*_ARGS.get(cls_name, ()))
    cfg = layer.get_config()
    assert isinstance(cfg, dict) and cfg["name"] == layer.name
    again = cls.from_config(cfg)
    assert type(again) is cls and again.get_config() == cfg
    assert cls.from_config(json.loads(json.dumps(cfg))).get_config() == cfg   # JSON text rebuilds it
    ser = layers.serialize(layer)
    assert ser["class_name"] == cls_name and ser["config"] == cfg
    back = layers.deserialize(json.loads(json.dumps(ser)))
    assert type(back).__name__ == cls_name and back.get_config() == cfg


def test_dense_config_has_tf_keras_keys():
    cfg = layers.Dense(4, activation="relu", use_bias=False, name="d").get_config()
    assert cfg["units"] == 4 and cfg["activation"] == "relu" and cfg["use_bias"] is False and cfg["name"] == "d"
    assert cfg["kernel_initializer"]["class_name"] == "GlorotUniform"


def _mlp():
    return keras.Sequential([layers.Dense(5, activation="relu", input_shape=(3,), name="h"), layers.Dense(2, name="o")])


def test_sequential_from_config_and_json_round_trip():
    m = _mlp()
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    cfg = m.get_config()
    assert [l["class_name"] for l in cfg["layers"]][-2:] == ["Dense", "Dense"]
    m2 = keras.Sequential.from_config(cfg)
    assert isinstance(m2, keras.Sequential) and [l.name for l in m2.layers] == ["h", "o"]
    m2.set_weights(m.get_weights())
    np.testing.assert_allclose(m2.predict(x, verbose=0), m.predict(x, verbose=0), rtol=1e-6)
    text = m.to_json()
    d = json.loads(text)
    assert d["class_name"] == "Sequential" and d["backend"] == "tensorflow" and "keras_version" in d
    m3 = keras.models.model_from_json(text)
    assert isinstance(m3, keras.Sequential) and m3.count_params() == m.count_params() == 5 * 3 + 5 + 2 * 5 + 2


def test_functional_from_config_two_branches():
    a = keras.Input((4,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.Dense(3, name="ha")(a)
    out = layers.Dense(1, name="out")(layers.Concatenate(name="cat")([h, b]))
    m = keras.Model([a, b], out, name="two")
    assert [l.name for l in m.layers] == ["a", "ha", "b", "cat", "out"]   # tf.keras 2.21's order (by depth)
    m2 = keras.Model.from_config(m.get_config())
    assert m2.name == "two" and [l.name for l in m2.layers] == [l.name for l in m.layers]
    m2.set_weights(m.get_weights())
    xa, xb = np.ones((2, 4), "float32"), np.full((2, 2), 0.5, "float32")
    np.testing.assert_allclose(m2.predict([xa, xb], verbose=0), m.predict([xa, xb], verbose=0), rtol=1e-6)
    assert [t.shape for t in m2.inputs] == [(None, 4), (None, 2)] and m2.outputs[0].shape == (None, 1)
    m3 = keras.models.model_from_config(layers.serialize(m))
    assert m3.count_params() == m.count_params()


def test_clone_model_new_weights_same_architecture():
    m = _mlp()
    c = keras.models.clone_model(m)
    assert isinstance(c, keras.Sequential) and c.count_params() == m.count_params()
    assert [l.name for l in c.layers] == [l.name for l in m.layers]
    assert not np.array_equal(c.layers[0].kernel.numpy(), m.layers[0].kernel.numpy())   # freshly initialized

    class Sub(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="subclassed"):
        keras.models.clone_model(Sub())


def test_sequential_pop():
    m = _mlp()
    m.pop()
    assert [l.name for l in m.layers] == ["h"]
    assert m.predict(np.ones((1, 3), "float32"), verbose=0).shape == (1, 5)
    m.add(layers.Dense(7))
    assert m.predict(np.ones((1, 3), "float32"), verbose=0).shape == (1, 7)
    m.pop()
    m.pop()
    assert m.layers == []
    with pytest.raises(TypeError, match="There are no layers in the model."):
        m.pop()


def test_inputs_outputs_and_keras_tensor_dtype():
    x = keras.Input((3,), dtype="int32")
    assert x.dtype.name == "int32"
    y = layers.Embedding(10, 2)(x)
    assert y.dtype.name == "float32" and y.shape == (None, 3, 2)
    m = keras.Model(x, y)
    assert m.inputs[0] is x and m.outputs[0] is y
    loaded = keras.Model.from_config(m.get_config())
    assert loaded.inputs[0].dtype.name == "int32" and loaded.outputs[0].shape == (None, 3, 2)


def test_get_layer():
    m = _mlp()
    assert m.get_layer("o") is m.layers[1] and m.get_layer(index=0).name == "h"
    with pytest.raises(ValueError, match="No such layer: z. Existing layers are: \\['h', 'o'\\]."):
        m.get_layer("z")
    with pytest.raises(ValueError, match="Was asked to retrieve layer at index 5 but model only has 2 layers."):
        m.get_layer(index=5)
    with pytest.raises(ValueError, match="Provide only a layer name or a layer index"):
        m.get_layer("h", 0)
    with pytest.raises(ValueError, match="Provide either a layer name or layer index"):
        m.get_layer()


def test_weight_attributes_and_stable_identity():
    d = layers.Dense(3)
    d.build((None, 2))
    assert d.weights[0] is d.weights[0]
    assert d.weights == [d.kernel, d.bias] and d.trainable_weights == [d.kernel, d.bias]
    assert d.kernel.shape == (2, 3) and d.kernel.name == "dense/kernel:0" or d.kernel.name.endswith("/kernel:0")
    bn = layers.BatchNormalization()
    bn.build((None, 4))
    assert bn.weights == [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]
    assert bn.non_trainable_weights == [bn.moving_mean, bn.moving_variance]
    e = layers.Embedding(7, 2)
    e(np.array([[1, 2]]))
    assert e.embeddings.shape == (7, 2)
    dw = layers.DepthwiseConv2D(3)
    dw(np.ones((1, 5, 5, 2), "float32"))
    assert dw.depthwise_kernel.shape == (3, 3, 2, 1)
    lstm = layers.LSTM(4)
    lstm(np.ones((1, 2, 3), "float32"))
    assert lstm.cell.kernel.shape == (3, 16) and lstm.cell.recurrent_kernel.shape == (4, 16)
    assert lstm.cell.bias.shape == (16,) and lstm.cell.units == 4
    with pytest.raises(AttributeError):
        d.nope


def test_count_params_is_an_int_and_needs_a_built_layer():
    d = layers.Dense(3)
    with pytest.raises(ValueError, match="isn't built"):
        d.count_params()
    d.build((None, 2))
    n = d.count_params()
    assert type(n) is int and n == 9
    assert type(_mlp().count_params()) is int


def test_trainable_false_freezes_and_fit_leaves_the_weights():
    m = _mlp()
    m.layers[0].trainable = False
    assert m.layers[0].trainable is False and m.layers[0].trainable_weights == []
    assert len(m.trainable_weights) == 2 and len(m.non_trainable_weights) == 2
    frozen = [w.numpy().copy() for w in m.layers[0].weights]
    m.compile("sgd", "mse")
    m.fit(np.ones((8, 3), "float32"), np.ones((8, 2), "float32"), epochs=2, verbose=0)
    for w, before in zip(m.layers[0].weights, frozen):
        np.testing.assert_array_equal(w.numpy(), before)
    m.layers[0].trainable = True
    assert len(m.trainable_weights) == 4


def test_frozen_batch_normalization_runs_in_inference_mode():
    bn = layers.BatchNormalization()
    x = np.arange(12, dtype="float32").reshape(4, 3)
    bn.build((None, 3))
    bn.trainable = False
    out = bn(x, training=True).numpy()
    # inference mode: the moving statistics (0 and 1), not the batch's
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3, "float32"))


def test_model_trainable_false_freezes_every_layer():
    m = _mlp()
    m.trainable = False
    assert m.trainable_weights == [] and all(not l.trainable for l in m.layers)
    assert len(m.non_trainable_weights) == 4


def test_summary_expand_nested_and_show_trainable(capsys):
    inner = _mlp()
    inner.layers[1].trainable = False
    x = keras.Input((3,))
    outer = keras.Model(x, layers.Dense(1, name="top")(inner(x)))
    outer.summary(expand_nested=True, show_trainable=True)
    text = capsys.readouterr().out
    # tf.keras 2's layout (the exact text is checked against tf-keras in test_keras_summary.py)
    assert " Trainable  " in text and "| h (Dense)" in text and "| o (Dense)" in text
    row_o = next(line for line in text.splitlines() if "| o (Dense)" in line)
    assert " N " in row_o
    outer.summary()
    plain = capsys.readouterr().out
    assert "| h (Dense)" not in plain and "Trainable  " not in plain


def test_activation_with_a_python_function():
    def twice(x):
        return x * 2

    act = layers.Activation(twice)
    assert isinstance(act, layers.Activation)
    np.testing.assert_allclose(act(np.array([[1.0, -2.0]], "float32")).numpy(), [[2.0, -4.0]])
    assert act.get_config()["activation"] == "twice"
    m = keras.Sequential([layers.Dense(2, input_shape=(2,)), layers.Activation(lambda t: t + 1)])
    assert m.predict(np.zeros((1, 2), "float32"), verbose=0).tolist() == [[1.0, 1.0]]
    relu = layers.Activation(keras.activations.relu)   # a built-in function stays a core layer
    assert relu.get_config()["activation"] == "relu"


def test_custom_layer_registry_scope_and_deserialize():
    @keras.utils.register_keras_serializable(package="MyPkg")
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            self.__dict__["factor"] = factor
            super().__init__(**kwargs)

        def get_config(self):
            config = super().get_config()
            config.update(factor=self.factor)
            return config

        def call(self, x):
            return x * self.factor

    assert keras.utils.get_registered_name(Scale) == "MyPkg>Scale"
    assert keras.saving.get_registered_name(Scale) == "MyPkg>Scale"
    s = Scale(3.0, name="s")
    ser = layers.serialize(s)
    assert ser == {"class_name": "MyPkg>Scale", "config": {"name": "s", "trainable": True, "dtype": "float32",
                                                            "factor": 3.0}}
    back = layers.deserialize(ser)
    assert isinstance(back, Scale) and back.factor == 3.0 and back.name == "s"

    class Plain(layers.Layer):
        def __init__(self, k, **kwargs):
            super().__init__(**kwargs)
            self.k = k

    with pytest.raises(NotImplementedError, match="must override `get_config"):
        Plain(1).get_config()
    with pytest.raises(ValueError, match="Unknown layer: 'Plain'"):
        layers.deserialize({"class_name": "Plain", "config": {"k": 1}})
    with keras.utils.custom_object_scope({"Plain": lambda k, **kw: Plain(k, **kw)}):
        assert layers.deserialize({"class_name": "Plain", "config": {"k": 5}}).k == 5
    with keras.utils.CustomObjectScope({"Plain": Plain}):
        assert keras.saving.get_registered_object("Plain") is Plain
    assert keras.saving.get_registered_object("Plain") is None
