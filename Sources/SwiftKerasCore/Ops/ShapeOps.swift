import Glibc

// The shape family: ops that move elements without computing on them. Each one validates its
// arguments, promotes dtypes where several inputs meet, describes the result as strided copies
// (ShapeOpsKernels.swift) and records itself for the tape.

/// The layout of image-like tensors: where the channel axis sits. This is Keras' `data_format`
/// argument (`"channels_last"` / `"channels_first"`); the raw values are the Keras spellings.
public enum DataFormat: String, Sendable, CaseIterable {
    /// Channels are the last axis: `(batch, ..., channels)` — Keras' default.
    case channelsLast = "channels_last"
    /// Channels follow the batch axis: `(batch, channels, ...)`.
    case channelsFirst = "channels_first"
}

// MARK: - Helpers

extension Tensor {
    /// A view of this tensor's elements under `shape` (same count), recorded as `op` with a
    /// pullback that reshapes the cotangent back.
    fileprivate func viewRecorded(_ shape: [Int], op: StaticString) -> Tensor {
        let out = sharing(shape: shape)
        let inShape = self.shape
        record(op, [self], out, { g in [try g.reshaped(to: inShape)] })
        return out
    }

    /// The product of `shape[range]` (sizes of existing tensors cannot overflow).
    fileprivate static func product(_ shape: ArraySlice<Int>) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }
}

/// `a + b`, throwing an out-of-memory error naming `op` when a size would overflow.
private func checkedSum(_ a: Int, _ b: Int, op: StaticString, _ what: @autoclosure () -> String) throws -> Int {
    let (s, o) = a.addingReportingOverflow(b)
    if o { throw SwiftKerasError(.outOfMemory, "\(op): \(what()) has too many elements") }
    return s
}

/// `a * b`, throwing an out-of-memory error naming `op` when a size would overflow.
private func checkedProduct(_ a: Int, _ b: Int, op: StaticString, _ what: @autoclosure () -> String) throws -> Int {
    let (s, o) = a.multipliedReportingOverflow(by: b)
    if o { throw SwiftKerasError(.outOfMemory, "\(op): \(what()) has too many elements") }
    return s
}

/// Normalises the position of a new axis inserted into a tensor of `rank` (`-(rank+1)...rank`).
private func insertionAxis(_ axis: Int, rank: Int, op: StaticString) throws -> Int {
    let a = axis < 0 ? axis + rank + 1 : axis
    if a < 0 || a > rank {
        throw SwiftKerasError.invalid(
            "\(op): axis \(axis) is out of bounds for inserting an axis into a tensor of rank \(rank) (allowed: \(-rank - 1)...\(rank))")
    }
    return a
}

/// Formats a list of shapes for error messages: "(2, 3), (4,)".
private func formatShapes(_ shapes: [[Int]]) -> String {
    shapes.map(formatShape).joined(separator: ", ")
}

// MARK: - Adding and removing axes

extension Tensor {
    /// Inserts an axis of size 1 at `axis` (Keras `expand_dims`). `axis` is in `-(rank+1)...rank`;
    /// negative values count from the end of the result, so `-1` appends an axis.
    public func expandingDims(at axis: Int) throws -> Tensor {
        let a = try insertionAxis(axis, rank: rank, op: "expand_dims")
        var s = shape
        s.insert(1, at: a)
        return viewRecorded(s, op: "expand_dims")
    }

    /// Removes axes of size 1 (Keras `squeeze`). `nil` removes every size-1 axis; named axes
    /// (negative values count from the end) must have size 1.
    public func squeezed(axes: [Int]? = nil) throws -> Tensor {
        var drop = [Bool](repeating: false, count: rank)
        if let axes {
            for a in try ShapeMath.axes(axes, rank: rank, op: "squeeze") {
                if shape[a] != 1 {
                    throw SwiftKerasError.invalid(
                        "squeeze: cannot squeeze axis \(a) of shape \(formatShape(shape)): its size is \(shape[a]), not 1")
                }
                drop[a] = true
            }
        } else {
            for a in 0..<rank where shape[a] == 1 { drop[a] = true }
        }
        if !drop.contains(true) { return self }
        let s = (0..<rank).filter { !drop[$0] }.map { shape[$0] }
        return viewRecorded(s, op: "squeeze")
    }

    /// The elements as a 1-D tensor (Keras `flatten`).
    public func flattened() throws -> Tensor {
        if rank == 1 { return self }
        return viewRecorded([count], op: "flatten")
    }

