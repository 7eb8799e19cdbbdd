// Recurrent layers: SimpleRNN, LSTM, GRU (tf.keras 2 keras/layers/rnn). The cells' default
// configuration (tanh, sigmoid, no recurrent dropout) runs as one fused core op per sequence
// (`recurrentSequence`); anything else runs step by step through the core `rnn`.

/// The arguments every recurrent layer takes (tf.keras 2 `SimpleRNN`/`LSTM`/`GRU` keywords),
/// with Keras' defaults.
struct RecurrentArguments {
    var units: Int
    var activation: ActivationFunction = .tanh
    var recurrentActivation: ActivationFunction = .sigmoid
    var useBias = true
    var kernelInitializer: Initializer = GlorotUniform()
    var recurrentInitializer: Initializer = Orthogonal()
    var biasInitializer: Initializer = Zeros()
    var kernelRegularizer: Regularizer? = nil, recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil
    var dropout = 0.0, recurrentDropout = 0.0
    var returnSequences = false, returnState = false, goBackwards = false
    var stateful = false, timeMajor = false, unroll = false
    /// LSTM/GRU `implementation` (1: one product per gate, 2: one product for all gates).
    var implementation = 2
    /// LSTM: whether the forget gate's bias starts at 1. GRU: whether the reset gate applies after
    /// the recurrent product.
    var unitForgetBias = true, resetAfter = true

    init(units: Int) { self.units = units }

    /// Every shared argument, in the order of the layers' Swift initializers.
    init(_ units: Int, _ activation: ActivationFunction, _ recurrentActivation: ActivationFunction, _ useBias: Bool,
         _ initializers: (Initializer, Initializer, Initializer), _ regularizers: (Regularizer?, Regularizer?, Regularizer?),
         _ dropout: Double, _ recurrentDropout: Double, _ outputs: (sequences: Bool, state: Bool, backwards: Bool),
         _ stateful: Bool, _ timeMajor: Bool, _ unroll: Bool, _ implementation: Int) {
        self.units = units
        (self.activation, self.recurrentActivation, self.useBias) = (activation, recurrentActivation, useBias)
        (kernelInitializer, recurrentInitializer, biasInitializer) = initializers
        (kernelRegularizer, recurrentRegularizer, biasRegularizer) = regularizers
        (self.dropout, self.recurrentDropout, self.implementation) = (dropout, recurrentDropout, implementation)
        (returnSequences, returnState, goBackwards) = outputs
        (self.stateful, self.timeMajor, self.unroll) = (stateful, timeMajor, unroll)
    }

    /// Reads the shared keys of a config ("units" required).
    init(_ r: inout ConfigReader) throws {
        units = try r.requiredInt("units")
        activation = try r.activation("activation", .tanh)
        useBias = try r.bool("use_bias", true)
        kernelInitializer = try r.initializer("kernel_initializer", GlorotUniform())
        recurrentInitializer = try r.initializer("recurrent_initializer", Orthogonal())
        biasInitializer = try r.initializer("bias_initializer", Zeros())
        kernelRegularizer = try r.regularizer("kernel_regularizer")
        recurrentRegularizer = try r.regularizer("recurrent_regularizer")
        biasRegularizer = try r.regularizer("bias_regularizer")
        dropout = try r.double("dropout", 0)
        recurrentDropout = try r.double("recurrent_dropout", 0)
        returnSequences = try r.bool("return_sequences", false)
        returnState = try r.bool("return_state", false)
        goBackwards = try r.bool("go_backwards", false)
        stateful = try r.bool("stateful", false)
        timeMajor = try r.bool("time_major", false)
        unroll = try r.bool("unroll", false)
    }

}

/// A recurrent layer's config being read: the base keys, the shared arguments and the keys of
/// class `className` ("recurrent_activation" and "implementation" for LSTM and GRU,
/// "unit_forget_bias" for LSTM, "reset_after" for GRU).
struct RecurrentConfig {
    var arguments: RecurrentArguments
    let base: LayerBaseArguments
    private var reader: ConfigReader

