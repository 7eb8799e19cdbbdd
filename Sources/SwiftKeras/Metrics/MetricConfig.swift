// Metrics from a Keras name and constructor arguments (keras.metrics.<Class>(**config)), and
// metrics wrapping a user function (Keras MeanMetricWrapper), for the C API and Python.

/// Builds a metric from its Keras class or function name and its constructor arguments as a
/// JSON object, e.g. `metricFromConfig(name: "AUC", configJSON: #"{"num_thresholds": 50, "curve": "PR"}"#)`.
///
/// Keys accepted by every metric: "name" (the name in logs; default the Keras one) and "dtype"
/// (a floating dtype name, default "float32"). Per metric:
/// - `Mean`, `Accuracy` (exact equality, also "accuracy"/"acc"), `CategoricalAccuracy`,
///   `SparseCategoricalAccuracy`, `MeanAbsoluteError`, `MeanSquaredError`,
///   `RootMeanSquaredError`: nothing else;
/// - `BinaryAccuracy`: "threshold" (in (0, 1), default 0.5);
/// - `TopKCategoricalAccuracy`, `SparseTopKCategoricalAccuracy`: "k" (≥ 1, default 5);
///   the latter also "from_sorted_ids" (only false);
/// - `Precision`, `Recall`: "thresholds" (a number or a list of numbers in [0, 1], default
///   0.5), "class_id", "top_k" (only null);
/// - `AUC`: "num_thresholds" (> 1, default 200), "curve" ("ROC" or "PR"),
///   "summation_method" ("interpolation", "minoring", "majoring"), "thresholds" (a list),
///   "from_logits", "multi_label" (only false), "num_labels" and "label_weights" (only null);
/// - any loss name ("kl_divergence", "binary_crossentropy", ...): the mean of the loss values.
///
/// Names are the Keras class names and the function names and aliases `metricNamed` knows
/// ("auc", "precision", "mae", "top_k_categorical_accuracy", ...). An empty config means the
/// defaults. Unknown names, unknown keys, wrongly typed or out-of-range values throw
/// `.invalidArgument` naming the metric and the key.
public func metricFromConfig(name: String, configJSON: String) throws -> Metric {
    let text = configJSON.isEmpty ? "{}" : configJSON
    let parsed = try ConfigValue.parse(json: text)
    let canonical = canonicalMetricName(name)
    var r = try ConfigReader(parsed, owner: "\(canonical ?? name).from_config")
    let metricName = try r.string("name")
    var dtype = DType.float32
    if let d = try r.string("dtype") {
        guard let dt = DType(name: d), dt.isFloatingPoint else {
            throw SwiftKerasError(.invalidArgument, "\(canonical ?? name).from_config: 'dtype' must be a floating-point dtype name, got \"\(d)\"")
        }
        dtype = dt
    }
    let owner = canonical ?? name
    func positiveK() throws -> Int {
        let k = try r.int("k", 5)
        if k < 1 { throw SwiftKerasError(.invalidArgument, "\(owner).from_config: 'k' must be at least 1, got \(k)") }
        return k
    }
    func onlyNull(_ key: String) throws {
        if let v = r.raw(key) {
            throw SwiftKerasError(.invalidArgument, "\(owner).from_config: '\(key)' is not supported (only null), got \(v.json)")
        }
    }
    func onlyFalse(_ key: String) throws {
        if try r.bool(key, false) {
            throw SwiftKerasError(.invalidArgument, "\(owner).from_config: '\(key)' = true is not supported")
        }
    }
    func thresholdList(_ key: String) throws -> [Double]? {
        guard let v = r.raw(key) else { return nil }
        switch v {
        case .int(let i): return [Double(i)]
        case .double(let d): return [d]
        case .array(let items):
            return try items.map { item -> Double in
                switch item {
                case .int(let i): return Double(i)
                case .double(let d): return d
                default: throw r.fail(key, "a number or a list of numbers", v)
                }
            }
        default: throw r.fail(key, "a number or a list of numbers", v)
        }
    }

    let metric: Metric
    switch canonical {
    case "Mean":
        metric = Metrics.Mean(name: metricName ?? "mean", dtype: dtype)
    case "Accuracy":
        metric = Metrics.Accuracy(name: metricName ?? "accuracy", dtype: dtype)
    case "BinaryAccuracy":
        metric = try Metrics.BinaryAccuracy(name: metricName ?? "binary_accuracy", dtype: dtype,
                                            threshold: try r.double("threshold", 0.5))
    case "CategoricalAccuracy":
        metric = Metrics.CategoricalAccuracy(name: metricName ?? "categorical_accuracy", dtype: dtype)
    case "SparseCategoricalAccuracy":
        metric = Metrics.SparseCategoricalAccuracy(name: metricName ?? "sparse_categorical_accuracy", dtype: dtype)
    case "TopKCategoricalAccuracy":
        metric = Metrics.TopKCategoricalAccuracy(k: try positiveK(), name: metricName ?? "top_k_categorical_accuracy", dtype: dtype)
    case "SparseTopKCategoricalAccuracy":
        try onlyFalse("from_sorted_ids")
        metric = Metrics.SparseTopKCategoricalAccuracy(k: try positiveK(), name: metricName ?? "sparse_top_k_categorical_accuracy",
                                                       dtype: dtype)
    case "MeanAbsoluteError":
        metric = Metrics.MeanAbsoluteError(name: metricName ?? "mean_absolute_error", dtype: dtype)
    case "MeanSquaredError":
        metric = Metrics.MeanSquaredError(name: metricName ?? "mean_squared_error", dtype: dtype)
    case "RootMeanSquaredError":
        metric = Metrics.RootMeanSquaredError(name: metricName ?? "root_mean_squared_error", dtype: dtype)
    case "Precision", "Recall":
        try onlyNull("top_k")
        let thresholds = try thresholdList("thresholds") ?? [0.5]
        let classId = try r.int("class_id")
        if canonical == "Precision" {
            metric = try Metrics.Precision(thresholds: thresholds, classId: classId, name: metricName ?? "precision", dtype: dtype)
        } else {
            metric = try Metrics.Recall(thresholds: thresholds, classId: classId, name: metricName ?? "recall", dtype: dtype)
        }
    case "AUC":
        try onlyFalse("multi_label")
        try onlyNull("num_labels")
        try onlyNull("label_weights")
        var curve = Metrics.AUC.Curve.roc
        if let c = try r.string("curve") {
            switch c.uppercased() {
            case "ROC": curve = .roc
            case "PR": curve = .pr
            default: throw SwiftKerasError(.invalidArgument, "AUC.from_config: 'curve' must be \"ROC\" or \"PR\", got \"\(c)\"")
            }
        }
        var method = Metrics.AUC.SummationMethod.interpolation
        if let s = try r.string("summation_method") {
            switch s.lowercased() {
            case "interpolation": method = .interpolation
            case "minoring": method = .minoring
            case "majoring": method = .majoring
            default:
                throw SwiftKerasError(.invalidArgument, "AUC.from_config: 'summation_method' must be \"interpolation\", \"minoring\" or \"majoring\", got \"\(s)\"")
            }
        }
        metric = try Metrics.AUC(numThresholds: try r.int("num_thresholds", 200), curve: curve, summationMethod: method,
                                 thresholds: try thresholdList("thresholds"), fromLogits: try r.bool("from_logits", false),
                                 name: metricName ?? "auc", dtype: dtype)
    default:
        guard let lossName = canonicalLossName(name) else {
            throw SwiftKerasError(.invalidArgument, "Could not interpret metric identifier: '\(name)'")
        }
        let loss = try lossNamed(lossName, reduction: .none)
        metric = Metrics.MeanMetricWrapper(name: metricName ?? lossName, dtype: dtype) { try loss($0, $1) }
    }
    try r.finish()
    return metric
}

