import Glibc

/// Reading and writing tensors in the safetensors format (https://github.com/huggingface/safetensors),
/// the file format of Keras `save_weights`/`load_weights` here, readable by other tools
/// (`safetensors.numpy.load_file`, `safetensors.torch.load_file`, ...).
///
/// Layout: an 8-byte little-endian unsigned header length N, N bytes of a UTF-8 JSON object
/// (padded with spaces so N is a multiple of 8), then the data section. The JSON maps each tensor
/// name to `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` (offsets relative
/// to the data section, end exclusive) and may hold `"__metadata__"`, a map of strings to strings.
///
/// Writes are atomic: a failed or interrupted write (full disk, unwritable directory, crash)
/// leaves the previous file intact. Reads validate the whole file before trusting any of it and
/// report a damaged or foreign file as a thrown error, never a crash.
///
/// Tensor bytes are copied as they are in memory: the format is little-endian, as is every
/// platform this library builds for (x86-64, arm64).
public enum SafeTensors {
    /// The largest header accepted (the reference implementation's limit, 100 MB).
    public static let maximumHeaderSize = 100_000_000

    /// The key of the string-to-string metadata map in the header.
    public static let metadataKey = "__metadata__"

    /// The safetensors dtype code of `dtype` ("F32", "BF16", "BOOL", ...).
    public static func code(of dtype: DType) -> String {
        switch dtype {
        case .float32: return "F32"
        case .float64: return "F64"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int32: return "I32"
        case .int64: return "I64"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        case .string: return "STRING"   // never written: `write` refuses string tensors
        }
    }

    /// The dtype of a safetensors dtype code, or nil for a code this library has no dtype for.
    public static func dtype(ofCode code: String) -> DType? {
        switch code {
        case "F32": return .float32
        case "F64": return .float64
        case "F16": return .float16
        case "BF16": return .bfloat16
        case "I32": return .int32
        case "I64": return .int64
        case "U8": return .uint8
        case "BOOL": return .bool
        default: return nil
        }
    }

    // MARK: Writing

