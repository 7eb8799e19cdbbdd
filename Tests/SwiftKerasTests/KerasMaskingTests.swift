import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Sets weight i of `layer` to det(shape, i + offset).
private func setDet(_ layer: Layer, _ offset: Double) throws {
    try layer.setWeights(layer.weights.enumerated().map { i, w in try det(w.shape, Double(i) + offset, dtype: w.dtype) })
}

/// The masked reference input as a tensor, and its mask (a step is kept unless all features are 0).
private func maskedInput() throws -> Tensor {
    try Tensor.from(doubles: maskedReferenceInput, shape: [2, 5, 2], dtype: .float32)
}
private let referenceMask: [Double] = [1, 1, 1, 0, 0, 0, 1, 0, 1, 1]

final class KerasMaskingTests: XCTestCase {
    /// Runs Masking → `layer` on the masked reference input under a tape and compares the outputs
    /// and the gradients of Σ output_j·det(7 + j) (with `stateSeeds`: the output's seed 7, state j's
    /// stateSeeds + j) with respect to the input and every weight with tf.keras 2's `ref`.
    private func compareWithKeras(_ layer: Layer, _ ref: (outputs: [[Double]], gradients: [[Double]]), key: String,
                                  stateSeeds: Double?, _ inspect: ((outputs: [Tensor], masks: [Tensor?])) -> Void) throws {
        let x = try maskedInput()
        let tape = GradientTape()
        tape.watch(x)
        var outs: [Tensor] = []
        let loss = try tape.record { () -> Tensor in
            let (h, m) = try Masking().outputsAndMasks([x], masks: [])
            let r = try layer.outputsAndMasks(h, masks: m)
            inspect(r)
            outs = r.outputs
            var s = try Tensor.scalar(0, dtype: .float32)
            for (j, o) in outs.enumerated() {
                let seed = stateSeeds.map { j == 0 ? 7 : $0 + Double(j - 1) } ?? 7 + Double(j)
                s = try s + (o * det(o.shape, seed)).sum()
            }
            return s
        }
        let grads = try tape.gradient(loss, [.tensor(x)] + layer.weights.map { .variable($0) })
        XCTAssertEqual(outs.count, ref.outputs.count, key)
        for (o, want) in zip(outs, ref.outputs) { assertClose(o, want, .relOrAbs(2e-5), "\(key) output") }
        for (i, (g, want)) in zip(grads, ref.gradients).enumerated() {
            assertClose(try XCTUnwrap(g), want, .relOrAbs(5e-5), "\(key) gradient \(i)")
        }
    }

    private func recurrent(_ cls: String, seq: Bool, back: Bool, state: Bool = true) throws -> RecurrentLayer {
        switch cls {
        case "LSTM": return try LSTM(units: 3, returnSequences: seq, returnState: state, goBackwards: back)
        case "GRU": return try GRU(units: 3, returnSequences: seq, returnState: state, goBackwards: back)
        default: return try SimpleRNN(units: 3, returnSequences: seq, returnState: state, goBackwards: back)
        }
    }

    /// Masking → an RNN with Keras' weights: outputs, final states and the gradients with respect to
    /// the input and every weight equal tf.keras 2's, through the fused kernel and the step path.
    func testMaskedRecurrentLayersMatchKeras() throws {
        for (key, ref) in maskedRecurrentReference {
            let parts = key.split(separator: "_").map(String.init)
            for fused in [true, false] {
                let l = try recurrent(parts[0], seq: parts[2] == "seq", back: parts[1] == "b")
                l.fusedKernel = fused
                try l.buildIfNeeded([[2, 5, 2]])
                try setDet(l, 2)
                let ms = try Masking().outputsAndMasks([try maskedInput()], masks: [])
                check(try XCTUnwrap(ms.masks[0]).cast(to: .float32), [2, 5], .float32, referenceMask, "Masking's mask")
                try compareWithKeras(l, ref, key: "\(key) fused \(fused)", stateSeeds: 9) { r in
                    XCTAssertEqual(r.masks[0] != nil, parts[2] == "seq", "\(key): an output mask only with sequences")
                }
            }
        }
    }

