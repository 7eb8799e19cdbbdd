// Per-output compile (tf.keras 2 `compile_utils.LossesContainer` / `MetricsContainer`): losses,
// loss weights, metrics and weighted metrics given once for every output, as a list in output
// order or as a dict keyed by output name; resolved against the model's outputs at the first
// step into one loss, weight, `<output>_loss` tracker and metric list per output, with the log
// names tf.keras 2 gives them.

/// A compile argument given per model output (tf.keras 2 `compile(loss=[...] | {...})`): the
/// same value for every output (`all`: a single loss, a flat metric list — broadcast), one value
/// per output in output order (`list`), or values keyed by output name (`named`; an output not
/// named gets the default: no loss, weight 1, no metrics). A struct over a non-generic kind (a
/// generic enum with payloads has runtime metadata valgrind reports as uninitialised reads).
public struct PerOutput<Value> {
    enum Kind { case all, list, named }
    let kind: Kind
    let values: [Value]
    let names: [String]

    /// The same value for every output.
    public static func all(_ value: Value) -> PerOutput { PerOutput(kind: .all, values: [value], names: []) }
    /// One value per output, in the order of the model's outputs.
    public static func list(_ values: [Value]) -> PerOutput { PerOutput(kind: .list, values: values, names: []) }
    /// Values keyed by output name.
    public static func named(_ values: [String: Value]) -> PerOutput {
        let keys = values.keys.sorted()
        return PerOutput(kind: .named, values: keys.compactMap { values[$0] }, names: keys)
    }

    /// The single value of `all`, nil otherwise.
    var single: Value? { kind == .all ? values.first : nil }

    /// One value per output of `outputs` (the model's output names, in order).
    func resolve(_ outputs: [String], missing: Value, what: String) throws -> [Value] {
        switch kind {
        case .all: return outputs.map { _ in values[0] }
        case .list:
            guard values.count == outputs.count else {
                throw SwiftKerasError.invalid("compile: \(what) were given as a list of \(values.count) but the model has \(outputs.count) output(s) \(outputs)")
            }
            return values
        case .named:
            let unknown = names.filter { !outputs.contains($0) }
            if !unknown.isEmpty {
                throw SwiftKerasError.invalid("compile: Found unexpected \(what) that do not correspond to any Model output: \(unknown). Valid output names: \(outputs)")
            }
            return outputs.map { o in names.firstIndex(of: o).map { values[$0] } ?? missing }
        }
    }

    /// Every value given.
    var given: [Value] { values }
}

/// What `compile` was given for the outputs (resolved by `CompiledOutputs` at the first step).
struct OutputCompileSpec {
    var losses: PerOutput<Loss?>
    var lossWeights: PerOutput<Double>?
    var metrics: PerOutput<[CompileMetric]>
    var weightedMetrics: PerOutput<[CompileMetric]>

    /// Whether this is more than one loss and one metric list for a single output (what the
    /// compile config of a saved model can hold).
    var isPerOutput: Bool {
        !(losses.kind == .all && lossWeights == nil && metrics.kind == .all && (weightedMetrics.single?.isEmpty ?? false))
    }

    /// Whether no output has a loss or a metric, so a step needs no targets (tf.keras 2 `fit(x)`
    /// of a model trained on its `add_loss` terms alone, `compile(loss=None)`).
    var needsNoTargets: Bool {
        losses.given.allSatisfy { $0 == nil } && metrics.given.allSatisfy(\.isEmpty) && weightedMetrics.given.allSatisfy(\.isEmpty)
    }
}

/// One compiled metric: the metric, the output it reads and whether sample weights reach it.
struct OutputMetric {
    let metric: Metric
    let output: Int
    let weighted: Bool
}

/// The compiled losses and metrics of a model, resolved against its outputs.
final class CompiledOutputs {
    /// The output names (`Model.outputNames`).
    let names: [String]
    /// The loss of each output (nil: the output has no loss).
    let losses: [Loss?]
    /// The weight of each output's loss in the total.
    let weights: [Double]
    /// The `<output>_loss` mean of each output with a loss, for models with several outputs.
    let lossTrackers: [Metrics.Mean?]
    /// The metrics in the order of the logs: per output, its metrics then its weighted metrics.
    let metrics: [OutputMetric]

