import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// The fused ops the layers use on their training path — `bias_relu` (Dense / Conv with
/// activation relu) and `batch_norm_training` (BatchNormalization while training, channels
/// last) — against the composed ops they replace, forward and backward, and the convolution
/// pullbacks that skip a cotangent nobody needs.
final class FusedLayerOpsTests: XCTestCase {
    private func random(_ shape: [Int], seed: UInt64, dtype: DType = .float32, scale: Double = 2,
                        offset: Double = -1) throws -> Tensor {
        var rng = LCG(seed)
        let n = shape.reduce(1, *)
        return try Tensor.from(doubles: (0..<n).map { _ in rng.unit() * scale + offset }, shape: shape, dtype: dtype)
    }

    /// Gradients of `sum(f(inputs) · w)` with respect to every input, on a fresh tape.
    private func gradients(_ inputs: [Tensor], _ w: Tensor, _ f: ([Tensor]) throws -> Tensor) throws -> [Tensor] {
        let tape = GradientTape()
        let loss = try tape.record { () throws -> Tensor in
            for t in inputs { tape.watch(t) }
            return try (f(inputs) * w).sum()
        }
        return try tape.gradient(loss, inputs.map { GradientSource.tensor($0) }).map { try XCTUnwrap($0) }
    }

    func testBiasReluForwardMatchesComposedExactly() throws {
        for dtype in [DType.float32, .float64] {
            var x = try random([3, 4, 5, 19], seed: 1, dtype: dtype).doubles
            x[0] = .nan; x[1] = 0; x[2] = -0.0; x[3] = .infinity; x[4] = -.infinity
            let xt = try Tensor.from(doubles: x, shape: [3, 4, 5, 19], dtype: dtype)
            var b = try random([19], seed: 2, dtype: dtype).doubles
            b[1] = 0; b[5] = .nan
            let bt = try Tensor.from(doubles: b, shape: [19], dtype: dtype)
            let fused = try xt.biasAddedRelu(bt), composed = try relu(xt + bt)
            XCTAssertEqual(fused.dtype, dtype)
            XCTAssertEqual(fused.shape, composed.shape)
            XCTAssertEqual(fused.doubles.map { $0.isNaN ? 12345 : $0 }, composed.doubles.map { $0.isNaN ? 12345 : $0 })
            let noBias = try xt.biasAddedRelu(nil).doubles, reluOnly = try relu(xt).doubles
            XCTAssertEqual(noBias.map { $0.isNaN ? 12345 : $0 }, reluOnly.map { $0.isNaN ? 12345 : $0 })
        }
    }

    func testBiasReluGradientsMatchComposed() throws {
        // More rows than one block of the bias gradient's sum (256), a channel count that is no
        // multiple of the vector width; float32 and float64.
        for dtype in [DType.float32, .float64] {
            let x = try random([7, 9, 11, 13], seed: 3, dtype: dtype)
            let b = try random([13], seed: 4, dtype: dtype, scale: 0.5, offset: -0.25)
            let w = try random([7, 9, 11, 13], seed: 5, dtype: dtype, scale: 1, offset: 0.5)
            let fused = try gradients([x, b], w) { try $0[0].biasAddedRelu($0[1]) }
            let composed = try gradients([x, b], w) { try relu($0[0] + $0[1]) }
            XCTAssertEqual(fused[0].doubles, composed[0].doubles, "dx \(dtype)")
            XCTAssertEqual(fused[1].shape, [13])
            assertClose(fused[1], composed[1].doubles, .relOrAbs(dtype == .float32 ? 1e-4 : 1e-12), "dbias \(dtype)")
            let fusedNoBias = try gradients([x], w) { try $0[0].biasAddedRelu(nil) }
            let reluOnly = try gradients([x], w) { try relu($0[0]) }
            XCTAssertEqual(fusedNoBias[0].doubles, reluOnly[0].doubles)
        }
    }

    /// Where the fused kernels do not apply (another dtype, a bias of another shape) the op is the
    /// composed one.
    func testBiasReluFallsBackToComposed() throws {
        let x = try Tensor.from(doubles: [-2, -1, 0, 1, 2, 3], shape: [2, 3], dtype: .int32)
        check(try x.biasAddedRelu(try Tensor.from(doubles: [1, 1, 1], shape: [3], dtype: .int32)), [2, 3], .int32,
              [0, 0, 1, 2, 3, 4])
        let xf = try Tensor.from(doubles: [-2, -1, 0, 1, 2, 3], shape: [2, 3], dtype: .float32)
        check(try xf.biasAddedRelu(try Tensor.from(doubles: [1, -1, 0, 2, 0, 0], shape: [2, 3], dtype: .float32)),
              [2, 3], .float32, [0, 0, 0, 3, 2, 3])
    }

