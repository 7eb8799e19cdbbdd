import Glibc

// Ftrl and Adafactor, transcribed from tf.keras 2 (`tf_keras/src/optimizers/{ftrl,adafactor}.py`;
// Keras 3 has the same rules).

/// Follow The Regularized Leader (Keras `Ftrl`). With `p = -learningRatePower`,
/// `l2 = l2RegularizationStrength + beta / (2 lr)`:
/// `acc' = acc + g²`, `linear += g + 2 l2Shrinkage·w − (acc'^p − acc^p) / lr · w`,
/// `w = (clip(linear, −l1, l1) − linear) / (acc'^p / lr + 2 l2)`, `acc = acc'`. Defaults as
/// Keras: learning rate 0.001, learning rate power −0.5, initial accumulator 0.1, no
/// regularization, beta 0.
public final class Ftrl: Optimizer {
    /// The power of the learning rate, <= 0 (Keras `learning_rate_power`).
    public let learningRatePower: Double
    /// The accumulators' starting value, >= 0 (Keras `initial_accumulator_value`).
    public let initialAccumulatorValue: Double
    /// L1 regularization strength, >= 0 (Keras `l1_regularization_strength`).
    public let l1RegularizationStrength: Double
    /// L2 regularization strength, >= 0 (Keras `l2_regularization_strength`).
    public let l2RegularizationStrength: Double
    /// L2 shrinkage regularization strength, >= 0 (Keras `l2_shrinkage_regularization_strength`).
    public let l2ShrinkageRegularizationStrength: Double
    /// Keras `beta` (added to the L2 strength as `beta / (2 lr)`).
    public let beta: Double

    /// Throws for a negative initial accumulator or regularization strength, or a positive
    /// learning rate power (as Keras).
    public init(learningRate: LearningRate = 0.001, learningRatePower: Double = -0.5,
                initialAccumulatorValue: Double = 0.1, l1RegularizationStrength: Double = 0,
                l2RegularizationStrength: Double = 0, l2ShrinkageRegularizationStrength: Double = 0,
                beta: Double = 0, weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil, name: String = "Ftrl") throws {
        let nonNegative = [("initial_accumulator_value", initialAccumulatorValue),
                           ("l1_regularization_strength", l1RegularizationStrength),
                           ("l2_regularization_strength", l2RegularizationStrength),
                           ("l2_shrinkage_regularization_strength", l2ShrinkageRegularizationStrength)]
        for (key, value) in nonNegative where !(value >= 0) {
            throw SwiftKerasError.invalid("Ftrl: `\(key)` needs to be positive or zero. Received: \(key)=\(value).")
        }
        if !(learningRatePower <= 0) {
            throw SwiftKerasError.invalid("Ftrl: `learning_rate_power` needs to be negative or zero. Received: learning_rate_power=\(learningRatePower).")
        }
        (self.learningRatePower, self.initialAccumulatorValue, self.beta) = (learningRatePower, initialAccumulatorValue, beta)
        (self.l1RegularizationStrength, self.l2RegularizationStrength, self.l2ShrinkageRegularizationStrength) =
            (l1RegularizationStrength, l2RegularizationStrength, l2ShrinkageRegularizationStrength)
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        try addSlot("accumulator", for: variable, initialValue: initialAccumulatorValue)
        try addSlot("linear", for: variable)
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let accVar = try requiredSlot("accumulator", for: variable)
        let linVar = try requiredSlot("linear", for: variable)
        let acc = accVar.value(recording: false)
        let l2 = l2RegularizationStrength + beta / (2 * lr)
        let gradToUse = l2ShrinkageRegularizationStrength == 0 ? g : try g + x * (2 * l2ShrinkageRegularizationStrength)
        let newAcc = try acc + square(g)
        let power = Scalar.float(-learningRatePower)
        let newAccPower = try pow(newAcc, power)
        let linear = try linVar.value(recording: false) + (try gradToUse - (try (try newAccPower - pow(acc, power)) / lr * x))
        let quadratic = try newAccPower / lr + 2 * l2
        let l1 = l1RegularizationStrength
        let clipped = try linear.clipped(min: Scalar.float(-l1), max: Scalar.float(l1))
        try linVar.assign(linear)
        try variable.assign(try (try clipped - linear) / quadratic)
        try accVar.assign(newAcc)
    }
}

extension Ftrl: KerasSerializable {
    /// "Ftrl".
    public static var className: String { "Ftrl" }

    /// The config: the base optimizer keys plus "learning_rate_power", "initial_accumulator_value",
    /// "l1_regularization_strength", "l2_regularization_strength",
    /// "l2_shrinkage_regularization_strength", "beta".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["learning_rate_power": .double(learningRatePower),
                         "initial_accumulator_value": .double(initialAccumulatorValue),
                         "l1_regularization_strength": .double(l1RegularizationStrength),
                         "l2_regularization_strength": .double(l2RegularizationStrength),
                         "l2_shrinkage_regularization_strength": .double(l2ShrinkageRegularizationStrength),
                         "beta": .double(beta)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let power = try r.number("learning_rate_power", -0.5, "a finite number <= 0", { $0 <= 0 && $0.isFinite })
        let initial = try r.number("initial_accumulator_value", 0.1, "a finite number >= 0", isFiniteNonNegative)
        let l1 = try r.number("l1_regularization_strength", 0, "a finite number >= 0", isFiniteNonNegative)
        let l2 = try r.number("l2_regularization_strength", 0, "a finite number >= 0", isFiniteNonNegative)
        let shrink = try r.number("l2_shrinkage_regularization_strength", 0, "a finite number >= 0", isFiniteNonNegative)
        let beta = try r.number("beta", 0, "a finite number", { $0.isFinite })
        try self.init(learningRate: b.learningRate, learningRatePower: power, initialAccumulatorValue: initial,
                      l1RegularizationStrength: l1, l2RegularizationStrength: l2,
                      l2ShrinkageRegularizationStrength: shrink, beta: beta, weightDecay: b.weightDecay,
                      clipnorm: b.clipnorm, clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                      lossScaleFactor: b.lossScaleFactor, name: b.name ?? "Ftrl")
        try r.finish()
    }
}

