import SwiftKeras
import SwiftKerasCHeader

/// Reads a tagged C scalar (`sk_scalar_value`, include/swiftkeras/scalar.h) as a Python-style
/// scalar; the core applies the weak-type rule to it. Unknown kinds are an invalid argument.
func scalarValue(_ v: sk_scalar_value, _ fn: StaticString, _ arg: StaticString) throws -> Scalar {
    switch v.kind {
    case SK_SCALAR_INT: return .int(v.v.i)
    case SK_SCALAR_FLOAT: return .float(v.v.f)
    case SK_SCALAR_BOOL: return .bool(v.v.b != 0)
    default:
        throw SwiftKerasError(.invalidArgument,
            "\(fn): \(arg) has unknown scalar kind \(v.kind) (SK_SCALAR_INT, SK_SCALAR_FLOAT or SK_SCALAR_BOOL)")
    }
}
