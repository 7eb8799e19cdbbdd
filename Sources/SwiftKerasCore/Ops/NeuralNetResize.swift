// Image and volume resizing with TensorFlow 2 semantics (`tf.image.resize`, which the Keras
// legacy `resize_images` calls, and `repeat_elements`, which `resize_volumes` uses).

/// How `resized(height:width:method:channelsFirst:)` samples the input.
public enum ResizeMethod: String, Sendable, Equatable {
    /// Nearest neighbour with half-pixel centres (TF2): output pixel `o` reads input
    /// `min(floor((o + 0.5) * in / out), in - 1)`. Keeps the input's dtype.
    case nearest
    /// Bilinear with half-pixel centres (TF2): output pixel `o` samples input coordinate
    /// `(o + 0.5) * in / out - 0.5`, the neighbours clamped to the image edge. Computes in
    /// float32 and always returns float32, as `tf.image.resize` does.
    case bilinear

    /// Parses the Keras spelling ("nearest", "bilinear"); other TensorFlow methods ("area",
    /// "bicubic", "gaussian", "lanczos3", "lanczos5", "mitchellcubic") are not implemented.
    public init?(name: String) { self.init(rawValue: name) }

    /// The Keras spelling of the method.
    public var name: String { rawValue }
}

extension Tensor {
    /// Images resized to `height × width`, like `tf.image.resize(images, (height, width), method)`
    /// (half-pixel centres, no antialiasing). Accepts a batch `(N, H, W, C)` or one image
    /// `(H, W, C)` — `(N, C, H, W)` / `(C, H, W)` with `channelsFirst`. The output size and the
    /// input's height, width and channels must be positive (a batch of 0 is fine).
    /// `.nearest` keeps the dtype; `.bilinear` returns float32. Bool tensors are rejected.
    public func resized(height: Int, width: Int, method: ResizeMethod = .bilinear,
                        channelsFirst: Bool = false) throws -> Tensor {
        if rank != 3 && rank != 4 {
            throw SwiftKerasError.invalid("resize: images must have either 3 or 4 dimensions, got shape \(formatShape(shape))")
        }
        let batched = rank == 4 ? self : sharing(shape: [1] + shape)
        let out = try Tensor.resize4D(batched, height, width, method, channelsFirst, op: "resize")
        let result = rank == 4 ? out : out.sharing(shape: Array(out.shape.dropFirst()))
        let inShape = shape
        record("resize", [self], result, { g in
            let g4 = inShape.count == 4 ? g : try g.reshaped(to: [1] + g.shape)
            let h = channelsFirst ? inShape[inShape.count - 2] : inShape[inShape.count - 3]
            let w = channelsFirst ? inShape[inShape.count - 1] : inShape[inShape.count - 2]
            let d = try g4.resizeBackward(height: h, width: w, method: method, channelsFirst: channelsFirst)
            return [inShape.count == 4 ? d : try d.reshaped(to: inShape)]
        })
        return result
    }

    /// A batch of images `(N, H, W, C)` (or `(N, C, H, W)` with `channelsFirst`) enlarged by
    /// integer factors to `(N, H·heightFactor, W·widthFactor, C)`. Implements Keras
    /// `backend.resize_images`, which calls `tf.image.resize` with the scaled size: `.nearest`
    /// (the default) repeats each pixel `factor` times and keeps the dtype; `.bilinear`
    /// interpolates with half-pixel centres and returns float32.
    public func resizedImages(heightFactor: Int, widthFactor: Int, channelsFirst: Bool = false,
                              interpolation: ResizeMethod = .nearest) throws -> Tensor {
        let op: StaticString = "resize_images"
        if rank != 4 {
            throw SwiftKerasError.invalid("resize_images: expected a 4-D input, got shape \(formatShape(shape))")
        }
        if heightFactor <= 0 || widthFactor <= 0 {
            throw SwiftKerasError.invalid(
                "resize_images: height_factor and width_factor must be positive, got \(heightFactor) and \(widthFactor)")
        }
        let (h, w) = channelsFirst ? (shape[2], shape[3]) : (shape[1], shape[2])
        let (nh, o1) = h.multipliedReportingOverflow(by: heightFactor)
        let (nw, o2) = w.multipliedReportingOverflow(by: widthFactor)
        if o1 || o2 {
            throw SwiftKerasError(.outOfMemory, "resize_images: input shape \(formatShape(shape)) times factors (\(heightFactor), \(widthFactor)) is too large")
        }
        let result = try Tensor.resize4D(self, nh, nw, interpolation, channelsFirst, op: op)
        record(op, [self], result, { g in
            [try g.resizeBackward(height: h, width: w, method: interpolation, channelsFirst: channelsFirst)]
        })
        return result
    }

