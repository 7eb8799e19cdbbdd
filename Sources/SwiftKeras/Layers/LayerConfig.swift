// get_config / from_config for the built-in layers (Keras 3 `Layer.get_config`,
// `keras.layers.deserialize`), with Keras' config keys and class names.

import Synchronization

private func ints(_ a: [Int]) -> ConfigValue { .array(a.map { $0 < 0 ? .null : .int($0) }) }
private func act(_ a: ActivationFunction) -> ConfigValue { .string(a.name) }
private func reg(_ r: Regularizer?) throws -> ConfigValue { try r.map(regularizerConfig) ?? .null }
private func ini(_ i: Initializer) throws -> ConfigValue { try initializerConfig(i) }
private func pad(_ p: Padding) -> ConfigValue {
    switch p {
    case .valid: return .string("valid")
    case .same: return .string("same")
    case .causal: return .string("causal")
    }
}

/// A factory building a layer from its config dictionary (see `LayerRegistry`).
public typealias LayerFactory = (ConfigValue) throws -> Layer

/// Custom layer classes known to `layerFromConfig` by class name (Keras
/// `keras.saving.register_keras_serializable`): the C and Python wrappers register their layer
/// classes here so saved models that use them can be loaded.
public enum LayerRegistry {
    private static let factories = Mutex<[String: LayerFactory]>([:])

    /// Registers (or replaces) the factory of `className`. Built-in class names cannot be replaced.
    public static func register(_ className: String, _ factory: @escaping LayerFactory) throws {
        if builtinLayerClassNames.contains(className) {
            throw SwiftKerasError(.invalidArgument, "LayerRegistry: '\(className)' is a built-in layer class and cannot be re-registered")
        }
        factories.withLock { $0[className] = factory }
    }

    /// Removes a registered class.
    public static func unregister(_ className: String) {
        _ = factories.withLock { $0.removeValue(forKey: className) }
    }

    static func factory(_ className: String) -> LayerFactory? {
        factories.withLock { $0[className] }
    }
}

/// The class names `layerFromConfig` builds without registration.
public let builtinLayerClassNames: [String] = [
    "InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute", "RepeatVector",
    "BatchNormalization", "LayerNormalization", "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D",
    "SeparableConv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "ZeroPadding2D", "UpSampling2D", "Embedding", "SimpleRNN", "LSTM", "GRU", "Add", "Subtract",
    "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
]

extension Layer {
    /// The Keras class name of the layer ("Dense", "Conv2D", ...): the Swift class name.
    public var className: String { String(describing: type(of: self)) }

