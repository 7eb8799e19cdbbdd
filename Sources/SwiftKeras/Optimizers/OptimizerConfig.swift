// What the configs of optimizers and learning-rate schedules share (Keras 3
// `keras/src/optimizers/base_optimizer.py`, `schedules/learning_rate_schedule.py`): the
// argument reader, the base optimizer arguments and keys, and the entry points by class name,
// which look the class up in `KerasRegistry`. Each optimizer and schedule reads and writes its
// own arguments beside its definition.

/// Reads constructor arguments from a config dictionary. A key of the wrong JSON type is an
/// `.invalidDType` error, an out-of-range value an `.invalidArgument` error, both naming the
/// owner (the Keras class) and the argument; `finish()` rejects arguments nobody read.
struct ArgumentReader: KeyedConfigReader {
    let owner: String
    let values: [String: ConfigValue]
    var used = Set<String>()

    /// A wrong JSON type: an `.invalidDType` error.
    func fail(_ key: String, _ what: String, _ v: ConfigValue) -> SwiftKerasError {
        SwiftKerasError(.invalidDType, "\(owner): argument `\(key)` must be \(what), received \(v.kindName) (\(v.json))")
    }

    init(_ config: ConfigValue, owner: String) throws {
        values = try Self.dictionary(config, orThrow: SwiftKerasError(
            .invalidDType, "\(owner): the config must be a dictionary of constructor arguments, got \(config.kindName) (\(config.json))"))
        self.owner = owner
    }

    func valueError(_ key: String, _ requirement: String, _ value: String) -> SwiftKerasError {
        SwiftKerasError(.invalidArgument, "\(owner): argument `\(key)` must be \(requirement), received \(key)=\(value)")
    }

    /// A number (JSON integer or float), nil when absent or null.
    mutating func number(_ key: String) throws -> Double? { try anyNumber(key) }

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
            throw fail(key, "an integer", v)
        default: throw fail(key, "an integer", v)
        }
    }

    /// Throws for arguments that were never read (Keras: "Argument(s) not recognized").
    func finish() throws {
        let unknown = unreadKeys
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "\(owner): argument(s) not recognized: \(unknown.map { "`\($0)`" }.joined(separator: ", "))")
        }
    }
}

let isFiniteNonNegative: (Double) -> Bool = { $0.isFinite && $0 >= 0 }
let isFinitePositive: (Double) -> Bool = { $0.isFinite && $0 > 0 }
let isUnitInterval: (Double) -> Bool = { $0 >= 0 && $0 <= 1 }
let isHalfOpenUnitInterval: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
let isFiniteNumber: (Double) -> Bool = { $0.isFinite }

/// A double as a config number: an integer when it is one (step counts), else a float.
func countValue(_ d: Double) -> ConfigValue {
    if d == d.rounded(), abs(d) < 9.0e15 { return .int(Int(d)) }
    return .double(d)
}

/// An optional double as a config number or null.
func optionalDouble(_ d: Double?) -> ConfigValue { d.map { .double($0) } ?? .null }

// MARK: - Learning-rate schedules

/// The Keras class names `learningRateScheduleFromConfig` accepts.
public var learningRateScheduleClassNames: [String] { KerasRegistry.builtinClassNames(.learningRateSchedule) }

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

/// `learningRateScheduleFromConfig` on a parsed config: the schedule class's `init(config:)`
/// (a built-in class or one registered in `KerasRegistry`).
public func learningRateScheduleFromConfig(className: String, config: ConfigValue) throws -> LearningRateSchedule {
    guard let schedule = try KerasRegistry.deserialize(.learningRateSchedule, className: className, config: config)
            as? LearningRateSchedule else {
        throw SwiftKerasError(.invalidArgument, "Could not interpret learning rate schedule class '\(className)' (known: \(learningRateScheduleClassNames.joined(separator: ", ")))")
    }
    return schedule
}