/// Adafactor (Keras `Adafactor`), with `t = iterations + 1`: the learning rate becomes
/// `min(lr, 1/√t)` (`relativeStep` with a constant rate), `ρ = min(lr, 1/√t)`,
/// `α = max(epsilon2, rms(w))·ρ`, `ĝ² = g² + epsilon1`, `β = 1 − t^beta2Decay`. Variables of rank
/// >= 2 keep factored statistics over their last two axes: `r = β r + (1 − β) mean(ĝ², −1)`,
/// `c = β c + (1 − β) mean(ĝ², −2)`, `v = (r / mean(r, −1))[..., None] · c[..., None, :]`; others
/// `v = β v + (1 − β) ĝ²`. Then `u = g / √v`, `w −= α · u / max(1, rms(u) / clipThreshold)`.
/// Defaults as Keras: learning rate 0.001, beta2 decay −0.8, epsilon1 1e−30, epsilon2 1e−3,
/// clip threshold 1, relative step on.
public final class Adafactor: Optimizer {
    /// The decay exponent of the second-moment rate (Keras `beta_2_decay`).
    public let beta2Decay: Double
    /// Added to the squared gradient (Keras `epsilon_1`).
    public let epsilon1: Double
    /// The floor of the variable's RMS in the step size (Keras `epsilon_2`).
    public let epsilon2: Double
    /// The RMS the update is clipped to (Keras `clip_threshold`).
    public let clipThreshold: Double
    /// Whether a constant learning rate is capped by `1/√t` (Keras `relative_step`).
    public let relativeStep: Bool

    /// Creates an Adafactor optimizer.
    public init(learningRate: LearningRate = 0.001, beta2Decay: Double = -0.8, epsilon1: Double = 1e-30,
                epsilon2: Double = 1e-3, clipThreshold: Double = 1.0, relativeStep: Bool = true,
                weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil, name: String = "Adafactor") throws {
        (self.beta2Decay, self.epsilon1, self.epsilon2) = (beta2Decay, epsilon1, epsilon2)
        (self.clipThreshold, self.relativeStep) = (clipThreshold, relativeStep)
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        let shape = variable.shape
        if shape.count >= 2 {
            try addSlot("r", for: variable, shape: Array(shape.dropLast()))
            try addSlot("c", for: variable, shape: Array(shape.dropLast(2)) + [shape[shape.count - 1]])
        }
        try addSlot("v", for: variable)
    }

    private func rms(_ x: Tensor) throws -> Tensor { try sqrt(square(x).mean()) }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr0: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let t = Double(iterations) + 1
        var lr = lr0
        if case .constant = learningRate, relativeStep { lr = Swift.min(lr, 1 / t.squareRoot()) }
        let rho = Swift.min(lr, 1 / t.squareRoot())
        let alpha = try maximum(rms(x), Tensor.scalar(epsilon2, dtype: x.dtype)) * rho
        let g2 = try square(g) + epsilon1
        let b = 1 - Glibc.pow(t, beta2Decay)
        let vVar = try requiredSlot("v", for: variable)
        let v: Tensor
        if x.rank >= 2 {
            let rVar = try requiredSlot("r", for: variable), cVar = try requiredSlot("c", for: variable)
            let r = try rVar.value(recording: false) * b + (try g2.mean(alongAxes: [-1]) * (1 - b))
            let c = try cVar.value(recording: false) * b + (try g2.mean(alongAxes: [-2]) * (1 - b))
            try rVar.assign(r)
            try cVar.assign(c)
            v = try (try r / r.mean(alongAxes: [-1], keepingDimensions: true)).expandingDims(at: -1) * c.expandingDims(at: -2)
        } else {
            v = try vVar.value(recording: false) * b + (try g2 * (1 - b))
        }
        try vVar.assign(v)
        let u = try g / sqrt(v)
        let uHat = try u / maximum(try rms(u) / clipThreshold, Tensor.scalar(1, dtype: x.dtype))
        try variable.assign(try x - alpha * uHat)
    }
}

extension Adafactor: KerasSerializable {
    /// "Adafactor".
    public static var className: String { "Adafactor" }

    /// The config: the base optimizer keys plus "beta_2_decay", "epsilon_1", "epsilon_2",
    /// "clip_threshold", "relative_step".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["beta_2_decay": .double(beta2Decay), "epsilon_1": .double(epsilon1),
                         "epsilon_2": .double(epsilon2), "clip_threshold": .double(clipThreshold),
                         "relative_step": .bool(relativeStep)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let decay = try r.number("beta_2_decay", -0.8, "a finite number", { $0.isFinite })
        let e1 = try r.number("epsilon_1", 1e-30, "a finite number >= 0", isFiniteNonNegative)
        let e2 = try r.number("epsilon_2", 1e-3, "a finite number >= 0", isFiniteNonNegative)
        let clip = try r.number("clip_threshold", 1.0, "a finite number > 0", isFinitePositive)
        let relative = try r.bool("relative_step", true)
        try self.init(learningRate: b.learningRate, beta2Decay: decay, epsilon1: e1, epsilon2: e2,
                      clipThreshold: clip, relativeStep: relative, weightDecay: b.weightDecay,
                      clipnorm: b.clipnorm, clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                      lossScaleFactor: b.lossScaleFactor, name: b.name ?? "Adafactor")
        try r.finish()
    }
}
