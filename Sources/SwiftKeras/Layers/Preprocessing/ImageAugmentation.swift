// The random image augmentation layers of tf-keras 2 (`image_preprocessing.py`): RandomFlip,
// RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness. Each is the
// identity at inference and draws from its seed in training; the geometric ones map output
// pixels to input points with TensorFlow's `ImageProjectiveTransformV3` rules (fill modes and
// interpolations below), over channels-last images (H, W, C) or batches (N, H, W, C).

import Glibc

/// How points outside the input image are filled (Keras `fill_mode`).
public enum FillMode: String, Sendable {
    /// `dcba|abcd|dcba`: reflected about the edge of the last pixel.
    case reflect
    /// `abcd|abcd|abcd`.
    case wrap
    /// `fill_value` outside the image.
    case constant
    /// `aaaa|abcd|dddd`: the nearest edge pixel.
    case nearest

    /// Parses a Keras spelling, naming the owner in the error.
    static func parse(_ s: String, owner: String) throws -> FillMode {
        guard let m = FillMode(rawValue: s) else {
            throw SwiftKerasError(.unimplemented, "\(owner): unknown `fill_mode` \(s). Only `reflect`, `wrap`, `constant` and `nearest` are supported.")
        }
        return m
    }

    /// The input coordinate read for `c` along an axis of `len` pixels (TF's `MapCoordinate`,
    /// in float32 as TF computes it).
    func map(_ c: Float, _ len: Int) -> Float {
        var v = c
        let n = Float(len)
        switch self {
        case .constant: return c
        case .nearest: break
        case .reflect:
            if v < 0 {
                if len <= 1 { v = 0 } else {
                    let sz2 = 2 * n
                    if v < sz2 { v = sz2 * Float(Int(-v / sz2)) + v }
                    v = v < -n ? v + sz2 : -v - 1
                }
            } else if v > n - 1 {
                if len <= 1 { v = 0 } else {
                    let sz2 = 2 * n
                    v -= sz2 * Float(Int(v / sz2))
                    if v >= n { v = sz2 - v - 1 }
                }
            }
        case .wrap:
            if v < 0 {
                if len <= 1 { v = 0 } else { v += n * (Float(Int(-v / (n - 1))) + 1) }
            } else if v > n - 1 {
                if len <= 1 { v = 0 } else { v -= n * Float(Int(v / (n - 1))) }
            }
        }
        return Swift.min(Swift.max(v, 0), n - 1)
    }
}

/// TensorFlow's `ImageProjectiveTransformV3` on float32 images `(N, H, W, C)`: output pixel
/// `(x, y)` of image `b` reads input point `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`,
/// `k = c0 x + c1 y + 1`, of the 8 numbers `transforms[b]`, mapped by `fill` and read by
/// `interpolation` (bilinear or nearest, rounding half away from zero); pixels outside the
/// image read `fillValue`.
func projectiveTransform(_ images: Tensor, transforms: [[Float]], fill: FillMode, interpolation: ResizeMethod,
                         fillValue: Float) throws -> Tensor {
    let s = images.shape
    let (n, h, w, c) = (s[0], s[1], s[2], s[3])
    let src = try images.cast(to: .float32).scalars(as: Float.self)
    var out = try CheckedAllocation.array(repeating: Float(0), count: src.count, op: "image_projective_transform")
    func read(_ b: Int, _ y: Int, _ x: Int, _ ch: Int) -> Float {
        (0 <= y && y < h && 0 <= x && x < w) ? src[((b * h + y) * w + x) * c + ch] : fillValue
    }
    for b in 0 ..< n {
        let t = transforms[b]
        for oy in 0 ..< h {
            for ox in 0 ..< w {
                let fx = Float(ox), fy = Float(oy)
                let base = ((b * h + oy) * w + ox) * c
                let k = t[6] * fx + t[7] * fy + 1
                if k == 0 {
                    for ch in 0 ..< c { out[base + ch] = fillValue }
                    continue
                }
                let rawX = (t[0] * fx + t[1] * fy + t[2]) / k, rawY = (t[3] * fx + t[4] * fy + t[5]) / k
                // a point this far out reads the fill value in every mode (and stays convertible to Int)
                guard abs(rawX) < 1e9 && abs(rawY) < 1e9 else {
                    for ch in 0 ..< c { out[base + ch] = fillValue }
                    continue
                }
                let x = fill.map(rawX, w), y = fill.map(rawY, h)
                guard x.isFinite && y.isFinite else {
                    for ch in 0 ..< c { out[base + ch] = fillValue }
                    continue
                }
                if interpolation == .nearest {
                    let iy = Int(y.rounded(.toNearestOrAwayFromZero)), ix = Int(x.rounded(.toNearestOrAwayFromZero))
                    for ch in 0 ..< c { out[base + ch] = read(b, iy, ix, ch) }
                    continue
                }
                let y0 = y.rounded(.down), x0 = x.rounded(.down), y1 = y0 + 1, x1 = x0 + 1
                let iy0 = Int(y0), ix0 = Int(x0)
                for ch in 0 ..< c {
                    let top = (x1 - x) * read(b, iy0, ix0, ch) + (x - x0) * read(b, iy0, ix0 + 1, ch)
                    let bottom = (x1 - x) * read(b, iy0 + 1, ix0, ch) + (x - x0) * read(b, iy0 + 1, ix0 + 1, ch)
                    out[base + ch] = (y1 - y) * top + (y - y0) * bottom
                }
            }
        }
    }
    return try Tensor.from(doubles: out.map(Double.init), shape: s, dtype: .float32)
}

