import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// Custom steps (Models/CustomSteps.swift): the fit / evaluate / predict loops call them per batch
// with the batch as tf.keras 2's data adapter gives it; compiledLoss / updateCompiledMetrics;
// addMetric; addLoss with a closure. Oracle: a custom step doing the built-in step's work gives
// the built-in step's history and weights.

final class CustomStepsTests: XCTestCase {
    private func model() throws -> Sequential {
        let m = try Sequential([Dense(units: 3, activation: .tanh, kernelInitializer: GlorotUniform(seed: 7), inputShape: [2]),
                                Dense(units: 1, kernelInitializer: GlorotUniform(seed: 8))])
        try m.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.MeanSquaredError(), metrics: ["mae"])
        return m
    }

    private func data() throws -> (Tensor, Tensor) {
        let xs = try Random.normal([20, 2], dtype: .float64, seed: 3).doubles
        let ys: [Double] = (0..<20).map { (i: Int) -> Double in xs[2 * i] - 0.5 * xs[2 * i + 1] }
        return (t32(xs, [20, 2]), t32(ys, [20, 1]))
    }

    func testCustomStepDoingTheBuiltInWorkMatchesIt() throws {
        let (x, y) = try data()
        let a = try model(), b = try model()
        var structures: [ElementStructure] = []
        a.customSteps.train = { [unowned a] data in
            structures.append(data.structure)
            let (bx, by) = (try data.items[0].tensors, try data.items[1].tensors)
            let tape = GradientTape()
            let (preds, loss) = try tape.record { () throws -> ([Tensor], Tensor) in
                let p = try a.outputs(bx, training: true)
                return (p, try a.compiledLoss(ys: by, preds: p, sampleWeight: nil, regularization: try a.losses))
            }
            let vars = a.trainableVariables
            try a.optimizer!.apply(try tape.gradient(loss, vars.map { GradientSource.variable($0) }), to: vars)
            try a.updateCompiledMetrics(ys: by, preds: preds, sampleWeight: nil)
            return try a.metricResults()
        }
        let ha = try a.fit(x: x, y: y, batchSize: 8, epochs: 3, verbose: 0, shuffle: false)
        let hb = try b.fit(x: x, y: y, batchSize: 8, epochs: 3, verbose: 0, shuffle: false)
        XCTAssertEqual(structures.count, 9)
        XCTAssertEqual(structures[0], .tuple([.tensor, .tensor]))
        assertClose(ha["loss"]!, hb["loss"]!, .onePlus(1e-6))
        assertClose(ha["mae"]!, hb["mae"]!, .onePlus(1e-6))
        let wa = try a.getWeights().flatMap { try $0.cast(to: .float64).doubles }
        let wb = try b.getWeights().flatMap { try $0.cast(to: .float64).doubles }
        assertClose(wa, wb, .onePlus(1e-6))
    }

    func testDatasetElementsReachTheStepAsTheyCame() throws {
        let (x, _) = try data()
        let m = try model()
        let ds = try Dataset.tensorSlices([x], structure: .tensor).batch(8)
        XCTAssertThrowsError(try m.fit(dataset: ds, verbose: 0)) { e in
            XCTAssertTrue("\(e)".contains("hold only inputs"), "\(e)")
        }
        var shapes: [[Int]] = []
        m.customSteps.train = { data in
            XCTAssertEqual(data.structure, .tensor)
            shapes.append(try data.tensors[0].shape)
            return ["seen": Double(shapes.count)]
        }
        let h = try m.fit(dataset: ds, epochs: 2, verbose: 0)
        XCTAssertEqual(shapes, [[8, 2], [8, 2], [4, 2], [8, 2], [8, 2], [4, 2]])
        XCTAssertEqual(h["seen"]!, [3, 6])   // the epoch's logs: its last batch's
        // the default step refuses a batch without targets by name
        XCTAssertThrowsError(try m.defaultTrainStep(DatasetElement(x))) { e in
            XCTAssertTrue("\(e)".contains("holds no targets"), "\(e)")
        }
    }

    func testPackedBatchesAndPredictStep() throws {
        let t = t32([1, 2], [2, 1])
        XCTAssertEqual(try Model.packedBatch([t], [], nil).structure, .tensor)
        XCTAssertEqual(try Model.packedBatch([t, t], [], nil).structure, .tuple([.tuple([.tensor, .tensor])]))
        XCTAssertEqual(try Model.packedBatch([t], [t], t).structure, .tuple([.tensor, .tensor, .tensor]))
        let m = try model()
        m.customSteps.predict = { data in [try data.tensors[0] * 3.0] }
        XCTAssertEqual(try m.predict([t32([1, 2, 3, 4, 5, 6], [3, 2])], batchSize: 2).doubles, [3, 6, 9, 12, 15, 18])
        m.customSteps.predict = { _ in [] }
        XCTAssertThrowsError(try m.predict([t]))
    }

    func testAddMetricAndAddLossClosure() throws {
        let m = try model()
        let (x, y) = try data()
        try m.addMetric(t32([1, 2, 3], [3]), name: "probe")
        XCTAssertThrowsError(try m.addMetric(t32([1], [1]), name: "probe", aggregation: "sum"))
        XCTAssertEqual(try m.metricResults()["probe"], 2)
        XCTAssertEqual(m.metrics.map(\.name), ["probe"])
        let v = Variable(t32([2], [1]), name: "v")
        m.addLoss { try v.value.squared().sum() }
        XCTAssertEqual(try m.losses.last!.scalarDouble(), 4)
        try v.assign(t32([3], [1]))
        XCTAssertEqual(try m.losses.last!.scalarDouble(), 9)   // computed again when read
        let logs = try m.evaluate(x: x, y: y, batchSize: 20)
        XCTAssertEqual(logs["probe"], 0)   // reset by evaluate, not updated by it
        m.customSteps.metrics = [m.metrics[0]]
        try m.resetMetrics()
    }
}
