// Regression, hinge and probabilistic metrics of tf.keras 2 (tf_keras/src/metrics/
// regression_metrics.py, hinge_metrics.py, probabilistic_metrics.py): the means of the loss
// functions of the same name, CosineSimilarity (positive, with an axis) and R2Score.

extension Metrics {
    /// `keras.metrics.MeanAbsolutePercentageError`: the mean of `mean_absolute_percentage_error`.
    public final class MeanAbsolutePercentageError: BuiltinFunctionMetric { override class var spec: Spec { Spec("MeanAbsolutePercentageError", ["mean_absolute_percentage_error", "mape", "MAPE"], Losses.meanAbsolutePercentageError) } }

    /// `keras.metrics.MeanSquaredLogarithmicError`: the mean of `mean_squared_logarithmic_error`.
    public final class MeanSquaredLogarithmicError: BuiltinFunctionMetric { override class var spec: Spec { Spec("MeanSquaredLogarithmicError", ["mean_squared_logarithmic_error", "msle", "MSLE"], Losses.meanSquaredLogarithmicError) } }

    /// `keras.metrics.LogCoshError`: the mean of `logcosh` (default name "logcosh").
    public final class LogCoshError: BuiltinFunctionMetric { override class var spec: Spec { Spec("LogCoshError", ["logcosh"], Losses.logCosh) } }

    /// `keras.metrics.Hinge`: the mean of `hinge` (0/1 labels become -1/1).
    public final class Hinge: BuiltinFunctionMetric { override class var spec: Spec { Spec("Hinge", ["hinge"], Losses.hinge) } }

    /// `keras.metrics.SquaredHinge`: the mean of `squared_hinge`.
    public final class SquaredHinge: BuiltinFunctionMetric { override class var spec: Spec { Spec("SquaredHinge", ["squared_hinge"], Losses.squaredHinge) } }

    /// `keras.metrics.CategoricalHinge`: the mean of `categorical_hinge`.
    public final class CategoricalHinge: BuiltinFunctionMetric { override class var spec: Spec { Spec("CategoricalHinge", ["categorical_hinge"], Losses.categoricalHinge) } }

    /// `keras.metrics.KLDivergence`: the mean of `kl_divergence` (tf.keras 2's default name
    /// "kullback_leibler_divergence").
    public final class KLDivergence: BuiltinFunctionMetric { override class var spec: Spec { Spec("KLDivergence", ["kullback_leibler_divergence", "kld", "KLD"], Losses.klDivergence) } }

    /// `keras.metrics.Poisson`: the mean of `poisson`.
    public final class Poisson: BuiltinFunctionMetric { override class var spec: Spec { Spec("Poisson", ["poisson"], Losses.poisson) } }

    /// `keras.metrics.CosineSimilarity`: the mean of `sum(l2_normalize(y_true) *
    /// l2_normalize(y_pred), axis)` — 1 for parallel vectors (the loss is its negative).
    public final class CosineSimilarity: MeanMetricWrapper {
        /// The axis the similarity is computed along (Keras default -1).
        public let axis: Int

        /// Creates the metric (Keras defaults: name "cosine_similarity", axis -1).
        public init(name: String? = nil, dtype: DType = .floatx, axis: Int = -1) {
            self.axis = axis
            super.init(name: name ?? "cosine_similarity", dtype: dtype) { yTrue, yPred in
                try Losses.cosineSimilarity(yTrue, yPred, axis: axis).negated()
            }
        }

        /// "CosineSimilarity".
        public override class var className: String { "CosineSimilarity" }
        /// "cosine_similarity".
        public override class var aliases: [String] { ["cosine_similarity"] }

        /// Builds the metric from its config ("name", "dtype", "axis").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            self.init(name: base.name, dtype: base.dtype, axis: try r.int("axis", -1))
            try r.finish()
        }

