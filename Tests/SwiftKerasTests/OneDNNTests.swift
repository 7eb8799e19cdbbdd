import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Runs `body` with the float32 convolutions forced onto the im2col + GEMM path.
private func onFallback(_ body: () throws -> Void) rethrows {
    OneDNN.forceFallback.store(true, ordering: .relaxed)
    defer { OneDNN.forceFallback.store(false, ordering: .relaxed) }
    try body()
}

/// The key convolution tests again with oneDNN switched off, so both paths meet the same oracles
/// (with oneDNN loaded the plain test methods run on it).
extension ConvolutionTests {
    func testRandomConvolutionsOnFallback() throws { try onFallback { try testRandomConvolutions() } }
    func testRandomTransposedOnFallback() throws { try onFallback { try testRandomTransposed() } }
    func testBackpropOpsAgainstReferenceOnFallback() throws { try onFallback { try testBackpropOpsAgainstReference() } }
    func testLargeChunkedConvOnFallback() throws { try onFallback { try testLargeChunkedConv() } }
    func testSmallConvolutionsOnFallback() throws {
        try onFallback {
            try testConv1dPaddings()
            try testConv2dSmall()
            try testConv3dSmall()
            try testTransposeSmall()
        }
    }
}

final class OneDNNTests: XCTestCase {
    /// y, dx and dk of a float32 convolution through the tape, on the current path.
    private func convAndGradients(_ x: Tensor, _ k: Tensor, rank: Int, strides: [Int], padding: Padding,
                                  dilation: [Int]) throws -> [[Double]] {
        let tape = GradientTape()
        tape.watch(x)
        tape.watch(k)
        let y: Tensor
        switch rank {
        case 1: y = try tape.record { try conv1d(x, k, stride: strides[0], padding: padding, dilationRate: dilation[0]) }
        case 2: y = try tape.record { try conv2d(x, k, strides: strides, padding: padding, dilationRate: dilation) }
        default: y = try tape.record { try conv3d(x, k, strides: strides, padding: padding, dilationRate: dilation) }
        }
        let loss = try tape.record { try y.multiplying(y).sum(alongAxes: nil, keepingDimensions: false) }
        let grads = try tape.gradient(loss, [.tensor(x), .tensor(k)])
        return [y.doubles, try XCTUnwrap(grads[0]).doubles, try XCTUnwrap(grads[1]).doubles]
    }

    /// The shapes Keras users train (channels in the tens, 3×3 and 5×5, strides 1 and 2, same and
    /// valid, 1-D to 3-D): oneDNN and the im2col + GEMM path agree to float32 rounding.
    func testOneDNNMatchesFallback() throws {
        try XCTSkipIf(OneDNN.library == nil, "oneDNN is not installed: \(OneDNNInfo.description)")
        var rng = LCG(2026)
        let cases: [(x: [Int], k: [Int], s: [Int], p: Padding, d: [Int])] = [
            ([4, 28, 28, 1], [3, 3, 1, 32], [1, 1], .valid, [1, 1]),
            ([4, 13, 13, 32], [3, 3, 32, 64], [1, 1], .valid, [1, 1]),
            ([4, 28, 28, 1], [3, 3, 1, 32], [2, 2], .same, [1, 1]),
            ([4, 14, 14, 32], [3, 3, 32, 64], [2, 2], .same, [1, 1]),
            ([2, 16, 16, 16], [5, 5, 16, 24], [1, 1], .same, [1, 1]),
            ([2, 15, 17, 8], [5, 5, 8, 16], [2, 2], .valid, [1, 1]),
            ([2, 12, 12, 8], [3, 3, 8, 8], [1, 1], .same, [2, 2]),
            ([4, 32, 16], [5, 16, 32], [1], .same, [1]),
            ([4, 32, 16], [3, 16, 32], [1], .causal, [2]),
            ([2, 6, 8, 8, 4], [3, 3, 3, 4, 8], [1, 1, 1], .same, [1, 1, 1]),
        ]
        for c in cases {
            let x = try Tensor.from(doubles: (0..<c.x.reduce(1, *)).map { _ in rng.unit() * 2 - 1 }, shape: c.x, dtype: .float32)
            let k = try Tensor.from(doubles: (0..<c.k.reduce(1, *)).map { _ in rng.unit() * 2 - 1 }, shape: c.k, dtype: .float32)
            let rank = c.x.count - 2
            let fast = try convAndGradients(x, k, rank: rank, strides: c.s, padding: c.p, dilation: c.d)
            var slow: [[Double]] = []
            try onFallback { slow = try convAndGradients(x, k, rank: rank, strides: c.s, padding: c.p, dilation: c.d) }
            for (i, name) in ["y", "dx", "dk"].enumerated() {
                let scale = slow[i].map(Swift.abs).max() ?? 1
                assertClose(fast[i], slow[i], .relOrAbs(1e-5 * Swift.max(1, scale)), "\(name) of \(c)")
            }
        }
        // A transposed convolution (the decoder of an autoencoder) too.
        let x = try Tensor.from(doubles: (0..<(4 * 7 * 7 * 16)).map { _ in rng.unit() * 2 - 1 }, shape: [4, 7, 7, 16], dtype: .float32)
        let k = try Tensor.from(doubles: (0..<(3 * 3 * 8 * 16)).map { _ in rng.unit() * 2 - 1 }, shape: [3, 3, 8, 16], dtype: .float32)
        let fast = try conv2dTranspose(x, k, outputShape: [4, 14, 14, 8], strides: [2, 2], padding: .same).doubles
        var slow: [Double] = []
        try onFallback {
            slow = try conv2dTranspose(x, k, outputShape: [4, 14, 14, 8], strides: [2, 2], padding: .same).doubles
        }
        assertClose(fast, slow, .relOrAbs(1e-4), "conv2d_transpose")
    }

