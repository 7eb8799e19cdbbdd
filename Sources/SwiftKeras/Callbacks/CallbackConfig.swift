// Callbacks made from a Keras class name and config dictionary (the constructor arguments of
// `keras.callbacks.<Class>(...)` with Keras' names and defaults), so C and Python create the
// same core objects. Each class is `KerasSerializable` (className, getConfig, init(config:));
// `CallbackRegistry` lists them.

/// A callback class that can be created from its Keras config (absent keys take Keras'
/// defaults; unknown keys are an error) and gives its config back.
public protocol ConfigurableCallback: Callback, KerasSerializable {}

/// Callbacks by class name: the `.callback` namespace of `KerasRegistry` (built-in classes and
/// custom ones registered there), with the classes that need code named.
public enum CallbackRegistry {
    /// Classes that need code rather than a config, with what to use instead.
    static let needCode: [String: String] = [
        "LearningRateScheduler": "it needs a schedule function (sk_callback_create_lr_scheduler from C)",
        "LambdaCallback": "it needs functions (sk_callback_create_custom from C)",
    ]

    /// A new callback of class `className` made from `config` (nil: an empty config).
    /// - Throws: `.invalidArgument` for an unknown class (listing the known ones) or a bad config.
    public static func make(className: String, config: ConfigValue?) throws -> Callback {
        if let object = try KerasRegistry.deserialize(.callback, className: className, config: config ?? .object([:])) {
            guard let callback = object as? Callback else {
                throw SwiftKerasError.invalid("callbacks: the class registered as '\(className)' does not make a Callback")
            }
            return callback
        }
        if className == "RemoteMonitor" {
            throw SwiftKerasError(.unimplemented, "callbacks: RemoteMonitor is not implemented (it posts the logs to an HTTP server; use a custom callback instead)")
        }
        if let why = needCode[className] {
            throw SwiftKerasError.invalid("callbacks: \(className) cannot be created from a config: \(why)")
        }
        throw SwiftKerasError.invalid("callbacks: unknown callback class '\(className)' (known: \(KerasRegistry.builtinClassNames(.callback).sorted().joined(separator: ", ")))")
    }
}

/// A mode from a config ("auto", "min", "max").
private func modeValue(_ r: inout ConfigReader) throws -> MonitorMode {
    try MonitorMode(name: try r.string("mode") ?? "auto", owner: r.owner)
}

/// An optional number as a config value.
private func number(_ v: Double?) -> ConfigValue { v.map { .double($0) } ?? .null }

extension EarlyStopping: ConfigurableCallback {
    public static var className: String { "EarlyStopping" }

    /// Keys: monitor ("val_loss"), min_delta (0), patience (0), verbose (0), mode ("auto"),
    /// baseline (null), restore_best_weights (false), start_from_epoch (0).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "EarlyStopping")
        try self.init(monitor: try r.string("monitor") ?? "val_loss", minDelta: try r.double("min_delta", 0),
                      patience: try r.int("patience", 0), mode: try modeValue(&r), baseline: try r.double("baseline"),
                      restoreBestWeights: try r.bool("restore_best_weights", false),
                      startFromEpoch: try r.int("start_from_epoch", 0), verbose: try r.int("verbose", 0))
        try r.finish()
    }

    /// The config (mode resolved; verbose nil written as 0).
    public func getConfig() throws -> ConfigValue {
        .object(["monitor": .string(monitor), "min_delta": .double(minDelta), "patience": .int(patience),
                 "verbose": .int(verbose ?? 0), "mode": .string(mode.rawValue), "baseline": number(baseline),
                 "restore_best_weights": .bool(restoreBestWeights), "start_from_epoch": .int(startFromEpoch)])
    }
}

extension ReduceLROnPlateau: ConfigurableCallback {
    public static var className: String { "ReduceLROnPlateau" }

    /// Keys: monitor ("val_loss"), factor (0.1), patience (10), verbose (0), mode ("auto"),
    /// min_delta (1e-4), cooldown (0), min_lr (0).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "ReduceLROnPlateau")
        try self.init(monitor: try r.string("monitor") ?? "val_loss", factor: try r.double("factor", 0.1),
                      patience: try r.int("patience", 10), mode: try modeValue(&r), minDelta: try r.double("min_delta", 1e-4),
                      cooldown: try r.int("cooldown", 0), minLR: try r.double("min_lr", 0), verbose: try r.int("verbose", 0))
        try r.finish()
    }

    /// The config (mode resolved; verbose nil written as 0).
    public func getConfig() throws -> ConfigValue {
        .object(["monitor": .string(monitor), "factor": .double(factor), "patience": .int(patience),
                 "verbose": .int(verbose ?? 0), "mode": .string(mode.rawValue), "min_delta": .double(minDelta),
                 "cooldown": .int(cooldown), "min_lr": .double(minLR)])
    }
}

