import Glibc

// Reductions (sum, prod, mean, var, std, max, min, argmax, argmin, any, all, logsumexp) and
// scans (cumsum, cumprod). Every reduction goes through one front door:
//   validate axes (ShapeMath.axes) → cast to the compute dtype → bring the data into a
//   (outer, length, inner) layout → run a Reducer → cast to the result dtype → record.
//
// The layout: after dropping size-1 dimensions and merging neighbours that are both reduced or
// both kept, most axis sets are one of [R], [K, R], [R, K], [K, R, K], which read the input in
// place as `outer × length × inner` (reduce the middle). Any other pattern (e.g. axes 0 and 2
// of a rank-3 tensor) is first copied into [kept..., reduced...] order. With inner == 1 each
// output is a contiguous run (SIMD accumulators); with inner > 1 whole rows are accumulated into
// a block of `inner` accumulators, so leading-axis reductions never walk strided columns.

// MARK: - Scalars the kernels compute with

/// Arithmetic the reduction kernels need, on every compute dtype. Integer arithmetic wraps
/// (never traps); on bool, `+` is `or`, `*` is `and`, and `false < true`.
protocol ReduceScalar: TensorElement {
    static var additiveIdentity: Self { get }
    static var multiplicativeIdentity: Self { get }
    /// The identity of max: -inf for floats, the lowest value for integers, false for bool.
    static var lowest: Self { get }
    /// The identity of min: +inf for floats, the highest value for integers, true for bool.
    static var highest: Self { get }
    static func plus(_ a: Self, _ b: Self) -> Self
    static func times(_ a: Self, _ b: Self) -> Self
    /// `a > b` (false whenever a NaN is involved).
    static func greater(_ a: Self, _ b: Self) -> Bool
    /// True for a floating-point NaN.
    var isNaNValue: Bool { get }
    /// `a / n` for a mean: true division for floats, truncation toward zero for integers
    /// (an empty integer mean is defined as 0 instead of dividing by zero).
    static func divided(_ a: Self, byCount n: Int) -> Self
}

/// The floating-point compute dtypes share every rule but the mean's division.
extension ReduceScalar where Self: BinaryFloatingPoint {
    static var additiveIdentity: Self { 0 }
    static var multiplicativeIdentity: Self { 1 }
    static var lowest: Self { -.infinity }
    static var highest: Self { .infinity }
    @inline(__always) static func plus(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) static func times(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) static func greater(_ a: Self, _ b: Self) -> Bool { a > b }
    @inline(__always) var isNaNValue: Bool { isNaN }
}

/// The integer compute dtypes: wrapping arithmetic, truncating mean (0 for an empty one).
extension ReduceScalar where Self: FixedWidthInteger {
    static var additiveIdentity: Self { 0 }
    static var multiplicativeIdentity: Self { 1 }
    static var lowest: Self { .min }
    static var highest: Self { .max }
    @inline(__always) static func plus(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) static func times(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) static func greater(_ a: Self, _ b: Self) -> Bool { a > b }
    @inline(__always) var isNaNValue: Bool { false }
    @inline(__always) static func divided(_ a: Self, byCount n: Int) -> Self {
        n <= 0 ? 0 : Self(truncatingIfNeeded: Int64(a) / Int64(n))
    }
}

extension Float: ReduceScalar {
    /// Divided in double precision and rounded once.
    @inline(__always) static func divided(_ a: Float, byCount n: Int) -> Float { Float(Double(a) / Double(n)) }
}

extension Double: ReduceScalar {
    @inline(__always) static func divided(_ a: Double, byCount n: Int) -> Double { a / Double(n) }
}

extension Int32: ReduceScalar {}
extension Int64: ReduceScalar {}
extension UInt8: ReduceScalar {}

extension Bool: ReduceScalar {
    static var additiveIdentity: Bool { false }
    static var multiplicativeIdentity: Bool { true }
    static var lowest: Bool { false }
    static var highest: Bool { true }
    @inline(__always) static func plus(_ a: Bool, _ b: Bool) -> Bool { a || b }
    @inline(__always) static func times(_ a: Bool, _ b: Bool) -> Bool { a && b }
    @inline(__always) static func greater(_ a: Bool, _ b: Bool) -> Bool { a && !b }
    @inline(__always) var isNaNValue: Bool { false }
    @inline(__always) static func divided(_ a: Bool, byCount n: Int) -> Bool { a }
}

// MARK: - Reducers

/// One reduction: fold elements into an accumulator, then finish it into one output element.
protocol Reducer {
    associatedtype Element: TensorElement
    associatedtype Acc
    associatedtype Output: TensorElement
    var identity: Acc { get }
    /// Whether accumulators of consecutive chunks of one run combine with `merge` (so one long
    /// run can be split across cores).
    var mergeable: Bool { get }
    func fold(_ a: Acc, _ x: Element) -> Acc
    /// Folds a contiguous run (a faster or more accurate path than element-by-element `fold`).
    func foldRun(_ a: Acc, _ p: UnsafeMutablePointer<Element>, _ n: Int) -> Acc
    func merge(_ a: Acc, _ b: Acc) -> Acc
    func finish(_ a: Acc, count n: Int) -> Output
}

extension Reducer {
    var mergeable: Bool { true }
    @inline(__always)
    func foldRun(_ a: Acc, _ p: UnsafeMutablePointer<Element>, _ n: Int) -> Acc {
        var a = a
        for i in 0..<n { a = fold(a, p[i]) }
        return a
    }
}

