// Max and average pooling with Keras' legacy-backend (TensorFlow) semantics, on the same 3-D
// channels-last geometry as the convolutions.

/// The reduction a pooling op applies over each window (Keras' `pool_mode`).
public enum PoolMode: Sendable, Equatable {
    /// The largest element of the window ("max"); padding never wins.
    case max
    /// The mean of the window ("avg"); with `.same` padding the padded positions are not counted.
    case average
}

/// Element types of max pooling, with a vectorized running maximum.
protocol PoolMaxElement: TensorElement, Comparable {
    /// `o[i] = max(o[i], p[i])` for `i < n`; a NaN in `p` propagates.
    static func maxInto(_ o: UnsafeMutablePointer<Self>, _ p: UnsafePointer<Self>, _ n: Int)
}

extension PoolMaxElement {
    @inline(__always)
    static func maxInto(_ o: UnsafeMutablePointer<Self>, _ p: UnsafePointer<Self>, _ n: Int) {
        for c in 0..<n { o[c] = Swift.max(o[c], p[c]) }
    }
}

extension Int32: PoolMaxElement {}
extension Int64: PoolMaxElement {}
extension UInt8: PoolMaxElement {}

extension Float: PoolMaxElement {
    @inline(__always)
    static func maxInto(_ o: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, _ n: Int) {
        var c = 0
        while c &+ 16 <= n {
            let a = UnsafeRawPointer(o + c).loadUnaligned(as: SIMD16<Float>.self)
            let v = UnsafeRawPointer(p + c).loadUnaligned(as: SIMD16<Float>.self)
            let r = a.replacing(with: v, where: (v .> a) .| (v .!= v))
            UnsafeMutableRawPointer(o + c).storeBytes(of: r, as: SIMD16<Float>.self)
            c &+= 16
        }
        while c < n {
            let v = p[c], a = o[c]
            o[c] = (v > a || v != v) ? v : a
            c &+= 1
        }
    }
}

extension Double: PoolMaxElement {
    @inline(__always)
    static func maxInto(_ o: UnsafeMutablePointer<Double>, _ p: UnsafePointer<Double>, _ n: Int) {
        var c = 0
        while c &+ 8 <= n {
            let a = UnsafeRawPointer(o + c).loadUnaligned(as: SIMD8<Double>.self)
            let v = UnsafeRawPointer(p + c).loadUnaligned(as: SIMD8<Double>.self)
            let r = a.replacing(with: v, where: (v .> a) .| (v .!= v))
            UnsafeMutableRawPointer(o + c).storeBytes(of: r, as: SIMD8<Double>.self)
            c &+= 8
        }
        while c < n {
            let v = p[c], a = o[c]
            o[c] = (v > a || v != v) ? v : a
            c &+= 1
        }
    }
}

enum PoolKernels {
    /// Max over each window; NaN propagates (a NaN in the window gives NaN).
    static func maxPool<T: PoolMaxElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                                       _ g: WindowGeometry) {
        let C = g.channels
        let rows = g.batch &* g.outputSpatial
        if rows == 0 || C == 0 { return }
        Parallel.forRange(rows, grain: max(1, (1 << 14) / max(1, g.taps &* C))) { s, e in
            for r in s..<e {
                let o = y + r &* C
                var first = true
                forEachWindowPixel(g, row: r) { xi in
                    let p = x + xi
                    if first {
                        o.update(from: p, count: C)
                        first = false
                    } else {
                        T.maxInto(o, p, C)
                    }
                }
            }
        }
    }

    /// Mean over the in-bounds part of each window.
    static func avgPool<T: ConvFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
        let C = g.channels
        let rows = g.batch &* g.outputSpatial
        if rows == 0 || C == 0 { return }
        Parallel.forRange(rows, grain: max(1, (1 << 14) / max(1, g.taps &* C))) { s, e in
            for r in s..<e {
                let o = y + r &* C
                o.update(repeating: 0, count: C)
                var n = 0
                forEachWindowPixel(g, row: r) { xi in
                    let p = x + xi
                    for c in 0..<C { o[c] += p[c] }
                    n &+= 1
                }
                let scale = 1 / T(n)
                for c in 0..<C { o[c] *= scale }
            }
        }
    }

    /// Calls `body(offset)` with the element offset of each in-bounds input pixel of output row `r`.
    @inline(__always)
    static func forEachWindowPixel(_ g: WindowGeometry, row r: Int, _ body: (Int) -> Void) {
        let C = g.channels
        let ID = g.input[0], IH = g.input[1], IW = g.input[2]
        let (n, bd, bh, bw) = g.windowOrigin(row: r)
        let d0 = Swift.max(0, bd), d1 = Swift.min(ID, bd &+ g.window[0])
        let h0 = Swift.max(0, bh), h1 = Swift.min(IH, bh &+ g.window[1])
        let w0 = Swift.max(0, bw), w1 = Swift.min(IW, bw &+ g.window[2])
        if d0 >= d1 || h0 >= h1 || w0 >= w1 { return }
        let image = n &* ID &* IH &* IW
        for id in d0..<d1 {
            for ih in h0..<h1 {
                let line = (image &+ (id &* IH &+ ih) &* IW) &* C
                for iw in w0..<w1 { body(line &+ iw &* C) }
            }
        }
    }
}