    /// A batch of volumes `(N, D, H, W, C)` (or `(N, C, D, H, W)` with `channelsFirst`) with each
    /// voxel repeated `depthFactor × heightFactor × widthFactor` times. Implements Keras
    /// `backend.resize_volumes` (nearest neighbour through `repeat_elements`); any dtype;
    /// factors must be positive.
    public func resizedVolumes(depthFactor: Int, heightFactor: Int, widthFactor: Int,
                               channelsFirst: Bool = false) throws -> Tensor {
        let op: StaticString = "resize_volumes"
        if rank != 5 {
            throw SwiftKerasError.invalid("resize_volumes: expected a 5-D input, got shape \(formatShape(shape))")
        }
        let f = [depthFactor, heightFactor, widthFactor]
        if f.contains(where: { $0 <= 0 }) {
            throw SwiftKerasError.invalid(
                "resize_volumes: depth_factor, height_factor and width_factor must be positive, got \(depthFactor), \(heightFactor) and \(widthFactor)")
        }
        let first = channelsFirst ? 2 : 1  // index of the depth axis
        var outShape = shape
        for i in 0..<3 {
            let (m, o) = shape[first + i].multipliedReportingOverflow(by: f[i])
            if o {
                throw SwiftKerasError(.outOfMemory, "resize_volumes: input shape \(formatShape(shape)) times factors \(f) is too large")
            }
            outShape[first + i] = m
        }
        let out = try Tensor.uninitialized(outShape, dtype, op: op)
        if out.count > 0 {
            // The output read as an 8-D view where each spatial axis is followed by a
            // stride-0 "repeat" axis: one strided copy does the whole job.
            let s = ShapeMath.strides(shape)
            var viewShape: [Int] = [], viewStrides: [Int] = []
            for d in 0..<5 {
                viewShape.append(shape[d]); viewStrides.append(s[d])
                if d >= first && d < first + 3 {
                    viewShape.append(f[d - first]); viewStrides.append(0)
                }
            }
            Tensor.stridedCopy(from: raw, to: out.raw, shape: viewShape, srcStrides: viewStrides,
                               elementSize: dtype.byteSize)
        }
        let inShape = shape
        record(op, [self], out, { g in
            // Each input voxel's cotangent is the sum over its repeated block: view the output
            // with a factor axis after each spatial axis and sum those axes.
            var split: [Int] = [], axes: [Int] = []
            for d in 0..<5 {
                split.append(inShape[d])
                if d >= first && d < first + 3 {
                    split.append(f[d - first])
                    axes.append(split.count - 1)
                }
            }
            return [try g.reshaped(to: split).sum(alongAxes: axes).reshaped(to: inShape)]
        })
        return out
    }

    /// The pullback of a resize to this cotangent's size from `height × width`: the scatter of
    /// `resizeNearestBackward` or `resizeBilinearBackward`.
    fileprivate func resizeBackward(height: Int, width: Int, method: ResizeMethod, channelsFirst: Bool) throws -> Tensor {
        switch method {
        case .nearest: return try resizeNearestBackward(height: height, width: width, channelsFirst: channelsFirst)
        case .bilinear: return try resizeBilinearBackward(height: height, width: width, channelsFirst: channelsFirst)
        }
    }

