// Activation layers (tf.keras 2 keras/layers/activation): LeakyReLU, ReLU, PReLU, ELU, Softmax,
// ThresholdedReLU. Each applies an elementwise function with its own parameters; PReLU learns its
// negative slope.

/// `value` when it is a non-negative number; otherwise the Keras error naming `argument`.
func nonNegativeArgument(_ value: Double, _ argument: String, layer: String) throws -> Double {
    if !(value >= 0) {
        throw SwiftKerasError.invalid("\(layer): \(argument) of a \(layer) layer cannot be a negative value; received \(argument)=\(value)")
    }
    return value
}

/// A layer applying an elementwise function that keeps the input's shape.
public class ElementwiseActivationLayer: Layer {
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }
}

/// An elementwise activation with one parameter `alpha` (LeakyReLU, ELU).
public class AlphaActivationLayer: ElementwiseActivationLayer {
    /// The parameter of the function.
    public let alpha: Double
    let function: (Tensor, Double) throws -> Tensor

    init(alpha: Double, name: String?, dtype: DTypePolicy?, _ function: @escaping (Tensor, Double) throws -> Tensor) {
        self.alpha = alpha
        self.function = function
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor { try function(x, alpha) }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try layerConfig(["alpha": .double(alpha)]) }
}

/// Leaky rectified linear unit: `x` for `x > 0`, `alpha·x` otherwise (tf.keras 2 `LeakyReLU`,
/// `alpha` 0.3 by default).
public final class LeakyReLU: AlphaActivationLayer {
    /// Creates the layer.
    public init(alpha: Double = 0.3, name: String? = nil, dtype: DTypePolicy? = nil) { super.init(alpha: alpha, name: name, dtype: dtype) { try relu($0, alpha: $1) } }
    /// The Keras default alpha, 0.3.
    static let defaultAlpha = 0.3
}

extension LeakyReLU: AlphaLayerConfigurable {
    /// "LeakyReLU".
    public static var className: String { "LeakyReLU" }
}

/// The activation layers whose config holds only "alpha" (their `init(reading:base:)` comes from here).
protocol AlphaLayerConfigurable: AlphaActivationLayer, ConfigurableLayer {
    init(alpha: Double, name: String?, dtype: DTypePolicy?)
    /// The alpha of a config without one.
    static var defaultAlpha: Double { get }
}

extension AlphaLayerConfigurable {
    /// Builds the layer from its config ("alpha").
    init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(alpha: try r.double("alpha", Self.defaultAlpha), name: base.name, dtype: base.dtype)
    }
}

/// Rectified linear unit with Keras' options (tf.keras 2 `ReLU`): `min(x, maxValue)` for
/// `x >= threshold`, `negativeSlope·(x − threshold)` otherwise.
public final class ReLU: ElementwiseActivationLayer {
    /// The upper bound of the output (nil: unbounded).
    public let maxValue: Double?
    /// The slope below the threshold.
    public let negativeSlope: Double
    /// The input value below which the output is damped.
    public let threshold: Double

    /// Creates the layer; negative `maxValue`, `negativeSlope` or `threshold` are an error.
    public init(maxValue: Double? = nil, negativeSlope: Double = 0, threshold: Double = 0,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.maxValue = try maxValue.map { try nonNegativeArgument($0, "max_value", layer: "ReLU") }
        self.negativeSlope = try nonNegativeArgument(negativeSlope, "negative_slope", layer: "ReLU")
        self.threshold = try nonNegativeArgument(threshold, "threshold", layer: "ReLU")
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try relu(x, alpha: negativeSlope, maxValue: maxValue, threshold: threshold)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["max_value": maxValue.map { .double($0) } ?? .null,
                         "negative_slope": .double(negativeSlope), "threshold": .double(threshold)])
    }
}

extension ReLU: ConfigurableLayer {
    /// "ReLU".
    public static var className: String { "ReLU" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(maxValue: try r.double("max_value"), negativeSlope: try r.double("negative_slope", 0),
                      threshold: try r.double("threshold", 0), name: base.name, dtype: base.dtype)
    }
}

/// Parametric ReLU (tf.keras 2 `PReLU`): `x` for `x >= 0`, `alpha·x` otherwise, with a trainable
/// `alpha` of the input's shape without the batch axis; the axes in `sharedAxes` (1-based, as in
/// Keras) share one alpha.
public final class PReLU: ElementwiseActivationLayer {
    public let alphaInitializer: Initializer
    public let alphaRegularizer: Regularizer?
    /// The axes (counting the batch axis as 0) along which alpha is shared.
    public let sharedAxes: [Int]?
    /// The learned slopes, once built.
    public private(set) var alpha: Variable?

    /// Creates the layer (Keras defaults: zero alpha, no sharing).
    public init(alphaInitializer: Initializer = Zeros(), alphaRegularizer: Regularizer? = nil,
                sharedAxes: [Int]? = nil, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.alphaInitializer = alphaInitializer
        self.alphaRegularizer = alphaRegularizer
        self.sharedAxes = sharedAxes
        super.init(name: name, dtype: dtype)
    }

