import XCTest
import Foundation
import Glibc
import Synchronization
@testable import SwiftKerasCore
@testable import SwiftKeras

// Regression tests of the reliability issue at the core's level: allocations sized by user input
// are checked, hostile shapes and values throw instead of trapping, documented-atomic updates
// lose nothing, the atomic-write routine follows links, refuses special files, keeps
// permissions and leaves at most one temporary file. C and Python: Tests/C/harness_reliability.inc,
// bindings/python/tests/test_hostile.py; the campaigns: Tests/fuzz.
final class ReliabilityTests: XCTestCase {
    // MARK: Checked allocation

    func testCheckedAllocationThrowsInsteadOfAborting() throws {
        assertError(.outOfMemory, containing: ["AUC", "cannot allocate"]) {
            try CheckedAllocation.check(1 << 40, of: Double.self, op: "AUC")
        }
        assertError(.outOfMemory, containing: ["split"]) { try CheckedAllocation.check(Int.max, of: Double.self, op: "split") }
        assertError(.invalidArgument, containing: ["negative element count -1"]) {
            try CheckedAllocation.check(-1, of: Int.self, op: "x")
        }
        XCTAssertNoThrow(try CheckedAllocation.check(1 << 20, of: Double.self, op: "x"))
        XCTAssertEqual(try CheckedAllocation.array(repeating: 7, count: 3, op: "x"), [7, 7, 7])
    }

    func testAUCWithAbsurdNumThresholdsIsOutOfMemory() throws {
        for n in [1 << 40, 1 << 62] {
            assertError(.outOfMemory, containing: ["AUC"]) { try Metrics.AUC(numThresholds: n) }
            assertError(.outOfMemory, containing: ["AUC"]) {
                try metricFromConfig(name: "AUC", configJSON: "{\"num_thresholds\": \(n)}")
            }
        }
        XCTAssertEqual(try Metrics.AUC(numThresholds: 3).thresholds, [-1e-7, 0.5, 1 + 1e-7])
    }

    func testSplittingAnEmptyAxisIntoAbsurdlyManyPartsIsOutOfMemory() throws {
        let e = try Tensor.zeros([0, 3])
        assertError(.outOfMemory, containing: ["split"]) { try e.split(into: 1 << 40) }
        XCTAssertEqual(try e.split(into: 4).map(\.shape), Array(repeating: [0, 3], count: 4))
    }

    // MARK: Hostile shapes and values

    func testEmptyTensorsWithHugeDimensionsPrintAtOnce() throws {
        XCTAssertEqual(try Tensor.zeros([0, 1 << 62, 1 << 62]).description, "[]")
        XCTAssertEqual(try Tensor.zeros([1 << 31, 1 << 31, 0]).description, "[]")
        XCTAssertEqual(try Tensor.zeros([2, 0]).description, "[]")   // numpy prints every empty array so
    }

    func testArangeWithAnOverflowingSpan() throws {
        XCTAssertEqual(try Tensor.arange(start: 1e308, stop: -1e308, step: 1).shape, [0])
        assertError(.outOfMemory, containing: ["arange", "too many elements"]) {
            try Tensor.arange(start: -1e308, stop: 1e308, step: 1)
        }
        XCTAssertEqual(try Tensor.arange(start: 5, stop: 0, step: 1).shape, [0])
    }

    func testConfigJSONWithNaNNamesTheArgument() throws {
        assertError(.invalidArgument, containing: ["learning_rate", "nan"]) {
            try optimizerFromConfig(name: "Adam", configJSON: #"{"learning_rate": NaN}"#)
        }
        assertError(.invalidArgument, containing: ["learning_rate", "-inf"]) {
            try optimizerFromConfig(name: "SGD", configJSON: #"{"learning_rate": -Infinity}"#)
        }
        // the file formats stay strict RFC 8259
        XCTAssertThrowsError(try JSONParser.parse(Array("NaN".utf8)))
    }

    // MARK: Atomic variable updates

    func testConcurrentAssignAddAndSubLoseNoUpdate() throws {
        let v = Variable(try Tensor.zeros([1024]), name: "counter")
        let one = try Tensor.ones([1024])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<1000 {
                if worker % 2 == 1 && i % 2 == 1 {
                    try? v.assignSub(one)
                    try? v.assignAdd(one)
                }
                try? v.assignAdd(one)
            }
        }
        XCTAssertEqual(Set(v.value(recording: false).doubles), [8000])
    }

    // MARK: The atomic-write routine

    private var dir = ""
    override func setUp() { dir = makeTempDir("sk-reliability") }
    override func tearDown() { removeTree(dir) }

    private func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }
    private func write(_ path: String, _ value: Float = 1) throws {
        try SafeTensors.write([("w", Tensor([value]))], to: path)
    }

