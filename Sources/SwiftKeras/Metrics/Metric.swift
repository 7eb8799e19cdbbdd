// Stateful metrics with Keras 3 semantics (keras/src/metrics/metric.py, reduction_metrics.py):
// state lives in non-trainable Variables, updated with tensor ops while every tape on the
// thread is paused, so updating a metric inside a training step records nothing.

/// The base class of metrics (Keras `keras.metrics.Metric`): state variables created with
/// `addVariable`, accumulated by `updateState`, read by `result`, zeroed by `resetState`.
/// Subclasses override `updateState(_:_:sampleWeight:)` and `result()`.
open class Metric {
    /// The metric's name (Keras `name`), as shown in logs and `History`.
    public var name: String
    /// The dtype of the state and the result (Keras `dtype`, default float32).
    public let dtype: DType
    /// The state variables, in creation order (all non-trainable).
    public private(set) var variables: [Variable] = []

    /// Creates a metric with no state yet.
    public init(name: String, dtype: DType = .floatx) {
        self.name = name
        self.dtype = dtype
    }

    /// Creates a non-trainable state variable filled with zeros (Keras `add_variable` with the
    /// zeros initializer), named `"<metric name>/<name>"`.
    public func addVariable(shape: [Int], name: String, dtype: DType? = nil) throws -> Variable {
        let v = Variable(try Tensor.zeros(shape, dtype: dtype ?? self.dtype), name: "\(self.name)/\(name)", trainable: false)
        variables.append(v)
        return v
    }

    /// Accumulates statistics of `yPred` against `yTrue` (Keras `update_state`). The base class
    /// throws: subclasses override it.
    open func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
        throw SwiftKerasError(.unimplemented, "\(name): Metric subclasses must implement updateState(_:_:sampleWeight:)")
    }

    /// The metric's current value (Keras `result`). The base class throws.
    open func result() throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "\(name): Metric subclasses must implement result()")
    }

    /// Zeroes every state variable (Keras `reset_state`).
    open func resetState() throws {
        for v in variables {
            try v.assign(try Tensor.zeros(v.shape, dtype: v.dtype))
        }
    }

    /// `updateState` without sample weights.
    public func updateState(_ yTrue: Tensor, _ yPred: Tensor) throws {
        try updateState(yTrue, yPred, sampleWeight: nil)
    }

    /// A zero scalar state variable (cannot fail), named like `addVariable`'s.
    func addScalarVariable(name: String) -> Variable {
        let zero = (try? Tensor.zeros([], dtype: dtype)) ?? Tensor(scalar: Float(0))
        let v = Variable(zero, name: "\(self.name)/\(name)", trainable: false)
        variables.append(v)
        return v
    }

    /// Adds `delta` (cast to the variable's dtype and shape) to `variable`.
    func accumulate(_ variable: Variable, _ delta: Tensor) throws {
        var d = delta.dtype == variable.dtype ? delta : try delta.cast(to: variable.dtype)
        if d.shape != variable.shape { d = try d.reshaped(to: variable.shape) }
        try variable.assignAdd(d)
    }
}

/// The namespace of Keras metrics (`keras.metrics`): metric classes as nested types
/// (`Metrics.Mean()`) and stateless metric functions as static methods.
public enum Metrics {}

extension Metrics {
    /// The weighted mean of values (Keras `keras.metrics.Mean`): state `total` and `count`,
    /// result `total / count` (0 before any update).
    open class Mean: Metric {
        /// The weighted sum of the values seen.
        public private(set) var total: Variable!
        /// The total weight (number of samples, or sum of weights) seen.
        public private(set) var count: Variable!

        /// Creates the metric (Keras default name "mean").
        public override init(name: String = "mean", dtype: DType = .floatx) {
            super.init(name: name, dtype: dtype)
            total = addScalarVariable(name: "total")
            count = addScalarVariable(name: "count")
        }

