// Variable updates of the Keras legacy backend that compute something (the rest — set_value,
// update_add, update_sub — are Variable.assign / assignAdd / assignSub).

extension Variable {
    /// Moves the value towards `target` as an exponential moving average and returns the new
    /// value. Implements Keras `backend.moving_average_update(x, value, momentum)`:
    /// `momentum` and `target` are cast to the variable's dtype, then
    /// `x -= (x - target) * (1 - momentum)`. `target` must broadcast to the variable's shape
    /// without changing it. The read and the update are two steps: concurrent assignments to the
    /// same variable need external locking (as any read-modify-write sequence).
    @discardableResult
    public func movingAverageUpdate(_ target: Tensor, momentum: Double) throws -> Tensor {
        let x = value(recording: false)
        let m = try Tensor.scalar(momentum, dtype: x.dtype)
        let v = try target.cast(to: x.dtype)
        let one = try Tensor.scalar(1, dtype: x.dtype)
        let broadcast = try? ShapeMath.broadcast(x.shape, v.shape, op: "moving_average_update")
        if broadcast != x.shape {
            throw SwiftKerasError.invalid("moving_average_update: value of shape \(formatShape(target.shape)) does not broadcast to the variable's shape \(formatShape(x.shape))")
        }
        let delta = try (x - v) * (one - m)
        try assignSub(delta)
        return self.value
    }
}
