import Synchronization

/// A pullback maps the cotangent of an op's output to the cotangents of its inputs (`nil` for
/// an input that gets no gradient, such as an integer index). It is written with differentiable
/// ops, so a tape recording while another computes a gradient records the backward pass too.
public typealias Pullback = (Tensor) throws -> [Tensor?]

/// Something that observes every op as it runs: the gradient tape, later graph tracing and
/// profiling. Observers register per thread; ops never know about them individually.
public protocol OpObserver: AnyObject {
    /// Called after an op has produced `output` from `inputs`.
    func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback)
}

/// The one place every op reports to after its kernel has run (the last step of the front door:
/// validate → promote/broadcast → kernel → record). When no observer is active anywhere in the
/// process this costs one relaxed atomic load; the inputs array and pullback closure are built
/// only when someone is listening.
@inline(__always)
func record(_ op: StaticString, _ inputs: @autoclosure () -> [Tensor], _ output: Tensor,
            _ pullback: @autoclosure () -> Pullback) {
    if OpObservers.activeCount.load(ordering: .relaxed) == 0 { return }
    OpObservers.notify(op, inputs(), output, pullback)
}

/// The per-thread stacks of op observers.
public enum OpObservers {
    static let activeCount = Atomic<Int>(0)

    /// Observers on the current thread, innermost last.
    static var current: [OpObserver] {
        get { ThreadLocalObservers.get() }
        set { ThreadLocalObservers.set(newValue) }
    }

    /// Starts delivering this thread's ops to `observer`.
    public static func push(_ observer: OpObserver) {
        current.append(observer)
        activeCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// Stops delivering this thread's ops to `observer`.
    public static func remove(_ observer: OpObserver) {
        var c = current
        if let i = c.lastIndex(where: { $0 === observer }) {
            c.remove(at: i)
            current = c
            activeCount.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    static func notify(_ op: StaticString, _ inputs: [Tensor], _ output: Tensor, _ pullback: () -> Pullback) {
        let observers = current
        for o in observers { o.opDidRun(op, inputs: inputs, output: output, pullback: pullback) }
    }
}

/// The pullback of an op whose gradient is not written yet: asking for it throws a named error
/// (never silently zeros).
func gradientNotImplemented(_ op: StaticString) -> Pullback {
    { _ in throw SwiftKerasError(.unimplemented, "\(op): gradient is not implemented") }
}
