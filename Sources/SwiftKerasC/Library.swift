import SwiftKerasCHeader
import SwiftKeras

// The library as a whole: version, the thread-local last error, the global random seed.
// Every shim of this target implements a prototype of include/swiftkeras.h (`@c @implementation`:
// the compiler checks the Swift signature against the header's) and only unwraps handles, checks
// arguments, calls the Swift core and maps errors to status codes.

/// The library version, matching SK_VERSION_MAJOR/MINOR/PATCH in the header.
let versionString: StaticString = "0.1.0"

@c @implementation
public func sk_version() -> UnsafePointer<CChar>? {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func sk_last_error_message() -> UnsafePointer<CChar>? {
    LastError.messagePointer()
}

@c @implementation
public func sk_last_error_code() -> Int32 {
    LastError.code()
}

@c @implementation
public func sk_clear_error() {
    LastError.set(0, "")
}

@c @implementation
public func sk_set_error(_ code: Int32, _ message: UnsafePointer<CChar>?) -> Int32 {
    LastError.set(code, message.map { String(cString: $0) } ?? "")
    return code
}

@c @implementation
public func sk_set_random_seed(_ seed: UInt64) {
    Random.setGlobalSeed(seed)
}
