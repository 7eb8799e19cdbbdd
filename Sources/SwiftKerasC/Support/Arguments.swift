import SwiftKeras

// Argument conversion for the C shims: arrays, lists of handles, enum codes, scalars.
// Every conversion validates before anything is read past a count.

/// The tensor behind a handle that may be NULL (an absent optional argument).
@inline(__always)
func optionalTensor(_ h: OpaquePointer?) -> Tensor? {
    guard let h else { return nil }
    return Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
}

/// Validates a count of a C array.
func checkCount(_ n: Int32, _ fn: StaticString, _ arg: StaticString, max: Int32 = 1 << 20) throws {
    if n < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): n_\(arg) must be non-negative, got \(n)") }
    if n > max { throw SwiftKerasError(.invalidArgument, "\(fn): n_\(arg) = \(n) is too large (at most \(max))") }
}

/// A required list of integers (`ptr` may be NULL only when `n` is 0).
func intList(_ p: UnsafePointer<Int64>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [Int] {
    try checkCount(n, fn, arg)
    if n == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
    return (0..<Int(n)).map { Int(p[$0]) }
}

/// An optional list of integers: NULL means "not given" (all axes, the default...).
func optionalInts(_ p: UnsafePointer<Int64>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [Int]? {
    guard let p else { return nil }
    try checkCount(n, fn, arg)
    return (0..<Int(n)).map { Int(p[$0]) }
}

/// `k` integers, all 1 when `p` is NULL.
func fixedInts(_ p: UnsafePointer<Int64>?, _ k: Int) -> [Int] {
    guard let p else { return [Int](repeating: 1, count: k) }
    return (0..<k).map { Int(p[$0]) }
}

/// `k` integers, or nil when `p` is NULL.
func fixedIntsOrNil(_ p: UnsafePointer<Int64>?, _ k: Int) -> [Int]? {
    guard let p else { return nil }
    return (0..<k).map { Int(p[$0]) }
}

/// `k` (before, after) pairs from 2k integers, all (1, 1) when `p` is NULL.
func fixedPairs(_ p: UnsafePointer<Int64>?, _ k: Int) -> [(Int, Int)] {
    guard let p else { return [(Int, Int)](repeating: (1, 1), count: k) }
    return (0..<k).map { (Int(p[2 * $0]), Int(p[2 * $0 + 1])) }
}

/// `rank` (before, after) pairs from 2·rank integers (required unless rank is 0).
func pairList(_ p: UnsafePointer<Int64>?, _ rank: Int, _ fn: StaticString, _ arg: StaticString) throws -> [(Int, Int)] {
    if rank == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL for a tensor of rank \(rank)") }
    return (0..<rank).map { (Int(p[2 * $0]), Int(p[2 * $0 + 1])) }
}

/// A list of borrowed tensor handles; every entry must be non-NULL.
func tensorList(_ p: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [Tensor] {
    try checkCount(n, fn, arg)
    if n == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
    return try (0..<Int(n)).map { i in
        guard let h = p[i] else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg)[\(i)] is NULL") }
        return Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
    }
}

/// A C double as a Python-style scalar: integral values act as Python ints (they take the
/// tensor's dtype), others as Python floats.
func cScalar(_ v: Double) -> Scalar {
    if v.isFinite && v == v.rounded() && abs(v) < 9.0e15 { return .int(Int64(v)) }
    return .float(v)
}

func paddingCode(_ c: Int32, _ fn: StaticString) throws -> Padding {
    switch c {
    case 0: return .valid
    case 1: return .same
    case 2: return .causal
    default: throw SwiftKerasError(.invalidArgument, "\(fn): unknown padding code \(c) (SK_PADDING_VALID, SK_PADDING_SAME or SK_PADDING_CAUSAL)")
    }
}

func dataFormatCode(_ c: Int32, _ fn: StaticString) throws -> DataFormat {
    switch c {
    case 0: return .channelsLast
    case 1: return .channelsFirst
    default: throw SwiftKerasError(.invalidArgument, "\(fn): unknown data_format code \(c) (SK_CHANNELS_LAST or SK_CHANNELS_FIRST)")
    }
}

func poolModeCode(_ c: Int32, _ fn: StaticString) throws -> PoolMode {
    switch c {
    case 0: return .max
    case 1: return .average
    default: throw SwiftKerasError(.invalidArgument, "\(fn): unknown pool_mode code \(c) (SK_POOL_MAX or SK_POOL_AVG)")
    }
}

func resizeMethodCode(_ c: Int32, _ fn: StaticString) throws -> ResizeMethod {
    switch c {
    case 0: return .nearest
    case 1: return .bilinear
    default: throw SwiftKerasError(.invalidArgument, "\(fn): unknown interpolation code \(c) (SK_INTERP_NEAREST or SK_INTERP_BILINEAR)")
    }
}

func unconnectedCode(_ c: Int32, _ fn: StaticString) throws -> UnconnectedGradients {
    switch c {
    case 0: return .none
    case 1: return .zero
    default: throw SwiftKerasError(.invalidArgument, "\(fn): unknown unconnected_gradients code \(c) (SK_UNCONNECTED_NONE or SK_UNCONNECTED_ZERO)")
    }
}
