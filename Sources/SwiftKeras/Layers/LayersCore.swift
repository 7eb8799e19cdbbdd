// Core layers: InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
// Lambda (Keras 3 keras/src/layers/core and layers/reshaping).

/// The product of `dims`, throwing instead of overflowing.
func layerElementCount(_ dims: ArraySlice<Int>, op: StaticString) throws -> Int {
    try ShapeMath.count(Array(dims), op: op)
}

/// A layer's positive integer argument, or an error naming it.
func positiveArgument(_ value: Int, _ argument: String, layer: String) throws -> Int {
    if value <= 0 {
        throw SwiftKerasError.invalid("\(layer): received an invalid value for argument `\(argument)`; expected a positive integer, got \(value)")
    }
    return value
}

/// The entry point of a model: passes its input through, checking it against `shape`
/// (Keras `InputLayer` / `keras.Input`). Inputs are not cast (their dtype is the model's input dtype).
public final class InputLayer: Layer {
    /// The input shape without the batch dimension (-1 for unknown dimensions).
    public let shape: [Int]

    /// Creates an input layer for inputs of `shape` (batch excluded) and an optional fixed batch size.
    public init(shape: [Int], batchSize: Int? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if shape.contains(where: { $0 < -1 }) {
            throw SwiftKerasError.invalid("InputLayer: invalid shape \(formatShape(shape)); dimensions must be non-negative or -1 (unknown)")
        }
        if let b = batchSize, b <= 0 {
            throw SwiftKerasError.invalid("InputLayer: batch_size must be positive, got \(b)")
        }
        self.shape = shape
        super.init(name: name, dtype: dtype, trainable: true, inputShape: shape)
        batchInputShape = [batchSize ?? -1] + shape
        autocast = false
    }

    public override func call(_ input: Tensor, training: Bool) throws -> Tensor {
        let expected = batchInputShape ?? ([-1] + shape)
        let ok = input.rank == expected.count && zip(input.shape, expected).allSatisfy { $1 == -1 || $0 == $1 }
        if !ok {
            throw SwiftKerasError.invalid("Layer '\(name)': input of shape \(formatShape(input.shape)) is incompatible with the expected shape \(formatShape(expected))")
        }
        return input
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["batch_input_shape"] = nil
        c["trainable"] = nil
        c["batch_shape"] = .ints(batchInputShape ?? ([-1] + shape))
        return .object(c)
    }
}

extension InputLayer: ConfigurableLayer {
    /// "InputLayer".
    public static var className: String { "InputLayer" }

    /// Builds the layer from "batch_shape" (or "batch_input_shape", or "shape" / "input_shape" without the batch dimension).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let shapeKey = try r.ints("shape")
        for key in ["sparse", "ragged", "optional"] { try r.onlyDefault(key, .bool(false)) }
        guard let bs = base.batchShape ?? shapeKey.map({ [-1] + $0 }), !bs.isEmpty else {
            throw r.missing("batch_shape")
        }
        try self.init(shape: Array(bs.dropFirst()), batchSize: bs[0] >= 0 ? bs[0] : nil, name: base.name, dtype: nil)
    }
}

/// A densely connected layer: `activation(x · kernel + bias)` over the last axis (Keras `Dense`).
/// The kernel has shape `(inputDim, units)`; inputs of rank > 2 are multiplied along their last axis.
public final class Dense: Layer {
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?
    public let biasRegularizer: Regularizer?
    /// The kernel `(inputDim, units)`, once built.
    public private(set) var kernel: Variable?
    /// The bias `(units,)`, once built (nil without `useBias`).
    public private(set) var bias: Variable?

