import Glibc
import SwiftKeras

// Argument conversion for the C shims: arrays, lists of handles, enum codes, scalars.
// Every conversion validates before anything is read past a count.

/// Reads a C shape (`int64_t*` + `int32_t ndim`), rejecting NULL with ndim > 0 and negative ndim.
func shapeArray(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ fn: StaticString) throws -> [Int] {
    if ndim < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): ndim must be non-negative, got \(ndim)") }
    if ndim > 64 { throw SwiftKerasError(.invalidArgument, "\(fn): ndim \(ndim) exceeds the maximum rank 64") }
    if ndim == 0 { return [] }
    guard let shape else { throw SwiftKerasError(.invalidArgument, "\(fn): shape is NULL but ndim is \(ndim)") }
    return (0..<Int(ndim)).map { Int(shape[$0]) }
}

/// Writes a shape into a caller's `int64_t` array of `capacity` entries.
func writeShape(_ shape: [Int], _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32, _ fn: StaticString) throws {
    if Int(capacity) < shape.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the rank \(shape.count)")
    }
    if !shape.isEmpty {
        guard let out else { throw SwiftKerasError(.invalidArgument, "\(fn): out is NULL") }
        for (i, d) in shape.enumerated() { out[i] = Int64(d) }
    }
}

/// Reads a C dtype code.
func dtypeCode(_ code: Int32, _ fn: StaticString) throws -> DType {
    guard let d = DType(rawValue: code) else {
        throw SwiftKerasError(.invalidDType, "\(fn): unknown dtype code \(code)")
    }
    return d
}

/// A required C string argument.
func cString(_ p: UnsafePointer<CChar>?, _ fn: StaticString, _ arg: StaticString) throws -> String {
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL") }
    return String(cString: p)
}

/// An optional C string argument.
func optionalString(_ p: UnsafePointer<CChar>?) -> String? {
    p.map { String(cString: $0) }
}

/// An optional JSON config argument: NULL means "{}".
func configJSON(_ p: UnsafePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? "{}"
}

/// Copies `s` NUL-terminated into a caller buffer: `*length` (if non-NULL) receives its length
/// in bytes without the NUL; buf NULL with capacity 0 only queries; a too small buffer fails.
func copyString(_ s: String, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                _ length: UnsafeMutablePointer<Int>?, _ fn: StaticString) throws {
    let bytes = Array(s.utf8)
    length?.pointee = bytes.count
    if buf == nil && capacity == 0 { return }
    guard let buf else { throw SwiftKerasError(.invalidArgument, "\(fn): buf is NULL but capacity is \(capacity)") }
    if capacity < bytes.count + 1 {
        throw SwiftKerasError(.invalidArgument, "\(fn): buffer too small: capacity \(capacity), need \(bytes.count + 1) bytes")
    }
    for (i, c) in bytes.enumerated() { buf[i] = CChar(bitPattern: c) }
    buf[bytes.count] = 0
}

