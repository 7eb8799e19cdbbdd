import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Training through the C ABI: compile (optimizers and losses by name or handle, metrics by name
// or handle), fit (the fixed-argument sk_model_fit and the extensible sk_fit_args +
// sk_model_fit_ex with validation data, sample and class weights, initial_epoch and
// epoch/batch callbacks), evaluate, predict, train_on_batch, test_on_batch, and the history
// fit returns (an sk_history handle is a retained HistoryBox).

/// An sk_history: per-epoch values per log name.
final class HistoryBox {
    let keys: [String]
    let cKeys: [UnsafeMutablePointer<CChar>?]
    let values: [String: [Double]]
    let epochs: Int
    /// The epoch numbers recorded (0-based, from initial_epoch) and the run's params.
    let epochNumbers: [Int]
    let params: [String: Int]

    init(_ h: History) {
        keys = h.keys
        cKeys = keys.map { strdup($0) }
        values = h.history
        epochs = h.epochs.count
        epochNumbers = h.epochs
        params = h.params
    }

    deinit { for p in cKeys { free(p) } }
}

/// Calls the C progress callback at the end of each epoch: 0 continues, negative stops
/// training cleanly, positive fails fit with the callback's code and message.
final class ProgressCallback: Callback {
    let callback: CCallback<sk_progress_fn>

    init(_ callback: CCallback<sk_progress_fn>) { self.callback = callback }

    override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        let rc = callback { fn, ud in withCLogs(logs) { fn(ud, Int32(epoch), $0, $1, $2) } }
        try fitCallbackStatus(rc, "fit progress callback", model)
    }
}

/// A fit callback's status: 0 continues, negative sets `stopTraining` (fit stops after the
/// current batch), positive fails fit with the callback's code and message.
func fitCallbackStatus(_ rc: Int32, _ what: String, _ model: Model?) throws {
    if rc > 0 { throw callbackFailure(rc, what) }
    if rc < 0 { model?.stopTraining = true }
}

/// The model inputs x[0..<n_x] of fit / evaluate / predict: at least one.
func modelInputs(_ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ fn: StaticString) throws -> [Tensor] {
    let xs = try tensorList(x, nX, fn, "x")
    if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "\(fn): no inputs (n_x is 0)") }
    return xs
}

/// A batch_size argument: in [1, 2^31).
func checkBatchSize(_ batchSize: Int64, _ fn: StaticString) throws {
    if batchSize <= 0 || batchSize > Int64(Int32.max) {
        throw SwiftKerasError(.invalidArgument, "\(fn): batch_size must be in [1, 2^31), got \(batchSize)")
    }
}

// MARK: - Compile

@c @implementation
public func sk_model_compile(_ model: OpaquePointer?, _ optimizerName: UnsafePointer<CChar>?, _ optimizer: OpaquePointer?,
                             _ lossName: UnsafePointer<CChar>?, _ loss: OpaquePointer?,
                             _ metrics: UnsafePointer<UnsafePointer<CChar>?>?, _ nMetrics: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_compile"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        let opt: Optimizer
        switch (optimizerName, optimizer) {
        case (let n?, nil): opt = try Optimizer.named(String(cString: n))
        case (nil, let o?): opt = try unwrap(o, fn, "optimizer", as: Optimizer.self)
        default: throw SwiftKerasError(.invalidArgument, "sk_model_compile: give exactly one of optimizer_name and optimizer")
        }
        let l: Loss
        switch (lossName, loss) {
        case (let n?, nil): l = try lossNamed(String(cString: n))
        case (nil, let h?): l = try unwrap(h, fn, "loss", as: LossBox.self).loss
        default: throw SwiftKerasError(.invalidArgument, "sk_model_compile: give exactly one of loss_name and loss")
        }
        try checkCount(nMetrics, fn, "metrics")
        var ms: [CompileMetric] = []
        if nMetrics > 0 {
            guard let metrics else { throw SwiftKerasError(.invalidArgument, "sk_model_compile: metrics is NULL but n_metrics is \(nMetrics)") }
            for i in 0..<Int(nMetrics) {
                guard let p = metrics[i] else { throw SwiftKerasError(.invalidArgument, "sk_model_compile: metrics[\(i)] is NULL") }
                ms.append(.name(String(cString: p)))
            }
        }
        try m.compile(optimizer: opt, loss: l, metrics: ms)
    }
}