/// The sum of a contiguous float32 run: SIMD lanes accumulate blocks of 4096 elements in float32
/// (each lane sums at most 64 values), block totals are added in float64. Relative error stays
/// near float32 epsilon even for millions of values.
@inline(__always)
func sumRunFloat(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Double {
    var total = 0.0
    var i = 0
    let raw = UnsafeRawPointer(p)
    while n &- i >= 64 {
        let blockEnd = i &+ Swift.min((n &- i) & ~63, 4096)
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        while i < blockEnd {
            let o = i &* 4
            a0 += raw.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            a1 += raw.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            a2 += raw.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
            a3 += raw.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
            i &+= 64
        }
        total += Double(((a0 + a1) + (a2 + a3)).sum())
    }
    var tail: Float = 0
    while i < n { tail += p[i]; i &+= 1 }
    return total + Double(tail)
}

/// The sum of a contiguous float64 run with 32 independent lanes (faster and more accurate
/// than one running sum).
@inline(__always)
func sumRunDouble(_ p: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
    var i = 0
    let raw = UnsafeRawPointer(p)
    var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
    while n &- i >= 32 {
        let o = i &* 8
        a0 += raw.loadUnaligned(fromByteOffset: o, as: SIMD8<Double>.self)
        a1 += raw.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Double>.self)
        a2 += raw.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD8<Double>.self)
        a3 += raw.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD8<Double>.self)
        i &+= 32
    }
    var total = ((a0 + a1) + (a2 + a3)).sum()
    while i < n { total += p[i]; i &+= 1 }
    return total
}

/// Sum (or mean, when `mean`): wrapping for integers, SIMD runs for floats.
struct SumReducer<T: ReduceScalar>: Reducer {
    let mean: Bool
    var identity: T { T.additiveIdentity }
    @inline(__always) func fold(_ a: T, _ x: T) -> T { T.plus(a, x) }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { T.plus(a, b) }
    @inline(__always) func foldRun(_ a: T, _ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
        if T.self == Float.self {
            let fp = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
            let s = Float(Double(unsafeBitCast(a, to: Float.self)) + sumRunFloat(fp, n))
            return unsafeBitCast(s, to: T.self)
        }
        if T.self == Double.self {
            let dp = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
            return unsafeBitCast(unsafeBitCast(a, to: Double.self) + sumRunDouble(dp, n), to: T.self)
        }
        var s = a
        for i in 0..<n { s = T.plus(s, p[i]) }
        return s
    }
    @inline(__always) func finish(_ a: T, count n: Int) -> T { mean ? T.divided(a, byCount: n) : a }
}

/// Product (wrapping for integers).
struct ProductReducer<T: ReduceScalar>: Reducer {
    var identity: T { T.multiplicativeIdentity }
    @inline(__always) func fold(_ a: T, _ x: T) -> T { T.times(a, x) }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { T.times(a, b) }
    @inline(__always) func finish(_ a: T, count n: Int) -> T { a }
}

/// Max or min; a NaN anywhere makes the result NaN (TensorFlow's reduce_max/reduce_min).
struct ExtremumReducer<T: ReduceScalar>: Reducer {
    let isMax: Bool
    var identity: T { isMax ? T.lowest : T.highest }
    @inline(__always) func fold(_ a: T, _ x: T) -> T {
        if a.isNaNValue { return a }
        return (isMax ? T.greater(x, a) : T.greater(a, x)) || x.isNaNValue ? x : a
    }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { fold(a, b) }
    @inline(__always) func foldRun(_ a: T, _ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
        if T.self == Float.self && n >= 16 {
            let fp = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
            let r = extremumRunFloat(fp, n, isMax: isMax)
            return fold(a, unsafeBitCast(r, to: T.self))
        }
        var s = a
        for i in 0..<n { s = fold(s, p[i]) }
        return s
    }
    @inline(__always) func finish(_ a: T, count n: Int) -> T { a }
}

/// Max or min of a float32 run (n ≥ 16) with SIMD lanes; NaN if any element is NaN.
@inline(__always)
func extremumRunFloat(_ p: UnsafeMutablePointer<Float>, _ n: Int, isMax: Bool) -> Float {
    let raw = UnsafeRawPointer(p)
    var m = raw.loadUnaligned(as: SIMD16<Float>.self)
    var nan = m .!= m
    var i = 16
    if isMax {
        while n &- i >= 16 {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
            m.replace(with: v, where: v .> m)
            nan = nan .| (v .!= v)
            i &+= 16
        }
    } else {
        while n &- i >= 16 {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
            m.replace(with: v, where: v .< m)
            nan = nan .| (v .!= v)
            i &+= 16
        }
    }
    if any(nan) { return .nan }
    var r = isMax ? m.max() : m.min()
    while i < n {
        let x = p[i]
        if x.isNaN { return .nan }
        if isMax ? x > r : x < r { r = x }
        i &+= 1
    }
    return r
}

/// Argmax or argmin of a float32 run (16 ≤ n < 2^31) with 8 SIMD lanes that remember the index
/// of their best value (ties → first); nil when the run holds a NaN (the caller then scans for
/// the first NaN).
@inline(__always)
func argRunFloat(_ p: UnsafeMutablePointer<Float>, _ n: Int, isMax: Bool) -> (Float, Int)? {
    let raw = UnsafeRawPointer(p)
    var m = raw.loadUnaligned(as: SIMD8<Float>.self)
    var nan = m .!= m
    var idx = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    var cur = idx
    let step = SIMD8<Int32>(repeating: 8)
    var i = 8
    if isMax {
        while n &- i >= 8 {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            cur &+= step
            let better = v .> m
            m.replace(with: v, where: better)
            idx.replace(with: cur, where: better)
            nan = nan .| (v .!= v)
            i &+= 8
        }
    } else {
        while n &- i >= 8 {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            cur &+= step
            let better = v .< m
            m.replace(with: v, where: better)
            idx.replace(with: cur, where: better)
            nan = nan .| (v .!= v)
            i &+= 8
        }
    }
    if any(nan) { return nil }
    var best = m[0], at = Int(idx[0])
    for l in 1..<8 {
        let v = m[l], j = Int(idx[l])
        if (isMax ? v > best : v < best) || (v == best && j < at) { best = v; at = j }
    }
    while i < n {
        let x = p[i]
        if x.isNaN { return nil }
        if isMax ? x > best : x < best { best = x; at = i }
        i &+= 1
    }
    return (best, at)
}

/// The accumulator of argmax/argmin: the best value so far, its index, and the running position.
struct ArgState<T> {
    var best: T
    var index: Int
    var position: Int
}

