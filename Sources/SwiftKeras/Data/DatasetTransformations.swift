// The transformations of tf.data's Dataset with TF's semantics and cardinality rules
// (batch, unbatch, padded_batch, shuffle, repeat, take, skip, map, filter, zip, concatenate,
// enumerate, cache, rebatch). Prefetch is in DatasetPrefetch.swift.

import Synchronization

extension Dataset {
    private func derived(structure: ElementStructure? = nil, cardinality: Int? = nil, specs: SpecSource,
                         make: @escaping () throws -> DatasetIterator) -> Dataset {
        Dataset(structure: structure ?? self.structure, cardinality: cardinality ?? self.cardinality, specs: specs, make: make)
    }

    /// Cardinality of a batching of `n` elements by `size`.
    private static func batchedCardinality(_ n: Int, _ size: Int, _ drop: Bool) -> Int {
        n < 0 ? n : drop ? n / size : n / size + (n % size == 0 ? 0 : 1)   // (n + size - 1) overflows for a size near Int.max
    }

    private static func checkBatchSize(_ size: Int, _ op: String) throws {
        if size <= 0 { throw SwiftKerasError.invalid("\(op): batch_size must be positive, got \(size)") }
    }

    /// Collects up to `size` elements from `it` (fewer at the end; nil when there is none, or
    /// when fewer than `size` remain and `drop` is set).
    private static func collect(_ it: DatasetIterator, _ size: Int, _ drop: Bool) throws -> [DatasetElement]? {
        var group: [DatasetElement] = []
        group.reserveCapacity(Swift.min(size, 4096))
        while group.count < size, let e = try it.next() { group.append(e) }
        if group.isEmpty || (drop && group.count < size) { return nil }
        return group
    }

    /// `batch(batch_size, drop_remainder)`: stacks `size` consecutive elements along a new
    /// axis 0, component by component; the last batch is smaller unless `dropRemainder`.
    public func batch(_ size: Int, dropRemainder: Bool = false) throws -> Dataset {
        try Dataset.checkBatchSize(size, "batch")
        let specs = self.specs { $0.map { TensorSpec(shape: [dropRemainder ? size : nil] + $0.shape, dtype: $0.dtype) } }
        let structure = self.structure
        let card = Dataset.batchedCardinality(cardinality, size, dropRemainder)
        if let gathered = gatheredBatches(size, dropRemainder: dropRemainder, cardinality: card, specs: specs) { return gathered }
        return derived(cardinality: card, specs: specs) {
            let it = try self.makeIterator()
            return DatasetIterator {
                guard let group = try Dataset.collect(it, size, dropRemainder) else { return nil }
                let n = group[0].parts.count
                return DatasetElement(structure: structure, parts: try (0..<n).map { j in
                    .tensor(try stackParts(group.map { $0.parts[j] }, component: j))
                })
            }
        }
    }