    /// The Dense and Conv2D layers with activation "relu" take the fused op: their outputs and
    /// gradients equal relu applied after the same layer with a linear activation.
    func testLayersWithReluMatchLinearThenRelu() throws {
        let x = try random([4, 6, 6, 3], seed: 6)
        let conv = try Conv2D(filters: 5, kernelSize: [3, 3], activation: .relu)
        let linear = try Conv2D(filters: 5, kernelSize: [3, 3])
        _ = try conv(x)
        _ = try linear(x)
        try linear.kernel?.assign(try XCTUnwrap(conv.kernel).value)
        try linear.bias?.assign(try random([5], seed: 7, scale: 0.4, offset: -0.2))
        try conv.bias?.assign(try XCTUnwrap(linear.bias).value)
        let w = try random([4, 4, 4, 5], seed: 8, scale: 1, offset: 0.5)
        let fused = try gradients([x], w) { try conv($0[0]) }
        let composed = try gradients([x], w) { try relu(linear($0[0])) }
        // The linear layer's bias is added inside the convolution (conv_bias): float32 rounding apart.
        assertClose(try conv(x), try relu(linear(x)).doubles, .relOrAbs(1e-6))
        assertClose(fused[0], composed[0].doubles, .relOrAbs(1e-6))
    }

    func testBatchNormTrainingMatchesComposed() throws {
        for dtype in [DType.float32, .float64] {
            let tol: Tolerance = .relOrAbs(dtype == .float32 ? 2e-5 : 1e-11)
            // 600 rows: more than two blocks of the statistics' sums.
            let x = try random([6, 10, 10, 7], seed: 9, dtype: dtype, scale: 3, offset: 0.5)
            let gamma = try random([7], seed: 10, dtype: dtype, scale: 1, offset: 0.5)
            let beta = try random([7], seed: 11, dtype: dtype)
            let w = try random([6, 10, 10, 7], seed: 12, dtype: dtype)
            func composed(_ t: [Tensor]) throws -> Tensor {
                let axes = [0, 1, 2]
                let mean = try t[0].mean(alongAxes: axes, keepingDimensions: true)
                let variance = try square(t[0] - mean).mean(alongAxes: axes, keepingDimensions: true)
                return try t[0].batchNormalized(mean: mean, variance: variance, beta: t.count > 2 ? t[2] : nil,
                                                gamma: t.count > 1 ? t[1] : nil, epsilon: 1e-3)
            }
            let fused = try XCTUnwrap(try x.batchNormalizedWithBatchStatistics(gamma: gamma, beta: beta, epsilon: 1e-3))
            XCTAssertEqual(fused.output.dtype, dtype)
            assertClose(fused.output, try composed([x, gamma, beta]).doubles, tol, shape: x.shape, "output \(dtype)")
            let axes = [0, 1, 2]
            assertClose(fused.mean, try x.mean(alongAxes: axes).doubles, tol, shape: [7], "mean")
            let mean = try x.mean(alongAxes: axes, keepingDimensions: true)
            assertClose(fused.variance, try square(x - mean).mean(alongAxes: axes).doubles, tol, shape: [7], "variance")

            let gf = try gradients([x, gamma, beta], w) {
                try XCTUnwrap(try $0[0].batchNormalizedWithBatchStatistics(gamma: $0[1], beta: $0[2], epsilon: 1e-3)).output
            }
            let gc = try gradients([x, gamma, beta], w, composed)
            for (i, name) in ["dx", "dgamma", "dbeta"].enumerated() {
                assertClose(gf[i], gc[i].doubles, .absRel(abs: dtype == .float32 ? 1e-4 : 1e-10, rel: dtype == .float32 ? 1e-3 : 1e-9),
                            shape: gc[i].shape, "\(name) \(dtype)")
            }
            let plain = try gradients([x], w) {
                try XCTUnwrap(try $0[0].batchNormalizedWithBatchStatistics(gamma: nil, beta: nil, epsilon: 1e-3)).output
            }
            let plainComposed = try gradients([x], w) { try composed($0) }
            assertClose(plain[0], plainComposed[0].doubles, .absRel(abs: dtype == .float32 ? 1e-4 : 1e-10, rel: 1e-3), "dx plain")
        }
    }