    /// `conv_bias` (Conv layers with a bias and no activation): output and every cotangent equal
    /// the composed convolution plus bias — float32 on oneDNN (bias inside the primitives) and on
    /// the fallback, float64 — for 1-D to 3-D, strides, paddings (causal too) and dilations.
    func testConvBiasMatchesComposed() throws {
        var rng = LCG(77)
        let cases: [(x: [Int], k: [Int], s: [Int], p: Padding, d: [Int])] = [
            ([3, 12, 12, 5], [3, 3, 5, 8], [1, 1], .same, [1, 1]),
            ([2, 13, 11, 4], [3, 3, 4, 6], [2, 2], .valid, [1, 1]),
            ([2, 10, 10, 3], [3, 3, 3, 4], [1, 1], .same, [2, 2]),
            ([3, 20, 6], [3, 6, 7], [1], .causal, [2]),
            ([2, 5, 6, 5, 3], [3, 3, 3, 3, 4], [1, 1, 1], .same, [1, 1, 1]),
        ]
        func values(_ shape: [Int], _ dtype: DType) throws -> Tensor {
            try Tensor.from(doubles: (0..<shape.reduce(1, *)).map { _ in rng.unit() * 2 - 1 }, shape: shape, dtype: dtype)
        }
        for c in cases {
            for dtype in [DType.float32, .float64] {
                let x = try values(c.x, dtype), k = try values(c.k, dtype), b = try values([c.k.last!], dtype)
                let w = try values(try convolutionBiasAdded(x, k, b, strides: c.s, padding: c.p, dilationRate: c.d)!.shape, dtype)
                func run(_ fused: Bool) throws -> [[Double]] {
                    let tape = GradientTape()
                    [x, k, b].forEach(tape.watch)
                    let y = try tape.record { () throws -> Tensor in
                        if fused { return try XCTUnwrap(try convolutionBiasAdded(x, k, b, strides: c.s, padding: c.p, dilationRate: c.d)) }
                        let conv: Tensor
                        switch c.x.count {
                        case 3: conv = try conv1d(x, k, stride: c.s[0], padding: c.p, dilationRate: c.d[0])
                        case 4: conv = try conv2d(x, k, strides: c.s, padding: c.p, dilationRate: c.d)
                        default: conv = try conv3d(x, k, strides: c.s, padding: c.p, dilationRate: c.d)
                        }
                        return try conv + b
                    }
                    let loss = try tape.record { try (y * w).sum() }
                    return try [y.doubles] + tape.gradient(loss, [.tensor(x), .tensor(k), .tensor(b)]).map { try XCTUnwrap($0).doubles }
                }
                var composed: [[Double]] = []
                try onFallback { composed = try run(false) }
                var paths = [("current path", try run(true))]
                try onFallback { paths.append(("fallback", try run(true))) }
                for (path, got) in paths {
                    for (i, name) in ["y", "dx", "dk", "db"].enumerated() {
                        let scale = composed[i].map(Swift.abs).max() ?? 1
                        assertClose(got[i], composed[i], .relOrAbs((dtype == .float32 ? 1e-5 : 1e-12) * Swift.max(1, scale)),
                                    "\(name) of \(c), \(dtype), \(path)")
                    }
                }
            }
        }
        // Where it does not apply (mixed dtypes, a bias of another shape) it says so.
        let x = try values([1, 4, 4, 2], .float32), k = try values([3, 3, 2, 3], .float32)
        XCTAssertNil(try convolutionBiasAdded(x, k, try values([3], .float64), strides: [1], padding: .same, dilationRate: [1]))
        XCTAssertNil(try convolutionBiasAdded(x, k, try values([2], .float32), strides: [1], padding: .same, dilationRate: [1]))
    }

