import Glibc
import SwiftKeras

// Keras layers through the C ABI: built-in layers by class name + JSON config, custom layers
// through callbacks, calling, weights. An sk_layer handle is a retained `Layer`.

// MARK: - Handle plumbing shared by the Keras shims

@inline(__always)
func retainedHandle<T: AnyObject>(_ o: T) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(o).toOpaque())
}

@inline(__always)
func unretainedHandle<T: AnyObject>(_ o: T) -> OpaquePointer {
    OpaquePointer(Unmanaged.passUnretained(o).toOpaque())
}

@inline(__always)
func object<T: AnyObject>(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString, _: T.Type) throws -> T {
    guard let h else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg) is NULL") }
    return Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
}

@inline(__always)
func releaseHandle<T: AnyObject>(_ h: OpaquePointer?, _: T.Type) {
    guard let h else { return }
    Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).release()
}

/// Runs `body` that produces a new object handle for `out` (NULL first, NULL on failure).
func produceObject(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                   _ body: () throws -> OpaquePointer) -> Int32 {
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL")) }
    out.pointee = nil
    do {
        out.pointee = try body()
        return 0
    } catch {
        return LastError.set(error)
    }
}

/// A required C string argument.
func cString(_ p: UnsafePointer<CChar>?, _ fn: StaticString, _ arg: StaticString) throws -> String {
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL") }
    return String(cString: p)
}

/// The error of a callback that returned `rc` != 0: its code and the message it set with
/// sk_set_error (the caller cleared the last error before invoking it), or a generic one.
func callbackFailure(_ rc: Int32, _ what: String) -> SwiftKerasError {
    let kind = SwiftKerasError.Kind(rawValue: rc) ?? .runtime
    let msg = LastError.code() != 0 ? LastError.message()
        : "\(what): the callback failed with status \(rc) without calling sk_set_error"
    return SwiftKerasError(kind, msg)
}

/// Runs a C callback that writes a new tensor into its `out` slot and returns a status (a custom
/// layer's or model's call, a custom loss or metric): takes ownership of whatever it wrote, also
/// on failure; a failure becomes the callback's error (`callbackFailure(rc, what)`), SK_OK without
/// a tensor becomes the error `missing`. The callback's inputs are used inside `call`, so they
/// stay alive while it runs.
func tensorFromCallback(_ what: @autoclosure () -> String, missing: @autoclosure () -> String,
                        _ call: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> Tensor {
    var out: OpaquePointer? = nil
    LastError.set(0, "")
    let rc = call(&out)
    let result = out.map { Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer($0)).takeRetainedValue() }
    if rc != 0 { throw callbackFailure(rc, what()) }
    guard let result else { throw SwiftKerasError(.invalidArgument, missing()) }
    return result
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

/// Writes handles made by `make` for `items` into out[0..<count] after checking capacity.
func writeHandles<T>(_ items: [T], _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                     _ count: UnsafeMutablePointer<Int32>?, _ fn: StaticString,
                     _ make: (T) -> OpaquePointer) throws {
    count?.pointee = Int32(items.count)
    guard let out else {
        if capacity == 0 { return }
        throw SwiftKerasError(.invalidArgument, "\(fn): out is NULL but capacity is \(capacity)")
    }
    if Int(capacity) < items.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the \(items.count) weights")
    }
    for (i, x) in items.enumerated() { out[i] = make(x) }
}

// MARK: - Custom layers

public typealias SKLayerBuildFn = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<Int64>?, Int32) -> Int32
public typealias SKLayerCallFn = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<OpaquePointer?>?, Int32,
                                          UInt8, UnsafeMutablePointer<OpaquePointer?>?) -> Int32

/// A `Layer` whose build and call are C callbacks (Keras custom layer subclass). `destroy`
/// runs once, when the layer object goes away.
final class CallbackLayer: Layer {
    let buildFn: SKLayerBuildFn?
    let callFn: SKLayerCallFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(name: String?, build: SKLayerBuildFn?, call: SKLayerCallFn, userData: UnsafeMutableRawPointer?,
         destroy: SKDestroy?) {
        buildFn = build
        callFn = call
        self.userData = userData
        self.destroy = destroy
        super.init(name: name ?? Layer.autoName("CustomLayer"))
    }

    deinit { destroy?(userData) }

    override func build(inputShapes: [[Int]]) throws {
        guard let buildFn, let shape = inputShapes.first else { return }
        let s = shape.map { Int64($0) }
        LastError.set(0, "")
        let rc = s.withUnsafeBufferPointer { buildFn(userData, unretainedHandle(self as Layer), $0.baseAddress, Int32($0.count)) }
        if rc != 0 { throw callbackFailure(rc, "layer '\(name)' build") }
    }

    override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        let ins: [OpaquePointer?] = inputs.map { unretainedHandle($0) }
        return try tensorFromCallback("layer '\(name)' call",
                                      missing: "layer '\(name)': the call callback returned SK_OK without writing an output") { out in
            withExtendedLifetime(inputs) {
                ins.withUnsafeBufferPointer {
                    callFn(userData, unretainedHandle(self as Layer), $0.baseAddress, Int32($0.count), training ? 1 : 0, out)
                }
            }
        }
    }
}

@_cdecl("sk_layer_create")
public func sk_layer_create(_ className: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_layer_create") {
        let cls = try cString(className, "sk_layer_create", "class_name")
        // The core parses the JSON config and maps Keras keys to the layer (LayerConfig.swift).
        let json = config.map { String(cString: $0) } ?? "{}"
        return retainedHandle(try layerFromConfig(className: cls, configJSON: json.isEmpty ? "{}" : json))
    }
}

