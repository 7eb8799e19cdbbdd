extension OpRegistry {
    /// The neural-net family's ops (pullbacks next to each forward in `Ops/NeuralNet*.swift`).
    static let neuralNetOps: [String: Gradient] = [
        "softmax": .differentiable, "log_softmax": .differentiable,
        "l2_normalize": .differentiable, "bias_add": .differentiable,
        "batch_normalization": .differentiable, "dropout": .differentiable,
        "resize": .differentiable, "resize_images": .differentiable, "resize_volumes": .differentiable,
        // The adjoints (gradients) of nearest and bilinear resizing; each one's pullback is the
        // forward resize.
        "resize_nearest_backward": .differentiable, "resize_bilinear_backward": .differentiable,
        "binary_crossentropy": .differentiable, "categorical_crossentropy": .differentiable,
        "sparse_categorical_crossentropy": .differentiable,
        // Boolean output: no gradient.
        "in_top_k": .none,
    ]
}
