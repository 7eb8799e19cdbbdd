// The loss classes of keras.losses (Keras 3): each wraps its loss function with a name, a
// reduction and a dtype (Keras `LossFunctionWrapper` subclasses), with Keras' defaults.

extension Losses {
    /// `keras.losses.MeanSquaredError`: `mean(square(y_true - y_pred))`.
    public final class MeanSquaredError: LossFunctionWrapper {
        /// Creates the loss (Keras defaults: reduction sum_over_batch_size, name "mean_squared_error").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_squared_error", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.meanSquaredError)
        }
    }

    /// `keras.losses.MeanAbsoluteError`: `mean(abs(y_true - y_pred))`.
    public final class MeanAbsoluteError: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "mean_absolute_error").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_absolute_error", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.meanAbsoluteError)
        }
    }

    /// `keras.losses.MeanAbsolutePercentageError`: `100 * mean(abs((y_true - y_pred) / y_true))`.
    public final class MeanAbsolutePercentageError: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "mean_absolute_percentage_error").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_absolute_percentage_error",
                    dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.meanAbsolutePercentageError)
        }
    }

    /// `keras.losses.MeanSquaredLogarithmicError`: `mean(square(log(y_true + 1) - log(y_pred + 1)))`.
    public final class MeanSquaredLogarithmicError: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "mean_squared_logarithmic_error").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_squared_logarithmic_error",
                    dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.meanSquaredLogarithmicError)
        }
    }

    /// `keras.losses.CosineSimilarity`: `-sum(l2_norm(y_true) * l2_norm(y_pred), axis)`.
    public final class CosineSimilarity: LossFunctionWrapper {
        /// The axis of the vectors.
        public let axis: Int
        /// Creates the loss (Keras defaults: axis -1; name "cosine_similarity").
        public init(axis: Int = -1, reduction: Reduction = .sumOverBatchSize, name: String = "cosine_similarity",
                    dtype: DType = .floatx) {
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) { try Losses.cosineSimilarity($0, $1, axis: axis) }
        }
    }

    /// `keras.losses.Huber`: quadratic within `delta` of the target, linear outside.
    public final class Huber: LossFunctionWrapper {
        /// Where the loss turns from quadratic to linear.
        public let delta: Double
        /// Creates the loss (Keras defaults: delta 1; name "huber_loss").
        public init(delta: Double = 1.0, reduction: Reduction = .sumOverBatchSize, name: String = "huber_loss",
                    dtype: DType = .floatx) {
            self.delta = delta
            super.init(name: name, reduction: reduction, dtype: dtype) { try Losses.huber($0, $1, delta: delta) }
        }
    }

    /// `keras.losses.LogCosh`: `mean(log(cosh(y_pred - y_true)))`.
    public final class LogCosh: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "log_cosh").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "log_cosh", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.logCosh)
        }
    }

    /// `keras.losses.Hinge`: `mean(maximum(1 - y_true * y_pred, 0))`.
    public final class Hinge: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "hinge").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "hinge", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.hinge)
        }
    }

    /// `keras.losses.SquaredHinge`: `mean(square(maximum(1 - y_true * y_pred, 0)))`.
    public final class SquaredHinge: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "squared_hinge").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "squared_hinge", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.squaredHinge)
        }
    }

    /// `keras.losses.CategoricalHinge`: `maximum(neg - pos + 1, 0)`.
    public final class CategoricalHinge: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "categorical_hinge").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "categorical_hinge", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.categoricalHinge)
        }
    }

    /// `keras.losses.KLDivergence`: `sum(y_true * log(y_true / y_pred))`.
    public final class KLDivergence: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "kl_divergence").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "kl_divergence", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.klDivergence)
        }
    }

    /// `keras.losses.Poisson`: `mean(y_pred - y_true * log(y_pred))`.
    public final class Poisson: LossFunctionWrapper {
        /// Creates the loss (Keras defaults; name "poisson").
        public init(reduction: Reduction = .sumOverBatchSize, name: String = "poisson", dtype: DType = .floatx) {
            super.init(name: name, reduction: reduction, dtype: dtype, Losses.poisson)
        }
    }

    /// `keras.losses.BinaryCrossentropy`.
    public final class BinaryCrossentropy: LossFunctionWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing towards 0.5, in [0, 1].
        public let labelSmoothing: Double
        /// The axis the crossentropy is averaged over.
        public let axis: Int
        /// Creates the loss (Keras defaults: probabilities, no smoothing, axis -1; name
        /// "binary_crossentropy").
        public init(fromLogits: Bool = false, labelSmoothing: Double = 0, axis: Int = -1,
                    reduction: Reduction = .sumOverBatchSize, name: String = "binary_crossentropy", dtype: DType = .floatx) {
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) {
                try Losses.binaryCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
            }
        }
    }

    /// `keras.losses.BinaryFocalCrossentropy`.
    public final class BinaryFocalCrossentropy: LossFunctionWrapper {
        /// Whether class 1 is weighted by `alpha` and class 0 by `1 - alpha`.
        public let applyClassBalancing: Bool
        /// The weight of class 1 when balancing.
        public let alpha: Double
        /// The focusing parameter.
        public let gamma: Double
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing towards 0.5.
        public let labelSmoothing: Double
        /// The axis the loss is averaged over.
        public let axis: Int
        /// Creates the loss (Keras defaults: no balancing, alpha 0.25, gamma 2; name
        /// "binary_focal_crossentropy").
        public init(applyClassBalancing: Bool = false, alpha: Double = 0.25, gamma: Double = 2.0,
                    fromLogits: Bool = false, labelSmoothing: Double = 0, axis: Int = -1,
                    reduction: Reduction = .sumOverBatchSize, name: String = "binary_focal_crossentropy",
                    dtype: DType = .floatx) {
            self.applyClassBalancing = applyClassBalancing
            self.alpha = alpha
            self.gamma = gamma
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) {
                try Losses.binaryFocalCrossentropy($0, $1, applyClassBalancing: applyClassBalancing, alpha: alpha,
                                                   gamma: gamma, fromLogits: fromLogits,
                                                   labelSmoothing: labelSmoothing, axis: axis)
            }
        }
    }

    /// `keras.losses.CategoricalCrossentropy`.
    public final class CategoricalCrossentropy: LossFunctionWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing: targets become `t·(1 − s) + s / classes`.
        public let labelSmoothing: Double
        /// The class axis.
        public let axis: Int
        /// Creates the loss (Keras defaults; name "categorical_crossentropy").
        public init(fromLogits: Bool = false, labelSmoothing: Double = 0, axis: Int = -1,
                    reduction: Reduction = .sumOverBatchSize, name: String = "categorical_crossentropy",
                    dtype: DType = .floatx) {
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) {
                try Losses.categoricalCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
            }
        }
    }

    /// `keras.losses.CategoricalFocalCrossentropy`.
    public final class CategoricalFocalCrossentropy: LossFunctionWrapper {
        /// The class weight.
        public let alpha: Double
        /// The focusing parameter.
        public let gamma: Double
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing: targets become `t·(1 − s) + s / classes`.
        public let labelSmoothing: Double
        /// The class axis.
        public let axis: Int
        /// Creates the loss (Keras defaults: alpha 0.25, gamma 2; name "categorical_focal_crossentropy").
        public init(alpha: Double = 0.25, gamma: Double = 2.0, fromLogits: Bool = false, labelSmoothing: Double = 0,
                    axis: Int = -1, reduction: Reduction = .sumOverBatchSize,
                    name: String = "categorical_focal_crossentropy", dtype: DType = .floatx) {
            self.alpha = alpha
            self.gamma = gamma
            self.fromLogits = fromLogits
            self.labelSmoothing = labelSmoothing
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) {
                try Losses.categoricalFocalCrossentropy($0, $1, alpha: alpha, gamma: gamma, fromLogits: fromLogits,
                                                        labelSmoothing: labelSmoothing, axis: axis)
            }
        }
    }

    /// `keras.losses.SparseCategoricalCrossentropy`: integer labels against class scores.
    /// Entries labelled `ignoreClass` contribute nothing and are left out of the mean.
    public final class SparseCategoricalCrossentropy: LossFunctionWrapper {
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// A label to ignore (for example a "void" class), or nil.
        public let ignoreClass: Int?
        /// The class axis.
        public let axis: Int
        /// Creates the loss (Keras defaults; name "sparse_categorical_crossentropy").
        public init(fromLogits: Bool = false, ignoreClass: Int? = nil, axis: Int = -1,
                    reduction: Reduction = .sumOverBatchSize, name: String = "sparse_categorical_crossentropy",
                    dtype: DType = .floatx) {
            self.fromLogits = fromLogits
            self.ignoreClass = ignoreClass
            self.axis = axis
            super.init(name: name, reduction: reduction, dtype: dtype) {
                try Losses.sparseCategoricalCrossentropy($0, $1, fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis)
            }
        }

        public override func callWithMask(_ yTrue: Tensor, _ yPred: Tensor) throws -> (values: Tensor, mask: Tensor?) {
            let (t, p) = try squeezeOrExpandToSameRank(yTrue, yPred)
            return try Losses.sparseCategoricalCrossentropyMasked(t, p, fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis)
        }
    }
}

