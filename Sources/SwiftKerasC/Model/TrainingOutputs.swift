import SwiftKerasCHeader
import SwiftKeras

// Training models with several outputs through the C ABI (training_outputs.h): per-output
// compile from a JSON spec, train_on_batch / test_on_batch with one target per output (in order
// or by output name), every output of predict on a dataset, the output names.

@c @implementation
public func sk_model_compile_outputs(_ model: OpaquePointer?, _ optimizer: OpaquePointer?, _ specJSON: UnsafePointer<CChar>?,
                                     _ losses: UnsafePointer<OpaquePointer?>?, _ nLosses: Int32,
                                     _ metrics: UnsafePointer<OpaquePointer?>?, _ nMetrics: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_compile_outputs"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        let opt = try unwrap(optimizer, fn, "optimizer", as: Optimizer.self)
        let spec = try cString(specJSON, fn, "spec_json")
        let ls = try handleList(losses, nLosses, fn, "losses", as: LossBox.self).map(\.loss)
        let ms = try handleList(metrics, nMetrics, fn, "metrics", as: Metric.self)
        try m.compile(optimizer: opt, outputSpecJSON: spec, losses: ls, metrics: ms)
    }
}

@c @implementation
public func sk_model_on_batch_outputs(_ model: OpaquePointer?, _ train: UInt8, _ x: UnsafePointer<OpaquePointer?>?, _ nX: Int32,
                                      _ y: UnsafePointer<OpaquePointer?>?, _ yNames: UnsafePointer<UnsafePointer<CChar>?>?,
                                      _ nY: Int32, _ sampleWeights: UnsafePointer<OpaquePointer?>?,
                                      _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                      _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_on_batch_outputs"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, fn)
        var ys = try tensorList(y, nY, fn, "y")
        if ys.isEmpty { throw SwiftKerasError(.invalidArgument, "\(fn): no targets (n_y is 0)") }
        var sw: [Tensor?] = sampleWeights.map { p in ys.indices.map { optionalTensor(p[$0]) } } ?? []
        if let yNames {
            var named: [String: Tensor] = [:], namedWeights: [String: Tensor] = [:]
            for (i, t) in ys.enumerated() {
                let k = try cString(yNames[i], fn, "y_names[i]")
                named[k] = t
                if i < sw.count, let w = sw[i] { namedWeights[k] = w }
            }
            if named.count != ys.count { throw SwiftKerasError(.invalidArgument, "\(fn): y_names repeats a name") }
            let count = Swift.max(b.model.symbolicOutputs.count, ys.count)
            ys = try b.model.targets(byName: named, outputCount: count, op: "\(fn)")
            if !sw.isEmpty { sw = try b.model.sampleWeights(byName: namedWeights, outputCount: count, op: "\(fn)") }
        }
        let weights = sw
        let logs = try OutputRedirect.with(b) {
            train != 0 ? try b.model.trainOnBatch(x: xs, y: ys, sampleWeights: weights)
                       : try b.model.testOnBatch(x: xs, y: ys, sampleWeights: weights)
        }
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@c @implementation
public func sk_model_predict_dataset_outputs(_ model: OpaquePointer?, _ ds: OpaquePointer?, _ steps: Int64,
                                             _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_predict_dataset_outputs"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let d = try unwrap(ds, fn, "dataset", as: Dataset.self)
        if out != nil || capacity != 0 { try clearOutputs(out, capacity, fn, "capacity", "out") }
        let outs = try OutputRedirect.with(b) { try b.model.predictOutputs(dataset: d, steps: try stepsArg(steps, fn, "steps")) }
        try writeHandles(outs, out, capacity, count, fn, what: "outputs") { handle($0) }
    }
}

@c @implementation
public func sk_model_output_names(_ model: OpaquePointer?, _ nOutputs: Int32, _ buf: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_output_names"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        try checkCount(nOutputs, fn, "n_outputs")
        try copyString(m.outputNames(count: Int(nOutputs)).joined(separator: "\n"), buf, capacity, length, fn)
    }
}

@c @implementation
public func sk_model_create_keyed(_ inputs: UnsafePointer<OpaquePointer?>?, _ inputKeys: UnsafePointer<UnsafePointer<CChar>?>?,
                                  _ nIn: Int32, _ outputs: UnsafePointer<OpaquePointer?>?,
                                  _ outputKeys: UnsafePointer<UnsafePointer<CChar>?>?, _ nOut: Int32,
                                  _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_model_create_keyed"
    return produce(out, fn) {
        let ins = try handleList(inputs, nIn, fn, "inputs", as: KerasTensor.self)
        let outs = try handleList(outputs, nOut, fn, "outputs", as: KerasTensor.self)
        let ik = try inputKeys.map { k in try ins.indices.map { try cString(k[$0], fn, "input_keys[i]") } }
        let ok = try outputKeys.map { k in try outs.indices.map { try cString(k[$0], fn, "output_keys[i]") } }
        return ModelBox(try Model(inputs: ins, inputKeys: ik, outputs: outs, outputKeys: ok, name: optionalString(name)))
    }
}

@c @implementation
public func sk_model_io_keys(_ model: OpaquePointer?, _ outputs: UInt8, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                             _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_io_keys"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        try copyString(((outputs != 0 ? m.outputKeys : m.inputKeys) ?? []).joined(separator: "\n"), buf, capacity, length, fn)
    }
}

@c @implementation
public func sk_validation_split(_ arrays: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fraction: Double,
                                _ train: UnsafeMutablePointer<OpaquePointer?>?, _ validation: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    status {
        let fn: StaticString = "sk_validation_split"
        // both cleared before either error: a failure leaves every out-entry NULL
        let cleared = (Result { try clearOutputs(train, n, fn, "n", "train") },
                       Result { try clearOutputs(validation, n, fn, "n", "validation") })
        try cleared.0.get()
        try cleared.1.get()
        let (tr, va) = try Model.validationSplit(try tensorList(arrays, n, fn, "arrays"), fraction: fraction)
        for i in tr.indices {
            train?[i] = handle(tr[i])
            validation?[i] = handle(va[i])
        }
    }
}
