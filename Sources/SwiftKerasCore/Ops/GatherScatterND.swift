// N-dimensional gathers and scatters (`tf.gather_nd`, `tf.scatter_nd`,
// `tf.tensor_scatter_nd_update/add/sub/max/min`): index tuples become row numbers of the tensor
// reshaped to (rows, slice...), then the core's gather and segment sum do the work, so gradients
// of any order flow through their pullbacks. Only max/min have a kernel (and TF's pullback).

/// The validated row numbers of the index tuples in the last axis of `indices` into the first
/// `k` axes (after `batchDims` batch axes) of a tensor of shape `shape`: (rows, row count, k).
/// Row number = batch position · (product of the k indexed sizes) + the tuple's row-major offset.
private func indexRows(_ indices: Tensor, into shape: [Int], batchDims: Int, op: StaticString) throws -> ([Int], Int, Int) {
    if indices.dtype != .int32 && indices.dtype != .int64 {
        throw SwiftKerasError.dtype("\(op): indices must be int32 or int64, got \(indices.dtype)")
    }
    if indices.rank < 1 || batchDims < 0 || batchDims >= indices.rank {
        throw SwiftKerasError.invalid("\(op): indices of shape \(formatShape(indices.shape)) need rank >= \(batchDims + 1) (batch_dims \(batchDims)) and a last axis holding the index tuples")
    }
    let k = indices.shape[indices.rank - 1]
    if batchDims + k > shape.count {
        throw SwiftKerasError.invalid("\(op): index tuples of length \(k) (indices shape \(formatShape(indices.shape)), batch_dims \(batchDims)) exceed the rank of shape \(formatShape(shape))")
    }
    if Array(indices.shape[..<batchDims]) != Array(shape[..<batchDims]) {
        throw SwiftKerasError.invalid("\(op): the batch dimensions of indices \(formatShape(indices.shape)) and of shape \(formatShape(shape)) differ (batch_dims \(batchDims))")
    }
    let dims = Array(shape[batchDims..<(batchDims + k)])
    let block = try ShapeMath.count(dims, op: op)
    let n = k == 0 ? indices.count : indices.count / k
    let flat = try indices.cast(to: .int64)
    let p = flat.pointer(Int64.self)
    let perBatch = Swift.max(1, n / Swift.max(1, sliceProduct(shape[..<batchDims])))
    var rows = [Int](repeating: 0, count: n)
    for r in 0..<n {
        var off = 0
        for j in 0..<k {
            let v = p[r &* k &+ j]
            if v < 0 || v >= Int64(dims[j]) {
                let tuple = (0..<k).map { String(p[r &* k &+ $0]) }.joined(separator: ", ")
                throw SwiftKerasError.invalid("\(op): indices[\(r)] = [\(tuple)] does not index into shape \(formatShape(shape))")
            }
            off = off &* dims[j] &+ Int(v)
        }
        rows[r] = (r / perBatch) &* block &+ off
    }
    return (rows, n, k)
}

/// The rows of `rows` as an int64 tensor of shape `shape`.
private func rowTensor(_ rows: [Int], _ shape: [Int]) throws -> Tensor {
    try Tensor(rows.map { Int64($0) }, shape: shape)
}

/// `params` gathered at the index tuples in the last axis of `indices` (`tf.gather_nd`): the
/// result has shape `indices.shape[..<-1] + params.shape[(batchDims + k)...]` for tuples of
/// length k, after `batchDims` leading axes shared by both. Gradient: gather's (a segment sum).
/// Errors: SK_ERR_INVALID_ARG for an index outside params (as TF on CPU), mismatched batch
/// dimensions or tuples longer than params' rank; SK_ERR_DTYPE for non-integer indices.
public func gatherND(_ params: Tensor, indices: Tensor, batchDims: Int = 0) throws -> Tensor {
    let op: StaticString = "gather_nd"
    let (rows, _, k) = try indexRows(indices, into: params.shape, batchDims: batchDims, op: op)
    let rest = Array(params.shape[(batchDims + k)...])
    let flat = try params.reshaped(to: [try ShapeMath.count(Array(params.shape[..<(batchDims + k)]), op: op)] + rest)
    return try flat.gathered(indices: rowTensor(rows, Array(indices.shape.dropLast())), axis: 0)
}

