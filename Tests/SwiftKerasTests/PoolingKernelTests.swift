import XCTest
@testable import SwiftKerasCore

/// The float32 max-pooling gradient kernel for 16 or more channels (SIMD argmax over 16
/// channels at a time) against the generic kernel, which float64 runs and which the exact
/// tests of ConvolutionTests pin down: ties go to the first maximum, a NaN wins, overlapping
/// windows add up, windows without in-bounds pixels give nothing.
final class PoolingKernelTests: XCTestCase {
    /// Values drawn from a few levels so that windows hold ties.
    private func values(_ n: Int, seed: UInt64) -> [Double] {
        var rng = LCG(seed)
        return (0..<n).map { _ in Double((rng.step() >> 33) % 5) - 2 }
    }

    func testFloatFastPathMatchesGenericKernel() throws {
        // (input shape, pool size, strides, padding): channel counts 16 to 48, some with a partial
        // last block; windows that tile the image, disjoint ones leaving pixels out, overlapping
        // ones, 'same' padding.
        let cases: [([Int], [Int], [Int], Padding)] = [
            ([2, 6, 6, 16], [2, 2], [2, 2], .valid),
            ([2, 5, 7, 20], [2, 2], [2, 2], .valid),
            ([1, 7, 7, 35], [3, 3], [2, 2], .same),
            ([3, 4, 5, 17], [2, 3], [1, 1], .same),
            ([1, 1, 1, 16], [2, 2], [2, 2], .same),
            ([2, 5, 5, 24], [2, 2], [3, 3], .same),
            ([1, 3, 4, 48], [3, 2], [3, 2], .valid),
        ]
        for (i, (shape, pool, strides, padding)) in cases.enumerated() {
            let n = shape.reduce(1, *)
            let x = values(n, seed: UInt64(10 + i))
            let pooled = try pool2d(try Tensor.from(doubles: x, shape: shape, dtype: .float64), poolSize: pool,
                                    strides: strides, padding: padding).shape
            let g = values(pooled.reduce(1, *), seed: UInt64(100 + i)).map { $0 + 3 }
            let want = try maxPoolBackward(try Tensor.from(doubles: x, shape: shape, dtype: .float64),
                                           try Tensor.from(doubles: g, shape: pooled, dtype: .float64),
                                           poolSize: pool, strides: strides, padding: padding)
            let got = try maxPoolBackward(try Tensor.from(doubles: x, shape: shape, dtype: .float32),
                                          try Tensor.from(doubles: g, shape: pooled, dtype: .float32),
                                          poolSize: pool, strides: strides, padding: padding)
            XCTAssertEqual(got.dtype, .float32)
            XCTAssertEqual(got.shape, shape)
            XCTAssertEqual(got.doubles, want.doubles, "case \(i): \(shape) pool \(pool) strides \(strides) \(padding)")
        }
    }

    /// A NaN in a window takes the gradient (the first NaN), as in the generic kernel.
    func testFloatFastPathNaN() throws {
        var x = [Double](repeating: 1, count: 2 * 2 * 16)
        x[1 * 16 + 3] = .nan      // pixel (0, 1), channel 3
        x[3 * 16 + 3] = .nan      // pixel (1, 1), channel 3: a later NaN gets nothing
        x[2 * 16 + 5] = 7         // pixel (1, 0), channel 5: the maximum
        let g = (0..<16).map { Double($0 + 1) }
        let dx = try maxPoolBackward(try Tensor.from(doubles: x, shape: [1, 2, 2, 16], dtype: .float32),
                                     try Tensor.from(doubles: g, shape: [1, 1, 1, 16], dtype: .float32),
                                     poolSize: [2, 2], strides: [2, 2]).doubles
        var want = [Double](repeating: 0, count: 64)
        for c in 0..<16 { want[c] = g[c] }        // ties of 1s: the first pixel
        want[3] = 0; want[1 * 16 + 3] = 4
        want[5] = 0; want[2 * 16 + 5] = 6
        XCTAssertEqual(dx, want)
    }
}
