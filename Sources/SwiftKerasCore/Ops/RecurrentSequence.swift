// Fused recurrent sequences: SimpleRNN, LSTM and GRU (both reset_after modes) over a whole
// sequence as ONE recorded op with its own pullback (no per-step tape records).
//
// The caller projects the inputs of every step with one GEMM (`x · kernel + input bias`, an
// ordinary matmul the tape differentiates); this op runs the recurrence on the projected inputs:
// per step one GEMM `h · recurrent_kernel` and the gate math fused in one pass over the batch
// rows (vectorized sigmoid/tanh for float32). The backward pass walks the steps in reverse with
// one GEMM per step for the state cotangent and computes the recurrent kernel's gradient with one
// GEMM over all steps at the end.
//
// Samples are independent until the weight gradients: the batch is split into row blocks, one
// per thread (`RecurrentThreads`), each running the whole sequence forward or backward on its
// rows with its own single-threaded GEMMs; the weight products over all rows follow the join.
//
// The result is the sequence of states `(batch, steps, stateCount · units)` in processing order
// (with `goBackwards` the first row is the last time step, as Keras orders RNN outputs): per
// step `[h]` (SimpleRNN, GRU) or `[h, c]` (LSTM). The layer slices outputs and final states from it.

import Dispatch
import Glibc
import Synchronization

/// The cell a fused recurrent sequence runs (activation tanh, recurrent activation sigmoid:
/// the cells' Keras defaults and the cuDNN-compatible configuration).
public enum RecurrentCell: Equatable, Sendable {
    /// `h' = tanh(x + h·U)`.
    case simpleRNN
    /// Gates i, f, c, o: `c' = σ(z_f)·c + σ(z_i)·tanh(z_c)`, `h' = σ(z_o)·tanh(c')`.
    case lstm
    /// Gates z, r, h: `h' = z·h + (1 − z)·tanh(x_h + r·(h·U_h + b_h))` with `resetAfter`,
    /// `tanh(x_h + (r·h)·U_h)` without.
    case gru(resetAfter: Bool)