/// A tensor of `shape`, zero except for `updates` summed at the index tuples of `indices`
/// (`tf.scatter_nd`; repeated indices add up). `updates` has shape
/// `indices.shape[..<-1] + shape[k...]`. Gradient: gather_nd of the cotangent.
public func scatterND(indices: Tensor, updates: Tensor, shape: [Int]) throws -> Tensor {
    let op: StaticString = "scatter_nd"
    _ = try ShapeMath.count(shape, op: op)
    if shape.contains(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid("\(op): shape \(formatShape(shape)) has a negative dimension")
    }
    let (rows, n, k) = try indexRows(indices, into: shape, batchDims: 0, op: op)
    let rest = Array(shape[k...])
    if updates.shape != Array(indices.shape.dropLast()) + rest {
        throw SwiftKerasError.invalid("\(op): updates must have shape \(formatShape(Array(indices.shape.dropLast()) + rest)) for indices \(formatShape(indices.shape)) into shape \(formatShape(shape)), got \(formatShape(updates.shape))")
    }
    let summed = try unsortedSegmentSum(updates.reshaped(to: [n] + rest), segmentIDs: rowTensor(rows, [n]),
                                        segmentCount: try ShapeMath.count(Array(shape[..<k]), op: op))
    return try summed.reshaped(to: shape)
}

/// How `tensorScatterND` combines a tensor with the updates at its index tuples.
public enum ScatterMode: Int32, Sendable {
    case update = 0, add = 1, subtract = 2, max = 3, min = 4

    /// The mode of a C code (0 update, 1 add, 2 subtract, 3 max, 4 min).
    public init(code: Int64) throws {
        guard code >= 0, code <= 4, let m = ScatterMode(rawValue: Int32(code)) else {
            throw SwiftKerasError.invalid("tensor_scatter_nd: mode must be 0 (update), 1 (add), 2 (subtract), 3 (max) or 4 (min), got \(code)")
        }
        self = m
    }
}

/// `tensor` with `updates` written (`.update`; the last of repeated indices wins), added,
/// subtracted, or combined by max / min at the index tuples of `indices`
/// (`tf.tensor_scatter_nd_update/add/sub/max/min`). `updates` has shape
/// `indices.shape[..<-1] + tensor.shape[k...]` and tensor's dtype. Differentiable in `tensor`
/// and `updates` (max / min with TF's pullback, which splits the gradient between ties).
public func tensorScatterND(_ tensor: Tensor, indices: Tensor, updates: Tensor, mode: ScatterMode) throws -> Tensor {
    if updates.dtype != tensor.dtype {
        throw SwiftKerasError.dtype("tensor_scatter_nd: updates of dtype \(updates.dtype) for a tensor of dtype \(tensor.dtype)")
    }
    switch mode {
    case .add: return try tensor.adding(scatterND(indices: indices, updates: updates, shape: tensor.shape))
    case .subtract: return try tensor.subtracting(scatterND(indices: indices, updates: updates, shape: tensor.shape))
    case .update:
        let (rows, n, k) = try indexRows(indices, into: tensor.shape, batchDims: 0, op: "tensor_scatter_nd_update")
        _ = try scatterND(indices: indices, updates: updates, shape: tensor.shape)  // validates updates' shape
        // the last occurrence of each row wins
        var last = [Int: Int]()
        for (i, r) in rows.enumerated() { last[r] = i }
        let winners = (0..<n).filter { last[rows[$0]] == $0 }
        let rest = Array(tensor.shape[k...])
        let picked = try updates.reshaped(to: [n] + rest).gathered(indices: rowTensor(winners, [winners.count]), axis: 0)
        let count = try ShapeMath.count(Array(tensor.shape[..<k]), op: "tensor_scatter_nd_update")
        let placed = try unsortedSegmentSum(picked, segmentIDs: rowTensor(winners.map { rows[$0] }, [winners.count]),
                                            segmentCount: count).reshaped(to: tensor.shape)
        var hit = [Bool](repeating: false, count: count)
        for r in rows { hit[r] = true }
        let mask = try Tensor(hit, shape: [count] + rest.map { _ in 1 }).broadcasted(to: [count] + rest).reshaped(to: tensor.shape)
        return try select(mask, placed, tensor)
    case .max, .min:
        let op: StaticString = mode == .max ? "tensor_scatter_nd_max" : "tensor_scatter_nd_min"
        if tensor.dtype == .bool {
            throw SwiftKerasError.dtype("\(op): bool tensors are not supported")
        }
        let (rows, _, k) = try indexRows(indices, into: tensor.shape, batchDims: 0, op: op)
        _ = try withoutRecording { try scatterND(indices: indices, updates: updates, shape: tensor.shape) }
        let inner = sliceProduct(tensor.shape[k...])
        var out = tensor.doubles
        let u = updates.doubles
        for (i, r) in rows.enumerated() {
            for c in 0..<inner {
                let v = u[i &* inner &+ c], o = r &* inner &+ c
                out[o] = mode == .max ? Swift.max(out[o], v) : Swift.min(out[o], v)
            }
        }
        let result = try Tensor.from(doubles: out, shape: tensor.shape, dtype: tensor.dtype)
        let pullback: Pullback = { g in
            // TF's _TensorScatterMinOrMaxGrad: the gradient shared among the entries equal to the output
            let xInd = try tensor.isEqual(to: result).cast(to: g.dtype)
            let yInd = try updates.isEqual(to: gatherND(result, indices: indices)).cast(to: g.dtype)
            let ind = try xInd.adding(scatterND(indices: indices, updates: yInd, shape: tensor.shape))
            let share = try g.dividing(by: ind)
            return [try share.multiplying(xInd), nil, try gatherND(share, indices: indices).multiplying(yInd)]
        }
        if mode == .max {
            record("tensor_scatter_nd_max", [tensor, indices, updates], result, pullback)
        } else {
            record("tensor_scatter_nd_min", [tensor, indices, updates], result, pullback)
        }
        return result
    }
}

