import Glibc
import SwiftKerasKernels

// OpenBLAS, loaded at run time (nothing is linked at build time).
//
// Debian's OpenBLAS 0.3.21 misdetects recent CPUs (as "Prescott") and then runs SGEMM at a fifth
// of its speed; it reads OPENBLAS_CORETYPE once, when it loads. The library never changes the
// host's environment once threads may exist: when libswiftkeras loads into a single-threaded
// process, its load-time hook (Sources/SwiftKerasKernels/host.c) sets the core type chosen from
// the CPU's features, loads OpenBLAS and restores the environment; otherwise OpenBLAS is loaded
// here, at the first matrix product, and picks its kernel itself (or the user's
// OPENBLAS_CORETYPE) — and when that is an outdated kernel for this CPU, the kernel family is
// selected after loading (OpenBLASCoreSwitch.swift, for the OpenBLAS build whose layout it knows).

/// The BLAS functions SwiftKeras uses, resolved once from a dynamically loaded OpenBLAS.
enum BLAS {
    typealias SGemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float,
                                      UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
                                      Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias DGemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double,
                                      UnsafePointer<Double>?, Int32, UnsafePointer<Double>?, Int32,
                                      Double, UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
    /// LAPACK's `dgeqrf_(m, n, a, lda, tau, work, lwork, info)` (Fortran: every argument by address).
    typealias DGeqrf = @convention(c) (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
                                       UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
                                       UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Int32>) -> Void
    /// LAPACK's `dorgqr_(m, n, k, a, lda, tau, work, lwork, info)`.
    typealias DOrgqr = @convention(c) (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Double>, UnsafePointer<Int32>, UnsafePointer<Double>,
                                       UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Int32>) -> Void
    /// LAPACK's `dgesvd_(jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, info)`, with
    /// gfortran's trailing lengths of the two character arguments.
    typealias DGesvd = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>,
                                       UnsafePointer<Int32>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                                       UnsafePointer<Int32>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                       UnsafeMutablePointer<Int32>, Int, Int) -> Void
    /// LAPACK's `dsyev_(jobz, uplo, n, a, lda, w, work, lwork, info)`, with the character lengths.
    typealias DSyev = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>,
                                      UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
                                      UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                                      UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int, Int) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetThreads = @convention(c) () -> Int32

    /// cblas enum values (CBLAS_ORDER / CBLAS_TRANSPOSE).
    static let rowMajor: Int32 = 101
    static let noTrans: Int32 = 111
    static let trans: Int32 = 112

    /// A loaded BLAS library.
    struct Library {
        let sgemm: SGemm
        let dgemm: DGemm
        /// LAPACK's QR (OpenBLAS bundles LAPACK), when the library exports it.
        let dgeqrf: DGeqrf?
        let dorgqr: DOrgqr?
        /// LAPACK's SVD and symmetric eigensolver (`tf.linalg.svd`, `tf.linalg.eigh`), when exported.
        var dgesvd: DGesvd? = nil
        var dsyev: DSyev? = nil
        /// The shared object that was loaded.
        let soname: String
        /// The kernel family OpenBLAS runs ("SkylakeX", ...), when it reports one.
        let coreName: String?
        /// `openblas_set_num_threads` / `openblas_get_num_threads`, when the library has them.
        let setThreads: SetThreads?
        let getThreads: GetThreads?
    }

    /// Gives OpenBLAS the thread setting (`Parallel.setThreadCount`): the count set, or every
    /// online CPU, at most the online CPUs. More OpenBLAS threads than CPUs compute nothing
    /// faster but each takes a 128 MB buffer, and where that address space is not available
    /// (a memory limit) OpenBLAS retries its failing allocations forever — a product or an
    /// eigendecomposition after `sk_set_num_threads(64)` under a 1.5 GB limit never returned.
    /// Runs when the setting changes and when OpenBLAS loads.
    static func applyThreadCount() {
        guard let lib = library, let set = lib.setThreads else { return }
        set(openBLASThreads)
    }

    /// Runs `body` with OpenBLAS on one thread, then gives it the thread setting again: for a
    /// kernel that splits its work over threads of its own, each calling OpenBLAS (the recurrent
    /// sequences' row blocks). Products running elsewhere meanwhile may run on one thread too.
    static func singleThreaded(_ body: () -> Void) {
        guard let set = library?.setThreads, openBLASThreads > 1 else { return body() }
        set(1)
        defer { set(openBLASThreads) }
        body()
    }

    /// The thread count OpenBLAS gets for the setting: at most the online CPUs (see above).
    static var openBLASThreads: Int32 { Int32(clamping: Swift.min(Parallel.cores, Parallel.onlineCores)) }

    /// The number of threads OpenBLAS runs with (nil without OpenBLAS).
    static var threadCount: Int? {
        guard let lib = library, let get = lib.getThreads else { return nil }
        return Int(get())
    }

    /// The loaded library, or nil (no OpenBLAS on the machine, or SWIFTKERAS_NO_BLAS=1).
    /// Swift initialises a static `let` once, lazily and thread-safely.
    static let library: Library? = load()

    /// Why there is no library (for `BLASInfo`).
    nonisolated(unsafe) private static var failure = ""

    /// The OPENBLAS_CORETYPE value that suits this CPU (`skk_openblas_core_type`, the one rule):
    /// AVX-512 F+BW+VL+DQ → SKYLAKEX, AVX2+FMA → HASWELL, otherwise nil (let OpenBLAS decide).
    static func coreTypeForCPU() -> String? {
        skk_openblas_core_type(skk_cpu_features()).map { String(cString: $0) }
    }

    /// The core type for a set of /proc/cpuinfo flag names (the same rule, so tests can check it).
    static func coreType(forFlags flags: Set<String>) -> String? {
        let bits = flags.reduce(UInt32(0)) { $0 | skk_cpu_feature_bit($1) }
        return skk_openblas_core_type(bits).map { String(cString: $0) }
    }

    private static func load() -> Library? {
        if let v = getenv("SWIFTKERAS_NO_BLAS"), v.pointee != 0, String(cString: v) != "0" {
            failure = "disabled by SWIFTKERAS_NO_BLAS"
            return nil
        }
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            // Loaded before (by the load-time hook, or by another library of the process)?
            let earlier = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)
            if let e = earlier { dlclose(e) }
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let s = dlsym(h, "cblas_sgemm"), let d = dlsym(h, "cblas_dgemm") else {
                dlclose(h)
                continue
            }
            var core: String? = nil
            if let c = dlsym(h, "openblas_get_corename") {
                let fn = unsafeBitCast(c, to: CoreName.self)
                if let p = fn() { core = String(cString: p) }
            }
            // Ours alone and misdetecting the CPU: select the kernel family that suits it.
            if earlier == nil, let wanted = coreTypeForCPU(), kernelIsOutdated(coreName: core, cpuCoreType: wanted),
               let selected = OpenBLASCoreSwitch.select(h, wanted: wanted) {
                core = selected
            }
            let qr = dlsym(h, "dgeqrf_").map { unsafeBitCast($0, to: DGeqrf.self) }
            let orgqr = dlsym(h, "dorgqr_").map { unsafeBitCast($0, to: DOrgqr.self) }
            let setThreads = dlsym(h, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
            let getThreads = dlsym(h, "openblas_get_num_threads").map { unsafeBitCast($0, to: GetThreads.self) }
            if Parallel.threadSetting > 0 { setThreads?(openBLASThreads) }
            var lib = Library(sgemm: unsafeBitCast(s, to: SGemm.self), dgemm: unsafeBitCast(d, to: DGemm.self),
                              dgeqrf: qr, dorgqr: orgqr, soname: name, coreName: core, setThreads: setThreads,
                              getThreads: getThreads)
            lib.dgesvd = dlsym(h, "dgesvd_").map { unsafeBitCast($0, to: DGesvd.self) }
            lib.dsyev = dlsym(h, "dsyev_").map { unsafeBitCast($0, to: DSyev.self) }
            return lib
        }
        failure = "libopenblas.so.0 not found"
        return nil
    }

    /// OpenBLAS kernel families older than AVX2 (what it falls back to on a CPU it does not know).
    static let preAVX2Cores: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                                            "katmai", "coppermine", "northwood", "banias", "barcelona",
                                            "opteron", "opteron_sse3", "generic", "sandybridge", "bulldozer",
                                            "piledriver", "steamroller", "excavator", "bobcat"]

    /// Whether OpenBLAS runs a pre-AVX2 kernel (`coreName`) on a CPU with AVX2 + FMA (`cpuCoreType`
    /// not nil). It does when it was loaded into a process that already had threads (the library
    /// then leaves the environment alone and OpenBLAS misdetects recent CPUs) — e.g. Python after
    /// `import numpy`. Measured on this project's VM: an MLP's fit at 27k samples/s on OpenBLAS's
    /// Prescott kernel, 40k on the portable Swift GEMM, 62–69k on OpenBLAS's SkylakeX kernel.
    static func kernelIsOutdated(coreName: String?, cpuCoreType: String?) -> Bool {
        guard cpuCoreType != nil, let core = coreName?.lowercased() else { return false }
        return preAVX2Cores.contains(core)
    }

    /// True when the loaded OpenBLAS runs an outdated kernel for this CPU: products then take the
    /// portable Swift GEMM, which is faster than that kernel.
    static let outdatedKernel: Bool = library.map { kernelIsOutdated(coreName: $0.coreName, cpuCoreType: coreTypeForCPU()) } ?? false

    /// Why BLAS is not in use, or "" when it is.
    static var unavailableReason: String {
        _ = library
        return failure
    }
}