    /// Keeps the first (batch) axis and flattens the rest: `(B, ...) → (B, -1)`
    /// (Keras `batch_flatten`). The tensor must have rank at least 1.
    public func batchFlattened() throws -> Tensor {
        if rank == 0 {
            throw SwiftKerasError.invalid("batch_flatten: expected a tensor of rank at least 1, got shape ()")
        }
        let s = [shape[0], Tensor.product(shape[1...])]
        if s == shape { return self }
        return viewRecorded(s, op: "batch_flatten")
    }
}

// MARK: - Joining and splitting

/// Joins tensors along an existing axis (Keras `concatenate`; negative axes count from the end).
/// Inputs of different dtypes are promoted to one dtype as in Keras (int32 with float32 gives
/// float32). All inputs must have the same rank and the same sizes except along `axis`.
public func concatenate(_ tensors: [Tensor], axis: Int = -1) throws -> Tensor {
    if let s = try Tensor.stringPath(tensors, op: "concatenate", { try concatenate($0, axis: axis) }) { return s }
    guard let first = tensors.first else {
        throw SwiftKerasError.invalid("concatenate: needs at least one tensor, got an empty list")
    }
    let shapes = tensors.map(\.shape)
    let rank = first.rank
    if rank == 0 {
        throw SwiftKerasError.invalid("concatenate: zero-dimensional tensors cannot be concatenated, got shapes \(formatShapes(shapes))")
    }
    if tensors.contains(where: { $0.rank != rank }) {
        throw SwiftKerasError.invalid("concatenate: all inputs must have the same rank, got shapes \(formatShapes(shapes))")
    }
    let a = try ShapeMath.axis(axis, rank: rank, op: "concatenate")
    var total = 0
    for t in tensors {
        for d in 0..<rank where d != a && t.shape[d] != first.shape[d] {
            throw SwiftKerasError.invalid(
                "concatenate: all input shapes must match except along axis \(a), got shapes \(formatShapes(shapes))")
        }
        total = try checkedSum(total, t.shape[a], op: "concatenate", "the result of concatenating shapes \(formatShapes(shapes))")
    }
    var outShape = first.shape
    outShape[a] = total
    let dtype = tensors.dropFirst().reduce(first.dtype) { $0.promoted(with: $1.dtype) }
    let inputs = try tensors.map { try $0.cast(to: dtype) }
    let out = try Tensor.uninitialized(outShape, dtype, op: "concatenate")
    Tensor.concatKernel(inputs, axis: a, into: out)
    let sizes = inputs.map { $0.shape[a] }
    record("concatenate", inputs, out, { g in try g.split(sizes: sizes, axis: a) })
    return out
}

/// Joins tensors along a new axis (Keras `stack`; `axis` is in `-(rank+1)...rank`).
/// All inputs must have the same shape; dtypes are promoted as in `concatenate`.
public func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    if let s = try Tensor.stringPath(tensors, op: "stack", { try stack($0, axis: axis) }) { return s }
    guard let first = tensors.first else {
        throw SwiftKerasError.invalid("stack: needs at least one tensor, got an empty list")
    }
    if tensors.contains(where: { $0.shape != first.shape }) {
        throw SwiftKerasError.invalid("stack: all inputs must have the same shape, got shapes \(formatShapes(tensors.map(\.shape)))")
    }
    let a = try insertionAxis(axis, rank: first.rank, op: "stack")
    var outShape = first.shape
    outShape.insert(tensors.count, at: a)
    _ = try ShapeMath.count(outShape, op: "stack")
    let dtype = tensors.dropFirst().reduce(first.dtype) { $0.promoted(with: $1.dtype) }
    let inputs = try tensors.map { try $0.cast(to: dtype) }
    var unitShape = first.shape
    unitShape.insert(1, at: a)
    let out = try Tensor.uninitialized(outShape, dtype, op: "stack")
    Tensor.concatKernel(inputs.map { $0.sharing(shape: unitShape) }, axis: a, into: out)
    let n = tensors.count
    record("stack", inputs, out, { g in
        try g.split(into: n, axis: a).map { try $0.squeezed(axes: [a]) }
    })
    return out
}

