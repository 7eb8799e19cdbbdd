import Synchronization

/// The base class of layers: a named, callable computation with weights, after Keras 3
/// `keras.layers.Layer` (and the shape of Swift for TensorFlow's `Layer`).
///
/// A subclass creates its weights in `build(inputShape:)` with `addWeight(...)` — called once,
/// on the first call, with the first input's shape — and computes in `call(_:training:)`.
/// `callAsFunction` builds if needed, casts floating inputs to the compute dtype of the layer's
/// `dtypePolicy` (Keras autocast) and runs `call`.
///
/// Shapes include the batch dimension. In `computeOutputShape` (and `batchInputShape`) a
/// dimension of -1 stands for an unknown size (Keras' `None`).
///
/// Layers holding other layers register them with `track(_:)` so their weights and losses
/// are part of this layer's. A layer is used from one thread at a time.
open class Layer: CustomStringConvertible {
    /// The layer's name: the one given, or a unique one derived from the class name
    /// ("dense", "dense_1", ... as Keras' `auto_name`). A wrapper renames the layers it holds
    /// (`Bidirectional`: "forward_lstm").
    public internal(set) var name: String
    /// What weight names start with instead of the layer's name (a wrapper's layers name their
    /// weights in the wrapper's scope, as Keras: "time_distributed/kernel"); nil: the name.
    var weightNamePrefix: String?
    /// The dtype policy (compute and variable dtypes).
    public let dtypePolicy: DTypePolicy
    /// Whether floating inputs and weights are cast to the compute dtype when the layer is
    /// called (Keras `autocast`, true by default).
    public var autocast = true
    /// A penalty on the layer's output, added to `losses` on each call (Keras `activity_regularizer`).
    public var activityRegularizer: Regularizer?
    /// The expected input shape with the batch dimension (-1 when unknown), if given at
    /// construction (Keras `input_shape=` / `batch_input_shape`).
    public var batchInputShape: [Int]?
    /// Whether `build` has run.
    public private(set) var built = false
    /// The input shapes `build` ran with (nil before), recorded so that a saved model whose
    /// weights are made on its first call can be built again before its weights are loaded.
    public private(set) var builtInputShapes: [[Int]]?
    /// Where the serialized config `{"class_name": ..., "config": {...}}` of a layer defined
    /// outside the core comes from (a C or Python custom layer or subclassed model); nil for
    /// built-in layers, which serialize themselves (`serializedLayer`).
    public var configSource: (() throws -> ConfigValue)?
    /// Whether the layer passes its input mask on to its output (Keras `supports_masking`): the
    /// default `computeMasks` returns the input mask when true and no mask when false. Built-in
    /// layers take it from `MaskRules` (`Layers/Masking.swift`); custom layers set it.
    public var supportsMasking = false
    /// How many times the layer was called on symbolic tensors (its functional node count).
    let symbolicCalls = Mutex<Int>(0)
    /// Those calls' shapes and (weakly) tensors, for `layer.input`/`output` (see LayerNodes.swift).
    let symbolicCallRecords = Mutex<[SymbolicCallRecord]>([])

    private var trainableFlag: Bool
    private var ownWeights: [Variable] = []
    private var ownTrainable: Set<Int> = []   // ids of variables added as trainable
    private var weightRegularizers: [Int: Regularizer] = [:]
    /// The constraints under the class's constraint keys ("kernel_constraint", ...; see
    /// `Layers/Constraints.swift`), given to the weights they apply to as they are created.
    var keyedConstraints: [String: Constraint] = [:]
    /// The layers this layer holds (registered with `track`), in registration order.
    public private(set) var trackedLayers: [Layer] = []
    private var callLosses: [Tensor] = []
    /// Zero-argument losses (tf.keras 2 `add_loss(callable)`), evaluated each time `losses` is read.
    private var lossFunctions: [() throws -> Tensor] = []
    /// The metrics `addMetric` made for this layer, one per name in creation order.
    private var ownAddedMetrics: [Metrics.Mean] = []

