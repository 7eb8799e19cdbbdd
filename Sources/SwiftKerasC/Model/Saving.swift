import SwiftKerasCHeader
import SwiftKeras

// Saving and loading through the C ABI: model.save_weights / load_weights (also with
// skip_mismatch=True) and model.save / keras.models.load_model over the Swift core's safetensors
// files (SavingWeights.swift, Saving.swift). Writes are atomic, loads are all or nothing.

@c @implementation
public func sk_model_save_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_save_weights", "model", as: ModelBox.self).model
        try m.saveWeights(to: try cString(path, "sk_model_save_weights", "path"))
    }
}

@c @implementation
public func sk_model_load_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_load_weights", "model", as: ModelBox.self).model
        try m.loadWeights(from: try cString(path, "sk_model_load_weights", "path"))
    }
}

@c @implementation
public func sk_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_save", "model", as: ModelBox.self).model
        try m.save(to: try cString(path, "sk_model_save", "path"))
    }
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
    numSkipped?.pointee = 0
    return status {
        let m = try unwrap(model, "sk_model_load_weights_ex", "model", as: ModelBox.self).model
        let skipped = try m.loadWeights(from: try cString(path, "sk_model_load_weights_ex", "path"),
                                        skipMismatch: skipMismatch != 0)
        numSkipped?.pointee = Int32(clamping: skipped.count)
        if let onSkipped {
            for s in skipped {
                s.layer.withCString { l in s.reason.withCString { r in onSkipped(userData, l, r) } }
            }
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
