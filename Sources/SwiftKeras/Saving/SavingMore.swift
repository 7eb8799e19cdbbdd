// More of model saving: the layers `loadWeights(from:skipMismatch:)` skips, and the Keras
// configs of built-in metric objects, so that `Model.save` keeps `AUC(num_thresholds: 50)` or
// `Precision(thresholds: [0.7])` in the compile config and `loadModel` rebuilds them.

/// A layer whose weights `Layer.loadWeights(from:skipMismatch: true)` did not load (Keras warns
/// "Skipping layer ..." for each).
public struct SkippedWeights: Equatable, Sendable {
    /// The layer's path in the weights file ("dense_1", "sequential/dense"), or the loading
    /// layer's own name for its own weights.
    public var layer: String
    /// The model's weight keys of that layer, which kept their values.
    public var weights: [String]
    /// Why the layer was skipped (missing, extra or mismatched weights, naming them and the file).
    public var reason: String
}

/// The Keras config of a built-in metric object, `{"class_name": "AUC", "config": {"name",
/// "dtype", "num_thresholds", ...}}` (Keras `keras.metrics.serialize`), which
/// `metricFromConfig(name:configJSON:)` turns back into an equivalent metric; nil for metrics
/// without a config (user functions, custom subclasses, loss-function wrappers), which are saved
/// by name.
public func metricConfig(_ metric: Metric) -> ConfigValue? {
    var c: [String: ConfigValue] = ["name": .string(metric.name), "dtype": .string(metric.dtype.name)]
    func thresholdsValue(_ t: [Double]) -> ConfigValue {
        t.count == 1 ? .double(t[0]) : .array(t.map { .double($0) })
    }
    let cls: String
    switch metric {
    case is Metrics.Accuracy: cls = "Accuracy"
    case let m as Metrics.BinaryAccuracy: cls = "BinaryAccuracy"; c["threshold"] = .double(m.threshold)
    case is Metrics.CategoricalAccuracy: cls = "CategoricalAccuracy"
    case is Metrics.SparseCategoricalAccuracy: cls = "SparseCategoricalAccuracy"
    case let m as Metrics.TopKCategoricalAccuracy: cls = "TopKCategoricalAccuracy"; c["k"] = .int(m.k)
    case let m as Metrics.SparseTopKCategoricalAccuracy:
        cls = "SparseTopKCategoricalAccuracy"; c["k"] = .int(m.k); c["from_sorted_ids"] = .bool(false)
    case is Metrics.MeanAbsoluteError: cls = "MeanAbsoluteError"
    case is Metrics.MeanSquaredError: cls = "MeanSquaredError"
    case is Metrics.RootMeanSquaredError: cls = "RootMeanSquaredError"
    case let m as Metrics.Precision:
        cls = "Precision"
        c["thresholds"] = thresholdsValue(m.thresholds)
        c["class_id"] = m.classId.map { .int($0) } ?? .null
        c["top_k"] = .null
    case let m as Metrics.Recall:
        cls = "Recall"
        c["thresholds"] = thresholdsValue(m.thresholds)
        c["class_id"] = m.classId.map { .int($0) } ?? .null
        c["top_k"] = .null
    case let m as Metrics.AUC:
        cls = "AUC"
        c["num_thresholds"] = .int(m.thresholds.count)
        c["curve"] = .string(m.curve == .roc ? "ROC" : "PR")
        switch m.summationMethod {
        case .interpolation: c["summation_method"] = .string("interpolation")
        case .minoring: c["summation_method"] = .string("minoring")
        case .majoring: c["summation_method"] = .string("majoring")
        }
        c["from_logits"] = .bool(m.fromLogits)
        c["multi_label"] = .bool(false)
        c["num_labels"] = .null
        c["label_weights"] = .null
        if !m.evenlySpaced {
            // The thresholds given by the user, without the two end points AUC adds.
            c["thresholds"] = .array(m.thresholds.dropFirst().dropLast().map { .double($0) })
        }
    default:
        // Only a plain Mean (not a wrapper of some function) has a config.
        guard type(of: metric) == Metrics.Mean.self else { return nil }
        cls = "Mean"
    }
    return serialized(cls, c)
}

extension Model {
    /// The compile-config entries of the compiled metrics: a metric given by name stays its
    /// name; a built-in metric object becomes its `metricConfig`; other metric objects are
    /// recorded by their name.
    func compileMetricEntries() -> [ConfigValue] {
        compileMetricSpecs().map { s in
            switch s {
            case .name(let n): return .string(n)
            case .metric(let m): return metricConfig(m) ?? .string(m.name)
            }
        }
    }

    /// The metric specs given to `compile`.
    private func compileMetricSpecs() -> [CompileMetric] {
        // `Model.metricSpecs` is private to Model.swift; read it by reflection.
        var m: Mirror? = Mirror(reflecting: self)
        while let mirror = m {
            for child in mirror.children where child.label == "metricSpecs" {
                if let specs = child.value as? [CompileMetric] { return specs }
            }
            m = mirror.superclassMirror
        }
        return compiledMetrics.map { .name($0.name) }
    }
}

/// A compile-config metric entry: a name, or `{"class_name": ..., "config": {...}}` (extra
/// Keras keys "module" and "registered_name" are ignored).
func compileMetric(fromConfig item: ConfigValue) throws -> CompileMetric {
    switch item {
    case .string(let s): return .name(s)
    case .object(let o):
        guard case .string(let cls)? = o["class_name"] else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: a metric entry must be a name or {\"class_name\": ..., \"config\": {...}}, got \(item.json)")
        }
        let unknown = o.keys.filter { !["class_name", "config", "module", "registered_name"].contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: metric \(cls): unrecognized key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
        let config = o["config"] ?? .object([:])
        guard case .object = config else {
            throw SwiftKerasError(.invalidArgument, "compile_from_config: metric \(cls): 'config' must be an object, got \(config.json)")
        }
        return .metric(try metricFromConfig(name: cls, configJSON: config.json))
    default:
        throw SwiftKerasError(.invalidArgument, "compile_from_config: a metric entry must be a name or {\"class_name\": ..., \"config\": {...}}, got \(item.json)")
    }
}
