// keras.constraints: projections of a weight's value applied after each optimizer update
// (tf.keras 2 `constraints.py`), the layer config keys that hold them, and their lookup by name.

/// A weight constraint (`keras.constraints.Constraint`): the projection optimizers apply to a
/// variable after each update (`Variable.constraint`).
public typealias Constraint = VariableConstraint

/// `sqrt(sum(w², axis, keepdims))`, the norms MaxNorm, UnitNorm and MinMaxNorm work with.
private func norms(_ w: Tensor, _ axes: [Int]) throws -> Tensor {
    try sqrt(square(w).sum(alongAxes: axes, keepingDimensions: true))
}

/// `w · desired / (epsilon + norms)` (tf.keras 2's rescaling of MaxNorm and MinMaxNorm).
private func rescaled(_ w: Tensor, desired: Tensor, norms n: Tensor) throws -> Tensor {
    try w * (desired / (n + KerasSettings.epsilon))
}

/// A constraint's "axis": an integer or a list of integers, kept as given for its config.
public struct ConstraintAxis: Sendable, Equatable {
    /// The axes.
    public let axes: [Int]
    /// Whether the config gave a list (written back as a list).
    let isList: Bool

    /// One axis.
    public init(_ axis: Int) { axes = [axis]; isList = false }
    /// Several axes.
    public init(_ axes: [Int]) { self.axes = axes; isList = true }

    /// Reads "axis" (0 when absent or null) from `r`.
    init(_ r: inout ConfigReader) throws {
        let list: Bool
        if case .array? = r.values["axis"] { list = true } else { list = false }
        let a = try r.ints("axis") ?? [0]
        if list { self.init(a) } else { self.init(a[0]) }
    }

    /// The config value.
    var config: ConfigValue { isList ? .array(axes.map { .int($0) }) : .int(axes[0]) }
}

/// Constrains the norm of the weights along `axis` to at most `maxValue`
/// (`keras.constraints.MaxNorm`, alias "max_norm").
public final class MaxNorm: Constraint, KerasSerializable {
    /// The largest norm.
    public let maxValue: Double
    /// The axes the norms are taken over.
    public let axis: ConstraintAxis
    /// Creates the constraint (tf.keras 2 defaults: 2, axis 0).
    public init(maxValue: Double = 2, axis: ConstraintAxis = ConstraintAxis(0)) {
        self.maxValue = maxValue
        self.axis = axis
    }
    public func callAsFunction(_ w: Tensor) throws -> Tensor {
        let n = try norms(w, axis.axes)
        return try rescaled(w, desired: try n.clipped(min: .float(0), max: .float(maxValue)), norms: n)
    }
    /// "MaxNorm".
    public static var className: String { "MaxNorm" }
    /// "max_norm", "maxnorm".
    public static var aliases: [String] { ["max_norm", "maxnorm"] }
    /// The config: "max_value", "axis".
    public func getConfig() throws -> ConfigValue { .object(["max_value": .double(maxValue), "axis": axis.config]) }
    /// Builds the constraint from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(maxValue: try r.double("max_value", 2), axis: try ConstraintAxis(&r))
        try r.finish()
    }
}

/// Sets negative weights to zero (`keras.constraints.NonNeg`, alias "non_neg").
public final class NonNeg: Constraint, KerasSerializable {
    /// Creates the constraint.
    public init() {}
    public func callAsFunction(_ w: Tensor) throws -> Tensor {
        try w * (try w.isGreaterOrEqual(to: try Tensor.scalar(0, dtype: w.dtype))).cast(to: w.dtype)
    }
    /// "NonNeg".
    public static var className: String { "NonNeg" }
    /// "non_neg", "nonneg".
    public static var aliases: [String] { ["non_neg", "nonneg"] }
    /// The config: empty.
    public func getConfig() throws -> ConfigValue { .object([:]) }
    /// Builds the constraint from its (empty) config.
    public convenience init(config: ConfigValue) throws {
        try ConfigReader(config, owner: Self.className).finish()
        self.init()
    }
}

