// Focal crossentropies with the Keras legacy backend's formulas (keras/src/legacy/backend.py,
// `binary_focal_crossentropy`, `categorical_focal_crossentropy`).
//
// Both are composite ops: the forward runs the Keras formula with ordinary ops while the tapes
// are paused, and the op is recorded once under its own name. Its pullback re-runs the formula
// under a private tape and differentiates it with ordinary differentiable ops, so an outer tape
// recording the backward pass gets higher-order gradients too.

/// Runs `body(inputs)` as one recorded op named `op`: the ops inside are not recorded, and the
/// gradient is the gradient of `body`, computed with differentiable ops (so it is itself
/// differentiable). Inputs that are integers get no gradient.
func additionsComposite(_ op: StaticString, _ inputs: [Tensor],
                        _ body: @escaping ([Tensor]) throws -> Tensor) throws -> Tensor {
    let out = try withoutRecording { try body(inputs) }
    // A fresh identity, so a tape sees exactly one op from the inputs to the result.
    let result = out.sharing(shape: out.shape)
    record(op, inputs, result, { g in
        let tape = GradientTape(persistent: false, watchAccessedVariables: false)
        for x in inputs where x.dtype.isFloatingPoint { tape.watch(x) }
        let y = try tape.record { try body(inputs) }
        return try tape.gradient(y, inputs.map { .tensor($0) }, outputGradients: g,
                                 unconnectedGradients: .none)
    })
    return result
}

/// Keras' fuzz factor `backend.epsilon()` (`KerasSettings.epsilon`, 1e-7 unless set).
private var focalEpsilon: Double { KerasSettings.epsilon }

/// Binary focal crossentropy, elementwise. Implements Keras `backend.binary_focal_crossentropy(
/// target, output, apply_class_balancing, alpha, gamma, from_logits)`:
/// `p = from_logits ? sigmoid(output) : output`, `p_t = t·p + (1 − t)·(1 − p)`, and the result
/// is `(1 − p_t)^gamma · binary_crossentropy(t, output, from_logits)`, multiplied by
/// `t·alpha + (1 − t)·(1 − alpha)` when `applyClassBalancing`. `output` must be floating point;
/// `target` is cast to its dtype; the result has `output`'s dtype and the broadcast shape (equal
/// shapes with logits, as `binary_crossentropy` requires).
public func binaryFocalCrossentropy(target: Tensor, output: Tensor, applyClassBalancing: Bool = false,
                                    alpha: Double = 0.25, gamma: Double = 2.0,
                                    fromLogits: Bool = false) throws -> Tensor {
    let op: StaticString = "binary_focal_crossentropy"
    if !output.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("binary_focal_crossentropy: dtype \(output.dtype) of output is not supported, expected a floating-point tensor")
    }
    if fromLogits && target.shape != output.shape {
        throw SwiftKerasError.invalid(
            "binary_focal_crossentropy: logits and labels must have the same shape, got target shape \(formatShape(target.shape)) and output shape \(formatShape(output.shape))")
    }
    _ = try ShapeMath.broadcast(target.shape, output.shape, op: op)
    return try additionsComposite(op, [target, output]) { xs in
        let t = try xs[0].cast(to: xs[1].dtype), o = xs[1]
        let p = fromLogits ? try sigmoid(o) : o
        let pt = try t * p + (1 - t) * (1 - p)
        let focal = try pow(1 - pt, Scalar.float(gamma))
        let bce = try binaryCrossentropy(target: t, output: o, fromLogits: fromLogits)
        var loss = try focal * bce
        if applyClassBalancing {
            let w = try t * Scalar.float(alpha) + (1 - t) * Scalar.float(1 - alpha)
            loss = try w * loss
        }
        return loss
    }
}

/// Categorical focal crossentropy along `axis`. Implements Keras
/// `backend.categorical_focal_crossentropy(target, output, alpha, gamma, from_logits, axis)`:
/// `output` (softmax of it when `fromLogits`) is renormalised to sum to 1 along `axis`, clipped
/// to `[1e-7, 1 − 1e-7]`, and the result is `sum(alpha · (1 − o)^gamma · (−t · log(o)), axis)`.
/// `target` and `output` must have the same shape; `target` is cast to `output`'s (floating)
/// dtype; the result drops `axis`.
public func categoricalFocalCrossentropy(target: Tensor, output: Tensor, alpha: Double = 0.25,
                                         gamma: Double = 2.0, fromLogits: Bool = false,
                                         axis: Int = -1) throws -> Tensor {
    let op: StaticString = "categorical_focal_crossentropy"
    if !output.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("categorical_focal_crossentropy: dtype \(output.dtype) of output is not supported, expected a floating-point tensor")
    }
    if target.shape != output.shape {
        throw SwiftKerasError.invalid(
            "categorical_focal_crossentropy: shapes \(formatShape(target.shape)) (target) and \(formatShape(output.shape)) (output) are incompatible")
    }
    let a = try ShapeMath.axis(axis, rank: output.rank, op: op)
    return try additionsComposite(op, [target, output]) { xs in
        let t = try xs[0].cast(to: xs[1].dtype)
        var o = fromLogits ? try xs[1].softmax(alongAxis: a) : xs[1]
        o = try o / o.sum(alongAxes: [a], keepingDimensions: true)
        o = try o.clipped(min: Scalar.float(focalEpsilon), max: Scalar.float(1 - focalEpsilon))
        let cce = try -(t * log(o))
        let weight = try pow(1 - o, Scalar.float(gamma)) * Scalar.float(alpha)
        return try (weight * cce).sum(alongAxes: [a], keepingDimensions: false)
    }
}
