import Glibc

/// One object per thread, made by `make` on the thread's first access and released when the
/// thread exits; built on a pthread key (no Foundation). The observer stack below and the C API's
/// last error (SwiftKerasC) each keep their per-thread state in one.
package final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let make: () -> Value

    /// A slot whose per-thread object `make` creates.
    package init(_ make: @escaping () -> Value) {
        var k = pthread_key_t()
        pthread_key_create(&k) { ptr in
            if let ptr { Unmanaged<AnyObject>.fromOpaque(ptr).release() }
        }
        key = k
        self.make = make
    }

    /// This thread's object (made now if the thread has none yet).
    @inline(__always)
    package var value: Value {
        if let p = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(p).takeUnretainedValue()
        }
        let v = make()
        pthread_setspecific(key, Unmanaged.passRetained(v).toOpaque())
        return v
    }
}

/// Thread-local storage for the observer stack.
enum ThreadLocalObservers {
    fileprivate final class Box {
        var value: [OpObserver] = []
        /// Which inputs of the pullback running on this thread need a cotangent (bit i for
        /// input i; all set when no tape says otherwise). See `PullbackNeeds`.
        var needs: UInt64 = ~0
    }

    private static let slot = ThreadLocal { Box() }

    @inline(__always)
    fileprivate static func box() -> Box { slot.value }

    static func get() -> [OpObserver] { box().value }
    static func set(_ v: [OpObserver]) { box().value = v }
}

/// Tells a pullback which of its op's inputs need a cotangent, so that it can skip work whose
/// result the tape would drop (the input-batch gradient of a first Dense layer, for example).
/// The tape sets the mask around each pullback call; a pullback reads it FIRST, before running
/// any op (a nested gradient computation inside it may set its own mask). Inputs beyond 63 and
/// calls outside a tape's walk always count as needed.
enum PullbackNeeds {
    /// Runs `body` with `mask` as the current pullback's needs; restores the previous mask.
    static func with<R>(_ mask: UInt64, _ body: () throws -> R) rethrows -> R {
        let b = ThreadLocalObservers.box()
        let old = b.needs
        b.needs = mask
        defer { b.needs = old }
        return try body()
    }

    /// Whether input `i` of the running pullback needs a cotangent.
    static func input(_ i: Int) -> Bool {
        i >= 64 || ThreadLocalObservers.box().needs & (1 << UInt64(i)) != 0
    }
}
