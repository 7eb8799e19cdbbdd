/// Builds a loss from its Keras name and constructor arguments as a JSON object, e.g.
/// `lossFromConfig(name: "sparse_categorical_crossentropy", configJSON: #"{"from_logits": true}"#)`.
/// Keys: "reduction" ("sum_over_batch_size", "sum", "none") and "name" for every loss, plus
/// "delta" (Huber), "from_logits", "label_smoothing", "axis" (binary and categorical
/// crossentropy) and "from_logits", "ignore_class", "axis" (sparse categorical crossentropy).
/// Unknown keys and wrong types are errors naming the loss and the key.
public func lossFromConfig(name: String, configJSON: String) throws -> BaseLoss {
    guard let canonical = canonicalLossName(name) else {
        throw SwiftKerasError.invalid("Could not interpret loss identifier: '\(name)'")
    }
    let text = configJSON.isEmpty ? "{}" : configJSON
    var r = try ConfigReader(try ConfigValue.parse(json: text), owner: "\(canonical).from_config")
    var reduction = Reduction.sumOverBatchSize
    if let s = try r.string("reduction") {
        guard let red = Reduction(name: s) else {
            throw SwiftKerasError.invalid("\(canonical).from_config: unknown reduction '\(s)'")
        }
        reduction = red
    }
    let lossName = try r.string("name")
    let loss: BaseLoss
    switch canonical {
    case "huber":
        loss = Losses.Huber(delta: try r.double("delta", 1.0), reduction: reduction, name: lossName ?? "huber_loss")
    case "binary_crossentropy":
        loss = Losses.BinaryCrossentropy(fromLogits: try r.bool("from_logits", false),
                                         labelSmoothing: try r.double("label_smoothing", 0),
                                         axis: try r.int("axis", -1), reduction: reduction,
                                         name: lossName ?? "binary_crossentropy")
    case "categorical_crossentropy":
        loss = Losses.CategoricalCrossentropy(fromLogits: try r.bool("from_logits", false),
                                              labelSmoothing: try r.double("label_smoothing", 0),
                                              axis: try r.int("axis", -1), reduction: reduction,
                                              name: lossName ?? "categorical_crossentropy")
    case "sparse_categorical_crossentropy":
        loss = Losses.SparseCategoricalCrossentropy(fromLogits: try r.bool("from_logits", false),
                                                    ignoreClass: try r.int("ignore_class"),
                                                    axis: try r.int("axis", -1), reduction: reduction,
                                                    name: lossName ?? "sparse_categorical_crossentropy")
    default:
        loss = try lossNamed(canonical, reduction: reduction)
        if let lossName { loss.name = lossName }
    }
    try r.finish()
    return loss
}
