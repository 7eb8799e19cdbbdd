import Glibc
import SwiftKeras

// The extensible fit call (sk_fit_args + sk_model_fit_ex) with validation data, sample and
// class weights, initial_epoch and epoch/batch callbacks; train_on_batch, test_on_batch,
// weighted evaluate and the compiled optimizer of a model.

public typealias SKEpochFn = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
public typealias SKBatchFn = @convention(c) (UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
                                             UnsafePointer<Double>?, Int32) -> Int32

// MARK: - sk_fit_args layout

/// The C layout of `sk_fit_args` on LP64 targets: every field is naturally aligned to its
/// size, so offsets follow from the sizes in declaration order. Version 1 ends at userData;
/// version 2 appends callbacks and nCallbacks.
enum FitArgsV1 {
    enum Field: Int, CaseIterable {
        case structSize, batchSize, epochs, initialEpoch, verbose, shuffle, seed, validationSplit,
             validationX, nValidationX, validationY, validationSampleWeight, sampleWeight,
             classWeight, classIds, nClassWeight, onEpochEnd, onEpochBegin, onTrainBatchBegin,
             onTrainBatchEnd, userData, callbacks, nCallbacks
    }

    static let sizes: [Field: Int] = [
        .structSize: 8, .batchSize: 8, .epochs: 4, .initialEpoch: 4, .verbose: 4, .shuffle: 1,
        .seed: 8, .validationSplit: 8, .validationX: 8, .nValidationX: 4, .validationY: 8,
        .validationSampleWeight: 8, .sampleWeight: 8, .classWeight: 8, .classIds: 8, .nClassWeight: 4,
        .onEpochEnd: 8, .onEpochBegin: 8, .onTrainBatchBegin: 8, .onTrainBatchEnd: 8, .userData: 8,
        .callbacks: 8, .nCallbacks: 4,
    ]

    /// Field offsets and the padded size of version 2 (168 bytes).
    static let layout: (offsets: [Field: Int], size: Int) = layout(through: .nCallbacks)

    /// The padded size of version 1 (152 bytes).
    static let sizeV1 = layout(through: .userData).size

    /// The sizes of sk_fit_args this library reads.
    static func isKnownSize(_ n: Int) -> Bool { n == size || n == sizeV1 }

    /// Offsets and padded size of the struct ending at `last`.
    static func layout(through last: Field) -> (offsets: [Field: Int], size: Int) {
        var offsets: [Field: Int] = [:]
        var at = 0, align = 1
        for f in Field.allCases where f.rawValue <= last.rawValue {
            let s = sizes[f] ?? 8
            at = (at + s - 1) / s * s
            offsets[f] = at
            at += s
            align = Swift.max(align, s)
        }
        return (offsets, (at + align - 1) / align * align)
    }

    static var size: Int { layout.size }

    static func offset(_ f: Field) -> Int { layout.offsets[f] ?? 0 }
}

/// Typed reads of a caller's sk_fit_args.
struct FitArgsReader {
    let base: UnsafeRawPointer

    func get<T>(_ f: FitArgsV1.Field, _: T.Type) -> T {
        base.loadUnaligned(fromByteOffset: FitArgsV1.offset(f), as: T.self)
    }
}

@_cdecl("sk_fit_args_init")
public func sk_fit_args_init(_ args: UnsafeMutableRawPointer?, _ structSize: Int) -> Int32 {
    status {
        guard let args else { throw SwiftKerasError(.invalidArgument, "sk_fit_args_init: args is NULL") }
        if !FitArgsV1.isKnownSize(structSize) {
            throw SwiftKerasError(.invalidArgument, "sk_fit_args_init: struct_size \(structSize) is not a size of sk_fit_args known to this library (\(FitArgsV1.size) bytes, or \(FitArgsV1.sizeV1) for version 1); pass sizeof(sk_fit_args)")
        }
        args.initializeMemory(as: UInt8.self, repeating: 0, count: structSize)
        func put<T>(_ f: FitArgsV1.Field, _ v: T) { args.storeBytes(of: v, toByteOffset: FitArgsV1.offset(f), as: T.self) }
        put(.structSize, structSize)
        put(.batchSize, Int64(32))
        put(.epochs, Int32(1))
        put(.initialEpoch, Int32(0))
        put(.verbose, Int32(1))
        put(.shuffle, UInt8(1))
        put(.seed, Int64(-1))
        put(.validationSplit, 0.0)
    }
}

// MARK: - Callbacks into C

/// Sorted names (malloc'd copies) and values of `logs` for the duration of `body`.
func withCLogs<R>(_ logs: Logs, _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Double>?, Int32) -> R) -> R {
    let keys = logs.keys.sorted()
    let cs: [UnsafeMutablePointer<CChar>?] = keys.map { strdup($0) }
    defer { for p in cs { free(p) } }
    let names: [UnsafePointer<CChar>?] = cs.map { $0.map { UnsafePointer($0) } }
    let vals = keys.map { logs[$0] ?? .nan }
    return names.withUnsafeBufferPointer { nb in
        vals.withUnsafeBufferPointer { vb in body(nb.baseAddress, vb.baseAddress, Int32(keys.count)) }
    }
}

