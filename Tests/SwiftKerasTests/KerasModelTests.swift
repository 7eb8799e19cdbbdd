import XCTest
import Foundation
@testable import SwiftKerasCore
@testable import SwiftKeras

// Models: Sequential and functional models trained to convergence (synthetic blobs, the UCI
// digits), History and validation, callbacks (order of hooks, EarlyStopping, ReduceLROnPlateau,
// ModelCheckpoint), summary text, evaluate/predict shapes, progress output, bad input.

/// Three well separated 2-D Gaussian blobs, `perClass` points each, labels 0, 1, 2 (float32).
private func blobs(perClass: Int, seed: UInt64) throws -> (Tensor, Tensor) {
    let centers: [(Double, Double)] = [(-3, 0), (3, 0), (0, 3)]
    let noise = try Random.normal([3 * perClass, 2], stddev: 0.7, dtype: .float64, seed: seed).doubles
    var xs: [Double] = [], ys: [Double] = []
    for i in 0..<(3 * perClass) {
        let c = i % 3
        xs += [centers[c].0 + noise[2 * i], centers[c].1 + noise[2 * i + 1]]
        ys.append(Double(c))
    }
    return (t32(xs, [3 * perClass, 2]), t32(ys, [3 * perClass]))
}

/// Captures `Model.output` while `body` runs.
func capturingOutput(_ body: () throws -> Void) rethrows -> [String] {
    var lines: [String] = []
    let saved = Model.output
    Model.output = { lines.append($0) }
    defer { Model.output = saved }
    try body()
    return lines
}

/// Records every hook it sees.
private final class Recorder: Callback {
    var events: [String] = []
    var sawModel = false
    override func onTrainBegin(logs: Logs) throws { events.append("train_begin"); sawModel = model != nil }
    override func onTrainEnd(logs: Logs) throws { events.append("train_end:\(logs.keys.sorted().joined(separator: ","))") }
    override func onEpochBegin(_ epoch: Int, logs: Logs) throws { events.append("epoch_begin \(epoch)") }
    override func onEpochEnd(_ epoch: Int, logs: Logs) throws { events.append("epoch_end \(epoch):\(logs.keys.sorted().joined(separator: ","))") }
    override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws { events.append("batch_begin \(batch)") }
    override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws { events.append("batch_end \(batch):\(logs.keys.sorted().joined(separator: ","))") }
    override func onTestBegin(logs: Logs) throws { events.append("test_begin") }
    override func onTestEnd(logs: Logs) throws { events.append("test_end") }
    override func onTestBatchBegin(_ batch: Int, logs: Logs) throws { events.append("test_batch_begin \(batch)") }
    override func onTestBatchEnd(_ batch: Int, logs: Logs) throws { events.append("test_batch_end \(batch)") }
    override func onPredictBegin(logs: Logs) throws { events.append("predict_begin") }
    override func onPredictEnd(logs: Logs) throws { events.append("predict_end") }
    override func onPredictBatchBegin(_ batch: Int, logs: Logs) throws { events.append("predict_batch_begin \(batch)") }
    override func onPredictBatchEnd(_ batch: Int, logs: Logs) throws { events.append("predict_batch_end \(batch)") }
}

final class KerasModelTests: XCTestCase {
    private func classifier(seed: UInt64) throws -> Sequential {
        try Sequential([
            Dense(units: 16, activation: .relu, kernelInitializer: GlorotUniform(seed: seed), inputShape: [2]),
            Dense(units: 3, activation: .softmax, kernelInitializer: GlorotUniform(seed: seed + 1)),
        ])
    }

    // MARK: Convergence

    func testSequentialConvergesOnBlobs() throws {
        let (x, y) = try blobs(perClass: 100, seed: 7)
        let model = try classifier(seed: 1)
        try model.compile(optimizer: Adam(learningRate: 0.01), loss: Losses.SparseCategoricalCrossentropy(),
                          metrics: ["accuracy"])
        let h = try model.fit(x: x, y: y, batchSize: 32, epochs: 15, verbose: 0, seed: 3)
        XCTAssertEqual(h["loss"]?.count, 15)
        XCTAssertGreaterThanOrEqual(h["accuracy"]?.last ?? 0, 0.95)
        XCTAssertLessThan(h["loss"]!.last!, h["loss"]!.first!)
        // "accuracy" resolved to sparse categorical accuracy for this loss.
        XCTAssertTrue(model.compiledMetrics.first is Metrics.SparseCategoricalAccuracy)
        let r = try model.evaluate(x: x, y: y)
        XCTAssertEqual(Set(r.keys), ["loss", "accuracy"])
        XCTAssertGreaterThanOrEqual(r["accuracy"]!, 0.95)
    }

