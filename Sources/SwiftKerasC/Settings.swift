import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Keras' process-wide settings (floatx, epsilon, image_data_format) and its dtype promotion
// rule through the C ABI (include/swiftkeras/settings.h). The rules live in SwiftKerasCore
// (KerasSettings, DTypePromotion); these shims only convert arguments.

/// NUL-terminated copies of every dtype and data format name, made once and kept for the life of
/// the process, so that the getters can return static strings.
private let staticNames: [String: UnsafePointer<CChar>] = {
    var names: [String: UnsafePointer<CChar>] = [:]
    for n in DTypePromotion.allowedNames.union(DataFormat.allCases.map(\.rawValue)) {
        if let p = strdup(n) { names[n] = UnsafePointer(p) }
    }
    return names
}()

/// The static C string for `name` (every name these shims return is in `staticNames`).
private func staticName(_ name: String) -> UnsafePointer<CChar> {
    if let p = staticNames[name] { return p }
    return UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func sk_floatx() -> UnsafePointer<CChar>? {
    staticName(KerasSettings.floatx.name)
}

@c @implementation
public func sk_set_floatx(_ name: UnsafePointer<CChar>?) -> Int32 {
    status { try KerasSettings.setFloatx(name: try cString(name, "sk_set_floatx", "name")) }
}

@c @implementation
public func sk_epsilon() -> Double {
    KerasSettings.epsilon
}

@c @implementation
public func sk_set_epsilon(_ value: Double) {
    KerasSettings.setEpsilon(value)
}

@c @implementation
public func sk_image_data_format() -> UnsafePointer<CChar>? {
    staticName(KerasSettings.imageDataFormat.rawValue)
}

@c @implementation
public func sk_set_image_data_format(_ name: UnsafePointer<CChar>?) -> Int32 {
    status { try KerasSettings.setImageDataFormat(name: try cString(name, "sk_set_image_data_format", "name")) }
}

@c @implementation
public func sk_result_type(_ dtypes: UnsafePointer<UnsafePointer<CChar>?>?, _ weak: UnsafePointer<UInt8>?,
                           _ n: Int32, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    let fn: StaticString = "sk_result_type"
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL")) }
    out.pointee = nil
    return status {
        if n < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): n must be non-negative, got \(n)") }
        if n > 0 && dtypes == nil { throw SwiftKerasError(.invalidArgument, "\(fn): dtypes is NULL but n is \(n)") }
        var names: [String] = []
        var flags: [Bool] = []
        for i in 0..<Int(n) {
            guard let p = dtypes?[i] else { throw SwiftKerasError(.invalidArgument, "\(fn): dtypes[\(i)] is NULL") }
            names.append(String(cString: p))
            flags.append((weak?[i] ?? 0) != 0)
        }
        out.pointee = staticName(try DTypePromotion.resultType(names, weak: flags))
    }
}

@c @implementation
public func sk_policy_dtypes(_ name: UnsafePointer<CChar>?, _ compute: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                             _ variable: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    let fn: StaticString = "sk_policy_dtypes"
    guard let compute, let variable else {
        return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): \(compute == nil ? "compute_dtype" : "variable_dtype") is NULL"))
    }
    compute.pointee = nil
    variable.pointee = nil
    return status {
        let policy = try DTypePolicy(try cString(name, fn, "name"))
        compute.pointee = staticName(policy.computeDType.name)
        variable.pointee = staticName(policy.variableDType.name)
    }
}

@c @implementation
public func sk_snake_case(_ name: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                          _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        try copyString(Layer.snakeCase(try cString(name, "sk_snake_case", "name")), buf, capacity, length, "sk_snake_case")
    }
}

@c @implementation
public func sk_dtype_standardize(_ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    let fn: StaticString = "sk_dtype_standardize"
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL")) }
    out.pointee = nil
    return status { out.pointee = staticName(try DTypePromotion.standardize(try cString(name, fn, "name"))) }
}