/// The epoch-begin and batch callbacks of sk_fit_args: 0 continues, negative sets
/// `stopTraining` (fit stops after the current batch), positive fails fit with the callback's
/// code and message.
final class FitHooks: Callback {
    let epochBegin: SKEpochFn?
    let batchBegin: SKBatchFn?
    let batchEnd: SKBatchFn?
    let userData: UnsafeMutableRawPointer?
    private var epoch: Int32 = 0

    init(_ epochBegin: SKEpochFn?, _ batchBegin: SKBatchFn?, _ batchEnd: SKBatchFn?, _ userData: UnsafeMutableRawPointer?) {
        self.epochBegin = epochBegin
        self.batchBegin = batchBegin
        self.batchEnd = batchEnd
        self.userData = userData
    }

    private func handle(_ rc: Int32, _ what: String) throws {
        if rc > 0 { throw callbackFailure(rc, what) }
        if rc < 0 { model?.stopTraining = true }
    }

    override func onEpochBegin(_ epoch: Int, logs: Logs) throws {
        self.epoch = Int32(clamping: epoch)
        guard let epochBegin else { return }
        LastError.set(0, "")
        try handle(epochBegin(userData, self.epoch), "fit on_epoch_begin callback")
    }

    override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws {
        guard let batchBegin else { return }
        LastError.set(0, "")
        let rc = withCLogs(logs) { batchBegin(userData, epoch, Int32(clamping: batch), $0, $1, $2) }
        try handle(rc, "fit on_train_batch_begin callback")
    }

    override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws {
        guard let batchEnd else { return }
        LastError.set(0, "")
        let rc = withCLogs(logs) { batchEnd(userData, epoch, Int32(clamping: batch), $0, $1, $2) }
        try handle(rc, "fit on_train_batch_end callback")
    }
}

// MARK: - fit

/// The class weights of sk_fit_args: weights[i] for class ids[i], or for class i when ids is NULL.
func classWeightMap(_ weights: UnsafePointer<Double>?, _ ids: UnsafePointer<Int64>?, _ n: Int32,
                    _ fn: StaticString) throws -> [Int: Double]? {
    if n == 0 && weights == nil && ids == nil { return nil }
    try checkCount(n, fn, "class_weight")
    guard let weights else { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight is NULL but n_class_weight is \(n)") }
    if n == 0 { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight is given but n_class_weight is 0") }
    var map: [Int: Double] = [:]
    for i in 0..<Int(n) {
        let id = ids.map { Int($0[i]) } ?? i
        let w = weights[i]
        if !w.isFinite { throw SwiftKerasError(.invalidArgument, "\(fn): class_weight[\(i)] = \(w) is not finite") }
        if map[id] != nil { throw SwiftKerasError(.invalidArgument, "\(fn): class id \(id) appears twice in class_ids") }
        map[id] = w
    }
    return map
}

@_cdecl("sk_model_fit_ex")
public func sk_model_fit_ex(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32, _ y: OpaquePointer?,
                            _ args: UnsafeRawPointer?, _ history: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    history?.pointee = nil
    return status {
        let fn: StaticString = "sk_model_fit_ex"
        let b = try object(model, fn, "model", ModelBox.self)
        let xs = try tensorList(x, nX, fn, "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: no inputs (n_x is 0)") }
        let yt = try tensor(y, fn, "y")
        guard let args else {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: args is NULL (initialize an sk_fit_args with sk_fit_args_init)")
        }
        let size = args.loadUnaligned(as: Int.self)
        if !FitArgsV1.isKnownSize(size) {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: args->struct_size is \(size), not a size of sk_fit_args known to this library (\(FitArgsV1.size) bytes, or \(FitArgsV1.sizeV1) for version 1); initialize args with sk_fit_args_init(&args, sizeof args)")
        }
        let a = FitArgsReader(base: args)
        let batchSize = a.get(.batchSize, Int64.self)
        if batchSize <= 0 || batchSize > Int64(Int32.max) {
            throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: batch_size must be in [1, 2^31), got \(batchSize)")
        }
        let nVal = a.get(.nValidationX, Int32.self)
        let valX = try tensorList(a.get(.validationX, UnsafePointer<OpaquePointer?>?.self), nVal, fn, "validation_x")
        let valY = a.get(.validationY, OpaquePointer?.self).map { Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
        var validation: (x: [Tensor], y: Tensor)? = nil
        switch (valX.isEmpty, valY) {
        case (true, nil): break
        case (false, let vy?): validation = (valX, vy)
        case (true, _?): throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: validation_y is given but validation_x is empty")
        case (false, nil): throw SwiftKerasError(.invalidArgument, "sk_model_fit_ex: validation_x is given but validation_y is NULL")
        }
        let classWeight = try classWeightMap(a.get(.classWeight, UnsafePointer<Double>?.self),
                                             a.get(.classIds, UnsafePointer<Int64>?.self), a.get(.nClassWeight, Int32.self), fn)
        let seed = a.get(.seed, Int64.self)
        let userData = a.get(.userData, UnsafeMutableRawPointer?.self)
        var cbs = size >= FitArgsV1.size
            ? try fitCallbackObjects(a.get(.callbacks, UnsafePointer<OpaquePointer?>?.self), a.get(.nCallbacks, Int32.self), fn)
            : []
        let epochBegin = a.get(.onEpochBegin, SKEpochFn?.self)
        let batchBegin = a.get(.onTrainBatchBegin, SKBatchFn?.self)
        let batchEnd = a.get(.onTrainBatchEnd, SKBatchFn?.self)
        if epochBegin != nil || batchBegin != nil || batchEnd != nil {
            cbs.append(FitHooks(epochBegin, batchBegin, batchEnd, userData))
        }
        if let progress = a.get(.onEpochEnd, SKProgressFn?.self) { cbs.append(ProgressCallback(progress, userData)) }
        let h = try OutputRedirect.with(b) {
            try b.model.fit(x: xs, y: yt, batchSize: Int(batchSize), epochs: Int(a.get(.epochs, Int32.self)),
                            verbose: Int(a.get(.verbose, Int32.self)), callbacks: cbs,
                            validationSplit: a.get(.validationSplit, Double.self), validationData: validation,
                            shuffle: a.get(.shuffle, UInt8.self) != 0, initialEpoch: Int(a.get(.initialEpoch, Int32.self)),
                            sampleWeight: optionalTensor(a.get(.sampleWeight, OpaquePointer?.self)),
                            seed: seed >= 0 ? UInt64(seed) : nil, classWeight: classWeight,
                            validationSampleWeight: optionalTensor(a.get(.validationSampleWeight, OpaquePointer?.self)))
        }
        history?.pointee = retainedHandle(HistoryBox(h))
    }
}

// MARK: - Results as names and values

/// Writes `logs` as sk_model_evaluate does: "loss" and the compiled metrics first, then the rest
/// sorted; names owned by the model box until its next such call.
func writeResults(_ b: ModelBox, _ logs: Logs, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                  _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?,
                  _ fn: StaticString) throws {
    var keys = b.model.metricsNames.filter { logs[$0] != nil }
    keys += logs.keys.sorted().filter { !keys.contains($0) }
    count?.pointee = Int32(keys.count)
    if (names != nil || values != nil) && Int(capacity) < keys.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): capacity \(capacity) is smaller than the \(keys.count) results (\(keys.joined(separator: ", ")))")
    }
    if names == nil && values == nil { return }
    let cs = b.setNames(keys)
    for (i, k) in keys.enumerated() {
        values?[i] = logs[k] ?? .nan
        names?[i] = cs[i].map { UnsafePointer($0) }
    }
}

