// Recurrent cells and the generic recurrent layer of tf.keras 2 (keras/layers/rnn/base_rnn.py,
// simple_rnn.py, lstm.py, gru.py, stacked_rnn_cells.py): `SimpleRNNCell`, `LSTMCell`, `GRUCell`,
// `StackedRNNCells`, cells defined by clients (C callbacks, Python `Layer` subclasses with a
// `state_size`), and `RNN(cell)`. An `RNN` over a built-in cell runs the cell's recurrent layer
// (the fused sequence kernel where it applies) on the cell's own weights, so `RNN(LSTMCell(n))`
// computes what `LSTM(n)` does with the same weights; over any other cell it steps the sequence
// through the core `rnn`, calling the cell once per step under the active tape.

/// A recurrent cell (tf.keras 2's RNN cell protocol): one step `(input, states) → (output,
/// newStates)` with `stateSizes` states of shape `(batch, size)` and an output `(batch,
/// outputSize)`. Called as a layer, its inputs are the step input followed by the states and its
/// outputs the step output followed by the new states (Keras `cell(x_t, states)`). `build` gets
/// the step input's shape `(batch, features)`.
open class RecurrentCellLayer: Layer {
    /// The size of each state (Keras `state_size`, flattened).
    open var stateSizes: [Int] { [] }
    /// The size of the output (Keras `output_size`; the first state's size by default).
    open var outputSize: Int { stateSizes.first ?? 0 }

    /// One step on `input` `(batch, features)` with `states`: the output and the new states.
    open func step(_ input: Tensor, states: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        throw SwiftKerasError(.unimplemented, "\(className) '\(name)': step is implemented by the subclasses")
    }

    /// One step given the RNN's constants too (Keras `call(inputs, states, constants)`); cells
    /// that take constants override this, the others refuse them.
    open func step(_ input: Tensor, states: [Tensor], constants: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        if !constants.isEmpty {
            throw SwiftKerasError(.unimplemented, "\(className) '\(name)': the cell does not take constants (RNN(cell)(x, constants=...) needs a custom cell whose call takes `constants`)")
        }
        return try step(input, states: states, training: training)
    }

    /// Called by `RNN` before the first step of each sequence (a built-in cell forgets its
    /// dropout masks: one mask per sequence, as Keras' `reset_dropout_mask`).
    open func startSequence() {}

    /// Checks that `states` match `stateSizes` for a batch of `batch`.
    public func checkStates(_ states: [Tensor], batch: Int) throws {
        let sizes = stateSizes
        if states.count != sizes.count || zip(states, sizes).contains(where: { $0.shape != [batch, $1] }) {
            throw SwiftKerasError.invalid("\(className) '\(name)': expected \(sizes.count) state(s) of shape(s) \(sizes.map { formatShape([batch, $0]) }.joined(separator: ", ")), got \(states.map { formatShape($0.shape) }.joined(separator: ", "))")
        }
    }

    /// The direct call `cell(x_t, states)`: `[x_t] + states` → `[output] + newStates`.
    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        guard let x = inputs.first, x.rank == 2 else {
            throw SwiftKerasError.invalid("\(className) '\(name)': expected a step input of shape (batch, features) followed by the states, got \(inputs.map { formatShape($0.shape) }.joined(separator: ", "))")
        }
        let states = Array(inputs.dropFirst())
        try checkStates(states, batch: x.shape[0])
        startSequence()
        let (out, new) = try step(x, states: states, training: training)
        return [out] + new
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callOutputs(inputs, training: training)[0]
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        let b = inputShapes.first?.first ?? -1
        return [[b, outputSize]] + stateSizes.map { [b, $0] }
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try computeOutputShapes(inputShapes)[0]
    }
}

/// The keys of a recurrent layer's config that belong to the layer, not to its cell.
private let sequenceKeys = ["return_sequences", "return_state", "go_backwards", "stateful", "time_major", "unroll"]

