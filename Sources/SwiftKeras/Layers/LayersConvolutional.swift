// Convolution layers (Keras 3 keras/src/layers/convolutional), channels-last.

/// A window parameter of `n` values (one value is repeated), each positive.
func windowParameter(_ v: [Int], _ n: Int, _ argument: String, layer: String) throws -> [Int] {
    let out = v.count == 1 ? [Int](repeating: v[0], count: n) : v
    if out.count != n || out.contains(where: { $0 <= 0 }) {
        throw SwiftKerasError.invalid("\(layer): the `\(argument)` argument must be a list of \(n) positive integers (or one), got \(v)")
    }
    return out
}

/// Keras `compute_conv_output_shape` for one spatial dimension (-1 stays unknown).
func convOutputLength(_ length: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
    if length < 0 { return -1 }
    let k = (kernel - 1) * dilation + 1
    switch padding {
    case .valid: return length >= k ? (length - k) / stride + 1 : 0
    case .same, .causal: return (length + stride - 1) / stride
    }
}

/// The shape `(batch, spatial..., channels)` of a window (`kernel`, `strides`, `dilation`,
/// `padding`) slid over the spatial dimensions of a channels-last `inputShape`: each spatial
/// length as `length` gives it (`convOutputLength`, or `deconvOutputLength` for a transposed
/// convolution).
func windowOutputShape(_ inputShape: [Int], kernel: [Int], strides: [Int], dilation: [Int]?, padding: Padding,
                       channels: Int, length: (Int, Int, Int, Int, Padding) -> Int = convOutputLength) -> [Int] {
    let spatial = kernel.indices.map { length(inputShape[$0 + 1], kernel[$0], strides[$0], dilation?[$0] ?? 1, padding) }
    return [inputShape[0]] + spatial + [channels]
}

/// The validated kernel size, strides and dilation rate of a convolution over `rank` spatial
/// dimensions (each a list of `rank` positive integers, or one; checked in that order).
func convolutionWindow(_ kernelSize: [Int], _ strides: [Int], _ dilationRate: [Int], rank: Int,
                       layer: String) throws -> (kernelSize: [Int], strides: [Int], dilationRate: [Int]) {
    (try windowParameter(kernelSize, rank, "kernel_size", layer: layer),
     try windowParameter(strides, rank, "strides", layer: layer),
     try windowParameter(dilationRate, rank, "dilation_rate", layer: layer))
}

/// Keras `deconv_output_length` (output_padding None) for one spatial dimension.
func deconvOutputLength(_ length: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
    if length < 0 { return -1 }
    let k = (kernel - 1) * dilation + 1
    switch padding {
    case .valid: return length * stride + Swift.max(k - stride, 0)
    case .same, .causal: return length * stride
    }
}

/// The shared part of `Conv1D` and `Conv2D` (Keras `BaseConv`): a kernel of shape
/// `kernelSize + (inChannels, filters)`, an optional bias and activation. Channels-last.
public class BaseConv: Layer {
    /// The number of spatial dimensions.
    public let rank: Int
    public let filters: Int
    public let kernelSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let dilationRate: [Int]
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer, biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?, biasRegularizer: Regularizer?
    public private(set) var kernel: Variable?
    public private(set) var bias: Variable?

    init(rank: Int, layer: String, filters: Int, kernelSize: [Int], strides: [Int], padding: Padding,
         dilationRate: [Int], activation: ActivationFunction, useBias: Bool, kernelInitializer: Initializer,
         biasInitializer: Initializer, kernelRegularizer: Regularizer?, biasRegularizer: Regularizer?,
         activityRegularizer: Regularizer?, name: String?, dtype: DTypePolicy?, trainable: Bool, inputShape: [Int]?) throws {
        self.rank = rank
        self.filters = try positiveArgument(filters, "filters", layer: layer)
        (self.kernelSize, self.strides, self.dilationRate) =
            try convolutionWindow(kernelSize, strides, dilationRate, rank: rank, layer: layer)
        if padding == .causal && rank != 1 {
            throw SwiftKerasError.invalid("\(layer): causal padding is only supported by Conv1D")
        }
        if self.strides.contains(where: { $0 > 1 }) && self.dilationRate.contains(where: { $0 > 1 }) {
            throw SwiftKerasError.invalid("\(layer): strides > 1 are not supported together with dilation_rate > 1 (strides \(strides), dilation_rate \(dilationRate))")
        }
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer; self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer; self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, rank + 2, knownChannels: true)
        kernel = try addWeight(name: "kernel", shape: kernelSize + [inputShape[rank + 1], filters],
                               initializer: kernelInitializer, regularizer: kernelRegularizer)
        if useBias {
            bias = try addWeight(name: "bias", shape: [filters], initializer: biasInitializer, regularizer: biasRegularizer)
        }
    }

    func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "BaseConv: convolve is implemented by Conv1D and Conv2D")
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let kernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        try checkInputRank(x.shape, rank + 2)
        try checkLastDimension(x, kernel.shape[rank])
        let y = try convolve(x, try read(kernel))
        return try biasAndActivation(y, bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, rank + 2)
        return windowOutputShape(inputShape, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                 padding: padding, channels: filters)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        .object(try convolutionConfig())
    }
}