    /// Resolves `spec` for outputs named `names` (in the logs), keyed `keys` in compile's dicts
    /// (the dict keys of a model made with a dict of outputs, else the names), with targets `ys` and predictions `preds`
    /// (shapes pick the accuracy variant, as tf.keras 2). Metric objects of a model with several
    /// outputs are renamed `<output>_<name>` as tf.keras 2 does; a weighted metric whose name is
    /// taken gets `weighted_` after the output prefix.
    init(_ spec: OutputCompileSpec, names: [String], keys: [String], ys: [Tensor], preds: [Tensor]) throws {
        self.names = names
        losses = try spec.losses.resolve(keys, missing: nil, what: "losses")
        weights = try spec.lossWeights?.resolve(keys, missing: 1, what: "loss_weights") ?? names.map { _ in 1 }
        let multi = names.count > 1
        lossTrackers = losses.enumerated().map { i, l in multi && l != nil ? Metrics.Mean(name: names[i] + "_loss") : nil }
        let plain = try spec.metrics.resolve(keys, missing: [], what: "metrics")
        let weighted = try spec.weightedMetrics.resolve(keys, missing: [], what: "weighted_metrics")
        var out: [OutputMetric] = []
        var taken = Set<String>()
        for i in names.indices {
            let lossName = (losses[i] as? BaseLoss)?.name
            func resolved(_ s: CompileMetric) throws -> Metric {
                switch s {
                case .metric(let m):
                    if out.contains(where: { $0.metric === m }) {
                        throw SwiftKerasError.invalid("compile: the metric object '\(m.name)' is given for several outputs; give one metric object per output")
                    }
                    return m
                case .name(let n):
                    return try metricNamed(n, lossName: lossName, yTrueShape: ys[i].shape, yPredShape: preds[i].shape)
                }
            }
            for s in plain[i] {
                let m = try resolved(s)
                if multi { m.name = names[i] + "_" + m.name }
                if taken.contains(m.name) { throw SwiftKerasError.invalid("compile: Found two metrics with the same name: \(m.name)") }
                taken.insert(m.name)
                out.append(OutputMetric(metric: m, output: i, weighted: false))
            }
            for s in weighted[i] {
                let m = try resolved(s)
                if multi {
                    m.name = names[i] + (taken.contains(names[i] + "_" + m.name) ? "_weighted_" : "_") + m.name
                } else if taken.contains(m.name) {
                    m.name = "weighted_" + m.name
                }
                if taken.contains(m.name) { throw SwiftKerasError.invalid("compile: Found two metrics with the same name: \(m.name)") }
                taken.insert(m.name)
                out.append(OutputMetric(metric: m, output: i, weighted: true))
            }
        }
        metrics = out
    }

    /// The total loss of a batch and each output's loss (tf.keras 2 `LossesContainer.__call__`):
    /// each output's loss with the sample weights and its output mask, times its weight, summed
    /// with the model's `extra` losses (regularization and `add_loss` terms).
    /// `sampleWeights` holds one entry for every output or one per output (tf.keras 2
    /// `sample_weight=[w1, w2]`; nil: no weights for that output).
    func loss(ys: [Tensor], preds: [Tensor], masks: [Tensor?], sampleWeights: [Tensor?], extra: [Tensor]) throws -> (total: Tensor?, perOutput: [Tensor?]) {
        var total: Tensor? = nil
        var each: [Tensor?] = []
        for i in preds.indices {
            guard let lossFn = losses[i] else { each.append(nil); continue }
            let l = try lossFn(ys[i], preds[i], sampleWeight: try CompiledOutputs.weight(sampleWeights, i, of: preds.count),
                               outputMask: i < masks.count ? masks[i] : nil)
            each.append(l)
            let term = weights[i] == 1 ? l : try l * weights[i]
            total = try total.map { try $0 + term } ?? term
        }
        for extra in extra {
            var e = extra
            if let t = total, e.dtype != t.dtype { e = try e.cast(to: t.dtype) }
            let term = e.rank == 0 ? e : try e.sum()
            total = try total.map { try $0 + term } ?? term
        }
        return (total, each)
    }
}

extension CompiledOutputs {
    /// The sample weights of output `i` of `count` from one entry for every output or one per output.
    static func weight(_ weights: [Tensor?], _ i: Int, of count: Int) throws -> Tensor? {
        if weights.count <= 1 { return weights.first ?? nil }
        guard weights.count == count else {
            throw SwiftKerasError.invalid("sample_weight: \(weights.count) per-output sample weights were given for a model with \(count) output(s)")
        }
        return weights[i]
    }
}

