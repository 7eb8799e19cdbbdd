import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// The rules the core owns once for every client: the settings (floatx, epsilon,
// image_data_format), dtype promotion (result_type, binary ops, Python-style scalars), the
// function forms of metrics, custom-loss reductions and the saved compile config of a model file.

final class RulesTests: XCTestCase {
    override func tearDown() {
        // Every test leaves the process-wide settings as Keras starts them.
        try? KerasSettings.setFloatx(.float32)
        KerasSettings.setEpsilon(1e-7)
        KerasSettings.setImageDataFormat(.channelsLast)
    }

    // MARK: Settings

    func testSettingsDefaultsAndSetters() throws {
        XCTAssertEqual(KerasSettings.floatx, .float32)
        XCTAssertEqual(KerasSettings.epsilon, 1e-7)
        XCTAssertEqual(KerasSettings.imageDataFormat, .channelsLast)

        try KerasSettings.setFloatx(name: "float64")
        XCTAssertEqual(KerasSettings.floatx, .float64)
        try KerasSettings.setFloatx(name: "bfloat16")
        XCTAssertEqual(DType.floatx, .bfloat16)
        assertError(.invalidArgument, "Unknown `floatx` value: foo. Expected one of {'bfloat16', 'float16', 'float32', 'float64'}") {
            try KerasSettings.setFloatx(name: "foo")
        }
        assertError(.invalidArgument, "Unknown `floatx` value: int32. Expected one of {'bfloat16', 'float16', 'float32', 'float64'}") {
            try KerasSettings.setFloatx(.int32)
        }
        XCTAssertEqual(KerasSettings.floatx, .bfloat16, "a rejected value leaves the setting")

        KerasSettings.setEpsilon(1e-3)
        XCTAssertEqual(KerasSettings.epsilon, 1e-3)

        try KerasSettings.setImageDataFormat(name: "Channels_First")
        XCTAssertEqual(KerasSettings.imageDataFormat, .channelsFirst)
        assertError(.invalidArgument, "The `data_format` argument must be one of {'channels_last', 'channels_first'}. Received: data_format=nchw") {
            try KerasSettings.setImageDataFormat(name: "NCHW")
        }
        XCTAssertEqual(KerasSettings.imageDataFormat, .channelsFirst)
    }

    func testFloatxIsTheDefaultDTypeOfCreatedTensorsAndLosses() throws {
        try KerasSettings.setFloatx(.float64)
        XCTAssertEqual(try Tensor.zeros([2]).dtype, .float64)
        XCTAssertEqual(try Tensor.ones([2, 2]).dtype, .float64)
        XCTAssertEqual(try Tensor.scalar(1.5).dtype, .float64)
        XCTAssertEqual(try Tensor.eye(2).dtype, .float64)
        XCTAssertEqual(try Random.uniform([3], seed: 1).dtype, .float64)
        XCTAssertEqual(Losses.MeanSquaredError().dtype, .float64)
        XCTAssertEqual(Metrics.Mean().dtype, .float64)
        XCTAssertEqual(try metricFromConfig(name: "Mean", configJSON: "").dtype, .float64)
        XCTAssertEqual(try lossFromConfig(name: "mse", configJSON: "").dtype, .float64)
        XCTAssertEqual(try lossFromConfig(name: "binary_crossentropy", configJSON: "").dtype, .float64)
        // A Python float meeting an int tensor, and a lone Python int, follow floatx's precision.
        let ints = try Tensor.from(doubles: [1, 2], shape: [2], dtype: .int32)
        let mixed = try ints * Scalar.float(0.5)
        XCTAssertEqual(mixed.dtype, .float64)
        XCTAssertEqual(mixed.doubles, [0.5, 1.0])
        // True division and float-only math of integers compute in floatx (result_type(x, float)).
        XCTAssertEqual(try (ints / ints).dtype, .float64)
        XCTAssertEqual(try (ints / ints).doubles, [1, 1])
        XCTAssertEqual(try sqrt(ints).dtype, .float64)
        XCTAssertEqual(Scalar.int(3).defaultDType, .int64)
        XCTAssertEqual(Scalar.float(3).defaultDType, .float64)

        try KerasSettings.setFloatx(.float32)
        XCTAssertEqual(try Tensor.zeros([2]).dtype, .float32)
        XCTAssertEqual(try (ints * Scalar.float(0.5)).dtype, .float32)
        XCTAssertEqual(Scalar.int(3).defaultDType, .int32)
        XCTAssertEqual(try (ints / ints).dtype, .float32)
        XCTAssertEqual(try sqrt(ints).dtype, .float32)
    }

