import Glibc

// Neural-network ops (softmax, normalisation, bias, dropout, top-k membership), Keras legacy
// backend semantics (keras/src/legacy/backend.py, which calls TensorFlow). Each op follows the
// front door: validate → promote → kernel on raw buffers → record.

// MARK: Shared helpers of the neural-net files

/// The float types the neural-net kernels compute in (float16 and bfloat16 compute in float32).
protocol NeuralNetFloat: BinaryFloatingPoint, TensorElement {
    static func nnExp(_ x: Self) -> Self
    static func nnLog(_ x: Self) -> Self
    static func nnLog1p(_ x: Self) -> Self
}

extension Float: NeuralNetFloat {
    @inline(__always) static func nnExp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func nnLog(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func nnLog1p(_ x: Float) -> Float { log1pf(x) }
}

extension Double: NeuralNetFloat {
    @inline(__always) static func nnExp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) static func nnLog(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) static func nnLog1p(_ x: Double) -> Double { Glibc.log1p(x) }
}

/// Splits `shape` around `axis` into (elements before, the axis length, elements after), so an
/// op along any axis runs as `outer × n × inner` without transposing. Assumes a validated shape.
func nnAxisSplit(_ shape: [Int], _ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    var outer = 1, inner = 1
    for i in 0..<axis { outer &*= shape[i] }
    for i in (axis + 1)..<shape.count { inner &*= shape[i] }
    return (outer, shape[axis], inner)
}

/// Throws a dtype error unless `x` holds floats.
func nnRequireFloat(_ x: Tensor, _ op: StaticString) throws {
    if !x.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("\(op): dtype \(x.dtype) is not supported, expected a floating-point tensor (float16, bfloat16, float32 or float64)")
    }
}

/// `out[i] = f(a[i], b[i])` over the numpy broadcast of two contiguous buffers of shapes
/// `shapeA` and `shapeB` into `shape` (the validated broadcast shape).
@inline(__always)
func nnBroadcastBinary<T, U>(_ a: UnsafeMutablePointer<T>, _ shapeA: [Int],
                             _ b: UnsafeMutablePointer<T>, _ shapeB: [Int],
                             _ out: UnsafeMutablePointer<U>, _ shape: [Int], _ f: (T, T) -> U) {
    let sa = ShapeMath.broadcastStrides(from: shapeA, to: shape)
    let sb = ShapeMath.broadcastStrides(from: shapeB, to: shape)
    forEachBroadcastRow(shape: shape, stridesA: sa, stridesB: sb) { oa, ob, oo, n, ia, ib in
        binaryLoop(a + oa, b + ob, out + oo, n, ia, ib, f)
    }
}

// MARK: Softmax

extension Tensor {
    /// The softmax of this tensor along `axis`: `exp(x - max) / sum(exp(x - max))`, computed
    /// stably (the row maximum is subtracted first). Implements Keras `backend.softmax`
    /// (`tf.nn.softmax`).
    ///
    /// Float inputs only: integer and bool tensors throw a dtype error (TensorFlow's behaviour,
    /// which the legacy backend inherits; Keras 3 would cast them to float32). float16 and
    /// bfloat16 compute in float32. A row holding NaN or +inf (or only -inf) gives NaN.
    /// Unlike Keras' legacy wrapper, 1-D tensors are accepted (the Keras layer may reject them).
    public func softmax(alongAxis axis: Int = -1) throws -> Tensor {
        try softmaxFamily(axis, log: false)
    }

    /// The log of the softmax along `axis`: `(x - max) - log(sum(exp(x - max)))`, stable for
    /// large logits. Implements `tf.nn.log_softmax` / Keras `ops.log_softmax`; same dtype rules
    /// as `softmax(alongAxis:)`.
    public func logSoftmax(alongAxis axis: Int = -1) throws -> Tensor {
        try softmaxFamily(axis, log: true)
    }