/// A factor range `[lower, upper]` of a Keras augmentation argument: a number `f` means
/// `[-f, f]` (or `[f, f]` for RandomContrast's `symmetric: false`), a pair is the range.
public struct FactorRange: Equatable {
    /// The range's ends.
    public let lower: Double
    public let upper: Double
    /// The argument as given (a number or a pair), written back to the config.
    public let given: ConfigValue

    init(_ given: ConfigValue, key: String, owner: String, symmetric: Bool = true) throws {
        self.given = given
        switch given {
        case .int(let i): (lower, upper) = symmetric ? (-Double(i), Double(i)) : (Double(i), Double(i))
        case .double(let d): (lower, upper) = symmetric ? (-d, d) : (d, d)
        case .array(let a) where a.count == 2:
            func num(_ v: ConfigValue) throws -> Double {
                switch v {
                case .int(let i): return Double(i)
                case .double(let d): return d
                default: throw SwiftKerasError.invalid("\(owner): `\(key)` must be a number or a pair of numbers, got \(given.json)")
                }
            }
            (lower, upper) = (try num(a[0]), try num(a[1]))
        default:
            throw SwiftKerasError.invalid("\(owner): `\(key)` must be a number or a pair of numbers, got \(given.json)")
        }
        if !(lower.isFinite && upper.isFinite) {
            throw SwiftKerasError.invalid("\(owner): `\(key)` must be finite, got \(given.json)")
        }
    }

    /// `count` draws uniform in the range (float32 `lower + u · (upper - lower)`, as TF draws).
    func draw(_ count: Int, seed: UInt64) throws -> [Float] {
        let u = try Random.uniform([count], minval: 0, maxval: 1, dtype: .float32, seed: seed).scalars(as: Float.self)
        let lo = Float(lower), width = Float(upper) - Float(lower)
        return u.map { lo + $0 * width }
    }
}

/// What the augmentation layers share with the noise layers (the seed sequence, `noised` in
/// training only), plus the cast to the compute dtype (Keras `convert_inputs`) and the image
/// rank check; `noised` sees a batch of images (rank 4).
public class RandomAugmentationLayer: TrainingNoiseLayer {
    /// Whether a call augments: `training`, or no `training` given anywhere (tf.keras 2's
    /// `call(inputs, training=True)` default of these layers; see `CallContext`).
    func augments(_ training: Bool) -> Bool { training || CallContext.trainingUnspecified }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.dtype == .string { throw SwiftKerasError.dtype("\(className) '\(name)': expected numeric images, got dtype string") }
        let xs = try x.cast(to: computeDType)
        if !augments(training) { return xs }
        try requireImages(xs, "\(className) '\(name)'")
        if xs.rank == 3 { return try noised(try xs.reshaped(to: [1] + xs.shape)).reshaped(to: xs.shape) }
        return try noised(xs)
    }
}

/// The geometric layers: a transform per image, then `projectiveTransform` with the layer's
/// fill mode, fill value and interpolation (Keras' defaults: reflect, 0, bilinear).
public class RandomGeometricLayer: RandomAugmentationLayer {
    public let fillMode: FillMode
    public let fillValue: Double
    public let interpolation: ResizeMethod