/// The shared front door of pool2d/pool3d.
private func pooling(_ op: StaticString, spatialRank: Int, _ x: Tensor, poolSize: [Int], strides: [Int],
                     padding: Padding, dataFormat: DataFormat, mode: PoolMode) throws -> Tensor {
    let r = spatialRank + 2
    if x.rank != r {
        throw SwiftKerasError.invalid("\(op): expected an input of rank \(r), got shape \(formatShape(x.shape))")
    }
    switch (mode, x.dtype) {
    case (_, .bool), (.average, .int32), (.average, .int64), (.average, .uint8):
        throw SwiftKerasError.dtype(
            "\(op): dtype \(x.dtype) is not supported by \(mode == .max ? "max" : "average") pooling")
    default: break
    }
    let spec = try PoolSpec(op, spatialRank: spatialRank, poolSize: poolSize, strides: strides, padding: padding,
                            dataFormat: dataFormat)
    let g = try spec.geometry(x.shape, op: op)
    let compute = x.dtype.computeType
    let out = try Tensor.uninitialized([g.batch] + g.outputSpatialShape(rank: spatialRank) + [g.channels],
                                       compute, op: op)
    if out.count > 0 {
        let xc = try WindowMath.toChannelsLast(try x.cast(to: compute), dataFormat, op: op)
        switch (mode, compute) {
        case (.max, .float64): PoolKernels.maxPool(xc.pointer(Double.self), out.pointer(Double.self), g)
        case (.max, .int32): PoolKernels.maxPool(xc.pointer(Int32.self), out.pointer(Int32.self), g)
        case (.max, .int64): PoolKernels.maxPool(xc.pointer(Int64.self), out.pointer(Int64.self), g)
        case (.max, .uint8): PoolKernels.maxPool(xc.pointer(UInt8.self), out.pointer(UInt8.self), g)
        case (.max, _): PoolKernels.maxPool(xc.pointer(Float.self), out.pointer(Float.self), g)
        case (.average, .float64): PoolKernels.avgPool(xc.pointer(Double.self), out.pointer(Double.self), g)
        case (.average, _): PoolKernels.avgPool(xc.pointer(Float.self), out.pointer(Float.self), g)
        }
    }
    let y = try WindowMath.fromChannelsLast(out, dataFormat, op: op).cast(to: x.dtype)
    switch mode {
    case .max: record(op, [x], y, { g in [try maxPoolBackward(x, g, poolSize: spec.window, strides: spec.strides,
                                                              padding: padding, dataFormat: dataFormat)] })
    case .average: record(op, [x], y, { g in [try avgPoolBackward(g, inputShape: x.shape, poolSize: spec.window,
                                                                  strides: spec.strides, padding: padding,
                                                                  dataFormat: dataFormat)] })
    }
    return y
}

