// Loss reductions and sample weighting with Keras 3 semantics (keras/src/losses/loss.py:
// `reduce_weighted_values`, `reduce_values`, `squeeze_or_expand_to_same_rank`, `apply_mask`).

/// How a loss object turns per-sample loss values into its result (Keras `reduction`).
public enum Reduction: String, Sendable, Equatable {
    /// No aggregation: the (weighted) per-sample values are returned (Keras `None` / `"none"`).
    case none
    /// The sum of the (weighted) values (Keras `"sum"`).
    case sum
    /// The sum of the (weighted) values divided by their number of elements (Keras
    /// `"sum_over_batch_size"`, the default, and its synonym `"mean"`).
    case sumOverBatchSize = "sum_over_batch_size"

    /// The reduction with a Keras name: `"none"`, `"sum"`, `"sum_over_batch_size"`, `"mean"`
    /// (a synonym of `"sum_over_batch_size"`) or `"auto"` (Keras 2's name for the default).
    /// `nil` for anything else.
    public init?(name: String) {
        self.init(rawValue: name == "mean" || name == "auto" ? Reduction.sumOverBatchSize.rawValue : name)
    }

    /// The Keras name of the reduction.
    public var kerasName: String { rawValue }
}

/// Keras' `squeeze_or_expand_to_same_rank`: when the ranks of `x1` and `x2` differ by exactly
/// one and the longer one ends in a dimension of size 1, that dimension is squeezed — or, when
/// the shorter one has rank 1 and `expandRank1` is true, the shorter one gets a trailing axis
/// instead. Anything else is returned unchanged.
public func squeezeOrExpandToSameRank(_ x1: Tensor, _ x2: Tensor, expandRank1: Bool = true) throws -> (Tensor, Tensor) {
    var a = x1, b = x2
    let r1 = a.rank, r2 = b.rank
    if r1 == r2 { return (a, b) }
    if r1 == r2 + 1, a.shape[r1 - 1] == 1 {
        if r2 == 1 && expandRank1 { b = try b.expandingDims(at: r2) } else { a = try a.squeezed(axes: [r1 - 1]) }
    }
    if r2 == r1 + 1, b.shape[r2 - 1] == 1 {
        if r1 == 1 && expandRank1 { a = try a.expandingDims(at: r1) } else { b = try b.squeezed(axes: [r2 - 1]) }
    }
    return (a, b)
}

/// `x / y`, and 0 where `y` is 0 (Keras `divide_no_nan`), with differentiable ops.
func kerasDivideNoNaN(_ x: Tensor, _ y: Tensor) throws -> Tensor {
    let zero = try y.isEqual(to: Scalar.float(0))
    let safe = try select(zero, Tensor.ones(like: y), y)
    return try select(zero, Tensor.zeros(like: safe), x / safe)
}

/// Applies sample weights, an optional mask and a reduction to per-sample loss values, as
/// Keras 3's `reduce_weighted_values` does for every loss object:
/// - the mask (1 = valid) is folded into the weights; with `.sumOverBatchSize` it is scaled by
///   `total / valid` so the mean is taken over the valid entries only;
/// - the weights are cast to `values`' dtype and brought to its rank by
///   `squeezeOrExpandToSameRank`; weights of lower rank get trailing axes of size 1 (so
///   per-sample weights `(B,)` apply to every entry of `(B, T)` values); the weights and the
///   values must then broadcast together (a scalar value and `(B,)` weights give `(B,)`);
/// - `.none` returns the weighted values, `.sum` their sum, `.sumOverBatchSize` their sum
///   divided by their number of elements (0 for no elements).
/// `op` names the loss in error messages.
public func reduceWeightedValues(_ values: Tensor, sampleWeight: Tensor?, mask: Tensor? = nil,
                                 reduction: Reduction, op: String = "loss") throws -> Tensor {
    var v = values
    if !v.dtype.isFloatingPoint { v = try v.cast(to: .float32) }
    var weight = try sampleWeight?.cast(to: v.dtype)
    if let mask {
        var m = try mask.cast(to: v.dtype)
        if reduction == .sumOverBatchSize {
            let total = try Tensor.scalar(Double(m.count), dtype: v.dtype)
            m = try m * kerasDivideNoNaN(total, m.sum())
        }
        if let w = weight {
            var (mm, ww) = try squeezeOrExpandToSameRank(m, w)
            // Per-sample weights `(B,)` apply to every entry of a `(B, T)` mask.
            while ww.rank < mm.rank { ww = try ww.reshaped(to: ww.shape + [1]) }
            weight = try ww * mm
        } else {
            weight = m
        }
    }
    if var w = weight {
        (v, w) = try squeezeOrExpandToSameRank(v, w)
        if w.rank < v.rank {
            w = try w.reshaped(to: w.shape + [Int](repeating: 1, count: v.rank - w.rank))
        }
        // The weights and values broadcast together (a scalar loss value times per-sample
        // weights gives weighted per-sample values, as Keras' multiply does).
        if (try? ShapeMath.broadcast(v.shape, w.shape, op: "loss")) == nil {
            throw SwiftKerasError.invalid(
                "\(op): sample_weight of shape \(formatShape(sampleWeight?.shape ?? w.shape)) cannot be broadcast to the loss values of shape \(formatShape(values.shape))")
        }
        v = try v * w
    }
    switch reduction {
    case .none:
        return v
    case .sum:
        return try v.sum()
    case .sumOverBatchSize:
        if v.count == 0 { return try Tensor.zeros([], dtype: v.dtype) }
        return try v.sum() / Double(v.count)
    }
}
