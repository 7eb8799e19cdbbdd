import SwiftKerasCHeader
import SwiftKeras

// The C shims of include/swiftkeras/training_steps.h: custom steps as C callbacks over the
// core's `Model.customSteps` (Models/CustomSteps.swift), the default steps, compiled_loss /
// compiled_metrics, add_metric and add_loss with a function.

/// The object behind an `sk_step_logs` handle: the logs a custom step writes during its call.
final class StepLogs {
    var logs: Logs = [:]
}

@c @implementation
public func sk_step_logs_set(_ logs: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Double) -> Int32 {
    status {
        guard let logs else { throw SwiftKerasError(.invalidArgument, "sk_step_logs_set: logs is NULL") }
        let l = Unmanaged<StepLogs>.fromOpaque(UnsafeRawPointer(logs)).takeUnretainedValue()
        l.logs[try cString(name, "sk_step_logs_set", "name")] = value
    }
}

/// A custom train or test step calling `fn` (nil: the built-in step).
private func logsStep(_ fn: sk_step_fn?, _ owner: CUserData, _ what: String) -> ((DatasetElement) throws -> Logs)? {
    guard let fn else { return nil }
    let cb = CCallback(fn, owner)
    return { data in
        let input = ElementBox(data), logs = StepLogs()
        try withExtendedLifetime((input, logs)) {
            try cb.check(what) { f, ud in f(ud, borrowed(input), borrowed(logs)) }
        }
        return logs.logs
    }
}

/// Sets the model's train or test step (`path`) to `fn`, with its user_data owned.
private func setLogsStep(_ fn: StaticString, _ what: String, _ model: OpaquePointer?, _ step: sk_step_fn?,
                         _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                         _ path: ReferenceWritableKeyPath<CustomSteps, ((DatasetElement) throws -> Logs)?>) -> Int32 {
    let owner = CUserData(userData, destroy)
    return status { try unwrap(model, fn, "model", as: ModelBox.self).model.customSteps[keyPath: path] = logsStep(step, owner, what) }
}

@c @implementation
public func sk_model_set_train_step(_ model: OpaquePointer?, _ fn: sk_step_fn?, _ userData: UnsafeMutableRawPointer?,
                                    _ destroy: CDestroy?) -> Int32 {
    setLogsStep("sk_model_set_train_step", "train_step", model, fn, userData, destroy, \.train)
}

@c @implementation
public func sk_model_set_test_step(_ model: OpaquePointer?, _ fn: sk_step_fn?, _ userData: UnsafeMutableRawPointer?,
                                   _ destroy: CDestroy?) -> Int32 {
    setLogsStep("sk_model_set_test_step", "test_step", model, fn, userData, destroy, \.test)
}

@c @implementation
public func sk_model_set_predict_step(_ model: OpaquePointer?, _ fn: sk_predict_step_fn?, _ userData: UnsafeMutableRawPointer?,
                                      _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return status {
        let m = try unwrap(model, "sk_model_set_predict_step", "model", as: ModelBox.self).model
        guard let fn else { m.customSteps.predict = nil; return }
        let cb = CCallback(fn, owner)
        m.customSteps.predict = { data in
            let input = ElementBox(data)
            var r: OpaquePointer? = nil
            let rc = withExtendedLifetime(input) { cb { f, ud in f(ud, borrowed(input), &r) } }
            let box = r.map { takeRetained($0, as: ElementBox.self) }
            if rc != 0 { throw callbackFailure(rc, "predict_step") }
            guard let box else { throw SwiftKerasError(.invalidArgument, "predict_step: the function returned SK_OK without an element") }
            return try box.element.tensors
        }
    }
}

@c @implementation
public func sk_model_set_step_metrics(_ model: OpaquePointer?, _ metrics: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_set_step_metrics"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        m.customSteps.metrics = try handleList(metrics, n, fn, "metrics", as: Metric.self)
    }
}

/// A default train or test step on `data`, its logs written as sk_model_evaluate writes them.
private func defaultStep(_ fn: StaticString, _ train: Bool, _ model: OpaquePointer?, _ data: OpaquePointer?,
                         _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                         _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let b = try unwrap(model, fn, "model", as: ModelBox.self)
        let e = try unwrap(data, fn, "data", as: ElementBox.self).element
        let logs = try train ? b.model.defaultTrainStep(e) : b.model.defaultTestStep(e)
        try writeResults(b, logs, names, values, capacity, count, fn)
    }
}

@c @implementation
public func sk_model_train_step_default(_ model: OpaquePointer?, _ data: OpaquePointer?,
                                        _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                        _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    defaultStep("sk_model_train_step_default", true, model, data, names, values, capacity, count)
}

@c @implementation
public func sk_model_test_step_default(_ model: OpaquePointer?, _ data: OpaquePointer?,
                                       _ names: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ values: UnsafeMutablePointer<Double>?,
                                       _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    defaultStep("sk_model_test_step_default", false, model, data, names, values, capacity, count)
}

