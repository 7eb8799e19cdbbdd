import XCTest
import Foundation
import Glibc
import Synchronization
@testable import SwiftKerasCore
@testable import SwiftKeras

// The safetensors file layer. Oracles: hand-built files with exact bytes, the reference
// implementation (Python `safetensors`, installed with pip when missing) in both directions
// and byte for byte, a table of damaged files, and real write failures (file size limit, a full
// tmpfs, a read-only mount, a rename onto a directory) that must leave the previous file intact.

// MARK: - Helpers

private func entries(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

private func tensorBytes(_ t: Tensor) -> [UInt8] { t.withUnsafeBytes { [UInt8]($0) } }

private func le64(_ v: Int) -> [UInt8] { (0..<8).map { UInt8((UInt64(v) >> (8 * UInt64($0))) & 0xFF) } }

/// A file: length prefix, header text, data bytes.
private func makeFile(_ header: String, _ data: [UInt8], length: Int? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    return le64(length ?? h.count) + h + data
}

/// Deterministic values for `dtype`: small integers (exact in every dtype), signed where possible.
private func sample(_ dtype: DType, _ shape: [Int], seed: Int = 0) throws -> Tensor {
    let n = shape.reduce(1, *)
    let values: [Double] = (0..<n).map { i in
        switch dtype {
        case .bool: return Double((i + seed) % 3 == 0 ? 1 : 0)
        case .uint8: return Double((i * 37 + seed) % 256)
        default: return Double((i * 7 + seed) % 23) - 11 + (dtype.isFloatingPoint ? 0.5 : 0)
        }
    }
    return try Tensor.from(doubles: values, shape: shape, dtype: dtype)
}

// MARK: - Python (the reference implementation)

/// Runs `executable args...`; returns the exit status and the combined output.
private func runProcess(_ executable: String, _ args: [String]) -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    do { try p.run() } catch { return (-1, "\(error)") }
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out, as: UTF8.self))
}

private enum Python {
    /// Runs `python3 -c script args...`; returns the exit status and the combined output.
    static func run(_ script: String, _ args: [String] = []) -> (Int32, String) {
        runProcess("/usr/bin/env", ["python3", "-c", script] + args)
    }

    /// True when python3 with numpy and safetensors is available (installing safetensors with pip
    /// once if it is missing).
    static let ready: Bool = {
        let probe = "import numpy, safetensors.numpy"
        if run(probe).0 == 0 { return true }
        _ = run("import subprocess, sys; subprocess.call([sys.executable, '-m', 'pip', 'install', '-q', 'safetensors'])")
        return run(probe).0 == 0
    }()

    static func require() throws {
        if !ready { throw XCTSkip("python3 with numpy and safetensors is not available") }
    }
}

final class KerasSafeTensorsTests: XCTestCase {
    var dir = ""

    override func setUp() { dir = makeTempDir("sk-safetensors") }
    override func tearDown() { removeTree(dir) }

    // MARK: Round trips

