// keras.preprocessing.text of tf.keras 2 (tf_keras/src/preprocessing/text.py): `text_to_word_sequence`,
// `hashing_trick` (its "md5" hash; Python's own `hash` stays with the Python caller) and the
// `Tokenizer` with its config — the text of `to_json` that `tokenizer_from_json` reads back.
import Glibc
import Synchronization

/// The word rules of keras.preprocessing.text.
public enum TextPreprocessing {
    /// tf.keras 2's default `filters`: punctuation, tab and newline.
    public static let defaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

    /// `text_to_word_sequence`: lower-cased (with `lower`), every character of `filters`
    /// replaced by `split`, split on `split`, empty pieces dropped.
    /// - Throws: `.invalidArgument` for an empty `split` (Python's "empty separator").
    public static func textToWordSequence(_ text: String, filters: String = defaultFilters, lower: Bool = true,
                                          split: String = " ") throws -> [String] {
        let sep = Array(split.unicodeScalars)
        if sep.isEmpty { throw SwiftKerasError.invalid("text_to_word_sequence: split must not be empty (empty separator)") }
        if sep.count == 1 && sep[0].isASCII && filters.unicodeScalars.allSatisfy(\.isASCII) {
            // ASCII filters and split: the words are the runs of UTF-8 bytes between them (no byte
            // of a multi-byte character is ASCII)
            var isSeparator = [Bool](repeating: false, count: 128)
            for u in filters.unicodeScalars { isSeparator[Int(u.value)] = true }
            isSeparator[Int(sep[0].value)] = true
            var lowered = lower ? text.lowercased() : text
            return lowered.withUTF8 { bytes in
                var words: [String] = [], start = 0
                for i in 0..<bytes.count where bytes[i] < 128 && isSeparator[Int(bytes[i])] {
                    if i > start { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                    start = i + 1
                }
                if bytes.count > start { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
                return words
            }
        }
        let filterSet = Set(filters.unicodeScalars)
        let source = (lower ? text.lowercased() : text).unicodeScalars
        if sep.count > 1 {
            // each filtered character grows by the separator: the translated text must fit in memory
            let hits = source.reduce(0) { $0 + (filterSet.contains($1) ? 1 : 0) }
            let (grown, o1) = hits.multipliedReportingOverflow(by: sep.count - 1)
            let (total, o2) = source.count.addingReportingOverflow(grown)
            if o1 || o2 { throw SwiftKerasError(.outOfMemory, "text_to_word_sequence: the text with its filters replaced by split is too long") }
            try CheckedAllocation.check(total, of: Unicode.Scalar.self, op: "text_to_word_sequence")
        }
        var translated: [Unicode.Scalar] = []
        for u in source {
            if filterSet.contains(u) { translated += sep } else { translated.append(u) }
        }
        var words: [String] = [], current = String.UnicodeScalarView(), i = 0
        while i < translated.count {
            if translated[i] == sep[0] && i + sep.count <= translated.count && translated[i..<i + sep.count].elementsEqual(sep) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                i += sep.count
            } else {
                current.append(translated[i])
                i += 1
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `hashing_trick(text, n, hash_function="md5")`: each word's index
    /// `int(md5(word).hexdigest(), 16) % (n - 1) + 1`, in 1...n-1.
    /// - Throws: `.invalidArgument` when `n` < 2 (no index is left beside the reserved 0).
    public static func hashingTrickMD5(_ text: String, n: Int, filters: String = defaultFilters, lower: Bool = true,
                                       split: String = " ") throws -> [Int] {
        if n < 2 { throw SwiftKerasError.invalid("hashing_trick: n must be at least 2 (index 0 is reserved), got \(n)") }
        let m = UInt64(n - 1)
        return try textToWordSequence(text, filters: filters, lower: lower, split: split).map { w in
            // the 128-bit digest as a big-endian number, reduced modulo n - 1 byte by byte
            var r: UInt64 = 0
            for b in MD5.digest(Array(w.utf8)) {
                let (high, low) = r.multipliedFullWidth(by: 256)
                let (sum, carry) = low.addingReportingOverflow(UInt64(b))
                r = m.dividingFullWidth((high + (carry ? 1 : 0), sum)).remainder
            }
            return Int(r) + 1
        }
    }
}

/// The word options of `text_to_word_sequence`, `one_hot` and `hashing_trick`.
public struct TextWordOptions {
    public var filters = TextPreprocessing.defaultFilters
    public var lower = true
    public var split = " "

    /// Reads `{"filters", "lower", "split"}` (missing keys: tf.keras 2's defaults).
    /// - Throws: `.invalidArgument` naming a malformed or unknown key.
    public init(configJSON: String, owner: String) throws {
        var r = try ConfigReader(try ConfigValue.parse(json: configJSON), owner: owner)
        filters = try r.string("filters") ?? filters
        lower = try r.bool("lower", true)
        split = try r.string("split") ?? split
        try r.finish()
    }

    /// `text_to_word_sequence(text)` with these options.
    public func words(_ text: String) throws -> [String] {
        try TextPreprocessing.textToWordSequence(text, filters: filters, lower: lower, split: split)
    }

    /// `hashing_trick(text, n, "md5")` with these options.
    public func md5Indices(_ text: String, n: Int) throws -> [Int] {
        try TextPreprocessing.hashingTrickMD5(text, n: n, filters: filters, lower: lower, split: split)
    }
}

/// RFC 1321 MD5 (the digest of `hashing_trick`'s "md5").
enum MD5 {
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
    /// floor(|sin(i + 1)| * 2^32)
    private static let k: [UInt32] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ]

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var bytes = message
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        let bits = UInt64(message.count) &* 8
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        var h: (UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            var m = [UInt32](repeating: 0, count: 16)
            for j in 0..<16 {
                for b in 0..<4 { m[j] |= UInt32(bytes[chunk + 4 * j + b]) << (8 * UInt32(b)) }
            }
            var (a, b, c, d) = h
            for i in 0..<64 {
                var f: UInt32, g: Int
                switch i / 16 {
                case 0: f = (b & c) | (~b & d); g = i
                case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ k[i] &+ m[g]
                a = d; d = c; c = b
                let s = shifts[(i / 16) * 4 + i % 4]
                b = b &+ ((f << s) | (f >> (32 - s)))
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d)
        }
        var out: [UInt8] = []
        for w in [h.0, h.1, h.2, h.3] { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt32(i)))) } }
        return out
    }
}

