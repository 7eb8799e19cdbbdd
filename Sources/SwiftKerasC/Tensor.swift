import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Tensors through the C ABI: creation from data, a borrowed buffer or a fill value, reading,
// casting, retaining. An sk_tensor handle is a retained `Tensor`; the release and the simple
// queries (dtype, ndim, size, shape, data) are generated (GeneratedHandles.swift).

@c @implementation
public func sk_tensor_from_data(_ data: UnsafeRawPointer?, _ dtype: Int32, _ shape: UnsafePointer<Int64>?,
                                _ ndim: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tensor_from_data") {
        let d = try dtypeCode(dtype, "sk_tensor_from_data")
        let s = try shapeArray(shape, ndim, "sk_tensor_from_data")
        return try Tensor.copying(data, shape: s, dtype: d)
    }
}

@c @implementation
public func sk_tensor_from_buffer(_ data: UnsafeMutableRawPointer?, _ dtype: Int32, _ shape: UnsafePointer<Int64>?,
                                  _ ndim: Int32,
                                  _ deleter: (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void)?,
                                  _ userData: UnsafeMutableRawPointer?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    // The deleter runs exactly once: when the last tensor using the buffer goes away, or now on failure.
    let runDeleter: (() -> Void)? = deleter.map { d in { d(data, userData) } }
    var handedOver = false
    let rc = produce(out, "sk_tensor_from_buffer") {
        let d = try dtypeCode(dtype, "sk_tensor_from_buffer")
        let s = try shapeArray(shape, ndim, "sk_tensor_from_buffer")
        guard let data else { throw SwiftKerasError(.invalidArgument, "sk_tensor_from_buffer: data is NULL") }
        handedOver = true
        return try Tensor.borrowing(data, shape: s, dtype: d, deleter: runDeleter)
    }
    if !handedOver { runDeleter?() }
    return rc
}

@c @implementation
public func sk_tensor_retain(_ t: OpaquePointer?) -> OpaquePointer? {
    unwrapOptional(t, as: Tensor.self).map { retained($0) }
}

@c @implementation
public func sk_tensor_copy_data(_ t: OpaquePointer?, _ out: UnsafeMutableRawPointer?, _ capacity: Int) -> Int32 {
    status {
        let x = try tensor(t, "sk_tensor_copy_data")
        try x.requireNumericData("sk_tensor_copy_data")
        let bytes = x.count * x.dtype.byteSize
        if capacity < bytes {
            throw SwiftKerasError(.invalidArgument, "sk_tensor_copy_data: buffer of \(capacity) bytes is too small for \(bytes) bytes (shape \(formatShape(x.shape)), \(x.dtype))")
        }
        if bytes > 0 {
            guard let out else { throw SwiftKerasError(.invalidArgument, "sk_tensor_copy_data: out is NULL") }
            x.withUnsafeBytes { src in out.copyMemory(from: src.baseAddress!, byteCount: bytes) }
        }
    }
}

@c @implementation
public func sk_tensor_cast(_ t: OpaquePointer?, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tensor_cast") {
        try tensor(t, "sk_tensor_cast").cast(to: try dtypeCode(dtype, "sk_tensor_cast"))
    }
}

@c @implementation
public func sk_scalar(_ value: Double, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_scalar") { try Tensor.scalar(value, dtype: try dtypeCode(dtype, "sk_scalar")) }
}

@c @implementation
public func sk_full(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ value: Double, _ dtype: Int32,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_full") {
        try Tensor.full(try shapeArray(shape, ndim, "sk_full"), value: value, dtype: try dtypeCode(dtype, "sk_full"))
    }
}

@c @implementation
public func sk_zeros(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_zeros") {
        try Tensor.zeros(try shapeArray(shape, ndim, "sk_zeros"), dtype: try dtypeCode(dtype, "sk_zeros"))
    }
}

@c @implementation
public func sk_ones(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_ones") {
        try Tensor.ones(try shapeArray(shape, ndim, "sk_ones"), dtype: try dtypeCode(dtype, "sk_ones"))
    }
}

@c @implementation
public func sk_eye(_ rows: Int64, _ cols: Int64, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_eye") { try Tensor.eye(Int(rows), Int(cols), dtype: try dtypeCode(dtype, "sk_eye")) }
}

@c @implementation
public func sk_arange(_ start: Double, _ stop: Double, _ step: Double, _ dtype: Int32,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_arange") {
        try Tensor.arange(start: start, stop: stop, step: step, dtype: try dtypeCode(dtype, "sk_arange"))
    }
}
