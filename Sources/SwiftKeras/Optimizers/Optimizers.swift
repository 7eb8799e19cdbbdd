import Glibc

// The built-in optimizers, one update rule each, transcribed from Keras 3
// `keras/src/optimizers/{sgd,adam,adamw,rmsprop,adagrad,adadelta,adamax,nadam,lion}.py`.
// Every rule works in the variable's dtype: the gradient is cast to it, Python-float
// hyperparameters enter as weak scalars (they take the tensor's dtype, as in Keras), and
// step-dependent scalars (bias corrections) are computed in double precision and then rounded
// to the variable's dtype where Keras computes them in that dtype directly.

/// The gradient in the variable's dtype (Keras `ops.cast(gradient, variable.dtype)`).
@inline(__always)
func cast(_ g: Tensor, like x: Tensor) throws -> Tensor {
    g.dtype == x.dtype ? g : try g.cast(to: x.dtype)
}

/// The variable's value (not recorded) and the gradient in its dtype: what every update rule
/// starts from.
@inline(__always)
func valueAndGradient(_ variable: Variable, _ gradient: Tensor) throws -> (x: Tensor, g: Tensor) {
    let x = variable.value(recording: false)
    return (x, try cast(gradient, like: x))
}

/// Gradient descent with optional (Nesterov) momentum (Keras `SGD`).
///
/// Without momentum `w -= lr * g`; with it `m = momentum * m - lr * g` and `w += m`, or with
/// `nesterov` `w += momentum * m - lr * g`. Defaults as Keras: learning rate 0.01, momentum 0.
public final class SGD: Optimizer {
    /// Momentum in [0, 1] (Keras `momentum`).
    public let momentum: Double
    /// Whether to use Nesterov momentum (Keras `nesterov`).
    public let nesterov: Bool

    /// Throws unless `0 <= momentum <= 1` (as Keras).
    public init(learningRate: LearningRate = 0.01, momentum: Double = 0, nesterov: Bool = false,
                weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil,
                name: String = "SGD") throws {
        if !(momentum >= 0 && momentum <= 1) {
            throw SwiftKerasError.invalid("SGD: `momentum` must be a float between [0, 1], received momentum=\(momentum)")
        }
        self.momentum = momentum
        self.nesterov = nesterov
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        if momentum != 0 { try addSlot("momentum", for: variable) }
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        if momentum != 0 {
            let m = try requiredSlot("momentum", for: variable)
            let mNew = try m.value(recording: false) * momentum - g * lr
            try m.assign(mNew)
            if nesterov {
                try variable.assign(try x + (try mNew * momentum - g * lr))
            } else {
                try variable.assign(try x + mNew)
            }
        } else {
            try variable.assign(try x - g * lr)
        }
    }
}

extension SGD: KerasSerializable {
    /// "SGD".
    public static var className: String { "SGD" }

    /// The config: the base optimizer keys plus "momentum", "nesterov".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["momentum": .double(momentum), "nesterov": .bool(nesterov)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.01)
        let momentum = try r.number("momentum", 0, "in [0, 1]", isUnitInterval)
        let nesterov = try r.bool("nesterov", false)
        try self.init(learningRate: b.learningRate, momentum: momentum, nesterov: nesterov,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name ?? "SGD")
        try r.finish()
    }
}

/// Adam (Keras `Adam`): with `t = iterations + 1`,
/// `m += (g - m) * (1 - beta1)`, `v += (g² - v) * (1 - beta2)`,
/// `w -= m * lr * sqrt(1 - beta2^t) / (1 - beta1^t) / (sqrt(v) + epsilon)`; with `amsgrad` the
/// running maximum of `v` replaces `v` in the last step. Defaults as Keras: learning rate 0.001,
/// beta1 0.9, beta2 0.999, epsilon 1e-7.
public class Adam: Optimizer {
    /// Decay rate of the first moment (Keras `beta_1`).
    public let beta1: Double
    /// Decay rate of the second moment (Keras `beta_2`).
    public let beta2: Double
    /// Added to `sqrt(v)` (Keras `epsilon`, "epsilon hat" of the paper).
    public let epsilon: Double
    /// Whether to use the AMSGrad variant (Keras `amsgrad`).
    public let amsgrad: Bool

