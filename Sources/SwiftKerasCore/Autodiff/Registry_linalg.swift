extension OpRegistry {
    /// The linear-algebra family's ops.
    static let linalgOps: [String: Gradient] = [
        "matmul": .differentiable, "dot": .differentiable, "batch_dot": .differentiable,
    ]
}
