import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Issue 16's options and classes against values recorded with TF 2.21 + tf-keras 2.21
// (TF_USE_LEGACY_KERAS=1); the full recordings are replayed by bindings/python/tests/test_golden.py.

final class KerasReferenceNumericsTests: XCTestCase {
    private let w: [Double] = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75]
    private let g: [Double] = [0.1, -0.2, 0.3, -0.4, 0.5, 0.6]

    /// Two steps (gradients g, then 2g) on a (2, 3) variable.
    private func twoSteps(_ opt: Optimizer) throws -> [Double] {
        let v = Variable(try Tensor.from(doubles: w, shape: [2, 3], dtype: .float32))
        for scale in [1.0, 2.0] {
            try opt.applyGradients([(try Tensor.from(doubles: g.map { $0 * scale }, shape: [2, 3], dtype: .float32), v)])
        }
        return v.value.doubles
    }

    func testFtrlAndAdafactorMatchTFKeras() throws {
        assertClose(try twoSteps(try Ftrl(learningRate: 0.1, l1RegularizationStrength: 0.01,
                                          l2ShrinkageRegularizationStrength: 0.05)),
                    [-0.0700935646891594, 0.0, 0.3453157842159271, 0.6946331858634949, -0.0586303249001503, -0.559845507144928],
                    .relOrAbs(1e-5))
        assertClose(try twoSteps(try Adafactor(learningRate: 0.1)),
                    [0.35515743494033813, -0.7782050371170044, 1.7329235076904297, 1.747044324874878,
                     0.013565793633460999, -0.9777635931968689], .relOrAbs(1e-5))
        // From configs (the C and Python path), with the Keras names.
        XCTAssertTrue(try optimizerFromConfig(name: "Ftrl", configJSON: #"{"beta": 0.1}"#) is Ftrl)
        XCTAssertTrue(try optimizerFromConfig(name: "Adafactor", configJSON: #"{"relative_step": false}"#) is Adafactor)
        assertError(.invalidArgument, containing: ["learning_rate_power"]) {
            _ = try Ftrl(learningRatePower: 0.5)
        }
    }

    func testPrecisionRecallTopKAndMultiLabelAUC() throws {
        let p = try Metrics.Precision(topK: 2)
        try p.updateState(t32([0, 1, 1, 0, 1, 0, 0, 1], [2, 4]), t32([0.1, 0.7, 0.6, 0.2, 0.5, 0.5, 0.1, 0.6], [2, 4]))
        XCTAssertEqual(try p.result().scalarDouble(), 1.0, accuracy: 1e-6)
        let r = try Metrics.Recall(topK: 1, classId: 2)
        try r.updateState(t32([0, 1, 1, 0, 1, 0, 1, 1], [2, 4]), t32([0.1, 0.7, 0.6, 0.2, 0.5, 0.5, 0.9, 0.6], [2, 4]))
        XCTAssertEqual(try r.result().scalarDouble(), 0.5, accuracy: 1e-6)
        let yt = t32([0, 1, 1, 1, 1, 0, 0, 0], [4, 2]), yp = t32([0.2, 0.9, 0.8, 0.3, 0.6, 0.4, 0.3, 0.1], [4, 2])
        let auc = try Metrics.AUC(numThresholds: 5, multiLabel: true)
        try auc.updateState(yt, yp)
        XCTAssertEqual(try auc.result().scalarDouble(), 0.9375, accuracy: 1e-6)
        let weighted = try Metrics.AUC(numThresholds: 5, multiLabel: true, labelWeights: [1, 3])
        try weighted.updateState(yt, yp)
        XCTAssertEqual(try weighted.result().scalarDouble(), 0.90625, accuracy: 1e-6)
        // Configs carry the options back.
        let again = try Metrics.AUC(config: try weighted.getConfig())
        XCTAssertTrue(again.multiLabel)
        XCTAssertEqual(again.labelWeights, [1, 3])
        XCTAssertEqual(try Metrics.Precision(config: try p.getConfig()).topK, 2)
    }

    func testSumAndCrossentropyMetrics() throws {
        let s = Metrics.Sum()
        try s.update(values: t32([1, 2, 3, 4, 5, 6], [2, 3]), sampleWeight: t32([0.5, 2], [2]))
        XCTAssertEqual(try s.result().scalarDouble(), 33, accuracy: 1e-6)
        let bce = Metrics.BinaryCrossentropy(fromLogits: true)
        let t = t32([1, 0], [2, 1]), l = t32([2, -1], [2, 1])
        try bce.updateState(t, l)
        let want = (Glibc.log1p(Glibc.exp(-2.0)) + Glibc.log1p(Glibc.exp(-1.0))) / 2
        XCTAssertEqual(try bce.result().scalarDouble(), want, accuracy: 1e-6)
        let config = try bce.getConfig()
        XCTAssertEqual(config["from_logits"], .bool(true))
        XCTAssertNil(config["reduction"])
        let sparse = try Metrics.SparseCategoricalCrossentropy(config: .object(["from_logits": .bool(true), "ignore_class": .int(0)]))
        XCTAssertTrue(sparse.loss is Losses.SparseCategoricalCrossentropy)
        assertError(.invalidArgument, containing: ["reduction"]) {
            _ = try Metrics.CategoricalCrossentropy(config: .object(["reduction": .string("sum")]))
        }
    }

    func testConv2DTransposeOutputPaddingAndSeluGradientAtZero() throws {
        let a = try Conv2DTranspose(config: .object(["filters": .int(2), "kernel_size": .int(3), "strides": .int(2),
                                                      "output_padding": .int(1)]))
        XCTAssertEqual(try a.computeOutputShape([1, 3, 4, 1]), [1, 8, 10, 2])
        let b = try Conv2DTranspose(config: .object(["filters": .int(2), "kernel_size": .int(4), "strides": .int(3),
                                                      "padding": .string("same"), "output_padding": .ints([2, 1])]))
        XCTAssertEqual(try b.computeOutputShape([1, 3, 2, 1]), [1, 8, 4, 2])
        XCTAssertEqual(try b(try Tensor.zeros([1, 3, 2, 1])).shape, [1, 8, 4, 2])
        assertError(.invalidArgument, containing: ["must be greater than output padding"]) {
            _ = try Conv2DTranspose(config: .object(["filters": .int(1), "kernel_size": .int(3), "output_padding": .int(1)]))
        }
        let x = try Tensor.from(doubles: [0, -1], shape: [2], dtype: .float32)
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record { try ActivationFunction.selu(x) }
        assertClose(try tape.gradient(y, x)?.doubles ?? [], [1.050701, 0.64676857], .relOrAbs(1e-5))
    }
}