/// A list of finite numbers (`boundaries`, `values`); a missing list is an error.
func numberList(_ r: inout ArgumentReader, _ key: String) throws -> [Double] {
    guard let v = r.raw(key) else {
        throw SwiftKerasError(.invalidArgument, "\(r.owner): missing required argument `\(key)`")
    }
    guard case .array(let items) = v else { throw r.fail(key, "a list of numbers", v) }
    return try items.map { e in
        switch e {
        case .int(let i): return Double(i)
        case .double(let d):
            if !d.isFinite { throw r.valueError(key, "a list of finite numbers", v.json) }
            return d
        default: throw r.fail(key, "a list of numbers", v)
        }
    }
}

/// A schedule from Keras' serialized form `{"class_name": ..., "config": {...}}` (the keys
/// "module" and "registered_name" that `keras.saving.serialize_keras_object` adds are allowed).
public func learningRateScheduleFromSerialized(_ value: ConfigValue, owner: String = "schedules.deserialize") throws -> LearningRateSchedule {
    let (cls, config) = try readSerialized(value, owner: owner, what: "learning rate schedule")
    return try learningRateScheduleFromConfig(className: cls, config: config)
}

/// The `class_name` and `config` of Keras' serialized form, allowing "module" and
/// "registered_name"; a missing config is `{}`.
private func readSerialized(_ value: ConfigValue, owner: String, what: String) throws -> (String, ConfigValue) {
    var r = try ArgumentReader(value, owner: owner)
    guard let cls = try r.string("class_name") else {
        throw SwiftKerasError(.invalidArgument, "\(owner): a serialized \(what) needs a \"class_name\", got \(value.json)")
    }
    let config = r.raw("config") ?? .object([:])
    _ = r.raw("module")
    _ = r.raw("registered_name")
    try r.finish()
    return (cls, config)
}

/// The Keras config of a schedule (`schedule.get_config()`): its constructor arguments. A
/// closure schedule (`LambdaSchedule`, or a custom subclass) has none: `{}`.
public func learningRateScheduleConfig(_ s: LearningRateSchedule) -> ConfigValue {
    guard learningRateScheduleClassName(s) != nil, let k = s as? any KerasSerializable,
          let config = try? k.getConfig() else { return .object([:]) }
    return config
}