    /// The number of gate blocks in the projections (columns of the kernels / units).
    public var gates: Int {
        switch self {
        case .simpleRNN: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }

    /// The number of states (`[h]` or `[h, c]`).
    public var stateCount: Int { self == .lstm ? 2 : 1 }

}

/// Runs `cell` over every step of the projected inputs `xp` — `(batch, steps, gates · units)`,
/// the inputs times the input kernel plus the input bias — from `initialStates` (`stateCount`
/// tensors `(batch, units)`), with `recurrentKernel` `(units, gates · units)` and, for a GRU with
/// `resetAfter`, an optional `recurrentBias` `(gates · units,)` added to `h · recurrentKernel`.
/// With `goBackwards` the steps run from last to first. With `mask` `(batch, steps)` (time
/// order; zero/false = masked, any dtype), a sample's masked step keeps its previous states
/// (Keras' masked RNN step: `states = where(mask_t, new, previous)`): its rows of the result
/// repeat the previous states (the initial states before the first kept step), and no cotangent
/// reaches that step's inputs. The mask is a constant (no gradient).
///
/// Returns the states after every step, `(batch, steps, stateCount · units)`, in processing
/// order. Floating-point inputs only (mixed float dtypes promote; float16 computes in float32).
/// Differentiable (first order) with respect to every input.
public func recurrentSequence(_ cell: RecurrentCell, projectedInputs xp: Tensor, initialStates: [Tensor],
                              recurrentKernel rk: Tensor, recurrentBias rb: Tensor? = nil,
                              goBackwards: Bool = false, mask: Tensor? = nil) throws -> Tensor {
    switch cell {
    case .simpleRNN:
        return try fusedRecurrence("simple_rnn_sequence", cell, xp, initialStates, rk, rb, goBackwards, mask)
    case .lstm:
        return try fusedRecurrence("lstm_sequence", cell, xp, initialStates, rk, rb, goBackwards, mask)
    case .gru:
        return try fusedRecurrence("gru_sequence", cell, xp, initialStates, rk, rb, goBackwards, mask)
    }
}

/// The kept (true) / masked (false) flags of a `(batch, steps)` mask, row-major, or nil
/// without a mask.
private func maskFlags(_ mask: Tensor?, batch b: Int, steps t: Int, op: StaticString) throws -> [Bool]? {
    guard let mask else { return nil }
    if mask.shape != [b, t] {
        throw SwiftKerasError.invalid("\(op): mask must have shape \(formatShape([b, t])) (batch, steps), got \(formatShape(mask.shape))")
    }
    return try withoutRecording { try mask.cast(to: .bool).scalars(as: Bool.self) }
}

/// The front door of `recurrentSequence`, recording under `op`.
private func fusedRecurrence(_ op: StaticString, _ cell: RecurrentCell, _ xp: Tensor, _ initialStates: [Tensor],
                             _ rk: Tensor, _ rb: Tensor?, _ goBackwards: Bool, _ mask: Tensor?) throws -> Tensor {
    if xp.rank != 3 || xp.shape[1] < 1 {
        throw SwiftKerasError.invalid("\(op): projected inputs must have shape (batch, steps >= 1, gates * units), got \(formatShape(xp.shape))")
    }
    let g = cell.gates
    if rk.rank != 2 || rk.shape[1] != g * rk.shape[0] || rk.shape[0] < 1 {
        throw SwiftKerasError.invalid("\(op): recurrent kernel must have shape (units, \(g) * units), got \(formatShape(rk.shape))")
    }
    let (b, t, u) = (xp.shape[0], xp.shape[1], rk.shape[0])
    if xp.shape[2] != g * u {
        throw SwiftKerasError.invalid("\(op): projected inputs \(formatShape(xp.shape)) do not match the recurrent kernel \(formatShape(rk.shape)) (expected last dimension \(g * u))")
    }
    if initialStates.count != cell.stateCount || initialStates.contains(where: { $0.shape != [b, u] }) {
        throw SwiftKerasError.invalid("\(op): expected \(cell.stateCount) initial state(s) of shape \(formatShape([b, u])), got \(initialStates.map { formatShape($0.shape) }.joined(separator: ", "))")
    }
    if let rb {
        if cell != .gru(resetAfter: true) {
            throw SwiftKerasError.invalid("\(op): a recurrent bias is only used by a GRU with reset_after")
        }
        if rb.shape != [g * u] {
            throw SwiftKerasError.invalid("\(op): recurrent bias must have shape \(formatShape([g * u])), got \(formatShape(rb.shape))")
        }
    }
    let inputs = [xp] + initialStates + [rk] + (rb.map { [$0] } ?? [])
    let result = try WindowMath.floatResultType(inputs, op: op)
    let compute = result.computeType
    let c = try inputs.map { try $0.cast(to: compute) }
    let keep = try maskFlags(mask, batch: b, steps: t, op: op)
    let k = RecurrentKernels.Geometry(cell: cell, batch: b, steps: t, units: u, backwards: goBackwards, keep: keep)
    let y = try Tensor.uninitialized([b, t, cell.stateCount * u], compute, op: op)
    let saved = try Tensor.uninitialized([b, t, k.savedWidth], compute, op: op)
    if b > 0 {
        if compute == .float64 { try RecurrentKernels.forward(Double.self, k, c, y, saved, op: op) }
        else { try RecurrentKernels.forward(Float.self, k, c, y, saved, op: op) }
    }
    let out = try y.cast(to: result)
    record(op, inputs, out, { grad in
        let gc = try grad.cast(to: compute)
        let grads: [Tensor]
        if b == 0 {
            grads = try c.map { try Tensor.zeros(like: $0) }
        } else if compute == .float64 {
            grads = try RecurrentKernels.backward(Double.self, k, c, y, saved, gc, op: op)
        } else {
            grads = try RecurrentKernels.backward(Float.self, k, c, y, saved, gc, op: op)
        }
        return try zip(grads, inputs).map { try $0.cast(to: $1.dtype) }
    })
    return out
}

// MARK: - Kernels

/// The float types of the fused recurrent kernels: a GEMM, in-place sigmoid / tanh over a run,
/// and the LSTM cell's elementwise rows (vectorized for float32).
protocol RecurrentFloat: ConvFloat {
    static func sigmoidInPlace(_ p: UnsafeMutablePointer<Self>, _ n: Int)
    static func tanhInPlace(_ p: UnsafeMutablePointer<Self>, _ n: Int)
    /// One sample's LSTM update from its activated gates `z` (i, f, c̃, o; 4u) and previous
    /// carry `cp`: `cn = f·cp + i·c̃`, `h = o·tanh(cn)`.
    static func lstmCellRow(_ z: UnsafeMutablePointer<Self>, _ cp: UnsafeMutablePointer<Self>,
                            _ h: UnsafeMutablePointer<Self>, _ cn: UnsafeMutablePointer<Self>, _ u: Int)
    /// One sample's LSTM backward step: from the gates `z`, `tc = tanh(c)`, the previous carry
    /// `cp`, the output cotangents `g` (dh, dc) and the carried `dh`, `dc` (updated to dc·f),
    /// the pre-activation cotangents `d` (4u).
    static func lstmBackwardRow(_ z: UnsafeMutablePointer<Self>, _ tc: UnsafeMutablePointer<Self>,
                                _ cp: UnsafeMutablePointer<Self>, _ g: UnsafeMutablePointer<Self>,
                                _ dh: UnsafeMutablePointer<Self>, _ dc: UnsafeMutablePointer<Self>,
                                _ d: UnsafeMutablePointer<Self>, _ u: Int)
}

extension RecurrentFloat {
    @inline(__always)
    static func lstmCellRow(_ z: UnsafeMutablePointer<Self>, _ cp: UnsafeMutablePointer<Self>,
                            _ h: UnsafeMutablePointer<Self>, _ cn: UnsafeMutablePointer<Self>, _ u: Int) {
        lstmCellScalar(z, cp, h, cn, 0, u)
    }

    @inline(__always)
    static func lstmCellScalar(_ z: UnsafeMutablePointer<Self>, _ cp: UnsafeMutablePointer<Self>,
                               _ h: UnsafeMutablePointer<Self>, _ cn: UnsafeMutablePointer<Self>, _ from: Int, _ u: Int) {
        for j in from..<u {
            let cv = z[u + j] * cp[j] + z[j] * z[2 * u + j]
            cn[j] = cv
            h[j] = cv
        }
        tanhInPlace(h + from, u - from)
        for j in from..<u { h[j] *= z[3 * u + j] }
    }

    @inline(__always)
    static func lstmBackwardRow(_ z: UnsafeMutablePointer<Self>, _ tc: UnsafeMutablePointer<Self>,
                                _ cp: UnsafeMutablePointer<Self>, _ g: UnsafeMutablePointer<Self>,
                                _ dh: UnsafeMutablePointer<Self>, _ dc: UnsafeMutablePointer<Self>,
                                _ d: UnsafeMutablePointer<Self>, _ u: Int) {
        lstmBackwardScalar(z, tc, cp, g, dh, dc, d, 0, u)
    }

