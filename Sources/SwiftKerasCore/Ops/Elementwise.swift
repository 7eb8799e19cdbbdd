import SwiftKerasKernels
import Dispatch
import Glibc

// The front doors of the elementwise families. Each op: validate → promote dtypes and
// broadcast shapes → run a kernel on raw buffers → record (for the tape).

/// How a binary elementwise op treats dtypes.
enum BinaryDTypeRule {
    /// The result has the promoted dtype of the operands (add, multiply, ...).
    case promote
    /// Like `.promote`, but integer/bool operands compute in floatx (true division; Keras'
    /// `result_type(a, b, float)`).
    case promoteToFloat
    /// The operands are promoted for comparison; the result is bool (equal, less, ...).
    case compare
}

/// How a unary elementwise op treats dtypes.
enum UnaryDTypeRule {
    /// The result keeps the input dtype (float16/bfloat16 compute in float32).
    case keep
    /// Float-only math: integer and bool inputs become floatx first (float32 by default; Keras 3's
    /// `result_type(x, float)`).
    case toFloat
    /// The kernel reads the compute dtype and writes bool (logical not, isnan, ...).
    case toBool
}

extension Tensor {
    /// The result dtype and compute dtype of a binary op on `a` and `b`.
    static func binaryTypes(_ a: DType, _ b: DType, _ rule: BinaryDTypeRule) -> (compute: DType, result: DType) {
        var p = a.promoted(with: b)
        // Keras' result_type(a, b, float): a weak float gives floatx's precision (float32 by default).
        if rule == .promoteToFloat && !p.isFloatingPoint { p = Scalar.float(0).resultType(with: p) }
        let compute = p.computeType
        return (compute, rule == .compare ? .bool : p)
    }

