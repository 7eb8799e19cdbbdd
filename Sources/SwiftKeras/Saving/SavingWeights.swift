// Model.save_weights / load_weights in the safetensors format (Keras 3 `.weights.h5` keyed by
// layer paths; here one safetensors file, readable by `safetensors.numpy.load_file` etc.). An
// `.h5` / `.hdf5` path is tf.keras 2's HDF5 format instead (`KerasHDF5Format.swift`).

/// The metadata values identifying a SwiftKeras weights file.
public enum WeightsFormat {
    /// `__metadata__["format"]` of a weights file.
    public static let format = "swiftkeras.weights"
    /// `__metadata__["format"]` of a whole-model file (`Model.save`), whose weights load too.
    public static let modelFormat = "swiftkeras.model"
    /// `__metadata__["version"]`.
    public static let version = "1"
}

extension Layer {
    /// Every weight of the layer and its sublayers (trainable and non-trainable, e.g.
    /// BatchNormalization's moving mean and variance) with its stable, unique key: the layer path
    /// from this layer down, then the weight's own name — "dense/kernel", "dense_1/bias",
    /// "batch_normalization/moving_mean", "sequential/dense/kernel" for a nested model.
    ///
    /// As in Keras 3's weights files, each path element is the sublayer's class name in snake
    /// case, numbered within its parent in layer order ("dense", "dense_1", ...; the names
    /// Keras auto-generates in a fresh session), not the layer's `name`: a freshly built copy
    /// of a model (whose layers got other automatic names such as "dense_7") has the same keys
    /// and loads the file. The layer's own weights are keyed by their weight name. Shared
    /// weights appear once.
    ///
    /// - Throws: `.invalidArgument` when two weights get the same key (a custom layer with
    ///   two weights of the same name).
    public func weightPaths() throws -> [(path: String, variable: Variable)] {
        try weightEntries().map { ($0.path, $0.variable) }
    }

    /// `weightPaths()` with, for each weight, the path of the layer owning it ("" for this
    /// layer's own weights): "dense" for "dense/kernel", "sequential/dense" for
    /// "sequential/dense/kernel".
    func weightEntries() throws -> [(layer: String, path: String, variable: Variable)] {
        var out: [(String, String, Variable)] = []
        var seenIDs = Set<Int>()
        var seenPaths: [String: String] = [:]
        func add(_ layerPath: String, _ path: String, _ v: Variable) throws {
            if !seenIDs.insert(v.id).inserted { return }
            if let other = seenPaths[path] {
                throw SwiftKerasError(.invalidArgument, "save_weights: two weights of '\(name)' have the key \"\(path)\" (\(other) and \(v.name)); give the weights unique names")
            }
            seenPaths[path] = v.name
            out.append((layerPath, path, v))
        }
        func walk(_ layer: Layer, prefix: String) throws {
            var inner = Set<Int>()
            for l in layer.trackedLayers { for w in l.weights { inner.insert(w.id) } }
            let own = layer.name + "/"
            for w in layer.weights where !inner.contains(w.id) {
                let short = w.name.hasPrefix(own) ? String(w.name.dropFirst(own.count)) : w.name
                try add(prefix, prefix.isEmpty ? short : prefix + "/" + short, w)
            }
            for (l, key) in zip(layer.trackedLayers, Layer.canonicalNames(layer.trackedLayers)) {
                try walk(l, prefix: prefix.isEmpty ? key : prefix + "/" + key)
            }
        }
        try walk(self, prefix: "")
        return out
    }

    /// Keras 3's container naming: each layer's snake-cased class name, numbered ("_1", "_2",
    /// ...) when it repeats.
    static func canonicalNames(_ layers: [Layer]) -> [String] {
        var used: [String: Int] = [:]
        return layers.map { l in
            let base = Layer.snakeCase(l.className)
            let n = used[base, default: 0]
            used[base] = n + 1
            return n == 0 ? base : "\(base)_\(n)"
        }
    }

    /// Writes every weight to `path` as a safetensors file (Keras `model.save_weights`), keyed
    /// by `weightPaths()`, with the metadata `{"format": "swiftkeras.weights", "version": "1"}`.
    /// The write is atomic: on any failure (full disk, unwritable directory, crash) an existing
    /// file at `path` is left as it was.
    ///
    /// - Throws: `.io` naming the path when the file cannot be written; `.invalidArgument` for
    ///   duplicate weight keys.
    public func saveWeights(to path: String) throws {
        try KerasHDF5.refuseUnwrittenFormats(path, op: "save_weights", weightsOnly: true)
        if KerasV3.isWeightsPath(path) {
            try KerasV3.saveWeights(of: try KerasHDF5.model(self, op: "save_weights"), to: path)
            return
        }
        if KerasHDF5.isHDF5Path(path) {
            try KerasHDF5.saveWeights(of: try KerasHDF5.model(self, op: "save_weights"), to: path)
            return
        }
        try saveWeights(to: path, metadata: ["format": WeightsFormat.format, "version": WeightsFormat.version])
    }

