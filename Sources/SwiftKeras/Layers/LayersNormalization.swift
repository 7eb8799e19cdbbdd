// BatchNormalization and LayerNormalization (Keras 3 keras/src/layers/normalization).

/// Normalizes each feature of `axis` by the batch statistics while training and by moving
/// averages of them at inference (Keras `BatchNormalization`).
///
/// Training (`training: true` and the layer trainable): `mean` and `variance` (biased) over all
/// axes but `axis`; the moving statistics are updated as
/// `moving = moving · momentum + stat · (1 − momentum)`, the variance entering it times n/(n − 1)
/// where tf.keras 2's fused path applies that (see `movingVarianceCorrection`). Otherwise the moving statistics are
/// used. Output: `(x − mean) / sqrt(variance + epsilon) · gamma + beta`. float16/bfloat16
/// inputs are normalized in float32 and the result cast back (as Keras).
/// Weights: gamma, beta (trainable), moving_mean, moving_variance (non-trainable).
public final class BatchNormalization: Layer {
    public let axis: Int
    public let momentum: Double
    public let epsilon: Double
    public let center: Bool
    public let scale: Bool
    public let betaInitializer: Initializer, gammaInitializer: Initializer
    public let movingMeanInitializer: Initializer, movingVarianceInitializer: Initializer
    public let betaRegularizer: Regularizer?, gammaRegularizer: Regularizer?
    public private(set) var gamma: Variable?
    public private(set) var beta: Variable?
    public private(set) var movingMean: Variable?
    public private(set) var movingVariance: Variable?

