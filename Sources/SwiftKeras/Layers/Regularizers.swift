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
        self.l1 = try checkedFactor(l1, "l1", of: "L1L2")
        self.l2 = try checkedFactor(l2, "l2", of: "L1L2")
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var loss = try Tensor.scalar(0, dtype: x.dtype.isFloatingPoint ? x.dtype : .float32)
        if l1 != 0 { loss = try loss + abs(x).sum() * l1 }
        if l2 != 0 { loss = try loss + square(x).sum() * l2 }
        return loss
    }
}

/// A regularizer factor, checked finite and non-negative (as Keras).
private func checkedFactor(_ value: Double, _ argument: String, of regularizer: String) throws -> Double {
    if !(value >= 0 && value.isFinite) {
        throw SwiftKerasError.invalid("\(regularizer): value for argument \(argument) must be a finite non-negative number, got \(value)")
    }
    return value
}

/// What L1 and L2 share: one factor (0.01 by default), whose config key and function name are
/// the class name in lower case ("l1", "l2").
public class SingleFactorRegularizer: Regularizer {
    /// The factor.
    let factor: Double

    /// Creates the regularizer; the factor must be finite and non-negative.
    public required init(_ factor: Double = 0.01) throws {
        self.factor = try checkedFactor(factor, Self.factorKey, of: Self.className)
    }

    /// The penalty (each subclass gives its own).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "\(Self.className): the penalty is implemented by L1 and L2")
    }

    /// The Keras class name (each subclass gives its own).
    public class var className: String { "SingleFactorRegularizer" }
    /// The factor's config key, also the function name: "l1", "l2".
    class var factorKey: String { className.lowercased() }
    /// The function name ("l1", "l2") too.
    public class var aliases: [String] { [factorKey] }

    /// Builds the regularizer from its config (factor 0.01 by default).
    public required convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: Self.className)
        try self.init(try r.double(Self.factorKey, 0.01))
        try r.finish()
    }
}

extension SingleFactorRegularizer: KerasSerializable {
    /// The config: the factor under "l1" or "l2".
    public func getConfig() throws -> ConfigValue { .object([Self.factorKey: .double(factor)]) }
}

/// `l1 · sum(|x|)` (`keras.regularizers.L1`, factor 0.01).
public final class L1: SingleFactorRegularizer {
    /// The factor.
    public var l1: Double { factor }
    /// "L1".
    public override class var className: String { "L1" }
    public override func callAsFunction(_ x: Tensor) throws -> Tensor { try abs(x).sum() * l1 }
}

/// `l2 · sum(x²)` (`keras.regularizers.L2`, factor 0.01).
public final class L2: SingleFactorRegularizer {
    /// The factor.
    public var l2: Double { factor }
    /// "L2".
    public override class var className: String { "L2" }
    public override func callAsFunction(_ x: Tensor) throws -> Tensor { try square(x).sum() * l2 }
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