extension Model {
    /// tf.keras 2's `fit(validation_split=)` on arrays (`data_adapter.train_validation_split`):
    /// every array split at the same sample, `floor(n * (1 - fraction))`, taken before any
    /// shuffling: the first part trains, the rest validates.
    /// - Throws: `.invalidArgument` for a fraction outside (0, 1), no arrays, a scalar, arrays of
    ///   different sample counts, or a split that leaves no training or no validation sample.
    public static func validationSplit(_ arrays: [Tensor], fraction: Double, op: String = "fit") throws -> (train: [Tensor], validation: [Tensor]) {
        if !(fraction > 0 && fraction < 1) {
            throw SwiftKerasError.invalid("\(op): validation_split must be in (0, 1) to split, got \(fraction)")
        }
        guard let first = arrays.first else { throw SwiftKerasError.invalid("\(op): validation_split: no arrays to split") }
        if let s = arrays.first(where: { $0.rank == 0 }) {
            throw SwiftKerasError.invalid("\(op): validation_split needs arrays with a batch dimension, got a scalar of shape \(s.shape)")
        }
        let n = first.shape[0]
        if arrays.contains(where: { $0.shape[0] != n }) {
            throw SwiftKerasError.invalid("\(op): data cardinality is ambiguous; make sure all arrays contain the same number of samples (sizes \(arrays.map { $0.shape[0] }))")
        }
        let splitAt = Int((Double(n) * (1 - fraction)).rounded(.down))
        if splitAt == 0 || splitAt == n {
            throw SwiftKerasError.invalid("\(op): validation_split=\(fraction) leaves no training or no validation samples out of \(n)")
        }
        func part(_ t: Tensor, _ lo: Int, _ hi: Int) throws -> Tensor {
            try t.slice(begin: [lo] + Array(repeating: 0, count: t.rank - 1), size: [hi - lo] + Array(repeating: -1, count: t.rank - 1))
        }
        return try withoutRecording {
            (try arrays.map { try part($0, 0, splitAt) }, try arrays.map { try part($0, splitAt, n) })
        }
    }

    /// Per-output sample weights (tf.keras 2 `sample_weight=[w1, ...]` or `{"<output>": w, ...}`)
    /// in output order from weights keyed by output key or name (an output not named: none).
    public func sampleWeights(byName named: [String: Tensor], outputCount: Int, op: String) throws -> [Tensor?] {
        let names = outputDictKeys(count: outputCount)
        let unknown = named.keys.filter { !names.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError.invalid("\(op): the sample weights name \(unknown), which are not outputs of the model (its outputs are \(names))")
        }
        return names.map { named[$0] }
    }

    /// A functional model with a dict of inputs and/or outputs (tf.keras 2 `Model({"x": ...},
    /// {"a": ..., ...})`): `inputKeys[i]` names `inputs[i]` and `outputKeys[i]` `outputs[i]` (nil:
    /// a list). The model's inputs and outputs are ordered by sorted key (`tf.nest.flatten`);
    /// dicts of inputs are matched by input key, compile's dicts, targets given as dicts and
    /// `predict`'s dict by output key, while the logs and `outputNames` keep the output layer
    /// names, as tf.keras 2.
    public convenience init(inputs: [KerasTensor], inputKeys: [String]?, outputs: [KerasTensor], outputKeys: [String]?,
                            name: String? = nil) throws {
        func sorted(_ ts: [KerasTensor], _ keys: [String]?, _ what: String) throws -> ([KerasTensor], [String]?) {
            guard let keys else { return (ts, nil) }
            guard keys.count == ts.count else {
                throw SwiftKerasError.invalid("Model: \(keys.count) \(what) key(s) for \(ts.count) \(what)(s)")
            }
            if let bad = keys.first(where: { $0.isEmpty || $0.contains("\n") }) {
                throw SwiftKerasError.invalid("Model: an \(what) key must be a non-empty string without a newline, got \(bad.debugDescription)")
            }
            if Set(keys).count != keys.count { throw SwiftKerasError.invalid("Model: the \(what) keys \(keys) repeat a key") }
            let order = keys.indices.sorted { keys[$0] < keys[$1] }
            return (order.map { ts[$0] }, order.map { keys[$0] })
        }
        let (ins, ik) = try sorted(inputs, inputKeys, "input")
        let (outs, ok) = try sorted(outputs, outputKeys, "output")
        try self.init(inputs: ins, outputs: outs, name: name)
        graph?.inputKeys = ik
        graph?.outputKeys = ok
    }

    /// The keys of a model made with a dict of inputs, in input order; nil otherwise.
    public var inputKeys: [String]? { graph?.inputKeys }
    /// The keys of a model made with a dict of outputs, in output order; nil otherwise.
    public var outputKeys: [String]? { graph?.outputKeys }

    /// What dicts of per-output values are keyed by: the output keys of a model made with a dict
    /// of outputs, else the output names.
    func outputDictKeys(count: Int) -> [String] { outputKeys ?? outputNames(count: count) }

    /// The names of the model's outputs (tf.keras 2 `output_names`): a functional model's
    /// output layer names, a Sequential model's last layer name, `output_1`, `output_2`, ...
    /// for `count` outputs of other models.
    public func outputNames(count: Int) -> [String] {
        if let graph { return graph.outputs.map(\.layer.name) }
        if self is Sequential, let last = layers.last { return [last.name] }
        return (0..<count).map { "output_\($0 + 1)" }
    }

