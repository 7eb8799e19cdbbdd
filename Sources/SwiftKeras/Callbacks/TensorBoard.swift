// The TensorBoard callback of tf.keras 2 (tf_keras/src/callbacks.py `TensorBoard`): scalar
// summaries in TensorFlow event files under `<log_dir>/train` and `<log_dir>/validation`.

/// Writes the logs of `fit` as TensorBoard scalars (tf.keras 2 `TensorBoard`):
/// - at each epoch's end, "epoch_<name>" at step `epoch` — training logs (and "learning_rate"
///   when the optimizer's rate is a schedule, "steps_per_second" with `writeStepsPerSecond`)
///   in `<logDir>/train`, the "val_" logs without their prefix in `<logDir>/validation`;
/// - with `updateFreq` > 0 batches, "batch_<name>" every `updateFreq` training steps at the
///   optimizer's step count (with `writeStepsPerSecond` also "batch_steps_per_second");
/// - after each evaluation (validation in fit included), "evaluation_<name>_vs_iterations" at
///   the optimizer's step count in `<logDir>/validation`.
/// The event files are opened when first written and closed at the end of training.
/// No graph, histogram, image, profile or embedding is written: the arguments asking for them
/// are refused, except `write_graph` (tf.keras' default true), which writes nothing here.
public final class TensorBoard: Callback {
    /// The root directory of the run.
    public let logDir: String
    /// Write batch scalars every this many training steps; 0 means at the end of epochs only
    /// (Keras "epoch"; "batch" is 1).
    public let updateFreq: Int
    /// Whether "steps_per_second" is logged.
    public let writeStepsPerSecond: Bool
    /// tf.keras' `write_graph`, kept for the config (nothing is written for it).
    public let writeGraph: Bool
    private var trainWriter: EventFileWriter?
    private var validationWriter: EventFileWriter?
    private var epochStart = 0.0, epochStartIterations = 0, batchStart = 0.0

    /// Creates the callback (tf.keras 2 defaults: "logs", update per epoch).
    public init(logDir: String = "logs", updateFreq: Int = 0, writeStepsPerSecond: Bool = false, writeGraph: Bool = true) throws {
        if logDir.isEmpty { throw SwiftKerasError.invalid("TensorBoard: log_dir is empty") }
        if updateFreq < 0 { throw SwiftKerasError.invalid("TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer, got \(updateFreq)") }
        self.logDir = logDir
        self.updateFreq = updateFreq
        self.writeStepsPerSecond = writeStepsPerSecond
        self.writeGraph = writeGraph
    }

    private func train() throws -> EventFileWriter {
        if let trainWriter { return trainWriter }
        let w = try EventFileWriter(directory: logDir + "/train")
        trainWriter = w
        return w
    }

    private func validation() throws -> EventFileWriter {
        if let validationWriter { return validationWriter }
        let w = try EventFileWriter(directory: logDir + "/validation")
        validationWriter = w
        return w
    }

    private var iterations: Int { model?.optimizer?.iterations ?? 0 }

    public override func onTrainBegin(logs: Logs) throws {
        epochStartIterations = iterations
    }

    public override func onEpochBegin(_ epoch: Int, logs: Logs) throws {
        epochStart = monotonicSeconds()
        epochStartIterations = iterations
    }

    public override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws {
        batchStart = monotonicSeconds()
    }

    public override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        let step = iterations
        guard updateFreq > 0, step % updateFreq == 0 else { return }
        var values = logs.sorted { $0.key < $1.key }.map { (tag: "batch_" + $0.key, value: $0.value) }
        if writeStepsPerSecond {
            let elapsed = monotonicSeconds() - batchStart
            values.insert((tag: "batch_steps_per_second", value: elapsed > 0 ? 1 / elapsed : 0), at: 0)
        }
        try train().writeScalars(values, step: step)
    }

    public override func onTestEnd(logs: Logs) throws {
        guard model?.optimizer != nil else { return }
        try validation().writeScalars(logs.sorted { $0.key < $1.key }.map { (tag: "evaluation_\($0.key)_vs_iterations", value: $0.value) },
                                      step: iterations)
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        var trainLogs: [(tag: String, value: Double)] = [], valLogs: [(tag: String, value: Double)] = []
        for (k, v) in logs.sorted(by: { $0.key < $1.key }) {
            if k.hasPrefix("val_") { valLogs.append((tag: "epoch_" + k.dropFirst(4), value: v)) }
            else { trainLogs.append((tag: "epoch_" + k, value: v)) }
        }
        if let opt = model?.optimizer, case .schedule = opt.learningRate {
            trainLogs.append((tag: "epoch_learning_rate", value: try opt.currentLearningRate()))
        }
        if writeStepsPerSecond {
            let elapsed = monotonicSeconds() - epochStart
            trainLogs.append((tag: "epoch_steps_per_second", value: elapsed > 0 ? Double(iterations - epochStartIterations) / elapsed : 0))
        }
        if !trainLogs.isEmpty { try train().writeScalars(trainLogs, step: epoch) }
        if !valLogs.isEmpty { try validation().writeScalars(valLogs, step: epoch) }
    }

    public override func onTrainEnd(logs: Logs) throws {
        let writers = [trainWriter, validationWriter]
        trainWriter = nil
        validationWriter = nil
        for w in writers { try w?.close() }
    }
}

extension TensorBoard: ConfigurableCallback {
    /// "TensorBoard".
    public static var className: String { "TensorBoard" }

    /// Keys: log_dir ("logs"), update_freq ("epoch", "batch" or a positive integer),
    /// write_steps_per_second (false), write_graph (true; nothing is written for it);
    /// histogram_freq, profile_batch, embeddings_freq (only 0), write_images (only false),
    /// embeddings_metadata (only null) — other values are not implemented.
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "TensorBoard")
        let logDir = try r.string("log_dir") ?? "logs"
        var freq = 0
        switch r.raw("update_freq") {
        case nil, .string("epoch")?: freq = 0
        case .string("batch")?: freq = 1
        case .int(let n)? where n > 0: freq = n
        case let v?: throw r.fail("update_freq", "\"epoch\", \"batch\" or a positive integer", v)
        }
        for key in ["histogram_freq", "embeddings_freq", "profile_batch"] where try r.int(key, 0) != 0 {
            throw SwiftKerasError(.unimplemented, "TensorBoard: '\(key)' other than 0 is not implemented (only scalar summaries are written)")
        }
        if try r.bool("write_images", false) {
            throw SwiftKerasError(.unimplemented, "TensorBoard: 'write_images' = true is not implemented (only scalar summaries are written)")
        }
        if r.raw("embeddings_metadata") != nil {
            throw SwiftKerasError(.unimplemented, "TensorBoard: 'embeddings_metadata' is not implemented (only scalar summaries are written)")
        }
        try self.init(logDir: logDir, updateFreq: freq, writeStepsPerSecond: try r.bool("write_steps_per_second", false),
                      writeGraph: try r.bool("write_graph", true))
        try r.finish()
    }

    /// The config (update_freq "epoch", "batch" or the integer).
    public func getConfig() throws -> ConfigValue {
        .object(["log_dir": .string(logDir),
                 "update_freq": updateFreq == 0 ? .string("epoch") : updateFreq == 1 ? .string("batch") : .int(updateFreq),
                 "write_steps_per_second": .bool(writeStepsPerSecond), "write_graph": .bool(writeGraph),
                 "histogram_freq": .int(0), "write_images": .bool(false), "profile_batch": .int(0),
                 "embeddings_freq": .int(0), "embeddings_metadata": .null])
    }
}
