import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// The plain reference: groups the values of each output (row-major over the kept axes).
private func groups(_ values: [Double], _ shape: [Int], _ axes: [Int]) -> [[Double]] {
    let rank = shape.count
    let kept = (0..<rank).filter { !axes.contains($0) }
    var outCount = 1
    for d in kept { outCount *= shape[d] }
    var out = [[Double]](repeating: [], count: outCount)
    var idx = [Int](repeating: 0, count: rank)
    for v in values {
        var o = 0
        for d in kept { o = o * shape[d] + idx[d] }
        out[o].append(v)
        var d = rank - 1
        while d >= 0 { idx[d] += 1; if idx[d] < shape[d] { break }; idx[d] = 0; d -= 1 }
    }
    return out
}

private func refMax(_ g: [Double]) -> Double {
    if g.contains(where: { $0.isNaN }) { return .nan }
    return g.reduce(-Double.infinity, Swift.max)
}
private func refMin(_ g: [Double]) -> Double {
    if g.contains(where: { $0.isNaN }) { return .nan }
    return g.reduce(Double.infinity, Swift.min)
}
private func refMean(_ g: [Double]) -> Double { g.reduce(0, +) / Double(g.count) }
private func refVar(_ g: [Double]) -> Double {
    let m = refMean(g)
    return g.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(g.count)
}
private func refLSE(_ g: [Double]) -> Double {
    let m = refMax(g)
    if !m.isFinite { return m }
    return m + log(g.reduce(0) { $0 + exp($1 - m) })
}

final class ReductionTests: XCTestCase {
    let m23: [Float] = [1, 2, 3, 4, 5, 6]

    func testSumAxesAndKeepdims() throws {
        let x = try Tensor(m23, shape: [2, 3])
        check(try x.sum(), [], .float32, [21])
        check(try x.sum(alongAxes: [0]), [3], .float32, [5, 7, 9])
        check(try x.sum(alongAxes: [1]), [2], .float32, [6, 15])
        check(try x.sum(alongAxes: [-1]), [2], .float32, [6, 15])
        check(try x.sum(alongAxes: [-2]), [3], .float32, [5, 7, 9])
        check(try x.sum(alongAxes: [1, 0]), [], .float32, [21])
        check(try x.sum(alongAxes: [0, -1], keepingDimensions: true), [1, 1], .float32, [21])
        check(try x.sum(alongAxes: [1], keepingDimensions: true), [2, 1], .float32, [6, 15])
        check(try x.sum(alongAxes: [0], keepingDimensions: true), [1, 3], .float32, [5, 7, 9])
        check(try x.sum(keepingDimensions: true), [1, 1], .float32, [21])
        check(try x.sum(alongAxes: []), [2, 3], .float32, [1, 2, 3, 4, 5, 6])
    }

    func testRank3AllAxisPatterns() throws {
        // x[i][j][k] = i*12 + j*4 + k over shape (2, 3, 4)
        let x = try Tensor((0..<24).map(Double.init), shape: [2, 3, 4])
        check(try x.sum(alongAxes: [0, 2]), [3], .float64, [0 + 1 + 2 + 3 + 12 + 13 + 14 + 15, 92, 124])
        check(try x.sum(alongAxes: [1]), [2, 4], .float64, [12, 15, 18, 21, 48, 51, 54, 57])
        check(try x.sum(alongAxes: [0, 2], keepingDimensions: true), [1, 3, 1], .float64, [60, 92, 124])
        check(try x.maxValue(alongAxes: [0, 2]), [3], .float64, [15, 19, 23])
        check(try x.minValue(alongAxes: [-1, -3]), [3], .float64, [0, 4, 8])
        check(try x.mean(alongAxes: [0, 1]), [4], .float64, [10, 11, 12, 13])
        check(try x.argmax(alongAxis: 1), [2, 4], .int64, [2, 2, 2, 2, 2, 2, 2, 2])
        check(try x.argmin(alongAxis: 0, keepingDimensions: true), [1, 3, 4], .int64, [Double](repeating: 0, count: 12))
    }

