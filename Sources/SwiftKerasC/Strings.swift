import Glibc
import SwiftKerasCHeader
import SwiftKeras

// String tensors and the tf.strings ops through the C ABI (include/swiftkeras/strings.h).
// Each shim unwraps its arguments and calls the core (Core/StringStorage.swift, Ops/StringOps.swift).

@c @implementation
public func sk_tensor_from_strings(_ data: UnsafePointer<UnsafePointer<CChar>?>?, _ lengths: UnsafePointer<Int>?,
                                   _ shape: UnsafePointer<Int64>?, _ ndim: Int32,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_tensor_from_strings") {
        let s = try shapeArray(shape, ndim, "sk_tensor_from_strings")
        let n = try ShapeMath.count(s, op: "sk_tensor_from_strings")
        if n > 0 && data == nil { throw SwiftKerasError(.invalidArgument, "sk_tensor_from_strings: data is NULL for shape \(formatShape(s))") }
        try CheckedAllocation.check(n, of: [UInt8].self, op: "sk_tensor_from_strings")
        var values: [[UInt8]] = []
        values.reserveCapacity(n)
        for i in 0 ..< n {
            guard let p = data?[i] else { throw SwiftKerasError(.invalidArgument, "sk_tensor_from_strings: data[\(i)] is NULL") }
            let len = lengths.map { $0[i] } ?? Int(strlen(p))
            if len < 0 { throw SwiftKerasError(.invalidArgument, "sk_tensor_from_strings: lengths[\(i)] is negative") }
            values.append(Array(UnsafeRawBufferPointer(start: p, count: len).bindMemory(to: UInt8.self)))
        }
        return try Tensor.fromBytes(values, shape: s)
    }
}

@c @implementation
public func sk_tensor_string_at(_ t: OpaquePointer?, _ index: Int64, _ data: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    data?.pointee = nil
    length?.pointee = 0
    return status {
        guard let data, let length else { throw SwiftKerasError(.invalidArgument, "sk_tensor_string_at: data or length is NULL") }
        let x = try tensor(t, "sk_tensor_string_at")
        let (p, n) = try x.borrowedString(at: Int(index))
        data.pointee = p
        length.pointee = n
    }
}

/// A string op of one tensor: `body` on the tensor behind `x`, written to `out`.
private func mapString(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                       _ body: (Tensor) throws -> Tensor) -> Int32 {
    produce(out, fn) { try body(try tensor(x, fn, "x")) }
}

@c @implementation
public func sk_strings_lower(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 { mapString(x, out, "sk_strings_lower") { try $0.stringsLower() } }

@c @implementation
public func sk_strings_upper(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 { mapString(x, out, "sk_strings_upper") { try $0.stringsUpper() } }

@c @implementation
public func sk_strings_strip(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 { mapString(x, out, "sk_strings_strip") { try $0.stringsStrip() } }

@c @implementation
public func sk_strings_length(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 { mapString(x, out, "sk_strings_length") { try $0.stringsLength() } }

@c @implementation
public func sk_strings_substr(_ x: OpaquePointer?, _ pos: Int64, _ len: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strings_substr") {
        try tensor(x, "sk_strings_substr", "x").stringsSubstr(pos: Int(clamping: pos), len: Int(clamping: len))
    }
}

@c @implementation
public func sk_strings_to_number(_ x: OpaquePointer?, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strings_to_number") {
        try tensor(x, "sk_strings_to_number", "x").stringsToNumber(dtype: try dtypeCode(dtype, "sk_strings_to_number"))
    }
}

@c @implementation
public func sk_strings_regex_replace(_ x: OpaquePointer?, _ pattern: UnsafePointer<CChar>?, _ rewrite: UnsafePointer<CChar>?,
                                     _ replaceGlobal: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strings_regex_replace") {
        try tensor(x, "sk_strings_regex_replace", "x").stringsRegexReplace(
            pattern: try cString(pattern, "sk_strings_regex_replace", "pattern"),
            rewrite: try cString(rewrite, "sk_strings_regex_replace", "rewrite"), replaceGlobal: replaceGlobal != 0)
    }
}

@c @implementation
public func sk_strings_join(_ inputs: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ separator: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strings_join") {
        try stringsJoin(try handleList(inputs, n, "sk_strings_join", "inputs", as: Tensor.self),
                        separator: separator.map { String(cString: $0) } ?? "")
    }
}

