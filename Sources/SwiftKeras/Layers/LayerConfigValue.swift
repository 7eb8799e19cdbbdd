// The typed value of Keras configs (`get_config()` dictionaries) and its JSON form, plus a
// strict reader used by the `fromConfig` constructors. No Foundation.

/// A Keras config value: what `layer.get_config()` returns in Keras, as a typed tree that
/// serializes to JSON (`json`) and parses back (`ConfigValue.parse(json:)`).
///
/// Objects are unordered (`[String: ConfigValue]`); `json` writes their keys sorted, so equal
/// configs give identical text. Integers and floating-point numbers are distinct cases: a JSON
/// number with a fraction or exponent reads as `.double`, otherwise as `.int`.
public indirect enum ConfigValue: Equatable, CustomStringConvertible {
    /// JSON `null` (Keras `None`).
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number (written with Swift's shortest round-trip form).
    case double(Double)
    /// A string.
    case string(String)
    /// A list (Keras lists and tuples).
    case array([ConfigValue])
    /// A dictionary.
    case object([String: ConfigValue])

    /// The compact JSON text of the value, object keys sorted. Non-finite doubles (which JSON
    /// cannot hold) are written as `null`.
    public var json: String { JSONWriter.serialize(jsonValue) }

    /// The JSON text (same as `json`).
    public var description: String { json }

    /// The value of `key` when this is an object, else nil.
    public subscript(key: String) -> ConfigValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Parses JSON text (strict RFC 8259) into a config value.
    ///
    /// - Throws: `.invalidArgument` naming the syntax error and its byte offset.
    public static func parse(json text: String) throws -> ConfigValue {
        do {
            return try ConfigValue(try JSONParser.parse(Array(text.utf8)))
        } catch let e as JSONSyntaxError {
            throw SwiftKerasError(.invalidArgument, "config: invalid JSON: \(e.description)")
        }
    }

    /// The value as the internal JSON tree.
    var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(i))
        case .double(let d):
            if !d.isFinite { return .null }
            var s = "\(d)"
            // Swift prints 1e-07 / 1.0 / 5e+20: valid JSON except a bare exponent like "1e-07"
            // is fine too; only make sure a fraction or exponent marks it as a double.
            if !s.contains(".") && !s.contains("e") && !s.contains("E") { s += ".0" }
            return .number(s)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.jsonValue))
        case .object(let o):
            return .object(o.keys.sorted().map { JSONMember(key: $0, value: o[$0]?.jsonValue ?? .null) })
        }
    }

    /// Converts a parsed JSON tree; duplicate object keys are an error.
    init(_ v: JSONValue) throws {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let text):
            if !text.contains("."), !text.contains("e"), !text.contains("E"), let i = Int(text) {
                self = .int(i)
            } else if let d = Double(text) {
                self = .double(d)
            } else {
                throw SwiftKerasError(.invalidArgument, "config: the number \(text) cannot be represented")
            }
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(try a.map { try ConfigValue($0) })
        case .object(let members):
            var o: [String: ConfigValue] = [:]
            for m in members {
                if o.updateValue(try ConfigValue(m.value), forKey: m.key) != nil {
                    throw SwiftKerasError(.invalidArgument, "config: duplicate key \"\(m.key)\"")
                }
            }
            self = .object(o)
        }
    }

    /// "a string", "an integer", ... for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a dictionary"
        }
    }
}

/// Reads the keys of one config dictionary with type checks; every failure throws
/// `.invalidArgument` naming the owner ("Dense.from_config") and the key. `finish()` rejects
/// keys nobody read (as Keras rejects unknown constructor arguments).
struct ConfigReader {
    let owner: String
    let values: [String: ConfigValue]
    private(set) var used = Set<String>()

    init(_ config: ConfigValue, owner: String) throws {
        guard case .object(let o) = config else {
            throw SwiftKerasError(.invalidArgument, "\(owner): the config must be a dictionary, got \(config.kindName)")
        }
        self.owner = owner
        values = o
    }

