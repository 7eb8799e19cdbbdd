// Matrix decompositions over the last two axes: QR (`tf.linalg.qr`), the singular value
// decomposition (`tf.linalg.svd`) and the symmetric eigendecomposition (`tf.linalg.eigh`), computed
// in float64 by Core/MatrixFactorizations.swift, with TensorFlow's gradients.
//
// Each op has several outputs; each output is recorded on the tape under the op's name with the
// pullback of TF's gradient for that output's cotangent alone (TF's gradients are linear in the
// cotangents, so the tape's sum over the outputs is TF's gradient). The pullbacks are made of
// differentiable ops on the recorded outputs, so they are differentiable again.

/// The float matrices in the last two axes of `a`: (batch shape, rows, columns, matrix count,
/// values in float64). Errors: SK_ERR_DTYPE for a non-float tensor, SK_ERR_INVALID_ARG for rank < 2.
private func floatMatrices(_ a: Tensor, op: StaticString) throws -> ([Int], Int, Int, Int, [Double]) {
    if !a.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("\(op): expected a float tensor, got \(a.dtype)")
    }
    if a.rank < 2 {
        throw SwiftKerasError.invalid("\(op): input must have rank >= 2, got shape \(formatShape(a.shape))")
    }
    let batch = Array(a.shape.dropLast(2)), m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
    return (batch, m, n, try ShapeMath.count(batch, op: op), a.doubles)
}

/// An output buffer for `count` matrices of shape `dims` (the total checked before allocating:
/// out of memory is an error, never an abort).
private func outputBuffer(_ count: Int, _ dims: [Int], op: StaticString) throws -> [Double] {
    let total = try ShapeMath.count([count] + dims, op: op)
    try CheckedAllocation.check(total, of: Double.self, op: "\(op)")
    var out = [Double]()
    out.reserveCapacity(total)
    return out
}

/// Runs `factor` on each (m, n) matrix of `values` and appends its parts to `outputs`; nothing
/// runs when every part is empty (a batch of empty matrices, however long, gives empty parts).
private func eachMatrix(_ values: [Double], count: Int, m: Int, n: Int, into outputs: inout [[Double]],
                        _ factor: ([Double]) -> [[Double]]) {
    if outputs.allSatisfy({ $0.capacity == 0 }) { return }
    let size = m &* n
    for b in 0..<count {
        let parts = factor(Array(values[(b &* size)..<((b &+ 1) &* size)]))
        for (i, p) in parts.enumerated() { outputs[i] += p }
    }
}

// MARK: - Pullback building blocks (differentiable ops)

/// x with its last two axes swapped.
private func matrixTranspose(_ x: Tensor) throws -> Tensor { try x.transposed(swapLastTwo(x.rank)) }

/// A constant (rows, cols) matrix of `dtype` with entries `f(i, j)`.
private func constantMatrix(_ rows: Int, _ cols: Int, dtype: DType, _ f: (Int, Int) -> Double) throws -> Tensor {
    var v = [Double](repeating: 0, count: rows &* cols)
    for i in 0..<rows { for j in 0..<cols { v[i &* cols &+ j] = f(i, j) } }
    return try Tensor.from(doubles: v, shape: [rows, cols], dtype: dtype)
}

/// Square matrices with `d` (its last axis, length k) on the diagonal (`tf.linalg.diag`).
private func diagonalMatrix(_ d: Tensor) throws -> Tensor {
    let k = d.shape[d.rank - 1]
    return try d.expandingDims(at: -1).multiplying(constantMatrix(k, k, dtype: d.dtype) { i, j in i == j ? 1 : 0 })
}

/// x·(1/(x² + 1e-20)): TF's `_SafeReciprocal`.
private func safeReciprocal(_ x: Tensor) throws -> Tensor {
    try x.dividing(by: x.multiplying(x).adding(.float(1e-20)))
}

/// f(i, j) = 1/(d_j − d_i) off the diagonal, 0 on it (safe reciprocals): TF's F matrix of the
/// SVD and eigh gradients, for `d` of shape (..., k).
private func reciprocalDifferences(_ d: Tensor) throws -> Tensor {
    let k = d.shape[d.rank - 1]
    let diff = try d.expandingDims(at: -2).subtracting(d.expandingDims(at: -1))
    return try safeReciprocal(diff).multiplying(constantMatrix(k, k, dtype: d.dtype) { i, j in i == j ? 0 : 1 })
}

