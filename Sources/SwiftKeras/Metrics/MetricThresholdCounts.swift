// Confusion counts at thresholds and the metrics read from them (tf_keras/src/metrics/
// confusion_metrics.py): TruePositives / FalsePositives / TrueNegatives / FalseNegatives, and the
// SensitivitySpecificityBase family (SensitivityAtSpecificity, SpecificityAtSensitivity,
// PrecisionAtRecall, RecallAtPrecision). A prediction is positive when strictly above a threshold.

extension Metrics {
    /// What the four count metrics share (tf.keras `_ConfusionMatrixConditionCount`): one
    /// accumulator per threshold (default 0.5) holding the weighted count of one confusion
    /// condition; the result is a scalar for one threshold, a vector otherwise.
    public class ConfusionConditionCount: Metric {
        /// The decision thresholds.
        public let thresholds: [Double]
        /// The thresholds as given (nil: the default), written back by the config.
        let initThresholds: [Double]?
        private var accumulator: Variable!

        /// A subclass's Keras class name, default name and counted condition.
        typealias Condition = (className: String, name: String, counts: KeyPath<ConfusionCounts, Tensor>)
        /// The subclass's condition (each subclass gives its own).
        class var condition: Condition { ("ConfusionConditionCount", "confusion_condition_count", \.tp) }

        /// Creates the metric (thresholds in [0, 1], default 0.5).
        public init(thresholds: [Double]? = nil, name: String? = nil, dtype: DType = .floatx) throws {
            if let thresholds { try Metrics.checkThresholds(Self.condition.className, thresholds) }
            self.thresholds = thresholds ?? [0.5]
            initThresholds = thresholds
            super.init(name: name ?? Self.condition.name, dtype: dtype)
            accumulator = try addVariable(shape: [self.thresholds.count], name: "accumulator")
        }

