// Layer wrappers of tf.keras 2 (keras/layers/rnn/time_distributed.py, bidirectional.py):
// `TimeDistributed` applies a layer to every step; `Bidirectional` runs a recurrent layer forwards
// and backwards and merges the two. Their configs hold the wrapped layer as Keras serializes it,
// `{"class_name": ..., "config": {...}}`, and their weights are the wrapped layers', named in the
// wrapper's scope as Keras names them ("time_distributed/kernel",
// "bidirectional/forward_lstm/kernel").

/// The layer of a wrapper's config key `key` (Keras' serialized form; "module",
/// "registered_name" are accepted, "build_config" `{"input_shape": [...]}` builds the layer).
func wrappedLayer(_ value: ConfigValue, key: String, owner: String) throws -> Layer {
    guard case .object(let o) = value, case .string(let cls)? = o["class_name"] else {
        throw SwiftKerasError.invalid("\(owner): '\(key)' must be a serialized layer {\"class_name\": ..., \"config\": {...}}, got \(value.json)")
    }
    let unknown = o.keys.filter { !["class_name", "config", "module", "registered_name", "build_config"].contains($0) }.sorted()
    if !unknown.isEmpty {
        throw SwiftKerasError.invalid("\(owner): '\(key)': unrecognized key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
    }
    let layer = try layerFromConfig(className: cls, config: o["config"] ?? .object([:]))
    if let build = o["build_config"], build.isNotNull {
        guard case .object(let b) = build, b.keys.allSatisfy({ $0 == "input_shape" }), case .array(let dims)? = b["input_shape"] else {
            throw SwiftKerasError.invalid("\(owner): '\(key)': build_config must be {\"input_shape\": [...]}, got \(build.json)")
        }
        let shape = try dims.map { d -> Int in
            switch d {
            case .null: return -1
            case .int(let i): return i
            default: throw SwiftKerasError.invalid("\(owner): '\(key)': build_config input_shape must hold integers or null, got \(build.json)")
            }
        }
        try layer.buildIfNeeded([shape])
    }
    return layer
}

extension ConfigValue {
    /// Whether the value is anything but JSON null.
    var isNotNull: Bool {
        if case .null = self { return false }
        return true
    }
}

/// Applies `layer` to every step of its input (Keras `TimeDistributed`): `(batch, steps, ...)` is
/// reshaped to `(batch · steps, ...)`, run through the layer and reshaped back. A mask `(batch,
/// steps)` is passed to the layer per step; the output's mask is the layer's (reshaped back), or
/// the input's when the layer makes none.
public final class TimeDistributed: Layer {
    /// The wrapped layer.
    public let layer: Layer

    /// Wraps `layer` (its weights are named in this layer's scope when it is not built yet).
    public init(_ layer: Layer, name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) throws {
        self.layer = layer
        super.init(name: name, dtype: dtype, inputShape: inputShape)
        if !layer.built { layer.weightNamePrefix = self.name }
        track(layer)
    }

    private func innerShape(_ s: [Int]) throws -> [Int] {
        if s.count < 3 {
            throw SwiftKerasError.invalid("TimeDistributed '\(name)': expected an input of rank 3 or more (batch, steps, ...), got \(formatShape(s))")
        }
        if s[0] < 0 || s[1] < 0 { return [-1] + s.dropFirst(2) }
        let (n, o) = s[0].multipliedReportingOverflow(by: s[1])
        if o { throw SwiftKerasError(.outOfMemory, "TimeDistributed '\(name)': input \(formatShape(s)) is too large") }
        return [n] + s.dropFirst(2)
    }

    public override func build(inputShapes: [[Int]]) throws {
        try layer.buildIfNeeded([try innerShape(inputShapes[0])].map { [-1] + $0.dropFirst() })
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputsAndMasks(inputs, masks: [], training: training).outputs
    }

    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        if inputs.count != 1 {
            throw SwiftKerasError.invalid("TimeDistributed '\(name)' expects 1 input, but it received \(inputs.count) input tensors")
        }
        let x = inputs[0]
        let flat = try x.reshaped(to: try innerShape(x.shape))
        let (b, t) = (x.shape[0], x.shape[1])
        let mask = masks.first ?? nil
        let innerMasks = try mask.map { m in [try m.reshaped(to: [flat.shape[0]] + m.shape.dropFirst(2))] } ?? []
        let (outs, outMasks) = try layer.outputsAndMasks([flat], masks: innerMasks, training: training)
        let y = try outs[0].reshaped(to: [b, t] + outs[0].shape.dropFirst())
        let m = try outMasks[0].map { try $0.reshaped(to: [b, t] + $0.shape.dropFirst()) } ?? mask
        return ([y], [m])
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        let inner = try layer.computeOutputShape([[-1] + (try innerShape(inputShape)).dropFirst()])
        return [inputShape[0], inputShape[1]] + inner.dropFirst()
    }

    /// The layer's config: the base keys and "layer" (the wrapped layer, serialized).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["layer": serializedLayer(layer)])
    }
}

extension TimeDistributed: ConfigurableLayer {
    /// "TimeDistributed".
    public static var className: String { "TimeDistributed" }

