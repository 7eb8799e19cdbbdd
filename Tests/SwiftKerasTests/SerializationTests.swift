import XCTest
import Foundation
@testable import SwiftKerasCore
@testable import SwiftKeras

// Issue 12 points 5, 6 and 8 in the core: Sequential.pop, summary options, model directories,
// config sources of client-defined layers, symbolic dtypes, and keras.applications' parameter
// counts (tf.keras 2.21's, recorded from the reference venv).

final class SerializationTests: XCTestCase {
    var dir = ""

    override func setUp() { dir = makeTempDir("sk-serialization") }
    override func tearDown() { removeTree(dir) }

    private func mlp() throws -> Sequential {
        try Sequential([try Dense(units: 4, inputShape: [3]), try Dense(units: 2)])
    }

    func testSequentialPop() throws {
        let m = try mlp()
        let last = try m.pop()
        XCTAssertTrue(last is Dense)
        XCTAssertEqual(m.layers.count, 1)
        XCTAssertEqual(m.countParams(), 16)
        _ = try m.pop()
        assertError(.invalidArgument, "Sequential.pop: There are no layers in the model.") { try m.pop() }
    }

    func testSummaryShowTrainableAndExpandNested() throws {
        let inner = try Sequential([try Dense(units: 4, name: "d4", inputShape: [3]), try Dense(units: 2, name: "d2")], name: "inner")
        inner.layers[1].trainable = false
        let x = try Input(shape: [3], name: "x")
        let outer = try Model(inputs: [x], outputs: [try inner(x)], name: "outer")
        XCTAssertEqual(try outer.summary(expandNested: true, showTrainable: true), SummaryReference.text("outer"))
        XCTAssertFalse(try outer.summary().contains("| d4 (Dense)"))
    }

    func testModelDirectory() throws {
        let m = try mlp()
        let path = dir + "/exported"
        try m.save(to: path)
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/model.safetensors"))
        let back = try loadModel(from: path)
        let x = try randomNormal([2, 3], seed: 5)
        XCTAssertEqual(try back.predict(x).doubles, try m.predict(x).doubles)
        assertError(.io, containing: ["not a SwiftKeras model directory"]) { try loadModel(from: self.dir) }
    }

    func testConfigSourceOfAClientLayer() throws {
        let l = Lambda { $0 }
        l.configSource = { .object(["class_name": .string("Pkg>Id"), "config": .object(["name": .string("id")])]) }
        XCTAssertEqual(try serializedLayer(l).json, #"{"class_name":"Pkg>Id","config":{"name":"id"}}"#)
    }

    func testSymbolicDTypeOfALayerWithFloatWeights() throws {
        let x = try Input(shape: [3], dtype: .int32)
        XCTAssertEqual(x.dtype, .int32)
        XCTAssertEqual(try Embedding(inputDim: 10, outputDim: 2)(x).dtype, .float32)
        XCTAssertEqual(try Flatten()(x).dtype, .int32)
    }

    func testApplicationParameterCounts() throws {
        // tf.keras 2.21 with weights=None
        var o = ApplicationOptions()
        o.inputShape = [96, 96, 3]
        o.includeTop = false
        o.pooling = "avg"
        let mb = try Applications.model(named: "MobileNetV2", options: o)
        XCTAssertEqual(mb.countParams(), 2_257_984)
        XCTAssertEqual(mb.name, "mobilenetv2_1.00_96")
        let small = try Applications.model(named: "VGG19", configJSON: #"{"input_shape": [32, 32, 3], "classes": 10, "classifier_activation": null}"#)
        XCTAssertEqual(small.countParams(), 38_947_914)
        assertError(.invalidArgument, containing: ["alpha must be in (0, 1000]"]) {
            try Applications.model(named: "MobileNetV2", configJSON: #"{"alpha": 1e300}"#)
        }
                assertError(.unimplemented, containing: ["not downloaded"]) {
            try Applications.model(named: "ResNet50", configJSON: #"{"weights": "imagenet"}"#)
        }
    }
}
