// The `.keras` zip and the `.weights.h5` weights file as tf-keras 2.13+ writes them
// (`tf_keras/src/saving/saving_lib.py`).
//
// A `.keras` file is a zip archive (entries stored, `ZipArchive`) of `metadata.json`
// (`{"keras_version", "date_saved"}`), `config.json` (the model serialized with `module`,
// `class_name`, `config`, `registered_name`, `build_config`, `compile_config`) and
// `model.weights.h5`. That HDF5 file (H5IOStore) holds each object's own variables as datasets
// "<path>/vars/<i>": the root group `vars` (the model's own), "layers/<name>/vars" for each layer
// of a model, where <name> is the layer's class in snake case, numbered when it repeats ("dense",
// "dense_1": saving_lib's container naming, never the layer's name), nested models recursively
// ("layers/sequential/layers/dense/vars"), an RNN layer's weights under its `cell`, a wrapper's
// layers under `forward_layer` / `backward_layer` / `layer`, and the optimizer's variables in
// tf.keras 2's order under "optimizer/vars" (`KerasOptimizerVariables`). A layer's own
// variables are its trainable then non-trainable ones. A `.weights.h5` file is that HDF5 file on
// its own. tf-keras finds a subclassed model's layers by attribute name; SwiftKeras does not know
// them and files them under "layers/<name>" (tf-keras' name for those sorting before "layers").
// `assets/` is not written (no built-in layer of SwiftKeras has assets) and is refused when read.

import Glibc

enum KerasV3 {
    static let configName = "config.json", metadataName = "metadata.json", weightsName = "model.weights.h5"

    /// Whether `path` names a `.keras` file.
    static func isKerasPath(_ path: String) -> Bool { path.hasSuffix(".keras") }

    /// Whether `path` names a `.weights.h5` file.
    static func isWeightsPath(_ path: String) -> Bool { path.hasSuffix(".weights.h5") }

    // MARK: the weights store

