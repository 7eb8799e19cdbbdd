// Convolution layers (Keras 3 keras/src/layers/convolutional), channels-last.

/// A window parameter of `n` values (one value is repeated), each positive.
func windowParameter(_ v: [Int], _ n: Int, _ argument: String, layer: String, allowZero: Bool = false) throws -> [Int] {
    let out = v.count == 1 ? [Int](repeating: v[0], count: n) : v
    if out.count != n || out.contains(where: { allowZero ? $0 < 0 : $0 <= 0 }) {
        let what = allowZero ? "non-negative" : "positive"
        throw SwiftKerasError.invalid("\(layer): the `\(argument)` argument must be a list of \(n) \(what) integers (or one), got \(v)")
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

/// What every convolution layer shares: the window (kernel size, strides, dilation rate and
/// padding) over `rank` spatial dimensions, the activation and the optional bias. Channels-last.
public class ConvolutionLayer: Layer {
    /// The number of spatial dimensions.
    public let rank: Int
    public let kernelSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let dilationRate: [Int]
    public let activation: ActivationFunction
    public let useBias: Bool
    public let biasInitializer: Initializer
    public let biasRegularizer: Regularizer?
    public internal(set) var bias: Variable?

    /// `window` is the validated kernel size, strides and dilation rate (`convolutionWindow`).
    init(rank: Int, window: (kernelSize: [Int], strides: [Int], dilationRate: [Int]), padding: Padding,
         activation: ActivationFunction, useBias: Bool, biasInitializer: Initializer, biasRegularizer: Regularizer?,
         activityRegularizer: Regularizer?, name: String?, dtype: DTypePolicy?, trainable: Bool, inputShape: [Int]?) {
        self.rank = rank
        (kernelSize, strides, dilationRate) = window
        self.padding = padding
        self.activation = activation; self.useBias = useBias
        self.biasInitializer = biasInitializer; self.biasRegularizer = biasRegularizer
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        self.activityRegularizer = activityRegularizer
    }

    /// Creates the bias of `units` values, when the layer uses one.
    func buildBias(units: Int) throws {
        if useBias {
            bias = try addWeight(name: "bias", shape: [units], initializer: biasInitializer, regularizer: biasRegularizer)
        }
    }

    /// The layer's config: the base keys, the keys every convolution has ("kernel_size",
    /// "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias",
    /// "bias_initializer", "bias_regularizer") and the subclass's `own` keys.
    func convolutionConfig(_ own: [String: ConfigValue]) throws -> ConfigValue {
        var c = try baseConfig()
        c["kernel_size"] = .ints(kernelSize); c["strides"] = .ints(strides); c["padding"] = .padding(padding)
        c["data_format"] = .string("channels_last"); c["dilation_rate"] = .ints(dilationRate)
        c["activation"] = .activation(activation); c["use_bias"] = .bool(useBias)
        c["bias_initializer"] = try .initializer(biasInitializer); c["bias_regularizer"] = try .regularizer(biasRegularizer)
        return .object(c.merging(own) { _, mine in mine })
    }

    /// The output shape for an input of `inputShape` and `channels` output channels (see
    /// `windowOutputShape`).
    func outputShape(_ inputShape: [Int], channels: Int,
                     length: (Int, Int, Int, Int, Padding) -> Int = convOutputLength) throws -> [Int] {
        try checkInputRank(inputShape, rank + 2)
        return windowOutputShape(inputShape, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                 padding: padding, channels: channels, length: length)
    }
}

/// The shared part of `Conv1D`, `Conv2D` and `Conv2DTranspose` (Keras `BaseConv`): a kernel of
/// shape `kernelSize + (inChannels, filters)` (`kernelSize + (filters, inChannels)` when
/// transposed), an optional bias and activation. Channels-last.
public class BaseConv: ConvolutionLayer {
    public let filters: Int
    /// Keras `groups`: the input channels split into this many groups, each convolved with its
    /// `filters / groups` filters (kernel `kernelSize + (inChannels / groups, filters)`); 1 for
    /// the transposed convolutions.
    public let groups: Int
    public let kernelInitializer: Initializer
    public let kernelRegularizer: Regularizer?
    public private(set) var kernel: Variable?

    /// The Keras class name, the number of spatial dimensions and whether the convolution is
    /// transposed; each subclass gives its own.
    class var convolution: (className: String, rank: Int, transposed: Bool) { ("BaseConv", 2, false) }

    /// Creates the layer (Keras defaults: stride 1, valid padding, glorot_uniform kernel, zero
    /// bias); `kernelSize`, `strides` and `dilationRate` take one value or one per spatial
    /// dimension.
    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1], padding: Padding = .valid,
                dilationRate: [Int] = [1], activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil, groups: Int = 1) throws {
        let (layer, rank, transposed) = Self.convolution
        self.filters = try positiveArgument(filters, "filters", layer: layer)
        self.groups = try positiveArgument(groups, "groups", layer: layer)
        if transposed && groups != 1 {
            throw SwiftKerasError(.unimplemented, "\(layer): groups other than 1 are not supported by transposed convolutions")
        }
        if filters % groups != 0 {
            throw SwiftKerasError.invalid("\(layer): the number of filters must be evenly divisible by the number of groups. Received: groups=\(groups), filters=\(filters)")
        }
        let window = try convolutionWindow(kernelSize, strides, dilationRate, rank: rank, layer: layer)
        if padding == .causal && transposed {
            throw SwiftKerasError.invalid("\(layer): causal padding is not supported")
        }
        if padding == .causal && rank != 1 {
            throw SwiftKerasError.invalid("\(layer): causal padding is only supported by Conv1D")
        }
        if !transposed && window.strides.contains(where: { $0 > 1 }) && window.dilationRate.contains(where: { $0 > 1 }) {
            throw SwiftKerasError.invalid("\(layer): strides > 1 are not supported together with dilation_rate > 1 (strides \(strides), dilation_rate \(dilationRate))")
        }
        self.kernelInitializer = kernelInitializer
        self.kernelRegularizer = kernelRegularizer
        super.init(rank: rank, window: window, padding: padding, activation: activation, useBias: useBias,
                   biasInitializer: biasInitializer, biasRegularizer: biasRegularizer,
                   activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                   inputShape: inputShape)
    }

    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try ConvolutionArguments(&r, rank: Self.convolution.rank)
        let outputPadding = Self.convolution.transposed ? try r.tuple("output_padding", count: Self.convolution.rank) : nil
        try self.init(filters: a.filters, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding,
                      dilationRate: a.dilationRate, activation: a.activation, useBias: a.useBias, kernelInitializer: a.kernelInitializer,
                      biasInitializer: a.biasInitializer, kernelRegularizer: a.kernelRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype, groups: a.groups)
        if let outputPadding, let transposed = self as? ConvTranspose { try transposed.setOutputPadding(outputPadding) }
        try base.finish(r, self)
    }

    /// The Keras class name.
    public class var className: String { convolution.className }

    /// The kernel's axis of the input channels.
    private var inChannelsAxis: Int { Self.convolution.transposed ? rank + 1 : rank }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, rank + 2, knownChannels: true)
        let c = inputShape[rank + 1]
        if c % groups != 0 {
            throw SwiftKerasError.invalid("\(Self.className): the number of input channels must be evenly divisible by the number of groups. Received groups=\(groups), but the input has \(c) channels (full input shape is \(formatShape(inputShape)))")
        }
        kernel = try addWeight(name: "kernel", shape: kernelSize + (Self.convolution.transposed ? [filters, c] : [c / groups, filters]),
                               initializer: kernelInitializer, regularizer: kernelRegularizer)
        try buildBias(units: filters)
    }

    func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "BaseConv: convolve is implemented by each convolution class")
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let kernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        try checkInputRank(x.shape, rank + 2)
        try checkLastDimension(x, kernel.shape[inChannelsAxis] * groups)
        let k = try read(kernel)
        // A bias and no activation: convolution and bias as one op (one primitive on oneDNN).
        if groups == 1, let bias, activation.isLinear, !Self.convolution.transposed,
           let y = try convolutionBiasAdded(x, k, try read(bias), strides: strides, padding: padding,
                                            dilationRate: dilationRate) {
            return y
        }
        let y = groups == 1 ? try convolve(x, k)
            : try concatenate(try zip(try x.split(into: groups, axis: -1), try k.split(into: groups, axis: -1)).map { try convolve($0, $1) },
                              axis: -1)
        return try biasAndActivation(y, bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try outputShape(inputShape, channels: filters,
                        length: Self.convolution.transposed ? deconvOutputLength : convOutputLength)
    }

    /// The layer's config (see `Layer.getConfig()`): the base keys plus Keras
    /// `BaseConv.get_config`'s.
    public override func getConfig() throws -> ConfigValue {
        var own: [String: ConfigValue] = ["filters": .int(filters), "kernel_initializer": try .initializer(kernelInitializer),
                                          "kernel_regularizer": try .regularizer(kernelRegularizer)]
        if !Self.convolution.transposed { own["groups"] = .int(groups) }
        return try convolutionConfig(own)
    }
}

