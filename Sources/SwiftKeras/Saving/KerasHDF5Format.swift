// tf.keras 2's HDF5 files (`keras/saving/legacy/hdf5_format.py`): what `model.save("m.h5")`,
// `save_weights("w.h5")`, `load_weights` and `load_model` read and write for an `.h5` / `.hdf5`
// path, and what real tf.keras 2 writes there.
//
// Weights (a weights file's root, or a model file's group `model_weights`): attributes
// `layer_names` (every layer of `model.layers`, in order), `backend`, `keras_version`; one group
// per layer with the attribute `weight_names` (the layer's trainable then non-trainable weights,
// as "dense/kernel:0") and one dataset per weight at that name ("dense/dense/kernel:0"); a group
// `top_level_model_weights` (empty). Loading goes by layer order (layers without weights skipped
// on both sides), or by layer name with `byName`.
// Model files add root attributes `keras_version`, `backend`, `model_config` (the model's config
// JSON in tf.keras 2's form) and `training_config` (the compile arguments) when compiled, and
// then the group `optimizer_weights`: attribute `weight_names` ("iteration:0",
// "Adam/m/dense/kernel:0", ...) and one dataset per name, in tf.keras 2's order
// (`KerasOptimizerVariables`); `load_model` with compile restores them, so training continues
// exactly. float16 weights are stored as h5py's float16.

import Glibc

/// The tf.keras 2 HDF5 model and weights format.
public enum KerasHDF5 {
    /// `layer` as a model (the HDF5 weights layout is a model's: one group per layer).
    static func model(_ layer: Layer, op: String) throws -> Model {
        guard let m = layer as? Model else {
            throw SwiftKerasError(.unimplemented, "\(op): the HDF5 (.h5) format holds a model's weights; '\(layer.name)' is a \(layer.className) layer, not a model (use another extension for SwiftKeras' safetensors file)")
        }
        return m
    }

    /// The `keras_version` written (the tf.keras 2 release whose files this matches).
    public static let kerasVersion = "2.21.0"

    /// Whether `path` names tf.keras 2's HDF5 format (it ends in ".h5" or ".hdf5", but not in
    /// ".weights.h5", the saving_lib weights file).
    public static func isHDF5Path(_ path: String) -> Bool {
        (path.hasSuffix(".h5") || path.hasSuffix(".hdf5")) && !path.hasSuffix(".weights.h5")
    }

