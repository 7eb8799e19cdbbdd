// Crossentropy building blocks with the Keras legacy backend's semantics
// (keras/src/legacy/backend.py): probabilities are clipped to [epsilon, 1 - epsilon] with
// epsilon = 1e-7 (Keras' `backend.epsilon()`), logits go through stable formulas.
//
// Dtypes: `output` must be floating point (dtype error otherwise); `target` is cast to
// `output`'s dtype (sparse targets to int64); the result has `output`'s dtype. float16 and
// bfloat16 compute in float32. NaN in `output` propagates (the clip keeps NaN).

/// Keras' fuzz factor `backend.epsilon()` (`KerasSettings.epsilon`, 1e-7 unless set).
private var crossentropyEpsilon: Double { KerasSettings.epsilon }

@inline(__always)
private func nnClip<T: NeuralNetFloat>(_ v: T, _ lo: T, _ hi: T) -> T {
    v < lo ? lo : (v > hi ? hi : v)
}

/// Elementwise binary crossentropy between `target` and `output`. Implements Keras
/// `backend.binary_crossentropy`:
/// - probabilities (`fromLogits: false`): `output` clipped to `[1e-7, 1 - 1e-7]`, then
///   `-(t * log(o + 1e-7) + (1 - t) * log(1 - o + 1e-7))`; the operands broadcast.
/// - logits: `tf.nn.sigmoid_cross_entropy_with_logits`,
///   `max(x, 0) - x * t + log1p(exp(-|x|))`, stable for any finite logit; the shapes must be
///   equal, as TensorFlow requires.
/// The result has the (broadcast) shape and `output`'s dtype.
public func binaryCrossentropy(target: Tensor, output: Tensor, fromLogits: Bool = false) throws -> Tensor {
    let op: StaticString = "binary_crossentropy"
    try nnRequireFloat(output, op)
    let shape: [Int]
    if fromLogits {
        if target.shape != output.shape {
            throw SwiftKerasError.invalid(
                "binary_crossentropy: logits and labels must have the same shape, got target shape \(formatShape(target.shape)) and output shape \(formatShape(output.shape))")
        }
        shape = output.shape
    } else {
        shape = try ShapeMath.broadcast(target.shape, output.shape, op: op)
    }
    let compute = output.dtype.computeType
    let t = try target.cast(to: output.dtype).cast(to: compute), o = try output.cast(to: compute)
    let out = try Tensor.uninitialized(shape, compute, op: op)
    func run<T: NeuralNetFloat>(_: T.Type) {
        let eps = T(crossentropyEpsilon), hi = 1 - T(crossentropyEpsilon)
        if fromLogits {
            nnBroadcastBinary(t.pointer(T.self), shape, o.pointer(T.self), shape, out.pointer(T.self), shape) { z, x in
                Swift.max(x, 0) - x * z + T.nnLog1p(T.nnExp(-Swift.abs(x)))
            }
        } else {
            nnBroadcastBinary(t.pointer(T.self), t.shape, o.pointer(T.self), o.shape, out.pointer(T.self), shape) { z, x in
                let p = nnClip(x, eps, hi)
                return -(z * T.nnLog(p + eps) + (1 - z) * T.nnLog(1 - p + eps))
            }
        }
    }
    if out.count > 0 {
        if compute == .float64 { run(Double.self) } else { run(Float.self) }
    }
    let result = try out.cast(to: output.dtype)
    record(op, [target, output], result, { g in
        let gc = try g.cast(to: compute)
        let tc = try target.cast(to: output.dtype).cast(to: compute), oc = try output.cast(to: compute)
        if fromLogits {
            // softplus(x) − x·t: dx = g·(sigmoid(x) − t), dt = −g·x.
            return [try -(gc * oc), try gc * (sigmoid(oc) - tc)]
        }
        let (p, active) = try nnClipDifferentiable(oc)
        let lp = try log(p + crossentropyEpsilon), lq = try log(1 - p + crossentropyEpsilon)
        // dL/dp = −t/(p + ε) + (1 − t)/(1 − p + ε), passed through the clip only where inactive.
        let dp = try (1 - tc) / (1 - p + crossentropyEpsilon) - tc / (p + crossentropyEpsilon)
        return [try gc * (lq - lp), try gc * dp * active]
    })
    return result
}

/// `clip(x, ε, 1 − ε)` written with differentiable ops, and the mask (1 where the clip passes
/// the gradient, bounds included, as TensorFlow's `clip_by_value`; 0 where it clipped): the
/// clipped value is `x·mask + lo·below + hi·above` with constant masks.
private func nnClipDifferentiable(_ x: Tensor) throws -> (Tensor, Tensor) {
    let lo = crossentropyEpsilon, hi = 1 - crossentropyEpsilon
    let below = try x.isLess(than: Scalar.float(lo)).cast(to: x.dtype)
    let above = try x.isGreater(than: Scalar.float(hi)).cast(to: x.dtype)
    let active = try 1 - below - above
    // Computed as TensorFlow rounds the bounds into the dtype.
    let loT = try Tensor.scalar(lo, dtype: x.dtype), hiT = try Tensor.scalar(hi, dtype: x.dtype)
    return (try x * active + below * loT + above * hiT, active)
}

