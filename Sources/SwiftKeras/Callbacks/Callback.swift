// Training callbacks (Keras 3 keras/src/callbacks/callback.py, history.py, lambda_callback.py,
// progbar_logger.py). Hooks throw: a failing hook (for example a C or Python callback reporting
// an error) stops fit/evaluate/predict and the error reaches the caller unchanged.

import Glibc

/// Logs passed to callbacks: metric name → value ("loss", "accuracy", "val_loss", ...).
public typealias Logs = [String: Double]

/// The base class of callbacks (Keras `keras.callbacks.Callback`): override the hooks you need.
/// `fit` calls onTrainBegin, then per epoch onEpochBegin, per batch onTrainBatchBegin/End,
/// the test hooks while validating, onEpochEnd, and finally onTrainEnd. Set
/// `model.stopTraining = true` to stop after the current batch.
open class Callback {
    /// The model being trained (set by fit/evaluate/predict).
    public internal(set) weak var model: Model?
    /// Run parameters: "epochs", "steps" (batches per epoch), "verbose".
    public internal(set) var params: [String: Int] = [:]

    /// Creates a callback.
    public init() {}

    /// Called at the start of `fit`.
    open func onTrainBegin(logs: Logs) throws {}
    /// Called at the end of `fit` with the last epoch's logs.
    open func onTrainEnd(logs: Logs) throws {}
    /// Called at the start of each epoch (0-based `epoch`).
    open func onEpochBegin(_ epoch: Int, logs: Logs) throws {}
    /// Called at the end of each epoch with its training and validation ("val_*") results.
    open func onEpochEnd(_ epoch: Int, logs: Logs) throws {}
    /// The end of an epoch as `fit` calls it: the logs are shared by the callbacks in order, so
    /// entries added or changed here (Keras callbacks writing `logs["learning_rate"]`) reach the
    /// later callbacks and the `History`. By default calls `onEpochEnd(_:logs:)`.
    open func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws { try onEpochEnd(epoch, logs: logs) }
    /// Called before each training batch (0-based within the epoch).
    open func onTrainBatchBegin(_ batch: Int, logs: Logs) throws {}
    /// Called after each training batch with the running averages of the epoch so far.
    open func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {}
    /// Called at the start of `evaluate` and of validation inside `fit`.
    open func onTestBegin(logs: Logs) throws {}
    /// Called at the end of `evaluate` and of validation with the results.
    open func onTestEnd(logs: Logs) throws {}
    /// Called before each evaluation batch.
    open func onTestBatchBegin(_ batch: Int, logs: Logs) throws {}
    /// Called after each evaluation batch with running averages.
    open func onTestBatchEnd(_ batch: Int, logs: Logs) throws {}
    /// Called at the start of `predict`.
    open func onPredictBegin(logs: Logs) throws {}
    /// Called at the end of `predict`.
    open func onPredictEnd(logs: Logs) throws {}
    /// Called before each prediction batch.
    open func onPredictBatchBegin(_ batch: Int, logs: Logs) throws {}
    /// Called after each prediction batch.
    open func onPredictBatchEnd(_ batch: Int, logs: Logs) throws {}

    /// Named numeric state of the callback for the C API and the bindings ("best", "wait",
    /// "stopped_epoch", ...); nil for an unknown name. The base class has none.
    open func state(_ name: String) -> Double? { nil }
}

/// Records the logs of each epoch (Keras `History`); `fit` returns one. Its `params` are the
/// run's ("epochs", "steps", "verbose").
public final class History: Callback {
    /// Metric name → one value per epoch ("loss", "accuracy", "val_loss", ...).
    public private(set) var history: [String: [Double]] = [:]
    /// The epochs recorded (0-based, so `initialEpoch` shows).
    public private(set) var epochs: [Int] = []

    /// Creates an empty history.
    public override init() {}

    /// The values of `key` per epoch, or nil if it was never logged.
    public subscript(_ key: String) -> [Double]? { history[key] }

    /// The recorded metric names, sorted.
    public var keys: [String] { history.keys.sorted() }

    public override func onTrainBegin(logs: Logs) throws { epochs = [] }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        epochs.append(epoch)
        for (k, v) in logs { history[k, default: []].append(v) }
    }
}

/// A callback made of closures (Keras `LambdaCallback`); nil hooks do nothing.
public final class LambdaCallback: Callback {
    public var onTrainBeginHook: ((Logs) throws -> Void)?
    public var onTrainEndHook: ((Logs) throws -> Void)?
    public var onEpochBeginHook: ((Int, Logs) throws -> Void)?
    public var onEpochEndHook: ((Int, Logs) throws -> Void)?
    public var onTrainBatchBeginHook: ((Int, Logs) throws -> Void)?
    public var onTrainBatchEndHook: ((Int, Logs) throws -> Void)?