/// Argmax or argmin: ties go to the first index; the first NaN wins (numpy's argmax/argmin).
struct ArgReducer<T: ReduceScalar>: Reducer {
    let isMax: Bool
    var identity: ArgState<T> { ArgState(best: isMax ? T.lowest : T.highest, index: 0, position: 0) }
    var mergeable: Bool { false }
    @inline(__always) func fold(_ a: ArgState<T>, _ x: T) -> ArgState<T> {
        var a = a
        if a.position == 0 || (!a.best.isNaNValue && ((isMax ? T.greater(x, a.best) : T.greater(a.best, x)) || x.isNaNValue)) {
            a.best = x
            a.index = a.position
        }
        a.position &+= 1
        return a
    }
    @inline(__always) func foldRun(_ a: ArgState<T>, _ p: UnsafeMutablePointer<T>, _ n: Int) -> ArgState<T> {
        if T.self == Float.self && a.position == 0 && n >= 16 && n < Int(Int32.max) {
            let fp = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
            if let (best, at) = argRunFloat(fp, n, isMax: isMax) {
                return ArgState(best: unsafeBitCast(best, to: T.self), index: at, position: n)
            }
        }
        var s = a
        for i in 0..<n { s = fold(s, p[i]) }
        return s
    }
    func merge(_ a: ArgState<T>, _ b: ArgState<T>) -> ArgState<T> { a }  // never called: not mergeable
    @inline(__always) func finish(_ a: ArgState<T>, count n: Int) -> Int64 { Int64(a.index) }
}

/// Count, mean and sum of squared deviations (Welford / Chan), in float64.
struct Moments {
    var n: Double
    var mean: Double
    var m2: Double
}

/// Population variance (ddof 0) or standard deviation of float32/float64 values.
struct VarianceReducer<T: TensorElement>: Reducer {
    let std: Bool
    var identity: Moments { Moments(n: 0, mean: 0, m2: 0) }
    @inline(__always) func fold(_ a: Moments, _ x: T) -> Moments {
        let v = x.doubleValue
        var a = a
        a.n += 1
        let d = v - a.mean
        a.mean += d / a.n
        a.m2 += d * (v - a.mean)
        return a
    }
    @inline(__always) func merge(_ a: Moments, _ b: Moments) -> Moments {
        if b.n == 0 { return a }
        if a.n == 0 { return b }
        let n = a.n + b.n
        let d = b.mean - a.mean
        return Moments(n: n, mean: a.mean + d * (b.n / n), m2: a.m2 + b.m2 + d * d * (a.n * b.n / n))
    }
    /// Two passes over a contiguous run (mean, then squared deviations), merged into `a`.
    @inline(__always) func foldRun(_ a: Moments, _ p: UnsafeMutablePointer<T>, _ n: Int) -> Moments {
        if n == 0 { return a }
        if T.self == Float.self && n >= 16 {
            return merge(a, varRunFloat(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n))
        }
        var s = 0.0
        for i in 0..<n { s += p[i].doubleValue }
        let mean = s / Double(n)
        var m2 = 0.0
        for i in 0..<n { let d = p[i].doubleValue - mean; m2 += d * d }
        return merge(a, Moments(n: Double(n), mean: mean, m2: m2))
    }
    @inline(__always) func finish(_ a: Moments, count n: Int) -> T {
        let v = a.n == 0 ? Double.nan : a.m2 / a.n
        return T(elementFrom: std ? v.squareRoot() : v)
    }
}

/// Moments of a contiguous float32 run, 16 lanes at a time: the mean, then the squared deviations
/// from it, each summed in float32 lanes flushed to double every 256 elements (numpy sums float32
/// in float32 pairwise; this is at least as accurate). NaN and ±inf propagate to NaN as in the
/// scalar path.
@inline(__always)
private func varRunFloat(_ p: UnsafePointer<Float>, _ n: Int) -> Moments {
    typealias V = SIMD16<Float>
    let raw = UnsafeRawPointer(p)
    func lanes(_ v: V) -> Double {
        var t = 0.0
        for l in 0..<16 { t += Double(v[l]) }
        return t
    }
    var total = 0.0
    var i = 0
    while i + 16 <= n {
        var acc = V(repeating: 0)
        var end = i &+ 256
        if end > n { end = n }
        while i + 16 <= end {
            acc += raw.loadUnaligned(fromByteOffset: i &* 4, as: V.self)
            i &+= 16
        }
        total += lanes(acc)
    }
    while i < n { total += Double(p[i]); i &+= 1 }
    let mean = total / Double(n)
    let vmean = V(repeating: Float(mean))
    var m2 = 0.0
    i = 0
    while i + 16 <= n {
        var acc = V(repeating: 0)
        var end = i &+ 256
        if end > n { end = n }
        while i + 16 <= end {
            let d = raw.loadUnaligned(fromByteOffset: i &* 4, as: V.self) - vmean
            acc += d * d
            i &+= 16
        }
        m2 += lanes(acc)
    }
    while i < n { let d = Double(p[i]) - mean; m2 += d * d; i &+= 1 }
    return Moments(n: Double(n), mean: mean, m2: m2)
}

/// A running log-sum-exp: the largest value so far and the sum of exp(x - max).
struct LSEState {
    var max: Double
    var sum: Double
}

/// log(sum(exp(x))) computed stably: values are shifted by the running maximum, so large inputs
/// do not overflow. As in TensorFlow's reduce_logsumexp: all -inf (or empty) → -inf, any +inf → +inf,
/// any NaN → NaN.
struct LogSumExpReducer<T: TensorElement>: Reducer {
    var identity: LSEState { LSEState(max: -.infinity, sum: 0) }
    @inline(__always) func fold(_ a: LSEState, _ x: T) -> LSEState {
        let v = x.doubleValue
        if a.max.isNaN { return a }
        if v.isNaN || v == .infinity { return LSEState(max: v, sum: 1) }
        if a.max == .infinity || v == -.infinity { return a }
        if v > a.max { return LSEState(max: v, sum: a.sum * Glibc.exp(a.max - v) + 1) }
        return LSEState(max: a.max, sum: a.sum + Glibc.exp(v - a.max))
    }
    @inline(__always) func merge(_ a: LSEState, _ b: LSEState) -> LSEState {
        if a.max.isNaN || b.max == -.infinity { return a }
        if b.max.isNaN || a.max == -.infinity { return b }
        if a.max == .infinity || b.max == .infinity { return LSEState(max: .infinity, sum: 1) }
        let m = Swift.max(a.max, b.max)
        return LSEState(max: m, sum: a.sum * Glibc.exp(a.max - m) + b.sum * Glibc.exp(b.max - m))
    }
    /// Two passes over a contiguous run: its maximum, then the shifted sum.
    @inline(__always) func foldRun(_ a: LSEState, _ p: UnsafeMutablePointer<T>, _ n: Int) -> LSEState {
        if T.self == Float.self, let r = lseRunFloat(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n) {
            return merge(a, r)
        }
        var m = -Double.infinity
        for i in 0..<n {
            let v = p[i].doubleValue
            if v.isNaN { return LSEState(max: .nan, sum: 1) }
            if v > m { m = v }
        }
        if m == -.infinity { return a }
        if m == .infinity { return merge(a, LSEState(max: .infinity, sum: 1)) }
        var s = 0.0
        for i in 0..<n { s += Glibc.exp(p[i].doubleValue - m) }
        return merge(a, LSEState(max: m, sum: s))
    }
    @inline(__always) func finish(_ a: LSEState, count n: Int) -> T {
        if a.max.isNaN || a.max.isInfinite { return T(elementFrom: a.max) }
        return T(elementFrom: a.max + Glibc.log(a.sum))
    }
}