    /// The adjoint of nearest resizing (the gradient of `resized(... method: .nearest)`, like
    /// TensorFlow's `ResizeNearestNeighborGrad`): this tensor is the cotangent of a resized
    /// batch `(N, outH, outW, C)` (or `(N, C, outH, outW)` with `channelsFirst`), and the result
    /// `(N, height, width, C)` holds, for each input pixel, the sum of the cotangents of the
    /// output pixels that read it (half-pixel centres). Float dtypes only; float16/bfloat16
    /// accumulate in float32; the result keeps this tensor's dtype. Its own pullback is the
    /// nearest resize back to `outH × outW`.
    public func resizeNearestBackward(height: Int, width: Int, channelsFirst: Bool = false) throws -> Tensor {
        try resizeAdjoint(height, width, .nearest, channelsFirst, op: "resize_nearest_backward")
    }

    /// The adjoint of bilinear resizing (the gradient of `resized(... method: .bilinear)`, like
    /// TensorFlow's `ResizeBilinearGrad`): each output pixel's cotangent in this tensor
    /// `(N, outH, outW, C)` (or `(N, C, outH, outW)` with `channelsFirst`) is spread over the
    /// four input pixels it interpolated, with the same weights, giving `(N, height, width, C)`.
    /// Float dtypes only; float16/bfloat16 accumulate in float32; the result keeps this tensor's
    /// dtype. Its own pullback is the bilinear resize back to `outH × outW`.
    public func resizeBilinearBackward(height: Int, width: Int, channelsFirst: Bool = false) throws -> Tensor {
        try resizeAdjoint(height, width, .bilinear, channelsFirst, op: "resize_bilinear_backward")
    }

    private func resizeAdjoint(_ height: Int, _ width: Int, _ method: ResizeMethod, _ channelsFirst: Bool,
                               op: StaticString) throws -> Tensor {
        try nnRequireFloat(self, op)
        if rank != 4 {
            throw SwiftKerasError.invalid("\(op): expected a 4-D cotangent, got shape \(formatShape(shape))")
        }
        if height <= 0 || width <= 0 {
            throw SwiftKerasError.invalid("\(op): input size must be positive, got (\(height), \(width))")
        }
        let s = shape
        let (n, c, oh, ow) = channelsFirst ? (s[0], s[1], s[2], s[3]) : (s[0], s[3], s[1], s[2])
        if oh <= 0 || ow <= 0 || c <= 0 {
            throw SwiftKerasError.invalid("\(op): cotangent of shape \(formatShape(s)) has an empty image")
        }
        let outShape = channelsFirst ? [n, c, height, width] : [n, height, width, c]
        _ = try ShapeMath.count(outShape, op: op)
        let compute = dtype.computeType
        let gc = try cast(to: compute)
        let out = try Tensor.uninitialized(outShape, compute, op: op)
        let geometry = ResizeGeometry(n: n, c: c, h: height, w: width, oh: oh, ow: ow, channelsFirst: channelsFirst)
        let hs = Float(height) / Float(oh), ws = Float(width) / Float(ow)
        if out.count > 0 {
            switch method {
            case .nearest:
                let iy = (0..<oh).map { nnNearestIndex($0, hs, height) }
                let ix = (0..<ow).map { nnNearestIndex($0, ws, width) }
                let ys = iy.map { (lo: $0, hi: $0, t: Float(0)) }, xs = ix.map { (lo: $0, hi: $0, t: Float(0)) }
                if compute == .float64 {
                    nnResizeScatter(gc.pointer(Double.self), out.pointer(Double.self), geometry, ys, xs, nearest: true)
                } else {
                    nnResizeScatter(gc.pointer(Float.self), out.pointer(Float.self), geometry, ys, xs, nearest: true)
                }
            case .bilinear:
                let ys = (0..<oh).map { nnLinearWeight($0, hs, height) }
                let xs = (0..<ow).map { nnLinearWeight($0, ws, width) }
                if compute == .float64 {
                    nnResizeScatter(gc.pointer(Double.self), out.pointer(Double.self), geometry, ys, xs, nearest: false)
                } else {
                    nnResizeScatter(gc.pointer(Float.self), out.pointer(Float.self), geometry, ys, xs, nearest: false)
                }
            }
        }
        let result = try out.cast(to: dtype)
        record(op, [self], result, { g in
            [try g.resized(height: oh, width: ow, method: method, channelsFirst: channelsFirst)]
        })
        return result
    }

