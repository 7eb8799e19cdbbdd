// Built-in callbacks with Keras 3 semantics (keras/src/callbacks/early_stopping.py,
// reduce_lr_on_plateau.py, model_checkpoint.py).

/// Whether a monitored quantity should go down or up.
public enum MonitorMode: Sendable, Equatable {
    /// `max` for names containing "acc" or ending in "auc", else `min` (Keras "auto").
    case auto
    /// Lower is better.
    case min
    /// Higher is better.
    case max

    /// `auto` resolved for `monitor`.
    func resolved(for monitor: String) -> MonitorMode {
        guard self == .auto else { return self }
        return monitor.contains("acc") || monitor.hasSuffix("auc") ? .max : .min
    }
}

/// Stops training when a monitored metric has stopped improving (Keras `EarlyStopping`).
///
/// After each epoch from `startFromEpoch` on, the value of `monitor` counts as an improvement
/// when it beats the best so far by more than `minDelta`. After `patience` epochs without one
/// (and not on the first epoch), `model.stopTraining` is set. With `restoreBestWeights`, the
/// weights of the best epoch are restored when training ends (as Keras 3, even if training
/// was not stopped early).
public final class EarlyStopping: Callback {
    public let monitor: String
    public let minDelta: Double
    public let patience: Int
    public let mode: MonitorMode
    public let baseline: Double?
    public let restoreBestWeights: Bool
    public let startFromEpoch: Int
    /// Epochs without improvement so far.
    public private(set) var wait = 0
    /// The epoch training was stopped at (0 when it was not stopped).
    public private(set) var stoppedEpoch = 0
    /// The best value seen.
    public private(set) var best: Double?
    /// The epoch of the best value.
    public private(set) var bestEpoch = 0
    private var bestWeights: [Tensor]?

    /// Creates the callback (Keras defaults: monitor "val_loss", minDelta 0, patience 0).
    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: MonitorMode = .auto,
                baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0) throws {
        if patience < 0 { throw SwiftKerasError.invalid("EarlyStopping: patience must be >= 0, got \(patience)") }
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        self.minDelta = Swift.abs(minDelta)
        self.patience = patience
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    private func isImprovement(_ value: Double, _ reference: Double?) -> Bool {
        guard let reference else { return true }
        return mode == .max ? value - minDelta > reference : value + minDelta < reference
    }

    public override func onTrainBegin(logs: Logs) throws {
        wait = 0
        stoppedEpoch = 0
        best = nil
        bestWeights = nil
        bestEpoch = 0
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        guard let current = logs[monitor], epoch >= startFromEpoch, let model else { return }
        if restoreBestWeights && bestWeights == nil { bestWeights = model.getWeights() }
        wait += 1
        if isImprovement(current, best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = model.getWeights() }
            if baseline == nil || isImprovement(current, baseline) {
                wait = 0
                return
            }
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            model.stopTraining = true
        }
    }

    public override func onTrainEnd(logs: Logs) throws {
        if stoppedEpoch > 0 && (params["verbose"] ?? 0) > 0 {
            Model.output("Epoch \(stoppedEpoch + 1): early stopping")
        }
        if restoreBestWeights, let w = bestWeights, let model {
            try model.setWeights(w)
        }
    }
}

/// Multiplies the learning rate by `factor` when a metric has stopped improving (Keras
/// `ReduceLROnPlateau`): after `patience` epochs without an improvement larger than `minDelta`,
/// the rate becomes `max(lr * factor, minLR)`, then `cooldown` epochs pass before counting
/// again. Uses the optimizer's `setLearningRate` (so it fails for schedule-driven optimizers).
public final class ReduceLROnPlateau: Callback {
    public let monitor: String
    public let factor: Double
    public let patience: Int
    public let mode: MonitorMode
    public let minDelta: Double
    public let cooldown: Int
    public let minLR: Double
    /// Epochs without improvement so far.
    public private(set) var wait = 0
    /// The best value seen.
    public private(set) var best: Double?
    private var cooldownCounter = 0
    /// The epochs (0-based) after which the rate was reduced, with the new rate.
    public private(set) var reductions: [(epoch: Int, learningRate: Double)] = []