    func testProdMeanVarStd() throws {
        let x = try Tensor(m23, shape: [2, 3])
        check(try x.product(), [], .float32, [720])
        check(try x.product(alongAxes: [1]), [2], .float32, [6, 120])
        check(try x.mean(alongAxes: [0]), [3], .float32, [2.5, 3.5, 4.5])
        check(try x.mean(), [], .float32, [3.5])
        check(try x.variance(alongAxes: [1]), [2], .float32, [2.0 / 3, 2.0 / 3], tol: 1e-6)
        check(try x.variance(), [], .float32, [35.0 / 12], tol: 1e-6)
        check(try x.standardDeviation(alongAxes: [0], keepingDimensions: true), [1, 3], .float32, [1.5, 1.5, 1.5])
        let d = try Tensor([1, 2, 3, 4] as [Double], shape: [4])
        check(try d.variance(), [], .float64, [1.25])
        check(try d.standardDeviation(), [], .float64, [(1.25 as Double).squareRoot()])
    }

    func testDTypeRules() throws {
        let i = try Tensor([Int32.max, 1, -3, -4] as [Int32], shape: [2, 2])
        check(try i.sum(alongAxes: [1]), [2], .int32, [Double(Int32.min), -7])           // wraps
        check(try i.product(alongAxes: [0]), [2], .int32, [Double(Int32(truncatingIfNeeded: Int64(Int32.max) * -3)), -4])
        check(try i.mean(alongAxes: [1]), [2], .int32, [1073741824, -3])                 // int64 sum, truncation toward 0
        check(try i.variance(alongAxes: [1]), [2], .float32, [pow(Double(Int32.max) - 1, 2) / 4, 0.25], tol: 1e-6)
        check(try i.maxValue(), [], .int32, [Double(Int32.max)])
        check(try i.minValue(), [], .int32, [-4])
        let b = Tensor([true, false, true])
        check(try b.sum(), [], .int32, [2])
        check(try b.product(), [], .int32, [0])
        check(try b.mean(), [], .float32, [2.0 / 3], tol: 1e-7)
        check(try b.variance(), [], .float32, [2.0 / 9], tol: 1e-6)
        check(try b.maxValue(), [], .bool, [1])
        check(try b.minValue(), [], .bool, [0])
        let u = Tensor([200, 100, 7] as [UInt8])
        check(try u.sum(), [], .int32, [307])
        check(try u.product(), [], .int32, [140000])
        check(try u.mean(), [], .uint8, [102])
        check(try u.maxValue(), [], .uint8, [200])
        let l = Tensor([Int64.max, 1] as [Int64])
        check(try l.sum(), [], .int64, [Double(Int64.min)])
        check(try l.argmax(), [], .int64, [0])
        let h = Tensor([1.5, 2.25, 1024, 0.125].map { Float16($0) })
        check(try h.sum(), [], .float16, [1028])  // 1027.875 rounded to float16
        check(try h.mean(), [], .float16, [Double(Float16(1027.875 / 4))])
        check(try h.maxValue(), [], .float16, [1024])
        check(try h.variance(), [], .float16, [Double(Float16(Float(refVar([1.5, 2.25, 1024, 0.125]))))])
        check(try h.logSumExp(), [], .float16, [Double(Float16(Float(refLSE([1.5, 2.25, 1024, 0.125]))))])
        let bf = Tensor([1, 2, 3, 250].map { BFloat16(Float($0)) })
        check(try bf.sum(), [], .bfloat16, [256])
        check(try bf.product(), [], .bfloat16, [1504])  // 1500 rounded to bfloat16
        check(try bf.argmin(), [], .int64, [0])
        // Keras float16 sum: accumulates in float32, so 4096 ones plus one more do not get stuck at 2048.
        let ones = try Tensor.ones([5000], dtype: .float16)
        check(try ones.sum(), [], .float16, [Double(Float16(5000))])
    }

    func testIntegerMeanTruncatesTowardZero() throws {
        let x = Tensor([-7, 0, 7, 1] as [Int64])
        check(try x.mean(), [], .int64, [0])           // 1/4 → 0
        let y = try Tensor([-3, -4, 3, 4, -1, 0] as [Int32], shape: [3, 2])
        check(try y.mean(alongAxes: [1]), [3], .int32, [-3, 3, 0])   // -3.5 → -3, 3.5 → 3, -0.5 → 0
    }

