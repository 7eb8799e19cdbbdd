// Reading a whole-model file's metadata (what `loadModel` checks first, and the saved compile
// config a client needs to recompile a model with its own objects): the file format is read
// here only, never by clients.

/// The metadata of the SwiftKeras model file at `path` (written by `Model.save`), checked to be a
/// model file of the version this library reads; `op` names the caller in errors.
///
/// - Throws: `.io` for a missing, truncated, damaged or foreign file, a weights-only file or
///   another format version.
func modelFileMetadata(at path: String, op: String) throws -> [String: String] {
    let (_, metadata) = try SafeTensors.contents(of: path)
    guard metadata["format"] == WeightsFormat.modelFormat, metadata[ModelFileKeys.modelConfig] != nil else {
        if metadata["format"] == WeightsFormat.format {
            throw SwiftKerasError(.io, "\(op): '\(path)' holds only weights (written by saveWeights); build the model in code and call loadWeights")
        }
        throw SwiftKerasError(.io, "\(op): '\(path)' is a safetensors file but not a SwiftKeras model file (no \"\(ModelFileKeys.modelConfig)\" metadata)")
    }
    if let v = metadata["version"], v != WeightsFormat.version {
        throw SwiftKerasError(.io, "\(op): '\(path)' has format version \(v); this library reads version \(WeightsFormat.version)")
    }
    return metadata
}

/// The compile config saved in the model file at `path` (the JSON of
/// `Model.getCompileConfig()` at save time: `{"optimizer": ..., "loss": ..., "metrics": [...]}`),
/// or nil when the model was saved uncompiled. Lets a client recompile a loaded model with its
/// own metric objects (Keras `load_model(..., custom_objects=...)`).
///
/// - Throws: as `loadModel` for a file that is not a readable model file.
public func savedCompileConfig(at path: String) throws -> String? {
    if !ModelDirectory.isDirectory(path) && KerasHDF5.isHDF5File(path) { return try KerasHDF5.savedCompileConfig(at: path) }
    if KerasV3.isKerasPath(path) && !ModelDirectory.isDirectory(path) { return try KerasV3.savedCompileConfig(at: path) }
    return try modelFileMetadata(at: try ModelDirectory.fileForLoading(path, op: "load_model"), op: "load_model")[ModelFileKeys.compileConfig]
}