    /// The front door of every binary elementwise op: promotes both operands to a common compute
    /// dtype, broadcasts them, runs `kernel` row by row and casts to the result dtype.
    /// `kernel(dtype, a, b, out, n, strideA, strideB)` works on raw buffers of the compute dtype,
    /// writing `n` outputs (of the compute dtype, or bool for comparisons).
    static func binary(_ op: StaticString, _ a: Tensor, _ b: Tensor, rule: BinaryDTypeRule,
                       kernel: (DType, UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                UnsafeMutableRawPointer, Int, Int, Int) throws -> Void) throws -> Tensor {
        try a.requireNumeric(op)
        try b.requireNumeric(op)
        let shape = try ShapeMath.broadcast(a.shape, b.shape, op: op)
        let (compute, result) = binaryTypes(a.dtype, b.dtype, rule)
        let ac = try a.cast(to: compute), bc = try b.cast(to: compute)
        let outType = rule == .compare ? DType.bool : compute
        let out = try Tensor.uninitialized(shape, outType, op: op)
        if out.count == 0 { return try out.cast(to: result) }
        let ab = ac.dtype.byteSize, ob = out.dtype.byteSize
        if ac.shape == shape && bc.shape == shape {
            // Same shapes: one flat run, split across cores when large.
            var failure: Error? = nil
            balancedForRange(out.count, grain: 1 << 16) { s, e in
                do {
                    try kernel(compute, ac.raw + s * ab, bc.raw + s * ab, out.raw + s * ob, e - s, 1, 1)
                } catch { failure = error }
            }
            if let failure { throw failure }
        } else if bc.count == 1 || ac.count == 1 {
            let sa = ac.count == 1 ? 0 : 1, sb = bc.count == 1 ? 0 : 1
            var failure: Error? = nil
            balancedForRange(out.count, grain: 1 << 16) { s, e in
                do {
                    try kernel(compute, ac.raw + s * sa * ab, bc.raw + s * sb * ab, out.raw + s * ob, e - s, sa, sb)
                } catch { failure = error }
            }
            if let failure { throw failure }
        } else {
            let sa = ShapeMath.broadcastStrides(from: ac.shape, to: shape)
            let sb = ShapeMath.broadcastStrides(from: bc.shape, to: shape)
            var failure: Error? = nil
            forEachBroadcastRow(shape: shape, stridesA: sa, stridesB: sb) { oa, obb, oo, n, ia, ib in
                if failure != nil { return }
                do { try kernel(compute, ac.raw + oa * ab, bc.raw + obb * ab, out.raw + oo * ob, n, ia, ib) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        return try out.cast(to: result)
    }

    /// The front door of every unary elementwise op. `rule` picks the result dtype (see
    /// `UnaryDTypeRule`); float16 and bfloat16 compute in float32. `allow` rejects dtypes
    /// (checked on the input dtype). `kernel(computeDType, in, out, n)` maps `n` contiguous
    /// elements; it runs on all cores for large tensors.
    static func unary(_ op: StaticString, _ x: Tensor, rule: UnaryDTypeRule = .keep,
                      allow: (DType) -> Bool = { _ in true },
                      kernel: (DType, UnsafeMutableRawPointer, UnsafeMutableRawPointer, Int) -> Void) throws -> Tensor {
        try x.requireNumeric(op)
        if !allow(x.dtype) {
            throw SwiftKerasError.dtype("\(op): dtype \(x.dtype) is not supported")
        }
        let source = rule == .toFloat && !x.dtype.isFloatingPoint ? try x.cast(to: Scalar.float(0).resultType(with: x.dtype)) : x
        let xc = try source.cast(to: source.dtype.computeType)
        let outType = rule == .toBool ? DType.bool : xc.dtype
        let out = try Tensor.uninitialized(x.shape, outType, op: op)
        let ib = xc.dtype.byteSize, ob = outType.byteSize
        balancedForRange(out.count, grain: 1 << 15) { s, e in
            kernel(xc.dtype, xc.raw + s * ib, out.raw + s * ob, e - s)
        }
        return rule == .toBool ? out : try out.cast(to: source.dtype)
    }

    /// The front door of ternary elementwise ops (`select`, `clip` with tensor bounds): the three
    /// operands are broadcast together (numpy rules); `a` is cast to `typeA`, `b` and `c` to
    /// `typeBC`; the kernel writes elements of `outType`.
    /// `kernel(a, b, c, out, n, strideA, strideB, strideC)` works on raw buffers.
    static func ternary(_ op: StaticString, _ a: Tensor, _ b: Tensor, _ c: Tensor,
                        typeA: DType, typeBC: DType, outType: DType,
                        kernel: (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                 UnsafeMutableRawPointer, Int, Int, Int, Int) -> Void) throws -> Tensor {
        for t in [a, b, c] { try t.requireNumeric(op) }
        let shape: [Int]
        do {
            shape = try ShapeMath.broadcast(try ShapeMath.broadcast(a.shape, b.shape, op: op), c.shape, op: op)
        } catch {
            throw SwiftKerasError.invalid(
                "\(op): shapes \(formatShape(a.shape)), \(formatShape(b.shape)) and \(formatShape(c.shape)) cannot be broadcast together")
        }
        let ac = try a.cast(to: typeA), bc = try b.cast(to: typeBC), cc = try c.cast(to: typeBC)
        let out = try Tensor.uninitialized(shape, outType, op: op)
        if out.count == 0 { return out }
        let sizeA = typeA.byteSize, sizeBC = typeBC.byteSize, sizeO = outType.byteSize
        let flat = [ac, bc, cc].allSatisfy { $0.shape == shape || $0.count == 1 }
        if flat {
            let sa = ac.count == 1 ? 0 : 1, sb = bc.count == 1 ? 0 : 1, sc = cc.count == 1 ? 0 : 1
            balancedForRange(out.count, grain: 1 << 16) { s, e in
                kernel(ac.raw + s * sa * sizeA, bc.raw + s * sb * sizeBC, cc.raw + s * sc * sizeBC,
                       out.raw + s * sizeO, e - s, sa, sb, sc)
            }
        } else {
            let strides = [ac, bc, cc].map { ShapeMath.broadcastStrides(from: $0.shape, to: shape) }
            forEachBroadcastRow3(shape: shape, strides: strides) { oa, obb, oc, oo, n, ia, ib, ic in
                kernel(ac.raw + oa * sizeA, bc.raw + obb * sizeBC, cc.raw + oc * sizeBC,
                       out.raw + oo * sizeO, n, ia, ib, ic)
            }
        }
        return out
    }
}

/// `Parallel.forRange` with load balancing: large ranges are cut into up to 8 chunks per core
/// (each at least `grain` elements, a multiple of 64 elements so SIMD loops stay aligned) that
/// Dispatch hands to whichever thread is free. On a machine where another process holds a
/// core, the free core then takes most chunks instead of waiting for an even split.
/// (Candidate for Core/Parallel.swift.)
@inline(__always)
func balancedForRange(_ count: Int, grain: Int, _ body: (Int, Int) -> Void) {
    let cores = Parallel.cores
    if cores <= 1 || count < 2 * grain {
        body(0, count)
        return
    }
    let chunks = Swift.min(count / grain, cores * 8)
    let per = ((count + chunks - 1) / chunks + 63) & ~63
    let used = (count + per - 1) / per
    DispatchQueue.concurrentPerform(iterations: used) { c in
        let s = c * per
        let e = Swift.min(count, s + per)
        if s < e { body(s, e) }
    }
}

/// Like `forEachBroadcastRow`, for three operands: calls `body(offA, offB, offC, offOut, n,
/// strideA, strideB, strideC)` once per innermost row. (Candidate for Core/Shape.swift.)
@inline(__always)
private func forEachBroadcastRow3(shape: [Int], strides: [[Int]],
                                  _ body: (Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0, 0, 0, 0, 1, 0, 0, 0); return }
    let inner = shape[rank - 1]
    if inner == 0 { return }
    var outer = 1
    for i in 0..<(rank - 1) { outer &*= shape[i] }
    if outer == 0 { return }
    let sA = strides[0], sB = strides[1], sC = strides[2]
    var index = [Int](repeating: 0, count: rank)
    var offA = 0, offB = 0, offC = 0, offOut = 0
    for _ in 0..<outer {
        body(offA, offB, offC, offOut, inner, sA[rank - 1], sB[rank - 1], sC[rank - 1])
        offOut &+= inner
        var d = rank - 2
        while d >= 0 {
            index[d] &+= 1
            offA &+= sA[d]; offB &+= sB[d]; offC &+= sC[d]
            if index[d] < shape[d] { break }
            offA &-= sA[d] &* shape[d]; offB &-= sB[d] &* shape[d]; offC &-= sC[d] &* shape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// Runs `body` with typed pointers for a compute dtype (float32, float64, int32, int64, uint8, bool).
@inline(__always)
func withComputeType<R>(_ dtype: DType, _ body: (any TensorElement.Type) -> R) -> R {
    switch dtype {
    case .float32, .float16, .bfloat16: return body(Float.self)
    case .float64: return body(Double.self)
    case .int32: return body(Int32.self)
    case .int64, .string: return body(Int64.self)   // strings: refused before any kernel runs
    case .uint8: return body(UInt8.self)
    case .bool: return body(Bool.self)
    }
}

/// A strided binary loop over raw pointers bound to `T` and `U`: `out[i] = f(a[i*sa], b[i*sb])`.
@inline(__always)
func binaryLoop<T, U>(_ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer,
                      _ n: Int, _ sa: Int, _ sb: Int, _ f: (T, T) -> U) {
    binaryLoop(a.assumingMemoryBound(to: T.self), b.assumingMemoryBound(to: T.self),
               o.assumingMemoryBound(to: U.self), n, sa, sb, f)
}

/// A strided binary loop over typed pointers: `out[i] = f(a[i*sa], b[i*sb])`, with the
/// contiguous and scalar-operand cases as loops of their own (shared by the elementwise and the
/// broadcasting kernels).
@inline(__always)
func binaryLoop<T, U>(_ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>, _ po: UnsafeMutablePointer<U>,
                      _ n: Int, _ sa: Int, _ sb: Int, _ f: (T, T) -> U) {
    if sa == 1 && sb == 1 {
        for i in 0..<n { po[i] = f(pa[i], pb[i]) }
    } else if sa == 1 && sb == 0 {
        let y = pb[0]
        for i in 0..<n { po[i] = f(pa[i], y) }
    } else if sa == 0 && sb == 1 {
        let x = pa[0]
        for i in 0..<n { po[i] = f(x, pb[i]) }
    } else {
        for i in 0..<n { po[i] = f(pa[i &* sa], pb[i &* sb]) }
    }
}

/// `out[i] = f(x[i])` over typed pointers.
@inline(__always)
func unaryLoop<T, U>(_ x: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer, _ n: Int, _ f: (T) -> U) {
    let px = x.assumingMemoryBound(to: T.self), po = o.assumingMemoryBound(to: U.self)
    for i in 0..<n { po[i] = f(px[i]) }
}

// MARK: - Element arithmetic (the semantics of every kernel, per element type)

/// The element types kernels compute in (bool is handled separately): the per-element
/// semantics of the arithmetic ops. Integer ops wrap and never trap.
protocol NumericElement: TensorElement, Comparable {
    static func kAdd(_ a: Self, _ b: Self) -> Self
    static func kSub(_ a: Self, _ b: Self) -> Self
    static func kMul(_ a: Self, _ b: Self) -> Self
    /// Python floor division; integers: division by zero gives 0.
    static func kFloorDiv(_ a: Self, _ b: Self) -> Self
    /// Python modulo (the result takes the divisor's sign); integers: `x mod 0` gives 0.
    static func kMod(_ a: Self, _ b: Self) -> Self
    static func kPow(_ a: Self, _ b: Self) -> Self
    /// Maximum; NaN propagates.
    static func kMax(_ a: Self, _ b: Self) -> Self
    /// Minimum; NaN propagates.
    static func kMin(_ a: Self, _ b: Self) -> Self
    static func kNeg(_ a: Self) -> Self
    static func kAbs(_ a: Self) -> Self
    static func kSign(_ a: Self) -> Self
}

extension NumericElement where Self: BinaryFloatingPoint {
    @inline(__always) static func kAdd(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) static func kSub(_ a: Self, _ b: Self) -> Self { a - b }
    @inline(__always) static func kMul(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) static func kFloorDiv(_ a: Self, _ b: Self) -> Self { (a / b).rounded(.down) }
    @inline(__always) static func kMod(_ a: Self, _ b: Self) -> Self {
        // numpy's npy_divmod: fmod, then move into the divisor's sign.
        var m = a.truncatingRemainder(dividingBy: b)
        if m != 0 {
            if (b < 0) != (m < 0) { m += b }
        } else {
            m = b < 0 ? -0.0 : 0.0
            if b.isNaN { m = b }
        }
        return m
    }
    @inline(__always) static func kMax(_ a: Self, _ b: Self) -> Self { (a > b || a != a) ? a : b }
    @inline(__always) static func kMin(_ a: Self, _ b: Self) -> Self { (a < b || a != a) ? a : b }
    @inline(__always) static func kNeg(_ a: Self) -> Self { -a }
    @inline(__always) static func kAbs(_ a: Self) -> Self { Swift.abs(a) }
    @inline(__always) static func kSign(_ a: Self) -> Self { a > 0 ? 1 : (a < 0 ? -1 : a) }
}

extension Float: NumericElement {
    @inline(__always) static func kPow(_ a: Float, _ b: Float) -> Float { Glibc.powf(a, b) }
}

extension Double: NumericElement {
    @inline(__always) static func kPow(_ a: Double, _ b: Double) -> Double { Glibc.pow(a, b) }
}

extension NumericElement where Self: FixedWidthInteger {
    @inline(__always) static func kAdd(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) static func kSub(_ a: Self, _ b: Self) -> Self { a &- b }
    @inline(__always) static func kMul(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) static func kFloorDiv(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        if Self.isSigned && b == 0 &- 1 { return 0 &- a }  // min // -1 wraps (numpy)
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q &- 1 : q
    }
    @inline(__always) static func kMod(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        if Self.isSigned && b == 0 &- 1 { return 0 }
        let r = a % b
        return (r != 0 && (r < 0) != (b < 0)) ? r &+ b : r
    }
    /// Repeated squaring with wrapping; a negative exponent gives 0, except bases 1 and -1.
    @inline(__always) static func kPow(_ a: Self, _ b: Self) -> Self {
        if b < 0 {
            if a == 1 { return 1 }
            if Self.isSigned && a == 0 &- 1 { return (b & 1) == 0 ? 1 : a }
            return 0
        }
        var result: Self = 1, base = a, e = b
        while e > 0 {
            if (e & 1) == 1 { result = result &* base }
            e >>= 1
            if e > 0 { base = base &* base }
        }
        return result
    }
    @inline(__always) static func kMax(_ a: Self, _ b: Self) -> Self { a > b ? a : b }
    @inline(__always) static func kMin(_ a: Self, _ b: Self) -> Self { a < b ? a : b }
    @inline(__always) static func kNeg(_ a: Self) -> Self { 0 &- a }
    @inline(__always) static func kAbs(_ a: Self) -> Self { a < 0 ? 0 &- a : a }
    @inline(__always) static func kSign(_ a: Self) -> Self { a > 0 ? 1 : (a < 0 ? 0 &- 1 : 0) }
}

extension Int32: NumericElement {}
extension Int64: NumericElement {}
extension UInt8: NumericElement {}

/// The binary arithmetic ops that share one kernel dispatcher.
enum ArithmeticOp {
    case add, subtract, multiply, divide, floorDivide, mod, pow, maximum, minimum

    /// The Keras op name (for errors and the tape).
    var name: StaticString {
        switch self {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        case .floorDivide: return "floor_divide"
        case .mod: return "mod"
        case .pow: return "power"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        }
    }
}

/// The comparison ops.
enum ComparisonOp {
    case equal, notEqual, greater, greaterEqual, less, lessEqual

    var name: StaticString {
        switch self {
        case .equal: return "equal"
        case .notEqual: return "not_equal"
        case .greater: return "greater"
        case .greaterEqual: return "greater_equal"
        case .less: return "less"
        case .lessEqual: return "less_equal"
        }
    }
}

/// One strided binary kernel for a numeric element type; the `switch` sits outside the loops.
@inline(__always)
private func arithmeticKernel<T: NumericElement>(_ op: ArithmeticOp, _: T.Type, _ a: UnsafeMutableRawPointer,
                                                 _ b: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer,
                                                 _ n: Int, _ sa: Int, _ sb: Int) {
    switch op {
    case .add: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kAdd(x, y) }
    case .subtract: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kSub(x, y) }
    case .multiply: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kMul(x, y) }
    case .divide:
        // Only reached for float compute types (integers divide in float32).
        binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T(elementFrom: x.doubleValue / y.doubleValue) }
    case .floorDivide: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kFloorDiv(x, y) }
    case .mod: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kMod(x, y) }
    case .pow: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kPow(x, y) }
    case .maximum: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kMax(x, y) }
    case .minimum: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) in T.kMin(x, y) }
    }
}