    /// Creates the callback (Keras `on_train_begin`, `on_train_end`, `on_epoch_begin`,
    /// `on_epoch_end`, `on_batch_begin`, `on_batch_end`).
    public init(onTrainBegin: ((Logs) throws -> Void)? = nil, onTrainEnd: ((Logs) throws -> Void)? = nil,
                onEpochBegin: ((Int, Logs) throws -> Void)? = nil, onEpochEnd: ((Int, Logs) throws -> Void)? = nil,
                onTrainBatchBegin: ((Int, Logs) throws -> Void)? = nil,
                onTrainBatchEnd: ((Int, Logs) throws -> Void)? = nil) {
        onTrainBeginHook = onTrainBegin
        onTrainEndHook = onTrainEnd
        onEpochBeginHook = onEpochBegin
        onEpochEndHook = onEpochEnd
        onTrainBatchBeginHook = onTrainBatchBegin
        onTrainBatchEndHook = onTrainBatchEnd
    }

    public override func onTrainBegin(logs: Logs) throws { try onTrainBeginHook?(logs) }
    public override func onTrainEnd(logs: Logs) throws { try onTrainEndHook?(logs) }
    public override func onEpochBegin(_ epoch: Int, logs: Logs) throws { try onEpochBeginHook?(epoch, logs) }
    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws { try onEpochEndHook?(epoch, logs) }
    public override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws { try onTrainBatchBeginHook?(batch, logs) }
    public override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws { try onTrainBatchEndHook?(batch, logs) }
}

/// Prints tf.keras 2-style progress through `Model.output` (Keras `ProgbarLogger`): at verbose 1
/// "Epoch 1/5" (when there is more than one epoch) and, at the end of each epoch, the bar line
/// "45/45 [==============================] - 0s 2ms/step - loss: 0.3000 - accuracy: 0.9000"; at
/// verbose 2 "45/45 - 0s - loss: ... - accuracy: ... - 0s/epoch - 2ms/step". `fit` adds one when
/// verbose > 0.
public final class ProgbarLogger: Callback {
    private var epochStart = 0.0
    private var seen = 0
    private var lastDraw = -Double.infinity
    private let verboseOverride: Int?
    /// The steps of an epoch when fit does not know them (a dataset of unknown cardinality):
    /// learned at the end of the first epoch, as Keras' progress bar does.
    private var learnedSteps: Int?

    /// Creates the logger; nil `verbose` takes fit's.
    public init(verbose: Int? = nil) { verboseOverride = verbose }

    private var verbose: Int { verboseOverride ?? params["verbose"] ?? 1 }

    public override func onEpochBegin(_ epoch: Int, logs: Logs) throws {
        seen = 0
        lastDraw = -Double.infinity
        epochStart = monotonicSeconds()
        let epochs = params["epochs"] ?? 1
        if verbose > 0 && epochs > 1 { Model.output("Epoch \(epoch + 1)/\(epochs)") }
    }

