// The index-gather path of tf.data pipelines: while every element is one row of the same source
// tensors (`from_tensor_slices`, then `shuffle`), a pass is a stream of row indices, the shuffle
// buffer holds indices, and `batch` copies each batch's rows once straight into the batch
// tensors — no element per sample. Iterating element by element gives the same rows in the same
// order (the elements are made from the same index stream), so both paths are one semantics.

/// The rows of `tensors` (axis 0) a pass visits, in order: `makeIndices()` starts a pass and
/// returns its next-index function (nil at the end).
struct IndexedRows {
    /// The source tensors, one per leaf of the element structure; all have the same rows.
    let tensors: [Tensor]
    /// Starts a pass over the row indices.
    let makeIndices: () throws -> () throws -> Int?
}

/// TF's shuffle buffer over any items: the first `size` items fill it; each output is drawn
/// uniformly from it and its slot refilled with the next input item (the last slot moves into
/// it once the input is exhausted).
struct ShuffleBuffer<Item> {
    private let size: Int
    private var draws: ShuffleDraws
    private var items: [Item] = []
    private var filled = false

    init(size: Int, draws: ShuffleDraws) {
        self.size = size
        self.draws = draws
    }

    /// The next output, pulling input items from `pull`; nil when both are exhausted.
    mutating func next(_ pull: () throws -> Item?) throws -> Item? {
        if !filled {
            items.reserveCapacity(Swift.min(size, 1 << 16))
            while items.count < size, let e = try pull() { items.append(e) }
            filled = true
        }
        if items.isEmpty { return nil }
        let k = try draws.next(below: items.count)
        let out = items[k]
        if let e = try pull() {
            items[k] = e
        } else {
            items[k] = items[items.count - 1]
            items.removeLast()
        }
        return out
    }
}

extension Dataset {
    /// A dataset whose elements are the rows `rows` visits (structure `structure` over the
    /// source tensors); element iteration and `batch` read the same index stream.
    convenience init(structure: ElementStructure, cardinality: Int, specs: SpecSource, rows: IndexedRows) {
        self.init(structure: structure, cardinality: cardinality, specs: specs, rows: rows) {
            let next = try rows.makeIndices()
            return DatasetIterator {
                guard let i = try next() else { return nil }
                return DatasetElement(structure: structure, parts: rows.tensors.map { .row($0, i) })
            }
        }
    }

    /// `batch` of a dataset of rows: up to `size` indices per batch, each component's rows copied
    /// once into the batch (string rows moved by a gather). nil when this dataset is not rows.
    func gatheredBatches(_ size: Int, dropRemainder: Bool, cardinality: Int, specs: SpecSource) -> Dataset? {
        guard let rows else { return nil }
        let structure = self.structure
        return Dataset(structure: structure, cardinality: cardinality, specs: specs) {
            let next = try rows.makeIndices()
            var indices: [Int] = []
            indices.reserveCapacity(Swift.min(size, 4096))
            return DatasetIterator {
                indices.removeAll(keepingCapacity: true)
                while indices.count < size, let i = try next() { indices.append(i) }
                if indices.isEmpty || (dropRemainder && indices.count < size) { return nil }
                return DatasetElement(structure: structure, parts: try rows.tensors.map { .tensor(try gatherRows($0, indices)) })
            }
        }
    }
}

/// Rows `indices` of `t` (axis 0) stacked into a new tensor, each row's bytes copied once.
private func gatherRows(_ t: Tensor, _ indices: [Int]) throws -> Tensor {
    if t.dtype == .string {   // elements, not bytes
        return try withoutRecording { try t.gathered(indices: Tensor(indices.map { Int64($0) }, shape: [indices.count])) }
    }
    let out = try Tensor.uninitialized([indices.count] + t.shape.dropFirst(), t.dtype, op: "batch")
    let n = t.count / t.shape[0] * t.dtype.byteSize   // indices exist, so t.shape[0] > 0
    guard n > 0 else { return out }
    let src = UnsafeRawPointer(t.raw)
    var dst = out.raw
    for i in indices {
        dst.copyMemory(from: src + i * n, byteCount: n)
        dst += n
    }
    return out
}
