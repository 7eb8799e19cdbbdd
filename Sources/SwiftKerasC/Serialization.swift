// C shims of configs and model structure (include/swiftkeras/serialization.h): trainability,
// Sequential.pop, summary options, a functional model's symbolic inputs and outputs. The
// config query and sk_application_create are table shims (tools/capi_keras.py).

import SwiftKerasCHeader
import SwiftKeras

@c @implementation
public func sk_layer_set_trainable(_ layer: OpaquePointer?, _ trainable: UInt8) -> Int32 {
    action(layer, "sk_layer_set_trainable", "layer", as: Layer.self) { $0.trainable = trainable != 0 }
}

@c @implementation
public func sk_reset_layer_names() {
    Layer.resetAutoNames()
}

@c @implementation
public func sk_layer_build(_ layer: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int32) -> Int32 {
    action(layer, "sk_layer_build", "layer", as: Layer.self) { l in
        try l.buildIfNeeded([try shapeArray(shape, ndim, "sk_layer_build")])
    }
}

@c @implementation
public func sk_model_pop(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return status {
        let m = try unwrap(model, "sk_model_pop", "model", as: ModelBox.self).model
        guard let s = m as? Sequential else {
            throw SwiftKerasError(.invalidArgument, "sk_model_pop: model '\(m.name)' is not a Sequential model")
        }
        let popped = try s.pop()
        out?.pointee = retained(popped)
    }
}

@c @implementation
public func sk_model_summary_ex(_ model: OpaquePointer?, _ flags: UInt32, _ buf: UnsafeMutablePointer<CChar>?,
                                _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    stringQuery(model, buf, capacity, length, "sk_model_summary_ex", "model", as: ModelBox.self) { b in
        let known = UInt32(SK_SUMMARY_EXPAND_NESTED | SK_SUMMARY_SHOW_TRAINABLE)
        if flags & ~known != 0 {
            throw SwiftKerasError(.invalidArgument, "sk_model_summary_ex: unknown flags 0x\(String(flags & ~known, radix: 16))")
        }
        return try b.model.summary(expandNested: flags & UInt32(SK_SUMMARY_EXPAND_NESTED) != 0,
                               showTrainable: flags & UInt32(SK_SUMMARY_SHOW_TRAINABLE) != 0)
    }
}

/// A model's symbolic inputs or outputs (`outputs`) as new caller-owned handles.
private func symbolicTensors(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?, _ fn: StaticString, outputs: Bool) -> Int32 {
    status {
        let io = try unwrap(model, fn, "model", as: ModelBox.self).model.symbolicInputsAndOutputs()
        try writeHandles(outputs ? io.outputs : io.inputs, out, capacity, count, fn, what: "tensors") { retained($0) }
    }
}

@c @implementation
public func sk_model_inputs(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                            _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    symbolicTensors(model, out, capacity, count, "sk_model_inputs", outputs: false)
}

@c @implementation
public func sk_model_outputs(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    symbolicTensors(model, out, capacity, count, "sk_model_outputs", outputs: true)
}

@c @implementation
public func sk_layer_node_count(_ layer: OpaquePointer?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    action(layer, "sk_layer_node_count", "layer", as: Layer.self) { l in
        count?.pointee = Int32(clamping: l.symbolicCallCount)
    }
}

@c @implementation
public func sk_layer_node_tensors(_ layer: OpaquePointer?, _ nodeIndex: Int32, _ which: Int32,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                                  _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_node_tensors", "layer", as: Layer.self)
        guard which == 0 || which == 1 else {
            throw SwiftKerasError(.invalidArgument, "sk_layer_node_tensors: which must be 0 (inputs) or 1 (outputs), got \(which)")
        }
        let ts = try l.symbolicCallTensors(Int(nodeIndex), outputs: which == 1)
        try writeHandles(ts, out, capacity, count, "sk_layer_node_tensors", what: "tensors") { retained($0) }
    }
}

@c @implementation
public func sk_layer_compute_output_shape(_ layer: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int32,
                                          _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
                                          _ outNdim: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_compute_output_shape", "layer", as: Layer.self)
        let s = try l.computeOutputShape(try shapeArray(shape, ndim, "sk_layer_compute_output_shape"))
        outNdim?.pointee = Int32(s.count)
        try writeShape(s, out, capacity, "sk_layer_compute_output_shape")
    }
}
