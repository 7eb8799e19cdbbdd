import Dispatch
import Glibc
import Synchronization

/// Work splitting for kernels: large loops run on several threads through Dispatch, as many as
/// the thread setting allows (`setThreadCount`, C `sk_set_num_threads`, Python
/// `tf.config.threading.set_intra_op_parallelism_threads`).
package enum Parallel {
    /// Number of online CPUs (at least 1).
    package static let onlineCores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// The thread setting: 0 = every online CPU (the default).
    private static let requested = Atomic<Int>(0)

    /// The number of threads a kernel splits its work over: the setting, or every online CPU.
    package static var cores: Int {
        let r = requested.load(ordering: .relaxed)
        return r > 0 ? r : onlineCores
    }

    /// The thread setting as last set (0 = not set: every online CPU).
    package static var threadSetting: Int { requested.load(ordering: .relaxed) }

    /// Sets how many threads one op may use — the core's parallel loops and OpenBLAS's products
    /// alike (TensorFlow's intra-op parallelism). 0 restores the default (every online CPU);
    /// 1 runs every op on the calling thread only. Takes effect from the next op; results do
    /// not depend on it. Throws `.invalidArgument` for a negative count.
    package static func setThreadCount(_ n: Int) throws {
        guard n >= 0 else {
            throw SwiftKerasError(.invalidArgument, "set_num_threads: the thread count must be >= 0 (0 = every CPU), got \(n)")
        }
        requested.store(n, ordering: .relaxed)
        BLAS.applyThreadCount()
    }

    /// Runs `body(start, end)` over `0..<count` in contiguous chunks. Below `grain` elements
    /// per chunk (or on one thread) the whole range runs on the calling thread.
    @inline(__always)
    package static func forRange(_ count: Int, grain: Int = 1 << 16, _ body: (Int, Int) -> Void) {
        let chunks = min(cores, count / max(grain, 1))
        if chunks <= 1 {
            body(0, count)
            return
        }
        let per = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let s = c * per
            let e = min(count, s + per)
            if s < e { body(s, e) }
        }
    }
}
