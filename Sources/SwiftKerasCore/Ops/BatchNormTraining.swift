// Batch normalization with the batch's own statistics (BatchNormalization while training) over the
// last axis, as one op. Composed, it is a mean, a subtraction, a square, a second mean and the
// normalization forward (five passes over the activations, four tensors of their size) and about
// twice that backward; fused, it is two passes over memory forward (the statistics — each block
// of rows twice while in cache —, then the output) and two backward (the two sums, then the
// input's cotangent).

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
        let moments = UnsafeMutablePointer<Double>.allocate(capacity: 2 &* channels)
        let scale = UnsafeMutablePointer<T>.allocate(capacity: 2 &* channels)
        defer { moments.deallocate(); scale.deallocate() }
        blockMoments(x, rows: rows, channels: channels, into: moments)
        let eps = T(epsilon), shift = scale + channels
        for c in 0..<channels {
            mean[c] = T(moments[c])
            variance[c] = T(moments[channels &+ c] / Double(rows))
            var k = 1 / (variance[c] + eps).squareRoot()
            if let gamma { k *= gamma[c] }
            scale[c] = k
            shift[c] = beta.map { $0[c] - mean[c] * k } ?? -(mean[c] * k)
        }
        Parallel.forRange(rows, grain: Swift.max(1, (1 << 15) / Swift.max(channels, 1))) { s, e in
            for r in s..<e {
                let xi = x + r &* channels, o = out + r &* channels
                var c = T.self == Float.self ? BatchNormFloatRows.affine(o, xi, scale, shift, channels) : 0
                while c < channels { o[c] = xi[c] * scale[c] + shift[c]; c &+= 1 }
            }
        }
    }

    /// Each channel's mean (`moments[c]`) and sum of squared deviations from it
    /// (`moments[channels + c]`) in one pass over memory: each block of `ChannelSums.blockRows`
    /// rows takes its mean and then its squared deviations while it is in cache (two passes of
    /// the textbook kind, in T), and the blocks are merged in float64 in block order (Chan et
    /// al.'s pairwise update): the same result on any number of threads.
    @_optimize(speed)
    static func blockMoments<T: ConvFloat>(_ x: UnsafePointer<T>, rows: Int, channels: Int,
                                           into moments: UnsafeMutablePointer<Double>) {
        let blockRows = ChannelSums.blockRows
        let blocks = (rows &+ blockRows &- 1) / blockRows, width = 2 &* channels
        let partials = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, blocks &* width))
        defer { partials.deallocate() }
        Parallel.forRange(blocks, grain: Swift.max(1, (1 << 15) / Swift.max(1, blockRows &* channels))) { s, e in
            for blk in s..<e {
                let m = partials + blk &* width, q = m + channels
                let r0 = blk &* blockRows, r1 = Swift.min(rows, r0 &+ blockRows)
                m.update(repeating: 0, count: width)
                for r in r0..<r1 {
                    let xi = x + r &* channels
                    var c = T.self == Float.self ? BatchNormFloatRows.accumulate(m, xi, channels) : 0
                    while c < channels { m[c] += xi[c]; c &+= 1 }
                }
                let inv = 1 / T(r1 &- r0)
                for c in 0..<channels { m[c] *= inv }
                for r in r0..<r1 {
                    let xi = x + r &* channels
                    var c = T.self == Float.self ? BatchNormFloatRows.accumulateSquares(q, xi, m, channels) : 0
                    while c < channels {
                        let d = xi[c] - m[c]
                        q[c] += d * d
                        c &+= 1
                    }
                }
            }
        }
        let mean = moments, m2 = moments + channels
        mean.update(repeating: 0, count: width)
        var n = 0.0
        for blk in 0..<blocks {
            let nb = Double(Swift.min(rows, (blk &+ 1) &* blockRows) &- blk &* blockRows), total = n + nb
            let m = partials + blk &* width, q = m + channels
            for c in 0..<channels {
                let delta = Double(m[c]) - mean[c]
                mean[c] += delta * (nb / total)
                m2[c] += Double(q[c]) + delta * delta * (n * nb / total)
            }
            n = total
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
            var c = T.self == Float.self ? BatchNormFloatRows.gradientSums(p, q, gi, xi, mean, inv, channels) : 0
            while c < channels {
                p[c] += gi[c]
                q[c] += gi[c] * ((xi[c] - mean[c]) * inv[c])
                c &+= 1
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
                var c = T.self == Float.self ? BatchNormFloatRows.inputGradient(d, gi, xi, mean, a, b, shift, channels) : 0
                while c < channels { d[c] = a[c] * gi[c] + (xi[c] - mean[c]) * b[c] + shift[c]; c &+= 1 }
            }
        }
    }
}

