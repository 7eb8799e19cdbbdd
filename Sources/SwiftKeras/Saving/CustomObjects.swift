// Saving models that hold layers defined outside the core (C or Python custom layers) and
// subclassed models: their serialized config comes from their client (`Layer.configSource`),
// their classes are found again through `KerasRegistry`'s custom factories (registered by C
// and Python: `sk_register_class`), and a model whose weights are made on its first call is
// built by one call on zeros of the recorded input shapes before its weights are loaded.

extension ModelFileKeys {
    /// The input shapes a subclassed model was built with (JSON list of shapes, -1 unknown).
    public static let buildInputShapes = "swiftkeras.build_input_shapes"
}

extension Model {
    /// Builds the model by calling it once, without recording, on zeros of `shapes` (a JSON
    /// list of shapes as `ModelFileKeys.buildInputShapes` holds them; unknown sizes become 1).
    ///
    /// - Throws: `.io` naming `path` for a malformed list; what the call throws.
    func buildByCalling(_ shapes: ConfigValue, path: String) throws {
        func malformed() -> SwiftKerasError {
            SwiftKerasError(.io, "load_model: '\(path)': malformed \(ModelFileKeys.buildInputShapes) \(shapes.json)")
        }
        guard case .array(let items) = shapes, !items.isEmpty else { throw malformed() }
        var inputs: [Tensor] = []
        for item in items {
            guard case .array(let dims) = item else { throw malformed() }
            let shape = try dims.map { d -> Int in
                switch d {
                case .int(let i) where i >= 0: return i
                case .int(-1), .null: return 1
                default: throw malformed()
                }
            }
            inputs.append(try Tensor.zeros(shape, dtype: .float32))
        }
        _ = try withoutRecording { try outputs(inputs, training: false) }
    }
}
