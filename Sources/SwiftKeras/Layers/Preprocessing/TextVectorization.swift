// TextVectorization (tf-keras 2 `text_vectorization.py`): standardize → split → ngrams →
// a StringLookup with mask "" and OOV "[UNK]" → ids padded to a sequence length, or
// multi_hot / count / tf_idf vectors per string.

/// Turns strings into token ids or token vectors (Keras `TextVectorization`).
public final class TextVectorization: Layer, AdaptableLayer {
    /// Keras' standardizations.
    public enum Standardize: String, Sendable {
        case lowerAndStripPunctuation = "lower_and_strip_punctuation", lower, stripPunctuation = "strip_punctuation"
    }

    /// Keras' splits.
    public enum Split: String, Sendable {
        case whitespace, character
    }

    public let maxTokens: Int?
    public let standardize: Standardize?
    public let split: Split?
    /// The n-gram widths (Keras `ngrams=N` means 1...N).
    public let ngrams: [Int]?
    /// What `ngrams` was given as (an int or a list), for the config.
    private let ngramsConfig: ConfigValue
    public let outputMode: CategoricalOutputMode
    public let outputSequenceLength: Int?
    public let padToMaxTokens: Bool
    /// The lookup layer that holds the vocabulary.
    public let lookup: StringLookup

    /// Creates the layer with Keras' defaults.
    public init(maxTokens: Int? = nil, standardize: Standardize? = .lowerAndStripPunctuation,
                split: Split? = .whitespace, ngrams: ConfigValue = .null, outputMode: CategoricalOutputMode = .int,
                outputSequenceLength: Int? = nil, padToMaxTokens: Bool = false, vocabulary: [String]? = nil,
                idfWeights: [Double]? = nil, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        switch ngrams {
        case .null: self.ngrams = nil
        case .int(let n):
            if n < 1 { throw SwiftKerasError.invalid("TextVectorization: `ngrams` must be None, an integer > 0 or a tuple of integers, got \(n)") }
            self.ngrams = Array(1 ... n)
        case .array(let a):
            self.ngrams = try a.map { v -> Int in
                guard case .int(let n) = v, n >= 1 else {
                    throw SwiftKerasError.invalid("TextVectorization: `ngrams` must be None, an integer > 0 or a tuple of integers, got \(ngrams.json)")
                }
                return n
            }
        default:
            throw SwiftKerasError.invalid("TextVectorization: `ngrams` must be None, an integer > 0 or a tuple of integers, got \(ngrams.json)")
        }
        if outputSequenceLength != nil && outputMode != .int {
            throw SwiftKerasError.invalid("TextVectorization: `output_sequence_length` must not be set if `output_mode` is not 'int'. Received output_sequence_length=\(outputSequenceLength ?? 0)")
        }
        if let l = outputSequenceLength, l < 1 {
            throw SwiftKerasError.invalid("TextVectorization: `output_sequence_length` must be either None or an integer greater than 0. Received output_sequence_length=\(l)")
        }
        if outputMode == .oneHot {
            throw SwiftKerasError.invalid("TextVectorization: unknown `output_mode` \"one_hot\"; expected one of \"int\", \"multi_hot\", \"count\", \"tf_idf\"")
        }
        self.maxTokens = maxTokens
        self.standardize = standardize
        self.split = split
        ngramsConfig = ngrams
        self.outputMode = outputMode
        self.outputSequenceLength = outputSequenceLength
        self.padToMaxTokens = padToMaxTokens
        lookup = try StringLookup(maxTokens: maxTokens, maskToken: "", vocabulary: vocabulary, idfWeights: idfWeights,
                                  outputMode: outputMode, padToMaxTokens: padToMaxTokens, name: nil, dtype: dtype)
        super.init(name: name, dtype: dtype)
        autocast = false
    }

    /// The vocabulary (Keras `get_vocabulary`): "" and "[UNK]" first, then tokens by frequency.
    public func getVocabulary(includeSpecialTokens: Bool = true) -> [String] {
        lookup.getVocabulary(includeSpecialTokens: includeSpecialTokens)
    }

