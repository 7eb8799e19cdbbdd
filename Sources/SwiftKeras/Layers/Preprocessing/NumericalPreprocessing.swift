// The numerical preprocessing layers: Normalization (adaptable) and Rescaling.

/// Shifts and scales inputs to mean 0 and variance 1 per feature (Keras `Normalization`):
/// `(x - mean) / max(sqrt(variance), epsilon)`, or the inverse with `invert`. `axis` lists the
/// axes that keep their own statistics (default the last; empty = one mean for everything).
/// The mean and variance are given, or learned by `adapt` into the non-trainable weights
/// "mean", "variance" and "count" (saved with the model's weights, as Keras does).
public final class Normalization: Layer, AdaptableLayer {
    /// The kept axes as given (negative count from the end).
    public let axis: [Int]
    public let invert: Bool
    /// The statistics given to the constructor (nil when adapted).
    public let givenMean: [Double]?
    public let givenVariance: [Double]?
    private var meanWeight: Variable?
    private var varianceWeight: Variable?
    private var countWeight: Variable?
    private var broadcastShape: [Int] = []
    private var statShape: [Int] = []
    // adapt accumulators (float64)
    private var accMean: [Double] = []
    private var accVar: [Double] = []
    private var accCount = 0

    /// Creates the layer; `mean` and `variance` are both given or both nil.
    public init(axis: [Int] = [-1], mean: [Double]? = nil, variance: [Double]? = nil, invert: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if (mean == nil) != (variance == nil) {
            throw SwiftKerasError.invalid("Normalization: when setting values directly, both `mean` and `variance` must be set. Got mean: \(mean.map { "\($0)" } ?? "None") and variance: \(variance.map { "\($0)" } ?? "None")")
        }
        self.axis = axis
        self.invert = invert
        givenMean = mean
        givenVariance = variance
        super.init(name: name, dtype: dtype)
    }

    private func keptAxes(_ rank: Int) throws -> [Int] {
        var kept: [Int] = []
        for a in axis {
            let n = a < 0 ? a + rank : a
            if n < 0 || n >= rank {
                throw SwiftKerasError.invalid("Normalization '\(name)': all `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=\(rank), while axis=\(axis)")
            }
            if !kept.contains(n) { kept.append(n) }
        }
        return kept.sorted()
    }

    public override func build(inputShape: [Int]) throws {
        let kept = try keptAxes(inputShape.count)
        for a in kept where inputShape[a] < 0 {
            throw SwiftKerasError.invalid("Normalization '\(name)': all `axis` values to be kept must have known shape. Got axis: \(axis), input shape: \(formatShape(inputShape)), with unknown axis at index: \(a)")
        }
        statShape = kept.map { inputShape[$0] }
        broadcastShape = (0 ..< inputShape.count).map { kept.contains($0) ? inputShape[$0] : 1 }
        if givenMean == nil {
            meanWeight = try addWeight(name: "mean", shape: statShape, initializer: Zeros(), trainable: false)
            varianceWeight = try addWeight(name: "variance", shape: statShape, initializer: Ones(), trainable: false)
            countWeight = try addWeight(name: "count", shape: [], initializer: Zeros(), trainable: false, dtype: .int64)
        }
    }