    @inline(__always)
    static func lstmBackwardScalar(_ z: UnsafeMutablePointer<Self>, _ tc: UnsafeMutablePointer<Self>,
                                   _ cp: UnsafeMutablePointer<Self>, _ g: UnsafeMutablePointer<Self>,
                                   _ dh: UnsafeMutablePointer<Self>, _ dc: UnsafeMutablePointer<Self>,
                                   _ d: UnsafeMutablePointer<Self>, _ from: Int, _ u: Int) {
        for j in from..<u {
            let (i, f, gg, o) = (z[j], z[u + j], z[2 * u + j], z[3 * u + j])
            let dhv = g[j] + dh[j]
            let dcv = g[u + j] + dc[j] + dhv * o * (1 - tc[j] * tc[j])
            d[j] = dcv * gg * i * (1 - i)
            d[u + j] = dcv * cp[j] * f * (1 - f)
            d[2 * u + j] = dcv * i * (1 - gg * gg)
            d[3 * u + j] = dhv * tc[j] * o * (1 - o)
            dc[j] = dcv * f
        }
    }
}

extension Float: RecurrentFloat {
    @inline(__always)
    static func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.mapSigmoid(p, p, n) }
    @inline(__always)
    static func tanhInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.mapTanh(p, p, n) }

    @inline(__always)
    static func lstmCellRow(_ z: UnsafeMutablePointer<Float>, _ cp: UnsafeMutablePointer<Float>,
                            _ h: UnsafeMutablePointer<Float>, _ cn: UnsafeMutablePointer<Float>, _ u: Int) {
        typealias F = FastMath
        var j = 0
        while j + 16 <= u {
            let cv = F.load(z + u + j) * F.load(cp + j) + F.load(z + j) * F.load(z + 2 * u + j)
            F.store(cv, cn + j)
            F.store(F.load(z + 3 * u + j) * F.tanh(cv), h + j)
            j += 16
        }
        if j < u { lstmCellScalar(z, cp, h, cn, j, u) }
    }

    @inline(__always)
    static func lstmBackwardRow(_ z: UnsafeMutablePointer<Float>, _ tc: UnsafeMutablePointer<Float>,
                                _ cp: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                                _ dh: UnsafeMutablePointer<Float>, _ dc: UnsafeMutablePointer<Float>,
                                _ d: UnsafeMutablePointer<Float>, _ u: Int) {
        typealias F = FastMath
        var j = 0
        while j + 16 <= u {
            let (i, f, gg, o) = (F.load(z + j), F.load(z + u + j), F.load(z + 2 * u + j), F.load(z + 3 * u + j))
            let t = F.load(tc + j)
            let dhv = F.load(g + j) + F.load(dh + j)
            let dcv = F.load(g + u + j) + F.load(dc + j) + dhv * o * (1 - t * t)
            F.store(dcv * gg * i * (1 - i), d + j)
            F.store(dcv * F.load(cp + j) * f * (1 - f), d + u + j)
            F.store(dcv * i * (1 - gg * gg), d + 2 * u + j)
            F.store(dhv * t * o * (1 - o), d + 3 * u + j)
            F.store(dcv * f, dc + j)
            j += 16
        }
        if j < u { lstmBackwardScalar(z, tc, cp, g, dh, dc, d, j, u) }
    }
}

extension Double: RecurrentFloat {
    @inline(__always)
    static func sigmoidInPlace(_ p: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { p[i] = 1 / (1 + Glibc.exp(-p[i])) }
    }
    @inline(__always)
    static func tanhInPlace(_ p: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { p[i] = Glibc.tanh(p[i]) }
    }
}

enum RecurrentKernels {
    /// Sizes and layout of one fused sequence.
    struct Geometry {
        let cell: RecurrentCell
        let batch: Int, steps: Int, units: Int
        let backwards: Bool
        /// Per sample and time index (row-major `(batch, steps)`), whether the step is kept;
        /// nil without a mask.
        var keep: [Bool]? = nil
        /// The first sample of these rows in the whole batch (the mask's row of sample 0).
        var first = 0
        var gates: Int { cell.gates }
        /// Width of a state row in the output (`stateCount · units`).
        var stateWidth: Int { cell.stateCount * units }
        /// Per step and sample, what the forward pass keeps for the backward pass: LSTM the
        /// activated gates (4U); GRU reset_after z, r, ĥ and the recurrent candidate `h·U_h + b_h`
        /// (4U); GRU reset_before z, r, ĥ and r·h (4U); SimpleRNN nothing beyond the output (1U, unused).
        var savedWidth: Int {
            switch cell {
            case .simpleRNN: return units
            case .lstm, .gru: return 4 * units
            }
        }
        /// The time index processing step `s` reads.
        @inline(__always) func time(_ s: Int) -> Int { backwards ? steps - 1 - s : s }
        /// Whether sample `b`'s processing step `s` is masked.
        @inline(__always) func masked(_ b: Int, _ s: Int) -> Bool { keep.map { !$0[(first + b) * steps + time(s)] } ?? false }

        /// The geometry of `count` samples from sample `start` of this batch.
        func rows(_ start: Int, _ count: Int) -> Geometry {
            Geometry(cell: cell, batch: count, steps: steps, units: units, backwards: backwards, keep: keep,
                     first: first + start)
        }
    }

