// Recurrent layers: SimpleRNN, LSTM, GRU (Keras 3 keras/src/layers/rnn), run by the core `rnn`.

/// The shared part of the recurrent layers: inputs `(batch, steps, features)`, optional
/// initial states as extra inputs (`layer([x, h0, c0])`), and Keras' `return_sequences`,
/// `return_state` and `go_backwards`.
///
/// Output: `(batch, units)` (the last output), or `(batch, steps, units)` with
/// `returnSequences`. With `returnState`, `outputs(...)` returns `[output] + finalStates`
/// (`callAsFunction` returns the output alone).
public class RecurrentLayer: Layer {
    public let units: Int
    public let returnSequences: Bool
    public let returnState: Bool
    public let goBackwards: Bool
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer, recurrentInitializer: Initializer, biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?, recurrentRegularizer: Regularizer?, biasRegularizer: Regularizer?
    /// The input kernel `(features, gates · units)`, once built.
    public internal(set) var kernel: Variable?
    /// The recurrent kernel `(units, gates · units)`, once built.
    public internal(set) var recurrentKernel: Variable?
    /// The bias, once built (nil without `useBias`).
    public internal(set) var bias: Variable?

    let gates: Int
    let stateCount: Int

    init(layer: String, gates: Int, stateCount: Int, units: Int, activation: ActivationFunction, useBias: Bool,
         kernelInitializer: Initializer, recurrentInitializer: Initializer, biasInitializer: Initializer,
         kernelRegularizer: Regularizer?, recurrentRegularizer: Regularizer?, biasRegularizer: Regularizer?,
         returnSequences: Bool, returnState: Bool, goBackwards: Bool,
         name: String?, dtype: DTypePolicy?, trainable: Bool, inputShape: [Int]?) throws {
        self.units = try positiveArgument(units, "units", layer: layer)
        self.gates = gates
        self.stateCount = stateCount
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.recurrentInitializer = recurrentInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.recurrentRegularizer = recurrentRegularizer
        self.biasRegularizer = biasRegularizer
        self.returnSequences = returnSequences
        self.returnState = returnState
        self.goBackwards = goBackwards
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    /// The bias's shape and initial value (overridden by LSTM and GRU).
    func makeBias() throws -> Variable {
        try addWeight(name: "bias", shape: [gates * units], initializer: biasInitializer, regularizer: biasRegularizer)
    }

    public override func build(inputShapes: [[Int]]) throws {
        let s = inputShapes[0]
        if s.count != 3 || s[2] <= 0 {
            throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': expected an input of shape (batch, steps, features) with known features, got \(formatShape(s))")
        }
        kernel = try addWeight(name: "kernel", shape: [s[2], gates * units], initializer: kernelInitializer,
                               regularizer: kernelRegularizer)
        recurrentKernel = try addWeight(name: "recurrent_kernel", shape: [units, gates * units],
                                        initializer: recurrentInitializer, regularizer: recurrentRegularizer)
        if useBias { bias = try makeBias() }
    }

    /// The input projection of every step, `x · kernel (+ input bias)`: `(batch, steps, gates · units)`.
    func projectInputs(_ x: Tensor, _ k: Tensor, _ b: Tensor?) throws -> Tensor {
        let (bsz, t, f) = (x.shape[0], x.shape[1], x.shape[2])
        let (rows, o) = bsz.multipliedReportingOverflow(by: t)
        if o { throw SwiftKerasError(.outOfMemory, "\(name): input \(formatShape(x.shape)) is too large") }
        var p = try x.reshaped(to: [rows, f]).matmul(k)
        if let b { p = try p + b }
        return try p.reshaped(to: [bsz, t, gates * units])
    }

    /// One step: the projected input `(batch, gates · units)` and the states → output and new states.
    func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?) throws -> (Tensor, [Tensor]) {
        throw SwiftKerasError(.unimplemented, "RecurrentLayer: step is implemented by the subclasses")
    }