    /// Each object's own variables with its group in the store ("layers/dense"), in visit order.
    static func groups(of model: Model) -> [(path: String, variables: [Variable])] {
        var out: [(path: String, variables: [Variable])] = []
        var visited = Set<ObjectIdentifier>(), seen = Set<Int>()
        func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "/" + b }
        func walk(_ layer: Layer, _ path: String) {
            guard visited.insert(ObjectIdentifier(layer)).inserted else { return }
            var inner = Set<Int>()
            for l in layer.trackedLayers { for w in l.weights { inner.insert(w.id) } }
            let own = (layer.trainableWeights + layer.nonTrainableWeights).filter { !inner.contains($0.id) && seen.insert($0.id).inserted }
            let fused = ["LSTM", "GRU", "SimpleRNN"].contains(layer.className) && layer.trackedLayers.isEmpty
            if !own.isEmpty { out.append((fused ? join(path, "cell") : path, own)) }
            let children = layer.trackedLayers
            let names: [String]
            switch layer.className {
            case _ where layer is Model: names = Layer.canonicalNames(children).map { "layers/" + $0 }
            case "Bidirectional" where children.count == 2: names = ["forward_layer", "backward_layer"]
            case "TimeDistributed" where children.count == 1: names = ["layer"]
            case "RNN" where children.count == 1: names = ["cell"]
            default: names = Layer.canonicalNames(children)
            }
            for (c, n) in zip(children, names) { walk(c, join(path, n)) }
        }
        walk(model, "")
        return out
    }

    /// Writes `model`'s variables (and its optimizer's, with `optimizer`) into the H5IOStore layout.
    static func writeStore(_ model: Model, into file: HDF5File, optimizer: Bool) throws {
        try file.makeGroup("vars")
        for (path, vars) in groups(of: model) {
            let g = path.isEmpty ? "vars" : path + "/vars"
            try file.makeGroup(g)
            for (i, v) in vars.enumerated() { try file.writeDataset("\(g)/\(i)", v.value(recording: false)) }
        }
        if optimizer, let opt = model.optimizer {
            try file.makeGroup("optimizer/vars")
            let values = try KerasOptimizerVariables.export(opt, variables: model.trainableVariables)
            for (i, (_, t)) in values.enumerated() { try file.writeDataset("optimizer/vars/\(i)", t) }
        }
    }

    /// The datasets "<group>/0", "<group>/1", ... of `file`.
    private static func numbered(_ file: HDF5File, _ group: String) throws -> [Tensor] {
        var out: [Tensor] = []
        while file.exists("\(group)/\(out.count)") { out.append(try file.readDataset("\(group)/\(out.count)")) }
        return out
    }

    /// Loads `model`'s variables from the store (saving_lib `_load_state`): all or nothing, each
    /// object's variable count and shapes checked; with `skipMismatch` a mismatched object keeps
    /// its values and is reported. With `optimizer`, the optimizer's variables are restored when
    /// the file has them (a count or shape that differs: a warning, as tf-keras).
    static func loadStore(into model: Model, from file: HDF5File, skipMismatch: Bool, optimizer: Bool) throws -> [SkippedWeights] {
        guard file.exists("vars") || file.exists("layers") else {
            throw SwiftKerasError(.io, "\(file.op): '\(file.path)' holds no Keras weights (no \"vars\" or \"layers\" group of the .weights.h5 layout)")
        }
        var pairs: [(Variable, Tensor)] = []
        var skipped: [SkippedWeights] = []
        for (path, vars) in groups(of: model) {
            let values = try numbered(file, path.isEmpty ? "vars" : path + "/vars")
            var problem: String? = nil
            if values.count != vars.count {
                problem = "Layer '\(path.isEmpty ? model.name : path)' expected \(vars.count) variables, but received \(values.count) variables during loading. Expected: \(vars.map(\.name))"
            } else if let k = vars.indices.first(where: { vars[$0].shape != values[$0].shape }) {
                problem = "Layer '\(path.isEmpty ? model.name : path)': variable \(vars[k].name) expects shape \(formatShape(vars[k].shape)), the file '\(file.path)' has shape \(formatShape(values[k].shape))"
            }
            if let problem {
                if skipMismatch {
                    skipped.append(SkippedWeights(layer: path, weights: vars.map(\.name), reason: problem))
                    continue
                }
                throw SwiftKerasError(.invalidArgument, "\(file.op): \(problem)")
            }
            for (v, t) in zip(vars, values) { pairs.append((v, t.dtype == v.dtype ? t : try t.cast(to: v.dtype))) }
        }
        let optimizerValues = optimizer && model.optimizer != nil ? try numbered(file, "optimizer/vars") : []
        for (v, t) in pairs { try v.assign(t) }
        if let opt = model.optimizer, !optimizerValues.isEmpty,
           let reason = try KerasOptimizerVariables.restore(opt, building: model.trainableVariables, from: optimizerValues) {
            KerasOptimizerVariables.warnSkipped(file.op, file.path, reason)
        }
        return skipped
    }

    // MARK: configs

    /// The Python module tf-keras records for a built-in class found under `key`.
    private static func module(_ cls: String, key: String) -> String? {
        if cls == "Sequential" { return "keras" }
        if cls == "Functional" { return "keras.src.engine.functional" }
        if ["layers", "layer", "cell", "cells", "forward_layer", "backward_layer", "backward"].contains(key) { return "keras.layers" }
        for (suffix, m) in [("_initializer", "keras.initializers"), ("_regularizer", "keras.regularizers"),
                            ("_constraint", "keras.constraints")] where key.hasSuffix(suffix) { return m }
        return ["optimizer": "keras.optimizers", "metrics": "keras.metrics", "loss": "keras.losses",
                "learning_rate": "keras.optimizers.schedules", "dtype": "keras.mixed_precision", "model": "keras"][key]
    }

    /// A tf.keras 2 config with saving_lib's `module` and `registered_name` on each object.
    static func withModules(_ v: ConfigValue, key: String) -> ConfigValue {
        switch v {
        case .array(let a): return .array(a.map { withModules($0, key: key) })
        case .object(var o):
            for (k, x) in o where k != "inbound_nodes" { o[k] = withModules(x, key: k) }
            if case .string(let cls)? = o["class_name"], o["config"] != nil, o["module"] == nil {
                if let gt = cls.lastIndex(of: ">") {   // a registered custom class "Package>Name"
                    o["registered_name"] = .string(cls)
                    o["class_name"] = .string(String(cls[cls.index(after: gt)...]))
                } else {
                    o["registered_name"] = .null
                    if let m = module(cls, key: key) { o["module"] = .string(m) }
                }
            }
            return .object(o)
        default: return v
        }
    }

    /// The shapes as saving_lib's `build_config` `input_shape` (one shape, or a list of them),
    /// the batch size unknown as tf-keras records it.
    static func buildConfig(_ shapes: [[Int]]?) -> ConfigValue? {
        guard let shapes, !shapes.isEmpty else { return nil }
        let list = shapes.map { s in ConfigValue.array(s.enumerated().map { $0.offset == 0 || $0.element < 0 ? .null : .int($0.element) }) }
        return .object(["input_shape": list.count == 1 ? list[0] : .array(list)])
    }

    /// config.json for `model`.
    static func config(of model: Model) throws -> ConfigValue {
        var top = withModules(try KerasTwoConfig.export(try serializedLayer(model)), key: "model").objectValue
        if let b = buildConfig(model.builtInputShapes) { top["build_config"] = b }
        if let cc = try model.getCompileConfig() {
            let opt = try KerasTwoConfig.trainingConfig(cc)["optimizer_config"] ?? .null
            top["compile_config"] = .object([
                "optimizer": withModules(opt, key: "optimizer"), "loss": cc["loss"] ?? .null,
                "metrics": withModules(cc["metrics"] ?? .array([]), key: "metrics"),
                "loss_weights": .null, "weighted_metrics": .null, "run_eagerly": .null,
                "steps_per_execution": .null, "jit_compile": .null,
            ])
        }
        return .object(top)
    }

    /// A config.json object in the form `modelFromConfig` reads: a registered name (a custom
    /// class) becomes the class name; `build_config`, `compile_config` and the
    /// `shared_object_id` of saving_lib's object sharing removed.
    static func importing(_ v: ConfigValue) throws -> ConfigValue {
        func strip(_ v: ConfigValue) -> ConfigValue {
            switch v {
            case .array(let a): return .array(a.map(strip))
            case .object(var o):
                if case .string(let r)? = o["registered_name"], r.contains(">") { o["class_name"] = .string(r) }
                if o["class_name"] != nil {
                    o.removeValue(forKey: "build_config")
                    o.removeValue(forKey: "shared_object_id")
                }
                for (k, x) in o where k != "inbound_nodes" { o[k] = strip(x) }
                return .object(o)
            default: return v
            }
        }
        var top = v.objectValue
        top.removeValue(forKey: "compile_config")
        return try KerasTwoConfig.importing(strip(.object(top)))
    }

    /// A SwiftKeras compile config from config.json's `compile_config`.
    ///
    /// - Throws: `.unimplemented` for compile arguments SwiftKeras cannot rebuild from this file.
    static func compileConfig(_ c: ConfigValue) throws -> ConfigValue {
        for k in ["steps_per_execution", "jit_compile"] {
            if let v = c[k], v != .null, v != .bool(false), v != .int(1) {
                throw SwiftKerasError(.unimplemented, "compile_config: '\(k)' = \(v.json) is not supported")
            }
        }
        var opt = try KerasTwoConfig.importing(c["optimizer"] ?? .null)
        if case .string(let name) = opt { opt = .object(["class_name": .string(name), "config": .object([:])]) }   // compile("sgd")
        var metrics = try KerasTwoConfig.importing(c["metrics"] ?? .array([]))
        if metrics == .null { metrics = .array([]) }
        return try KerasTwoConfig.compileConfig(fromTraining: .object([
            "optimizer_config": opt, "loss": c["loss"] ?? .null, "metrics": metrics,
            "loss_weights": c["loss_weights"] ?? .null, "weighted_metrics": c["weighted_metrics"] ?? .null,
        ]))
    }

    // MARK: files

    /// `model.save(path)` for a `.keras` path.
    static func saveModel(_ model: Model, to path: String) throws {
        let config = try config(of: model).json
        var now = time(nil)
        var t = tm()
        _ = localtime_r(&now, &t)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let date = "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))@\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))"
        let metadata = ConfigValue.object(["keras_version": .string(KerasHDF5.kerasVersion), "date_saved": .string(date)]).json
        let weights: [UInt8] = try HDF5Library.serialized {
            let file = try HDF5File.create(path, op: "save")
            try writeStore(model, into: file, optimizer: true)
            return try file.image()
        }
        let zip = try ZipArchive.make([(metadataName, Array(metadata.utf8)), (configName, Array(config.utf8)),
                                       (weightsName, weights)], op: "save")
        try FileIO.writeAtomically(to: path, op: "save") { w in try w.write(zip) }
    }

    /// The config.json text and the weights file bytes of the `.keras` file at `path`.
    static func contents(_ path: String, op: String) throws -> (config: String, weights: [UInt8]) {
        let entries = try ZipArchive.read(path, op: op)
        guard let config = entries.first(where: { $0.name == configName }) else {
            throw SwiftKerasError(.io, "\(op): '\(path)' is not a .keras file: the archive has no \(configName)")
        }
        guard let weights = entries.first(where: { $0.name == weightsName }) else {
            if entries.contains(where: { $0.name == "model.weights.npz" }) {
                throw SwiftKerasError(.unimplemented, "\(op): '\(path)' holds its weights as model.weights.npz (saving_lib's npz format), which is not implemented; save it with the default h5 weights format")
            }
            throw SwiftKerasError(.io, "\(op): '\(path)' is not a .keras file: the archive has no \(weightsName)")
        }
        if let asset = entries.first(where: { $0.name.hasPrefix("assets/") }) {
            throw SwiftKerasError(.unimplemented, "\(op): '\(path)' holds assets ('\(asset.name)'), which SwiftKeras' layers do not load")
        }
        return (String(decoding: config.data, as: UTF8.self), weights.data)
    }

    /// The parsed config.json of the `.keras` file at `path`.
    ///
    /// - Throws: `.invalidArgument` naming the file for text that is not a JSON object.
    private static func parseConfig(_ text: String, path: String) throws -> ConfigValue {
        do {
            let v = try ConfigValue.parse(json: text)
            guard case .object = v else { throw SwiftKerasError(.invalidArgument, "not a JSON object") }
            return v
        } catch let e as SwiftKerasError {
            throw SwiftKerasError(.invalidArgument, "load_model: '\(path)': its \(configName) is not a model config: \(e.message)")
        }
    }

    /// `load_model(path)` for a `.keras` file.
    static func loadModel(from path: String, compile: Bool) throws -> Model {
        let (text, weights) = try contents(path, op: "load_model")
        let config = try parseConfig(text, path: path)
        let model = try modelFromConfig(try importing(config))
        if model.configSource != nil, case .object(let b)? = config["build_config"], let s = b["input_shape"] {
            let shapes: ConfigValue
            if case .array(let items) = s, let first = items.first, case .array = first { shapes = s } else { shapes = .array([s]) }
            try model.buildByCalling(shapes, path: path)
        }
        let cc = compile ? config["compile_config"].flatMap { $0 == .null ? nil : $0 } : nil
        if let cc {
            do {
                try model.compile(fromConfig: try compileConfig(cc))
            } catch let e as SwiftKerasError {
                throw SwiftKerasError(e.kind, "load_model: '\(path)': the saved compile config cannot be rebuilt: \(e.message) (load with compile=False and compile the model again)")
            }
        }
        _ = try HDF5Library.serialized {
            try loadStore(into: model, from: try HDF5File.open(image: weights, path: path, op: "load_model"),
                          skipMismatch: false, optimizer: cc != nil)
        }
        return model
    }

    /// The compile config (SwiftKeras' form) of the `.keras` file at `path`, nil when saved uncompiled.
    static func savedCompileConfig(at path: String) throws -> String? {
        let config = try parseConfig(try contents(path, op: "load_model").config, path: path)
        guard let cc = config["compile_config"], cc != .null else { return nil }
        return try compileConfig(cc).json
    }

    /// `model.save_weights(path)` for a `.weights.h5` path.
    static func saveWeights(of model: Model, to path: String) throws {
        try HDF5Library.serialized {
            let file = try HDF5File.create(path, op: "save_weights")
            try writeStore(model, into: file, optimizer: true)
            try file.write()
        }
    }

    /// `model.load_weights(path)` for a `.weights.h5` or `.keras` file.
    static func loadWeights(into model: Model, from path: String, skipMismatch: Bool) throws -> [SkippedWeights] {
        var image: [UInt8]? = nil
        if isKerasPath(path) { image = try contents(path, op: "load_weights").weights }
        return try HDF5Library.serialized {
            let file: HDF5File
            if let image {
                file = try HDF5File.open(image: image, path: path, op: "load_weights")
            } else {
                file = try HDF5File.open(path, op: "load_weights")
            }
            return try loadStore(into: model, from: file, skipMismatch: skipMismatch, optimizer: true)
        }
    }
}