/// A built-in cell (`SimpleRNNCell`, `LSTMCell`, `GRUCell`): its weights (`kernel`,
/// `recurrent_kernel`, `bias`, with tf.keras 2's shapes and initial values) and its arithmetic are
/// those of the recurrent layer of the same kind, which the cell holds (`layer`).
public class BuiltinRecurrentCell: RecurrentCellLayer {
    /// The recurrent layer whose weights and step the cell uses.
    public let layer: RecurrentLayer
    private var masks: (input: [Tensor]?, recurrent: [Tensor]?)?

    /// The recurrent layer class whose arithmetic the cell class uses (overridden by each cell).
    class var layerClass: RecurrentLayer.Type { LSTM.self }

    /// Builds the cell from its config ("units" required; the keys of its recurrent layer
    /// without the sequence options).
    public required init(config: ConfigValue) throws {
        let cellClass = String(describing: Self.self)
        var o = try ConfigReader.dictionary(config, orThrow: .invalid("\(cellClass).from_config: the config must be a dictionary, got \(config.json)"))
        let unknown = sequenceKeys.filter { o[$0] != nil }
        if !unknown.isEmpty {
            throw SwiftKerasError.invalid("\(cellClass).from_config: unrecognized config key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if o["name"] == nil || o["name"] == .null { o["name"] = .string(Layer.autoName(cellClass)) }
        o["return_state"] = .bool(true)
        layer = try Self.layerClass.init(config: .object(o))
        super.init(name: layer.name, dtype: layer.dtypePolicy, trainable: layer.trainable)
        track(layer)
    }

    /// Creates a cell of `units` units with Keras' defaults.
    public convenience init(units: Int, name: String? = nil) throws {
        try self.init(config: .object(["units": .int(units), "name": name.map { .string($0) } ?? .null]))
    }

    /// The number of units (the size of each state).
    public var units: Int { layer.units }
    public override var stateSizes: [Int] { [Int](repeating: layer.units, count: layer.stateCount) }
    /// The input kernel, once built.
    public var kernel: Variable? { layer.kernel }
    /// The recurrent kernel, once built.
    public var recurrentKernel: Variable? { layer.recurrentKernel }
    /// The bias, once built (nil without `useBias`).
    public var bias: Variable? { layer.bias }

    public override func build(inputShapes: [[Int]]) throws {
        let s = inputShapes[0]
        if s.count != 2 {
            throw SwiftKerasError.invalid("\(className) '\(name)': expected a step input of shape (batch, features), got \(formatShape(s))")
        }
        try layer.buildIfNeeded([[s[0], 1, s[1]]])
    }

    public override func startSequence() { masks = nil }

    public override func step(_ input: Tensor, states: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        let l = layer
        guard let kernel = l.kernel, let recurrentKernel = l.recurrentKernel else {
            throw SwiftKerasError(.runtime, "\(className) '\(name)': called before build")
        }
        if input.rank != 2 {
            throw SwiftKerasError.invalid("\(className) '\(name)': expected a step input of shape (batch, features), got \(formatShape(input.shape))")
        }
        try checkLastDimension(input, kernel.shape[0])
        let (b, f) = (input.shape[0], input.shape[1])
        if masks == nil {
            let a = l.arguments
            masks = (try l.dropoutMasks(a.dropout, count: a.implementation == 1 ? l.gates : 1, b, f, input.dtype, training: training),
                     try l.dropoutMasks(a.recurrentDropout, count: l.gates, b, l.units, input.dtype, training: training))
        }
        let k = try l.read(kernel), rk = try l.read(recurrentKernel)
        let (ib, rb) = try l.splitBias(try l.bias.map { try l.read($0) })
        let xp = try l.projectInputs(input.reshaped(to: [b, 1, f]), k, ib, masks: masks?.input).reshaped(to: [b, l.gates * l.units])
        return try l.step(xp, states, rk, rb, recurrentMasks: masks?.recurrent)
    }

    /// The cell's config: its layer's, without the keys of a sequence layer (tf.keras 2's cell keys).
    public override func getConfig() throws -> ConfigValue {
        var c = try layer.getConfig().objectValue
        for k in sequenceKeys { c[k] = nil }
        c["name"] = .string(name)
        c["trainable"] = .bool(trainable)
        return .object(c)
    }
}

/// `h' = activation(x·W + h·U + b)` for one step (tf.keras 2 `SimpleRNNCell`; `SimpleRNN`'s config keys
/// without the sequence options).
public final class SimpleRNNCell: BuiltinRecurrentCell, KerasSerializable {
    /// "SimpleRNNCell".
    public static var className: String { "SimpleRNNCell" }
    override class var layerClass: RecurrentLayer.Type { SimpleRNN.self }
}

/// One LSTM step (tf.keras 2 `LSTMCell`; `LSTM`'s gates, weights and config keys without the
/// sequence options). States `[h, c]`.
public final class LSTMCell: BuiltinRecurrentCell, KerasSerializable {
    /// "LSTMCell".
    public static var className: String { "LSTMCell" }
    override class var layerClass: RecurrentLayer.Type { LSTM.self }
}

/// One GRU step (tf.keras 2 `GRUCell`; `GRU`'s gates, weights, `reset_after` and config keys
/// without the sequence options).
public final class GRUCell: BuiltinRecurrentCell, KerasSerializable {
    /// "GRUCell".
    public static var className: String { "GRUCell" }
    override class var layerClass: RecurrentLayer.Type { GRU.self }
}

/// The cell of `layer` for `owner`'s errors: it must be a `RecurrentCellLayer`.
func recurrentCell(_ layer: Layer, owner: String) throws -> RecurrentCellLayer {
    guard let c = layer as? RecurrentCellLayer else {
        throw SwiftKerasError.invalid("\(owner): layer '\(layer.name)' of class \(layer.className) is not a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells or a custom cell with a state size)")
    }
    return c
}

/// Cells run one after the other in each step (tf.keras 2 `StackedRNNCells`): each cell's output
/// is the next one's input; the states are every cell's states in order; the output is the last
/// cell's.
public final class StackedRNNCells: RecurrentCellLayer, ConfigurableLayer {
    /// The cells, first to last.
    public let cells: [RecurrentCellLayer]

    /// Stacks `cells` (at least one; each a recurrent cell).
    public init(cells: [Layer], name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if cells.isEmpty { throw SwiftKerasError.invalid("StackedRNNCells: at least one cell is required") }
        self.cells = try cells.map { try recurrentCell($0, owner: "StackedRNNCells") }
        super.init(name: name, dtype: dtype)
        for c in self.cells { track(c) }
    }

    /// "StackedRNNCells".
    public static var className: String { "StackedRNNCells" }

    /// Stacks `cells` with the base keys of `config` ("name", "dtype", ...).
    public convenience init(cells: [Layer], config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        try self.init(cells: cells, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard case .array(let list)? = r.raw("cells"), !list.isEmpty else {
            throw SwiftKerasError.invalid("StackedRNNCells.from_config: 'cells' must be a non-empty list of serialized cells")
        }
        try self.init(cells: list.map { try wrappedLayer($0, key: "cells", owner: "StackedRNNCells") }, name: base.name, dtype: base.dtype)
    }

    /// The config: the base keys and "cells" (each cell serialized).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["cells": .array(cells.map { try serializedLayer($0) })])
    }

    public override var stateSizes: [Int] { cells.flatMap { $0.stateSizes } }
    public override var outputSize: Int { cells[cells.count - 1].outputSize }

    public override func build(inputShapes: [[Int]]) throws {
        var s = inputShapes[0]
        for c in cells {
            try c.buildIfNeeded([s])
            s = [s.first ?? -1, c.outputSize]
        }
    }

    public override func startSequence() { for c in cells { c.startSequence() } }

    public override func step(_ input: Tensor, states: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        var x = input, new: [Tensor] = [], i = 0
        for c in cells {
            let n = c.stateSizes.count
            let (o, s) = try c.step(x, states: Array(states[i..<(i + n)]), training: training)
            x = o
            new += s
            i += n
        }
        return (x, new)
    }
}

/// A recurrent layer over any cell (tf.keras 2 `RNN(cell, return_sequences, return_state,
/// go_backwards, stateful, unroll, time_major, zero_output_for_mask)`): inputs `(batch, steps,
/// features)` (`(steps, batch, features)` with `timeMajor`), initial states as extra inputs,
/// the input's mask honoured (masked steps keep the states and repeat the previous output, or
/// output zeros with `zeroOutputForMask`). Over a built-in cell it runs that cell's recurrent
/// layer on the cell's weights (the fused kernel where it applies); over other cells it steps the
/// sequence with the core `rnn`. `unroll` is accepted and changes nothing in the results.
public final class RNN: Layer, ConfigurableLayer {
    /// The cell.
    public let cell: RecurrentCellLayer
    /// Whether the layer returns the output of every step.
    public let returnSequences: Bool
    /// Whether the layer also returns its final states.
    public let returnState: Bool
    /// Whether the sequence is processed from its last step to its first.
    public let goBackwards: Bool
    /// Whether the final states of a call are the initial states of the next.
    public let stateful: Bool
    /// Accepted as Keras does; the loop is the same either way.
    public let unroll: Bool
    /// Whether inputs (and sequence outputs) are `(steps, batch, ...)`.
    public let timeMajor: Bool
    /// Whether masked steps output zeros instead of the previous output (Bidirectional sets it).
    public private(set) var zeroOutputForMask: Bool {
        didSet { sequenceLayer?.zeroOutputForMask = zeroOutputForMask }
    }

    /// Sets `zeroOutputForMask` (Bidirectional does, with its `return_sequences`).
    public func setZeroOutputForMask(_ on: Bool) { zeroOutputForMask = on }
    /// How many of the call's last inputs are constants (Keras `constants=`, config
    /// "num_constants"): given to every step of the cell.
    public private(set) var numConstants = 0
    /// The recurrent layer run over a built-in cell's weights (nil for other cells).
    private let sequenceLayer: RecurrentLayer?
    private var carried: [Tensor]?

    /// Creates the layer over `cell` (a recurrent cell).
    public init(cell: Layer, returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                stateful: Bool = false, unroll: Bool = false, timeMajor: Bool = false, zeroOutputForMask: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let c = try recurrentCell(cell, owner: "RNN")
        self.cell = c
        (self.returnSequences, self.returnState, self.goBackwards) = (returnSequences, returnState, goBackwards)
        (self.stateful, self.unroll, self.timeMajor, self.zeroOutputForMask) = (stateful, unroll, timeMajor, zeroOutputForMask)
        let layerName = name ?? Layer.autoName("RNN")
        if let b = c as? BuiltinRecurrentCell {
            // the sequence layer computes on the cell's weights (constraints stay the cell's,
            // which may have no config: a Python callable)
            let constraints = b.layer.keyedConstraints
            b.layer.keyedConstraints = [:]
            defer { b.layer.keyedConstraints = constraints }
            var o = try b.layer.getConfig().objectValue
            o["name"] = .string(layerName)
            for (k, v) in [("return_sequences", returnSequences), ("return_state", returnState), ("go_backwards", goBackwards),
                           ("stateful", stateful), ("unroll", unroll), ("time_major", timeMajor)] { o[k] = .bool(v) }
            let l = try type(of: b.layer).init(config: .object(o))
            l.zeroOutputForMask = zeroOutputForMask
            if !b.built { b.layer.weightNamePrefix = "\(layerName)/\(b.name)" }
            sequenceLayer = l
        } else {
            sequenceLayer = nil
        }
        super.init(name: layerName, dtype: dtype, trainable: trainable, inputShape: inputShape)
        track(c)
    }

    /// "RNN".
    public static var className: String { "RNN" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let c = r.raw("cell") else { throw SwiftKerasError.invalid("RNN.from_config: 'cell' is required") }
        let cell: Layer
        if case .array(let list) = c {   // a list of cells: Keras stacks them
            cell = try StackedRNNCells(cells: list.map { try wrappedLayer($0, key: "cell", owner: "RNN") })
        } else {
            cell = try wrappedLayer(c, key: "cell", owner: "RNN")
        }
        try self.init(cell: cell, reading: &r, base: base)
    }

    /// Creates the layer over `cell` with the options and base keys of `config` (Keras' `RNN`
    /// keywords besides the cell; unknown keys are errors).
    public convenience init(cell: Layer, config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        try self.init(cell: cell, reading: &r, base: base)
        try base.finish(r, self)
    }

    private convenience init(cell: Layer, reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(cell: cell, returnSequences: r.bool("return_sequences", false), returnState: r.bool("return_state", false),
                      goBackwards: r.bool("go_backwards", false), stateful: r.bool("stateful", false),
                      unroll: r.bool("unroll", false), timeMajor: r.bool("time_major", false),
                      zeroOutputForMask: r.bool("zero_output_for_mask", false), name: base.name, dtype: base.dtype)
        try setConstants(try r.int("num_constants") ?? 0)
    }

    /// Sets the number of constants (the call argument "num_constants", the config key).
    private func setConstants(_ n: Int) throws {
        if n < 0 { throw invalid("num_constants must be >= 0, got \(n)") }
        if n > 0 && sequenceLayer != nil {
            throw SwiftKerasError(.unimplemented, "RNN '\(name)': the built-in cell '\(cell.name)' does not take constants (a custom cell whose call takes `constants` does)")
        }
        if numConstants != 0 && n != numConstants {
            throw invalid("called with \(n) constant(s), but the layer takes \(numConstants)")
        }
        numConstants = n
    }

    /// The call argument "num_constants" (Keras `RNN.__call__(constants=...)`); others are refused.
    private func readConstants(_ arguments: [String: ConfigValue]) throws {
        var a = arguments
        if let v = a.removeValue(forKey: "num_constants") {
            guard case .int(let n) = v else { throw invalid("num_constants must be an integer, got \(v.json)") }
            try setConstants(n)
        }
        try refuseCallArguments(a)
    }

    public override func callOutputs(_ inputs: [Tensor], arguments: [String: ConfigValue], training: Bool) throws -> [Tensor] {
        try readConstants(arguments)
        return try callOutputs(inputs, training: training)
    }

    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                             training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try readConstants(arguments)
        return try callOutputsAndMasks(inputs, masks: masks, training: training)
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]], arguments: [String: ConfigValue]) throws -> [[Int]] {
        try readConstants(arguments)
        return try computeOutputShapes(inputShapes)
    }

    public override func build(inputShapes: [[Int]], arguments: [String: ConfigValue]) throws {
        try readConstants(arguments)
        try build(inputShapes: inputShapes)
    }

    /// The config: the base keys, the options and "cell" (serialized); "zero_output_for_mask"
    /// when set (as tf.keras 2).
    public override func getConfig() throws -> ConfigValue {
        var own: [String: ConfigValue] = [
            "cell": try serializedLayer(cell), "return_sequences": .bool(returnSequences), "return_state": .bool(returnState),
            "go_backwards": .bool(goBackwards), "stateful": .bool(stateful), "unroll": .bool(unroll), "time_major": .bool(timeMajor),
        ]
        if zeroOutputForMask { own["zero_output_for_mask"] = .bool(true) }
        if numConstants > 0 { own["num_constants"] = .int(numConstants) }
        return try layerConfig(own)
    }

    /// The states a stateful layer carries to its next call (nil before the first call).
    public var states: [Tensor]? { sequenceLayer.map { $0.states } ?? carried }

    private func invalid(_ what: String) -> SwiftKerasError { SwiftKerasError.invalid("RNN '\(name)': \(what)") }

    private func batchMajor(_ s: [Int]) throws -> [Int] {
        if s.count != 3 {
            throw invalid("expected an input of shape (\(timeMajor ? "steps, batch" : "batch, steps"), features), got \(formatShape(s))")
        }
        return timeMajor ? [s[1], s[0], s[2]] : s
    }

    public override func build(inputShapes: [[Int]]) throws {
        let s = try batchMajor(inputShapes[0])
        try cell.buildIfNeeded([[s[0], s[2]]] + inputShapes.suffix(numConstants))
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, masks: [], training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        if let l = sequenceLayer, let b = cell as? BuiltinRecurrentCell {
            (l.kernel, l.recurrentKernel, l.bias) = (b.kernel, b.recurrentKernel, b.bias)
            return try l.callOutputs(inputs, masks: masks, training: training)
        }
        var x = inputs[0]
        _ = try batchMajor(x.shape)
        var mask = masks.first ?? nil
        if let m = mask, m.shape != Array(x.shape.prefix(2)) {
            throw invalid("a mask of shape \(formatShape(m.shape)) does not match the input \(formatShape(x.shape)) (expected its first two dimensions)")
        }
        if timeMajor {
            x = try x.transposed([1, 0, 2])
            mask = try mask.map { try $0.transposed([1, 0]) }
        }
        let b = x.shape[0]
        if inputs.count < 1 + numConstants { throw invalid("expected \(numConstants) constant(s) after the input and states, got \(inputs.count - 1) extra input(s)") }
        let constants = Array(inputs.suffix(numConstants))
        var initial = Array(inputs.dropFirst().dropLast(numConstants))
        if !initial.isEmpty {
            try cell.checkStates(initial, batch: b)
        } else if stateful, let carried {
            if carried.first?.shape.first != b {
                throw invalid("a stateful layer keeps states for batch size \(carried.first?.shape.first ?? 0) but was called with a batch of \(b); call resetStates() to change it")
            }
            initial = try carried.map { try $0.cast(to: x.dtype) }
        } else {
            initial = try cell.stateSizes.map { try Tensor.zeros([b, $0], dtype: x.dtype) }
        }
        let sizes = cell.stateSizes, outSize = cell.outputSize
        cell.startSequence()
        let r = try rnn({ xt, states in
            let (o, s) = try self.cell.step(xt, states: states, constants: constants, training: training)
            if o.shape != [b, outSize] || s.count != sizes.count || zip(s, sizes).contains(where: { $0.shape != [b, $1] }) {
                throw self.invalid("the cell '\(self.cell.name)' returned an output of shape \(formatShape(o.shape)) and states of shapes \(s.map { formatShape($0.shape) }.joined(separator: ", ")); expected \(formatShape([b, outSize])) and \(sizes.map { formatShape([b, $0]) }.joined(separator: ", "))")
            }
            return (o, s)
        }, inputs: x, initialStates: initial, goBackwards: goBackwards, mask: mask)
        var sequence = r.outputs
        if let mask, zeroOutputForMask && returnSequences {
            let kept = try MaskRules.seenSteps(mask, goBackwards: goBackwards, dtype: sequence.dtype, keptOnly: true)
            sequence = try sequence * kept.reshaped(to: kept.shape + [1])
        }
        if stateful { carried = withoutRecording { r.states.map { $0.stoppingGradient() } } }
        var out = returnSequences ? sequence : r.lastOutput
        if returnSequences && timeMajor { out = try out.transposed([1, 0, 2]) }
        return returnState ? [out] + r.states : [out]
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callOutputs(inputs, training: training)[0]
    }

    /// The output's mask: the input's with `returnSequences`, none otherwise; states have none.
    public override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        let m = returnSequences ? (masks.first ?? nil) : nil
        return [m] + [Tensor?](repeating: nil, count: returnState ? cell.stateSizes.count : 0)
    }

    /// The number of states (Bidirectional's split of initial and final states).
    public var stateCount: Int { cell.stateSizes.count }

    /// Forgets a stateful layer's states (zeros at the next call) or sets them to `values`.
    public override func resetStates(_ values: [Tensor]? = nil) throws {
        if let l = sequenceLayer { return try l.resetStates(values) }
        guard let values else {
            carried = try carried.map { s in try s.map { try Tensor.zeros(like: $0) } }
            return
        }
        if !stateful { throw invalid("reset_states with values: the layer is not stateful") }
        try cell.checkStates(values, batch: values.first?.shape.first ?? -1)
        carried = values
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        if let l = sequenceLayer { return try l.computeOutputShapes(inputShapes) }
        let s = try batchMajor(inputShapes[0])
        var out = returnSequences ? [s[0], s[1], cell.outputSize] : [s[0], cell.outputSize]
        if returnSequences && timeMajor { out = [out[1], out[0], out[2]] }
        return [out] + (returnState ? cell.stateSizes.map { [s[0], $0] } : [])
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try computeOutputShapes(inputShapes)[0]
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }
}
