import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// MARK: - Test helpers

/// The draws of the randomized comparisons, from the top 31 bits of each LCG state.
private extension LCG {
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int((step() >> 33) % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func double() -> Double { Double((step() >> 33) % 2001) / 1000 - 1 }
    mutating func bool() -> Bool { (step() >> 33) & 1 == 1 }
}

/// Flat index of `(n, spatial..., c)` in a tensor of spatial shape `sp` and `C` channels.
private func flatIndex(_ n: Int, _ pos: [Int], _ c: Int, _ sp: [Int], _ C: Int, _ f: DataFormat) -> Int {
    var s = 0
    for i in 0..<sp.count { s = s * sp[i] + pos[i] }
    let S = sp.reduce(1, *)
    return f == .channelsLast ? (n * S + s) * C + c : (n * C + c) * S + s
}

/// All positions of a spatial shape, row-major.
private func positions(_ sp: [Int]) -> [[Int]] {
    var out: [[Int]] = [[]]
    for d in sp { out = out.flatMap { p in (0..<max(d, 0)).map { p + [$0] } } }
    return sp.contains(0) ? [] : out
}

/// Output size and leading padding, written straight from TensorFlow's definitions.
private func refDim(_ i: Int, _ k: Int, _ s: Int, _ d: Int, _ p: Padding) -> (Int, Int) {
    let eff = (k - 1) * d + 1
    switch p {
    case .valid: return (i >= eff ? (i - eff) / s + 1 : 0, 0)
    case .same:
        let o = (i + s - 1) / s
        return (o, max((o - 1) * s + eff - i, 0) / 2)
    case .causal: return ((i - 1) / s + 1, eff - 1)
    }
}

private func shapeOf(_ n: Int, _ sp: [Int], _ c: Int, _ f: DataFormat) -> [Int] {
    f == .channelsLast ? [n] + sp + [c] : [n, c] + sp
}

private func randomTensor(_ shape: [Int], _ rng: inout LCG, _ dtype: DType = .float32) throws -> (Tensor, [Double]) {
    let n = shape.reduce(1, *)
    var v = (0..<n).map { _ in rng.double() }
    if dtype == .float32 { v = v.map { Double(Float($0)) } }
    return (try Tensor.from(doubles: v, shape: shape, dtype: dtype), v)
}

// MARK: - Exact small cases

final class ConvolutionTests: XCTestCase {
    func testConv1dPaddings() throws {
        let x = try f32([1, 2, 3, 4, 5], [1, 5, 1])
        let k = try f32([1, 0, -1], [3, 1, 1])
        let v = try conv1d(x, k)
        XCTAssertEqual(v.shape, [1, 3, 1])
        XCTAssertEqual(v.dtype, .float32)
        XCTAssertEqual(try v.scalars(as: Float.self), [-2, -2, -2])
        XCTAssertEqual(try conv1d(x, k, padding: .same).scalars(as: Float.self), [-2, -2, -2, -2, 4])
        XCTAssertEqual(try conv1d(x, k, padding: .causal).scalars(as: Float.self), [-1, -2, -2, -2, -2])
        // causal + dilation 2: y[t] = x[t-4] - x[t]
        XCTAssertEqual(try conv1d(x, k, padding: .causal, dilationRate: 2).scalars(as: Float.self), [-1, -2, -3, -4, -4])
        XCTAssertEqual(try conv1d(x, k, stride: 2, padding: .same).scalars(as: Float.self), [-2, -2, 4])
        // channels-first (1, 1, 5)
        let xf = try f32([1, 2, 3, 4, 5], [1, 1, 5])
        let vf = try conv1d(xf, k, padding: .causal, dataFormat: .channelsFirst)
        XCTAssertEqual(vf.shape, [1, 1, 5])
        XCTAssertEqual(try vf.scalars(as: Float.self), [-1, -2, -2, -2, -2])
    }

    func testConv2dSmall() throws {
        let x = try f32((1...9).map(Float.init), [1, 3, 3, 1])
        let ones = try f32([1, 1, 1, 1], [2, 2, 1, 1])
        let v = try conv2d(x, ones)
        XCTAssertEqual(v.shape, [1, 2, 2, 1])
        XCTAssertEqual(try v.scalars(as: Float.self), [12, 16, 24, 28])
        let s = try conv2d(x, ones, strides: [2, 2], padding: .same)
        XCTAssertEqual(s.shape, [1, 2, 2, 1])
        XCTAssertEqual(try s.scalars(as: Float.self), [12, 9, 15, 9])
        let d = try conv2d(x, ones, dilationRate: [2, 2])
        XCTAssertEqual(d.shape, [1, 1, 1, 1])
        XCTAssertEqual(try d.scalars(as: Float.self), [20])
        // same, stride 1: pad total 1, at the end
        XCTAssertEqual(try conv2d(x, ones, padding: .same).scalars(as: Float.self), [12, 16, 9, 24, 28, 15, 15, 17, 9])
        // channels mixing: (1,1,1,2) · (1,1,2,3)
        let xc = try f32([1, 2], [1, 1, 1, 2])
        let kc = try f32([1, 2, 3, 4, 5, 6], [1, 1, 2, 3])
        XCTAssertEqual(try conv2d(xc, kc).scalars(as: Float.self), [9, 12, 15])
        // channels-first of the same
        let xcf = try f32([1, 2], [1, 2, 1, 1])
        let vf = try conv2d(xcf, kc, dataFormat: .channelsFirst)
        XCTAssertEqual(vf.shape, [1, 3, 1, 1])
        XCTAssertEqual(try vf.scalars(as: Float.self), [9, 12, 15])
    }

