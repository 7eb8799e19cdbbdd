// Convolutions with Keras' legacy-backend (TensorFlow) semantics: conv1d/2d/3d, transposed
// convolutions, depthwise and separable convolutions.
//
// Everything runs in channels-last layout on 3-D geometry (missing leading spatial dimensions are
// 1): channels-first inputs are permuted in and out. A convolution is im2col + ONE gemm per chunk
// of output rows (rows of many images at once), so a fast BLAS sgemm makes it fast.

// MARK: - Geometry

/// The validated geometry of a windowed op, always 3-D: conv1d uses (1, 1, W), conv2d (1, H, W).
/// Sizes are non-negative and every product the kernels form has been checked for overflow.
struct WindowGeometry {
    var batch = 0
    var channels = 0
    var input = [1, 1, 1]
    var output = [1, 1, 1]
    var window = [1, 1, 1]
    var strides = [1, 1, 1]
    var dilations = [1, 1, 1]
    var padBefore = [0, 0, 0]

    var inputSpatial: Int { input[0] &* input[1] &* input[2] }
    var outputSpatial: Int { output[0] &* output[1] &* output[2] }
    var taps: Int { window[0] &* window[1] &* window[2] }

    /// The spatial part of the output, with the original spatial rank.
    func outputSpatialShape(rank: Int) -> [Int] { Array(output[(3 - rank)...]) }

    /// The image of output row `r` (rows run over batch × output pixels) and the input position
    /// of its window's first tap, which padding can put before the image (negative).
    @inline(__always)
    func windowOrigin(row r: Int) -> (image: Int, d: Int, h: Int, w: Int) {
        var q = r
        let ow = q % output[2]; q /= output[2]
        let oh = q % output[1]; q /= output[1]
        let od = q % output[0]
        return (q / output[0], od &* strides[0] &- padBefore[0], oh &* strides[1] &- padBefore[1],
                ow &* strides[2] &- padBefore[2])
    }

    /// Calls `body(tap, inputPixel)` for every in-bounds tap of output row `r`'s window, with
    /// dilation; `inputPixel` is the pixel index within the row's image.
    @inline(__always)
    func forEachTap(row r: Int, _ body: (Int, Int) -> Void) {
        let ID = input[0], IH = input[1], IW = input[2]
        let KD = window[0], KH = window[1], KW = window[2]
        let o = windowOrigin(row: r)
        for kd in 0..<KD {
            let id = o.d &+ kd &* dilations[0]
            if id < 0 || id >= ID { continue }
            for kh in 0..<KH {
                let ih = o.h &+ kh &* dilations[1]
                if ih < 0 || ih >= IH { continue }
                for kw in 0..<KW {
                    let iw = o.w &+ kw &* dilations[2]
                    if iw < 0 || iw >= IW { continue }
                    body((kd &* KH &+ kh) &* KW &+ kw, (id &* IH &+ ih) &* IW &+ iw)
                }
            }
        }
    }
}

enum WindowMath {
    /// A per-spatial-dimension parameter (strides, dilation rate, pool size): `n` positive values,
    /// or one value used for every dimension.
    static func parameter(_ values: [Int], _ n: Int, _ name: String, op: StaticString) throws -> [Int] {
        let v: [Int]
        if values.count == n { v = values } else if values.count == 1 { v = [Int](repeating: values[0], count: n) } else {
            throw SwiftKerasError.invalid("\(op): \(name) must have \(n) values, got \(values)")
        }
        if v.contains(where: { $0 <= 0 }) {
            throw SwiftKerasError.invalid("\(op): \(name) must be positive, got \(values)")
        }
        return v
    }

    /// TensorFlow's windowed output size and leading padding for one spatial dimension
    /// (`GetWindowedOutputSize`): valid → `(in - eff + stride) / stride` (truncating; negative is an
    /// error, 0 an empty result); same → `ceil(in / stride)` with the odd padding element on the
    /// end; causal → `eff - 1` zeros in front, then valid.
    static func outputSize(input: Int, window: Int, stride: Int, dilation: Int, padding: Padding,
                           op: StaticString) throws -> (size: Int, padBefore: Int) {
        let (m, o1) = (window - 1).multipliedReportingOverflow(by: dilation)
        let (eff, o2) = m.addingReportingOverflow(1)
        if o1 || o2 {
            throw SwiftKerasError.invalid("\(op): dilation rate \(dilation) is too large for window size \(window)")
        }
        switch padding {
        case .valid, .causal:
            var n = input
            var before = 0
            if padding == .causal {
                let (p, o) = input.addingReportingOverflow(eff - 1)
                if o { throw SwiftKerasError.invalid("\(op): causal padding of \(eff - 1) overflows input size \(input)") }
                n = p
                before = eff - 1
            }
            let diff = n - eff
            let size = diff >= 0 ? diff / stride + 1 : (diff + stride) / stride
            if size < 0 {
                throw SwiftKerasError.invalid(
                    "\(op): computed output size would be negative: \(size) [input_size: \(n), effective_filter_size: \(eff), stride: \(stride)]")
            }
            return (size, before)
        case .same:
            let size = input == 0 ? 0 : (input - 1) / stride + 1
            // (size - 1) * stride <= input - 1, so only adding eff can overflow.
            let (span, o) = ((size - 1) * stride).addingReportingOverflow(eff)
            if o { throw SwiftKerasError.invalid("\(op): window size \(eff) is too large for input size \(input)") }
            let needed = max(0, span - input)
            return (size, needed / 2)
        }
    }