/// Validated pooling parameters (one value per spatial dimension), kept by the pullbacks.
struct PoolSpec {
    let spatialRank: Int
    let window: [Int]
    let strides: [Int]
    let padding: Padding
    let dataFormat: DataFormat

    init(_ op: StaticString, spatialRank: Int, poolSize: [Int], strides: [Int], padding: Padding,
         dataFormat: DataFormat) throws {
        self.spatialRank = spatialRank
        window = try WindowMath.parameter(poolSize, spatialRank, "pool size", op: op)
        self.strides = try WindowMath.parameter(strides, spatialRank, "strides", op: op)
        if padding == .causal {
            throw SwiftKerasError.invalid("\(op): causal padding is not supported by pooling")
        }
        self.padding = padding
        self.dataFormat = dataFormat
    }

    /// The window geometry over an input of `shape` (in `dataFormat`).
    func geometry(_ shape: [Int], op: StaticString) throws -> WindowGeometry {
        try WindowMath.geometry(channelsLastShape: WindowMath.channelsLastShape(shape, dataFormat), window: window,
                                strides: strides, dilations: [Int](repeating: 1, count: spatialRank),
                                padding: padding, op: op)
    }

    /// The pooled shape of an input of `shape`, in `dataFormat`.
    func outputShape(_ g: WindowGeometry) -> [Int] {
        WindowMath.shape([g.batch] + g.outputSpatialShape(rank: spatialRank) + [g.channels], in: dataFormat)
    }

    /// The forward pooling (recorded as pool2d/pool3d).
    func pool(_ x: Tensor, mode: PoolMode) throws -> Tensor {
        try pooling(spatialRank == 2 ? "pool2d" : "pool3d", spatialRank: spatialRank, x, poolSize: window,
                    strides: strides, padding: padding, dataFormat: dataFormat, mode: mode)
    }
}

/// 2-D max or average pooling of `x` — `(batch, height, width, channels)` or channels-first —
/// over `poolSize` windows moved by `strides` (2 values, or 1 for both dimensions).
///
/// Implements Keras' `backend.pool2d` (TensorFlow's MaxPool/AvgPool): `.same` average pooling
/// divides by the number of in-bounds elements, max pooling ignores the padding. Max pooling
/// accepts float and integer dtypes, average pooling floats only.
public func pool2d(_ x: Tensor, poolSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid,
                   dataFormat: DataFormat = .channelsLast, mode: PoolMode = .max) throws -> Tensor {
    try pooling("pool2d", spatialRank: 2, x, poolSize: poolSize, strides: strides, padding: padding,
                dataFormat: dataFormat, mode: mode)
}

/// 3-D max or average pooling of `x` — `(batch, depth, height, width, channels)` or channels-first.
///
/// Implements Keras' `backend.pool3d`; semantics as `pool2d`.
public func pool3d(_ x: Tensor, poolSize: [Int], strides: [Int] = [1, 1, 1], padding: Padding = .valid,
                   dataFormat: DataFormat = .channelsLast, mode: PoolMode = .max) throws -> Tensor {
    try pooling("pool3d", spatialRank: 3, x, poolSize: poolSize, strides: strides, padding: padding,
                dataFormat: dataFormat, mode: mode)
}

// MARK: - Gradient ops

/// Validates what the pooling gradient ops share: an input shape of rank 4 or 5 (pool2d/pool3d),
/// the parameters, and `tensor` against the shape it must have. Returns the spec and geometry.
private func poolBackpropGeometry(_ op: StaticString, inputShape: [Int], tensor: Tensor, expectPooled: Bool,
                                  poolSize: [Int], strides: [Int], padding: Padding,
                                  dataFormat: DataFormat) throws -> (PoolSpec, WindowGeometry) {
    let r = inputShape.count
    if r != 4 && r != 5 {
        throw SwiftKerasError.invalid("\(op): expected an input of rank 4 or 5, got shape \(formatShape(inputShape))")
    }
    if inputShape.contains(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid("\(op): input shape \(formatShape(inputShape)) has a negative dimension")
    }
    let spec = try PoolSpec(op, spatialRank: r - 2, poolSize: poolSize, strides: strides, padding: padding,
                            dataFormat: dataFormat)
    let g = try spec.geometry(inputShape, op: op)
    let expected = expectPooled ? spec.outputShape(g) : inputShape
    if tensor.shape != expected {
        throw SwiftKerasError.invalid(
            "\(op): \(expectPooled ? "output gradient" : "values") of shape \(formatShape(tensor.shape)) do not match \(formatShape(expected)) (input \(formatShape(inputShape)))")
    }
    return (spec, g)
}

