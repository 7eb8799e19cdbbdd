// Keras `Discretization` (tf-keras 2 `discretization.py`): buckets numbers by bin boundaries,
// given or learned by `adapt` from tf-keras' approximate quantile summaries (float32 weighted
// samples merged and compressed with numpy's `interp`, reproduced step by step here).

/// A weighted sample of values in ascending order (tf-keras' quantile summary: row 0 the
/// values, row 1 their weights), kept in float32 as Keras keeps it.
struct QuantileSummary {
    var values: [Float] = []
    var weights: [Float] = []

    /// Every `n / (1 / epsilon)`-th value of the sorted data, each weighing that step (`summarize`).
    init(data: [Float], epsilon: Double) {
        let sorted = data.sorted()
        let increment = Int(Float(sorted.count) / Float(1.0 / epsilon))
        let step = Swift.max(increment, 1)
        var i = increment
        while i < sorted.count {
            values.append(sorted[i])
            weights.append(Float(step))
            i += step
        }
    }

    init() {}

    /// The two summaries merged in order of value (ties keep the order new, then old), then
    /// compressed (`merge_summaries`).
    func merged(into old: QuantileSummary, epsilon: Double) -> QuantileSummary {
        let v = values + old.values, w = weights + old.weights
        let order = v.indices.sorted { v[$0] < v[$1] || (v[$0] == v[$1] && $0 < $1) }
        var m = QuantileSummary()
        m.values = order.map { v[$0] }
        m.weights = order.map { w[$0] }
        return m.compressed(epsilon: epsilon)
    }

    /// The summary re-sampled at the cumulative weight fractions `epsilon, 2·epsilon, ...`
    /// (`_compress_summary_numpy`); unchanged when it has fewer than `1 / epsilon` entries.
    func compressed(epsilon: Double) -> QuantileSummary {
        if Double(values.count) * epsilon < 1 { return self }
        var cumulative: [Float] = []
        var total: Float = 0
        for w in weights { total += w; cumulative.append(total) }
        let fractions = cumulative.map { Double($0 / total) }
        let count = Int((1.0 / epsilon).rounded(.up))
        let percents = (0 ..< count).map { epsilon + Double($0) * epsilon }
        let bins = percents.map { numpyInterp($0, fractions, values.map(Double.init)) }
        let cum = percents.map { numpyInterp($0, fractions, cumulative.map(Double.init)) }
        var out = QuantileSummary()
        out.values = bins.map { Float($0) }
        out.weights = cum.indices.map { Float(cum[$0] - ($0 == 0 ? 0 : cum[$0 - 1])) }
        return out
    }
}