    init(_ config: ConfigValue, _ className: String) throws {
        var r = try ConfigReader(config, fromConfigOf: className)
        base = try LayerBaseArguments(&r)
        arguments = try RecurrentArguments(&r)
        if className != "SimpleRNN" {
            arguments.recurrentActivation = try r.activation("recurrent_activation", .sigmoid)
            arguments.implementation = try r.int("implementation", 2)
        }
        if className == "LSTM" { arguments.unitForgetBias = try r.bool("unit_forget_bias", true) }
        if className == "GRU" { arguments.resetAfter = try r.bool("reset_after", true) }
        reader = r
    }

    /// Rejects the keys nobody read and sets the base attributes of `layer`.
    func finish(_ layer: Layer) throws { try base.finish(reader, layer) }
}

/// The shared part of the recurrent layers: inputs `(batch, steps, features)` (`(steps, batch,
/// features)` with `timeMajor`), optional initial states as extra inputs (`layer([x, h0, c0])`,
/// Keras' `initial_state`), and Keras' `return_sequences`, `return_state`, `go_backwards`,
/// `stateful`, `dropout` and `recurrent_dropout`. `unroll` is accepted and changes nothing in the
/// results (the sequence always runs as a loop or a fused kernel).
///
/// Output: `(batch, units)` (the last output), or `(batch, steps, units)` with
/// `returnSequences`. With `returnState`, `outputs(...)` returns `[output] + finalStates`
/// (`callAsFunction` returns the output alone).
public class RecurrentLayer: Layer {
    let arguments: RecurrentArguments
    /// The number of units (the size of each state).
    public var units: Int { arguments.units }
    /// Whether the layer returns the output of every step.
    public var returnSequences: Bool { arguments.returnSequences }
    /// Whether the layer also returns its final states.
    public var returnState: Bool { arguments.returnState }
    /// Whether the sequence is processed from its last step to its first.
    public var goBackwards: Bool { arguments.goBackwards }
    /// Whether the final states of a call are the initial states of the next (`resetStates`).
    public var stateful: Bool { arguments.stateful }
    /// The fraction of the input units dropped in training (one mask per call).
    public var dropout: Double { arguments.dropout }
    /// The fraction of the recurrent state units dropped in training (one mask per call).
    public var recurrentDropout: Double { arguments.recurrentDropout }
    /// The output activation (tanh by default).
    public var activation: ActivationFunction { arguments.activation }
    /// Whether the layer has a bias.
    public var useBias: Bool { arguments.useBias }
    /// The input kernel `(features, gates · units)`, once built.
    public internal(set) var kernel: Variable?
    /// The recurrent kernel `(units, gates · units)`, once built.
    public internal(set) var recurrentKernel: Variable?
    /// The bias, once built (nil without `useBias`).
    public internal(set) var bias: Variable?
    /// The states a stateful layer carries to its next call (nil before the first call and
    /// after `resetStates()` without values; stateless layers keep none).
    public private(set) var states: [Tensor]?
    /// Whether calls whose configuration allows it run the fused sequence kernel (tests turn it
    /// off to compare with the step-by-step path).
    var fusedKernel = true
    /// Whether masked steps output zeros instead of the previous output (Keras'
    /// `zero_output_for_mask`, which `Bidirectional` sets on its layers with return_sequences).
    var zeroOutputForMask = false

    let cell: RecurrentCell
    var gates: Int { cell.gates }
    public var stateCount: Int { cell.stateCount }
    private let layerName: String

