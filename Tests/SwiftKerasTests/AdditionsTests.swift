import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Tests of the ops added for the Keras backend: focal crossentropies, CTC, map_fn / foldl /
// foldr / rnn, moving_average_update.

private func assertThrowsAdd(_ kind: SwiftKerasError.Kind, _ message: String, file: StaticString = #filePath,
                             line: UInt = #line, _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected error: \(message)", file: file, line: line)
    } catch let e as SwiftKerasError {
        XCTAssertEqual(e.kind, kind, e.message, file: file, line: line)
        XCTAssertEqual(e.message, message, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

private func assertClose(_ t: Tensor, _ want: [Double], tol: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
    let got = t.doubles
    XCTAssertEqual(got.count, want.count, "count", file: file, line: line)
    for (i, (g, w)) in zip(got, want).enumerated() {
        if w.isNaN { XCTAssertTrue(g.isNaN, "element \(i)", file: file, line: line); continue }
        XCTAssertEqual(g, w, accuracy: tol * (1 + Swift.abs(w)), "element \(i)", file: file, line: line)
    }
}

private func f32(_ v: [Float], _ shape: [Int]) -> Tensor { try! Tensor(v, shape: shape) }
private func f64(_ v: [Double], _ shape: [Int]) -> Tensor { try! Tensor(v, shape: shape) }
private func i32(_ v: [Int32], _ shape: [Int]) -> Tensor { try! Tensor(v, shape: shape) }

// MARK: Reference implementations

/// Keras' binary focal formula in doubles.
private func refBinaryFocal(_ t: Double, _ o: Double, balance: Bool, alpha: Double, gamma: Double, logits: Bool) -> Double {
    let eps = 1e-7
    let p = logits ? 1 / (1 + Foundation_exp(-o)) : o
    let pt = t * p + (1 - t) * (1 - p)
    let bce: Double
    if logits {
        bce = Swift.max(o, 0) - o * t + Foundation_log1p(Foundation_exp(-Swift.abs(o)))
    } else {
        let c = Swift.min(Swift.max(o, eps), 1 - eps)
        bce = -(t * Foundation_log(c + eps) + (1 - t) * Foundation_log(1 - c + eps))
    }
    var r = Foundation_pow(1 - pt, gamma) * bce
    if balance { r *= t * alpha + (1 - t) * (1 - alpha) }
    return r
}

/// CTC loss by enumerating every alignment (C^T paths) of the renormalised y + eps.
private func refCTC(_ y: [Double], t: Int, c: Int, label: [Int]) -> Double {
    var q = [Double](repeating: 0, count: t * c)
    for i in 0..<t {
        let s = (0..<c).reduce(0.0) { $0 + y[i * c + $1] + 1e-7 }
        for k in 0..<c { q[i * c + k] = (y[i * c + k] + 1e-7) / s }
    }
    var total = 0.0
    var path = [Int](repeating: 0, count: t)
    func rec(_ i: Int, _ p: Double) {
        if i == t {
            var out: [Int] = []
            var prev = -1
            for k in path {
                if k != c - 1 && k != prev { out.append(k) }
                prev = k
            }
            if out == label { total += p }
            return
        }
        for k in 0..<c {
            path[i] = k
            rec(i + 1, p * q[i * c + k])
        }
    }
    rec(0, 1)
    return -Foundation_log(total)
}

// Glibc math without importing Foundation.
private func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
private func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
private func Foundation_log1p(_ x: Double) -> Double { Glibc.log1p(x) }
private func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }

final class AdditionsTests: XCTestCase {
    // MARK: Focal crossentropies

    func testBinaryFocalKerasDocExample() throws {
        // keras.losses.binary_focal_crossentropy docs: mean over the last axis is [0.330, 0.206].
        let t = f32([0, 1, 0, 0], [2, 2]), o = f32([0.6, 0.4, 0.4, 0.6], [2, 2])
        let r = try binaryFocalCrossentropy(target: t, output: o, gamma: 2)
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.shape, [2, 2])
        assertClose(try r.mean(alongAxes: [-1]), [0.32986, 0.20580], tol: 1e-4)
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
                assertClose(r, want, tol: 1e-9)
            }
        }
        // Broadcasting (probabilities), int target cast to the output dtype, float16 output.
        let r = try binaryFocalCrossentropy(target: i32([1, 0], [2]), output: f32([0.9, 0.2, 0.3, 0.6], [2, 2]))
        XCTAssertEqual(r.shape, [2, 2])
        assertClose(r, zip([1.0, 0, 1, 0], [0.9, 0.2, 0.3, 0.6]).map {
            refBinaryFocal($0, $1, balance: false, alpha: 0.25, gamma: 2, logits: false)
        }, tol: 1e-5)
        let h = try binaryFocalCrossentropy(target: f32([1, 0], [2]).cast(to: .float16), output: f32([0.9, 0.2], [2]).cast(to: .float16))
        XCTAssertEqual(h.dtype, .float16)
        assertClose(h, [refBinaryFocal(1, 0.9, balance: false, alpha: 0.25, gamma: 2, logits: false),
                        refBinaryFocal(0, 0.2, balance: false, alpha: 0.25, gamma: 2, logits: false)], tol: 1e-2)
        // NaN propagates; empty works.
        assertClose(try binaryFocalCrossentropy(target: f32([1], [1]), output: f32([.nan], [1])), [.nan])
        XCTAssertEqual(try binaryFocalCrossentropy(target: f32([], [0, 2]), output: f32([], [0, 2])).shape, [0, 2])
    }

    func testCategoricalFocalKerasDocExample() throws {
        // keras.losses.categorical_focal_crossentropy docs: [2.63401289e-04, 6.75912094e-01].
        let t = f32([0, 1, 0, 0, 0, 1], [2, 3]), o = f32([0.05, 0.9, 0.05, 0.1, 0.85, 0.05], [2, 3])
        let r = try categoricalFocalCrossentropy(target: t, output: o)
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.shape, [2])
        assertClose(r, [2.63401289e-04, 6.75912094e-01], tol: 1e-5)
    }

    func testCategoricalFocalMatchesReference() throws {
        // Axis 0 of a (3, 2) tensor, unnormalised probabilities, from logits.
        let tv: [Double] = [1, 0, 0, 0.5, 0, 0.5], ov: [Double] = [0.5, 2, 1, 0.1, 0.5, 1.9]
        func ref(_ logits: Bool, alpha: Double, gamma: Double) -> [Double] {
            (0..<2).map { j in
                var col = (0..<3).map { ov[$0 * 2 + j] }
                if logits {
                    let m = col.max()!
                    let e = col.map { Foundation_exp($0 - m) }
                    col = e.map { $0 / e.reduce(0, +) }
                }
                let s = col.reduce(0, +)
                return (0..<3).reduce(0.0) { acc, i in
                    let p = Swift.min(Swift.max(col[i] / s, 1e-7), 1 - 1e-7)
                    return acc + alpha * Foundation_pow(1 - p, gamma) * (-tv[i * 2 + j] * Foundation_log(p))
                }
            }
        }
        for logits in [false, true] {
            let r = try categoricalFocalCrossentropy(target: f64(tv, [3, 2]), output: f64(ov, [3, 2]), alpha: 0.4,
                                                     gamma: 1.5, fromLogits: logits, axis: 0)
            XCTAssertEqual(r.shape, [2])
            assertClose(r, ref(logits, alpha: 0.4, gamma: 1.5), tol: 1e-9)
        }
    }

    func testFocalErrors() {
        assertThrowsAdd(.invalidDType, "binary_focal_crossentropy: dtype int32 of output is not supported, expected a floating-point tensor") {
            try binaryFocalCrossentropy(target: i32([1], [1]), output: i32([1], [1]))
        }
        assertThrowsAdd(.invalidArgument, "binary_focal_crossentropy: logits and labels must have the same shape, got target shape (2,) and output shape (2, 2)") {
            try binaryFocalCrossentropy(target: f32([1, 0], [2]), output: f32([1, 2, 3, 4], [2, 2]), fromLogits: true)
        }
        assertThrowsAdd(.invalidArgument, "categorical_focal_crossentropy: shapes (2,) (target) and (2, 2) (output) are incompatible") {
            try categoricalFocalCrossentropy(target: f32([1, 0], [2]), output: f32([1, 2, 3, 4], [2, 2]))
        }
        assertThrowsAdd(.invalidArgument, "categorical_focal_crossentropy: axis 2 is out of bounds for a tensor of rank 2") {
            try categoricalFocalCrossentropy(target: f32([1, 0, 0, 1], [2, 2]), output: f32([1, 2, 3, 4], [2, 2]), axis: 2)
        }
    }

    // MARK: CTC

    func testCTCBatchCostMatchesBruteForce() throws {
        var rng: UInt64 = 7
        func next() -> Double { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Double(rng >> 11) / Double(1 << 53) }
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
            let yTrue = i32(labels.flatMap { $0.map { Int32($0) } }, [b, l])
            let loss = try ctcBatchCost(yTrue: yTrue, yPred: f64(yv, [b, t, c]),
                                        inputLength: i32(inLens.map { Int32($0) }, [b, 1]),
                                        labelLength: i32(lens.map { Int32($0) }, [b, 1]))
            XCTAssertEqual(loss.shape, [b, 1])
            XCTAssertEqual(loss.dtype, .float64)
            let want = (0..<b).map { i in
                refCTC(Array(yv[(i * t * c)..<(i * t * c + inLens[i] * c)]), t: inLens[i], c: c, label: Array(labels[i].prefix(lens[i])))
            }
            assertClose(loss, want, tol: 1e-9)
            // float32 in, float32 out, same values.
            let l32 = try ctcBatchCost(yTrue: yTrue, yPred: f64(yv, [b, t, c]).cast(to: .float32),
                                       inputLength: i32(inLens.map { Int32($0) }, [b]),
                                       labelLength: i32(lens.map { Int32($0) }, [b]))
            XCTAssertEqual(l32.dtype, .float32)
            assertClose(l32, want, tol: 1e-5)
        }
    }

    func testCTCRandomizedAgainstBruteForce() throws {
        var rng: UInt64 = 12345
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
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
                return refCTC(Array(yv[(i * t * c)..<(i * t * c + il * c)]), t: il, c: c,
                              label: labels[(i * maxL)..<(i * maxL + Int(lens[i]))].map { Int($0) })
            }
            assertClose(loss, want, tol: 1e-9)
        }
    }

    func testCTCGradientFromTape() throws {
        // The gradient the tape returns matches central differences (also run by GradCheck).
        let y = f64([0.2, 0.5, 0.3, 0.6, 0.1, 0.3, 0.3, 0.3, 0.4, 0.1, 0.7, 0.2], [1, 4, 3])
        let yTrue = i32([1, 0], [1, 2]), il = i32([4], [1, 1]), ll = i32([2], [1, 1])
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

    func testCTCErrors() {
        let y = f32([Float](repeating: 0.25, count: 2 * 3 * 4), [2, 3, 4])
        let il = i32([3, 3], [2, 1]), ll = i32([2, 2], [2, 1])
        assertThrowsAdd(.outOfRange, "ctc_batch_cost: label 3 at (1, 0) is outside [0, 3) (class 3 of 4 is the blank)") {
            try ctcBatchCost(yTrue: i32([0, 1, 3, 1], [2, 2]), yPred: y, inputLength: il, labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_batch_cost: not enough time for target transition sequence in batch 0 (required: 3, available: 2)") {
            try ctcBatchCost(yTrue: i32([1, 1, 0, 1], [2, 2]), yPred: y, inputLength: i32([2, 3], [2, 1]), labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_batch_cost: input_length[1] = 4 is outside [0, 3] (the time axis of y_pred)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y, inputLength: i32([3, 4], [2, 1]), labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_batch_cost: input_length must have shape (2,) or (2, 1), got (3,)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y, inputLength: i32([3, 3, 3], [3]), labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_batch_cost: y_pred must have rank 3 (batch, time, classes), got shape (2, 12)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: y.reshaped(to: [2, 12]), inputLength: il, labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_batch_cost: y_true must have shape (2, max_label_length) for y_pred of shape (2, 3, 4), got (4,)") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [4]), yPred: y, inputLength: il, labelLength: ll)
        }
        assertThrowsAdd(.invalidDType, "ctc_batch_cost: dtype int32 of y_pred is not supported, expected a floating-point tensor") {
            try ctcBatchCost(yTrue: i32([0, 1, 2, 1], [2, 2]), yPred: i32([Int32](repeating: 1, count: 24), [2, 3, 4]), inputLength: il, labelLength: ll)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: beam_width (2) and top_paths (3) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3], [2]), greedy: false, beamWidth: 2, topPaths: 3)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: input_length[0] = -1 is outside [0, 3] (the time axis of y_pred)") {
            try ctcDecode(yPred: y, inputLength: i32([-1, 3], [2]))
        }
    }

    func testCTCDecodeGreedy() throws {
        // Argmax per step: [0, 0, 2(blank), 0, 1] and [1, 2, 1, 1, 0]; the second has length 4.
        let rows: [[Float]] = [
            [0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.2, 0.7, 0.1],
            [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3], [0.9, 0.05, 0.05],
        ]
        let y = f32(rows.flatMap { $0 }, [2, 5, 3])
        let (decoded, logp) = try ctcDecode(yPred: y, inputLength: i32([5, 4], [2]))
        XCTAssertEqual(decoded.count, 1)
        XCTAssertEqual(decoded[0].dtype, .int64)
        XCTAssertEqual(decoded[0].shape, [2, 5])
        XCTAssertEqual(decoded[0].doubles, [0, 0, 1, -1, -1, 1, 1, -1, -1, -1])
        XCTAssertEqual(logp.shape, [2, 1])
        XCTAssertEqual(logp.dtype, .float32)
        func nl(_ v: [Float]) -> Double { -v.reduce(0.0) { $0 + Double(Glibc.logf($1 + 1e-7)) } }
        assertClose(logp, [nl([0.6, 0.5, 0.7, 0.8, 0.7]), nl([0.8, 0.4, 0.5, 0.6])], tol: 1e-6)
        // Ties pick the first class; zero length gives an empty row and log probability 0.
        let tie = f32([0.4, 0.4, 0.2], [1, 1, 3])
        XCTAssertEqual(try ctcDecode(yPred: tie, inputLength: i32([1], [1, 1])).decoded[0].doubles, [0])
        let empty = try ctcDecode(yPred: tie, inputLength: i32([0], [1]))
        XCTAssertEqual(empty.decoded[0].doubles, [-1])
        XCTAssertEqual(empty.logProbabilities.doubles, [0])
    }

    func testCTCLabelDenseToSparse() throws {
        let labels = i32([1, 2, 3, 4, 5, 6], [2, 3])
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
        assertThrowsAdd(.invalidArgument, "ctc_label_dense_to_sparse: labels must have rank 2 (batch, max_label_length), got shape (6,)") {
            try ctcLabelDenseToSparse(labels: labels.reshaped(to: [6]), labelLengths: i32([1], [1]))
        }
    }

    // MARK: map_fn, foldl, foldr

    func testMapFn() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [3, 2])
        let r = try mapFn(x) { try $0.multiplying($0).sum() }
        XCTAssertEqual(r.shape, [3])
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.doubles, [5, 25, 61])
        // Several elems and results.
        let y = i32([10, 20, 30], [3])
        let rs = try mapFn([x, y]) { s in [try s[0].adding(s[1].cast(to: .float32)), try s[1].multiplying(Scalar.int(2))] }
        XCTAssertEqual(rs[0].doubles, [11, 12, 23, 24, 35, 36])
        XCTAssertEqual(rs[1].doubles, [20, 40, 60])
        XCTAssertEqual(rs[1].dtype, .int32)
        // No slices: fn is not called.
        let e = try mapFn(f32([], [0, 4])) { _ in XCTFail("called"); return f32([], [0]) }
        XCTAssertEqual(e.shape, [0, 4])
        assertThrowsAdd(.invalidArgument, "map_fn: all elems must have the same size along axis 0, got shapes (3, 2) and (2,)") {
            try mapFn([x, f32([1, 2], [2])]) { $0 }
        }
        assertThrowsAdd(.invalidArgument, "map_fn: elems must have rank at least 1, got a tensor of shape ()") {
            try mapFn(Tensor(scalar: Float(1))) { $0 }
        }
        assertThrowsAdd(.invalidArgument, "map_fn: result 0 has shape (2,) for slice 1 but (1,) for slice 0") {
            var i = 0
            return try mapFn(x) { s in i += 1; return i == 1 ? try s.slice(begin: [0], size: [1]) : s }
        }
        // A failing function's error passes through unchanged.
        assertThrowsAdd(.runtime, "user failure") {
            try mapFn(x) { _ in throw SwiftKerasError(.runtime, "user failure") }
        }
    }

    func testFolds() throws {
        let x = f64([1, 2, 3], [3])
        XCTAssertEqual(try foldl(x) { try $0 - $1 }.doubles, [-4])
        XCTAssertEqual(try foldr(x) { try $0 - $1 }.doubles, [0])
        XCTAssertEqual(try foldl(x, initializer: f64([10], [])) { try $0 - $1 }.doubles, [4])
        XCTAssertEqual(try foldr(x, initializer: f64([10], [])) { try $0 - $1 }.doubles, [4])
        // foldr order: acc = fn(acc, x) with x from last to first: 2·(2·(2·0 + 3) + 2) + 1 = 17.
        XCTAssertEqual(try foldr(x, initializer: f64([0], [])) { try $0 * 2.0 + $1 }.doubles, [17])
        XCTAssertEqual(try foldl(x, initializer: f64([0], [])) { try $0 * 2.0 + $1 }.doubles, [11])
        // Rows of a matrix, two accumulators.
        let m = f64([1, 2, 3, 4, 5, 6], [3, 2])
        let r = try foldl([m], initializer: [f64([0, 0], [2]), f64([1, 1], [2])]) { acc, s in
            [try acc[0] + s[0], try acc[1] * s[0]]
        }
        XCTAssertEqual(r[0].doubles, [9, 12])
        XCTAssertEqual(r[1].doubles, [15, 48])
        // Empty elems: the initializer comes back; without one it is an error.
        XCTAssertEqual(try foldl(f64([], [0]), initializer: f64([7], [])) { try $0 + $1 }.doubles, [7])
        assertThrowsAdd(.invalidArgument, "foldr: elems have no elements along axis 0 and no initializer was given") {
            try foldr(f64([], [0])) { try $0 + $1 }
        }
        assertThrowsAdd(.invalidArgument, "foldl: the function returned 2 tensors for an accumulator of 1") {
            try foldl([x]) { a, _ in a + a }
        }
    }

    func testGradientThroughMapFnAndFold() throws {
        try runGradCheck(GradCheck(label: "map_fn of x·sin(x) rows", shapes: [[3, 2]]) { x in
            try mapFn(x[0]) { try $0 * sin($0) }
        })
        try runGradCheck(GradCheck(label: "foldl product", shapes: [[4, 2]]) { x in
            try foldl(x[0]) { try $0 * $1 }
        })
        try runGradCheck(GradCheck(label: "foldr with initializer", shapes: [[3], []]) { x in
            try foldr(x[0], initializer: x[1]) { try tanh($0 * $1 + $1) }
        })
    }

    // MARK: rnn

    /// out = 2x + s; s' = out.
    private func cumulativeStep(_ x: Tensor, _ s: [Tensor]) throws -> (Tensor, [Tensor]) {
        let out = try x * 2.0 + s[0]
        return (out, [out])
    }

    func testRNNBasicAndBackwards() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = f32([0, 0], [2, 1])
        let r = try rnn(cumulativeStep, inputs: x, initialStates: [s0])
        XCTAssertEqual(r.outputs.shape, [2, 3, 1])
        XCTAssertEqual(r.outputs.doubles, [2, 6, 12, 8, 18, 30])
        XCTAssertEqual(r.lastOutput.shape, [2, 1])
        XCTAssertEqual(r.lastOutput.doubles, [12, 30])
        XCTAssertEqual(r.states.count, 1)
        XCTAssertEqual(r.states[0].doubles, [12, 30])
        let bw = try rnn(cumulativeStep, inputs: x, initialStates: [s0], goBackwards: true)
        XCTAssertEqual(bw.outputs.doubles, [6, 10, 12, 12, 22, 30])
        let un = try rnn(cumulativeStep, inputs: x, initialStates: [s0], unroll: true)
        XCTAssertEqual(un.outputs.doubles, r.outputs.doubles)
        // Constants follow the states; several states.
        let c = f32([100], [1])
        let r2 = try rnn({ x, s in
            XCTAssertEqual(s.count, 3)
            let o = try x + s[0] + s[2]
            return (o, [o, try s[1] + 1.0])
        }, inputs: x, initialStates: [s0, s0], constants: [c])
        XCTAssertEqual(r2.outputs.doubles, [101, 203, 306, 104, 209, 315])
        XCTAssertEqual(r2.states[1].doubles, [3, 3])
    }

    func testRNNMasking() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = f32([0, 0], [2, 1])
        let mask = try Tensor([true, false, true, true, true, false], shape: [2, 3])
        for unroll in [false, true] {
            let r = try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: mask, unroll: unroll)
            XCTAssertEqual(r.outputs.doubles, [2, 2, 8, 8, 18, 18])
            XCTAssertEqual(r.lastOutput.doubles, [8, 18])
            XCTAssertEqual(r.states[0].doubles, [8, 18])
        }
        // A masked first step outputs zeros; a (B, T, 1) float mask works too.
        let m2 = f32([0, 1, 1, 1, 1, 1], [2, 3, 1])
        let r2 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: m2)
        XCTAssertEqual(r2.outputs.doubles, [0, 4, 10, 8, 18, 30])
        // Backwards with a mask: the mask is reversed with the inputs.
        let r3 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], goBackwards: true, mask: mask)
        // b0 processes x = 3 (m 1), 2 (m 0), 1 (m 1): 6, 6, 8; b1: 6 (m 0), 5, 4: 0, 10, 18.
        XCTAssertEqual(r3.outputs.doubles, [6, 6, 8, 0, 10, 18])
        // input_length as a (B,) vector masks; as a scalar it only limits the steps.
        let r4 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: i32([2, 3], [2]))
        XCTAssertEqual(r4.outputs.doubles, [2, 6, 6, 8, 18, 30])
        XCTAssertEqual(r4.states[0].doubles, [6, 30])
        let r5 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: Tensor(scalar: Int32(2)))
        XCTAssertEqual(r5.outputs.doubles, [2, 6, 0, 8, 18, 0])
        XCTAssertEqual(r5.lastOutput.doubles, [0, 0])
        XCTAssertEqual(r5.states[0].doubles, [6, 18])
        let r6 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], unroll: true, inputLength: Tensor(scalar: Int32(2)))
        XCTAssertEqual(r6.outputs.doubles, [2, 6, 12, 8, 18, 30])
    }

    func testRNNErrors() {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = f32([0, 0], [2, 1])
        assertThrowsAdd(.invalidArgument, "rnn: inputs must have rank at least 3 (batch, time, ...), got shape (2, 3)") {
            try rnn(cumulativeStep, inputs: x.reshaped(to: [2, 3]), initialStates: [s0])
        }
        assertThrowsAdd(.invalidArgument, "rnn: inputs have no time steps (shape (2, 0, 1))") {
            try rnn(cumulativeStep, inputs: f32([], [2, 0, 1]), initialStates: [s0])
        }
        assertThrowsAdd(.invalidArgument, "rnn: the step function returned 1 states for 2 initial states") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0, s0])
        }
        assertThrowsAdd(.invalidArgument, "rnn: the step function returned state 0 of shape (2, 2) for a state of shape (2, 1)") {
            try rnn({ x, s in (x, [try concatenate([s[0], s[0]], axis: 1)]) }, inputs: x, initialStates: [s0])
        }
        assertThrowsAdd(.invalidArgument, "rnn: mask must have shape (2, 3) or (2, 3, 1) for inputs of shape (2, 3, 1), got (2, 2)") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: f32([1, 1, 1, 1], [2, 2]))
        }
        assertThrowsAdd(.invalidDType, "rnn: input_length must be an integer tensor, got float32") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: f32([1, 2], [2]))
        }
    }

    func testGradientThroughRNN() throws {
        // A small tanh RNN: h' = tanh(x_t · W + h · U), gradients w.r.t. inputs, W, U and h0.
        try runGradCheck(GradCheck(label: "rnn tanh cell", shapes: [[2, 3, 2], [2, 2], [2, 2], [2, 2]]) { v in
            let (x, w, u, h0) = (v[0], v[1], v[2], v[3])
            let r = try rnn({ xt, s in
                let h = try tanh(matmul(xt, w) + matmul(s[0], u))
                return (h, [h])
            }, inputs: x, initialStates: [h0])
            return try r.outputs.sum(alongAxes: [2]) + r.states[0].sum()
        })
        // With a mask and backwards.
        let mask = try Tensor([true, false, true, true, true, false], shape: [2, 3])
        try runGradCheck(GradCheck(label: "rnn masked backwards", shapes: [[2, 3, 2], [2, 2]]) { v in
            let r = try rnn({ xt, s in
                let h = try tanh(xt * s[0] + 0.5)
                return (h, [h])
            }, inputs: v[0], initialStates: [v[1]], goBackwards: true, mask: mask)
            return r.outputs
        })
    }

    // MARK: Variables and other backend helpers

    func testMovingAverageUpdate() throws {
        let v = Variable(f32([1, 2], [2]))
        let r = try v.movingAverageUpdate(f32([3, 4], [2]), momentum: 0.9)
        assertClose(r, [1.2, 2.2], tol: 1e-6)
        assertClose(v.value, [1.2, 2.2], tol: 1e-6)
        XCTAssertEqual(v.value.dtype, .float32)
        // A scalar target broadcasts; an int variable casts the momentum (0.9 -> 0), as TensorFlow.
        try v.movingAverageUpdate(Tensor(scalar: 0.0), momentum: 0.5)
        assertClose(v.value, [0.6, 1.1], tol: 1e-6)
        let iv = Variable(i32([10], [1]))
        try iv.movingAverageUpdate(f32([20.7], [1]), momentum: 0.9)
        XCTAssertEqual(iv.value.doubles, [20])
        XCTAssertEqual(iv.value.dtype, .int32)
        assertThrowsAdd(.invalidArgument, "moving_average_update: value of shape (2, 2) does not broadcast to the variable's shape (2,)") {
            try v.movingAverageUpdate(f32([1, 2, 3, 4], [2, 2]), momentum: 0.5)
        }
    }

    func testExistingBackendHelpers() throws {
        // in_top_k (ties at the boundary count as in), round half to even, reverse.
        let p = f32([0.1, 0.8, 0.1, 0.3, 0.3, 0.4], [2, 3])
        XCTAssertEqual(try inTopK(predictions: p, targets: i32([1, 0], [2]), k: 1).doubles, [1, 0])
        XCTAssertEqual(try inTopK(predictions: p, targets: i32([1, 0], [2]), k: 2).doubles, [1, 1])
        XCTAssertEqual(try round(f32([0.5, 1.5, 2.5, -0.5, -1.5], [5])).doubles, [0, 2, 2, -0, -2])
        XCTAssertEqual(try f32([1, 2, 3, 4], [2, 2]).reversed(alongAxes: [0]).doubles, [3, 4, 1, 2])
    }
}

