import Glibc

/// The elements of a string tensor (TF's `tf.string`): byte strings (UTF-8 when they are text),
/// stored back to back in one buffer with `count + 1` offsets, so a tensor of a million short
/// strings is two allocations. Immutable and shared by the tensors that view it (reshape).
///
/// A string tensor is a `Tensor` of dtype `.string` whose numeric buffer is zeros: numeric ops
/// refuse the dtype by name at their front door (`Tensor.requireNumeric`), the data-movement
/// ops TF allows on strings (reshape, gather, concat, stack, slicing, transpose, ...) move the
/// elements through `Tensor.movingStrings`, and the string ops live in `Ops/StringOps.swift`.
package final class StringElements: @unchecked Sendable {
    /// Every element's bytes, back to back.
    package let bytes: [UInt8]
    /// Element `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    package let offsets: [Int]

    /// The number of elements.
    package var count: Int { offsets.count - 1 }

    /// A pointer for empty elements when no element has bytes (a NUL byte, never written).
    let emptyElement: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    deinit { UnsafeMutablePointer(mutating: emptyElement).deallocate() }

    init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Element `i`'s bytes (the caller checks `i`).
    package func element(_ i: Int) -> ArraySlice<UInt8> { bytes[offsets[i] ..< offsets[i + 1]] }

    /// Element `i` decoded as UTF-8 (invalid sequences become U+FFFD).
    package func string(_ i: Int) -> String { String(decoding: element(i), as: UTF8.self) }
}

/// Collects byte strings into a `StringElements`, checking the sizes it is given.
package struct StringElementsBuilder {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]

    /// An empty builder.
    package init() {}

    /// Appends one element.
    package mutating func append<C: Collection>(_ element: C) where C.Element == UInt8 {
        bytes.append(contentsOf: element)
        offsets.append(bytes.count)
    }

    /// Appends the UTF-8 of `s`.
    package mutating func append(string s: String) { append(s.utf8) }

    /// The elements collected so far.
    package func build() -> StringElements { StringElements(bytes: bytes, offsets: offsets) }
}

extension Tensor {
    /// Creates a string tensor of `shape` from `elements` (whose count must match the shape).
    package static func strings(_ elements: StringElements, shape: [Int], op: StaticString = "tensor") throws -> Tensor {
        let n = try ShapeMath.count(shape, op: op)
        if n != elements.count {
            throw SwiftKerasError.invalid("\(op): \(elements.count) strings cannot fill shape \(formatShape(shape)) (\(n) elements)")
        }
        let bytes = try ShapeMath.byteCount(n, .string, op: op)
        let s = try Storage(byteCount: bytes, op: op)
        if bytes > 0 { memset(s.base, 0, bytes) }
        return Tensor(storage: s, shape: shape, dtype: .string, count: n, strings: elements)
    }

    /// Creates a string tensor from Swift strings (stored as UTF-8) and a matching `shape`.
    public convenience init(strings values: [String], shape: [Int]) throws {
        var b = StringElementsBuilder()
        for v in values { b.append(string: v) }
        let t = try Tensor.strings(b.build(), shape: shape)
        self.init(storage: t.storage, shape: shape, dtype: .string, count: t.count, strings: t.strings)
    }

    /// Creates a 1-D string tensor.
    public convenience init(strings values: [String]) throws {
        try self.init(strings: values, shape: [values.count])
    }

    /// Creates a string tensor from byte strings (any bytes; TF strings need not be UTF-8).
    public static func fromBytes(_ values: [[UInt8]], shape: [Int]) throws -> Tensor {
        var b = StringElementsBuilder()
        for v in values { b.append(v) }
        return try strings(b.build(), shape: shape)
    }

    /// The elements of a string tensor, decoded as UTF-8; throws for other dtypes.
    public func stringScalars() throws -> [String] {
        let e = try stringElements(op: "strings")
        return (0 ..< e.count).map { e.string($0) }
    }

    /// The bytes of element `index` (row-major) of a string tensor.
    public func stringBytes(at index: Int) throws -> [UInt8] {
        let e = try stringElements(op: "string_at")
        if index < 0 || index >= e.count {
            throw SwiftKerasError(.outOfRange, "string_at: index \(index) is out of range for \(e.count) elements")
        }
        return Array(e.element(index))
    }

