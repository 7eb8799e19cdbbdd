// The Cholesky factor of symmetric positive-definite matrices (`tf.linalg.cholesky`), over the
// last two axes, with TensorFlow's pullback (made of matmul, the inverse and a lower-triangle
// mask, so it is differentiable again).

/// The lower-triangular L with L·Lᵀ = A for each matrix in the last two axes of `a`, in a's
/// dtype (computed in float64; only the lower triangle of A is read, as TensorFlow does).
/// Pullback (TF's): with P = Φ(Lᵀ·g) (lower triangle, diagonal halved),
/// ḡ = ½·(S + Sᵀ) for S = L⁻ᵀ·P·L⁻¹. Errors: SK_ERR_DTYPE for a non-float tensor;
/// SK_ERR_INVALID_ARG for non-square matrices or a matrix that is not positive definite.
public func cholesky(_ a: Tensor) throws -> Tensor {
    let op: StaticString = "cholesky"
    let (n, count, values) = try squareMatrices(a, op: op)
    var out = [Double](repeating: 0, count: values.count)
    for b in 0..<count {
        let base = b &* n &* n
        for i in 0..<n {
            for j in 0...i {
                var s = values[base &+ i &* n &+ j]
                for k in 0..<j { s -= out[base &+ i &* n &+ k] * out[base &+ j &* n &+ k] }
                if i == j {
                    if !(s > 0) {
                        throw SwiftKerasError.invalid("\(op): Cholesky decomposition was not successful: matrix \(b) of a batch of shape \(formatShape(a.shape)) is not positive definite (pivot \(i) is \(s))")
                    }
                    out[base &+ i &* n &+ i] = s.squareRoot()
                } else {
                    out[base &+ i &* n &+ j] = s / out[base &+ j &* n &+ j]
                }
            }
        }
    }
    let l = try Tensor.from(doubles: out, shape: a.shape, dtype: a.dtype)
    record(op, [a], l, { g in
        let perm = swapLastTwo(l.rank)
        // Φ: the lower triangle with the diagonal halved, as a constant mask.
        var mask = [Double](repeating: 0, count: n &* n)
        for i in 0..<n { for j in 0...i { mask[i &* n &+ j] = i == j ? 0.5 : 1 } }
        let phi = try Tensor.from(doubles: mask, shape: [n, n], dtype: g.dtype)
        let p = try l.transposed(perm).matmul(g).multiplying(phi)
        let lInv = try matrixInverse(l)
        let s = try lInv.transposed(perm).matmul(p).matmul(lInv)
        return [try s.adding(s.transposed(perm)).multiplying(.float(0.5))]
    })
    return l
}