        /// "Mean".
        open class var className: String { "Mean" }
        /// "mean" too.
        open class var aliases: [String] { ["mean"] }

        /// Builds the metric from its config ("name", "dtype").
        public required convenience init(config: ConfigValue) throws {
            let base = try MetricBaseArguments(onlyIn: config, of: Self.className)
            self.init(name: base.name ?? "mean", dtype: base.dtype)
        }

        /// The config: "name" and "dtype" (subclasses add their arguments).
        open func getConfig() throws -> ConfigValue { .object(baseConfig()) }

        /// Accumulates `values` weighted by `sampleWeight` (Keras `Mean.update_state`): values
        /// are first reduced to one value per sample (the mean over the axes the weight does not
        /// have, then over the non-batch axes); `count` grows by the number of samples, or by
        /// the sum of the (broadcast, per-sample averaged) weights.
        public func update(values: Tensor, sampleWeight: Tensor? = nil) throws {
            try withoutRecording {
                var v = try values.cast(to: dtype)
                var weight: Tensor? = nil
                if let sw0 = sampleWeight {
                    var sw = try sw0.cast(to: dtype)
                    (v, sw) = try squeezeOrExpandToSameRank(v, sw)
                    let wn = sw.rank, vn = v.rank
                    if vn > wn { v = try v.mean(alongAxes: Array(wn..<vn)) }
                    guard let b = try? ShapeMath.broadcast(sw.shape, v.shape, op: "metric"), b == v.shape else {
                        throw SwiftKerasError.invalid(
                            "\(name): sample_weight of shape \(formatShape(sw0.shape)) cannot be broadcast to the values of shape \(formatShape(values.shape))")
                    }
                    sw = try sw.broadcasted(to: v.shape)
                    v = try v * sw
                    if wn > 1 { sw = try sw.mean(alongAxes: Array(1..<wn)) }
                    weight = sw
                }
                if v.rank > 1 { v = try v.mean(alongAxes: Array(1..<v.rank)) }
                try accumulate(total, v.sum())
                let samples: Tensor
                if let weight { samples = try weight.sum() }
                else { samples = try Tensor.scalar(Double(v.rank >= 1 ? v.shape[0] : 1), dtype: dtype) }
                try accumulate(count, samples)
            }
        }

        /// A `Mean` updated with `(yTrue, yPred)` averages `yPred` (as Keras' loss tracker is
        /// fed values); `MeanMetricWrapper` overrides this with its function.
        open override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try update(values: yPred, sampleWeight: sampleWeight)
        }

        /// `total / count`, or 0 when `count` is 0.
        open override func result() throws -> Tensor {
            try withoutRecording { try kerasDivideNoNaN(total.value, count.value) }
        }
    }

    /// The mean of a per-sample function of `(yTrue, yPred)` (Keras `MeanMetricWrapper`):
    /// the base of the accuracy, error and crossentropy metrics, and what a loss or a custom
    /// function given as a metric becomes.
    open class MeanMetricWrapper: Mean {
        /// The per-sample function.
        public let function: (Tensor, Tensor) throws -> Tensor

        /// Wraps `function`.
        public init(name: String, dtype: DType = .floatx, _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
            self.function = function
            super.init(name: name, dtype: dtype)
        }

        /// "MeanMetricWrapper" (not a registered class: a wrapper's function has no config).
        open override class var className: String { "MeanMetricWrapper" }
        /// No aliases.
        open override class var aliases: [String] { [] }

        /// Throws: a wrapped function cannot be rebuilt from a config (the built-in subclasses can).
        public required convenience init(config: ConfigValue) throws {
            throw SwiftKerasError(.invalidArgument, "\(Self.className).from_config: a metric wrapping a function cannot be built from a config")
        }

        /// Averages `function(yTrue, yPred)` weighted by `sampleWeight`.
        open override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            let values = try withoutRecording { try function(yTrue, yPred) }
            try update(values: values, sampleWeight: sampleWeight)
        }
    }
}

