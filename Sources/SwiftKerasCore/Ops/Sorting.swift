// Sorting along an axis: `argsort` (the order, no gradient) and the gather/scatter pair that
// turns an order into values with a gradient (`takingAlongAxis`, whose pullback is
// `addingAlongAxis` and vice versa). `tf.sort`, `tf.argsort` and `tf.math.top_k` are these.

/// A tensor seen as `outer × n × inner` around one axis.
private struct AxisLayout {
    let outer: Int, n: Int, inner: Int

    init(_ shape: [Int], axis: Int) {
        var o = 1, i = 1
        for d in shape[..<axis] { o &*= d }
        for d in shape[(axis + 1)...] { i &*= d }
        outer = o
        n = shape[axis]
        inner = i
    }
}

extension Tensor {
    /// The indices (int32) that sort `self` along `axis`: ascending, or descending when
    /// `descending`; stable (equal values keep their order), NaN after every number in either
    /// direction. Not differentiable (an order). Errors: axis out of range, a bool tensor, an
    /// axis longer than Int32.max.
    public func argsort(alongAxis axis: Int, descending: Bool = false) throws -> Tensor {
        let op: StaticString = "argsort"
        if dtype == .bool {
            throw SwiftKerasError.dtype("\(op): bool tensors cannot be sorted (shape \(formatShape(shape)))")
        }
        if rank == 0 {
            throw SwiftKerasError.invalid("\(op): a rank-0 tensor has no axis to sort along")
        }
        let ax = try ShapeMath.axis(axis, rank: rank, op: op)
        if shape[ax] > Int(Int32.max) {
            throw SwiftKerasError.invalid("\(op): axis \(axis) of length \(shape[ax]) exceeds int32 indices")
        }
        let out = try Tensor.uninitialized(shape, .int32, op: op)
        // an empty tensor has nothing to sort (its other axes may still be 2^62 long: looping
        // over them never ended, and an axis of 2^31 made `order` a 16 GB array)
        if count == 0 {
            record(op, [self], out, gradientNotImplemented(op))
            return out
        }
        let l = AxisLayout(shape, axis: ax)
        let values = doubles
        let dst = out.pointer(Int32.self)
        var order = try CheckedAllocation.array(repeating: 0, count: l.n, op: "\(op)")
        for o in 0..<l.outer {
            for i in 0..<l.inner {
                let base = o &* l.n &* l.inner &+ i
                for j in 0..<l.n { order[j] = j }
                order.sort { a, b in
                    let va = values[base &+ a &* l.inner], vb = values[base &+ b &* l.inner]
                    if va.isNaN || vb.isNaN { return !va.isNaN && vb.isNaN || (va.isNaN && vb.isNaN && a < b) }
                    if va != vb { return descending ? va > vb : va < vb }
                    return a < b
                }
                for j in 0..<l.n { dst[base &+ j &* l.inner] = Int32(order[j]) }
            }
        }
        record(op, [self], out, gradientNotImplemented(op))
        return out
    }

    /// `out[..., j, ...] = self[..., indices[..., j, ...], ...]` along `axis` (numpy
    /// `take_along_axis`): `indices` (int32 or int64) has self's shape except along `axis`,
    /// where it may have any length; the result has the shape of `indices` and self's dtype.
    /// Differentiable in self. Errors: rank or shape mismatch, float indices, an index outside
    /// [0, n) (SK_ERR_OUT_OF_RANGE).
    public func takingAlongAxis(_ indices: Tensor, axis: Int) throws -> Tensor {
        let op: StaticString = "take_along_axis"
        let (ax, ix) = try alongAxisIndices(indices, axis: axis, valuesShape: shape, op: op)
        let src = AxisLayout(shape, axis: ax), dstL = AxisLayout(indices.shape, axis: ax)
        let out = try Tensor.uninitialized(indices.shape, dtype, op: op)
        let size = dtype.byteSize
        let s = raw, d = out.raw
        for o in 0..<dstL.outer {
            for j in 0..<dstL.n {
                for i in 0..<dstL.inner {
                    let k = (o &* dstL.n &+ j) &* dstL.inner &+ i
                    let from = (o &* src.n &+ ix[k]) &* src.inner &+ i
                    (d + k &* size).copyMemory(from: s + from &* size, byteCount: size)
                }
            }
        }
        let xShape = shape
        record(op, [self, indices], out, { g in
            [try g.addingAlongAxis(indices, axis: ax, into: xShape), nil]
        })
        return out
    }

