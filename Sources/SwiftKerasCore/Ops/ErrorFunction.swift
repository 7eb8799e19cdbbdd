// The Gauss error function (`tf.math.erf`), elementwise: the building block of the exact GELU.
import Glibc

/// erf(x) elementwise for a float tensor, in x's dtype (computed in float64 with libm's erf).
/// Pullback: g·2/√π·e^(−x²). Errors: SK_ERR_DTYPE for a non-float tensor (as TensorFlow).
public func erf(_ x: Tensor) throws -> Tensor {
    let op: StaticString = "erf"
    if !x.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("\(op): expected a float tensor, got \(x.dtype)")
    }
    let out = try Tensor.from(doubles: x.doubles.map { Glibc.erf($0) }, shape: x.shape, dtype: x.dtype)
    record(op, [x], out, { g in
        [try g.multiplying(exp(x.multiplying(x).negated()).multiplying(.float(1.1283791670955126)))]
    })
    return out
}
