import XCTest
@testable import SwiftKeras

/// Models with several outputs (tf.keras 2): per-output losses, loss weights and metrics, targets
/// in output order or by output name, every output of predict. Expected values: tf.keras 2.21
/// (TF_USE_LEGACY_KERAS=1) on the same model: inp(3) -> Dense "h" (4, tanh, kernel 0.1) ->
/// Dense "a" (1, kernel 0.2) and Dense "b" (2, softmax, kernel -0.3), biases zero.
final class MultiOutputTests: XCTestCase {
    private func model() throws -> Model {
        let inp = try Input(shape: [3], name: "inp")
        let h = try Dense(units: 4, activation: .tanh, kernelInitializer: Constant(0.1), name: "h")(inp)
        let a = try Dense(units: 1, kernelInitializer: Constant(0.2), name: "a")(h)
        let b = try Dense(units: 2, activation: .softmax, kernelInitializer: Constant(-0.3), name: "b")(h)
        return try Model(inputs: [inp], outputs: [a, b])
    }

    private let x = try! Tensor.from(doubles: (0..<24).map { Double($0) / 10 }, shape: [8, 3], dtype: .float32)
    private let ya = try! Tensor.from(doubles: (0..<8).map { Double($0) / 4 }, shape: [8, 1], dtype: .float32)
    private let yb = try! Tensor.from(doubles: [0, 1, 1, 0, 1, 0, 0, 1], shape: [8], dtype: .float32)

    private func assertLogs(_ logs: Logs, _ names: [String], _ model: Model, _ want: [Double], _ what: String) {
        XCTAssertEqual(model.metricsNames, names, what)
        for (n, v) in zip(names, want) {
            XCTAssertEqual(logs[n] ?? .nan, v, accuracy: 1e-5 * Swift.max(1, abs(v)), "\(what): \(n)")
        }
        XCTAssertEqual(logs.count, names.count, what)
    }

    func testPerOutputLossesWeightsAndMetrics() throws {
        let m = try model()
        XCTAssertEqual(m.outputNames(count: 2), ["a", "b"])
        try m.compile(optimizer: SGD(learningRate: 0.1),
                      losses: .list([Losses.MeanSquaredError(), Losses.SparseCategoricalCrossentropy()]),
                      lossWeights: .list([0.5, 2.0]), metrics: .list([[.name("mae")], [.name("accuracy")]]))
        assertLogs(try m.evaluate(x: [x], y: [ya, yb], batchSize: 3),
                   ["loss", "a_loss", "b_loss", "a_mae", "b_accuracy"], m,
                   [1.669753074645996, 0.5669173002243042, 0.6931471824645996, 0.6250958442687988, 0.5], "lists")
        XCTAssertTrue(m.isCompiledPerOutput)
        XCTAssertThrowsError(try m.getCompileConfig())
    }

    func testDictsByOutputNameAndTrainOnBatch() throws {
        let m = try model()
        try m.compile(optimizer: SGD(learningRate: 0.1),
                      losses: .named(["a": Losses.MeanSquaredError(), "b": Losses.SparseCategoricalCrossentropy()]),
                      lossWeights: .named(["a": 1, "b": 0.5]), metrics: .named(["b": [.name("accuracy")]]))
        let names = ["loss", "a_loss", "b_loss", "b_accuracy"]
        let ys = try m.targets(byName: ["b": yb, "a": ya], outputCount: 2, op: "test")
        assertLogs(try m.trainOnBatch(x: [x], y: ys), names, m, [0.913490891456604, 0.5669173002243042, 0.6931471824645996, 0.5], "first step")
        assertLogs(try m.trainOnBatch(x: [x], y: [ya, yb]), names, m, [0.5812481641769409, 0.23467466235160828, 0.6931470632553101, 0.5], "second step")
        let p = try m.predictOutputs([x], batchSize: 3)
        XCTAssertEqual(p.count, 2)
        assertClose(p[0], [0.27856725454330444, 0.4351297616958618, 0.5832816362380981, 0.7188761830329895,
                           0.8392418622970581, 0.9432240128517151, 1.0309643745422363, 1.1035418510437012], .relOrAbs(1e-5))
        XCTAssertEqual(p[1].shape, [8, 2])
        XCTAssertThrowsError(try m.targets(byName: ["a": ya], outputCount: 2, op: "test"))
        XCTAssertThrowsError(try m.targets(byName: ["a": ya, "b": yb, "c": yb], outputCount: 2, op: "test"))
    }

    func testNoLossForAnOutputAndErrors() throws {
        let m = try model()
        try m.compile(optimizer: SGD(learningRate: 0.1), losses: .list([Losses.MeanSquaredError(), nil]))
        let logs = try m.evaluate(x: [x], y: [ya, yb])
        XCTAssertEqual(m.metricsNames, ["loss", "a_loss"])
        XCTAssertEqual(logs["loss"] ?? .nan, 0.5669173002243042, accuracy: 1e-5)
        try m.compile(optimizer: SGD(learningRate: 0.1), losses: .all(Losses.MeanSquaredError()))
        XCTAssertThrowsError(try m.evaluate(x: [x], y: [ya])) { e in
            XCTAssertTrue("\(e)".contains("2 output(s)"), "\(e)")
        }
        // after the losses are resolved by a first step, too few targets are still an error (no trap)
        let oneHot = try Tensor.from(doubles: [1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1], shape: [8, 2], dtype: .float32)
        _ = try m.testOnBatch(x: [x], y: [ya, oneHot])
        XCTAssertThrowsError(try m.testOnBatch(x: [x], y: [ya])) { e in
            XCTAssertTrue("\(e)".contains("2 output(s)"), "\(e)")
        }
        try m.compile(optimizer: SGD(learningRate: 0.1), losses: .list([Losses.MeanSquaredError()]))
        XCTAssertThrowsError(try m.evaluate(x: [x], y: [ya, yb]))
    }
}
