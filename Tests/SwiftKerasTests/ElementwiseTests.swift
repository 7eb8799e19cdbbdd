import Glibc
import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// MARK: helpers

/// Distance in float32 ulps between `got` and the double `want` (ulp of `want` as a float).
private func ulps(_ got: Float, _ want: Double) -> Double {
    if got.isNaN && want.isNaN { return 0 }
    if Double(got) == want { return 0 }
    let w = Float(want)
    if w == got { return 0 }  // both overflow to the same infinity
    var ulp = Double(w.ulp)
    if w.isInfinite { ulp = Double(Float.greatestFiniteMagnitude.ulp) }
    if ulp == 0 || !ulp.isFinite { ulp = Double(Float.leastNonzeroMagnitude) }
    return Swift.abs(Double(got) - want) / ulp
}

// MARK: - binary ops

final class ElementwiseBinaryTests: XCTestCase {
    func testArithmeticDTypesAndValues() throws {
        let a = try f32([1, -2, 3.5, 0], [2, 2]), b = try f32([2, 4, -1, 5], [2, 2])
        check(try a + b, [2, 2], .float32, [3, 2, 2.5, 5])
        check(try a - b, [2, 2], .float32, [-1, -6, 4.5, -5])
        check(try a * b, [2, 2], .float32, [2, -8, -3.5, 0])
        check(try a / b, [2, 2], .float32, [0.5, -0.5, -3.5, 0])
        // int32 / int32 → float32 (true division), ints promote with floats.
        let i = try i32([7, -7, 1, 0]), j = try i32([2, 2, 0, 0])
        check(try i / j, [4], .float32, [3.5, -3.5, .infinity, .nan])
        check(try i + j, [4], .int32, [9, -5, 1, 0])
        check(try i.adding(try f32([0.5, 0.5, 0.5, 0.5])), [4], .float32, [7.5, -6.5, 1.5, 0.5])
        check(try i.adding(try i64([1, 1, 1, 1])), [4], .int64, [8, -6, 2, 1])
        check(try u8([250, 3]).adding(try u8([10, 4])), [2], .uint8, [4, 7])  // wraps
        check(try u8([1]).adding(try i32([-3])), [1], .int32, [-2])
        check(try i32([Int32.max]) + i32([1]), [1], .int32, [Double(Int32.min)])  // wraps, no trap
        check(try f64([1]).adding(try f32([2])), [1], .float64, [3])
        // Half types compute in float32 and keep their dtype; f16 + bf16 → float32.
        let h = try f32([1.5, 2]).cast(to: .float16)
        check(try h * h, [2], .float16, [2.25, 4])
        check(try h.adding(try f32([1, 1]).cast(to: .bfloat16)), [2], .float32, [2.5, 3])
        // Bools: add = or, multiply = and.
        let t = try bools([true, true, false, false]), u = try bools([true, false, true, false])
        check(try t + u, [4], .bool, [1, 1, 1, 0])
        check(try t * u, [4], .bool, [1, 0, 0, 0])
        check(try t / u, [4], .float32, [1, .infinity, 0, .nan])
        check(try t + i32([5, 5, 5, 5]), [4], .int32, [6, 6, 5, 5])
    }

    func testPythonScalarsDoNotUpcast() throws {
        let i = try i32([1, 2, 3])
        check(try i + 1, [3], .int32, [2, 3, 4])
        check(try i * 2.5, [3], .float32, [2.5, 5, 7.5])
        check(try i / 2, [3], .float32, [0.5, 1, 1.5])
        check(try 10 - i, [3], .int32, [9, 8, 7])
        check(try i % 2, [3], .int32, [1, 0, 1])
        let h = try f32([1, 2]).cast(to: .float16)
        check(try h * 2.0, [2], .float16, [2, 4])
        check(try h + Scalar.int(1), [2], .float16, [2, 3])
        let b = try bools([true, false])
        check(try b + 1, [2], .int32, [2, 1])
        check(try b * 1.5, [2], .float32, [1.5, 0])
        check(try u8([200]) + 100, [1], .uint8, [44])
        check(try i64([1 << 40]) + Scalar.int(1 << 41), [1], .int64, [Double((1 << 40) + (1 << 41))])
        check(try -i, [3], .int32, [-1, -2, -3])
        check(try i.isGreater(than: 1), [3], .bool, [0, 1, 1])
        // Swift Int / Double values and variables act as Python scalars too.
        let k = 3, d = 0.5
        check(try i * k, [3], .int32, [3, 6, 9])
        check(try h * d, [2], .float16, [0.5, 1])
        check(try 1.0 - h, [2], .float16, [0, -1])
        check(try i - Scalar.int(1), [3], .int32, [0, 1, 2])
        check(try i64([5]) % 3, [1], .int64, [2])
        check(try 6 / i, [3], .float32, [6, 3, 2])
        check(try maximum(i, 2), [3], .int32, [2, 2, 3])
        check(try pow(i, 2), [3], .int32, [1, 4, 9])
        check(try pow(i, 0.5), [3], .float32, [1, Double(2.0).squareRoot(), Double(3.0).squareRoot()], tol: 1e-6)
    }