    /// Creates the layer (Keras defaults: linear activation, glorot_uniform kernel, zero bias).
    public init(units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        self.units = try positiveArgument(units, "units", layer: "Dense")
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    public override func build(inputShape: [Int]) throws {
        guard inputShape.count >= 2, let d = inputShape.last, d > 0 else {
            throw SwiftKerasError.invalid("Dense '\(name)': expected an input of rank >= 2 with a known, positive last dimension, got shape \(formatShape(inputShape))")
        }
        kernel = try addWeight(name: "kernel", shape: [d, units], initializer: kernelInitializer,
                               regularizer: kernelRegularizer)
        if useBias {
            bias = try addWeight(name: "bias", shape: [units], initializer: biasInitializer, regularizer: biasRegularizer)
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let kernel else { throw SwiftKerasError(.runtime, "Dense '\(name)': called before build") }
        try checkLastDimension(x, kernel.shape[0])
        if x.rank < 2 {
            throw SwiftKerasError.invalid("Dense '\(name)': expected an input of rank >= 2, got shape \(formatShape(x.shape))")
        }
        let k = try read(kernel)
        let y: Tensor
        if x.rank == 2 {
            y = try x.matmul(k)
        } else {
            let lead = Array(x.shape.dropLast())
            let rows = try layerElementCount(lead[...], op: "dense")
            y = try x.reshaped(to: [rows, kernel.shape[0]]).matmul(k).reshaped(to: lead + [units])
        }
        return try biasAndActivation(y, bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        if inputShape.count < 2 {
            throw SwiftKerasError.invalid("Dense '\(name)': expected an input of rank >= 2, got shape \(formatShape(inputShape))")
        }
        return inputShape.dropLast() + [units]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["units": .int(units), "activation": .activation(activation), "use_bias": .bool(useBias),
                         "kernel_initializer": .initializer(kernelInitializer),
                         "bias_initializer": .initializer(biasInitializer),
                         "kernel_regularizer": .regularizer(kernelRegularizer),
                         "bias_regularizer": .regularizer(biasRegularizer)])
    }
}

extension Dense: ConfigurableLayer {
    /// "Dense".
    public static var className: String { "Dense" }

    /// Builds the layer from its config ("units" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(units: try r.requiredInt("units"), activation: try r.activation("activation", .linear),
                      useBias: try r.bool("use_bias", true),
                      kernelInitializer: try r.initializer("kernel_initializer", GlorotUniform()),
                      biasInitializer: try r.initializer("bias_initializer", Zeros()),
                      kernelRegularizer: try r.regularizer("kernel_regularizer"),
                      biasRegularizer: try r.regularizer("bias_regularizer"), name: base.name, dtype: base.dtype)
    }
}

/// Applies an activation function (Keras `Activation`).
public final class Activation: Layer {
    public let activation: ActivationFunction
    /// Creates the layer.
    public init(_ activation: ActivationFunction, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.activation = activation
        super.init(name: name, dtype: dtype)
    }
    /// Creates the layer from an activation name ("relu", ...).
    public convenience init(named activation: String, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.init(try ActivationFunction(named: activation), name: name, dtype: dtype)
    }
    public override func call(_ x: Tensor, training: Bool) throws -> Tensor { try activation(x) }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["activation": .activation(activation)])
    }
}

extension Activation: ConfigurableLayer {
    /// "Activation".
    public static var className: String { "Activation" }

    /// Builds the layer from its config ("activation" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard r.has("activation") else { throw r.missing("activation") }
        self.init(try r.activation("activation", .linear), name: base.name, dtype: base.dtype)
    }
}

/// Randomly zeroes a fraction `rate` of the inputs while training, scaling the rest by
/// `1 / (1 - rate)`; the identity otherwise (Keras `Dropout`).
///
/// With a `seed`, the masks of successive training calls are a reproducible sequence (as Keras'
/// seed generator); without one, each call draws a fresh mask.
public final class Dropout: Layer {
    public let rate: Double
    /// The mask's shape, as Keras `noise_shape` (batch included; -1 entries take the input's size).
    public let noiseShape: [Int]?
    public let seed: UInt64?
    private var calls: UInt64 = 0

