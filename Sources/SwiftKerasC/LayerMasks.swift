import SwiftKerasCHeader
import SwiftKeras

// Masks in custom layers through the C ABI (sk_layer_set_mask_fns): the call with masks and
// compute_mask callbacks of a CallbackLayer (Layer.swift).

/// The mask callbacks of a custom layer, sharing one user_data.
struct LayerMaskFns {
    let callMasked: sk_layer_call_masked_fn?
    let computeMask: sk_layer_compute_mask_fn?
}

/// Borrowed handles for optional tensors (NULL for nil), valid while `body` runs.
private func withBorrowedOptionalHandles<R>(_ tensors: [Tensor?], _ body: (UnsafePointer<OpaquePointer?>?) throws -> R) rethrows -> R {
    let hs: [OpaquePointer?] = tensors.map { $0.map { borrowed($0) } ?? nil }
    return try withExtendedLifetime(tensors) { try hs.withUnsafeBufferPointer { try body($0.baseAddress) } }
}

extension CCallback where Fn == LayerMaskFns {
    /// Runs the call-with-masks callback; it must write one output.
    func callMasked(_ layer: Layer, _ inputs: [Tensor], _ masks: [Tensor?], training: Bool) throws -> Tensor {
        let what = "layer '\(layer.name)' call"
        return try tensor(what, missing: "\(what): the call callback returned SK_OK without writing an output") { fn, ud, out in
            guard let f = fn.callMasked else { return 0 }
            return withBorrowedHandles(inputs) { ins, n in
                withBorrowedOptionalHandles(masks) { f(ud, borrowed(layer), ins, $0, n, training ? 1 : 0, out) }
            }
        }
    }

    /// Runs the compute_mask callback: the output mask, nil when it wrote none.
    func computeMask(_ layer: Layer, _ inputs: [Tensor], _ masks: [Tensor?]) throws -> Tensor? {
        var out: OpaquePointer? = nil
        let rc = self { fn, ud in
            guard let f = fn.computeMask else { return 0 }
            return withBorrowedHandles(inputs) { ins, n in withBorrowedOptionalHandles(masks) { f(ud, borrowed(layer), ins, $0, n, &out) } }
        }
        let mask = out.map { takeRetained($0, as: Tensor.self) }
        if rc != 0 { throw callbackFailure(rc, "layer '\(layer.name)' compute_mask") }
        return mask
    }
}

extension CallbackLayer {
    /// The output shapes of a layer whose call takes masks, traced on zeros with all-true masks
    /// (a symbolic call does not know yet whether its inputs will carry masks, and a call
    /// written for masks, as Keras layers taking `mask=` usually are, may not accept none): a
    /// mask has its input's shape without the feature axis for inputs of rank 3 or more
    /// (`(batch, steps)`), the input's shape otherwise. Unknown dimensions run as 1 and the
    /// batch dimension is reported back as unknown.
    func maskedOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        let batchUnknown = inputShapes.first?.first == -1
        let known = inputShapes.map { s in s.map { $0 < 0 ? 1 : $0 } }
        let zeros = try known.map { try Tensor.zeros($0, dtype: computeDType) }
        let masks: [Tensor?] = try known.map { s in try Tensor.ones(s.count >= 3 ? Array(s.dropLast()) : s, dtype: .bool) }
        let outs = try withoutRecording { try outputsAndMasks(zeros, masks: masks).outputs }
        return outs.map { o in
            var s = o.shape
            if batchUnknown && !s.isEmpty { s[0] = -1 }
            return s
        }
    }
}

@c @implementation
public func sk_layer_set_mask_fns(_ layer: OpaquePointer?, _ callMasked: sk_layer_call_masked_fn?,
                                  _ computeMask: sk_layer_compute_mask_fn?, _ userData: UnsafeMutableRawPointer?,
                                  _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)   // kept by the layer, or destroyed now
    let fn: StaticString = "sk_layer_set_mask_fns"
    return status {
        let l = try unwrap(layer, fn, "layer", as: Layer.self)
        guard let custom = l as? CallbackLayer else {
            throw SwiftKerasError(.invalidArgument, "\(fn): layer '\(l.name)' was not made by sk_layer_create_custom")
        }
        if callMasked == nil && computeMask == nil {
            custom.maskCallbacks = nil
            return
        }
        custom.maskCallbacks = CCallback(LayerMaskFns(callMasked: callMasked, computeMask: computeMask), owner)
        if computeMask != nil { custom.supportsMasking = true }
    }
}
