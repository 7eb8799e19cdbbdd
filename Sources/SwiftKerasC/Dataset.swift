import SwiftKerasCHeader
import SwiftKeras

// The C shims of include/swiftkeras/data.h: datasets, their elements and iterators (the simple
// queries and releases are generated: tools/capi_keras.py), the element callbacks, and the
// keras.utils helpers.

/// The object behind an `sk_dataset_element` handle.
final class ElementBox {
    let element: DatasetElement
    init(_ element: DatasetElement) { self.element = element }
}

/// A structure argument: NULL is one tensor for n = 1, a flat tuple otherwise.
private func structureArg(_ json: UnsafePointer<CChar>?, _ n: Int, _ fn: StaticString) throws -> ElementStructure {
    guard let json else { return .flat(n) }
    return try ElementStructure.parse(json: String(cString: json), op: "\(fn)")
}

/// `[{"dtype": "float32", "shape": [null, 3]}, ...]`.
func elementSpecJSON(_ specs: [TensorSpec]) -> String {
    ConfigValue.array(specs.map { s in
        .object(["dtype": .string("\(s.dtype)"), "shape": .array(s.shape.map { $0.map { .int($0) } ?? .null })])
    }).json
}

/// Parses the JSON `elementSpecJSON` writes.
private func elementSpecs(_ json: UnsafePointer<CChar>?, _ fn: StaticString) throws -> [TensorSpec]? {
    guard let json else { return nil }
    let text = String(cString: json)
    guard case .array(let items) = try ConfigValue.parse(json: text) else {
        throw SwiftKerasError(.invalidArgument, "\(fn): element_spec_json must be a JSON list, got \(text)")
    }
    return try items.map { item in
        guard case .string(let name)? = item["dtype"], let dtype = DType(name: name),
              case .array(let dims)? = item["shape"] else {
            throw SwiftKerasError(.invalidArgument, "\(fn): invalid spec \(item.json) (expected {\"dtype\": \"float32\", \"shape\": [null, 3]})")
        }
        return TensorSpec(shape: try dims.map { d -> Int? in
            switch d {
            case .null: return nil
            case .int(let v) where v >= 0: return v
            case .int(-1): return nil
            default: throw SwiftKerasError(.invalidArgument, "\(fn): invalid dimension \(d.json) in \(item.json)")
            }
        }, dtype: dtype)
    }
}

/// The new dataset `make` gives for the dataset behind `h`.
private func transform(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                       _ make: (Dataset) throws -> Dataset) -> Int32 {
    produce(out, fn) { try make(try unwrap(h, fn, "dataset", as: Dataset.self)) }
}

private func intArg(_ v: Int64) -> Int { Int(v) }

// MARK: - Elements and iterators (the dataset's simple shims are generated: tools/capi_keras.py)

@c @implementation
public func sk_dataset_element_release(_ h: OpaquePointer?) { release(h, as: ElementBox.self) }

@c @implementation
public func sk_dataset_iterator_release(_ h: OpaquePointer?) { release(h, as: DatasetIterator.self) }

@c @implementation
public func sk_dataset_element_num_tensors(_ h: OpaquePointer?) -> Int32 {
    valueQuery(h, as: ElementBox.self, -1) { Int32($0.element.structure.leafCount) }
}

@c @implementation
public func sk_dataset_element_structure(_ h: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                         _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    stringQuery(h, buf, capacity, length, "sk_dataset_element_structure", "element", as: ElementBox.self) { $0.element.structure.json }
}

@c @implementation
public func sk_dataset_iterator_next(_ h: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceOptionalFrom(h, out, "sk_dataset_iterator_next", "iterator", as: DatasetIterator.self) { try $0.next().map { ElementBox($0) } }
}

@c @implementation
public func sk_dataset_element_create(_ tensors: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ structure: UnsafePointer<CChar>?,
                                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_dataset_element_create") {
        let ts = try tensorList(tensors, n, "sk_dataset_element_create", "tensors")
        return ElementBox(try DatasetElement(structure: try structureArg(structure, ts.count, "sk_dataset_element_create"), tensors: ts))
    }
}