    init(fillMode: FillMode, fillValue: Double, interpolation: ResizeMethod, seed: UInt64?, name: String?, dtype: DTypePolicy?) {
        self.fillMode = fillMode
        self.fillValue = fillValue
        self.interpolation = interpolation
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// The 8 transform numbers of each image of a batch of `n` images of `h × w`.
    func transforms(_ n: Int, height h: Float, width w: Float) throws -> [[Float]] { [] }

    override func noised(_ x: Tensor) throws -> Tensor {
        let t = try transforms(x.shape[0], height: Float(x.shape[1]), width: Float(x.shape[2]))
        return try projectiveTransform(x, transforms: t, fill: fillMode, interpolation: interpolation,
                                       fillValue: Float(fillValue)).cast(to: computeDType)
    }

    /// The config keys of the fill (beside each layer's own).
    func fillConfig(_ own: [String: ConfigValue]) throws -> ConfigValue {
        try layerConfig(own.merging(["fill_mode": .string(fillMode.rawValue), "fill_value": .double(fillValue),
                                     "interpolation": .string(interpolation.rawValue), "seed": .seed(seed)]) { a, _ in a })
    }
}

/// The fill keys of a geometric layer's config, as (mode, value, interpolation, seed).
func readFill(_ r: inout ConfigReader, owner: String) throws -> (FillMode, Double, ResizeMethod, UInt64?) {
    try r.onlyDefault("rng_type", .string("stateful"))
    let mode = try FillMode.parse(try r.string("fill_mode") ?? "reflect", owner: owner)
    let i = try r.string("interpolation") ?? "bilinear"
    guard let interpolation = ResizeMethod(name: i) else {
        throw SwiftKerasError(.unimplemented, "\(owner): unknown `interpolation` \(i). Only `nearest` and `bilinear` are supported.")
    }
    return (mode, try r.double("fill_value", 0), interpolation, try r.seed("seed"))
}

/// Flips images left-right and/or up-down, each image with probability 1/2 (Keras `RandomFlip`;
/// `mode` "horizontal", "vertical" or "horizontal_and_vertical").
public final class RandomFlip: RandomAugmentationLayer {
    public let mode: String

    /// Creates the layer.
    public init(mode: String = "horizontal_and_vertical", seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if !["horizontal", "vertical", "horizontal_and_vertical"].contains(mode) {
            throw SwiftKerasError.invalid("RandomFlip: layer \(name ?? "random_flip") received an unknown mode argument \(mode)")
        }
        self.mode = mode
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["mode": .string(mode), "seed": .seed(seed)])
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        var out = x
        for (axis, used) in [(2, mode != "vertical"), (1, mode != "horizontal")] where used {
            let u = try Random.uniform([x.shape[0], 1, 1, 1], dtype: .float32, seed: seeds.next())
            out = try select(try u.isLess(than: .float(0.5)), try out.reversed(alongAxes: [axis]), out)
        }
        return out
    }
}

extension RandomFlip: ConfigurableLayer {
    /// "RandomFlip".
    public static var className: String { "RandomFlip" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("rng_type", .string("stateful"))
        try self.init(mode: try r.string("mode") ?? "horizontal_and_vertical", seed: try r.seed("seed"),
                      name: base.name, dtype: base.dtype)
    }
}

/// Rotates each image by a random angle of `factor · 2π` about its centre (Keras
/// `RandomRotation`; a number `f` draws from `[-f, f]`, a pair from that range).
public final class RandomRotation: RandomGeometricLayer {
    public let factor: FactorRange

    init(factor: FactorRange, fillMode: FillMode, fillValue: Double, interpolation: ResizeMethod, seed: UInt64?,
         name: String?, dtype: DTypePolicy?) throws {
        if factor.upper < factor.lower {
            throw SwiftKerasError.invalid("RandomRotation: `factor` argument cannot have a negative value. Received: factor=\(factor.given.json)")
        }
        self.factor = factor
        super.init(fillMode: fillMode, fillValue: fillValue, interpolation: interpolation, seed: seed, name: name, dtype: dtype)
    }

    /// Creates the layer (`factor`: a number or a pair, as in Keras).
    public convenience init(factor: ConfigValue, fillMode: FillMode = .reflect, fillValue: Double = 0,
                            interpolation: ResizeMethod = .bilinear, seed: UInt64? = nil, name: String? = nil,
                            dtype: DTypePolicy? = nil) throws {
        try self.init(factor: try FactorRange(factor, key: "factor", owner: "RandomRotation"), fillMode: fillMode,
                      fillValue: fillValue, interpolation: interpolation, seed: seed, name: name, dtype: dtype)
    }

