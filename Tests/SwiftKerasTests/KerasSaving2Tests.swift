import XCTest
import Foundation
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Saving, more: load_weights(skip_mismatch: true) (mismatched, missing and extra layers, nothing
// assigned on error, skip_mismatch false unchanged), and metric objects' configs in the saved
// compile config (AUC(num_thresholds: 50, curve: PR), Precision(thresholds: 0.7) come back with
// their arguments; old files with metric names still load).

private func tempDir() -> String {
    var template = Array("/tmp/sk-saving2-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: p!)
}

private func rand(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try Random.normal(shape, dtype: .float32, seed: seed)
}

final class KerasSaving2Tests: XCTestCase {
    var dir = ""

    override func setUp() { dir = tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func mlp(last: Int) throws -> Sequential {
        try Sequential([Dense(units: 4, activation: .relu, inputShape: [3]), Dense(units: 3, activation: .tanh),
                        Dense(units: last)])
    }

    private func values(_ m: Layer) throws -> [String: [Double]] {
        Dictionary(uniqueKeysWithValues: try m.weightPaths().map { ($0.path, $0.variable.value.doubles) })
    }

    // MARK: skip_mismatch

    func testSkipMismatchLoadsEveryOtherLayerAndKeepsTheMismatchedOne() throws {
        let a = try mlp(last: 2)
        let path = dir + "/w.safetensors"
        try a.saveWeights(to: path)
        let b = try mlp(last: 5)
        let wa = try values(a), before = try values(b)
        XCTAssertNotEqual(wa["dense/kernel"], before["dense/kernel"])

        // skip_mismatch false: the same error as loadWeights(from:), and nothing changes.
        var plain = ""
        do { try b.loadWeights(from: path) } catch let e as SwiftKerasError { plain = e.message }
        XCTAssertTrue(plain.contains("weight \"dense_2/kernel\"") && plain.contains("shape (3, 2)"), plain)
        do {
            _ = try b.loadWeights(from: path, skipMismatch: false)
            XCTFail("expected an error")
        } catch let e as SwiftKerasError {
            XCTAssertEqual(e.kind, .invalidArgument)
            XCTAssertEqual(e.message, plain)
        }
        XCTAssertEqual(try values(b), before)

        let skipped = try b.loadWeights(from: path, skipMismatch: true)
        XCTAssertEqual(skipped.map(\.layer), ["dense_2"])
        XCTAssertEqual(skipped.first?.weights, ["dense_2/kernel", "dense_2/bias"])
        let reason = skipped.first?.reason ?? ""
        XCTAssertTrue(reason.contains("dense_2/kernel") && reason.contains("(3, 2)") && reason.contains("(3, 5)"), reason)
        let after = try values(b)
        for k in ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"] { XCTAssertEqual(after[k], wa[k], k) }
        for k in ["dense_2/kernel", "dense_2/bias"] { XCTAssertEqual(after[k], before[k], k) }
        // The loaded layers compute as the original's: the hidden activations agree.
        let x = try rand([4, 3], seed: 9)
        let ha = try a.layers[1](try a.layers[0](x)), hb = try b.layers[1](try b.layers[0](x))
        XCTAssertEqual(ha.doubles, hb.doubles)

        // Matching files: nothing skipped, everything loaded.
        let c = try mlp(last: 2)
        XCTAssertEqual(try c.loadWeights(from: path, skipMismatch: true), [])
        XCTAssertEqual(try values(c), wa)
    }

    func testSkipMismatchMissingAndExtraLayers() throws {
        let a = try mlp(last: 2)
        let full = try values(a)
        let path = dir + "/partial.safetensors"
        // A file missing dense_1, holding a layer the model lacks (ignored) and an extra weight
        // under dense_2's path (a different weight count: dense_2 is skipped too).
        let entries = try a.weightPaths().filter { !$0.path.hasPrefix("dense_1/") }
            .map { (name: $0.path, tensor: $0.variable.value) }
            + [(name: "dense_7/kernel", tensor: try rand([2, 2], seed: 1)),
               (name: "dense_2/extra", tensor: try rand([2], seed: 2))]
        try SafeTensors.write(entries, metadata: ["format": "swiftkeras.weights", "version": "1"], to: path)

        let b = try mlp(last: 2)
        let before = try values(b)
        XCTAssertThrowsError(try b.loadWeights(from: path)) { e in
            XCTAssertTrue((e as? SwiftKerasError)?.message.contains("has no weight \"dense_1/kernel\", \"dense_1/bias\"") ?? false, "\(e)")
        }
        XCTAssertEqual(try values(b), before)
        let skipped = try b.loadWeights(from: path, skipMismatch: true)
        XCTAssertEqual(skipped.map(\.layer), ["dense_1", "dense_2"])
        XCTAssertTrue(skipped[0].reason.contains("has no weight \"dense_1/kernel\", \"dense_1/bias\""), skipped[0].reason)
        XCTAssertTrue(skipped[1].reason.contains("\"dense_2/extra\""), skipped[1].reason)
        let after = try values(b)
        XCTAssertEqual(after["dense/kernel"], full["dense/kernel"])
        XCTAssertEqual(after["dense/bias"], full["dense/bias"])
        for k in ["dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"] { XCTAssertEqual(after[k], before[k], k) }

        // File errors still throw with skip_mismatch, and nothing changes.
        try SafeTensors.write(entries, metadata: ["format": "something.else"], to: path)
        XCTAssertThrowsError(try b.loadWeights(from: path, skipMismatch: true)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .io)
        }
        XCTAssertThrowsError(try b.loadWeights(from: dir + "/missing", skipMismatch: true)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .io)
        }
        XCTAssertEqual(try values(b), after)
    }

    func testSkipMismatchNestedModel() throws {
        let inner = try Sequential([Dense(units: 3, inputShape: [2]), Dense(units: 2)])
        let a = try Sequential([inner, Dense(units: 1)])
        let path = dir + "/nested.safetensors"
        try a.saveWeights(to: path)
        let inner2 = try Sequential([Dense(units: 3, inputShape: [2]), Dense(units: 4)])
        let b = try Sequential([inner2, Dense(units: 1)])
        let before = try values(b)
        let skipped = try b.loadWeights(from: path, skipMismatch: true)
        // dense_1 inside the inner model differs; the outer dense's kernel (4 inputs vs 2) too.
        XCTAssertEqual(skipped.map(\.layer), ["sequential/dense_1", "dense"])
        let after = try values(b), wa = try values(a)
        XCTAssertEqual(after["sequential/dense/kernel"], wa["sequential/dense/kernel"])
        XCTAssertEqual(after["sequential/dense_1/kernel"], before["sequential/dense_1/kernel"])
        XCTAssertEqual(after["dense/kernel"], before["dense/kernel"])
    }

    // MARK: Metric configs in the compile config

    private func classificationData() throws -> (Tensor, Tensor) {
        let x = try rand([64, 3], seed: 31) * 2.0
        let y = try (rand([64, 1], seed: 32) + x.slice(begin: [0, 0], size: [64, 1])).isGreater(than: Scalar.float(0))
            .cast(to: .float32)
        return (x, y)
    }

    func testMetricObjectsKeepTheirConfigThroughSaveAndLoad() throws {
        let (x, y) = try classificationData()
        let m = try Sequential([Dense(units: 1, activation: .sigmoid, inputShape: [3])])
        // Predictions sigmoid(2 x0 - 0.5 x1) spread over (0, 1): thresholds 0.5 and 0.7 differ.
        try m.layers[0].weights[0].assign(try Tensor.from(doubles: [2, -0.5, 0], shape: [3, 1], dtype: .float32))
        try m.compile(optimizer: try Adam(learningRate: 0.01), loss: lossNamed("binary_crossentropy"),
                      metrics: [.metric(try Metrics.AUC(numThresholds: 50, curve: .pr)),
                                .metric(try Metrics.Precision(thresholds: [0.7])), "mae"])
        let path = dir + "/metrics.safetensors"
        try m.save(to: path)
        let cc = try ConfigValue.parse(json: try SafeTensors.contents(of: path).metadata["swiftkeras.compile_config"] ?? "")
        guard case .array(let items)? = cc["metrics"], items.count == 3 else { return XCTFail("metrics: \(cc.json)") }
        XCTAssertEqual(items[0]["class_name"], .string("AUC"))
        XCTAssertEqual(items[0]["config"]?["num_thresholds"], .int(50))
        XCTAssertEqual(items[0]["config"]?["curve"], .string("PR"))
        XCTAssertEqual(items[0]["config"]?["name"], .string("auc"))
        XCTAssertNil(items[0]["config"]?["thresholds"])
        XCTAssertEqual(items[1]["class_name"], .string("Precision"))
        XCTAssertEqual(items[1]["config"]?["thresholds"], .double(0.7))
        XCTAssertEqual(items[2], .string("mae"))

        let loaded = try loadModel(from: path)
        XCTAssertEqual(try loaded.getCompileConfig(), try m.getCompileConfig())
        let want = try m.evaluate(x: x, y: y, batchSize: 16)
        let got = try loaded.evaluate(x: x, y: y, batchSize: 16)
        XCTAssertEqual(got, want)
        XCTAssertEqual(Set(got.keys), ["loss", "auc", "precision", "mae"])

        // The defaults give other values on these data: the configs matter.
        let d = try Sequential([Dense(units: 1, activation: .sigmoid, inputShape: [3])])
        try d.loadWeights(from: path)
        try d.compile(optimizer: try Adam(learningRate: 0.01), loss: lossNamed("binary_crossentropy"),
                      metrics: [.metric(try Metrics.AUC()), .metric(try Metrics.Precision())])
        let defaults = try d.evaluate(x: x, y: y, batchSize: 16)
        XCTAssertEqual(defaults["loss"], want["loss"])
        XCTAssertNotEqual(defaults["auc"], want["auc"])
        XCTAssertNotEqual(defaults["precision"], want["precision"])

        // A file written before metric configs were saved (names only) still loads.
        let (tensors, meta) = try SafeTensors.read(from: path)
        var old = meta
        old["swiftkeras.compile_config"] = #"{"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.01}}, "loss": "binary_crossentropy", "metrics": ["auc", "precision"]}"#
        let oldPath = dir + "/old.safetensors"
        try SafeTensors.write(tensors.map { (name: $0.0, tensor: $0.1) }, metadata: old, to: oldPath)
        let fromOld = try loadModel(from: oldPath)
        XCTAssertEqual(try fromOld.evaluate(x: x, y: y, batchSize: 16), defaults)
    }

    func testEveryBuiltinMetricConfigRoundTrips() throws {
        let metrics: [Metric] = [
            Metrics.Mean(name: "m"), Metrics.Accuracy(name: "acc2"), try Metrics.BinaryAccuracy(threshold: 0.3),
            Metrics.CategoricalAccuracy(), Metrics.SparseCategoricalAccuracy(), Metrics.TopKCategoricalAccuracy(k: 2),
            Metrics.SparseTopKCategoricalAccuracy(k: 3), Metrics.MeanAbsoluteError(), Metrics.MeanSquaredError(),
            Metrics.RootMeanSquaredError(dtype: .float64),
            try Metrics.Precision(thresholds: [0.2, 0.6], classId: 1, name: "p"), try Metrics.Recall(thresholds: [0.4]),
            try Metrics.AUC(curve: .roc, summationMethod: .majoring, thresholds: [0.25, 0.5, 0.75], fromLogits: true),
        ]
        for m in metrics {
            guard let c = metricConfig(m), case .string(let cls)? = c["class_name"], let config = c["config"] else {
                XCTFail("no config for \(m.name)"); continue
            }
            let back = try metricFromConfig(name: cls, configJSON: config.json)
            XCTAssertTrue(type(of: back) == type(of: m), cls)
            XCTAssertEqual(metricConfig(back), c, cls)
        }
        let auc = try Metrics.AUC(thresholds: [0.25, 0.5, 0.75])
        XCTAssertEqual(metricConfig(auc)?["config"]?["thresholds"], .array([.double(0.25), .double(0.5), .double(0.75)]))
        XCTAssertEqual(metricConfig(auc)?["config"]?["num_thresholds"], .int(5))
        // Metrics without a config: user functions are saved by name.
        XCTAssertNil(metricConfig(Metrics.FunctionMetric(name: "f") { a, _ in a }))
    }

    func testCompileConfigMetricEntryErrors() throws {
        let m = try Sequential([Dense(units: 1, inputShape: [2])])
        func compile(_ metrics: String) throws {
            try m.compile(fromConfig: try ConfigValue.parse(json: #"{"optimizer": {"class_name": "SGD", "config": {}}, "loss": "mse", "metrics": "# + metrics + "}"))
        }
        XCTAssertThrowsError(try compile(#"[{"class_name": "AUC", "config": {"num_thresholds": 1}}]"#)) { e in
            XCTAssertTrue("\(e)".contains("num_thresholds"), "\(e)")
        }
        XCTAssertThrowsError(try compile(#"[{"config": {}}]"#)) { e in XCTAssertTrue("\(e)".contains("class_name"), "\(e)") }
        XCTAssertThrowsError(try compile(#"[{"class_name": "AUC", "cfg": {}}]"#)) { e in XCTAssertTrue("\(e)".contains("'cfg'"), "\(e)") }
        XCTAssertThrowsError(try compile(#"[{"class_name": "AUC", "config": [1]}]"#)) { e in XCTAssertTrue("\(e)".contains("'config'"), "\(e)") }
        XCTAssertThrowsError(try compile(#"[3]"#)) { e in XCTAssertTrue("\(e)".contains("metric entry"), "\(e)") }
        XCTAssertThrowsError(try compile(#"[{"class_name": "NoSuchMetric", "config": {}}]"#)) { e in
            XCTAssertTrue("\(e)".contains("NoSuchMetric"), "\(e)")
        }
        try compile(#"[{"module": "keras.metrics", "class_name": "Recall", "config": {"thresholds": 0.3}, "registered_name": null}]"#)
        guard case .array(let items)? = try m.getCompileConfig()?["metrics"], items.count == 1 else { return XCTFail("metrics") }
        XCTAssertEqual(items[0]["config"]?["thresholds"], .double(0.3))
    }
}
