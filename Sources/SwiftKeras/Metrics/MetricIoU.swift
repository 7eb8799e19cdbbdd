// Intersection-over-union metrics (tf_keras/src/metrics/iou_metrics.py): a weighted confusion
// matrix of class ids accumulated over batches; IoU, MeanIoU and BinaryIoU read it.

extension Metrics {
    /// `keras.metrics.IoU`: `tp / (tp + fp + fn)` per class from a `(numClasses, numClasses)`
    /// confusion matrix (rows: true class, columns: predicted class), averaged over
    /// `targetClassIds` among the classes whose denominator is not 0. Labels and predictions
    /// are class ids (`sparseYTrue` / `sparseYPred`) or scores whose argmax along `axis` is
    /// taken; entries whose label is `ignoreClass` are skipped; ids outside `0..<numClasses` throw.
    public class IoU: Metric, KerasSerializable {
        /// The number of classes (the confusion matrix's size).
        public let numClasses: Int
        /// The classes whose IoUs are averaged.
        public let targetClassIds: [Int]
        /// A label id to skip, or nil.
        public let ignoreClass: Int?
        /// Whether labels are class ids (false: the argmax along `axis`).
        public let sparseYTrue: Bool
        /// Whether predictions are class ids (false: the argmax along `axis`).
        public let sparseYPred: Bool
        /// The axis of the scores when a side is not sparse.
        public let axis: Int
        private var totalCM: Variable!

        /// Creates the metric (Keras defaults: sparse labels and predictions, axis -1, name "io_u").
        public init(numClasses: Int, targetClassIds: [Int], name: String? = nil, dtype: DType = .floatx,
                    ignoreClass: Int? = nil, sparseYTrue: Bool = true, sparseYPred: Bool = true, axis: Int = -1) throws {
            let cls = Self.className
            if numClasses < 1 { throw SwiftKerasError.invalid("\(cls): num_classes must be positive, got \(numClasses)") }
            if let bad = targetClassIds.first(where: { $0 < 0 || $0 >= numClasses }) {
                throw SwiftKerasError.invalid("\(cls): target_class_ids must be in [0, \(numClasses)), got \(bad)")
            }
            if targetClassIds.isEmpty { throw SwiftKerasError.invalid("\(cls): target_class_ids must not be empty") }
            let (cells, overflow) = numClasses.multipliedReportingOverflow(by: numClasses)
            if overflow || cells > 1 << 28 {
                throw SwiftKerasError.invalid("\(cls): num_classes \(numClasses) makes a confusion matrix too large")
            }
            (self.numClasses, self.targetClassIds, self.ignoreClass) = (numClasses, targetClassIds, ignoreClass)
            (self.sparseYTrue, self.sparseYPred, self.axis) = (sparseYTrue, sparseYPred, axis)
            super.init(name: name ?? Layer.snakeCase(cls), dtype: dtype)
            totalCM = try addVariable(shape: [numClasses, numClasses], name: "total_confusion_matrix")
        }

        /// "IoU".
        public class var className: String { "IoU" }