    /// Creates an Adam optimizer.
    public init(learningRate: LearningRate = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-7, amsgrad: Bool = false, weightDecay: Double? = nil,
                clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
                lossScaleFactor: Double? = nil, name: String = "adam") throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    /// "Adam".
    public class var className: String { "Adam" }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public required convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let a = try Arguments(&r, weightDecay: nil)
        try self.init(learningRate: a.base.learningRate, beta1: a.beta1, beta2: a.beta2, epsilon: a.epsilon,
                      amsgrad: a.amsgrad, weightDecay: a.base.weightDecay, clipnorm: a.base.clipnorm,
                      clipvalue: a.base.clipvalue, globalClipnorm: a.base.globalClipnorm,
                      lossScaleFactor: a.base.lossScaleFactor, name: a.base.name ?? "adam")
        try r.finish()
    }

    public override func build(variable: Variable) throws {
        try addSlot("momentum", for: variable)
        try addSlot("velocity", for: variable)
        if amsgrad { try addSlot("velocity_hat", for: variable) }
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let t = Double(iterations) + 1
        let alpha = lr * (1 - Glibc.pow(beta2, t)).squareRoot() / (1 - Glibc.pow(beta1, t))
        let mVar = try requiredSlot("momentum", for: variable)
        let vVar = try requiredSlot("velocity", for: variable)
        if !amsgrad, try FusedUpdate.adamInPlace(x: variable, g: gradient, m: mVar, v: vVar, beta1: beta1,
                                                 beta2: beta2, alpha: alpha, epsilon: epsilon) {
            return
        }
        let (x, g) = try valueAndGradient(variable, gradient)
        let m0 = mVar.value(recording: false), v0 = vVar.value(recording: false)
        if !amsgrad, let fused = try FusedUpdate.adam(x: x, g: g, m: m0, v: v0, beta1: beta1, beta2: beta2,
                                                      alpha: alpha, epsilon: epsilon) {
            try mVar.assign(fused.m)
            try vVar.assign(fused.v)
            try variable.assign(fused.x)
            return
        }
        let m = try m0 + (try g - m0) * (1 - beta1)
        var v = try v0 + (try square(g) - v0) * (1 - beta2)
        try mVar.assign(m)
        try vVar.assign(v)
        if amsgrad {
            let hVar = try requiredSlot("velocity_hat", for: variable)
            v = try maximum(hVar.value(recording: false), v)
            try hVar.assign(v)
        }
        try variable.assign(try x - (try m * alpha) / (try sqrt(v) + epsilon))
    }
}

extension Adam: KerasSerializable {
    /// The config: the base optimizer keys plus "beta_1", "beta_2", "epsilon", "amsgrad".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["beta_1": .double(beta1), "beta_2": .double(beta2),
                         "epsilon": .double(epsilon), "amsgrad": .bool(amsgrad)])
    }

    /// Adam's and AdamW's arguments read from a config.
    struct Arguments {
        let base: BaseArguments
        let beta1: Double, beta2: Double, epsilon: Double
        let amsgrad: Bool

        init(_ r: inout ArgumentReader, weightDecay: Double?) throws {
            base = try BaseArguments(&r, learningRate: 0.001, weightDecay: weightDecay)
            beta1 = try r.number("beta_1", 0.9, "in [0, 1)", isHalfOpenUnitInterval)
            beta2 = try r.number("beta_2", 0.999, "in [0, 1]", isUnitInterval)
            epsilon = try r.number("epsilon", 1e-7, "a finite number >= 0", isFiniteNonNegative)
            amsgrad = try r.bool("amsgrad", false)
        }
    }
}