extension BaseConv: KerasSerializable {}

/// 1-D convolution over `(batch, steps, channels)` (Keras `Conv1D`; padding valid, same or causal).
public final class Conv1D: BaseConv {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv1D", 1, false) }

    /// Creates the layer (Keras defaults: stride 1, valid padding, glorot_uniform kernel, zero bias).
    public convenience init(filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, dilationRate: Int = 1,
                            activation: ActivationFunction = .linear, useBias: Bool = true,
                            kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                            kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                            activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                            trainable: Bool = true, inputShape: [Int]? = nil) throws {
        try self.init(filters: filters, kernelSize: [kernelSize], strides: [strides], padding: padding,
                      dilationRate: [dilationRate], activation: activation, useBias: useBias,
                      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
                      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
                      activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                      inputShape: inputShape)
    }

    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        try conv1d(x, k, stride: strides[0], padding: padding, dilationRate: dilationRate[0])
    }
}

/// 2-D convolution over `(batch, height, width, channels)` (Keras `Conv2D`); `kernelSize`,
/// `strides` and `dilationRate` take 1 or 2 values.
public final class Conv2D: BaseConv {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv2D", 2, false) }

    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        try conv2d(x, k, strides: strides, padding: padding, dilationRate: dilationRate)
    }
}