    /// A Conv2D with a bias and a linear activation runs `conv_bias` and computes conv2d + bias.
    func testConvLayerWithBiasUsesFusedOp() throws {
        var rng = LCG(78)
        let x = try Tensor.from(doubles: (0..<(2 * 6 * 6 * 3)).map { _ in rng.unit() }, shape: [2, 6, 6, 3], dtype: .float32)
        let layer = try Conv2D(filters: 4, kernelSize: [3, 3], padding: .same)
        _ = try layer(x)
        try layer.bias?.assign(try Tensor.from(doubles: [0.5, -1, 2, 0.25], shape: [4], dtype: .float32))
        let collector = OpNameCollector()
        OpObservers.push(collector)
        let y = try layer(x)
        OpObservers.remove(collector)
        XCTAssertTrue(collector.names.contains("conv_bias"), "\(collector.names)")
        let want = try conv2d(x, try XCTUnwrap(layer.kernel).value, padding: .same) + XCTUnwrap(layer.bias).value
        assertClose(y, want.doubles, .relOrAbs(1e-5), shape: [2, 6, 6, 4])
    }

    /// The library reports what it runs; a forced fallback says so.
    func testOneDNNInfo() throws {
        try XCTSkipIf(OneDNN.library == nil, "oneDNN is not installed")
        XCTAssertTrue(OneDNNInfo.description.hasPrefix("oneDNN libdnnl.so.2 (oneDNN 2."), OneDNNInfo.description)
        XCTAssertTrue(OneDNNInfo.usesOneDNN)
        onFallback { XCTAssertFalse(OneDNNInfo.usesOneDNN) }
        var g = WindowGeometry()
        g.batch = 2; g.channels = 3; g.input = [1, 8, 8]; g.output = [1, 6, 6]; g.window = [1, 3, 3]
        XCTAssertNotNil(OneDNN.implementation(.forward, g, cout: 4))
        // An empty batch is left to the fallback.
        g.batch = 0
        XCTAssertNil(OneDNN.implementation(.forward, g, cout: 4))
    }
}

final class OrthogonalQRTests: XCTestCase {
    /// LAPACK's QR and the Swift Householder give the same Q once the signs follow diag(R).
    func testLAPACKAndHouseholderAgree() throws {
        var rng = LCG(5)
        for (m, k) in [(7, 7), (60, 25), (200, 64), (33, 1)] {
            let a = (0..<(m * k)).map { _ in rng.unit() * 2 - 1 }
            var h = a
            let swiftQ = Orthogonal.householderQ(&h, m: m, k: k)
            var l = a
            let q = Orthogonal.thinQ(&l, m: m, k: k)
            assertClose(q, swiftQ, .relOrAbs(1e-10), "(\(m), \(k))")
            // Q·R = A with R = Qᵀ A upper triangular and a non-negative diagonal.
            for i in 0..<k {
                for j in 0..<k {
                    var r = 0.0
                    for t in 0..<m { r += swiftQ[i * m + t] * a[j * m + t] }
                    if i > j { XCTAssertEqual(r, 0, accuracy: 1e-9, "R[\(i), \(j)] of (\(m), \(k))") }
                    if i == j { XCTAssertGreaterThanOrEqual(r, 0, "R[\(i), \(i)] of (\(m), \(k))") }
                }
            }
        }
    }

    /// An LSTM(1024)-sized recurrent kernel: (1024, 4096), orthonormal rows.
    func testLargeOrthogonalIsOrthonormal() throws {
        let q = try Orthogonal(seed: 1)([256, 1024], dtype: .float32)
        let gram = try q.matmul(q.transposed()).doubles
        let eye = (0..<(256 * 256)).map { $0 / 256 == $0 % 256 ? 1.0 : 0.0 }
        assertClose(gram, eye, .relOrAbs(1e-4), "Q Qᵀ")
    }
}
