import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// tf.train.Checkpoint of a LossScaleOptimizer: its loss scale, growth counter and the inner
// optimizer's iterations and slots are saved and restored, so a restored optimizer (also a fresh
// one, before its first step) continues exactly as the original.

final class LossScaleOptimizerStateTests: XCTestCase {
    /// Gradients of step `i`: finite except an inf at step 2 (skipped, scale halved).
    private func step(_ lso: LossScaleOptimizer, _ w: Variable, _ i: Int) throws {
        let g = i == 2 ? [Double.infinity, 1] : [Double(i) - 1.5, 0.25 * Double(i)]
        try lso.applyGradients([(try Tensor(g.map { $0 * lso.dynamicScale }, shape: [2]), w)])
    }

    func testARestoredLossScaleOptimizerContinuesExactly() throws {
        let lso = try LossScaleOptimizer(try Adam(learningRate: 0.1), initialScale: 64, dynamicGrowthSteps: 3)
        let w = Variable(try Tensor([1.0, -2.0], shape: [2]), name: "w")
        for i in 0..<6 { try step(lso, w, i) }
        XCTAssertEqual(lso.dynamicScale, 64)     // halved at step 2, doubled after steps 3, 4, 5
        try step(lso, w, 6)
        XCTAssertEqual(lso.stepCounter, 1)
        let saved = try lso.stateTensors()
        XCTAssertEqual(saved.map(\.name), ["loss_scale/current_loss_scale", "loss_scale/good_steps", "iterations", "slots/0/momentum", "slots/0/velocity"])
        XCTAssertEqual(saved[0].tensor.dtype, .float32)
        XCTAssertEqual(saved[0].tensor.doubles, [64])
        XCTAssertEqual(saved[1].tensor.doubles, [1])
        XCTAssertEqual(saved[2].tensor.doubles, [6])
        let weights = w.value.doubles
        for i in 7..<12 { try step(lso, w, i) }

        let fresh = try LossScaleOptimizer(try Adam(learningRate: 0.1), initialScale: 64, dynamicGrowthSteps: 3)
        let w2 = Variable(try Tensor(weights, shape: [2]), name: "w")
        try fresh.restoreState(saved)
        XCTAssertEqual(fresh.dynamicScale, 64)
        XCTAssertEqual(fresh.stepCounter, 1)
        XCTAssertEqual(fresh.iterations, 6)
        for i in 7..<12 { try step(fresh, w2, i) }
        XCTAssertEqual(w2.value.doubles, w.value.doubles)
        XCTAssertEqual(fresh.dynamicScale, lso.dynamicScale)
        XCTAssertEqual(fresh.stepCounter, lso.stepCounter)
        XCTAssertEqual(fresh.iterations, lso.iterations)
    }

    /// Bad loss-scale entries are refused and change nothing.
    func testBadLossScaleStateIsRefused() throws {
        let lso = try LossScaleOptimizer(try SGD(learningRate: 0.1), initialScale: 8, dynamicGrowthSteps: 4)
        for (name, value) in [("loss_scale/current_loss_scale", 0.0), ("loss_scale/current_loss_scale", Double.infinity),
                              ("loss_scale/good_steps", 4), ("loss_scale/good_steps", 1.5), ("loss_scale/good_steps", -1)] {
            XCTAssertThrowsError(try lso.restoreState([(name, try Tensor.scalar(value, dtype: .float64)), ("iterations", try Tensor.scalar(3, dtype: .int64))]), name)
        }
        XCTAssertThrowsError(try lso.restoreState([("loss_scale/current_loss_scale", try Tensor.scalar(4, dtype: .float32)), ("bogus", try Tensor.scalar(3, dtype: .int64))]))
        XCTAssertEqual(lso.dynamicScale, 8)
        XCTAssertEqual(lso.iterations, 0)
    }
}
