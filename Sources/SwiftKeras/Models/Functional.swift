// The functional API (Keras 3 keras/src/models/functional.py, ops/node.py): `Input(shape:)` returns
// a symbolic KerasTensor; calling a layer on symbolic tensors records a Node (the layer, its input
// tensors, its output tensors) and computes output shapes without running on data;
// `Model(inputs:outputs:)` walks the nodes back from the outputs, sorts them topologically and
// runs them in that order when the model is called.

import Synchronization

/// A symbolic tensor: a shape and dtype standing for the value a layer will produce (Keras 3
/// `KerasTensor`). Made by `Input(shape:)` and by calling layers on symbolic tensors; used to
/// build functional models with `Model(inputs:outputs:)`.
public final class KerasTensor: CustomStringConvertible {
    /// The shape with the batch dimension; -1 marks an unknown dimension (Keras' `None`).
    public let shape: [Int]
    /// The dtype the value will have.
    public let dtype: DType
    /// The node that produces this tensor.
    let node: Node
    /// Which output of `node` this is.
    let outputIndex: Int
    let id: Int

    private static let nextID = Atomic<Int>(1)

    init(shape: [Int], dtype: DType, node: Node, outputIndex: Int) {
        self.shape = shape
        self.dtype = dtype
        self.node = node
        self.outputIndex = outputIndex
        id = KerasTensor.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// The layer whose call produced this tensor (an `InputLayer` for model inputs).
    public var layer: Layer { node.layer }

    public var description: String {
        "<KerasTensor shape=\(formatSymbolicShape(shape)), dtype=\(dtype), source=\(node.layer.name)>"
    }
}

/// One call of a layer on symbolic tensors (Keras `Node`).
final class Node {
    let layer: Layer
    let inputs: [KerasTensor]
    /// The call arguments besides the inputs (see `Layer.callOutputs(_:arguments:training:)`).
    var arguments: [String: ConfigValue] = [:]
    /// The ids and shapes of the tensors this node produced. Not the tensors themselves: a
    /// KerasTensor holds its node strongly, so node → tensor references would form a cycle and
    /// every symbolic call would leak.
    var outputIDs: [Int] = []
    var outputShapes: [[Int]] = []
    /// The position of this node among the layer's calls (`layer[nodeIndex]` in summaries).
    let nodeIndex: Int

    init(layer: Layer, inputs: [KerasTensor], nodeIndex: Int) {
        self.layer = layer
        self.inputs = inputs
        self.nodeIndex = nodeIndex
    }
}

/// How many symbolic calls each layer has had (keyed by object identity); gives node indices.
/// The index of the layer's next symbolic call. Kept on the layer itself (a global table keyed
/// by object identity would hand a new layer at a reused address a stale count).
private func nextNodeIndex(_ layer: Layer) -> Int {
    layer.symbolicCalls.withLock { n in
        defer { n += 1 }
        return n
    }
}

/// Formats a shape with -1 shown as `None`, as Keras prints symbolic shapes: "(None, 64)".
public func formatSymbolicShape(_ shape: [Int]) -> String {
    let parts = shape.map { $0 < 0 ? "None" : String($0) }
    if parts.count == 1 { return "(\(parts[0]),)" }
    return "(" + parts.joined(separator: ", ") + ")"
}

/// A symbolic model input of `shape` (batch dimension excluded; -1 for unknown dimensions),
/// made by a new `InputLayer` (Keras 3 `keras.Input(shape, batch_size, dtype, name)`).
public func Input(shape: [Int], batchSize: Int? = nil, dtype: DType = .float32, name: String? = nil) throws -> KerasTensor {
    let layer = try InputLayer(shape: shape, batchSize: batchSize, name: name ?? Layer.autoName("input", zeroBased: false))   // tf.keras 2: input_1, input_2, ...
    let batchShape = layer.batchInputShape ?? ([-1] + shape)
    try layer.buildIfNeeded([batchShape])
    let node = Node(layer: layer, inputs: [], nodeIndex: nextNodeIndex(layer))
    let t = KerasTensor(shape: batchShape, dtype: dtype, node: node, outputIndex: 0)
    node.outputIDs = [t.id]
    node.outputShapes = [t.shape]
    layer.recordSymbolicCall(inputs: [], outputs: [t])
    return t
}

extension Layer {
    /// Calls the layer on a symbolic tensor: builds the layer for its shape, records the call
    /// and returns the symbolic output (Keras `layer(keras_tensor)`).
    public func callAsFunction(_ input: KerasTensor) throws -> KerasTensor {
        try symbolicCall([input])
    }