// MARK: - roll, add_n, divide_no_nan

extension Tensor {
    /// The elements shifted cyclically by `shifts[i]` along `axes[i]` (`tf.roll`; shifts on a
    /// repeated axis add up; negative shifts roll backwards). Made of slice and concatenate.
    public func rolled(shifts: [Int], axes: [Int]) throws -> Tensor {
        if shifts.count != axes.count {
            throw SwiftKerasError.invalid("roll: shift and axis must have the same size, got \(shifts.count) and \(axes.count)")
        }
        var total = [Int](repeating: 0, count: rank)
        for (s, a) in zip(shifts, axes) {
            let ax = try ShapeMath.axis(a, rank: rank, op: "roll")
            let n = shape[ax]
            if n > 0 { total[ax] = (total[ax] &+ s % n) % n }
        }
        var out = self
        for ax in 0..<rank where total[ax] != 0 {
            let n = shape[ax], s = (total[ax] + n) % n
            if s == 0 { continue }
            var begin = [Int](repeating: 0, count: rank), size = [Int](repeating: -1, count: rank)
            begin[ax] = n - s
            let tail = try out.slice(begin: begin, size: size)
            begin[ax] = 0
            size[ax] = n - s
            out = try concatenate([tail, out.slice(begin: begin, size: size)], axis: ax)
        }
        return out
    }

    /// self / y, and 0 where y is 0 (`tf.math.divide_no_nan`); float operands of one dtype,
    /// broadcasting. Pullback (TF's): (div_no_nan(g, y), g · div_no_nan(div_no_nan(-x, y), y)).
    public func dividingNoNaN(by y: Tensor) throws -> Tensor {
        let op: StaticString = "div_no_nan"
        if !dtype.isFloatingPoint || dtype != y.dtype {
            throw SwiftKerasError.dtype("\(op): x and y must be float tensors of one dtype, got \(dtype) and \(y.dtype)")
        }
        let x = self
        let out = try withoutRecording {
            try select(y.isEqual(to: Tensor.zeros(like: y)), Tensor.zeros([], dtype: dtype), x.dividing(by: y))
        }
        let result = out.sharing(shape: out.shape)
        record(op, [x, y], result, { g in
            [try g.dividingNoNaN(by: y), try g.multiplying(x.negated().dividingNoNaN(by: y).dividingNoNaN(by: y))]
        })
        return result
    }
}