/// Categorical crossentropy along `axis` between one-hot (or soft) `target` and `output`.
/// Implements Keras `backend.categorical_crossentropy`:
/// - probabilities: `output` is renormalised to sum to 1 along `axis`, clipped to
///   `[1e-7, 1 - 1e-7]`, and the result is `-sum(target * log(output), axis)`;
/// - logits: `tf.nn.softmax_cross_entropy_with_logits`,
///   `sum(target * (logsumexp(x) - x), axis)`, stable for large logits.
/// `target` and `output` must have the same shape; the result drops `axis`.
public func categoricalCrossentropy(target: Tensor, output: Tensor, fromLogits: Bool = false,
                                    axis: Int = -1) throws -> Tensor {
    let op: StaticString = "categorical_crossentropy"
    try nnRequireFloat(output, op)
    if target.shape != output.shape {
        throw SwiftKerasError.invalid(
            "categorical_crossentropy: shapes \(formatShape(target.shape)) (target) and \(formatShape(output.shape)) (output) are incompatible")
    }
    let a = try ShapeMath.axis(axis, rank: output.rank, op: op)
    var outShape = output.shape
    outShape.remove(at: a)
    let compute = output.dtype.computeType
    let t = try target.cast(to: output.dtype).cast(to: compute), o = try output.cast(to: compute)
    let out = try Tensor.uninitialized(outShape, compute, op: op)
    let (outer, n, inner) = nnAxisSplit(output.shape, a)
    func run<T: NeuralNetFloat>(_: T.Type) {
        let pt = t.pointer(T.self), po = o.pointer(T.self), pr = out.pointer(T.self)
        let eps = T(crossentropyEpsilon), hi = 1 - T(crossentropyEpsilon)
        for q in 0..<outer {
            for j in 0..<inner {
                let base = q &* n &* inner &+ j
                var loss: T = 0
                if fromLogits {
                    var m = -T.infinity
                    for k in 0..<n { let v = po[base &+ k &* inner]; m = v > m ? v : m }
                    var s: T = 0
                    for k in 0..<n { s += T.nnExp(po[base &+ k &* inner] - m) }
                    let ls = T.nnLog(s)
                    for k in 0..<n {
                        let i = base &+ k &* inner
                        loss += pt[i] * (ls - (po[i] - m))
                    }
                } else {
                    var s: T = 0
                    for k in 0..<n { s += po[base &+ k &* inner] }
                    for k in 0..<n {
                        let i = base &+ k &* inner
                        loss -= pt[i] * T.nnLog(nnClip(po[i] / s, eps, hi))
                    }
                }
                pr[q &* inner &+ j] = loss
            }
        }
    }
    if out.count > 0 {
        if compute == .float64 { run(Double.self) } else { run(Float.self) }
    }
    let result = try out.cast(to: output.dtype)
    let kept = output.shape.enumerated().map { $0.offset == a ? 1 : $0.element }
    record(op, [target, output], result, { g in
        let gc = try g.cast(to: compute).reshaped(to: kept)
        let tc = try target.cast(to: output.dtype).cast(to: compute), oc = try output.cast(to: compute)
        if fromLogits {
            // Σ t·(lse(x) − x): dx = g·(softmax(x)·Σt − t), dt = −g·log_softmax(x).
            let ls = try oc.logSoftmax(alongAxis: a)
            let st = try tc.sum(alongAxes: [a], keepingDimensions: true)
            return [try -(gc * ls), try gc * (exp(ls) * st - tc)]
        }
        // q = o/Σo, p = clip(q): dL/dq = −g·t/p (where the clip is inactive), and through the
        // normalisation dx = (dq − Σ(dq·q))/Σo.
        let so = try oc.sum(alongAxes: [a], keepingDimensions: true)
        let q = try oc / so
        let (p, active) = try nnClipDifferentiable(q)
        let dq = try -(gc * tc / p * active)
        let dx = try (dq - (dq * q).sum(alongAxes: [a], keepingDimensions: true)) / so
        return [try -(gc * log(p)), dx]
    })
    return result
}

