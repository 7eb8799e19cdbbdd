import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

/// 0.5·sin(0.37·i + seed) reshaped to `shape`: the deterministic inputs and weights of
/// tools/record_recurrent_reference.py (computed in doubles, then rounded to float32 as numpy does).
func det(_ shape: [Int], _ seed: Double, dtype: DType = .float32) throws -> Tensor {
    let n = shape.reduce(1, *)
    let v = (0..<n).map { Double(Float(0.5 * Glibc.sin(0.37 * Double($0) + seed))) }
    return try Tensor.from(doubles: v, shape: shape, dtype: dtype)
}

/// Sets every weight of `layer` to `det(shape, seed + 10·i)` (the reference script's `set_det_weights`).
private func setDetWeights(_ layer: Layer, _ seed: Double) throws {
    try layer.setWeights(layer.weights.enumerated().map { i, w in try det(w.shape, seed + 10 * Double(i), dtype: w.dtype) })
}

/// Gradient checks of the fused recurrent sequences (float64, central differences), keyed by op name.
let recurrentGradChecks: [String: [GradCheck]] = [
    "lstm_sequence": [false, true].map { back in
        GradCheck(label: "lstm_sequence (2, 3, 4·2)\(back ? " go_backwards" : "")",
                  shapes: [[2, 3, 8], [2, 2], [2, 2], [2, 8]]) { x in
            try recurrentSequence(.lstm, projectedInputs: x[0], initialStates: [x[1], x[2]], recurrentKernel: x[3],
                                  goBackwards: back)
        }
    },
    "gru_sequence": [(true, false), (true, true), (false, false), (false, true)].map { resetAfter, back in
        GradCheck(label: "gru_sequence reset_after \(resetAfter)\(back ? " go_backwards" : "")",
                  shapes: [[2, 3, 6], [2, 2], [2, 6]] + (resetAfter ? [[6]] : [])) { x in
            try recurrentSequence(.gru(resetAfter: resetAfter), projectedInputs: x[0], initialStates: [x[1]],
                                  recurrentKernel: x[2], recurrentBias: resetAfter ? x[3] : nil, goBackwards: back)
        }
    },
    "simple_rnn_sequence": [false, true].map { back in
        GradCheck(label: "simple_rnn_sequence (2, 3, 3)\(back ? " go_backwards" : "")",
                  shapes: [[2, 3, 3], [2, 3], [3, 3]]) { x in
            try recurrentSequence(.simpleRNN, projectedInputs: x[0], initialStates: [x[1]], recurrentKernel: x[2],
                                  goBackwards: back)
        }
    },
]

final class KerasRecurrentTests: XCTestCase {
    /// The recurrent layers of the comparisons, fresh each time (units 3).
    private func layers(_ dtype: DTypePolicy, returnSequences: Bool, goBackwards: Bool) throws -> [RecurrentLayer] {
        [try LSTM(units: 3, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, dtype: dtype),
         try GRU(units: 3, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, resetAfter: true, dtype: dtype),
         try GRU(units: 3, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, resetAfter: false, dtype: dtype),
         try SimpleRNN(units: 3, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, dtype: dtype)]
    }

    /// Outputs and the gradients of a weighted sum of every output with respect to the input,
    /// the initial states and every weight.
    private func outputsAndGradients(_ l: RecurrentLayer, _ x: Tensor, _ initial: [Tensor]) throws -> [[Double]] {
        let tape = GradientTape()
        let watched = [x] + initial
        watched.forEach(tape.watch)
        var outs: [Tensor] = []
        let loss = try tape.record { () -> Tensor in
            outs = try l.outputs([x] + initial, training: true)
            var s = try Tensor.scalar(0, dtype: x.dtype)
            for (i, o) in outs.enumerated() {
                s = try s + (o * det(o.shape, 20 + Double(i), dtype: o.dtype)).sum()
            }
            return s
        }
        let grads = try tape.gradient(loss, watched.map { .tensor($0) } + l.trainableWeights.map { .variable($0) })
        return outs.map(\.doubles) + grads.map { $0?.doubles ?? [] }
    }