/// logsumexp state of a contiguous float32 run of finite values, 16 lanes at a time: the maximum,
/// then the sum of exp(x - max) with the vectorized exp (float32 terms, summed in float32 lanes
/// and flushed to double every 1024 elements). nil when the run holds NaN or ±inf (the caller
/// then takes the scalar path, which defines those cases). (Swift's pointwiseMax and any() go
/// lane by lane; compares and `replacing(with:where:)` vectorize.)
@inline(__always)
private func lseRunFloat(_ p: UnsafePointer<Float>, _ n: Int) -> LSEState? {
    typealias V = SIMD16<Float>
    if n < 16 { return nil }
    let raw = UnsafeRawPointer(p)
    var vm = V(repeating: -.infinity)
    var poison = V(repeating: 0)          // x * 0 is NaN exactly for NaN and ±inf
    var i = 0
    while i + 16 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i &* 4, as: V.self)
        poison += x * 0
        vm = vm.replacing(with: x, where: x .> vm)
        i &+= 16
    }
    var m = -Float.infinity
    for l in 0..<16 {
        if poison[l] != 0 { return nil }   // NaN lanes compare unequal to 0
        if vm[l] > m { m = vm[l] }
    }
    while i < n {
        let v = p[i]
        if !v.isFinite { return nil }
        if v > m { m = v }
        i &+= 1
    }
    let vmax = V(repeating: m)
    var total = 0.0
    var acc = V(repeating: 0)
    i = 0
    while i + 16 <= n {
        var blockEnd = i &+ 1024
        if blockEnd > n { blockEnd = n }
        while i + 16 <= blockEnd {
            acc += FastMath.exp(raw.loadUnaligned(fromByteOffset: i &* 4, as: V.self) - vmax)
            i &+= 16
        }
        for l in 0..<16 { total += Double(acc[l]) }
        acc = V(repeating: 0)
    }
    while i < n {
        total += Double(Glibc.expf(p[i] - m))
        i &+= 1
    }
    return LSEState(max: Double(m), sum: total)
}

// MARK: - Layout and driver

/// The input of a reduction as `outer × length × inner` contiguous elements; each of the
/// `outer × inner` outputs reduces `length` elements spaced `inner` apart.
struct ReductionLayout {
    let source: Tensor
    let outer: Int
    let length: Int
    let inner: Int

    /// Plans the layout of reducing the (normalised, sorted) `axes` of `x`, copying `x` into
    /// [kept..., reduced...] order when its axes do not form one of the in-place patterns.
    init(_ x: Tensor, axes: [Int], op: StaticString) throws {
        var reduced = [Bool](repeating: false, count: x.rank)
        for a in axes { reduced[a] = true }
        if x.count == 0 {
            // No data to read: every output is the reduction of nothing (or there are no outputs).
            var kept = 1
            for d in 0..<x.rank where !reduced[d] { kept &*= x.shape[d] }  // ≤ output count, validated by the caller
            self.init(source: x, outer: kept, length: 0, inner: 1)
            return
        }
        // Groups of neighbouring non-trivial dimensions with the same kind (kept or reduced).
        var groups: [(reduced: Bool, size: Int)] = []
        for d in 0..<x.rank where x.shape[d] != 1 {
            if let last = groups.last, last.reduced == reduced[d] {
                groups[groups.count - 1].size = last.size &* x.shape[d]
            } else {
                groups.append((reduced[d], x.shape[d]))
            }
        }
        let kinds = groups.map { $0.reduced }
        let sizes = groups.map { $0.size }
        switch kinds {
        case []: self.init(source: x, outer: 1, length: 1, inner: 1)
        case [false]: self.init(source: x, outer: sizes[0], length: 1, inner: 1)
        case [true]: self.init(source: x, outer: 1, length: sizes[0], inner: 1)
        case [false, true]: self.init(source: x, outer: sizes[0], length: sizes[1], inner: 1)
        case [true, false]: self.init(source: x, outer: 1, length: sizes[0], inner: sizes[1])
        case [false, true, false]: self.init(source: x, outer: sizes[0], length: sizes[1], inner: sizes[2])
        default:
            let perm = (0..<x.rank).filter { !reduced[$0] } + (0..<x.rank).filter { reduced[$0] }
            let permShape = perm.map { x.shape[$0] }
            let strides = ShapeMath.strides(x.shape)
            let copy = try Tensor.uninitialized(permShape, x.dtype, op: op)
            Tensor.stridedCopy(from: x.raw, to: copy.raw, shape: permShape,
                               srcStrides: perm.map { strides[$0] }, elementSize: x.dtype.byteSize)
            var kept = 1, red = 1
            for d in 0..<x.rank { if reduced[d] { red &*= x.shape[d] } else { kept &*= x.shape[d] } }
            self.init(source: copy, outer: kept, length: red, inner: 1)
        }
    }

    init(source: Tensor, outer: Int, length: Int, inner: Int) {
        self.source = source
        self.outer = outer
        self.length = length
        self.inner = inner
    }
}

