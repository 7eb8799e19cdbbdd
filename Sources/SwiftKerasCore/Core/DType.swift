/// Element types a tensor can hold.
///
/// The raw values are the dtype codes of the C API (`SK_FLOAT32` ...); they are append-only.
public enum DType: Int32, CaseIterable, CustomStringConvertible, Sendable {
    /// The numeric dtypes (`allCases`: every loop over dtypes means the numeric ones; `.string`
    /// is handled apart, by `Core/StringStorage.swift` and `Ops/StringOps.swift`).
    public static var allCases: [DType] { [.float32, .float64, .float16, .bfloat16, .int32, .int64, .uint8, .bool] }

    case float32 = 1
    case float64 = 2
    case float16 = 3
    case bfloat16 = 4
    case int32 = 5
    case int64 = 6
    case uint8 = 7
    case bool = 8
    /// Byte strings (TF's `tf.string`): elements live in the tensor's `StringElements`; its
    /// numeric buffer is zeros that no op reads (numeric ops refuse the dtype by name).
    case string = 9

    /// The Keras/numpy name of the dtype ("float32", ...).
    public var name: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .bool: return "bool"
        case .string: return "string"
        }
    }

    public var description: String { name }

    /// Parses a dtype name as Keras spells it ("float32", "float", "int", "bool", ...).
    public init?(name: String) {
        switch name {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "int32", "int": self = .int32
        case "int64": self = .int64
        case "uint8": self = .uint8
        case "bool": self = .bool
        case "string": self = .string
        default: return nil
        }
    }

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .string: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .uint8, .bool: return 1
        }
    }

    /// True for the four floating-point dtypes.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// True for int32, int64 and uint8 (bool is not an integer dtype).
    public var isInteger: Bool {
        switch self {
        case .int32, .int64, .uint8: return true
        default: return false
        }
    }

    /// True when values can be negative (signed ints and floats).
    public var isSigned: Bool { self != .uint8 && self != .bool && self != .string }

    /// The dtype kernels compute in: float16 and bfloat16 compute (and accumulate) in float32.
    public var computeType: DType {
        switch self {
        case .float16, .bfloat16: return .float32
        default: return self
        }
    }

    /// The result dtype of a binary op between tensors of dtypes `self` and `other`: Keras'
    /// promotion (`DTypePromotion.resultType`, JAX's lattice) on non-weak operands, read from a
    /// table computed once from that rule. E.g. int32 + float32 → float32, uint8 + int32 → int32,
    /// int64 + float16 → float16, float16 + bfloat16 → float32 (their only common bound).
    public func promoted(with other: DType) -> DType {
        if self == other { return self }
        // A string meets a number: no promotion exists; the op's front door refuses the string.
        if self == .string || other == .string { return .string }
        return DTypePromotion.binaryTable[Int(rawValue)][Int(other.rawValue)]
    }
}

/// A Python-style ("weak") scalar operand: it takes the dtype of the tensor it meets rather than
/// upcasting it, as in Keras and JAX (`int32_tensor + 1` stays int32, `float16_tensor * 2.0`
/// stays float16). A float scalar meeting an integer or bool tensor gives floatx (float32).
public enum Scalar: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case float(Double)

    /// The value as a double.
    public var doubleValue: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }

    /// The dtype this scalar becomes when combined with a tensor of dtype `t`: Keras'
    /// `result_type(t, python_scalar)` (`DTypePromotion`), read from a table computed from that
    /// rule. An int meets bool as the weak int dtype, a float meets an integer or bool tensor as
    /// the weak float dtype (both follow `floatx`: int32 / float32 by default); otherwise `t`.
    public func resultType(with t: DType) -> DType {
        if t == .string { return .string }   // refused by the op's front door
        switch self {
        case .bool: return t
        case .int: return DTypePromotion.scalarTable(KerasSettings.floatx).int[Int(t.rawValue)]
        case .float: return DTypePromotion.scalarTable(KerasSettings.floatx).float[Int(t.rawValue)]
        }
    }

    /// The dtype of the scalar on its own (Keras' `result_type(python_scalar)`: bool → bool,
    /// int → int32 and float → float32 under the default floatx; int64 / float64 under floatx
    /// float64; float16 under floatx float16 or bfloat16).
    public var defaultDType: DType {
        switch self {
        case .bool: return .bool
        case .int: return DTypePromotion.scalarTable(KerasSettings.floatx).int[0]
        case .float: return DTypePromotion.scalarTable(KerasSettings.floatx).float[0]
        }
    }
}

/// The bfloat16 storage type: the upper 16 bits of a float32, rounded to nearest even.
public struct BFloat16: Sendable, Equatable, CustomStringConvertible {
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// Rounds a float32 to the nearest bfloat16 (ties to even); NaN stays NaN.
    @inline(__always)
    public init(_ f: Float) {
        let bits = f.bitPattern
        if f.isNaN {
            bitPattern = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
            return
        }
        let lsb = (bits >> 16) & 1
        let rounded = bits &+ 0x7FFF &+ lsb
        bitPattern = UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// The exact float32 value.
    @inline(__always)
    public var floatValue: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    public var description: String { floatValue.description }
}
