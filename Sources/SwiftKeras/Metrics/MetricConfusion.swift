import Glibc

// Confusion-matrix metrics (Keras 3 keras/src/metrics/confusion_metrics.py and
// metrics_utils.update_confusion_matrix_variables): Precision, Recall and AUC, with one
// state variable per threshold; a prediction is positive when it is strictly above it.

/// Weighted confusion counts per threshold, shape `(thresholds,)` each.
struct ConfusionCounts {
    var tp: Tensor, fp: Tensor, tn: Tensor, fn: Tensor
}

extension Metric {
    /// Flattened predictions, 0/1 labels and weights, as Keras prepares them: both cast to the
    /// metric dtype, ranks matched, `classId` sliced out, the weights broadcast to the
    /// predictions.
    func confusionInputs(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, classId: Int?)
        throws -> (pred: Tensor, label: Tensor, weight: Tensor) {
        var p = try yPred.cast(to: dtype), t = try yTrue.cast(to: dtype)
        (p, t) = try squeezeOrExpandToSameRank(p, t)
        if p.shape != t.shape {
            throw SwiftKerasError.invalid(
                "\(name): y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        if let classId {
            if p.rank < 2 || classId < 0 || classId >= p.shape[p.rank - 1] {
                throw SwiftKerasError.invalid(
                    "\(name): class_id \(classId) needs y_pred of shape (num_samples, num_classes) with more than \(classId) classes, got shape \(formatShape(p.shape))")
            }
            var begin = [Int](repeating: 0, count: p.rank), size = p.shape
            begin[p.rank - 1] = classId
            size[p.rank - 1] = 1
            p = try p.slice(begin: begin, size: size)
            t = try t.slice(begin: begin, size: size)
        }
        var w = try Tensor.ones(p.shape, dtype: dtype)
        if let sw0 = sampleWeight {
            var sw = try sw0.cast(to: dtype)
            sw = try sw.expandingDims(at: sw.rank)
            (_, sw) = try squeezeOrExpandToSameRank(t, sw, expandRank1: false)
            guard let b = try? ShapeMath.broadcast(sw.shape, p.shape, op: "metric"), b == p.shape else {
                throw SwiftKerasError.invalid(
                    "\(name): sample_weight of shape \(formatShape(sw0.shape)) cannot be broadcast to y_pred of shape \(formatShape(yPred.shape))")
            }
            w = try sw.broadcasted(to: p.shape)
        }
        let label = try t.isNotEqual(to: Scalar.float(0)).cast(to: dtype)
        return (try p.reshaped(to: [p.count]), try label.reshaped(to: [p.count]), try w.reshaped(to: [p.count]))
    }

    /// Confusion counts at each threshold by direct comparison (Keras' general path).
    func confusionCounts(_ pred: Tensor, _ label: Tensor, _ weight: Tensor, thresholds: [Double]) throws -> ConfusionCounts {
        let thr = try Tensor.from(doubles: thresholds, shape: [thresholds.count, 1], dtype: dtype)
        let pos = try pred.reshaped(to: [1, pred.count]).isGreater(than: thr).cast(to: dtype)
        let neg = try 1.0 - pos
        let lw = try (label * weight).reshaped(to: [1, pred.count])
        let nlw = try ((1.0 - label) * weight).reshaped(to: [1, pred.count])
        return ConfusionCounts(tp: try (pos * lw).sum(alongAxes: [1]), fp: try (pos * nlw).sum(alongAxes: [1]),
                               tn: try (neg * nlw).sum(alongAxes: [1]), fn: try (neg * lw).sum(alongAxes: [1]))
    }

    /// Precision's and Recall's update: adds the batch's true positives to `truePositives` and
    /// its `other` counts (false positives or false negatives) to `otherCounts`, per threshold.
    func accumulateRatioCounts(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, classId: Int?,
                               thresholds: [Double], _ truePositives: Variable, _ otherCounts: Variable,
                               _ other: KeyPath<ConfusionCounts, Tensor>) throws {
        try withoutRecording {
            let (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: classId)
            let c = try confusionCounts(p, l, w, thresholds: thresholds)
            try accumulate(truePositives, c.tp)
            try accumulate(otherCounts, c[keyPath: other])
        }
    }

    /// Precision's and Recall's result: `tp / (tp + other)` per threshold (0 where both are 0),
    /// a scalar for one threshold.
    func ratioResult(_ truePositives: Variable, _ otherCounts: Variable, thresholds: [Double]) throws -> Tensor {
        try withoutRecording {
            let tp = truePositives.value
            let r = try kerasDivideNoNaN(tp, tp + otherCounts.value)
            return thresholds.count == 1 ? try r.reshaped(to: []) : r
        }
    }
}

extension Metrics {
    /// Checks thresholds are in [0, 1] (Keras `assert_thresholds_range`).
    static func checkThresholds(_ op: String, _ thresholds: [Double]) throws {
        if thresholds.isEmpty {
            throw SwiftKerasError.invalid("\(op): thresholds must not be empty")
        }
        let bad = thresholds.filter { !($0 >= 0 && $0 <= 1) }
        if !bad.isEmpty {
            throw SwiftKerasError.invalid("\(op): threshold values must be in [0, 1], got \(bad)")
        }
    }