extension Tensor {
    /// Copies `inputs` (same dtype and rank as `out`) one after another along `axis` of `out`.
    fileprivate static func concatKernel(_ inputs: [Tensor], axis a: Int, into out: Tensor) {
        if out.count == 0 { return }
        let es = out.dtype.byteSize
        let outStrides = ShapeMath.strides(out.shape)
        var offset = 0
        for t in inputs {
            if t.count > 0 {
                ShapeKernels.copy(from: t.raw, ShapeMath.strides(t.shape),
                                  to: out.raw + offset &* outStrides[a] &* es, outStrides,
                                  shape: t.shape, elementSize: es)
            }
            offset &+= t.shape[a]
        }
    }

    /// Splits into `parts` equal pieces along `axis` (Keras `split` with a section count).
    /// The size of `axis` must be divisible by `parts`.
    public func split(into parts: Int, axis: Int = 0) throws -> [Tensor] {
        let a = try ShapeMath.axis(axis, rank: rank, op: "split")
        if parts <= 0 {
            throw SwiftKerasError.invalid("split: the number of parts must be positive, got \(parts)")
        }
        if shape[a] % parts != 0 {
            throw SwiftKerasError.invalid(
                "split: axis \(a) of shape \(formatShape(shape)) (size \(shape[a])) cannot be split into \(parts) equal parts")
        }
        // An empty axis splits into any number of parts: `parts` (user input) sizes the arrays
        // and the pieces, so it goes through the checked path (about 64 bytes per piece).
        try CheckedAllocation.check(parts, of: (Int, Int, Int, Int, Int, Int, Int, Int).self, op: "split")
        return try splitPieces([Int](repeating: shape[a] / parts, count: parts), axis: a)
    }

    /// Splits along `axis` into pieces of the given sizes (like `tf.split` with size splits).
    /// The sizes must add up to the size of `axis`; one of them may be -1 (inferred).
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let a = try ShapeMath.axis(axis, rank: rank, op: "split")
        if sizes.isEmpty { throw SwiftKerasError.invalid("split: needs at least one size, got []") }
        var inferred: Int? = nil
        var known = 0
        for (i, s) in sizes.enumerated() {
            if s == -1 && inferred == nil { inferred = i; continue }
            if s < 0 { throw SwiftKerasError.invalid("split: sizes \(sizes) must be non-negative (one may be -1)") }
            let (k, o) = known.addingReportingOverflow(s)
            known = o ? Int.max : k
        }
        var sz = sizes
        if let i = inferred {
            if known > shape[a] {
                throw SwiftKerasError.invalid(
                    "split: sizes \(sizes) add up to more than the size \(shape[a]) of axis \(a) of shape \(formatShape(shape))")
            }
            sz[i] = shape[a] - known
        } else if known != shape[a] {
            throw SwiftKerasError.invalid(
                "split: sizes \(sizes) do not add up to the size \(shape[a]) of axis \(a) of shape \(formatShape(shape))")
        }
        return try splitPieces(sz, axis: a)
    }

    /// Copies out consecutive pieces of `sizes` (validated to cover the axis) along axis `a`.
    private func splitPieces(_ sizes: [Int], axis a: Int) throws -> [Tensor] {
        let es = dtype.byteSize
        let strides = ShapeMath.strides(shape)
        var pieces: [Tensor] = []
        var start = 0
        for s in sizes {
            var ps = shape
            ps[a] = s
            let piece = try Tensor.uninitialized(ps, dtype, op: "split")
            if piece.count > 0 {
                ShapeKernels.copy(from: raw + start &* strides[a] &* es, strides,
                                  to: piece.raw, ShapeMath.strides(ps), shape: ps, elementSize: es)
            }
            let before = start, after = shape[a] - start - s, r = rank
            record("split", [self], piece, { g in
                var p = [(Int, Int)](repeating: (0, 0), count: r)
                p[a] = (before, after)
                return [try g.padded(p)]
            })
            pieces.append(piece)
            start += s
        }
        return pieces
    }
}

// MARK: - Repetition