@c @implementation
public func sk_model_metrics(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_metrics", "model", as: ModelBox.self).model
        try writeHandles(m.metrics, out, capacity, count, "sk_model_metrics", what: "metrics") { retained($0) }
    }
}

@c @implementation
public func sk_model_compile_ex(_ model: OpaquePointer?, _ optimizer: OpaquePointer?, _ loss: OpaquePointer?,
                                _ metrics: UnsafePointer<OpaquePointer?>?, _ metricNames: UnsafePointer<UnsafePointer<CChar>?>?,
                                _ n: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_compile_ex"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        let opt = try unwrap(optimizer, fn, "optimizer", as: Optimizer.self)
        let l = loss == nil ? nil : try unwrap(loss, fn, "loss", as: LossBox.self).loss   // NULL: compile(loss=None)
        try checkCount(n, fn, "metrics")
        var specs: [CompileMetric] = []
        if n > 0 && metrics == nil && metricNames == nil {
            throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: metrics and metric_names are both NULL but n_metrics is \(n)")
        }
        for i in 0..<Int(n) {
            let h = metrics?[i]
            let s = metricNames?[i]
            switch (h, s) {
            case (let h?, nil): specs.append(.metric(try unwrap(h, fn, "metrics[i]", as: Metric.self)))
            case (nil, let s?): specs.append(.name(String(cString: s)))
            case (nil, nil):
                throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: entry \(i) has neither a metric nor a metric name")
            default:
                throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: entry \(i) has both a metric and a metric name; give one")
            }
        }
        var seen = Set<ObjectIdentifier>()
        for case .metric(let mm) in specs where !seen.insert(ObjectIdentifier(mm)).inserted {
            throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: metric '\(mm.name)' is given twice")
        }
        try m.compile(optimizer: opt, loss: l, metrics: specs)
    }
}

// MARK: - fit

@c @implementation
public func sk_model_fit(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                         _ batchSize: Int64, _ epochs: Int32, _ validationSplit: Double, _ shuffle: UInt8, _ seed: Int64,
                         _ verbose: Int32, _ progress: sk_progress_fn?, _ userData: UnsafeMutableRawPointer?,
                         _ history: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    history?.pointee = nil
    return status {
        let fn: StaticString = "sk_model_fit"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, fn)
        let yt = try tensor(y, fn, "y")
        try checkBatchSize(batchSize, "sk_model_fit")
        let cbs: [Callback] = progress.map { [ProgressCallback(CCallback($0, borrowing: userData))] } ?? []
        let h = try OutputRedirect.with(b) {
            try b.model.fit(x: xs, y: yt, batchSize: Int(batchSize), epochs: Int(epochs), verbose: Int(verbose),
                            callbacks: cbs, validationSplit: validationSplit, shuffle: shuffle != 0,
                            seed: seed >= 0 ? UInt64(seed) : nil)
        }
        history?.pointee = retained(HistoryBox(h))
    }
}

/// The sizes of sk_fit_args this library reads: this header's, and version 1's (up to
/// user_data; version 2 appended callbacks and n_callbacks).
enum FitArgsSize {
    static let current = MemoryLayout<sk_fit_args>.size
    static let v1 = MemoryLayout<sk_fit_args>.offset(of: \sk_fit_args.callbacks) ?? current
    static let v2 = MemoryLayout<sk_fit_args>.offset(of: \sk_fit_args.dataset) ?? current

    static func isKnown(_ n: Int) -> Bool { n == current || n == v1 || n == v2 }

    /// "(N bytes, or M for version 1, K for version 2)".
    static var known: String { "(\(current) bytes, or \(v1) for version 1, \(v2) for version 2)" }
}

@c @implementation
public func sk_fit_args_init(_ args: UnsafeMutablePointer<sk_fit_args>?, _ structSize: Int) -> Int32 {
    status {
        guard let args else { throw SwiftKerasError(.invalidArgument, "sk_fit_args_init: args is NULL") }
        if !FitArgsSize.isKnown(structSize) {
            throw SwiftKerasError(.invalidArgument, "sk_fit_args_init: struct_size \(structSize) is not a size of sk_fit_args known to this library \(FitArgsSize.known); pass sizeof(sk_fit_args)")
        }
        // Only the caller's struct_size bytes are written (every field set below is in version 1).
        UnsafeMutableRawPointer(args).initializeMemory(as: UInt8.self, repeating: 0, count: structSize)
        args.pointee.struct_size = structSize
        args.pointee.batch_size = 32
        args.pointee.epochs = 1
        args.pointee.initial_epoch = 0
        args.pointee.verbose = 1
        args.pointee.shuffle = 1
        args.pointee.seed = -1
        args.pointee.validation_split = 0
        if structSize == FitArgsSize.current {
            args.pointee.steps_per_epoch = -1
            args.pointee.validation_steps = -1
            args.pointee.validation_freq = 1
        }
    }
}

