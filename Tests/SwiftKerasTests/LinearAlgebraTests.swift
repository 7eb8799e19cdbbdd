import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// The draws of the randomized comparisons, from the top 53 bits of each LCG state.
private extension LCG {
    /// Uniform in [-1, 1).
    mutating func signedUnit() -> Double { Double((step() >> 11) % (1 << 40)) / Double(1 << 39) - 1 }
    mutating func int(_ n: Int) -> Int { Int((step() >> 11) % UInt64(n)) }
}

/// Values of `shape` as a tensor of `dtype` (small integers for integer dtypes, 0/1 for bool).
private func randomTensor(_ shape: [Int], _ dtype: DType, _ rng: inout LCG) throws -> Tensor {
    let n = shape.reduce(1, *)
    var v: [Double] = []
    for _ in 0..<n {
        switch dtype {
        case .bool: v.append(Double(rng.int(2)))
        case .uint8: v.append(Double(rng.int(256)))
        case .int32, .int64: v.append(Double(rng.int(2001) - 1000))
        default: v.append(rng.signedUnit())
        }
    }
    return try Tensor.from(doubles: v, shape: shape, dtype: dtype)
}

/// Row-major multi-index helpers for the reference implementations.
private func strides(_ s: [Int]) -> [Int] {
    var r = [Int](repeating: 1, count: s.count)
    var acc = 1
    for i in stride(from: s.count - 1, through: 0, by: -1) { r[i] = acc; acc *= s[i] }
    return r
}

/// Reference numpy matmul over doubles (2-D / batched with broadcasting / 1-D promotion).
private func refMatmul(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int]) -> ([Double], [Int]) {
    let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
    let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
    let m = a2[a2.count - 2], k = a2[a2.count - 1], n = b2[b2.count - 1]
    let ab = Array(a2.dropLast(2)), bb = Array(b2.dropLast(2))
    let r = max(ab.count, bb.count)
    let abp = [Int](repeating: 1, count: r - ab.count) + ab
    let bbp = [Int](repeating: 1, count: r - bb.count) + bb
    let batch = (0..<r).map { max(abp[$0], bbp[$0]) == 0 || min(abp[$0], bbp[$0]) == 0 ? 0 : max(abp[$0], bbp[$0]) }
    let bcount = batch.reduce(1, *)
    var out = [Double](repeating: 0, count: bcount * m * n)
    let sa = strides(abp), sb = strides(bbp)
    for bi in 0..<bcount {
        let idx = unravel(bi, batch)
        var ia = 0, ib = 0
        for d in 0..<r {
            ia += (abp[d] == 1 ? 0 : idx[d]) * sa[d]
            ib += (bbp[d] == 1 ? 0 : idx[d]) * sb[d]
        }
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += a[ia * m * k + i * k + p] * b[ib * k * n + p * n + j] }
            out[bi * m * n + i * n + j] = s
        } }
    }
    var shape = batch
    if aShape.count > 1 { shape.append(m) }
    if bShape.count > 1 { shape.append(n) }
    return (out, shape)
}

/// Reference Keras batch_dot over doubles, straight from its definition: contract x's axis a0
/// with y's axis a1 per batch element; output (B,) + x's rest + y's rest (+ Keras' rank-2 rules).
private func refBatchDot(_ x: [Double], _ xs: [Int], _ y: [Double], _ ys: [Int], _ a0: Int, _ a1: Int) -> ([Double], [Int]) {
    let xRestAxes = (1..<xs.count).filter { $0 != a0 }, yRestAxes = (1..<ys.count).filter { $0 != a1 }
    let xRest = xRestAxes.map { xs[$0] }, yRest = yRestAxes.map { ys[$0] }
    let B = xs[0], K = xs[a0]
    let rows = xRest.reduce(1, *), cols = yRest.reduce(1, *)
    let sx = strides(xs), sy = strides(ys)
    var out = [Double](repeating: 0, count: B * rows * cols)
    for b in 0..<B { for r in 0..<rows { for c in 0..<cols {
        let ri = unravel(r, xRest), ci = unravel(c, yRest)
        var s = 0.0
        for p in 0..<K {
            var ox = b * sx[0] + p * sx[a0], oy = b * sy[0] + p * sy[a1]
            for (i, ax) in xRestAxes.enumerated() { ox += ri[i] * sx[ax] }
            for (i, ax) in yRestAxes.enumerated() { oy += ci[i] * sy[ax] }
            s += x[ox] * y[oy]
        }
        out[(b * rows + r) * cols + c] = s
    } } }
    var shape = [B] + xRest
    if ys.count >= 3 { shape += yRest } else if xs.count == 2 { shape.append(1) }
    return (out, shape)
}

private func withPortableGemm(_ body: () throws -> Void) rethrows {
    Gemm.forcePortable.store(true, ordering: .relaxed)
    defer { Gemm.forcePortable.store(false, ordering: .relaxed) }
    try body()
}

final class LinearAlgebraTests: XCTestCase {
    // MARK: matmul, exact cases