// MARK: - Configs

extension Losses.MeanSquaredError: PlainLossConfigurable {
    /// "MeanSquaredError".
    public static var className: String { "MeanSquaredError" }
    /// The function name first ("mean_squared_error"), then the other names Keras accepts.
    public static var aliases: [String] { ["mean_squared_error", "mse", "MSE"] }
}

extension Losses.MeanAbsoluteError: PlainLossConfigurable {
    /// "MeanAbsoluteError".
    public static var className: String { "MeanAbsoluteError" }
    /// The function name first ("mean_absolute_error"), then the other names Keras accepts.
    public static var aliases: [String] { ["mean_absolute_error", "mae", "MAE"] }
}

extension Losses.MeanAbsolutePercentageError: PlainLossConfigurable {
    /// "MeanAbsolutePercentageError".
    public static var className: String { "MeanAbsolutePercentageError" }
    /// The function name first ("mean_absolute_percentage_error"), then the other names Keras accepts.
    public static var aliases: [String] { ["mean_absolute_percentage_error", "mape", "MAPE"] }
}

extension Losses.MeanSquaredLogarithmicError: PlainLossConfigurable {
    /// "MeanSquaredLogarithmicError".
    public static var className: String { "MeanSquaredLogarithmicError" }
    /// The function name first ("mean_squared_logarithmic_error"), then the other names Keras accepts.
    public static var aliases: [String] { ["mean_squared_logarithmic_error", "msle", "MSLE"] }
}