    public override func build(inputShape: [Int]) throws {
        var shape = Array(inputShape.dropFirst())
        for a in sharedAxes ?? [] {
            guard a >= 1 && a <= shape.count else {
                throw SwiftKerasError.invalid("PReLU '\(name)': shared axis \(a) is out of range for inputs of shape \(formatShape(inputShape)) (shared axes count from 1, the first axis after the batch)")
            }
            shape[a - 1] = 1
        }
        if shape.contains(where: { $0 < 0 }) {
            throw SwiftKerasError.invalid("PReLU '\(name)': the dimensions of the input shape \(formatShape(inputShape)) after the batch axis must be known, or shared through shared_axes")
        }
        alpha = try addWeight(name: "alpha", shape: shape, initializer: alphaInitializer, regularizer: alphaRegularizer)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let alpha else { throw SwiftKerasError(.runtime, "PReLU '\(name)': called before build") }
        // relu(x) − alpha·relu(−x), as Keras computes it.
        return try relu(x) - read(alpha) * relu(x.negated())
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["alpha_initializer": .initializer(alphaInitializer),
                         "alpha_regularizer": .regularizer(alphaRegularizer),
                         "shared_axes": sharedAxes.map { .ints($0) } ?? .null])
    }
}

extension PReLU: ConfigurableLayer {
    /// "PReLU".
    public static var className: String { "PReLU" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(alphaInitializer: try r.initializer("alpha_initializer", Zeros()),
                  alphaRegularizer: try r.regularizer("alpha_regularizer"), sharedAxes: try r.ints("shared_axes"),
                  name: base.name, dtype: base.dtype)
    }
}

/// Exponential linear unit (tf.keras 2 `ELU`): `x` for `x > 0`, `alpha·(eˣ − 1)` otherwise.
public final class ELU: AlphaActivationLayer {
    /// Creates the layer.
    public init(alpha: Double = 1, name: String? = nil, dtype: DTypePolicy? = nil) { super.init(alpha: alpha, name: name, dtype: dtype) { try elu($0, alpha: $1) } }
    /// The Keras default alpha, 1.
    static let defaultAlpha = 1.0
}

extension ELU: AlphaLayerConfigurable {
    /// "ELU".
    public static var className: String { "ELU" }
}

/// Softmax over `axes` (tf.keras 2 `Softmax`, axis −1): `exp(x − logsumexp(x, axes))`.
public final class Softmax: ElementwiseActivationLayer {
    /// The normalized axes (one in the usual case).
    public let axes: [Int]

    /// Creates the layer normalizing over `axes`.
    public init(axes: [Int], name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if axes.isEmpty { throw SwiftKerasError.invalid("Softmax: axis must not be an empty list") }
        self.axes = axes
        super.init(name: name, dtype: dtype)
    }

    /// Creates the layer normalizing over `axis`.
    public convenience init(axis: Int = -1, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(axes: [axis], name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        for a in axes where a < -x.rank || a >= x.rank {
            throw SwiftKerasError.invalid("Softmax '\(name)': axis \(a) is out of range for inputs of shape \(formatShape(x.shape))")
        }
        if axes.count == 1 { return try x.softmax(alongAxis: axes[0]) }
        return try exp(x - x.logSumExp(alongAxes: axes, keepingDimensions: true))
    }

    /// The softmax with a mask (tf.keras 2 `Softmax.call(inputs, mask)`): a large negative
    /// number (-1e9; float16's lowest value for float16 inputs) is added where the mask is
    /// false, so those positions get (almost) zero probability; the mask broadcasts against the
    /// inputs as in TensorFlow.
    public override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        guard inputs.count == 1, let mask = masks.first ?? nil else { return try callOutputs(inputs, training: training) }
        let x = inputs[0]
        let adder = try (Scalar.float(1) - mask.cast(to: x.dtype)) * Scalar.float(x.dtype == .float16 ? -65504 : -1e9)
        return [try call(x + adder, training: training)]
    }

    /// The layer's config (see `Layer.getConfig()`): "axis" an integer, or a list for several axes.
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["axis": axes.count == 1 ? .int(axes[0]) : .ints(axes)])
    }
}

extension Softmax: ConfigurableLayer {
    /// "Softmax".
    public static var className: String { "Softmax" }

    /// Builds the layer from its config ("axis" an integer or a list of integers).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(axes: try r.ints("axis") ?? [-1], name: base.name, dtype: base.dtype)
    }
}

/// Thresholded ReLU (tf.keras 2 `ThresholdedReLU`): `x` for `x > theta`, 0 otherwise.
public final class ThresholdedReLU: ElementwiseActivationLayer {
    /// The threshold (non-negative).
    public let theta: Double

    /// Creates the layer; a negative `theta` is an error.
    public init(theta: Double = 1, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.theta = try nonNegativeArgument(theta, "theta", layer: "ThresholdedReLU")
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try x * x.isGreater(than: .float(theta)).cast(to: x.dtype)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try layerConfig(["theta": .double(theta)]) }
}

extension ThresholdedReLU: ConfigurableLayer {
    /// "ThresholdedReLU".
    public static var className: String { "ThresholdedReLU" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(theta: try r.double("theta", 1), name: base.name, dtype: base.dtype)
    }
}
