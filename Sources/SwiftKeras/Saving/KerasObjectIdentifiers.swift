/// `keras.initializers` / `keras.regularizers` as functions of a Keras identifier (a JSON name such
/// as `"glorot_uniform"` or a config `{"class_name": ..., "config": {...}}`), for clients that
/// hold identifiers rather than objects (the C API, hence Python's modules).

/// `keras.initializers.get(identifier)(shape, dtype)`: the values of the initializer the JSON
/// identifier names or configures.
///
/// - Throws: `.invalidArgument` for malformed JSON, an unknown initializer or a negative
///   dimension; the initializer's own errors (e.g. a non-floating dtype for a random one).
public func initializerValues(identifierJSON: String, shape: [Int], dtype: DType) throws -> Tensor {
    if let d = shape.first(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid("initializers: shape \(shape) has a negative dimension \(d)")
    }
    let initializer = try initializerFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "initializers.get")
    return try initializer(shape, dtype: dtype)
}

/// `keras.initializers.serialize(keras.initializers.get(identifier))` as JSON: the canonical
/// `{"class_name": ..., "config": {...}}` of the initializer the JSON identifier gives.
public func initializerConfigJSON(identifierJSON: String) throws -> String {
    try initializerConfig(try initializerFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "initializers.get")).json
}

/// `keras.regularizers.get(identifier)(x)`: the penalty (a scalar) of the regularizer the JSON
/// identifier names or configures.
public func regularizerPenalty(identifierJSON: String, _ x: Tensor) throws -> Tensor {
    let regularizer = try regularizerFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "regularizers.get")
    return try regularizer(x)
}

/// `keras.regularizers.serialize(keras.regularizers.get(identifier))` as JSON.
public func regularizerConfigJSON(identifierJSON: String) throws -> String {
    try regularizerConfig(try regularizerFromConfig(try ConfigValue.parse(json: identifierJSON), owner: "regularizers.get")).json
}
