import Glibc

// The string ops (TF's `tf.strings.*` and string equality): elementwise over the byte strings
// of `.string` tensors (`Core/StringStorage.swift`). None has a gradient (TF's have none);
// they record nothing.

/// The ASCII punctuation Keras' `lower_and_strip_punctuation` removes (its
/// `DEFAULT_STRIP_REGEX`, `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']`).
let keraspunctuation: Set<UInt8> = Set(Array("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'".utf8))

/// Whether `c` is ASCII whitespace as TF's `strip` and whitespace split see it
/// (space, \t, \n, \v, \f, \r).
@inline(__always)
package func isASCIIWhitespace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

extension Tensor {
    /// `body` applied to each element's bytes, as a string tensor of the same shape.
    func mapStrings(_ op: StaticString, _ body: (ArraySlice<UInt8>) throws -> [UInt8]) throws -> Tensor {
        let e = try stringElements(op: op)
        var b = StringElementsBuilder()
        for i in 0 ..< e.count { b.append(try body(e.element(i))) }
        return try Tensor.strings(b.build(), shape: shape, op: op)
    }

    /// ASCII lowercase of each element (`tf.strings.lower` with its default encoding "": bytes
    /// outside A–Z are kept).
    public func stringsLower() throws -> Tensor {
        try mapStrings("strings_lower") { s in s.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 } }
    }

    /// ASCII uppercase of each element (`tf.strings.upper`).
    public func stringsUpper() throws -> Tensor {
        try mapStrings("strings_upper") { s in s.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 } }
    }

    /// Each element without leading and trailing ASCII whitespace (`tf.strings.strip`).
    public func stringsStrip() throws -> Tensor {
        try mapStrings("strings_strip") { s in
            var lo = s.startIndex, hi = s.endIndex
            while lo < hi && isASCIIWhitespace(s[lo]) { lo += 1 }
            while hi > lo && isASCIIWhitespace(s[hi - 1]) { hi -= 1 }
            return Array(s[lo ..< hi])
        }
    }

    /// Each element without the ASCII punctuation of Keras' text standardization.
    public func stringsStripPunctuation() throws -> Tensor {
        try mapStrings("strings_strip_punctuation") { s in s.filter { !keraspunctuation.contains($0) } }
    }

    /// Each element with every occurrence of `pattern` replaced by `rewrite`
    /// (`tf.strings.regex_replace` for patterns that are a literal string or one bracket
    /// character class such as `[aeiou]`, `[^a-z ]` or `[,.]+`; any other regex syntax is
    /// refused by name rather than misread).
    public func stringsRegexReplace(pattern: String, rewrite: String, replaceGlobal: Bool = true) throws -> Tensor {
        let matcher = try SimplePattern(pattern)
        let r = Array(rewrite.utf8)
        if r.contains(0x5C) {
            throw SwiftKerasError(.unimplemented, "strings_regex_replace: backslash groups in the rewrite \"\(rewrite)\" are not implemented")
        }
        return try mapStrings("strings_regex_replace") { s in
            var out: [UInt8] = []
            var i = s.startIndex
            var replaced = false
            while i < s.endIndex {
                if !(replaced && !replaceGlobal), let n = matcher.match(s, at: i), n > 0 {
                    out.append(contentsOf: r)
                    i += n
                    replaced = true
                } else {
                    out.append(s[i])
                    i += 1
                }
            }
            return out
        }
    }

    /// The byte length of each element, int32 (`tf.strings.length` with unit "BYTE").
    public func stringsLength() throws -> Tensor {
        let e = try stringElements(op: "strings_length")
        let out = try Tensor.uninitialized(shape, .int32, op: "strings_length")
        let p = out.pointer(Int32.self)
        for i in 0 ..< e.count { p[i] = Int32(clamping: e.offsets[i + 1] - e.offsets[i]) }
        return out
    }

    /// The bytes `pos ..< pos + len` of each element (`tf.strings.substr` with scalar `pos`
    /// and `len`, unit "BYTE"): a negative `pos` counts from the end, `len` is clipped at the
    /// end, and a `pos` outside an element is an out-of-range error as in TF.
    public func stringsSubstr(pos: Int, len: Int) throws -> Tensor {
        if len < 0 {
            throw SwiftKerasError.invalid("strings_substr: len must be non-negative, got \(len)")
        }
        return try mapStrings("strings_substr") { s in
            let n = s.count
            let start = pos < 0 ? n + pos : pos
            if start < 0 || start > n {
                throw SwiftKerasError(.outOfRange, "strings_substr: pos \(pos) out of range for string of length \(n)")
            }
            let end = Swift.min(n, start + Swift.min(len, n))
            return Array(s[(s.startIndex + start) ..< (s.startIndex + Swift.max(start, end))])
        }
    }

    /// Each element parsed as a number (`tf.strings.to_number`): `dtype` float32 / float64
    /// (C `strtod` syntax) or int32 / int64 (decimal); anything else in the string, or an
    /// integer out of range, is an invalid-argument error quoting it.
    public func stringsToNumber(dtype: DType = .float32) throws -> Tensor {
        let e = try stringElements(op: "strings_to_number")
        if !(dtype == .float32 || dtype == .float64 || dtype == .int32 || dtype == .int64) {
            throw SwiftKerasError.dtype("strings_to_number: out_type must be float32, float64, int32 or int64, got \(dtype)")
        }
        var values = try CheckedAllocation.array(repeating: 0.0, count: e.count, op: "strings_to_number")
        var ints = try CheckedAllocation.array(repeating: Int64(0), count: dtype.isInteger ? e.count : 0, op: "strings_to_number")
        for i in 0 ..< e.count {
            let text = String(decoding: e.element(i), as: UTF8.self)
            let trimmed = String(decoding: Array(e.element(i)).drop(while: isASCIIWhitespace).reversed().drop(while: isASCIIWhitespace).reversed(), as: UTF8.self)
            if dtype.isInteger {
                guard let v = Int64(trimmed), dtype == .int64 || (v >= Int64(Int32.min) && v <= Int64(Int32.max)) else {
                    throw SwiftKerasError.invalid("strings_to_number: StringToNumberOp could not correctly convert string: \(text)")
                }
                ints[i] = v
            } else {
                var end: UnsafeMutablePointer<CChar>? = nil
                let ok = trimmed.withCString { p -> Bool in
                    values[i] = strtod(p, &end)
                    return !trimmed.isEmpty && end.map { $0.pointee == 0 } ?? false
                }
                if !ok {
                    throw SwiftKerasError.invalid("strings_to_number: StringToNumberOp could not correctly convert string: \(text)")
                }
            }
        }
        if dtype.isInteger { return try Tensor(ints, shape: shape).cast(to: dtype) }
        return try Tensor.from(doubles: values, shape: shape, dtype: dtype)
    }

    /// Whether the elements are equal (`equal`: true) or differ (false), broadcasting as
    /// numeric comparisons do; both tensors must be string tensors.
    package static func stringsEqual(_ a: Tensor, _ b: Tensor, equal: Bool, op: StaticString) throws -> Tensor {
        if a.dtype != .string || b.dtype != .string {
            throw SwiftKerasError.dtype("\(op): cannot compare a string tensor with a \(a.dtype == .string ? b.dtype : a.dtype) tensor")
        }
        let shape = try ShapeMath.broadcast(a.shape, b.shape, op: op)
        let ea = try a.broadcasted(to: shape).stringElements(op: op)
        let eb = try b.broadcasted(to: shape).stringElements(op: op)
        let out = try Tensor.uninitialized(shape, .bool, op: op)
        let p = out.pointer(Bool.self)
        for i in 0 ..< ea.count { p[i] = (ea.element(i).elementsEqual(eb.element(i))) == equal }
        return out
    }
}

