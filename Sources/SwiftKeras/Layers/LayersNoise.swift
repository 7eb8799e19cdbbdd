// Regularization layers that add noise in training and are the identity at inference (tf.keras 2
// keras/layers/regularization): GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D,
// and ActivityRegularization (an identity adding an activity penalty).

/// The seeds of a noise layer's draws: with a seed, a new deterministic seed per call (the same
/// sequence for the same seed); without, a fresh one each call.
struct NoiseSeeds {
    let seed: UInt64?
    private var calls: UInt64 = 0

    init(_ seed: UInt64?) { self.seed = seed }

    /// The seed of the next draw.
    mutating func next() -> UInt64 {
        guard let seed else { return Random.freshSeed() }
        defer { calls &+= 1 }
        return seed &+ calls &* 0x9E37_79B9_7F4A_7C15
    }
}

/// Checks a rate in [0, 1] (Keras' dropout-rate rule), naming the layer.
func dropoutRate(_ rate: Double, layer: String) throws -> Double {
    if !(rate >= 0 && rate <= 1) {
        throw SwiftKerasError.invalid("\(layer): invalid value received for argument `rate`; expected a float value between 0 and 1, got \(rate)")
    }
    return rate
}

/// A layer that changes its input only in training (the base of the noise layers): floating
/// inputs in training go through `noised`, everything else passes unchanged; shapes are kept.
public class TrainingNoiseLayer: Layer {
    var seeds: NoiseSeeds

    init(seed: UInt64?, name: String?, dtype: DTypePolicy?) {
        seeds = NoiseSeeds(seed)
        super.init(name: name, dtype: dtype)
    }

    /// The seed given at construction (Keras `seed`), or nil.
    public var seed: UInt64? { seeds.seed }

    /// The training-time computation (each subclass gives its own).
    func noised(_ x: Tensor) throws -> Tensor { x }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if !training || !x.dtype.isFloatingPoint { return x }
        return try noised(x)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }
}

/// GaussianNoise and GaussianDropout: normal noise whose size is one argument (`amount`,
/// Keras "stddev" or "rate" by class) plus a seed.
public class GaussianNoiseLayer: TrainingNoiseLayer {
    /// The noise's argument (GaussianNoise `stddev`, GaussianDropout `rate`).
    let amount: Double
    /// The Keras class name and the config key of `amount`.
    class var argument: (className: String, key: String) { ("GaussianNoiseLayer", "stddev") }

    init(amount: Double, seed: UInt64?, name: String?, dtype: DTypePolicy?) {
        self.amount = amount
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// The layer's config: the argument's key and "seed".
    public override func getConfig() throws -> ConfigValue {
        try layerConfig([Self.argument.key: .double(amount), "seed": .seed(seed)])
    }

    /// The Keras class name.
    public class var className: String { argument.className }

    /// Builds the layer from its config (the argument required).
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        try self.init(validating: try r.requiredDouble(Self.argument.key), seed: try r.seed("seed"), name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }

    /// Checks the argument (each subclass its own rule) and creates the layer.
    required convenience init(validating amount: Double, seed: UInt64?, name: String?, dtype: DTypePolicy?) throws {
        if Self.argument.key == "rate" {
            _ = try dropoutRate(amount, layer: Self.className)
        } else if !(amount >= 0) {
            throw SwiftKerasError.invalid("\(Self.className): `\(Self.argument.key)` must be >= 0, got \(amount)")
        }
        self.init(amount: amount, seed: seed, name: name, dtype: dtype)
    }
}

extension GaussianNoiseLayer: KerasSerializable {}

/// Adds zero-centred normal noise of `stddev` in training (tf.keras 2 `GaussianNoise`).
public final class GaussianNoise: GaussianNoiseLayer {
    override class var argument: (className: String, key: String) { ("GaussianNoise", "stddev") }
    /// The noise's standard deviation.
    public var stddev: Double { amount }

