import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// fit with sample weights, class weights and weighted validation data; evaluate with sample
// weights. Oracles: equivalent unweighted runs (same seeds, full batches, no shuffling).

private func data(_ n: Int, seed: UInt64) throws -> (Tensor, Tensor) {
    let xs = try Random.normal([n, 3], dtype: .float64, seed: seed).doubles
    var ys: [Double] = []
    for i in 0..<n { ys.append(xs[3 * i] + 2 * xs[3 * i + 1] > 0 ? 1 : 0) }
    return (t32(xs, [n, 3]), t32(ys, [n]))
}

final class KerasFitTests: XCTestCase {
    private func model() throws -> Sequential {
        let m = try Sequential([
            Dense(units: 4, activation: .tanh, kernelInitializer: GlorotUniform(seed: 5), inputShape: [3]),
            Dense(units: 2, activation: .softmax, kernelInitializer: GlorotUniform(seed: 6)),
        ])
        try m.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        return m
    }

    private func weights(_ m: Model) throws -> [Double] { try m.getWeights().flatMap { try $0.cast(to: .float64).doubles } }

    /// Weight 2 on the first half and 0 on the rest, in one full batch, trains exactly as the
    /// first half alone (sum_over_batch_size divides by the batch size).
    func testSampleWeightZeroEqualsTrainingOnTheRest() throws {
        let (x, y) = try data(16, seed: 1)
        let w = t32((0..<16).map { $0 < 8 ? 2 : 0 }, [16])
        let a = try model(), b = try model()
        let ha = try a.fit(x: x, y: y, batchSize: 16, epochs: 5, verbose: 0, shuffle: false, sampleWeight: w)
        let hb = try b.fit(x: try x.slice(begin: [0, 0], size: [8, 3]), y: try y.slice(begin: [0], size: [8]),
                           batchSize: 8, epochs: 5, verbose: 0, shuffle: false)
        assertClose(try weights(a), try weights(b), .onePlus(1e-5))
        assertClose(ha["loss"]!, hb["loss"]!, .onePlus(1e-5))
        // evaluate with the same weights gives the loss of the first half; the plain metric
        // "accuracy" sees no sample weights (tf.keras 2: only weighted metrics do), so it is the
        // accuracy over all 16 samples
        let ea = try a.evaluate(x: x, y: y, batchSize: 16, sampleWeight: w)
        let eb = try a.evaluate(x: try x.slice(begin: [0, 0], size: [8, 3]), y: try y.slice(begin: [0], size: [8]), batchSize: 8)
        XCTAssertEqual(ea["loss"]!, eb["loss"]!, accuracy: 1e-6)
        XCTAssertEqual(ea["accuracy"]!, try a.evaluate(x: x, y: y, batchSize: 16)["accuracy"]!, accuracy: 1e-6)
    }

    func testClassWeightEqualsSampleWeight() throws {
        let (x, y) = try data(20, seed: 2)
        let labels = y.doubles
        let sw = t32(labels.map { $0 == 1 ? 3 : 0.5 }, [20])
        let a = try model(), b = try model(), c = try model()
        try a.fit(x: x, y: y, batchSize: 7, epochs: 3, verbose: 0, seed: 4, classWeight: [0: 0.5, 1: 3])
        try b.fit(x: x, y: y, batchSize: 7, epochs: 3, verbose: 0, sampleWeight: sw, seed: 4)
        XCTAssertEqual(try weights(a), try weights(b))
        // multiplied with sample weights
        let half = t32(Array(repeating: 0.5, count: 20), [20])
        try c.fit(x: x, y: y, batchSize: 7, epochs: 3, verbose: 0, sampleWeight: half, seed: 4, classWeight: [0: 1, 1: 6])
        assertClose(try weights(c), try weights(b), .onePlus(1e-5))
        // one-hot targets: the argmax is the class
        let d = try model(), e = try model()
        try d.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.CategoricalCrossentropy())
        try e.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.CategoricalCrossentropy())
        let oneHot = t32(labels.flatMap { $0 == 1 ? [0, 1] : [1, 0] }, [20, 2])
        try d.fit(x: x, y: oneHot, batchSize: 7, epochs: 2, verbose: 0, seed: 4, classWeight: [0: 0.5, 1: 3])
        try e.fit(x: x, y: oneHot, batchSize: 7, epochs: 2, verbose: 0, sampleWeight: sw, seed: 4)
        XCTAssertEqual(try weights(d), try weights(e))
    }

    func testClassWeightErrors() throws {
        let (x, y) = try data(10, seed: 3)
        let m = try model()
        XCTAssertThrowsError(try m.fit(x: x, y: y, verbose: 0, classWeight: [0: 1])) { e in
            XCTAssertTrue("\(e)".contains("is not a class of `class_weight`"), "\(e)")
        }
        XCTAssertThrowsError(try m.fit(x: x, y: y, verbose: 0, classWeight: [0: 1, 2: 1])) { e in
            XCTAssertTrue("\(e)".contains("keys from 0 to one less than the number of classes"), "\(e)")
        }
        XCTAssertThrowsError(try m.fit(x: x, y: try y.reshaped(to: [10, 1, 1]), verbose: 0, classWeight: [0: 1, 1: 1])) { e in
            XCTAssertTrue("\(e)".contains("rank 3"), "\(e)")
        }
        XCTAssertThrowsError(try m.fit(x: x, y: y, verbose: 0, validationSampleWeight: t32([1], [1]))) { e in
            XCTAssertTrue("\(e)".contains("without validation_data"), "\(e)")
        }
    }

    func testWeightedValidationDataEqualsEvaluate() throws {
        let (x, y) = try data(24, seed: 5)
        let (vx, vy) = try data(10, seed: 6)
        let vw = t32((0..<10).map { Double($0 % 3) }, [10])
        let m = try model()
        let h = try m.fit(x: x, y: y, batchSize: 8, epochs: 2, verbose: 0, validationData: (vx, vy), seed: 1,
                          validationSampleWeight: vw)
        let r = try m.evaluate(x: vx, y: vy, batchSize: 8, sampleWeight: vw)
        XCTAssertEqual(h["val_loss"]!.last!, r["loss"]!, accuracy: 1e-6)
        XCTAssertEqual(h["val_accuracy"]!.last!, r["accuracy"]!, accuracy: 1e-6)
        let unweighted = try m.evaluate(x: vx, y: vy, batchSize: 8)
        XCTAssertNotEqual(unweighted["loss"]!, r["loss"]!)
        XCTAssertThrowsError(try m.fit(x: x, y: y, verbose: 0, validationData: (vx, vy), validationSampleWeight: t32([1, 2], [2])))
        // validation_split holds out the tail of the sample weights too
        let sw = t32((0..<24).map { Double($0 % 4) }, [24])
        let m2 = try model()
        let h2 = try m2.fit(x: x, y: y, batchSize: 8, epochs: 1, verbose: 0, validationSplit: 0.25, sampleWeight: sw, seed: 2)
        let r2 = try m2.evaluate(x: try x.slice(begin: [18, 0], size: [6, 3]), y: try y.slice(begin: [18], size: [6]),
                                 batchSize: 8, sampleWeight: try sw.slice(begin: [18], size: [6]))
        XCTAssertEqual(h2["val_loss"]!.last!, r2["loss"]!, accuracy: 1e-6)
    }
}