/// 3-D convolution over `(batch, d1, d2, d3, channels)` (Keras `Conv3D`); `kernelSize`,
/// `strides` and `dilationRate` take 1 or 3 values.
public final class Conv3D: BaseConv {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv3D", 3, false) }

    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        try conv3d(x, k, strides: strides, padding: padding, dilationRate: dilationRate)
    }
}

/// A transposed convolution over 1, 2 or 3 spatial dimensions (the shared part of Keras
/// `Conv1DTranspose`, `Conv2DTranspose` and `Conv3DTranspose`): kernel `kernelSize + (filters,
/// inChannels)`, output size per dimension `input · stride + max(k − stride, 0)` (valid) or
/// `input · stride` (same); with `outputPadding` p (Keras `output_padding`, each < its stride) it
/// is `(input − 1) · stride + k − 2·pad + p`, pad = k // 2 (same) or 0 (valid), k the dilated
/// kernel size (Keras `deconv_output_length`).
public class ConvTranspose: BaseConv {
    /// The extra rows and columns of the output (Keras `output_padding`), or nil.
    public private(set) var outputPadding: [Int]?

    /// Sets `output_padding` (one value or one per spatial dimension); each must be >= 0 and
    /// smaller than its stride, as Keras requires.
    public func setOutputPadding(_ padding: [Int]?) throws {
        guard let padding else { outputPadding = nil; return }
        let p = try windowParameter(padding, rank, "output_padding", layer: Self.className, allowZero: true)
        if let i = (0..<rank).first(where: { p[$0] >= strides[$0] }) {
            throw SwiftKerasError.invalid("\(Self.className): strides \(strides) must be greater than output padding \(p) (dimension \(i))")
        }
        outputPadding = p
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        var shape = try super.computeOutputShape(inputShape)
        if let p = outputPadding {
            for i in 0..<rank where inputShape[i + 1] >= 0 {
                let k = (kernelSize[i] - 1) * dilationRate[i] + 1
                let pad = padding == .same ? k / 2 : 0
                shape[i + 1] = (inputShape[i + 1] - 1) * strides[i] + k - 2 * pad + p[i]
            }
        }
        return shape
    }

