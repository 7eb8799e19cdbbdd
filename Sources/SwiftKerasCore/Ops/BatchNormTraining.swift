// Batch normalization with the batch's own statistics (BatchNormalization while training) over the
// last axis, as one op. Composed, it is a mean, a subtraction, a square, a second mean and the
// normalization forward (five passes over the activations, four tensors of their size) and about
// twice that backward; fused, it is two passes forward (the statistics, then the output) and two
// backward (the two sums, then the input's cotangent).

extension Tensor {
    /// `(x − mean)·γ/sqrt(variance + ε) + β` with `mean` and `variance` (biased) of each feature of
    /// the last axis over every other axis, recorded as one op ("batch_norm_training"); also
    /// returns `mean` and `variance` (shape `[features]`, not recorded: what the moving averages
    /// take). `gamma` and `beta` are optional, of shape `[features]`.
    ///
    /// Returns nil where the fused kernels do not apply (not float32/float64, a parameter of
    /// another dtype or shape, rank below 2, no elements): the caller composes the ops instead.
    package func batchNormalizedWithBatchStatistics(gamma: Tensor?, beta: Tensor?, epsilon: Double) throws
        -> (output: Tensor, mean: Tensor, variance: Tensor)? {
        let op: StaticString = "batch_norm_training"
        guard dtype == .float32 || dtype == .float64, rank >= 2, count > 0 else { return nil }
        let channels = shape[rank - 1], rows = count / channels
        for p in [gamma, beta] {
            if let p, p.dtype != dtype || p.shape != [channels] { return nil }
        }
        let out = try Tensor.uninitialized(shape, dtype, op: op)
        let mean = try Tensor.uninitialized([channels], dtype, op: op)
        let variance = try Tensor.uninitialized([channels], dtype, op: op)
        func run<T: ConvFloat>(_: T.Type) {
            BatchNormKernels.forward(pointer(T.self), gamma?.pointer(T.self), beta?.pointer(T.self), epsilon,
                                     out.pointer(T.self), mean.pointer(T.self), variance.pointer(T.self),
                                     rows: rows, channels: channels)
        }
        if dtype == .float64 { run(Double.self) } else { run(Float.self) }
        let x = self
        let inputs = [x] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])
        record(op, inputs, out, { g in
            try batchNormTrainingPullback(g, x, gamma, beta, mean, variance, epsilon)
        })
        return (out, mean, variance)
    }
}

/// The composed computation the fused op stands for (the pullback's form when a tape records
/// the backward pass).
private func batchNormComposed(_ x: Tensor, _ gamma: Tensor?, _ beta: Tensor?, _ epsilon: Double) throws -> Tensor {
    let axes = Array(0..<(x.rank - 1))
    let mean = try x.mean(alongAxes: axes, keepingDimensions: true)
    let variance = try square(x - mean).mean(alongAxes: axes, keepingDimensions: true)
    return try x.batchNormalized(mean: mean, variance: variance, beta: beta, gamma: gamma, epsilon: epsilon)
}

/// The cotangents of `[x, gamma?, beta?]`. With `x̂ = (x − mean)/sqrt(variance + ε)` and n rows:
/// dβ = Σ g, dγ = Σ g·x̂, dx = γ/sqrt(variance + ε)·(g − dβ/n − x̂·dγ/n). When a tape records the
/// backward pass (higher-order gradients), the composed ops' gradient is taken instead, on a
/// tape of its own, so that the recording tape sees differentiable ops.
private func batchNormTrainingPullback(_ g: Tensor, _ x: Tensor, _ gamma: Tensor?, _ beta: Tensor?,
                                       _ mean: Tensor, _ variance: Tensor, _ epsilon: Double) throws -> [Tensor?] {
    let op: StaticString = "batch_norm_training"
    if OpObservers.activeCount.load(ordering: .relaxed) != 0 || g.shape != x.shape {
        let tape = GradientTape()
        let y = try tape.record { () throws -> Tensor in
            tape.watch(x)
            if let gamma { tape.watch(gamma) }
            if let beta { tape.watch(beta) }
            return try batchNormComposed(x, gamma, beta, epsilon)
        }
        let sources = ([x] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])).map { GradientSource.tensor($0) }
        return try tape.gradient(y, sources, outputGradients: g)
    }
    let gc = try g.cast(to: x.dtype)
    let channels = x.shape[x.rank - 1], rows = x.count / channels
    let dx = try Tensor.uninitialized(x.shape, x.dtype, op: op)
    let dgamma = try Tensor.uninitialized([channels], x.dtype, op: op)
    let dbeta = try Tensor.uninitialized([channels], x.dtype, op: op)
    func run<T: ConvFloat>(_: T.Type) {
        BatchNormKernels.backward(x.pointer(T.self), gc.pointer(T.self), gamma?.pointer(T.self), mean.pointer(T.self),
                                  variance.pointer(T.self), epsilon, dx.pointer(T.self), dgamma.pointer(T.self),
                                  dbeta.pointer(T.self), rows: rows, channels: channels)
    }
    if x.dtype == .float64 { run(Double.self) } else { run(Float.self) }
    return [dx] + (gamma != nil ? [dgamma] : []) + (beta != nil ? [dbeta] : [])
}