    /// Builds the layer from its config ("layer" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard let l = r.raw("layer") else { throw SwiftKerasError.invalid("TimeDistributed.from_config: 'layer' is required") }
        try self.init(try wrappedLayer(l, key: "layer", owner: "TimeDistributed"), name: base.name, dtype: base.dtype)
    }
}

/// How `Bidirectional` combines its forward and backward outputs (Keras `merge_mode`).
public enum BidirectionalMerge: String, Sendable {
    /// Concatenated on the last axis (the default).
    case concat
    /// Summed.
    case sum
    /// Multiplied.
    case mul
    /// Averaged.
    case ave
}

/// Runs a recurrent layer forwards and a copy of it backwards over the input and merges their
/// outputs (Keras `Bidirectional`). The forward layer is rebuilt from `layer`'s config and named
/// "forward_<name>"; the backward layer is `backwardLayer` or a copy with `go_backwards` flipped,
/// named "backward_<name>". With `returnSequences` the backward outputs are reversed back to time
/// order before merging; `mergeMode` nil returns both outputs. With `returnState`, the outputs are
/// followed by the forward then the backward final states. Initial states (extra inputs) are the
/// forward layer's followed by the backward layer's. A mask goes to both layers; the output
/// mask is the input's with `returnSequences`. Weights: the forward layer's, then the backward's.
/// What Bidirectional needs of the layer it wraps: LSTM / GRU / SimpleRNN and `RNN(cell)`.
public protocol SequenceRecurrence: Layer {
    var goBackwards: Bool { get }
    var returnSequences: Bool { get }
    var returnState: Bool { get }
    var stateful: Bool { get }
    var timeMajor: Bool { get }
    var stateCount: Int { get }
    func setZeroOutputForMask(_ on: Bool)
}

extension RecurrentLayer: SequenceRecurrence {
    /// Whether inputs are `(steps, batch, ...)`.
    public var timeMajor: Bool { arguments.timeMajor }
    /// Sets whether masked steps output zeros (Bidirectional does, with its `return_sequences`).
    public func setZeroOutputForMask(_ on: Bool) { zeroOutputForMask = on }
}

extension RNN: SequenceRecurrence {}

public final class Bidirectional: Layer {
    /// The layer running forwards.
    public let forwardLayer: any SequenceRecurrence
    /// The layer running backwards.
    public let backwardLayer: any SequenceRecurrence
    /// How outputs combine (nil: Keras `merge_mode=None`, both outputs returned).
    public let mergeMode: BidirectionalMerge?
    private let wrappedConfig: ConfigValue
    private let backwardConfig: ConfigValue?

    /// Wraps `layer`. `backwardLayer` must process the opposite direction and agree on
    /// `returnSequences` and `returnState`.
    public init(_ layer: any SequenceRecurrence, mergeMode: BidirectionalMerge? = .concat, backwardLayer: (any SequenceRecurrence)? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) throws {
        func copy(_ l: any SequenceRecurrence, prefix: String, flip: Bool) throws -> any SequenceRecurrence {
            guard case .object(var c) = try l.getConfig() else { throw SwiftKerasError.invalid("Bidirectional: the layer's config is not a dictionary") }
            c["name"] = .string(prefix + l.name)
            if flip { c["go_backwards"] = .bool(!l.goBackwards) }
            guard let r = try layerFromConfig(className: l.className, config: .object(c)) as? any SequenceRecurrence else {
                throw SwiftKerasError.invalid("Bidirectional: could not rebuild layer '\(l.name)' from its config")
            }
            return r
        }
        if let bl = backwardLayer {
            if bl.goBackwards == layer.goBackwards {
                throw SwiftKerasError.invalid("Bidirectional: backward_layer.go_backwards = \(bl.goBackwards) should differ from the forward layer's (\(layer.goBackwards))")
            }
            if bl.returnSequences != layer.returnSequences || bl.returnState != layer.returnState || bl.stateful != layer.stateful {
                throw SwiftKerasError.invalid("Bidirectional: the forward and backward layers must agree on return_sequences, return_state and stateful")
            }
        }
        wrappedConfig = try serializedLayer(layer)
        backwardConfig = try backwardLayer.map { try serializedLayer($0) }
        forwardLayer = try copy(layer, prefix: "forward_", flip: false)
        if let bl = backwardLayer {
            bl.name = "backward_" + bl.name
            self.backwardLayer = bl
        } else {
            self.backwardLayer = try copy(layer, prefix: "backward_", flip: true)
        }
        self.mergeMode = mergeMode
        super.init(name: name, dtype: dtype, inputShape: inputShape)
        for l in [forwardLayer, self.backwardLayer] {
            l.setZeroOutputForMask(l.returnSequences)
            if !l.built { l.weightNamePrefix = "\(self.name)/\(l.name)" }
            track(l)
        }
    }

    /// Whether the outputs have a step axis.
    public var returnSequences: Bool { forwardLayer.returnSequences }
    /// Whether the final states follow the outputs.
    public var returnState: Bool { forwardLayer.returnState }

