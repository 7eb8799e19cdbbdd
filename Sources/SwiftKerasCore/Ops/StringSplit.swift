// tf.strings.split (TensorFlow's `StringSplitV2`): each string of a rank-0 or rank-1 string
// tensor split into tokens, returned as the flat tokens plus the row splits of a ragged tensor.

/// TensorFlow's whitespace (`isspace` in the C locale).
@inline(__always) private func isSplitSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

/// The tokens of one string by TF's `SplitV2`: `maxSplit` 0 keeps the string whole; with no
/// separator, runs of whitespace separate and leading whitespace is dropped (so "" and "  " give
/// no token), and after `maxSplit` splits the rest of the string (leading whitespace removed,
/// possibly empty) is the last token; with a separator every occurrence splits, empty tokens
/// kept, the rest after `maxSplit` splits being the last token.
func splitV2(_ s: ArraySlice<UInt8>, separator: [UInt8], maxSplit: Int) -> [ArraySlice<UInt8>] {
    if maxSplit == 0 { return [s] }
    var out: [ArraySlice<UInt8>] = []
    var i = s.startIndex, splits = 0
    if separator.isEmpty {
        while i < s.endIndex && isSplitSpace(s[i]) { i += 1 }
        while i < s.endIndex {
            let start = i
            while i < s.endIndex && !isSplitSpace(s[i]) { i += 1 }
            out.append(s[start ..< i])
            while i < s.endIndex && isSplitSpace(s[i]) { i += 1 }
            splits += 1
            if maxSplit > 0 && splits == maxSplit {
                out.append(s[i...])
                return out
            }
        }
        return out
    }
    var tokenStart = i
    while i + separator.count <= s.endIndex {
        if s[i ..< i + separator.count].elementsEqual(separator) {
            out.append(s[tokenStart ..< i])
            i += separator.count
            tokenStart = i
            splits += 1
            if maxSplit > 0 && splits == maxSplit { break }
        } else {
            i += 1
        }
    }
    out.append(s[tokenStart...])
    return out
}

extension Tensor {
    /// `tf.strings.split(self, sep, maxsplit)`: the tokens of every string (`separator` nil or
    /// empty = whitespace; `maxSplit` < 0 = no limit) as a 1-D string tensor, and the int64 row
    /// splits (`rowSplits[i] ..< rowSplits[i + 1]` are the tokens of string i). A scalar input
    /// has the row splits `[0, n]` (TF returns its tokens as a dense 1-D tensor). Inputs of rank
    /// above 1 are not implemented.
    public func stringsSplit(separator: [UInt8]?, maxSplit: Int = -1) throws -> (values: Tensor, rowSplits: Tensor) {
        let e = try stringElements(op: "strings_split")
        if rank > 1 {
            throw SwiftKerasError(.unimplemented, "strings_split: inputs of rank \(rank) (shape \(formatShape(shape))) are not implemented (only rank 0 or 1)")
        }
        var b = StringElementsBuilder()
        var splits: [Int64] = [0]
        var total = 0
        for i in 0 ..< e.count {
            for token in splitV2(e.element(i), separator: separator ?? [], maxSplit: maxSplit) {
                b.append(token)
                total += 1
            }
            splits.append(Int64(total))
        }
        return (try Tensor.strings(b.build(), shape: [total], op: "strings_split"), try Tensor(splits, shape: [splits.count]))
    }
}

// MARK: - tf.strings.unicode_split, ngrams, reduce_join

/// What `unicode_split` does with bytes that are not UTF-8 (TF's `errors`).
public enum UnicodeErrors: Int32, Sendable {
    /// An error naming the element.
    case strict = 0
    /// Each maximal ill-formed subsequence becomes U+FFFD (TF's default).
    case replace = 1
    /// Ill-formed subsequences are dropped.
    case ignore = 2
}