    /// The layer's config with Keras' keys (Keras `layer.get_config()`): the base keys "name",
    /// "trainable", "dtype" (the dtype policy's name), "batch_input_shape" when the layer was
    /// given an input shape and "activity_regularizer" when set, plus the class's arguments
    /// ("units", "activation", "use_bias", "kernel_initializer", "filters", "kernel_size",
    /// "strides", "padding", "data_format", "rate", ...). Initializers and regularizers are
    /// `{"class_name": ..., "config": ...}` dictionaries, activations their names.
    /// `layerFromConfig(className: layer.className, config: layer.getConfig())` rebuilds an
    /// equal, unbuilt layer.
    ///
    /// - Throws: `.invalidArgument` for a `Lambda` layer (its function cannot be serialized), a
    ///   custom initializer or regularizer, or a layer class with no config support (models:
    ///   see `Model.getModelConfig()`).
    public func getConfig() throws -> ConfigValue {
        var c: [String: ConfigValue] = ["name": .string(name), "trainable": .bool(trainable),
                                        "dtype": .string(dtypePolicy.name)]
        if let s = batchInputShape, !(self is InputLayer) { c["batch_input_shape"] = ints(s) }
        if let r = activityRegularizer { c["activity_regularizer"] = try regularizerConfig(r) }
        switch self {
        case let l as InputLayer:
            c["batch_shape"] = ints(l.batchInputShape ?? ([-1] + l.shape))
            c["trainable"] = nil
        case let l as Dense:
            c["units"] = .int(l.units); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["kernel_initializer"] = try ini(l.kernelInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["kernel_regularizer"] = try reg(l.kernelRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
        case let l as Activation:
            c["activation"] = act(l.activation)
        case let l as Dropout:
            c["rate"] = .double(l.rate); c["noise_shape"] = l.noiseShape.map(ints) ?? .null
            c["seed"] = l.seed.map { .int(Int(Int64(bitPattern: $0))) } ?? .null
        case is Flatten:
            c["data_format"] = .string("channels_last")
        case let l as Reshape:
            c["target_shape"] = ints(l.targetShape)
        case let l as Permute:
            c["dims"] = ints(l.dims)
        case let l as RepeatVector:
            c["n"] = .int(l.n)
        case let l as BatchNormalization:
            c["axis"] = .int(l.axis); c["momentum"] = .double(l.momentum); c["epsilon"] = .double(l.epsilon)
            c["center"] = .bool(l.center); c["scale"] = .bool(l.scale)
            c["beta_initializer"] = try ini(l.betaInitializer); c["gamma_initializer"] = try ini(l.gammaInitializer)
            c["moving_mean_initializer"] = try ini(l.movingMeanInitializer)
            c["moving_variance_initializer"] = try ini(l.movingVarianceInitializer)
            c["beta_regularizer"] = try reg(l.betaRegularizer); c["gamma_regularizer"] = try reg(l.gammaRegularizer)
        case let l as LayerNormalization:
            c["axis"] = ints(l.axes); c["epsilon"] = .double(l.epsilon)
            c["center"] = .bool(l.center); c["scale"] = .bool(l.scale)
            c["beta_initializer"] = try ini(l.betaInitializer); c["gamma_initializer"] = try ini(l.gammaInitializer)
            c["beta_regularizer"] = try reg(l.betaRegularizer); c["gamma_regularizer"] = try reg(l.gammaRegularizer)
        case let l as BaseConv:
            c["filters"] = .int(l.filters); c["kernel_size"] = ints(l.kernelSize); c["strides"] = ints(l.strides)
            c["padding"] = pad(l.padding); c["data_format"] = .string("channels_last")
            c["dilation_rate"] = ints(l.dilationRate); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["kernel_initializer"] = try ini(l.kernelInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["kernel_regularizer"] = try reg(l.kernelRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
        case let l as Conv2DTranspose:
            c["filters"] = .int(l.filters); c["kernel_size"] = ints(l.kernelSize); c["strides"] = ints(l.strides)
            c["padding"] = pad(l.padding); c["data_format"] = .string("channels_last")
            c["dilation_rate"] = ints(l.dilationRate); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["kernel_initializer"] = try ini(l.kernelInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["kernel_regularizer"] = try reg(l.kernelRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
        case let l as DepthwiseConv2D:
            c["kernel_size"] = ints(l.kernelSize); c["strides"] = ints(l.strides); c["padding"] = pad(l.padding)
            c["depth_multiplier"] = .int(l.depthMultiplier); c["data_format"] = .string("channels_last")
            c["dilation_rate"] = ints(l.dilationRate); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["depthwise_initializer"] = try ini(l.depthwiseInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["depthwise_regularizer"] = try reg(l.depthwiseRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
        case let l as SeparableConv2D:
            c["filters"] = .int(l.filters); c["kernel_size"] = ints(l.kernelSize); c["strides"] = ints(l.strides)
            c["padding"] = pad(l.padding); c["depth_multiplier"] = .int(l.depthMultiplier)
            c["data_format"] = .string("channels_last")
            c["dilation_rate"] = ints(l.dilationRate); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["depthwise_initializer"] = try ini(l.depthwiseInitializer)
            c["pointwise_initializer"] = try ini(l.pointwiseInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["depthwise_regularizer"] = try reg(l.depthwiseRegularizer)
            c["pointwise_regularizer"] = try reg(l.pointwiseRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
        case let l as BasePooling:
            c["pool_size"] = ints(l.poolSize); c["strides"] = ints(l.strides); c["padding"] = pad(l.padding)
            c["data_format"] = .string("channels_last")
        case let l as BaseGlobalPooling:
            c["keepdims"] = .bool(l.keepDims); c["data_format"] = .string("channels_last")
        case let l as ZeroPadding2D:
            c["padding"] = .array([ints([l.padding.0.0, l.padding.0.1]), ints([l.padding.1.0, l.padding.1.1])])
            c["data_format"] = .string("channels_last")
        case let l as UpSampling2D:
            c["size"] = ints(l.size); c["data_format"] = .string("channels_last")
            c["interpolation"] = .string(l.interpolation == .bilinear ? "bilinear" : "nearest")
        case let l as Embedding:
            c["input_dim"] = .int(l.inputDim); c["output_dim"] = .int(l.outputDim)
            c["embeddings_initializer"] = try ini(l.embeddingsInitializer)
            c["embeddings_regularizer"] = try reg(l.embeddingsRegularizer)
        case let l as RecurrentLayer:
            c["units"] = .int(l.units); c["activation"] = act(l.activation); c["use_bias"] = .bool(l.useBias)
            c["kernel_initializer"] = try ini(l.kernelInitializer)
            c["recurrent_initializer"] = try ini(l.recurrentInitializer); c["bias_initializer"] = try ini(l.biasInitializer)
            c["kernel_regularizer"] = try reg(l.kernelRegularizer)
            c["recurrent_regularizer"] = try reg(l.recurrentRegularizer); c["bias_regularizer"] = try reg(l.biasRegularizer)
            c["return_sequences"] = .bool(l.returnSequences); c["return_state"] = .bool(l.returnState)
            c["go_backwards"] = .bool(l.goBackwards)
            if let r = l as? LSTM {
                c["recurrent_activation"] = act(r.recurrentActivation); c["unit_forget_bias"] = .bool(r.unitForgetBias)
            } else if let r = l as? GRU {
                c["recurrent_activation"] = act(r.recurrentActivation); c["reset_after"] = .bool(r.resetAfter)
            }
        case is BaseMerge:
            break
        case let l as Concatenate:
            c["axis"] = .int(l.axis)
        case is Lambda:
            throw SwiftKerasError(.invalidArgument, "get_config: layer '\(name)' is a Lambda layer; its function cannot be serialized (rebuild it in code and load the weights with loadWeights)")
        default:
            throw SwiftKerasError(.invalidArgument, "get_config: layer '\(name)' of class \(className) has no get_config (only built-in layers and Sequential/functional models are serializable; register custom classes with LayerRegistry and build them in code)")
        }
        return .object(c)
    }
}

/// The layer of class `className` built from `config` (Keras `keras.layers.deserialize` of
/// `{"class_name": className, "config": config}`; the C API's `sk_layer_create(class_name,
/// config_json)`). Built-in classes (`builtinLayerClassNames`), "Sequential" and "Functional"
/// (see `modelFromConfig`) and classes registered in `LayerRegistry` are known. Missing keys take
/// the Keras defaults; unknown keys are an error, as Keras rejects unknown arguments.
///
/// - Throws: `.invalidArgument` for an unknown class, an unknown key or a value of the wrong type,
///   and whatever the layer's initializer throws for invalid arguments.
public func layerFromConfig(className: String, config: ConfigValue) throws -> Layer {
    if className == "Sequential" || className == "Functional" || className == "Model" {
        return try modelFromConfig(.object(["class_name": .string(className), "config": config]))
    }
    if !builtinLayerClassNames.contains(className) {
        if let f = LayerRegistry.factory(className) { return try f(config) }
        throw SwiftKerasError(.invalidArgument, "layers.deserialize: unknown layer class '\(className)' (built-in: \(builtinLayerClassNames.joined(separator: ", ")); custom classes must be registered with LayerRegistry)")
    }
    var r = try ConfigReader(config, owner: "\(className).from_config")
    let name = try r.string("name")
    let policy = try r.string("dtype").map { try DTypePolicy($0) }
    let trainable = try r.bool("trainable", true)
    // Keras configs carry "batch_input_shape" (tf.keras) or "batch_shape" (Keras 3); the
    // constructor keyword "input_shape" (no batch dimension) is accepted too, as Keras layers do.
    let batchShape = try r.ints("batch_input_shape") ?? (try r.ints("batch_shape"))
        ?? (try r.ints("input_shape")).map { [-1] + $0 }
    let activity = try r.regularizer("activity_regularizer")
    let layer: Layer
    switch className {
    case "InputLayer":
        let shapeKey = try r.ints("shape")
        guard let bs = batchShape ?? shapeKey.map({ [-1] + $0 }), !bs.isEmpty else {
            throw SwiftKerasError(.invalidArgument, "InputLayer.from_config: missing required argument 'batch_shape'")
        }
        layer = try InputLayer(shape: Array(bs.dropFirst()), batchSize: bs[0] >= 0 ? bs[0] : nil, name: name, dtype: nil)
    case "Dense":
        layer = try Dense(units: try r.requiredInt("units"), activation: try r.activation("activation", .linear),
                          useBias: try r.bool("use_bias", true),
                          kernelInitializer: try r.initializer("kernel_initializer", GlorotUniform()),
                          biasInitializer: try r.initializer("bias_initializer", Zeros()),
                          kernelRegularizer: try r.regularizer("kernel_regularizer"),
                          biasRegularizer: try r.regularizer("bias_regularizer"), name: name, dtype: policy)
    case "Activation":
        guard r.has("activation") else {
            throw SwiftKerasError(.invalidArgument, "Activation.from_config: missing required argument 'activation'")
        }
        layer = Activation(try r.activation("activation", .linear), name: name, dtype: policy)
    case "Dropout":
        guard let rate = try r.double("rate") else {
            throw SwiftKerasError(.invalidArgument, "Dropout.from_config: missing required argument 'rate'")
        }
        layer = try Dropout(rate: rate, noiseShape: try r.ints("noise_shape"), seed: try r.seed("seed"), name: name, dtype: policy)
    case "Flatten":
        try r.dataFormat()
        layer = Flatten(name: name, dtype: policy)
    case "Reshape":
        guard let t = try r.ints("target_shape") else {
            throw SwiftKerasError(.invalidArgument, "Reshape.from_config: missing required argument 'target_shape'")
        }
        layer = try Reshape(targetShape: t, name: name, dtype: policy)
    case "Permute":
        guard let d = try r.ints("dims") else {
            throw SwiftKerasError(.invalidArgument, "Permute.from_config: missing required argument 'dims'")
        }
        layer = try Permute(dims: d, name: name, dtype: policy)
    case "RepeatVector":
        layer = try RepeatVector(try r.requiredInt("n"), name: name, dtype: policy)
    case "BatchNormalization":
        layer = try BatchNormalization(axis: try r.int("axis", -1), momentum: try r.double("momentum", 0.99),
                                       epsilon: try r.double("epsilon", 1e-3), center: try r.bool("center", true),
                                       scale: try r.bool("scale", true),
                                       betaInitializer: try r.initializer("beta_initializer", Zeros()),
                                       gammaInitializer: try r.initializer("gamma_initializer", Ones()),
                                       movingMeanInitializer: try r.initializer("moving_mean_initializer", Zeros()),
                                       movingVarianceInitializer: try r.initializer("moving_variance_initializer", Ones()),
                                       betaRegularizer: try r.regularizer("beta_regularizer"),
                                       gammaRegularizer: try r.regularizer("gamma_regularizer"), name: name, dtype: policy)
    case "LayerNormalization":
        layer = try LayerNormalization(axes: try r.ints("axis") ?? [-1], epsilon: try r.double("epsilon", 1e-3),
                                       center: try r.bool("center", true), scale: try r.bool("scale", true),
                                       betaInitializer: try r.initializer("beta_initializer", Zeros()),
                                       gammaInitializer: try r.initializer("gamma_initializer", Ones()),
                                       betaRegularizer: try r.regularizer("beta_regularizer"),
                                       gammaRegularizer: try r.regularizer("gamma_regularizer"), name: name, dtype: policy)
    case "Conv1D", "Conv2D", "Conv2DTranspose":
        let n = className == "Conv1D" ? 1 : 2
        let filters = try r.requiredInt("filters")
        guard let k = try r.tuple("kernel_size", count: n) else {
            throw SwiftKerasError(.invalidArgument, "\(className).from_config: missing required argument 'kernel_size'")
        }
        let s = try r.tuple("strides", count: n) ?? Array(repeating: 1, count: n)
        let d = try r.tuple("dilation_rate", count: n) ?? Array(repeating: 1, count: n)
        let p = try r.padding("padding", .valid)
        try r.dataFormat()
        let a = try r.activation("activation", .linear)
        let ub = try r.bool("use_bias", true)
        let ki = try r.initializer("kernel_initializer", GlorotUniform())
        let bi = try r.initializer("bias_initializer", Zeros())
        let kr = try r.regularizer("kernel_regularizer")
        let br = try r.regularizer("bias_regularizer")
        switch className {
        case "Conv1D":
            layer = try Conv1D(filters: filters, kernelSize: k[0], strides: s[0], padding: p, dilationRate: d[0],
                               activation: a, useBias: ub, kernelInitializer: ki, biasInitializer: bi,
                               kernelRegularizer: kr, biasRegularizer: br, name: name, dtype: policy)
        case "Conv2D":
            layer = try Conv2D(filters: filters, kernelSize: k, strides: s, padding: p, dilationRate: d,
                               activation: a, useBias: ub, kernelInitializer: ki, biasInitializer: bi,
                               kernelRegularizer: kr, biasRegularizer: br, name: name, dtype: policy)
        default:
            layer = try Conv2DTranspose(filters: filters, kernelSize: k, strides: s, padding: p, dilationRate: d,
                                        activation: a, useBias: ub, kernelInitializer: ki, biasInitializer: bi,
                                        kernelRegularizer: kr, biasRegularizer: br, name: name, dtype: policy)
        }
    case "DepthwiseConv2D":
        guard let k = try r.tuple("kernel_size", count: 2) else {
            throw SwiftKerasError(.invalidArgument, "DepthwiseConv2D.from_config: missing required argument 'kernel_size'")
        }
        try r.dataFormat()
        layer = try DepthwiseConv2D(kernelSize: k, strides: try r.tuple("strides", count: 2) ?? [1, 1],
                                    padding: try r.padding("padding", .valid),
                                    depthMultiplier: try r.int("depth_multiplier", 1),
                                    dilationRate: try r.tuple("dilation_rate", count: 2) ?? [1, 1],
                                    activation: try r.activation("activation", .linear), useBias: try r.bool("use_bias", true),
                                    depthwiseInitializer: try r.initializer("depthwise_initializer", GlorotUniform()),
                                    biasInitializer: try r.initializer("bias_initializer", Zeros()),
                                    depthwiseRegularizer: try r.regularizer("depthwise_regularizer"),
                                    biasRegularizer: try r.regularizer("bias_regularizer"), name: name, dtype: policy)
    case "SeparableConv2D":
        let filters = try r.requiredInt("filters")
        guard let k = try r.tuple("kernel_size", count: 2) else {
            throw SwiftKerasError(.invalidArgument, "SeparableConv2D.from_config: missing required argument 'kernel_size'")
        }
        try r.dataFormat()
        layer = try SeparableConv2D(filters: filters, kernelSize: k, strides: try r.tuple("strides", count: 2) ?? [1, 1],
                                    padding: try r.padding("padding", .valid),
                                    depthMultiplier: try r.int("depth_multiplier", 1),
                                    dilationRate: try r.tuple("dilation_rate", count: 2) ?? [1, 1],
                                    activation: try r.activation("activation", .linear), useBias: try r.bool("use_bias", true),
                                    depthwiseInitializer: try r.initializer("depthwise_initializer", GlorotUniform()),
                                    pointwiseInitializer: try r.initializer("pointwise_initializer", GlorotUniform()),
                                    biasInitializer: try r.initializer("bias_initializer", Zeros()),
                                    depthwiseRegularizer: try r.regularizer("depthwise_regularizer"),
                                    pointwiseRegularizer: try r.regularizer("pointwise_regularizer"),
                                    biasRegularizer: try r.regularizer("bias_regularizer"), name: name, dtype: policy)
    case "MaxPooling1D", "AveragePooling1D":
        let ps = try r.tuple("pool_size", count: 1)?[0] ?? 2
        let st = try r.tuple("strides", count: 1)?[0]
        let p = try r.padding("padding", .valid)
        try r.dataFormat()
        layer = className == "MaxPooling1D"
            ? try MaxPooling1D(poolSize: ps, strides: st, padding: p, name: name, dtype: policy)
            : try AveragePooling1D(poolSize: ps, strides: st, padding: p, name: name, dtype: policy)
    case "MaxPooling2D", "AveragePooling2D":
        let ps = try r.tuple("pool_size", count: 2) ?? [2, 2]
        let st = try r.tuple("strides", count: 2)
        let p = try r.padding("padding", .valid)
        try r.dataFormat()
        layer = className == "MaxPooling2D"
            ? try MaxPooling2D(poolSize: ps, strides: st, padding: p, name: name, dtype: policy)
            : try AveragePooling2D(poolSize: ps, strides: st, padding: p, name: name, dtype: policy)
    case "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D":
        let k = try r.bool("keepdims", false)
        try r.dataFormat()
        switch className {
        case "GlobalAveragePooling1D": layer = GlobalAveragePooling1D(keepDims: k, name: name, dtype: policy)
        case "GlobalAveragePooling2D": layer = GlobalAveragePooling2D(keepDims: k, name: name, dtype: policy)
        case "GlobalMaxPooling1D": layer = GlobalMaxPooling1D(keepDims: k, name: name, dtype: policy)
        default: layer = GlobalMaxPooling2D(keepDims: k, name: name, dtype: policy)
        }
    case "ZeroPadding2D":
        try r.dataFormat()
        var p = ((1, 1), (1, 1))
        if let v = r.raw("padding") {
            switch v {
            case .int(let i): p = ((i, i), (i, i))
            case .array(let a) where a.count == 2:
                func pair(_ e: ConfigValue) throws -> (Int, Int) {
                    switch e {
                    case .int(let i): return (i, i)
                    case .array(let q) where q.count == 2:
                        if case .int(let x) = q[0], case .int(let y) = q[1] { return (x, y) }
                    default: break
                    }
                    throw r.fail("padding", "an integer, a pair or a pair of pairs", v)
                }
                p = (try pair(a[0]), try pair(a[1]))
            default: throw r.fail("padding", "an integer, a pair or a pair of pairs", v)
            }
        }
        layer = try ZeroPadding2D(padding: p, name: name, dtype: policy)
    case "UpSampling2D":
        try r.dataFormat()
        let size = try r.tuple("size", count: 2) ?? [2, 2]
        let interp = try r.string("interpolation") ?? "nearest"
        let method: ResizeMethod
        switch interp {
        case "nearest": method = .nearest
        case "bilinear": method = .bilinear
        default: throw SwiftKerasError(.invalidArgument, "UpSampling2D.from_config: interpolation must be \"nearest\" or \"bilinear\", got \"\(interp)\"")
        }
        layer = try UpSampling2D(size: size, interpolation: method, name: name, dtype: policy)
    case "Embedding":
        layer = try Embedding(inputDim: try r.requiredInt("input_dim"), outputDim: try r.requiredInt("output_dim"),
                              embeddingsInitializer: try r.initializer("embeddings_initializer", RandomUniform()),
                              embeddingsRegularizer: try r.regularizer("embeddings_regularizer"), name: name, dtype: policy)
    case "SimpleRNN", "LSTM", "GRU":
        let units = try r.requiredInt("units")
        let a = try r.activation("activation", .tanh)
        let ub = try r.bool("use_bias", true)
        let ki = try r.initializer("kernel_initializer", GlorotUniform())
        let ri = try r.initializer("recurrent_initializer", Orthogonal())
        let bi = try r.initializer("bias_initializer", Zeros())
        let kr = try r.regularizer("kernel_regularizer")
        let rr = try r.regularizer("recurrent_regularizer")
        let br = try r.regularizer("bias_regularizer")
        let rs = try r.bool("return_sequences", false)
        let rst = try r.bool("return_state", false)
        let gb = try r.bool("go_backwards", false)
        switch className {
        case "SimpleRNN":
            layer = try SimpleRNN(units: units, activation: a, useBias: ub, kernelInitializer: ki, recurrentInitializer: ri,
                                  biasInitializer: bi, kernelRegularizer: kr, recurrentRegularizer: rr, biasRegularizer: br,
                                  returnSequences: rs, returnState: rst, goBackwards: gb, name: name, dtype: policy)
        case "LSTM":
            layer = try LSTM(units: units, activation: a, recurrentActivation: try r.activation("recurrent_activation", .sigmoid),
                             useBias: ub, kernelInitializer: ki, recurrentInitializer: ri, biasInitializer: bi,
                             unitForgetBias: try r.bool("unit_forget_bias", true), kernelRegularizer: kr,
                             recurrentRegularizer: rr, biasRegularizer: br, returnSequences: rs, returnState: rst,
                             goBackwards: gb, name: name, dtype: policy)
        default:
            layer = try GRU(units: units, activation: a, recurrentActivation: try r.activation("recurrent_activation", .sigmoid),
                            useBias: ub, kernelInitializer: ki, recurrentInitializer: ri, biasInitializer: bi,
                            kernelRegularizer: kr, recurrentRegularizer: rr, biasRegularizer: br, returnSequences: rs,
                            returnState: rst, goBackwards: gb, resetAfter: try r.bool("reset_after", true),
                            name: name, dtype: policy)
        }
    case "Add": layer = Add(name: name, dtype: policy)
    case "Subtract": layer = Subtract(name: name, dtype: policy)
    case "Multiply": layer = Multiply(name: name, dtype: policy)
    case "Average": layer = Average(name: name, dtype: policy)
    case "Maximum": layer = Maximum(name: name, dtype: policy)
    default:
        if className == "Minimum" {
            layer = Minimum(name: name, dtype: policy)
        } else {
            layer = Concatenate(axis: try r.int("axis", -1), name: name, dtype: policy)
        }
    }
    try r.finish()
    if !(layer is InputLayer) {
        if let bs = batchShape { layer.batchInputShape = bs }
        layer.trainable = trainable
    }
    layer.activityRegularizer = activity
    return layer
}

/// `layerFromConfig` on Keras' serialized form `{"class_name": ..., "config": {...}}`
/// (Keras `keras.layers.deserialize`).
public func layerFromConfig(_ serialized: ConfigValue) throws -> Layer {
    guard case .string(let cls)? = serialized["class_name"], let config = serialized["config"] else {
        throw SwiftKerasError(.invalidArgument, "layers.deserialize: expected {\"class_name\": ..., \"config\": {...}}, got \(serialized.json)")
    }
    return try layerFromConfig(className: cls, config: config)
}

/// `layerFromConfig` taking the config as JSON text (for the C API's
/// `sk_layer_create(class_name, config_json)`).
public func layerFromConfig(className: String, configJSON: String) throws -> Layer {
    try layerFromConfig(className: className, config: try ConfigValue.parse(json: configJSON))
}
