// Whether this CPU can run the library. The core is compiled for x86-64-v3 (AVX2, FMA, BMI2:
// see Package.swift); on an older CPU its first vector instruction would kill the host with
// SIGILL. The features are read when the library loads (Sources/SwiftKerasKernels/host.c, compiled
// for the x86-64 baseline), and every C API call checks the verdict before running core code.

import SwiftKerasKernels

/// The CPU check of the library.
package enum HostCPU {
    /// Throws `.runtime` naming the missing instruction sets when this CPU lacks one the library
    /// is compiled for; returns at once otherwise (one load of a value set at load time).
    @inline(__always)
    package static func check() throws {
        if let m = skk_cpu_missing_message() {
            throw SwiftKerasError(.runtime, String(cString: m))
        }
    }
}