    // MARK: Promotion

    func testResultTypeTable() throws {
        func rt(_ names: [String], _ weak: [Bool] = []) throws -> String { try DTypePromotion.resultType(names, weak: weak) }
        XCTAssertEqual(try rt([]), "float32")
        XCTAssertEqual(try rt(["int32", "float32"]), "float32")
        XCTAssertEqual(try rt(["bool", "int32"]), "int32")
        XCTAssertEqual(try rt(["float16", "int64"], [false, true]), "float16")
        XCTAssertEqual(try rt(["int32", "float32"], [false, true]), "float32")
        XCTAssertEqual(try rt(["int8", "uint8"]), "int16")
        XCTAssertEqual(try rt(["int64", "float32"]), "float32")
        XCTAssertEqual(try rt(["bfloat16", "float16"]), "float32")
        XCTAssertEqual(try rt(["int64", "int64"], [true, true]), "int32")
        XCTAssertEqual(try rt(["float64", "float32"]), "float64")
        XCTAssertEqual(try rt(["uint8", "int64"], [false, true]), "uint8")
        XCTAssertEqual(try rt(["bool", "float32"], [false, true]), "float32")
        XCTAssertEqual(try rt(["uint32", "int32"]), "int64")
        XCTAssertEqual(try rt(["uint64", "uint8"]), "uint32")
        XCTAssertEqual(try rt(["complex128"]), "complex64")
        XCTAssertEqual(try rt(["float32", "float32"], [true, false]), "float32")
        try KerasSettings.setFloatx(.float64)
        XCTAssertEqual(try rt([]), "float64")
        XCTAssertEqual(try rt(["int32", "float32"], [false, true]), "float64")
        XCTAssertEqual(try rt(["int64"], [true]), "int64")
        try KerasSettings.setFloatx(.bfloat16)
        XCTAssertEqual(try rt(["float32"], [true]), "float16")

        assertError(.invalidArgument, "dtype='string' is not a valid dtype for Keras type promotion.") { try rt(["string", "float32"]) }
        assertError(.invalidArgument, "There is no implicit conversions from float8 dtypes to others. You must cast it internally. Received: ('float8_e4m3fn', 'float32')") {
            try rt(["float8_e4m3fn", "float32"])
        }
        assertError(.invalidArgument, "Invalid dtype: foo") { try rt(["foo"]) }
        assertError(.invalidArgument, "result_type: 1 weak flags given for 2 dtypes") { try rt(["int32", "int32"], [true]) }
    }

    func testStandardizeDTypeNames() throws {
        XCTAssertEqual(try DTypePromotion.standardize("int8"), "int8")
        XCTAssertEqual(try DTypePromotion.standardize("complex64"), "complex64")
        XCTAssertEqual(try DTypePromotion.standardize("int"), "int64")
        for d in DType.allCases { XCTAssertEqual(try DTypePromotion.standardize(d.name), d.name) }
        assertError(.invalidArgument, "Invalid dtype: float") { try DTypePromotion.standardize("float") }
    }

    func testBinaryPromotionIsTheResultTypeRule() throws {
        // The op table is read off the rule: every pair of tensor dtypes promotes as result_type.
        for a in DType.allCases {
            for b in DType.allCases {
                XCTAssertEqual(a.promoted(with: b).name, try DTypePromotion.resultType([a.name, b.name]), "\(a) + \(b)")
                let x = try Tensor.zeros([1], dtype: a), y = try Tensor.zeros([1], dtype: b)
                if a.promoted(with: b) != .bool {
                    XCTAssertEqual(try (x + y).dtype, a.promoted(with: b), "add \(a) \(b)")
                }
            }
        }
        XCTAssertEqual(DType.float16.promoted(with: .bfloat16), .float32)
        XCTAssertEqual(DType.int64.promoted(with: .float16), .float16)
        XCTAssertEqual(DType.uint8.promoted(with: .int32), .int32)
    }

    func testScalarPromotionIsTheResultTypeRule() throws {
        for fx in KerasSettings.floatxChoices {
            try KerasSettings.setFloatx(fx)
            for t in DType.allCases {
                let wantInt = try DTypePromotion.resultType([t.name, "int64"], weak: [false, true])
                let wantFloat = try DTypePromotion.resultType([t.name, "float32"], weak: [false, true])
                // int16 (a weak int under a 16-bit floatx) is no tensor dtype: int32 stands in.
                XCTAssertEqual(Scalar.int(1).resultType(with: t).name, wantInt == "int16" ? "int32" : wantInt, "\(fx): \(t) + int")
                XCTAssertEqual(Scalar.float(1).resultType(with: t).name, wantFloat, "\(fx): \(t) + float")
                XCTAssertEqual(Scalar.bool(true).resultType(with: t), t)
            }
        }
    }

