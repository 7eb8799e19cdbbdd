import SwiftKerasCHeader
import SwiftKeras

// keras.initializers / keras.regularizers by JSON identifier (mechanical shims over the core's
// KerasObjectIdentifiers.swift).

@c @implementation
public func sk_initializer_call(_ identifier: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?, _ ndim: Int32,
                                _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_initializer_call"
    return produce(out, fn) {
        let id = try cString(identifier, fn, "identifier_json")
        let s = try shapeArray(shape, ndim, fn)
        return try initializerValues(identifierJSON: id, shape: s, dtype: try dtypeCode(dtype, fn))
    }
}

@c @implementation
public func sk_initializer_config(_ identifier: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    identifierQuery(identifier, buf, capacity, length, "sk_initializer_config", initializerConfigJSON)
}

@c @implementation
public func sk_regularizer_call(_ identifier: UnsafePointer<CChar>?, _ x: OpaquePointer?,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_regularizer_call"
    return produce(out, fn) {
        let id = try cString(identifier, fn, "identifier_json")
        return try regularizerPenalty(identifierJSON: id, try tensor(x, fn, "x"))
    }
}

@c @implementation
public func sk_regularizer_config(_ identifier: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    identifierQuery(identifier, buf, capacity, length, "sk_regularizer_config", regularizerConfigJSON)
}

/// A string query of a JSON identifier: `body(identifier)` copied into the caller's buffer.
private func identifierQuery(_ identifier: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                             _ length: UnsafeMutablePointer<Int>?, _ fn: StaticString,
                             _ body: (String) throws -> String) -> Int32 {
    status { try copyString(try body(try cString(identifier, fn, "identifier_json")), buf, capacity, length, fn) }
}
