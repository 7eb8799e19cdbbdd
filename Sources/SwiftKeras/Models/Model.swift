// Models and training with Keras 3 semantics (keras/src/models/model.py, trainers/trainer.py,
// backend/*/trainer.py): compile, train_step / test_step, fit with shuffling, validation split
// and callbacks, evaluate, predict, train_on_batch, test_on_batch.

import Glibc
import Synchronization

/// A metric given to `compile`: a metric object or a name resolved like Keras (`"accuracy"`
/// through `resolveAccuracy` once the shapes of targets and predictions are known).
public enum CompileMetric: ExpressibleByStringLiteral {
    case metric(Metric)
    case name(String)

    /// A metric by name.
    public init(stringLiteral value: String) { self = .name(value) }
}

private let outputHook = Mutex<(String) -> Void>(LiveLine.printLine)
private let transientHook = Mutex<((String) -> Void)?>(LiveLine.terminalWriter)

/// The terminal line that Keras' live progress bar redraws (stdout, only when it is a terminal).
enum LiveLine {
    /// Whether a live bar is on the line now: the next printed line overwrites it.
    static let shown = Atomic<Bool>(false)

    /// Redraws the line in place ("\r", the text, erase to the end of the line).
    static let terminalWriter: ((String) -> Void)? = isatty(STDOUT_FILENO) != 0 ? { text in
        fputs("\r" + text + "\u{1B}[K", stdout)
        fflush(stdout)
        shown.store(true, ordering: .relaxed)
    } : nil

    /// Prints a whole line, over the live bar when one is shown, and flushes it: a host that
    /// ends without libc's `exit` (Go, `_exit`) or reads the pipe live still gets every line.
    static let printLine: (String) -> Void = { line in
        if shown.exchange(false, ordering: .relaxed) {
            print("\r" + line + "\u{1B}[K")
        } else {
            print(line)
        }
        fflush(stdout)
    }
}

/// A layer that groups layers into a trainable object (Keras 3 `keras.Model`).
///
/// Three ways to make one: the functional API (`Model(inputs:outputs:)` on symbolic tensors
/// from `Input(shape:)`), `Sequential`, or a subclass that creates sublayers, registers them with
/// `track(_:)` and overrides `call(_:training:)`. Then `compile`, `fit`, `evaluate`, `predict`.
///
/// A model is used from one thread at a time (fit is not reentrant).
open class Model: Layer {
    /// The optimizer set by `compile` (wrapped in a `LossScaleOptimizer` under mixed_float16).
    public private(set) var optimizer: Optimizer?
    /// The loss set by `compile` (nil: the model's `losses` alone, from `addLoss`).
    public private(set) var loss: Loss?
    /// Set by a callback to stop `fit` after the current batch (Keras `stop_training`).
    public var stopTraining = false
    /// The steps run instead of the built-in ones (tf.keras 2 `train_step` / `test_step` /
    /// `predict_step` overrides; `Models/CustomSteps.swift`).
    public let customSteps = CustomSteps()
    /// The `History` of the last `fit`.
    public private(set) var history: History?
    /// The epoch `fit` starts at when a callback's `onTrainBegin` restored an interrupted run
    /// (`BackupAndRestore`); read once, right after the callbacks' `onTrainBegin`.
    var resumeEpoch: Int?

    var graph: FunctionalGraph?
    /// Symbolic losses and metrics of a functional model (`Models/SymbolicLosses.swift`).
    var auxiliaries: SymbolicAuxiliaries?
    /// The metric specs given to `compile` (read by the compile config).
    private(set) var metricSpecs: [CompileMetric] = []
    /// What compile was given per output (nil before compile).
    private(set) var outputSpec: OutputCompileSpec?
    /// The losses and metrics resolved against the outputs by the first step after compile.
    private var compiledOutputs: CompiledOutputs?
    private(set) var lossTracker = Metrics.Mean(name: "loss")

    /// Where progress lines, summaries and callback messages go: Swift `print` by default.
    /// C and Python replace it to redirect the output. Shared by all models.
    public static var output: (String) -> Void {
        get { outputHook.withLock { $0 } }
        set { outputHook.withLock { $0 = newValue } }
    }

    /// Where Keras' live progress bar goes during an epoch at verbose 1 (each call replaces the
    /// previous one on the same line; the epoch's final line from `output` then overwrites it):
    /// stdout when it is a terminal, nowhere otherwise (nil). Shared by all models; the C API
    /// turns it off for models whose output goes to a callback.
    public static var transientOutput: ((String) -> Void)? {
        get { transientHook.withLock { $0 } }
        set { transientHook.withLock { $0 = newValue } }
    }

    /// Creates an empty model for subclassing (Keras `class MyModel(keras.Model)`).
    public override init(name: String? = nil, dtype: DTypePolicy? = nil, trainable: Bool = true, inputShape: [Int]? = nil) {
        super.init(name: name, dtype: dtype, trainable: trainable, inputShape: inputShape)
        autocast = false
    }

    /// A functional model from symbolic inputs (made by `Input(shape:)`) to the symbolic outputs
    /// computed from them (Keras `keras.Model(inputs, outputs)`). The layers between them are
    /// sorted topologically; shared layers and multi-input layers are supported.
    public init(inputs: [KerasTensor], outputs: [KerasTensor], name: String? = nil) throws {
        let g = try FunctionalGraph(inputs: inputs, outputs: outputs)
        // tf.keras 2 names functional models model, model_1, ...
        super.init(name: name ?? Layer.autoName("Model"), dtype: nil, trainable: true, inputShape: nil)
        autocast = false
        graph = g
        if inputs.count == 1 { batchInputShape = inputs[0].shape }
        for l in g.layers { track(l) }
        try buildIfNeeded(inputs.map(\.shape))
    }