/// Which accuracy metric the name `"accuracy"` stands for.
public enum AccuracyKind: Sendable, Equatable {
    /// `BinaryAccuracy` (threshold 0.5).
    case binary
    /// `CategoricalAccuracy` (argmax of one-hot labels).
    case categorical
    /// `SparseCategoricalAccuracy` (integer labels).
    case sparseCategorical
}

/// Resolves `"accuracy"` / `"acc"` as `compile` does: a binary or sparse categorical loss
/// decides (`binary_crossentropy`, `binary_focal_crossentropy` → binary, as tf.keras' loss-based
/// choice; `sparse_categorical_crossentropy` → sparse); otherwise Keras 3's shape rule:
/// binary when `yPred`'s last dimension is 1, sparse categorical when `yTrue` has lower rank
/// than `yPred` or ends in 1 while `yPred` ends in more, categorical otherwise. A rank-0 shape
/// counts as ending in 1.
public func resolveAccuracy(lossName: String?, yTrueShape: [Int], yPredShape: [Int]) -> AccuracyKind {
    if let lossName, let canonical = canonicalLossName(lossName) {
        switch canonical {
        case "binary_crossentropy", "binary_focal_crossentropy": return .binary
        case "sparse_categorical_crossentropy": return .sparseCategorical
        default: break
        }
    }
    let tLast = yTrueShape.last ?? 1, pLast = yPredShape.last ?? 1
    if pLast == 1 { return .binary }
    if yTrueShape.count < yPredShape.count || (tLast == 1 && pLast > 1) { return .sparseCategorical }
    return .categorical
}

/// The metric named `name`, as `compile(metrics: [...])` resolves strings: `"accuracy"` /
/// `"acc"` through `resolveAccuracy` (which needs `yTrueShape` and `yPredShape`; the metric
/// keeps the name given), the metric classes' names and Keras aliases as `KerasRegistry` lists
/// them (`"mae"`, `"mse"`, `"rmse"`, `"binary_accuracy"`, `"top_k_categorical_accuracy"`,
/// `"precision"`, `"recall"`, `"auc"`, ...), and any loss name (its mean, as Keras wraps loss
/// functions). Unknown names throw.
public func metricNamed(_ name: String, lossName: String? = nil, yTrueShape: [Int]? = nil,
                        yPredShape: [Int]? = nil) throws -> Metric {
    switch name {
    case "accuracy", "acc":
        guard let yTrueShape, let yPredShape else {
            throw SwiftKerasError.invalid("metric '\(name)': resolving accuracy needs the shapes of y_true and y_pred")
        }
        switch resolveAccuracy(lossName: lossName, yTrueShape: yTrueShape, yPredShape: yPredShape) {
        case .binary: return try Metrics.BinaryAccuracy(name: name)
        case .categorical: return Metrics.CategoricalAccuracy(name: name)
        case .sparseCategorical: return Metrics.SparseCategoricalAccuracy(name: name)
        }
    default:
        // The metric classes by class name or Keras alias, from the one registry: a function
        // name or alias ("mae", "binary_accuracy") names the metric, as Keras wraps the
        // function under that name; a class name gives the class's default name, as Keras
        // instantiates the class.
        if let cls = KerasRegistry.builtinClass(.metric, named: name) {
            let config: [String: ConfigValue] = name == cls.className ? [:] : ["name": .string(name)]
            if let metric = try cls.init(config: .object(config)) as? Metric { return metric }
        }
        if canonicalLossName(name) != nil {
            let loss = try lossNamed(name, reduction: .none)
            return Metrics.MeanMetricWrapper(name: name) { try loss($0, $1) }
        }
        throw SwiftKerasError.invalid("Could not interpret metric identifier: '\(name)'")
    }
}

/// `Mean` and its subclasses write their configs and build from them (members in the classes:
/// `className`, `init(config:)`, `getConfig()`).
extension Metrics.Mean: KerasSerializable {}
