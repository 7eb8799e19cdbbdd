// libhdf5, loaded at run time (as OpenBLAS and oneDNN are in SwiftKerasCore): the few HDF5 C
// functions the Keras `.h5` format needs, declared here (no HDF5 header at build time), and a
// small file API over them — groups, string attributes and numeric datasets by path — used by
// `KerasHDF5Format.swift`. Files are written in memory (the core driver) and then to disk through
// `FileIO.writeAtomically`, so a failed save leaves an existing file as it was.

import Glibc

/// The HDF5 C library (1.10 ABI: `hid_t` is 64-bit), found by `dlopen`.
final class HDF5Library: @unchecked Sendable {
    typealias HID = Int64
    typealias Herr = Int32

    /// The sonames tried, in order (Debian 12's libhdf5-103-1 first).
    static let sonames = ["libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so", "libhdf5.so"]

    /// What to install when the library is missing.
    static let installHint = "install libhdf5 (Debian/Ubuntu: apt-get install libhdf5-103-1)"

    /// The loaded library, or why it could not be loaded.
    nonisolated(unsafe) private static var loaded: HDF5Library?
    nonisolated(unsafe) private static var failure = ""
    private static let once: Void = {
        loaded = load()
    }()

    /// The library for `op` on `path`.
    ///
    /// - Throws: `.io` naming the operation, the path and what to install when libhdf5 cannot be loaded.
    static func require(op: String, path: String) throws -> HDF5Library {
        _ = once
        guard let lib = loaded else {
            throw SwiftKerasError(.io, "\(op): '\(path)' is an HDF5 (.h5) path, which needs the HDF5 library: \(failure); \(installHint)")
        }
        return lib
    }