    private func softmaxFamily(_ axis: Int, log: Bool) throws -> Tensor {
        let op: StaticString = log ? "log_softmax" : "softmax"
        try nnRequireFloat(self, op)
        if rank == 0 {
            throw SwiftKerasError.invalid("\(op): expected a tensor of rank at least 1, got shape ()")
        }
        let a = try ShapeMath.axis(axis, rank: rank, op: op)
        let xc = try cast(to: dtype.computeType)
        let out = try Tensor.uninitialized(shape, xc.dtype, op: op)
        if out.count > 0 {
            let (outer, n, inner) = nnAxisSplit(shape, a)
            if xc.dtype == .float64 {
                nnSoftmaxKernel(xc.pointer(Double.self), out.pointer(Double.self), outer, n, inner, log)
            } else {
                nnSoftmaxKernel(xc.pointer(Float.self), out.pointer(Float.self), outer, n, inner, log)
            }
        }
        let result = try out.cast(to: dtype)
        record(op, [self], result, { g in
            // softmax: dx = y·g − y·Σ(y·g); log_softmax: dx = g − exp(y)·Σg (sums along the axis).
            if log {
                return [try g - result.exp() * g.sum(alongAxes: [a], keepingDimensions: true)]
            }
            let yg = try result * g
            return [try yg - result * yg.sum(alongAxes: [a], keepingDimensions: true)]
        })
        return result
    }
}

/// Softmax (or log-softmax) of `outer × n × inner` data along the middle dimension.
func nnSoftmaxKernel<T: NeuralNetFloat>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>,
                                        _ outer: Int, _ n: Int, _ inner: Int, _ log: Bool) {
    let work = max(1, n &* inner)
    Parallel.forRange(outer, grain: max(1, (1 << 15) / work)) { start, end in
        if inner == 1 {
            for r in start..<end {
                let xr = x + r &* n, yr = y + r &* n
                var m = -T.infinity
                for i in 0..<n { let v = xr[i]; m = v > m ? v : m }
                var s: T = 0
                if log {
                    for i in 0..<n { s += T.nnExp(xr[i] - m) }
                    let ls = T.nnLog(s)
                    for i in 0..<n { yr[i] = (xr[i] - m) - ls }
                } else {
                    for i in 0..<n {
                        let e = T.nnExp(xr[i] - m)
                        yr[i] = e
                        s += e
                    }
                    for i in 0..<n { yr[i] = yr[i] / s }
                }
            }
            return
        }
        let m = UnsafeMutablePointer<T>.allocate(capacity: inner)
        let s = UnsafeMutablePointer<T>.allocate(capacity: inner)
        defer { m.deallocate(); s.deallocate() }
        for o in start..<end {
            let base = o &* n &* inner
            m.initialize(repeating: -T.infinity, count: inner)
            s.initialize(repeating: 0, count: inner)
            for k in 0..<n {
                let row = x + (base &+ k &* inner)
                for j in 0..<inner { let v = row[j]; m[j] = v > m[j] ? v : m[j] }
            }
            for k in 0..<n {
                let row = x + (base &+ k &* inner), out = y + (base &+ k &* inner)
                for j in 0..<inner {
                    let e = T.nnExp(row[j] - m[j])
                    if !log { out[j] = e }
                    s[j] += e
                }
            }
            if log {
                for j in 0..<inner { s[j] = T.nnLog(s[j]) }
                for k in 0..<n {
                    let row = x + (base &+ k &* inner), out = y + (base &+ k &* inner)
                    for j in 0..<inner { out[j] = (row[j] - m[j]) - s[j] }
                }
            } else {
                for k in 0..<n {
                    let out = y + (base &+ k &* inner)
                    for j in 0..<inner { out[j] = out[j] / s[j] }
                }
            }
        }
    }
}

// MARK: L2 normalisation