/// Categorical crossentropy with integer class labels. Implements Keras
/// `backend.sparse_categorical_crossentropy` (`tf.nn.sparse_softmax_cross_entropy_with_logits`
/// after moving `axis` last):
/// - probabilities: `output` is clipped to `[1e-7, 1 - 1e-7]` and its log is treated as logits,
///   so the result is `-log(p[label]) + log(sum(p))` with clipped `p`;
/// - logits: `logsumexp(x) - x[label]`.
/// `target` is cast to int64 (floats truncate). When its rank is `output.rank - 1` its shape
/// must equal `output`'s shape without `axis`, and the result has that shape. Otherwise (for
/// example labels of shape `(B, 1)`) both are flattened to rows: the label count must equal the
/// number of rows, and the result has shape `(rows,)` — or `output`'s shape without `axis` when
/// `output` has rank 3 or more. A label outside `[0, classes)` throws an out-of-range error
/// (TensorFlow's CPU kernel raises too).
public func sparseCategoricalCrossentropy(target: Tensor, output: Tensor, fromLogits: Bool = false,
                                          axis: Int = -1) throws -> Tensor {
    let op: StaticString = "sparse_categorical_crossentropy"
    try nnRequireFloat(output, op)
    let a = try ShapeMath.axis(axis, rank: output.rank, op: op)
    var rowShape = output.shape
    let classes = rowShape.remove(at: a)
    let (outer, n, inner) = nnAxisSplit(output.shape, a)
    let rows = outer &* inner
    let outShape: [Int]
    if target.rank == output.rank - 1 {
        if target.shape != rowShape {
            throw SwiftKerasError.invalid(
                "sparse_categorical_crossentropy: the shape of target \(formatShape(target.shape)) should equal the shape of output \(formatShape(output.shape)) without axis \(a)")
        }
        outShape = rowShape
    } else {
        if classes == 0 || target.count != rows {
            throw SwiftKerasError.invalid(
                "sparse_categorical_crossentropy: target shape \(formatShape(target.shape)) (\(target.count) labels) does not match the \(rows) rows of output shape \(formatShape(output.shape)) along axis \(a)")
        }
        outShape = output.rank >= 3 ? rowShape : [rows]
    }
    let labels = try target.cast(to: .int64)
    let pl = labels.pointer(Int64.self)
    for i in 0..<labels.count where pl[i] < 0 || pl[i] >= Int64(classes) {
        throw SwiftKerasError.range(
            "sparse_categorical_crossentropy: received a label value of \(pl[i]) which is outside the valid range of [0, \(classes))")
    }
    let compute = output.dtype.computeType
    let o = try output.cast(to: compute)
    let out = try Tensor.uninitialized(outShape, compute, op: op)
    func run<T: NeuralNetFloat>(_: T.Type) {
        let po = o.pointer(T.self), pr = out.pointer(T.self)
        let eps = T(crossentropyEpsilon), hi = 1 - T(crossentropyEpsilon)
        @inline(__always) func logit(_ v: T) -> T { fromLogits ? v : T.nnLog(nnClip(v, eps, hi)) }
        for q in 0..<outer {
            for j in 0..<inner {
                let base = q &* n &* inner &+ j
                var m = -T.infinity
                for k in 0..<n { let v = logit(po[base &+ k &* inner]); m = v > m ? v : m }
                var s: T = 0
                for k in 0..<n { s += T.nnExp(logit(po[base &+ k &* inner]) - m) }
                let r = q &* inner &+ j
                let picked = logit(po[base &+ Int(pl[r]) &* inner])
                pr[r] = T.nnLog(s) - (picked - m)
            }
        }
    }
    if out.count > 0 {
        if compute == .float64 { run(Double.self) } else { run(Float.self) }
    }
    let result = try out.cast(to: output.dtype)
    record(op, [target, output], result, { g in
        // One-hot of the labels laid out like `output` (outer, classes, inner); a constant.
        var hot = [Double](repeating: 0, count: output.count)
        let pl = labels.pointer(Int64.self)
        for q in 0..<outer {
            for j in 0..<inner {
                hot[(q &* n &+ Int(pl[q &* inner &+ j])) &* inner &+ j] = 1
            }
        }
        let oneHot = try Tensor.from(doubles: hot, shape: output.shape, dtype: compute)
        var kept = output.shape
        kept[a] = 1
        let gc = try g.cast(to: compute).reshaped(to: kept)
        let oc = try output.cast(to: compute)
        if fromLogits {
            // lse(x) − x[label]: dx = g·(softmax(x) − onehot).
            return [nil, try gc * (oc.softmax(alongAxis: a) - oneHot)]
        }
        // Logits log(p) with p = clip(o): dL/dp = (p/Σp − onehot)/p = 1/Σp − onehot/p.
        let (p, active) = try nnClipDifferentiable(oc)
        let sp = try p.sum(alongAxes: [a], keepingDimensions: true)
        return [nil, try gc * (1.0 / sp - oneHot / p) * active]
    })
    return result
}
