import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// MARK: Test helpers

private func count(_ s: [Int]) -> Int { s.reduce(1, *) }

// MARK: Reference implementations (plain loops over doubles)

private func refSoftmax(_ x: [Double], _ shape: [Int], axis: Int, log: Bool) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    for i in 0..<x.count {
        var c = unravel(i, shape)
        var m = -Double.infinity
        for k in 0..<shape[axis] { c[axis] = k; m = max(m, x[ravel(c, shape)]) }
        var s = 0.0
        for k in 0..<shape[axis] { c[axis] = k; s += Glibc.exp(x[ravel(c, shape)] - m) }
        out[i] = log ? x[i] - m - Glibc.log(s) : Glibc.exp(x[i] - m) / s
    }
    return out
}


/// Values of `x` (shape `s`) broadcast to `shape`.
private func refBroadcast(_ x: [Double], _ s: [Int], to shape: [Int]) -> [Double] {
    (0..<count(shape)).map { i in
        let c = unravel(i, shape)
        let pad = shape.count - s.count
        var src = [Int](repeating: 0, count: s.count)
        for d in 0..<s.count { src[d] = s[d] == 1 ? 0 : c[d + pad] }
        return x[ravel(src, s)]
    }
}

// MARK: Softmax

final class NeuralNetSoftmaxTests: XCTestCase {
    func testSoftmaxExact() throws {
        let x = try tensor([1, 2, 3], [1, 3])
        let y = try x.softmax()
        XCTAssertEqual(y.shape, [1, 3])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], .relOrAbs(1e-7))
        // Along axis 0 (and -2): each column [1, 3] / [2, 4] → [σ(-2), σ(2)].
        let z = try tensor([1, 2, 3, 4], [2, 2])
        for axis in [0, -2] {
            assertClose(try z.softmax(alongAxis: axis).doubles, [0.11920292202211755, 0.11920292202211755, 0.8807970779778823, 0.8807970779778823], .relOrAbs(1e-7))
        }
        let l = try x.logSoftmax()
        XCTAssertEqual(l.dtype, .float32)
        assertClose(l.doubles, [-2.4076059644443806, -1.4076059644443804, -0.4076059644443803], .relOrAbs(1e-6))
        // 1-D input and float64.
        let d = try tensor([0, 0], [2], .float64).softmax()
        XCTAssertEqual(d.dtype, .float64)
        XCTAssertEqual(d.doubles, [0.5, 0.5])
    }

    func testHalfPrecisionKeepsDType() throws {
        for dt in [DType.float16, .bfloat16] {
            let x = try tensor([1, 2, 3, 4], [2, 2], dt)
            let y = try x.softmax()
            XCTAssertEqual(y.dtype, dt)
            assertClose(y.doubles, [0.2689414213699951, 0.7310585786300049, 0.2689414213699951, 0.7310585786300049], .relOrAbs(1e-2))
            let l = try x.logSoftmax()
            XCTAssertEqual(l.dtype, dt)
            assertClose(l.doubles, [-1.3132616875182228, -0.31326168751822286, -1.3132616875182228, -0.31326168751822286], .relOrAbs(1e-2))
        }
    }

    func testLargeLogitsAndNaN() throws {
        let x = try tensor([1000, -1000, 0, 5, 5, 5], [2, 3])
        let y = try x.softmax().doubles
        assertClose(y, [1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3], .relOrAbs(1e-6))
        let l = try x.logSoftmax().doubles
        assertClose(l, [0, -2000, -1000, -1.0986122886681098, -1.0986122886681098, -1.0986122886681098], .relOrAbs(1e-6))
        XCTAssertFalse(y.contains { !$0.isFinite })
        // NaN poisons its own row only; +inf makes its row NaN (inf - inf), as in TensorFlow.
        let n = try tensor([1, .nan, 2, 1, 2, 3, .infinity, 0, 0], [3, 3])
        let s = try n.softmax().doubles
        XCTAssertTrue(s[0..<3].allSatisfy { $0.isNaN })
        assertClose(Array(s[3..<6]), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], .relOrAbs(1e-6))
        XCTAssertTrue(s[6].isNaN)
        XCTAssertTrue(try n.logSoftmax().doubles[0..<3].allSatisfy { $0.isNaN })
        // Along a non-last axis too.
        let t = try tensor([1000, 0, -1000, 0], [2, 2])
        assertClose(try t.softmax(alongAxis: 0).doubles, [1, 0.5, 0, 0.5], .relOrAbs(1e-6))
    }

    func testEmpty() throws {
        XCTAssertEqual(try Tensor.zeros([0, 3]).softmax().shape, [0, 3])
        XCTAssertEqual(try Tensor.zeros([2, 0]).softmax().shape, [2, 0])
        XCTAssertEqual(try Tensor.zeros([2, 0, 3]).logSoftmax(alongAxis: 1).shape, [2, 0, 3])
    }

    func testRandomAgainstReference() throws {
        var rng = SplitMix64(1)
        for trial in 0..<120 {
            let rank = rng.int(1...4)
            let shape = rng.shape(rank: rank)
            let v = rng.values(count(shape), -20, 20)
            for axis in 0..<rank {
                let useNegative = trial % 2 == 0
                let ax = useNegative ? axis - rank : axis
                for dt in [DType.float32, .float64] {
                    let x = try tensor(v, shape, dt)
                    let xv = x.doubles  // the values as stored (float32-rounded)
                    let tol = dt == .float64 ? 1e-12 : 2e-6
                    let s = try x.softmax(alongAxis: ax)
                    XCTAssertEqual(s.shape, shape)
                    XCTAssertEqual(s.dtype, dt)
                    assertClose(s.doubles, refSoftmax(xv, shape, axis: axis, log: false), .relOrAbs(tol), "softmax \(shape) axis \(ax)")
                    let l = try x.logSoftmax(alongAxis: ax)
                    assertClose(l.doubles, refSoftmax(xv, shape, axis: axis, log: true), .relOrAbs(tol * 4), "log_softmax \(shape) axis \(ax)")
                }
            }
        }
    }

    func testLargeParallelMatchesReference() throws {
        // Big enough that both layouts split the work across cores (row chunks in parallel).
        var rng = SplitMix64(7)
        let (b, n, inner) = (256, 200, 2)
        let v = rng.values(b * n * inner, -5, 5)
        let x = try tensor(v, [b, n, inner], .float64)
        for (axis, outer, len, stride) in [(1, b, n, inner), (2, b * n, inner, 1)] {
            let y = try x.softmax(alongAxis: axis).doubles
            let yl = try x.logSoftmax(alongAxis: axis).doubles
            var ref = [Double](repeating: 0, count: v.count), refLog = ref
            for o in 0..<outer {
                for j in 0..<stride {
                    let base = axis == 1 ? o * n * inner + j : o * inner
                    let idx = (0..<len).map { base + $0 * (axis == 1 ? inner : 1) }
                    let m = idx.map { v[$0] }.max()!
                    let s = idx.map { Glibc.exp(v[$0] - m) }.reduce(0, +)
                    for i in idx { ref[i] = Glibc.exp(v[i] - m) / s; refLog[i] = v[i] - m - Glibc.log(s) }
                }
            }
            assertClose(y, ref, .relOrAbs(1e-12), "axis \(axis)")
            assertClose(yl, refLog, .relOrAbs(1e-12), "log axis \(axis)")
        }
    }
}