    /// Creates the layer; `stddev` must be >= 0.
    public convenience init(stddev: Double, seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(validating: stddev, seed: seed, name: name, dtype: dtype)
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        try x + Random.normal(x.shape, stddev: amount, dtype: x.dtype, seed: seeds.next())
    }
}

/// Multiplies by normal noise of mean 1 and standard deviation `sqrt(rate / (1 - rate))` in
/// training when 0 < rate < 1 (tf.keras 2 `GaussianDropout`).
public final class GaussianDropout: GaussianNoiseLayer {
    override func noised(_ x: Tensor) throws -> Tensor {
        if !(amount > 0 && amount < 1) { return x }
        return try x * Random.normal(x.shape, mean: 1, stddev: (amount / (1 - amount)).squareRoot(), dtype: x.dtype, seed: seeds.next())
    }

    /// Creates the layer; `rate` (the drop probability the noise's variance stands for) must be in [0, 1].
    public convenience init(rate: Double, seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(validating: rate, seed: seed, name: name, dtype: dtype)
    }

    public var rate: Double { amount }
    override class var argument: (className: String, key: String) { ("GaussianDropout", "rate") }
}

/// Alpha dropout for SELU networks (tf.keras 2 `AlphaDropout`): in training with 0 < rate < 1,
/// dropped positions take SELU's negative saturation `-alpha · scale`, then `a · x + b` restores
/// the mean and variance (`a = ((1 - rate)(1 + rate · alpha_p²))^-½`, `b = -a · alpha_p · rate`).
/// `noiseShape` (-1 entries take the input's size) shares the mask across dimensions.
public final class AlphaDropout: TrainingNoiseLayer {
    public let rate: Double
    public let noiseShape: [Int]?

    /// Creates the layer; `rate` must be in [0, 1].
    public init(rate: Double, noiseShape: [Int]? = nil, seed: UInt64? = nil, name: String? = nil,
                dtype: DTypePolicy? = nil) throws {
        self.rate = try dropoutRate(rate, layer: "AlphaDropout")
        self.noiseShape = noiseShape
        super.init(seed: seed, name: name, dtype: dtype)
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        if !(rate > 0 && rate < 1) { return x }
        var shape = x.shape
        if let noiseShape {
            if noiseShape.count != x.rank || zip(noiseShape, x.shape).contains(where: { $0 != -1 && $0 != 1 && $0 != $1 }) {
                throw SwiftKerasError.invalid("AlphaDropout '\(name)': noise_shape \(formatShape(noiseShape)) does not broadcast to the input shape \(formatShape(x.shape))")
            }
            shape = zip(noiseShape, x.shape).map { $0 == -1 ? $1 : $0 }
        }
        let alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        let kept = try Random.uniform(shape, dtype: x.dtype, seed: seeds.next())
            .isGreaterOrEqual(to: try Tensor.scalar(rate, dtype: x.dtype)).cast(to: x.dtype)
        let a = 1 / ((1 - rate) * (1 + rate * alphaP * alphaP)).squareRoot()
        let b = -a * alphaP * rate
        let dropped = try x * kept + (1.0 - kept) * alphaP
        return try dropped * a + b
    }

    /// The layer's config: "rate", "seed" (tf.keras 2 keeps no "noise_shape").
    public override func getConfig() throws -> ConfigValue {
        if noiseShape != nil {
            throw SwiftKerasError(.unimplemented, "AlphaDropout '\(name)': get_config cannot hold noise_shape (tf.keras 2's config has no such key)")
        }
        return try layerConfig(["rate": .double(rate), "seed": .seed(seed)])
    }
}

extension AlphaDropout: ConfigurableLayer {
    /// "AlphaDropout".
    public static var className: String { "AlphaDropout" }

    /// Builds the layer from its config ("rate" required; "noise_shape" accepted as the constructor takes it).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(rate: try r.requiredDouble("rate"), noiseShape: try r.ints("noise_shape"), seed: try r.seed("seed"),
                      name: base.name, dtype: base.dtype)
    }
}

