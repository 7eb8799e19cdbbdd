// Pooling, padding and upsampling layers (Keras 3 keras/src/layers/pooling and reshaping),
// channels-last.

/// Max or average pooling over 1 or 2 spatial dimensions (shared by the pooling layers).
public class BasePooling: Layer {
    /// The number of spatial dimensions.
    public let rank: Int
    public let poolSize: [Int]
    public let strides: [Int]
    public let padding: Padding
    public let mode: PoolMode

    /// A pooling class: its Keras class name, number of spatial dimensions and mode.
    typealias Pooling = (className: String, rank: Int, mode: PoolMode)
    /// This class's pooling; each subclass gives its own.
    class var pooling: Pooling { ("BasePooling", 2, .max) }
    /// The Keras class name.
    public class var className: String { pooling.className }

    /// Creates the layer; `poolSize` and `strides` take one value or one per spatial dimension
    /// (nil strides: the pool size).
    init(window poolSize: [Int], strides: [Int]?, padding: Padding, name: String?, dtype: DTypePolicy?) throws {
        let (layer, rank, mode) = Self.pooling
        self.rank = rank
        self.mode = mode
        self.poolSize = try windowParameter(poolSize, rank, "pool_size", layer: layer)
        self.strides = try windowParameter(strides ?? self.poolSize, rank, "strides", layer: layer)
        if padding == .causal { throw SwiftKerasError.invalid("\(layer): causal padding is not supported") }
        self.padding = padding
        super.init(name: name, dtype: dtype)
    }

    /// Builds the layer from its config.
    required convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let n = Self.pooling.rank
        let poolSize = try r.tuple("pool_size", count: n) ?? Array(repeating: 2, count: n)
        let strides = try r.tuple("strides", count: n)
        let padding = try r.padding("padding", .valid)
        try r.dataFormat()
        try self.init(window: poolSize, strides: strides, padding: padding, name: base.name, dtype: base.dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try checkInputRank(x.shape, rank + 2)
        if rank == 2 {
            return try pool2d(x, poolSize: poolSize, strides: strides, padding: padding, mode: mode)
        }
        if rank == 3 {
            return try pool3d(x, poolSize: poolSize, strides: strides, padding: padding, mode: mode)
        }
        // (B, T, C) pooled as (B, 1, T, C) with a (1, p) window.
        let y = try pool2d(x.expandingDims(at: 1), poolSize: [1, poolSize[0]], strides: [1, strides[0]],
                           padding: padding, mode: mode)
        return try y.squeezed(axes: [1])
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, rank + 2)
        return windowOutputShape(inputShape, kernel: poolSize, strides: strides, dilation: nil, padding: padding,
                                 channels: inputShape[rank + 1])
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["pool_size": .ints(poolSize), "strides": .ints(strides), "padding": .padding(padding),
                         "data_format": .string("channels_last")])
    }
}

extension BasePooling: ConfigurableLayer {}

/// A pooling layer over steps of `(batch, steps, channels)`, created with single integers.
public class BasePooling1D: BasePooling {
    /// Creates the layer (pool 2, strides = pool by default).
    public convenience init(poolSize: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String? = nil,
                            dtype: DTypePolicy? = nil) throws {
        try self.init(window: [poolSize], strides: strides.map { [$0] }, padding: padding, name: name, dtype: dtype)
    }
}

/// A pooling layer over `(batch, height, width, channels)`.
public class BasePooling2D: BasePooling {
    /// Creates the layer; `poolSize` and `strides` take 1 or 2 values (pool (2, 2), strides = pool
    /// by default).
    public convenience init(poolSize: [Int] = [2, 2], strides: [Int]? = nil, padding: Padding = .valid,
                            name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(window: poolSize, strides: strides, padding: padding, name: name, dtype: dtype)
    }
}

/// A pooling layer over `(batch, d1, d2, d3, channels)`.
public class BasePooling3D: BasePooling {
    /// Creates the layer; `poolSize` and `strides` take 1 or 3 values (pool (2, 2, 2), strides =
    /// pool by default).
    public convenience init(poolSize: [Int] = [2, 2, 2], strides: [Int]? = nil, padding: Padding = .valid,
                            name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(window: poolSize, strides: strides, padding: padding, name: name, dtype: dtype)
    }
}

