import Glibc
import SwiftKeras

// Variables, gradient tapes, user functions (callbacks) and custom gradients through the C ABI.

// MARK: - Boxes behind the handles

/// An sk_variable: the variable plus its name as a C string that lives as long as the handle.
final class VariableBox {
    let variable: Variable
    let cName: UnsafeMutablePointer<CChar>?

    init(_ v: Variable) {
        variable = v
        cName = strdup(v.name)
    }

    deinit { free(cName) }
}

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

public typealias SKCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<OpaquePointer?>?, Int32,
                                       UnsafeMutablePointer<OpaquePointer?>?, Int32) -> Int32
public typealias SKDestroy = @convention(c) (UnsafeMutableRawPointer?) -> Void

/// An sk_function: a C callback with its user data; `destroy(user_data)` runs exactly once, when
/// the last reference (the caller's handle, or a recorded gradient using it) goes away.
final class FunctionBox {
    let fn: SKCallback
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKCallback, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    /// Calls the callback with borrowed inputs and `nOut` output slots. The library owns the
    /// handles the callback writes (also when it fails: they are released). A failing callback
    /// becomes an error carrying its status code and the message it set with sk_set_error.
    func call(_ inputs: [Tensor], nOut: Int, op: String) throws -> [Tensor?] {
        let ins: [OpaquePointer?] = inputs.map { OpaquePointer(Unmanaged.passUnretained($0).toOpaque()) }
        var outs = [OpaquePointer?](repeating: nil, count: nOut)
        LastError.set(0, "")
        let rc = ins.withUnsafeBufferPointer { ib in
            outs.withUnsafeMutableBufferPointer { ob in
                fn(userData, ib.baseAddress, Int32(ib.count), ob.baseAddress, Int32(nOut))
            }
        }
        let results: [Tensor?] = outs.map { h in
            h.map { Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer($0)).takeRetainedValue() }
        }
        withExtendedLifetime(inputs) {}
        if rc != 0 {
            let kind = SwiftKerasError.Kind(rawValue: rc) ?? .runtime
            let msg = LastError.code() != 0 ? LastError.message()
                : "\(op): the callback failed with status \(rc) without calling sk_set_error"
            throw SwiftKerasError(kind, msg)
        }
        return results
    }
}

@inline(__always)
private func box<T: AnyObject>(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString, _: T.Type) throws -> T {
    guard let h else { throw SwiftKerasError(.invalidHandle, "\(fn): \(arg) is NULL") }
    return Unmanaged<T>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
}

@inline(__always)
private func newHandle<T: AnyObject>(_ o: T) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(o).toOpaque())
}

/// Like `produce` for an optional result: nil is written as NULL with SK_OK.
private func produceOptional(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                             _ body: () throws -> Tensor?) -> Int32 {
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL")) }
    out.pointee = nil
    do {
        if let t = try body() { out.pointee = handle(t) }
        return 0
    } catch {
        return LastError.set(error)
    }
}

// MARK: - Variables

@_cdecl("sk_variable_create")
public func sk_variable_create(_ value: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ trainable: UInt8,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "sk_variable_create: out is NULL")) }
    out.pointee = nil
    return status {
        let t = try tensor(value, "sk_variable_create", "value")
        let v = Variable(t, name: name.map { String(cString: $0) } ?? "Variable", trainable: trainable != 0)
        out.pointee = newHandle(VariableBox(v))
    }
}

@_cdecl("sk_variable_release")
public func sk_variable_release(_ v: OpaquePointer?) {
    guard let v else { return }
    Unmanaged<VariableBox>.fromOpaque(UnsafeRawPointer(v)).release()
}

@_cdecl("sk_variable_read")
public func sk_variable_read(_ v: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_variable_read") { try box(v, "sk_variable_read", "variable", VariableBox.self).variable.value }
}

@_cdecl("sk_variable_assign")
public func sk_variable_assign(_ v: OpaquePointer?, _ value: OpaquePointer?) -> Int32 {
    status {
        let b = try box(v, "sk_variable_assign", "variable", VariableBox.self)
        try b.variable.assign(try tensor(value, "sk_variable_assign", "value"))
    }
}

@_cdecl("sk_variable_assign_add")
public func sk_variable_assign_add(_ v: OpaquePointer?, _ delta: OpaquePointer?) -> Int32 {
    status {
        let b = try box(v, "sk_variable_assign_add", "variable", VariableBox.self)
        try b.variable.assignAdd(try tensor(delta, "sk_variable_assign_add", "delta"))
    }
}

@_cdecl("sk_variable_assign_sub")
public func sk_variable_assign_sub(_ v: OpaquePointer?, _ delta: OpaquePointer?) -> Int32 {
    status {
        let b = try box(v, "sk_variable_assign_sub", "variable", VariableBox.self)
        try b.variable.assignSub(try tensor(delta, "sk_variable_assign_sub", "delta"))
    }
}

