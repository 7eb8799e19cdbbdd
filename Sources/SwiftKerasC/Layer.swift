import SwiftKerasCHeader
import SwiftKeras

// Keras layers through the C ABI: custom layers through callbacks, weights, calling (eager and
// symbolic: the functional API's keras tensors), nesting, the mixed-precision policy. An sk_layer
// handle is a retained `Layer`; creation by class name + JSON config, the release, the name,
// class name and parameter count are generated (GeneratedHandles.swift).

// MARK: - Custom layers

/// The build and call callbacks of a custom layer or a subclassed model (Model/Model.swift),
/// sharing one user_data.
struct LayerFns {
    let build: sk_layer_build_fn?
    let call: sk_layer_call_fn
}

extension CCallback where Fn == LayerFns {
    /// Runs the build callback (if any) with the first input's shape; `what` names the layer
    /// ("layer 'dense'", "model 'm'") in errors.
    func build(_ layer: Layer, _ what: String, _ inputShapes: [[Int]]) throws {
        guard let build = fn.build, let shape = inputShapes.first else { return }
        let s = shape.map { Int64($0) }
        try check("\(what) build") { _, ud in
            s.withUnsafeBufferPointer { build(ud, borrowed(layer), $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Runs the call callback on borrowed inputs; it must write one output.
    func call(_ layer: Layer, _ what: String, _ inputs: [Tensor], training: Bool) throws -> Tensor {
        try tensor("\(what) call", missing: "\(what): the call callback returned SK_OK without writing an output") { fn, ud, out in
            withBorrowedHandles(inputs) { fn.call(ud, borrowed(layer), $0, $1, training ? 1 : 0, out) }
        }
    }
}

/// A `Layer` whose build and call are C callbacks (Keras custom layer subclass). The user_data
/// is destroyed once, when the layer object goes away.
final class CallbackLayer: Layer {
    let callbacks: CCallback<LayerFns>
    /// The mask callbacks (`sk_layer_set_mask_fns`; LayerMasks.swift), nil without.
    var maskCallbacks: CCallback<LayerMaskFns>?

    init(name: String?, _ callbacks: CCallback<LayerFns>) {
        self.callbacks = callbacks
        super.init(name: name ?? Layer.autoName("CustomLayer"))
    }

    override func build(inputShapes: [[Int]]) throws {
        try callbacks.build(self, "layer '\(name)'", inputShapes)
    }

    override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callbacks.call(self, "layer '\(name)'", inputs, training: training)
    }

    override func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        guard let m = maskCallbacks, m.fn.callMasked != nil else { return try super.callOutputs(inputs, masks: masks, training: training) }
        return [try m.callMasked(self, inputs, masks, training: training)]
    }

    override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard let m = maskCallbacks, m.fn.callMasked != nil else { return try super.computeOutputShape(inputShapes) }
        return try maskedOutputShapes(inputShapes).first ?? []
    }

    override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        guard let m = maskCallbacks, m.fn.callMasked != nil else { return try super.computeOutputShape(inputShape) }
        return try maskedOutputShapes([inputShape]).first ?? []
    }

    override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        guard let m = maskCallbacks, m.fn.computeMask != nil else { return try super.computeMasks(inputs, masks: masks) }
        return [try m.computeMask(self, inputs, masks)]
    }
}

/// sk_layer_create_custom and sk_model_create_custom: `make` builds the object from its name and
/// its C callbacks (`call` is required; user_data is destroyed exactly once, also on failure).
@inline(__always)
func produceCustom<T: AnyObject>(_ name: UnsafePointer<CChar>?, _ build: sk_layer_build_fn?, _ call: sk_layer_call_fn?,
                                 _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                                 _ make: (String?, CCallback<LayerFns>) throws -> T) -> Int32 {
    let owner = CUserData(userData, destroy)
    return produce(out, fn) {
        guard let call else { throw SwiftKerasError(.invalidArgument, "\(fn): call is NULL") }
        return try make(optionalString(name), CCallback(LayerFns(build: build, call: call), owner))
    }
}

@c @implementation
public func sk_layer_create_custom(_ name: UnsafePointer<CChar>?, _ build: sk_layer_build_fn?, _ call: sk_layer_call_fn?,
                                   _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceCustom(name, build, call, userData, destroy, out, "sk_layer_create_custom") { name, cb in
        CallbackLayer(name: name, cb) as Layer
    }
}

/// The Keras class name of a layer as load_model and get_config report it.
func layerClassName(_ l: Layer) -> String {
    switch l {
    case let m as ClosureModel: return m.subclassName
    case let m as Model where !(m is Sequential) && !m.inputs.isEmpty: return "Functional"
    case is CallbackLayer: return "CustomLayer"
    case is CallbackRecurrentCell: return "CustomRNNCell"
    default: return l.className
    }
}

