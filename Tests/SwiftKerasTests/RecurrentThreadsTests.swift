import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

/// The fused recurrent sequences with their batch split over threads (`RecurrentThreads`) against
/// the same sequences on one thread (the oracle: one block of every row), outputs and every
/// gradient, for each cell, batch sizes 1, 2, odd and below the thread count, masks, go_backwards;
/// and the layers (return_state, stateful) on the split path.
final class RecurrentThreadsTests: XCTestCase {
    /// Runs `body` with `threads` threads and the split forced on any batch (`threads` 1: one block).
    private func withThreads<R>(_ threads: Int, _ body: () throws -> R) throws -> R {
        let saved = (Parallel.threadSetting, RecurrentThreads.minimumWork.load(ordering: .relaxed),
                     RecurrentThreads.maximumBlocks.load(ordering: .relaxed))
        try Parallel.setThreadCount(threads)
        RecurrentThreads.minimumWork.store(0, ordering: .relaxed)
        RecurrentThreads.maximumBlocks.store(threads, ordering: .relaxed)
        defer {
            try? Parallel.setThreadCount(saved.0)
            RecurrentThreads.minimumWork.store(saved.1, ordering: .relaxed)
            RecurrentThreads.maximumBlocks.store(saved.2, ordering: .relaxed)
        }
        return try body()
    }

    /// No more blocks than CPUs by default, whatever the thread setting.
    func testBlocksAreCappedAtTheCPUs() throws {
        let k = RecurrentKernels.Geometry(cell: .lstm, batch: 128, steps: 32, units: 64, backwards: false)
        let saved = Parallel.threadSetting
        defer { try? Parallel.setThreadCount(saved) }
        try Parallel.setThreadCount(Parallel.onlineCores + 6)
        XCTAssertEqual(RecurrentThreads.blockCount(k), Parallel.onlineCores)
        try Parallel.setThreadCount(1)
        XCTAssertEqual(RecurrentThreads.blockCount(k), 1)
        // Below 2^20 multiply-adds of recurrent products per block: one block.
        let small = RecurrentKernels.Geometry(cell: .lstm, batch: 3, steps: 4, units: 8, backwards: false)
        try Parallel.setThreadCount(2)
        XCTAssertEqual(RecurrentThreads.blockCount(small), 1)
    }

    private static let cells: [RecurrentCell] = [.lstm, .gru(resetAfter: true), .gru(resetAfter: false), .simpleRNN]

    /// The sequence and the gradients of a weighted sum of it with respect to every input.
    private func sequenceAndGradients(_ cell: RecurrentCell, batch b: Int, steps t: Int, units u: Int, dtype: DType,
                                      backwards: Bool, mask: Tensor?) throws -> [[Double]] {
        let g = cell.gates * u
        var inputs = [try det([b, t, g], 1, dtype: dtype)]
        inputs += try (0..<cell.stateCount).map { try det([b, u], 2 + Double($0), dtype: dtype) }
        inputs.append(try det([u, g], 4, dtype: dtype))
        if cell == .gru(resetAfter: true) { inputs.append(try det([g], 5, dtype: dtype)) }
        let tape = GradientTape()
        inputs.forEach(tape.watch)
        var y: Tensor?
        let loss = try tape.record { () -> Tensor in
            let s = cell.stateCount
            let out = try recurrentSequence(cell, projectedInputs: inputs[0], initialStates: Array(inputs[1...s]),
                                            recurrentKernel: inputs[s + 1], recurrentBias: inputs.count > s + 2 ? inputs[s + 2] : nil,
                                            goBackwards: backwards, mask: mask)
            y = out
            return try (out * det(out.shape, 7, dtype: dtype)).sum()
        }
        let grads = try tape.gradient(loss, inputs.map { .tensor($0) }, unconnectedGradients: .zero)
        return [y?.doubles ?? []] + grads.map { $0?.doubles ?? [] }
    }