    /// `padded_batch(batch_size, padded_shapes, padding_values, drop_remainder)`: as `batch`,
    /// padding each component at the end of every dimension to `paddedShapes[j]` (nil or -1
    /// dimensions: the largest in the batch; default all) with `paddingValues[j]` (default 0).
    public func paddedBatch(_ size: Int, paddedShapes: [[Int?]]? = nil, paddingValues: [Double]? = nil,
                            dropRemainder: Bool = false) throws -> Dataset {
        try Dataset.checkBatchSize(size, "padded_batch")
        let leaves = structure.leafCount
        if let p = paddedShapes, p.count != leaves {
            throw SwiftKerasError.invalid("padded_batch: padded_shapes has \(p.count) entries for \(leaves) tensors per element")
        }
        if let v = paddingValues, v.count != leaves {
            throw SwiftKerasError.invalid("padded_batch: padding_values has \(v.count) entries for \(leaves) tensors per element")
        }
        let shapes = paddedShapes?.map { $0.map { d in d.flatMap { $0 < 0 ? nil : $0 } } }
        let specs = self.specs { s in
            try s.enumerated().map { j, spec in
                let target = shapes?[j] ?? spec.shape.map { _ in nil }
                if target.count != spec.shape.count {
                    throw SwiftKerasError.invalid("padded_batch: padded_shapes[\(j)] has rank \(target.count), the component has rank \(spec.shape.count)")
                }
                return TensorSpec(shape: [dropRemainder ? size : nil] + Swift.zip(target, spec.shape).map { $0 ?? $1 }, dtype: spec.dtype)
            }
        }
        let structure = self.structure
        return derived(cardinality: Dataset.batchedCardinality(cardinality, size, dropRemainder), specs: specs) {
            let it = try self.makeIterator()
            return DatasetIterator {
                guard let group = try Dataset.collect(it, size, dropRemainder) else { return nil }
                return DatasetElement(structure: structure, parts: try (0..<leaves).map { j in
                    let column = try group.map { try $0.parts[j].tensor }
                    let rank = column[0].rank
                    if let bad = column.first(where: { $0.rank != rank }) {
                        throw SwiftKerasError.invalid("padded_batch: component \(j) has ranks \(rank) and \(bad.rank) in one batch")
                    }
                    let target = shapes?[j] ?? Array(repeating: nil, count: rank)
                    if target.count != rank {
                        throw SwiftKerasError.invalid("padded_batch: padded_shapes[\(j)] has rank \(target.count), the component has rank \(rank)")
                    }
                    let full = (0..<rank).map { d in target[d] ?? column.map { $0.shape[d] }.max() ?? 0 }
                    let value = paddingValues?[j] ?? 0
                    let padded = try column.map { t -> ElementPart in
                        let pads = try (0..<rank).map { d -> (Int, Int) in
                            if t.shape[d] > full[d] {
                                throw SwiftKerasError.invalid("padded_batch: component \(j) has shape \(t.shape), larger than the padded shape \(full)")
                            }
                            return (0, full[d] - t.shape[d])
                        }
                        return .tensor(pads.allSatisfy { $0.1 == 0 } ? t : try withoutRecording { try t.padded(pads, value: value) })
                    }
                    return .tensor(try stackParts(padded, component: j))
                })
            }
        }
    }

    /// `unbatch()`: splits each element along axis 0 into its rows (every component needs the
    /// same first dimension). Cardinality unknown, as in TF.
    public func unbatch() throws -> Dataset {
        let specs = self.specs { s in
            try s.map { spec in
                if spec.shape.isEmpty { throw SwiftKerasError.invalid("unbatch: the elements have a scalar component; unbatch needs rank >= 1") }
                return TensorSpec(shape: Array(spec.shape.dropFirst()), dtype: spec.dtype)
            }
        }
        let structure = self.structure
        return derived(cardinality: Dataset.unknown, specs: specs) {
            let it = try self.makeIterator()
            var current: [Tensor] = []
            var row = 0, rows = 0
            return DatasetIterator {
                while row >= rows {
                    guard let e = try it.next() else { return nil }
                    current = try e.tensors
                    if let s = current.first(where: { $0.rank == 0 }) {
                        throw SwiftKerasError.invalid("unbatch: a component is a scalar (\(s.dtype)); unbatch needs rank >= 1")
                    }
                    rows = current[0].shape[0]
                    if current.contains(where: { $0.shape[0] != rows }) {
                        throw SwiftKerasError.invalid("unbatch: the components have different first dimensions \(current.map { $0.shape[0] })")
                    }
                    row = 0
                }
                defer { row += 1 }
                return DatasetElement(structure: structure, parts: current.map { .row($0, row) })
            }
        }
    }

