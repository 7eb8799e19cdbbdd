extension OpRegistry {
    /// The shape family's ops.
    static let shapeOps: [String: Gradient] = [
        "expand_dims": .differentiable, "squeeze": .differentiable, "flatten": .differentiable,
        "batch_flatten": .differentiable, "reverse": .differentiable,
        "concatenate": .differentiable, "stack": .differentiable, "split": .differentiable,
        "tile": .differentiable, "repeat_elements": .differentiable, "repeat": .differentiable,
        "pad": .differentiable, "temporal_padding": .differentiable,
        "spatial_2d_padding": .differentiable, "spatial_3d_padding": .differentiable,
        "slice": .differentiable, "strided_slice": .differentiable,
        "gather": .differentiable, "unsorted_segment_sum": .differentiable,
        // Integer indices in, a constant encoding out: no gradient.
        "one_hot": .none,
    ]
}
