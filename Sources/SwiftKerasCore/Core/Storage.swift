import Glibc
import Synchronization

/// A contiguous, 64-byte-aligned buffer of bytes owned by one or more tensors.
///
/// Either allocated here (freed on deinit) or borrowed from the caller with a deleter that
/// runs exactly once when the last tensor using it goes away.
final class Storage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    private let deleter: (() -> Void)?

    /// Allocates `byteCount` uninitialized bytes. Throws instead of trapping when memory is short.
    init(byteCount: Int, op: StaticString) throws {
        if byteCount >= LargeBufferCache.minimumSize, let cached = LargeBufferCache.shared.take(byteCount) {
            base = cached
        } else {
            var p: UnsafeMutableRawPointer? = nil
            // Round up to 64 bytes; a byte count within 63 of Int.max cannot be rounded (nor
            // allocated): it must throw, not overflow.
            let (padded, overflow) = max(byteCount, 1).addingReportingOverflow(63)
            if overflow || byteCount < 0 {
                throw SwiftKerasError(.outOfMemory, "\(op): cannot allocate \(byteCount) bytes")
            }
            let size = padded & ~63
            let alignment = byteCount >= 1 << 21 ? 1 << 21 : 64
            if size <= 1024 {
                // Small buffers: plain malloc (16-byte aligned) is much cheaper than memalign,
                // and no kernel assumes more alignment than its element type's.
                p = malloc(size)
            } else if posix_memalign(&p, alignment, size) != 0 {
                p = nil
            }
            if p == nil {
                throw SwiftKerasError(.outOfMemory, "\(op): cannot allocate \(byteCount) bytes")
            }
            // Large buffers: ask for transparent huge pages (fewer page faults and TLB misses).
            if alignment > 64 { _ = madvise(p, size, 14 /* MADV_HUGEPAGE */) }
            base = p.unsafelyUnwrapped
        }
        self.byteCount = byteCount
        deleter = nil
        Storage.liveCount.add(1)
    }

    /// Wraps memory owned elsewhere; `deleter` runs once when the storage is released.
    init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, deleter: (() -> Void)?) {
        self.base = base
        self.byteCount = byteCount
        self.deleter = deleter ?? {}
        Storage.liveCount.add(1)
    }

    deinit {
        if let d = deleter {
            d()
        } else if byteCount < LargeBufferCache.minimumSize || !LargeBufferCache.shared.give(base, byteCount) {
            free(base)
        }
        Storage.liveCount.add(-1)
    }

    /// Number of storages alive in the process (for leak tests).
    static let liveCount = AtomicCounter()
}

/// The one checked path for memory sized by user input outside a tensor's `Storage` (Swift
/// arrays whose length comes from a config value, a file header or an argument): the Swift
/// runtime aborts the process when an array allocation fails, so such an array is first
/// checked here, which throws `.outOfMemory` naming the op instead.
package enum CheckedAllocation {
    /// Requests from this size on are probed (smaller ones cannot fail short of the process
    /// being out of memory anyway).
    static let probeThreshold = 1 << 24

    /// Throws unless `count` elements of `T` can be allocated now: `.invalidArgument` for a
    /// negative count, `.outOfMemory` when the byte count overflows or the memory cannot be mapped.
    package static func check<T>(_ count: Int, of _: T.Type, op: String) throws {
        if count < 0 { throw SwiftKerasError(.invalidArgument, "\(op): negative element count \(count)") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: Swift.max(MemoryLayout<T>.stride, 1))
        if overflow {
            throw SwiftKerasError(.outOfMemory, "\(op): cannot allocate \(count) elements of \(MemoryLayout<T>.stride) bytes")
        }
        if bytes < probeThreshold { return }
        // The probe maps what malloc would map for this size (an unused malloc/free pair would
        // be optimized away): it fails as malloc would, on the overcommit limit or RLIMIT_AS.
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if p == MAP_FAILED || p == nil {
            throw SwiftKerasError(.outOfMemory, "\(op): cannot allocate \(bytes) bytes (\(count) elements)")
        }
        munmap(p, bytes)
    }

    /// `[T](repeating: value, count: count)` through `check`.
    package static func array<T>(repeating value: T, count: Int, op: String) throws -> [T] {
        try check(count, of: T.self, op: op)
        return [T](repeating: value, count: count)
    }
}

/// A relaxed atomic counter (allocation bookkeeping for leak tests).
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ d: Int) { value.wrappingAdd(d, ordering: .relaxed) }

    var current: Int { value.load(ordering: .relaxed) }
}

/// Recently freed large buffers, kept for reuse: a training loop allocates the same large sizes
/// every step, and a fresh multi-megabyte allocation costs a page fault per 4 KiB page on first
/// touch (several milliseconds for 16 MB — more than the arithmetic). Bounded: a few buffers per
/// size and `capacity` bytes in all; the rest go back to malloc.
final class LargeBufferCache: @unchecked Sendable {
    static let minimumSize = 1 << 16
    static let shared = LargeBufferCache()

    private let capacity = 256 << 20
    private let perSize = 16
    private var buffers: [Int: [UnsafeMutableRawPointer]] = [:]
    private var total = 0
    private var mutex = pthread_mutex_t()

    private init() { pthread_mutex_init(&mutex, nil) }

    /// A cached buffer of exactly `size` bytes, if there is one.
    func take(_ size: Int) -> UnsafeMutableRawPointer? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard let p = buffers[size]?.popLast() else { return nil }
        total -= size
        return p
    }

    /// Keeps `p` for reuse if there is room; returns false if the caller must free it.
    func give(_ p: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if size > capacity || (buffers[size]?.count ?? 0) >= perSize { return false }
        // Full: free buffers of other sizes (the workload moved on from them) to make room, so
        // the cache follows the sizes in use now instead of keeping the first ones it saw.
        while total + size > capacity, let victim = buffers.first(where: { $0.key != size && !$0.value.isEmpty }) {
            var list = victim.value
            free(list.removeLast())
            total -= victim.key
            buffers[victim.key] = list.isEmpty ? nil : list
        }
        if total + size > capacity { return false }
        buffers[size, default: []].append(p)
        total += size
        return true
    }
}