    /// `rebatch(batch_size, drop_remainder)`: batches of `size` across the boundaries of the
    /// input batches (`unbatch().batch(size)`). Cardinality unknown, as in TF.
    public func rebatch(_ size: Int, dropRemainder: Bool = false) throws -> Dataset {
        let b = try unbatch().batch(size, dropRemainder: dropRemainder)
        return Dataset(structure: b.structure, cardinality: Dataset.unknown, specs: b.specSource, make: b.makeIterator)
    }

    /// `shuffle(buffer_size, seed, reshuffle_each_iteration)` with TF's buffer: the first
    /// `bufferSize` elements fill a buffer; each output is drawn uniformly from the buffer and
    /// its slot refilled with the next input element. With a seed the order is reproducible;
    /// `reshuffleEachIteration` gives each pass (each `makeIterator`, each epoch) a different
    /// order, otherwise every pass repeats the first one's. Without a seed the seeds come from
    /// the global random seed (`set_random_seed`) or fresh entropy.
    public func shuffle(bufferSize: Int, seed: UInt64? = nil, reshuffleEachIteration: Bool = true) throws -> Dataset {
        if bufferSize <= 0 { throw SwiftKerasError.invalid("shuffle: buffer_size must be greater than zero, got \(bufferSize)") }
        let base = seed ?? Random.freshSeed()
        let passes = Atomic<UInt64>(0)
        func draws() -> ShuffleDraws {
            let pass = reshuffleEachIteration ? passes.wrappingAdd(1, ordering: .relaxed).oldValue : 0
            return ShuffleDraws(seed: base &+ pass &* 0xD1B5_4A32_D192_ED03)
        }
        if let rows {   // a buffer of row indices (DatasetRowGather.swift)
            let shuffled = IndexedRows(tensors: rows.tensors) {
                var buffer = ShuffleBuffer<Int>(size: bufferSize, draws: draws())
                let next = try rows.makeIndices()
                return { try buffer.next(next) }
            }
            return Dataset(structure: structure, cardinality: cardinality, specs: sameSpecs, rows: shuffled)
        }
        return derived(specs: sameSpecs) {
            var buffer = ShuffleBuffer<DatasetElement>(size: bufferSize, draws: draws())
            let it = try self.makeIterator()
            return DatasetIterator { try buffer.next(it.next) }
        }
    }

    /// `repeat(count)`: the elements `count` times (nil or negative: forever; a pass that
    /// yields nothing ends it).
    public func repeated(_ count: Int? = nil) -> Dataset {
        let c = count.map { $0 < 0 ? -1 : $0 } ?? -1
        let n = cardinality
        let card = c < 0 ? (n == 0 ? 0 : Dataset.infinite) : c == 0 ? 0 : n < 0 ? n : n.multipliedReportingOverflow(by: c).overflow ? Dataset.infinite : n * c
        return derived(cardinality: card, specs: sameSpecs) {
            var pass = 0
            var it: DatasetIterator? = nil
            var yielded = false
            return DatasetIterator {
                while c < 0 || pass < c {
                    if it == nil { it = try self.makeIterator(); yielded = false }
                    if let e = try it?.next() { yielded = true; return e }
                    it = nil
                    pass += 1
                    if !yielded { return nil }
                }
                return nil
            }
        }
    }

    /// `take(count)`: the first `count` elements (negative: all).
    public func take(_ count: Int) -> Dataset {
        let n = cardinality
        let card = n == Dataset.unknown ? n : count < 0 ? n : n == Dataset.infinite ? count : Swift.min(n, count)
        return derived(cardinality: card, specs: sameSpecs) {
            let it = try self.makeIterator()
            var i = 0
            return DatasetIterator {
                if count >= 0 && i >= count { return nil }
                i += 1
                return try it.next()
            }
        }
    }

    /// `skip(count)`: all but the first `count` elements (negative: none).
    public func skip(_ count: Int) -> Dataset {
        let n = cardinality
        let card = count < 0 ? 0 : n < 0 ? n : Swift.max(0, n - count)
        return derived(cardinality: card, specs: sameSpecs) {
            let it = try self.makeIterator()
            var skipped = false
            return DatasetIterator {
                if !skipped {
                    skipped = true
                    if count < 0 { return nil }
                    for _ in 0..<count where try it.next() == nil { return nil }
                }
                return try it.next()
            }
        }
    }

