/// Shape arithmetic shared by every op: element counts without overflow, strides,
/// broadcasting and axis normalisation. Everything here throws instead of trapping.
package enum ShapeMath {
    /// The number of elements of `shape`, checking for negative sizes and overflow.
    package static func count(_ shape: [Int], op: StaticString) throws -> Int {
        var n = 1
        for d in shape {
            if d < 0 { throw SwiftKerasError.invalid("\(op): negative dimension in shape \(formatShape(shape))") }
            let (m, o) = n.multipliedReportingOverflow(by: d)
            if o { throw SwiftKerasError(.outOfMemory, "\(op): shape \(formatShape(shape)) has too many elements") }
            n = m
        }
        return n
    }

    /// Bytes needed for `count` elements of `dtype`, checking for overflow.
    static func byteCount(_ count: Int, _ dtype: DType, op: StaticString) throws -> Int {
        let (b, o) = count.multipliedReportingOverflow(by: dtype.byteSize)
        if o { throw SwiftKerasError(.outOfMemory, "\(op): \(count) elements of \(dtype) overflow the address space") }
        return b
    }

    /// Row-major strides (in elements) of `shape`. Assumes a validated shape.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc &*= shape[i]
        }
        return s
    }

    /// The numpy broadcast of two shapes, or a thrown error naming `op` and both shapes.
    package static func broadcast(_ a: [Int], _ b: [Int], op: StaticString) throws -> [Int] {
        if a == b { return a }
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw SwiftKerasError.invalid(
                    "\(op): shapes \(formatShape(a)) and \(formatShape(b)) cannot be broadcast together")
            }
        }
        return out
    }

    /// Strides (in elements) to read a tensor of shape `from` as if it had the broadcast shape `to`
    /// (0 along broadcast dimensions). `from` must broadcast to `to`.
    static func broadcastStrides(from: [Int], to: [Int]) -> [Int] {
        let base = strides(from)
        let pad = to.count - from.count
        var out = [Int](repeating: 0, count: to.count)
        for i in 0..<from.count where from[i] != 1 {
            out[i + pad] = base[i]
        }
        return out
    }

    /// Normalises an axis in `-rank..<rank` to `0..<rank`.
    package static func axis(_ axis: Int, rank: Int, op: StaticString) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        if a < 0 || a >= rank {
            throw SwiftKerasError.invalid("\(op): axis \(axis) is out of bounds for a tensor of rank \(rank)")
        }
        return a
    }

    /// Normalises and de-duplicates a set of axes; `nil` means all axes.
    static func axes(_ axes: [Int]?, rank: Int, op: StaticString) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var seen = [Bool](repeating: false, count: rank)
        var out: [Int] = []
        for a in axes {
            let n = try axis(a, rank: rank, op: op)
            if seen[n] { throw SwiftKerasError.invalid("\(op): axis \(a) is repeated in \(axes)") }
            seen[n] = true
            out.append(n)
        }
        return out.sorted()
    }
}

/// Calls `body(offsetA, offsetB, outOffset, innerCount, innerStrideA, innerStrideB)` once per
/// row of the broadcast iteration of two operands over `shape`: the innermost dimension is
/// handed to the body as a strided run, so kernels keep a tight inner loop.
@inline(__always)
func forEachBroadcastRow(shape: [Int], stridesA: [Int], stridesB: [Int],
                         _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0, 0, 0, 1, 0, 0); return }
    let inner = shape[rank - 1]
    if inner == 0 { return }
    var outer = 1
    for i in 0..<(rank - 1) { outer &*= shape[i] }
    if outer == 0 { return }
    var index = [Int](repeating: 0, count: rank)
    var offA = 0, offB = 0, offOut = 0
    let isA = stridesA[rank - 1], isB = stridesB[rank - 1]
    for _ in 0..<outer {
        body(offA, offB, offOut, inner, isA, isB)
        offOut &+= inner
        var d = rank - 2
        while d >= 0 {
            index[d] &+= 1
            offA &+= stridesA[d]
            offB &+= stridesB[d]
            if index[d] < shape[d] { break }
            offA &-= stridesA[d] &* shape[d]
            offB &-= stridesB[d] &* shape[d]
            index[d] = 0
            d -= 1
        }
    }
}