    /// The fused sequence kernels against the step-by-step path they replace (the oracle): outputs,
    /// final states and every gradient, for each cell, both directions, with and without sequences.
    func testFusedKernelsMatchTheStepByStepPath() throws {
        for (dtype, tol) in [("float64", 1e-12), ("float32", 2e-5)] {
            let policy = try DTypePolicy(dtype)
            for back in [false, true] {
                for seqs in [false, true] {
                    for l in try layers(policy, returnSequences: seqs, goBackwards: back) {
                        let d = DType(name: dtype) ?? .float32
                        let x = try det([3, 5, 4], 1, dtype: d)
                        _ = try l(x)
                        try setDetWeights(l, 5)
                        let initial = try (0..<l.stateCount).map { try det([3, 3], 30 + Double($0), dtype: d) }
                        let fused = try outputsAndGradients(l, x, initial)
                        l.fusedKernel = false
                        let steps = try outputsAndGradients(l, x, initial)
                        let label = "\(l.className) \(dtype) backwards \(back) sequences \(seqs)"
                        XCTAssertEqual(fused.map(\.count), steps.map(\.count), label)
                        XCTAssertFalse(fused.contains { $0.isEmpty }, label)
                        for (i, (a, b)) in zip(fused, steps).enumerated() {
                            assertClose(a, b, .relOrAbs(tol), "\(label), result \(i)")
                        }
                    }
                }
            }
        }
    }

    /// A fused call records one op on the tape, whatever the number of steps.
    func testFusedCallRecordsOneSequenceOp() throws {
        let l = try LSTM(units: 4)
        let x = try det([2, 7, 3], 1)
        _ = try l(x)
        let collector = OpNameCollector()
        OpObservers.push(collector)
        defer { OpObservers.remove(collector) }
        _ = try l(x)
        XCTAssertEqual(collector.names.filter { $0 == "lstm_sequence" }.count, 1)
        XCTAssertEqual(collector.names.filter { $0 == "matmul" }.count, 1, "one product for the inputs of all steps: \(collector.names)")
        XCTAssertFalse(collector.names.contains("sigmoid"), "no per-step gate ops: \(collector.names)")
    }

    // MARK: tf.keras 2 answers (tools/record_recurrent_reference.py)

    private func assertReference(_ key: String, _ got: [Tensor], file: StaticString = #filePath, line: UInt = #line) {
        guard let want = recurrentReference[key] else { return XCTFail("no reference \(key)", file: file, line: line) }
        assertClose(got.flatMap(\.doubles), want, .absRel(abs: 1e-5, rel: 1e-4), key, file: file, line: line)
    }

    func testReturnStateInitialStateAndGoBackwardsMatchTensorFlow() throws {
        let x = try det([2, 4, 3], 1), h0 = try det([2, 3], 3), c0 = try det([2, 3], 4)
        let lstm = try LSTM(units: 3, returnSequences: true, returnState: true)
        _ = try lstm(x)
        try setDetWeights(lstm, 5)
        let o = try lstm.outputs([x, h0, c0])
        XCTAssertEqual(o.map(\.shape), [[2, 4, 3], [2, 3], [2, 3]])
        assertReference("lstm_seq_state_initial", o)
        for resetAfter in [true, false] {
            let gru = try GRU(units: 3, returnState: true, goBackwards: true, resetAfter: resetAfter)
            _ = try gru(x)
            try setDetWeights(gru, 6)
            let g = try gru.outputs([x, h0])
            XCTAssertEqual(g.map(\.shape), [[2, 3], [2, 3]])
            assertReference("gru_reset_after_\(resetAfter)_backwards_state_initial", g)
        }
        let rnn = try SimpleRNN(units: 3, returnSequences: true, returnState: true, goBackwards: true)
        _ = try rnn(x)
        try setDetWeights(rnn, 7)
        assertReference("simple_rnn_seq_state_backwards", try rnn.outputs([x]))
        // The step-by-step path gives the same answers.
        lstm.fusedKernel = false
        assertReference("lstm_seq_state_initial", try lstm.outputs([x, h0, c0]))
    }