/// The gradient of max pooling: each element of `outputGradient` (the cotangent of
/// `pool2d`/`pool3d(x, mode: .max)`) goes to the position of its window's maximum in `x` —
/// the first one on ties, as TensorFlow's `MaxPoolGrad` — summed where windows overlap.
///
/// `x` has rank 4 (pool2d) or 5 (pool3d), floating point. Its pullback with respect to
/// `outputGradient` is `maxPoolGather`; with respect to `x` it is zero (nil).
public func maxPoolBackward(_ x: Tensor, _ outputGradient: Tensor, poolSize: [Int], strides: [Int],
                            padding: Padding = .valid, dataFormat: DataFormat = .channelsLast) throws -> Tensor {
    let op: StaticString = "max_pool_backward"
    let (spec, g) = try poolBackpropGeometry(op, inputShape: x.shape, tensor: outputGradient, expectPooled: true,
                                             poolSize: poolSize, strides: strides, padding: padding,
                                             dataFormat: dataFormat)
    let y = try WindowKernel.maxPoolBackward(g).apply(
        op, result: try WindowMath.floatResultType([x, outputGradient], op: op),
        shape: WindowMath.channelsLastShape(x.shape, dataFormat), x, outputGradient, bIsActivation: true,
        dataFormat: dataFormat)
    record(op, [x, outputGradient], y, { h in
        [nil, try maxPoolGather(x, h, poolSize: spec.window, strides: spec.strides, padding: padding,
                                dataFormat: dataFormat)]
    })
    return y
}

/// For every max-pooling window of `x`, the element of `values` (shaped like `x`) at the
/// position of the window's maximum (the first one on ties) — TensorFlow's `MaxPoolGradGrad`,
/// the gradient of `maxPoolBackward` with respect to its output gradient.
///
/// The result has the pooled shape. Its pullback with respect to `values` is `maxPoolBackward`;
/// with respect to `x` it is zero (nil).
public func maxPoolGather(_ x: Tensor, _ values: Tensor, poolSize: [Int], strides: [Int],
                          padding: Padding = .valid, dataFormat: DataFormat = .channelsLast) throws -> Tensor {
    let op: StaticString = "max_pool_gather"
    let (spec, g) = try poolBackpropGeometry(op, inputShape: x.shape, tensor: values, expectPooled: false,
                                             poolSize: poolSize, strides: strides, padding: padding,
                                             dataFormat: dataFormat)
    let y = try WindowKernel.maxPoolGather(g).apply(
        op, result: try WindowMath.floatResultType([x, values], op: op),
        shape: [g.batch] + g.outputSpatialShape(rank: spec.spatialRank) + [g.channels], x, values,
        bIsActivation: true, dataFormat: dataFormat)
    record(op, [x, values], y, { k in
        [nil, try maxPoolBackward(x, k, poolSize: spec.window, strides: spec.strides, padding: padding,
                                  dataFormat: dataFormat)]
    })
    return y
}