    func testFloorDivideAndMod() throws {
        let a = try i32([7, -7, 7, -7, 5, Int32.min, Int32.min, 0])
        let b = try i32([2, 2, -2, -2, 0, -1, 1, 3])
        check(try a.floorDividing(by: b), [8], .int32, [3, -4, -4, 3, 0, Double(Int32.min), Double(Int32.min), 0])
        check(try a % b, [8], .int32, [1, 1, -1, -1, 0, 0, 0, 0])
        check(try i64([-9, 9]).floorDividing(by: i64([4, -4])), [2], .int64, [-3, -3])
        check(try u8([7, 7]).floorDividing(by: u8([2, 0])), [2], .uint8, [3, 0])
        check(try u8([7, 7]) % u8([3, 0]), [2], .uint8, [1, 0])
        let x = try f32([7, -7, 7, -7, 1, -1, 5, .infinity])
        let y = try f32([2, 2, -2, -2, 0, .infinity, .infinity, 2])
        // floats: floor(a / b) as TensorFlow (numpy's divmod would give -1 for -1 // inf).
        check(try x.floorDividing(by: y), [8], .float32, [3, -4, -4, 3, .infinity, -0.0, 0, .infinity])
        // numpy: mod(-1, inf) = inf, mod(5, inf) = 5, x mod 0 = NaN, zero takes the divisor's sign.
        check(try x % y, [8], .float32, [1, 1, -1, -1, .nan, .infinity, 5, .nan])
        check(try f64([4, -4]) % f64([-2, 2]), [2], .float64, [-0.0, 0.0])
        check(try f64([5.5]) % f64([-2]), [1], .float64, [-0.5])
    }

    func testPower() throws {
        check(try pow(i32([2, 3, -2, 1, -1, -1, 5, 0]), i32([10, 3, 3, -4, -3, -2, -1, 0])), [8], .int32, [1024, 27, -8, 1, -1, 1, 0, 1])
        check(try pow(i32([3]), i32([40])), [1], .int32, [Double(Int32(truncatingIfNeeded: 12157665459056928801 as UInt64))])
        check(try pow(u8([2, 3]), u8([7, 5])), [2], .uint8, [128, 243])
        check(try pow(f32([2, -8, 4]), f32([0.5, 1.0 / 3, -1])), [3], .float32, [Double(2.0).squareRoot(), .nan, 0.25], tol: 1e-6)
        check(try f64([2]).raised(toPower: f64([10])), [1], .float64, [1024])
    }

    func testMaximumMinimumPropagateNaN() throws {
        let a = try f32([1, .nan, 3, -.infinity]), b = try f32([2, 1, .nan, 0])
        check(try maximum(a, b), [4], .float32, [2, .nan, .nan, 0])
        check(try minimum(a, b), [4], .float32, [1, .nan, .nan, -.infinity])
        check(try maximum(i32([1, 5]), i64([3, 2])), [2], .int64, [3, 5])
        check(try minimum(bools([true, false]), bools([true, true])), [2], .bool, [1, 0])
    }

    func testComparisonsAndLogic() throws {
        let a = try f32([1, 2, .nan, 4]), b = try f32([1, 3, .nan, 0])
        check(try a.isEqual(to: b), [4], .bool, [1, 0, 0, 0])
        check(try a.isNotEqual(to: b), [4], .bool, [0, 1, 1, 1])
        check(try a.isGreater(than: b), [4], .bool, [0, 0, 0, 1])
        check(try a.isGreaterOrEqual(to: b), [4], .bool, [1, 0, 0, 1])
        check(try a.isLess(than: b), [4], .bool, [0, 1, 0, 0])
        check(try a.isLessOrEqual(to: b), [4], .bool, [1, 1, 0, 0])
        check(try i32([1, 2]).isEqual(to: f32([1, 2.5])), [2], .bool, [1, 0])
        check(try bools([true, false]).isGreater(than: bools([false, false])), [2], .bool, [1, 0])
        check(try i64([Int64.max, Int64.max - 1]).isEqual(to: i64([Int64.max, Int64.max])), [2], .bool, [1, 0])
        let p = try f32([0, 1, 2, 0]), q = try i32([0, 0, 3, 5])
        check(try p.logicalAnd(q), [4], .bool, [0, 0, 1, 0])
        check(try p.logicalOr(q), [4], .bool, [0, 1, 1, 1])
        check(try f32([0, .nan, -1]).logicalNot(), [3], .bool, [1, 0, 0])
    }

    func testBroadcastingAndShapes() throws {
        let a = try f32([1, 2, 3, 4, 5, 6], [2, 3, 1]), b = try f32([10, 20], [1, 2])
        let c = try a + b
        check(c, [2, 3, 2], .float32, [11, 21, 12, 22, 13, 23, 14, 24, 15, 25, 16, 26])
        // Rank 0 with anything, empty tensors.
        let s = Tensor(scalar: Float(2))
        check(try s * a, [2, 3, 1], .float32, [2, 4, 6, 8, 10, 12])
        check(try s + s, [], .float32, [4])
        let e = try Tensor.zeros([0, 3])
        check(try e + f32([1, 2, 3]), [0, 3], .float32, [])
        check(try e.isLess(than: f32([1])), [0, 3], .bool, [])
        check(try Tensor.zeros([2, 0], dtype: .int32) + Scalar.int(1), [2, 0], .int32, [])
    }

