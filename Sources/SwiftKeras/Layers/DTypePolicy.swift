import Synchronization

/// A layer's dtype policy: the dtype its computations run in and the dtype of its variables.
///
/// Implements Keras' `DTypePolicy` (`keras.mixed_precision.Policy`): "float32" (and the other
/// plain float dtypes) compute and store in that dtype; "mixed_float16" and "mixed_bfloat16"
/// compute in float16 / bfloat16 and keep float32 variables, which layers cast to the compute
/// dtype when they read them. Layers created without an explicit policy take `DTypePolicy.global`
/// at construction (`keras.mixed_precision.set_global_policy`).
public struct DTypePolicy: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The policy's name: "float32", "mixed_float16", "mixed_bfloat16", "float16", ...
    public let name: String
    /// The dtype layer computations run in (`compute_dtype`).
    public let computeDType: DType
    /// The dtype layer variables are created in (`variable_dtype`).
    public let variableDType: DType

    /// Parses a policy name as Keras does: "mixed_float16", "mixed_bfloat16", or a floating-point
    /// dtype name ("float32", "float64", "float16", "bfloat16"; "float" and "double" accepted).
    /// Throws `.invalidArgument` for anything else.
    public init(_ name: String) throws {
        switch name {
        case "mixed_float16":
            self.init(uncheckedName: name, compute: .float16, variable: .float32)
        case "mixed_bfloat16":
            self.init(uncheckedName: name, compute: .bfloat16, variable: .float32)
        default:
            guard let d = DType(name: name), d.isFloatingPoint else {
                throw SwiftKerasError.invalid(
                    "DTypePolicy: cannot convert '\(name)' to a dtype policy; valid policies are 'float32', 'float64', 'float16', 'bfloat16', 'mixed_float16' and 'mixed_bfloat16'")
            }
            self.init(uncheckedName: d.name, compute: d, variable: d)
        }
    }

    /// The compute and variable dtypes `keras.mixed_precision.Policy(name)` reports: those of a
    /// mixed policy, or `name`'s dtype for any dtype name — Keras accepts `Policy("int32")` as an
    /// object, while layers and the global policy take floating-point policies only (`init(_:)`).
    public static func dtypes(ofPolicyNamed name: String) throws -> (compute: DType, variable: DType) {
        if let d = DType(name: name), !d.isFloatingPoint { return (d, d) }
        let p = try DTypePolicy(name)
        return (p.computeDType, p.variableDType)
    }

    /// The policy that computes and stores in `dtype` (a floating-point dtype).
    public init(dtype: DType) throws {
        try self.init(dtype.name)
    }

    private init(uncheckedName: String, compute: DType, variable: DType) {
        name = uncheckedName
        computeDType = compute
        variableDType = variable
    }

    /// float32 compute and variables (Keras' default).
    public static let float32 = DTypePolicy(uncheckedName: "float32", compute: .float32, variable: .float32)
    /// float16 compute with float32 variables.
    public static let mixedFloat16 = DTypePolicy(uncheckedName: "mixed_float16", compute: .float16, variable: .float32)
    /// bfloat16 compute with float32 variables.
    public static let mixedBFloat16 = DTypePolicy(uncheckedName: "mixed_bfloat16", compute: .bfloat16, variable: .float32)

    /// Whether the compute dtype differs from the variable dtype (a mixed policy).
    public var isMixed: Bool { computeDType != variableDType }

    public var description: String { "<DTypePolicy \"\(name)\">" }

    private static let globalPolicy = Mutex<DTypePolicy>(.float32)

    /// The policy layers take when created without one (`keras.mixed_precision.global_policy()`
    /// / `set_global_policy`). Process-wide; setting it affects only layers created afterwards.
    public static var global: DTypePolicy {
        get { globalPolicy.withLock { $0 } }
        set { globalPolicy.withLock { $0 = newValue } }
    }
}
