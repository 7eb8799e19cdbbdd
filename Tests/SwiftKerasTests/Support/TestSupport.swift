import XCTest
import Foundation
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Helpers shared by every test file: tensor makers, value / shape / dtype assertions, error
// assertions, seeded generators, index arithmetic and temporary files. One definition each;
// where tests need different comparisons, the difference is a parameter (see `Tolerance`).

// MARK: - Tensor makers

/// A float32 tensor of `values`, shape `[values.count]` unless given.
func f32(_ values: [Float], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }
/// A float64 tensor of `values`, shape `[values.count]` unless given.
func f64(_ values: [Double], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }
/// An int32 tensor of `values`, shape `[values.count]` unless given.
func i32(_ values: [Int32], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }
/// An int64 tensor of `values`, shape `[values.count]` unless given.
func i64(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }
/// A uint8 tensor of `values`, shape `[values.count]` unless given.
func u8(_ values: [UInt8], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }
/// A bool tensor of `values`, shape `[values.count]` unless given.
func bools(_ values: [Bool], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape ?? [values.count]) }

/// A tensor of `dtype` (float32 unless given) holding `values`, converted from doubles.
func tensor(_ values: [Double], _ shape: [Int], _ dtype: DType = .float32) throws -> Tensor {
    try Tensor.from(doubles: values, shape: shape, dtype: dtype)
}

/// A float32 fixture from doubles, for data that is valid by construction (traps otherwise).
func t32(_ values: [Double], _ shape: [Int]) -> Tensor {
    try! Tensor.from(doubles: values, shape: shape, dtype: .float32)
}

/// A float32 tensor of standard-normal values from `seed`.
func randomNormal(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try Random.normal(shape, dtype: .float32, seed: seed)
}

// MARK: - Value assertions

/// How far an element may be from the expected value `want`. Each case is its own formula: a
/// test keeps the one it was written with.
enum Tolerance {
    /// |got − want| ≤ tol · max(1, |want|): absolute near zero, relative for large values.
    case relOrAbs(Double)
    /// |got − want| ≤ tol · (1 + |want|).
    case onePlus(Double)
    /// |got − want| ≤ abs + rel · |want|.
    case absRel(abs: Double, rel: Double)

    /// The largest distance allowed from `want`.
    func bound(_ want: Double) -> Double {
        switch self {
        case .relOrAbs(let tol): return tol * Swift.max(1, Swift.abs(want))
        case .onePlus(let tol): return tol * (1 + Swift.abs(want))
        case .absRel(let a, let r): return a + r * Swift.abs(want)
        }
    }
}

/// Whether `got` matches `want`: NaN matches only NaN, an infinity only itself, finite values
/// within `tol`'s bound.
func isClose(_ got: Double, _ want: Double, _ tol: Tolerance) -> Bool {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN }
    if got.isInfinite || want.isInfinite { return got == want }
    return Swift.abs(got - want) <= tol.bound(want)
}

/// Asserts `got` has `want`'s count and every element is close (`isClose`); reports the first
/// element that is not.
func assertClose(_ got: [Double], _ want: [Double], _ tol: Tolerance, _ msg: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.count, want.count, "count \(msg())", file: file, line: line)
    for (i, (g, w)) in zip(got, want).enumerated() where !isClose(g, w, tol) {
        XCTFail("\(msg()) element \(i): got \(g), want \(w) (bound \(tol.bound(w)))", file: file, line: line)
        return
    }
}

/// Asserts `t`'s values (as doubles) are close to `want`, and its shape when `shape` is given.
func assertClose(_ t: Tensor, _ want: [Double], _ tol: Tolerance, shape: [Int]? = nil,
                 _ msg: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    if let shape { XCTAssertEqual(t.shape, shape, "shape \(msg())", file: file, line: line) }
    assertClose(t.doubles, want, tol, msg(), file: file, line: line)
}

/// Asserts shape, dtype and values. With `tol` 0 the values must be equal, including the sign
/// of zero for floating-point dtypes; otherwise within `tol · max(1, |want|)`. NaN matches NaN,
/// an infinity only itself.
func check(_ t: Tensor, _ shape: [Int], _ dtype: DType, _ values: [Double], tol: Double = 0,
           _ what: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.shape, shape, "shape \(what)", file: file, line: line)
    XCTAssertEqual(t.dtype, dtype, "dtype \(what)", file: file, line: line)
    let got = t.doubles
    XCTAssertEqual(got.count, values.count, "count \(what)", file: file, line: line)
    for (i, (g, w)) in zip(got, values).enumerated() {
        if !isClose(g, w, .relOrAbs(tol)) {
            XCTFail("\(what) element \(i): got \(g), want \(w) in \(got) vs \(values)", file: file, line: line)
        } else if tol == 0 && dtype.isFloatingPoint && w == 0 && g.sign != w.sign {
            XCTFail("\(what) element \(i): sign of zero in \(got) vs \(values)", file: file, line: line)
        }
    }
}