@inline(__always)
private func comparisonKernel<T: Comparable>(_ op: ComparisonOp, _: T.Type, _ a: UnsafeMutableRawPointer,
                                             _ b: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer,
                                             _ n: Int, _ sa: Int, _ sb: Int) {
    switch op {
    case .equal: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x == y }
    case .notEqual: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x != y }
    case .greater: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x > y }
    case .greaterEqual: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x >= y }
    case .less: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x < y }
    case .lessEqual: binaryLoop(a, b, o, n, sa, sb) { (x: T, y: T) -> Bool in x <= y }
    }
}

/// Explicit SIMD16 loops for the float32 `+ - * /` on contiguous or scalar operands (the
/// generic loop is not auto-vectorized). Returns false when it does not apply.
@inline(__always)
private func simdFloatArithmetic(_ op: ArithmeticOp, _ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer,
                                 _ o: UnsafeMutableRawPointer, _ n: Int, _ sa: Int, _ sb: Int) -> Bool {
    if sa > 1 || sb > 1 { return false }
    switch op {
    case .add: simdFloatLoop(a, b, o, n, sa, sb) { $0 + $1 }
    case .subtract: simdFloatLoop(a, b, o, n, sa, sb) { $0 - $1 }
    case .multiply: simdFloatLoop(a, b, o, n, sa, sb) { $0 * $1 }
    case .divide: simdFloatLoop(a, b, o, n, sa, sb) { $0 / $1 }
    default: return false
    }
    return true
}

@inline(__always)
private func simdFloatLoop(_ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer,
                           _ n: Int, _ sa: Int, _ sb: Int,
                           _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
    typealias V = SIMD16<Float>
    let pa = a.assumingMemoryBound(to: Float.self), pb = b.assumingMemoryBound(to: Float.self)
    let po = o.assumingMemoryBound(to: Float.self)
    var i = 0
    if sa == 1 && sb == 1 {
        while i &+ 16 <= n {
            FastMath.store(f(FastMath.load(pa + i), FastMath.load(pb + i)), po + i)
            i &+= 16
        }
    } else if sa == 1 {
        let y = V(repeating: pb[0])
        while i &+ 16 <= n {
            FastMath.store(f(FastMath.load(pa + i), y), po + i)
            i &+= 16
        }
    } else if sb == 1 {
        let x = V(repeating: pa[0])
        while i &+ 16 <= n {
            FastMath.store(f(x, FastMath.load(pb + i)), po + i)
            i &+= 16
        }
    }
    while i < n {
        po[i] = f(V(repeating: pa[i &* sa]), V(repeating: pb[i &* sb]))[0]
        i &+= 1
    }
}

/// A rank-0 tensor holding a Python-style scalar in `dtype`.
private func scalarTensor(_ s: Scalar, _ dtype: DType) throws -> Tensor {
    let t: Tensor
    switch s {
    case .bool(let v): t = Tensor(scalar: v)
    case .int(let v): t = Tensor(scalar: v)
    case .float(let v): t = Tensor(scalar: v)
    }
    return try t.cast(to: dtype)
}

// MARK: - Binary ops

extension Tensor {
    /// The shared implementation of the arithmetic ops: validation, promotion, kernels, record.
    /// `constantA`/`constantB` mark an operand made from a Python-style scalar (`x * 2`): it
    /// never needs a gradient, so the pullback does not compute one.
    static func arithmetic(_ op: ArithmeticOp, _ a: Tensor, _ b: Tensor,
                           constantA: Bool = false, constantB: Bool = false) throws -> Tensor {
        let promoted = a.dtype.promoted(with: b.dtype)
        if promoted == .bool {
            switch op {
            case .subtract, .floorDivide, .mod, .pow:
                throw SwiftKerasError.dtype("\(op.name): not supported for two bool operands")
            default: break
            }
        }
        let rule: BinaryDTypeRule = op == .divide ? .promoteToFloat : .promote
        let out = try binary(op.name, a, b, rule: rule) { dt, pa, pb, po, n, sa, sb in
            switch dt {
            case .float64: arithmeticKernel(op, Double.self, pa, pb, po, n, sa, sb)
            case .int32: arithmeticKernel(op, Int32.self, pa, pb, po, n, sa, sb)
            case .int64: arithmeticKernel(op, Int64.self, pa, pb, po, n, sa, sb)
            case .uint8: arithmeticKernel(op, UInt8.self, pa, pb, po, n, sa, sb)
            case .bool:
                // add/maximum → or; multiply/minimum → and (others rejected above; divide
                // computes in float32).
                if op == .add || op == .maximum {
                    binaryLoop(pa, pb, po, n, sa, sb) { (x: Bool, y: Bool) in x || y }
                } else {
                    binaryLoop(pa, pb, po, n, sa, sb) { (x: Bool, y: Bool) in x && y }
                }
            default:
                if simdFloatArithmetic(op, pa, pb, po, n, sa, sb) { return }
                if op == .divide {
                    binaryLoop(pa, pb, po, n, sa, sb) { (x: Float, y: Float) in x / y }
                } else {
                    arithmeticKernel(op, Float.self, pa, pb, po, n, sa, sb)
                }
            }
        }
        // Pullbacks give cotangents in the broadcast shape; the tape sums them back to each input.
        // Integer/bool operands and scalar constants get nil.
        let wantA = a.dtype.isFloatingPoint && !constantA, wantB = b.dtype.isFloatingPoint && !constantB
        switch op {
        case .add: record("add", [a, b], out, { g in [wantA ? g : nil, wantB ? g : nil] })
        case .subtract:
            record("subtract", [a, b], out, { g in [wantA ? g : nil, wantB ? try g.negated() : nil] })
        case .multiply:
            record("multiply", [a, b], out, { g in
                [wantA ? try g.multiplying(b) : nil, wantB ? try g.multiplying(a) : nil]
            })
        case .divide:
            record("divide", [a, b], out, { g in
                let ga = try g.dividing(by: b)
                return [wantA ? ga : nil, wantB ? try ga.multiplying(out).negated() : nil]
            })
        case .floorDivide:
            // Piecewise constant in both operands: no gradient (TensorFlow's FloorDiv has none).
            record("floor_divide", [a, b], out, { _ in [nil, nil] })
        case .mod:
            // x mod y = x - floor(x / y) y: dx = g, dy = -g floor(x / y) (TensorFlow's FloorMod).
            record("mod", [a, b], out, { g in
                [wantA ? g : nil, wantB ? try g.multiplying(floor(a.dividing(by: b))).negated() : nil]
            })
        case .pow:
            record("power", [a, b], out, { g in
                try powerPullback(g, a, b, out, wantA: wantA, wantB: wantB)
            })
        case .maximum, .minimum:
            // The first operand takes the gradient on ties (TensorFlow: x >= y for maximum,
            // x <= y for minimum); a NaN in x sends it to y.
            record(op.name, [a, b], out, { g in
                let firstWins = op == .maximum ? try a.isGreaterOrEqual(to: b) : try a.isLessOrEqual(to: b)
                let zero = try scalarTensor(.int(0), g.dtype)
                return [wantA ? try select(firstWins, g, zero) : nil, wantB ? try select(firstWins, zero, g) : nil]
            })
        }
        return out
    }