/// Adam with decoupled weight decay (Keras `AdamW`): Adam's update after
/// `w -= w * weightDecay * lr`. Defaults as Keras: weight decay 0.004, the rest as `Adam`.
public final class AdamW: Adam {
    /// Creates an AdamW optimizer.
    public init(learningRate: LearningRate = 0.001, weightDecay: Double = 0.004,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7,
                amsgrad: Bool = false, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil,
                name: String = "adamw") throws {
        try super.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                       amsgrad: amsgrad, weightDecay: weightDecay, clipnorm: clipnorm,
                       clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor, name: name)
    }

    /// "AdamW".
    public override class var className: String { "AdamW" }

    /// Builds the optimizer from its config (Keras defaults for missing arguments; weight decay 0.004).
    public required convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let a = try Arguments(&r, weightDecay: 0.004)
        try self.init(learningRate: a.base.learningRate, weightDecay: a.base.weightDecay ?? 0.004, beta1: a.beta1,
                      beta2: a.beta2, epsilon: a.epsilon, amsgrad: a.amsgrad, clipnorm: a.base.clipnorm,
                      clipvalue: a.base.clipvalue, globalClipnorm: a.base.globalClipnorm,
                      lossScaleFactor: a.base.lossScaleFactor, name: a.base.name ?? "adamw")
        try r.finish()
    }
}

/// RMSprop (Keras `RMSprop`): `v = rho * v + (1 - rho) * g²`; centered: also
/// `a = rho * a + (1 - rho) * g` and the denominator `sqrt(v - a² + epsilon)`, otherwise
/// `sqrt(v + epsilon)`; `inc = lr * g / denominator`; with momentum > 0 `m = momentum * m + inc`
/// and `w -= m`, else `w -= inc`. Defaults as Keras: learning rate 0.001, rho 0.9,
/// momentum 0, epsilon 1e-7, not centered.
public final class RMSprop: Optimizer {
    /// Discount factor of the squared-gradient average (Keras `rho`).
    public let rho: Double
    /// Momentum; used only when > 0 (Keras `momentum`).
    public let momentum: Double
    /// Added under the square root (Keras `epsilon`).
    public let epsilon: Double
    /// Whether to normalize by the estimated variance (Keras `centered`).
    public let centered: Bool

    /// Creates an RMSprop optimizer.
    public init(learningRate: LearningRate = 0.001, rho: Double = 0.9, momentum: Double = 0,
                epsilon: Double = 1e-7, centered: Bool = false, weightDecay: Double? = nil,
                clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
                lossScaleFactor: Double? = nil, name: String = "rmsprop") throws {
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        try addSlot("velocity", for: variable)
        if momentum > 0 { try addSlot("momentum", for: variable) }
        if centered { try addSlot("average_gradient", for: variable) }
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let vVar = try requiredSlot("velocity", for: variable)
        let v = try vVar.value(recording: false) * rho + (try square(g) * (1 - rho))
        try vVar.assign(v)
        let denominator: Tensor
        if centered {
            let aVar = try requiredSlot("average_gradient", for: variable)
            let a = try aVar.value(recording: false) * rho + (try g * (1 - rho))
            try aVar.assign(a)
            denominator = try v - square(a) + epsilon
        } else {
            denominator = try v + epsilon
        }
        let increment = try (try g * lr) / sqrt(denominator)
        if momentum > 0 {
            let mVar = try requiredSlot("momentum", for: variable)
            let m = try mVar.value(recording: false) * momentum + increment
            try mVar.assign(m)
            try variable.assign(try x - m)
        } else {
            try variable.assign(try x - increment)
        }
    }
}

extension RMSprop: KerasSerializable {
    /// "RMSprop".
    public static var className: String { "RMSprop" }

    /// The config: the base optimizer keys plus "rho", "momentum", "epsilon", "centered".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["rho": .double(rho), "momentum": .double(momentum),
                         "epsilon": .double(epsilon), "centered": .bool(centered)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let rho = try r.number("rho", 0.9, "in [0, 1]", isUnitInterval)
        let momentum = try r.number("momentum", 0, "in [0, 1]", isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, "a finite number >= 0", isFiniteNonNegative)
        let centered = try r.bool("centered", false)
        try self.init(learningRate: b.learningRate, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name ?? "rmsprop")
        try r.finish()
    }
}