/// A dictionary that remembers the order its keys were first inserted (Python's dict).
public struct OrderedTable<Key: Hashable, Value>: Sendable where Key: Sendable, Value: Sendable {
    public private(set) var keys: [Key] = []
    private var values: [Key: Value] = [:]

    public init() {}

    public subscript(key: Key) -> Value? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    /// The pairs in insertion order.
    public var items: [(Key, Value)] { keys.compactMap { k in values[k].map { (k, $0) } } }
}

/// The documents a tokenizer reads: texts (split by its rules, or into characters at
/// `char_level`), or lists of tokens — lower-cased when `lowerTokens` and the tokenizer's `lower`
/// (tf.keras' list input), taken as given otherwise (the tokens of a Python `analyzer`).
public enum TokenizerDocuments: Sendable {
    case texts([String])
    case tokens([[String]], lowerTokens: Bool)
}

/// tf.keras 2's `keras.preprocessing.text.Tokenizer`: its options, what `fit_on_texts` and
/// `fit_on_sequences` count, and the conversions. The state is tf.keras' config (`configJSON`:
/// the text of `to_json`, dictionaries as JSON strings in insertion order) and is read back from
/// it, or from the same keys holding JSON objects (a client's edited dictionaries).
public struct TextTokenizer: Sendable {
    public var numWords: Int?
    public var filters = TextPreprocessing.defaultFilters
    public var lower = true
    public var split = " "
    public var charLevel = false
    public var oovToken: String?
    public var documentCount = 0
    public var wordCounts = OrderedTable<String, Int>()
    public var wordDocs = OrderedTable<String, Int>()
    public var indexDocs = OrderedTable<Int, Int>()
    public var wordIndex = OrderedTable<String, Int>()
    public var indexWord = OrderedTable<Int, String>()

