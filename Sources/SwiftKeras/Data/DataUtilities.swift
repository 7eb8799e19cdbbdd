// keras.utils' numeric helpers (tf-keras 2 semantics): to_categorical, pad_sequences and
// timeseries_dataset_from_array.

/// `keras.utils.to_categorical(y, num_classes)`: one-hot rows of `dtype` (float32 by default)
/// for integer class ids (floats are truncated as numpy's `int` conversion does; a trailing
/// dimension of 1 is dropped). Without `numClasses` it is `max(y) + 1`. Negative ids count from
/// the end as numpy indexing does; ids outside `-numClasses..<numClasses` are errors.
public func toCategorical(_ y: Tensor, numClasses: Int? = nil, dtype: DType = .float32) throws -> Tensor {
    var shape = y.shape
    if shape.count > 1 && shape.last == 1 { shape.removeLast() }
    let ids = try y.cast(to: .float64).doubles.map { d -> Int in
        guard d.isFinite, d.magnitude < 9e15 else { throw SwiftKerasError.invalid("to_categorical: \(d) is not a class id") }
        return Int(d.rounded(.towardZero))
    }
    let k = numClasses ?? ((ids.max() ?? -1) + 1)
    if k <= 0 { throw SwiftKerasError.invalid("to_categorical: num_classes must be positive, got \(k)") }
    var out = try CheckedAllocation.array(repeating: 0.0, count: try ShapeMathCount.product([ids.count, k], op: "to_categorical"),
                                          op: "to_categorical")
    for (i, c) in ids.enumerated() {
        if c >= k || c < -k { throw SwiftKerasError.invalid("to_categorical: index \(c) is out of bounds for axis 1 with size \(k)") }
        out[i * k + (c < 0 ? c + k : c)] = 1
    }
    return try Tensor.from(doubles: out, shape: shape + [k], dtype: dtype)
}

/// `keras.utils.pad_sequences` (tf-keras 2): a `[n, maxlen]` tensor of `dtype` (int32 by
/// default) from `n` sequences, each truncated to `maxlen` (default the longest) at the start
/// (`truncating: "pre"`) or end (`"post"`) and padded with `value` before (`padding: "pre"`)
/// or after (`"post"`) it.
public func padSequences(_ sequences: [[Double]], maxlen: Int? = nil, dtype: DType = .int32, padding: String = "pre",
                         truncating: String = "pre", value: Double = 0) throws -> Tensor {
    if padding != "pre" && padding != "post" { throw SwiftKerasError.invalid("pad_sequences: Padding type \"\(padding)\" not understood") }
    if truncating != "pre" && truncating != "post" { throw SwiftKerasError.invalid("pad_sequences: Truncating type \"\(truncating)\" not understood") }
    let width = maxlen ?? sequences.map(\.count).max() ?? 0
    if width < 0 { throw SwiftKerasError.invalid("pad_sequences: maxlen must be non-negative, got \(width)") }
    var out = try CheckedAllocation.array(repeating: value, count: try ShapeMathCount.product([sequences.count, width], op: "pad_sequences"),
                                          op: "pad_sequences")
    for (i, s) in sequences.enumerated() where !s.isEmpty {
        let kept = truncating == "pre" ? s.suffix(width) : s.prefix(width)
        let start = padding == "post" ? 0 : width - kept.count
        for (j, v) in kept.enumerated() { out[i * width + start + j] = v }
    }
    return try Tensor.from(doubles: out, shape: [sequences.count, width], dtype: dtype)
}

/// The checked product of sizes (shared by the helpers above).
enum ShapeMathCount {
    static func product(_ dims: [Int], op: String) throws -> Int {
        var n = 1
        for d in dims {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o || d < 0 { throw SwiftKerasError.invalid("\(op): the result size \(dims) is too large") }
            n = p
        }
        return n
    }
}