extension Tensor {
    /// `x / sqrt(max(sum(x², axes, keepdims), 1e-12))`: each slice along `axes` scaled to unit
    /// L2 norm (`nil` means all axes). Implements Keras `backend.l2_normalize`
    /// (`tf.linalg.l2_normalize`, epsilon 1e-12, computed as `x * rsqrt(...)`).
    /// Float inputs only (integer tensors throw a dtype error, as in TensorFlow); float16 and
    /// bfloat16 compute in float32.
    public func l2Normalized(alongAxes axes: [Int]? = nil) throws -> Tensor {
        let op: StaticString = "l2_normalize"
        try nnRequireFloat(self, op)
        let ax = try ShapeMath.axes(axes, rank: rank, op: op)
        var reduced = shape
        for a in ax { reduced[a] = 1 }
        let xc = try cast(to: dtype.computeType)
        let out = try Tensor.uninitialized(shape, xc.dtype, op: op)
        if out.count > 0 {
            let reducedCount = reduced.reduce(1, &*)
            if xc.dtype == .float64 {
                nnL2Kernel(xc.pointer(Double.self), out.pointer(Double.self), shape, reduced, reducedCount)
            } else {
                nnL2Kernel(xc.pointer(Float.self), out.pointer(Float.self), shape, reduced, reducedCount)
            }
        }
        let result = try out.cast(to: dtype)
        let x = self
        record(op, [self], result, { g in [try Tensor.l2NormalizePullback(x, g, ax)] })
        return result
    }

    /// The cotangent of `l2Normalized(alongAxes:)`: with `s = Σx²` over `axes` and
    /// `inv = 1/sqrt(max(s, 1e-12))`, `dx = g·inv − x·inv³·Σ(g·x)·[s ≥ 1e-12]` — where the
    /// clamp is active the norm is a constant and only `g·inv` remains (TensorFlow's `maximum`
    /// passes the gradient to `s` on ties). Written with differentiable ops (half precision
    /// computes in float32), so it can be differentiated again.
    static func l2NormalizePullback(_ x: Tensor, _ g: Tensor, _ axes: [Int]) throws -> Tensor {
        let compute = x.dtype.computeType
        let xc = try x.cast(to: compute), gc = try g.cast(to: compute)
        let s = try square(xc).sum(alongAxes: axes, keepingDimensions: true)
        let active = try s.isGreaterOrEqual(to: Scalar.float(1e-12)).cast(to: compute)
        // max(s, eps) as s·active + eps·(1 − active): the mask is a constant.
        let clamped = try s * active + (1 - active) * 1e-12
        let inv = try 1.0 / sqrt(clamped)
        let dot = try (gc * xc).sum(alongAxes: axes, keepingDimensions: true)
        return try gc * inv - xc * (inv * inv * inv) * dot * active
    }

    /// `l2Normalized(alongAxes: [axis])`.
    public func l2Normalized(alongAxis axis: Int) throws -> Tensor {
        try l2Normalized(alongAxes: [axis])
    }
}

private func nnL2Kernel<T: NeuralNetFloat>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>,
                                           _ shape: [Int], _ reduced: [Int], _ reducedCount: Int) {
    let sums = UnsafeMutablePointer<T>.allocate(capacity: max(reducedCount, 1))
    defer { sums.deallocate() }
    sums.initialize(repeating: 0, count: reducedCount)
    let sx = ShapeMath.strides(shape)
    let ss = ShapeMath.broadcastStrides(from: reduced, to: shape)
    forEachBroadcastRow(shape: shape, stridesA: sx, stridesB: ss) { ox, os, _, n, ix, istr in
        if istr == 0 {
            var acc: T = 0
            for i in 0..<n { let v = x[ox &+ i &* ix]; acc += v * v }
            sums[os] += acc
        } else {
            for i in 0..<n { let v = x[ox &+ i &* ix]; sums[os &+ i &* istr] += v * v }
        }
    }
    let eps = T(1e-12)
    for i in 0..<reducedCount {
        let s = sums[i]
        sums[i] = 1 / (s.isNaN ? s : Swift.max(s, eps)).squareRoot()
    }
    forEachBroadcastRow(shape: shape, stridesA: sx, stridesB: ss) { ox, os, oo, n, ix, istr in
        for i in 0..<n { y[oo &+ i] = x[ox &+ i &* ix] * sums[os &+ i &* istr] }
    }
}