    /// The targets in output order from targets keyed by output name or key (tf.keras 2 `y` as a dict):
    /// every output needs its target; unknown names are errors.
    public func targets(byName named: [String: Tensor], outputCount: Int, op: String) throws -> [Tensor] {
        let names = outputDictKeys(count: outputCount)
        let unknown = named.keys.filter { !names.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SwiftKerasError.invalid("\(op): the targets name \(unknown), which are not outputs of the model (its outputs are \(names))")
        }
        return try names.map { n in
            guard let t = named[n] else {
                throw SwiftKerasError.invalid("\(op): no target for the output '\(n)' (the targets name \(named.keys.sorted()); the model's outputs are \(names))")
            }
            return t
        }
    }
}

extension Model {
    /// Compiles from a per-output spec in JSON (the form the C API takes): an object with the
    /// optional keys "loss" (`L`, a list of `L` or a dict of output name → `L`; `L` an index into
    /// `losses` or null), "loss_weights" (a number, a list or a dict of numbers), "metrics" and
    /// "weighted_metrics" (`M`, a flat list of `M` for every output, a list holding lists (or
    /// null) output by output, or a dict of output name → `M` or a list of `M`; `M` a metric name
    /// or an index into `metrics`).
    public func compile(optimizer: Optimizer, outputSpecJSON json: String, losses: [Loss], metrics: [Metric]) throws {
        let op = "compile"
        guard case .object(let o) = try ConfigValue.parse(json: json) else {
            throw SwiftKerasError.invalid("\(op): the output spec must be a JSON object, got \(json)")
        }
        let unknown = o.keys.filter { !["loss", "loss_weights", "metrics", "weighted_metrics"].contains($0) }.sorted()
        if !unknown.isEmpty { throw SwiftKerasError.invalid("\(op): unknown key(s) \(unknown) in the output spec") }
        func index(_ i: Int, _ count: Int, _ what: String) throws -> Int {
            guard i >= 0 && i < count else { throw SwiftKerasError.invalid("\(op): \(what) index \(i) is out of range (\(count) given)") }
            return i
        }
        func lossLeaf(_ v: ConfigValue) throws -> Loss? {
            switch v {
            case .null: return nil
            case .int(let i): return losses[try index(i, losses.count, "loss")]
            default: throw SwiftKerasError.invalid("\(op): a loss must be an index or null, got \(v.json)")
            }
        }
        func weight(_ v: ConfigValue) throws -> Double {
            switch v {
            case .int(let i): return Double(i)
            case .double(let d) where d.isFinite: return d
            default: throw SwiftKerasError.invalid("\(op): a loss weight must be a finite number, got \(v.json)")
            }
        }
        func metricLeaf(_ v: ConfigValue) throws -> CompileMetric {
            switch v {
            case .string(let n): return .name(n)
            case .int(let i): return .metric(metrics[try index(i, metrics.count, "metric")])
            default: throw SwiftKerasError.invalid("\(op): a metric must be a name or an index, got \(v.json)")
            }
        }
        func metricList(_ v: ConfigValue) throws -> [CompileMetric] {
            switch v {
            case .null: return []
            case .array(let items): return try items.map(metricLeaf)
            default: return [try metricLeaf(v)]
            }
        }
        func metricSpec(_ v: ConfigValue?) throws -> PerOutput<[CompileMetric]> {
            switch v {
            case nil, .null?: return .all([])
            case .array(let items)?:
                let nested = items.contains { if case .array = $0 { return true }; return $0 == .null }
                return nested ? .list(try items.map(metricList)) : .all(try items.map(metricLeaf))
            case .object(let d)?: return .named(try d.mapValues(metricList))
            case let leaf?: return .all([try metricLeaf(leaf)])
            }
        }
        let lossSpec: PerOutput<Loss?>
        switch o["loss"] ?? .null {
        case .array(let items): lossSpec = .list(try items.map(lossLeaf))
        case .object(let d): lossSpec = .named(try d.mapValues(lossLeaf))
        case let leaf: lossSpec = .all(try lossLeaf(leaf))
        }
        var weights: PerOutput<Double>? = nil
        switch o["loss_weights"] {
        case nil, .null?: break
        case .array(let items)?: weights = .list(try items.map(weight))
        case .object(let d)?: weights = .named(try d.mapValues(weight))
        case let w?: weights = .all(try weight(w))
        }
        try compile(optimizer: optimizer, losses: lossSpec, lossWeights: weights,
                    metrics: try metricSpec(o["metrics"]), weightedMetrics: try metricSpec(o["weighted_metrics"]))
    }
}
