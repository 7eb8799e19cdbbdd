// The loss functions of keras.losses (Keras 3, keras/src/losses/losses.py), as per-sample
// values: each takes (y_true, y_pred) and returns the loss with the last axis (or `axis`)
// reduced. Built from differentiable ops, so tapes differentiate them.

/// Keras' fuzz factor `backend.epsilon()` (`KerasSettings.epsilon`, 1e-7 unless set).
var kerasEpsilon: Double { KerasSettings.epsilon }

/// The namespace of Keras losses (`keras.losses`): loss functions as static methods
/// (`Losses.meanSquaredError(yTrue, yPred)`) and loss classes as nested types
/// (`Losses.MeanSquaredError(reduction: .sum)`).
public enum Losses {
    /// `y_pred` (float32 when it is not floating point) and `y_true` cast to its dtype, as
    /// Keras' `convert_to_tensor` / `cast` prologue; `matchRanks` applies
    /// `squeezeOrExpandToSameRank`; then the shapes must broadcast.
    static func prepare(_ op: String, _ yTrue: Tensor, _ yPred: Tensor, matchRanks: Bool = true) throws -> (Tensor, Tensor) {
        let p = yPred.dtype.isFloatingPoint ? yPred : try yPred.cast(to: .float32)
        var t = yTrue.dtype == p.dtype ? yTrue : try yTrue.cast(to: p.dtype)
        var pp = p
        if matchRanks { (t, pp) = try squeezeOrExpandToSameRank(t, pp) }
        if (try? ShapeMath.broadcast(t.shape, pp.shape, op: "loss")) == nil {
            throw SwiftKerasError.invalid(
                "\(op): y_true of shape \(formatShape(yTrue.shape)) and y_pred of shape \(formatShape(yPred.shape)) are incompatible")
        }
        return (t, pp)
    }

    /// `mean(square(y_true - y_pred), axis=-1)` (Keras `mean_squared_error`, alias `mse`).
    public static func meanSquaredError(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("mean_squared_error", yTrue, yPred)
        return try square(t - p).mean(alongAxes: [-1])
    }

    /// `mean(abs(y_true - y_pred), axis=-1)` (Keras `mean_absolute_error`, alias `mae`).
    public static func meanAbsoluteError(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("mean_absolute_error", yTrue, yPred)
        return try abs(t - p).mean(alongAxes: [-1])
    }

    /// `100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), 1e-7)), axis=-1)` (Keras
    /// `mean_absolute_percentage_error`, alias `mape`).
    public static func meanAbsolutePercentageError(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("mean_absolute_percentage_error", yTrue, yPred)
        let diff = try abs((t - p) / maximum(abs(t), Scalar.float(kerasEpsilon)))
        return try diff.mean(alongAxes: [-1]) * 100.0
    }

    /// `mean(square(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)), axis=-1)` (Keras
    /// `mean_squared_logarithmic_error`, alias `msle`).
    public static func meanSquaredLogarithmicError(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("mean_squared_logarithmic_error", yTrue, yPred)
        let first = try log(maximum(p, Scalar.float(kerasEpsilon)) + 1.0)
        let second = try log(maximum(t, Scalar.float(kerasEpsilon)) + 1.0)
        return try square(first - second).mean(alongAxes: [-1])
    }

    /// `-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)` (Keras `cosine_similarity`):
    /// -1 for parallel vectors, 0 when either is zero.
    public static func cosineSimilarity(_ yTrue: Tensor, _ yPred: Tensor, axis: Int = -1) throws -> Tensor {
        let (t, p) = try prepare("cosine_similarity", yTrue, yPred)
        let a = try ShapeMath.axis(axis, rank: Swift.max(t.rank, p.rank), op: "cosine_similarity")
        return try -(t.l2Normalized(alongAxis: a) * p.l2Normalized(alongAxis: a)).sum(alongAxes: [a])
    }