// MARK: Bias

extension Tensor {
    /// This tensor plus `bias` along the channel axis. Implements Keras `backend.bias_add`.
    ///
    /// `bias` has rank 1 (one value per channel: the last axis, or axis 1 when `channelsFirst`,
    /// whose length it must match exactly, as `tf.nn.bias_add` requires) or rank `rank - 1`
    /// (for inputs of rank 3 to 5: a per-position bias laid out channels-last; with
    /// `channelsFirst` it is *reshaped*, not transposed, to `(1, C) + bias.shape[:-1]` and added
    /// with broadcasting, exactly as Keras does). The input must be at least 2-D. Dtypes are
    /// promoted as for `adding(_:)` (TensorFlow would require equal dtypes); bool is rejected.
    public func biasAdded(_ bias: Tensor, channelsFirst: Bool = false) throws -> Tensor {
        let op: StaticString = "bias_add"
        if bias.rank != 1 && bias.rank != rank - 1 {
            throw SwiftKerasError.invalid(
                "bias_add: unexpected bias dimensions \(bias.rank) (bias shape \(formatShape(bias.shape))); expected it to be 1 or \(rank - 1) dimensions for input shape \(formatShape(shape))")
        }
        if rank < 2 {
            throw SwiftKerasError.invalid("bias_add: input must be at least 2-D, got shape \(formatShape(shape))")
        }
        if dtype == .bool || bias.dtype == .bool {
            throw SwiftKerasError.dtype("bias_add: dtype bool is not supported (input \(dtype), bias \(bias.dtype))")
        }
        var biasShape: [Int]
        if bias.rank == 1 {
            let channels = channelsFirst ? shape[1] : shape[rank - 1]
            if bias.shape[0] != channels {
                throw SwiftKerasError.invalid(
                    "bias_add: bias of shape \(formatShape(bias.shape)) does not match the \(channels) channels of input shape \(formatShape(shape))\(channelsFirst ? " (channels first)" : "")")
            }
            biasShape = channelsFirst ? [channels] + [Int](repeating: 1, count: rank - 2) : [channels]
        } else if rank <= 5 {
            let b = bias.shape
            biasShape = channelsFirst ? [1, b[b.count - 1]] + b[0..<(b.count - 1)] : [1] + b
        } else {
            throw SwiftKerasError.invalid(
                "bias_add: bias must be 1-D for an input of rank \(rank), got bias shape \(formatShape(bias.shape))")
        }
        let outShape = try ShapeMath.broadcast(shape, biasShape, op: op)
        let promoted = dtype.promoted(with: bias.dtype)
        let compute = promoted.computeType
        let xc = try cast(to: compute), bc = try bias.cast(to: compute)
        let out = try Tensor.uninitialized(outShape, compute, op: op)
        switch compute {
        case .float64:
            nnBroadcastBinary(xc.pointer(Double.self), shape, bc.pointer(Double.self), biasShape,
                              out.pointer(Double.self), outShape) { $0 + $1 }
        case .int32:
            nnBroadcastBinary(xc.pointer(Int32.self), shape, bc.pointer(Int32.self), biasShape,
                              out.pointer(Int32.self), outShape) { $0 &+ $1 }
        case .int64:
            nnBroadcastBinary(xc.pointer(Int64.self), shape, bc.pointer(Int64.self), biasShape,
                              out.pointer(Int64.self), outShape) { $0 &+ $1 }
        case .uint8:
            nnBroadcastBinary(xc.pointer(UInt8.self), shape, bc.pointer(UInt8.self), biasShape,
                              out.pointer(UInt8.self), outShape) { $0 &+ $1 }
        default:
            nnBroadcastBinary(xc.pointer(Float.self), shape, bc.pointer(Float.self), biasShape,
                              out.pointer(Float.self), outShape) { $0 + $1 }
        }
        let result = try out.cast(to: promoted)
        record(op, [self, bias], result, { g in
            // The input gets g; the bias gets g summed over every axis it was broadcast along
            // (all but the channel axis for a rank-1 bias), then laid back out in its own shape
            // (the channels-first rank-(n-1) form was reshaped, not transposed).
            let padded = [Int](repeating: 1, count: outShape.count - biasShape.count) + biasShape
            let axes = (0..<outShape.count).filter { padded[$0] == 1 && outShape[$0] != 1 }
            let gb = try (axes.isEmpty ? g : g.sum(alongAxes: axes, keepingDimensions: true)).reshaped(to: bias.shape)
            return [g, gb]
        })
        return result
    }
}