    /// Validates and resizes a rank-4 batch; `op` names the caller in errors.
    fileprivate static func resize4D(_ x: Tensor, _ outH: Int, _ outW: Int, _ method: ResizeMethod,
                                     _ channelsFirst: Bool, op: StaticString) throws -> Tensor {
        if x.dtype == .bool {
            throw SwiftKerasError.dtype("\(op): dtype bool is not supported")
        }
        let s = x.shape
        let (n, c, h, w) = channelsFirst ? (s[0], s[1], s[2], s[3]) : (s[0], s[3], s[1], s[2])
        if outH <= 0 || outW <= 0 {
            throw SwiftKerasError.invalid("\(op): output size must be positive, got (\(outH), \(outW))")
        }
        if h <= 0 || w <= 0 {
            throw SwiftKerasError.invalid("\(op): input image must be of non-zero size, got shape \(formatShape(s))")
        }
        if c <= 0 {
            throw SwiftKerasError.invalid("\(op): image must have at least one channel, got shape \(formatShape(s))")
        }
        let outShape = channelsFirst ? [n, c, outH, outW] : [n, outH, outW, c]
        _ = try ShapeMath.count(outShape, op: op)
        let hs = Float(h) / Float(outH), ws = Float(w) / Float(outW)
        let geometry = ResizeGeometry(n: n, c: c, h: h, w: w, oh: outH, ow: outW, channelsFirst: channelsFirst)
        switch method {
        case .nearest:
            let out = try Tensor.uninitialized(outShape, x.dtype, op: op)
            if out.count == 0 { return out }
            let iy = (0..<outH).map { nnNearestIndex($0, hs, h) }
            let ix = (0..<outW).map { nnNearestIndex($0, ws, w) }
            switch x.dtype.byteSize {
            case 1: nnResizeNearest(x.raw, out.raw, UInt8.self, geometry, iy, ix)
            case 2: nnResizeNearest(x.raw, out.raw, UInt16.self, geometry, iy, ix)
            case 4: nnResizeNearest(x.raw, out.raw, UInt32.self, geometry, iy, ix)
            default: nnResizeNearest(x.raw, out.raw, UInt64.self, geometry, iy, ix)
            }
            return out
        case .bilinear:
            let xf = try x.cast(to: .float32)
            let out = try Tensor.uninitialized(outShape, .float32, op: op)
            if out.count == 0 { return out }
            let ys = (0..<outH).map { nnLinearWeight($0, hs, h) }
            let xs = (0..<outW).map { nnLinearWeight($0, ws, w) }
            nnResizeBilinear(xf.pointer(Float.self), out.pointer(Float.self), geometry, ys, xs)
            return out
        }
    }
}

/// Sizes of one resize: batch, channels, input and output height/width, layout.
private struct ResizeGeometry {
    let n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int
    let channelsFirst: Bool
}

/// TensorFlow's half-pixel nearest index (computed in float32, as TF does).
private func nnNearestIndex(_ o: Int, _ scale: Float, _ size: Int) -> Int {
    let f = ((Float(o) + 0.5) * scale).rounded(.down)
    return Swift.max(0, Swift.min(Int(f), size - 1))
}

