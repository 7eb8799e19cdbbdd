import SwiftKeras

// Handle plumbing shared by every export: tensors cross the C ABI as retained opaque pointers
// (+1 for the caller, released by sk_tensor_release). Inputs are borrowed.

/// A caller-owned (+1) handle for `t`.
@inline(__always)
func handle(_ t: Tensor) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(t).toOpaque())
}

/// The tensor behind a borrowed handle, or an invalid-handle error naming the function and argument.
@inline(__always)
func tensor(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString = "tensor") throws -> Tensor {
    guard let h else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg) is NULL") }
    return Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
}

/// Runs `body`, stores its tensor as a new handle in `out` and returns SK_OK; on failure sets
/// `*out` to NULL, records the error for sk_last_error_message and returns its code.
@inline(__always)
func produce(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
             _ body: () throws -> Tensor) -> Int32 {
    guard let out else {
        return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL"))
    }
    out.pointee = nil
    do {
        out.pointee = handle(try body())
        return 0
    } catch {
        return LastError.set(error)
    }
}

/// Runs `body` and maps a thrown error to its status code.
@inline(__always)
func status(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return LastError.set(error)
    }
}

/// Reads a C shape (`int64_t*` + `int32_t ndim`), rejecting NULL with ndim > 0 and negative ndim.
func shapeArray(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ fn: StaticString) throws -> [Int] {
    if ndim < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): ndim must be non-negative, got \(ndim)") }
    if ndim > 64 { throw SwiftKerasError(.invalidArgument, "\(fn): ndim \(ndim) exceeds the maximum rank 64") }
    if ndim == 0 { return [] }
    guard let shape else { throw SwiftKerasError(.invalidArgument, "\(fn): shape is NULL but ndim is \(ndim)") }
    return (0..<Int(ndim)).map { Int(shape[$0]) }
}

/// Reads a C dtype code.
func dtypeCode(_ code: Int32, _ fn: StaticString) throws -> DType {
    guard let d = DType(rawValue: code) else {
        throw SwiftKerasError(.invalidDType, "\(fn): unknown dtype code \(code)")
    }
    return d
}
