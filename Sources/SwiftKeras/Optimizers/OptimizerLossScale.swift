// Dynamic loss scaling for mixed precision (Keras 3
// `keras/src/optimizers/loss_scale_optimizer.py`).

/// An optimizer wrapper that scales the loss dynamically to keep float16 gradients from
/// underflowing (Keras `LossScaleOptimizer`).
///
/// Use `scaleLoss` on the loss inside the tape, then pass the (scaled) gradients to
/// `applyGradients`. On each step: if any gradient holds an inf or NaN, the step is skipped
/// (no variable, no inner state and not `iterations` changes), the scale is halved and the
/// growth counter resets; otherwise the gradients are divided by the scale, the inner optimizer
/// applies them, and after `dynamicGrowthSteps` consecutive finite steps the scale doubles
/// (on that step, after the update) and the counter resets. The inner optimizer's own
/// `lossScaleFactor` is turned off (as Keras), so gradients are not unscaled twice.
/// `iterations` and the learning rate are the inner optimizer's.
public final class LossScaleOptimizer: Optimizer {
    /// The wrapped optimizer (Keras `inner_optimizer`).
    public let innerOptimizer: Optimizer
    /// The starting loss scale (Keras `initial_scale`, 2^15 by default).
    public let initialScale: Double
    /// Finite steps between doublings of the scale (Keras `dynamic_growth_steps`, 2000).
    public let dynamicGrowthSteps: Int
    /// The current loss scale (Keras `dynamic_scale`, a float32 variable there; powers of two
    /// times `initialScale`, exact in both). Settable to restore a saved optimizer.
    public var dynamicScale: Double
    /// Finite steps since the scale last changed (Keras `step_counter`). Settable to restore.
    public var stepCounter = 0

    /// Wraps `inner`. Throws unless `initialScale` is finite and > 0 and
    /// `dynamicGrowthSteps >= 1` (Keras does not check; other values make no sense).
    public init(_ inner: Optimizer, initialScale: Double = 32768, dynamicGrowthSteps: Int = 2000,
                name: String = "loss_scale_optimizer") throws {
        if !(initialScale > 0 && initialScale.isFinite) {
            throw SwiftKerasError.invalid("LossScaleOptimizer: `initial_scale` must be a finite number > 0, received \(initialScale)")
        }
        if dynamicGrowthSteps < 1 {
            throw SwiftKerasError.invalid("LossScaleOptimizer: `dynamic_growth_steps` must be >= 1, received \(dynamicGrowthSteps)")
        }
        if inner is LossScaleOptimizer {
            throw SwiftKerasError.invalid("LossScaleOptimizer: the inner optimizer is already a LossScaleOptimizer")
        }
        innerOptimizer = inner
        self.initialScale = initialScale
        self.dynamicGrowthSteps = dynamicGrowthSteps
        dynamicScale = initialScale
        inner.lossScaleFactor = nil
        try super.init(learningRate: 0, name: name)
    }

    public override var iterations: Int {
        get { innerOptimizer.iterations }
        set { innerOptimizer.iterations = newValue }
    }

    public override func currentLearningRate() throws -> Double {
        try innerOptimizer.currentLearningRate()
    }

    public override func setLearningRate(_ newValue: LearningRate) throws {
        try innerOptimizer.setLearningRate(newValue)
    }

    /// The inner optimizer's state variables.
    public override var stateVariables: [Variable] { innerOptimizer.stateVariables }

    /// The loss scale's state ("loss_scale/current_loss_scale", a float32 scalar, and
    /// "loss_scale/good_steps", an int64 scalar: tf.keras 2's variable names) followed by the
    /// inner optimizer's state under its own names ("iterations", "slots/<k>/<slot>").
    public override func stateTensors() throws -> [(name: String, tensor: Tensor)] {
        [("loss_scale/current_loss_scale", try Tensor.scalar(dynamicScale, dtype: .float32)),
         ("loss_scale/good_steps", try Tensor.scalar(Double(stepCounter), dtype: .int64))]
            + (try innerOptimizer.stateTensors())
    }

    /// Restores state written by `stateTensors`: the loss scale and growth counter, and the
    /// inner optimizer's state (its own deferred restoration of slots). Errors (nothing is
    /// changed): a scale that is not one finite number > 0, a counter that is not one integer in
    /// 0 ..< `dynamicGrowthSteps`, or any error of the inner optimizer's `restoreState`.
    public override func restoreState(_ entries: [(name: String, tensor: Tensor)]) throws {
        var scale: Double? = nil, counter: Int? = nil
        var inner: [(name: String, tensor: Tensor)] = []
        for (entryName, t) in entries {
            let v = t.count == 1 ? t.doubles[0] : .nan
            switch entryName {
            case "loss_scale/current_loss_scale":
                guard v > 0, v.isFinite else {
                    throw SwiftKerasError.invalid("\(name): the restored loss scale must be one finite number > 0, got shape \(formatShape(t.shape)) value \(v)")
                }
                scale = v
            case "loss_scale/good_steps":
                guard v >= 0, v < Double(dynamicGrowthSteps), v == v.rounded() else {
                    throw SwiftKerasError.invalid("\(name): the restored good_steps must be one integer in [0, \(dynamicGrowthSteps)) (dynamic_growth_steps), got shape \(formatShape(t.shape)) value \(v)")
                }
                counter = Int(v)
            default:
                inner.append((entryName, t))
            }
        }
        try innerOptimizer.restoreState(inner)
        if let scale { dynamicScale = scale }
        if let counter { stepCounter = counter }
    }

