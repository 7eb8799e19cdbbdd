import Glibc

// Built-in callbacks with tf-keras 2 semantics (tf_keras/callbacks.py: EarlyStopping,
// ReduceLROnPlateau, ModelCheckpoint, TerminateOnNaN, LearningRateScheduler); the monitored
// quantity follows the one rule of `MonitorCallback`. The learning rate is logged as
// "learning_rate" (Keras 3's name; tf-keras 2 wrote "lr").

/// Stops training when a monitored metric has stopped improving (Keras `EarlyStopping`).
///
/// After each epoch from `startFromEpoch` on (epochs before it and epochs without the monitored
/// value are ignored), `wait` grows by one; a value that improves on `best` (see
/// `MonitorCallback`) becomes the best and the epoch ends there, with `wait` reset to 0 only
/// when the value also improves on `baseline` (when there is one). Otherwise, once `wait >=
/// patience` (and not on epoch 0) training stops. With `restoreBestWeights` the weights of the
/// best epoch (or of the first monitored epoch when nothing ever improved) are restored when
/// training ends, whether or not it was stopped early — as tf-keras 2.
public final class EarlyStopping: MonitorCallback {
    /// Epochs without improvement allowed before stopping.
    public let patience: Int
    /// The value to beat for `wait` to reset (nil: any improvement does).
    public let baseline: Double?
    /// Whether the best epoch's weights are restored at the end of training.
    public let restoreBestWeights: Bool
    /// The first epoch that is monitored.
    public let startFromEpoch: Int
    /// Epochs without improvement so far.
    public private(set) var wait = 0
    /// The epoch training was stopped at (0 when it was not stopped).
    public private(set) var stoppedEpoch = 0
    /// The epoch of the best value.
    public private(set) var bestEpoch = 0
    private var bestWeights: [Tensor]?

    /// Creates the callback (Keras defaults: monitor "val_loss", minDelta 0, patience 0).
    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: MonitorMode = .auto,
                baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0,
                verbose: Int? = nil) throws {
        if patience < 0 { throw SwiftKerasError.invalid("EarlyStopping: patience must be >= 0, got \(patience)") }
        self.patience = patience
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
        super.init(monitor: monitor, mode: mode, minDelta: minDelta, verbose: verbose)
    }

    public override func onTrainBegin(logs: Logs) throws {
        wait = 0
        stoppedEpoch = 0
        best = initialBest
        bestWeights = nil
        bestEpoch = 0
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        guard let current = monitorValue(logs), epoch >= startFromEpoch else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = model?.getWeights()
            bestEpoch = epoch
        }
        wait += 1
        if isImprovement(current, over: best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = model?.getWeights() }
            if baseline.map({ isImprovement(current, over: $0) }) ?? true { wait = 0 }
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            model?.stopTraining = true
        }
    }

    public override func onTrainEnd(logs: Logs) throws {
        if stoppedEpoch > 0 && announces { Model.output("Epoch \(stoppedEpoch + 1): early stopping") }
        if restoreBestWeights, let w = bestWeights, let model {
            if announces { Model.output("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).") }
            try model.setWeights(w)
        }
    }

    /// "best", "wait", "stopped_epoch", "best_epoch".
    public override func state(_ name: String) -> Double? {
        switch name {
        case "wait": return Double(wait)
        case "stopped_epoch": return Double(stoppedEpoch)
        case "best_epoch": return Double(bestEpoch)
        default: return super.state(name)
        }
    }
}

/// Multiplies the learning rate by `factor` when a metric has stopped improving (Keras
/// `ReduceLROnPlateau`). At each epoch end the current rate is logged as "learning_rate"; then,
/// if the monitored value improves on `best` (by more than `minDelta`) it becomes the best;
/// otherwise, outside cooldown, after `patience` such epochs the rate becomes
/// `max(lr * factor, minLR)` (only while lr > minLR) and `cooldown` epochs pass before counting
/// again. Uses the optimizer's `setLearningRate` (so it fails for schedule-driven optimizers).
public final class ReduceLROnPlateau: MonitorCallback {
    public let factor: Double
    public let patience: Int
    public let cooldown: Int
    public let minLR: Double
    /// Epochs without improvement so far.
    public private(set) var wait = 0
    /// Epochs of cooldown left.
    public private(set) var cooldownCounter = 0
    /// The epochs (0-based) after which the rate was reduced, with the new rate.
    public private(set) var reductions: [(epoch: Int, learningRate: Double)] = []

    /// Creates the callback (Keras defaults: "val_loss", factor 0.1, patience 10, minDelta 1e-4).
    /// `factor` must be below 1.
    public init(monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, mode: MonitorMode = .auto,
                minDelta: Double = 1e-4, cooldown: Int = 0, minLR: Double = 0, verbose: Int? = nil) throws {
        if !(factor < 1) {
            throw SwiftKerasError.invalid("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=\(factor)")
        }
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.minLR = minLR
        super.init(monitor: monitor, mode: mode, minDelta: minDelta, verbose: verbose)
    }

