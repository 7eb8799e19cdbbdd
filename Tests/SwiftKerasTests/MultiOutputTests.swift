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

    // Hand case: outputs equal the inputs P (identity kernels); labels [0, 0, 1, 1] hit [1, 0, 0, 1];
    // weights [1, 1, 1, 5]: accuracy 0.5, weighted accuracy 6/8. MAE against T = [[1, 0], 0, 0, 0]:
    // per sample [.1, .5, .5, .5]: plain 0.4, weighted by [1, 1, 1, 5] 3.6/8 = 0.45, by [4, 0, 0, 0] 0.1.
    private let p = try! Tensor.from(doubles: [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7], shape: [4, 2], dtype: .float32)
    private let sw = try! Tensor.from(doubles: [1, 1, 1, 5], shape: [4], dtype: .float32)

    private func identityModel(outputs: Int, keyed: Bool = false) throws -> Model {
        let inp = try Input(shape: [2], name: "p")
        let outs = try (0..<outputs).map { try Dense(units: 2, useBias: false, kernelInitializer: IdentityInitializer(), name: "o\($0)")(inp) }
        return keyed ? try Model(inputs: [inp], inputKeys: nil, outputs: outs, outputKeys: ["z", "y"].prefix(outputs).map { $0 })
                     : try Model(inputs: [inp], outputs: outs)
    }

    func testPlainMetricsSeeNoSampleWeightsWeightedMetricsDo() throws {
        let m = try identityModel(outputs: 1)
        try m.compile(optimizer: SGD(learningRate: 0), losses: .all(Losses.SparseCategoricalCrossentropy()),
                      metrics: .all([.name("accuracy")]), weightedMetrics: .all([.name("accuracy")]))
        let labels = try Tensor.from(doubles: [0, 0, 1, 1], shape: [4], dtype: .float32)
        let logs = try m.evaluate(x: [p], y: [labels], sampleWeight: sw)
        XCTAssertEqual(m.metricsNames, ["loss", "accuracy", "weighted_accuracy"])
        XCTAssertEqual(logs["accuracy"]!, 0.5, accuracy: 1e-6)
        XCTAssertEqual(logs["weighted_accuracy"]!, 0.75, accuracy: 1e-6)
        let h = try m.fit(x: [p], y: [labels], batchSize: 4, verbose: 0, sampleWeight: sw)
        XCTAssertEqual(h["accuracy"]!, [0.5])
        XCTAssertEqual(h["weighted_accuracy"]!, [0.75])
    }

    func testPerOutputSampleWeightsWeighLossesAndWeightedMetricsOfTheirOutput() throws {
        let m = try identityModel(outputs: 2)
        try m.compile(optimizer: SGD(learningRate: 0), losses: .all(Losses.MeanAbsoluteError()),
                      metrics: .all([.name("mae")]), weightedMetrics: .all([.name("mae")]))
        let t = try Tensor.from(doubles: [1, 0, 0, 0, 0, 0, 0, 0], shape: [4, 2], dtype: .float32)
        let w1 = try Tensor.from(doubles: [4, 0, 0, 0], shape: [4], dtype: .float32)
        let logs = try m.testOnBatch(x: [p], y: [t, t], sampleWeights: [sw, w1])
        XCTAssertEqual(m.metricsNames, ["loss", "o0_loss", "o1_loss", "o0_mae", "o0_weighted_mae", "o1_mae", "o1_weighted_mae"])
        // losses: sum over the batch size 4: (.1 + .5 + .5 + 2.5) / 4 = 0.9 and .4 / 4 = 0.1
        for (k, v) in [("o0_loss", 0.9), ("o1_loss", 0.1), ("loss", 1.0), ("o0_mae", 0.4), ("o0_weighted_mae", 0.45),
                       ("o1_mae", 0.4), ("o1_weighted_mae", 0.1)] {
            XCTAssertEqual(logs[k]!, v, accuracy: 1e-6, k)
        }
        // nil: that output is not weighted; a wrong count is an error naming it
        let one = try m.testOnBatch(x: [p], y: [t, t], sampleWeights: [nil, w1])
        XCTAssertEqual(one["o0_loss"]!, 0.4, accuracy: 1e-6)
        XCTAssertThrowsError(try m.testOnBatch(x: [p], y: [t, t], sampleWeights: [sw, w1, sw])) { e in
            XCTAssertTrue("\(e)".contains("3 per-output sample weights"), "\(e)")
        }
        // by output name
        XCTAssertEqual(try m.sampleWeights(byName: ["o1": w1], outputCount: 2, op: "t").map { $0 == nil }, [true, false])
        XCTAssertThrowsError(try m.sampleWeights(byName: ["zz": w1], outputCount: 2, op: "t"))
    }

    func testKeyedOutputsOrderByKeyResolveDictsByKeyAndLogByLayerName() throws {
        let m = try identityModel(outputs: 2, keyed: true)   // o0 keyed "z", o1 keyed "y": outputs [o1, o0]
        XCTAssertEqual(m.outputKeys, ["y", "z"])
        XCTAssertEqual(m.outputNames(count: 2), ["o1", "o0"])
        try m.compile(optimizer: SGD(learningRate: 0), losses: .named(["y": Losses.MeanAbsoluteError()]),
                      metrics: .named(["z": [.name("mae")]]))
        let t = try Tensor.from(doubles: [1, 0, 0, 0, 0, 0, 0, 0], shape: [4, 2], dtype: .float32)
        let ys = try m.targets(byName: ["z": t, "y": t], outputCount: 2, op: "t")
        let logs = try m.testOnBatch(x: [p], y: ys)
        XCTAssertEqual(m.metricsNames, ["loss", "o1_loss", "o0_mae"])
        XCTAssertEqual(logs["o1_loss"]!, 0.4, accuracy: 1e-6)
        XCTAssertThrowsError(try m.targets(byName: ["o0": t, "o1": t], outputCount: 2, op: "t"))
        // the config keeps the dicts; a model from it has the same keys
        let config = try m.getModelConfig()
        guard case .object(let outs)? = config["config"]?["output_layers"] else { return XCTFail("output_layers \(config)") }
        XCTAssertEqual(outs.keys.sorted(), ["y", "z"])
        XCTAssertThrowsError(try Model(inputs: m.inputs, inputKeys: nil, outputs: m.symbolicOutputs, outputKeys: ["a", "a"]))
        XCTAssertThrowsError(try Model(inputs: m.inputs, inputKeys: nil, outputs: m.symbolicOutputs, outputKeys: ["a"]))
    }

    func testValidationSplitSplitsEveryArrayAtTheSameSample() throws {
        // floor(5 * (1 - 0.4)) = 3 training samples, as tf.keras 2's train_validation_split
        let a = try Tensor.from(doubles: (0..<10).map(Double.init), shape: [5, 2], dtype: .float32)
        let b = try Tensor.from(doubles: [10, 11, 12, 13, 14], shape: [5], dtype: .float32)
        let (tr, va) = try Model.validationSplit([a, b], fraction: 0.4)
        XCTAssertEqual(tr.map(\.shape), [[3, 2], [3]])
        XCTAssertEqual(try va[1].cast(to: .float64).doubles, [13, 14])
        XCTAssertEqual(try va[0].cast(to: .float64).doubles, [6, 7, 8, 9])
        for (arrays, f, msg) in [([a, b], 0.0, "(0, 1)"), ([a, b], 0.9, "leaves no"), ([a, try b.slice(begin: [0], size: [4])], 0.4, "cardinality")] {
            XCTAssertThrowsError(try Model.validationSplit(arrays, fraction: f)) { e in XCTAssertTrue("\(e)".contains(msg), "\(e)") }
        }
    }
}