    /// The shared implementation of the comparisons (result dtype bool).
    static func comparison(_ op: ComparisonOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if (op == .equal || op == .notEqual) && (a.dtype == .string || b.dtype == .string) {
            return try stringsEqual(a, b, equal: op == .equal, op: op.name)
        }
        // Bools compare as 0/1.
        let a2 = a.dtype == .bool && b.dtype == .bool ? try a.cast(to: .uint8) : a
        let b2 = a.dtype == .bool && b.dtype == .bool ? try b.cast(to: .uint8) : b
        let out = try binary(op.name, a2, b2, rule: .compare) { dt, pa, pb, po, n, sa, sb in
            switch dt {
            case .float64: comparisonKernel(op, Double.self, pa, pb, po, n, sa, sb)
            case .int32: comparisonKernel(op, Int32.self, pa, pb, po, n, sa, sb)
            case .int64: comparisonKernel(op, Int64.self, pa, pb, po, n, sa, sb)
            case .uint8, .bool: comparisonKernel(op, UInt8.self, pa, pb, po, n, sa, sb)
            default: comparisonKernel(op, Float.self, pa, pb, po, n, sa, sb)
            }
        }
        record(op.name, [a, b], out, { _ in [nil, nil] })
        return out
    }

    /// The scalar's tensor in the dtype it takes next to this tensor (it never upcasts it);
    /// errors name `op`.
    func weak(_ s: Scalar, _ op: ArithmeticOp) throws -> Tensor {
        try requireNumeric(op.name)
        return try weakScalar(s, op: op.name)
    }
    /// The scalar's tensor in the dtype it takes next to this tensor; errors name `op`.
    func weak(_ s: Scalar, _ op: ComparisonOp) throws -> Tensor {
        try requireNumeric(op.name)
        return try weakScalar(s, op: op.name)
    }

    /// Elementwise sum with numpy broadcasting and Keras dtype promotion (Keras `add`).
    /// Integers wrap; two bools give their logical or.
    public func adding(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.add, self, other) }
    /// Elementwise sum with a Python-style scalar that takes this tensor's dtype (Keras `add`).
    public func adding(_ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.add, self, weak(s, .add), constantB: true) }

    /// Elementwise difference (Keras `subtract`); two bool operands are rejected.
    public func subtracting(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.subtract, self, other) }
    /// Elementwise difference with a Python-style scalar (Keras `subtract`).
    public func subtracting(_ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.subtract, self, weak(s, .subtract), constantB: true) }

    /// Elementwise product (Keras `multiply`); two bools give their logical and.
    public func multiplying(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.multiply, self, other) }
    /// Elementwise product with a Python-style scalar (Keras `multiply`).
    public func multiplying(_ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.multiply, self, weak(s, .multiply), constantB: true) }

    /// True division (Keras `divide` / `true_divide`): integer and bool operands give float32.
    public func dividing(by other: Tensor) throws -> Tensor { try Tensor.arithmetic(.divide, self, other) }
    /// True division by a Python-style scalar (Keras `divide`).
    public func dividing(by s: Scalar) throws -> Tensor { try Tensor.arithmetic(.divide, self, weak(s, .divide), constantB: true) }

    /// Floor division (Keras `floor_divide`): integers round toward -inf as in Python and an
    /// integer division by zero gives 0 (no trap); floats compute `floor(a / b)`.
    public func floorDividing(by other: Tensor) throws -> Tensor { try Tensor.arithmetic(.floorDivide, self, other) }
    /// Floor division by a Python-style scalar (Keras `floor_divide`).
    public func floorDividing(by s: Scalar) throws -> Tensor { try Tensor.arithmetic(.floorDivide, self, weak(s, .floorDivide), constantB: true) }

    /// Python-style modulo (Keras `mod`): the result takes the divisor's sign; integer `x mod 0`
    /// gives 0; floats follow numpy (`fmod`, then adjusted; `x mod 0.0` is NaN).
    public func modulo(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.mod, self, other) }
    /// Python-style modulo by a Python-style scalar (Keras `mod`).
    public func modulo(_ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.mod, self, weak(s, .mod), constantB: true) }

    /// Elementwise power (Keras `power` / `pow`). Floats use libm `pow`; integers use repeated
    /// squaring with wrap-around, and a negative integer exponent gives 0 except for the
    /// bases 1 (→ 1) and -1 (→ ±1 by parity), where numpy would raise.
    public func raised(toPower other: Tensor) throws -> Tensor { try Tensor.arithmetic(.pow, self, other) }
    /// Elementwise power with a Python-style scalar exponent (Keras `power`).
    public func raised(toPower s: Scalar) throws -> Tensor { try Tensor.arithmetic(.pow, self, weak(s, .pow), constantB: true) }

    /// Elementwise `==` (Keras `equal`), a bool tensor; NaN equals nothing.
    public func isEqual(to other: Tensor) throws -> Tensor { try Tensor.comparison(.equal, self, other) }
    /// Elementwise `!=` (Keras `not_equal`), a bool tensor.
    public func isNotEqual(to other: Tensor) throws -> Tensor { try Tensor.comparison(.notEqual, self, other) }
    /// Elementwise `>` (Keras `greater`), a bool tensor.
    public func isGreater(than other: Tensor) throws -> Tensor { try Tensor.comparison(.greater, self, other) }
    /// Elementwise `>=` (Keras `greater_equal`), a bool tensor.
    public func isGreaterOrEqual(to other: Tensor) throws -> Tensor { try Tensor.comparison(.greaterEqual, self, other) }
    /// Elementwise `<` (Keras `less`), a bool tensor.
    public func isLess(than other: Tensor) throws -> Tensor { try Tensor.comparison(.less, self, other) }
    /// Elementwise `<=` (Keras `less_equal`), a bool tensor.
    public func isLessOrEqual(to other: Tensor) throws -> Tensor { try Tensor.comparison(.lessEqual, self, other) }

    /// Elementwise `==` with a Python-style scalar (Keras `equal`).
    public func isEqual(to s: Scalar) throws -> Tensor { try Tensor.comparison(.equal, self, weak(s, .equal)) }
    /// Elementwise `!=` with a Python-style scalar (Keras `not_equal`).
    public func isNotEqual(to s: Scalar) throws -> Tensor { try Tensor.comparison(.notEqual, self, weak(s, .notEqual)) }
    /// Elementwise `>` with a Python-style scalar (Keras `greater`).
    public func isGreater(than s: Scalar) throws -> Tensor { try Tensor.comparison(.greater, self, weak(s, .greater)) }
    /// Elementwise `>=` with a Python-style scalar (Keras `greater_equal`).
    public func isGreaterOrEqual(to s: Scalar) throws -> Tensor { try Tensor.comparison(.greaterEqual, self, weak(s, .greaterEqual)) }
    /// Elementwise `<` with a Python-style scalar (Keras `less`).
    public func isLess(than s: Scalar) throws -> Tensor { try Tensor.comparison(.less, self, weak(s, .less)) }
    /// Elementwise `<=` with a Python-style scalar (Keras `less_equal`).
    public func isLessOrEqual(to s: Scalar) throws -> Tensor { try Tensor.comparison(.lessEqual, self, weak(s, .lessEqual)) }

    /// Elementwise logical and (Keras `logical_and`); both operands are cast to bool.
    public func logicalAnd(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.binary("logical_and", try cast(to: .bool), try other.cast(to: .bool), rule: .promote) {
            _, a, b, o, n, sa, sb in binaryLoop(a, b, o, n, sa, sb) { (x: Bool, y: Bool) in x && y }
        }
        record("logical_and", [self, other], out, { _ in [nil, nil] })
        return out
    }

    /// Elementwise logical or (Keras `logical_or`); both operands are cast to bool.
    public func logicalOr(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.binary("logical_or", try cast(to: .bool), try other.cast(to: .bool), rule: .promote) {
            _, a, b, o, n, sa, sb in binaryLoop(a, b, o, n, sa, sb) { (x: Bool, y: Bool) in x || y }
        }
        record("logical_or", [self, other], out, { _ in [nil, nil] })
        return out
    }
}

