import Dispatch
import Glibc

/// Work splitting for kernels: large loops run on all cores through Dispatch.
package enum Parallel {
    /// Number of online CPUs (at least 1).
    static let cores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Runs `body(start, end)` over `0..<count` in contiguous chunks. Below `grain` elements
    /// per chunk (or on one core) the whole range runs on the calling thread.
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