    func testMatmul2D() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        let b = try Tensor([7, 8, 9, 10, 11, 12] as [Float], shape: [3, 2])
        let c = try a.matmul(b)
        XCTAssertEqual(c.shape, [2, 2])
        XCTAssertEqual(c.dtype, .float32)
        XCTAssertEqual(try c.scalars(as: Float.self), [58, 64, 139, 154])
        XCTAssertEqual(try matmul(b, a).scalars(as: Float.self), [39, 54, 69, 49, 68, 87, 59, 82, 105])
    }

    func testMatmulVectors() throws {
        let v = try Tensor([1, 2, 3] as [Double], shape: [3])
        let m = try Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [3, 2])
        let vm = try v.matmul(m)
        XCTAssertEqual(vm.shape, [2]); XCTAssertEqual(vm.dtype, .float64)
        XCTAssertEqual(try vm.scalars(as: Double.self), [22, 28])
        let mt = try Tensor([1, 3, 5, 2, 4, 6] as [Double], shape: [2, 3])
        let mv = try mt.matmul(v)
        XCTAssertEqual(mv.shape, [2])
        XCTAssertEqual(try mv.scalars(as: Double.self), [22, 28])
        let vv = try v.matmul(v)
        XCTAssertEqual(vv.shape, [])
        XCTAssertEqual(try vv.scalars(as: Double.self), [14])
        // A vector against a batch of matrices: (3,) · (2, 3, 2) → (2, 2).
        let batch = try Tensor((0..<12).map(Double.init), shape: [2, 3, 2])
        let vb = try v.matmul(batch)
        XCTAssertEqual(vb.shape, [2, 2])
        XCTAssertEqual(try vb.scalars(as: Double.self), [16, 22, 52, 58])
        // (2, 2, 3) · (3,) → (2, 2)
        let bv = try batch.reshaped(to: [2, 2, 3]).matmul(v)
        XCTAssertEqual(bv.shape, [2, 2])
        XCTAssertEqual(try bv.scalars(as: Double.self), [8, 26, 44, 62])
    }

    func testMatmulBatchedBroadcast() throws {
        var rng = LCG(7)
        let cases: [([Int], [Int])] = [
            ([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [5, 4, 2]),
            ([1, 3, 4], [6, 4, 2]), ([6, 3, 4], [1, 4, 2]), ([2, 1, 2, 3], [1, 4, 3, 2]), ([4], [3, 4, 2]),
            ([3, 2, 4], [4]), ([0, 3, 4], [4, 5]), ([2, 0, 4], [2, 4, 3]), ([2, 3, 0], [2, 0, 3]),
        ]
        for (sa, sb) in cases {
            let a = try randomTensor(sa, .float64, &rng), b = try randomTensor(sb, .float64, &rng)
            let c = try matmul(a, b)
            let (want, shape) = refMatmul(a.doubles, sa, b.doubles, sb)
            XCTAssertEqual(c.shape, shape, "\(sa) · \(sb)")
            XCTAssertEqual(c.dtype, .float64)
            assertClose(c.doubles, want, .relOrAbs(1e-12), "\(sa) · \(sb)")
        }
    }

    func testMatmulEveryDType() throws {
        let av: [Double] = [1, 2, 3, 4, 5, 6], bv: [Double] = [7, 8, 9, 10, 11, 12]
        for dt in [DType.float32, .float64, .float16, .bfloat16, .int32, .int64] {
            let a = try Tensor.from(doubles: av, shape: [2, 3], dtype: dt)
            let b = try Tensor.from(doubles: bv, shape: [3, 2], dtype: dt)
            let c = try a.matmul(b)
            XCTAssertEqual(c.dtype, dt); XCTAssertEqual(c.shape, [2, 2])
            XCTAssertEqual(c.doubles, [58, 64, 139, 154], "\(dt)")
        }
        // uint8 wraps: 16·16 = 256 → 0, plus 1·3 → 3.
        let u = try Tensor([16, 1] as [UInt8], shape: [1, 2])
        let w = try Tensor([16, 3] as [UInt8], shape: [2, 1])
        let uw = try u.matmul(w)
        XCTAssertEqual(uw.dtype, .uint8)
        XCTAssertEqual(try uw.scalars(as: UInt8.self), [3])
        // int32 wraps like TensorFlow/numpy instead of trapping.
        let big = try Tensor([Int32.max, 2] as [Int32], shape: [1, 2])
        let two = try Tensor([2, 1] as [Int32], shape: [2, 1])
        XCTAssertEqual(try big.matmul(two).scalars(as: Int32.self), [Int32.max &* 2 &+ 2])
        let big64 = try Tensor([Int64.max, 1] as [Int64], shape: [1, 2])
        let two64 = try Tensor([2, 5] as [Int64], shape: [2, 1])
        XCTAssertEqual(try big64.matmul(two64).scalars(as: Int64.self), [Int64.max &* 2 &+ 5])
        // bool: logical or of ands (numpy).
        let p = try Tensor([true, false, false, false] as [Bool], shape: [2, 2])
        let q = try Tensor([false, true, true, true] as [Bool], shape: [2, 2])
        let pq = try p.matmul(q)
        XCTAssertEqual(pq.dtype, .bool)
        XCTAssertEqual(try pq.scalars(as: Bool.self), [false, true, false, false])
        // float16 / bfloat16 results are rounded from a float32 accumulation.
        let h = try Tensor.from(doubles: [1, 1e-3, 1e-3], shape: [1, 3], dtype: .float16)
        let ones = try Tensor.from(doubles: [2048, 1, 1], shape: [3, 1], dtype: .float16)
        XCTAssertEqual(try h.matmul(ones).doubles, [2048])
    }

    func testMatmulPromotion() throws {
        let f32 = try Tensor([1, 2] as [Float], shape: [1, 2])
        let i32 = try Tensor([3, 4] as [Int32], shape: [2, 1])
        let r = try f32.matmul(i32)
        XCTAssertEqual(r.dtype, .float32); XCTAssertEqual(r.doubles, [11])
        let u8 = try Tensor([1, 2] as [UInt8], shape: [1, 2])
        XCTAssertEqual(try u8.matmul(i32).dtype, .int32)
        XCTAssertEqual(try u8.matmul(i32).doubles, [11])
        let h = try Tensor.from(doubles: [1, 2], shape: [1, 2], dtype: .float16)
        let bf = try Tensor.from(doubles: [3, 4], shape: [2, 1], dtype: .bfloat16)
        XCTAssertEqual(try h.matmul(bf).dtype, .float32)
        let f64 = try Tensor([3, 4] as [Double], shape: [2, 1])
        XCTAssertEqual(try f32.matmul(f64).dtype, .float64)
        let b = try Tensor([true, true] as [Bool], shape: [2, 1])
        let fb = try f32.matmul(b)
        XCTAssertEqual(fb.dtype, .float32); XCTAssertEqual(fb.doubles, [3])
    }

    func testMatmulEdgeValues() throws {
        let a = try Tensor([Float.nan, 1, 2, 3], shape: [2, 2])
        let b = try Tensor([1, 0, 0, 1] as [Float], shape: [2, 2])
        let c = try a.matmul(b).doubles
        XCTAssertTrue(c[0].isNaN); XCTAssertTrue(c[1].isNaN)
        XCTAssertEqual(Array(c[2...]), [2, 3])
        let inf = try Tensor([Float.infinity, 1], shape: [1, 2])
        let col = try Tensor([2, 3] as [Float], shape: [2, 1])
        XCTAssertEqual(try inf.matmul(col).doubles, [Double.infinity])
        // Empty contractions give zeros; empty outputs have the right shape.
        let e = try Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 3]))
        XCTAssertEqual(e.shape, [2, 3]); XCTAssertEqual(e.doubles, [0, 0, 0, 0, 0, 0])
        let ei = try Tensor.zeros([2, 0], dtype: .int32).matmul(Tensor.zeros([0, 3], dtype: .int32))
        XCTAssertEqual(ei.doubles, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try Tensor.zeros([0, 4]).matmul(Tensor.zeros([4, 3])).shape, [0, 3])
        XCTAssertEqual(try Tensor.zeros([0]).matmul(Tensor.zeros([0])).doubles, [0])
    }

    /// With beta = 0, whatever C held (NaN here) must not leak into the result (BLAS semantics).
    func testGemmBetaZeroIgnoresC() {
        for portable in [false, true] {
            Gemm.forcePortable.store(portable, ordering: .relaxed)
            let m = 40, n = 50, k = 30
            let a = [Float](repeating: 1, count: m * k), b = [Float](repeating: 2, count: k * n)
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                Gemm.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: k,
                           b: bp.baseAddress!, ldb: n, beta: 0, c: cp.baseAddress!, ldc: n)
            } } }
            XCTAssertEqual(Set(c), [60], "portable \(portable)")
        }
        Gemm.forcePortable.store(false, ordering: .relaxed)
    }

    // MARK: randomized against a plain reference, BLAS and portable

    /// Gemm.sgemm/dgemm with every transpose combination, leading dimensions larger than the
    /// rows, alpha and beta, on many shapes (sizes 0 and 1, odd sizes, several cache blocks).
    private func checkGemm(portable: Bool) {
        Gemm.forcePortable.store(portable, ordering: .relaxed)
        defer { Gemm.forcePortable.store(false, ordering: .relaxed) }
        var rng = LCG(portable ? 11 : 13)
        var shapes: [(Int, Int, Int)] = [(0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 1, 1), (1, 17, 1), (17, 1, 33),
                                         (6, 8, 5), (7, 9, 13), (13, 31, 7), (64, 64, 64), (97, 65, 300),
                                         (5, 2100, 3), (200, 19, 260), (130, 129, 131)]
        for _ in 0..<24 { shapes.append((rng.int(70), rng.int(70), rng.int(70))) }
        for (m, n, k) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let padA = rng.int(3), padB = rng.int(3), padC = rng.int(3)
                let lda = (ta ? m : k) + padA, ldb = (tb ? k : n) + padB, ldc = n + padC
                let aRows = ta ? k : m, bRows = tb ? n : k
                let a = (0..<max(1, aRows * lda)).map { _ in rng.signedUnit() }
                let b = (0..<max(1, bRows * ldb)).map { _ in rng.signedUnit() }
                let c0 = (0..<max(1, m * ldc)).map { _ in rng.signedUnit() }
                let alpha = 0.5 + rng.signedUnit(), beta = [0.0, 1.0, -0.75][rng.int(3)]
                var want = c0
                for i in 0..<m { for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]) }
                    want[i * ldc + j] = alpha * s + beta * c0[i * ldc + j]
                } }
                // float64
                var cd = c0
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in cd.withUnsafeMutableBufferPointer { cp in
                    Gemm.dgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                               b: bp.baseAddress!, ldb: ldb, beta: beta, c: cp.baseAddress!, ldc: ldc)
                } } }
                assertClose(cd, want, .relOrAbs(1e-12 * Double(k + 1)), "dgemm \(m)x\(n)x\(k) ta \(ta) tb \(tb) portable \(portable)")
                // float32
                let af = a.map { Float($0) }, bf = b.map { Float($0) }
                var cf = c0.map { Float($0) }
                af.withUnsafeBufferPointer { ap in bf.withUnsafeBufferPointer { bp in cf.withUnsafeMutableBufferPointer { cp in
                    Gemm.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: Float(alpha), a: ap.baseAddress!, lda: lda,
                               b: bp.baseAddress!, ldb: ldb, beta: Float(beta), c: cp.baseAddress!, ldc: ldc)
                } } }
                assertClose(cf.map(Double.init), want, .relOrAbs(3e-6 * Double(k + 2)), "sgemm \(m)x\(n)x\(k) ta \(ta) tb \(tb) portable \(portable)")
            }
        }
    }

    func testGemmRandomBLAS() { checkGemm(portable: false) }
    func testGemmRandomPortable() { checkGemm(portable: true) }

    private func checkMatmulRandom(portable: Bool) throws {
        Gemm.forcePortable.store(portable, ordering: .relaxed)
        defer { Gemm.forcePortable.store(false, ordering: .relaxed) }
        var rng = LCG(portable ? 21 : 23)
        for trial in 0..<60 {
            let m = rng.int(40), n = rng.int(40), k = rng.int(40)
            var sa = [m, k], sb = [k, n]
            switch trial % 5 {
            case 0: sa = [k]
            case 1: sb = [k]
            case 2: let bt = rng.int(4); sa = [bt] + sa; sb = [bt] + sb
            case 3: sa = [1 + rng.int(3), 1] + sa; sb = [1 + rng.int(3)] + sb
            default: break
            }
            for dt in [DType.float32, .float64, .int32, .int64, .float16] {
                let a = try randomTensor(sa, dt, &rng), b = try randomTensor(sb, dt, &rng)
                let c = try a.matmul(b)
                var (want, shape) = refMatmul(a.doubles, sa, b.doubles, sb)
                XCTAssertEqual(c.shape, shape); XCTAssertEqual(c.dtype, dt)
                switch dt {
                case .float32: assertClose(c.doubles, want, .relOrAbs(1e-5 * Double(k + 1)), "\(dt) \(sa)·\(sb)")
                case .float64: assertClose(c.doubles, want, .relOrAbs(1e-12 * Double(k + 1)), "\(dt) \(sa)·\(sb)")
                case .float16:
                    want = try Tensor.from(doubles: want, shape: [want.count], dtype: .float16).doubles
                    assertClose(c.doubles, want, .relOrAbs(2e-3 + 1e-5 * Double(k)), "\(dt) \(sa)·\(sb)")
                default: XCTAssertEqual(c.doubles, want, "\(dt) \(sa)·\(sb)")
                }
            }
        }
        // A large product (threaded kernels and several cache blocks).
        let a = try randomTensor([150, 300], .float32, &rng), b = try randomTensor([300, 170], .float32, &rng)
        let (want, _) = refMatmul(a.doubles, [150, 300], b.doubles, [300, 170])
        assertClose(try a.matmul(b).doubles, want, .relOrAbs(3e-4), "150x300x170 portable \(portable)")
    }

    func testMatmulRandomBLAS() throws { try checkMatmulRandom(portable: false) }
    func testMatmulRandomPortable() throws { try checkMatmulRandom(portable: true) }

    // MARK: dot (Keras legacy)

    func testDot() throws {
        var rng = LCG(3)
        // Theano-style: (2, 3) · (4, 3, 5) → (2, 4, 5), result[i, b, j] = Σp x[i, p] y[b, p, j].
        let cases: [([Int], [Int], [Int])] = [
            ([2, 3], [4, 3, 5], [2, 4, 5]), ([2, 6, 3], [3, 4], [2, 6, 4]), ([2, 2, 3], [5, 2, 3, 4], [2, 2, 5, 2, 4]),
            ([3], [2, 3, 4], [2, 4]), ([2, 3, 4], [4], [2, 3]), ([4], [4], []), ([2, 3], [3, 4], [2, 4]),
            ([3], [3, 2], [2]), ([2, 3], [3], [2]), ([0, 3], [2, 3, 4], [0, 2, 4]), ([2, 0], [3, 0, 4], [2, 3, 4]),
        ]
        for (sx, sy, so) in cases {
            for dt in [DType.float64, .int32] {
                let x = try randomTensor(sx, dt, &rng), y = try randomTensor(sy, dt, &rng)
                let r = try dot(x, y)
                XCTAssertEqual(r.shape, so, "\(sx)·\(sy)"); XCTAssertEqual(r.dtype, dt)
                // Reference: straight from the definition.
                let xv = x.doubles, yv = y.doubles
                let k = sx.last!, rows = sx.dropLast().reduce(1, *)
                let n = sy.count == 1 ? 1 : sy.last!, yb = sy.count <= 2 ? 1 : sy.dropLast(2).reduce(1, *)
                var want = [Double](repeating: 0, count: rows * yb * n)
                for i in 0..<rows { for b in 0..<yb { for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += xv[i * k + p] * yv[(b * k + p) * n + j] }
                    want[(i * yb + b) * n + j] = s
                } } }
                assertClose(r.doubles, want, .relOrAbs(1e-12), "dot \(sx)·\(sy) \(dt)")
            }
        }
        let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        let y = try Tensor([Float](repeating: 1, count: 60), shape: [4, 3, 5])
        let xy = try dot(x, y)
        XCTAssertEqual(xy.shape, [2, 4, 5]); XCTAssertEqual(xy.dtype, .float32)
        XCTAssertEqual(Set(xy.doubles[0..<20]), [6]); XCTAssertEqual(Set(xy.doubles[20...]), [15])
        XCTAssertEqual(try dot(Tensor([1, 2] as [Int32]), Tensor([3, 4] as [Float])).dtype, .float32)
    }

    // MARK: batch_dot (Keras legacy)

    func testBatchDotDocstringExamples() throws {
        let x = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let y = try Tensor([5, 6, 7, 8] as [Float], shape: [2, 2])
        let r = try batchDot(x, y, axis: 1)
        XCTAssertEqual(r.shape, [2, 1]); XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(try r.scalars(as: Float.self), [17, 53])
        XCTAssertEqual(try batchDot(x, y).scalars(as: Float.self), [17, 53])

        let xb = try Tensor.ones([32, 20, 1]), yb = try Tensor.ones([32, 30, 20])
        let r2 = try batchDot(xb, yb, axes: (1, 2))
        XCTAssertEqual(r2.shape, [32, 1, 30])
        XCTAssertEqual(Set(r2.doubles), [20])
        let r3 = try batchDot(try Tensor.ones([100, 20]), try Tensor.ones([100, 30, 20]), axes: (1, 2))
        XCTAssertEqual(r3.shape, [100, 30])
        XCTAssertEqual(Set(r3.doubles), [20])
    }

    func testBatchDotAxesCases() throws {
        var rng = LCG(5)
        // (x shape, y shape, axes or nil, expected output shape)
        let cases: [([Int], [Int], (Int, Int)?, [Int])] = [
            ([3, 4], [3, 4], nil, [3, 1]),
            ([3, 4], [3, 4], (1, 1), [3, 1]),
            ([3, 4], [3, 4], (-1, -1), [3, 1]),
            ([4, 20], [4, 30, 20], (1, 2), [4, 30]),
            ([4, 20, 1], [4, 30, 20], (1, 2), [4, 1, 30]),
            ([2, 3, 4], [2, 4, 5], nil, [2, 3, 5]),
            ([2, 4], [2, 4, 5], nil, [2, 5]),
            ([2, 3, 4], [2, 4], nil, [2, 3]),
            ([2, 3, 4], [2, 5, 4], (2, 2), [2, 3, 5]),
            ([2, 4, 3], [2, 4, 5], (1, 1), [2, 3, 5]),
            ([2, 4, 3], [2, 5, 4], (1, 2), [2, 3, 5]),
            ([2, 4, 3], [2, 5, 4], (-2, -1), [2, 3, 5]),
            ([2, 3, 4, 5], [2, 5, 6], (3, 1), [2, 3, 4, 6]),
            ([2, 3, 4, 5], [2, 4, 6], (2, 1), [2, 3, 5, 6]),
            ([2, 3, 4, 5], [2, 6, 4, 7], (2, 2), [2, 3, 5, 6, 7]),
            ([2, 3, 4, 5], [2, 6, 7, 3], (1, 3), [2, 4, 5, 6, 7]),
            ([2, 5, 3], [2, 3], (2, 1), [2, 5]),
            ([2, 3, 5], [2, 3], (1, 1), [2, 5]),
            ([2, 3, 4, 5], [2, 3, 4, 5], (2, 2), [2, 3, 5, 3, 5]),
            ([0, 3, 4], [0, 4, 5], nil, [0, 3, 5]),
            ([2, 0, 4], [2, 4, 5], nil, [2, 0, 5]),
            ([2, 3, 0], [2, 0, 5], nil, [2, 3, 5]),
        ]
        for portable in [false, true] {
            Gemm.forcePortable.store(portable, ordering: .relaxed)
            defer { Gemm.forcePortable.store(false, ordering: .relaxed) }
            for (sx, sy, axes, so) in cases {
                for dt in [DType.float32, .float64, .int64, .bfloat16] {
                    let x = try randomTensor(sx, dt, &rng), y = try randomTensor(sy, dt, &rng)
                    let r = try batchDot(x, y, axes: axes)
                    XCTAssertEqual(r.shape, so, "\(sx)·\(sy) axes \(String(describing: axes))")
                    XCTAssertEqual(r.dtype, dt)
                    let ax = axes ?? (sx.count - 1, sy.count == 2 ? 1 : sy.count - 2)
                    let a0 = ax.0 < 0 ? ax.0 + sx.count : ax.0, a1 = ax.1 < 0 ? ax.1 + sy.count : ax.1
                    var (want, shape) = refBatchDot(x.doubles, sx, y.doubles, sy, a0, a1)
                    XCTAssertEqual(shape, so)
                    let tol: Double
                    switch dt {
                    case .float64, .int64: tol = 1e-12
                    case .bfloat16:
                        want = try Tensor.from(doubles: want, shape: [want.count], dtype: .bfloat16).doubles
                        tol = 2e-2
                    default: tol = 1e-5
                    }
                    assertClose(r.doubles, want, .relOrAbs(tol), "batch_dot \(sx)·\(sy) \(dt) portable \(portable)")
                }
            }
        }
    }

    // MARK: bad input

    func testBadInputs() throws {
        let m23 = try Tensor.zeros([2, 3]), m45 = try Tensor.zeros([4, 5]), s = try Tensor.scalar(1)
        assertError(.invalidArgument, "matmul: shapes (2, 3) and (4, 5) are not aligned") { try m23.matmul(m45) }
        assertError(.invalidArgument, "matmul: shapes (2, 3) and (4,) are not aligned") { try m23.matmul(Tensor.zeros([4])) }
        assertError(.invalidArgument, "matmul: shapes (4,) and (2, 3) are not aligned") { try matmul(Tensor.zeros([4]), m23) }
        assertError(.invalidArgument, "matmul: shapes () and (2, 3): a rank-0 operand has no matrix dimensions") { try s.matmul(m23) }
        assertError(.invalidArgument, "matmul: shapes (2, 3) and (): a rank-0 operand has no matrix dimensions") { try m23.matmul(s) }
        assertError(.invalidArgument, "matmul: shapes (2, 2, 3) and (3, 3, 4): batch dimensions cannot be broadcast together") {
            try matmul(Tensor.zeros([2, 2, 3]), Tensor.zeros([3, 3, 4]))
        }
        assertError(.invalidArgument, "dot: shapes (2, 3) and (4, 5) are not aligned") { try dot(m23, m45) }
        assertError(.invalidArgument, "dot: shapes (2, 3) and (4, 2, 5) are not aligned") { try dot(m23, Tensor.zeros([4, 2, 5])) }
        assertError(.invalidArgument, "dot: shapes () and (2, 3): a rank-0 operand has no axis to contract") { try dot(s, m23) }
        assertError(.invalidArgument, "batch_dot: shapes (2,) and (2, 3): inputs must have rank at least 2") {
            try batchDot(Tensor.zeros([2]), m23)
        }
        assertError(.invalidArgument, "batch_dot: shapes (2, 3) and (4, 3) have different batch sizes") {
            try batchDot(m23, Tensor.zeros([4, 3]))
        }
        assertError(.invalidArgument, "batch_dot: axes (0, 1) for shapes (2, 3) and (2, 3) include the batch axis 0, which cannot be contracted") {
            try batchDot(m23, m23, axes: (0, 1))
        }
        assertError(.invalidArgument, "batch_dot: axes (-2, -2) for shapes (2, 3) and (2, 3) include the batch axis 0, which cannot be contracted") {
            try batchDot(m23, m23, axis: -2)
        }
        assertError(.invalidArgument, "batch_dot: axes (2, 1) are out of range for shapes (2, 3) and (2, 3)") {
            try batchDot(m23, m23, axes: (2, 1))
        }
        assertError(.invalidArgument, "batch_dot: axes (1, -4) are out of range for shapes (2, 3) and (2, 3, 4)") {
            try batchDot(m23, Tensor.zeros([2, 3, 4]), axes: (1, -4))
        }
        assertError(.invalidArgument, "batch_dot: shapes (2, 3) and (2, 4, 5) are not aligned along axes (1, 1): 3 != 4") {
            try batchDot(m23, Tensor.zeros([2, 4, 5]))
        }
    }

    // MARK: BLAS loading

    func testCoreTypeRule() {
        XCTAssertEqual(BLAS.coreType(forFlags: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx2", "fma"]), "SKYLAKEX")
        XCTAssertEqual(BLAS.coreType(forFlags: ["avx512f", "avx2", "fma"]), "HASWELL")
        XCTAssertEqual(BLAS.coreType(forFlags: ["avx2"]), nil)
        XCTAssertEqual(BLAS.coreType(forFlags: []), nil)
    }

    /// OpenBLAS loaded into a process with threads misdetects recent CPUs and runs its Prescott
    /// kernel (a third of the speed, measured); products then take the portable GEMM instead.
    func testOutdatedOpenBLASKernelRule() {
        XCTAssertTrue(BLAS.kernelIsOutdated(coreName: "Prescott", cpuCoreType: "SKYLAKEX"))
        XCTAssertTrue(BLAS.kernelIsOutdated(coreName: "Core2", cpuCoreType: "HASWELL"))
        XCTAssertFalse(BLAS.kernelIsOutdated(coreName: "SkylakeX", cpuCoreType: "SKYLAKEX"))
        XCTAssertFalse(BLAS.kernelIsOutdated(coreName: "Haswell", cpuCoreType: "SKYLAKEX"))
        XCTAssertFalse(BLAS.kernelIsOutdated(coreName: "Prescott", cpuCoreType: nil))  // an old CPU: its kernel is right
        XCTAssertFalse(BLAS.kernelIsOutdated(coreName: nil, cpuCoreType: "HASWELL"))
    }

    func testBLASLoadedWhenInstalled() {
        let paths: [String] = ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"]
        let installed = paths.contains { p in access(p, F_OK) == 0 }
        let disabled = getenv("SWIFTKERAS_NO_BLAS").map { String(cString: $0) } ?? "0"
        if installed && (disabled == "0" || disabled.isEmpty) {
            XCTAssertTrue(BLASInfo.usesOpenBLAS, BLASInfo.description)
            // Without a user's OPENBLAS_CORETYPE in the environment (it is not there now: the
            // library restored the environment after using it), OpenBLAS runs the core type
            // suited to this CPU, chosen when the library loaded into this then single-threaded
            // process — not the one it misdetects ("Prescott").
            if getenv("OPENBLAS_CORETYPE") == nil, let core = BLAS.coreTypeForCPU() {
                XCTAssertEqual(BLAS.library?.coreName?.uppercased(), core, BLASInfo.description)
            }
        }
        XCTAssertFalse(BLASInfo.description.isEmpty)
        print("BLAS:", BLASInfo.description)
    }

    /// The thread setting bounds the core's loops and OpenBLAS alike, and results do not depend on it.
    func testThreadSetting() throws {
        defer { try? Parallel.setThreadCount(0) }
        XCTAssertEqual(Parallel.threadSetting, 0)
        XCTAssertEqual(Parallel.cores, Parallel.onlineCores)
        var rng = LCG(5)
        let a = try randomTensor([200, 150], .float32, &rng), b = try randomTensor([150, 120], .float32, &rng)
        let big = try randomTensor([1 << 19], .float32, &rng)
        var products: [[Double]] = [], exps: [[Double]] = []
        for n in [1, 2, 0] {
            try Parallel.setThreadCount(n)
            XCTAssertEqual(Parallel.threadSetting, n)
            XCTAssertEqual(Parallel.cores, n == 0 ? Parallel.onlineCores : n)
            if let t = BLASInfo.threadCount { XCTAssertEqual(t, n == 0 ? Parallel.onlineCores : min(n, Parallel.onlineCores), "OpenBLAS threads") }
            products.append(try a.matmul(b).doubles)
            exps.append(try big.exp().doubles)
        }
        // OpenBLAS's threaded SGEMM may sum in another order (seen with its Haswell kernels), so the
        // products agree to float32 rounding; the core's own loops agree exactly.
        for p in products.dropFirst() { assertClose(p, products[0], .relOrAbs(1e-5)) }
        XCTAssertEqual(exps[0], exps[1])
        XCTAssertEqual(exps[0], exps[2])
        assertError(.invalidArgument, "set_num_threads: the thread count must be >= 0 (0 = every CPU), got -2") {
            try Parallel.setThreadCount(-2)
        }
        XCTAssertEqual(Parallel.threadSetting, 0)
    }

    /// SWIFTKERAS_NO_BLAS=1 forces the portable kernel for the whole process. The library is
    /// loaded once per process, so this test re-runs itself in a child process with the variable set.
    func testNoBLASEnvironment() throws {
        if let v = getenv("SWIFTKERAS_NO_BLAS"), String(cString: v) == "1" {
            XCTAssertFalse(BLASInfo.usesOpenBLAS)
            XCTAssertEqual(BLASInfo.description, "portable Swift GEMM (disabled by SWIFTKERAS_NO_BLAS)")
            var rng = LCG(99)
            let a = try randomTensor([120, 70], .float32, &rng), b = try randomTensor([70, 90], .float32, &rng)
            let (want, _) = refMatmul(a.doubles, [120, 70], b.doubles, [70, 90])
            assertClose(try a.matmul(b).doubles, want, .relOrAbs(1e-4), "portable matmul under SWIFTKERAS_NO_BLAS")
            return
        }
        let exe = CommandLine.arguments[0]
        if !exe.hasSuffix(".xctest") { throw XCTSkip("not running from an .xctest binary: \(exe)") }
        let args = [exe, "SwiftKerasTests.LinearAlgebraTests/testNoBLASEnvironment"]
        var env: [String] = ["SWIFTKERAS_NO_BLAS=1"]
        var e = environ
        while let p = e.pointee { let kv = String(cString: p); if !kv.hasPrefix("SWIFTKERAS_NO_BLAS=") { env.append(kv) }; e += 1 }
        var cArgs = args.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, nil, nil, &cArgs, &cEnv)
        XCTAssertEqual(rc, 0, "posix_spawn \(exe)")
        guard rc == 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        XCTAssertEqual(status, 0, "child test run under SWIFTKERAS_NO_BLAS=1 failed (status \(status))")
    }

    /// The matmul pullback, captured through an op observer: dA = g · Bᵀ, dB = Aᵀ · g.
    func testMatmulPullback() throws {
        final class Capture: OpObserver {
            var pullbacks: [String: Pullback] = [:]
            func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
                pullbacks["\(op)"] = pullback()
            }
        }
        var rng = LCG(31)
        let cases: [([Int], [Int])] = [([2, 3], [3, 4]), ([3], [3, 4]), ([2, 3], [3]), ([3], [3]), ([2, 2, 3], [2, 3, 4])]
        for (sa, sb) in cases {
            let a = try randomTensor(sa, .float64, &rng), b = try randomTensor(sb, .float64, &rng)
            let cap = Capture()
            OpObservers.push(cap)
            let c = try a.matmul(b)
            OpObservers.remove(cap)
            let pb = try XCTUnwrap(cap.pullbacks["matmul"])
            let g = try randomTensor(c.shape, .float64, &rng)
            let grads = try pb(g)
            let da = try XCTUnwrap(grads[0]), db = try XCTUnwrap(grads[1])
            XCTAssertEqual(da.shape, sa); XCTAssertEqual(db.shape, sb)
            // Reference by finite structure: d/dA <g, A·B> computed with unit perturbations.
            let av = a.doubles, bv = b.doubles, gv = g.doubles
            func loss(_ x: [Double], _ y: [Double]) -> Double {
                let (cv, _) = refMatmul(x, sa, y, sb)
                return zip(cv, gv).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let base = loss(av, bv)
            for i in 0..<av.count {
                var x = av; x[i] += 1
                XCTAssertEqual(da.doubles[i], loss(x, bv) - base, accuracy: 1e-9, "dA \(sa)·\(sb) [\(i)]")
            }
            for i in 0..<bv.count {
                var y = bv; y[i] += 1
                XCTAssertEqual(db.doubles[i], loss(av, y) - base, accuracy: 1e-9, "dB \(sa)·\(sb) [\(i)]")
            }
        }
        // Integer operands get no gradient.
        let cap = Capture()
        OpObservers.push(cap)
        let c = try Tensor([1, 2] as [Float], shape: [1, 2]).matmul(Tensor([3, 4] as [Int32], shape: [2, 1]))
        OpObservers.remove(cap)
        let grads = try XCTUnwrap(cap.pullbacks["matmul"])(try Tensor.ones(like: c))
        XCTAssertNotNil(grads[0]); XCTAssertNil(grads[1])
    }
}

