import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// tf.linalg.qr / svd / eigh in the core: TensorFlow's values, the portable kernels against
/// LAPACK's (both paths run here whatever is loaded), shapes, dtypes and errors.
final class LinearAlgebraDecompositionTests: XCTestCase {
    /// The 4x3 matrix of the Python tests, and TensorFlow 2.21's thin QR and singular values of it.
    let a: [Double] = [1, 2, 0.5, 3, 4, -1, 5, 7, 2, 0.5, -2, 1.5]
    let tfQ: [Double] = [-0.1684303842133037, 0.23095379423215906, -0.2616488564564829,
                         -0.5052911526399113, -0.03079383923095444, 0.8481500593706253,
                         -0.8421519210665189, 0.06928613826964768, -0.44446325226633726,
                         -0.08421519210665189, -0.9700059357750687, -0.12097012064741289]
    let tfR: [Double] = [-5.937171043518958, -8.084658442238583, -1.3895506697597562,
                         0, 2.763747070978172, -1.1701658907762735, 0, 0, -2.0493561731026606]
    let tfS: [Double] = [10.342977150488574, 2.7075635526549813, 1.20080109627097]

    private func assertClose(_ got: [Double], _ want: [Double], tol: Double = 1e-10,
                             _ what: String, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, what, line: line)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: tol, what, line: line) }
    }

    /// Row-major (m, k)·(k, n).
    private func product(_ x: [Double], _ y: [Double], _ m: Int, _ k: Int, _ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for l in 0..<k { out[i * n + j] += x[i * k + l] * y[l * n + j] } } }
        return out
    }

    private func transpose(_ x: [Double], _ r: Int, _ c: Int) -> [Double] {
        MatrixFactorization.transposed(x, rows: r, cols: c)
    }

    func testQRMatchesTensorFlowOnBothPaths() throws {
        let (q, r) = try qr(Tensor(a, shape: [4, 3]))
        XCTAssertEqual(q.shape, [4, 3]); XCTAssertEqual(r.shape, [3, 3])
        assertClose(q.doubles, tfQ, "Q"); assertClose(r.doubles, tfR, "R")
        let portable = MatrixFactorization.householderQR(a, m: 4, n: 3, full: false)
        assertClose(portable.q, tfQ, "portable Q"); assertClose(portable.r, tfR, "portable R")
        if let lapack = MatrixFactorization.lapackQR(a, m: 4, n: 3, full: false) {
            assertClose(lapack.q, tfQ, "LAPACK Q"); assertClose(lapack.r, tfR, "LAPACK R")
        }
        // full_matrices: Q square and orthogonal, R (4, 3) with a zero last row; both paths agree.
        for f in [MatrixFactorization.householderQR(a, m: 4, n: 3, full: true),
                  MatrixFactorization.lapackQR(a, m: 4, n: 3, full: true)].compactMap({ $0 }) {
            assertClose(product(f.q, f.r, 4, 4, 3), a, "full Q·R")
            assertClose(product(transpose(f.q, 4, 4), f.q, 4, 4, 4), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], "QᵀQ")
            assertClose(Array(f.r[9..<12]), [0, 0, 0], "R's last row")
        }
        // wide (3, 4) and full (4, 6): Q·R = A on the portable path.
        let w = MatrixFactorization.householderQR(transpose(a, 4, 3), m: 3, n: 4, full: false)
        assertClose(product(w.q, w.r, 3, 3, 4), transpose(a, 4, 3), "wide Q·R")
        let tall = MatrixFactorization.householderQR(a + a, m: 6, n: 4, full: true)
        assertClose(product(tall.q, tall.r, 6, 6, 4), a + a, "(6, 4) full Q·R")
    }

    func testSVDMatchesTensorFlowAndPortableMatchesLAPACK() throws {
        let f = try svd(Tensor(a, shape: [4, 3]))
        guard let u = f.u, let v = f.v else { return XCTFail("no u, v") }
        XCTAssertEqual(u.shape, [4, 3]); XCTAssertEqual(v.shape, [3, 3])
        assertClose(f.s.doubles, tfS, "s")
        for (m, n, x) in [(4, 3, a), (3, 4, transpose(a, 4, 3)), (2, 6, a), (6, 2, a)] {
            let k = min(m, n)
            for full in [false, true] {
                let j = MatrixFactorization.jacobiSVD(x, m: m, n: n, full: full, vectors: true)
                let uc = full ? m : k, vc = full ? n : k
                XCTAssertEqual(j.u.count, m * uc); XCTAssertEqual(j.v.count, n * vc)
                // U·diag(s)·Vᵀ over the first k columns
                var us = [Double](repeating: 0, count: m * k), vk = [Double](repeating: 0, count: n * k)
                for i in 0..<m { for c in 0..<k { us[i * k + c] = j.u[i * uc + c] * j.s[c] } }
                for i in 0..<n { for c in 0..<k { vk[i * k + c] = j.v[i * vc + c] } }
                assertClose(product(us, transpose(vk, n, k), m, k, n), x, "Jacobi U·S·Vᵀ (\(m), \(n)) full \(full)")
                var eye = [Double](repeating: 0, count: uc * uc)
                for i in 0..<uc { eye[i * uc + i] = 1 }
                assertClose(product(transpose(j.u, m, uc), j.u, uc, m, uc), eye, "Jacobi UᵀU (\(m), \(n)) full \(full)")
                if let l = MatrixFactorization.lapackSVD(x, m: m, n: n, full: full, vectors: true) {
                    assertClose(j.s, l.s, "Jacobi s = LAPACK s")
                    // the first k columns of U agree up to their signs (the rest span the complement)
                    let lk = (0..<m).flatMap { i in (0..<k).map { abs(l.u[i * uc + $0]) } }
                    let jk = (0..<m).flatMap { i in (0..<k).map { abs(j.u[i * uc + $0]) } }
                    assertClose(lk, jk, "|U| agrees (\(m), \(n)) full \(full)")
                }
            }
        }
    }

    func testEighReadsTheLowerTriangleOnBothPaths() throws {
        // TensorFlow 2.21's eigenvalues of this matrix (its upper triangle is not read).
        let b: [Double] = [2, 9, -3, 4, 1, 3, 7, 8, 0.5, -1, 4, 6, 2, 0.25, 1, -5]
        let tfE = [-5.605568798540302, 1.202723371662521, 3.7259496321357295, 4.676895794742049]
        let (e, v) = try eigh(Tensor(b, shape: [4, 4]))
        assertClose(e.doubles, tfE, "e")
        var sym = b
        for i in 0..<4 { for j in 0..<i { sym[j * 4 + i] = b[i * 4 + j] } }
        let portable = MatrixFactorization.jacobiEigh(sym, n: 4)
        assertClose(portable.e, tfE, "Jacobi e")
        for vs in [v.doubles, portable.v] {
            var vd = vs
            for i in 0..<4 { for c in 0..<4 { vd[i * 4 + c] *= tfE[c] } }
            assertClose(product(vd, transpose(vs, 4, 4), 4, 4, 4), sym, "V·diag(e)·Vᵀ")
        }
        assertClose(portable.v.map(abs), v.doubles.map(abs), "|V| agrees")
    }

    func testShapesDtypesAndErrors() throws {
        let x = try Tensor(a + a, shape: [2, 3, 4]).cast(to: .float32)
        let f = try svd(x, fullMatrices: true)
        XCTAssertEqual(f.s.shape, [2, 3]); XCTAssertEqual(f.u?.shape, [2, 3, 3]); XCTAssertEqual(f.v?.shape, [2, 4, 4])
        XCTAssertEqual(f.s.dtype, .float32)
        let none = try svd(x, computeUV: false)
        XCTAssertNil(none.u); XCTAssertNil(none.v)
        let (q, r) = try qr(x, fullMatrices: true)
        XCTAssertEqual(q.shape, [2, 3, 3]); XCTAssertEqual(r.shape, [2, 3, 4]); XCTAssertEqual(q.dtype, .float32)
        let empty = try qr(Tensor.zeros([4, 0], dtype: .float64), fullMatrices: true)
        XCTAssertEqual(empty.q.doubles, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]); XCTAssertEqual(empty.r.shape, [4, 0])
        XCTAssertThrowsError(try qr(Tensor([Int32(1), 2, 3, 4], shape: [2, 2]))) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .invalidDType)
        }
        XCTAssertThrowsError(try svd(Tensor([1.0, 2.0]))) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.message, "svd: input must have rank >= 2, got shape (2,)")
        }
        XCTAssertThrowsError(try eigh(Tensor(a, shape: [4, 3]))) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .invalidArgument)
        }
    }

    func testGradientsTensorFlowDoesNotDefineAreUnimplemented() throws {
        let x = try Tensor(a, shape: [4, 3])
        let tape = GradientTape()
        tape.watch(x)
        let r = try tape.record { try qr(x, fullMatrices: true).r }
        XCTAssertThrowsError(try tape.gradient(r, x)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .unimplemented)
        }
        let y = try Tensor(a + [1, 2, 3], shape: [5, 3])
        let t2 = GradientTape()
        t2.watch(y)
        let s = try t2.record { try svd(y, fullMatrices: true).s }
        XCTAssertThrowsError(try t2.gradient(s, y)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .unimplemented)
        }
    }

    /// Empty batches with huge dimensions (what the hostile-call fuzzer builds): no division by a
    /// wrapped n·n (sk_matrix_inverse trapped on (0, 2^62, 2^62)), no loop over 2^62 empty
    /// matrices, and results too large to hold are out-of-memory errors.
    func testEmptyTensorsWithHugeDimensions() throws {
        let huge = 1 << 62
        let square = try Tensor.zeros([0, huge, huge], dtype: .float64)
        XCTAssertEqual(try matrixInverse(square).shape, [0, huge, huge])
        XCTAssertEqual(try cholesky(square).shape, [0, huge, huge])
        XCTAssertEqual(try matrixDeterminant(square).shape, [0])
        XCTAssertEqual(try eigh(square).e.shape, [0, huge])
        let manyEmpty = try Tensor.zeros([huge, 1, 0], dtype: .float64)
        XCTAssertEqual(try qr(manyEmpty).q.shape, [huge, 1, 0])
        XCTAssertEqual(try svd(manyEmpty).u?.shape, [huge, 1, 0])
        XCTAssertEqual(try eigh(try Tensor.zeros([huge, 0, 0], dtype: .float64)).v.shape, [huge, 0, 0])
        XCTAssertEqual(try svd(try Tensor.zeros([huge, 0], dtype: .float64)).u?.shape, [huge, 0])
        for full in [{ try qr(try Tensor.zeros([1 << 32, 0], dtype: .float64), fullMatrices: true).q },
                     { try svd(try Tensor.zeros([1 << 32, 0], dtype: .float64), fullMatrices: true).s },
                     { try svd(manyEmpty, fullMatrices: true).s }] {
            XCTAssertThrowsError(try full()) { e in XCTAssertEqual((e as? SwiftKerasError)?.kind, .outOfMemory) }
        }
    }
}
