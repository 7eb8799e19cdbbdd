import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

final class CoreTests: XCTestCase {
    func testAddBroadcast() throws {
        let a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let b = try Tensor([10, 20] as [Float], shape: [2])
        let c = try a.adding(b)
        XCTAssertEqual(c.shape, [2, 2])
        XCTAssertEqual(c.dtype, .float32)
        XCTAssertEqual(try c.scalars(as: Float.self), [11, 22, 13, 24])
    }

    /// The full promotion table for our eight dtypes (Keras 3 / JAX lattice).
    func testPromotionTable() {
        let order: [DType] = [.bool, .uint8, .int32, .int64, .float16, .bfloat16, .float32, .float64]
        // expected[i][j] = promoted(order[i], order[j])
        let f16 = DType.float16, bf = DType.bfloat16, f32 = DType.float32, f64 = DType.float64
        let expected: [[DType]] = [
            [.bool, .uint8, .int32, .int64, f16, bf, f32, f64],
            [.uint8, .uint8, .int32, .int64, f16, bf, f32, f64],
            [.int32, .int32, .int32, .int64, f16, bf, f32, f64],
            [.int64, .int64, .int64, .int64, f16, bf, f32, f64],
            [f16, f16, f16, f16, f16, f32, f32, f64],
            [bf, bf, bf, bf, f32, bf, f32, f64],
            [f32, f32, f32, f32, f32, f32, f32, f64],
            [f64, f64, f64, f64, f64, f64, f64, f64],
        ]
        for (i, a) in order.enumerated() {
            for (j, b) in order.enumerated() {
                XCTAssertEqual(a.promoted(with: b), expected[i][j], "\(a) + \(b)")
            }
        }
    }

    func testWeakScalars() {
        XCTAssertEqual(Scalar.int(1).resultType(with: .int32), .int32)
        XCTAssertEqual(Scalar.int(1).resultType(with: .uint8), .uint8)
        XCTAssertEqual(Scalar.float(2).resultType(with: .float16), .float16)
        XCTAssertEqual(Scalar.float(2).resultType(with: .int32), .float32)
        XCTAssertEqual(Scalar.int(2).resultType(with: .bool), .int32)
        XCTAssertEqual(Scalar.bool(true).resultType(with: .float64), .float64)
    }

    func testDTypeNames() {
        for d in DType.allCases {
            XCTAssertEqual(DType(name: d.name), d)
        }
        XCTAssertNil(DType(name: "complex64"))
        XCTAssertEqual(DType(name: "float"), .float32)
    }

    func testRankZeroAndEmpty() throws {
        let s = Tensor(scalar: Float(3))
        XCTAssertEqual(s.shape, [])
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(try s.scalarDouble(), 3)
        let e = try Tensor.zeros([0, 3])
        XCTAssertEqual(e.count, 0)
        XCTAssertEqual(e.description, "[]")
        let sum = try e.adding(Tensor.ones([3]))
        XCTAssertEqual(sum.shape, [0, 3])
    }

    func testDescription() throws {
        let a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        XCTAssertEqual(a.description, "[[1. 2.]\n [3. 4.]]")
        XCTAssertEqual(Tensor([true, false]).description, "[True False]")
        XCTAssertEqual(Tensor([Float.nan, .infinity, 0.5]).description, "[nan inf 0.5]")
    }