// MARK: L2 normalisation, bias, batch norm

final class NeuralNetNormTests: XCTestCase {
    func testL2Exact() throws {
        let x = try tensor([3, 4, 0, 0], [2, 2])
        let y = try x.l2Normalized(alongAxis: -1)
        XCTAssertEqual(y.shape, [2, 2])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [0.6, 0.8, 0, 0], .relOrAbs(1e-7))
        assertClose(try tensor([3, 4, 4, 3], [2, 2]).l2Normalized(alongAxis: 0).doubles, [0.6, 0.8, 0.8, 0.6], .relOrAbs(1e-7))
        assertClose(try tensor([1, 1, 1, 1], [2, 2]).l2Normalized().doubles, [0.5, 0.5, 0.5, 0.5], .relOrAbs(1e-7))
        // Tiny norms are divided by sqrt(1e-12) = 1e-6.
        assertClose(try tensor([1e-8], [1], .float64).l2Normalized().doubles, [1e-2], .relOrAbs(1e-12))
        // Rank 0, NaN, float16.
        assertClose(try tensor([-2], [], .float64).l2Normalized().doubles, [-1], .relOrAbs(0))
        XCTAssertTrue(try tensor([.nan, 1], [2]).l2Normalized().doubles.allSatisfy { $0.isNaN })
        let h = try tensor([3, 4], [2], .float16).l2Normalized()
        XCTAssertEqual(h.dtype, .float16)
        assertClose(h.doubles, [0.6, 0.8], .relOrAbs(1e-3))
    }

    func testL2RandomAxes() throws {
        var rng = SplitMix64(2)
        for _ in 0..<80 {
            let rank = rng.int(1...4)
            let shape = rng.shape(rank: rank)
            let v = rng.values(count(shape))
            var axes = (0..<rank).filter { _ in rng.int(0...1) == 1 }
            if axes.isEmpty { axes = [rank - 1] }
            let x = try tensor(v, shape, .float64)
            let y = try x.l2Normalized(alongAxes: axes.map { $0 - rank })
            var ref = [Double](repeating: 0, count: v.count)
            for i in 0..<v.count {
                let ci = unravel(i, shape)
                var s = 0.0
                for j in 0..<v.count {
                    let cj = unravel(j, shape)
                    if (0..<rank).allSatisfy({ axes.contains($0) || ci[$0] == cj[$0] }) { s += v[j] * v[j] }
                }
                ref[i] = v[i] / max(s, 1e-12).squareRoot()
            }
            assertClose(y.doubles, ref, .relOrAbs(1e-12), "\(shape) axes \(axes)")
        }
    }

    func testBiasAdd() throws {
        let x = try tensor([1, 2, 3, 4, 5, 6], [2, 3])
        let b = try tensor([10, 20, 30], [3])
        let y = try x.biasAdded(b)
        XCTAssertEqual(y.shape, [2, 3])
        XCTAssertEqual(y.dtype, .float32)
        XCTAssertEqual(y.doubles, [11, 22, 33, 14, 25, 36])
        // Channels first: bias along axis 1.
        let xc = try tensor((0..<8).map(Double.init), [1, 2, 2, 2])
        let yc = try xc.biasAdded(try tensor([100, 200], [2]), channelsFirst: true)
        XCTAssertEqual(yc.doubles, [100, 101, 102, 103, 204, 205, 206, 207])
        // Channels first on a rank-2 input: axis 1 is also the last axis.
        XCTAssertEqual(try x.biasAdded(b, channelsFirst: true).doubles, [11, 22, 33, 14, 25, 36])
        // Rank ndim-1 bias, channels last: added under a leading batch axis.
        let x4 = try Tensor.zeros([2, 2, 2, 3])
        let b3 = try tensor((0..<12).map(Double.init), [2, 2, 3])
        let y4 = try x4.biasAdded(b3)
        XCTAssertEqual(y4.shape, [2, 2, 2, 3])
        XCTAssertEqual(y4.doubles, (0..<12).map(Double.init) + (0..<12).map(Double.init))
        // Channels first: Keras *reshapes* (H, W, C) to (1, C, H, W) without transposing.
        let y4c = try Tensor.zeros([1, 3, 2, 2]).biasAdded(b3, channelsFirst: true)
        XCTAssertEqual(y4c.shape, [1, 3, 2, 2])
        XCTAssertEqual(y4c.doubles, (0..<12).map(Double.init))
        // Dtypes: int stays int (wrapping), mixed promotes, float16 stays float16.
        let xi = try Tensor([1, 2, Int32.max], shape: [1, 3])
        let yi = try xi.biasAdded(Tensor([1, 1, 1] as [Int32]))
        XCTAssertEqual(yi.dtype, .int32)
        XCTAssertEqual(try yi.scalars(as: Int32.self), [2, 3, Int32.min])
        XCTAssertEqual(try xi.biasAdded(tensor([0.5, 0.5, 0.5], [3])).dtype, .float32)
        let yh = try tensor([1, 2], [1, 2], .float16).biasAdded(tensor([0.5, 0.25], [2], .float16))
        XCTAssertEqual(yh.dtype, .float16)
        XCTAssertEqual(yh.doubles, [1.5, 2.25])
        XCTAssertEqual(try Tensor.zeros([0, 3]).biasAdded(b).shape, [0, 3])
    }

    func testBatchNormExactAndBroadcast() throws {
        let x = try tensor([1, 2, 3, 4, 5, 6], [2, 3])
        let mean = try tensor([1, 2, 3], [3]), variance = try tensor([4, 1, 0.25], [3])
        let beta = try tensor([0, 1, 2], [3]), gamma = try tensor([2, 2, 2], [3])
        let y = try x.batchNormalized(mean: mean, variance: variance, beta: beta, gamma: gamma, epsilon: 0)
        XCTAssertEqual(y.shape, [2, 3])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [0, 1, 2, 3, 7, 14], .relOrAbs(1e-6))
        // Default epsilon 1e-3 and no beta/gamma.
        let z = try x.batchNormalized(mean: mean, variance: variance)
        let ref = (0..<6).map { i -> Double in
            let c = i % 3
            return (Double(i + 1) - [1.0, 2, 3][c]) / ([4.0, 1, 0.25][c] + 1e-3).squareRoot()
        }
        assertClose(z.doubles, ref, .relOrAbs(1e-6))
        // float16 input keeps its dtype.
        let h = try tensor([1, 2, 3, 4, 5, 6], [2, 3], .float16).batchNormalized(mean: mean, variance: variance)
        XCTAssertEqual(h.dtype, .float16)
        assertClose(h.doubles, ref, .relOrAbs(2e-3))
        // Parameters broadcast against each other and grow the output shape.
        let b = try tensor([1, 2], [2]).batchNormalized(mean: tensor([0, 1], [2, 1]), variance: tensor([1], []),
                                                         gamma: tensor([3], [1]), epsilon: 0)
        XCTAssertEqual(b.shape, [2, 2])
        assertClose(b.doubles, [3, 6, 0, 3], .relOrAbs(1e-6))
    }

    func testBatchNormRandomBroadcast() throws {
        var rng = SplitMix64(3)
        for _ in 0..<60 {
            let rank = rng.int(1...4)
            let shape = rng.shape(rank: rank)
            func paramShape() -> [Int] {
                let r = rng.int(0...rank)
                return Array(shape.suffix(r)).map { rng.int(0...1) == 0 ? 1 : $0 }
            }
            let shapes = [shape, paramShape(), paramShape(), paramShape(), paramShape()]
            let vals = shapes.enumerated().map { i, s in rng.values(count(s), i == 2 ? 0.1 : -2, i == 2 ? 3 : 2) }
            let useBeta = rng.int(0...1) == 1, useGamma = rng.int(0...1) == 1
            let dt: DType = rng.int(0...1) == 0 ? .float64 : .float32
            let ts = try shapes.indices.map { try tensor(vals[$0], shapes[$0], dt) }
            let y = try ts[0].batchNormalized(mean: ts[1], variance: ts[2], beta: useBeta ? ts[3] : nil,
                                              gamma: useGamma ? ts[4] : nil, epsilon: 1e-3)
            XCTAssertEqual(y.shape, shape)
            XCTAssertEqual(y.dtype, dt)
            let b = ts.indices.map { refBroadcast(ts[$0].doubles, shapes[$0], to: shape) }
            let ref = (0..<count(shape)).map { i -> Double in
                var r = (b[0][i] - b[1][i]) / (b[2][i] + 1e-3).squareRoot()
                if useGamma { r *= b[4][i] }
                if useBeta { r += b[3][i] }
                return r
            }
            assertClose(y.doubles, ref, .relOrAbs(dt == .float64 ? 1e-12 : 1e-5), "\(shapes)")
        }
    }
}

