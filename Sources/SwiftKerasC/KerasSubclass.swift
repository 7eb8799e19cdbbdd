import Glibc
import SwiftKeras

// Subclassed models and nested layers through the C ABI: a model whose build and call are C
// callbacks (Keras `class MyModel(keras.Model)`), sublayer tracking (`self.dense = Dense(4)`),
// and the introspection load_model needs (kind, inputs, layers, class names).

/// The C callbacks of a subclassed model; `destroy` runs once, when the model goes away.
final class ModelCallbacks {
    let build: SKLayerBuildFn?
    let call: SKLayerCallFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ build: SKLayerBuildFn?, _ call: SKLayerCallFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.build = build
        self.call = call
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func runBuild(_ model: ClosureModel, _ shapes: [[Int]]) throws {
        guard let build, let shape = shapes.first else { return }
        let s = shape.map { Int64($0) }
        LastError.set(0, "")
        let rc = s.withUnsafeBufferPointer { build(userData, unretainedHandle(model as Layer), $0.baseAddress, Int32($0.count)) }
        if rc != 0 { throw callbackFailure(rc, "model '\(model.name)' build") }
    }

    func runCall(_ model: ClosureModel, _ inputs: [Tensor], _ training: Bool) throws -> Tensor {
        let ins: [OpaquePointer?] = inputs.map { unretainedHandle($0) }
        return try tensorFromCallback("model '\(model.name)' call",
                                      missing: "model '\(model.name)': the call callback returned SK_OK without writing an output") { out in
            withExtendedLifetime(inputs) {
                ins.withUnsafeBufferPointer {
                    call(userData, unretainedHandle(model as Layer), $0.baseAddress, Int32($0.count), training ? 1 : 0, out)
                }
            }
        }
    }
}

@_cdecl("sk_model_create_custom")
public func sk_model_create_custom(_ name: UnsafePointer<CChar>?, _ build: SKLayerBuildFn?, _ call: SKLayerCallFn?,
                                   _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_model_create_custom") {
        guard let call else { throw SwiftKerasError(.invalidArgument, "sk_model_create_custom: call is NULL") }
        handedOver = true
        let cb = ModelCallbacks(build, call, userData, destroy)
        let m = ClosureModel(name: name.map { String(cString: $0) }, className: "CustomModel",
                             build: build == nil ? nil : { try cb.runBuild($0, $1) },
                             call: { try cb.runCall($0, $1, $2) })
        return retainedHandle(ModelBox(m))
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_layer_track")
public func sk_layer_track(_ parent: OpaquePointer?, _ child: OpaquePointer?) -> Int32 {
    status {
        let fn: StaticString = "sk_layer_track"
        let p = try object(parent, fn, "parent", Layer.self)
        let c = try object(child, fn, "child", Layer.self)
        if p === c { throw SwiftKerasError(.invalidArgument, "sk_layer_track: layer '\(p.name)' cannot track itself") }
        if p is Sequential {
            throw SwiftKerasError(.invalidArgument, "sk_layer_track: '\(p.name)' is a Sequential model; add layers with sk_model_add")
        }
        if let m = p as? Model, !m.inputs.isEmpty {
            throw SwiftKerasError(.invalidArgument, "sk_layer_track: '\(p.name)' is a functional model; its layers are those of its graph")
        }
        func contains(_ l: Layer, _ target: Layer) -> Bool {
            l.trackedLayers.contains { $0 === target || contains($0, target) }
        }
        if contains(c, p) {
            throw SwiftKerasError(.invalidArgument, "sk_layer_track: layer '\(c.name)' already contains '\(p.name)'; tracking it would make a cycle")
        }
        p.track(c)
    }
}

/// SK_MODEL_FUNCTIONAL, SK_MODEL_SEQUENTIAL, SK_MODEL_SUBCLASSED.
@_cdecl("sk_model_kind")
public func sk_model_kind(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_kind", "model", ModelBox.self).model
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_model_kind: out is NULL") }
        out.pointee = m is Sequential ? 1 : (m.inputs.isEmpty ? 2 : 0)
    }
}

@_cdecl("sk_model_num_inputs")
public func sk_model_num_inputs(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_num_inputs", "model", ModelBox.self).model
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_model_num_inputs: out is NULL") }
        out.pointee = m.inputs.isEmpty ? 1 : Int32(m.inputs.count)
    }
}

@_cdecl("sk_model_layers")
public func sk_model_layers(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                            _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_layers", "model", ModelBox.self).model
        let ls = m.layers
        count?.pointee = Int32(ls.count)
        guard let out else {
            if capacity == 0 { return }
            throw SwiftKerasError(.invalidArgument, "sk_model_layers: out is NULL but capacity is \(capacity)")
        }
        if capacity < 0 || Int(capacity) < ls.count {
            throw SwiftKerasError(.invalidArgument, "sk_model_layers: capacity \(capacity) is smaller than the \(ls.count) layers")
        }
        for (i, l) in ls.enumerated() { out[i] = retainedHandle(l) }
    }
}

@_cdecl("sk_layer_class_name")
public func sk_layer_class_name(_ layer: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let l = try object(layer, "sk_layer_class_name", "layer", Layer.self)
        let cls: String
        switch l {
        case let m as ClosureModel: cls = m.subclassName
        case let m as Model where !(m is Sequential) && !m.inputs.isEmpty: cls = "Functional"
        case is CallbackLayer: cls = "CustomLayer"
        default: cls = l.className
        }
        try copyString(cls, buf, capacity, length, "sk_layer_class_name")
    }
}