    /// Whether `path` is a regular file starting with the HDF5 signature (opened without
    /// blocking: a FIFO is not one).
    static func isHDF5File(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        var head = [UInt8](repeating: 0, count: 8)
        return read(fd, &head, 8) == 8 && head == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    /// Refuses weights alone under a `.keras` name (a whole-model zip; tf.keras 2 would write a
    /// TensorFlow checkpoint there).
    ///
    /// - Throws: `.unimplemented` naming the path and what to use instead.
    static func refuseUnwrittenFormats(_ path: String, op: String, weightsOnly: Bool) throws {
        if weightsOnly && KerasV3.isKerasPath(path) {
            throw SwiftKerasError(.unimplemented, "\(op): '\(path)': weights alone are not written to a '.keras' path (a whole-model zip; tf.keras 2 writes a TensorFlow checkpoint there): use a '.weights.h5' path (Keras' weights file), '.h5' (tf.keras 2's HDF5 layout) or model.save for the .keras file")
        }
    }

    // MARK: weights

    /// The weights of `layer` in tf.keras 2's order (`_legacy_weights`: trainable, then non-trainable).
    static func legacyWeights(_ layer: Layer) -> [Variable] {
        layer.trainableWeights + layer.nonTrainableWeights
    }

    /// The name of weight `v` of `layer` in the file ("dense/kernel:0").
    static func weightName(_ v: Variable, of layer: Layer) -> String {
        var n = v.name.hasPrefix(layer.name + "/") || layer is Model ? v.name : layer.name + "/" + v.name
        if !n.hasSuffix(":0") { n += ":0" }
        return n
    }

    /// Writes `model`'s weights into `group` ("" for the root) of `file` (tf.keras 2
    /// `save_weights_to_hdf5_group`).
    static func writeWeights(of model: Model, into file: HDF5File, group: String) throws {
        if !group.isEmpty { try file.makeGroup(group) }
        let prefix = group.isEmpty ? "" : group + "/"
        let layers = model.layers
        try file.setAttribute(group, "layer_names", layers.map(\.name))
        try file.setAttribute(group, "backend", "tensorflow")
        try file.setAttribute(group, "keras_version", kerasVersion)
        for layer in layers.sorted(by: { $0.name < $1.name }) {
            let g = prefix + layer.name
            try file.makeGroup(g)
            let weights = legacyWeights(layer)
            let names = weights.map { weightName($0, of: layer) }
            if Set(names).count != names.count {
                throw SwiftKerasError(.invalidArgument, "save_weights: two weights of layer '\(layer.name)' have the same name (\(names.joined(separator: ", "))); the HDF5 format keys weights by name")
            }
            try file.setAttribute(g, "weight_names", names)
            for (v, n) in zip(weights, names) { try file.writeDataset(g + "/" + n, v.value(recording: false)) }
        }
        try file.makeGroup(prefix + "top_level_model_weights")
        try file.setAttribute(prefix + "top_level_model_weights", "weight_names", [String]())
    }

    /// A list attribute, also when tf.keras split it into "name0", "name1", ... (lists over 64 KB).
    static func listAttribute(_ file: HDF5File, _ object: String, _ name: String) throws -> [String]? {
        if let v = try file.strings(object, name) { return v }
        var out: [String] = []
        var i = 0
        while let chunk = try file.strings(object, name + String(i)) {
            out += chunk
            i += 1
        }
        return i == 0 ? nil : out
    }

    /// Loads weights from `group` of `file` into `model` (tf.keras 2 `load_weights_from_hdf5_group`
    /// and, with `byName`, `load_weights_from_hdf5_group_by_name`), all or nothing: every value is
    /// read and checked before any is assigned. Values are cast to the weights' dtypes.
    ///
    /// - Returns: the skipped layers (only with `byName` and `skipMismatch`).
    /// - Throws: `.invalidArgument` (Keras' ValueError) for a layer or weight count mismatch or a
    ///   shape mismatch, naming the layer; `.io` for a file that is not a Keras weights file.
    static func loadWeights(into model: Model, from file: HDF5File, group: String, byName: Bool,
                            skipMismatch: Bool) throws -> [SkippedWeights] {
        let op = "load_weights"
        if skipMismatch && !byName {
            throw SwiftKerasError(.invalidArgument, "When calling model.load_weights, skip_mismatch can only be set to True when by_name is True.")
        }
        let prefix = group.isEmpty ? "" : group + "/"
        guard let fileLayers = try listAttribute(file, group, "layer_names") else {
            throw SwiftKerasError(.io, "\(op): '\(file.path)' is an HDF5 file without Keras weights (no \"layer_names\" attribute\(group.isEmpty ? "" : " in \"\(group)\""))")
        }
        if model.weights.isEmpty && !model.layers.isEmpty {
            throw SwiftKerasError(.invalidArgument, "Unable to load weights saved in HDF5 format into a model which has not created its variables yet ('\(model.name)'). Call the model first (or give its first layer an input shape), then load the weights.")
        }
        func values(_ layerName: String) throws -> [Tensor] {
            let g = prefix + layerName
            return try (listAttribute(file, g, "weight_names") ?? []).map { try file.readDataset(g + "/" + $0) }
        }
        var pairs: [(Variable, Tensor)] = []
        var skipped: [SkippedWeights] = []
        func check(_ k: Int, _ layer: Layer, _ symbolic: [Variable], _ vals: [Tensor], savedName: String) throws -> Bool {
            if symbolic.count != vals.count {
                let msg = "Weight count mismatch for layer #\(k) (named \(layer.name) in the current model, \(savedName) in the save file). Layer expects \(symbolic.count) weight(s). Received \(vals.count) saved weight(s)"
                if skipMismatch {
                    skipped.append(SkippedWeights(layer: layer.name, weights: symbolic.map(\.name), reason: msg))
                    return false
                }
                throw SwiftKerasError(.invalidArgument, msg)
            }
            for (v, t) in zip(symbolic, vals) {
                if v.shape != t.shape {
                    let msg = "Shape mismatch in layer #\(k) (named \(layer.name)) for weight \(v.name). Weight expects shape \(formatShape(v.shape)). Received saved weight with shape \(formatShape(t.shape))"
                    if skipMismatch {
                        skipped.append(SkippedWeights(layer: layer.name, weights: [v.name], reason: msg))
                        continue
                    }
                    throw SwiftKerasError(.invalidArgument, msg)
                }
                pairs.append((v, t.dtype == v.dtype ? t : try t.cast(to: v.dtype)))
            }
            return true
        }
        if byName {
            var index: [String: [Layer]] = [:]
            for l in model.layers { index[l.name, default: []].append(l) }
            for (k, name) in fileLayers.enumerated() {
                let vals = try values(name)
                for layer in index[name] ?? [] { _ = try check(k, layer, legacyWeights(layer), vals, savedName: name) }
            }
        } else {
            let mine = model.layers.filter { !legacyWeights($0).isEmpty }
            var saved: [(String, [Tensor])] = []
            for name in fileLayers {
                let vals = try values(name)
                if !vals.isEmpty { saved.append((name, vals)) }
            }
            if mine.count != saved.count {
                throw SwiftKerasError(.invalidArgument, "Layer count mismatch when loading weights from file. Model expected \(mine.count) layers, found \(saved.count) saved layers (file '\(file.path)').")
            }
            for (k, (layer, (name, vals))) in zip(mine, saved).enumerated() {
                _ = try check(k, layer, legacyWeights(layer), vals, savedName: name)
            }
        }
        for (v, t) in pairs { try v.assign(t) }
        return skipped
    }