    /// The config of `BaseConv` plus "output_padding".
    public override func getConfig() throws -> ConfigValue {
        guard case .object(var c) = try super.getConfig() else { return try super.getConfig() }
        c["output_padding"] = outputPadding.map { .ints($0) } ?? .null
        return .object(c)
    }

    override func convolve(_ x: Tensor, _ k: Tensor) throws -> Tensor {
        let out = try computeOutputShape(x.shape)
        switch rank {
        case 1:
            // (B, L, C) as (B, 1, L, C) with a (1, k) kernel.
            let y = try conv2dTranspose(x.expandingDims(at: 1), k.expandingDims(at: 0), outputShape: [out[0], 1, out[1], out[2]],
                                        strides: [1, strides[0]], padding: padding, dilationRate: [1, dilationRate[0]])
            return try y.squeezed(axes: [1])
        case 2:
            return try conv2dTranspose(x, k, outputShape: out, strides: strides, padding: padding, dilationRate: dilationRate)
        default:
            return try conv3dTranspose(x, k, outputShape: out, strides: strides, padding: padding, dilationRate: dilationRate)
        }
    }
}

/// Transposed 1-D convolution over `(batch, steps, channels)` (Keras `Conv1DTranspose`; see `ConvTranspose`).
public final class Conv1DTranspose: ConvTranspose {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv1DTranspose", 1, true) }
}

/// Transposed 2-D convolution (Keras `Conv2DTranspose`; see `ConvTranspose`).
public final class Conv2DTranspose: ConvTranspose {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv2DTranspose", 2, true) }
}

/// Transposed 3-D convolution (Keras `Conv3DTranspose`; see `ConvTranspose`).
public final class Conv3DTranspose: ConvTranspose {
    override class var convolution: (className: String, rank: Int, transposed: Bool) { ("Conv3DTranspose", 3, true) }
}

/// What DepthwiseConv2D and SeparableConv2D share: a 2-D depthwise kernel
/// `(kh, kw, inChannels, depthMultiplier)` convolving each input channel with `depthMultiplier`
/// filters.
public class DepthwiseConvolutionLayer: ConvolutionLayer {
    public let depthMultiplier: Int
    public let depthwiseInitializer: Initializer
    public let depthwiseRegularizer: Regularizer?
    public internal(set) var depthwiseKernel: Variable?

    /// The Keras class name (each subclass gives its own).
    public class var className: String { "DepthwiseConvolutionLayer" }

    /// Creates the layer.
    public init(kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid, depthMultiplier: Int = 1,
                dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear, useBias: Bool = true,
                depthwiseInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                depthwiseRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                activityRegularizer: Regularizer? = nil, name: String? = nil, dtype: DTypePolicy? = nil,
                trainable: Bool = true, inputShape: [Int]? = nil) throws {
        let l = Self.className
        let window = try convolutionWindow(kernelSize, strides, dilationRate, rank: 2, layer: l)
        self.depthMultiplier = try positiveArgument(depthMultiplier, "depth_multiplier", layer: l)
        if padding == .causal { throw SwiftKerasError.invalid("\(l): causal padding is not supported") }
        self.depthwiseInitializer = depthwiseInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        super.init(rank: 2, window: window, padding: padding, activation: activation, useBias: useBias,
                   biasInitializer: biasInitializer, biasRegularizer: biasRegularizer,
                   activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                   inputShape: inputShape)
    }

    /// Creates the depthwise kernel, named `kernelName`, for an input of `inputShape` (rank 4,
    /// known channels) and returns the input channels.
    func buildDepthwiseKernel(_ inputShape: [Int], named kernelName: String) throws -> Int {
        try checkInputRank(inputShape, 4, knownChannels: true)
        let c = inputShape[3]
        depthwiseKernel = try addWeight(name: kernelName, shape: kernelSize + [c, depthMultiplier],
                                        initializer: depthwiseInitializer, regularizer: depthwiseRegularizer)
        return c
    }
}