// MARK: Dropout and in_top_k

final class NeuralNetDropoutTests: XCTestCase {
    func testStatisticsAndScale() throws {
        let n = 100_000
        let x = try Tensor.ones([n])
        let y = try x.dropout(rate: 0.3, seed: 42)
        XCTAssertEqual(y.shape, [n])
        XCTAssertEqual(y.dtype, .float32)
        let v = try y.scalars(as: Float.self)
        let scale = Float(1 / 0.7)
        XCTAssertTrue(v.allSatisfy { $0 == 0 || $0 == scale })
        let dropped = Double(v.filter { $0 == 0 }.count) / Double(n)
        XCTAssertEqual(dropped, 0.3, accuracy: 0.01)
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(n)
        XCTAssertEqual(mean, 1, accuracy: 0.015)
    }

    func testSeedsAndNoiseShape() throws {
        var rng = SplitMix64(4)
        let x = try tensor(rng.values(5000), [50, 100])
        let a = try x.dropout(rate: 0.5, seed: 7).doubles
        XCTAssertEqual(a, try x.dropout(rate: 0.5, seed: 7).doubles)
        XCTAssertNotEqual(a, try x.dropout(rate: 0.5, seed: 8).doubles)
        // The mask is drawn with Random.uniform(noiseShape, seed:) and kept where >= rate.
        let u = try Random.uniform([50, 100], dtype: .float64, seed: 7).doubles
        let xv = x.doubles
        for i in 0..<5000 {
            XCTAssertEqual(a[i], u[i] >= 0.5 ? Double(Float(xv[i]) * 2) : 0)
        }
        // Noise shape (1, 100): one draw per column.
        let c = try Tensor.ones([50, 100]).dropout(rate: 0.5, noiseShape: [1, 100], seed: 3).doubles
        for j in 0..<100 {
            let col = (0..<50).map { c[$0 * 100 + j] }
            XCTAssertTrue(col.allSatisfy { $0 == col[0] })
        }
        XCTAssertTrue(c.contains(0) && c.contains(2))
        // Rate 0 is the identity; float64 and float16 keep their dtype.
        XCTAssertEqual(try x.dropout(rate: 0).doubles, xv)
        XCTAssertEqual(try x.cast(to: .float64).dropout(rate: 0.2, seed: 1).dtype, .float64)
        let h = try Tensor.ones([1000], dtype: .float16).dropout(rate: 0.3, seed: 1)
        XCTAssertEqual(h.dtype, .float16)
        XCTAssertTrue(h.doubles.allSatisfy { $0 == 0 || $0 == Double(Float(Float16(1 / 0.7))) })
        // A dropped NaN stays NaN (x * scale * 0), as in TensorFlow.
        let nan = try Tensor.full([2000], value: .nan).dropout(rate: 0.5, seed: 2).doubles
        XCTAssertTrue(nan.allSatisfy { $0.isNaN })
        XCTAssertEqual(try Tensor.zeros([0, 4]).dropout(rate: 0.5, seed: 1).shape, [0, 4])
    }

    func testInTopK() throws {
        let p = try tensor([0.1, 0.9, 0.5, 0.3, 0.3, 0.3], [2, 3])
        let t = Tensor([2, 0] as [Int32])
        let r1 = try inTopK(predictions: p, targets: t, k: 1)
        XCTAssertEqual(r1.dtype, .bool)
        XCTAssertEqual(r1.shape, [2])
        XCTAssertEqual(try r1.scalars(as: Bool.self), [false, true])  // ties count in
        XCTAssertEqual(try inTopK(predictions: p, targets: t, k: 2).scalars(as: Bool.self), [true, true])
        XCTAssertEqual(try inTopK(predictions: p, targets: t, k: 0).scalars(as: Bool.self), [false, false])
        // Non-finite rows and out-of-range targets give false.
        let q = try tensor([0.1, .nan, 0.5, 0.3, .infinity, 0.2, 1, 2, 3, 1, 2, 3], [4, 3])
        let tq = Tensor([2, 0, 3, -1] as [Int64])
        XCTAssertEqual(try inTopK(predictions: q, targets: tq, k: 3).scalars(as: Bool.self), [false, false, false, false])
        XCTAssertEqual(try inTopK(predictions: q, targets: Tensor([2, 0, 2, 0] as [Int64]), k: 3).scalars(as: Bool.self),
                       [false, false, true, true])
        XCTAssertEqual(try inTopK(predictions: Tensor.zeros([0, 3]), targets: Tensor([] as [Int32]), k: 1).shape, [0])
    }

    func testInTopKRandom() throws {
        var rng = SplitMix64(5)
        for _ in 0..<50 {
            let b = rng.int(1...6), c = rng.int(1...8)
            let v = (0..<(b * c)).map { _ in Double(rng.int(0...4)) }  // many ties
            let targets = (0..<b).map { _ in Int32(rng.int(-1...c)) }
            let k = rng.int(0...c)
            let r = try inTopK(predictions: tensor(v, [b, c]), targets: Tensor(targets), k: k).scalars(as: Bool.self)
            for i in 0..<b {
                let tg = Int(targets[i])
                let expected = tg >= 0 && tg < c && (0..<c).filter { v[i * c + $0] > v[i * c + tg] }.count < k
                XCTAssertEqual(r[i], expected)
            }
        }
    }
}

// MARK: Resize