    public override func build(inputShapes: [[Int]]) throws {
        try forwardLayer.buildIfNeeded([inputShapes[0]])
        try backwardLayer.buildIfNeeded([inputShapes[0]])
    }

    private func merged(_ y: Tensor, _ yr: Tensor) throws -> [Tensor] {
        guard let mergeMode else { return [y, yr] }
        switch mergeMode {
        case .concat: return [try concatenate([y, yr], axis: -1)]
        case .sum: return [try y + yr]
        case .mul: return [try y * yr]
        case .ave: return [try (y + yr) / 2.0]
        }
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, masks: [], training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        let x = inputs[0]
        let states = Array(inputs.dropFirst())
        let n = forwardLayer.stateCount
        if !states.isEmpty && states.count != 2 * n {
            throw SwiftKerasError.invalid("Bidirectional '\(name)': expected \(2 * n) initial states (the forward layer's, then the backward layer's), got \(states.count)")
        }
        let mask = masks.first ?? nil
        func run(_ l: any SequenceRecurrence, _ s: ArraySlice<Tensor>) throws -> [Tensor] {
            let ms: [Tensor?] = mask == nil ? [] : [mask] + [Tensor?](repeating: nil, count: s.count)
            return try l.outputsAndMasks([x] + s, masks: ms, training: training).outputs
        }
        let f = try run(forwardLayer, states.isEmpty ? [] : states[0..<n])
        let bk = try run(backwardLayer, states.isEmpty ? [] : states[n...])
        var yr = bk[0]
        if returnSequences { yr = try yr.reversed(alongAxes: [forwardLayer.timeMajor ? 0 : 1]) }
        return try merged(f[0], yr) + (returnState ? Array(f.dropFirst()) + Array(bk.dropFirst()) : [])
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callOutputs(inputs, training: training)[0]
    }

    /// The output masks: the input's with `returnSequences` (for each output), none for states.
    public override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        let m = returnSequences ? (masks.first ?? nil) : nil
        let outs = mergeMode == nil ? 2 : 1
        return [Tensor?](repeating: m, count: outs) + [Tensor?](repeating: nil, count: returnState ? 2 * forwardLayer.stateCount : 0)
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        let f = try forwardLayer.computeOutputShapes([inputShapes[0]])
        var out = f[0]
        var outs: [[Int]]
        if mergeMode == .concat {
            out[out.count - 1] = out[out.count - 1] * 2
            outs = [out]
        } else {
            outs = mergeMode == nil ? [out, out] : [out]
        }
        return outs + (returnState ? Array(f.dropFirst()) + Array(f.dropFirst()) : [])
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try computeOutputShapes(inputShapes)[0]
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    public override func resetStates(_ values: [Tensor]? = nil) throws {
        guard let values else {
            try forwardLayer.resetStates()
            try backwardLayer.resetStates()
            return
        }
        let n = forwardLayer.stateCount
        if values.count != 2 * n {
            throw SwiftKerasError.invalid("Bidirectional '\(name)': reset_states expects \(2 * n) states (forward, then backward), got \(values.count)")
        }
        try forwardLayer.resetStates(Array(values[0..<n]))
        try backwardLayer.resetStates(Array(values[n...]))
    }

    /// The layer's config: the base keys, "layer" (the wrapped layer as given), "merge_mode"
    /// (null for None) and "backward_layer" when one was given.
    public override func getConfig() throws -> ConfigValue {
        var own: [String: ConfigValue] = ["layer": wrappedConfig, "merge_mode": mergeMode.map { .string($0.rawValue) } ?? .null]
        if let backwardConfig { own["backward_layer"] = backwardConfig }
        return try self.layerConfig(own)
    }
}

extension Bidirectional: ConfigurableLayer {
    /// "Bidirectional".
    public static var className: String { "Bidirectional" }

    /// Builds the layer from its config ("layer" required; "merge_mode" "concat" by default,
    /// null for None; "backward_layer" optional).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        func recurrent(_ key: String) throws -> (any SequenceRecurrence)? {
            guard let v = r.raw(key) else { return nil }
            guard let l = try wrappedLayer(v, key: key, owner: "Bidirectional") as? any SequenceRecurrence else {
                throw SwiftKerasError.invalid("Bidirectional: '\(key)' must be a recurrent layer (SimpleRNN, LSTM, GRU, RNN), got \(v["class_name"]?.json ?? "?")")
            }
            return l
        }
        guard let layer = try recurrent("layer") else { throw SwiftKerasError.invalid("Bidirectional.from_config: 'layer' is required") }
        var merge: BidirectionalMerge? = .concat
        if r.has("merge_mode") {
            if let s = try r.string("merge_mode") {
                guard let m = BidirectionalMerge(rawValue: s) else {
                    throw SwiftKerasError.invalid("Bidirectional: merge_mode must be one of \"sum\", \"mul\", \"ave\", \"concat\" or null, got \"\(s)\"")
                }
                merge = m
            } else {
                merge = nil
            }
        }
        try self.init(layer, mergeMode: merge, backwardLayer: try recurrent("backward_layer"), name: base.name, dtype: base.dtype)
    }
}
