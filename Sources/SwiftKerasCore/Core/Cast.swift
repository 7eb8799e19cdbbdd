/// Conversion between any two dtypes.
///
/// Float → int truncates toward zero (saturating at the int range, NaN → 0, so no input can
/// trap); int → narrower int wraps; anything → bool is `!= 0`; float32 → float16/bfloat16 rounds
/// to nearest even. float16 and bfloat16 go through float32 exactly.
extension Tensor {
    /// This tensor converted to `dtype` (the same tensor when the dtype already matches).
    public func cast(to dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        if dtype == .string || self.dtype == .string {
            throw SwiftKerasError.dtype("cast: casting \(self.dtype) to \(dtype) is not supported (use tf.strings.to_number / tf.strings.as_string)")
        }
        let out = try Tensor.uninitialized(shape, dtype, op: "cast")
        Tensor.convert(self, into: out)
        let srcType = self.dtype
        record("cast", [self], out, { g in
            [srcType.isFloatingPoint && dtype.isFloatingPoint ? try g.cast(to: srcType) : nil]
        })
        return out
    }

    /// Converts `src`'s elements into the same-sized `dst` buffer.
    static func convert(_ src: Tensor, into dst: Tensor) {
        let n = src.count
        switch (src.dtype, dst.dtype) {
        case (.float32, .float16): convertFast(src, dst, n) { (x: Float) in Float16(x) }
        case (.float16, .float32): convertFast(src, dst, n) { (x: Float16) in Float(x) }
        case (.float32, .bfloat16): convertFast(src, dst, n) { (x: Float) in BFloat16(x) }
        case (.bfloat16, .float32): convertFast(src, dst, n) { (x: BFloat16) in x.floatValue }
        case (.float32, .float64): convertFast(src, dst, n) { (x: Float) in Double(x) }
        case (.float64, .float32): convertFast(src, dst, n) { (x: Double) in Float(x) }
        default:
            src.visit(ConvertFrom(dst: dst))
        }
    }

    /// The float conversions with a direct element initializer, split over threads.
    @inline(__always)
    private static func convertFast<S: TensorElement, D: TensorElement>(
        _ src: Tensor, _ dst: Tensor, _ n: Int, _ f: (S) -> D
    ) {
        let s = src.pointer(S.self), d = dst.pointer(D.self)
        Parallel.forRange(n) { a, b in for i in a..<b { d[i] = f(s[i]) } }
    }

    /// Double dispatch: first on the source element type, then on the destination's.
    private struct ConvertFrom: ElementVisitor {
        let dst: Tensor
        func visit<S: TensorElement>(_ s: UnsafeMutablePointer<S>, _ n: Int) {
            dst.visit(ConvertInto(src: s))
        }
    }

    private struct ConvertInto<S: TensorElement>: ElementVisitor {
        let src: UnsafeMutablePointer<S>
        func visit<D: TensorElement>(_ d: UnsafeMutablePointer<D>, _ n: Int) {
            Tensor.convertGeneric(src, d, n)
        }
    }

    fileprivate static func convertGeneric<S: TensorElement, D: TensorElement>(
        _ s: UnsafeMutablePointer<S>, _ d: UnsafeMutablePointer<D>, _ n: Int
    ) {
        let intToInt = !S.dtype.isFloatingPoint && !D.dtype.isFloatingPoint
        if intToInt {
            for i in 0..<n { d[i] = D(elementFrom: s[i].int64Value) }
        } else {
            for i in 0..<n { d[i] = D(elementFrom: s[i].doubleValue) }
        }
    }
}
