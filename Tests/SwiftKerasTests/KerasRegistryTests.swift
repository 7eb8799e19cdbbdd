import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// KerasSerializable + KerasRegistry: every built-in class of every kind round-trips through
// getConfig / init(config:) (iterating the registry, so a class added to it is covered), custom
// classes register and deserialize, built-in names cannot be taken.

/// A custom layer for the registry tests: multiplies its input by `factor`.
private final class ScaleLayer: Layer, KerasSerializable {
    static var className: String { "TestScaleLayer" }
    let factor: Double

    init(factor: Double, name: String? = nil) {
        self.factor = factor
        super.init(name: name)
    }

    convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        self.init(factor: try r.double("factor", 1), name: base.name)
        try base.finish(r, self)
    }

    override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["factor"] = .double(factor)
        return .object(c)
    }

    override func call(_ x: Tensor, training: Bool) throws -> Tensor { try x * factor }
    override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }
}

/// The SwiftKerasError `body` throws, or nil when it returns or throws another error.
private func thrownError(_ body: () throws -> Any) -> SwiftKerasError? {
    do { _ = try body() } catch let e as SwiftKerasError { return e } catch {}
    return nil
}

/// Asserts that `body` throws a SwiftKerasError of `kind` whose message holds every fragment.
private func assertSKError(_ kind: SwiftKerasError.Kind, _ fragments: [String], file: StaticString = #filePath,
                           line: UInt = #line, _ body: () throws -> Any) {
    guard let e = thrownError(body) else {
        return XCTFail("expected a SwiftKerasError containing \(fragments)", file: file, line: line)
    }
    XCTAssertEqual(e.kind, kind, e.message, file: file, line: line)
    for f in fragments {
        XCTAssertTrue(e.message.contains(f), "message \"\(e.message)\" lacks \"\(f)\"", file: file, line: line)
    }
}