@c @implementation
public func sk_dataset_element_tensor(_ element: OpaquePointer?, _ i: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_dataset_element_tensor") {
        let e = try unwrap(element, "sk_dataset_element_tensor", "element", as: ElementBox.self).element
        let n = e.structure.leafCount
        guard i >= 0 && Int(i) < n else {
            throw SwiftKerasError(.outOfRange, "sk_dataset_element_tensor: index \(i) is out of range for an element of \(n) tensors")
        }
        return try e.tensors[Int(i)]
    }
}

// MARK: - Sources

private func tensorSource(_ tensors: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ structure: UnsafePointer<CChar>?,
                          _ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                          _ make: ([Tensor], ElementStructure) throws -> Dataset) -> Int32 {
    produce(out, fn) {
        let ts = try tensorList(tensors, n, fn, "tensors")
        return try make(ts, try structureArg(structure, ts.count, fn))
    }
}

@c @implementation
public func sk_dataset_from_tensor_slices(_ tensors: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ structure: UnsafePointer<CChar>?,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    tensorSource(tensors, n, structure, out, "sk_dataset_from_tensor_slices") { try Dataset.tensorSlices($0, structure: $1) }
}

@c @implementation
public func sk_dataset_from_tensors(_ tensors: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ structure: UnsafePointer<CChar>?,
                                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    tensorSource(tensors, n, structure, out, "sk_dataset_from_tensors") { try Dataset.tensors($0, structure: $1) }
}

@c @implementation
public func sk_dataset_range(_ start: Int64, _ stop: Int64, _ step: Int64, _ dtype: Int32,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_dataset_range") {
        try Dataset.range(start: Int(start), stop: Int(stop), step: Int(step), dtype: try dtypeCode(dtype, "sk_dataset_range"))
    }
}

/// The two functions of sk_dataset_from_callback (one user_data).
struct SourceFns {
    let next: sk_dataset_next_fn
    let close: sk_dataset_close_fn?
}

@c @implementation
public func sk_dataset_from_callback(_ next: sk_dataset_next_fn?, _ close: sk_dataset_close_fn?, _ userData: UnsafeMutableRawPointer?,
                                     _ destroy: CDestroy?, _ structure: UnsafePointer<CChar>?, _ specJSON: UnsafePointer<CChar>?,
                                     _ cardinality: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return produce(out, "sk_dataset_from_callback") {
        let fn: StaticString = "sk_dataset_from_callback"
        guard let next else { throw SwiftKerasError(.invalidArgument, "\(fn): next is NULL") }
        let specs = try elementSpecs(specJSON, fn)
        let s = try structureArg(structure, specs?.count ?? 1, fn)
        let cb = CCallback(SourceFns(next: next, close: close), owner)
        return try Dataset.generator(structure: s, specs: specs, cardinality: Int(cardinality), next: { pass, index in
            var e: OpaquePointer? = nil
            let rc = cb { f, ud in f.next(ud, Int64(pass), Int64(index), &e) }
            let box = e.map { takeRetained($0, as: ElementBox.self) }
            if rc != 0 { throw callbackFailure(rc, "dataset callback") }
            return box?.element
        }, close: { pass in
            // Not through `cb(...)`, which clears the last error: an iterator released after a
            // failure must leave that failure's message readable.
            guard let close = cb.fn.close else { return }
            withExtendedLifetime(cb.userData) { close(cb.userData.pointer, Int64(pass)) }
        })
    }
}

// MARK: - Transformations

@c @implementation
public func sk_dataset_batch(_ ds: OpaquePointer?, _ size: Int64, _ drop: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_batch") { try $0.batch(intArg(size), dropRemainder: drop != 0) }
}