    /// At verbose 1, redraws Keras' live bar through `Model.transientOutput` (when there is
    /// one) at most every 50 ms; the last batch is left to the epoch's final line.
    public override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        seen = batch + 1
        guard verbose == 1, let draw = Model.transientOutput else { return }
        let steps = params["steps"] ?? learnedSteps
        let now = monotonicSeconds()
        if seen >= (steps ?? Int.max) || now - lastDraw < 0.05 { return }
        lastDraw = now
        draw(liveProgressLine(done: seen, steps: steps, elapsed: now - epochStart, logs: logs))
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        if learnedSteps == nil { learnedSteps = seen }
        if verbose <= 0 { return }
        Model.output(progressLine(steps: params["steps"] ?? seen, elapsed: monotonicSeconds() - epochStart,
                                  logs: logs, verbose: verbose))
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The final progress line of an epoch or an evaluation, formatted as tf.keras 2's Progbar.
func progressLine(steps: Int, elapsed: Double, logs: Logs, verbose: Int) -> String {
    progressLine(steps: steps, elapsed: elapsed, values: orderedValues(logs), verbose: verbose)
}

/// The logs in the order tf.keras 2 prints them: "loss" first, the other training values, then
/// "val_loss" and the other validation values (each group by name: the order compile gave them is
/// not kept in the logs).
private func orderedValues(_ logs: Logs) -> [(String, Double)] {
    func rank(_ k: String) -> Int { k == "loss" ? 0 : k == "val_loss" ? 2 : k.hasPrefix("val_") ? 3 : 1 }
    return logs.keys.sorted { (rank($0), $0) < (rank($1), $1) }.map { ($0, logs[$0] ?? 0) }
}

/// `n/total` with the count padded to the total's digits (tf.keras 2 `"%<digits>d/%d"`).
private func stepCount(_ done: Int, _ steps: Int) -> String {
    let count = String(done)
    return String(repeating: " ", count: Swift.max(0, String(steps).count - count.count)) + count + "/\(steps)"
}

/// tf.keras 2's bar of `width` characters: "=" for the steps done, ">" at the head while not
/// finished, "." for the rest.
private func progressBar(done: Int, steps: Int, width: Int) -> String {
    let filled = steps > 0 ? Swift.max(0, Swift.min(width, Int((Double(width) * Double(done) / Double(steps)).rounded(.down)))) : 0
    var bar = "["
    if filled > 0 { bar += String(repeating: "=", count: filled - 1) + (done < steps ? ">" : "=") }
    return bar + String(repeating: ".", count: width - filled) + "]"
}

/// `progressLine` with the values in the given order, a `width`-character bar and `unit` for
/// "step" (`keras.utils.Progbar`). Verbose 1: "45/45 [====...====] - 0s 2ms/step - loss: 0.3000";
/// verbose 2: "45/45 - 0s - loss: 0.3000 - 0s/epoch - 2ms/step" (tf.keras 2).
func progressLine(steps: Int, elapsed: Double, values: [(String, Double)], verbose: Int, width: Int = 30,
                  unit: String = "step") -> String {
    let perStep = steps > 0 ? elapsed / Double(steps) : 0
    let seconds = " - \(formatFixed(elapsed, digits: 0))s"
    var line = verbose == 1
        ? stepCount(steps, steps) + " " + progressBar(done: steps, steps: steps, width: width) + seconds + " " + stepTimeText(perStep, unit: unit)
        : stepCount(steps, steps) + seconds
    for (k, v) in values { line += " - \(k): \(formatMetricValue(v))" }
    if verbose != 1 { line += " - " + stepTimeText(elapsed, unit: "epoch") + " - " + stepTimeText(perStep, unit: unit) }
    return line
}

/// tf.keras 2's live bar after `done` of `steps` batches: the count, the bar, the estimated time
/// left and the running logs. With an unknown total: "     12/Unknown", the time so far, the time
/// per step and the logs.
func liveProgressLine(done: Int, steps: Int?, elapsed: Double, logs: Logs) -> String {
    liveProgressLine(done: done, steps: steps, elapsed: elapsed, values: orderedValues(logs))
}

/// `liveProgressLine` with the values in the given order, a `width`-character bar and `unit`
/// for "step" (`keras.utils.Progbar`).
func liveProgressLine(done: Int, steps: Int?, elapsed: Double, values: [(String, Double)], width: Int = 30,
                      unit: String = "step") -> String {
    let perStep = done > 0 ? elapsed / Double(done) : 0
    var line: String
    if let steps {
        let eta = Int(perStep * Double(Swift.max(0, steps - done)))
        let etaText = eta > 3600 ? "\(eta / 3600):" + twoDigits(eta % 3600 / 60) + ":" + twoDigits(eta % 60)
            : eta > 60 ? "\(eta / 60):" + twoDigits(eta % 60) : "\(eta)s"
        line = stepCount(done, steps) + " " + progressBar(done: done, steps: steps, width: width) + " - ETA: " + etaText
    } else {
        let count = String(done)
        line = String(repeating: " ", count: Swift.max(0, 7 - count.count)) + count + "/Unknown"
        line += " - \(formatFixed(elapsed, digits: 0))s " + stepTimeText(perStep, unit: unit)
    }
    for (k, v) in values { line += " - \(k): \(formatMetricValue(v))" }
    return line
}

private func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

/// A time per step as Keras prints it: "2s/step", "15ms/step", "120us/step".
func stepTimeText(_ perStep: Double, unit: String = "step") -> String {
    if perStep >= 1 || perStep == 0 { return "\(formatFixed(perStep, digits: 0))s/\(unit)" }
    if perStep >= 1e-3 { return "\(formatFixed(perStep * 1e3, digits: 0))ms/\(unit)" }
    return "\(formatFixed(perStep * 1e6, digits: 0))us/\(unit)"
}

/// A metric value as Keras' Progbar prints it: 4 decimals, or scientific when |v| <= 1e-3.
func formatMetricValue(_ v: Double) -> String {
    if !v.isFinite || Swift.abs(v) > 1e-3 { return formatFixed(v, digits: 4) }
    if v == 0 { return "0.0000e+00" }
    var e = 0
    var m = Swift.abs(v)
    while m < 1 { m *= 10; e -= 1 }
    while m >= 10 { m /= 10; e += 1 }
    var mant = formatFixed(m, digits: 4)
    if mant.hasPrefix("10.") { mant = formatFixed(m / 10, digits: 4); e += 1 }
    let es = e < 0 ? "-" : "+"
    let ea = Swift.abs(e)
    return (v < 0 ? "-" : "") + mant + "e" + es + (ea < 10 ? "0" : "") + String(ea)
}

/// `v` with `digits` decimals, rounded half away from zero ("nan", "inf", "-inf" for the rest).
func formatFixed(_ v: Double, digits: Int) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (Swift.abs(v) * scale).rounded(.toNearestOrAwayFromZero)
    if r >= 9.0e18 { return String(v) }
    let n = UInt64(r)
    let s = UInt64(scale)
    let whole = n / s
    var out = (v < 0 && n != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        var frac = String(n % s)
        while frac.count < digits { frac = "0" + frac }
        out += "." + frac
    }
    return out
}