    func testEmptyReductions() throws {
        let e = try Tensor([] as [Float], shape: [0])
        check(try e.sum(), [], .float32, [0])
        check(try e.product(), [], .float32, [1])
        check(try e.mean(), [], .float32, [.nan])
        check(try e.variance(), [], .float32, [.nan])
        check(try e.standardDeviation(), [], .float32, [.nan])
        check(try e.maxValue(), [], .float32, [-.infinity])
        check(try e.minValue(), [], .float32, [.infinity])
        check(try e.logSumExp(), [], .float32, [-.infinity])
        check(try e.any(), [], .bool, [0])
        check(try e.all(), [], .bool, [1])
        let e2 = try Tensor([] as [Int32], shape: [2, 0])
        check(try e2.sum(alongAxes: [1]), [2], .int32, [0, 0])
        check(try e2.maxValue(alongAxes: [1]), [2], .int32, [Double(Int32.min), Double(Int32.min)])
        check(try e2.minValue(alongAxes: [1], keepingDimensions: true), [2, 1], .int32, [Double(Int32.max), Double(Int32.max)])
        check(try e2.mean(alongAxes: [1]), [2], .int32, [0, 0])          // defined: no division by zero
        check(try e2.sum(alongAxes: [0]), [0], .int32, [])
        check(try e2.argmax(alongAxis: 0), [0], .int64, [])             // no outputs: nothing to fail
        check(try e2.cumulativeSum(alongAxis: 1), [2, 0], .int32, [])
        let u = try Tensor([] as [UInt8], shape: [0, 3])
        check(try u.maxValue(alongAxes: [0]), [3], .uint8, [0, 0, 0])
        check(try u.minValue(alongAxes: [0]), [3], .uint8, [255, 255, 255])
        check(try u.sum(alongAxes: [0]), [3], .int32, [0, 0, 0])
        check(try Tensor([] as [Bool], shape: [0]).maxValue(), [], .bool, [0])
    }

    func testRank0() throws {
        let s = Tensor(scalar: Float(3.5))
        check(try s.sum(), [], .float32, [3.5])
        check(try s.sum(keepingDimensions: true), [], .float32, [3.5])
        check(try s.mean(), [], .float32, [3.5])
        check(try s.variance(), [], .float32, [0])
        check(try s.maxValue(), [], .float32, [3.5])
        check(try s.argmax(), [], .int64, [0])
        check(try s.any(), [], .bool, [1])
        check(try s.logSumExp(), [], .float32, [3.5])
        check(try s.sum(alongAxes: []), [], .float32, [3.5])
    }

    func testNaNAndInfinity() throws {
        let n = Float.nan
        let x = try Tensor([1, n, 3, -1, 5, 2] as [Float], shape: [2, 3])
        check(try x.maxValue(alongAxes: [1]), [2], .float32, [.nan, 5])
        check(try x.minValue(alongAxes: [1]), [2], .float32, [.nan, -1])
        check(try x.maxValue(alongAxes: [0]), [3], .float32, [1, .nan, 3])
        check(try x.sum(alongAxes: [1]), [2], .float32, [.nan, 6])
        check(try x.argmax(alongAxis: 1), [2], .int64, [1, 1])
        check(try x.argmin(alongAxis: 1), [2], .int64, [1, 0])
        check(try x.argmax(alongAxis: 0), [3], .int64, [0, 0, 0])
        check(try x.any(alongAxes: [1]), [2], .bool, [1, 1])
        check(try Tensor([0, n] as [Float]).all(), [], .bool, [0])
        check(try Tensor([n, n] as [Float]).all(), [], .bool, [1])       // NaN != 0 is true
        // Long runs take the SIMD path: the NaN must still win.
        var long = [Float](repeating: 1, count: 1000)
        long[777] = .nan
        long[3] = 50
        check(try Tensor(long).maxValue(), [], .float32, [.nan])
        check(try Tensor(long).minValue(), [], .float32, [.nan])
        check(try Tensor(long).argmax(), [], .int64, [777])
        long[777] = -.infinity
        check(try Tensor(long).maxValue(), [], .float32, [50])
        check(try Tensor(long).minValue(), [], .float32, [-.infinity])
        check(try Tensor(long).argmin(), [], .int64, [777])
        // Ties → first index.
        check(try Tensor([2, 7, 7, 1, 7] as [Int32]).argmax(), [], .int64, [1])
        check(try Tensor([2, 1, 7, 1] as [Int32]).argmin(), [], .int64, [1])
        check(try Tensor([false, true, true]).argmax(), [], .int64, [1])
        let t = try Tensor([3, 9, 9, 1, 1, 2] as [Float], shape: [3, 2])
        check(try t.argmax(alongAxis: 0), [2], .int64, [1, 0])
        check(try t.argmin(alongAxis: 0), [2], .int64, [2, 1])
        // Infinity in variance gives NaN (inf - inf), like TensorFlow.
        check(try Tensor([1, .infinity] as [Float]).variance(), [], .float32, [.nan])
    }

