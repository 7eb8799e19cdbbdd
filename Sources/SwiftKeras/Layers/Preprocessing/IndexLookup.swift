import Glibc

// StringLookup and IntegerLookup: Keras' IndexLookup (tf-keras 2 `index_lookup.py`) — a
// vocabulary mapped to indices after the mask and OOV indices, learned by `adapt` (tokens by
// descending count, ties by descending token, as Keras' `np.lexsort(...)[::-1]`), encoded as
// ids or as one_hot / multi_hot / count / tf_idf vectors, or inverted back to tokens.

/// A vocabulary key: a byte string (StringLookup) or an integer (IntegerLookup).
enum LookupKey: Hashable, Comparable {
    case bytes([UInt8])
    case int(Int64)

    static func < (a: LookupKey, b: LookupKey) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
        case (.int, .bytes): return true
        case (.bytes, .int): return false
        }
    }

    var config: ConfigValue {
        switch self {
        case .bytes(let b): return .string(String(decoding: b, as: UTF8.self))
        case .int(let i): return .int(Int(i))
        }
    }
}

/// The arguments of a lookup layer that fix its index layout (Keras `IndexLookup.__init__`).
struct LookupSettings {
    /// Whether the keys are strings (StringLookup) or integers (IntegerLookup).
    var stringKeys: Bool
    var maxTokens: Int?
    var numOOVIndices: Int
    var maskToken: LookupKey?
    var oovToken: LookupKey
    var invert: Bool
    var outputMode: CategoricalOutputMode
    var padToMaxTokens: Bool

    /// Throws for the combinations Keras refuses.
    func validate(idfWeights: [Double]?) throws {
        let owner = stringKeys ? "StringLookup" : "IntegerLookup"
        if let m = maxTokens, m <= 1 {
            throw SwiftKerasError.invalid("\(owner): if set, `max_tokens` must be greater than 1. Received: max_tokens=\(m)")
        }
        if padToMaxTokens && maxTokens == nil {
            throw SwiftKerasError.invalid("\(owner): if pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None")
        }
        if numOOVIndices < 0 {
            throw SwiftKerasError.invalid("\(owner): `num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices=\(numOOVIndices)")
        }
        if stringKeys && numOOVIndices > 1 {
            throw SwiftKerasError(.unimplemented, "\(owner): num_oov_indices=\(numOOVIndices) (hashing OOV strings into several buckets) is not implemented; use 0 or 1")
        }
        if invert && outputMode != .int {
            throw SwiftKerasError.invalid("\(owner): `output_mode` must be \"int\" when `invert` is true. Received: output_mode=\(outputMode.rawValue)")
        }
        if outputMode != .tfIdf && idfWeights != nil {
            throw SwiftKerasError.invalid("\(owner): `idf_weights` should only be set if output_mode is \"tf_idf\". Received: output_mode=\(outputMode.rawValue)")
        }
    }
}

/// The shared machinery of StringLookup and IntegerLookup (Keras `IndexLookup`).
public class IndexLookup: Layer, AdaptableLayer {
    /// The index layout's arguments.
    let settings: LookupSettings
    public var maxTokens: Int? { settings.maxTokens }
    public var numOOVIndices: Int { settings.numOOVIndices }
    var maskToken: LookupKey? { settings.maskToken }
    var oovToken: LookupKey { settings.oovToken }
    public var invert: Bool { settings.invert }
    public var outputMode: CategoricalOutputMode { settings.outputMode }
    public var padToMaxTokens: Bool { settings.padToMaxTokens }
    /// Whether the keys are strings.
    var stringKeys: Bool { settings.stringKeys }
    /// Whether the vocabulary was given (config "vocabulary") or adapted.
    public private(set) var hasInputVocabulary: Bool
    private var vocab: [LookupKey] = []
    private var index: [LookupKey: Int] = [:]
    private var idf: [Double]?
    private var counts: [LookupKey: Int] = [:]
    private var documentCounts: [LookupKey: Int] = [:]
    private var documents = 0

    /// The idf weights of every index (tf_idf; nil otherwise).
    var idfWeights: [Double]? { idf }

