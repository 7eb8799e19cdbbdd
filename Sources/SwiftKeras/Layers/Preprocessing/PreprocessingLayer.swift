// What the preprocessing layers share: `adapt` (Keras `PreprocessingLayer.adapt` over an array,
// a tensor or a dataset), the categorical encoding of integer ids (`encode_categorical_inputs`)
// and the config helpers for vocabularies.

/// A layer whose state is computed from data (Keras `PreprocessingLayer`): `adapt` resets the
/// state, feeds every batch to `update`, then `finalize`s.
public protocol AdaptableLayer: Layer {
    /// Forgets what earlier `adapt` calls learned (Keras `reset_state`).
    func resetAdaptState() throws
    /// Accumulates one batch (Keras `update_state`).
    func updateAdaptState(_ batch: Tensor) throws
    /// Computes the layer's state from what was accumulated (Keras `finalize_state`).
    func finalizeAdaptState() throws
    /// The batch size `adapt` splits an array into when none is given (nil: all at once; the
    /// result of an approximate layer such as Discretization depends on it — Keras uses 32).
    var defaultAdaptBatchSize: Int? { get }
}

extension AdaptableLayer {
    /// Exact layers learn the same state from any batching: all at once.
    public var defaultAdaptBatchSize: Int? { nil }

    /// Learns the layer's state from `data`, split into batches of `batchSize` along the first
    /// axis (Keras `adapt(data, batch_size=None, steps=None)`; a rank-0 tensor is one batch).
    /// `steps` limits the number of batches.
    public func adapt(_ data: Tensor, batchSize: Int? = nil, steps: Int? = nil) throws {
        if let b = batchSize, b < 1 { throw SwiftKerasError.invalid("adapt: batch_size must be positive, got \(b)") }
        if let s = steps, s < 1 { throw SwiftKerasError.invalid("adapt: steps must be positive, got \(s)") }
        try resetAdaptState()
        let batchSize = batchSize ?? defaultAdaptBatchSize
        if data.rank == 0 || batchSize == nil && steps == nil {
            try updateAdaptState(data)
        } else {
            let n = data.shape[0]
            let b = batchSize ?? 32
            var start = 0, done = 0
            while start < n && (steps.map { done < $0 } ?? true) {
                let size = Swift.min(b, n - start)
                try updateAdaptState(try data.slice(begin: [start] + Array(repeating: 0, count: data.rank - 1),
                                                    size: [size] + Array(data.shape.dropFirst())))
                start += size
                done += 1
            }
        }
        try finalizeAdaptState()
    }

    /// Learns the layer's state from every element of `dataset` (each a batch; an element with
    /// several tensors — `(x, y)` — is refused, as Keras adapts on features only), or from its
    /// first `steps` elements.
    public func adapt(_ dataset: Dataset, steps: Int? = nil) throws {
        if let s = steps, s < 1 { throw SwiftKerasError.invalid("adapt: steps must be positive, got \(s)") }
        try resetAdaptState()
        let it = try dataset.makeIterator()
        var done = 0
        while steps.map({ done < $0 }) ?? true, let e = try it.next() {
            let ts = try e.tensors
            if ts.count != 1 {
                throw SwiftKerasError.invalid("adapt: each dataset element must be one tensor, got \(ts.count) (adapt on the features only, e.g. dataset.map(lambda x, y: x))")
            }
            try updateAdaptState(ts[0])
            done += 1
        }
        try finalizeAdaptState()
    }
}

/// The "dtype" of tf.keras 2's configs of the layers that output ids: Hashing, Discretization and
/// the lookup layers carry "int64" (their int output dtype), TextVectorization "string" (its
/// input's). tf.keras 2 accepts it back; so does the core, where the output matches it.
enum IdOutputDType {
    static let byClass = ["Hashing": "int64", "Discretization": "int64", "StringLookup": "int64",
                          "IntegerLookup": "int64", "TextVectorization": "string"]

    /// Whether `dtype` in a config of `className` is that class's tf.keras 2 id dtype.
    static func accepts(_ dtype: String, className: String?) -> Bool {
        byClass[className ?? ""] == dtype
    }

    /// Checks, once the layer is made, that an "int64" dtype goes with ids (output_mode "int");
    /// other modes output floats here.
    static func check(_ dtype: String, _ layer: Layer) throws {
        if dtype != "int64" { return }
        let mode = (layer as? Hashing)?.outputMode ?? (layer as? Discretization)?.outputMode ?? (layer as? IndexLookup)?.outputMode
        if let mode, mode != .int {
            throw SwiftKerasError(.unimplemented, "\(layer.className): dtype \"int64\" with output_mode \"\(mode.rawValue)\" is not implemented (that mode outputs the float compute dtype; omit dtype or use output_mode \"int\")")
        }
    }
}