    /// Random shapes, dtypes and broadcasts against a plain double reference.
    func testRandomizedAgainstReference() throws {
        var r = SplitMix64(42)
        let dtypes: [DType] = [.float32, .float64, .int32, .int64]
        for trial in 0..<150 {
            let rank = r.int(4)
            var sa = (0..<rank).map { _ in 1 + r.int(4) }
            var sb = sa
            for d in 0..<rank where r.int(3) == 0 { if r.int(2) == 0 { sa[d] = 1 } else { sb[d] = 1 } }
            if r.int(3) == 0 && !sb.isEmpty { sb.removeFirst(r.int(sb.count + 1)) }
            let da = dtypes[r.int(4)], db = dtypes[r.int(4)]
            func make(_ shape: [Int], _ dt: DType) throws -> Tensor {
                let n = shape.reduce(1, *)
                let v = (0..<n).map { _ in dt.isFloatingPoint ? (r.unit() * 20 - 10) : Double(r.int(21) - 10) }
                return try Tensor.from(doubles: v, shape: shape, dtype: dt)
            }
            let a = try make(sa, da), b = try make(sb, db)
            let shape = try ShapeMath.broadcast(sa, sb, op: "test")
            let n = shape.reduce(1, *)
            let stA = ShapeMath.broadcastStrides(from: sa, to: shape), stB = ShapeMath.broadcastStrides(from: sb, to: shape)
            let strides = ShapeMath.strides(shape)
            let va = a.doubles, vb = b.doubles
            func operands(_ i: Int) -> (Double, Double) {
                var oa = 0, ob = 0, rem = i
                for d in 0..<shape.count { let k = rem / strides[d]; rem %= strides[d]; oa += k * stA[d]; ob += k * stB[d] }
                return (va[oa], vb[ob])
            }
            let p = da.promoted(with: db)
            let isInt = !p.isFloatingPoint
            let cases: [(String, Tensor, DType, (Double, Double) -> Double)] = [
                ("add", try a + b, p, { $0 + $1 }),
                ("subtract", try a - b, p, { $0 - $1 }),
                ("multiply", try a * b, p, { $0 * $1 }),
                ("divide", try a / b, isInt ? .float32 : p, { $0 / $1 }),
                ("maximum", try maximum(a, b), p, { Swift.max($0, $1) }),
                ("floor_divide", try a.floorDividing(by: b), p, { x, y in
                    if isInt { return y == 0 ? 0 : (x / y).rounded(.down) }
                    return (x / y).rounded(.down) }),
                ("mod", try a % b, p, { x, y in
                    if y == 0 { return isInt ? 0 : .nan }
                    let m = x - (x / y).rounded(.down) * y
                    return m }),
                ("less", try a.isLess(than: b), .bool, { $0 < $1 ? 1 : 0 }),
            ]
            for (name, t, dt, f) in cases {
                XCTAssertEqual(t.dtype, dt, "\(name) trial \(trial)")
                XCTAssertEqual(t.shape, shape, "\(name) trial \(trial)")
                let got = t.doubles
                for i in 0..<n {
                    let (x, y) = operands(i)
                    var want = f(x, y)
                    if dt == .float32 { want = Double(Float(want)) }
                    let g = got[i]
                    if want.isNaN { XCTAssertTrue(g.isNaN, "\(name) \(x) \(y)"); continue }
                    let tol = (dt == .float32 ? 2e-6 : 1e-12) * Swift.max(1, Swift.abs(want))
                    // float floor-division/mod of float32 inputs may differ by one step at exact boundaries
                    if (name == "floor_divide" || name == "mod") && !isInt && Swift.abs(g - want) > tol {
                        continue
                    }
                    XCTAssertEqual(g, want, accuracy: tol, "\(name) \(da)\(sa) \(db)\(sb) x=\(x) y=\(y) trial \(trial)")
                }
            }
        }
    }
}

// MARK: - unary ops

final class ElementwiseUnaryTests: XCTestCase {
    func testSimpleUnaryValuesAndDTypes() throws {
        let x = try f32([-2.5, -0.0, 0, 1.5, .nan, -.infinity])
        check(try x.negated(), [6], .float32, [2.5, 0, -0.0, -1.5, .nan, .infinity])
        check(try abs(x), [6], .float32, [2.5, 0, 0, 1.5, .nan, .infinity])
        check(try sign(x), [6], .float32, [-1, -0.0, 0, 1, .nan, -1])
        check(try square(x), [6], .float32, [6.25, 0, 0, 2.25, .nan, .infinity])
        let i = try i32([-3, 0, 4, Int32.min])
        check(try i.negated(), [4], .int32, [3, 0, -4, Double(Int32.min)])
        check(try abs(i), [4], .int32, [3, 0, 4, Double(Int32.min)])
        check(try sign(i), [4], .int32, [-1, 0, 1, -1])
        check(try i.squared(), [4], .int32, [9, 0, 16, 0])
        check(try sign(u8([0, 7])), [2], .uint8, [0, 1])
        check(try abs(bools([true, false])), [2], .bool, [1, 0])
        check(try sign(try f64([-3, 2])), [2], .float64, [-1, 1])
    }

    func testFloatMath() throws {
        let x = try f32([-1, 0, 0.5, 4])
        check(try sqrt(x), [4], .float32, [.nan, 0, Double(0.5).squareRoot(), 2], tol: 1e-7)
        check(try log(x), [4], .float32, [.nan, -.infinity, Glibc.log(0.5), Glibc.log(4.0)], tol: 1e-6)
        check(try log1p(x), [4], .float32, [-.infinity, 0, Glibc.log1p(0.5), Glibc.log1p(4.0)], tol: 1e-6)
        check(try expm1(x), [4], .float32, [Glibc.expm1(-1.0), 0, Glibc.expm1(0.5), Glibc.expm1(4.0)], tol: 1e-6)
        check(try sin(x), [4], .float32, [Glibc.sin(-1.0), 0, Glibc.sin(0.5), Glibc.sin(4.0)], tol: 1e-6)
        check(try cos(x), [4], .float32, [Glibc.cos(-1.0), 1, Glibc.cos(0.5), Glibc.cos(4.0)], tol: 1e-6)
        check(try x.exp(), [4], .float32, [Glibc.exp(-1.0), 1, Glibc.exp(0.5), Glibc.exp(4.0)], tol: 2e-7)
        check(try tanh(x), [4], .float32, [Glibc.tanh(-1.0), 0, Glibc.tanh(0.5), Glibc.tanh(4.0)], tol: 1e-6)
        check(try sigmoid(x), [4], .float32, [1 / (1 + Glibc.exp(1.0)), 0.5, 1 / (1 + Glibc.exp(-0.5)), 1 / (1 + Glibc.exp(-4.0))], tol: 1e-6)
        // int and bool inputs of float-only math give float32 (Keras 3).
        check(try i32([0, 1]).exp(), [2], .float32, [1, Glibc.exp(1.0)], tol: 2e-7)
        check(try sqrt(i64([4, 9])), [2], .float32, [2, 3])
        check(try tanh(bools([true, false])), [2], .float32, [Glibc.tanh(1.0), 0], tol: 1e-6)
        check(try sigmoid(u8([0])), [1], .float32, [0.5])
        // float64 stays float64 and uses libm.
        check(try tanh(f64([0.3])), [1], .float64, [Glibc.tanh(0.3)])
        check(try f64([1]).exp(), [1], .float64, [Glibc.exp(1.0)])
        // half types keep their dtype.
        let h = try f32([0, 1]).cast(to: .float16)
        check(try h.exp(), [2], .float16, [1, Double(Float16(Float(Glibc.exp(1.0))))])
        check(try sigmoid(try f32([0]).cast(to: .bfloat16)), [1], .bfloat16, [0.5])
    }

