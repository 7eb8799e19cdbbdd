import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// Oracles: exact small cases (values + dtype + shape), numpy's slicing table (generated with
// numpy 1-D slices of arange(6)), randomized comparison against plain index arithmetic, and a
// bad-input table with exact messages.

private func iota(_ s: [Int], _ dtype: DType = .float32) throws -> Tensor {
    let n = s.reduce(1, *)
    return try Tensor.from(doubles: (0..<n).map(Double.init), shape: s, dtype: dtype)
}

private func ints(_ a: [Int]) -> [Double] { a.map(Double.init) }


private func reference(_ shape: [Int], _ f: ([Int]) -> Double) -> [Double] {
    let n = shape.reduce(1, *)
    return (0..<n).map { f(unravel($0, shape)) }
}

/// CPython's slice semantics, written as a loop over candidate indices.
private func pySlice(_ n: Int, _ b: Int?, _ e: Int?, _ st: Int?) -> [Int] {
    let s = st ?? 1
    var out: [Int] = []
    if s > 0 {
        var lo = b ?? 0, hi = e ?? n
        if lo < 0 { lo += n }; if hi < 0 { hi += n }
        lo = min(max(lo, 0), n); hi = min(max(hi, 0), n)
        var i = lo
        while i < hi { out.append(i); i += s }
    } else {
        var hi = b ?? (n - 1), lo = e ?? -1 - n
        if hi < 0 { hi += n }; if lo < 0 { lo += n }
        hi = min(hi, n - 1); lo = max(lo, -1)
        var i = hi
        while i > lo && i >= 0 { out.append(i); i += s }
    }
    return out
}

final class ShapeOpsTests: XCTestCase {
    // MARK: exact small cases

    func testExpandDimsSqueezeFlatten() throws {
        let x = try iota([2, 3])
        check(try x.expandingDims(at: 0), [1, 2, 3], .float32, ints(Array(0..<6)))
        XCTAssertEqual(try x.expandingDims(at: 1).shape, [2, 1, 3])
        XCTAssertEqual(try x.expandingDims(at: 2).shape, [2, 3, 1])
        XCTAssertEqual(try x.expandingDims(at: -1).shape, [2, 3, 1])
        XCTAssertEqual(try x.expandingDims(at: -3).shape, [1, 2, 3])
        XCTAssertEqual(try Tensor(scalar: Int64(4)).expandingDims(at: -1).shape, [1])
        let y = try iota([1, 2, 1, 3, 1], .int32)
        check(try y.squeezed(), [2, 3], .int32, ints(Array(0..<6)))
        XCTAssertEqual(try y.squeezed(axes: [0, -1]).shape, [2, 1, 3])
        XCTAssertEqual(try y.squeezed(axes: [2]).shape, [1, 2, 3, 1])
        XCTAssertEqual(try Tensor.zeros([1, 1]).squeezed().shape, [])
        XCTAssertEqual(try x.squeezed().shape, [2, 3])
        check(try y.flattened(), [6], .int32, ints(Array(0..<6)))
        check(try Tensor(scalar: 2.5 as Double).flattened(), [1], .float64, [2.5])
        check(try iota([2, 3, 2], .uint8).batchFlattened(), [2, 6], .uint8, ints(Array(0..<12)))
        XCTAssertEqual(try iota([4]).batchFlattened().shape, [4, 1])
        XCTAssertEqual(try Tensor.zeros([0, 3, 2]).batchFlattened().shape, [0, 6])
        XCTAssertEqual(try Tensor.zeros([3, 0, 2]).batchFlattened().shape, [3, 0])
    }

    func testConcatenate() throws {
        let a = try iota([2, 2]), b = try i32([10, 11, 12, 13, 14, 15], [2, 3])
        check(try concatenate([a, b], axis: 1), [2, 5], .float32, [0, 1, 10, 11, 12, 2, 3, 13, 14, 15])
        check(try concatenate([a, b], axis: -1), [2, 5], .float32, [0, 1, 10, 11, 12, 2, 3, 13, 14, 15])
        let c = try i32([7, 8], [1, 2])
        check(try concatenate([a.cast(to: .int32), c, c], axis: 0), [4, 2], .int32, [0, 1, 2, 3, 7, 8, 7, 8])
        // Promotion: uint8 + int32 → int32, bool + int64 → int64, float16 + bfloat16 → float32.
        XCTAssertEqual(try concatenate([iota([2], .uint8), iota([1], .int32)]).dtype, .int32)
        check(try concatenate([iota([2], .bool), iota([1], .int64)]), [3], .int64, [0, 1, 0])
        check(try concatenate([iota([2], .float16), iota([2], .bfloat16)]), [4], .float32, [0, 1, 0, 1])
        check(try concatenate([iota([2], .float64), iota([1], .float32)]), [3], .float64, [0, 1, 0])
        // Empty inputs and single input.
        check(try concatenate([Tensor.zeros([2, 0]), a], axis: 1), [2, 2], .float32, [0, 1, 2, 3])
        check(try concatenate([a]), [2, 2], .float32, [0, 1, 2, 3])
        // NaN and infinities copy bit for bit.
        let n = try f32([.nan, .infinity], [2])
        let r = try concatenate([n, n]).scalars(as: Float.self)
        XCTAssertTrue(r[0].isNaN && r[2].isNaN && r[1] == .infinity && r[3] == .infinity)
    }

    func testStackAndSplit() throws {
        let a = try iota([2]), b = try f32([5, 6], [2])
        check(try stack([a, b]), [2, 2], .float32, [0, 1, 5, 6])
        check(try stack([a, b], axis: 1), [2, 2], .float32, [0, 5, 1, 6])
        check(try stack([a, b], axis: -1), [2, 2], .float32, [0, 5, 1, 6])
        check(try stack([Tensor(scalar: Int32(3)), Tensor(scalar: 4.0 as Double)]), [2], .float64, [3, 4])
        let x = try iota([2, 6], .int64)
        let p = try x.split(into: 3, axis: 1)
        XCTAssertEqual(p.count, 3)
        check(p[0], [2, 2], .int64, [0, 1, 6, 7])
        check(p[2], [2, 2], .int64, [4, 5, 10, 11])
        let q = try x.split(sizes: [1, 0, -1], axis: -1)
        check(q[0], [2, 1], .int64, [0, 6])
        check(q[1], [2, 0], .int64, [])
        check(q[2], [2, 5], .int64, [1, 2, 3, 4, 5, 7, 8, 9, 10, 11])
        let r = try x.split(into: 2)
        check(r[1], [1, 6], .int64, ints(Array(6..<12)))
    }

