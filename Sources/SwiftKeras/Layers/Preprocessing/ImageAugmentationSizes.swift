// The augmentation layers of tf-keras 2 (`image_preprocessing.py`) that change an image's size or
// its values rather than moving its pixels: RandomCrop, RandomHeight, RandomWidth,
// RandomBrightness. Like the others, they draw from their seed in training only (`call`'s default
// in tf.keras 2 is `training=True`; inside fit it is true, inside predict / evaluate false).

/// Crops a random `height × width` window, the same one for the whole batch (Keras `RandomCrop`);
/// at inference, or when the image is smaller than the window, it returns Keras' `smart_resize`
/// instead: the largest centred crop of the target aspect ratio, resized (bilinear).
public final class RandomCrop: RandomAugmentationLayer {
    public let height: Int
    public let width: Int

    /// Creates the layer; the size must be positive.
    public init(height: Int, width: Int, seed: UInt64? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if height < 1 || width < 1 {
            throw SwiftKerasError.invalid("RandomCrop: `height` and `width` must be positive, got \(height) and \(width)")
        }
        (self.height, self.width) = (height, width)
        super.init(seed: seed, name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.dtype == .string { throw SwiftKerasError.dtype("RandomCrop '\(name)': expected numeric images, got dtype string") }
        try requireImages(x, "RandomCrop '\(name)'")
        let xs = try x.cast(to: computeDType)
        let dh = xs.shape[xs.rank - 3] - height, dw = xs.shape[xs.rank - 2] - width
        if augments(training) && dh >= 0 && dw >= 0 {
            let u = try Random.uniform([2], dtype: .float32, seed: seeds.next()).scalars(as: Float.self)
            let top = Swift.min(dh, Int(u[0] * Float(dh + 1))), left = Swift.min(dw, Int(u[1] * Float(dw + 1)))
            return try imageWindow(xs, (top, left, height, width))
        }
        let f = try xs.cast(to: .float32)
        return try imageWindow(f, aspectCrop(f, height: height, width: width))
            .resized(height: height, width: width, method: .bilinear).cast(to: computeDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        var s = inputShape
        if s.count >= 3 { s[s.count - 3] = height; s[s.count - 2] = width }
        return s
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["height": .int(height), "width": .int(width), "seed": .seed(seed)])
    }
}

extension RandomCrop: ConfigurableLayer {
    /// "RandomCrop".
    public static var className: String { "RandomCrop" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("rng_type", .string("stateful"))
        try self.init(height: try r.requiredInt("height"), width: try r.requiredInt("width"), seed: try r.seed("seed"),
                      name: base.name, dtype: base.dtype)
    }
}

/// Resizes each batch along one image axis by a random factor drawn from `1 + [lower, upper]`
/// (Keras `RandomHeight` / `RandomWidth`; a number `f` means `[-f, f]`): the new size is
/// `int(factor · size)`, the image resized with the layer's interpolation. At inference the
/// input is returned unchanged (not even cast, as tf.keras 2).
public class RandomSizeLayer: RandomAugmentationLayer {
    public let factor: FactorRange
    public let interpolation: ResizeMethod
    /// The image axis, counted from the end: 3 for the height, 2 for the width.
    class var axisFromEnd: Int { 3 }
    /// The Keras class name, for errors made before the layer exists.
    class var kerasName: String { "RandomHeight" }

