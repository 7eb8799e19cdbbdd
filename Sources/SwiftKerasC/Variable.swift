import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Variables through the C ABI: creation, reading, assignment, the moving-average update.
// An sk_variable handle is a retained VariableBox; the release and the simple queries
// (trainable, name, dtype, ndim, shape, read) are generated (GeneratedHandles.swift).

/// An sk_variable: the variable plus its name as a C string that lives as long as the handle.
final class VariableBox {
    let variable: Variable
    let cName: UnsafeMutablePointer<CChar>?

    init(_ v: Variable) {
        variable = v
        cName = strdup(v.name)
    }

    deinit { free(cName) }
}

@c @implementation
public func sk_variable_create(_ value: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ trainable: UInt8,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_variable_create") {
        let t = try tensor(value, "sk_variable_create", "value")
        return VariableBox(Variable(t, name: optionalString(name) ?? "Variable", trainable: trainable != 0))
    }
}

/// The assignments: unwraps the variable and the tensor argument `arg`, then runs `update`.
@inline(__always)
private func assignment(_ v: OpaquePointer?, _ value: OpaquePointer?, _ fn: StaticString, _ arg: StaticString,
                        _ update: (Variable, Tensor) throws -> Void) -> Int32 {
    status {
        let b = try unwrap(v, fn, "variable", as: VariableBox.self)
        try update(b.variable, try tensor(value, fn, arg))
    }
}

@c @implementation
public func sk_variable_assign(_ v: OpaquePointer?, _ value: OpaquePointer?) -> Int32 {
    assignment(v, value, "sk_variable_assign", "value") { try $0.assign($1) }
}

@c @implementation
public func sk_variable_assign_add(_ v: OpaquePointer?, _ delta: OpaquePointer?) -> Int32 {
    assignment(v, delta, "sk_variable_assign_add", "delta") { try $0.assignAdd($1) }
}

@c @implementation
public func sk_variable_assign_sub(_ v: OpaquePointer?, _ delta: OpaquePointer?) -> Int32 {
    assignment(v, delta, "sk_variable_assign_sub", "delta") { try $0.assignSub($1) }
}

@c @implementation
public func sk_variable_set_trainable(_ v: OpaquePointer?, _ trainable: UInt8) -> Int32 {
    status { try unwrap(v, "sk_variable_set_trainable", "variable", as: VariableBox.self).variable.trainable = trainable != 0 }
}

@c @implementation
public func sk_moving_average_update(_ v: OpaquePointer?, _ value: OpaquePointer?, _ momentum: Double,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_moving_average_update"
    return produce(out, fn) {
        let b = try unwrap(v, fn, "variable", as: VariableBox.self)
        return try b.variable.movingAverageUpdate(try tensor(value, fn, "value"), momentum: momentum)
    }
}