/// The gradient of average pooling: each element of `outputGradient` (the cotangent of
/// `pool2d`/`pool3d(x, mode: .average)`) spread evenly over its window's in-bounds elements
/// (`.same` padding is not counted), summed where windows overlap, giving a tensor of `inputShape`.
///
/// Implements TensorFlow's `AvgPoolGrad`. It is linear; its pullback is average pooling.
public func avgPoolBackward(_ outputGradient: Tensor, inputShape: [Int], poolSize: [Int], strides: [Int],
                            padding: Padding = .valid, dataFormat: DataFormat = .channelsLast) throws -> Tensor {
    let op: StaticString = "avg_pool_backward"
    let (spec, g) = try poolBackpropGeometry(op, inputShape: inputShape, tensor: outputGradient, expectPooled: true,
                                             poolSize: poolSize, strides: strides, padding: padding,
                                             dataFormat: dataFormat)
    let result = try WindowMath.floatResultType([outputGradient], op: op)
    let compute = result.computeType
    let out = try Tensor.uninitialized(WindowMath.channelsLastShape(inputShape, dataFormat), compute, op: op)
    if out.count > 0 {
        let gc = try WindowMath.toChannelsLast(try outputGradient.cast(to: compute), dataFormat, op: op)
        if compute == .float64 { PoolKernels.avgPoolBackward(gc.pointer(Double.self), out.pointer(Double.self), g) }
        else { PoolKernels.avgPoolBackward(gc.pointer(Float.self), out.pointer(Float.self), g) }
    }
    let y = try WindowMath.fromChannelsLast(out, dataFormat, op: op).cast(to: result)
    record(op, [outputGradient], y, { h in [try spec.pool(h, mode: .average)] })
    return y
}

extension PoolKernels {
    /// The offset in `x` of the maximum of each channel of output row `r`'s window, in `idx`: the
    /// first maximum, or the first NaN. Returns false for a window without in-bounds elements.
    @inline(__always)
    static func argmax<T: ConvFloat>(_ x: UnsafePointer<T>, _ g: WindowGeometry, row r: Int,
                                     _ best: UnsafeMutablePointer<T>, _ idx: UnsafeMutablePointer<Int>) -> Bool {
        let C = g.channels
        var first = true
        forEachWindowPixel(g, row: r) { xi in
            let p = x + xi
            if first {
                for c in 0..<C {
                    best[c] = p[c]
                    idx[c] = xi &+ c
                }
                first = false
            } else {
                for c in 0..<C {
                    let v = p[c], b = best[c]
                    if v > b || (v != v && b == b) {
                        best[c] = v
                        idx[c] = xi &+ c
                    }
                }
            }
        }
        return !first
    }

