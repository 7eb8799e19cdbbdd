import SwiftKeras

// The C ABI. Only @_cdecl shims live here: handle checks, argument conversion and error codes.
// include/swiftkeras.h is the contract; every function here is declared there.

/// The library version, matching SK_VERSION_MAJOR/MINOR/PATCH in the header.
let versionString: StaticString = "0.1.0"

@_cdecl("sk_version")
public func sk_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("sk_last_error_message")
public func sk_last_error_message() -> UnsafePointer<CChar> {
    LastError.messagePointer()
}

@_cdecl("sk_last_error_code")
public func sk_last_error_code() -> Int32 {
    LastError.code()
}

@_cdecl("sk_clear_error")
public func sk_clear_error() {
    LastError.set(0, "")
}

@_cdecl("sk_set_error")
public func sk_set_error(_ code: Int32, _ message: UnsafePointer<CChar>?) -> Int32 {
    LastError.set(code, message.map { String(cString: $0) } ?? "")
    return code
}

@_cdecl("sk_set_random_seed")
public func sk_set_random_seed(_ seed: UInt64) {
    Random.setGlobalSeed(seed)
}