/// 1-D convolution over `(batch, steps, channels)` (Keras `Conv1D`; padding valid, same or causal).
public final class Conv1D: BaseConv {
    /// Creates the layer (Keras defaults: stride 1, valid padding, glorot_uniform kernel, zero bias).
    public init(filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, dilationRate: Int = 1,
                activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        try super.init(rank: 1, layer: "Conv1D", filters: filters, kernelSize: [kernelSize], strides: [strides],
                       padding: padding, dilationRate: [dilationRate], activation: activation, useBias: useBias,
                       kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
                       kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
                       activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                       inputShape: inputShape)
    }
    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        try conv1d(x, k, stride: strides[0], padding: padding, dilationRate: dilationRate[0])
    }
}

extension Conv1D: KerasSerializable {
    /// "Conv1D".
    public static var className: String { "Conv1D" }

    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try ConvolutionArguments(&r, rank: 1)
        try self.init(filters: a.filters, kernelSize: a.kernelSize[0], strides: a.strides[0], padding: a.padding,
                      dilationRate: a.dilationRate[0], activation: a.activation, useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      biasInitializer: a.biasInitializer, kernelRegularizer: a.kernelRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// 2-D convolution over `(batch, height, width, channels)` (Keras `Conv2D`).
public final class Conv2D: BaseConv {
    /// Creates the layer; `kernelSize`, `strides` and `dilationRate` take 1 or 2 values.
    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid,
                dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        try super.init(rank: 2, layer: "Conv2D", filters: filters, kernelSize: kernelSize, strides: strides,
                       padding: padding, dilationRate: dilationRate, activation: activation, useBias: useBias,
                       kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
                       kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
                       activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                       inputShape: inputShape)
    }
    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        try conv2d(x, k, strides: strides, padding: padding, dilationRate: dilationRate)
    }
}

extension Conv2D: KerasSerializable {
    /// "Conv2D".
    public static var className: String { "Conv2D" }

    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try ConvolutionArguments(&r, rank: 2)
        try self.init(filters: a.filters, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding,
                      dilationRate: a.dilationRate, activation: a.activation, useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      biasInitializer: a.biasInitializer, kernelRegularizer: a.kernelRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Transposed 2-D convolution (Keras `Conv2DTranspose`): kernel `(kh, kw, filters, inChannels)`,
/// output size per dimension `input · stride + max(k − stride, 0)` (valid) or `input · stride` (same).
public final class Conv2DTranspose: Layer {
    public let filters: Int
    public let kernelSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let dilationRate: [Int]
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer, biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?, biasRegularizer: Regularizer?
    public private(set) var kernel: Variable?
    public private(set) var bias: Variable?

    /// Creates the layer.
    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid,
                dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let l = "Conv2DTranspose"
        self.filters = try positiveArgument(filters, "filters", layer: l)
        (self.kernelSize, self.strides, self.dilationRate) =
            try convolutionWindow(kernelSize, strides, dilationRate, rank: 2, layer: l)
        if padding == .causal { throw SwiftKerasError.invalid("Conv2DTranspose: causal padding is not supported") }
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer; self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer; self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, 4, knownChannels: true)
        kernel = try addWeight(name: "kernel", shape: kernelSize + [filters, inputShape[3]],
                               initializer: kernelInitializer, regularizer: kernelRegularizer)
        if useBias {
            bias = try addWeight(name: "bias", shape: [filters], initializer: biasInitializer, regularizer: biasRegularizer)
        }
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 4)
        return windowOutputShape(inputShape, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                 padding: padding, channels: filters, length: deconvOutputLength)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let kernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        try checkInputRank(x.shape, 4)
        try checkLastDimension(x, kernel.shape[3])
        let outShape = try computeOutputShape(x.shape)
        let y = try conv2dTranspose(x, try read(kernel), outputShape: outShape, strides: strides,
                                    padding: padding, dilationRate: dilationRate)
        return try biasAndActivation(y, bias, activation)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        .object(try convolutionConfig())
    }
}