    func fail(_ key: String, _ what: String, _ v: ConfigValue) -> SwiftKerasError {
        SwiftKerasError(.invalidArgument, "\(owner): '\(key)' must be \(what), got \(v.kindName) (\(v.json))")
    }

    /// The raw value of `key` (nil when absent or null), marking it read.
    mutating func raw(_ key: String) -> ConfigValue? {
        used.insert(key)
        guard let v = values[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    mutating func has(_ key: String) -> Bool { values[key] != nil }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = raw(key) else { return nil }
        guard case .int(let i) = v else { throw fail(key, "an integer", v) }
        return i
    }

    mutating func int(_ key: String, _ def: Int) throws -> Int { try int(key) ?? def }

    mutating func requiredInt(_ key: String) throws -> Int {
        guard let i = try int(key) else {
            throw SwiftKerasError(.invalidArgument, "\(owner): missing required argument '\(key)'")
        }
        return i
    }

    mutating func double(_ key: String) throws -> Double? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw fail(key, "a number", v)
        }
    }

    mutating func double(_ key: String, _ def: Double) throws -> Double { try double(key) ?? def }

    mutating func bool(_ key: String, _ def: Bool) throws -> Bool {
        guard let v = raw(key) else { return def }
        guard case .bool(let b) = v else { throw fail(key, "a boolean", v) }
        return b
    }

    mutating func string(_ key: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw fail(key, "a string", v) }
        return s
    }

    /// A list of integers; null entries read as -1 (unknown dimension). A single integer is
    /// accepted as a one-element list (Keras accepts `kernel_size=3`).
    mutating func ints(_ key: String) throws -> [Int]? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .int(let i): return [i]
        case .array(let a):
            return try a.map { e in
                switch e {
                case .int(let i): return i
                case .null: return -1
                default: throw fail(key, "a list of integers", v)
                }
            }
        default: throw fail(key, "a list of integers", v)
        }
    }

    /// A tuple of `count` integers; a single integer is repeated (Keras `kernel_size=3` → (3, 3)).
    mutating func tuple(_ key: String, count: Int) throws -> [Int]? {
        guard let v = try ints(key) else { return nil }
        if v.count == 1 && count > 1 { return Array(repeating: v[0], count: count) }
        if v.count != count { throw fail(key, "a list of \(count) integers", values[key] ?? .null) }
        return v
    }

    mutating func seed(_ key: String) throws -> UInt64? {
        guard let i = try int(key) else { return nil }
        return UInt64(bitPattern: Int64(i))
    }

    mutating func activation(_ key: String, _ def: ActivationFunction) throws -> ActivationFunction {
        guard let v = raw(key) else { return def }
        switch v {
        case .string(let s): return try ActivationFunction(named: s)
        case .object:
            // {"class_name": ..., "config": ...} or Keras' serialized function form: use its name.
            if case .string(let s)? = v["config"] ?? nil { return try ActivationFunction(named: s) }
            if case .string(let s)? = v["class_name"] ?? nil { return try ActivationFunction(named: s) }
            throw fail(key, "an activation name", v)
        default: throw fail(key, "an activation name", v)
        }
    }

    mutating func initializer(_ key: String, _ def: Initializer) throws -> Initializer {
        guard let v = raw(key) else { return def }
        return try initializerFromConfig(v, owner: "\(owner): '\(key)'")
    }

    mutating func regularizer(_ key: String) throws -> Regularizer? {
        guard let v = raw(key) else { return nil }
        return try regularizerFromConfig(v, owner: "\(owner): '\(key)'")
    }

    mutating func padding(_ key: String, _ def: Padding) throws -> Padding {
        guard let s = try string(key) else { return def }
        switch s.lowercased() {
        case "valid": return .valid
        case "same": return .same
        case "causal": return .causal
        default: throw SwiftKerasError(.invalidArgument, "\(owner): 'padding' must be \"valid\", \"same\" or \"causal\", got \"\(s)\"")
        }
    }

    mutating func dataFormat() throws {
        if let s = try string("data_format"), s != "channels_last" {
            throw SwiftKerasError(.invalidArgument, "\(owner): only data_format \"channels_last\" is supported, got \"\(s)\"")
        }
    }

    /// Throws for keys that were never read.
    func finish() throws {
        let unknown = values.keys.filter { !used.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "\(owner): unrecognized config key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }
}

// MARK: - Initializers and regularizers

/// `{"class_name": <name>, "config": <config>}`, the Keras serialized-object form.
func serialized(_ className: String, _ config: [String: ConfigValue]) -> ConfigValue {
    .object(["class_name": .string(className), "config": .object(config)])
}

private func seedValue(_ s: UInt64?) -> ConfigValue {
    s.map { .int(Int(Int64(bitPattern: $0))) } ?? .null
}

/// The Keras config of a built-in initializer (`keras.initializers.serialize`).
///
/// - Throws: `.invalidArgument` for a closure or custom initializer, which has no config.
public func initializerConfig(_ i: Initializer) throws -> ConfigValue {
    switch i {
    case is Zeros: return serialized("Zeros", [:])
    case is Ones: return serialized("Ones", [:])
    case let c as Constant: return serialized("Constant", ["value": .double(c.value)])
    case let r as RandomNormal:
        return serialized("RandomNormal", ["mean": .double(r.mean), "stddev": .double(r.stddev), "seed": seedValue(r.seed)])
    case let r as RandomUniform:
        return serialized("RandomUniform", ["minval": .double(r.minval), "maxval": .double(r.maxval), "seed": seedValue(r.seed)])
    case let r as TruncatedNormal:
        return serialized("TruncatedNormal", ["mean": .double(r.mean), "stddev": .double(r.stddev), "seed": seedValue(r.seed)])
    case let v as GlorotUniform: return serialized("GlorotUniform", ["seed": seedValue(v.seed)])
    case let v as GlorotNormal: return serialized("GlorotNormal", ["seed": seedValue(v.seed)])
    case let v as HeNormal: return serialized("HeNormal", ["seed": seedValue(v.seed)])
    case let v as HeUniform: return serialized("HeUniform", ["seed": seedValue(v.seed)])
    case let v as LecunNormal: return serialized("LecunNormal", ["seed": seedValue(v.seed)])
    case let v as LecunUniform: return serialized("LecunUniform", ["seed": seedValue(v.seed)])
    case let v as VarianceScaling:
        return serialized("VarianceScaling", ["scale": .double(v.scale), "mode": .string(v.mode.rawValue),
                                              "distribution": .string(v.distribution.rawValue), "seed": seedValue(v.seed)])
    case let o as Orthogonal: return serialized("Orthogonal", ["gain": .double(o.gain), "seed": seedValue(o.seed)])
    case let o as IdentityInitializer: return serialized("Identity", ["gain": .double(o.gain)])
    default:
        throw SwiftKerasError(.invalidArgument, "get_config: the initializer \(String(describing: type(of: i))) is not a built-in initializer and cannot be serialized")
    }
}

/// A built-in initializer from its Keras config: a name (`"glorot_uniform"`) or
/// `{"class_name": "GlorotUniform", "config": {"seed": 1}}` (`keras.initializers.deserialize`).
public func initializerFromConfig(_ v: ConfigValue, owner: String = "initializers.deserialize") throws -> Initializer {
    if case .string(let s) = v { return try Initializers.named(s) }
    guard case .string(let cls)? = v["class_name"] else {
        throw SwiftKerasError(.invalidArgument, "\(owner): an initializer must be a name or {\"class_name\": ..., \"config\": ...}, got \(v.json)")
    }
    var r = try ConfigReader(v["config"] ?? .object([:]), owner: "\(owner) \(cls)")
    let out: Initializer
    switch cls {
    case "Zeros": out = Zeros()
    case "Ones": out = Ones()
    case "Constant": out = Constant(try r.double("value", 0))
    case "RandomNormal": out = RandomNormal(mean: try r.double("mean", 0), stddev: try r.double("stddev", 0.05), seed: try r.seed("seed"))
    case "RandomUniform": out = RandomUniform(minval: try r.double("minval", -0.05), maxval: try r.double("maxval", 0.05), seed: try r.seed("seed"))
    case "TruncatedNormal": out = TruncatedNormal(mean: try r.double("mean", 0), stddev: try r.double("stddev", 0.05), seed: try r.seed("seed"))
    case "GlorotUniform": out = GlorotUniform(seed: try r.seed("seed"))
    case "GlorotNormal": out = GlorotNormal(seed: try r.seed("seed"))
    case "HeNormal": out = HeNormal(seed: try r.seed("seed"))
    case "HeUniform": out = HeUniform(seed: try r.seed("seed"))
    case "LecunNormal": out = LecunNormal(seed: try r.seed("seed"))
    case "LecunUniform": out = LecunUniform(seed: try r.seed("seed"))
    case "VarianceScaling":
        let modeName = try r.string("mode") ?? "fan_in"
        let distName = try r.string("distribution") ?? "truncated_normal"
        guard let mode = VarianceScaling.Mode(rawValue: modeName) else {
            throw SwiftKerasError(.invalidArgument, "\(owner): VarianceScaling mode must be fan_in, fan_out or fan_avg, got \"\(modeName)\"")
        }
        guard let dist = VarianceScaling.Distribution(rawValue: distName) else {
            throw SwiftKerasError(.invalidArgument, "\(owner): unknown VarianceScaling distribution \"\(distName)\"")
        }
        out = try VarianceScaling(scale: try r.double("scale", 1), mode: mode, distribution: dist, seed: try r.seed("seed"))
    case "Orthogonal": out = Orthogonal(gain: try r.double("gain", 1), seed: try r.seed("seed"))
    case "Identity", "IdentityInitializer": out = IdentityInitializer(gain: try r.double("gain", 1))
    default:
        throw SwiftKerasError(.invalidArgument, "\(owner): unknown initializer class '\(cls)'")
    }
    try r.finish()
    return out
}

/// The Keras config of a built-in regularizer (`keras.regularizers.serialize`).
///
/// - Throws: `.invalidArgument` for a closure or custom regularizer.
public func regularizerConfig(_ reg: Regularizer) throws -> ConfigValue {
    switch reg {
    case let r as L1: return serialized("L1", ["l1": .double(r.l1)])
    case let r as L2: return serialized("L2", ["l2": .double(r.l2)])
    case let r as L1L2: return serialized("L1L2", ["l1": .double(r.l1), "l2": .double(r.l2)])
    default:
        throw SwiftKerasError(.invalidArgument, "get_config: the regularizer \(String(describing: type(of: reg))) is not a built-in regularizer and cannot be serialized")
    }
}

/// A built-in regularizer from a name (`"l2"`) or `{"class_name": "L2", "config": {"l2": 0.01}}`.
public func regularizerFromConfig(_ v: ConfigValue, owner: String = "regularizers.deserialize") throws -> Regularizer {
    if case .string(let s) = v { return try Regularizers.named(s) }
    guard case .string(let cls)? = v["class_name"] else {
        throw SwiftKerasError(.invalidArgument, "\(owner): a regularizer must be a name or {\"class_name\": ..., \"config\": ...}, got \(v.json)")
    }
    var r = try ConfigReader(v["config"] ?? .object([:]), owner: "\(owner) \(cls)")
    let out: Regularizer
    switch cls {
    case "L1", "l1": out = try L1(try r.double("l1", 0.01))
    case "L2", "l2": out = try L2(try r.double("l2", 0.01))
    case "L1L2", "l1_l2": out = try L1L2(l1: try r.double("l1", 0), l2: try r.double("l2", 0))
    default: throw SwiftKerasError(.invalidArgument, "\(owner): unknown regularizer class '\(cls)'")
    }
    try r.finish()
    return out
}
