import Glibc

// Learning-rate schedules (Keras 3 `keras/src/optimizers/schedules/learning_rate_schedule.py`).
// A schedule maps the optimizer's step count (`Optimizer.iterations`, read before the step's
// increment, so the first update sees step 0) to a learning rate. Keras computes schedules in
// floatx tensors; here they are plain doubles (the optimizer converts the value to each
// variable's dtype), so values agree with Keras up to float32 rounding.

/// The base class of learning-rate schedules (Keras `LearningRateSchedule`).
///
/// Subclass and override `callAsFunction(_:)`, or wrap a closure in `LambdaSchedule`.
open class LearningRateSchedule {
    /// The schedule's name (Keras `name`).
    public let name: String

    /// Creates a schedule with a name.
    public init(name: String) {
        self.name = name
    }

    /// The learning rate at optimizer step `step` (Keras `__call__(step)`).
    open func callAsFunction(_ step: Int) throws -> Double {
        throw SwiftKerasError(.unimplemented, "LearningRateSchedule '\(name)' must override callAsFunction(_:)")
    }
}

/// A schedule given by a closure of the step (Keras: any callable passed as `learning_rate`,
/// or a custom `LearningRateSchedule` from Python or C).
public final class LambdaSchedule: LearningRateSchedule {
    private let body: (Int) throws -> Double

    /// Creates a schedule that calls `body` with the step.
    public init(name: String = "LambdaSchedule", _ body: @escaping (Int) throws -> Double) {
        self.body = body
        super.init(name: name)
    }

    public override func callAsFunction(_ step: Int) throws -> Double { try body(step) }
}

private func checkPositive(_ value: Double, _ argument: String, _ schedule: String) throws {
    if !(value > 0) {
        throw SwiftKerasError.invalid("\(schedule): argument `\(argument)` must be > 0, received \(argument)=\(value)")
    }
}

/// What the decaying schedules share (ExponentialDecay, InverseTimeDecay, CosineDecay,
/// PolynomialDecay): the rate at step 0 and a positive decay period.
public class DecaySchedule: LearningRateSchedule {
    /// The rate at step 0 (Keras `initial_learning_rate`).
    public let initialLearningRate: Double
    /// The decay period in steps (Keras `decay_steps`).
    public let decaySteps: Double

    /// Throws if `decaySteps <= 0` (as Keras); the name defaults to the class name.
    init(initialLearningRate: Double, decaySteps: Double, name: String?) throws {
        try checkPositive(decaySteps, "decay_steps", Self.className)
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        super.init(name: name ?? Self.className)
    }

    /// The Keras class name (each subclass gives its own).
    public class var className: String { "DecaySchedule" }

    /// The config: the keys every decaying schedule has ("initial_learning_rate", "decay_steps",
    /// "name") and the subclass's `own` keys.
    func decayConfig(_ own: [String: ConfigValue]) -> ConfigValue {
        .object(own.merging(["initial_learning_rate": .double(initialLearningRate),
                             "decay_steps": countValue(decaySteps), "name": .string(name)]) { _, shared in shared })
    }

    /// The required "initial_learning_rate" and "decay_steps" of a config.
    static func readDecay(_ r: inout ArgumentReader) throws -> (initialLearningRate: Double, decaySteps: Double) {
        (try r.requiredNumber("initial_learning_rate", "a finite number", isFiniteNumber),
         try r.requiredNumber("decay_steps", "> 0", isFinitePositive))
    }
}

/// What ExponentialDecay and InverseTimeDecay share: a rate decaying from `initialLearningRate`
/// at `decayRate` per `decaySteps` steps, counted in whole periods when `staircase` (the same
/// arguments and config; each subclass gives the formula).
public class TimeDecaySchedule: DecaySchedule {
    /// The decay rate (Keras `decay_rate`).
    public let decayRate: Double
    /// Whether the exponent is floored to whole periods (Keras `staircase`).
    public let staircase: Bool

    /// Throws if `decaySteps <= 0` (as Keras); the name defaults to the class name.
    public init(initialLearningRate: Double, decaySteps: Double, decayRate: Double,
                staircase: Bool = false, name: String? = nil) throws {
        self.decayRate = decayRate
        self.staircase = staircase
        try super.init(initialLearningRate: initialLearningRate, decaySteps: decaySteps, name: name)
    }

    /// The decay periods elapsed at `step`: `step / decaySteps`, floored when `staircase`.
    func periods(_ step: Int) -> Double {
        let p = Double(step) / decaySteps
        return staircase ? p.rounded(.down) : p
    }

    /// "TimeDecaySchedule" (each subclass gives its own).
    public override class var className: String { "TimeDecaySchedule" }

