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