@_cdecl("sk_variable_trainable")
public func sk_variable_trainable(_ v: OpaquePointer?) -> Int32 {
    guard let b = try? box(v, "sk_variable_trainable", "variable", VariableBox.self) else { return -1 }
    return b.variable.trainable ? 1 : 0
}

@_cdecl("sk_variable_set_trainable")
public func sk_variable_set_trainable(_ v: OpaquePointer?, _ trainable: UInt8) -> Int32 {
    status { try box(v, "sk_variable_set_trainable", "variable", VariableBox.self).variable.trainable = trainable != 0 }
}

@_cdecl("sk_variable_name")
public func sk_variable_name(_ v: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let b = try? box(v, "sk_variable_name", "variable", VariableBox.self) else { return nil }
    return UnsafePointer(b.cName)
}

@_cdecl("sk_variable_dtype")
public func sk_variable_dtype(_ v: OpaquePointer?) -> Int32 {
    guard let b = try? box(v, "sk_variable_dtype", "variable", VariableBox.self) else { return 0 }
    return b.variable.dtype.rawValue
}

@_cdecl("sk_variable_ndim")
public func sk_variable_ndim(_ v: OpaquePointer?) -> Int32 {
    guard let b = try? box(v, "sk_variable_ndim", "variable", VariableBox.self) else { return -1 }
    return Int32(b.variable.shape.count)
}

@_cdecl("sk_variable_shape")
public func sk_variable_shape(_ v: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int32) -> Int32 {
    status {
        let s = try box(v, "sk_variable_shape", "variable", VariableBox.self).variable.shape
        if Int(capacity) < s.count {
            throw SwiftKerasError(.invalidArgument, "sk_variable_shape: capacity \(capacity) is smaller than the rank \(s.count)")
        }
        if !s.isEmpty {
            guard let out else { throw SwiftKerasError(.invalidArgument, "sk_variable_shape: out is NULL") }
            for (i, d) in s.enumerated() { out[i] = Int64(d) }
        }
    }
}

// MARK: - Gradient tapes

@_cdecl("sk_tape_create")
public func sk_tape_create(_ persistent: UInt8, _ watchAccessedVariables: UInt8,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "sk_tape_create: out is NULL")) }
    out.pointee = newHandle(TapeBox(GradientTape(persistent: persistent != 0,
                                                 watchAccessedVariables: watchAccessedVariables != 0)))
    return 0
}

@_cdecl("sk_tape_release")
public func sk_tape_release(_ t: OpaquePointer?) {
    guard let t else { return }
    let b = Unmanaged<TapeBox>.fromOpaque(UnsafeRawPointer(t))
    let tb = b.takeUnretainedValue()
    if tb.recording, let th = tb.thread, pthread_equal(th, pthread_self()) != 0 {
        tb.tape.stop()
        tb.recording = false
    }
    b.release()
}

@_cdecl("sk_tape_start")
public func sk_tape_start(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_start", "tape", TapeBox.self)
        if b.recording || b.paused { throw SwiftKerasError(.runtime, "sk_tape_start: the tape is already recording") }
        try b.tape.start()
        b.recording = true
        b.thread = pthread_self()
    }
}

@_cdecl("sk_tape_stop")
public func sk_tape_stop(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_stop", "tape", TapeBox.self)
        try b.checkThread("sk_tape_stop")
        b.tape.stop()
        b.recording = false
        b.paused = false
    }
}

@_cdecl("sk_tape_pause")
public func sk_tape_pause(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_pause", "tape", TapeBox.self)
        try b.checkThread("sk_tape_pause")
        if !b.recording { throw SwiftKerasError(.runtime, "sk_tape_pause: the tape is not recording") }
        b.tape.stop()
        b.recording = false
        b.paused = true
    }
}

@_cdecl("sk_tape_resume")
public func sk_tape_resume(_ t: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_resume", "tape", TapeBox.self)
        try b.checkThread("sk_tape_resume")
        if !b.paused { throw SwiftKerasError(.runtime, "sk_tape_resume: the tape is not paused") }
        try b.tape.start()
        b.recording = true
        b.paused = false
    }
}

@_cdecl("sk_tape_reset")
public func sk_tape_reset(_ t: OpaquePointer?) -> Int32 {
    status { try box(t, "sk_tape_reset", "tape", TapeBox.self).tape.reset() }
}

@_cdecl("sk_tape_watch")
public func sk_tape_watch(_ t: OpaquePointer?, _ x: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_watch", "tape", TapeBox.self)
        b.tape.watch(try tensor(x, "sk_tape_watch", "tensor"))
    }
}

