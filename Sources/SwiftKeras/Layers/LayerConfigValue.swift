// The typed value of Keras configs (`get_config()` dictionaries) and its JSON form, plus a
// strict reader used by the `init(config:)` constructors. No Foundation.

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

    /// Parses JSON text (strict RFC 8259, plus Python's `NaN`, `Infinity` and `-Infinity`,
    /// which become doubles for the arguments' own range checks to name) into a config value.
    ///
    /// - Throws: `.invalidArgument` naming the syntax error and its byte offset.
    public static func parse(json text: String) throws -> ConfigValue {
        do {
            return try ConfigValue(try JSONParser.parse(Array(text.utf8), allowNonFinite: true))
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

/// What the two config readers share (`ConfigReader` for layers, initializers and metrics,
/// `ArgumentReader` for optimizers and schedules): the keys of one config dictionary, the keys
/// read so far, and the typed reads whose only difference is the error `fail` builds.
protocol KeyedConfigReader {
    /// The Keras class (or entry point) that errors name.
    var owner: String { get }
    /// The config dictionary.
    var values: [String: ConfigValue] { get }
    /// The keys read so far.
    var used: Set<String> { get set }
    /// The error for `key` holding `v` where `what` ("a boolean", ...) was expected.
    func fail(_ key: String, _ what: String, _ v: ConfigValue) -> SwiftKerasError
}

extension KeyedConfigReader {
    /// Whether `key` is present (even as null).
    func has(_ key: String) -> Bool { values[key] != nil }

    /// The raw value of `key` (nil when absent or null), marking it read.
    mutating func raw(_ key: String) -> ConfigValue? {
        used.insert(key)
        guard let v = values[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    /// A number (JSON integer or float), nil when absent or null.
    mutating func anyNumber(_ key: String) throws -> Double? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw fail(key, "a number", v)
        }
    }

    /// A boolean, or `def` when absent or null.
    mutating func bool(_ key: String, _ def: Bool) throws -> Bool {
        guard let v = raw(key) else { return def }
        guard case .bool(let b) = v else { throw fail(key, "a boolean", v) }
        return b
    }

    /// A string, nil when absent or null.
    mutating func string(_ key: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw fail(key, "a string", v) }
        return s
    }

    /// The dictionary `config` holds; `error` when it is not a dictionary.
    static func dictionary(_ config: ConfigValue, orThrow error: @autoclosure () -> SwiftKerasError) throws -> [String: ConfigValue] {
        guard case .object(let o) = config else { throw error() }
        return o
    }

    /// The keys nobody read, sorted (what `finish()` rejects).
    var unreadKeys: [String] { values.keys.filter { !used.contains($0) }.sorted() }
}

/// Reads the keys of one config dictionary with type checks; every failure throws
/// `.invalidArgument` naming the owner ("Dense.from_config") and the key. `finish()` rejects
/// keys nobody read (as Keras rejects unknown constructor arguments).
struct ConfigReader: KeyedConfigReader {
    let owner: String
    let values: [String: ConfigValue]
    var used = Set<String>()
    /// The Keras class whose config this is, when known (`init(_:fromConfigOf:)`).
    var className: String?

    init(_ config: ConfigValue, owner: String) throws {
        values = try Self.dictionary(config, orThrow: SwiftKerasError(
            .invalidArgument, "\(owner): the config must be a dictionary, got \(config.kindName)"))
        self.owner = owner
    }

    /// A reader of the config of the Keras class `className` (errors name "<className>.from_config").
    init(_ config: ConfigValue, fromConfigOf className: String) throws {
        try self.init(config, owner: "\(className).from_config")
        self.className = className
    }

    func fail(_ key: String, _ what: String, _ v: ConfigValue) -> SwiftKerasError {
        SwiftKerasError(.invalidArgument, "\(owner): '\(key)' must be \(what), got \(v.kindName) (\(v.json))")
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = raw(key) else { return nil }
        guard case .int(let i) = v else { throw fail(key, "an integer", v) }
        return i
    }

    mutating func int(_ key: String, _ def: Int) throws -> Int { try int(key) ?? def }

    mutating func requiredInt(_ key: String) throws -> Int {
        guard let i = try int(key) else { throw missing(key) }
        return i
    }

    /// The error for a required argument that is absent or null.
    func missing(_ key: String) -> SwiftKerasError {
        SwiftKerasError(.invalidArgument, "\(owner): missing required argument '\(key)'")
    }

    mutating func double(_ key: String) throws -> Double? { try anyNumber(key) }

    mutating func double(_ key: String, _ def: Double) throws -> Double { try double(key) ?? def }

    mutating func requiredDouble(_ key: String) throws -> Double {
        guard let d = try double(key) else { throw missing(key) }
        return d
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

    mutating func requiredInts(_ key: String) throws -> [Int] {
        guard let v = try ints(key) else { throw missing(key) }
        return v
    }

    /// A tuple of `count` integers; a single integer is repeated (Keras `kernel_size=3` → (3, 3)).
    mutating func tuple(_ key: String, count: Int) throws -> [Int]? {
        guard let v = try ints(key) else { return nil }
        if v.count == 1 && count > 1 { return Array(repeating: v[0], count: count) }
        if v.count != count { throw fail(key, "a list of \(count) integers", values[key] ?? .null) }
        return v
    }

    mutating func requiredTuple(_ key: String, count: Int) throws -> [Int] {
        guard let v = try tuple(key, count: count) else { throw missing(key) }
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
            throw SwiftKerasError(.unimplemented, "\(owner): data_format \"\(s)\" is not supported (only \"channels_last\")")
        }
    }

    /// A Keras argument we do not implement: its Keras default (`keras`) is accepted, any other
    /// value throws `.unimplemented` naming the key and the value.
    mutating func onlyDefault(_ key: String, _ keras: ConfigValue) throws {
        if let v = raw(key), v != .null, v != keras {
            throw SwiftKerasError(.unimplemented, "\(owner): argument `\(key)`=\(v.json) is not supported (only \(keras.json))")
        }
    }

    /// Throws for keys that were never read.
    func finish() throws {
        let unknown = unreadKeys
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "\(owner): unrecognized config key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }
}