    func saveWeights(to path: String, metadata: [String: String]) throws {
        let entries = try weightPaths()
        let tensors = withoutRecording { entries.map { (name: $0.path, tensor: $0.variable.value) } }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads the weights saved by `saveWeights(to:)` (or `Model.save(to:)`) from `path` (Keras
    /// `model.load_weights`). All or nothing: every name, shape and dtype in the file is checked
    /// against the layer's weights before any weight is assigned; on any error no weight changes.
    /// The file's weight names must be exactly the layer's (no missing, no extra weights).
    ///
    /// A Sequential model that is not built yet (no input shape) is built first when its first
    /// layer is a Dense layer, from the file's kernel shape; other unbuilt models throw, asking
    /// to build or call the model first.
    ///
    /// - Throws: `.io` for a missing, truncated, damaged or foreign file (naming the path);
    ///   `.invalidArgument` naming the missing, unexpected or mismatched weight and the file.
    public func loadWeights(from path: String) throws {
        _ = try loadWeights(from: path, skipMismatch: false)
    }

    /// `loadWeights(from:)` with Keras' `skip_mismatch`. With `skipMismatch` false this is
    /// `loadWeights(from:)` (same checks, same errors, returns []). With `skipMismatch` true, a
    /// layer is skipped — its weights keep their values — when any of its own weights is missing
    /// from the file or differs in shape or dtype, or when the file holds a weight under the
    /// layer's path that the layer does not have (a different weight count); every other layer
    /// is loaded. File weights of layers the model does not have are ignored. Everything is
    /// still checked before anything is assigned; the file's format, version and readability
    /// errors still throw and then nothing changes.
    ///
    /// - Returns: the skipped layers in weight order, each with its layer path ("dense_1"), the
    ///   model's weight keys in it and the reason (as Keras' warning).
    public func loadWeights(from path: String, skipMismatch: Bool) throws -> [SkippedWeights] {
        if KerasV3.isKerasPath(path) || (KerasV3.isWeightsPath(path) && KerasHDF5.isHDF5File(path)) {
            return try KerasV3.loadWeights(into: try KerasHDF5.model(self, op: "load_weights"), from: path,
                                           skipMismatch: skipMismatch)
        }
        if KerasHDF5.isHDF5File(path) {
            return try KerasHDF5.loadWeights(into: try KerasHDF5.model(self, op: "load_weights"), from: path,
                                             byName: false, skipMismatch: skipMismatch)
        }
        let (entries, metadata) = try SafeTensors.contents(of: path)
        if let f = metadata["format"], f != WeightsFormat.format, f != WeightsFormat.modelFormat {
            throw SwiftKerasError(.io, "load_weights: '\(path)' is not a SwiftKeras weights file (its metadata says format \"\(f)\")")
        }
        if let v = metadata["version"], metadata["format"] != nil, v != WeightsFormat.version {
            throw SwiftKerasError(.io, "load_weights: '\(path)' has format version \(v); this library reads version \(WeightsFormat.version)")
        }
        if weights.isEmpty && !entries.isEmpty {
            try buildFromWeightShapes(entries, path: path)
        }
        let all = try weightEntries()
        let fileByName = Dictionary(entries.map { ($0.name, ($0.dtype, $0.shape)) }, uniquingKeysWith: { a, _ in a })
        let myNames = Set(all.map(\.path))
        var skipped: [SkippedWeights] = []
        var skippedLayers = Set<String>()
        if skipMismatch {
            skipped = skippedLayersForLoading(all, entries: entries, file: fileByName, myNames: myNames, path: path)
            skippedLayers = Set(skipped.map(\.layer))
        } else {
            let missing = all.map(\.path).filter { fileByName[$0] == nil }
            if !missing.isEmpty {
                throw SwiftKerasError(.invalidArgument, "load_weights: '\(path)' has no weight \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) of layer '\(name)' (the file holds \(entries.count) weights: \(entries.prefix(8).map { "\"\($0.name)\"" }.joined(separator: ", "))\(entries.count > 8 ? ", ..." : ""))")
            }
            let extra = entries.map(\.name).filter { !myNames.contains($0) }
            if !extra.isEmpty {
                throw SwiftKerasError(.invalidArgument, "load_weights: '\(path)' holds weight(s) \(extra.map { "\"\($0)\"" }.joined(separator: ", ")) that layer '\(name)' does not have (it has \(all.count) weights)")
            }
            for (_, p, v) in all {
                guard let (dt, shape) = fileByName[p] else { continue }
                if shape != v.shape {
                    throw SwiftKerasError(.invalidArgument, "load_weights: weight \"\(p)\" in '\(path)' has shape \(formatShape(shape)), but the model's weight has shape \(formatShape(v.shape))")
                }
                if dt != v.dtype {
                    throw SwiftKerasError(.invalidArgument, "load_weights: weight \"\(p)\" in '\(path)' has dtype \(dt), but the model's weight has dtype \(v.dtype)")
                }
            }
        }
        let mine = all.filter { !skippedLayers.contains($0.layer) }
        let (tensors, _) = try SafeTensors.read(from: path)
        let values = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        // Re-check against what was actually read (the file may have changed in between).
        var pairs: [(Variable, Tensor)] = []
        for (_, p, v) in mine {
            guard let t = values[p], t.shape == v.shape, t.dtype == v.dtype else {
                throw SwiftKerasError(.io, "load_weights: '\(path)' changed while it was being read (weight \"\(p)\")")
            }
            pairs.append((v, t))
        }
        for (v, t) in pairs { try v.assign(t) }
        return skipped
    }

    /// The layers `loadWeights(from:skipMismatch: true)` skips, with the reasons.
    private func skippedLayersForLoading(_ all: [(layer: String, path: String, variable: Variable)],
                                         entries: [(name: String, dtype: DType, shape: [Int])],
                                         file: [String: (DType, [Int])], myNames: Set<String>,
                                         path: String) -> [SkippedWeights] {
        var order: [String] = []
        var byLayer: [String: [(path: String, variable: Variable)]] = [:]
        for (l, p, v) in all {
            if byLayer[l] == nil { order.append(l) }
            byLayer[l, default: []].append((p, v))
        }
        // A file weight the model lacks belongs to the deepest model layer whose path prefixes it.
        var extraByLayer: [String: [String]] = [:]
        for e in entries where !myNames.contains(e.name) {
            var best: String?
            for l in order where !l.isEmpty && e.name.hasPrefix(l + "/") {
                if best == nil || l.count > (best?.count ?? 0) { best = l }
            }
            if let best { extraByLayer[best, default: []].append(e.name) }
        }
        var out: [SkippedWeights] = []
        for l in order {
            let ws = byLayer[l] ?? []
            var problems: [String] = []
            let missing = ws.filter { file[$0.path] == nil }.map(\.path)
            if !missing.isEmpty {
                problems.append("'\(path)' has no weight \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            if let extra = extraByLayer[l] {
                problems.append("'\(path)' holds weight(s) \(extra.map { "\"\($0)\"" }.joined(separator: ", ")) the layer does not have")
            }
            for (p, v) in ws {
                guard let (dt, shape) = file[p] else { continue }
                if shape != v.shape {
                    problems.append("weight \"\(p)\" has shape \(formatShape(shape)) in the file but \(formatShape(v.shape)) in the model")
                } else if dt != v.dtype {
                    problems.append("weight \"\(p)\" has dtype \(dt) in the file but \(v.dtype) in the model")
                }
            }
            if problems.isEmpty { continue }
            let layerName = l.isEmpty ? name : l
            let reason = "Layer '\(layerName)' expected \(ws.count) variable(s) (\(ws.map { "\"\($0.path)\"" }.joined(separator: ", "))), but " + problems.joined(separator: "; ") + ". Skipping layer '\(layerName)'."
            out.append(SkippedWeights(layer: layerName, weights: ws.map(\.path), reason: reason))
        }
        return out
    }

    /// Builds an unbuilt model from a weights file's shapes where the input shape can be
    /// inferred (a Sequential model whose first layer is Dense), else throws.
    private func buildFromWeightShapes(_ entries: [(name: String, dtype: DType, shape: [Int])], path: String) throws {
        if let seq = self as? Sequential, seq.batchInputShape == nil, let first = seq.layers.first as? Dense,
           let kernel = entries.first(where: { $0.name == Layer.snakeCase(first.className) + "/kernel" }), kernel.shape.count == 2 {
            _ = try withoutRecording { try seq(try Tensor.zeros([1, kernel.shape[0]], dtype: seq.layers[0].computeDType)) }
            return
        }
        throw SwiftKerasError(.invalidArgument, "load_weights: layer '\(name)' has no weights yet but '\(path)' holds \(entries.count); build the model first (give the first layer an input shape, or call the model on data) and then load the weights")
    }
}

/// A layer whose weights `Layer.loadWeights(from:skipMismatch: true)` did not load (Keras warns
/// "Skipping layer ..." for each).
public struct SkippedWeights: Equatable, Sendable {
    /// The layer's path in the weights file ("dense_1", "sequential/dense"), or the loading
    /// layer's own name for its own weights.
    public var layer: String
    /// The model's weight keys of that layer, which kept their values.
    public var weights: [String]
    /// Why the layer was skipped (missing, extra or mismatched weights, naming them and the file).
    public var reason: String
}
