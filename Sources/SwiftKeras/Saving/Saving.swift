// Model configs (Sequential and functional, Keras 3 style) and whole-model files:
// `model.save` / `load_model`.
//
// File format: Keras 3 writes a `.keras` zip (config.json + model.weights.h5 + metadata.json).
// SwiftKeras writes ONE safetensors file instead: the weights as tensors (keyed as by
// `saveWeights`), and in the `__metadata__` string map:
//   "format": "swiftkeras.model", "version": "1",
//   "swiftkeras.model_config": the model's config JSON ({"class_name": ..., "config": ...}),
//   "swiftkeras.compile_config": {"optimizer": {"class_name", "config": {"learning_rate", ...}},
//                                 "loss": <name>, "metrics": [<name> | {"class_name", "config"}]}
//                                 (absent if not compiled; built-in metric objects keep their config).
// Any safetensors reader (Python `safetensors`, Rust, ...) reads the weights and the metadata.

/// Metadata keys of a whole-model file.
public enum ModelFileKeys {
    /// The model config JSON.
    public static let modelConfig = "swiftkeras.model_config"
    /// The compile config JSON.
    public static let compileConfig = "swiftkeras.compile_config"
}

extension Model {
    /// The model's serialized config `{"class_name": "Sequential" | "Functional", "config": ...}`
    /// (Keras `keras.saving.serialize_keras_object(model)`).
    ///
    /// Sequential: `{"name", "layers": [{"class_name", "config"}...], "build_input_shape"}`, with
    /// an InputLayer entry first when the input shape is known (as Keras 3).
    /// Functional: `{"name", "layers": [{"class_name", "config", "name", "inbound_nodes"}...],
    /// "input_layers": [[name, node, tensor]...], "output_layers": [[name, node, tensor]...]}`,
    /// where each inbound node is `{"args": [[layer name, node index, tensor index]...]}` — the
    /// tensors the layer was called on, node indices counted within this model — plus
    /// `"kwargs": {...}` when the call had arguments besides its inputs (an attention layer's
    /// `return_attention_scores`, the roles of its inputs).
    ///
    /// - Throws: `.invalidArgument` for a subclassed model or a layer without config support.
    public func getModelConfig() throws -> ConfigValue {
        if let seq = self as? Sequential {
            var layers: [ConfigValue] = []
            if let s = seq.batchInputShape {
                let il = try InputLayer(shape: Array(s.dropFirst()), batchSize: s[0] >= 0 ? s[0] : nil,
                                        name: "input_layer_of_\(name)")
                layers.append(serialized("InputLayer", try il.getConfig().objectValue))
            }
            for l in seq.layers { layers.append(try serializedLayer(l)) }
            var c: [String: ConfigValue] = ["name": .string(name), "layers": .array(layers),
                                            "trainable": .bool(trainable)]
            c["build_input_shape"] = seq.batchInputShape.map { .array($0.map { $0 < 0 ? .null : .int($0) }) } ?? .null
            return serialized("Sequential", c)
        }
        guard let graph else {
            throw SwiftKerasError(.invalidArgument, "get_config: model '\(name)' of class \(className) is neither Sequential nor functional; subclassed models cannot be serialized (save the weights with saveWeights and rebuild the model in code)")
        }
        // Node indices within this model, per layer, in execution order.
        var nodeIndex: [ObjectIdentifier: Int] = [:]
        var perLayer: [ObjectIdentifier: Int] = [:]
        for n in graph.nodes {
            let k = ObjectIdentifier(n.layer)
            nodeIndex[ObjectIdentifier(n)] = perLayer[k, default: 0]
            perLayer[k, default: 0] += 1
        }
        func ref(_ t: KerasTensor) -> ConfigValue {
            .array([.string(t.node.layer.name), .int(nodeIndex[ObjectIdentifier(t.node)] ?? 0), .int(t.outputIndex)])
        }
        var names = Set<String>()
        var layers: [ConfigValue] = []
        for l in graph.layers {
            if !names.insert(l.name).inserted {
                throw SwiftKerasError(.invalidArgument, "get_config: model '\(name)' has two layers named '\(l.name)'; layer names must be unique to serialize the model")
            }
            var entry: [String: ConfigValue]
            if let il = l as? InputLayer {
                var c = try il.getConfig().objectValue
                if let t = graph.inputs.first(where: { $0.node.layer === il }) { c["dtype"] = .string(t.dtype.name) }
                entry = ["class_name": .string("InputLayer"), "config": .object(c)]
            } else {
                entry = try serializedLayer(l).objectValue
            }
            entry["name"] = .string(l.name)
            let nodes = graph.nodes.filter { $0.layer === l && !$0.inputs.isEmpty }
            entry["inbound_nodes"] = .array(nodes.map { n in
                var node: [String: ConfigValue] = ["args": .array(n.inputs.map(ref))]
                if !n.arguments.isEmpty { node["kwargs"] = .object(n.arguments) }
                return .object(node)
            })
            layers.append(.object(entry))
        }
        return serialized("Functional", [
            "name": .string(name), "trainable": .bool(trainable), "layers": .array(layers),
            "input_layers": keyedRefs(graph.inputs.map(ref), graph.inputKeys),
            "output_layers": keyedRefs(graph.outputs.map(ref), graph.outputKeys),
        ])
    }