extension Tensor {
    /// Repeats the tensor `multiples[i]` times along each axis `i` (Keras `tile`, numpy `tile`).
    /// When `multiples` is longer than the rank, the shape is first padded with leading 1s;
    /// when it is shorter, `multiples` is padded with leading 1s.
    public func tiled(multiples: [Int]) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "tile", { try $0[0].tiled(multiples: multiples) }) { return s }
        if let bad = multiples.first(where: { $0 < 0 }) {
            throw SwiftKerasError.invalid("tile: multiples \(multiples) must be non-negative, got \(bad)")
        }
        let r = max(rank, multiples.count)
        let xs = [Int](repeating: 1, count: r - rank) + shape
        let ms = [Int](repeating: 1, count: r - multiples.count) + multiples
        // Output viewed as (m0, d0, m1, d1, ...) reading the source with stride 0 on each m.
        var outShape: [Int] = [], viewShape: [Int] = [], srcStrides: [Int] = []
        let xStrides = ShapeMath.strides(xs)
        for i in 0..<r {
            outShape.append(try checkedProduct(xs[i], ms[i], op: "tile",
                                               "tiling shape \(formatShape(shape)) by \(multiples)"))
            viewShape += [ms[i], xs[i]]
            srcStrides += [0, xStrides[i]]
        }
        let out = try Tensor.uninitialized(outShape, dtype, op: "tile")
        if out.count > 0 {
            ShapeKernels.copy(from: raw, srcStrides, to: out.raw, ShapeMath.strides(viewShape),
                              shape: viewShape, elementSize: dtype.byteSize)
        }
        // Pullback: view the cotangent as (m0, d0, m1, d1, ...) and sum the copies (the m axes).
        let inShape = shape
        record("tile", [self], out, { g in
            [try g.reshaped(to: viewShape).sum(alongAxes: Array(stride(from: 0, to: 2 * r, by: 2))).reshaped(to: inShape)]
        })
        return out
    }

    /// Repeats each element `count` times along `axis`, like `np.repeat(x, count, axis)`
    /// (Keras `repeat_elements`): `[a, b]` repeated twice is `[a, a, b, b]`.
    public func repeatingElements(count repeats: Int, axis: Int) throws -> Tensor {
        let a = try ShapeMath.axis(axis, rank: rank, op: "repeat_elements")
        if repeats < 0 {
            throw SwiftKerasError.invalid("repeat_elements: the repeat count must be non-negative, got \(repeats)")
        }
        var outShape = shape
        outShape[a] = try checkedProduct(shape[a], repeats, op: "repeat_elements",
                                         "repeating axis \(a) of shape \(formatShape(shape)) \(repeats) times")
        let out = try Tensor.uninitialized(outShape, dtype, op: "repeat_elements")
        // Output viewed as (..., d_axis, repeats, ...) reading the source with stride 0 on repeats.
        var viewShape = shape
        viewShape.insert(repeats, at: a + 1)
        if out.count > 0 {
            var srcStrides = ShapeMath.strides(shape)
            srcStrides.insert(0, at: a + 1)
            ShapeKernels.copy(from: raw, srcStrides, to: out.raw, ShapeMath.strides(viewShape),
                              shape: viewShape, elementSize: dtype.byteSize)
        }
        // Pullback: the cotangent viewed as (..., d_axis, repeats, ...), summed over the repeats.
        record("repeat_elements", [self], out, { g in [try g.reshaped(to: viewShape).sum(alongAxes: [a + 1])] })
        return out
    }

    /// Repeats a batch of vectors: `(B, n) → (B, count, n)` (Keras `repeat`). The rank must be 2.
    public func repeatedVector(count repeats: Int) throws -> Tensor {
        if rank != 2 {
            throw SwiftKerasError.invalid("repeat: expected a tensor of rank 2, got shape \(formatShape(shape))")
        }
        if repeats < 0 {
            throw SwiftKerasError.invalid("repeat: the repeat count must be non-negative, got \(repeats)")
        }
        let outShape = [shape[0], repeats, shape[1]]
        let out = try Tensor.uninitialized(outShape, dtype, op: "repeat")
        if out.count > 0 {
            ShapeKernels.copy(from: raw, [shape[1], 0, 1], to: out.raw, ShapeMath.strides(outShape),
                              shape: outShape, elementSize: dtype.byteSize)
        }
        record("repeat", [self], out, { g in [try g.sum(alongAxes: [1])] })
        return out
    }

    /// The elements in reverse order along each of `axes` (Keras `reverse`; negative axes count
    /// from the end; an axis may not be repeated).
    public func reversed(alongAxes axes: [Int]) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "reverse", { try $0[0].reversed(alongAxes: axes) }) { return s }
        let ax = try ShapeMath.axes(axes, rank: rank, op: "reverse")
        if ax.isEmpty { return self }
        var strides = ShapeMath.strides(shape)
        var offset = 0
        for a in ax where shape[a] > 1 {
            offset &+= (shape[a] &- 1) &* strides[a]
            strides[a] = 0 &- strides[a]
        }
        let out = try Tensor.uninitialized(shape, dtype, op: "reverse")
        if count > 0 {
            ShapeKernels.copy(from: raw + offset &* dtype.byteSize, strides, to: out.raw,
                              ShapeMath.strides(shape), shape: shape, elementSize: dtype.byteSize)
        }
        record("reverse", [self], out, { g in [try g.reversed(alongAxes: ax)] })
        return out
    }
}