    /// Creates a layer.
    /// - Parameters:
    ///   - name: the name; nil gives a unique name from the class name.
    ///   - dtype: the dtype policy; nil takes `DTypePolicy.global` now.
    ///   - trainable: whether the layer's weights are trained.
    ///   - inputShape: the input shape without the batch dimension (Keras `input_shape=`).
    public init(name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) {
        self.name = name ?? Layer.autoName(String(describing: Self.self))
        dtypePolicy = dtype ?? DTypePolicy.global
        trainableFlag = trainable
        batchInputShape = inputShape.map { [-1] + $0 }
        supportsMasking = MaskRules.passesMasks(Self.self)
    }

    public var description: String { "<\(String(describing: type(of: self))) name=\(name), built=\(built)>" }

    /// The layer's config with Keras' keys (Keras `layer.get_config()`): the base keys "name",
    /// "trainable", "dtype" (the dtype policy's name), "batch_input_shape" when the layer was
    /// given an input shape and "activity_regularizer" when set, plus the class's arguments
    /// ("units", "activation", "use_bias", "kernel_initializer", "filters", "kernel_size",
    /// "strides", "padding", "data_format", "rate", ...). Initializers and regularizers are
    /// `{"class_name": ..., "config": ...}` dictionaries, activations their names.
    /// `layerFromConfig(className: layer.className, config: layer.getConfig())` rebuilds an
    /// equal, unbuilt layer. Each built-in layer class overrides it (calling `baseConfig()`).
    ///
    /// - Throws: `.invalidArgument` for a `Lambda` layer (its function cannot be serialized), a
    ///   custom initializer or regularizer, or a layer class with no config support (models:
    ///   see `Model.getModelConfig()`).
    open func getConfig() throws -> ConfigValue {
        throw SwiftKerasError(.invalidArgument, "get_config: layer '\(name)' of class \(className) has no get_config (only built-in layers and Sequential/functional models are serializable; register custom classes with LayerRegistry and build them in code)")
    }

    // MARK: Names

    private static let nameUIDs = Mutex<[String: Int]>([:])

    /// A unique snake-case name for a class name, as Keras' `auto_name`: the first
    /// "Dense" gives "dense", the next "dense_1", and so on. C and Python subclasses use it
    /// with their own class names. `zeroBased: false` counts from 1 ("input_1", tf.keras 2's
    /// `unique_object_name(..., zero_based=False)`).
    public static func autoName(_ className: String, zeroBased: Bool = true) -> String {
        let base = snakeCase(className)
        return nameUIDs.withLock { uids in
            let n = uids[base, default: 0]
            uids[base] = n + 1
            if !zeroBased { return "\(base)_\(n + 1)" }
            return n == 0 ? base : "\(base)_\(n)"
        }
    }

    /// Forgets the automatic-name counters (part of Keras' `clear_session`).
    public static func resetAutoNames() {
        nameUIDs.withLock { $0.removeAll() }
    }

    /// Keras' `to_snake_case`: "BatchNormalization" → "batch_normalization",
    /// "Conv2DTranspose" → "conv2d_transpose", "SimpleRNN" → "simple_rnn".
    public static func snakeCase(_ name: String) -> String {
        let c = Array(name.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" })
        func upper(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }
        func lower(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) }
        // (.)([A-Z][a-z]+) → \1_\2
        var s1: [Unicode.Scalar] = []
        var i = 0
        while i < c.count {
            if i + 2 < c.count && upper(c[i + 1]) && lower(c[i + 2]) {
                s1 += [c[i], "_", c[i + 1]]
                var j = i + 2
                while j < c.count && lower(c[j]) { s1.append(c[j]); j += 1 }
                i = j
            } else {
                s1.append(c[i]); i += 1
            }
        }
        // ([a-z])([A-Z]) → \1_\2
        var s2 = ""
        i = 0
        while i < s1.count {
            if i + 1 < s1.count && lower(s1[i]) && upper(s1[i + 1]) {
                s2.unicodeScalars.append(contentsOf: [s1[i], "_", s1[i + 1]])
                i += 2
            } else {
                s2.unicodeScalars.append(s1[i]); i += 1
            }
        }
        return s2.lowercased()
    }

    // MARK: Dtypes and trainability

    /// The dtype computations run in (`compute_dtype`).
    public var computeDType: DType { dtypePolicy.computeDType }
    /// The dtype of the layer's variables (`variable_dtype`, Keras' `layer.dtype`).
    public var variableDType: DType { dtypePolicy.variableDType }