// MARK: Batch normalisation

extension Tensor {
    /// Inference-time batch normalisation: `(x - mean) / sqrt(variance + epsilon) * gamma + beta`,
    /// computed as TensorFlow does (`inv = rsqrt(variance + epsilon) * gamma`,
    /// `x * inv + (beta - mean * inv)`). `mean`, `variance`, `beta` and `gamma` broadcast
    /// against each other and against `x` (numpy rules); `beta`/`gamma` may be omitted.
    /// Implements Keras `backend.batch_normalization` (`tf.nn.batch_normalization`).
    ///
    /// All operands must be floating point. The parameters compute in float64 if any operand is
    /// float64, else float32; the result has `x`'s dtype and the broadcast shape.
    public func batchNormalized(mean: Tensor, variance: Tensor, beta: Tensor? = nil, gamma: Tensor? = nil,
                                epsilon: Double = 1e-3) throws -> Tensor {
        let op: StaticString = "batch_normalization"
        var params = [mean, variance]
        if let beta { params.append(beta) }
        if let gamma { params.append(gamma) }
        for t in [self] + params where !t.dtype.isFloatingPoint {
            throw SwiftKerasError.dtype("batch_normalization: dtype \(t.dtype) is not supported, expected floating-point tensors")
        }
        var pShape = mean.shape
        for p in params.dropFirst() {
            pShape = try ShapeMath.broadcast(pShape, p.shape, op: op)
        }
        let outShape = try ShapeMath.broadcast(shape, pShape, op: op)
        let useDouble = ([self] + params).contains { $0.dtype == .float64 }
        let compute: DType = useDouble ? .float64 : .float32
        let xc = try cast(to: compute)
        let pCount = try ShapeMath.count(pShape, op: op)
        // Each parameter materialised at the common parameter shape, in the compute dtype.
        func expanded(_ t: Tensor) throws -> Tensor {
            let tc = try t.cast(to: compute)
            if tc.shape == pShape { return tc }
            let e = try Tensor.uninitialized(pShape, compute, op: op)
            if pCount > 0 {
                Tensor.stridedCopy(from: tc.raw, to: e.raw, shape: pShape,
                                   srcStrides: ShapeMath.broadcastStrides(from: tc.shape, to: pShape),
                                   elementSize: compute.byteSize)
            }
            return e
        }
        let m = try expanded(mean), v = try expanded(variance)
        let b = try beta.map(expanded), g = try gamma.map(expanded)
        let inv = try Tensor.uninitialized(pShape, compute, op: op)
        let shift = try Tensor.uninitialized(pShape, compute, op: op)
        let out = try Tensor.uninitialized(outShape, compute, op: op)
        func run<T: NeuralNetFloat>(_: T.Type) {
            let pm = m.pointer(T.self), pv = v.pointer(T.self)
            let pb = b?.pointer(T.self), pg = g?.pointer(T.self)
            let pi = inv.pointer(T.self), ps = shift.pointer(T.self)
            let eps = T(epsilon)
            for i in 0..<pCount {
                var r = 1 / (pv[i] + eps).squareRoot()
                if let pg { r *= pg[i] }
                pi[i] = r
                ps[i] = pb.map { $0[i] - pm[i] * r } ?? -(pm[i] * r)
            }
            let sx = ShapeMath.broadcastStrides(from: shape, to: outShape)
            let sp = ShapeMath.broadcastStrides(from: pShape, to: outShape)
            let px = xc.pointer(T.self), po = out.pointer(T.self)
            forEachBroadcastRow(shape: outShape, stridesA: sx, stridesB: sp) { ox, opar, oo, n, ix, ip in
                for j in 0..<n {
                    po[oo &+ j] = px[ox &+ j &* ix] * pi[opar &+ j &* ip] + ps[opar &+ j &* ip]
                }
            }
        }
        if useDouble { run(Double.self) } else { run(Float.self) }
        let result = try out.cast(to: dtype)
        let x = self
        record(op, [self] + params, result, { g in
            try Tensor.batchNormPullback(g, x, mean, variance, beta, gamma, epsilon, compute)
        })
        return result
    }
}