/// Dropout of whole channels (tf.keras 2 `SpatialDropout1D/2D/3D`): in training, each
/// (sample, channel) pair is dropped over all `rank` spatial positions at once and the rest
/// scaled by 1/(1 - rate). Channels-last.
public class SpatialDropout: TrainingNoiseLayer {
    public let rate: Double
    /// The number of spatial dimensions (1, 2 or 3).
    public class var spatialRank: Int { 1 }
    /// The Keras class name.
    public class var className: String { "SpatialDropout\(spatialRank)D" }

    /// Creates the layer; `rate` must be in [0, 1].
    public required init(rate: Double, seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.rate = try dropoutRate(rate, layer: Self.className)
        super.init(seed: seed, name: name, dtype: dtype)
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        let n = Self.spatialRank
        try checkInputRank(x.shape, n + 2)
        if rate == 0 { return x }
        if rate == 1 { return try x * 0.0 }
        let noise = [x.shape[0]] + [Int](repeating: 1, count: n) + [x.shape[n + 1]]
        return try x.dropout(rate: rate, noiseShape: noise, seed: seeds.next())
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, Self.spatialRank + 2)
        return inputShape
    }

    /// The layer's config (tf.keras 2 `Dropout.get_config`: "rate", "noise_shape" null, "seed").
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["rate": .double(rate), "noise_shape": .null, "seed": .seed(seed)])
    }

    /// Builds the layer from its config ("rate" required; "data_format" channels_last only).
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        if Self.spatialRank > 1 { try r.dataFormat() }
        try r.onlyDefault("noise_shape", .null)
        try self.init(rate: try r.requiredDouble("rate"), seed: try r.seed("seed"), name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

extension SpatialDropout: KerasSerializable {}

/// Channel dropout over `(batch, steps, channels)` (tf.keras 2 `SpatialDropout1D`).
public final class SpatialDropout1D: SpatialDropout {
    override public class var spatialRank: Int { 1 }
}

/// Channel dropout over `(batch, rows, cols, channels)` (tf.keras 2 `SpatialDropout2D`).
public final class SpatialDropout2D: SpatialDropout {
    override public class var spatialRank: Int { 2 }
}

/// Channel dropout over `(batch, d1, d2, d3, channels)` (tf.keras 2 `SpatialDropout3D`).
public final class SpatialDropout3D: SpatialDropout {
    override public class var spatialRank: Int { 3 }
}

/// The identity, adding `l1 · Σ|x| + l2 · Σx²` of its output to the losses (tf.keras 2
/// `ActivityRegularization`, through the layer's activity regularizer).
public final class ActivityRegularization: Layer {
    public let l1: Double
    public let l2: Double

    /// Creates the layer (tf.keras 2 defaults: no penalty).
    public init(l1: Double = 0, l2: Double = 0, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.l1 = l1
        self.l2 = l2
        super.init(name: name, dtype: dtype)
        activityRegularizer = try L1L2(l1: l1, l2: l2)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor { x }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config: "l1", "l2" (the regularizer itself is not a key, as in tf.keras 2).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["activity_regularizer"] = nil
        return .object(c.merging(["l1": .double(l1), "l2": .double(l2)]) { _, mine in mine })
    }
}

extension ActivityRegularization: KerasSerializable {
    /// "ActivityRegularization".
    public static var className: String { "ActivityRegularization" }

    /// Builds the layer from its config ("l1", "l2"; an "activity_regularizer" key is refused:
    /// the layer's penalty is its l1 and l2).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        if base.activityRegularizer != nil {
            throw SwiftKerasError.invalid("ActivityRegularization.from_config: give l1 and l2, not activity_regularizer")
        }
        try self.init(l1: try r.double("l1", 0), l2: try r.double("l2", 0), name: base.name, dtype: base.dtype)
        let penalty = activityRegularizer
        try base.finish(r, self)
        activityRegularizer = penalty
    }
}