    /// A functional model with one input and one output.
    public convenience init(inputs: KerasTensor, outputs: KerasTensor, name: String? = nil) throws {
        try self.init(inputs: [inputs], outputs: [outputs], name: name)
    }

    /// The model's layers (Keras `model.layers`): for functional models every layer of the
    /// graph including input layers, otherwise the tracked layers.
    open var layers: [Layer] { graph?.layers ?? trackedLayers }

    /// The layer named `name` (Keras `get_layer`).
    public func layer(named name: String) throws -> Layer {
        guard let l = layers.first(where: { $0.name == name }) else {
            throw SwiftKerasError.invalid("No such layer: \(name). Existing layers are: \(layers.map(\.name))")
        }
        return l
    }

    /// The variables training updates (Keras `trainable_variables`, same as `trainableWeights`).
    public var trainableVariables: [Variable] { trainableWeights }

    /// The symbolic inputs of a functional model (empty otherwise).
    public var inputs: [KerasTensor] { graph?.inputs ?? [] }
    /// The symbolic outputs of a functional model (empty otherwise).
    public var symbolicOutputs: [KerasTensor] { graph?.outputs ?? [] }

    // MARK: Calling

    open override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        if let graph { return try runGraph(graph, inputs, masks: [], training: training).outputs[0] }
        return try super.call(inputs, training: training)
    }

    open override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        if let graph { return try runGraph(graph, inputs, masks: [], training: training).outputs }
        return [try call(inputs, training: training)]
    }

    /// A functional model carries masks through its graph (see `FunctionalGraph.run`); other
    /// models call `callOutputs` as any layer.
    open override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        if let graph { return try runGraph(graph, inputs, masks: masks, training: training) }
        return try super.callOutputsAndMasks(inputs, masks: masks, training: training)
    }

    open override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        if let graph, let first = graph.outputs.first { return first.shape }
        return try super.computeOutputShape(inputShapes)
    }

    // MARK: Compile

    /// Configures training (Keras `compile`): the optimizer, the loss and metrics (objects or
    /// names such as "accuracy", "mae"). Under a mixed_float16 policy the optimizer is wrapped
    /// in a `LossScaleOptimizer`, as Keras does. Compiling again replaces all three. A nil
    /// `loss` (Keras `compile(loss=None)`) trains on the model's `losses` alone (`addLoss`
    /// terms and regularization penalties); training then fails when there are none.
    public func compile(optimizer: Optimizer, loss: Loss?, metrics: [CompileMetric] = []) throws {
        try compile(optimizer: optimizer, losses: .all(loss), metrics: .all(metrics))
    }

    /// Configures training of a model with one or several outputs (tf.keras 2 `compile` with
    /// `loss`, `loss_weights`, `metrics` and `weighted_metrics` as one value for every output, a
    /// list in output order or a dict keyed by output name). The total loss is the weighted sum
    /// of the outputs' losses (an output without a loss adds nothing) plus the model's `losses`;
    /// a model with several outputs logs `<output>_loss` for each output with a loss and names its
    /// metrics `<output>_<metric>`. Only weighted metrics receive the sample weights (plain ones
    /// only the output masks), as tf.keras 2.
    public func compile(optimizer: Optimizer, losses: PerOutput<Loss?>, lossWeights: PerOutput<Double>? = nil,
                        metrics: PerOutput<[CompileMetric]> = .all([]),
                        weightedMetrics: PerOutput<[CompileMetric]> = .all([])) throws {
        var opt = optimizer
        if dtypePolicy.name == "mixed_float16" && !(opt is LossScaleOptimizer) {
            opt = try LossScaleOptimizer(opt)
        }
        for list in metrics.given + weightedMetrics.given {
            for case .name(let n) in list where n != "accuracy" && n != "acc" {
                _ = try metricNamed(n)   // unknown names fail now, as in Keras
            }
        }
        let spec = OutputCompileSpec(losses: losses, lossWeights: lossWeights, metrics: metrics, weightedMetrics: weightedMetrics)
        self.optimizer = opt
        self.loss = losses.single ?? nil
        metricSpecs = metrics.single ?? []
        outputSpec = spec
        compiledOutputs = nil
        lossTracker = Metrics.Mean(name: "loss")
    }

    /// Whether `compile` was given per-output losses, loss weights, per-output metrics or
    /// weighted metrics (which the saved compile config cannot hold yet).
    public var isCompiledPerOutput: Bool { outputSpec?.isPerOutput ?? false }

    /// `compile` with metric objects.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric]) throws {
        try compile(optimizer: optimizer, loss: loss, metrics: metrics.map { CompileMetric.metric($0) })
    }

    /// `compile` by names (Keras `compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    /// metrics=["accuracy"])`): optimizers by `Optimizer.named`, losses by `lossNamed`, metrics by
    /// `metricNamed`.
    public func compile(optimizer: String, loss: String, metrics: [String] = []) throws {
        try compile(optimizer: try Optimizer.named(optimizer), loss: try lossNamed(loss),
                    metrics: metrics.map { CompileMetric.name($0) })
    }

    /// `compile` with an optimizer by name and a loss object.
    public func compile(optimizer: String, loss: Loss, metrics: [CompileMetric] = []) throws {
        try compile(optimizer: try Optimizer.named(optimizer), loss: loss, metrics: metrics)
    }

    /// Whether `compile` has been called.
    public var isCompiled: Bool { optimizer != nil }

    /// The compiled metrics, once resolved by the first train or test step (empty before).
    public var compiledMetrics: [Metric] { compiledOutputs?.metrics.map(\.metric) ?? [] }

    /// The model's metrics (tf.keras 2 `model.metrics`): empty until the first training or test
    /// step after `compile` resolves them, then the loss tracker ("loss"), the `<output>_loss`
    /// trackers of a model with several outputs and the compiled metrics, the objects `fit` and
    /// `evaluate` update.
    public var metrics: [Metric] {
        guard let c = compiledOutputs else { return addedMetrics }
        return [lossTracker] + c.lossTrackers.compactMap { $0 } + c.metrics.map(\.metric) + addedMetrics
    }

    /// The names in the logs: "loss", the `<output>_loss` names, then the compiled metrics' names.
    public var metricsNames: [String] {
        ["loss"] + (compiledOutputs?.lossTrackers.compactMap { $0?.name } ?? []) + compiledMetrics.map(\.name)
            + addedMetrics.map(\.name)
    }

    private func requireCompiled(_ op: String) throws -> (Optimizer, Loss?) {
        guard let optimizer else {
            throw SwiftKerasError(.runtime, "\(op): you must call compile() before using the model (model '\(name)' is not compiled)")
        }
        return (optimizer, loss)
    }

    /// The compiled losses and metrics for these targets and predictions (resolved once).
    /// Whether the compiled model's steps run without targets (no loss and no metric compiled).
    var stepsNeedNoTargets: Bool { outputSpec?.needsNoTargets ?? false }

    func compiled(_ ys: [Tensor], _ preds: [Tensor]) throws -> CompiledOutputs {
        // Checked at every step: the count may change from one call to the next.
        if ys.count != preds.count && !(ys.isEmpty && stepsNeedNoTargets) {
            throw SwiftKerasError.invalid("the model '\(name)' has \(preds.count) output(s) \(outputNames(count: preds.count)) but \(ys.count) target(s) were given")
        }
        if let c = compiledOutputs {
            guard c.names.count == preds.count else {
                throw SwiftKerasError.invalid("the model '\(name)' gave \(preds.count) output(s); it gave \(c.names.count) when its compiled losses and metrics were resolved")
            }
            return c
        }
        _ = try requireCompiled("train_step")
        guard let spec = outputSpec else { throw SwiftKerasError(.runtime, "train_step: model '\(name)' is not compiled") }
        let c = try CompiledOutputs(spec, names: outputNames(count: preds.count), keys: outputDictKeys(count: preds.count),
                                    ys: ys, preds: preds)
        compiledOutputs = c
        return c
    }

    /// Zeroes the loss tracker and the compiled metrics (Keras `reset_metrics`). Before the
    /// metrics are resolved (first batch), the metric objects given to compile are reset, so
    /// state they had before fit does not leak into the first epoch.
    public func resetMetrics() throws {
        try lossTracker.resetState()
        if let compiledOutputs {
            for m in compiledOutputs.lossTrackers { try m?.resetState() }
            for m in compiledOutputs.metrics { try m.metric.resetState() }
        } else if let spec = outputSpec {
            for list in spec.metrics.given + spec.weightedMetrics.given {
                for case .metric(let m) in list { try m.resetState() }
            }
        }
        try resetStepMetrics()
    }

    /// The current results: "loss" and each compiled metric (Keras `get_metrics_result`).
    public func metricResults() throws -> Logs {
        var logs: Logs = ["loss": try lossTracker.result().scalarDouble()]
        for case let t? in compiledOutputs?.lossTrackers ?? [] { logs[t.name] = try t.result().scalarDouble() }
        for m in compiledMetrics + addedMetrics { logs[m.name] = try m.result().scalarDouble() }
        return logs
    }

    // MARK: Steps

    /// The total loss (Keras `compute_loss`): the compiled loss (if any) plus the sum of the
    /// model's `losses` (regularization penalties and `addLoss` terms of the last call).
    /// `outputMask` is the mask of the model's output (masked entries do not count, as Keras 2).
    /// - Throws: `.invalidArgument` when there is neither a compiled loss nor any `losses`.
    open func computeLoss(x: [Tensor], y: Tensor, yPred: Tensor, sampleWeight: Tensor?, outputMask: Tensor? = nil) throws -> Tensor {
        try computeLoss(ys: [y], preds: [yPred], masks: [outputMask], sampleWeight: sampleWeight).total
    }

    /// The total loss of a model with one or several outputs (tf.keras 2 `compiled_loss`): the
    /// weighted sum of the outputs' compiled losses plus the model's `losses`, and each output's
    /// own (unweighted) loss, nil for an output without a loss.
    /// - Throws: `.invalidArgument` when the targets do not match the outputs, or when there is
    ///   neither a compiled loss nor any `losses`.
    public func computeLoss(ys: [Tensor], preds: [Tensor], masks: [Tensor?], sampleWeight: Tensor?) throws -> (total: Tensor, perOutput: [Tensor?]) {
        try computeLoss(ys: ys, preds: preds, masks: masks, sampleWeights: [sampleWeight])
    }

    /// `computeLoss` with sample weights per output (one entry for every output, or one per output).
    public func computeLoss(ys: [Tensor], preds: [Tensor], masks: [Tensor?], sampleWeights: [Tensor?]) throws -> (total: Tensor, perOutput: [Tensor?]) {
        let c = try compiled(ys, preds)
        let (total, each) = try c.loss(ys: ys, preds: preds, masks: masks, sampleWeights: sampleWeights, extra: try losses)
        guard let total else {
            throw SwiftKerasError.invalid("No loss found. You may have forgotten to provide a `loss` argument in the `compile()` method (model '\(name)' has no compiled loss and no add_loss terms)")
        }
        return (total, each)
    }

    /// One training step on a batch (Keras `train_step`): the forward pass with
    /// `training: true` and the loss under a GradientTape, gradients of the (scaled) loss with
    /// respect to `trainableVariables`, `optimizer.apply`, then the metrics. `y` holds one target
    /// per output. Returns the running results since the last `resetMetrics`.
    @discardableResult
    open func trainStep(x: [Tensor], y: [Tensor], sampleWeight: Tensor? = nil) throws -> Logs {
        try trainStep(x: x, y: y, sampleWeights: [sampleWeight])
    }

    /// `trainStep` with sample weights per output (tf.keras 2 `sample_weight=[w1, w2]`): one
    /// entry for every output, or one per output (nil: that output's samples are not weighted).
    @discardableResult
    public func trainStep(x: [Tensor], y: [Tensor], sampleWeights: [Tensor?]) throws -> Logs {
        let (optimizer, _) = try requireCompiled("train_step")
        let tape = GradientTape()
        let (preds, masks, lossValues, scaled) = try tape.record { () throws -> ([Tensor], [Tensor?], (total: Tensor, perOutput: [Tensor?]), Tensor) in
            let (ps, masks) = try self.outputsAndMasks(x, masks: [], training: true)
            let l = try computeLoss(ys: y, preds: ps, masks: masks, sampleWeights: sampleWeights)
            return (ps, masks, l, try optimizer.scaleLoss(l.total))
        }
        // Listed after the forward pass: a model built by its first batch (a Sequential without
        // an input shape) has its weights only now, and the first step must train them too.
        let vars = trainableVariables
        if !vars.isEmpty {
            let grads = try tape.gradient(scaled, vars.map { GradientSource.variable($0) })
            try optimizer.apply(grads, to: vars)
        }
        try updateMetrics(x: x, ys: y, preds: preds, masks: masks, losses: lossValues, sampleWeights: sampleWeights)
        return try metricResults()
    }

    /// `trainStep` for a model with one output.
    @discardableResult
    public func trainStep(x: [Tensor], y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try trainStep(x: x, y: [y], sampleWeight: sampleWeight)
    }

    /// One evaluation step (Keras `test_step`): forward with `training: false`, loss, metrics.
    @discardableResult
    open func testStep(x: [Tensor], y: [Tensor], sampleWeight: Tensor? = nil) throws -> Logs {
        try testStep(x: x, y: y, sampleWeights: [sampleWeight])
    }

    /// `testStep` with sample weights per output (as `trainStep(x:y:sampleWeights:)`).
    @discardableResult
    public func testStep(x: [Tensor], y: [Tensor], sampleWeights: [Tensor?]) throws -> Logs {
        _ = try requireCompiled("test_step")
        try withoutRecording {
            let (ps, masks) = try outputsAndMasks(x, masks: [], training: false)
            let l = try computeLoss(ys: y, preds: ps, masks: masks, sampleWeights: sampleWeights)
            try updateMetrics(x: x, ys: y, preds: ps, masks: masks, losses: l, sampleWeights: sampleWeights)
        }
        return try metricResults()
    }

    /// `testStep` for a model with one output.
    @discardableResult
    public func testStep(x: [Tensor], y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try testStep(x: x, y: [y], sampleWeight: sampleWeight)
    }

    /// The loss trackers and the compiled metrics after a batch (tf.keras 2 `MetricsContainer`):
    /// every metric sees its output's mask; only `weighted_metrics` see the sample weights.
    private func updateMetrics(x: [Tensor], ys: [Tensor], preds: [Tensor], masks: [Tensor?],
                               losses: (total: Tensor, perOutput: [Tensor?]), sampleWeights: [Tensor?]) throws {
        let c = try compiled(ys, preds)
        try withoutRecording {
            let batch = x.first.map { $0.rank > 0 ? $0.shape[0] : 1 } ?? 1
            let count = try Tensor.scalar(Double(batch), dtype: lossTracker.dtype)
            try lossTracker.update(values: losses.total, sampleWeight: count)
            for (t, l) in zip(c.lossTrackers, losses.perOutput) {
                if let t, let l { try t.update(values: l, sampleWeight: count) }
            }
            for om in c.metrics {
                let p = preds[om.output]
                let w = try MaskRules.maskedSampleWeights(om.output < masks.count ? masks[om.output] : nil,
                                                          om.weighted ? try CompiledOutputs.weight(sampleWeights, om.output, of: preds.count) : nil,
                                                          dtype: p.dtype)
                try om.metric.updateState(ys[om.output], p, sampleWeight: w)
            }
        }
    }

    // MARK: Single batches

    /// Trains on one batch after resetting the metrics (Keras `train_on_batch`); returns the
    /// batch's loss and metrics.
    @discardableResult
    public func trainOnBatch(x: [Tensor], y: [Tensor], sampleWeight: Tensor? = nil) throws -> Logs {
        try trainOnBatch(x: x, y: y, sampleWeights: [sampleWeight])
    }

    /// `trainOnBatch` with sample weights per output (one entry for every output, or one per output).
    @discardableResult
    public func trainOnBatch(x: [Tensor], y: [Tensor], sampleWeights: [Tensor?]) throws -> Logs {
        try onBatch(train: true, x: x, y: y, sampleWeights: sampleWeights)
    }

    private func onBatch(train: Bool, x: [Tensor], y: [Tensor], sampleWeights w: [Tensor?]) throws -> Logs {
        let op = train ? "train_on_batch" : "test_on_batch"
        _ = try requireCompiled(op)
        let given = w.compactMap { $0 }
        _ = try cardinality([x, y] + (given.isEmpty ? [] : [given]), op: op)
        try resetMetrics()
        return train ? try trainBatch(x, y, w) : try testBatch(x, y, w)
    }

    /// `trainOnBatch` for a model with one output.
    @discardableResult
    public func trainOnBatch(x: [Tensor], y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try trainOnBatch(x: x, y: [y], sampleWeight: sampleWeight)
    }

    /// `trainOnBatch` for a single input.
    @discardableResult
    public func trainOnBatch(x: Tensor, y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try trainOnBatch(x: [x], y: y, sampleWeight: sampleWeight)
    }

    /// Evaluates one batch after resetting the metrics (Keras `test_on_batch`).
    public func testOnBatch(x: [Tensor], y: [Tensor], sampleWeight: Tensor? = nil) throws -> Logs {
        try testOnBatch(x: x, y: y, sampleWeights: [sampleWeight])
    }

    /// `testOnBatch` with sample weights per output (one entry for every output, or one per output).
    public func testOnBatch(x: [Tensor], y: [Tensor], sampleWeights: [Tensor?]) throws -> Logs {
        try onBatch(train: false, x: x, y: y, sampleWeights: sampleWeights)
    }

    /// `testOnBatch` for a model with one output.
    public func testOnBatch(x: [Tensor], y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try testOnBatch(x: x, y: [y], sampleWeight: sampleWeight)
    }

    /// `testOnBatch` for a single input.
    public func testOnBatch(x: Tensor, y: Tensor, sampleWeight: Tensor? = nil) throws -> Logs {
        try testOnBatch(x: [x], y: y, sampleWeight: sampleWeight)
    }

    /// The model's outputs for one batch (Keras `predict_on_batch`).
    public func predictOnBatch(_ x: [Tensor]) throws -> Tensor {
        try predictBatch(x)[0]
    }

    // MARK: fit

    /// Trains the model (Keras `fit`).
    /// - Parameters:
    ///   - x: the inputs, one tensor per model input, all with the same number of samples on axis 0.
    ///   - y: the targets, one tensor per model output (same number of samples).
    ///   - batchSize: samples per gradient step (the last batch may be smaller).
    ///   - epochs: the epoch to stop at (training runs `initialEpoch..<epochs`).
    ///   - verbose: 0 silent, 1 a progress line per epoch, 2 a short line per epoch, through `Model.output`.
    ///   - callbacks: called at each stage, in order; at each epoch end they share the logs, so
    ///     entries a callback adds reach the later ones (a `History` is added and returned unless
    ///     one is passed; a `ProgbarLogger` is added at verbose > 0 unless one is passed).
    ///   - validationSplit: the fraction (in [0, 1)) of the samples, taken from the end before
    ///     shuffling, held out for validation ("val_*" logs after each epoch).
    ///   - validationData: explicit validation inputs and targets (override `validationSplit`).
    ///   - shuffle: whether to shuffle the training samples before each epoch.
    ///   - initialEpoch: the epoch to start at (to resume training).
    ///   - sampleWeight: per-sample weights for the loss and metrics.
    ///   - seed: makes the shuffling reproducible (epoch `e` uses a permutation drawn from
    ///     `seed` and `e`); nil draws fresh seeds.
    ///   - classWeight: class id → weight (tf.keras `class_weight`): each training sample's
    ///     weight is multiplied by the weight of its class (sparse integer targets, or the argmax
    ///     of one-hot targets). The keys must be 0..<K and every training label must be one of
    ///     them. Validation data is not class-weighted (as in Keras).
    ///   - validationSampleWeight: per-sample weights of `validationData` (with
    ///     `validationSplit`, the held-out part of `sampleWeight` is used).
    @discardableResult
    public func fit(x: [Tensor], y: [Tensor], batchSize: Int = 32, epochs: Int = 1, verbose: Int = 1,
                    callbacks: [Callback] = [], validationSplit: Double = 0,
                    validationData: (x: [Tensor], y: [Tensor])? = nil, shuffle: Bool = true,
                    initialEpoch: Int = 0, sampleWeight: Tensor? = nil, seed: UInt64? = nil,
                    classWeight: [Int: Double]? = nil, validationSampleWeight: Tensor? = nil) throws -> History {
        _ = try requireCompiled("fit")
        if batchSize <= 0 { throw SwiftKerasError.invalid("fit: batch_size must be positive, got \(batchSize)") }
        if epochs < 0 || initialEpoch < 0 {
            throw SwiftKerasError.invalid("fit: epochs (\(epochs)) and initial_epoch (\(initialEpoch)) must be non-negative")
        }
        if !(validationSplit >= 0 && validationSplit < 1) {
            throw SwiftKerasError.invalid("fit: validation_split must be in [0, 1), got \(validationSplit)")
        }
        var n = try cardinality([x, y] + (sampleWeight.map { [[$0]] } ?? []), op: "fit")
        var trainX = x, trainY = y, trainW = sampleWeight
        var val: (x: [Tensor], y: [Tensor])? = nil
        var valW: Tensor? = nil
        if validationSampleWeight != nil && validationData == nil {
            throw SwiftKerasError.invalid("fit: validation sample weights were given without validation_data")
        }
        if let vd = validationData {
            _ = try cardinality([vd.x, vd.y] + (validationSampleWeight.map { [[$0]] } ?? []), op: "fit (validation_data)")
            val = vd
            valW = validationSampleWeight
        } else if validationSplit > 0 {
            let (tr, va) = try Model.validationSplit(x + y + (sampleWeight.map { [$0] } ?? []), fraction: validationSplit)
            let ny = x.count + y.count
            (trainX, trainY, trainW) = (Array(tr[..<x.count]), Array(tr[x.count..<ny]), sampleWeight == nil ? nil : tr.last)
            val = (Array(va[..<x.count]), Array(va[x.count..<ny]))
            valW = sampleWeight == nil ? nil : va.last
            n = tr[0].shape[0]
        }
        if n == 0 { throw SwiftKerasError.invalid("fit: x has no samples") }
        if let classWeight {
            guard trainY.count == 1 else {
                throw SwiftKerasError.invalid("fit: `class_weight` is only supported for Models with a single output (got \(trainY.count) targets)")
            }
            let cw = try classSampleWeights(trainY[0], classWeight)
            trainW = try withoutRecording {
                guard let w = trainW else { return cw }
                return try w.cast(to: .float32) * (w.rank > 1 ? try cw.reshaped(to: [n] + Array(repeating: 1, count: w.rank - 1)) : cw)
            }
        }

        let steps = (n + batchSize - 1) / batchSize
        let validate: ((Int, [Callback]) throws -> Logs?)? = val.map { val in { _, cbs in
            try self.evaluate(x: val.x, y: val.y, batchSize: batchSize, verbose: 0, callbacks: cbs,
                              sampleWeight: valW, standalone: false)
        } }
        return try runFit(epochs: epochs, verbose: verbose, callbacks: callbacks, initialEpoch: initialEpoch,
                          steps: steps, validate: validate) { epoch in
            // Shuffling gathers each batch's rows straight from the data (one copy per sample per
            // epoch, into a batch-sized buffer that stays in cache) instead of permuting the
            // whole dataset and then slicing it.
            let perm = shuffle
                ? try permutation(n, seed: seed.map { $0 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 } ?? Random.freshSeed())
                : nil
            var step = 0
            return {
                let lo = step * batchSize, hi = Swift.min(n, lo + batchSize)
                step += 1
                return try withoutRecording { () throws -> FitBatch in
                    guard let perm else {
                        return (try trainX.map { try rows($0, lo, hi) }, try trainY.map { try rows($0, lo, hi) },
                                [try trainW.map { try rows($0, lo, hi) }])
                    }
                    let idx = try rows(perm, lo, hi)
                    return (try trainX.map { try $0.gathered(indices: idx) }, try trainY.map { try $0.gathered(indices: idx) },
                            [try trainW.map { try $0.gathered(indices: idx) }])
                }
            }
        }
    }

    /// The epochs of `fit`: callbacks, `stepsPerEpoch` batches from `batches(epoch)` per epoch (nil: until the
    /// batches run out, the progress bar's total unknown), then `validate(epoch)` when given (nil logs skip
    /// validation that epoch). Batches running out before `steps` end training after that epoch with
    /// Keras' warning.
    func runFit(epochs: Int, verbose: Int, callbacks: [Callback], initialEpoch: Int, steps: Int?,
                validate: ((Int, [Callback]) throws -> Logs?)?,
                batches: (Int) throws -> () throws -> FitBatch?) throws -> History {
        // As Keras' CallbackList: a History and (at verbose > 0) a ProgbarLogger are added after
        // the caller's callbacks unless the caller passed one.
        var cbs = callbacks
        let hist = callbacks.lazy.compactMap { $0 as? History }.first ?? History()
        if verbose > 0 && !callbacks.contains(where: { $0 is ProgbarLogger }) { cbs.append(ProgbarLogger()) }
        if !cbs.contains(where: { $0 === hist }) { cbs.append(hist) }
        for cb in cbs {
            cb.model = self
            cb.params = ["epochs": epochs, "verbose": verbose]
            if let steps { cb.params["steps"] = steps }
        }
        history = hist
        stopTraining = false
        try withoutRecording { try optimizer?.build(trainableVariables) }

        resumeEpoch = nil
        try each(cbs) { try $0.onTrainBegin(logs: [:]) }
        var epochLogs: Logs = [:]
        // A callback restoring an interrupted run (BackupAndRestore) moves the start forward.
        var epoch = Swift.max(initialEpoch, resumeEpoch ?? 0)
        resumeEpoch = nil
        var ranOut = false
        while epoch < epochs && !stopTraining && !ranOut {
            try resetMetrics()
            try each(cbs) { try $0.onEpochBegin(epoch, logs: [:]) }
            let next = try batches(epoch)
            var logs: Logs = [:]
            var step = 0
            while steps.map({ step < $0 }) ?? true {
                guard let (bx, by, bw) = try next() else {
                    if steps != nil {
                        ranOut = true
                        Model.output("WARNING: Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least `steps_per_epoch * epochs` batches (in this case, \((steps ?? 0) * epochs) batches). You may need to use the repeat() function when building your dataset.")
                    }
                    break
                }
                try each(cbs) { try $0.onTrainBatchBegin(step, logs: [:]) }
                logs = try trainBatch(bx, by, bw)
                try each(cbs) { try $0.onTrainBatchEnd(step, logs: logs) }
                step += 1
                if stopTraining { break }
            }
            if step == 0 { break }   // no batch at all: no epoch logs (Keras fails on empty logs)
            epochLogs = logs
            if let validate, let valLogs = try validate(epoch, cbs) {
                for (k, v) in valLogs { epochLogs["val_" + k] = v }
            }
            try each(cbs) { try $0.onEpochEnd(epoch, updating: &epochLogs) }
            epoch += 1
        }
        try each(cbs) { try $0.onTrainEnd(logs: epochLogs) }
        return hist
    }

    /// `fit` for a model with one output.
    @discardableResult
    public func fit(x: [Tensor], y: Tensor, batchSize: Int = 32, epochs: Int = 1, verbose: Int = 1,
                    callbacks: [Callback] = [], validationSplit: Double = 0,
                    validationData: (x: [Tensor], y: Tensor)? = nil, shuffle: Bool = true,
                    initialEpoch: Int = 0, sampleWeight: Tensor? = nil, seed: UInt64? = nil,
                    classWeight: [Int: Double]? = nil, validationSampleWeight: Tensor? = nil) throws -> History {
        try fit(x: x, y: [y], batchSize: batchSize, epochs: epochs, verbose: verbose, callbacks: callbacks,
                validationSplit: validationSplit, validationData: validationData.map { ($0.x, [$0.y]) },
                shuffle: shuffle, initialEpoch: initialEpoch, sampleWeight: sampleWeight, seed: seed,
                classWeight: classWeight, validationSampleWeight: validationSampleWeight)
    }

    /// `fit` for a model with one input and one output.
    @discardableResult
    public func fit(x: Tensor, y: Tensor, batchSize: Int = 32, epochs: Int = 1, verbose: Int = 1,
                    callbacks: [Callback] = [], validationSplit: Double = 0,
                    validationData: (x: Tensor, y: Tensor)? = nil, shuffle: Bool = true,
                    initialEpoch: Int = 0, sampleWeight: Tensor? = nil, seed: UInt64? = nil,
                    classWeight: [Int: Double]? = nil, validationSampleWeight: Tensor? = nil) throws -> History {
        try fit(x: [x], y: [y], batchSize: batchSize, epochs: epochs, verbose: verbose, callbacks: callbacks,
                validationSplit: validationSplit, validationData: validationData.map { ([$0.x], [$0.y]) },
                shuffle: shuffle, initialEpoch: initialEpoch, sampleWeight: sampleWeight, seed: seed,
                classWeight: classWeight, validationSampleWeight: validationSampleWeight)
    }

    // MARK: evaluate and predict

    /// The loss and metrics over `x`, `y` in batches (Keras `evaluate(..., return_dict=True)`).
    /// At verbose 1 a progress line is written through `Model.output`.
    /// `y` holds one target per model output.
    public func evaluate(x: [Tensor], y: [Tensor], batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [Callback] = [], sampleWeight: Tensor? = nil) throws -> Logs {
        try evaluate(x: x, y: y, batchSize: batchSize, verbose: verbose, callbacks: callbacks,
                     sampleWeight: sampleWeight, standalone: true)
    }

    /// `evaluate` for a model with one output.
    public func evaluate(x: [Tensor], y: Tensor, batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [Callback] = [], sampleWeight: Tensor? = nil) throws -> Logs {
        try evaluate(x: x, y: [y], batchSize: batchSize, verbose: verbose, callbacks: callbacks, sampleWeight: sampleWeight)
    }

    /// `evaluate` for a model with one input.
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [Callback] = [], sampleWeight: Tensor? = nil) throws -> Logs {
        try evaluate(x: [x], y: [y], batchSize: batchSize, verbose: verbose, callbacks: callbacks, sampleWeight: sampleWeight)
    }

    private func evaluate(x: [Tensor], y: [Tensor], batchSize: Int, verbose: Int, callbacks: [Callback],
                          sampleWeight: Tensor? = nil, standalone: Bool) throws -> Logs {
        _ = try requireCompiled("evaluate")
        if batchSize <= 0 { throw SwiftKerasError.invalid("evaluate: batch_size must be positive, got \(batchSize)") }
        let n = try cardinality([x, y] + (sampleWeight.map { [[$0]] } ?? []), op: "evaluate")
        if n == 0 { throw SwiftKerasError.invalid("evaluate: x has no samples") }
        let steps = (n + batchSize - 1) / batchSize
        var step = 0
        return try runEvaluate(steps: steps, verbose: verbose, callbacks: callbacks, standalone: standalone) {
            guard step < steps else { return nil }
            let lo = step * batchSize, hi = Swift.min(n, lo + batchSize)
            step += 1
            return try withoutRecording {
                (try x.map { try rows($0, lo, hi) }, try y.map { try rows($0, lo, hi) }, [try sampleWeight.map { try rows($0, lo, hi) }])
            }
        }
    }

    /// The batches of `evaluate` from `next` until it gives nil (at most `steps` when given; nil: the
    /// total is unknown until the end).
    func runEvaluate(steps: Int?, verbose: Int, callbacks: [Callback], standalone: Bool,
                     next: () throws -> FitBatch?) throws -> Logs {
        if standalone {
            for cb in callbacks {
                cb.model = self
                cb.params = ["verbose": verbose]
                if let steps { cb.params["steps"] = steps }
            }
        }
        let start = monotonicSeconds()
        try resetMetrics()
        try each(callbacks) { try $0.onTestBegin(logs: [:]) }
        var logs: Logs = [:]
        var step = 0
        while steps.map({ step < $0 }) ?? true, let (bx, by, bw) = try next() {
            try each(callbacks) { try $0.onTestBatchBegin(step, logs: [:]) }
            logs = try testBatch(bx, by, bw)
            try each(callbacks) { try $0.onTestBatchEnd(step, logs: logs) }
            step += 1
        }
        if step == 0 { logs = try metricResults() }
        try each(callbacks) { try $0.onTestEnd(logs: logs) }
        if verbose > 0 {
            Model.output(progressLine(steps: step, elapsed: monotonicSeconds() - start, logs: logs, verbose: verbose))
        }
        return logs
    }

    /// The model's (first) output for `x`, computed in batches with `training: false` and
    /// concatenated (Keras `predict`; `predictOutputs` gives every output).
    public func predict(_ x: [Tensor], batchSize: Int = 32, callbacks: [Callback] = []) throws -> Tensor {
        try predictOutputs(x, batchSize: batchSize, callbacks: callbacks)[0]
    }

    /// Every output of the model for `x` (Keras `predict` of a model with several outputs), each
    /// computed in batches with `training: false` and concatenated.
    public func predictOutputs(_ x: [Tensor], batchSize: Int = 32, callbacks: [Callback] = []) throws -> [Tensor] {
        if batchSize <= 0 { throw SwiftKerasError.invalid("predict: batch_size must be positive, got \(batchSize)") }
        let n = try cardinality([x], op: "predict")
        if n == 0 { throw SwiftKerasError.invalid("predict: x has no samples") }
        var lo = 0
        return try runPredict(callbacks: callbacks) {
            guard lo < n else { return nil }
            let hi = Swift.min(n, lo + batchSize)
            defer { lo = hi }
            return try withoutRecording { try x.map { try rows($0, lo, hi) } }
        }
    }

    /// The outputs of `predict` for the input batches of `next` (until nil), each output's
    /// batches concatenated.
    func runPredict(callbacks: [Callback], next: () throws -> [Tensor]?) throws -> [Tensor] {
        for cb in callbacks { cb.model = self }
        try each(callbacks) { try $0.onPredictBegin(logs: [:]) }
        var parts: [[Tensor]] = []
        var step = 0
        while let bx = try next() {
            try each(callbacks) { try $0.onPredictBatchBegin(step, logs: [:]) }
            let outs = try predictBatch(bx)
            if let first = parts.first, first.count != outs.count {
                throw SwiftKerasError.invalid("predict: batch \(step) gave \(outs.count) outputs, the first gave \(first.count)")
            }
            parts.append(outs)
            try each(callbacks) { try $0.onPredictBatchEnd(step, logs: [:]) }
            step += 1
        }
        guard let first = parts.first else { throw SwiftKerasError.invalid("predict: the input gave no batches") }
        let out = parts.count == 1 ? first : try withoutRecording {
            try first.indices.map { i in try concatenate(parts.map { $0[i] }, axis: 0) }
        }
        try each(callbacks) { try $0.onPredictEnd(logs: [:]) }
        return out
    }

    /// `predict` for a model with one input.
    public func predict(_ x: Tensor, batchSize: Int = 32, callbacks: [Callback] = []) throws -> Tensor {
        try predict([x], batchSize: batchSize, callbacks: callbacks)
    }
}