/// Joins string tensors elementwise with `separator` (`tf.strings.join`), broadcasting them.
public func stringsJoin(_ inputs: [Tensor], separator: String = "") throws -> Tensor {
    if inputs.isEmpty { throw SwiftKerasError.invalid("strings_join: needs at least one tensor") }
    var shape: [Int] = []
    for t in inputs {
        _ = try t.stringElements(op: "strings_join")
        shape = try ShapeMath.broadcast(shape, t.shape, op: "strings_join")
    }
    let parts = try inputs.map { try $0.broadcasted(to: shape).stringElements(op: "strings_join") }
    let sep = Array(separator.utf8)
    var b = StringElementsBuilder()
    let n = try ShapeMath.count(shape, op: "strings_join")
    for i in 0 ..< n {
        var s: [UInt8] = []
        for (k, e) in parts.enumerated() {
            if k > 0 { s.append(contentsOf: sep) }
            s.append(contentsOf: e.element(i))
        }
        b.append(s)
    }
    return try Tensor.strings(b.build(), shape: shape, op: "strings_join")
}

/// The regex subset `stringsRegexReplace` understands: a literal, or one bracket class
/// (ranges, `^` negation, `\` escapes) optionally followed by `+`.
struct SimplePattern {
    let literal: [UInt8]?
    let members: [Bool]
    let negated: Bool
    let repeated: Bool