    init(layer: String, cell: RecurrentCell, _ a: RecurrentArguments,
         name: String?, dtype: DTypePolicy?, trainable: Bool, inputShape: [Int]?) throws {
        _ = try positiveArgument(a.units, "units", layer: layer)
        var a = a
        // Keras clips the rates into [0, 1] and uses one product per gate with recurrent dropout.
        a.dropout = Swift.min(1, Swift.max(0, a.dropout))
        a.recurrentDropout = Swift.min(1, Swift.max(0, a.recurrentDropout))
        if ![1, 2].contains(a.implementation) {
            throw SwiftKerasError.invalid("\(layer): implementation must be 1 or 2, got \(a.implementation)")
        }
        if a.recurrentDropout != 0 { a.implementation = 1 }
        arguments = a
        self.cell = cell
        layerName = layer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    /// Builds the layer from its config ("units" required): `init(config:)` of SimpleRNN, LSTM and GRU.
    public required convenience init(config: ConfigValue) throws {
        let layer = String(describing: Self.self)
        let c = try RecurrentConfig(config, layer)
        let cell: RecurrentCell = layer == "LSTM" ? .lstm : layer == "GRU" ? .gru(resetAfter: c.arguments.resetAfter) : .simpleRNN
        try self.init(layer: layer, cell: cell, c.arguments, name: c.base.name, dtype: c.base.dtype, trainable: true, inputShape: nil)
        try c.finish(self)
    }

    /// The bias's shape and initial value (overridden by LSTM and GRU).
    func makeBias() throws -> Variable {
        try addWeight(name: "bias", shape: [gates * units], initializer: arguments.biasInitializer,
                      regularizer: arguments.biasRegularizer)
    }

    private func invalid(_ what: String) -> SwiftKerasError {
        SwiftKerasError.invalid("\(layerName) '\(name)': \(what)")
    }

    public override func build(inputShapes: [[Int]]) throws {
        let s = inputShapes[0]
        if s.count != 3 || s[2] <= 0 {
            throw invalid("expected an input of shape (batch, steps, features) with known features, got \(formatShape(s))")
        }
        let a = arguments
        kernel = try addWeight(name: "kernel", shape: [s[2], gates * units], initializer: a.kernelInitializer,
                               regularizer: a.kernelRegularizer)
        recurrentKernel = try addWeight(name: "recurrent_kernel", shape: [units, gates * units],
                                        initializer: a.recurrentInitializer, regularizer: a.recurrentRegularizer)
        if a.useBias { bias = try makeBias() }
    }

    /// The input projection of every step, `x · kernel (+ input bias)`: `(batch, steps, gates · units)`,
    /// one product for all steps (and all gates, unless `masks` holds one input dropout mask
    /// `(batch, features)` per gate).
    func projectInputs(_ x: Tensor, _ k: Tensor, _ b: Tensor?, masks: [Tensor]?) throws -> Tensor {
        let (bsz, t, f) = (x.shape[0], x.shape[1], x.shape[2])
        let (rows, o) = bsz.multipliedReportingOverflow(by: t)
        if o { throw SwiftKerasError(.outOfMemory, "\(name): input \(formatShape(x.shape)) is too large") }
        func project(_ x: Tensor, _ k: Tensor) throws -> Tensor { try x.reshaped(to: [rows, f]).matmul(k) }
        var p: Tensor
        if let masks, masks.count > 1 {
            let ks = try k.split(into: gates, axis: 1)
            p = try concatenate(zip(masks, ks).map { m, kg in
                try project(x * m.reshaped(to: [bsz, 1, f]), kg)
            }, axis: 1)
        } else if let m = masks?.first {
            p = try project(x * m.reshaped(to: [bsz, 1, f]), k)
        } else {
            p = try project(x, k)
        }
        if let b { p = try p + b }
        return try p.reshaped(to: [bsz, t, gates * units])
    }

    /// One step: the projected input `(batch, gates · units)` and the states → output and new
    /// states. `recurrentMasks` (recurrent dropout) holds one `(batch, units)` mask per gate.
    func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?,
              recurrentMasks: [Tensor]?) throws -> (Tensor, [Tensor]) {
        throw SwiftKerasError(.unimplemented, "RecurrentLayer: step is implemented by the subclasses")
    }

    /// `h · recurrentKernel[:, gate blocks]` for the gate blocks `first..<first+count`; with
    /// recurrent dropout masks, each block reads h times its gate's mask (Keras implementation 1).
    func recurrentProjection(_ h: Tensor, _ rk: Tensor, _ masks: [Tensor]?, first: Int = 0, count: Int? = nil) throws -> Tensor {
        let n = count ?? gates
        let u = units
        let part = n == gates ? rk : try rk.slice(begin: [0, first * u], size: [u, n * u])
        guard let masks else { return try h.matmul(part) }
        let blocks = try part.split(into: n, axis: 1)
        return try concatenate((0..<n).map { g in try (h * masks[first + g]).matmul(blocks[g]) }, axis: 1)
    }

    /// The (input bias, recurrent bias) split of the bias value (GRU with reset_after has two).
    func splitBias(_ b: Tensor?) throws -> (Tensor?, Tensor?) { (b, nil) }