/// TensorFlow's half-pixel bilinear sample: lower/upper neighbours (clamped) and weight.
private func nnLinearWeight(_ o: Int, _ scale: Float, _ size: Int) -> (lo: Int, hi: Int, t: Float) {
    let v = (Float(o) + 0.5) * scale - 0.5
    let f = v.rounded(.down)
    return (Swift.max(Int(f), 0), Swift.min(Int(v.rounded(.up)), size - 1), v - f)
}

private func nnResizeNearest<E>(_ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer, _: E.Type,
                                _ g: ResizeGeometry, _ iy: [Int], _ ix: [Int]) {
    let s = src.assumingMemoryBound(to: E.self), d = dst.assumingMemoryBound(to: E.self)
    iy.withUnsafeBufferPointer { iy in
        ix.withUnsafeBufferPointer { ix in
            if g.channelsFirst {
                // Planes of (h, w) → (oh, ow).
                Parallel.forRange(g.n &* g.c, grain: Swift.max(1, (1 << 15) / (g.oh &* g.ow))) { a, b in
                    for p in a..<b {
                        let sp = s + p &* g.h &* g.w, dp = d + p &* g.oh &* g.ow
                        for y in 0..<g.oh {
                            let srow = sp + iy[y] &* g.w, drow = dp + y &* g.ow
                            for x in 0..<g.ow { drow[x] = srow[ix[x]] }
                        }
                    }
                }
            } else {
                // Rows of output pixels, each pixel a run of c channels.
                Parallel.forRange(g.n &* g.oh, grain: Swift.max(1, (1 << 15) / (g.ow &* g.c))) { a, b in
                    for r in a..<b {
                        let bi = r / g.oh, y = r % g.oh
                        let srow = s + (bi &* g.h &+ iy[y]) &* g.w &* g.c
                        let drow = d + r &* g.ow &* g.c
                        for x in 0..<g.ow {
                            (drow + x &* g.c).update(from: srow + ix[x] &* g.c, count: g.c)
                        }
                    }
                }
            }
        }
    }
}

