import SwiftKerasCHeader
import SwiftKeras

// Saving and loading through the C ABI: model.save_weights / load_weights (also with
// skip_mismatch=True) and model.save / keras.models.load_model over the Swift core's safetensors
// files (SavingWeights.swift, Saving.swift). Writes are atomic, loads are all or nothing.

/// The shims that run one file operation of a model: unwraps the model and the path, then runs `body`.
@inline(__always)
private func withModelPath(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ fn: StaticString,
                           _ body: (Model, String) throws -> Void) -> Int32 {
    status {
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        try body(m, try cString(path, fn, "path"))
    }
}

@c @implementation
public func sk_model_save_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    withModelPath(model, path, "sk_model_save_weights") { try $0.saveWeights(to: $1) }
}

@c @implementation
public func sk_model_load_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    withModelPath(model, path, "sk_model_load_weights") { try $0.loadWeights(from: $1) }
}

@c @implementation
public func sk_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    withModelPath(model, path, "sk_model_save") { try $0.save(to: $1) }
}

@c @implementation
public func sk_model_load_ex(_ path: UnsafePointer<CChar>?, _ compile: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_load_ex") {
        ModelBox(try loadModel(from: try cString(path, "sk_model_load_ex", "path"), compile: compile != 0))
    }
}

@c @implementation
public func sk_model_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_load") {
        ModelBox(try loadModel(from: try cString(path, "sk_model_load", "path")))
    }
}

@c @implementation
public func sk_model_load_weights_ex(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ skipMismatch: UInt8,
                                     _ onSkipped: sk_skipped_fn?, _ userData: UnsafeMutableRawPointer?,
                                     _ numSkipped: UnsafeMutablePointer<Int32>?) -> Int32 {
    loadWeightsReporting(model, path, "sk_model_load_weights_ex", byName: false, skipMismatch, onSkipped, userData, numSkipped)
}

@c @implementation
public func sk_model_load_weights_by_name(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ skipMismatch: UInt8,
                                          _ onSkipped: sk_skipped_fn?, _ userData: UnsafeMutableRawPointer?,
                                          _ numSkipped: UnsafeMutablePointer<Int32>?) -> Int32 {
    loadWeightsReporting(model, path, "sk_model_load_weights_by_name", byName: true, skipMismatch, onSkipped, userData, numSkipped)
}

/// `Layer.loadWeights(from:byName:skipMismatch:)` for a C caller, the skipped layers reported
/// through `onSkipped` / `numSkipped`.
private func loadWeightsReporting(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ fn: StaticString, byName: Bool,
                                  _ skipMismatch: UInt8, _ onSkipped: sk_skipped_fn?, _ userData: UnsafeMutableRawPointer?,
                                  _ numSkipped: UnsafeMutablePointer<Int32>?) -> Int32 {
    numSkipped?.pointee = 0
    return withModelPath(model, path, fn) { m, p in
        let skipped = try m.loadWeights(from: p, byName: byName, skipMismatch: skipMismatch != 0)
        numSkipped?.pointee = Int32(clamping: skipped.count)
        guard let onSkipped else { return }
        for s in skipped {
            s.layer.withCString { l in s.reason.withCString { r in onSkipped(userData, l, r) } }
        }
    }
}

@c @implementation
public func sk_model_file_compile_config(_ path: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                         _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    let fn: StaticString = "sk_model_file_compile_config"
    return status {
        let p = try cString(path, fn, "path")
        try copyString(try savedCompileConfig(at: p) ?? "", buf, capacity, length, fn)
    }
}