    /// The loss times the current scale, as a float32 (or wider) tensor: Keras multiplies by
    /// its float32 scale variable, so a float16 loss is promoted and a large scale cannot
    /// overflow it. Runs under the caller's tape.
    public override func scaleLoss(_ loss: Tensor) throws -> Tensor {
        let scaleDType: DType = loss.dtype == .float64 ? .float64 : .float32
        return try loss * Tensor.scalar(dynamicScale, dtype: scaleDType)
    }

    public override func isBuilt(for variable: Variable) -> Bool {
        innerOptimizer.isBuilt(for: variable)
    }

    public override func slot(_ slotName: String, for variable: Variable) -> Variable? {
        innerOptimizer.slot(slotName, for: variable)
    }

    public override func build(variable: Variable) throws {
        try innerOptimizer.build([variable])
    }

    public override func apply(_ gradients: [Tensor?], to variables: [Variable]) throws {
        guard let (grads, vars) = try validatedPairs(gradients, variables) else { return }
        try withoutRecording {
            var finite = true
            for g in grads {
                // inf * 0 and NaN * 0 are NaN: one reduction tells whether g is all finite.
                if try (g * 0.0).sum().cast(to: .float64).scalarDouble().isNaN {
                    finite = false
                    break
                }
            }
            if !finite {
                stepCounter = 0
                dynamicScale /= 2
                return
            }
            let scale = dynamicScale
            let unscaled = try grads.map { try $0 / scale }
            try innerOptimizer.apply(unscaled.map { Optional($0) }, to: vars)
            if stepCounter == dynamicGrowthSteps - 1 {
                stepCounter = 0
                dynamicScale *= 2
            } else {
                stepCounter += 1
            }
        }
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate: Double) throws {
        try innerOptimizer.updateStep(gradient: gradient, variable: variable, learningRate: learningRate)
    }
}

extension LossScaleOptimizer: KerasSerializable {
    /// "LossScaleOptimizer".
    public static var className: String { "LossScaleOptimizer" }
    /// "loss_scale_optimizer" too.
    public static var aliases: [String] { ["loss_scale_optimizer"] }

    /// The config: "name", "inner_optimizer" (serialized), "initial_scale", "dynamic_growth_steps".
    public func getConfig() throws -> ConfigValue {
        .object(["name": .string(name), "inner_optimizer": try serializeOptimizer(innerOptimizer),
                 "initial_scale": .double(initialScale), "dynamic_growth_steps": .int(dynamicGrowthSteps)])
    }

    /// Builds the optimizer from its config ("inner_optimizer" required; the base optimizer
    /// arguments only at their defaults, as Keras).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        if !(try r.bool("dynamic", true)) {
            throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer no longer supports `dynamic=False`; instead, set `loss_scale_factor` directly on the `inner_optimizer`")
        }
        // Keras accepts the base optimizer arguments at their defaults only (older configs had them).
        for key in ["weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "ema_overwrite_frequency",
                    "loss_scale_factor", "gradient_accumulation_steps"] {
            if let v = r.raw(key) {
                throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer does not support `\(key)` (received \(v.json)); instead, set `\(key)` on the `inner_optimizer`")
            }
        }
        if try r.bool("use_ema", false) {
            throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer does not support `use_ema`; instead, set `use_ema` on the `inner_optimizer`")
        }
        if let m = try r.number("ema_momentum"), m != 0.99 {
            throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer does not support `ema_momentum`; instead, set `ema_momentum` on the `inner_optimizer`")
        }
        if r.raw("learning_rate") != nil {
            throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer does not support `learning_rate`; its learning rate is the `inner_optimizer`'s")
        }
        guard let innerValue = r.raw("inner_optimizer") else {
            throw SwiftKerasError(.invalidArgument, "LossScaleOptimizer: missing required argument `inner_optimizer`")
        }
        let inner = try optimizerFromSerialized(innerValue, owner: "LossScaleOptimizer: argument `inner_optimizer`")
        let scale = try r.number("initial_scale", 32768, "a finite number > 0", isFinitePositive)
        let growth = try r.int("dynamic_growth_steps") ?? 2000
        if growth < 1 { throw r.valueError("dynamic_growth_steps", "an integer >= 1", "\(growth)") }
        try self.init(inner, initialScale: scale, dynamicGrowthSteps: growth,
                      name: try r.string("name") ?? "loss_scale_optimizer")
        try r.finish()
    }
}