@_cdecl("sk_tape_watch_variable")
public func sk_tape_watch_variable(_ t: OpaquePointer?, _ v: OpaquePointer?) -> Int32 {
    status {
        let b = try box(t, "sk_tape_watch_variable", "tape", TapeBox.self)
        b.tape.watch(try box(v, "sk_tape_watch_variable", "variable", VariableBox.self).variable)
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
        if let h = tensors?[i] { return .tensor(Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()) }
        if let h = variables?[i] {
            return .variable(Unmanaged<VariableBox>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue().variable)
        }
        throw SwiftKerasError(.invalidHandle, "\(fn): source \(i) is NULL in both sources and variables")
    }
}

@_cdecl("sk_tape_gradient")
public func sk_tape_gradient(_ t: OpaquePointer?, _ target: OpaquePointer?,
                             _ sources: UnsafePointer<OpaquePointer?>?, _ variables: UnsafePointer<OpaquePointer?>?,
                             _ nSources: Int32, _ outputGradients: OpaquePointer?, _ unconnected: Int32,
                             _ grads: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_gradient"
    return status {
        try checkCount(nSources, fn, "sources")
        if nSources > 0 {
            guard let grads else { throw SwiftKerasError(.invalidArgument, "\(fn): grads is NULL") }
            for i in 0..<Int(nSources) { grads[i] = nil }
        }
        let b = try box(t, fn, "tape", TapeBox.self)
        let y = try tensor(target, fn, "target")
        let src = try gradientSources(sources, variables, nSources, fn)
        let u = try unconnectedCode(unconnected, fn)
        let g = try b.tape.gradient(y, src, outputGradients: optionalTensor(outputGradients), unconnectedGradients: u)
        for (i, gi) in g.enumerated() { grads![i] = gi.map(handle) }
    }
}

@_cdecl("sk_tape_jacobian")
public func sk_tape_jacobian(_ t: OpaquePointer?, _ target: OpaquePointer?, _ source: OpaquePointer?,
                             _ variable: OpaquePointer?, _ unconnected: Int32,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_jacobian"
    return produceOptional(out, fn) {
        let b = try box(t, fn, "tape", TapeBox.self)
        let y = try tensor(target, fn, "target")
        var s = [source]
        var v = [variable]
        let src = try gradientSources(&s, &v, 1, fn)[0]
        return try b.tape.jacobian(y, src, unconnectedGradients: try unconnectedCode(unconnected, fn))
    }
}

@_cdecl("sk_tape_batch_jacobian")
public func sk_tape_batch_jacobian(_ t: OpaquePointer?, _ target: OpaquePointer?, _ source: OpaquePointer?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tape_batch_jacobian"
    return produceOptional(out, fn) {
        let b = try box(t, fn, "tape", TapeBox.self)
        return try b.tape.batchJacobian(try tensor(target, fn, "target"), try tensor(source, fn, "source"))
    }
}

// MARK: - User functions and custom gradients

@_cdecl("sk_function_create")
public func sk_function_create(_ fn: SKCallback?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let fn, let out else {
        destroy?(userData)  // exactly once, also on failure
        out?.pointee = nil
        return LastError.set(SwiftKerasError(.invalidArgument, "sk_function_create: \(fn == nil ? "fn" : "out") is NULL"))
    }
    out.pointee = newHandle(FunctionBox(fn, userData, destroy))
    return 0
}

@_cdecl("sk_function_release")
public func sk_function_release(_ f: OpaquePointer?) {
    guard let f else { return }
    Unmanaged<FunctionBox>.fromOpaque(UnsafeRawPointer(f)).release()
}

@_cdecl("sk_function_call")
public func sk_function_call(_ f: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int32,
                             _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32) -> Int32 {
    let fn: StaticString = "sk_function_call"
    return status {
        try checkCount(nOutputs, fn, "outputs")
        if nOutputs > 0 {
            guard let outputs else { throw SwiftKerasError(.invalidArgument, "\(fn): outputs is NULL") }
            for i in 0..<Int(nOutputs) { outputs[i] = nil }
        }
        let b = try box(f, fn, "function", FunctionBox.self)
        let ins = try tensorList(inputs, nInputs, fn, "inputs")
        let res = try b.call(ins, nOut: Int(nOutputs), op: "sk_function_call")
        for (i, r) in res.enumerated() { outputs![i] = r.map(handle) }
    }
}

@_cdecl("sk_custom_gradient")
public func sk_custom_gradient(_ forward: OpaquePointer?, _ backward: OpaquePointer?,
                               _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_custom_gradient"
    return produce(out, fn) {
        let f = try box(forward, fn, "forward", FunctionBox.self)
        let bw = try box(backward, fn, "backward", FunctionBox.self)
        let ins = try tensorList(inputs, nInputs, fn, "inputs")
        let n = ins.count
        return try customGradient(ins, forward: { xs in
            guard let y = try f.call(xs, nOut: 1, op: "custom_gradient forward")[0] else {
                throw SwiftKerasError(.invalidArgument, "custom_gradient: the forward function wrote no output")
            }
            return y
        }, backward: { g in
            try bw.call([g] + ins, nOut: n, op: "custom_gradient backward")
        })
    }
}