    func testConv3dSmall() throws {
        let x = try f32((1...8).map(Float.init), [1, 2, 2, 2, 1])
        let k = try f32([Float](repeating: 1, count: 8), [2, 2, 2, 1, 1])
        let v = try conv3d(x, k)
        XCTAssertEqual(v.shape, [1, 1, 1, 1, 1])
        XCTAssertEqual(try v.scalars(as: Float.self), [36])
        let s = try conv3d(x, k, padding: .same)
        XCTAssertEqual(s.shape, [1, 2, 2, 2, 1])
        XCTAssertEqual(try s.scalars(as: Float.self), [36, 20, 22, 12, 26, 14, 15, 8])
    }

    func testTransposeSmall() throws {
        let x = try f32([1, 2, 3, 4], [1, 2, 2, 1])
        let ones = try f32([1, 1, 1, 1], [2, 2, 1, 1])
        let v = try conv2dTranspose(x, ones, outputShape: [1, 4, 4, 1], strides: [2, 2])
        XCTAssertEqual(v.shape, [1, 4, 4, 1])
        XCTAssertEqual(try v.scalars(as: Float.self), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let u = try conv2dTranspose(x, ones, outputShape: [-1, 3, 3, 1])
        XCTAssertEqual(u.shape, [1, 3, 3, 1])
        XCTAssertEqual(try u.scalars(as: Float.self), [1, 3, 2, 4, 10, 6, 3, 7, 4])
        // same padding, stride 2: output 4 or 3 both map to 2 (TF accepts either)
        let w = try conv2dTranspose(x, ones, outputShape: [1, 3, 3, 1], strides: [2, 2], padding: .same)
        XCTAssertEqual(try w.scalars(as: Float.self), [1, 1, 2, 1, 1, 2, 3, 3, 4])
        // kernel (kh, kw, out, in): 1 input channel → 2 output channels
        let k2 = try f32([1, 10], [1, 1, 2, 1])
        let c = try conv2dTranspose(try f32([3], [1, 1, 1, 1]), k2, outputShape: [1, 1, 1, 2])
        XCTAssertEqual(try c.scalars(as: Float.self), [3, 30])
    }

    func testDepthwiseAndSeparableSmall() throws {
        let x = try f32([1, 2], [1, 1, 1, 2])
        let k = try f32([10, 20, 30, 40], [1, 1, 2, 2])
        let v = try depthwiseConv2d(x, k)
        XCTAssertEqual(v.shape, [1, 1, 1, 4])
        XCTAssertEqual(try v.scalars(as: Float.self), [10, 20, 60, 80])
        let p = try f32([1, 1, 1, 1], [1, 1, 4, 1])
        let s = try separableConv2d(x, depthwiseKernel: k, pointwiseKernel: p)
        XCTAssertEqual(s.shape, [1, 1, 1, 1])
        XCTAssertEqual(try s.scalars(as: Float.self), [170])
        // 3x3 image, 2x2 ones depthwise kernel per channel, channel 2 = 10 × channel 1
        let img = try f32((1...9).flatMap { [Float($0), Float($0 * 10)] }, [1, 3, 3, 2])
        let ones = try f32([Float](repeating: 1, count: 8), [2, 2, 2, 1])
        XCTAssertEqual(try depthwiseConv2d(img, ones).scalars(as: Float.self), [12, 120, 16, 160, 24, 240, 28, 280])
    }

    func testPoolSmall() throws {
        let x = try f32((1...16).map(Float.init), [1, 4, 4, 1])
        let m = try pool2d(x, poolSize: [2, 2], strides: [2, 2])
        XCTAssertEqual(m.shape, [1, 2, 2, 1])
        XCTAssertEqual(try m.scalars(as: Float.self), [6, 8, 14, 16])
        XCTAssertEqual(try pool2d(x, poolSize: [2, 2], strides: [2, 2], mode: .average).scalars(as: Float.self),
                       [3.5, 5.5, 11.5, 13.5])
        let y = try f32((1...9).map(Float.init), [1, 3, 3, 1])
        let a = try pool2d(y, poolSize: [2, 2], strides: [2, 2], padding: .same, mode: .average)
        XCTAssertEqual(try a.scalars(as: Float.self), [3, 4.5, 7.5, 9])
        XCTAssertEqual(try pool2d(y, poolSize: [2, 2], strides: [2, 2], padding: .same).scalars(as: Float.self),
                       [5, 6, 8, 9])
        // max ignores padding even when everything is negative
        let neg = try f32((1...9).map { -Float($0) }, [1, 3, 3, 1])
        XCTAssertEqual(try pool2d(neg, poolSize: [2, 2], strides: [2, 2], padding: .same).scalars(as: Float.self),
                       [-1, -3, -7, -9])
        // integer max pooling keeps the dtype
        let xi = try Tensor((1...16).map { Int32($0) }, shape: [1, 4, 4, 1])
        let mi = try pool2d(xi, poolSize: [2, 2], strides: [2, 2])
        XCTAssertEqual(mi.dtype, .int32)
        XCTAssertEqual(try mi.scalars(as: Int32.self), [6, 8, 14, 16])
        // NaN propagates through max pooling
        let nan = try f32([1, .nan, 3, 4], [1, 2, 2, 1])
        XCTAssertTrue(try pool2d(nan, poolSize: [2, 2]).scalars(as: Float.self)[0].isNaN)
        // 3-D, channels-first
        let z = try f32((1...8).map(Float.init), [1, 1, 2, 2, 2])
        let z3 = try pool3d(z, poolSize: [2, 2, 2], strides: [2, 2, 2], dataFormat: .channelsFirst, mode: .average)
        XCTAssertEqual(z3.shape, [1, 1, 1, 1, 1])
        XCTAssertEqual(try z3.scalars(as: Float.self), [4.5])
    }

    func testDTypes() throws {
        let x = try f32((1...9).map(Float.init), [1, 3, 3, 1])
        let k = try f32([1, 1, 1, 1], [2, 2, 1, 1])
        for dt in [DType.float16, .bfloat16, .float64] {
            let v = try conv2d(try x.cast(to: dt), try k.cast(to: dt))
            XCTAssertEqual(v.dtype, dt)
            XCTAssertEqual(v.shape, [1, 2, 2, 1])
            XCTAssertEqual(v.doubles, [12, 16, 24, 28])
            let p = try pool2d(try x.cast(to: dt), poolSize: [3, 3], mode: .average)
            XCTAssertEqual(p.dtype, dt)
            XCTAssertEqual(p.doubles, [5])
            let t = try conv2dTranspose(try x.cast(to: dt), try k.cast(to: dt), outputShape: [1, 4, 4, 1])
            XCTAssertEqual(t.dtype, dt)
            let dwise = try depthwiseConv2d(try x.cast(to: dt), try k.cast(to: dt))
            XCTAssertEqual(dwise.dtype, dt)
        }
        // mixed floats promote
        XCTAssertEqual(try conv2d(x, try k.cast(to: .float64)).dtype, .float64)
        XCTAssertEqual(try conv2d(try x.cast(to: .float16), try k.cast(to: .bfloat16)).dtype, .float32)
    }

    func testEmptyAndZeroSize() throws {
        let k = try f32([Float](repeating: 1, count: 18), [3, 3, 1, 2])
        // batch 0
        let e = try conv2d(try Tensor([Float](), shape: [0, 5, 5, 1]), k)
        XCTAssertEqual(e.shape, [0, 3, 3, 2])
        // kernel one larger than the input: TF gives an empty output
        let z = try conv2d(try f32([1, 2, 3, 4], [1, 2, 2, 1]), k)
        XCTAssertEqual(z.shape, [1, 0, 0, 2])
        // zero input channels: all zeros
        let c0 = try conv2d(try Tensor([Float](), shape: [1, 3, 3, 0]), try Tensor([Float](), shape: [2, 2, 0, 2]))
        XCTAssertEqual(c0.shape, [1, 2, 2, 2])
        XCTAssertEqual(c0.doubles, [Double](repeating: 0, count: 8))
        let p = try pool2d(try Tensor([Float](), shape: [2, 0, 4, 3]), poolSize: [2, 2], padding: .same)
        XCTAssertEqual(p.shape, [2, 0, 4, 3])
        let t = try conv2dTranspose(try Tensor([Float](), shape: [1, 2, 2, 0]), try Tensor([Float](), shape: [2, 2, 3, 0]),
                                    outputShape: [1, 3, 3, 3])
        XCTAssertEqual(t.doubles, [Double](repeating: 0, count: 27))
    }

    func testBadInputs() throws {
        let x = try Tensor([Float](repeating: 1, count: 75), shape: [1, 5, 5, 3])
        let k = try Tensor([Float](repeating: 1, count: 288), shape: [3, 3, 4, 8])
        let k3 = try Tensor([Float](repeating: 1, count: 216), shape: [3, 3, 3, 8])
        let xi = try Tensor([Int32](repeating: 1, count: 75), shape: [1, 5, 5, 3])
        let small = try Tensor([Float](repeating: 1, count: 3), shape: [1, 1, 1, 3])
        let x1 = try Tensor([Float](repeating: 1, count: 5), shape: [1, 5, 1])
        let k1 = try Tensor([Float](repeating: 1, count: 3), shape: [3, 1, 1])
        let inv = SwiftKerasError.Kind.invalidArgument
        assertError(inv, "conv2d: input channels 3 do not match kernel input channels 4 (input (1, 5, 5, 3), kernel (3, 3, 4, 8))") {
            try conv2d(x, k)
        }
        assertError(inv, "conv2d: expected an input of rank 4, got shape (5, 5, 3)") {
            try conv2d(try x.reshaped(to: [5, 5, 3]), k3)
        }
        assertError(inv, "conv2d: expected a kernel of rank 4, got shape (3, 3, 24)") {
            try conv2d(x, try k3.reshaped(to: [3, 3, 24]))
        }
        assertError(inv, "conv2d: strides must be positive, got [0, 1]") { try conv2d(x, k3, strides: [0, 1]) }
        assertError(inv, "conv2d: strides must have 2 values, got [1, 1, 1]") { try conv2d(x, k3, strides: [1, 1, 1]) }
        assertError(inv, "conv2d: dilation rate must be positive, got [1, -2]") { try conv2d(x, k3, dilationRate: [1, -2]) }
        assertError(inv, "conv2d: causal padding is only supported by conv1d") { try conv2d(x, k3, padding: .causal) }
        assertError(inv, "conv2d: computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1]") {
            try conv2d(small, k3)
        }
        assertError(inv, "conv2d: dilation rate 9223372036854775807 is too large for window size 3") {
            try conv2d(x, k3, dilationRate: [Int.max, 1])
        }
        assertError(inv, "conv2d: window size 9223372036854775805 is too large for input size 5") {
            try conv2d(x, try Tensor([Float](repeating: 1, count: 96), shape: [2, 2, 3, 8]),
                       padding: .same, dilationRate: [Int.max - 3, 1])
        }
        assertError(inv, "conv2d: computed output size would be negative: -1844674407370955159 [input_size: 5, effective_filter_size: 9223372036854775805, stride: 5]") {
            try conv2d(x, try Tensor([Float](repeating: 1, count: 96), shape: [2, 2, 3, 8]),
                       strides: [5, 1], dilationRate: [Int.max - 3, 1])
        }
        assertError(.invalidDType, "conv2d: dtype int32 is not supported (floating-point inputs only)") { try conv2d(xi, k3) }
        assertError(.invalidDType, "conv2d: dtype int32 is not supported (floating-point inputs only)") {
            try conv2d(x, try k3.cast(to: .int32))
        }
        assertError(inv, "conv2d: kernel spatial dimensions must be positive, got kernel (0, 3, 3, 8)") {
            try conv2d(x, try Tensor([Float](), shape: [0, 3, 3, 8]))
        }
        assertError(inv, "conv1d: strides must be positive, got [0]") { try conv1d(x1, k1, stride: 0) }
        assertError(inv, "conv1d: input channels 5 do not match kernel input channels 1 (input (1, 5, 1), kernel (3, 1, 1))") {
            try conv1d(x1, k1, dataFormat: .channelsFirst)
        }
        assertError(inv, "conv3d: expected an input of rank 5, got shape (1, 5, 5, 3)") { try conv3d(x, k3) }
        // transpose
        let tx = try Tensor([Float](repeating: 1, count: 4), shape: [1, 2, 2, 1])
        let tk = try Tensor([Float](repeating: 1, count: 8), shape: [2, 2, 2, 1])
        assertError(inv, "conv2d_transpose: output shape (1, 5, 5, 2) is inconsistent with input shape (1, 2, 2, 1): its forward convolution has spatial shape (4, 4), not (2, 2)") {
            try conv2dTranspose(tx, tk, outputShape: [1, 5, 5, 2])
        }
        assertError(inv, "conv2d_transpose: output shape (1, 3, 3, 3) has 3 channels but the kernel has 2 output channels (kernel (2, 2, 2, 1))") {
            try conv2dTranspose(tx, tk, outputShape: [1, 3, 3, 3])
        }
        assertError(inv, "conv2d_transpose: output shape (2, 3, 3, 2) has batch size 2 but the input has 1 (input (1, 2, 2, 1))") {
            try conv2dTranspose(tx, tk, outputShape: [2, 3, 3, 2])
        }
        assertError(inv, "conv2d_transpose: input channels 1 do not match kernel input channels 2 (input (1, 2, 2, 1), kernel (2, 2, 1, 2))") {
            try conv2dTranspose(tx, try tk.reshaped(to: [2, 2, 1, 2]), outputShape: [1, 3, 3, 1])
        }
        assertError(inv, "conv2d_transpose: output shape must have 4 dimensions, got (3, 3, 2)") {
            try conv2dTranspose(tx, tk, outputShape: [3, 3, 2])
        }
        assertError(inv, "conv2d_transpose: output shape (1, -3, 3, 2) has a negative dimension") {
            try conv2dTranspose(tx, tk, outputShape: [1, -3, 3, 2])
        }
        // depthwise / separable
        let dk = try Tensor([Float](repeating: 1, count: 18), shape: [3, 3, 1, 2])
        assertError(inv, "depthwise_conv2d: input channels 3 do not match kernel input channels 1 (input (1, 5, 5, 3), kernel (3, 3, 1, 2))") {
            try depthwiseConv2d(x, dk)
        }
        let dk3 = try Tensor([Float](repeating: 1, count: 54), shape: [3, 3, 3, 2])
        assertError(inv, "separable_conv2d: pointwise kernel must have shape (1, 1, 6, outChannels), got (1, 1, 3, 4) (depthwise kernel (3, 3, 3, 2))") {
            try separableConv2d(x, depthwiseKernel: dk3, pointwiseKernel: try Tensor([Float](repeating: 1, count: 12), shape: [1, 1, 3, 4]))
        }
        // pooling
        assertError(inv, "pool2d: pool size must be positive, got [0, 2]") { try pool2d(x, poolSize: [0, 2]) }
        assertError(inv, "pool2d: expected an input of rank 4, got shape (1, 5, 1)") { try pool2d(x1, poolSize: [2, 2]) }
        assertError(.invalidDType, "pool2d: dtype int32 is not supported by average pooling") {
            try pool2d(xi, poolSize: [2, 2], mode: .average)
        }
        assertError(.invalidDType, "pool2d: dtype bool is not supported by max pooling") {
            try pool2d(try xi.cast(to: .bool), poolSize: [2, 2])
        }
        assertError(inv, "pool2d: computed output size would be negative: -1 [input_size: 5, effective_filter_size: 7, stride: 1]") {
            try pool2d(x, poolSize: [7, 7])
        }
        assertError(inv, "pool3d: causal padding is not supported by pooling") {
            try pool3d(try x.reshaped(to: [1, 5, 5, 3, 1]), poolSize: [2, 2, 2], padding: .causal)
        }
    }

    // MARK: - Randomized comparisons against direct loops in doubles

    func testRandomConvolutions() throws {
        var rng = LCG(42)
        for trial in 0..<150 {
            let rank = 1 + trial % 3
            let f: DataFormat = rng.bool() ? .channelsLast : .channelsFirst
            let n = rng.int(1...2), cin = rng.int(1...3), cout = rng.int(1...3)
            let ks = (0..<rank).map { _ in rng.int(1...3) }
            let st = (0..<rank).map { _ in rng.int(1...3) }
            let dl = (0..<rank).map { _ in rng.int(1...2) }
            let pads: [Padding] = rank == 1 ? [.valid, .same, .causal] : [.valid, .same]
            let pad = pads[rng.int(0...(pads.count - 1))]
            let sp = (0..<rank).map { i in rng.int(((ks[i] - 1) * dl[i] + 1)...7) }
            let dims = (0..<rank).map { refDim(sp[$0], ks[$0], st[$0], dl[$0], pad) }
            let osp = dims.map { $0.0 }
            let dtype: DType = trial % 5 == 0 ? .float64 : .float32
            let (x, xv) = try randomTensor(shapeOf(n, sp, cin, f), &rng, dtype)
            let (k, kv) = try randomTensor(ks + [cin, cout], &rng, dtype)
            var want = [Double](repeating: 0, count: n * osp.reduce(1, *) * cout)
            for b in 0..<n { for o in positions(osp) { for co in 0..<cout {
                var acc = 0.0
                for t in positions(ks) { for ci in 0..<cin {
                    var ip: [Int] = []
                    for i in 0..<rank { ip.append(o[i] * st[i] - dims[i].1 + t[i] * dl[i]) }
                    if zip(ip, sp).contains(where: { $0 < 0 || $0 >= $1 }) { continue }
                    var ki = 0
                    for i in 0..<rank { ki = ki * ks[i] + t[i] }
                    acc += xv[flatIndex(b, ip, ci, sp, cin, f)] * kv[(ki * cin + ci) * cout + co]
                } }
                want[flatIndex(b, o, co, osp, cout, f)] = acc
            } } }
            let got: Tensor
            switch rank {
            case 1: got = try conv1d(x, k, stride: st[0], padding: pad, dataFormat: f, dilationRate: dl[0])
            case 2: got = try conv2d(x, k, strides: st, padding: pad, dataFormat: f, dilationRate: dl)
            default: got = try conv3d(x, k, strides: st, padding: pad, dataFormat: f, dilationRate: dl)
            }
            let desc = "conv\(rank)d trial \(trial) x \(x.shape) k \(k.shape) s \(st) d \(dl) \(pad) \(f)"
            check(got, shapeOf(n, osp, cout, f), dtype, want, tol: 1e-4, desc)
        }
    }

    func testRandomTransposed() throws {
        var rng = LCG(7)
        for trial in 0..<80 {
            let rank = trial % 2 == 0 ? 2 : 3
            let f: DataFormat = rng.bool() ? .channelsLast : .channelsFirst
            let n = rng.int(1...2), cin = rng.int(1...3), cout = rng.int(1...3)
            let ks = (0..<rank).map { _ in rng.int(1...3) }
            let st = (0..<rank).map { _ in rng.int(1...3) }
            let dl = (0..<rank).map { _ in rng.int(1...2) }
            let pad: Padding = rng.bool() ? .valid : .same
            // Pick the output size, derive x's size from the forward convolution.
            let osp = (0..<rank).map { i in rng.int(((ks[i] - 1) * dl[i] + 1)...7) }
            let dims = (0..<rank).map { refDim(osp[$0], ks[$0], st[$0], dl[$0], pad) }
            let isp = dims.map { $0.0 }
            let (x, xv) = try randomTensor(shapeOf(n, isp, cin, f), &rng)
            let (k, kv) = try randomTensor(ks + [cout, cin], &rng)
            // Scatter form: every input element spreads over its window of the output.
            var want = [Double](repeating: 0, count: n * osp.reduce(1, *) * cout)
            for b in 0..<n { for i in positions(isp) { for ci in 0..<cin { for t in positions(ks) {
                var op: [Int] = []
                for j in 0..<rank { op.append(i[j] * st[j] - dims[j].1 + t[j] * dl[j]) }
                if zip(op, osp).contains(where: { $0 < 0 || $0 >= $1 }) { continue }
                var ki = 0
                for j in 0..<rank { ki = ki * ks[j] + t[j] }
                for co in 0..<cout {
                    want[flatIndex(b, op, co, osp, cout, f)] += xv[flatIndex(b, i, ci, isp, cin, f)] * kv[(ki * cout + co) * cin + ci]
                }
            } } } }
            let oshape = shapeOf(n, osp, cout, f)
            let got = rank == 2
                ? try conv2dTranspose(x, k, outputShape: oshape, strides: st, padding: pad, dataFormat: f, dilationRate: dl)
                : try conv3dTranspose(x, k, outputShape: oshape, strides: st, padding: pad, dataFormat: f, dilationRate: dl)
            let desc = "transpose trial \(trial) x \(x.shape) k \(k.shape) out \(oshape) s \(st) d \(dl) \(pad) \(f)"
            XCTAssertEqual(got.shape, oshape, desc)
            XCTAssertEqual(got.dtype, .float32, desc)
            assertClose(got.doubles, want, .relOrAbs(1e-4), desc)
        }
    }

    func testRandomDepthwiseSeparable() throws {
        var rng = LCG(99)
        for trial in 0..<60 {
            let f: DataFormat = rng.bool() ? .channelsLast : .channelsFirst
            let n = rng.int(1...2), cin = rng.int(1...3), mult = rng.int(1...3), cout = rng.int(1...3)
            let ks = [rng.int(1...3), rng.int(1...3)]
            let st = [rng.int(1...2), rng.int(1...2)]
            let dl = [rng.int(1...2), rng.int(1...2)]
            let pad: Padding = rng.bool() ? .valid : .same
            let sp = (0..<2).map { i in rng.int(((ks[i] - 1) * dl[i] + 1)...6) }
            let dims = (0..<2).map { refDim(sp[$0], ks[$0], st[$0], dl[$0], pad) }
            let osp = dims.map { $0.0 }
            let (x, xv) = try randomTensor(shapeOf(n, sp, cin, f), &rng)
            let (k, kv) = try randomTensor(ks + [cin, mult], &rng)
            let (p, pv) = try randomTensor([1, 1, cin * mult, cout], &rng)
            let co = cin * mult
            var dw = [Double](repeating: 0, count: n * osp.reduce(1, *) * co)   // channels-last
            for b in 0..<n { for o in positions(osp) { for c in 0..<cin { for m in 0..<mult {
                var acc = 0.0
                for t in positions(ks) {
                    let ip = [o[0] * st[0] - dims[0].1 + t[0] * dl[0], o[1] * st[1] - dims[1].1 + t[1] * dl[1]]
                    if ip[0] < 0 || ip[0] >= sp[0] || ip[1] < 0 || ip[1] >= sp[1] { continue }
                    acc += xv[flatIndex(b, ip, c, sp, cin, f)] * kv[((t[0] * ks[1] + t[1]) * cin + c) * mult + m]
                }
                dw[flatIndex(b, o, c * mult + m, osp, co, .channelsLast)] = acc
            } } } }
            var wantD = [Double](repeating: 0, count: dw.count)
            var wantS = [Double](repeating: 0, count: n * osp.reduce(1, *) * cout)
            for b in 0..<n { for o in positions(osp) {
                for c in 0..<co { wantD[flatIndex(b, o, c, osp, co, f)] = dw[flatIndex(b, o, c, osp, co, .channelsLast)] }
                for q in 0..<cout {
                    var acc = 0.0
                    for c in 0..<co { acc += dw[flatIndex(b, o, c, osp, co, .channelsLast)] * pv[c * cout + q] }
                    wantS[flatIndex(b, o, q, osp, cout, f)] = acc
                }
            } }
            let desc = "depthwise trial \(trial) x \(x.shape) k \(k.shape) s \(st) d \(dl) \(pad) \(f)"
            let gd = try depthwiseConv2d(x, k, strides: st, padding: pad, dataFormat: f, dilationRate: dl)
            XCTAssertEqual(gd.shape, shapeOf(n, osp, co, f), desc)
            assertClose(gd.doubles, wantD, .relOrAbs(1e-4), desc)
            let gs = try separableConv2d(x, depthwiseKernel: k, pointwiseKernel: p, strides: st, padding: pad,
                                         dataFormat: f, dilationRate: dl)
            XCTAssertEqual(gs.shape, shapeOf(n, osp, cout, f), desc)
            assertClose(gs.doubles, wantS, .relOrAbs(1e-4), desc)
        }
    }

    func testRandomPools() throws {
        var rng = LCG(5)
        for trial in 0..<120 {
            let rank = trial % 2 == 0 ? 2 : 3
            let f: DataFormat = rng.bool() ? .channelsLast : .channelsFirst
            let mode: PoolMode = rng.bool() ? .max : .average
            let pad: Padding = rng.bool() ? .valid : .same
            let n = rng.int(1...2), c = rng.int(1...3)
            let ps = (0..<rank).map { _ in rng.int(1...3) }
            let st = (0..<rank).map { _ in rng.int(1...3) }
            let sp = (0..<rank).map { i in rng.int(ps[i]...6) }
            let dims = (0..<rank).map { refDim(sp[$0], ps[$0], st[$0], 1, pad) }
            let osp = dims.map { $0.0 }
            let dtype: DType = trial % 4 == 0 ? .float64 : .float32
            let (x, xv) = try randomTensor(shapeOf(n, sp, c, f), &rng, dtype)
            var want = [Double](repeating: 0, count: n * osp.reduce(1, *) * c)
            for b in 0..<n { for o in positions(osp) { for ch in 0..<c {
                var vals: [Double] = []
                for t in positions(ps) {
                    var ip: [Int] = []
                    for i in 0..<rank { ip.append(o[i] * st[i] - dims[i].1 + t[i]) }
                    if zip(ip, sp).contains(where: { $0 < 0 || $0 >= $1 }) { continue }
                    vals.append(xv[flatIndex(b, ip, ch, sp, c, f)])
                }
                want[flatIndex(b, o, ch, osp, c, f)] = mode == .max ? vals.max()! : vals.reduce(0, +) / Double(vals.count)
            } } }
            let got = rank == 2
                ? try pool2d(x, poolSize: ps, strides: st, padding: pad, dataFormat: f, mode: mode)
                : try pool3d(x, poolSize: ps, strides: st, padding: pad, dataFormat: f, mode: mode)
            let desc = "pool\(rank)d trial \(trial) x \(x.shape) p \(ps) s \(st) \(pad) \(f) \(mode)"
            check(got, shapeOf(n, osp, c, f), dtype, want, tol: 1e-4, desc)
        }
    }

    /// A batch large enough to take several im2col chunks (K = 576 → 1820 rows per chunk).
    func testLargeChunkedConv() throws {
        var rng = LCG(3)
        let (x, xv) = try randomTensor([3, 40, 40, 64], &rng)
        let (k, kv) = try randomTensor([3, 3, 64, 4], &rng)
        let got = try conv2d(x, k, strides: [1, 1], padding: .same).doubles
        for _ in 0..<300 {
            let b = rng.int(0...2), oh = rng.int(0...39), ow = rng.int(0...39), co = rng.int(0...3)
            var acc = 0.0
            for kh in 0..<3 { for kw in 0..<3 { for ci in 0..<64 {
                let ih = oh - 1 + kh, iw = ow - 1 + kw
                if ih < 0 || ih >= 40 || iw < 0 || iw >= 40 { continue }
                acc += xv[((b * 40 + ih) * 40 + iw) * 64 + ci] * kv[((kh * 3 + kw) * 64 + ci) * 4 + co]
            } } }
            XCTAssertEqual(got[((b * 40 + oh) * 40 + ow) * 4 + co], acc, accuracy: 1e-4)
        }
    }

    /// Each op reports itself (with its original inputs) to the front door's observers, and its
    /// pullback gives one cotangent per input, shaped like it.
    func testRecording() throws {
        final class Log: OpObserver {
            var entries: [(String, Int, Pullback)] = []
            func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
                entries.append(("\(op)", inputs.count, pullback()))
            }
        }
        let log = Log()
        OpObservers.push(log)
        defer { OpObservers.remove(log) }
        let x = try f32((1...9).map(Float.init), [1, 3, 3, 1])
        let k = try f32([1, 1, 1, 1], [2, 2, 1, 1])
        let y = try conv2d(x, k)
        _ = try conv2dTranspose(x, k, outputShape: [1, 4, 4, 1])
        _ = try depthwiseConv2d(x, k)
        _ = try separableConv2d(x, depthwiseKernel: k, pointwiseKernel: try f32([2], [1, 1, 1, 1]))
        _ = try pool2d(x, poolSize: [2, 2])
        _ = try pool3d(try x.reshaped(to: [1, 1, 3, 3, 1]), poolSize: [1, 2, 2])
        _ = try conv1d(try x.reshaped(to: [1, 9, 1]), try k.reshaped(to: [4, 1, 1]))
        _ = try conv3d(try x.reshaped(to: [1, 1, 3, 3, 1]), try k.reshaped(to: [1, 2, 2, 1, 1]))
        let names = log.entries.map { $0.0 }.filter { $0 != "reshape" }
        XCTAssertEqual(names, ["conv2d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d", "pool2d",
                               "pool3d", "conv1d", "conv3d"])
        let first = try XCTUnwrap(log.entries.first { $0.0 == "conv2d" })
        XCTAssertEqual(first.1, 2)
        let grads = try first.2(y)
        XCTAssertEqual(grads.map { $0?.shape }, [x.shape, k.shape])
    }

