// TF2's `tf.summary` file writer: scalars, histograms and text as the tensor summaries TF 2
// writes (a `Summary.Value` with a `TensorProto` and the plugin's `SummaryMetadata`), in the
// event files of `TensorBoardEvents.swift` that TensorBoard reads.
import Synchronization

/// The `Summary` protos of TF2's summary functions (tensorboard/plugins/*/summary_v2.py).
public enum SummaryProto {
    /// `DataType`: DT_FLOAT, DT_DOUBLE, DT_STRING.
    private static let float32: UInt64 = 1, float64: UInt64 = 2, string: UInt64 = 7
    /// `SummaryMetadata.DataClass`: scalar and tensor.
    private static let scalarClass: UInt64 = 1, tensorClass: UInt64 = 2

    private static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] {
        EventProto.varint(number << 3) + EventProto.varint(value)
    }

    /// `TensorProto { dtype = 1; tensor_shape = 2 { dim = 2 { size = 1 } }; tensor_content = 4;
    /// string_val = 8 }`.
    private static func tensor(dtype: UInt64, shape: [Int], content: [UInt8]?, strings: [[UInt8]] = []) -> [UInt8] {
        var shapeProto: [UInt8] = []
        for d in shape { shapeProto += EventProto.lengthDelimited(2, field(1, varint: UInt64(d))) }
        var out = field(1, varint: dtype) + EventProto.lengthDelimited(2, shapeProto)
        if let content { out += EventProto.lengthDelimited(4, content) }
        for s in strings { out += EventProto.lengthDelimited(8, s) }
        return out
    }

    /// `Summary { value = 1 { tag = 1; metadata = 9 { plugin_data = 1 { plugin_name = 1 };
    /// summary_description = 3; data_class = 4 }; tensor = 8 } }`.
    private static func summary(tag: String, plugin: String, dataClass: UInt64, description: String, tensor: [UInt8]) -> [UInt8] {
        var metadata = EventProto.lengthDelimited(1, EventProto.lengthDelimited(1, Array(plugin.utf8)))
        if !description.isEmpty { metadata += EventProto.lengthDelimited(3, Array(description.utf8)) }
        metadata += field(4, varint: dataClass)
        let value = EventProto.lengthDelimited(1, Array(tag.utf8)) + EventProto.lengthDelimited(9, metadata)
            + EventProto.lengthDelimited(8, tensor)
        return EventProto.lengthDelimited(1, value)
    }

    private static func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }   // little-endian, as TensorFlow's tensor_content
    }

    /// `tf.summary.scalar`: a float32 scalar tensor of the "scalars" plugin.
    public static func scalar(tag: String, value: Double, description: String = "") -> [UInt8] {
        summary(tag: tag, plugin: "scalars", dataClass: scalarClass, description: description,
                tensor: tensor(dtype: float32, shape: [], content: bytes([Float(value)])))
    }

    /// `tf.summary.histogram`: the float64 `(buckets, 3)` tensor of the "histograms" plugin.
    public static func histogram(tag: String, data: Tensor, buckets: Int = 30, description: String = "") throws -> [UInt8] {
        let rows = try histogramBuckets(data, buckets: buckets)
        return summary(tag: tag, plugin: "histograms", dataClass: tensorClass, description: description,
                       tensor: tensor(dtype: float64, shape: [rows.count, 3], content: bytes(rows.flatMap { [$0.0, $0.1, $0.2] })))
    }

    /// TF2's histogram buckets (`summary_v2._buckets`): `buckets` equal-width buckets from the
    /// minimum to the maximum as (left edge, right edge, count), the maximum in the last bucket;
    /// a single distinct value puts every count in the last of `buckets` zero-width buckets; no
    /// data or no buckets: `buckets` zero rows. Non-finite offsets are not counted.
    public static func histogramBuckets(_ data: Tensor, buckets: Int) throws -> [(Double, Double, Double)] {
        try data.requireNumericData("tf.summary.histogram")
        let k = Swift.max(0, buckets)
        if k > 1 << 20 { throw SwiftKerasError.invalid("tf.summary.histogram: buckets must be at most 1048576, got \(buckets)") }
        let x = data.doubles
        if x.isEmpty || k == 0 { return Array(repeating: (0, 0, 0), count: k) }
        var lo = x[0], hi = x[0]
        for v in x { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        let range = hi - lo
        if range == 0 {
            return (0..<k).map { (lo, lo, $0 == k - 1 ? Double(x.count) : 0) }
        }
        let width = range / Double(k)
        var counts = [Double](repeating: 0, count: k)
        for v in x {
            let i = ((v - lo) / width).rounded(.down)
            if i.isFinite && i >= 0 { counts[i >= Double(k - 1) ? k - 1 : Int(i)] += 1 }
        }
        let step = range / Double(k)
        return (0..<k).map { i in
            (lo + step * Double(i), i == k - 1 ? hi : lo + step * Double(i + 1), counts[i])
        }
    }

    /// `tf.summary.text`: the string tensor of the "text" plugin.
    public static func text(tag: String, data: Tensor, description: String = "") throws -> [UInt8] {
        guard data.dtype == .string else {
            throw SwiftKerasError(.invalidDType, "tf.summary.text: data must be a string tensor, got \(data.dtype)")
        }
        let strings = try (0..<data.count).map { try data.stringBytes(at: $0) }
        return summary(tag: tag, plugin: "text", dataClass: tensorClass, description: description,
                       tensor: tensor(dtype: string, shape: data.shape, content: nil, strings: strings))
    }
}

/// `tf.summary.create_file_writer(logdir)`: one event file in `logdir`, made on the first write
/// (as TF's writer creates it on `init`), summaries appended with their step. Thread-safe.
public final class SummaryFileWriter: Sendable {
    public let logDir: String
    public let suffix: String
    private struct State: ~Copyable {
        var writer: EventFileWriter?
        var closed = false
    }
    private let state = Mutex(State())

    public init(logDir: String, suffix: String = "") throws {
        if logDir.isEmpty { throw SwiftKerasError.invalid("tf.summary.create_file_writer: logdir is empty") }
        self.logDir = logDir
        self.suffix = suffix
    }

    private func withFile<R>(_ body: (EventFileWriter) throws -> R) throws -> R {
        try state.withLock { s in
            if s.closed { throw SwiftKerasError(.runtime, "tf.summary: the writer of '\(logDir)' is closed") }
            let w = try s.writer ?? EventFileWriter(directory: logDir, suffix: suffix)
            s.writer = w
            return try body(w)
        }
    }

    /// Creates the event file now (`writer.init()`; writes create it anyway).
    public func open() throws { try withFile { _ in } }

    /// Writes an encoded `Summary` at `step`.
    public func write(_ summary: [UInt8], step: Int) throws { try withFile { try $0.writeSummary(summary, step: step) } }

    /// The event file's path (nil before the first write).
    public var path: String? { state.withLock { $0.writer?.path } }

    /// Closes the file; later writes are errors.
    public func close() throws {
        let w = state.withLock { s -> EventFileWriter? in
            s.closed = true
            defer { s.writer = nil }
            return s.writer
        }
        try w?.close()
    }
}