/// The sum of tensors of one shape and dtype (`tf.math.add_n`): no broadcasting, as TF.
public func addN(_ inputs: [Tensor]) throws -> Tensor {
    guard let first = inputs.first else {
        throw SwiftKerasError.invalid("add_n: inputs must be a non-empty list of tensors")
    }
    for t in inputs where t.shape != first.shape || t.dtype != first.dtype {
        throw SwiftKerasError.invalid("add_n: inputs must have one shape and dtype, got \(formatShape(first.shape)) \(first.dtype) and \(formatShape(t.shape)) \(t.dtype)")
    }
    return try inputs.dropFirst().reduce(first) { try $0.adding($1) }
}

// MARK: - unique, bincount, searchsorted (integer results, no gradient, as TF)

/// The unique values of a vector in order of first appearance, the position of each element's
/// value among them, and how often each occurs (`tf.unique`, `tf.unique_with_counts`).
public struct UniqueDecomposition {
    public let values: Tensor
    public let indices: [Int]
    public let counts: [Int]

    public init(_ x: Tensor) throws {
        if x.rank != 1 {
            throw SwiftKerasError.invalid("unique: x must be a vector, got shape \(formatShape(x.shape))")
        }
        var first = [Int](), idx = [Int](), counts = [Int]()
        func add<K: Hashable>(_ keys: [K]) {
            var seen = [K: Int]()
            for (i, key) in keys.enumerated() {
                if let j = seen[key] {
                    idx.append(j)
                    counts[j] += 1
                } else {
                    seen[key] = first.count
                    idx.append(first.count)
                    first.append(i)
                    counts.append(1)
                }
            }
        }
        if x.dtype == .string {
            throw SwiftKerasError.dtype("unique: string tensors are not supported")
        } else if x.dtype.isFloatingPoint {
            add(x.doubles)
        } else {
            add(try x.cast(to: .int64).scalars(as: Int64.self))
        }
        values = try withoutRecording { try x.gathered(indices: Tensor(first.map { Int64($0) }, shape: [first.count])) }
        indices = idx
        self.counts = counts
    }
}

/// `unique(x).values`, its indices and its counts as tensors of `outType` (int32 or int64).
public func uniqueParts(_ x: Tensor, outType: DType) throws -> (Tensor, Tensor, Tensor) {
    if outType != .int32 && outType != .int64 {
        throw SwiftKerasError.dtype("unique: out_idx must be int32 or int64, got \(outType)")
    }
    let u = try UniqueDecomposition(x)
    return (u.values, try Tensor.from(doubles: u.indices.map { Double($0) }, shape: [u.indices.count], dtype: outType),
            try Tensor.from(doubles: u.counts.map { Double($0) }, shape: [u.counts.count], dtype: outType))
}

/// Counts of each value of the non-negative integers `arr` (`tf.math.bincount`): bins
/// 0..<max(max(arr) + 1, minLength), capped at maxLength (values beyond it are dropped; nil =
/// no cap), with `weights` (arr's shape) summed instead of counting, or 1 for each non-empty
/// bin when `binaryOutput`. `perRow` counts each row of a matrix separately (TF's axis=-1).
/// The result has weights' dtype, else `dtype`.
public func bincount(_ arr: Tensor, weights: Tensor?, minLength: Int?, maxLength: Int?, dtype: DType,
                     binaryOutput: Bool, perRow: Bool) throws -> Tensor {
    let op: StaticString = "bincount"
    if arr.dtype != .int32 && arr.dtype != .int64 {
        throw SwiftKerasError.dtype("\(op): arr must be int32 or int64, got \(arr.dtype)")
    }
    if let w = weights, w.shape != arr.shape {
        throw SwiftKerasError.invalid("\(op): weights of shape \(formatShape(w.shape)) do not match arr of shape \(formatShape(arr.shape))")
    }
    if perRow && arr.rank != 2 {
        throw SwiftKerasError.invalid("\(op): axis=-1 needs a matrix, got shape \(formatShape(arr.shape))")
    }
    if (minLength ?? 0) < 0 || (maxLength ?? 0) < 0 {
        throw SwiftKerasError.invalid("\(op): minlength and maxlength must be non-negative")
    }
    let v = try arr.cast(to: .int64).scalars(as: Int64.self)
    if let bad = v.first(where: { $0 < 0 }) {
        throw SwiftKerasError.invalid("\(op): input arr must be non-negative, got \(bad)")
    }
    let top = v.max() ?? -1
    var size = top == Int64.max ? Int.max : Int(top) + 1   // too large to allocate: an error below
    size = Swift.max(size, minLength ?? 0)
    if let m = maxLength { size = Swift.min(size, m) }
    let rows = perRow ? arr.shape[0] : 1, per = perRow ? arr.shape[1] : v.count
    let outType = binaryOutput ? dtype : (weights?.dtype ?? dtype)
    let out = try Tensor.zeros(perRow ? [rows, size] : [size], dtype: .float64)
    let o = out.pointer(Double.self)
    let w = weights?.doubles
    for i in 0..<v.count where Int(v[i]) < size {
        let cell = (perRow ? (i / Swift.max(per, 1)) &* size : 0) &+ Int(v[i])
        o[cell] = binaryOutput ? 1 : o[cell] + (w?[i] ?? 1)
    }
    return try out.cast(to: outType)
}