/// What runs SwiftKeras' matrix products (for diagnostics and bug reports).
public enum BLASInfo {
    /// A one-line description: `"OpenBLAS libopenblas.so.0 (core SkylakeX, OPENBLAS_CORETYPE=SKYLAKEX)"`,
    /// or `"portable Swift GEMM (libopenblas.so.0 not found)"`.
    public static var description: String {
        guard let lib = BLAS.library else {
            return "portable Swift GEMM (\(BLAS.unavailableReason))"
        }
        if BLAS.outdatedKernel {
            return "portable Swift GEMM (\(lib.soname) runs its pre-AVX2 kernel \(lib.coreName ?? "?") on this CPU: "
                + "it was loaded into a process that already had threads; set OPENBLAS_CORETYPE or load SwiftKeras first)"
        }
        var s = "OpenBLAS \(lib.soname)"
        var extra: [String] = []
        if let c = lib.coreName { extra.append("core \(c)") }
        if let e = getenv("OPENBLAS_CORETYPE") { extra.append("OPENBLAS_CORETYPE=\(String(cString: e))") }
        if !extra.isEmpty { s += " (" + extra.joined(separator: ", ") + ")" }
        return s
    }

    /// True when float32/float64 products run on OpenBLAS.
    public static var usesOpenBLAS: Bool { BLAS.library != nil && !BLAS.outdatedKernel }
}

