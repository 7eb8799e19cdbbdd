import Glibc
import SwiftKerasCHeader
import SwiftKeras

// keras.preprocessing.text through the C ABI (include/swiftkeras/text.h); the rules live in
// SwiftKeras/Layers/Preprocessing/Tokenizer.swift.

/// The texts of a 1-D (or any-shape, read row-major) string tensor.
private func textArray(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString = "texts") throws -> [String] {
    let t = try tensor(h, fn, arg)
    guard t.dtype == .string else { throw SwiftKerasError(.invalidDType, "\(fn): \(arg) must be a string tensor, got \(t.dtype)") }
    return try t.stringScalars()
}

/// The lists of `lengths` (int64, one per list, each >= 0, adding up to the items' count).
private func grouped<T>(_ items: [T], _ lengths: OpaquePointer?, _ fn: StaticString) throws -> [[T]] {
    let l = try tensor(lengths, fn, "lengths")
    let counts = try l.cast(to: .int64).scalars(as: Int64.self)
    var out: [[T]] = [], offset = 0
    for (i, c) in counts.enumerated() {
        if c < 0 || c > Int64(items.count - offset) {
            throw SwiftKerasError(.invalidArgument, "\(fn): lengths[\(i)] = \(c) does not fit the \(items.count) values (\(items.count - offset) left)")
        }
        out.append(Array(items[offset..<offset + Int(c)]))
        offset += Int(c)
    }
    if offset != items.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): the lengths add up to \(offset), but there are \(items.count) values")
    }
    return out
}

/// Sequences of indices: integer values and their lengths.
private func sequences(_ values: OpaquePointer?, _ lengths: OpaquePointer?, _ fn: StaticString) throws -> [[Int]] {
    let v = try tensor(values, fn, "values")
    guard v.dtype.isInteger else { throw SwiftKerasError(.invalidDType, "\(fn): values must be integers, got \(v.dtype)") }
    return try grouped(try v.cast(to: .int64).scalars(as: Int64.self).map { Int($0) }, lengths, fn)
}

/// The documents: texts, or tokens grouped by `lengths`.
private func documents(_ h: OpaquePointer?, _ lengths: OpaquePointer?, _ lowerTokens: Int32, _ fn: StaticString) throws -> TokenizerDocuments {
    let t = try textArray(h, fn)
    return lengths == nil ? .texts(t) : .tokens(try grouped(t, lengths, fn), lowerTokens: lowerTokens != 0)
}

/// Runs `body` and stores its two tensors as new handles (both NULL on failure).
private func produceTwo(_ first: UnsafeMutablePointer<OpaquePointer?>?, _ second: UnsafeMutablePointer<OpaquePointer?>?,
                        _ fn: StaticString, _ body: () throws -> (Tensor, Tensor)) -> Int32 {
    first?.pointee = nil
    second?.pointee = nil
    return status {
        guard let first, let second else { throw SwiftKerasError(.invalidArgument, "\(fn): an out-parameter is NULL") }
        let (a, b) = try body()
        first.pointee = handle(a)
        second.pointee = handle(b)
    }
}

/// Lists flattened, and their lengths (int64).
private func flattened<T>(_ lists: [[T]], _ make: ([T]) throws -> Tensor) throws -> (Tensor, Tensor) {
    (try make(lists.flatMap { $0 }), Tensor(lists.map { Int64($0.count) }))
}

private func tokenizer(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ fn: StaticString) throws -> TextTokenizer {
    guard let config else { throw SwiftKerasError(.invalidArgument, "\(fn): config_json is NULL") }
    func bytes(_ p: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
    }
    return try TextTokenizer.read(config: bytes(config), overrides: overrides.map(bytes))
}

/// A config as a 0-d string tensor.
private func configTensor(_ t: TextTokenizer) throws -> Tensor { try Tensor(strings: [t.writeConfig()], shape: []) }

@c @implementation
public func sk_text_to_word_sequence(_ texts: OpaquePointer?, _ options: UnsafePointer<CChar>?, _ tokens: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ lengths: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_text_to_word_sequence"
    return produceTwo(tokens, lengths, fn) {
        let o = try TextWordOptions(configJSON: configJSON(options), owner: "\(fn)")
        return try flattened(try textArray(texts, fn).map { try o.words($0) }) { try Tensor(strings: $0) }
    }
}

@c @implementation
public func sk_text_hashing_trick_md5(_ texts: OpaquePointer?, _ n: Int64, _ options: UnsafePointer<CChar>?,
                                      _ values: UnsafeMutablePointer<OpaquePointer?>?, _ lengths: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_text_hashing_trick_md5"
    return produceTwo(values, lengths, fn) {
        let o = try TextWordOptions(configJSON: configJSON(options), owner: "\(fn)")
        return try flattened(try textArray(texts, fn).map { try o.md5Indices($0, n: Int(clamping: n)) }) { Tensor($0.map { Int64($0) }) }
    }
}

@c @implementation
public func sk_tokenizer_config(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tokenizer_config") { try configTensor(try tokenizer(config, overrides, "sk_tokenizer_config")) }
}

@c @implementation
public func sk_tokenizer_fit_on_texts(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ texts: OpaquePointer?,
                                      _ lengths: OpaquePointer?, _ lowerTokens: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tokenizer_fit_on_texts"
    return produce(out, fn) {
        var t = try tokenizer(config, overrides, fn)
        try t.fit(try documents(texts, lengths, lowerTokens, fn))
        return try configTensor(t)
    }
}

@c @implementation
public func sk_tokenizer_fit_on_sequences(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ values: OpaquePointer?,
                                          _ lengths: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tokenizer_fit_on_sequences"
    return produce(out, fn) {
        var t = try tokenizer(config, overrides, fn)
        t.fit(sequences: try sequences(values, lengths, fn))
        return try configTensor(t)
    }
}

@c @implementation
public func sk_tokenizer_texts_to_sequences(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ texts: OpaquePointer?,
                                            _ lengths: OpaquePointer?, _ lowerTokens: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                                            _ outLengths: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tokenizer_texts_to_sequences"
    return produceTwo(values, outLengths, fn) {
        let t = try tokenizer(config, overrides, fn)
        return try flattened(try t.textsToSequences(try documents(texts, lengths, lowerTokens, fn))) { Tensor($0.map { Int64($0) }) }
    }
}

@c @implementation
public func sk_tokenizer_sequences_to_texts(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ values: OpaquePointer?,
                                            _ lengths: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tokenizer_sequences_to_texts"
    return produce(out, fn) {
        try Tensor(strings: try tokenizer(config, overrides, fn).sequencesToTexts(try sequences(values, lengths, fn)))
    }
}

@c @implementation
public func sk_tokenizer_sequences_to_matrix(_ config: UnsafePointer<CChar>?, _ overrides: UnsafePointer<CChar>?, _ values: OpaquePointer?,
                                             _ lengths: OpaquePointer?, _ mode: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tokenizer_sequences_to_matrix"
    return produce(out, fn) {
        try tokenizer(config, overrides, fn).sequencesToMatrix(try sequences(values, lengths, fn), mode: optionalString(mode) ?? "binary")
    }
}