    public init() {}

    /// Reads a config: `{"class_name": "Tokenizer", "config": {...}}` or the inner object, with
    /// the members of `overrides` (an object, or nil) replacing the config's.
    /// - Throws: `.invalidArgument` naming a malformed or unknown key.
    public init(configJSON: String, overrides: String? = nil) throws {
        var members = try TextTokenizer.object(configJSON, "config")
        if let i = members.firstIndex(where: { $0.key == "config" }), case .object(let inner) = members[i].value {
            if let c = members.first(where: { $0.key == "class_name" }), c.value != .string("Tokenizer") {
                throw SwiftKerasError.invalid("Tokenizer: class_name must be \"Tokenizer\", got \(JSONWriter.serialize(c.value))")
            }
            members = inner
        }
        if let overrides {
            for m in try TextTokenizer.object(overrides, "overrides") {
                members.removeAll { $0.key == m.key }
                members.append(m)
            }
        }
        for m in members { try read(m.key, m.value) }
    }

    /// The tokenizers last read or written, by their config text: a config is a tokenizer's whole
    /// state, so a client calling again with the same text (the usual case: the config the last
    /// call returned) is not parsed again.
    private static let recent = Mutex<[(config: [UInt8], overrides: [UInt8]?, tokenizer: TextTokenizer)]>([])

    private static func same(_ a: [UInt8]?, _ b: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.count == b.count && (a.isEmpty || a.withUnsafeBufferPointer { p in
            guard let x = p.baseAddress, let y = b.baseAddress else { return false }
            return memcmp(x, y, a.count) == 0
        })
    }

    /// `init(configJSON:overrides:)` of UTF-8 texts, or the tokenizer last read or written with them.
    public static func read(config: UnsafeBufferPointer<UInt8>, overrides: UnsafeBufferPointer<UInt8>?) throws -> TextTokenizer {
        if let hit = recent.withLock({ $0.first { same($0.config, config) && same($0.overrides, overrides) }?.tokenizer }) {
            return hit
        }
        let t = try TextTokenizer(configJSON: String(decoding: config, as: UTF8.self),
                                  overrides: overrides.map { String(decoding: $0, as: UTF8.self) })
        remember(t, Array(config), overrides.map { Array($0) })
        return t
    }

    private static func remember(_ t: TextTokenizer, _ config: [UInt8], _ overrides: [UInt8]?) {
        recent.withLock { r in
            r.removeAll { $0.config == config && $0.overrides == overrides }
            r.insert((config, overrides, t), at: 0)
            if r.count > 2 { r.removeLast() }
        }
    }

    /// `configJSON`, remembered for `read` (the text a client sends back next).
    public func writeConfig() -> String {
        let json = configJSON
        TextTokenizer.remember(self, Array(json.utf8), nil)
        return json
    }

    private static func object(_ text: String, _ what: String) throws -> [JSONMember] {
        let v: JSONValue
        do { v = try JSONParser.parse(Array(text.utf8)) } catch let e as JSONSyntaxError {
            throw SwiftKerasError.invalid("Tokenizer: invalid JSON in the \(what): \(e.description)")
        }
        guard case .object(let members) = v else { throw SwiftKerasError.invalid("Tokenizer: the \(what) must be a JSON object, got \(v.kindName)") }
        return members
    }

    private func bad(_ key: String, _ what: String, _ v: JSONValue) -> SwiftKerasError {
        SwiftKerasError.invalid("Tokenizer: '\(key)' must be \(what), got \(JSONWriter.serialize(v))")
    }

