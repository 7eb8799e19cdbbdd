import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// CTC: ctc_batch_cost against brute-force enumeration of alignments (values and gradients),
// greedy and beam-search ctc_decode against TensorFlow's results and brute force,
// ctc_label_dense_to_sparse; dtypes and errors.

// MARK: Reference implementations

/// Every labelling with nonzero probability and its probability, by enumerating all C^T
/// alignments of the renormalised `y + eps` (collapse repeats, drop blanks = class C − 1).
private func refLabellings(_ y: [Double], t: Int, c: Int) -> [[Int]: Double] {
    var q = [Double](repeating: 0, count: t * c)
    for i in 0..<t {
        let s = (0..<c).reduce(0.0) { $0 + y[i * c + $1] + 1e-7 }
        for k in 0..<c { q[i * c + k] = (y[i * c + k] + 1e-7) / s }
    }
    var probs: [[Int]: Double] = [:]
    var path = [Int](repeating: 0, count: t)
    func rec(_ i: Int, _ p: Double) {
        if i == t {
            var out: [Int] = []
            var prev = -1
            for k in path {
                if k != c - 1 && k != prev { out.append(k) }
                prev = k
            }
            probs[out, default: 0] += p
            return
        }
        for k in 0..<c {
            path[i] = k
            rec(i + 1, p * q[i * c + k])
        }
    }
    rec(0, 1)
    return probs
}

/// TensorFlow v1's `merge_repeated` applied to a beam's label sequence.
private func mergeRepeated(_ l: [Int]) -> [Int] {
    var out: [Int] = []
    for (i, v) in l.enumerated() where i == 0 || l[i - 1] != v { out.append(v) }
    return out
}

/// A decoded (B, T) row as labels, checking that the −1 padding is contiguous at the end.
private func decodedRow(_ d: Tensor, _ b: Int, file: StaticString = #filePath, line: UInt = #line) -> [Int] {
    let t = d.shape[1]
    let row = Array(d.doubles[(b * t)..<((b + 1) * t)]).map { Int($0) }
    let n = row.firstIndex(of: -1) ?? t
    XCTAssertTrue(row[n...].allSatisfy { $0 == -1 }, "padding of row \(b): \(row)", file: file, line: line)
    return Array(row[..<n])
}

/// CTC loss by enumerating every alignment (C^T paths) of the renormalised y + eps.
private func refCTCLoss(_ y: [Double], t: Int, c: Int, label: [Int]) -> Double {
    -Glibc.log(refLabellings(y, t: t, c: c)[label] ?? 0)
}

final class CTCTests: XCTestCase {

    func testCTCBatchCostMatchesBruteForce() throws {
        var rng = LCG(state: 7)
        func next() -> Double { rng.unit() }
        for (t, c, labels, lens, inLens) in [
            (4, 3, [[0, 1], [1, 1]], [2, 2], [4, 3]),
            (5, 4, [[2, 0, 2], [1, 0, 0]], [3, 1], [5, 2]),
            (3, 2, [[0, 0, 0], [0, 0, 0]], [0, 1], [3, 3]),
        ] {
            let b = labels.count, l = labels[0].count
            var yv = (0..<(b * t * c)).map { _ in next() + 0.05 }
            // Softmax rows (as a softmax layer would produce).
            for r in 0..<(b * t) {
                let s = (0..<c).reduce(0.0) { $0 + yv[r * c + $1] }
                for k in 0..<c { yv[r * c + k] /= s }
            }
            let yTrue = try i32(labels.flatMap { $0.map { Int32($0) } }, [b, l])
            let loss = try ctcBatchCost(yTrue: yTrue, yPred: f64(yv, [b, t, c]),
                                        inputLength: i32(inLens.map { Int32($0) }, [b, 1]),
                                        labelLength: i32(lens.map { Int32($0) }, [b, 1]))
            XCTAssertEqual(loss.shape, [b, 1])
            XCTAssertEqual(loss.dtype, .float64)
            let want = (0..<b).map { i in
                refCTCLoss(Array(yv[(i * t * c)..<(i * t * c + inLens[i] * c)]), t: inLens[i], c: c, label: Array(labels[i].prefix(lens[i])))
            }
            assertClose(loss, want, .onePlus(1e-9))
            // float32 in, float32 out, same values.
            let l32 = try ctcBatchCost(yTrue: yTrue, yPred: f64(yv, [b, t, c]).cast(to: .float32),
                                       inputLength: i32(inLens.map { Int32($0) }, [b]),
                                       labelLength: i32(lens.map { Int32($0) }, [b]))
            XCTAssertEqual(l32.dtype, .float32)
            assertClose(l32, want, .onePlus(1e-5))
        }
    }

