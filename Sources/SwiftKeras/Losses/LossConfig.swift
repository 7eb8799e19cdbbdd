// What every loss config shares (Keras `Loss.get_config`: "name" and "reduction"), and losses
// from a Keras name and constructor arguments through `KerasRegistry`. Each loss class reads
// and writes its own arguments beside its definition.

/// Builds a loss from its Keras name and constructor arguments as a JSON object, e.g.
/// `lossFromConfig(name: "sparse_categorical_crossentropy", configJSON: #"{"from_logits": true}"#)`.
/// Keys: "reduction" ("sum_over_batch_size", "sum", "none") and "name" for every loss, plus
/// "delta" (Huber), "from_logits", "label_smoothing", "axis" (binary and categorical
/// crossentropy), "from_logits", "ignore_class", "axis" (sparse categorical crossentropy),
/// "axis" (cosine similarity) and the focal crossentropies' "alpha", "gamma" (and
/// "apply_class_balancing" for the binary one), "from_logits", "label_smoothing", "axis".
/// Unknown keys and wrong types are errors naming the loss and the key.
public func lossFromConfig(name: String, configJSON: String) throws -> BaseLoss {
    guard KerasRegistry.builtinClass(.loss, named: name) != nil || KerasRegistry.customFactory(.loss, className: name) != nil else {
        throw SwiftKerasError.invalid("Could not interpret loss identifier: '\(name)'")
    }
    let text = configJSON.isEmpty ? "{}" : configJSON
    guard let loss = try KerasRegistry.deserialize(.loss, className: name, config: try ConfigValue.parse(json: text)) as? BaseLoss else {
        throw SwiftKerasError.invalid("Could not interpret loss identifier: '\(name)' (its registered class does not build a loss)")
    }
    return loss
}

extension KerasSerializable where Self: BaseLoss {
    /// The loss function's name ("mean_squared_error"), which owns error messages: the first alias.
    static var functionName: String { aliases.first ?? className }
}

extension KerasSerializable where Self: BaseLoss {
    /// Reads a loss config for `init(config:)`: the keys every loss has ("reduction", "name"),
    /// then the class's own keys through `read`, then refuses any other key.
    static func readConfig<Arguments>(_ config: ConfigValue, _ read: (inout ConfigReader) throws -> Arguments)
        throws -> (base: LossBaseArguments, arguments: Arguments) {
        var r = try ConfigReader(config, fromConfigOf: functionName)
        let base = try LossBaseArguments(&r)
        let arguments = try read(&r)
        try r.finish()
        return (base, arguments)
    }
}

extension BaseLoss {
    /// The keys every loss config holds: "name" and "reduction".
    func baseConfig() -> [String: ConfigValue] {
        ["name": .string(name), "reduction": .string(reduction.kerasName)]
    }
}

/// The keys every loss config may hold (Keras `Loss.__init__`): "reduction" (default
/// "sum_over_batch_size") and "name" (nil: the class's default).
struct LossBaseArguments {
    let reduction: Reduction
    let name: String?

    init(_ r: inout ConfigReader) throws {
        var reduction = Reduction.sumOverBatchSize
        if let s = try r.string("reduction") {
            guard let red = Reduction(name: s) else {
                throw SwiftKerasError.invalid("\(r.owner): unknown reduction '\(s)'")
            }
            reduction = red
        }
        self.reduction = reduction
        name = try r.string("name")
    }
}