    // MARK: Epsilon

    func testEpsilonDrivesTheCrossentropies() throws {
        let t = t32([1, 0, 1], [3]), p = t32([1, 0, 0.25], [3])
        for eps in [1e-7, 1e-2] {
            KerasSettings.setEpsilon(eps)
            // tf.keras 2: clip to [eps, 1 - eps], then -(t log(o + eps) + (1 - t) log(1 - o + eps)).
            let want = zip(t.doubles, p.doubles).map { tv, pv -> Double in
                let o = Swift.min(Swift.max(pv, eps), 1 - eps)
                return -(tv * log(o + eps) + (1 - tv) * log(1 - o + eps))
            }
            assertClose(try binaryCrossentropy(target: t, output: p).doubles, want, .absRel(abs: 1e-5, rel: 1e-6))
            // categorical: renormalised, clipped, -sum(t log o).
            let ct = t32([0, 1, 0], [1, 3]), cp = t32([0.0, 1.0, 0.0], [1, 3])
            assertClose(try categoricalCrossentropy(target: ct, output: cp).doubles, [-log(1 - eps)], .absRel(abs: 1e-5, rel: 1e-6))
            let lt = try Tensor.from(doubles: [0], shape: [1], dtype: .int64)
            let sparse = try sparseCategoricalCrossentropy(target: lt, output: cp).doubles
            // log-softmax of log(clip(p)): -log(eps / (eps + (1 - eps) + eps)).
            assertClose(sparse, [-log(eps / (1 + eps))], .absRel(abs: 1e-4, rel: 1e-6))
        }
    }

    // MARK: Metric functions

