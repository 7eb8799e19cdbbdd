import Glibc
import SwiftKerasKernels

// Choosing OpenBLAS's kernel family after it has loaded, without touching the environment.
//
// Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its kernels when it loads, from
// OPENBLAS_CORETYPE or its own CPU detection, which takes recent CPUs for a "Prescott" and then
// runs SGEMM at a fifth of its speed. The load-time hook (host.c) sets the variable only while
// the process is single-threaded; in a host that already has threads (Python after
// `import numpy`) OpenBLAS used to keep the Prescott kernel and products fell back to the
// portable Swift GEMM (an LSTM's fit 2-2.6x slower than with OpenBLAS's SkylakeX kernel).
//
// OpenBLAS keeps the chosen family in its exported `gotoblas` pointer, and each family's table
// (`gotoblas_SKYLAKEX`, ...) has an `init` function that sets the family's blocking parameters:
// selecting a family is `gotoblas = &gotoblas_X; gotoblas->init()`, exactly what OpenBLAS's own
// `gotoblas_dynamic_init` does with OPENBLAS_CORETYPE. `init`'s place in the table depends on the
// version and build options, so this is done only for the build it was read from (the offset of
// the call in 0.3.21's `gotoblas_dynamic_init`), only on a library nobody else in the process
// had loaded (no other caller can be inside it), and only when both tables' `init` pointers
// lie in the library's code; afterwards OpenBLAS must report the new family.

/// Switches a freshly loaded OpenBLAS to the kernel family that suits the CPU.
enum OpenBLASCoreSwitch {
    typealias Config = @convention(c) () -> UnsafeMutablePointer<CChar>?
    typealias Init = @convention(c) () -> Void

    /// The OpenBLAS builds whose table layout is known: `openblas_get_config()` prefix and the
    /// byte offset of `init` in `gotoblas_t` (x86-64 DYNAMIC_ARCH).
    static let knownLayouts: [(configPrefix: String, initOffset: Int)] = [("OpenBLAS 0.3.21 ", 0x1090)]

    /// Makes the library `h` (just loaded by us) run `wanted`'s kernels
    /// ("SKYLAKEX", "HASWELL"); returns the family OpenBLAS reports afterwards, or nil when it
    /// left the library as it was.
    static func select(_ h: UnsafeMutableRawPointer, wanted: String) -> String? {
        #if arch(x86_64)
        guard let configSym = dlsym(h, "openblas_get_config"), let nameSym = dlsym(h, "openblas_get_corename"),
              let cfg = unsafeBitCast(configSym, to: Config.self)(),
              let layout = knownLayouts.first(where: { String(cString: cfg).hasPrefix($0.configPrefix) }),
              String(cString: cfg).containsText("DYNAMIC_ARCH"),
              let slot = dlsym(h, "gotoblas"), let table = dlsym(h, "gotoblas_" + wanted.uppercased())
        else { return nil }
        let selected = slot.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        guard let running = selected.pointee, running != table,
              let newInit = table.load(fromByteOffset: layout.initOffset, as: UnsafeRawPointer?.self),
              let oldInit = running.load(fromByteOffset: layout.initOffset, as: UnsafeRawPointer?.self),
              newInit != oldInit, inSameObject(newInit, as: configSym), inSameObject(oldInit, as: configSym)
        else { return nil }
        selected.pointee = table
        unsafeBitCast(newInit, to: Init.self)()
        let names = unsafeBitCast(nameSym, to: BLAS.CoreName.self)
        let now = names().map { String(cString: $0) }
        if now?.lowercased() != wanted.lowercased() {
            // Not the family asked for (an unexpected build): put the old table back.
            selected.pointee = running
            return nil
        }
        return now
        #else
        return nil
        #endif
    }

    /// Whether code address `p` lies in the shared object that defines `symbol`.
    private static func inSameObject(_ p: UnsafeRawPointer, as symbol: UnsafeMutableRawPointer) -> Bool {
        skk_same_object(p, symbol) != 0
    }
}