/// The Keras class name of a built-in schedule, nil for a closure or custom schedule.
public func learningRateScheduleClassName(_ s: LearningRateSchedule) -> String? {
    KerasRegistry.builtinClassName(of: s, .learningRateSchedule)
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
public var optimizerClassNames: [String] { KerasRegistry.builtinClassNames(.optimizer) }

/// The arguments every optimizer takes (Keras `BaseOptimizer.__init__`), read first by each
/// optimizer's `init(config:)`.
struct BaseArguments {
    var learningRate: LearningRate
    var weightDecay: Double?
    var clipnorm: Double?
    var clipvalue: Double?
    var globalClipnorm: Double?
    var lossScaleFactor: Double?
    var name: String?

    /// Reads the base arguments; `learningRate` and `weightDecay` are the class's defaults (a
    /// class with a default weight decay refuses null).
    init(_ r: inout ArgumentReader, learningRate def: Double, weightDecay wdDefault: Double? = nil) throws {
        let owner = r.owner
        var lr = LearningRate.constant(def)
        if let v = r.raw("learning_rate") {
            switch v {
            case .int, .double:
                lr = .constant(try r.optionalNumber("learning_rate", "a finite number >= 0", isFiniteNonNegative) ?? def)
            case .object:
                lr = .schedule(try learningRateScheduleFromSerialized(v, owner: "\(owner): argument `learning_rate`"))
            default:
                throw r.fail("learning_rate", "a float or a serialized LearningRateSchedule ({\"class_name\": ..., \"config\": ...})", v)
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
        self.learningRate = lr
        self.weightDecay = weightDecay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.globalClipnorm = globalClipnorm
        self.lossScaleFactor = lossScaleFactor
        self.name = try r.string("name")
    }
}

extension Optimizer {
    /// The keys every optimizer config holds (Keras `BaseOptimizer.get_config`), the learning
    /// rate as a number or a serialized schedule.
    func baseConfig() -> [String: ConfigValue] {
        let lr: ConfigValue
        switch learningRate {
        case .constant(let v): lr = .double(v)
        case .schedule(let s): lr = serializeLearningRateSchedule(s)
        }
        return [
            "name": .string(name), "learning_rate": lr, "weight_decay": optionalDouble(weightDecay),
            "clipnorm": optionalDouble(clipnorm), "global_clipnorm": optionalDouble(globalClipnorm),
            "clipvalue": optionalDouble(clipvalue), "use_ema": .bool(false), "ema_momentum": .double(0.99),
            "ema_overwrite_frequency": .null, "loss_scale_factor": optionalDouble(lossScaleFactor),
            "gradient_accumulation_steps": .null,
        ]
    }

    /// The config: the keys every optimizer config holds (`baseConfig()`) and the optimizer's
    /// `own` keys.
    func optimizerConfig(_ own: [String: ConfigValue]) -> ConfigValue {
        .object(baseConfig().merging(own) { _, mine in mine })
    }
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

/// `optimizerFromConfig` on a parsed config: the optimizer class's `init(config:)` (a built-in
/// class or one registered in `KerasRegistry`).
public func optimizerFromConfig(name: String, config: ConfigValue) throws -> Optimizer {
    guard let optimizer = try KerasRegistry.deserialize(.optimizer, className: name, config: config) as? Optimizer else {
        throw SwiftKerasError(.invalidArgument, "Could not interpret optimizer identifier: '\(name)' (known: \(optimizerClassNames.joined(separator: ", ")))")
    }
    return optimizer
}

/// An optimizer from Keras' serialized form `{"class_name": "SGD", "config": {...}}` (the keys
/// "module" and "registered_name" are allowed), or from a bare name string ("adam").
public func optimizerFromSerialized(_ value: ConfigValue, owner: String = "optimizers.deserialize") throws -> Optimizer {
    if case .string(let s) = value { return try optimizerFromConfig(name: s, config: .object([:])) }
    let (cls, config) = try readSerialized(value, owner: owner, what: "optimizer")
    return try optimizerFromConfig(name: cls, config: config)
}

/// The Keras class name of a built-in optimizer, nil for a custom subclass.
public func optimizerClassName(_ o: Optimizer) -> String? {
    KerasRegistry.builtinClassName(of: o, .optimizer)
}

/// The Keras config of an optimizer (`optimizer.get_config()`): its constructor arguments, with
/// the learning rate as a number or a serialized schedule. `optimizerFromConfig(name:
/// optimizerClassName(o), config: optimizerConfig(o))` rebuilds an equal optimizer (without
/// its state).
///
/// - Throws: `.unimplemented` for a custom optimizer subclass (it has no Keras config).
public func optimizerConfig(_ o: Optimizer) throws -> ConfigValue {
    guard optimizerClassName(o) != nil, let k = o as? any KerasSerializable else {
        throw SwiftKerasError(.unimplemented, "get_config: optimizer '\(o.name)' is a custom optimizer class without a Keras config")
    }
    return try k.getConfig()
}

/// Keras' serialized form of an optimizer (`keras.optimizers.serialize`):
/// `{"module": "keras.optimizers", "class_name": ..., "config": ..., "registered_name": null}`.
public func serializeOptimizer(_ o: Optimizer) throws -> ConfigValue {
    let config = try optimizerConfig(o)
    return .object(["module": .string("keras.optimizers"), "class_name": .string(optimizerClassName(o) ?? o.name),
                    "config": config, "registered_name": .null])
}