/// numpy's `interp(x, xp, fp)` for increasing `xp`: the end values outside, `fp[j]` at an
/// exact `xp[j]`, the line through the last `xp[j] <= x` and the next point otherwise.
func numpyInterp(_ x: Double, _ xp: [Double], _ fp: [Double]) -> Double {
    guard let first = xp.first, let last = xp.last else { return .nan }
    if x < first { return fp[0] }
    if x > last { return fp[fp.count - 1] }
    var lo = 0, hi = xp.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if xp[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    let j = lo - 1
    if j >= xp.count - 1 || xp[j] == x { return fp[j] }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    return slope * (x - xp[j]) + fp[j]
}

/// Buckets numbers (Keras `Discretization`): the bucket of `x` is the number of boundaries
/// `<= x` (TF's `Bucketize`, boundaries in float32), returned as int64 ids or one_hot /
/// multi_hot / count vectors of `boundaries + 1` bins. The boundaries are given
/// (`bin_boundaries`) or learned by `adapt` for `num_bins` bins, `epsilon` being the
/// precision of the quantile summaries; adapted boundaries are kept in the config.
public final class Discretization: Layer, AdaptableLayer {
    /// The boundaries given to the constructor, or nil when the layer adapts.
    public let givenBoundaries: [Double]?
    public let numBins: Int?
    public let epsilon: Double
    public let outputMode: CategoricalOutputMode
    /// The boundaries in use (given, or adapted; empty before `adapt`).
    public private(set) var binBoundaries: [Double]
    private var summary = QuantileSummary()

    /// Creates the layer; `binBoundaries` and `numBins` are not both given (unless the
    /// boundaries are `numBins - 1` adapted ones restored from a config).
    public init(binBoundaries: [Double]? = nil, numBins: Int? = nil, epsilon: Double = 0.01,
                outputMode: CategoricalOutputMode = .int, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if let n = numBins, n < 0 {
            throw SwiftKerasError.invalid("Discretization: `num_bins` must be greater than or equal to 0. You passed `num_bins=\(n)`")
        }
        if !(epsilon > 0 && epsilon <= 1) {
            throw SwiftKerasError.invalid("Discretization: `epsilon` must be in (0, 1], got \(epsilon)")
        }
        var restored = false
        if let n = numBins, let b = binBoundaries {
            if b.count != n - 1 {
                throw SwiftKerasError.invalid("Discretization: both `num_bins` and `bin_boundaries` should not be set. You passed `num_bins=\(n)` and `bin_boundaries=\(b)`")
            }
            restored = true
        }
        givenBoundaries = restored ? nil : binBoundaries
        self.numBins = numBins
        self.epsilon = epsilon
        self.outputMode = outputMode
        self.binBoundaries = (binBoundaries ?? []).map { Double(Float($0)) }
        super.init(name: name, dtype: dtype)
        autocast = false
    }

    /// The bucket of each element of `x` (numeric), row-major.
    public func buckets(_ x: Tensor) throws -> [Int64] {
        if x.dtype == .string || x.dtype == .bool {
            throw SwiftKerasError.dtype("Discretization '\(name)': expected numeric inputs, got dtype \(x.dtype)")
        }
        var values = try x.cast(to: .float64).doubles
        if !x.dtype.isFloatingPoint { values = values.map { Double(Float($0)) } }
        return values.map { v in
            var lo = 0, hi = binBoundaries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if binBoundaries[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            return Int64(lo)
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let ids = try buckets(x)
        if outputMode == .int { return try Tensor(ids, shape: x.shape) }
        return try encodeCategorical(ids, shape: x.shape, mode: outputMode, depth: binBoundaries.count + 1,
                                     dtype: computeDType, owner: "Discretization '\(name)'")
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    // MARK: adapt

    /// Keras adapts arrays in batches of 32 when no batch size is given.
    public var defaultAdaptBatchSize: Int? { 32 }

    public func resetAdaptState() throws {
        if let b = givenBoundaries {
            throw SwiftKerasError.invalid("Discretization '\(name)': cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, use `num_bins` instead. You passed `bin_boundaries=\(b)`")
        }
        if numBins == nil {
            throw SwiftKerasError.invalid("Discretization '\(name)': `num_bins` must be set to adapt the layer")
        }
        summary = QuantileSummary()
    }

    public func updateAdaptState(_ batch: Tensor) throws {
        if batch.dtype == .string || batch.dtype == .bool {
            throw SwiftKerasError.dtype("Discretization '\(name)': expected numeric data to adapt, got dtype \(batch.dtype)")
        }
        let data = try batch.cast(to: .float32).scalars(as: Float.self)
        summary = QuantileSummary(data: data, epsilon: epsilon).merged(into: summary, epsilon: epsilon)
    }

    public func finalizeAdaptState() throws {
        guard let n = numBins, n > 0 else { return }
        let values = summary.compressed(epsilon: 1.0 / Double(n)).values
        binBoundaries = values.dropLast().map(Double.init)
    }

    /// The layer's config (see `Layer.getConfig()`); an adapted layer keeps its boundaries.
    public override func getConfig() throws -> ConfigValue {
        let adapted = givenBoundaries == nil && !binBoundaries.isEmpty
        let bounds: ConfigValue = givenBoundaries.map { .array($0.map { .double($0) }) }
            ?? (adapted ? .array(binBoundaries.map { .double($0) }) : .null)
        return try layerConfig(["bin_boundaries": bounds, "num_bins": numBins.map { .int($0) } ?? .null,
                                "epsilon": .double(epsilon), "output_mode": .string(outputMode.rawValue),
                                "sparse": .bool(false)])
    }
}

extension Discretization: ConfigurableLayer {
    /// "Discretization".
    public static var className: String { "Discretization" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let mode = try r.binOutputMode(owner: "Discretization")
        try self.init(binBoundaries: try r.thresholdList("bin_boundaries"), numBins: try r.int("num_bins"),
                      epsilon: try r.double("epsilon", 0.01), outputMode: mode, name: base.name, dtype: base.dtype)
    }
}
