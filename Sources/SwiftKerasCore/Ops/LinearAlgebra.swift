// Matrix products: matmul (numpy/TensorFlow semantics), Keras' legacy dot and batch_dot.
//
// Every product reduces to a list of 2-D products C_i = op(A_i) · op(B_i) that share sizes and
// leading dimensions and differ only by buffer offsets (`GemmPlan`). float32/float64 go through
// `Gemm` (OpenBLAS or the portable kernel), float16/bfloat16 compute in float32, integers use a
// wrapping integer kernel and bool is logical (or of ands), as in numpy.

/// A batch of equally-shaped 2-D products over three buffers, offsets in elements.
struct GemmPlan {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var lda: Int, ldb: Int, ldc: Int
    var aOffsets: [Int] = [], bOffsets: [Int] = [], cOffsets: [Int] = []
}

extension Tensor {
    /// The matrix product with numpy/TensorFlow semantics (Keras `ops.matmul`, `tf.matmul`,
    /// `np.matmul`).
    ///
    /// - Rank-2 operands: `(m, k) · (k, n) → (m, n)`.
    /// - Rank ≥ 3: the last two dimensions are matrices; the leading (batch) dimensions
    ///   broadcast against each other.
    /// - A rank-1 left operand is treated as a row `(1, k)` and a rank-1 right operand as a
    ///   column `(k, 1)`; the added dimension is removed from the result (numpy).
    /// - The dtypes promote like other binary ops. float16/bfloat16 compute in float32; int32,
    ///   int64 and uint8 use wrapping integer arithmetic; bool gives the logical product
    ///   (or of ands) as numpy does.
    ///
    /// Throws `.invalid` for rank-0 operands, misaligned inner dimensions
    /// ("matmul: shapes (2, 3) and (4, 5) are not aligned") or batch dimensions that do not
    /// broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        try requireNumeric("matmul")
        try other.requireNumeric("matmul")
        let a = self, b = other
        let sa = formatShape(a.shape), sb = formatShape(b.shape)
        if a.rank == 0 || b.rank == 0 {
            throw SwiftKerasError.invalid("matmul: shapes \(sa) and \(sb): a rank-0 operand has no matrix dimensions")
        }
        let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let k2 = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        if k != k2 { throw SwiftKerasError.invalid("matmul: shapes \(sa) and \(sb) are not aligned") }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        let batch: [Int]
        do {
            batch = try ShapeMath.broadcast(aBatch, bBatch, op: "matmul")
        } catch {
            throw SwiftKerasError.invalid("matmul: shapes \(sa) and \(sb): batch dimensions cannot be broadcast together")
        }
        var outShape = batch
        if a.rank > 1 { outShape.append(m) }
        if b.rank > 1 { outShape.append(n) }
        let (compute, result) = Tensor.productTypes(a.dtype, b.dtype)
        let ac = try a.cast(to: compute), bc = try b.cast(to: compute)
        let out = try Tensor.uninitialized(outShape, compute, op: "matmul")
        if out.count > 0 {
            let batchCount = out.count / max(1, m * n)
            var plan = GemmPlan(m: m, n: n, k: k, lda: k, ldb: n, ldc: n)
            let bBatchCount = bc.count / max(1, k * n)
            let aBatchCount = ac.count / max(1, m * k)
            if bBatchCount == 1 && aBatchCount == batchCount {
                // B is shared by every batch element and A is contiguous: one (batch·m × k) product.
                plan.m = batchCount * m
                plan.aOffsets = [0]; plan.bOffsets = [0]; plan.cOffsets = [0]
            } else {
                let strideA = ShapeMath.broadcastStrides(from: aBatch, to: batch)
                let strideB = ShapeMath.broadcastStrides(from: bBatch, to: batch)
                plan.aOffsets.reserveCapacity(batchCount)
                plan.bOffsets.reserveCapacity(batchCount)
                plan.cOffsets.reserveCapacity(batchCount)
                let mk = m * k, kn = k * n, mn = m * n
                forEachBroadcastRow(shape: batch, stridesA: strideA, stridesB: strideB) { oa, ob, oc, cnt, ia, ib in
                    for i in 0..<cnt {
                        plan.aOffsets.append((oa &+ i &* ia) &* mk)
                        plan.bOffsets.append((ob &+ i &* ib) &* kn)
                        plan.cOffsets.append((oc &+ i) &* mn)
                    }
                }
            }
            try Tensor.runProducts(plan, compute, ac, bc, out, op: "matmul")
        }
        let final = try out.cast(to: result)
        record("matmul", [self, other], final,
               Tensor.matmulPullback(a, b, aShape: aShape, bShape: bShape, batch: batch, m: m, n: n, k: k))
        return final
    }

    /// The pullback of `a.matmul(b)`: dA = g · Bᵀ and dB = Aᵀ · g over the promoted 2-D/batched
    /// shapes, with the dimensions added for rank-1 operands removed again. Cotangents keep the
    /// broadcast batch dimensions; the tape sums them down to each input's shape (and casts to
    /// its dtype). Integer and bool inputs get no gradient.
    private static func matmulPullback(_ a: Tensor, _ b: Tensor, aShape: [Int], bShape: [Int], batch: [Int],
                                       m: Int, n: Int, k: Int) -> Pullback {
        { g in
            let needA = PullbackNeeds.input(0), needB = PullbackNeeds.input(1)
            if batch.isEmpty && aShape.count == 2 && bShape.count == 2,
               let fast = try product2DPullback(g, a, b, transA: false, transB: false, needA: needA, needB: needB) {
                return fast
            }
            let g2 = try g.reshaped(to: batch + [m, n])
            func swapLast(_ r: Int) -> [Int] { Array(0..<(r - 2)) + [r - 1, r - 2] }
            var da: Tensor? = nil, db: Tensor? = nil
            if a.dtype.isFloatingPoint && needA {
                let bt = try b.reshaped(to: bShape).transposed(swapLast(bShape.count))
                let r = try g2.matmul(bt)                      // batch + (m, k)
                da = a.rank == 1 ? try r.reshaped(to: batch + [k]) : r
            }
            if b.dtype.isFloatingPoint && needB {
                let at = try a.reshaped(to: aShape).transposed(swapLast(aShape.count))
                let r = try at.matmul(g2)                      // batch + (k, n)
                db = b.rank == 1 ? try r.reshaped(to: batch + [k]) : r
            }
            return [da, db]
        }
    }

    /// op(a) · op(b) for two rank-2 float32 or float64 tensors of one dtype, with the transposes
    /// passed to the GEMM instead of copied (the products of matmul's pullback). Recorded as
    /// "matmul" with a pullback of the same form, so higher-order gradients work.
    static func product2D(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) throws -> Tensor {
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let n = transB ? b.shape[0] : b.shape[1]
        let out = try Tensor.uninitialized([m, n], a.dtype, op: "matmul")
        if out.count > 0 {
            var plan = GemmPlan(m: m, n: n, k: k, lda: a.shape[1], ldb: b.shape[1], ldc: n)
            plan.transA = transA
            plan.transB = transB
            plan.aOffsets = [0]; plan.bOffsets = [0]; plan.cOffsets = [0]
            try runProducts(plan, a.dtype, a, b, out, op: "matmul")
        }
        record("matmul", [a, b], out, { g in
            let needA = PullbackNeeds.input(0), needB = PullbackNeeds.input(1)
            return try product2DPullback(g, a, b, transA: transA, transB: transB, needA: needA, needB: needB)
                ?? [nil, nil]
        })
        return out
    }

    /// The cotangents of op(a) · op(b) (see `product2D`), or nil when the operands do not
    /// qualify for `product2D` (other dtypes or ranks): the caller takes the general path.
    ///   C = A·B:   dA = G·Bᵀ,  dB = Aᵀ·G        C = A·Bᵀ:  dA = G·B,   dB = Gᵀ·A
    ///   C = Aᵀ·B:  dA = B·Gᵀ,  dB = A·G         C = Aᵀ·Bᵀ: dA = Bᵀ·Gᵀ, dB = Gᵀ·Aᵀ
    static func product2DPullback(_ g: Tensor, _ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool,
                                  needA: Bool, needB: Bool) throws -> [Tensor?]? {
        guard a.dtype == .float32 || a.dtype == .float64, a.dtype == b.dtype, g.dtype == a.dtype,
              a.rank == 2, b.rank == 2, g.rank == 2 else { return nil }
        // The four cases are two rules: dop(A) = G·op(B)ᵀ, transposed when A is; dop(B) = op(A)ᵀ·G,
        // transposed when B is.
        var da: Tensor? = nil, db: Tensor? = nil
        if needA {
            da = transA ? try product2D(b, g, transA: transB, transB: true)
                        : try product2D(g, b, transA: false, transB: !transB)
        }
        if needB {
            db = transB ? try product2D(g, a, transA: true, transB: transA)
                        : try product2D(a, g, transA: !transA, transB: false)
        }
        return [da, db]
    }

    /// The compute and result dtypes of a product of dtypes `a` and `b`.
    static func productTypes(_ a: DType, _ b: DType) -> (compute: DType, result: DType) {
        let p = a.promoted(with: b)
        return (p.computeType, p)
    }

    /// Runs every product of `plan` from `a` and `b` (of dtype `compute`) into `out`, which the
    /// plan covers entirely.
    static func runProducts(_ plan: GemmPlan, _ compute: DType, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                            op: StaticString) throws {
        let count = plan.cOffsets.count
        if count == 0 || plan.m == 0 || plan.n == 0 { return }
        if plan.k == 0 {
            out.fill(0)
            return
        }
        // Integer and bool kernels read op(A) and op(B) untransposed: materialise transposes.
        var p = plan
        var aT = a, bT = b
        if !compute.isFloatingPoint && (plan.transA || plan.transB) {
            if plan.transA {
                aT = try transposedMatrices(a, offsets: plan.aOffsets, rows: plan.k, cols: plan.m, ld: plan.lda, op: op)
                p.aOffsets = (0..<count).map { $0 * plan.m * plan.k }
                p.lda = plan.k
                p.transA = false
            }
            if plan.transB {
                bT = try transposedMatrices(b, offsets: plan.bOffsets, rows: plan.n, cols: plan.k, ld: plan.ldb, op: op)
                p.bOffsets = (0..<count).map { $0 * plan.k * plan.n }
                p.ldb = plan.n
                p.transB = false
            }
        }
        let (mn, o1) = p.m.multipliedReportingOverflow(by: p.n)
        let (work, o2) = mn.multipliedReportingOverflow(by: p.k)
        let small = !o1 && !o2 && work <= 64 * 64 * 64
        let totalWork = Double(work) * Double(count)
        // Many small products: spread whole products over the cores. Large ones: one at a time,
        // each product is threaded (by BLAS or the portable kernel).
        if small && count > 1 && totalWork >= 64 * 64 * 64 {
            Parallel.forRange(count, grain: 1) { s, e in
                for i in s..<e { runOne(p, i, compute, aT, bT, out) }
            }
        } else {
            for i in 0..<count { runOne(p, i, compute, aT, bT, out) }
        }
    }

    /// Product `i` of a plan.
    @inline(__always)
    private static func runOne(_ p: GemmPlan, _ i: Int, _ compute: DType, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
        let ao = p.aOffsets[i], bo = p.bOffsets[i], co = p.cOffsets[i]
        @inline(__always) func integer<T: FixedWidthInteger & TensorElement>(_: T.Type) {
            integerGemm(m: p.m, n: p.n, k: p.k, a: a.pointer(T.self) + ao, lda: p.lda,
                        b: b.pointer(T.self) + bo, ldb: p.ldb, c: out.pointer(T.self) + co, ldc: p.ldc)
        }
        switch compute {
        case .float64:
            Gemm.dgemm(transA: p.transA, transB: p.transB, m: p.m, n: p.n, k: p.k, alpha: 1,
                       a: a.pointer(Double.self) + ao, lda: p.lda, b: b.pointer(Double.self) + bo, ldb: p.ldb,
                       beta: 0, c: out.pointer(Double.self) + co, ldc: p.ldc)
        case .float32, .float16, .bfloat16:
            Gemm.sgemm(transA: p.transA, transB: p.transB, m: p.m, n: p.n, k: p.k, alpha: 1,
                       a: a.pointer(Float.self) + ao, lda: p.lda, b: b.pointer(Float.self) + bo, ldb: p.ldb,
                       beta: 0, c: out.pointer(Float.self) + co, ldc: p.ldc)
        case .int32: integer(Int32.self)
        case .int64: integer(Int64.self)
        case .uint8: integer(UInt8.self)
        case .bool:
            boolGemm(m: p.m, n: p.n, k: p.k, a: a.pointer(Bool.self) + ao, lda: p.lda,
                     b: b.pointer(Bool.self) + bo, ldb: p.ldb, c: out.pointer(Bool.self) + co, ldc: p.ldc)
        case .string: break   // refused by matmul's front door
        }
    }

    /// Copies the `rows × cols` matrices (leading dimension `ld`) at `offsets` of `t`, each
    /// transposed into a contiguous `cols × rows` matrix, one after another.
    private static func transposedMatrices(_ t: Tensor, offsets: [Int], rows: Int, cols: Int, ld: Int,
                                           op: StaticString) throws -> Tensor {
        let per = rows * cols
        let (total, o) = per.multipliedReportingOverflow(by: offsets.count)
        if o { throw SwiftKerasError(.outOfMemory, "\(op): operands are too large") }
        let dst = try Tensor.uninitialized([total], t.dtype, op: op)
        let es = t.dtype.byteSize
        for (i, off) in offsets.enumerated() {
            Tensor.stridedCopy(from: t.raw + off * es, to: dst.raw + i * per * es, shape: [cols, rows],
                               srcStrides: [1, ld], elementSize: es)
        }
        return dst
    }

    /// C = A · B with wrapping integer arithmetic (row-major, untransposed).
    private static func integerGemm<T: FixedWidthInteger>(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<T>, lda: Int,
                                                          b: UnsafeMutablePointer<T>, ldb: Int,
                                                          c: UnsafeMutablePointer<T>, ldc: Int) {
        let rowWork = max(1, n * k)
        Parallel.forRange(m, grain: max(1, (1 << 18) / rowWork)) { s, e in
            for i in s..<e {
                let crow = c + i &* ldc
                crow.update(repeating: 0, count: n)
                let arow = a + i &* lda
                for p in 0..<k {
                    let av = arow[p]
                    if av == 0 { continue }
                    let brow = b + p &* ldb
                    for j in 0..<n { crow[j] = crow[j] &+ av &* brow[j] }
                }
            }
        }
    }

    /// C = A · B over booleans: C[i, j] = any over p of (A[i, p] and B[p, j]) (numpy's bool matmul).
    private static func boolGemm(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Bool>, lda: Int,
                                 b: UnsafeMutablePointer<Bool>, ldb: Int, c: UnsafeMutablePointer<Bool>, ldc: Int) {
        for i in 0..<m {
            let crow = c + i &* ldc
            crow.update(repeating: false, count: n)
            let arow = a + i &* lda
            for p in 0..<k where arow[p] {
                let brow = b + p &* ldb
                for j in 0..<n { crow[j] = crow[j] || brow[j] }
            }
        }
    }

    /// A contiguous copy with the axes permuted (no tape recording: an implementation step).
    static func permutedCopy(_ t: Tensor, _ perm: [Int], op: StaticString) throws -> Tensor {
        if perm == Array(0..<t.rank) { return t }
        let outShape = perm.map { t.shape[$0] }
        let out = try Tensor.uninitialized(outShape, t.dtype, op: op)
        if out.count == 0 { return out }
        let inStrides = ShapeMath.strides(t.shape)
        Tensor.stridedCopy(from: t.raw, to: out.raw, shape: outShape, srcStrides: perm.map { inStrides[$0] },
                           elementSize: t.dtype.byteSize)
        return out
    }
}