    /// Whether the activations are those of the fused kernel (tanh, and sigmoid for the gates).
    var activationsFuse: Bool {
        arguments.activation.name == "tanh" && (cell == .simpleRNN || arguments.recurrentActivation.name == "sigmoid")
    }

    /// `count` dropout masks `(batch, size)` of `rate` (ones scaled by 1 / (1 − rate) where kept),
    /// or nil when no dropout applies (inference, or a rate of 0 or 1, as Keras).
    func dropoutMasks(_ rate: Double, count: Int, _ batch: Int, _ size: Int, _ dtype: DType, training: Bool) throws -> [Tensor]? {
        if !training || !(rate > 0 && rate < 1) { return nil }
        return try withoutRecording {
            try (0..<count).map { _ in try Tensor.ones([batch, size], dtype: dtype).dropout(rate: rate) }
        }
    }

    /// The initial states of a call: the extra inputs, else a stateful layer's carried states,
    /// else zeros.
    private func initialStates(_ given: [Tensor], batch b: Int, dtype: DType) throws -> [Tensor] {
        if !given.isEmpty {
            if given.count != stateCount || given.contains(where: { $0.shape != [b, units] }) {
                throw invalid("expected \(stateCount) initial state(s) of shape \(formatShape([b, units])), got \(given.map { formatShape($0.shape) }.joined(separator: ", "))")
            }
            return given
        }
        if stateful, let states {
            if states[0].shape[0] != b {
                throw invalid("a stateful layer keeps states for batch size \(states[0].shape[0]) but was called with a batch of \(b); call resetStates() to change it")
            }
            return try states.map { try $0.cast(to: dtype) }
        }
        return try (0..<stateCount).map { _ in try Tensor.zeros([b, units], dtype: dtype) }
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, masks: [], training: training)
    }

    /// The call with the input's mask (`masks[0]`, `(batch, steps)`; Keras `call(inputs, mask)`):
    /// a sample's masked step keeps its previous states and repeats its previous output (zeros
    /// before its first kept step), in the fused kernel and the step-by-step path alike.
    public override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        guard let kernel, let recurrentKernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        let a = arguments
        var x = inputs[0]
        if x.rank != 3 {
            throw invalid("expected an input of shape (\(a.timeMajor ? "steps, batch" : "batch, steps"), features), got \(formatShape(x.shape))")
        }
        var mask = masks.first ?? nil
        if let m = mask, m.shape != Array(x.shape.prefix(2)) {
            throw invalid("a mask of shape \(formatShape(m.shape)) does not match the input \(formatShape(x.shape)) (expected its first two dimensions)")
        }
        if a.timeMajor {
            x = try x.transposed([1, 0, 2])
            mask = try mask.map { try $0.transposed([1, 0]) }
        }
        try checkLastDimension(x, kernel.shape[0])
        let (b, f) = (x.shape[0], x.shape[2])
        let initial = try initialStates(Array(inputs.dropFirst()), batch: b, dtype: x.dtype)
        let inMasks = try dropoutMasks(a.dropout, count: a.implementation == 1 ? gates : 1, b, f, x.dtype, training: training)
        let recMasks = try dropoutMasks(a.recurrentDropout, count: gates, b, units, x.dtype, training: training)
        let k = try read(kernel), rk = try read(recurrentKernel)
        let (ib, rb) = try splitBias(try bias.map { try read($0) })
        let projected = try projectInputs(x, k, ib, masks: inMasks)
        var sequence: Tensor, last: Tensor, finalStates: [Tensor]
        if fusedKernel && recMasks == nil && activationsFuse {
            let all = try recurrentSequence(cell, projectedInputs: projected, initialStates: initial,
                                            recurrentKernel: rk, recurrentBias: rb, goBackwards: a.goBackwards, mask: mask)
            let t = all.shape[1]
            let end = try all.slice(begin: [0, t - 1, 0], size: [b, 1, stateCount * units]).reshaped(to: [b, stateCount * units])
            finalStates = stateCount == 1 ? [end] : try end.split(into: stateCount, axis: 1)
            last = finalStates[0]
            sequence = !a.returnSequences ? last : stateCount == 1 ? all : try all.split(into: stateCount, axis: 2)[0]
            if let mask {
                // The outputs are the carried h, except zeros before a sample's first kept step.
                let seen = try MaskRules.seenSteps(mask, goBackwards: a.goBackwards, dtype: last.dtype,
                                                   keptOnly: zeroOutputForMask && a.returnSequences)
                let t = seen.shape[1]
                last = try last * seen.slice(begin: [0, t - 1], size: [b, 1])
                sequence = a.returnSequences ? try sequence * seen.reshaped(to: [b, t, 1]) : last
            }
        } else {
            let r = try rnn({ xt, states in try self.step(xt, states, rk, rb, recurrentMasks: recMasks) },
                            inputs: projected, initialStates: initial, goBackwards: a.goBackwards, mask: mask)
            (sequence, last, finalStates) = (r.outputs, r.lastOutput, r.states)
            if let mask, zeroOutputForMask && a.returnSequences {
                let kept = try MaskRules.seenSteps(mask, goBackwards: a.goBackwards, dtype: last.dtype, keptOnly: true)
                sequence = try sequence * kept.reshaped(to: kept.shape + [1])
            }
        }
        if stateful { states = try withoutRecording { try finalStates.map { try $0.stoppingGradient() } } }
        var out = a.returnSequences ? sequence : last
        if a.returnSequences && a.timeMajor { out = try out.transposed([1, 0, 2]) }
        return a.returnState ? [out] + finalStates : [out]
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callOutputs(inputs, training: training)[0]
    }

    /// The output's mask: the input's with `returnSequences` (Keras), none otherwise; states have none.
    public override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        let m = arguments.returnSequences ? (masks.first ?? nil) : nil
        return [m] + [Tensor?](repeating: nil, count: arguments.returnState ? stateCount : 0)
    }

    /// Forgets a stateful layer's states (the next call starts from zeros), or sets them to
    /// `values` (`stateCount` tensors of shape `(batch, units)`) — Keras `reset_states(states)`.
    /// A stateless layer has no states: resetting it does nothing, setting values is an error.
    public override func resetStates(_ values: [Tensor]? = nil) throws {
        guard let values else {
            states = try states.map { s in try s.map { try Tensor.zeros(like: $0) } }
            return
        }
        if !stateful { throw invalid("reset_states with values: the layer is not stateful") }
        let b = values.first?.shape.first ?? -1
        if values.count != stateCount || values.contains(where: { $0.shape != [b, units] }) {
            throw invalid("reset_states: expected \(stateCount) state(s) of shape (batch, \(units)), got \(values.map { formatShape($0.shape) }.joined(separator: ", "))")
        }
        states = values
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        var s = inputShapes[0]
        if s.count != 3 {
            throw invalid("expected an input of shape (batch, steps, features), got \(formatShape(s))")
        }
        if arguments.timeMajor { s = [s[1], s[0], s[2]] }
        var out = arguments.returnSequences ? [s[0], s[1], units] : [s[0], units]
        if arguments.returnSequences && arguments.timeMajor { out = [out[1], out[0], out[2]] }
        let state = [s[0], units]
        return [out] + (arguments.returnState ? [[Int]](repeating: state, count: stateCount) : [])
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try computeOutputShapes(inputShapes)[0]
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        let a = arguments
        c["units"] = .int(a.units); c["activation"] = .activation(a.activation); c["use_bias"] = .bool(a.useBias)
        c["kernel_initializer"] = try .initializer(a.kernelInitializer)
        c["recurrent_initializer"] = try .initializer(a.recurrentInitializer); c["bias_initializer"] = try .initializer(a.biasInitializer)
        c["kernel_regularizer"] = try .regularizer(a.kernelRegularizer)
        c["recurrent_regularizer"] = try .regularizer(a.recurrentRegularizer); c["bias_regularizer"] = try .regularizer(a.biasRegularizer)
        c["dropout"] = .double(a.dropout); c["recurrent_dropout"] = .double(a.recurrentDropout)
        c["return_sequences"] = .bool(a.returnSequences); c["return_state"] = .bool(a.returnState)
        c["go_backwards"] = .bool(a.goBackwards); c["stateful"] = .bool(a.stateful)
        c["time_major"] = .bool(a.timeMajor); c["unroll"] = .bool(a.unroll)
        if cell != .simpleRNN {
            c["recurrent_activation"] = .activation(a.recurrentActivation); c["implementation"] = .int(a.implementation)
        }
        switch cell {
        case .lstm: c["unit_forget_bias"] = .bool(a.unitForgetBias)
        case .gru(let resetAfter): c["reset_after"] = .bool(resetAfter)
        case .simpleRNN: break
        }
        return .object(c)
    }
}

