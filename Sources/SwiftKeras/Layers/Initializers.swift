import Glibc

/// Something that makes a weight's initial value (`keras.initializers.Initializer`).
///
/// Seeds: an initializer given a `seed` makes the same values on every call (as Keras warns);
/// without one, each call draws a fresh seed from `Random`.
public protocol Initializer: AnyObject {
    /// A tensor of `shape` and `dtype` with the initial values.
    func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor
}

/// A custom initializer from a closure (for C and Python callbacks).
public final class ClosureInitializer: Initializer {
    private let body: ([Int], DType) throws -> Tensor
    /// Wraps `body(shape, dtype)`.
    public init(_ body: @escaping ([Int], DType) throws -> Tensor) { self.body = body }
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        let t = try body(shape, dtype)
        if t.shape != shape {
            throw SwiftKerasError.invalid("initializer: the custom initializer returned shape \(formatShape(t.shape)) for requested shape \(formatShape(shape))")
        }
        return try t.cast(to: dtype)
    }
}

/// Zeros (`keras.initializers.Zeros`).
public final class Zeros: ArgumentlessInitializer {
    /// Creates the initializer.
    public init() {}
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor { try Tensor.zeros(shape, dtype: dtype) }
    /// "Zeros".
    public static var className: String { "Zeros" }
    /// Its function names too.
    public static var aliases: [String] { ["zeros", "zero"] }
}

/// Ones (`keras.initializers.Ones`).
public final class Ones: ArgumentlessInitializer {
    /// Creates the initializer.
    public init() {}
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor { try Tensor.ones(shape, dtype: dtype) }
    /// "Ones".
    public static var className: String { "Ones" }
    /// Its function names too.
    public static var aliases: [String] { ["ones", "one"] }
}

/// The initializers without arguments (Zeros, Ones): their config is empty.
public protocol ArgumentlessInitializer: Initializer, KerasSerializable {
    /// Creates the initializer.
    init()
}

extension ArgumentlessInitializer {
    /// The config: empty.
    public func getConfig() throws -> ConfigValue { .object([:]) }

    /// Builds the initializer from its config (no keys allowed).
    public init(config: ConfigValue) throws {
        try ConfigReader(config, owner: Self.className).finish()
        self.init()
    }
}

/// A constant value (`keras.initializers.Constant`, value 0 by default).
public final class Constant: Initializer {
    /// The value every element gets.
    public let value: Double
    /// Creates the initializer.
    public init(_ value: Double = 0) { self.value = value }
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        try Tensor.full(shape, value: value, dtype: dtype)
    }
}

extension Constant: KerasSerializable {
    /// "Constant".
    public static var className: String { "Constant" }
    /// Its function name too.
    public static var aliases: [String] { ["constant"] }

    /// The config: "value".
    public func getConfig() throws -> ConfigValue { .object(["value": .double(value)]) }

    /// Builds the initializer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(try r.double("value", 0))
        try r.finish()
    }
}

/// What RandomNormal and TruncatedNormal share: float values drawn around `mean` with
/// `stddev`, their config "mean", "stddev", "seed".
public class NormalDistributionInitializer: Initializer {
    public let mean: Double, stddev: Double, seed: UInt64?
    /// Creates the initializer.
    public required init(mean: Double = 0, stddev: Double = 0.05, seed: UInt64? = nil) {
        self.mean = mean; self.stddev = stddev; self.seed = seed
    }
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        try floatOnly(Self.className, dtype)
        return try draw(shape, dtype)
    }
    /// The values (each subclass draws from its distribution).
    func draw(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "\(Self.className): draw is implemented by RandomNormal and TruncatedNormal")
    }

    /// The Keras class name (each subclass gives its own).
    public class var className: String { "NormalDistributionInitializer" }
    /// The function names (each subclass gives its own).
    public class var aliases: [String] { [] }

    /// Builds the initializer from its config.
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(mean: try r.double("mean", 0), stddev: try r.double("stddev", 0.05), seed: try r.seed("seed"))
        try r.finish()
    }
}