    func testArgmaxFlattenedAndKeepdims() throws {
        let x = try Tensor([1, 9, 3, 4, 0, 9] as [Float], shape: [2, 3])
        check(try x.argmax(), [], .int64, [1])
        check(try x.argmin(), [], .int64, [4])
        check(try x.argmax(keepingDimensions: true), [1, 1], .int64, [1])
        check(try x.argmax(alongAxis: -1), [2], .int64, [1, 2])
        check(try x.argmax(alongAxis: 1, keepingDimensions: true), [2, 1], .int64, [1, 2])
        check(try x.argmin(alongAxis: -2), [3], .int64, [0, 1, 0])
    }

    func testAnyAll() throws {
        let x = try Tensor([0, 1, 0, 0, 0, 0] as [Int32], shape: [2, 3])
        check(try x.any(), [], .bool, [1])
        check(try x.all(), [], .bool, [0])
        check(try x.any(alongAxes: [1]), [2], .bool, [1, 0])
        check(try x.any(alongAxes: [0], keepingDimensions: true), [1, 3], .bool, [0, 1, 0])
        check(try x.all(alongAxes: [0]), [3], .bool, [0, 0, 0])
        let b = try Tensor([true, true, false, true] as [Bool], shape: [2, 2])
        check(try b.all(alongAxes: [-1]), [2], .bool, [1, 0])
        check(try b.all(alongAxes: [0]), [2], .bool, [0, 1])
        check(try Tensor([0.5, -2] as [Double]).all(), [], .bool, [1])
    }

    func testLogSumExp() throws {
        let x = try Tensor([1000, 1000, -1000, 0] as [Float], shape: [2, 2])
        check(try x.logSumExp(alongAxes: [1]), [2], .float32, [1000 + log(2.0), log(1 + exp(-1000.0))], tol: 1e-6)
        check(try x.logSumExp(alongAxes: [1], keepingDimensions: true), [2, 1], .float32, [1000 + log(2.0), 0], tol: 1e-6)
        check(try x.logSumExp(alongAxes: [0]), [2], .float32, [1000, 1000], tol: 1e-6)
        check(try x.logSumExp(), [], .float32, [1000 + log(2.0)], tol: 1e-6)
        let small = try Tensor([-1000, -1000] as [Double], shape: [2])
        check(try small.logSumExp(), [], .float64, [-1000 + log(2.0)], tol: 1e-12)
        check(try Tensor([-Float.infinity, -.infinity]).logSumExp(), [], .float32, [-.infinity])
        check(try Tensor([Float.infinity, 1, -.infinity]).logSumExp(), [], .float32, [.infinity])
        check(try Tensor([Float.infinity, .nan]).logSumExp(), [], .float32, [.nan])
        check(try Tensor([1, 2, 3] as [Int32]).logSumExp(), [], .float32, [refLSE([1, 2, 3])], tol: 1e-6)
        // Leading-axis path (rows accumulated) with ±inf and NaN columns.
        let c = try Tensor([-Float.infinity, 1, .nan, 5, -.infinity, .infinity, 2, 3] as [Float], shape: [2, 4])
        check(try c.logSumExp(alongAxes: [0]), [4], .float32, [-.infinity, .infinity, .nan, refLSE([5, 3])], tol: 1e-6)
    }

    func testScans() throws {
        let x = try Tensor(m23, shape: [2, 3])
        check(try x.cumulativeSum(alongAxis: 0), [2, 3], .float32, [1, 2, 3, 5, 7, 9])
        check(try x.cumulativeSum(alongAxis: 1), [2, 3], .float32, [1, 3, 6, 4, 9, 15])
        check(try x.cumulativeSum(alongAxis: -1), [2, 3], .float32, [1, 3, 6, 4, 9, 15])
        check(try x.cumulativeProduct(alongAxis: 1), [2, 3], .float32, [1, 2, 6, 4, 20, 120])
        check(try x.cumulativeProduct(alongAxis: -2), [2, 3], .float32, [1, 2, 3, 4, 10, 18])
        check(try Tensor([true, false, true]).cumulativeSum(alongAxis: 0), [3], .int32, [1, 1, 2])
        check(try Tensor([true, true, false]).cumulativeProduct(alongAxis: 0), [3], .int32, [1, 1, 0])
        check(try Tensor([200, 100] as [UInt8]).cumulativeSum(alongAxis: 0), [2], .uint8, [200, 44])  // wraps, keeps uint8
        check(try Tensor([Int32.max, 1] as [Int32]).cumulativeSum(alongAxis: 0), [2], .int32, [Double(Int32.max), Double(Int32.min)])
        let h = Tensor([2048, 1, 1].map { Float16($0) })
        check(try h.cumulativeSum(alongAxis: 0), [3], .float16, [2048, 2049, 2050].map { Double(Float16(Float($0))) })
        check(try Tensor([1, .nan, 2] as [Double]).cumulativeSum(alongAxis: 0), [3], .float64, [1, .nan, .nan])
        let y = try Tensor((0..<24).map(Int64.init), shape: [2, 3, 4])
        let c = try y.cumulativeSum(alongAxis: 1)
        var expect = [Double](repeating: 0, count: 24)
        for i in 0..<2 { for k in 0..<4 {
            var acc = 0.0
            for j in 0..<3 { acc += Double(i * 12 + j * 4 + k); expect[i * 12 + j * 4 + k] = acc }
        } }
        check(c, [2, 3, 4], .int64, expect)
    }