/// Depthwise 2-D convolution (Keras `DepthwiseConv2D`): each input channel is convolved with
/// `depthMultiplier` filters of kernel `(kh, kw, inChannels, depthMultiplier)`; bias of
/// `inChannels · depthMultiplier`.
public final class DepthwiseConv2D: DepthwiseConvolutionLayer {
    /// "DepthwiseConv2D".
    public override class var className: String { "DepthwiseConv2D" }

    public override func build(inputShape: [Int]) throws {
        let c = try buildDepthwiseKernel(inputShape, named: "kernel")
        try buildBias(units: c * depthMultiplier)
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
        try convolutionConfig(["depth_multiplier": .int(depthMultiplier),
                               "depthwise_initializer": try .initializer(depthwiseInitializer),
                               "depthwise_regularizer": try .regularizer(depthwiseRegularizer)])
    }
}

extension DepthwiseConv2D: KerasSerializable {
    /// Builds the layer from its config ("kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let a = try DepthwiseArguments(&r, separable: false)
        try self.init(kernelSize: a.kernelSize, strides: a.strides, padding: a.padding, depthMultiplier: a.depthMultiplier,
                      dilationRate: a.dilationRate, activation: a.activation, useBias: a.useBias,
                      depthwiseInitializer: a.depthwiseInitializer, biasInitializer: a.biasInitializer,
                      depthwiseRegularizer: a.depthwiseRegularizer, biasRegularizer: a.biasRegularizer,
                      name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Separable 2-D convolution (Keras `SeparableConv2D`): a depthwise convolution
/// (`(kh, kw, inChannels, depthMultiplier)`) then a pointwise one
/// (`(1, 1, inChannels · depthMultiplier, filters)`), bias of `filters`.
public final class SeparableConv2D: DepthwiseConvolutionLayer {
    public let filters: Int
    public let pointwiseInitializer: Initializer
    public let pointwiseRegularizer: Regularizer?
    public private(set) var pointwiseKernel: Variable?

    /// "SeparableConv2D".
    public override class var className: String { "SeparableConv2D" }

    /// Creates the layer.
    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1, 1], padding: Padding = .valid,
                depthMultiplier: Int = 1, dilationRate: [Int] = [1, 1], activation: ActivationFunction = .linear,
                useBias: Bool = true, depthwiseInitializer: Initializer = GlorotUniform(),
                pointwiseInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                depthwiseRegularizer: Regularizer? = nil, pointwiseRegularizer: Regularizer? = nil,
                biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        self.filters = try positiveArgument(filters, "filters", layer: Self.className)
        self.pointwiseInitializer = pointwiseInitializer
        self.pointwiseRegularizer = pointwiseRegularizer
        try super.init(kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: depthMultiplier,
                       dilationRate: dilationRate, activation: activation, useBias: useBias,
                       depthwiseInitializer: depthwiseInitializer, biasInitializer: biasInitializer,
                       depthwiseRegularizer: depthwiseRegularizer, biasRegularizer: biasRegularizer,
                       activityRegularizer: activityRegularizer, name: name, dtype: dtype, trainable: trainable,
                       inputShape: inputShape)
    }

    public override func build(inputShape: [Int]) throws {
        let c = try buildDepthwiseKernel(inputShape, named: "depthwise_kernel")
        pointwiseKernel = try addWeight(name: "pointwise_kernel", shape: [1, 1, c * depthMultiplier, filters],
                                        initializer: pointwiseInitializer, regularizer: pointwiseRegularizer)
        try buildBias(units: filters)
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
        try outputShape(inputShape, channels: filters)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try convolutionConfig(try separableKeys())
    }
}

extension SeparableConv2D: KerasSerializable {
    /// Builds the layer from its config ("filters" and "kernel_size" required).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        let filters = try r.requiredInt("filters")
        let a = try DepthwiseArguments(&r, separable: true)
        try self.init(filters: filters, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding,
                      depthMultiplier: a.depthMultiplier, dilationRate: a.dilationRate, activation: a.activation,
                      useBias: a.useBias, depthwiseInitializer: a.depthwiseInitializer,
                      pointwiseInitializer: a.pointwiseInitializer, biasInitializer: a.biasInitializer,
                      depthwiseRegularizer: a.depthwiseRegularizer, pointwiseRegularizer: a.pointwiseRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype)
        try base.finish(r, self)
    }
}

