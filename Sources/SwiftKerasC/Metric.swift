import Glibc
import SwiftKeras

// Keras metric objects through the C ABI: built-in metrics by name + JSON config, metrics
// wrapping a C function, update_state / result / reset_state, and compile with metric objects.
// An sk_metric handle is a retained `Metric`.

/// The C function of a custom metric and its user data; `destroy` runs once, when the metric
/// goes away.
final class CallbackMetricFunction {
    let fn: SKLossFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKLossFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, name: String) throws -> Tensor {
        try tensorFromCallback("metric '\(name)'",
                               missing: "metric '\(name)': the callback returned SK_OK without writing a value") { out in
            withExtendedLifetime((yTrue, yPred)) { fn(userData, unretainedHandle(yTrue), unretainedHandle(yPred), out) }
        }
    }
}

@_cdecl("sk_metric_create")
public func sk_metric_create(_ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_metric_create") {
        let n = try cString(name, "sk_metric_create", "name")
        return retainedHandle(try metricFromConfig(name: n, configJSON: config.map { String(cString: $0) } ?? "{}"))
    }
}

@_cdecl("sk_metric_create_custom")
public func sk_metric_create_custom(_ fn: SKLossFn?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                    _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_metric_create_custom") {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_custom: fn is NULL") }
        let n = try cString(name, "sk_metric_create_custom", "name")
        if n.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_metric_create_custom: name is empty") }
        handedOver = true
        let f = CallbackMetricFunction(fn, userData, destroy)
        return retainedHandle(Metrics.FunctionMetric(name: n) { try f($0, $1, name: n) } as Metric)
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_metric_update_state")
public func sk_metric_update_state(_ metric: OpaquePointer?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                                   _ sampleWeight: OpaquePointer?) -> Int32 {
    status {
        let fn: StaticString = "sk_metric_update_state"
        let m = try object(metric, fn, "metric", Metric.self)
        try m.updateState(try tensor(yTrue, fn, "y_true"), try tensor(yPred, fn, "y_pred"),
                          sampleWeight: optionalTensor(sampleWeight))
    }
}

@_cdecl("sk_metric_result")
public func sk_metric_result(_ metric: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_metric_result") {
        try object(metric, "sk_metric_result", "metric", Metric.self).result()
    }
}

@_cdecl("sk_metric_reset_state")
public func sk_metric_reset_state(_ metric: OpaquePointer?) -> Int32 {
    status { try object(metric, "sk_metric_reset_state", "metric", Metric.self).resetState() }
}

@_cdecl("sk_metric_name")
public func sk_metric_name(_ metric: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                           _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let m = try object(metric, "sk_metric_name", "metric", Metric.self)
        try copyString(m.name, buf, capacity, length, "sk_metric_name")
    }
}

@_cdecl("sk_metric_release")
public func sk_metric_release(_ metric: OpaquePointer?) {
    releaseHandle(metric, Metric.self)
}

@_cdecl("sk_model_compile_ex")
public func sk_model_compile_ex(_ model: OpaquePointer?, _ optimizer: OpaquePointer?, _ loss: OpaquePointer?,
                                _ metrics: UnsafePointer<OpaquePointer?>?, _ metricNames: UnsafePointer<UnsafePointer<CChar>?>?,
                                _ n: Int32) -> Int32 {
    status {
        let fn: StaticString = "sk_model_compile_ex"
        let m = try object(model, fn, "model", ModelBox.self).model
        let opt = try object(optimizer, fn, "optimizer", Optimizer.self)
        let l = try object(loss, fn, "loss", LossBox.self).loss
        try checkCount(n, fn, "metrics")
        var specs: [CompileMetric] = []
        if n > 0 && metrics == nil && metricNames == nil {
            throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: metrics and metric_names are both NULL but n_metrics is \(n)")
        }
        for i in 0..<Int(n) {
            let h = metrics?[i]
            let s = metricNames?[i]
            switch (h, s) {
            case (let h?, nil): specs.append(.metric(Unmanaged<Metric>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()))
            case (nil, let s?): specs.append(.name(String(cString: s)))
            case (nil, nil):
                throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: entry \(i) has neither a metric nor a metric name")
            default:
                throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: entry \(i) has both a metric and a metric name; give one")
            }
        }
        var seen = Set<ObjectIdentifier>()
        for case .metric(let mm) in specs where !seen.insert(ObjectIdentifier(mm)).inserted {
            throw SwiftKerasError(.invalidArgument, "sk_model_compile_ex: metric '\(mm.name)' is given twice")
        }
        try m.compile(optimizer: opt, loss: l, metrics: specs)
    }
}

@_cdecl("sk_model_optimizer")
public func sk_model_optimizer(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObjectOrNull(out, "sk_model_optimizer") {
        try object(model, "sk_model_optimizer", "model", ModelBox.self).model.optimizer.map { retainedHandle($0) }
    }
}

@_cdecl("sk_model_loss")
public func sk_model_loss(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObjectOrNull(out, "sk_model_loss") {
        try object(model, "sk_model_loss", "model", ModelBox.self).model.loss.map { retainedHandle(LossBox($0)) }
    }
}

@_cdecl("sk_model_compile_config")
public func sk_model_compile_config(_ model: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                    _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let m = try object(model, "sk_model_compile_config", "model", ModelBox.self).model
        try copyString(try m.getCompileConfig()?.json ?? "", buf, capacity, length, "sk_model_compile_config")
    }
}

/// `produceObject` for results that may legitimately be absent (NULL with SK_OK).
func produceObjectOrNull(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ fn: StaticString,
                         _ body: () throws -> OpaquePointer?) -> Int32 {
    guard let out else { return LastError.set(SwiftKerasError(.invalidArgument, "\(fn): out is NULL")) }
    out.pointee = nil
    do {
        out.pointee = try body()
        return 0
    } catch {
        return LastError.set(error)
    }
}