@c @implementation
public func sk_model_predict_step_default(_ model: OpaquePointer?, _ data: OpaquePointer?,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_model_predict_step_default"
    return produce(out, fn) {
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        let outs = try m.defaultPredictStep(try unwrap(data, fn, "data", as: ElementBox.self).element)
        return ElementBox(try DatasetElement(structure: .flat(outs.count), tensors: outs))
    }
}

/// The (model, targets, predictions, sample weight) of compiled_loss / compiled_metrics.
private func compiledArguments(_ fn: StaticString, _ model: OpaquePointer?, _ y: UnsafePointer<OpaquePointer?>?, _ nY: Int32,
                               _ yPred: UnsafePointer<OpaquePointer?>?, _ nPred: Int32, _ sampleWeight: OpaquePointer?) throws
    -> (Model, [Tensor], [Tensor], Tensor?) {
    let m = try unwrap(model, fn, "model", as: ModelBox.self).model
    let ys = try tensorList(y, nY, fn, "y"), ps = try tensorList(yPred, nPred, fn, "y_pred")
    if ys.count != ps.count {
        throw SwiftKerasError(.invalidArgument, "\(fn): \(ys.count) target(s) for \(ps.count) prediction(s) (model '\(m.name)')")
    }
    return (m, ys, ps, optionalTensor(sampleWeight))
}

@c @implementation
public func sk_model_compiled_loss(_ model: OpaquePointer?, _ y: UnsafePointer<OpaquePointer?>?, _ nY: Int32,
                                   _ yPred: UnsafePointer<OpaquePointer?>?, _ nPred: Int32, _ sampleWeight: OpaquePointer?,
                                   _ regularization: UnsafePointer<OpaquePointer?>?, _ nReg: Int32,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_model_compiled_loss"
    return produce(out, fn) {
        let (m, ys, ps, w) = try compiledArguments(fn, model, y, nY, yPred, nPred, sampleWeight)
        let reg = nReg == 0 ? [] : try tensorList(regularization, nReg, fn, "regularization")
        return try m.compiledLoss(ys: ys, preds: ps, sampleWeight: w, regularization: reg)
    }
}

@c @implementation
public func sk_model_compiled_metrics_update(_ model: OpaquePointer?, _ y: UnsafePointer<OpaquePointer?>?, _ nY: Int32,
                                             _ yPred: UnsafePointer<OpaquePointer?>?, _ nPred: Int32,
                                             _ sampleWeight: OpaquePointer?) -> Int32 {
    status {
        let (m, ys, ps, w) = try compiledArguments("sk_model_compiled_metrics_update", model, y, nY, yPred, nPred, sampleWeight)
        try m.updateCompiledMetrics(ys: ys, preds: ps, sampleWeight: w)
    }
}

@c @implementation
public func sk_layer_add_metric(_ layer: OpaquePointer?, _ value: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                _ aggregation: UnsafePointer<CChar>?) -> Int32 {
    status {
        let fn: StaticString = "sk_layer_add_metric"
        let l = try unwrap(layer, fn, "layer", as: Layer.self)
        try l.addMetric(try tensor(value, fn, "value"), name: try cString(name, fn, "name"),
                        aggregation: optionalString(aggregation) ?? "mean")
    }
}

@c @implementation
public func sk_layer_add_loss_fn(_ layer: OpaquePointer?, _ fn: sk_loss_thunk_fn?, _ userData: UnsafeMutableRawPointer?,
                                 _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return status {
        let l = try unwrap(layer, "sk_layer_add_loss_fn", "layer", as: Layer.self)
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_layer_add_loss_fn: fn is NULL") }
        let cb = CCallback(fn, owner), what = "add_loss function of layer '\(l.name)'"
        l.addLoss {
            try cb.tensor(what, missing: "\(what) returned SK_OK without a tensor") { f, ud, out in
                f(ud, out)
            }
        }
    }
}

@c @implementation
public func sk_model_add_symbolic_loss(_ model: OpaquePointer?, _ loss: OpaquePointer?) -> Int32 {
    status {
        let m = try unwrap(model, "sk_model_add_symbolic_loss", "model", as: ModelBox.self).model
        try m.addLoss(try unwrap(loss, "sk_model_add_symbolic_loss", "loss", as: KerasTensor.self))
    }
}

@c @implementation
public func sk_model_add_symbolic_metric(_ model: OpaquePointer?, _ value: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                         _ aggregation: UnsafePointer<CChar>?) -> Int32 {
    status {
        let fn: StaticString = "sk_model_add_symbolic_metric"
        let m = try unwrap(model, fn, "model", as: ModelBox.self).model
        try m.addMetric(try unwrap(value, fn, "value", as: KerasTensor.self), name: try cString(name, fn, "name"),
                        aggregation: optionalString(aggregation) ?? "mean")
    }
}

@c @implementation
public func sk_layer_metrics(_ layer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
                             _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let l = try unwrap(layer, "sk_layer_metrics", "layer", as: Layer.self)
        try writeHandles(l.addedMetrics, out, capacity, count, "sk_layer_metrics", what: "metrics") { retained($0) }
    }
}
