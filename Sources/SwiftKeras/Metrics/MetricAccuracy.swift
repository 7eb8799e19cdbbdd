// Accuracy metrics (Keras 3 keras/src/metrics/accuracy_metrics.py): per-sample match values
// averaged by `Metrics.MeanMetricWrapper`.

extension Metrics {
    /// Checks that labels of shape `t` and scores of shape `p` have the same leading shape.
    static func requireLeading(_ op: String, _ t: [Int], _ p: [Int], labelRank: Int) throws {
        if labelRank != t.count || p.isEmpty || Array(t.prefix(p.count - 1)) != Array(p.dropLast()) || t.count != p.count - 1 {
            throw SwiftKerasError.invalid(
                "\(op): y_true of shape \(formatShape(t)) does not match y_pred of shape \(formatShape(p))")
        }
    }

    /// 1 where `yTrue == yPred`, averaged over the last axis (Keras 3's `accuracy` function;
    /// tf.keras 2 has no public one).
    public static func accuracy(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        try exactMatches(yTrue, yPred).mean(alongAxes: [-1])
    }

    /// 1 where `yTrue == yPred`, element by element, in floatx (tf.keras 2's `accuracy`, what
    /// `keras.metrics.Accuracy` averages): ranks matched as Keras does, shapes must agree, and
    /// `yPred` is cast to `yTrue`'s dtype first.
    public static func exactMatches(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try squeezeOrExpandToSameRank(yTrue, yPred)
        if t.shape != p.shape {
            throw SwiftKerasError.invalid(
                "accuracy: y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        return try t.isEqual(to: p.dtype == t.dtype ? p : p.cast(to: t.dtype)).cast(to: .floatx)
    }

    /// 1 where `yPred > threshold` matches the binary label, averaged over the last axis
    /// (Keras `binary_accuracy`).
    public static func binaryAccuracy(_ yTrue: Tensor, _ yPred: Tensor, threshold: Double = 0.5) throws -> Tensor {
        let (t, p) = try Losses.prepare("binary_accuracy", yTrue, yPred)
        let predicted = try p.isGreater(than: Scalar.float(threshold)).cast(to: t.dtype)
        return try t.isEqual(to: predicted).cast(to: .float32).mean(alongAxes: [-1])
    }

    /// 1 where the argmax of one-hot `yTrue` equals the argmax of `yPred` (Keras
    /// `categorical_accuracy`); shape: `yTrue`'s without the last axis.
    public static func categoricalAccuracy(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let op = "categorical_accuracy"
        if yTrue.rank == 0 || yTrue.shape.dropLast() != yPred.shape.dropLast() || yTrue.rank != yPred.rank {
            throw SwiftKerasError.invalid(
                "\(op): y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        return try yTrue.argmax(alongAxis: -1).isEqual(to: yPred.argmax(alongAxis: -1)).cast(to: .float32)
    }

    /// Integer labels (a trailing axis of size 1 squeezed) against `yPred`'s class axis, and
    /// the flattened label rows (for top-k), checking shapes.
    static func sparseLabels(_ op: String, _ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        var t = yTrue
        if t.rank == yPred.rank && t.rank > 0 && t.shape[t.rank - 1] == 1 { t = try t.squeezed(axes: [t.rank - 1]) }
        if yPred.rank == 0 || t.shape != Array(yPred.shape.dropLast()) {
            throw SwiftKerasError.invalid(
                "\(op): y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        return t
    }

    /// 1 where the integer label equals the argmax of `yPred` (Keras
    /// `sparse_categorical_accuracy`); labels of shape `(B,)` or `(B, 1)` give shape `(B,)`.
    public static func sparseCategoricalAccuracy(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let t = try sparseLabels("sparse_categorical_accuracy", yTrue, yPred)
        let predicted = try yPred.argmax(alongAxis: -1).cast(to: .float64)
        return try t.cast(to: .float64).isEqual(to: predicted).cast(to: .float32)
    }

    /// 1 where the class of the integer label is among the `k` highest scores (Keras
    /// `sparse_top_k_categorical_accuracy`, ties counted in as TensorFlow's `in_top_k`).
    public static func sparseTopKCategoricalAccuracy(_ yTrue: Tensor, _ yPred: Tensor, k: Int = 5) throws -> Tensor {
        let t = try sparseLabels("sparse_top_k_categorical_accuracy", yTrue, yPred)
        let classes = yPred.shape[yPred.rank - 1]
        let scores = try yPred.dtype.isFloatingPoint ? yPred : yPred.cast(to: .float32)
        let hits = try inTopK(predictions: scores.reshaped(to: [t.count, classes]),
                              targets: t.cast(to: .int64).reshaped(to: [t.count]), k: k)
        return try hits.cast(to: .float32).reshaped(to: t.shape)
    }

    /// 1 where the argmax of one-hot `yTrue` is among the `k` highest scores of `yPred` (Keras
    /// `top_k_categorical_accuracy`).
    public static func topKCategoricalAccuracy(_ yTrue: Tensor, _ yPred: Tensor, k: Int = 5) throws -> Tensor {
        if yTrue.rank == 0 || yTrue.shape != yPred.shape {
            throw SwiftKerasError.invalid(
                "top_k_categorical_accuracy: y_true of shape \(formatShape(yTrue.shape)) does not match y_pred of shape \(formatShape(yPred.shape))")
        }
        return try sparseTopKCategoricalAccuracy(yTrue.argmax(alongAxis: -1), yPred, k: k)
    }

    /// The metrics that average one function of `(yTrue, yPred)` and take no argument besides
    /// "name" and "dtype" (their config); each subclass gives its Keras class name, its aliases
    /// (the first is the default name) and the function.
    public class BuiltinFunctionMetric: MeanMetricWrapper {
        /// A subclass's Keras class name, aliases and function.
        public struct Spec {
            let className: String, aliases: [String], function: (Tensor, Tensor) throws -> Tensor
            init(_ className: String, _ aliases: [String], _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
                (self.className, self.aliases, self.function) = (className, aliases, function)
            }
        }

        /// The subclass's spec (each subclass gives its own).
        class var spec: Spec { Spec("BuiltinFunctionMetric", [], { _, p in p }) }
        /// The Keras class name.
        public override class var className: String { spec.className }
        /// The Keras aliases, the default name first.
        public override class var aliases: [String] { spec.aliases }

        /// Creates the metric (name: the class's default, e.g. "categorical_accuracy").
        public init(name: String? = nil, dtype: DType = .floatx) {
            super.init(name: name ?? Self.aliases.first ?? Self.className, dtype: dtype, Self.spec.function)
        }

        /// Builds the metric from its config ("name", "dtype").
        public required convenience init(config: ConfigValue) throws {
            let base = try Self.nameAndDType(fromConfig: config)
            self.init(name: base.name, dtype: base.dtype)
        }
    }

    /// `keras.metrics.Accuracy`: how often predictions equal labels exactly, pooled over every
    /// element seen (tf.keras 2: labels of shape `(n,)` count n samples, a per-sample
    /// `sample_weight` weighs each); also "acc".
    public final class Accuracy: BuiltinFunctionMetric {
        override class var spec: BuiltinFunctionMetric.Spec {
            BuiltinFunctionMetric.Spec("Accuracy", ["accuracy", "acc"], Metrics.exactMatches)
        }
    }

    /// `keras.metrics.BinaryAccuracy`: how often `yPred > threshold` matches binary labels.
    public final class BinaryAccuracy: MeanMetricWrapper {
        /// The decision threshold, in (0, 1).
        public let threshold: Double
        /// Creates the metric (Keras defaults: threshold 0.5, name "binary_accuracy"); a threshold
        /// outside (0, 1) throws.
        public init(name: String = "binary_accuracy", dtype: DType = .floatx, threshold: Double = 0.5) throws {
            if !(threshold > 0 && threshold < 1) {
                throw SwiftKerasError.invalid("BinaryAccuracy: threshold must be in the interval (0, 1), got \(threshold)")
            }
            self.threshold = threshold
            super.init(name: name, dtype: dtype) { try Metrics.binaryAccuracy($0, $1, threshold: threshold) }
        }

        /// "BinaryAccuracy".
        public override class var className: String { "BinaryAccuracy" }
        /// "binary_accuracy" too.
        public override class var aliases: [String] { ["binary_accuracy"] }

        /// Builds the metric from its config ("name", "dtype").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            try self.init(name: base.name ?? "binary_accuracy", dtype: base.dtype, threshold: try r.double("threshold", 0.5))
            try r.finish()
        }

        /// The config: "name", "dtype" and the metric's arguments.
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["threshold"] = .double(threshold)
            return .object(c)
        }
    }

    /// `keras.metrics.CategoricalAccuracy`: how often the argmax matches one-hot labels.
    public final class CategoricalAccuracy: BuiltinFunctionMetric {
        override class var spec: BuiltinFunctionMetric.Spec {
            BuiltinFunctionMetric.Spec("CategoricalAccuracy", ["categorical_accuracy"], Metrics.categoricalAccuracy)
        }
    }

    /// `keras.metrics.SparseCategoricalAccuracy`: how often the argmax matches integer labels.
    public final class SparseCategoricalAccuracy: BuiltinFunctionMetric {
        override class var spec: BuiltinFunctionMetric.Spec {
            BuiltinFunctionMetric.Spec("SparseCategoricalAccuracy", ["sparse_categorical_accuracy"], Metrics.sparseCategoricalAccuracy)
        }
    }

    /// What TopKCategoricalAccuracy and SparseTopKCategoricalAccuracy share: `k` (Keras default
    /// 5) and a config of "name", "dtype", "k" (plus Keras 3's "from_sorted_ids", only false, for
    /// the sparse one); each subclass gives its Keras class name, default name and function.
    public class TopKMetric: MeanMetricWrapper {
        /// A subclass's Keras class name, default name, function of `k`, and whether its config
        /// carries "from_sorted_ids".
        struct Spec {
            let className: String, name: String
            let function: (Tensor, Tensor, Int) throws -> Tensor
            let sortedIDs: Bool
        }

        /// The subclass's spec (each subclass gives its own).
        class var topK: Spec { Spec(className: "TopKMetric", name: "top_k", function: { _, p, _ in p }, sortedIDs: false) }
        /// How many top scores count.
        public let k: Int

        /// Creates the metric (Keras defaults: k 5, the class's default name).
        public init(k: Int = 5, name: String? = nil, dtype: DType = .floatx) {
            self.k = k
            let f = Self.topK.function
            super.init(name: name ?? Self.topK.name, dtype: dtype) { try f($0, $1, k) }
        }

        /// The Keras class name.
        public override class var className: String { topK.className }
        /// The default name.
        public override class var aliases: [String] { [topK.name] }

        /// Builds the metric from its config ("name", "dtype", "k").
        public required convenience init(config: ConfigValue) throws {
            var r = try ConfigReader(config, fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            if Self.topK.sortedIDs { try r.onlyFalse("from_sorted_ids") }
            self.init(k: try r.positiveK(), name: base.name, dtype: base.dtype)
            try r.finish()
        }

        /// The config: "name", "dtype", "k" (and "from_sorted_ids").
        public override func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["k"] = .int(k)
            if Self.topK.sortedIDs { c["from_sorted_ids"] = .bool(false) }
            return .object(c)
        }
    }

    /// `keras.metrics.TopKCategoricalAccuracy`: how often the one-hot target is in the top `k`.
    public final class TopKCategoricalAccuracy: TopKMetric {
        override class var topK: Spec {
            Spec(className: "TopKCategoricalAccuracy", name: "top_k_categorical_accuracy",
                 function: Metrics.topKCategoricalAccuracy, sortedIDs: false)
        }
    }

    /// `keras.metrics.SparseTopKCategoricalAccuracy`: how often the integer target is in the top `k`.
    public final class SparseTopKCategoricalAccuracy: TopKMetric {
        override class var topK: Spec {
            Spec(className: "SparseTopKCategoricalAccuracy", name: "sparse_top_k_categorical_accuracy",
                 function: Metrics.sparseTopKCategoricalAccuracy, sortedIDs: true)
        }
    }

    /// `keras.metrics.MeanAbsoluteError`: the mean of `mean(abs(y_true - y_pred), axis=-1)`.
    public final class MeanAbsoluteError: BuiltinFunctionMetric {
        override class var spec: BuiltinFunctionMetric.Spec {
            BuiltinFunctionMetric.Spec("MeanAbsoluteError", ["mean_absolute_error", "mae", "MAE"], Losses.meanAbsoluteError)
        }
    }

    /// `keras.metrics.MeanSquaredError`: the mean of `mean(square(y_true - y_pred), axis=-1)`.
    public final class MeanSquaredError: BuiltinFunctionMetric {
        override class var spec: BuiltinFunctionMetric.Spec {
            BuiltinFunctionMetric.Spec("MeanSquaredError", ["mean_squared_error", "mse", "MSE"], Losses.meanSquaredError)
        }
    }

    /// `keras.metrics.RootMeanSquaredError`: `sqrt` of the mean of the squared errors.
    public final class RootMeanSquaredError: Mean {
        /// Creates the metric (name "root_mean_squared_error").
        public override init(name: String = "root_mean_squared_error", dtype: DType = .floatx) {
            super.init(name: name, dtype: dtype)
        }

        /// "RootMeanSquaredError".
        public override class var className: String { "RootMeanSquaredError" }
        /// "root_mean_squared_error", "rmse" too.
        public override class var aliases: [String] { ["root_mean_squared_error", "rmse"] }

        /// Builds the metric from its config ("name", "dtype").
        public required convenience init(config: ConfigValue) throws {
            let base = try Self.nameAndDType(fromConfig: config)
            self.init(name: base.name, dtype: base.dtype)
        }

        /// Accumulates `square(yPred - yTrue)` (both cast to the metric dtype, ranks matched).
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            let errors = try withoutRecording { () -> Tensor in
                let (t, p) = try Losses.prepare(name, yTrue.cast(to: dtype), yPred.cast(to: dtype))
                return try square(p - t)
            }
            try update(values: errors, sampleWeight: sampleWeight)
        }

        /// `sqrt(total / count)`.
        public override func result() throws -> Tensor {
            try withoutRecording { try sqrt(super.result()) }
        }
    }
}
