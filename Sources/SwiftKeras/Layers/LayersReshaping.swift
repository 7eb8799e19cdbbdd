// Reshaping layers of the spatial axes (tf.keras 2 keras/layers/reshaping): ZeroPadding1D,
// Cropping1D, Cropping2D (channels_last) and UpSampling1D.

/// A layer that zero-pads (`crops` false) or crops (`crops` true) the spatial axes of
/// channels-last inputs of rank `edges.count + 2` by `edges[i]` = (before, after) on axis `i + 1`.
public class SpatialEdgesLayer: Layer {
    /// (before, after) per spatial axis.
    public let edges: [(Int, Int)]
    let crops: Bool
    /// The config key: "padding" or "cropping".
    var key: String { crops ? "cropping" : "padding" }

    init(edges: [(Int, Int)], crops: Bool, name: String?, dtype: DTypePolicy?) throws {
        self.edges = edges
        self.crops = crops
        super.init(name: name, dtype: dtype)
        if edges.contains(where: { $0.0 < 0 || $0.1 < 0 || $0.0 > Int(Int32.max) || $0.1 > Int(Int32.max) }) {
            throw SwiftKerasError.invalid("\(className): `\(key)` must be non-negative (and below 2^31), got \(edges)")
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try checkInputRank(x.shape, edges.count + 2)
        if !crops { return try x.padded([(0, 0)] + edges + [(0, 0)]) }
        for (i, e) in edges.enumerated() where x.count > 0 && e.0 + e.1 >= x.shape[i + 1] {
            throw SwiftKerasError.invalid("\(className) '\(name)': `cropping` \(e) must be smaller than the size \(x.shape[i + 1]) of axis \(i + 1) of inputs of shape \(formatShape(x.shape))")
        }
        return try x.sliced(start: [nil] + edges.map { $0.0 }, stop: [nil] + edges.indices.map { x.shape[$0 + 1] - edges[$0].1 })
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, edges.count + 2)
        var out = inputShape
        for (i, e) in edges.enumerated() where out[i + 1] >= 0 {
            let (n, overflow) = out[i + 1].addingReportingOverflow(crops ? -(e.0 + e.1) : e.0 + e.1)
            if overflow || n < 0 {
                throw SwiftKerasError.invalid("\(className) '\(name)': `\(key)` \(e) does not fit axis \(i + 1) of input shape \(formatShape(inputShape))")
            }
            out[i + 1] = n
        }
        return out
    }

    /// The layer's config: the key holding a pair (one axis) or a pair of pairs, and
    /// "data_format" for 2-D.
    public override func getConfig() throws -> ConfigValue {
        let pairs = edges.map { ConfigValue.ints([$0.0, $0.1]) }
        var own: [String: ConfigValue] = [key: pairs.count == 1 ? pairs[0] : .array(pairs)]
        if edges.count > 1 { own["data_format"] = .string("channels_last") }
        return try layerConfig(own)
    }
}

extension ConfigReader {
    /// `(before, after)` for each of `axes` spatial axes from `key`: an integer (every side), a
    /// list of one integer per axis (both sides) or, with one axis, a pair; with several axes a
    /// list of pairs. Absent or null gives `def` on every side.
    mutating func edges(_ key: String, axes: Int, _ def: Int) throws -> [(Int, Int)] {
        guard let v = raw(key) else { return Array(repeating: (def, def), count: axes) }
        let what = axes == 1 ? "an integer or a pair of integers" : "an integer, a list of \(axes) integers or a list of \(axes) pairs"
        func int(_ e: ConfigValue) throws -> Int {
            guard case .int(let i) = e else { throw fail(key, what, v) }
            return i
        }
        func pair(_ e: ConfigValue) throws -> (Int, Int) {
            if case .array(let q) = e, q.count == 2 { return (try int(q[0]), try int(q[1])) }
            let i = try int(e)
            return (i, i)
        }
        switch v {
        case .int(let i): return Array(repeating: (i, i), count: axes)
        case .array where axes == 1: return [try pair(v)]
        case .array(let a) where a.count == axes: return try a.map(pair)
        default: throw fail(key, what, v)
        }
    }
}