/// The matrix product of `a` and `b` with numpy/TensorFlow semantics (Keras `ops.matmul`);
/// see `Tensor.matmul(_:)`.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try a.matmul(b)
}

/// The dot product of two tensors, as Keras' legacy backend `dot` (`K.dot`, `np.dot` shapes):
/// `x` of shape `(..., k)` and `y` of shape `(..., k, n)` give `x.shape[:-1] + y.shape[:-2] + (n,)`
/// (Theano-style: `(2, 3) · (4, 3, 5) → (2, 4, 5)`). Two matrices give the matrix product; a
/// rank-1 `y` of shape `(k,)` contracts `x`'s last axis (`x.shape[:-1]`), and two vectors give a
/// scalar, as `np.dot` does. Dtypes promote as in `matmul`.
///
/// Throws `.invalid` for rank-0 operands or misaligned dimensions
/// ("dot: shapes (2, 3) and (4, 5) are not aligned").
public func dot(_ x: Tensor, _ y: Tensor) throws -> Tensor {
    try x.requireNumeric("dot")
    try y.requireNumeric("dot")
    let sx = formatShape(x.shape), sy = formatShape(y.shape)
    if x.rank == 0 || y.rank == 0 {
        throw SwiftKerasError.invalid("dot: shapes \(sx) and \(sy): a rank-0 operand has no axis to contract")
    }
    let k = x.shape[x.rank - 1]
    let ky = y.rank == 1 ? y.shape[0] : y.shape[y.rank - 2]
    if k != ky { throw SwiftKerasError.invalid("dot: shapes \(sx) and \(sy) are not aligned") }
    let rows = x.shape.dropLast().reduce(1, &*)           // product of x.shape[:-1] (validated)
    let n = y.rank == 1 ? 1 : y.shape[y.rank - 1]
    let yBatch = y.rank <= 2 ? 1 : y.shape.dropLast(2).reduce(1, &*)
    var outShape = Array(x.shape.dropLast())
    if y.rank >= 2 { outShape += y.shape.dropLast(2) + [n] }
    let (compute, result) = Tensor.productTypes(x.dtype, y.dtype)
    let xc = try x.cast(to: compute), yc = try y.cast(to: compute)
    let out = try Tensor.uninitialized(outShape, compute, op: "dot")
    if out.count > 0 {
        // out viewed as (rows, yBatch, n): block b is X · Y_b with row stride yBatch·n.
        var plan = GemmPlan(m: rows, n: n, k: k, lda: k, ldb: n, ldc: yBatch * n)
        plan.aOffsets = [Int](repeating: 0, count: yBatch)
        plan.bOffsets = (0..<yBatch).map { $0 * k * n }
        plan.cOffsets = (0..<yBatch).map { $0 * n }
        try Tensor.runProducts(plan, compute, xc, yc, out, op: "dot")
    }
    let final = try out.cast(to: result)
    record("dot", [x, y], final, dotPullback(x, y, rows: rows, k: k, n: n, yBatch: yBatch))
    return final
}