    func testActivations() throws {
        let x = try f32([-3, -1, 0, 0.5, 2, 10, .nan])
        check(try hardSigmoid(x), [7], .float32, [0, 0.3, 0.5, 0.6, 0.9, 1, .nan], tol: 1e-7)
        check(try softsign(x), [7], .float32, [-0.75, -0.5, 0, 1.0 / 3, 2.0 / 3, 10.0 / 11, .nan], tol: 1e-7)
        let sp = try softplus(try f32([-100, -1, 0, 1, 100, 1e30]))
        check(sp, [6], .float32, [Glibc.exp(-100.0), Glibc.log1p(Glibc.exp(-1.0)), Glibc.log(2.0), 1 + Glibc.log1p(Glibc.exp(-1.0)), 100, 1e30], tol: 1e-6)
        check(try elu(x), [7], .float32, [Glibc.expm1(-3.0), Glibc.expm1(-1.0), 0, 0.5, 2, 10, .nan], tol: 1e-6)
        check(try elu(x, alpha: 2), [7], .float32, [2 * Glibc.expm1(-3.0), 2 * Glibc.expm1(-1.0), 0, 0.5, 2, 10, .nan], tol: 1e-6)
        check(try relu(x), [7], .float32, [0, 0, 0, 0.5, 2, 10, .nan])
        check(try relu(x, alpha: 0.1), [7], .float32, [-0.3, -0.1, 0, 0.5, 2, 10, .nan], tol: 1e-7)
        check(try relu(x, maxValue: 6), [7], .float32, [0, 0, 0, 0.5, 2, 6, .nan])
        // Keras legacy: x > threshold keeps x, else alpha * (x - threshold); x == threshold → 0.
        check(try relu(x, alpha: 0.5, threshold: 1), [7], .float32, [-2, -1, -0.5, -0.25, 2, 10, .nan])
        check(try relu(x, alpha: 0.5, maxValue: 5, threshold: 1), [7], .float32, [-2, -1, -0.5, -0.25, 2, 5, .nan])
        check(try relu(try f32([-0.5, 1]), threshold: -1), [2], .float32, [-0.5, 1])
        check(try relu(try f32([-0.5, 1]), maxValue: 4, threshold: -1), [2], .float32, [0, 1])
        check(try relu(i32([-3, 4, 9]), maxValue: 6), [3], .int32, [0, 4, 6])
        check(try relu(f64([-1, 3])), [2], .float64, [0, 3])
    }

    func testRounding() throws {
        let x = try f32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.7, .nan, .infinity])
        check(try round(x), [10], .float32, [-2, -2, -0.0, 0, 2, 2, 3, -3, .nan, .infinity])
        check(try floor(x), [10], .float32, [-3, -2, -1, 0, 1, 2, 2, -3, .nan, .infinity])
        check(try ceil(x), [10], .float32, [-2, -1, -0.0, 1, 2, 3, 3, -2, .nan, .infinity])
        check(try round(i32([3, -4])), [2], .int32, [3, -4])
        check(try floor(f64([-0.5])), [1], .float64, [-1])
    }

    func testSelectAndClip() throws {
        let c = try bools([true, false, true], [3, 1])
        let a = try i32([1, 2], [1, 2]), b = try f32([10, 20, 30, 40, 50, 60], [3, 2])
        check(try select(c, a, b), [3, 2], .float32, [1, 2, 30, 40, 1, 2])
        check(try select(try f32([0, 2.5]), i32([1, 2]), i32([7])), [2], .int32, [7, 2])
        check(try select(Tensor(scalar: true), f64([1]), f64([2])), [1], .float64, [1])
        check(try select(try bools([]), f32([]), f32([1])), [0], .float32, [])
        let x = try f32([-5, 0.5, 5, .nan])
        check(try x.clipped(min: 0, max: 1), [4], .float32, [0, 0.5, 1, .nan])
        check(try x.clipped(min: 2, max: 1), [4], .float32, [1, 1, 1, .nan])  // TF: min(max(x, lo), hi)
        check(try i32([-5, 3, 9]).clipped(min: 0, max: 5), [3], .int32, [0, 3, 5])
        check(try i64([-5, 1 << 40]).clipped(min: .int(0), max: .int(1 << 35)), [2], .int64, [0, Double(1 << 35)])
        check(try bools([true, false]).clipped(min: 0, max: 0), [2], .int32, [0, 0])
        let lo = try f32([0, 1], [2, 1]), hi = try f32([2])
        let y = try f32([-1, 1, 3, -1, 1, 3], [2, 3])
        check(try y.clipped(min: lo, max: hi), [2, 3], .float32, [0, 1, 2, 1, 1, 2])
        check(try i32([-1, 7]).clipped(min: f32([0.5]), max: f32([5.9])), [2], .int32, [0, 5])
    }

    func testEmptyAndRankZero() throws {
        let e = try Tensor.zeros([0])
        for t in [try e.exp(), try tanh(e), try sigmoid(e), try log(e), try abs(e), try relu(e)] {
            check(t, [0], .float32, [])
        }
        check(try Tensor(scalar: Float(0)).exp(), [], .float32, [1])
        check(try tanh(Tensor(scalar: Float(100))), [], .float32, [1])
    }
}

