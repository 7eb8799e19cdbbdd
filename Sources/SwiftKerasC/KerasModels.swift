import Glibc
import SwiftKeras

// Keras models through the C ABI: Sequential and functional models, compile with optimizers
// and losses (built-in or C callbacks), fit with a C progress callback, evaluate, predict,
// summary, output redirection. An sk_model handle is a retained ModelBox.

// MARK: - Output redirection

public typealias SKOutputFn = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void

/// A C sink for progress lines and summaries; `destroy` runs once when it goes away.
final class OutputSink {
    let fn: SKOutputFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKOutputFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func emit(_ line: String) { line.withCString { fn(userData, $0) } }
}

/// `Model.output` and `Model.transientOutput` are shared by all models; the C API installs
/// (once) hooks that send a line to the output callback, and a live-bar update to the live
/// callback, of the model whose C call is running on the current thread — or else to the
/// previous hooks (stdout, and the terminal's live bar). A model with an output callback but no
/// live callback gets no live bar (its callback receives whole lines only).
enum OutputRedirect {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    private static func current() -> ModelBox? {
        pthread_getspecific(key).map { Unmanaged<ModelBox>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let installed: Bool = {
        let previous = Model.output
        Model.output = { line in
            if let s = OutputRedirect.current()?.sink { s.emit(line) } else { previous(line) }
        }
        let previousLive = Model.transientOutput
        Model.transientOutput = { text in
            if let box = OutputRedirect.current() { box.liveSink?.emit(text) } else { previousLive?(text) }
        }
        return true
    }()

    /// Runs `body` with the model's callbacks (if any) receiving this thread's output.
    static func with<R>(_ box: ModelBox, _ body: () throws -> R) rethrows -> R {
        guard box.sink != nil || box.liveSink != nil else { return try body() }
        _ = installed
        let saved = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(box).toOpaque())
        defer { pthread_setspecific(key, saved) }
        return try withExtendedLifetime(box) { try body() }
    }
}

// MARK: - Boxes

/// An sk_model: the model, its output sink, and the C strings of the last metric names.
final class ModelBox {
    let model: Model
    var sink: OutputSink?
    var liveSink: OutputSink?
    var names: [UnsafeMutablePointer<CChar>?] = []

    init(_ m: Model) { model = m }

    deinit { for p in names { free(p) } }

    /// Replaces the stored metric names; returns them.
    func setNames(_ ns: [String]) -> [UnsafeMutablePointer<CChar>?] {
        for p in names { free(p) }
        names = ns.map { strdup($0) }
        return names
    }
}

/// An sk_loss: a built-in loss or a C callback.
final class LossBox {
    let loss: Loss
    init(_ l: Loss) { loss = l }
}

public typealias SKLossFn = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, OpaquePointer?,
                                     UnsafeMutablePointer<OpaquePointer?>?) -> Int32

/// A loss computed by a C callback (Keras: a Python function passed to `compile`): the callback
/// returns per-sample (or any-shaped) losses, which are weighted by the sample weights and
/// averaged (Keras' sum_over_batch_size reduction).
final class CallbackLoss: Loss {
    let fn: SKLossFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKLossFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws -> Tensor {
        let yt = yPred.dtype.isFloatingPoint && yTrue.dtype != yPred.dtype ? try yTrue.cast(to: yPred.dtype) : yTrue
        var r = try tensorFromCallback("custom loss",
                                       missing: "custom loss: the callback returned SK_OK without writing a loss") { out in
            withExtendedLifetime((yt, yPred)) { fn(userData, unretainedHandle(yt), unretainedHandle(yPred), out) }
        }
        if let w = sampleWeight {
            var sw = try w.cast(to: r.dtype)
            while sw.rank < r.rank { sw = try sw.reshaped(to: sw.shape + [1]) }
            r = try r * sw
        }
        return r.rank == 0 ? r : try r.mean()
    }
}

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

public typealias SKProgressFn = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
                                         UnsafePointer<Double>?, Int32) -> Int32

/// Calls the C progress callback at the end of each epoch: 0 continues, negative stops
/// training cleanly, positive fails fit with the callback's code and message.
final class ProgressCallback: Callback {
    let fn: SKProgressFn
    let userData: UnsafeMutableRawPointer?

    init(_ fn: SKProgressFn, _ userData: UnsafeMutableRawPointer?) {
        self.fn = fn
        self.userData = userData
    }

