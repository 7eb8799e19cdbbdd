import Glibc
import SwiftKeras

// Tensor creation, inspection and reading through the C ABI.

@_cdecl("sk_tensor_from_data")
public func sk_tensor_from_data(_ data: UnsafeRawPointer?, _ dtype: Int32, _ shape: UnsafePointer<Int64>?,
                                _ ndim: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tensor_from_data") {
        let d = try dtypeCode(dtype, "sk_tensor_from_data")
        let s = try shapeArray(shape, ndim, "sk_tensor_from_data")
        return try Tensor.copying(data, shape: s, dtype: d)
    }
}

@_cdecl("sk_tensor_from_buffer")
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

@_cdecl("sk_tensor_release")
public func sk_tensor_release(_ t: OpaquePointer?) {
    guard let t else { return }
    Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(t)).release()
}

@_cdecl("sk_tensor_retain")
public func sk_tensor_retain(_ t: OpaquePointer?) -> OpaquePointer? {
    guard let t else { return nil }
    _ = Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(t)).retain()
    return t
}

@_cdecl("sk_tensor_dtype")
public func sk_tensor_dtype(_ t: OpaquePointer?) -> Int32 {
    (try? tensor(t, "sk_tensor_dtype"))?.dtype.rawValue ?? 0
}

@_cdecl("sk_tensor_ndim")
public func sk_tensor_ndim(_ t: OpaquePointer?) -> Int32 {
    guard let x = try? tensor(t, "sk_tensor_ndim") else { return -1 }
    return Int32(x.rank)
}

@_cdecl("sk_tensor_size")
public func sk_tensor_size(_ t: OpaquePointer?) -> Int64 {
    guard let x = try? tensor(t, "sk_tensor_size") else { return -1 }
    return Int64(x.count)
}

@_cdecl("sk_tensor_shape")
public func sk_tensor_shape(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32) -> Int32 {
    status {
        let x = try tensor(t, "sk_tensor_shape")
        if Int(capacity) < x.rank {
            throw SwiftKerasError(.invalidArgument, "sk_tensor_shape: capacity \(capacity) is smaller than the rank \(x.rank)")
        }
        if x.rank > 0 {
            guard let out else { throw SwiftKerasError(.invalidArgument, "sk_tensor_shape: out is NULL") }
            for (i, d) in x.shape.enumerated() { out[i] = Int64(d) }
        }
    }
}

@_cdecl("sk_tensor_copy_data")
public func sk_tensor_copy_data(_ t: OpaquePointer?, _ out: UnsafeMutableRawPointer?, _ capacity: Int) -> Int32 {
    status {
        let x = try tensor(t, "sk_tensor_copy_data")
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

@_cdecl("sk_tensor_data")
public func sk_tensor_data(_ t: OpaquePointer?) -> UnsafeRawPointer? {
    guard let x = try? tensor(t, "sk_tensor_data") else { return nil }
    return x.withUnsafeBytes { $0.baseAddress }
}

@_cdecl("sk_tensor_cast")
public func sk_tensor_cast(_ t: OpaquePointer?, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tensor_cast") {
        try tensor(t, "sk_tensor_cast").cast(to: try dtypeCode(dtype, "sk_tensor_cast"))
    }
}

@_cdecl("sk_scalar")
public func sk_scalar(_ value: Double, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_scalar") { try Tensor.scalar(value, dtype: try dtypeCode(dtype, "sk_scalar")) }
}

@_cdecl("sk_full")
public func sk_full(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ value: Double, _ dtype: Int32,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_full") {
        try Tensor.full(try shapeArray(shape, ndim, "sk_full"), value: value, dtype: try dtypeCode(dtype, "sk_full"))
    }
}

@_cdecl("sk_zeros")
public func sk_zeros(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_zeros") {
        try Tensor.zeros(try shapeArray(shape, ndim, "sk_zeros"), dtype: try dtypeCode(dtype, "sk_zeros"))
    }
}

@_cdecl("sk_ones")
public func sk_ones(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_ones") {
        try Tensor.ones(try shapeArray(shape, ndim, "sk_ones"), dtype: try dtypeCode(dtype, "sk_ones"))
    }
}

@_cdecl("sk_eye")
public func sk_eye(_ rows: Int64, _ cols: Int64, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_eye") { try Tensor.eye(Int(rows), Int(cols), dtype: try dtypeCode(dtype, "sk_eye")) }
}

@_cdecl("sk_arange")
public func sk_arange(_ start: Double, _ stop: Double, _ step: Double, _ dtype: Int32,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_arange") {
        try Tensor.arange(start: start, stop: stop, step: step, dtype: try dtypeCode(dtype, "sk_arange"))
    }
}