extension Dataset {
    /// `keras.utils.timeseries_dataset_from_array` (tf-keras 2): windows of `sequenceLength`
    /// rows of `data[startIndex..<endIndex]`, `samplingRate` rows apart, starting every
    /// `sequenceStride` rows; with `targets`, element `(window, targets[start])`. Batched by
    /// `batchSize` (nil: unbatched); `shuffle` shuffles the window starts (seeded by `seed`)
    /// and then the windows in a buffer of `batchSize * 8` (1024 unbatched), as Keras does.
    public static func timeseries(data: Tensor, targets: Tensor?, sequenceLength: Int, sequenceStride: Int = 1,
                                  samplingRate: Int = 1, batchSize: Int? = 128, shuffle: Bool = false,
                                  seed: UInt64? = nil, startIndex: Int? = nil, endIndex: Int? = nil) throws -> Dataset {
        let op = "timeseries_dataset_from_array"
        if data.rank == 0 { throw SwiftKerasError.invalid("\(op): data must have at least one dimension") }
        let n = data.shape[0]
        if let s = startIndex, s < 0 || s >= n { throw SwiftKerasError.invalid("\(op): `start_index` must be 0 or greater and less than the number of samples, got \(s)") }
        if let e = endIndex, e <= (startIndex ?? 0) || e > n {
            throw SwiftKerasError.invalid("\(op): `end_index` must be higher than `start_index` and not above the number of samples, got \(e)")
        }
        if sequenceLength <= 0 || sequenceStride <= 0 || samplingRate <= 0 {
            throw SwiftKerasError.invalid("\(op): sequence_length (\(sequenceLength)), sequence_stride (\(sequenceStride)) and sampling_rate (\(samplingRate)) must be positive")
        }
        if let t = targets, t.rank == 0 || t.shape[0] != n {
            throw SwiftKerasError.invalid("\(op): `data` and `targets` must have the same length, got \(n) and \(t.rank == 0 ? 0 : t.shape[0])")
        }
        let lo = startIndex ?? 0, hi = endIndex ?? n
        // the span of one window, (sequence_length - 1) * sampling_rate, may overflow: such a
        // window does not fit in the rows, which gives no windows (as Keras' count <= 0)
        let (span, spanOverflows) = (sequenceLength - 1).multipliedReportingOverflow(by: samplingRate)
        var count = spanOverflows || span >= hi - lo ? 0 : hi - lo - span
        if let t = targets { count = Swift.min(count, t.shape[0]) }
        // the window starts 0, stride, 2·stride... (count may be the length of a huge empty
        // tensor: materialized only to be shuffled, through the checked allocation path)
        let numWindows = count > 0 ? (count - 1) / sequenceStride + 1 : 0
        let shuffleSeed = seed ?? Random.freshSeed()
        var order: [Int]? = nil
        if shuffle && numWindows > 0 {
            try CheckedAllocation.check(numWindows, of: Int64.self, op: op)
            order = try permutation(numWindows, seed: shuffleSeed).scalars(as: Int64.self).map { Int($0) }
        }
        // windows exist only when they fit in the rows (sequence_length <= rows then)
        let windowOffsets = numWindows == 0 ? [] : (0..<sequenceLength).map { Int64($0 * samplingRate) }
        let structure: ElementStructure = targets == nil ? .tensor : .tuple([.tensor, .tensor])
        var specs = [TensorSpec(shape: [sequenceLength] + data.shape.dropFirst().map { $0 }, dtype: data.dtype)]
        if let t = targets { specs.append(TensorSpec(shape: t.shape.dropFirst().map { $0 }, dtype: t.dtype)) }
        let windows = Dataset(structure: structure, cardinality: numWindows, specs: specs) {
            var k = 0
            return DatasetIterator {
                guard k < numWindows else { return nil }
                let s = (order?[k] ?? k) * sequenceStride + lo
                k += 1
                let rows = try Tensor(windowOffsets.map { $0 + Int64(s) }, shape: [sequenceLength])
                let window = ElementPart.tensor(try withoutRecording { try data.gathered(indices: rows) })
                return DatasetElement(structure: structure, parts: targets.map { [window, .row($0, s)] } ?? [window])
            }
        }
        guard let batchSize else {
            return shuffle ? try windows.shuffle(bufferSize: 1024, seed: shuffleSeed) : windows
        }
        let mixed = shuffle ? try windows.shuffle(bufferSize: Swift.max(1, batchSize.multipliedReportingOverflow(by: 8).overflow ? Int.max : batchSize * 8), seed: shuffleSeed) : windows
        return try mixed.batch(batchSize)
    }
}
