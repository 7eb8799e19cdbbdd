import Glibc
import XCTest
@testable import SwiftKerasCore

/// Selecting OpenBLAS's kernel family after it has loaded (`OpenBLASCoreSwitch`, used when the
/// library is loaded into a process that already has threads and OpenBLAS misdetects the CPU).
/// The test process loaded OpenBLAS with the right family through the load-time hook, so the
/// switch is exercised by moving to another AVX2 family and back, with products checked on it.
final class OpenBLASCoreSwitchTests: XCTestCase {
    private func coreName(_ h: UnsafeMutableRawPointer) throws -> String {
        let sym = try XCTUnwrap(dlsym(h, "openblas_get_corename"))
        let p = try XCTUnwrap(unsafeBitCast(sym, to: BLAS.CoreName.self)())
        return String(cString: p)
    }

    /// A 70×50 · 50×90 product on OpenBLAS against the portable GEMM.
    private func assertProductMatchesPortable(_ label: String) throws {
        let (m, n, k) = (70, 90, 50)
        var rng = LCG(5)
        let a = (0..<(m * k)).map { _ in Float((rng.step() >> 40) % 17) - 8 }
        let b = (0..<(k * n)).map { _ in Float((rng.step() >> 40) % 13) - 6 }
        func product(portable: Bool) -> [Float] {
            Gemm.forcePortable.store(portable, ordering: .relaxed)
            defer { Gemm.forcePortable.store(false, ordering: .relaxed) }
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                Gemm.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: k,
                           b: bp.baseAddress!, ldb: n, beta: 0, c: cp.baseAddress!, ldc: n)
            } } }
            return c
        }
        // Small integers: every partial sum is exact in float32, whatever the summation order.
        XCTAssertEqual(product(portable: false), product(portable: true), label)
    }

    func testSwitchToAnotherFamilyAndBack() throws {
        guard BLASInfo.usesOpenBLAS, let h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD) else {
            throw XCTSkip("OpenBLAS is not loaded")
        }
        defer { dlclose(h) }
        let original = try coreName(h)
        // Another family this CPU can run: Haswell's AVX2 kernels below an AVX-512 family, the
        // AVX kernels of Sandy Bridge below Haswell (SKYLAKEX would be an illegal instruction on
        // a CPU without AVX-512).
        let other = ["skylakex", "cooperlake", "sapphirerapids"].contains(original.lowercased()) ? "HASWELL" : "SANDYBRIDGE"
        guard let switched = OpenBLASCoreSwitch.select(h, wanted: other) else {
            throw XCTSkip("OpenBLAS \(original): not a build whose layout OpenBLASCoreSwitch knows")
        }
        XCTAssertEqual(switched.lowercased(), other.lowercased())
        XCTAssertEqual(try coreName(h).lowercased(), other.lowercased())
        try assertProductMatchesPortable("on \(other)")
        XCTAssertEqual(OpenBLASCoreSwitch.select(h, wanted: original)?.lowercased(), original.lowercased())
        XCTAssertEqual(try coreName(h), original)
        try assertProductMatchesPortable("back on \(original)")
        // Asking for the family that already runs changes nothing.
        XCTAssertNil(OpenBLASCoreSwitch.select(h, wanted: original))
        // A family the library does not have changes nothing.
        XCTAssertNil(OpenBLASCoreSwitch.select(h, wanted: "NO_SUCH_CORE"))
        XCTAssertEqual(try coreName(h), original)
    }
}