    /// The batch statistics are taken block by block around each block's mean (one pass over
    /// memory): float32 features far from zero keep their variance (the one-pass E[x²] − E[x]²
    /// in float32 would lose every digit here).
    func testBatchNormStatisticsOfOffsetFeatures() throws {
        var rng = LCG(21)
        let n = 1000, channels = 3
        let values = (0..<(n * channels)).map { i in [1000.0, -5000.0, 0.0][i % channels] + rng.unit() * 2 - 1 }
        let x = try Tensor.from(doubles: values, shape: [n, channels], dtype: .float32)
        let stats = try XCTUnwrap(try x.batchNormalizedWithBatchStatistics(gamma: nil, beta: nil, epsilon: 1e-3))
        let x64 = try x.cast(to: .float64)
        let mean = try x64.mean(alongAxes: [0], keepingDimensions: true)
        let variance = try square(x64 - mean).mean(alongAxes: [0])
        assertClose(stats.mean, mean.doubles, .relOrAbs(1e-6), shape: [channels], "mean")
        assertClose(stats.variance, variance.doubles, .relOrAbs(1e-3), shape: [channels], "variance")
        XCTAssertEqual(variance.doubles.map { ($0 * 3).rounded() }, [1, 1, 1])   // U(-1, 1): 1/3
    }

    /// Under an outer tape the pullbacks are made of differentiable ops: second derivatives of
    /// the fused ops equal those of the composed ones.
    func testSecondOrderThroughFusedOps() throws {
        let x = try random([4, 3, 5], seed: 13, dtype: .float64)
        let gamma = try random([5], seed: 14, dtype: .float64, scale: 1, offset: 0.5)
        let w = try random([4, 3, 5], seed: 15, dtype: .float64)
        func secondOrder(_ f: @escaping (Tensor) throws -> Tensor) throws -> Tensor {
            let outer = GradientTape()
            let inner = GradientTape()
            let gradNorm = try outer.record { () throws -> Tensor in
                outer.watch(x)
                let loss = try inner.record { () throws -> Tensor in
                    inner.watch(x)
                    return try (f(x) * w).sum()
                }
                return try square(try XCTUnwrap(try inner.gradient(loss, x))).sum()
            }
            return try XCTUnwrap(try outer.gradient(gradNorm, x))
        }
        let bnFused = try secondOrder { t in
            try XCTUnwrap(try (t * t).batchNormalizedWithBatchStatistics(gamma: gamma, beta: nil, epsilon: 1e-3)).output
        }
        let bnComposed = try secondOrder { t in
            let s = try t * t
            let mean = try s.mean(alongAxes: [0, 1], keepingDimensions: true)
            let variance = try square(s - mean).mean(alongAxes: [0, 1], keepingDimensions: true)
            return try s.batchNormalized(mean: mean, variance: variance, gamma: gamma, epsilon: 1e-3)
        }
        assertClose(bnFused, bnComposed.doubles, .relOrAbs(1e-9))
        let reluFused = try secondOrder { t in try (t * t).biasAddedRelu(gamma) }
        let reluComposed = try secondOrder { t in try relu(t * t + gamma) }
        assertClose(reluFused, reluComposed.doubles, .relOrAbs(1e-12))
    }

    /// The BatchNormalization layer while training (channels last: the fused op) gives the
    /// composed statistics' output and moving averages.
    func testBatchNormalizationLayerTrainingUsesBatchStatistics() throws {
        let x = try random([8, 3, 3, 4], seed: 16, scale: 4, offset: 1)
        let layer = try BatchNormalization()
        let y = try layer(x, training: true)
        let axes = [0, 1, 2]
        let mean = try x.mean(alongAxes: axes, keepingDimensions: true)
        let variance = try square(x - mean).mean(alongAxes: axes, keepingDimensions: true)
        assertClose(y, try x.batchNormalized(mean: mean, variance: variance, epsilon: 1e-3).doubles, .relOrAbs(2e-5))
        // moving_mean = 0.99·0 + 0.01·mean; moving_variance = 0.99·1 + 0.01·variance·n/(n − 1), n = 72.
        let movingMean = try XCTUnwrap(layer.weights.first { $0.name.contains("moving_mean") }).value.doubles
        let movingVariance = try XCTUnwrap(layer.weights.first { $0.name.contains("moving_variance") }).value.doubles
        assertClose(movingMean, mean.doubles.map { 0.01 * $0 }, .relOrAbs(1e-5))
        assertClose(movingVariance, variance.doubles.map { 0.99 + 0.01 * $0 * 72 / 71 }, .relOrAbs(1e-5))
    }

    /// A convolution's pullback makes only the cotangents the gradient needs: the kernel's alone
    /// is the kernel's of both.
    func testConvolutionGradientOfKernelAlone() throws {
        let x = try random([2, 7, 7, 3], seed: 17)
        let k = try random([3, 3, 3, 4], seed: 18)
        let w = try random([2, 5, 5, 4], seed: 19)
        let both = try gradients([x, k], w) { try conv2d($0[0], $0[1]) }
        let tape = GradientTape()
        let loss = try tape.record { () throws -> Tensor in
            tape.watch(k)
            return try (conv2d(x, k) * w).sum()
        }
        let kernelOnly = try XCTUnwrap(try tape.gradient(loss, k))
        XCTAssertEqual(kernelOnly.doubles, both[1].doubles)
    }
}