extension Tensor {
    /// The cotangents of `batchNormalized` for `[x, mean, variance, beta?, gamma?]` (in the
    /// broadcast shape; the tape sums them to each operand's shape). With
    /// `r = 1/sqrt(variance + ε)`: dx = g·r·γ, dmean = −g·r·γ, dvariance = −½·g·(x − mean)·γ·r³,
    /// dbeta = g, dgamma = g·(x − mean)·r. Written with differentiable ops in `compute`.
    fileprivate static func batchNormPullback(_ g: Tensor, _ x: Tensor, _ mean: Tensor, _ variance: Tensor,
                                              _ beta: Tensor?, _ gamma: Tensor?, _ epsilon: Double,
                                              _ compute: DType) throws -> [Tensor?] {
        let gc = try g.cast(to: compute), xc = try x.cast(to: compute)
        let m = try mean.cast(to: compute), v = try variance.cast(to: compute)
        let r = try 1.0 / sqrt(v + epsilon)
        let gr = try gc * r
        let gScaled = try gamma.map { try gr * $0.cast(to: compute) } ?? gr
        let centered = try xc - m
        let dx = gScaled
        let dmean = try gScaled.negated()
        let dvar = try gScaled * centered * (r * r) * -0.5
        var out: [Tensor?] = [dx, dmean, dvar]
        if beta != nil { out.append(gc) }
        if gamma != nil { out.append(try gr * centered) }
        return out
    }
}

// MARK: Dropout

extension Tensor {
    /// Dropout: each element is kept with probability `1 - rate` and scaled by `1 / (1 - rate)`,
    /// otherwise set to zero (computed as TensorFlow does, `x * scale * keep`, so a dropped NaN or
    /// infinity stays NaN). Implements Keras `backend.dropout` (`tf.nn.dropout`).
    ///
    /// - `rate` must be in `[0, 1)`; a rate of 0 returns the input unchanged.
    /// - `noiseShape` (default: the input's shape) is the shape of the keep/drop mask; it must
    ///   broadcast to the input's shape (size-1 dimensions share one draw).
    /// - The same `seed` gives the same mask (drawn with `Random.uniform(noiseShape, seed:)`,
    ///   kept where the draw is `>= rate`); `nil` draws a fresh seed.
    /// Float inputs only (TensorFlow: "x has to be a floating point tensor").
    public func dropout(rate: Double, noiseShape: [Int]? = nil, seed: UInt64? = nil) throws -> Tensor {
        let op: StaticString = "dropout"
        if !dtype.isFloatingPoint {
            throw SwiftKerasError.dtype("dropout: x has to be a floating-point tensor since it is scaled, got dtype \(dtype)")
        }
        if !(rate >= 0 && rate < 1) {
            throw SwiftKerasError.invalid("dropout: rate must be in the range [0, 1), got \(rate)")
        }
        let ns = noiseShape ?? shape
        _ = try ShapeMath.count(ns, op: op)
        let b = try? ShapeMath.broadcast(shape, ns, op: op)
        if b != shape {
            throw SwiftKerasError.invalid(
                "dropout: noise_shape \(formatShape(ns)) does not broadcast to the input shape \(formatShape(shape))")
        }
        if rate == 0 { return self }
        let u = try Random.uniform(ns, dtype: .float64, seed: seed)
        // The scale rounded to the input's dtype, as TensorFlow converts it.
        let scale = try Tensor.scalar(1 / (1 - rate), dtype: dtype).doubles[0]
        let compute = dtype.computeType
        let mask = try Tensor.uninitialized(ns, compute, op: op)
        let xc = try cast(to: compute)
        let out = try Tensor.uninitialized(shape, compute, op: op)
        func run<T: NeuralNetFloat>(_: T.Type) {
            let pu = u.pointer(Double.self), pm = mask.pointer(T.self)
            let s = T(scale)
            for i in 0..<mask.count { pm[i] = pu[i] >= rate ? s : 0 }
            if out.count > 0 {
                nnBroadcastBinary(xc.pointer(T.self), shape, pm, ns, out.pointer(T.self), shape) { $0 * $1 }
            }
        }
        if compute == .float64 { run(Double.self) } else { run(Float.self) }
        let result = try out.cast(to: dtype)
        let dt = dtype
        record(op, [self], result, { g in [try g.multiplying(try mask.cast(to: dt))] })
        return result
    }
}

