import SwiftKeras

// More of saving through the C ABI: model.load_weights(path, skip_mismatch=True).

/// `void (*)(void *user_data, const char *layer, const char *reason)`: one skipped layer.
public typealias SKSkippedFn = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void

@_cdecl("sk_model_load_weights_ex")
public func sk_model_load_weights_ex(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ skipMismatch: UInt8,
                                     _ onSkipped: SKSkippedFn?, _ userData: UnsafeMutableRawPointer?,
                                     _ numSkipped: UnsafeMutablePointer<Int32>?) -> Int32 {
    numSkipped?.pointee = 0
    return status {
        let m = try object(model, "sk_model_load_weights_ex", "model", ModelBox.self).model
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