    func testRoundTripEveryDTypeRankZeroAndEmpty() throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        for dtype in DType.allCases {
            for (k, shape) in [[2, 3], [], [0], [3, 0, 2], [5]].enumerated() {
                tensors.append(("\(dtype.name)/\(k)", try sample(dtype, shape, seed: k)))
            }
        }
        let metadata = ["format": "keras", "quote\"back\\slash": "new\nline\ttab\u{01}",
                        "unicode": "é漢字🙂", "": "empty key"]
        let path = dir + "/all.safetensors"
        try SafeTensors.write(tensors, metadata: metadata, to: path)
        let (read, meta) = try SafeTensors.read(from: path)
        XCTAssertEqual(meta, metadata)
        XCTAssertEqual(read.map { $0.0 }, tensors.map { $0.name })
        for ((name, got), (_, want)) in zip(read, tensors) {
            XCTAssertEqual(got.dtype, want.dtype, name)
            XCTAssertEqual(got.shape, want.shape, name)
            XCTAssertEqual(tensorBytes(got), tensorBytes(want), name)
            XCTAssertEqual(got.doubles, want.doubles, name)
        }
        let b = fileBytes(path)
        XCTAssertEqual((Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16) % 8, 0, "the header is padded to a multiple of 8")
        XCTAssertEqual(entries(dir), ["all.safetensors"], "no temporary file is left behind")
    }

    func testRoundTripNoTensorsNoMetadataAndOverwrite() throws {
        let path = dir + "/w.safetensors"
        try SafeTensors.write([], to: path)
        XCTAssertEqual(fileBytes(path), le64(8) + Array("{}      ".utf8))
        var (t, m) = try SafeTensors.read(from: path)
        XCTAssertTrue(t.isEmpty)
        XCTAssertTrue(m.isEmpty)
        // Overwriting an existing file replaces it.
        try SafeTensors.write([("x", Tensor([Float(1), 2, 3]))], to: path)
        (t, m) = try SafeTensors.read(from: path)
        XCTAssertEqual(t.count, 1)
        XCTAssertEqual(t[0].1.doubles, [1, 2, 3])
        XCTAssertEqual(entries(dir), ["w.safetensors"])
    }

    func testContentsListsTheHeaderWithoutData() throws {
        let path = dir + "/c.safetensors"
        try SafeTensors.write([("kernel", try sample(.float16, [3, 4])), ("bias", try sample(.float16, [4])),
                               ("step", Tensor(scalar: Int64(3)))], metadata: ["a": "b"], to: path)
        let (entries, meta) = try SafeTensors.contents(of: path)
        XCTAssertEqual(meta, ["a": "b"])
        XCTAssertEqual(entries.map { $0.name }, ["kernel", "bias", "step"])
        XCTAssertEqual(entries.map { $0.dtype }, [.float16, .float16, .int64])
        XCTAssertEqual(entries.map { $0.shape }, [[3, 4], [4], []])
        putBytes(Array(fileBytes(path).dropLast()), path)
        assertError(.io, containing: ["'\(path)' is not a valid safetensors file", "truncated file?"]) {
            try SafeTensors.contents(of: path)
        }
    }

    func testSpecialFloatValuesAndBoolBytes() throws {
        let path = dir + "/f.safetensors"
        let x = Tensor([Float.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
        try SafeTensors.write([("x", x)], to: path)
        let got = try SafeTensors.read(from: path).tensors[0].1
        XCTAssertEqual(tensorBytes(got), tensorBytes(x))
        // A BOOL byte other than 0/1 written by another tool reads as true.
        let file = makeFile("{\"b\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}", [0, 1, 7])
        putBytes(file, path)
        let b = try SafeTensors.read(from: path).tensors[0].1
        XCTAssertEqual(try b.scalars(as: Bool.self), [false, true, true])
    }

    // MARK: Exact layout

    func testByteLayoutMatchesHandBuiltFile() throws {
        let path = dir + "/tiny.safetensors"
        try SafeTensors.write([("w", Tensor([Float(1), 2])), ("step", Tensor(scalar: Int64(7)))],
                              metadata: ["format": "keras"], to: path)
        let header = #"{"__metadata__":{"format":"keras"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"step":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}"#
        XCTAssertEqual(header.utf8.count, 144)  // already a multiple of 8: no padding
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 7, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(fileBytes(path), [144, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + data)

        // 53 bytes of JSON are padded with 3 spaces to 56.
        try SafeTensors.write([("x", Tensor([UInt8(1), 2, 255]))], to: path)
        let h2 = #"{"x":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}"# + "   "
        XCTAssertEqual(fileBytes(path), [56, 0, 0, 0, 0, 0, 0, 0] + Array(h2.utf8) + [1, 2, 255])

        // Names are JSON-escaped like serde_json does.
        try SafeTensors.write([("a\"b\\c\n\u{1f}é", Tensor([Int32(-1)]))], to: path)
        let h3 = #"{"a\"b\\c\n\u001fé":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}"#
        let b3 = Array(h3.utf8)
        let padded = b3 + Array(repeating: UInt8(ascii: " "), count: (8 - b3.count % 8) % 8)
        XCTAssertEqual(fileBytes(path), le64(padded.count) + padded + [0xFF, 0xFF, 0xFF, 0xFF])
    }

    // MARK: Interoperability with the reference implementation

    func testReadsFileWrittenByPython() throws {
        try Python.require()
        let path = dir + "/py.safetensors"
        let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        t = {}
        for name in ['float32', 'float64', 'float16', 'int32', 'int64', 'uint8']:
            t[name] = (np.arange(12).reshape(3, 4) * 3 - 7).astype(name)
            t[name + '_scalar'] = np.array(-5 if name != 'uint8' else 200, dtype=name)
            t[name + '_empty'] = np.zeros((2, 0), dtype=name)
        t['float32'] = t['float32'] / 4
        t['bool'] = np.array([[True, False, True], [False, False, True]])
        save_file(t, sys.argv[1], metadata={'format': 'np', 'note': 'café "q"'})
        """
        let (status, out) = Python.run(script, [path])
        XCTAssertEqual(status, 0, out)
        let (tensors, meta) = try SafeTensors.read(from: path)
        XCTAssertEqual(meta, ["format": "np", "note": "café \"q\""])
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.0, $0.1) })
        XCTAssertEqual(byName.count, 19)
        let base = (0..<12).map { Double($0 * 3 - 7) }
        for dtype in [DType.float32, .float64, .float16, .int32, .int64, .uint8] {
            let t = try XCTUnwrap(byName[dtype.name])
            XCTAssertEqual(t.dtype, dtype)
            XCTAssertEqual(t.shape, [3, 4])
            var want = base
            if dtype == .float32 { want = base.map { $0 / 4 } }
            if dtype == .uint8 { want = base.map { $0 < 0 ? $0 + 256 : $0 } }
            XCTAssertEqual(t.doubles, want, dtype.name)
            let s = try XCTUnwrap(byName[dtype.name + "_scalar"])
            XCTAssertEqual(s.shape, [])
            XCTAssertEqual(s.dtype, dtype)
            XCTAssertEqual(s.doubles, [dtype == .uint8 ? 200 : -5])
            let e = try XCTUnwrap(byName[dtype.name + "_empty"])
            XCTAssertEqual(e.shape, [2, 0])
            XCTAssertEqual(e.dtype, dtype)
        }
        let b = try XCTUnwrap(byName["bool"])
        XCTAssertEqual(b.dtype, .bool)
        XCTAssertEqual(b.shape, [2, 3])
        XCTAssertEqual(b.doubles, [1, 0, 1, 0, 0, 1])
    }

    func testPythonReadsFileWeWrote() throws {
        try Python.require()
        let path = dir + "/ours.safetensors"
        var tensors: [(name: String, tensor: Tensor)] = []
        for dtype in DType.allCases {
            tensors.append((dtype.name, try sample(dtype, [2, 3])))
            tensors.append((dtype.name + "_scalar", try sample(dtype, [], seed: 5)))
            tensors.append((dtype.name + "_empty", try sample(dtype, [0, 4])))
        }
        try SafeTensors.write(tensors, metadata: ["format": "keras", "ünï": "ç\n"], to: path)
        // The expected values go to Python as JSON; BF16 (which numpy lacks) is checked from the
        // header and raw bytes with the standard library alone.
        var expected: [String] = []
        for (name, t) in tensors where t.dtype != .bfloat16 {
            let values = t.doubles.map { $0 == $0.rounded() ? String(Int($0)) : String($0) }
            expected.append("\"\(name)\": [\"\(t.dtype.name)\", \(t.shape), [\(values.joined(separator: ","))]]")
        }
        let bf = try XCTUnwrap(tensors.first { $0.tensor.dtype == .bfloat16 }).tensor
        let script = """
        import sys, json, struct, numpy as np
        from safetensors.numpy import load_file
        from safetensors import safe_open
        path = sys.argv[1]
        expected = json.loads(sys.argv[2])
        with safe_open(path, framework='np') as f:
            assert f.metadata() == {'format': 'keras', 'ünï': 'ç\\n'}, f.metadata()
        raw = open(path, 'rb').read()
        n = struct.unpack('<Q', raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        # numpy cannot hold BF16: drop those entries into a copy of the file and check them raw.
        bf = {k: v for k, v in header.items() if k != '__metadata__' and v['dtype'] == 'BF16'}
        for k, v in bf.items():
            b, e = v['data_offsets']
            if k == 'bfloat16':
                assert v['shape'] == [2, 3]
                assert list(raw[8 + n + b:8 + n + e]) == json.loads(sys.argv[3]), k
        keep = {k: v for k, v in header.items() if k not in bf}
        data = b''
        for k, v in keep.items():
            if k == '__metadata__': continue
            b, e = v['data_offsets']
            chunk = raw[8 + n + b:8 + n + e]
            v['data_offsets'] = [len(data), len(data) + len(chunk)]
            data += chunk
        h = json.dumps(keep).encode()
        h += b' ' * ((8 - len(h) % 8) % 8)
        open(path + '.nobf16', 'wb').write(struct.pack('<Q', len(h)) + h + data)
        loaded = load_file(path + '.nobf16')
        assert set(loaded) == set(expected), (sorted(loaded), sorted(expected))
        for k, (dt, shape, values) in expected.items():
            a = loaded[k]
            assert str(a.dtype) == dt, (k, a.dtype, dt)
            assert list(a.shape) == shape, (k, a.shape, shape)
            assert a.ravel().astype(np.float64).tolist() == [float(x) for x in values], (k, a, values)
        # And the file itself, untouched, through the reference's header and offset validation.
        with safe_open(path, framework='np') as f:
            assert set(f.keys()) == set(expected) | set(bf), sorted(f.keys())
        print('OK')
        """
        let (status, out) = Python.run(script, [path, "{" + expected.joined(separator: ",") + "}",
                                                "\(tensorBytes(bf))"])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("OK"), out)
    }

    func testByteIdenticalToReferenceWriter() throws {
        try Python.require()
        // With one dtype and names in sorted order, the reference's layout is the caller's order,
        // so the two writers must agree byte for byte.
        let ours = dir + "/ours.safetensors", theirs = dir + "/theirs.safetensors"
        let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({'a': np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5,
                   'b': np.array(3.25, dtype=np.float32),
                   'c': np.zeros((0, 2), dtype=np.float32),
                   'd\\u00e9"\\n': np.array([1e-3, -7], dtype=np.float32)},
                  sys.argv[1], metadata={'format': 'pt'})
        """
        let (status, out) = Python.run(script, [theirs])
        XCTAssertEqual(status, 0, out)
        try SafeTensors.write([("a", try Tensor([Float(-2.5), -1.5, -0.5, 0.5, 1.5, 2.5], shape: [2, 3])),
                               ("b", Tensor(scalar: Float(3.25))),
                               ("c", try Tensor([Float](), shape: [0, 2])),
                               ("dé\"\n", Tensor([Float(1e-3), -7]))],
                              metadata: ["format": "pt"], to: ours)
        XCTAssertEqual(fileBytes(ours), fileBytes(theirs))
        XCTAssertFalse(fileBytes(ours).isEmpty)
    }

    // MARK: Damaged and foreign files

    func testCorruptedFilesGiveClearErrors() throws {
        let path = dir + "/bad.safetensors"
        try SafeTensors.write([("w", try sample(.float32, [2, 3])), ("b", try sample(.int64, [2]))],
                              metadata: ["k": "v"], to: path)
        let good = fileBytes(path)
        let headerLength = Int(good[0]) | Int(good[1]) << 8
        XCTAssertEqual(good.count, 8 + headerLength + 24 + 16)

        func check(_ bytes: [UInt8], _ fragments: [String], kind: SwiftKerasError.Kind = .io,
                   line: UInt = #line) {
            putBytes(bytes, path)
            assertError(kind, containing: ["'" + path + "'"] + fragments, line: line) { try SafeTensors.read(from: path) }
        }
        let f32 = [UInt8](repeating: 0, count: 24)

        // Truncated at several points.
        check([], ["0 bytes long, too short"])
        check(Array(good[0..<5]), ["5 bytes long, too short"])
        check(Array(good[0..<8]), ["header length \(headerLength) exceeds the 0 bytes"])
        check(Array(good[0..<(8 + headerLength / 2)]), ["exceeds the \(headerLength / 2) bytes that follow it (truncated file?)"])
        check(Array(good[0..<(8 + headerLength)]), ["go past the end of the 0-byte data section"])
        check(Array(good[0..<(good.count - 1)]), ["go past the end of the 39-byte data section"])
        // Trailing bytes.
        check(good + [0], ["cover 40 bytes but the data section has 41 bytes"])
        // Header length: huge, absurd, larger than the file, too small.
        check(le64(Int(Int64.max)) + Array(good[8...]), ["header length 9223372036854775807 exceeds the limit of 100000000 bytes"])
        check(le64(100_000_001) + Array(good[8...]), ["exceeds the limit of 100000000 bytes"])
        check(le64(50_000_000) + Array(good[8...]), ["header length 50000000 exceeds the"])
        check(le64(0) + Array(good[8...]), ["header length 0 is too small"])
        // A foreign file (text, zip, HDF5).
        check(Array("hello world, this is not a weights file".utf8), ["exceeds the limit of 100000000 bytes"])
        check([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64),
              ["is an HDF5 file (a tf.keras .h5 model or weights file), which SwiftKeras does not read"])
        check([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 64), ["is a zip archive (a Keras .keras model file)"])
        check(le64(8) + Array("[1, 2]  ".utf8), ["does not start with '{'"])
        // Flipped header bytes.
        var flipped = good
        flipped[8] = UInt8(ascii: "x")
        check(flipped, ["does not start with '{'"])
        flipped = good
        flipped[8 + 1] = UInt8(ascii: "{")
        check(flipped, ["invalid JSON header: unexpected character '{', expected a string key at byte 1"])
        flipped = good
        flipped[8 + headerLength - 1] = UInt8(ascii: "x")  // a padding space, or the final brace
        check(flipped, ["invalid JSON header"])
        // Invalid JSON.
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,],\"data_offsets\":[0,8]}}", f32),
              ["invalid JSON header: unexpected character ']', expected a value"])
        check(makeFile("{\"w\":1,}", []), ["invalid JSON header"])
        check(makeFile("{\"w\":01}", []), ["invalid JSON header: invalid number: leading zero"])
        check(makeFile("{\"w\":\"\u{1}\"}", []), ["control character 0x1"])
        check(makeFile("{} x", []), ["unexpected character 'x' after the JSON value"])
        check(le64(6) + [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x7D], ["invalid JSON header"])
        check(makeFile("{\"\\ud800\":1}", []), ["unpaired surrogate"])
        check(makeFile("{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}", []),
              ["nesting deeper than 64 levels"])
        // Schema errors.
        check(makeFile("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", [0, 0]),
              ["tensor \"w\": unknown or unsupported dtype \"F8_E4M3\""])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", f32),
              ["tensor \"w\": dimension 0 of the shape is negative (-2)"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", f32),
              ["dimension 0 of the shape is not an integer (2.5)"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", f32),
              ["dimension 0 of the shape is too large (99999999999999999999)"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", f32),
              ["shape (4294967296, 4294967296) has too many elements"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,4194304],\"data_offsets\":[0,8]}}", f32),
              ["has too many elements"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", f32),
              ["duplicate tensor name \"w\""])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", f32),
              ["tensor \"w\" has an unknown field \"extra\""])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", f32), ["tensor \"w\" has no shape"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", f32), ["tensor \"w\" has no data_offsets"])
        check(makeFile("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", f32), ["tensor \"w\" has no dtype"])
        check(makeFile("{\"w\":[1,2]}", []), ["tensor \"w\" is an array, expected an object"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", f32),
              ["data_offsets must be an array of two integers"])
        check(makeFile("{\"__metadata__\":{\"k\":1}}", []), ["metadata \"k\" is a number, expected a string"])
        check(makeFile("{\"__metadata__\":[]}", []), ["\"__metadata__\" is an array, expected an object of strings"])
        check(makeFile("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", []), ["duplicate metadata key \"k\""])
        // Bogus offsets.
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", f32),
              ["tensor \"w\": data_offsets [0, 20] hold 20 bytes but shape (2, 3) of F32 needs 24"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,240]}}", f32),
              ["data_offsets [0, 240] go past the end of the 24-byte data section"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", f32),
              ["data_offsets [8, 4] end before they begin"])
        check(makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", f32),
              ["bytes [0, 16) of the data section belong to no tensor"])
        check(makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", f32),
              ["the data of tensors \"a\" and \"b\" overlap"])
        check(makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32),
              ["the tensors cover 8 bytes but the data section has 24 bytes"])
        check(makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551624]}}", f32),
              ["data_offsets end is too large"])

        // Not a file at all.
        assertError(.io, containing: ["'\(dir)/missing.safetensors'", "No such file or directory"]) {
            try SafeTensors.read(from: dir + "/missing.safetensors")
        }
        assertError(.io, containing: ["'\(dir)'", "it is a directory"]) { try SafeTensors.read(from: dir) }
        assertError(.io, containing: ["'/dev/zero'", "it is not a regular file"]) { try SafeTensors.read(from: "/dev/zero") }
        assertError(.invalidArgument, containing: ["path is empty"]) { try SafeTensors.read(from: "") }
    }

    func testRandomCorruptionNeverTraps() throws {
        let path = dir + "/fuzz.safetensors"
        try SafeTensors.write([("w", try sample(.float32, [3, 2])), ("i", try sample(.int32, [])),
                               ("e", try sample(.bool, [0, 3]))], metadata: ["k": "v"], to: path)
        let good = fileBytes(path)
        var rng = SplitMix64(20261125)
        var failures = 0, successes = 0
        for iteration in 0..<400 {
            var bytes = good
            let edits = 1 + Int.random(in: 0..<3, using: &rng)
            for _ in 0..<edits {
                // Mostly inside the length field and the header, where damage matters most.
                let limit = iteration % 4 == 0 ? bytes.count : min(bytes.count, 8 + Int(good[0]))
                let at = Int.random(in: 0..<limit, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                default: bytes = Array(bytes[0..<at])
                }
                if bytes.isEmpty { break }
            }
            putBytes(bytes, path)
            do {
                _ = try SafeTensors.read(from: path)
                successes += 1
            } catch let e as SwiftKerasError {
                XCTAssertEqual(e.kind, .io, e.message)
                XCTAssertTrue(e.message.contains(path), e.message)
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 200)
    }

    // MARK: Writer argument checks

    func testWriterRejectsBadNames() throws {
        let path = dir + "/w.safetensors"
        let x = Tensor([Float(1)])
        assertError(.invalidArgument, containing: ["safetensors: cannot write '\(path)': duplicate tensor name \"x\""]) {
            try SafeTensors.write([("x", x), ("y", x), ("x", x)], to: path)
        }
        assertError(.invalidArgument, containing: ["the tensor name \"__metadata__\" is reserved"]) {
            try SafeTensors.write([("__metadata__", x)], to: path)
        }
        assertError(.invalidArgument, containing: ["path is empty"]) { try SafeTensors.write([("x", x)], to: "") }
        XCTAssertEqual(entries(dir), [], "nothing is created for rejected arguments")
    }

    // MARK: Atomicity

    /// A previous file and the directory listing after a failed write.
    private func assertPreviousFileSurvives(_ path: String, _ previous: [UInt8], line: UInt = #line) throws {
        XCTAssertEqual(fileBytes(path), previous, "the previous file is intact", line: line)
        let name = String(path.split(separator: "/").last ?? "")
        let dir = String(path.dropLast(name.count + 1))
        XCTAssertEqual(entries(dir), [name], "no temporary file is left behind", line: line)
        let (t, m) = try SafeTensors.read(from: path)
        XCTAssertEqual(t.count, 1, line: line)
        XCTAssertEqual(m, ["version": "1"], line: line)
    }

    func testFailedWriteLeavesPreviousFile_FileSizeLimit() throws {
        let path = dir + "/model.safetensors"
        try SafeTensors.write([("w", try sample(.float32, [10]))], metadata: ["version": "1"], to: path)
        let previous = fileBytes(path)
        // A file size limit makes write() fail with EFBIG part-way through, as a full disk would.
        let big = try Tensor([Float](repeating: 1.5, count: 100_000), shape: [100_000])
        withFileSizeLimit(4096) {
            assertError(.io, containing: ["safetensors: cannot write '\(path)': File too large"]) {
                try SafeTensors.write([("w", big)], metadata: ["version": "2"], to: path)
            }
        }
        try assertPreviousFileSurvives(path, previous)
    }

    func testFailedWriteLeavesPreviousFile_FullDiskAndReadOnlyMount() throws {
        // A real full disk: a 64 KiB tmpfs (needs the privilege to mount; skipped otherwise).
        let mnt = dir + "/mnt"
        XCTAssertEqual(mkdir(mnt, 0o755), 0)
        let (status, out) = runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt])
        if status != 0 { throw XCTSkip("cannot mount a tmpfs here: \(out)") }
        defer { _ = runProcess("/bin/umount", [mnt]) }
        let path = mnt + "/model.safetensors"
        try SafeTensors.write([("w", try sample(.float32, [10]))], metadata: ["version": "1"], to: path)
        let previous = fileBytes(path)
        let big = try Tensor([Float](repeating: 2.5, count: 1 << 18), shape: [1 << 18])
        assertError(.io, containing: ["safetensors: cannot write '\(path)': No space left on device"]) {
            try SafeTensors.write([("w", big)], metadata: ["version": "2"], to: path)
        }
        try assertPreviousFileSurvives(path, previous)
        // The disk is usable again afterwards: a small write succeeds.
        try SafeTensors.write([("w", try sample(.float32, [3]))], metadata: ["version": "1"], to: path)
        XCTAssertEqual(try SafeTensors.read(from: path).tensors[0].1.shape, [3])
        let replaced = fileBytes(path)

        // An unwritable directory: the same mount made read-only.
        let (s2, o2) = runProcess("/bin/mount", ["-o", "remount,ro", mnt])
        XCTAssertEqual(s2, 0, o2)
        assertError(.io, containing: ["safetensors: cannot write '\(path)': Read-only file system", "creating the temporary file"]) {
            try SafeTensors.write([("w", try sample(.float32, [4]))], metadata: ["version": "3"], to: path)
        }
        try assertPreviousFileSurvives(path, replaced)
    }

    func testFailedRenameRemovesTemporaryFile() throws {
        // The target is a non-empty directory: refused before anything is written (only a
        // regular file is replaced), and nothing is left behind.
        let target = dir + "/weights"
        XCTAssertEqual(mkdir(target, 0o755), 0)
        putBytes([1, 2, 3], target + "/keep")
        assertError(.io, containing: ["safetensors: cannot write '\(target)': it is a directory; only a regular file is replaced"]) {
            try SafeTensors.write([("w", Tensor([Float(1)]))], to: target)
        }
        XCTAssertEqual(entries(dir), ["weights"])
        XCTAssertEqual(entries(target), ["keep"])
    }

    func testConcurrentWritersAndReadersSeeWholeFiles() throws {
        // Two writers replace the file over and over with versions of different sizes while a
        // reader reads it: every read sees one complete version, never a mix or a partial file.
        let path = dir + "/shared.safetensors"
        let versions = try (0..<2).map { v in try sample(.float32, [1000 * (v + 1)], seed: v) }
        try SafeTensors.write([("w", versions[0])], metadata: ["v": "0"], to: path)
        let readErrors = Atomic<Int>(0), reads = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            if worker < 2 {
                for _ in 0..<30 {
                    do {
                        try SafeTensors.write([("w", versions[worker])], metadata: ["v": "\(worker)"], to: path)
                    } catch {
                        readErrors.add(1, ordering: .relaxed)
                    }
                }
            } else {
                for _ in 0..<60 {
                    do {
                        let (t, m) = try SafeTensors.read(from: path)
                        guard let v = Int(m["v"] ?? ""), v >= 0, v < 2, t.count == 1,
                              tensorBytes(t[0].1) == tensorBytes(versions[v]) else {
                            readErrors.add(1, ordering: .relaxed)
                            continue
                        }
                        reads.add(1, ordering: .relaxed)
                    } catch {
                        readErrors.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        XCTAssertEqual(readErrors.load(ordering: .relaxed), 0)
        XCTAssertEqual(reads.load(ordering: .relaxed), 60)
        XCTAssertEqual(entries(dir), ["shared.safetensors"])
    }

    func testMissingDirectory() throws {
        let path = dir + "/no/such/dir/w.safetensors"
        assertError(.io, containing: ["safetensors: cannot write '\(path)': No such file or directory"]) {
            try SafeTensors.write([("w", Tensor([Float(1)]))], to: path)
        }
    }

    func testRelativePathInCurrentDirectory() throws {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        try SafeTensors.write([("w", Tensor([Int64(5)]))], to: "rel.safetensors")
        XCTAssertEqual(try SafeTensors.read(from: "rel.safetensors").tensors[0].1.doubles, [5])
        XCTAssertEqual(entries(dir), ["rel.safetensors"])
    }

    // MARK: JSON

    func testJSONParserStrictness() throws {
        func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }
        XCTAssertEqual(try parse(" {\"a\" : [1, -2.5e+3, true, false, null, \"x\"] } \n"),
                       .object([JSONMember(key: "a", value: .array([.number("1"), .number("-2.5e+3"), .bool(true),
                                                                    .bool(false), .null, .string("x")]))]))
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude42""#), .string("\"\\/\u{8}\u{c}\n\r\té🙂"))
        XCTAssertEqual(try parse(#"{"a":1,"a":2}"#),
                       .object([JSONMember(key: "a", value: .number("1")), JSONMember(key: "a", value: .number("2"))]))
        let bad = ["", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "'a'", "tru",
                   "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a", "{\"a\" 1}", "{1:2}", "[1 2]", "1 2",
                   "\"\u{7}\"", "// c\n1", String(repeating: "[", count: 65) + String(repeating: "]", count: 65)]
        for s in bad {
            XCTAssertThrowsError(try parse(s), "accepted \(s.debugDescription)")
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]))  // invalid UTF-8
        XCTAssertNoThrow(try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
    }

    func testJSONWriterRoundTrip() throws {
        let v = JSONValue.object([
            JSONMember(key: "s\u{0}\u{1f}\u{7f}", value: .string("é\"\\/\n🙂")),
            JSONMember(key: "a", value: .array([.number("1"), .bool(true), .null, .object([])])),
        ])
        let text = JSONWriter.serialize(v)
        XCTAssertEqual(text, "{\"s\\u0000\\u001f\u{7f}\":\"é\\\"\\\\/\\n🙂\",\"a\":[1,true,null,{}]}")
        XCTAssertEqual(try JSONParser.parse(Array(text.utf8)), v)
    }
}
