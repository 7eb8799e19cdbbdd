import Glibc

// Confusion-matrix metrics (Keras 3 keras/src/metrics/confusion_metrics.py and
// metrics_utils.update_confusion_matrix_variables): Precision, Recall and AUC, with one
// state variable per threshold; a prediction is positive when it is strictly above it.

/// tf.keras' `NEG_INF`: the score given to entries outside the top k, and the default threshold with `top_k`.
let kerasNegativeInfinity = -1e10

/// Weighted confusion counts per threshold, shape `(thresholds,)` each.
struct ConfusionCounts {
    var tp: Tensor, fp: Tensor, tn: Tensor, fn: Tensor
}

extension Metric {
    /// Flattened predictions, 0/1 labels and weights, as Keras prepares them: both cast to the
    /// metric dtype, ranks matched, `classId` sliced out, the weights broadcast to the
    /// predictions.
    func confusionInputs(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, classId: Int?, topK: Int? = nil)
        throws -> (pred: Tensor, label: Tensor, weight: Tensor) {
        var p = try yPred.cast(to: dtype), t = try yTrue.cast(to: dtype)
        (p, t) = try squeezeOrExpandToSameRank(p, t)
        if p.shape != t.shape {
            throw SwiftKerasError.invalid(
                "\(name): y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        if let topK { p = try keepingTopK(p, topK) }
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

    /// `p` with every score outside the `k` highest of its row (last axis) replaced by −1e10
    /// (tf.keras `_filter_top_k`; among equal scores the lower index ranks first).
    func keepingTopK(_ p: Tensor, _ k: Int) throws -> Tensor {
        guard p.rank >= 1, let n = p.shape.last, n > 0 else { return p }
        var values = p.doubles
        for row in stride(from: 0, to: values.count, by: n) {
            let order = (0..<n).sorted { values[row + $0] > values[row + $1] || (values[row + $0] == values[row + $1] && $0 < $1) }
            for j in order.dropFirst(k) { values[row + j] = kerasNegativeInfinity }
        }
        return try Tensor.from(doubles: values, shape: p.shape, dtype: p.dtype)
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

    /// What Precision and Recall share (Keras `Precision`, `Recall`): true positives and one other
    /// count (false positives or false negatives) per threshold, the result `tp / (tp + other)`
    /// (a scalar for one threshold). With `topK`, only the k highest scores of each row count
    /// as predicted (the others become −1e10, as tf.keras' `_filter_top_k`; ties go to the lower
    /// index) and the default threshold is −1e10 instead of 0.5; `classId` then picks one class.
    public class ConfusionRatioMetric: Metric {
        /// The decision thresholds.
        public let thresholds: [Double]
        /// How many top scores of a row count as predicted, or nil for all.
        public let topK: Int?
        /// The class to restrict to, or nil for all entries.
        public let classId: Int?
        /// True positives per threshold.
        public private(set) var truePositives: Variable!
        /// The other count per threshold: false positives (Precision) or false negatives (Recall).
        public private(set) var otherCounts: Variable!

        /// The Keras class name, the default name, the other count's variable name and where it
        /// is in `ConfusionCounts`; each subclass gives its own.
        class var ratio: (className: String, name: String, other: String, counts: KeyPath<ConfusionCounts, Tensor>) {
            ("ConfusionRatioMetric", "confusion_ratio", "false_positives", \.fp)
        }

        /// Creates the metric (Keras defaults: threshold 0.5, or −1e10 with `topK`; thresholds
        /// given must lie in [0, 1]; `topK` >= 1).
        public init(thresholds: [Double]? = nil, topK: Int? = nil, classId: Int? = nil, name: String? = nil,
                    dtype: DType = .floatx) throws {
            let cls = Self.ratio.className
            if let thresholds { try Metrics.checkThresholds(cls, thresholds) }
            if let topK, topK < 1 { throw SwiftKerasError.invalid("\(cls): top_k must be at least 1, got \(topK)") }
            self.thresholds = thresholds ?? [topK == nil ? 0.5 : kerasNegativeInfinity]
            self.topK = topK
            self.classId = classId
            super.init(name: name ?? Self.ratio.name, dtype: dtype)
            truePositives = try addVariable(shape: [self.thresholds.count], name: "true_positives")
            otherCounts = try addVariable(shape: [self.thresholds.count], name: Self.ratio.other)
        }

        /// Builds the metric from its config ("thresholds" a number or a list, default 0.5 — or
        /// −1e10 with "top_k"; "top_k", "class_id" integers or null).
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.ratio.className)
            let base = try MetricBaseArguments(&r)
            let topK = try r.int("top_k")
            var thresholds = try r.thresholdList("thresholds")
            if topK != nil, thresholds == [kerasNegativeInfinity] { thresholds = nil }   // the default, written back
            try self.init(thresholds: thresholds, topK: topK, classId: try r.int("class_id"), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: classId, topK: topK)
                let c = try confusionCounts(p, l, w, thresholds: thresholds)
                try accumulate(truePositives, c.tp)
                try accumulate(otherCounts, c[keyPath: Self.ratio.counts])
            }
        }

        public override func result() throws -> Tensor {
            try withoutRecording {
                let tp = truePositives.value
                let r = try kerasDivideNoNaN(tp, tp + otherCounts.value)
                return thresholds.count == 1 ? try r.reshaped(to: []) : r
            }
        }
    }

    /// `keras.metrics.Precision`: `tp / (tp + fp)` at each threshold (a scalar for one
    /// threshold, default 0.5), optionally among the top k scores and for one class.
    public final class Precision: ConfusionRatioMetric {
        override class var ratio: (className: String, name: String, other: String, counts: KeyPath<ConfusionCounts, Tensor>) {
            ("Precision", "precision", "false_positives", \.fp)
        }
        /// False positives per threshold.
        public var falsePositives: Variable! { otherCounts }
    }

    /// `keras.metrics.Recall`: `tp / (tp + fn)` at each threshold (a scalar for one threshold,
    /// default 0.5), optionally among the top k scores and for one class.
    public final class Recall: ConfusionRatioMetric {
        override class var ratio: (className: String, name: String, other: String, counts: KeyPath<ConfusionCounts, Tensor>) {
            ("Recall", "recall", "false_negatives", \.fn)
        }
        /// False negatives per threshold.
        public var falseNegatives: Variable! { otherCounts }
    }

    /// `keras.metrics.AUC`: the area under the ROC (or precision-recall) curve, approximated
    /// by a Riemann sum over confusion counts at `numThresholds` thresholds (Keras defaults:
    /// 200 thresholds `[−1e-7, 1/199, ..., 198/199, 1 + 1e-7]`, ROC, interpolation, i.e. the
    /// trapezoid rule). Predictions are clipped to [0, 1] (after a sigmoid when `fromLogits`)
    /// and bucketed as Keras' evenly-spaced fast path does. With `multiLabel` the counts are kept
    /// per label (the last axis of `(samples, labels)` predictions) and the result is the mean
    /// of the labels' areas, weighted by `labelWeights` when given; without it, `labelWeights`
    /// weigh the entries of each label in the pooled counts (tf.keras 2).
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
        /// Whether each label keeps its own counts (Keras `multi_label`).
        public let multiLabel: Bool
        /// The number of labels with `multiLabel` (given, or taken from the first update).
        public private(set) var numLabels: Int?
        /// Non-negative weights of the labels (Keras `label_weights`), or nil.
        public let labelWeights: [Double]?
        let evenlySpaced: Bool
        /// Confusion counts per threshold (`(thresholds, labels)` with `multiLabel`).
        public private(set) var truePositives: Variable!, falsePositives: Variable!,
                                trueNegatives: Variable!, falseNegatives: Variable!

        /// Creates the metric. `thresholds`, when given, replaces the evenly spaced ones (each
        /// in [0, 1]; −1e-7 and 1 + 1e-7 are added at the ends); `numThresholds` must be > 1.
        public init(numThresholds: Int = 200, curve: Curve = .roc, summationMethod: SummationMethod = .interpolation,
                    thresholds: [Double]? = nil, multiLabel: Bool = false, numLabels: Int? = nil,
                    labelWeights: [Double]? = nil, fromLogits: Bool = false, name: String = "auc",
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
            if let labelWeights, labelWeights.contains(where: { !($0 >= 0) }) {
                throw SwiftKerasError.invalid("AUC: all values of `label_weights` must be non-negative, got \(labelWeights)")
            }
            if let numLabels, numLabels < 1 { throw SwiftKerasError.invalid("AUC: num_labels must be at least 1, got \(numLabels)") }
            if let numLabels, let labelWeights, labelWeights.count != numLabels {
                throw SwiftKerasError.invalid("AUC: label_weights has \(labelWeights.count) values for num_labels=\(numLabels)")
            }
            self.curve = curve
            self.summationMethod = summationMethod
            self.fromLogits = fromLogits
            self.multiLabel = multiLabel
            self.numLabels = multiLabel ? numLabels : nil
            self.labelWeights = labelWeights
            super.init(name: name, dtype: dtype)
            if !multiLabel { try buildCounts([self.thresholds.count]) }
            else if let numLabels { try buildCounts([self.thresholds.count, numLabels]) }
        }

        private func buildCounts(_ shape: [Int]) throws {
            truePositives = try addVariable(shape: shape, name: "true_positives")
            falsePositives = try addVariable(shape: shape, name: "false_positives")
            trueNegatives = try addVariable(shape: shape, name: "true_negatives")
            falseNegatives = try addVariable(shape: shape, name: "false_negatives")
        }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                var (p, l, w) = try confusionInputs(yTrue, yPred, sampleWeight: sampleWeight, classId: nil)
                let labels = multiLabel || labelWeights != nil ? try labelCount(yTrue, yPred) : 1
                if fromLogits { p = try sigmoid(p) }
                if try p.isNotEqual(to: p).any().scalarDouble() != 0 {
                    throw SwiftKerasError.invalid("\(name): y_pred of shape \(formatShape(yPred.shape)) contains NaN")
                }
                if !multiLabel, let labelWeights {
                    let lw = try Tensor.from(doubles: labelWeights, shape: [1, labels], dtype: dtype)
                    w = try (w.reshaped(to: [w.count / labels, labels]) * lw).reshaped(to: [w.count])
                }
                let c: ConfusionCounts
                if multiLabel {
                    if truePositives == nil { numLabels = labels; try buildCounts([thresholds.count, labels]) }
                    c = try multiLabelCounts(p, l, w, labels: labels)
                } else if evenlySpaced {
                    c = try bucketedCounts(p, l, w)
                } else {
                    c = try confusionCounts(p, l, w, thresholds: thresholds)
                }
                try accumulate(truePositives, c.tp)
                try accumulate(falsePositives, c.fp)
                try accumulate(trueNegatives, c.tn)
                try accumulate(falseNegatives, c.fn)
            }
        }

        /// The labels (last axis) of predictions of shape `(samples, labels)`, checked against
        /// `numLabels` and `labelWeights`.
        private func labelCount(_ yTrue: Tensor, _ yPred: Tensor) throws -> Int {
            let expected = numLabels ?? labelWeights?.count
            guard yPred.rank == 2, expected == nil || yPred.shape[1] == expected else {
                throw SwiftKerasError.invalid(
                    "\(name): multi_label / label_weights need y_pred of shape (samples, \(expected.map(String.init) ?? "labels")), got \(formatShape(yPred.shape))")
            }
            return yPred.shape[1]
        }

        /// Counts per threshold and label (`(thresholds, labels)`) by direct comparison.
        private func multiLabelCounts(_ p: Tensor, _ l: Tensor, _ w: Tensor, labels: Int) throws -> ConfusionCounts {
            let n = p.count / labels
            let thr = try Tensor.from(doubles: thresholds, shape: [thresholds.count, 1, 1], dtype: dtype)
            let pos = try p.reshaped(to: [1, n, labels]).isGreater(than: thr).cast(to: dtype)
            let neg = try 1.0 - pos
            let lw = try (l * w).reshaped(to: [1, n, labels]), nlw = try ((1.0 - l) * w).reshaped(to: [1, n, labels])
            return ConfusionCounts(tp: try (pos * lw).sum(alongAxes: [1]), fp: try (pos * nlw).sum(alongAxes: [1]),
                                   tn: try (neg * nlw).sum(alongAxes: [1]), fn: try (neg * lw).sum(alongAxes: [1]))
        }

        /// Keras' evenly-spaced fast path: bucket i holds predictions in (t_i, t_{i+1}]; the counts
        /// at threshold i are the sums of buckets i... (a reversed cumulative sum).
        private func bucketedCounts(_ p: Tensor, _ l: Tensor, _ w: Tensor) throws -> ConfusionCounts {
            let n = thresholds.count
            let clippedP = try p.clipped(min: Scalar.float(0), max: Scalar.float(1))
            let bucket = try relu(ceil(clippedP * Double(n - 1)) - 1.0).cast(to: .int32)
            let lw = try l * w, nlw = try (1.0 - l) * w
            func reverseCumsum(_ x: Tensor) throws -> Tensor {
                try x.reversed(alongAxes: [0]).cumulativeSum(alongAxis: 0).reversed(alongAxes: [0])
            }
            let tp = try reverseCumsum(unsortedSegmentSum(lw, segmentIDs: bucket, segmentCount: n))
            let fp = try reverseCumsum(unsortedSegmentSum(nlw, segmentIDs: bucket, segmentCount: n))
            return ConfusionCounts(tp: tp, fp: fp, tn: try nlw.sum() - fp, fn: try lw.sum() - tp)
        }

        /// The area under the curve from the accumulated counts (0 before any multi-label update).
        public override func result() throws -> Tensor {
            guard let truePositives else { return try Tensor.scalar(0, dtype: dtype) }
            let labels = multiLabel ? (numLabels ?? 1) : 1
            let tp = truePositives.value(recording: false).doubles, fp = falsePositives.value(recording: false).doubles
            let tn = trueNegatives.value(recording: false).doubles, fn = falseNegatives.value(recording: false).doubles
            let areas = (0..<labels).map { j -> Double in
                let column = { (a: [Double]) in stride(from: j, to: a.count, by: labels).map { a[$0] } }
                return area(column(tp), column(fp), column(tn), column(fn))
            }
            if !multiLabel { return try Tensor.scalar(areas[0], dtype: dtype) }
            guard let lw = labelWeights else { return try Tensor.scalar(areas.reduce(0, +) / Double(labels), dtype: dtype) }
            let total = lw.reduce(0, +)
            let weighted = zip(areas, lw).map { $0 * $1 }.reduce(0, +)
            return try Tensor.scalar(total == 0 ? 0 : weighted / total, dtype: dtype)
        }

        /// The area of one label's curve from its counts per threshold.
        private func area(_ tp: [Double], _ fp: [Double], _ tn: [Double], _ fn: [Double]) -> Double {
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
                return area
            }
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
            return area
        }
    }
}

