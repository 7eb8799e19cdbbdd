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

    // MARK: Crashes found by the full fuzz campaign (make fuzz, session 5)

    func testDatasetRangeWithExtremeSpansAndStepsDoesNotTrap() throws {
        // |span| + |step| - 1 overflowed UInt64 (stop Int.min, step Int.min), and a count of 2^63
        // overflowed Int (stop Int.min, step -1)
        let one = try Dataset.range(start: 0, stop: Int.min, step: Int.min)
        XCTAssertEqual(one.cardinality, 1)
        let it = try one.makeIterator()
        XCTAssertEqual(try it.next()?.tensors[0].scalarDouble(), 0)
        XCTAssertNil(try it.next())
        assertError(.invalidArgument, containing: ["range", "9223372036854775808 elements"]) {
            try Dataset.range(start: 0, stop: Int.min, step: -1)
        }
        XCTAssertEqual(try Dataset.range(start: 0, stop: Int.max, step: Int.max).cardinality, 1)
        XCTAssertEqual(try Dataset.range(start: 0, stop: Int.max, step: 1 << 62).cardinality, 2)
        XCTAssertEqual(try Dataset.range(start: 0, stop: 10, step: 3).cardinality, 4)
    }

    func testTimeseriesWithAbsurdLengthsIsEmptyInsteadOfTrapping() throws {
        let data = try Tensor((0..<10).map { Float($0) }, shape: [10])
        // (sequence_length - 1) * sampling_rate overflowed; a window longer than the data was
        // still materialized as 2^62 offsets
        for (length, rate) in [(1 << 62, 4), (1 << 62, 1), (Int.max, Int.max), (11, 1)] {
            let d = try Dataset.timeseries(data: data, targets: nil, sequenceLength: length, samplingRate: rate, batchSize: nil)
            XCTAssertEqual(d.cardinality, 0, "sequence_length \(length), sampling_rate \(rate)")
            XCTAssertNil(try d.makeIterator().next())
        }
        // a huge batch size with shuffle: the shuffle buffer (8 batches) overflowed
        let d = try Dataset.timeseries(data: data, targets: nil, sequenceLength: 3, samplingRate: 3, batchSize: Int.max,
                                       shuffle: true, seed: 1)
        let it = try d.makeIterator()
        XCTAssertEqual(try it.next()?.tensors[0].shape, [4, 3])
        XCTAssertNil(try it.next())
    }

    func testDatasetCardinalityArithmeticNearIntMaxDoesNotTrap() throws {
        let ten = try Dataset.range(start: 0, stop: 10)
        // batch: (n + size - 1) overflowed
        XCTAssertEqual(try ten.batch(Int.max).cardinality, 1)
        XCTAssertEqual(try ten.batch(Int.max, dropRemainder: true).cardinality, 0)
        XCTAssertEqual(try ten.batch(3).cardinality, 4)
        // concatenate: n1 + n2 overflowed
        let huge = try Dataset.range(start: 0, stop: Int.max)
        XCTAssertEqual(try huge.concatenate(huge).cardinality, Dataset.unknown)
        XCTAssertEqual(try ten.concatenate(ten).cardinality, 20)
        // enumerate from Int.max: the index after it wrapped instead of trapping
        let it = try ten.enumerate(start: Int.max).makeIterator()
        XCTAssertEqual(try it.next()?.tensors[0].scalarDouble(), Double(Int.max))
        XCTAssertEqual(try it.next()?.tensors[0].scalarDouble(), Double(Int.min))
    }

    func testArgsortOfAnEmptyTensorWithHugeDimensionsReturnsAtOnce() throws {
        // the outer loop ran 2^62 times over nothing; an axis of 2^31 allocated a 16 GB order
        let shape = [Int(Int32.max), 1 << 31, 0]
        for axis in [0, 2] {
            let s = try Tensor.zeros(shape).argsort(alongAxis: axis)
            XCTAssertEqual(s.shape, shape)
            XCTAssertEqual(s.dtype, .int32)
        }
        XCTAssertEqual(try Tensor([3, 1, 2] as [Float], shape: [3]).argsort(alongAxis: 0).scalars(as: Int32.self), [1, 2, 0])
    }

    func testLinalgOfAnEmptyBatchOfHugeMatricesDoesNotTrap() throws {
        // n·n overflowed to 0 and divided the element count
        let e = try Tensor.zeros([0, 1 << 62, 1 << 62])
        XCTAssertEqual(try matrixInverse(e).shape, [0, 1 << 62, 1 << 62])
        XCTAssertEqual(try cholesky(e).shape, [0, 1 << 62, 1 << 62])
        XCTAssertEqual(try matrixDeterminant(e).shape, [0])
    }

    // MARK: File-writing callbacks never block

    func testCSVLoggerRefusesAFIFONobodyReadsInsteadOfBlocking() throws {
        let fifo = dir + "/log.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for append in [false, true] {
            let logger = try CSVLogger(filename: fifo, append: append)
            assertError(.io, containing: ["CSVLogger", "'\(fifo)'", "no process is reading"]) {
                try logger.onTrainBegin(logs: [:])
            }
        }
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        // with a reader, the FIFO is written as Keras writes it
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(reader, 0)
        defer { close(reader) }
        let logger = try CSVLogger(filename: fifo, append: true)
        try logger.onTrainBegin(logs: [:])
        try logger.onEpochEnd(0, logs: ["loss": 0.5])
        try logger.onTrainEnd(logs: [:])
        var buf = [UInt8](repeating: 0, count: 256)
        let n = read(reader, &buf, buf.count)
        XCTAssertEqual(String(decoding: buf.prefix(Swift.max(n, 0)), as: UTF8.self), "epoch,loss,val_loss\r\n0,0.5,NA\r\n")
        // a directory: a clear error, no hang
        assertError(.io, containing: ["CSVLogger: cannot open '\(dir)'"]) { try CSVLogger(filename: dir).onTrainBegin(logs: [:]) }
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