    init(_ settings: LookupSettings, vocabulary: [LookupKey]?, idfWeights: [Double]?, name: String?, dtype: DTypePolicy?) throws {
        try settings.validate(idfWeights: idfWeights)
        self.settings = settings
        hasInputVocabulary = vocabulary != nil
        super.init(name: name, dtype: dtype)
        if let vocabulary { try setVocabulary(vocabulary, idfWeights: idfWeights) }
        autocast = false
    }

    var owner: String { "\(className) '\(name)'" }

    /// The first OOV index (1 with a mask token in int mode: index 0 is the mask's).
    var oovStart: Int { maskToken != nil && outputMode == .int ? 1 : 0 }
    /// The first vocabulary index.
    var tokenStart: Int { oovStart + numOOVIndices }

    /// The number of indices (mask and OOV included; Keras `vocabulary_size`).
    public var vocabularySize: Int { vocab.count + tokenStart }

    /// The vocabulary with (or without) the mask and OOV tokens (Keras `get_vocabulary`).
    func vocabularyKeys(includeSpecialTokens: Bool = true) -> [LookupKey] {
        if !includeSpecialTokens { return vocab }
        var out: [LookupKey] = []
        if let m = maskToken { out += Array(repeating: m, count: oovStart) }
        out += Array(repeating: oovToken, count: numOOVIndices)
        return out + vocab
    }

    /// Sets the vocabulary (Keras `set_vocabulary`): the special tokens may lead it in Keras'
    /// order and are then dropped; elsewhere they are an error, as are repeated tokens.
    func setVocabulary(_ given: [LookupKey], idfWeights: [Double]?) throws {
        var v = given
        let special = vocabularyKeys(includeSpecialTokens: true).prefix(tokenStart)
        if v.count >= tokenStart && tokenStart > 0 && Array(v.prefix(tokenStart)) == Array(special) {
            v.removeFirst(tokenStart)
        }
        var seen: [LookupKey: Int] = [:]
        for (i, t) in v.enumerated() {
            if let m = maskToken, t == m {
                throw SwiftKerasError.invalid("\(owner): found reserved mask token at unexpected location in `vocabulary`. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: \(special.map { $0.config.json })")
            }
            if numOOVIndices > 0 && t == oovToken {
                throw SwiftKerasError.invalid("\(owner): found reserved OOV token at unexpected location in `vocabulary`. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: \(special.map { $0.config.json })")
            }
            if seen[t] != nil {
                throw SwiftKerasError.invalid("\(owner): the passed vocabulary has at least one repeated term: \(t.config.json)")
            }
            seen[t] = i
        }
        if let m = maxTokens, v.count + tokenStart > m {
            throw SwiftKerasError.invalid("\(owner): attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is \(v.count + tokenStart); `max_tokens` is \(m)")
        }
        if outputMode == .tfIdf {
            guard let w = idfWeights else {
                throw SwiftKerasError.invalid("\(owner): `idf_weights` must be set if output_mode is \"tf_idf\"")
            }
            if w.count != v.count {
                throw SwiftKerasError.invalid("\(owner): `idf_weights` must be the same length as vocabulary. len(idf_weights) is \(w.count); len(vocabulary) is \(v.count)")
            }
            idf = paddedIDF(w)
        }
        vocab = v
        index = [:]
        for (i, t) in v.enumerated() { index[t] = i + tokenStart }
        hasInputVocabulary = true
    }

    /// Keras pads the idf weights with their mean in front (OOV / mask) and zeros behind
    /// (`pad_to_max_tokens`).
    private func paddedIDF(_ w: [Double]) -> [Double] {
        let mean = w.isEmpty ? 0 : w.reduce(0, +) / Double(w.count)
        var out = Array(repeating: mean, count: tokenStart) + w
        if padToMaxTokens, let m = maxTokens, out.count < m { out += Array(repeating: 0, count: m - out.count) }
        return out
    }