    /// Pointers of the inputs in `recurrentSequence` order: xp, states..., rk, rb?.
    struct Inputs<T: RecurrentFloat> {
        let xp: UnsafeMutablePointer<T>, h0: UnsafeMutablePointer<T>, c0: UnsafeMutablePointer<T>?
        let rk: UnsafeMutablePointer<T>, rb: UnsafeMutablePointer<T>?
        init(_ c: [Tensor], _ k: Geometry) {
            xp = c[0].pointer(T.self)
            h0 = c[1].pointer(T.self)
            c0 = k.cell == .lstm ? c[2].pointer(T.self) : nil
            let r = 1 + k.cell.stateCount
            rk = c[r].pointer(T.self)
            rb = c.count > r + 1 ? c[r + 1].pointer(T.self) : nil
        }
        private init(xp: UnsafeMutablePointer<T>, h0: UnsafeMutablePointer<T>, c0: UnsafeMutablePointer<T>?,
                     rk: UnsafeMutablePointer<T>, rb: UnsafeMutablePointer<T>?) {
            (self.xp, self.h0, self.c0, self.rk, self.rb) = (xp, h0, c0, rk, rb)
        }
        /// The inputs of the rows `r` (sample `r.first` on) of the batch these inputs hold.
        func rows(_ r: Geometry) -> Inputs {
            let (xRow, u) = (r.steps * r.gates * r.units, r.units)
            return Inputs(xp: xp + r.first * xRow, h0: h0 + r.first * u, c0: c0.map { $0 + r.first * u }, rk: rk, rb: rb)
        }
    }

    /// The previous state rows of step `s` (h0 at step 0, else the h of step s−1 in `y`) and
    /// their leading dimension.
    @inline(__always)
    static func previous<T>(_ s: Int, _ h0: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>,
                            _ k: Geometry, offset: Int = 0) -> (UnsafeMutablePointer<T>, Int) {
        s == 0 ? (h0, k.units) : (y + (s - 1) * k.stateWidth + offset, k.steps * k.stateWidth)
    }

    /// For every processing step `s`: `into(s) = h_prev · rk[:, 0..<n]` (leading dimension `ldc`),
    /// then `body(s, time index, h_prev, its leading dimension)`.
    @inline(__always)
    static func steps<T: RecurrentFloat>(_ k: Geometry, _ p: Inputs<T>, _ y: UnsafeMutablePointer<T>, n: Int,
                                         into: (Int) -> UnsafeMutablePointer<T>, ldc: Int,
                                         _ body: (Int, Int, UnsafeMutablePointer<T>, Int) -> Void) {
        let g = k.gates * k.units
        for s in 0..<k.steps {
            let (hp, ld) = previous(s, p.h0, y, k)
            T.gemm(transA: false, transB: false, m: k.batch, n: n, k: k.units, a: hp, lda: ld, b: p.rk, ldb: g,
                   beta: 0, c: into(s), ldc: ldc)
            body(s, k.time(s), hp, ld)
            if k.keep != nil { MaskedSteps.carryStates(k, p, y, s) }
        }
    }

    static func forward<T: RecurrentFloat>(_: T.Type, _ k: Geometry, _ c: [Tensor], _ yT: Tensor, _ savedT: Tensor,
                                           op: StaticString) throws {
        let all = Inputs<T>(c, k)
        let y = yT.pointer(T.self), sv = savedT.pointer(T.self)
        let yRow = k.steps * k.stateWidth, sRow = k.steps * k.savedWidth
        try RecurrentThreads.overRows(k) { r in
            try forwardRows(r, all.rows(r), y + r.first * yRow, sv + r.first * sRow, op: op)
        }
    }