    public override func onTrainBegin(logs: Logs) throws {
        wait = 0
        cooldownCounter = 0
        best = initialBest
    }

    public override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws {
        guard let optimizer = model?.optimizer else { return }
        logs["learning_rate"] = try optimizer.currentLearningRate()
        guard let current = monitorValue(logs) else { return }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        if isImprovement(current, over: best) {
            best = current
            wait = 0
        } else if cooldownCounter <= 0 {
            wait += 1
            if wait >= patience {
                let old = try optimizer.currentLearningRate()
                if old > minLR {
                    let new = Swift.max(old * factor, minLR)
                    try optimizer.setLearningRate(.constant(new))
                    reductions.append((epoch, new))
                    if announces {
                        Model.output("Epoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(PythonFormat.repr(new)).")
                    }
                    cooldownCounter = cooldown
                    wait = 0
                }
            }
        }
    }

    /// "best", "wait", "cooldown_counter".
    public override func state(_ name: String) -> Double? {
        switch name {
        case "wait": return Double(wait)
        case "cooldown_counter": return Double(cooldownCounter)
        default: return super.state(name)
        }
    }
}

/// Saves the model or its weights after epochs or every few batches (Keras `ModelCheckpoint`).
///
/// `filepath` is formatted as Python's `str.format` with `epoch` (1-based), `batch` (1-based,
/// when saving every `n` batches) and the logs: "w.{epoch:02d}-{val_loss:.2f}.h5". With
/// `saveBestOnly` only values of `monitor` that improve on `best` are saved (`best` starts at
/// `initialValueThreshold` when given; it is kept across fits, as Keras). `savedEpochs` and
/// `savedPaths` record what was saved.
public final class ModelCheckpoint: MonitorCallback {
    /// When to save.
    public enum SaveFrequency: Equatable, Sendable {
        /// After every epoch.
        case epoch
        /// Every `n` training batches (counted across epochs).
        case batches(Int)
    }

    public let filepath: String
    public let saveBestOnly: Bool
    public let saveWeightsOnly: Bool
    public let saveFrequency: SaveFrequency
    /// The 0-based epochs after which the model was saved.
    public private(set) var savedEpochs: [Int] = []
    /// The paths written, in order.
    public private(set) var savedPaths: [String] = []
    /// The `best` a fit starts from when nothing was saved yet (nil: +-inf).
    public let initialValueThreshold: Double?
    private let save: ((Model, String) throws -> Void)?
    private var currentEpoch = 0
    private var batchesSinceSave = 0
    private var lastBatchSeen = -1

    /// Creates the callback that writes the files itself: the weights (`Model.saveWeights`)
    /// with `saveWeightsOnly`, else the whole model (`Model.save`), creating missing
    /// directories. As tf.keras 2, any path is accepted and chooses the format as `save` /
    /// `saveWeights` do (an ".h5" path: tf.keras 2's HDF5 format, ".keras" its zip, ".weights.h5"
    /// its weights file; weights only to a ".keras" path is refused here rather than after the
    /// first epoch).
    public init(filepath: String, monitor: String = "val_loss", verbose: Int? = 0, saveBestOnly: Bool = false,
                saveWeightsOnly: Bool = false, mode: MonitorMode = .auto, saveFrequency: SaveFrequency = .epoch,
                initialValueThreshold: Double? = nil) throws {
        try KerasHDF5.refuseUnwrittenFormats(filepath, op: "ModelCheckpoint", weightsOnly: saveWeightsOnly)
        if case .batches(let n) = saveFrequency, n <= 0 {
            throw SwiftKerasError.invalid("ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, got \(n)")
        }
        self.filepath = filepath
        self.saveBestOnly = saveBestOnly
        self.saveWeightsOnly = saveWeightsOnly
        self.saveFrequency = saveFrequency
        self.initialValueThreshold = initialValueThreshold
        save = nil
        super.init(monitor: monitor, mode: mode, minDelta: 0, verbose: verbose)
        if let t = initialValueThreshold { best = t }
    }

    /// Creates the callback with a saver: `save(model, path)` is called with the formatted path
    /// after each epoch (for example writing safetensors under any file name).
    public init(filepath: String, monitor: String = "val_loss", saveBestOnly: Bool = false, mode: MonitorMode = .auto,
                save: @escaping (Model, String) throws -> Void) {
        self.filepath = filepath
        self.saveBestOnly = saveBestOnly
        saveWeightsOnly = false
        saveFrequency = .epoch
        initialValueThreshold = nil
        self.save = save
        super.init(monitor: monitor, mode: mode, minDelta: 0, verbose: 0)
    }

    /// Whether the checkpoint writes the files itself (not through a saver closure).
    var writesFiles: Bool { save == nil }

    public override func onEpochBegin(_ epoch: Int, logs: Logs) throws { currentEpoch = epoch }