    func testTileRepeat() throws {
        let x = try iota([2, 3], .int32)
        check(try x.tiled(multiples: [2, 1, 2]), [2, 2, 6], .int32,
              [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        check(try i32([1, 2, 3], [3]).tiled(multiples: [2]), [6], .int32, [1, 2, 3, 1, 2, 3])
        check(try x.tiled(multiples: [2]), [2, 6], .int32, [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        check(try x.tiled(multiples: [0, 3]), [0, 9], .int32, [])
        check(try Tensor(scalar: 1.5 as Double).tiled(multiples: [3]), [3], .float64, [1.5, 1.5, 1.5])
        check(try x.repeatingElements(count: 2, axis: 1), [2, 6], .int32, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        check(try x.repeatingElements(count: 2, axis: 0), [4, 3], .int32, [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        check(try x.repeatingElements(count: 0, axis: -1), [2, 0], .int32, [])
        check(try iota([2, 2], .bfloat16).repeatedVector(count: 2), [2, 2, 2], .bfloat16, [0, 1, 0, 1, 2, 3, 2, 3])
        XCTAssertEqual(try x.repeatedVector(count: 0).shape, [2, 0, 3])
    }

    func testReverse() throws {
        let x = try iota([2, 3, 4], .float16)
        check(try x.reversed(alongAxes: [0, -1]), [2, 3, 4], .float16,
              [15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8])
        check(try iota([3]).reversed(alongAxes: [0]), [3], .float32, [2, 1, 0])
        check(try iota([3]).reversed(alongAxes: []), [3], .float32, [0, 1, 2])
        XCTAssertEqual(try Tensor.zeros([0, 2]).reversed(alongAxes: [0, 1]).shape, [0, 2])
    }

    func testNumpySliceTable() throws {
        let x = try iota([6], .int64)
        let table: [(Int?, Int?, Int?, [Int])] = [
            (1, -1, 1, [1, 2, 3, 4]),
            (6, -1, -2, []),
            (9, 9, 7, []),
            (5, 9, 1, [5]),
            (-8, 9, 3, [0, 3]),
            (3, -1, nil, [3, 4]),
            (0, -8, 7, []),
            (9, nil, 3, []),
            (-6, -6, -7, []),
            (nil, 1, 2, [0]),
            (5, 3, -2, [5]),
            (0, nil, -7, [0]),
            (3, 1, -4, [3]),
            (1, 3, 7, [1]),
            (5, -5, nil, []),
            (3, 1, 1, []),
            (nil, -8, -7, [5]),
            (3, 6, nil, [3, 4, 5]),
            (-5, -1, nil, [1, 2, 3, 4]),
            (-8, 9, 7, [0]),
            (-5, -6, -7, [1]),
            (5, -1, -7, []),
            (3, -1, 2, [3]),
            (5, nil, 1, [5]),
            (0, 0, 2, []),
            (-6, 3, -4, []),
            (nil, 6, -4, []),
            (-8, 0, nil, []),
            (9, 1, -4, [5]),
            (5, -5, 1, []),
            (0, nil, -1, [0]),
            (0, 6, nil, [0, 1, 2, 3, 4, 5]),
            (1, 0, nil, []),
            (6, 3, 7, []),
            (-1, 0, -7, [5]),
            (nil, -1, -2, []),
            (6, 6, nil, []),
            (-1, -5, 1, []),
            (nil, -1, 3, [0, 3]),
            (-6, nil, -2, [0]),
            (-8, 1, nil, [0]),
            (-6, 3, nil, [0, 1, 2]),
            (1, -6, 1, []),
            (-1, nil, -1, [5, 4, 3, 2, 1, 0]),
            (-6, -1, 1, [0, 1, 2, 3, 4]),
            (9, 3, -1, [5, 4]),
            (-5, -6, -4, [1]),
            (nil, 5, -4, []),
            (nil, 5, -7, []),
            (-6, 0, -1, []),
            (1, -5, 2, []),
            (5, -8, 2, []),
            (5, 6, 2, [5]),
            (3, -6, 2, []),
            (-8, 3, 2, [0, 2]),
            (-8, -8, 3, []),
            (1, 1, -7, []),
            (9, -8, -7, [5]),
            (5, 1, -1, [5, 4, 3, 2]),
            (-5, 1, -4, []),
            (9, 6, -1, []),
            (-6, 1, -1, []),
            (6, 9, -4, []),
            (1, -5, 3, []),
            (-5, 0, nil, []),
            (-8, 3, 3, [0]),
            (5, nil, -7, [5]),
            (5, nil, 2, [5]),
            (-8, nil, 7, [0]),
            (nil, 9, -7, []),
            (3, 1, 2, []),
            (-1, -5, 7, []),
            (3, -5, 2, []),
            (-5, 3, 2, [1]),
            (1, -1, 7, [1]),
            (0, -6, -7, []),
            (5, -6, 2, []),
            (3, -8, 1, []),
            (nil, -6, -2, [5, 3, 1]),
            (-6, 9, -7, []),
            (6, 3, -2, [5]),
            (5, 5, -2, []),
            (-1, nil, 2, [5]),
            (-1, -6, nil, []),
            (3, -5, 3, []),
            (5, nil, -1, [5, 4, 3, 2, 1, 0]),
            (3, 6, 2, [3, 5]),
            (nil, -1, nil, [0, 1, 2, 3, 4]),
            (nil, -1, -1, []),
            (3, 5, -4, []),
            (-8, nil, 1, [0, 1, 2, 3, 4, 5]),
            (3, 3, -2, []),
            (nil, nil, 1, [0, 1, 2, 3, 4, 5]),
            (-6, 5, -2, []),
            (1, 0, -7, [1]),
            (9, 0, nil, []),
            (-5, 3, -2, []),
            (nil, -6, -7, [5]),
            (6, -1, -7, []),
            (-1, 5, 2, []),
            (9, 1, nil, []),
            (0, nil, 2, [0, 2, 4]),
            (nil, 6, 2, [0, 2, 4]),
            (nil, -5, -2, [5, 3]),
            (9, 5, 2, []),
            (nil, 5, 1, [0, 1, 2, 3, 4]),
            (3, nil, 1, [3, 4, 5]),
            (-1, 9, nil, [5]),
            (5, 0, 3, []),
            (1, 6, 3, [1, 4]),
            (3, 3, -7, []),
            (3, -6, 1, []),
            (3, 5, nil, [3, 4]),
            (-5, -1, -2, []),
            (0, 0, -2, []),
            (-5, -8, 2, []),
            (1, 1, 3, []),
            (nil, 0, 2, []),
            (6, 6, -2, []),
            (-8, 1, -2, []),
        ]
        for (b, e, st, want) in table {
            let r = try x.sliced(start: [b], stop: [e], step: [st])
            XCTAssertEqual(r.shape, [want.count], "\(String(describing: b)):\(String(describing: e)):\(String(describing: st))")
            XCTAssertEqual(r.doubles, ints(want), "\(String(describing: b)):\(String(describing: e)):\(String(describing: st))")
            XCTAssertEqual(r.dtype, .int64)
            XCTAssertEqual(pySlice(6, b, e, st), want, "reference slice")
        }
        // Extreme values clamp instead of overflowing.
        XCTAssertEqual(try x.sliced(start: [Int.min], stop: [Int.max], step: [Int.max]).doubles, [0])
        XCTAssertEqual(try x.sliced(start: [Int.max], stop: [Int.min], step: [Int.min]).doubles, [5])
        XCTAssertEqual(try x.sliced(start: [nil], stop: [nil], step: [Int.min + 1]).doubles, [5])
    }

    func testSliceMultiAxis() throws {
        let x = try iota([3, 4])
        check(try x.sliced(start: [1], stop: [nil]), [2, 4], .float32, ints(Array(4..<12)))
        check(try x.sliced(start: [nil, -1], stop: [nil, nil], step: [-1, -2]), [3, 2], .float32, [11, 9, 7, 5, 3, 1])
        check(try x.sliced(start: [2, 0], stop: [0, 4], step: [1, 1]), [0, 4], .float32, [])
        check(try x.slice(begin: [1, 1], size: [2, -1]), [2, 3], .float32, [5, 6, 7, 9, 10, 11])
        check(try x.slice(begin: [3, 0], size: [-1, 2]), [0, 2], .float32, [])
        check(try Tensor(scalar: Int32(9)).slice(begin: [], size: []), [], .int32, [9])
        check(try Tensor(scalar: Int32(9)).sliced(), [], .int32, [9])
    }

    func testGatherAndOneHot() throws {
        let x = try iota([3, 4], .int32)
        check(try x.gathered(indices: i32([2, 0, 1, 1], [2, 2]), axis: 1), [3, 2, 2], .int32,
              [2, 0, 1, 1, 6, 4, 5, 5, 10, 8, 9, 9])
        check(try x.gathered(indices: i64([2, 2], [2])), [2, 4], .int32, [8, 9, 10, 11, 8, 9, 10, 11])
        check(try x.gathered(indices: Tensor(scalar: Int64(1)), axis: -2), [4], .int32, [4, 5, 6, 7])
        check(try x.gathered(indices: i32([], [0])), [0, 4], .int32, [])
        check(try oneHot(i32([0, 2, -1, 3], [2, 2]), depth: 3), [2, 2, 3], .float32,
              [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        check(try oneHot(iota([2], .uint8), depth: 2), [2, 2], .float32, [1, 0, 0, 1])
        check(try oneHot(Tensor(scalar: Int64(1)), depth: 2), [2], .float32, [0, 1])
        check(try oneHot(i64([1], [1]), depth: 0), [1, 0], .float32, [])
    }

    func testPadding() throws {
        let x = try iota([2, 3], .int32)
        check(try x.padded([(1, 0), (0, 2)], value: 7), [3, 5], .int32,
              [7, 7, 7, 7, 7, 0, 1, 2, 7, 7, 3, 4, 5, 7, 7])
        check(try iota([2], .bool).padded([(1, 1)], value: 1), [4], .bool, [1, 0, 1, 1])
        XCTAssertEqual(try Tensor.zeros([0]).padded([(1, 1)], value: .nan).shape, [2])
        XCTAssertTrue(try Tensor.zeros([0]).padded([(1, 1)], value: .nan).doubles.allSatisfy(\.isNaN))
        check(try Tensor(scalar: Int32(3)).padded([]), [], .int32, [3])
        let t = try iota([1, 2, 1]).temporalPadded(left: 1, right: 2)
        check(t, [1, 5, 1], .float32, [0, 0, 1, 0, 0])
        let img = try iota([1, 2, 2, 1])
        let p = try img.spatial2DPadded(((1, 0), (0, 1)))
        check(p, [1, 3, 3, 1], .float32, [0, 0, 0, 0, 1, 0, 2, 3, 0])
        let q = try iota([1, 1, 2, 2]).spatial2DPadded(((1, 0), (0, 1)), dataFormat: .channelsFirst)
        check(q, [1, 1, 3, 3], .float32, [0, 0, 0, 0, 1, 0, 2, 3, 0])
        XCTAssertEqual(try img.spatial2DPadded().shape, [1, 4, 4, 1])
        let v = try iota([1, 1, 1, 2, 1]).spatial3DPadded(((0, 1), (1, 0), (0, 0)))
        check(v, [1, 2, 2, 2, 1], .float32, [0, 0, 0, 1, 0, 0, 0, 0])
        let w = try iota([1, 1, 1, 1, 2]).spatial3DPadded(((0, 0), (0, 0), (1, 1)), dataFormat: .channelsFirst)
        check(w, [1, 1, 1, 1, 4], .float32, [0, 0, 1, 0])
        XCTAssertEqual(DataFormat(rawValue: "channels_first"), .channelsFirst)
    }

    /// Every op on every dtype: values are copied bit for bit (checked via doubles).
    func testEveryDType() throws {
        for dt in DType.allCases {
            let raw: [Double] = dt == .bool ? [1, 0, 1, 1, 0, 0] : [3, 1, 4, 1, 5, 9]
            let x = try Tensor.from(doubles: raw, shape: [2, 3], dtype: dt)
            let v = x.doubles
            let r0 = Array(v[0..<3]), r1 = Array(v[3..<6])
            var twice: [Double] = r0 + r0
            twice += r1 + r1
            check(try x.transposed(), [3, 2], dt, [v[0], v[3], v[1], v[4], v[2], v[5]])
            check(try concatenate([x, x], axis: 0), [4, 3], dt, v + v)
            check(try stack([x, x], axis: 1), [2, 2, 3], dt, twice)
            check(try x.tiled(multiples: [1, 2]), [2, 6], dt, twice)
            check(try x.repeatingElements(count: 2, axis: 0), [4, 3], dt, twice)
            check(try x.repeatedVector(count: 1), [2, 1, 3], dt, v)
            check(try x.reversed(alongAxes: [1]), [2, 3], dt, [v[2], v[1], v[0], v[5], v[4], v[3]])
            check(try x.sliced(start: [nil, 1], stop: [nil, nil], step: [-1, 1]), [2, 2], dt, [v[4], v[5], v[1], v[2]])
            check(try x.slice(begin: [1, 0], size: [1, 2]), [1, 2], dt, [v[3], v[4]])
            check(try x.gathered(indices: i32([2, 0], [2]), axis: 1), [2, 2], dt, [v[2], v[0], v[5], v[3]])
            check(try x.padded([(0, 0), (1, 0)], value: 1), [2, 4], dt, [1, v[0], v[1], v[2], 1, v[3], v[4], v[5]])
            let s = try x.split(into: 3, axis: 1)
            check(s[1], [2, 1], dt, [v[1], v[4]])
            check(try x.expandingDims(at: 0).squeezed(), [2, 3], dt, v)
            check(try x.batchFlattened(), [2, 3], dt, v)
            check(try x.flattened(), [6], dt, v)
        }
    }

    // MARK: randomized comparison against index arithmetic

    func testRandomizedAgainstReference() throws {
        var rng = SplitMix64(42)
        let dtypes: [DType] = DType.allCases
        func randomShape(_ minRank: Int = 0) -> [Int] {
            let r = Int.random(in: minRank...4, using: &rng)
            return (0..<r).map { _ in Int.random(in: 0...4, using: &rng) == 0 ? Int.random(in: 0...1, using: &rng) : Int.random(in: 1...5, using: &rng) }
        }
        func randomTensor(_ shape: [Int], _ dt: DType) throws -> Tensor {
            let n = shape.reduce(1, *)
            let vals = (0..<n).map { _ in Double(Int.random(in: 0..<(dt == .bool ? 2 : 200), using: &rng)) }
            return try Tensor.from(doubles: vals, shape: shape, dtype: dt)
        }
        for iter in 0..<400 {
            let shape = randomShape()
            let dt = dtypes[Int.random(in: 0..<dtypes.count, using: &rng)]
            let x = try randomTensor(shape, dt)
            let xv = x.doubles
            let r = shape.count
            let ctx = "iteration \(iter), shape \(shape), dtype \(dt)"
            // transpose
            let perm = Array(0..<r).shuffled(using: &rng)
            let tOut = try x.transposed(perm)
            let tShape = perm.map { shape[$0] }
            XCTAssertEqual(tOut.shape, tShape, ctx)
            XCTAssertEqual(tOut.doubles, reference(tShape) { o in
                var i = [Int](repeating: 0, count: r)
                for d in 0..<r { i[perm[d]] = o[d] }
                return xv[ravel(i, shape)]
            }, "transpose \(perm) \(ctx)")
            // strided slice
            var starts: [Int?] = [], stops: [Int?] = [], steps: [Int?] = []
            var lists: [[Int]] = []
            for d in 0..<r {
                func bound() -> Int? { Int.random(in: 0...3, using: &rng) == 0 ? nil : Int.random(in: -8...8, using: &rng) }
                let b = bound(), e = bound()
                var st: Int? = Int.random(in: -3...3, using: &rng)
                if st == 0 { st = nil }
                starts.append(b); stops.append(e); steps.append(st)
                lists.append(pySlice(shape[d], b, e, st))
            }
            let sOut = try x.sliced(start: starts, stop: stops, step: steps)
            let sShape = lists.map(\.count)
            XCTAssertEqual(sOut.shape, sShape, "slice \(starts) \(stops) \(steps) \(ctx)")
            XCTAssertEqual(sOut.doubles, reference(sShape) { o in
                xv[ravel((0..<r).map { lists[$0][o[$0]] }, shape)]
            }, "slice \(ctx)")
            XCTAssertEqual(sOut.dtype, dt)
            guard r > 0 else { continue }
            let axis = Int.random(in: 0..<r, using: &rng)
            // gather
            if shape[axis] > 0 {
                let ishape = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int.random(in: 0...3, using: &rng) }
                let ivals = (0..<ishape.reduce(1, *)).map { _ in Int64(Int.random(in: 0..<shape[axis], using: &rng)) }
                let ind = try Tensor(ivals, shape: ishape)
                let gOut = try x.gathered(indices: ind.cast(to: Bool.random(using: &rng) ? .int32 : .int64), axis: axis - (Bool.random(using: &rng) ? r : 0))
                let gShape = Array(shape[..<axis]) + ishape + Array(shape[(axis + 1)...])
                XCTAssertEqual(gOut.shape, gShape, ctx)
                XCTAssertEqual(gOut.doubles, reference(gShape) { o in
                    let k = ishape.count
                    let pick = Int(ivals[ravel(Array(o[axis..<(axis + k)]), ishape)])
                    return xv[ravel(Array(o[..<axis]) + [pick] + Array(o[(axis + k)...]), shape)]
                }, "gather \(ctx)")
            }
            // concatenate with promotion
            var parts = [x]
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                var s = shape
                s[axis] = Int.random(in: 0...3, using: &rng)
                parts.append(try randomTensor(s, dtypes[Int.random(in: 0..<dtypes.count, using: &rng)]))
            }
            let cOut = try concatenate(parts, axis: axis)
            var cShape = shape
            cShape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
            let cType = parts.dropFirst().reduce(parts[0].dtype) { $0.promoted(with: $1.dtype) }
            XCTAssertEqual(cOut.shape, cShape, ctx)
            XCTAssertEqual(cOut.dtype, cType, ctx)
            let pv = parts.map(\.doubles)
            XCTAssertEqual(cOut.doubles, reference(cShape) { o in
                var j = o[axis], p = 0
                while j >= parts[p].shape[axis] { j -= parts[p].shape[axis]; p += 1 }
                var oi = o
                oi[axis] = j
                return pv[p][ravel(oi, parts[p].shape)]
            }, "concatenate \(ctx)")
            // split back
            let pieces = try cOut.split(sizes: parts.map { $0.shape[axis] }, axis: axis)
            for (p, piece) in zip(parts, pieces) {
                XCTAssertEqual(piece.shape, p.shape, ctx)
                XCTAssertEqual(piece.doubles, try p.cast(to: cType).doubles, "split \(ctx)")
            }
            // tile (multiples may be longer or shorter than the rank)
            let mult = (0..<Int.random(in: 0...(r + 1), using: &rng)).map { _ in Int.random(in: 0...3, using: &rng) }
            let tiled = try x.tiled(multiples: mult)
            let rr = max(r, mult.count)
            let xs = [Int](repeating: 1, count: rr - r) + shape
            let ms = [Int](repeating: 1, count: rr - mult.count) + mult
            let tlShape = (0..<rr).map { xs[$0] * ms[$0] }
            XCTAssertEqual(tiled.shape, tlShape, "tile \(mult) \(ctx)")
            XCTAssertEqual(tiled.doubles, reference(tlShape) { o in
                xv[ravel((0..<rr).map { o[$0] % xs[$0] }, xs)]
            }, "tile \(mult) \(ctx)")
            // repeat elements
            let k = Int.random(in: 0...3, using: &rng)
            let rep = try x.repeatingElements(count: k, axis: axis)
            var rShape = shape
            rShape[axis] *= k
            XCTAssertEqual(rep.shape, rShape, ctx)
            XCTAssertEqual(rep.doubles, reference(rShape) { o in
                var i = o
                i[axis] /= k
                return xv[ravel(i, shape)]
            }, "repeat_elements \(ctx)")
            // pad
            let pads = (0..<r).map { _ in (Int.random(in: 0...2, using: &rng), Int.random(in: 0...2, using: &rng)) }
            let padded = try x.padded(pads, value: 1)
            let pShape = (0..<r).map { shape[$0] + pads[$0].0 + pads[$0].1 }
            XCTAssertEqual(padded.shape, pShape, ctx)
            XCTAssertEqual(padded.doubles, reference(pShape) { o in
                var i = o
                for d in 0..<r {
                    i[d] -= pads[d].0
                    if i[d] < 0 || i[d] >= shape[d] { return 1 }
                }
                return xv[ravel(i, shape)]
            }, "pad \(ctx)")
            // reverse
            let axes = (0..<r).filter { _ in Bool.random(using: &rng) }
            let rev = try x.reversed(alongAxes: axes)
            XCTAssertEqual(rev.doubles, reference(shape) { o in
                var i = o
                for a in axes { i[a] = shape[a] - 1 - o[a] }
                return xv[ravel(i, shape)]
            }, "reverse \(axes) \(ctx)")
        }
    }

    func testLargeCopiesUseThreadsCorrectly() throws {
        // Big enough to take the parallel paths of the copy kernel and the blocked transpose.
        let x = try iota([1500, 1499], .int32)
        let st = ShapeMath.strides([1500, 1499])
        let t = try Tensor.uninitialized([1499, 1500], .int32, op: "test")
        ShapeKernels.copy(from: x.raw, [st[1], st[0]], to: t.raw, [1500, 1], shape: [1499, 1500], elementSize: 4)
        let tv = try t.scalars(as: Int32.self)
        for i in stride(from: 0, to: 1500, by: 37) { for j in stride(from: 0, to: 1499, by: 41) {
            XCTAssertEqual(tv[j * 1500 + i], Int32(i * 1499 + j))
        } }
        let c = try concatenate([x, x], axis: 1)
        let cv = try c.scalars(as: Int32.self)
        XCTAssertEqual(cv[2998 * 1499 + 1499 + 1498], Int32(1499 * 1499 + 1498))
        XCTAssertEqual(cv[2998 * 750 + 3], Int32(750 * 1499 + 3))
        let flat = try concatenate([x.flattened(), x.flattened()]).scalars(as: Int32.self)
        XCTAssertEqual(flat[1500 * 1499 + 1_000_000], 1_000_000)
        let g = try x.gathered(indices: Tensor((0..<1500).reversed().map(Int32.init)), axis: 0)
        let gv = try g.scalars(as: Int32.self)
        XCTAssertEqual(gv[0], 1499 * 1499)
        XCTAssertEqual(gv[1499 * 1499 + 5], 5)
        XCTAssertEqual(gv[750 * 1499 + 7], 749 * 1499 + 7)
        // Gathering single elements in parallel chunks that start mid-row.
        let wide = try iota([3, 900_001], .int32)
        let rev = Tensor((0..<900_001).reversed().map(Int64.init))
        let gw = try wide.gathered(indices: rev, axis: 1).scalars(as: Int32.self)
        XCTAssertEqual(gw.count, 2_700_003)
        for r in stride(from: 0, to: 2_700_003, by: 997) {
            XCTAssertEqual(gw[r], Int32((r / 900_001) * 900_001 + 900_000 - r % 900_001))
        }
        // The blocked transpose inside the copy kernel, against the strided copy of Layout.swift,
        // for every element size, odd sizes, batched planes and permutations that move planes.
        for dt in [DType.uint8, .float16, .int32, .float64] {
            for shape in [[700, 600], [33, 65], [1, 5], [64, 32], [9, 8], [3, 17, 10], [2, 3, 9, 11]] {
                let n = shape.reduce(1, *)
                let m = try Tensor.from(doubles: (0..<n).map { Double(dt.byteSize >= 4 ? $0 : $0 % 199) }, shape: shape, dtype: dt)
                let perms: [[Int]] = shape.count == 2 ? [[1, 0]] : shape.count == 3 ? [[0, 2, 1], [2, 1, 0], [1, 2, 0]] : [[0, 1, 3, 2], [3, 2, 1, 0], [2, 0, 3, 1]]
                for perm in perms {
                    let outShape = perm.map { shape[$0] }
                    let st = ShapeMath.strides(shape)
                    let out = try Tensor.uninitialized(outShape, dt, op: "test")
                    ShapeKernels.copy(from: m.raw, perm.map { st[$0] }, to: out.raw, ShapeMath.strides(outShape),
                                      shape: outShape, elementSize: dt.byteSize)
                    XCTAssertEqual(out.doubles, try m.transposed(perm).doubles, "copy-transpose \(shape) \(perm) \(dt)")
                }
            }
        }
    }

    // MARK: bad input

    func testBadInputs() throws {
        let x = try iota([2, 3])
        let idx = try i32([0, 3], [2])
        typealias Case = (SwiftKerasError.Kind, String, () throws -> Any)
        let cases: [Case] = [
            (.invalidArgument, "expand_dims: axis 3 is out of bounds for inserting an axis into a tensor of rank 2 (allowed: -3...2)", { try x.expandingDims(at: 3) }),
            (.invalidArgument, "expand_dims: axis -4 is out of bounds for inserting an axis into a tensor of rank 2 (allowed: -3...2)", { try x.expandingDims(at: -4) }),
            (.invalidArgument, "squeeze: cannot squeeze axis 1 of shape (2, 3): its size is 3, not 1", { try x.squeezed(axes: [1]) }),
            (.invalidArgument, "squeeze: axis 2 is out of bounds for a tensor of rank 2", { try x.squeezed(axes: [2]) }),
            (.invalidArgument, "batch_flatten: expected a tensor of rank at least 1, got shape ()", { try Tensor(scalar: Float(1)).batchFlattened() }),
            (.invalidArgument, "concatenate: needs at least one tensor, got an empty list", { try concatenate([]) }),
            (.invalidArgument, "concatenate: all inputs must have the same rank, got shapes (2, 3), (3,)", { try concatenate([x, iota([3])]) }),
            (.invalidArgument, "concatenate: all input shapes must match except along axis 1, got shapes (2, 3), (2, 1), (3, 3)", { try concatenate([x, iota([2, 1]), iota([3, 3])], axis: 1) }),
            (.invalidArgument, "concatenate: zero-dimensional tensors cannot be concatenated, got shapes (), ()", { try concatenate([Tensor(scalar: Float(1)), Tensor(scalar: Float(2))]) }),
            (.invalidArgument, "concatenate: axis 2 is out of bounds for a tensor of rank 2", { try concatenate([x, x], axis: 2) }),
            (.invalidArgument, "stack: needs at least one tensor, got an empty list", { try stack([]) }),
            (.invalidArgument, "stack: all inputs must have the same shape, got shapes (2, 3), (3, 2)", { try stack([x, iota([3, 2])]) }),
            (.invalidArgument, "stack: axis 3 is out of bounds for inserting an axis into a tensor of rank 2 (allowed: -3...2)", { try stack([x], axis: 3) }),
            (.invalidArgument, "split: axis 1 of shape (2, 3) (size 3) cannot be split into 2 equal parts", { try x.split(into: 2, axis: 1) }),
            (.invalidArgument, "split: the number of parts must be positive, got 0", { try x.split(into: 0) }),
            (.invalidArgument, "split: sizes [1, 1] do not add up to the size 3 of axis 1 of shape (2, 3)", { try x.split(sizes: [1, 1], axis: 1) }),
            (.invalidArgument, "split: sizes [2, -1, 2] add up to more than the size 3 of axis 1 of shape (2, 3)", { try x.split(sizes: [2, -1, 2], axis: 1) }),
            (.invalidArgument, "split: sizes [-1, -1] must be non-negative (one may be -1)", { try x.split(sizes: [-1, -1]) }),
            (.invalidArgument, "split: sizes [4, -2] must be non-negative (one may be -1)", { try x.split(sizes: [4, -2]) }),
            (.invalidArgument, "split: needs at least one size, got []", { try x.split(sizes: []) }),
            (.invalidArgument, "split: sizes [9223372036854775807, 9223372036854775807] do not add up to the size 2 of axis 0 of shape (2, 3)", { try x.split(sizes: [Int.max, Int.max]) }),
            (.invalidArgument, "tile: multiples [2, -1] must be non-negative, got -1", { try x.tiled(multiples: [2, -1]) }),
            (.outOfMemory, "tile: tiling shape (2, 3) by [4611686018427387904, 1] has too many elements", { try x.tiled(multiples: [1 << 62, 1]) }),
            (.outOfMemory, "tile: shape (4294967296, 12884901888) has too many elements", { try x.tiled(multiples: [1 << 31, 1 << 32]) }),
            (.invalidArgument, "repeat_elements: the repeat count must be non-negative, got -1", { try x.repeatingElements(count: -1, axis: 0) }),
            (.invalidArgument, "repeat_elements: axis -3 is out of bounds for a tensor of rank 2", { try x.repeatingElements(count: 2, axis: -3) }),
            (.outOfMemory, "repeat_elements: repeating axis 1 of shape (2, 3) 9223372036854775807 times has too many elements", { try x.repeatingElements(count: Int.max, axis: 1) }),
            (.outOfMemory, "repeat: shape (2, 9223372036854775807, 3) has too many elements", { try x.repeatedVector(count: Int.max) }),
            (.invalidArgument, "repeat: expected a tensor of rank 2, got shape (6,)", { try iota([6]).repeatedVector(count: 2) }),
            (.invalidArgument, "repeat: the repeat count must be non-negative, got -2", { try x.repeatedVector(count: -2) }),
            (.invalidArgument, "reverse: axis -1 is repeated in [1, -1]", { try x.reversed(alongAxes: [1, -1]) }),
            (.invalidArgument, "reverse: axis 5 is out of bounds for a tensor of rank 2", { try x.reversed(alongAxes: [5]) }),
            (.invalidArgument, "strided_slice: step on axis 1 cannot be zero", { try x.sliced(step: [1, 0]) }),
            (.invalidArgument, "strided_slice: too many indices for shape (2, 3): start 3, stop 0, step 0", { try x.sliced(start: [0, 0, 0]) }),
            (.invalidArgument, "slice: begin [0] and size [1, 1] must both have one entry per axis of shape (2, 3)", { try x.slice(begin: [0], size: [1, 1]) }),
            (.outOfRange, "slice: begin 3 on axis 0 is out of range for shape (2, 3)", { try x.slice(begin: [3, 0], size: [1, 1]) }),
            (.outOfRange, "slice: begin -1 on axis 1 is out of range for shape (2, 3)", { try x.slice(begin: [0, -1], size: [1, 1]) }),
            (.outOfRange, "slice: begin 1 + size 3 on axis 1 is out of range for shape (2, 3)", { try x.slice(begin: [0, 1], size: [1, 3]) }),
            (.outOfRange, "slice: begin 1 + size 9223372036854775807 on axis 1 is out of range for shape (2, 3)", { try x.slice(begin: [0, 1], size: [1, Int.max]) }),
            (.invalidArgument, "slice: size -2 on axis 0 must be non-negative or -1", { try x.slice(begin: [0, 0], size: [-2, 1]) }),
            (.outOfRange, "gather: indices[1] = 3 is not in [0, 2) (axis 0 of shape (2, 3))", { try x.gathered(indices: idx) }),
            (.outOfRange, "gather: indices[0] = -1 is not in [0, 3) (axis 1 of shape (2, 3))", { try x.gathered(indices: i64([-1], [1]), axis: 1) }),
            (.outOfRange, "gather: indices[2] = 9223372036854775807 is not in [0, 3) (axis 1 of shape (2, 3))", { try x.gathered(indices: i64([0, 1, .max], [3]), axis: -1) }),
            (.invalidDType, "gather: indices must be int32 or int64, got float32", { try x.gathered(indices: iota([1])) }),
            (.invalidArgument, "gather: axis 0 is out of bounds for a tensor of rank 0", { try Tensor(scalar: Float(1)).gathered(indices: idx) }),
            (.invalidDType, "one_hot: indices must be an integer tensor (int32, int64 or uint8), got float32", { try oneHot(x, depth: 3) }),
            (.invalidDType, "one_hot: indices must be an integer tensor (int32, int64 or uint8), got bool", { try oneHot(iota([1], .bool), depth: 3) }),
            (.invalidArgument, "one_hot: depth must be non-negative, got -3", { try oneHot(idx, depth: -3) }),
            (.invalidArgument, "pad: paddings [(1, 1)] must have one pair per axis of shape (2, 3)", { try x.padded([(1, 1)]) }),
            (.invalidArgument, "pad: paddings [(1, 1), (0, -1)] must be non-negative", { try x.padded([(1, 1), (0, -1)]) }),
            (.outOfMemory, "pad: padding shape (2, 3) by [(9223372036854775807, 1), (0, 0)] has too many elements", { try x.padded([(Int.max, 1), (0, 0)]) }),
            (.outOfMemory, "pad: padding shape (2, 3) by [(9223372036854775806, 0), (0, 0)] has too many elements", { try x.padded([(Int.max - 1, 0), (0, 0)]) }),
            (.outOfMemory, "pad: shape (4611686018427387908, 4611686018427387908) has too many elements", { try x.padded([(1 << 62, 2), (1 << 62, 1 << 0)]) }),
            (.invalidArgument, "temporal_padding: expected a tensor of rank 3, got shape (2, 3)", { try x.temporalPadded() }),
            (.invalidArgument, "temporal_padding: paddings [(0, 0), (-1, 1), (0, 0)] must be non-negative", { try iota([1, 1, 1]).temporalPadded(left: -1) }),
            (.invalidArgument, "spatial_2d_padding: expected a tensor of rank 4, got shape (2, 3)", { try x.spatial2DPadded() }),
            (.invalidArgument, "spatial_3d_padding: expected a tensor of rank 5, got shape (2, 3)", { try x.spatial3DPadded() }),
        ]
        for (kind, message, body) in cases { assertError(kind, message, body) }
    }

    // MARK: recorded pullbacks

    private final class Recorder: OpObserver {
        var ops: [(String, [Tensor], Tensor, Pullback)] = []
        func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
            ops.append(("\(op)", inputs, output, pullback()))
        }
    }

    func testRecordedPullbacks() throws {
        let rec = Recorder()
        let x = try iota([2, 3]), y = try iota([2, 1])
        OpObservers.push(rec)
        defer { OpObservers.remove(rec) }
        func last(_ name: String) throws -> (String, [Tensor], Tensor, Pullback) {
            guard let r = rec.ops.last(where: { $0.0 == name }) else { throw SwiftKerasError.invalid("no \(name)") }
            return r
        }
        let c = try concatenate([x, y], axis: 1)
        var g = try last("concatenate").3(c)
        XCTAssertEqual(g.map { $0?.doubles ?? [] }, [x.doubles, y.doubles])
        let s = try x.sliced(start: [nil, 1])
        g = try last("strided_slice").3(s)
        XCTAssertEqual(g[0]?.doubles, [0, 1, 2, 0, 4, 5])
        let p = try x.padded([(1, 0), (0, 1)])
        g = try last("pad").3(p)
        XCTAssertEqual(g[0]?.doubles, x.doubles)
        let st = try stack([x, x], axis: 2)
        g = try last("stack").3(st)
        XCTAssertEqual(g.count, 2)
        XCTAssertEqual(g[1]?.shape, [2, 3])
        let pieces = try x.split(sizes: [1, 2], axis: 1)
        g = try last("split").3(pieces[1])
        XCTAssertEqual(g[0]?.doubles, [0, 1, 2, 0, 4, 5])
        let e = try x.expandingDims(at: 1)
        g = try last("expand_dims").3(e)
        XCTAssertEqual(g[0]?.shape, [2, 3])
        let t = try x.tiled(multiples: [2])
        g = try last("tile").3(t)
        XCTAssertEqual(g[0]?.doubles, [0, 2, 4, 6, 8, 10])
        let gi = try i32([1, 1], [2])
        let ga = try x.gathered(indices: gi)
        g = try last("gather").3(ga)
        XCTAssertEqual(g[0]?.doubles, [0, 0, 0, 6, 8, 10])
        XCTAssertNil(g[1])
        let oh = try oneHot(i32([1], [1]), depth: 2)
        XCTAssertNil(try last("one_hot").3(oh)[0])
    }
    // MARK: gradients and scatter-add

    /// The gradient of `f` at `x` (float64) through a tape, weighted by `w` if given.
    private func grad(_ x: Tensor, _ w: [Double]? = nil, _ f: (Tensor) throws -> Tensor) throws -> Tensor {
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record { try f(x) }
        let seed = try w.map { try Tensor($0, shape: y.shape) }
        return try XCTUnwrap(try tape.gradient(y, [.tensor(x)], outputGradients: seed)[0])
    }

    func testGradientsOfRepetitionGatherAndStridedSlices() throws {
        let x = try iota([3, 2], .float64)
        // Repeated indices accumulate.
        check(try grad(x) { try $0.gathered(indices: i32([2, 0, 2, 1, 2], [5])) }, [3, 2], .float64, [1, 1, 1, 1, 3, 3])
        check(try grad(x, [1, 2, 3, 4, 5, 6, 7, 8, 9]) { try $0.gathered(indices: i64([1, 1, 0], [3]), axis: -1) }, [3, 2], .float64,
              [3, 3, 6, 9, 9, 15])
        let y = try iota([2, 3, 2], .float64)
        check(try grad(y) { try $0.gathered(indices: i32([2, 2, 0, 2], [2, 2]), axis: 1) }, [2, 3, 2], .float64,
              [1, 1, 0, 0, 3, 3, 1, 1, 0, 0, 3, 3])
        // x[5:0:-2] reads 5, 3, 1.
        check(try grad(try iota([6], .float64), [1, 2, 3]) { try $0.sliced(start: [5], stop: [0], step: [-2]) }, [6], .float64,
              [0, 3, 0, 2, 0, 1])
        // Rows 0 and 2 read backwards from column 2 with step -2 (columns 2, 0).
        check(try grad(try iota([3, 3], .float64), [1, 2, 3, 4]) { try $0.sliced(step: [2, -2]) }, [3, 3], .float64,
              [2, 0, 1, 0, 0, 0, 4, 0, 3])
        // An empty slice gives zeros.
        check(try grad(try iota([2, 2], .float64)) { try $0.sliced(start: [1], stop: [1]) }, [2, 2], .float64, [0, 0, 0, 0])
        // Multiples longer than the rank: (2,) tiled by (2, 3) → (2, 6); each element read 6 times.
        check(try grad(try iota([2], .float64)) { try $0.tiled(multiples: [2, 3]) }, [2], .float64, [6, 6])
        check(try grad(try iota([2], .float64), [1, 2, 3, 4]) { try $0.repeatingElements(count: 2, axis: 0) }, [2], .float64, [3, 7])
        check(try grad(try iota([1, 2], .float64), [1, 2, 3, 4, 5, 6]) { try $0.repeatedVector(count: 3) }, [1, 2], .float64, [9, 12])
        // float32 keeps its dtype.
        check(try grad(try iota([3])) { try $0.gathered(indices: i32([0, 0], [2])) }, [3], .float32, [2, 0, 0])
    }

    func testUnsortedSegmentSum() throws {
        let d = try f32([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])
        check(try unsortedSegmentSum(d, segmentIDs: i32([1, 0, 1, 1], [4]), segmentCount: 3), [3, 2], .float32,
              [3, 4, 13, 16, 0, 0])
        // axis 1, 2-D ids: data (2, 2, 2) → (2, 3).
        let e = try i64([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])
        check(try unsortedSegmentSum(e, segmentIDs: i32([2, 0, 2, 2], [2, 2]), segmentCount: 3, axis: 1), [2, 3], .int64,
              [2, 0, 8, 6, 0, 20])
        // Scalar ids (the transpose of gathering one index): data (2,) at axis 1 of a (2, 3) result.
        check(try unsortedSegmentSum(try f32([5, 6], [2]), segmentIDs: i32([1], []), segmentCount: 3, axis: 1), [2, 3], .float32,
              [0, 5, 0, 0, 6, 0])
        // Integers wrap; half precision sums in float32.
        check(try unsortedSegmentSum(try Tensor([UInt8(200), 100], shape: [2]), segmentIDs: i32([0, 0], [2]), segmentCount: 1),
              [1], .uint8, [44])
        let h = try Tensor.from(doubles: [2048, 1, 1], shape: [3], dtype: .float16)
        check(try unsortedSegmentSum(h, segmentIDs: i32([0, 0, 0], [3]), segmentCount: 2), [2], .float16, [2050, 0])
        // Empty data gives zeros; zero segments with no ids is empty.
        check(try unsortedSegmentSum(try f32([], [0, 2]), segmentIDs: i32([], [0]), segmentCount: 2), [2, 2], .float32, [0, 0, 0, 0])
        check(try unsortedSegmentSum(try f32([], [0]), segmentIDs: i32([], [0]), segmentCount: 0), [0], .float32, [])
        // Large, threaded both ways, against a loop.
        for (outer, inner) in [(1, 100_000), (64, 3000)] {
            let m = 7, n = 5
            let src = (0..<(outer * m * inner)).map { Double($0 % 13) }
            let ids = (0..<m).map { Int32(($0 * 3) % n) }
            let r = try unsortedSegmentSum(try Tensor(src, shape: [outer, m, inner]), segmentIDs: i32(ids, [m]), segmentCount: n, axis: 1)
            var ref = [Double](repeating: 0, count: outer * n * inner)
            for o in 0..<outer { for i in 0..<m { for c in 0..<inner {
                ref[(o * n + Int(ids[i])) * inner + c] += src[(o * m + i) * inner + c]
            } } }
            XCTAssertEqual(r.doubles, ref)
        }
        // Its gradient is gather.
        check(try grad(try iota([3, 2], .float64), [1, 2, 3, 4]) {
            try unsortedSegmentSum($0, segmentIDs: i32([1, 0, 1], [3]), segmentCount: 2)
        }, [3, 2], .float64, [3, 4, 1, 2, 3, 4])

        let x = try iota([2, 3])
        typealias Case = (SwiftKerasError.Kind, String, () throws -> Any)
        let cases: [Case] = [
            (.invalidDType, "unsorted_segment_sum: segment ids must be int32 or int64, got float32",
             { try unsortedSegmentSum(x, segmentIDs: iota([2]), segmentCount: 2) }),
            (.invalidDType, "unsorted_segment_sum: data of dtype bool is not supported (shape (2,))",
             { try unsortedSegmentSum(iota([2], .bool), segmentIDs: i32([0, 0], [2]), segmentCount: 2) }),
            (.invalidArgument, "unsorted_segment_sum: segment count must be non-negative, got -1",
             { try unsortedSegmentSum(x, segmentIDs: i32([0, 0], [2]), segmentCount: -1) }),
            (.invalidArgument, "unsorted_segment_sum: axis 2 is out of bounds for segment ids of shape (2,) in data of shape (2, 3) (allowed: 0...1)",
             { try unsortedSegmentSum(x, segmentIDs: i32([0, 0], [2]), segmentCount: 2, axis: 2) }),
            (.invalidArgument, "unsorted_segment_sum: axis -1 is out of bounds for segment ids of shape (2,) in data of shape (2, 3) (allowed: 0...1)",
             { try unsortedSegmentSum(x, segmentIDs: i32([0, 0], [2]), segmentCount: 2, axis: -1) }),
            (.invalidArgument, "unsorted_segment_sum: data of shape (2, 3) does not hold segment ids of shape (2,) at axis 1",
             { try unsortedSegmentSum(x, segmentIDs: i32([0, 0], [2]), segmentCount: 2, axis: 1) }),
            (.outOfRange, "unsorted_segment_sum: segment_ids[1] = 2 is not in [0, 2) (data shape (2, 3), axis 0)",
             { try unsortedSegmentSum(x, segmentIDs: i32([0, 2], [2]), segmentCount: 2) }),
            (.outOfRange, "unsorted_segment_sum: segment_ids[0] = -1 is not in [0, 3) (data shape (2, 1), axis 1)",
             { try unsortedSegmentSum(iota([2, 1]), segmentIDs: i64([-1], [1]), segmentCount: 3, axis: 1) }),
            (.outOfMemory, "unsorted_segment_sum: shape (2, 9223372036854775807, 3) has too many elements",
             { try unsortedSegmentSum(x, segmentIDs: i64([0], []), segmentCount: .max, axis: 1) }),
        ]
        for (kind, message, body) in cases { assertError(kind, message, body) }
    }
    func testGradientEdgeCases() throws {
        let s = try Tensor.from(doubles: [3], shape: [], dtype: .float64)
        check(try grad(s) { try $0.tiled(multiples: []) }, [], .float64, [1])
        check(try grad(s) { try $0.tiled(multiples: [2, 2]) }, [], .float64, [4])
        check(try grad(s) { try $0.sliced() }, [], .float64, [1])
        let x = try iota([2, 2], .float64)
        check(try grad(x) { try $0.tiled(multiples: [0, 1]).sum() }, [2, 2], .float64, [0, 0, 0, 0])
        check(try grad(x) { try $0.repeatingElements(count: 0, axis: 1).sum() }, [2, 2], .float64, [0, 0, 0, 0])
        check(try grad(x) { try $0.repeatedVector(count: 0).sum() }, [2, 2], .float64, [0, 0, 0, 0])
        check(try grad(x) { try $0.sliced(step: [-5, Int.min]) }, [2, 2], .float64, [0, 0, 0, 1])
        check(try grad(x) { try $0.product(alongAxes: []) }, [2, 2], .float64, [1, 1, 1, 1])
        check(try grad(try Tensor.from(doubles: [], shape: [0, 2], dtype: .float64)) { try $0.product(alongAxes: [0]) },
              [0, 2], .float64, [])
        // Half precision flows through (computed in float32 inside the ops, returned as float16).
        let h = try Tensor.from(doubles: [1, 4, 4, 2], shape: [2, 2], dtype: .float16)
        check(try grad(h) { try $0.maxValue(alongAxes: [0]) }, [2, 2], .float16, [0, 1, 1, 0])
        check(try grad(h) { try $0.gathered(indices: i32([1, 1, 0], [3]), axis: 1) }, [2, 2], .float16, [1, 2, 1, 2])
    }
}
