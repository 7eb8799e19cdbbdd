// tf.data's Dataset: sources (tensor slices, tensors, a range, a generator callback) and the
// iterator protocol. Transformations are in DatasetTransformations.swift, prefetch in
// DatasetPrefetch.swift. TF's semantics (tensorflow/python/data/ops/dataset_ops.py and the
// kernels' cardinality rules) are the reference.

import Synchronization

/// How a dataset knows its element specs.
enum SpecSource {
    /// Fixed by the source.
    case known([TensorSpec])
    /// Computed from the input's specs when asked.
    case derived(() throws -> [TensorSpec])
    /// Taken from the first element when asked.
    case firstElement
}

/// One pass over a dataset (`iter(dataset)`): `next()` gives the elements in order, then nil.
/// An iterator is used from one thread at a time.
public final class DatasetIterator {
    private let nextFn: () throws -> DatasetElement?
    private let close: (() -> Void)?
    private var finished = false

    init(_ next: @escaping () throws -> DatasetElement?, close: (() -> Void)? = nil) {
        nextFn = next
        self.close = close
    }

    /// The next element, or nil at the end (and on every later call).
    public func next() throws -> DatasetElement? {
        if finished { return nil }
        if let e = try nextFn() { return e }
        finished = true
        return nil
    }

    deinit { close?() }
}

/// A tf.data pipeline (`tf.data.Dataset`): a recipe for iterators over elements of one
/// `structure`. Datasets are immutable; each transformation returns a new dataset, and each
/// `makeIterator()` starts a new pass (generators are called again, shuffles reshuffle).
public final class Dataset {
    /// `tf.data.INFINITE_CARDINALITY`.
    public static let infinite = -1
    /// `tf.data.UNKNOWN_CARDINALITY`.
    public static let unknown = -2

    /// The nesting of every element.
    public let structure: ElementStructure
    /// The number of elements, or `Dataset.infinite` / `Dataset.unknown` (`cardinality()`).
    public let cardinality: Int
    let specSource: SpecSource
    /// Set when every element is one row of the same source tensors (`from_tensor_slices`, then
    /// `shuffle`): `batch` then gathers the rows by index (DatasetRowGather.swift).
    let rows: IndexedRows?
    private let make: () throws -> DatasetIterator

    init(structure: ElementStructure, cardinality: Int, specs: SpecSource, rows: IndexedRows? = nil,
         make: @escaping () throws -> DatasetIterator) {
        self.structure = structure
        self.cardinality = cardinality
        specSource = specs
        self.rows = rows
        self.make = make
    }

    convenience init(structure: ElementStructure, cardinality: Int, specs: [TensorSpec]?, make: @escaping () throws -> DatasetIterator) {
        self.init(structure: structure, cardinality: cardinality, specs: specs.map { .known($0) } ?? .firstElement, make: make)
    }

    /// Starts a pass over the elements (`iter(dataset)`).
    public func makeIterator() throws -> DatasetIterator { try make() }

    /// The specs of the flat tensors of every element (`element_spec`): known from the
    /// sources and derived through the transformations as TF does; a map by callback or a
    /// generator without a signature gives them from its first element.
    public func elementSpec() throws -> [TensorSpec] {
        switch specSource {
        case .known(let specs): return specs
        case .derived(let f): return try f()
        case .firstElement:
            guard let first = try makeIterator().next() else {
                throw SwiftKerasError.invalid("element_spec: the dataset is empty and its element types are not known (a map by callback or a generator without a signature gives them only from its first element)")
            }
            return first.specs
        }
    }

    /// A spec source computed from this dataset's specs by `f` when asked.
    func specs(_ f: @escaping ([TensorSpec]) throws -> [TensorSpec]) -> SpecSource {
        .derived { try f(try self.elementSpec()) }
    }

    /// This dataset's specs, unchanged (shuffle, repeat, take, ...).
    var sameSpecs: SpecSource { specs { $0 } }

    // MARK: Sources

    /// `Dataset.from_tensor_slices`: element `i` holds row `i` (axis 0) of each tensor; all
    /// tensors need the same number of rows.
    public static func tensorSlices(_ tensors: [Tensor], structure: ElementStructure) throws -> Dataset {
        try checkLeaves(tensors.count, structure, "from_tensor_slices")
        for (i, t) in tensors.enumerated() where t.rank == 0 {
            throw SwiftKerasError.invalid("from_tensor_slices: tensor \(i) is a scalar; slicing needs at least one dimension")
        }
        let n = tensors.first?.shape[0] ?? 0
        if let bad = tensors.firstIndex(where: { $0.shape[0] != n }) {
            throw SwiftKerasError.invalid("from_tensor_slices: all tensors need the same size in their first dimension; got \(tensors.map { $0.shape[0] }) (tensor \(bad) differs)")
        }
        let specs = tensors.map { TensorSpec(shape: $0.shape.dropFirst().map { $0 }, dtype: $0.dtype) }
        let rows = IndexedRows(tensors: tensors) {
            var i = 0
            return {
                guard i < n else { return nil }
                defer { i += 1 }
                return i
            }
        }
        return Dataset(structure: structure, cardinality: n, specs: .known(specs), rows: rows)
    }

