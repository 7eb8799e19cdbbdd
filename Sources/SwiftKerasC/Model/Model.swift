import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Keras models through the C ABI: Sequential, functional and subclassed (C callbacks) models,
// their layers and kind, output redirection. An sk_model handle is a retained ModelBox. Training
// (compile, fit, evaluate, predict, history) is in Training.swift, saving in Saving.swift; the
// release, summary, kind, number of inputs and compiled optimizer / loss are generated
// (GeneratedHandles.swift).

// MARK: - Boxes

/// An sk_model: the model, its output sinks, and the C strings of the last metric names.
final class ModelBox {
    let model: Model
    var sink: CCallback<sk_output_fn>?
    var liveSink: CCallback<sk_output_fn>?
    var names: [UnsafeMutablePointer<CChar>?] = []

    init(_ m: Model) { model = m }

    deinit { for p in names { free(p) } }

    /// Replaces the stored metric names; returns them.
    func setNames(_ ns: [String]) -> [UnsafeMutablePointer<CChar>?] {
        for p in names { free(p) }
        names = ns.map { strdup($0) }
        return names
    }
}

/// SK_MODEL_FUNCTIONAL, SK_MODEL_SEQUENTIAL or SK_MODEL_SUBCLASSED.
func modelKind(_ m: Model) -> Int32 {
    m is Sequential ? SK_MODEL_SEQUENTIAL : (m.inputs.isEmpty ? SK_MODEL_SUBCLASSED : SK_MODEL_FUNCTIONAL)
}

// MARK: - Output redirection

extension CCallback where Fn == sk_output_fn {
    /// Sends one line (or live-bar text) to the C output callback.
    func emit(_ line: String) { line.withCString { fn(userData.pointer, $0) } }
}

/// `Model.output` and `Model.transientOutput` are shared by all models; the C API installs
/// (once) hooks that send a line to the output callback, and a live-bar update to the live
/// callback, of the model whose C call is running on the current thread — or else to the
/// previous hooks (stdout, and the terminal's live bar). A model with an output callback but no
/// live callback gets no live bar (its callback receives whole lines only).
enum OutputRedirect {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    private static func current() -> ModelBox? {
        pthread_getspecific(key).map { Unmanaged<ModelBox>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let installed: Bool = {
        let previous = Model.output
        Model.output = { line in
            if let s = OutputRedirect.current()?.sink { s.emit(line) } else { previous(line) }
        }
        let previousLive = Model.transientOutput
        Model.transientOutput = { text in
            if let box = OutputRedirect.current() { box.liveSink?.emit(text) } else { previousLive?(text) }
        }
        return true
    }()

    /// Runs `body` with the model's callbacks (if any) receiving this thread's output. The
    /// model is kept alive until `body` returns, so a callback that releases the caller's last
    /// handle (fit's hooks, a custom layer, the output callbacks) cannot free it mid-call.
    static func with<R>(_ box: ModelBox, _ body: () throws -> R) rethrows -> R {
        guard box.sink != nil || box.liveSink != nil else { return try withExtendedLifetime(box) { try body() } }
        _ = installed
        let saved = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(box).toOpaque())
        defer { pthread_setspecific(key, saved) }
        return try withExtendedLifetime(box) { try body() }
    }
}

// MARK: - Models

@c @implementation
public func sk_sequential_create(_ layers: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ name: UnsafePointer<CChar>?,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_sequential_create") {
        try checkCount(n, "sk_sequential_create", "layers")
        var ls: [Layer] = []
        if n > 0 {
            guard let layers else { throw SwiftKerasError(.invalidArgument, "sk_sequential_create: layers is NULL but n_layers is \(n)") }
            for i in 0..<Int(n) { ls.append(try unwrap(layers[i], "sk_sequential_create", "layers[i]", as: Layer.self)) }
        }
        return ModelBox(try Sequential(ls, name: optionalString(name)))
    }
}