    /// Creates the layer; `rate` must be in [0, 1].
    public init(rate: Double, noiseShape: [Int]? = nil, seed: UInt64? = nil, name: String? = nil,
                dtype: DTypePolicy? = nil) throws {
        if !(rate >= 0 && rate <= 1) {
            throw SwiftKerasError.invalid("Dropout: invalid value received for argument `rate`; expected a float value between 0 and 1, got \(rate)")
        }
        self.rate = rate
        self.noiseShape = noiseShape
        self.seed = seed
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if !training || rate == 0 || !x.dtype.isFloatingPoint { return x }
        if rate == 1 { return try x * 0.0 }
        var ns: [Int]? = nil
        if let noiseShape {
            if noiseShape.count != x.rank {
                throw SwiftKerasError.invalid("Dropout '\(name)': noise_shape \(formatShape(noiseShape)) does not match the input rank (input \(formatShape(x.shape)))")
            }
            ns = zip(noiseShape, x.shape).map { $0 == -1 ? $1 : $0 }
        }
        let s: UInt64
        if let seed {
            s = seed &+ calls &* 0x9E37_79B9_7F4A_7C15
            calls &+= 1
        } else {
            s = Random.freshSeed()
        }
        return try x.dropout(rate: rate, noiseShape: ns, seed: s)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["rate": .double(rate), "noise_shape": noiseShape.map(ConfigValue.ints) ?? .null,
                         "seed": .seed(seed)])
    }
}

extension Dropout: ConfigurableLayer {
    /// "Dropout".
    public static var className: String { "Dropout" }

    /// Builds the layer from its config ("rate" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(rate: try r.requiredDouble("rate"), noiseShape: try r.ints("noise_shape"), seed: try r.seed("seed"), name: base.name, dtype: base.dtype)
    }
}

/// Flattens each sample: `(batch, d1, d2, ...) → (batch, d1·d2·...)` (Keras `Flatten`; a
/// rank-1 input gives `(batch, 1)`).
public final class Flatten: Layer {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) {
        super.init(name: name, dtype: dtype, inputShape: inputShape)
    }
    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.rank == 0 {
            throw SwiftKerasError.invalid("Flatten '\(name)': expected an input with a batch dimension, got a scalar")
        }
        return try x.reshaped(to: [x.shape[0], try layerElementCount(x.shape.dropFirst(), op: "flatten")])
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        guard let b = inputShape.first else {
            throw SwiftKerasError.invalid("Flatten '\(name)': expected an input with a batch dimension, got a scalar")
        }
        let rest = inputShape.dropFirst()
        return [b, rest.contains(-1) ? -1 : try layerElementCount(rest, op: "flatten")]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["data_format": .string("channels_last")])
    }
}

extension Flatten: ConfigurableLayer {
    /// "Flatten".
    public static var className: String { "Flatten" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.dataFormat()
        self.init(name: base.name, dtype: base.dtype)
    }
}

/// Reshapes each sample to `targetShape` (batch excluded; one entry may be -1) (Keras `Reshape`).
public final class Reshape: Layer {
    public let targetShape: [Int]
    /// Creates the layer.
    public init(targetShape: [Int], name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) throws {
        if targetShape.filter({ $0 == -1 }).count > 1 || targetShape.contains(where: { $0 < -1 }) {
            throw SwiftKerasError.invalid("Reshape: target_shape \(formatShape(targetShape)) may hold non-negative dimensions and at most one -1")
        }
        self.targetShape = targetShape
        super.init(name: name, dtype: dtype, inputShape: inputShape)
    }

    private func resolved(_ inputShape: [Int]) throws -> [Int] {
        let total = try layerElementCount(inputShape.dropFirst(), op: "reshape")
        var out = targetShape
        let known = try layerElementCount(targetShape.filter { $0 != -1 }[...], op: "reshape")
        if let i = targetShape.firstIndex(of: -1) {
            if known == 0 || total % known != 0 {
                throw SwiftKerasError.invalid("Reshape '\(name)': the total size of the new array must be unchanged, input_shape = \(formatShape(Array(inputShape.dropFirst()))), output_shape = \(formatShape(targetShape))")
            }
            out[i] = total / known
        } else if known != total {
            throw SwiftKerasError.invalid("Reshape '\(name)': the total size of the new array must be unchanged, input_shape = \(formatShape(Array(inputShape.dropFirst()))), output_shape = \(formatShape(targetShape))")
        }
        return out
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.rank == 0 { throw SwiftKerasError.invalid("Reshape '\(name)': expected an input with a batch dimension") }
        return try x.reshaped(to: [x.shape[0]] + resolved(x.shape))
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        guard let b = inputShape.first else { throw SwiftKerasError.invalid("Reshape '\(name)': expected an input with a batch dimension") }
        if inputShape.dropFirst().contains(-1) { return [b] + targetShape }
        return [b] + (try resolved(inputShape))
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["target_shape": .ints(targetShape)])
    }
}