    /// Central differences through the fused kernels with a mask (leading, middle and trailing
    /// masked steps, non-zero initial states), both directions: the pullback is the derivative.
    func testMaskedFusedSequencesGradientCheck() throws {
        let mask = try Tensor.from(doubles: [0, 1, 0, 1, 1, 1, 0, 0], shape: [2, 4], dtype: .float64)
        var checks: [GradCheck] = []
        for back in [false, true] {
            checks.append(GradCheck(label: "lstm_sequence masked\(back ? " go_backwards" : "")", shapes: [[2, 4, 8], [2, 2], [2, 2], [2, 8]], secondOrder: false) { x in
                try recurrentSequence(.lstm, projectedInputs: x[0], initialStates: [x[1], x[2]], recurrentKernel: x[3], goBackwards: back, mask: mask)
            })
            for resetAfter in [true, false] {
                checks.append(GradCheck(label: "gru_sequence masked reset_after \(resetAfter)\(back ? " go_backwards" : "")",
                                        shapes: [[2, 4, 6], [2, 2], [2, 6]] + (resetAfter ? [[6]] : []), secondOrder: false) { x in
                    try recurrentSequence(.gru(resetAfter: resetAfter), projectedInputs: x[0], initialStates: [x[1]], recurrentKernel: x[2],
                                          recurrentBias: resetAfter ? x[3] : nil, goBackwards: back, mask: mask)
                })
            }
            checks.append(GradCheck(label: "simple_rnn_sequence masked\(back ? " go_backwards" : "")", shapes: [[2, 4, 3], [2, 3], [3, 3]], secondOrder: false) { x in
                try recurrentSequence(.simpleRNN, projectedInputs: x[0], initialStates: [x[1]], recurrentKernel: x[2], goBackwards: back, mask: mask)
            })
        }
        for c in checks { try runGradCheck(c) }
    }

    /// A masked step repeats the previous states exactly; a mask of the wrong shape is an error.
    func testMaskedFusedSequenceCarriesStatesAndChecksTheMask() throws {
        let xp = try det([1, 3, 4], 1, dtype: .float64)
        let h0 = try det([1, 4], 2, dtype: .float64)
        let rk = try det([4, 4], 3, dtype: .float64)
        let y = try recurrentSequence(.simpleRNN, projectedInputs: xp, initialStates: [h0], recurrentKernel: rk,
                                      mask: try Tensor.from(doubles: [0, 1, 0], shape: [1, 3], dtype: .float64))
        let v = y.doubles
        XCTAssertEqual(Array(v[0..<4]), h0.doubles, "step 0 masked: the initial state")
        XCTAssertEqual(Array(v[8..<12]), Array(v[4..<8]), "step 2 masked: step 1's state")
        XCTAssertNotEqual(Array(v[4..<8]), h0.doubles)
        assertError(.invalidArgument, containing: ["simple_rnn_sequence", "mask", "(1, 3)"]) {
            try recurrentSequence(.simpleRNN, projectedInputs: xp, initialStates: [h0], recurrentKernel: rk,
                                  mask: try Tensor.zeros([1, 2], dtype: .bool))
        }
    }

    /// Embedding(mask_zero) → LSTM(return_sequences) → Dense, Sequential and functional: Keras'
    /// predictions and output mask, and evaluate's loss and metric over the kept steps only.
    func testMaskedSequenceModelMatchesKeras() throws {
        let tokens = try Tensor.from(doubles: maskedSequenceTokens, shape: [3, 5], dtype: .int32)
        let y = try det([3, 5, 2], 5)
        func layers() throws -> [Layer] {
            [try Embedding(inputDim: 6, outputDim: 3, maskZero: true), try LSTM(units: 4, returnSequences: true), try Dense(units: 2)]
        }
        let seq = try Sequential(try layers())
        let inp = try Input(shape: [5], dtype: .int32)
        var t = inp
        for l in try layers() { t = try l(t) }
        let functional = try Model(inputs: inp, outputs: t)
        for model in [seq as Model, functional] {
            _ = try model.outputs([tokens])
            try setDet(model, 1)
            let (outs, masks) = try model.outputsAndMasks([tokens], masks: [])
            assertClose(outs[0], maskedSequencePredictions, .relOrAbs(2e-5), "predictions")
            check(try XCTUnwrap(masks[0]).cast(to: .float32), [3, 5], .float32, maskedSequenceTokens.map { $0 == 0 ? 0 : 1 }, "output mask")
            try model.compile(optimizer: SGD(), loss: Losses.MeanSquaredError(), metrics: [.name("mae")])
            let logs = try model.evaluate(x: tokens, y: y)
            XCTAssertEqual(try XCTUnwrap(logs["loss"]), maskedSequenceLoss, accuracy: 2e-6)
            XCTAssertEqual(try XCTUnwrap(logs["mae"]), maskedSequenceMAE, accuracy: 2e-6)
            let weighted = try model.evaluate(x: tokens, y: y, sampleWeight: try Tensor.from(doubles: [1, 2, 0.5], shape: [3], dtype: .float32))
            XCTAssertEqual(try XCTUnwrap(weighted["loss"]), maskedSequenceWeightedLoss, accuracy: 2e-6)
        }
    }

