/// A projection of a variable's value (tf.Variable's `constraint`, Keras
/// `keras.constraints.Constraint`): optimizers replace a variable's value by the projection of
/// its updated value after each step (`Variable.applyConstraint()`).
public protocol VariableConstraint: AnyObject {
    /// The projected value of `w` (the shape of `w`).
    func callAsFunction(_ w: Tensor) throws -> Tensor
}

extension Variable {
    /// Assigns `constraint(value)` when the variable has a constraint (tf.keras 2's
    /// `variable.assign(variable.constraint(variable))` after `apply_gradients`); nothing
    /// happens without one. The projection is cast to the variable's dtype.
    ///
    /// - Throws: the constraint's errors; `.invalidArgument` when it changes the shape.
    public func applyConstraint() throws {
        guard let c = constraint else { return }
        let projected = try withoutRecording { try c(value(recording: false)) }
        let cur = dtype
        try assign(projected.dtype == cur ? projected : projected.cast(to: cur))
    }
}
