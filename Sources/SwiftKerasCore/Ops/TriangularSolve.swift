// Triangular systems (`tf.linalg.triangular_solve`, with TF's pullback), and two matrix ops made
// of core ops: `tf.linalg.set_diag` (select) and `tf.linalg.cross` (gather, multiply, subtract).

/// X with A·X = B (or Aᵀ·X = B when `adjoint`) for the lower (or upper) triangular A in each
/// matrix of `matrix` (..., M, M) and B in `rhs` (..., M, K); only A's triangle is read, batch
/// axes broadcast (`tf.linalg.triangular_solve`). Computed in float64 by substitution; a zero
/// on the diagonal gives inf / NaN, as TF. Pullback (TF's): ḡB = solve(A, g, adjoint: !adjoint),
/// ḡA = -(X·ḡBᵀ or ḡB·Xᵀ) restricted to A's triangle.
public func triangularSolve(_ matrix: Tensor, _ rhs: Tensor, lower: Bool = true, adjoint: Bool = false) throws -> Tensor {
    let op: StaticString = "triangular_solve"
    if !matrix.dtype.isFloatingPoint || matrix.dtype != rhs.dtype {
        throw SwiftKerasError.dtype("\(op): matrix and rhs must be float tensors of one dtype, got \(matrix.dtype) and \(rhs.dtype)")
    }
    if matrix.rank < 2 || rhs.rank < 2 || matrix.shape[matrix.rank - 1] != matrix.shape[matrix.rank - 2]
        || rhs.shape[rhs.rank - 2] != matrix.shape[matrix.rank - 1] {
        throw SwiftKerasError.invalid("\(op): matrix must be (..., M, M) and rhs (..., M, K), got \(formatShape(matrix.shape)) and \(formatShape(rhs.shape))")
    }
    let batch = try ShapeMath.broadcast(Array(matrix.shape.dropLast(2)), Array(rhs.shape.dropLast(2)), op: op)
    let m = matrix.shape[matrix.rank - 1], k = rhs.shape[rhs.rank - 1]
    let a = try matrix.broadcasted(to: batch + [m, m]), b = try rhs.broadcasted(to: batch + [m, k])
    let av = a.doubles
    var x = b.doubles
    let count = x.isEmpty ? 0 : x.count / (m &* k)   // no element: m·k may not even fit
    // element (i, j) of the effective triangular matrix (A or Aᵀ)
    let forward = lower != adjoint
    for bi in 0..<count {
        let ab = bi &* m &* m, xb = bi &* m &* k
        func el(_ i: Int, _ j: Int) -> Double { adjoint ? av[ab &+ j &* m &+ i] : av[ab &+ i &* m &+ j] }
        for c in 0..<k {
            for step in 0..<m {
                let i = forward ? step : m - 1 - step
                var s = x[xb &+ i &* k &+ c]
                if forward {
                    for j in 0..<i { s -= el(i, j) * x[xb &+ j &* k &+ c] }
                } else {
                    for j in (i + 1)..<Swift.max(m, i + 1) { s -= el(i, j) * x[xb &+ j &* k &+ c] }
                }
                x[xb &+ i &* k &+ c] = s / el(i, i)
            }
        }
    }
    let out = try Tensor.from(doubles: x, shape: batch + [m, k], dtype: matrix.dtype)
    record(op, [a, b], out, { g in
        if a.count == 0 || out.count == 0 { return [try Tensor.zeros(like: a), try Tensor.zeros(like: b)] }
        let gb = try triangularSolve(a, g, lower: lower, adjoint: !adjoint)
        let perm = swapLastTwo(out.rank)
        let prod = try adjoint ? out.matmul(gb.transposed(perm)) : gb.matmul(out.transposed(perm))
        var mask = [Double](repeating: 0, count: m &* m)
        for i in 0..<m { for j in 0..<m where lower ? j <= i : j >= i { mask[i &* m &+ j] = 1 } }
        let ga = try prod.negated().multiplying(Tensor.from(doubles: mask, shape: [m, m], dtype: g.dtype))
        return [ga, gb]
    })
    return out
}

extension Tensor {
    /// The matrices (..., M, N) with their main diagonal replaced by `diagonal` (..., min(M, N))
    /// (`tf.linalg.set_diag`, k = 0). Gradient: the cotangent off the diagonal, and its diagonal.
    public func settingDiagonal(_ diagonal: Tensor) throws -> Tensor {
        let op: StaticString = "set_diag"
        if rank < 2 {
            throw SwiftKerasError.invalid("\(op): input must have rank >= 2, got shape \(formatShape(shape))")
        }
        let m = shape[rank - 2], n = shape[rank - 1], d = Swift.min(m, n)
        if diagonal.shape != Array(shape.dropLast(2)) + [d] {
            throw SwiftKerasError.invalid("\(op): diagonal must have shape \(formatShape(Array(shape.dropLast(2)) + [d])) for input of shape \(formatShape(shape)), got \(formatShape(diagonal.shape))")
        }
        let padded = try diagonal.padded(Array(repeating: (0, 0), count: diagonal.rank - 1) + [(0, n - d)])
        return try select(Tensor.eye(m, n, dtype: .bool), padded.expandingDims(at: -2), self)
    }
}

/// The pairwise cross products of 3-vectors in the last axis of `a` and `b` (one shape)
/// (`tf.linalg.cross`).
public func cross(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    if a.shape != b.shape || a.rank < 1 || a.shape[a.rank - 1] != 3 {
        throw SwiftKerasError.invalid("cross: a and b must have one shape (..., 3), got \(formatShape(a.shape)) and \(formatShape(b.shape))")
    }
    let i120 = try Tensor([Int32(1), 2, 0], shape: [3]), i201 = try Tensor([Int32(2), 0, 1], shape: [3])
    let ax = a.rank - 1
    return try a.gathered(indices: i120, axis: ax).multiplying(b.gathered(indices: i201, axis: ax))
        .subtracting(a.gathered(indices: i201, axis: ax).multiplying(b.gathered(indices: i120, axis: ax)))
}