    /// Creates the layer with Keras' defaults (axis −1, momentum 0.99, epsilon 1e−3).
    public init(axis: Int = -1, momentum: Double = 0.99, epsilon: Double = 1e-3, center: Bool = true,
                scale: Bool = true, betaInitializer: Initializer = Zeros(), gammaInitializer: Initializer = Ones(),
                movingMeanInitializer: Initializer = Zeros(), movingVarianceInitializer: Initializer = Ones(),
                betaRegularizer: Regularizer? = nil, gammaRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        if !(epsilon > 0) { throw SwiftKerasError.invalid("BatchNormalization: epsilon must be positive, got \(epsilon)") }
        if !(momentum >= 0 && momentum <= 1) {
            throw SwiftKerasError.invalid("BatchNormalization: momentum must be in [0, 1], got \(momentum)")
        }
        self.axis = axis; self.momentum = momentum; self.epsilon = epsilon
        self.center = center; self.scale = scale
        self.betaInitializer = betaInitializer; self.gammaInitializer = gammaInitializer
        self.movingMeanInitializer = movingMeanInitializer; self.movingVarianceInitializer = movingVarianceInitializer
        self.betaRegularizer = betaRegularizer; self.gammaRegularizer = gammaRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    private func resolvedAxis(_ rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        if a < 0 || a >= rank {
            throw SwiftKerasError.invalid("BatchNormalization '\(name)': axis \(axis) is out of range for an input of rank \(rank)")
        }
        return a
    }

    public override func build(inputShape: [Int]) throws {
        let a = try resolvedAxis(inputShape.count)
        let c = inputShape[a]
        if c <= 0 {
            throw SwiftKerasError.invalid("BatchNormalization '\(name)': axis \(axis) of input shape \(formatShape(inputShape)) must have a known, positive size")
        }
        if scale { gamma = try addWeight(name: "gamma", shape: [c], initializer: gammaInitializer, regularizer: gammaRegularizer) }
        if center { beta = try addWeight(name: "beta", shape: [c], initializer: betaInitializer, regularizer: betaRegularizer) }
        movingMean = try addWeight(name: "moving_mean", shape: [c], initializer: movingMeanInitializer, trainable: false)
        movingVariance = try addWeight(name: "moving_variance", shape: [c], initializer: movingVarianceInitializer, trainable: false)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let movingMean, let movingVariance else {
            throw SwiftKerasError(.runtime, "BatchNormalization '\(name)': called before build")
        }
        let a = try resolvedAxis(x.rank)
        let c = movingMean.shape[0]
        if x.shape[a] != c {
            throw SwiftKerasError.invalid("BatchNormalization '\(name)': input of shape \(formatShape(x.shape)) has \(x.shape[a]) features on axis \(axis), expected \(c)")
        }
        let inDType = x.dtype
        let compute: DType = (inDType == .float16 || inDType == .bfloat16) ? .float32 : inDType
        let xc = try x.cast(to: compute)
        var pshape = [Int](repeating: 1, count: x.rank)
        pshape[a] = c
        func param(_ t: Tensor) throws -> Tensor { try t.cast(to: compute).reshaped(to: pshape) }
        let mean: Tensor, variance: Tensor
        let correction = Self.movingVarianceCorrection(shape: x.shape, axis: a, compute: compute)
        // Channels-last training: one fused op (batch statistics and normalization, forward and backward).
        if training && trainable && a == x.rank - 1,
           let fused = try xc.batchNormalizedWithBatchStatistics(gamma: try gamma.map { try $0.value.cast(to: compute) },
                                                                beta: try beta.map { try $0.value.cast(to: compute) },
                                                                epsilon: epsilon) {
            let m = momentum
            try withoutRecording {
                try movingMean.movingAverageUpdate(fused.mean, momentum: m)
                try movingVariance.movingAverageUpdate(correction == 1 ? fused.variance : fused.variance * correction,
                                                       momentum: m)
            }
            return try fused.output.cast(to: inDType)
        }
        if training && trainable {
            let axes = (0..<x.rank).filter { $0 != a }
            mean = try xc.mean(alongAxes: axes, keepingDimensions: true)
            variance = try square(xc - mean).mean(alongAxes: axes, keepingDimensions: true)
            let m = momentum
            try withoutRecording {
                try movingMean.movingAverageUpdate(mean.reshaped(to: [c]), momentum: m)
                let v = try variance.reshaped(to: [c])
                try movingVariance.movingAverageUpdate(correction == 1 ? v : v * correction, momentum: m)
            }
        } else {
            mean = try param(movingMean.value)
            variance = try param(movingVariance.value)
        }
        let y = try xc.batchNormalized(mean: mean, variance: variance,
                                       beta: try beta.map { try param($0.value) },
                                       gamma: try gamma.map { try param($0.value) }, epsilon: epsilon)
        return try y.cast(to: inDType)
    }

    /// The factor applied to the batch variance before it enters the moving variance: n/(n − 1)
    /// (n = elements per feature, when n > 1) where tf.keras 2 takes its default fused path —
    /// 4-D or 5-D inputs normalized along axis 1 or the last axis, not computed in float64 —
    /// whose kernel keeps the unbiased variance; 1 elsewhere (its plain path keeps the biased one).
    /// Outputs use the biased variance on both paths.
    static func movingVarianceCorrection(shape: [Int], axis a: Int, compute: DType) -> Double {
        let fused = (shape.count == 4 || shape.count == 5) && (a == 1 || a == shape.count - 1) && compute != .float64
        let n = shape.enumerated().reduce(1.0) { $1.offset == a ? $0 : $0 * Double($1.element) }
        return fused && n > 1 ? n / (n - 1) : 1
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["axis"] = .int(axis); c["momentum"] = .double(momentum); c["epsilon"] = .double(epsilon)
        try writeAffineConfig(&c)
        c["moving_mean_initializer"] = try .initializer(movingMeanInitializer)
        c["moving_variance_initializer"] = try .initializer(movingVarianceInitializer)
        return .object(c)
    }
}

extension BatchNormalization: KerasSerializable {
    /// "BatchNormalization".
    public static var className: String { "BatchNormalization" }

