import Glibc
import SwiftKeras

// Saving and loading through the C ABI: model.save_weights / load_weights and model.save /
// keras.models.load_model over the Swift core's safetensors files (SavingWeights.swift,
// Saving.swift). Writes are atomic, loads are all or nothing.

@_cdecl("sk_model_save_weights")
public func sk_model_save_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_save_weights", "model", ModelBox.self).model
        try m.saveWeights(to: try cString(path, "sk_model_save_weights", "path"))
    }
}

@_cdecl("sk_model_load_weights")
public func sk_model_load_weights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_load_weights", "model", ModelBox.self).model
        try m.loadWeights(from: try cString(path, "sk_model_load_weights", "path"))
    }
}

@_cdecl("sk_model_save")
public func sk_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_save", "model", ModelBox.self).model
        try m.save(to: try cString(path, "sk_model_save", "path"))
    }
}

@_cdecl("sk_model_load_ex")
public func sk_model_load_ex(_ path: UnsafePointer<CChar>?, _ compile: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_model_load_ex") {
        retainedHandle(ModelBox(try loadModel(from: try cString(path, "sk_model_load_ex", "path"), compile: compile != 0)))
    }
}

@_cdecl("sk_model_load")
public func sk_model_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_model_load") {
        retainedHandle(ModelBox(try loadModel(from: try cString(path, "sk_model_load", "path"))))
    }
}
