import SwiftKerasCHeader
import SwiftKeras

// Handle plumbing shared by every export. Every handle type of the header (sk_tensor, sk_model,
// ...) is an opaque struct pointer, imported as OpaquePointer; behind it is a retained Swift
// object (a Tensor, a Layer, a ModelBox ...). Returned handles are +1 for the caller, released by
// the sk_*_release of their type; handles passed in are borrowed.

/// A caller-owned (+1) handle for `object`.
@inline(__always)
func retained<T: AnyObject>(_ object: T) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(object).toOpaque())
}

/// A borrowed (+0) handle for `object`, valid while the caller keeps `object` alive (the inputs
/// handed to a C callback).
@inline(__always)
func borrowed<T: AnyObject>(_ object: T) -> OpaquePointer {
    OpaquePointer(Unmanaged.passUnretained(object).toOpaque())
}

/// The object behind a borrowed handle, or an invalid-handle error naming the function and the
/// argument. `T` is the class the handle type stands for (a handle to a subclass is fine).
@inline(__always)
func unwrap<T: AnyObject>(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString, as _: T.Type) throws -> T {
    guard let h else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg) is NULL") }
    return Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
}

/// The object behind a handle that may be NULL (an absent optional argument).
@inline(__always)
func unwrapOptional<T: AnyObject>(_ h: OpaquePointer?, as _: T.Type) -> T? {
    h.map { Unmanaged<T>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

/// Takes back a +1 handle (one a C callback wrote): the caller now owns the object.
@inline(__always)
func takeRetained<T: AnyObject>(_ h: OpaquePointer, as _: T.Type) -> T {
    Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).takeRetainedValue()
}

/// Drops the caller's reference of a handle (`sk_*_release`); NULL is a no-op.
@inline(__always)
func release<T: AnyObject>(_ h: OpaquePointer?, as _: T.Type) {
    guard let h else { return }
    Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).release()
}

/// A list of borrowed handles; every entry must be non-NULL (`ptr` may be NULL only when `n` is 0).
func handleList<T: AnyObject>(_ p: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString,
                              as _: T.Type) throws -> [T] {
    try checkCount(n, fn, arg)
    if n == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
    return try (0..<Int(n)).map { i in
        guard let h = p[i] else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg)[\(i)] is NULL") }
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
    }
}

// MARK: - Tensors (the names the generated op shims use)

/// A caller-owned (+1) handle for `t`.
@inline(__always)
func handle(_ t: Tensor) -> OpaquePointer { retained(t) }

/// The tensor behind a borrowed handle, or an invalid-handle error naming the function and argument.
@inline(__always)
func tensor(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString = "tensor") throws -> Tensor {
    try unwrap(h, fn, arg, as: Tensor.self)
}

/// The tensor behind a handle that may be NULL (an absent optional argument).
@inline(__always)
func optionalTensor(_ h: OpaquePointer?) -> Tensor? { unwrapOptional(h, as: Tensor.self) }

/// A list of borrowed tensor handles; every entry must be non-NULL.
func tensorList(_ p: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [Tensor] {
    try handleList(p, n, fn, arg, as: Tensor.self)
}

// MARK: - Status and out-parameters

/// Runs `body`, stores its object as a new handle in `out` and returns SK_OK; on failure sets
/// `*out` to NULL, records the error for sk_last_error_message and returns its code.
@inline(__always)
func produce<T: AnyObject>(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                           _ body: () throws -> T) -> Int32 {
    produceOptional(out, fn) { try body() }
}

/// `produce` for a result that may legitimately be absent: nil is written as NULL with SK_OK.
@inline(__always)
func produceOptional<T: AnyObject>(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                                   _ body: () throws -> T?) -> Int32 {
    guard let out else {
        return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL"))
    }
    out.pointee = nil
    do {
        try HostCPU.check()
        out.pointee = try body().map { retained($0) }
        return 0
    } catch {
        return LastError.set(error)
    }
}

/// Runs `body` and maps a thrown error to its status code. Both this and `produceOptional`
/// first check that the CPU has the instruction sets the core is compiled for (`HostCPU`), so
/// an older CPU gets an error instead of SIGILL: no handle can be made, so no other call reaches
/// the core.
@inline(__always)
func status(_ body: () throws -> Void) -> Int32 {
    do {
        try HostCPU.check()
        try body()
        return 0
    } catch {
        return LastError.set(error)
    }
}

/// A required out-parameter of a query.
@inline(__always)
func outParameter<T>(_ out: UnsafeMutablePointer<T>?, _ fn: StaticString) throws -> UnsafeMutablePointer<T> {
    guard let out else { throw SwiftKerasError(.invalidArgument, "\(fn): out is NULL") }
    return out
}

/// Checks a caller's array `p` of `n` output handles (`n` validated as the count of `countArg`)
/// and sets every entry to NULL, so that a failure leaves them NULL.
@inline(__always)
func clearOutputs(_ p: UnsafeMutablePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString,
                  _ countArg: StaticString, _ arg: StaticString) throws {
    try checkCount(n, fn, countArg)
    if n > 0 {
        guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL") }
        for i in 0..<Int(n) { p[i] = nil }
    }
}

/// Writes handles made by `make` for `items` into out[0..<count] after checking capacity;
/// `*count` (if non-NULL) receives the number of items; out NULL with capacity 0 only counts.
func writeHandles<T>(_ items: [T], _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                     _ count: UnsafeMutablePointer<Int32>?, _ fn: StaticString, what: String = "weights",
                     _ make: (T) -> OpaquePointer) throws {
    count?.pointee = Int32(items.count)
    guard let out else {
        if capacity == 0 { return }
        throw SwiftKerasError(.invalidArgument, "\(fn): out is NULL but capacity is \(capacity)")
    }
    if Int(capacity) < items.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the \(items.count) \(what)")
    }
    for (i, x) in items.enumerated() { out[i] = make(x) }
}