    /// Writes `tensors` (in this order, contiguously) and `metadata` to `path` in the
    /// safetensors format, atomically (`FileIO.writeAtomically`): the content goes to the
    /// target's one temporary file `.<name>.swiftkeras-tmp` in the same directory, which is
    /// fsynced and renamed over `path` (symbolic links followed, only a regular file replaced,
    /// its permissions kept); on any failure the temporary file is removed and an existing
    /// file at `path` is left as it was.
    ///
    /// Implements the file side of Keras `Model.save_weights`. Metadata keys are written in
    /// sorted order, so equal inputs give byte-identical files.
    ///
    /// - Throws: `.invalidArgument` for duplicate or reserved (`"__metadata__"`) tensor names or a
    ///   header over `maximumHeaderSize`; `.io` naming the path and the system's error text when
    ///   the file cannot be written (no space left, permission denied, missing directory, ...).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        let header = try encodeHeader(tensors, metadata: metadata, path: path)
        try FileIO.writeAtomically(to: path, op: "safetensors") { w in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try w.write($0) }
            try w.write(header)
            for (_, t) in tensors {
                try t.withUnsafeBytes { try w.write($0) }
            }
        }
    }

    /// The header bytes (JSON padded with spaces to a multiple of 8) for `tensors` laid out in order.
    static func encodeHeader(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                             path: String) throws -> [UInt8] {
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += JSONWriter.quoted(metadataKey) + ":{"
            for (i, key) in metadata.keys.sorted().enumerated() {
                if i > 0 { json += "," }
                json += JSONWriter.quoted(key) + ":" + JSONWriter.quoted(metadata[key] ?? "")
            }
            json += "}"
            first = false
        }
        var seen = Set<String>()
        var offset = 0
        for (name, t) in tensors {
            if name == metadataKey {
                throw SwiftKerasError(.invalidArgument,
                                      "safetensors: cannot write '\(path)': the tensor name \"\(metadataKey)\" is reserved for the metadata")
            }
            if !seen.insert(name).inserted {
                throw SwiftKerasError(.invalidArgument, "safetensors: cannot write '\(path)': duplicate tensor name \"\(name)\"")
            }
            if t.dtype == .string {
                throw SwiftKerasError(.invalidArgument, "safetensors: cannot write '\(path)': tensor \"\(name)\" is a string tensor (the format holds numbers only)")
            }
            let bytes = t.count * t.dtype.byteSize  // a live tensor's byte count cannot overflow
            let (end, overflow) = offset.addingReportingOverflow(bytes)
            if overflow {
                throw SwiftKerasError(.invalidArgument, "safetensors: cannot write '\(path)': the tensors are too large for one file")
            }
            if !first { json += "," }
            first = false
            json += JSONWriter.quoted(name)
            json += ":{\"dtype\":\"\(code(of: t.dtype))\",\"shape\":["
            json += t.shape.map(String.init).joined(separator: ",")
            json += "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"
        var bytes = Array(json.utf8)
        let pad = (8 - bytes.count % 8) % 8
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pad))
        if bytes.count > maximumHeaderSize {
            throw SwiftKerasError(.invalidArgument,
                                  "safetensors: cannot write '\(path)': the header would be \(bytes.count) bytes, over the \(maximumHeaderSize)-byte limit readers accept")
        }
        return bytes
    }

    // MARK: Reading

    /// One validated header entry.
    private struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Reads the tensors (in header order) and the metadata of the safetensors file at `path`.
    ///
    /// Implements the file side of Keras `Model.load_weights`. The whole file is validated before
    /// any tensor is returned: the header length, the JSON header (strict syntax, valid UTF-8,
    /// known dtypes, non-negative dimensions, unique names, only the known fields), and the data
    /// offsets, which must match each tensor's shape and dtype and cover the data section exactly,
    /// without gaps, overlaps or trailing bytes. BOOL bytes other than 0 read as true.
    ///
    /// - Throws: `.io` naming the path and the problem for a missing, unreadable, truncated,
    ///   damaged or foreign file; `.outOfMemory` when a tensor cannot be allocated.
    public static func read(from path: String) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        let (file, entries, metadata, dataStart) = try open(path)
        var tensors: [(String, Tensor)] = []
        tensors.reserveCapacity(entries.count)
        for e in entries {
            let t = try Tensor.uninitialized(e.shape, e.dtype, op: "safetensors")
            if e.end > e.begin {
                try file.read(into: t.raw, count: e.end - e.begin, at: dataStart + e.begin)
            }
            if e.dtype == .bool {
                // Any non-zero byte is true; a Swift Bool must hold exactly 0 or 1.
                let p = t.raw.assumingMemoryBound(to: UInt8.self)
                for j in 0..<t.count where p[j] > 1 { p[j] = 1 }
            }
            tensors.append((e.name, t))
        }
        return (tensors, metadata)
    }

    /// The names, dtypes and shapes (in header order) and the metadata of the safetensors file at
    /// `path`, validated exactly as `read(from:)` does, without reading the tensor data: lets a
    /// loader report a missing or mismatched weight before allocating anything.
    ///
    /// - Throws: the same errors as `read(from:)` for a missing, unreadable or damaged file.
    public static func contents(of path: String) throws
        -> (tensors: [(name: String, dtype: DType, shape: [Int])], metadata: [String: String]) {
        let (_, entries, metadata, _) = try open(path)
        return (entries.map { ($0.name, $0.dtype, $0.shape) }, metadata)
    }

    /// What a file starting with `head` (its first 8 bytes) is when its signature is one of the
    /// Keras formats SwiftKeras does not read: an HDF5 file (tf.keras 2 `.h5`, Keras 3
    /// `.weights.h5`) or a zip archive (Keras 3 `.keras`); nil otherwise.
    static func foreignFormat(_ head: [UInt8]) -> String? {
        if head.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return "an HDF5 file (a tf.keras .h5 model or weights file)"
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive (a Keras .keras model file)" }
        return nil
    }

    /// Opens and validates the file at `path`: everything but the tensor bytes themselves.
    private static func open(_ path: String) throws -> (FileIO.Reader, [Entry], [String: String], Int) {
        let file = try FileIO.Reader(path: path, op: "safetensors")
        func bad(_ what: String) -> SwiftKerasError {
            SwiftKerasError(.io, "safetensors: '\(path)' is not a valid safetensors file: \(what)")
        }
        if file.size < 8 {
            throw bad("the file is \(file.size) bytes long, too short for the 8-byte header length")
        }
        let lengthBytes = try file.bytes(count: 8, at: 0)
        if let foreign = foreignFormat(lengthBytes) {
            throw SwiftKerasError(.io, "safetensors: '\(path)' is \(foreign), which SwiftKeras does not read (it reads the safetensors files and model directories its own save and save_weights write)")
        }
        var length: UInt64 = 0
        for i in (0..<8).reversed() { length = length << 8 | UInt64(lengthBytes[i]) }
        if length > UInt64(maximumHeaderSize) {
            throw bad("the header length \(length) exceeds the limit of \(maximumHeaderSize) bytes")
        }
        let headerSize = Int(length)
        if headerSize > file.size - 8 {
            throw bad("the header length \(headerSize) exceeds the \(file.size - 8) bytes that follow it (truncated file?)")
        }
        if headerSize < 2 {
            throw bad("the header length \(headerSize) is too small for a JSON object")
        }
        let header = try file.bytes(count: headerSize, at: 8)
        if header[0] != UInt8(ascii: "{") {
            throw bad("the header does not start with '{'")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(header)
        } catch let e as JSONSyntaxError {
            throw bad("invalid JSON header: \(e.description)")
        }
        let dataSize = file.size - 8 - headerSize
        let (entries, metadata) = try parseHeader(json, dataSize: dataSize, bad: bad)

        // Coverage: sorted by offsets, the tensors must tile [0, dataSize) exactly.
        let order = entries.indices.sorted { (entries[$0].begin, entries[$0].end) < (entries[$1].begin, entries[$1].end) }
        var covered = 0
        var previous: Int? = nil
        for i in order {
            let e = entries[i]
            if e.begin < covered, let p = previous {
                throw bad("the data of tensors \"\(entries[p].name)\" and \"\(e.name)\" overlap (offsets [\(entries[p].begin), \(entries[p].end)) and [\(e.begin), \(e.end)))")
            }
            if e.begin > covered {
                throw bad("bytes [\(covered), \(e.begin)) of the data section belong to no tensor (non-contiguous data offsets)")
            }
            covered = e.end
            previous = i
        }
        if covered != dataSize {
            throw bad("the tensors cover \(covered) bytes but the data section has \(dataSize) bytes (trailing data or wrong offsets)")
        }
        return (file, entries, metadata, 8 + headerSize)
    }

    /// Validates the parsed header against the schema and the data section's size.
    private static func parseHeader(_ json: JSONValue, dataSize: Int,
                                    bad: (String) -> SwiftKerasError) throws -> ([Entry], [String: String]) {
        guard case .object(let members) = json else { throw bad("the header is not a JSON object") }
        var entries: [Entry] = []
        var names = Set<String>()
        var metadata: [String: String]? = nil
        for m in members {
            if m.key == metadataKey {
                if metadata != nil { throw bad("\"\(metadataKey)\" appears twice") }
                guard case .object(let items) = m.value else {
                    throw bad("\"\(metadataKey)\" is \(m.value.kindName), expected an object of strings")
                }
                var map: [String: String] = [:]
                for item in items {
                    guard case .string(let s) = item.value else {
                        throw bad("metadata \"\(item.key)\" is \(item.value.kindName), expected a string")
                    }
                    if map.updateValue(s, forKey: item.key) != nil { throw bad("duplicate metadata key \"\(item.key)\"") }
                }
                metadata = map
                continue
            }
            if !names.insert(m.key).inserted { throw bad("duplicate tensor name \"\(m.key)\"") }
            entries.append(try parseEntry(m.key, m.value, dataSize: dataSize, bad: bad))
        }
        return (entries, metadata ?? [:])
    }

    /// A JSON number that must be a non-negative integer fitting in `Int`.
    private static func integer(_ v: JSONValue, _ what: String, bad: (String) -> SwiftKerasError) throws -> Int {
        guard case .number(let text) = v else { throw bad("\(what) is \(v.kindName), expected an integer") }
        if text.hasPrefix("-") { throw bad("\(what) is negative (\(text))") }
        var n = 0
        for c in text.utf8 {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { throw bad("\(what) is not an integer (\(text))") }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            if o1 || o2 { throw bad("\(what) is too large (\(text))") }
            n = s
        }
        return n
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataSize: Int,
                                   bad: (String) -> SwiftKerasError) throws -> Entry {
        let label = "tensor \"\(name)\""
        guard case .object(let fields) = value else { throw bad("\(label) is \(value.kindName), expected an object") }
        var dtype: DType? = nil
        var shape: [Int]? = nil
        var offsets: (Int, Int)? = nil
        var seen = Set<String>()
        for f in fields {
            if !seen.insert(f.key).inserted { throw bad("\(label) has the field \"\(f.key)\" twice") }
            switch f.key {
            case "dtype":
                guard case .string(let code) = f.value else { throw bad("\(label): dtype is \(f.value.kindName), expected a string") }
                guard let d = SafeTensors.dtype(ofCode: code) else {
                    throw bad("\(label): unknown or unsupported dtype \"\(code)\" (supported: F32, F64, F16, BF16, I32, I64, U8, BOOL)")
                }
                dtype = d
            case "shape":
                guard case .array(let dims) = f.value else { throw bad("\(label): shape is \(f.value.kindName), expected an array") }
                shape = try dims.enumerated().map { try integer($0.element, "\(label): dimension \($0.offset) of the shape", bad: bad) }
            case "data_offsets":
                guard case .array(let pair) = f.value, pair.count == 2 else {
                    throw bad("\(label): data_offsets must be an array of two integers [begin, end]")
                }
                offsets = (try integer(pair[0], "\(label): data_offsets begin", bad: bad),
                           try integer(pair[1], "\(label): data_offsets end", bad: bad))
            default:
                throw bad("\(label) has an unknown field \"\(f.key)\"")
            }
        }
        guard let dtype else { throw bad("\(label) has no dtype") }
        guard let shape else { throw bad("\(label) has no shape") }
        guard let (begin, end) = offsets else { throw bad("\(label) has no data_offsets") }
        var count = 1
        for d in shape {
            let (m, o) = count.multipliedReportingOverflow(by: d)
            if o { throw bad("\(label): shape \(formatShape(shape)) has too many elements") }
            count = m
        }
        let (bytes, o) = count.multipliedReportingOverflow(by: dtype.byteSize)
        if o { throw bad("\(label): shape \(formatShape(shape)) has too many elements") }
        if end < begin { throw bad("\(label): data_offsets [\(begin), \(end)] end before they begin") }
        if end > dataSize {
            throw bad("\(label): data_offsets [\(begin), \(end)] go past the end of the \(dataSize)-byte data section (truncated file?)")
        }
        if end - begin != bytes {
            throw bad("\(label): data_offsets [\(begin), \(end)] hold \(end - begin) bytes but shape \(formatShape(shape)) of \(code(of: dtype)) needs \(bytes)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }
}
