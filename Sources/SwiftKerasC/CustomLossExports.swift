import SwiftKeras

// Custom losses computed by a C callback (a Python loss function or `Loss` subclass): the callback
// gives per-sample values; weighting and reduction are the core's (`CustomLoss`, the same path
// as every built-in loss), so `reduction` is honoured.

/// `sk_loss_create_custom(_ex)`: wraps the callback in the core's `CustomLoss` configured by
/// `config` (NULL = the defaults); `destroy(userData)` runs before returning on failure.
func createCustomLoss(_ fn: SKLossFn?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                      _ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                      _ name: StaticString) -> Int32 {
    var callback: CallbackMetricFunction? = nil
    let rc = produceObject(out, name) {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "\(name): fn is NULL") }
        let cb = CallbackMetricFunction(fn, userData, destroy)
        callback = cb
        let loss = try CustomLoss(configJSON: config.map { String(cString: $0) } ?? "") {
            try cb.call($0, $1, what: "custom loss", missing: "custom loss: the callback returned SK_OK without writing a loss")
        }
        return retainedHandle(LossBox(loss))
    }
    // On failure the callback object (if made) runs destroy when it goes away; otherwise run it here.
    if callback == nil { destroy?(userData) }
    return rc
}

@_cdecl("sk_loss_create_custom_ex")
public func sk_loss_create_custom_ex(_ fn: SKLossFn?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                     _ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createCustomLoss(fn, userData, destroy, config, out, "sk_loss_create_custom_ex")
}