    /// The keys of `x` (strings or integers, as the layer's keys).
    func keys(_ x: Tensor) throws -> [LookupKey] {
        if stringKeys {
            let e = try x.stringElements(op: "StringLookup")
            return (0 ..< e.count).map { .bytes(Array(e.element($0))) }
        }
        return try integerIds(x, owner: owner).map { .int($0) }
    }

    /// The index of each key (mask → 0 in int mode, -1 = dropped otherwise; OOV → the OOV index).
    func lookup(_ keys: [LookupKey]) throws -> [Int64] {
        try keys.map { k in
            if let m = maskToken, k == m { return outputMode == .int ? 0 : -1 }
            if let i = index[k] { return Int64(i) }
            switch numOOVIndices {
            case 0:
                throw SwiftKerasError.invalid("\(owner): when `num_oov_indices=0` all inputs should be in vocabulary, found OOV value \(k.config.json), consider setting `num_oov_indices=1`")
            case 1: return Int64(oovStart)
            default:
                guard case .int(let v) = k else { return Int64(oovStart) }
                let n = Int64(numOOVIndices)
                return ((v % n) + n) % n + Int64(oovStart)
            }
        }
    }

    /// Ids (int mode) or encoded vectors for already-tokenized `keys` of `shape`.
    func encode(_ keys: [LookupKey], shape: [Int]) throws -> Tensor {
        let ids = try lookup(keys)
        if outputMode == .int { return try Tensor(ids, shape: shape) }   // int64, as Keras' default
        let depth = padToMaxTokens ? (maxTokens ?? vocabularySize) : vocabularySize
        return try encodeCategorical(ids, shape: shape, mode: outputMode, depth: depth, dtype: computeDType,
                                     idf: outputMode == .tfIdf ? idf : nil, skipOutOfRange: true, owner: owner)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if invert {
            let ids = try integerIds(x, owner: owner)
            let table = vocabularyKeys()
            let keys: [LookupKey] = ids.map { i in
                if i == 0, let m = maskToken, oovStart == 1 { return m }
                if i >= Int64(tokenStart) && i < Int64(table.count) { return table[Int(i)] }
                return oovToken
            }
            if stringKeys {
                var b = StringElementsBuilder()
                for k in keys { if case .bytes(let s) = k { b.append(s) } }
                return try Tensor.strings(b.build(), shape: x.shape, op: "StringLookup")
            }
            return try Tensor(keys.map { k -> Int64 in if case .int(let v) = k { return v }; return 0 }, shape: x.shape)
        }
        return try encode(try keys(x), shape: x.shape)
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        if outputMode == .int { return inputShape }
        let depth = padToMaxTokens ? (maxTokens ?? vocabularySize) : vocabularySize
        var s = inputShape.isEmpty ? [1] : inputShape
        if outputMode == .oneHot && s.last != 1 { s.append(1) }
        return s.count == 1 ? [depth] : [s[0], depth]
    }

    // MARK: adapt

    public func resetAdaptState() throws {
        if hasInputVocabulary && !vocabFromAdapt {
            throw SwiftKerasError.invalid("Cannot adapt \(className) layer after setting a static vocabulary via init argument or `set_vocabulary`.")
        }
        counts = [:]; documentCounts = [:]; documents = 0
    }

    /// Whether the current vocabulary came from `adapt` (which may then run again).
    private var vocabFromAdapt = false

    public func updateAdaptState(_ batch: Tensor) throws {
        try updateAdaptState(keys: try keys(batch), shape: batch.shape)
    }

    /// Counts tokens given as keys of `shape` (rows are documents for tf_idf).
    func updateAdaptState(keys: [LookupKey], shape: [Int]) throws {
        for k in keys { counts[k, default: 0] += 1 }
        if outputMode == .tfIdf {
            let width = shape.count >= 2 ? shape.dropFirst().reduce(1, *) : keys.count
            let rows = shape.count >= 2 ? shape[0] : 1
            try updateDocuments(rows: (0 ..< rows).map { Array(keys[($0 * width) ..< (($0 + 1) * width)]) })
        }
    }

    /// Counts documents (tf_idf): each row's distinct tokens.
    func updateDocuments(rows: [[LookupKey]]) throws {
        for r in rows { for k in Set(r) { documentCounts[k, default: 0] += 1 } }
        documents += rows.count
    }