    // MARK: - Gradient ops

    /// Max pooling sends the gradient to the FIRST maximum of a window on ties (TF's MaxPoolGrad);
    /// overlapping windows add up; average pooling with 'same' padding divides by the in-bounds count.
    func testPoolBackwardExact() throws {
        let x = try f32([1, 1, 1, 1], [1, 2, 2, 1])
        let g = try f32([5], [1, 1, 1, 1])
        let dx = try maxPoolBackward(x, g, poolSize: [2, 2], strides: [1, 1])
        XCTAssertEqual(dx.shape, [1, 2, 2, 1])
        XCTAssertEqual(dx.dtype, .float32)
        XCTAssertEqual(dx.doubles, [5, 0, 0, 0])
        // 'same' 2x2 stride 1 on 2x2: windows at (0,0), (0,1), (1,0), (1,1); the max 4 sits at (1,1).
        let x2 = try f32([1, 2, 3, 4], [1, 2, 2, 1])
        let g2 = try f32([1, 2, 3, 4], [1, 2, 2, 1])
        XCTAssertEqual(try maxPoolBackward(x2, g2, poolSize: [2, 2], strides: [1, 1], padding: .same).doubles,
                       [0, 0, 0, 10])
        XCTAssertEqual(try maxPoolGather(x2, try f32([10, 20, 30, 40], [1, 2, 2, 1]), poolSize: [2, 2], strides: [1, 1],
                                         padding: .same).doubles, [40, 40, 40, 40])
        // avg 'same': window counts 4, 2, 2, 1 → dx = [1/4, 1/4 + 1/2, 1/4 + 1/2, 1/4 + 1/2 + 1/2 + 1].
        let da = try avgPoolBackward(try f32([1, 1, 1, 1], [1, 2, 2, 1]), inputShape: [1, 2, 2, 1], poolSize: [2, 2],
                                     strides: [1, 1], padding: .same)
        assertClose(da.doubles, [0.25, 0.75, 0.75, 2.25], .relOrAbs(1e-4), "avg_pool_backward same")
        // Through the tape: the gradient of sum(pool2d(x)) for tied maxima goes to the first.
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record { try pool2d(x, poolSize: [2, 2]).sum(alongAxes: nil, keepingDimensions: false) }
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [1, 0, 0, 0])
    }