    /// The (input bias, recurrent bias) split of the bias value (GRU with reset_after has two).
    func splitBias(_ b: Tensor?) throws -> (Tensor?, Tensor?) { (b, nil) }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        guard let kernel, let recurrentKernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        let x = inputs[0]
        if x.rank != 3 {
            throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': expected an input of shape (batch, steps, features), got \(formatShape(x.shape))")
        }
        try checkLastDimension(x, kernel.shape[0])
        let b = x.shape[0]
        var initial = Array(inputs.dropFirst())
        if initial.isEmpty {
            initial = try (0..<stateCount).map { _ in try Tensor.zeros([b, units], dtype: x.dtype) }
        } else if initial.count != stateCount || initial.contains(where: { $0.shape != [b, units] }) {
            throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': expected \(stateCount) initial state(s) of shape \(formatShape([b, units])), got \(initial.map { formatShape($0.shape) }.joined(separator: ", "))")
        }
        let k = try read(kernel), rk = try read(recurrentKernel)
        let (ib, rb) = try splitBias(try bias.map { try read($0) })
        let projected = try projectInputs(x, k, ib)
        let r = try rnn({ xt, states in try self.step(xt, states, rk, rb) }, inputs: projected,
                        initialStates: initial, goBackwards: goBackwards)
        let out = returnSequences ? r.outputs : r.lastOutput
        return returnState ? [out] + r.states : [out]
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callOutputs(inputs, training: training)[0]
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        let s = inputShapes[0]
        if s.count != 3 {
            throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': expected an input of shape (batch, steps, features), got \(formatShape(s))")
        }
        return returnSequences ? [s[0], s[1], units] : [s[0], units]
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["units"] = .int(units); c["activation"] = .activation(activation); c["use_bias"] = .bool(useBias)
        c["kernel_initializer"] = try .initializer(kernelInitializer)
        c["recurrent_initializer"] = try .initializer(recurrentInitializer); c["bias_initializer"] = try .initializer(biasInitializer)
        c["kernel_regularizer"] = try .regularizer(kernelRegularizer)
        c["recurrent_regularizer"] = try .regularizer(recurrentRegularizer); c["bias_regularizer"] = try .regularizer(biasRegularizer)
        c["return_sequences"] = .bool(returnSequences); c["return_state"] = .bool(returnState)
        c["go_backwards"] = .bool(goBackwards)
        return .object(c)
    }
}

/// A fully connected recurrent layer: `h_t = activation(x_t · W + h_{t−1} · U + b)` (Keras
/// `SimpleRNN`: tanh, glorot_uniform kernel, orthogonal recurrent kernel, zero bias).
public final class SimpleRNN: RecurrentLayer {
    /// Creates the layer.
    public init(units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), recurrentInitializer: Initializer = Orthogonal(),
                biasInitializer: Initializer = Zeros(), kernelRegularizer: Regularizer? = nil,
                recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        try super.init(layer: "SimpleRNN", gates: 1, stateCount: 1, units: units, activation: activation, useBias: useBias,
                       kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
                       biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
                       recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer,
                       returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                       name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?) throws -> (Tensor, [Tensor]) {
        let h = try activation(xp + states[0].matmul(rk))
        return (h, [h])
    }
}

extension SimpleRNN: KerasSerializable {
    /// "SimpleRNN".
    public static var className: String { "SimpleRNN" }

