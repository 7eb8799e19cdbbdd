import Glibc
import SwiftKeras

/// The thread-local last error of the C API: a status code and a NUL-terminated message that
/// stays valid until the next failing call on the same thread.
enum LastError {
    private final class Slot {
        var code: Int32 = 0
        /// malloc'd, NUL-terminated; replaced (and the old one freed) on each set.
        var buffer: UnsafeMutablePointer<CChar> = strdup("")

        deinit { free(buffer) }
    }

    private static let slots = ThreadLocal { Slot() }

    @inline(__always)
    private static func slot() -> Slot { slots.value }

    static func set(_ code: Int32, _ message: String) {
        let s = slot()
        s.code = code
        let copy = message.withCString { strdup($0) }
        if let copy {
            free(s.buffer)
            s.buffer = copy
        }
    }

    /// Records a thrown error and returns its status code.
    static func set(_ error: Error) -> Int32 {
        if let e = error as? SwiftKerasError {
            set(e.kind.rawValue, e.message)
            return e.kind.rawValue
        }
        set(SwiftKerasError.Kind.runtime.rawValue, "\(error)")
        return SwiftKerasError.Kind.runtime.rawValue
    }

    static func code() -> Int32 { slot().code }

    /// The current message as a Swift string.
    static func message() -> String { String(cString: slot().buffer) }

    static func messagePointer() -> UnsafePointer<CChar> {
        UnsafePointer(slot().buffer)
    }
}