/// The fit callbacks of sk_fit_args (their user_data is borrowed for the call).
struct FitFns {
    let epochBegin: sk_epoch_fn?
    let batchBegin: sk_batch_fn?
    let batchEnd: sk_batch_fn?
}

/// The epoch-begin and batch callbacks of sk_fit_args: 0 continues, negative sets
/// `stopTraining` (fit stops after the current batch), positive fails fit with the callback's
/// code and message.
final class FitHooks: Callback {
    let callbacks: CCallback<FitFns>
    private var epoch: Int32 = 0

    init(_ callbacks: CCallback<FitFns>) { self.callbacks = callbacks }

    override func onEpochBegin(_ epoch: Int, logs: Logs) throws {
        self.epoch = Int32(clamping: epoch)
        guard let epochBegin = callbacks.fn.epochBegin else { return }
        let rc = callbacks { _, ud in epochBegin(ud, self.epoch) }
        try fitCallbackStatus(rc, "fit on_epoch_begin callback", model)
    }

    override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws {
        guard let batchBegin = callbacks.fn.batchBegin else { return }
        let rc = callbacks { _, ud in withCLogs(logs) { batchBegin(ud, epoch, Int32(clamping: batch), $0, $1, $2) } }
        try fitCallbackStatus(rc, "fit on_train_batch_begin callback", model)
    }

    override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        guard let batchEnd = callbacks.fn.batchEnd else { return }
        let rc = callbacks { _, ud in withCLogs(logs) { batchEnd(ud, epoch, Int32(clamping: batch), $0, $1, $2) } }
        try fitCallbackStatus(rc, "fit on_train_batch_end callback", model)
    }
}