    /// Counts tokens of ragged rows (TextVectorization's split text).
    func updateAdaptState(rows: [[LookupKey]]) throws {
        for r in rows { for k in r { counts[k, default: 0] += 1 } }
        if outputMode == .tfIdf { try updateDocuments(rows: rows) }
    }

    public func finalizeAdaptState() throws {
        if counts.isEmpty { return }
        if let m = maskToken { counts[m] = nil }
        if numOOVIndices > 0 || stringKeys { counts[oovToken] = nil }
        var tokens = counts.map { ($0.key, $0.value) }
        tokens.sort { a, b in a.1 != b.1 ? a.1 > b.1 : b.0 < a.0 }
        if let m = maxTokens { tokens = Array(tokens.prefix(Swift.max(0, m - tokenStart))) }
        vocab = tokens.map(\.0)
        index = [:]
        for (i, t) in vocab.enumerated() { index[t] = i + tokenStart }
        if outputMode == .tfIdf {
            let w = vocab.map { Glibc.log(1 + Double(documents) / Double(1 + (documentCounts[$0] ?? 0))) }
            // Keras computes the weights in the compute dtype (float32).
            idf = paddedIDF(w.map { Double(Float($0)) })
        }
        hasInputVocabulary = true
        vocabFromAdapt = true
        counts = [:]; documentCounts = [:]; documents = 0
    }

    /// The keys every lookup config holds (Keras `IndexLookup.get_config`); the vocabulary is
    /// saved in the config whether given or adapted, so that a saved model keeps it.
    func lookupConfig() -> [String: ConfigValue] {
        [
            "invert": .bool(invert), "max_tokens": maxTokens.map { .int($0) } ?? .null,
            "num_oov_indices": .int(numOOVIndices), "oov_token": oovToken.config,
            "mask_token": maskToken?.config ?? .null, "output_mode": .string(outputMode.rawValue),
            "sparse": .bool(false), "pad_to_max_tokens": .bool(padToMaxTokens),
            "vocabulary_dtype": .string(stringKeys ? "string" : "int64"),
            "idf_weights": outputMode == .tfIdf && hasInputVocabulary ? .array(Array(idf?.dropFirst(tokenStart).prefix(vocab.count) ?? []).map { .double($0) }) : .null,
            "vocabulary": hasInputVocabulary ? .array(vocab.map(\.config)) : .null,
            "vocabulary_size": .int(vocabularySize),
        ]
    }

    /// Reads the keys of `lookupConfig` (not "vocabulary_dtype", which each subclass checks).
    struct Arguments {
        var maxTokens: Int?
        var numOOV: Int
        var invert: Bool
        var outputMode: CategoricalOutputMode
        var padToMaxTokens: Bool
        var idf: [Double]?

        init(_ r: inout ConfigReader, owner: String) throws {
            maxTokens = try r.int("max_tokens")
            numOOV = try r.int("num_oov_indices", 1)
            invert = try r.bool("invert", false)
            outputMode = try CategoricalOutputMode.parse(try r.string("output_mode") ?? "int",
                                                         allowed: [.int, .oneHot, .multiHot, .count, .tfIdf], owner: owner)
            padToMaxTokens = try r.bool("pad_to_max_tokens", false)
            idf = try r.thresholdList("idf_weights")
            try r.onlyDefault("sparse", .bool(false))
            try r.onlyDefault("encoding", .string("utf-8"))
            _ = try r.int("vocabulary_size")   // derived from the vocabulary (Keras writes it too)
        }
    }
}

