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
                                      _ nY: Int32, _ sampleWeight: OpaquePointer?,
                                      _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                      _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_on_batch_outputs"
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let xs = try modelInputs(x, nX, fn)
        var ys = try tensorList(y, nY, fn, "y")
        if ys.isEmpty { throw SwiftKerasError(.invalidArgument, "\(fn): no targets (n_y is 0)") }
        if let yNames {
            var named: [String: Tensor] = [:]
            for (i, t) in ys.enumerated() { named[try cString(yNames[i], fn, "y_names[i]")] = t }
            if named.count != ys.count { throw SwiftKerasError(.invalidArgument, "\(fn): y_names repeats a name") }
            ys = try b.model.targets(byName: named, outputCount: Swift.max(b.model.symbolicOutputs.count, ys.count), op: "\(fn)")
        }
        let sw = optionalTensor(sampleWeight)
        let logs = try OutputRedirect.with(b) {
            train != 0 ? try b.model.trainOnBatch(x: xs, y: ys, sampleWeight: sw)
                       : try b.model.testOnBatch(x: xs, y: ys, sampleWeight: sw)
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
