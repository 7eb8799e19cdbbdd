import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Recurrent cells and `RNN(cell)` (Layers/LayersRecurrentCells.swift) against tf.keras 2.21
/// (tools/record_rnn_cells_reference.py; inputs and weights are `det` values) and against the
/// recurrent layers with the same weights.
final class KerasRecurrentCellTests: XCTestCase {
    private func setDet(_ layer: Layer, _ seed: Double) throws {
        try layer.setWeights(layer.weights.enumerated().map { i, w in try det(w.shape, seed + 10 * Double(i), dtype: w.dtype) })
    }

    /// RNN([LSTMCell(3), GRUCell(2, reset_after=False), SimpleRNNCell(2)], return_sequences, return_state)
    /// with det weights (seed 7): the sequence and the four states of tf.keras 2.
    func testStackedCellsMatchTensorFlow() throws {
        let cells: [Layer] = [try LSTMCell(units: 3), try GRUCell(config: .object(["units": .int(2), "reset_after": .bool(false)])),
                              try SimpleRNNCell(units: 2)]
        let rnn = try RNN(cell: StackedRNNCells(cells: cells), returnSequences: true, returnState: true)
        let x = try det([2, 4, 3], 1)
        _ = try rnn(x)
        try setDet(rnn, 7)
        let out = try rnn.outputs([x])
        XCTAssertEqual(out.count, 5)
        assertClose(out[0].doubles, [-0.5131397, -0.4126696, -0.784236, -0.6893454, -0.8706828, -0.791025, -0.8930143, -0.8197583, -0.5119779, -0.4113725, -0.7810038, -0.685084, -0.8676164, -0.7865952, -0.8913962, -0.8174143], .absRel(abs: 1e-5, rel: 1e-4))
        assertClose(out.dropFirst().flatMap(\.doubles), [-0.1628831, -0.1943658, -0.2046, -0.1258187, -0.1544911, -0.1669931, -0.4635167, -0.5178858, -0.4860967, -0.3452009, -0.4181651, -0.423852, 0.3720922, 0.3012225, 0.3670337, 0.295823, -0.8930143, -0.8197583, -0.8913962, -0.8174143], .absRel(abs: 1e-5, rel: 1e-4))
        XCTAssertEqual((rnn.cell as? StackedRNNCells)?.stateSizes, [3, 3, 2, 2])
    }

    /// LSTMCell(3)(x_t, [h, c]) with det weights (seed 5): output, h, c of tf.keras 2.
    func testCellDirectCallMatchesTensorFlow() throws {
        let cell = try LSTMCell(units: 3)
        let x = try det([2, 4, 3], 1).slice(begin: [0, 0, 0], size: [2, 1, 3]).reshaped(to: [2, 3])
        let states = [try det([2, 3], 4), try det([2, 3], 5)]
        _ = try cell.outputs([x] + states)
        try setDet(cell, 5)
        assertClose(try cell.outputs([x] + states).flatMap(\.doubles), [-0.077396, -0.0643572, -0.0438094, 0.0773243, 0.101819, 0.1022341, -0.077396, -0.0643572, -0.0438094, 0.0773243, 0.101819, 0.1022341, -0.1557551, -0.1353328, -0.0957454, 0.1593046, 0.2349926, 0.2602078], .absRel(abs: 1e-5, rel: 1e-4))
        XCTAssertThrowsError(try cell.outputs([x, states[0]]), "an LSTM cell needs h and c")
    }

    /// RNN over a built-in cell computes what the layer computes with the same weights, training
    /// (dropout aside) and gradients included, and shares the cell's weights.
    func testRNNOverBuiltinCellsEqualsTheLayers() throws {
        let x = try det([2, 5, 3], 2)
        let pairs: [(BuiltinRecurrentCell, RecurrentLayer)] = [
            (try LSTMCell(units: 4), try LSTM(units: 4, returnSequences: true, goBackwards: true)),
            (try GRUCell(units: 4), try GRU(units: 4, returnSequences: true, goBackwards: true)),
            (try SimpleRNNCell(units: 4), try SimpleRNN(units: 4, returnSequences: true, goBackwards: true)),
        ]
        for (cell, layer) in pairs {
            let rnn = try RNN(cell: cell, returnSequences: true, goBackwards: true)
            _ = try rnn(x); _ = try layer(x)
            try setDet(rnn, 3)
            try layer.setWeights(rnn.getWeights())
            XCTAssertEqual(try rnn(x).doubles, try layer(x).doubles)
            XCTAssertTrue(rnn.weights.first === cell.kernel)
            // the stepped path (the cell inside StackedRNNCells) agrees with the fused one
            let stepped = try RNN(cell: StackedRNNCells(cells: [cell]), returnSequences: true, goBackwards: true)
            assertClose(try stepped(x).doubles, try rnn(x).doubles, .absRel(abs: 1e-6, rel: 1e-5))
        }
    }

    /// One dropout mask per sequence in the stepped path: with recurrent dropout and a constant
    /// input, a unit dropped at one step is dropped at every step.
    func testSteppedDropoutUsesOneMaskPerSequence() throws {
        let cell = try SimpleRNNCell(config: .object(["units": .int(6), "dropout": .double(0.5)]))
        let rnn = try RNN(cell: StackedRNNCells(cells: [cell]), returnSequences: true)
        let x = try Tensor.ones([1, 4, 8])
        _ = try rnn(x)
        try rnn.setWeights([try Tensor.ones([8, 6]), try Tensor.zeros([6, 6]), try Tensor.zeros([6])])
        let y = try rnn.outputs([x], training: true)[0].doubles
        for t in 1..<4 { XCTAssertEqual(Array(y[(t * 6)..<(t * 6 + 6)]), Array(y[0..<6])) }
    }

    func testConfigsRoundTrip() throws {
        let rnn = try RNN(cell: StackedRNNCells(cells: [try LSTMCell(units: 3), try GRUCell(units: 2)]), returnSequences: true,
                          zeroOutputForMask: true, name: "r")
        let config = try serializedLayer(rnn)
        let again = try layerFromConfig(className: "RNN", config: config.objectValue["config"] ?? .null)
        XCTAssertEqual(try serializedLayer(again).json, config.json)
        XCTAssertThrowsError(try LSTMCell(config: .object(["units": .int(2), "return_state": .bool(true)])))
        XCTAssertThrowsError(try RNN(cell: try Dense(units: 2)))
    }
}