    /// The Huber loss (Keras `huber`): with `e = y_pred - y_true`, `0.5·e²` where `|e| ≤ delta`
    /// and `delta·|e| - 0.5·delta²` elsewhere, averaged over the last axis.
    public static func huber(_ yTrue: Tensor, _ yPred: Tensor, delta: Double = 1.0) throws -> Tensor {
        let (t, p) = try prepare("huber", yTrue, yPred)
        let error = try p - t
        let absError = try abs(error)
        let quadratic = try square(error) * 0.5
        let linear = try absError * delta - 0.5 * delta * delta
        return try select(absError.isLessOrEqual(to: Scalar.float(delta)), quadratic, linear).mean(alongAxes: [-1])
    }

    /// `mean(log(cosh(y_pred - y_true)), axis=-1)` (Keras `log_cosh`), computed stably as
    /// `x + softplus(-2x) - log(2)`.
    public static func logCosh(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("log_cosh", yTrue, yPred)
        let x = try p - t
        return try (x + softplus(x * -2.0) - 0.6931471805599453).mean(alongAxes: [-1])
    }

    /// `sum(t * log(t / p), axis=-1)` with both clipped to `[1e-7, 1]` (Keras `kl_divergence`,
    /// aliases `kld`, `kullback_leibler_divergence`).
    public static func klDivergence(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t0, p0) = try prepare("kl_divergence", yTrue, yPred, matchRanks: false)
        let t = try t0.clipped(min: Scalar.float(kerasEpsilon), max: 1)
        let p = try p0.clipped(min: Scalar.float(kerasEpsilon), max: 1)
        return try (t * log(t / p)).sum(alongAxes: [-1])
    }

    /// `mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)` (Keras `poisson`).
    public static func poisson(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("poisson", yTrue, yPred, matchRanks: false)
        return try (p - t * log(p + kerasEpsilon)).mean(alongAxes: [-1])
    }

    /// Labels in {0, 1} become {-1, 1}; anything else is kept (Keras
    /// `convert_binary_labels_to_hinge`).
    static func hingeLabels(_ t: Tensor) throws -> Tensor {
        let binary = try withoutRecording {
            try t.isEqual(to: Scalar.float(0)).logicalOr(t.isEqual(to: Scalar.float(1))).all().scalarDouble() != 0
        }
        return binary ? try t * 2.0 - 1.0 : t
    }

    /// `mean(maximum(1 - y_true * y_pred, 0), axis=-1)` (Keras `hinge`); labels in {0, 1} are
    /// converted to {-1, 1}.
    public static func hinge(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t0, p) = try prepare("hinge", yTrue, yPred, matchRanks: false)
        let t = try hingeLabels(t0)
        return try maximum(1.0 - t * p, Scalar.float(0)).mean(alongAxes: [-1])
    }

    /// `mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)` (Keras `squared_hinge`);
    /// labels in {0, 1} are converted to {-1, 1}.
    public static func squaredHinge(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t0, p) = try prepare("squared_hinge", yTrue, yPred, matchRanks: false)
        let t = try hingeLabels(t0)
        return try square(maximum(1.0 - t * p, Scalar.float(0))).mean(alongAxes: [-1])
    }

    /// `maximum(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred, -1)` and
    /// `neg = max((1 - y_true) * y_pred, -1)` (Keras `categorical_hinge`).
    public static func categoricalHinge(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try prepare("categorical_hinge", yTrue, yPred, matchRanks: false)
        let pos = try (t * p).sum(alongAxes: [-1])
        let neg = try ((1.0 - t) * p).maxValue(alongAxes: [-1])
        return try maximum(neg - pos + 1.0, Scalar.float(0))
    }

    /// Binary crossentropy averaged over `axis` (Keras `binary_crossentropy`): labels are
    /// smoothed to `t·(1 − s) + 0.5·s`, then the backend `binaryCrossentropy` (probabilities
    /// clipped to `[1e-7, 1 − 1e-7]`, or stable logits) is averaged over `axis`.
    public static func binaryCrossentropy(_ yTrue: Tensor, _ yPred: Tensor, fromLogits: Bool = false,
                                          labelSmoothing: Double = 0, axis: Int = -1) throws -> Tensor {
        let op = "binary_crossentropy"
        var (t, p) = try prepare(op, yTrue, yPred, matchRanks: false)
        if labelSmoothing != 0 { t = try t * (1 - labelSmoothing) + 0.5 * labelSmoothing }
        if fromLogits && t.shape != p.shape {
            // The logits formula needs equal shapes: broadcast both (differentiably).
            let shape = try ShapeMath.broadcast(t.shape, p.shape, op: "binary_crossentropy")
            t = try t.broadcasted(to: shape)
            p = try p.broadcasted(to: shape)
        }
        let bce = try SwiftKeras.binaryCrossentropy(target: t, output: p, fromLogits: fromLogits)
        let a = try ShapeMath.axis(axis, rank: bce.rank, op: "binary_crossentropy")
        return try bce.mean(alongAxes: [a])
    }

    /// The categorical crossentropies' inputs: `yTrue` and `yPred` prepared for `op` (same
    /// shape required), the class axis resolved, and the labels smoothed to
    /// `t·(1 − s) + s / classes` when `labelSmoothing` is not 0. `op` and `staticOp` are the
    /// same name (`ShapeMath.axis` takes a `StaticString`; no conversion on the hot path).
    static func smoothedCategoricalInputs(_ op: String, _ staticOp: StaticString, _ yTrue: Tensor, _ yPred: Tensor,
                                          labelSmoothing: Double, axis: Int) throws -> (target: Tensor, output: Tensor, axis: Int) {
        var (t, p) = try prepare(op, yTrue, yPred, matchRanks: false)
        if t.shape != p.shape {
            throw SwiftKerasError.invalid(
                "\(op): y_true of shape \(formatShape(yTrue.shape)) and y_pred of shape \(formatShape(yPred.shape)) must have the same shape")
        }
        let a = try ShapeMath.axis(axis, rank: p.rank, op: staticOp)
        if labelSmoothing != 0 {
            t = try t * (1 - labelSmoothing) + labelSmoothing / Double(t.shape[a])
        }
        return (t, p, a)
    }

    /// Categorical crossentropy along `axis` (Keras `categorical_crossentropy`): one-hot (or
    /// soft) labels are smoothed to `t·(1 − s) + s / classes`, then the backend
    /// `categoricalCrossentropy` runs (probabilities renormalised and clipped, or logits).
    /// `yTrue` and `yPred` must have the same shape.
    public static func categoricalCrossentropy(_ yTrue: Tensor, _ yPred: Tensor, fromLogits: Bool = false,
                                               labelSmoothing: Double = 0, axis: Int = -1) throws -> Tensor {
        let (t, p, a) = try smoothedCategoricalInputs("categorical_crossentropy", "categorical_crossentropy", yTrue, yPred,
                                                      labelSmoothing: labelSmoothing, axis: axis)
        return try SwiftKeras.categoricalCrossentropy(target: t, output: p, fromLogits: fromLogits, axis: a)
    }

    /// Sparse categorical crossentropy (Keras `sparse_categorical_crossentropy`): integer labels
    /// (a trailing axis of size 1 is squeezed) against class scores along `axis`. With
    /// `ignoreClass`, entries labelled with it contribute 0 (and loss objects leave them out of
    /// the mean).
    public static func sparseCategoricalCrossentropy(_ yTrue: Tensor, _ yPred: Tensor, fromLogits: Bool = false,
                                                     ignoreClass: Int? = nil, axis: Int = -1) throws -> Tensor {
        try sparseCategoricalCrossentropyMasked(yTrue, yPred, fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis).values
    }

    /// `sparseCategoricalCrossentropy` and the validity mask (nil without `ignoreClass`).
    static func sparseCategoricalCrossentropyMasked(_ yTrue: Tensor, _ yPred: Tensor, fromLogits: Bool,
                                                    ignoreClass: Int?, axis: Int) throws -> (values: Tensor, mask: Tensor?) {
        var p = yPred.dtype.isFloatingPoint ? yPred : try yPred.cast(to: .float32)
        var t = yTrue
        if t.rank == p.rank && t.rank > 0 && t.shape[t.rank - 1] == 1 { t = try t.squeezed(axes: [t.rank - 1]) }
        var valid: Tensor? = nil
        if let ignoreClass {
            if p.rank == 0 {
                throw SwiftKerasError.invalid("sparse_categorical_crossentropy: y_pred must have a class axis, got shape ()")
            }
            let v = try t.cast(to: .float64).isNotEqual(to: Scalar.float(Double(ignoreClass)))
            t = try t * v.cast(to: t.dtype)
            if v.rank == p.rank - 1 { p = try p * v.cast(to: p.dtype).expandingDims(at: v.rank) }
            valid = v
        }
        var res = try SwiftKeras.sparseCategoricalCrossentropy(target: t, output: p, fromLogits: fromLogits, axis: axis)
        if let v = valid {
            let vm = try v.reshaped(to: res.shape)
            res = try select(vm, res, Tensor.zeros(like: res))
            return (res, vm)
        }
        return (res, nil)
    }

    /// Binary focal crossentropy averaged over `axis` (Keras `binary_focal_crossentropy`):
    /// labels smoothed as in `binaryCrossentropy`; logits go through a sigmoid first; then
    /// `(1 − p_t)^gamma · bce`, times `t·alpha + (1 − t)·(1 − alpha)` with
    /// `applyClassBalancing`.
    public static func binaryFocalCrossentropy(_ yTrue: Tensor, _ yPred: Tensor, applyClassBalancing: Bool = false,
                                               alpha: Double = 0.25, gamma: Double = 2.0, fromLogits: Bool = false,
                                               labelSmoothing: Double = 0, axis: Int = -1) throws -> Tensor {
        var (t, p) = try prepare("binary_focal_crossentropy", yTrue, yPred, matchRanks: false)
        if labelSmoothing != 0 { t = try t * (1 - labelSmoothing) + 0.5 * labelSmoothing }
        if fromLogits { p = try sigmoid(p) }
        let focal = try SwiftKeras.binaryFocalCrossentropy(target: t, output: p, applyClassBalancing: applyClassBalancing,
                                                           alpha: alpha, gamma: gamma, fromLogits: false)
        let a = try ShapeMath.axis(axis, rank: focal.rank, op: "binary_focal_crossentropy")
        return try focal.mean(alongAxes: [a])
    }

    /// Categorical focal crossentropy along `axis` (Keras `categorical_focal_crossentropy`):
    /// labels smoothed as in `categoricalCrossentropy`, then
    /// `sum(alpha · (1 − o)^gamma · (−t · log(o)), axis)` on the renormalised, clipped
    /// probabilities (softmax of logits first).
    public static func categoricalFocalCrossentropy(_ yTrue: Tensor, _ yPred: Tensor, alpha: Double = 0.25,
                                                    gamma: Double = 2.0, fromLogits: Bool = false,
                                                    labelSmoothing: Double = 0, axis: Int = -1) throws -> Tensor {
        let (t, p, a) = try smoothedCategoricalInputs("categorical_focal_crossentropy", "categorical_focal_crossentropy", yTrue, yPred,
                                                      labelSmoothing: labelSmoothing, axis: axis)
        return try SwiftKeras.categoricalFocalCrossentropy(target: t, output: p, alpha: alpha, gamma: gamma,
                                                           fromLogits: fromLogits, axis: a)
    }
}