    /// `model.save_weights(path)` for an HDF5 path.
    static func saveWeights(of model: Model, to path: String) throws {
        try HDF5Library.serialized {
            let file = try HDF5File.create(path, op: "save_weights")
            try writeWeights(of: model, into: file, group: "")
            try file.write()
        }
    }

    /// `model.load_weights(path)` for an HDF5 file: a weights file, or a model file (its `model_weights`).
    static func loadWeights(into model: Model, from path: String, byName: Bool, skipMismatch: Bool) throws -> [SkippedWeights] {
        try HDF5Library.serialized { try loadWeightsLocked(into: model, from: path, byName: byName, skipMismatch: skipMismatch) }
    }

    private static func loadWeightsLocked(into model: Model, from path: String, byName: Bool, skipMismatch: Bool) throws -> [SkippedWeights] {
        let file = try HDF5File.open(path, op: "load_weights")
        if file.hasAttribute("", "layer_names") || file.hasAttribute("", "layer_names0") {
            return try loadWeights(into: model, from: file, group: "", byName: byName, skipMismatch: skipMismatch)
        }
        if file.exists("model_weights") {
            return try loadWeights(into: model, from: file, group: "model_weights", byName: byName, skipMismatch: skipMismatch)
        }
        if file.exists("layers") || file.exists("vars") {
            if byName {
                throw SwiftKerasError(.unimplemented, "load_weights: '\(path)' holds weights in the `.weights.h5` layout, which is not loaded by name (by_name=True is tf.keras 2's HDF5 layout only)")
            }
            return try KerasV3.loadStore(into: model, from: file, skipMismatch: skipMismatch, optimizer: true)
        }
        throw SwiftKerasError(.io, "load_weights: '\(path)' is an HDF5 file without Keras weights (no \"layer_names\" attribute)")
    }

    // MARK: whole models

    /// `model.save(path)` for an HDF5 path (tf.keras 2 `save_model_to_hdf5`).
    static func saveModel(_ model: Model, to path: String) throws {
        let config = try KerasTwoConfig.export(try serializedLayer(model))
        let training = try model.getCompileConfig().map(KerasTwoConfig.trainingConfig)
        var optimizerWeights: [(name: String, tensor: Tensor)] = []
        if training != nil, let opt = model.optimizer {
            optimizerWeights = try KerasOptimizerVariables.export(opt, variables: model.trainableVariables)
        }
        try HDF5Library.serialized {
            let file = try HDF5File.create(path, op: "save")
            try file.setAttribute("", "keras_version", kerasVersion)
            try file.setAttribute("", "backend", "tensorflow")
            try file.setAttribute("", "model_config", config.json)
            if let training { try file.setAttribute("", "training_config", training.json) }
            try writeWeights(of: model, into: file, group: "model_weights")
            if !optimizerWeights.isEmpty {
                try file.makeGroup("optimizer_weights")
                try file.setAttribute("optimizer_weights", "weight_names", optimizerWeights.map(\.name))
                for (n, t) in optimizerWeights { try file.writeDataset("optimizer_weights/" + n, t) }
            }
            try file.write()
        }
    }