/// Adagrad (Keras `Adagrad`): `acc += g²`, `w -= lr * g / sqrt(acc + epsilon)`, the accumulator
/// starting at `initialAccumulatorValue`. Defaults as Keras: learning rate 0.001, initial
/// accumulator 0.1, epsilon 1e-7.
public final class Adagrad: Optimizer {
    /// The accumulators' starting value, >= 0 (Keras `initial_accumulator_value`).
    public let initialAccumulatorValue: Double
    /// Added under the square root (Keras `epsilon`).
    public let epsilon: Double

    /// Throws if `initialAccumulatorValue` is negative (Keras documents it must be
    /// non-negative).
    public init(learningRate: LearningRate = 0.001, initialAccumulatorValue: Double = 0.1,
                epsilon: Double = 1e-7, weightDecay: Double? = nil, clipnorm: Double? = nil,
                clipvalue: Double? = nil, globalClipnorm: Double? = nil,
                lossScaleFactor: Double? = nil, name: String = "adagrad") throws {
        if !(initialAccumulatorValue >= 0) {
            throw SwiftKerasError.invalid("Adagrad: `initial_accumulator_value` must be non-negative, received \(initialAccumulatorValue)")
        }
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        try addSlot("accumulator", for: variable, initialValue: initialAccumulatorValue)
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let accVar = try requiredSlot("accumulator", for: variable)
        let acc = try accVar.value(recording: false) + square(g)
        try accVar.assign(acc)
        try variable.assign(try x - (try g * lr) / sqrt(try acc + epsilon))
    }
}

extension Adagrad: KerasSerializable {
    /// "Adagrad".
    public static var className: String { "Adagrad" }

    /// The config: the base optimizer keys plus "initial_accumulator_value", "epsilon".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["initial_accumulator_value": .double(initialAccumulatorValue), "epsilon": .double(epsilon)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let initial = try r.number("initial_accumulator_value", 0.1, "a finite number >= 0", isFiniteNonNegative)
        let epsilon = try r.number("epsilon", 1e-7, "a finite number >= 0", isFiniteNonNegative)
        try self.init(learningRate: b.learningRate, initialAccumulatorValue: initial, epsilon: epsilon,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name ?? "adagrad")
        try r.finish()
    }
}

/// Adadelta (Keras `Adadelta`): `ag = rho * ag + (1 - rho) * g²`,
/// `delta = -sqrt(ad + epsilon) * g / sqrt(ag + epsilon)`, `ad = rho * ad + (1 - rho) * delta²`,
/// `w += lr * delta`. Defaults as Keras: learning rate 0.001, rho 0.95, epsilon 1e-7.
public final class Adadelta: Optimizer {
    /// The decay rate (Keras `rho`).
    public let rho: Double
    /// Added under the square roots (Keras `epsilon`).
    public let epsilon: Double

    /// Creates an Adadelta optimizer.
    public init(learningRate: LearningRate = 0.001, rho: Double = 0.95, epsilon: Double = 1e-7,
                weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil,
                name: String = "adadelta") throws {
        self.rho = rho
        self.epsilon = epsilon
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        try addSlot("accumulated_grad", for: variable)
        try addSlot("accumulated_delta_var", for: variable)
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let agVar = try requiredSlot("accumulated_grad", for: variable)
        let adVar = try requiredSlot("accumulated_delta_var", for: variable)
        let ag = try agVar.value(recording: false) * rho + (try square(g) * (1 - rho))
        try agVar.assign(ag)
        let ad0 = adVar.value(recording: false)
        let delta = try (try sqrt(try ad0 + epsilon) * g / sqrt(try ag + epsilon)).negated()
        try adVar.assign(try ad0 * rho + (try square(delta) * (1 - rho)))
        try variable.assign(try x + (try delta * lr))
    }
}

extension Adadelta: KerasSerializable {
    /// "Adadelta".
    public static var className: String { "Adadelta" }