    override func transforms(_ n: Int, height h: Float, width w: Float) throws -> [[Float]] {
        let twoPi = 2 * Double.pi
        let angles = try FactorRange(.array([.double(factor.lower * twoPi), .double(factor.upper * twoPi)]),
                                     key: "factor", owner: "RandomRotation").draw(n, seed: seeds.next())
        return angles.map { a in
            let c = Float(cos(Double(a))), s = Float(sin(Double(a)))
            let dx = ((w - 1) - (c * (w - 1) - s * (h - 1))) / 2
            let dy = ((h - 1) - (s * (w - 1) + c * (h - 1))) / 2
            return [c, -s, dx, s, c, dy, 0, 0]
        }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try fillConfig(["factor": factor.given]) }
}

extension RandomRotation: ConfigurableLayer {
    /// "RandomRotation".
    public static var className: String { "RandomRotation" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let f = r.raw("factor") else { throw SwiftKerasError.invalid("RandomRotation: `factor` is required") }
        let (mode, value, interpolation, seed) = try readFill(&r, owner: "RandomRotation")
        try self.init(factor: f, fillMode: mode, fillValue: value, interpolation: interpolation, seed: seed,
                      name: base.name, dtype: base.dtype)
    }
}

/// Zooms each image about its centre by random factors (Keras `RandomZoom`): a factor `f` of
/// `height_factor` draws the vertical zoom from `1 + [-f, f]` (negative zooms in), the
/// horizontal one from `width_factor` or, when that is nil, equal to the vertical one.
public final class RandomZoom: RandomGeometricLayer {
    public let heightFactor: FactorRange
    public let widthFactor: FactorRange?

    /// Creates the layer (factors: a number or a pair, as in Keras).
    public init(heightFactor: ConfigValue, widthFactor: ConfigValue? = nil, fillMode: FillMode = .reflect,
                fillValue: Double = 0, interpolation: ResizeMethod = .bilinear, seed: UInt64? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let hf = try FactorRange(heightFactor, key: "height_factor", owner: "RandomZoom")
        if abs(hf.lower) > 1 || abs(hf.upper) > 1 {
            throw SwiftKerasError.invalid("RandomZoom: `height_factor` argument must have values between [-1, 1]. Received: height_factor=\(heightFactor.json)")
        }
        var wf: FactorRange?
        if let widthFactor, widthFactor != .null {
            let f = try FactorRange(widthFactor, key: "width_factor", owner: "RandomZoom")
            if f.lower < -1 || f.upper < -1 {
                throw SwiftKerasError.invalid("RandomZoom: `width_factor` argument must have values larger than -1. Received: width_factor=\(widthFactor.json)")
            }
            wf = f
        }
        self.heightFactor = hf
        self.widthFactor = wf
        super.init(fillMode: fillMode, fillValue: fillValue, interpolation: interpolation, seed: seed, name: name, dtype: dtype)
    }

    override func transforms(_ n: Int, height h: Float, width w: Float) throws -> [[Float]] {
        func zooms(_ f: FactorRange) throws -> [Float] {
            try FactorRange(.array([.double(1 + f.lower), .double(1 + f.upper)]), key: "factor", owner: "RandomZoom")
                .draw(n, seed: seeds.next())
        }
        let zy = try zooms(heightFactor)
        let zx = try widthFactor.map(zooms) ?? zy
        return (0 ..< n).map { i in
            [zx[i], 0, (w - 1) / 2 * (1 - zx[i]), 0, zy[i], (h - 1) / 2 * (1 - zy[i]), 0, 0]
        }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try fillConfig(["height_factor": heightFactor.given, "width_factor": widthFactor?.given ?? .null])
    }
}

extension RandomZoom: ConfigurableLayer {
    /// "RandomZoom".
    public static var className: String { "RandomZoom" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let hf = r.raw("height_factor") else { throw SwiftKerasError.invalid("RandomZoom: `height_factor` is required") }
        let wf = r.raw("width_factor")
        let (mode, value, interpolation, seed) = try readFill(&r, owner: "RandomZoom")
        try self.init(heightFactor: hf, widthFactor: wf, fillMode: mode, fillValue: value, interpolation: interpolation,
                      seed: seed, name: base.name, dtype: base.dtype)
    }
}