/// `x[..., :, begin ..< begin+count]` (the last axis sliced).
private func columns(_ x: Tensor, _ begin: Int, _ count: Int) throws -> Tensor {
    try x.slice(begin: [Int](repeating: 0, count: x.rank - 1) + [begin],
                size: [Int](repeating: -1, count: x.rank - 1) + [count])
}

/// x·R⁻ᵀ for the square upper-triangular R (TF's `_TriangularSolve` of the QR gradient).
private func timesInverseTranspose(_ x: Tensor, _ r: Tensor) throws -> Tensor {
    try x.matmul(matrixTranspose(matrixInverse(r)))
}

// MARK: - QR

/// The QR decomposition of each matrix in the last two axes of `a` (`tf.linalg.qr`): Q with
/// orthonormal columns and upper-triangular R, Q·R = A. For (m, n) matrices and k = min(m, n),
/// Q is (m, k) and R (k, n), or Q (m, m) and R (m, n) with `fullMatrices`; a's dtype (computed in
/// float64 by Householder reflections, LAPACK's when OpenBLAS is loaded, R's diagonal signs as
/// TensorFlow's). Gradient: TF's (m ≥ n, and the wide case m < n); SK_ERR_UNIMPLEMENTED when
/// m > n with `fullMatrices`, as TF. Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG
/// for rank < 2.
public func qr(_ a: Tensor, fullMatrices: Bool = false) throws -> (q: Tensor, r: Tensor) {
    let op: StaticString = "qr"
    let (batch, m, n, count, values) = try floatMatrices(a, op: op)
    let k = min(m, n), qc = fullMatrices ? m : k, rr = fullMatrices ? m : k
    var out = [try outputBuffer(count, [m, qc], op: op), try outputBuffer(count, [rr, n], op: op)]
    eachMatrix(values, count: count, m: m, n: n, into: &out) { x in
        let (q, r) = MatrixFactorization.qr(x, m: m, n: n, full: fullMatrices)
        return [q, r]
    }
    let q = try Tensor.from(doubles: out[0], shape: batch + [m, qc], dtype: a.dtype)
    let r = try Tensor.from(doubles: out[1], shape: batch + [rr, n], dtype: a.dtype)
    record(op, [a], q, { g in [try qrGradient(a, q, r, dq: g, dr: nil)] })
    record(op, [a], r, { g in [try qrGradient(a, q, r, dq: nil, dr: g)] })
    return (q, r)
}

/// TF's QR gradient (`_QrGrad`) for the cotangents of Q and R (nil = zero).
private func qrGradient(_ a: Tensor, _ q: Tensor, _ r: Tensor, dq: Tensor?, dr: Tensor?) throws -> Tensor {
    let m = q.shape[q.rank - 2], rows = r.shape[r.rank - 2], n = r.shape[r.rank - 1]
    if rows > n && q.shape[q.rank - 1] == m {
        throw SwiftKerasError(.unimplemented, "qr: the gradient is not implemented when rows > columns and full_matrices is true (as TensorFlow), got r of shape \(formatShape(r.shape))")
    }
    let dq = try dq ?? Tensor.zeros(like: q), dr = try dr ?? Tensor.zeros(like: r)
    if m >= n { return try qrGradientDeep(q, r, dq, dr) }
    // Wide: a = [x, y], r = [u, v]; reduced to the square case.
    let y = try columns(a, m, n - m), u = try columns(r, 0, m)
    let dv = try columns(dr, m, n - m), du = try columns(dr, 0, m)
    let dx = try qrGradientDeep(q, u, dq.adding(y.matmul(matrixTranspose(dv))), du)
    return try concatenate([dx, q.matmul(dv)], axis: -1)
}

/// TF's `_QrGradSquareAndDeepMatrices`: q (m, n), r (n, n), m ≥ n.
private func qrGradientDeep(_ q: Tensor, _ r: Tensor, _ dq: Tensor, _ dr: Tensor) throws -> Tensor {
    let n = r.shape[r.rank - 1]
    let qdq = try matrixTranspose(q).matmul(dq)
    let rdr = try r.matmul(matrixTranspose(dr))
    let lower = try constantMatrix(n, n, dtype: q.dtype) { i, j in i >= j ? 1 : 0 }
    let tril = try qdq.subtracting(matrixTranspose(qdq)).adding(rdr.subtracting(matrixTranspose(rdr))).multiplying(lower)
    let gradA = try q.matmul(dr.adding(timesInverseTranspose(tril, r)))
    let gradB = try timesInverseTranspose(dq.subtracting(q.matmul(qdq)), r)
    return try gradA.adding(gradB)
}

