// The elements of a tf.data pipeline: a nested structure (one tensor, tuples, dicts) over a flat
// list of tensors. The structure is defined here once; C sees the flat list plus the structure's
// JSON description, Python rebuilds tuples and dicts from the same description.

/// The nesting of a dataset element (TF's `tf.nest` structure): one tensor, a tuple of
/// structures, or a dict of structures. Dict keys are kept sorted, as `tf.nest` flattens them.
///
/// JSON description (C and Python): a tensor is `"t"`, a tuple is an array of descriptions, a
/// dict an object of them: `["t", "t"]` for `(x, y)`, `[{"a": "t", "b": "t"}, "t"]` for
/// `({"a": a, "b": b}, y)`.
public indirect enum ElementStructure: Equatable, CustomStringConvertible {
    /// One tensor.
    case tensor
    /// A tuple (TF also treats lists this way).
    case tuple([ElementStructure])
    /// A dict; keys sorted, one structure per key.
    case dict(keys: [String], values: [ElementStructure])

    /// The number of tensors in the flat list.
    public var leafCount: Int {
        switch self {
        case .tensor: return 1
        case .tuple(let items): return items.reduce(0) { $0 + $1.leafCount }
        case .dict(_, let values): return values.reduce(0) { $0 + $1.leafCount }
        }
    }

    /// A dict structure from unsorted key/value pairs (keys sorted, duplicates rejected).
    public static func dict(_ pairs: [(String, ElementStructure)]) throws -> ElementStructure {
        let sorted = pairs.sorted { $0.0 < $1.0 }
        for i in sorted.indices.dropFirst() where sorted[i].0 == sorted[i - 1].0 {
            throw SwiftKerasError.invalid("dataset structure: the key '\(sorted[i].0)' appears twice")
        }
        return .dict(keys: sorted.map(\.0), values: sorted.map(\.1))
    }

    /// A tuple of `n` tensors, or a tensor when `n` is 1 (the structure C gives by default).
    public static func flat(_ n: Int) -> ElementStructure { n == 1 ? .tensor : .tuple(Array(repeating: .tensor, count: n)) }

    /// The JSON description (see the type's documentation).
    public var json: String { config.json }

    /// A readable form: `(t, {a: t})`.
    public var description: String {
        switch self {
        case .tensor: return "t"
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .dict(let keys, let values):
            return "{" + zip(keys, values).map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        }
    }

    var config: ConfigValue {
        switch self {
        case .tensor: return .string("t")
        case .tuple(let items): return .array(items.map(\.config))
        case .dict(let keys, let values): return .object(Dictionary(uniqueKeysWithValues: zip(keys, values.map(\.config))))
        }
    }

    /// Parses a JSON description; `op` names the caller in errors.
    public static func parse(json text: String, op: String) throws -> ElementStructure {
        func read(_ v: ConfigValue) throws -> ElementStructure {
            switch v {
            case .string("t"): return .tensor
            case .array(let items): return .tuple(try items.map(read))
            case .object(let o): return try .dict(try o.map { ($0.key, try read($0.value)) })
            default:
                throw SwiftKerasError.invalid("\(op): invalid element structure \(v.json) in \(text) (a tensor is \"t\", a tuple an array, a dict an object)")
            }
        }
        return try read(try ConfigValue.parse(json: text))
    }

    /// The leaf ranges of a tuple's items (or dict's values) in the flat list.
    var childRanges: [Range<Int>] {
        let children: [ElementStructure]
        switch self {
        case .tensor: return []
        case .tuple(let items): children = items
        case .dict(_, let values): children = values
        }
        var lo = 0
        return children.map { c in defer { lo += c.leafCount }; return lo..<(lo + c.leafCount) }
    }
}

/// The static description of one tensor of an element (`tf.TensorSpec`): its dtype and its
/// shape, with nil for a dimension that varies between elements.
public struct TensorSpec: Equatable, CustomStringConvertible {
    /// The shape; nil dimensions are unknown.
    public var shape: [Int?]
    /// The dtype.
    public var dtype: DType

    /// A spec.
    public init(shape: [Int?], dtype: DType) {
        self.shape = shape
        self.dtype = dtype
    }