    /// Builds the geometry of a windowed op over a channels-last shape `(N, spatial..., C)`.
    static func geometry(channelsLastShape s: [Int], window: [Int], strides: [Int], dilations: [Int],
                         padding: Padding, op: StaticString) throws -> WindowGeometry {
        let rank = s.count - 2
        var g = WindowGeometry()
        g.batch = s[0]
        g.channels = s[s.count - 1]
        for i in 0..<rank {
            let j = 3 - rank + i
            g.input[j] = s[1 + i]
            g.window[j] = window[i]
            g.strides[j] = strides[i]
            g.dilations[j] = dilations[i]
            let (size, before) = try outputSize(input: s[1 + i], window: window[i], stride: strides[i],
                                                dilation: dilations[i], padding: padding, op: op)
            g.output[j] = size
            g.padBefore[j] = before
        }
        return g
    }

    /// `shape` (in `format`) as channels-last `(N, spatial..., C)`.
    static func channelsLastShape(_ shape: [Int], _ format: DataFormat) -> [Int] {
        if format == .channelsLast { return shape }
        return [shape[0]] + Array(shape[2...]) + [shape[1]]
    }

    /// A channels-last shape in `format`.
    static func shape(_ channelsLast: [Int], in format: DataFormat) -> [Int] {
        if format == .channelsLast { return channelsLast }
        let r = channelsLast.count
        return [channelsLast[0], channelsLast[r - 1]] + Array(channelsLast[1..<(r - 1)])
    }

    /// A channels-last copy of a channels-first tensor, or the tensor itself (not recorded: an
    /// internal layout step of one op).
    static func toChannelsLast(_ t: Tensor, _ format: DataFormat, op: StaticString) throws -> Tensor {
        if format == .channelsLast || t.rank < 3 { return t }
        let r = t.rank
        let perm = [0] + Array(2..<r) + [1]
        return try Tensor.permutedCopy(t, perm, op: op)
    }

    /// A channels-first copy of a channels-last tensor, or the tensor itself.
    static func fromChannelsLast(_ t: Tensor, _ format: DataFormat, op: StaticString) throws -> Tensor {
        if format == .channelsLast || t.rank < 3 { return t }
        let r = t.rank
        let perm = [0, r - 1] + Array(1..<(r - 1))
        return try Tensor.permutedCopy(t, perm, op: op)
    }

    /// Throws a dtype error unless every input is floating point (TensorFlow's CPU convolutions
    /// have no integer kernels); returns the promoted result dtype.
    static func floatResultType(_ tensors: [Tensor], op: StaticString) throws -> DType {
        var result = tensors[0].dtype
        for t in tensors {
            if !t.dtype.isFloatingPoint {
                throw SwiftKerasError.dtype("\(op): dtype \(t.dtype) is not supported (floating-point inputs only)")
            }
            result = result.promoted(with: t.dtype)
        }
        return result
    }

    /// Scratch memory for `count` elements of `T`, failing with an error instead of a trap.
    static func scratch<T>(_ count: Int, _: T.Type, op: StaticString) throws -> Storage {
        let (b, o) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        if o { throw SwiftKerasError(.outOfMemory, "\(op): scratch buffer of \(count) elements overflows") }
        return try Storage(byteCount: b, op: op)
    }
}

// MARK: - Typed compute

/// The floating-point compute types of the convolution kernels, with their gemm.
protocol ConvFloat: BinaryFloatingPoint, TensorElement {
    /// `Gemm.sgemm` or `Gemm.dgemm`: row-major `C = alpha · op(A) · op(B) + beta · C`.
    static var gemmKernel: (Bool, Bool, Int, Int, Int, Self, UnsafePointer<Self>, Int, UnsafePointer<Self>, Int, Self,
                            UnsafeMutablePointer<Self>, Int) -> Void { get }
}

