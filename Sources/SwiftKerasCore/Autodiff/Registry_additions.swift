extension OpRegistry {
    /// Ops added for the Keras backend (focal losses, CTC). map_fn / foldl / foldr / rnn are
    /// made of other ops and record nothing of their own.
    static let additionsOps: [String: Gradient] = [
        "binary_focal_crossentropy": .differentiable,
        "categorical_focal_crossentropy": .differentiable,
        // The CTC gradient comes from the forward–backward pass as a constant tensor; it is not
        // itself differentiated with respect to y_pred.
        "ctc_batch_cost": .firstOrderOnly,
        // Integer (and piecewise-constant) outputs: no gradient.
        "ctc_decode": .none,
        "ctc_label_dense_to_sparse": .none,
    ]
}