/// For each row of `values` (shape [..., M]), the insertion points into the sorted row of
/// `sortedSequence` ([..., N], same leading shape) that keep it sorted: the first such point
/// (`right == false`, TF side='left') or the last (`right`) (`tf.searchsorted`).
public func searchSorted(_ sortedSequence: Tensor, values: Tensor, right: Bool, outType: DType) throws -> Tensor {
    let op: StaticString = "searchsorted"
    if outType != .int32 && outType != .int64 {
        throw SwiftKerasError.dtype("\(op): out_type must be int32 or int64, got \(outType)")
    }
    if sortedSequence.rank < 1 || values.rank != sortedSequence.rank
        || Array(sortedSequence.shape.dropLast()) != Array(values.shape.dropLast()) {
        throw SwiftKerasError.invalid("\(op): sorted_sequence \(formatShape(sortedSequence.shape)) and values \(formatShape(values.shape)) must have rank >= 1 and the same leading dimensions")
    }
    for t in [sortedSequence, values] where t.dtype == .bool || t.dtype == .string {
        throw SwiftKerasError.dtype("\(op): \(t.dtype) tensors are not supported")
    }
    let n = sortedSequence.shape[sortedSequence.rank - 1], m = values.shape[values.rank - 1]
    let s = sortedSequence.doubles, v = values.doubles
    var out = [Double](repeating: 0, count: v.count)
    for i in 0..<v.count {
        let row = m == 0 ? 0 : i / m
        var lo = 0, hi = n
        while lo < hi {
            let mid = (lo + hi) / 2, e = s[row &* n &+ mid]
            if right ? e <= v[i] : e < v[i] { lo = mid + 1 } else { hi = mid }
        }
        out[i] = Double(lo)
    }
    return try Tensor.from(doubles: out, shape: values.shape, dtype: outType)
}

// MARK: - images

/// Each channel of each image moved `factor` times its distance from the channel's mean over
/// the image (`tf.image.adjust_contrast`'s AdjustContrastv2): images (..., H, W, C), float.
/// Made of mean, subtract, multiply and add (differentiable).
public func adjustContrast(_ images: Tensor, factor: Tensor) throws -> Tensor {
    if images.rank < 3 || !images.dtype.isFloatingPoint {
        throw SwiftKerasError.invalid("adjust_contrast: images must be a float tensor of rank >= 3 (..., height, width, channels), got \(images.dtype) of shape \(formatShape(images.shape))")
    }
    if factor.rank != 0 {
        throw SwiftKerasError.invalid("adjust_contrast: contrast_factor must be a scalar, got shape \(formatShape(factor.shape))")
    }
    let mean = try images.mean(alongAxes: [-3, -2], keepingDimensions: true)
    return try images.subtracting(mean).multiplying(factor.cast(to: images.dtype)).adding(mean)
}

/// The product of dimensions of an existing tensor's shape (which cannot overflow).
private func sliceProduct(_ s: ArraySlice<Int>) -> Int { s.reduce(1, &*) }