@_cdecl("sk_model_evaluate_weighted")
public func sk_model_evaluate_weighted(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                       _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?, _ batchSize: Int64,
                                       _ verbose: Int32, _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                       _ values: UnsafeMutablePointer<Double>?, _ capacity: Int32,
                                       _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_evaluate_weighted"
        let b = try object(model, fn, "model", ModelBox.self)
        let xs = try tensorList(x, nX, fn, "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_model_evaluate_weighted: no inputs (n_x is 0)") }
        let yt = try tensor(y, fn, "y")
        if batchSize <= 0 || batchSize > Int64(Int32.max) {
            throw SwiftKerasError(.invalidArgument, "sk_model_evaluate_weighted: batch_size must be in [1, 2^31), got \(batchSize)")
        }
        let logs = try OutputRedirect.with(b) {
            try b.model.evaluate(x: xs, y: yt, batchSize: Int(batchSize), verbose: Int(verbose),
                                 sampleWeight: optionalTensor(sampleWeight))
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

private func onBatch(_ fn: StaticString, _ train: Bool, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?,
                     _ nX: Int32, _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                     _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                     _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let b = try object(model, fn, "model", ModelBox.self)
        let xs = try tensorList(x, nX, fn, "x")
        if xs.isEmpty { throw SwiftKerasError(.invalidArgument, "\(fn): no inputs (n_x is 0)") }
        let yt = try tensor(y, fn, "y")
        let sw = optionalTensor(sampleWeight)
        let logs = try OutputRedirect.with(b) {
            train ? try b.model.trainOnBatch(x: xs, y: yt, sampleWeight: sw)
                  : try b.model.testOnBatch(x: xs, y: yt, sampleWeight: sw)
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@_cdecl("sk_model_train_on_batch")
public func sk_model_train_on_batch(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                    _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                                    _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                    _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    onBatch("sk_model_train_on_batch", true, model, x, nX, y, sampleWeight, names, values, capacity, count)
}

@_cdecl("sk_model_test_on_batch")
public func sk_model_test_on_batch(_ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                   _ y: OpaquePointer?, _ sampleWeight: OpaquePointer?,
                                   _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                   _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    onBatch("sk_model_test_on_batch", false, model, x, nX, y, sampleWeight, names, values, capacity, count)
}
