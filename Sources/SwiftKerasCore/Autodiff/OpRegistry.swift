/// The registry of every op that reports to the tape, with its gradient status. The gradient
/// check suite walks it: every differentiable op must have a numerical check, and the tape
/// refuses (with a named error) to differentiate through an op that is not registered, so no
/// op can skip the registry. Each family lists its ops next to their code.
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

    /// Every registered op, by the Keras name it records under.
    public static var all: [String: Gradient] {
        var out = core
        for family in families { out.merge(family) { a, _ in a } }
        return out
    }

    static var families: [[String: Gradient]] {
        [elementwiseOps, reductionOps, shapeOps, linalgOps, convolutionOps, neuralNetOps, additionsOps]
    }

    /// Ops of the core and the autodiff machinery itself.
    static let core: [String: Gradient] = [
        "cast": .differentiable,
        "reshape": .differentiable,
        "transpose": .differentiable,
        "broadcast_to": .differentiable,
        "custom_gradient": .firstOrderOnly,
    ]

    static func isRegistered(_ op: StaticString) -> Bool {
        registeredNames.contains(op.description)
    }

    private static let registeredNames: Set<String> = Set(all.keys)
}