/// The one-axis layers (ZeroPadding1D, Cropping1D) read from configs: their key holds an
/// integer or a pair, 1 on each side by default.
protocol TimeEdgesConfigurable: SpatialEdgesLayer, ConfigurableLayer {
    /// Creates the layer with `edges` (before, after) and the base arguments.
    init(edges: (Int, Int), _ base: LayerBaseArguments) throws
    /// The config key ("padding" or "cropping").
    static var edgesKey: String { get }
}

extension TimeEdgesConfigurable {
    /// Builds the layer from its config (the key: an integer or a pair).
    init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(edges: try r.edges(Self.edgesKey, axes: 1, 1)[0], base)
    }
}

/// Zero-pads the time axis of `(batch, steps, features)` inputs (tf.keras 2 `ZeroPadding1D`, 1 on
/// each side by default).
public final class ZeroPadding1D: SpatialEdgesLayer, TimeEdgesConfigurable {
    /// Creates the layer padding `padding.0` steps before and `padding.1` after.
    public init(padding: (Int, Int) = (1, 1), name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try super.init(edges: [padding], crops: false, name: name, dtype: dtype)
    }
    convenience init(edges: (Int, Int), _ base: LayerBaseArguments) throws { try self.init(padding: edges, name: base.name, dtype: base.dtype) }
    /// "ZeroPadding1D" (its config key: "padding").
    public static var className: String { "ZeroPadding1D" }
    static var edgesKey: String { "padding" }
}

/// Crops the time axis of `(batch, steps, features)` inputs (tf.keras 2 `Cropping1D`, 1 on each
/// side by default).
public final class Cropping1D: SpatialEdgesLayer, TimeEdgesConfigurable {
    /// "Cropping1D" (its config key: "cropping").
    public static var className: String { "Cropping1D" }
    static var edgesKey: String { "cropping" }
    /// Creates the layer removing `cropping.0` steps at the start and `cropping.1` at the end.
    public init(cropping: (Int, Int) = (1, 1), name: String? = nil, dtype: DTypePolicy? = nil) throws { try super.init(edges: [cropping], crops: true, name: name, dtype: dtype) }
    convenience init(edges: (Int, Int), _ base: LayerBaseArguments) throws { try self.init(cropping: edges, name: base.name, dtype: base.dtype) }
}

/// Crops the rows and columns of `(batch, rows, cols, channels)` inputs (tf.keras 2
/// `Cropping2D`, channels_last; nothing by default).
public final class Cropping2D: SpatialEdgesLayer {
    /// Creates the layer removing `cropping.0` (top, bottom) rows and `cropping.1` (left, right) columns.
    public init(cropping: ((Int, Int), (Int, Int)) = ((0, 0), (0, 0)), name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try super.init(edges: [cropping.0, cropping.1], crops: true, name: name, dtype: dtype)
    }
}

extension Cropping2D: ConfigurableLayer {
    /// "Cropping2D".
    public static var className: String { "Cropping2D" }

    /// Builds the layer from its config ("cropping": an integer, a pair or a pair of pairs).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.dataFormat()
        let e = try r.edges("cropping", axes: 2, 0)
        try self.init(cropping: (e[0], e[1]), name: base.name, dtype: base.dtype)
    }
}

/// Repeats each time step `size` times (tf.keras 2 `UpSampling1D`, size 2).
public final class UpSampling1D: Layer {
    /// How many times each step is repeated.
    public let size: Int

    /// Creates the layer; `size` must be positive.
    public init(size: Int = 2, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.size = try positiveArgument(size, "size", layer: "UpSampling1D"); super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        _ = try computeOutputShape(x.shape)
        return try x.repeatingElements(count: size, axis: 1)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 3)
        let (steps, overflow) = inputShape[1].multipliedReportingOverflow(by: size)
        if overflow {
            throw SwiftKerasError.invalid("UpSampling1D '\(name)': \(inputShape[1]) steps repeated \(size) times overflow")
        }
        return [inputShape[0], inputShape[1] < 0 ? -1 : steps, inputShape[2]]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try layerConfig(["size": .int(size)]) }
}

extension UpSampling1D: ConfigurableLayer {
    /// "UpSampling1D".
    public static var className: String { "UpSampling1D" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let size = try r.int("size", 2)
        try self.init(size: size, name: base.name, dtype: base.dtype)
    }
}