/// Keras' categorical output modes of the encoding layers.
public enum CategoricalOutputMode: String, Sendable {
    case int, oneHot = "one_hot", multiHot = "multi_hot", count, tfIdf = "tf_idf"

    /// Parses a mode, listing the `allowed` ones in the error.
    static func parse(_ s: String, allowed: [CategoricalOutputMode], owner: String) throws -> CategoricalOutputMode {
        guard let m = CategoricalOutputMode(rawValue: s), allowed.contains(m) else {
            throw SwiftKerasError.invalid("\(owner): unknown `output_mode` \"\(s)\"; expected one of \(allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        return m
    }
}

/// Keras' `encode_categorical_inputs` on dense ids: a rank-0 input becomes one sample, one_hot
/// adds a last axis unless it is already 1, the result has rank ≤ 2 (a rank-1 input gives one
/// `(depth,)` vector); ids outside `0..<depth` are skipped when `skipOutOfRange` (the lookup
/// layers' dropped mask ids) and an error otherwise; `idf` multiplies the counts (tf_idf).
func encodeCategorical(_ ids: [Int64], shape: [Int], mode: CategoricalOutputMode, depth: Int,
                       dtype: DType, idf: [Double]? = nil, skipOutOfRange: Bool = false,
                       owner: String) throws -> Tensor {
    var s = shape
    if s.isEmpty { s = [1] }
    if mode == .oneHot && s.last != 1 { s.append(1) }
    if s.count > 2 {
        throw SwiftKerasError.invalid("\(owner): when output_mode is not 'int', maximum supported output rank is 2. Received output_mode \(mode.rawValue) and input shape \(formatShape(shape)), which would result in output rank \(s.count)")
    }
    let rows = s.count == 1 ? 1 : s[0]
    let width = s.count == 1 ? s[0] : s[1]
    var out = try CheckedAllocation.array(repeating: 0.0, count: try ShapeMath.count([rows, depth], op: "encode_categorical"), op: "encode_categorical")
    for r in 0 ..< rows {
        for c in 0 ..< width {
            let v = ids[r * width + c]
            if v < 0 || v >= Int64(depth) {
                if skipOutOfRange { continue }
                throw SwiftKerasError.invalid("\(owner): input values must be in the range 0 <= values < num_tokens with num_tokens=\(depth), got \(v)")
            }
            let k = r * depth + Int(v)
            out[k] = mode == .count || mode == .tfIdf ? out[k] + 1 : 1
        }
    }
    if let idf {
        for r in 0 ..< rows { for d in 0 ..< Swift.min(depth, idf.count) { out[r * depth + d] *= idf[d] } }
    }
    return try Tensor.from(doubles: out, shape: s.count == 1 ? [depth] : [rows, depth], dtype: dtype)
}

/// The ids of an integer tensor as int64 (floats are refused: Keras' lookups need integers).
func integerIds(_ x: Tensor, owner: String) throws -> [Int64] {
    if !(x.dtype.isInteger) {
        throw SwiftKerasError.dtype("\(owner): expected integer inputs, got dtype \(x.dtype)")
    }
    return try x.cast(to: .int64).scalars(as: Int64.self)
}

extension ConfigReader {
    /// The dense `output_mode` of a layer that outputs bins ("int", "one_hot", "multi_hot",
    /// "count"; Hashing, Discretization), `sparse` refused unless false.
    mutating func binOutputMode(owner: String) throws -> CategoricalOutputMode {
        try onlyDefault("sparse", .bool(false))
        return try CategoricalOutputMode.parse(try string("output_mode") ?? "int", allowed: [.int, .oneHot, .multiHot, .count],
                                               owner: owner)
    }

    /// A list of strings or null.
    mutating func strings(_ key: String) throws -> [String]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let a) = v else { throw fail(key, "a list of strings", v) }
        return try a.map { e in
            guard case .string(let s) = e else { throw fail(key, "a list of strings", v) }
            return s
        }
    }
}

/// `get_vocabulary(include_special_tokens)` of a vocabulary layer as a tensor: strings for
/// StringLookup and TextVectorization, int64 for IntegerLookup; other layers are refused.
public func vocabularyTensor(of layer: Layer, includeSpecialTokens: Bool = true) throws -> Tensor {
    switch layer {
    case let l as StringLookup: return try Tensor(strings: l.getVocabulary(includeSpecialTokens: includeSpecialTokens))
    case let l as TextVectorization: return try Tensor(strings: l.getVocabulary(includeSpecialTokens: includeSpecialTokens))
    case let l as IntegerLookup: return Tensor(l.getVocabulary(includeSpecialTokens: includeSpecialTokens))
    default:
        throw SwiftKerasError.invalid("get_vocabulary: layer '\(layer.name)' of class \(layer.className) has no vocabulary (StringLookup, IntegerLookup and TextVectorization have one)")
    }
}