    /// The config: the base optimizer keys plus "rho", "epsilon".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["rho": .double(rho), "epsilon": .double(epsilon)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let rho = try r.number("rho", 0.95, "in [0, 1]", isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, "a finite number >= 0", isFiniteNonNegative)
        try self.init(learningRate: b.learningRate, rho: rho, epsilon: epsilon,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name ?? "adadelta")
        try r.finish()
    }
}

/// What Adamax and Nadam share: the decay rates of the first moment and of the second moment
/// (or infinity norm) and the epsilon of the denominator, with the same arguments and config.
/// Defaults as Keras: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
public class AdaptiveMomentOptimizer: Optimizer {
    /// Decay rate of the first moment (Keras `beta_1`).
    public let beta1: Double
    /// Decay rate of the second moment or infinity norm (Keras `beta_2`).
    public let beta2: Double
    /// Added to the denominator (Keras `epsilon`).
    public let epsilon: Double

    /// Creates the optimizer; the name defaults to the class's ("adamax", "nadam").
    public init(learningRate: LearningRate = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-7, weightDecay: Double? = nil, clipnorm: Double? = nil,
                clipvalue: Double? = nil, globalClipnorm: Double? = nil,
                lossScaleFactor: Double? = nil, name: String? = nil) throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        try super.init(learningRate: learningRate, name: name ?? Self.className.lowercased(), weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    /// The Keras class name (each subclass gives its own).
    public class var className: String { "AdaptiveMomentOptimizer" }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public required convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let beta1 = try r.number("beta_1", 0.9, "in [0, 1)", isHalfOpenUnitInterval)
        let beta2 = try r.number("beta_2", 0.999, "in [0, 1]", isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, "a finite number >= 0", isFiniteNonNegative)
        try self.init(learningRate: b.learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name)
        try r.finish()
    }

    public override func build(variable: Variable) throws {
        try addSlot("momentum", for: variable)
        try addSlot(Self.secondSlot, for: variable)
    }

    /// The slot of the second statistic: "velocity" (Nadam) or "norm" (Adamax).
    class var secondSlot: String { "velocity" }
}

extension AdaptiveMomentOptimizer: KerasSerializable {
    /// The config: the base optimizer keys plus "beta_1", "beta_2", "epsilon".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["beta_1": .double(beta1), "beta_2": .double(beta2), "epsilon": .double(epsilon)])
    }
}

/// Adamax (Keras `Adamax`): with `t = iterations + 1`, `m += (g - m) * (1 - beta1)`,
/// `u = max(beta2 * u, |g|)`, `w -= lr * m / ((1 - beta1^t) * (u + epsilon))`.
public final class Adamax: AdaptiveMomentOptimizer {
    /// "Adamax".
    public override class var className: String { "Adamax" }
    override class var secondSlot: String { "norm" }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let t = Double(iterations) + 1
        let beta1Power = Glibc.pow(beta1, t)
        let mVar = try requiredSlot("momentum", for: variable)
        let uVar = try requiredSlot("norm", for: variable)
        let m0 = mVar.value(recording: false)
        let m = try m0 + (try g - m0) * (1 - beta1)
        let u = try maximum(try uVar.value(recording: false) * beta2, abs(g))
        try mVar.assign(m)
        try uVar.assign(u)
        try variable.assign(try x - (try m * lr) / (try (try u + epsilon) * (1 - beta1Power)))
    }
}

/// Nadam, Adam with Nesterov momentum (Keras `Nadam`). With `t = iterations + 1`,
/// `mu_t = beta1 * (1 - 0.5 * 0.96^t)` and the running product `P_t = mu_1 ... mu_t` (updated
/// once per step, before the variables): `m += (g - m) * (1 - beta1)`,
/// `v += (g² - v) * (1 - beta2)`, `m_hat = mu_{t+1} * m / (1 - P_t * mu_{t+1}) +
/// (1 - mu_t) * g / (1 - P_t)`, `v_hat = v / (1 - beta2^t)`,
/// `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`.
public final class Nadam: AdaptiveMomentOptimizer {
    /// The running product of the momentum schedule (Keras `_u_product`, a variable of the
    /// first variable's dtype there, a double here). Settable to restore a saved optimizer.
    public var uProduct: Double = 1