    func testCompileByNames() throws {
        let (x, y) = try blobs(perClass: 50, seed: 11)
        let model = try classifier(seed: 5)
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        XCTAssertTrue(model.optimizer is Adam)
        try model.fit(x: x, y: y, epochs: 2, verbose: 0, seed: 1)
        XCTAssertEqual(model.metricsNames, ["loss", "accuracy"])
        XCTAssertEqual(model.trainableVariables.count, 4)
        XCTAssertEqual(model.trainableVariables.map(\.shape), [[2, 16], [16], [16, 3], [3]])
        XCTAssertEqual(model.layers.count, 2)
    }

    /// The UCI handwritten digits (data/digits.csv): an MLP 64-64-10 trained on 80% reaches
    /// at least 95% accuracy on the other 20%.
    func testDigitsMLP() throws {
        var here = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { here.deleteLastPathComponent() }
        let text = try String(contentsOf: here.appendingPathComponent("data/digits.csv"), encoding: .utf8)
        var pixels: [Double] = [], labels: [Double] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let v = line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
            XCTAssertEqual(v.count, 65)
            pixels += v[0..<64].map { $0 / 16 }
            labels.append(v[64])
        }
        let n = labels.count
        XCTAssertEqual(n, 1797)
        let perm = try permutation(n, seed: 2024).scalars(as: Int64.self).map(Int.init)
        let nTrain = n * 8 / 10
        func take(_ idx: ArraySlice<Int>) -> (Tensor, Tensor) {
            var xs: [Double] = [], ys: [Double] = []
            for i in idx { xs += pixels[(64 * i)..<(64 * i + 64)]; ys.append(labels[i]) }
            return (t32(xs, [idx.count, 64]), t32(ys, [idx.count]))
        }
        let (xTrain, yTrain) = take(perm[..<nTrain])
        let (xTest, yTest) = take(perm[nTrain...])