final class KerasRegistryTests: XCTestCase {
    /// The arguments a class needs beyond its defaults (nil: none). A class added to the registry
    /// with required arguments makes `testEveryBuiltinClassRoundTrips` fail until listed here.
    private func requiredArguments(_ kind: KerasObjectKind, _ className: String) -> String? {
        switch (kind, className) {
        case (.layer, "InputLayer"): return #"{"batch_shape": [null, 3]}"#
        case (.layer, "Dense"), (.layer, "SimpleRNN"), (.layer, "LSTM"), (.layer, "GRU"), (.layer, "SimpleRNNCell"),
             (.layer, "LSTMCell"), (.layer, "GRUCell"):
            return #"{"units": 2}"#
        case (.layer, "RNN"): return #"{"cell": {"class_name": "LSTMCell", "config": {"units": 2}}}"#
        case (.layer, "StackedRNNCells"): return #"{"cells": [{"class_name": "GRUCell", "config": {"units": 2}}]}"#
        case (.layer, "Activation"): return #"{"activation": "relu"}"#
        case (.layer, "TimeDistributed"), (.layer, "Bidirectional"): return #"{"layer": {"class_name": "LSTM", "config": {"units": 2}}}"#
        case (.layer, "Dropout"): return #"{"rate": 0.25, "seed": 3}"#
        case (.layer, "Reshape"): return #"{"target_shape": [2, -1]}"#
        case (.layer, "Permute"): return #"{"dims": [2, 1]}"#
        case (.layer, "RepeatVector"): return #"{"n": 2}"#
        case (.layer, "Dot"): return #"{"axes": [2, 1]}"#
        case (.layer, "Conv1D"), (.layer, "Conv2D"), (.layer, "Conv2DTranspose"), (.layer, "SeparableConv2D"),
             (.layer, "Conv3D"), (.layer, "Conv1DTranspose"), (.layer, "Conv3DTranspose"), (.layer, "SeparableConv1D"):
            return #"{"filters": 2, "kernel_size": 3}"#
        case (.layer, "DepthwiseConv2D"): return #"{"kernel_size": 3}"#
        case (.layer, "Embedding"): return #"{"input_dim": 5, "output_dim": 2}"#
        case (.layer, "MultiHeadAttention"): return #"{"num_heads": 2, "key_dim": 3}"#
        case (.layer, "GaussianNoise"): return #"{"stddev": 0.5, "seed": 2}"#
        case (.layer, "GaussianDropout"), (.layer, "AlphaDropout"), (.layer, "SpatialDropout1D"),
             (.layer, "SpatialDropout2D"), (.layer, "SpatialDropout3D"):
            return #"{"rate": 0.25, "seed": 3}"#
        case (.layer, "Rescaling"): return #"{"scale": 0.5}"#
        case (.layer, "CategoryEncoding"): return #"{"num_tokens": 4}"#
        case (.layer, "Resizing"), (.layer, "CenterCrop"): return #"{"height": 2, "width": 3}"#
        case (.layer, "Hashing"): return #"{"num_bins": 3, "salt": [1, 2]}"#
        case (.layer, "RandomRotation"), (.layer, "RandomContrast"), (.layer, "RandomHeight"), (.layer, "RandomWidth"),
             (.layer, "RandomBrightness"):
            return #"{"factor": 0.2, "seed": 1}"#
        case (.layer, "RandomCrop"): return #"{"height": 2, "width": 3, "seed": 1}"#
        case (.layer, "RandomZoom"): return #"{"height_factor": 0.1, "width_factor": [-0.2, 0.3]}"#
        case (.layer, "RandomTranslation"): return #"{"height_factor": 0.1, "width_factor": 0.2}"#
        case (.learningRateSchedule, "ExponentialDecay"), (.learningRateSchedule, "InverseTimeDecay"):
            return #"{"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}"#
        case (.learningRateSchedule, "CosineDecay"), (.learningRateSchedule, "PolynomialDecay"):
            return #"{"initial_learning_rate": 0.1, "decay_steps": 10}"#
        case (.learningRateSchedule, "PiecewiseConstantDecay"): return #"{"boundaries": [2, 5], "values": [1, 0.5, 0.25]}"#
        case (.optimizer, "LossScaleOptimizer"): return #"{"inner_optimizer": {"class_name": "SGD", "config": {}}}"#
        case (.callback, "ModelCheckpoint"): return #"{"filepath": "/tmp/sk-registry-test.h5"}"#
        case (.callback, "CSVLogger"): return #"{"filename": "/tmp/sk-registry-test.csv"}"#
        case (.callback, "BackupAndRestore"): return #"{"backup_dir": "/tmp/sk-registry-test-backup"}"#
        case (.metric, "SensitivityAtSpecificity"): return #"{"specificity": 0.5}"#
        case (.metric, "SpecificityAtSensitivity"): return #"{"sensitivity": 0.5}"#
        case (.metric, "PrecisionAtRecall"): return #"{"recall": 0.5}"#
        case (.metric, "RecallAtPrecision"): return #"{"precision": 0.5}"#
        case (.metric, "IoU"): return #"{"num_classes": 3, "target_class_ids": [0, 2]}"#
        case (.metric, "MeanIoU"): return #"{"num_classes": 3}"#
        default: return nil
        }
    }

    func testEveryBuiltinClassRoundTrips() throws {
        var count = 0
        for kind in KerasObjectKind.allCases {
            let classes = KerasRegistry.builtinClasses(kind)
            // Every kind has built-ins: types, or (models, open classes) factories, tested below.
            XCTAssertFalse(classes.isEmpty && KerasRegistry.builtinFactories[kind] == nil, "\(kind)")
            for t in classes {
                let name = t.className
                let args = try ConfigValue.parse(json: requiredArguments(kind, name) ?? "{}")
                let object: any KerasSerializable
                do {
                    object = try t.init(config: args)
                } catch {
                    XCTFail("\(kind) \(name): cannot be built from \(args.json) (\(error)); list its required arguments in requiredArguments")
                    continue
                }
                XCTAssertTrue(type(of: object) == t, "\(name)")
                XCTAssertEqual(KerasRegistry.builtinClassName(of: object, kind), name)
                let config = try object.getConfig()
                guard case .object = config else { XCTFail("\(name): config \(config.json) is not a dictionary"); continue }
                // from_config(get_config()) gives an equal config, directly, through the registry and through JSON.
                XCTAssertEqual(try t.init(config: config).getConfig(), config, "\(kind) \(name)")
                let viaRegistry = try XCTUnwrap(try KerasRegistry.deserialize(kind, className: name, config: config) as? any KerasSerializable)
                XCTAssertTrue(type(of: viaRegistry) == t, "\(name)")
                XCTAssertEqual(try viaRegistry.getConfig(), config, "\(kind) \(name)")
                XCTAssertEqual(try t.init(config: try ConfigValue.parse(json: config.json)).getConfig(), config, "\(kind) \(name)")
                // Unknown keys are refused, naming the key.
                guard case .object(var extra) = config else { continue }
                extra["no_such_argument"] = .int(1)
                XCTAssertThrowsError(try t.init(config: .object(extra)), "\(name)") { e in
                    XCTAssertTrue("\(e)".contains("no_such_argument"), "\(name): \(e)")
                }
                count += 1
            }
        }
        XCTAssertEqual(count, KerasObjectKind.allCases.reduce(0) { $0 + KerasRegistry.builtinClasses($1).count })
    }

