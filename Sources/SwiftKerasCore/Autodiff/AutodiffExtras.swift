/// Gradient utilities on top of the tape: stop_gradient, custom gradients, Jacobians.

extension Tensor {
    /// The same values with no gradient flowing back (`tf.stop_gradient`): the result is a new
    /// tensor no tape has seen.
    public func stoppingGradient() -> Tensor {
        sharing(shape: shape)
    }
}

/// Runs `forward` with recording paused on this thread's tapes, then records one op whose
/// pullback is `backward` (`tf.custom_gradient`). `backward` receives the cotangent of the
/// output and returns one cotangent (or nil) per input.
public func customGradient(_ inputs: [Tensor], forward: ([Tensor]) throws -> Tensor,
                           backward: @escaping (Tensor) throws -> [Tensor?]) throws -> Tensor {
    let out = try withoutRecording { try forward(inputs) }
    // A fresh identity, so the tape sees exactly one op from the inputs to the output.
    let result = out.sharing(shape: out.shape)
    let n = inputs.count
    record("custom_gradient", inputs, result, { g in
        let grads = try backward(g)
        if grads.count != n {
            throw SwiftKerasError.invalid("custom_gradient: the gradient function returned \(grads.count) gradients for \(n) inputs")
        }
        return grads
    })
    return result
}

/// Runs `body` with every tape on this thread paused.
public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
    let tapes = OpObservers.current.compactMap { $0 as? GradientTape }
    for t in tapes { t.paused += 1 }
    defer { for t in tapes { t.paused -= 1 } }
    return try body()
}

extension GradientTape {
    /// The Jacobian of `target` with respect to `source`: shape target.shape + source.shape
    /// (`tape.jacobian`). Needs a persistent tape when called more than once; this call itself
    /// uses the record once per target element without consuming it.
    public func jacobian(_ target: Tensor, _ source: GradientSource,
                         unconnectedGradients: UnconnectedGradients = .zero) throws -> Tensor? {
        defer { consumeUnlessPersistent() }
        let n = target.count
        var rows: [Tensor] = []
        rows.reserveCapacity(n)
        for i in 0..<n {
            var seed = [Double](repeating: 0, count: n)
            seed[i] = 1
            let og = try Tensor.from(doubles: seed, shape: target.shape, dtype: target.dtype)
            guard let g = try gradientKeeping(target, [source], outputGradients: og,
                                              unconnectedGradients: unconnectedGradients)[0] else { return nil }
            rows.append(try g.reshaped(to: [1] + source.shape))
        }
        if n == 0 { return try Tensor.zeros(target.shape + source.shape, dtype: source.dtype) }
        return try concatenate(rows, axis: 0).reshaped(to: target.shape + source.shape)
    }

    /// The per-example Jacobian (`tape.batch_jacobian`): target (B, ...) and source (B, ...)
    /// with examples independent; result shape (B,) + target.shape[1...] + source.shape[1...].
    public func batchJacobian(_ target: Tensor, _ source: Tensor) throws -> Tensor? {
        guard target.rank >= 1, source.rank >= 1, target.shape[0] == source.shape[0] else {
            throw SwiftKerasError.invalid("batch_jacobian: target \(formatShape(target.shape)) and source \(formatShape(source.shape)) need the same leading batch dimension")
        }
        defer { consumeUnlessPersistent() }
        let b = target.shape[0]
        let per = target.count / max(b, 1)
        var cols: [Tensor] = []
        for j in 0..<per {
            var seed = [Double](repeating: 0, count: target.count)
            for e in 0..<b { seed[e * per + j] = 1 }
            let og = try Tensor.from(doubles: seed, shape: target.shape, dtype: target.dtype)
            guard let g = try gradientKeeping(target, [.tensor(source)], outputGradients: og,
                                              unconnectedGradients: .zero)[0] else { return nil }
            cols.append(try g.reshaped(to: [b, 1, source.count / max(b, 1)]))
        }
        let tShape = Array(target.shape.dropFirst()), sShape = Array(source.shape.dropFirst())
        if per == 0 { return try Tensor.zeros([b] + tShape + sShape, dtype: source.dtype) }
        return try concatenate(cols, axis: 1).reshaped(to: [b] + tShape + sShape)
    }
}