    func testStatefulLayersCarryTheirStatesAndResetAsTensorFlow() throws {
        let x = try det([2, 4, 3], 1), x2 = try det([2, 4, 3], 2), h0 = try det([2, 3], 3)
        let lstm = try LSTM(units: 3, returnState: true, stateful: true)
        _ = try lstm(x)
        try setDetWeights(lstm, 8)
        try lstm.resetStates()
        let first = try lstm.outputs([x])
        assertReference("lstm_stateful_first", first)
        XCTAssertEqual(lstm.states?.map(\.doubles), Array(first.dropFirst()).map(\.doubles))
        assertReference("lstm_stateful_second", try lstm.outputs([x2]))
        try lstm.resetStates()
        XCTAssertEqual(lstm.states?.map(\.doubles), [[Double](repeating: 0, count: 6), [Double](repeating: 0, count: 6)])
        assertReference("lstm_stateful_after_reset", try lstm.outputs([x2]))
        assertError(.invalidArgument, containing: ["batch size 2", "batch of 1"]) {
            _ = try lstm(try det([1, 4, 3], 1))
        }

        let gru = try GRU(units: 3, stateful: true)
        _ = try gru(x)
        try setDetWeights(gru, 9)
        try gru.resetStates([h0])
        assertReference("gru_stateful_from_set_states", [try gru(x), try gru(x2)])
        assertError(.invalidArgument, containing: ["reset_states", "(batch, 3)"]) { try gru.resetStates([x]) }
        // A stateless layer has nothing to set.
        assertError(.invalidArgument, containing: ["not stateful"]) { try GRU(units: 3).resetStates([h0]) }
    }

    // MARK: Functional API

    func testReturnStateOutputsAreUsableInFunctionalModels() throws {
        let input = try Input(shape: [4, 3])
        let lstm = try LSTM(units: 3, returnSequences: true, returnState: true, name: "lstm")
        let outs = try lstm.outputs([input])
        XCTAssertEqual(outs.map(\.shape), [[-1, 4, 3], [-1, 3], [-1, 3]])
        let dense = try Dense(units: 2, name: "head")
        let head = try dense(outs[2])
        let model = try Model(inputs: [input], outputs: [outs[1], head, outs[0]], name: "states")
        try setDetWeights(lstm, 5)
        let x = try det([2, 4, 3], 1)
        let got = try model.outputs([x])
        let eager = try lstm.outputs([x])
        XCTAssertEqual(got.map(\.shape), [[2, 3], [2, 2], [2, 4, 3]])
        XCTAssertEqual(got[0].doubles, eager[1].doubles)
        XCTAssertEqual(got[1].doubles, try dense(eager[2]).doubles)
        XCTAssertEqual(got[2].doubles, eager[0].doubles)
        // The config names the state outputs by tensor index and rebuilds the same graph.
        let config = try model.getModelConfig()
        XCTAssertTrue(config.json.contains("[\"lstm\",0,2]"), config.json)
        let loaded = try modelFromConfig(config)
        try loaded.setWeights(model.getWeights())
        XCTAssertEqual(try loaded.outputs([x]).map(\.doubles), got.map(\.doubles))
        XCTAssertEqual(try loaded.getModelConfig(), config)

        // initial_state from symbolic tensors: LSTM(..)(x, initial_state=[h, c]).
        let h = try Input(shape: [3]), c = try Input(shape: [3])
        let second = try LSTM(units: 3)
        let y = try second([input, h, c])
        let m2 = try Model(inputs: [input, h, c], outputs: [y])
        let h0 = try det([2, 3], 3), c0 = try det([2, 3], 4)
        XCTAssertEqual(try m2.outputs([x, h0, c0])[0].doubles, try second([x, h0, c0]).doubles)
    }

    // MARK: Dropout

