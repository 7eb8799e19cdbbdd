// Loss objects with Keras 3 semantics (keras/src/losses/loss.py, losses.py): a loss object
// casts both inputs to its dtype, computes per-sample values, then applies sample weights and
// its reduction. Every loss is made of differentiable ops, so a GradientTape differentiates it.

/// Something that computes a loss from targets and predictions (Keras `keras.losses.Loss`
/// called as `loss(y_true, y_pred, sample_weight)`). Models accept any conforming object.
public protocol Loss: AnyObject {
    /// The loss of `yPred` against `yTrue`, weighted by `sampleWeight` and reduced as the loss
    /// object says (a scalar for the default reduction).
    func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws -> Tensor
    /// The loss of a model output that has a mask (Keras 2: `y_pred._keras_mask`; 1 = counts).
    /// The default folds the mask into the sample weights (`MaskRules.maskedSampleWeights`).
    func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, outputMask: Tensor?) throws -> Tensor
}

extension Loss {
    /// The loss without sample weights.
    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        try self(yTrue, yPred, sampleWeight: nil)
    }

    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, outputMask: Tensor?) throws -> Tensor {
        try self(yTrue, yPred, sampleWeight: MaskRules.maskedSampleWeights(outputMask, sampleWeight, dtype: yPred.dtype))
    }
}

/// The base class of loss objects (Keras `keras.losses.Loss`): subclasses override `call`
/// (per-sample values) and inherit the casting, sample weighting and reduction.
open class BaseLoss: Loss {
    /// The loss's name (Keras `name`).
    public var name: String
    /// How per-sample values are aggregated (Keras `reduction`).
    public var reduction: Reduction
    /// The dtype both inputs are cast to before `call` (Keras `dtype`, default floatx float32).
    public var dtype: DType

    /// Creates a loss object. `dtype` must be a floating-point dtype (checked when called).
    public init(name: String, reduction: Reduction = .sumOverBatchSize, dtype: DType = .floatx) {
        self.name = name
        self.reduction = reduction
        self.dtype = dtype
    }

    /// The per-sample loss values of `yPred` against `yTrue` (both already cast to `dtype`)
    /// (Keras `Loss.call`). The base class throws: subclasses override it.
    open func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "\(name): Loss subclasses must implement call(_:_:)")
    }

    /// The per-sample values and an optional validity mask (1 = counts, 0 = ignored) that the
    /// reduction honours like a Keras mask. The default returns `call` and no mask.
    open func callWithMask(_ yTrue: Tensor, _ yPred: Tensor) throws -> (values: Tensor, mask: Tensor?) {
        (try call(yTrue, yPred), nil)
    }

    /// Casts `yTrue` and `yPred` to `dtype`, computes the per-sample values and reduces them
    /// with `sampleWeight` (Keras `Loss.__call__`).
    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws -> Tensor {
        try self(yTrue, yPred, sampleWeight: sampleWeight, outputMask: nil)
    }

    /// The loss with the mask of the model output (Keras 2 `apply_valid_mask`): the mask joins
    /// `callWithMask`'s, so the default reduction averages over the kept entries only.
    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, outputMask: Tensor?) throws -> Tensor {
        if !dtype.isFloatingPoint {
            throw SwiftKerasError.dtype("\(name): the loss dtype must be floating point, got \(dtype)")
        }
        let p = yPred.dtype == dtype ? yPred : try yPred.cast(to: dtype)
        let t = yTrue.dtype == dtype ? yTrue : try yTrue.cast(to: dtype)
        var (values, mask) = try callWithMask(t, p)
        if let outputMask {
            let m = try outputMask.cast(to: dtype)
            mask = try mask.map { try $0.cast(to: dtype) * m } ?? m
        }
        let v = values.dtype == dtype ? values : try values.cast(to: dtype)
        return try reduceWeightedValues(v, sampleWeight: sampleWeight, mask: mask, reduction: reduction, op: name)
    }
}

/// A loss object built from a per-sample loss function (Keras `LossFunctionWrapper`): before
/// calling the function, `yTrue` and `yPred` go through `squeezeOrExpandToSameRank`, so
/// labels of shape `(B,)` meet predictions of shape `(B, 1)`.
open class LossFunctionWrapper: BaseLoss {
    /// The per-sample loss function.
    public let function: (Tensor, Tensor) throws -> Tensor

    /// Wraps `function` (per-sample values from `(yTrue, yPred)`).
    public init(name: String, reduction: Reduction = .sumOverBatchSize, dtype: DType = .floatx,
                _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
        self.function = function
        super.init(name: name, reduction: reduction, dtype: dtype)
    }