final class NeuralNetResizeTests: XCTestCase {
    func testTensorFlowDocExamples() throws {
        // tf.image.resize docs: a 5×5 identity image.
        var eye = [Double](repeating: 0, count: 25)
        for i in 0..<5 { eye[i * 6] = 1 }
        let img = try tensor(eye, [1, 5, 5, 1], .int32)
        let b = try img.resized(height: 3, width: 5)
        XCTAssertEqual(b.shape, [1, 3, 5, 1])
        XCTAssertEqual(b.dtype, .float32)
        assertClose(b.doubles, [0.6666667, 0.3333333, 0, 0, 0,
                                0, 0, 1, 0, 0,
                                0, 0, 0, 0.3333335, 0.6666665], .relOrAbs(1e-6))
        let n = try img.resized(height: 5, width: 7, method: .nearest)
        XCTAssertEqual(n.dtype, .int32)
        XCTAssertEqual(n.shape, [1, 5, 7, 1])
        XCTAssertEqual(try n.scalars(as: Int32.self), [1, 0, 0, 0, 0, 0, 0,
                                                       0, 1, 1, 0, 0, 0, 0,
                                                       0, 0, 0, 1, 0, 0, 0,
                                                       0, 0, 0, 0, 1, 1, 0,
                                                       0, 0, 0, 0, 0, 0, 1])
        // A single image (rank 3) works too.
        XCTAssertEqual(try tensor(eye, [5, 5, 1]).resized(height: 3, width: 5).shape, [3, 5, 1])
    }

    func testResizeImagesFactors() throws {
        let x = try Tensor([1, 2, 3, 4] as [Int32], shape: [1, 2, 2, 1])
        let n = try x.resizedImages(heightFactor: 2, widthFactor: 2)
        XCTAssertEqual(n.shape, [1, 4, 4, 1])
        XCTAssertEqual(n.dtype, .int32)
        XCTAssertEqual(try n.scalars(as: Int32.self), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let b = try x.resizedImages(heightFactor: 2, widthFactor: 2, interpolation: .bilinear)
        XCTAssertEqual(b.dtype, .float32)
        XCTAssertEqual(b.doubles, [1, 1.25, 1.75, 2,
                                   1.5, 1.75, 2.25, 2.5,
                                   2.5, 2.75, 3.25, 3.5,
                                   3, 3.25, 3.75, 4])
        // Channels first gives the transposed result; other factors.
        var rng = SplitMix64(6)
        let v = rng.values(2 * 3 * 4 * 5)
        let last = try tensor(v, [2, 3, 4, 5])
        let first = try last.transposed([0, 3, 1, 2])
        for method in [ResizeMethod.nearest, .bilinear] {
            let a = try last.resizedImages(heightFactor: 3, widthFactor: 2, interpolation: method)
            XCTAssertEqual(a.shape, [2, 9, 8, 5])
            let c = try first.resizedImages(heightFactor: 3, widthFactor: 2, channelsFirst: true, interpolation: method)
            XCTAssertEqual(c.shape, [2, 5, 9, 8])
            XCTAssertEqual(try c.transposed([0, 2, 3, 1]).doubles, a.doubles)
        }
        // Nearest with integer factors is element repetition.
        let rep = try last.resizedImages(heightFactor: 3, widthFactor: 2).doubles
        let xv = last.doubles
        for i in 0..<rep.count {
            let c = unravel(i, [2, 9, 8, 5])
            XCTAssertEqual(rep[i], xv[ravel([c[0], c[1] / 3, c[2] / 2, c[3]], [2, 3, 4, 5])])
        }
    }

    /// Direct reference: TF2 half-pixel formulas, one output element at a time.
    private func refResize(_ x: [Double], _ s: [Int], _ oh: Int, _ ow: Int, _ m: ResizeMethod) -> [Double] {
        let (n, h, w, c) = (s[0], s[1], s[2], s[3])
        let hs = Float(h) / Float(oh), ws = Float(w) / Float(ow)
        var out: [Double] = []
        for b in 0..<n { for y in 0..<oh { for xx in 0..<ow { for ch in 0..<c {
            func at(_ i: Int, _ j: Int) -> Float { Float(x[((b * h + i) * w + j) * c + ch]) }
            if m == .nearest {
                let iy = min(Int(((Float(y) + 0.5) * hs).rounded(.down)), h - 1)
                let ix = min(Int(((Float(xx) + 0.5) * ws).rounded(.down)), w - 1)
                out.append(Double(at(iy, ix)))
            } else {
                let fy = (Float(y) + 0.5) * hs - 0.5, fx = (Float(xx) + 0.5) * ws - 0.5
                let y0 = max(Int(fy.rounded(.down)), 0), y1 = min(Int(fy.rounded(.up)), h - 1)
                let x0 = max(Int(fx.rounded(.down)), 0), x1 = min(Int(fx.rounded(.up)), w - 1)
                let ty = fy - fy.rounded(.down), tx = fx - fx.rounded(.down)
                let top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * tx
                let bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * tx
                out.append(Double(top + (bottom - top) * ty))
            }
        } } } }
        return out
    }

    func testRandomSizesAgainstReference() throws {
        var rng = SplitMix64(8)
        for _ in 0..<40 {
            let s = [rng.int(1...2), rng.int(1...6), rng.int(1...6), rng.int(1...3)]
            let oh = rng.int(1...9), ow = rng.int(1...9)
            let v = rng.values(count(s))
            let x = try tensor(v, s)
            for m in [ResizeMethod.nearest, .bilinear] {
                let y = try x.resized(height: oh, width: ow, method: m)
                XCTAssertEqual(y.shape, [s[0], oh, ow, s[3]])
                assertClose(y.doubles, refResize(x.doubles, s, oh, ow, m), .relOrAbs(1e-6), "\(s) → \(oh)×\(ow) \(m)")
                let yc = try x.transposed([0, 3, 1, 2]).resized(height: oh, width: ow, method: m, channelsFirst: true)
                XCTAssertEqual(try yc.transposed([0, 2, 3, 1]).doubles, y.doubles)
            }
        }
    }

    func testResizeVolumes() throws {
        var rng = SplitMix64(9)
        let s = [2, 2, 3, 2, 2]
        let v = rng.values(count(s))
        let x = try tensor(v, s, .float64)
        let y = try x.resizedVolumes(depthFactor: 2, heightFactor: 1, widthFactor: 3)
        XCTAssertEqual(y.shape, [2, 4, 3, 6, 2])
        XCTAssertEqual(y.dtype, .float64)
        let yv = y.doubles
        for i in 0..<yv.count {
            let c = unravel(i, y.shape)
            XCTAssertEqual(yv[i], v[ravel([c[0], c[1] / 2, c[2], c[3] / 3, c[4]], s)])
        }
        let yc = try x.resizedVolumes(depthFactor: 1, heightFactor: 2, widthFactor: 2, channelsFirst: true)
        XCTAssertEqual(yc.shape, [2, 2, 3, 4, 4])
        let ycv = yc.doubles
        for i in 0..<ycv.count {
            let c = unravel(i, yc.shape)
            XCTAssertEqual(ycv[i], v[ravel([c[0], c[1], c[2], c[3] / 2, c[4] / 2], s)])
        }
        let bools = try Tensor([true, false], shape: [1, 1, 1, 2, 1]).resizedVolumes(depthFactor: 1, heightFactor: 1, widthFactor: 2)
        XCTAssertEqual(try bools.scalars(as: Bool.self), [true, true, false, false])
        XCTAssertEqual(try Tensor.zeros([0, 1, 2, 2, 1]).resizedVolumes(depthFactor: 2, heightFactor: 2, widthFactor: 2).shape,
                       [0, 2, 4, 4, 1])
    }
}

// MARK: Crossentropies

final class NeuralNetLossTests: XCTestCase {
    func testBinaryExact() throws {
        let t = try tensor([0, 1], [2]), o = try tensor([0.2, 0.7], [2])
        let y = try binaryCrossentropy(target: t, output: o)
        XCTAssertEqual(y.shape, [2])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [-Glibc.log(0.8 + 1e-7), -Glibc.log(0.7 + 1e-7)], .relOrAbs(1e-6))
        // Clipping: output 0 with target 1 → -log(1e-7 + 1e-7).
        let c = try binaryCrossentropy(target: tensor([1, 0], [2], .float64), output: tensor([0, 1], [2], .float64))
        assertClose(c.doubles, [-Glibc.log(2e-7), -Glibc.log(1 - (1 - 1e-7) + 1e-7)], .relOrAbs(1e-12))
        // From logits, including huge ones.
        let l = try binaryCrossentropy(target: tensor([0, 1, 0, 1], [4]), output: tensor([0, 2, 1000, -1000], [4]),
                                       fromLogits: true)
        assertClose(l.doubles, [Glibc.log(2.0), Glibc.log1p(Glibc.exp(-2.0)), 1000, 1000], .relOrAbs(1e-6))
        // Broadcasting (probabilities), int target, NaN propagation, float16.
        let bt = try binaryCrossentropy(target: Tensor([1] as [Int32]), output: tensor([0.5, 0.25], [2, 1]))
        XCTAssertEqual(bt.shape, [2, 1])
        assertClose(bt.doubles, [-Glibc.log(0.5 + 1e-7), -Glibc.log(0.25 + 1e-7)], .relOrAbs(1e-6))
        XCTAssertTrue(try binaryCrossentropy(target: tensor([1], [1]), output: tensor([.nan], [1])).doubles[0].isNaN)
        let h = try binaryCrossentropy(target: tensor([1], [1], .float16), output: tensor([0.5], [1], .float16))
        XCTAssertEqual(h.dtype, .float16)
        assertClose(h.doubles, [Glibc.log(2.0)], .relOrAbs(1e-3))
    }

