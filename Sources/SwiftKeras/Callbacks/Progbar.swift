// keras.utils.Progbar (tf_keras/src/utils/generic_utils.py): tf.keras 2's averaging of the
// values given to `update` / `add`, drawn with the progress lines `fit` prints (Callback.swift).
import Synchronization

/// A progress bar for a loop of `target` steps (nil: unknown). Values not named in
/// `statefulMetrics` are averaged over the steps, each `update` weighing its value by the steps
/// it advanced (at least 1); stateful ones show their last value. Thread-safe.
public final class Progbar: Sendable {
    public let target: Int?
    public let width: Int
    public let verbose: Int
    public let interval: Double
    public let statefulMetrics: Set<String>
    public let unitName: String
    /// Whether the output is a terminal: each line then replaces the previous one ("\r"),
    /// otherwise only the final line is written.
    public let dynamic: Bool
    private let start = monotonicSeconds()

    private struct State {
        var seen = 0
        var order: [String] = []
        var sums: [String: (total: Double, count: Double)] = [:]
        var lastUpdate = -Double.infinity
    }
    private let state = Mutex(State())

    /// - Throws: `.invalidArgument` for a negative target, a width outside [1, 10000], a verbose other than
    ///   0, 1, 2 or a negative or non-finite interval.
    public init(target: Int?, width: Int = 30, verbose: Int = 1, interval: Double = 0.05, statefulMetrics: [String] = [],
                unitName: String = "step", dynamic: Bool = false) throws {
        if let target, target < 0 { throw SwiftKerasError.invalid("Progbar: target must be >= 0 or None, got \(target)") }
        if width < 1 || width > 10_000 { throw SwiftKerasError.invalid("Progbar: width must be in [1, 10000], got \(width)") }
        if !(0...2).contains(verbose) { throw SwiftKerasError.invalid("Progbar: verbose must be 0, 1 or 2, got \(verbose)") }
        if !interval.isFinite || interval < 0 { throw SwiftKerasError.invalid("Progbar: interval must be >= 0, got \(interval)") }
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.statefulMetrics = Set(statefulMetrics)
        self.unitName = unitName
        self.dynamic = dynamic
    }

    /// The `current` of the last update (`add(n)` updates to `seen + n`).
    public var seen: Int { state.withLock { $0.seen } }

    /// `update(current, values, finalize)`: records the values and returns the text to write
    /// (empty when nothing is due: verbose 0, within `interval` of the last line, or verbose 2
    /// before the end). `finalize` nil means `current >= target` (never with an unknown target).
    public func update(_ current: Int, values: [(String, Double)] = [], finalize: Bool? = nil) -> String {
        let now = monotonicSeconds()
        let final = finalize ?? target.map { current >= $0 } ?? false
        return state.withLock { s -> String in
            for (k, v) in values {
                if s.sums[k] == nil { s.order.append(k) }
                if statefulMetrics.contains(k) {
                    s.sums[k] = (v, 1)
                } else {
                    let (diff, overflow) = current.subtractingReportingOverflow(s.seen)
                    let base = Double(overflow ? Int.max : Swift.max(diff, 1))
                    let old = s.sums[k] ?? (0, 0)
                    s.sums[k] = (old.total + v * base, old.count + base)
                }
            }
            s.seen = current
            if verbose == 0 || (verbose == 2 && !final) || (!final && now - s.lastUpdate < interval) { return "" }
            s.lastUpdate = now
            let averages = s.order.map { k -> (String, Double) in
                let e = s.sums[k] ?? (0, 1)
                return (k, e.total / Swift.max(1, e.count))
            }
            let elapsed = now - start
            if final {
                let line = progressLine(steps: target ?? current, elapsed: elapsed, values: averages, verbose: verbose,
                                        width: width, unit: unitName)
                return (dynamic && verbose == 1 ? "\r" + line + "\u{1B}[K" : line) + "\n"
            }
            if !dynamic { return "" }
            return "\r" + liveProgressLine(done: current, steps: target, elapsed: elapsed, values: averages, width: width,
                                           unit: unitName) + "\u{1B}[K"
        }
    }
}