    /// The number of ids (Keras `vocabulary_size`).
    public var vocabularySize: Int { lookup.vocabularySize }

    /// Standardizes and splits each string: one row of tokens per input string (rank ≤ 1 after
    /// squeezing a last axis of 1), or the standardized strings themselves with no split.
    func preprocess(_ x: Tensor) throws -> (rows: [[ArraySlice<UInt8>]], shape: [Int]) {
        var t = x
        if t.dtype != .string {
            throw SwiftKerasError.dtype("TextVectorization '\(name)': expected string inputs, got dtype \(t.dtype)")
        }
        if standardize == .lower || standardize == .lowerAndStripPunctuation { t = try t.stringsLower() }
        if standardize == .stripPunctuation || standardize == .lowerAndStripPunctuation { t = try t.stringsStripPunctuation() }
        var shape = t.shape
        if split != nil && t.rank > 1 {
            if t.shape.last != 1 {
                throw SwiftKerasError.invalid("TextVectorization '\(name)': when using `TextVectorization` to tokenize strings, the input rank must be 1 or the last shape dimension must be 1. Received: inputs.shape=\(formatShape(t.shape)) with rank=\(t.rank)")
            }
            shape.removeLast()
        }
        let e = try t.stringElements(op: "TextVectorization")
        var rows: [[ArraySlice<UInt8>]] = []
        rows.reserveCapacity(e.count)
        for i in 0 ..< e.count {
            let s = e.element(i)
            switch split {
            case nil: rows.append([s])
            case .whitespace:
                rows.append(s.split(whereSeparator: isASCIIWhitespace))
            case .character:
                var parts: [ArraySlice<UInt8>] = []
                var j = s.startIndex
                while j < s.endIndex {
                    var k = j + 1
                    while k < s.endIndex && (s[k] & 0xC0) == 0x80 { k += 1 }
                    parts.append(s[j ..< k])
                    j = k
                }
                rows.append(parts)
            }
        }
        if let widths = ngrams {
            rows = rows.map { tokens in
                var out: [ArraySlice<UInt8>] = []
                for w in widths where w <= tokens.count {
                    for start in 0 ... (tokens.count - w) {
                        if w == 1 { out.append(tokens[start]); continue }
                        var g: [UInt8] = []
                        for k in start ..< start + w {
                            if k > start { g.append(0x20) }
                            g.append(contentsOf: tokens[k])
                        }
                        out.append(g[...])
                    }
                }
                return out
            }
        }
        return (rows, shape)
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let (rows, shape) = try preprocess(x)
        let keys = rows.map { $0.map { LookupKey.bytes(Array($0)) } }
        if split == nil && ngrams == nil {
            return try lookup.encode(keys.map { $0[0] }, shape: shape)
        }
        if shape.count > 1 {
            throw SwiftKerasError.invalid("TextVectorization '\(name)': inputs of shape \(formatShape(x.shape)) give tokens of rank \(shape.count + 1); at most 2 is supported")
        }
        let batch = shape.first ?? 1
        if outputMode == .int {
            let width = outputSequenceLength ?? (keys.map(\.count).max() ?? 0)
            var ids = try CheckedAllocation.array(repeating: Int64(0), count: try ShapeMath.count([batch, width], op: "TextVectorization"), op: "TextVectorization")
            for (r, row) in keys.enumerated() {
                let found = try lookup.lookup(Array(row.prefix(width)))
                for (c, v) in found.enumerated() { ids[r * width + c] = v }
            }
            return try Tensor(ids, shape: shape.isEmpty ? [width] : [batch, width])
        }
        // multi_hot / count / tf_idf: each row's ids, padded with -1 (skipped by the encoding).
        let width = keys.map(\.count).max() ?? 0
        var ids = try CheckedAllocation.array(repeating: Int64(-1), count: try ShapeMath.count([batch, width], op: "TextVectorization"), op: "TextVectorization")
        for (r, row) in keys.enumerated() {
            for (c, v) in try lookup.lookup(row).enumerated() { ids[r * width + c] = v }
        }
        let depth = padToMaxTokens ? (maxTokens ?? vocabularySize) : vocabularySize
        let out = try encodeCategorical(ids, shape: [batch, width], mode: outputMode, depth: depth, dtype: computeDType,
                                        idf: outputMode == .tfIdf ? lookup.idfWeights : nil, skipOutOfRange: true,
                                        owner: "TextVectorization '\(name)'")
        return shape.isEmpty ? try out.reshaped(to: [depth]) : out
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        let batch = inputShape.first ?? -1
        if outputMode == .int { return [batch, outputSequenceLength ?? -1] }
        return [batch, padToMaxTokens ? (maxTokens ?? vocabularySize) : vocabularySize]
    }

