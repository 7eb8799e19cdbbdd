import Glibc
import SwiftKerasCHeader
import SwiftKeras

// Gradient tapes through the C ABI: recording (start / stop / pause / resume on one thread),
// watching, gradients and Jacobians. An sk_tape handle is a retained TapeBox.

/// An sk_tape: the tape plus the C-level recording state (which thread records, paused or not).
final class TapeBox {
    let tape: GradientTape
    var recording = false
    var paused = false
    var thread: pthread_t? = nil

    init(_ t: GradientTape) { tape = t }

    /// Throws unless the calling thread is the one that started the tape (or it is idle).
    func checkThread(_ fn: StaticString) throws {
        if let th = thread, (recording || paused), pthread_equal(th, pthread_self()) == 0 {
            throw SwiftKerasError(.runtime, "\(fn): the tape is recording on another thread; a tape belongs to one thread")
        }
    }
}

@c @implementation
public func sk_tape_create(_ persistent: UInt8, _ watchAccessedVariables: UInt8,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tape_create") {
        TapeBox(GradientTape(persistent: persistent != 0, watchAccessedVariables: watchAccessedVariables != 0))
    }
}

@c @implementation
public func sk_tape_release(_ t: OpaquePointer?) {
    guard let tb = unwrapOptional(t, as: TapeBox.self) else { return }
    if tb.recording, let th = tb.thread, pthread_equal(th, pthread_self()) != 0 {
        tb.tape.stop()
        tb.recording = false
    }
    release(t, as: TapeBox.self)
}

@c @implementation
public func sk_tape_start(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try unwrap(t, "sk_tape_start", "tape", as: TapeBox.self)
        if b.recording || b.paused { throw SwiftKerasError(.runtime, "sk_tape_start: the tape is already recording") }
        try b.tape.start()
        b.recording = true
        b.thread = pthread_self()
    }
}

@c @implementation
public func sk_tape_stop(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try unwrap(t, "sk_tape_stop", "tape", as: TapeBox.self)
        try b.checkThread("sk_tape_stop")
        b.tape.stop()
        b.recording = false
        b.paused = false
    }
}

/// sk_tape_pause (`pause`) and sk_tape_resume: checks the thread and that the tape is recording
/// (to pause) or paused (to resume), then stops or restarts its recording.
@inline(__always)
private func setPaused(_ t: OpaquePointer?, _ fn: StaticString, _ pause: Bool) -> Int32 {
    status {
        let b = try unwrap(t, fn, "tape", as: TapeBox.self)
        try b.checkThread(fn)
        if pause {
            if !b.recording { throw SwiftKerasError(.runtime, "\(fn): the tape is not recording") }
            b.tape.stop()
        } else {
            if !b.paused { throw SwiftKerasError(.runtime, "\(fn): the tape is not paused") }
            try b.tape.start()
        }
        b.recording = !pause
        b.paused = pause
    }
}

@c @implementation
public func sk_tape_pause(_ t: OpaquePointer?) -> Int32 { setPaused(t, "sk_tape_pause", true) }

@c @implementation
public func sk_tape_resume(_ t: OpaquePointer?) -> Int32 { setPaused(t, "sk_tape_resume", false) }

@c @implementation
public func sk_tape_reset(_ t: OpaquePointer?) -> Int32 {
    status { try unwrap(t, "sk_tape_reset", "tape", as: TapeBox.self).tape.reset() }
}

@c @implementation
public func sk_tape_watch(_ t: OpaquePointer?, _ x: OpaquePointer?) -> Int32 {
    status {
        let b = try unwrap(t, "sk_tape_watch", "tape", as: TapeBox.self)
        b.tape.watch(try tensor(x, "sk_tape_watch", "tensor"))
    }
}

@c @implementation
public func sk_tape_watch_variable(_ t: OpaquePointer?, _ v: OpaquePointer?) -> Int32 {
    status {
        let b = try unwrap(t, "sk_tape_watch_variable", "tape", as: TapeBox.self)
        b.tape.watch(try unwrap(v, "sk_tape_watch_variable", "variable", as: VariableBox.self).variable)
    }
}

/// Reads n sources: entry i is tensors[i] if non-NULL, else variables[i].
private func gradientSources(_ tensors: UnsafePointer<OpaquePointer?>?, _ variables: UnsafePointer<OpaquePointer?>?,
                             _ n: Int32, _ fn: StaticString) throws -> [GradientSource] {
    try checkCount(n, fn, "sources")
    if n > 0 && tensors == nil && variables == nil {
        throw SwiftKerasError(.invalidArgument, "\(fn): sources and variables are both NULL but n_sources is \(n)")
    }
    return try (0..<Int(n)).map { i in
        if let t = unwrapOptional(tensors?[i], as: Tensor.self) { return .tensor(t) }
        if let v = unwrapOptional(variables?[i], as: VariableBox.self) { return .variable(v.variable) }
        throw SwiftKerasError(.invalidHandle, "\(fn): source \(i) is NULL in both sources and variables")
    }
}

@c @implementation
public func sk_tape_gradient(_ t: OpaquePointer?, _ target: OpaquePointer?,
                             _ sources: UnsafePointer<OpaquePointer?>?, _ variables: UnsafePointer<OpaquePointer?>?,
                             _ nSources: Int32, _ outputGradients: OpaquePointer?, _ unconnected: Int32,
                             _ grads: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_gradient"
    return status {
        try clearOutputs(grads, nSources, fn, "sources", "grads")
        let b = try unwrap(t, fn, "tape", as: TapeBox.self)
        let y = try tensor(target, fn, "target")
        let src = try gradientSources(sources, variables, nSources, fn)
        let u = try unconnectedCode(unconnected, fn)
        let g = try b.tape.gradient(y, src, outputGradients: optionalTensor(outputGradients), unconnectedGradients: u)
        for (i, gi) in g.enumerated() { grads![i] = gi.map(handle) }
    }
}

@c @implementation
public func sk_tape_jacobian(_ t: OpaquePointer?, _ target: OpaquePointer?, _ source: OpaquePointer?,
                             _ variable: OpaquePointer?, _ unconnected: Int32,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_jacobian"
    return produceOptional(out, fn) {
        let b = try unwrap(t, fn, "tape", as: TapeBox.self)
        let y = try tensor(target, fn, "target")
        var s = [source]
        var v = [variable]
        let src = try gradientSources(&s, &v, 1, fn)[0]
        return try b.tape.jacobian(y, src, unconnectedGradients: try unconnectedCode(unconnected, fn))
    }
}

@c @implementation
public func sk_tape_batch_jacobian(_ t: OpaquePointer?, _ target: OpaquePointer?, _ source: OpaquePointer?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_batch_jacobian"
    return produceOptional(out, fn) {
        let b = try unwrap(t, fn, "tape", as: TapeBox.self)
        return try b.tape.batchJacobian(try tensor(target, fn, "target"), try tensor(source, fn, "source"))
    }
}