/// Elementwise maximum with broadcasting and promotion (Keras `maximum`); NaN propagates, as in
/// TensorFlow.
public func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.arithmetic(.maximum, a, b) }
/// Elementwise maximum with a Python-style scalar (Keras `maximum`).
public func maximum(_ a: Tensor, _ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.maximum, a, a.weak(s, .maximum), constantB: true) }
/// Elementwise minimum with broadcasting and promotion (Keras `minimum`); NaN propagates.
public func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.arithmetic(.minimum, a, b) }
/// Elementwise minimum with a Python-style scalar (Keras `minimum`).
public func minimum(_ a: Tensor, _ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.minimum, a, a.weak(s, .minimum), constantB: true) }
/// Elementwise power (Keras `pow`); see `Tensor.raised(toPower:)`.
public func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.arithmetic(.pow, a, b) }
/// Elementwise power with a Python-style scalar exponent (Keras `pow`).
public func pow(_ a: Tensor, _ s: Scalar) throws -> Tensor { try Tensor.arithmetic(.pow, a, a.weak(s, .pow), constantB: true) }

/// The pullback of `power` (TensorFlow's `_PowGrad`): dx = g·y·x^(y-1); dy = g·x^y·log(x)
/// where x > 0 and 0 elsewhere (a negative or zero base has no real logarithm).
private func powerPullback(_ g: Tensor, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                           wantA: Bool, wantB: Bool) throws -> [Tensor?] {
    let x = try a.cast(to: out.dtype), y = try b.cast(to: out.dtype)
    var ga: Tensor? = nil, gb: Tensor? = nil
    if wantA { ga = try g.multiplying(y.multiplying(x.raised(toPower: y.subtracting(.int(1))))) }
    if wantB {
        let positive = try x.isGreater(than: .int(0))
        let one = try scalarTensor(.int(1), out.dtype), zero = try scalarTensor(.int(0), out.dtype)
        let logX = try select(positive, log(select(positive, x, one)), zero)
        gb = try g.multiplying(out).multiplying(logX)
    }
    return [ga, gb]
}

// MARK: - Select and clip

/// Picks `a` where `condition` is true and `b` elsewhere (Keras `switch` / `where`).
/// The three operands broadcast together; `condition` is cast to bool; the result has the
/// promoted dtype of `a` and `b`.
public func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let dt = a.dtype.promoted(with: b.dtype)
    let out = try Tensor.ternary("where", condition, a, b, typeA: .bool, typeBC: dt, outType: dt) {
        pc, pa, pb, po, n, sc, sa, sb in
        let c = pc.assumingMemoryBound(to: Bool.self)
        switch dt.byteSize {
        case 1: selectLoop(c, pa, pb, po, n, sc, sa, sb, UInt8.self)
        case 2: selectLoop(c, pa, pb, po, n, sc, sa, sb, UInt16.self)
        case 4: selectLoop(c, pa, pb, po, n, sc, sa, sb, UInt32.self)
        default: selectLoop(c, pa, pb, po, n, sc, sa, sb, UInt64.self)
        }
    }
    // The condition gets no gradient; a gets g where it was picked, b the rest.
    let wantA = a.dtype.isFloatingPoint, wantB = b.dtype.isFloatingPoint
    record("where", [condition, a, b], out, { g in
        let zero = try scalarTensor(.int(0), g.dtype)
        return [nil, wantA ? try select(condition, g, zero) : nil, wantB ? try select(condition, zero, g) : nil]
    })
    return out
}

/// Bitwise select on elements of `T`'s size (dtype-agnostic: it only moves bits).
@inline(__always)
private func selectLoop<T>(_ c: UnsafeMutablePointer<Bool>, _ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer,
                           _ o: UnsafeMutableRawPointer, _ n: Int, _ sc: Int, _ sa: Int, _ sb: Int, _: T.Type) {
    let pa = a.assumingMemoryBound(to: T.self), pb = b.assumingMemoryBound(to: T.self)
    let po = o.assumingMemoryBound(to: T.self)
    if sc == 1 && sa == 1 && sb == 1 {
        for i in 0..<n { po[i] = c[i] ? pa[i] : pb[i] }
    } else if sc == 1 && sa == 1 && sb == 0 {
        // A scalar `b` (relu's pullback: select(x > 0, g, 0)): a contiguous, vectorizable loop.
        let bv = pb[0]
        for i in 0..<n { po[i] = c[i] ? pa[i] : bv }
    } else if sc == 1 && sa == 0 && sb == 1 {
        let av = pa[0]
        for i in 0..<n { po[i] = c[i] ? av : pb[i] }
    } else {
        for i in 0..<n { po[i] = c[i &* sc] ? pa[i &* sa] : pb[i &* sb] }
    }
}

extension Tensor {
    /// The dtype `clip` works in: the tensor's own, except bool clips as int32 (Keras 3).
    private var clipType: DType { dtype == .bool ? .int32 : dtype }

    /// Each element limited to `[min, max]` (Keras `clip`, TensorFlow `clip_by_value` semantics:
    /// `minimum(maximum(x, min), max)`, so NaN stays NaN and `min > max` gives `max`).
    /// The bounds are converted to the tensor's dtype; a bool tensor clips as int32.
    public func clipped(min lo: Scalar, max hi: Scalar) throws -> Tensor {
        let dt = clipType
        let x = try cast(to: dt)
        // float32 bounds rounded to the dtype first (float16 clips at float16 values).
        let l32 = Float(try scalarTensor(lo, dt.isFloatingPoint ? dt : .float32).cast(to: .float32).doubles[0])
        let h32 = Float(try scalarTensor(hi, dt.isFloatingPoint ? dt : .float32).cast(to: .float32).doubles[0])
        let out = try Tensor.unary("clip", x) { cdt, i, o, n in
            switch cdt {
            case .float64:
                let l = lo.doubleValue, h = hi.doubleValue
                unaryLoop(i, o, n) { (v: Double) in Double.kMin(Double.kMax(v, l), h) }
            case .int32:
                let l = Int32(elementFrom: lo.doubleValue), h = Int32(elementFrom: hi.doubleValue)
                unaryLoop(i, o, n) { (v: Int32) in Swift.min(Swift.max(v, l), h) }
            case .int64:
                let l = scalarInt64(lo), h = scalarInt64(hi)
                unaryLoop(i, o, n) { (v: Int64) in Swift.min(Swift.max(v, l), h) }
            case .uint8:
                let l = UInt8(elementFrom: lo.doubleValue), h = UInt8(elementFrom: hi.doubleValue)
                unaryLoop(i, o, n) { (v: UInt8) in Swift.min(Swift.max(v, l), h) }
            default:
                // float32 (and float16/bfloat16 through float32): bounds rounded to the dtype.
                unaryLoop(i, o, n) { (v: Float) in Float.kMin(Float.kMax(v, l32), h32) }
            }
        }
        // TensorFlow's clip_by_value gradient: x gets g where lo <= x <= hi (bounds inclusive;
        // NaN passes), computed against the same dtype-rounded bounds as the kernel.
        if dtype.isFloatingPoint {
            record("clip", [self], out, { g in
                let outside = try self.isLess(than: lo).logicalOr(self.isGreater(than: hi))
                return [try select(outside, scalarTensor(.int(0), g.dtype), g)]
            })
        } else {
            record("clip", [self], out, { _ in [nil] })
        }
        return out
    }

    /// Each element limited to `[min, max]` with tensor bounds (Keras `clip`, TensorFlow
    /// `clip_by_value`): the bounds must broadcast to this tensor's shape and are cast to its
    /// dtype.
    public func clipped(min lo: Tensor, max hi: Tensor) throws -> Tensor {
        let dt = clipType
        let full = try ShapeMath.broadcast(try ShapeMath.broadcast(shape, lo.shape, op: "clip"), hi.shape, op: "clip")
        if full != shape {
            throw SwiftKerasError.invalid(
                "clip: bounds of shapes \(formatShape(lo.shape)) and \(formatShape(hi.shape)) do not broadcast to the shape \(formatShape(shape)) of x")
        }
        let ct = dt.computeType
        let out = try Tensor.ternary("clip", self, lo, hi, typeA: ct, typeBC: ct, outType: ct) {
            px, pl, ph, po, n, sx, sl, sh in
            switch ct {
            case .float64: clipLoop(px, pl, ph, po, n, sx, sl, sh, Double.self)
            case .int32: clipLoop(px, pl, ph, po, n, sx, sl, sh, Int32.self)
            case .int64: clipLoop(px, pl, ph, po, n, sx, sl, sh, Int64.self)
            case .uint8: clipLoop(px, pl, ph, po, n, sx, sl, sh, UInt8.self)
            default: clipLoop(px, pl, ph, po, n, sx, sl, sh, Float.self)
            }
        }.cast(to: dt)
        // TensorFlow's clip_by_value gradient: x gets g where lo <= x <= hi (inclusive), lo
        // where x < lo, hi where x > hi (compared in the kernel's compute dtype).
        let wantX = dtype.isFloatingPoint, wantLo = lo.dtype.isFloatingPoint, wantHi = hi.dtype.isFloatingPoint
        record("clip", [self, lo, hi], out, { g in
            let xc = try self.cast(to: ct)
            let below = try xc.isLess(than: lo.cast(to: ct)), above = try xc.isGreater(than: hi.cast(to: ct))
            let zero = try scalarTensor(.int(0), g.dtype)
            return [wantX ? try select(below.logicalOr(above), zero, g) : nil,
                    wantLo ? try select(below, g, zero) : nil,
                    wantHi ? try select(above, g, zero) : nil]
        })
        return out
    }
}