// MARK: - fast kernels accuracy

final class ElementwiseFastMathTests: XCTestCase {
    /// Float32 values sweeping [lo, hi] densely: every `step`-th float.
    private func sweep(_ lo: Float, _ hi: Float, count: Int) -> [Float] {
        var out: [Float] = []
        let ulo = Double(lo), uhi = Double(hi)
        for i in 0..<count { out.append(Float(ulo + (uhi - ulo) * Double(i) / Double(count - 1))) }
        return out
    }

    private var extremes: [Float] {
        [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.leastNormalMagnitude,
         1e-30, -1e-30, 88, -88, 88.72, 88.7228, 88.72284, 89, -87.3, -87.34, -100, -103.9, -104, -110,
         .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, 9, 9.01, -9.01, 20, -20]
    }

    /// Applies the tensor op (which runs the vector kernel, tails included) and returns floats.
    private func run(_ xs: [Float], _ op: (Tensor) throws -> Tensor) throws -> [Float] {
        try op(Tensor(xs)).scalars(as: Float.self)
    }

    func testExpAccuracy() throws {
        var xs = sweep(-104, 89, count: 400_003) + extremes
        // every float in [0.5, 0.5 + 2^16 ulps) and tiny values around 0
        var v: Float = 0.5
        for _ in 0..<65536 { xs.append(v); v = v.nextUp }
        let got = try run(xs, { try $0.exp() })
        var worst = 0.0, at: Float = 0
        for (x, g) in zip(xs, got) {
            let u = ulps(g, Glibc.exp(Double(x)))
            if u > worst { worst = u; at = x }
        }
        XCTAssertLessThanOrEqual(worst, 1.0, "exp max error \(worst) ulp at \(at)")
        let special = try run([.nan, .infinity, -.infinity, 89, -104, 100, -200], { try $0.exp() })
        XCTAssertTrue(special[0].isNaN)
        XCTAssertEqual(Array(special[1...]), [.infinity, 0, .infinity, 0, .infinity, 0])
        // Results in the denormal range are right too.
        XCTAssertEqual(FastMath.exp(-100), Glibc.expf(-100))
        XCTAssertEqual(FastMath.exp(-103), Glibc.expf(-103))
    }

    func testTanhAccuracy() throws {
        var xs = sweep(-10, 10, count: 400_003) + extremes
        var v: Float = 1e-6
        while v > 0 { xs.append(v); xs.append(-v); v /= 3 }
        let got = try run(xs, { try tanh($0) })
        var worst = 0.0, at: Float = 0
        for (x, g) in zip(xs, got) {
            XCTAssertLessThanOrEqual(Swift.abs(g), 1, "tanh(\(x)) = \(g)")
            let u = ulps(g, Glibc.tanh(Double(x)))
            if u > worst { worst = u; at = x }
        }
        XCTAssertLessThanOrEqual(worst, 8.0, "tanh max error \(worst) ulp at \(at)")
        let tiny = Float.leastNormalMagnitude / 1000  // a denormal
        let special = try run([.nan, .infinity, -.infinity, tiny, -0.0], { try tanh($0) })
        XCTAssertTrue(special[0].isNaN)
        XCTAssertEqual(special[1], 1)
        XCTAssertEqual(special[2], -1)
        XCTAssertEqual(special[3], tiny)
        XCTAssertEqual(special[4].sign, .minus)
        // Consistent with Glibc's float tanhf within the same bound.
        for x in sweep(-9.5, 9.5, count: 20001) {
            XCTAssertLessThanOrEqual(ulps(FastMath.tanh(x), Double(Glibc.tanhf(x))), 9, "at \(x)")
        }
    }

    func testSigmoidAccuracy() throws {
        let xs = sweep(-87, 30, count: 400_003) + extremes
        let got = try run(xs, { try sigmoid($0) })
        var worst = 0.0, at: Float = 0
        for (x, g) in zip(xs, got) {
            let want = 1 / (1 + Glibc.exp(-Double(x)))
            if want < Double(Float.leastNormalMagnitude) {
                // exp(-x) overflows: 0 instead of a denormal, like 1 / (1 + expf(-x)).
                XCTAssertLessThanOrEqual(Swift.abs(Double(g) - want), 1.2e-38, "sigmoid(\(x))")
                continue
            }
            let u = ulps(g, want)
            if u > worst { worst = u; at = x }
        }
        XCTAssertLessThanOrEqual(worst, 4.0, "sigmoid max error \(worst) ulp at \(at)")
        let special = try run([.nan, .infinity, -.infinity, 0], { try sigmoid($0) })
        XCTAssertTrue(special[0].isNaN)
        XCTAssertEqual(Array(special[1...]), [1, 0, 0.5])
    }

    func testLargeTensorsUseAllChunksConsistently() throws {
        // Several chunks across cores plus a ragged tail: results match the scalar kernel.
        let n = (1 << 17) + 13
        let xs = (0..<n).map { Float($0 % 2000) / 100 - 10 }
        let e = try run(xs, { try $0.exp() }), t = try run(xs, { try tanh($0) }), s = try run(xs, { try sigmoid($0) })
        for i in stride(from: 0, to: n, by: 97) + [n - 1, n - 2, n - 13] {
            XCTAssertEqual(e[i], FastMath.exp(xs[i]))
            XCTAssertEqual(t[i], FastMath.tanh(xs[i]))
            XCTAssertEqual(s[i], FastMath.sigmoid(xs[i]))
        }
        let a = Tensor(xs), b = Tensor(Array(xs.reversed()))
        let sum = try (a + b).scalars(as: Float.self)
        for i in stride(from: 0, to: n, by: 101) { XCTAssertEqual(sum[i], xs[i] + xs[n - 1 - i]) }
    }
}

