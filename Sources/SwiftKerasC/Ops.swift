import Glibc
import SwiftKeras

// Hand-written shape exports: ops that return several tensors or take masks, and printing.

/// Writes `pieces` into `outs` (capacity entries) as new handles; the caller releases them.
private func storeList(_ pieces: [Tensor], _ outs: UnsafeMutablePointer<OpaquePointer?>, _ capacity: Int32,
                       _ fn: StaticString) throws {
    if pieces.count > Int(capacity) {
        throw SwiftKerasError(.invalidArgument, "\(fn): outs has room for \(capacity) tensors but the split gives \(pieces.count)")
    }
    for (i, p) in pieces.enumerated() { outs[i] = handle(p) }
}

/// Clears `capacity` entries of an output array (validated first).
private func clearList(_ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32, _ fn: StaticString) throws
    -> UnsafeMutablePointer<OpaquePointer?> {
    guard let outs else { throw SwiftKerasError(.invalidArgument, "\(fn): outs is NULL") }
    if capacity < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): capacity must be non-negative, got \(capacity)") }
    for i in 0..<Int(capacity) { outs[i] = nil }
    return outs
}

@_cdecl("sk_split")
public func sk_split(_ x: OpaquePointer?, _ num: Int64, _ axis: Int64,
                     _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try clearList(outs, capacity, "sk_split")
        let t = try tensor(x, "sk_split", "x")
        try storeList(try t.split(into: Int(num), axis: Int(axis)), o, capacity, "sk_split")
    }
}

@_cdecl("sk_split_sizes")
public func sk_split_sizes(_ x: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ nSizes: Int32, _ axis: Int64,
                           _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try clearList(outs, capacity, "sk_split_sizes")
        let t = try tensor(x, "sk_split_sizes", "x")
        let s = try intList(sizes, nSizes, "sk_split_sizes", "sizes")
        try storeList(try t.split(sizes: s, axis: Int(axis)), o, capacity, "sk_split_sizes")
    }
}

@_cdecl("sk_strided_slice")
public func sk_strided_slice(_ x: OpaquePointer?, _ begin: UnsafePointer<Int64>?, _ end: UnsafePointer<Int64>?,
                             _ strides: UnsafePointer<Int64>?, _ n: Int32, _ beginMask: UInt64, _ endMask: UInt64,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strided_slice") {
        let t = try tensor(x, "sk_strided_slice", "x")
        try checkCount(n, "sk_strided_slice", "n", max: 64)
        let k = Int(n)
        if k > 0 && (begin == nil || end == nil) {
            throw SwiftKerasError(.invalidArgument, "sk_strided_slice: begin and end must not be NULL when n is \(n)")
        }
        var starts: [Int?] = [], stops: [Int?] = [], steps: [Int?] = []
        for i in 0..<k {
            starts.append(beginMask & (1 << UInt64(i)) != 0 ? nil : Int(begin![i]))
            stops.append(endMask & (1 << UInt64(i)) != 0 ? nil : Int(end![i]))
            steps.append(strides.map { Int($0[i]) } ?? 1)
        }
        return try t.sliced(start: starts, stop: stops, step: steps)
    }
}

@_cdecl("sk_tensor_to_string")
public func sk_tensor_to_string(_ t: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                _ needed: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let x = try tensor(t, "sk_tensor_to_string")
        let text = x.description
        let bytes = Array(text.utf8)
        needed?.pointee = bytes.count + 1
        if buffer == nil && capacity == 0 { return }  // a size query
        if capacity < bytes.count + 1 {
            if let buffer, capacity > 0 { buffer[0] = 0 }
            throw SwiftKerasError(.invalidArgument, "sk_tensor_to_string: buffer of \(capacity) bytes is too small, \(bytes.count + 1) needed")
        }
        guard let buffer else { throw SwiftKerasError(.invalidArgument, "sk_tensor_to_string: buffer is NULL") }
        for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
        buffer[bytes.count] = 0
    }
}
