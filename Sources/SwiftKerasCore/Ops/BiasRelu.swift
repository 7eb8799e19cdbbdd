// relu(x + bias) as one op: what a Conv or Dense layer with `activation="relu"` computes after its
// product. Composed, it is an add and a relu forward (two passes, two tensors) and a compare, a
// select and the bias gradient's reduction backward (three passes, three tensors); fused, it is
// one pass each way. Results are those of the composed ops (the same roundings forward; the bias
// gradient is a sum, in another order).

extension Tensor {
    /// `relu(self + bias)` with `bias` (optional) along the last axis, recorded as one op
    /// ("bias_relu"): `x + b` where it is positive (or NaN), 0 elsewhere.
    ///
    /// Float32 and float64 inputs with a rank-1 bias of the last dimension's size (same dtype)
    /// take the fused kernels; anything else is computed as `relu(self + bias)`.
    package func biasAddedRelu(_ bias: Tensor?) throws -> Tensor {
        let op: StaticString = "bias_relu"
        let fused = (dtype == .float32 || dtype == .float64) && rank >= 1 && count > 0 &&
            (bias.map { $0.dtype == dtype && $0.rank == 1 && $0.shape[0] == shape[rank - 1] } ?? true)
        guard fused else {
            return try relu(bias.map { try self + $0 } ?? self)
        }
        let out = try Tensor.uninitialized(shape, dtype, op: op)
        let channels = shape[rank - 1]
        if dtype == .float64 {
            BiasReluKernels.forward(pointer(Double.self), bias?.pointer(Double.self), out.pointer(Double.self),
                                    rows: count / max(channels, 1), channels: channels)
        } else {
            BiasReluKernels.forward(pointer(Float.self), bias?.pointer(Float.self), out.pointer(Float.self),
                                    rows: count / max(channels, 1), channels: channels)
        }
        let inputs = [self] + (bias.map { [$0] } ?? [])
        record(op, inputs, out, { g in try biasReluPullback(out, g, hasBias: bias != nil) })
        return out
    }
}

/// The cotangents of `x` (and of the bias) of `out = relu(x + bias)`: `g` where `out > 0`, 0
/// elsewhere, and its sum over every axis but the last. When a tape records the backward pass
/// (higher-order gradients) it is written with differentiable ops (the tape sums the bias'
/// cotangent); otherwise one fused pass makes both.
private func biasReluPullback(_ out: Tensor, _ g: Tensor, hasBias: Bool) throws -> [Tensor?] {
    let op: StaticString = "bias_relu"
    if OpObservers.activeCount.load(ordering: .relaxed) != 0 || g.shape != out.shape {
        let dx = try select(out.isGreater(than: .int(0)), g, Tensor.zeros([], dtype: g.dtype))
        return hasBias ? [dx, dx] : [dx]
    }
    let gc = try g.cast(to: out.dtype)
    let dx = try Tensor.uninitialized(out.shape, out.dtype, op: op)
    let channels = out.shape[out.rank - 1], rows = out.count / max(channels, 1)
    let wantBias = hasBias && PullbackNeeds.input(1)
    let db = wantBias ? try Tensor.uninitialized([channels], out.dtype, op: op) : nil
    if out.dtype == .float64 {
        BiasReluKernels.backward(out.pointer(Double.self), gc.pointer(Double.self), dx.pointer(Double.self),
                                 db?.pointer(Double.self), rows: rows, channels: channels)
    } else {
        BiasReluKernels.backward(out.pointer(Float.self), gc.pointer(Float.self), dx.pointer(Float.self),
                                 db?.pointer(Float.self), rows: rows, channels: channels)
    }
    return hasBias ? [dx, db] : [dx]
}