    func testDropoutMasksAreDrawnOncePerCallAndOnlyInTraining() throws {
        // Linear SimpleRNN, kernel = identity, no recurrence: output_t = x_t · mask, and with a
        // constant input every step shows the same mask, whose entries are 0 or 1 / (1 − rate).
        let u = 6
        let eye = try Tensor.eye(u, dtype: .float32)
        let inputDrop = try SimpleRNN(units: u, activation: .linear, dropout: 0.5, returnSequences: true)
        _ = try inputDrop(try Tensor.ones([2, 3, u]))
        try inputDrop.setWeights([eye, try Tensor.zeros([u, u]), try Tensor.zeros([u])])
        let ones = try Tensor.ones([2, 5, u])
        let y = try inputDrop(ones, training: true).doubles
        for bi in 0..<2 {
            let first = Array(y[(bi * 5 * u)..<(bi * 5 * u + u)])
            XCTAssertTrue(first.allSatisfy { $0 == 0 || $0 == 2 }, "\(first)")
            for t in 1..<5 { XCTAssertEqual(Array(y[(bi * 5 + t) * u..<(bi * 5 + t + 1) * u]), first, "step \(t)") }
        }
        XCTAssertEqual(try inputDrop(ones, training: false).doubles, ones.doubles, "no dropout in inference")

        // Recurrent dropout: recurrent kernel = identity, an input at step 0 only: h_t = h_0 · m^t.
        let recDrop = try SimpleRNN(units: u, activation: .linear, recurrentDropout: 0.5, returnSequences: true)
        _ = try recDrop(try Tensor.ones([2, 3, u]))
        try recDrop.setWeights([eye, eye, try Tensor.zeros([u])])
        let pulse = try concatenate([try Tensor.ones([1, 1, u]), try Tensor.zeros([1, 3, u])], axis: 1)
        let r = try recDrop(pulse, training: true).doubles
        let m = Array(r[u..<2 * u])
        XCTAssertTrue(m.allSatisfy { $0 == 0 || $0 == 2 }, "\(m)")
        XCTAssertEqual(Array(r[0..<u]), [Double](repeating: 1, count: u))
        XCTAssertEqual(Array(r[2 * u..<3 * u]), m.map { $0 * $0 })
        XCTAssertEqual(Array(r[3 * u..<4 * u]), m.map { $0 * $0 * $0 })

        // LSTM/GRU: recurrent dropout switches to one product per gate (Keras implementation 1);
        // inference ignores both rates; training with them still differentiates.
        for l in [try LSTM(units: 3, dropout: 0.3, recurrentDropout: 0.4) as RecurrentLayer,
                  try GRU(units: 3, dropout: 0.3, recurrentDropout: 0.4, resetAfter: false),
                  try GRU(units: 3, dropout: 0.3, implementation: 1)] {
            XCTAssertEqual(try l.getConfig()["implementation"], .int(1), l.className)
            let x = try det([2, 4, 3], 1)
            _ = try l(x)
            try setDetWeights(l, 5)
            let plain = l is LSTM ? try LSTM(units: 3) as RecurrentLayer : try GRU(units: 3, resetAfter: (l as? GRU)?.resetAfter ?? true)
            _ = try plain(x)
            try plain.setWeights(l.getWeights())
            XCTAssertEqual(try l(x, training: false).doubles, try plain(x).doubles, l.className)
            let tape = GradientTape()
            let loss = try tape.record { try l(x, training: true).sum() }
            let grads = try tape.gradient(loss, l.trainableWeights.map { .variable($0) })
            XCTAssertTrue(grads.allSatisfy { $0 != nil }, l.className)
        }
        XCTAssertEqual(try LSTM(units: 3, dropout: 0.3).getConfig()["implementation"], .int(2))
    }

    // MARK: Options and configs