    /// The adjoint of `takingAlongAxis`: a tensor of `shape` (zeros) to which each element of
    /// `self` is added at its index along `axis` (`self` and `indices` have the same shape).
    /// Differentiable in self; its pullback is `takingAlongAxis`. Errors as takingAlongAxis.
    public func addingAlongAxis(_ indices: Tensor, axis: Int, into shape: [Int]) throws -> Tensor {
        let op: StaticString = "add_along_axis"
        if indices.shape != self.shape {
            throw SwiftKerasError.invalid("\(op): values of shape \(formatShape(self.shape)) and indices of shape \(formatShape(indices.shape)) differ")
        }
        if dtype == .bool {
            throw SwiftKerasError.dtype("\(op): bool values cannot be added")
        }
        let (ax, ix) = try alongAxisIndices(indices, axis: axis, valuesShape: shape, op: op)
        let dstL = AxisLayout(shape, axis: ax), srcL = AxisLayout(indices.shape, axis: ax)
        let v = doubles
        var acc = [Double](repeating: 0, count: try ShapeMath.count(shape, op: op))
        for o in 0..<srcL.outer {
            for j in 0..<srcL.n {
                for i in 0..<srcL.inner {
                    let k = (o &* srcL.n &+ j) &* srcL.inner &+ i
                    acc[(o &* dstL.n &+ ix[k]) &* dstL.inner &+ i] += v[k]
                }
            }
        }
        let out = try Tensor.from(doubles: acc, shape: shape, dtype: dtype)
        record(op, [self, indices], out, { g in
            [try g.takingAlongAxis(indices, axis: ax), nil]
        })
        return out
    }

    /// Validates `indices` against a tensor of `valuesShape` along `axis` (every other axis
    /// equal, each index in [0, n)); returns the normalised axis and the indices as Ints.
    private func alongAxisIndices(_ indices: Tensor, axis: Int, valuesShape: [Int],
                                  op: StaticString) throws -> (Int, [Int]) {
        if indices.dtype != .int32 && indices.dtype != .int64 {
            throw SwiftKerasError.dtype("\(op): indices must be int32 or int64, got \(indices.dtype)")
        }
        if indices.rank != valuesShape.count || valuesShape.isEmpty {
            throw SwiftKerasError.invalid("\(op): indices of shape \(formatShape(indices.shape)) do not match a tensor of shape \(formatShape(valuesShape)) (same rank >= 1 needed)")
        }
        let ax = try ShapeMath.axis(axis, rank: valuesShape.count, op: op)
        for d in 0..<valuesShape.count where d != ax && indices.shape[d] != valuesShape[d] {
            throw SwiftKerasError.invalid("\(op): indices of shape \(formatShape(indices.shape)) and a tensor of shape \(formatShape(valuesShape)) differ outside axis \(ax)")
        }
        let bound = valuesShape[ax]
        let raw = indices.doubles
        var ix = [Int](repeating: 0, count: raw.count)
        for (k, v) in raw.enumerated() {
            if v < 0 || v >= Double(bound) {
                throw SwiftKerasError.range("\(op): index \(Int(v)) at flat position \(k) is not in [0, \(bound)) along axis \(ax)")
            }
            ix[k] = Int(v)
        }
        return (ax, ix)
    }
}