    /// `Dataset.from_tensors`: one element holding the tensors.
    public static func tensors(_ tensors: [Tensor], structure: ElementStructure) throws -> Dataset {
        try checkLeaves(tensors.count, structure, "from_tensors")
        let element = DatasetElement(structure: structure, parts: tensors.map { .tensor($0) })
        return Dataset(structure: structure, cardinality: 1, specs: element.specs) {
            var done = false
            return DatasetIterator {
                if done { return nil }
                done = true
                return element
            }
        }
    }

    /// `Dataset.range(start, stop, step)`: scalars of `dtype` (int64 by default).
    public static func range(start: Int = 0, stop: Int, step: Int = 1, dtype: DType = .int64) throws -> Dataset {
        if step == 0 { throw SwiftKerasError.invalid("range: step must not be 0") }
        let (span, o1) = stop.subtractingReportingOverflow(start)
        if o1 { throw SwiftKerasError.invalid("range: stop - start overflows (\(start), \(stop))") }
        // in UInt64 without a rounding-up addition (|span| and |step| reach 2^63), and a count
        // above Int.max (a span of Int.min by steps of -1) refused instead of trapping
        let count = (step > 0 ? span > 0 : span < 0)
            ? span.magnitude / step.magnitude + (span.magnitude % step.magnitude == 0 ? 0 : 1) : 0
        guard let n = Int(exactly: count) else {
            throw SwiftKerasError.invalid("range: \(count) elements (start \(start), stop \(stop), step \(step)) exceed the largest cardinality, \(Int.max)")
        }
        return Dataset(structure: .tensor, cardinality: n, specs: [TensorSpec(shape: [], dtype: dtype)]) {
            var i = 0
            return DatasetIterator {
                guard i < n else { return nil }
                defer { i += 1 }
                return DatasetElement(try Tensor.full([], value: Double(start + i * step), dtype: dtype))
            }
        }
    }

    /// A dataset whose elements come from a callback (`Dataset.from_generator`; a C function
    /// pointer): each pass gets a new pass number, and `next(pass, index)` returns the element
    /// `index` of that pass or nil at its end; `close(pass)` runs when the pass's iterator goes
    /// away (finished or not). Elements must have `structure` and, when `specs` is given, fit
    /// it (dtype and known dimensions), as `output_signature` in TF. The cardinality is
    /// `cardinality` (unknown by default).
    public static func generator(structure: ElementStructure, specs: [TensorSpec]?, cardinality: Int = unknown,
                                 next: @escaping (_ pass: Int, _ index: Int) throws -> DatasetElement?,
                                 close: @escaping (_ pass: Int) -> Void) throws -> Dataset {
        if let specs { try checkLeaves(specs.count, structure, "from_generator") }
        if cardinality < unknown { throw SwiftKerasError.invalid("from_generator: cardinality \(cardinality) is not a count, -1 (infinite) or -2 (unknown)") }
        let passes = Atomic<Int>(0)
        return Dataset(structure: structure, cardinality: cardinality, specs: specs) {
            let pass = passes.wrappingAdd(1, ordering: .relaxed).oldValue
            var index = 0
            return DatasetIterator({
                guard let e = try next(pass, index) else { return nil }
                index += 1
                if e.structure != structure {
                    throw SwiftKerasError.invalid("from_generator: element \(index - 1) has the structure \(e.structure), expected \(structure)")
                }
                if let specs, let bad = specs.indices.first(where: { !specs[$0].admits(e.parts[$0]) }) {
                    throw SwiftKerasError.invalid("from_generator: element \(index - 1), tensor \(bad): \(TensorSpec(of: e.parts[bad])) does not match the output signature \(specs[bad])")
                }
                return e
            }, close: { close(pass) })
        }
    }

    static func checkLeaves(_ n: Int, _ structure: ElementStructure, _ op: String) throws {
        if n != structure.leafCount {
            throw SwiftKerasError.invalid("\(op): the structure \(structure) has \(structure.leafCount) tensors, got \(n)")
        }
        if n == 0 { throw SwiftKerasError.invalid("\(op): an element needs at least one tensor") }
    }
}