    /// Calls the layer on several symbolic tensors (merge layers such as `Add`, `Concatenate`).
    public func callAsFunction(_ inputs: [KerasTensor]) throws -> KerasTensor {
        try symbolicCall(inputs)
    }

    /// Calls the layer on symbolic tensors and returns all its symbolic outputs (an RNN with
    /// `returnState`: `[output] + states`), each usable as a model output or another layer's
    /// input (Keras `out, h, c = LSTM(..., return_state=True)(x)`).
    public func outputs(_ inputs: [KerasTensor]) throws -> [KerasTensor] {
        try symbolicOutputs(inputs)
    }

    /// Calls the layer on symbolic tensors with call arguments besides the inputs (see
    /// `callOutputs(_:arguments:training:)`); the node keeps them for every run of the model.
    public func outputs(_ inputs: [KerasTensor], arguments: [String: ConfigValue]) throws -> [KerasTensor] {
        try symbolicOutputs(inputs, arguments: arguments)
    }

    private func symbolicCall(_ inputs: [KerasTensor]) throws -> KerasTensor {
        try symbolicOutputs(inputs)[0]
    }

    private func symbolicOutputs(_ inputs: [KerasTensor], arguments: [String: ConfigValue] = [:]) throws -> [KerasTensor] {
        if inputs.isEmpty {
            throw SwiftKerasError.invalid("Layer '\(name)' was called with no inputs")
        }
        let shapes = inputs.map(\.shape)
        if let expected = batchInputShape, inputs.count == 1, !(self is InputLayer) {
            let s = shapes[0]
            let ok = s.count == expected.count && zip(s, expected).allSatisfy { $0 == -1 || $1 == -1 || $0 == $1 }
            if !ok {
                throw SwiftKerasError.invalid("Layer '\(name)': input of shape \(formatSymbolicShape(s)) is incompatible with the expected shape \(formatSymbolicShape(expected))")
            }
        }
        try buildIfNeeded(shapes, arguments: arguments)
        let outShapes = arguments.isEmpty ? try computeOutputShapes(shapes)
            : try computeOutputShapes(shapes, arguments: arguments)
        let inDType = inputs[0].dtype
        // Floating inputs are autocast to the compute dtype; other inputs keep their dtype
        // through layers without weights (Flatten, Reshape, ...), while a layer computing with
        // floating weights (Embedding, Dense, ...) produces its compute dtype, as in tf.keras 2.
        let floatWeights = weights.contains { $0.dtype.isFloatingPoint }
        let outDType = (autocast && inDType.isFloatingPoint) || floatWeights ? computeDType : inDType
        let node = Node(layer: self, inputs: inputs, nodeIndex: nextNodeIndex(self))
        node.arguments = arguments
        let ts = outShapes.enumerated().map { i, s in KerasTensor(shape: s, dtype: outDType, node: node, outputIndex: i) }
        node.outputIDs = ts.map(\.id)
        node.outputShapes = outShapes
        recordSymbolicCall(inputs: inputs, outputs: ts)
        return ts
    }
}

/// The graph of a functional model: its inputs, outputs and the nodes between them in
/// execution order.
final class FunctionalGraph {
    let inputs: [KerasTensor]
    let outputs: [KerasTensor]
    /// The keys of a model made with a dict of inputs / outputs, in input / output order (nil: a list).
    var inputKeys: [String]?
    var outputKeys: [String]?
    /// Nodes in topological order (input nodes first).
    let nodes: [Node]
    /// The distinct layers (input layers included) in Keras' order (`kerasLayerOrder`).
    let layers: [Layer]
    /// Each node's depth (Keras `_nodes_by_depth`): the outputs' nodes at 0.
    let nodeDepth: [ObjectIdentifier: Int]

