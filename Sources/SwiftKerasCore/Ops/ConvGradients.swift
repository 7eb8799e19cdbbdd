// The gradient ops of the convolutions (TensorFlow's Conv*BackpropInput / Conv*BackpropFilter and
// their depthwise versions). Each is a proper op with a front door and a pullback made of the
// forward convolution and the other backprop op, so the three ops of a family (forward, input
// backprop, filter backprop) are closed under differentiation — which gives gradients of any order.
//
// For a convolution y = conv(x, w), all three are partial derivatives of the bilinear form
// ⟨g, conv(x, w)⟩:  backpropInput(g, w) = ∂/∂x,  backpropFilter(x, g) = ∂/∂w.

// MARK: - Shared parameters

/// The parameters of a convolution other than its operands (validated, one value per spatial
/// dimension), kept by pullbacks that must run the forward convolution again.
struct ConvSpec {
    let spatialRank: Int
    let strides: [Int]
    let padding: Padding
    let dataFormat: DataFormat
    let dilations: [Int]

    /// The Keras name of the forward convolution of this spatial rank.
    var forwardName: StaticString {
        switch spatialRank {
        case 1: return "conv1d"
        case 2: return "conv2d"
        default: return "conv3d"
        }
    }

    /// The forward convolution `conv(x, kernel)` with these parameters (recorded as conv1d/2d/3d).
    func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
        try convolution(forwardName, spatialRank: spatialRank, x, kernel, strides: strides, padding: padding,
                        dataFormat: dataFormat, dilationRate: dilations)
    }
}

/// Validates what the two backprop ops share: the rank of the convolution's input, the dtypes,
/// strides / dilation / padding, and the kernel shape against the input's channels. Returns the
/// forward geometry, the kernel's output channels, the promoted dtype and the spec.
private func backpropGeometry(_ op: StaticString, inputShape: [Int], kernelShape: [Int], gradient: Tensor,
                              operands: [Tensor], strides: [Int], padding: Padding, dataFormat: DataFormat,
                              dilationRate: [Int]) throws -> (WindowGeometry, Int, DType, ConvSpec) {
    let r = inputShape.count
    if r < 3 || r > 5 {
        throw SwiftKerasError.invalid("\(op): expected an input of rank 3, 4 or 5, got shape \(formatShape(inputShape))")
    }
    let sr = r - 2
    if kernelShape.count != r {
        throw SwiftKerasError.invalid(
            "\(op): expected a kernel of rank \(r), got shape \(formatShape(kernelShape)) (input shape \(formatShape(inputShape)))")
    }
    if gradient.rank != r {
        throw SwiftKerasError.invalid(
            "\(op): expected an output gradient of rank \(r), got shape \(formatShape(gradient.shape))")
    }
    if inputShape.contains(where: { $0 < 0 }) || kernelShape.contains(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid(
            "\(op): shapes must be non-negative, got input shape \(formatShape(inputShape)) and kernel shape \(formatShape(kernelShape))")
    }
    let result = try WindowMath.floatResultType(operands, op: op)
    let s = try WindowMath.parameter(strides, sr, "strides", op: op)
    let d = try WindowMath.parameter(dilationRate, sr, "dilation rate", op: op)
    if padding == .causal && sr != 1 {
        throw SwiftKerasError.invalid("\(op): causal padding is only supported by 1-D convolutions")
    }
    let xs = WindowMath.channelsLastShape(inputShape, dataFormat)
    let window = Array(kernelShape[0..<sr])
    if window.contains(0) {
        throw SwiftKerasError.invalid("\(op): kernel spatial dimensions must be positive, got kernel \(formatShape(kernelShape))")
    }
    let cin = kernelShape[r - 2], cout = kernelShape[r - 1]
    if xs[r - 1] != cin {
        throw SwiftKerasError.invalid(
            "\(op): input channels \(xs[r - 1]) do not match kernel input channels \(cin) (input \(formatShape(inputShape)), kernel \(formatShape(kernelShape)))")
    }
    let g = try WindowMath.geometry(channelsLastShape: xs, window: window, strides: s, dilations: d,
                                    padding: padding, op: op)
    let expected = WindowMath.shape([g.batch] + g.outputSpatialShape(rank: sr) + [cout], in: dataFormat)
    if gradient.shape != expected {
        throw SwiftKerasError.invalid(
            "\(op): output gradient of shape \(formatShape(gradient.shape)) does not match the convolution output \(formatShape(expected)) (input \(formatShape(inputShape)), kernel \(formatShape(kernelShape)))")
    }
    let spec = ConvSpec(spatialRank: sr, strides: s, padding: padding, dataFormat: dataFormat, dilations: d)
    return (g, cout, result, spec)
}