    /// The forward pass of the rows `k` (one thread's share): `p`, `y` and `sv` start at its first sample.
    static func forwardRows<T: RecurrentFloat>(_ k: Geometry, _ p: Inputs<T>, _ y: UnsafeMutablePointer<T>,
                                               _ sv: UnsafeMutablePointer<T>, op: StaticString) throws {
        let (B, T_, U, G) = (k.batch, k.steps, k.units, k.gates * k.units)
        let xRow = T_ * G, yRow = T_ * k.stateWidth, sRow = T_ * k.savedWidth
        switch k.cell {
        case .simpleRNN:
            steps(k, p, y, n: U, into: { y + $0 * U }, ldc: yRow) { s, ts, _, _ in
                for bi in 0..<B {
                    let h = y + bi * yRow + s * U, x = p.xp + bi * xRow + ts * U
                    for j in 0..<U { h[j] += x[j] }
                    T.tanhInPlace(h, U)
                }
            }
        case .lstm:
            guard let c0 = p.c0 else { return }
            // z = h·U into the saved gate rows of each step, then + x, activated in place.
            steps(k, p, y, n: G, into: { sv + $0 * G }, ldc: sRow) { s, ts, _, _ in
                for bi in 0..<B {
                    let z = sv + bi * sRow + s * G, x = p.xp + bi * xRow + ts * G
                    for j in 0..<G { z[j] += x[j] }
                    T.sigmoidInPlace(z, 2 * U)
                    T.tanhInPlace(z + 2 * U, U)
                    T.sigmoidInPlace(z + 3 * U, U)
                    let cp = s == 0 ? c0 + bi * U : y + bi * yRow + (s - 1) * 2 * U + U
                    let h = y + bi * yRow + s * 2 * U
                    T.lstmCellRow(z, cp, h, h + U, U)
                }
            }
        case .gru(let resetAfter):
            let scratch = try WindowMath.scratch(B * G, T.self, op: op)
            let a = scratch.base.assumingMemoryBound(to: T.self)
            // The recurrent products of all gates (reset_after) or of z and r into the scratch.
            steps(k, p, y, n: resetAfter ? G : 2 * U, into: { _ in a }, ldc: G) { s, ts, hp, ld in
                for bi in 0..<B {
                    let inner = a + bi * G, x = p.xp + bi * xRow + ts * G
                    let sr = sv + bi * sRow + s * 4 * U
                    if let rb = p.rb { for j in 0..<G { inner[j] += rb[j] } }
                    for j in 0..<2 * U { sr[j] = x[j] + inner[j] }
                    T.sigmoidInPlace(sr, 2 * U)
                    let hpr = hp + bi * ld
                    if resetAfter {
                        for j in 0..<U {
                            sr[3 * U + j] = inner[2 * U + j]
                            sr[2 * U + j] = x[2 * U + j] + sr[U + j] * inner[2 * U + j]
                        }
                    } else {
                        for j in 0..<U { sr[3 * U + j] = sr[U + j] * hpr[j] }
                    }
                }
                if !resetAfter {
                    // ĥ pre-activation: (r·h)·U_h, then + x_h below.
                    T.gemm(transA: false, transB: false, m: B, n: U, k: U, a: sv + s * 4 * U + 3 * U, lda: sRow,
                           b: p.rk + 2 * U, ldb: G, beta: 0, c: a, ldc: G)
                }
                for bi in 0..<B {
                    let x = p.xp + bi * xRow + ts * G
                    let sr = sv + bi * sRow + s * 4 * U
                    if !resetAfter {
                        let pre = a + bi * G
                        for j in 0..<U { sr[2 * U + j] = x[2 * U + j] + pre[j] }
                    }
                    T.tanhInPlace(sr + 2 * U, U)
                    let hpr = hp + bi * ld, h = y + bi * yRow + s * U
                    for j in 0..<U {
                        let z = sr[j]
                        h[j] = z * hpr[j] + (1 - z) * sr[2 * U + j]
                    }
                }
            }
        }
    }

    /// `c = Σ_{b,s} h_prev(b, s)ᵀ · d(b, s)` (`units × n`), where d's rows are (b, s) with leading
    /// dimension `ldd` and h_prev is h0 at step 0, else the h of step s−1 in `y`: one product over
    /// the rows of y shifted by one (row r−1 of y with row r of d), then a correction of the
    /// step-0 rows, which read h0 instead of the previous sample's last h.
    static func previousStateProduct<T: RecurrentFloat>(_ k: Geometry, _ p: Inputs<T>, _ y: UnsafeMutablePointer<T>,
                                                        _ d: UnsafeMutablePointer<T>, ldd: Int, n: Int,
                                                        into c: UnsafeMutablePointer<T>, ldc: Int, op: StaticString) throws {
        let (B, T_, U, sw) = (k.batch, k.steps, k.units, k.stateWidth)
        T.gemm(transA: true, transB: false, m: U, n: n, k: B * T_ - 1, a: y, lda: sw, b: d + ldd, ldb: ldd, beta: 0,
               c: c, ldc: ldc)
        let scratch = try WindowMath.scratch(B * U, T.self, op: op)
        let diff = scratch.base.assumingMemoryBound(to: T.self)
        for bi in 0..<B {
            let h0 = p.h0 + bi * U, row = diff + bi * U
            if bi == 0 {
                row.update(from: h0, count: U)
            } else {
                let last = y + (bi * T_ - 1) * sw
                for j in 0..<U { row[j] = h0[j] - last[j] }
            }
        }
        T.gemm(transA: true, transB: false, m: U, n: n, k: B, a: diff, lda: U, b: d, ldb: T_ * ldd, beta: 1, c: c, ldc: ldc)
    }

    /// The cotangent buffers of a backward pass (whole batch, or one thread's rows): the
    /// pre-activation cotangents `dZ` per processing step `(batch, steps, G)` (for a GRU the
    /// input-side ones, `dInner` the recurrent-side ones: `(batch, steps, G)` with reset_after,
    /// the cotangent of r·h `(batch, steps, U)` without), the carried state cotangents `dh`, `dc`
    /// `(batch, U)` (zeros at the start, the initial states' gradients at the end), and the
    /// sequence's cotangent `gy` with the forward pass's `y` and `saved`.
    struct Buffers<T: RecurrentFloat> {
        let y: UnsafeMutablePointer<T>, saved: UnsafeMutablePointer<T>, gy: UnsafeMutablePointer<T>
        let dZ: UnsafeMutablePointer<T>, dInner: UnsafeMutablePointer<T>?
        let dh: UnsafeMutablePointer<T>, dc: UnsafeMutablePointer<T>?

        /// The buffers of the rows `r` of the batch `k` these buffers hold.
        func rows(_ r: Geometry, of k: Geometry) -> Buffers {
            let (t, u, g, b) = (k.steps, k.units, k.gates * k.units, r.first - k.first)
            let innerWidth = k.cell == .gru(resetAfter: false) ? u : g
            return Buffers(y: y + b * t * k.stateWidth, saved: saved + b * t * k.savedWidth, gy: gy + b * t * k.stateWidth,
                           dZ: dZ + b * t * g, dInner: dInner.map { $0 + b * t * innerWidth },
                           dh: dh + b * u, dc: dc.map { $0 + b * u })
        }
    }