extension NormalDistributionInitializer: KerasSerializable {
    /// The config: "mean", "stddev", "seed".
    public func getConfig() throws -> ConfigValue { .object(["mean": .double(mean), "stddev": .double(stddev), "seed": .seed(seed)]) }
}

/// Normal values (`keras.initializers.RandomNormal`, mean 0, stddev 0.05).
public final class RandomNormal: NormalDistributionInitializer {
    /// "RandomNormal".
    public override class var className: String { "RandomNormal" }
    /// Its function names too.
    public override class var aliases: [String] { ["random_normal", "normal"] }
    override func draw(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        try Random.normal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)
    }
}

/// Uniform values in [minval, maxval) (`keras.initializers.RandomUniform`, ±0.05).
public final class RandomUniform: Initializer {
    public let minval: Double, maxval: Double, seed: UInt64?
    /// Creates the initializer.
    public init(minval: Double = -0.05, maxval: Double = 0.05, seed: UInt64? = nil) {
        self.minval = minval; self.maxval = maxval; self.seed = seed
    }
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        try Random.uniform(shape, minval: minval, maxval: maxval, dtype: dtype, seed: seed)
    }
}

extension RandomUniform: KerasSerializable {
    /// "RandomUniform".
    public static var className: String { "RandomUniform" }
    /// Its function name too.
    public static var aliases: [String] { ["random_uniform", "uniform"] }

    /// The config: "minval", "maxval", "seed".
    public func getConfig() throws -> ConfigValue { .object(["minval": .double(minval), "maxval": .double(maxval), "seed": .seed(seed)]) }

    /// Builds the initializer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(minval: try r.double("minval", -0.05), maxval: try r.double("maxval", 0.05), seed: try r.seed("seed"))
        try r.finish()
    }
}

/// Normal values redrawn beyond two standard deviations (`keras.initializers.TruncatedNormal`,
/// mean 0, stddev 0.05).
public final class TruncatedNormal: NormalDistributionInitializer {
    /// "TruncatedNormal".
    public override class var className: String { "TruncatedNormal" }
    /// Its function name too.
    public override class var aliases: [String] { ["truncated_normal"] }
    override func draw(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        try Random.truncatedNormal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)
    }
}

/// Variance scaling (`keras.initializers.VarianceScaling`): with `n` the fan in, fan out or
/// their mean (at least 1) and `s = scale / n`, draws from a truncated normal of stddev
/// `sqrt(s) / 0.87962566103423978` (the stddev of a unit normal truncated at ±2), a normal of
/// stddev `sqrt(s)`, or a uniform on `±sqrt(3 s)`. Fans follow Keras `compute_fans`: a vector
/// has fan in = fan out = its length; a matrix `(in, out)`; a convolution kernel
/// `(..., in, out)` multiplies both by the receptive field size.
public class VarianceScaling: Initializer {
    /// Which fan divides the scale.
    public enum Mode: String, Sendable { case fanIn = "fan_in", fanOut = "fan_out", fanAvg = "fan_avg" }
    /// The distribution drawn from.
    public enum Distribution: String, Sendable {
        case truncatedNormal = "truncated_normal", untruncatedNormal = "untruncated_normal", uniform
    }
    public let scale: Double, mode: Mode, distribution: Distribution, seed: UInt64?

    /// Creates the initializer; `scale` must be positive.
    public convenience init(scale: Double = 1, mode: Mode = .fanIn, distribution: Distribution = .truncatedNormal,
                            seed: UInt64? = nil) throws {
        if !(scale > 0) {
            throw SwiftKerasError.invalid("VarianceScaling: argument `scale` must be positive, got \(scale)")
        }
        self.init(uncheckedScale: scale, mode: mode, distribution: distribution, seed: seed)
    }

    init(uncheckedScale scale: Double, mode: Mode, distribution: Distribution, seed: UInt64?) {
        self.scale = scale; self.mode = mode; self.distribution = distribution; self.seed = seed
    }