    /// GlobalAveragePooling1D averages the kept steps only; GlobalMaxPooling1D ignores masks (tf.keras 2).
    func testGlobalPooling1DWithMasks() throws {
        let tokens = try Tensor.from(doubles: maskedSequenceTokens, shape: [3, 5], dtype: .int32)
        let e = try Embedding(inputDim: 6, outputDim: 3, maskZero: true)
        try e.buildIfNeeded([[3, 5]])
        try e.setWeights([try det([6, 3], 2)])
        let (h, m) = try e.outputsAndMasks([tokens], masks: [])
        let avg = try GlobalAveragePooling1D().outputsAndMasks(h, masks: m)
        assertClose(avg.outputs[0], maskedGAP1D, .relOrAbs(1e-6), "GlobalAveragePooling1D")
        XCTAssertNil(avg.masks[0])
        let mx = try GlobalMaxPooling1D().outputsAndMasks(h, masks: m)
        assertClose(mx.outputs[0], maskedGMP1D, .relOrAbs(1e-6), "GlobalMaxPooling1D")
        XCTAssertNil(mx.masks[0])
    }

    /// Merge layers combine masks with a logical and; Dense passes its mask on; Flatten drops it.
    func testMasksThroughMergeAndCoreLayers() throws {
        let x = try maskedInput()
        let a = try Masking().outputsAndMasks([x], masks: [])
        let b = try Masking().outputsAndMasks([try x.reversed(alongAxes: [1])], masks: [])
        let want: [Double] = [0, 0, 1, 0, 0, 0, 1, 0, 1, 0]
        for merge in [try Add() as Layer, Concatenate()] {
            let r = try merge.outputsAndMasks(a.outputs + b.outputs, masks: a.masks + b.masks)
            check(try XCTUnwrap(r.masks[0]).cast(to: .float32), [2, 5], .float32, want, "\(merge.name) mask")
        }
        let d = try Dense(units: 2).outputsAndMasks(a.outputs, masks: a.masks)
        check(try XCTUnwrap(d.masks[0]).cast(to: .float32), [2, 5], .float32, referenceMask, "Dense mask")
        XCTAssertNil(try Flatten().outputsAndMasks(a.outputs, masks: a.masks).masks[0])
        assertError(.invalidArgument, containing: ["does not match its input"]) {
            try Dense(units: 2).outputsAndMasks(a.outputs, masks: [try Tensor.ones([2, 4], dtype: .bool)])
        }
    }

    /// Bidirectional with Keras' weights on a masked input: outputs and gradients equal tf.keras 2's
    /// for every merge mode tried; weights are the forward layer's then the backward layer's.
    func testBidirectionalMatchesKeras() throws {
        for (key, ref) in maskedBidirectionalReference {
            let parts = key.split(separator: "_").map(String.init)
            let mode: BidirectionalMerge? = parts[2] == "None" ? nil : BidirectionalMerge(rawValue: parts[2])
            let b = try Bidirectional(try recurrent(parts[1], seq: parts[3] == "seq", back: false, state: false), mergeMode: mode)
            try b.buildIfNeeded([[2, 5, 2]])
            try setDet(b, 2)
            XCTAssertTrue(b.weights[0].name.hasPrefix("\(b.name)/forward_"), b.weights[0].name)
            XCTAssertTrue(b.weights[3].name.hasPrefix("\(b.name)/backward_"), b.weights[3].name)
            try compareWithKeras(b, ref, key: key, stateSeeds: nil) { r in
                XCTAssertEqual(r.masks.compactMap { $0 }.count, parts[3] == "seq" ? r.outputs.count : 0, key)
            }
        }
    }