// MARK: - Weights and calling

@c @implementation
public func sk_layer_add_weight(_ layer: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?,
                                _ ndim: Int32, _ initializer: UnsafePointer<CChar>?, _ trainable: UInt8,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return status {
        let l = try unwrap(layer, "sk_layer_add_weight", "layer", as: Layer.self)
        let n = try cString(name, "sk_layer_add_weight", "name")
        let s = try shapeArray(shape, ndim, "sk_layer_add_weight")
        let ini = try initializer.map { try Initializers.named(String(cString: $0)) }
        let v = try l.addWeight(name: n, shape: s, initializer: ini, trainable: trainable != 0)
        out?.pointee = retained(VariableBox(v))
    }
}

/// A call's `training` byte: 0 false, 2 not given (tf.keras 2's None: inherited from the
/// enclosing call, else each layer's default), anything else true.
func trainingArgument(_ t: UInt8) -> Bool? { t == 2 ? nil : t != 0 }

@c @implementation
public func sk_layer_call(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                          _ training: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_layer_call") {
        let l = try unwrap(layer, "sk_layer_call", "layer", as: Layer.self)
        let xs = try tensorList(inputs, n, "sk_layer_call", "inputs")
        return try CallContext.withTraining(trainingArgument(training)) { try l(xs, training: $0) }
    }
}

@c @implementation
public func sk_layer_call_multi(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                                _ training: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                                _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_call_multi", "layer", as: Layer.self)
        let xs = try tensorList(inputs, n, "sk_layer_call_multi", "inputs")
        try writeHandles(try CallContext.withTraining(trainingArgument(training)) { try l.outputs(xs, training: $0) }, out, capacity, count, "sk_layer_call_multi",
                         what: "outputs") { handle($0) }
    }
}

/// The call arguments of `sk_layer_call_ex` / `sk_layer_call_symbolic_ex`: a JSON object (NULL: none).
func callArguments(_ json: UnsafePointer<CChar>?, _ fn: StaticString) throws -> [String: ConfigValue] {
    let v = try ConfigValue.parse(json: configJSON(json))
    guard case .object(let o) = v else {
        throw SwiftKerasError(.invalidArgument, "\(fn): arguments_json must be a JSON object, got \(v.json)")
    }
    return o
}

@c @implementation
public func sk_layer_call_ex(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                             _ arguments: UnsafePointer<CChar>?, _ training: UInt8,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_call_ex", "layer", as: Layer.self)
        let xs = try tensorList(inputs, n, "sk_layer_call_ex", "inputs")
        let a = try callArguments(arguments, "sk_layer_call_ex")
        try writeHandles(try CallContext.withTraining(trainingArgument(training)) { try l.outputs(xs, arguments: a, training: $0) }, out, capacity, count, "sk_layer_call_ex",
                         what: "outputs") { handle($0) }
    }
}

@c @implementation
public func sk_layer_call_masked(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                                 _ masks: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ training: UInt8,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?, _ outMasks: UnsafeMutablePointer<OpaquePointer?>?,
                                 _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_call_masked", "layer", as: Layer.self)
        let xs = try tensorList(inputs, n, "sk_layer_call_masked", "inputs")
        let ms: [Tensor?] = try masks.map { p in
            try (0..<xs.count).map { i in try p[i].map { try tensor($0, "sk_layer_call_masked", "masks") } }
        } ?? []
        let r = try CallContext.withTraining(trainingArgument(training)) { try l.outputsAndMasks(xs, masks: ms, training: $0) }
        try writeHandles(r.outputs, out, capacity, count, "sk_layer_call_masked", what: "outputs") { handle($0) }
        if let outMasks, out != nil { for (i, m) in r.masks.enumerated() { outMasks[i] = m.map { handle($0) } } }
    }
}

@c @implementation
public func sk_layer_supports_masking(_ layer: OpaquePointer?, _ set: UInt8, _ value: UInt8,
                                      _ out: UnsafeMutablePointer<UInt8>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_supports_masking", "layer", as: Layer.self)
        if set != 0 { l.supportsMasking = value != 0 }
        out?.pointee = l.supportsMasking ? 1 : 0
    }
}

@c @implementation
public func sk_layer_reset_states(_ layer: OpaquePointer?, _ states: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_reset_states", "layer", as: Layer.self)
        try l.resetStates(n == 0 ? nil : try tensorList(states, n, "sk_layer_reset_states", "states"))
    }
}