    func testCTCRandomizedAgainstBruteForce() throws {
        var rng = LCG(state: 12345)
        func next() -> UInt64 { rng.step() >> 33 }
        for _ in 0..<40 {
            let t = Int(next() % 5) + 1, c = Int(next() % 3) + 2, b = Int(next() % 3) + 1
            let maxL = Int(next() % 3)
            var labels: [Int32] = [], lens: [Int32] = [], inLens: [Int32] = []
            for _ in 0..<b {
                let il = Int(next() % UInt64(t)) + 1
                var row: [Int32] = []
                var n = maxL == 0 ? 0 : Int(next() % UInt64(maxL + 1))
                for _ in 0..<maxL { row.append(Int32(next() % UInt64(c - 1))) }
                // Shorten until the labels fit in il steps (length + repeats).
                while n > 0 && n + (1..<Swift.max(n, 1)).filter({ row[$0] == row[$0 - 1] }).count > il { n -= 1 }
                labels += row; lens.append(Int32(n)); inLens.append(Int32(il))
            }
            let yv = (0..<(b * t * c)).map { _ in Double(next() % 1000) / 1000 + 0.01 }
            let loss = try ctcBatchCost(yTrue: i32(labels, [b, maxL]), yPred: f64(yv, [b, t, c]),
                                        inputLength: i32(inLens, [b, 1]), labelLength: i32(lens, [b, 1]))
            let want = (0..<b).map { i -> Double in
                let il = Int(inLens[i])
                return refCTCLoss(Array(yv[(i * t * c)..<(i * t * c + il * c)]), t: il, c: c,
                              label: labels[(i * maxL)..<(i * maxL + Int(lens[i]))].map { Int($0) })
            }
            assertClose(loss, want, .onePlus(1e-9))
        }
    }

    func testCTCGradientFromTape() throws {
        // The gradient the tape returns matches central differences (also run by GradCheck).
        let y = try f64([0.2, 0.5, 0.3, 0.6, 0.1, 0.3, 0.3, 0.3, 0.4, 0.1, 0.7, 0.2], [1, 4, 3])
        let yTrue = try i32([1, 0], [1, 2]), il = try i32([4], [1, 1]), ll = try i32([2], [1, 1])
        let tape = GradientTape()
        tape.watch(y)
        let loss = try tape.record { try ctcBatchCost(yTrue: yTrue, yPred: y, inputLength: il, labelLength: ll) }
        let g = try XCTUnwrap(try tape.gradient(loss, y)).doubles
        var base = y.doubles
        for i in 0..<base.count {
            let o = base[i]
            base[i] = o + 1e-6
            let p = try ctcBatchCost(yTrue: yTrue, yPred: f64(base, [1, 4, 3]), inputLength: il, labelLength: ll).doubles[0]
            base[i] = o - 1e-6
            let m = try ctcBatchCost(yTrue: yTrue, yPred: f64(base, [1, 4, 3]), inputLength: il, labelLength: ll).doubles[0]
            base[i] = o
            XCTAssertEqual(g[i], (p - m) / 2e-6, accuracy: 1e-5)
        }
        // Steps beyond input_length get no gradient.
        let tape2 = GradientTape()
        tape2.watch(y)
        let l2 = try tape2.record { try ctcBatchCost(yTrue: yTrue, yPred: y, inputLength: i32([3], [1, 1]), labelLength: ll) }
        let g2 = try XCTUnwrap(try tape2.gradient(l2, y)).doubles
        XCTAssertEqual(Array(g2[9...]), [0, 0, 0])
    }

