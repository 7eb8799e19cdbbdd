// The loss classes of keras.losses (Keras 3): each wraps its loss function with a name, a
// reduction and a dtype (Keras `LossFunctionWrapper` subclasses), with Keras' defaults.

extension Losses {
    /// The losses that apply one per-sample function and take no argument of their own
    /// (config: "name", "reduction"): each subclass is named after its Keras class and finds its
    /// names (the function's first, the default name) and function in `table`.
    public class PlainFunctionLoss: LossFunctionWrapper, KerasSerializable {
        /// The names and function of each plain loss, by Keras class name.
        static let table: [String: (aliases: [String], function: (Tensor, Tensor) throws -> Tensor)] = [
            "MeanSquaredError": (["mean_squared_error", "mse", "MSE"], Losses.meanSquaredError),
            "MeanAbsoluteError": (["mean_absolute_error", "mae", "MAE"], Losses.meanAbsoluteError),
            "MeanAbsolutePercentageError": (["mean_absolute_percentage_error", "mape", "MAPE"],
                                            Losses.meanAbsolutePercentageError),
            "MeanSquaredLogarithmicError": (["mean_squared_logarithmic_error", "msle", "MSLE"],
                                            Losses.meanSquaredLogarithmicError),
            "LogCosh": (["log_cosh", "logcosh"], Losses.logCosh),
            "Hinge": (["hinge"], Losses.hinge),
            "SquaredHinge": (["squared_hinge"], Losses.squaredHinge),
            "CategoricalHinge": (["categorical_hinge"], Losses.categoricalHinge),
            "KLDivergence": (["kl_divergence", "kld", "KLD", "kullback_leibler_divergence"], Losses.klDivergence),
            "Poisson": (["poisson"], Losses.poisson),
        ]

        /// The Keras class name: the Swift class's.
        public class var className: String { String(describing: self) }
        /// The function name first, then the other names Keras accepts.
        public class var aliases: [String] { table[className]?.aliases ?? [] }

        /// Creates the loss (Keras defaults: reduction sum_over_batch_size, the function's name).
        public init(reduction: Reduction = .sumOverBatchSize, name: String? = nil, dtype: DType = .floatx) {
            let cls = Self.className
            super.init(name: name ?? Self.aliases.first ?? cls, reduction: reduction, dtype: dtype,
                       Self.table[cls]?.function ?? { _, _ in
                           throw SwiftKerasError(.unimplemented, "\(cls): no loss function registered for this class")
                       })
        }

        /// Builds the loss from its config ("reduction", "name").
        public required convenience init(config: ConfigValue) throws {
            let (base, _) = try Self.readConfig(config) { _ in () }
            self.init(reduction: base.reduction, name: base.name)
        }

        /// The config: "name", "reduction".
        public func getConfig() throws -> ConfigValue { .object(baseConfig()) }
    }

    /// `keras.losses.MeanSquaredError`: `mean(square(y_true - y_pred))`.
    public final class MeanSquaredError: PlainFunctionLoss {}

    /// `keras.losses.MeanAbsoluteError`: `mean(abs(y_true - y_pred))`.
    public final class MeanAbsoluteError: PlainFunctionLoss {}

    /// `keras.losses.MeanAbsolutePercentageError`: `100 * mean(abs((y_true - y_pred) / y_true))`.
    public final class MeanAbsolutePercentageError: PlainFunctionLoss {}

    /// `keras.losses.MeanSquaredLogarithmicError`: `mean(square(log(y_true + 1) - log(y_pred + 1)))`.
    public final class MeanSquaredLogarithmicError: PlainFunctionLoss {}

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
    public final class LogCosh: PlainFunctionLoss {}

    /// `keras.losses.Hinge`: `mean(maximum(1 - y_true * y_pred, 0))`.
    public final class Hinge: PlainFunctionLoss {}