    /// Whether the layer's weights are trained. Setting it sets the `trainable` flag of every
    /// weight added as trainable and of every tracked layer (Keras 3).
    public var trainable: Bool {
        get { trainableFlag }
        set {
            trainableFlag = newValue
            for v in ownWeights where ownTrainable.contains(v.id) { v.trainable = newValue }
            for l in trackedLayers { l.trainable = newValue }
        }
    }

    /// Registers `layer` as part of this one: its weights, losses and trainability follow this
    /// layer's. Returns `layer`.
    @discardableResult
    public func track<L: Layer>(_ layer: L) -> L {
        if !trackedLayers.contains(where: { $0 === layer }) { trackedLayers.append(layer) }
        return layer
    }

    /// Removes `layer` from the layers this one holds (undoes `track`; nothing happens for a
    /// layer it does not hold).
    public func untrack(_ layer: Layer) {
        trackedLayers.removeAll { $0 === layer }
    }

    // MARK: Weights

    /// Creates a weight (Keras `add_weight`) named "<layer name>/<name>".
    /// - Parameters:
    ///   - shape: its shape (no -1).
    ///   - initializer: makes its value; nil gives glorot_uniform for floats, zeros otherwise.
    ///   - regularizer: a penalty included in `losses` while the weight is trainable.
    ///   - constraint: the projection optimizers apply after each update (Keras
    ///     `add_weight(constraint=)`); nil takes the layer's constraint for the weight's name
    ///     ("kernel" → "kernel_constraint", `setConstraint(_:forKey:)`), if any.
    ///   - trainable: whether gradients update it.
    ///   - dtype: its dtype; nil gives the policy's variable dtype.
    @discardableResult
    public func addWeight(name: String, shape: [Int], initializer: Initializer? = nil,
                          regularizer: Regularizer? = nil, constraint: Constraint? = nil, trainable: Bool = true,
                          dtype: DType? = nil) throws -> Variable {
        let d = dtype ?? variableDType
        if shape.contains(where: { $0 < 0 }) {
            throw SwiftKerasError.invalid("add_weight: layer '\(self.name)': weight '\(name)' has an invalid shape \(formatShape(shape)); every dimension must be known and non-negative")
        }
        let ini = initializer ?? (d.isFloatingPoint ? GlorotUniform() : Zeros())
        let value = try ini(shape, dtype: d)
        if value.shape != shape {
            throw SwiftKerasError.invalid("add_weight: layer '\(self.name)': the initializer of '\(name)' returned shape \(formatShape(value.shape)) for shape \(formatShape(shape))")
        }
        let v = Variable(try value.cast(to: d), name: "\(weightNamePrefix ?? self.name)/\(name)", trainable: trainable && trainableFlag)
        ownWeights.append(v)
        if trainable { ownTrainable.insert(v.id) }
        if let regularizer { weightRegularizers[v.id] = regularizer }
        v.constraint = constraint ?? LayerConstraintKeys.key(forWeight: name).flatMap { keyedConstraints[$0] }
        return v
    }

    /// Makes an existing variable one of this layer's own weights (tf.keras 2's attribute
    /// tracking of `self.w = tf.Variable(...)`): trainable as the variable is; tracking it again
    /// does nothing.
    public func trackVariable(_ v: Variable) {
        if ownWeights.contains(where: { $0 === v }) { return }
        ownWeights.append(v)
        if v.trainable { ownTrainable.insert(v.id) }
    }

    /// All weights: this layer's own (trainable ones first, each in creation order), then the
    /// tracked layers' (Keras `layer.weights`).
    public var weights: [Variable] {
        var out = ownWeights.filter { ownTrainable.contains($0.id) } + ownWeights.filter { !ownTrainable.contains($0.id) }
        var seen = Set(out.map { $0.id })
        for l in trackedLayers {
            for w in l.weights where !seen.contains(w.id) {
                out.append(w)
                seen.insert(w.id)
            }
        }
        return out
    }

    /// The weights gradients update: none when the layer is not trainable (Keras `trainable_weights`).
    public var trainableWeights: [Variable] {
        trainable ? weights.filter { $0.trainable } : []
    }