/// Runs `rd` over `layout` into `out` (which has `outer × inner` elements of `Rd.Output`).
func runReduction<Rd: Reducer>(_ rd: Rd, _ layout: ReductionLayout, _ out: Tensor, op: StaticString) throws {
    let x = layout.source.pointer(Rd.Element.self)
    let o = out.pointer(Rd.Output.self)
    let B = layout.outer, R = layout.length, K = layout.inner
    let nOut = B &* K
    if nOut == 0 { return }
    if K == 1 {
        let cores = Parallel.cores
        if B == 1 && rd.mergeable && cores > 1 && R >= 1 << 17 {
            // One long run: each core folds a chunk, partial results merge in order.
            let per = (R + cores - 1) / cores
            let partial = UnsafeMutablePointer<Rd.Acc>.allocate(capacity: cores)
            partial.initialize(repeating: rd.identity, count: cores)
            Parallel.forRange(cores, grain: 1) { cs, ce in
                for c in cs..<ce {
                    let s = c &* per, e = Swift.min(R, s &+ per)
                    if s < e { partial[c] = rd.foldRun(rd.identity, x + s, e &- s) }
                }
            }
            var a = rd.identity
            for c in 0..<cores { a = rd.merge(a, partial[c]) }
            partial.deinitialize(count: cores)
            partial.deallocate()
            o[0] = rd.finish(a, count: R)
            return
        }
        Parallel.forRange(B, grain: Swift.max(1, 32768 / Swift.max(R, 1))) { s, e in
            for b in s..<e { o[b] = rd.finish(rd.foldRun(rd.identity, x + b &* R, R), count: R) }
        }
        return
    }
    // inner > 1: accumulate whole rows into blocks of column accumulators.
    let (bytes, overflow) = nOut.multipliedReportingOverflow(by: MemoryLayout<Rd.Acc>.stride)
    if overflow { throw SwiftKerasError(.outOfMemory, "\(op): too many outputs (\(nOut))") }
    let accStorage = try Storage(byteCount: bytes, op: op)
    let acc = accStorage.base.bindMemory(to: Rd.Acc.self, capacity: nOut)
    acc.initialize(repeating: rd.identity, count: nOut)
    let columns = { (b: Int, ks: Int, ke: Int) in
        let xb = x + b &* R &* K, ab = acc + b &* K, ob = o + b &* K
        var k0 = ks
        while k0 < ke {
            let k1 = Swift.min(ke, k0 &+ 1024)
            for r in 0..<R {
                let row = xb + r &* K
                for k in k0..<k1 { ab[k] = rd.fold(ab[k], row[k]) }
            }
            for k in k0..<k1 { ob[k] = rd.finish(ab[k], count: R) }
            k0 = k1
        }
    }
    if B >= 2 * Parallel.cores || R &* K >= 1 << 20 && B >= Parallel.cores {
        Parallel.forRange(B, grain: Swift.max(1, 32768 / (R &* K))) { s, e in
            for b in s..<e { columns(b, 0, K) }
        }
    } else {
        for b in 0..<B {
            Parallel.forRange(K, grain: Swift.max(16, 32768 / R)) { s, e in columns(b, s, e) }
        }
    }
    acc.deinitialize(count: nOut)
}

/// An internal invariant broke (a dtype the front door should have cast away); never a trap.
func reductionInternal(_ op: StaticString, _ dtype: DType) -> SwiftKerasError {
    SwiftKerasError(.runtime, "\(op): internal error: no kernel for compute dtype \(dtype)")
}

// MARK: - The front door

extension Tensor {
    /// The shape of reducing the normalised `axes` of `shape`.
    static func reducedShape(_ shape: [Int], axes: [Int], keepingDimensions keep: Bool) -> [Int] {
        var out: [Int] = []
        for d in 0..<shape.count {
            if axes.contains(d) { if keep { out.append(1) } } else { out.append(shape[d]) }
        }
        return out
    }

    /// The front door of every reduction: validates `axes` (any set, negative allowed, `nil` =
    /// all), casts to `compute`, lays the data out, runs `kernel` into a tensor of `output`
    /// dtype, casts to `result` and records.
    func reduction(_ op: StaticString, axes: [Int]?, keep: Bool, compute: DType, output: DType,
                   result: DType,
                   pullback: ((_ x: Tensor, _ y: Tensor, _ axes: [Int], _ keep: Bool) -> Pullback)? = nil,
                   kernel: (ReductionLayout, Tensor) throws -> Void) throws -> Tensor {
        try requireNumeric(op)
        let normalized = try ShapeMath.axes(axes, rank: rank, op: op)
        let outShape = Tensor.reducedShape(shape, axes: normalized, keepingDimensions: keep)
        let out = try Tensor.uninitialized(outShape, output, op: op)
        let xc = try cast(to: compute)
        let layout = try ReductionLayout(xc, axes: normalized, op: op)
        try kernel(layout, out)
        let final = try out.cast(to: result)
        record(op, [self], final, pullback?(self, final, normalized, keep) ?? gradientNotImplemented(op))
        return final
    }

    /// Runs a reducer built for the compute dtype of `layout` (float32, float64, int32, int64,
    /// uint8 or bool).
    fileprivate static func dispatch(_ op: StaticString, _ layout: ReductionLayout, _ out: Tensor,
                                     _ make: ReducerFactory) throws {
        switch layout.source.dtype {
        case .float32: try make.run(Float.self, layout, out, op)
        case .float64: try make.run(Double.self, layout, out, op)
        case .int32: try make.run(Int32.self, layout, out, op)
        case .int64: try make.run(Int64.self, layout, out, op)
        case .uint8: try make.run(UInt8.self, layout, out, op)
        case .bool: try make.run(Bool.self, layout, out, op)
        default: throw reductionInternal(op, layout.source.dtype)
        }
    }

    // MARK: Public reductions