/// Scales the weights to unit norm along `axis` (`keras.constraints.UnitNorm`, alias "unit_norm").
public final class UnitNorm: Constraint, KerasSerializable {
    /// The axes the norms are taken over.
    public let axis: ConstraintAxis
    /// Creates the constraint (axis 0 by default).
    public init(axis: ConstraintAxis = ConstraintAxis(0)) { self.axis = axis }
    public func callAsFunction(_ w: Tensor) throws -> Tensor {
        try w / (try norms(w, axis.axes) + KerasSettings.epsilon)
    }
    /// "UnitNorm".
    public static var className: String { "UnitNorm" }
    /// "unit_norm", "unitnorm".
    public static var aliases: [String] { ["unit_norm", "unitnorm"] }
    /// The config: "axis".
    public func getConfig() throws -> ConfigValue { .object(["axis": axis.config]) }
    /// Builds the constraint from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(axis: try ConstraintAxis(&r))
        try r.finish()
    }
}

/// Moves the norm of the weights along `axis` into `[minValue, maxValue]` at `rate`
/// (`keras.constraints.MinMaxNorm`, alias "min_max_norm"): the norm becomes
/// `rate · clip(norm, min, max) + (1 - rate) · norm`.
public final class MinMaxNorm: Constraint, KerasSerializable {
    /// The bounds of the norm.
    public let minValue: Double, maxValue: Double
    /// How far each application moves the norm into the bounds (1: all the way).
    public let rate: Double
    /// The axes the norms are taken over.
    public let axis: ConstraintAxis
    /// Creates the constraint (tf.keras 2 defaults: 0, 1, rate 1, axis 0).
    public init(minValue: Double = 0, maxValue: Double = 1, rate: Double = 1, axis: ConstraintAxis = ConstraintAxis(0)) {
        self.minValue = minValue
        self.maxValue = maxValue
        self.rate = rate
        self.axis = axis
    }
    public func callAsFunction(_ w: Tensor) throws -> Tensor {
        let n = try norms(w, axis.axes)
        // Keras' backend.clip raises max_value to min_value when it is smaller.
        let clipped = try n.clipped(min: .float(minValue), max: .float(Swift.max(maxValue, minValue)))
        return try rescaled(w, desired: try clipped * .float(rate) + n * .float(1 - rate), norms: n)
    }
    /// "MinMaxNorm".
    public static var className: String { "MinMaxNorm" }
    /// "min_max_norm".
    public static var aliases: [String] { ["min_max_norm"] }
    /// The config: "min_value", "max_value", "rate", "axis".
    public func getConfig() throws -> ConfigValue {
        .object(["min_value": .double(minValue), "max_value": .double(maxValue), "rate": .double(rate), "axis": axis.config])
    }
    /// Builds the constraint from its config.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        self.init(minValue: try r.double("min_value", 0), maxValue: try r.double("max_value", 1),
                  rate: try r.double("rate", 1), axis: try ConstraintAxis(&r))
        try r.finish()
    }
}