/// Batchwise dot product, as Keras' legacy backend `batch_dot` (`K.batch_dot`).
///
/// `x` and `y` have rank ≥ 2 and the same batch size `B` (axis 0). For every batch element
/// the axis `axes.0` of `x` is contracted with the axis `axes.1` of `y`. The result shape is
/// `(B,)` + `x`'s other axes + `y`'s other axes; when `x` and `y` are both rank 2 the result
/// is `(B, 1)`, and when only `y` is rank 2 no axis is added for it. Examples:
/// `(32, 20, 1) · (32, 30, 20)` with axes `(1, 2)` → `(32, 1, 30)`;
/// `(B, n) · (B, n)` → `(B, 1)`; `(100, 20) · (100, 30, 20)` with axes `(1, 2)` → `(100, 30)`.
///
/// `axes` nil means the last axis of `x` with the last axis of a rank-2 `y`, else the
/// second-to-last axis of `y` (Keras' default). Negative axes count from the end; axis 0
/// (the batch axis) cannot be contracted.
public func batchDot(_ x: Tensor, _ y: Tensor, axes: (Int, Int)? = nil) throws -> Tensor {
    let sx = formatShape(x.shape), sy = formatShape(y.shape)
    if x.rank < 2 || y.rank < 2 {
        throw SwiftKerasError.invalid("batch_dot: shapes \(sx) and \(sy): inputs must have rank at least 2")
    }
    if x.shape[0] != y.shape[0] {
        throw SwiftKerasError.invalid("batch_dot: shapes \(sx) and \(sy) have different batch sizes")
    }
    let given = axes ?? (x.rank - 1, y.rank == 2 ? y.rank - 1 : y.rank - 2)
    let a0 = given.0 < 0 ? given.0 + x.rank : given.0
    let a1 = given.1 < 0 ? given.1 + y.rank : given.1
    if a0 < 0 || a0 >= x.rank || a1 < 0 || a1 >= y.rank {
        throw SwiftKerasError.invalid("batch_dot: axes (\(given.0), \(given.1)) are out of range for shapes \(sx) and \(sy)")
    }
    if a0 == 0 || a1 == 0 {
        throw SwiftKerasError.invalid("batch_dot: axes (\(given.0), \(given.1)) for shapes \(sx) and \(sy) include the batch axis 0, which cannot be contracted")
    }
    let k = x.shape[a0]
    if k != y.shape[a1] {
        throw SwiftKerasError.invalid("batch_dot: shapes \(sx) and \(sy) are not aligned along axes (\(a0), \(a1)): \(k) != \(y.shape[a1])")
    }
    let batch = x.shape[0]
    let xRest = (1..<x.rank).filter { $0 != a0 }.map { x.shape[$0] }
    let yRest = (1..<y.rank).filter { $0 != a1 }.map { y.shape[$0] }
    let rows = xRest.reduce(1, &*), cols = yRest.reduce(1, &*)
    var outShape = [batch] + xRest
    if y.rank >= 3 { outShape += yRest } else if x.rank == 2 { outShape.append(1) }

    let (compute, result) = Tensor.productTypes(x.dtype, y.dtype)
    var xc = try x.cast(to: compute), yc = try y.cast(to: compute)
    let out = try Tensor.uninitialized(outShape, compute, op: "batch_dot")
    if out.count > 0 {
        var plan = GemmPlan(m: rows, n: cols, k: k, lda: k, ldb: cols, ldc: cols)
        // x per batch element: (rows, k) when the contracted axis is last, (k, rows) when it is
        // axis 1 (transposed product); otherwise move it last with a copy.
        if a0 == x.rank - 1 {
        } else if a0 == 1 {
            plan.transA = true
            plan.lda = rows
        } else {
            xc = try Tensor.permutedCopy(xc, [0] + (1..<x.rank).filter { $0 != a0 } + [a0], op: "batch_dot")
        }
        // y per batch element: (k, cols) when the contracted axis is axis 1, (cols, k) when it is last.
        if a1 == 1 {
        } else if a1 == y.rank - 1 {
            plan.transB = true
            plan.ldb = k
        } else {
            yc = try Tensor.permutedCopy(yc, [0, a1] + (1..<y.rank).filter { $0 != a1 }, op: "batch_dot")
        }
        plan.aOffsets = (0..<batch).map { $0 * rows * k }
        plan.bOffsets = (0..<batch).map { $0 * k * cols }
        plan.cOffsets = (0..<batch).map { $0 * rows * cols }
        try Tensor.runProducts(plan, compute, xc, yc, out, op: "batch_dot")
    }
    let final = try out.cast(to: result)
    record("batch_dot", [x, y], final, batchDotPullback(x, y, a0, a1, rows: rows, cols: cols, k: k))
    return final
}

