// tf.keras 2's spelling of model configs and compile arguments, as held by its `.h5` files
// (`model_config`, `training_config`), translated to and from SwiftKeras' own (`getModelConfig`,
// `getCompileConfig`). Only spellings differ; every value travels unchanged, and a tf.keras 2
// key with a non-default value SwiftKeras does not know reaches the layer's own config reader,
// which names it.

/// Translation between tf.keras 2's config forms and SwiftKeras' ones.
enum KerasTwoConfig {
    /// A SwiftKeras serialized model (`serializedLayer(model)`) in tf.keras 2's form: InputLayer's
    /// `batch_shape` is `batch_input_shape`, inbound nodes are `[[[layer, node, tensor, kwargs]...]]`.
    static func export(_ value: ConfigValue) throws -> ConfigValue {
        switch value {
        case .array(let items): return .array(try items.map(export))
        case .object(var o):
            if case .string("InputLayer")? = o["class_name"], case .object(var c)? = o["config"] {
                if let s = c.removeValue(forKey: "batch_shape") { c["batch_input_shape"] = s }
                o["config"] = .object(c)
            }
            if case .array(let nodes)? = o["inbound_nodes"] {
                o["inbound_nodes"] = .array(nodes.map { node in
                    guard case .array(let args)? = node["args"] else { return node }
                    let kwargs = node["kwargs"] ?? .object([:])
                    return .array(args.map { a in
                        guard case .array(let r) = a else { return a }
                        return .array(r + [kwargs])
                    })
                })
            }
            for (k, v) in o where k != "inbound_nodes" { o[k] = try export(v) }
            return .object(o)
        default: return value
        }
    }

    /// A tf.keras 2 serialized model in SwiftKeras' form (the inverse of `export`), also dropping
    /// the keys tf.keras 2 writes with their default values that SwiftKeras' configs do not hold:
    /// `module` / `registered_name: null` beside a `class_name`, `*_constraint: null`, and
    /// InputLayer's `sparse`, `ragged`, `optional` when false; a normalization layer's one-axis
    /// list becomes that axis.
    static func importing(_ value: ConfigValue) throws -> ConfigValue {
        switch value {
        case .array(let items): return .array(try items.map(importing))
        case .object(var o):
            if o["class_name"] != nil {
                if case .string? = o["module"] { o.removeValue(forKey: "module") }
                if o["registered_name"] == .null { o.removeValue(forKey: "registered_name") }
                if case .string(let r)? = o["registered_name"], case .string(let c)? = o["class_name"], r == c {
                    o.removeValue(forKey: "registered_name")
                }
            }
            if case .string("InputLayer")? = o["class_name"], case .object(var c)? = o["config"] {
                if let s = c.removeValue(forKey: "batch_input_shape") { c["batch_shape"] = s }
                for k in ["sparse", "ragged", "optional"] where c[k] == .bool(false) { c.removeValue(forKey: k) }
                o["config"] = .object(c)
            }
            for (k, v) in o where k.hasSuffix("_constraint") && v == .null { o.removeValue(forKey: k) }
            // tf.keras 2 writes a normalization layer's built axis as a list ([3]).
            if case .string(let c)? = o["class_name"], c == "BatchNormalization" || c == "LayerNormalization",
               case .object(var lc)? = o["config"], case .array(let axes)? = lc["axis"], axes.count == 1, case .int = axes[0] {
                lc["axis"] = axes[0]
                o["config"] = .object(lc)
            }
            if case .array(let nodes)? = o["inbound_nodes"] {
                o["inbound_nodes"] = .array(try nodes.map { node in
                    guard case .array(let refs) = node else { return node }
                    var kwargs: ConfigValue = .object([:])
                    let args: [ConfigValue] = try refs.map { r in
                        guard case .array(let parts) = r, parts.count == 3 || parts.count == 4 else {
                            throw SwiftKerasError(.invalidArgument, "load_model: an inbound node entry must be [layer, node, tensor, kwargs], got \(r.json)")
                        }
                        if parts.count == 4 { kwargs = parts[3] }
                        return .array(Array(parts.prefix(3)))
                    }
                    var n: [String: ConfigValue] = ["args": .array(args)]
                    if kwargs != .object([:]) { n["kwargs"] = kwargs }
                    return .object(n)
                })
            }
            for (k, v) in o where k != "inbound_nodes" { o[k] = try importing(v) }
            return .object(o)
        default: return value
        }
    }