/// The float32 rows of `BatchNormKernels`, 8 channels at a time up to the last multiple of 8
/// (concrete SIMD types: the generic loops are not vectorized in this module); each returns the
/// channel where it stopped and the caller finishes the row one element at a time, with the
/// same arithmetic (no fused multiply-add), so results do not depend on the channel count.
enum BatchNormFloatRows {
    typealias V = SIMD8<Float>

    @_optimize(speed) @inline(__always)
    private static func load<T>(_ p: UnsafePointer<T>, _ c: Int) -> V {
        UnsafeRawPointer(p).loadUnaligned(fromByteOffset: c &* 4, as: V.self)
    }

    @_optimize(speed) @inline(__always)
    private static func store<T>(_ v: V, _ p: UnsafeMutablePointer<T>, _ c: Int) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: c &* 4, as: V.self)
    }

    /// `acc += x`.
    @_optimize(speed) @inline(__always)
    static func accumulate<T>(_ acc: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ n: Int) -> Int {
        var c = 0
        while c &+ 8 <= n { store(load(acc, c) + load(x, c), acc, c); c &+= 8 }
        return c
    }

    /// `acc += (x − m)²`.
    @_optimize(speed) @inline(__always)
    static func accumulateSquares<T>(_ acc: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ m: UnsafeMutablePointer<T>,
                                     _ n: Int) -> Int {
        var c = 0
        while c &+ 8 <= n {
            let d = load(x, c) - load(m, c)
            store(load(acc, c) + d * d, acc, c)
            c &+= 8
        }
        return c
    }

    /// `out = x·s + t`.
    @_optimize(speed) @inline(__always)
    static func affine<T>(_ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ s: UnsafeMutablePointer<T>,
                          _ t: UnsafeMutablePointer<T>, _ n: Int) -> Int {
        var c = 0
        while c &+ 8 <= n { store(load(x, c) * load(s, c) + load(t, c), out, c); c &+= 8 }
        return c
    }

    /// `p += g`, `q += g·((x − mean)·inv)`.
    @_optimize(speed) @inline(__always)
    static func gradientSums<T>(_ p: UnsafeMutablePointer<T>, _ q: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>,
                                _ x: UnsafePointer<T>, _ mean: UnsafePointer<T>, _ inv: UnsafeMutablePointer<T>,
                                _ n: Int) -> Int {
        var c = 0
        while c &+ 8 <= n {
            let gv = load(g, c)
            store(load(p, c) + gv, p, c)
            store(load(q, c) + gv * ((load(x, c) - load(mean, c)) * load(inv, c)), q, c)
            c &+= 8
        }
        return c
    }

    /// `d = a·g + (x − mean)·b + shift`.
    @_optimize(speed) @inline(__always)
    static func inputGradient<T>(_ d: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ x: UnsafePointer<T>,
                                 _ mean: UnsafePointer<T>, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
                                 _ shift: UnsafeMutablePointer<T>, _ n: Int) -> Int {
        var c = 0
        while c &+ 8 <= n {
            store(load(a, c) * load(g, c) + (load(x, c) - load(mean, c)) * load(b, c) + load(shift, c), d, c)
            c &+= 8
        }
        return c
    }
}
