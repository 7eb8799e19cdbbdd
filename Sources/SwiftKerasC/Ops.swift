import Glibc
import SwiftKerasCHeader
import SwiftKeras

// The hand-written op shims, for signatures the op table (tools/capi_ops.py, GeneratedOps.swift)
// does not cover: several outputs (split, ctc_decode, ctc_label_dense_to_sparse), masks
// (strided_slice), printing, and user functions (map_fn, foldl, foldr, rnn).

/// Writes `pieces` into `outs` (capacity entries) as new handles; the caller releases them
/// (also used by the decompositions of LinearAlgebra.swift).
func storeList(_ pieces: [Tensor], _ outs: UnsafeMutablePointer<OpaquePointer?>, _ capacity: Int32,
                       _ fn: StaticString) throws {
    if pieces.count > Int(capacity) {
        throw SwiftKerasError(.invalidArgument, "\(fn): outs has room for \(capacity) tensors but the result has \(pieces.count)")
    }
    for (i, p) in pieces.enumerated() { outs[i] = handle(p) }
}

/// Clears `capacity` entries of an output array (validated first).
func clearList(_ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32, _ fn: StaticString) throws
    -> UnsafeMutablePointer<OpaquePointer?> {
    guard let outs else { throw SwiftKerasError(.invalidArgument, "\(fn): outs is NULL") }
    if capacity < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): capacity must be non-negative, got \(capacity)") }
    for i in 0..<Int(capacity) { outs[i] = nil }
    return outs
}

@c @implementation
public func sk_split(_ x: OpaquePointer?, _ num: Int64, _ axis: Int64,
                     _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try clearList(outs, capacity, "sk_split")
        let t = try tensor(x, "sk_split", "x")
        try storeList(try t.split(into: Int(num), axis: Int(axis)), o, capacity, "sk_split")
    }
}

@c @implementation
public func sk_split_sizes(_ x: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ nSizes: Int32, _ axis: Int64,
                           _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32) -> Int32 {
    status {
        let o = try clearList(outs, capacity, "sk_split_sizes")
        let t = try tensor(x, "sk_split_sizes", "x")
        let s = try intList(sizes, nSizes, "sk_split_sizes", "sizes")
        try storeList(try t.split(sizes: s, axis: Int(axis)), o, capacity, "sk_split_sizes")
    }
}

@c @implementation
public func sk_strided_slice(_ x: OpaquePointer?, _ begin: UnsafePointer<Int64>?, _ end: UnsafePointer<Int64>?,
                             _ strides: UnsafePointer<Int64>?, _ n: Int32, _ beginMask: UInt64, _ endMask: UInt64,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_strided_slice") {
        let t = try tensor(x, "sk_strided_slice", "x")
        try checkCount(n, "sk_strided_slice", "n", max: 64)
        let k = Int(n)
        if k > 0 && (begin == nil || end == nil) {
            throw SwiftKerasError(.invalidArgument, "sk_strided_slice: begin and end must not be NULL when n is \(n)")
        }
        var starts: [Int?] = [], stops: [Int?] = [], steps: [Int?] = []
        for i in 0..<k {
            starts.append(beginMask & (1 << UInt64(i)) != 0 ? nil : Int(begin![i]))
            stops.append(endMask & (1 << UInt64(i)) != 0 ? nil : Int(end![i]))
            steps.append(strides.map { Int($0[i]) } ?? 1)
        }
        return try t.sliced(start: starts, stop: stops, step: steps)
    }
}

@c @implementation
public func sk_tensor_to_string(_ t: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                _ needed: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let x = try tensor(t, "sk_tensor_to_string")
        let text = x.description
        let bytes = Array(text.utf8)
        needed?.pointee = bytes.count + 1
        if buffer == nil && capacity == 0 { return }  // a size query
        if capacity < bytes.count + 1 {
            if let buffer, capacity > 0 { buffer[0] = 0 }
            throw SwiftKerasError(.invalidArgument, "sk_tensor_to_string: buffer of \(capacity) bytes is too small, \(bytes.count + 1) needed")
        }
        guard let buffer else { throw SwiftKerasError(.invalidArgument, "sk_tensor_to_string: buffer is NULL") }
        for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
        buffer[bytes.count] = 0
    }
}

// MARK: - Several outputs and user functions