extension ConvFloat {
    /// Row-major `C[m×n] = op(A) · op(B) + beta·C` (alpha 1), op(X) = X or Xᵀ.
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) {
        gemmKernel(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
    }

    /// Row-major `C[m×n] = A[m×k] · op(B)` (beta 0), op(B) = B or Bᵀ.
    @inline(__always)
    static func convGemm(transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                         b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int) {
        gemm(transA: false, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    }

    /// Row-major `C[m×n] += Aᵀ · B` with `A` stored `k×m` (the kernel gradient's reduction over rows).
    @inline(__always)
    static func convGemmAccumulatingTransA(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                                           b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int) {
        gemm(transA: true, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: ldc)
    }
}

extension Float: ConvFloat {
    static var gemmKernel: (Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                           Float, UnsafeMutablePointer<Float>, Int) -> Void { Gemm.sgemm }
}

extension Double: ConvFloat {
    static var gemmKernel: (Bool, Bool, Int, Int, Int, Double, UnsafePointer<Double>, Int, UnsafePointer<Double>, Int,
                           Double, UnsafeMutablePointer<Double>, Int) -> Void { Gemm.dgemm }
}

/// Target size (elements) of one im2col / col2im scratch chunk (4 MB of float32: measured faster
/// with OpenBLAS than 16 MB chunks, and still gives gemm M in the thousands).
let convChunkElements = 1 << 20

enum ConvKernels {
    /// Writes the im2col rows `rows` (one row per output pixel: taps × channels, channels fastest)
    /// of the channels-last input `x` to `col`.
    @inline(__always)
    static func im2col<T: ConvFloat>(_ x: UnsafePointer<T>, _ col: UnsafeMutablePointer<T>,
                                     _ g: WindowGeometry, rows: Range<Int>) {
        let C = g.channels
        let ID = g.input[0], IH = g.input[1], IW = g.input[2]
        let KD = g.window[0], KH = g.window[1], KW = g.window[2]
        let dd = g.dilations[0], dh = g.dilations[1], dw = g.dilations[2]
        let imageSize = ID &* IH &* IW &* C
        var dst = col
        for r in rows {
            let (n, bd, bh, bw) = g.windowOrigin(row: r)
            let image = x + n &* imageSize
            for kd in 0..<KD {
                let id = bd &+ kd &* dd
                if id < 0 || id >= ID {
                    dst.update(repeating: 0, count: KH &* KW &* C)
                    dst += KH &* KW &* C
                    continue
                }
                for kh in 0..<KH {
                    let ih = bh &+ kh &* dh
                    if ih < 0 || ih >= IH {
                        dst.update(repeating: 0, count: KW &* C)
                        dst += KW &* C
                        continue
                    }
                    let line = image + (id &* IH &+ ih) &* IW &* C
                    if dw == 1 && bw >= 0 && bw &+ KW <= IW {
                        dst.update(from: line + bw &* C, count: KW &* C)
                        dst += KW &* C
                    } else {
                        for kw in 0..<KW {
                            let iw = bw &+ kw &* dw
                            if iw < 0 || iw >= IW {
                                dst.update(repeating: 0, count: C)
                            } else {
                                dst.update(from: line + iw &* C, count: C)
                            }
                            dst += C
                        }
                    }
                }
            }
        }
    }

    /// Channels-last convolution: `y (N, out..., cout) = x (N, in..., C) ⋆ w (window..., C, cout)`.
    static func convolve<T: ConvFloat>(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                       _ g: WindowGeometry, cout: Int, op: StaticString) throws {
        let rows = g.batch &* g.outputSpatial
        if rows == 0 || cout == 0 { return }
        let K = g.taps &* g.channels
        if K == 0 {
            y.update(repeating: 0, count: rows &* cout)
            return
        }
        if T.self == Float.self, OneDNN.convolve(.forward, g, cout: cout, input: x, kernel: UnsafeMutableRawPointer(mutating: w),
                                                 output: y) { return }
        // 1×1 window, stride 1, no padding: the input already is the im2col matrix.
        if g.taps == 1 && g.strides == [1, 1, 1] && g.padBefore == [0, 0, 0] && g.output == g.input {
            T.convGemm(transB: false, m: rows, n: cout, k: K, a: x, lda: K, b: w, ldb: cout, c: y, ldc: cout)
            return
        }
        try forEachIm2colChunk(x, g, op: op) { col, r0, r1 in
            T.convGemm(transB: false, m: r1 &- r0, n: cout, k: K, a: col, lda: K, b: w, ldb: cout,
                       c: y + r0 &* cout, ldc: cout)
        }
    }

    /// Walks the output rows of `g` in chunks: writes each chunk's im2col rows (in parallel) to a
    /// scratch matrix and calls `body(col, firstRow, endRow)` with it; `extra` more elements of
    /// scratch follow the largest chunk, at `col + chunkRows · K` (zeroed). Inlined, so the caller's
    /// element type specializes it.
    @inline(__always)
    static func forEachIm2colChunk<T: ConvFloat>(_ x: UnsafePointer<T>, _ g: WindowGeometry, extra: Int = 0,
                                                 op: StaticString,
                                                 _ body: (UnsafeMutablePointer<T>, Int, Int) throws -> Void) throws {
        let rows = g.batch &* g.outputSpatial
        let K = g.taps &* g.channels
        let chunk = max(1, min(rows, convChunkElements / K))
        let scratch = try WindowMath.scratch(chunk &* K &+ extra, T.self, op: op)
        let col = scratch.base.assumingMemoryBound(to: T.self)
        (col + chunk &* K).update(repeating: 0, count: extra)
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 &+ chunk)
            let base = r0
            Parallel.forRange(r1 &- r0, grain: max(1, (1 << 14) / K)) { s, e in
                im2col(x, col + s &* K, g, rows: (base &+ s)..<(base &+ e))
            }
            try body(col, r0, r1)
            r0 = r1
        }
        withExtendedLifetime(scratch) {}
    }

    /// Transposed convolution (the gradient of `convolve` w.r.t. its input): `g` is the geometry of
    /// the forward convolution whose input is `y (N, g.input..., g.channels)` and whose output has
    /// the shape of `x (N, g.output..., cin)`; `w` has shape `(window..., g.channels, cin)`.
    static func convolveTransposed<T: ConvFloat>(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
                                                 _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry, cin: Int,
                                                 op: StaticString) throws {
        let cout = g.channels
        let outImage = g.inputSpatial &* cout
        if g.batch == 0 || outImage == 0 { return }
        let inSpatial = g.outputSpatial
        let NN = g.taps &* cout
        // oneDNN writes every element of y; the fallback accumulates into zeros.
        if T.self == Float.self, cin != 0, inSpatial != 0,
           OneDNN.convolve(.backwardData, g, cout: cin, input: x, kernel: UnsafeMutableRawPointer(mutating: w),
                           output: y) { return }
        y.update(repeating: 0, count: g.batch &* outImage)
        if cin == 0 || inSpatial == 0 { return }
        let (perImage, o) = inSpatial.multipliedReportingOverflow(by: NN)
        if o { throw SwiftKerasError(.outOfMemory, "\(op): scratch buffer overflows") }
        let images = max(1, min(g.batch, convChunkElements / perImage))
        let scratch = try WindowMath.scratch(images &* perImage, T.self, op: op)
        let col = scratch.base.assumingMemoryBound(to: T.self)
        let OD = g.input[0], OH = g.input[1], OW = g.input[2]          // transposed output
        let ID = g.output[0], IH = g.output[1], IW = g.output[2]       // transposed input
        let KD = g.window[0], KH = g.window[1], KW = g.window[2]
        var n0 = 0
        while n0 < g.batch {
            let n1 = min(g.batch, n0 &+ images)
            T.convGemm(transB: true, m: (n1 &- n0) &* inSpatial, n: NN, k: cin, a: x + n0 &* inSpatial &* cin,
                       lda: cin, b: w, ldb: cin, c: col, ldc: NN)
            let first = n0
            Parallel.forRange(n1 &- n0, grain: 1) { s, e in
                for img in s..<e {
                    let yb = y + (first &+ img) &* outImage
                    var src = col + img &* perImage
                    for id in 0..<ID { for ih in 0..<IH { for iw in 0..<IW {
                        let bd = id &* g.strides[0] &- g.padBefore[0]
                        let bh = ih &* g.strides[1] &- g.padBefore[1]
                        let bw = iw &* g.strides[2] &- g.padBefore[2]
                        var t = 0
                        for kd in 0..<KD {
                            let od = bd &+ kd &* g.dilations[0]
                            for kh in 0..<KH {
                                let oh = bh &+ kh &* g.dilations[1]
                                for kw in 0..<KW {
                                    let ow = bw &+ kw &* g.dilations[2]
                                    if od >= 0 && od < OD && oh >= 0 && oh < OH && ow >= 0 && ow < OW {
                                        let dst = yb + ((od &* OH &+ oh) &* OW &+ ow) &* cout
                                        let from = src + t &* cout
                                        for c in 0..<cout { dst[c] += from[c] }
                                    }
                                    t &+= 1
                                }
                            }
                        }
                        src += NN
                    } } }
                }
            }
            n0 = n1
        }
        withExtendedLifetime(scratch) {}
    }

    /// Channels-last depthwise convolution: `w (window..., C, mult)`, output channel `c·mult + m`.
    static func depthwise<T: ConvFloat>(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                        _ g: WindowGeometry, multiplier mult: Int) {
        let C = g.channels, CO = C &* mult
        let rows = g.batch &* g.outputSpatial
        if rows == 0 || CO == 0 { return }
        let imageSize = g.inputSpatial &* C
        Parallel.forRange(rows, grain: max(1, (1 << 14) / max(1, g.taps &* CO))) { s, e in
            for r in s..<e {
                let n = r / g.outputSpatial
                let o = y + r &* CO
                o.update(repeating: 0, count: CO)
                g.forEachTap(row: r) { tap, pixel in
                    let xi = x + (n &* imageSize &+ pixel &* C)
                    let wk = w + tap &* CO
                    if mult == 1 {
                        for c in 0..<C { o[c] += xi[c] * wk[c] }
                    } else {
                        for c in 0..<C {
                            let xv = xi[c]
                            let oc = o + c &* mult, wc = wk + c &* mult
                            for m in 0..<mult { oc[m] += xv * wc[m] }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - Front doors

/// One of the channels-last window kernels with its geometry: what a front door runs once its
/// operands are in the compute dtype and the channels-last layout.
enum WindowKernel {
    case convolve(WindowGeometry, cout: Int)
    case transposed(WindowGeometry, cin: Int)
    case backpropFilter(WindowGeometry, cout: Int)
    case depthwise(WindowGeometry, multiplier: Int)
    case depthwiseBackpropInput(WindowGeometry, multiplier: Int)
    case depthwiseBackpropFilter(WindowGeometry, multiplier: Int)
    case maxPoolBackward(WindowGeometry)
    case maxPoolGather(WindowGeometry)

    /// Runs the kernel on the buffers of `a` and `b` into `out`, all of element type `T`.
    func run<T: ConvFloat>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor, op: StaticString) throws {
        let (p, q, o) = (a.pointer(T.self), b.pointer(T.self), out.pointer(T.self))
        switch self {
        case .convolve(let g, let cout): try ConvKernels.convolve(p, q, o, g, cout: cout, op: op)
        case .transposed(let g, let cin): try ConvKernels.convolveTransposed(p, q, o, g, cin: cin, op: op)
        case .backpropFilter(let g, let cout): try ConvKernels.backpropFilter(p, q, o, g, cout: cout, op: op)
        case .depthwise(let g, let m): ConvKernels.depthwise(p, q, o, g, multiplier: m)
        case .depthwiseBackpropInput(let g, let m): ConvKernels.depthwiseBackpropInput(p, q, o, g, multiplier: m)
        case .depthwiseBackpropFilter(let g, let m): ConvKernels.depthwiseBackpropFilter(p, q, o, g, multiplier: m)
        case .maxPoolBackward(let g): PoolKernels.maxPoolBackward(p, q, o, g)
        case .maxPoolGather(let g): PoolKernels.maxPoolGather(p, q, o, g)
        }
    }

    /// The front doors' common part: an output of channels-last `shape` in `result`'s compute
    /// dtype; `a` (an activation in `dataFormat`) and `b` (an activation too when
    /// `bIsActivation`, else a kernel) cast to it and made channels-last; the kernel; the output
    /// brought back to `dataFormat` (when `outIsActivation`) and to `result`.
    func apply(_ op: StaticString, result: DType, shape: [Int], _ a: Tensor, _ b: Tensor, bIsActivation: Bool = false,
               outIsActivation: Bool = true, dataFormat: DataFormat) throws -> Tensor {
        let compute = result.computeType
        let out = try Tensor.uninitialized(shape, compute, op: op)
        if out.count > 0 {
            let ac = try WindowMath.toChannelsLast(try a.cast(to: compute), dataFormat, op: op)
            let bc = bIsActivation ? try WindowMath.toChannelsLast(try b.cast(to: compute), dataFormat, op: op)
                                   : try b.cast(to: compute)
            if compute == .float64 { try run(Double.self, ac, bc, out, op: op) }
            else { try run(Float.self, ac, bc, out, op: op) }
        }
        return try (outIsActivation ? WindowMath.fromChannelsLast(out, dataFormat, op: op) : out).cast(to: result)
    }

    /// A kernel gradient (`backpropFilter`, `depthwiseBackpropFilter`): of `kernelShape`, from the
    /// input `x` and the output gradient `dy`, both activations in `dataFormat`.
    func kernelGradient(_ op: StaticString, result: DType, kernelShape: [Int], _ x: Tensor, _ dy: Tensor,
                        dataFormat: DataFormat) throws -> Tensor {
        try apply(op, result: result, shape: kernelShape, x, dy, bIsActivation: true, outIsActivation: false,
                  dataFormat: dataFormat)
    }
}

/// What the convolution front doors validate alike: the ranks of input and kernel, a kernel
/// window without zeros, floating dtypes, strides and dilation. Returns the promoted dtype and one stride and dilation per
/// spatial dimension.
private func convolutionOperands(_ op: StaticString, spatialRank: Int, _ x: Tensor, _ kernel: Tensor,
                                 strides: [Int], dilationRate: [Int]) throws -> (DType, [Int], [Int]) {
    let r = spatialRank + 2
    if x.rank != r {
        throw SwiftKerasError.invalid("\(op): expected an input of rank \(r), got shape \(formatShape(x.shape))")
    }
    if kernel.rank != r {
        throw SwiftKerasError.invalid("\(op): expected a kernel of rank \(r), got shape \(formatShape(kernel.shape))")
    }
    if kernel.shape[0..<spatialRank].contains(0) {
        throw SwiftKerasError.invalid("\(op): kernel spatial dimensions must be positive, got kernel \(formatShape(kernel.shape))")
    }
    return (try WindowMath.floatResultType([x, kernel], op: op),
            try WindowMath.parameter(strides, spatialRank, "strides", op: op),
            try WindowMath.parameter(dilationRate, spatialRank, "dilation rate", op: op))
}

/// The cotangents of an (input, kernel) convolution, each made only when the gradient needs it
/// (`PullbackNeeds`; a model's first layer needs no input cotangent: its input is data).
private func neededCotangents(_ input: () throws -> Tensor, _ kernel: () throws -> Tensor) throws -> [Tensor?] {
    let needKernel = PullbackNeeds.input(1)
    return [PullbackNeeds.input(0) ? try input() : nil, needKernel ? try kernel() : nil]
}

/// The shared front door of conv1d/2d/3d (also the forward op the backprop ops' pullbacks call).
func convolution(_ op: StaticString, spatialRank: Int, _ x: Tensor, _ kernel: Tensor, strides: [Int],
                         padding: Padding, dataFormat: DataFormat, dilationRate: [Int]) throws -> Tensor {
    let r = spatialRank + 2
    let (result, s, d) = try convolutionOperands(op, spatialRank: spatialRank, x, kernel, strides: strides,
                                                 dilationRate: dilationRate)
    if padding == .causal && spatialRank != 1 {
        throw SwiftKerasError.invalid("\(op): causal padding is only supported by conv1d")
    }
    let xs = WindowMath.channelsLastShape(x.shape, dataFormat)
    let window = Array(kernel.shape[0..<spatialRank])
    let cin = kernel.shape[r - 2], cout = kernel.shape[r - 1]
    if xs[r - 1] != cin {
        throw SwiftKerasError.invalid(
            "\(op): input channels \(xs[r - 1]) do not match kernel input channels \(cin) (input \(formatShape(x.shape)), kernel \(formatShape(kernel.shape)))")
    }
    let g = try WindowMath.geometry(channelsLastShape: xs, window: window, strides: s, dilations: d,
                                    padding: padding, op: op)
    let outShape = [g.batch] + g.outputSpatialShape(rank: spatialRank) + [cout]
    let y = try WindowKernel.convolve(g, cout: cout).apply(op, result: result, shape: outShape, x, kernel,
                                                           dataFormat: dataFormat)
    // dx is the transposed convolution of g, dkernel the filter backprop of (x, g).
    record(op, [x, kernel], y, { g in
        try neededCotangents(
            { try convBackpropInput(g, kernel, inputShape: x.shape, strides: s, padding: padding, dataFormat: dataFormat,
                                    dilationRate: d) },
            { try convBackpropFilter(x, g, kernelShape: kernel.shape, strides: s, padding: padding, dataFormat: dataFormat,
                                     dilationRate: d) })
    })
    return y
}

/// `conv(x, kernel) + bias` over 1 to 3 spatial dimensions, channels-last, as one op
/// ("conv_bias"; what a Conv layer with a bias and a linear activation computes). With oneDNN the
/// bias is added by the convolution primitive and its gradient made by the kernel-gradient
/// primitive, sparing a pass over the output each way; otherwise the bias is added in place and
/// the gradients are those of the composed ops.
///
/// Returns nil where the fused op does not apply (x, kernel and bias not all float32 or all
/// float64, a bias that is not `[outChannels]`, ranks that do not match): the caller composes.
package func convolutionBiasAdded(_ x: Tensor, _ kernel: Tensor, _ bias: Tensor, strides: [Int], padding: Padding,
                                  dilationRate: [Int]) throws -> Tensor? {
    let op: StaticString = "conv_bias"
    let r = kernel.rank, spatialRank = r - 2
    guard (1...3).contains(spatialRank), x.rank == r, x.dtype == .float32 || x.dtype == .float64,
          kernel.dtype == x.dtype, bias.dtype == x.dtype, bias.shape == [kernel.shape[r - 1]],
          x.shape[r - 1] == kernel.shape[r - 2], padding != .causal || spatialRank == 1 else { return nil }
    let (_, s, d) = try convolutionOperands(op, spatialRank: spatialRank, x, kernel, strides: strides,
                                            dilationRate: dilationRate)
    let cout = kernel.shape[r - 1]
    let g = try WindowMath.geometry(channelsLastShape: x.shape, window: Array(kernel.shape[0..<spatialRank]), strides: s,
                                    dilations: d, padding: padding, op: op)
    let outShape = [g.batch] + g.outputSpatialShape(rank: spatialRank) + [cout]
    let fusedKernels = x.dtype == .float32 && g.taps &* g.channels > 0 && OneDNN.active != nil
    let y = try Tensor.uninitialized(outShape, x.dtype, op: op)
    if y.count > 0 && !(fusedKernels && OneDNN.convolve(.forward, g, cout: cout, input: x.pointer(Float.self),
                                                        kernel: kernel.pointer(Float.self), output: y.pointer(Float.self),
                                                        bias: bias.pointer(Float.self))) {
        func fallback<T: ConvFloat>(_: T.Type) throws {
            try WindowKernel.convolve(g, cout: cout).run(T.self, x, kernel, y, op: op)
            let (out, b) = (y.pointer(T.self), bias.pointer(T.self))
            for row in 0..<(y.count / cout) {
                let o = out + row &* cout
                for c in 0..<cout { o[c] += b[c] }
            }
        }
        if x.dtype == .float64 { try fallback(Double.self) } else { try fallback(Float.self) }
    }
    record(op, [x, kernel, bias], y, { dy in
        let needX = PullbackNeeds.input(0), needK = PullbackNeeds.input(1), needB = PullbackNeeds.input(2)
        let dx = needX ? try convBackpropInput(dy, kernel, inputShape: x.shape, strides: s, padding: padding,
                                               dilationRate: d) : nil
        if (needK || needB) && fusedKernels && dy.dtype == .float32 && dy.shape == outShape &&
            OpObservers.activeCount.load(ordering: .relaxed) == 0 {
            let dk = try Tensor.uninitialized(kernel.shape, .float32, op: op)
            let db = try Tensor.uninitialized([cout], .float32, op: op)
            if OneDNN.convolve(.backwardWeights, g, cout: cout, input: x.pointer(Float.self), kernel: dk.pointer(Float.self),
                               output: dy.pointer(Float.self), bias: db.pointer(Float.self)) {
                return [dx, needK ? dk : nil, needB ? db : nil]
            }
        }
        return [dx,
                needK ? try convBackpropFilter(x, dy, kernelShape: kernel.shape, strides: s, padding: padding,
                                               dilationRate: d) : nil,
                needB ? try dy.sum(alongAxes: Array(0..<(dy.rank - 1)), keepingDimensions: false) : nil]
    })
    return y
}

/// 1-D convolution of `x` — `(batch, steps, channels)`, or `(batch, channels, steps)` for
/// channels-first — with `kernel` of shape `(width, inChannels, outChannels)`.
///
/// Implements Keras' `backend.conv1d`. `.causal` padding pads `dilationRate · (width − 1)` zeros
/// in front of the steps. Inputs must be floating point; mixed float dtypes promote.
public func conv1d(_ x: Tensor, _ kernel: Tensor, stride: Int = 1, padding: Padding = .valid,
                   dataFormat: DataFormat = .channelsLast, dilationRate: Int = 1) throws -> Tensor {
    try convolution("conv1d", spatialRank: 1, x, kernel, strides: [stride], padding: padding,
                    dataFormat: dataFormat, dilationRate: [dilationRate])
}

/// 2-D convolution of `x` — `(batch, height, width, channels)` or channels-first — with `kernel`
/// of shape `(kh, kw, inChannels, outChannels)`.
///
/// Implements Keras' `backend.conv2d` (TensorFlow's "SAME"/"VALID" sizes). `strides` and
/// `dilationRate` take 2 values (or 1 for both dimensions).
public func conv2d(_ x: Tensor, _ kernel: Tensor, strides: [Int] = [1, 1], padding: Padding = .valid,
                   dataFormat: DataFormat = .channelsLast, dilationRate: [Int] = [1, 1]) throws -> Tensor {
    try convolution("conv2d", spatialRank: 2, x, kernel, strides: strides, padding: padding,
                    dataFormat: dataFormat, dilationRate: dilationRate)
}

/// 3-D convolution of `x` — `(batch, depth, height, width, channels)` or channels-first — with
/// `kernel` of shape `(kd, kh, kw, inChannels, outChannels)`.
///
/// Implements Keras' `backend.conv3d`.
public func conv3d(_ x: Tensor, _ kernel: Tensor, strides: [Int] = [1, 1, 1], padding: Padding = .valid,
                   dataFormat: DataFormat = .channelsLast, dilationRate: [Int] = [1, 1, 1]) throws -> Tensor {
    try convolution("conv3d", spatialRank: 3, x, kernel, strides: strides, padding: padding,
                    dataFormat: dataFormat, dilationRate: dilationRate)
}

/// The shared front door of the transposed convolutions.
private func transposedConvolution(_ op: StaticString, spatialRank: Int, _ x: Tensor, _ kernel: Tensor,
                                   outputShape: [Int], strides: [Int], padding: Padding,
                                   dataFormat: DataFormat, dilationRate: [Int]) throws -> Tensor {
    let r = spatialRank + 2
    let (result, s, d) = try convolutionOperands(op, spatialRank: spatialRank, x, kernel, strides: strides,
                                                 dilationRate: dilationRate)
    if outputShape.count != r {
        throw SwiftKerasError.invalid("\(op): output shape must have \(r) dimensions, got \(formatShape(outputShape))")
    }
    if padding == .causal {
        throw SwiftKerasError.invalid("\(op): causal padding is not supported")
    }
    let xs = WindowMath.channelsLastShape(x.shape, dataFormat)
    var requested = outputShape
    if requested[0] == -1 { requested[0] = x.shape[0] }   // Keras' `None` batch
    if requested.contains(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid("\(op): output shape \(formatShape(outputShape)) has a negative dimension")
    }
    let ys = WindowMath.channelsLastShape(requested, dataFormat)
    let window = Array(kernel.shape[0..<spatialRank])
    let kout = kernel.shape[r - 2], kin = kernel.shape[r - 1]
    if xs[r - 1] != kin {
        throw SwiftKerasError.invalid(
            "\(op): input channels \(xs[r - 1]) do not match kernel input channels \(kin) (input \(formatShape(x.shape)), kernel \(formatShape(kernel.shape)))")
    }
    if ys[r - 1] != kout {
        throw SwiftKerasError.invalid(
            "\(op): output shape \(formatShape(outputShape)) has \(ys[r - 1]) channels but the kernel has \(kout) output channels (kernel \(formatShape(kernel.shape)))")
    }
    if ys[0] != xs[0] {
        throw SwiftKerasError.invalid(
            "\(op): output shape \(formatShape(outputShape)) has batch size \(ys[0]) but the input has \(xs[0]) (input \(formatShape(x.shape)))")
    }
    // The geometry of the forward convolution from the requested output to x.
    let g = try WindowMath.geometry(channelsLastShape: ys, window: window, strides: s, dilations: d,
                                    padding: padding, op: op)
    let produced = g.outputSpatialShape(rank: spatialRank)
    let xSpatial = Array(xs[1..<(r - 1)])
    if produced != xSpatial {
        throw SwiftKerasError.invalid(
            "\(op): output shape \(formatShape(outputShape)) is inconsistent with input shape \(formatShape(x.shape)): its forward convolution has spatial shape \(formatShape(produced)), not \(formatShape(xSpatial))")
    }
    let y = try WindowKernel.transposed(g, cin: kin).apply(op, result: result, shape: ys, x, kernel,
                                                           dataFormat: dataFormat)
    // The forward convolution maps the output back to x: dx = conv(g, kernel), and the kernel
    // gradient is the filter backprop of that convolution with input g and output gradient x.
    let forward = ConvSpec(spatialRank: spatialRank, strides: s, padding: padding, dataFormat: dataFormat, dilations: d)
    record(op, [x, kernel], y, { g in
        try neededCotangents(
            { try forward.convolve(g, kernel) },
            { try convBackpropFilter(g, x, kernelShape: kernel.shape, strides: s, padding: padding, dataFormat: dataFormat,
                                     dilationRate: d) })
    })
    return y
}

/// 2-D transposed convolution ("deconvolution"): the gradient of `conv2d` with respect to its
/// input, producing a tensor of `outputShape` (given in `dataFormat`; a batch of -1 means the
/// input's batch). `kernel` has Keras' transposed layout `(kh, kw, outChannels, inChannels)`.
///
/// Implements Keras' `backend.conv2d_transpose` with TensorFlow's semantics: `outputShape` must be
/// a shape that `conv2d` with the same strides, padding and dilation maps onto `x`'s shape.
public func conv2dTranspose(_ x: Tensor, _ kernel: Tensor, outputShape: [Int], strides: [Int] = [1, 1],
                            padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
                            dilationRate: [Int] = [1, 1]) throws -> Tensor {
    try transposedConvolution("conv2d_transpose", spatialRank: 2, x, kernel, outputShape: outputShape,
                              strides: strides, padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)
}

/// 3-D transposed convolution: the gradient of `conv3d` with respect to its input. `kernel` has
/// layout `(kd, kh, kw, outChannels, inChannels)`.
///
/// Implements Keras' `backend.conv3d_transpose`.
public func conv3dTranspose(_ x: Tensor, _ kernel: Tensor, outputShape: [Int], strides: [Int] = [1, 1, 1],
                            padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
                            dilationRate: [Int] = [1, 1, 1]) throws -> Tensor {
    try transposedConvolution("conv3d_transpose", spatialRank: 3, x, kernel, outputShape: outputShape,
                              strides: strides, padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)
}

/// Validates a depthwise kernel against a channels-last input shape; returns the geometry and
/// the channel multiplier.
func depthwiseGeometry(_ op: StaticString, _ x: Tensor, _ xs: [Int], _ kernel: Tensor, strides: [Int],
                               padding: Padding, dilationRate: [Int]) throws -> (WindowGeometry, Int) {
    if x.rank != 4 {
        throw SwiftKerasError.invalid("\(op): expected an input of rank 4, got shape \(formatShape(x.shape))")
    }
    if kernel.rank != 4 {
        throw SwiftKerasError.invalid("\(op): expected a depthwise kernel of rank 4, got shape \(formatShape(kernel.shape))")
    }
    let s = try WindowMath.parameter(strides, 2, "strides", op: op)
    let d = try WindowMath.parameter(dilationRate, 2, "dilation rate", op: op)
    if padding == .causal {
        throw SwiftKerasError.invalid("\(op): causal padding is only supported by conv1d")
    }
    if xs[3] != kernel.shape[2] {
        throw SwiftKerasError.invalid(
            "\(op): input channels \(xs[3]) do not match kernel input channels \(kernel.shape[2]) (input \(formatShape(x.shape)), kernel \(formatShape(kernel.shape)))")
    }
    if kernel.shape[0] == 0 || kernel.shape[1] == 0 {
        throw SwiftKerasError.invalid("\(op): kernel spatial dimensions must be positive, got kernel \(formatShape(kernel.shape))")
    }
    let g = try WindowMath.geometry(channelsLastShape: xs, window: [kernel.shape[0], kernel.shape[1]],
                                    strides: s, dilations: d, padding: padding, op: op)
    return (g, kernel.shape[3])
}

/// Depthwise 2-D convolution: each input channel `c` is convolved with its own
/// `kernel[:, :, c, m]` filters, giving output channel `c · multiplier + m`. `kernel` has shape
/// `(kh, kw, inChannels, multiplier)`.
///
/// Implements Keras' `backend.depthwise_conv2d`.
public func depthwiseConv2d(_ x: Tensor, _ kernel: Tensor, strides: [Int] = [1, 1], padding: Padding = .valid,
                            dataFormat: DataFormat = .channelsLast, dilationRate: [Int] = [1, 1]) throws -> Tensor {
    let op: StaticString = "depthwise_conv2d"
    let result = try WindowMath.floatResultType([x, kernel], op: op)
    let xs = x.rank == 4 ? WindowMath.channelsLastShape(x.shape, dataFormat) : x.shape
    let (g, mult) = try depthwiseGeometry(op, x, xs, kernel, strides: strides, padding: padding,
                                          dilationRate: dilationRate)
    let (co, o) = g.channels.multipliedReportingOverflow(by: mult)
    if o { throw SwiftKerasError(.outOfMemory, "\(op): \(g.channels) × \(mult) output channels overflow") }
    let y = try WindowKernel.depthwise(g, multiplier: mult).apply(
        op, result: result, shape: [g.batch] + g.outputSpatialShape(rank: 2) + [co], x, kernel, dataFormat: dataFormat)
    let (s, d) = (strides, dilationRate)
    record(op, [x, kernel], y, { g in
        try neededCotangents(
            { try depthwiseConv2dBackpropInput(g, kernel, inputShape: x.shape, strides: s, padding: padding,
                                               dataFormat: dataFormat, dilationRate: d) },
            { try depthwiseConv2dBackpropFilter(x, g, kernelShape: kernel.shape, strides: s, padding: padding,
                                                dataFormat: dataFormat, dilationRate: d) })
    })
    return y
}

/// Separable 2-D convolution: a depthwise convolution (`depthwiseKernel` of shape
/// `(kh, kw, inChannels, multiplier)`, with the strides, padding and dilation) followed by a
/// pointwise 1×1 convolution (`pointwiseKernel` of shape `(1, 1, inChannels · multiplier, outChannels)`).
///
/// Implements Keras' `backend.separable_conv2d`.
public func separableConv2d(_ x: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor,
                            strides: [Int] = [1, 1], padding: Padding = .valid,
                            dataFormat: DataFormat = .channelsLast, dilationRate: [Int] = [1, 1]) throws -> Tensor {
    let op: StaticString = "separable_conv2d"
    let result = try WindowMath.floatResultType([x, depthwiseKernel, pointwiseKernel], op: op)
    let xs = x.rank == 4 ? WindowMath.channelsLastShape(x.shape, dataFormat) : x.shape
    let (g, mult) = try depthwiseGeometry(op, x, xs, depthwiseKernel, strides: strides, padding: padding,
                                          dilationRate: dilationRate)
    let (mid, o) = g.channels.multipliedReportingOverflow(by: mult)
    if o { throw SwiftKerasError(.outOfMemory, "\(op): \(g.channels) × \(mult) channels overflow") }
    let pk = pointwiseKernel.shape
    if pk.count != 4 || pk[0] != 1 || pk[1] != 1 || pk[2] != mid {
        throw SwiftKerasError.invalid(
            "\(op): pointwise kernel must have shape (1, 1, \(mid), outChannels), got \(formatShape(pk)) (depthwise kernel \(formatShape(depthwiseKernel.shape)))")
    }
    let cout = pk[3]
    let compute = result.computeType
    let outSpatial = g.outputSpatialShape(rank: 2)
    let out = try Tensor.uninitialized([g.batch] + outSpatial + [cout], compute, op: op)
    if out.count > 0 {
        let xc = try WindowMath.toChannelsLast(try x.cast(to: compute), dataFormat, op: op)
        let dk = try depthwiseKernel.cast(to: compute)
        let pkc = try pointwiseKernel.cast(to: compute)
        let middle = try Tensor.uninitialized([g.batch] + outSpatial + [mid], compute, op: op)
        let depthwise = WindowKernel.depthwise(g, multiplier: mult)
        if compute == .float64 { try depthwise.run(Double.self, xc, dk, middle, op: op) }
        else { try depthwise.run(Float.self, xc, dk, middle, op: op) }
        var pg = WindowGeometry()
        pg.batch = g.batch
        pg.channels = mid
        pg.input = g.output
        pg.output = g.output
        let pointwise = WindowKernel.convolve(pg, cout: cout)
        if compute == .float64 { try pointwise.run(Double.self, middle, pkc, out, op: op) }
        else { try pointwise.run(Float.self, middle, pkc, out, op: op) }
    }
    let y = try WindowMath.fromChannelsLast(out, dataFormat, op: op).cast(to: result)
    // The pullback of depthwise-then-pointwise, recomputing the middle tensor with the recorded
    // depthwise op (so a recording outer tape sees how it depends on x and the depthwise kernel).
    let (s, d) = (strides, dilationRate)
    record(op, [x, depthwiseKernel, pointwiseKernel], y, { g in
        let middle = try depthwiseConv2d(x, depthwiseKernel, strides: s, padding: padding, dataFormat: dataFormat,
                                         dilationRate: d)
        let gMiddle = try convBackpropInput(g, pointwiseKernel, inputShape: middle.shape, strides: [1, 1],
                                            padding: .valid, dataFormat: dataFormat, dilationRate: [1, 1])
        return [try depthwiseConv2dBackpropInput(gMiddle, depthwiseKernel, inputShape: x.shape, strides: s,
                                                 padding: padding, dataFormat: dataFormat, dilationRate: d),
                try depthwiseConv2dBackpropFilter(x, gMiddle, kernelShape: depthwiseKernel.shape, strides: s,
                                                  padding: padding, dataFormat: dataFormat, dilationRate: d),
                try convBackpropFilter(middle, g, kernelShape: pointwiseKernel.shape, strides: [1, 1],
                                       padding: .valid, dataFormat: dataFormat, dilationRate: [1, 1])]
    })
    return y
}