/// The UTF-8 characters of `s` as byte ranges, or nil (`ok` false) for an ill-formed subsequence
/// — its maximal subpart (Unicode's "U+FFFD substitution of maximal subparts", as ICU decodes).
func utf8Characters(_ s: ArraySlice<UInt8>) -> [(bytes: ArraySlice<UInt8>, ok: Bool)] {
    var out: [(bytes: ArraySlice<UInt8>, ok: Bool)] = []
    var i = s.startIndex
    while i < s.endIndex {
        let b0 = s[i]
        var need = 0, lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0x00 ... 0x7F: need = 0
        case 0xC2 ... 0xDF: need = 1
        case 0xE0: (need, lo) = (2, 0xA0)
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: need = 2
        case 0xED: (need, hi) = (2, 0x9F)
        case 0xF0: (need, lo) = (3, 0x90)
        case 0xF1 ... 0xF3: need = 3
        case 0xF4: (need, hi) = (3, 0x8F)
        default: need = -1
        }
        if need < 0 {
            out.append((s[i ..< i + 1], false))
            i += 1
            continue
        }
        var j = i + 1, good = true
        for k in 0 ..< need {
            let (l, h): (UInt8, UInt8) = k == 0 ? (lo, hi) : (0x80, 0xBF)
            if j < s.endIndex && s[j] >= l && s[j] <= h { j += 1 } else { good = false; break }
        }
        out.append((s[i ..< j], good))
        i = j
    }
    return out
}

/// UTF-8 of U+FFFD.
private let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

/// `(values, rowSplits)` of a ragged result from one list of pieces per element.
private func raggedStrings(_ rows: [[[UInt8]]], op: StaticString) throws -> (values: Tensor, rowSplits: Tensor) {
    var b = StringElementsBuilder()
    var splits: [Int64] = [0]
    var total = 0
    for row in rows {
        for piece in row { b.append(piece) }
        total += row.count
        splits.append(Int64(total))
    }
    return (try Tensor.strings(b.build(), shape: [total], op: op), try Tensor(splits, shape: [splits.count]))
}

extension Tensor {
    /// `tf.strings.unicode_split(self, "UTF-8", errors)`: the characters (code points, each as
    /// its UTF-8 bytes) of every element of a rank-0 or rank-1 string tensor, as the values and
    /// int64 row splits of a ragged tensor (see `stringsSplit`).
    public func stringsUnicodeSplit(errors: UnicodeErrors = .replace) throws -> (values: Tensor, rowSplits: Tensor) {
        let e = try stringElements(op: "strings_unicode_split")
        if rank > 1 {
            throw SwiftKerasError(.unimplemented, "strings_unicode_split: inputs of rank \(rank) (shape \(formatShape(shape))) are not implemented (only rank 0 or 1)")
        }
        var rows: [[[UInt8]]] = []
        for i in 0 ..< e.count {
            var row: [[UInt8]] = []
            for (c, ok) in utf8Characters(e.element(i)) {
                if ok { row.append(Array(c)); continue }
                switch errors {
                case .strict:
                    throw SwiftKerasError.invalid("strings_unicode_split: element \(i) is not valid UTF-8 (ill-formed bytes \(c.map { String($0, radix: 16) }.joined(separator: " ")) at byte \(c.startIndex - e.element(i).startIndex))")
                case .replace: row.append(replacementCharacter)
                case .ignore: break
                }
            }
            rows.append(row)
        }
        return try raggedStrings(rows, op: "strings_unicode_split")
    }

