import Glibc

// OpenMP's waiting threads, throttled without touching the environment.
//
// oneDNN runs on libgomp. A libgomp thread that waits — a worker between two parallel regions,
// or the calling thread at the end of one, waiting for the others — spins GOMP_SPINCOUNT times
// (300,000 pauses: milliseconds) before it sleeps, unless libgomp was loaded with
// OMP_WAIT_POLICY=passive. The load-time hook (host.c) chooses passive only while the process
// is single-threaded; in a host that had threads before us (Python after `import numpy`) the
// spinning took the cores from the next op and from the other thread of the same convolution
// (measured under load: two thirds of a CNN's fit in libgomp's spin loop).
//
// libgomp itself shortens the spin to its throttled count (1,000 pauses) whenever it manages
// more threads than the process has CPUs (`gomp_managed_threads > gomp_available_cpus`, checked
// at every wait). So when the wait policy could not be chosen, one helper thread opens a
// parallel region of `CPUs + 1` threads through libgomp's entry point `GOMP_parallel` and then
// sleeps for the life of the process: its idle team (asleep, no CPU) keeps libgomp in the
// throttled mode. A policy the user chose (OMP_WAIT_POLICY or GOMP_SPINCOUNT) is left alone.

/// Keeps libgomp's waiting threads from spinning for long in a host whose wait policy could not
/// be chosen at load time.
enum OpenMPThrottle {
    /// libgomp's `GOMP_parallel(fn, data, num_threads, flags)`.
    typealias GOMPParallel = @convention(c) (@convention(c) (UnsafeMutableRawPointer?) -> Void,
                                             UnsafeMutableRawPointer?, UInt32, UInt32) -> Void

    /// Whether the helper thread was started (for tests and diagnostics).
    nonisolated(unsafe) private(set) static var started = false

    /// Starts the helper thread with the libgomp that `library` (a dlopen handle of oneDNN) binds
    /// to; does nothing when it lacks `GOMP_parallel` or a thread cannot be made. Called once, from
    /// oneDNN's loading.
    static func start(_ library: UnsafeMutableRawPointer) {
        guard !started, let sym = dlsym(library, "GOMP_parallel") else { return }
        var attr = pthread_attr_t()
        guard pthread_attr_init(&attr) == 0 else { return }
        defer { pthread_attr_destroy(&attr) }
        _ = pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        _ = pthread_attr_setstacksize(&attr, 1 << 16)
        var thread = pthread_t()
        let made = pthread_create(&thread, &attr, { arg in
            guard let arg else { return nil }
            let parallel = unsafeBitCast(arg, to: GOMPParallel.self)
            parallel({ _ in }, nil, UInt32(clamping: Parallel.onlineCores + 1), 0)
            while true { _ = Glibc.pause() }
        }, sym)
        started = made == 0
    }
}
