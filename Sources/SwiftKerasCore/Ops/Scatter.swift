// Scatter-add: the transpose of gather. Slices of `data` are summed into segments chosen by
// integer ids; repeated ids accumulate. It is gather's pullback, and its own pullback is gather,
// so gradients of any order flow through gather.

/// Sums slices of `data` into `segmentCount` segments chosen by `segmentIDs`, along `axis`
/// (TensorFlow `tf.math.unsorted_segment_sum`, generalised to start at `axis`; the transpose
/// of `Tensor.gathered(indices:axis:)`).
///
/// `data` has shape `pre + segmentIDs.shape + post` where `pre` has `axis` dimensions; the
/// result has shape `pre + [segmentCount] + post`, zero where no id points, and
/// `result[p..., s, q...] = Σ data[p..., i..., q...]` over the positions `i` with
/// `segmentIDs[i] == s`. With `axis` 0 this is `tf.math.unsorted_segment_sum`.
///
/// - Parameters:
///   - data: float16, bfloat16 (summed in float32), float32, float64, int32, int64 or uint8
///     (integers wrap) values.
///   - segmentIDs: an int32 or int64 tensor; every id must be in `0..<segmentCount` (unlike
///     TensorFlow, negative ids are an error rather than dropped).
///   - segmentCount: the size of the new axis (non-negative).
///   - axis: where the dimensions of `segmentIDs` start in `data`, in `0...data.rank - segmentIDs.rank`.
public func unsortedSegmentSum(_ data: Tensor, segmentIDs: Tensor, segmentCount: Int, axis: Int = 0) throws -> Tensor {
    let op: StaticString = "unsorted_segment_sum"
    if segmentIDs.dtype != .int32 && segmentIDs.dtype != .int64 {
        throw SwiftKerasError.dtype("\(op): segment ids must be int32 or int64, got \(segmentIDs.dtype)")
    }
    if data.dtype == .bool {
        throw SwiftKerasError.dtype("\(op): data of dtype bool is not supported (shape \(formatShape(data.shape)))")
    }
    if segmentCount < 0 {
        throw SwiftKerasError.invalid("\(op): segment count must be non-negative, got \(segmentCount)")
    }
    let k = segmentIDs.rank
    if axis < 0 || axis > data.rank - k {
        throw SwiftKerasError.invalid(
            "\(op): axis \(axis) is out of bounds for segment ids of shape \(formatShape(segmentIDs.shape)) in data of shape \(formatShape(data.shape)) (allowed: 0...\(max(data.rank - k, 0)))")
    }
    if Array(data.shape[axis..<(axis + k)]) != segmentIDs.shape {
        throw SwiftKerasError.invalid(
            "\(op): data of shape \(formatShape(data.shape)) does not hold segment ids of shape \(formatShape(segmentIDs.shape)) at axis \(axis)")
    }
    let pre = Array(data.shape[..<axis]), post = Array(data.shape[(axis + k)...])
    let outShape = pre + [segmentCount] + post
    _ = try ShapeMath.count(outShape, op: op)

    let m = segmentIDs.count
    var ids = [Int](repeating: 0, count: m)
    let ids64 = try segmentIDs.cast(to: .int64)
    let ip = ids64.pointer(Int64.self)
    for i in 0..<m {
        let v = ip[i]
        if v < 0 || v >= Int64(segmentCount) {
            throw SwiftKerasError.range(
                "\(op): segment_ids[\(i)] = \(v) is not in [0, \(segmentCount)) (data shape \(formatShape(data.shape)), axis \(axis))")
        }
        ids[i] = Int(v)
    }

    let compute = data.dtype.computeType
    let out = try Tensor.zeros(outShape, dtype: compute)
    if data.count > 0 {
        let src = try data.cast(to: compute)
        var outer = 1, inner = 1
        for d in pre { outer &*= d }
        for d in post { inner &*= d }
        let kernel = SegmentSumKernel(outer: outer, m: m, n: segmentCount, inner: inner)
        ids.withUnsafeBufferPointer { buf in
            let ix = buf.baseAddress.unsafelyUnwrapped
            switch compute {
            case .float32: kernel.run(src.pointer(Float.self), ix, out.pointer(Float.self))
            case .float64: kernel.run(src.pointer(Double.self), ix, out.pointer(Double.self))
            case .int32: kernel.run(src.pointer(Int32.self), ix, out.pointer(Int32.self))
            case .int64: kernel.run(src.pointer(Int64.self), ix, out.pointer(Int64.self))
            case .uint8: kernel.run(src.pointer(UInt8.self), ix, out.pointer(UInt8.self))
            default: break  // bool was rejected; no other compute dtype exists
            }
        }
    }
    let final = try out.cast(to: data.dtype)
    record("unsorted_segment_sum", [data, segmentIDs], final, { g in
        [try g.gathered(indices: segmentIDs, axis: axis), nil]
    })
    return final
}

/// `out[o, ix[i], :] += src[o, i, :]` for data laid out as `outer × m × inner` and an output
/// of `outer × n × inner` (ids validated). Work is split across cores by `outer` rows, or by
/// columns when there is one row, so no two threads add into the same element.
struct SegmentSumKernel {
    let outer: Int, m: Int, n: Int, inner: Int

    func run<T: ReduceScalar>(_ src: UnsafeMutablePointer<T>, _ ix: UnsafePointer<Int>, _ out: UnsafeMutablePointer<T>) {
        let perRow = m &* inner
        let rows = { (os: Int, oe: Int, ks: Int, ke: Int) in
            for o in os..<oe {
                let sb = src + o &* perRow, ob = out + o &* n &* inner
                for i in 0..<m {
                    let s = sb + i &* inner, d = ob + ix[i] &* inner
                    for c in ks..<ke { d[c] = T.plus(d[c], s[c]) }
                }
            }
        }
        if outer >= 2 {
            Parallel.forRange(outer, grain: Swift.max(1, 32768 / Swift.max(perRow, 1))) { s, e in rows(s, e, 0, inner) }
        } else {
            Parallel.forRange(inner, grain: Swift.max(16, 32768 / Swift.max(m, 1))) { s, e in rows(0, outer, s, e) }
        }
    }
}
