import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// tf.data in the core: cardinalities and sequences recorded from TF 2.21 (tf.data in the
// reference venv), structures and specs, fit / evaluate / predict over datasets with tf.keras 2's
// steps semantics, and the keras.utils helpers.

private func values(_ d: Dataset, component k: Int = 0) throws -> [[Double]] {
    let it = try d.makeIterator()
    var out: [[Double]] = []
    while let e = try it.next() { out.append(try e.tensors[k].cast(to: .float64).doubles) }
    return out
}

private func range(_ a: Int, _ b: Int) throws -> Dataset { try Dataset.range(start: a, stop: b) }

final class DatasetTests: XCTestCase {
    /// The cardinality table TF 2.21 prints (tf.data.experimental.cardinality) for the same pipelines.
    func testCardinalitiesMatchTF() throws {
        let unknown = try range(0, 10).filter { _ in true }
        let inf = try range(0, 3).repeated()
        let r10 = try range(0, 10)
        let cases: [(String, Dataset, Int)] = [
            ("range(10)", r10, 10), ("range(2, 11, 3)", try Dataset.range(start: 2, stop: 11, step: 3), 3),
            ("range(10, 0, -3)", try Dataset.range(start: 10, stop: 0, step: -3), 4), ("range(5, 5)", try range(5, 5), 0),
            ("batch(3)", try r10.batch(3), 4), ("batch(3, drop)", try r10.batch(3, dropRemainder: true), 3),
            ("inf.batch", try inf.batch(2), -1), ("unknown.batch", try unknown.batch(2), -2),
            ("unbatch", try r10.batch(3).unbatch(), -2),
            ("repeat(4)", try range(0, 3).repeated(4), 12), ("range(0).repeat()", try range(0, 0).repeated(), 0),
            ("unknown.repeat()", unknown.repeated(), -1), ("unknown.repeat(2)", unknown.repeated(2), -2),
            ("inf.repeat(2)", inf.repeated(2), -1), ("repeat(0)", try range(0, 3).repeated(0), 0),
            ("take(3)", r10.take(3), 3), ("range(2).take(3)", try range(0, 2).take(3), 2), ("take(-1)", r10.take(-1), 10),
            ("inf.take(5)", inf.take(5), 5), ("unknown.take(3)", unknown.take(3), -2), ("unknown.take(-1)", unknown.take(-1), -2),
            ("take(0)", try range(0, 5).take(0), 0),
            ("skip(3)", r10.skip(3), 7), ("range(2).skip(3)", try range(0, 2).skip(3), 0), ("skip(-1)", r10.skip(-1), 0),
            ("inf.skip(5)", inf.skip(5), -1), ("unknown.skip(3)", unknown.skip(3), -2),
            ("zip(3, 5)", try Dataset.zip([try range(0, 3), try range(0, 5)]), 3), ("zip(3, inf)", try Dataset.zip([try range(0, 3), inf]), 3),
            ("zip(unknown, 5)", try Dataset.zip([unknown, try range(0, 5)]), -2), ("zip(inf, inf)", try Dataset.zip([inf, inf]), -1),
            ("concat(3, 5)", try range(0, 3).concatenate(try range(0, 5)), 8), ("concat(3, inf)", try range(0, 3).concatenate(inf), -1),
            ("concat(unknown, 5)", try unknown.concatenate(try range(0, 5)), -2), ("concat(unknown, inf)", try unknown.concatenate(inf), -1),
            ("rebatch", try r10.batch(4).rebatch(3), -2), ("padded_batch(4)", try r10.paddedBatch(4), 3),
            ("padded_batch(4, drop)", try r10.paddedBatch(4, dropRemainder: true), 2),
            ("shuffle", try r10.shuffle(bufferSize: 3), 10), ("map", r10.map { $0 }, 10), ("enumerate", r10.enumerate(), 10),
            ("cache", r10.cache(), 10), ("prefetch", try r10.prefetch(2), 10),
        ]
        for (name, d, want) in cases { XCTAssertEqual(d.cardinality, want, name) }
    }

