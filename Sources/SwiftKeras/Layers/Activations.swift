import Glibc

/// An activation function with a Keras name, built from differentiable core ops.
///
/// Implements `keras.activations` and their lookup by name (`keras.activations.get`): layers
/// take an `ActivationFunction` (e.g. `.relu`) or resolve a name with
/// `ActivationFunction(named: "relu")`. A custom function is `ActivationFunction(name:) { x in ... }`.
public struct ActivationFunction: CustomStringConvertible {
    /// The Keras name ("relu", "gelu", ...; custom functions carry the name they were given).
    public let name: String
    private let body: (Tensor) throws -> Tensor
    /// True for the built-in `relu` only (layers fuse it with their bias: `biasAddedRelu`).
    let isBuiltinReLU: Bool

    /// A custom activation function named `name`.
    public init(name: String, _ body: @escaping (Tensor) throws -> Tensor) {
        self.init(name: name, isBuiltinReLU: false, body)
    }

    private init(name: String, isBuiltinReLU: Bool, _ body: @escaping (Tensor) throws -> Tensor) {
        self.name = name
        self.body = body
        self.isBuiltinReLU = isBuiltinReLU
    }

    /// Applies the function.
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try body(x) }

    public var description: String { "<activation \(name)>" }

    /// Whether this is the identity (`linear`), which layers skip.
    public var isLinear: Bool { name == "linear" }

    /// The built-in activation named `name` (Keras spellings, incl. the aliases "swish" for
    /// "silu" and "hard_swish" for "hard_silu"). Throws `.invalidArgument` for an unknown name.
    public init(named name: String) throws {
        guard let f = ActivationFunction.builtins[name] else {
            let known = ActivationFunction.builtins.keys.sorted().joined(separator: ", ")
            throw SwiftKerasError.invalid("activations.get: could not interpret activation function identifier: '\(name)' (known: \(known))")
        }
        self = f
    }

    /// The names `init(named:)` accepts.
    public static var builtinNames: [String] { builtins.keys.sorted() }

    private static let builtins: [String: ActivationFunction] = {
        var d: [String: ActivationFunction] = [:]
        for f in [linear, relu, relu6, leakyReLU, elu, selu, softmax, logSoftmax, softplus, softsign,
                  silu, gelu, tanh, sigmoid, exponential, hardSigmoid, hardSiLU, hardTanh, logSigmoid, mish] {
            d[f.name] = f
        }
        d["swish"] = silu
        d["hard_swish"] = hardSiLU
        return d
    }()

    // MARK: Built-ins

    /// The identity (`keras.activations.linear`).
    public static let linear = ActivationFunction(name: "linear") { $0 }
    /// max(x, 0) (`keras.activations.relu`).
    public static let relu = ActivationFunction(name: "relu", isBuiltinReLU: true) { try $0.biasAddedRelu(nil) }
    /// min(max(x, 0), 6) (`keras.activations.relu6`).
    public static let relu6 = ActivationFunction(name: "relu6") { try SwiftKeras.relu($0, maxValue: 6) }
    /// x for x > 0, 0.2·x otherwise (`keras.activations.leaky_relu`, negative_slope 0.2).
    public static let leakyReLU = ActivationFunction(name: "leaky_relu") { try SwiftKeras.relu($0, alpha: 0.2) }
    /// x for x > 0, exp(x) − 1 otherwise (`keras.activations.elu`, alpha 1).
    public static let elu = ActivationFunction(name: "elu") { try SwiftKeras.elu($0) }
    /// scale·elu(x, alpha) with Keras' constants (`keras.activations.selu`); its derivative at 0
    /// is `scale`, as TensorFlow's SeluGrad (the negative branch only below 0).
    public static let selu = ActivationFunction(name: "selu") { x in
        try select(x.isLess(than: .int(0)), SwiftKeras.elu(x, alpha: 1.67326324), x) * 1.05070098
    }
    /// Softmax over the last axis (`keras.activations.softmax`).
    public static let softmax = ActivationFunction(name: "softmax") { try $0.softmax(alongAxis: -1) }
    /// Log-softmax over the last axis (`keras.activations.log_softmax`).
    public static let logSoftmax = ActivationFunction(name: "log_softmax") { try $0.logSoftmax(alongAxis: -1) }
    /// log(1 + exp(x)) (`keras.activations.softplus`).
    public static let softplus = ActivationFunction(name: "softplus") { try SwiftKeras.softplus($0) }
    /// x / (1 + |x|) (`keras.activations.softsign`).
    public static let softsign = ActivationFunction(name: "softsign") { try SwiftKeras.softsign($0) }
    /// x·sigmoid(x) (`keras.activations.silu`, alias "swish").
    public static let silu = ActivationFunction(name: "silu") { x in try x * SwiftKeras.sigmoid(x) }
    /// The exact GELU 0.5·x·(1 + erf(x/√2)) (`keras.activations.gelu`, approximate=False).
    public static let gelu = ActivationFunction(name: "gelu") { x in
        try x * (erfActivation(x * 0.7071067811865476) + 1) * 0.5
    }
    /// The tanh approximation of GELU (`keras.activations.gelu(x, approximate=True)`).
    public static let geluApproximate = ActivationFunction(name: "gelu_approximate") { x in
        let inner = try (x + x * x * x * 0.044715) * 0.7978845608028654
        return try x * (SwiftKeras.tanh(inner) + 1) * 0.5
    }
    /// Hyperbolic tangent (`keras.activations.tanh`).
    public static let tanh = ActivationFunction(name: "tanh") { try SwiftKeras.tanh($0) }
    /// 1 / (1 + exp(−x)) (`keras.activations.sigmoid`).
    public static let sigmoid = ActivationFunction(name: "sigmoid") { try SwiftKeras.sigmoid($0) }
    /// exp(x) (`keras.activations.exponential`).
    public static let exponential = ActivationFunction(name: "exponential") { try SwiftKeras.exp($0) }
    /// clip(0.2·x + 0.5, 0, 1) (`keras.activations.hard_sigmoid`, tf.keras 2's definition — Keras 3
    /// uses relu6(x + 3) / 6): the core op `hardSigmoid`, also `K.hard_sigmoid` and what LSTM/GRU
    /// use for `recurrent_activation="hard_sigmoid"`.
    public static let hardSigmoid = ActivationFunction(name: "hard_sigmoid") { try SwiftKeras.hardSigmoid($0) }
    /// x·relu6(x + 3) / 6 (`keras.activations.hard_silu`, alias "hard_swish"; Keras 3 only, whose
    /// definition it keeps — tf.keras 2 has no hard_silu).
    public static let hardSiLU = ActivationFunction(name: "hard_silu") { x in
        try x * (SwiftKeras.relu(x + 3.0, maxValue: 6) / 6.0)
    }
    /// clip(x, −1, 1) (`keras.activations.hard_tanh`).
    public static let hardTanh = ActivationFunction(name: "hard_tanh") { try $0.clipped(min: -1.0, max: 1.0) }
    /// log(sigmoid(x)) = −softplus(−x) (`keras.activations.log_sigmoid`).
    public static let logSigmoid = ActivationFunction(name: "log_sigmoid") { x in
        try SwiftKeras.softplus(x.negated()).negated()
    }
    /// x·tanh(softplus(x)) (`keras.activations.mish`).
    public static let mish = ActivationFunction(name: "mish") { x in
        try x * SwiftKeras.tanh(SwiftKeras.softplus(x))
    }

    /// `x > 0 ? x : negativeSlope·x` (`keras.activations.leaky_relu(x, negative_slope)`).
    public static func leakyReLU(negativeSlope: Double) -> ActivationFunction {
        ActivationFunction(name: "leaky_relu") { try SwiftKeras.relu($0, alpha: negativeSlope) }
    }
}

/// erf(x) elementwise (float inputs; integers give float32), with the gradient
/// 2/√π · exp(−x²). Used by the exact GELU.
func erfActivation(_ x: Tensor) throws -> Tensor {
    let xf = x.dtype.isFloatingPoint ? x : try x.cast(to: .float32)
    return try customGradient([xf], forward: { ins in
        let t = ins[0]
        return try Tensor.from(doubles: t.doubles.map { Glibc.erf($0) }, shape: t.shape, dtype: t.dtype)
    }, backward: { g in
        [try g * (SwiftKeras.exp(xf * xf * -1.0) * 1.1283791670955126)]
    })
}
