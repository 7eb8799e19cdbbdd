#!/usr/bin/env python3
"""Generates Sources/SwiftKerasC/GeneratedHandles.swift: the C shims of the handle types that do
nothing but unwrap a handle and read or make one object — releases, create-by-name-with-JSON-
config, names and other strings, scalar queries, tensor-valued queries — from the tables below.

Every shim is one `@c @implementation` line calling a helper of
Sources/SwiftKerasC/Support/HandleShims.swift with the row's expression; the compiler checks its
Swift signature against the prototype in include/swiftkeras.h (imported through the
SwiftKerasCHeader module), so a table row with the wrong argument types does not build. Shims
with real argument handling stay hand-written in Sources/SwiftKerasC (Layer.swift, Model/, ...).

    python3 tools/capi_keras.py           # rewrite the Swift file
    python3 tools/capi_keras.py --check   # exit 1 if the file is not what the tables give

In the Swift expressions, `o` is the object behind the handle (its class per HANDLES), and for
CREATE rows `name` / `json` are the name and the JSON config (NULL = "{}").
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from codegen import stale_outputs, write_outputs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "Sources/SwiftKerasC/GeneratedHandles.swift"

# handle type (sk_<type>) -> (Swift class behind the handle, argument name in error messages)
HANDLES = {
    "tensor": ("Tensor", "tensor"),
    "variable": ("VariableBox", "variable"),
    "function": ("FunctionBox", "function"),
    "layer": ("Layer", "layer"),
    "keras_tensor": ("KerasTensor", "tensor"),
    "model": ("ModelBox", "model"),
    "optimizer": ("Optimizer", "optimizer"),
    "loss": ("LossBox", "loss"),
    "metric": ("Metric", "metric"),
    "history": ("HistoryBox", "history"),
    "dataset": ("Dataset", "dataset"),
}

# void sk_<type>_release(sk_<type> *h): drops the caller's reference; NULL is a no-op.
RELEASE = ["tensor", "variable", "function", "layer", "keras_tensor", "model", "optimizer", "loss",
           "metric", "history", "dataset"]

# int32_t fn(const char *<name_arg>, const char *config_json, sk_<type> **out)
CREATE = [
    # (function, name argument, handle type, new object)
    ("sk_layer_create", "class_name", "layer",
     'try layerFromConfig(className: name, configJSON: json.isEmpty ? "{}" : json)'),
    ("sk_optimizer_create_config", "name", "optimizer", "try optimizerFromConfig(name: name, configJSON: json)"),
    ("sk_loss_create_config", "name", "loss", "LossBox(try lossFromConfig(name: name, configJSON: json))"),
    ("sk_metric_create", "name", "metric", "try metricFromConfig(name: name, configJSON: json)"),
    ("sk_model_from_config", "class_name", "model",
     'ModelBox(try modelFromConfig(.object(["class_name": .string(name), "config": try ConfigValue.parse(json: json.isEmpty ? "{}" : json)])))'),
    ("sk_application_create", "name", "model", "ModelBox(try Applications.model(named: name, configJSON: json))"),
]

# int32_t fn(const char *name, sk_<type> **out)
CREATE_NAMED = [
    ("sk_loss_create", "loss", "LossBox(try lossNamed(name))"),
]

# int32_t fn(const sk_<type> *h, char *buf, size_t capacity, size_t *length): a string copied
# into the caller's buffer (copyString: NULL buf with capacity 0 only queries the length).
STRING = [
    ("sk_layer_name", "layer", "o.name"),
    ("sk_layer_class_name", "layer", "layerClassName(o)"),
    ("sk_layer_get_config", "layer", "try serializedLayer(o).json"),
    ("sk_metric_name", "metric", "o.name"),
    ("sk_model_summary", "model", "try o.model.summary()"),
    ("sk_model_compile_config", "model", 'try o.model.getCompileConfig()?.json ?? ""'),
    ("sk_optimizer_get_config", "optimizer", "try optimizerConfig(o).json"),
    ("sk_optimizer_state_names", "optimizer", "try optimizerStateNamesJSON(o)"),
    ("sk_dataset_structure", "dataset", "o.structure.json"),
    ("sk_dataset_element_spec", "dataset", "try elementSpecJSON(o.elementSpec())"),
]

# int32_t fn(const sk_<type> *h, <ctype> *out): a scalar written to a required out-parameter.
OUT_SCALAR = [
    ("sk_optimizer_learning_rate", "optimizer", "Double", "try o.currentLearningRate()"),
    ("sk_optimizer_iterations", "optimizer", "Int64", "Int64(o.iterations)"),
    ("sk_model_kind", "model", "Int32", "modelKind(o.model)"),
    ("sk_layer_trainable", "layer", "Int32", "o.trainable ? 1 : 0"),
    ("sk_model_num_inputs", "model", "Int32", "o.model.inputs.isEmpty ? 1 : Int32(o.model.inputs.count)"),
    ("sk_dataset_cardinality", "dataset", "Int64", "Int64(o.cardinality)"),
]

# <ctype> fn(const sk_<type> *h): a value returned directly, `invalid` for a NULL handle.
VALUE = [
    ("sk_tensor_dtype", "tensor", "Int32", "0", "o.dtype.rawValue"),
    ("sk_tensor_ndim", "tensor", "Int32", "-1", "Int32(o.rank)"),
    ("sk_tensor_size", "tensor", "Int64", "-1", "Int64(o.count)"),
    ("sk_tensor_data", "tensor", "UnsafeRawPointer?", "nil", "o.withUnsafeBytes { $0.baseAddress }"),
    ("sk_variable_trainable", "variable", "Int32", "-1", "o.variable.trainable ? 1 : 0"),
    ("sk_variable_name", "variable", "UnsafePointer<CChar>?", "nil", "UnsafePointer(o.cName)"),
    ("sk_variable_dtype", "variable", "Int32", "0", "o.variable.dtype.rawValue"),
    ("sk_variable_ndim", "variable", "Int32", "-1", "Int32(o.variable.shape.count)"),
    ("sk_layer_count_params", "layer", "Int64", "-1", "Int64(o.countParams())"),
    ("sk_variable_id", "variable", "Int64", "-1", "Int64(o.variable.id)"),
    ("sk_keras_tensor_dtype", "keras_tensor", "Int32", "0", "o.dtype.rawValue"),
    ("sk_history_epochs", "history", "Int32", "-1", "Int32(o.epochs)"),
    ("sk_history_num_keys", "history", "Int32", "-1", "Int32(o.keys.count)"),
]

# int32_t fn(const sk_<type> *h, int64_t *out, int32_t capacity): the shape, rank entries.
SHAPE = [
    ("sk_tensor_shape", "tensor", "o.shape"),
    ("sk_variable_shape", "variable", "o.variable.shape"),
]

# int32_t fn(sk_<type> *h, sk_<result> **out): a new handle made from the object; with
# optional=True a nil result is SK_OK with *out = NULL.
PRODUCE = [
    ("sk_variable_read", "variable", "o.variable.value", False),
    ("sk_metric_result", "metric", "try o.result()", False),
    ("sk_model_as_layer", "model", "o.model as Layer", False),
    ("sk_model_optimizer", "model", "o.model.optimizer", True),
    ("sk_model_loss", "model", "o.model.loss.map { LossBox($0) }", True),
    ("sk_dataset_unbatch", "dataset", "try o.unbatch()", False),
    ("sk_dataset_cache", "dataset", "o.cache()", False),
    ("sk_dataset_iterator_create", "dataset", "try o.makeIterator()", False),
]

# int32_t fn(sk_<type> *h): an action on the object.
ACTION = [
    ("sk_metric_reset_state", "metric", "try o.resetState()"),
]


def shim(signature, body):
    """One shim on one line: the body calls a helper of Sources/SwiftKerasC/Support/HandleShims.swift."""
    return f"@c @implementation public func {signature} {{ {body} }}"


def handle_args(fn, htype):
    """The helper arguments naming the function, the argument and the class behind the handle."""
    cls, arg = HANDLES[htype]
    return f'"{fn}", "{arg}", as: {cls}.self'


OUT_HANDLE = "_ out: UnsafeMutablePointer<OpaquePointer?>?"
STRING_PARAMS = ["_ buf: UnsafeMutablePointer<CChar>?", "_ capacity: Int", "_ length: UnsafeMutablePointer<Int>?"]
SHAPE_PARAMS = ["_ out: UnsafeMutablePointer<Int64>?", "_ capacity: Int32"]


def handle_shim(fn, htype, params, helper, expr):
    """`int32_t fn(h, params...)` as `helper(h, params..., fn, arg, as: Class.self) { o in expr }`."""
    names = [p.split(":")[0].split()[-1] for p in params]
    return shim(f"{fn}({', '.join(['_ h: OpaquePointer?'] + params)}) -> Int32",
                f"{helper}({', '.join(['h'] + names)}, {handle_args(fn, htype)}) {{ o in {expr} }}")


def generate():
    out = [
        "// GENERATED by tools/capi_keras.py from its tables — do not edit; change the tables and rerun.",
        "// Handle shims that only unwrap a handle and read or make one object; the helpers they call",
        "// are in Support/HandleShims.swift. Each is checked against its prototype in",
        "// include/swiftkeras.h (`@c @implementation`).",
        "",
        "import SwiftKerasCHeader",
        "import SwiftKeras",
        "",
        "// MARK: - Releases",
    ]
    for t in RELEASE:
        out.append(shim(f"sk_{t}_release(_ h: OpaquePointer?)", f"release(h, as: {HANDLES[t][0]}.self)"))
    out += ["", "// MARK: - Create by name and JSON config"]
    for fn, name_arg, _t, expr in CREATE:
        out.append(shim(
            f"{fn}(_ namePtr: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?, "
            f"{OUT_HANDLE}) -> Int32",
            f'createFromConfig(namePtr, config, out, "{fn}", "{name_arg}") {{ name, json in {expr} }}'))
    for fn, _t, expr in CREATE_NAMED:
        out.append(shim(
            f"{fn}(_ namePtr: UnsafePointer<CChar>?, {OUT_HANDLE}) -> Int32",
            f'createFromName(namePtr, out, "{fn}") {{ name in {expr} }}'))
    out += ["", "// MARK: - Strings"]
    out += [handle_shim(fn, t, STRING_PARAMS, "stringQuery", expr) for fn, t, expr in STRING]
    out += ["", "// MARK: - Scalar queries"]
    out += [handle_shim(fn, t, [f"_ out: UnsafeMutablePointer<{ctype}>?"], "scalarQuery", expr)
            for fn, t, ctype, expr in OUT_SCALAR]
    out += [shim(f"{fn}(_ h: OpaquePointer?) -> {ctype}",
                 f"valueQuery(h, as: {HANDLES[t][0]}.self, {invalid}) {{ o in {expr} }}")
            for fn, t, ctype, invalid, expr in VALUE]
    out += [handle_shim(fn, t, SHAPE_PARAMS, "shapeQuery", expr) for fn, t, expr in SHAPE]
    out += ["", "// MARK: - New handles from a handle"]
    out += [handle_shim(fn, t, [OUT_HANDLE], "produceOptionalFrom" if optional else "produceFrom", expr)
            for fn, t, expr, optional in PRODUCE]
    out += ["", "// MARK: - Actions"]
    out += [handle_shim(fn, t, [], "action", expr) for fn, t, expr in ACTION]
    return "\n".join(out) + "\n"


def main():
    outputs = {OUT: generate()}
    if "--check" in sys.argv[1:]:
        if stale_outputs(ROOT, outputs):
            print(f"{OUT} is stale: run python3 tools/capi_keras.py", file=sys.stderr)
            return 1
        return 0
    write_outputs(ROOT, outputs)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