    func testBadShapes() {
        assertError(.invalidArgument, "tensor: 3 values cannot fill shape (2, 2) (4 elements)") {
            try Tensor([1, 2, 3] as [Float], shape: [2, 2])
        }
        assertError(.invalidArgument, "full: negative dimension in shape (2, -1)") {
            try Tensor.zeros([2, -1])
        }
        assertError(.outOfMemory, "full: shape (4611686018427387904, 4) has too many elements") {
            try Tensor.zeros([1 << 62, 4])
        }
        assertError(.outOfMemory, "full: 4611686018427387904 elements of float32 overflow the address space") {
            try Tensor.zeros([1 << 62])
        }
        assertError(.outOfMemory, "full: cannot allocate 2305843009213693952 bytes") {
            try Tensor.zeros([1 << 61], dtype: .uint8)
        }
        // A byte count within 63 of Int.max: rounding it up must not overflow (found by fuzzing:
        // tile of a uint8 scalar to 2^63 - 1 elements).
        assertError(.outOfMemory, "full: cannot allocate 9223372036854775807 bytes") {
            try Tensor.zeros([Int.max], dtype: .uint8)
        }
        assertError(.outOfMemory, "tile: cannot allocate 9223372036854775807 bytes") {
            try Tensor.scalar(1, dtype: .uint8).reshaped(to: [1]).tiled(multiples: [Int.max])
        }
        assertError(.invalidArgument, "add: shapes (2, 3) and (4,) cannot be broadcast together") {
            try Tensor.zeros([2, 3]).adding(Tensor.zeros([4]))
        }
        assertError(.invalidDType, "scalars: tensor has dtype float32, requested int32") {
            try Tensor.zeros([2]).scalars(as: Int32.self)
        }
        assertError(.invalidArgument, "item: only a tensor with one element converts to a scalar, got shape (2,)") {
            try Tensor.zeros([2]).scalarDouble()
        }
    }
}

final class CreationTests: XCTestCase {
    func testConstants() throws {
        let z = try Tensor.zeros([2, 3], dtype: .int64)
        XCTAssertEqual(z.dtype, .int64)
        XCTAssertEqual(try z.scalars(as: Int64.self), [0, 0, 0, 0, 0, 0])
        let o = try Tensor.ones(like: z, dtype: .float16)
        XCTAssertEqual(o.shape, [2, 3])
        XCTAssertEqual(o.dtype, .float16)
        XCTAssertEqual(o.doubles, [1, 1, 1, 1, 1, 1])
        let f = try Tensor.full([2], value: 7.9, dtype: .int32)
        XCTAssertEqual(try f.scalars(as: Int32.self), [7, 7])
        XCTAssertEqual(try Tensor.zeros(like: f).dtype, .int32)
        XCTAssertEqual(try Tensor.full(like: f, value: 2).doubles, [2, 2])
        XCTAssertEqual(try Tensor.scalar(2.5, dtype: .bfloat16).doubles, [2.5])
    }

    func testEye() throws {
        XCTAssertEqual(try Tensor.eye(2).doubles, [1, 0, 0, 1])
        let r = try Tensor.eye(2, 3, dtype: .bool)
        XCTAssertEqual(r.shape, [2, 3])
        XCTAssertEqual(try r.scalars(as: Bool.self), [true, false, false, false, true, false])
        XCTAssertEqual(try Tensor.eye(0).shape, [0, 0])
        assertError(.invalidArgument, "full: negative dimension in shape (-1, -1)") { try Tensor.eye(-1) }
    }

    func testArange() throws {
        XCTAssertEqual(try Tensor.arange(stop: 5, dtype: .int32).scalars(as: Int32.self), [0, 1, 2, 3, 4])
        XCTAssertEqual(try Tensor.arange(start: 1, stop: 2, step: 0.25).scalars(as: Float.self), [1, 1.25, 1.5, 1.75])
        XCTAssertEqual(try Tensor.arange(start: 5, stop: 0, step: -2, dtype: .int64).scalars(as: Int64.self), [5, 3, 1])
        XCTAssertEqual(try Tensor.arange(start: 3, stop: 1).count, 0)
        // An empty range whose length in the other direction overflows Int (trapped before).
        XCTAssertEqual(try Tensor.arange(start: -1, stop: 1e300, step: -1).count, 0)
        assertError(.invalidArgument, "arange: start 0.0, stop 1.0 and step 0.0 must be finite with a non-zero step") {
            try Tensor.arange(stop: 1, step: 0)
        }
        assertError(.outOfMemory, "arange: start 0.0, stop 1e+300, step 1.0 gives too many elements") {
            try Tensor.arange(stop: 1e300)
        }
    }

