import SwiftKerasCHeader
import SwiftKeras

// keras.applications.imagenet_utils through the C ABI (Applications/ImageNetUtils.swift).

@c @implementation
public func sk_imagenet_preprocess_input(_ x: OpaquePointer?, _ mode: UnsafePointer<CChar>?, _ dataFormat: UnsafePointer<CChar>?,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_imagenet_preprocess_input"
    return produce(out, fn) {
        try ImageNetUtils.preprocessInput(try tensor(x, fn, "x"), mode: try cString(mode, fn, "mode"),
                                          dataFormat: optionalString(dataFormat))
    }
}

@c @implementation
public func sk_imagenet_decode_predictions(_ preds: OpaquePointer?, _ top: Int32, _ classIndexPath: UnsafePointer<CChar>?,
                                           _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                           _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    let fn: StaticString = "sk_imagenet_decode_predictions"
    return status {
        let p = try tensor(preds, fn, "preds")
        let json = try ImageNetUtils.decodePredictionsJSON(p, top: Int(top), classIndexPath: try cString(classIndexPath, fn, "class_index_path"))
        try copyString(json, buf, capacity, length, fn)
    }
}