    func testCTCErrors() throws {
        let y = try f32([Float](repeating: 0.25, count: 2 * 3 * 4), [2, 3, 4])
        let il = try i32([3, 3], [2, 1]), ll = try i32([2, 2], [2, 1])
        assertError(.outOfRange, "ctc_batch_cost: label 3 at (1, 0) is outside [0, 3) (class 3 of 4 is the blank)") {
            try ctcBatchCost(yTrue: i32([0, 1, 3, 1], [2, 2]), yPred: y, inputLength: il, labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_batch_cost: not enough time for target transition sequence in batch 0 (required: 3, available: 2)") {
            try ctcBatchCost(yTrue: i32([1, 1, 0, 1], [2, 2]), yPred: y, inputLength: i32([2, 3], [2, 1]), labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_batch_cost: input_length[1] = 4 is outside [0, 3] (the time axis of y_pred)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y, inputLength: i32([3, 4], [2, 1]), labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_batch_cost: input_length must have shape (2,) or (2, 1), got (3,)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y, inputLength: i32([3, 3, 3], [3]), labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_batch_cost: y_pred must have rank 3 (batch, time, classes), got shape (2, 12)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y.reshaped(to: [2, 12]), inputLength: il, labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_batch_cost: y_true must have shape (2, max_label_length) for y_pred of shape (2, 3, 4), got (4,)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [4]), yPred: y, inputLength: il, labelLength: ll)
        }
        assertError(.invalidDType, "ctc_batch_cost: dtype int32 of y_pred is not supported, expected a floating-point tensor") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: i32([Int32](repeating: 1, count: 24), [2, 3, 4]), inputLength: il, labelLength: ll)
        }
        assertError(.invalidArgument, "ctc_decode: beam_width (2) and top_paths (3) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3], [2]), greedy: false, beamWidth: 2, topPaths: 3)
        }
        assertError(.invalidArgument, "ctc_decode: input_length[0] = -1 is outside [0, 3] (the time axis of y_pred)") {
            try ctcDecode(yPred: y, inputLength: i32([-1, 3], [2]))
        }
    }

    func testCTCDecodeGreedy() throws {
        // Argmax per step: [0, 0, 2(blank), 0, 1] and [1, 2, 1, 1, 0]; the second has length 4.
        let rows: [[Float]] = [
            [0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.2, 0.7, 0.1],
            [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3], [0.9, 0.05, 0.05],
        ]
        let y = try f32(rows.flatMap { $0 }, [2, 5, 3])
        let (decoded, logp) = try ctcDecode(yPred: y, inputLength: i32([5, 4], [2]))
        XCTAssertEqual(decoded.count, 1)
        XCTAssertEqual(decoded[0].dtype, .int64)
        XCTAssertEqual(decoded[0].shape, [2, 5])
        XCTAssertEqual(decoded[0].doubles, [0, 0, 1, -1, -1, 1, 1, -1, -1, -1])
        XCTAssertEqual(logp.shape, [2, 1])
        XCTAssertEqual(logp.dtype, .float32)
        func nl(_ v: [Float]) -> Double { -v.reduce(0.0) { $0 + Double(Glibc.logf($1 + 1e-7)) } }
        assertClose(logp, [nl([0.6, 0.5, 0.7, 0.8, 0.7]), nl([0.8, 0.4, 0.5, 0.6])], .onePlus(1e-6))
        // Ties pick the first class; zero length gives an empty row and log probability 0.
        let tie = try f32([0.4, 0.4, 0.2], [1, 1, 3])
        XCTAssertEqual(try ctcDecode(yPred: tie, inputLength: i32([1], [1, 1])).decoded[0].doubles, [0])
        let empty = try ctcDecode(yPred: tie, inputLength: i32([0], [1]))
        XCTAssertEqual(empty.decoded[0].doubles, [-1])
        XCTAssertEqual(empty.logProbabilities.doubles, [0])
    }

    func testCTCLabelDenseToSparse() throws {
        let labels = try i32([1, 2, 3, 4, 5, 6], [2, 3])
        let (idx, vals, shape) = try ctcLabelDenseToSparse(labels: labels, labelLengths: i32([2, 1], [2]))
        XCTAssertEqual(idx.dtype, .int64)
        XCTAssertEqual(idx.shape, [3, 2])
        XCTAssertEqual(idx.doubles, [0, 0, 0, 1, 1, 0])
        XCTAssertEqual(vals.dtype, .int32)
        XCTAssertEqual(vals.doubles, [1, 2, 4])
        XCTAssertEqual(shape.dtype, .int64)
        XCTAssertEqual(shape.doubles, [2, 3])
        // Lengths beyond the row are clamped; negative lengths select nothing.
        let (i2, v2, _) = try ctcLabelDenseToSparse(labels: labels, labelLengths: i32([5, -1], [2, 1]))
        XCTAssertEqual(i2.shape, [3, 2])
        XCTAssertEqual(v2.doubles, [1, 2, 3])
        assertError(.invalidArgument, "ctc_label_dense_to_sparse: labels must have rank 2 (batch, max_label_length), got shape (6,)") {
            try ctcLabelDenseToSparse(labels: labels.reshaped(to: [6]), labelLengths: i32([1], [1]))
        }
    }
}

