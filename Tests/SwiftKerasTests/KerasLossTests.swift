import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Losses: function and class forms against the worked examples of Keras' losses.py docstrings
// and hand computations in doubles; reductions, sample weights, masks, gradients, errors.

/// Per-row reference: rows of `cols` elements, `f` maps (t, p) pairs of a row to a value.
private func perRow(_ t: [Double], _ p: [Double], cols: Int, _ f: ([Double], [Double]) -> Double) -> [Double] {
    stride(from: 0, to: t.count, by: cols).map { f(Array(t[$0..<$0 + cols]), Array(p[$0..<$0 + cols])) }
}
private func dexp(_ x: Double) -> Double { Glibc.exp(x) }
private func dlog(_ x: Double) -> Double { Glibc.log(x) }
private func dcosh(_ x: Double) -> Double { Glibc.cosh(x) }
private func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

final class KerasLossTests: XCTestCase {
    let yt: [Double] = [0, 1, 1, 0, 2, 0.5]
    let yp: [Double] = [0.2, 0.7, 1.5, 0.1, 1.0, 0.25]

    // MARK: Keras documentation examples

    func testBinaryCrossentropyKerasExamples() throws {
        let bce = Losses.BinaryCrossentropy(fromLogits: true)
        assertClose(try bce(t32([0, 1, 0, 0], [4]), t32([-18.6, 0.51, 2.94, -12.8], [4])), [0.8654], .absRel(abs: 1e-4, rel: 1e-5), shape: [])
        let t = t32([0, 1, 0, 0], [2, 2]), p = t32([-18.6, 0.51, 2.94, -12.8], [2, 2])
        assertClose(try bce(t, p), [0.8654], .absRel(abs: 1e-4, rel: 1e-5))
        assertClose(try bce(t, p, sampleWeight: t32([0.8, 0.2], [2])), [0.243], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryCrossentropy(fromLogits: true, reduction: .sum)(t, p), [1.730], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryCrossentropy(fromLogits: true, reduction: .none)(t, p), [0.235, 1.496], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        // Function form on probabilities.
        let f = try Losses.binaryCrossentropy(t32([0, 1, 0, 0], [2, 2]), t32([0.6, 0.4, 0.4, 0.6], [2, 2]))
        assertClose(f, [0.916, 0.714], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
    }

    func testBinaryFocalKerasExamples() throws {
        let t1 = t32([0, 1, 0, 0], [4]), p1 = t32([-18.6, 0.51, 2.94, -12.8], [4])
        assertClose(try Losses.BinaryFocalCrossentropy(gamma: 2, fromLogits: true)(t1, p1), [0.691], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 2, fromLogits: true)(t1, p1), [0.51], .absRel(abs: 5e-3, rel: 1e-5))
        let t = t32([0, 1, 0, 0], [2, 2]), p = t32([-18.6, 0.51, 2.94, -12.8], [2, 2])
        assertClose(try Losses.BinaryFocalCrossentropy(gamma: 3, fromLogits: true)(t, p), [0.647], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true)(t, p), [0.482], .absRel(abs: 1e-3, rel: 1e-5))
        let sw = t32([0.8, 0.2], [2])
        assertClose(try Losses.BinaryFocalCrossentropy(gamma: 3, fromLogits: true)(t, p, sampleWeight: sw), [0.133], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true)(t, p, sampleWeight: sw), [0.097], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(gamma: 4, fromLogits: true, reduction: .sum)(t, p), [1.222], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 4, fromLogits: true, reduction: .sum)(t, p), [0.914], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(gamma: 5, fromLogits: true, reduction: .none)(t, p), [0.0017, 1.1561], .absRel(abs: 1e-4, rel: 1e-5))
        assertClose(try Losses.BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 5, fromLogits: true, reduction: .none)(t, p), [0.0004, 0.8670], .absRel(abs: 1e-4, rel: 1e-5))
        let f = try Losses.binaryFocalCrossentropy(t32([0, 1, 0, 0], [2, 2]), t32([0.6, 0.4, 0.4, 0.6], [2, 2]), gamma: 2)
        assertClose(f, [0.330, 0.206], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
    }

    func testCategoricalCrossentropyKerasExamples() throws {
        let t = t32([0, 1, 0, 0, 0, 1], [2, 3]), p = t32([0.05, 0.95, 0, 0.1, 0.8, 0.1], [2, 3])
        let cce = Losses.CategoricalCrossentropy()
        assertClose(try cce(t, p), [1.177], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try cce(t, p, sampleWeight: t32([0.3, 0.7], [2])), [0.814], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.CategoricalCrossentropy(reduction: .sum)(t, p), [2.354], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.CategoricalCrossentropy(reduction: .none)(t, p), [0.0513, 2.303], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        assertClose(try Losses.categoricalCrossentropy(t, p), [0.0513, 2.303], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        // Label smoothing 0.3 over 3 classes: targets become t·0.7 + 0.1.
        let smoothed = try Losses.categoricalCrossentropy(t, p, labelSmoothing: 0.3)
        let q: [[Double]] = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
        let want = [[0.1, 0.8, 0.1], [0.1, 0.1, 0.8]].enumerated().map { (i, row) in
            -zip(row, q[i]).map { $0 * dlog(Swift.min(Swift.max($1, 1e-7), 1 - 1e-7)) }.reduce(0, +)
        }
        assertClose(smoothed, want, .absRel(abs: 1e-4, rel: 1e-5))
        // Logits: softmax crossentropy.
        let logits = try Losses.categoricalCrossentropy(t, t32([1, 2, 3, 0, 0, 0], [2, 3]), fromLogits: true)
        let lse = dlog(dexp(1) + dexp(2) + dexp(3))
        assertClose(logits, [lse - 2, dlog(3)], .absRel(abs: 1e-5, rel: 1e-5))
    }

    func testCategoricalFocalKerasExamples() throws {
        let t = t32([0, 1, 0, 0, 0, 1], [2, 3]), p = t32([0.05, 0.95, 0, 0.1, 0.8, 0.1], [2, 3])
        assertClose(try Losses.CategoricalFocalCrossentropy()(t, p), [0.23315276], .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.CategoricalFocalCrossentropy()(t, p, sampleWeight: t32([0.3, 0.7], [2])), [0.1632], .absRel(abs: 1e-4, rel: 1e-5))
        assertClose(try Losses.CategoricalFocalCrossentropy(reduction: .sum)(t, p), [0.46631], .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.CategoricalFocalCrossentropy(reduction: .none)(t, p), [3.2058331e-05, 4.6627346e-01], .absRel(abs: 1e-6, rel: 1e-5))
        let f = try Losses.categoricalFocalCrossentropy(t, t32([0.05, 0.9, 0.05, 0.1, 0.85, 0.05], [2, 3]))
        assertClose(f, [2.63401289e-04, 6.75912094e-01], .absRel(abs: 1e-6, rel: 1e-5))
    }

    func testSparseCategoricalCrossentropyKerasExamples() throws {
        let t = t32([1, 2], [2]), p = t32([0.05, 0.95, 0, 0.1, 0.8, 0.1], [2, 3])
        let scce = Losses.SparseCategoricalCrossentropy()
        assertClose(try scce(t, p), [1.177], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try scce(t, p, sampleWeight: t32([0.3, 0.7], [2])), [0.814], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.SparseCategoricalCrossentropy(reduction: .sum)(t, p), [2.354], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.SparseCategoricalCrossentropy(reduction: .none)(t, p), [0.0513, 2.303], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        // Integer labels of shape (B, 1) give the same per-sample values.
        let ti = try Tensor([Int32(1), 2], shape: [2, 1])
        assertClose(try Losses.sparseCategoricalCrossentropy(ti, p), [0.0513, 2.303], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        assertClose(try Losses.SparseCategoricalCrossentropy(reduction: .none)(ti, p), [0.0513, 2.303], .absRel(abs: 1e-3, rel: 1e-5), shape: [2])
        // Logits.
        let l = try Losses.sparseCategoricalCrossentropy(t, t32([1, 2, 3, 0, 0, 0], [2, 3]), fromLogits: true)
        let lse = dlog(dexp(1) + dexp(2) + dexp(3))
        assertClose(l, [lse - 2, dlog(3)], .absRel(abs: 1e-5, rel: 1e-5))
    }

    func testSparseIgnoreClassMasksTheMean() throws {
        let p = t32([0.05, 0.95, 0, 0.3, 0.3, 0.4, 0.1, 0.8, 0.1], [3, 3])
        let t = t32([1, -1, 2], [3])
        let l0 = -dlog(0.95), l2 = -dlog(0.1)
        let none = try Losses.SparseCategoricalCrossentropy(ignoreClass: -1, reduction: .none)(t, p)
        assertClose(none, [l0, 0, l2], .absRel(abs: 1e-5, rel: 1e-5), shape: [3])
        // sum_over_batch_size averages over the 2 valid entries only; sum is unaffected.
        assertClose(try Losses.SparseCategoricalCrossentropy(ignoreClass: -1)(t, p), [(l0 + l2) / 2], .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.SparseCategoricalCrossentropy(ignoreClass: -1, reduction: .sum)(t, p), [l0 + l2], .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.sparseCategoricalCrossentropy(t, p, ignoreClass: -1), [l0, 0, l2], .absRel(abs: 1e-5, rel: 1e-5))
    }

    func testCosineHuberLogCoshKerasExamples() throws {
        let c = try Losses.cosineSimilarity(t32([0, 1, 1, 1, 1, 1], [3, 2]), t32([1, 0, 1, 1, -1, -1], [3, 2]))
        assertClose(c, [0, -1, 1], .absRel(abs: 1e-6, rel: 1e-5), shape: [3])
        let h = try Losses.huber(t32([0, 1, 0, 0], [2, 2]), t32([0.6, 0.4, 0.4, 0.6], [2, 2]))
        assertClose(h, [0.18, 0.13], .absRel(abs: 1e-6, rel: 1e-5), shape: [2])
        assertClose(try Losses.Huber()(t32([0, 1, 0, 0], [2, 2]), t32([0.6, 0.4, 0.4, 0.6], [2, 2])), [0.155], .absRel(abs: 1e-6, rel: 1e-5))
        // delta 0.5: |e| = 0.6 is linear: 0.5·0.6 − 0.125 = 0.175; 0.4 quadratic: 0.08.
        let h2 = try Losses.huber(t32([0, 1, 0, 0], [2, 2]), t32([0.6, 0.4, 0.4, 0.6], [2, 2]), delta: 0.5)
        assertClose(h2, [(0.175 + 0.175) / 2, (0.08 + 0.175) / 2], .absRel(abs: 1e-6, rel: 1e-5))
        let lc = try Losses.LogCosh()(t32([0, 1, 0, 0], [2, 2]), t32([1, 1, 0, 0], [2, 2]))
        assertClose(lc, [0.108], .absRel(abs: 1e-3, rel: 1e-5))
        assertClose(try Losses.logCosh(t32([0, 1, 0, 0], [2, 2]), t32([1, 1, 0, 0], [2, 2])), [dlog(dcosh(1)) / 2, 0], .absRel(abs: 1e-6, rel: 1e-5))
    }

    // MARK: Hand computations

    func testRegressionLossesAgainstHandComputation() throws {
        let t = t32(yt, [2, 3]), p = t32(yp, [2, 3])
        assertClose(try Losses.meanSquaredError(t, p), perRow(yt, yp, cols: 3) { a, b in mean(zip(a, b).map { ($0 - $1) * ($0 - $1) }) }, .absRel(abs: 1e-5, rel: 1e-5), shape: [2])
        assertClose(try Losses.meanAbsoluteError(t, p), perRow(yt, yp, cols: 3) { a, b in mean(zip(a, b).map { Swift.abs($0 - $1) }) }, .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.meanAbsolutePercentageError(t, p), perRow(yt, yp, cols: 3) { a, b in
            100 * mean(zip(a, b).map { Swift.abs(($0 - $1) / Swift.max(Swift.abs($0), 1e-7)) })
        }, .absRel(abs: 1e-1, rel: 1e-5))
        assertClose(try Losses.meanSquaredLogarithmicError(t, p), perRow(yt, yp, cols: 3) { a, b in
            mean(zip(a, b).map { let d = dlog(Swift.max($1, 1e-7) + 1) - dlog(Swift.max($0, 1e-7) + 1); return d * d })
        }, .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.poisson(t, p), perRow(yt, yp, cols: 3) { a, b in mean(zip(a, b).map { $1 - $0 * dlog($1 + 1e-7) }) }, .absRel(abs: 1e-5, rel: 1e-5))
        let tk: [Double] = [0.2, 0.5, 0.3, 0, 1, 0], pk: [Double] = [0.1, 0.6, 0.3, 0.25, 0.5, 0.25]
        assertClose(try Losses.klDivergence(t32(tk, [2, 3]), t32(pk, [2, 3])), perRow(tk, pk, cols: 3) { a, b in
            zip(a, b).map { let x = Swift.max($0, 1e-7), y = Swift.max($1, 1e-7); return x * dlog(x / y) }.reduce(0, +)
        }, .absRel(abs: 1e-5, rel: 1e-5))
        // Class forms with every reduction.
        let perSample = perRow(yt, yp, cols: 3) { a, b in mean(zip(a, b).map { ($0 - $1) * ($0 - $1) }) }
        assertClose(try Losses.MeanSquaredError(reduction: .none)(t, p), perSample, .absRel(abs: 1e-5, rel: 1e-5), shape: [2])
        assertClose(try Losses.MeanSquaredError(reduction: .sum)(t, p), [perSample.reduce(0, +)], .absRel(abs: 1e-5, rel: 1e-5), shape: [])
        assertClose(try Losses.MeanSquaredError()(t, p), [mean(perSample)], .absRel(abs: 1e-5, rel: 1e-5), shape: [])
    }

    func testHingeLosses() throws {
        // {0, 1} labels become {-1, 1}.
        let t01: [Double] = [0, 1, 1, 0], p: [Double] = [0.3, 0.8, -0.4, -2]
        let ts = t01.map { 2 * $0 - 1 }
        let h = perRow(ts, p, cols: 2) { a, b in mean(zip(a, b).map { Swift.max(1 - $0 * $1, 0) }) }
        assertClose(try Losses.hinge(t32(t01, [2, 2]), t32(p, [2, 2])), h, .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.hinge(t32(ts, [2, 2]), t32(p, [2, 2])), h, .absRel(abs: 1e-5, rel: 1e-5))
        let sh = perRow(ts, p, cols: 2) { a, b in mean(zip(a, b).map { let m = Swift.max(1 - $0 * $1, 0); return m * m }) }
        assertClose(try Losses.SquaredHinge(reduction: .none)(t32(t01, [2, 2]), t32(p, [2, 2])), sh, .absRel(abs: 1e-5, rel: 1e-5))
        // Categorical hinge: pos = Σ t·p, neg = max((1 − t)·p).
        let tc: [Double] = [0, 1, 0, 1, 0, 0], pc: [Double] = [0.2, 0.5, 0.3, 0.6, 0.8, 0.1]
        let ch = perRow(tc, pc, cols: 3) { a, b in
            let pos = zip(a, b).map { $0 * $1 }.reduce(0, +), neg = zip(a, b).map { (1 - $0) * $1 }.max()!
            return Swift.max(neg - pos + 1, 0)
        }
        assertClose(try Losses.categoricalHinge(t32(tc, [2, 3]), t32(pc, [2, 3])), ch, .absRel(abs: 1e-5, rel: 1e-5))
        assertClose(try Losses.CategoricalHinge()(t32(tc, [2, 3]), t32(pc, [2, 3])), [mean(ch)], .absRel(abs: 1e-5, rel: 1e-5))
    }

    func testBinaryCrossentropyLabelSmoothingAndAxis() throws {
        let t: [Double] = [1, 0, 1, 1], p: [Double] = [0.9, 0.2, 0.6, 0.3]
        func bce(_ t: Double, _ p: Double) -> Double {
            let c = Swift.min(Swift.max(p, 1e-7), 1 - 1e-7)
            return -(t * dlog(c + 1e-7) + (1 - t) * dlog(1 - c + 1e-7))
        }
        let s = 0.2
        let ts = t.map { $0 * (1 - s) + 0.5 * s }
        let got = try Losses.binaryCrossentropy(t32(t, [2, 2]), t32(p, [2, 2]), labelSmoothing: s)
        assertClose(got, [(bce(ts[0], p[0]) + bce(ts[1], p[1])) / 2, (bce(ts[2], p[2]) + bce(ts[3], p[3])) / 2], .absRel(abs: 1e-5, rel: 1e-5))
        // axis 0 averages down the columns.
        let a0 = try Losses.binaryCrossentropy(t32(t, [2, 2]), t32(p, [2, 2]), axis: 0)
        assertClose(a0, [(bce(1, 0.9) + bce(1, 0.6)) / 2, (bce(0, 0.2) + bce(1, 0.3)) / 2], .absRel(abs: 1e-5, rel: 1e-5))
    }

    // MARK: Reductions and sample weights

    func testSampleWeightShapesAndReductions() throws {
        let t = t32(yt, [2, 3]), p = t32(yp, [2, 3])
        let per = perRow(yt, yp, cols: 3) { a, b in mean(zip(a, b).map { ($0 - $1) * ($0 - $1) }) }
        let w: [Double] = [0.25, 2]
        let weighted = [per[0] * w[0], per[1] * w[1]]
        for sw in [t32(w, [2]), t32(w, [2, 1])] {
            // As in Keras, rank-1 values meet (B, 1) weights by gaining a trailing axis.
            assertClose(try Losses.MeanSquaredError(reduction: .none)(t, p, sampleWeight: sw), weighted, .absRel(abs: 1e-5, rel: 1e-5), shape: sw.shape)
            assertClose(try Losses.MeanSquaredError(reduction: .sum)(t, p, sampleWeight: sw), [weighted.reduce(0, +)], .absRel(abs: 1e-5, rel: 1e-5))
            // sum_over_batch_size divides by the number of loss elements (2), not by Σw.
            assertClose(try Losses.MeanSquaredError()(t, p, sampleWeight: sw), [weighted.reduce(0, +) / 2], .absRel(abs: 1e-5, rel: 1e-5))
        }
        // A scalar weight scales everything.
        assertClose(try Losses.MeanSquaredError()(t, p, sampleWeight: t32([3], [])), [3 * mean(per)], .absRel(abs: 1e-5, rel: 1e-5))
        // Per-element weights on a loss that keeps a time axis: values (2, 3) from (2, 3, 1).
        let t3 = t32(yt, [2, 3, 1]), p3 = t32(yp, [2, 3, 1])
        let ew: [Double] = [1, 0, 2, 0.5, 0.5, 0]
        let elementwise = zip(zip(yt, yp).map { ($0 - $1) * ($0 - $1) }, ew).map { $0 * $1 }
        assertClose(try Losses.MeanSquaredError(reduction: .none)(t3, p3, sampleWeight: t32(ew, [2, 3])), elementwise, .absRel(abs: 1e-5, rel: 1e-5), shape: [2, 3])
        assertClose(try Losses.MeanSquaredError()(t3, p3, sampleWeight: t32(ew, [2, 3])), [elementwise.reduce(0, +) / 6], .absRel(abs: 1e-5, rel: 1e-5))
        // Per-sample weights (2,) broadcast over the time axis.
        let bw = zip(yt, yp).enumerated().map { (i, e) in (e.0 - e.1) * (e.0 - e.1) * w[i / 3] }
        assertClose(try Losses.MeanSquaredError()(t3, p3, sampleWeight: t32(w, [2])), [bw.reduce(0, +) / 6], .absRel(abs: 1e-5, rel: 1e-5))
        // Labels (B,) against predictions (B, 1) are matched by rank.
        assertClose(try Losses.MeanSquaredError(reduction: .none)(t32([1, 2], [2]), t32([1.5, 0], [2, 1])), [0.25, 4], .absRel(abs: 1e-5, rel: 1e-5), shape: [2])
    }

    func testReductionNames() {
        XCTAssertEqual(Reduction(name: "sum_over_batch_size"), .sumOverBatchSize)
        XCTAssertEqual(Reduction(name: "mean"), .sumOverBatchSize)
        XCTAssertEqual(Reduction(name: "sum"), .sum)
        XCTAssertEqual(Reduction(name: "none"), Reduction.none)
        XCTAssertNil(Reduction(name: "max"))
        XCTAssertEqual(Reduction.sumOverBatchSize.kerasName, "sum_over_batch_size")
    }

    // MARK: Custom losses, lookup, gradients

    func testCustomLossAndFailingCallback() throws {
        let huberLike = CustomLoss(name: "my_huber") { yTrue, yPred in try Losses.huber(yTrue, yPred, delta: 1) }
        let t = t32([0, 1, 0, 0], [2, 2]), p = t32([0.6, 0.4, 0.4, 0.6], [2, 2])
        assertClose(try huberLike(t, p), [0.155], .absRel(abs: 1e-6, rel: 1e-5))
        XCTAssertEqual(huberLike.name, "my_huber")
        let sum = CustomLoss(reduction: .sum) { a, b in try square(a - b) }
        assertClose(try sum(t, p), [0.36 + 0.36 + 0.16 + 0.36], .absRel(abs: 1e-6, rel: 1e-5))
        let failing = CustomLoss { _, _ in throw SwiftKerasError(.runtime, "callback failed: ValueError('boom')") }
        assertError(.runtime, "callback failed: ValueError('boom')") { try failing(t, p) }
        // A BaseLoss subclass without call.
        assertError(.unimplemented, "base: Loss subclasses must implement call(_:_:)") { try BaseLoss(name: "base")(t, p) }
    }

    func testLossLookupByName() throws {
        let cases: [(String, String)] = [
            ("mse", "mean_squared_error"), ("MSE", "mean_squared_error"), ("MeanSquaredError", "mean_squared_error"),
            ("mae", "mean_absolute_error"), ("mape", "mean_absolute_percentage_error"),
            ("msle", "mean_squared_logarithmic_error"), ("huber_loss", "huber_loss"), ("huber", "huber_loss"),
            ("logcosh", "log_cosh"), ("bce", "binary_crossentropy"), ("categorical_crossentropy", "categorical_crossentropy"),
            ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"), ("kld", "kl_divergence"),
            ("kullback_leibler_divergence", "kl_divergence"), ("poisson", "poisson"), ("hinge", "hinge"),
            ("squared_hinge", "squared_hinge"), ("categorical_hinge", "categorical_hinge"),
            ("cosine_similarity", "cosine_similarity"), ("binary_focal_crossentropy", "binary_focal_crossentropy"),
            ("CategoricalFocalCrossentropy", "categorical_focal_crossentropy"),
        ]
        for (alias, name) in cases { XCTAssertEqual(try lossNamed(alias).name, name, alias) }
        let mse = try lossNamed("mse", reduction: .sum)
        XCTAssertEqual(mse.reduction, .sum)
        assertClose(try mse(t32([1, 2], [2, 1]), t32([0, 0], [2, 1])), [5], .absRel(abs: 1e-5, rel: 1e-5))
        assertError(.invalidArgument, "Could not interpret loss identifier: 'msq'") { try lossNamed("msq") }
    }

    func testGradientThroughTheTape() throws {
        // d/dp mean((p − t)²) over 4 elements = (p − t)/2.
        let t = t32([0, 1, 2, 3], [2, 2]), p = t32([0.5, 0.5, 2.5, 2], [2, 2])
        let tape = GradientTape()
        tape.watch(p)
        let loss = try tape.record { try Losses.MeanSquaredError()(t, p) }
        let g = try tape.gradient(loss, [.tensor(p)])[0]!
        assertClose(g, [0.25, -0.25, 0.25, -0.5], .absRel(abs: 1e-5, rel: 1e-5), shape: [2, 2])
        // Categorical crossentropy from logits with sample weights: (softmax − t)·w/B.
        let logits = t32([1, 2, 3, 0, 0, 0], [2, 3]), labels = t32([0, 0, 1, 1, 0, 0], [2, 3])
        let tape2 = GradientTape()
        tape2.watch(logits)
        let l2 = try tape2.record {
            try Losses.CategoricalCrossentropy(fromLogits: true)(labels, logits, sampleWeight: t32([1, 0.5], [2]))
        }
        let g2 = try tape2.gradient(l2, [.tensor(logits)])[0]!
        let e1 = dexp(1), e2 = dexp(2), e3 = dexp(3)
        let z: Double = e1 + e2 + e3
        let row0: [Double] = [e1 / z / 2, e2 / z / 2, (e3 / z - 1) / 2]
        let third: Double = 1.0 / 3
        let row1: [Double] = [(third - 1) * 0.25, third * 0.25, third * 0.25]
        let want = row0 + row1
        assertClose(g2, want, .absRel(abs: 1e-5, rel: 1e-5), shape: [2, 3])
        // Huber through a variable, as a training step would see it.
        let v = Variable(t32([3, 0.2], [2]), name: "w")
        let tape3 = GradientTape()
        let l3 = try tape3.record { try Losses.Huber()(t32([0, 0], [2]), v.value) }
        let g3 = try tape3.gradient(l3, [.variable(v)])[0]!
        // One row of 2: mean over the row; |3| > 1 → sign·δ/2, 0.2 → 0.2/2.
        assertClose(g3, [0.5, 0.1], .absRel(abs: 1e-5, rel: 1e-5))
    }

    // MARK: Bad input

    func testBadInputErrors() {
        let a = t32([1, 2, 3, 4, 5, 6], [2, 3]), b = t32([1, 2, 3, 4], [2, 2])
        assertError(.invalidArgument, "mean_squared_error: y_true of shape (2, 3) and y_pred of shape (2, 2) are incompatible") {
            try Losses.meanSquaredError(a, b)
        }
        assertError(.invalidArgument, "categorical_crossentropy: y_true of shape (2, 3) and y_pred of shape (2, 2) are incompatible") {
            try Losses.CategoricalCrossentropy()(a, b)
        }
        assertError(.invalidArgument, "categorical_crossentropy: y_true of shape (1, 3) and y_pred of shape (2, 3) must have the same shape") {
            try Losses.categoricalCrossentropy(t32([0, 1, 0], [1, 3]), a)
        }
        assertError(.invalidArgument, "mean_squared_error: sample_weight of shape (3,) cannot be broadcast to the loss values of shape (2,)") {
            try Losses.MeanSquaredError()(a, a, sampleWeight: t32([1, 2, 3], [3]))
        }
        assertError(.invalidArgument, "sparse_categorical_crossentropy: the shape of target (3,) should equal the shape of output (2, 3) without axis 1") {
            try Losses.SparseCategoricalCrossentropy()(t32([0, 1, 2], [3]), a)
        }
        assertError(.outOfRange, "sparse_categorical_crossentropy: received a label value of 3 which is outside the valid range of [0, 3)") {
            try Losses.SparseCategoricalCrossentropy()(t32([0, 3], [2]), a)
        }
        assertError(.invalidDType, "mean_squared_error: the loss dtype must be floating point, got int32") {
            try Losses.MeanSquaredError(dtype: .int32)(a, a)
        }
    }
}