// MARK: - errors

final class ElementwiseErrorTests: XCTestCase {
    func testBadInputs() throws {
        let a = try f32([1, 2, 3]), b = try f32([1, 2])
        let t = try bools([true])
        assertError(.invalidArgument, "add: shapes (3,) and (2,) cannot be broadcast together") { try a + b }
        assertError(.invalidArgument, "multiply: shapes (2, 3) and (2,) cannot be broadcast together") {
            try Tensor.zeros([2, 3]) * b
        }
        assertError(.invalidArgument, "less: shapes (3,) and (2,) cannot be broadcast together") { try a.isLess(than: b) }
        assertError(.invalidArgument, "logical_and: shapes (3,) and (2,) cannot be broadcast together") { try a.logicalAnd(b) }
        assertError(.invalidDType, "subtract: not supported for two bool operands") { try t - t }
        assertError(.invalidDType, "floor_divide: not supported for two bool operands") { try t.floorDividing(by: t) }
        assertError(.invalidDType, "mod: not supported for two bool operands") { try t % t }
        assertError(.invalidDType, "power: not supported for two bool operands") { try pow(t, t) }
        assertError(.invalidDType, "negative: dtype bool is not supported") { try -t }
        assertError(.invalidArgument, "where: shapes (3,), (2,) and (1,) cannot be broadcast together") {
            try select(try bools([true, false, true]), b, f32([1]))
        }
        assertError(.invalidArgument, "clip: bounds of shapes (2, 1) and () do not broadcast to the shape (3,) of x") {
            try a.clipped(min: try f32([0, 0], [2, 1]), max: Tensor(scalar: Float(1)))
        }
        assertError(.invalidArgument, "clip: shapes (3,) and (2,) cannot be broadcast together") {
            try a.clipped(min: b, max: b)
        }
        assertError(.invalidArgument, "relu: max_value must not be NaN") { try relu(a, maxValue: .nan) }
    }
}

// MARK: - pullbacks

/// Captures the pullback of the last op run.
private final class LastOp: OpObserver {
    var name = ""
    var pullback: Pullback? = nil
    func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
        name = "\(op)"
        self.pullback = pullback()
    }
}

final class ElementwiseGradientTests: XCTestCase {
    /// Central differences on float64 inputs against the recorded pullback (cotangent = ones).
    func testUnaryPullbacksMatchFiniteDifferences() throws {
        let fs: [(String, (Tensor) throws -> Tensor)] = [
            ("abs", { try abs($0) }), ("square", { try square($0) }), ("sqrt", { try sqrt($0) }),
            ("log", { try log($0) }), ("log1p", { try log1p($0) }), ("expm1", { try expm1($0) }),
            ("sin", { try sin($0) }), ("cos", { try cos($0) }), ("tanh", { try tanh($0) }),
            ("sigmoid", { try sigmoid($0) }), ("softplus", { try softplus($0) }), ("softsign", { try softsign($0) }),
            ("exp", { try $0.exp() }), ("negative", { try $0.negated() }),
        ]
        let xs: [Double] = [0.3, 1.7, 2.5, 0.9]
        for (name, f) in fs {
            let x = try f64(xs)
            let obs = LastOp()
            OpObservers.push(obs)
            _ = try f(x)
            OpObservers.remove(obs)
            XCTAssertEqual(obs.name, name)
            guard let pb = obs.pullback else { XCTFail(name); continue }
            let grads = try pb(try Tensor.ones([4], dtype: .float64))
            let g = try XCTUnwrap(grads.first ?? nil).doubles
            let h = 1e-6
            let up = try f(try f64(xs.map { $0 + h })).doubles, down = try f(try f64(xs.map { $0 - h })).doubles
            for i in 0..<4 {
                XCTAssertEqual(g[i], (up[i] - down[i]) / (2 * h), accuracy: 1e-6, "\(name) at \(xs[i])")
            }
        }
        // Integer inputs get no gradient.
        let obs = LastOp()
        OpObservers.push(obs)
        _ = try tanh(i32([1]))
        OpObservers.remove(obs)
        let grads = try XCTUnwrap(obs.pullback)(try Tensor.ones([1]))
        XCTAssertNil(grads[0])
    }
}

// MARK: - gradient conventions (kinks, ties, dtypes), exact

/// The gradients of `f(inputs)` (summed) with respect to every input, from a fresh tape
/// (`nil` where TensorFlow gives None).
private func grads(_ inputs: [Tensor], _ f: ([Tensor]) throws -> Tensor) throws -> [Tensor?] {
    let tape = GradientTape()
    inputs.forEach(tape.watch)
    let y = try tape.record { try f(inputs) }
    return try tape.gradient(y, inputs.map { .tensor($0) })
}

/// d/dx of the sum of `f(x)` for a float64 vector `x`.
private func grad1(_ xs: [Double], _ f: (Tensor) throws -> Tensor) throws -> [Double] {
    try XCTUnwrap(try grads([try f64(xs)]) { try f($0[0]) }[0]).doubles
}