@c @implementation
public func sk_dataset_padded_batch(_ ds: OpaquePointer?, _ size: Int64, _ shapesJSON: UnsafePointer<CChar>?,
                                    _ values: UnsafePointer<Double>?, _ nValues: Int32, _ drop: UInt8,
                                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_padded_batch") { d in
        let fn: StaticString = "sk_dataset_padded_batch"
        var shapes: [[Int?]]? = nil
        if let shapesJSON {
            let text = String(cString: shapesJSON)
            guard case .array(let list) = try ConfigValue.parse(json: text) else {
                throw SwiftKerasError(.invalidArgument, "\(fn): padded_shapes_json must be a list of shapes, got \(text)")
            }
            shapes = try list.map { s in
                guard case .array(let dims) = s else { throw SwiftKerasError(.invalidArgument, "\(fn): \(s.json) is not a shape") }
                return try dims.map { dim -> Int? in
                    switch dim {
                    case .null: return nil
                    case .int(let v) where v >= -1: return v < 0 ? nil : v
                    default: throw SwiftKerasError(.invalidArgument, "\(fn): invalid dimension \(dim.json) in \(s.json)")
                    }
                }
            }
        }
        try checkCount(nValues, fn, "padding_values")
        var padding: [Double]? = nil
        if nValues > 0 {
            guard let values else { throw SwiftKerasError(.invalidArgument, "\(fn): padding_values is NULL but n_padding_values is \(nValues)") }
            padding = Array(UnsafeBufferPointer(start: values, count: Int(nValues)))
        }
        return try d.paddedBatch(intArg(size), paddedShapes: shapes, paddingValues: padding, dropRemainder: drop != 0)
    }
}

@c @implementation
public func sk_dataset_rebatch(_ ds: OpaquePointer?, _ size: Int64, _ drop: UInt8, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_rebatch") { try $0.rebatch(intArg(size), dropRemainder: drop != 0) }
}

@c @implementation
public func sk_dataset_shuffle(_ ds: OpaquePointer?, _ bufferSize: Int64, _ seed: Int64, _ reshuffle: UInt8,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_shuffle") {
        try $0.shuffle(bufferSize: intArg(bufferSize), seed: seed >= 0 ? UInt64(seed) : nil, reshuffleEachIteration: reshuffle != 0)
    }
}

@c @implementation
public func sk_dataset_repeat(_ ds: OpaquePointer?, _ count: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_repeat") { $0.repeated(intArg(count)) }
}

@c @implementation
public func sk_dataset_take(_ ds: OpaquePointer?, _ count: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_take") { $0.take(intArg(count)) }
}

@c @implementation
public func sk_dataset_skip(_ ds: OpaquePointer?, _ count: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_skip") { $0.skip(intArg(count)) }
}

@c @implementation
public func sk_dataset_map(_ ds: OpaquePointer?, _ fn: sk_dataset_map_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                           _ structure: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return transform(ds, out, "sk_dataset_map") { d in
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_dataset_map: fn is NULL") }
        let cb = CCallback(fn, owner)
        let map: (DatasetElement) throws -> DatasetElement = { e in
            let input = ElementBox(e)
            var r: OpaquePointer? = nil
            let rc = withExtendedLifetime(input) { cb { f, ud in f(ud, borrowed(input), &r) } }
            let box = r.map { takeRetained($0, as: ElementBox.self) }
            if rc != 0 { throw callbackFailure(rc, "dataset map function") }
            guard let box else { throw SwiftKerasError(.invalidArgument, "map: the function returned SK_OK without an element") }
            return box.element
        }
        guard let structure else { return try d.mapInferringStructure(map) }
        return d.map(structure: try ElementStructure.parse(json: String(cString: structure), op: "sk_dataset_map"), map)
    }
}

@c @implementation
public func sk_dataset_filter(_ ds: OpaquePointer?, _ predicate: sk_dataset_predicate_fn?, _ userData: UnsafeMutableRawPointer?,
                              _ destroy: CDestroy?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return transform(ds, out, "sk_dataset_filter") { d in
        guard let predicate else { throw SwiftKerasError(.invalidArgument, "sk_dataset_filter: predicate is NULL") }
        let cb = CCallback(predicate, owner)
        return d.filter { e in
            let input = ElementBox(e)
            var keep: UInt8 = 0
            let rc = withExtendedLifetime(input) { cb { f, ud in f(ud, borrowed(input), &keep) } }
            if rc != 0 { throw callbackFailure(rc, "dataset filter predicate") }
            return keep != 0
        }
    }
}

@c @implementation
public func sk_dataset_zip(_ datasets: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_dataset_zip") { try Dataset.zip(try handleList(datasets, n, "sk_dataset_zip", "datasets", as: Dataset.self)) }
}