    /// Builds the layer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let axis = try r.int("axis", -1), momentum = try r.double("momentum", 0.99), epsilon = try r.double("epsilon", 1e-3)
        try r.onlyDefault("synchronized", .bool(false))
        let a = try AffineArguments(&r)
        try self.init(axis: axis, momentum: momentum, epsilon: epsilon, center: a.center, scale: a.scale,
                      betaInitializer: a.betaInitializer, gammaInitializer: a.gammaInitializer,
                      movingMeanInitializer: try r.initializer("moving_mean_initializer", Zeros()),
                      movingVarianceInitializer: try r.initializer("moving_variance_initializer", Ones()),
                      betaRegularizer: a.betaRegularizer, gammaRegularizer: a.gammaRegularizer,
                      name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Normalizes each sample over `axes` (the last by default): `(x − mean) / sqrt(variance + epsilon)
/// · gamma + beta`, with gamma and beta shaped like those axes (Keras `LayerNormalization`,
/// epsilon 1e−3). float16/bfloat16 inputs are normalized in float32 and cast back.
public final class LayerNormalization: Layer {
    public let axes: [Int]
    public let epsilon: Double
    public let center: Bool
    public let scale: Bool
    public let betaInitializer: Initializer, gammaInitializer: Initializer
    public let betaRegularizer: Regularizer?, gammaRegularizer: Regularizer?
    public private(set) var gamma: Variable?
    public private(set) var beta: Variable?

    /// Creates the layer.
    public init(axes: [Int] = [-1], epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true,
                betaInitializer: Initializer = Zeros(), gammaInitializer: Initializer = Ones(),
                betaRegularizer: Regularizer? = nil, gammaRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        if axes.isEmpty { throw SwiftKerasError.invalid("LayerNormalization: axes must not be empty") }
        if !(epsilon > 0) { throw SwiftKerasError.invalid("LayerNormalization: epsilon must be positive, got \(epsilon)") }
        self.axes = axes; self.epsilon = epsilon; self.center = center; self.scale = scale
        self.betaInitializer = betaInitializer; self.gammaInitializer = gammaInitializer
        self.betaRegularizer = betaRegularizer; self.gammaRegularizer = gammaRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    private func resolvedAxes(_ rank: Int) throws -> [Int] {
        let r = try axes.map { ax -> Int in
            let a = ax < 0 ? ax + rank : ax
            if a < 0 || a >= rank {
                throw SwiftKerasError.invalid("LayerNormalization '\(name)': axis \(ax) is out of range for an input of rank \(rank)")
            }
            return a
        }
        if Set(r).count != r.count {
            throw SwiftKerasError.invalid("LayerNormalization '\(name)': duplicate axes in \(axes)")
        }
        return r.sorted()
    }

    public override func build(inputShape: [Int]) throws {
        let ax = try resolvedAxes(inputShape.count)
        let pshape = ax.map { inputShape[$0] }
        if pshape.contains(where: { $0 < 0 }) {
            throw SwiftKerasError.invalid("LayerNormalization '\(name)': normalized axes of input shape \(formatShape(inputShape)) must be known")
        }
        if scale { gamma = try addWeight(name: "gamma", shape: pshape, initializer: gammaInitializer, regularizer: gammaRegularizer) }
        if center { beta = try addWeight(name: "beta", shape: pshape, initializer: betaInitializer, regularizer: betaRegularizer) }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let ax = try resolvedAxes(x.rank)
        let inDType = x.dtype
        let compute: DType = (inDType == .float16 || inDType == .bfloat16) ? .float32 : inDType
        let xc = try x.cast(to: compute)
        var bshape = [Int](repeating: 1, count: x.rank)
        for a in ax { bshape[a] = x.shape[a] }
        func param(_ v: Variable) throws -> Tensor {
            if v.shape != ax.map({ x.shape[$0] }) {
                throw SwiftKerasError.invalid("LayerNormalization '\(name)': input of shape \(formatShape(x.shape)) does not match the weight shape \(formatShape(v.shape))")
            }
            return try v.value.cast(to: compute).reshaped(to: bshape)
        }
        let mean = try xc.mean(alongAxes: ax, keepingDimensions: true)
        let variance = try square(xc - mean).mean(alongAxes: ax, keepingDimensions: true)
        let y = try xc.batchNormalized(mean: mean, variance: variance, beta: try beta.map(param),
                                       gamma: try gamma.map(param), epsilon: epsilon)
        return try y.cast(to: inDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["axis"] = .ints(axes); c["epsilon"] = .double(epsilon)
        try writeAffineConfig(&c)
        return .object(c)
    }
}

extension LayerNormalization: KerasSerializable {
    /// "LayerNormalization".
    public static var className: String { "LayerNormalization" }

    /// Builds the layer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let axes = try r.ints("axis") ?? [-1], epsilon = try r.double("epsilon", 1e-3)
        let a = try AffineArguments(&r)
        try self.init(axes: axes, epsilon: epsilon, center: a.center, scale: a.scale,
                      betaInitializer: a.betaInitializer, gammaInitializer: a.gammaInitializer,
                      betaRegularizer: a.betaRegularizer, gammaRegularizer: a.gammaRegularizer,
                      name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

// MARK: - Configs

/// The normalizations with a learned offset `beta` and scale `gamma`, whose configs share
/// those keys.
protocol AffineNormalization: Layer {
    var center: Bool { get }
    var scale: Bool { get }
    var betaInitializer: Initializer { get }
    var gammaInitializer: Initializer { get }
    var betaRegularizer: Regularizer? { get }
    var gammaRegularizer: Regularizer? { get }
}

extension AffineNormalization {
    /// Writes "center", "scale" and the beta and gamma initializers and regularizers.
    func writeAffineConfig(_ c: inout [String: ConfigValue]) throws {
        c["center"] = .bool(center); c["scale"] = .bool(scale)
        c["beta_initializer"] = try .initializer(betaInitializer); c["gamma_initializer"] = try .initializer(gammaInitializer)
        c["beta_regularizer"] = try .regularizer(betaRegularizer); c["gamma_regularizer"] = try .regularizer(gammaRegularizer)
    }
}

extension BatchNormalization: AffineNormalization {}
extension LayerNormalization: AffineNormalization {}

/// "center", "scale" and the beta and gamma initializers and regularizers of a config.
struct AffineArguments {
    let center: Bool, scale: Bool
    let betaInitializer: Initializer, gammaInitializer: Initializer
    let betaRegularizer: Regularizer?, gammaRegularizer: Regularizer?

    init(_ r: inout ConfigReader) throws {
        center = try r.bool("center", true)
        scale = try r.bool("scale", true)
        betaInitializer = try r.initializer("beta_initializer", Zeros())
        gammaInitializer = try r.initializer("gamma_initializer", Ones())
        betaRegularizer = try r.regularizer("beta_regularizer")
        gammaRegularizer = try r.regularizer("gamma_regularizer")
    }
}

// MARK: - UnitNormalization, GroupNormalization

/// Scales each input to unit L2 norm along `axes` (tf.keras 2 `UnitNormalization`:
/// `x / sqrt(max(Σx², 1e-12))`).
public final class UnitNormalization: Layer {
    public let axes: [Int]
    let axisWasInt: Bool

    /// Creates the layer (tf.keras 2 default: the last axis).
    public init(axes: [Int] = [-1], name: String? = nil, dtype: DTypePolicy? = nil, axisWasInt: Bool = true) throws {
        if axes.isEmpty { throw SwiftKerasError.invalid("UnitNormalization: axis must not be empty") }
        self.axes = axes
        self.axisWasInt = axisWasInt && axes.count == 1
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        for a in axes where a < -x.rank || a >= x.rank {
            throw SwiftKerasError.invalid("UnitNormalization '\(name)': axis \(a) is out of range for an input of rank \(x.rank)")
        }
        return try x.l2Normalized(alongAxes: axes)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config: "axis" (an integer or a list, as given).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["axis": axisWasInt ? .int(axes[0]) : .ints(axes)])
    }
}

extension UnitNormalization: ConfigurableLayer {
    /// "UnitNormalization".
    public static var className: String { "UnitNormalization" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let isInt: Bool = { if case .array? = r.values["axis"] { return false } else { return true } }()
        try self.init(axes: try r.ints("axis") ?? [-1], name: base.name, dtype: base.dtype, axisWasInt: isInt)
    }
}

/// Group normalization (tf.keras 2 `GroupNormalization`, Wu & He): the channels of `axis` are
/// split into `groups`; each sample's group is normalized over its channels and every other
/// non-batch axis, then scaled by `gamma` and shifted by `beta` (per channel; weights in that
/// order). `groups` -1 makes one group per channel (instance normalization).
public final class GroupNormalization: Layer {
    /// The number of groups (-1 given: the number of channels, once built).
    public private(set) var groups: Int
    /// The channel axis, its epsilon, and whether a learned offset (`beta`) and scale (`gamma`) apply.
    public let axis: Int, epsilon: Double, center: Bool, scale: Bool
    public let betaInitializer: Initializer, gammaInitializer: Initializer, betaRegularizer: Regularizer?, gammaRegularizer: Regularizer?
    /// The per-channel scale and offset (when `scale` / `center`).
    public private(set) var gamma: Variable?, beta: Variable?

    /// Creates the layer (tf.keras 2 defaults: 32 groups over the last axis, epsilon 1e-3).
    public init(groups: Int = 32, axis: Int = -1, epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true,
                betaInitializer: Initializer = Zeros(), gammaInitializer: Initializer = Ones(),
                betaRegularizer: Regularizer? = nil, gammaRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if groups == 0 || groups < -1 { throw SwiftKerasError.invalid("GroupNormalization: groups must be positive or -1, got \(groups)") }
        if !(epsilon > 0) { throw SwiftKerasError.invalid("GroupNormalization: epsilon must be positive, got \(epsilon)") }
        self.groups = groups; self.axis = axis; self.epsilon = epsilon; self.center = center; self.scale = scale
        self.betaInitializer = betaInitializer; self.gammaInitializer = gammaInitializer
        self.betaRegularizer = betaRegularizer; self.gammaRegularizer = gammaRegularizer
        super.init(name: name, dtype: dtype)
    }

    private func channelAxis(_ shape: [Int]) throws -> Int {
        let a = axis < 0 ? axis + shape.count : axis
        if a < 1 || a >= shape.count {
            throw SwiftKerasError.invalid("GroupNormalization '\(name)': axis \(axis) is out of range for an input of shape \(formatShape(shape))")
        }
        return a
    }

    public override func build(inputShape: [Int]) throws {
        let a = try channelAxis(inputShape)
        let dim = inputShape[a]
        if dim < 0 {
            throw SwiftKerasError.invalid("GroupNormalization '\(name)': axis \(axis) of input tensor should have a defined dimension but the layer received an input with shape \(formatShape(inputShape))")
        }
        let g = groups == -1 ? dim : groups
        if dim < g { throw SwiftKerasError.invalid("GroupNormalization '\(name)': Number of groups (\(g)) cannot be more than the number of channels (\(dim)).") }
        if dim % g != 0 { throw SwiftKerasError.invalid("GroupNormalization '\(name)': Number of groups (\(g)) must be a multiple of the number of channels (\(dim)).") }
        groups = g
        if scale { gamma = try addWeight(name: "gamma", shape: [dim], initializer: gammaInitializer, regularizer: gammaRegularizer) }
        if center { beta = try addWeight(name: "beta", shape: [dim], initializer: betaInitializer, regularizer: betaRegularizer) }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let a = try channelAxis(x.shape)
        let dim = x.shape[a]
        if dim != (gamma ?? beta)?.shape[0] ?? dim || dim % groups != 0 {
            throw SwiftKerasError.invalid("GroupNormalization '\(name)': input of shape \(formatShape(x.shape)) does not match \(groups) groups of the built channels")
        }
        let inDType = x.dtype
        let compute: DType = (inDType == .float16 || inDType == .bfloat16) ? .float32 : inDType
        var grouped = x.shape
        grouped.replaceSubrange(a...a, with: [groups, dim / groups])
        let xg = try x.cast(to: compute).reshaped(to: grouped)
        let reduce = (1..<grouped.count).filter { $0 != a }
        let mean = try xg.mean(alongAxes: reduce, keepingDimensions: true)
        let variance = try square(xg - mean).mean(alongAxes: reduce, keepingDimensions: true)
        var pshape = [Int](repeating: 1, count: grouped.count)
        pshape[a] = groups; pshape[a + 1] = dim / groups
        func param(_ v: Variable) throws -> Tensor { try v.value.cast(to: compute).reshaped(to: pshape) }
        let y = try xg.batchNormalized(mean: mean, variance: variance, beta: try beta.map(param),
                                       gamma: try gamma.map(param), epsilon: epsilon)
        return try y.reshaped(to: x.shape).cast(to: inDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (tf.keras 2 `GroupNormalization.get_config`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["groups"] = .int(groups); c["axis"] = .int(axis); c["epsilon"] = .double(epsilon)
        try writeAffineConfig(&c)
        return .object(c)
    }
}

extension GroupNormalization: AffineNormalization {}

extension GroupNormalization: ConfigurableLayer {
    /// "GroupNormalization".
    public static var className: String { "GroupNormalization" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let groups = try r.int("groups", 32), axis = try r.int("axis", -1), epsilon = try r.double("epsilon", 1e-3)
        let a = try AffineArguments(&r)
        try self.init(groups: groups, axis: axis, epsilon: epsilon, center: a.center, scale: a.scale,
                      betaInitializer: a.betaInitializer, gammaInitializer: a.gammaInitializer,
                      betaRegularizer: a.betaRegularizer, gammaRegularizer: a.gammaRegularizer,
                      name: base.name, dtype: base.dtype)
    }
}