    func testTimeMajorAndUnroll() throws {
        let x = try det([2, 4, 3], 1)
        let batchMajor = try GRU(units: 3, returnSequences: true, returnState: true)
        _ = try batchMajor(x)
        try setDetWeights(batchMajor, 6)
        let timeMajor = try GRU(units: 3, returnSequences: true, returnState: true, timeMajor: true)
        let unrolled = try GRU(units: 3, returnSequences: true, returnState: true, unroll: true)
        let xt = try x.transposed([1, 0, 2])
        _ = try timeMajor(xt); _ = try unrolled(x)
        try timeMajor.setWeights(batchMajor.getWeights())
        try unrolled.setWeights(batchMajor.getWeights())
        let want = try batchMajor.outputs([x])
        let got = try timeMajor.outputs([xt])
        XCTAssertEqual(got[0].shape, [4, 2, 3])
        XCTAssertEqual(try got[0].transposed([1, 0, 2]).doubles, want[0].doubles)
        XCTAssertEqual(got[1].doubles, want[1].doubles)
        XCTAssertEqual(try timeMajor.computeOutputShapes([[4, -1, 3]]), [[4, -1, 3], [-1, 3]])
        XCTAssertEqual(try unrolled.outputs([x]).map(\.doubles), want.map(\.doubles), "unroll changes nothing")
    }

    func testConfigsRoundTripTheRecurrentOptions() throws {
        let layers: [RecurrentLayer] = [
            try SimpleRNN(units: 2, dropout: 0.25, recurrentDropout: 0.5, stateful: true, timeMajor: true, unroll: true),
            try LSTM(units: 2, dropout: 0.1, returnState: true, goBackwards: true, stateful: true, implementation: 1),
            try GRU(units: 2, recurrentDropout: 0.2, timeMajor: true, resetAfter: false),
        ]
        for l in layers {
            let c = try l.getConfig()
            for key in ["dropout", "recurrent_dropout", "stateful", "unroll", "time_major", "return_state", "go_backwards"] {
                XCTAssertNotNil(c[key], "\(l.className) \(key)")
            }
            XCTAssertEqual(c["implementation"] != nil, !(l is SimpleRNN), l.className)
            let back = try layerFromConfig(className: l.className, config: c)
            XCTAssertEqual(try back.getConfig(), c, l.className)
        }
        XCTAssertEqual(try layers[0].getConfig()["dropout"], .double(0.25))
        XCTAssertEqual(try layers[2].getConfig()["implementation"], .int(1))
        // Keras' clipping of the rates, and the implementations it knows.
        XCTAssertEqual(try LSTM(units: 2, dropout: 1.5).dropout, 1)
        assertError(.invalidArgument, containing: ["implementation must be 1 or 2, got 3"]) {
            _ = try layerFromConfig(className: "LSTM", config: .object(["units": .int(2), "implementation": .int(3)]))
        }
        assertError(.invalidArgument, containing: ["constants"]) {
            _ = try layerFromConfig(className: "GRU", config: .object(["units": .int(2), "constants": .null]))
        }
    }

    // MARK: Training

    func testLSTMModelStillConverges() throws {
        // The sign of the sum of a sequence, learned by LSTM(8) + Dense(1, sigmoid).
        let n = 256, t = 6
        let x = try Random.uniform([n, t, 1], minval: -1, maxval: 1, dtype: .float32, seed: 4)
        let xs = x.doubles
        let y = try Tensor.from(doubles: (0..<n).map { i in xs[(i * t)..<((i + 1) * t)].reduce(0, +) > 0 ? 1 : 0 },
                                shape: [n, 1], dtype: .float32)
        let model = try Sequential([LSTM(units: 8, kernelInitializer: GlorotUniform(seed: 1),
                                         recurrentInitializer: Orthogonal(seed: 2), inputShape: [t, 1]),
                                    Dense(units: 1, activation: .sigmoid, kernelInitializer: GlorotUniform(seed: 3))])
        try model.compile(optimizer: Adam(learningRate: 0.02), loss: Losses.BinaryCrossentropy(), metrics: ["accuracy"])
        let h = try model.fit(x: x, y: y, batchSize: 32, epochs: 25, verbose: 0, seed: 5)
        XCTAssertLessThan(h["loss"]!.last!, 0.5 * h["loss"]!.first!)
        XCTAssertGreaterThanOrEqual(h["accuracy"]?.last ?? 0, 0.9)
    }
}