    /// Keras `compute_fans(shape)`.
    public static func fans(_ shape: [Int]) -> (fanIn: Double, fanOut: Double) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (Double(shape[0]), Double(shape[0]))
        case 2: return (Double(shape[0]), Double(shape[1]))
        default:
            let receptive = shape.dropLast(2).reduce(1.0) { $0 * Double($1) }
            return (Double(shape[shape.count - 2]) * receptive, Double(shape[shape.count - 1]) * receptive)
        }
    }

    /// "VarianceScaling".
    public class var className: String { "VarianceScaling" }
    /// The function name ("variance_scaling", "glorot_uniform", ...).
    public class var aliases: [String] { [Layer.snakeCase(className)] }

    /// Builds the initializer from its config ("scale", "mode", "distribution", "seed").
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        let modeName = try r.string("mode") ?? "fan_in"
        let distName = try r.string("distribution") ?? "truncated_normal"
        guard let mode = Mode(rawValue: modeName) else {
            throw SwiftKerasError(.invalidArgument, "\(r.owner): VarianceScaling mode must be fan_in, fan_out or fan_avg, got \"\(modeName)\"")
        }
        guard let dist = Distribution(rawValue: distName) else {
            throw SwiftKerasError(.invalidArgument, "\(r.owner): unknown VarianceScaling distribution \"\(distName)\"")
        }
        try self.init(scale: try r.double("scale", 1), mode: mode, distribution: dist, seed: try r.seed("seed"))
        try r.finish()
    }

    /// The config: "scale", "mode", "distribution", "seed" (only "seed" for the subclasses, whose
    /// other arguments are fixed).
    public func getConfig() throws -> ConfigValue {
        .object(["scale": .double(scale), "mode": .string(mode.rawValue), "distribution": .string(distribution.rawValue),
                 "seed": .seed(seed)])
    }

    /// The "seed" of a config holding nothing else (the fixed-scale subclasses' configs).
    static func seed(fromConfig config: ConfigValue, of className: String) throws -> UInt64? {
        var r = try ConfigReader(config, owner: className)
        let seed = try r.seed("seed")
        try r.finish()
        return seed
    }

    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        try floatOnly("VarianceScaling", dtype)
        let (fi, fo) = VarianceScaling.fans(shape)
        let n: Double
        switch mode {
        case .fanIn: n = Swift.max(1, fi)
        case .fanOut: n = Swift.max(1, fo)
        case .fanAvg: n = Swift.max(1, (fi + fo) / 2)
        }
        let s = scale / n
        switch distribution {
        case .truncatedNormal:
            return try Random.truncatedNormal(shape, stddev: s.squareRoot() / 0.87962566103423978, dtype: dtype, seed: seed)
        case .untruncatedNormal:
            return try Random.normal(shape, stddev: s.squareRoot(), dtype: dtype, seed: seed)
        case .uniform:
            let limit = (3 * s).squareRoot()
            return try Random.uniform(shape, minval: -limit, maxval: limit, dtype: dtype, seed: seed)
        }
    }
}

/// A variance-scaling initializer with fixed scale, mode and distribution (the Glorot, He and
/// LeCun initializers): created from a seed alone, its config is "seed" alone.
public class VarianceScalingPreset: VarianceScaling {
    /// A preset: the Keras class name and the fixed scale, mode and distribution.
    typealias Preset = (className: String, scale: Double, mode: Mode, distribution: Distribution)
    /// This class's preset; each subclass overrides it.
    class var preset: Preset { ("VarianceScalingPreset", 1, .fanIn, .truncatedNormal) }
    /// The preset's class name.
    public override class var className: String { preset.className }

    /// Creates the initializer.
    public required init(seed: UInt64? = nil) {
        let p = Self.preset
        super.init(uncheckedScale: p.scale, mode: p.mode, distribution: p.distribution, seed: seed)
    }

    /// Builds the initializer from its config ("seed").
    public required convenience init(config: ConfigValue) throws {
        self.init(seed: try VarianceScaling.seed(fromConfig: config, of: Self.className))
    }