    /// The compile config (Keras `model.get_compile_config()`): `{"optimizer": {"class_name",
    /// "config": {"learning_rate", ...}}, "loss": <name>, "metrics": [...]}`, or nil when the
    /// model is not compiled. The optimizer's class and hyperparameters are kept (not its
    /// state); a LossScaleOptimizer is recorded as its inner optimizer (compile re-wraps it under
    /// mixed_float16). A learning-rate schedule is recorded as its current value. Metrics given
    /// by name stay names; built-in metric objects are recorded as `{"class_name", "config"}`
    /// (`metricConfig`), so their arguments survive; other metric objects by their name.
    ///
    /// - Throws: `.invalidArgument` for a custom loss (no name `lossNamed` knows).
    public func getCompileConfig() throws -> ConfigValue? {
        if isCompiledPerOutput {
            throw SwiftKerasError(.unimplemented, "save: model '\(name)' was compiled with per-output losses, loss_weights, per-output metrics or weighted_metrics, whose compile config cannot be saved yet; save the weights with save_weights, or compile it with one loss and a metric list before saving")
        }
        guard var opt = optimizer, let loss else { return nil }
        if let ls = opt as? LossScaleOptimizer { opt = ls.innerOptimizer }
        guard let lossName = (loss as? BaseLoss)?.name, canonicalLossName(lossName) != nil else {
            throw SwiftKerasError(.invalidArgument, "save: the loss of model '\(name)' (\(String(describing: type(of: loss)))) is not a built-in loss and cannot be saved; save the weights with saveWeights instead")
        }
        // The optimizer's Keras config (`optimizerConfig`), the learning rate as its current value;
        // a custom optimizer class has only its learning rate.
        var oc: [String: ConfigValue] = optimizerClassName(opt) != nil ? try optimizerConfig(opt).objectValue : [:]
        oc["learning_rate"] = .double(try opt.currentLearningRate())
        return .object([
            "optimizer": serialized(optimizerClassName(opt) ?? String(describing: type(of: opt)), oc),
            "loss": .string(lossName),
            "metrics": .array(compileMetricEntries()),
        ])
    }

    /// Compiles the model from a config made by `getCompileConfig()`.
    public func compile(fromConfig config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "compile_from_config")
        guard let optV = r.raw("optimizer"), case .string(let cls)? = optV["class_name"] else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: missing or invalid 'optimizer'")
        }
        let opt = try optimizerFromConfig(name: cls, config: optV["config"] ?? .object([:]))
        guard let lossName = try r.string("loss") else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: missing 'loss'")
        }
        var metrics: [CompileMetric] = []
        if let mv = r.raw("metrics") {
            guard case .array(let items) = mv else { throw r.fail("metrics", "a list of names and metric configs", mv) }
            metrics = try items.map(compileMetric(fromConfig:))
        }
        try r.finish()
        try compile(optimizer: opt, loss: try lossNamed(lossName), metrics: metrics)
    }

    /// Saves the whole model to one safetensors file (Keras `model.save`); a path without an
    /// extension (that is not an existing file) becomes a model directory holding that file
    /// (`ModelDirectory`), which `loadModel` reads. The file holds the weights (as
    /// `saveWeights`), the model config and the compile config in the file's metadata (keys
    /// `ModelFileKeys.modelConfig`, `ModelFileKeys.compileConfig`), written atomically. Keras
    /// uses a `.keras` zip; this single safetensors file is readable by other tools.
    ///
    /// - Throws: `.invalidArgument` for a model that cannot be serialized (subclassed, Lambda or
    ///   custom layers, a custom loss); `.io` when the file cannot be written (an existing file
    ///   is then left as it was).
    public func save(to path: String) throws {
        if KerasV3.isKerasPath(path) { return try KerasV3.saveModel(self, to: path) }
        if KerasHDF5.isHDF5Path(path) || KerasV3.isWeightsPath(path) { return try KerasHDF5.saveModel(self, to: path) }
        var meta = ["format": WeightsFormat.modelFormat, "version": WeightsFormat.version,
                    ModelFileKeys.modelConfig: try serializedLayer(self).json]
        if configSource != nil, let shapes = builtInputShapes {
            meta[ModelFileKeys.buildInputShapes] = ConfigValue.array(shapes.map { .ints($0) }).json
        }
        if let cc = try getCompileConfig() { meta[ModelFileKeys.compileConfig] = cc.json }
        try saveWeights(to: try ModelDirectory.fileForSaving(path, op: "save"), metadata: meta)
    }
}