    /// `keras.metrics.Precision`: `tp / (tp + fp)` at each threshold (a scalar for one
    /// threshold, default 0.5), optionally for one class (`classId`).
    public final class Precision: Metric {
        /// The decision thresholds.
        public let thresholds: [Double]
        /// The class to restrict to, or nil for all entries.
        public let classId: Int?
        /// True positives per threshold.
        public private(set) var truePositives: Variable!
        /// False positives per threshold.
        public private(set) var falsePositives: Variable!

        /// Creates the metric (Keras defaults: threshold 0.5, name "precision").
        public init(thresholds: [Double] = [0.5], classId: Int? = nil, name: String = "precision",
                    dtype: DType = .floatx) throws {
            try Metrics.checkThresholds("Precision", thresholds)
            self.thresholds = thresholds
            self.classId = classId
            super.init(name: name, dtype: dtype)
            truePositives = try addVariable(shape: [thresholds.count], name: "true_positives")
            falsePositives = try addVariable(shape: [thresholds.count], name: "false_positives")
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try accumulateRatioCounts(yTrue, yPred, sampleWeight: sampleWeight, classId: classId, thresholds: thresholds,
                                      truePositives, falsePositives, \.fp)
        }

        public override func result() throws -> Tensor {
            try ratioResult(truePositives, falsePositives, thresholds: thresholds)
        }
    }

    /// `keras.metrics.Recall`: `tp / (tp + fn)` at each threshold (a scalar for one threshold,
    /// default 0.5), optionally for one class (`classId`).
    public final class Recall: Metric {
        /// The decision thresholds.
        public let thresholds: [Double]
        /// The class to restrict to, or nil for all entries.
        public let classId: Int?
        /// True positives per threshold.
        public private(set) var truePositives: Variable!
        /// False negatives per threshold.
        public private(set) var falseNegatives: Variable!

        /// Creates the metric (Keras defaults: threshold 0.5, name "recall").
        public init(thresholds: [Double] = [0.5], classId: Int? = nil, name: String = "recall",
                    dtype: DType = .floatx) throws {
            try Metrics.checkThresholds("Recall", thresholds)
            self.thresholds = thresholds
            self.classId = classId
            super.init(name: name, dtype: dtype)
            truePositives = try addVariable(shape: [thresholds.count], name: "true_positives")
            falseNegatives = try addVariable(shape: [thresholds.count], name: "false_negatives")
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try accumulateRatioCounts(yTrue, yPred, sampleWeight: sampleWeight, classId: classId, thresholds: thresholds,
                                      truePositives, falseNegatives, \.fn)
        }