    private func int(_ key: String, _ v: JSONValue) throws -> Int {
        guard case .number(let s) = v, let i = Int(s) else { throw bad(key, "an integer", v) }
        return i
    }

    private func string(_ key: String, _ v: JSONValue) throws -> String {
        guard case .string(let s) = v else { throw bad(key, "a string", v) }
        return s
    }

    /// A dictionary key: a string, or an integer written as a string (JSON's object keys).
    private func members(_ key: String, _ v: JSONValue) throws -> [JSONMember] {
        var v = v
        if case .string(let text) = v {
            do { v = try JSONParser.parse(Array(text.utf8)) } catch let e as JSONSyntaxError {
                throw SwiftKerasError.invalid("Tokenizer: '\(key)' holds invalid JSON: \(e.description)")
            }
        }
        guard case .object(let ms) = v else { throw bad(key, "a JSON object", v) }
        return ms
    }

    private func intKey(_ key: String, _ k: String) throws -> Int {
        guard let i = Int(k) else { throw SwiftKerasError.invalid("Tokenizer: '\(key)' has the key \"\(k)\", which is not an integer") }
        return i
    }

    private mutating func read(_ key: String, _ v: JSONValue) throws {
        switch key {
        case "num_words": numWords = v == .null ? nil : try int(key, v)
        case "filters": filters = try string(key, v)
        case "lower":
            guard case .bool(let b) = v else { throw bad(key, "a boolean", v) }
            lower = b
        case "split": split = try string(key, v)
        case "char_level":
            guard case .bool(let b) = v else { throw bad(key, "a boolean", v) }
            charLevel = b
        case "oov_token": oovToken = v == .null ? nil : try string(key, v)
        case "document_count": documentCount = try int(key, v)
        case "word_counts":
            wordCounts = OrderedTable()
            for m in try members(key, v) { wordCounts[m.key] = try int(key, m.value) }
        case "word_docs":
            wordDocs = OrderedTable()
            for m in try members(key, v) { wordDocs[m.key] = try int(key, m.value) }
        case "index_docs":
            indexDocs = OrderedTable()
            for m in try members(key, v) { indexDocs[try intKey(key, m.key)] = try int(key, m.value) }
        case "word_index":
            wordIndex = OrderedTable()
            for m in try members(key, v) { wordIndex[m.key] = try int(key, m.value) }
        case "index_word":
            indexWord = OrderedTable()
            for m in try members(key, v) { indexWord[try intKey(key, m.key)] = try string(key, m.value) }
        default:
            throw SwiftKerasError.invalid("Tokenizer: unknown config key '\(key)'")
        }
    }

    // MARK: Config

    /// A JSON string as Python's `json.dumps` writes it by default (`ensure_ascii`).
    private static func pythonJSONString(_ s: String) -> String { JSONWriter.quoted(s, ensureASCII: true) }

    /// `to_json()`: `{"class_name": "Tokenizer", "config": {...}}` as Python's `json.dumps` writes
    /// it, each dictionary a JSON string of its own (tf.keras 2's `get_config`).
    public var configJSON: String {
        var out = "{\"class_name\": \"Tokenizer\", \"config\": {"
        func field(_ key: String, _ value: String, last: Bool = false) { out += "\"\(key)\": " + value + (last ? "" : ", ") }
        func dict<K, V>(_ t: OrderedTable<K, V>, _ key: (K) -> String, _ value: (V) -> String) -> String {
            var d = "{"
            for (i, (k, v)) in t.items.enumerated() {
                if i > 0 { d += ", " }
                d += TextTokenizer.pythonJSONString(key(k))
                d += ": "
                d += value(v)
            }
            return TextTokenizer.pythonJSONString(d + "}")
        }
        let str = TextTokenizer.pythonJSONString, num = { (i: Int) in String(i) }
        field("num_words", numWords.map(num) ?? "null")
        field("filters", str(filters))
        field("lower", lower ? "true" : "false")
        field("split", str(split))
        field("char_level", charLevel ? "true" : "false")
        field("oov_token", oovToken.map(str) ?? "null")
        field("document_count", num(documentCount))
        field("word_counts", dict(wordCounts, { $0 }, num))
        field("word_docs", dict(wordDocs, { $0 }, num))
        field("index_docs", dict(indexDocs, num, num))
        field("index_word", dict(indexWord, num, str))
        field("word_index", dict(wordIndex, { $0 }, num), last: true)
        return out + "}}"
    }