    init(inputs: [KerasTensor], outputs: [KerasTensor]) throws {
        if inputs.isEmpty || outputs.isEmpty {
            throw SwiftKerasError.invalid("Model: a functional model needs at least one input and one output (got \(inputs.count) inputs, \(outputs.count) outputs)")
        }
        for (i, t) in inputs.enumerated() where !(t.node.layer is InputLayer) {
            throw SwiftKerasError.invalid("Model: inputs[\(i)] must come from Input(shape:), but it is the output of layer '\(t.node.layer.name)'")
        }
        var seenInputs = Set<Int>()
        for t in inputs where !seenInputs.insert(t.id).inserted {
            throw SwiftKerasError.invalid("Model: the input tensor from '\(t.node.layer.name)' is passed more than once in `inputs`")
        }
        // Depth-first post-order from the outputs: every node after the nodes it reads.
        var order: [Node] = []
        var state: [ObjectIdentifier: Int] = [:]   // 1 visiting, 2 done
        let inputIDs = Set(inputs.map(\.id))
        func visit(_ n: Node) throws {
            let k = ObjectIdentifier(n)
            if state[k] == 2 { return }
            if state[k] == 1 {
                throw SwiftKerasError.invalid("Model: the graph has a cycle through layer '\(n.layer.name)'")
            }
            state[k] = 1
            if n.inputs.isEmpty {
                if !n.outputIDs.contains(where: { inputIDs.contains($0) }) {
                    throw SwiftKerasError.invalid("Model: graph disconnected: the output depends on input '\(n.layer.name)', which is not in `inputs`")
                }
            }
            for t in n.inputs { try visit(t.node) }
            state[k] = 2
            order.append(n)
        }
        for t in outputs { try visit(t.node) }
        // Inputs that nothing uses still run (they validate the shape).
        for t in inputs where state[ObjectIdentifier(t.node)] != 2 {
            state[ObjectIdentifier(t.node)] = 2
            order.insert(t.node, at: 0)
        }
        // Input nodes first, in the order of `inputs`, then the rest.
        let inputNodes = inputs.map(\.node)
        let rest = order.filter { n in !inputNodes.contains { $0 === n } }
        nodes = inputNodes + rest
        (layers, nodeDepth) = FunctionalGraph.kerasLayerOrder(inputs: inputs, outputs: outputs)
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The layers in Keras' order (tf.keras 2 and Keras 3 `_map_graph_network`): by decreasing
    /// depth of their nodes (the outputs' nodes at depth 0, each node one deeper than the
    /// deepest node reading it), layers of one depth in the order a depth-first walk from the
    /// outputs (inputs of a node in order) first meets them; unused inputs last at depth 0.
    /// The graph has no cycle (the caller checked). Also returns each node's depth.
    static func kerasLayerOrder(inputs: [KerasTensor], outputs: [KerasTensor]) -> (layers: [Layer], nodeDepth: [ObjectIdentifier: Int]) {
        var firstSeen: [ObjectIdentifier: Int] = [:]
        var seenLayers: [Layer] = []
        var finished = Set<ObjectIdentifier>()
        var decreasingDepth: [Node] = []
        func walk(_ node: Node) {
            if finished.contains(ObjectIdentifier(node)) { return }
            if firstSeen[ObjectIdentifier(node.layer)] == nil {
                firstSeen[ObjectIdentifier(node.layer)] = firstSeen.count
                seenLayers.append(node.layer)
            }
            for t in node.inputs { walk(t.node) }
            finished.insert(ObjectIdentifier(node))
            decreasingDepth.append(node)
        }
        for t in outputs { walk(t.node) }
        var nodeDepth: [ObjectIdentifier: Int] = [:]
        var layerDepth: [ObjectIdentifier: Int] = [:]
        for node in decreasingDepth.reversed() {
            let depth = Swift.max(nodeDepth[ObjectIdentifier(node)] ?? 0, layerDepth[ObjectIdentifier(node.layer)] ?? 0)
            layerDepth[ObjectIdentifier(node.layer)] = depth
            nodeDepth[ObjectIdentifier(node)] = depth
            for t in node.inputs {
                nodeDepth[ObjectIdentifier(t.node)] = Swift.max(depth + 1, nodeDepth[ObjectIdentifier(t.node)] ?? 0)
            }
        }
        for t in inputs where layerDepth[ObjectIdentifier(t.node.layer)] == nil {
            layerDepth[ObjectIdentifier(t.node.layer)] = 0
            firstSeen[ObjectIdentifier(t.node.layer)] = -1
            seenLayers.append(t.node.layer)
        }
        let ordered = seenLayers.enumerated().sorted { a, b in
            let da = layerDepth[ObjectIdentifier(a.element)] ?? 0, db = layerDepth[ObjectIdentifier(b.element)] ?? 0
            if da != db { return da > db }
            let ia = firstSeen[ObjectIdentifier(a.element)] ?? 0, ib = firstSeen[ObjectIdentifier(b.element)] ?? 0
            return ia != ib ? ia < ib : a.offset < b.offset
        }.map(\.element)
        return (ordered, nodeDepth)
    }

    /// Runs the nodes on concrete inputs and returns the outputs' values.
    func run(_ values: [Tensor], training: Bool, modelName: String) throws -> [Tensor] {
        try run(values, masks: [], training: training, modelName: modelName).outputs
    }

    /// Runs the nodes on concrete inputs with their masks (`masks`: one per input or empty) and
    /// returns the outputs' values and masks: each node reads the masks of its input tensors
    /// (Keras' `_keras_mask`).
    func run(_ values: [Tensor], masks: [Tensor?], training: Bool, modelName: String) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        if values.count != inputs.count {
            throw SwiftKerasError.invalid("Model '\(modelName)' expects \(inputs.count) input(s), but it received \(values.count) input tensor(s)")
        }
        var env: [Int: Tensor] = [:]
        var maskEnv: [Int: Tensor] = [:]
        for (i, (t, v)) in zip(inputs, values).enumerated() {
            try checkInputShape(v.shape, t.shape, model: modelName, index: inputs.count > 1 ? i : nil)
            env[t.id] = v
            if i < masks.count, let m = masks[i] { maskEnv[t.id] = m }
        }
        for n in nodes {
            let args: [Tensor]
            if n.inputs.isEmpty {
                guard let id = n.outputIDs.first, let v = env[id] else { continue }
                let (outs, outMasks) = try n.layer.outputsAndMasks([v], masks: [maskEnv[id]], training: training)
                env[id] = outs[0]
                maskEnv[id] = outMasks[0]
                continue
            } else {
                args = try n.inputs.map { t in
                    guard let v = env[t.id] else {
                        throw SwiftKerasError(.runtime, "Model '\(modelName)': no value for an input of layer '\(n.layer.name)'")
                    }
                    return v
                }
            }
            let inMasks = n.inputs.map { maskEnv[$0.id] }
            let (outs, outMasks) = try n.layer.outputsAndMasks(args, masks: inMasks.contains { $0 != nil } ? inMasks : [],
                                                               arguments: n.arguments, training: training)
            for (id, v) in zip(n.outputIDs, outs) { env[id] = v }
            for (id, m) in zip(n.outputIDs, outMasks) { maskEnv[id] = m }
        }
        let values = try outputs.map { t in
            guard let v = env[t.id] else {
                throw SwiftKerasError(.runtime, "Model '\(modelName)': output of layer '\(t.node.layer.name)' was not computed")
            }
            return v
        }
        return (values, outputs.map { maskEnv[$0.id] })
    }

}

extension Model {
    /// A functional model's symbolic outputs (Keras `model.outputs`); empty for Sequential and
    /// subclassed models (`inputs` are the symbolic inputs).
    public var outputTensors: [KerasTensor] { graph?.outputs ?? [] }
}