        public override func result() throws -> Tensor {
            try ratioResult(truePositives, falseNegatives, thresholds: thresholds)
        }
    }

    /// `keras.metrics.AUC`: the area under the ROC (or precision-recall) curve, approximated
    /// by a Riemann sum over confusion counts at `numThresholds` thresholds (Keras defaults:
    /// 200 thresholds `[−1e-7, 1/199, ..., 198/199, 1 + 1e-7]`, ROC, interpolation, i.e. the
    /// trapezoid rule). Predictions are clipped to [0, 1] (after a sigmoid when `fromLogits`)
    /// and bucketed as Keras' evenly-spaced fast path does.
    public final class AUC: Metric {
        /// Which curve's area is computed.
        public enum Curve: Sendable { case roc, pr }
        /// How the rectangles' heights are chosen (Keras `summation_method`).
        public enum SummationMethod: Sendable {
            /// Trapezoids for ROC; Davis & Goadrich interpolation for PR.
            case interpolation
            /// The lower of the two ends.
            case minoring
            /// The higher of the two ends.
            case majoring
        }

        /// The thresholds, including the two end points.
        public let thresholds: [Double]
        /// The curve.
        public let curve: Curve
        /// The summation method.
        public let summationMethod: SummationMethod
        /// Whether predictions are logits.
        public let fromLogits: Bool
        let evenlySpaced: Bool
        /// Confusion counts per threshold.
        public private(set) var truePositives: Variable!, falsePositives: Variable!,
                                trueNegatives: Variable!, falseNegatives: Variable!

        /// Creates the metric. `thresholds`, when given, replaces the evenly spaced ones (each
        /// in [0, 1]; −1e-7 and 1 + 1e-7 are added at the ends); `numThresholds` must be > 1.
        public init(numThresholds: Int = 200, curve: Curve = .roc, summationMethod: SummationMethod = .interpolation,
                    thresholds: [Double]? = nil, fromLogits: Bool = false, name: String = "auc",
                    dtype: DType = .floatx) throws {
            if let thresholds {
                try Metrics.checkThresholds("AUC", thresholds)
                self.thresholds = [-kerasEpsilon] + thresholds + [1 + kerasEpsilon]
                evenlySpaced = false
            } else {
                if numThresholds <= 1 {
                    throw SwiftKerasError.invalid("AUC: num_thresholds must be > 1, got \(numThresholds)")
                }
                // num_thresholds comes from the user or a file: its arrays go through the checked path.
                try CheckedAllocation.check(numThresholds, of: Double.self, op: "AUC")
                var all = [Double]()
                all.reserveCapacity(numThresholds)
                all.append(-kerasEpsilon)
                for i in 0..<(numThresholds - 2) { all.append(Double(i + 1) / Double(numThresholds - 1)) }
                all.append(1 + kerasEpsilon)
                self.thresholds = all
                evenlySpaced = numThresholds >= 3
            }
            self.curve = curve
            self.summationMethod = summationMethod
            self.fromLogits = fromLogits
            super.init(name: name, dtype: dtype)
            let n = self.thresholds.count
            truePositives = try addVariable(shape: [n], name: "true_positives")
            falsePositives = try addVariable(shape: [n], name: "false_positives")
            trueNegatives = try addVariable(shape: [n], name: "true_negatives")
            falseNegatives = try addVariable(shape: [n], name: "false_negatives")
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                var (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: nil)
                if fromLogits { p = try sigmoid(p) }
                if try p.isNotEqual(to: p).any().scalarDouble() != 0 {
                    throw SwiftKerasError.invalid("\(name): y_pred of shape \(formatShape(yPred.shape)) contains NaN")
                }
                let c: ConfusionCounts
                if evenlySpaced {
                    // Bucket i holds predictions in (t_i, t_{i+1}]; the counts at threshold i
                    // are the sums of buckets i... (a reversed cumulative sum).
                    let n = thresholds.count
                    let clippedP = try p.clipped(min: Scalar.float(0), max: Scalar.float(1))
                    let bucket = try relu(ceil(clippedP * Double(n - 1)) - 1.0).cast(to: .int32)
                    let lw = try l * w, nlw = try (1.0 - l) * w
                    func reverseCumsum(_ x: Tensor) throws -> Tensor {
                        try x.reversed(alongAxes: [0]).cumulativeSum(alongAxis: 0).reversed(alongAxes: [0])
                    }
                    let tp = try reverseCumsum(unsortedSegmentSum(lw, segmentIDs: bucket, segmentCount: n))
                    let fp = try reverseCumsum(unsortedSegmentSum(nlw, segmentIDs: bucket, segmentCount: n))
                    c = ConfusionCounts(tp: tp, fp: fp, tn: try nlw.sum() - fp, fn: try lw.sum() - tp)
                } else {
                    c = try confusionCounts(p, l, w, thresholds: thresholds)
                }
                try accumulate(truePositives, c.tp)
                try accumulate(falsePositives, c.fp)
                try accumulate(trueNegatives, c.tn)
                try accumulate(falseNegatives, c.fn)
            }
        }

