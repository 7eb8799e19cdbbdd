#!/usr/bin/env python3
"""Generates Sources/SwiftKerasC/GeneratedHandles.swift: the C shims of the handle types that do
nothing but unwrap a handle and read or make one object — releases, create-by-name-with-JSON-
config, names and other strings, scalar queries, tensor-valued queries — from the tables below.

Every shim is `@c @implementation`: the compiler checks its Swift signature against the prototype
in include/swiftkeras.h (imported through the SwiftKerasCHeader module), so a table row with the
wrong argument types does not build. Shims with real argument handling stay hand-written in
Sources/SwiftKerasC (Layer.swift, Model/, ...).

    python3 tools/capi_keras.py           # rewrite the Swift file
    python3 tools/capi_keras.py --check   # exit 1 if the file is not what the tables give

In the Swift expressions, `o` is the object behind the handle (its class per HANDLES), and for
CREATE rows `name` / `json` are the name and the JSON config (NULL = "{}").
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "SwiftKerasC", "GeneratedHandles.swift")

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
}

# void sk_<type>_release(sk_<type> *h): drops the caller's reference; NULL is a no-op.
RELEASE = ["tensor", "variable", "function", "layer", "keras_tensor", "model", "optimizer", "loss",
           "metric", "history"]

# int32_t fn(const char *<name_arg>, const char *config_json, sk_<type> **out)
CREATE = [
    # (function, name argument, handle type, new object)
    ("sk_layer_create", "class_name", "layer",
     'try layerFromConfig(className: name, configJSON: json.isEmpty ? "{}" : json)'),
    ("sk_optimizer_create_config", "name", "optimizer", "try optimizerFromConfig(name: name, configJSON: json)"),
    ("sk_loss_create_config", "name", "loss", "LossBox(try lossFromConfig(name: name, configJSON: json))"),
    ("sk_metric_create", "name", "metric", "try metricFromConfig(name: name, configJSON: json)"),
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
    ("sk_metric_name", "metric", "o.name"),
    ("sk_model_summary", "model", "o.model.summary()"),
    ("sk_model_compile_config", "model", 'try o.model.getCompileConfig()?.json ?? ""'),
    ("sk_optimizer_get_config", "optimizer", "try optimizerConfig(o).json"),
]

# int32_t fn(const sk_<type> *h, <ctype> *out): a scalar written to a required out-parameter.
OUT_SCALAR = [
    ("sk_optimizer_learning_rate", "optimizer", "Double", "try o.currentLearningRate()"),
    ("sk_optimizer_iterations", "optimizer", "Int64", "Int64(o.iterations)"),
    ("sk_model_kind", "model", "Int32", "modelKind(o.model)"),
    ("sk_model_num_inputs", "model", "Int32", "o.model.inputs.isEmpty ? 1 : Int32(o.model.inputs.count)"),
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
]

# int32_t fn(sk_<type> *h): an action on the object.
ACTION = [
    ("sk_metric_reset_state", "metric", "try o.resetState()"),
]


def unwrap(fn, htype, var="h"):
    cls, arg = HANDLES[htype]
    return f'let o = try unwrap({var}, "{fn}", "{arg}", as: {cls}.self)'


def shim(signature, body):
    return f"@c @implementation\npublic func {signature} {{\n{body}\n}}\n"


def generate():
    out = [
        "// GENERATED by tools/capi_keras.py from its tables — do not edit; change the tables and rerun.\n"
        "// Handle shims that only unwrap a handle and read or make one object. Each is checked against\n"
        "// its prototype in include/swiftkeras.h (`@c @implementation`).\n\n"
        "import SwiftKerasCHeader\nimport SwiftKeras\n\n// MARK: - Releases\n"
    ]
    for t in RELEASE:
        cls, _ = HANDLES[t]
        out.append(shim(f"sk_{t}_release(_ h: OpaquePointer?)", f"    release(h, as: {cls}.self)"))
    out.append("// MARK: - Create by name and JSON config\n")
    for fn, name_arg, _t, expr in CREATE:
        out.append(shim(
            f"{fn}(_ namePtr: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,\n"
            f"        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32",
            f'    produce(out, "{fn}") {{\n'
            f'        let name = try cString(namePtr, "{fn}", "{name_arg}")\n'
            f"        let json = configJSON(config)\n"
            f"        return {expr}\n    }}"))
    for fn, _t, expr in CREATE_NAMED:
        out.append(shim(
            f"{fn}(_ namePtr: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32",
            f'    produce(out, "{fn}") {{\n'
            f'        let name = try cString(namePtr, "{fn}", "name")\n'
            f"        return {expr}\n    }}"))
    out.append("// MARK: - Strings\n")
    for fn, t, expr in STRING:
        out.append(shim(
            f"{fn}(_ h: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,\n"
            f"        _ length: UnsafeMutablePointer<Int>?) -> Int32",
            f"    status {{\n        {unwrap(fn, t)}\n"
            f'        try copyString({expr}, buf, capacity, length, "{fn}")\n    }}'))
    out.append("// MARK: - Scalar queries\n")
    for fn, t, ctype, expr in OUT_SCALAR:
        out.append(shim(
            f"{fn}(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<{ctype}>?) -> Int32",
            f"    status {{\n        {unwrap(fn, t)}\n"
            f'        let p = try outParameter(out, "{fn}")\n        p.pointee = {expr}\n    }}'))
    for fn, t, ctype, invalid, expr in VALUE:
        cls, _ = HANDLES[t]
        out.append(shim(
            f"{fn}(_ h: OpaquePointer?) -> {ctype}",
            f"    guard let o = unwrapOptional(h, as: {cls}.self) else {{ return {invalid} }}\n"
            f"    return {expr}"))
    for fn, t, expr in SHAPE:
        out.append(shim(
            f"{fn}(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32) -> Int32",
            f"    status {{\n        {unwrap(fn, t)}\n"
            f'        try writeShape({expr}, out, capacity, "{fn}")\n    }}'))
    out.append("// MARK: - New handles from a handle\n")
    for fn, t, expr, optional in PRODUCE:
        producer = "produceOptional" if optional else "produce"
        out.append(shim(
            f"{fn}(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32",
            f'    {producer}(out, "{fn}") {{\n        {unwrap(fn, t)}\n        return {expr}\n    }}'))
    out.append("// MARK: - Actions\n")
    for fn, t, expr in ACTION:
        out.append(shim(f"{fn}(_ h: OpaquePointer?) -> Int32",
                        f"    status {{\n        {unwrap(fn, t)}\n        {expr}\n    }}"))
    return "\n".join(out)


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            print(f"{os.path.relpath(OUT, ROOT)} is stale: run python3 tools/capi_keras.py", file=sys.stderr)
            return 1
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