    /// `map(fn)`: each element through `fn` (core ops, or a C / Python callback). The result's
    /// structure is `structure` when given (checked), else whatever `fn` returns; its specs are
    /// `specs` when given, else those of the first element. `num_parallel_calls` is accepted by
    /// the wrappers; elements are mapped in order on the iterating thread.
    public func map(structure: ElementStructure? = nil, specs: [TensorSpec]? = nil,
                    _ fn: @escaping (DatasetElement) throws -> DatasetElement) -> Dataset {
        let s = structure ?? self.structure
        return Dataset(structure: s, cardinality: cardinality, specs: specs) {
            let it = try self.makeIterator()
            return DatasetIterator {
                guard let e = try it.next() else { return nil }
                let out = try fn(e)
                if let structure, out.structure != structure {
                    throw SwiftKerasError.invalid("map: the function returned the structure \(out.structure), expected \(structure)")
                }
                return out
            }
        }
    }

    /// A map whose function may return any structure: the dataset's structure is that of the
    /// first element (peeked once now), and every element must keep it.
    public func mapInferringStructure(_ fn: @escaping (DatasetElement) throws -> DatasetElement) throws -> Dataset {
        guard let first = try makeIterator().next() else { return map(fn) }
        let out = try fn(first)
        return map(structure: out.structure, fn)
    }

    /// `filter(predicate)`: the elements for which `predicate` is true. Cardinality unknown.
    public func filter(_ predicate: @escaping (DatasetElement) throws -> Bool) -> Dataset {
        derived(cardinality: Dataset.unknown, specs: sameSpecs) {
            let it = try self.makeIterator()
            return DatasetIterator {
                while let e = try it.next() {
                    if try predicate(e) { return e }
                }
                return nil
            }
        }
    }

    /// `Dataset.zip(datasets)`: tuples of the datasets' elements, ending with the shortest.
    public static func zip(_ datasets: [Dataset]) throws -> Dataset {
        if datasets.isEmpty { throw SwiftKerasError.invalid("zip: needs at least one dataset") }
        var card = Dataset.infinite
        for d in datasets {
            if d.cardinality == Dataset.unknown { card = Dataset.unknown; break }
            if d.cardinality != Dataset.infinite && (card == Dataset.infinite || d.cardinality < card) { card = d.cardinality }
        }
        let specs = SpecSource.derived { try datasets.flatMap { try $0.elementSpec() } }
        let structure = ElementStructure.tuple(datasets.map(\.structure))
        return Dataset(structure: structure, cardinality: card, specs: specs) {
            let its = try datasets.map { try $0.makeIterator() }
            return DatasetIterator {
                var parts: [ElementPart] = []
                for it in its {
                    guard let e = try it.next() else { return nil }
                    parts += e.parts
                }
                return DatasetElement(structure: structure, parts: parts)
            }
        }
    }

    /// `concatenate(other)`: this dataset's elements, then `other`'s (same structure and dtypes;
    /// differing dimensions become unknown in the spec).
    public func concatenate(_ other: Dataset) throws -> Dataset {
        if other.structure != structure {
            throw SwiftKerasError.invalid("concatenate: the datasets have different structures \(structure) and \(other.structure)")
        }
        let specs = self.specs { a in
            try Swift.zip(a, try other.elementSpec()).map { x, y in
                guard let m = x.merged(with: y) else {
                    throw SwiftKerasError.invalid("concatenate: incompatible element types \(x) and \(y)")
                }
                return m
            }
        }
        let (n1, n2) = (cardinality, other.cardinality)
        let card = n1 == Dataset.infinite || n2 == Dataset.infinite ? Dataset.infinite
            : n1 == Dataset.unknown || n2 == Dataset.unknown || n1.addingReportingOverflow(n2).overflow ? Dataset.unknown : n1 + n2
        return derived(cardinality: card, specs: specs) {
            var it = try self.makeIterator()
            var second = false
            return DatasetIterator {
                while true {
                    if let e = try it.next() { return e }
                    if second { return nil }
                    second = true
                    it = try other.makeIterator()
                }
            }
        }
    }