// MARK: In top k

/// For each row `b` of `predictions` (shape `(B, C)`), whether class `targets[b]` is among the
/// `k` highest predictions. Implements Keras `backend.in_top_k` (`tf.math.in_top_k`) with
/// TensorFlow's kernel semantics:
/// - ties count in: the target is in the top `k` when fewer than `k` classes score strictly
///   higher than it (so `k` tied classes can all be "in");
/// - a row holding any non-finite prediction (NaN, ±inf) gives false;
/// - a target outside `0..<C` gives false (no error);
/// - `k <= 0` gives false everywhere.
/// `predictions` may be any float dtype (TensorFlow accepts float32 only); `targets` must be
/// an integer tensor of shape `(B,)`. The result is bool of shape `(B,)`.
public func inTopK(predictions: Tensor, targets: Tensor, k: Int) throws -> Tensor {
    let op: StaticString = "in_top_k"
    if !predictions.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("in_top_k: predictions must be floating point, got dtype \(predictions.dtype)")
    }
    if !targets.dtype.isInteger {
        throw SwiftKerasError.dtype("in_top_k: targets must be int32 or int64, got dtype \(targets.dtype)")
    }
    if predictions.rank != 2 {
        throw SwiftKerasError.invalid("in_top_k: predictions must be 2-dimensional, got shape \(formatShape(predictions.shape))")
    }
    if targets.rank != 1 {
        throw SwiftKerasError.invalid("in_top_k: targets must be 1-dimensional, got shape \(formatShape(targets.shape))")
    }
    let rows = predictions.shape[0], classes = predictions.shape[1]
    if targets.shape[0] != rows {
        throw SwiftKerasError.invalid(
            "in_top_k: first dimension of predictions \(formatShape(predictions.shape)) must match length of targets \(formatShape(targets.shape))")
    }
    let p = try predictions.cast(to: .float64), t = try targets.cast(to: .int64)
    let out = try Tensor.uninitialized([rows], .bool, op: op)
    let pp = p.pointer(Double.self), pt = t.pointer(Int64.self), po = out.pointer(Bool.self)
    for r in 0..<rows {
        let target = pt[r]
        let row = pp + r &* classes
        guard target >= 0 && target < Int64(classes) && row[Int(target)].isFinite else {
            po[r] = false
            continue
        }
        let tv = row[Int(target)]
        var higher = 0, finite = true
        for i in 0..<classes {
            let v = row[i]
            if !v.isFinite { finite = false; break }
            if v > tv { higher &+= 1 }
        }
        po[r] = finite && higher < k
    }
    record(op, [predictions, targets], out, { _ in [nil, nil] })
    return out
}