    func testBorrowingRunsDeleterOnce() throws {
        var calls = 0
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        p.initialize(from: [1, 2, 3, 4], count: 4)
        do {
            let t = try Tensor.borrowing(UnsafeMutableRawPointer(p), shape: [2, 2], dtype: .float32) { calls += 1 }
            let r = try t.reshaped(to: [4])  // shares the buffer
            XCTAssertEqual(try r.scalars(as: Float.self), [1, 2, 3, 4])
            XCTAssertEqual(calls, 0)
        }
        XCTAssertEqual(calls, 1)
        // Failure path: the deleter still runs exactly once.
        XCTAssertThrowsError(try Tensor.borrowing(UnsafeMutableRawPointer(p), shape: [-1], dtype: .float32) { calls += 1 })
        XCTAssertEqual(calls, 2)
        p.deallocate()
    }
}

final class CastTests: XCTestCase {
    func testFloatToIntTruncatesAndSaturates() throws {
        let x = Tensor([1.9, -1.9, 0.5, Float.nan, 3e10, -3e10, .infinity] as [Float])
        XCTAssertEqual(try x.cast(to: .int32).scalars(as: Int32.self), [1, -1, 0, 0, .max, .min, .max])
        XCTAssertEqual(try x.cast(to: .uint8).scalars(as: UInt8.self), [1, 0, 0, 0, 255, 0, 255])
        XCTAssertEqual(try x.cast(to: .bool).scalars(as: Bool.self), [true, true, true, true, true, true, true])
        XCTAssertEqual(try x.cast(to: .int64).scalars(as: Int64.self)[4], 30_000_001_024)  // 3e10 as float32
    }

    func testIntWraps() throws {
        let x = Tensor([300, -1, 70000] as [Int64])
        XCTAssertEqual(try x.cast(to: .uint8).scalars(as: UInt8.self), [44, 255, 112])
        XCTAssertEqual(try Tensor([Int64(1) << 40 | 5]).cast(to: .int32).scalars(as: Int32.self), [5])
        XCTAssertEqual(try Tensor([true, false]).cast(to: .float32).scalars(as: Float.self), [1, 0])
    }

    func testHalfRoundsToNearestEven() throws {
        // 2049 lies exactly between the float16 neighbours 2048 and 2050: ties to even → 2048.
        // 2051 lies between 2050 and 2052: ties to even → 2052.
        let x = Tensor([2049, 2051, 65520, 1e-8] as [Float])
        XCTAssertEqual(try x.cast(to: .float16).doubles, [2048, 2052, .infinity, 0])
        // bfloat16 keeps 8 significant bits: 257 is a tie between 256 and 258 → 256; 259 → 260.
        XCTAssertEqual(try Tensor([257, 259, -1.5] as [Float]).cast(to: .bfloat16).doubles, [256, 260, -1.5])
        XCTAssertTrue(try Tensor([Float.nan]).cast(to: .bfloat16).doubles[0].isNaN)
        // float16 ↔ bfloat16 through float32.
        XCTAssertEqual(try Tensor([Float16(1.5)]).cast(to: .bfloat16).doubles, [1.5])
    }

    func testAllPairsRoundTripSmallInts() throws {
        let values: [Double] = [0, 1, 2, 100]
        for from in DType.allCases where from != .bool {
            let x = try Tensor.from(doubles: values, shape: [4], dtype: from)
            for to in DType.allCases where to != .bool {
                let y = try x.cast(to: to)
                XCTAssertEqual(y.dtype, to)
                XCTAssertEqual(y.doubles, values, "\(from) -> \(to)")
            }
            XCTAssertEqual(try x.cast(to: .bool).doubles, [0, 1, 1, 1])
        }
    }
}

