import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Exact values of the ops behind tf.sort / tf.math.top_k (argsort, take/add along an axis),
/// tf.math.erf and tf.linalg.inv / det / cholesky, and TensorFlow's errors for bad inputs.
final class SortingAndMatrixTests: XCTestCase {
    private func kind(_ body: () throws -> Tensor) -> SwiftKerasError.Kind? {
        do { _ = try body(); return nil } catch { return (error as? SwiftKerasError)?.kind }
    }

    func testArgsortIsStableWithNaNLastInBothDirections() throws {
        let x = try Tensor([2.0, .nan, 1.0, 2.0, -3.0], shape: [5])
        XCTAssertEqual(try x.argsort(alongAxis: 0).doubles, [4, 2, 0, 3, 1])
        XCTAssertEqual(try x.argsort(alongAxis: -1, descending: true).doubles, [0, 3, 2, 4, 1])
        let m = try Tensor([Int32(3), 1, 2, 0, 5, 4], shape: [3, 2])
        let order = try m.argsort(alongAxis: 0)
        XCTAssertEqual(order.dtype, .int32)
        XCTAssertEqual(order.doubles, [1, 1, 0, 0, 2, 2])
        XCTAssertEqual(try m.takingAlongAxis(order, axis: 0).doubles, [2, 0, 3, 1, 5, 4])
    }

    func testTakeAndAddAlongAxisAreAdjoint() throws {
        let x = try Tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], shape: [2, 3])
        let ix = try Tensor([Int32(2), 2, 0, 1], shape: [2, 2])
        XCTAssertEqual(try x.takingAlongAxis(ix, axis: 1).doubles, [3, 3, 4, 5])
        let v = try Tensor([1.0, 10.0, 100.0, 1000.0], shape: [2, 2])
        XCTAssertEqual(try v.addingAlongAxis(ix, axis: 1, into: [2, 3]).doubles, [0, 0, 11, 100, 1000, 0])
        XCTAssertEqual(kind { try x.takingAlongAxis(try Tensor([Int32(3)], shape: [1, 1]).broadcasted(to: [2, 1]), axis: 1) },
                       .outOfRange)
        XCTAssertEqual(kind { try x.takingAlongAxis(x, axis: 1) }, .invalidDType)
        XCTAssertEqual(kind { try x.takingAlongAxis(ix, axis: 0) }, .invalidArgument)
    }

    func testInverseDeterminantAndCholesky() throws {
        let a = try Tensor([4.0, 7.0, 2.0, 6.0], shape: [2, 2])
        let inv = try matrixInverse(a).doubles
        for (got, want) in zip(inv, [0.6, -0.7, -0.2, 0.4]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        XCTAssertEqual(try matrixDeterminant(a).doubles[0], 10, accuracy: 1e-12)
        // a row swap flips the sign; a batch keeps its leading shape
        let batch = try Tensor([0.0, 1.0, 1.0, 0.0, 2.0, 0.0, 0.0, 3.0], shape: [2, 2, 2])
        let dets = try matrixDeterminant(batch)
        XCTAssertEqual(dets.shape, [2])
        XCTAssertEqual(dets.doubles, [-1, 6])
        let spd = try Tensor([4.0, 2.0, 2.0, 3.0], shape: [2, 2])
        let l = try cholesky(spd).doubles
        for (got, want) in zip(l, [2, 0, 1, 2.0.squareRoot()]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        let singular = try Tensor([1.0, 2.0, 2.0, 4.0], shape: [2, 2])
        XCTAssertEqual(kind { try matrixInverse(singular) }, .invalidArgument)
        XCTAssertEqual(try matrixDeterminant(singular).doubles, [0])
        XCTAssertEqual(kind { try cholesky(singular) }, .invalidArgument)
        XCTAssertEqual(kind { try matrixInverse(try Tensor([1.0, 2.0], shape: [1, 2])) }, .invalidArgument)
        XCTAssertEqual(kind { try matrixDeterminant(try Tensor([Int32(1)], shape: [1, 1])) }, .invalidDType)
    }

    func testErf() throws {
        let x = try Tensor([-1.0, 0.0, 0.5], shape: [3]).cast(to: .float32)
        let y = try erf(x)
        XCTAssertEqual(y.dtype, .float32)
        for (got, want) in zip(y.doubles, [-0.8427007929497149, 0, 0.5204998778130465]) {
            XCTAssertEqual(got, want, accuracy: 1e-6)
        }
        XCTAssertEqual(kind { try erf(try Tensor([Int32(1)], shape: [1])) }, .invalidDType)
    }
}