extension BLASInfo {
    /// The number of threads OpenBLAS runs with (nil without OpenBLAS): the thread setting
    /// (`Parallel.setThreadCount`), or every online CPU.
    public static var threadCount: Int? { BLAS.threadCount }
}

/// LAPACK routines from the loaded OpenBLAS (which bundles LAPACK).
package enum LAPACK {
    /// The thin QR factorization of the column-major `(m, k)` matrix `a` (m ≥ k, lda m): replaces
    /// `a` by Q's first k columns and returns R's diagonal — or returns nil, `a` unspecified, when
    /// no LAPACK is loaded, the sizes exceed its 32-bit integers, or it reports an error.
    package static func thinQ(_ a: inout [Double], m: Int, k: Int) -> [Double]? {
        guard let lib = BLAS.library, let geqrf = lib.dgeqrf, let orgqr = lib.dorgqr,
              m >= k, k > 0, m <= Int(Int32.max), a.count == m * k else { return nil }
        var m32 = Int32(m), k32 = Int32(k), info: Int32 = 0, query: Int32 = -1
        var tau = [Double](repeating: 0, count: k)
        var size = 0.0
        geqrf(&m32, &k32, &a, &m32, &tau, &size, &query, &info)
        if info != 0 { return nil }
        var orgSize = 0.0
        orgqr(&m32, &k32, &k32, &a, &m32, &tau, &orgSize, &query, &info)
        if info != 0 { return nil }
        let lwork = max(1, Int(max(size, orgSize)), k * 64)
        if lwork > Int(Int32.max) { return nil }
        var work = [Double](repeating: 0, count: lwork)
        var lw = Int32(lwork)
        geqrf(&m32, &k32, &a, &m32, &tau, &work, &lw, &info)
        if info != 0 { return nil }
        let diagonal = (0..<k).map { a[$0 * m + $0] }
        orgqr(&m32, &k32, &k32, &a, &m32, &tau, &work, &lw, &info)
        return info == 0 ? diagonal : nil
    }
}