@c @implementation
public func sk_layer_states(_ layer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                            _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_states", "layer", as: Layer.self)
        try writeHandles((l as? RecurrentLayer)?.states ?? (l as? RNN)?.states ?? [], out, capacity, count, "sk_layer_states", what: "states") { handle($0) }
    }
}

@c @implementation
public func sk_layer_add_loss(_ layer: OpaquePointer?, _ loss: OpaquePointer?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_add_loss", "layer", as: Layer.self)
        l.addLoss(try unwrap(loss, "sk_layer_add_loss", "loss", as: Tensor.self))
    }
}

@c @implementation
public func sk_layer_losses(_ layer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                            _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_losses", "layer", as: Layer.self)
        try writeHandles(try l.losses, out, capacity, count, "sk_layer_losses", what: "losses") { handle($0) }
    }
}

@c @implementation
public func sk_layer_weights(_ layer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_weights", "layer", as: Layer.self)
        try writeHandles(l.getWeights(), out, capacity, count, "sk_layer_weights") { handle($0) }
    }
}

@c @implementation
public func sk_layer_variables(_ layer: OpaquePointer?, _ trainableOnly: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                               _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_variables", "layer", as: Layer.self)
        let vs = trainableOnly != 0 ? l.trainableWeights : l.weights
        try writeHandles(vs, out, capacity, count, "sk_layer_variables") { retained(VariableBox($0)) }
    }
}

@c @implementation
public func sk_layer_set_weights(_ layer: OpaquePointer?, _ values: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_set_weights", "layer", as: Layer.self)
        try l.setWeights(try tensorList(values, n, "sk_layer_set_weights", "values"))
    }
}

@c @implementation
public func sk_layer_track(_ parent: OpaquePointer?, _ child: OpaquePointer?) -> Int32 {
    status {
        let fn: StaticString = "sk_layer_track"
        let p = try unwrap(parent, fn, "parent", as: Layer.self)
        let c = try unwrap(child, fn, "child", as: Layer.self)
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

@c @implementation
public func sk_layer_track_variable(_ layer: OpaquePointer?, _ variable: OpaquePointer?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_track_variable", "layer", as: Layer.self)
        l.trackVariable(try unwrap(variable, "sk_layer_track_variable", "variable", as: VariableBox.self).variable)
    }
}

// MARK: - Functional API: symbolic tensors

@c @implementation
public func sk_input(_ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ dtype: Int32, _ name: UnsafePointer<CChar>?,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_input") {
        let s = try shapeArray(shape, ndim, "sk_input")
        let d = try dtypeCode(dtype, "sk_input")
        return try Input(shape: s, dtype: d, name: optionalString(name))
    }
}

@c @implementation
public func sk_layer_call_symbolic(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_layer_call_symbolic") {
        let l = try unwrap(layer, "sk_layer_call_symbolic", "layer", as: Layer.self)
        let xs = try handleList(inputs, n, "sk_layer_call_symbolic", "inputs", as: KerasTensor.self)
        return try l(xs)
    }
}

@c @implementation
public func sk_layer_call_symbolic_multi(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                                         _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_call_symbolic_multi", "layer", as: Layer.self)
        let xs = try handleList(inputs, n, "sk_layer_call_symbolic_multi", "inputs", as: KerasTensor.self)
        try writeHandles(try l.outputs(xs), out, capacity, count, "sk_layer_call_symbolic_multi", what: "outputs") { retained($0) }
    }
}

@c @implementation
public func sk_layer_call_symbolic_ex(_ layer: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32,
                                      _ arguments: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                      _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_call_symbolic_ex", "layer", as: Layer.self)
        let xs = try handleList(inputs, n, "sk_layer_call_symbolic_ex", "inputs", as: KerasTensor.self)
        let a = try callArguments(arguments, "sk_layer_call_symbolic_ex")
        try writeHandles(try l.outputs(xs, arguments: a), out, capacity, count, "sk_layer_call_symbolic_ex",
                         what: "outputs") { retained($0) }
    }
}

@c @implementation
public func sk_keras_tensor_shape(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
                                  _ ndim: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let k = try unwrap(t, "sk_keras_tensor_shape", "tensor", as: KerasTensor.self)
        ndim?.pointee = Int32(k.shape.count)
        try writeShape(k.shape, out, capacity, "sk_keras_tensor_shape")
    }
}

// MARK: - Mixed precision

@c @implementation
public func sk_set_global_policy(_ name: UnsafePointer<CChar>?) -> Int32 {
    status { DTypePolicy.global = try DTypePolicy(try cString(name, "sk_set_global_policy", "name")) }
}

@c @implementation
public func sk_global_policy(_ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try copyString(DTypePolicy.global.name, buf, capacity, length, "sk_global_policy") }
}