// MARK: - Slicing

extension Tensor {
    /// A numpy-style basic slice `x[start0:stop0:step0, start1:stop1:step1, ...]`
    /// (TensorFlow `strided_slice`). Entry `i` of each array applies to axis `i`; missing or
    /// `nil` entries take numpy's defaults, and axes past the arrays are kept whole. Negative
    /// indices count from the end, out-of-range bounds are clamped, negative steps walk
    /// backwards, and an empty range gives a size-0 axis. A step of 0 is an error.
    public func sliced(start: [Int?] = [], stop: [Int?] = [], step: [Int?] = []) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "strided_slice", { try $0[0].sliced(start: start, stop: stop, step: step) }) { return s }
        if start.count > rank || stop.count > rank || step.count > rank {
            throw SwiftKerasError.invalid(
                "strided_slice: too many indices for shape \(formatShape(shape)): start \(start.count), stop \(stop.count), step \(step.count)")
        }
        let strides = ShapeMath.strides(shape)
        var outShape = shape, srcStrides = strides
        var offset = 0
        // For the pullback: per axis, the lowest index read and the distance between reads.
        var lows = [Int](repeating: 0, count: rank), gaps = [Int](repeating: 1, count: rank)
        var flipped: [Int] = []
        for a in 0..<rank {
            let n = shape[a]
            let st = (a < step.count ? step[a] : nil) ?? 1
            if st == 0 { throw SwiftKerasError.invalid("strided_slice: step on axis \(a) cannot be zero") }
            let b0 = a < start.count ? start[a] : nil, e0 = a < stop.count ? stop[a] : nil
            var b: Int, e: Int, len: Int
            if st > 0 {
                b = b0.map { $0 < 0 ? max(0, $0 + n) : min($0, n) } ?? 0
                e = e0.map { $0 < 0 ? max(0, $0 + n) : min($0, n) } ?? n
                let d = e - b
                len = d <= 0 ? 0 : (d - 1) / st + 1
            } else {
                b = b0.map { $0 < 0 ? max(-1, $0 + n) : min($0, n - 1) } ?? (n - 1)
                e = e0.map { $0 < 0 ? max(-1, $0 + n) : min($0, n - 1) } ?? -1
                let d = b - e
                let mag = st == Int.min ? Int.max : -st
                len = d <= 0 ? 0 : (d - 1) / mag + 1
            }
            outShape[a] = len
            if len > 1 {
                gaps[a] = st > 0 ? st : -st  // |st| < n here, so no overflow
                lows[a] = st > 0 ? b : b + (len - 1) * st
                if st < 0 { flipped.append(a) }
            } else {
                lows[a] = len == 1 ? b : 0
            }
            if len > 0 { offset &+= b &* strides[a] }
            srcStrides[a] = len > 1 ? st &* strides[a] : 0
        }
        let out = try Tensor.uninitialized(outShape, dtype, op: "strided_slice")
        if out.count > 0 {
            ShapeKernels.copy(from: raw + offset &* dtype.byteSize, srcStrides, to: out.raw,
                              ShapeMath.strides(outShape), shape: outShape, elementSize: dtype.byteSize)
        }
        let inShape = shape
        record("strided_slice", [self], out, { g in [try g.unsliced(into: inShape, lows: lows, gaps: gaps, flipped: flipped)] })
        return out
    }

    /// The pullback of a strided slice, with differentiable ops: the cotangent (the slice's shape)
    /// put back where the slice read it in zeros of `inShape`. Axes in `flipped` were read
    /// backwards (reverse them first); along axis `i` the reads start at `lows[i]` and are
    /// `gaps[i]` apart: zeros are interleaved by padding a unit axis after each axis to
    /// `gaps[i]` and merging, the trailing zeros cut off, then the block is padded into place.
    fileprivate func unsliced(into inShape: [Int], lows: [Int], gaps: [Int], flipped: [Int]) throws -> Tensor {
        if count == 0 { return try Tensor.zeros(inShape, dtype: dtype) }
        var t = try reversed(alongAxes: flipped)
        let r = rank
        var extents = shape
        if gaps.contains(where: { $0 > 1 }) {
            var interleaved: [Int] = [], pads: [(Int, Int)] = [], merged: [Int] = []
            for a in 0..<r {
                interleaved += [shape[a], 1]
                pads += [(0, 0), (0, gaps[a] - 1)]
                merged.append(shape[a] * gaps[a])
                extents[a] = (shape[a] - 1) * gaps[a] + 1
            }
            t = try t.reshaped(to: interleaved).padded(pads).reshaped(to: merged)
                .slice(begin: [Int](repeating: 0, count: r), size: extents)
        }
        return try t.padded((0..<r).map { (lows[$0], inShape[$0] - lows[$0] - extents[$0]) })
    }

    /// The block starting at `begin` with `size` elements per axis (Keras `slice`, `tf.slice`).
    /// A size of -1 takes everything to the end of the axis. Both arrays need one entry per
    /// axis; a block reaching outside the tensor is an out-of-range error.
    public func slice(begin: [Int], size: [Int]) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "slice", { try $0[0].slice(begin: begin, size: size) }) { return s }
        if begin.count != rank || size.count != rank {
            throw SwiftKerasError.invalid(
                "slice: begin \(begin) and size \(size) must both have one entry per axis of shape \(formatShape(shape))")
        }
        var stop: [Int] = []
        for a in 0..<rank {
            let n = shape[a], b = begin[a], s = size[a]
            if b < 0 || b > n {
                throw SwiftKerasError.range("slice: begin \(b) on axis \(a) is out of range for shape \(formatShape(shape))")
            }
            if s == -1 { stop.append(n); continue }
            if s < 0 {
                throw SwiftKerasError.invalid("slice: size \(s) on axis \(a) must be non-negative or -1")
            }
            if s > n - b {
                throw SwiftKerasError.range(
                    "slice: begin \(b) + size \(s) on axis \(a) is out of range for shape \(formatShape(shape))")
            }
            stop.append(b + s)
        }
        let out = try sliceUnrecorded(begin: begin, stop: stop)
        let inShape = shape, outShape = out.shape
        record("slice", [self], out, { g in
            [try g.padded((0..<inShape.count).map { (begin[$0], inShape[$0] - begin[$0] - outShape[$0]) })]
        })
        return out
    }

    /// Copies the validated block `begin..<stop` (step 1) without recording.
    fileprivate func sliceUnrecorded(begin: [Int], stop: [Int]) throws -> Tensor {
        let strides = ShapeMath.strides(shape)
        var outShape = shape
        var offset = 0
        for a in 0..<rank {
            outShape[a] = stop[a] - begin[a]
            offset &+= begin[a] &* strides[a]
        }
        let out = try Tensor.uninitialized(outShape, dtype, op: "slice")
        if out.count > 0 {
            ShapeKernels.copy(from: raw + offset &* dtype.byteSize, strides, to: out.raw,
                              ShapeMath.strides(outShape), shape: outShape, elementSize: dtype.byteSize)
        }
        return out
    }
}