/// `batchDot(x, y, axes: (axis, axis))`: the same axis of both operands (Keras `axes=int`).
public func batchDot(_ x: Tensor, _ y: Tensor, axis: Int) throws -> Tensor {
    try batchDot(x, y, axes: (axis, axis))
}

/// The pullback of `dot(x, y)`, made of reshapes, transposes and matmuls: with `X` = x as
/// `(rows, k)`, `Y` = y as `(yBatch, k, n)` and the cotangent `G` as `(rows, yBatch·n)`,
/// dX = G · [Y_b transposed, stacked] `(yBatch·n, k)` and dY = (Xᵀ · G) re-laid out as
/// `(yBatch, k, n)`. A rank-1 `y` is the column `(k, 1)`. Integer and bool operands get no
/// gradient.
private func dotPullback(_ x: Tensor, _ y: Tensor, rows: Int, k: Int, n: Int, yBatch: Int) -> Pullback {
    { g in
        let g2 = try g.reshaped(to: [rows, yBatch * n])
        let x2 = try x.reshaped(to: [rows, k])
        var dx: Tensor? = nil, dy: Tensor? = nil
        if x.dtype.isFloatingPoint {
            let yt = try y.reshaped(to: [yBatch, k, n]).transposed([0, 2, 1]).reshaped(to: [yBatch * n, k])
            dx = try g2.matmul(yt).reshaped(to: x.shape)
        }
        if y.dtype.isFloatingPoint {
            let r = try x2.transposed([1, 0]).matmul(g2)      // (k, yBatch·n)
            dy = try r.reshaped(to: [k, yBatch, n]).transposed([1, 0, 2]).reshaped(to: y.shape)
        }
        return [dx, dy]
    }
}