/// Sorted names (malloc'd copies) and values of `logs` for the duration of `body` (the logs a C
/// callback of fit receives).
func withCLogs<R>(_ logs: Logs, _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Double>?, Int32) -> R) -> R {
    let keys = logs.keys.sorted()
    let cs: [UnsafeMutablePointer<CChar>?] = keys.map { strdup($0) }
    defer { for p in cs { free(p) } }
    let names: [UnsafePointer<CChar>?] = cs.map { $0.map { UnsafePointer($0) } }
    let vals = keys.map { logs[$0] ?? .nan }
    return names.withUnsafeBufferPointer { nb in
        vals.withUnsafeBufferPointer { vb in body(nb.baseAddress, vb.baseAddress, Int32(keys.count)) }
    }
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

/// An optional list of integers: NULL with a count of 0 means "not given" (all axes, the
/// default...); NULL with a positive count is an error, as for every array argument.
func optionalInts(_ p: UnsafePointer<Int64>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [Int]? {
    try checkCount(n, fn, arg)
    guard let p else {
        if n > 0 { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
        return nil
    }
    return (0..<Int(n)).map { Int(p[$0]) }
}

/// `k` integers, all 1 when `p` is NULL.
func fixedInts(_ p: UnsafePointer<Int64>?, _ k: Int) -> [Int] {
    fixedIntsOrNil(p, k) ?? [Int](repeating: 1, count: k)
}

/// `k` integers, or nil when `p` is NULL.
func fixedIntsOrNil(_ p: UnsafePointer<Int64>?, _ k: Int) -> [Int]? {
    guard let p else { return nil }
    return (0..<k).map { Int(p[$0]) }
}

/// `k` (before, after) pairs from 2k integers, all (1, 1) when `p` is NULL.
func fixedPairs(_ p: UnsafePointer<Int64>?, _ k: Int) -> [(Int, Int)] {
    guard let p else { return [(Int, Int)](repeating: (1, 1), count: k) }
    return pairs(p, k)
}

/// `k` (before, after) pairs read from 2k integers.
@inline(__always)
private func pairs(_ p: UnsafePointer<Int64>, _ k: Int) -> [(Int, Int)] {
    (0..<k).map { (Int(p[2 * $0]), Int(p[2 * $0 + 1])) }
}

/// `rank` (before, after) pairs from 2·rank integers (required unless rank is 0).
func pairList(_ p: UnsafePointer<Int64>?, _ rank: Int, _ fn: StaticString, _ arg: StaticString) throws -> [(Int, Int)] {
    if rank == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL for a tensor of rank \(rank)") }
    return pairs(p, rank)
}

/// A C double as a Python-style scalar: integral values act as Python ints (they take the
/// tensor's dtype), others as Python floats.
func cScalar(_ v: Double) -> Scalar {
    if v.isFinite && v == v.rounded() && abs(v) < 9.0e15 { return .int(Int64(v)) }
    return .float(v)
}

/// The value of the C enum code `c` (0, 1 or, given `v2`, 2), or an error naming the function,
/// the argument kind `what` and the valid codes `names`.
@inline(__always)
private func enumCode<T>(_ c: Int32, _ fn: StaticString, _ what: StaticString, _ names: StaticString,
                         _ v0: T, _ v1: T, _ v2: T? = nil) throws -> T {
    switch c {
    case 0: return v0
    case 1: return v1
    case 2: if let v2 { return v2 }
    default: break
    }
    throw SwiftKerasError(.invalidArgument, "\(fn): unknown \(what) code \(c) (\(names))")
}

func paddingCode(_ c: Int32, _ fn: StaticString) throws -> Padding {
    try enumCode(c, fn, "padding", "SK_PADDING_VALID, SK_PADDING_SAME or SK_PADDING_CAUSAL", .valid, .same, .causal)
}

func dataFormatCode(_ c: Int32, _ fn: StaticString) throws -> DataFormat {
    try enumCode(c, fn, "data_format", "SK_CHANNELS_LAST or SK_CHANNELS_FIRST", .channelsLast, .channelsFirst)
}

func poolModeCode(_ c: Int32, _ fn: StaticString) throws -> PoolMode {
    try enumCode(c, fn, "pool_mode", "SK_POOL_MAX or SK_POOL_AVG", .max, .average)
}

func resizeMethodCode(_ c: Int32, _ fn: StaticString) throws -> ResizeMethod {
    try enumCode(c, fn, "interpolation", "SK_INTERP_NEAREST or SK_INTERP_BILINEAR", .nearest, .bilinear)
}

func unconnectedCode(_ c: Int32, _ fn: StaticString) throws -> UnconnectedGradients {
    try enumCode(c, fn, "unconnected_gradients", "SK_UNCONNECTED_NONE or SK_UNCONNECTED_ZERO", .none, .zero)
}
