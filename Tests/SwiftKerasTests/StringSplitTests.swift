import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// tf.strings.split (TensorFlow's StringSplitV2): expected tokens and row splits recorded from
// TF 2.21 by tools/golden/record_augmentation.py.

final class StringSplitTests: XCTestCase {
    private func split(_ s: [String], _ sep: String?, _ maxSplit: Int = -1) throws -> ([String], [Int64]) {
        let r = try Tensor(strings: s).stringsSplit(separator: sep.map { Array($0.utf8) }, maxSplit: maxSplit)
        return (try r.values.stringScalars(), try r.rowSplits.scalars(as: Int64.self))
    }

    func testSplitMatchesTensorFlow() throws {
        let inputs = ["  hello  world ", "", "   ", "a,b,,c", "one\ttwo\nthree", "x<>y<>z", ",lead,trail,"]
        var r = try split(inputs, nil)
        XCTAssertEqual(r.0, ["hello", "world", "a,b,,c", "one", "two", "three", "x<>y<>z", ",lead,trail,"])
        XCTAssertEqual(r.1, [0, 2, 2, 2, 3, 6, 7, 8])
        r = try split(inputs, nil, 1)   // TF keeps the (possibly empty) rest after maxsplit splits
        XCTAssertEqual(r.0, ["hello", "world ", "a,b,,c", "", "one", "two\nthree", "x<>y<>z", "", ",lead,trail,", ""])
        XCTAssertEqual(r.1, [0, 2, 2, 2, 4, 6, 8, 10])
        r = try split(inputs, nil, 0)
        XCTAssertEqual(r.0, inputs)
        r = try split(inputs, ",")
        XCTAssertEqual(r.0, ["  hello  world ", "", "   ", "a", "b", "", "c", "one\ttwo\nthree", "x<>y<>z", "", "lead", "trail", ""])
        XCTAssertEqual(r.1, [0, 1, 2, 3, 7, 8, 9, 13])
        r = try split(["x<>y<>z", "a,b,,c"], "<>", 1)
        XCTAssertEqual(r.0, ["x", "y<>z", "a,b,,c"])
        XCTAssertEqual(r.1, [0, 2, 3])
        let scalar = try Tensor(strings: ["a b  c"], shape: []).stringsSplit(separator: nil)
        XCTAssertEqual(try scalar.values.stringScalars(), ["a", "b", "c"])
        XCTAssertThrowsError(try Tensor(strings: ["a", "b"], shape: [2, 1]).stringsSplit(separator: nil))
        XCTAssertThrowsError(try Tensor([1.5] as [Float], shape: [1]).stringsSplit(separator: nil))
    }
}