extension Losses.CosineSimilarity: KerasSerializable {
    /// "CosineSimilarity".
    public static var className: String { "CosineSimilarity" }
    /// The function name first ("cosine_similarity"), then the other names Keras accepts.
    public static var aliases: [String] { ["cosine_similarity"] }

    /// The config: "name", "reduction", "axis".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["axis"] = .int(axis)
        return .object(c)
    }

    /// Builds the loss from its config (Keras defaults for missing keys).
    public convenience init(config: ConfigValue) throws {
        let (base, axis) = try Self.readConfig(config) { r in try r.int("axis", -1) }
        self.init(axis: axis, reduction: base.reduction, name: base.name ?? "cosine_similarity")
    }
}

extension Losses.Huber: KerasSerializable {
    /// "Huber".
    public static var className: String { "Huber" }
    /// The function name first ("huber"), then the other names Keras accepts.
    public static var aliases: [String] { ["huber", "huber_loss"] }

    /// The config: "name", "reduction", "delta".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["delta"] = .double(delta)
        return .object(c)
    }

    /// Builds the loss from its config (Keras defaults for missing keys).
    public convenience init(config: ConfigValue) throws {
        let (base, delta) = try Self.readConfig(config) { r in try r.double("delta", 1.0) }
        self.init(delta: delta, reduction: base.reduction, name: base.name ?? "huber_loss")
    }
}

extension Losses.LogCosh: PlainLossConfigurable {
    /// "LogCosh".
    public static var className: String { "LogCosh" }
    /// The function name first ("log_cosh"), then the other names Keras accepts.
    public static var aliases: [String] { ["log_cosh", "logcosh"] }
}

extension Losses.Hinge: PlainLossConfigurable {
    /// "Hinge".
    public static var className: String { "Hinge" }
    /// The function name first ("hinge"), then the other names Keras accepts.
    public static var aliases: [String] { ["hinge"] }
}

extension Losses.SquaredHinge: PlainLossConfigurable {
    /// "SquaredHinge".
    public static var className: String { "SquaredHinge" }
    /// The function name first ("squared_hinge"), then the other names Keras accepts.
    public static var aliases: [String] { ["squared_hinge"] }
}

extension Losses.CategoricalHinge: PlainLossConfigurable {
    /// "CategoricalHinge".
    public static var className: String { "CategoricalHinge" }
    /// The function name first ("categorical_hinge"), then the other names Keras accepts.
    public static var aliases: [String] { ["categorical_hinge"] }
}

extension Losses.KLDivergence: PlainLossConfigurable {
    /// "KLDivergence".
    public static var className: String { "KLDivergence" }
    /// The function name first ("kl_divergence"), then the other names Keras accepts.
    public static var aliases: [String] { ["kl_divergence", "kld", "KLD", "kullback_leibler_divergence"] }
}

extension Losses.Poisson: PlainLossConfigurable {
    /// "Poisson".
    public static var className: String { "Poisson" }
    /// The function name first ("poisson"), then the other names Keras accepts.
    public static var aliases: [String] { ["poisson"] }
}

extension Losses.BinaryCrossentropy: CrossentropyConfigurable {
    /// "BinaryCrossentropy".
    public static var className: String { "BinaryCrossentropy" }
    /// The function name first ("binary_crossentropy"), then the other names Keras accepts.
    public static var aliases: [String] { ["binary_crossentropy", "bce", "BCE"] }
}

extension Losses.BinaryFocalCrossentropy: KerasSerializable {
    /// "BinaryFocalCrossentropy".
    public static var className: String { "BinaryFocalCrossentropy" }
    /// The function name first ("binary_focal_crossentropy"), then the other names Keras accepts.
    public static var aliases: [String] { ["binary_focal_crossentropy"] }

