// The one monitor rule of the callbacks that watch a logged quantity (EarlyStopping,
// ModelCheckpoint, ReduceLROnPlateau): which direction is better, and what counts as an
// improvement. Keras 3 keeps it in one base class (keras/src/callbacks/monitor_callback.py);
// tf-keras 2 repeats it per class with small differences, unified here.

/// Whether a monitored quantity should go down or up (Keras `mode`).
public enum MonitorMode: String, Sendable, Equatable {
    /// Inferred from the name (see `resolved(for:)`).
    case auto
    /// Lower is better.
    case min
    /// Higher is better.
    case max

    /// The mode named `name` ("auto", "min", "max"). Keras warns about any other name and falls
    /// back to "auto"; here it is an error naming the callback.
    public init(name: String, owner: String) throws {
        guard let m = MonitorMode(rawValue: name) else {
            throw SwiftKerasError.invalid("\(owner): mode must be one of 'auto', 'min', 'max', got '\(name)'")
        }
        self = m
    }

    /// `auto` resolved for `monitor`: `max` when the name contains "acc" (accuracy, val_acc,
    /// categorical_accuracy, ...) or "auc", or starts with "fmeasure"; `min` otherwise (losses,
    /// errors). This is the union of tf-keras' per-class rules (EarlyStopping: ends with
    /// "acc"/"accuracy"/"auc"; ModelCheckpoint: contains "acc" or starts with "fmeasure";
    /// ReduceLROnPlateau: contains "acc"), applied alike by every monitor callback.
    public func resolved(for monitor: String) -> MonitorMode {
        guard self == .auto else { return self }
        return monitor.containsText("acc") || monitor.containsText("auc") || monitor.hasPrefix("fmeasure") ? .max : .min
    }
}

/// The base of callbacks that watch one logged quantity (Keras `MonitorCallback`): the
/// resolved direction, the minimum change that counts, and the best value so far.
///
/// `isImprovement(value, over: reference)` is true when `value` beats `reference` by more than
/// `minDelta` in the monitored direction (`value - minDelta > reference` for `max`,
/// `value + minDelta < reference` for `min`); a NaN never improves. `best` starts at +inf for
/// `min` and -inf for `max` (tf-keras), so the first finite value improves.
open class MonitorCallback: Callback {
    /// The log name watched ("val_loss", "accuracy", ...).
    public let monitor: String
    /// The direction, `auto` already resolved for `monitor`.
    public let mode: MonitorMode
    /// The minimum change that counts as an improvement (non-negative: Keras takes `abs`).
    public let minDelta: Double
    /// The best value seen (`initialBest` until something improves).
    public internal(set) var best: Double
    /// 1 announces what the callback does (a stop, a reduction, a save); nil takes fit's verbose.
    public let verbose: Int?

    /// Creates the monitor; `minDelta` is taken as its absolute value (Keras).
    public init(monitor: String, mode: MonitorMode, minDelta: Double, verbose: Int? = nil) {
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        self.minDelta = Swift.abs(minDelta)
        self.verbose = verbose
        best = self.mode == .max ? -.infinity : .infinity
    }

    /// Whether the callback announces what it does: `verbose`, else fit's verbose, is above 0.
    public var announces: Bool { (verbose ?? params["verbose"] ?? 0) > 0 }

    /// The value `best` starts from: +inf for `min`, -inf for `max`.
    public var initialBest: Double { mode == .max ? -.infinity : .infinity }

    /// Whether `value` beats `reference` by more than `minDelta` in the monitored direction.
    public func isImprovement(_ value: Double, over reference: Double) -> Bool {
        mode == .max ? value - minDelta > reference : value + minDelta < reference
    }

    /// The monitored value in `logs` (nil when it is not logged).
    public func monitorValue(_ logs: Logs) -> Double? { logs[monitor] }

    /// "best", then the subclass' state.
    open override func state(_ name: String) -> Double? {
        name == "best" ? best : nil
    }
}