extension Conv2DTranspose: KerasSerializable {
    /// "Conv2DTranspose".
    public static var className: String { "Conv2DTranspose" }

    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try ConvolutionArguments(&r, rank: 2)
        try self.init(filters: a.filters, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding,
                      dilationRate: a.dilationRate, activation: a.activation, useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      biasInitializer: a.biasInitializer, kernelRegularizer: a.kernelRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Depthwise 2-D convolution (Keras `DepthwiseConv2D`): each input channel is convolved with
/// `depthMultiplier` filters of kernel `(kh, kw, inChannels, depthMultiplier)`; bias of
/// `inChannels · depthMultiplier`.
public final class DepthwiseConv2D: Layer {
    public let kernelSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let depthMultiplier: Int
    public let dilationRate: [Int]
    public let activation: ActivationFunction
    public let useBias: Bool
    public let depthwiseInitializer: Initializer, biasInitializer: Initializer
    public let depthwiseRegularizer: Regularizer?, biasRegularizer: Regularizer?
    public private(set) var depthwiseKernel: Variable?
    public private(set) var bias: Variable?

    /// Creates the layer.
    public init(kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid, depthMultiplier: Int = 1,
                dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear, useBias: Bool = true,
                depthwiseInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                depthwiseRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let l = "DepthwiseConv2D"
        (self.kernelSize, self.strides, self.dilationRate) =
            try convolutionWindow(kernelSize, strides, dilationRate, rank: 2, layer: l)
        self.depthMultiplier = try positiveArgument(depthMultiplier, "depth_multiplier", layer: l)
        if padding == .causal { throw SwiftKerasError.invalid("DepthwiseConv2D: causal padding is not supported") }
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer; self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer; self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, 4, knownChannels: true)
        let c = inputShape[3]
        depthwiseKernel = try addWeight(name: "kernel", shape: kernelSize + [c, depthMultiplier],
                                        initializer: depthwiseInitializer, regularizer: depthwiseRegularizer)
        if useBias {
            bias = try addWeight(name: "bias", shape: [c * depthMultiplier], initializer: biasInitializer,
                                 regularizer: biasRegularizer)
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let depthwiseKernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        try checkInputRank(x.shape, 4)
        try checkLastDimension(x, depthwiseKernel.shape[2])
        let y = try depthwiseConv2d(x, try read(depthwiseKernel), strides: strides, padding: padding,
                                    dilationRate: dilationRate)
        return try biasAndActivation(y, bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 4)
        return windowOutputShape(inputShape, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                 padding: padding, channels: inputShape[3] < 0 ? -1 : inputShape[3] * depthMultiplier)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["kernel_size"] = .ints(kernelSize); c["strides"] = .ints(strides); c["padding"] = .padding(padding)
        c["depth_multiplier"] = .int(depthMultiplier); c["data_format"] = .string("channels_last")
        c["dilation_rate"] = .ints(dilationRate); c["activation"] = .activation(activation); c["use_bias"] = .bool(useBias)
        c["depthwise_initializer"] = try .initializer(depthwiseInitializer); c["bias_initializer"] = try .initializer(biasInitializer)
        c["depthwise_regularizer"] = try .regularizer(depthwiseRegularizer); c["bias_regularizer"] = try .regularizer(biasRegularizer)
        return .object(c)
    }
}

extension DepthwiseConv2D: KerasSerializable {
    /// "DepthwiseConv2D".
    public static var className: String { "DepthwiseConv2D" }

    /// Builds the layer from its config ("kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let k = try r.requiredTuple("kernel_size", count: 2)
        try r.dataFormat()
        try self.init(kernelSize: k, strides: try r.tuple("strides", count: 2) ?? [1, 1],
                      padding: try r.padding("padding", .valid),
                      depthMultiplier: try r.int("depth_multiplier", 1),
                      dilationRate: try r.tuple("dilation_rate", count: 2) ?? [1, 1],
                      activation: try r.activation("activation", .linear), useBias: try r.bool("use_bias", true),
                      depthwiseInitializer: try r.initializer("depthwise_initializer", GlorotUniform()),
                      biasInitializer: try r.initializer("bias_initializer", Zeros()),
                      depthwiseRegularizer: try r.regularizer("depthwise_regularizer"),
                      biasRegularizer: try r.regularizer("bias_regularizer"), name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Separable 2-D convolution (Keras `SeparableConv2D`): a depthwise convolution
/// (`(kh, kw, inChannels, depthMultiplier)`) then a pointwise one
/// (`(1, 1, inChannels · depthMultiplier, filters)`), bias of `filters`.
public final class SeparableConv2D: Layer {
    public let filters: Int
    public let kernelSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let depthMultiplier: Int
    public let dilationRate: [Int]
    public let activation: ActivationFunction
    public let useBias: Bool
    public let depthwiseInitializer: Initializer, pointwiseInitializer: Initializer, biasInitializer: Initializer
    public let depthwiseRegularizer: Regularizer?, pointwiseRegularizer: Regularizer?, biasRegularizer: Regularizer?
    public private(set) var depthwiseKernel: Variable?
    public private(set) var pointwiseKernel: Variable?
    public private(set) var bias: Variable?

    /// Creates the layer.
    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid,
                depthMultiplier: Int = 1, dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear,
                useBias: Bool = true, depthwiseInitializer: Initializer = GlorotUniform(),
                pointwiseInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                depthwiseRegularizer: Regularizer? = nil, pointwiseRegularizer: Regularizer? = nil,
                biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let l = "SeparableConv2D"
        self.filters = try positiveArgument(filters, "filters", layer: l)
        (self.kernelSize, self.strides, self.dilationRate) =
            try convolutionWindow(kernelSize, strides, dilationRate, rank: 2, layer: l)
        self.depthMultiplier = try positiveArgument(depthMultiplier, "depth_multiplier", layer: l)
        if padding == .causal { throw SwiftKerasError.invalid("SeparableConv2D: causal padding is not supported") }
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer; self.pointwiseInitializer = pointwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer; self.pointwiseRegularizer = pointwiseRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, 4, knownChannels: true)
        let c = inputShape[3]
        depthwiseKernel = try addWeight(name: "depthwise_kernel", shape: kernelSize + [c, depthMultiplier],
                                        initializer: depthwiseInitializer, regularizer: depthwiseRegularizer)
        pointwiseKernel = try addWeight(name: "pointwise_kernel", shape: [1, 1, c * depthMultiplier, filters],
                                        initializer: pointwiseInitializer, regularizer: pointwiseRegularizer)
        if useBias {
            bias = try addWeight(name: "bias", shape: [filters], initializer: biasInitializer, regularizer: biasRegularizer)
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let depthwiseKernel, let pointwiseKernel else {
            throw SwiftKerasError(.runtime, "Layer '\(name)': called before build")
        }
        try checkInputRank(x.shape, 4)
        try checkLastDimension(x, depthwiseKernel.shape[2])
        let y = try separableConv2d(x, depthwiseKernel: try read(depthwiseKernel),
                                    pointwiseKernel: try read(pointwiseKernel), strides: strides,
                                    padding: padding, dilationRate: dilationRate)
        return try biasAndActivation(y, bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 4)
        return windowOutputShape(inputShape, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                 padding: padding, channels: filters)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        var c = try baseConfig()
        c["filters"] = .int(filters); c["kernel_size"] = .ints(kernelSize); c["strides"] = .ints(strides)
        c["padding"] = .padding(padding); c["depth_multiplier"] = .int(depthMultiplier)
        c["data_format"] = .string("channels_last")
        c["dilation_rate"] = .ints(dilationRate); c["activation"] = .activation(activation); c["use_bias"] = .bool(useBias)
        c["depthwise_initializer"] = try .initializer(depthwiseInitializer)
        c["pointwise_initializer"] = try .initializer(pointwiseInitializer); c["bias_initializer"] = try .initializer(biasInitializer)
        c["depthwise_regularizer"] = try .regularizer(depthwiseRegularizer)
        c["pointwise_regularizer"] = try .regularizer(pointwiseRegularizer); c["bias_regularizer"] = try .regularizer(biasRegularizer)
        return .object(c)
    }
}

extension SeparableConv2D: KerasSerializable {
    /// "SeparableConv2D".
    public static var className: String { "SeparableConv2D" }

    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let filters = try r.requiredInt("filters")
        let k = try r.requiredTuple("kernel_size", count: 2)
        try r.dataFormat()
        try self.init(filters: filters, kernelSize: k, strides: try r.tuple("strides", count: 2) ?? [1, 1],
                      padding: try r.padding("padding", .valid),
                      depthMultiplier: try r.int("depth_multiplier", 1),
                      dilationRate: try r.tuple("dilation_rate", count: 2) ?? [1, 1],
                      activation: try r.activation("activation", .linear), useBias: try r.bool("use_bias", true),
                      depthwiseInitializer: try r.initializer("depthwise_initializer", GlorotUniform()),
                      pointwiseInitializer: try r.initializer("pointwise_initializer", GlorotUniform()),
                      biasInitializer: try r.initializer("bias_initializer", Zeros()),
                      depthwiseRegularizer: try r.regularizer("depthwise_regularizer"),
                      pointwiseRegularizer: try r.regularizer("pointwise_regularizer"),
                      biasRegularizer: try r.regularizer("bias_regularizer"), name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

// MARK: - Configs

/// The convolutions whose configs share Keras `BaseConv`'s keys.
protocol ConvolutionConfigurable: Layer {
    var filters: Int { get }
    var kernelSize: [Int] { get }
    var strides: [Int] { get }
    var padding: Padding { get }
    var dilationRate: [Int] { get }
    var activation: ActivationFunction { get }
    var useBias: Bool { get }
    var kernelInitializer: Initializer { get }
    var biasInitializer: Initializer { get }
    var kernelRegularizer: Regularizer? { get }
    var biasRegularizer: Regularizer? { get }
}

extension ConvolutionConfigurable {
    /// The base keys plus Keras `BaseConv.get_config`'s.
    func convolutionConfig() throws -> [String: ConfigValue] {
        var c = try baseConfig()
        c["filters"] = .int(filters); c["kernel_size"] = .ints(kernelSize); c["strides"] = .ints(strides)
        c["padding"] = .padding(padding); c["data_format"] = .string("channels_last")
        c["dilation_rate"] = .ints(dilationRate); c["activation"] = .activation(activation); c["use_bias"] = .bool(useBias)
        c["kernel_initializer"] = try .initializer(kernelInitializer); c["bias_initializer"] = try .initializer(biasInitializer)
        c["kernel_regularizer"] = try .regularizer(kernelRegularizer); c["bias_regularizer"] = try .regularizer(biasRegularizer)
        return c
    }
}

extension BaseConv: ConvolutionConfigurable {}
extension Conv2DTranspose: ConvolutionConfigurable {}

/// The convolution arguments of a config (Keras `BaseConv.__init__`), for `rank` spatial
/// dimensions; a single integer is repeated ("kernel_size": 3 → (3, 3)).
struct ConvolutionArguments {
    let filters: Int
    let kernelSize: [Int], strides: [Int], dilationRate: [Int]
    let padding: Padding
    let activation: ActivationFunction
    let useBias: Bool
    let kernelInitializer: Initializer, biasInitializer: Initializer
    let kernelRegularizer: Regularizer?, biasRegularizer: Regularizer?

    init(_ r: inout ConfigReader, rank n: Int) throws {
        filters = try r.requiredInt("filters")
        kernelSize = try r.requiredTuple("kernel_size", count: n)
        strides = try r.tuple("strides", count: n) ?? Array(repeating: 1, count: n)
        dilationRate = try r.tuple("dilation_rate", count: n) ?? Array(repeating: 1, count: n)
        padding = try r.padding("padding", .valid)
        try r.dataFormat()
        activation = try r.activation("activation", .linear)
        useBias = try r.bool("use_bias", true)
        kernelInitializer = try r.initializer("kernel_initializer", GlorotUniform())
        biasInitializer = try r.initializer("bias_initializer", Zeros())
        kernelRegularizer = try r.regularizer("kernel_regularizer")
        biasRegularizer = try r.regularizer("bias_regularizer")
    }
}