// MARK: - CTC beam search

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

final class CTCBeamSearchTests: XCTestCase {
    /// Graves' example from TensorFlow's ctc_beam_search.h: classes (a, blank),
    /// P = [[0.3, 0.7], [0.4, 0.6]]: P(l = "") = 0.42, P(l = a) = 0.58, while the best path is "".
    func testGravesExampleAndBeamWidthOneMatchesGreedy() throws {
        let y = f64([0.3, 0.7, 0.4, 0.6], [1, 2, 2])
        let il = i32([2], [1])
        let wide = try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 2, topPaths: 2)
        XCTAssertEqual(wide.decoded.count, 2)
        XCTAssertEqual(wide.decoded[0].shape, [1, 2])
        XCTAssertEqual(wide.decoded[0].dtype, .int64)
        XCTAssertEqual(wide.decoded[0].doubles, [0, -1])
        XCTAssertEqual(wide.decoded[1].doubles, [-1, -1])
        XCTAssertEqual(wide.logProbabilities.shape, [1, 2])
        XCTAssertEqual(wide.logProbabilities.dtype, .float64)
        assertClose(wide.logProbabilities, [Glibc.log(0.58), Glibc.log(0.42)], tol: 1e-6)
        // Beam width 1 keeps only the most probable prefix at each step: here the greedy
        // (best-path) decoding, whose score is minus the greedy decoder's log_probability.
        let one = try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 1, topPaths: 1)
        let greedy = try ctcDecode(yPred: y, inputLength: il)
        XCTAssertEqual(one.decoded[0].doubles, greedy.decoded[0].doubles)
        XCTAssertEqual(one.decoded[0].doubles, [-1, -1])
        assertClose(one.logProbabilities, [Glibc.log(0.42)], tol: 1e-6)
        assertClose(one.logProbabilities, greedy.logProbabilities.doubles.map { -$0 }, tol: 1e-6)
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
        let y = f64(logits.flatMap { $0.map { Glibc.exp($0) - 1e-7 } }, [1, 7, 6])
        for dtype in [DType.float64, .float32] {
            let r = try ctcDecode(yPred: y.cast(to: dtype), inputLength: i32([5], [1]), greedy: false,
                                  beamWidth: 2, topPaths: 2)
            XCTAssertEqual(r.decoded[0].doubles, [1, 0, -1, -1, -1, -1, -1])
            XCTAssertEqual(r.decoded[1].doubles, [1, -1, -1, -1, -1, -1, -1])
            XCTAssertEqual(r.logProbabilities.dtype, dtype)
            assertClose(r.logProbabilities, [-5.811451, -6.63339], tol: 2e-6)
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
            assertThrowsAdd(.invalidArgument, "ctc_decode: the beam search of batch element \(short) (input_length \(lens[short])) ends with \(k) prefixes, fewer than top_paths = \(k + 1)") {
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
        assertClose(r.logProbabilities, r3[0..<3].map { Glibc.log($0.value) }, tol: 1e-5)
        // The full length ranks "0 0" and "0 0 1"... by the 4-step probabilities.
        let full = try ctcDecode(yPred: f64(yv, [1, 4, 3]), inputLength: i32([4], [1]), greedy: false,
                                 beamWidth: 50, topPaths: 2)
        let best = ref.sorted { $0.value > $1.value }
        XCTAssertEqual(decodedRow(full.decoded[0], 0), mergeRepeated(best[0].key))
        assertClose(full.logProbabilities, [Glibc.log(best[0].value), Glibc.log(best[1].value)], tol: 1e-9)
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
            let y = f64(peaked, [1, t, c])
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
            assertClose(r.logProbabilities, [r0[0].value, r0[1].value, r1[0].value, r1[1].value].map { Glibc.log($0) }, tol: tol)
        }
        // Zero-length sequences keep only the empty prefix (score log 1 = 0); (B, 1) lengths work.
        let z = try ctcDecode(yPred: f64(yv, [2, 3, 3]), inputLength: i32([0, 2], [2, 1]), greedy: false,
                              beamWidth: 5, topPaths: 1)
        XCTAssertEqual(decodedRow(z.decoded[0], 0), [])
        XCTAssertEqual(z.logProbabilities.doubles[0], 0)
        // A single class (only the blank): always the empty labelling with probability 1.
        let blankOnly = try ctcDecode(yPred: f32([0.3, 0.9], [1, 2, 1]), inputLength: i32([2], [1]), greedy: false)
        XCTAssertEqual(blankOnly.decoded[0].doubles, [-1, -1])
        assertClose(blankOnly.logProbabilities, [0], tol: 1e-7)
        // Empty batch.
        let e = try ctcDecode(yPred: f32([], [0, 3, 3]), inputLength: i32([], [0]), greedy: false, topPaths: 2)
        XCTAssertEqual(e.decoded.count, 2)
        XCTAssertEqual(e.decoded[1].shape, [0, 3])
        XCTAssertEqual(e.logProbabilities.shape, [0, 2])
    }

    func testBeamSearchErrors() {
        let y = f32([Float](repeating: 0.25, count: 24), [2, 3, 4])
        let il = i32([3, 3], [2])
        assertThrowsAdd(.invalidArgument, "ctc_decode: beam_width (2) and top_paths (3) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 2, topPaths: 3)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: beam_width (100) and top_paths (0) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, topPaths: 0)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: beam_width (0) and top_paths (1) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: 0)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: beam_width (-5) and top_paths (-7) must satisfy 1 <= top_paths <= beam_width") {
            try ctcDecode(yPred: y, inputLength: il, greedy: false, beamWidth: -5, topPaths: -7)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: input_length must have shape (2,) or (2, 1), got (3,)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3, 3], [3]), greedy: false)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: input_length must have shape (2,) or (2, 1), got (2, 2)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 3, 3, 3], [2, 2]), greedy: false)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: input_length[1] = 4 is outside [0, 3] (the time axis of y_pred)") {
            try ctcDecode(yPred: y, inputLength: i32([3, 4], [2]), greedy: false)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: y_pred must have rank 3 (batch, time, classes) with at least one class, got shape (2, 12)") {
            try ctcDecode(yPred: y.reshaped(to: [2, 12]), inputLength: il, greedy: false)
        }
        assertThrowsAdd(.invalidArgument, "ctc_decode: y_pred must have rank 3 (batch, time, classes) with at least one class, got shape (2, 3, 0)") {
            try ctcDecode(yPred: f32([], [2, 3, 0]), inputLength: il, greedy: false)
        }
        assertThrowsAdd(.invalidDType, "ctc_decode: dtype int32 of y_pred is not supported, expected a floating-point tensor") {
            try ctcDecode(yPred: i32([Int32](repeating: 1, count: 24), [2, 3, 4]), inputLength: il, greedy: false)
        }
        // TensorFlow: "Less leaves in the beam search than requested."
        assertThrowsAdd(.invalidArgument, "ctc_decode: the beam search of batch element 1 (input_length 0) ends with 1 prefixes, fewer than top_paths = 2") {
            try ctcDecode(yPred: y, inputLength: i32([3, 0], [2]), greedy: false, beamWidth: 4, topPaths: 2)
        }
        // NaN and negative probabilities decode without trapping.
        let bad = f32([.nan, 0.5, 0.5, -1, 0.2, 0.3, .infinity, 0, 0.1], [1, 3, 3])
        XCTAssertNoThrow(try ctcDecode(yPred: bad, inputLength: i32([3], [1]), greedy: false, beamWidth: 3, topPaths: 1))
    }
}