@_cdecl("sk_layer_create_custom")
public func sk_layer_create_custom(_ name: UnsafePointer<CChar>?, _ build: SKLayerBuildFn?, _ call: SKLayerCallFn?,
                                   _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_layer_create_custom") {
        guard let call else { throw SwiftKerasError(.invalidArgument, "sk_layer_create_custom: call is NULL") }
        handedOver = true
        let l = CallbackLayer(name: name.map { String(cString: $0) }, build: build, call: call,
                              userData: userData, destroy: destroy)
        return retainedHandle(l as Layer)
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_layer_add_weight")
public func sk_layer_add_weight(_ layer: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?,
                                _ ndim: Int32, _ initializer: UnsafePointer<CChar>?, _ trainable: UInt8,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return status {
        let l = try object(layer, "sk_layer_add_weight", "layer", Layer.self)
        let n = try cString(name, "sk_layer_add_weight", "name")
        let s = try shapeArray(shape, ndim, "sk_layer_add_weight")
        let ini = try initializer.map { try Initializers.named(String(cString: $0)) }
        let v = try l.addWeight(name: n, shape: s, initializer: ini, trainable: trainable != 0)
        out?.pointee = retainedHandle(VariableBox(v))
    }
}

@_cdecl("sk_layer_call")
public func sk_layer_call(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                          _ training: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_layer_call") {
        let l = try object(layer, "sk_layer_call", "layer", Layer.self)
        let xs = try tensorList(inputs, n, "sk_layer_call", "inputs")
        return try l(xs, training: training != 0)
    }
}

@_cdecl("sk_layer_weights")
public func sk_layer_weights(_ layer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try object(layer, "sk_layer_weights", "layer", Layer.self)
        try writeHandles(l.getWeights(), out, capacity, count, "sk_layer_weights") { handle($0) }
    }
}

@_cdecl("sk_layer_variables")
public func sk_layer_variables(_ layer: OpaquePointer?, _ trainableOnly: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                               _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try object(layer, "sk_layer_variables", "layer", Layer.self)
        let vs = trainableOnly != 0 ? l.trainableWeights : l.weights
        try writeHandles(vs, out, capacity, count, "sk_layer_variables") { retainedHandle(VariableBox($0)) }
    }
}

@_cdecl("sk_layer_set_weights")
public func sk_layer_set_weights(_ layer: OpaquePointer?, _ values: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let l = try object(layer, "sk_layer_set_weights", "layer", Layer.self)
        try l.setWeights(try tensorList(values, n, "sk_layer_set_weights", "values"))
    }
}

@_cdecl("sk_layer_name")
public func sk_layer_name(_ layer: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                          _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let l = try object(layer, "sk_layer_name", "layer", Layer.self)
        try copyString(l.name, buf, capacity, length, "sk_layer_name")
    }
}

@_cdecl("sk_layer_count_params")
public func sk_layer_count_params(_ layer: OpaquePointer?) -> Int64 {
    guard let l = try? object(layer, "sk_layer_count_params", "layer", Layer.self) else { return -1 }
    return Int64(l.countParams())
}

@_cdecl("sk_layer_release")
public func sk_layer_release(_ layer: OpaquePointer?) {
    releaseHandle(layer, Layer.self)
}

// MARK: - Functional API: symbolic tensors

@_cdecl("sk_input")
public func sk_input(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32, _ name: UnsafePointer<CChar>?,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_input") {
        let s = try shapeArray(shape, ndim, "sk_input")
        let d = try dtypeCode(dtype, "sk_input")
        return retainedHandle(try Input(shape: s, dtype: d, name: name.map { String(cString: $0) }))
    }
}

@_cdecl("sk_layer_call_symbolic")
public func sk_layer_call_symbolic(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_layer_call_symbolic") {
        let l = try object(layer, "sk_layer_call_symbolic", "layer", Layer.self)
        let xs = try kerasTensorList(inputs, n, "sk_layer_call_symbolic", "inputs")
        return retainedHandle(try l(xs))
    }
}

@_cdecl("sk_keras_tensor_shape")
public func sk_keras_tensor_shape(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
                                  _ ndim: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let k = try object(t, "sk_keras_tensor_shape", "tensor", KerasTensor.self)
        ndim?.pointee = Int32(k.shape.count)
        if Int(capacity) < k.shape.count {
            throw SwiftKerasError(.invalidArgument, "sk_keras_tensor_shape: capacity \(capacity) is smaller than the rank \(k.shape.count)")
        }
        if !k.shape.isEmpty {
            guard let out else { throw SwiftKerasError(.invalidArgument, "sk_keras_tensor_shape: out is NULL") }
            for (i, d) in k.shape.enumerated() { out[i] = Int64(d) }
        }
    }
}

@_cdecl("sk_keras_tensor_release")
public func sk_keras_tensor_release(_ t: OpaquePointer?) {
    releaseHandle(t, KerasTensor.self)
}

func kerasTensorList(_ p: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [KerasTensor] {
    try checkCount(n, fn, arg)
    if n == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
    return try (0..<Int(n)).map { i in
        guard let h = p[i] else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg)[\(i)] is NULL") }
        return Unmanaged<KerasTensor>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
    }
}

// MARK: - Mixed precision

@_cdecl("sk_set_global_policy")
public func sk_set_global_policy(_ name: UnsafePointer<CChar>?) -> Int32 {
    status { DTypePolicy.global = try DTypePolicy(try cString(name, "sk_set_global_policy", "name")) }
}

@_cdecl("sk_global_policy")
public func sk_global_policy(_ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try copyString(DTypePolicy.global.name, buf, capacity, length, "sk_global_policy") }
}