    /// `enumerate(start)`: `(index, element)` tuples with an int64 scalar index.
    public func enumerate(start: Int = 0) -> Dataset {
        let structure = ElementStructure.tuple([.tensor, self.structure])
        let specs = self.specs { [TensorSpec(shape: [], dtype: .int64)] + $0 }
        return derived(structure: structure, specs: specs) {
            let it = try self.makeIterator()
            var i = start
            return DatasetIterator {
                guard let e = try it.next() else { return nil }
                defer { i &+= 1 }   // from start Int.max the index wraps (TF's int64 counter) instead of trapping
                return DatasetElement(structure: structure, parts: [.tensor(Tensor(scalar: Int64(i)))] + e.parts)
            }
        }
    }

    /// `cache()` in memory: the first complete pass records the elements; later passes replay
    /// them without running the pipeline above (an unfinished pass records nothing).
    public func cache() -> Dataset {
        let store = Mutex<[DatasetElement]?>(nil)
        return derived(specs: sameSpecs) {
            if let cached = store.withLock({ $0 }) {
                var i = 0
                return DatasetIterator {
                    guard i < cached.count else { return nil }
                    defer { i += 1 }
                    return cached[i]
                }
            }
            let it = try self.makeIterator()
            var seen: [DatasetElement] = []
            return DatasetIterator {
                if let e = try it.next() { seen.append(e); return e }
                let done = seen
                store.withLock { if $0 == nil { $0 = done } }
                return nil
            }
        }
    }
}

/// Stacks the parts of one component along a new axis 0 (the batch), copying each part's bytes
/// once; all parts need the same dtype and shape.
func stackParts(_ parts: [ElementPart], component j: Int) throws -> Tensor {
    let first = parts[0]
    let shape = Array(first.shape)
    for (k, p) in parts.enumerated().dropFirst() where p.dtype != first.dtype || !p.shape.elementsEqual(shape) {
        throw SwiftKerasError.invalid("batch: cannot batch tensors with different shapes in component \(j). First element had shape \(shape) (\(first.dtype)) and element \(k) had shape \(Array(p.shape)) (\(p.dtype)); use padded_batch for sequences of different lengths")
    }
    if first.dtype == .string { return try stack(parts.map { try $0.tensor }) }   // elements, not bytes
    let out = try Tensor.uninitialized([parts.count] + shape, first.dtype, op: "batch")
    var dst = out.raw
    for p in parts {
        let (src, n) = p.bytes
        if n > 0 { dst.copyMemory(from: src, byteCount: n) }
        dst += n
    }
    return out
}

/// The shuffle buffer's draws: uniform indices from the core's counter-based generator
/// (Philox, `Random.uniform`), 1024 per block, each block seeded from the pass's seed.
struct ShuffleDraws {
    private let seed: UInt64
    private var block: UInt64 = 0
    private var buffer: [Double] = []
    private var used = 0

    init(seed: UInt64) { self.seed = seed }

    /// An index in 0..<n (n > 0).
    mutating func next(below n: Int) throws -> Int {
        if used == buffer.count {
            buffer = try withoutRecording {
                try Random.uniform([1024], dtype: .float64, seed: seed &+ block &* 0x9E37_79B9_7F4A_7C15).doubles
            }
            block += 1
            used = 0
        }
        defer { used += 1 }
        return Swift.min(n - 1, Int(buffer[used] * Double(n)))
    }
}