    /// The sum of the elements along `axes` (Keras `sum` / `K.sum`, TensorFlow `reduce_sum`).
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce, in any order, negative counting from the end; `nil` reduces
    ///     all axes, `[]` none.
    ///   - keepingDimensions: keep reduced axes as size-1 dimensions.
    /// - Returns: float dtypes keep their dtype (float16/bfloat16 accumulate in float32); int32
    ///   and int64 keep theirs and wrap on overflow; bool and uint8 give int32 (Keras 3 `ops.sum`
    ///   gives uint32 for uint8, which SwiftKeras does not have — int32 as Keras' torch backend).
    ///   The sum of nothing is 0.
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let acc = Tensor.widenedForSum(dtype)
        return try reduction("sum", axes: axes, keep: keepingDimensions, compute: acc, output: acc,
                             result: dtype == .bool || dtype == .uint8 ? .int32 : dtype,
                             pullback: { x, _, axes, keep in { g in [try g.broadcastedBack(to: x.shape, axes: axes, keep: keep)] } }) { l, o in
            try Tensor.dispatch("sum", l, o, .sum(mean: false))
        }
    }

    /// The product of the elements along `axes` (Keras `prod` / `K.prod`, TensorFlow `reduce_prod`).
    ///
    /// Same axes and dtype rules as `sum(alongAxes:keepingDimensions:)`; integers wrap; the
    /// product of nothing is 1.
    public func product(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let acc = Tensor.widenedForSum(dtype)
        return try reduction("prod", axes: axes, keep: keepingDimensions, compute: acc, output: acc,
                             result: dtype == .bool || dtype == .uint8 ? .int32 : dtype,
                             pullback: { x, _, axes, keep in { g in
                                 [try g.broadcastedBack(to: x.shape, axes: axes, keep: keep)
                                     .multiplying(try x.productOfOthers(alongAxes: axes))]
                             } }) { l, o in
            try Tensor.dispatch("prod", l, o, .product)
        }
    }

    /// The arithmetic mean along `axes` (Keras `K.mean`, TensorFlow `reduce_mean`).
    ///
    /// Floats keep their dtype (float16/bfloat16 accumulate in float32); the mean of nothing is
    /// NaN. Integer tensors keep their dtype and the mean truncates toward zero (TensorFlow's
    /// integer reduce_mean; the sum is taken in int64, so it does not wrap); an empty integer
    /// mean is 0. Bool gives float32 (`K.mean` casts bool to floatx).
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let compute: DType
        let result: DType
        switch dtype {
        case .bool: compute = .float32; result = .float32
        case .int32, .int64, .uint8: compute = .int64; result = dtype
        default: compute = dtype.computeType; result = dtype
        }
        return try reduction("mean", axes: axes, keep: keepingDimensions, compute: compute, output: compute,
                             result: result,
                             pullback: { x, _, axes, keep in { g in
                                 let n = axes.reduce(1) { $0 * x.shape[$1] }
                                 let scaled = try g.dividing(by: .float(Double(max(n, 1))))
                                 return [try scaled.broadcastedBack(to: x.shape, axes: axes, keep: keep)]
                             } }) { l, o in
            try Tensor.dispatch("mean", l, o, .sum(mean: true))
        }
    }

    /// The population variance (ddof 0) along `axes` (Keras `var` / `K.var`, TensorFlow
    /// `reduce_variance`).
    ///
    /// float64 stays float64; float16/bfloat16 compute in float32 and return their dtype;
    /// integer and bool tensors give float32. Accumulates in float64 (two passes or Welford).
    /// The variance of nothing is NaN.
    public func variance(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try moments("var", axes, keepingDimensions, std: false)
    }

    /// The population standard deviation (ddof 0) along `axes` (Keras `std` / `K.std`,
    /// TensorFlow `reduce_std`); dtypes as `variance(alongAxes:keepingDimensions:)`.
    public func standardDeviation(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try moments("std", axes, keepingDimensions, std: true)
    }

    private func moments(_ op: StaticString, _ axes: [Int]?, _ keep: Bool, std: Bool) throws -> Tensor {
        let compute: DType = dtype == .float64 ? .float64 : .float32
        let result: DType = dtype.isFloatingPoint ? dtype : .float32
        return try reduction(op, axes: axes, keep: keep, compute: compute, output: compute, result: result,
                             pullback: { x, y, axes, keep in { g in
            // d var / dx = 2 (x - mean) / n; d std / dx = (x - mean) / (n std).
            let n = Double(Swift.max(axes.reduce(1) { $0 * x.shape[$1] }, 1))
            let centered = try x.subtracting(try x.mean(alongAxes: axes, keepingDimensions: true))
            let gx = try g.broadcastedBack(to: x.shape, axes: axes, keep: keep)
            if std {
                let yx = try y.broadcastedBack(to: x.shape, axes: axes, keep: keep)
                return [try gx.multiplying(centered).dividing(by: try yx.multiplying(.float(n)))]
            }
            return [try gx.multiplying(centered).multiplying(.float(2 / n))]
        } }) { l, o in
            if compute == .float64 { try runReduction(VarianceReducer<Double>(std: std), l, o, op: op) }
            else { try runReduction(VarianceReducer<Float>(std: std), l, o, op: op) }
        }
    }

    /// The largest element along `axes` (Keras `max` / `K.max`, TensorFlow `reduce_max`).
    ///
    /// Keeps the dtype. A NaN makes the result NaN. The max of nothing is -inf for floats, the
    /// lowest value for integers, false for bool. On bool, max is logical or.
    /// (Named `maxValue`, not `max`: a `Tensor` method called `max` would hide `Swift.max`
    /// inside every `Tensor` extension.)
    public func maxValue(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let c = dtype.computeType
        return try reduction("max", axes: axes, keep: keepingDimensions, compute: c, output: c, result: dtype,
                             pullback: Tensor.extremumPullback) { l, o in
            try Tensor.dispatch("max", l, o, .extremum(isMax: true))
        }
    }

    /// The smallest element along `axes` (Keras `min` / `K.min`, TensorFlow `reduce_min`).
    ///
    /// Keeps the dtype. A NaN makes the result NaN. The min of nothing is +inf for floats, the
    /// highest value for integers, true for bool. On bool, min is logical and.
    /// (Named `minValue`, not `min`, for the same reason as `maxValue`.)
    public func minValue(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let c = dtype.computeType
        return try reduction("min", axes: axes, keep: keepingDimensions, compute: c, output: c, result: dtype,
                             pullback: Tensor.extremumPullback) { l, o in
            try Tensor.dispatch("min", l, o, .extremum(isMax: false))
        }
    }

    /// The index of the largest element along `axis` (Keras `argmax` / `K.argmax`, TensorFlow
    /// `argmax`), as int64.
    ///
    /// `axis` may be negative; `nil` gives the index into the flattened tensor. Ties give the
    /// first index. A NaN counts as larger than everything, so the first NaN's index is the
    /// result (numpy's argmax; TensorFlow's CPU kernel may skip NaNs). An empty axis throws.
    public func argmax(alongAxis axis: Int? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try arg("argmax", axis, keepingDimensions, isMax: true)
    }

    /// The index of the smallest element along `axis` (Keras `argmin` / `K.argmin`, TensorFlow
    /// `argmin`), as int64. Ties give the first index; the first NaN wins (numpy's argmin);
    /// an empty axis throws.
    public func argmin(alongAxis axis: Int? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try arg("argmin", axis, keepingDimensions, isMax: false)
    }

    private func arg(_ op: StaticString, _ axis: Int?, _ keep: Bool, isMax: Bool) throws -> Tensor {
        let c = dtype.computeType
        if let axis {
            let a = try ShapeMath.axis(axis, rank: rank, op: op)
            if shape[a] == 0 {
                throw SwiftKerasError.invalid("\(op): cannot take the \(op) of an empty axis \(axis) of shape \(formatShape(shape))")
            }
            return try reduction(op, axes: [a], keep: keep, compute: c, output: .int64, result: .int64,
                                 pullback: Tensor.noGradient) { l, o in
                try Tensor.dispatch(op, l, o, .arg(isMax: isMax))
            }
        }
        if count == 0 {
            throw SwiftKerasError.invalid("\(op): cannot take the \(op) of an empty tensor of shape \(formatShape(shape))")
        }
        // Flattened index: reduce everything, and with keepdims keep every axis as size 1.
        return try reduction(op, axes: nil, keep: keep, compute: c, output: .int64, result: .int64,
                             pullback: Tensor.noGradient) { l, o in
            try Tensor.dispatch(op, l, o, .arg(isMax: isMax))
        }
    }

    /// Whether any element along `axes` is non-zero (Keras `any` / `K.any`, TensorFlow
    /// `reduce_any`). Any dtype is read as `!= 0` (NaN counts as true); the result is bool;
    /// `any` of nothing is false.
    public func any(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try reduction("any", axes: axes, keep: keepingDimensions, compute: .bool, output: .bool, result: .bool,
                             pullback: Tensor.noGradient) { l, o in
            try runReduction(ExtremumReducer<Bool>(isMax: true), l, o, op: "any")
        }
    }

    /// Whether every element along `axes` is non-zero (Keras `all` / `K.all`, TensorFlow
    /// `reduce_all`). Any dtype is read as `!= 0` (NaN counts as true); the result is bool;
    /// `all` of nothing is true.
    public func all(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        try reduction("all", axes: axes, keep: keepingDimensions, compute: .bool, output: .bool, result: .bool,
                             pullback: Tensor.noGradient) { l, o in
            try runReduction(ExtremumReducer<Bool>(isMax: false), l, o, op: "all")
        }
    }

    /// `log(sum(exp(x)))` along `axes`, computed without overflow (Keras `logsumexp` /
    /// `K.logsumexp`, TensorFlow `reduce_logsumexp`).
    ///
    /// Floats keep their dtype (float16/bfloat16 compute in float32); integers give float32;
    /// bool is rejected. All -inf (or nothing) gives -inf; any +inf gives +inf; NaN gives NaN.
    public func logSumExp(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        if dtype == .bool {
            throw SwiftKerasError.dtype("logsumexp: dtype bool is not supported (shape \(formatShape(shape)))")
        }
        let compute: DType = dtype == .float64 ? .float64 : .float32
        let result: DType = dtype.isFloatingPoint ? dtype : .float32
        return try reduction("logsumexp", axes: axes, keep: keepingDimensions, compute: compute, output: compute,
                             result: result,
                             pullback: { x, y, axes, keep in { g in
            // The softmax over the reduced axes: exp(x - logsumexp(x)).
            let yx = try y.broadcastedBack(to: x.shape, axes: axes, keep: keep)
            return [try g.broadcastedBack(to: x.shape, axes: axes, keep: keep).multiplying(try x.subtracting(yx).exp())]
        } }) { l, o in
            if compute == .float64 { try runReduction(LogSumExpReducer<Double>(), l, o, op: "logsumexp") }
            else { try runReduction(LogSumExpReducer<Float>(), l, o, op: "logsumexp") }
        }
    }

    /// The pullback of max and min (TensorFlow's): the cotangent is split evenly among the
    /// elements equal to the result, `g * equal(x, y) / count`.
    static func extremumPullback(_ x: Tensor, _ y: Tensor, _ axes: [Int], _ keep: Bool) -> Pullback {
        { g in
            let yx = try y.broadcastedBack(to: x.shape, axes: axes, keep: keep)
            let mask = try x.isEqual(to: yx).cast(to: g.dtype)
            let count = try mask.sum(alongAxes: axes, keepingDimensions: true)
            return [try g.broadcastedBack(to: x.shape, axes: axes, keep: keep).multiplying(mask.dividing(by: count))]
        }
    }

    /// The pullback of ops without a gradient (integer or bool results).
    static func noGradient(_ x: Tensor, _ y: Tensor, _ axes: [Int], _ keep: Bool) -> Pullback {
        { _ in [nil] }
    }

    /// For each element, the product of the other elements of its reduction group along `axes`
    /// (the gradient of `prod` before the cotangent), exact when the group holds zeros:
    /// TensorFlow's formula, the product of an exclusive cumulative product from the front and
    /// one from the back, never dividing by the element. Written with differentiable ops.
    func productOfOthers(alongAxes axes: [Int]) throws -> Tensor {
        if count == 0 { return try Tensor.zeros(shape, dtype: dtype) }
        let kept = (0..<rank).filter { !axes.contains($0) }
        let perm = axes + kept
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let r = axes.reduce(1) { $0 * shape[$1] }
        let k = count / r
        let flat = try transposed(perm).reshaped(to: [r, k])
        // [1, x0, x0 x1, ...] along axis 0.
        func exclusiveCumprod(_ t: Tensor) throws -> Tensor {
            try t.slice(begin: [0, 0], size: [r - 1, k]).padded([(1, 0), (0, 0)], value: 1).cumulativeProduct(alongAxis: 0)
        }
        let left = try exclusiveCumprod(flat)
        let right = try exclusiveCumprod(flat.reversed(alongAxes: [0])).reversed(alongAxes: [0])
        return try left.multiplying(right).reshaped(to: perm.map { shape[$0] }).transposed(inverse)
    }

    /// The accumulator dtype of sum and prod: bool and uint8 become int32, float16/bfloat16 float32.
    static func widenedForSum(_ t: DType) -> DType {
        switch t {
        case .bool, .uint8: return .int32
        default: return t.computeType
        }
    }
}

