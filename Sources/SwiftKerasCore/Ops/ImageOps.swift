// Image ops TensorFlow runs as kernels: patches (`tf.image.extract_patches`, made of pad,
// reshape and gather, so differentiable) and the HSV adjustments (`tf.image.adjust_saturation`,
// `adjust_hue`: per pixel RGB → HSV → RGB, no gradient, as TF).

/// The kh × kw patches of each image of `images` (N, H, W, C), `strides` apart and with
/// `rates` spacing between a patch's pixels, flattened (kh, kw, C) into the last axis
/// (`tf.image.extract_patches`): (N, out_h, out_w, kh·kw·C). `samePadding` pads with zeros so
/// out = ceil(H / stride) (TF's 'SAME'); otherwise only whole patches ('VALID').
public func extractPatches(_ images: Tensor, sizes: [Int], strides: [Int], rates: [Int], samePadding: Bool) throws -> Tensor {
    let op: StaticString = "extract_patches"
    if images.rank != 4 {
        throw SwiftKerasError.invalid("\(op): images must have rank 4 (batch, height, width, channels), got shape \(formatShape(images.shape))")
    }
    for (name, v) in [("sizes", sizes), ("strides", strides), ("rates", rates)] where v.count != 2 || v.contains(where: { $0 < 1 || $0 > 1 << 30 }) {
        throw SwiftKerasError.invalid("\(op): \(name) must hold 2 values in [1, 2^30] (height, width), got \(v)")
    }
    let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    var outSize = [0, 0], pads = [(0, 0), (0, 0)]
    for (a, len) in [h, w].enumerated() {
        let eff = (sizes[a] - 1) * rates[a] + 1
        if samePadding {
            outSize[a] = (len + strides[a] - 1) / strides[a]
            let total = Swift.max((outSize[a] - 1) * strides[a] + eff - len, 0)
            pads[a] = (total / 2, total - total / 2)
        } else {
            outSize[a] = len >= eff ? (len - eff) / strides[a] + 1 : 0
        }
    }
    let padded = try images.padded([(0, 0), pads[0], pads[1], (0, 0)])
    let hp = padded.shape[1], wp = padded.shape[2]
    let (oh, ow, kh, kw) = (outSize[0], outSize[1], sizes[0], sizes[1])
    let count = try ShapeMath.count([oh, ow, kh, kw], op: op)
    _ = try ShapeMath.count([n, oh, ow, kh, kw, c], op: op)
    var positions = [Int64]()
    positions.reserveCapacity(count)
    for y in 0..<oh { for x in 0..<ow { for dy in 0..<kh { for dx in 0..<kw {
        positions.append(Int64((y * strides[0] + dy * rates[0]) * wp + x * strides[1] + dx * rates[1]))
    } } } }
    let rows = try padded.reshaped(to: [n, hp * wp, c])
    let picked = try rows.gathered(indices: Tensor(positions, shape: [oh, ow, kh, kw]), axis: 1)
    return try picked.reshaped(to: [n, oh, ow, kh * kw * c])
}

/// The images (..., 3) with each pixel's hue shifted by `hueDelta` (a fraction of the colour
/// wheel, in [-1, 1]) and its saturation multiplied by `saturationFactor` (clipped to [0, 1])
/// in HSV space (`tf.image.adjust_hue`, `tf.image.adjust_saturation`); float images, computed
/// in float64 per pixel as TF's kernels do in float32. No gradient, as TF.
public func adjustHSV(_ images: Tensor, hueDelta: Double, saturationFactor: Double) throws -> Tensor {
    let op: StaticString = "adjust_hsv"
    if !images.dtype.isFloatingPoint || images.rank < 1 || images.shape[images.rank - 1] != 3 {
        throw SwiftKerasError.invalid("\(op): images must be float with 3 channels (RGB) in the last axis, got \(images.dtype) of shape \(formatShape(images.shape))")
    }
    if !(hueDelta >= -1 && hueDelta <= 1) || !saturationFactor.isFinite {
        throw SwiftKerasError.invalid("\(op): delta must be in [-1, 1] and the saturation factor finite, got \(hueDelta) and \(saturationFactor)")
    }
    var v = images.doubles
    for p in stride(from: 0, to: v.count, by: 3) {
        let (r, g, b) = (v[p], v[p + 1], v[p + 2])
        let mx = Swift.max(r, g, b), mn = Swift.min(r, g, b), range = mx - mn
        var hue = 0.0
        var sat = mx > 0 ? range / mx : 0
        if range > 0 {
            hue = mx == r ? (g - b) / range : mx == g ? 2 + (b - r) / range : 4 + (r - g) / range
            hue /= 6
            if hue < 0 { hue += 1 }
        }
        hue += hueDelta
        hue -= hue.rounded(.down)
        sat = Swift.min(Swift.max(sat * saturationFactor, 0), 1)
        // HSV -> RGB (TF's hsv_to_rgb)
        let c = sat * mx, m = mx - c, h6 = hue * 6
        let xc = c * (1 - Swift.abs(h6.truncatingRemainder(dividingBy: 2) - 1))
        let sector = h6.isFinite ? Swift.min(Swift.max(Int(h6), 0), 5) : 0   // NaN pixels stay NaN through m
        let (rr, gg, bb): (Double, Double, Double) = [(c, xc, 0), (xc, c, 0), (0, c, xc), (0, xc, c), (xc, 0, c), (c, 0, xc)][sector]
        (v[p], v[p + 1], v[p + 2]) = (rr + m, gg + m, bb + m)
    }
    return try Tensor.from(doubles: v, shape: images.shape, dtype: images.dtype)
}