// MARK: Data helpers

/// One training batch: inputs, targets, per-sample weights (one entry for every output, or one per output).
typealias FitBatch = (x: [Tensor], y: [Tensor], w: [Tensor?])

/// Rows `lo..<hi` of `t` along axis 0.
private func rows(_ t: Tensor, _ lo: Int, _ hi: Int) throws -> Tensor {
    if lo == 0 && hi == t.shape[0] { return t }
    return try t.slice(begin: [lo] + Array(repeating: 0, count: t.rank - 1),
                       size: [hi - lo] + Array(repeating: -1, count: t.rank - 1))
}

/// The common number of samples (axis 0) of every tensor in `groups` (x, y, sample weights),
/// or an error naming every size, as Keras' "Data cardinality is ambiguous".
private func cardinality(_ groups: [[Tensor]], op: String) throws -> Int {
    let names = ["x", "y", "sample_weight"]
    var sizes: [[Int]] = []
    for (gi, g) in groups.enumerated() {
        if g.isEmpty { throw SwiftKerasError.invalid("\(op): \(names[Swift.min(gi, 2)]) is empty (no input tensors)") }
        for t in g where t.rank == 0 {
            throw SwiftKerasError.invalid("\(op): \(names[Swift.min(gi, 2)]) must have a batch dimension, got a scalar")
        }
        sizes.append(g.map { $0.shape[0] })
    }
    let all = sizes.flatMap { $0 }
    guard let n = all.first else { return 0 }
    if all.contains(where: { $0 != n }) {
        let detail = zip(names, sizes).map { "'\($0)' sizes: \($1.map(String.init).joined(separator: ", "))" }.joined(separator: "; ")
        throw SwiftKerasError.invalid("\(op): data cardinality is ambiguous; make sure all arrays contain the same number of samples. \(detail)")
    }
    return n
}

