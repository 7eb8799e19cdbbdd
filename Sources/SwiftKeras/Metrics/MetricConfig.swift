// Metrics from a Keras name and constructor arguments (keras.metrics.<Class>(**config)) through
// `KerasRegistry` and back (`metricConfig`), what every metric config shares, and metrics
// wrapping a user function (Keras MeanMetricWrapper), for the C API and Python. Each metric
// class reads and writes its own arguments beside its definition.

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
    if let object = try KerasRegistry.deserialize(.metric, className: name, config: parsed) {
        guard let metric = object as? Metric else {
            throw SwiftKerasError(.invalidArgument, "metrics.deserialize: the class registered as '\(name)' built \(String(describing: type(of: object))), not a metric")
        }
        return metric
    }
    // A loss function's name: the mean of its values (Keras MeanMetricWrapper of the function).
    var r = try ConfigReader(parsed, fromConfigOf: name)
    let base = try MetricBaseArguments(&r)
    guard let lossName = canonicalLossName(name) else {
        throw SwiftKerasError(.invalidArgument, "Could not interpret metric identifier: '\(name)'")
    }
    let loss = try lossNamed(lossName, reduction: .none)
    let metric = Metrics.MeanMetricWrapper(name: base.name ?? lossName, dtype: base.dtype) { try loss($0, $1) }
    try r.finish()
    return metric
}

/// The Keras class name of a metric given by its class name, function name or alias (nil for
/// names that are not metric classes, e.g. loss names).
public func canonicalMetricName(_ name: String) -> String? {
    KerasRegistry.builtinClass(.metric, named: name)?.className
}

/// The Keras config of a built-in metric object, `{"class_name": "AUC", "config": {"name",
/// "dtype", "num_thresholds", ...}}` (Keras `keras.metrics.serialize`), which
/// `metricFromConfig(name:configJSON:)` turns back into an equivalent metric; nil for metrics
/// without a config (user functions, custom subclasses, loss-function wrappers), which are saved
/// by name.
public func metricConfig(_ metric: Metric) -> ConfigValue? {
    guard let cls = KerasRegistry.builtinClassName(of: metric, .metric), let k = metric as? any KerasSerializable,
          let config = try? k.getConfig() else { return nil }
    return serialized(cls, config)
}

extension Metric {
    /// The keys every metric config holds: "name" and "dtype".
    func baseConfig() -> [String: ConfigValue] {
        ["name": .string(name), "dtype": .string(dtype.name)]
    }
}

extension Metrics.Mean {
    /// Reads a config holding only the keys every metric has ("name", "dtype"), refusing any
    /// other key; a missing name is the class's default, its first alias.
    static func nameAndDType(fromConfig config: ConfigValue) throws -> (name: String, dtype: DType) {
        let base = try MetricBaseArguments(onlyIn: config, of: className)
        return (base.name ?? aliases.first ?? className, base.dtype)
    }
}

/// Final metric classes whose config holds only "name" and "dtype" (their `init(config:)` and
/// `getConfig()` come from here).
protocol PlainMetricConfigurable: Metric, KerasSerializable {
    /// The name a config without "name" gives.
    static var defaultName: String { get }
    init(name: String, dtype: DType)
}

extension PlainMetricConfigurable {
    /// Builds the metric from its config ("name", "dtype").
    public init(config: ConfigValue) throws {
        let base = try MetricBaseArguments(onlyIn: config, of: Self.className)
        self.init(name: base.name ?? Self.defaultName, dtype: base.dtype)
    }

    /// The config: "name" and "dtype".
    public func getConfig() throws -> ConfigValue { .object(baseConfig()) }
}

/// The keys every metric config may hold (Keras `Metric.__init__`): "name" (nil: the class's
/// default) and "dtype" (a floating dtype name, default float32).
struct MetricBaseArguments {
    let name: String?
    let dtype: DType

    init(_ r: inout ConfigReader) throws {
        name = try r.string("name")
        var dtype = DType.floatx
        if let d = try r.string("dtype") {
            guard let dt = DType(name: d), dt.isFloatingPoint else {
                throw SwiftKerasError(.invalidArgument, "\(r.owner): 'dtype' must be a floating-point dtype name, got \"\(d)\"")
            }
            dtype = dt
        }
        self.dtype = dtype
    }

    /// Reads a config holding only these keys (the config of `className`), refusing any other.
    init(onlyIn config: ConfigValue, of className: String) throws {
        var r = try ConfigReader(config, fromConfigOf: className)
        try self.init(&r)
        try r.finish()
    }
}

extension ConfigReader {
    /// "k" (at least 1, default 5).
    mutating func positiveK() throws -> Int {
        let k = try int("k", 5)
        if k < 1 { throw SwiftKerasError(.invalidArgument, "\(owner): 'k' must be at least 1, got \(k)") }
        return k
    }

    /// Refuses `key` = true (Keras options not supported here).
    mutating func onlyFalse(_ key: String) throws {
        if try bool(key, false) {
            throw SwiftKerasError(.unimplemented, "\(owner): '\(key)' = true is not supported")
        }
    }

    /// A number or a list of numbers (metric thresholds).
    mutating func thresholdList(_ key: String) throws -> [Double]? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .int(let i): return [Double(i)]
        case .double(let d): return [d]
        case .array(let items):
            return try items.map { item -> Double in
                switch item {
                case .int(let i): return Double(i)
                case .double(let d): return d
                default: throw fail(key, "a number or a list of numbers", v)
                }
            }
        default: throw fail(key, "a number or a list of numbers", v)
        }
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
        public override init(name: String, dtype: DType = .floatx, _ function: @escaping (Tensor, Tensor) throws -> Tensor) {
            super.init(name: name, dtype: dtype) { yTrue, yPred in
                let t = yPred.dtype.isFloatingPoint && yTrue.dtype != yPred.dtype ? try yTrue.cast(to: yPred.dtype) : yTrue
                return try function(t, yPred)
            }
        }
    }
}
