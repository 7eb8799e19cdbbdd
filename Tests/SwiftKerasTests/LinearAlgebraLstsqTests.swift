import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// tf.linalg.lstsq(fast=False) in the core (`lstsqMinimumNorm`): numpy.linalg.lstsq's answers
// (recorded), TF's rank threshold in float32 (recorded from TF 2.21), TF's refusals.

final class LinearAlgebraLstsqTests: XCTestCase {
    /// A batch of two overdetermined (4, 3) systems with two right-hand sides: numpy.linalg.lstsq.
    func testBatchedOverdeterminedMatchesNumpy() throws {
        let a = try Tensor([1.764, 0.4, 0.979, 2.241, 1.868, -0.977, 0.95, -0.151, -0.103, 0.411, 0.144, 1.454,
                            0.761, 0.122, 0.444, 0.334, 1.494, -0.205, 0.313, -0.854, -2.553, 0.654, 0.864, -0.742], shape: [2, 4, 3])
        let b = try Tensor([2.27, -1.454, 0.046, -0.187, 1.533, 1.469, 0.155, 0.378,
                            -0.888, -1.981, -0.348, 0.156, 1.23, 1.202, -0.387, -0.302], shape: [2, 4, 2])
        let x = try lstsqMinimumNorm(a, b)
        XCTAssertEqual(x.shape, [2, 3, 2])
        XCTAssertEqual(x.dtype, .float64)
        let want = [1.56609992, 0.23637109, -1.82809961, -0.74730299, -0.00563154, -0.43450188,
                    -0.87725966, -2.14244985, -0.14771887, 0.47322417, -0.53044046, -0.89492626]
        for (g, w) in zip(x.doubles, want) { XCTAssertEqual(g, w, accuracy: 1e-7) }
    }

    /// Rank-deficient and underdetermined: the minimum-norm solution (numpy: [0.1, 0.2, 0.3]);
    /// in float32 a matrix singular to within float32 rounding is solved as rank 1 (TF 2.21 gives
    /// [0.75, 0.75]); l2_regularizer is ignored but must be >= 0; empty shapes; no gradient.
    func testRankDeficientThresholdAndRefusals() throws {
        let w = try Tensor([1.0, 2, 3, 2, 4, 6], shape: [2, 3])
        let x = try lstsqMinimumNorm(w, try Tensor([1.0, 3], shape: [2, 1]), l2Regularizer: 5)
        for (g, e) in zip(x.doubles, [0.1, 0.2, 0.3]) { XCTAssertEqual(g, e, accuracy: 1e-12) }
        let near = try Tensor([1, 1, 1, 1 + 1e-7, 0, 0] as [Float], shape: [3, 2])
        let y = try lstsqMinimumNorm(near, try Tensor([1, 2, 0] as [Float], shape: [3, 1]))
        XCTAssertEqual(y.dtype, .float32)
        for g in y.doubles { XCTAssertEqual(g, 0.75, accuracy: 1e-6) }
        XCTAssertEqual(try lstsqMinimumNorm(try Tensor([Double](), shape: [0, 3]), try Tensor([Double](), shape: [0, 2])).doubles, [Double](repeating: 0, count: 6))
        XCTAssertEqual(try lstsqMinimumNorm(try Tensor([Double](), shape: [3, 0]), try Tensor([Double](repeating: 1, count: 6), shape: [3, 2])).shape, [0, 2])
        XCTAssertThrowsError(try lstsqMinimumNorm(w, try Tensor([1.0, 3], shape: [2, 1]), l2Regularizer: -1))
        XCTAssertThrowsError(try lstsqMinimumNorm(w, try Tensor([1.0, 3, 4], shape: [3, 1])))
        XCTAssertThrowsError(try lstsqMinimumNorm(w, try Tensor([1, 3] as [Float], shape: [2, 1])))
        XCTAssertThrowsError(try lstsqMinimumNorm(try w.cast(to: .float16), try Tensor([1.0, 3], shape: [2, 1]).cast(to: .float16)))
        let tape = GradientTape()
        tape.watch(w)
        let out = try tape.record { try lstsqMinimumNorm(w, try Tensor([1.0, 3], shape: [2, 1])).sum() }
        XCTAssertThrowsError(try tape.gradient(out, w)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.message, "lstsq: Gradient not defined for fast=False")
        }
    }
}