// MARK: - Error assertions

/// Asserts that `body` throws a SwiftKerasError of `kind` whose message is exactly `message`.
func assertError<T>(_ kind: SwiftKerasError.Kind, _ message: String, file: StaticString = #filePath,
                    line: UInt = #line, _ body: () throws -> T) {
    do {
        let value = try body()
        XCTFail("expected error: \(message), got \(value)", file: file, line: line)
    } catch let e as SwiftKerasError {
        XCTAssertEqual(e.kind, kind, "kind for: \(e.message)", file: file, line: line)
        XCTAssertEqual(e.message, message, file: file, line: line)
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
    }
}

/// Asserts that `body` throws a SwiftKerasError of `kind` whose message contains every fragment.
func assertError<T>(_ kind: SwiftKerasError.Kind, containing fragments: [String], file: StaticString = #filePath,
                    line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let e as SwiftKerasError {
        XCTAssertEqual(e.kind, kind, "kind for: \(e.message)", file: file, line: line)
        for f in fragments where !e.message.contains(f) {
            XCTFail("message \"\(e.message)\" does not contain \"\(f)\"", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
    }
}

// MARK: - Seeded generators

/// SplitMix64: a small seeded generator, so a failing randomized case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// An integer in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// An integer in `r`.
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
    /// A double in [0, 1) from the top 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// A double in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }
    /// `n` doubles in [lo, hi).
    mutating func values(_ n: Int, _ lo: Double = -3, _ hi: Double = 3) -> [Double] { (0..<n).map { _ in uniform(lo, hi) } }
    /// A shape of `rank` dimensions, each in 1...maxDim.
    mutating func shape(rank: Int, maxDim: Int = 5) -> [Int] { (0..<rank).map { _ in int(1...maxDim) } }
}

/// Knuth's MMIX linear congruential generator. `LCG(seed)` starts one step past `seed`,
/// `LCG(state:)` at `state`; `step()` advances and returns the whole state (callers take the
/// bits they use).
struct LCG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    init(state: UInt64) { self.state = state }
    mutating func step() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
    /// A double in [0, 1) from the top 53 bits of the next state.
    mutating func unit() -> Double { Double(step() >> 11) / Double(1 << 53) }
}

// MARK: - Index arithmetic

/// The row-major multi-index of flat index `flat` in `shape` (zero-size dimensions stay 0).
func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var idx = [Int](repeating: 0, count: shape.count)
    var f = flat
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
        idx[d] = f % shape[d]
        f /= shape[d]
    }
    return idx
}

/// The row-major flat index of multi-index `idx` in `shape`.
func ravel(_ idx: [Int], _ shape: [Int]) -> Int {
    var r = 0
    for d in 0..<shape.count { r = r * shape[d] + idx[d] }
    return r
}

// MARK: - Temporary files

/// A fresh directory `/tmp/<prefix>-XXXXXX`.
func makeTempDir(_ prefix: String = "sk-test") -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: p!)
}

/// Removes `path` and everything below it (nothing when it does not exist).
func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// The bytes of the file at `path` (empty when it cannot be read).
func fileBytes(_ path: String) -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else { return [] }
    return [UInt8](d)
}

/// Writes `bytes` to `path`, replacing the file.
func putBytes(_ bytes: [UInt8], _ path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

/// Runs `body` with the file size limit at `bytes` and SIGXFSZ ignored, so a write past the limit
/// fails with EFBIG part-way through, as on a full disk; restores both afterwards.
func withFileSizeLimit<T>(_ bytes: UInt64, _ body: () throws -> T) rethrows -> T {
    let oldHandler = signal(SIGXFSZ, SIG_IGN)
    var old = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
    var limited = old
    limited.rlim_cur = rlim_t(bytes)
    XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited), 0)
    defer {
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, oldHandler)
    }
    return try body()
}

/// A file of Tests/reference (recorded from TensorFlow by the script beside it), parsed as JSON;
/// `.null` when it cannot be read (the test using it then fails on the missing entries).
func referenceJSON(_ file: String) -> ConfigValue {
    var path = "\(#filePath)"
    while let last = path.last, last != "/" { path.removeLast() }
    path += "../../reference/" + file
    var text = ""
    if let f = fopen(path, "r") {
        var buffer = [CChar](repeating: 0, count: 65536)
        while fgets(&buffer, Int32(buffer.count), f) != nil { text += String(cString: buffer) }
        fclose(f)
    }
    return (try? ConfigValue.parse(json: text)) ?? .null
}
