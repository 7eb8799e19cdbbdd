import SwiftKerasCHeader
import SwiftKeras

// Keras losses through the C ABI: built-in losses (by name, or class name + JSON config:
// generated, GeneratedHandles.swift), losses computed by a C callback, calling a loss. An
// sk_loss handle is a retained LossBox.

/// An sk_loss: a built-in loss or a C callback.
final class LossBox {
    let loss: Loss
    init(_ l: Loss) { loss = l }
}

/// A loss computed by a C callback (Keras: a Python function passed to `compile`): the callback
/// returns per-sample (or any-shaped) losses, which are weighted by the sample weights and
/// averaged (Keras' sum_over_batch_size reduction).
final class CallbackLoss: Loss {
    let callback: CCallback<sk_loss_fn>

    init(_ callback: CCallback<sk_loss_fn>) { self.callback = callback }

    func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws -> Tensor {
        let yt = yPred.dtype.isFloatingPoint && yTrue.dtype != yPred.dtype ? try yTrue.cast(to: yPred.dtype) : yTrue
        var r = try callback.values(yt, yPred, "custom loss",
                                    missing: "custom loss: the callback returned SK_OK without writing a loss")
        if let w = sampleWeight {
            var sw = try w.cast(to: r.dtype)
            while sw.rank < r.rank { sw = try sw.reshaped(to: sw.shape + [1]) }
            r = try r * sw
        }
        return r.rank == 0 ? r : try r.mean()
    }
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

@c @implementation
public func sk_loss_create_custom(_ fn: sk_loss_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, also on failure
    return produce(out, "sk_loss_create_custom") {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_loss_create_custom: fn is NULL") }
        return LossBox(CallbackLoss(CCallback(fn, owner)))
    }
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