// MARK: - Gathering and one-hot

extension Tensor {
    /// Picks slices along `axis` by index (Keras `gather`, `tf.gather`): the result has shape
    /// `shape[..<axis] + indices.shape + shape[(axis+1)...]`. `indices` is an int32 or int64
    /// tensor of any shape; every index must be in `0..<shape[axis]` (as TensorFlow on CPU —
    /// negative indices are out of range).
    public func gathered(indices: Tensor, axis: Int = 0) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "gather", { try $0[0].gathered(indices: indices, axis: axis) }) { return s }
        let a = try ShapeMath.axis(axis, rank: rank, op: "gather")
        if indices.dtype != .int32 && indices.dtype != .int64 {
            throw SwiftKerasError.dtype("gather: indices must be int32 or int64, got \(indices.dtype)")
        }
        let n = shape[a]
        let (idx, bad) = indices.dtype == .int32
            ? Tensor.checkedIndices(indices.pointer(Int32.self), indices.count, n)
            : Tensor.checkedIndices(indices.pointer(Int64.self), indices.count, n)
        if let (p, v) = bad {
            throw SwiftKerasError.range(
                "gather: indices[\(p)] = \(v) is not in [0, \(n)) (axis \(a) of shape \(formatShape(shape)))")
        }
        let outShape = Array(shape[..<a]) + indices.shape + Array(shape[(a + 1)...])
        let out = try Tensor.uninitialized(outShape, dtype, op: "gather")
        if out.count > 0 {
            let outer = Tensor.product(shape[..<a]), inner = Tensor.product(shape[(a + 1)...])
            let es = dtype.byteSize, rowBytes = inner &* es
            let m = idx.count
            let src = raw, dst = out.raw
            idx.withUnsafeBufferPointer { ip in
                let ix = ip.baseAddress.unsafelyUnwrapped
                let rows = outer &* m
                Parallel.forRange(rows, grain: max(1, ShapeKernels.parallelGrain / max(inner, 1))) { s, e in
                    if inner == 1 {
                        // Single elements (gathering along the last axis): typed loads, no memcpy calls.
                        switch es {
                        case 1: Tensor.gatherElements(src, dst, ix, s, e, m, n, UInt8.self)
                        case 2: Tensor.gatherElements(src, dst, ix, s, e, m, n, UInt16.self)
                        case 4: Tensor.gatherElements(src, dst, ix, s, e, m, n, UInt32.self)
                        default: Tensor.gatherElements(src, dst, ix, s, e, m, n, UInt64.self)
                        }
                        return
                    }
                    for r in s..<e {
                        let o = r / m, i = r &- o &* m
                        memcpy(dst + r &* rowBytes, src + (o &* n &+ ix[i]) &* rowBytes, rowBytes)
                    }
                }
            }
        }
        // Pullback: scatter-add the cotangent back (repeated indices accumulate); no gradient
        // for the integer indices.
        record("gather", [self, indices], out, { g in
            [try unsortedSegmentSum(g, segmentIDs: indices, segmentCount: n, axis: a), nil]
        })
        return out
    }

    /// `dst[r] = src[(r / m) * n + ix[r % m]]` for `r` in `s..<e`, elements of type `T`.
    private static func gatherElements<T>(_ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer,
                                          _ ix: UnsafePointer<Int>, _ s: Int, _ e: Int, _ m: Int, _ n: Int, _: T.Type) {
        let sp = src.assumingMemoryBound(to: T.self), dp = dst.assumingMemoryBound(to: T.self)
        var o = s / m, i = s &- o &* m
        for r in s..<e {
            dp[r] = sp[o &* n &+ ix[i]]
            i &+= 1
            if i == m { i = 0; o &+= 1 }
        }
    }

    /// Converts indices to `Int`; `bad` is the first (position, value) outside `0..<n`.
    private static func checkedIndices<I: TensorElement>(_ p: UnsafeMutablePointer<I>, _ count: Int, _ n: Int)
        -> (indices: [Int], bad: (Int, Int64)?) {
        var out = [Int](repeating: 0, count: count)
        for i in 0..<count {
            let v = p[i].int64Value
            if v < 0 || v >= Int64(n) { return ([], (i, v)) }
            out[i] = Int(v)
        }
        return (out, nil)
    }
}