/// Makes each `(height, width)` slice of a rank-4 kernel constant on rings around its centre
/// (`keras.constraints.RadialConstraint`, alias "radial_constraint"), exactly as tf.keras 2's
/// implementation does: the centre (one element for odd sizes, 2×2 for even ones) takes the
/// value at `(s-1, s-1)` (`s = height / 2`) and ring `d` the value at `(s+d-1, s+d-1)` (odd) or
/// `(s+d, s+d)` (even).
public final class RadialConstraint: Constraint, KerasSerializable {
    /// Creates the constraint.
    public init() {}
    public func callAsFunction(_ w: Tensor) throws -> Tensor {
        guard w.shape.count == 4 else {
            throw SwiftKerasError.invalid("RadialConstraint: the weight tensor must have rank 4, got shape \(formatShape(w.shape))")
        }
        let h = w.shape[0]
        guard h >= 2, w.shape[1] == h else {
            throw SwiftKerasError.invalid("RadialConstraint: the kernel must be square with a size of at least 2, got shape \(formatShape(w.shape))")
        }
        let s = h / 2, odd = h % 2 == 1
        func ring(_ i: Int) -> Int { odd ? Swift.abs(i - s) : (i >= s ? i - s : s - 1 - i) }
        var source: [Int32] = []
        source.reserveCapacity(h * h)
        for r in 0..<h {
            for c in 0..<h {
                let d = Swift.max(ring(r), ring(c))
                let k = d == 0 ? s - 1 : (odd ? s + d - 1 : s + d)
                source.append(Int32(k * h + k))
            }
        }
        let rows = try w.reshaped(to: [h * h, w.shape[2] * w.shape[3]])
        return try rows.gathered(indices: try Tensor(source, shape: [h * h])).reshaped(to: w.shape)
    }
    /// "RadialConstraint".
    public static var className: String { "RadialConstraint" }
    /// "radial_constraint".
    public static var aliases: [String] { ["radial_constraint"] }
    /// The config: empty.
    public func getConfig() throws -> ConfigValue { .object([:]) }
    /// Builds the constraint from its (empty) config.
    public convenience init(config: ConfigValue) throws {
        try ConfigReader(config, owner: Self.className).finish()
        self.init()
    }
}

/// A custom constraint from a closure (for C and Python callbacks), with the client's
/// serialized form (`{"class_name", "config"}`) when it has one.
public final class ClosureConstraint: Constraint {
    private let body: (Tensor) throws -> Tensor
    /// What configs hold for it (nil: it cannot be serialized).
    public let serialized: ConfigValue?
    /// Wraps `body`.
    public init(serialized: ConfigValue? = nil, _ body: @escaping (Tensor) throws -> Tensor) {
        self.body = body
        self.serialized = serialized
    }
    public func callAsFunction(_ w: Tensor) throws -> Tensor { try body(w) }
}

/// Lookup of built-in constraints by name (`keras.constraints.get("max_norm")`).
public enum Constraints {
    /// The built-in constraint a class name or alias names, with its defaults; errors name `owner`.
    public static func named(_ name: String, owner: String = "constraints.get") throws -> Constraint {
        guard let c = try KerasRegistry.builtinClass(.constraint, named: name)?.init(config: .object([:])) as? Constraint else {
            throw SwiftKerasError.invalid("\(owner): could not interpret constraint identifier: '\(name)'")
        }
        return c
    }
}

/// The Keras config of a constraint (`keras.constraints.serialize`): a built-in's class and
/// config, or a closure constraint's client-given form.
///
/// - Throws: `.invalidArgument` for a constraint with no config.
public func constraintConfig(_ c: Constraint) throws -> ConfigValue {
    if let closure = c as? ClosureConstraint {
        guard let s = closure.serialized else {
            throw SwiftKerasError(.invalidArgument, "get_config: a custom constraint without a config cannot be serialized")
        }
        return s
    }
    return try KerasRegistry.serializeBuiltin(c, .constraint)
}

/// A built-in constraint from a name (`"max_norm"`) or `{"class_name": "MaxNorm", "config":
/// {...}}`. Errors are prefixed with `owner`.
public func constraintFromConfig(_ v: ConfigValue, owner: String = "constraints.deserialize") throws -> Constraint {
    try KerasRegistry.deserialize(v, .constraint, owner: owner) { try Constraints.named($0, owner: owner) }
}

/// `keras.constraints.get(identifier)(w)` for a JSON identifier (the C API's `sk_constraint_call`).
public func constraintValues(identifierJSON: String, _ w: Tensor) throws -> Tensor {
    let c = try constraintFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "constraints.get")
    return try c.callAsFunction(w)
}

/// `keras.constraints.serialize(keras.constraints.get(identifier))` as JSON.
public func constraintConfigJSON(identifierJSON: String) throws -> String {
    try constraintConfig(try constraintFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "constraints.get")).json
}