    func testCategoricalExact() throws {
        let t = try tensor([0, 1, 0, 1, 0, 0], [2, 3])
        let o = try tensor([0.2, 0.5, 0.3, 1, 2, 1], [2, 3])  // second row renormalised: /4
        let y = try categoricalCrossentropy(target: t, output: o)
        XCTAssertEqual(y.shape, [2])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [Glibc.log(2.0), Glibc.log(4.0)], .relOrAbs(1e-6))
        // Clipped at 1e-7.
        let c = try categoricalCrossentropy(target: tensor([1, 0], [1, 2], .float64), output: tensor([0, 1], [1, 2], .float64))
        assertClose(c.doubles, [-Glibc.log(1e-7)], .relOrAbs(1e-12))
        // Logits, huge logits, other axis.
        let l = try categoricalCrossentropy(target: tensor([0, 0, 1, 0, 1, 0], [2, 3]),
                                            output: tensor([1, 2, 3, 1000, -1000, 0], [2, 3]), fromLogits: true)
        assertClose(l.doubles, [0.4076059644443803, 2000], .relOrAbs(1e-6))
        let a0 = try categoricalCrossentropy(target: tensor([0, 1, 0, 0, 1, 0], [3, 2]),
                                             output: tensor([1, 3, 2, 2, 3, 1], [3, 2]), fromLogits: true, axis: 0)
        XCTAssertEqual(a0.shape, [2])
        assertClose(a0.doubles, [0.4076059644443803, 0.4076059644443803], .relOrAbs(1e-6))
    }

    func testSparseExactAndShapes() throws {
        let o = try tensor([0.2, 0.5, 0.3, 0.1, 0.1, 0.8], [2, 3])
        let y = try sparseCategoricalCrossentropy(target: Tensor([1, 2] as [Int32]), output: o)
        XCTAssertEqual(y.shape, [2])
        XCTAssertEqual(y.dtype, .float32)
        assertClose(y.doubles, [Glibc.log(2.0), -Glibc.log(0.8)], .relOrAbs(1e-6))
        // Labels (B, 1) are flattened; float labels truncate.
        let y1 = try sparseCategoricalCrossentropy(target: tensor([1, 2.9], [2, 1]), output: o)
        XCTAssertEqual(y1.shape, [2])
        assertClose(y1.doubles, y.doubles, .relOrAbs(0))
        // Unnormalised probabilities: log of the clipped values is softmaxed (Keras legacy quirk).
        let q = try sparseCategoricalCrossentropy(target: Tensor([0] as [Int64]), output: tensor([1, 1], [1, 2], .float64))
        assertClose(q.doubles, [Glibc.log(2.0)], .relOrAbs(1e-12))
        // Logits, huge logits.
        let l = try sparseCategoricalCrossentropy(target: Tensor([2, 1] as [Int32]),
                                                  output: tensor([1, 2, 3, 1000, -1000, 0], [2, 3]), fromLogits: true)
        assertClose(l.doubles, [0.4076059644443803, 2000], .relOrAbs(1e-6))
        // Rank 3 with either label layout; a non-last axis.
        let o3 = try tensor((0..<12).map { Double($0 % 5) }, [2, 2, 3])
        let lab = try Tensor([0, 1, 2, 0] as [Int32], shape: [2, 2])
        let r3 = try sparseCategoricalCrossentropy(target: lab, output: o3, fromLogits: true)
        XCTAssertEqual(r3.shape, [2, 2])
        let r3b = try sparseCategoricalCrossentropy(target: lab.reshaped(to: [2, 2, 1]), output: o3, fromLogits: true)
        XCTAssertEqual(r3b.shape, [2, 2])
        assertClose(r3b.doubles, r3.doubles, .relOrAbs(0))
        let moved = try o3.transposed([0, 2, 1])
        let r3c = try sparseCategoricalCrossentropy(target: lab, output: moved, fromLogits: true, axis: 1)
        assertClose(r3c.doubles, r3.doubles, .relOrAbs(1e-6))
    }

    func testRandomAgainstReference() throws {
        var rng = SplitMix64(10)
        for _ in 0..<60 {
            let rank = rng.int(1...3)
            let shape = rng.shape(rank: rank)
            let axis = rng.int(0...(rank - 1))
            let n = shape[axis]
            let logits = rng.values(count(shape), -30, 30)
            let probs = rng.values(count(shape), 0, 1)
            let soft = rng.values(count(shape), 0, 1)
            var rowShape = shape
            rowShape.remove(at: axis)
            let labels = (0..<count(rowShape)).map { _ in Int32(rng.int(0...(n - 1))) }
            func rows(_ body: ([Int], (Int) -> Int) -> Double) -> [Double] {
                (0..<count(rowShape)).map { r in
                    var c = unravel(r, rowShape)
                    c.insert(0, at: axis)
                    return body(c) { k in var cc = c; cc[axis] = k; return ravel(cc, shape) }
                }
            }
            let refLogits = rows { _, at in
                let m = (0..<n).map { logits[at($0)] }.max()!
                let lse = m + Glibc.log((0..<n).map { Glibc.exp(logits[at($0)] - m) }.reduce(0, +))
                return (0..<n).map { soft[at($0)] * (lse - logits[at($0)]) }.reduce(0, +)
            }
            let refProbs = rows { _, at in
                let s = (0..<n).map { probs[at($0)] }.reduce(0, +)
                return -(0..<n).map { soft[at($0)] * Glibc.log(min(max(probs[at($0)] / s, 1e-7), 1 - 1e-7)) }.reduce(0, +)
            }
            var r = 0
            let refSparse = rows { _, at in
                defer { r += 1 }
                let m = (0..<n).map { logits[at($0)] }.max()!
                let lse = m + Glibc.log((0..<n).map { Glibc.exp(logits[at($0)] - m) }.reduce(0, +))
                return lse - logits[at(Int(labels[r]))]
            }
            let ax = axis - rank
            let tl = try tensor(logits, shape, .float64), tp = try tensor(probs, shape, .float64)
            let ts = try tensor(soft, shape, .float64)
            let cl = try categoricalCrossentropy(target: ts, output: tl, fromLogits: true, axis: ax)
            XCTAssertEqual(cl.shape, rowShape)
            assertClose(cl.doubles, refLogits, .relOrAbs(1e-10))
            assertClose(try categoricalCrossentropy(target: ts, output: tp, axis: ax).doubles, refProbs, .relOrAbs(1e-10))
            let sl = try sparseCategoricalCrossentropy(target: Tensor(labels, shape: rowShape), output: tl,
                                                       fromLogits: true, axis: ax)
            XCTAssertEqual(sl.shape, rowShape)
            assertClose(sl.doubles, refSparse, .relOrAbs(1e-10))
            let bce = try binaryCrossentropy(target: ts, output: tl, fromLogits: true).doubles
            let refB = (0..<logits.count).map { i -> Double in
                let x = logits[i], z = soft[i]
                return max(x, 0) - x * z + Glibc.log1p(Glibc.exp(-abs(x)))
            }
            assertClose(bce, refB, .relOrAbs(1e-12))
        }
    }
}