        let model = try Sequential([
            InputLayer(shape: [64]),
            Dense(units: 64, activation: .relu, kernelInitializer: GlorotUniform(seed: 1)),
            Dense(units: 10, activation: .softmax, kernelInitializer: GlorotUniform(seed: 2)),
        ])
        try model.compile(optimizer: Adam(), loss: Losses.SparseCategoricalCrossentropy(),
                          metrics: ["accuracy"])
        let start = Date()
        var lines: [String] = []
        lines = try capturingOutput {
            try model.fit(x: xTrain, y: yTrain, batchSize: 32, epochs: 20, verbose: 1, seed: 9)
        }
        let seconds = Date().timeIntervalSince(start)
        let r = try model.evaluate(x: xTest, y: yTest)
        print("digits: 20 epochs in \(seconds) s; held-out accuracy \(r["accuracy"]!), loss \(r["loss"]!); last line: \(lines.last ?? "")")
        XCTAssertGreaterThanOrEqual(r["accuracy"]!, 0.95)
        XCTAssertEqual(lines.count, 40)
        XCTAssertEqual(lines[0], "Epoch 1/20")
        XCTAssertTrue(lines[1].hasPrefix("45/45 [==============================] - "), lines[1])
    }

    // MARK: Functional models

    func testFunctionalTwoInputsConcatenate() throws {
        let a = try Input(shape: [3], name: "a")
        let b = try Input(shape: [2], name: "b")
        XCTAssertEqual(a.shape, [-1, 3])
        let h = try Dense(units: 8, activation: .tanh, kernelInitializer: GlorotUniform(seed: 3), name: "hidden")(a)
        XCTAssertEqual(h.shape, [-1, 8])
        let c = try Concatenate(name: "concat")([h, b])
        XCTAssertEqual(c.shape, [-1, 10])
        let out = try Dense(units: 1, kernelInitializer: GlorotUniform(seed: 4), name: "out")(c)
        let model = try Model(inputs: [a, b], outputs: [out], name: "two_inputs")
        // Keras' order (by node depth from the outputs): tf.keras 2.21 lists a, hidden, b, concat, out
        XCTAssertEqual(model.layers.map(\.name), ["a", "hidden", "b", "concat", "out"])
        XCTAssertEqual(model.trainableVariables.count, 4)

        // y = a0 - a1 + 0.5 a2 + 2 b0 - b1
        let xa = try Random.uniform([256, 3], minval: -1, maxval: 1, seed: 5)
        let xb = try Random.uniform([256, 2], minval: -1, maxval: 1, seed: 6)
        let av = xa.doubles, bv = xb.doubles
        var yv: [Double] = []
        for i in 0..<256 {
            let fromA: Double = av[3 * i] - av[3 * i + 1] + 0.5 * av[3 * i + 2]
            let fromB: Double = 2 * bv[2 * i] - bv[2 * i + 1]
            yv.append(fromA + fromB)
        }
        let y = t32(yv, [256, 1])
        try model.compile(optimizer: Adam(learningRate: 0.02), loss: Losses.MeanSquaredError(), metrics: ["mae"])
        let hist = try model.fit(x: [xa, xb], y: y, batchSize: 32, epochs: 40, verbose: 0, seed: 1)
        XCTAssertLessThan(hist["loss"]!.last!, 0.01)
        XCTAssertLessThan(hist["loss"]!.last!, hist["loss"]!.first! / 20)
        let p = try model.predict([xa, xb], batchSize: 100)
        XCTAssertEqual(p.shape, [256, 1])
        let direct = try model([xa, xb]).doubles, pv = p.doubles
        for i in 0..<pv.count { XCTAssertEqual(pv[i], direct[i], accuracy: 1e-5) }

        XCTAssertEqual(try model.summary(), SummaryReference.text("two_inputs"))
    }

    func testFunctionalSharedLayer() throws {
        let a = try Input(shape: [4], name: "left")
        let b = try Input(shape: [4], name: "right")
        let shared = try Dense(units: 2, name: "shared")
        let sum = try Add(name: "sum")([shared(a), shared(b)])
        let model = try Model(inputs: [a, b], outputs: [sum])
        XCTAssertEqual(model.trainableVariables.count, 2)   // kernel and bias once
        XCTAssertEqual(model.countParams(), 10)
        let x1 = try Random.normal([5, 4], seed: 1), x2 = try Random.normal([5, 4], seed: 2)
        let want = try shared(x1) + shared(x2)
        let got = try model([x1, x2])
        XCTAssertEqual(got.shape, [5, 2])
        XCTAssertEqual(try got.scalars(as: Float.self), try want.scalars(as: Float.self))
        XCTAssertEqual(try model.summary(), try SummaryReference.text("shared").replacingOccurrences(of: "shared_model", with: model.name))
    }

    func testFunctionalChainSummaryAndErrors() throws {
        let x = try Input(shape: [4], name: "features")
        let y = try Dense(units: 3, name: "logits")(x)
        let model = try Model(inputs: x, outputs: y, name: "chain")
        XCTAssertEqual(try model.summary(), SummaryReference.text("chain"))
        assertError(.invalidArgument, "Model 'chain': the input of shape (5, 3) is incompatible with the expected shape (None, 4)") {
            try model(Tensor.zeros([5, 3]))
        }
        assertError(.invalidArgument, "Model 'chain' expects 1 input(s), but it received 2 input tensor(s)") {
            try model([Tensor.zeros([5, 4]), Tensor.zeros([5, 4])])
        }
        let other = try Input(shape: [4], name: "other")
        assertError(.invalidArgument, "Model: graph disconnected: the output depends on input 'features', which is not in `inputs`") {
            try Model(inputs: [other], outputs: [y])
        }
        assertError(.invalidArgument, "Model: inputs[0] must come from Input(shape:), but it is the output of layer 'logits'") {
            try Model(inputs: [y], outputs: [y])
        }
        assertError(.invalidArgument, "Layer 'late': input of shape (None, 4) is incompatible with the expected shape (None, 5)") {
            try Dense(units: 2, name: "late", inputShape: [5])(x)
        }
    }

    // MARK: History, validation, progress

    func testHistoryAndValidationSplit() throws {
        let (x, y) = try blobs(perClass: 40, seed: 3)   // 120 samples: 96 train, 24 validation
        let model = try classifier(seed: 9)
        try model.compile(optimizer: Adam(learningRate: 0.01), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        var steps: [Int] = []
        let cb = LambdaCallback(onEpochEnd: { _, _ in })
        cb.onTrainBeginHook = { _ in steps.append(cb.params["steps"] ?? -1) }
        let h = try model.fit(x: x, y: y, batchSize: 32, epochs: 3, verbose: 0, callbacks: [cb], validationSplit: 0.2, seed: 4)
        XCTAssertEqual(steps, [3])
        XCTAssertEqual(h.keys, ["accuracy", "loss", "val_accuracy", "val_loss"])
        for k in h.keys { XCTAssertEqual(h[k]?.count, 3, k) }
        XCTAssertEqual(h.epochs, [0, 1, 2])
        XCTAssertTrue(model.history === h)
        // The validation figures are those of evaluate on the last 20% (taken before shuffling).
        let vx = try x.slice(begin: [96, 0], size: [24, 2]), vy = try y.slice(begin: [96], size: [24])
        let r = try model.evaluate(x: vx, y: vy)
        XCTAssertEqual(r["loss"]!, h["val_loss"]!.last!, accuracy: 1e-6)
        XCTAssertEqual(r["accuracy"]!, h["val_accuracy"]!.last!, accuracy: 1e-6)

        // validationData instead, and initialEpoch.
        let h2 = try model.fit(x: x, y: y, epochs: 4, verbose: 0, validationData: (vx, vy), initialEpoch: 2)
        XCTAssertEqual(h2.epochs, [2, 3])
        XCTAssertEqual(h2["val_loss"]?.count, 2)
    }

    func testProgressOutput() throws {
        let (x, y) = try blobs(perClass: 20, seed: 3)   // 60 samples → 2 batches of 32
        let model = try classifier(seed: 2)
        try model.compile(optimizer: Adam(), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        let v1 = try capturingOutput { try model.fit(x: x, y: y, epochs: 2, verbose: 1, validationSplit: 0.5) }
        XCTAssertEqual(v1.count, 4)
        XCTAssertEqual(v1[0], "Epoch 1/2")
        XCTAssertEqual(v1[2], "Epoch 2/2")
        let bar = "1/1 [==============================] - "
        XCTAssertTrue(v1[1].hasPrefix(bar), v1[1])
        // tf.keras 2: "<n>s <t>ms/step - loss: x.xxxx - accuracy: 0.xxxx - val_loss: ... - val_accuracy: ..."
        let rest = v1[1].dropFirst(bar.count).split(separator: " ")
        XCTAssertTrue(rest[0].hasSuffix("s") && rest[1].hasSuffix("/step"), v1[1])
        XCTAssertEqual(rest.dropFirst(2).filter { $0.hasSuffix(":") }, ["loss:", "accuracy:", "val_loss:", "val_accuracy:"])
        for v in rest.dropFirst(2) where !v.hasSuffix(":") && v != "-" {
            XCTAssertTrue(v.split(separator: ".").last?.count == 4 || v.contains("e"), "\(v) in \(v1[1])")
        }
        let v2 = try capturingOutput { try model.fit(x: x, y: y, epochs: 1, verbose: 2) }
        XCTAssertEqual(v2.count, 1)   // no "Epoch 1/1" header for a single epoch, as Keras
        XCTAssertTrue(v2[0].hasPrefix("2/2 - "), v2[0])
        XCTAssertTrue(v2[0].contains("s - loss: ") && v2[0].contains(" - accuracy: ") && v2[0].hasSuffix("/step"), v2[0])
        XCTAssertTrue(v2[0].contains("s/epoch - "), v2[0])
        let v0 = try capturingOutput { try model.fit(x: x, y: y, epochs: 2, verbose: 0) }
        XCTAssertEqual(v0, [])
        let ev = try capturingOutput { _ = try model.evaluate(x: x, y: y, batchSize: 20, verbose: 1) }
        XCTAssertEqual(ev.count, 1)
        XCTAssertTrue(ev[0].hasPrefix("3/3 [==============================] - "), ev[0])
    }

    func testMetricValueFormatting() {
        XCTAssertEqual(formatMetricValue(0.91234567), "0.9123")
        XCTAssertEqual(formatMetricValue(12.5), "12.5000")
        XCTAssertEqual(formatMetricValue(-0.5), "-0.5000")
        XCTAssertEqual(formatMetricValue(0.000123456), "1.2346e-04")
        XCTAssertEqual(formatMetricValue(0), "0.0000e+00")
        XCTAssertEqual(formatMetricValue(.nan), "nan")
        XCTAssertEqual(readableMemorySize(19240), "18.79 KB")
        XCTAssertEqual(readableMemorySize(0), "0.00 Byte")
    }

    // MARK: Callbacks

    func testCustomCallbackSeesEveryHookInOrder() throws {
        let (x, y) = try blobs(perClass: 4, seed: 1)   // 12 samples → batches 5, 5, 2
        let model = try classifier(seed: 3)
        try model.compile(optimizer: Adam(), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        let rec = Recorder()
        let vx = try x.slice(begin: [0, 0], size: [6, 2]), vy = try y.slice(begin: [0], size: [6])
        try model.fit(x: x, y: y, batchSize: 5, epochs: 2, verbose: 0, callbacks: [rec], validationData: (vx, vy))
        XCTAssertTrue(rec.sawModel)
        var want = ["train_begin"]
        for e in 0..<2 {
            want.append("epoch_begin \(e)")
            for b in 0..<3 { want += ["batch_begin \(b)", "batch_end \(b):accuracy,loss"] }
            want += ["test_begin", "test_batch_begin 0", "test_batch_end 0", "test_batch_begin 1", "test_batch_end 1", "test_end"]
            want.append("epoch_end \(e):accuracy,loss,val_accuracy,val_loss")
        }
        want.append("train_end:accuracy,loss,val_accuracy,val_loss")
        XCTAssertEqual(rec.events, want)

        rec.events = []
        _ = try model.evaluate(x: x, y: y, batchSize: 8, callbacks: [rec])
        XCTAssertEqual(rec.events, ["test_begin", "test_batch_begin 0", "test_batch_end 0", "test_batch_begin 1", "test_batch_end 1", "test_end"])
        rec.events = []
        _ = try model.predict(x, batchSize: 10, callbacks: [rec])
        XCTAssertEqual(rec.events, ["predict_begin", "predict_batch_begin 0", "predict_batch_end 0", "predict_batch_begin 1", "predict_batch_end 1", "predict_end"])
    }

    func testStopTrainingFromCallback() throws {
        let (x, y) = try blobs(perClass: 10, seed: 1)
        let model = try classifier(seed: 3)
        try model.compile(optimizer: Adam(), loss: Losses.SparseCategoricalCrossentropy())
        var batches = 0
        let cb = LambdaCallback(onTrainBatchEnd: { b, _ in batches += 1 })
        cb.onTrainBatchEndHook = { b, _ in
            batches += 1
            if b == 1 { cb.model?.stopTraining = true }
        }
        let h = try model.fit(x: x, y: y, batchSize: 4, epochs: 5, verbose: 0, callbacks: [cb])
        XCTAssertEqual(batches, 2)
        XCTAssertEqual(h.epochs, [0])
        // A failing hook stops fit and its error reaches the caller unchanged.
        let failing = LambdaCallback(onEpochBegin: { e, _ in
            if e == 1 { throw SwiftKerasError(.runtime, "callback failed at epoch 1") }
        })
        assertError(.runtime, "callback failed at epoch 1") {
            try model.fit(x: x, y: y, epochs: 3, verbose: 0, callbacks: [failing])
        }
    }

    /// A one-weight linear model trained towards y = 2x while validated on y = -2x: the
    /// validation loss only gets worse after the first epoch.
    private func divergingValidation() throws -> (Sequential, Tensor, Tensor, Tensor, Tensor) {
        let model = try Sequential([Dense(units: 1, useBias: false, kernelInitializer: Zeros(), inputShape: [1])])
        try model.compile(optimizer: SGD(learningRate: 0.05), loss: Losses.MeanSquaredError())
        let x = t32([1, 2, -1, 0.5], [4, 1])
        let y = t32([2, 4, -2, 1], [4, 1])
        let vy = t32([-2, -4, 2, -1], [4, 1])
        return (model, x, y, x, vy)
    }

    func testEarlyStoppingStopsAndRestores() throws {
        let (model, x, y, vx, vy) = try divergingValidation()
        var weightsAfter: [Double] = []
        let capture = LambdaCallback(onEpochEnd: { _, _ in weightsAfter.append(model.getWeights()[0].doubles[0]) })
        let es = try EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)
        let lines = try capturingOutput {
            let h = try model.fit(x: x, y: y, batchSize: 4, epochs: 20, verbose: 0, callbacks: [capture, es],
                                  validationData: (vx, vy), shuffle: false)
            XCTAssertEqual(h.epochs, [0, 1, 2])   // best at 0, no improvement at 1 and 2
        }
        XCTAssertEqual(lines, [])
        XCTAssertEqual(es.stoppedEpoch, 2)
        XCTAssertEqual(es.bestEpoch, 0)
        XCTAssertEqual(weightsAfter.count, 3)
        XCTAssertLessThan(weightsAfter[0], weightsAfter[2])
        XCTAssertEqual(model.getWeights()[0].doubles[0], weightsAfter[0])   // restored

        // Without restoring, the last weights stay; "loss" improves every epoch so nothing stops.
        let (m2, x2, y2, _, _) = try divergingValidation()
        let es2 = try EarlyStopping(monitor: "loss", patience: 0)
        let h2 = try m2.fit(x: x2, y: y2, batchSize: 4, epochs: 5, verbose: 0, callbacks: [es2], shuffle: false)
        XCTAssertEqual(h2.epochs.count, 5)
        XCTAssertEqual(es2.stoppedEpoch, 0)
        // At verbose 1 the stop is announced.
        let (m3, x3, y3, vx3, vy3) = try divergingValidation()
        let es3 = try EarlyStopping(patience: 1)
        let l3 = try capturingOutput {
            try m3.fit(x: x3, y: y3, batchSize: 4, epochs: 9, verbose: 1, callbacks: [es3], validationData: (vx3, vy3), shuffle: false)
        }
        XCTAssertEqual(l3.last, "Epoch 2: early stopping")
        XCTAssertEqual(try EarlyStopping(monitor: "val_accuracy").mode, .max)
        XCTAssertEqual(try EarlyStopping(monitor: "loss").mode, .min)
        XCTAssertEqual(try EarlyStopping(monitor: "val_auc").mode, .max)
        XCTAssertEqual(try EarlyStopping(monitor: "val_accuracy", mode: .min).mode, .min)
    }

    func testReduceLROnPlateau() throws {
        let model = try Sequential([Dense(units: 1, inputShape: [1])])
        try model.compile(optimizer: SGD(learningRate: 1e-12), loss: Losses.MeanSquaredError())
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([1, 0, 1, 0], [4, 1])
        let rl = try ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 1, minLR: 3e-13)
        try model.fit(x: x, y: y, batchSize: 4, epochs: 5, verbose: 0, callbacks: [rl], shuffle: false)
        XCTAssertEqual(rl.reductions.map(\.epoch), [1, 2])
        XCTAssertEqual(rl.reductions.map(\.learningRate), [5e-13, 3e-13])
        XCTAssertEqual(try model.optimizer!.currentLearningRate(), 3e-13)
        assertError(.invalidArgument, "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.0") {
            try ReduceLROnPlateau(factor: 1)
        }
    }

    func testModelCheckpointWithSaver() throws {
        let (model, x, y, vx, vy) = try divergingValidation()
        var saved: [(String, Double)] = []
        let ckpt = ModelCheckpoint(filepath: "ckpt-{epoch:02d}-{val_loss:.2f}.safetensors", saveBestOnly: true) { m, path in
            saved.append((path, m.getWeights()[0].doubles[0]))
        }
        let all = ModelCheckpoint(filepath: "every-{epoch}") { _, _ in }
        try model.fit(x: x, y: y, batchSize: 4, epochs: 3, verbose: 0, callbacks: [ckpt, all], validationData: (vx, vy), shuffle: false)
        XCTAssertEqual(ckpt.savedEpochs, [0])   // val_loss only gets worse
        XCTAssertEqual(saved.count, 1)
        XCTAssertTrue(saved[0].0.hasPrefix("ckpt-01-"), saved[0].0)
        XCTAssertTrue(saved[0].0.hasSuffix(".safetensors"), saved[0].0)
        XCTAssertEqual(all.savedPaths, ["every-1", "every-2", "every-3"])
        let bad = ModelCheckpoint(filepath: "w-{nope}") { _, _ in }
        assertError(.invalidArgument, "ModelCheckpoint: failed to format filepath 'w-{nope}': no value for 'nope' in the logs (keys: loss, val_loss)") {
            try model.fit(x: x, y: y, epochs: 1, verbose: 0, callbacks: [bad], validationData: (vx, vy))
        }
    }

    // MARK: Summary, evaluate, predict, single batches

    func testSequentialSummary() throws {
        let model = try Sequential([
            Dense(units: 64, activation: .relu, name: "dense", inputShape: [64]),
            Dense(units: 10, activation: .softmax, name: "dense_1"),
        ], name: "sequential")
        let want = SummaryReference.text("sequential")
        XCTAssertEqual(try model.summary(), want)
        XCTAssertEqual(try capturingOutput { try model.printSummary() }, [want])

        // Unknown input shape: tf.keras 2 refuses to summarize a model that is not built.
        let lazy = try Sequential([Dense(units: 4, name: "lazy_dense")], name: "lazy")
        assertError(.invalidArgument, "This model has not yet been built. Build the model first by calling `build()` or by calling the model on a batch of data.") {
            try lazy.summary()
        }
        // Frozen layers count as non-trainable.
        model.layers[1].trainable = false
        XCTAssertEqual(try model.summary(), SummaryReference.text("sequential_frozen"))
    }

    func testEvaluatePredictShapesAndOnBatch() throws {
        let (x, y) = try blobs(perClass: 10, seed: 2)
        let model = try classifier(seed: 4)
        let p = try model.predict(x, batchSize: 7)
        XCTAssertEqual(p.shape, [30, 3])
        XCTAssertEqual(p.dtype, .float32)
        let direct = try model(x)
        let pv = p.doubles, dv = direct.doubles
        for i in 0..<pv.count { XCTAssertEqual(pv[i], dv[i], accuracy: 1e-6) }

        try model.compile(optimizer: Adam(learningRate: 0.01), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        let e = try model.evaluate(x: x, y: y, batchSize: 30)
        let t = try model.testOnBatch(x: x, y: y)
        XCTAssertEqual(e["loss"]!, t["loss"]!, accuracy: 1e-6)
        XCTAssertEqual(e["accuracy"]!, t["accuracy"]!)
        // Evaluate in uneven batches averages per sample, like Keras.
        let e7 = try model.evaluate(x: x, y: y, batchSize: 7)
        XCTAssertEqual(e7["loss"]!, e["loss"]!, accuracy: 1e-5)
        XCTAssertEqual(e7["accuracy"]!, e["accuracy"]!, accuracy: 1e-6)
        var last = t["loss"]!
        for _ in 0..<20 { last = try model.trainOnBatch(x: x, y: y)["loss"]! }
        XCTAssertLessThan(try model.testOnBatch(x: x, y: y)["loss"]!, t["loss"]!)
        XCTAssertLessThan(last, t["loss"]!)
        XCTAssertEqual(try model.predictOnBatch([x]).shape, [30, 3])
    }

    func testRegularizationLossesAreIncluded() throws {
        let dense = try Dense(units: 2, kernelInitializer: Constant(0.5), kernelRegularizer: L2(0.1), inputShape: [3])
        let model = try Sequential([dense])
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: Losses.MeanSquaredError())
        let x = t32([1, 0, 0, 0, 1, 0], [2, 3]), y = t32([0.5, 0.5, 0.5, 0.5], [2, 2])
        // Predictions equal the targets: the loss is the penalty 0.1 * 6 * 0.25 = 0.15 alone.
        XCTAssertEqual(try model.testOnBatch(x: x, y: y)["loss"]!, 0.15, accuracy: 1e-6)
        // The step differentiates the penalty: kernel -= lr * 2 * 0.1 * kernel.
        try model.trainOnBatch(x: x, y: y)
        let k = dense.kernel!.value.doubles
        for v in k { XCTAssertEqual(v, 0.5 - 0.1 * 0.2 * 0.5, accuracy: 1e-6) }
    }

    func testShuffleIsSeededAndReproducible() throws {
        let p1 = try permutation(50, seed: 42).scalars(as: Int64.self)
        let p2 = try permutation(50, seed: 42).scalars(as: Int64.self)
        XCTAssertEqual(p1, p2)
        XCTAssertEqual(p1.sorted(), Array(0..<50))
        XCTAssertNotEqual(p1, Array(0..<50))
        XCTAssertNotEqual(p1, try permutation(50, seed: 43).scalars(as: Int64.self))

        let (x, y) = try blobs(perClass: 20, seed: 8)
        func train() throws -> [Double] {
            let m = try classifier(seed: 10)
            try m.compile(optimizer: Adam(), loss: Losses.SparseCategoricalCrossentropy())
            try m.fit(x: x, y: y, batchSize: 8, epochs: 2, verbose: 0, seed: 77)
            return m.getWeights().flatMap(\.doubles)
        }
        XCTAssertEqual(try train(), try train())
    }

    func testSubclassedModel() throws {
        final class TwoLayer: Model {
            let d1: Dense, d2: Dense
            init() throws {
                d1 = try Dense(units: 4, activation: .relu, kernelInitializer: GlorotUniform(seed: 1))
                d2 = try Dense(units: 1, kernelInitializer: GlorotUniform(seed: 2))
                super.init(name: "two_layer")
                track(d1)
                track(d2)
            }
            override func call(_ x: Tensor, training: Bool) throws -> Tensor { try d2(d1(x, training: training), training: training) }
        }
        let m = try TwoLayer()
        let x = try Random.uniform([64, 2], minval: -1, maxval: 1, seed: 3)
        let xv = x.doubles
        let y = t32((0..<64).map { xv[2 * $0] + xv[2 * $0 + 1] }, [64, 1])
        try m.compile(optimizer: "adam", loss: Losses.MeanSquaredError())
        let h = try m.fit(x: x, y: y, batchSize: 16, epochs: 5, verbose: 0)
        XCTAssertEqual(m.layers.count, 2)
        XCTAssertEqual(m.trainableVariables.count, 4)
        XCTAssertLessThan(h["loss"]!.last!, h["loss"]!.first!)
        // tf.keras 2 knows no output shapes of a subclassed model's layers
        let text = try m.summary()
        XCTAssertTrue(text.contains(" multiple "), text)
    }

    /// Under mixed_float16, compile wraps the optimizer in a LossScaleOptimizer and training
    /// converges with float16 compute and float32 variables.
    func testMixedFloat16Fit() throws {
        let saved = DTypePolicy.global
        DTypePolicy.global = .mixedFloat16
        defer { DTypePolicy.global = saved }
        let (x, y) = try blobs(perClass: 100, seed: 7)
        let model = try Sequential([
            Dense(units: 16, activation: .relu, kernelInitializer: GlorotUniform(seed: 1), inputShape: [2]),
            Dense(units: 3, kernelInitializer: GlorotUniform(seed: 2)),
            Activation(.softmax, dtype: .float32),
        ])
        try model.compile(optimizer: Adam(learningRate: 0.01), loss: Losses.SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        XCTAssertTrue(model.optimizer is LossScaleOptimizer)
        XCTAssertEqual(model.trainableVariables.map(\.dtype), [.float32, .float32, .float32, .float32])
        let h = try model.fit(x: x, y: y, epochs: 15, verbose: 0, seed: 3)
        XCTAssertGreaterThanOrEqual(h["accuracy"]!.last!, 0.95)
        XCTAssertEqual(try model.predict(x).dtype, .float32)
    }

    // MARK: Bad input

    func testBadInput() throws {
        let model = try Sequential([Dense(units: 3, name: "d", inputShape: [4])], name: "seq")
        let x = try Tensor.zeros([10, 4]), y = try Tensor.zeros([9])
        assertError(.runtime, "fit: you must call compile() before using the model (model 'seq' is not compiled)") {
            try model.fit(x: x, y: y, verbose: 0)
        }
        assertError(.runtime, "evaluate: you must call compile() before using the model (model 'seq' is not compiled)") {
            try model.evaluate(x: x, y: y)
        }
        assertError(.runtime, "train_on_batch: you must call compile() before using the model (model 'seq' is not compiled)") {
            try model.trainOnBatch(x: x, y: y)
        }
        try model.compile(optimizer: SGD(), loss: Losses.SparseCategoricalCrossentropy())
        assertError(.invalidArgument, "fit: data cardinality is ambiguous; make sure all arrays contain the same number of samples. 'x' sizes: 10; 'y' sizes: 9") {
            try model.fit(x: x, y: y, verbose: 0)
        }
        assertError(.invalidArgument, "evaluate: data cardinality is ambiguous; make sure all arrays contain the same number of samples. 'x' sizes: 10; 'y' sizes: 9") {
            try model.evaluate(x: x, y: y)
        }
        let y10 = try Tensor.zeros([10])
        assertError(.invalidArgument, "Model 'seq': the input of shape (10, 5) is incompatible with the expected shape (None, 4)") {
            try model.fit(x: Tensor.zeros([10, 5]), y: y10, verbose: 0)
        }
        assertError(.invalidArgument, "Model 'seq': the input of shape (10, 4, 1) is incompatible with the expected shape (None, 4)") {
            try model.predict(Tensor.zeros([10, 4, 1]))
        }
        assertError(.invalidArgument, "fit: validation_split must be in [0, 1), got 1.0") {
            try model.fit(x: x, y: y10, verbose: 0, validationSplit: 1)
        }
        assertError(.invalidArgument, "fit: batch_size must be positive, got 0") {
            try model.fit(x: x, y: y10, batchSize: 0, verbose: 0)
        }
        assertError(.invalidArgument, "fit: y must have a batch dimension, got a scalar") {
            try model.fit(x: x, y: Tensor.scalar(1), verbose: 0)
        }
        assertError(.invalidArgument, "predict: x has no samples") {
            try model.predict(Tensor.zeros([0, 4]))
        }
        assertError(.invalidArgument, "Could not interpret metric identifier: 'acuracy'") {
            try model.compile(optimizer: "adam", loss: "mse", metrics: ["acuracy"])
        }
        assertError(.invalidArgument, "Sequential 'seq': an InputLayer can only be the first layer") {
            try model.add(InputLayer(shape: [3]))
        }
        assertError(.invalidArgument, "Dense 'bad': expected an input of rank >= 2 with a known, positive last dimension, got shape (-1, 0)") {
            try Sequential([Dense(units: 2, name: "bad", inputShape: [0])])
        }
    }
}

/// tf.keras 2's summary texts, recorded by Tests/reference/make_summaries.py.
enum SummaryReference {
    static let cases = referenceJSON("summaries.json")

    static func text(_ name: String) -> String {
        guard case .string(let t)? = cases[name] else {
            XCTFail("Tests/reference/summaries.json has no \(name)")
            return ""
        }
        return t
    }
}
