// QR, SVD and the symmetric eigendecomposition of one float64 matrix (row-major in and out), for
// `tf.linalg.qr`, `tf.linalg.svd` and `tf.linalg.eigh` (Ops/LinearAlgebraDecompositions.swift):
// LAPACK (dgeqrf + dorgqr, dgesvd, dsyev from the loaded OpenBLAS) when it is there, otherwise
// portable Swift: Householder QR with LAPACK's sign convention, one-sided Jacobi SVD and cyclic
// Jacobi eigenvalues. Both paths give the same factorization up to the signs of singular vectors
// and eigenvectors (which no library fixes).

/// Matrix factorizations of one float64 matrix, row-major in and out.
package enum MatrixFactorization {
    /// Row-major (rows, cols) → column-major, and back (the same loop with the roles swapped).
    static func transposed(_ a: [Double], rows: Int, cols: Int) -> [Double] {
        if a.isEmpty { return a }   // (0, huge) or (huge, 0): nothing to move
        var t = [Double](repeating: 0, count: a.count)
        for i in 0..<rows { for j in 0..<cols { t[j &* rows &+ i] = a[i &* cols &+ j] } }
        return t
    }

    // MARK: QR

    /// A = Q·R of the (m, n) matrix `a` with k = min(m, n): Q (m, m) and R (m, n) when `full`,
    /// else Q (m, k) and R (k, n); R is upper triangular, Q's columns orthonormal. Householder
    /// reflections with LAPACK's signs (R's diagonal is −sign(pivot)·norm), as TensorFlow's.
    package static func qr(_ a: [Double], m: Int, n: Int, full: Bool) -> (q: [Double], r: [Double]) {
        if let lapack = lapackQR(a, m: m, n: n, full: full) { return lapack }
        return householderQR(a, m: m, n: n, full: full)
    }

    /// The portable QR (see `qr`).
    static func householderQR(_ a: [Double], m: Int, n: Int, full: Bool) -> (q: [Double], r: [Double]) {
        let k = min(m, n), qc = full ? m : k, rr = full ? m : k
        var r = a
        var vs = [[Double]](), vnorms = [Double]()
        for j in 0..<k {
            var v = [Double](repeating: 0, count: m &- j)
            var tail = 0.0
            for i in j..<m {
                v[i &- j] = r[i &* n &+ j]
                if i > j { tail += v[i &- j] * v[i &- j] }
            }
            if tail == 0 { vs.append(v); vnorms.append(0); continue }   // H_j = I (LAPACK's tau = 0)
            let alpha = v[0], norm = (alpha * alpha + tail).squareRoot()
            let beta = alpha >= 0 ? -norm : norm
            v[0] = alpha - beta
            let vn = v[0] * v[0] + tail
            for c in j..<n {
                var d = 0.0
                for i in j..<m { d += v[i &- j] * r[i &* n &+ c] }
                let f = 2 * d / vn
                for i in j..<m { r[i &* n &+ c] -= f * v[i &- j] }
            }
            vs.append(v)
            vnorms.append(vn)
        }
        var rOut = [Double](repeating: 0, count: rr &* n)
        for i in 0..<min(rr, m, n) { for c in i..<n { rOut[i &* n &+ c] = r[i &* n &+ c] } }
        // Q = H_0 ··· H_{k−1} applied to the first qc columns of the identity.
        var q = [Double](repeating: 0, count: m &* qc)
        for i in 0..<min(m, qc) { q[i &* qc &+ i] = 1 }
        for j in stride(from: k &- 1, through: 0, by: -1) where vnorms[j] > 0 {
            let v = vs[j]
            for c in 0..<qc {
                var d = 0.0
                for i in j..<m { d += v[i &- j] * q[i &* qc &+ c] }
                let f = 2 * d / vnorms[j]
                for i in j..<m { q[i &* qc &+ c] -= f * v[i &- j] }
            }
        }
        return (q, rOut)
    }

    /// LAPACK's QR (dgeqrf, then dorgqr for Q's columns), or nil without LAPACK or on its error.
    static func lapackQR(_ a: [Double], m: Int, n: Int, full: Bool) -> (q: [Double], r: [Double])? {
        let k = min(m, n), qc = full ? m : k, rr = full ? m : k
        guard let lib = BLAS.library, let geqrf = lib.dgeqrf, let orgqr = lib.dorgqr, k > 0,
              m <= Int(Int32.max) / max(1, max(n, m)) else { return nil }
        var col = transposed(a, rows: m, cols: n)   // column-major (m, n), lda m
        var m32 = Int32(m), n32 = Int32(n), k32 = Int32(k), qc32 = Int32(qc), info: Int32 = 0, query: Int32 = -1
        var tau = [Double](repeating: 0, count: k)
        var size = 0.0
        geqrf(&m32, &n32, &col, &m32, &tau, &size, &query, &info)
        guard info == 0 else { return nil }
        guard var lwork = workSize(size, minimum: n &* 64) else { return nil }
        var work = [Double](repeating: 0, count: lwork)
        var lw = Int32(lwork)
        geqrf(&m32, &n32, &col, &m32, &tau, &work, &lw, &info)
        guard info == 0 else { return nil }
        var r = [Double](repeating: 0, count: rr &* n)
        for i in 0..<min(rr, m, n) { for c in i..<n { r[i &* n &+ c] = col[c &* m &+ i] } }
        // Q: the reflectors in the first k columns of an (m, qc) column-major buffer.
        var q = [Double](repeating: 0, count: m &* qc)
        for c in 0..<k { for i in 0..<m { q[c &* m &+ i] = col[c &* m &+ i] } }
        orgqr(&m32, &qc32, &k32, &q, &m32, &tau, &size, &query, &info)
        guard info == 0 else { return nil }
        guard let orgWork = workSize(size, minimum: qc &* 64) else { return nil }
        lwork = max(lwork, orgWork)
        if work.count < lwork { work = [Double](repeating: 0, count: lwork) }
        lw = Int32(lwork)
        orgqr(&m32, &qc32, &k32, &q, &m32, &tau, &work, &lw, &info)
        guard info == 0 else { return nil }
        return (transposed(q, rows: qc, cols: m), r)
    }

    // MARK: SVD

    /// A = U·diag(s)·Vᵀ of the (m, n) matrix `a`, k = min(m, n): s (k) descending and ≥ 0; with
    /// `vectors`, U (m, m) and V (n, n) when `full`, else U (m, k) and V (n, k) (empty otherwise).
    /// A matrix holding NaN or Inf gives NaN everywhere (TensorFlow's result; LAPACK's dbdsqr
    /// would loop forever on it).
    package static func svd(_ a: [Double], m: Int, n: Int, full: Bool, vectors: Bool)
        -> (s: [Double], u: [Double], v: [Double]) {
        if a.contains(where: { !$0.isFinite }) {
            let k = min(m, n), uc = full ? m : k, vc = full ? n : k
            return ([Double](repeating: .nan, count: k), [Double](repeating: .nan, count: vectors ? m &* uc : 0),
                    [Double](repeating: .nan, count: vectors ? n &* vc : 0))
        }
        if let lapack = lapackSVD(a, m: m, n: n, full: full, vectors: vectors) { return lapack }
        return jacobiSVD(a, m: m, n: n, full: full, vectors: vectors)
    }

    /// The portable SVD (see `svd`): one-sided Jacobi rotations of A's columns (of Aᵀ's when
    /// m < n) until they are orthogonal; U's missing columns completed to an orthonormal basis.
    static func jacobiSVD(_ a: [Double], m: Int, n: Int, full: Bool, vectors: Bool)
        -> (s: [Double], u: [Double], v: [Double]) {
        if m < n {   // Aᵀ = V·S·Uᵀ
            let t = jacobiSVD(transposed(a, rows: m, cols: n), m: n, n: m, full: full, vectors: vectors)
            return (t.s, t.v, t.u)
        }
        // m ≥ n: w holds A's columns (column-major), rotated by the same rotations as V.
        let k = n
        var w = transposed(a, rows: m, cols: n)
        var v = [Double](repeating: 0, count: n &* n)   // column-major
        for i in 0..<n { v[i &* n &+ i] = 1 }
        for _ in 0..<80 {
            var rotated = false
            for p in 0..<n {
                for q in (p &+ 1)..<max(p &+ 1, n) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m {
                        let x = w[p &* m &+ i], y = w[q &* m &+ i]
                        alpha += x * x; beta += y * y; gamma += x * y
                    }
                    if gamma == 0 || abs(gamma) <= 1e-15 * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let x = w[p &* m &+ i], y = w[q &* m &+ i]
                        w[p &* m &+ i] = c * x - s * y
                        w[q &* m &+ i] = s * x + c * y
                    }
                    for i in 0..<n {
                        let x = v[p &* n &+ i], y = v[q &* n &+ i]
                        v[p &* n &+ i] = c * x - s * y
                        v[q &* n &+ i] = s * x + c * y
                    }
                }
            }
            if !rotated { break }
        }
        var norms = (0..<k).map { c in (0..<m).reduce(0.0) { $0 + w[c &* m &+ $1] * w[c &* m &+ $1] }.squareRoot() }
        let order = (0..<k).sorted { sortKey(norms[$0]) > sortKey(norms[$1]) || (norms[$0] == norms[$1] && $0 < $1) }
        norms = order.map { norms[$0] }
        guard vectors else { return (norms, [], []) }
        // U's columns: A·v_j / s_j for s_j > 0; the rest completed orthonormally.
        let uc = full ? m : k
        var uCols = [[Double]]()
        var missing = [Int]()
        for (j, c) in order.enumerated() {
            if norms[j] > 0 && norms[j].isFinite {
                uCols.append((0..<m).map { w[c &* m &+ $0] / norms[j] })
            } else {
                uCols.append([Double](repeating: 0, count: m))
                missing.append(j)
            }
        }
        for _ in k..<uc { missing.append(uCols.count); uCols.append([Double](repeating: 0, count: m)) }
        completeOrthonormal(&uCols, missing: missing, m: m)
        var u = [Double](repeating: 0, count: m &* uc)
        for j in 0..<uc { for i in 0..<m { u[i &* uc &+ j] = uCols[j][i] } }
        var vOut = [Double](repeating: 0, count: n &* n)
        for (j, c) in order.enumerated() { for i in 0..<n { vOut[i &* n &+ j] = v[c &* n &+ i] } }
        return (norms, u, vOut)
    }

    /// NaN sorts last among descending values.
    private static func sortKey(_ x: Double) -> Double { x.isNaN ? -.infinity : x }

    /// NaN sorts last among ascending values.
    private static func ascendingKey(_ x: Double) -> Double { x.isNaN ? .infinity : x }

    /// A LAPACK workspace size (its query's answer, at least `minimum`), or nil when it is not a
    /// finite count that fits LAPACK's 32-bit integers.
    static func workSize(_ answer: Double, minimum: Int) -> Int? {
        guard answer.isFinite, answer < Double(Int32.max) else { return nil }
        let n = max(1, Int(answer), minimum)
        guard n <= Int(Int32.max), (try? CheckedAllocation.check(n, of: Double.self, op: "LAPACK")) != nil else { return nil }
        return n
    }

    /// Fills the columns listed in `missing` with unit vectors orthogonal to every other column
    /// (Gram–Schmidt, twice, of the standard basis vector that keeps the most norm).
    static func completeOrthonormal(_ cols: inout [[Double]], missing: [Int], m: Int) {
        var done = Set(0..<cols.count).subtracting(missing)
        for j in missing {
            var best = [Double](repeating: 0, count: m), bestNorm = -1.0
            for e in 0..<m {
                var x = [Double](repeating: 0, count: m)
                x[e] = 1
                for _ in 0..<2 {
                    for d in done {
                        let dot = (0..<m).reduce(0.0) { $0 + cols[d][$1] * x[$1] }
                        for i in 0..<m { x[i] -= dot * cols[d][i] }
                    }
                }
                let norm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                if norm > bestNorm { best = x.map { $0 / max(norm, .leastNormalMagnitude) }; bestNorm = norm }
                if norm > 0.5 { break }
            }
            cols[j] = best
            done.insert(j)
        }
    }

    /// LAPACK's dgesvd, or nil without it or when it does not converge.
    static func lapackSVD(_ a: [Double], m: Int, n: Int, full: Bool, vectors: Bool)
        -> (s: [Double], u: [Double], v: [Double])? {
        let k = min(m, n)
        guard let lib = BLAS.library, let gesvd = lib.dgesvd, k > 0,
              m <= Int(Int32.max) / max(m, n) else { return nil }
        var col = transposed(a, rows: m, cols: n)
        let job: CChar = vectors ? (full ? 65 : 83) : 78   // 'A', 'S', 'N'
        let uc = vectors ? (full ? m : k) : 1, vr = vectors ? (full ? n : k) : 1
        var jobu = job, jobvt = job
        var m32 = Int32(m), n32 = Int32(n), ldu = Int32(m), ldvt = Int32(vr), info: Int32 = 0, query: Int32 = -1
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m &* uc), vt = [Double](repeating: 0, count: vr &* n)
        var size = 0.0
        gesvd(&jobu, &jobvt, &m32, &n32, &col, &m32, &s, &u, &ldu, &vt, &ldvt, &size, &query, &info, 1, 1)
        guard info == 0 else { return nil }
        guard let lwork = workSize(size, minimum: 5 &* (m &+ n)) else { return nil }
        var work = [Double](repeating: 0, count: lwork)
        var lw = Int32(lwork)
        gesvd(&jobu, &jobvt, &m32, &n32, &col, &m32, &s, &u, &ldu, &vt, &ldvt, &work, &lw, &info, 1, 1)
        guard info == 0 else { return nil }
        guard vectors else { return (s, [], []) }
        // u is column-major (m, uc); vt column-major (vr, n) with V[i][j] = vt[i·vr + j].
        return (s, transposed(u, rows: uc, cols: m), vt)
    }

    // MARK: Symmetric eigendecomposition

    /// A = V·diag(e)·Vᵀ of the symmetric (n, n) matrix `a` (only its lower triangle is read):
    /// e ascending, V's columns the orthonormal eigenvectors.
    /// A lower triangle holding NaN or Inf (which the op refuses, as TensorFlow) is never given
    /// to LAPACK, whose iterations need not end on it; Jacobi stops at once.
    package static func eigh(_ a: [Double], n: Int) -> (e: [Double], v: [Double]) {
        var sym = a
        for i in 0..<n { for j in 0..<i { sym[j &* n &+ i] = a[i &* n &+ j] } }
        if sym.contains(where: { !$0.isFinite }) { return jacobiEigh(sym, n: n) }
        if let lapack = lapackEigh(sym, n: n) { return lapack }
        return jacobiEigh(sym, n: n)
    }

    /// The portable eigendecomposition (see `eigh`) of the symmetric `a`: cyclic Jacobi rotations.
    static func jacobiEigh(_ a: [Double], n: Int) -> (e: [Double], v: [Double]) {
        var a = a
        var v = [Double](repeating: 0, count: n &* n)
        for i in 0..<n { v[i &* n &+ i] = 1 }
        for _ in 0..<80 {
            var off = 0.0, total = 0.0
            for i in 0..<n { for j in 0..<n { total += a[i &* n &+ j] * a[i &* n &+ j]; if i != j { off += a[i &* n &+ j] * a[i &* n &+ j] } } }
            if !(off > 1e-28 * total) { break }
            for p in 0..<n {
                for q in (p &+ 1)..<max(p &+ 1, n) {
                    let apq = a[p &* n &+ q]
                    if apq == 0 { continue }
                    let theta = (a[q &* n &+ q] - a[p &* n &+ p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for r in 0..<n {   // A ← A·J (columns p, q)
                        let x = a[r &* n &+ p], y = a[r &* n &+ q]
                        a[r &* n &+ p] = c * x - s * y
                        a[r &* n &+ q] = s * x + c * y
                    }
                    for r in 0..<n {   // A ← Jᵀ·A (rows p, q)
                        let x = a[p &* n &+ r], y = a[q &* n &+ r]
                        a[p &* n &+ r] = c * x - s * y
                        a[q &* n &+ r] = s * x + c * y
                    }
                    for r in 0..<n {   // V ← V·J
                        let x = v[r &* n &+ p], y = v[r &* n &+ q]
                        v[r &* n &+ p] = c * x - s * y
                        v[r &* n &+ q] = s * x + c * y
                    }
                }
            }
        }
        let diag = (0..<n).map { a[$0 &* n &+ $0] }
        let order = (0..<n).sorted { ascendingKey(diag[$0]) < ascendingKey(diag[$1]) || (diag[$0] == diag[$1] && $0 < $1) }
        var vOut = [Double](repeating: 0, count: n &* n)
        for (j, c) in order.enumerated() { for i in 0..<n { vOut[i &* n &+ j] = v[i &* n &+ c] } }
        return (order.map { diag[$0] }, vOut)
    }

    /// LAPACK's dsyev on the full symmetric matrix, or nil without it or on its error.
    static func lapackEigh(_ sym: [Double], n: Int) -> (e: [Double], v: [Double])? {
        guard let lib = BLAS.library, let syev = lib.dsyev, n > 0, n <= Int(Int32.max) / n else { return nil }
        var col = sym   // symmetric: row-major = column-major
        var jobz: CChar = 86, uplo: CChar = 76   // 'V', 'L'
        var n32 = Int32(n), info: Int32 = 0, query: Int32 = -1
        var w = [Double](repeating: 0, count: n)
        var size = 0.0
        syev(&jobz, &uplo, &n32, &col, &n32, &w, &size, &query, &info, 1, 1)
        guard info == 0 else { return nil }
        guard let lwork = workSize(size, minimum: 3 &* n) else { return nil }
        var work = [Double](repeating: 0, count: lwork)
        var lw = Int32(lwork)
        syev(&jobz, &uplo, &n32, &col, &n32, &w, &work, &lw, &info, 1, 1)
        guard info == 0 else { return nil }
        return (w, transposed(col, rows: n, cols: n))   // eigenvectors are col's columns
    }
}