/// Loads a model saved by `Model.save(to:)` (Keras `keras.models.load_model`): rebuilds it from
/// its config, loads its weights (all or nothing) and, when it was compiled, compiles it again
/// (optimizer class and hyperparameters, loss, metrics; the optimizer state starts afresh).
///
/// - Throws: `.io` for a missing, truncated, damaged or foreign file or a weights-only file;
///   `.invalidArgument` for an invalid config.
/// With `compile: false` the saved compile config is ignored (Keras `load_model(compile=False)`):
/// the way to load a model compiled with custom metrics, which are saved by name only.
public func loadModel(from path: String, compile: Bool = true) throws -> Model {
    if !ModelDirectory.isDirectory(path) && KerasHDF5.isHDF5File(path) {
        return try KerasHDF5.loadModel(from: path, compile: compile)
    }
    if KerasV3.isKerasPath(path) && !ModelDirectory.isDirectory(path) {
        return try KerasV3.loadModel(from: path, compile: compile)
    }
    let path = try ModelDirectory.fileForLoading(path, op: "load_model")
    let metadata = try modelFileMetadata(at: path, op: "load_model")
    let configText = metadata[ModelFileKeys.modelConfig] ?? ""
    let model = try modelFromConfig(try ConfigValue.parse(json: configText))
    if let shapesText = metadata[ModelFileKeys.buildInputShapes] {
        try model.buildByCalling(try ConfigValue.parse(json: shapesText), path: path)
    }
    try model.loadWeights(from: path)
    if compile, let cc = metadata[ModelFileKeys.compileConfig] {
        do {
            try model.compile(fromConfig: try ConfigValue.parse(json: cc))
        } catch let e as SwiftKerasError {
            throw SwiftKerasError(e.kind, "load_model: '\(path)': the saved compile config cannot be rebuilt: \(e.message) (custom metrics and losses are saved by name only: load with compile=False and compile the model again)")
        }
    }
    return model
}

/// A Sequential or functional model from its serialized config (Keras
/// `keras.saving.deserialize_keras_object` for models), as made by `Model.getModelConfig()`.
/// Layers are rebuilt with `layerFromConfig`, so they are new, freshly initialized layers.
///
/// - Throws: `.invalidArgument` for an unknown class, a malformed config, or a graph that
///   references unknown layers or nodes.
public func modelFromConfig(_ serialized: ConfigValue) throws -> Model {
    guard case .string(let cls)? = serialized["class_name"], let config = serialized["config"] else {
        throw SwiftKerasError(.invalidArgument, "models.deserialize: expected {\"class_name\": ..., \"config\": {...}}, got \(serialized.json)")
    }
    guard let object = try KerasRegistry.deserialize(.model, className: cls, config: config) else {
        throw SwiftKerasError(.invalidArgument, "models.deserialize: unknown model class '\(cls)' (known: \(KerasRegistry.builtinClassNames(.model).joined(separator: ", ")))")
    }
    guard let model = object as? Model else {
        throw SwiftKerasError(.invalidArgument, "models.deserialize: the class registered as '\(cls)' built \(String(describing: type(of: object))), not a model")
    }
    return model
}