/// The exact int64 value of a scalar bound (floats truncate and saturate).
private func scalarInt64(_ s: Scalar) -> Int64 {
    switch s {
    case .bool(let b): return b ? 1 : 0
    case .int(let i): return i
    case .float(let d): return saturatingInt64(d)
    }
}

@inline(__always)
private func clipLoop<T: NumericElement>(_ x: UnsafeMutableRawPointer, _ l: UnsafeMutableRawPointer, _ h: UnsafeMutableRawPointer,
                                         _ o: UnsafeMutableRawPointer, _ n: Int, _ sx: Int, _ sl: Int, _ sh: Int, _: T.Type) {
    let px = x.assumingMemoryBound(to: T.self), pl = l.assumingMemoryBound(to: T.self)
    let ph = h.assumingMemoryBound(to: T.self), po = o.assumingMemoryBound(to: T.self)
    for i in 0..<n { po[i] = T.kMin(T.kMax(px[i &* sx], pl[i &* sl]), ph[i &* sh]) }
}

// MARK: - Unary ops

/// A float unary kernel: `f32` for float32 (and float16/bfloat16), `f64` for float64.
@inline(__always)
private func floatKernel(_ dt: DType, _ i: UnsafeMutableRawPointer, _ o: UnsafeMutableRawPointer, _ n: Int,
                         _ f32: (Float) -> Float, _ f64: (Double) -> Double) {
    if dt == .float64 { unaryLoop(i, o, n, f64) } else { unaryLoop(i, o, n, f32) }
}

private enum UnaryNumeric { case neg, abs, sign, square }

@inline(__always)
private func numericUnaryLoop<T: NumericElement>(_ op: UnaryNumeric, _: T.Type, _ i: UnsafeMutableRawPointer,
                                                 _ o: UnsafeMutableRawPointer, _ n: Int) {
    switch op {
    case .neg: unaryLoop(i, o, n) { (v: T) in T.kNeg(v) }
    case .abs: unaryLoop(i, o, n) { (v: T) in T.kAbs(v) }
    case .sign: unaryLoop(i, o, n) { (v: T) in T.kSign(v) }
    case .square: unaryLoop(i, o, n) { (v: T) in T.kMul(v, v) }
    }
}

/// Runs a `UnaryNumeric` op on any compute dtype; bool is the identity (abs, sign, square).
private func numericUnary(_ op: UnaryNumeric, _ dt: DType, _ i: UnsafeMutableRawPointer,
                          _ o: UnsafeMutableRawPointer, _ n: Int) {
    switch dt {
    case .float64: numericUnaryLoop(op, Double.self, i, o, n)
    case .int32: numericUnaryLoop(op, Int32.self, i, o, n)
    case .int64: numericUnaryLoop(op, Int64.self, i, o, n)
    case .uint8: numericUnaryLoop(op, UInt8.self, i, o, n)
    case .bool: unaryLoop(i, o, n) { (v: Bool) in v }
    default: numericUnaryLoop(op, Float.self, i, o, n)
    }
}

/// Numerically stable softplus: max(x, 0) + log1p(exp(-|x|)).
@inline(__always) private func softplus32(_ x: Float) -> Float {
    (x > 0 ? x : 0) + Glibc.log1pf(Glibc.expf(-Swift.abs(x)))
}
@inline(__always) private func softplus64(_ x: Double) -> Double {
    (x > 0 ? x : 0) + Glibc.log1p(Glibc.exp(-Swift.abs(x)))
}

extension Tensor {
    /// A float-only unary op: integer/bool inputs become float32; float32 and the half types
    /// use `f32`, float64 uses `f64`.
    @inline(__always)
    fileprivate func floatUnary(_ op: StaticString, _ f32: (Float) -> Float, _ f64: (Double) -> Double) throws -> Tensor {
        try Tensor.unary(op, self, rule: .toFloat) { dt, i, o, n in floatKernel(dt, i, o, n, f32, f64) }
    }

    /// Runs one of the vectorized float32 kernels (float64 uses `f64`).
    fileprivate func fastUnary(_ op: StaticString, _ f: FastMath.Function, _ f64: (Double) -> Double) throws -> Tensor {
        try Tensor.unary(op, self, rule: .toFloat) { dt, i, o, n in
            if dt == .float64 {
                unaryLoop(i, o, n, f64)
            } else {
                FastMath.map(f, UnsafePointer(i.assumingMemoryBound(to: Float.self)), o.assumingMemoryBound(to: Float.self), n)
            }
        }
    }

    /// Elementwise negation (Keras `negative`); integers wrap; bool is rejected.
    public func negated() throws -> Tensor {
        let out = try Tensor.unary("negative", self, allow: { $0 != .bool }) { dt, i, o, n in numericUnary(.neg, dt, i, o, n) }
        record("negative", [self], out, { g in [try g.negated()] })
        return out
    }

    /// e raised to each element (Keras `exp`); the same as the free function `exp(_:)`.
    public func exp() throws -> Tensor { try SwiftKerasCore.exp(self) }

    /// Elementwise square (Keras `square`); the same as the free function `square(_:)`.
    public func squared() throws -> Tensor { try square(self) }

    fileprivate func roundingOp(_ op: StaticString, _ rule: FloatingPointRoundingRule) throws -> Tensor {
        let out: Tensor
        if dtype.isFloatingPoint {
            out = try Tensor.unary(op, self) { dt, i, o, n in
                floatKernel(dt, i, o, n, { $0.rounded(rule) }, { $0.rounded(rule) })
            }
        } else {
            out = self
        }
        record(op, [self], out, { _ in [nil] })  // piecewise constant: no gradient
        return out
    }

    /// Elementwise logical not (Keras `logical_not`): the input is cast to bool first.
    public func logicalNot() throws -> Tensor {
        let out = try Tensor.unary("logical_not", try cast(to: .bool), rule: .toBool) { _, i, o, n in
            unaryLoop(i, o, n) { (v: Bool) in !v }
        }
        record("logical_not", [self], out, { _ in [nil] })
        return out
    }
}

// MARK: - Operators

