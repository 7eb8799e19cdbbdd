import XCTest
import Foundation
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Saving: weights files (round trips with identical predictions, all-or-nothing loading, missing
// and extra names, damaged and foreign files, atomic replacement), get_config/from_config for
// every built-in layer, and whole-model save/load_model (predictions, summary, compile config).
// load_weights(skip_mismatch: true) (mismatched, missing and extra layers, nothing assigned on
// error, skip_mismatch false unchanged), and metric objects' configs in the saved compile config
// (AUC(num_thresholds: 50, curve: PR), Precision(thresholds: 0.7) come back with their
// arguments; old files with metric names still load).

final class KerasSavingTests: XCTestCase {
    var dir = ""

    override func setUp() {
        dir = makeTempDir("sk-saving")
    }

    override func tearDown() {
        removeTree(dir)
    }

    // MARK: Weights round trips

    /// Saves `a`'s weights, loads them into `b` (same architecture, other initial weights):
    /// predictions on `x` differ before and are identical after.
    private func assertWeightsRoundTrip(_ a: Model, _ b: Model, _ x: Tensor, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = dir + "/w.safetensors"
        try a.saveWeights(to: path)
        let ya = try a(x).doubles
        XCTAssertNotEqual(try b(x).doubles, ya, "the fresh model should differ before loading", file: file, line: line)
        try b.loadWeights(from: path)
        XCTAssertEqual(try b(x).doubles, ya, file: file, line: line)
        for (wa, wb) in zip(a.weights, b.weights) {
            XCTAssertEqual(wa.value.doubles, wb.value.doubles, wa.name, file: file, line: line)
        }
        let (entries, meta) = try SafeTensors.contents(of: path)
        XCTAssertEqual(meta, ["format": "swiftkeras.weights", "version": "1"], file: file, line: line)
        XCTAssertEqual(entries.count, a.weights.count, file: file, line: line)
    }

    func testWeightsRoundTripDense() throws {
        func make() throws -> Sequential {
            try Sequential([Dense(units: 8, activation: .relu, inputShape: [5]), Dense(units: 3, activation: .softmax)])
        }
        try assertWeightsRoundTrip(try make(), try make(), try randomNormal([4, 5], seed: 1))
    }

    func testWeightsRoundTripConv2DAndBatchNormalizationMovingStats() throws {
        func make() throws -> Sequential {
            try Sequential([Conv2D(filters: 4, kernelSize: [3, 3], padding: .same, inputShape: [6, 6, 2]),
                            BatchNormalization(), Flatten(), Dense(units: 2)])
        }
        let a = try make()
        // Move BatchNormalization's moving mean/variance away from their initial values.
        for i in 0..<3 { _ = try a(try randomNormal([5, 6, 6, 2], seed: UInt64(10 + i)), training: true) }
        let bn = a.layers[1]
        XCTAssertEqual(bn.weights.count, 4)
        XCTAssertEqual(bn.nonTrainableWeights.count, 2)
        XCTAssertNotEqual(bn.nonTrainableWeights[0].value.doubles, [Double](repeating: 0, count: 4))
        let b = try make()
        try assertWeightsRoundTrip(a, b, try randomNormal([3, 6, 6, 2], seed: 2))
        XCTAssertEqual(b.layers[1].nonTrainableWeights[1].value.doubles, bn.nonTrainableWeights[1].value.doubles)
        let names = try SafeTensors.contents(of: dir + "/w.safetensors").tensors.map(\.name)
        XCTAssertTrue(names.contains("batch_normalization/moving_mean"), "\(names)")
        XCTAssertTrue(names.contains("batch_normalization/moving_variance"), "\(names)")
    }

    func testWeightsRoundTripLSTMAndEmbedding() throws {
        func make() throws -> Sequential {
            try Sequential([Embedding(inputDim: 10, outputDim: 4, inputShape: [6]), LSTM(units: 5), Dense(units: 1)])
        }
        let x = try Tensor.from(doubles: (0..<12).map { Double($0 % 10) }, shape: [2, 6], dtype: .int32)
        try assertWeightsRoundTrip(try make(), try make(), x)
    }

    func testWeightKeysAreLayerPaths() throws {
        let inner = try Sequential([Dense(units: 2, name: "inner_dense", inputShape: [3])], name: "inner")
        let m = try Sequential([inner, Dense(units: 1, name: "head")], name: "outer")
        let keys = try m.weightPaths().map(\.path)
        XCTAssertEqual(keys, ["sequential/dense/kernel", "sequential/dense/bias", "dense/kernel", "dense/bias"])
        // Keras 3 paths (class names numbered within the parent), not the layers' names: the
        // same names in the file, and a copy with other layer names loads it.
        let path = dir + "/nested.safetensors"
        try m.saveWeights(to: path)
        XCTAssertEqual(try SafeTensors.contents(of: path).tensors.map(\.name), keys)
        let inner2 = try Sequential([Dense(units: 2, inputShape: [3])])
        let m2 = try Sequential([inner2, Dense(units: 1)])
        try m2.loadWeights(from: path)
        let x = try randomNormal([2, 3], seed: 4)
        XCTAssertEqual(try m2(x).doubles, try m(x).doubles)
    }

    // MARK: All-or-nothing, names, damaged files

    func testWrongShapeLeavesEveryWeightUnchanged() throws {
        let m = try Sequential([Dense(units: 4, name: "d1", inputShape: [3]), Dense(units: 2, name: "d2")])
        let before = m.weights.map { $0.value.doubles }
        // A file with correct values for d1 and a wrong shape for d2/bias (listed last).
        let path = dir + "/bad.safetensors"
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 4], seed: 5)), ("dense/bias", try randomNormal([4], seed: 6)),
                               ("dense_1/kernel", try randomNormal([4, 2], seed: 7)), ("dense_1/bias", try randomNormal([3], seed: 8))],
                              metadata: ["format": "swiftkeras.weights", "version": "1"], to: path)
        assertError(.invalidArgument, containing: ["weight \"dense_1/bias\"", path, "shape (3,)", "shape (2,)"]) {
            try m.loadWeights(from: path)
        }
        XCTAssertEqual(m.weights.map { $0.value.doubles }, before)
        // Wrong dtype: same.
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 4], seed: 5)), ("dense/bias", try randomNormal([4], seed: 6)),
                               ("dense_1/kernel", try randomNormal([4, 2], seed: 7)),
                               ("dense_1/bias", try Tensor.zeros([2], dtype: .float64))], to: path)
        assertError(.invalidArgument, containing: ["weight \"dense_1/bias\"", "dtype float64"]) { try m.loadWeights(from: path) }
        XCTAssertEqual(m.weights.map { $0.value.doubles }, before)
    }

    func testMissingAndExtraWeightNames() throws {
        let m = try Sequential([Dense(units: 2, name: "d", inputShape: [3])])
        let before = m.weights.map { $0.value.doubles }
        let path = dir + "/names.safetensors"
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 2], seed: 1))], to: path)
        assertError(.invalidArgument, containing: ["has no weight \"dense/bias\"", path, "\"dense/kernel\""]) { try m.loadWeights(from: path) }
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 2], seed: 1)), ("dense/bias", try randomNormal([2], seed: 2)),
                               ("other/kernel", try randomNormal([1], seed: 3))], to: path)
        assertError(.invalidArgument, containing: ["\"other/kernel\"", "does not have"]) { try m.loadWeights(from: path) }
        XCTAssertEqual(m.weights.map { $0.value.doubles }, before)
        // A file from another tool (no metadata) with the right names loads.
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 2], seed: 1)), ("dense/bias", try randomNormal([2], seed: 2))], to: path)
        try m.loadWeights(from: path)
        XCTAssertEqual(m.weights[0].value.doubles, try randomNormal([3, 2], seed: 1).doubles)
    }

    func testTruncatedAndForeignFilesGiveClearErrors() throws {
        let m = try Sequential([Dense(units: 2, name: "d", inputShape: [3])])
        let before = m.weights.map { $0.value.doubles }
        let path = dir + "/w.safetensors"
        try m.saveWeights(to: path)
        let good = fileBytes(path)
        // Truncated at every length.
        for n in stride(from: 0, to: good.count, by: 7) {
            putBytes(Array(good.prefix(n)), path)
            assertError(.io, containing: ["'\(path)'"]) { try m.loadWeights(from: path) }
        }
        // Foreign files: text, a PNG header, random bytes.
        putBytes(Array("hello, this is not a weights file at all".utf8), path)
        assertError(.io, containing: ["is not a valid safetensors file"]) { try m.loadWeights(from: path) }
        putBytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 40), path)
        assertError(.io, containing: ["is not a valid safetensors file"]) { try m.loadWeights(from: path) }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            putBytes((0..<200).map { _ in UInt8.random(in: 0...255, using: &g) }, path)
            assertError(.io, containing: ["safetensors"]) { try m.loadWeights(from: path) }
        }
        // A safetensors file of another format.
        try SafeTensors.write([("dense/kernel", try randomNormal([3, 2], seed: 1)), ("dense/bias", try randomNormal([2], seed: 2))],
                              metadata: ["format": "pt"], to: path)
        assertError(.io, containing: ["not a SwiftKeras weights file", "format \"pt\""]) { try m.loadWeights(from: path) }
        assertError(.io, containing: ["No such file or directory"]) { try m.loadWeights(from: self.dir + "/missing.safetensors") }
        XCTAssertEqual(m.weights.map { $0.value.doubles }, before)
        // load_model on a weights-only file and on a foreign file.
        try m.saveWeights(to: path)
        assertError(.io, containing: ["holds only weights", "loadWeights"]) { try loadModel(from: path) }
        try SafeTensors.write([], to: path)
        assertError(.io, containing: ["not a SwiftKeras model file"]) { try loadModel(from: path) }
    }

    func testFailedSaveLeavesPreviousFile() throws {
        let path = dir + "/w.safetensors"
        let small = try Sequential([Dense(units: 2, inputShape: [3])])
        try small.saveWeights(to: path)
        let previous = fileBytes(path)
        // A file size limit makes the write fail part-way, as a full disk would.
        let big = try Sequential([Dense(units: 512, inputShape: [512])])
        withFileSizeLimit(4096) {
            assertError(.io, containing: ["cannot write '\(path)'", "File too large"]) { try big.saveWeights(to: path) }
            assertError(.io, containing: ["cannot write '\(path)'"]) { try big.save(to: path) }
        }
        XCTAssertEqual(fileBytes(path), previous)
        XCTAssertEqual((try FileManager.default.contentsOfDirectory(atPath: dir)), ["w.safetensors"])
        // A missing directory: clear error.
        assertError(.io, containing: ["cannot write '\(dir)/no/such/dir/w.safetensors'"]) { try small.saveWeights(to: self.dir + "/no/such/dir/w.safetensors") }
        // A model that cannot be serialized does not touch the file.
        let lam = try Sequential([Dense(units: 2, inputShape: [3]), Lambda({ $0 })])
        assertError(.invalidArgument, containing: ["Lambda"]) { try lam.save(to: path) }
        XCTAssertEqual(fileBytes(path), previous)
    }

    func testUnbuiltModelIsBuiltFromTheFileOrAsksToBeBuilt() throws {
        let a = try Sequential([Dense(units: 4, inputShape: [3]), Dense(units: 2)])
        let path = dir + "/w.safetensors"
        try a.saveWeights(to: path)
        let names = a.layers.map(\.name)
        let b = try Sequential([Dense(units: 4, name: names[0]), Dense(units: 2, name: names[1])])
        XCTAssertTrue(b.weights.isEmpty)
        try b.loadWeights(from: path)
        let x = try randomNormal([2, 3], seed: 3)
        XCTAssertEqual(try b(x).doubles, try a(x).doubles)
        let c = try Sequential([Flatten(), Dense(units: 2)])
        assertError(.invalidArgument, containing: ["has no weights yet", "build the model first"]) { try c.loadWeights(from: path) }
    }

    // MARK: get_config / from_config

    /// One instance of every built-in layer class, with non-default arguments where possible.
    private func everyLayer() throws -> [Layer] {
        [
            try InputLayer(shape: [4, -1], batchSize: 8, name: "in"),
            try Dense(units: 7, activation: .relu, useBias: false, kernelInitializer: HeNormal(seed: 3),
                      biasInitializer: Constant(0.5), kernelRegularizer: try L2(0.1), biasRegularizer: try L1L2(l1: 0.1, l2: 0.2),
                      activityRegularizer: try L1(0.3), name: "dense_x", trainable: false, inputShape: [5]),
            Activation(.softmax, name: "act"),
            try Dropout(rate: 0.25, noiseShape: [-1, 1], seed: 9, name: "drop"),
            Flatten(name: "flat"),
            try Reshape(targetShape: [2, -1], name: "resh"),
            try Permute(dims: [2, 1], name: "perm"),
            try RepeatVector(3, name: "rep"),
            try BatchNormalization(axis: 1, momentum: 0.9, epsilon: 1e-5, center: false, scale: true,
                                   gammaInitializer: RandomNormal(mean: 1, stddev: 0.1, seed: 2), name: "bn"),
            try LayerNormalization(axes: [-2, -1], epsilon: 1e-6, center: true, scale: false, name: "ln"),
            try Conv1D(filters: 3, kernelSize: 5, strides: 2, padding: .causal, dilationRate: 1, activation: .tanh, name: "c1"),
            try Conv2D(filters: 6, kernelSize: [3, 2], strides: [2, 1], padding: .same, dilationRate: [1, 1],
                       activation: .sigmoid, kernelInitializer: try VarianceScaling(scale: 2, mode: .fanOut, distribution: .uniform, seed: 4),
                       name: "c2"),
            try Conv2DTranspose(filters: 2, kernelSize: [2, 2], strides: [2, 2], padding: .same, name: "c2t"),
            try DepthwiseConv2D(kernelSize: [3, 3], depthMultiplier: 2, useBias: false, name: "dw"),
            try SeparableConv2D(filters: 5, kernelSize: [3, 3], padding: .same, depthMultiplier: 1,
                                pointwiseInitializer: Orthogonal(gain: 2, seed: 1), name: "sep"),
            try MaxPooling1D(poolSize: 3, strides: 1, padding: .same, name: "mp1"),
            try AveragePooling1D(poolSize: 2, name: "ap1"),
            try MaxPooling2D(poolSize: [3, 3], strides: [2, 2], name: "mp2"),
            try AveragePooling2D(poolSize: [2, 2], padding: .same, name: "ap2"),
            GlobalAveragePooling1D(keepDims: true, name: "gap1"),
            GlobalAveragePooling2D(name: "gap2"),
            GlobalMaxPooling1D(name: "gmp1"),
            GlobalMaxPooling2D(keepDims: true, name: "gmp2"),
            try ZeroPadding2D(padding: ((1, 2), (3, 4)), name: "zp"),
            try UpSampling2D(size: [2, 3], interpolation: .bilinear, name: "up"),
            try Embedding(inputDim: 20, outputDim: 3, embeddingsInitializer: RandomUniform(minval: -1, maxval: 1, seed: 5), name: "emb"),
            try SimpleRNN(units: 4, activation: .relu, returnSequences: true, name: "rnn"),
            try LSTM(units: 3, recurrentActivation: .hardSigmoid, unitForgetBias: false, returnState: true, goBackwards: true, name: "lstm"),
            try GRU(units: 2, recurrentInitializer: GlorotNormal(seed: 8), resetAfter: false, name: "gru"),
            Add(name: "add"), Subtract(name: "sub"), Multiply(name: "mul"), Average(name: "avg"),
            Maximum(name: "max"), Minimum(name: "min"), Concatenate(axis: 1, name: "cat"),
            Dot(axes: (2, 1), normalize: true, name: "dot"), LeakyReLU(alpha: 0.2, name: "leaky"),
            try ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0.5, name: "relu"),
            PReLU(alphaInitializer: Constant(0.25), alphaRegularizer: try L2(0.01), sharedAxes: [1], name: "prelu"),
            ELU(alpha: 0.7, name: "elu"), try Softmax(axes: [1, 2], name: "softmax"),
            try ThresholdedReLU(theta: 0.5, name: "thr"),
            try ZeroPadding1D(padding: (1, 2), name: "zp1"), try Cropping1D(cropping: (2, 0), name: "crop1"),
            try Cropping2D(cropping: ((1, 0), (2, 3)), name: "crop2"), try UpSampling1D(size: 3, name: "up1"),
            try MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 4, dropout: 0.1, outputShape: [5], attentionAxes: [1],
                                   kernelRegularizer: try L2(0.1), name: "mha"),
            try Attention(useScale: true, scoreMode: "concat", dropout: 0.2, name: "att"),
            try AdditiveAttention(useScale: false, name: "add_att"),
            try GaussianNoise(stddev: 0.3, seed: 4, name: "gn"), try GaussianDropout(rate: 0.2, name: "gd"),
            try AlphaDropout(rate: 0.1, seed: 5, name: "ad"), try SpatialDropout1D(rate: 0.2, name: "sd1"),
            try SpatialDropout2D(rate: 0.3, seed: 6, name: "sd2"), try SpatialDropout3D(rate: 0.4, name: "sd3"),
            try ActivityRegularization(l1: 0.1, l2: 0.2, name: "areg"), try UnitNormalization(axes: [1, 2], name: "unit"),
            try GroupNormalization(groups: 4, axis: -1, epsilon: 0.01, center: false, gammaRegularizer: try L2(0.1), name: "gn4"),
            try MaxPooling3D(poolSize: [2, 3, 2], strides: [1, 2, 1], padding: .same, name: "mp3"),
            try AveragePooling3D(name: "ap3"), GlobalAveragePooling3D(keepDims: true, name: "gap3"),
            GlobalMaxPooling3D(name: "gmp3"),
            try Conv3D(filters: 2, kernelSize: [2, 3, 2], strides: [1, 2, 1], padding: .same, name: "c3"),
            try Conv1DTranspose(filters: 3, kernelSize: [3], strides: [2], name: "c1t"),
            try Conv3DTranspose(filters: 2, kernelSize: [2], strides: [2], padding: .same, name: "c3t"),
            try SeparableConv1D(filters: 4, kernelSize: 3, padding: .causal, depthMultiplier: 2, dilationRate: 2,
                                depthwiseRegularizer: try L1(0.1), name: "sep1"),
            Masking(maskValue: -1, name: "masking"), try TimeDistributed(try Dense(units: 3), name: "td"),
            try Bidirectional(try GRU(units: 2, returnSequences: true), mergeMode: nil,
                              backwardLayer: try GRU(units: 2, returnSequences: true, goBackwards: true), name: "bidi"),
            try Normalization(axis: [1, 2], mean: [0.5], variance: [2], invert: true, name: "norm"),
            Rescaling(scale: 0.5, offset: 1, name: "resc"), try CategoryEncoding(numTokens: 4, outputMode: .count, name: "ce"),
            try StringLookup(maxTokens: 5, maskToken: "", vocabulary: ["a", "b"], name: "sl"),
            try IntegerLookup(vocabulary: [3, 9], outputMode: .multiHot, name: "il"),
            try TextVectorization(ngrams: .array([.int(1), .int(3)]), outputMode: .tfIdf, vocabulary: ["a"], idfWeights: [0.5], name: "tv"),
            try Resizing(height: 2, width: 3, interpolation: .nearest, cropToAspectRatio: true, name: "resize"),
            try CenterCrop(height: 2, width: 2, name: "cc"),
            try SimpleRNNCell(units: 2, name: "srnn_cell"), try LSTMCell(units: 3, name: "lstm_cell0"),
            try GRUCell(config: .object(["units": .int(2), "reset_after": .bool(false), "name": .string("gru_cell0")])),
            try StackedRNNCells(cells: [try LSTMCell(units: 2, name: "stacked_lstm"), try GRUCell(units: 2, name: "stacked_gru")],
                                name: "stacked"),
            try RNN(cell: try StackedRNNCells(cells: [try SimpleRNNCell(units: 2, name: "rc1")], name: "rstack"),
                    returnSequences: true, goBackwards: true, zeroOutputForMask: true, name: "rnn_cells"),
            try Hashing(numBins: 7, maskValue: .string("m"), salt: (3, 4), outputMode: .multiHot, name: "hash"),
            try Discretization(binBoundaries: [0.5, 1.5], outputMode: .count, name: "disc"),
            try RandomFlip(mode: "vertical", seed: 2, name: "rflip"),
            try RandomRotation(factor: .array([.double(-0.1), .double(0.2)]), fillMode: .wrap, fillValue: 1, interpolation: .nearest,
                               seed: 3, name: "rrot"),
            try RandomZoom(heightFactor: .double(0.2), widthFactor: .array([.double(-0.1), .double(0.3)]), fillMode: .constant, name: "rzoom"),
            try RandomTranslation(heightFactor: .double(0.1), widthFactor: .double(0.2), fillMode: .nearest, seed: 1, name: "rtrans"),
            try RandomContrast(factor: .array([.double(0.2), .double(0.4)]), seed: 9, name: "rcon"),
            try RandomCrop(height: 2, width: 3, seed: 4, name: "rcrop"),
            try RandomHeight(factor: .array([.double(-0.2), .double(0.3)]), interpolation: "nearest", seed: 5, name: "rheight"),
            try RandomWidth(factor: .double(0.2), name: "rwidth"),
            try RandomBrightness(factor: .array([.double(0.3), .double(-0.1)]), valueRange: .array([.int(1), .int(0)]), seed: 6,
                                 name: "rbright"),
        ]
    }

    func testConfigRoundTripForEveryBuiltinLayer() throws {
        let layers = try everyLayer()
        XCTAssertEqual(Set(layers.map(\.className)), Set(builtinLayerClassNames))
        for l in layers {
            let c = try l.getConfig()
            // config → layer → config, directly and through JSON text.
            let rebuilt = try layerFromConfig(className: l.className, config: c)
            XCTAssertTrue(type(of: rebuilt) == type(of: l), l.className)
            XCTAssertEqual(try rebuilt.getConfig(), c, l.className)
            let viaJSON = try layerFromConfig(className: l.className, configJSON: c.json)
            XCTAssertEqual(try viaJSON.getConfig(), c, l.className)
            XCTAssertEqual(try ConfigValue.parse(json: c.json), c, l.className)
            XCTAssertEqual(c["name"], .string(l.name))
        }
    }

    func testConfigKerasKeys() throws {
        let d = try Dense(units: 3, activation: .relu, name: "d")
        let c = try d.getConfig()
        XCTAssertEqual(c["units"], .int(3))
        XCTAssertEqual(c["activation"], .string("relu"))
        XCTAssertEqual(c["use_bias"], .bool(true))
        XCTAssertEqual(c["kernel_initializer"], .object(["class_name": .string("GlorotUniform"), "config": .object(["seed": .null])]))
        XCTAssertEqual(c["dtype"], .string("float32"))
        let conv = try Conv2D(filters: 2, kernelSize: [3, 3], padding: .same, name: "c").getConfig()
        XCTAssertEqual(conv["kernel_size"], .array([.int(3), .int(3)]))
        XCTAssertEqual(conv["padding"], .string("same"))
        XCTAssertEqual(conv["data_format"], .string("channels_last"))
        XCTAssertEqual(try Dropout(rate: 0.5).getConfig()["rate"], .double(0.5))
        // Keras-written configs: ints for tuples, initializer and regularizer names, defaults.
        let k = try layerFromConfig(className: "Conv2D", configJSON: #"{"filters": 4, "kernel_size": 3, "strides": 2, "kernel_initializer": "he_uniform", "kernel_regularizer": "l2", "name": "k"}"#)
        guard let kc = k as? Conv2D else { return XCTFail("not a Conv2D") }
        XCTAssertEqual(kc.kernelSize, [3, 3])
        XCTAssertEqual(kc.strides, [2, 2])
        XCTAssertTrue(kc.kernelInitializer is HeUniform)
        XCTAssertEqual((kc.kernelRegularizer as? L2)?.l2, 0.01)
        XCTAssertEqual(kc.name, "k")
    }

    func testConfigErrors() throws {
        assertError(.invalidArgument, containing: ["unknown layer class 'Dense2'"]) { try layerFromConfig(className: "Dense2", config: .object([:])) }
        assertError(.invalidArgument, containing: ["Dense.from_config", "missing required argument 'units'"]) {
            try layerFromConfig(className: "Dense", config: .object([:]))
        }
        assertError(.invalidArgument, containing: ["Dense.from_config", "'units' must be an integer", "a string"]) {
            try layerFromConfig(className: "Dense", configJSON: #"{"units": "3"}"#)
        }
        assertError(.invalidArgument, containing: ["unrecognized config key(s) 'unitz'"]) {
            try layerFromConfig(className: "Dense", configJSON: #"{"units": 3, "unitz": 4}"#)
        }
        assertError(.invalidArgument, containing: ["could not interpret activation", "'relux'"]) {
            try layerFromConfig(className: "Dense", configJSON: #"{"units": 3, "activation": "relux"}"#)
        }
        assertError(.invalidArgument, containing: ["invalid JSON"]) { try layerFromConfig(className: "Dense", configJSON: "{units: 3}") }
        assertError(.invalidArgument, containing: ["the config must be a dictionary"]) { try layerFromConfig(className: "Dense", config: .int(3)) }
        // An unimplemented Keras option is NotImplementedError (.unimplemented) naming it (issue 16).
        assertError(.unimplemented, containing: ["data_format \"channels_first\" is not supported", "only \"channels_last\""]) {
            try layerFromConfig(className: "Conv2D", configJSON: #"{"filters": 1, "kernel_size": 1, "data_format": "channels_first"}"#)
        }
        assertError(.invalidArgument, containing: ["Lambda"]) { try Lambda({ $0 }).getConfig() }
        assertError(.invalidArgument, containing: ["ClosureInitializer", "cannot be serialized"]) {
            try Dense(units: 1, kernelInitializer: ClosureInitializer { s, d in try Tensor.zeros(s, dtype: d) }).getConfig()
        }
        // A registered custom class.
        try LayerRegistry.register("MyDense") { c in
            var r = try ConfigReader(c, owner: "MyDense")
            return try Dense(units: try r.requiredInt("units"), name: "my")
        }
        defer { LayerRegistry.unregister("MyDense") }
        XCTAssertEqual((try layerFromConfig(className: "MyDense", configJSON: #"{"units": 2}"#) as? Dense)?.units, 2)
        assertError(.invalidArgument, containing: ["built-in"]) { try LayerRegistry.register("Dense") { _ in Flatten() } }
    }

    // MARK: Whole models

    func testSequentialSaveLoadModelRoundTrip() throws {
        let m = try Sequential([Conv2D(filters: 3, kernelSize: [3, 3], activation: .relu, inputShape: [8, 8, 1]),
                                BatchNormalization(), MaxPooling2D(), Flatten(), Dropout(rate: 0.2),
                                Dense(units: 3, activation: .softmax)], name: "convnet")
        try m.compile(optimizer: try Adam(learningRate: 0.01), loss: lossNamed("sparse_categorical_crossentropy"),
                      metrics: ["accuracy"])
        let x = try randomNormal([6, 8, 8, 1], seed: 21)
        let y = try Tensor.from(doubles: [0, 1, 2, 0, 1, 2], shape: [6], dtype: .float32)
        _ = try m.trainOnBatch(x: x, y: y)
        let path = dir + "/model.safetensors"
        try m.save(to: path)
        let meta = try SafeTensors.contents(of: path).metadata
        XCTAssertEqual(meta["format"], "swiftkeras.model")
        XCTAssertNotNil(meta["swiftkeras.model_config"])
        let cc = try ConfigValue.parse(json: meta["swiftkeras.compile_config"] ?? "")
        XCTAssertEqual(cc["loss"], .string("sparse_categorical_crossentropy"))
        XCTAssertEqual(cc["metrics"], .array([.string("accuracy")]))
        XCTAssertEqual(cc["optimizer"]?["class_name"], .string("Adam"))
        XCTAssertEqual(cc["optimizer"]?["config"]?["learning_rate"], .double(0.01))

        let loaded = try loadModel(from: path)
        XCTAssertTrue(loaded is Sequential)
        XCTAssertEqual(try loaded.predict(x).doubles, try m.predict(x).doubles)
        XCTAssertEqual(try loaded.summary(), try m.summary())
        XCTAssertEqual(try loaded.getModelConfig(), try m.getModelConfig())
        // Compiled from the file: trains without compile() being called.
        XCTAssertTrue(loaded.isCompiled)
        XCTAssertEqual(try loaded.optimizer?.currentLearningRate(), 0.01)
        let first = try loaded.trainOnBatch(x: x, y: y)
        var last = first
        for _ in 0..<20 { last = try loaded.trainOnBatch(x: x, y: y) }
        XCTAssertLessThan(last["loss"] ?? .infinity, first["loss"] ?? 0)
        XCTAssertNotNil(last["accuracy"])
    }

    func testFunctionalSaveLoadModelRoundTrip() throws {
        let a = try Input(shape: [4], name: "in_a")
        let b = try Input(shape: [3], name: "in_b")
        let shared = try Dense(units: 5, activation: .tanh, name: "shared")
        let ha = try shared(try Dense(units: 3, name: "proj_a")(a))
        let hb = try shared(b)
        let merged = try Concatenate(name: "cat")([ha, hb])
        let out = try Dense(units: 2, name: "out")(try Add(name: "add")([try Dense(units: 10, name: "wide")(merged), merged]))
        let m = try Model(inputs: [a, b], outputs: [out], name: "two_inputs")
        let xa = try randomNormal([3, 4], seed: 31), xb = try randomNormal([3, 3], seed: 32)
        let path = dir + "/f.safetensors"
        try m.save(to: path)
        let loaded = try loadModel(from: path)
        XCTAssertEqual(try loaded([xa, xb]).doubles, try m([xa, xb]).doubles)
        XCTAssertEqual(try loaded.summary(), try m.summary())
        XCTAssertEqual(try loaded.getModelConfig(), try m.getModelConfig())
        XCTAssertFalse(loaded.isCompiled)
        // The config in Keras 3 form.
        let c = try m.getModelConfig()
        XCTAssertEqual(c["class_name"], .string("Functional"))
        XCTAssertEqual(c["config"]?["input_layers"], .array([.array([.string("in_a"), .int(0), .int(0)]),
                                                             .array([.string("in_b"), .int(0), .int(0)])]))
        guard case .array(let layers)? = c["config"]?["layers"] else { return XCTFail("no layers") }
        let sharedEntry = layers.first { $0["name"] == .string("shared") }
        XCTAssertEqual(sharedEntry?["inbound_nodes"], .array([
            .object(["args": .array([.array([.string("proj_a"), .int(0), .int(0)])])]),
            .object(["args": .array([.array([.string("in_b"), .int(0), .int(0)])])]),
        ]))
    }

    func testNestedSequentialAndUncompiledModel() throws {
        let inner = try Sequential([Dense(units: 3, activation: .relu, name: "i1", inputShape: [2])], name: "block")
        let m = try Sequential([inner, Dense(units: 1, name: "o")], name: "outer")
        let path = dir + "/n.safetensors"
        try m.save(to: path)
        let loaded = try loadModel(from: path)
        let x = try randomNormal([4, 2], seed: 41)
        XCTAssertEqual(try loaded(x).doubles, try m(x).doubles)
        XCTAssertNil(try SafeTensors.contents(of: path).metadata["swiftkeras.compile_config"])
        XCTAssertFalse(loaded.isCompiled)
    }

    // MARK: load_weights(skip_mismatch:) and metric configs

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
        let x = try randomNormal([4, 3], seed: 9)
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
            + [(name: "dense_7/kernel", tensor: try randomNormal([2, 2], seed: 1)),
               (name: "dense_2/extra", tensor: try randomNormal([2], seed: 2))]
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
        let x = try randomNormal([64, 3], seed: 31) * 2.0
        let y = try (randomNormal([64, 1], seed: 32) + x.slice(begin: [0, 0], size: [64, 1])).isGreater(than: Scalar.float(0))
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