/// A fully connected recurrent layer: `h_t = activation(x_t · W + h_{t−1} · U + b)` (Keras
/// `SimpleRNN`: tanh, glorot_uniform kernel, orthogonal recurrent kernel, zero bias).
public final class SimpleRNN: RecurrentLayer, KerasSerializable {
    /// Creates the layer.
    public convenience init(units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
                            kernelInitializer: Initializer = GlorotUniform(), recurrentInitializer: Initializer = Orthogonal(),
                            biasInitializer: Initializer = Zeros(), kernelRegularizer: Regularizer? = nil,
                            recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                            dropout: Double = 0, recurrentDropout: Double = 0,
                            returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                            stateful: Bool = false, timeMajor: Bool = false, unroll: Bool = false,
                            name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        try self.init(layer: "SimpleRNN", cell: .simpleRNN, RecurrentArguments(units, activation, .sigmoid, useBias, (kernelInitializer, recurrentInitializer, biasInitializer),
                                         (kernelRegularizer, recurrentRegularizer, biasRegularizer), dropout, recurrentDropout,
                                         (returnSequences, returnState, goBackwards), stateful, timeMajor, unroll, 2),
                      name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    /// "SimpleRNN".
    public static var className: String { "SimpleRNN" }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?,
                       recurrentMasks: [Tensor]?) throws -> (Tensor, [Tensor]) {
        let h = try activation(xp + recurrentProjection(states[0], rk, recurrentMasks))
        return (h, [h])
    }
}

/// Long short-term memory (Keras `LSTM`), gates in Keras' order i, f, c, o:
/// `z = x·W + h·U + b`; `i = σ(z_i)`, `f = σ(z_f)`, `c' = f·c + i·tanh(z_c)`, `o = σ(z_o)`,
/// `h' = o·tanh(c')` (σ = `recurrentActivation`, sigmoid by default). With `unitForgetBias`
/// (the default) the forget-gate bias starts at 1. States: `[h, c]`.
public final class LSTM: RecurrentLayer, KerasSerializable {
    /// The gates' activation (sigmoid by default).
    public var recurrentActivation: ActivationFunction { arguments.recurrentActivation }
    /// Whether the forget gate's bias starts at 1.
    public var unitForgetBias: Bool { arguments.unitForgetBias }