/// One-hot encodes integer `indices` into float32 rows of length `depth` (Keras `one_hot`,
/// `tf.one_hot` with axis -1): the result has shape `indices.shape + [depth]`. An index outside
/// `0..<depth` (negative included) gives a row of zeros, as in TensorFlow.
public func oneHot(_ indices: Tensor, depth: Int) throws -> Tensor {
    if !indices.dtype.isInteger {
        throw SwiftKerasError.dtype("one_hot: indices must be an integer tensor (int32, int64 or uint8), got \(indices.dtype)")
    }
    if depth < 0 {
        throw SwiftKerasError.invalid("one_hot: depth must be non-negative, got \(depth)")
    }
    let out = try Tensor.zeros(indices.shape + [depth], dtype: .float32)
    if out.count > 0 {
        let ix = try indices.cast(to: .int64)
        let ip = ix.pointer(Int64.self), op = out.pointer(Float.self)
        let d = Int64(depth)
        for i in 0..<indices.count {
            let v = ip[i]
            if v >= 0 && v < d { op[i &* depth &+ Int(v)] = 1 }
        }
    }
    record("one_hot", [indices], out, { _ in [nil] })
    return out
}

// MARK: - Padding

extension Tensor {
    /// Pads each axis `i` with `paddings[i].0` elements before and `paddings[i].1` after, all
    /// equal to `value` converted to the dtype (Keras `pad` in constant mode). Paddings must be
    /// non-negative and there must be one pair per axis.
    public func padded(_ paddings: [(Int, Int)], value: Double = 0) throws -> Tensor {
        try paddedRecorded(paddings, value: value, op: "pad")
    }

