import SwiftKerasCHeader
import SwiftKeras

// The shims of include/swiftkeras/linalg.h: matrix decompositions with several outputs.

/// Clears `outs` and checks it has room for `needed` tensors.
private func decompositionOutputs(_ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32, needed: Int32,
                                  _ fn: StaticString) throws -> UnsafeMutablePointer<OpaquePointer?> {
    let o = try clearList(outs, capacity, fn)
    if capacity < needed {
        throw SwiftKerasError(.invalidArgument, "\(fn): outs needs room for \(needed) tensors, capacity is \(capacity)")
    }
    return o
}

@c @implementation
public func sk_linalg_qr(_ x: OpaquePointer?, _ fullMatrices: UInt8, _ outs: UnsafeMutablePointer<OpaquePointer?>?,
                         _ capacity: Int32) -> Int32 {
    status {
        let o = try decompositionOutputs(outs, capacity, needed: 2, "sk_linalg_qr")
        let f = try SwiftKeras.qr(try tensor(x, "sk_linalg_qr", "x"), fullMatrices: fullMatrices != 0)
        try storeList([f.q, f.r], o, capacity, "sk_linalg_qr")
    }
}

@c @implementation
public func sk_linalg_svd(_ x: OpaquePointer?, _ fullMatrices: UInt8, _ computeUV: UInt8,
                          _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try decompositionOutputs(outs, capacity, needed: computeUV != 0 ? 3 : 1, "sk_linalg_svd")
        let f = try SwiftKeras.svd(try tensor(x, "sk_linalg_svd", "x"), fullMatrices: fullMatrices != 0,
                                   computeUV: computeUV != 0)
        try storeList([f.s] + [f.u, f.v].compactMap { $0 }, o, capacity, "sk_linalg_svd")
    }
}

@c @implementation
public func sk_linalg_eigh(_ x: OpaquePointer?, _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try decompositionOutputs(outs, capacity, needed: 2, "sk_linalg_eigh")
        let f = try SwiftKeras.eigh(try tensor(x, "sk_linalg_eigh", "x"))
        try storeList([f.e, f.v], o, capacity, "sk_linalg_eigh")
    }
}