/// Sets `n` output slots to NULL (validating the pointer and count first).
private func clearSlots(_ p: UnsafeMutablePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString,
                        _ arg: StaticString) throws -> UnsafeMutablePointer<OpaquePointer?>? {
    try checkCount(n, fn, arg)
    if n == 0 { return p }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but n_\(arg) is \(n)") }
    for i in 0..<Int(n) { p[i] = nil }
    return p
}

/// Calls a user function expecting exactly `n` outputs, all written.
private func callAll(_ f: FunctionBox, _ inputs: [Tensor], _ n: Int, _ op: String) throws -> [Tensor] {
    let res = try f.call(inputs, nOut: n, op: op)
    return try res.enumerated().map { i, t in
        guard let t else { throw SwiftKerasError(.invalidArgument, "\(op): the callback wrote no output \(i) (of \(n))") }
        return t
    }
}

/// Writes `ts` to `outs` as new handles, all or nothing.
private func writeAll(_ ts: [Tensor], _ outs: UnsafeMutablePointer<OpaquePointer?>?) {
    for (i, t) in ts.enumerated() { outs![i] = handle(t) }
}

// MARK: - CTC

@c @implementation
public func sk_ctc_decode(_ yPred: OpaquePointer?, _ inputLength: OpaquePointer?, _ greedy: UInt8,
                          _ beamWidth: Int64, _ topPaths: Int64,
                          _ decoded: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                          _ logProb: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_ctc_decode"
    logProb?.pointee = nil  // out-parameters are NULL on every failure, the first check's too
    return status {
        let slots = try clearSlots(decoded, capacity, fn, "decoded")
        guard let logProb else { throw SwiftKerasError(.invalidArgument, "\(fn): log_prob is NULL") }
        logProb.pointee = nil
        let y = try tensor(yPred, fn, "y_pred")
        let il = try tensor(inputLength, fn, "input_length")
        let bw = Int(clamping: beamWidth), tp = Int(clamping: topPaths)
        let (paths, lp) = try ctcDecode(yPred: y, inputLength: il, greedy: greedy != 0, beamWidth: bw, topPaths: tp)
        if paths.count > Int(capacity) {
            throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the \(paths.count) decoded paths")
        }
        writeAll(paths, slots)
        logProb.pointee = handle(lp)
    }
}

@c @implementation
public func sk_ctc_label_dense_to_sparse(_ labels: OpaquePointer?, _ labelLengths: OpaquePointer?,
                                         _ indices: UnsafeMutablePointer<OpaquePointer?>?,
                                         _ values: UnsafeMutablePointer<OpaquePointer?>?,
                                         _ denseShape: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_ctc_label_dense_to_sparse"
    return status {
        guard let indices, let values, let denseShape else {
            indices?.pointee = nil; values?.pointee = nil; denseShape?.pointee = nil
            throw SwiftKerasError(.invalidArgument, "\(fn): indices, values and dense_shape must not be NULL")
        }
        indices.pointee = nil; values.pointee = nil; denseShape.pointee = nil
        let r = try ctcLabelDenseToSparse(labels: try tensor(labels, fn, "labels"),
                                          labelLengths: try tensor(labelLengths, fn, "label_lengths"))
        indices.pointee = handle(r.indices)
        values.pointee = handle(r.values)
        denseShape.pointee = handle(r.denseShape)
    }
}

// MARK: - Higher-order functions

@c @implementation
public func sk_map_fn(_ f: OpaquePointer?, _ elems: UnsafePointer<OpaquePointer?>?, _ nElems: Int32,
                      _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32) -> Int32 {
    let fn: StaticString = "sk_map_fn"
    return status {
        let slots = try clearSlots(outputs, nOutputs, fn, "outputs")
        if nOutputs < 1 { throw SwiftKerasError(.invalidArgument, "\(fn): n_outputs must be at least 1, got \(nOutputs)") }
        let box = try unwrap(f, fn, "fn", as: FunctionBox.self)
        let es = try tensorList(elems, nElems, fn, "elems")
        let n = Int(nOutputs)
        if es.first.map({ $0.rank >= 1 && $0.shape[0] == 0 }) == true && n != es.count {
            throw SwiftKerasError(.invalidArgument, "map_fn: with no slices the results are shaped like elems, so n_outputs (\(n)) must equal n_elems (\(es.count))")
        }
        let res = try mapFn(es) { try callAll(box, $0, n, "map_fn") }
        writeAll(res, slots)
    }
}