    /// The config: "seed".
    public override func getConfig() throws -> ConfigValue { .object(["seed": .seed(seed)]) }
}

/// Glorot (Xavier) uniform: variance scaling 1, fan_avg, uniform (`keras.initializers.GlorotUniform`).
public final class GlorotUniform: VarianceScalingPreset { override class var preset: Preset { ("GlorotUniform", 1, .fanAvg, .uniform) } }
/// Glorot normal: 1, fan_avg, truncated normal (`keras.initializers.GlorotNormal`).
public final class GlorotNormal: VarianceScalingPreset { override class var preset: Preset { ("GlorotNormal", 1, .fanAvg, .truncatedNormal) } }
/// He normal: 2, fan_in, truncated normal (`keras.initializers.HeNormal`).
public final class HeNormal: VarianceScalingPreset { override class var preset: Preset { ("HeNormal", 2, .fanIn, .truncatedNormal) } }
/// He uniform: 2, fan_in, uniform (`keras.initializers.HeUniform`).
public final class HeUniform: VarianceScalingPreset { override class var preset: Preset { ("HeUniform", 2, .fanIn, .uniform) } }
/// LeCun normal: 1, fan_in, truncated normal (`keras.initializers.LecunNormal`).
public final class LecunNormal: VarianceScalingPreset { override class var preset: Preset { ("LecunNormal", 1, .fanIn, .truncatedNormal) } }
/// LeCun uniform: 1, fan_in, uniform (`keras.initializers.LecunUniform`).
public final class LecunUniform: VarianceScalingPreset { override class var preset: Preset { ("LecunUniform", 1, .fanIn, .uniform) } }