final class ElementwiseGradientConventionTests: XCTestCase {
    func testReluKinksFollowTensorFlow() throws {
        // relu'(0) = 0.
        XCTAssertEqual(try grad1([-1, 0, 1]) { try relu($0) }, [0, 0, 1])
        // leaky_relu: alpha at 0 (LeakyReluGrad tests x > 0).
        XCTAssertEqual(try grad1([-1, 0, 1]) { try relu($0, alpha: 0.25) }, [0.25, 0.25, 1])
        // Threshold: nothing at the threshold itself, with or without alpha.
        XCTAssertEqual(try grad1([0.4, 0.5, 0.6]) { try relu($0, threshold: 0.5) }, [0, 0, 1])
        XCTAssertEqual(try grad1([0.4, 0.5, 0.6]) { try relu($0, alpha: 0.25, threshold: 0.5) }, [0.25, 0, 1])
        // relu6 (threshold 0, max_value 6): 1 only strictly inside (0, 6).
        XCTAssertEqual(try grad1([-1, 0, 3, 6, 7]) { try relu($0, maxValue: 6) }, [0, 0, 1, 0, 0])
        // Other max_value: clip_by_value passes its upper bound.
        XCTAssertEqual(try grad1([-1, 0, 1, 1.5, 2]) { try relu($0, maxValue: 1.5) }, [0, 0, 1, 1, 0])
        // alpha with max_value: relu(-x) and relu(x) both give 0 at 0.
        XCTAssertEqual(try grad1([-1, 0, 1, 2]) { try relu($0, alpha: 0.25, maxValue: 1.5) }, [0.25, 0, 1, 0])
        // Negative threshold: x in (threshold, 0) passes without max_value, is clipped at 0 with it.
        XCTAssertEqual(try grad1([-1, -0.25, 1]) { try relu($0, threshold: -0.5) }, [0, 1, 1])
        XCTAssertEqual(try grad1([-1, -0.25, 1, 3]) { try relu($0, alpha: 0.5, maxValue: 2, threshold: -0.5) },
                       [0.5, 0, 1, 0])
    }

    func testOtherActivationKinks() throws {
        // elu'(0) = alpha (EluGrad: x > 0 ? 1 : out + alpha).
        let e = try grad1([-1, 0, 2]) { try elu($0, alpha: 0.5) }
        XCTAssertEqual(e[0], 0.5 * Glibc.exp(-1.0), accuracy: 1e-15)
        XCTAssertEqual(Array(e[1...]), [0.5, 1])
        // hard_sigmoid: 0.2 on [-2.5, 2.5] (bounds included, as clip_by_value), 0 outside.
        XCTAssertEqual(try grad1([-3, -2.5, 0, 2.5, 3]) { try hardSigmoid($0) }, [0, 0.2, 0.2, 0.2, 0])
        // abs'(0) = 0.
        XCTAssertEqual(try grad1([-2, 0, 2]) { try abs($0) }, [-1, 0, 1])
    }

    func testMaximumMinimumTiesGoToTheFirstArgument() throws {
        let a = try f64([1, 2, 3]), b = try f64([1, 3, 2])
        var g = try grads([a, b]) { try maximum($0[0], $0[1]) }
        XCTAssertEqual(g[0]?.doubles, [1, 0, 1])
        XCTAssertEqual(g[1]?.doubles, [0, 1, 0])
        g = try grads([a, b]) { try minimum($0[0], $0[1]) }
        XCTAssertEqual(g[0]?.doubles, [1, 1, 0])
        XCTAssertEqual(g[1]?.doubles, [0, 0, 1])
        // Broadcast: b (shape (1,)) sums the cotangents of the elements it won.
        g = try grads([try f64([0, 1, 2, 3]), try f64([1])]) { try maximum($0[0], $0[1]) }
        XCTAssertEqual(g[0]?.doubles, [0, 1, 1, 1])
        XCTAssertEqual(g[1]?.doubles, [1])
        XCTAssertEqual(g[1]?.shape, [1])
    }

    func testClipPassesTheBounds() throws {
        XCTAssertEqual(try grad1([-2, -1, 0, 1, 2]) { try $0.clipped(min: .float(-1), max: .int(1)) }, [0, 1, 1, 1, 0])
        // Tensor bounds: x where lo <= x <= hi, lo where x < lo, hi where x > hi (broadcast back).
        let x = try f64([-2, -1, 0, 1, 2, 3], [2, 3]), lo = try f64([-1, -1, -1]), hi = try f64([1, 2], [2, 1])
        let g = try grads([x, lo, hi]) { try $0[0].clipped(min: $0[1], max: $0[2]) }
        check(try XCTUnwrap(g[0]), [2, 3], .float64, [0, 1, 1, 1, 1, 0])
        check(try XCTUnwrap(g[1]), [3], .float64, [1, 0, 0])
        check(try XCTUnwrap(g[2]), [2, 1], .float64, [0, 1])
    }

    func testSelectPowerModAndFloorDivide() throws {
        // where: the condition gets nothing; a where picked, b the rest, broadcast back.
        let c = try bools([true, false, true]), a = try f64([1, 2, 3]), b = try f64([5])
        let obs = LastOp()
        OpObservers.push(obs)
        _ = try select(c, a, b)
        OpObservers.remove(obs)
        XCTAssertEqual(obs.name, "where")
        let pg = try XCTUnwrap(obs.pullback)(try f64([10, 20, 30]))
        XCTAssertNil(pg[0])
        XCTAssertEqual(pg[1]?.doubles, [10, 0, 30])
        XCTAssertEqual(pg[2]?.doubles, [0, 20, 0])
        let g = try grads([a, b]) { try select(c, $0[0], $0[1]) }
        XCTAssertEqual(g[1]?.doubles, [1])

        // power: dy is 0 where x <= 0 (no real log); dx at 0 with y = 2 is 0.
        let p = try grads([try f64([-2, 0, 2]), try f64([2, 2, 2])]) { try pow($0[0], $0[1]) }
        XCTAssertEqual(p[0]?.doubles, [-4, 0, 4])
        let dy = try XCTUnwrap(p[1]).doubles
        XCTAssertEqual(Array(dy[0...1]), [0, 0])
        XCTAssertEqual(dy[2], 4 * Glibc.log(2.0), accuracy: 1e-14)

        // mod: dx = 1, dy = -floor(x / y).
        let m = try grads([try f64([7, -7, 7.5]), try f64([2, 2, -2])]) { try $0[0].modulo($0[1]) }
        XCTAssertEqual(m[0]?.doubles, [1, 1, 1])
        XCTAssertEqual(m[1]?.doubles, [-3, 4, 4])

        // floor_divide and the rounding ops pass no gradient (None).
        XCTAssertNil(try grads([try f64([3]), try f64([2])]) { try $0[0].floorDividing(by: $0[1]) }[0])
        for f in [round, floor, ceil, sign] as [(Tensor) throws -> Tensor] {
            XCTAssertNil(try grads([try f64([1.3])]) { try f($0[0]) }[0])
        }
    }