/// Per-sample weights (float32, shape [n]) from `classWeight` (tf.keras `class_weight`): the
/// class of a sample is its rounded integer target (targets of shape [n] or [n, 1]) or the argmax
/// of a one-hot row (shape [n, K>1]). The keys must be exactly 0..<K, and every label must be
/// one of them.
func classSampleWeights(_ y: Tensor, _ classWeight: [Int: Double]) throws -> Tensor {
    let keys = classWeight.keys.sorted()
    if keys.isEmpty || keys.first != 0 || keys.last != keys.count - 1 {
        throw SwiftKerasError.invalid("fit: expected `class_weight` to be a dict with keys from 0 to one less than the number of classes, found \(keys.map { "\($0): \(classWeight[$0] ?? 0)" }.joined(separator: ", "))")
    }
    if y.rank == 0 || y.rank > 2 {
        throw SwiftKerasError.invalid("fit: `class_weight` is not supported for targets of rank \(y.rank) (shape \(y.shape)); use 1-D class ids or 2-D one-hot targets")
    }
    let n = y.shape[0]
    let vals = try y.cast(to: .float64).doubles
    let width = y.rank == 2 ? y.shape[1] : 1
    var weights = [Float](repeating: 1, count: n)
    for i in 0..<n {
        var label: Double
        if width > 1 {
            var best = 0
            for j in 1..<width where vals[i * width + j] > vals[i * width + best] { best = j }
            label = Double(best)
        } else if width == 1 {
            label = vals[i].rounded()
        } else {
            throw SwiftKerasError.invalid("fit: `class_weight` needs targets with at least one column, got shape \(y.shape)")
        }
        guard label.isFinite, label >= 0, label < Double(keys.count), let w = classWeight[Int(label)] else {
            throw SwiftKerasError.invalid("fit: target \(vals[i * Swift.max(width, 1)]) of sample \(i) is not a class of `class_weight` (classes 0..\(keys.count - 1))")
        }
        weights[i] = Float(w)
    }
    return try Tensor(weights, shape: [n])
}

/// A seeded random permutation of `0..<n` (Fisher–Yates over Philox uniforms) as int64 indices.
func permutation(_ n: Int, seed: UInt64) throws -> Tensor {
    let u = try Random.uniform([n], dtype: .float64, seed: seed).doubles
    var idx = Array(0..<Int64(n))
    var i = n - 1
    while i > 0 {
        let j = Swift.min(i, Int(u[i] * Double(i + 1)))
        idx.swapAt(i, j)
        i -= 1
    }
    return try Tensor(idx, shape: [n])
}

/// Calls `body` on each callback in order.
func each(_ cbs: [Callback], _ body: (Callback) throws -> Void) throws {
    for cb in cbs { try body(cb) }
}