    /// Bidirectional's return_state, initial states, output shapes and config round trip.
    func testBidirectionalStatesShapesAndConfig() throws {
        let b = try Bidirectional(try LSTM(units: 3, returnSequences: true, returnState: true), mergeMode: .concat)
        let x = try maskedInput()
        let outs = try b.outputs([x])
        XCTAssertEqual(outs.map(\.shape), [[2, 5, 6], [2, 3], [2, 3], [2, 3], [2, 3]])
        XCTAssertEqual(try b.computeOutputShapes([[-1, 5, 2]]), [[-1, 5, 6], [-1, 3], [-1, 3], [-1, 3], [-1, 3]])
        let h = try det([2, 3], 4)
        let withStates = try b.outputs([x, h, h, h, h])
        XCTAssertNotEqual(withStates[0].doubles, outs[0].doubles)
        assertError(.invalidArgument, containing: ["expected 4 initial states"]) { try b.outputs([x, h]) }
        let config = try b.getConfig()
        let c = try XCTUnwrap(try layerFromConfig(className: "Bidirectional", config: config) as? Bidirectional)
        XCTAssertEqual(try c.getConfig(), config)
        XCTAssertEqual(c.mergeMode, .concat)
        let none = try layerFromConfig(className: "Bidirectional", configJSON: #"{"layer": {"class_name": "GRU", "config": {"units": 2}}, "merge_mode": null}"#)
        XCTAssertEqual(try none.outputs([x]).map(\.shape), [[2, 2], [2, 2]])
        assertError(.invalidArgument, containing: ["merge_mode"]) {
            try layerFromConfig(className: "Bidirectional", configJSON: #"{"layer": {"class_name": "GRU", "config": {"units": 2}}, "merge_mode": "max"}"#)
        }
        assertError(.invalidArgument, containing: ["go_backwards"]) {
            try Bidirectional(try LSTM(units: 2), backwardLayer: try LSTM(units: 2))
        }
        let custom = try Bidirectional(try LSTM(units: 2), backwardLayer: try LSTM(units: 2, goBackwards: true))
        XCTAssertTrue(custom.backwardLayer.name.hasPrefix("backward_lstm"))
        XCTAssertNotNil(try custom.getConfig()["backward_layer"])
    }

    /// TimeDistributed(Dense) with Keras' weights: outputs, the passed-on mask, weight names and
    /// the config round trip.
    func testTimeDistributedMatchesKeras() throws {
        let td = try TimeDistributed(try Dense(units: 2))
        try td.buildIfNeeded([[2, 5, 2]])
        try setDet(td, 3)
        XCTAssertEqual(td.weights.map(\.name), ["\(td.name)/kernel", "\(td.name)/bias"])
        let (h, m) = try Masking().outputsAndMasks([try maskedInput()], masks: [])
        let r = try td.outputsAndMasks(h, masks: m)
        assertClose(r.outputs[0], maskedTimeDistributed, .relOrAbs(1e-6), "TimeDistributed")
        check(try XCTUnwrap(r.masks[0]).cast(to: .float32), [2, 5], .float32, referenceMask, "TimeDistributed mask")
        XCTAssertEqual(try td.computeOutputShape([-1, 5, 2]), [-1, 5, 2])
        let config = try td.getConfig()
        let c = try layerFromConfig(className: "TimeDistributed", config: config)
        XCTAssertEqual(try c.getConfig(), config)
        let built = try layerFromConfig(className: "TimeDistributed", configJSON: #"{"layer": {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}}"#)
        XCTAssertEqual(built.weights.map(\.shape), [[3, 4], [4]])
        assertError(.invalidArgument, containing: ["TimeDistributed", "'extra'"]) {
            try layerFromConfig(className: "TimeDistributed", configJSON: #"{"layer": {"class_name": "Dense", "config": {"units": 4}, "extra": 1}}"#)
        }
    }

    /// Embedding's mask_zero and Masking's mask_value round-trip through configs.
    func testMaskingConfigs() throws {
        let e = try layerFromConfig(className: "Embedding", configJSON: #"{"input_dim": 4, "output_dim": 2, "mask_zero": true}"#)
        XCTAssertEqual(try e.getConfig()["mask_zero"], .bool(true))
        let m = try layerFromConfig(className: "Masking", configJSON: #"{"mask_value": -1.5}"#)
        XCTAssertEqual((m as? Masking)?.maskValue, -1.5)
        XCTAssertEqual(try layerFromConfig(className: "Masking", config: try m.getConfig()).getConfig(), try m.getConfig())
    }

    /// A post-padded sequence task only a masked model solves: predict each sequence's last real
    /// token (padding follows it). Trained to convergence.
    func testMaskedModelTrainsToConvergence() throws {
        let n = 96, t = 6
        var tokens = [Double](repeating: 0, count: n * t), labels = [Double](repeating: 0, count: n)
        var rng: UInt64 = 12345
        func next(_ k: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int((rng >> 33) % UInt64(k)) }
        for i in 0..<n {
            let len = 1 + next(t)
            for j in 0..<len { tokens[i * t + j] = Double(1 + next(4)) }
            labels[i] = tokens[i * t + len - 1] - 1
        }
        let x = try Tensor.from(doubles: tokens, shape: [n, t], dtype: .int32)
        let y = try Tensor.from(doubles: labels, shape: [n], dtype: .int32)
        let model = try Sequential([try Embedding(inputDim: 5, outputDim: 8, maskZero: true), try LSTM(units: 16), try Dense(units: 4, activation: .softmax)])
        try model.compile(optimizer: Adam(learningRate: 0.02), loss: Losses.SparseCategoricalCrossentropy(), metrics: [.name("accuracy")])
        try model.fit(x: x, y: y, batchSize: 16, epochs: 30, verbose: 0, seed: 1)
        let logs = try model.evaluate(x: x, y: y)
        XCTAssertGreaterThan(try XCTUnwrap(logs["accuracy"]), 0.97, "\(logs)")
    }
}
