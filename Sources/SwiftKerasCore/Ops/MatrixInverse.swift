// Square-matrix inverse and determinant over the last two axes (`tf.linalg.inv`, `tf.linalg.det`),
// by LU factorisation with partial pivoting in float64 per matrix. Both are differentiable to
// any order: their pullbacks are made of matmul, transpose and the inverse itself.

/// The LU factorisation of one n×n matrix (row-major, float64) with partial pivoting.
private struct LU {
    var a: [Double]
    let n: Int
    var perm: [Int]
    /// +1 or -1: the sign of the row permutation.
    var sign: Double = 1
    /// Whether a pivot was exactly zero (the matrix is singular).
    var singular = false

    init(_ m: ArraySlice<Double>, n: Int) {
        a = Array(m)
        self.n = n
        perm = Array(0..<n)
        for k in 0..<n {
            var p = k, best = Swift.abs(a[k &* n &+ k])
            for r in (k + 1)..<Swift.max(n, k + 1) where Swift.abs(a[r &* n &+ k]) > best {
                p = r
                best = Swift.abs(a[r &* n &+ k])
            }
            if best == 0 || best.isNaN {
                singular = singular || best == 0
                continue
            }
            if p != k {
                for c in 0..<n { a.swapAt(k &* n &+ c, p &* n &+ c) }
                perm.swapAt(k, p)
                sign = -sign
            }
            let pivot = a[k &* n &+ k]
            for r in (k + 1)..<Swift.max(n, k + 1) {
                let f = a[r &* n &+ k] / pivot
                a[r &* n &+ k] = f
                if f != 0 {
                    for c in (k + 1)..<n { a[r &* n &+ c] -= f * a[k &* n &+ c] }
                }
            }
        }
    }

    var determinant: Double {
        var d = sign
        for k in 0..<n { d *= a[k &* n &+ k] }
        return d
    }

    /// A⁻¹ (row-major), solving LU·x = P·e_j for each column j.
    var inverse: [Double] {
        var out = [Double](repeating: 0, count: n &* n)
        var col = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<n { col[i] = perm[i] == j ? 1 : 0 }
            for i in 0..<n {
                var s = col[i]
                for k in 0..<i { s -= a[i &* n &+ k] * col[k] }
                col[i] = s
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = col[i]
                for k in (i + 1)..<Swift.max(n, i + 1) { s -= a[i &* n &+ k] * col[k] }
                col[i] = s / a[i &* n &+ i]
            }
            for i in 0..<n { out[i &* n &+ j] = col[i] }
        }
        return out
    }
}

/// The batch of n×n matrices in `a` (rank >= 2, square, float): (n, matrix count, values).
func squareMatrices(_ a: Tensor, op: StaticString) throws -> (Int, Int, [Double]) {
    if !a.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("\(op): expected a float tensor, got \(a.dtype)")
    }
    if a.rank < 2 || a.shape[a.rank - 1] != a.shape[a.rank - 2] {
        throw SwiftKerasError.invalid("\(op): input must be a batch of square matrices (rank >= 2, last two axes equal), got shape \(formatShape(a.shape))")
    }
    let n = a.shape[a.rank - 1]
    // No element, no matrix: (0, 2^62, 2^62) has none, and n·n would wrap to 0 there.
    return (n, a.count == 0 ? 0 : a.count / (n &* n), a.doubles)
}

/// The permutation swapping the last two axes of a rank-`r` tensor.
func swapLastTwo(_ r: Int) -> [Int] { Array(0..<(r - 2)) + [r - 1, r - 2] }

/// The inverse of each square matrix in the last two axes of `a` (`tf.linalg.inv`), in a's
/// dtype (computed in float64). Pullback: -A⁻ᵀ·g·A⁻ᵀ. Errors: SK_ERR_DTYPE for a non-float
/// tensor; SK_ERR_INVALID_ARG for a shape that is not a batch of square matrices, or a
/// singular matrix ("input is not invertible", as TensorFlow).
public func matrixInverse(_ a: Tensor) throws -> Tensor {
    let op: StaticString = "matrix_inverse"
    let (n, count, values) = try squareMatrices(a, op: op)
    var out = [Double](repeating: 0, count: values.count)
    for b in 0..<count {
        let lu = LU(values[(b &* n &* n)..<((b &+ 1) &* n &* n)], n: n)
        if lu.singular {
            throw SwiftKerasError.invalid("\(op): input is not invertible (matrix \(b) of a batch of shape \(formatShape(a.shape)) is singular)")
        }
        out.replaceSubrange((b &* n &* n)..<((b &+ 1) &* n &* n), with: lu.inverse)
    }
    let result = try Tensor.from(doubles: out, shape: a.shape, dtype: a.dtype)
    record(op, [a], result, { g in
        let yt = try result.transposed(swapLastTwo(result.rank))
        return [try yt.matmul(g).matmul(yt).negated()]
    })
    return result
}

/// The determinant of each square matrix in the last two axes of `a` (`tf.linalg.det`): shape
/// a.shape minus the last two axes, a's dtype (computed in float64; a singular matrix gives 0).
/// Pullback: g·det(A)·A⁻ᵀ (needs A invertible where the gradient is asked for).
/// Errors: as matrixInverse except singularity.
public func matrixDeterminant(_ a: Tensor) throws -> Tensor {
    let op: StaticString = "matrix_determinant"
    let (n, count, values) = try squareMatrices(a, op: op)
    var out = [Double](repeating: 1, count: count)
    for b in 0..<count where n > 0 {
        out[b] = LU(values[(b &* n &* n)..<((b &+ 1) &* n &* n)], n: n).determinant
    }
    let result = try Tensor.from(doubles: out, shape: Array(a.shape.dropLast(2)), dtype: a.dtype)
    record(op, [a], result, { g in
        let scale = try g.multiplying(result).expandingDims(at: -1).expandingDims(at: -1)
        let invT = try matrixInverse(a).transposed(swapLastTwo(a.rank))
        return [try scale.multiplying(invT)]
    })
    return result
}
