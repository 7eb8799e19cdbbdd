extension OpRegistry {
    /// The elementwise family's ops (every name `Ops/Elementwise.swift` passes to `record`).
    static let elementwiseOps: [String: Gradient] = [
        // Binary arithmetic (scalar overloads record under the same names).
        "add": .differentiable, "subtract": .differentiable, "multiply": .differentiable,
        "divide": .differentiable, "mod": .differentiable, "power": .differentiable,
        "maximum": .differentiable, "minimum": .differentiable,
        "floor_divide": .none,
        // Select and clip (scalar and tensor bounds record as "clip").
        "where": .differentiable, "clip": .differentiable,
        // Unary math.
        "negative": .differentiable, "exp": .differentiable, "abs": .differentiable,
        "square": .differentiable, "sqrt": .differentiable, "log": .differentiable,
        "log1p": .differentiable, "expm1": .differentiable, "sin": .differentiable,
        "cos": .differentiable, "tanh": .differentiable, "sigmoid": .differentiable,
        "softplus": .differentiable, "softsign": .differentiable,
        // Activations.
        "relu": .differentiable, "elu": .differentiable, "hard_sigmoid": .differentiable,
        // Piecewise constant.
        "sign": .none, "round": .none, "floor": .none, "ceil": .none,
        // Bool results: the tape never records them; registered for completeness.
        "equal": .none, "not_equal": .none, "greater": .none, "greater_equal": .none,
        "less": .none, "less_equal": .none,
        "logical_and": .none, "logical_or": .none, "logical_not": .none,
    ]
}