    /// The gradients of every input (same order as `recurrentSequence`'s recorded inputs) for
    /// the cotangent `gy` of the state sequence.
    static func backward<T: RecurrentFloat>(_: T.Type, _ k: Geometry, _ c: [Tensor], _ yT: Tensor, _ savedT: Tensor,
                                            _ gyT: Tensor, op: StaticString) throws -> [Tensor] {
        let p = Inputs<T>(c, k)
        let (B, T_, U, G) = (k.batch, k.steps, k.units, k.gates * k.units)
        let dRow = T_ * G
        let compute = c[0].dtype
        let dZT = try Tensor.uninitialized([B, T_, G], compute, op: op)
        let dh0T = try Tensor.zeros([B, U], dtype: compute)
        let dc0T = k.cell == .lstm ? try Tensor.zeros([B, U], dtype: compute) : nil
        let resetAfter = k.cell == .gru(resetAfter: true)
        let dInnerT = k.cell.gates == 3 ? try Tensor.uninitialized([B, T_, resetAfter ? G : U], compute, op: op) : nil
        let all = Buffers<T>(y: yT.pointer(T.self), saved: savedT.pointer(T.self), gy: gyT.pointer(T.self),
                             dZ: dZT.pointer(T.self), dInner: dInnerT?.pointer(T.self),
                             dh: dh0T.pointer(T.self), dc: dc0T?.pointer(T.self))
        try RecurrentThreads.overRows(k) { r in
            try backwardRows(r, p.rows(r), all.rows(r, of: k), op: op)
        }
        // The weight gradients: products over every sample and step, their columns split over
        // the threads (each column is the same product whatever the split).
        let y = all.y, dZ = all.dZ
        let drkT = try Tensor.uninitialized([U, G], compute, op: op), drk = drkT.pointer(T.self)
        let drbT = p.rb == nil ? nil : try Tensor.zeros([G], dtype: compute)
        let drb = drbT?.pointer(T.self)
        try RecurrentThreads.overColumns(k, G) { j0, j1 in
            let n = j1 - j0
            switch k.cell {
            case .simpleRNN:
                try previousStateProduct(k, p, y, dZ + j0, ldd: U, n: n, into: drk + j0, ldc: U, op: op)
            case .lstm:
                try previousStateProduct(k, p, y, dZ + j0, ldd: G, n: n, into: drk + j0, ldc: G, op: op)
            case .gru:
                guard let dInner = all.dInner else { return }
                if resetAfter {
                    try previousStateProduct(k, p, y, dInner + j0, ldd: G, n: n, into: drk + j0, ldc: G, op: op)
                    if let drb {
                        for row in 0..<(B * T_) {
                            let di = dInner + row * G
                            for j in j0..<j1 { drb[j] += di[j] }
                        }
                    }
                } else {
                    // drk[:, :2U] from the previous h, drk[:, 2U:] from r·h (kept in the saved rows).
                    if j0 < 2 * U {
                        let e = min(j1, 2 * U)
                        try previousStateProduct(k, p, y, dZ + j0, ldd: G, n: e - j0, into: drk + j0, ldc: G, op: op)
                    }
                    if j1 > 2 * U {
                        let b0 = max(j0, 2 * U)
                        T.gemm(transA: true, transB: false, m: U, n: j1 - b0, k: B * T_, a: all.saved + 3 * U, lda: 4 * U,
                               b: dZ + b0, ldb: G, beta: 0, c: drk + b0, ldc: G)
                    }
                }
            }
        }
        // dxp: dZ in time order.
        var dxp = dZT
        if k.backwards {
            dxp = try Tensor.uninitialized([B, T_, G], compute, op: op)
            let o = dxp.pointer(T.self)
            for bi in 0..<B {
                for s in 0..<T_ { (o + bi * dRow + k.time(s) * G).update(from: dZ + bi * dRow + s * G, count: G) }
            }
        }
        return [dxp, dh0T] + (dc0T.map { [$0] } ?? []) + [drkT] + (drbT.map { [$0] } ?? [])
    }