        /// The area under the curve from the accumulated counts.
        public override func result() throws -> Tensor {
            let tp = truePositives.value(recording: false).doubles, fp = falsePositives.value(recording: false).doubles
            let tn = trueNegatives.value(recording: false).doubles, fn = falseNegatives.value(recording: false).doubles
            let n = tp.count
            func dnn(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
            var area = 0.0
            if curve == .pr && summationMethod == .interpolation {
                // Keras' interpolate_pr_auc (Davis & Goadrich 2006).
                for i in 0..<(n - 1) {
                    let dtp = tp[i] - tp[i + 1]
                    let p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1]
                    let slope = dnn(dtp, Swift.max(p0 - p1, 0))
                    let intercept = tp[i + 1] - slope * p1
                    let ratio = (p0 > 0 && p1 > 0) ? dnn(p0, Swift.max(p1, 0)) : 1
                    area += dnn(slope * (dtp + intercept * Glibc.log(ratio)), Swift.max(tp[i + 1] + fn[i + 1], 0))
                }
            } else {
                let recall = (0..<n).map { dnn(tp[$0], tp[$0] + fn[$0]) }
                let x: [Double], y: [Double]
                if curve == .roc {
                    x = (0..<n).map { dnn(fp[$0], fp[$0] + tn[$0]) }
                    y = recall
                } else {
                    x = recall
                    y = (0..<n).map { dnn(tp[$0], tp[$0] + fp[$0]) }
                }
                for i in 0..<(n - 1) {
                    let h: Double
                    switch summationMethod {
                    case .interpolation: h = (y[i] + y[i + 1]) / 2
                    case .minoring: h = Swift.min(y[i], y[i + 1])
                    case .majoring: h = Swift.max(y[i], y[i + 1])
                    }
                    area += (x[i] - x[i + 1]) * h
                }
            }
            return try Tensor.scalar(area, dtype: dtype)
        }
    }
}

// MARK: - Configs

extension Metrics.Precision: KerasSerializable {
    /// "Precision".
    public static var className: String { "Precision" }
    /// "precision" too.
    public static var aliases: [String] { ["precision"] }

    /// The config: "name", "dtype", "thresholds", "class_id", "top_k" (null).
    public func getConfig() throws -> ConfigValue { .object(confusionConfig(thresholds: thresholds, classId: classId)) }

    /// Builds the metric from its config ("thresholds" a number or a list, default 0.5).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let a = try ConfusionArguments(&r)
        try self.init(thresholds: a.thresholds, classId: a.classId, name: a.base.name ?? "precision", dtype: a.base.dtype)
        try r.finish()
    }
}

extension Metrics.Recall: KerasSerializable {
    /// "Recall".
    public static var className: String { "Recall" }
    /// "recall" too.
    public static var aliases: [String] { ["recall"] }