        /// The config: "name", "dtype", "axis".
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["axis"] = .int(axis)
            return .object(c)
        }
    }

    /// `keras.metrics.R2Score`: the coefficient of determination of `(samples, outputs)`
    /// targets, per output column from weighted sums (`1 - residual / total`, infinite scores
    /// read as 0), aggregated by `classAggregation` ("uniform_average" the mean,
    /// "variance_weighted_average" weighted by each column's total variance, nil none) and
    /// adjusted for `numRegressors` independent regressors when that leaves a positive
    /// denominator (tf.keras 2 falls back to the plain score otherwise).
    public final class R2Score: Metric, KerasSerializable {
        /// How the per-output scores are combined.
        public let classAggregation: String?
        /// The number of regressors of the adjusted score (0: the plain score).
        public let numRegressors: Int
        private var state: (sum: Variable, squaredSum: Variable, residual: Variable, count: Variable)?
        private let numSamples: Variable

        /// Creates the metric (Keras defaults: "uniform_average", 0 regressors, name "r2_score").
        public init(classAggregation: String? = "uniform_average", numRegressors: Int = 0, name: String? = nil,
                    dtype: DType = .floatx) throws {
            let valid: [String?] = [nil, "uniform_average", "variance_weighted_average"]
            if !valid.contains(classAggregation) {
                throw SwiftKerasError.invalid("R2Score: class_aggregation must be null, \"uniform_average\" or \"variance_weighted_average\", got \(classAggregation ?? "null")")
            }
            if numRegressors < 0 {
                throw SwiftKerasError.invalid("R2Score: num_regressors must be >= 0, got \(numRegressors)")
            }
            self.classAggregation = classAggregation
            self.numRegressors = numRegressors
            numSamples = Variable((try? Tensor.zeros([], dtype: .int32)) ?? Tensor(scalar: Int32(0)),
                                  name: "\(name ?? "r2_score")/num_samples", trainable: false)
            super.init(name: name ?? "r2_score", dtype: dtype)
        }

        /// "R2Score".
        public static var className: String { "R2Score" }
        /// "r2_score".
        public static var aliases: [String] { ["r2_score"] }

        /// Builds the metric from its config ("name", "dtype", "class_aggregation", "num_regressors").
        public convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            let agg = r.has("class_aggregation") ? try r.string("class_aggregation") : "uniform_average"
            try self.init(classAggregation: agg, numRegressors: try r.int("num_regressors", 0), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", "class_aggregation", "num_regressors".
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["class_aggregation"] = classAggregation.map { .string($0) } ?? .null
            c["num_regressors"] = .int(numRegressors)
            return .object(c)
        }

        /// Accumulates the weighted sums of `yTrue`, `yTrue²`, the squared residuals and the
        /// weights per output column; both must be 2-D with the same number of columns as the
        /// first batch.
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let t = try yTrue.cast(to: dtype), p = try yPred.cast(to: dtype)
                if t.rank != 2 || p.rank != 2 {
                    throw SwiftKerasError.invalid("R2Score expects 2D inputs with shape (batch_size, output_dim), got y_true of shape \(formatShape(yTrue.shape)) and y_pred of shape \(formatShape(yPred.shape))")
                }
                let columns = p.shape[1]
                if state == nil {
                    state = (try addVariable(shape: [columns], name: "sum"), try addVariable(shape: [columns], name: "squared_sum"),
                             try addVariable(shape: [columns], name: "residual"), try addVariable(shape: [columns], name: "count"))
                }
                guard let s = state, s.sum.shape == [columns] else {
                    throw SwiftKerasError.invalid("R2Score: y_pred has \(columns) columns, the metric was built for \(state?.sum.shape.first ?? 0)")
                }
                var w = try Tensor.ones([], dtype: dtype)
                if let sw = sampleWeight {
                    w = try sw.cast(to: dtype)
                    if w.rank == 1 { w = try w.expandingDims(at: 1) }
                }
                guard let b = try? ShapeMath.broadcast(w.shape, t.shape, op: "r2_score"), b == t.shape else {
                    throw SwiftKerasError.invalid("R2Score: sample_weight of shape \(formatShape(sampleWeight?.shape ?? [])) cannot be broadcast to y_true of shape \(formatShape(yTrue.shape))")
                }
                w = try w.broadcasted(to: t.shape)
                let wt = try t * w
                try accumulate(s.sum, wt.sum(alongAxes: [0]))
                try accumulate(s.squaredSum, (t * wt).sum(alongAxes: [0]))
                try accumulate(s.residual, (square(t - p) * w).sum(alongAxes: [0]))
                try accumulate(s.count, w.sum(alongAxes: [0]))
                try numSamples.assignAdd(try Tensor.scalar(Double(t.count), dtype: .int32))
            }
        }

        /// The aggregated (and adjusted) score; 0 before any update.
        public override func result() throws -> Tensor {
            try withoutRecording {
                guard let s = state else { return try Tensor.zeros([], dtype: dtype) }
                let sum = s.sum.value.doubles, sq = s.squaredSum.value.doubles
                let res = s.residual.value.doubles, count = s.count.value.doubles
                var totals = [Double](), raw = [Double]()
                for i in sum.indices {
                    let mean = sum[i] / count[i]
                    let total = sq[i] - sum[i] * mean
                    var score = 1 - res[i] / total
                    if score.isInfinite { score = 0 }
                    totals.append(total)
                    raw.append(score)
                }
                var score: [Double]
                switch classAggregation {
                case "uniform_average": score = [raw.reduce(0, +) / Double(raw.count)]
                case "variance_weighted_average":
                    score = [zip(totals, raw).map { $0 * $1 }.reduce(0, +) / totals.reduce(0, +)]
                default: score = raw
                }
                let n = try numSamples.value.scalarDouble()
                if numRegressors != 0 && Double(numRegressors) < n - 1 {
                    let p = Double(numRegressors)
                    score = score.map { 1 - (1 - $0) * (n - 1) / (n - p - 1) }
                }
                return try Tensor.from(doubles: score, shape: classAggregation == nil ? [score.count] : [], dtype: dtype)
            }
        }

        /// Zeroes the sums and the sample count.
        public override func resetState() throws {
            try super.resetState()
            try numSamples.assign(try Tensor.zeros([], dtype: .int32))
        }
    }
}