    init(_ pattern: String) throws {
        let p = Array(pattern.utf8)
        let special: Set<UInt8> = Set(Array(".*+?()|{}^$\\[]".utf8))
        if p.isEmpty { throw SwiftKerasError.invalid("strings_regex_replace: empty pattern") }
        if !p.contains(where: { special.contains($0) }) {
            literal = p; members = []; negated = false; repeated = false
            return
        }
        guard p.first == 0x5B else {
            throw SwiftKerasError(.unimplemented, "strings_regex_replace: pattern \"\(pattern)\" is not implemented (only literals and one [...] class, optionally with +)")
        }
        var m = [Bool](repeating: false, count: 256)
        var i = 1
        var neg = false
        if i < p.count && p[i] == 0x5E { neg = true; i += 1 }
        var closed = false
        var first = true
        while i < p.count {
            var c = p[i]
            if c == 0x5D && !first { closed = true; i += 1; break }
            first = false
            if c == 0x5C {
                i += 1
                guard i < p.count else { break }
                c = p[i]
                if c == 0x73 { for w in [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D] { m[w] = true }; i += 1; continue }
            }
            if i + 2 < p.count && p[i + 1] == 0x2D && p[i + 2] != 0x5D {
                var hi = p[i + 2]
                var skip = 3
                if hi == 0x5C && i + 3 < p.count { hi = p[i + 3]; skip = 4 }
                if hi >= c { for k in Int(c) ... Int(hi) { m[k] = true } }
                i += skip
                continue
            }
            m[Int(c)] = true
            i += 1
        }
        let rest = p[i...]
        guard closed, rest.isEmpty || Array(rest) == [0x2B] else {
            throw SwiftKerasError(.unimplemented, "strings_regex_replace: pattern \"\(pattern)\" is not implemented (only literals and one [...] class, optionally with +)")
        }
        literal = nil; members = m; negated = neg; repeated = !rest.isEmpty
    }

    /// The length of the match starting at `i`, or nil.
    func match(_ s: ArraySlice<UInt8>, at i: Int) -> Int? {
        if let literal {
            if s.endIndex - i < literal.count { return nil }
            return s[i ..< i + literal.count].elementsEqual(literal) ? literal.count : nil
        }
        var j = i
        while j < s.endIndex && members[Int(s[j])] != negated {
            j += 1
            if !repeated { break }
        }
        return j > i ? j - i : nil
    }
}
