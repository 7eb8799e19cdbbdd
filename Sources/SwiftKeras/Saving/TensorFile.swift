// Named tensors in a safetensors file (the format of model weights files): what
// `tf.train.Checkpoint` saves and restores through `sk_tensors_save` / `sk_tensors_load`.

/// Saves and reads named tensors, one file per checkpoint.
public enum TensorFile {
    /// Writes `tensors` to `path` atomically (the safetensors layout of `Model.saveWeights`).
    /// - Throws: `.invalidArgument` for a duplicate or empty name; `.io` when the file cannot be written.
    public static func save(_ tensors: [(name: String, tensor: Tensor)], to path: String) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            if name.isEmpty {
                throw SwiftKerasError(.invalidArgument, "tensors_save: a tensor name is empty (file \(path))")
            }
            if !seen.insert(name).inserted {
                throw SwiftKerasError(.invalidArgument, "tensors_save: the name \"\(name)\" appears twice (file \(path))")
            }
        }
        try SafeTensors.write(tensors, metadata: ["format": "swiftkeras-checkpoint"], to: path)
    }

    /// The tensor called `name` in the file at `path`.
    /// - Throws: `.invalidArgument` naming the tensor, the path and the names the file has when
    ///   there is no such tensor; `.io` for a missing or damaged file.
    public static func load(_ name: String, from path: String) throws -> Tensor {
        let contents = try SafeTensors.read(from: path)
        if let hit = contents.tensors.first(where: { $0.0 == name }) {
            return hit.1
        }
        let names = contents.tensors.map { $0.0 }.sorted().prefix(20).joined(separator: ", ")
        throw SwiftKerasError(.invalidArgument, "tensors_load: no tensor \"\(name)\" in \(path) (it has: \(names))")
    }

    /// The names of the tensors in the file at `path`, sorted (`tf.train.list_variables`).
    /// - Throws: `.io` for a missing or damaged file.
    public static func names(in path: String) throws -> [String] {
        try SafeTensors.read(from: path).tensors.map { $0.0 }.sorted()
    }
}