/// A Sequential model from its config (`keras.Sequential.from_config`).
func sequentialFromConfig(_ config: ConfigValue) throws -> Model {
    var r = try ConfigReader(config, owner: "Sequential.from_config")
    let name = try r.string("name")
    let trainable = try r.bool("trainable", true)
    let build = try r.ints("build_input_shape")
    guard case .array(let items)? = r.raw("layers") else {
        throw SwiftKerasError(.invalidArgument, "Sequential.from_config: missing 'layers' list")
    }
    try r.finish()
    var layers = try items.map { try layerFromConfig($0) }
    if let il = layers.first as? InputLayer {
        layers.removeFirst()
        let seq = try Sequential([], name: name)
        try seq.add(il)
        for l in layers { try seq.add(l) }
        seq.trainable = trainable
        return seq
    }
    if let b = build, let first = layers.first, first.batchInputShape == nil { first.batchInputShape = b }
    let seq = try Sequential(layers, name: name)
    seq.trainable = trainable
    return seq
}

/// The tensor references of a functional config's "input_layers" / "output_layers": a list, or
/// a dict by key for a model made with a dict (tf.keras 2).
private func keyedRefs(_ refs: [ConfigValue], _ keys: [String]?) -> ConfigValue {
    keys.map { .object(Dictionary(uniqueKeysWithValues: zip($0, refs))) } ?? .array(refs)
}

private func keyedRefs(_ v: ConfigValue?) -> ([ConfigValue], [String]?) {
    switch v {
    case .array(let a)?: return (a, nil)
    case .object(let d)?: let keys = d.keys.sorted(); return (keys.compactMap { d[$0] }, keys)
    default: return ([], nil)
    }
}

/// A functional model from its config (`keras.Model.from_config`).
func functionalFromConfig(_ config: ConfigValue) throws -> Model {
    let owner = "Functional.from_config"
    var r = try ConfigReader(config, owner: owner)
    let name = try r.string("name")
    let trainable = try r.bool("trainable", true)
    guard case .array(let items)? = r.raw("layers") else {
        throw SwiftKerasError(.invalidArgument, "\(owner): missing 'layers' list")
    }
    // tf.keras 2 writes the inputs / outputs of a model made with dicts as dicts by key
    let (ins, inputKeys) = keyedRefs(r.raw("input_layers")), (outs, outputKeys) = keyedRefs(r.raw("output_layers"))
    guard !ins.isEmpty, !outs.isEmpty else {
        throw SwiftKerasError(.invalidArgument, "\(owner): missing 'input_layers' or 'output_layers'")
    }
    try r.finish()
    struct Ref: Hashable { var layer: String; var node: Int; var tensor: Int }
    func ref(_ v: ConfigValue) throws -> Ref {
        if case .array(let a) = v, a.count == 3, case .string(let l) = a[0], case .int(let n) = a[1], case .int(let t) = a[2] {
            return Ref(layer: l, node: n, tensor: t)
        }
        throw SwiftKerasError(.invalidArgument, "\(owner): a tensor reference must be [layer name, node index, tensor index], got \(v.json)")
    }
    // Parse every layer entry.
    var pending: [(layer: Layer?, inputConfig: ConfigValue?, name: String, nodes: [[Ref]])] = []
    var pendingArguments: [[[String: ConfigValue]]] = []   // each pending node's call arguments
    var tensors: [Ref: KerasTensor] = [:]
    for item in items {
        guard case .string(let cls)? = item["class_name"], let lc = item["config"] else {
            throw SwiftKerasError(.invalidArgument, "\(owner): a layer entry needs 'class_name' and 'config', got \(item.json)")
        }
        var nodes: [[Ref]] = []
        var nodeArguments: [[String: ConfigValue]] = []
        if case .array(let ns)? = item["inbound_nodes"] {
            for n in ns {
                switch n["kwargs"] {
                case nil, .null?: nodeArguments.append([:])
                case .object(let kw)?: nodeArguments.append(kw)
                case let other?: throw SwiftKerasError(.invalidArgument, "\(owner): an inbound node's 'kwargs' must be an object, got \(other.json)")
                }
                guard case .array(let args)? = n["args"] else {
                    throw SwiftKerasError(.invalidArgument, "\(owner): an inbound node must be {\"args\": [...]}, got \(n.json)")
                }
                nodes.append(try args.map(ref))
            }
        }
        if cls == "InputLayer" {
            var ir = try ConfigReader(lc, owner: "InputLayer.from_config")
            guard let bs = try ir.ints("batch_shape"), !bs.isEmpty else {
                throw SwiftKerasError(.invalidArgument, "InputLayer.from_config: missing 'batch_shape'")
            }
            let lname = try ir.string("name")
            let dtName = try ir.string("dtype") ?? "float32"
            guard let dt = DType(name: dtName) else {
                throw SwiftKerasError(.invalidArgument, "InputLayer.from_config: unknown dtype '\(dtName)'")
            }
            _ = ir.raw("trainable")
            try ir.finish()
            let t = try Input(shape: Array(bs.dropFirst()), batchSize: bs[0] >= 0 ? bs[0] : nil, dtype: dt, name: lname)
            let entryName: String
            if case .string(let n)? = item["name"] { entryName = n } else { entryName = t.layer.name }
            tensors[Ref(layer: entryName, node: 0, tensor: 0)] = t
            continue
        }
        let layer = try layerFromConfig(className: cls, config: lc)
        let entryName: String
        if case .string(let n)? = item["name"] { entryName = n } else { entryName = layer.name }
        pending.append((layer, nil, entryName, nodes))
        pendingArguments.append(nodeArguments)
    }
    // Call the layers in dependency order.
    var next = Array(repeating: 0, count: pending.count)
    var progress = true
    while progress {
        progress = false
        for i in pending.indices {
            while next[i] < pending[i].nodes.count {
                let args = pending[i].nodes[next[i]]
                let inputs = args.compactMap { tensors[$0] }
                if inputs.count != args.count { break }
                guard let layer = pending[i].layer else { break }
                for (k, out) in try layer.outputs(inputs, arguments: pendingArguments[i][next[i]]).enumerated() {
                    tensors[Ref(layer: pending[i].name, node: next[i], tensor: k)] = out
                }
                next[i] += 1
                progress = true
            }
        }
    }
    for i in pending.indices where next[i] < pending[i].nodes.count {
        let missing = pending[i].nodes[next[i]].filter { tensors[$0] == nil }
            .map { "[\($0.layer), \($0.node), \($0.tensor)]" }
        throw SwiftKerasError(.invalidArgument, "\(owner): layer '\(pending[i].name)' node \(next[i]) reads tensor(s) \(missing.joined(separator: ", ")) that no layer produces")
    }
    func lookup(_ v: ConfigValue) throws -> KerasTensor {
        let rf = try ref(v)
        guard let t = tensors[rf] else {
            throw SwiftKerasError(.invalidArgument, "\(owner): unknown tensor [\(rf.layer), \(rf.node), \(rf.tensor)]")
        }
        return t
    }
    let model = try Model(inputs: try ins.map(lookup), inputKeys: inputKeys, outputs: try outs.map(lookup),
                          outputKeys: outputKeys, name: name)
    model.trainable = trainable
    return model
}

