// swift-tools-version:5.9
import PackageDescription

// SwiftKeras: a Keras-backend-style tensor engine in Swift, shipped as one C shared
// library (libswiftkeras.so). Layering (see ARCHITECTURE.md): SwiftKerasCore (tensors, ops,
// autodiff) <- SwiftKeras (Keras machinery) <- SwiftKerasC (only the @_cdecl exports declared
// in include/swiftkeras.h). A lower target cannot see a higher one, so the compiler enforces it.
/// SK_VERSION_MAJOR of include/swiftkeras/base.h (`make install` checks that they agree).
let libraryMajorVersion = 0

let package = Package(
    name: "SwiftKeras",
    products: [
        .library(name: "swiftkeras", type: .dynamic, targets: ["SwiftKerasC"]),
        // The same code as an archive; `make install` links the static Swift runtime into it to
        // make the self-contained libswiftkeras.a (see the Makefile's static-lib target).
        .library(name: "swiftkeras-static", type: .static, targets: ["SwiftKerasC"]),
    ],
    targets: [
        // A few loops in C: Swift's square root keeps libm's errno semantics on Linux and so
        // never vectorizes; with -fno-math-errno these do. -ffp-contract=off keeps the roundings
        // of the composed ops (no fused multiply-adds). Same CPU baseline as the core. DWARF 4:
        // valgrind 3.19 (Debian 12) cannot read the DWARF 5 this clang emits by default.
        .target(
            name: "SwiftKerasKernels",
            path: "Sources/SwiftKerasKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off", "-march=haswell", "-gdwarf-4"])]
        ),
        // The tensor engine: tensors, dtypes, kernels, ops and their gradients, GradientTape.
        // Knows nothing of Keras.
        .target(
            name: "SwiftKerasCore",
            dependencies: ["SwiftKerasKernels"],
            path: "Sources/SwiftKerasCore",
            // x86-64-v3 (AVX2 + FMA, every x86 server since 2013): SIMD16 kernels become two
            // 256-bit ops instead of four SSE ops. See README "Platform".
            // Exclusivity is checked statically; the dynamic checks cost ~10% of a small op. -Osize
            // keeps the stripped library under 10 MiB (11.16 MB with -O after session 5; MLP fit
            // ~5% slower with -Osize in one A/B: 100-103k vs 108k samples/s) — hot kernels could move
            // to a target of their own built with -O.
            swiftSettings: [.unsafeFlags(["-target-cpu", "haswell", "-enforce-exclusivity=unchecked", "-Osize"])]
        ),
        // The Keras machinery over the core: layers, losses, metrics, optimizers, models, callbacks,
        // saving. Re-exports SwiftKerasCore, so `import SwiftKeras` gives the whole Swift API.
        .target(
            name: "SwiftKeras",
            dependencies: ["SwiftKerasCore", "SwiftKerasKernels"],
            path: "Sources/SwiftKeras",
            // Optimized for size: the per-element work is in the core and the C kernels; this
            // target orchestrates (keeps the stripped library within its 10 MB budget).
            swiftSettings: [.unsafeFlags(["-target-cpu", "haswell", "-enforce-exclusivity=unchecked", "-Osize"])]
        ),
        // include/swiftkeras.h as a Clang module: the shims below import it, so C structs and
        // callback types are the header's own and every `@c @implementation` shim is checked
        // against its prototype by the compiler.
        .target(
            name: "SwiftKerasCHeader",
            path: "Sources/SwiftKerasCHeader"
        ),
        // The library's link (see README "Installing"): the Swift runtime linked in statically;
        // SONAME libswiftkeras.so.<major> (SK_VERSION_MAJOR of include/swiftkeras/base.h) so
        // programs record that name and not the build path; the version script exports the
        // sk_* functions and nothing else (Tests/C/check_exports.sh); unreferenced sections of
        // the static runtime are dropped. Nothing may use String.contains(String) (it would pull
        // in _StringProcessing: see SwiftKerasCore/Core/TextSearch.swift).
        .target(
            name: "SwiftKerasC",
            dependencies: ["SwiftKeras", "SwiftKerasCHeader"],
            path: "Sources/SwiftKerasC",
            // The shims only unwrap handles and call the Keras layer: optimized for size (none of
            // the library's run time is spent in them).
            swiftSettings: [.unsafeFlags(["-Osize"])],
            linkerSettings: [.unsafeFlags([
                "-static-stdlib",
                // lld: the version script then also keeps the localized Swift symbols out of
                // .dynsym (gold leaves ~200 of them there as LOCAL entries)
                "-use-ld=lld",
                "-Xlinker", "-soname=libswiftkeras.so.\(libraryMajorVersion)",
                "-Xlinker", "--version-script=\(Context.packageDirectory)/packaging/libswiftkeras.map",
                "-Xlinker", "--gc-sections",
                "-Xlinker", "--icf=all",
                // relative relocations packed (DT_RELR, glibc >= 2.36): ~39,000 of them took
                // 936 KB as .rela.dyn entries and take 7 KB packed; the library then names
                // GLIBC_ABI_DT_RELR, so an older glibc refuses it at load time with that name
                "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            ])]
        ),
        .executableTarget(
            name: "skbench",
            dependencies: ["SwiftKeras"],
            path: "bench/swift"
        ),
        .executableTarget(
            name: "skdemo",
            dependencies: ["SwiftKeras"],
            path: "examples/demo"
        ),
        .testTarget(
            name: "SwiftKerasTests",
            dependencies: ["SwiftKeras", "SwiftKerasCore"],
            path: "Tests/SwiftKerasTests"
        ),
    ]
)