/// Separable 1-D convolution over `(batch, steps, channels)` (tf.keras 2 `SeparableConv1D`): a
/// depthwise convolution (`(k, inChannels, depthMultiplier)`) then a pointwise one
/// (`(1, inChannels · depthMultiplier, filters)`), bias of `filters`; padding valid, same or causal.
/// Computed as tf.keras 2 does, as a 2-D separable convolution over `(batch, 1, steps, channels)`.
public final class SeparableConv1D: ConvolutionLayer {
    public let filters: Int
    public let depthMultiplier: Int
    public let depthwiseInitializer: Initializer, pointwiseInitializer: Initializer
    public let depthwiseRegularizer: Regularizer?, pointwiseRegularizer: Regularizer?
    public private(set) var depthwiseKernel: Variable?, pointwiseKernel: Variable?

    /// "SeparableConv1D".
    public static var className: String { "SeparableConv1D" }

    /// Creates the layer (tf.keras 2 defaults: stride 1, valid padding, glorot_uniform kernels, zero bias).
    public init(filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
                dilationRate: Int = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                depthwiseInitializer: Initializer = GlorotUniform(), pointwiseInitializer: Initializer = GlorotUniform(),
                biasInitializer: Initializer = Zeros(), depthwiseRegularizer: Regularizer? = nil,
                pointwiseRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let l = Self.className
        self.filters = try positiveArgument(filters, "filters", layer: l)
        self.depthMultiplier = try positiveArgument(depthMultiplier, "depth_multiplier", layer: l)
        let window = try convolutionWindow([kernelSize], [strides], [dilationRate], rank: 1, layer: l)
        (self.depthwiseInitializer, self.pointwiseInitializer) = (depthwiseInitializer, pointwiseInitializer)
        (self.depthwiseRegularizer, self.pointwiseRegularizer) = (depthwiseRegularizer, pointwiseRegularizer)
        super.init(rank: 1, window: window, padding: padding, activation: activation, useBias: useBias,
                   biasInitializer: biasInitializer, biasRegularizer: biasRegularizer, activityRegularizer: nil,
                   name: name, dtype: dtype, trainable: true, inputShape: nil)
    }

    public override func build(inputShape: [Int]) throws {
        try checkInputRank(inputShape, 3, knownChannels: true)
        let c = inputShape[2]
        depthwiseKernel = try addWeight(name: "depthwise_kernel", shape: kernelSize + [c, depthMultiplier],
                                        initializer: depthwiseInitializer, regularizer: depthwiseRegularizer)
        pointwiseKernel = try addWeight(name: "pointwise_kernel", shape: [1, c * depthMultiplier, filters],
                                        initializer: pointwiseInitializer, regularizer: pointwiseRegularizer)
        try buildBias(units: filters)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let depthwiseKernel, let pointwiseKernel else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        try checkInputRank(x.shape, 3)
        try checkLastDimension(x, depthwiseKernel.shape[1])
        var input = x
        if padding == .causal { input = try x.padded([(0, 0), (dilationRate[0] * (kernelSize[0] - 1), 0), (0, 0)]) }
        let y = try separableConv2d(input.expandingDims(at: 1), depthwiseKernel: try read(depthwiseKernel).expandingDims(at: 0),
                                    pointwiseKernel: try read(pointwiseKernel).expandingDims(at: 0),
                                    strides: [1, strides[0]], padding: padding == .causal ? .valid : padding,
                                    dilationRate: [1, dilationRate[0]])
        return try biasAndActivation(try y.squeezed(axes: [1]), bias, activation)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try outputShape(inputShape, channels: filters)
    }

    /// The layer's config (tf.keras 2 `SeparableConv1D.get_config`).
    public override func getConfig() throws -> ConfigValue { try convolutionConfig(try separableKeys()) }
}

/// SeparableConv1D and SeparableConv2D: the config keys they add to a convolution's.
protocol SeparableConvolution {
    var filters: Int { get }; var depthMultiplier: Int { get }
    var depthwiseInitializer: Initializer { get }; var pointwiseInitializer: Initializer { get }
    var depthwiseRegularizer: Regularizer? { get }; var pointwiseRegularizer: Regularizer? { get }
}

