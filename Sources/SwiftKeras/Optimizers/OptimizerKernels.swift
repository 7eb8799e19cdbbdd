import SwiftKerasKernels

/// Fused optimizer updates: one pass over the variable, gradient and slots instead of a dozen
/// elementwise ops (each a full read and write of the tensor). The arithmetic is the same
/// sequence of roundings as the composed ops, so results are identical.
enum FusedUpdate {
    /// Adam (no amsgrad): m += (g - m)(1 - β1); v += (g² - v)(1 - β2); x -= m·α / (√v + ε).
    /// Returns nil when the dtype has no fused kernel (the caller composes ops instead).
    static func adam(x: Tensor, g: Tensor, m: Tensor, v: Tensor, beta1: Double, beta2: Double,
                     alpha: Double, epsilon: Double) throws -> (x: Tensor, m: Tensor, v: Tensor)? {
        guard x.dtype == g.dtype, x.dtype == m.dtype, x.dtype == v.dtype,
              x.shape == g.shape, x.shape == m.shape, x.shape == v.shape else { return nil }
        switch x.dtype {
        case .float32:
            return try runFloat(x, g, m, v, Float(1 - beta1), Float(1 - beta2), Float(alpha), Float(epsilon))
        case .float64:
            return try run(x, g, m, v, 1 - beta1, 1 - beta2, alpha, epsilon, Double.self)
        default:
            return nil
        }
    }

    /// Adam on float32 variables updated in place (no new buffers: a third less memory traffic
    /// than `adam`), when the variable and both slots are only held by themselves (see
    /// `Variable.updateInPlace`) and the gradient matches. Returns false when it did nothing.
    static func adamInPlace(x: Variable, g: Tensor, m: Variable, v: Variable, beta1: Double, beta2: Double,
                            alpha: Double, epsilon: Double) throws -> Bool {
        guard g.dtype == .float32, x.dtype == .float32, m.dtype == .float32, v.dtype == .float32,
              g.shape == x.shape, m.shape == x.shape, v.shape == x.shape else { return false }
        let n = g.count, pg = g.raw
        let c1 = Float(1 - beta1), c2 = Float(1 - beta2), a = Float(alpha), eps = Float(epsilon)
        var done = false
        _ = x.updateInPlace { px in
            _ = m.updateInPlace { pm in
                _ = v.updateInPlace { pv in
                    adamKernel(n, px, pg, pm, pv, out: (px, pm, pv), c1, c2, a, eps)
                    done = true
                }
            }
        }
        return done
    }

    /// The float32 Adam kernel over n elements, split over the cores; in C because Swift's
    /// square root does not vectorize on Linux (see SwiftKerasKernels). Outputs may alias the
    /// inputs index for index.
    private static func adamKernel(_ n: Int, _ px: UnsafeMutableRawPointer, _ pg: UnsafeMutableRawPointer,
                                   _ pm: UnsafeMutableRawPointer, _ pv: UnsafeMutableRawPointer,
                                   out: (x: UnsafeMutableRawPointer, m: UnsafeMutableRawPointer, v: UnsafeMutableRawPointer),
                                   _ c1: Float, _ c2: Float, _ alpha: Float, _ eps: Float) {
        let x = px.assumingMemoryBound(to: Float.self), g = pg.assumingMemoryBound(to: Float.self)
        let m = pm.assumingMemoryBound(to: Float.self), v = pv.assumingMemoryBound(to: Float.self)
        let ox = out.x.assumingMemoryBound(to: Float.self), om = out.m.assumingMemoryBound(to: Float.self)
        let ov = out.v.assumingMemoryBound(to: Float.self)
        Parallel.forRange(n, grain: 1 << 15) { s, e in
            skk_adam_f32(e - s, x + s, g + s, m + s, v + s, ox + s, om + s, ov + s, c1, c2, alpha, eps)
        }
    }

    /// The float32 update into new buffers (the C kernel), for variables whose value someone
    /// else still holds; `adamInPlace` covers the rest.
    private static func runFloat(_ x: Tensor, _ g: Tensor, _ m: Tensor, _ v: Tensor, _ c1: Float, _ c2: Float,
                                 _ alpha: Float, _ eps: Float) throws -> (x: Tensor, m: Tensor, v: Tensor) {
        let nx = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        let nm = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        let nv = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        adamKernel(x.count, x.raw, g.raw, m.raw, v.raw, out: (nx.raw, nm.raw, nv.raw), c1, c2, alpha, eps)
        return (nx, nm, nv)
    }

    /// The float64 update (scalar Swift: float64 Adam is rare enough not to need a C kernel).
    private static func run<T: BinaryFloatingPoint & TensorElement>(
        _ x: Tensor, _ g: Tensor, _ m: Tensor, _ v: Tensor, _ c1: T, _ c2: T, _ alpha: T, _ eps: T, _: T.Type
    ) throws -> (x: Tensor, m: Tensor, v: Tensor) {
        let nx = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        let nm = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        let nv = try Tensor.uninitialized(x.shape, x.dtype, op: "adam")
        let px = x.pointer(T.self), pg = g.pointer(T.self), pm = m.pointer(T.self), pv = v.pointer(T.self)
        let ox = nx.pointer(T.self), om = nm.pointer(T.self), ov = nv.pointer(T.self)
        Parallel.forRange(x.count, grain: 1 << 15) { s, e in
            for i in s..<e {
                let gi = pg[i]
                let mi = pm[i] + (gi - pm[i]) * c1
                let vi = pv[i] + (gi * gi - pv[i]) * c2
                om[i] = mi
                ov[i] = vi
                ox[i] = px[i] - (mi * alpha) / (vi.squareRoot() + eps)
            }
        }
        return (nx, nm, nv)
    }
}