    /// tf.keras 2's `training_config` for a SwiftKeras compile config (`getCompileConfig()`).
    /// The optimizer is marked `is_legacy_optimizer: false` (tf.keras 2 would otherwise read it
    /// as an `optimizers.legacy` class).
    /// Keras 3's optimizer arguments that tf.keras 2 lacks are dropped when unset.
    ///
    /// - Throws: `.unimplemented` when one of them is set (tf.keras 2 cannot hold it).
    static func trainingConfig(_ compile: ConfigValue) throws -> ConfigValue {
        var opt = compile["optimizer"]?.objectValue ?? [:]
        var oc = opt["config"]?.objectValue ?? [:]
        for k in ["gradient_accumulation_steps", "loss_scale_factor"] {
            guard let v = oc.removeValue(forKey: k), v != .null else { continue }
            throw SwiftKerasError(.unimplemented, "save: the optimizer's `\(k)`=\(v.json) has no place in tf.keras 2's .h5 format (save to a path without the .h5 extension)")
        }
        oc["is_legacy_optimizer"] = .bool(false)
        opt["config"] = .object(oc)
        return .object([
            "optimizer_config": .object(opt),
            "loss": compile["loss"] ?? .null,
            "metrics": compile["metrics"] ?? .array([]),
            "weighted_metrics": .null, "loss_weights": .null,
        ])
    }

    /// The tf.keras 2 optimizer keys whose default values SwiftKeras' optimizers do not hold
    /// (computed: a stored table of indirect enum values reads as leaked memory to valgrind).
    static var optimizerDefaults: [String: ConfigValue] { [
        "weight_decay": .null, "clipnorm": .null, "global_clipnorm": .null, "clipvalue": .null,
        "use_ema": .bool(false), "ema_momentum": .double(0.99), "ema_overwrite_frequency": .null,
        "is_legacy_optimizer": .bool(false),
    ] }

    /// A SwiftKeras compile config from tf.keras 2's `training_config`: the optimizer (a
    /// "Custom>" class prefix dropped, its defaulted bookkeeping keys and `jit_compile` dropped),
    /// the loss, the metrics (one output's list; `MeanMetricWrapper` entries by their name).
    ///
    /// - Throws: `.unimplemented` for loss weights, weighted metrics or several outputs' metrics.
    static func compileConfig(fromTraining t: ConfigValue) throws -> ConfigValue {
        for k in ["loss_weights", "weighted_metrics"] where (t[k] ?? .null) != .null {
            throw SwiftKerasError(.unimplemented, "training_config: '\(k)' = \(t[k]?.json ?? "") is not supported")
        }
        guard case .object(var opt)? = t["optimizer_config"], case .string(var cls)? = opt["class_name"] else {
            throw SwiftKerasError(.invalidArgument, "training_config: missing 'optimizer_config'")
        }
        if cls.hasPrefix("Custom>") { cls.removeFirst("Custom>".count) }
        var oc = (opt["config"] ?? .object([:])).objectValue
        for (k, v) in optimizerDefaults where oc[k] == v { oc.removeValue(forKey: k) }
        oc.removeValue(forKey: "jit_compile")
        opt = ["class_name": .string(cls), "config": .object(oc)]
        var metrics = t["metrics"] ?? .array([])
        if case .null = metrics { metrics = .array([]) }
        guard case .array(var items) = metrics else {
            throw SwiftKerasError(.unimplemented, "training_config: metrics by output name (\(metrics.json)) are not supported")
        }
        if items.count == 1, case .array(let inner) = items[0] { items = inner }
        items = try items.map { m in
            if case .array = m {
                throw SwiftKerasError(.unimplemented, "training_config: metrics of several outputs (\(metrics.json)) are not supported")
            }
            if case .string("MeanMetricWrapper")? = m["class_name"], case .string(let name)? = m["config"]?["name"] {
                return .string(name)
            }
            return m
        }
        return .object(["optimizer": .object(opt), "loss": t["loss"] ?? .null, "metrics": .array(items)])
    }
}