// MARK: - Convolution backprops

/// The gradient of a convolution with respect to its input: `outputGradient` (the cotangent of
/// `conv(x, kernel)`, in `dataFormat`) mapped back to `inputShape` — a transposed convolution.
///
/// The spatial rank (1, 2 or 3) follows from the kernel's rank; `kernel` has the forward layout
/// `(window..., inChannels, outChannels)`. Implements TensorFlow's `Conv2DBackpropInput` (and the
/// 1-D/3-D versions) with Keras' padding conventions, including conv1d's `.causal`.
public func convBackpropInput(_ outputGradient: Tensor, _ kernel: Tensor, inputShape: [Int], strides: [Int] = [1],
                              padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
                              dilationRate: [Int] = [1]) throws -> Tensor {
    let op: StaticString = "conv_backprop_input"
    let (g, cout, result, spec) = try backpropGeometry(
        op, inputShape: inputShape, kernelShape: kernel.shape, gradient: outputGradient, operands: [outputGradient, kernel],
        strides: strides, padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)
    let y = try WindowKernel.transposed(g, cin: cout).apply(
        op, result: result, shape: WindowMath.channelsLastShape(inputShape, dataFormat), outputGradient, kernel,
        dataFormat: dataFormat)
    // ⟨h, backpropInput(g, w)⟩ = ⟨g, conv(h, w)⟩.
    record(op, [outputGradient, kernel], y, { h in
        [try spec.convolve(h, kernel),
         try convBackpropFilter(h, outputGradient, kernelShape: kernel.shape, strides: spec.strides,
                                padding: spec.padding, dataFormat: spec.dataFormat, dilationRate: spec.dilations)]
    })
    return y
}

/// The gradient of a convolution with respect to its kernel: the kernel of shape `kernelShape`
/// `(window..., inChannels, outChannels)` whose gradient `outputGradient` is, for input `x`
/// (in `dataFormat`) — the im2col matrix of `x`, transposed, times the output gradient.
///
/// The spatial rank (1, 2 or 3) follows from `x`'s rank. Implements TensorFlow's
/// `Conv2DBackpropFilter` (and the 1-D/3-D versions) with Keras' padding conventions.
public func convBackpropFilter(_ x: Tensor, _ outputGradient: Tensor, kernelShape: [Int], strides: [Int] = [1],
                               padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
                               dilationRate: [Int] = [1]) throws -> Tensor {
    let op: StaticString = "conv_backprop_filter"
    let (g, cout, result, spec) = try backpropGeometry(
        op, inputShape: x.shape, kernelShape: kernelShape, gradient: outputGradient, operands: [x, outputGradient],
        strides: strides, padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)
    let y = try WindowKernel.backpropFilter(g, cout: cout).kernelGradient(op, result: result, kernelShape: kernelShape,
                                                                          x, outputGradient, dataFormat: dataFormat)
    // ⟨k, backpropFilter(x, g)⟩ = ⟨g, conv(x, k)⟩.
    record(op, [x, outputGradient], y, { k in
        [try convBackpropInput(outputGradient, k, inputShape: x.shape, strides: spec.strides, padding: spec.padding,
                               dataFormat: spec.dataFormat, dilationRate: spec.dilations),
         try spec.convolve(x, k)]
    })
    return y
}

// MARK: - Depthwise backprops