/// The Keras class name of a metric given by its class name, function name or alias (nil for
/// names that are not metric classes, e.g. loss names).
public func canonicalMetricName(_ name: String) -> String? {
    switch name {
    case "Mean", "mean": return "Mean"
    case "Accuracy", "accuracy", "acc": return "Accuracy"
    case "BinaryAccuracy", "binary_accuracy": return "BinaryAccuracy"
    case "CategoricalAccuracy", "categorical_accuracy": return "CategoricalAccuracy"
    case "SparseCategoricalAccuracy", "sparse_categorical_accuracy": return "SparseCategoricalAccuracy"
    case "TopKCategoricalAccuracy", "top_k_categorical_accuracy": return "TopKCategoricalAccuracy"
    case "SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy": return "SparseTopKCategoricalAccuracy"
    case "MeanAbsoluteError", "mean_absolute_error", "mae", "MAE": return "MeanAbsoluteError"
    case "MeanSquaredError", "mean_squared_error", "mse", "MSE": return "MeanSquaredError"
    case "RootMeanSquaredError", "root_mean_squared_error", "rmse": return "RootMeanSquaredError"
    case "Precision", "precision": return "Precision"
    case "Recall", "recall": return "Recall"
    case "AUC", "auc": return "AUC"
    default: return nil
    }
}

extension Metrics {
    /// A metric averaging a user function of `(yTrue, yPred)` — a C callback or a Python
    /// function given to `compile(metrics=[...])` (Keras wraps plain functions in a
    /// `MeanMetricWrapper` named after the function). Floating predictions make integer or
    /// differently typed targets be cast to the predictions' dtype first, so the function can
    /// combine them directly. The function may throw: its error reaches the caller unchanged.
    public final class FunctionMetric: MeanMetricWrapper {
        /// Wraps `function` under `name`.
        public override init(name: String, dtype: DType = .float32, _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
            super.init(name: name, dtype: dtype) { yTrue, yPred in
                let t = yPred.dtype.isFloatingPoint && yTrue.dtype != yPred.dtype ? try yTrue.cast(to: yPred.dtype) : yTrue
                return try function(t, yPred)
            }
        }
    }
}
