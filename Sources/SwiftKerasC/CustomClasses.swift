// C shims of custom classes in configs (include/swiftkeras/serialization.h): a custom layer's or
// subclassed model's config from its client, and the factories that build custom classes named
// in configs (KerasRegistry's custom classes).

import Glibc
import SwiftKerasCHeader
import SwiftKeras

@c @implementation
public func sk_layer_set_config_fn(_ layer: OpaquePointer?, _ fn: sk_layer_config_fn?, _ userData: UnsafeMutableRawPointer?,
                                   _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)   // kept by the layer, or destroyed now
    return action(layer, "sk_layer_set_config_fn", "layer", as: Layer.self) { l in
        guard let fn else {
            l.configSource = nil
            return
        }
        let cb = CCallback(fn, owner)
        let what = "the config function of layer '\(l.name)'"
        l.configSource = {
            var text: UnsafeMutablePointer<CChar>? = nil
            let rc = cb { f, ud in f(ud, &text) }
            defer { free(text) }
            if rc != 0 { throw callbackFailure(rc, what) }
            guard let text else { throw SwiftKerasError(.invalidArgument, "\(what) gave no text") }
            let config = try ConfigValue.parse(json: String(cString: text))
            guard case .string? = config["class_name"], config["config"] != nil else {
                throw SwiftKerasError(.invalidArgument, "\(what) must give {\"class_name\": ..., \"config\": {...}}, got \(config.json)")
            }
            return config
        }
    }
}

/// The registry kind named by a C string: "layer" or "model" (and "constraint" when `constraint`).
private func classKind(_ kind: UnsafePointer<CChar>?, _ fn: StaticString, constraint: Bool = false) throws -> KerasObjectKind {
    switch try cString(kind, fn, "kind") {
    case "layer": return .layer
    case "model": return .model
    case "constraint" where constraint: return .constraint
    case let other: throw SwiftKerasError(.invalidArgument, "\(fn): kind must be \"layer\" or \"model\"\(constraint ? " or \"constraint\"" : ""), got \"\(other)\"")
    }
}

@c @implementation
public func sk_register_class(_ kind: UnsafePointer<CChar>?, _ className: UnsafePointer<CChar>?, _ fn: sk_class_factory_fn?,
                              _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)   // kept by the registry, or destroyed now
    return status {
        let k = try classKind(kind, "sk_register_class")
        let name = try cString(className, "sk_register_class", "class_name")
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_register_class: fn is NULL") }
        let cb = CCallback(fn, owner)
        try KerasRegistry.register(k, className: name) { config in
            var out: OpaquePointer? = nil
            let rc = config.json.withCString { json in cb { f, ud in f(ud, json, &out) } }
            let made = unwrapOptional(out, as: Layer.self)   // borrowed: this strong reference is ours
            if rc != 0 { throw callbackFailure(rc, "the factory of class '\(name)'") }
            guard let made else { throw SwiftKerasError(.invalidArgument, "the factory of class '\(name)' gave no layer") }
            if k == .model && !(made is Model) {
                throw SwiftKerasError(.invalidArgument, "the factory of model class '\(name)' gave a layer that is not a model")
            }
            return made
        }
    }
}

@c @implementation
public func sk_unregister_class(_ kind: UnsafePointer<CChar>?, _ className: UnsafePointer<CChar>?) -> Int32 {
    status {
        let k = try classKind(kind, "sk_unregister_class", constraint: true)
        KerasRegistry.unregister(k, className: try cString(className, "sk_unregister_class", "class_name"))
    }
}