    // MARK: Fitting

    /// One document's tokens, as tf.keras' `fit_on_texts` and `texts_to_sequences` read it.
    private func tokens(_ docs: TokenizerDocuments, _ i: Int) throws -> [String] {
        switch docs {
        case .texts(let texts):
            if charLevel { return (lower ? texts[i].lowercased() : texts[i]).unicodeScalars.map { String($0) } }
            return try TextPreprocessing.textToWordSequence(texts[i], filters: filters, lower: lower, split: split)
        case .tokens(let lists, let lowerTokens):
            return lower && lowerTokens ? lists[i].map { $0.lowercased() } : lists[i]
        }
    }

    private static func count(_ docs: TokenizerDocuments) -> Int {
        switch docs {
        case .texts(let t): return t.count
        case .tokens(let l, _): return l.count
        }
    }

    /// `fit_on_texts`: counts each token and the documents holding it, then indexes the words by
    /// count (ties in order of first appearance) from 1, the `oov_token` first.
    public mutating func fit(_ docs: TokenizerDocuments) throws {
        for d in 0..<TextTokenizer.count(docs) {
            documentCount += 1
            let seq = try tokens(docs, d)
            for w in seq { wordCounts[w] = (wordCounts[w] ?? 0) + 1 }
            var seen = Set<String>()
            for w in seq where seen.insert(w).inserted { wordDocs[w] = (wordDocs[w] ?? 0) + 1 }
        }
        // a stable sort by decreasing count, as Python's list.sort(reverse=True)
        let sorted = wordCounts.items.enumerated().sorted { a, b in
            a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
        }
        var vocabulary = oovToken.map { [$0] } ?? []
        vocabulary += sorted.map { $0.element.0 }
        wordIndex = OrderedTable()
        for (i, w) in vocabulary.enumerated() { wordIndex[w] = i + 1 }
        indexWord = OrderedTable()
        for (w, i) in wordIndex.items { indexWord[i] = w }
        for (w, c) in wordDocs.items {
            guard let i = wordIndex[w] else {
                throw SwiftKerasError.invalid("Tokenizer.fit_on_texts: word_docs has '\(w)', which word_counts does not")
            }
            indexDocs[i] = c
        }
    }

    /// `fit_on_sequences`: counts the documents holding each index.
    public mutating func fit(sequences: [[Int]]) {
        documentCount += sequences.count
        for seq in sequences {
            var seen = Set<Int>()
            for i in seq where seen.insert(i).inserted { indexDocs[i] = (indexDocs[i] ?? 0) + 1 }
        }
    }

    // MARK: Conversions

    private var limited: Int? { numWords.flatMap { $0 == 0 ? nil : $0 } }

    /// `texts_to_sequences`: each token's index; indices from `num_words` up and unknown tokens
    /// become the `oov_token`'s index, or are dropped without one.
    /// - Throws: `.invalidArgument` when an unknown token needs the `oov_token`'s index and the
    ///   word index has none (tf.keras would put None in the sequence).
    public func textsToSequences(_ docs: TokenizerDocuments) throws -> [[Int]] {
        let oovIndex = oovToken.flatMap { wordIndex[$0] }
        let limit = limited
        return try (0..<TextTokenizer.count(docs)).map { d in
            var out: [Int] = []
            for w in try tokens(docs, d) {
                if let i = wordIndex[w] {
                    if let limit, i >= limit { if let oovIndex { out.append(oovIndex) } } else { out.append(i) }
                } else if let oovToken {
                    guard let oovIndex else {
                        throw SwiftKerasError.invalid("Tokenizer.texts_to_sequences: the oov_token '\(oovToken)' has no index in word_index (fit the tokenizer first)")
                    }
                    out.append(oovIndex)
                }
            }
            return out
        }
    }