    /// Creates the callback (Keras defaults: "val_loss", factor 0.1, patience 10, minDelta 1e-4).
    /// `factor` must be below 1.
    public init(monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, mode: MonitorMode = .auto,
                minDelta: Double = 1e-4, cooldown: Int = 0, minLR: Double = 0) throws {
        if !(factor < 1) {
            throw SwiftKerasError.invalid("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=\(factor)")
        }
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.mode = mode.resolved(for: monitor)
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLR = minLR
    }

    public override func onTrainBegin(logs: Logs) throws {
        wait = 0
        cooldownCounter = 0
        best = nil
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        guard let current = logs[monitor], let optimizer = model?.optimizer else { return }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        let better: Bool
        if let b = best {
            better = mode == .max ? current > b + minDelta : current < b - minDelta
        } else {
            better = true
        }
        if better {
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
                    if (params["verbose"] ?? 0) > 0 {
                        Model.output("Epoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(new).")
                    }
                    cooldownCounter = cooldown
                    wait = 0
                }
            }
        }
    }
}

/// Saves the model after epochs (Keras `ModelCheckpoint`) through a saver closure: the weights
/// file writer is separate, so the caller passes `save(model, path)` (for example one writing
/// safetensors). `filepath` may contain "{epoch}" or "{epoch:02d}" (1-based epoch) and
/// "{<metric>}" / "{<metric>:.4f}" placeholders filled from the logs. With `saveBestOnly`, only
/// epochs that improve `monitor` are saved. `savedEpochs` and `savedPaths` record what was saved.
public final class ModelCheckpoint: Callback {
    public let filepath: String
    public let monitor: String
    public let saveBestOnly: Bool
    public let mode: MonitorMode
    /// The best monitored value seen (with `saveBestOnly`).
    public private(set) var best: Double?
    /// The 0-based epochs after which the model was saved.
    public private(set) var savedEpochs: [Int] = []
    /// The paths written, in order.
    public private(set) var savedPaths: [String] = []
    private let save: (Model, String) throws -> Void

    /// Creates the callback; `save` is called with the model and the formatted path.
    public init(filepath: String, monitor: String = "val_loss", saveBestOnly: Bool = false, mode: MonitorMode = .auto,
                save: @escaping (Model, String) throws -> Void) {
        self.filepath = filepath
        self.monitor = monitor
        self.saveBestOnly = saveBestOnly
        self.mode = mode.resolved(for: monitor)
        self.save = save
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        guard let model else { return }
        if saveBestOnly {
            guard let current = logs[monitor] else { return }
            if let b = best, !(mode == .max ? current > b : current < b) { return }
            best = current
        }
        let path = try formattedPath(epoch: epoch, logs: logs)
        try save(model, path)
        savedEpochs.append(epoch)
        savedPaths.append(path)
    }

    /// `filepath` with its placeholders filled.
    func formattedPath(epoch: Int, logs: Logs) throws -> String {
        var out = ""
        var rest = Substring(filepath)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw SwiftKerasError.invalid("ModelCheckpoint: unbalanced '{' in filepath '\(filepath)'")
            }
            let field = rest[rest.index(after: open)..<close]
            let parts = field.split(separator: ":", maxSplits: 1).map(String.init)
            let key = parts.first ?? ""
            let spec = parts.count > 1 ? parts[1] : ""
            if key == "epoch" {
                var s = String(epoch + 1)
                if spec.hasSuffix("d"), let width = Int(spec.dropLast().drop(while: { $0 == "0" })) ?? (spec == "d" ? 0 : nil) {
                    while s.count < Swift.min(width, 32) { s = "0" + s }
                }
                out += s
            } else if let v = logs[key] {
                if spec.hasPrefix("."), spec.hasSuffix("f"), let d = Int(spec.dropFirst().dropLast()), d >= 0, d <= 12 {
                    out += formatFixed(v, digits: d)
                } else {
                    out += String(v)
                }
            } else {
                throw SwiftKerasError.invalid("ModelCheckpoint: failed to format filepath '\(filepath)': no value for '\(key)' in the logs (keys: \(logs.keys.sorted().joined(separator: ", ")))")
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