// MARK: - Configs

extension Metrics.ConfusionRatioMetric: KerasSerializable {
    /// "Precision" or "Recall".
    public static var className: String { ratio.className }
    /// "precision" or "recall" too.
    public static var aliases: [String] { [ratio.name] }

    /// The config: "name", "dtype", "thresholds", "top_k", "class_id".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["thresholds"] = thresholds.count == 1 ? .double(thresholds[0]) : .array(thresholds.map { .double($0) })
        c["top_k"] = topK.map { .int($0) } ?? .null
        c["class_id"] = classId.map { .int($0) } ?? .null
        return .object(c)
    }

}

extension Metrics.AUC: KerasSerializable {
    /// "AUC".
    public static var className: String { "AUC" }
    /// "auc" too.
    public static var aliases: [String] { ["auc"] }

    /// The config: "name", "dtype", "num_thresholds", "curve", "summation_method",
    /// "from_logits", "multi_label", "num_labels", "label_weights", and
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
        c["multi_label"] = .bool(multiLabel)
        c["num_labels"] = numLabels.map { .int($0) } ?? .null
        c["label_weights"] = labelWeights.map { .array($0.map { .double($0) }) } ?? .null
        if !evenlySpaced {
            c["thresholds"] = .array(thresholds.dropFirst().dropLast().map { .double($0) })
        }
        return .object(c)
    }

    /// Builds the metric from its config: "num_thresholds" (> 1, default 200), "curve" ("ROC"
    /// or "PR"), "summation_method" ("interpolation", "minoring", "majoring"), "thresholds",
    /// "from_logits", "multi_label", "num_labels", "label_weights" (a list of numbers or null).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try MetricBaseArguments(&r)
        let multiLabel = try r.bool("multi_label", false), numLabels = try r.int("num_labels")
        let labelWeights = try r.thresholdList("label_weights")
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
                      thresholds: try r.thresholdList("thresholds"), multiLabel: multiLabel, numLabels: numLabels,
                      labelWeights: labelWeights, fromLogits: try r.bool("from_logits", false),
                      name: base.name ?? "auc", dtype: base.dtype)
        try r.finish()
    }
}