    // MARK: adapt

    public func resetAdaptState() throws { try lookup.resetAdaptState() }

    public func updateAdaptState(_ batch: Tensor) throws {
        let (rows, _) = try preprocess(batch)
        try lookup.updateAdaptState(rows: rows.map { $0.map { LookupKey.bytes(Array($0)) } })
    }

    public func finalizeAdaptState() throws { try lookup.finalizeAdaptState() }

    /// The layer's config (see `Layer.getConfig()`); the vocabulary is kept whether given or adapted.
    public override func getConfig() throws -> ConfigValue {
        let l = lookup.lookupConfig()
        return try layerConfig([
            "max_tokens": maxTokens.map { .int($0) } ?? .null,
            "standardize": standardize.map { .string($0.rawValue) } ?? .null,
            "split": split.map { .string($0.rawValue) } ?? .null,
            "ngrams": ngramsConfig,
            "output_mode": .string(outputMode.rawValue),
            "output_sequence_length": outputSequenceLength.map { .int($0) } ?? .null,
            "pad_to_max_tokens": .bool(padToMaxTokens), "sparse": .bool(false), "ragged": .bool(false),
            "vocabulary": l["vocabulary"] ?? .null, "idf_weights": l["idf_weights"] ?? .null,
            "encoding": .string("utf-8"), "vocabulary_size": .int(vocabularySize),
        ])
    }
}

extension TextVectorization: ConfigurableLayer {
    /// "TextVectorization".
    public static var className: String { "TextVectorization" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        func parse<T: RawRepresentable>(_ key: String, _ def: T?) throws -> T? where T.RawValue == String {
            if !r.has(key) { return def }
            guard let s = try r.string(key) else { return nil }
            guard let v = T(rawValue: s) else {
                throw SwiftKerasError(.unimplemented, "TextVectorization: `\(key)`=\"\(s)\" is not supported (custom callables are not either)")
            }
            return v
        }
        let standardize: Standardize? = try parse("standardize", .lowerAndStripPunctuation)
        let split: Split? = try parse("split", .whitespace)
        try r.onlyDefault("sparse", .bool(false))
        try r.onlyDefault("ragged", .bool(false))
        try r.onlyDefault("encoding", .string("utf-8"))
        _ = try r.int("vocabulary_size")   // derived from the vocabulary
        let mode = try CategoricalOutputMode.parse(try r.string("output_mode") ?? "int",
                                                   allowed: [.int, .multiHot, .count, .tfIdf], owner: "TextVectorization")
        if r.has("vocabulary"), case .string(let path)? = r.values["vocabulary"] {
            throw SwiftKerasError(.unimplemented, "TextVectorization: a vocabulary file path (\"\(path)\") is not supported; pass a list of tokens")
        }
        try self.init(maxTokens: try r.int("max_tokens"), standardize: standardize, split: split,
                      ngrams: r.raw("ngrams") ?? .null, outputMode: mode,
                      outputSequenceLength: try r.int("output_sequence_length"),
                      padToMaxTokens: try r.bool("pad_to_max_tokens", false), vocabulary: try r.strings("vocabulary"),
                      idfWeights: try r.thresholdList("idf_weights"), name: base.name, dtype: base.dtype)
    }
}