    /// The other weights (moving statistics, or everything when the layer is frozen).
    public var nonTrainableWeights: [Variable] {
        trainable ? weights.filter { !$0.trainable } : weights
    }

    /// The number of scalars in all weights (Keras `count_params`).
    public func countParams() -> Int {
        weights.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    /// The current values of `weights` (Keras `get_weights`).
    public func getWeights() -> [Tensor] {
        withoutRecording { weights.map { $0.value } }
    }

    /// Assigns `values` to `weights` in order (Keras `set_weights`): the count and every shape
    /// must match; values are converted to each variable's dtype. Nothing is assigned when
    /// any check fails.
    public func setWeights(_ values: [Tensor]) throws {
        let ws = weights
        if values.count != ws.count {
            throw SwiftKerasError.invalid("set_weights: you called `set_weights(weights)` on layer '\(name)' with a weight list of length \(values.count), but the layer was expecting \(ws.count) weights")
        }
        var converted: [Tensor] = []
        for (w, v) in zip(ws, values) {
            if w.shape != v.shape {
                throw SwiftKerasError.invalid("set_weights: layer '\(name)' weight shape \(formatShape(w.shape)) is not compatible with provided weight shape \(formatShape(v.shape)) (weight '\(w.name)')")
            }
            converted.append(try v.cast(to: w.dtype))
        }
        for (w, v) in zip(ws, converted) { try w.assign(v) }
    }

    /// A weight's value for use in `call`: cast to the compute dtype when the layer autocasts
    /// and the weight is floating point (how Keras autocasts variables under mixed precision).
    /// Reading it lets a recording tape trace gradients to the variable.
    public func read(_ variable: Variable) throws -> Tensor {
        let v = variable.value
        if autocast && v.dtype.isFloatingPoint && v.dtype != computeDType {
            return try v.cast(to: computeDType)
        }
        return v
    }

    // MARK: Losses

    /// Adds a loss computed during `call` (Keras `add_loss`); cleared at the start of each call.
    public func addLoss(_ loss: Tensor) {
        callLosses.append(loss)
    }

    /// Adds a loss that is computed again each time `losses` is read (tf.keras 2 `add_loss` with
    /// a zero-argument callable, e.g. a penalty on a variable): every training step sees its
    /// current value, under the step's tape.
    public func addLoss(_ loss: @escaping () throws -> Tensor) {
        lossFunctions.append(loss)
    }

    /// Records `value` in the metric named `name` (tf.keras 2 `add_metric(value, name,
    /// aggregation="mean")`): one `Mean` per name, made by its first value, updated with the mean
    /// of every value given; it is listed in `Model.metrics`, reset with the model's metrics and
    /// reported in the logs under its name.
    /// - Throws: `.invalidArgument` for an empty name, an aggregation other than "mean", or a
    ///   value that is not numeric.
    public func addMetric(_ value: Tensor, name: String, aggregation: String = "mean") throws {
        if name.isEmpty { throw SwiftKerasError.invalid("add_metric: the metric needs a name (layer '\(self.name)')") }
        if aggregation != "mean" {
            throw SwiftKerasError.invalid("add_metric: we currently support only `mean` sample-wise metric aggregation; you provided aggregation=`\(aggregation)` (metric '\(name)')")
        }
        let m = ownAddedMetrics.first { $0.name == name } ?? {
            let m = Metrics.Mean(name: name)
            ownAddedMetrics.append(m)
            return m
        }()
        try withoutRecording { try m.update(values: value) }
    }

    /// The metrics of `addMetric` of this layer and its tracked layers (each once, this layer first).
    public var addedMetrics: [Metric] {
        var out: [Metric] = [], seen = Set<ObjectIdentifier>()
        func collect(_ l: Layer) {
            guard seen.insert(ObjectIdentifier(l)).inserted else { return }
            out += l.ownAddedMetrics
            for c in l.trackedLayers { collect(c) }
        }
        collect(self)
        return out
    }

    /// The losses of this layer and its tracked layers, layer by layer as tf.keras 2 lists them
    /// (this layer first, then its sublayers depth first, each once): the layer's terms of its
    /// last call (`addLoss`, activity regularization), then the regularization penalties of its
    /// trainable weights, computed now from their current values (so a recording tape
    /// differentiates them).
    public var losses: [Tensor] {
        get throws {
            let trainable = Set(trainableWeights.map(\.id))
            var out: [Tensor] = [], seen = Set<ObjectIdentifier>()
            func collect(_ l: Layer) throws {
                guard seen.insert(ObjectIdentifier(l)).inserted else { return }
                out += l.callLosses
                for w in l.ownWeights where trainable.contains(w.id) {
                    if let r = l.weightRegularizers[w.id] { out.append(try r(w.value)) }
                }
                for f in l.lossFunctions { out.append(try f()) }
                for c in l.trackedLayers { try collect(c) }
            }
            try collect(self)
            return out
        }
    }

    // MARK: Build and call (override points)

    /// Creates the weights for inputs of `inputShape` (batch included). Called once, before the
    /// first `call`. The default does nothing.
    open func build(inputShape: [Int]) throws {}

    /// Creates the weights for several inputs. The default calls `build(inputShape:)` with the
    /// first shape; multi-input layers override this.
    open func build(inputShapes: [[Int]]) throws {
        if let first = inputShapes.first { try build(inputShape: first) }
    }

    /// The computation for a single input. Layers taking one input override this.
    open func call(_ input: Tensor, training: Bool) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "Layer '\(name)' (\(String(describing: type(of: self)))) does not implement call()")
    }

    /// The computation (Keras `call(inputs, training)`). The default requires exactly one input
    /// and calls `call(_:training:)` with it; multi-input layers override this.
    open func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        if inputs.count != 1 {
            throw SwiftKerasError.invalid("Layer '\(name)' expects 1 input, but it received \(inputs.count) input tensors")
        }
        return try call(inputs[0], training: training)
    }

    /// The computation with the inputs' masks (Keras `call(inputs, mask=...)`): a layer that
    /// consumes masks (an RNN, `GlobalAveragePooling1D`) overrides this; it is called instead of
    /// `callOutputs(_:training:)` whenever an input has a mask (`masks[i]` is input `i`'s mask,
    /// `(batch, steps)` bool, or nil). The default ignores the masks.
    open func callOutputs(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, training: training)
    }

    /// The masks of the outputs (Keras `compute_mask`), one per output of `callOutputs` (nil: no
    /// mask), for these inputs and their masks (`masks` has one entry per input). The default
    /// (`MaskRules.passedMasks`): with `supportsMasking`, the input mask (several inputs: the
    /// logical and of the given masks, as Keras' merge layers); otherwise none.
    open func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        [try MaskRules.passedMasks(self, inputs, masks)]
    }

    /// All outputs and their masks: `callOutputs` (with masks when an input has one), then
    /// `computeMasks`. Models override it to carry masks between their layers.
    open func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        let hasMask = masks.contains { $0 != nil }
        let outs = hasMask ? try callOutputs(inputs, masks: masks, training: training) : try callOutputs(inputs, training: training)
        return (outs, try withoutRecording { try computeMasks(inputs, masks: masks) })
    }

    /// All outputs and their masks for a call with arguments besides the inputs (see
    /// `callOutputs(_:arguments:training:)`): the default runs that and `computeMasks`; layers
    /// that take both (the attention layers: masks become input roles) override it.
    open func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                  training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        let outs = try callOutputs(inputs, arguments: arguments, training: training)
        return (outs, try withoutRecording { try computeMasks(inputs, masks: masks) })
    }

    /// All outputs of the computation: layers with several outputs (an RNN with
    /// `returnState`) override this; the default is `[call(inputs, training)]`.
    open func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        [try call(inputs, training: training)]
    }

    /// The shapes of all outputs (see `callOutputs`) for inputs of these shapes: layers with
    /// several outputs override this; the default is `[computeOutputShape(inputShapes)]`.
    open func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        [try computeOutputShape(inputShapes)]
    }

    /// The computation with call arguments besides the input tensors (Keras keyword arguments
    /// of `call`, e.g. `return_attention_scores`, `use_causal_mask`, and `"inputs"`: the role of
    /// each input tensor). Layers taking such arguments override this; the default refuses any
    /// (`.unimplemented`, naming them) and calls `callOutputs(_:training:)`.
    open func callOutputs(_ inputs: [Tensor], arguments: [String: ConfigValue], training: Bool) throws -> [Tensor] {
        try refuseCallArguments(arguments)
        return try callOutputs(inputs, training: training)
    }

    /// The output shapes for inputs of these shapes called with `arguments` (see
    /// `callOutputs(_:arguments:training:)`); the default refuses any argument.
    open func computeOutputShapes(_ inputShapes: [[Int]], arguments: [String: ConfigValue]) throws -> [[Int]] {
        try refuseCallArguments(arguments)
        return try computeOutputShapes(inputShapes)
    }

    /// Creates the weights for inputs of these shapes called with `arguments`; the default
    /// calls `build(inputShapes:)` (arguments are checked by the call itself).
    open func build(inputShapes: [[Int]], arguments: [String: ConfigValue]) throws {
        try build(inputShapes: inputShapes)
    }

    /// Throws `.unimplemented` naming the call arguments when there are any.
    func refuseCallArguments(_ arguments: [String: ConfigValue]) throws {
        if !arguments.isEmpty {
            throw SwiftKerasError(.unimplemented, "Layer '\(name)' (\(className)): the call arguments \(arguments.keys.sorted()) are not supported")
        }
    }

    /// Resets the states of stateful layers (Keras `reset_states(states)`): nil values return
    /// them to zeros. The default resets the tracked layers (a model resets all its stateful
    /// layers) and refuses values, which only a stateful recurrent layer takes.
    open func resetStates(_ values: [Tensor]? = nil) throws {
        if values != nil {
            throw SwiftKerasError.invalid("reset_states: layer '\(name)' has no states to set")
        }
        for l in trackedLayers { try l.resetStates() }
    }

    /// The output shape for inputs of these shapes (-1 for unknown dimensions). The default
    /// calls `computeOutputShape(_:)` with the single shape, and for several inputs runs the
    /// layer on zeros (unknown dimensions as 1).
    open func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        if inputShapes.count == 1 { return try computeOutputShape(inputShapes[0]) }
        return try outputShapeByRunning(inputShapes)
    }

    /// The output shape for an input of `inputShape` (Keras `compute_output_shape`). The default
    /// builds the layer if needed and runs it on zeros (unknown dimensions as 1, reported back
    /// as -1 where the batch dimension was unknown).
    open func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        try outputShapeByRunning([inputShape])
    }

    private func outputShapeByRunning(_ shapes: [[Int]]) throws -> [Int] {
        let batchUnknown = shapes.first?.first == -1
        let zeros = try shapes.map { s in try Tensor.zeros(s.map { $0 < 0 ? 1 : $0 }, dtype: computeDType) }
        var out = try withoutRecording { try self(zeros, training: false).shape }
        if batchUnknown && !out.isEmpty { out[0] = -1 }
        return out
    }

    // MARK: Calling

    /// Calls the layer on one input: builds on first use, casts floating inputs to the compute
    /// dtype, runs `call` (Keras `layer(x, training=...)`).
    public func callAsFunction(_ input: Tensor, training: Bool = false) throws -> Tensor {
        try outputs([input], training: training)[0]
    }

    /// Calls the layer on several inputs (merge layers, an RNN with initial states).
    public func callAsFunction(_ inputs: [Tensor], training: Bool = false) throws -> Tensor {
        try outputs(inputs, training: training)[0]
    }

    /// Calls the layer and returns all its outputs (see `callOutputs`).
    public func outputs(_ inputs: [Tensor], training: Bool = false) throws -> [Tensor] {
        try outputsAndMasks(inputs, masks: [], training: training).outputs
    }

    /// Calls the layer with call arguments besides the inputs (see
    /// `callOutputs(_:arguments:training:)`) and returns all its outputs.
    public func outputs(_ inputs: [Tensor], arguments: [String: ConfigValue], training: Bool = false) throws -> [Tensor] {
        try outputsAndMasks(inputs, masks: [], arguments: arguments, training: training).outputs
    }

    /// Calls the layer on inputs with masks (`masks`: one per input, nil for none; an empty
    /// array: no masks) and call arguments besides the inputs, and returns all outputs with
    /// their masks (Keras: the `_keras_mask` of each output; one entry per output, nil for none).
    public func outputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue] = [:],
                                training: Bool = false) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try CallContext.enter(training) { try callWithContext(inputs, masks: masks, arguments: arguments, training: training) }
    }

    private func callWithContext(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                 training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        if inputs.isEmpty {
            throw SwiftKerasError.invalid("Layer '\(name)' was called with no inputs")
        }
        let xs = try inputs.map { x -> Tensor in
            if autocast && x.dtype.isFloatingPoint && x.dtype != computeDType { return try x.cast(to: computeDType) }
            return x
        }
        try buildIfNeeded(xs.map { $0.shape }, arguments: arguments)
        let inMasks = try MaskRules.checkedMasks(masks, for: xs, layer: name)
        callLosses.removeAll()
        for l in trackedLayers { l.clearCallLosses() }
        let (outs, outMasks) = arguments.isEmpty
            ? try callOutputsAndMasks(xs, masks: inMasks, training: training)
            : try callOutputsAndMasks(xs, masks: inMasks, arguments: arguments, training: training)
        if outs.isEmpty {
            throw SwiftKerasError.invalid("Layer '\(name)': call returned no outputs")
        }
        if let r = activityRegularizer {
            // tf.keras 2 `_handle_activity_regularization`: the penalty divided by the batch size
            // (divide_no_nan: an empty batch gives 0).
            for o in outs where o.dtype.isFloatingPoint {
                let batch = o.rank > 0 ? o.shape[0] : 1
                addLoss(batch == 0 ? try r(o) * 0.0 : try r(o) / Double(batch))
            }
        }
        return (outs, outs.indices.map { $0 < outMasks.count ? outMasks[$0] : nil })
    }

    private func clearCallLosses() {
        callLosses.removeAll()
        for l in trackedLayers { l.clearCallLosses() }
    }

    /// Builds the layer for inputs of these shapes unless built (Keras `_maybe_build`). If
    /// `build` throws, the weights it created are removed and the layer stays unbuilt.
    public func buildIfNeeded(_ inputShapes: [[Int]], arguments: [String: ConfigValue] = [:]) throws {
        if built { return }
        let before = ownWeights.count
        do {
            try withoutRecording { try build(inputShapes: inputShapes, arguments: arguments) }
        } catch {
            for v in ownWeights[before...] {
                ownTrainable.remove(v.id)
                weightRegularizers[v.id] = nil
            }
            ownWeights.removeSubrange(before...)
            throw error
        }
        built = true
        builtInputShapes = inputShapes
    }

    /// Checks that an input's last dimension is `expected` (shared by layers with weights
    /// sized by the input).
    public func checkLastDimension(_ x: Tensor, _ expected: Int) throws {
        if x.rank == 0 || x.shape[x.rank - 1] != expected {
            throw SwiftKerasError.invalid("Layer '\(name)': input has incompatible shape \(formatShape(x.shape)); expected last dimension \(expected)")
        }
    }

    /// Checks that an input shape has rank `rank` and, with `knownChannels`, a positive last
    /// dimension ("<Class> '<name>': expected an input of rank 4 with known channels, got ...").
    @inline(__always)
    func checkInputRank(_ shape: [Int], _ rank: Int, knownChannels: Bool = false) throws {
        if shape.count != rank || (knownChannels && shape[rank - 1] <= 0) {
            throw inputRankError(shape, rank, knownChannels: knownChannels)
        }
    }

    /// The error `checkInputRank` throws (kept out of line: the check sits on call paths).
    @inline(never)
    private func inputRankError(_ shape: [Int], _ rank: Int, knownChannels: Bool) -> SwiftKerasError {
        SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': expected an input of rank \(rank)\(knownChannels ? " with known channels" : ""), got shape \(formatShape(shape))")
    }

    /// `y` plus `bias` (when there is one) through `activation` (unless linear): how the dense
    /// and convolution layers end their calls.
    @inline(__always)
    func biasAndActivation(_ y: Tensor, _ bias: Variable?, _ activation: ActivationFunction) throws -> Tensor {
        if activation.isBuiltinReLU { return try y.biasAddedRelu(bias.map { try read($0) }) }
        var y = y
        if let bias { y = try y + read(bias) }
        return activation.isLinear ? y : try activation(y)
    }
}