    override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        let keys = logs.keys.sorted()
        let cs: [UnsafeMutablePointer<CChar>?] = keys.map { strdup($0) }
        defer { for p in cs { free(p) } }
        let names: [UnsafePointer<CChar>?] = cs.map { $0.map { UnsafePointer($0) } }
        let vals = keys.map { logs[$0] ?? .nan }
        LastError.set(0, "")
        let rc = names.withUnsafeBufferPointer { nb in
            vals.withUnsafeBufferPointer { vb in fn(userData, Int32(epoch), nb.baseAddress, vb.baseAddress, Int32(keys.count)) }
        }
        if rc > 0 { throw callbackFailure(rc, "fit progress callback") }
        if rc < 0 { model?.stopTraining = true }
    }
}

// MARK: - Models

@_cdecl("sk_sequential_create")
public func sk_sequential_create(_ layers: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ name: UnsafePointer<CChar>?,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_sequential_create") {
        try checkCount(n, "sk_sequential_create", "layers")
        var ls: [Layer] = []
        if n > 0 {
            guard let layers else { throw SwiftKerasError(.invalidArgument, "sk_sequential_create: layers is NULL but n_layers is \(n)") }
            for i in 0..<Int(n) { ls.append(try object(layers[i], "sk_sequential_create", "layers[i]", Layer.self)) }
        }
        return retainedHandle(ModelBox(try Sequential(ls, name: name.map { String(cString: $0) })))
    }
}

@_cdecl("sk_model_create")
public func sk_model_create(_ inputs: UnsafePointer<OpaquePointer?>?, _ nIn: Int32, _ outputs: UnsafePointer<OpaquePointer?>?,
                            _ nOut: Int32, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_model_create") {
        let ins = try kerasTensorList(inputs, nIn, "sk_model_create", "inputs")
        let outs = try kerasTensorList(outputs, nOut, "sk_model_create", "outputs")
        return retainedHandle(ModelBox(try Model(inputs: ins, outputs: outs, name: name.map { String(cString: $0) })))
    }
}

@_cdecl("sk_model_add")
public func sk_model_add(_ model: OpaquePointer?, _ layer: OpaquePointer?) -> Int32 {
    status {
        let m = try object(model, "sk_model_add", "model", ModelBox.self).model
        let l = try object(layer, "sk_model_add", "layer", Layer.self)
        guard let s = m as? Sequential else {
            throw SwiftKerasError(.invalidArgument, "sk_model_add: model '\(m.name)' is not a Sequential model")
        }
        try s.add(l)
    }
}

@_cdecl("sk_model_as_layer")
public func sk_model_as_layer(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_model_as_layer") {
        retainedHandle(try object(model, "sk_model_as_layer", "model", ModelBox.self).model as Layer)
    }
}

@_cdecl("sk_model_release")
public func sk_model_release(_ model: OpaquePointer?) {
    releaseHandle(model, ModelBox.self)
}

@_cdecl("sk_model_set_live_callback")
public func sk_model_set_live_callback(_ model: OpaquePointer?, _ fn: SKOutputFn?, _ userData: UnsafeMutableRawPointer?,
                                       _ destroy: SKDestroy?) -> Int32 {
    do {
        let b = try object(model, "sk_model_set_live_callback", "model", ModelBox.self)
        b.liveSink = fn.map { OutputSink($0, userData, destroy) }
        if fn == nil { destroy?(userData) }
        return 0
    } catch {
        destroy?(userData)
        return LastError.set(error)
    }
}

@_cdecl("sk_model_set_output_callback")
public func sk_model_set_output_callback(_ model: OpaquePointer?, _ fn: SKOutputFn?, _ userData: UnsafeMutableRawPointer?,
                                         _ destroy: SKDestroy?) -> Int32 {
    do {
        let b = try object(model, "sk_model_set_output_callback", "model", ModelBox.self)
        b.sink = fn.map { OutputSink($0, userData, destroy) }
        if fn == nil { destroy?(userData) }
        return 0
    } catch {
        destroy?(userData)
        return LastError.set(error)
    }
}

// MARK: - Optimizers and losses

@_cdecl("sk_optimizer_create")
public func sk_optimizer_create(_ name: UnsafePointer<CChar>?, _ learningRate: Double,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_optimizer_create") {
        let opt = try Optimizer.named(try cString(name, "sk_optimizer_create", "name"))
        if learningRate != 0 {
            if !(learningRate > 0 && learningRate.isFinite) {
                throw SwiftKerasError(.invalidArgument, "sk_optimizer_create: learning_rate must be positive and finite (0 = the default), got \(learningRate)")
            }
            try opt.setLearningRate(.constant(learningRate))
        }
        return retainedHandle(opt)
    }
}

@_cdecl("sk_optimizer_learning_rate")
public func sk_optimizer_learning_rate(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let o = try object(opt, "sk_optimizer_learning_rate", "optimizer", Optimizer.self)
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_learning_rate: out is NULL") }
        out.pointee = try o.currentLearningRate()
    }
}

