import SwiftKerasCHeader
import SwiftKeras

// Keras losses through the C ABI: built-in losses (by name, or class name + JSON config:
// generated, GeneratedHandles.swift), losses computed by a C callback (per-sample values that the
// core's CustomLoss weights and reduces), calling a loss. An sk_loss handle is a retained LossBox.

/// An sk_loss: a built-in loss or a C callback.
final class LossBox {
    let loss: Loss
    init(_ l: Loss) { loss = l }
}

extension CCallback where Fn == sk_loss_fn {
    /// Calls a loss-shaped C function (a custom loss, or a custom metric's function) on borrowed
    /// y_true and y_pred; it must write its values.
    func values(_ yTrue: Tensor, _ yPred: Tensor, _ what: @autoclosure () -> String,
                missing: @autoclosure () -> String) throws -> Tensor {
        try tensor(what(), missing: missing()) { fn, ud, out in
            withExtendedLifetime((yTrue, yPred)) { fn(ud, borrowed(yTrue), borrowed(yPred), out) }
        }
    }
}

/// `sk_loss_create_custom(_ex)`: the callback gives per-sample values; the core's `CustomLoss`
/// (configured by `config`, NULL = the defaults) weights and reduces them as every loss, so
/// `reduction` is honoured.
func createCustomLoss(_ fn: sk_loss_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                      _ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                      _ name: StaticString) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, also on failure
    return produce(out, name) {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "\(name): fn is NULL") }
        let cb = CCallback(fn, owner)
        return LossBox(try CustomLoss(configJSON: configJSON(config)) {
            try cb.values($0, $1, "custom loss", missing: "custom loss: the callback returned SK_OK without writing a loss")
        })
    }
}

@c @implementation
public func sk_loss_create_custom(_ fn: sk_loss_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createCustomLoss(fn, userData, destroy, nil, out, "sk_loss_create_custom")
}

@c @implementation
public func sk_loss_create_custom_ex(_ fn: sk_loss_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                     _ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createCustomLoss(fn, userData, destroy, config, out, "sk_loss_create_custom_ex")
}

@c @implementation
public func sk_loss_call(_ loss: OpaquePointer?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                         _ sampleWeight: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_loss_call") {
        let l = try unwrap(loss, "sk_loss_call", "loss", as: LossBox.self).loss
        return try l(try tensor(yTrue, "sk_loss_call", "y_true"), try tensor(yPred, "sk_loss_call", "y_pred"),
                     sampleWeight: optionalTensor(sampleWeight))
    }
}