    func testMetricFunctionsByName() throws {
        let yt = t32([1, 0, 1, 0], [4, 1]), yp = t32([0.6, 0.6, 0.8, 0.1], [4, 1])
        assertClose(try Metrics.function(named: "binary_accuracy")(yt, yp).doubles, [1, 0, 1, 1], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "binary_accuracy", configJSON: #"{"threshold": 0.7}"#)(yt, yp).doubles, [0, 1, 1, 1], .absRel(abs: 1e-6, rel: 1e-6))
        let onehot = t32([0, 1, 0, 1, 0, 0], [2, 3]), scores = t32([0.1, 0.2, 0.7, 0.5, 0.3, 0.2], [2, 3])
        assertClose(try Metrics.function(named: "categorical_accuracy")(onehot, scores).doubles, [0, 1], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "top_k_categorical_accuracy", configJSON: #"{"k": 2}"#)(onehot, scores).doubles, [1, 1], .absRel(abs: 1e-6, rel: 1e-6))
        let labels = try Tensor.from(doubles: [1, 0], shape: [2], dtype: .int32)
        assertClose(try Metrics.function(named: "sparse_categorical_accuracy")(labels, scores).doubles, [0, 1], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "sparse_top_k_categorical_accuracy", configJSON: #"{"k": 1}"#)(labels, scores).doubles, [0, 1], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "accuracy")(t32([1, 2], [2]), t32([1, 3], [2])).doubles, [0.5], .absRel(abs: 1e-6, rel: 1e-6))
        // Loss functions, by name or alias, with their keyword arguments.
        assertClose(try Metrics.function(named: "mse")(t32([1, 2], [1, 2]), t32([2, 4], [1, 2])).doubles, [2.5], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "huber", configJSON: #"{"delta": 0.5}"#)(t32([0], [1, 1]), t32([2], [1, 1])).doubles,
                    [0.5 * 2 - 0.5 * 0.25], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try Metrics.function(named: "binary_crossentropy", configJSON: #"{"from_logits": true}"#)(t32([1], [1, 1]), t32([0], [1, 1])).doubles,
                    [log(2)], .absRel(abs: 1e-6, rel: 1e-6))

        assertError(.invalidArgument, "Could not interpret metric function: 'nope'") { try Metrics.function(named: "nope") }
        assertError(.invalidArgument, "top_k_categorical_accuracy: 'k' must be at least 1, got 0") {
            try Metrics.function(named: "top_k_categorical_accuracy", configJSON: #"{"k": 0}"#)
        }
        do {
            _ = try Metrics.function(named: "binary_accuracy", configJSON: #"{"treshold": 0.7}"#)
            XCTFail("an unknown key must throw")
        } catch let e as SwiftKerasError {
            XCTAssertEqual(e.kind, .invalidArgument)
            XCTAssertTrue(e.message.contains("treshold"), e.message)
        }
    }

    // MARK: Custom losses

    func testCustomLossHonoursReductionAndSampleWeight() throws {
        let yt = t32([0, 0, 0, 0], [4]), yp = t32([1, 2, 3, 4], [4])
        let sq: (Tensor, Tensor) throws -> Tensor = { try square($1 - $0) }
        let w = t32([1, 0, 2, 1], [4])
        let mean = try CustomLoss(configJSON: "", sq)
        let sum = try CustomLoss(configJSON: #"{"reduction": "sum", "name": "s"}"#, sq)
        let none = try CustomLoss(configJSON: #"{"reduction": "none"}"#, sq)
        let auto = try CustomLoss(configJSON: #"{"reduction": "auto"}"#, sq)
        XCTAssertEqual(sum.name, "s")
        XCTAssertEqual(mean.name, "custom_loss")
        assertClose(try mean(yt, yp).doubles, [30.0 / 4], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try auto(yt, yp).doubles, [30.0 / 4], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try sum(yt, yp).doubles, [30], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try none(yt, yp).doubles, [1, 4, 9, 16], .absRel(abs: 1e-6, rel: 1e-6))
        // per-sample values -> weighting -> reduction (tf.keras Loss.__call__).
        assertClose(try sum(yt, yp, sampleWeight: w).doubles, [1 + 0 + 18 + 16], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try mean(yt, yp, sampleWeight: w).doubles, [35.0 / 4], .absRel(abs: 1e-6, rel: 1e-6))
        assertClose(try none(yt, yp, sampleWeight: w).doubles, [1, 0, 18, 16], .absRel(abs: 1e-6, rel: 1e-6))
        // A scalar value with per-sample weights broadcasts, as Keras' multiply does.
        let scalar = try CustomLoss(configJSON: #"{"reduction": "sum"}"#) { a, b in try square(b - a).sum() }
        assertClose(try scalar(yt, yp, sampleWeight: w).doubles, [30 * 4], .absRel(abs: 1e-6, rel: 1e-6))

        assertError(.invalidArgument, #"CustomLoss.from_config: invalid value for reduction 'max': expected one of "sum_over_batch_size", "sum", "none", "auto""#) {
            try CustomLoss(configJSON: #"{"reduction": "max"}"#, sq)
        }
        assertError(.invalidArgument, #"CustomLoss.from_config: 'dtype' must be a floating-point dtype name, got "int32""#) {
            try CustomLoss(configJSON: #"{"dtype": "int32"}"#, sq)
        }
    }

    func testCustomLossReductionInFitAndEvaluate() throws {
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([0, 0, 0, 0], [4, 1])
        func model(_ reduction: String) throws -> Sequential {
            let m = try Sequential([Dense(units: 1, useBias: false, inputShape: [1])])
            try m.layers[0].weights[0].assign(t32([1], [1, 1]))
            let loss = try CustomLoss(configJSON: #"{"reduction": "\#(reduction)"}"#) { a, b in try square(b - a) }
            try m.compile(optimizer: try SGD(learningRate: 0), loss: loss)
            return m
        }
        let summed = try model("sum").evaluate(x: x, y: y, batchSize: 4)
        let averaged = try model("sum_over_batch_size").evaluate(x: x, y: y, batchSize: 4)
        XCTAssertEqual(summed["loss"] ?? 0, 30, accuracy: 1e-5)
        XCTAssertEqual(averaged["loss"] ?? 0, 7.5, accuracy: 1e-5)
    }

    // MARK: Model files

    func testSavedCompileConfigIsReadByTheCore() throws {
        let dir = makeTempDir("sk-rules")
        defer { removeTree(dir) }
        let m = try Sequential([Dense(units: 1, inputShape: [2])])
        let plain = dir + "/plain.safetensors"
        try m.save(to: plain)
        XCTAssertNil(try savedCompileConfig(at: plain))
        try m.compile(optimizer: try SGD(learningRate: 0.1), loss: lossNamed("mse"), metrics: ["mae"])
        let compiled = dir + "/compiled.safetensors"
        try m.save(to: compiled)
        let text = try savedCompileConfig(at: compiled)
        XCTAssertEqual(try ConfigValue.parse(json: text ?? ""), try m.getCompileConfig())
        let weights = dir + "/weights.safetensors"
        try m.saveWeights(to: weights)
        assertError(.io, "load_model: '\(weights)' holds only weights (written by saveWeights); build the model in code and call loadWeights") {
            try savedCompileConfig(at: weights)
        }
    }
}