    /// One lock for every HDF5 call: Debian's libhdf5_serial is not thread-safe.
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let p = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(p, nil)
        return p
    }()

    /// Runs `body` (which opens, uses and closes its HDF5 files) holding the library's lock.
    static func serialized<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body()
    }

    let H5Fcreate: @convention(c) (UnsafePointer<CChar>, UInt32, HID, HID) -> HID
    let H5Fopen: @convention(c) (UnsafePointer<CChar>, UInt32, HID) -> HID
    let H5Fclose: @convention(c) (HID) -> Herr
    let H5Fflush: @convention(c) (HID, Int32) -> Herr
    let H5Fget_file_image: @convention(c) (HID, UnsafeMutableRawPointer?, Int) -> Int
    let H5Pcreate: @convention(c) (HID) -> HID
    let H5Pclose: @convention(c) (HID) -> Herr
    let H5Pset_fapl_core: @convention(c) (HID, Int, Bool) -> Herr
    let H5Pset_file_image: @convention(c) (HID, UnsafeMutableRawPointer?, Int) -> Herr
    let H5Gcreate2: @convention(c) (HID, UnsafePointer<CChar>, HID, HID, HID) -> HID
    let H5Gclose: @convention(c) (HID) -> Herr
    let H5Lexists: @convention(c) (HID, UnsafePointer<CChar>, HID) -> Int32
    let H5Dcreate2: @convention(c) (HID, UnsafePointer<CChar>, HID, HID, HID, HID, HID) -> HID
    let H5Dopen2: @convention(c) (HID, UnsafePointer<CChar>, HID) -> HID
    let H5Dwrite: @convention(c) (HID, HID, HID, HID, HID, UnsafeRawPointer?) -> Herr
    let H5Dread: @convention(c) (HID, HID, HID, HID, HID, UnsafeMutableRawPointer?) -> Herr
    let H5Dget_space: @convention(c) (HID) -> HID
    let H5Dget_type: @convention(c) (HID) -> HID
    let H5Dclose: @convention(c) (HID) -> Herr
    let H5Acreate_by_name: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID, HID, HID, HID, HID) -> HID
    let H5Aopen_by_name: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID, HID) -> HID
    let H5Aexists_by_name: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID) -> Int32
    let H5Awrite: @convention(c) (HID, HID, UnsafeRawPointer?) -> Herr
    let H5Aread: @convention(c) (HID, HID, UnsafeMutableRawPointer?) -> Herr
    let H5Aget_space: @convention(c) (HID) -> HID
    let H5Aget_type: @convention(c) (HID) -> HID
    let H5Aclose: @convention(c) (HID) -> Herr
    let H5Screate: @convention(c) (Int32) -> HID
    let H5Screate_simple: @convention(c) (Int32, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?) -> HID
    let H5Sget_simple_extent_ndims: @convention(c) (HID) -> Int32
    let H5Sget_simple_extent_dims: @convention(c) (HID, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?) -> Int32
    let H5Sget_simple_extent_npoints: @convention(c) (HID) -> Int64
    let H5Sclose: @convention(c) (HID) -> Herr
    let H5Tcopy: @convention(c) (HID) -> HID
    let H5Tset_size: @convention(c) (HID, Int) -> Herr
    let H5Tset_cset: @convention(c) (HID, Int32) -> Herr
    let H5Tget_cset: @convention(c) (HID) -> Int32
    let H5Tget_class: @convention(c) (HID) -> Int32
    let H5Tget_size: @convention(c) (HID) -> Int
    let H5Tget_sign: @convention(c) (HID) -> Int32
    let H5Tis_variable_str: @convention(c) (HID) -> Int32
    let H5Tclose: @convention(c) (HID) -> Herr
    let H5Tset_fields: @convention(c) (HID, Int, Int, Int, Int, Int) -> Herr
    let H5Tset_ebias: @convention(c) (HID, Int) -> Herr
    let H5free_memory: @convention(c) (UnsafeMutableRawPointer?) -> Herr

    /// Predefined type ids (global variables of the library, valid after `H5open`).
    let fileAccessClass: HID, stringType: HID, nativeFloat: HID, nativeDouble: HID
    let nativeInt32: HID, nativeInt64: HID, nativeUInt8: HID
    /// IEEE half precision, little-endian, as h5py defines it (numpy float16).
    let float16Type: HID

    private init?(_ h: UnsafeMutableRawPointer) {
        func f<F>(_ name: String) -> F? { dlsym(h, name).map { unsafeBitCast($0, to: F.self) } }
        func g(_ name: String) -> HID? { dlsym(h, name).map { $0.assumingMemoryBound(to: HID.self).pointee } }
        typealias Open = @convention(c) () -> Herr
        typealias SetAuto = @convention(c) (HID, UnsafeRawPointer?, UnsafeRawPointer?) -> Herr
        guard let open: Open = f("H5open"), open() >= 0 else { return nil }
        if let quiet: SetAuto = f("H5Eset_auto2") { _ = quiet(0, nil, nil) }   // no error stack on stderr
        guard let a1: @convention(c) (UnsafePointer<CChar>, UInt32, HID, HID) -> HID = f("H5Fcreate"),
              let a2: @convention(c) (UnsafePointer<CChar>, UInt32, HID) -> HID = f("H5Fopen"),
              let a3: @convention(c) (HID) -> Herr = f("H5Fclose"),
              let a4: @convention(c) (HID, Int32) -> Herr = f("H5Fflush"),
              let a5: @convention(c) (HID, UnsafeMutableRawPointer?, Int) -> Int = f("H5Fget_file_image"),
              let b1: @convention(c) (HID) -> HID = f("H5Pcreate"),
              let b2: @convention(c) (HID) -> Herr = f("H5Pclose"),
              let b3: @convention(c) (HID, Int, Bool) -> Herr = f("H5Pset_fapl_core"),
              let b4: @convention(c) (HID, UnsafeMutableRawPointer?, Int) -> Herr = f("H5Pset_file_image"),
              let c1: @convention(c) (HID, UnsafePointer<CChar>, HID, HID, HID) -> HID = f("H5Gcreate2"),
              let c2: @convention(c) (HID) -> Herr = f("H5Gclose"),
              let c3: @convention(c) (HID, UnsafePointer<CChar>, HID) -> Int32 = f("H5Lexists"),
              let d1: @convention(c) (HID, UnsafePointer<CChar>, HID, HID, HID, HID, HID) -> HID = f("H5Dcreate2"),
              let d2: @convention(c) (HID, UnsafePointer<CChar>, HID) -> HID = f("H5Dopen2"),
              let d3: @convention(c) (HID, HID, HID, HID, HID, UnsafeRawPointer?) -> Herr = f("H5Dwrite"),
              let d4: @convention(c) (HID, HID, HID, HID, HID, UnsafeMutableRawPointer?) -> Herr = f("H5Dread"),
              let d5: @convention(c) (HID) -> HID = f("H5Dget_space"),
              let d6: @convention(c) (HID) -> HID = f("H5Dget_type"),
              let d7: @convention(c) (HID) -> Herr = f("H5Dclose"),
              let e1: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID, HID, HID, HID, HID) -> HID = f("H5Acreate_by_name"),
              let e2: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID, HID) -> HID = f("H5Aopen_by_name"),
              let e3: @convention(c) (HID, UnsafePointer<CChar>, UnsafePointer<CChar>, HID) -> Int32 = f("H5Aexists_by_name"),
              let e4: @convention(c) (HID, HID, UnsafeRawPointer?) -> Herr = f("H5Awrite"),
              let e5: @convention(c) (HID, HID, UnsafeMutableRawPointer?) -> Herr = f("H5Aread"),
              let e6: @convention(c) (HID) -> HID = f("H5Aget_space"),
              let e7: @convention(c) (HID) -> HID = f("H5Aget_type"),
              let e8: @convention(c) (HID) -> Herr = f("H5Aclose"),
              let s1: @convention(c) (Int32) -> HID = f("H5Screate"),
              let s2: @convention(c) (Int32, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?) -> HID = f("H5Screate_simple"),
              let s3: @convention(c) (HID) -> Int32 = f("H5Sget_simple_extent_ndims"),
              let s4: @convention(c) (HID, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?) -> Int32 = f("H5Sget_simple_extent_dims"),
              let s5: @convention(c) (HID) -> Int64 = f("H5Sget_simple_extent_npoints"),
              let s6: @convention(c) (HID) -> Herr = f("H5Sclose"),
              let t1: @convention(c) (HID) -> HID = f("H5Tcopy"),
              let t2: @convention(c) (HID, Int) -> Herr = f("H5Tset_size"),
              let t3: @convention(c) (HID, Int32) -> Herr = f("H5Tset_cset"),
              let t3b: @convention(c) (HID) -> Int32 = f("H5Tget_cset"),
              let t4: @convention(c) (HID) -> Int32 = f("H5Tget_class"),
              let t5: @convention(c) (HID) -> Int = f("H5Tget_size"),
              let t6: @convention(c) (HID) -> Int32 = f("H5Tget_sign"),
              let t7: @convention(c) (HID) -> Int32 = f("H5Tis_variable_str"),
              let t8: @convention(c) (HID) -> Herr = f("H5Tclose"),
              let t9: @convention(c) (HID, Int, Int, Int, Int, Int) -> Herr = f("H5Tset_fields"),
              let t10: @convention(c) (HID, Int) -> Herr = f("H5Tset_ebias"),
              let m1: @convention(c) (UnsafeMutableRawPointer?) -> Herr = f("H5free_memory"),
              let fa = g("H5P_CLS_FILE_ACCESS_ID_g"), let cs = g("H5T_C_S1_g"),
              let nf = g("H5T_NATIVE_FLOAT_g"), let nd = g("H5T_NATIVE_DOUBLE_g"),
              let ni = g("H5T_NATIVE_INT_g"), let nl = g("H5T_NATIVE_LLONG_g"), let nu = g("H5T_NATIVE_UCHAR_g"),
              let f32 = g("H5T_IEEE_F32LE_g")
        else { return nil }
        H5Fcreate = a1; H5Fopen = a2; H5Fclose = a3; H5Fflush = a4; H5Fget_file_image = a5
        H5Pcreate = b1; H5Pclose = b2; H5Pset_fapl_core = b3; H5Pset_file_image = b4
        H5Gcreate2 = c1; H5Gclose = c2; H5Lexists = c3
        H5Dcreate2 = d1; H5Dopen2 = d2; H5Dwrite = d3; H5Dread = d4; H5Dget_space = d5; H5Dget_type = d6; H5Dclose = d7
        H5Acreate_by_name = e1; H5Aopen_by_name = e2; H5Aexists_by_name = e3; H5Awrite = e4; H5Aread = e5
        H5Aget_space = e6; H5Aget_type = e7; H5Aclose = e8
        H5Screate = s1; H5Screate_simple = s2; H5Sget_simple_extent_ndims = s3; H5Sget_simple_extent_dims = s4
        H5Sget_simple_extent_npoints = s5; H5Sclose = s6
        H5Tcopy = t1; H5Tset_size = t2; H5Tset_cset = t3; H5Tget_cset = t3b; H5Tget_class = t4; H5Tget_size = t5; H5Tget_sign = t6
        H5Tis_variable_str = t7; H5Tclose = t8; H5Tset_fields = t9; H5Tset_ebias = t10; H5free_memory = m1
        fileAccessClass = fa; stringType = cs; nativeFloat = nf; nativeDouble = nd
        nativeInt32 = ni; nativeInt64 = nl; nativeUInt8 = nu
        // h5py's half type: IEEE_F32LE with the fields of binary16 (never closed: lives with the library)
        let half = t1(f32)
        guard half >= 0, t9(half, 15, 10, 5, 0, 10) >= 0, t2(half, 2) >= 0, t10(half, 15) >= 0 else { return nil }
        float16Type = half
    }

    private static func load() -> HDF5Library? {
        if let v = getenv("SWIFTKERAS_NO_HDF5"), v.pointee != 0, String(cString: v) != "0" {
            failure = "disabled by SWIFTKERAS_NO_HDF5"
            return nil
        }
        for name in sonames {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let lib = HDF5Library(h) { return lib }
            dlclose(h)
            failure = "\(name) lacks HDF5 1.10 functions"
            return nil
        }
        failure = "\(sonames[0]) not found"
        return nil
    }
}

