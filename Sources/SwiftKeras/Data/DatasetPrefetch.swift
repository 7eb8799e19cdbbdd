// tf.data's prefetch: a background thread runs the pipeline above ahead of the consumer,
// keeping up to buffer_size elements ready.

import Dispatch
import Glibc
import Synchronization

/// `tf.data.AUTOTUNE`.
public let datasetAutotune = -1

extension Dataset {
    /// The buffer AUTOTUNE (-1) stands for.
    static let autotunedPrefetch = 4

    /// `prefetch(buffer_size)`: a background thread produces up to `bufferSize` elements ahead
    /// (-1, AUTOTUNE: a few; 0: no prefetching). Errors of the pipeline above reach the
    /// consumer at the element where they happened. A C / Python callback above runs on that
    /// thread (the Python wrapper releases the GIL while it waits).
    public func prefetch(_ bufferSize: Int) throws -> Dataset {
        if bufferSize < -1 { throw SwiftKerasError.invalid("prefetch: buffer_size must be -1 (AUTOTUNE) or >= 0, got \(bufferSize)") }
        if bufferSize == 0 { return Dataset(structure: structure, cardinality: cardinality, specs: sameSpecs, make: makeIterator) }
        let size = bufferSize == -1 ? Dataset.autotunedPrefetch : bufferSize
        return Dataset(structure: structure, cardinality: cardinality, specs: sameSpecs) {
            let channel = PrefetchChannel(capacity: size)
            let upstream = try self.makeIterator()
            try startThread {
                while channel.waitForSlot() {
                    let r = Result { try upstream.next() }
                    channel.put(r)
                    if case .success(nil) = r { break }
                    if case .failure = r { break }
                }
            }
            var done = false
            return DatasetIterator({
                if done { return nil }
                let r = channel.take()
                switch r {
                case .success(let e?): return e
                case .success(nil): done = true; return nil
                case .failure(let error): done = true; throw error
                }
            }, close: { channel.cancel() })
        }
    }
}

/// The bounded queue between a prefetch thread and its consumer.
final class PrefetchChannel: @unchecked Sendable {
    private let queue = Mutex<(items: [Result<DatasetElement?, Error>], head: Int, cancelled: Bool)>(([], 0, false))
    // Semaphores start at 0 and are raised to their capacity: libdispatch traps when a
    // semaphore is freed below its initial value.
    private let slots = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)

    init(capacity: Int) { for _ in 0..<capacity { slots.signal() } }

    /// Blocks until there is room; false once the consumer has gone.
    func waitForSlot() -> Bool {
        slots.wait()
        return !queue.withLock { $0.cancelled }
    }

    func put(_ r: Result<DatasetElement?, Error>) {
        queue.withLock { $0.items.append(r) }
        ready.signal()
    }

    func take() -> Result<DatasetElement?, Error> {
        ready.wait()
        let r = queue.withLock { q -> Result<DatasetElement?, Error> in
            let r = q.items[q.head]
            q.head += 1
            if q.head > 64 && q.head * 2 > q.items.count {
                q.items.removeFirst(q.head)
                q.head = 0
            }
            return r
        }
        slots.signal()
        return r
    }

    /// The consumer is gone: the producer stops at its next slot.
    func cancel() {
        queue.withLock { $0.cancelled = true }
        slots.signal()
    }
}

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a new detached thread.
func startThread(_ body: @escaping () -> Void) throws {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var tid = pthread_t()
    let rc = pthread_create(&tid, nil, { p in
        guard let p else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(p).takeRetainedValue().run()
        return nil
    }, box)
    if rc != 0 {
        Unmanaged<ThreadBody>.fromOpaque(box).release()
        throw SwiftKerasError(.runtime, "prefetch: cannot start a thread (pthread_create returned \(rc))")
    }
    pthread_detach(tid)
}