extension Reshape: ConfigurableLayer {
    /// "Reshape".
    public static var className: String { "Reshape" }

    /// Builds the layer from its config ("target_shape" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(targetShape: try r.requiredInts("target_shape"), name: base.name, dtype: base.dtype)
    }
}

/// Permutes the non-batch axes: `dims` is a permutation of 1...rank-1 (Keras `Permute`).
public final class Permute: Layer {
    public let dims: [Int]
    /// Creates the layer.
    public init(dims: [Int], name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) throws {
        if dims.sorted() != Array(1...Swift.max(1, dims.count)) || dims.isEmpty {
            throw SwiftKerasError.invalid("Permute: invalid permutation argument `dims` \(dims); the set of indices in `dims` must be consecutive and start from 1")
        }
        self.dims = dims
        super.init(name: name, dtype: dtype, inputShape: inputShape)
    }
    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.rank != dims.count + 1 {
            throw SwiftKerasError.invalid("Permute '\(name)': dims \(dims) need an input of rank \(dims.count + 1), got shape \(formatShape(x.shape))")
        }
        return try x.transposed([0] + dims)
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        if inputShape.count != dims.count + 1 {
            throw SwiftKerasError.invalid("Permute '\(name)': dims \(dims) need an input of rank \(dims.count + 1), got shape \(formatShape(inputShape))")
        }
        return [inputShape[0]] + dims.map { inputShape[$0] }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["dims": .ints(dims)])
    }
}

extension Permute: ConfigurableLayer {
    /// "Permute".
    public static var className: String { "Permute" }

    /// Builds the layer from its config ("dims" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(dims: try r.requiredInts("dims"), name: base.name, dtype: base.dtype)
    }
}

/// Repeats each input vector `n` times: `(batch, features) → (batch, n, features)` (Keras `RepeatVector`).
public final class RepeatVector: Layer {
    public let n: Int
    /// Creates the layer.
    public init(_ n: Int, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.n = try positiveArgument(n, "n", layer: "RepeatVector")
        super.init(name: name, dtype: dtype)
    }
    public override func call(_ x: Tensor, training: Bool) throws -> Tensor { try x.repeatedVector(count: n) }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 2)
        return [inputShape[0], n, inputShape[1]]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["n": .int(n)])
    }
}

extension RepeatVector: ConfigurableLayer {
    /// "RepeatVector".
    public static var className: String { "RepeatVector" }

    /// Builds the layer from its config ("n" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try self.init(try r.requiredInt("n"), name: base.name, dtype: base.dtype)
    }
}

/// Wraps a closure as a layer (Keras `Lambda`); it has no weights.
public final class Lambda: Layer {
    private let function: ([Tensor]) throws -> Tensor
    /// The output shape without the batch dimension, if given (otherwise found by running).
    public let outputShape: [Int]?

    /// A layer applying `function` to its single input.
    public init(_ function: @escaping (Tensor) throws -> Tensor, outputShape: [Int]? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) {
        self.function = { xs in
            if xs.count != 1 { throw SwiftKerasError.invalid("Lambda: expected 1 input, got \(xs.count)") }
            return try function(xs[0])
        }
        self.outputShape = outputShape
        super.init(name: name, dtype: dtype)
    }

    /// A layer applying `function` to all its inputs.
    public init(multiple function: @escaping ([Tensor]) throws -> Tensor, outputShape: [Int]? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) {
        self.function = function
        self.outputShape = outputShape
        super.init(name: name, dtype: dtype)
    }

/// Throws: a Lambda layer's function cannot be serialized.
public override func getConfig() throws -> ConfigValue {
    throw SwiftKerasError(.invalidArgument, "get_config: layer '\(name)' is a Lambda layer; its function cannot be serialized (rebuild it in code and load the weights with loadWeights)")
}

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor { try function(inputs) }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        if let outputShape, let b = inputShapes.first?.first { return [b] + outputShape }
        if inputShapes.count == 1 { return try super.computeOutputShape(inputShapes[0]) }
        return try super.computeOutputShape(inputShapes)
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try computeOutputShape([inputShape])
    }
}