/// An HDF5 file open for reading or being built in memory, addressed by paths ("model_weights/dense").
final class HDF5File {
    typealias HID = HDF5Library.HID
    let lib: HDF5Library
    let id: HID
    let path: String
    let op: String

    // HDF5 constants of the 1.10 ABI.
    private static let accRDOnly: UInt32 = 0, accTrunc: UInt32 = 2
    private static let scalarSpace: Int32 = 0
    private static let classInteger: Int32 = 0, classFloat: Int32 = 1, classString: Int32 = 3
    private static let variableSize = -1
    private static let csetASCII: Int32 = 0

    private init(lib: HDF5Library, id: HID, path: String, op: String) {
        self.lib = lib; self.id = id; self.path = path; self.op = op
    }

    deinit { _ = lib.H5Fclose(id) }

    private func fail(_ what: String) -> SwiftKerasError {
        SwiftKerasError(.io, "\(op): '\(path)': \(what)")
    }

    /// Opens the HDF5 file at `path` for reading.
    ///
    /// - Throws: `.io` naming the path for a missing, unreadable or non-HDF5 file, or a missing libhdf5.
    static func open(_ path: String, op: String) throws -> HDF5File {
        let lib = try HDF5Library.require(op: op, path: path)
        guard KerasHDF5.isHDF5File(path) else {
            if access(path, R_OK) != 0 {
                throw FileIO.failure(op, "open", path, FileIO.errnoText(errno))
            }
            throw SwiftKerasError(.io, "\(op): '\(path)' is not an HDF5 file (or not a regular file)")
        }
        let id = lib.H5Fopen(path, accRDOnly, 0)
        guard id >= 0 else {
            if access(path, R_OK) != 0 {
                throw FileIO.failure(op, "open", path, FileIO.errnoText(errno))
            }
            throw SwiftKerasError(.io, "\(op): '\(path)' is not an HDF5 file (or is damaged)")
        }
        return HDF5File(lib: lib, id: id, path: path, op: op)
    }