// MARK: Bad inputs

final class NeuralNetErrorTests: XCTestCase {
    func testBadInputTable() throws {
        let f = try Tensor.zeros([2, 3])
        let i = try Tensor.zeros([2, 3], dtype: .int32)
        let img = try Tensor.zeros([1, 2, 2, 1])
        let cases: [(SwiftKerasError.Kind, String, () throws -> Any)] = [
            (.invalidDType, "softmax: dtype int32 is not supported, expected a floating-point tensor (float16, bfloat16, float32 or float64)",
             { try i.softmax() }),
            (.invalidArgument, "softmax: expected a tensor of rank at least 1, got shape ()", { try Tensor.scalar(1).softmax() }),
            (.invalidArgument, "log_softmax: axis 2 is out of bounds for a tensor of rank 2", { try f.logSoftmax(alongAxis: 2) }),
            (.invalidArgument, "softmax: axis -3 is out of bounds for a tensor of rank 2", { try f.softmax(alongAxis: -3) }),
            (.invalidDType, "l2_normalize: dtype int32 is not supported, expected a floating-point tensor (float16, bfloat16, float32 or float64)",
             { try i.l2Normalized() }),
            (.invalidArgument, "l2_normalize: axis -1 is repeated in [1, -1]", { try f.l2Normalized(alongAxes: [1, -1]) }),
            (.invalidArgument, "bias_add: unexpected bias dimensions 2 (bias shape (2, 3)); expected it to be 1 or 3 dimensions for input shape (1, 2, 2, 1)",
             { try img.biasAdded(f) }),
            (.invalidArgument, "bias_add: bias of shape (2,) does not match the 3 channels of input shape (2, 3)",
             { try f.biasAdded(Tensor.zeros([2])) }),
            (.invalidArgument, "bias_add: bias of shape (3,) does not match the 2 channels of input shape (1, 2, 2, 1) (channels first)",
             { try img.biasAdded(Tensor.zeros([3]), channelsFirst: true) }),
            (.invalidArgument, "bias_add: input must be at least 2-D, got shape (3,)", { try Tensor.zeros([3]).biasAdded(Tensor.zeros([3])) }),
            (.invalidArgument, "bias_add: bias must be 1-D for an input of rank 6, got bias shape (1, 1, 1, 1, 1)",
             { try Tensor.zeros([1, 1, 1, 1, 1, 1]).biasAdded(Tensor.zeros([1, 1, 1, 1, 1])) }),
            (.invalidArgument, "bias_add: shapes (1, 2, 2, 1) and (1, 2, 3, 1) cannot be broadcast together",
             { try img.biasAdded(Tensor.zeros([2, 3, 1])) }),
            (.invalidDType, "bias_add: dtype bool is not supported (input bool, bias float32)",
             { try Tensor.zeros([2, 3], dtype: .bool).biasAdded(Tensor.zeros([3])) }),
            (.invalidDType, "batch_normalization: dtype int32 is not supported, expected floating-point tensors",
             { try f.batchNormalized(mean: Tensor.zeros([3], dtype: .int32), variance: Tensor.ones([3])) }),
            (.invalidArgument, "batch_normalization: shapes (2,) and (3,) cannot be broadcast together",
             { try f.batchNormalized(mean: Tensor.zeros([2]), variance: Tensor.ones([3])) }),
            (.invalidArgument, "batch_normalization: shapes (2, 3) and (4, 1) cannot be broadcast together",
             { try f.batchNormalized(mean: Tensor.zeros([4, 1]), variance: Tensor.ones([1])) }),
            (.invalidDType, "dropout: x has to be a floating-point tensor since it is scaled, got dtype int32",
             { try i.dropout(rate: 0.5) }),
            (.invalidArgument, "dropout: rate must be in the range [0, 1), got 1.0", { try f.dropout(rate: 1) }),
            (.invalidArgument, "dropout: rate must be in the range [0, 1), got -0.1", { try f.dropout(rate: -0.1) }),
            (.invalidArgument, "dropout: rate must be in the range [0, 1), got nan", { try f.dropout(rate: .nan) }),
            (.invalidArgument, "dropout: noise_shape (2, 5) does not broadcast to the input shape (2, 3)",
             { try f.dropout(rate: 0.5, noiseShape: [2, 5]) }),
            (.invalidArgument, "dropout: noise_shape (4, 2, 3) does not broadcast to the input shape (2, 3)",
             { try f.dropout(rate: 0.5, noiseShape: [4, 2, 3]) }),
            (.invalidArgument, "dropout: negative dimension in shape (-1, 3)", { try f.dropout(rate: 0.5, noiseShape: [-1, 3]) }),
            (.invalidDType, "in_top_k: predictions must be floating point, got dtype int32",
             { try inTopK(predictions: i, targets: Tensor([0, 0] as [Int32]), k: 1) }),
            (.invalidDType, "in_top_k: targets must be int32 or int64, got dtype float32",
             { try inTopK(predictions: f, targets: Tensor.zeros([2]), k: 1) }),
            (.invalidArgument, "in_top_k: predictions must be 2-dimensional, got shape (1, 2, 2, 1)",
             { try inTopK(predictions: img, targets: Tensor([0] as [Int32]), k: 1) }),
            (.invalidArgument, "in_top_k: targets must be 1-dimensional, got shape (2, 1)",
             { try inTopK(predictions: f, targets: Tensor([0, 0] as [Int32], shape: [2, 1]), k: 1) }),
            (.invalidArgument, "in_top_k: first dimension of predictions (2, 3) must match length of targets (3,)",
             { try inTopK(predictions: f, targets: Tensor([0, 0, 0] as [Int32]), k: 1) }),
            (.invalidArgument, "resize: images must have either 3 or 4 dimensions, got shape (2, 3)",
             { try f.resized(height: 2, width: 2) }),
            (.invalidArgument, "resize: output size must be positive, got (0, 2)", { try img.resized(height: 0, width: 2) }),
            (.invalidArgument, "resize: input image must be of non-zero size, got shape (1, 0, 2, 1)",
             { try Tensor.zeros([1, 0, 2, 1]).resized(height: 2, width: 2) }),
            (.invalidArgument, "resize: image must have at least one channel, got shape (1, 2, 2, 0)",
             { try Tensor.zeros([1, 2, 2, 0]).resized(height: 2, width: 2) }),
            (.invalidDType, "resize: dtype bool is not supported",
             { try Tensor.zeros([1, 2, 2, 1], dtype: .bool).resized(height: 2, width: 2, method: .nearest) }),
            (.invalidArgument, "resize_images: expected a 4-D input, got shape (2, 2, 1)",
             { try Tensor.zeros([2, 2, 1]).resizedImages(heightFactor: 2, widthFactor: 2) }),
            (.invalidArgument, "resize_images: height_factor and width_factor must be positive, got 0 and 2",
             { try img.resizedImages(heightFactor: 0, widthFactor: 2) }),
            (.outOfMemory, "resize_images: input shape (1, 2, 2, 1) times factors (\(Int.max), 1) is too large",
             { try img.resizedImages(heightFactor: Int.max, widthFactor: 1) }),
            (.invalidArgument, "resize_volumes: expected a 5-D input, got shape (1, 2, 2, 1)",
             { try img.resizedVolumes(depthFactor: 1, heightFactor: 1, widthFactor: 1) }),
            (.invalidArgument, "resize_volumes: depth_factor, height_factor and width_factor must be positive, got 1, -1 and 1",
             { try Tensor.zeros([1, 1, 1, 1, 1]).resizedVolumes(depthFactor: 1, heightFactor: -1, widthFactor: 1) }),
            (.outOfMemory, "resize_volumes: shape (1, 2, \(Int.max - 1), 1, 1) has too many elements",
             { try Tensor.zeros([1, 1, 1, 1, 1]).resizedVolumes(depthFactor: 2, heightFactor: Int.max - 1, widthFactor: 1) }),
            (.invalidDType, "binary_crossentropy: dtype int32 is not supported, expected a floating-point tensor (float16, bfloat16, float32 or float64)",
             { try binaryCrossentropy(target: f, output: i) }),
            (.invalidArgument, "binary_crossentropy: logits and labels must have the same shape, got target shape (3,) and output shape (2, 3)",
             { try binaryCrossentropy(target: Tensor.zeros([3]), output: f, fromLogits: true) }),
            (.invalidArgument, "binary_crossentropy: shapes (2,) and (2, 3) cannot be broadcast together",
             { try binaryCrossentropy(target: Tensor.zeros([2]), output: f) }),
            (.invalidArgument, "categorical_crossentropy: shapes (2, 4) (target) and (2, 3) (output) are incompatible",
             { try categoricalCrossentropy(target: Tensor.zeros([2, 4]), output: f) }),
            (.invalidArgument, "categorical_crossentropy: axis 2 is out of bounds for a tensor of rank 2",
             { try categoricalCrossentropy(target: f, output: f, axis: 2) }),
            (.invalidArgument, "sparse_categorical_crossentropy: the shape of target (3,) should equal the shape of output (2, 3) without axis 1",
             { try sparseCategoricalCrossentropy(target: Tensor([0, 0, 0] as [Int32]), output: f) }),
            (.invalidArgument, "sparse_categorical_crossentropy: target shape (3, 1) (3 labels) does not match the 2 rows of output shape (2, 3) along axis 1",
             { try sparseCategoricalCrossentropy(target: Tensor([0, 0, 0] as [Int32], shape: [3, 1]), output: f) }),
            (.outOfRange, "sparse_categorical_crossentropy: received a label value of 3 which is outside the valid range of [0, 3)",
             { try sparseCategoricalCrossentropy(target: Tensor([0, 3] as [Int32]), output: f) }),
            (.outOfRange, "sparse_categorical_crossentropy: received a label value of -1 which is outside the valid range of [0, 3)",
             { try sparseCategoricalCrossentropy(target: Tensor([-1, 0] as [Int64]), output: f, fromLogits: true) }),
            (.invalidArgument, "sparse_categorical_crossentropy: axis -1 is out of bounds for a tensor of rank 0",
             { try sparseCategoricalCrossentropy(target: Tensor.scalar(0), output: Tensor.scalar(1)) }),
        ]
        for (kind, message, body) in cases {
            assertError(kind, message, body)
        }
        XCTAssertNil(ResizeMethod(name: "bicubic"))
        XCTAssertEqual(ResizeMethod(name: "bilinear"), .bilinear)
    }
}