    /// Pads axis 1 of a `(batch, steps, features)` tensor with `left` zeros before and `right`
    /// zeros after (Keras `temporal_padding`).
    public func temporalPadded(left: Int = 1, right: Int = 1) throws -> Tensor {
        if rank != 3 {
            throw SwiftKerasError.invalid("temporal_padding: expected a tensor of rank 3, got shape \(formatShape(shape))")
        }
        return try paddedRecorded([(0, 0), (left, right), (0, 0)], value: 0, op: "temporal_padding")
    }

    /// Zero-pads the two spatial axes of a rank-4 image batch (Keras `spatial_2d_padding`):
    /// `padding` is `((top, bottom), (left, right))`; the spatial axes are 1 and 2 for
    /// channels-last and 2 and 3 for channels-first.
    public func spatial2DPadded(_ padding: ((Int, Int), (Int, Int)) = ((1, 1), (1, 1)),
                                dataFormat: DataFormat = .channelsLast) throws -> Tensor {
        if rank != 4 {
            throw SwiftKerasError.invalid("spatial_2d_padding: expected a tensor of rank 4, got shape \(formatShape(shape))")
        }
        let p = [padding.0, padding.1]
        let all: [(Int, Int)] = dataFormat == .channelsLast ? [(0, 0)] + p + [(0, 0)] : [(0, 0), (0, 0)] + p
        return try paddedRecorded(all, value: 0, op: "spatial_2d_padding")
    }

    /// Zero-pads the three spatial axes of a rank-5 volume batch (Keras `spatial_3d_padding`):
    /// `padding` is `((before, after), (before, after), (before, after))` for the spatial axes
    /// (1, 2, 3 for channels-last; 2, 3, 4 for channels-first).
    public func spatial3DPadded(_ padding: ((Int, Int), (Int, Int), (Int, Int)) = ((1, 1), (1, 1), (1, 1)),
                                dataFormat: DataFormat = .channelsLast) throws -> Tensor {
        if rank != 5 {
            throw SwiftKerasError.invalid("spatial_3d_padding: expected a tensor of rank 5, got shape \(formatShape(shape))")
        }
        let p = [padding.0, padding.1, padding.2]
        let all: [(Int, Int)] = dataFormat == .channelsLast ? [(0, 0)] + p + [(0, 0)] : [(0, 0), (0, 0)] + p
        return try paddedRecorded(all, value: 0, op: "spatial_3d_padding")
    }

    /// The padding front door shared by `padded` and the Keras padding helpers.
    private func paddedRecorded(_ paddings: [(Int, Int)], value: Double, op: StaticString) throws -> Tensor {
        let text = "[" + paddings.map { "(\($0.0), \($0.1))" }.joined(separator: ", ") + "]"
        if paddings.count != rank {
            throw SwiftKerasError.invalid("\(op): paddings \(text) must have one pair per axis of shape \(formatShape(shape))")
        }
        if paddings.contains(where: { $0.0 < 0 || $0.1 < 0 }) {
            throw SwiftKerasError.invalid("\(op): paddings \(text) must be non-negative")
        }
        var outShape = shape
        for a in 0..<rank {
            let s = try checkedSum(paddings[a].0, paddings[a].1, op: op, "padding shape \(formatShape(shape)) by \(text)")
            outShape[a] = try checkedSum(shape[a], s, op: op, "padding shape \(formatShape(shape)) by \(text)")
        }
        _ = try ShapeMath.count(outShape, op: op)
        let out = try Tensor.full(outShape, value: value, dtype: dtype)
        if count > 0 {
            let os = ShapeMath.strides(outShape)
            var offset = 0
            for a in 0..<rank { offset &+= paddings[a].0 &* os[a] }
            ShapeKernels.copy(from: raw, ShapeMath.strides(shape), to: out.raw + offset &* dtype.byteSize, os,
                              shape: shape, elementSize: dtype.byteSize)
        }
        let begin = paddings.map(\.0), inShape = shape
        record(op, [self], out, { g in [try g.slice(begin: begin, size: inShape)] })
        return out
    }
}