private func nnResizeBilinear(_ s: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>,
                              _ g: ResizeGeometry, _ ys: [(lo: Int, hi: Int, t: Float)],
                              _ xs: [(lo: Int, hi: Int, t: Float)]) {
    @inline(__always) func lerp(_ tl: Float, _ tr: Float, _ bl: Float, _ br: Float, _ xt: Float, _ yt: Float) -> Float {
        let top = tl + (tr - tl) * xt
        let bottom = bl + (br - bl) * xt
        return top + (bottom - top) * yt
    }
    ys.withUnsafeBufferPointer { ys in
        xs.withUnsafeBufferPointer { xs in
            if g.channelsFirst {
                Parallel.forRange(g.n &* g.c, grain: Swift.max(1, (1 << 14) / (g.oh &* g.ow))) { a, b in
                    for p in a..<b {
                        let sp = s + p &* g.h &* g.w, dp = d + p &* g.oh &* g.ow
                        for y in 0..<g.oh {
                            let yw = ys[y]
                            let top = sp + yw.lo &* g.w, bottom = sp + yw.hi &* g.w
                            let drow = dp + y &* g.ow
                            for x in 0..<g.ow {
                                let xw = xs[x]
                                drow[x] = lerp(top[xw.lo], top[xw.hi], bottom[xw.lo], bottom[xw.hi], xw.t, yw.t)
                            }
                        }
                    }
                }
            } else {
                Parallel.forRange(g.n &* g.oh, grain: Swift.max(1, (1 << 14) / (g.ow &* g.c))) { a, b in
                    for r in a..<b {
                        let bi = r / g.oh, y = r % g.oh
                        let yw = ys[y]
                        let top = s + (bi &* g.h &+ yw.lo) &* g.w &* g.c
                        let bottom = s + (bi &* g.h &+ yw.hi) &* g.w &* g.c
                        let drow = d + r &* g.ow &* g.c
                        for x in 0..<g.ow {
                            let xw = xs[x]
                            let l = xw.lo &* g.c, h = xw.hi &* g.c, o = drow + x &* g.c
                            for ch in 0..<g.c {
                                o[ch] = lerp(top[l &+ ch], top[h &+ ch], bottom[l &+ ch], bottom[h &+ ch], xw.t, yw.t)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Scatter-adds each output pixel's cotangent `g` (`g.oh × g.ow`) into the input image
/// (`g.h × g.w`, zeroed first) at its bilinear neighbours with weights `(1−ty)(1−tx)`,
/// `(1−ty)tx`, `ty(1−tx)`, `ty·tx` — the adjoint of `nnResizeBilinear`; nearest resizing is the
/// case `lo == hi`, `t == 0`. Work is split over whole images (or planes), which never share
/// input pixels.
private func nnResizeScatter<T: NeuralNetFloat>(_ gp: UnsafeMutablePointer<T>, _ d: UnsafeMutablePointer<T>,
                                                _ g: ResizeGeometry, _ ys: [(lo: Int, hi: Int, t: Float)],
                                                _ xs: [(lo: Int, hi: Int, t: Float)], nearest: Bool) {
    ys.withUnsafeBufferPointer { ys in
        xs.withUnsafeBufferPointer { xs in
            let planeIn = g.h &* g.w, planeOut = g.oh &* g.ow
            if g.channelsFirst {
                Parallel.forRange(g.n &* g.c, grain: Swift.max(1, (1 << 14) / planeOut)) { a, b in
                    for p in a..<b {
                        let dp = d + p &* planeIn, sp = gp + p &* planeOut
                        dp.initialize(repeating: 0, count: planeIn)
                        for y in 0..<g.oh {
                            let yw = ys[y], ty = T(yw.t)
                            let top = dp + yw.lo &* g.w, bottom = dp + yw.hi &* g.w
                            let srow = sp + y &* g.ow
                            for x in 0..<g.ow {
                                let xw = xs[x], tx = T(xw.t), v = srow[x]
                                if nearest { top[xw.lo] += v; continue }
                                let vt = v * (1 - ty), vb = v * ty
                                top[xw.lo] += vt * (1 - tx)
                                top[xw.hi] += vt * tx
                                bottom[xw.lo] += vb * (1 - tx)
                                bottom[xw.hi] += vb * tx
                            }
                        }
                    }
                }
            } else {
                let c = g.c
                Parallel.forRange(g.n, grain: 1) { a, b in
                    for bi in a..<b {
                        let dimg = d + bi &* planeIn &* c, simg = gp + bi &* planeOut &* c
                        dimg.initialize(repeating: 0, count: planeIn &* c)
                        for y in 0..<g.oh {
                            let yw = ys[y], ty = T(yw.t)
                            let top = dimg + yw.lo &* g.w &* c, bottom = dimg + yw.hi &* g.w &* c
                            let srow = simg + y &* g.ow &* c
                            for x in 0..<g.ow {
                                let xw = xs[x], tx = T(xw.t)
                                let wtl = (1 - ty) * (1 - tx), wtr = (1 - ty) * tx
                                let wbl = ty * (1 - tx), wbr = ty * tx
                                let l = xw.lo &* c, h = xw.hi &* c, sv = srow + x &* c
                                if nearest {
                                    for ch in 0..<c { top[l &+ ch] += sv[ch] }
                                    continue
                                }
                                for ch in 0..<c {
                                    let v = sv[ch]
                                    top[l &+ ch] += v * wtl
                                    top[h &+ ch] += v * wtr
                                    bottom[l &+ ch] += v * wbl
                                    bottom[h &+ ch] += v * wbr
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
