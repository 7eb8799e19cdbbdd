import Glibc
import Synchronization

/// A Swift type that can be a tensor element. Conversions never trap: floats going to integers
/// truncate toward zero, saturate at the integer range and map NaN to 0.
public protocol TensorElement {
    /// The dtype whose storage this type is.
    static var dtype: DType { get }
    /// Converts from a double (float → int truncates and saturates; NaN → 0).
    init(elementFrom value: Double)
    /// Converts from an int64 (int → narrower int wraps, as numpy and TensorFlow do).
    init(elementFrom value: Int64)
    /// The value as a double.
    var doubleValue: Double { get }
    /// The value as an int64 (floats truncate and saturate; NaN → 0).
    var int64Value: Int64 { get }
}

@inline(__always)
func saturatingInt64(_ d: Double) -> Int64 {
    if d.isNaN { return 0 }
    if d >= 9.223372036854775807e18 { return Int64.max }
    if d <= -9.223372036854775808e18 { return Int64.min }
    return Int64(d)
}

extension Float: TensorElement {
    public static var dtype: DType { .float32 }
    @inline(__always) public init(elementFrom value: Double) { self = Float(value) }
    @inline(__always) public init(elementFrom value: Int64) { self = Float(value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { saturatingInt64(Double(self)) }
}

extension Double: TensorElement {
    public static var dtype: DType { .float64 }
    @inline(__always) public init(elementFrom value: Double) { self = value }
    @inline(__always) public init(elementFrom value: Int64) { self = Double(value) }
    @inline(__always) public var doubleValue: Double { self }
    @inline(__always) public var int64Value: Int64 { saturatingInt64(self) }
}

extension Float16: TensorElement {
    public static var dtype: DType { .float16 }
    @inline(__always) public init(elementFrom value: Double) { self = Float16(value) }
    @inline(__always) public init(elementFrom value: Int64) { self = Float16(Float(value)) }
    @inline(__always) public var doubleValue: Double { Double(Float(self)) }
    @inline(__always) public var int64Value: Int64 { saturatingInt64(Double(Float(self))) }
}

extension BFloat16: TensorElement {
    public static var dtype: DType { .bfloat16 }
    @inline(__always) public init(elementFrom value: Double) { self.init(Float(value)) }
    @inline(__always) public init(elementFrom value: Int64) { self.init(Float(value)) }
    @inline(__always) public var doubleValue: Double { Double(floatValue) }
    @inline(__always) public var int64Value: Int64 { saturatingInt64(Double(floatValue)) }
}

extension Int32: TensorElement {
    public static var dtype: DType { .int32 }
    @inline(__always) public init(elementFrom value: Double) {
        if value.isNaN { self = 0 } else if value >= 2147483647 { self = .max } else if value <= -2147483648 { self = .min } else { self = Int32(value) }
    }
    @inline(__always) public init(elementFrom value: Int64) { self = Int32(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Int64: TensorElement {
    public static var dtype: DType { .int64 }
    @inline(__always) public init(elementFrom value: Double) { self = saturatingInt64(value) }
    @inline(__always) public init(elementFrom value: Int64) { self = value }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { self }
}

extension UInt8: TensorElement {
    public static var dtype: DType { .uint8 }
    @inline(__always) public init(elementFrom value: Double) {
        if value.isNaN { self = 0 } else if value >= 255 { self = 255 } else if value <= 0 { self = 0 } else { self = UInt8(value) }
    }
    @inline(__always) public init(elementFrom value: Int64) { self = UInt8(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    @inline(__always) public init(elementFrom value: Double) { self = value != 0 }
    @inline(__always) public init(elementFrom value: Int64) { self = value != 0 }
    @inline(__always) public var doubleValue: Double { self ? 1 : 0 }
    @inline(__always) public var int64Value: Int64 { self ? 1 : 0 }
}

/// A generic function over a typed buffer (Swift has no generic closures): tensors call
/// `visit(_:_:)` with their buffer typed as their element type.
protocol ElementVisitor {
    associatedtype Result
    func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ count: Int) -> Result
}

/// An immutable n-dimensional array: shape, dtype and a contiguous row-major buffer.
///
/// Tensors are values in all but name: no operation mutates one (a `Variable` is the only
/// mutable thing). Operations are methods and free functions that throw `SwiftKerasError`
/// on bad input; none traps.
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    /// The size of each dimension.
    public let shape: [Int]
    /// The element type.
    public let dtype: DType
    /// The number of elements.
    public let count: Int
    private(set) var storage: Storage
    /// The elements of a `.string` tensor (nil for every numeric dtype).
    package let strings: StringElements?
    /// The identity gradient tapes know this tensor by (0 until a tape first sees it).
    let tapeID = Atomic<Int>(0)

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Wraps a storage holding `count(shape)` elements of `dtype`. Internal: shapes are validated.
    init(storage: Storage, shape: [Int], dtype: DType, count: Int, strings: StringElements? = nil) {
        self.storage = storage
        self.strings = strings
        self.shape = shape
        self.dtype = dtype
        self.count = count
        Tensor.liveCount.add(1)
    }

    deinit { Tensor.liveCount.add(-1) }

    /// Number of tensors alive in the process (for leak tests).
    public static var live: Int { liveCount.current }
    static let liveCount = AtomicCounter()

    /// Number of buffers alive in the process (for leak tests).
    public static var liveBuffers: Int { Storage.liveCount.current }

    /// Allocates an uninitialized tensor; kernels fill it. `op` names the caller in errors.
    package static func uninitialized(_ shape: [Int], _ dtype: DType, op: StaticString) throws -> Tensor {
        // String tensors are made only from their elements (`Tensor.strings`), never as numbers.
        try requireNumericDType(dtype, op)
        let n = try ShapeMath.count(shape, op: op)
        let bytes = try ShapeMath.byteCount(n, dtype, op: op)
        return Tensor(storage: try Storage(byteCount: bytes, op: op), shape: shape, dtype: dtype, count: n)
    }

    /// A tensor sharing this one's buffer under a different shape with the same element count.
    func sharing(shape newShape: [Int]) -> Tensor {
        Tensor(storage: storage, shape: newShape, dtype: dtype, count: count, strings: strings)
    }

    /// Whether this tensor is the only one using its buffer (no view shares it). With a uniquely
    /// referenced tensor object this means nobody else can observe an in-place update.
    func hasUniqueStorage() -> Bool { isKnownUniquelyReferenced(&storage) }

    /// The raw buffer (read-only for users; kernels write only to tensors they just allocated).
    package var raw: UnsafeMutableRawPointer { storage.base }

    /// The buffer typed as `T`. The caller guarantees `T.dtype == dtype`.
    @inline(__always)
    package func pointer<T: TensorElement>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.base.assumingMemoryBound(to: T.self)
    }

    // MARK: Creation from data

    /// Creates a tensor from flat row-major `values` and a `shape` whose element count matches.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]) throws {
        let n = try ShapeMath.count(shape, op: "tensor")
        if n != values.count {
            throw SwiftKerasError.invalid(
                "tensor: \(values.count) values cannot fill shape \(formatShape(shape)) (\(n) elements)")
        }
        let bytes = try ShapeMath.byteCount(n, T.dtype, op: "tensor")
        let s = try Storage(byteCount: bytes, op: "tensor")
        values.withUnsafeBufferPointer { src in
            if n > 0 { s.base.assumingMemoryBound(to: T.self).update(from: src.baseAddress!, count: n) }
        }
        self.init(storage: s, shape: shape, dtype: T.dtype, count: n)
    }

    /// Creates a 1-D tensor from `values`.
    public convenience init<T: TensorElement>(_ values: [T]) {
        // A 1-D shape of a real array's count cannot fail validation; allocation failure can.
        try! self.init(values, shape: [values.count])
    }

    /// Creates a rank-0 tensor.
    public convenience init<T: TensorElement>(scalar: T) {
        try! self.init([scalar], shape: [])
    }

    /// Creates a tensor of `dtype` from doubles, converting each value (used by the C and
    /// Python layers for "anything tensor-like").
    public static func from(doubles values: [Double], shape: [Int], dtype: DType) throws -> Tensor {
        let t = try Tensor(values, shape: shape)
        return dtype == .float64 ? t : try t.cast(to: dtype)
    }

    /// Wraps caller-owned memory without copying; `deleter` runs exactly once when the last
    /// tensor using the memory is released (also when this initializer throws).
    public static func borrowing(_ pointer: UnsafeMutableRawPointer, shape: [Int], dtype: DType,
                                 deleter: (() -> Void)?) throws -> Tensor {
        let n: Int
        do {
            try requireNumericDType(dtype, "tensor_from_buffer")
            n = try ShapeMath.count(shape, op: "tensor_from_buffer")
            _ = try ShapeMath.byteCount(n, dtype, op: "tensor_from_buffer")
        } catch {
            deleter?()
            throw error
        }
        let s = Storage(borrowing: pointer, byteCount: n * dtype.byteSize, deleter: deleter)
        return Tensor(storage: s, shape: shape, dtype: dtype, count: n)
    }

    /// Creates a tensor by copying `count(shape) × dtype.byteSize` bytes from `bytes`
    /// (which may be NULL only when the shape has no elements).
    public static func copying(_ bytes: UnsafeRawPointer?, shape: [Int], dtype: DType) throws -> Tensor {
        let t = try uninitialized(shape, dtype, op: "tensor_from_data")
        if t.count > 0 {
            guard let bytes else {
                throw SwiftKerasError.invalid("tensor_from_data: data is NULL for shape \(formatShape(shape))")
            }
            t.raw.copyMemory(from: bytes, byteCount: t.count * dtype.byteSize)
        }
        return t
    }

    // MARK: Reading

    /// Calls `body` with the tensor's bytes (read-only; valid only inside `body`, or for as
    /// long as the tensor lives).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: raw, count: count * dtype.byteSize))
    }

    /// The elements as `T`, which must be this tensor's storage type.
    public func scalars<T: TensorElement>(as type: T.Type) throws -> [T] {
        if T.dtype != dtype {
            throw SwiftKerasError.dtype("scalars: tensor has dtype \(dtype), requested \(T.dtype)")
        }
        return Array(UnsafeBufferPointer(start: pointer(T.self), count: count))
    }

    /// The elements converted to doubles, whatever the dtype.
    public var doubles: [Double] {
        struct Read: ElementVisitor {
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> [Double] {
                (0..<n).map { p[$0].doubleValue }
            }
        }
        return visit(Read())
    }

    /// The single element of a tensor with one element, as a double.
    public func scalarDouble() throws -> Double {
        if count != 1 {
            throw SwiftKerasError.invalid("item: only a tensor with one element converts to a scalar, got shape \(formatShape(shape))")
        }
        return doubles[0]
    }

    /// Calls `visitor.visit` with the buffer typed as this tensor's element type.
    @inline(__always)
    func visit<V: ElementVisitor>(_ visitor: V) -> V.Result {
        switch dtype {
        case .float32: return visitor.visit(pointer(Float.self), count)
        case .float64: return visitor.visit(pointer(Double.self), count)
        case .float16: return visitor.visit(pointer(Float16.self), count)
        case .bfloat16: return visitor.visit(pointer(BFloat16.self), count)
        case .int32: return visitor.visit(pointer(Int32.self), count)
        case .int64: return visitor.visit(pointer(Int64.self), count)
        case .uint8: return visitor.visit(pointer(UInt8.self), count)
        case .bool: return visitor.visit(pointer(Bool.self), count)
        // The zeroed placeholder buffer (8 bytes per element): an op that forgot to refuse
        // strings reads zeros, never memory it does not own.
        case .string: return visitor.visit(pointer(Int64.self), count)
        }
    }

    /// A numpy-like rendering: `[[1. 2.]\n [3. 4.]]`.
    public var description: String {
        // Each element rendered from its own type: integers through int64 (a round trip through
        // double would trap converting 2^63 back), floats through double.
        struct Render: ElementVisitor {
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> [String] {
                (0..<n).map { i in
                    let e = p[i]
                    switch T.dtype {
                    case .bool: return e.int64Value != 0 ? "True" : "False"
                    case .int32, .int64, .uint8: return String(e.int64Value)
                    default:
                        let v = e.doubleValue
                        if v.isNaN { return "nan" }
                        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
                        if v == v.rounded() && Swift.abs(v) < 1e16 { return String(Int64(v)) + "." }
                        if T.dtype == .float64 { return String(v) }
                        // Narrow floats print the shortest decimal that reads back as the same
                        // element (float32 0.1 is "0.1", not its double "0.10000000149011612").
                        return shortestDecimal(v) { T(elementFrom: $0).doubleValue == v }
                    }
                }
            }
        }
        // numpy prints every empty array as "[]"; walking its dimensions would take as many
        // steps as their product without the zero (2^62 for shape (2^31, 2^31, 0)) and overflow.
        if count == 0 { return "[]" }
        let vals = dtype == .string ? stringElementsDescription : visit(Render())
        func fmt(_ s: String) -> String { s }
        if rank == 0 {
            // numpy prints a scalar float as 36.0 but an array element as 36.
            let f = fmt(vals[0])
            return f.hasSuffix(".") ? f + "0" : f
        }
        var out = ""
        func walk(_ dim: Int, _ offset: Int, _ indent: Int) {
            out += "["
            let stridesHere = shape[(dim + 1)...].reduce(1, *)
            for i in 0..<shape[dim] {
                if i > 0 {
                    out += dim == rank - 1 ? " " : "\n" + String(repeating: " ", count: indent + 1)
                }
                if dim == rank - 1 { out += fmt(vals[offset + i]) } else { walk(dim + 1, offset + i * stridesHere, indent + 1) }
            }
            out += "]"
        }
        walk(0, 0, 0)
        return out
    }
}

/// The shortest decimal (at most 9 significant digits, then Swift's double rendering) of the
/// finite, non-zero `v` that `roundTrips` accepts.
func shortestDecimal(_ v: Double, roundTrips: (Double) -> Bool) -> String {
    let exponent = Int(Glibc.floor(Glibc.log10(Swift.abs(v))))
    for digits in 1...9 {
        let scale = Glibc.pow(10, Double(digits - 1 - exponent))
        guard scale.isFinite && scale > 0 else { break }
        let candidate = (v * scale).rounded() / scale
        if candidate.isFinite && roundTrips(candidate) { return String(candidate) }
    }
    return String(v)
}