extension Scalar: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    /// An integer literal becomes a Python-style int scalar (`tensor + 1`).
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A float literal becomes a Python-style float scalar (`tensor * 0.5`).
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A bool literal becomes a Python-style bool scalar.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Tensor {
    /// Elementwise sum (Keras `add`); throws on shapes that do not broadcast.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.adding(b) }
    /// Elementwise sum with a Python-style scalar (keeps the tensor's dtype).
    public static func + (a: Tensor, s: Scalar) throws -> Tensor { try a.adding(s) }
    /// Elementwise sum with a Python-style scalar (keeps the tensor's dtype).
    public static func + (s: Scalar, a: Tensor) throws -> Tensor { try Tensor.arithmetic(.add, a.weak(s, .add), a, constantA: true) }

    /// Elementwise difference (Keras `subtract`).
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.subtracting(b) }
    /// Elementwise difference with a Python-style scalar.
    public static func - (a: Tensor, s: Scalar) throws -> Tensor { try a.subtracting(s) }
    /// Elementwise difference with a Python-style scalar.
    public static func - (s: Scalar, a: Tensor) throws -> Tensor { try Tensor.arithmetic(.subtract, a.weak(s, .subtract), a, constantA: true) }

    /// Elementwise product (Keras `multiply`).
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.multiplying(b) }
    /// Elementwise product with a Python-style scalar.
    public static func * (a: Tensor, s: Scalar) throws -> Tensor { try a.multiplying(s) }
    /// Elementwise product with a Python-style scalar.
    public static func * (s: Scalar, a: Tensor) throws -> Tensor { try Tensor.arithmetic(.multiply, a.weak(s, .multiply), a, constantA: true) }

    /// True division (Keras `divide`); integers give float32.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.dividing(by: b) }
    /// True division by a Python-style scalar.
    public static func / (a: Tensor, s: Scalar) throws -> Tensor { try a.dividing(by: s) }
    /// True division of a Python-style scalar by a tensor.
    public static func / (s: Scalar, a: Tensor) throws -> Tensor { try Tensor.arithmetic(.divide, a.weak(s, .divide), a, constantA: true) }

    /// Python-style modulo (Keras `mod`).
    public static func % (a: Tensor, b: Tensor) throws -> Tensor { try a.modulo(b) }
    /// Python-style modulo by a Python-style scalar.
    public static func % (a: Tensor, s: Scalar) throws -> Tensor { try a.modulo(s) }
    /// Python-style modulo of a Python-style scalar by a tensor.
    public static func % (s: Scalar, a: Tensor) throws -> Tensor { try Tensor.arithmetic(.mod, a.weak(s, .mod), a, constantA: true) }

    // Swift numbers as Python-style scalars: an `Int` is an int scalar, a `Double` a float
    // scalar (integer literals pick the `Int` overloads, float literals the `Double` ones).

    /// Elementwise sum with an int scalar that takes the tensor's dtype (`int32Tensor + 1` stays int32).
    public static func + (a: Tensor, s: Int) throws -> Tensor { try a + Scalar.int(Int64(s)) }
    /// Elementwise sum with an int scalar that takes the tensor's dtype.
    public static func + (s: Int, a: Tensor) throws -> Tensor { try Scalar.int(Int64(s)) + a }
    /// Elementwise sum with a float scalar (a float tensor keeps its dtype; ints give float32).
    public static func + (a: Tensor, s: Double) throws -> Tensor { try a + Scalar.float(s) }
    /// Elementwise sum with a float scalar.
    public static func + (s: Double, a: Tensor) throws -> Tensor { try Scalar.float(s) + a }
    /// Elementwise difference with an int scalar.
    public static func - (a: Tensor, s: Int) throws -> Tensor { try a - Scalar.int(Int64(s)) }
    /// Elementwise difference with an int scalar.
    public static func - (s: Int, a: Tensor) throws -> Tensor { try Scalar.int(Int64(s)) - a }
    /// Elementwise difference with a float scalar.
    public static func - (a: Tensor, s: Double) throws -> Tensor { try a - Scalar.float(s) }
    /// Elementwise difference with a float scalar.
    public static func - (s: Double, a: Tensor) throws -> Tensor { try Scalar.float(s) - a }
    /// Elementwise product with an int scalar.
    public static func * (a: Tensor, s: Int) throws -> Tensor { try a * Scalar.int(Int64(s)) }
    /// Elementwise product with an int scalar.
    public static func * (s: Int, a: Tensor) throws -> Tensor { try Scalar.int(Int64(s)) * a }
    /// Elementwise product with a float scalar (`float16Tensor * 2.0` stays float16).
    public static func * (a: Tensor, s: Double) throws -> Tensor { try a * Scalar.float(s) }
    /// Elementwise product with a float scalar.
    public static func * (s: Double, a: Tensor) throws -> Tensor { try Scalar.float(s) * a }
    /// True division by an int scalar (integer tensors give float32).
    public static func / (a: Tensor, s: Int) throws -> Tensor { try a / Scalar.int(Int64(s)) }
    /// True division of an int scalar by a tensor.
    public static func / (s: Int, a: Tensor) throws -> Tensor { try Scalar.int(Int64(s)) / a }
    /// True division by a float scalar.
    public static func / (a: Tensor, s: Double) throws -> Tensor { try a / Scalar.float(s) }
    /// True division of a float scalar by a tensor.
    public static func / (s: Double, a: Tensor) throws -> Tensor { try Scalar.float(s) / a }
    /// Python-style modulo by an int scalar.
    public static func % (a: Tensor, s: Int) throws -> Tensor { try a % Scalar.int(Int64(s)) }
    /// Python-style modulo by a float scalar.
    public static func % (a: Tensor, s: Double) throws -> Tensor { try a % Scalar.float(s) }

    /// Elementwise negation (Keras `negative`).
    public static prefix func - (a: Tensor) throws -> Tensor { try a.negated() }
}

// MARK: - Unary math (free functions, as term-of-art math in Swift)

/// Records a unary op whose input cotangent is `pullback(g)` for float inputs (integer and bool
/// inputs get no gradient).
@inline(__always)
private func recordUnary(_ op: StaticString, _ x: Tensor, _ out: Tensor, _ pullback: @escaping (Tensor) throws -> Tensor) {
    if x.dtype.isFloatingPoint {
        record(op, [x], out, { g in [try pullback(g)] })
    } else {
        record(op, [x], out, { _ in [nil] })
    }
}

/// Elementwise absolute value (Keras `abs`); integer minimum values wrap (stay negative).
public func abs(_ x: Tensor) throws -> Tensor {
    let out = try Tensor.unary("abs", x) { dt, i, o, n in numericUnary(.abs, dt, i, o, n) }
    recordUnary("abs", x, out) { g in try g * sign(x) }
    return out
}

/// Elementwise sign: -1, 0 or 1 in the input dtype; NaN stays NaN (Keras `sign`).
public func sign(_ x: Tensor) throws -> Tensor {
    let out = try Tensor.unary("sign", x) { dt, i, o, n in numericUnary(.sign, dt, i, o, n) }
    record("sign", [x], out, { _ in [nil] })  // piecewise constant: no gradient (TF gives zeros)
    return out
}

/// Elementwise square (Keras `square`); integers wrap; bool is the identity.
public func square(_ x: Tensor) throws -> Tensor {
    let out = try Tensor.unary("square", x) { dt, i, o, n in numericUnary(.square, dt, i, o, n) }
    recordUnary("square", x, out) { g in try g * (x * 2) }
    return out
}

/// Elementwise square root, IEEE semantics: negative → NaN (Keras `sqrt`; the legacy
/// `K.sqrt` clipping at 0 belongs to the Keras layer). Integers give float32.
public func sqrt(_ x: Tensor) throws -> Tensor {
    // C kernels: Swift's squareRoot() does not vectorize on Linux (see SwiftKerasKernels).
    let out = try Tensor.unary("sqrt", x, rule: .toFloat) { dt, i, o, n in
        if dt == .float64 {
            skk_sqrt_f64(n, i.assumingMemoryBound(to: Double.self), o.assumingMemoryBound(to: Double.self))
        } else {
            skk_sqrt_f32(n, i.assumingMemoryBound(to: Float.self), o.assumingMemoryBound(to: Float.self))
        }
    }
    recordUnary("sqrt", x, out) { g in try g / (out * 2) }
    return out
}

/// e raised to each element (Keras `exp`); integer inputs give float32. float32 runs the
/// vectorized kernel (≤ 1 ulp).
public func exp(_ x: Tensor) throws -> Tensor {
    let out = try x.fastUnary("exp", .exp, { Glibc.exp($0) })
    if x.dtype.isFloatingPoint {
        record("exp", [x], out, { g in [try g.multiplying(out)] })
    } else {
        record("exp", [x], out, { _ in [nil] })
    }
    return out
}

/// Natural logarithm (Keras `log`): 0 → -inf, negative → NaN; integers give float32.
public func log(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("log", { Glibc.logf($0) }, { Glibc.log($0) })
    recordUnary("log", x, out) { g in try g / x }
    return out
}

/// log(1 + x), accurate near 0 (Keras `log1p`); integers give float32.
public func log1p(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("log1p", { Glibc.log1pf($0) }, { Glibc.log1p($0) })
    recordUnary("log1p", x, out) { g in try g / (x + 1) }
    return out
}

/// e^x - 1, accurate near 0 (Keras `expm1`); integers give float32.
public func expm1(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("expm1", { Glibc.expm1f($0) }, { Glibc.expm1($0) })
    recordUnary("expm1", x, out) { g in try g * (out + 1) }
    return out
}

/// Elementwise sine (Keras `sin`); integers give float32.
public func sin(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("sin", { Glibc.sinf($0) }, { Glibc.sin($0) })
    recordUnary("sin", x, out) { g in try g * cos(x) }
    return out
}

/// Elementwise cosine (Keras `cos`); integers give float32.
public func cos(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("cos", { Glibc.cosf($0) }, { Glibc.cos($0) })
    recordUnary("cos", x, out) { g in try -(g * sin(x)) }
    return out
}