/// The kernels of `bias_relu` over `rows × channels` elements (channels-last): float32 8
/// channels at a time (concrete SIMD types: generic ones are not vectorized in this module),
/// float64 one at a time.
enum BiasReluKernels {
    /// `out = relu(x + bias)`: `x + b` where it is greater than 0 or NaN, else 0.
    @_optimize(speed)
    static func forward<T: ConvFloat>(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ out: UnsafeMutablePointer<T>,
                                      rows: Int, channels: Int) {
        Parallel.forRange(rows, grain: Swift.max(1, (1 << 15) / Swift.max(channels, 1))) { s, e in
            for r in s..<e {
                let xi = x + r &* channels, o = out + r &* channels
                var c = 0
                if T.self == Float.self {
                    c = forwardFloat(xi, bias, o, channels)
                }
                while c < channels {
                    let v = bias.map { xi[c] + $0[c] } ?? xi[c]
                    o[c] = (v > 0 || v != v) ? v : 0
                    c &+= 1
                }
            }
        }
    }

    /// The float32 row of `forward` up to the last multiple of 8 channels; returns where it stopped.
    @_optimize(speed) @inline(__always)
    private static func forwardFloat<T>(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ out: UnsafeMutablePointer<T>,
                                        _ channels: Int) -> Int {
        typealias V = SIMD8<Float>
        let xf = UnsafeRawPointer(x), of = UnsafeMutableRawPointer(out), bf = bias.map { UnsafeRawPointer($0) }
        var c = 0
        while c &+ 8 <= channels {
            var v = xf.loadUnaligned(fromByteOffset: c &* 4, as: V.self)
            if let bf { v += bf.loadUnaligned(fromByteOffset: c &* 4, as: V.self) }
            of.storeBytes(of: V(repeating: 0).replacing(with: v, where: (v .> 0) .| (v .!= v)), toByteOffset: c &* 4,
                          as: V.self)
            c &+= 8
        }
        return c
    }

    /// `dx = out > 0 ? g : 0`, and `db` (when given) the sum of `dx` over the rows.
    @_optimize(speed)
    static func backward<T: ConvFloat>(_ out: UnsafePointer<T>, _ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
                                       _ db: UnsafeMutablePointer<T>?, rows: Int, channels: Int) {
        @inline(__always) func row(_ r: Int, _ p: UnsafeMutablePointer<T>?) {
            let o = out + r &* channels, gi = g + r &* channels, d = dx + r &* channels
            var c = 0
            if T.self == Float.self {
                c = backwardFloat(o, gi, d, p, channels)
            }
            while c < channels {
                let v: T = o[c] > 0 ? gi[c] : 0
                d[c] = v
                p?[c] += v
                c &+= 1
            }
        }
        guard let db else {
            Parallel.forRange(rows, grain: Swift.max(1, (1 << 15) / Swift.max(channels, 1))) { s, e in
                for r in s..<e { row(r, nil) }
            }
            return
        }
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: channels)
        defer { sums.deallocate() }
        ChannelSums.run(rows: rows, channels: channels, count: 1, into: sums) { (r, p: UnsafeMutablePointer<T>) in row(r, p) }
        for c in 0..<channels { db[c] = T(sums[c]) }
    }

    /// The float32 row of `backward` up to the last multiple of 8 channels; returns where it stopped.
    @_optimize(speed) @inline(__always)
    private static func backwardFloat<T>(_ out: UnsafePointer<T>, _ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
                                         _ partial: UnsafeMutablePointer<T>?, _ channels: Int) -> Int {
        typealias V = SIMD8<Float>
        let o = UnsafeRawPointer(out), gi = UnsafeRawPointer(g), d = UnsafeMutableRawPointer(dx)
        let p = partial.map { UnsafeMutableRawPointer($0) }
        var c = 0
        while c &+ 8 <= channels {
            let at = c &* 4
            let v = V(repeating: 0).replacing(with: gi.loadUnaligned(fromByteOffset: at, as: V.self),
                                              where: o.loadUnaligned(fromByteOffset: at, as: V.self) .> 0)
            d.storeBytes(of: v, toByteOffset: at, as: V.self)
            if let p { p.storeBytes(of: p.loadUnaligned(fromByteOffset: at, as: V.self) + v, toByteOffset: at, as: V.self) }
            c &+= 8
        }
        return c
    }
}
