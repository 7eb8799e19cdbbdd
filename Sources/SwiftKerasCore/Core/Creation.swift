/// Tensors made from nothing: constants, identity matrices and ranges.
extension Tensor {
    /// A tensor of `shape` with every element equal to `value` (converted to `dtype`).
    public static func full(_ shape: [Int], value: Double, dtype: DType = .floatx) throws -> Tensor {
        let t = try uninitialized(shape, dtype, op: "full")
        t.fill(value)
        return t
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .floatx) throws -> Tensor {
        try full(shape, value: 0, dtype: dtype)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .floatx) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// Zeros with the shape of `other`, and its dtype unless one is given.
    public static func zeros(like other: Tensor, dtype: DType? = nil) throws -> Tensor {
        try zeros(other.shape, dtype: dtype ?? other.dtype)
    }

    /// Ones with the shape of `other`, and its dtype unless one is given.
    public static func ones(like other: Tensor, dtype: DType? = nil) throws -> Tensor {
        try ones(other.shape, dtype: dtype ?? other.dtype)
    }

    /// `value` everywhere, with the shape of `other`, and its dtype unless one is given.
    public static func full(like other: Tensor, value: Double, dtype: DType? = nil) throws -> Tensor {
        try full(other.shape, value: value, dtype: dtype ?? other.dtype)
    }

    /// A scalar tensor of `dtype`.
    public static func scalar(_ value: Double, dtype: DType = .floatx) throws -> Tensor {
        try full([], value: value, dtype: dtype)
    }

    /// The `rows × columns` identity matrix (ones on the main diagonal).
    public static func eye(_ rows: Int, _ columns: Int? = nil, dtype: DType = .floatx) throws -> Tensor {
        let cols = columns ?? rows
        let t = try zeros([rows, cols], dtype: dtype)
        struct Diagonal: ElementVisitor {
            let rows: Int, cols: Int
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
                for i in 0..<min(rows, cols) { p[i * cols + i] = T(elementFrom: 1.0) }
            }
        }
        t.visit(Diagonal(rows: rows, cols: cols))
        return t
    }

    /// Evenly spaced values in `[start, stop)` with `step`, like numpy's arange.
    public static func arange(start: Double = 0, stop: Double, step: Double = 1,
                              dtype: DType = .floatx) throws -> Tensor {
        if step == 0 || !step.isFinite || !start.isFinite || !stop.isFinite {
            throw SwiftKerasError.invalid("arange: start \(start), stop \(stop) and step \(step) must be finite with a non-zero step")
        }
        // stop - start can overflow to ±inf (start -1e308, stop 1e308): an infinite span is too
        // many elements, a negative one (of any size) none; Int() of either would trap.
        let span = ((stop - start) / step).rounded(.up)
        if span > Double(Int32.max) * 64 || span.isNaN {
            throw SwiftKerasError(.outOfMemory, "arange: start \(start), stop \(stop), step \(step) gives too many elements")
        }
        let n = span > 0 ? Int(span) : 0
        let t = try uninitialized([n], dtype, op: "arange")
        struct Ramp: ElementVisitor {
            let start: Double, step: Double
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
                for i in 0..<n { p[i] = T(elementFrom: start + Double(i) * step) }
            }
        }
        t.visit(Ramp(start: start, step: step))
        return t
    }

    /// Sets every element to `value`. Only for tensors that were just allocated.
    func fill(_ value: Double) {
        struct Fill: ElementVisitor {
            let value: Double
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
                let v = T(elementFrom: value)
                Parallel.forRange(n, grain: 1 << 18) { a, b in
                    (p + a).initialize(repeating: v, count: b - a)
                }
            }
        }
        visit(Fill(value: value))
    }
}