@c @implementation
public func sk_strings_split(_ x: OpaquePointer?, _ sep: UnsafePointer<CChar>?, _ maxsplit: Int64,
                             _ values: UnsafeMutablePointer<OpaquePointer?>?,
                             _ rowSplits: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    values?.pointee = nil
    rowSplits?.pointee = nil
    return status {
        let v = try outParameter(values, "sk_strings_split"), r = try outParameter(rowSplits, "sk_strings_split")
        let separator = sep.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
        let parts = try tensor(x, "sk_strings_split", "x").stringsSplit(separator: separator, maxSplit: Int(clamping: maxsplit))
        v.pointee = handle(parts.values)
        r.pointee = handle(parts.rowSplits)
    }
}

/// The two outputs of a ragged string op, written to the out-parameters.
private func raggedOut(_ values: UnsafeMutablePointer<OpaquePointer?>?, _ rowSplits: UnsafeMutablePointer<OpaquePointer?>?,
                       _ fn: StaticString, _ body: () throws -> (values: Tensor, rowSplits: Tensor)) -> Int32 {
    values?.pointee = nil
    rowSplits?.pointee = nil
    return status {
        let v = try outParameter(values, fn), r = try outParameter(rowSplits, fn)
        let parts = try body()
        v.pointee = handle(parts.values)
        r.pointee = handle(parts.rowSplits)
    }
}

@c @implementation
public func sk_strings_unicode_split(_ x: OpaquePointer?, _ errors: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ rowSplits: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    raggedOut(values, rowSplits, "sk_strings_unicode_split") {
        guard let e = UnicodeErrors(rawValue: errors) else {
            throw SwiftKerasError(.invalidArgument, "sk_strings_unicode_split: errors must be 0 (strict), 1 (replace) or 2 (ignore), got \(errors)")
        }
        return try tensor(x, "sk_strings_unicode_split", "x").stringsUnicodeSplit(errors: e)
    }
}

@c @implementation
public func sk_strings_ngrams(_ values: OpaquePointer?, _ rowSplits: OpaquePointer?, _ widths: UnsafePointer<Int64>?,
                              _ nWidths: Int32, _ separator: UnsafePointer<CChar>?, _ leftPad: UnsafePointer<CChar>?,
                              _ rightPad: UnsafePointer<CChar>?, _ padWidth: Int64, _ preserveShort: UInt8,
                              _ outValues: UnsafeMutablePointer<OpaquePointer?>?,
                              _ outRowSplits: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    raggedOut(outValues, outRowSplits, "sk_strings_ngrams") {
        let fn: StaticString = "sk_strings_ngrams"
        func bytes(_ p: UnsafePointer<CChar>?) -> [UInt8] { p.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? [] }
        return try tensor(values, fn, "values").stringsNgrams(
            rowSplits: try tensor(rowSplits, fn, "row_splits"), widths: try intList(widths, nWidths, fn, "widths"),
            separator: bytes(separator), pad: (bytes(leftPad), bytes(rightPad)), padWidth: Int(clamping: padWidth),
            preserveShortSequences: preserveShort != 0)
    }
}

@c @implementation
public func sk_strings_reduce_join(_ x: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ nAxes: Int32, _ keepdims: UInt8,
                                   _ separator: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strings_reduce_join") {
        let a = nAxes < 0 ? nil : try intList(axes, nAxes, "sk_strings_reduce_join", "axes")
        return try tensor(x, "sk_strings_reduce_join", "x").stringsReduceJoin(
            axes: a, keepDims: keepdims != 0,
            separator: separator.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? [])
    }
}