    /// The config: "name", "reduction", "apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["apply_class_balancing"] = .bool(applyClassBalancing)
        c.addFocalArguments(alpha: alpha, gamma: gamma, fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
        return .object(c)
    }

    /// Builds the loss from its config (Keras defaults for missing keys).
    public convenience init(config: ConfigValue) throws {
        let (base, a) = try Self.readConfig(config) { r in
            (applyClassBalancing: try r.bool("apply_class_balancing", false), focal: try r.focalArguments())
        }
        self.init(applyClassBalancing: a.applyClassBalancing, alpha: a.focal.alpha, gamma: a.focal.gamma,
                  fromLogits: a.focal.fromLogits, labelSmoothing: a.focal.labelSmoothing, axis: a.focal.axis,
                  reduction: base.reduction, name: base.name ?? "binary_focal_crossentropy")
    }
}

extension Losses.CategoricalCrossentropy: CrossentropyConfigurable {
    /// "CategoricalCrossentropy".
    public static var className: String { "CategoricalCrossentropy" }
    /// The function name first ("categorical_crossentropy"), then the other names Keras accepts.
    public static var aliases: [String] { ["categorical_crossentropy"] }
}

extension Losses.CategoricalFocalCrossentropy: KerasSerializable {
    /// "CategoricalFocalCrossentropy".
    public static var className: String { "CategoricalFocalCrossentropy" }
    /// The function name first ("categorical_focal_crossentropy"), then the other names Keras accepts.
    public static var aliases: [String] { ["categorical_focal_crossentropy"] }

    /// The config: "name", "reduction", "alpha", "gamma", "from_logits", "label_smoothing", "axis".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c.addFocalArguments(alpha: alpha, gamma: gamma, fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis)
        return .object(c)
    }

    /// Builds the loss from its config (Keras defaults for missing keys).
    public convenience init(config: ConfigValue) throws {
        let (base, a) = try Self.readConfig(config) { r in try r.focalArguments() }
        self.init(alpha: a.alpha, gamma: a.gamma, fromLogits: a.fromLogits, labelSmoothing: a.labelSmoothing,
                  axis: a.axis, reduction: base.reduction, name: base.name ?? "categorical_focal_crossentropy")
    }
}

extension Losses.SparseCategoricalCrossentropy: KerasSerializable {
    /// "SparseCategoricalCrossentropy".
    public static var className: String { "SparseCategoricalCrossentropy" }
    /// The function name first ("sparse_categorical_crossentropy"), then the other names Keras accepts.
    public static var aliases: [String] { ["sparse_categorical_crossentropy"] }

    /// The config: "name", "reduction", "from_logits", "ignore_class", "axis".
    public func getConfig() throws -> ConfigValue {
        var c = baseConfig()
        c["from_logits"] = .bool(fromLogits); c["ignore_class"] = ignoreClass.map { .int($0) } ?? .null; c["axis"] = .int(axis)
        return .object(c)
    }

    /// Builds the loss from its config (Keras defaults for missing keys).
    public convenience init(config: ConfigValue) throws {
        let (base, a) = try Self.readConfig(config) { r in
            (fromLogits: try r.bool("from_logits", false), ignoreClass: try r.int("ignore_class"), axis: try r.int("axis", -1))
        }
        self.init(fromLogits: a.fromLogits, ignoreClass: a.ignoreClass, axis: a.axis, reduction: base.reduction,
                  name: base.name ?? "sparse_categorical_crossentropy")
    }
}

extension ConfigReader {
    /// The focal crossentropies' shared keys: "alpha" (0.25), "gamma" (2), "from_logits"
    /// (false), "label_smoothing" (0), "axis" (-1), read in that order.
    mutating func focalArguments() throws
        -> (alpha: Double, gamma: Double, fromLogits: Bool, labelSmoothing: Double, axis: Int) {
        (alpha: try double("alpha", 0.25), gamma: try double("gamma", 2.0), fromLogits: try bool("from_logits", false),
         labelSmoothing: try double("label_smoothing", 0), axis: try int("axis", -1))
    }
}

extension Dictionary where Key == String, Value == ConfigValue {
    /// Writes the focal crossentropies' shared keys ("alpha", "gamma", "from_logits",
    /// "label_smoothing", "axis").
    mutating func addFocalArguments(alpha: Double, gamma: Double, fromLogits: Bool, labelSmoothing: Double, axis: Int) {
        self["alpha"] = .double(alpha); self["gamma"] = .double(gamma)
        self["from_logits"] = .bool(fromLogits); self["label_smoothing"] = .double(labelSmoothing); self["axis"] = .int(axis)
    }
}