/// Validates the depthwise backprop ops: returns the forward geometry, the channel multiplier and
/// the promoted dtype.
private func depthwiseBackpropGeometry(_ op: StaticString, inputShape: [Int], kernelShape: [Int], gradient: Tensor,
                                       operands: [Tensor], strides: [Int], padding: Padding, dataFormat: DataFormat,
                                       dilationRate: [Int]) throws -> (WindowGeometry, Int, DType) {
    if inputShape.count != 4 {
        throw SwiftKerasError.invalid("\(op): expected an input of rank 4, got shape \(formatShape(inputShape))")
    }
    if kernelShape.count != 4 {
        throw SwiftKerasError.invalid("\(op): expected a depthwise kernel of rank 4, got shape \(formatShape(kernelShape))")
    }
    if gradient.rank != 4 {
        throw SwiftKerasError.invalid("\(op): expected an output gradient of rank 4, got shape \(formatShape(gradient.shape))")
    }
    if inputShape.contains(where: { $0 < 0 }) || kernelShape.contains(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid(
            "\(op): shapes must be non-negative, got input shape \(formatShape(inputShape)) and kernel shape \(formatShape(kernelShape))")
    }
    let result = try WindowMath.floatResultType(operands, op: op)
    let s = try WindowMath.parameter(strides, 2, "strides", op: op)
    let d = try WindowMath.parameter(dilationRate, 2, "dilation rate", op: op)
    if padding == .causal {
        throw SwiftKerasError.invalid("\(op): causal padding is only supported by conv1d")
    }
    let xs = WindowMath.channelsLastShape(inputShape, dataFormat)
    if xs[3] != kernelShape[2] {
        throw SwiftKerasError.invalid(
            "\(op): input channels \(xs[3]) do not match kernel input channels \(kernelShape[2]) (input \(formatShape(inputShape)), kernel \(formatShape(kernelShape)))")
    }
    if kernelShape[0] == 0 || kernelShape[1] == 0 {
        throw SwiftKerasError.invalid("\(op): kernel spatial dimensions must be positive, got kernel \(formatShape(kernelShape))")
    }
    let g = try WindowMath.geometry(channelsLastShape: xs, window: [kernelShape[0], kernelShape[1]],
                                    strides: s, dilations: d, padding: padding, op: op)
    let mult = kernelShape[3]
    let (co, o) = g.channels.multipliedReportingOverflow(by: mult)
    if o { throw SwiftKerasError(.outOfMemory, "\(op): \(g.channels) × \(mult) output channels overflow") }
    let expected = WindowMath.shape([g.batch] + g.outputSpatialShape(rank: 2) + [co], in: dataFormat)
    if gradient.shape != expected {
        throw SwiftKerasError.invalid(
            "\(op): output gradient of shape \(formatShape(gradient.shape)) does not match the depthwise convolution output \(formatShape(expected)) (input \(formatShape(inputShape)), kernel \(formatShape(kernelShape)))")
    }
    return (g, mult, result)
}

/// The gradient of a depthwise convolution with respect to its input: `outputGradient` (the
/// cotangent of `depthwiseConv2d(x, kernel)`) mapped back to `inputShape`.
///
/// Implements TensorFlow's `DepthwiseConv2dNativeBackpropInput`; `kernel` has shape
/// `(kh, kw, inChannels, multiplier)`.
public func depthwiseConv2dBackpropInput(_ outputGradient: Tensor, _ kernel: Tensor, inputShape: [Int],
                                         strides: [Int] = [1, 1], padding: Padding = .valid,
                                         dataFormat: DataFormat = .channelsLast,
                                         dilationRate: [Int] = [1, 1]) throws -> Tensor {
    let op: StaticString = "depthwise_conv2d_backprop_input"
    let (g, mult, result) = try depthwiseBackpropGeometry(
        op, inputShape: inputShape, kernelShape: kernel.shape, gradient: outputGradient,
        operands: [outputGradient, kernel], strides: strides, padding: padding, dataFormat: dataFormat,
        dilationRate: dilationRate)
    let y = try WindowKernel.depthwiseBackpropInput(g, multiplier: mult).apply(
        op, result: result, shape: WindowMath.channelsLastShape(inputShape, dataFormat), outputGradient, kernel,
        dataFormat: dataFormat)
    record(op, [outputGradient, kernel], y, { h in
        [try depthwiseConv2d(h, kernel, strides: strides, padding: padding, dataFormat: dataFormat,
                             dilationRate: dilationRate),
         try depthwiseConv2dBackpropFilter(h, outputGradient, kernelShape: kernel.shape, strides: strides,
                                           padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)]
    })
    return y
}

/// The gradient of a depthwise convolution with respect to its kernel (of shape `kernelShape`
/// `(kh, kw, inChannels, multiplier)`), for input `x` and output gradient `outputGradient`.
///
/// Implements TensorFlow's `DepthwiseConv2dNativeBackpropFilter`.
public func depthwiseConv2dBackpropFilter(_ x: Tensor, _ outputGradient: Tensor, kernelShape: [Int],
                                          strides: [Int] = [1, 1], padding: Padding = .valid,
                                          dataFormat: DataFormat = .channelsLast,
                                          dilationRate: [Int] = [1, 1]) throws -> Tensor {
    let op: StaticString = "depthwise_conv2d_backprop_filter"
    let (g, mult, result) = try depthwiseBackpropGeometry(
        op, inputShape: x.shape, kernelShape: kernelShape, gradient: outputGradient, operands: [x, outputGradient],
        strides: strides, padding: padding, dataFormat: dataFormat, dilationRate: dilationRate)
    let kernel = WindowKernel.depthwiseBackpropFilter(g, multiplier: mult)
    let y = try kernel.kernelGradient(op, result: result, kernelShape: kernelShape, x, outputGradient, dataFormat: dataFormat)
    record(op, [x, outputGradient], y, { k in
        [try depthwiseConv2dBackpropInput(outputGradient, k, inputShape: x.shape, strides: strides, padding: padding,
                                          dataFormat: dataFormat, dilationRate: dilationRate),
         try depthwiseConv2d(x, k, strides: strides, padding: padding, dataFormat: dataFormat,
                             dilationRate: dilationRate)]
    })
    return y
}