    func testFloat32SumAccuracy() throws {
        let n = 1 << 20
        let x = try Random.uniform([n], minval: 0, maxval: 1, seed: 1234)
        let vals = try x.scalars(as: Float.self)
        var ref = 0.0
        for v in vals { ref += Double(v) }
        let s = try x.sum().scalarDouble()
        XCTAssertLessThan(abs(s - ref) / ref, 1e-6, "sum \(s) vs \(ref)")
        let m = try x.mean().scalarDouble()
        XCTAssertLessThan(abs(m - ref / Double(n)) / (ref / Double(n)), 1e-6)
        // Same values as 1024 rows of 1024: per-row sums accurate too.
        let rows = try x.reshaped(to: [1024, 1024]).sum(alongAxes: [1]).doubles
        for r in stride(from: 0, to: 1024, by: 97) {
            var acc = 0.0
            for j in 0..<1024 { acc += Double(vals[r * 1024 + j]) }
            XCTAssertLessThan(abs(rows[r] - acc) / acc, 1e-6)
        }
        // Mixed signs with a large offset.
        let y = try Random.normal([n], mean: 100, stddev: 50, seed: 99)
        var refY = 0.0
        for v in try y.scalars(as: Float.self) { refY += Double(v) }
        XCTAssertLessThan(abs(try y.sum().scalarDouble() - refY) / abs(refY), 1e-6)
    }