/// Which reducer to build once the compute dtype is known (Swift has no generic closures).
enum ReducerFactory {
    case sum(mean: Bool)
    case product
    case extremum(isMax: Bool)
    case arg(isMax: Bool)

    func run<T: ReduceScalar>(_: T.Type, _ l: ReductionLayout, _ o: Tensor, _ op: StaticString) throws {
        switch self {
        case .sum(let mean): try runReduction(SumReducer<T>(mean: mean), l, o, op: op)
        case .product: try runReduction(ProductReducer<T>(), l, o, op: op)
        case .extremum(let isMax): try runReduction(ExtremumReducer<T>(isMax: isMax), l, o, op: op)
        case .arg(let isMax): try runReduction(ArgReducer<T>(isMax: isMax), l, o, op: op)
        }
    }
}

// MARK: - Scans

extension Tensor {
    /// The running sum along `axis` (Keras `cumsum` / `K.cumsum`, TensorFlow `cumsum`); the
    /// result has this tensor's shape.
    ///
    /// `axis` may be negative (Keras' default axis 0 is up to the caller). Bool gives int32;
    /// other dtypes keep theirs (integers wrap; float16/bfloat16 accumulate in float32).
    public func cumulativeSum(alongAxis axis: Int) throws -> Tensor {
        try scan("cumsum", axis, product: false)
    }