final class RandomTests: XCTestCase {
    func testSameSeedSameNumbers() throws {
        let a = try Random.normal([1000], seed: 42)
        let b = try Random.normal([1000], seed: 42)
        XCTAssertEqual(a.doubles, b.doubles)
        let c = try Random.normal([1000], seed: 43)
        XCTAssertNotEqual(a.doubles, c.doubles)
        // Element i depends only on (seed, i): a longer draw starts with the shorter one.
        let longer = try Random.normal([5000], seed: 42)
        XCTAssertEqual(Array(longer.doubles[0..<1000]), a.doubles)
    }

    func testMoments() throws {
        let n = 200_000
        func moments(_ t: Tensor) -> (Double, Double) {
            let v = t.doubles
            let m = v.reduce(0, +) / Double(v.count)
            let s = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)
            return (m, s)
        }
        let (m1, v1) = moments(try Random.normal([n], mean: 2, stddev: 3, dtype: .float64, seed: 1))
        XCTAssertEqual(m1, 2, accuracy: 0.03)
        XCTAssertEqual(v1, 9, accuracy: 0.15)
        let u = try Random.uniform([n], minval: -1, maxval: 3, seed: 2)
        let (m2, v2) = moments(u)
        XCTAssertEqual(m2, 1, accuracy: 0.02)
        XCTAssertEqual(v2, 16.0 / 12.0, accuracy: 0.02)
        XCTAssertTrue(u.doubles.allSatisfy { $0 >= -1 && $0 < 3 })
        let t = try Random.truncatedNormal([n], seed: 3)
        XCTAssertTrue(t.doubles.allSatisfy { abs($0) <= 2 })
        // Variance of a standard normal truncated at ±2: 0.7737.
        XCTAssertEqual(moments(t).1, 0.7737, accuracy: 0.01)
        let b = try Random.bernoulli([n], p: 0.3, seed: 4)
        XCTAssertEqual(moments(b).0, 0.3, accuracy: 0.01)
        XCTAssertTrue(b.doubles.allSatisfy { $0 == 0 || $0 == 1 })
        let ints = try Random.uniform([n], minval: 0, maxval: 10, dtype: .int32, seed: 5)
        let iv = try ints.scalars(as: Int32.self)
        XCTAssertEqual(Set(iv), Set(0..<10))
    }

    func testHalfPrecisionDraws() throws {
        let h = try Random.normal([1000], dtype: .float16, seed: 9)
        XCTAssertEqual(h.dtype, .float16)
        let f = try Random.normal([1000], dtype: .float32, seed: 9)
        XCTAssertEqual(try f.cast(to: .float16).doubles, h.doubles)
    }

    func testBadArguments() {
        assertError(.invalidArgument, "random_uniform: minval 1.0 must be less than maxval 1.0") {
            try Random.uniform([2], minval: 1, maxval: 1)
        }
        assertError(.invalidArgument, "random_normal: stddev must be non-negative, got -1.0") {
            try Random.normal([2], stddev: -1)
        }
        assertError(.invalidArgument, "random_bernoulli: p must be in [0, 1], got 1.5") {
            try Random.bernoulli([2], p: 1.5)
        }
        assertError(.invalidDType, "random_normal: dtype must be floating point, got int32") {
            try Random.normal([2], dtype: .int32)
        }
        assertError(.invalidArgument, "truncated_normal: negative dimension in shape (-3,)") {
            try Random.truncatedNormal([-3])
        }
    }
}