    /// `sequences_to_texts`: the words of the known indices joined by spaces (indices from
    /// `num_words` up and unknown ones become the `oov_token`, or are dropped without one).
    public func sequencesToTexts(_ sequences: [[Int]]) throws -> [String] {
        let oovIndex = oovToken.flatMap { wordIndex[$0] }
        let limit = limited
        func oovWord() throws -> String {
            guard let oovIndex, let w = indexWord[oovIndex] else {
                throw SwiftKerasError.invalid("Tokenizer.sequences_to_texts: the oov_token '\(oovToken ?? "")' has no word in index_word (fit the tokenizer first)")
            }
            return w
        }
        return try sequences.map { seq in
            var words: [String] = []
            for i in seq {
                if let w = indexWord[i] {
                    if let limit, i >= limit { if oovIndex != nil { words.append(try oovWord()) } } else { words.append(w) }
                } else if oovToken != nil {
                    words.append(try oovWord())
                }
            }
            return words.joined(separator: " ")
        }
    }

    /// `sequences_to_matrix(mode)`: a float64 `(len(sequences), num_words)` matrix (without
    /// `num_words`, `len(word_index) + 1` columns); indices past the last column are ignored.
    /// Modes: "binary" (1 where present), "count", "freq" (count / sequence length), "tfidf"
    /// (`(1 + log(count)) * log(1 + document_count / (1 + index_docs[i]))`).
    /// - Throws: `.invalidArgument` for an unknown mode, no column count, tfidf before fitting, a
    ///   negative index.
    public func sequencesToMatrix(_ sequences: [[Int]], mode: String) throws -> Tensor {
        let op = "Tokenizer.sequences_to_matrix"
        guard ["binary", "count", "freq", "tfidf"].contains(mode) else {
            throw SwiftKerasError.invalid("\(op): unknown vectorization mode '\(mode)' (binary, count, freq or tfidf)")
        }
        let columns: Int
        if let limit = limited {
            if limit < 0 { throw SwiftKerasError.invalid("\(op): num_words must be positive, got \(limit)") }
            columns = limit
        } else if !wordIndex.isEmpty {
            columns = wordIndex.count + 1
        } else {
            throw SwiftKerasError.invalid("\(op): specify a dimension (`num_words` argument), or fit on some text data first")
        }
        if mode == "tfidf" && documentCount == 0 {
            throw SwiftKerasError.invalid("\(op): fit the Tokenizer on some data before using tfidf mode")
        }
        let n = try ShapeMath.count([sequences.count, columns], op: "Tokenizer.sequences_to_matrix")
        var x = try CheckedAllocation.array(repeating: 0.0, count: n, op: op)
        for (r, seq) in sequences.enumerated() where !seq.isEmpty {
            var counts = OrderedTable<Int, Int>()
            for j in seq {
                if j < 0 { throw SwiftKerasError.invalid("\(op): sequence \(r) holds the negative index \(j)") }
                if j < columns { counts[j] = (counts[j] ?? 0) + 1 }
            }
            for (j, c) in counts.items {
                let v: Double
                switch mode {
                case "count": v = Double(c)
                case "freq": v = Double(c) / Double(seq.count)
                case "binary": v = 1
                default:
                    v = (1 + log(Double(c))) * log(1 + Double(documentCount) / Double(1 + (indexDocs[j] ?? 0)))
                }
                x[r * columns + j] = v
            }
        }
        return try Tensor(x, shape: [sequences.count, columns])
    }
}
