// Reshape and transpose: the two layout ops other families build on.

extension Tensor {
    /// The same elements under a new shape; one dimension may be -1 (inferred).
    /// Shares the buffer (tensors are immutable, so sharing is safe).
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var shape = newShape
        var inferred: Int? = nil
        var known = 1
        for (i, d) in newShape.enumerated() {
            if d == -1 {
                if inferred != nil {
                    throw SwiftKerasError.invalid("reshape: only one dimension can be -1, got \(formatShape(newShape))")
                }
                inferred = i
            } else if d < 0 {
                throw SwiftKerasError.invalid("reshape: negative dimension in \(formatShape(newShape))")
            } else {
                let (m, o) = known.multipliedReportingOverflow(by: d)
                if o { throw SwiftKerasError(.outOfMemory, "reshape: shape \(formatShape(newShape)) has too many elements") }
                known = m
            }
        }
        if let i = inferred {
            if known == 0 || count % known != 0 {
                throw SwiftKerasError.invalid(
                    "reshape: cannot reshape a tensor of shape \(formatShape(self.shape)) (\(count) elements) into \(formatShape(newShape))")
            }
            shape[i] = count / known
        } else if known != count {
            throw SwiftKerasError.invalid(
                "reshape: cannot reshape a tensor of shape \(formatShape(self.shape)) (\(count) elements) into \(formatShape(newShape))")
        }
        if shape == self.shape { return self }
        let out = sharing(shape: shape)
        let inShape = self.shape
        record("reshape", [self], out, { g in [try g.reshaped(to: inShape)] })
        return out
    }

    /// The axes reordered: result dimension `i` is input dimension `permutation[i]`.
    /// Negative axes count from the end. `nil` reverses the axes (numpy's default).
    public func transposed(_ permutation: [Int]? = nil) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "transpose", { try $0[0].transposed(permutation) }) { return s }
        let perm: [Int]
        if let p = permutation {
            if p.count != rank {
                throw SwiftKerasError.invalid("transpose: permutation \(p) does not match rank \(rank) of shape \(formatShape(shape))")
            }
            var seen = [Bool](repeating: false, count: rank)
            var q: [Int] = []
            for a in p {
                let n = try ShapeMath.axis(a, rank: rank, op: "transpose")
                if seen[n] { throw SwiftKerasError.invalid("transpose: permutation \(p) repeats axis \(a)") }
                seen[n] = true
                q.append(n)
            }
            perm = q
        } else {
            perm = Array((0..<rank).reversed())
        }
        if perm == Array(0..<rank) { return self }
        let outShape = perm.map { shape[$0] }
        let out = try Tensor.uninitialized(outShape, dtype, op: "transpose")
        // Input strides permuted into output order; copy with the output's innermost loop.
        let inStrides = ShapeMath.strides(shape)
        let srcStrides = perm.map { inStrides[$0] }
        Tensor.stridedCopy(from: raw, to: out.raw, shape: outShape, srcStrides: srcStrides, elementSize: dtype.byteSize)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        record("transpose", [self], out, { g in [try g.transposed(inverse)] })
        return out
    }

    /// Copies a strided view (element strides `srcStrides`, shape `shape`) into a contiguous buffer.
    static func stridedCopy(from src: UnsafeMutableRawPointer, to dst: UnsafeMutableRawPointer,
                            shape: [Int], srcStrides: [Int], elementSize: Int) {
        ShapeKernels.copy(from: UnsafeRawPointer(src), srcStrides, to: dst, ShapeMath.strides(shape),
                          shape: shape, elementSize: elementSize)
    }
}

extension Tensor {
    /// This tensor repeated along broadcast dimensions to `shape` (numpy `broadcast_to`,
    /// TensorFlow `broadcast_to`). The pullback sums back (done by the tape's unbroadcast).
    public func broadcasted(to target: [Int]) throws -> Tensor {
        if let s = try Tensor.stringPath([self], op: "broadcast_to", { try $0[0].broadcasted(to: target) }) { return s }
        let full = try ShapeMath.broadcast(shape, target, op: "broadcast_to")
        if full != target {
            throw SwiftKerasError.invalid("broadcast_to: shape \(formatShape(shape)) cannot be broadcast to \(formatShape(target))")
        }
        if shape == target { return self }
        let out = try Tensor.uninitialized(target, dtype, op: "broadcast_to")
        let strides = ShapeMath.broadcastStrides(from: shape, to: target)
        Tensor.stridedCopy(from: raw, to: out.raw, shape: target, srcStrides: strides, elementSize: dtype.byteSize)
        record("broadcast_to", [self], out, { g in [g] })
        return out
    }

    /// The cotangent of a reduction over `axes` spread back over the input's `shape`: reinsert
    /// the reduced axes (unless kept) and broadcast.
    func broadcastedBack(to shape: [Int], axes: [Int], keep: Bool) throws -> Tensor {
        var kept = shape
        for a in axes { kept[a] = 1 }
        let g = keep ? self : try reshaped(to: kept)
        return try g.broadcasted(to: shape)
    }
}