extension ModelCheckpoint: ConfigurableCallback {
    public static var className: String { "ModelCheckpoint" }

    /// Keys: filepath (required), monitor ("val_loss"), verbose (0), save_best_only (false),
    /// save_weights_only (false), mode ("auto"), save_freq ("epoch" or a number of batches),
    /// initial_value_threshold (null).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "ModelCheckpoint")
        guard let path = try r.string("filepath") else {
            throw SwiftKerasError.invalid("ModelCheckpoint: the config needs a 'filepath'")
        }
        var freq = SaveFrequency.epoch
        switch r.raw("save_freq") {
        case nil, .string("epoch"): break
        case .int(let n): freq = .batches(n)
        case let v?:
            throw SwiftKerasError.invalid("Unrecognized save_freq: \(v.json). Expected save_freq are 'epoch' or integer values")
        }
        try self.init(filepath: path, monitor: try r.string("monitor") ?? "val_loss", verbose: try r.int("verbose", 0),
                      saveBestOnly: try r.bool("save_best_only", false), saveWeightsOnly: try r.bool("save_weights_only", false),
                      mode: try modeValue(&r), saveFrequency: freq,
                      initialValueThreshold: try r.double("initial_value_threshold"))
        try r.finish()
    }

    /// The config (mode resolved). A checkpoint made with a saver closure has none.
    public func getConfig() throws -> ConfigValue {
        guard writesFiles else {
            throw SwiftKerasError(.unimplemented, "ModelCheckpoint: a checkpoint with a saver closure has no config")
        }
        let freq: ConfigValue
        switch saveFrequency {
        case .epoch: freq = .string("epoch")
        case .batches(let n): freq = .int(n)
        }
        return .object(["filepath": .string(filepath), "monitor": .string(monitor), "verbose": .int(verbose ?? 0),
                        "save_best_only": .bool(saveBestOnly), "save_weights_only": .bool(saveWeightsOnly),
                        "mode": .string(mode.rawValue), "save_freq": freq,
                        "initial_value_threshold": number(initialValueThreshold)])
    }
}

extension TerminateOnNaN: KeylessConfigurableCallback {
    public static var className: String { "TerminateOnNaN" }
}

extension CSVLogger: ConfigurableCallback {
    public static var className: String { "CSVLogger" }

    /// Keys: filename (required), separator (","), append (false).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "CSVLogger")
        guard let name = try r.string("filename") else { throw SwiftKerasError.invalid("CSVLogger: the config needs a 'filename'") }
        try self.init(filename: name, separator: try r.string("separator") ?? ",", append: try r.bool("append", false))
        try r.finish()
    }

    /// filename, separator, append.
    public func getConfig() throws -> ConfigValue {
        .object(["filename": .string(filename), "separator": .string(String(separator)), "append": .bool(append)])
    }
}

extension ProgbarLogger: ConfigurableCallback {
    public static var className: String { "ProgbarLogger" }

    /// Keys: count_mode ("steps"; "samples" is not supported), stateful_metrics (ignored: every
    /// logged value is an epoch average already). The verbosity is fit's.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "ProgbarLogger")
        if let mode = try r.string("count_mode"), mode != "steps" {
            throw SwiftKerasError(.unimplemented, "ProgbarLogger: count_mode '\(mode)' is not supported (only 'steps')")
        }
        _ = r.raw("stateful_metrics")
        try r.finish()
        self.init()
    }

    /// count_mode "steps".
    public func getConfig() throws -> ConfigValue { .object(["count_mode": .string("steps")]) }
}

extension History: KeylessConfigurableCallback {
    public static var className: String { "History" }
}

/// Callbacks whose config holds no key (their `init(config:)` and `getConfig()` come from here).
protocol KeylessConfigurableCallback: ConfigurableCallback {
    init()
}

extension KeylessConfigurableCallback {
    /// No keys.
    public init(config: ConfigValue) throws {
        try ConfigReader(config, owner: Self.className).finish()
        self.init()
    }

    /// No keys.
    public func getConfig() throws -> ConfigValue { .object([:]) }
}
