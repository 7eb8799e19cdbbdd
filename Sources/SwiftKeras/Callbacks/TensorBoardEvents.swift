// TensorFlow event files (what `tf.summary` writes and TensorBoard reads): TFRecord framing
// (little-endian length, masked CRC32C of the length, the record, masked CRC32C of the record)
// around `Event` protocol buffers (tensorflow/core/util/event.proto): the first record carries
// `file_version` "brain.Event:2", the others a `Summary` of scalar values.
import Glibc
import Synchronization

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's masking of it.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The CRC-32C of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked CRC: `((crc >> 15) | (crc << 17)) + 0xa282ead8`.
    static func masked(_ bytes: [UInt8]) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// The protocol-buffer encoding of the few `Event` fields written here.
enum EventProto {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    static func lengthDelimited(_ field: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(field << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    /// `Event { wall_time = 1 (double); step = 2 (int64); file_version = 3; summary = 5 }`.
    static func event(wallTime: Double, step: Int64, fileVersion: String? = nil, summary: [UInt8]? = nil) -> [UInt8] {
        var out = varint(1 << 3 | 1) + withUnsafeBytes(of: wallTime.bitPattern.littleEndian) { Array($0) }
        out += varint(2 << 3 | 0) + varint(UInt64(bitPattern: step))
        if let fileVersion { out += lengthDelimited(3, Array(fileVersion.utf8)) }
        if let summary { out += lengthDelimited(5, summary) }
        return out
    }

    /// `Summary { repeated Value value = 1 }` with `Value { tag = 1; simple_value = 2 (float) }`.
    static func scalarSummary(_ values: [(tag: String, value: Double)]) -> [UInt8] {
        var out: [UInt8] = []
        for (tag, value) in values {
            let v = lengthDelimited(1, Array(tag.utf8)) + varint(2 << 3 | 5)
                + withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { Array($0) }
            out += lengthDelimited(1, v)
        }
        return out
    }
}

/// Appends `Event` records to one event file `events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2`
/// in a directory (created with its parents), as TensorFlow's summary file writer names them.
/// Each record is flushed as it is written, so TensorBoard reads a run while it trains.
public final class EventFileWriter {
    /// The file's path.
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private static let counter = Atomic<Int>(0)

    /// Creates the directory and the file, and writes the `file_version` record.
    /// - Throws: `.io` naming the path when the directory or the file cannot be made.
    public init(directory: String, suffix: String = "") throws {
        try EventFileWriter.makeDirectories(directory)
        var host = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&host, host.count - 1) == 0 ? String(cString: host) : "localhost"
        let n = EventFileWriter.counter.add(1, ordering: .relaxed).newValue
        let seconds = Int(EventFileWriter.wallTime())
        path = "\(directory)/events.out.tfevents.\(seconds).\(hostName).\(getpid()).\(n).v2\(suffix)"
        guard let f = fopen(path, "wb") else {
            throw SwiftKerasError(.io, "TensorBoard: cannot create the event file '\(path)': \(String(cString: strerror(errno)))")
        }
        file = f
        try write(EventProto.event(wallTime: EventFileWriter.wallTime(), step: 0, fileVersion: "brain.Event:2"))
    }

    deinit { if let file { fclose(file) } }

    /// Seconds since the epoch (the events' `wall_time`).
    static func wallTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SwiftKerasError(.io, "TensorBoard: cannot create the directory '\(prefix)': \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }

    /// Writes scalar summaries at `step`.
    public func writeScalars(_ values: [(tag: String, value: Double)], step: Int) throws {
        if values.isEmpty { return }
        try write(EventProto.event(wallTime: EventFileWriter.wallTime(), step: Int64(step),
                                   summary: EventProto.scalarSummary(values)))
    }

    /// Writes one `Summary` (its encoded bytes) at `step`.
    public func writeSummary(_ summary: [UInt8], step: Int) throws {
        try write(EventProto.event(wallTime: EventFileWriter.wallTime(), step: Int64(step), summary: summary))
    }

    private func write(_ record: [UInt8]) throws {
        guard let file else { throw SwiftKerasError(.runtime, "TensorBoard: the event file '\(path)' is closed") }
        let length = withUnsafeBytes(of: UInt64(record.count).littleEndian) { Array($0) }
        var bytes = length
        bytes += withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { Array($0) }
        bytes += record
        bytes += withUnsafeBytes(of: CRC32C.masked(record).littleEndian) { Array($0) }
        if fwrite(bytes, 1, bytes.count, file) != bytes.count || fflush(file) != 0 {
            throw SwiftKerasError(.io, "TensorBoard: cannot write the event file '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    /// Closes the file (later writes throw).
    public func close() throws {
        guard let f = file else { return }
        file = nil
        if fclose(f) != 0 {
            throw SwiftKerasError(.io, "TensorBoard: cannot close the event file '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