    /// Builds the layer from its config ("units" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try RecurrentArguments(&r)
        try self.init(units: a.units, activation: a.activation, useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      recurrentInitializer: a.recurrentInitializer, biasInitializer: a.biasInitializer,
                      kernelRegularizer: a.kernelRegularizer, recurrentRegularizer: a.recurrentRegularizer,
                      biasRegularizer: a.biasRegularizer, returnSequences: a.returnSequences,
                      returnState: a.returnState, goBackwards: a.goBackwards, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Long short-term memory (Keras `LSTM`), gates in Keras' order i, f, c, o:
/// `z = x·W + h·U + b`; `i = σ(z_i)`, `f = σ(z_f)`, `c' = f·c + i·tanh(z_c)`, `o = σ(z_o)`,
/// `h' = o·tanh(c')` (σ = `recurrentActivation`, sigmoid by default). With `unitForgetBias`
/// (the default) the forget-gate bias starts at 1. States: `[h, c]`.
public final class LSTM: RecurrentLayer {
    public let recurrentActivation: ActivationFunction
    public let unitForgetBias: Bool

    /// Creates the layer.
    public init(units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                useBias: Bool = true, kernelInitializer: Initializer = GlorotUniform(),
                recurrentInitializer: Initializer = Orthogonal(), biasInitializer: Initializer = Zeros(),
                unitForgetBias: Bool = true, kernelRegularizer: Regularizer? = nil,
                recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        self.recurrentActivation = recurrentActivation
        self.unitForgetBias = unitForgetBias
        try super.init(layer: "LSTM", gates: 4, stateCount: 2, units: units, activation: activation, useBias: useBias,
                       kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
                       biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
                       recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer,
                       returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                       name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    override func makeBias() throws -> Variable {
        let u = units
        let ini: Initializer = unitForgetBias ? ClosureInitializer { [biasInitializer] _, dtype in
            try concatenate([biasInitializer([u], dtype: dtype), Tensor.ones([u], dtype: dtype),
                             biasInitializer([2 * u], dtype: dtype)], axis: 0)
        } : biasInitializer
        return try addWeight(name: "bias", shape: [4 * u], initializer: ini, regularizer: biasRegularizer)
    }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?) throws -> (Tensor, [Tensor]) {
        let z = try xp + states[0].matmul(rk)
        let parts = try z.split(into: 4, axis: -1)
        let i = try recurrentActivation(parts[0])
        let f = try recurrentActivation(parts[1])
        let c = try f * states[1] + i * activation(parts[2])
        let o = try recurrentActivation(parts[3])
        let h = try o * activation(c)
        return (h, [h, c])
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try super.getConfig().objectValue
        c["recurrent_activation"] = .activation(recurrentActivation); c["unit_forget_bias"] = .bool(unitForgetBias)
        return .object(c)
    }
}

extension LSTM: KerasSerializable {
    /// "LSTM".
    public static var className: String { "LSTM" }

    /// Builds the layer from its config ("units" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try RecurrentArguments(&r)
        try self.init(units: a.units, activation: a.activation,
                      recurrentActivation: try r.activation("recurrent_activation", .sigmoid),
                      useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      recurrentInitializer: a.recurrentInitializer, biasInitializer: a.biasInitializer,
                      unitForgetBias: try r.bool("unit_forget_bias", true), kernelRegularizer: a.kernelRegularizer,
                      recurrentRegularizer: a.recurrentRegularizer, biasRegularizer: a.biasRegularizer,
                      returnSequences: a.returnSequences, returnState: a.returnState, goBackwards: a.goBackwards,
                      name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Gated recurrent unit (Keras `GRU`), gates in Keras' order z, r, h:
/// `z = σ(x·W_z + h·U_z + b_z)`, `r = σ(x·W_r + h·U_r + b_r)`; with `resetAfter` (the default)
/// `ĥ = tanh(x·W_h + b_h + r·(h·U_h + b'_h))` and a bias of shape `(2, 3·units)` (input and
/// recurrent rows), otherwise `ĥ = tanh(x·W_h + (r·h)·U_h + b_h)` and a bias `(3·units,)`;
/// `h' = z·h + (1 − z)·ĥ`.
public final class GRU: RecurrentLayer {
    public let recurrentActivation: ActivationFunction
    public let resetAfter: Bool

    /// Creates the layer.
    public init(units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                useBias: Bool = true, kernelInitializer: Initializer = GlorotUniform(),
                recurrentInitializer: Initializer = Orthogonal(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, recurrentRegularizer: Regularizer? = nil,
                biasRegularizer: Regularizer? = nil, returnSequences: Bool = false, returnState: Bool = false,
                goBackwards: Bool = false, resetAfter: Bool = true,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        self.recurrentActivation = recurrentActivation
        self.resetAfter = resetAfter
        try super.init(layer: "GRU", gates: 3, stateCount: 1, units: units, activation: activation, useBias: useBias,
                       kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
                       biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
                       recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer,
                       returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                       name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
    }

    override func makeBias() throws -> Variable {
        try addWeight(name: "bias", shape: resetAfter ? [2, 3 * units] : [3 * units], initializer: biasInitializer,
                      regularizer: biasRegularizer)
    }

    override func splitBias(_ b: Tensor?) throws -> (Tensor?, Tensor?) {
        guard let b, resetAfter else { return (b, nil) }
        let rows = try b.split(into: 2, axis: 0)
        return (try rows[0].reshaped(to: [3 * units]), try rows[1].reshaped(to: [3 * units]))
    }

    override func step(_ xp: Tensor, _ states: [Tensor], _ rk: Tensor, _ rb: Tensor?) throws -> (Tensor, [Tensor]) {
        let h = states[0]
        let x = try xp.split(into: 3, axis: -1)
        let hh: Tensor, z: Tensor
        if resetAfter {
            var inner = try h.matmul(rk)
            if let rb { inner = try inner + rb }
            let rec = try inner.split(into: 3, axis: -1)
            z = try recurrentActivation(x[0] + rec[0])
            let r = try recurrentActivation(x[1] + rec[1])
            hh = try activation(x[2] + r * rec[2])
        } else {
            let u = units
            let rkParts = try rk.split(sizes: [2 * u, u], axis: 1)
            let rec = try h.matmul(rkParts[0]).split(into: 2, axis: -1)
            z = try recurrentActivation(x[0] + rec[0])
            let r = try recurrentActivation(x[1] + rec[1])
            hh = try activation(x[2] + (r * h).matmul(rkParts[1]))
        }
        let out = try z * h + (1.0 - z) * hh
        return (out, [out])
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try super.getConfig().objectValue
        c["recurrent_activation"] = .activation(recurrentActivation); c["reset_after"] = .bool(resetAfter)
        return .object(c)
    }
}

extension GRU: KerasSerializable {
    /// "GRU".
    public static var className: String { "GRU" }

    /// Builds the layer from its config ("units" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try RecurrentArguments(&r)
        try self.init(units: a.units, activation: a.activation,
                      recurrentActivation: try r.activation("recurrent_activation", .sigmoid),
                      useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      recurrentInitializer: a.recurrentInitializer, biasInitializer: a.biasInitializer,
                      kernelRegularizer: a.kernelRegularizer, recurrentRegularizer: a.recurrentRegularizer,
                      biasRegularizer: a.biasRegularizer, returnSequences: a.returnSequences,
                      returnState: a.returnState, goBackwards: a.goBackwards,
                      resetAfter: try r.bool("reset_after", true), name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// The arguments every recurrent layer's config holds (Keras `SimpleRNN`/`LSTM`/`GRU`).
struct RecurrentArguments {
    let units: Int
    let activation: ActivationFunction
    let useBias: Bool
    let kernelInitializer: Initializer, recurrentInitializer: Initializer, biasInitializer: Initializer
    let kernelRegularizer: Regularizer?, recurrentRegularizer: Regularizer?, biasRegularizer: Regularizer?
    let returnSequences: Bool, returnState: Bool, goBackwards: Bool

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
        returnSequences = try r.bool("return_sequences", false)
        returnState = try r.bool("return_state", false)
        goBackwards = try r.bool("go_backwards", false)
    }
}
