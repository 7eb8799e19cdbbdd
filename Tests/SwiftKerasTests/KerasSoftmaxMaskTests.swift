import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// Softmax with a mask (tf.keras 2 `Softmax()(x, mask)`: -1e9 added where the mask is false; the
// layer supports masking, so the mask is passed on). Values recorded from tf.keras 2.21.

final class KerasSoftmaxMaskTests: XCTestCase {
    func testSoftmaxConsumesAndPassesTheMask() throws {
        let scores = t32([1, 2, 3, 4, 0.5, 0.1, -1, 2], [2, 4])
        let keep = try Tensor([true, true, false, true, false, true, true, false], shape: [2, 4])
        let softmax = try Softmax()
        XCTAssertTrue(softmax.supportsMasking)
        let (outs, masks) = try softmax.callOutputsAndMasks([scores], masks: [keep], training: false)
        let want = [0.04201006516814232, 0.11419519037008286, 0.0, 0.8437947034835815,
                    0.0, 0.7502601146697998, 0.24973991513252258, 0.0]
        for (g, e) in zip(outs[0].doubles, want) { XCTAssertEqual(g, e, accuracy: 1e-6) }
        XCTAssertEqual(masks.count, 1)
        XCTAssertEqual(masks[0]?.doubles, keep.doubles)
        // float16 inputs: float16's lowest value instead of -1e9 (which would overflow to -inf).
        let half = try softmax.callOutputsAndMasks([try scores.cast(to: .float16)], masks: [keep], training: false).outputs[0]
        XCTAssertEqual(half.dtype, .float16)
        for (g, e) in zip(half.doubles, want) { XCTAssertEqual(g, e, accuracy: 2e-3) }
        // Without a mask: the plain softmax.
        let plain = try softmax.callOutputsAndMasks([scores], masks: [nil], training: false)
        XCTAssertEqual(plain.outputs[0].doubles, try scores.softmax(alongAxis: -1).doubles)
        XCTAssertNil(plain.masks[0])
    }
}