    /// "Nadam".
    public override class var className: String { "Nadam" }

    private func mu(_ step: Double) -> Double { beta1 * (1 - 0.5 * Glibc.pow(0.96, step)) }

    public override func updateSteps(_ gradients: [Tensor], _ variables: [Variable], learningRate: Double) throws {
        uProduct *= mu(Double(iterations) + 1)
        try super.updateSteps(gradients, variables, learningRate: learningRate)
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let t = Double(iterations) + 1
        let muT = mu(t), muNext = mu(t + 1)
        let productNext = uProduct * muNext
        let beta2Power = Glibc.pow(beta2, t)
        let mVar = try requiredSlot("momentum", for: variable)
        let vVar = try requiredSlot("velocity", for: variable)
        let m0 = mVar.value(recording: false), v0 = vVar.value(recording: false)
        let m = try m0 + (try g - m0) * (1 - beta1)
        let v = try v0 + (try square(g) - v0) * (1 - beta2)
        try mVar.assign(m)
        try vVar.assign(v)
        let mHat = try (try m * muNext) / (1 - productNext) + (try g * (1 - muT)) / (1 - uProduct)
        let vHat = try v / (1 - beta2Power)
        try variable.assign(try x - (try mHat * lr) / (try sqrt(vHat) + epsilon))
    }
}

/// Lion (Keras `Lion`): `w -= lr * sign(beta1 * m + (1 - beta1) * g)`, then
/// `m = beta2 * m + (1 - beta2) * g`. Defaults as Keras: learning rate 0.001, beta1 0.9,
/// beta2 0.99.
public final class Lion: Optimizer {
    /// Interpolation factor of the update direction, in (0, 1] (Keras `beta_1`).
    public let beta1: Double
    /// Decay rate of the momentum (Keras `beta_2`).
    public let beta2: Double

    /// Throws unless `0 < beta1 <= 1` (as Keras).
    public init(learningRate: LearningRate = 0.001, beta1: Double = 0.9, beta2: Double = 0.99,
                weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
                globalClipnorm: Double? = nil, lossScaleFactor: Double? = nil,
                name: String = "lion") throws {
        if !(beta1 > 0 && beta1 <= 1) {
            throw SwiftKerasError.invalid("Lion: argument `beta_1` must be in the [0, 1] range; otherwise the optimizer degenerates to SignSGD; received beta_1=\(beta1)")
        }
        self.beta1 = beta1
        self.beta2 = beta2
        try super.init(learningRate: learningRate, name: name, weightDecay: weightDecay,
                       clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm,
                       lossScaleFactor: lossScaleFactor)
    }

    public override func build(variable: Variable) throws {
        try addSlot("momentum", for: variable)
    }

    public override func updateStep(gradient: Tensor, variable: Variable, learningRate lr: Double) throws {
        let (x, g) = try valueAndGradient(variable, gradient)
        let mVar = try requiredSlot("momentum", for: variable)
        let m0 = mVar.value(recording: false)
        let direction = try sign(try m0 * beta1 + (try g * (1 - beta1)))
        try variable.assign(try x - (try direction * lr))
        try mVar.assign(try m0 * beta2 + (try g * (1 - beta2)))
    }
}

extension Lion: KerasSerializable {
    /// "Lion".
    public static var className: String { "Lion" }

    /// The config: the base optimizer keys plus "beta_1", "beta_2".
    public func getConfig() throws -> ConfigValue {
        optimizerConfig(["beta_1": .double(beta1), "beta_2": .double(beta2)])
    }

    /// Builds the optimizer from its config (Keras defaults for missing arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let b = try BaseArguments(&r, learningRate: 0.001)
        let beta1 = try r.number("beta_1", 0.9, "in (0, 1]", { $0 > 0 && $0 <= 1 })
        let beta2 = try r.number("beta_2", 0.99, "in [0, 1]", isUnitInterval)
        try self.init(learningRate: b.learningRate, beta1: beta1, beta2: beta2,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor, name: b.name ?? "lion")
        try r.finish()
    }
}
