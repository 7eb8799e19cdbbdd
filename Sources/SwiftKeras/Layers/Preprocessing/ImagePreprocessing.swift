// The image preprocessing layers that are not random: Resizing and CenterCrop (tf-keras 2
// `image_preprocessing.py`), over channels-last images (H, W, C) or batches (N, H, W, C).

/// The largest centred crop of `x` with the aspect ratio of `height × width` (Keras
/// `smart_resize`'s first step, with its float32 arithmetic), as (top, left, height, width).
func aspectCrop(_ x: Tensor, height: Int, width: Int) -> (Int, Int, Int, Int) {
    let h = x.shape[x.rank - 3], w = x.shape[x.rank - 2]
    let cropH = Swift.min(h, Int(Float(w * height) / Float(width)))
    let cropW = Swift.min(w, Int(Float(h * width) / Float(height)))
    return (Int(Float(h - cropH) / 2), Int(Float(w - cropW) / 2), cropH, cropW)
}

/// The `(top, left, height, width)` window of the image axes of `x` (rank 3 or 4).
func imageWindow(_ x: Tensor, _ box: (Int, Int, Int, Int)) throws -> Tensor {
    let batch = x.rank == 4 ? [0] : [], all = x.rank == 4 ? [x.shape[0]] : []
    return try x.slice(begin: batch + [box.0, box.1, 0], size: all + [box.2, box.3, x.shape[x.rank - 1]])
}

/// Checks that `x` is an image or a batch of images (rank 3 or 4).
func requireImages(_ x: Tensor, _ owner: String) throws {
    if x.rank != 3 && x.rank != 4 {
        throw SwiftKerasError.invalid("\(owner): expected an image array with shape (height, width, channels) or (batch_size, height, width, channels), got shape \(formatShape(x.shape))")
    }
}

/// Resizes images to `height × width` (Keras `Resizing`): bilinear or nearest, optionally
/// after the largest centred crop of the target aspect ratio (`crop_to_aspect_ratio`).
public final class Resizing: Layer {
    public let height: Int
    public let width: Int
    public let interpolation: ResizeMethod
    public let cropToAspectRatio: Bool

    /// Creates the layer; the size must be positive.
    public init(height: Int, width: Int, interpolation: ResizeMethod = .bilinear, cropToAspectRatio: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if height < 1 || width < 1 {
            throw SwiftKerasError.invalid("Resizing: `height` and `width` must be positive, got \(height) and \(width)")
        }
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.cropToAspectRatio = cropToAspectRatio
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try requireImages(x, "Resizing '\(name)'")
        var xs = try x.cast(to: interpolation == .nearest ? computeDType : .float32)
        if cropToAspectRatio { xs = try imageWindow(xs, aspectCrop(xs, height: height, width: width)) }
        return try xs.resized(height: height, width: width, method: interpolation).cast(to: computeDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        var s = inputShape
        if s.count >= 3 { s[s.count - 3] = height; s[s.count - 2] = width }
        return s
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["height": .int(height), "width": .int(width), "interpolation": .string(interpolation.name),
                         "crop_to_aspect_ratio": .bool(cropToAspectRatio)])
    }
}

extension Resizing: ConfigurableLayer {
    /// The interpolation named in a config; TF's other methods are not implemented.
    static func method(_ name: String) throws -> ResizeMethod {
        guard let m = ResizeMethod(name: name) else {
            throw SwiftKerasError(.unimplemented, "Resizing: interpolation \"\(name)\" is not implemented (only \"bilinear\" and \"nearest\")")
        }
        return m
    }

    /// "Resizing".
    public static var className: String { "Resizing" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(height: try r.requiredInt("height"), width: try r.requiredInt("width"),
                      interpolation: try Resizing.method(try r.string("interpolation") ?? "bilinear"),
                      cropToAspectRatio: try r.bool("crop_to_aspect_ratio", false), name: base.name, dtype: base.dtype)
    }
}

/// Crops the centre `height × width` of images (Keras `CenterCrop`); an image smaller than
/// that is resized instead (Keras' `smart_resize`, bilinear).
public final class CenterCrop: Layer {
    public let height: Int
    public let width: Int

    /// Creates the layer; the size must be positive.
    public init(height: Int, width: Int, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if height < 1 || width < 1 {
            throw SwiftKerasError.invalid("CenterCrop: `height` and `width` must be positive, got \(height) and \(width)")
        }
        self.height = height
        self.width = width
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try requireImages(x, "CenterCrop '\(name)'")
        let xs = try x.cast(to: computeDType)
        let dh = xs.shape[xs.rank - 3] - height, dw = xs.shape[xs.rank - 2] - width
        if dh >= 0 && dw >= 0 { return try imageWindow(xs, (dh / 2, dw / 2, height, width)) }
        let cropped = try imageWindow(try xs.cast(to: .float32), aspectCrop(xs, height: height, width: width))
        return try cropped.resized(height: height, width: width, method: .bilinear).cast(to: computeDType)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        var s = inputShape
        if s.count >= 3 { s[s.count - 3] = height; s[s.count - 2] = width }
        return s
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["height": .int(height), "width": .int(width)])
    }
}

extension CenterCrop: ConfigurableLayer {
    /// "CenterCrop".
    public static var className: String { "CenterCrop" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(height: try r.requiredInt("height"), width: try r.requiredInt("width"), name: base.name, dtype: base.dtype)
    }
}