// MARK: - SVD

/// The singular value decomposition of each matrix in the last two axes of `a`
/// (`tf.linalg.svd`): A = U·diag(s)·Vᵀ with s descending (…, k), k = min(m, n); with
/// `computeUV`, U (…, m, k) and V (…, n, k), or (…, m, m) and (…, n, n) with `fullMatrices`
/// (u and v are nil without `computeUV`). a's dtype, computed in float64 (LAPACK's dgesvd when
/// OpenBLAS is loaded, else one-sided Jacobi; singular vectors' signs are not unique). A matrix
/// holding NaN or Inf gives NaN s, u and v, as TensorFlow.
/// Gradient: TF's (`_SvdGrad`); SK_ERR_UNIMPLEMENTED for |m − n| > 1 with `fullMatrices`, as TF.
/// Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG for rank < 2.
public func svd(_ a: Tensor, fullMatrices: Bool = false, computeUV: Bool = true) throws
    -> (s: Tensor, u: Tensor?, v: Tensor?) {
    let op: StaticString = "svd"
    let (batch, m, n, count, values) = try floatMatrices(a, op: op)
    let k = min(m, n), uc = computeUV && fullMatrices ? m : k, vc = computeUV && fullMatrices ? n : k
    let full = computeUV && fullMatrices
    var out = [try outputBuffer(count, [k], op: op)]
    if computeUV { out += [try outputBuffer(count, [m, uc], op: op), try outputBuffer(count, [n, vc], op: op)] }
    eachMatrix(values, count: count, m: m, n: n, into: &out) { x in
        let f = MatrixFactorization.svd(x, m: m, n: n, full: full, vectors: computeUV)
        return computeUV ? [f.s, f.u, f.v] : [f.s]
    }
    let s = try Tensor.from(doubles: out[0], shape: batch + [k], dtype: a.dtype)
    guard computeUV else {
        // TF: the gradient of s alone recomputes the (thin) singular vectors: U·diag(ḡ)·Vᵀ.
        record(op, [a], s, { g in
            let f = try svd(a, fullMatrices: false, computeUV: true)
            guard let u = f.u, let v = f.v else { return [nil] }
            return [try svdGradient(a, f.s, u, v, full: false, gs: g, gu: nil, gv: nil)]
        })
        return (s, nil, nil)
    }
    let u = try Tensor.from(doubles: out[1], shape: batch + [m, uc], dtype: a.dtype)
    let v = try Tensor.from(doubles: out[2], shape: batch + [n, vc], dtype: a.dtype)
    record(op, [a], s, { g in [try svdGradient(a, s, u, v, full: full, gs: g, gu: nil, gv: nil)] })
    record(op, [a], u, { g in [try svdGradient(a, s, u, v, full: full, gs: nil, gu: g, gv: nil)] })
    record(op, [a], v, { g in [try svdGradient(a, s, u, v, full: full, gs: nil, gu: nil, gv: g)] })
    return (s, u, v)
}