/// The pullback of `batchDot(x, y, axes: (a0, a1))`, made of transposes, reshapes and
/// batched matmuls: x is laid out as `(B, rows, k)` (contracted axis moved last), y as
/// `(B, k, cols)` (contracted axis moved to 1), the product is `X · Y`; so dX = G · Yᵀ and
/// dY = Xᵀ · G, laid back out in the operands' own axis orders. Integer and bool operands get
/// no gradient.
private func batchDotPullback(_ x: Tensor, _ y: Tensor, _ a0: Int, _ a1: Int,
                              rows: Int, cols: Int, k: Int) -> Pullback {
    { g in
        let batch = x.shape[0]
        let xPerm = [0] + (1..<x.rank).filter { $0 != a0 } + [a0]
        let yPerm = [0, a1] + (1..<y.rank).filter { $0 != a1 }
        func inverse(_ p: [Int]) -> [Int] {
            var inv = [Int](repeating: 0, count: p.count)
            for (i, v) in p.enumerated() { inv[v] = i }
            return inv
        }
        let g3 = try g.reshaped(to: [batch, rows, cols])
        let xm = try x.transposed(xPerm).reshaped(to: [batch, rows, k])
        let ym = try y.transposed(yPerm).reshaped(to: [batch, k, cols])
        var dx: Tensor? = nil, dy: Tensor? = nil
        if x.dtype.isFloatingPoint {
            let r = try g3.matmul(ym.transposed([0, 2, 1]))        // (B, rows, k)
            dx = try r.reshaped(to: xPerm.map { x.shape[$0] }).transposed(inverse(xPerm))
        }
        if y.dtype.isFloatingPoint {
            let r = try xm.transposed([0, 2, 1]).matmul(g3)        // (B, k, cols)
            dy = try r.reshaped(to: yPerm.map { y.shape[$0] }).transposed(inverse(yPerm))
        }
        return [dx, dy]
    }
}
