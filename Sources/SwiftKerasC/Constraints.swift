import SwiftKerasCHeader
import SwiftKeras

// keras.constraints by JSON identifier, and constraints set on variables and layers
// (mechanical shims over the core's Layers/Constraints.swift).

@c @implementation
public func sk_constraint_call(_ identifier: UnsafePointer<CChar>?, _ w: OpaquePointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_constraint_call"
    return produce(out, fn) {
        try constraintValues(identifierJSON: try cString(identifier, fn, "identifier_json"), try tensor(w, fn, "w"))
    }
}

@c @implementation
public func sk_constraint_config(_ identifier: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                 _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let id = try cString(identifier, "sk_constraint_config", "identifier_json")
        try copyString(try constraintConfigJSON(identifierJSON: id), buf, capacity, length, "sk_constraint_config")
    }
}

/// A built-in constraint from a JSON identifier, nil for NULL.
private func identifiedConstraint(_ identifier: UnsafePointer<CChar>?, _ fn: StaticString) throws -> Constraint? {
    guard let identifier else { return nil }
    return try constraintFromConfig(try ConfigValue.parse(json: String(cString: identifier)), owner: "\(fn)")
}

/// A callback constraint (user_data owned by `owner`), serialized as `serialized` when given.
private func callbackConstraint(_ fn: sk_constraint_fn?, _ owner: CUserData, serialized: ConfigValue? = nil,
                                _ name: StaticString) throws -> Constraint {
    guard let fn else { throw SwiftKerasError(.invalidArgument, "\(name): fn is NULL") }
    let cb = CCallback(fn, owner)
    return ClosureConstraint(serialized: serialized) { w in
        try cb.tensor("custom constraint", missing: "custom constraint: the callback returned SK_OK without writing a tensor") { f, ud, out in
            withExtendedLifetime(w) { f(ud, borrowed(w), out) }
        }
    }
}

@c @implementation
public func sk_variable_set_constraint(_ v: OpaquePointer?, _ identifier: UnsafePointer<CChar>?) -> Int32 {
    status {
        let box = try unwrap(v, "sk_variable_set_constraint", "variable", as: VariableBox.self)
        box.variable.constraint = try identifiedConstraint(identifier, "sk_variable_set_constraint")
    }
}

@c @implementation
public func sk_variable_set_constraint_custom(_ v: OpaquePointer?, _ fn: sk_constraint_fn?, _ userData: UnsafeMutableRawPointer?,
                                             _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)   // kept by the constraint, or destroyed now
    return status {
        let box = try unwrap(v, "sk_variable_set_constraint_custom", "variable", as: VariableBox.self)
        box.variable.constraint = try callbackConstraint(fn, owner, "sk_variable_set_constraint_custom")
    }
}

@c @implementation
public func sk_layer_set_constraint(_ layer: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                    _ identifier: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "sk_layer_set_constraint"
    return status {
        let l = try unwrap(layer, fn, "layer", as: Layer.self)
        let k = try cString(key, fn, "key")
        try l.setConstraint(try identifiedConstraint(identifier, "sk_layer_set_constraint"), forKey: k)
    }
}

@c @implementation
public func sk_layer_set_constraint_custom(_ layer: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                           _ serializedJSON: UnsafePointer<CChar>?, _ fn: sk_constraint_fn?,
                                           _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)
    let name: StaticString = "sk_layer_set_constraint_custom"
    return status {
        let l = try unwrap(layer, name, "layer", as: Layer.self)
        let k = try cString(key, name, "key")
        let serialized = try serializedJSON.map { try ConfigValue.parse(json: String(cString: $0)) }
        try l.setConstraint(try callbackConstraint(fn, owner, serialized: serialized, name), forKey: k)
    }
}

@c @implementation
public func sk_register_constraint_class(_ className: UnsafePointer<CChar>?, _ factory: sk_constraint_factory_fn?,
                                         _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)   // kept by the registry, or destroyed now
    let fn: StaticString = "sk_register_constraint_class"
    return status {
        let name = try cString(className, fn, "class_name")
        guard let factory else { throw SwiftKerasError(.invalidArgument, "\(fn): factory is NULL") }
        let cb = CCallback(factory, owner)
        try KerasRegistry.register(.constraint, className: name) { config in
            var made: sk_constraint_fn? = nil
            var ud: UnsafeMutableRawPointer? = nil
            var destroyMade: CDestroy? = nil
            let rc = config.json.withCString { json in cb { f, u in f(u, json, &made, &ud, &destroyMade) } }
            let madeOwner = CUserData(ud, destroyMade)   // the constraint's, or destroyed with it on failure
            if rc != 0 { throw callbackFailure(rc, "the factory of constraint class '\(name)'") }
            return try callbackConstraint(made, madeOwner, serialized: .object(["class_name": .string(name), "config": config]),
                                          "sk_register_constraint_class")
        }
    }
}
