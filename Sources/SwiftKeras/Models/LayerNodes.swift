// What a layer remembers of its calls on symbolic tensors — Keras 2's `layer.input`, `output`,
// `input_shape`, `output_shape`, `get_input_at(i)`, `get_output_at(i)` — and the symbolic graph
// of a Sequential model with a known input shape (tf.keras 2 gives such a model `inputs`,
// `outputs`, and its layers `input`/`output`, so `Model(seq.input, seq.layers[0].output)` builds
// a feature extractor).

import Synchronization

/// A weak reference to a symbolic tensor. A layer must not hold its calls' tensors strongly: a
/// tensor holds its node, the node holds the layer, and the cycle would keep every layer and
/// tensor alive forever. A functional model holds the tensors of its nodes, so they live as
/// long as some model (or the caller) uses them.
struct WeakKerasTensor {
    weak var tensor: KerasTensor?
}

/// One call of a layer on symbolic tensors as the layer remembers it (Keras' inbound node):
/// the shapes, always; the tensors while something else keeps them.
struct SymbolicCallRecord {
    let inputShapes: [[Int]]
    let outputShapes: [[Int]]
    let inputs: [WeakKerasTensor]
    let outputs: [WeakKerasTensor]
}

extension Layer {
    /// Remembers a symbolic call (called where the node is made: `Input(shape:)` and
    /// `Layer.outputs(_:)`).
    func recordSymbolicCall(inputs: [KerasTensor], outputs: [KerasTensor]) {
        let record = SymbolicCallRecord(inputShapes: inputs.map(\.shape), outputShapes: outputs.map(\.shape),
                                        inputs: inputs.map { WeakKerasTensor(tensor: $0) },
                                        outputs: outputs.map { WeakKerasTensor(tensor: $0) })
        symbolicCallRecords.withLock { $0.append(record) }
    }

    /// How many times the layer was called on symbolic tensors (Keras `len(layer.inbound_nodes)`;
    /// an `InputLayer` made by `Input(shape:)` has one).
    public var symbolicCallCount: Int { symbolicCallRecords.withLock { $0.count } }

    private func symbolicCallRecord(_ index: Int, _ what: String) throws -> SymbolicCallRecord {
        let records = symbolicCallRecords.withLock { $0 }
        if records.isEmpty {
            throw SwiftKerasError(.invalidArgument, "Layer \(name) has never been called on symbolic tensors and thus has no defined \(what)")
        }
        guard index >= 0, index < records.count else {
            throw SwiftKerasError(.invalidArgument, "Layer \(name): asked for the \(what) of node \(index), but the layer has only \(records.count) inbound node\(records.count == 1 ? "" : "s")")
        }
        return records[index]
    }

    /// The symbolic inputs (`outputs` false) or outputs of the layer's `index`-th symbolic call
    /// (Keras `get_input_at(index)` / `get_output_at(index)`; `layer.input` / `layer.output` are
    /// index 0).
    ///
    /// - Throws: `.invalidArgument` when the layer has no such call; `.runtime` when the tensors
    ///   no longer exist (no model and no caller kept them).
    public func symbolicCallTensors(_ index: Int, outputs: Bool) throws -> [KerasTensor] {
        let what = outputs ? "output" : "input"
        let record = try symbolicCallRecord(index, what)
        let refs = outputs ? record.outputs : record.inputs
        var tensors: [KerasTensor] = []
        for r in refs {
            guard let t = r.tensor else {
                throw SwiftKerasError(.runtime, "Layer \(name): the symbolic \(what) tensors of node \(index) no longer exist (no model holds that call)")
            }
            tensors.append(t)
        }
        return tensors
    }

    /// The shapes (batch dimension included, -1 unknown) of the symbolic inputs or outputs of the
    /// layer's `index`-th symbolic call (Keras `get_input_shape_at` / `get_output_shape_at`).
    public func symbolicCallShapes(_ index: Int, outputs: Bool) throws -> [[Int]] {
        let record = try symbolicCallRecord(index, outputs ? "output shape" : "input shape")
        return outputs ? record.outputShapes : record.inputShapes
    }
}

extension Model {
    /// The model's symbolic inputs and outputs as tf.keras 2 has them (`model.inputs`,
    /// `model.outputs`): a functional model's own; a Sequential model's once its input shape is
    /// known — its layers called once on a new `Input` (named after an `InputLayer` added first),
    /// made again when the layers change; none for a subclassed model or a Sequential model
    /// whose input shape is not known yet.
    public func symbolicInputsAndOutputs() throws -> (inputs: [KerasTensor], outputs: [KerasTensor]) {
        guard let seq = self as? Sequential else { return (inputs, symbolicOutputs) }
        guard let batchShape = seq.inputShape, !seq.layers.isEmpty else { return ([], []) }
        let ids = seq.layers.map { ObjectIdentifier($0) }
        if let cache = seq.symbolicGraphCache, cache.layers == ids { return (cache.inputs, cache.outputs) }
        let input = try Input(shape: Array(batchShape.dropFirst()), batchSize: batchShape[0] < 0 ? nil : batchShape[0])
        var t = input
        for layer in seq.layers { t = try layer(t) }
        seq.symbolicGraphCache = (ids, [input], [t])
        return ([input], [t])
    }
}