/// A (semi-)orthogonal matrix, reshaped (`keras.initializers.Orthogonal`): the shape is seen as
/// `(prod(shape[:-1]), shape[-1])`; a normal matrix of the taller orientation is QR-factorised,
/// Q's columns are multiplied by the signs of R's diagonal, transposed back if needed, and
/// scaled by `gain`. Rank 2 or more.
public final class Orthogonal: Initializer {
    public let gain: Double, seed: UInt64?
    /// Creates the initializer.
    public init(gain: Double = 1, seed: UInt64? = nil) { self.gain = gain; self.seed = seed }

    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        try floatOnly("Orthogonal", dtype)
        if shape.count < 2 {
            throw SwiftKerasError.invalid("Orthogonal: the initializer requires a shape of rank >= 2, got \(formatShape(shape))")
        }
        let n = try ShapeMath.count(shape, op: "orthogonal")
        let rows = shape.dropLast().reduce(1, *)
        let cols = shape[shape.count - 1]
        if n == 0 { return try Tensor.zeros(shape, dtype: dtype) }
        let m = Swift.max(rows, cols), k = Swift.min(rows, cols)
        // Column-major copy of the (m, k) normal matrix for Householder QR.
        let a0 = try Random.normal([m, k], dtype: .float64, seed: seed).doubles
        var a = [Double](repeating: 0, count: m * k)
        for i in 0..<m { for j in 0..<k { a[j * m + i] = a0[i * k + j] } }
        let q = Orthogonal.thinQ(&a, m: m, k: k)  // column-major (m, k), diag(R) ≥ 0
        // Row-major (rows, cols): q itself when rows ≥ cols, else its transpose.
        var out = [Double](repeating: 0, count: rows * cols)
        if rows >= cols {
            for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = gain * q[j * m + i] } }
        } else {
            for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = gain * q[i * m + j] } }
        }
        return try Tensor.from(doubles: out, shape: shape, dtype: dtype)
    }

    /// The thin Q of the column-major `(m, k)` matrix `a` (m ≥ k), column-major, with its
    /// columns' signs chosen so R's diagonal is non-negative (Keras: `q *= sign(diag(r))`).
    /// LAPACK (dgeqrf + dorgqr from the loaded OpenBLAS) when it is there, else `householderQ`.
    static func thinQ(_ a: inout [Double], m: Int, k: Int) -> [Double] {
        let original = a
        if let diagonal = LAPACK.thinQ(&a, m: m, k: k) {
            for c in 0..<k where diagonal[c] < 0 {
                for i in 0..<m { a[c * m + i] = -a[c * m + i] }
            }
            return a
        }
        a = original
        return householderQ(&a, m: m, k: k)
    }

    /// Householder QR of the column-major `(m, k)` matrix `a` (m ≥ k) in Swift: returns the thin
    /// Q (column-major) with its columns' signs chosen so R's diagonal is non-negative. `a` is
    /// overwritten (the reflectors below its diagonal). Column updates run in parallel.
    static func householderQ(_ a: inout [Double], m: Int, k: Int) -> [Double] {
        var q = [Double](repeating: 0, count: m * k)
        var vnorms = [Double](repeating: 0, count: k)   // |v_j|², 0 when H_j is the identity
        var heads = [Double](repeating: 0, count: k)    // v_j[j]; v_j[i > j] is kept in a
        var rdiag = [Double](repeating: 0, count: k)
        a.withUnsafeMutableBufferPointer { abuf in
            let A = abuf.baseAddress!
            // v · column, over rows j..<m, with v's head apart (eight lanes: a scalar sum does
            // not vectorize under strict floating-point order).
            @inline(__always) func dot(_ j: Int, _ head: Double, _ col: UnsafeMutablePointer<Double>) -> Double {
                let v = UnsafeRawPointer(A + j * m), c = UnsafeRawPointer(col)
                var lanes = SIMD8<Double>(repeating: 0)
                var i = j + 1
                while i + 8 <= m {
                    lanes += v.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                        * c.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                    i += 8
                }
                var d = head * col[j] + lanes.sum()
                while i < m { d += A[j * m + i] * col[i]; i += 1 }
                return d
            }
            @inline(__always) func update(_ j: Int, _ head: Double, _ f: Double, _ col: UnsafeMutablePointer<Double>) {
                let v = A + j * m
                col[j] -= f * head
                for i in (j + 1)..<m { col[i] -= f * v[i] }
            }
            for j in 0..<k {
                let col = A + j * m
                let tail = dot(j, 0, col)   // Σ col[i]² below the diagonal
                let norm = (col[j] * col[j] + tail).squareRoot()
                let alpha = col[j] > 0 ? -norm : norm
                let head = col[j] - alpha
                let vn = head * head + tail
                heads[j] = head
                vnorms[j] = vn
                // H_j col_j = alpha e_j; the columns right of j get H_j applied.
                if vn > 0 {
                    Parallel.forRange(k - j - 1, grain: max(1, (1 << 15) / max(1, m - j))) { s, e in
                        for c in (j + 1 + s)..<(j + 1 + e) {
                            let cc = A + c * m
                            update(j, head, 2 * dot(j, head, cc) / vn, cc)
                        }
                    }
                }
                rdiag[j] = vn > 0 ? alpha : col[j]
            }
            // Q = H_0 H_1 ... H_{k-1} applied to the first k columns of the identity.
            q.withUnsafeMutableBufferPointer { qbuf in
                let Q = qbuf.baseAddress!
                for c in 0..<k { Q[c * m + c] = 1 }
                Parallel.forRange(k, grain: max(1, (1 << 15) / max(1, m * k / 4 + 1))) { s, e in
                    for c in s..<e {
                        let qc = Q + c * m
                        for j in stride(from: min(c, k - 1), through: 0, by: -1) where vnorms[j] > 0 {
                            update(j, heads[j], 2 * dot(j, heads[j], qc) / vnorms[j], qc)
                        }
                    }
                }
            }
        }
        for c in 0..<k where rdiag[c] < 0 {
            for i in 0..<m { q[c * m + i] = -q[c * m + i] }
        }
        return q
    }
}

extension Orthogonal: KerasSerializable {
    /// "Orthogonal".
    public static var className: String { "Orthogonal" }
    /// Its function name too.
    public static var aliases: [String] { ["orthogonal"] }

