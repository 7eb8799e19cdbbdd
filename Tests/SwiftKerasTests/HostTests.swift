import XCTest
@testable import SwiftKerasCore

/// The library as a guest in a host process: the CPU check and the substring search that keeps
/// _StringProcessing out of the library.
final class HostTests: XCTestCase {
    /// This machine runs the tests, so it has what the library is compiled for.
    func testCPUCheckPassesHere() throws {
        XCTAssertNoThrow(try HostCPU.check())
    }

    func testContainsText() {
        XCTAssertTrue("val_accuracy".containsText("acc"))
        XCTAssertTrue("float32".containsText("float"))
        XCTAssertTrue("uint8".containsText("int"))
        XCTAssertFalse("loss".containsText("acc"))
        XCTAssertFalse("ac".containsText("acc"))
        XCTAssertTrue("abc".containsText(""))
        XCTAssertTrue("".containsText(""))
        XCTAssertFalse("".containsText("a"))
        XCTAssertTrue("aab".containsText("ab"))          // a partial match restarts
        XCTAssertTrue("dense/kernel:0".containsText("kernel"))
        XCTAssertTrue("bias_é".containsText("é"))
        XCTAssertTrue("x_e\u{301}".containsText("e"))     // scalars, as Python's `in` (not graphemes)
        XCTAssertTrue("dense/kernel"[...].containsText("se/k"[...]))
    }
}