    /// `dx[argmax] += dy[row]` (channels-last), one image per task.
    static func maxPoolBackward<T: ConvFloat>(_ x: UnsafePointer<T>, _ dy: UnsafePointer<T>,
                                              _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
        let C = g.channels, rowsPerImage = g.outputSpatial
        // The float32 kernel keeps pixel offsets in Int32 lanes.
        if T.self == Float.self && C >= 16 && rowsPerImage > 0 && g.batch &* g.inputSpatial &* C < Int(Int32.max) {
            maxPoolBackwardFloat(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                 UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self),
                                 UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self), g)
            return
        }
        dx.update(repeating: 0, count: g.batch &* g.inputSpatial &* C)
        if C == 0 || rowsPerImage == 0 { return }
        Parallel.forRange(g.batch, grain: 1) { s, e in
            let best = UnsafeMutablePointer<T>.allocate(capacity: C)
            let idx = UnsafeMutablePointer<Int>.allocate(capacity: C)
            defer { best.deallocate(); idx.deallocate() }
            for r in (s &* rowsPerImage)..<(e &* rowsPerImage) where argmax(x, g, row: r, best, idx) {
                let o = dy + r &* C
                for c in 0..<C { dx[idx[c]] += o[c] }
            }
        }
    }

    /// `maxPoolBackward` for float32 with at least 16 channels: the argmax of 16 channels at a
    /// time in SIMD registers (same rule: the first maximum, or the first NaN), one image after
    /// the other per task so that its `dx` stays in cache. Disjoint windows (strides at least the
    /// pool size, the usual 2×2 / 2) write each window's pixels once — the gradient at the
    /// argmax, 0 elsewhere — with no zeroing where the windows tile the image; overlapping
    /// windows add into a zeroed `dx`. Every offset into `x` and `dx` must fit in an Int32.
    static func maxPoolBackwardFloat(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                     _ dx: UnsafeMutablePointer<Float>, _ g: WindowGeometry) {
        typealias V = SIMD16<Float>
        typealias I = SIMD16<Int32>
        let C = g.channels, rowsPerImage = g.outputSpatial, imageSize = g.inputSpatial &* C
        var disjoint = true, tiles = true
        for d in 0..<3 {
            let stride: Int = g.strides[d], window: Int = g.window[d]
            if stride < window { disjoint = false }
            if stride != window || g.padBefore[d] != 0 || g.output[d] &* stride != g.input[d] { tiles = false }
        }
        let lanes = I(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        Parallel.forRange(g.batch, grain: 1) { s, e in
            for n in s..<e {
                if !tiles { (dx + n &* imageSize).update(repeating: 0, count: imageSize) }
                for r in (n &* rowsPerImage)..<((n &+ 1) &* rowsPerImage) {
                    let o = dy + r &* C
                    var c0 = 0
                    while c0 < C {
                        // The last block overlaps the previous one when C is not a multiple of 16:
                        // its first `skip` lanes were done (stores repeat the same values; adds skip them).
                        let c = Swift.min(c0, C &- 16)
                        let skip = c0 &- c
                        var best = V(repeating: 0), at = I(repeating: -1)
                        var first = true
                        forEachWindowPixel(g, row: r) { xi in
                            let v = UnsafeRawPointer(x + (xi &+ c)).loadUnaligned(as: V.self)
                            let pos = I(repeating: Int32(truncatingIfNeeded: xi &+ c)) &+ lanes
                            if first {
                                best = v
                                at = pos
                                first = false
                            } else {
                                let take = (v .> best) .| ((v .!= v) .& (best .== best))
                                best.replace(with: v, where: take)
                                at.replace(with: pos, where: take)
                            }
                        }
                        if !first {
                            if disjoint {
                                let gv = UnsafeRawPointer(o + c).loadUnaligned(as: V.self)
                                forEachWindowPixel(g, row: r) { xi in
                                    let pos = I(repeating: Int32(truncatingIfNeeded: xi &+ c)) &+ lanes
                                    let out = V(repeating: 0).replacing(with: gv, where: at .== pos)
                                    UnsafeMutableRawPointer(dx + (xi &+ c)).storeBytes(of: out, as: V.self)
                                }
                            } else {
                                for j in skip..<16 { dx[Int(at[j])] += o[c &+ j] }
                            }
                        }
                        c0 = c &+ 16
                    }
                }
            }
        }
    }

    /// `y[row] = v[argmax]` (channels-last).
    static func maxPoolGather<T: ConvFloat>(_ x: UnsafePointer<T>, _ v: UnsafePointer<T>,
                                            _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
        let C = g.channels
        let rows = g.batch &* g.outputSpatial
        if rows == 0 || C == 0 { return }
        Parallel.forRange(rows, grain: max(1, (1 << 14) / max(1, g.taps &* C))) { s, e in
            let best = UnsafeMutablePointer<T>.allocate(capacity: C)
            let idx = UnsafeMutablePointer<Int>.allocate(capacity: C)
            defer { best.deallocate(); idx.deallocate() }
            for r in s..<e {
                let o = y + r &* C
                if argmax(x, g, row: r, best, idx) {
                    for c in 0..<C { o[c] = v[idx[c]] }
                } else {
                    o.update(repeating: 0, count: C)
                }
            }
        }
    }

    /// `dx[window pixels] += dy[row] / count` (channels-last), one image per task.
    static func avgPoolBackward<T: ConvFloat>(_ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
                                              _ g: WindowGeometry) {
        let C = g.channels, rowsPerImage = g.outputSpatial
        dx.update(repeating: 0, count: g.batch &* g.inputSpatial &* C)
        if C == 0 || rowsPerImage == 0 { return }
        Parallel.forRange(g.batch, grain: 1) { s, e in
            for r in (s &* rowsPerImage)..<(e &* rowsPerImage) {
                var n = 0
                forEachWindowPixel(g, row: r) { _ in n &+= 1 }
                if n == 0 { continue }
                let scale = 1 / T(n)
                let o = dy + r &* C
                forEachWindowPixel(g, row: r) { xi in
                    let p = dx + xi
                    for c in 0..<C { p[c] += o[c] * scale }
                }
            }
        }
    }
}