// MARK: - CTC beam search

final class CTCBeamSearchTests: XCTestCase {
    /// Graves' example from TensorFlow's ctc_beam_search.h: classes (a, blank),
    /// P = [[0.3, 0.7], [0.4, 0.6]]: P(l = "") = 0.42, P(l = a) = 0.58, while the best path is "".
    func testGravesExampleAndBeamWidthOneMatchesGreedy() throws {
        let y = try f64([0.3, 0.7, 0.4, 0.6], [1, 2, 2])
        let il = try i32([2], [1])
        let wide = try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 2, topPaths: 2)
        XCTAssertEqual(wide.decoded.count, 2)
        XCTAssertEqual(wide.decoded[0].shape, [1, 2])
        XCTAssertEqual(wide.decoded[0].dtype, .int64)
        XCTAssertEqual(wide.decoded[0].doubles, [0, -1])
        XCTAssertEqual(wide.decoded[1].doubles, [-1, -1])
        XCTAssertEqual(wide.logProbabilities.shape, [1, 2])
        XCTAssertEqual(wide.logProbabilities.dtype, .float64)
        assertClose(wide.logProbabilities, [Glibc.log(0.58), Glibc.log(0.42)], .onePlus(1e-6))
        // Beam width 1 keeps only the most probable prefix at each step: here the greedy
        // (best-path) decoding, whose score is minus the greedy decoder's log_probability.
        let one = try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 1, topPaths: 1)
        let greedy = try ctcDecode(yPred: y, inputLength: il)
        XCTAssertEqual(one.decoded[0].doubles, greedy.decoded[0].doubles)
        XCTAssertEqual(one.decoded[0].doubles, [-1, -1])
        assertClose(one.logProbabilities, [Glibc.log(0.42)], .onePlus(1e-6))
        assertClose(one.logProbabilities, greedy.logProbabilities.doubles.map { -$0 }, .onePlus(1e-6))
    }

    /// TensorFlow's own test (python/kernel_tests/nn_ops/ctc_decoder_ops_test.py,
    /// testCTCDecoderBeamSearch): logits = probabilities + 2, beam width 2, top 2 paths.
    /// Keras takes log(y + 1e-7), so y = exp(logit) − 1e-7 reproduces those logits.
    func testTensorFlowBeamSearchOracle() throws {
        let p: [[Double]] = [
            [0.30999, 0.309938, 0.0679938, 0.0673362, 0.0708352, 0.173908],
            [0.215136, 0.439699, 0.0370931, 0.0393967, 0.0381581, 0.230517],
            [0.199959, 0.489485, 0.0233221, 0.0251417, 0.0233289, 0.238763],
            [0.279611, 0.452966, 0.0204795, 0.0209126, 0.0194803, 0.20655],
            [0.51286, 0.288951, 0.0243026, 0.0220788, 0.0219297, 0.129878],
            [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0],
        ]
        let logits = p.map { $0.map { Double(Float($0) + 2) } }
        let y = try f64(logits.flatMap { $0.map { Glibc.exp($0) - 1e-7 } }, [1, 7, 6])
        for dtype in [DType.float64, .float32] {
            let r = try ctcDecode(yPred: y.cast(to: dtype), inputLength: i32([5], [1]), greedy: false,
                                  beamWidth: 2, topPaths: 2)
            XCTAssertEqual(r.decoded[0].doubles, [1, 0, -1, -1, -1, -1, -1])
            XCTAssertEqual(r.decoded[1].doubles, [1, -1, -1, -1, -1, -1, -1])
            XCTAssertEqual(r.logProbabilities.dtype, dtype)
            assertClose(r.logProbabilities, [-5.811451, -6.63339], .onePlus(2e-6))
        }
    }

    /// With a beam wide enough to keep every prefix the search is exact: the beam holds every
    /// labelling of nonzero probability, scored log P(labelling), in decreasing order.
    func testWideBeamEqualsBruteForce() throws {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<60 {
            let b = Int.random(in: 1...3, using: &rng), t = Int.random(in: 1...4, using: &rng)
            let c = trial < 6 ? trial % 3 + 1 : Int.random(in: 2...4, using: &rng)
            let yv = (0..<(b * t * c)).map { _ in Double.random(in: 0.01...1, using: &rng) }
            let lens = (0..<b).map { _ in Int.random(in: 0...t, using: &rng) }
            var refs: [[(labels: [Int], p: Double)]] = []
            for i in 0..<b {
                let r = refLabellings(Array(yv[(i * t * c)..<(i * t * c + lens[i] * c)]), t: lens[i], c: c)
                refs.append(r.map { (labels: $0.key, p: $0.value) }.sorted { $0.p > $1.p })
            }
            let k = refs.map { $0.count }.min()!
            let r = try ctcDecode(yPred: f64(yv, [b, t, c]), inputLength: i32(lens.map { Int32($0) }, [b, 1]),
                                  greedy: false, beamWidth: 200, topPaths: k)
            XCTAssertEqual(r.decoded.count, k)
            XCTAssertEqual(r.logProbabilities.shape, [b, k])
            let lp = r.logProbabilities.doubles
            for i in 0..<b {
                for j in 0..<k {
                    XCTAssertEqual(r.decoded[j].shape, [b, t])
                    XCTAssertEqual(decodedRow(r.decoded[j], i), mergeRepeated(refs[i][j].labels),
                                   "trial \(trial) batch \(i) path \(j)")
                    XCTAssertEqual(lp[i * k + j], Glibc.log(refs[i][j].p), accuracy: 1e-9, "trial \(trial)")
                }
            }
            // One more path than the beam can hold (for the element with fewest labellings).
            let short = refs.firstIndex { $0.count == k }!
            assertError(.invalidArgument, "ctc_decode: the beam search of batch element \(short) (input_length \(lens[short])) ends with \(k) prefixes, fewer than top_paths = \(k + 1)") {
                try ctcDecode(yPred: f64(yv, [b, t, c]), inputLength: i32(lens.map { Int32($0) }, [b]),
                              greedy: false, beamWidth: 200, topPaths: k + 1)
            }
        }
    }

    /// TensorFlow v1 merges equal neighbours of a beam's labels: the beam "0 0" (0, blank, 0),
    /// here the most probable labelling, decodes to [0], as does the second beam "0".
    func testMergeRepeatedQuirkAndPadding() throws {
        let yv: [Double] = [0.9, 0.06, 0.04, 0.05, 0.05, 0.9, 0.9, 0.05, 0.05, 0.2, 0.2, 0.6]
        let ref = refLabellings(yv, t: 4, c: 3)
        let r = try ctcDecode(yPred: f32(yv.map { Float($0) }, [1, 4, 3]), inputLength: i32([3], [1]),
                              greedy: false, beamWidth: 10, topPaths: 3)
        let r3 = refLabellings(Array(yv[0..<9]), t: 3, c: 3).sorted { $0.value > $1.value }
        XCTAssertEqual(r3[0].key, [0, 0])
        XCTAssertEqual(r3[1].key, [0])
        XCTAssertEqual(r.decoded[0].doubles, [0, -1, -1, -1])
        XCTAssertEqual(r.decoded[1].doubles, [0, -1, -1, -1])
        XCTAssertEqual(decodedRow(r.decoded[2], 0), mergeRepeated(r3[2].key))
        XCTAssertEqual(r.logProbabilities.dtype, .float32)
        assertClose(r.logProbabilities, r3[0..<3].map { Glibc.log($0.value) }, .onePlus(1e-5))
        // The full length ranks "0 0" and "0 0 1"... by the 4-step probabilities.
        let full = try ctcDecode(yPred: f64(yv, [1, 4, 3]), inputLength: i32([4], [1]), greedy: false,
                                 beamWidth: 50, topPaths: 2)
        let best = ref.sorted { $0.value > $1.value }
        XCTAssertEqual(decodedRow(full.decoded[0], 0), mergeRepeated(best[0].key))
        assertClose(full.logProbabilities, [Glibc.log(best[0].value), Glibc.log(best[1].value)], .onePlus(1e-9))
    }

    /// A narrow beam drops alignments: its scores never exceed the exact log probabilities and
    /// are sorted; beam width 1 follows the greedy path on peaked inputs.
    func testNarrowBeamBoundsAndGreedyAgreement() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let t = Int.random(in: 1...4, using: &rng), c = Int.random(in: 2...4, using: &rng)
            let yv = (0..<(t * c)).map { _ in Double.random(in: 0.01...1, using: &rng) }
            let ref = refLabellings(yv, t: t, c: c)
            let n = Swift.min(2, ref.count)
            let r = try ctcDecode(yPred: f64(yv, [1, t, c]), inputLength: i32([Int32(t)], [1]), greedy: false,
                                  beamWidth: 2, topPaths: n)
            let lp = r.logProbabilities.doubles
            for j in 0..<n {
                let labels = decodedRow(r.decoded[j], 0)
                // Some labelling that merges to the decoded labels has at least the beam's score.
                let exact = ref.filter { mergeRepeated($0.key) == labels }.map { $0.value }.max() ?? 0
                XCTAssertLessThanOrEqual(lp[j], Glibc.log(exact) + 1e-9)
                if j > 0 { XCTAssertLessThanOrEqual(lp[j], lp[j - 1]) }
            }
            // Peaked rows: one class at 0.9 per step.
            var peaked = [Double](repeating: 0.1 / Double(c - 1), count: t * c)
            var argmax: [Int] = []
            for i in 0..<t {
                let k = Int.random(in: 0..<c, using: &rng)
                peaked[i * c + k] = 0.9
                argmax.append(k)
            }
            let y = try f64(peaked, [1, t, c])
            let one = try ctcDecode(yPred: y, inputLength: i32([Int32(t)], [1]), greedy: false, beamWidth: 1, topPaths: 1)
            let greedy = try ctcDecode(yPred: y, inputLength: i32([Int32(t)], [1]))
            // The beam keeps the greedy path, but v1's merge_repeated also merges the labels a
            // blank separates (greedy [1, 1] from 1, 1, blank, 1 decodes to [1] here).
            XCTAssertEqual(decodedRow(one.decoded[0], 0), mergeRepeated(decodedRow(greedy.decoded[0], 0)), "argmax \(argmax)")
        }
    }

    func testVariableLengthsAndDTypes() throws {
        let yv: [Double] = [0.1, 0.8, 0.1, 0.7, 0.2, 0.1, 0.2, 0.2, 0.6,
                            0.5, 0.3, 0.2, 0.1, 0.1, 0.8, 0.3, 0.6, 0.1]
        for dtype in [DType.float16, .bfloat16, .float32, .float64] {
            let r = try ctcDecode(yPred: f64(yv, [2, 3, 3]).cast(to: dtype), inputLength: i32([3, 1], [2]),
                                  greedy: false, beamWidth: 20, topPaths: 2)
            XCTAssertEqual(r.logProbabilities.dtype, dtype)
            XCTAssertEqual(r.decoded[0].dtype, .int64)
            let r0 = refLabellings(Array(yv[0..<9]), t: 3, c: 3).sorted { $0.value > $1.value }
            let r1 = refLabellings(Array(yv[9..<12]), t: 1, c: 3).sorted { $0.value > $1.value }
            XCTAssertEqual(r0[0].key, [1, 0])
            XCTAssertEqual(r.decoded[0].doubles, [1, 0, -1, 0, -1, -1])
            XCTAssertEqual(r.decoded[1].doubles,
                           (r0[1].key + [-1, -1, -1]).prefix(3).map { Double($0) } + (r1[1].key + [-1, -1, -1]).prefix(3).map { Double($0) })
            let tol = dtype == .float64 ? 1e-9 : (dtype == .float32 ? 1e-5 : 2e-2)
            assertClose(r.logProbabilities, [r0[0].value, r0[1].value, r1[0].value, r1[1].value].map { Glibc.log($0) }, .onePlus(tol))
        }
        // Zero-length sequences keep only the empty prefix (score log 1 = 0); (B, 1) lengths work.
        let z = try ctcDecode(yPred: f64(yv, [2, 3, 3]), inputLength: i32([0, 2], [2, 1]), greedy: false,
                              beamWidth: 5, topPaths: 1)
        XCTAssertEqual(decodedRow(z.decoded[0], 0), [])
        XCTAssertEqual(z.logProbabilities.doubles[0], 0)
        // A single class (only the blank): always the empty labelling with probability 1.
        let blankOnly = try ctcDecode(yPred: f32([0.3, 0.9], [1, 2, 1]), inputLength: i32([2], [1]), greedy: false)
        XCTAssertEqual(blankOnly.decoded[0].doubles, [-1, -1])
        assertClose(blankOnly.logProbabilities, [0], .onePlus(1e-7))
        // Empty batch.
        let e = try ctcDecode(yPred: f32([], [0, 3, 3]), inputLength: i32([], [0]), greedy: false, topPaths: 2)
        XCTAssertEqual(e.decoded.count, 2)
        XCTAssertEqual(e.decoded[1].shape, [0, 3])
        XCTAssertEqual(e.logProbabilities.shape, [0, 2])
    }

    func testBeamSearchErrors() throws {
        let y = try f32([Float](repeating: 0.25, count: 24), [2, 3, 4])
        let il = try i32([3, 3], [2])
        assertError(.invalidArgument, "ctc_decode: beam_width (2) and top_paths (3) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 2, topPaths: 3)
        }
        assertError(.invalidArgument, "ctc_decode: beam_width (100) and top_paths (0) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, topPaths: 0)
        }
        assertError(.invalidArgument, "ctc_decode: beam_width (0) and top_paths (1) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 0)
        }
        assertError(.invalidArgument, "ctc_decode: beam_width (-5) and top_paths (-7) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: -5, topPaths: -7)
        }
        assertError(.invalidArgument, "ctc_decode: input_length must have shape (2,) or (2, 1), got (3,)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3, 3], [3]), greedy: false)
        }
        assertError(.invalidArgument, "ctc_decode: input_length must have shape (2,) or (2, 1), got (2, 2)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3, 3, 3], [2, 2]), greedy: false)
        }
        assertError(.invalidArgument, "ctc_decode: input_length[1] = 4 is outside [0, 3] (the time axis of y_pred)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 4], [2]), greedy: false)
        }
        assertError(.invalidArgument, "ctc_decode: y_pred must have rank 3 (batch, time, classes) with at least one class, got shape (2, 12)") {
            try ctcDecode(yPred: y.reshaped(to: [2, 12]), inputLength: il, greedy: false)
        }
        assertError(.invalidArgument, "ctc_decode: y_pred must have rank 3 (batch, time, classes) with at least one class, got shape (2, 3, 0)") {
            try ctcDecode(yPred: f32([], [2, 3, 0]), inputLength: il, greedy: false)
        }
        assertError(.invalidDType, "ctc_decode: dtype int32 of y_pred is not supported, expected a floating-point tensor") {
            try ctcDecode(yPred: i32([Int32](repeating: 1, count: 24), [2, 3, 4]), inputLength: il, greedy: false)
        }
        // TensorFlow: "Less leaves in the beam search than requested."
        assertError(.invalidArgument, "ctc_decode: the beam search of batch element 1 (input_length 0) ends with 1 prefixes, fewer than top_paths = 2") {
            try ctcDecode(yPred: y, inputLength: i32([3, 0], [2]), greedy: false, beamWidth: 4, topPaths: 2)
        }
        // NaN and negative probabilities decode without trapping.
        let bad = try f32([.nan, 0.5, 0.5, -1, 0.2, 0.3, .infinity, 0, 0.1], [1, 3, 3])
        XCTAssertNoThrow(try ctcDecode(yPred: bad, inputLength: i32([3], [1]), greedy: false, beamWidth: 3, topPaths: 1))
    }
}
