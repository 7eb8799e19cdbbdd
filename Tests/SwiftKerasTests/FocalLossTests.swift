import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Focal crossentropies (binary and categorical) against the Keras docstring examples and
// Keras' formulas written out in doubles; dtypes and errors.

// MARK: Reference implementations

/// Keras' binary focal formula in doubles.
private func refBinaryFocal(_ t: Double, _ o: Double, balance: Bool, alpha: Double, gamma: Double, logits: Bool) -> Double {
    let eps = 1e-7
    let p = logits ? 1 / (1 + Glibc.exp(-o)) : o
    let pt = t * p + (1 - t) * (1 - p)
    let bce: Double
    if logits {
        bce = Swift.max(o, 0) - o * t + Glibc.log1p(Glibc.exp(-Swift.abs(o)))
    } else {
        let c = Swift.min(Swift.max(o, eps), 1 - eps)
        bce = -(t * Glibc.log(c + eps) + (1 - t) * Glibc.log(1 - c + eps))
    }
    var r = Glibc.pow(1 - pt, gamma) * bce
    if balance { r *= t * alpha + (1 - t) * (1 - alpha) }
    return r
}

final class FocalLossTests: XCTestCase {

    func testBinaryFocalKerasDocExample() throws {
        // keras.losses.binary_focal_crossentropy docs: mean over the last axis is [0.330, 0.206].
        let t = try f32([0, 1, 0, 0], [2, 2]), o = try f32([0.6, 0.4, 0.4, 0.6], [2, 2])
        let r = try binaryFocalCrossentropy(target: t, output: o, gamma: 2)
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.shape, [2, 2])
        assertClose(try r.mean(alongAxes: [-1]), [0.32986, 0.20580], .onePlus(1e-4))
    }

    func testBinaryFocalMatchesReference() throws {
        let tv: [Double] = [0, 1, 0.3, 1, 0, 0.8]
        let ov: [Double] = [0.2, 0.7, 0.5, 1e-9, 0.999999999, 0.4]
        for (balance, logits) in [(false, false), (true, false), (false, true), (true, true)] {
            for (alpha, gamma) in [(0.25, 2.0), (0.6, 0.0), (0.1, 1.5)] {
                let r = try binaryFocalCrossentropy(target: f64(tv, [2, 3]), output: f64(ov, [2, 3]),
                                                    applyClassBalancing: balance, alpha: alpha, gamma: gamma,
                                                    fromLogits: logits)
                XCTAssertEqual(r.dtype, .float64)
                let want = zip(tv, ov).map { refBinaryFocal($0, $1, balance: balance, alpha: alpha, gamma: gamma, logits: logits) }
                assertClose(r, want, .onePlus(1e-9))
            }
        }
        // Broadcasting (probabilities), int target cast to the output dtype, float16 output.
        let r = try binaryFocalCrossentropy(target: i32([1, 0], [2]), output: f32([0.9, 0.2, 0.3, 0.6], [2, 2]))
        XCTAssertEqual(r.shape, [2, 2])
        assertClose(r, zip([1.0, 0, 1, 0], [0.9, 0.2, 0.3, 0.6]).map {
            refBinaryFocal($0, $1, balance: false, alpha: 0.25, gamma: 2, logits: false)
        }, .onePlus(1e-5))
        let h = try binaryFocalCrossentropy(target: f32([1, 0], [2]).cast(to: .float16), output: f32([0.9, 0.2], [2]).cast(to: .float16))
        XCTAssertEqual(h.dtype, .float16)
        assertClose(h, [refBinaryFocal(1, 0.9, balance: false, alpha: 0.25, gamma: 2, logits: false),
                        refBinaryFocal(0, 0.2, balance: false, alpha: 0.25, gamma: 2, logits: false)], .onePlus(1e-2))
        // NaN propagates; empty works.
        assertClose(try binaryFocalCrossentropy(target: f32([1], [1]), output: f32([.nan], [1])), [.nan], .onePlus(1e-6))
        XCTAssertEqual(try binaryFocalCrossentropy(target: f32([], [0, 2]), output: f32([], [0, 2])).shape, [0, 2])
    }

    func testCategoricalFocalKerasDocExample() throws {
        // keras.losses.categorical_focal_crossentropy docs: [2.63401289e-04, 6.75912094e-01].
        let t = try f32([0, 1, 0, 0, 0, 1], [2, 3]), o = try f32([0.05, 0.9, 0.05, 0.1, 0.85, 0.05], [2, 3])
        let r = try categoricalFocalCrossentropy(target: t, output: o)
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.shape, [2])
        assertClose(r, [2.63401289e-04, 6.75912094e-01], .onePlus(1e-5))
    }

    func testCategoricalFocalMatchesReference() throws {
        // Axis 0 of a (3, 2) tensor, unnormalised probabilities, from logits.
        let tv: [Double] = [1, 0, 0, 0.5, 0, 0.5], ov: [Double] = [0.5, 2, 1, 0.1, 0.5, 1.9]
        func ref(_ logits: Bool, alpha: Double, gamma: Double) -> [Double] {
            (0..<2).map { j in
                var col = (0..<3).map { ov[$0 * 2 + j] }
                if logits {
                    let m = col.max()!
                    let e = col.map { Glibc.exp($0 - m) }
                    col = e.map { $0 / e.reduce(0, +) }
                }
                let s = col.reduce(0, +)
                return (0..<3).reduce(0.0) { acc, i in
                    let p = Swift.min(Swift.max(col[i] / s, 1e-7), 1 - 1e-7)
                    return acc + alpha * Glibc.pow(1 - p, gamma) * (-tv[i * 2 + j] * Glibc.log(p))
                }
            }
        }
        for logits in [false, true] {
            let r = try categoricalFocalCrossentropy(target: f64(tv, [3, 2]), output: f64(ov, [3, 2]), alpha: 0.4,
                                                     gamma: 1.5, fromLogits: logits, axis: 0)
            XCTAssertEqual(r.shape, [2])
            assertClose(r, ref(logits, alpha: 0.4, gamma: 1.5), .onePlus(1e-9))
        }
    }

    func testFocalErrors() {
        assertError(.invalidDType, "binary_focal_crossentropy: dtype int32 of output is not supported, expected a floating-point tensor") {
            try binaryFocalCrossentropy(target: i32([1], [1]), output: i32([1], [1]))
        }
        assertError(.invalidArgument, "binary_focal_crossentropy: logits and labels must have the same shape, got target shape (2,) and output shape (2, 2)") {
            try binaryFocalCrossentropy(target: f32([1, 0], [2]), output: f32([1, 2, 3, 4], [2, 2]), fromLogits: true)
        }
        assertError(.invalidArgument, "categorical_focal_crossentropy: shapes (2,) (target) and (2, 2) (output) are incompatible") {
            try categoricalFocalCrossentropy(target: f32([1, 0], [2]), output: f32([1, 2, 3, 4], [2, 2]))
        }
        assertError(.invalidArgument, "categorical_focal_crossentropy: axis 2 is out of bounds for a tensor of rank 2") {
            try categoricalFocalCrossentropy(target: f32([1, 0, 0, 1], [2, 2]), output: f32([1, 2, 3, 4], [2, 2]), axis: 2)
        }
    }
}