    /// The spec of a tensor.
    public init(of t: Tensor) { self.init(shape: t.shape.map { $0 }, dtype: t.dtype) }

    /// The spec of both: dimensions that differ become unknown (nil for a rank mismatch).
    func merged(with o: TensorSpec) -> TensorSpec? {
        guard dtype == o.dtype, shape.count == o.shape.count else { return nil }
        return TensorSpec(shape: zip(shape, o.shape).map { $0 == $1 ? $0 : nil }, dtype: dtype)
    }

    /// Whether the part fits this spec.
    func admits(_ p: ElementPart) -> Bool {
        p.dtype == dtype && p.shape.count == shape.count && zip(shape, p.shape).allSatisfy { $0 == nil || $0 == $1 }
    }

    /// The spec of a part.
    init(of p: ElementPart) { self.init(shape: p.shape.map { $0 }, dtype: p.dtype) }

    /// `TensorSpec(shape=(None, 3), dtype=tf.float32)`.
    public var description: String {
        let dims = shape.map { $0.map(String.init) ?? "None" }
        return "TensorSpec(shape=(\(dims.joined(separator: ", "))\(dims.count == 1 ? "," : "")), dtype=tf.\(dtype))"
    }
}

/// One tensor of an element: a tensor, or row `i` of a tensor along axis 0 (what
/// `from_tensor_slices` and `unbatch` give) kept unsliced until needed, so that batching rows
/// copies each once straight into the batch.
enum ElementPart {
    case tensor(Tensor)
    case row(Tensor, Int)

    var dtype: DType {
        switch self { case .tensor(let t): return t.dtype; case .row(let t, _): return t.dtype }
    }

    var shape: ArraySlice<Int> {
        switch self { case .tensor(let t): return t.shape[...]; case .row(let t, _): return t.shape.dropFirst() }
    }

    /// The bytes of the part and their count.
    var bytes: (UnsafeRawPointer, Int) {
        switch self {
        case .tensor(let t): return (UnsafeRawPointer(t.raw), t.count * t.dtype.byteSize)
        case .row(let t, let i):
            let n = t.shape[0] == 0 ? 0 : t.count / t.shape[0] * t.dtype.byteSize
            return (UnsafeRawPointer(t.raw + i * n), n)
        }
    }

    var tensor: Tensor {
        get throws {
            switch self {
            case .tensor(let t): return t
            case .row(let t, let i):
                // String rows move their elements (their bytes are not in the buffer).
                if t.dtype == .string { return try t.gathered(indices: Tensor(scalar: Int64(i))) }
                let (p, _) = bytes
                return try Tensor.copying(p, shape: Array(t.shape.dropFirst()), dtype: t.dtype)
            }
        }
    }
}

/// One element of a dataset: a structure and its tensors, flattened in structure order.
public struct DatasetElement {
    /// The nesting of the tensors.
    public let structure: ElementStructure
    var parts: [ElementPart]

    /// An element from its structure and flat tensors (as many as the structure has leaves).
    public init(structure: ElementStructure, tensors: [Tensor]) throws {
        if structure.leafCount != tensors.count {
            throw SwiftKerasError.invalid("dataset element: the structure \(structure) has \(structure.leafCount) tensors, got \(tensors.count)")
        }
        self.structure = structure
        parts = tensors.map { .tensor($0) }
    }

    init(structure: ElementStructure, parts: [ElementPart]) {
        self.structure = structure
        self.parts = parts
    }

    /// One tensor.
    public init(_ t: Tensor) { self.init(structure: .tensor, parts: [.tensor(t)]) }

    /// The flat tensors.
    public var tensors: [Tensor] { get throws { try parts.map { try $0.tensor } } }

    /// The specs of the flat tensors.
    var specs: [TensorSpec] { parts.map(TensorSpec.init(of:)) }

    /// The items of a tuple element (or values of a dict element) as elements; a tensor element
    /// is its own single item.
    public var items: [DatasetElement] {
        switch structure {
        case .tensor: return [self]
        case .tuple(let children), .dict(_, let children):
            return zip(children, structure.childRanges).map { DatasetElement(structure: $0, parts: Array(parts[$1])) }
        }
    }
}
