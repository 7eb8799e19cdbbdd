// The crossentropy metrics (tf.keras 2 `tf_keras/src/metrics/probabilistic_metrics.py`): the
// mean of the loss classes' per-sample values, weighted as every `MeanMetricWrapper`; and `Sum`.

extension Metrics {
    /// The mean of a built-in loss's per-sample values (tf.keras 2's crossentropy metrics): the
    /// metric's config is the loss's arguments (without "reduction") plus "name" and "dtype",
    /// and entries the loss masks (`ignore_class`) weigh 0. Subclasses name the loss class.
    public class LossMetric: MeanMetricWrapper {
        /// The loss whose per-sample values are averaged.
        public let loss: BaseLoss

        /// The loss class the metric averages (each subclass gives its own).
        class var lossClass: (BaseLoss & KerasSerializable).Type { Losses.BinaryCrossentropy.self }

        /// Averages `loss`'s per-sample values.
        init(name: String, dtype: DType, loss: BaseLoss) {
            self.loss = loss
            super.init(name: name, dtype: dtype) { try loss.callWithMask($0, $1).values }
        }

        /// Builds the metric from its config: "name", "dtype" and the loss's own arguments.
        public required convenience init(config: ConfigValue) throws {
            guard case .object(var c) = config else {
                throw SwiftKerasError.invalid("\(Self.className).from_config: the config must be a JSON object")
            }
            var r = try ConfigReader(.object(c.filter { $0.key == "name" || $0.key == "dtype" }), fromConfigOf: Self.className)
            let base = try MetricBaseArguments(&r)
            c["name"] = nil; c["dtype"] = nil
            if c["reduction"] != nil {
                throw SwiftKerasError.invalid("\(Self.className): unrecognized config key(s) 'reduction'")
            }
            let loss = try Self.lossClass.init(config: .object(c))
            self.init(name: base.name ?? Self.aliases.first ?? Self.className, dtype: base.dtype, loss: loss)
        }

        /// The config: "name", "dtype" and the loss's arguments.
        public override func getConfig() throws -> ConfigValue {
            guard case .object(var c) = try (loss as? any KerasSerializable)?.getConfig() ?? .object([:]) else {
                return .object(baseConfig())
            }
            c["reduction"] = nil
            return .object(c.merging(baseConfig()) { _, mine in mine })
        }

        /// Averages the loss values, the entries the loss masks weighing 0.
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            let (values, mask) = try withoutRecording { () -> (Tensor, Tensor?) in
                let (t, p) = try squeezeOrExpandToSameRank(yTrue, yPred)
                return try loss.callWithMask(t, p)
            }
            var weight = sampleWeight
            if let mask {
                let m = try mask.cast(to: dtype)
                weight = m
                if let sw = sampleWeight {
                    let (mm, ww) = try squeezeOrExpandToSameRank(m, sw.cast(to: dtype))
                    weight = try mm * ww
                }
            }
            try update(values: values, sampleWeight: weight)
        }
    }

    /// `keras.metrics.BinaryCrossentropy`: the mean of `binary_crossentropy(y_true, y_pred)`.
    public final class BinaryCrossentropy: LossMetric {
        override class var lossClass: (BaseLoss & KerasSerializable).Type { Losses.BinaryCrossentropy.self }
        /// "BinaryCrossentropy".
        public override class var className: String { "BinaryCrossentropy" }
        /// "binary_crossentropy" too.
        public override class var aliases: [String] { ["binary_crossentropy"] }

        /// Creates the metric (Keras defaults: probabilities, no smoothing, name "binary_crossentropy").
        public convenience init(name: String = "binary_crossentropy", dtype: DType = .floatx, fromLogits: Bool = false,
                                labelSmoothing: Double = 0) {
            self.init(name: name, dtype: dtype,
                      loss: Losses.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing))
        }
    }

    /// `keras.metrics.CategoricalCrossentropy`: the mean of `categorical_crossentropy(y_true, y_pred)`.
    public final class CategoricalCrossentropy: LossMetric {
        override class var lossClass: (BaseLoss & KerasSerializable).Type { Losses.CategoricalCrossentropy.self }
        /// "CategoricalCrossentropy".
        public override class var className: String { "CategoricalCrossentropy" }
        /// "categorical_crossentropy" too.
        public override class var aliases: [String] { ["categorical_crossentropy"] }

        /// Creates the metric (Keras defaults; name "categorical_crossentropy").
        public convenience init(name: String = "categorical_crossentropy", dtype: DType = .floatx,
                                fromLogits: Bool = false, labelSmoothing: Double = 0, axis: Int = -1) {
            let loss = Losses.CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
            self.init(name: name, dtype: dtype, loss: loss)
        }
    }

    /// `keras.metrics.SparseCategoricalCrossentropy`: the mean of
    /// `sparse_categorical_crossentropy(y_true, y_pred)`; entries labelled `ignoreClass` are
    /// left out of the mean (tf.keras 2 masks them).
    public final class SparseCategoricalCrossentropy: LossMetric {
        override class var lossClass: (BaseLoss & KerasSerializable).Type { Losses.SparseCategoricalCrossentropy.self }
        /// "SparseCategoricalCrossentropy".
        public override class var className: String { "SparseCategoricalCrossentropy" }
        /// "sparse_categorical_crossentropy" too.
        public override class var aliases: [String] { ["sparse_categorical_crossentropy"] }

        /// Creates the metric (Keras defaults; name "sparse_categorical_crossentropy").
        public convenience init(name: String = "sparse_categorical_crossentropy", dtype: DType = .floatx,
                                fromLogits: Bool = false, ignoreClass: Int? = nil, axis: Int = -1) {
            let loss = Losses.SparseCategoricalCrossentropy(fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis)
            self.init(name: name, dtype: dtype, loss: loss)
        }
    }

    /// The sum of values (Keras `keras.metrics.Sum`): state `total`, each update adding
    /// `sum(values · sample_weight)` (the weight broadcast to the values, ranks matched as Keras).
    public final class Sum: Metric {
        /// The weighted sum of the values seen.
        public private(set) var total: Variable!

        /// Creates the metric (Keras default name "sum").
        public override init(name: String = "sum", dtype: DType = .floatx) {
            super.init(name: name, dtype: dtype)
            total = addScalarVariable(name: "total")
        }

        /// Adds `sum(values · sampleWeight)`: a weight of one rank less than the values gains a
        /// trailing axis, one of one rank more loses its trailing axis of 1 (tf.keras 2's
        /// `squeeze_or_expand_dimensions`), then it is broadcast to the values.
        public func update(values: Tensor, sampleWeight: Tensor? = nil) throws {
            try withoutRecording {
                var v = try values.cast(to: dtype)
                if let sw0 = sampleWeight {
                    let vv = v
                    var sw = try sw0.cast(to: dtype)
                    if sw.rank == vv.rank - 1 && sw.rank > 0 { sw = try sw.expandingDims(at: sw.rank) }
                    if sw.rank == vv.rank + 1 && sw.shape.last == 1 { sw = try sw.squeezed(axes: [sw.rank - 1]) }
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

extension Metrics.Sum: PlainMetricConfigurable {
    /// "Sum".
    public static var className: String { "Sum" }
    /// "sum".
    static var defaultName: String { "sum" }
}