    /// `load_model(path)` for an HDF5 file (tf.keras 2 `load_model_from_hdf5`).
    /// The model is built from its config outside the library's lock (custom layers may call back
    /// into the client).
    static func loadModel(from path: String, compile: Bool) throws -> Model {
        let (text, training) = try HDF5Library.serialized {
            let file = try HDF5File.open(path, op: "load_model")
            return (try file.strings("", "model_config")?.first, try file.strings("", "training_config")?.first)
        }
        guard let text else {
            throw SwiftKerasError(.io, "load_model: No model config found in the file at '\(path)' (an HDF5 weights file: build the model in code and call load_weights)")
        }
        let model = try modelFromConfig(KerasTwoConfig.importing(try ConfigValue.parse(json: text)))
        _ = try HDF5Library.serialized {
            try loadWeights(into: model, from: try HDF5File.open(path, op: "load_model"), group: "model_weights",
                            byName: false, skipMismatch: false)
        }
        if compile, let tc = training {
            do {
                try model.compile(fromConfig: try KerasTwoConfig.compileConfig(fromTraining: try ConfigValue.parse(json: tc)))
            } catch let e as SwiftKerasError {
                throw SwiftKerasError(e.kind, "load_model: '\(path)': the saved training config cannot be rebuilt: \(e.message) (load with compile=False and compile the model again)")
            }
            let values: [Tensor]? = try HDF5Library.serialized {
                let file = try HDF5File.open(path, op: "load_model")
                guard file.exists("optimizer_weights") else { return nil }
                return try (listAttribute(file, "optimizer_weights", "weight_names") ?? []).map {
                    try file.readDataset("optimizer_weights/" + $0)
                }
            }
            if let values, !values.isEmpty, let opt = model.optimizer,
               let reason = try KerasOptimizerVariables.restore(opt, building: model.trainableVariables, from: values) {
                KerasOptimizerVariables.warnSkipped("load_model", path, reason)
            }
        }
        return model
    }

    /// The compile config (SwiftKeras' form) of the HDF5 model file at `path`, nil when saved uncompiled.
    static func savedCompileConfig(at path: String) throws -> String? {
        let tc: String? = try HDF5Library.serialized {
            let file = try HDF5File.open(path, op: "load_model")
            guard try file.strings("", "model_config") != nil else {
                throw SwiftKerasError(.io, "load_model: No model config found in the file at '\(path)'")
            }
            return try file.strings("", "training_config")?.first
        }
        guard let tc else { return nil }
        return try KerasTwoConfig.compileConfig(fromTraining: try ConfigValue.parse(json: tc)).json
    }
}

extension Layer {
    /// Keras `model.load_weights(path, by_name=..., skip_mismatch=...)`. With `byName` false this is
    /// `loadWeights(from:skipMismatch:)`. With `byName` true the file must be a tf.keras 2 HDF5
    /// file: each saved layer's weights go to the model's layers of the same name (layers the
    /// model lacks are ignored); with `skipMismatch` a layer whose weight count differs, or a
    /// weight whose shape differs, is skipped (and reported) instead of failing. All or nothing
    /// otherwise.
    ///
    /// - Throws: `.unimplemented` for `byName` on a file that is not HDF5 (as tf.keras 2 for its
    ///   TensorFlow format); as `loadWeights(from:skipMismatch:)` otherwise.
    public func loadWeights(from path: String, byName: Bool, skipMismatch: Bool) throws -> [SkippedWeights] {
        guard byName else { return try loadWeights(from: path, skipMismatch: skipMismatch) }
        guard KerasHDF5.isHDF5File(path) else {
            throw SwiftKerasError(.unimplemented, "load_weights: '\(path)' is not an HDF5 (.h5) file; weights are loaded by name (by_name=True) only from tf.keras 2's HDF5 format")
        }
        return try KerasHDF5.loadWeights(into: try KerasHDF5.model(self, op: "load_weights"), from: path,
                                         byName: true, skipMismatch: skipMismatch)
    }
}