    /// Builds the schedule from its config (Keras defaults for missing optional arguments).
    public required convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let (lr, steps) = try Self.readDecay(&r)
        let rate = try r.requiredNumber("decay_rate", "a finite number", isFiniteNumber)
        let staircase = try r.bool("staircase", false)
        try self.init(initialLearningRate: lr, decaySteps: steps, decayRate: rate, staircase: staircase,
                      name: try r.string("name") ?? Self.className)
        try r.finish()
    }
}

extension TimeDecaySchedule: KerasSerializable {
    /// The config: "initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name".
    public func getConfig() throws -> ConfigValue {
        decayConfig(["decay_rate": .double(decayRate), "staircase": .bool(staircase)])
    }
}

/// `initialLearningRate * decayRate ^ (step / decaySteps)`, with `floor(step / decaySteps)` when
/// `staircase` (Keras `ExponentialDecay`).
public final class ExponentialDecay: TimeDecaySchedule {
    /// "ExponentialDecay".
    public override class var className: String { "ExponentialDecay" }

    public override func callAsFunction(_ step: Int) throws -> Double {
        initialLearningRate * Glibc.pow(decayRate, periods(step))
    }
}

/// A piecewise-constant rate (Keras `PiecewiseConstantDecay`): `values[0]` while
/// `step <= boundaries[0]`, `values[i]` while `boundaries[i-1] < step <= boundaries[i]`, and
/// `values.last` after the last boundary. Computed as Keras does — a sum of indicator × value
/// terms — so even non-increasing boundaries give Keras' result.
public final class PiecewiseConstantDecay: LearningRateSchedule {
    /// Step boundaries, increasing (Keras `boundaries`).
    public let boundaries: [Int]
    /// One rate per interval, `boundaries.count + 1` of them (Keras `values`).
    public let values: [Double]

    /// Throws unless `values.count == boundaries.count + 1` (as Keras).
    public init(boundaries: [Int], values: [Double], name: String = "PiecewiseConstant") throws {
        if values.count != boundaries.count + 1 {
            throw SwiftKerasError.invalid("PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; received \(boundaries.count) boundaries and \(values.count) values")
        }
        self.boundaries = boundaries
        self.values = values
        super.init(name: name)
    }

    public override func callAsFunction(_ step: Int) throws -> Double {
        guard let first = boundaries.first, let last = boundaries.last else { return values[0] }
        var result = 0.0
        if step <= first { result += values[0] }
        if step > last { result += values[values.count - 1] }
        var i = 1
        while i < boundaries.count {
            if step > boundaries[i - 1] && step <= boundaries[i] { result += values[i] }
            i += 1
        }
        return result
    }
}

extension PiecewiseConstantDecay: KerasSerializable {
    /// "PiecewiseConstantDecay".
    public static var className: String { "PiecewiseConstantDecay" }

    /// The config: "boundaries", "values", "name".
    public func getConfig() throws -> ConfigValue {
        .object(["boundaries": .array(boundaries.map { .int($0) }), "values": .array(values.map { .double($0) }),
                 "name": .string(name)])
    }

    /// Builds the schedule from its config (Keras defaults for missing optional arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let boundaries = try numberList(&r, "boundaries").map { b -> Int in
            guard b == b.rounded(), abs(b) < 9.0e15 else {
                throw r.valueError("boundaries", "a list of integer steps", "\(b)")
            }
            return Int(b)
        }
        let values = try numberList(&r, "values")
        try self.init(boundaries: boundaries, values: values, name: try r.string("name") ?? "PiecewiseConstant")
        try r.finish()
    }
}

/// Cosine decay with optional linear warmup (Keras `CosineDecay`).
///
/// Without `warmupTarget`: `lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) /
/// decaySteps)) + alpha)`. With it, the rate first rises linearly from `initialLearningRate` to
/// `warmupTarget` over `warmupSteps`, then decays from `warmupTarget` over `decaySteps`.
public final class CosineDecay: DecaySchedule {
    /// The final rate as a fraction of the starting one (Keras `alpha`).
    public let alpha: Double
    /// The rate reached at the end of the warmup, or nil for no warmup (Keras `warmup_target`).
    public let warmupTarget: Double?
    /// The warmup length in steps (Keras `warmup_steps`).
    public let warmupSteps: Double

    /// Throws if `decaySteps <= 0` (as Keras).
    public init(initialLearningRate: Double, decaySteps: Double, alpha: Double = 0,
                warmupTarget: Double? = nil, warmupSteps: Double = 0,
                name: String = "CosineDecay") throws {
        self.alpha = alpha
        self.warmupTarget = warmupTarget
        self.warmupSteps = warmupSteps
        try super.init(initialLearningRate: initialLearningRate, decaySteps: decaySteps, name: name)
    }

    /// "CosineDecay".
    public override class var className: String { "CosineDecay" }