    func testSplitBatchesMatchOneThread() throws {
        let (t, u) = (4, 5)
        for (dtype, tol) in [(DType.float64, 1e-13), (.float32, 1e-5)] {
            for b in [1, 2, 3, 5, 7] {
                for cell in Self.cells {
                    for back in [false, true] {
                        // Sample 1 masked at its first two steps, sample 2 at the last, the rest kept.
                        var flags = [Bool](repeating: true, count: b * t)
                        if b > 1 { flags[t] = false; flags[t + 1] = false }
                        if b > 2 { flags[3 * t - 1] = false }
                        for mask in [nil, try Tensor.from(doubles: flags.map { $0 ? 1 : 0 }, shape: [b, t], dtype: .bool)] {
                            let label = "\(cell) \(dtype) batch \(b) backwards \(back) mask \(mask != nil)"
                            let one = try withThreads(1) {
                                try sequenceAndGradients(cell, batch: b, steps: t, units: u, dtype: dtype, backwards: back, mask: mask)
                            }
                            let split = try withThreads(3) { () -> [[Double]] in
                                let k = RecurrentKernels.Geometry(cell: cell, batch: b, steps: t, units: u, backwards: back)
                                XCTAssertEqual(RecurrentThreads.blockCount(k), min(3, b), label)
                                return try sequenceAndGradients(cell, batch: b, steps: t, units: u, dtype: dtype, backwards: back, mask: mask)
                            }
                            XCTAssertEqual(one.map(\.count), split.map(\.count), label)
                            XCTAssertFalse(one.contains { $0.isEmpty }, label)
                            for (i, (a, s)) in zip(one, split).enumerated() {
                                assertClose(s, a, .relOrAbs(tol), "\(label), result \(i)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Central differences through the split path (3 samples over 2 threads, masked steps).
    func testSplitBatchesPassGradientChecks() throws {
        let mask = try Tensor.from(doubles: [1, 1, 1, 0, 1, 1, 1, 1, 0], shape: [3, 3], dtype: .bool)
        try withThreads(2) {
            for cell in Self.cells {
                let u = 2, g = cell.gates * 2
                let shapes = [[3, 3, g]] + Array(repeating: [3, u], count: cell.stateCount) + [[u, g]]
                    + (cell == .gru(resetAfter: true) ? [[g]] : [])
                for back in [false, true] {
                    try runGradCheck(GradCheck(label: "\(cell) split backwards \(back)", shapes: shapes, secondOrder: false) { x in
                        let s = cell.stateCount
                        return try recurrentSequence(cell, projectedInputs: x[0], initialStates: Array(x[1...s]),
                                                     recurrentKernel: x[s + 1], recurrentBias: x.count > s + 2 ? x[s + 2] : nil,
                                                     goBackwards: back, mask: mask)
                    })
                }
            }
        }
    }

    /// The layers on the split path: return_state, stateful calls carrying their states, masks
    /// from a Masking layer, go_backwards — outputs and final states as on one thread.
    func testLayersOnTheSplitPathMatchOneThread() throws {
        func run() throws -> [[Double]] {
            var out: [[Double]] = []
            for make in [{ try LSTM(units: 4, returnSequences: true, returnState: true, goBackwards: true, stateful: true) as RecurrentLayer },
                         { try GRU(units: 4, returnSequences: false, returnState: true, stateful: true) as RecurrentLayer },
                         { try SimpleRNN(units: 4, returnSequences: true, returnState: true, stateful: true) as RecurrentLayer }] {
                let l = try make()
                var x = try det([5, 6, 3], 1)
                _ = try l(x)
                try l.setWeights(l.weights.enumerated().map { i, w in try det(w.shape, 9 + Double(i), dtype: w.dtype) })
                try l.resetStates()
                // Sample 3's last two steps are all zeros: masked by the Masking layer.
                var v = x.doubles
                for j in 0..<6 { v[3 * 18 + 12 + j] = 0 }
                x = try Tensor.from(doubles: v, shape: [5, 6, 3], dtype: .float32)
                let masking = Masking(maskValue: 0)
                let m = try masking.computeMasks([x], masks: [nil])[0]
                for _ in 0..<2 {   // the second call starts from the first one's states
                    out += try l.callOutputs([x], masks: [m], training: true).map(\.doubles)
                }
            }
            return out
        }
        let one = try withThreads(1) { try run() }
        let split = try withThreads(2) { try run() }
        XCTAssertEqual(one.map(\.count), split.map(\.count))
        for (i, (a, s)) in zip(one, split).enumerated() { assertClose(s, a, .relOrAbs(1e-5), "result \(i)") }
    }
}