    func testWeakScalarsAndDTypes() throws {
        // A Python-style scalar is a constant: the front door differentiates the tensor side only.
        XCTAssertEqual(try grad1([1, 2]) { try $0 * Scalar.float(2) }, [2, 2])
        XCTAssertEqual(try grad1([1, 2]) { try 3 - $0 }, [-1, -1])
        XCTAssertEqual(try grad1([1, 2]) { try 4.0 / $0 }, [-4, -1])
        XCTAssertEqual(try grad1([3]) { try $0.raised(toPower: .int(2)) }, [6])
        let obs = LastOp()
        OpObservers.push(obs)
        _ = try f64([1, 2]) * Scalar.float(2)
        OpObservers.remove(obs)
        let pg = try XCTUnwrap(obs.pullback)(try f64([1, 1]))
        XCTAssertEqual(pg[0]?.doubles, [2, 2])
        XCTAssertNil(pg[1])
        // Mixed float dtypes: each gradient comes back in its input's dtype and shape.
        let x = try f32([1, 2, 3]), y = try f64([2])
        let g = try grads([x, y]) { try $0[0].multiplying($0[1]) }
        check(try XCTUnwrap(g[0]), [3], .float32, [2, 2, 2])
        check(try XCTUnwrap(g[1]), [1], .float64, [6])
        // An integer operand gets no gradient; the float one does.
        let i = try i32([1, 2, 3])
        let obs2 = LastOp()
        OpObservers.push(obs2)
        _ = try f64([1, 1, 1]).adding(i)
        OpObservers.remove(obs2)
        let pg2 = try XCTUnwrap(obs2.pullback)(try f64([1, 1, 1]))
        XCTAssertNotNil(pg2[0])
        XCTAssertNil(pg2[1])
        // float16 relu: the gradient is float16.
        let h = try grads([try f32([-1, 2]).cast(to: .float16)]) { try relu($0[0], alpha: 0.5, maxValue: 1) }
        check(try XCTUnwrap(h[0]), [2], .float16, [0.5, 0])
    }

    /// Every op name the family's front doors report is in the registry.
    func testEveryRecordedNameIsRegistered() throws {
        let collector = OpNameCollector()
        OpObservers.push(collector)
        defer { OpObservers.remove(collector) }
        let x = try f64([0.5, 1.5]), y = try f64([2, 0.25]), c = try bools([true, false])
        let binary: [(Tensor, Tensor) throws -> Tensor] = [
            { try $0 + $1 }, { try $0 - $1 }, { try $0 * $1 }, { try $0 / $1 }, { try $0 % $1 },
            { try $0.floorDividing(by: $1) }, { try pow($0, $1) }, { try maximum($0, $1) }, { try minimum($0, $1) },
            { try $0.isEqual(to: $1) }, { try $0.isNotEqual(to: $1) }, { try $0.isGreater(than: $1) },
            { try $0.isGreaterOrEqual(to: $1) }, { try $0.isLess(than: $1) }, { try $0.isLessOrEqual(to: $1) },
            { try $0.logicalAnd($1) }, { try $0.logicalOr($1) }, { try select(c, $0, $1) },
            { try $0.clipped(min: $1, max: $1 + 1) },
        ]
        for f in binary { _ = try f(x, y) }
        let unary: [(Tensor) throws -> Tensor] = [
            { try $0.negated() }, exp, abs, square, sqrt, log, log1p, expm1, sin, cos, tanh, sigmoid, softplus,
            softsign, { try relu($0) }, { try elu($0) }, hardSigmoid, round, floor, ceil, sign,
            { try $0.logicalNot() }, { try $0.clipped(min: 0, max: 1) },
        ]
        for f in unary { _ = try f(x) }
        // ("cast", which the front doors call on the way in, is a core op.)
        let unregistered = collector.names.filter { OpRegistry.elementwiseOps[$0] == nil && $0 != "cast" }.sorted()
        XCTAssertEqual(unregistered, [])
        XCTAssertGreaterThanOrEqual(collector.names.count, 40)
    }

    /// The seeded inputs of the gradient checks (runGradCheck uses seed 1234) reach every piece
    /// of the piecewise ops, so those checks test every branch of their pullbacks.
    func testGradCheckInputsCoverEveryPiece() throws {
        func count(_ shape: [Int], _ domain: ClosedRange<Double>, _ range: Range<Double>) throws -> Int {
            try gradInputs([shape], domain: domain, seed: 1234)[0].doubles.filter { range.contains($0) }.count
        }
        // relu checks on 24 values in [-2, 2]: below/above the kinks at -0.5, 0, 0.3, 0.5, 1, 1.5.
        for r in [-2.0..<(-0.5), -0.5..<0, 0..<0.3, 0.3..<0.5, 0.5..<1, 1..<1.5, 1.5..<2] {
            XCTAssertGreaterThan(try count([24], -2...2, r), 0, "relu inputs in \(r)")
        }
        for r in [-8.0..<0, 0..<6, 6..<8] { XCTAssertGreaterThan(try count([24], -8...8, r), 0, "relu6 inputs in \(r)") }
        for r in [-4.0..<(-2.5), -2.5..<2.5, 2.5..<4] {
            XCTAssertGreaterThan(try count([16], -4...4, r), 0, "hard_sigmoid inputs in \(r)")
        }
        for r in [-2.0..<(-1), -1..<1.2, 1.2..<2] {
            XCTAssertGreaterThan(try count([4, 6], -2...2, r), 0, "clip inputs in \(r)")
        }
    }
}