/// TF's SVD gradient (`_SvdGrad`, real matrices) for the cotangents of s, U and V (nil = zero).
private func svdGradient(_ a: Tensor, _ s: Tensor, _ u: Tensor, _ v: Tensor, full: Bool,
                         gs: Tensor?, gu: Tensor?, gv: Tensor?) throws -> Tensor {
    var m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
    var (u, v) = (u, v)
    var gu = try gu ?? Tensor.zeros(like: u), gv = try gv ?? Tensor.zeros(like: v)
    let gsMat = try diagonalMatrix(gs ?? Tensor.zeros(like: s))
    let adjoint = m > n
    if adjoint {   // the gradient of Aᵀ = V·Sᵀ·Uᵀ, transposed at the end
        (m, n) = (n, m)
        (u, v) = (v, u)
        (gu, gv) = (gv, gu)
    }
    if full && n - m > 1 {
        throw SwiftKerasError(.unimplemented, "svd: the gradient is not implemented for abs(m - n) > 1 when full_matrices is true (as TensorFlow), got a of shape \(formatShape(a.shape))")
    }
    let sMat = try diagonalMatrix(s)
    let f = try reciprocalDifferences(s.multiplying(s))
    let sInvMat = try diagonalMatrix(safeReciprocal(s))
    let v1 = try columns(v, 0, m), gv1 = try columns(gv, 0, m)
    let fu = try f.multiplying(matrixTranspose(u).matmul(gu))
    let fv = try f.multiplying(matrixTranspose(v1).matmul(gv1))
    let term1NoUV = try gsMat.adding(fu.adding(matrixTranspose(fu)).matmul(sMat))
        .adding(sMat.matmul(fv.adding(matrixTranspose(fv))))
    var grad = try u.matmul(term1NoUV.matmul(matrixTranspose(v1)))
    if m != n {
        let gv1t = try matrixTranspose(gv1)
        var term2NoS = try gv1t.subtracting(gv1t.matmul(v1).matmul(matrixTranspose(v1)))
        if full {
            let v2 = try columns(v, m, n - m), gv2 = try columns(gv, m, n - m)
            term2NoS = try term2NoS.subtracting(matrixTranspose(v1).matmul(gv2).matmul(matrixTranspose(v2)))
        }
        grad = try grad.adding(u.matmul(sInvMat).matmul(term2NoS))
    }
    return adjoint ? try matrixTranspose(grad) : grad
}

// MARK: - Symmetric eigendecomposition

/// The eigendecomposition of each symmetric matrix in the last two axes of `a`
/// (`tf.linalg.eigh`; only the lower triangle is read, as TensorFlow): eigenvalues e (…, n)
/// ascending and eigenvectors V (…, n, n) in its columns, A = V·diag(e)·Vᵀ. a's dtype, computed
/// in float64 (LAPACK's dsyev when OpenBLAS is loaded, else Jacobi rotations; eigenvectors' signs
/// are not unique). Gradient: TF's (`_SelfAdjointEigV2Grad`, onto the lower triangle).
/// Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG for non-square matrices and, as
/// TensorFlow ("Self-adjoint eigen decomposition was not successful"), for a NaN or Inf in a
/// matrix's lower triangle.
public func eigh(_ a: Tensor) throws -> (e: Tensor, v: Tensor) {
    let op: StaticString = "eigh"
    let (n, count, values) = try squareMatrices(a, op: op)
    let batch = Array(a.shape.dropLast(2))
    for b in 0..<(n > 0 ? count : 0) {   // a batch of empty matrices, however long, holds nothing
        for i in 0..<n {
            for j in 0...i where !values[b &* n &* n &+ i &* n &+ j].isFinite {
                throw SwiftKerasError(.invalidArgument, "\(op): the self-adjoint eigendecomposition was not successful: matrix \(b) holds \(values[b &* n &* n &+ i &* n &+ j]) at [\(i), \(j)] in its lower triangle (the input must be finite)")
            }
        }
    }
    var out = [try outputBuffer(count, [n], op: op), try outputBuffer(count, [n, n], op: op)]
    eachMatrix(values, count: count, m: n, n: n, into: &out) { x in
        let f = MatrixFactorization.eigh(x, n: n)
        return [f.e, f.v]
    }
    let e = try Tensor.from(doubles: out[0], shape: batch + [n], dtype: a.dtype)
    let v = try Tensor.from(doubles: out[1], shape: batch + [n, n], dtype: a.dtype)
    record(op, [a], e, { g in [try eighGradient(e, v, ge: g, gv: nil)] })
    record(op, [a], v, { g in [try eighGradient(e, v, ge: nil, gv: g)] })
    return (e, v)
}

/// TF's eigh gradient for the cotangents of e and V (nil = zero): G = V·(diag(ḡe) + F∘(Vᵀ·ḡV))·Vᵀ,
/// then the lower triangle of G + Gᵀ with its diagonal halved.
private func eighGradient(_ e: Tensor, _ v: Tensor, ge: Tensor?, gv: Tensor?) throws -> Tensor {
    let n = e.shape[e.rank - 1]
    var inner = try diagonalMatrix(ge ?? Tensor.zeros(like: e))
    if let gv { inner = try inner.adding(reciprocalDifferences(e).multiplying(matrixTranspose(v).matmul(gv))) }
    let g = try v.matmul(inner.matmul(matrixTranspose(v)))
    let lowerHalvedDiagonal = try constantMatrix(n, n, dtype: e.dtype) { i, j in i > j ? 1 : (i == j ? 0.5 : 0) }
    return try g.adding(matrixTranspose(g)).multiplying(lowerHalvedDiagonal)
}