/// The kernels of `batch_norm_training` over `rows × channels` elements (channels-last), one
/// element at a time; sums over the rows through `ChannelSums`.
enum BatchNormKernels {
    /// The batch mean and biased variance of each channel, then `out = x·r + (β − mean·r)` with
    /// `r = γ/sqrt(variance + ε)` (the arithmetic of `batchNormalized`).
    @_optimize(speed)
    static func forward<T: ConvFloat>(_ x: UnsafePointer<T>, _ gamma: UnsafePointer<T>?,
                                                   _ beta: UnsafePointer<T>?, _ epsilon: Double,
                                                   _ out: UnsafeMutablePointer<T>, _ mean: UnsafeMutablePointer<T>,
                                                   _ variance: UnsafeMutablePointer<T>, rows: Int, channels: Int) {
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: channels)
        let scale = UnsafeMutablePointer<T>.allocate(capacity: 2 &* channels)
        defer { sums.deallocate(); scale.deallocate() }
        ChannelSums.run(rows: rows, channels: channels, count: 1, into: sums) { (r, p: UnsafeMutablePointer<T>) in
            let xi = x + r &* channels
            for c in 0..<channels { p[c] += xi[c] }
        }
        for c in 0..<channels { mean[c] = T(sums[c] / Double(rows)) }
        ChannelSums.run(rows: rows, channels: channels, count: 1, into: sums) { (r, p: UnsafeMutablePointer<T>) in
            let xi = x + r &* channels
            for c in 0..<channels {
                let d = xi[c] - mean[c]
                p[c] += d * d
            }
        }
        let eps = T(epsilon), shift = scale + channels
        for c in 0..<channels {
            variance[c] = T(sums[c] / Double(rows))
            var k = 1 / (variance[c] + eps).squareRoot()
            if let gamma { k *= gamma[c] }
            scale[c] = k
            shift[c] = beta.map { $0[c] - mean[c] * k } ?? -(mean[c] * k)
        }
        Parallel.forRange(rows, grain: Swift.max(1, (1 << 15) / Swift.max(channels, 1))) { s, e in
            for r in s..<e {
                let xi = x + r &* channels, o = out + r &* channels
                for c in 0..<channels { o[c] = xi[c] * scale[c] + shift[c] }
            }
        }
    }

    /// `dβ = Σ g`, `dγ = Σ g·x̂`, `dx = γ·inv·(g − dβ/n − x̂·dγ/n)` with `inv = 1/sqrt(variance + ε)`,
    /// `x̂ = (x − mean)·inv`.
    @_optimize(speed)
    static func backward<T: ConvFloat>(_ x: UnsafePointer<T>, _ g: UnsafePointer<T>,
                                                    _ gamma: UnsafePointer<T>?, _ mean: UnsafePointer<T>,
                                                    _ variance: UnsafePointer<T>, _ epsilon: Double,
                                                    _ dx: UnsafeMutablePointer<T>, _ dgamma: UnsafeMutablePointer<T>,
                                                    _ dbeta: UnsafeMutablePointer<T>, rows: Int, channels: Int) {
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2 &* channels)
        let coef = UnsafeMutablePointer<T>.allocate(capacity: 4 &* channels)
        defer { sums.deallocate(); coef.deallocate() }
        let inv = coef, a = coef + channels, b = coef + 2 &* channels, shift = coef + 3 &* channels
        let eps = T(epsilon)
        for c in 0..<channels { inv[c] = 1 / (variance[c] + eps).squareRoot() }
        ChannelSums.run(rows: rows, channels: channels, count: 2, into: sums) { (r, p: UnsafeMutablePointer<T>) in
            let xi = x + r &* channels, gi = g + r &* channels, q = p + channels
            for c in 0..<channels {
                p[c] += gi[c]
                q[c] += gi[c] * ((xi[c] - mean[c]) * inv[c])
            }
        }
        // dx = a·(g − x̂·dγ/n − dβ/n) with a = γ·inv: per channel dx = a·g + (x − mean)·b + shift.
        let n = Double(rows)
        for c in 0..<channels {
            dbeta[c] = T(sums[c])
            dgamma[c] = T(sums[channels &+ c])
            let ac = (gamma?[c] ?? 1) * inv[c]
            a[c] = ac
            b[c] = -ac * inv[c] * T(sums[channels &+ c] / n)
            shift[c] = -ac * T(sums[c] / n)
        }
        Parallel.forRange(rows, grain: Swift.max(1, (1 << 15) / Swift.max(channels, 1))) { s, e in
            for r in s..<e {
                let xi = x + r &* channels, gi = g + r &* channels, d = dx + r &* channels
                for c in 0..<channels { d[c] = a[c] * gi[c] + (xi[c] - mean[c]) * b[c] + shift[c] }
            }
        }
    }
}
