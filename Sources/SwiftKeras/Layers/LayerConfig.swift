// What every layer's get_config / from_config shares (Keras 3 `Layer.get_config` and
// `keras.layers.deserialize`): the base keys, the value helpers, and deserialization by class
// name through `KerasRegistry`. Each layer class writes and reads its own keys beside its
// definition.

extension ConfigValue {
    /// A shape or tuple, -1 (unknown) as null.
    static func ints(_ a: [Int]) -> ConfigValue { .array(a.map { $0 < 0 ? .null : .int($0) }) }

    /// An activation by its name.
    static func activation(_ a: ActivationFunction) -> ConfigValue { .string(a.name) }

    /// A padding mode by its Keras name.
    static func padding(_ p: Padding) -> ConfigValue {
        switch p {
        case .valid: return .string("valid")
        case .same: return .string("same")
        case .causal: return .string("causal")
        }
    }

    /// A serialized initializer.
    static func initializer(_ i: Initializer) throws -> ConfigValue { try initializerConfig(i) }

    /// A serialized regularizer, or null.
    static func regularizer(_ r: Regularizer?) throws -> ConfigValue { try r.map(regularizerConfig) ?? .null }

    /// A seed (stored as the bits of an Int64), or null.
    static func seed(_ s: UInt64?) -> ConfigValue { s.map { .int(Int(Int64(bitPattern: $0))) } ?? .null }
}

/// A factory building a layer from its config dictionary (see `LayerRegistry`).
public typealias LayerFactory = (ConfigValue) throws -> Layer

/// Custom layer classes known to `layerFromConfig` by class name (Keras
/// `keras.saving.register_keras_serializable`): the layer namespace of `KerasRegistry`.
public enum LayerRegistry {
    /// Registers (or replaces) the factory of `className`. Built-in class names cannot be replaced.
    public static func register(_ className: String, _ factory: @escaping LayerFactory) throws {
        try KerasRegistry.register(.layer, className: className) { try factory($0) }
    }

    /// Removes a registered class.
    public static func unregister(_ className: String) {
        KerasRegistry.unregister(.layer, className: className)
    }
}

/// The class names `layerFromConfig` builds without registration.
public var builtinLayerClassNames: [String] { KerasRegistry.builtinClassNames(.layer) }

extension Layer {
    /// The Keras class name of the layer ("Dense", "Conv2D", ...): its `KerasSerializable`
    /// class name, else the Swift class name.
    public var className: String {
        if let s = self as? any KerasSerializable { return type(of: s).className }
        return String(describing: type(of: self))
    }

    /// The keys every layer config holds (Keras `Layer.get_config`): "name", "trainable",
    /// "dtype" (the dtype policy's name), "batch_input_shape" when the layer was given an input
    /// shape and "activity_regularizer" when set, and the class's constraint keys
    /// ("kernel_constraint": null, ...). Layers' `getConfig` add their own keys.
    func baseConfig() throws -> [String: ConfigValue] {
        var c: [String: ConfigValue] = ["name": .string(name), "trainable": .bool(trainable),
                                        "dtype": .string(dtypePolicy.name)]
        if let s = batchInputShape { c["batch_input_shape"] = .ints(s) }
        if let r = activityRegularizer { c["activity_regularizer"] = try regularizerConfig(r) }
        return c.merging(try constraintConfigs()) { _, constraint in constraint }
    }

    /// The layer's config: the keys every layer config holds (`baseConfig()`) and the class's
    /// `own` keys (Keras: `{**base_config, **config}` in each layer's `get_config`).
    func layerConfig(_ own: [String: ConfigValue]) throws -> ConfigValue {
        .object(try baseConfig().merging(own) { _, mine in mine })
    }
}

/// A built-in layer class read from configs: its `init(config:)` (from here) reads the base
/// keys, then the class's own keys through `init(reading:base:)`, then refuses the keys nobody
/// read and applies the base keys to the built layer (Keras `Layer.from_config`).
protocol ConfigurableLayer: Layer, KerasSerializable {
    /// Builds the layer from the class's own keys, read from `r`, and the base keys `base`.
    init(reading r: inout ConfigReader, base: LayerBaseArguments) throws
}

extension ConfigurableLayer {
    /// Builds the layer from its config (see `ConfigurableLayer`).
    public init(config: ConfigValue) throws {
        var r = try ConfigReader(config, fromConfigOf: Self.className)
        let base = try LayerBaseArguments(&r)
        try self.init(reading: &r, base: base)
        try base.finish(r, self)
    }
}