    open override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        let (t, p) = try squeezeOrExpandToSameRank(yTrue, yPred)
        return try function(t, p)
    }
}

/// A loss defined by a closure — a Swift function, or a callback from C or Python — reduced
/// like any Keras loss: what Keras builds when `compile` gets a plain function as `loss`, and
/// what a `Loss` subclass written in another language maps to.
///
/// The closure returns per-sample values (any shape; the reduction handles it) and may throw
/// (a failing callback's error reaches the caller unchanged). Losses built from
/// differentiable ops stay differentiable.
public final class CustomLoss: BaseLoss {
    /// The closure.
    public let function: (Tensor, Tensor) throws -> Tensor
    /// Whether the inputs go through `squeezeOrExpandToSameRank` first (true for plain
    /// functions, as Keras' `LossFunctionWrapper`; false for `Loss` subclasses' `call`).
    public let matchesRanks: Bool

    /// Wraps `function`, computing per-sample values from `(yTrue, yPred)`.
    public init(name: String = "custom_loss", reduction: Reduction = .sumOverBatchSize, dtype: DType = .floatx,
                matchesRanks: Bool = true, _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
        self.function = function
        self.matchesRanks = matchesRanks
        super.init(name: name, reduction: reduction, dtype: dtype)
    }

    /// Wraps `function` with the loss object's settings given as a JSON object (`""` = the
    /// defaults), as a C or Python client describes its custom loss:
    /// - "name": the loss's name (default "custom_loss");
    /// - "reduction": "sum_over_batch_size" (default; also "auto" and "mean"), "sum" or "none";
    /// - "dtype": the floating dtype both inputs are cast to (default `floatx`);
    /// - "match_ranks": whether the inputs go through `squeezeOrExpandToSameRank` first (default
    ///   true, as for a plain function; false for a `Loss` subclass's `call`).
    /// Unknown keys, unknown reductions, non-floating dtypes and wrongly typed values throw
    /// `.invalidArgument` naming the key.
    public convenience init(configJSON: String, _ function: @escaping (Tensor, Tensor) throws -> Tensor) throws {
        let text = configJSON.isEmpty ? "{}" : configJSON
        var r = try ConfigReader(try ConfigValue.parse(json: text), owner: "CustomLoss.from_config")
        var reduction = Reduction.sumOverBatchSize
        if let s = try r.string("reduction") {
            guard let red = Reduction(name: s) else {
                throw SwiftKerasError(.invalidArgument,
                                      "CustomLoss.from_config: invalid value for reduction '\(s)': expected one of \"sum_over_batch_size\", \"sum\", \"none\", \"auto\"")
            }
            reduction = red
        }
        var dtype = DType.floatx
        if let d = try r.string("dtype") {
            guard let dt = DType(name: d), dt.isFloatingPoint else {
                throw SwiftKerasError(.invalidArgument, "CustomLoss.from_config: 'dtype' must be a floating-point dtype name, got \"\(d)\"")
            }
            dtype = dt
        }
        let name = try r.string("name") ?? "custom_loss"
        let matchesRanks = try r.bool("match_ranks", true)
        try r.finish()
        self.init(name: name, reduction: reduction, dtype: dtype, matchesRanks: matchesRanks, function)
    }

    public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
        if matchesRanks {
            let (t, p) = try squeezeOrExpandToSameRank(yTrue, yPred)
            return try function(t, p)
        }
        return try function(yTrue, yPred)
    }
}

/// The loss object named `name`, with default arguments and `reduction` (Keras
/// `keras.losses.get` as `compile` uses it): function names (`"mean_squared_error"`), class
/// names (`"MeanSquaredError"`) and Keras' aliases (`"mse"`, `"MSE"`, `"mae"`, `"mape"`,
/// `"msle"`, `"bce"`, `"kld"`, `"logcosh"`, `"huber_loss"`, ...). Unknown names throw.
public func lossNamed(_ name: String, reduction: Reduction = .sumOverBatchSize) throws -> BaseLoss {
    guard let lossClass = KerasRegistry.builtinClass(.loss, named: name),
          let loss = try lossClass.init(config: .object(["reduction": .string(reduction.kerasName)])) as? BaseLoss else {
        throw SwiftKerasError.invalid("Could not interpret loss identifier: '\(name)'")
    }
    return loss
}

/// The Keras function name of a loss given by any of its names or aliases, or nil (the loss
/// classes' names are in `KerasRegistry`; a class's first alias is its function name).
public func canonicalLossName(_ name: String) -> String? {
    KerasRegistry.builtinClass(.loss, named: name)?.aliases.first
}