    /// Creates the layer.
    public convenience init(units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                            useBias: Bool = true, kernelInitializer: Initializer = GlorotUniform(),
                            recurrentInitializer: Initializer = Orthogonal(), biasInitializer: Initializer = Zeros(),
                            unitForgetBias: Bool = true, kernelRegularizer: Regularizer? = nil,
                            recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                            dropout: Double = 0, recurrentDropout: Double = 0,
                            returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                            stateful: Bool = false, timeMajor: Bool = false, unroll: Bool = false, implementation: Int = 2,
                            name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        var a = RecurrentArguments(units, activation, recurrentActivation, useBias, (kernelInitializer, recurrentInitializer, biasInitializer), (kernelRegularizer, recurrentRegularizer, biasRegularizer), dropout, recurrentDropout, (returnSequences, returnState, goBackwards), stateful, timeMajor, unroll, implementation)
        a.unitForgetBias = unitForgetBias
        try self.init(layer: "LSTM", cell: .lstm, a, name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    /// "LSTM".
    public static var className: String { "LSTM" }

    override func makeBias() throws -> Variable {
        let u = units
        let bi = arguments.biasInitializer
        let ini: Initializer = unitForgetBias ? ClosureInitializer { _, dtype in
            try concatenate([bi([u], dtype: dtype), Tensor.ones([u], dtype: dtype), bi([2 * u], dtype: dtype)], axis: 0)
        } : bi
        return try addWeight(name: "bias", shape: [4 * u], initializer: ini, regularizer: arguments.biasRegularizer)
    }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?,
                       recurrentMasks: [Tensor]?) throws -> (Tensor, [Tensor]) {
        let z = try xp + recurrentProjection(states[0], rk, recurrentMasks)
        let parts = try z.split(into: 4, axis: -1)
        let i = try recurrentActivation(parts[0])
        let f = try recurrentActivation(parts[1])
        let c = try f * states[1] + i * activation(parts[2])
        let o = try recurrentActivation(parts[3])
        let h = try o * activation(c)
        return (h, [h, c])
    }
}

/// Gated recurrent unit (Keras `GRU`), gates in Keras' order z, r, h:
/// `z = σ(x·W_z + h·U_z + b_z)`, `r = σ(x·W_r + h·U_r + b_r)`; with `resetAfter` (the default)
/// `ĥ = tanh(x·W_h + b_h + r·(h·U_h + b'_h))` and a bias of shape `(2, 3·units)` (input and
/// recurrent rows), otherwise `ĥ = tanh(x·W_h + (r·h)·U_h + b_h)` and a bias `(3·units,)`;
/// `h' = z·h + (1 − z)·ĥ`.
public final class GRU: RecurrentLayer, KerasSerializable {
    /// The gates' activation (sigmoid by default).
    public var recurrentActivation: ActivationFunction { arguments.recurrentActivation }
    /// Whether the reset gate applies after the recurrent product (cuDNN-compatible, the default).
    public var resetAfter: Bool { cell == .gru(resetAfter: true) }