    /// The config: "name", "dtype", "thresholds", "class_id", "top_k" (null).
    public func getConfig() throws -> ConfigValue { .object(confusionConfig(thresholds: thresholds, classId: classId)) }

    /// Builds the metric from its config ("thresholds" a number or a list, default 0.5).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let a = try ConfusionArguments(&r)
        try self.init(thresholds: a.thresholds, classId: a.classId, name: a.base.name ?? "recall", dtype: a.base.dtype)
        try r.finish()
    }
}

extension Metrics.AUC: KerasSerializable {
    /// "AUC".
    public static var className: String { "AUC" }
    /// "auc" too.
    public static var aliases: [String] { ["auc"] }

    /// The config: "name", "dtype", "num_thresholds", "curve", "summation_method",
    /// "from_logits", Keras' "multi_label" (false), "num_labels" and "label_weights" (null), and
    /// "thresholds" when they were given (without the two end points AUC adds).
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["num_thresholds"] = .int(thresholds.count)
        c["curve"] = .string(curve == .roc ? "ROC" : "PR")
        switch summationMethod {
        case .interpolation: c["summation_method"] = .string("interpolation")
        case .minoring: c["summation_method"] = .string("minoring")
        case .majoring: c["summation_method"] = .string("majoring")
        }
        c["from_logits"] = .bool(fromLogits)
        c["multi_label"] = .bool(false)
        c["num_labels"] = .null
        c["label_weights"] = .null
        if !evenlySpaced {
            c["thresholds"] = .array(thresholds.dropFirst().dropLast().map { .double($0) })
        }
        return .object(c)
    }

    /// Builds the metric from its config: "num_thresholds" (> 1, default 200), "curve" ("ROC"
    /// or "PR"), "summation_method" ("interpolation", "minoring", "majoring"), "thresholds",
    /// "from_logits"; "multi_label" only false, "num_labels" and "label_weights" only null.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try MetricBaseArguments(&r)
        try r.onlyFalse("multi_label")
        try r.onlyNull("num_labels")
        try r.onlyNull("label_weights")
        var curve = Curve.roc
        if let c = try r.string("curve") {
            switch c.uppercased() {
            case "ROC": curve = .roc
            case "PR": curve = .pr
            default: throw SwiftKerasError(.invalidArgument, "AUC.from_config: 'curve' must be \"ROC\" or \"PR\", got \"\(c)\"")
            }
        }
        var method = SummationMethod.interpolation
        if let s = try r.string("summation_method") {
            switch s.lowercased() {
            case "interpolation": method = .interpolation
            case "minoring": method = .minoring
            case "majoring": method = .majoring
            default:
                throw SwiftKerasError(.invalidArgument, "AUC.from_config: 'summation_method' must be \"interpolation\", \"minoring\" or \"majoring\", got \"\(s)\"")
            }
        }
        try self.init(numThresholds: try r.int("num_thresholds", 200), curve: curve, summationMethod: method,
                      thresholds: try r.thresholdList("thresholds"), fromLogits: try r.bool("from_logits", false),
                      name: base.name ?? "auc", dtype: base.dtype)
        try r.finish()
    }
}

extension Metric {
    /// The config of Precision and Recall.
    func confusionConfig(thresholds: [Double], classId: Int?) -> [String: ConfigValue] {
        var c = baseConfig()
        c["thresholds"] = thresholds.count == 1 ? .double(thresholds[0]) : .array(thresholds.map { .double($0) })
        c["class_id"] = classId.map { .int($0) } ?? .null
        c["top_k"] = .null
        return c
    }
}

/// The arguments Precision and Recall read from a config.
struct ConfusionArguments {
    let base: MetricBaseArguments
    let thresholds: [Double]
    let classId: Int?

    init(_ r: inout ConfigReader) throws {
        base = try MetricBaseArguments(&r)
        try r.onlyNull("top_k")
        thresholds = try r.thresholdList("thresholds") ?? [0.5]
        classId = try r.int("class_id")
    }
}
