import SwiftKerasCHeader
import SwiftKeras

// User functions (sk_callback + user_data) and custom gradients through the C ABI. An
// sk_function handle is a retained FunctionBox; the ops that call user functions (map_fn,
// foldl, foldr, rnn) are in Ops.swift.

/// An sk_function: a C callback with its user data; `destroy(user_data)` runs exactly once, when
/// the last reference (the caller's handle, or a recorded gradient using it) goes away.
final class FunctionBox {
    let callback: CCallback<sk_callback>

    init(_ callback: CCallback<sk_callback>) { self.callback = callback }

    /// Calls the callback with borrowed inputs and `nOut` output slots. The library owns the
    /// handles the callback writes (also when it fails: they are released). A failing callback
    /// becomes an error carrying its status code and the message it set with sk_set_error.
    func call(_ inputs: [Tensor], nOut: Int, op: String) throws -> [Tensor?] {
        try withBorrowedHandles(inputs) { ins, n in
            try callback.tensors(op, count: nOut) { fn, ud, outs, nOut in fn(ud, ins, n, outs, nOut) }
        }
    }
}

@c @implementation
public func sk_function_create(_ fn: sk_callback?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, also on failure
    guard let fn else {
        out?.pointee = nil
        return LastError.set(SwiftKerasError(.invalidArgument, "sk_function_create: fn is NULL"))
    }
    return produce(out, "sk_function_create") { FunctionBox(CCallback(fn, owner)) }
}

@c @implementation
public func sk_function_call(_ f: OpaquePointer?, _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int32,
                             _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32) -> Int32 {
    let fn: StaticString = "sk_function_call"
    return status {
        try clearOutputs(outputs, nOutputs, fn, "outputs", "outputs")
        let b = try unwrap(f, fn, "function", as: FunctionBox.self)
        let ins = try tensorList(inputs, nInputs, fn, "inputs")
        let res = try b.call(ins, nOut: Int(nOutputs), op: "sk_function_call")
        for (i, r) in res.enumerated() { outputs![i] = r.map(handle) }
    }
}

@c @implementation
public func sk_custom_gradient(_ forward: OpaquePointer?, _ backward: OpaquePointer?,
                               _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_custom_gradient"
    return produce(out, fn) {
        let f = try unwrap(forward, fn, "forward", as: FunctionBox.self)
        let bw = try unwrap(backward, fn, "backward", as: FunctionBox.self)
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