    /// Creates the layer.
    public convenience init(units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                            useBias: Bool = true, kernelInitializer: Initializer = GlorotUniform(),
                            recurrentInitializer: Initializer = Orthogonal(), biasInitializer: Initializer = Zeros(),
                            kernelRegularizer: Regularizer? = nil, recurrentRegularizer: Regularizer? = nil,
                            biasRegularizer: Regularizer? = nil, dropout: Double = 0, recurrentDropout: Double = 0,
                            returnSequences: Bool = false, returnState: Bool = false,
                            goBackwards: Bool = false, stateful: Bool = false, timeMajor: Bool = false, unroll: Bool = false,
                            resetAfter: Bool = true, implementation: Int = 2,
                            name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let a = RecurrentArguments(units, activation, recurrentActivation, useBias, (kernelInitializer, recurrentInitializer, biasInitializer), (kernelRegularizer, recurrentRegularizer, biasRegularizer), dropout, recurrentDropout, (returnSequences, returnState, goBackwards), stateful, timeMajor, unroll, implementation)
        try self.init(layer: "GRU", cell: .gru(resetAfter: resetAfter), a, name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    /// "GRU".
    public static var className: String { "GRU" }

    override func makeBias() throws -> Variable {
        try addWeight(name: "bias", shape: resetAfter ? [2, 3 * units] : [3 * units], initializer: arguments.biasInitializer,
                      regularizer: arguments.biasRegularizer)
    }

    override func splitBias(_ b: Tensor?) throws -> (Tensor?, Tensor?) {
        guard let b, resetAfter else { return (b, nil) }
        let rows = try b.split(into: 2, axis: 0)
        return (try rows[0].reshaped(to: [3 * units]), try rows[1].reshaped(to: [3 * units]))
    }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?,
                       recurrentMasks m: [Tensor]?) throws -> (Tensor, [Tensor]) {
        let h = states[0]
        let x = try xp.split(into: 3, axis: -1)
        let hh: Tensor, z: Tensor
        if resetAfter {
            var inner = try recurrentProjection(h, rk, m)
            if let rb { inner = try inner + rb }
            let rec = try inner.split(into: 3, axis: -1)
            z = try recurrentActivation(x[0] + rec[0])
            let r = try recurrentActivation(x[1] + rec[1])
            hh = try activation(x[2] + r * rec[2])
        } else {
            let rec = try recurrentProjection(h, rk, m, first: 0, count: 2).split(into: 2, axis: -1)
            z = try recurrentActivation(x[0] + rec[0])
            let r = try recurrentActivation(x[1] + rec[1])
            hh = try activation(x[2] + recurrentProjection(r * (m.map { try h * $0[2] } ?? h), rk, nil, first: 2, count: 1))
        }
        let out = try z * h + (1.0 - z) * hh
        return (out, [out])
    }
}
