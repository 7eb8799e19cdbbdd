import XCTest
@testable import SwiftKerasCore

/// The weak-scalar rule as the core applies it (the C `sk_scalar_value` entry points and the
/// Python operators reach this same code): exact dtypes and values for every tensor dtype and
/// scalar kind, and ints that do not fit an integer dtype.
final class WeakScalarTests: XCTestCase {
    private let dtypes: [DType] = [.bool, .uint8, .int32, .int64, .float16, .bfloat16, .float32, .float64]
    private let scalars: [Scalar] = [.int(3), .float(2.5), .bool(true)]

    /// want[dtype][kind] for x = 1: the result dtype and 1 + scalar (bool + true is logical or).
    private func want(_ d: DType, _ k: Int) -> (DType, Double) {
        switch k {
        case 0: return (d == .bool ? .int32 : d, 4)
        case 1: return (d.isFloatingPoint ? d : .float32, 3.5)
        default: return (d, d == .bool ? 1 : 2)
        }
    }

    func testDTypeTimesKindTable() throws {
        for d in dtypes {
            let x = try Tensor(scalar: 1.0).cast(to: d)
            for (k, s) in scalars.enumerated() {
                let (dt, sum) = want(d, k)
                let y = try x.adding(s), w = try x.weakScalar(s), l = try s + x
                XCTAssertEqual(y.dtype, dt, "\(d) + \(s)")
                XCTAssertEqual(y.doubles, [sum], "\(d) + \(s)")
                XCTAssertEqual(l.dtype, dt, "\(s) + \(d)")
                XCTAssertEqual(w.dtype, dt, "weakScalar(\(s)) next to \(d)")
                XCTAssertEqual(w.shape, [])
                XCTAssertEqual(w.doubles, [s.doubleValue])
            }
        }
    }

    func testIntsMustFitTheIntegerDType() throws {
        let i = try Tensor([Int32(3), 4], shape: [2])
        XCTAssertThrowsError(try i.adding(.int(1 << 40))) { e in
            let e = e as? SwiftKerasError
            XCTAssertEqual(e?.kind, .invalidArgument)
            XCTAssertEqual(e?.message, "add: the Python int 1099511627776 does not fit int32, the dtype it takes next to a tensor of dtype int32 (weak-scalar rule); cast the tensor first")
        }
        XCTAssertThrowsError(try i.isLess(than: .int(-(1 << 31) - 1))) { e in
            XCTAssertTrue((e as? SwiftKerasError)?.message.hasPrefix("less: the Python int -2147483649") ?? false)
        }
        XCTAssertEqual(try i.weakScalar(.int(-(1 << 31))).doubles, [-2147483648])
        let u = try Tensor([UInt8(3)], shape: [1])
        XCTAssertThrowsError(try u.adding(.int(256)))
        XCTAssertThrowsError(try u.subtracting(.int(-1)))
        XCTAssertThrowsError(try Scalar.int(300) - u)
        XCTAssertEqual(try u.adding(.int(255)).doubles, [2])   // uint8 arithmetic itself wraps
        let b = try Tensor([true], shape: [1])
        XCTAssertThrowsError(try b.adding(.int(1 << 40)))   // a bool tensor gives int32
        let big = try Tensor([Int64(3)], shape: [1]).adding(.int(1 << 40))
        XCTAssertEqual(big.dtype, .int64)
        XCTAssertEqual(big.doubles, [1099511627779])
        // Floats never overflow an integer dtype: they promote to float32.
        XCTAssertEqual(try u.adding(.float(1e10)).dtype, .float32)
    }
}
