import XCTest
@testable import SwiftKeras

/// Optimizer.stateTensors / restoreState (tf.train.Checkpoint(optimizer=...)): names, exact
/// continuation after a deferred restore, and refusals that leave the optimizer unchanged.
final class OptimizerStateTests: XCTestCase {
    private func step(_ o: Optimizer, _ v: Variable, _ g: Tensor) throws { try o.apply([g], to: [v]) }

    func testDeferredRestoreContinuesExactly() throws {
        let g = try Tensor([0.5, -1, 2], shape: [3])
        let v = Variable(try Tensor([1.0, -2, 3], shape: [3]), name: "v")
        let adam = try Adam(learningRate: 0.1)
        XCTAssertEqual(try adam.stateTensors().map(\.name), ["iterations"])
        try step(adam, v, g); try step(adam, v, g)
        let state = try adam.stateTensors()
        XCTAssertEqual(state.map(\.name), ["iterations", "slots/0/momentum", "slots/0/velocity"])
        XCTAssertEqual(state[0].tensor.dtype, .int64)
        XCTAssertEqual(state[0].tensor.doubles, [2])

        let w = Variable(v.value(recording: false), name: "w")
        let fresh = try Adam(learningRate: 0.1)
        try fresh.restoreState(state)
        XCTAssertEqual(fresh.iterations, 2)
        try step(adam, v, g); try step(fresh, w, g)
        XCTAssertEqual(w.value(recording: false).doubles, v.value(recording: false).doubles)
        XCTAssertEqual(try fresh.stateTensors().map { $0.tensor.doubles }, try adam.stateTensors().map { $0.tensor.doubles })
    }

    func testRefusedStateLeavesTheOptimizerUnchanged() throws {
        let g = try Tensor([0.5, -1], shape: [2])
        let v = Variable(try Tensor([1.0, 2], shape: [2]), name: "v")
        let sgd = try SGD(learningRate: 0.1, momentum: 0.9)
        try step(sgd, v, g)
        let momentum = try Tensor([7.0, 7], shape: [2])
        for (entries, message) in [
            ([("slots/0/velocity", momentum)], "slot 'velocity' for variable 0"),
            ([("slots/0/momentum", try Tensor([1.0, 2, 3], shape: [3]))], "has shape (3,)"),
            ([("iterations", try Tensor([-1.0], shape: []))], "non-negative integer"),
            ([("velocity", momentum)], "not an optimizer state name"),
        ] as [([(name: String, tensor: Tensor)], String)] {
            XCTAssertThrowsError(try sgd.restoreState([("iterations", try Tensor([5.0], shape: []))] + entries)) { e in
                XCTAssertTrue((e as? SwiftKerasError)?.message.contains(message) ?? false, "\(e)")
            }
            XCTAssertEqual(sgd.iterations, 1)
        }
        // A deferred slot the optimizer does not create fails the update that builds it.
        let deferred = try SGD(learningRate: 0.1, momentum: 0.9)
        try deferred.restoreState([("slots/0/velocity", momentum)])
        XCTAssertThrowsError(try step(deferred, v, g)) { e in
            XCTAssertTrue((e as? SwiftKerasError)?.message.contains("velocity") ?? false, "\(e)")
        }
        // A LossScaleOptimizer's state (refused before session 6): its loss scale and good steps,
        // then the inner optimizer's (LossScaleOptimizerStateTests continues one exactly).
        XCTAssertEqual(try LossScaleOptimizer(sgd).stateTensors().map(\.name),
                       ["loss_scale/current_loss_scale", "loss_scale/good_steps"] + (try sgd.stateTensors().map(\.name)))
    }
}