@c @implementation
public func sk_dataset_concatenate(_ ds: OpaquePointer?, _ other: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_concatenate") { try $0.concatenate(try unwrap(other, "sk_dataset_concatenate", "other", as: Dataset.self)) }
}

@c @implementation
public func sk_dataset_enumerate(_ ds: OpaquePointer?, _ start: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_enumerate") { $0.enumerate(start: intArg(start)) }
}

@c @implementation
public func sk_dataset_prefetch(_ ds: OpaquePointer?, _ bufferSize: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    transform(ds, out, "sk_dataset_prefetch") { try $0.prefetch(intArg(bufferSize)) }
}

@c @implementation
public func sk_dataset_timeseries(_ data: OpaquePointer?, _ targets: OpaquePointer?, _ sequenceLength: Int64, _ stride: Int64,
                                  _ rate: Int64, _ batchSize: Int64, _ shuffle: UInt8, _ seed: Int64, _ startIndex: Int64,
                                  _ endIndex: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_dataset_timeseries") {
        try Dataset.timeseries(data: try tensor(data, "sk_dataset_timeseries", "data"), targets: optionalTensor(targets),
                               sequenceLength: intArg(sequenceLength), sequenceStride: intArg(stride), samplingRate: intArg(rate),
                               batchSize: batchSize > 0 ? intArg(batchSize) : nil, shuffle: shuffle != 0,
                               seed: seed >= 0 ? UInt64(seed) : nil, startIndex: startIndex >= 0 ? intArg(startIndex) : nil,
                               endIndex: endIndex >= 0 ? intArg(endIndex) : nil)
    }
}

// MARK: - keras.utils

@c @implementation
public func sk_to_categorical(_ y: OpaquePointer?, _ numClasses: Int64, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_to_categorical") {
        try toCategorical(try tensor(y, "sk_to_categorical", "y"), numClasses: numClasses > 0 ? intArg(numClasses) : nil,
                          dtype: try dtypeCode(dtype, "sk_to_categorical"))
    }
}

@c @implementation
public func sk_pad_sequences(_ values: UnsafePointer<Double>?, _ lengths: UnsafePointer<Int64>?, _ n: Int64, _ maxlen: Int64,
                             _ dtype: Int32, _ padding: UnsafePointer<CChar>?, _ truncating: UnsafePointer<CChar>?, _ value: Double,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_pad_sequences") {
        let fn: StaticString = "sk_pad_sequences"
        if n < 0 || n > (1 << 40) { throw SwiftKerasError(.invalidArgument, "\(fn): n must be non-negative, got \(n)") }
        if n > 0 && lengths == nil { throw SwiftKerasError(.invalidArgument, "\(fn): lengths is NULL but n is \(n)") }
        // The lengths first: each non-negative, their sum without overflow and allocatable (the
        // copies below are as large as the values the caller promises).
        var total = 0
        for i in 0..<Int(n) {
            let len = Int(lengths?[i] ?? 0)
            if len < 0 { throw SwiftKerasError(.invalidArgument, "\(fn): lengths[\(i)] = \(len) is negative") }
            if len > 0 && values == nil { throw SwiftKerasError(.invalidArgument, "\(fn): values is NULL but lengths[\(i)] is \(len)") }
            let (sum, overflow) = total.addingReportingOverflow(len)
            if overflow { throw SwiftKerasError(.outOfMemory, "\(fn): the lengths add up to more than \(Int.max) values") }
            total = sum
        }
        try CheckedAllocation.check(total, of: Double.self, op: "sk_pad_sequences")
        var seqs: [[Double]] = []
        var offset = 0
        for i in 0..<Int(n) {
            let len = Int(lengths?[i] ?? 0)
            seqs.append(len == 0 ? [] : Array(UnsafeBufferPointer(start: values.map { $0 + offset }, count: len)))
            offset += len
        }
        return try padSequences(seqs, maxlen: maxlen >= 0 ? intArg(maxlen) : nil, dtype: try dtypeCode(dtype, fn),
                                padding: optionalString(padding) ?? "pre", truncating: optionalString(truncating) ?? "pre",
                                value: value)
    }
}