final class LinearAlgebraGradientTests: XCTestCase {
    /// d/dx sum(dot(x, y)) = row sums of y broadcast over x's rows; d/dy = column sums of x.
    /// An integer operand gets no gradient while the float one still does.
    func testDotGradientExact() throws {
        let x = try Tensor([1.0, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = try Tensor([1.0, 0, 2, 1, 0, 3], shape: [3, 2])
        let tape = GradientTape(persistent: true)
        tape.watch(x); tape.watch(y)
        let s = try tape.record { try dot(x, y).sum() }
        let g = try tape.gradient(s, [.tensor(x), .tensor(y)])
        XCTAssertEqual(g[0]?.doubles, [1, 3, 3, 1, 3, 3])
        XCTAssertEqual(g[1]?.doubles, [5, 5, 7, 7, 9, 9])
        let yi = try y.cast(to: .int32)
        let t2 = GradientTape()
        t2.watch(x)
        let s2 = try t2.record { try dot(x, yi).sum() }
        XCTAssertEqual(try t2.gradient(s2, x)?.doubles, [1, 3, 3, 1, 3, 3])
    }

    /// batch_dot of (B, n)·(B, n) → (B, 1): the gradient of each operand is the other.
    func testBatchDotGradientExact() throws {
        let x = try Tensor([1.0, 2, 3, 4], shape: [2, 2]), y = try Tensor([5.0, 6, 7, 8], shape: [2, 2])
        let tape = GradientTape()
        tape.watch(x); tape.watch(y)
        let s = try tape.record { try batchDot(x, y).sum() }
        let g = try tape.gradient(s, [.tensor(x), .tensor(y)])
        XCTAssertEqual(g[0]?.doubles, y.doubles)
        XCTAssertEqual(g[1]?.doubles, x.doubles)
        XCTAssertEqual(g[0]?.shape, [2, 2])
    }
}