// MARK: - Kernels

extension ConvKernels {
    /// `dw (taps·C, cout) = im2col(x)ᵀ · dy` over all output rows, in chunks of rows; `x` and `dy`
    /// are channels-last, `g` is the forward geometry.
    static func backpropFilter<T: ConvFloat>(_ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dw: UnsafeMutablePointer<T>,
                                             _ g: WindowGeometry, cout: Int, op: StaticString) throws {
        let K = g.taps &* g.channels
        if K == 0 || cout == 0 { return }
        dw.update(repeating: 0, count: K &* cout)
        let rows = g.batch &* g.outputSpatial
        if rows == 0 { return }
        if T.self == Float.self, OneDNN.convolve(.backwardWeights, g, cout: cout, input: x, kernel: dw,
                                                 output: UnsafeMutableRawPointer(mutating: dy)) { return }
        let chunk = max(1, min(rows, convChunkElements / K))
        try forEachIm2colChunk(x, g, extra: K &* cout, op: op) { col, r0, r1 in
            let dwT = col + chunk &* K      // cout × K, after the largest chunk
            T.convGemmAccumulatingTransA(m: cout, n: K, k: r1 &- r0, a: dy + r0 &* cout, lda: cout, b: col, ldb: K,
                                         c: dwT, ldc: K)
            if r1 == rows { for i in 0..<K { for j in 0..<cout { dw[i &* cout &+ j] = dwT[j &* K &+ i] } } }
        }
    }

    /// Calls `body(outputRow, tap, inputPixel)` for every in-bounds (output pixel, window tap) pair
    /// of image `n`; `inputPixel` is the pixel index within the image.
    @inline(__always)
    static func forEachTap(_ g: WindowGeometry, image n: Int, _ body: (Int, Int, Int) -> Void) {
        let first = n &* g.outputSpatial
        for r in first..<(first &+ g.outputSpatial) {
            g.forEachTap(row: r) { tap, pixel in body(r, tap, pixel) }
        }
    }

    /// `dx[n, pixel, c] += dy[row, c·mult + m] · w[tap, c, m]` (channels-last), one image per task.
    static func depthwiseBackpropInput<T: ConvFloat>(_ dy: UnsafePointer<T>, _ w: UnsafePointer<T>,
                                                     _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry,
                                                     multiplier mult: Int) {
        let C = g.channels, CO = C &* mult
        let image = g.inputSpatial &* C
        dx.update(repeating: 0, count: g.batch &* image)
        if CO == 0 || g.outputSpatial == 0 { return }
        Parallel.forRange(g.batch, grain: 1) { s, e in
            for n in s..<e {
                let xb = dx + n &* image
                forEachTap(g, image: n) { r, tap, pixel in
                    let o = dy + r &* CO, wk = w + tap &* CO, xi = xb + pixel &* C
                    if mult == 1 {
                        for c in 0..<C { xi[c] += o[c] * wk[c] }
                    } else {
                        for c in 0..<C {
                            var acc: T = 0
                            for m in 0..<mult { acc += o[c &* mult &+ m] * wk[c &* mult &+ m] }
                            xi[c] += acc
                        }
                    }
                }
            }
        }
    }

    /// `dw[tap, c, m] = Σ dy[row, c·mult + m] · x[pixel(row, tap), c]` (channels-last); the
    /// threads take disjoint ranges of channels.
    static func depthwiseBackpropFilter<T: ConvFloat>(_ x: UnsafePointer<T>, _ dy: UnsafePointer<T>,
                                                      _ dw: UnsafeMutablePointer<T>, _ g: WindowGeometry,
                                                      multiplier mult: Int) {
        let C = g.channels, CO = C &* mult
        dw.update(repeating: 0, count: g.taps &* CO)
        if CO == 0 || g.outputSpatial == 0 { return }
        let image = g.inputSpatial &* C
        let work = g.batch &* g.outputSpatial &* g.taps &* CO
        Parallel.forRange(C, grain: work < (1 << 16) ? C : 1) { c0, c1 in
            for n in 0..<g.batch {
                let xb = x + n &* image
                forEachTap(g, image: n) { r, tap, pixel in
                    let o = dy + r &* CO, wk = dw + tap &* CO, xi = xb + pixel &* C
                    if mult == 1 {
                        for c in c0..<c1 { wk[c] += o[c] * xi[c] }
                    } else {
                        for c in c0..<c1 {
                            let xv = xi[c]
                            for m in 0..<mult { wk[c &* mult &+ m] += o[c &* mult &+ m] * xv }
                        }
                    }
                }
            }
        }
    }
}
