// Optimizers and learning-rate schedules from Keras configs (constructor arguments as JSON) and
// back (`get_config`), so that `from_config(get_config())` rebuilds an equal optimizer. The
// argument names, defaults and config keys are those of Keras 3
// (`keras/src/optimizers/*.py`, `keras/src/optimizers/schedules/learning_rate_schedule.py`).

/// Reads constructor arguments from a config dictionary. A key of the wrong JSON type is an
/// `.invalidDType` error, an out-of-range value an `.invalidArgument` error, both naming the
/// owner (the Keras class) and the argument; `finish()` rejects arguments nobody read.
struct ArgumentReader {
    let owner: String
    let values: [String: ConfigValue]
    private(set) var used = Set<String>()

    init(_ config: ConfigValue, owner: String) throws {
        guard case .object(let o) = config else {
            throw SwiftKerasError(.invalidDType, "\(owner): the config must be a dictionary of constructor arguments, got \(config.kindName) (\(config.json))")
        }
        self.owner = owner
        values = o
    }

    /// Whether `key` is present (even as null).
    func has(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key`, nil when absent or null; marks it read.
    mutating func raw(_ key: String) -> ConfigValue? {
        used.insert(key)
        guard let v = values[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    func typeError(_ key: String, _ what: String, _ v: ConfigValue) -> SwiftKerasError {
        SwiftKerasError(.invalidDType, "\(owner): argument `\(key)` must be \(what), received \(v.kindName) (\(v.json))")
    }

    func valueError(_ key: String, _ requirement: String, _ value: String) -> SwiftKerasError {
        SwiftKerasError(.invalidArgument, "\(owner): argument `\(key)` must be \(requirement), received \(key)=\(value)")
    }

    /// A number (JSON integer or float), nil when absent or null.
    mutating func number(_ key: String) throws -> Double? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw typeError(key, "a number", v)
        }
    }

    /// A number satisfying `check` (described by `requirement`), or `def` when absent or null.
    mutating func number(_ key: String, _ def: Double, _ requirement: String,
                         _ check: (Double) -> Bool) throws -> Double {
        guard let d = try number(key) else { return def }
        if !check(d) { throw valueError(key, requirement, "\(d)") }
        return d
    }

    /// An optional number satisfying `check`.
    mutating func optionalNumber(_ key: String, _ requirement: String,
                                 _ check: (Double) -> Bool) throws -> Double? {
        guard let d = try number(key) else { return nil }
        if !check(d) { throw valueError(key, requirement, "\(d)") }
        return d
    }

    /// A required number satisfying `check`.
    mutating func requiredNumber(_ key: String, _ requirement: String,
                                 _ check: (Double) -> Bool) throws -> Double {
        guard let d = try optionalNumber(key, requirement, check) else {
            throw SwiftKerasError(.invalidArgument, "\(owner): missing required argument `\(key)`")
        }
        return d
    }

    /// An integer (a JSON integer, or a float with an integral value), nil when absent or null.
    mutating func int(_ key: String) throws -> Int? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .int(let i): return i
        case .double(let d):
            if d == d.rounded(), abs(d) < 9.0e15 { return Int(d) }
            throw typeError(key, "an integer", v)
        default: throw typeError(key, "an integer", v)
        }
    }

    mutating func bool(_ key: String, _ def: Bool) throws -> Bool {
        guard let v = raw(key) else { return def }
        guard case .bool(let b) = v else { throw typeError(key, "a boolean", v) }
        return b
    }

    mutating func string(_ key: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw typeError(key, "a string", v) }
        return s
    }

    /// Throws for arguments that were never read (Keras: "Argument(s) not recognized").
    func finish() throws {
        let unknown = values.keys.filter { !used.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "\(owner): argument(s) not recognized: \(unknown.map { "`\($0)`" }.joined(separator: ", "))")
        }
    }
}

private let isFiniteNonNegative: (Double) -> Bool = { $0.isFinite && $0 >= 0 }
private let isFinitePositive: (Double) -> Bool = { $0.isFinite && $0 > 0 }
private let isUnitInterval: (Double) -> Bool = { $0 >= 0 && $0 <= 1 }
private let isHalfOpenUnitInterval: (Double) -> Bool = { $0 >= 0 && $0 < 1 }

/// A double as a config number: an integer when it is one (step counts), else a float.
private func countValue(_ d: Double) -> ConfigValue {
    if d == d.rounded(), abs(d) < 9.0e15 { return .int(Int(d)) }
    return .double(d)
}

private func optionalDouble(_ d: Double?) -> ConfigValue { d.map { .double($0) } ?? .null }

// MARK: - Learning-rate schedules

/// The Keras class names `learningRateScheduleFromConfig` accepts.
public let learningRateScheduleClassNames = ["CosineDecay", "ExponentialDecay", "InverseTimeDecay",
                                             "PiecewiseConstantDecay", "PolynomialDecay"]

/// Builds a learning-rate schedule from its Keras class name and constructor arguments as JSON,
/// e.g. `("ExponentialDecay", #"{"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}"#)`.
/// Arguments as Keras: ExponentialDecay and InverseTimeDecay (`initial_learning_rate`,
/// `decay_steps`, `decay_rate`, `staircase`), PiecewiseConstantDecay (`boundaries`, `values`),
/// CosineDecay (`initial_learning_rate`, `decay_steps`, `alpha`, `warmup_target`,
/// `warmup_steps`), PolynomialDecay (`initial_learning_rate`, `decay_steps`,
/// `end_learning_rate`, `power`, `cycle`), and `name` for all.
public func learningRateScheduleFromConfig(className: String, configJSON: String) throws -> LearningRateSchedule {
    let text = configJSON.isEmpty ? "{}" : configJSON
    return try learningRateScheduleFromConfig(className: className, config: try ConfigValue.parse(json: text))
}

/// `learningRateScheduleFromConfig` on a parsed config.
public func learningRateScheduleFromConfig(className: String, config: ConfigValue) throws -> LearningRateSchedule {
    guard learningRateScheduleClassNames.contains(className) else {
        throw SwiftKerasError(.invalidArgument, "Could not interpret learning rate schedule class '\(className)' (known: \(learningRateScheduleClassNames.joined(separator: ", ")))")
    }
    var r = try ArgumentReader(config, owner: className)
    let any: (Double) -> Bool = { $0.isFinite }
    let schedule: LearningRateSchedule
    switch className {
    case "ExponentialDecay", "InverseTimeDecay":
        let lr = try r.requiredNumber("initial_learning_rate", "a finite number", any)
        let steps = try r.requiredNumber("decay_steps", "> 0", isFinitePositive)
        let rate = try r.requiredNumber("decay_rate", "a finite number", any)
        let staircase = try r.bool("staircase", false)
        if className == "ExponentialDecay" {
            schedule = try ExponentialDecay(initialLearningRate: lr, decaySteps: steps, decayRate: rate,
                                            staircase: staircase, name: try r.string("name") ?? className)
        } else {
            schedule = try InverseTimeDecay(initialLearningRate: lr, decaySteps: steps, decayRate: rate,
                                            staircase: staircase, name: try r.string("name") ?? className)
        }
    case "PiecewiseConstantDecay":
        let boundaries = try numberList(&r, "boundaries").map { b -> Int in
            guard b == b.rounded(), abs(b) < 9.0e15 else {
                throw r.valueError("boundaries", "a list of integer steps", "\(b)")
            }
            return Int(b)
        }
        let values = try numberList(&r, "values")
        schedule = try PiecewiseConstantDecay(boundaries: boundaries, values: values,
                                              name: try r.string("name") ?? "PiecewiseConstant")
    case "CosineDecay":
        let lr = try r.requiredNumber("initial_learning_rate", "a finite number", any)
        let steps = try r.requiredNumber("decay_steps", "> 0", isFinitePositive)
        let alpha = try r.number("alpha", 0, "a finite number", any)
        let target = try r.optionalNumber("warmup_target", "a finite number", any)
        let warmup = try r.number("warmup_steps", 0, "a finite number >= 0", isFiniteNonNegative)
        schedule = try CosineDecay(initialLearningRate: lr, decaySteps: steps, alpha: alpha,
                                   warmupTarget: target, warmupSteps: warmup,
                                   name: try r.string("name") ?? className)
    default: // PolynomialDecay
        let lr = try r.requiredNumber("initial_learning_rate", "a finite number", any)
        let steps = try r.requiredNumber("decay_steps", "> 0", isFinitePositive)
        let end = try r.number("end_learning_rate", 0.0001, "a finite number", any)
        let power = try r.number("power", 1, "a finite number", any)
        let cycle = try r.bool("cycle", false)
        schedule = try PolynomialDecay(initialLearningRate: lr, decaySteps: steps, endLearningRate: end,
                                       power: power, cycle: cycle, name: try r.string("name") ?? className)
    }
    try r.finish()
    return schedule
}

private func numberList(_ r: inout ArgumentReader, _ key: String) throws -> [Double] {
    guard let v = r.raw(key) else {
        throw SwiftKerasError(.invalidArgument, "\(r.owner): missing required argument `\(key)`")
    }
    guard case .array(let items) = v else { throw r.typeError(key, "a list of numbers", v) }
    return try items.map { e in
        switch e {
        case .int(let i): return Double(i)
        case .double(let d):
            if !d.isFinite { throw r.valueError(key, "a list of finite numbers", v.json) }
            return d
        default: throw r.typeError(key, "a list of numbers", v)
        }
    }
}

/// A schedule from Keras' serialized form `{"class_name": ..., "config": {...}}` (the keys
/// "module" and "registered_name" that `keras.saving.serialize_keras_object` adds are allowed).
public func learningRateScheduleFromSerialized(_ value: ConfigValue, owner: String = "schedules.deserialize") throws -> LearningRateSchedule {
    var r = try ArgumentReader(value, owner: owner)
    guard let cls = try r.string("class_name") else {
        throw SwiftKerasError(.invalidArgument, "\(owner): a serialized learning rate schedule needs a \"class_name\", got \(value.json)")
    }
    let config = r.raw("config") ?? .object([:])
    _ = r.raw("module")
    _ = r.raw("registered_name")
    try r.finish()
    return try learningRateScheduleFromConfig(className: cls, config: config)
}

/// The Keras config of a schedule (`schedule.get_config()`): its constructor arguments. A
/// closure schedule (`LambdaSchedule`, or a custom subclass) has none: `{}`.
public func learningRateScheduleConfig(_ s: LearningRateSchedule) -> ConfigValue {
    switch s {
    case let e as ExponentialDecay:
        return .object(["initial_learning_rate": .double(e.initialLearningRate), "decay_steps": countValue(e.decaySteps),
                        "decay_rate": .double(e.decayRate), "staircase": .bool(e.staircase), "name": .string(e.name)])
    case let e as InverseTimeDecay:
        return .object(["initial_learning_rate": .double(e.initialLearningRate), "decay_steps": countValue(e.decaySteps),
                        "decay_rate": .double(e.decayRate), "staircase": .bool(e.staircase), "name": .string(e.name)])
    case let p as PiecewiseConstantDecay:
        return .object(["boundaries": .array(p.boundaries.map { .int($0) }), "values": .array(p.values.map { .double($0) }),
                        "name": .string(p.name)])
    case let c as CosineDecay:
        return .object(["initial_learning_rate": .double(c.initialLearningRate), "decay_steps": countValue(c.decaySteps),
                        "alpha": .double(c.alpha), "warmup_target": optionalDouble(c.warmupTarget),
                        "warmup_steps": countValue(c.warmupSteps), "name": .string(c.name)])
    case let p as PolynomialDecay:
        return .object(["initial_learning_rate": .double(p.initialLearningRate), "decay_steps": countValue(p.decaySteps),
                        "end_learning_rate": .double(p.endLearningRate), "power": .double(p.power),
                        "cycle": .bool(p.cycle), "name": .string(p.name)])
    default:
        return .object([:])
    }
}

/// The Keras class name of a built-in schedule, nil for a closure or custom schedule.
public func learningRateScheduleClassName(_ s: LearningRateSchedule) -> String? {
    switch s {
    case is ExponentialDecay: return "ExponentialDecay"
    case is InverseTimeDecay: return "InverseTimeDecay"
    case is PiecewiseConstantDecay: return "PiecewiseConstantDecay"
    case is CosineDecay: return "CosineDecay"
    case is PolynomialDecay: return "PolynomialDecay"
    default: return nil
    }
}

/// Keras' serialized form of a schedule (`keras.optimizers.schedules.serialize`):
/// `{"module": "keras.optimizers.schedules", "class_name": ..., "config": ..., "registered_name": null}`.
/// A closure or custom schedule serializes as a registered object named after the schedule,
/// with an empty config (it cannot be rebuilt from it).
public func serializeLearningRateSchedule(_ s: LearningRateSchedule) -> ConfigValue {
    if let cls = learningRateScheduleClassName(s) {
        return .object(["module": .string("keras.optimizers.schedules"), "class_name": .string(cls),
                        "config": learningRateScheduleConfig(s), "registered_name": .null])
    }
    return .object(["module": .null, "class_name": .string(s.name), "config": .object([:]),
                    "registered_name": .string(s.name)])
}

/// The value of a Keras schedule given by class name and JSON arguments at optimizer step `step`.
public func learningRateScheduleValue(className: String, configJSON: String, step: Int) throws -> Double {
    try learningRateScheduleFromConfig(className: className, configJSON: configJSON)(step)
}

// MARK: - Optimizers

/// The Keras class names of the optimizers `optimizerFromConfig` builds.
public let optimizerClassNames = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Lion",
                                  "LossScaleOptimizer", "Nadam", "RMSprop", "SGD"]

private func canonicalOptimizerClass(_ name: String) -> String? {
    let lower = name.lowercased()
    if lower == "loss_scale_optimizer" { return "LossScaleOptimizer" }
    return optimizerClassNames.first { $0.lowercased() == lower }
}

/// The arguments every optimizer takes (Keras `BaseOptimizer.__init__`).
private struct BaseArguments {
    var learningRate: LearningRate
    var weightDecay: Double?
    var clipnorm: Double?
    var clipvalue: Double?
    var globalClipnorm: Double?
    var lossScaleFactor: Double?
    var name: String?
}

private func readBase(_ r: inout ArgumentReader, learningRate def: Double,
                      weightDecay wdDefault: Double? = nil) throws -> BaseArguments {
    let owner = r.owner
    var lr = LearningRate.constant(def)
    if let v = r.raw("learning_rate") {
        switch v {
        case .int, .double:
            lr = .constant(try r.optionalNumber("learning_rate", "a finite number >= 0", isFiniteNonNegative) ?? def)
        case .object:
            lr = .schedule(try learningRateScheduleFromSerialized(v, owner: "\(owner): argument `learning_rate`"))
        default:
            throw r.typeError("learning_rate", "a float or a serialized LearningRateSchedule ({\"class_name\": ..., \"config\": ...})", v)
        }
    }
    var weightDecay = wdDefault
    if r.has("weight_decay") {
        weightDecay = try r.optionalNumber("weight_decay", "a finite number >= 0", isFiniteNonNegative)
        if wdDefault != nil && weightDecay == nil {
            throw SwiftKerasError(.invalidArgument, "\(owner): argument `weight_decay` must be a float, received weight_decay=None")
        }
    }
    let clipnorm = try r.optionalNumber("clipnorm", "a finite number >= 0", isFiniteNonNegative)
    let clipvalue = try r.optionalNumber("clipvalue", "a finite number >= 0", isFiniteNonNegative)
    let globalClipnorm = try r.optionalNumber("global_clipnorm", "a finite number >= 0", isFiniteNonNegative)
    if try r.bool("use_ema", false) {
        throw SwiftKerasError(.unimplemented, "\(owner): argument `use_ema`=True (exponential moving average of the weights) is not supported")
    }
    _ = try r.number("ema_momentum")            // only used with use_ema, as Keras
    _ = try r.int("ema_overwrite_frequency")    // idem
    let lossScaleFactor = try r.optionalNumber("loss_scale_factor", "a finite number > 0", isFinitePositive)
    if let steps = try r.int("gradient_accumulation_steps"), steps != 0 {
        if steps < 2 { throw r.valueError("gradient_accumulation_steps", "an integer >= 2", "\(steps)") }
        throw SwiftKerasError(.unimplemented, "\(owner): argument `gradient_accumulation_steps` is not supported, received gradient_accumulation_steps=\(steps)")
    }
    if let decay = try r.number("decay"), decay != 0 {
        throw SwiftKerasError(.invalidArgument, "\(owner): argument `decay` is no longer supported (Keras 3 ignores it); use a LearningRateSchedule, received decay=\(decay)")
    }
    _ = try r.bool("jit_compile", true)         // tf.keras 2.11+ configs; no meaning here
    if try r.bool("is_legacy_optimizer", false) {
        throw SwiftKerasError(.invalidArgument, "\(owner): legacy (tf.keras 2.10) optimizer configs are not supported (is_legacy_optimizer=true)")
    }
    return BaseArguments(learningRate: lr, weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
                         globalClipnorm: globalClipnorm, lossScaleFactor: lossScaleFactor,
                         name: try r.string("name"))
}

/// Builds an optimizer from its Keras class name ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
/// "Adadelta", "Adamax", "Nadam", "Lion", "LossScaleOptimizer"; case-insensitive) and its
/// constructor arguments as a JSON object (Keras' `from_config(config)`), e.g.
/// `optimizerFromConfig(name: "SGD", configJSON: #"{"learning_rate": 0.1, "momentum": 0.9, "nesterov": true}"#)`.
///
/// Every optimizer takes `learning_rate` (a number, or a serialized schedule
/// `{"class_name": "ExponentialDecay", "config": {...}}`), `weight_decay`, `clipnorm`,
/// `clipvalue`, `global_clipnorm` (at most one of the three), `loss_scale_factor`, `name`, and
/// Keras' `use_ema` / `ema_momentum` / `ema_overwrite_frequency` /
/// `gradient_accumulation_steps` at their defaults (EMA and gradient accumulation are not
/// supported). Class arguments: SGD `momentum`, `nesterov`; Adam and AdamW `beta_1`, `beta_2`,
/// `epsilon`, `amsgrad`; RMSprop `rho`, `momentum`, `epsilon`, `centered`; Adagrad
/// `initial_accumulator_value`, `epsilon`; Adadelta `rho`, `epsilon`; Adamax and Nadam
/// `beta_1`, `beta_2`, `epsilon`; Lion `beta_1`, `beta_2`; LossScaleOptimizer
/// `inner_optimizer` (a serialized optimizer), `initial_scale`, `dynamic_growth_steps`.
///
/// - Throws: `.invalidDType` for an argument of the wrong JSON type, `.invalidArgument` for an
///   unknown class or argument or an invalid value, `.unimplemented` for `use_ema=true` or
///   gradient accumulation — each naming the class and the argument.
public func optimizerFromConfig(name: String, configJSON: String) throws -> Optimizer {
    let text = configJSON.isEmpty ? "{}" : configJSON
    return try optimizerFromConfig(name: name, config: try ConfigValue.parse(json: text))
}

/// `optimizerFromConfig` on a parsed config.
public func optimizerFromConfig(name: String, config: ConfigValue) throws -> Optimizer {
    guard let cls = canonicalOptimizerClass(name) else {
        throw SwiftKerasError(.invalidArgument, "Could not interpret optimizer identifier: '\(name)' (known: \(optimizerClassNames.joined(separator: ", ")))")
    }
    var r = try ArgumentReader(config, owner: cls)
    let beta1Req = "in [0, 1)", unitReq = "in [0, 1]", epsReq = "a finite number >= 0"
    let opt: Optimizer
    switch cls {
    case "SGD":
        let b = try readBase(&r, learningRate: 0.01)
        let momentum = try r.number("momentum", 0, unitReq, isUnitInterval)
        let nesterov = try r.bool("nesterov", false)
        opt = try SGD(learningRate: b.learningRate, momentum: momentum, nesterov: nesterov,
                      weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                      globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor,
                      name: b.name ?? "SGD")
    case "Adam", "AdamW":
        let isW = cls == "AdamW"
        let b = try readBase(&r, learningRate: 0.001, weightDecay: isW ? 0.004 : nil)
        let beta1 = try r.number("beta_1", 0.9, beta1Req, isHalfOpenUnitInterval)
        let beta2 = try r.number("beta_2", 0.999, unitReq, isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, epsReq, isFiniteNonNegative)
        let amsgrad = try r.bool("amsgrad", false)
        if isW {
            opt = try AdamW(learningRate: b.learningRate, weightDecay: b.weightDecay ?? 0.004, beta1: beta1,
                            beta2: beta2, epsilon: epsilon, amsgrad: amsgrad, clipnorm: b.clipnorm,
                            clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                            lossScaleFactor: b.lossScaleFactor, name: b.name ?? "adamw")
        } else {
            opt = try Adam(learningRate: b.learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                           amsgrad: amsgrad, weightDecay: b.weightDecay, clipnorm: b.clipnorm,
                           clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                           lossScaleFactor: b.lossScaleFactor, name: b.name ?? "adam")
        }
    case "RMSprop":
        let b = try readBase(&r, learningRate: 0.001)
        let rho = try r.number("rho", 0.9, unitReq, isUnitInterval)
        let momentum = try r.number("momentum", 0, unitReq, isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, epsReq, isFiniteNonNegative)
        let centered = try r.bool("centered", false)
        opt = try RMSprop(learningRate: b.learningRate, rho: rho, momentum: momentum, epsilon: epsilon,
                          centered: centered, weightDecay: b.weightDecay, clipnorm: b.clipnorm,
                          clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                          lossScaleFactor: b.lossScaleFactor, name: b.name ?? "rmsprop")
    case "Adagrad":
        let b = try readBase(&r, learningRate: 0.001)
        let initial = try r.number("initial_accumulator_value", 0.1, "a finite number >= 0", isFiniteNonNegative)
        let epsilon = try r.number("epsilon", 1e-7, epsReq, isFiniteNonNegative)
        opt = try Adagrad(learningRate: b.learningRate, initialAccumulatorValue: initial, epsilon: epsilon,
                          weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                          globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor,
                          name: b.name ?? "adagrad")
    case "Adadelta":
        let b = try readBase(&r, learningRate: 0.001)
        let rho = try r.number("rho", 0.95, unitReq, isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, epsReq, isFiniteNonNegative)
        opt = try Adadelta(learningRate: b.learningRate, rho: rho, epsilon: epsilon, weightDecay: b.weightDecay,
                           clipnorm: b.clipnorm, clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                           lossScaleFactor: b.lossScaleFactor, name: b.name ?? "adadelta")
    case "Adamax", "Nadam":
        let b = try readBase(&r, learningRate: 0.001)
        let beta1 = try r.number("beta_1", 0.9, beta1Req, isHalfOpenUnitInterval)
        let beta2 = try r.number("beta_2", 0.999, unitReq, isUnitInterval)
        let epsilon = try r.number("epsilon", 1e-7, epsReq, isFiniteNonNegative)
        if cls == "Adamax" {
            opt = try Adamax(learningRate: b.learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                             weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                             globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor,
                             name: b.name ?? "adamax")
        } else {
            opt = try Nadam(learningRate: b.learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                            weightDecay: b.weightDecay, clipnorm: b.clipnorm, clipvalue: b.clipvalue,
                            globalClipnorm: b.globalClipnorm, lossScaleFactor: b.lossScaleFactor,
                            name: b.name ?? "nadam")
        }
    case "Lion":
        let b = try readBase(&r, learningRate: 0.001)
        let beta1 = try r.number("beta_1", 0.9, "in (0, 1]", { $0 > 0 && $0 <= 1 })
        let beta2 = try r.number("beta_2", 0.99, unitReq, isUnitInterval)
        opt = try Lion(learningRate: b.learningRate, beta1: beta1, beta2: beta2, weightDecay: b.weightDecay,
                       clipnorm: b.clipnorm, clipvalue: b.clipvalue, globalClipnorm: b.globalClipnorm,
                       lossScaleFactor: b.lossScaleFactor, name: b.name ?? "lion")
    default: // LossScaleOptimizer
        opt = try lossScaleOptimizerFromConfig(&r)
    }
    try r.finish()
    return opt
}

private func lossScaleOptimizerFromConfig(_ r: inout ArgumentReader) throws -> Optimizer {
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
    return try LossScaleOptimizer(inner, initialScale: scale, dynamicGrowthSteps: growth,
                                  name: try r.string("name") ?? "loss_scale_optimizer")
}

/// An optimizer from Keras' serialized form `{"class_name": "SGD", "config": {...}}` (the keys
/// "module" and "registered_name" are allowed), or from a bare name string ("adam").
public func optimizerFromSerialized(_ value: ConfigValue, owner: String = "optimizers.deserialize") throws -> Optimizer {
    if case .string(let s) = value { return try optimizerFromConfig(name: s, config: .object([:])) }
    var r = try ArgumentReader(value, owner: owner)
    guard let cls = try r.string("class_name") else {
        throw SwiftKerasError(.invalidArgument, "\(owner): a serialized optimizer needs a \"class_name\", got \(value.json)")
    }
    let config = r.raw("config") ?? .object([:])
    _ = r.raw("module")
    _ = r.raw("registered_name")
    try r.finish()
    return try optimizerFromConfig(name: cls, config: config)
}

/// The Keras class name of a built-in optimizer, nil for a custom subclass.
public func optimizerClassName(_ o: Optimizer) -> String? {
    switch o {
    case is SGD: return "SGD"
    case is AdamW: return "AdamW"
    case is Adam: return "Adam"
    case is RMSprop: return "RMSprop"
    case is Adagrad: return "Adagrad"
    case is Adadelta: return "Adadelta"
    case is Adamax: return "Adamax"
    case is Nadam: return "Nadam"
    case is Lion: return "Lion"
    case is LossScaleOptimizer: return "LossScaleOptimizer"
    default: return nil
    }
}

/// The Keras config of an optimizer (`optimizer.get_config()`): its constructor arguments, with
/// the learning rate as a number or a serialized schedule. `optimizerFromConfig(name:
/// optimizerClassName(o), config: optimizerConfig(o))` rebuilds an equal optimizer (without
/// its state).
///
/// - Throws: `.unimplemented` for a custom optimizer subclass (it has no Keras config).
public func optimizerConfig(_ o: Optimizer) throws -> ConfigValue {
    if let lso = o as? LossScaleOptimizer {
        return .object(["name": .string(lso.name), "inner_optimizer": try serializeOptimizer(lso.innerOptimizer),
                        "initial_scale": .double(lso.initialScale),
                        "dynamic_growth_steps": .int(lso.dynamicGrowthSteps)])
    }
    guard optimizerClassName(o) != nil else {
        throw SwiftKerasError(.unimplemented, "get_config: optimizer '\(o.name)' is a custom optimizer class without a Keras config")
    }
    let lr: ConfigValue
    switch o.learningRate {
    case .constant(let v): lr = .double(v)
    case .schedule(let s): lr = serializeLearningRateSchedule(s)
    }
    var c: [String: ConfigValue] = [
        "name": .string(o.name), "learning_rate": lr, "weight_decay": optionalDouble(o.weightDecay),
        "clipnorm": optionalDouble(o.clipnorm), "global_clipnorm": optionalDouble(o.globalClipnorm),
        "clipvalue": optionalDouble(o.clipvalue), "use_ema": .bool(false), "ema_momentum": .double(0.99),
        "ema_overwrite_frequency": .null, "loss_scale_factor": optionalDouble(o.lossScaleFactor),
        "gradient_accumulation_steps": .null,
    ]
    switch o {
    case let s as SGD:
        c["momentum"] = .double(s.momentum)
        c["nesterov"] = .bool(s.nesterov)
    case let a as Adam:
        c["beta_1"] = .double(a.beta1)
        c["beta_2"] = .double(a.beta2)
        c["epsilon"] = .double(a.epsilon)
        c["amsgrad"] = .bool(a.amsgrad)
    case let r as RMSprop:
        c["rho"] = .double(r.rho)
        c["momentum"] = .double(r.momentum)
        c["epsilon"] = .double(r.epsilon)
        c["centered"] = .bool(r.centered)
    case let a as Adagrad:
        c["initial_accumulator_value"] = .double(a.initialAccumulatorValue)
        c["epsilon"] = .double(a.epsilon)
    case let a as Adadelta:
        c["rho"] = .double(a.rho)
        c["epsilon"] = .double(a.epsilon)
    case let a as Adamax:
        c["beta_1"] = .double(a.beta1)
        c["beta_2"] = .double(a.beta2)
        c["epsilon"] = .double(a.epsilon)
    case let n as Nadam:
        c["beta_1"] = .double(n.beta1)
        c["beta_2"] = .double(n.beta2)
        c["epsilon"] = .double(n.epsilon)
    case let l as Lion:
        c["beta_1"] = .double(l.beta1)
        c["beta_2"] = .double(l.beta2)
    default:
        break
    }
    return .object(c)
}

/// Keras' serialized form of an optimizer (`keras.optimizers.serialize`):
/// `{"module": "keras.optimizers", "class_name": ..., "config": ..., "registered_name": null}`.
public func serializeOptimizer(_ o: Optimizer) throws -> ConfigValue {
    let config = try optimizerConfig(o)
    return .object(["module": .string("keras.optimizers"), "class_name": .string(optimizerClassName(o) ?? o.name),
                    "config": config, "registered_name": .null])
}