    /// Sequences TF 2.21 gives for the same pipelines.
    func testSequencesMatchTF() throws {
        XCTAssertEqual(try values(try range(0, 10).batch(4).rebatch(3)), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        XCTAssertEqual(try values(try range(0, 10).batch(4).rebatch(3, dropRemainder: true)), [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
        XCTAssertEqual(try values(try range(0, 8).batch(3)), [[0, 1, 2], [3, 4, 5], [6, 7]])
        XCTAssertEqual(try values(try range(0, 8).batch(3, dropRemainder: true)), [[0, 1, 2], [3, 4, 5]])
        XCTAssertEqual(try values(try range(0, 5).repeated(2).take(7)).flatMap { $0 }, [0, 1, 2, 3, 4, 0, 1])
        XCTAssertEqual(try values(try range(0, 5).take(2).repeated(3)).flatMap { $0 }, [0, 1, 0, 1, 0, 1])
        XCTAssertEqual(try values(try range(0, 5).skip(2).repeated(2)).flatMap { $0 }, [2, 3, 4, 2, 3, 4])
        XCTAssertEqual(try values(try range(0, 3).enumerate(start: 5)).flatMap { $0 }, [5, 6, 7])
        XCTAssertEqual(try values(try range(0, 10).filter { try $0.tensors[0].scalarDouble().truncatingRemainder(dividingBy: 3) == 0 }).flatMap { $0 },
                       [0, 3, 6, 9])
        XCTAssertEqual(try values(try range(0, 7).shuffle(bufferSize: 1)).flatMap { $0 }, [0, 1, 2, 3, 4, 5, 6])
        // range(1, 4).map(x -> fill([x], x)).padded_batch(2) = [[1 0] [2 2]], [[3 3 3]]
        let ragged = try range(1, 4).map { e in
            let v = try e.tensors[0].scalarDouble()
            return DatasetElement(try Tensor.full([Int(v)], value: v, dtype: .int64))
        }
        XCTAssertEqual(try values(try ragged.paddedBatch(2)), [[1, 0, 2, 2], [3, 3, 3]])
        XCTAssertEqual(try values(try ragged.paddedBatch(2, paddedShapes: [[5]], paddingValues: [-1])),
                       [[1, -1, -1, -1, -1, 2, 2, -1, -1, -1], [3, 3, 3, -1, -1]])
        XCTAssertThrowsError(try values(try ragged.batch(2))) { e in
            XCTAssertTrue("\(e)".contains("different shapes in component 0"), "\(e)")
        }
    }

    /// Element specs as TF prints them: slices drop the first dimension, batch adds None (or the
    /// size with drop_remainder); dicts flatten in sorted key order.
    func testStructureAndSpecs() throws {
        let a = try Tensor([1, 2] as [Int32], shape: [2]), y = try Tensor([3, 4] as [Float], shape: [2])
        let s = try ElementStructure.parse(json: "[{\"b\": \"t\", \"a\": \"t\"}, \"t\"]", op: "test")
        XCTAssertEqual(s, .tuple([.dict(keys: ["a", "b"], values: [.tensor, .tensor]), .tensor]))
        XCTAssertEqual(s.json, "[{\"a\":\"t\",\"b\":\"t\"},\"t\"]")
        let d = try Dataset.tensorSlices([a, a, y], structure: s)
        XCTAssertEqual(try d.elementSpec().map(\.description),
                       ["TensorSpec(shape=(), dtype=tf.int32)", "TensorSpec(shape=(), dtype=tf.int32)", "TensorSpec(shape=(), dtype=tf.float32)"])
        XCTAssertEqual(try range(0, 10).batch(3).elementSpec()[0].shape, [nil])
        XCTAssertEqual(try range(0, 10).batch(3, dropRemainder: true).elementSpec()[0].shape, [3])
        XCTAssertThrowsError(try ElementStructure.parse(json: "[1]", op: "test"))
        XCTAssertThrowsError(try Dataset.tensorSlices([a], structure: s))
    }

    /// Seeded shuffles repeat; each pass reshuffles unless asked not to; without a seed the
    /// global seed makes them repeat.
    func testShuffleSeedsAndPasses() throws {
        let d = try range(0, 30).shuffle(bufferSize: 30, seed: 9)
        let p1 = try values(d).flatMap { $0 }, p2 = try values(d).flatMap { $0 }
        XCTAssertEqual(p1.sorted(), (0..<30).map(Double.init))
        XCTAssertNotEqual(p1, p2)
        XCTAssertEqual(try values(try range(0, 30).shuffle(bufferSize: 30, seed: 9)).flatMap { $0 }, p1)
        let fixed = try range(0, 30).shuffle(bufferSize: 30, seed: 9, reshuffleEachIteration: false)
        XCTAssertEqual(try values(fixed), try values(fixed))
        Random.setGlobalSeed(4)
        let g1 = try values(try range(0, 30).shuffle(bufferSize: 8)).flatMap { $0 }
        Random.setGlobalSeed(4)
        XCTAssertEqual(try values(try range(0, 30).shuffle(bufferSize: 8)).flatMap { $0 }, g1)
    }

    private func model(inputName: String? = nil) throws -> Model {
        let input = try Input(shape: [2], name: inputName)
        let h = try Dense(units: 8, activation: .tanh, kernelInitializer: GlorotUniform(seed: 1))(input)
        let out = try Dense(units: 2, activation: .softmax, kernelInitializer: GlorotUniform(seed: 2))(h)
        let m = try Model(inputs: input, outputs: out)
        try m.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        return m
    }

    private func data(_ n: Int) throws -> (Tensor, Tensor) {
        let xs = try Random.uniform([n, 2], minval: -1, maxval: 1, dtype: .float64, seed: 3).doubles
        let ys = (0..<n).map { xs[2 * $0] - 0.7 * xs[2 * $0 + 1] > 0.1 ? 1.0 : 0.0 }
        return (try Tensor.from(doubles: xs, shape: [n, 2], dtype: .float32), try Tensor.from(doubles: ys, shape: [n], dtype: .int32))
    }

    /// fit on a dataset of (x, y) batches trains exactly as fit on the arrays without shuffling,
    /// with dict inputs by input name, and evaluate / predict agree.
    func testFitOnDatasetEqualsFitOnArrays() throws {
        let (x, y) = try data(64)
        let a = try model(), b = try model(inputName: "features")
        b.setWeightsFrom(a)
        let ha = try a.fit(x: x, y: y, batchSize: 16, epochs: 3, verbose: 0, shuffle: false)
        let s = ElementStructure.tuple([try .dict([("features", .tensor)]), .tensor])
        let ds = try Dataset.tensorSlices([x, y], structure: s).batch(16)
        let hb = try b.fit(dataset: ds, epochs: 3, verbose: 0)
        XCTAssertEqual(ha["loss"]!, hb["loss"]!)
        XCTAssertEqual(try a.evaluate(x: x, y: y, batchSize: 16), try b.evaluate(dataset: ds))
        XCTAssertEqual(try a.predict(x, batchSize: 16).doubles, try b.predict(dataset: ds).doubles)
        XCTAssertEqual(try b.predict(dataset: ds, steps: 1).shape, [16, 2])
    }

    /// tf.keras 2's steps: steps_per_epoch equal to the cardinality restarts each epoch; other
    /// values continue one pass and stop with a warning when it runs out; an infinite dataset
    /// needs steps; validation_freq picks the epochs.
    func testStepsPerEpochAndValidationFrequency() throws {
        let (x, y) = try data(64)
        let ds = try Dataset.tensorSlices([x, y], structure: .flat(2)).batch(16)   // 4 batches
        var lines: [String] = []
        let saved = Model.output
        Model.output = { lines.append($0) }
        defer { Model.output = saved }
        let m = try model()
        var batches = 0
        let counter = LambdaCallback(onTrainBatchEnd: { _, _ in batches += 1 })
        let h = try m.fit(dataset: ds, epochs: 4, verbose: 0, callbacks: [counter], stepsPerEpoch: 3)
        XCTAssertEqual(h.epochs.count, 2)    // 3 + 1 batches, then out of data after epoch 2
        XCTAssertEqual(batches, 4)
        XCTAssertTrue(lines.contains { $0.contains("Your input ran out of data") }, "\(lines)")
        batches = 0
        let h2 = try m.fit(dataset: ds, epochs: 3, verbose: 0, callbacks: [counter], validationData: ds, stepsPerEpoch: 4,
                           validationFrequency: .every(2))
        XCTAssertEqual(batches, 12)
        XCTAssertEqual(h2.history["val_loss"]?.count, 1)
        XCTAssertThrowsError(try m.fit(dataset: ds.repeated(), verbose: 0)) { e in
            XCTAssertTrue("\(e)".contains("infinite dataset"), "\(e)")
        }
        batches = 0
        _ = try m.fit(dataset: ds.repeated(), epochs: 2, verbose: 0, callbacks: [counter], stepsPerEpoch: 5)
        XCTAssertEqual(batches, 10)
    }

    /// Unknown cardinality: the progress bar's live line says "Unknown" as Keras', the final
    /// line counts the steps seen.
    func testProgressWithUnknownTotal() throws {
        XCTAssertEqual(liveProgressLine(done: 12, steps: nil, elapsed: 0.5, logs: ["loss": 0.25]).prefix(15), "     12/Unknown")
        let (x, y) = try data(64)
        let ds = try Dataset.tensorSlices([x, y], structure: .flat(2)).batch(16).filter { _ in true }
        var lines: [String] = []
        let saved = Model.output
        Model.output = { lines.append($0) }
        defer { Model.output = saved }
        _ = try model().fit(dataset: ds, epochs: 1, verbose: 1)
        XCTAssertTrue(lines.last?.hasPrefix("4/4 ") ?? false, "\(lines)")
    }

    /// keras.utils: to_categorical and pad_sequences as tf-keras 2, timeseries windows.
    func testUtilities() throws {
        let c = try toCategorical(try Tensor([1, 0, 2, -1] as [Int32], shape: [4, 1]))
        XCTAssertEqual(c.shape, [4, 3])
        XCTAssertEqual(c.doubles, [0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1])
        XCTAssertEqual(c.dtype, .float32)
        let p = try padSequences([[1], [2, 3], [4, 5, 6]], maxlen: 2)
        XCTAssertEqual(p.doubles, [0, 1, 2, 3, 5, 6])
        XCTAssertEqual(try padSequences([[1], [2, 3, 4]], padding: "post", truncating: "post", value: 7).doubles, [1, 7, 7, 2, 3, 4])
        let t = try Tensor((0..<10).map { Float($0) }, shape: [10])
        let w = try Dataset.timeseries(data: t, targets: t, sequenceLength: 3, sequenceStride: 2, batchSize: 2)
        XCTAssertEqual(try values(w), [[0, 1, 2, 2, 3, 4], [4, 5, 6, 6, 7, 8]])
        XCTAssertEqual(try values(w, component: 1), [[0, 2], [4, 6]])
    }
}

private extension Model {
    func setWeightsFrom(_ other: Model) {
        try? setWeights(other.getWeights())
    }
}