    /// The running product along `axis` (Keras `cumprod` / `K.cumprod`, TensorFlow `cumprod`);
    /// dtypes as `cumulativeSum(alongAxis:)`.
    public func cumulativeProduct(alongAxis axis: Int) throws -> Tensor {
        try scan("cumprod", axis, product: true)
    }

    private func scan(_ op: StaticString, _ axis: Int, product: Bool) throws -> Tensor {
        let a = try ShapeMath.axis(axis, rank: rank, op: op)
        let compute: DType = dtype == .bool ? .int32 : dtype.computeType
        let result: DType = dtype == .bool ? .int32 : dtype
        let out = try Tensor.uninitialized(shape, compute, op: op)
        let xc = try cast(to: compute)
        var outer = 1, inner = 1
        for d in 0..<a { outer &*= shape[d] }
        for d in (a + 1)..<rank { inner &*= shape[d] }
        if count > 0 {
            let scan = ScanKernel(outer: outer, length: shape[a], inner: inner, product: product)
            switch compute {
            case .float32: scan.run(xc.pointer(Float.self), out.pointer(Float.self))
            case .float64: scan.run(xc.pointer(Double.self), out.pointer(Double.self))
            case .int32: scan.run(xc.pointer(Int32.self), out.pointer(Int32.self))
            case .int64: scan.run(xc.pointer(Int64.self), out.pointer(Int64.self))
            case .uint8: scan.run(xc.pointer(UInt8.self), out.pointer(UInt8.self))
            default: throw reductionInternal(op, compute)
            }
        }
        let final = try out.cast(to: result)
        record(op, [self], final, { g in
            // cumsum: the reverse cumulative sum of g. cumprod (TensorFlow's formula):
            // reverse_cumsum(y * g) / x, with 0 where x is 0 (div_no_nan).
            if !product { return [try g.reverseCumulativeSum(alongAxis: a)] }
            let nonzero = try self.isNotEqual(to: .int(0)).cast(to: g.dtype)
            let safe = try self.adding(try nonzero.negated().adding(.int(1)))
            let s = try g.multiplying(final).reverseCumulativeSum(alongAxis: a)
            return [try s.dividing(by: safe).multiplying(nonzero)]
        })
        return final
    }

    /// The cumulative sum from the end along the normalised axis `a` (differentiable ops).
    fileprivate func reverseCumulativeSum(alongAxis a: Int) throws -> Tensor {
        try reversed(alongAxes: [a]).cumulativeSum(alongAxis: a).reversed(alongAxes: [a])
    }
}

/// A running sum or product over the middle dimension of `outer × length × inner` data
/// (length ≥ 1, all sizes validated). With inner > 1, each row adds the previous output row,
/// a loop over contiguous columns.
struct ScanKernel {
    let outer: Int, length: Int, inner: Int, product: Bool

    func run<T: ReduceScalar>(_ x: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>) {
        let R = length, K = inner
        if K == 1 {
            Parallel.forRange(outer, grain: Swift.max(1, 32768 / R)) { s, e in
                for b in s..<e {
                    let xb = x + b &* R, ob = o + b &* R
                    var acc = xb[0]
                    ob[0] = acc
                    if product {
                        for i in 1..<R { acc = T.times(acc, xb[i]); ob[i] = acc }
                    } else {
                        for i in 1..<R { acc = T.plus(acc, xb[i]); ob[i] = acc }
                    }
                }
            }
            return
        }
        let columns = { (b: Int, ks: Int, ke: Int) in
            let xb = x + b &* R &* K, ob = o + b &* R &* K
            for k in ks..<ke { ob[k] = xb[k] }
            for r in 1..<R {
                let xr = xb + r &* K, prev = ob + (r &- 1) &* K, cur = ob + r &* K
                if product {
                    for k in ks..<ke { cur[k] = T.times(prev[k], xr[k]) }
                } else {
                    for k in ks..<ke { cur[k] = T.plus(prev[k], xr[k]) }
                }
            }
        }
        if outer >= 2 * Parallel.cores {
            Parallel.forRange(outer, grain: Swift.max(1, 32768 / (R &* K))) { s, e in
                for b in s..<e { columns(b, 0, K) }
            }
        } else {
            for b in 0..<outer {
                Parallel.forRange(K, grain: Swift.max(16, 32768 / R)) { s, e in columns(b, s, e) }
            }
        }
    }
}