    public override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        guard case .batches(let n) = saveFrequency else { return }
        batchesSinceSave += batch <= lastBatchSeen ? batch + 1 : batch - lastBatchSeen
        lastBatchSeen = batch
        if batchesSinceSave >= n {
            batchesSinceSave = 0
            try saveModel(epoch: currentEpoch, batch: batch, logs: logs)
        }
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        if saveFrequency == .epoch { try saveModel(epoch: epoch, batch: nil, logs: logs) }
    }

    private func saveModel(epoch: Int, batch: Int?, logs: Logs) throws {
        guard let model else { return }
        let path = try formattedPath(epoch: epoch, batch: batch, logs: logs)
        if saveBestOnly {
            guard let current = monitorValue(logs) else { return }
            guard isImprovement(current, over: best) else {
                if announces {
                    Model.output("Epoch \(epoch + 1): \(monitor) did not improve from \(PythonFormat.fixed(best, 5))")
                }
                return
            }
            if announces {
                Model.output("Epoch \(epoch + 1): \(monitor) improved from \(PythonFormat.fixed(best, 5)) to \(PythonFormat.fixed(current, 5)), saving model to \(path)")
            }
            best = current
        } else if announces {
            Model.output("Epoch \(epoch + 1): saving model to \(path)")
        }
        if let save {
            try save(model, path)
        } else {
            try makeDirectories(FileIOPath.directory(of: path), op: "ModelCheckpoint")
            if saveWeightsOnly { try model.saveWeights(to: path) } else { try model.save(to: path) }
        }
        savedEpochs.append(epoch)
        savedPaths.append(path)
    }

    /// `filepath` with its fields filled: `epoch + 1`, `batch + 1` (unless the logs hold a
    /// "batch") and the logs.
    func formattedPath(epoch: Int, batch: Int?, logs: Logs) throws -> String {
        var args: [String: PythonFormat.Argument] = [:]
        for (k, v) in logs { args[k] = .double(v) }
        args["epoch"] = .int(epoch + 1)
        if let batch, logs["batch"] == nil { args["batch"] = .int(batch + 1) }
        return try PythonFormat.format(filepath, args) { key in
            "ModelCheckpoint: failed to format filepath '\(self.filepath)': no value for '\(key)' in the logs (keys: \(logs.keys.sorted().joined(separator: ", ")))"
        }
    }
}

/// The directory part of a path (as `os.path.dirname`, "" for a bare name).
enum FileIOPath {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }
}

/// `mkdir -p dir` ("" does nothing); an `.io` error names the directory.
func makeDirectories(_ dir: String, op: String) throws {
    if dir.isEmpty || dir == "/" { return }
    var st = stat()
    if stat(dir, &st) == 0 { return }
    try makeDirectories(FileIOPath.directory(of: dir), op: op)
    if mkdir(dir, 0o777) != 0 && errno != EEXIST {
        throw SwiftKerasError(.io, "\(op): cannot create the directory '\(dir)': \(String(cString: strerror(errno)))")
    }
}

/// Stops training at the first batch whose loss is NaN or infinite (Keras `TerminateOnNaN`),
/// printing "Batch <b>: Invalid loss, terminating training" through `Model.output`.
public final class TerminateOnNaN: Callback {
    /// Creates the callback.
    public override init() {}

    public override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        guard let loss = logs["loss"], !loss.isFinite else { return }
        Model.output("Batch \(batch): Invalid loss, terminating training")
        model?.stopTraining = true
    }
}

/// Sets the learning rate at the start of each epoch to `schedule(epoch, currentRate)` (Keras
/// `LearningRateScheduler`) and logs the rate as "learning_rate" at the epoch's end.
public final class LearningRateScheduler: Callback {
    /// The schedule: (0-based epoch, current rate) -> new rate.
    public let schedule: (Int, Double) throws -> Double
    /// 1 prints each new rate.
    public let verbose: Int

    /// Creates the callback.
    public init(verbose: Int = 0, schedule: @escaping (Int, Double) throws -> Double) {
        self.schedule = schedule
        self.verbose = verbose
    }

    private func optimizer() throws -> Optimizer {
        guard let o = model?.optimizer else {
            throw SwiftKerasError(.runtime, "LearningRateScheduler: the model has no optimizer (compile it before fit)")
        }
        return o
    }

    public override func onEpochBegin(_ epoch: Int, logs: Logs) throws {
        let opt = try optimizer()
        let lr = try schedule(epoch, try opt.currentLearningRate())
        if !lr.isFinite {
            throw SwiftKerasError.invalid("LearningRateScheduler: the schedule returned \(lr) for epoch \(epoch); the learning rate must be a finite float")
        }
        try opt.setLearningRate(.constant(lr))
        if verbose > 0 {
            Model.output("Epoch \(epoch + 1): LearningRateScheduler setting learning rate to \(PythonFormat.repr(lr)).")
        }
    }

    public override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws {
        logs["learning_rate"] = try optimizer().currentLearningRate()
    }
}