    func testSaveThroughASymlinkWritesItsTarget() throws {
        putBytes([1, 2, 3], dir + "/real")
        XCTAssertEqual(symlink("real", dir + "/link"), 0)
        XCTAssertEqual(mkdir(dir + "/sub", 0o755), 0)
        XCTAssertEqual(symlink("../real", dir + "/sub/link2"), 0)   // a chain, relative to each link
        XCTAssertEqual(symlink("sub/link2", dir + "/link3"), 0)
        try write(dir + "/link3", 4)
        var st = stat()
        XCTAssertEqual(lstat(dir + "/link3", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK)
        XCTAssertEqual(try SafeTensors.read(from: dir + "/real").tensors[0].1.doubles, [4])
        XCTAssertEqual(entries(), ["link", "link3", "real", "sub"])
        XCTAssertEqual(symlink("loop", dir + "/loop"), 0)
        assertError(.io, containing: ["Too many levels of symbolic links"]) { try write(dir + "/loop") }
    }

    func testSpecialFilesAreRefusedAndLeftAlone() throws {
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        assertError(.io, containing: ["'\(dir)/fifo'", "it is a FIFO; only a regular file is replaced"]) {
            try write(dir + "/fifo")
        }
        var st = stat()
        XCTAssertEqual(lstat(dir + "/fifo", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        // loading a FIFO fails at once instead of waiting for a writer
        assertError(.io, containing: ["it is not a regular file"]) { try SafeTensors.read(from: dir + "/fifo") }
        if mknod(dir + "/null", mode_t(S_IFCHR) | 0o666, dev_t(1 << 8 | 3)) == 0 {   // a private null device (root)
            assertError(.io, containing: ["it is a character device"]) { try write(dir + "/null") }
            XCTAssertEqual(lstat(dir + "/null", &st), 0)
            XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        }
        XCTAssertEqual(entries().filter { $0.contains("tmp") }, [])
    }

    func testSavingKeepsTheExistingFilesPermissions() throws {
        let path = dir + "/private"
        putBytes([0], path)
        XCTAssertEqual(chmod(path, 0o600), 0)
        try write(path)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o600)
        // a new file: 0666 minus the umask, as open() would give it
        let old = umask(0o027)
        defer { umask(old) }
        try write(dir + "/new")
        XCTAssertEqual(stat(dir + "/new", &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o640)
    }

    func testOneTemporaryNamePerTargetAndStaleOnesAreRemoved() throws {
        let path = dir + "/w.safetensors"
        XCTAssertEqual(FileIO.temporaryPath(for: path), dir + "/.w.safetensors.swiftkeras-tmp")
        XCTAssertEqual(FileIO.temporaryPath(for: "w"), ".w.swiftkeras-tmp")
        XCTAssertEqual(FileIO.temporaryPath(for: "/w"), "/.w.swiftkeras-tmp")
        putBytes(Array(repeating: 7, count: 1 << 16), FileIO.temporaryPath(for: path))   // a killed save's leftover
        putBytes([1], path + ".tmp-999999999-3")                                          // an older version's
        putBytes([1], path + ".tmp-\(getpid())-1")                                        // a live process's: kept
        try write(path, 2)
        XCTAssertEqual(try SafeTensors.read(from: path).tensors[0].1.doubles, [2])
        XCTAssertEqual(entries(), ["w.safetensors", "w.safetensors.tmp-\(getpid())-1"])
        // a failed save removes its temporary file too
        withFileSizeLimit(100) {
            assertError(.io, containing: ["'\(path)'"]) {
                try SafeTensors.write([("w", try Tensor.zeros([1000]))], to: path)
            }
        }
        XCTAssertEqual(entries(), ["w.safetensors", "w.safetensors.tmp-\(getpid())-1"])
    }
}
