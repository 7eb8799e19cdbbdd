/// The registry of every op that reports to the tape, with its gradient status. The gradient
/// check suite walks it: every differentiable op must have a numerical check, and the tape
/// refuses (with a named error) to differentiate through an op that is not registered, so no
/// op can skip the registry. The entries come from the op table, tools/ops_table.py.
public enum OpRegistry {
    /// How an op behaves under differentiation.
    public enum Gradient: Sendable {
        /// Has a pullback, checked numerically (first and second order).
        case differentiable
        /// Has a pullback, checked numerically to first order only (its derivative is not
        /// itself differentiable in our implementation, e.g. piecewise-constant pullbacks).
        case firstOrderOnly
        /// Passes no gradient by definition (integer outputs, piecewise-constant functions);
        /// its pullback returns nil for every input.
        case none
    }

    /// Every registered op, by the Keras name it records under. The families (one table per op
    /// family) are generated from tools/ops_table.py into GeneratedOpRegistry.swift, together with
    /// the C shims and the Python wrappers; `tools/capi_ops.py --check` keeps the table equal to
    /// the names the ops pass to `record`.
    public static var all: [String: Gradient] {
        var out: [String: Gradient] = [:]
        for family in families { out.merge(family) { a, _ in a } }
        return out
    }

    static func isRegistered(_ op: StaticString) -> Bool {
        registeredNames.contains(op.description)
    }

    private static let registeredNames: Set<String> = Set(all.keys)
}