    /// The backward recurrence of the rows `k` (one thread's share; `p` and `b` start at its first
    /// sample): every step's pre-activation cotangents and the carried state cotangents.
    static func backwardRows<T: RecurrentFloat>(_ k: Geometry, _ p: Inputs<T>, _ b: Buffers<T>, op: StaticString) throws {
        let (y, sv, gy, dZ, dh) = (b.y, b.saved, b.gy, b.dZ, b.dh)
        let (B, T_, U, G) = (k.batch, k.steps, k.units, k.gates * k.units)
        let yRow = T_ * k.stateWidth, sRow = T_ * k.savedWidth, dRow = T_ * G
        let compute = T.dtype
        let masked = try MaskedSteps.Backward<T>(k, compute, op: op)
        switch k.cell {
        case .simpleRNN:
            for s in stride(from: T_ - 1, through: 0, by: -1) {
                masked.save(s, gy, dh, nil)
                for bi in 0..<B {
                    let h = y + bi * yRow + s * U, g = gy + bi * yRow + s * U
                    let d = dZ + bi * dRow + s * U, dhr = dh + bi * U
                    for j in 0..<U { d[j] = (g[j] + dhr[j]) * (1 - h[j] * h[j]) }
                }
                masked.zero(s, dZ + s * U, rowStride: dRow, width: U)
                T.gemm(transA: false, transB: true, m: B, n: U, k: U, a: dZ + s * U, lda: dRow, b: p.rk, ldb: U,
                       beta: 0, c: dh, ldc: U)
                masked.restore(s, dh, nil)
            }
        case .lstm:
            guard let c0 = p.c0, let dc = b.dc else { return }
            let tcT = try Tensor.uninitialized([U], compute, op: op), tc = tcT.pointer(T.self)
            for s in stride(from: T_ - 1, through: 0, by: -1) {
                masked.save(s, gy, dh, dc)
                for bi in 0..<B {
                    let z = sv + bi * sRow + s * G
                    let cn = y + bi * yRow + s * 2 * U + U
                    let cp = s == 0 ? c0 + bi * U : y + bi * yRow + (s - 1) * 2 * U + U
                    let g = gy + bi * yRow + s * 2 * U
                    let d = dZ + bi * dRow + s * G, dhr = dh + bi * U, dcr = dc + bi * U
                    tc.update(from: cn, count: U)
                    T.tanhInPlace(tc, U)
                    T.lstmBackwardRow(z, tc, cp, g, dhr, dcr, d, U)
                }
                masked.zero(s, dZ + s * G, rowStride: dRow, width: G)
                T.gemm(transA: false, transB: true, m: B, n: U, k: G, a: dZ + s * G, lda: dRow, b: p.rk, ldb: G,
                       beta: 0, c: dh, ldc: U)
                masked.restore(s, dh, dc)
            }
        case .gru(let resetAfter):
            guard let dInner = b.dInner else { return }
            let iRow = T_ * (resetAfter ? G : U)
            for s in stride(from: T_ - 1, through: 0, by: -1) {
                let (hp, ld) = previous(s, p.h0, y, k)
                masked.save(s, gy, dh, nil)
                for bi in 0..<B {
                    let sr = sv + bi * sRow + s * 4 * U, g = gy + bi * yRow + s * U
                    let d = dZ + bi * dRow + s * G, dhr = dh + bi * U, hpr = hp + bi * ld
                    let di = dInner + bi * iRow + s * (resetAfter ? G : U)
                    for j in 0..<U {
                        let (z, r, hh) = (sr[j], sr[U + j], sr[2 * U + j])
                        let dhv = g[j] + dhr[j]
                        let dz = dhv * (hpr[j] - hh)
                        let dah = dhv * (1 - z) * (1 - hh * hh)
                        let dzp = dz * z * (1 - z)
                        d[j] = dzp
                        d[2 * U + j] = dah
                        dhr[j] = dhv * z
                        if resetAfter {
                            let inh = sr[3 * U + j]
                            let drp = dah * inh * r * (1 - r)
                            d[U + j] = drp
                            di[j] = dzp
                            di[U + j] = drp
                            di[2 * U + j] = dah * r
                        }
                    }
                }
                masked.zero(s, dZ + s * G, rowStride: dRow, width: G)
                if resetAfter { masked.zero(s, dInner + s * G, rowStride: iRow, width: G) }
                if resetAfter {
                    T.gemm(transA: false, transB: true, m: B, n: U, k: G, a: dInner + s * G, lda: iRow, b: p.rk,
                           ldb: G, beta: 1, c: dh, ldc: U)
                } else {
                    // d(r·h) = dâ_h · U_hᵀ; then dr, and h's share through r·h.
                    let drh = dInner + s * U
                    T.gemm(transA: false, transB: true, m: B, n: U, k: U, a: dZ + s * G + 2 * U, lda: dRow,
                           b: p.rk + 2 * U, ldb: G, beta: 0, c: drh, ldc: iRow)
                    for bi in 0..<B {
                        let sr = sv + bi * sRow + s * 4 * U, d = dZ + bi * dRow + s * G
                        let hpr = hp + bi * ld, dhr = dh + bi * U, dr = drh + bi * iRow
                        for j in 0..<U {
                            let r = sr[U + j]
                            d[U + j] = dr[j] * hpr[j] * r * (1 - r)
                            dhr[j] += dr[j] * r
                        }
                    }
                    T.gemm(transA: false, transB: true, m: B, n: U, k: 2 * U, a: dZ + s * G, lda: dRow, b: p.rk,
                           ldb: G, beta: 1, c: dh, ldc: U)
                }
                masked.restore(s, dh, nil)
            }
        }
    }
}

/// The batch of a fused sequence split over threads: samples run their recurrences independently,
/// so each thread runs the whole sequence on a block of rows with its own GEMMs (OpenBLAS on one
/// thread meanwhile: the threads are the parallelism), and nothing is shared until the join; the
/// weight gradients' products then split their columns. Each row and each weight-gradient column
/// goes through the same operations whatever the split (sums over the same terms in the same
/// order, as far as the GEMM library keeps its order for fewer rows).
enum RecurrentThreads {
    /// The least multiply-adds of recurrent products (over the whole sequence) that make a block
    /// of rows worth a thread. Tests set 0 to split any batch.
    static let minimumWork = Atomic<Int>(1 << 20)

    /// The most row blocks: the online CPUs (a thread setting above them would only shrink each
    /// block's products — 2.4× the CPU time of an LSTM fit at 8 threads on 2 CPUs). Tests raise it.
    static let maximumBlocks = Atomic<Int>(Parallel.onlineCores)