    func testNamesAndAliasesResolveToTheirClass() {
        for kind in KerasObjectKind.allCases {
            let classes = KerasRegistry.builtinClasses(kind)
            XCTAssertEqual(Set(classes.map { $0.className }).count, classes.count, "\(kind): duplicate class names")
            for t in classes {
                for n in [t.className] + t.aliases {
                    let found = KerasRegistry.builtinClass(kind, named: n)
                    XCTAssertTrue(found.map { $0 == t } ?? false, "\(kind) '\(n)' resolves to \(String(describing: found))")
                }
            }
        }
        // Optimizer names ignore case (Keras `optimizers.get`); other kinds do not.
        XCTAssertTrue(KerasRegistry.builtinClass(.optimizer, named: "rmsPROP").map { $0 == RMSprop.self } ?? false)
        XCTAssertNil(KerasRegistry.builtinClass(.layer, named: "dense"))
        // The names the entry points report come from the registry, in its order.
        XCTAssertEqual(builtinLayerClassNames.first, "InputLayer")
        XCTAssertEqual(optimizerClassNames, ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion",
                                             "LossScaleOptimizer", "Nadam", "RMSprop", "SGD"])
        XCTAssertEqual(canonicalLossName("huber_loss"), "huber")
        XCTAssertEqual(canonicalLossName("MSE"), "mean_squared_error")
        XCTAssertNil(canonicalLossName("Mean"))
        XCTAssertEqual(canonicalMetricName("acc"), "Accuracy")
        XCTAssertNil(canonicalMetricName("kl_divergence"))
    }

    func testNamedLookupsGoThroughTheRegistry() throws {
        let g = try XCTUnwrap(try Initializers.named("glorot_uniform", seed: 5) as? GlorotUniform)
        XCTAssertEqual(g.seed, 5)
        XCTAssertEqual((try Initializers.named("HeNormal", seed: 7) as? HeNormal)?.seed, 7)
        XCTAssertTrue(try Initializers.named("zeros", seed: 3) is Zeros)
        XCTAssertTrue(try Initializers.named("one") is Ones)
        XCTAssertEqual((try Initializers.named("normal", seed: 2) as? RandomNormal)?.seed, 2)
        XCTAssertEqual((try Initializers.named("uniform") as? RandomUniform)?.maxval, 0.05)
        XCTAssertEqual((try Initializers.named("identity") as? IdentityInitializer)?.gain, 1)
        let v = try XCTUnwrap(try Initializers.named("variance_scaling", seed: 1) as? VarianceScaling)
        XCTAssertTrue(type(of: v) == VarianceScaling.self)
        XCTAssertEqual(v.seed, 1)
        XCTAssertEqual(v.mode, .fanIn)
        assertSKError(.invalidArgument, ["could not interpret initializer identifier: 'glorot'"]) { try Initializers.named("glorot") }
        let l = try XCTUnwrap(try Regularizers.named("l1_l2") as? L1L2)
        XCTAssertEqual([l.l1, l.l2], [0.01, 0.01])
        let c = try XCTUnwrap(try Regularizers.named("L1L2") as? L1L2)
        XCTAssertEqual([c.l1, c.l2], [0, 0])
        XCTAssertEqual((try Regularizers.named("l2") as? L2)?.l2, 0.01)
        assertSKError(.invalidArgument, ["could not interpret regularizer identifier: 'l3'"]) { try Regularizers.named("l3") }
        XCTAssertEqual(try Optimizer.named("NADAM").name, "nadam")
        assertSKError(.invalidArgument, ["could not interpret optimizer identifier 'loss_scale_optimizer'"]) {
            try Optimizer.named("loss_scale_optimizer")
        }
        XCTAssertTrue(try lossNamed("kld", reduction: .sum) is Losses.KLDivergence)
        XCTAssertEqual(try lossNamed("huber_loss").name, "huber_loss")
        XCTAssertEqual(try lossNamed("bce", reduction: .none).reduction, Reduction.none)
    }

    func testCustomClassRegistersAndDeserializes() throws {
        let cls = ScaleLayer.className
        assertSKError(.invalidArgument, ["unknown layer class '\(cls)'"]) {
            try layerFromConfig(className: cls, config: .object(["factor": .double(3)]))
        }
        try KerasRegistry.register(.layer, ScaleLayer.self)
        defer { KerasRegistry.unregister(.layer, className: cls) }
        let layer = try XCTUnwrap(try layerFromConfig(className: cls, configJSON: #"{"factor": 3, "name": "s"}"#) as? ScaleLayer)
        XCTAssertEqual(layer.factor, 3)
        XCTAssertEqual(layer.name, "s")
        XCTAssertEqual(try layer(try Tensor.from(doubles: [1, 2], shape: [1, 2], dtype: .float32)).doubles, [3, 6])
        // Its config goes through a model config and back.
        let m = try Sequential([Dense(units: 2, inputShape: [2]), ScaleLayer(factor: 0.5, name: "half")])
        let loaded = try modelFromConfig(try m.getModelConfig())
        XCTAssertEqual((loaded.layers.last as? ScaleLayer)?.factor, 0.5)
        XCTAssertEqual(loaded.layers.last?.name, "half")
        // Unknown keys are refused by the class's own init(config:).
        assertSKError(.invalidArgument, ["TestScaleLayer.from_config", "unrecognized config key(s) 'scale'"]) {
            try layerFromConfig(className: cls, configJSON: #"{"scale": 3}"#)
        }

        // Custom classes of the other kinds, registered with factories (as C and Python do).
        try KerasRegistry.register(.metric, className: "TestMean") { c in
            var r = try ConfigReader(c, fromConfigOf: "TestMean")
            let m = Metrics.Mean(name: try r.string("name") ?? "test_mean")
            try r.finish()
            return m
        }
        defer { KerasRegistry.unregister(.metric, className: "TestMean") }
        XCTAssertEqual(try metricFromConfig(name: "TestMean", configJSON: #"{"name": "tm"}"#).name, "tm")
        try KerasRegistry.register(.optimizer, className: "TestSGD") { _ in try SGD(learningRate: 0.25) }
        defer { KerasRegistry.unregister(.optimizer, className: "TestSGD") }
        XCTAssertEqual(try optimizerFromConfig(name: "TestSGD", configJSON: "{}").currentLearningRate(), 0.25)
        try KerasRegistry.register(.learningRateSchedule, className: "TestConstant") { _ in LambdaSchedule { _ in 0.5 } }
        defer { KerasRegistry.unregister(.learningRateSchedule, className: "TestConstant") }
        XCTAssertEqual(try learningRateScheduleValue(className: "TestConstant", configJSON: "{}", step: 7), 0.5)
        try KerasRegistry.register(.loss, className: "TestLoss") { _ in Losses.MeanAbsoluteError(name: "test_loss") }
        defer { KerasRegistry.unregister(.loss, className: "TestLoss") }
        XCTAssertEqual(try lossFromConfig(name: "TestLoss", configJSON: "{}").name, "test_loss")

        // Re-registering a custom name replaces its factory; unregistering forgets it.
        try KerasRegistry.register(.layer, className: cls) { _ in ScaleLayer(factor: 9) }
        XCTAssertEqual((try layerFromConfig(className: cls, configJSON: "{}") as? ScaleLayer)?.factor, 9)
        KerasRegistry.unregister(.layer, className: cls)
        assertSKError(.invalidArgument, ["unknown layer class '\(cls)'"]) { try layerFromConfig(className: cls, configJSON: "{}") }
        // A factory building the wrong kind of object is an error, not a crash.
        try LayerRegistry.register("TestNotALayer") { _ in throw SwiftKerasError(.invalidArgument, "TestNotALayer: refused") }
        defer { LayerRegistry.unregister("TestNotALayer") }
        assertSKError(.invalidArgument, ["TestNotALayer: refused"]) { try layerFromConfig(className: "TestNotALayer", configJSON: "{}") }
        try KerasRegistry.register(.layer, className: "TestMetricAsLayer") { _ in Metrics.Mean() }
        defer { KerasRegistry.unregister(.layer, className: "TestMetricAsLayer") }
        assertSKError(.invalidArgument, ["'TestMetricAsLayer'", "not a layer"]) {
            try layerFromConfig(className: "TestMetricAsLayer", configJSON: "{}")
        }
    }

    func testBuiltinNamesCannotBeReRegistered() {
        for kind in KerasObjectKind.allCases {
            for t in KerasRegistry.builtinClasses(kind) {
                for n in [t.className] + t.aliases {
                    assertSKError(.invalidArgument, ["'\(n)' is a built-in", "cannot be re-registered"]) {
                        try KerasRegistry.register(kind, className: n) { _ in Zeros() }
                    }
                }
            }
        }
        // Optimizer names ignore case, so "adam" is taken too; the layer wrapper refuses as before.
        assertSKError(.invalidArgument, ["built-in"]) { try KerasRegistry.register(.optimizer, className: "adam") { _ in try SGD() } }
        assertSKError(.invalidArgument, ["built-in"]) { try LayerRegistry.register("Conv2D") { _ in Flatten() } }
        // A name built-in for one kind is free for another.
        XCTAssertNoThrow(try KerasRegistry.register(.metric, className: "Dense") { _ in Metrics.Mean() })
        KerasRegistry.unregister(.metric, className: "Dense")
    }

    func testModelsDeserializeThroughTheRegistry() throws {
        // Sequential and functional models are the registry's `.model` kind (no switch over names):
        // a config round-trips through modelFromConfig and through layerFromConfig (nested models).
        let seq = try Sequential([Dense(units: 3, activation: .relu, inputShape: [4]), Dense(units: 2)], name: "seq")
        let input = try Input(shape: [4])
        let functional = try Model(inputs: [input], outputs: [try Dense(units: 2)(input)], name: "fn")
        for model in [seq, functional] as [Model] {
            let config = try model.getModelConfig()
            XCTAssertEqual(try modelFromConfig(config).getModelConfig(), config)
            guard case .string(let cls)? = config["class_name"], let inner = config["config"] else {
                return XCTFail("no class_name in \(config.json)")
            }
            let viaLayers = try XCTUnwrap(try layerFromConfig(className: cls, config: inner) as? Model)
            XCTAssertEqual(try viaLayers.getModelConfig(), config)
        }
        XCTAssertEqual(KerasRegistry.builtinClassNames(.model), ["Sequential", "Functional"])
        assertSKError(.invalidArgument, ["unknown model class 'Graph'", "known: Sequential, Functional"]) {
            try modelFromConfig(.object(["class_name": .string("Graph"), "config": .object([:])]))
        }
        for name in ["Sequential", "Functional", "Model"] {
            assertSKError(.invalidArgument, ["'\(name)' is a built-in model class"]) {
                try KerasRegistry.register(.model, className: name) { _ in try Sequential([]) }
            }
        }
    }

    func testSubclassesOfBuiltinsAreNotSerializedAsTheBuiltin() throws {
        // A function wrapper is a Mean subclass but not the registered Mean.
        let f = Metrics.FunctionMetric(name: "f") { a, _ in a }
        XCTAssertNil(KerasRegistry.builtinClassName(of: f, .metric))
        XCTAssertNil(metricConfig(f))
        XCTAssertThrowsError(try Metrics.MeanMetricWrapper(config: .object([:])))
        // AdamW is an Adam subclass with its own class name and config.
        let w = try AdamW(weightDecay: 0.01)
        XCTAssertEqual(optimizerClassName(w), "AdamW")
        XCTAssertEqual(try optimizerConfig(w)["weight_decay"], .double(0.01))
        // A VarianceScaling subclass keeps its fixed arguments out of its config.
        XCTAssertEqual(try initializerConfig(GlorotUniform(seed: 2)), .object(["class_name": .string("GlorotUniform"), "config": .object(["seed": .int(2)])]))
        XCTAssertEqual(try initializerConfig(try VarianceScaling(scale: 2, mode: .fanOut, distribution: .uniform))["config"]?["mode"], .string("fan_out"))
        // Nested initializer errors name the layer and the key, as before.
        assertSKError(.invalidArgument, ["Dense.from_config: 'kernel_initializer' GlorotUniform: unrecognized config key(s) 'x'"]) {
            try layerFromConfig(className: "Dense", configJSON: #"{"units": 1, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"x": 1}}}"#)
        }
        assertSKError(.invalidArgument, ["initializers.deserialize: unknown initializer class 'Nope'"]) {
            try initializerFromConfig(.object(["class_name": .string("Nope")]))
        }
    }
}
