import SwiftKerasCHeader
import SwiftKeras

// C callbacks: a function pointer from the header (sk_callback, sk_layer_call_fn, ...), the
// caller's user_data and its destroy function. One owner type for all of them, and one place
// that turns a failing callback's status and sk_set_error message into a thrown error.

/// `void (*destroy)(void *user_data)` of the create functions (the header spells it inline).
public typealias CDestroy = @convention(c) (UnsafeMutableRawPointer?) -> Void

/// Owns a C caller's user_data: `destroy(user_data)` runs exactly once, when the last reference
/// goes away. Create it first thing in a shim that takes (user_data, destroy): whatever fails
/// afterwards, and whoever ends up holding it, destroy still runs once.
final class CUserData {
    let pointer: UnsafeMutableRawPointer?
    private let destroy: CDestroy?

    init(_ pointer: UnsafeMutableRawPointer?, _ destroy: CDestroy?) {
        self.pointer = pointer
        self.destroy = destroy
    }

    deinit { destroy?(pointer) }
}

/// A C function pointer (`Fn`: a header typedef, or a tuple of them sharing one user_data) with
/// its owned user_data. Copies share the user_data; it is destroyed after the last copy.
struct CCallback<Fn> {
    let fn: Fn
    let userData: CUserData

    init(_ fn: Fn, _ userData: CUserData) {
        self.fn = fn
        self.userData = userData
    }

    /// A callback whose user_data is only borrowed for the duration of a call (no destroy).
    init(_ fn: Fn, borrowing userData: UnsafeMutableRawPointer?) {
        self.init(fn, CUserData(userData, nil))
    }

    /// Calls the C function with this thread's last error cleared (so a failure's sk_set_error
    /// message can be told apart) and returns its status as is.
    func callAsFunction(_ body: (Fn, UnsafeMutableRawPointer?) -> Int32) -> Int32 {
        LastError.set(0, "")
        return withExtendedLifetime(userData) { body(fn, userData.pointer) }
    }

    /// Calls the C function; a non-zero status becomes `callbackFailure(status, what)`.
    func check(_ what: @autoclosure () -> String, _ body: (Fn, UnsafeMutableRawPointer?) -> Int32) throws {
        let rc = self(body)
        if rc != 0 { throw callbackFailure(rc, what()) }
    }

    /// Calls a C function that writes a new tensor into its `out` slot (a custom layer's or
    /// model's call, a custom loss or metric): takes ownership of whatever it wrote, also on
    /// failure; a failure becomes the callback's error, SK_OK without a tensor the error `missing`.
    func tensor(_ what: @autoclosure () -> String, missing: @autoclosure () -> String,
                _ body: (Fn, UnsafeMutableRawPointer?, UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> Tensor {
        var out: OpaquePointer? = nil
        let rc = self { fn, ud in body(fn, ud, &out) }
        let result = out.map { takeRetained($0, as: Tensor.self) }
        if rc != 0 { throw callbackFailure(rc, what()) }
        guard let result else { throw SwiftKerasError(.invalidArgument, missing()) }
        return result
    }

    /// Calls a C function with `nOut` output slots (sk_callback): the library owns the handles
    /// it writes, also when it fails (they are released then).
    func tensors(_ what: @autoclosure () -> String, count nOut: Int,
                 _ body: (Fn, UnsafeMutableRawPointer?, UnsafeMutablePointer<OpaquePointer?>?, Int32) -> Int32) throws -> [Tensor?] {
        var outs = [OpaquePointer?](repeating: nil, count: nOut)
        let rc = outs.withUnsafeMutableBufferPointer { ob in self { fn, ud in body(fn, ud, ob.baseAddress, Int32(nOut)) } }
        let results: [Tensor?] = outs.map { h in h.map { takeRetained($0, as: Tensor.self) } }
        if rc != 0 { throw callbackFailure(rc, what()) }
        return results
    }
}

/// The error of a callback that returned `rc` != 0: its code (a code outside the SK_ERR_* list
/// becomes SK_ERR_RUNTIME) and the message it set with sk_set_error (the last error was cleared
/// before invoking it), or a generic one naming `what`.
func callbackFailure(_ rc: Int32, _ what: String) -> SwiftKerasError {
    let kind = SwiftKerasError.Kind(rawValue: rc) ?? .runtime
    let msg = LastError.code() != 0 ? LastError.message()
        : "\(what): the callback failed with status \(rc) without calling sk_set_error"
    return SwiftKerasError(kind, msg)
}

/// Borrowed handles for `tensors`, valid while `body` runs (the inputs of a C callback).
func withBorrowedHandles<R>(_ tensors: [Tensor], _ body: (UnsafePointer<OpaquePointer?>?, Int32) throws -> R) rethrows -> R {
    let hs: [OpaquePointer?] = tensors.map { borrowed($0) }
    return try withExtendedLifetime(tensors) {
        try hs.withUnsafeBufferPointer { try body($0.baseAddress, Int32($0.count)) }
    }
}