    /// The number of row blocks for `k`: at most one per thread of the setting, per CPU and per sample.
    static func blockCount(_ k: RecurrentKernels.Geometry) -> Int {
        let threads = min(Parallel.cores, maximumBlocks.load(ordering: .relaxed), k.batch)
        if threads <= 1 { return 1 }
        let work = Double(k.batch) * Double(k.steps) * Double(k.units) * Double(k.gates * k.units)
        let least = Double(minimumWork.load(ordering: .relaxed))
        return least <= 0 ? threads : max(1, min(threads, Int(min(work / least, Double(threads)))))
    }

    /// Runs `body` on every row block of `k` (`k.rows(start, count)`), concurrently when there are
    /// several; rethrows the first error.
    static func overRows(_ k: RecurrentKernels.Geometry, _ body: (RecurrentKernels.Geometry) throws -> Void) throws {
        let blocks = blockCount(k)
        if blocks <= 1 { return try body(k) }
        let per = (k.batch + blocks - 1) / blocks
        try concurrently((k.batch + per - 1) / per) { i in try body(k.rows(i * per, min(per, k.batch - i * per))) }
    }

    /// Runs `body(start, end)` on blocks of the columns `0..<n` of a weight product of `k`
    /// (multiples of 16 columns), one per thread as the rows are split.
    static func overColumns(_ k: RecurrentKernels.Geometry, _ n: Int, _ body: (Int, Int) throws -> Void) throws {
        let blocks = min(blockCount(k), (n + 15) / 16)
        if blocks <= 1 { return try body(0, n) }
        let per = ((n + blocks - 1) / blocks + 15) / 16 * 16
        try concurrently((n + per - 1) / per) { i in try body(i * per, min(n, (i + 1) * per)) }
    }

    /// Runs `body(0)`, ..., `body(count − 1)` concurrently with OpenBLAS on one thread; rethrows
    /// the first error.
    private static func concurrently(_ count: Int, _ body: (Int) throws -> Void) throws {
        let failure = Mutex<(any Error)?>(nil)
        BLAS.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: count) { i in
                do { try body(i) } catch { failure.withLock { if $0 == nil { $0 = error } } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// The masked steps of a fused sequence (its `mask` input). Forward, a masked sample's state rows
/// repeat the previous ones; backward, its pre-activation cotangents are zero and the cotangents
/// of its states pass to the previous step unchanged.
enum MaskedSteps {
    /// Forward, after processing step `s`: the rows of the samples masked at `s` get the
    /// previous states (the initial states at step 0).
    static func carryStates<T: RecurrentFloat>(_ k: RecurrentKernels.Geometry, _ p: RecurrentKernels.Inputs<T>,
                                               _ y: UnsafeMutablePointer<T>, _ s: Int) {
        let (u, sw) = (k.units, k.stateWidth)
        for bi in 0..<k.batch where k.masked(bi, s) {
            let row = y + bi * k.steps * sw + s * sw
            if s > 0 {
                row.update(from: row - sw, count: sw)
            } else {
                row.update(from: p.h0 + bi * u, count: u)
                if let c0 = p.c0 { (row + u).update(from: c0 + bi * u, count: u) }
            }
        }
    }

    /// The backward pass's part: for each step, `save` the state cotangents masked samples pass
    /// on (before the step's rows), `zero` their pre-activation rows (before the step's
    /// products), `restore` the carried cotangents (after the products). No-ops without a mask.
    struct Backward<T: RecurrentFloat> {
        let k: RecurrentKernels.Geometry
        /// `(batch, stateWidth)`: per masked sample, the output cotangent plus the carried one.
        let pass: Tensor?

        init(_ k: RecurrentKernels.Geometry, _ dtype: DType, op: StaticString) throws {
            self.k = k
            pass = k.keep == nil ? nil : try Tensor.uninitialized([k.batch, k.stateWidth], dtype, op: op)
        }

        /// Saves `gy + (dh, dc)` of the samples masked at step `s`.
        func save(_ s: Int, _ gy: UnsafeMutablePointer<T>, _ dh: UnsafeMutablePointer<T>, _ dc: UnsafeMutablePointer<T>?) {
            guard let pass else { return }
            let (u, sw) = (k.units, k.stateWidth)
            let out = pass.pointer(T.self)
            for bi in 0..<k.batch where k.masked(bi, s) {
                let g = gy + bi * k.steps * sw + s * sw, o = out + bi * sw
                for j in 0..<u { o[j] = g[j] + dh[bi * u + j] }
                if let dc { for j in 0..<u { o[u + j] = g[u + j] + dc[bi * u + j] } }
            }
        }

        /// Zeroes `width` values of each masked sample's row at step `s` (`rows` points at sample
        /// 0's row of step `s`; samples are `rowStride` apart).
        func zero(_ s: Int, _ rows: UnsafeMutablePointer<T>, rowStride: Int, width: Int) {
            guard pass != nil else { return }
            for bi in 0..<k.batch where k.masked(bi, s) { (rows + bi * rowStride).update(repeating: 0, count: width) }
        }

        /// Sets the carried cotangents of the samples masked at step `s` to the saved ones.
        func restore(_ s: Int, _ dh: UnsafeMutablePointer<T>, _ dc: UnsafeMutablePointer<T>?) {
            guard let pass else { return }
            let (u, sw) = (k.units, k.stateWidth)
            let src = pass.pointer(T.self)
            for bi in 0..<k.batch where k.masked(bi, s) {
                (dh + bi * u).update(from: src + bi * sw, count: u)
                if let dc { (dc + bi * u).update(from: src + bi * sw + u, count: u) }
            }
        }
    }
}