@c @implementation
public func sk_model_create(_ inputs: UnsafePointer<OpaquePointer?>?, _ nIn: Int32, _ outputs: UnsafePointer<OpaquePointer?>?,
                            _ nOut: Int32, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_create") {
        let ins = try handleList(inputs, nIn, "sk_model_create", "inputs", as: KerasTensor.self)
        let outs = try handleList(outputs, nOut, "sk_model_create", "outputs", as: KerasTensor.self)
        return ModelBox(try Model(inputs: ins, outputs: outs, name: optionalString(name)))
    }
}

@c @implementation
public func sk_model_add(_ model: OpaquePointer?, _ layer: OpaquePointer?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_add", "model", as: ModelBox.self).model
        let l = try unwrap(layer, "sk_model_add", "layer", as: Layer.self)
        guard let s = m as? Sequential else {
            throw SwiftKerasError(.invalidArgument, "sk_model_add: model '\(m.name)' is not a Sequential model")
        }
        try s.add(l)
    }
}

/// The C callbacks of a subclassed model (its user_data is destroyed once, when the model goes away).
@c @implementation
public func sk_model_create_custom(_ name: UnsafePointer<CChar>?, _ build: sk_layer_build_fn?, _ call: sk_layer_call_fn?,
                                   _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceCustom(name, build, call, userData, destroy, out, "sk_model_create_custom") { name, cb in
        let m = ClosureModel(name: name, className: "CustomModel",
                             build: build == nil ? nil : { m, shapes in try cb.build(m, "model '\(m.name)'", shapes) },
                             call: { m, xs, training in try cb.call(m, "model '\(m.name)'", xs, training: training) })
        return ModelBox(m)
    }
}

@c @implementation
public func sk_model_layers(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                            _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_layers", "model", as: ModelBox.self).model
        let ls = m.layers
        count?.pointee = Int32(ls.count)
        guard let out else {
            if capacity == 0 { return }
            throw SwiftKerasError(.invalidArgument, "sk_model_layers: out is NULL but capacity is \(capacity)")
        }
        if capacity < 0 || Int(capacity) < ls.count {
            throw SwiftKerasError(.invalidArgument, "sk_model_layers: capacity \(capacity) is smaller than the \(ls.count) layers")
        }
        for (i, l) in ls.enumerated() { out[i] = retained(l) }
    }
}

@c @implementation
public func sk_model_trainable_weights(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                       _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_trainable_weights", "model", as: ModelBox.self).model
        try writeHandles(m.trainableWeights, out, capacity, count, "sk_model_trainable_weights") { retained(VariableBox($0)) }
    }
}

/// Installs (fn non-NULL) or removes (NULL) one of the model's output callbacks.
private func setOutputCallback(_ model: OpaquePointer?, _ fn: sk_output_fn?, _ userData: UnsafeMutableRawPointer?,
                               _ destroy: CDestroy?, _ name: StaticString,
                               _ slot: ReferenceWritableKeyPath<ModelBox, CCallback<sk_output_fn>?>) -> Int32 {
    let owner = CUserData(userData, destroy)  // kept by the model, or destroyed now
    return status {
        let b = try unwrap(model, name, "model", as: ModelBox.self)
        b[keyPath: slot] = fn.map { CCallback($0, owner) }
    }
}

@c @implementation
public func sk_model_set_output_callback(_ model: OpaquePointer?, _ fn: sk_output_fn?, _ userData: UnsafeMutableRawPointer?,
                                         _ destroy: CDestroy?) -> Int32 {
    setOutputCallback(model, fn, userData, destroy, "sk_model_set_output_callback", \.sink)
}

@c @implementation
public func sk_model_set_live_callback(_ model: OpaquePointer?, _ fn: sk_output_fn?, _ userData: UnsafeMutableRawPointer?,
                                       _ destroy: CDestroy?) -> Int32 {
    setOutputCallback(model, fn, userData, destroy, "sk_model_set_live_callback", \.liveSink)
}