extension SeparableConvolution {
    /// "filters", "depth_multiplier" and the depthwise and pointwise initializers and regularizers.
    func separableKeys() throws -> [String: ConfigValue] {
        ["filters": .int(filters), "depth_multiplier": .int(depthMultiplier),
         "depthwise_initializer": try .initializer(depthwiseInitializer),
         "pointwise_initializer": try .initializer(pointwiseInitializer),
         "depthwise_regularizer": try .regularizer(depthwiseRegularizer),
         "pointwise_regularizer": try .regularizer(pointwiseRegularizer)]
    }
}

extension SeparableConv1D: SeparableConvolution {}
extension SeparableConv2D: SeparableConvolution {}

extension SeparableConv1D: ConfigurableLayer {
    /// Builds the layer from its config ("filters" and "kernel_size" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let filters = try r.requiredInt("filters")
        let a = try DepthwiseArguments(&r, separable: true, rank: 1)
        try self.init(filters: filters, kernelSize: a.kernelSize[0], strides: a.strides[0], padding: a.padding,
                      depthMultiplier: a.depthMultiplier, dilationRate: a.dilationRate[0], activation: a.activation,
                      useBias: a.useBias, depthwiseInitializer: a.depthwiseInitializer,
                      pointwiseInitializer: a.pointwiseInitializer, biasInitializer: a.biasInitializer,
                      depthwiseRegularizer: a.depthwiseRegularizer, pointwiseRegularizer: a.pointwiseRegularizer,
                      biasRegularizer: a.biasRegularizer, name: base.name, dtype: base.dtype)
    }
}

// MARK: - Configs

/// The convolution arguments of a config (Keras `BaseConv.__init__`), for `rank` spatial
/// dimensions; a single integer is repeated ("kernel_size": 3 → (3, 3)).
struct ConvolutionArguments {
    let filters: Int
    let kernelSize: [Int], strides: [Int], dilationRate: [Int]
    let groups: Int
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
        groups = try r.int("groups", 1)
        activation = try r.activation("activation", .linear)
        useBias = try r.bool("use_bias", true)
        kernelInitializer = try r.initializer("kernel_initializer", GlorotUniform())
        biasInitializer = try r.initializer("bias_initializer", Zeros())
        kernelRegularizer = try r.regularizer("kernel_regularizer")
        biasRegularizer = try r.regularizer("bias_regularizer")
    }
}

/// The arguments of a depthwise or separable convolution's config (Keras
/// `DepthwiseConv2D.__init__`, `SeparableConv2D.__init__` after "filters"), read in that order;
/// the pointwise ones only for a separable convolution (else Keras' defaults, unused).
struct DepthwiseArguments {
    let kernelSize: [Int], strides: [Int], dilationRate: [Int]
    let padding: Padding
    let depthMultiplier: Int
    let activation: ActivationFunction
    let useBias: Bool
    let depthwiseInitializer: Initializer, pointwiseInitializer: Initializer, biasInitializer: Initializer
    let depthwiseRegularizer: Regularizer?, pointwiseRegularizer: Regularizer?, biasRegularizer: Regularizer?

    init(_ r: inout ConfigReader, separable: Bool, rank: Int = 2) throws {
        kernelSize = try r.requiredTuple("kernel_size", count: rank)
        try r.dataFormat()
        strides = try r.tuple("strides", count: rank) ?? Array(repeating: 1, count: rank)
        padding = try r.padding("padding", .valid)
        depthMultiplier = try r.int("depth_multiplier", 1)
        dilationRate = try r.tuple("dilation_rate", count: rank) ?? Array(repeating: 1, count: rank)
        activation = try r.activation("activation", .linear)
        useBias = try r.bool("use_bias", true)
        depthwiseInitializer = try r.initializer("depthwise_initializer", GlorotUniform())
        pointwiseInitializer = separable ? try r.initializer("pointwise_initializer", GlorotUniform()) : GlorotUniform()
        biasInitializer = try r.initializer("bias_initializer", Zeros())
        depthwiseRegularizer = try r.regularizer("depthwise_regularizer")
        pointwiseRegularizer = separable ? try r.regularizer("pointwise_regularizer") : nil
        biasRegularizer = try r.regularizer("bias_regularizer")
    }
}