    /// `tf.strings.ngrams` (TensorFlow's `StringNGrams` kernel) of the rows of a ragged string
    /// tensor given as flat values (self, 1-D) and int64 `rowSplits`: for each row and each width
    /// in `widths`, the ngrams joined by `separator`, padded with `pad` (left, right) up to
    /// `padWidth` tokens (-1: width - 1; never more than width - 1); with
    /// `preserveShortSequences`, a row too short for any ngram gives one ngram of all its tokens.
    public func stringsNgrams(rowSplits: Tensor, widths: [Int], separator: [UInt8], pad: ([UInt8], [UInt8]),
                              padWidth: Int, preserveShortSequences: Bool) throws -> (values: Tensor, rowSplits: Tensor) {
        let op: StaticString = "strings_ngrams"
        let e = try stringElements(op: op)
        if rank != 1 { throw SwiftKerasError.invalid("strings_ngrams: data must be 1-D flat values, got shape \(formatShape(shape))") }
        if rowSplits.rank != 1 || !rowSplits.dtype.isInteger {
            throw SwiftKerasError.invalid("strings_ngrams: row_splits must be a 1-D integer tensor, got \(rowSplits.dtype) of shape \(formatShape(rowSplits.shape))")
        }
        let splits = try rowSplits.cast(to: .int64).scalars(as: Int64.self)
        if splits.isEmpty || splits[0] != 0 || splits.last! != Int64(e.count) || zip(splits, splits.dropFirst()).contains(where: { $0 > $1 }) {
            throw SwiftKerasError.invalid("strings_ngrams: row_splits \(splits) must start at 0, not decrease and end at the number of values \(e.count)")
        }
        if widths.isEmpty || widths.contains(where: { $0 < 1 || $0 > Int(Int32.max) }) {
            throw SwiftKerasError.invalid("strings_ngrams: all ngram_widths must be in [1, 2^31 - 1], got \(widths)")
        }
        if padWidth < -1 { throw SwiftKerasError.invalid("strings_ngrams: padding_width must be greater than 0, got \(padWidth)") }
        func padFor(_ w: Int) -> Int { Swift.min(padWidth < 0 ? w - 1 : padWidth, w - 1) }
        func ngrams(_ data: [ArraySlice<UInt8>], count: Int, width: Int, into row: inout [[UInt8]]) {
            let p = padFor(width)
            for k in 0 ..< count {
                let left = Swift.max(0, p - k), right = Swift.max(0, p - (count - (k + 1)))
                let tokens = width - (left + right), start = left > 0 ? 0 : k - p
                var s: [UInt8] = []
                for _ in 0 ..< left { s += pad.0; s += separator }
                for n in 0 ..< Swift.max(0, tokens - 1) { s += data[start + n]; s += separator }
                if tokens > 0 {
                    s += data[start + tokens - 1]
                    for _ in 0 ..< right { s += separator; s += pad.1 }
                } else {
                    for _ in 0 ..< Swift.max(0, right - 1) { s += pad.1; s += separator }
                    s += pad.1
                }
                row.append(s)
            }
        }
        var rows: [[[UInt8]]] = []
        for r in 0 ..< splits.count - 1 {
            let data = (Int(splits[r]) ..< Int(splits[r + 1])).map { e.element($0) }
            var row: [[UInt8]] = []
            for w in widths {
                let n = data.count + 2 * padFor(w) - w + 1
                if n > 0 {
                    let (cost, overflow) = n.multipliedReportingOverflow(by: w)
                    if overflow { throw SwiftKerasError(.outOfMemory, "strings_ngrams: \(n) ngrams of width \(w) are too many") }
                    try CheckedAllocation.check(cost, of: [UInt8].self, op: "\(op)")
                    ngrams(data, count: n, width: w, into: &row)
                }
            }
            if preserveShortSequences && row.isEmpty && !data.isEmpty {
                ngrams(data, count: 1, width: data.count + 2 * Swift.max(padWidth, 0), into: &row)
            }
            rows.append(row)
        }
        return try raggedStrings(rows, op: op)
    }

    /// `tf.strings.reduce_join(self, axis, keepdims, separator)`: the elements joined along the
    /// `axes` with `separator` between them, the first axis given varying fastest (TF's order;
    /// nil: all axes, row-major).
    public func stringsReduceJoin(axes: [Int]?, keepDims: Bool = false, separator: [UInt8] = []) throws -> Tensor {
        let op: StaticString = "strings_reduce_join"
        _ = try stringElements(op: op)
        // TF's order: the first axis given varies fastest (None: the last axis first, so row-major)
        let gone = try (axes.map { Array($0.reversed()) } ?? Array(0 ..< rank)).map { try ShapeMath.axis($0, rank: rank, op: op) }
        let reduced = Set(gone)
        if reduced.count != gone.count { throw SwiftKerasError.invalid("strings_reduce_join: duplicate reduction dimensions in \(axes ?? [])") }
        let kept = (0 ..< rank).filter { !reduced.contains($0) }
        let keptShape = kept.map { shape[$0] }
        let inner = try ShapeMath.count(gone.map { shape[$0] }, op: op), outer = try ShapeMath.count(keptShape, op: op)
        let moved = try transposed(kept + gone).stringElements(op: op)
        var b = StringElementsBuilder()
        for o in 0 ..< outer {
            var s: [UInt8] = []
            for k in 0 ..< inner {
                if k > 0 { s += separator }
                s += moved.element(o * inner + k)
            }
            b.append(s)
        }
        let outShape = keepDims ? (0 ..< rank).map { reduced.contains($0) ? 1 : shape[$0] } : keptShape
        return try Tensor.strings(b.build(), shape: outShape, op: op)
    }
}