// MARK: - Layers' constraint keys

/// The constraint config keys of the built-in layer classes (tf.keras 2's constructor
/// arguments) and the weights each applies to, by the last component of the weight's name.
enum LayerConstraintKeys {
    /// Class name → its constraint keys, in Keras' order.
    static let byClass: [String: [String]] = {
        let kernelBias = ["kernel_constraint", "bias_constraint"]
        let recurrent = ["kernel_constraint", "recurrent_constraint", "bias_constraint"]
        let affine = ["beta_constraint", "gamma_constraint"]
        var t: [String: [String]] = [:]
        for c in ["Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                  "MultiHeadAttention"] { t[c] = kernelBias }
        for c in ["SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell", "GRUCell"] { t[c] = recurrent }
        for c in ["BatchNormalization", "LayerNormalization", "GroupNormalization"] { t[c] = affine }
        t["DepthwiseConv2D"] = ["depthwise_constraint", "bias_constraint"]
        t["SeparableConv1D"] = ["depthwise_constraint", "pointwise_constraint", "bias_constraint"]
        t["SeparableConv2D"] = t["SeparableConv1D"]
        t["Embedding"] = ["embeddings_constraint"]
        t["PReLU"] = ["alpha_constraint"]
        return t
    }()

    /// The constraint key of a weight ("dense/kernel" → "kernel_constraint",
    /// "lstm/recurrent_kernel" → "recurrent_constraint"); nil for weights no key constrains.
    static func key(forWeight name: String) -> String? {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        switch last {
        case "recurrent_kernel": return "recurrent_constraint"
        case "depthwise_kernel": return "depthwise_constraint"
        case "pointwise_kernel": return "pointwise_constraint"
        case "kernel", "bias", "embeddings", "gamma", "beta", "alpha": return "\(last)_constraint"
        default: return nil
        }
    }
}

extension Layer {
    /// The constraint config keys of this layer's class (none for classes without weights
    /// Keras constrains, and for custom layers, which constrain through `addWeight`).
    public var constraintKeys: [String] { LayerConstraintKeys.byClass[className] ?? [] }

    /// Sets (nil: removes) the constraint under one of the class's constraint keys
    /// ("kernel_constraint", ...): the weights it applies to, existing or built later, get it.
    ///
    /// - Throws: `.invalidArgument` for a key the layer's class does not have.
    public func setConstraint(_ c: Constraint?, forKey key: String) throws {
        guard constraintKeys.contains(key) else {
            let keys = constraintKeys.isEmpty ? "none" : constraintKeys.joined(separator: ", ")
            throw SwiftKerasError.invalid("\(className) '\(name)': no constraint argument '\(key)' (the class has: \(keys))")
        }
        // a built-in cell's weights are those of the recurrent layer it holds
        let owner = (self as? BuiltinRecurrentCell)?.layer ?? self
        owner.keyedConstraints[key] = c
        for w in owner.weights where LayerConstraintKeys.key(forWeight: w.name) == key { w.constraint = c }
    }

    /// The constraint under a constraint key, nil when none.
    public func constraint(forKey key: String) -> Constraint? {
        ((self as? BuiltinRecurrentCell)?.layer ?? self).keyedConstraints[key]
    }

    /// The constraint keys of the class with their serialized values (null when unset), for
    /// `baseConfig()`.
    func constraintConfigs() throws -> [String: ConfigValue] {
        var c: [String: ConfigValue] = [:]
        for key in constraintKeys { c[key] = try keyedConstraints[key].map(constraintConfig) ?? .null }
        return c
    }
}

extension ConfigReader {
    /// A constraint (a name or `{"class_name", "config"}`), nil when absent or null.
    mutating func constraint(_ key: String) throws -> Constraint? {
        guard let v = raw(key) else { return nil }
        return try constraintFromConfig(v, owner: "\(owner): '\(key)'")
    }
}
