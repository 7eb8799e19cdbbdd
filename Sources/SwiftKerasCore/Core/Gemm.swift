import Synchronization

/// The internal matrix-multiply entry point every op that needs one (matmul, dot, conv via
/// im2col) calls. Row-major: C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, with leading
/// dimensions lda/ldb/ldc in elements. Sizes are validated by the caller.
///
/// float32/float64 run on OpenBLAS when it could be loaded (see `BLAS`), otherwise on a
/// cache-blocked, packed, multi-threaded Swift kernel (`PortableGemm`). `beta == 0` overwrites C
/// (NaNs already in C do not leak through), as BLAS specifies.
enum Gemm {
    /// When true, every product runs on the portable kernel (tests flip this to cover it;
    /// SWIFTKERAS_NO_BLAS=1 has the same effect for a whole process).
    static let forcePortable = Atomic<Bool>(false)

    /// Below this many multiply-adds the plain loop beats a library call.
    static let tinyWork = 2048

    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(SIMD8<Float>.self, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { lib, ta, tb, m, n, k, lda, ldb, ldc in
            lib.sgemm(BLAS.rowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    static func dgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                      a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                      beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        gemm(SIMD4<Double>.self, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { lib, ta, tb, m, n, k, lda, ldb, ldc in
            lib.dgemm(BLAS.rowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    /// One GEMM for both precisions: the trivial cases, then the BLAS library through `blas`
    /// (row-major, sizes as 32-bit) when it is loaded and worth calling, else the portable kernel
    /// with vectors of `V`.
    @inline(__always)
    private static func gemm<V: SIMD>(
        _ vector: V.Type, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: V.Scalar,
        a: UnsafePointer<V.Scalar>, lda: Int, b: UnsafePointer<V.Scalar>, ldb: Int,
        beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int,
        blas: (BLAS.Library, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) -> Void
    ) where V.Scalar: BinaryFloatingPoint {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 { PortableGemm.scale(c, m: m, n: n, ldc: ldc, beta: beta); return }
        if let lib = blasLibrary(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc) {
            blas(lib, transA ? BLAS.trans : BLAS.noTrans, transB ? BLAS.trans : BLAS.noTrans,
                 Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k),
                 Int32(truncatingIfNeeded: lda), Int32(truncatingIfNeeded: ldb), Int32(truncatingIfNeeded: ldc))
            return
        }
        PortableGemm.gemm(vector, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                          a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// The BLAS library when it is loaded, allowed, worth calling, and the arguments satisfy its
    /// rules (32-bit sizes, leading dimensions at least the row length) — a BLAS that rejects its
    /// arguments prints to stderr, so those calls take the portable path instead.
    @inline(__always)
    private static func blasLibrary(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                    lda: Int, ldb: Int, ldc: Int) -> BLAS.Library? {
        if forcePortable.load(ordering: .relaxed) { return nil }
        let (mn, o1) = m.multipliedReportingOverflow(by: n)
        let (work, o2) = mn.multipliedReportingOverflow(by: k)
        if !o1 && !o2 && work < tinyWork { return nil }
        guard let lib = BLAS.library, !BLAS.outdatedKernel else { return nil }
        let limit = Int(Int32.max)
        if m > limit || n > limit || k > limit || lda > limit || ldb > limit || ldc > limit { return nil }
        if lda < max(1, transA ? m : k) || ldb < max(1, transB ? k : n) || ldc < max(1, n) { return nil }
        return lib
    }
}

/// The portable GEMM: B is packed into k×NR column strips and A into MR×k row strips (alpha
/// folded in), and a register-blocked micro-kernel accumulates MR×NR tiles of C in SIMD
/// registers. Row blocks of A are spread over the cores.
enum PortableGemm {
    static let mr = 6
    static let kc = 256
    static let mc = 96      // multiple of mr
    static let nc = 2048

    /// C = beta · C over an m×n block (beta == 0 writes zeros).
    static func scale<T: FloatingPoint>(_ c: UnsafeMutablePointer<T>, m: Int, n: Int, ldc: Int, beta: T) {
        if beta == 1 { return }
        for i in 0..<m {
            let row = c + i &* ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    @_specialize(where V == SIMD8<Float>)
    @_specialize(where V == SIMD4<Double>)
    static func gemm<V: SIMD>(_: V.Type, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: V.Scalar,
                              a: UnsafePointer<V.Scalar>, lda: Int, b: UnsafePointer<V.Scalar>, ldb: Int,
                              beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int)
    where V.Scalar: BinaryFloatingPoint {
        if m <= 0 || n <= 0 { return }
        scale(c, m: m, n: n, ldc: ldc, beta: beta)
        if k <= 0 || alpha == 0 { return }
        let nr = V.scalarCount
        let work = Double(m) * Double(n) * Double(k)
        if work < Double(Gemm.tinyWork) {
            naiveAccumulate(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            return
        }
        let kcMax = min(kc, k)
        let ncMax = min(nc, (n + nr - 1) / nr * nr)
        let bpack = UnsafeMutablePointer<V.Scalar>.allocate(capacity: kcMax * ((ncMax + nr - 1) / nr) * nr)
        defer { bpack.deallocate() }
        let rowBlocks = (m + mc - 1) / mc
        let threads = work >= 48.0 * 48.0 * 48.0 ? min(Parallel.cores, rowBlocks) : 1
        var jc = 0
        while jc < n {
            let ncur = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kcur = min(kc, k - pc)
                packB(b, ldb: ldb, transB: transB, row0: pc, col0: jc, kc: kcur, nc: ncur, nr: nr, into: bpack)
                let kcur_ = kcur, pc_ = pc, jc_ = jc
                func body(_ start: Int, _ end: Int) {
                    let kcur = kcur_, pc = pc_, jc = jc_
                    let apack = UnsafeMutablePointer<V.Scalar>.allocate(capacity: kcur * mc)
                    defer { apack.deallocate() }
                    for blk in start..<end {
                        let ic = blk * mc
                        let mcur = min(mc, m - ic)
                        packA(a, lda: lda, transA: transA, row0: ic, col0: pc, mc: mcur, kc: kcur,
                              alpha: alpha, into: apack)
                        macroKernel(V.self, mc: mcur, nc: ncur, kc: kcur, apack: apack, bpack: bpack,
                                    c: c + (ic &* ldc &+ jc), ldc: ldc)
                    }
                }
                if threads <= 1 {
                    body(0, rowBlocks)
                } else {
                    Parallel.forRange(rowBlocks, grain: 1) { s, e in body(s, e) }
                }
                pc += kcur
            }
            jc += ncur
        }
    }

    /// C += alpha · op(A) · op(B) by plain loops (tiny products).
    static func naiveAccumulate<T: FloatingPoint>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
                                                  a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
                                                  c: UnsafeMutablePointer<T>, ldc: Int) {
        for i in 0..<m {
            let crow = c + i &* ldc
            for p in 0..<k {
                let av = alpha * (transA ? a[p &* lda &+ i] : a[i &* lda &+ p])
                if transB {
                    for j in 0..<n { crow[j] += av * b[j &* ldb &+ p] }
                } else {
                    let brow = b + p &* ldb
                    for j in 0..<n { crow[j] += av * brow[j] }
                }
            }
        }
    }

    /// Packs op(B)[row0..<row0+kc, col0..<col0+nc] into strips of `nr` columns: strip s holds
    /// kc rows of nr values (zero-padded past the last column).
    @inline(__always)
    static func packB<T: FloatingPoint>(_ b: UnsafePointer<T>, ldb: Int, transB: Bool, row0: Int, col0: Int,
                                        kc: Int, nc: Int, nr: Int, into dst: UnsafeMutablePointer<T>) {
        let strips = (nc + nr - 1) / nr
        for s in 0..<strips {
            let d = dst + s &* kc &* nr
            let j0 = col0 &+ s &* nr
            let w = min(nr, nc &- s &* nr)
            if !transB {
                for p in 0..<kc {
                    let src = b + ((row0 &+ p) &* ldb &+ j0)
                    let dp = d + p &* nr
                    for j in 0..<w { dp[j] = src[j] }
                    for j in w..<nr { dp[j] = 0 }
                }
            } else {
                for p in 0..<kc {
                    let dp = d + p &* nr
                    for j in 0..<w { dp[j] = b[(j0 &+ j) &* ldb &+ row0 &+ p] }
                    for j in w..<nr { dp[j] = 0 }
                }
            }
        }
    }

    /// Packs alpha · op(A)[row0..<row0+mc, col0..<col0+kc] into strips of `mr` rows: strip s holds
    /// kc columns of mr values (zero-padded past the last row).
    @inline(__always)
    static func packA<T: FloatingPoint>(_ a: UnsafePointer<T>, lda: Int, transA: Bool, row0: Int, col0: Int,
                                        mc: Int, kc: Int, alpha: T, into dst: UnsafeMutablePointer<T>) {
        let strips = (mc + mr - 1) / mr
        for s in 0..<strips {
            let d = dst + s &* kc &* mr
            let i0 = row0 &+ s &* mr
            let h = min(mr, mc &- s &* mr)
            for r in 0..<mr {
                if r < h {
                    if transA {
                        let src = a + (col0 &* lda &+ i0 &+ r)
                        for p in 0..<kc { d[p &* mr &+ r] = alpha * src[p &* lda] }
                    } else {
                        let src = a + ((i0 &+ r) &* lda &+ col0)
                        for p in 0..<kc { d[p &* mr &+ r] = alpha * src[p] }
                    }
                } else {
                    for p in 0..<kc { d[p &* mr &+ r] = 0 }
                }
            }
        }
    }

    /// Runs the micro-kernel over every mr×nr tile of an mc×nc block of C.
    @inline(__always)
    static func macroKernel<V: SIMD>(_: V.Type, mc: Int, nc: Int, kc: Int, apack: UnsafeMutablePointer<V.Scalar>,
                                     bpack: UnsafeMutablePointer<V.Scalar>, c: UnsafeMutablePointer<V.Scalar>, ldc: Int)
    where V.Scalar: BinaryFloatingPoint {
        let nr = V.scalarCount
        var j = 0
        while j < nc {
            let w = min(nr, nc - j)
            let bp = bpack + (j / nr) &* kc &* nr
            var i = 0
            while i < mc {
                let h = min(mr, mc - i)
                microKernel(V.self, kc: kc, a: apack + (i / mr) &* kc &* mr, b: bp,
                            c: c + (i &* ldc &+ j), ldc: ldc, rows: h, cols: w)
                i += mr
            }
            j += nr
        }
    }

    /// C[rows×cols] += Apanel(mr×kc) · Bpanel(kc×nr), accumulating a 6×nr tile in registers.
    @inline(__always)
    static func microKernel<V: SIMD>(_: V.Type, kc: Int, a: UnsafeMutablePointer<V.Scalar>,
                                     b: UnsafeMutablePointer<V.Scalar>, c: UnsafeMutablePointer<V.Scalar>,
                                     ldc: Int, rows: Int, cols: Int)
    where V.Scalar: BinaryFloatingPoint {
        let nr = V.scalarCount
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var ap = UnsafeRawPointer(a)
        var bp = UnsafeRawPointer(b)
        let stride = MemoryLayout<V.Scalar>.stride
        for _ in 0..<kc {
            let bv = bp.loadUnaligned(as: V.self)
            let av = ap.assumingMemoryBound(to: V.Scalar.self)
            c0 += av[0] * bv
            c1 += av[1] * bv
            c2 += av[2] * bv
            c3 += av[3] * bv
            c4 += av[4] * bv
            c5 += av[5] * bv
            ap += 6 &* stride
            bp += nr &* stride
        }
        if cols == nr {
            @inline(__always) func addRow(_ r: Int, _ v: V) {
                let p = UnsafeMutableRawPointer(c + r &* ldc)
                p.storeBytes(of: p.loadUnaligned(as: V.self) + v, as: V.self)
            }
            addRow(0, c0)
            if rows > 1 { addRow(1, c1) }
            if rows > 2 { addRow(2, c2) }
            if rows > 3 { addRow(3, c3) }
            if rows > 4 { addRow(4, c4) }
            if rows > 5 { addRow(5, c5) }
        } else {
            withUnsafeTemporaryAllocation(of: V.self, capacity: 6) { tile in
                tile.initializeElement(at: 0, to: c0); tile.initializeElement(at: 1, to: c1)
                tile.initializeElement(at: 2, to: c2); tile.initializeElement(at: 3, to: c3)
                tile.initializeElement(at: 4, to: c4); tile.initializeElement(at: 5, to: c5)
                for r in 0..<rows {
                    let row = c + r &* ldc
                    let v = tile[r]
                    for j in 0..<cols { row[j] += v[j] }
                }
            }
        }
    }
}