@_cdecl("sk_optimizer_set_learning_rate")
public func sk_optimizer_set_learning_rate(_ opt: OpaquePointer?, _ learningRate: Double) -> Int32 {
    status {
        let o = try object(opt, "sk_optimizer_set_learning_rate", "optimizer", Optimizer.self)
        if !(learningRate > 0 && learningRate.isFinite) {
            throw SwiftKerasError(.invalidArgument, "sk_optimizer_set_learning_rate: learning_rate must be positive and finite, got \(learningRate)")
        }
        try o.setLearningRate(.constant(learningRate))
    }
}

@_cdecl("sk_optimizer_apply_gradients")
public func sk_optimizer_apply_gradients(_ opt: OpaquePointer?, _ grads: UnsafePointer<OpaquePointer?>?,
                                         _ variables: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let o = try object(opt, "sk_optimizer_apply_gradients", "optimizer", Optimizer.self)
        let gs = try tensorList(grads, n, "sk_optimizer_apply_gradients", "grads")
        try checkCount(n, "sk_optimizer_apply_gradients", "variables")
        var vs: [Variable] = []
        if n > 0 {
            guard let variables else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_apply_gradients: variables is NULL but n is \(n)") }
            for i in 0..<Int(n) {
                vs.append(try object(variables[i], "sk_optimizer_apply_gradients", "variables[i]", VariableBox.self).variable)
            }
        }
        try o.applyGradients(Array(zip(gs, vs)))
    }
}

@_cdecl("sk_optimizer_release")
public func sk_optimizer_release(_ opt: OpaquePointer?) {
    releaseHandle(opt, Optimizer.self)
}

@_cdecl("sk_loss_create")
public func sk_loss_create(_ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_loss_create") {
        retainedHandle(LossBox(try lossNamed(try cString(name, "sk_loss_create", "name"))))
    }
}

@_cdecl("sk_loss_create_custom")
public func sk_loss_create_custom(_ fn: SKLossFn?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_loss_create_custom") {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_loss_create_custom: fn is NULL") }
        handedOver = true
        return retainedHandle(LossBox(CallbackLoss(fn, userData, destroy)))
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_loss_call")
public func sk_loss_call(_ loss: OpaquePointer?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                         _ sampleWeight: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_loss_call") {
        let l = try object(loss, "sk_loss_call", "loss", LossBox.self).loss
        return try l(try tensor(yTrue, "sk_loss_call", "y_true"), try tensor(yPred, "sk_loss_call", "y_pred"),
                     sampleWeight: optionalTensor(sampleWeight))
    }
}

@_cdecl("sk_loss_release")
public func sk_loss_release(_ loss: OpaquePointer?) {
    releaseHandle(loss, LossBox.self)
}

// MARK: - Compile, fit, evaluate, predict