    private func decayed(_ step: Double, from lr: Double) -> Double {
        let cosine = 0.5 * (1 + Glibc.cos(Double.pi * (step / decaySteps)))
        return lr * ((1 - alpha) * cosine + alpha)
    }

    public override func callAsFunction(_ step: Int) throws -> Double {
        let s = Double(step)
        guard let target = warmupTarget else {
            return decayed(Swift.min(s, decaySteps), from: initialLearningRate)
        }
        let capped = Swift.min(s, decaySteps + warmupSteps)
        if capped < warmupSteps {
            return (target - initialLearningRate) * (capped / warmupSteps) + initialLearningRate
        }
        return decayed(capped - warmupSteps, from: target)
    }
}

extension CosineDecay: KerasSerializable {
    /// The config: "initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps", "name".
    public func getConfig() throws -> ConfigValue {
        decayConfig(["alpha": .double(alpha), "warmup_target": optionalDouble(warmupTarget),
                     "warmup_steps": countValue(warmupSteps)])
    }

    /// Builds the schedule from its config (Keras defaults for missing optional arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let (lr, steps) = try Self.readDecay(&r)
        let alpha = try r.number("alpha", 0, "a finite number", isFiniteNumber)
        let target = try r.optionalNumber("warmup_target", "a finite number", isFiniteNumber)
        let warmup = try r.number("warmup_steps", 0, "a finite number >= 0", isFiniteNonNegative)
        try self.init(initialLearningRate: lr, decaySteps: steps, alpha: alpha, warmupTarget: target,
                      warmupSteps: warmup, name: try r.string("name") ?? Self.className)
        try r.finish()
    }
}

/// `initialLearningRate / (1 + decayRate * step / decaySteps)`, with `floor(step / decaySteps)`
/// when `staircase` (Keras `InverseTimeDecay`).
public final class InverseTimeDecay: TimeDecaySchedule {
    /// "InverseTimeDecay".
    public override class var className: String { "InverseTimeDecay" }

    public override func callAsFunction(_ step: Int) throws -> Double {
        initialLearningRate / (1 + decayRate * periods(step))
    }
}

/// Polynomial decay from `initialLearningRate` to `endLearningRate` over `decaySteps`
/// (Keras `PolynomialDecay`): `(lr0 - end) * (1 - step / decaySteps) ^ power + end`, with the
/// step capped at `decaySteps`, or — when `cycle` — `decaySteps` multiplied by
/// `ceil(step / decaySteps)` (1 at step 0).
public final class PolynomialDecay: DecaySchedule {
    /// The rate reached after `decaySteps` (Keras `end_learning_rate`).
    public let endLearningRate: Double
    /// The polynomial's power (Keras `power`).
    public let power: Double
    /// Whether to restart beyond `decaySteps` (Keras `cycle`).
    public let cycle: Bool

    /// Throws if `decaySteps <= 0` (as Keras).
    public init(initialLearningRate: Double, decaySteps: Double, endLearningRate: Double = 0.0001,
                power: Double = 1, cycle: Bool = false, name: String = "PolynomialDecay") throws {
        self.endLearningRate = endLearningRate
        self.power = power
        self.cycle = cycle
        try super.init(initialLearningRate: initialLearningRate, decaySteps: decaySteps, name: name)
    }

    /// "PolynomialDecay".
    public override class var className: String { "PolynomialDecay" }

    public override func callAsFunction(_ step: Int) throws -> Double {
        var s = Double(step)
        var steps = decaySteps
        if cycle {
            let multiplier = s == 0 ? 1 : (s / decaySteps).rounded(.up)
            steps *= multiplier
        } else {
            s = Swift.min(s, steps)
        }
        let p = s / steps
        return (initialLearningRate - endLearningRate) * Glibc.pow(1 - p, power) + endLearningRate
    }
}

extension PolynomialDecay: KerasSerializable {
    /// The config: "initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name".
    public func getConfig() throws -> ConfigValue {
        decayConfig(["end_learning_rate": .double(endLearningRate), "power": .double(power), "cycle": .bool(cycle)])
    }

    /// Builds the schedule from its config (Keras defaults for missing optional arguments).
    public convenience init(config: ConfigValue) throws {
        var r = try ArgumentReader(config, owner: Self.className)
        let (lr, steps) = try Self.readDecay(&r)
        let end = try r.number("end_learning_rate", 0.0001, "a finite number", isFiniteNumber)
        let power = try r.number("power", 1, "a finite number", isFiniteNumber)
        let cycle = try r.bool("cycle", false)
        try self.init(initialLearningRate: lr, decaySteps: steps, endLearningRate: end, power: power, cycle: cycle,
                      name: try r.string("name") ?? Self.className)
        try r.finish()
    }
}
