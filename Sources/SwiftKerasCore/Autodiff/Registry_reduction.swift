extension OpRegistry {
    /// The reduction family's ops.
    static let reductionOps: [String: Gradient] = [
        "sum": .differentiable, "mean": .differentiable, "prod": .differentiable,
        "var": .differentiable, "std": .differentiable,
        "max": .differentiable, "min": .differentiable,
        "logsumexp": .differentiable,
        "cumsum": .differentiable, "cumprod": .differentiable,
        // Integer or bool results: no gradient.
        "argmax": .none, "argmin": .none, "any": .none, "all": .none,
    ]
}