    /// The gradient ops agree with plain loops over doubles (conv backprops) and run in float32
    /// and channels-first like their float64 channels-last versions.
    func testBackpropOpsAgainstReference() throws {
        var rng = LCG(77)
        for _ in 0..<20 {
            let (n, h, w, cin, cout) = (rng.int(1...2), rng.int(3...6), rng.int(3...6), rng.int(1...3), rng.int(1...3))
            let (kh, kw, sh, sw) = (rng.int(1...3), rng.int(1...3), rng.int(1...2), rng.int(1...2))
            let (dh, dw) = (rng.int(1...2), rng.int(1...2))
            let pad: Padding = rng.bool() ? .same : .valid
            let (oh, ph) = refDim(h, kh, sh, dh, pad), (ow, pw) = refDim(w, kw, sw, dw, pad)
            if oh <= 0 || ow <= 0 { continue }
            let (x, xv) = try randomTensor([n, h, w, cin], &rng, .float64)
            let (k, kv) = try randomTensor([kh, kw, cin, cout], &rng, .float64)
            let (g, gv) = try randomTensor([n, oh, ow, cout], &rng, .float64)
            var wantX = [Double](repeating: 0, count: xv.count), wantK = [Double](repeating: 0, count: kv.count)
            for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for a in 0..<kh { for c in 0..<kw {
                let ih = i * sh - ph + a * dh, iw = j * sw - pw + c * dw
                if ih < 0 || ih >= h || iw < 0 || iw >= w { continue }
                for ci in 0..<cin { for co in 0..<cout {
                    let gi = gv[((b * oh + i) * ow + j) * cout + co]
                    let xi = ((b * h + ih) * w + iw) * cin + ci, ki = ((a * kw + c) * cin + ci) * cout + co
                    wantX[xi] += gi * kv[ki]
                    wantK[ki] += gi * xv[xi]
                } }
            } } } } }
            let label = "n\(n) \(h)x\(w)x\(cin)→\(cout) k\(kh)x\(kw) s\(sh),\(sw) d\(dh),\(dw) \(pad)"
            let dx = try convBackpropInput(g, k, inputShape: x.shape, strides: [sh, sw], padding: pad,
                                           dilationRate: [dh, dw])
            let dk = try convBackpropFilter(x, g, kernelShape: k.shape, strides: [sh, sw], padding: pad,
                                            dilationRate: [dh, dw])
            assertClose(dx.doubles, wantX, .relOrAbs(1e-10), "conv_backprop_input \(label)")
            assertClose(dk.doubles, wantK, .relOrAbs(1e-10), "conv_backprop_filter \(label)")
            // float32 and channels-first give the same numbers.
            let dk32 = try convBackpropFilter(x.cast(to: .float32), g.cast(to: .float32), kernelShape: k.shape,
                                              strides: [sh, sw], padding: pad, dilationRate: [dh, dw])
            XCTAssertEqual(dk32.dtype, .float32)
            assertClose(dk32.doubles, wantK, .relOrAbs(1e-4), "conv_backprop_filter f32 \(label)")
            let dxCF = try convBackpropInput(g.transposed([0, 3, 1, 2]), k, inputShape: [n, cin, h, w],
                                             strides: [sh, sw], padding: pad, dataFormat: .channelsFirst,
                                             dilationRate: [dh, dw])
            assertClose(try dxCF.transposed([0, 2, 3, 1]).doubles, wantX, .relOrAbs(1e-10), "conv_backprop_input cf \(label)")
            // Depthwise = conv with a block-diagonal kernel when multiplier is cout.
            let (dk0, _) = try randomTensor([kh, kw, cin, cout], &rng, .float64)
            let gd = try randomTensor([n, oh, ow, cin * cout], &rng, .float64).0
            let ddx = try depthwiseConv2dBackpropInput(gd, dk0, inputShape: x.shape, strides: [sh, sw], padding: pad,
                                                       dilationRate: [dh, dw])
            let ddk = try depthwiseConv2dBackpropFilter(x, gd, kernelShape: dk0.shape, strides: [sh, sw],
                                                        padding: pad, dilationRate: [dh, dw])
            // Reference through the tape of the forward depthwise op and a weighted sum.
            let tape = GradientTape(persistent: true)
            tape.watch(x); tape.watch(dk0)
            let l = try tape.record {
                try depthwiseConv2d(x, dk0, strides: [sh, sw], padding: pad, dilationRate: [dh, dw])
                    .multiplying(gd).sum(alongAxes: nil, keepingDimensions: false)
            }
            let grads = try tape.gradient(l, [.tensor(x), .tensor(dk0)])
            assertClose(ddx.doubles, grads[0]!.doubles, .relOrAbs(1e-12), "depthwise backprop input \(label)")
            assertClose(ddk.doubles, grads[1]!.doubles, .relOrAbs(1e-12), "depthwise backprop filter \(label)")
            // Numerical: ⟨g, depthwise(x, k)⟩ is bilinear, so ⟨ddk, k⟩ equals it exactly.
            let fwd = try depthwiseConv2d(x, dk0, strides: [sh, sw], padding: pad, dilationRate: [dh, dw])
            let lhs = try fwd.multiplying(gd).sum(alongAxes: nil, keepingDimensions: false).doubles[0]
            let rhs = try ddk.multiplying(dk0).sum(alongAxes: nil, keepingDimensions: false).doubles[0]
            XCTAssertEqual(lhs, rhs, accuracy: 1e-9 * max(1, abs(lhs)), "depthwise bilinear identity \(label)")
        }
    }

    func testBackpropBadInputs() {
        let x = try! Tensor.zeros([1, 5, 5, 2], dtype: .float32)
        let g = try! Tensor.zeros([1, 3, 3, 4], dtype: .float32)
        let k = try! Tensor.zeros([3, 3, 2, 4], dtype: .float32)
        assertError(.invalidArgument, "conv_backprop_input: output gradient of shape (1, 3, 3, 4) does not match the convolution output (1, 5, 5, 4) (input (1, 5, 5, 2), kernel (3, 3, 2, 4))") {
            try convBackpropInput(g, k, inputShape: [1, 5, 5, 2], strides: [1, 1], padding: .same)
        }
        assertError(.invalidArgument, "conv_backprop_filter: input channels 2 do not match kernel input channels 3 (input (1, 5, 5, 2), kernel (3, 3, 3, 4))") {
            try convBackpropFilter(x, g, kernelShape: [3, 3, 3, 4], strides: [2, 2], padding: .same)
        }
        assertError(.invalidArgument, "conv_backprop_filter: expected a kernel of rank 4, got shape (3, 3, 2) (input shape (1, 5, 5, 2))") {
            try convBackpropFilter(x, g, kernelShape: [3, 3, 2])
        }
        assertError(.invalidArgument, "conv_backprop_input: causal padding is only supported by 1-D convolutions") {
            try convBackpropInput(g, k, inputShape: [1, 5, 5, 2], strides: [2, 2], padding: .causal)
        }
        assertError(.invalidDType, "conv_backprop_input: dtype int32 is not supported (floating-point inputs only)") {
            try convBackpropInput(try g.cast(to: .int32), k, inputShape: [1, 5, 5, 2], strides: [2, 2], padding: .same)
        }
        assertError(.invalidArgument, "depthwise_conv2d_backprop_filter: output gradient of shape (1, 3, 3, 4) does not match the depthwise convolution output (1, 3, 3, 2) (input (1, 5, 5, 2), kernel (3, 3, 2, 1))") {
            try depthwiseConv2dBackpropFilter(x, g, kernelShape: [3, 3, 2, 1])
        }
        assertError(.invalidArgument, "max_pool_backward: output gradient of shape (1, 3, 3, 4) do not match (1, 2, 2, 2) (input (1, 5, 5, 2))") {
            try maxPoolBackward(x, g, poolSize: [2, 2], strides: [2, 2])
        }
        assertError(.invalidArgument, "max_pool_gather: values of shape (1, 3, 3, 4) do not match (1, 5, 5, 2) (input (1, 5, 5, 2))") {
            try maxPoolGather(x, g, poolSize: [2, 2], strides: [2, 2])
        }
        assertError(.invalidArgument, "avg_pool_backward: expected an input of rank 4 or 5, got shape (5, 5, 2)") {
            try avgPoolBackward(g, inputShape: [5, 5, 2], poolSize: [2, 2], strides: [2, 2])
        }
        assertError(.invalidArgument, "avg_pool_backward: pool size must be positive, got [0]") {
            try avgPoolBackward(g, inputShape: [1, 5, 5, 2], poolSize: [0], strides: [2, 2])
        }
    }
}
