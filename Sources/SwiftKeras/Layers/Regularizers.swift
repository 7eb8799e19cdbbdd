/// A weight or activity penalty (`keras.regularizers.Regularizer`): maps a tensor to a scalar
/// loss added to the model's loss.
public protocol Regularizer: AnyObject {
    /// The penalty for `x` (a rank-0 tensor of `x`'s dtype).
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// `l1 · sum(|x|)` + `l2 · sum(x²)` (`keras.regularizers.L1L2`; both factors 0 by default, 0.01
/// each when looked up as "l1_l2").
public final class L1L2: Regularizer {
    /// The L1 factor.
    public let l1: Double
    /// The L2 factor.
    public let l2: Double
    /// Creates the regularizer; factors must be finite and non-negative.
    public init(l1: Double = 0, l2: Double = 0) throws {
        for (n, v) in [("l1", l1), ("l2", l2)] where !(v >= 0 && v.isFinite) {
            throw SwiftKerasError.invalid("L1L2: value for argument \(n) must be a finite non-negative number, got \(v)")
        }
        self.l1 = l1
        self.l2 = l2
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var loss = try Tensor.scalar(0, dtype: x.dtype.isFloatingPoint ? x.dtype : .float32)
        if l1 != 0 { loss = try loss + abs(x).sum() * l1 }
        if l2 != 0 { loss = try loss + square(x).sum() * l2 }
        return loss
    }
}

/// `l1 · sum(|x|)` (`keras.regularizers.L1`, factor 0.01).
public final class L1: Regularizer {
    /// The factor.
    public let l1: Double
    /// Creates the regularizer.
    public init(_ l1: Double = 0.01) throws {
        if !(l1 >= 0 && l1.isFinite) {
            throw SwiftKerasError.invalid("L1: value for argument l1 must be a finite non-negative number, got \(l1)")
        }
        self.l1 = l1
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try abs(x).sum() * l1 }
}

/// `l2 · sum(x²)` (`keras.regularizers.L2`, factor 0.01).
public final class L2: Regularizer {
    /// The factor.
    public let l2: Double
    /// Creates the regularizer.
    public init(_ l2: Double = 0.01) throws {
        if !(l2 >= 0 && l2.isFinite) {
            throw SwiftKerasError.invalid("L2: value for argument l2 must be a finite non-negative number, got \(l2)")
        }
        self.l2 = l2
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try square(x).sum() * l2 }
}

/// A custom regularizer from a closure (for C and Python callbacks).
public final class ClosureRegularizer: Regularizer {
    private let body: (Tensor) throws -> Tensor
    /// Wraps `body`.
    public init(_ body: @escaping (Tensor) throws -> Tensor) { self.body = body }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try body(x) }
}

/// Lookup of built-in regularizers by their Keras names (`keras.regularizers.get`).
public enum Regularizers {
    /// "l1" → L1(0.01), "l2" → L2(0.01), "l1_l2" → L1L2(l1: 0.01, l2: 0.01) (Keras' string
    /// defaults; the class names "L1", "L2", "L1L2" give the class defaults). Throws for an
    /// unknown name.
    public static func named(_ name: String) throws -> Regularizer {
        // The function `l1_l2` defaults both factors to 0.01, the class `L1L2` to 0.
        if name == "l1_l2" { return try L1L2(l1: 0.01, l2: 0.01) }
        guard let regularizer = try KerasRegistry.builtinClass(.regularizer, named: name)?.init(config: .object([:])) as? Regularizer else {
            throw SwiftKerasError.invalid("regularizers.get: could not interpret regularizer identifier: '\(name)'")
        }
        return regularizer
    }
}

// MARK: - Configs

extension L1L2: KerasSerializable {
    /// "L1L2".
    public static var className: String { "L1L2" }
    /// "l1_l2" too.
    public static var aliases: [String] { ["l1_l2"] }

    /// The config: "l1", "l2".
    public func getConfig() throws -> ConfigValue { .object(["l1": .double(l1), "l2": .double(l2)]) }

    /// Builds the regularizer from its config (both factors 0 by default).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        try self.init(l1: try r.double("l1", 0), l2: try r.double("l2", 0))
        try r.finish()
    }
}

extension L1: KerasSerializable {
    /// "L1".
    public static var className: String { "L1" }
    /// "l1" too.
    public static var aliases: [String] { ["l1"] }

    /// The config: "l1".
    public func getConfig() throws -> ConfigValue { .object(["l1": .double(l1)]) }

    /// Builds the regularizer from its config (factor 0.01 by default).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        try self.init(try r.double("l1", 0.01))
        try r.finish()
    }
}

extension L2: KerasSerializable {
    /// "L2".
    public static var className: String { "L2" }
    /// "l2" too.
    public static var aliases: [String] { ["l2"] }

    /// The config: "l2".
    public func getConfig() throws -> ConfigValue { .object(["l2": .double(l2)]) }

    /// Builds the regularizer from its config (factor 0.01 by default).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        try self.init(try r.double("l2", 0.01))
        try r.finish()
    }
}

/// The Keras config of a built-in regularizer (`keras.regularizers.serialize`).
///
/// - Throws: `.invalidArgument` for a closure or custom regularizer.
public func regularizerConfig(_ reg: Regularizer) throws -> ConfigValue {
    try KerasRegistry.serializeBuiltin(reg, .regularizer)
}

/// A built-in regularizer from a name (`"l2"`) or `{"class_name": "L2", "config": {"l2": 0.01}}`.
/// Errors are prefixed with `owner`.
public func regularizerFromConfig(_ v: ConfigValue, owner: String = "regularizers.deserialize") throws -> Regularizer {
    try KerasRegistry.deserialize(v, .regularizer, owner: owner) { try Regularizers.named($0) }
}