/// Maps strings to integer indices (Keras `StringLookup`).
public final class StringLookup: IndexLookup {
    /// Creates the layer (Keras defaults: one OOV index "[UNK]", no mask token, int output).
    public init(maxTokens: Int? = nil, numOOVIndices: Int = 1, maskToken: String? = nil, oovToken: String = "[UNK]",
                vocabulary: [String]? = nil, idfWeights: [Double]? = nil, invert: Bool = false,
                outputMode: CategoricalOutputMode = .int, padToMaxTokens: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let s = LookupSettings(stringKeys: true, maxTokens: maxTokens, numOOVIndices: numOOVIndices,
                               maskToken: maskToken.map { .bytes(Array($0.utf8)) }, oovToken: .bytes(Array(oovToken.utf8)),
                               invert: invert, outputMode: outputMode, padToMaxTokens: padToMaxTokens)
        try super.init(s, vocabulary: vocabulary?.map { .bytes(Array($0.utf8)) }, idfWeights: idfWeights, name: name, dtype: dtype)
    }

    /// The vocabulary (Keras `get_vocabulary`).
    public func getVocabulary(includeSpecialTokens: Bool = true) -> [String] {
        vocabularyKeys(includeSpecialTokens: includeSpecialTokens).map { k in
            if case .bytes(let b) = k { return String(decoding: b, as: UTF8.self) }
            return ""
        }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(lookupConfig().merging(["encoding": .string("utf-8")]) { _, b in b })
    }
}

extension StringLookup: ConfigurableLayer {
    /// "StringLookup".
    public static var className: String { "StringLookup" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let a = try IndexLookup.Arguments(&r, owner: "StringLookup")
        try r.onlyDefault("vocabulary_dtype", .string("string"))
        if r.has("vocabulary"), case .string(let path)? = r.values["vocabulary"] {
            throw SwiftKerasError(.unimplemented, "StringLookup: a vocabulary file path (\"\(path)\") is not supported; pass a list of tokens")
        }
        try self.init(maxTokens: a.maxTokens, numOOVIndices: a.numOOV, maskToken: try r.string("mask_token"),
                      oovToken: try r.string("oov_token") ?? "[UNK]", vocabulary: try r.strings("vocabulary"),
                      idfWeights: a.idf, invert: a.invert, outputMode: a.outputMode, padToMaxTokens: a.padToMaxTokens,
                      name: base.name, dtype: base.dtype)
    }
}

/// Maps integers to contiguous indices (Keras `IntegerLookup`).
public final class IntegerLookup: IndexLookup {
    /// Creates the layer (Keras defaults: one OOV index with token -1, no mask token).
    public init(maxTokens: Int? = nil, numOOVIndices: Int = 1, maskToken: Int64? = nil, oovToken: Int64 = -1,
                vocabulary: [Int64]? = nil, idfWeights: [Double]? = nil, invert: Bool = false,
                outputMode: CategoricalOutputMode = .int, padToMaxTokens: Bool = false,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        let s = LookupSettings(stringKeys: false, maxTokens: maxTokens, numOOVIndices: numOOVIndices,
                               maskToken: maskToken.map { .int($0) }, oovToken: .int(oovToken),
                               invert: invert, outputMode: outputMode, padToMaxTokens: padToMaxTokens)
        try super.init(s, vocabulary: vocabulary?.map { .int($0) }, idfWeights: idfWeights, name: name, dtype: dtype)
    }

    /// The vocabulary (Keras `get_vocabulary`).
    public func getVocabulary(includeSpecialTokens: Bool = true) -> [Int64] {
        vocabularyKeys(includeSpecialTokens: includeSpecialTokens).map { k in
            if case .int(let v) = k { return v }
            return 0
        }
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try layerConfig(lookupConfig()) }
}

extension IntegerLookup: ConfigurableLayer {
    /// "IntegerLookup".
    public static var className: String { "IntegerLookup" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let a = try IndexLookup.Arguments(&r, owner: "IntegerLookup")
        try r.onlyDefault("vocabulary_dtype", .string("int64"))
        try self.init(maxTokens: a.maxTokens, numOOVIndices: a.numOOV, maskToken: try r.int("mask_token").map(Int64.init),
                      oovToken: Int64(try r.int("oov_token", -1)), vocabulary: try r.ints("vocabulary")?.map(Int64.init),
                      idfWeights: a.idf, invert: a.invert, outputMode: a.outputMode, padToMaxTokens: a.padToMaxTokens,
                      name: base.name, dtype: base.dtype)
    }
}