/// Hyperbolic tangent (Keras `tanh`); integers give float32. float32 runs the vectorized
/// rational kernel (≤ 8 ulp; ±inf → ±1, NaN → NaN).
public func tanh(_ x: Tensor) throws -> Tensor {
    let out = try x.fastUnary("tanh", .tanh, { Glibc.tanh($0) })
    recordUnary("tanh", x, out) { g in try g * (1 - out * out) }
    return out
}

/// Logistic sigmoid 1 / (1 + e^-x) (Keras `sigmoid`); integers give float32.
public func sigmoid(_ x: Tensor) throws -> Tensor {
    let out = try x.fastUnary("sigmoid", .sigmoid, { 1 / (1 + Glibc.exp(-$0)) })
    recordUnary("sigmoid", x, out) { g in try g * out * (1 - out) }
    return out
}

/// Piecewise-linear sigmoid clip(0.2 x + 0.5, 0, 1) (Keras legacy `hard_sigmoid`); NaN stays
/// NaN; integers give float32.
public func hardSigmoid(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("hard_sigmoid",
                             { Float.kMin(Float.kMax($0 * 0.2 + 0.5, 0), 1) },
                             { Double.kMin(Double.kMax($0 * 0.2 + 0.5, 0), 1) })
    // d/dx = 0.2 where 0 <= 0.2 x + 0.5 <= 1 (the legacy clip_by_value passes its bounds, so the
    // kinks at ±2.5 get 0.2), 0 outside; the affine value is recomputed as the kernel computes it.
    recordUnary("hard_sigmoid", x, out) { g in
        let y = try x.cast(to: x.dtype.computeType) * 0.2 + 0.5
        let inside = try y.isLess(than: .int(0)).logicalOr(y.isGreater(than: .int(1))).logicalNot()
        return try g * (inside.cast(to: g.dtype) * 0.2)
    }
    return out
}

/// log(1 + e^x), computed stably as max(x, 0) + log1p(e^-|x|) (Keras `softplus`);
/// integers give float32.
public func softplus(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("softplus", softplus32, softplus64)
    recordUnary("softplus", x, out) { g in try g * sigmoid(x) }
    return out
}

/// x / (1 + |x|) (Keras `softsign`); integers give float32.
public func softsign(_ x: Tensor) throws -> Tensor {
    let out = try x.floatUnary("softsign", { $0 / (1 + Swift.abs($0)) }, { $0 / (1 + Swift.abs($0)) })
    recordUnary("softsign", x, out) { g in try g / square(abs(x) + 1) }
    return out
}

/// Rectified linear unit with the Keras legacy `relu(x, alpha, max_value, threshold)`
/// semantics: `x > threshold` gives x (clipped to `[0, maxValue]` when `maxValue` is set),
/// otherwise `alpha * (x - threshold)`; NaN stays NaN. Integer tensors keep their dtype
/// (computed in float64, truncated back).
public func relu(_ x: Tensor, alpha: Double = 0, maxValue: Double? = nil, threshold: Double = 0) throws -> Tensor {
    if let m = maxValue, m.isNaN {
        throw SwiftKerasError.invalid("relu: max_value must not be NaN")
    }
    @inline(__always) func f(_ x: Double) -> Double {
        if x.isNaN { return x }
        var pos = threshold != 0 ? (x > threshold ? x : 0) : (x > 0 ? x : 0)
        if let m = maxValue { pos = Swift.min(Swift.max(pos, 0), m) }
        if alpha != 0 { pos -= alpha * Swift.max(threshold - x, 0) }
        return pos
    }
    let a32 = Float(alpha), t32 = Float(threshold), m32 = maxValue.map { Float($0) }
    @inline(__always) func f32(_ x: Float) -> Float {
        if x.isNaN { return x }
        var pos = t32 != 0 ? (x > t32 ? x : 0) : (x > 0 ? x : 0)
        if let m = m32 { pos = Swift.min(Swift.max(pos, 0), m) }
        if a32 != 0 { pos -= a32 * Swift.max(t32 - x, 0) }
        return pos
    }
    let out = try Tensor.unary("relu", x) { dt, i, o, n in
        switch dt {
        case .float64: unaryLoop(i, o, n, f)
        case .int32: unaryLoop(i, o, n) { (v: Int32) in Int32(elementFrom: f(Double(v))) }
        case .int64: unaryLoop(i, o, n) { (v: Int64) in Int64(elementFrom: f(Double(v))) }
        case .uint8: unaryLoop(i, o, n) { (v: UInt8) in UInt8(elementFrom: f(Double(v))) }
        case .bool: unaryLoop(i, o, n) { (v: Bool) in f(v ? 1 : 0) != 0 }
        default:
            if alpha == 0 && maxValue == nil && threshold == 0 {
                unaryLoop(i, o, n) { (x: Float) in (x > 0 || x != x) ? x : 0 }
            } else {
                unaryLoop(i, o, n, f32)
            }
        }
    }
    recordUnary("relu", x, out) { g in
        if alpha == 0 && maxValue == nil {
            // Plain relu: one compare and one select instead of compare, cast and multiply.
            return try select(x.isGreater(than: .float(threshold)), g, scalarTensor(.int(0), g.dtype))
        }
        return try g * reluDerivative(x, alpha: alpha, maxValue: maxValue, threshold: threshold, dtype: g.dtype)
    }
    return out
}

/// The derivative of `relu` as TensorFlow computes it for the graph Keras' legacy `relu` builds:
/// - `alpha != 0`, no `maxValue`, `threshold == 0`: `leaky_relu`, 1 for x > 0 and alpha elsewhere
///   (so alpha at 0);
/// - otherwise a positive part, plus alpha where x < threshold (the negative part
///   `alpha·relu(threshold - x)`, relu'(0) = 0, so the threshold itself gets nothing from it). The
///   positive part is 1 where x > threshold, then, with `maxValue`, multiplied by the indicator
///   of 0 <= value <= maxValue (clip_by_value passes its bounds), except that `threshold == 0`
///   with `maxValue == 6` is `relu6`: 1 only for 0 < x < 6.
/// Masks are compared in the compute dtype, as the kernel does. The result is a constant (the
/// comparisons cut the tape), so relu's second derivative is 0.
private func reluDerivative(_ x0: Tensor, alpha: Double, maxValue: Double?, threshold: Double, dtype: DType) throws -> Tensor {
    let x = try x0.cast(to: x0.dtype.computeType)
    let t = Scalar.float(threshold)
    if alpha != 0 && maxValue == nil && threshold == 0 {
        let positive = try x.isGreater(than: .int(0))
        return try select(positive, scalarTensor(.int(1), dtype), scalarTensor(.float(alpha), dtype))
    }
    let above = try x.isGreater(than: t)
    var positive = above
    if let m = maxValue {
        if threshold == 0 && m == 6 {
            positive = try above.logicalAnd(x.isLess(than: .float(6)))
        } else {
            // value = x where x > threshold else 0, then clipped to [0, m] with the bounds passing.
            let value = try select(above, x, scalarTensor(.int(0), x.dtype))
            let inRange = try value.isLess(than: .int(0)).logicalOr(value.isGreater(than: .float(m))).logicalNot()
            positive = try positive.logicalAnd(inRange)
        }
    }
    var d = try positive.cast(to: dtype)
    if alpha != 0 { d = try d + (try x.isLess(than: t).cast(to: dtype) * alpha) }
    return d
}

/// Exponential linear unit: x for x > 0, alpha·(e^x - 1) otherwise (Keras `elu`);
/// integers give float32.
public func elu(_ x: Tensor, alpha: Double = 1) throws -> Tensor {
    let a32 = Float(alpha)
    let out = try x.floatUnary("elu", { $0 > 0 ? $0 : a32 * Glibc.expm1f($0) },
                             { $0 > 0 ? $0 : alpha * Glibc.expm1($0) })
    // d/dx = 1 for x > 0, alpha·e^x = out + alpha otherwise (TensorFlow's EluGrad, so
    // elu'(0) = alpha); written with `out`, so it is differentiable again.
    recordUnary("elu", x, out) { g in
        try g * select(x.isGreater(than: .int(0)), scalarTensor(.int(1), out.dtype), out + alpha)
    }
    return out
}

/// Rounds half to even (Keras `round`); integer and bool tensors are returned unchanged.
public func round(_ x: Tensor) throws -> Tensor {
    try x.roundingOp("round", .toNearestOrEven)
}

/// Rounds toward -inf (Keras `floor`); integer and bool tensors are returned unchanged.
public func floor(_ x: Tensor) throws -> Tensor {
    try x.roundingOp("floor", .down)
}

/// Rounds toward +inf (Keras `ceil`); integer and bool tensors are returned unchanged.
public func ceil(_ x: Tensor) throws -> Tensor {
    try x.roundingOp("ceil", .up)
}