/// The base-layer keys of a config (Keras `Layer.__init__` keywords), read by each layer's
/// `init(config:)` before its own keys and applied to the layer after it is built.
struct LayerBaseArguments {
    let name: String?
    let dtype: DTypePolicy?
    let trainable: Bool
    /// "batch_input_shape" (tf.keras), "batch_shape" (Keras 3) or "input_shape" (no batch
    /// dimension, the constructor keyword Keras layers accept).
    let batchShape: [Int]?
    let activityRegularizer: Regularizer?
    /// tf.keras 2's "dtype" of a layer that outputs ids ("int64", TextVectorization "string"; see
    /// `IdOutputDType`), nil otherwise.
    let idDType: String?
    /// The class's constraint keys ("kernel_constraint", ...) with their constraints (nil: none).
    let constraints: [(key: String, constraint: Constraint?)]

    /// Reads the base keys (and the constraint keys of the class `r` reads) from `r`, which then
    /// reads the class's own keys.
    init(_ r: inout ConfigReader) throws {
        name = try r.string("name")
        let dtypeName = try r.string("dtype")
        idDType = dtypeName.flatMap { IdOutputDType.accepts($0, className: r.className) ? $0 : nil }
        dtype = try idDType == nil ? dtypeName.map { try DTypePolicy($0) } : nil
        trainable = try r.bool("trainable", true)
        batchShape = try r.ints("batch_input_shape") ?? (try r.ints("batch_shape"))
            ?? (try r.ints("input_shape")).map { [-1] + $0 }
        activityRegularizer = try r.regularizer("activity_regularizer")
        var constraints: [(key: String, constraint: Constraint?)] = []
        for key in LayerConstraintKeys.byClass[r.className ?? ""] ?? [] { constraints.append((key, try r.constraint(key))) }
        self.constraints = constraints
    }

    /// Rejects the keys nobody read and sets the base attributes of `layer` (its constraints too).
    func finish(_ r: ConfigReader, _ layer: Layer) throws {
        try r.finish()
        if let idDType { try IdOutputDType.check(idDType, layer) }
        for (key, c) in constraints { try layer.setConstraint(c, forKey: key) }
        if !(layer is InputLayer) {
            if let bs = batchShape { layer.batchInputShape = bs }
            layer.trainable = trainable
        }
        layer.activityRegularizer = activityRegularizer
    }
}

/// The layer of class `className` built from `config` (Keras `keras.layers.deserialize` of
/// `{"class_name": className, "config": config}`; the C API's `sk_layer_create(class_name,
/// config_json)`). Built-in classes (`builtinLayerClassNames`), "Sequential" and "Functional"
/// (see `modelFromConfig`) and classes registered in `LayerRegistry` are known. Missing keys take
/// the Keras defaults; unknown keys are an error, as Keras rejects unknown arguments.
///
/// - Throws: `.invalidArgument` for an unknown class, an unknown key or a value of the wrong type,
///   and whatever the layer's initializer throws for invalid arguments.
public func layerFromConfig(className: String, config: ConfigValue) throws -> Layer {
    if KerasRegistry.builtinFactory(.model, named: className) != nil {
        return try modelFromConfig(.object(["class_name": .string(className), "config": config]))
    }
    guard let object = try KerasRegistry.deserialize(.layer, className: className, config: config) else {
        throw SwiftKerasError(.invalidArgument, "layers.deserialize: unknown layer class '\(className)' (built-in: \(builtinLayerClassNames.joined(separator: ", ")); custom classes must be registered with LayerRegistry)")
    }
    guard let layer = object as? Layer else {
        throw SwiftKerasError(.invalidArgument, "layers.deserialize: the class registered as '\(className)' built \(String(describing: type(of: object))), not a layer")
    }
    return layer
}

/// `layerFromConfig` on Keras' serialized form `{"class_name": ..., "config": {...}}`
/// (Keras `keras.layers.deserialize`).
public func layerFromConfig(_ serialized: ConfigValue) throws -> Layer {
    guard case .string(let cls)? = serialized["class_name"], let config = serialized["config"] else {
        throw SwiftKerasError(.invalidArgument, "layers.deserialize: expected {\"class_name\": ..., \"config\": {...}}, got \(serialized.json)")
    }
    return try layerFromConfig(className: cls, config: config)
}

/// `layerFromConfig` taking the config as JSON text (for the C API's
/// `sk_layer_create(class_name, config_json)`).
public func layerFromConfig(className: String, configJSON: String) throws -> Layer {
    try layerFromConfig(className: className, config: try ConfigValue.parse(json: configJSON))
}