/// Max pooling over `(batch, d1, d2, d3, channels)` (Keras `MaxPooling3D`; pool (2, 2, 2)).
public final class MaxPooling3D: BasePooling3D { override class var pooling: Pooling { ("MaxPooling3D", 3, .max) } }
/// Average pooling over `(batch, d1, d2, d3, channels)` (Keras `AveragePooling3D`).
public final class AveragePooling3D: BasePooling3D { override class var pooling: Pooling { ("AveragePooling3D", 3, .average) } }

/// Max pooling over steps of `(batch, steps, channels)` (Keras `MaxPooling1D`; pool 2, strides = pool).
public final class MaxPooling1D: BasePooling1D { override class var pooling: Pooling { ("MaxPooling1D", 1, .max) } }
/// Average pooling over steps (Keras `AveragePooling1D`).
public final class AveragePooling1D: BasePooling1D { override class var pooling: Pooling { ("AveragePooling1D", 1, .average) } }
/// Max pooling over `(batch, height, width, channels)` (Keras `MaxPooling2D`; pool (2, 2)).
public final class MaxPooling2D: BasePooling2D { override class var pooling: Pooling { ("MaxPooling2D", 2, .max) } }
/// Average pooling over `(batch, height, width, channels)` (Keras `AveragePooling2D`).
public final class AveragePooling2D: BasePooling2D { override class var pooling: Pooling { ("AveragePooling2D", 2, .average) } }

/// Mean or max over all spatial axes (shared by the global pooling layers).
public class BaseGlobalPooling: Layer {
    public let rank: Int
    public let keepDims: Bool
    let average: Bool

    /// A global pooling class: its Keras class name, number of spatial dimensions and whether it
    /// averages (else takes the maximum).
    typealias Pooling = (className: String, rank: Int, average: Bool)
    /// This class's pooling; each subclass gives its own.
    class var pooling: Pooling { ("BaseGlobalPooling", 2, true) }
    /// The Keras class name.
    public class var className: String { pooling.className }

    /// Creates the layer.
    public init(keepDims: Bool = false, name: String? = nil, dtype: DTypePolicy? = nil) {
        (rank, average) = (Self.pooling.rank, Self.pooling.average)
        self.keepDims = keepDims
        super.init(name: name, dtype: dtype)
    }

    /// Builds the layer from its config ("keepdims", default false).
    required convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let keepDims = try r.bool("keepdims", false)
        try r.dataFormat()
        self.init(keepDims: keepDims, name: base.name, dtype: base.dtype)
    }

    /// With a mask (`GlobalAveragePooling1D`, Keras): the mean over the kept steps only. The
    /// other global poolings ignore masks, as tf.keras 2.
    public override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        guard rank == 1, average, let x = inputs.first, let mask = masks.first ?? nil else {
            return try callOutputs(inputs, training: training)
        }
        try checkInputRank(x.shape, 3)
        let m = try mask.cast(to: x.dtype).reshaped(to: [x.shape[0], x.shape[1], 1])
        return [try (x * m).sum(alongAxes: [1], keepingDimensions: keepDims) / m.sum(alongAxes: [1], keepingDimensions: keepDims)]
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try checkInputRank(x.shape, rank + 2)
        let axes = Array(1...rank)
        return average ? try x.mean(alongAxes: axes, keepingDimensions: keepDims)
                       : try x.maxValue(alongAxes: axes, keepingDimensions: keepDims)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, rank + 2)
        return keepDims ? [inputShape[0]] + [Int](repeating: 1, count: rank) + [inputShape[rank + 1]]
                        : [inputShape[0], inputShape[rank + 1]]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["keepdims": .bool(keepDims), "data_format": .string("channels_last")])
    }
}

extension BaseGlobalPooling: ConfigurableLayer {}

/// Mean over `(batch, d1, d2, d3, channels) → (batch, channels)` (Keras `GlobalAveragePooling3D`).
public final class GlobalAveragePooling3D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalAveragePooling3D", 3, true) } }
/// Maximum over `(batch, d1, d2, d3, channels) → (batch, channels)` (Keras `GlobalMaxPooling3D`).
public final class GlobalMaxPooling3D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalMaxPooling3D", 3, false) } }