    /// Creates the layer (`factor`: a number or a pair, each at least -1).
    public required init(factor: ConfigValue, interpolation: String = "bilinear", seed: UInt64? = nil, name: String? = nil,
                         dtype: DTypePolicy? = nil) throws {
        let owner = Self.kerasName
        let f = try FactorRange(factor, key: "factor", owner: owner)
        if f.upper < f.lower {
            throw SwiftKerasError.invalid("\(owner): `factor` argument cannot have an upper bound lesser than the lower bound. Received: factor=\(factor.json)")
        }
        if f.lower < -1 || f.upper < -1 {
            throw SwiftKerasError.invalid("\(owner): `factor` argument must have values larger than -1. Received: factor=\(factor.json)")
        }
        guard let m = ResizeMethod(name: interpolation) else {
            throw SwiftKerasError(.unimplemented, "\(owner): interpolation \"\(interpolation)\" is not implemented (only \"bilinear\" and \"nearest\")")
        }
        (self.factor, self.interpolation) = (f, m)
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// Builds the layer from its config ("factor" required).
    required convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let f = r.raw("factor") else { throw SwiftKerasError.invalid("\(Self.kerasName): `factor` is required") }
        try r.onlyDefault("rng_type", .string("stateful"))
        try self.init(factor: f, interpolation: try r.string("interpolation") ?? "bilinear", seed: try r.seed("seed"),
                      name: base.name, dtype: base.dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if !augments(training) { return x }
        if x.dtype == .string { throw SwiftKerasError.dtype("\(className) '\(name)': expected numeric images, got dtype string") }
        try requireImages(x, "\(className) '\(name)'")
        let range = try FactorRange(.array([.double(1 + factor.lower), .double(1 + factor.upper)]), key: "factor", owner: className)
        let k = try range.draw(1, seed: seeds.next())[0]
        var size = [x.shape[x.rank - 3], x.shape[x.rank - 2]]
        let i = Self.axisFromEnd == 3 ? 0 : 1
        let scaled = k * Float(size[i])
        if !(scaled >= 1) {
            throw SwiftKerasError.invalid("\(className) '\(name)': the random factor \(k) makes the image size \(size[i]) zero")
        }
        size[i] = Int(scaled)
        return try x.cast(to: .float32).resized(height: size[0], width: size[1], method: interpolation).cast(to: computeDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        var s = inputShape
        if s.count >= 3 { s[s.count - Self.axisFromEnd] = -1 }
        return s
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["factor": factor.given, "interpolation": .string(interpolation.name), "seed": .seed(seed)])
    }
}

/// Keras `RandomHeight(factor, interpolation="bilinear", seed=None)`.
public final class RandomHeight: RandomSizeLayer, ConfigurableLayer {
    /// "RandomHeight".
    public static var className: String { "RandomHeight" }
}

/// Keras `RandomWidth(factor, interpolation="bilinear", seed=None)`.
public final class RandomWidth: RandomSizeLayer, ConfigurableLayer {
    override class var axisFromEnd: Int { 2 }
    override class var kerasName: String { "RandomWidth" }
    /// "RandomWidth".
    public static var className: String { "RandomWidth" }
}

/// Adds one random delta per image, `u · (max - min)` with `u` drawn from `factor` (a number `f`:
/// `[-|f|, |f|]`; a pair, sorted; all in [-1, 1]), then clips to `value_range` (Keras
/// `RandomBrightness`, default range [0, 255]).
public final class RandomBrightness: RandomAugmentationLayer {
    /// The sorted factor range and value range.
    public let factor: (lower: Double, upper: Double)
    public let valueRange: (lower: Double, upper: Double)

    /// Creates the layer (`factor`: a number or a pair in [-1, 1]; `valueRange`: a pair).
    public init(factor: ConfigValue, valueRange: ConfigValue = .array([.int(0), .int(255)]), seed: UInt64? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let factorError = "RandomBrightness: The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. Got \(factor.json)"
        let f = try FactorRange(factor, key: "factor", owner: "RandomBrightness")
        if [f.lower, f.upper].contains(where: { $0 < -1 || $0 > 1 }) { throw SwiftKerasError.invalid(factorError) }
        let sorted = (Swift.min(f.lower, f.upper), Swift.max(f.lower, f.upper))
        if case .array = factor { self.factor = sorted } else { self.factor = (-abs(f.upper), abs(f.upper)) }
        func number(_ v: ConfigValue) -> Double? {
            switch v {
            case .int(let i): return Double(i)
            case .double(let d): return d.isFinite ? d : nil
            default: return nil
            }
        }
        guard case .array(let a) = valueRange, a.count == 2, let lo = number(a[0]), let hi = number(a[1]) else {
            throw SwiftKerasError.invalid("RandomBrightness: The `value_range` argument should be a list of two numbers. Got \(valueRange.json)")
        }
        self.valueRange = (Swift.min(lo, hi), Swift.max(lo, hi))
        super.init(seed: seed, name: name, dtype: dtype)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["factor": .array([.double(factor.lower), .double(factor.upper)]),
                         "value_range": .array([.double(valueRange.lower), .double(valueRange.upper)]), "seed": .seed(seed)])
    }

    override func noised(_ x: Tensor) throws -> Tensor {
        let range = try FactorRange(.array([.double(factor.lower), .double(factor.upper)]), key: "factor", owner: "RandomBrightness")
        let u = try range.draw(x.shape[0], seed: seeds.next())
        let width = Float(valueRange.upper - valueRange.lower)
        let delta = try Tensor.from(doubles: u.map { Double($0 * width) }, shape: [x.shape[0], 1, 1, 1], dtype: .float32)
        return try x.adding(try delta.cast(to: x.dtype))
            .clipped(min: .float(valueRange.lower), max: .float(valueRange.upper))
    }
}

extension RandomBrightness: ConfigurableLayer {
    /// "RandomBrightness".
    public static var className: String { "RandomBrightness" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let f = r.raw("factor") else { throw SwiftKerasError.invalid("RandomBrightness: `factor` is required") }
        try r.onlyDefault("rng_type", .string("stateful"))
        try self.init(factor: f, valueRange: r.raw("value_range") ?? .array([.int(0), .int(255)]), seed: try r.seed("seed"),
                      name: base.name, dtype: base.dtype)
    }
}