final class LayoutTests: XCTestCase {
    func testTranspose() throws {
        let a = try Tensor((0..<24).map(Int32.init), shape: [2, 3, 4])
        let t = try a.transposed([2, 0, 1])
        XCTAssertEqual(t.shape, [4, 2, 3])
        let v = try t.scalars(as: Int32.self)
        // t[k][i][j] == a[i][j][k] == i*12 + j*4 + k
        for k in 0..<4 { for i in 0..<2 { for j in 0..<3 {
            XCTAssertEqual(v[k * 6 + i * 3 + j], Int32(i * 12 + j * 4 + k))
        } } }
        XCTAssertEqual(try a.transposed().shape, [4, 3, 2])
        assertError(.invalidArgument, "transpose: permutation [0, 0, 1] repeats axis 0") { try a.transposed([0, 0, 1]) }
        assertError(.invalidArgument, "transpose: axis 3 is out of bounds for a tensor of rank 3") { try a.transposed([0, 1, 3]) }
        // Every dtype width goes through the element-size-generic copy.
        for d in DType.allCases {
            let x = try a.cast(to: d)
            XCTAssertEqual(try x.transposed([1, 2, 0]).cast(to: .int32).scalars(as: Int32.self),
                           try a.transposed([1, 2, 0]).cast(to: d).cast(to: .int32).scalars(as: Int32.self))
        }
    }

    func testReshape() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        XCTAssertEqual(try a.reshaped(to: [-1]).shape, [6])
        XCTAssertEqual(try a.reshaped(to: [3, -1]).shape, [3, 2])
        XCTAssertEqual(try a.reshaped(to: [1, 2, 1, 3]).doubles, [1, 2, 3, 4, 5, 6])
        assertError(.invalidArgument, "reshape: cannot reshape a tensor of shape (2, 3) (6 elements) into (4, -1)") {
            try a.reshaped(to: [4, -1])
        }
        assertError(.invalidArgument, "reshape: only one dimension can be -1, got (-1, -1)") { try a.reshaped(to: [-1, -1]) }
        assertError(.outOfMemory, "reshape: shape (4611686018427387904, 4611686018427387904) has too many elements") {
            try a.reshaped(to: [1 << 62, 1 << 62])
        }
        // As numpy: -1 cannot be inferred next to a zero-size dimension.
        assertError(.invalidArgument, "reshape: cannot reshape a tensor of shape (0, 4) (0 elements) into (2, 0, -1)") {
            try Tensor.zeros([0, 4]).reshaped(to: [2, 0, -1])
        }
        XCTAssertEqual(try Tensor.zeros([0, 4]).reshaped(to: [2, 0, 5]).shape, [2, 0, 5])
    }
}

final class DescriptionTests: XCTestCase {
    /// Extreme integers print exactly (found by fuzzing: a round trip through double trapped).
    func testExtremeIntegers() throws {
        XCTAssertEqual(Tensor([Int64.max, Int64.min, 0]).description, "[9223372036854775807 -9223372036854775808 0]")
        XCTAssertEqual(Tensor(scalar: Int64.max).description, "9223372036854775807")
        XCTAssertEqual(try Tensor([Float(1e30)]).cast(to: .int64).description, "[9223372036854775807]")
        XCTAssertEqual(Tensor([UInt8(255), 0]).description, "[255 0]")
    }
}

/// Text rendering of narrow floats: the shortest decimal that reads back as the same element.
final class TensorDescriptionTests: XCTestCase {
    func testNarrowFloatsPrintShortest() throws {
        let v: [Double] = [0.1, 0.2, 1.0 / 3, 2, -1.5]
        XCTAssertEqual(try Tensor(v, shape: [5]).cast(to: .float32).description, "[0.1 0.2 0.33333334 2. -1.5]")
        XCTAssertEqual(try Tensor(v, shape: [5]).cast(to: .float16).description, "[0.1 0.2 0.3333 2. -1.5]")
        XCTAssertEqual(try Tensor(v, shape: [5]).cast(to: .bfloat16).description, "[0.1 0.2 0.334 2. -1.5]")
        XCTAssertEqual(try Tensor(v, shape: [5]).description, "[0.1 0.2 0.3333333333333333 2. -1.5]")
        XCTAssertEqual(try Tensor.scalar(0.1, dtype: .float32).description, "0.1")
    }
}
