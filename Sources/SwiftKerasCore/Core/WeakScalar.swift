extension Tensor {
    /// The rank-0 tensor a Python-style ("weak") scalar becomes next to this tensor: the dtype
    /// `s.resultType(with: dtype)` gives (an int or bool takes this tensor's dtype, int32 for a bool
    /// tensor; a float takes a float dtype, else float32), the same tensor every scalar op and
    /// the C/Python `x OP scalar` paths compute with. Throws `invalidArgument` for an int that
    /// does not fit an integer result dtype (`int32 + 2**40`, `uint8 + 256`), as TensorFlow does,
    /// instead of wrapping it; the error names `op`.
    public func weakScalar(_ s: Scalar, op: StaticString = "weak_scalar") throws -> Tensor {
        let target = s.resultType(with: dtype)
        let t: Tensor
        switch s {
        case .bool(let v): t = Tensor(scalar: v)
        case .int(let v):
            let fits: Bool
            switch target {
            case .int32: fits = v >= Int64(Int32.min) && v <= Int64(Int32.max)
            case .uint8: fits = v >= 0 && v <= 255
            default: fits = true
            }
            if !fits {
                throw SwiftKerasError.invalid(
                    "\(op): the Python int \(v) does not fit \(target), the dtype it takes next to a tensor of dtype \(dtype) (weak-scalar rule); cast the tensor first")
            }
            t = Tensor(scalar: v)
        case .float(let v): t = Tensor(scalar: v)
        }
        return try t.cast(to: target)
    }
}