/// The class weights of sk_fit_args: weights[i] for class ids[i], or for class i when ids is NULL.
func classWeightMap(_ weights: UnsafePointer<Double>?, _ ids: UnsafePointer<Int64>?, _ n: Int32,
                    _ fn: StaticString) throws -> [Int: Double]? {
    if n == 0 && weights == nil && ids == nil { return nil }
    try checkCount(n, fn, "class_weight")
    guard let weights else { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight is NULL but n_class_weight is \(n)") }
    if n == 0 { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight is given but n_class_weight is 0") }
    var map: [Int: Double] = [:]
    for i in 0..<Int(n) {
        let id = ids.map { Int($0[i]) } ?? i
        let w = weights[i]
        if !w.isFinite { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight[\(i)] = \(w) is not finite") }
        if map[id] != nil { throw SwiftKerasError(.invalidArgument, "\(fn): class id \(id) appears twice in class_ids") }
        map[id] = w
    }
    return map
}

@c @implementation
public func sk_model_fit_ex(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                            _ args: UnsafePointer<sk_fit_args>?, _ history: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    history?.pointee = nil
    return status {
        let fn: StaticString = "sk_model_fit_ex"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        guard let args else {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: args is NULL (initialize an sk_fit_args with sk_fit_args_init)")
        }
        let size = UnsafeRawPointer(args).loadUnaligned(as: Int.self)
        if !FitArgsSize.isKnown(size) {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: args->struct_size is \(size), not a size of sk_fit_args known to this library \(FitArgsSize.known); initialize args with sk_fit_args_init(&args, sizeof args)")
        }
        // An older caller's struct ends early: copy what it has over the defaults.
        var a = sk_fit_args()
        _ = sk_fit_args_init(&a, FitArgsSize.current)
        withUnsafeMutableBytes(of: &a) { $0.copyMemory(from: UnsafeRawBufferPointer(start: args, count: size)) }
        a.struct_size = FitArgsSize.current
        if let ds = a.dataset {
            return try fitDataset(b, unwrap(ds, fn, "dataset", as: Dataset.self), x, nX, y, a, history)
        }
        let xs = try modelInputs(x, nX, fn)
        let yt = try tensor(y, fn, "y")
        if a.validation_dataset != nil {
            throw SwiftKerasError(.unimplemented, "sk_model_fit_ex: validation_dataset is only supported with a training dataset (args->dataset); give validation_x / validation_y with arrays")
        }
        if a.steps_per_epoch != -1 || a.validation_steps != -1 || a.validation_freq != 1 || a.validation_epochs != nil {
            throw SwiftKerasError(.unimplemented, "sk_model_fit_ex: steps_per_epoch, validation_steps and validation_freq / validation_epochs are only supported with a dataset (args->dataset)")
        }
        let batchSize = a.batch_size
        try checkBatchSize(batchSize, "sk_model_fit_ex")
        let valX = try tensorList(a.validation_x, a.n_validation_x, fn, "validation_x")
        let valY = optionalTensor(a.validation_y)
        var validation: (x: [Tensor], y: Tensor)? = nil
        switch (valX.isEmpty, valY) {
        case (true, nil): break
        case (false, let vy?): validation = (valX, vy)
        case (true, _?): throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: validation_y is given but validation_x is empty")
        case (false, nil): throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: validation_x is given but validation_y is NULL")
        }
        let classWeight = try classWeightMap(a.class_weight, a.class_ids, a.n_class_weight, fn)
        let seed = a.seed
        let cbs = try fitCallbacks(a, fn)
        let h = try OutputRedirect.with(b) {
            try b.model.fit(x: xs, y: yt, batchSize: Int(batchSize), epochs: Int(a.epochs),
                            verbose: Int(a.verbose), callbacks: cbs,
                            validationSplit: a.validation_split, validationData: validation,
                            shuffle: a.shuffle != 0, initialEpoch: Int(a.initial_epoch),
                            sampleWeight: optionalTensor(a.sample_weight),
                            seed: seed >= 0 ? UInt64(seed) : nil, classWeight: classWeight,
                            validationSampleWeight: optionalTensor(a.validation_sample_weight))
        }
        history?.pointee = retained(HistoryBox(h))
    }
}

/// The callback objects and hooks of sk_fit_args, in the documented order.
private func fitCallbacks(_ a: sk_fit_args, _ fn: StaticString) throws -> [Callback] {
    var cbs = try fitCallbackObjects(a.callbacks, a.n_callbacks, fn)
    let hooks = FitFns(epochBegin: a.on_epoch_begin, batchBegin: a.on_train_batch_begin, batchEnd: a.on_train_batch_end)
    if hooks.epochBegin != nil || hooks.batchBegin != nil || hooks.batchEnd != nil {
        cbs.append(FitHooks(CCallback(hooks, borrowing: a.user_data)))
    }
    if let progress = a.on_epoch_end { cbs.append(ProgressCallback(CCallback(progress, borrowing: a.user_data))) }
    return cbs
}

/// A steps argument: -1 is none, other values must be positive.
func stepsArg(_ v: Int64, _ fn: StaticString, _ name: StaticString) throws -> Int? {
    if v == -1 { return nil }
    if v <= 0 { throw SwiftKerasError(.invalidArgument, "\(fn): \(name) must be positive or -1 (none), got \(v)") }
    return Int(v)
}

/// sk_model_fit_ex with args->dataset.
private func fitDataset(_ b: ModelBox, _ ds: Dataset, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                        _ a: sk_fit_args, _ history: UnsafeMutablePointer<OpaquePointer?>?) throws {
    let fn: StaticString = "sk_model_fit_ex"
    if x != nil || nX != 0 || y != nil {
        throw SwiftKerasError(.invalidArgument, "\(fn): give either a dataset (args->dataset) or x and y, not both (pass x NULL, n_x 0, y NULL)")
    }
    var unsupported: [String] = []
    if a.validation_split != 0 { unsupported.append("validation_split") }
    if a.sample_weight != nil { unsupported.append("sample_weight") }
    if a.class_weight != nil || a.n_class_weight != 0 { unsupported.append("class_weight") }
    if a.validation_x != nil || a.validation_y != nil || a.validation_sample_weight != nil { unsupported.append("validation_x / validation_y / validation_sample_weight (use validation_dataset)") }
    if !unsupported.isEmpty {
        throw SwiftKerasError(.invalidArgument, "\(fn): \(unsupported.joined(separator: ", ")) cannot be used with a dataset (its elements carry the samples and weights)")
    }
    try checkCount(a.n_validation_epochs, fn, "validation_epochs")
    var freq = ValidationFrequency.every(Int(a.validation_freq))
    if a.n_validation_epochs > 0 {
        guard let list = a.validation_epochs else {
            throw SwiftKerasError(.invalidArgument, "\(fn): validation_epochs is NULL but n_validation_epochs is \(a.n_validation_epochs)")
        }
        freq = .epochs(UnsafeBufferPointer(start: list, count: Int(a.n_validation_epochs)).map { Int($0) })
    }
    let val = try a.validation_dataset.map { try unwrap($0, fn, "validation_dataset", as: Dataset.self) }
    let cbs = try fitCallbacks(a, fn)
    let h = try OutputRedirect.with(b) {
        try b.model.fit(dataset: ds, epochs: Int(a.epochs), verbose: Int(a.verbose), callbacks: cbs, validationData: val,
                        stepsPerEpoch: try stepsArg(a.steps_per_epoch, fn, "steps_per_epoch"),
                        validationSteps: try stepsArg(a.validation_steps, fn, "validation_steps"),
                        validationFrequency: freq, initialEpoch: Int(a.initial_epoch))
    }
    history?.pointee = retained(HistoryBox(h))
}

@c @implementation
public func sk_model_evaluate_dataset(_ model: OpaquePointer?, _ ds: OpaquePointer?, _ steps: Int64, _ verbose: Int32,
                                      _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                      _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_evaluate_dataset"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let d = try unwrap(ds, fn, "dataset", as: Dataset.self)
        let logs = try OutputRedirect.with(b) {
            try b.model.evaluate(dataset: d, steps: try stepsArg(steps, fn, "steps"), verbose: Int(verbose))
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@c @implementation
public func sk_model_evaluate_dataset_callbacks(_ model: OpaquePointer?, _ ds: OpaquePointer?, _ steps: Int64, _ verbose: Int32,
                                                _ callbacks: UnsafePointer<OpaquePointer?>?, _ nCallbacks: Int32,
                                                _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                                _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_evaluate_dataset_callbacks"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let d = try unwrap(ds, fn, "dataset", as: Dataset.self)
        let cbs = try fitCallbackObjects(callbacks, nCallbacks, fn)
        let logs = try OutputRedirect.with(b) {
            try b.model.evaluate(dataset: d, steps: try stepsArg(steps, fn, "steps"), verbose: Int(verbose), callbacks: cbs)
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@c @implementation
public func sk_model_predict_dataset_callbacks(_ model: OpaquePointer?, _ ds: OpaquePointer?, _ steps: Int64,
                                               _ callbacks: UnsafePointer<OpaquePointer?>?, _ nCallbacks: Int32,
                                               _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                                               _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_predict_dataset_callbacks"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let d = try unwrap(ds, fn, "dataset", as: Dataset.self)
        let cbs = try fitCallbackObjects(callbacks, nCallbacks, fn)
        if out != nil || capacity != 0 { try clearOutputs(out, capacity, fn, "capacity", "out") }
        let outs = try OutputRedirect.with(b) {
            try b.model.predictOutputs(dataset: d, steps: try stepsArg(steps, fn, "steps"), callbacks: cbs)
        }
        try writeHandles(outs, out, capacity, count, fn, what: "outputs") { handle($0) }
    }
}

@c @implementation
public func sk_model_predict_dataset(_ model: OpaquePointer?, _ ds: OpaquePointer?, _ steps: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_predict_dataset") {
        let fn: StaticString = "sk_model_predict_dataset"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let d = try unwrap(ds, fn, "dataset", as: Dataset.self)
        return try OutputRedirect.with(b) { try b.model.predict(dataset: d, steps: try stepsArg(steps, fn, "steps")) }
    }
}

// MARK: - Evaluate, predict, single batches

/// Writes `logs` as names and values: "loss" and the compiled metrics first, then the rest
/// sorted; names owned by the model box until its next such call. The capacity is checked when
/// names or values are asked for (or always, with `capacityRequired`: sk_model_evaluate).
func writeResults(_ b: ModelBox, _ logs: Logs, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                  _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?,
                  _ fn: StaticString, capacityRequired: Bool = false) throws {
    var keys = b.model.metricsNames.filter { logs[$0] != nil }
    keys += logs.keys.sorted().filter { !keys.contains($0) }
    count?.pointee = Int32(keys.count)
    if (capacityRequired || names != nil || values != nil) && Int(capacity) < keys.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the \(keys.count) results (\(keys.joined(separator: ", ")))")
    }
    if names == nil && values == nil { return }
    let cs = b.setNames(keys)
    for (i, k) in keys.enumerated() {
        values?[i] = logs[k] ?? .nan
        names?[i] = cs[i].map { UnsafePointer($0) }
    }
}

/// sk_model_evaluate / sk_model_evaluate_weighted; sk_model_evaluate always checks the capacity.
private func evaluate(_ fn: StaticString, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                      _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?, _ batchSize: Int64, _ verbose: Int32,
                      _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                      _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?, capacityRequired: Bool) -> Int32 {
    status {
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, fn)
        let yt = try tensor(y, fn, "y")
        try checkBatchSize(batchSize, fn)
        let logs = try OutputRedirect.with(b) {
            try b.model.evaluate(x: xs, y: yt, batchSize: Int(batchSize), verbose: Int(verbose),
                                 sampleWeight: optionalTensor(sampleWeight))
        }
        try writeResults(b, logs, names, values, capacity, count, fn, capacityRequired: capacityRequired)
    }
}

@c @implementation
public func sk_model_evaluate(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                              _ batchSize: Int64, _ verbose: Int32, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                              _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32,
                              _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    evaluate("sk_model_evaluate", model, x, nX, y, nil, batchSize, verbose, names, values, capacity, count,
             capacityRequired: true)
}

@c @implementation
public func sk_model_evaluate_weighted(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                       _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?, _ batchSize: Int64,
                                       _ verbose: Int32, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                       _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32,
                                       _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    evaluate("sk_model_evaluate_weighted", model, x, nX, y, sampleWeight, batchSize, verbose, names, values, capacity,
             count, capacityRequired: false)
}

private func onBatch(_ fn: StaticString, _ train: Bool, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?,
                     _ nX: Int32, _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                     _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                     _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, fn)
        let yt = try tensor(y, fn, "y")
        let sw = optionalTensor(sampleWeight)
        let logs = try OutputRedirect.with(b) {
            train ? try b.model.trainOnBatch(x: xs, y: yt, sampleWeight: sw)
                  : try b.model.testOnBatch(x: xs, y: yt, sampleWeight: sw)
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@c @implementation
public func sk_model_train_on_batch(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                    _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                                    _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                    _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    onBatch("sk_model_train_on_batch", true, model, x, nX, y, sampleWeight, names, values, capacity, count)
}

@c @implementation
public func sk_model_test_on_batch(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                   _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                                   _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                   _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    onBatch("sk_model_test_on_batch", false, model, x, nX, y, sampleWeight, names, values, capacity, count)
}

@c @implementation
public func sk_model_predict(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ batchSize: Int64,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_predict") {
        let b = try unwrap(model, "sk_model_predict", "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, "sk_model_predict")
        try checkBatchSize(batchSize, "sk_model_predict")
        return try OutputRedirect.with(b) { try b.model.predict(xs, batchSize: Int(batchSize)) }
    }
}

// MARK: - History

@c @implementation
public func sk_history_key(_ h: OpaquePointer?, _ i: Int32) -> UnsafePointer<CChar>? {
    guard let b = try? unwrap(h, "sk_history_key", "history", as: HistoryBox.self), i >= 0, Int(i) < b.keys.count else { return nil }
    return b.cKeys[Int(i)].map { UnsafePointer($0) }
}

@c @implementation
public func sk_history_values(_ h: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?,
                              _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let b = try unwrap(h, "sk_history_values", "history", as: HistoryBox.self)
        let k = try cString(key, "sk_history_values", "key")
        guard let vs = b.values[k] else {
            throw SwiftKerasError(.invalidArgument, "sk_history_values: no key '\(k)' in the history (keys: \(b.keys.joined(separator: ", ")))")
        }
        count?.pointee = Int32(vs.count)
        if out == nil && capacity == 0 { return }
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_history_values: out is NULL but capacity is \(capacity)") }
        if Int(capacity) < vs.count {
            throw SwiftKerasError(.invalidArgument, "sk_history_values: capacity \(capacity) is smaller than the \(vs.count) epochs")
        }
        for (i, v) in vs.enumerated() { out[i] = v }
    }
}