/// Mean over steps: `(batch, steps, channels) → (batch, channels)` (Keras `GlobalAveragePooling1D`).
public final class GlobalAveragePooling1D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalAveragePooling1D", 1, true) } }
/// Mean over height and width (Keras `GlobalAveragePooling2D`).
public final class GlobalAveragePooling2D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalAveragePooling2D", 2, true) } }
/// Max over steps (Keras `GlobalMaxPooling1D`).
public final class GlobalMaxPooling1D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalMaxPooling1D", 1, false) } }
/// Max over height and width (Keras `GlobalMaxPooling2D`).
public final class GlobalMaxPooling2D: BaseGlobalPooling { override class var pooling: Pooling { ("GlobalMaxPooling2D", 2, false) } }

/// Zero-pads height and width: `padding` is `((top, bottom), (left, right))` (Keras `ZeroPadding2D`).
public final class ZeroPadding2D: Layer {
    public let padding: ((Int, Int), (Int, Int))

    /// Creates the layer with explicit padding.
    public init(padding: ((Int, Int), (Int, Int)), name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let all = [padding.0.0, padding.0.1, padding.1.0, padding.1.1]
        if all.contains(where: { $0 < 0 }) {
            throw SwiftKerasError.invalid("ZeroPadding2D: padding must be non-negative, got \(padding)")
        }
        self.padding = padding
        super.init(name: name, dtype: dtype)
    }
    /// Creates the layer padding `height` rows on top and bottom and `width` columns left and right.
    public convenience init(height: Int = 1, width: Int = 1, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        try self.init(padding: ((height, height), (width, width)), name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try x.spatial2DPadded(padding)
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 4)
        func add(_ d: Int, _ p: (Int, Int)) -> Int { d < 0 ? -1 : d + p.0 + p.1 }
        return [inputShape[0], add(inputShape[1], padding.0), add(inputShape[2], padding.1), inputShape[3]]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["padding": .array([.ints([padding.0.0, padding.0.1]), .ints([padding.1.0, padding.1.1])]),
                         "data_format": .string("channels_last")])
    }
}

extension ZeroPadding2D: ConfigurableLayer {
    /// "ZeroPadding2D".
    public static var className: String { "ZeroPadding2D" }

    /// Builds the layer from its config ("padding": an integer, a pair or a pair of pairs).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
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
        try self.init(padding: p, name: base.name, dtype: base.dtype)
    }
}

/// Repeats rows and columns `size` times (Keras `UpSampling2D`, nearest by default).
public final class UpSampling2D: Layer {
    public let size: [Int]
    public let interpolation: ResizeMethod

    /// Creates the layer; `size` takes 1 or 2 values.
    public init(size: [Int] = [2, 2], interpolation: ResizeMethod = .nearest, name: String? = nil,
                dtype: DTypePolicy? = nil) throws {
        self.size = try windowParameter(size, 2, "size", layer: "UpSampling2D")
        self.interpolation = interpolation
        super.init(name: name, dtype: dtype)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let y = try x.resizedImages(heightFactor: size[0], widthFactor: size[1], interpolation: interpolation)
        return try y.cast(to: x.dtype)
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try checkInputRank(inputShape, 4)
        func mul(_ d: Int, _ f: Int) -> Int { d < 0 ? -1 : d * f }
        return [inputShape[0], mul(inputShape[1], size[0]), mul(inputShape[2], size[1]), inputShape[3]]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["size": .ints(size), "data_format": .string("channels_last"),
                         "interpolation": .string(interpolation.name)])
    }
}

extension UpSampling2D: ConfigurableLayer {
    /// "UpSampling2D".
    public static var className: String { "UpSampling2D" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.dataFormat()
        let size = try r.tuple("size", count: 2) ?? [2, 2]
        let interp = try r.string("interpolation") ?? "nearest"
        guard let method = ResizeMethod(name: interp) else {
            throw SwiftKerasError(.invalidArgument, "UpSampling2D.from_config: interpolation must be \"nearest\" or \"bilinear\", got \"\(interp)\"")
        }
        try self.init(size: size, interpolation: method, name: base.name, dtype: base.dtype)
    }
}