    /// Larger shapes to exercise the parallel paths (one long run split across cores, column
    /// blocks for leading axes, batches of column blocks, and the transposing copy).
    func testLargeLayouts() throws {
        var rng = SplitMix64(7)
        let shape = [3, 700, 300]
        let vals = (0..<(3 * 700 * 300)).map { _ in Double(rng.int(2001)) - 1000 }
        let xd = try Tensor(vals, shape: shape)
        let xi = try xd.cast(to: .int32)
        for axes in [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]] {
            let g = groups(vals, shape, axes)
            let outShape = Tensor.reducedShape(shape, axes: axes, keepingDimensions: false)
            check(try xd.sum(alongAxes: axes), outShape, .float64, g.map { $0.reduce(0, +) }, "sum \(axes)")
            check(try xi.sum(alongAxes: axes), outShape, .int32, g.map { $0.reduce(0, +) }, "isum \(axes)")
            check(try xi.maxValue(alongAxes: axes), outShape, .int32, g.map(refMax), "max \(axes)")
            check(try xd.variance(alongAxes: axes), outShape, .float64, g.map(refVar), tol: 1e-9, "var \(axes)")
            check(try xd.logSumExp(alongAxes: axes), outShape, .float64, g.map(refLSE), tol: 1e-12, "lse \(axes)")
            if axes.count == 1 {
                let ref = g.map { grp -> Double in
                    var best = 0
                    for (i, v) in grp.enumerated() where v > grp[best] { best = i }
                    return Double(best)
                }
                check(try xd.argmax(alongAxis: axes[0]), outShape, .int64, ref, "argmax \(axes)")
            }
        }
        let xf = try xd.cast(to: .float32)
        let wide = try xf.reshaped(to: [2100, 300])
        let g0 = groups(vals, [2100, 300], [0])
        check(try wide.sum(alongAxes: [0]), [300], .float32, g0.map { $0.reduce(0, +) }, tol: 1e-6)
        check(try wide.mean(alongAxes: [0]), [300], .float32, g0.map(refMean), tol: 1e-6)
        check(try wide.cumulativeSum(alongAxis: 0).sum(alongAxes: [0]), [300], .float32,
              g0.map { grp in var acc = 0.0, tot = 0.0; for v in grp { acc += v; tot += acc }; return tot }, tol: 1e-5)
    }

    func testRandomizedAgainstReference() throws {
        var rng = SplitMix64(42)
        for trial in 0..<300 {
            let rank = rng.int(5)
            let shape = (0..<rank).map { _ in rng.int(5) + (rng.int(8) == 0 ? 0 : 1) }
            let n = shape.reduce(1, *)
            let vals = (0..<n).map { _ -> Double in (Double(rng.int(41)) - 20) / 4 }
            var axes: [Int]? = nil
            if rng.int(4) != 0 {
                axes = (0..<rank).filter { _ in rng.int(2) == 0 }.map { rng.int(2) == 0 ? $0 - rank : $0 }
                if rng.int(2) == 0 { axes = axes?.reversed() }
            }
            let normalized = (axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }.sorted()
            let keep = rng.int(2) == 0
            let outShape = Tensor.reducedShape(shape, axes: normalized, keepingDimensions: keep)
            let g = groups(vals, shape, normalized)
            let what = "trial \(trial) shape \(shape) axes \(String(describing: axes)) keep \(keep)"
            let x = try Tensor(vals, shape: shape)
            let xf = try x.cast(to: .float32)
            check(try x.sum(alongAxes: axes, keepingDimensions: keep), outShape, .float64, g.map { $0.reduce(0, +) }, tol: 1e-12, what)
            check(try xf.sum(alongAxes: axes, keepingDimensions: keep), outShape, .float32, g.map { $0.reduce(0, +) }, tol: 1e-6, what)
            check(try x.product(alongAxes: axes, keepingDimensions: keep), outShape, .float64, g.map { $0.reduce(1, *) }, tol: 1e-12, what)
            check(try xf.mean(alongAxes: axes, keepingDimensions: keep), outShape, .float32, g.map(refMean), tol: 1e-6, what)
            check(try x.variance(alongAxes: axes, keepingDimensions: keep), outShape, .float64, g.map(refVar), tol: 1e-12, what)
            check(try xf.standardDeviation(alongAxes: axes, keepingDimensions: keep), outShape, .float32, g.map { refVar($0).squareRoot() }, tol: 1e-6, what)
            check(try xf.maxValue(alongAxes: axes, keepingDimensions: keep), outShape, .float32, g.map(refMax), what)
            check(try x.minValue(alongAxes: axes, keepingDimensions: keep), outShape, .float64, g.map(refMin), what)
            check(try x.logSumExp(alongAxes: axes, keepingDimensions: keep), outShape, .float64, g.map(refLSE), tol: 1e-12, what)
            check(try x.any(alongAxes: axes, keepingDimensions: keep), outShape, .bool, g.map { $0.contains { $0 != 0 } ? 1 : 0 }, what)
            check(try x.all(alongAxes: axes, keepingDimensions: keep), outShape, .bool, g.map { $0.allSatisfy { $0 != 0 } ? 1 : 0 }, what)
            let xi = try x.multiplying(try Tensor.scalar(4, dtype: .float64)).cast(to: .int32)
            let gi = g.map { $0.map { $0 * 4 } }
            check(try xi.sum(alongAxes: axes, keepingDimensions: keep), outShape, .int32, gi.map { $0.reduce(0, +) }, what)
            check(try xi.mean(alongAxes: axes, keepingDimensions: keep), outShape, .int32,
                  gi.map { $0.isEmpty ? 0 : ($0.reduce(0, +) / Double($0.count)).rounded(.towardZero) }, what)
            check(try xi.maxValue(alongAxes: axes, keepingDimensions: keep), outShape, .int32,
                  gi.map { $0.isEmpty ? Double(Int32.min) : refMax($0) }, what)
            if rank > 0 {
                let axis = rng.int(2 * rank) - rank
                let a = axis < 0 ? axis + rank : axis
                let ga = groups(vals, shape, [a])
                let oa = Tensor.reducedShape(shape, axes: [a], keepingDimensions: keep)
                if shape[a] > 0 {
                    let ref = ga.map { grp -> Double in
                        var best = 0
                        for (i, v) in grp.enumerated() where v < grp[best] { best = i }
                        return Double(best)
                    }
                    check(try xf.argmin(alongAxis: axis, keepingDimensions: keep), oa, .int64, ref, what)
                }
                // cumsum reference: walk each output group in order, writing running sums back.
                var expect = vals
                let strides = ShapeMath.strides(shape)
                for (flat, _) in vals.enumerated() {
                    let i = (flat / strides[a]) % Swift.max(shape[a], 1)
                    if i > 0 { expect[flat] = expect[flat - strides[a]] + vals[flat] }
                }
                check(try x.cumulativeSum(alongAxis: axis), shape, .float64, expect, tol: 1e-12, what)
            }
        }
    }

    func testBadInputs() throws {
        let x = try Tensor(m23, shape: [2, 3])
        let cases: [(SwiftKerasError.Kind, String, () throws -> Tensor)] = [
            (.invalidArgument, "sum: axis 2 is out of bounds for a tensor of rank 2", { try x.sum(alongAxes: [2]) }),
            (.invalidArgument, "mean: axis -3 is out of bounds for a tensor of rank 2", { try x.mean(alongAxes: [0, -3]) }),
            (.invalidArgument, "prod: axis -1 is repeated in [1, -1]", { try x.product(alongAxes: [1, -1]) }),
            (.invalidArgument, "max: axis 0 is repeated in [0, 0]", { try x.maxValue(alongAxes: [0, 0]) }),
            (.invalidArgument, "var: axis 5 is out of bounds for a tensor of rank 2", { try x.variance(alongAxes: [5]) }),
            (.invalidArgument, "std: axis 5 is out of bounds for a tensor of rank 2", { try x.standardDeviation(alongAxes: [5]) }),
            (.invalidArgument, "min: axis 0 is out of bounds for a tensor of rank 0", { try Tensor(scalar: Float(1)).minValue(alongAxes: [0]) }),
            (.invalidArgument, "any: axis 9 is out of bounds for a tensor of rank 2", { try x.any(alongAxes: [9]) }),
            (.invalidArgument, "all: axis -9 is out of bounds for a tensor of rank 2", { try x.all(alongAxes: [-9]) }),
            (.invalidArgument, "argmax: axis 2 is out of bounds for a tensor of rank 2", { try x.argmax(alongAxis: 2) }),
            (.invalidArgument, "argmin: axis 0 is out of bounds for a tensor of rank 0", { try Tensor(scalar: Float(1)).argmin(alongAxis: 0) }),
            (.invalidArgument, "argmax: cannot take the argmax of an empty axis 1 of shape (3, 0)",
             { try Tensor.zeros([3, 0]).argmax(alongAxis: 1) }),
            (.invalidArgument, "argmin: cannot take the argmin of an empty axis -2 of shape (0, 0)",
             { try Tensor.zeros([0, 0]).argmin(alongAxis: -2) }),
            (.invalidArgument, "argmax: cannot take the argmax of an empty tensor of shape (2, 0)",
             { try Tensor.zeros([2, 0]).argmax() }),
            (.invalidDType, "logsumexp: dtype bool is not supported (shape (2,))", { try Tensor([true, false]).logSumExp() }),
            (.invalidArgument, "logsumexp: axis 3 is out of bounds for a tensor of rank 2", { try x.logSumExp(alongAxes: [3]) }),
            (.invalidArgument, "cumsum: axis 2 is out of bounds for a tensor of rank 2", { try x.cumulativeSum(alongAxis: 2) }),
            (.invalidArgument, "cumprod: axis 0 is out of bounds for a tensor of rank 0", { try Tensor(scalar: Float(1)).cumulativeProduct(alongAxis: 0) }),
        ]
        for (kind, message, body) in cases { assertError(kind, message, body) }
    }

    func testRecordsOneOpPerReduction() throws {
        final class Log: OpObserver {
            var ops: [String] = []
            func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
                ops.append("\(op)")
            }
        }
        let log = Log()
        let x = try Tensor(m23, shape: [2, 3])
        OpObservers.push(log)
        defer { OpObservers.remove(log) }
        _ = try x.sum(alongAxes: [0])
        _ = try x.argmax(alongAxis: 1)
        _ = try x.cumulativeSum(alongAxis: 0)
        XCTAssertEqual(log.ops, ["sum", "argmax", "cumsum"])
    }
    /// The gradient of `f` at `x` (float64) through a tape, weighted by `w` if given.
    private func grad(_ x: [Double], _ shape: [Int], _ w: [Double]? = nil,
                      _ f: (Tensor) throws -> Tensor) throws -> [Double] {
        let t = try Tensor(x, shape: shape)
        let tape = GradientTape()
        tape.watch(t)
        let y = try tape.record { try f(t) }
        let seed = try w.map { try Tensor($0, shape: y.shape) }
        let g = try tape.gradient(y, [.tensor(t)], outputGradients: seed)[0]
        return try XCTUnwrap(g).doubles
    }

    func testProdGradientWithZeros() throws {
        // One zero: only the zero gets a gradient (the product of the others).
        XCTAssertEqual(try grad([2, 0, 3, 4], [4]) { try $0.product() }, [0, 24, 0, 0])
        // Two zeros: everything is zero.
        XCTAssertEqual(try grad([2, 0, 0, 4], [4]) { try $0.product() }, [0, 0, 0, 0])
        // Per row along axis -1, with keepdims and a weighted cotangent.
        XCTAssertEqual(try grad([1, 2, 3, 0, 5, 6], [2, 3], [2, 10]) { try $0.product(alongAxes: [-1], keepingDimensions: true) },
                       [12, 6, 4, 300, 0, 0])
        // Along axis 0 of a (3, 2) tensor with a zero in column 1.
        XCTAssertEqual(try grad([1, 0, 2, 5, 3, 7], [3, 2]) { try $0.product(alongAxes: [0]) }, [6, 35, 3, 0, 2, 0])
        // Axes (0, 2) of a (2, 1, 2) tensor.
        XCTAssertEqual(try grad([1, 2, 0, 4], [2, 1, 2]) { try $0.product(alongAxes: [0, 2]) }, [0, 0, 8, 0])
    }

    func testMaxMinGradientSplitsTies() throws {
        XCTAssertEqual(try grad([1, 3, 3, 2], [4]) { try $0.maxValue() }, [0, 0.5, 0.5, 0])
        XCTAssertEqual(try grad([5, 5, 5, 1, 2, 1], [2, 3], [3, 4]) { try $0.maxValue(alongAxes: [1]) }, [1, 1, 1, 0, 4, 0])
        XCTAssertEqual(try grad([5, 5, 5, 1, 2, 1], [2, 3], [3, 4]) { try $0.minValue(alongAxes: [-1]) }, [1, 1, 1, 2, 0, 2])
        XCTAssertEqual(try grad([1, 4, 4, 1], [2, 2]) { try $0.minValue(alongAxes: [0], keepingDimensions: true) },
                       [1, 0, 0, 1])
    }

    func testScanGradients() throws {
        XCTAssertEqual(try grad([1, 2, 3], [3], [1, 10, 100]) { try $0.cumulativeSum(alongAxis: 0) }, [111, 110, 100])
        XCTAssertEqual(try grad([1, 2, 3, 4], [2, 2]) { try $0.cumulativeSum(alongAxis: 0) }, [2, 2, 1, 1])
        // cumprod [a, ab, abc] at (2, 3, 4): d/da = 1 + b + bc = 16, d/db = a + ac = 10, d/dc = ab = 6.
        XCTAssertEqual(try grad([2, 3, 4], [3]) { try $0.cumulativeProduct(alongAxis: -1) }, [16, 10, 6])
        // A zero gives 0 where TensorFlow's div_no_nan does (never NaN).
        let g = try grad([2, 0, 4], [3]) { try $0.cumulativeProduct(alongAxis: 0) }
        XCTAssertEqual(g, [1, 0, 0])
    }

    func testVarStdLogSumExpGradients() throws {
        // var of [1, 2, 3, 6]: mean 3, d/dx = 2 (x - 3) / 4.
        XCTAssertEqual(try grad([1, 2, 3, 6], [4]) { try $0.variance() }, [-1, -0.5, 0, 1.5])
        // std = sqrt(3.5): d/dx = (x - 3) / (4 std).
        let s = 3.5.squareRoot()
        let gs = try grad([1, 2, 3, 6], [4]) { try $0.standardDeviation() }
        for (a, e) in zip(gs, [-2, -1, 0, 3].map { $0 / (4 * s) }) { XCTAssertEqual(a, e, accuracy: 1e-12) }
        // logsumexp: softmax.
        let gl = try grad([0, log(3.0)], [2]) { try $0.logSumExp() }
        XCTAssertEqual(gl[0], 0.25, accuracy: 1e-12)
        XCTAssertEqual(gl[1], 0.75, accuracy: 1e-12)
    }
}