    /// `keras.losses.SquaredHinge`: `mean(square(maximum(1 - y_true * y_pred, 0)))`.
    public final class SquaredHinge: PlainFunctionLoss {}

    /// `keras.losses.CategoricalHinge`: `maximum(neg - pos + 1, 0)`.
    public final class CategoricalHinge: PlainFunctionLoss {}

    /// `keras.losses.KLDivergence`: `sum(y_true * log(y_true / y_pred))`.
    public final class KLDivergence: PlainFunctionLoss {}

    /// `keras.losses.Poisson`: `mean(y_pred - y_true * log(y_pred))`.
    public final class Poisson: PlainFunctionLoss {}

    /// The binary and categorical crossentropies: `fromLogits`, `labelSmoothing` and `axis`
    /// (Keras defaults false, 0, −1; config: those, "name", "reduction"); each subclass is named
    /// after its Keras class and finds its names and function in `table`.
    public class CrossentropyLoss: LossFunctionWrapper, KerasSerializable {
        /// The names (the function's first, the default name) and function of each, by class name.
        static let table: [String: (aliases: [String], function: (Tensor, Tensor, Bool, Double, Int) throws -> Tensor)] = [
            "BinaryCrossentropy": (["binary_crossentropy", "bce", "BCE"], Losses.binaryCrossentropy),
            "CategoricalCrossentropy": (["categorical_crossentropy"], Losses.categoricalCrossentropy),
        ]
        /// Whether `y_pred` holds logits.
        public let fromLogits: Bool
        /// Label smoothing (towards 0.5 for the binary loss, `1 / classes` for the categorical one).
        public let labelSmoothing: Double
        /// The axis of the classes / the one the binary loss averages over.
        public let axis: Int

        /// The Keras class name: the Swift class's.
        public class var className: String { String(describing: self) }
        /// The function name first, then the other names Keras accepts.
        public class var aliases: [String] { table[className]?.aliases ?? [] }

        /// Creates the loss (Keras defaults: probabilities, no smoothing, axis −1, the function's name).
        public init(fromLogits: Bool = false, labelSmoothing: Double = 0, axis: Int = -1,
                    reduction: Reduction = .sumOverBatchSize, name: String? = nil, dtype: DType = .floatx) {
            (self.fromLogits, self.labelSmoothing, self.axis) = (fromLogits, labelSmoothing, axis)
            let cls = Self.className
            let f = Self.table[cls]?.function
            super.init(name: name ?? Self.aliases.first ?? cls, reduction: reduction, dtype: dtype) { t, p in
                guard let f else { throw SwiftKerasError(.unimplemented, "\(cls): no crossentropy registered for this class") }
                return try f(t, p, fromLogits, labelSmoothing, axis)
            }
        }

        /// Builds the loss from its config ("from_logits", "label_smoothing", "axis", "reduction", "name").
        public required convenience init(config: ConfigValue) throws {
            let (base, a) = try Self.readConfig(config) { r in
                (fromLogits: try r.bool("from_logits", false), labelSmoothing: try r.double("label_smoothing", 0),
                 axis: try r.int("axis", -1))
            }
            self.init(fromLogits: a.fromLogits, labelSmoothing: a.labelSmoothing, axis: a.axis, reduction: base.reduction,
                      name: base.name)
        }

        /// The config: "name", "reduction", "from_logits", "label_smoothing", "axis".
        public func getConfig() throws -> ConfigValue {
            var c = baseConfig()
            c["from_logits"] = .bool(fromLogits); c["label_smoothing"] = .double(labelSmoothing); c["axis"] = .int(axis)
            return .object(c)
        }
    }

    /// `keras.losses.BinaryCrossentropy` (also "bce", "BCE").
    public final class BinaryCrossentropy: CrossentropyLoss {}

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

    /// `keras.losses.CategoricalCrossentropy`: label smoothing makes the targets `t·(1 − s) + s / classes`.
    public final class CategoricalCrossentropy: CrossentropyLoss {}

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