/// Shifts each image by random fractions of its height and width (Keras `RandomTranslation`;
/// a factor `f` draws from `[-f, f]`, values within [-1, 1]).
public final class RandomTranslation: RandomGeometricLayer {
    public let heightFactor: FactorRange
    public let widthFactor: FactorRange

    /// Creates the layer (factors: a number or a pair, as in Keras).
    public init(heightFactor: ConfigValue, widthFactor: ConfigValue, fillMode: FillMode = .reflect,
                fillValue: Double = 0, interpolation: ResizeMethod = .bilinear, seed: UInt64? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let hf = try FactorRange(heightFactor, key: "height_factor", owner: "RandomTranslation")
        let wf = try FactorRange(widthFactor, key: "width_factor", owner: "RandomTranslation")
        for (f, key) in [(hf, "height_factor"), (wf, "width_factor")] {
            if f.upper < f.lower {
                throw SwiftKerasError.invalid("RandomTranslation: `\(key)` cannot have upper bound less than lower bound, got \(f.given.json)")
            }
            if abs(f.lower) > 1 || abs(f.upper) > 1 {
                throw SwiftKerasError.invalid("RandomTranslation: `\(key)` argument must have values between [-1, 1]. Received: \(key)=\(f.given.json)")
            }
        }
        self.heightFactor = hf
        self.widthFactor = wf
        super.init(fillMode: fillMode, fillValue: fillValue, interpolation: interpolation, seed: seed, name: name, dtype: dtype)
    }

    override func transforms(_ n: Int, height h: Float, width w: Float) throws -> [[Float]] {
        let dy = try heightFactor.draw(n, seed: seeds.next()).map { $0 * h }
        let dx = try widthFactor.draw(n, seed: seeds.next()).map { $0 * w }
        return (0 ..< n).map { [1, 0, -dx[$0], 0, 1, -dy[$0], 0, 0] }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try fillConfig(["height_factor": heightFactor.given, "width_factor": widthFactor.given])
    }
}

extension RandomTranslation: ConfigurableLayer {
    /// "RandomTranslation".
    public static var className: String { "RandomTranslation" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let hf = r.raw("height_factor"), let wf = r.raw("width_factor") else {
            throw SwiftKerasError.invalid("RandomTranslation: `height_factor` and `width_factor` are required")
        }
        let (mode, value, interpolation, seed) = try readFill(&r, owner: "RandomTranslation")
        try self.init(heightFactor: hf, widthFactor: wf, fillMode: mode, fillValue: value, interpolation: interpolation,
                      seed: seed, name: base.name, dtype: base.dtype)
    }
}

/// Scales each channel's deviation from its per-image mean by one random factor per call
/// drawn from `[1 - lower, 1 + upper]`, then clips to [0, 255] (Keras `RandomContrast`; a
/// number `f` means `lower = upper = f`).
public final class RandomContrast: RandomAugmentationLayer {
    public let factor: FactorRange

    /// Creates the layer (`factor`: a number or a pair in [0, 1], as in Keras).
    public init(factor: ConfigValue, seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let f = try FactorRange(factor, key: "factor", owner: "RandomContrast", symmetric: false)
        if f.lower < 0 || f.upper < 0 || f.lower > 1 {
            throw SwiftKerasError.invalid("RandomContrast: `factor` argument cannot have negative values or values greater than 1. Received: factor=\(factor.json)")
        }
        self.factor = f
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["factor": factor.given, "seed": .seed(seed)])
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        if !(factor.lower + factor.upper > 0) {
            throw SwiftKerasError.invalid("RandomContrast '\(name)': upper must be > lower (factor \(factor.given.json) leaves the contrast range [1, 1])")
        }
        let range = try FactorRange(.array([.double(1 - factor.lower), .double(1 + factor.upper)]), key: "factor", owner: "RandomContrast")
        let k = try range.draw(1, seed: seeds.next())[0]
        let mean = try x.mean(alongAxes: [1, 2], keepingDimensions: true)
        return try x.subtracting(mean).multiplying(.float(Double(k))).adding(mean).clipped(min: .float(0), max: .float(255))
    }
}

extension RandomContrast: ConfigurableLayer {
    /// "RandomContrast".
    public static var className: String { "RandomContrast" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let f = r.raw("factor") else { throw SwiftKerasError.invalid("RandomContrast: `factor` is required") }
        try r.onlyDefault("rng_type", .string("stateful"))
        try self.init(factor: f, seed: try r.seed("seed"), name: base.name, dtype: base.dtype)
    }
}