        /// Builds the metric from its config ("num_classes", "target_class_ids", "ignore_class",
        /// "sparse_y_true", "sparse_y_pred", "axis").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(numClasses: try r.requiredInt("num_classes"), targetClassIds: try r.requiredInts("target_class_ids"),
                          name: base.name, dtype: base.dtype, ignoreClass: try r.int("ignore_class"),
                          sparseYTrue: try r.bool("sparse_y_true", true), sparseYPred: try r.bool("sparse_y_pred", true),
                          axis: try r.int("axis", -1))
            try r.finish()
        }

        /// The config: "name", "dtype", "num_classes", "target_class_ids", "ignore_class",
        /// "sparse_y_true", "sparse_y_pred", "axis".
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["num_classes"] = .int(numClasses)
            c["target_class_ids"] = .array(targetClassIds.map { .int($0) })
            c["ignore_class"] = ignoreClass.map { .int($0) } ?? .null
            c["sparse_y_true"] = .bool(sparseYTrue)
            c["sparse_y_pred"] = .bool(sparseYPred)
            c["axis"] = .int(axis)
            return .object(c)
        }

        /// The class ids of predictions before counting (BinaryIoU thresholds them).
        func predictedIds(_ yPred: Tensor) throws -> Tensor { yPred }

        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording {
                let t = sparseYTrue ? yTrue : try yTrue.argmax(alongAxis: axis)
                let p = try predictedIds(sparseYPred ? yPred : try yPred.argmax(alongAxis: axis))
                let labels = t.doubles, preds = p.doubles
                if labels.count != preds.count {
                    throw SwiftKerasError.invalid("\(name): y_true of shape \(formatShape(yTrue.shape)) and y_pred of shape \(formatShape(yPred.shape)) have different numbers of entries")
                }
                var weights = [Double](repeating: 1, count: labels.count)
                if let sw = sampleWeight {
                    let w = sw.doubles
                    if w.count == labels.count { weights = w }
                    else if w.count == 1 { weights = [Double](repeating: w[0], count: labels.count) }
                    else {
                        throw SwiftKerasError.invalid("\(name): sample_weight of shape \(formatShape(sw.shape)) does not match y_true's \(labels.count) entries")
                    }
                }
                var cm = [Double](repeating: 0, count: numClasses * numClasses)
                for i in labels.indices {
                    if let ignoreClass, labels[i] == Double(ignoreClass) { continue }
                    let l = labels[i].rounded(.towardZero), q = preds[i].rounded(.towardZero)
                    guard l >= 0, l < Double(numClasses), q >= 0, q < Double(numClasses) else {
                        throw SwiftKerasError.invalid("\(name): class ids must be in [0, \(numClasses)), got label \(labels[i]) and prediction \(preds[i])")
                    }
                    cm[Int(l) * numClasses + Int(q)] += weights[i]
                }
                try accumulate(totalCM, try Tensor.from(doubles: cm, shape: [numClasses, numClasses], dtype: dtype))
            }
        }

        /// The mean IoU of the target classes with a non-zero denominator (0 when none has one).
        public override func result() throws -> Tensor {
            try withoutRecording {
                let cm = totalCM.value.doubles, n = numClasses
                var sum = 0.0, valid = 0.0
                for c in targetClassIds {
                    let tp = cm[c * n + c]
                    let row = (0..<n).reduce(0.0) { $0 + cm[c * n + $1] }
                    let col = (0..<n).reduce(0.0) { $0 + cm[$1 * n + c] }
                    let denominator = row + col - tp
                    if denominator != 0 {
                        sum += tp / denominator
                        valid += 1
                    }
                }
                return try Tensor.scalar(valid == 0 ? 0 : sum / valid, dtype: dtype)
            }
        }
    }

    /// `keras.metrics.MeanIoU(num_classes)`: the IoU averaged over every class.
    public final class MeanIoU: IoU {
        /// Creates the metric (name "mean_io_u").
        public init(numClasses: Int, name: String? = nil, dtype: DType = .floatx, ignoreClass: Int? = nil,
                    sparseYTrue: Bool = true, sparseYPred: Bool = true, axis: Int = -1) throws {
            try super.init(numClasses: numClasses, targetClassIds: Array(0..<Swift.max(numClasses, 0)), name: name,
                           dtype: dtype, ignoreClass: ignoreClass, sparseYTrue: sparseYTrue, sparseYPred: sparseYPred, axis: axis)
        }

        /// "MeanIoU".
        public override class var className: String { "MeanIoU" }

        /// Builds the metric from its config (IoU's keys without "target_class_ids").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(numClasses: try r.requiredInt("num_classes"), name: base.name, dtype: base.dtype,
                          ignoreClass: try r.int("ignore_class"), sparseYTrue: try r.bool("sparse_y_true", true),
                          sparseYPred: try r.bool("sparse_y_pred", true), axis: try r.int("axis", -1))
            try r.finish()
        }

        /// IoU's config without "target_class_ids".
        public override func getConfig() throws -> ConfigValue {
            guard case .object(var c) = try super.getConfig() else { return try super.getConfig() }
            c["target_class_ids"] = nil
            return .object(c)
        }
    }

    /// `keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.5)`: the IoU of two
    /// classes, a prediction being class 1 when at least `threshold`.
    public final class BinaryIoU: IoU {
        /// The decision threshold.
        public let threshold: Double

        /// Creates the metric (name "binary_io_u").
        public init(targetClassIds: [Int] = [0, 1], threshold: Double = 0.5, name: String? = nil, dtype: DType = .floatx) throws {
            self.threshold = threshold
            try super.init(numClasses: 2, targetClassIds: targetClassIds, name: name, dtype: dtype)
        }

        /// "BinaryIoU".
        public override class var className: String { "BinaryIoU" }

        /// Builds the metric from its config ("target_class_ids", "threshold").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(targetClassIds: try r.ints("target_class_ids") ?? [0, 1], threshold: try r.double("threshold", 0.5),
                          name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", "target_class_ids", "threshold".
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["target_class_ids"] = .array(targetClassIds.map { .int($0) })
            c["threshold"] = .double(threshold)
            return .object(c)
        }

        override func predictedIds(_ yPred: Tensor) throws -> Tensor {
            try yPred.cast(to: dtype).isGreaterOrEqual(to: Scalar.float(threshold)).cast(to: dtype)
        }
    }
}