extension Model {
    /// The compile-config entries of the compiled metrics: a metric given by name stays its
    /// name; a built-in metric object becomes its `metricConfig`; other metric objects are
    /// recorded by their name.
    func compileMetricEntries() -> [ConfigValue] {
        metricSpecs.map { s in
            switch s {
            case .name(let n): return .string(n)
            case .metric(let m): return metricConfig(m) ?? .string(m.name)
            }
        }
    }
}

/// A compile-config metric entry: a name, or `{"class_name": ..., "config": {...}}` (extra
/// Keras keys "module" and "registered_name" are ignored).
func compileMetric(fromConfig item: ConfigValue) throws -> CompileMetric {
    switch item {
    case .string(let s): return .name(s)
    case .object(let o):
        guard case .string(let cls)? = o["class_name"] else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: a metric entry must be a name or {\"class_name\": ..., \"config\": {...}}, got \(item.json)")
        }
        let unknown = o.keys.filter { !["class_name", "config", "module", "registered_name"].contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: metric \(cls): unrecognized key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
        let config = o["config"] ?? .object([:])
        guard case .object = config else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: metric \(cls): 'config' must be an object, got \(config.json)")
        }
        return .metric(try metricFromConfig(name: cls, configJSON: config.json))
    default:
        throw SwiftKerasError(.invalidArgument, "compile_from_config: a metric entry must be a name or {\"class_name\": ..., \"config\": {...}}, got \(item.json)")
    }
}

extension ConfigValue {
    /// The dictionary of an `.object` (empty otherwise).
    var objectValue: [String: ConfigValue] {
        if case .object(let o) = self { return o }
        return [:]
    }
}

/// `{"class_name": layer.className, "config": layer.getConfig()}`; nested models serialize
/// through `getModelConfig()`.
public func serializedLayer(_ l: Layer) throws -> ConfigValue {
    if let source = l.configSource { return try source() }
    if let m = l as? Model { return try m.getModelConfig() }
    return serialized(l.className, try l.getConfig().objectValue)
}