@_cdecl("sk_model_compile")
public func sk_model_compile(_ model: OpaquePointer?, _ optimizerName: UnsafePointer<CChar>?, _ optimizer: OpaquePointer?,
                             _ lossName: UnsafePointer<CChar>?, _ loss: OpaquePointer?,
                             _ metrics: UnsafePointer<UnsafePointer<CChar>?>?, _ nMetrics: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_compile"
        let m = try object(model, fn, "model", ModelBox.self).model
        let opt: Optimizer
        switch (optimizerName, optimizer) {
        case (let n?, nil): opt = try Optimizer.named(String(cString: n))
        case (nil, let o?): opt = try object(o, fn, "optimizer", Optimizer.self)
        default: throw SwiftKerasError(.invalidArgument, "sk_model_compile: give exactly one of optimizer_name and optimizer")
        }
        let l: Loss
        switch (lossName, loss) {
        case (let n?, nil): l = try lossNamed(String(cString: n))
        case (nil, let h?): l = try object(h, fn, "loss", LossBox.self).loss
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

@_cdecl("sk_model_fit")
public func sk_model_fit(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                         _ batchSize: Int64, _ epochs: Int32, _ validationSplit: Double, _ shuffle: UInt8, _ seed: Int64,
                         _ verbose: Int32, _ progress: SKProgressFn?, _ userData: UnsafeMutableRawPointer?,
                         _ history: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    history?.pointee = nil
    return status {
        let fn: StaticString = "sk_model_fit"
        let b = try object(model, fn, "model", ModelBox.self)
        let xs = try tensorList(x, nX, fn, "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_model_fit: no inputs (n_x is 0)") }
        let yt = try tensor(y, fn, "y")
        if batchSize <= 0 || batchSize > Int64(Int32.max) {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit: batch_size must be in [1, 2^31), got \(batchSize)")
        }
        let cbs: [Callback] = progress.map { [ProgressCallback($0, userData)] } ?? []
        let h = try OutputRedirect.with(b) {
            try b.model.fit(x: xs, y: yt, batchSize: Int(batchSize), epochs: Int(epochs), verbose: Int(verbose),
                            callbacks: cbs, validationSplit: validationSplit, shuffle: shuffle != 0,
                            seed: seed >= 0 ? UInt64(seed) : nil)
        }
        history?.pointee = retainedHandle(HistoryBox(h))
    }
}

@_cdecl("sk_model_evaluate")
public func sk_model_evaluate(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                              _ batchSize: Int64, _ verbose: Int32, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                              _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32,
                              _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_evaluate"
        let b = try object(model, fn, "model", ModelBox.self)
        let xs = try tensorList(x, nX, fn, "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_model_evaluate: no inputs (n_x is 0)") }
        let yt = try tensor(y, fn, "y")
        if batchSize <= 0 || batchSize > Int64(Int32.max) {
            throw SwiftKerasError(.invalidArgument, "sk_model_evaluate: batch_size must be in [1, 2^31), got \(batchSize)")
        }
        let logs = try OutputRedirect.with(b) {
            try b.model.evaluate(x: xs, y: yt, batchSize: Int(batchSize), verbose: Int(verbose))
        }
        var keys = b.model.metricsNames.filter { logs[$0] != nil }
        keys += logs.keys.sorted().filter { !keys.contains($0) }
        count?.pointee = Int32(keys.count)
        if Int(capacity) < keys.count {
            throw SwiftKerasError(.invalidArgument, "sk_model_evaluate: capacity \(capacity) is smaller than the \(keys.count) results (\(keys.joined(separator: ", ")))")
        }
        let cs = b.setNames(keys)
        for (i, k) in keys.enumerated() {
            values?[i] = logs[k] ?? .nan
            names?[i] = cs[i].map { UnsafePointer($0) }
        }
    }
}

@_cdecl("sk_model_predict")
public func sk_model_predict(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ batchSize: Int64,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_model_predict") {
        let b = try object(model, "sk_model_predict", "model", ModelBox.self)
        let xs = try tensorList(x, nX, "sk_model_predict", "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_model_predict: no inputs (n_x is 0)") }
        if batchSize <= 0 || batchSize > Int64(Int32.max) {
            throw SwiftKerasError(.invalidArgument, "sk_model_predict: batch_size must be in [1, 2^31), got \(batchSize)")
        }
        return try OutputRedirect.with(b) { try b.model.predict(xs, batchSize: Int(batchSize)) }
    }
}

@_cdecl("sk_model_summary")
public func sk_model_summary(_ model: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                             _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let b = try object(model, "sk_model_summary", "model", ModelBox.self)
        try copyString(b.model.summary(), buf, capacity, length, "sk_model_summary")
    }
}

@_cdecl("sk_model_trainable_weights")
public func sk_model_trainable_weights(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                       _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_trainable_weights", "model", ModelBox.self).model
        try writeHandles(m.trainableWeights, out, capacity, count, "sk_model_trainable_weights") { retainedHandle(VariableBox($0)) }
    }
}

// MARK: - History

@_cdecl("sk_history_epochs")
public func sk_history_epochs(_ h: OpaquePointer?) -> Int32 {
    guard let b = try? object(h, "sk_history_epochs", "history", HistoryBox.self) else { return -1 }
    return Int32(b.epochs)
}

@_cdecl("sk_history_num_keys")
public func sk_history_num_keys(_ h: OpaquePointer?) -> Int32 {
    guard let b = try? object(h, "sk_history_num_keys", "history", HistoryBox.self) else { return -1 }
    return Int32(b.keys.count)
}

@_cdecl("sk_history_key")
public func sk_history_key(_ h: OpaquePointer?, _ i: Int32) -> UnsafePointer<CChar>? {
    guard let b = try? object(h, "sk_history_key", "history", HistoryBox.self), i >= 0, Int(i) < b.keys.count else { return nil }
    return b.cKeys[Int(i)].map { UnsafePointer($0) }
}

@_cdecl("sk_history_values")
public func sk_history_values(_ h: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?,
                              _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let b = try object(h, "sk_history_values", "history", HistoryBox.self)
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

@_cdecl("sk_history_release")
public func sk_history_release(_ h: OpaquePointer?) {
    releaseHandle(h, HistoryBox.self)
}

@_cdecl("sk_loss_create_config")
public func sk_loss_create_config(_ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_loss_create_config") {
        let n = try cString(name, "sk_loss_create_config", "name")
        return retainedHandle(LossBox(try lossFromConfig(name: n, configJSON: config.map { String(cString: $0) } ?? "{}")))
    }
}
