extension OpRegistry {
    /// The convolution family's ops. Each forward op's pullback is made of its backprop ops, whose
    /// pullbacks are again the forward op and the other backprop op, so all orders work.
    static let convolutionOps: [String: Gradient] = [
        "conv1d": .differentiable,
        "conv2d": .differentiable,
        "conv3d": .differentiable,
        "conv2d_transpose": .differentiable,
        "conv3d_transpose": .differentiable,
        "depthwise_conv2d": .differentiable,
        "separable_conv2d": .differentiable,
        "pool2d": .differentiable,
        "pool3d": .differentiable,
        // Gradient ops of the above.
        "conv_backprop_input": .differentiable,
        "conv_backprop_filter": .differentiable,
        "depthwise_conv2d_backprop_input": .differentiable,
        "depthwise_conv2d_backprop_filter": .differentiable,
        // Piecewise constant in x (zero gradient there), linear in the cotangent / values.
        "max_pool_backward": .differentiable,
        "max_pool_gather": .differentiable,
        "avg_pool_backward": .differentiable,
    ]
}