    /// Opens the HDF5 file whose bytes are `image` (a `model.weights.h5` inside a `.keras` zip)
    /// for reading; `path` names it in errors.
    static func open(image: [UInt8], path: String, op: String) throws -> HDF5File {
        let lib = try HDF5Library.require(op: op, path: path)
        guard image.count >= 8, Array(image[0..<8]) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw SwiftKerasError(.io, "\(op): '\(path)' is not an HDF5 file")
        }
        let fapl = lib.H5Pcreate(lib.fileAccessClass)
        defer { _ = lib.H5Pclose(fapl) }
        var copy = image
        guard fapl >= 0, lib.H5Pset_fapl_core(fapl, 1 << 16, false) >= 0,
              copy.withUnsafeMutableBytes({ lib.H5Pset_file_image(fapl, $0.baseAddress, $0.count) }) >= 0 else {
            throw SwiftKerasError(.io, "\(op): '\(path)': cannot set up an in-memory HDF5 file")
        }
        let id = lib.H5Fopen("swiftkeras-image-\(getpid()).h5", accRDOnly, fapl)
        guard id >= 0 else { throw SwiftKerasError(.io, "\(op): '\(path)' is not an HDF5 file (or is damaged)") }
        return HDF5File(lib: lib, id: id, path: path, op: op)
    }

    /// A new, empty file held in memory; `write()` puts it at `path` atomically.
    static func create(_ path: String, op: String) throws -> HDF5File {
        let lib = try HDF5Library.require(op: op, path: path)
        let fapl = lib.H5Pcreate(lib.fileAccessClass)
        defer { _ = lib.H5Pclose(fapl) }
        guard fapl >= 0, lib.H5Pset_fapl_core(fapl, 1 << 16, false) >= 0 else {
            throw SwiftKerasError(.io, "\(op): '\(path)': cannot set up an in-memory HDF5 file")
        }
        let id = lib.H5Fcreate("swiftkeras-\(getpid()).h5", accTrunc, 0, fapl)
        guard id >= 0 else { throw SwiftKerasError(.io, "\(op): '\(path)': cannot create an in-memory HDF5 file") }
        return HDF5File(lib: lib, id: id, path: path, op: op)
    }

    /// Writes the in-memory file to its path atomically.
    func write() throws {
        let buffer = try image()
        try FileIO.writeAtomically(to: path, op: op) { w in try w.write(buffer) }
    }

    /// The bytes of the in-memory file.
    func image() throws -> [UInt8] {
        guard lib.H5Fflush(id, 1) >= 0 else { throw fail("cannot flush the HDF5 file") }
        let size = lib.H5Fget_file_image(id, nil, 0)
        guard size > 0 else { throw fail("cannot take the HDF5 file image") }
        var buffer = try CheckedAllocation.array(repeating: UInt8(0), count: size, op: op)
        let got = buffer.withUnsafeMutableBytes { lib.H5Fget_file_image(id, $0.baseAddress, size) }
        guard got == size else { throw fail("cannot take the HDF5 file image") }
        return buffer
    }

    /// Whether a link (group or dataset) exists at `object` (every component is checked).
    func exists(_ object: String) -> Bool {
        var prefix = ""
        for part in object.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            if lib.H5Lexists(id, prefix, 0) <= 0 { return false }
        }
        return true
    }

    /// Creates the group `object` and its missing parents.
    func makeGroup(_ object: String) throws {
        var prefix = ""
        for part in object.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            if lib.H5Lexists(id, prefix, 0) > 0 { continue }
            let g = lib.H5Gcreate2(id, prefix, 0, 0, 0)
            guard g >= 0 else { throw fail("cannot create the group \"\(prefix)\"") }
            _ = lib.H5Gclose(g)
        }
    }

    // MARK: attributes

    /// Whether `object` ("" for the root) has the attribute `name`.
    func hasAttribute(_ object: String, _ name: String) -> Bool {
        lib.H5Aexists_by_name(id, object.isEmpty ? "." : object, name, 0) > 0
    }

    /// Writes the attribute `name` of `object` as variable-length strings (a scalar with `scalar`,
    /// else a list; an empty list is an empty float64 array), as h5py writes tf.keras 2's bytes:
    /// character set ASCII, the bytes UTF-8.
    private func writeStrings(_ object: String, _ name: String, _ values: [String], scalar: Bool) throws {
        let count = UInt64(values.count)
        let space = scalar ? lib.H5Screate(Self.scalarSpace) : withUnsafePointer(to: count) { lib.H5Screate_simple(1, $0, nil) }
        defer { _ = lib.H5Sclose(space) }
        let type: HID
        if values.isEmpty {
            type = lib.H5Tcopy(lib.nativeDouble)
        } else {
            type = lib.H5Tcopy(lib.stringType)
            _ = lib.H5Tset_size(type, Self.variableSize)
            _ = lib.H5Tset_cset(type, Self.csetASCII)
        }
        defer { _ = lib.H5Tclose(type) }
        let attr = lib.H5Acreate_by_name(id, object.isEmpty ? "." : object, name, type, space, 0, 0, 0)
        guard attr >= 0 else { throw fail("cannot create the attribute \"\(name)\" of \"\(object)\"") }
        defer { _ = lib.H5Aclose(attr) }
        let copies = values.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let status = copies.withUnsafeBufferPointer { lib.H5Awrite(attr, type, $0.baseAddress) }
        guard status >= 0 else { throw fail("cannot write the attribute \"\(name)\" of \"\(object)\"") }
    }

    /// Sets a string attribute (tf.keras: `keras_version`, `model_config`, ...).
    func setAttribute(_ object: String, _ name: String, _ value: String) throws {
        try writeStrings(object, name, [value], scalar: true)
    }

    /// Sets a list-of-strings attribute (tf.keras: `layer_names`, `weight_names`).
    func setAttribute(_ object: String, _ name: String, _ values: [String]) throws {
        try writeStrings(object, name, values, scalar: false)
    }

    /// The strings of the attribute `name` of `object` (a scalar gives one), variable-length or
    /// fixed-length; nil when there is no such attribute; [] for an empty non-string array (h5py's
    /// empty list).
    ///
    /// - Throws: `.io` for an attribute that is neither strings nor an empty array.
    func strings(_ object: String, _ name: String) throws -> [String]? {
        guard hasAttribute(object, name) else { return nil }
        let attr = lib.H5Aopen_by_name(id, object.isEmpty ? "." : object, name, 0, 0)
        guard attr >= 0 else { throw fail("cannot open the attribute \"\(name)\" of \"\(object)\"") }
        defer { _ = lib.H5Aclose(attr) }
        let space = lib.H5Aget_space(attr), fileType = lib.H5Aget_type(attr)
        defer { _ = lib.H5Sclose(space); _ = lib.H5Tclose(fileType) }
        let n = Int(lib.H5Sget_simple_extent_npoints(space))
        guard n >= 0 else { throw fail("cannot read the attribute \"\(name)\" of \"\(object)\"") }
        if n == 0 { return [] }
        guard lib.H5Tget_class(fileType) == Self.classString else {
            throw fail("the attribute \"\(name)\" of \"\(object)\" is not a string")
        }
        let memType = lib.H5Tcopy(lib.stringType)
        defer { _ = lib.H5Tclose(memType) }
        _ = lib.H5Tset_cset(memType, lib.H5Tget_cset(fileType))   // HDF5 converts no character set
        if lib.H5Tis_variable_str(fileType) > 0 {
            _ = lib.H5Tset_size(memType, Self.variableSize)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            let status = pointers.withUnsafeMutableBufferPointer { lib.H5Aread(attr, memType, $0.baseAddress) }
            defer { pointers.forEach { _ = lib.H5free_memory($0) } }
            guard status >= 0 else { throw fail("cannot read the attribute \"\(name)\" of \"\(object)\"") }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let width = lib.H5Tget_size(fileType)
        guard width > 0, width <= Int.max / n else { throw fail("the attribute \"\(name)\" of \"\(object)\" has an invalid size") }
        _ = lib.H5Tset_size(memType, width)
        var bytes = [UInt8](repeating: 0, count: width * n)
        let status = bytes.withUnsafeMutableBytes { lib.H5Aread(attr, memType, $0.baseAddress) }
        guard status >= 0 else { throw fail("cannot read the attribute \"\(name)\" of \"\(object)\"") }
        return (0..<n).map { i in String(decoding: bytes[i * width..<(i + 1) * width].prefix { $0 != 0 }, as: UTF8.self) }
    }

    // MARK: datasets

    /// The memory type of `dtype` for HDF5 reads and writes (bfloat16 travels as float32).
    private func memoryType(_ dtype: DType) -> HID? {
        switch dtype {
        case .float16: return lib.float16Type
        case .float32, .bfloat16: return lib.nativeFloat
        case .float64: return lib.nativeDouble
        case .int32: return lib.nativeInt32
        case .int64: return lib.nativeInt64
        case .uint8, .bool: return lib.nativeUInt8
        case .string: return nil
        }
    }

    /// Writes `tensor` as the dataset `object` (parent groups created); float16 is stored as
    /// h5py's IEEE half (numpy float16), bfloat16 (which h5py lacks) as float32.
    func writeDataset(_ object: String, _ tensor: Tensor) throws {
        var t = tensor
        if t.dtype == .bfloat16 { t = try t.cast(to: .float32) }
        guard let type = memoryType(t.dtype) else {
            throw SwiftKerasError(.unimplemented, "\(op): '\(path)': the weight \"\(object)\" has dtype \(t.dtype), which the .h5 format of SwiftKeras does not write")
        }
        if let slash = object.lastIndex(of: "/") { try makeGroup(String(object[..<slash])) }
        let dims = t.shape.map { UInt64($0) }
        let space = dims.isEmpty ? lib.H5Screate(Self.scalarSpace)
                                 : dims.withUnsafeBufferPointer { lib.H5Screate_simple(Int32(dims.count), $0.baseAddress, nil) }
        defer { _ = lib.H5Sclose(space) }
        let d = lib.H5Dcreate2(id, object, type, space, 0, 0, 0)
        guard d >= 0 else { throw fail("cannot create the dataset \"\(object)\"") }
        defer { _ = lib.H5Dclose(d) }
        let status = t.withUnsafeBytes { lib.H5Dwrite(d, type, 0, 0, 0, $0.baseAddress) }
        guard status >= 0 else { throw fail("cannot write the dataset \"\(object)\"") }
    }

    /// The dataset `object` as a tensor: float64, float32 and float16 stay, other floats read as float32,
    /// integers as int32 (up to 4 bytes, signed), uint8 (1 byte, unsigned) or int64.
    ///
    /// - Throws: `.io` naming the dataset for a missing one or a type this reader does not know.
    func readDataset(_ object: String) throws -> Tensor {
        guard exists(object) else { throw fail("there is no dataset \"\(object)\"") }
        let d = lib.H5Dopen2(id, object, 0)
        guard d >= 0 else { throw fail("\"\(object)\" is not a dataset") }
        defer { _ = lib.H5Dclose(d) }
        let space = lib.H5Dget_space(d), type = lib.H5Dget_type(d)
        defer { _ = lib.H5Sclose(space); _ = lib.H5Tclose(type) }
        let rank = lib.H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else { throw fail("the dataset \"\(object)\" has an invalid shape") }
        var dims = [UInt64](repeating: 0, count: Int(rank))
        _ = dims.withUnsafeMutableBufferPointer { lib.H5Sget_simple_extent_dims(space, $0.baseAddress, nil) }
        guard dims.allSatisfy({ $0 <= UInt64(Int.max) }) else { throw fail("the dataset \"\(object)\" is too large") }
        let size = lib.H5Tget_size(type)
        let dtype: DType
        switch lib.H5Tget_class(type) {
        case Self.classFloat: dtype = size == 8 ? .float64 : size == 2 ? .float16 : .float32
        case Self.classInteger:
            let signed = lib.H5Tget_sign(type) == 1
            dtype = size == 1 && !signed ? .uint8 : (size <= 4 && (signed || size < 4) ? .int32 : .int64)
        default: throw fail("the dataset \"\(object)\" is neither numbers of floating point nor integers")
        }
        let t = try Tensor.uninitialized(dims.map { Int($0) }, dtype, op: "load_weights")
        guard let mem = memoryType(dtype), lib.H5Dread(d, mem, 0, 0, 0, t.raw) >= 0 else {
            throw fail("cannot read the dataset \"\(object)\"")
        }
        return t
    }
}