    /// The mean and variance broadcastable against the input.
    private func statistics() throws -> (Tensor, Tensor) {
        if let m = givenMean, let v = givenVariance {
            let n = broadcastShape.reduce(1, *)
            func shaped(_ a: [Double], _ what: String) throws -> Tensor {
                if a.count == 1 { return try Tensor.full(broadcastShape, value: a[0], dtype: computeDType) }
                if a.count != n {
                    throw SwiftKerasError.invalid("Normalization '\(name)': `\(what)` has \(a.count) values, the kept axes of the input have \(n)")
                }
                return try Tensor.from(doubles: a, shape: broadcastShape, dtype: computeDType)
            }
            return (try shaped(m, "mean"), try shaped(v, "variance"))
        }
        guard let mw = meanWeight, let vw = varianceWeight else {
            throw SwiftKerasError(.runtime, "Normalization '\(name)': called before build")
        }
        return (try read(mw).cast(to: computeDType).reshaped(to: broadcastShape),
                try read(vw).cast(to: computeDType).reshaped(to: broadcastShape))
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let xc = try x.cast(to: computeDType)
        let (mean, variance) = try statistics()
        let scale = try maximum(try sqrt(variance), Scalar.float(KerasSettings.epsilon))
        if invert { return try mean.adding(try xc.multiplying(scale)) }
        return try xc.subtracting(mean).dividing(by: scale)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    // MARK: adapt

    public func resetAdaptState() throws {
        if givenMean != nil {
            throw SwiftKerasError.invalid("Normalization '\(name)': cannot adapt a layer created with `mean` and `variance`")
        }
        accMean = []; accVar = []; accCount = 0
    }

    public func updateAdaptState(_ batch: Tensor) throws {
        var data = try batch.cast(to: .float64)
        if data.rank == 1 && axis.count == 1 && (axis[0] == -1 || axis[0] == 0) && !built {
            data = try data.reshaped(to: [data.shape[0], 1])
        }
        if !built {
            try buildIfNeeded([[-1] + Array(data.shape.dropFirst())])
        }
        let kept = try keptAxes(data.rank)
        if kept.map({ data.shape[$0] }) != statShape {
            throw SwiftKerasError.invalid("Normalization '\(name)': adapt data of shape \(formatShape(data.shape)) does not match the layer's kept dimensions \(formatShape(statShape))")
        }
        let reduce = (0 ..< data.rank).filter { !kept.contains($0) }
        let bm = try data.mean(alongAxes: reduce).doubles
        let bv = try data.variance(alongAxes: reduce).doubles
        let bc = reduce.reduce(1) { $0 * data.shape[$1] }
        if accCount == 0 {
            accMean = bm; accVar = bv; accCount = bc
            return
        }
        let total = accCount + bc
        let bw = Double(bc) / Double(total), ew = 1 - bw
        for i in 0 ..< accMean.count {
            let tm = accMean[i] * ew + bm[i] * bw
            let em = accMean[i] - tm, dm = bm[i] - tm
            let existing: Double = (accVar[i] + em * em) * ew
            let incoming: Double = (bv[i] + dm * dm) * bw
            accVar[i] = existing + incoming
            accMean[i] = tm
        }
        accCount = total
    }

    public func finalizeAdaptState() throws {
        guard let mw = meanWeight, let vw = varianceWeight, let cw = countWeight else { return }
        if accCount == 0 { return }
        try mw.assign(try Tensor.from(doubles: accMean, shape: statShape, dtype: mw.value.dtype))
        try vw.assign(try Tensor.from(doubles: accVar, shape: statShape, dtype: vw.value.dtype))
        try cw.assign(try Tensor.from(doubles: [Double(accCount)], shape: [], dtype: .int64))
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["axis": axis.count == 1 ? .int(axis[0]) : .array(axis.map { .int($0) }),
                         "invert": .bool(invert),
                         "mean": givenMean.map { .array($0.map { .double($0) }) } ?? .null,
                         "variance": givenVariance.map { .array($0.map { .double($0) }) } ?? .null])
    }
}

extension Normalization: ConfigurableLayer {
    /// "Normalization".
    public static var className: String { "Normalization" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let axis: [Int]
        if r.has("axis"), r.values["axis"] == .null {
            _ = r.raw("axis")
            axis = []
        } else {
            axis = try r.ints("axis") ?? [-1]
        }
        try self.init(axis: axis, mean: try r.thresholdList("mean"), variance: try r.thresholdList("variance"),
                      invert: try r.bool("invert", false), name: base.name, dtype: base.dtype)
    }
}

/// Multiplies inputs by `scale` and adds `offset` (Keras `Rescaling`), in the compute dtype
/// (integer images become floats).
public final class Rescaling: Layer {
    public let scale: Double
    public let offset: Double

    /// Creates the layer.
    public init(scale: Double, offset: Double = 0, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.scale = scale
        self.offset = offset
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try x.cast(to: computeDType).multiplying(.float(scale)).adding(.float(offset))
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["scale": .double(scale), "offset": .double(offset)])
    }
}

extension Rescaling: ConfigurableLayer {
    /// "Rescaling".
    public static var className: String { "Rescaling" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(scale: try r.requiredDouble("scale"), offset: try r.double("offset", 0), name: base.name, dtype: base.dtype)
    }
}

/// Encodes integer ids as one-hot, multi-hot or count vectors (Keras `CategoryEncoding`).
public final class CategoryEncoding: Layer {
    public let numTokens: Int
    public let outputMode: CategoricalOutputMode

    /// Creates the layer; `numTokens` must be positive.
    public init(numTokens: Int, outputMode: CategoricalOutputMode = .multiHot, name: String? = nil,
                dtype: DTypePolicy? = nil) throws {
        if numTokens < 1 {
            throw SwiftKerasError.invalid("CategoryEncoding: `num_tokens` must be >= 1, got \(numTokens)")
        }
        if outputMode == .int || outputMode == .tfIdf {
            throw SwiftKerasError.invalid("CategoryEncoding: unknown `output_mode` \"\(outputMode.rawValue)\"; expected one of \"one_hot\", \"multi_hot\", \"count\"")
        }
        self.numTokens = numTokens
        self.outputMode = outputMode
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try encodeCategorical(try integerIds(x, owner: "CategoryEncoding '\(name)'"), shape: x.shape, mode: outputMode,
                              depth: numTokens, dtype: computeDType, owner: "CategoryEncoding '\(name)'")
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["num_tokens": .int(numTokens), "output_mode": .string(outputMode.rawValue), "sparse": .bool(false)])
    }
}

extension CategoryEncoding: ConfigurableLayer {
    /// "CategoryEncoding".
    public static var className: String { "CategoryEncoding" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("sparse", .bool(false))
        let mode = try CategoricalOutputMode.parse(try r.string("output_mode") ?? "multi_hot",
                                                   allowed: [.oneHot, .multiHot, .count], owner: "CategoryEncoding")
        guard let n = try r.int("num_tokens") else {
            throw SwiftKerasError.invalid("CategoryEncoding: `num_tokens` must be set, got None")
        }
        try self.init(numTokens: n, outputMode: mode, name: base.name, dtype: base.dtype)
    }
}