// MARK: Recording

private final class NameRecorder: OpObserver {
    var ops: [(String, Pullback)] = []
    func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
        ops.append(("\(op)", pullback()))
    }
}

final class NeuralNetRecordTests: XCTestCase {
    func testOpsReportToObservers() throws {
        let rec = NameRecorder()
        OpObservers.push(rec)
        defer { OpObservers.remove(rec) }
        let x = try tensor([1, 2, 3, 4], [2, 2])
        _ = try x.softmax()
        _ = try x.logSoftmax()
        _ = try x.l2Normalized()
        _ = try x.biasAdded(tensor([1, 1], [2]))
        _ = try x.batchNormalized(mean: tensor([0], [1]), variance: tensor([1], [1]))
        let d = try x.dropout(rate: 0.5, seed: 11)
        _ = try inTopK(predictions: x, targets: Tensor([0, 1] as [Int32]), k: 1)
        _ = try x.reshaped(to: [1, 2, 2, 1]).resizedImages(heightFactor: 2, widthFactor: 1)
        _ = try x.reshaped(to: [1, 2, 2, 1]).resized(height: 3, width: 3)
        _ = try x.reshaped(to: [1, 1, 2, 2, 1]).resizedVolumes(depthFactor: 1, heightFactor: 1, widthFactor: 1)
        _ = try binaryCrossentropy(target: x, output: x, fromLogits: true)
        _ = try categoricalCrossentropy(target: x, output: x)
        _ = try sparseCategoricalCrossentropy(target: Tensor([0, 1] as [Int32]), output: x)
        let names = rec.ops.map(\.0).filter { $0 != "cast" && $0 != "reshape" }
        XCTAssertEqual(names, ["softmax", "log_softmax", "l2_normalize", "bias_add", "batch_normalization", "dropout",
                               "in_top_k", "resize_images", "resize", "resize_volumes", "binary_crossentropy",
                               "categorical_crossentropy", "sparse_categorical_crossentropy"])
        // Softmax's pullback of a constant cotangent is zero (the outputs sum to 1 along the axis).
        let softmaxPullback = rec.ops.first { $0.0 == "softmax" }!.1
        assertClose(try softmaxPullback(Tensor.ones([2, 2]))[0]!.doubles, [0, 0, 0, 0], .relOrAbs(1e-7))
        // in_top_k passes no gradient.
        let topKPullback = rec.ops.first { $0.0 == "in_top_k" }!.1
        XCTAssertEqual(try topKPullback(Tensor.ones([2])).count, 2)
        XCTAssertNil(try topKPullback(Tensor.ones([2]))[0])
        // Dropout's pullback multiplies by the same scaled mask.
        let dropoutPullback = rec.ops.first { $0.0 == "dropout" }!.1
        let g = try dropoutPullback(Tensor.ones([2, 2]))
        let dv = d.doubles, xv = x.doubles
        XCTAssertEqual(g.count, 1)
        XCTAssertEqual(g[0]?.doubles, (0..<4).map { dv[$0] / xv[$0] })
    }
}

