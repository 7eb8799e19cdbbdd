// The function forms of Keras metrics and losses (`keras.metrics.binary_accuracy(y_true, y_pred,
// threshold=0.5)`, `keras.losses.huber(y_true, y_pred, delta=1.0)`, ...) by name, with their
// keyword arguments as JSON: what sk_metric_function exports, so that no client rebuilds them.

extension Metrics {
    /// The names `function(named:configJSON:)` accepts: the accuracy functions and every loss
    /// function (`canonicalLossName` resolves the loss aliases, e.g. "mse", "mae", "kld").
    public static let functionNames: [String] = [
        "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    ]

    /// The per-sample function Keras calls `name` (`keras.metrics.<name>` / `keras.losses.<name>`),
    /// with its keyword arguments given as a JSON object (`""` or `"{}"` = the defaults):
    /// - "accuracy", "categorical_accuracy", "sparse_categorical_accuracy": no arguments;
    /// - "binary_accuracy": "threshold" (default 0.5);
    /// - "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy": "k" (≥ 1, default 5);
    /// - loss functions: "mean_squared_error", "mean_absolute_error",
    ///   "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "log_cosh",
    ///   "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge" (no arguments);
    ///   "huber": "delta"; "cosine_similarity": "axis"; "binary_crossentropy",
    ///   "categorical_crossentropy": "from_logits", "label_smoothing", "axis";
    ///   "sparse_categorical_crossentropy": "from_logits", "ignore_class", "axis";
    ///   "binary_focal_crossentropy": "apply_class_balancing", "alpha", "gamma", "from_logits",
    ///   "label_smoothing", "axis"; "categorical_focal_crossentropy": "alpha", "gamma",
    ///   "from_logits", "label_smoothing", "axis" — and the loss aliases ("mse", "mae", "kld", ...).
    /// Unknown names, unknown keys and wrongly typed values throw `.invalidArgument` naming the
    /// function and the key. The returned function gives per-sample values, as Keras' does.
    public static func function(named name: String, configJSON: String = "") throws -> (Tensor, Tensor) throws -> Tensor {
        let text = configJSON.isEmpty ? "{}" : configJSON
        let canonical = functionNames.contains(name) ? name : canonicalLossName(name)
        guard let canonical else {
            throw SwiftKerasError(.invalidArgument, "Could not interpret metric function: '\(name)'")
        }
        var r = try ConfigReader(try ConfigValue.parse(json: text), owner: canonical)
        let f: (Tensor, Tensor) throws -> Tensor
        switch canonical {
        case "accuracy": f = Metrics.accuracy
        case "binary_accuracy":
            let threshold = try r.double("threshold", 0.5)
            f = { try Metrics.binaryAccuracy($0, $1, threshold: threshold) }
        case "categorical_accuracy": f = Metrics.categoricalAccuracy
        case "sparse_categorical_accuracy": f = Metrics.sparseCategoricalAccuracy
        case "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy":
            let k = try r.int("k", 5)
            if k < 1 { throw SwiftKerasError(.invalidArgument, "\(canonical): 'k' must be at least 1, got \(k)") }
            f = canonical == "top_k_categorical_accuracy"
                ? { try Metrics.topKCategoricalAccuracy($0, $1, k: k) }
                : { try Metrics.sparseTopKCategoricalAccuracy($0, $1, k: k) }
        case "mean_squared_error": f = Losses.meanSquaredError
        case "mean_absolute_error": f = Losses.meanAbsoluteError
        case "mean_absolute_percentage_error": f = Losses.meanAbsolutePercentageError
        case "mean_squared_logarithmic_error": f = Losses.meanSquaredLogarithmicError
        case "log_cosh": f = Losses.logCosh
        case "kl_divergence": f = Losses.klDivergence
        case "poisson": f = Losses.poisson
        case "hinge": f = Losses.hinge
        case "squared_hinge": f = Losses.squaredHinge
        case "categorical_hinge": f = Losses.categoricalHinge
        case "huber":
            let delta = try r.double("delta", 1.0)
            f = { try Losses.huber($0, $1, delta: delta) }
        case "cosine_similarity":
            let axis = try r.int("axis", -1)
            f = { try Losses.cosineSimilarity($0, $1, axis: axis) }
        case "binary_crossentropy", "categorical_crossentropy":
            let fromLogits = try r.bool("from_logits", false)
            let smoothing = try r.double("label_smoothing", 0)
            let axis = try r.int("axis", -1)
            f = canonical == "binary_crossentropy"
                ? { try Losses.binaryCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: smoothing, axis: axis) }
                : { try Losses.categoricalCrossentropy($0, $1, fromLogits: fromLogits, labelSmoothing: smoothing, axis: axis) }
        case "sparse_categorical_crossentropy":
            let fromLogits = try r.bool("from_logits", false)
            let ignoreClass = try r.int("ignore_class")
            let axis = try r.int("axis", -1)
            f = { try Losses.sparseCategoricalCrossentropy($0, $1, fromLogits: fromLogits, ignoreClass: ignoreClass, axis: axis) }
        case "binary_focal_crossentropy":
            let balancing = try r.bool("apply_class_balancing", false)
            let alpha = try r.double("alpha", 0.25), gamma = try r.double("gamma", 2.0)
            let fromLogits = try r.bool("from_logits", false)
            let smoothing = try r.double("label_smoothing", 0)
            let axis = try r.int("axis", -1)
            f = { try Losses.binaryFocalCrossentropy($0, $1, applyClassBalancing: balancing, alpha: alpha, gamma: gamma,
                                                     fromLogits: fromLogits, labelSmoothing: smoothing, axis: axis) }
        default: // "categorical_focal_crossentropy"
            let alpha = try r.double("alpha", 0.25), gamma = try r.double("gamma", 2.0)
            let fromLogits = try r.bool("from_logits", false)
            let smoothing = try r.double("label_smoothing", 0)
            let axis = try r.int("axis", -1)
            f = { try Losses.categoricalFocalCrossentropy($0, $1, alpha: alpha, gamma: gamma, fromLogits: fromLogits,
                                                          labelSmoothing: smoothing, axis: axis) }
        }
        try r.finish()
        return f
    }
}