/// sk_foldl / sk_foldr.
private func foldExport(_ f: OpaquePointer?, _ elems: UnsafePointer<OpaquePointer?>?, _ nElems: Int32,
                        _ initializer: UnsafePointer<OpaquePointer?>?, _ nInit: Int32,
                        _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32,
                        reverse: Bool, _ fn: StaticString) -> Int32 {
    status {
        let slots = try clearSlots(outputs, nOutputs, fn, "outputs")
        let box = try unwrap(f, fn, "fn", as: FunctionBox.self)
        let es = try tensorList(elems, nElems, fn, "elems")
        let inits = try tensorList(initializer, nInit, fn, "initializer")
        let nAcc = inits.isEmpty ? es.count : inits.count
        if Int(nOutputs) != nAcc {
            throw SwiftKerasError(.invalidArgument, "\(fn): n_outputs (\(nOutputs)) must equal the number of accumulator tensors (\(nAcc): n_initializer, or n_elems without an initializer)")
        }
        let op = reverse ? "foldr" : "foldl"
        let body: ([Tensor], [Tensor]) throws -> [Tensor] = { acc, x in try callAll(box, acc + x, nAcc, op) }
        let res = reverse ? try foldr(es, initializer: inits.isEmpty ? nil : inits, body)
                          : try foldl(es, initializer: inits.isEmpty ? nil : inits, body)
        writeAll(res, slots)
    }
}

@c @implementation
public func sk_foldl(_ f: OpaquePointer?, _ elems: UnsafePointer<OpaquePointer?>?, _ nElems: Int32,
                     _ initializer: UnsafePointer<OpaquePointer?>?, _ nInit: Int32,
                     _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32) -> Int32 {
    foldExport(f, elems, nElems, initializer, nInit, outputs, nOutputs, reverse: false, "sk_foldl")
}

@c @implementation
public func sk_foldr(_ f: OpaquePointer?, _ elems: UnsafePointer<OpaquePointer?>?, _ nElems: Int32,
                     _ initializer: UnsafePointer<OpaquePointer?>?, _ nInit: Int32,
                     _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ nOutputs: Int32) -> Int32 {
    foldExport(f, elems, nElems, initializer, nInit, outputs, nOutputs, reverse: true, "sk_foldr")
}

@c @implementation
public func sk_rnn(_ step: OpaquePointer?, _ inputs: OpaquePointer?,
                   _ initialStates: UnsafePointer<OpaquePointer?>?, _ nStates: Int32,
                   _ goBackwards: UInt8, _ mask: OpaquePointer?,
                   _ constants: UnsafePointer<OpaquePointer?>?, _ nConstants: Int32,
                   _ unroll: UInt8, _ inputLength: OpaquePointer?,
                   _ lastOutput: UnsafeMutablePointer<OpaquePointer?>?,
                   _ outputs: UnsafeMutablePointer<OpaquePointer?>?,
                   _ newStates: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_rnn"
    lastOutput?.pointee = nil  // out-parameters are NULL on every failure, the first check's too
    outputs?.pointee = nil
    return status {
        let stateSlots = try clearSlots(newStates, nStates, fn, "states")
        guard let lastOutput, let outputs else {
            lastOutput?.pointee = nil; outputs?.pointee = nil
            throw SwiftKerasError(.invalidArgument, "\(fn): last_output and outputs must not be NULL")
        }
        lastOutput.pointee = nil; outputs.pointee = nil
        let box = try unwrap(step, fn, "step_function", as: FunctionBox.self)
        let x = try tensor(inputs, fn, "inputs")
        let states = try tensorList(initialStates, nStates, fn, "initial_states")
        let consts = try tensorList(constants, nConstants, fn, "constants")
        let n = states.count
        let r = try rnn({ xt, sc in
            let outs = try callAll(box, [xt] + sc, n + 1, "rnn")
            return (outs[0], Array(outs.dropFirst()))
        }, inputs: x, initialStates: states, goBackwards: goBackwards != 0, mask: optionalTensor(mask),
           constants: consts, unroll: unroll != 0, inputLength: optionalTensor(inputLength))
        lastOutput.pointee = handle(r.lastOutput)
        outputs.pointee = handle(r.outputs)
        writeAll(r.states, stateSlots)
    }
}