// MARK: Gradients (exact cases; the numerical checks are in GradChecks_neuralNet.swift)

/// The gradient of `sum(f(x) * w)` with respect to each of `inputs` (`w` = `weights` or ones).
private func nnGradients(_ inputs: [Tensor], weights: Tensor? = nil, _ f: () throws -> Tensor) throws -> [Tensor?] {
    let tape = GradientTape()
    inputs.forEach(tape.watch)
    let y = try tape.record { () -> Tensor in
        let out = try f()
        return try (weights.map { try out * $0 } ?? out).sum()
    }
    return try tape.gradient(y, inputs.map { .tensor($0) })
}

final class NeuralNetGradientTests: XCTestCase {
    /// Where sum(x²) < 1e-12 the norm is the constant sqrt(1e-12): the gradient is g / 1e-6.
    func testL2NormalizeGradientUnderTheEpsilonClamp() throws {
        let x = try tensor([1e-8, -2e-8, 3e-8], [3], .float64)
        let g = try nnGradients([x], weights: tensor([1, 2, 3], [3], .float64)) { try x.l2Normalized() }
        assertClose(g[0]!.doubles, [1e6, 2e6, 3e6], .relOrAbs(1e-12))
    }

    /// Nearest ×2: every input pixel receives the sum of the four output pixels copying it.
    func testResizeNearestGradientIsAScatter() throws {
        let x = try tensor([1, 2, 3, 4], [1, 2, 2, 1], .float64)
        let w = try tensor((0..<16).map(Double.init), [1, 4, 4, 1], .float64)
        let g = try nnGradients([x], weights: w) { try x.resizedImages(heightFactor: 2, widthFactor: 2) }
        XCTAssertEqual(g[0]!.shape, [1, 2, 2, 1])
        XCTAssertEqual(g[0]!.doubles, [10, 18, 42, 50] as [Double])  // 0+1+4+5, 2+3+6+7, 8+9+12+13, 10+11+14+15
    }

    /// The bilinear backward op is the adjoint of the forward: <resize(x), g> = <x, backward(g)>,
    /// for upsampling and downsampling, both layouts.
    func testResizeBilinearBackwardIsTheAdjoint() throws {
        for (h, w, oh, ow, cf) in [(3, 4, 5, 7, false), (4, 5, 3, 2, true), (2, 2, 4, 4, false)] {
            let xs = cf ? [2, 3, h, w] : [2, h, w, 3], gs = cf ? [2, 3, oh, ow] : [2, oh, ow, 3]
            let x = try Random.uniform(xs, minval: -1, maxval: 1, dtype: .float64, seed: 5)
            let g = try Random.uniform(gs, minval: -1, maxval: 1, dtype: .float64, seed: 6)
            let lhs = try (x.resized(height: oh, width: ow, method: .bilinear, channelsFirst: cf).cast(to: .float64) * g).sum()
            let back = try g.resizeBilinearBackward(height: h, width: w, channelsFirst: cf)
            XCTAssertEqual(back.shape, xs)
            XCTAssertEqual(back.dtype, .float64)
            let rhs = try (x * back).sum()
            XCTAssertEqual(lhs.doubles[0], rhs.doubles[0], accuracy: 1e-5)
            let nearest = try (x.resized(height: oh, width: ow, method: .nearest, channelsFirst: cf) * g).sum()
            let nb = try (x * g.resizeNearestBackward(height: h, width: w, channelsFirst: cf)).sum()
            XCTAssertEqual(nearest.doubles[0], nb.doubles[0], accuracy: 1e-12)
        }
    }

    func testResizeBackwardBadInput() throws {
        let g = try tensor([1, 2, 3, 4], [1, 2, 2, 1])
        assertError(.invalidArgument, "resize_nearest_backward: expected a 4-D cotangent, got shape (2, 2)") {
            try g.reshaped(to: [2, 2]).resizeNearestBackward(height: 1, width: 1)
        }
        assertError(.invalidArgument, "resize_bilinear_backward: input size must be positive, got (0, 2)") {
            try g.resizeBilinearBackward(height: 0, width: 2)
        }
        assertError(.invalidDType, "resize_nearest_backward: dtype int32 is not supported, expected a floating-point tensor (float16, bfloat16, float32 or float64)") {
            try g.cast(to: .int32).resizeNearestBackward(height: 1, width: 1)
        }
    }

    /// Where the probability was clipped, the output gets no gradient (TF's clip_by_value).
    func testCrossentropyGradientIsZeroWhereClipped() throws {
        let t = try tensor([1, 0, 1], [3], .float64)
        let o = try tensor([0, 0.5, 1.5], [3], .float64)
        let g = try nnGradients([t, o]) { try binaryCrossentropy(target: t, output: o) }
        let go = g[1]!.doubles
        XCTAssertEqual(go[0], 0)
        XCTAssertEqual(go[2], 0)
        XCTAssertEqual(go[1], (1 / (0.5 + 1e-7)), accuracy: 1e-9)
        // The target's gradient: log(1 − p + ε) − log(p + ε).
        XCTAssertEqual(g[0]!.doubles[1], 0, accuracy: 1e-12)
    }

    /// From logits, sparse and categorical crossentropies have gradient softmax(x) − onehot.
    func testCrossentropyFromLogitsGradient() throws {
        let x = try tensor([1, 2, 3, 0, 0, 0], [2, 3], .float64)
        let sm = try x.softmax().doubles
        let expect = sm.enumerated().map { $0.element - ([2, 3].contains($0.offset) ? 1 : 0) }
        let gs = try nnGradients([x]) {
            try sparseCategoricalCrossentropy(target: Tensor([2, 0] as [Int32]), output: x, fromLogits: true)
        }
        assertClose(gs[0]!.doubles, expect, .relOrAbs(1e-12))
        let hot = try tensor([0, 0, 1, 1, 0, 0], [2, 3], .float64)
        let gc = try nnGradients([x]) { try categoricalCrossentropy(target: hot, output: x, fromLogits: true) }
        assertClose(gc[0]!.doubles, expect, .relOrAbs(1e-12))
    }

    /// float32 inputs get float32 gradients of the right shape (the tape casts back).
    func testGradientDTypesAndShapes() throws {
        let x = try Random.uniform([2, 3, 4], minval: -1, maxval: 1, dtype: .float32, seed: 1)
        let b = try tensor([1, 2, 3], [3])
        let g = try nnGradients([x, b]) { try x.biasAdded(b, channelsFirst: true).softmax(alongAxis: 1) }
        XCTAssertEqual(g[0]!.shape, [2, 3, 4]); XCTAssertEqual(g[0]!.dtype, .float32)
        XCTAssertEqual(g[1]!.shape, [3]); XCTAssertEqual(g[1]!.dtype, .float32)
        let img = try Random.uniform([1, 2, 2, 1], minval: -1, maxval: 1, dtype: .float16, seed: 2)
        let gi = try nnGradients([img]) { try img.resized(height: 3, width: 3, method: .bilinear) }
        XCTAssertEqual(gi[0]!.dtype, .float16)
        // Each output pixel's weights sum to 1, so the total gradient is the output pixel count.
        XCTAssertEqual(try gi[0]!.cast(to: .float64).sum().doubles[0], 9, accuracy: 1e-2)
    }
}