    /// The config: "gain", "seed".
    public func getConfig() throws -> ConfigValue { .object(["gain": .double(gain), "seed": .seed(seed)]) }

    /// Builds the initializer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(gain: try r.double("gain", 1), seed: try r.seed("seed"))
        try r.finish()
    }
}

/// The identity matrix times `gain` (`keras.initializers.Identity`); 2-D shapes only.
public final class IdentityInitializer: Initializer {
    public let gain: Double
    /// Creates the initializer.
    public init(gain: Double = 1) { self.gain = gain }
    public func callAsFunction(_ shape: [Int], dtype: DType) throws -> Tensor {
        if shape.count != 2 {
            throw SwiftKerasError.invalid("Identity: the initializer can only be used for 2D matrices, got shape \(formatShape(shape))")
        }
        return try Tensor.eye(shape[0], shape[1], dtype: dtype) * gain
    }
}

extension IdentityInitializer: KerasSerializable {
    /// "Identity".
    public static var className: String { "Identity" }
    /// Its function name and the Swift class name too.
    public static var aliases: [String] { ["identity", "IdentityInitializer"] }

    /// The config: "gain".
    public func getConfig() throws -> ConfigValue { .object(["gain": .double(gain)]) }

    /// Builds the initializer from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(gain: try r.double("gain", 1))
        try r.finish()
    }
}

/// Lookup of built-in initializers by their Keras names (`keras.initializers.get`).
public enum Initializers {
    /// A new initializer for `name` — "glorot_uniform", "glorot_normal", "he_normal",
    /// "he_uniform", "lecun_normal", "lecun_uniform", "zeros", "ones", "constant",
    /// "random_normal", "random_uniform", "truncated_normal", "orthogonal", "identity" (and the
    /// Keras class names such as "GlorotUniform", plus the aliases "normal" and "uniform") — with
    /// Keras' default arguments and the given seed. Throws for an unknown name.
    public static func named(_ name: String, seed: UInt64? = nil) throws -> Initializer {
        guard let initializerClass = KerasRegistry.builtinClass(.initializer, named: name) else {
            throw SwiftKerasError.invalid("initializers.get: could not interpret initializer identifier: '\(name)'")
        }
        // Keras' defaults, with the seed for the classes that take one.
        var config = try initializerClass.init(config: .object([:])).getConfig()
        if let seed, case .object(var keys) = config, keys["seed"] != nil {
            keys["seed"] = .seed(seed)
            config = .object(keys)
        }
        guard let initializer = try initializerClass.init(config: config) as? Initializer else {
            throw SwiftKerasError.invalid("initializers.get: '\(name)' is not an initializer")
        }
        return initializer
    }
}

private func floatOnly(_ name: String, _ dtype: DType) throws {
    if !dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("\(name): expected a floating-point dtype, got \(dtype)")
    }
}

// MARK: - Configs

/// The Keras config of a built-in initializer (`keras.initializers.serialize`):
/// `{"class_name": ..., "config": initializer.getConfig()}`.
///
/// - Throws: `.invalidArgument` for a closure or custom initializer, which has no config.
public func initializerConfig(_ i: Initializer) throws -> ConfigValue {
    try KerasRegistry.serializeBuiltin(i, .initializer)
}

/// A built-in initializer from its Keras config: a name (`"glorot_uniform"`) or
/// `{"class_name": "GlorotUniform", "config": {"seed": 1}}` (`keras.initializers.deserialize`).
/// Errors are prefixed with `owner`.
public func initializerFromConfig(_ v: ConfigValue, owner: String = "initializers.deserialize") throws -> Initializer {
    try KerasRegistry.deserialize(v, .initializer, owner: owner) { try Initializers.named($0) }
}

/// VarianceScaling and its subclasses write their configs and build from them (members in the
/// classes: `className`, `init(config:)`, `getConfig()`).
extension VarianceScaling: KerasSerializable {}