/// Maps integer indices to dense vectors: `(batch, ...) → (batch, ..., outputDim)` (Keras
/// `Embedding`, embeddings initialized uniformly in ±0.05). Float indices are converted to int32.
/// The output has the compute dtype.
public final class Embedding: Layer {
    public let inputDim: Int
    public let outputDim: Int
    public let embeddingsInitializer: Initializer
    public let embeddingsRegularizer: Regularizer?
    /// Whether index 0 is padding: the output's mask is `inputs != 0` (Keras `mask_zero`).
    public let maskZero: Bool
    /// The length of the input sequences when it is constant (tf.keras 2 `input_length`): as the
    /// first layer of a model it gives the input shape `(input_length,)` (else `(None,)`, as
    /// tf.keras 2), and it fills the
    /// unknown sequence dimension of the output shape (so `Flatten` + `Dense` can follow).
    public let inputLength: Int?
    /// The table `(inputDim, outputDim)`, once built.
    public private(set) var embeddings: Variable?

    /// Creates the layer.
    public init(inputDim: Int, outputDim: Int, embeddingsInitializer: Initializer = RandomUniform(),
                embeddingsRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil, maskZero: Bool = false,
                inputLength: Int? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) throws {
        self.maskZero = maskZero
        self.inputLength = try inputLength.map { try positiveArgument($0, "input_length", layer: "Embedding") }
        self.inputDim = try positiveArgument(inputDim, "input_dim", layer: "Embedding")
        self.outputDim = try positiveArgument(outputDim, "output_dim", layer: "Embedding")
        self.embeddingsInitializer = embeddingsInitializer
        self.embeddingsRegularizer = embeddingsRegularizer
        // tf.keras 2 gives every Embedding an input shape: (input_length,) or (None,)
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape ?? [self.inputLength ?? -1])
        self.activityRegularizer = activityRegularizer
        autocast = false  // indices must not pass through float16
    }

    public override func build(inputShape: [Int]) throws {
        embeddings = try addWeight(name: "embeddings", shape: [inputDim, outputDim],
                                   initializer: embeddingsInitializer, regularizer: embeddingsRegularizer)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let embeddings else { throw SwiftKerasError(.runtime, "Layer '\(name)': called before build") }
        let idx = (x.dtype == .int32 || x.dtype == .int64) ? x : try x.cast(to: .int32)
        return try embeddings.value.gathered(indices: idx, axis: 0).cast(to: computeDType)
    }

    /// `inputShape + [outputDim]`; with `inputLength` the input must have one sequence dimension
    /// of that length (or unknown, which it fills), as tf.keras 2 checks.
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        guard let inputLength else { return inputShape + [outputDim] }
        guard inputShape.count == 2, inputShape[1] < 0 || inputShape[1] == inputLength else {
            throw SwiftKerasError(.invalidArgument, "Embedding: \"input_length\" is \(inputLength), but received input has shape \(formatSymbolicShape(inputShape))")
        }
        return [inputShape[0], inputLength, outputDim]
    }

    /// With `maskZero`, the mask `inputs != 0` (the inputs' shape); otherwise none.
    public override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        guard maskZero, let x = inputs.first else { return [nil] }
        return [try x.isNotEqual(to: Tensor.scalar(0, dtype: x.dtype))]
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["input_dim": .int(inputDim), "output_dim": .int(outputDim),
                         "embeddings_initializer": .initializer(embeddingsInitializer),
                         "embeddings_regularizer": .regularizer(embeddingsRegularizer), "mask_zero": .bool(maskZero),
                         "input_length": inputLength.map { .int($0) } ?? .null])
    }
}

extension Embedding: ConfigurableLayer {
    /// "Embedding".
    public static var className: String { "Embedding" }

    /// Builds the layer from its config ("input_dim" and "output_dim" required).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("sparse", .bool(false))
        try self.init(inputDim: try r.requiredInt("input_dim"), outputDim: try r.requiredInt("output_dim"),
                      embeddingsInitializer: try r.initializer("embeddings_initializer", RandomUniform()),
                      embeddingsRegularizer: try r.regularizer("embeddings_regularizer"), maskZero: try r.bool("mask_zero", false),
                      inputLength: try r.int("input_length"), name: base.name, dtype: base.dtype)
    }
}