// MARK: - Least squares by the complete orthogonal decomposition

/// The minimum-norm least-squares solution of each system in the last two axes
/// (`tf.linalg.lstsq(matrix, rhs, fast=False)`): for A (…, m, n) and B (…, m, k) of the same
/// batch shape and dtype (float32 or float64, TF's kernels), X (…, n, k) minimizes |A·X − B| and
/// has the smallest norm among the minimizers, also for a rank-deficient A. Computed in float64
/// from the SVD, X = V·diag(1/s)·Uᵀ·B over the singular values above ε·min(m, n)·s_max (ε of a's
/// dtype: the rank threshold of the complete orthogonal decomposition TF's kernel runs in a's
/// dtype, so a matrix of rank r to within float32 rounding is solved as rank r, as TF).
/// `l2Regularizer` must be ≥ 0 and is otherwise not used: TF documents that fast=False ignores it.
/// No gradient, as TF: differentiating through it throws SK_ERR_INVALID_ARG ("Gradient not defined
/// for fast=False", TF's ValueError). Errors: SK_ERR_DTYPE for another dtype or differing dtypes,
/// SK_ERR_INVALID_ARG for ranks < 2 or different, other batch shapes, or row counts that differ.
public func lstsqMinimumNorm(_ a: Tensor, _ b: Tensor, l2Regularizer: Double = 0) throws -> Tensor {
    let op: StaticString = "lstsq"
    if !(l2Regularizer >= 0) { throw SwiftKerasError.invalid("lstsq: l2_regularizer must be >= 0, got \(l2Regularizer)") }
    let eps: Double
    switch a.dtype {
    case .float32: eps = Double(Float.ulpOfOne)
    case .float64: eps = Double.ulpOfOne
    default: throw SwiftKerasError.dtype("lstsq: expected a float32 or float64 matrix, got \(a.dtype)")
    }
    if b.dtype != a.dtype { throw SwiftKerasError.dtype("lstsq: matrix is \(a.dtype) but rhs is \(b.dtype)") }
    if a.rank < 2 || b.rank != a.rank {
        throw SwiftKerasError.invalid("lstsq: matrix and rhs need the same rank >= 2, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))")
    }
    let batch = Array(a.shape.dropLast(2)), m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], r = b.shape[b.rank - 1]
    if Array(b.shape.dropLast(2)) != batch || b.shape[b.rank - 2] != m {
        throw SwiftKerasError.invalid("lstsq: matrix \(formatShape(a.shape)) and rhs \(formatShape(b.shape)) are incompatible (the same batch shape and row count are needed)")
    }
    let count = try ShapeMath.count(batch, op: op), k = min(m, n)
    var out = try outputBuffer(count, [n, r], op: op)
    let av = a.doubles, bv = b.doubles
    for i in 0..<count {
        var x = [Double](repeating: 0, count: n &* r)
        if k > 0 && r > 0 {
            let f = MatrixFactorization.svd(Array(av[(i &* m &* n)..<((i &+ 1) &* m &* n)]), m: m, n: n, full: false, vectors: true)
            let rhs = bv[(i &* m &* r)..<((i &+ 1) &* m &* r)], base = rhs.startIndex
            let tolerance = eps * Double(k) * f.s[0]
            for j in 0..<k where f.s[j] > tolerance {
                // c = (U[:, j]ᵀ·B) / s_j, then X += V[:, j]·c
                var c = [Double](repeating: 0, count: r)
                for row in 0..<m {
                    let u = f.u[row &* k &+ j]
                    for col in 0..<r { c[col] += u * rhs[base &+ row &* r &+ col] }
                }
                for row in 0..<n {
                    let v = f.v[row &* k &+ j] / f.s[j]
                    for col in 0..<r { x[row &* r &+ col] += v * c[col] }
                }
            }
        }
        out += x
    }
    let x = try Tensor.from(doubles: out, shape: batch + [n, r], dtype: a.dtype)
    record(op, [a, b], x, { _ in throw SwiftKerasError.invalid("lstsq: Gradient not defined for fast=False") })
    return x
}