        /// Builds the metric from its config ("thresholds": null, a number or a list).
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.condition.className)
            let base = try MetricBaseArguments(&r)
            try self.init(thresholds: try r.thresholdList("thresholds"), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", "thresholds" (as given: null, or the list).
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["thresholds"] = initThresholds.map { ts in ts.count == 1 ? .double(ts[0]) : .array(ts.map { .double($0) }) } ?? .null
            return .object(c)
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: nil)
                let c = try confusionCounts(p, l, w, thresholds: thresholds)
                try accumulate(accumulator, c[keyPath: Self.condition.counts])
            }
        }

        public override func result() throws -> Tensor {
            try withoutRecording { thresholds.count == 1 ? try accumulator.value.reshaped(to: []) : accumulator.value }
        }
    }

    /// `keras.metrics.TruePositives`: the weighted number of positives predicted positive.
    public final class TruePositives: ConfusionConditionCount { override class var condition: Condition { ("TruePositives", "true_positives", \.tp) } }

    /// `keras.metrics.FalsePositives`: the weighted number of negatives predicted positive.
    public final class FalsePositives: ConfusionConditionCount { override class var condition: Condition { ("FalsePositives", "false_positives", \.fp) } }

    /// `keras.metrics.TrueNegatives`: the weighted number of negatives predicted negative.
    public final class TrueNegatives: ConfusionConditionCount { override class var condition: Condition { ("TrueNegatives", "true_negatives", \.tn) } }

    /// `keras.metrics.FalseNegatives`: the weighted number of positives predicted negative.
    public final class FalseNegatives: ConfusionConditionCount { override class var condition: Condition { ("FalseNegatives", "false_negatives", \.fn) } }

    /// What the four "X at Y" metrics share (tf.keras `SensitivitySpecificityBase`): confusion
    /// counts at `numThresholds` thresholds (`[0, 1/(n-1), ..., 1]`, or `[0.5]` for one), and
    /// the result "the largest dependent ratio among the thresholds whose constrained ratio is
    /// at least `value`" (0 when none is). Each subclass names its ratios and its value's key.
    public class ConstrainedRatioMetric: Metric {
        /// The required value of the constrained ratio (in [0, 1]).
        public let value: Double
        /// The number of thresholds.
        public let numThresholds: Int
        /// The class to restrict to, or nil for all entries.
        public let classId: Int?
        /// The thresholds.
        public let thresholds: [Double]
        private var counts: [Variable] = []

        /// A subclass's Keras class name, the config key of `value`, and its two ratios of the
        /// counts (the constrained one, then the one maximised).
        typealias Ratios = (className: String, valueKey: String, constrained: KeyPath<ConfusionRatios, [Double]>,
                            dependent: KeyPath<ConfusionRatios, [Double]>)
        /// The subclass's ratios (each subclass gives its own).
        class var ratios: Ratios { ("ConstrainedRatioMetric", "value", \.recall, \.precision) }

        /// Creates the metric (Keras defaults: 200 thresholds; the name is the class's snake-case name).
        public init(_ value: Double, numThresholds: Int = 200, classId: Int? = nil, name: String? = nil,
                    dtype: DType = .floatx) throws {
            let cls = Self.ratios.className
            if !(value >= 0 && value <= 1) {
                throw SwiftKerasError.invalid("\(cls): argument `\(Self.ratios.valueKey)` must be in the range [0, 1], got \(value)")
            }
            if numThresholds <= 0 {
                throw SwiftKerasError.invalid("\(cls): argument `num_thresholds` must be an integer > 0, got \(numThresholds)")
            }
            self.value = value
            self.numThresholds = numThresholds
            self.classId = classId
            if numThresholds == 1 {
                thresholds = [0.5]
            } else {
                thresholds = [0.0] + (0..<(numThresholds - 2)).map { Double($0 + 1) / Double(numThresholds - 1) } + [1.0]
            }
            super.init(name: name ?? Layer.snakeCase(cls), dtype: dtype)
            for n in ["true_positives", "true_negatives", "false_positives", "false_negatives"] {
                counts.append(try addVariable(shape: [numThresholds], name: n))
            }
        }

        /// Builds the metric from its config (the value's key, "num_thresholds", "class_id").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.ratios.className)
            let base = try MetricBaseArguments(&r)
            try self.init(try r.requiredDouble(Self.ratios.valueKey), numThresholds: try r.int("num_thresholds", 200),
                          classId: try r.int("class_id"), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", the value's key, "num_thresholds", "class_id".
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c[Self.ratios.valueKey] = .double(value)
            c["num_thresholds"] = .int(numThresholds)
            c["class_id"] = classId.map { .int($0) } ?? .null
            return .object(c)
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: classId)
                let c = try confusionCounts(p, l, w, thresholds: thresholds)
                for (v, d) in zip(counts, [c.tp, c.tn, c.fp, c.fn]) { try accumulate(v, d) }
            }
        }

        public override func result() throws -> Tensor {
            try withoutRecording {
                let v = counts.map(\.value.doubles)
                let r = ConfusionRatios(tp: v[0], tn: v[1], fp: v[2], fn: v[3])
                let constrained = r[keyPath: Self.ratios.constrained], dependent = r[keyPath: Self.ratios.dependent]
                var best: Double? = nil
                for i in constrained.indices where constrained[i] >= value {
                    best = Swift.max(best ?? -Double.infinity, dependent[i])
                }
                return try Tensor.scalar(best ?? 0, dtype: dtype)
            }
        }
    }

    /// Ratios of confusion counts per threshold, each `a / b` read as 0 when `b` is 0.
    public struct ConfusionRatios {
        let tp: [Double], tn: [Double], fp: [Double], fn: [Double]

        private static func ratio(_ a: [Double], _ b: [Double]) -> [Double] {
            zip(a, b).map { $1 == 0 ? 0 : $0 / $1 }
        }
        /// `tp / (tp + fn)` (sensitivity).
        var recall: [Double] { Self.ratio(tp, zip(tp, fn).map(+)) }
        /// `tp / (tp + fp)`.
        var precision: [Double] { Self.ratio(tp, zip(tp, fp).map(+)) }
        /// `tn / (tn + fp)`.
        var specificity: [Double] { Self.ratio(tn, zip(tn, fp).map(+)) }
    }

    /// `keras.metrics.SensitivityAtSpecificity(specificity)`: the best recall where the
    /// specificity is at least `specificity`.
    public final class SensitivityAtSpecificity: ConstrainedRatioMetric { override class var ratios: Ratios { ("SensitivityAtSpecificity", "specificity", \.specificity, \.recall) } }

    /// `keras.metrics.SpecificityAtSensitivity(sensitivity)`: the best specificity where the
    /// recall is at least `sensitivity`.
    public final class SpecificityAtSensitivity: ConstrainedRatioMetric { override class var ratios: Ratios { ("SpecificityAtSensitivity", "sensitivity", \.recall, \.specificity) } }

    /// `keras.metrics.PrecisionAtRecall(recall)`: the best precision where the recall is at
    /// least `recall`.
    public final class PrecisionAtRecall: ConstrainedRatioMetric { override class var ratios: Ratios { ("PrecisionAtRecall", "recall", \.recall, \.precision) } }

    /// `keras.metrics.RecallAtPrecision(precision)`: the best recall where the precision is at
    /// least `precision`.
    public final class RecallAtPrecision: ConstrainedRatioMetric { override class var ratios: Ratios { ("RecallAtPrecision", "precision", \.precision, \.recall) } }
}

extension Metrics.ConfusionConditionCount: KerasSerializable {
    /// The Keras class name.
    public static var className: String { condition.className }
    /// The default name.
    public static var aliases: [String] { [condition.name] }
}

extension Metrics.ConstrainedRatioMetric: KerasSerializable {
    /// The Keras class name.
    public static var className: String { ratios.className }
}
