// The confusion matrix of integer labels and predictions (TensorFlow `tf.math.confusion_matrix`).

/// The `numClasses × numClasses` matrix whose entry `[i, j]` counts (or, with `weights`, sums
/// the weights of) the samples with label `i` predicted as `j` (TF `tf.math.confusion_matrix`).
/// `labels` and `predictions` are vectors of the same length (one trailing dimension of size 1 is
/// dropped, as TF does) of any real dtype, converted to integers; `numClasses` < 0 means
/// `max(labels, predictions) + 1`. The result has `dtype` (nil: int32); `weights`, when given,
/// has one value per sample. Not differentiable (integer counts), as in TF.
///
/// - Throws: `.invalidArgument` for mismatched or non-vector shapes, negative labels or
///   predictions, values ≥ `numClasses`, or a `weights` of another length; `.dtype` for bool or
///   string inputs.
public func confusionMatrix(labels: Tensor, predictions: Tensor, numClasses: Int, weights: Tensor?,
                            dtype: DType?) throws -> Tensor {
    func vector(_ t: Tensor, _ what: String) throws -> [Double] {
        if t.dtype == .bool || !(t.dtype.isInteger || t.dtype.isFloatingPoint) {
            throw SwiftKerasError.dtype("confusion_matrix: \(what) must be a real tensor, got \(t.dtype)")
        }
        let rankOK = t.rank <= 1 || (t.rank == 2 && t.shape[1] == 1)
        if !rankOK {
            throw SwiftKerasError.invalid("confusion_matrix: \(what) must be a vector (one value per sample), got shape \(formatShape(t.shape))")
        }
        return t.doubles
    }
    let l = try vector(labels, "labels"), p = try vector(predictions, "predictions")
    if l.count != p.count {
        throw SwiftKerasError.invalid("confusion_matrix: labels and predictions must have the same number of values, got \(l.count) and \(p.count)")
    }
    let w = try weights.map { try vector($0, "weights") }
    if let w, w.count != l.count {
        throw SwiftKerasError.invalid("confusion_matrix: weights must have one value per sample (\(l.count)), got \(w.count)")
    }
    // values as integers (TF casts to int64), checked before any is used as an index
    var li = [Int](repeating: 0, count: l.count), pi = li
    for k in 0..<l.count {
        for (name, v, dst) in [("labels", l[k], 0), ("predictions", p[k], 1)] {
            guard v.isFinite, v > -1, v < 9.0e15 else {
                throw SwiftKerasError.invalid("confusion_matrix: `\(name)` contains negative or invalid values (\(v))")
            }
            if dst == 0 { li[k] = Int(v) } else { pi[k] = Int(v) }
        }
    }
    let n = numClasses >= 0 ? numClasses : (max(li.max() ?? -1, pi.max() ?? -1) + 1)
    for k in 0..<li.count where li[k] >= n || pi[k] >= n {
        let (name, v) = li[k] >= n ? ("labels", li[k]) : ("predictions", pi[k])
        throw SwiftKerasError.invalid("confusion_matrix: `\(name)` out of bound: \(v) is not below num_classes = \(n)")
    }
    // the sums in float64 (exact counts up to 2^53), allocated through the checked path
    let sums = try Tensor.zeros([n, n], dtype: .float64)
    let cell = sums.pointer(Double.self)
    for k in 0..<li.count { cell[li[k] &* n &+ pi[k]] += w?[k] ?? 1 }
    return try sums.cast(to: dtype ?? .int32)
}
