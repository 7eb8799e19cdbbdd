import SwiftKeras

// The bodies of the generated handle shims (GeneratedHandles.swift, from the tables of
// tools/capi_keras.py): each unwraps the handle as class `T` (naming the function `fn` and the
// argument `arg` in errors) and runs the table row's expression `read` / `make` on the object.

/// A new object made from a required name and an optional JSON config (NULL = "{}").
@inline(__always)
func createFromConfig<R: AnyObject>(_ namePtr: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                                    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                                    _ nameArg: StaticString, _ make: (String, String) throws -> R) -> Int32 {
    produce(out, fn) { try make(try cString(namePtr, fn, nameArg), configJSON(config)) }
}

/// A new object made from a required name.
@inline(__always)
func createFromName<R: AnyObject>(_ namePtr: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                  _ fn: StaticString, _ make: (String) throws -> R) -> Int32 {
    produce(out, fn) { try make(try cString(namePtr, fn, "name")) }
}

/// A string of the object copied into the caller's buffer (see `copyString`).
@inline(__always)
func stringQuery<T: AnyObject>(_ h: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                               _ length: UnsafeMutablePointer<Int>?, _ fn: StaticString, _ arg: StaticString,
                               as _: T.Type, _ read: (T) throws -> String) -> Int32 {
    status { try copyString(try read(try unwrap(h, fn, arg, as: T.self)), buf, capacity, length, fn) }
}

/// A scalar of the object written to the required out-parameter.
@inline(__always)
func scalarQuery<T: AnyObject, V>(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<V>?, _ fn: StaticString,
                                  _ arg: StaticString, as _: T.Type, _ read: (T) throws -> V) -> Int32 {
    status {
        let o = try unwrap(h, fn, arg, as: T.self)
        let p = try outParameter(out, fn)
        p.pointee = try read(o)
    }
}

/// A value of the object returned directly; `invalid` for a NULL handle.
@inline(__always)
func valueQuery<T: AnyObject, V>(_ h: OpaquePointer?, as _: T.Type, _ invalid: V, _ read: (T) -> V) -> V {
    guard let o = unwrapOptional(h, as: T.self) else { return invalid }
    return read(o)
}

/// The shape of the object written to the caller's array (see `writeShape`).
@inline(__always)
func shapeQuery<T: AnyObject>(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
                              _ fn: StaticString, _ arg: StaticString, as _: T.Type, _ read: (T) -> [Int]) -> Int32 {
    status { try writeShape(read(try unwrap(h, fn, arg, as: T.self)), out, capacity, fn) }
}

/// A new handle made from the object.
@inline(__always)
func produceFrom<T: AnyObject, R: AnyObject>(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                             _ fn: StaticString, _ arg: StaticString, as _: T.Type,
                                             _ make: (T) throws -> R) -> Int32 {
    produce(out, fn) { try make(try unwrap(h, fn, arg, as: T.self)) }
}

/// A new handle made from the object, or SK_OK with `*out` = NULL when `make` gives nil.
@inline(__always)
func produceOptionalFrom<T: AnyObject, R: AnyObject>(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                                     _ fn: StaticString, _ arg: StaticString, as _: T.Type,
                                                     _ make: (T) throws -> R?) -> Int32 {
    produceOptional(out, fn) { try make(try unwrap(h, fn, arg, as: T.self)) }
}

/// An action on the object.
@inline(__always)
func action<T: AnyObject>(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString, as _: T.Type,
                          _ body: (T) throws -> Void) -> Int32 {
    status { try body(try unwrap(h, fn, arg, as: T.self)) }
}
