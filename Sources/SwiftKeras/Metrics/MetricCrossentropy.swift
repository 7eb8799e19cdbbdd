// The crossentropy metrics (tf.keras 2 `tf_keras/src/metrics/probabilistic_metrics.py`): the
// mean of the loss functions' per-sample values, weighted as every `MeanMetricWrapper`.

extension Metrics {
    /// `keras.metrics.BinaryCrossentropy`: the mean of `binary_crossentropy(y_true, y_pred)`.
    public final class BinaryCrossentropy: MeanMetricWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing towards 0.5.
        public let labelSmoothing: Double

        /// Creates the metric (Keras defaults: probabilities, no smoothing, name "binary_crossentropy").
        public init(name: String = "binary_crossentropy", dtype: DType = .floatx, fromLogits: Bool = false,
                    labelSmoothing: Double = 0) {
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            super.init(name: name, dtype: dtype) {
                try Losses.binaryCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: labelSmoothing)
            }
        }

        /// "BinaryCrossentropy".
        public override class var className: String { "BinaryCrossentropy" }
        /// "binary_crossentropy" too.
        public override class var aliases: [String] { ["binary_crossentropy"] }

        /// Builds the metric from its config ("name", "dtype", "from_logits", "label_smoothing").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            self.init(name: base.name ?? "binary_crossentropy", dtype: base.dtype,
                      fromLogits: try r.bool("from_logits", false), labelSmoothing: try r.double("label_smoothing", 0))
            try r.finish()
        }

        /// The config: "name", "dtype", "from_logits", "label_smoothing".
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["from_logits"] = .bool(fromLogits); c["label_smoothing"] = .double(labelSmoothing)
            return .object(c)
        }
    }

    /// `keras.metrics.CategoricalCrossentropy`: the mean of `categorical_crossentropy(y_true, y_pred)`.
    public final class CategoricalCrossentropy: MeanMetricWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing: targets become `t·(1 − s) + s / classes`.
        public let labelSmoothing: Double
        /// The class axis.
        public let axis: Int

        /// Creates the metric (Keras defaults; name "categorical_crossentropy").
        public init(name: String = "categorical_crossentropy", dtype: DType = .floatx, fromLogits: Bool = false,
                    labelSmoothing: Double = 0, axis: Int = -1) {
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            self.axis = axis
            super.init(name: name, dtype: dtype) {
                try Losses.categoricalCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
            }
        }

        /// "CategoricalCrossentropy".
        public override class var className: String { "CategoricalCrossentropy" }
        /// "categorical_crossentropy" too.
        public override class var aliases: [String] { ["categorical_crossentropy"] }

        /// Builds the metric from its config ("name", "dtype", "from_logits", "label_smoothing", "axis").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            self.init(name: base.name ?? "categorical_crossentropy", dtype: base.dtype,
                      fromLogits: try r.bool("from_logits", false), labelSmoothing: try r.double("label_smoothing", 0),
                      axis: try r.int("axis", -1))
            try r.finish()
        }

        /// The config: "name", "dtype", "from_logits", "label_smoothing", "axis".
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["from_logits"] = .bool(fromLogits); c["label_smoothing"] = .double(labelSmoothing); c["axis"] = .int(axis)
            return .object(c)
        }
    }

    /// `keras.metrics.SparseCategoricalCrossentropy`: the mean of
    /// `sparse_categorical_crossentropy(y_true, y_pred)`; entries labelled `ignoreClass` are
    /// left out of the mean (tf.keras 2 masks them).
    public final class SparseCategoricalCrossentropy: MeanMetricWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// A label to leave out, or nil.
        public let ignoreClass: Int?
        /// The class axis.
        public let axis: Int

        /// Creates the metric (Keras defaults; name "sparse_categorical_crossentropy").
        public init(name: String = "sparse_categorical_crossentropy", dtype: DType = .floatx, fromLogits: Bool = false,
                    ignoreClass: Int? = nil, axis: Int = -1) {
            self.fromLogits = fromLogits
            self.ignoreClass = ignoreClass
            self.axis = axis
            super.init(name: name, dtype: dtype) {
                try Losses.sparseCategoricalCrossentropy($0, $1, fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis)
            }
        }

        /// "SparseCategoricalCrossentropy".
        public override class var className: String { "SparseCategoricalCrossentropy" }
        /// "sparse_categorical_crossentropy" too.
        public override class var aliases: [String] { ["sparse_categorical_crossentropy"] }

        /// Builds the metric from its config ("name", "dtype", "from_logits", "ignore_class", "axis").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            self.init(name: base.name ?? "sparse_categorical_crossentropy", dtype: base.dtype,
                      fromLogits: try r.bool("from_logits", false), ignoreClass: try r.int("ignore_class"),
                      axis: try r.int("axis", -1))
            try r.finish()
        }

        /// The config: "name", "dtype", "from_logits", "ignore_class", "axis".
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["from_logits"] = .bool(fromLogits); c["ignore_class"] = ignoreClass.map { .int($0) } ?? .null
            c["axis"] = .int(axis)
            return .object(c)
        }

        /// Averages the crossentropies, the entries labelled `ignoreClass` weighing 0.
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            let (values, mask) = try withoutRecording {
                try Losses.sparseCategoricalCrossentropyMasked(yTrue, yPred, fromLogits: fromLogits,
                                                               ignoreClass: ignoreClass, axis: axis)
            }
            var weight = sampleWeight
            if let mask {
                let m = try mask.cast(to: dtype)
                if let sw = sampleWeight {
                    let (mm, ww) = try squeezeOrExpandToSameRank(m, sw.cast(to: dtype))
                    weight = try mm * ww
                } else {
                    weight = m
                }
            }
            try update(values: values, sampleWeight: weight)
        }
    }

    /// The sum of values (Keras `keras.metrics.Sum`): state `total`, each update adding
    /// `sum(values · sample_weight)` (the weight broadcast to the values, ranks matched as Keras).
    public final class Sum: Metric, KerasSerializable {
        /// The weighted sum of the values seen.
        public private(set) var total: Variable!

        /// Creates the metric (Keras default name "sum").
        public override init(name: String = "sum", dtype: DType = .floatx) {
            super.init(name: name, dtype: dtype)
            total = addScalarVariable(name: "total")
        }

        /// "Sum".
        public static var className: String { "Sum" }

        /// Builds the metric from its config ("name", "dtype").
        public convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            self.init(name: base.name ?? "sum", dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name" and "dtype".
        public func getConfig() throws -> ConfigValue { .object(baseConfig()) }

        /// Adds `sum(values · sampleWeight)`.
        public func update(values: Tensor, sampleWeight: Tensor? = nil) throws {
            try withoutRecording {
                var v = try values.cast(to: dtype)
                if let sw0 = sampleWeight {
                    let (vv, sw) = try squeezeOrExpandToSameRank(v, sw0.cast(to: dtype))
                    guard let b = try? ShapeMath.broadcast(sw.shape, vv.shape, op: "metric"), b == vv.shape else {
                        throw SwiftKerasError.invalid(
                            "\(name): sample_weight of shape \(formatShape(sw0.shape)) cannot be broadcast to the values of shape \(formatShape(values.shape))")
                    }
                    v = try vv * sw
                }
                try accumulate(total, v.sum())
            }
        }

        /// A `Sum` updated with `(yTrue, yPred)` sums `yPred`, as `Mean` averages it.
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try update(values: yPred, sampleWeight: sampleWeight)
        }

        /// `total`.
        public override func result() throws -> Tensor { total.value(recording: false) }
    }
}