    /// Element `index` as a pointer to its bytes and their count, borrowed from this tensor:
    /// valid while the tensor lives (its elements are an immutable array that never moves).
    public func borrowedString(at index: Int) throws -> (UnsafePointer<CChar>, Int) {
        let e = try stringElements(op: "string_at")
        if index < 0 || index >= e.count {
            throw SwiftKerasError(.outOfRange, "string_at: index \(index) is out of range for \(e.count) elements")
        }
        let start = e.offsets[index], n = e.offsets[index + 1] - start
        let base = e.bytes.withUnsafeBufferPointer { $0.baseAddress }
        guard let base else { return (e.emptyElement, 0) }
        return (UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self), n)
    }

    /// The elements of this tensor, which must be a string tensor (`op` names the caller).
    package func stringElements(op: StaticString) throws -> StringElements {
        guard dtype == .string, let strings else {
            throw SwiftKerasError.dtype("\(op): expected a string tensor, got dtype \(dtype)")
        }
        return strings
    }

    /// Throws unless this tensor is numeric: the front door of numeric ops (TF refuses strings
    /// in math with "Value for attr 'T' of string is not in the list of allowed values").
    @inline(__always)
    package func requireNumeric(_ op: StaticString) throws {
        if dtype == .string {
            throw SwiftKerasError.dtype("\(op): string tensors are not supported (dtype string); convert them first, e.g. with tf.strings.to_number")
        }
    }

    /// The result of a data-movement op on a string tensor: `body` runs the same op on the
    /// element indices (int64, offset per input), and the strings at the indices it returns
    /// make the result. Every rule of the op (shapes, axes, errors) is the numeric op's own.
    package static func movingStrings(_ inputs: [Tensor], op: StaticString,
                                      _ body: ([Tensor]) throws -> Tensor) throws -> Tensor {
        var sources: [StringElements] = []
        var indexInputs: [Tensor] = []
        var base = 0
        for x in inputs {
            let e = try x.stringElements(op: op)
            sources.append(e)
            let idx = try Tensor.uninitialized(x.shape, .int64, op: op)
            let p = idx.pointer(Int64.self)
            for i in 0 ..< x.count { p[i] = Int64(base + i) }
            indexInputs.append(idx)
            base += x.count
        }
        let moved = try body(indexInputs)
        // Map a global index back to (source, local index).
        var starts: [Int] = []
        var s = 0
        for e in sources { starts.append(s); s += e.count }
        var b = StringElementsBuilder()
        let p = moved.pointer(Int64.self)
        for i in 0 ..< moved.count {
            let g = Int(p[i])
            var k = sources.count - 1
            while k > 0 && starts[k] > g { k -= 1 }
            b.append(sources[k].element(g - starts[k]))
        }
        return try strings(b.build(), shape: moved.shape, op: op)
    }

    /// Throws unless this tensor has numeric data to copy out (a string tensor's elements are
    /// read one by one, `stringBytes(at:)` / `borrowedString(at:)`).
    public func requireNumericData(_ op: StaticString) throws {
        if dtype == .string {
            throw SwiftKerasError.dtype("\(op): a string tensor has no numeric data; read its elements one by one (sk_tensor_string_at)")
        }
    }

    /// Throws unless `dtype` is numeric: numeric creation paths cannot make string tensors.
    @inline(__always)
    package static func requireNumericDType(_ dtype: DType, _ op: StaticString) throws {
        if dtype == .string {
            throw SwiftKerasError.dtype("\(op): a string tensor cannot be created from numbers (create it from its strings)")
        }
    }

    /// numpy's rendering of string elements (`b'abc'`), for `description`.
    var stringElementsDescription: [String] {
        guard let strings else { return [] }
        return (0 ..< strings.count).map { i in
            var out = "b'"
            for c in strings.element(i) {
                switch c {
                case 0x27: out += "\\'"
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x09: out += "\\t"
                case 0x0D: out += "\\r"
                case 0x20 ..< 0x7F: out.unicodeScalars.append(Unicode.Scalar(c))
                default:
                    let hex = Array("0123456789abcdef")
                    out += "\\x" + String(hex[Int(c >> 4)]) + String(hex[Int(c & 15)])
                }
            }
            return out + "'"
        }
    }
}

extension Tensor {
    /// The string path of a data-movement op: nil when no input is a string tensor (the
    /// numeric op runs as before); otherwise `movingStrings` of `body`, and a mix of string
    /// and numeric inputs is refused naming `op`.
    @inline(__always)
    package static func stringPath(_ inputs: [Tensor], op: StaticString,
                                   _ body: ([Tensor]) throws -> Tensor) throws -> Tensor? {
        if !inputs.contains(where: { $0.dtype == .string }) { return nil }
        if inputs.contains(where: { $0.dtype != .string }) {
            throw SwiftKerasError.dtype("\(op): cannot mix string and numeric tensors (dtypes \(inputs.map { $0.dtype.name }))")
        }
        return try movingStrings(inputs, op: op, body)
    }
}
