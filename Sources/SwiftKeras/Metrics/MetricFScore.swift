// F-scores of tf.keras 2 (tf_keras/src/metrics/f_score_metrics.py): FBetaScore and F1Score over
// `(samples, classes)` targets, per class or averaged ("micro", "macro", "weighted").

extension Metrics {
    /// `keras.metrics.FBetaScore`: `(1 + β²) · precision · recall / (β² · precision + recall)`
    /// per class from weighted true positive, false positive and false negative counts.
    /// Predictions are 1 above `threshold`, or (threshold nil) where a row's maximum is (and
    /// not ~0). `average`: nil per class, "micro" from the pooled counts, "macro" the mean of
    /// the classes, "weighted" weighted by each class's support.
    public class FBetaScore: Metric, KerasSerializable {
        /// nil, "micro", "macro" or "weighted".
        public let average: String?
        /// β (> 0).
        public let beta: Double
        /// The decision threshold in (0, 1], or nil for the argmax.
        public let threshold: Double?
        private var counts: [Variable] = []

        /// Creates the metric (Keras defaults: no averaging, β 1, argmax, name "fbeta_score").
        public init(average: String? = nil, beta: Double = 1.0, threshold: Double? = nil, name: String? = nil,
                    dtype: DType = .floatx) throws {
            let cls = Self.className
            if let average, !["micro", "macro", "weighted"].contains(average) {
                throw SwiftKerasError.invalid("\(cls): invalid `average` argument value \"\(average)\"; expected one of null, \"micro\", \"macro\", \"weighted\"")
            }
            if !(beta > 0) { throw SwiftKerasError.invalid("\(cls): `beta` must be > 0, got \(beta)") }
            if let threshold, !(threshold > 0 && threshold <= 1) {
                throw SwiftKerasError.invalid("\(cls): `threshold` must verify 0 < threshold <= 1, got \(threshold)")
            }
            self.average = average
            self.beta = beta
            self.threshold = threshold
            super.init(name: name ?? Self.defaultName, dtype: dtype)
        }

        /// "FBetaScore".
        public class var className: String { "FBetaScore" }
        /// The default name.
        class var defaultName: String { "fbeta_score" }

        /// Builds the metric from its config ("average", "beta", "threshold").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(average: try r.string("average"), beta: try r.double("beta", 1.0),
                          threshold: try r.double("threshold"), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", "average", "beta", "threshold".
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["average"] = average.map { .string($0) } ?? .null
            c["beta"] = .double(beta)
            c["threshold"] = threshold.map { .double($0) } ?? .null
            return .object(c)
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let t = try yTrue.cast(to: dtype)
                var p = try yPred.cast(to: dtype)
                if t.rank != 2 || p.rank != 2 || t.shape != p.shape {
                    throw SwiftKerasError.invalid("\(Self.className) expects 2D inputs with shape (batch_size, output_dim), got y_true of shape \(formatShape(yTrue.shape)) and y_pred of shape \(formatShape(yPred.shape))")
                }
                if let threshold {
                    p = try p.isGreater(than: Scalar.float(threshold)).cast(to: dtype)
                } else {
                    let top = try p.maxValue(alongAxes: [-1], keepingDimensions: true)
                    p = try (p.isGreaterOrEqual(to: top).cast(to: dtype) * abs(p).isGreater(than: Scalar.float(1e-9)).cast(to: dtype))
                }
                let axes: [Int]? = average == "micro" ? nil : [0]
                if counts.isEmpty {
                    let shape = average == "micro" ? [] : [p.shape[1]]
                    for n in ["true_positives", "false_positives", "false_negatives", "intermediate_weights"] {
                        counts.append(try addVariable(shape: shape, name: n))
                    }
                } else if average != "micro" && counts[0].shape != [p.shape[1]] {
                    throw SwiftKerasError.invalid("\(name): y_pred has \(p.shape[1]) classes, the metric was built for \(counts[0].shape[0])")
                }
                var w: Tensor? = nil
                if let sw = sampleWeight {
                    let s = try sw.cast(to: dtype)
                    w = s.rank == 1 ? try s.expandingDims(at: 1) : s
                }
                func weightedSum(_ v: Tensor) throws -> Tensor {
                    try (w.map { try v * $0 } ?? v).sum(alongAxes: axes)
                }
                try accumulate(counts[0], weightedSum(p * t))
                try accumulate(counts[1], weightedSum(p * (1.0 - t)))
                try accumulate(counts[2], weightedSum((1.0 - p) * t))
                try accumulate(counts[3], weightedSum(t))
            }
        }

        /// The score per class, or averaged (0 before any update).
        public override func result() throws -> Tensor {
            try withoutRecording {
                guard counts.count == 4 else { return try Tensor.zeros([], dtype: dtype) }
                let tp = counts[0].value.doubles, fp = counts[1].value.doubles
                let fn = counts[2].value.doubles, support = counts[3].value.doubles
                func noNaN(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
                let b2 = beta * beta
                let scores = tp.indices.map { i -> Double in
                    let precision = noNaN(tp[i], tp[i] + fp[i]), recall = noNaN(tp[i], tp[i] + fn[i])
                    return noNaN(precision * recall, b2 * precision + recall) * (1 + b2)
                }
                switch average {
                case nil: return try Tensor.from(doubles: scores, shape: counts[0].shape, dtype: dtype)
                case "weighted":
                    let total = support.reduce(0, +)
                    let value = zip(scores, support).reduce(0.0) { $0 + $1.0 * noNaN($1.1, total) }
                    return try Tensor.scalar(value, dtype: dtype)
                default:
                    return try Tensor.scalar(scores.reduce(0, +) / Double(scores.count), dtype: dtype)
                }
            }
        }
    }

    /// `keras.metrics.F1Score`: `FBetaScore` with β = 1 (its config has no "beta").
    public final class F1Score: FBetaScore {
        /// Creates the metric (name "f1_score").
        public init(average: String? = nil, threshold: Double? = nil, name: String? = nil, dtype: DType = .floatx) throws {
            try super.init(average: average, beta: 1.0, threshold: threshold, name: name, dtype: dtype)
        }

        /// "F1Score".
        public override class var className: String { "F1Score" }
        override class var defaultName: String { "f1_score" }

        /// Builds the metric from its config ("average", "threshold").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(average: try r.string("average"), threshold: try r.double("threshold"), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// FBetaScore's config without "beta".
        public override func getConfig() throws -> ConfigValue {
            guard case .object(var c) = try super.getConfig() else { return try super.getConfig() }
            c["beta"] = nil
            return .object(c)
        }
    }
}
