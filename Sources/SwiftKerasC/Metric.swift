import SwiftKerasCHeader
import SwiftKeras

// Keras metric objects through the C ABI: metrics wrapping a C function, custom stateful metrics
// whose update_state / result / reset_state are C callbacks sharing one user_data (Keras: a user
// subclass of keras.metrics.Metric), update_state. An sk_metric handle is a retained `Metric`;
// creation by name + JSON config, result, reset_state, the name and the release are generated
// (GeneratedHandles.swift).

@c @implementation
public func sk_metric_create_custom(_ fn: sk_loss_fn?, _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                    _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, also on failure
    return produce(out, "sk_metric_create_custom") {
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_custom: fn is NULL") }
        let n = try cString(name, "sk_metric_create_custom", "name")
        if n.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_metric_create_custom: name is empty") }
        let f = CCallback(fn, owner)
        return Metrics.FunctionMetric(name: n) {
            try f.values($0, $1, "metric '\(n)'", missing: "metric '\(n)': the callback returned SK_OK without writing a value")
        } as Metric
    }
}

/// The three callbacks of a custom stateful metric, sharing one user_data.
struct MetricFns {
    let update: sk_metric_update_fn
    let result: sk_metric_result_fn
    let reset: sk_metric_reset_fn
}

@c @implementation
public func sk_metric_create_callbacks(_ name: UnsafePointer<CChar>?, _ update: sk_metric_update_fn?,
                                       _ result: sk_metric_result_fn?, _ reset: sk_metric_reset_fn?,
                                       _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, when the metric goes away or now
    return produce(out, "sk_metric_create_callbacks") {
        let fn: StaticString = "sk_metric_create_callbacks"
        let n = try cString(name, fn, "name")
        if n.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: name is empty") }
        guard let update else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: update_fn is NULL") }
        guard let result else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: result_fn is NULL") }
        guard let reset else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: reset_fn is NULL") }
        let cb = CCallback(MetricFns(update: update, result: result, reset: reset), owner)
        return try Metrics.CallbackMetric(name: n, update: { yTrue, yPred, sampleWeight in
            try cb.check("metric '\(n)' update_state") { fns, ud in
                withExtendedLifetime((yTrue, yPred, sampleWeight)) {
                    fns.update(ud, borrowed(yTrue), borrowed(yPred), sampleWeight.map { borrowed($0) })
                }
            }
        }, result: {
            try cb.tensor("metric '\(n)' result",
                          missing: "metric '\(n)' result: the callback returned SK_OK without writing a value") { fns, ud, out in
                fns.result(ud, out)
            }
        }, reset: {
            try cb.check("metric '\(n)' reset_state") { fns, ud in fns.reset(ud) }
        }) as Metric
    }
}

@c @implementation
public func sk_metric_update_state(_ metric: OpaquePointer?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                                   _ sampleWeight: OpaquePointer?) -> Int32 {
    status {
        let fn: StaticString = "sk_metric_update_state"
        let m = try unwrap(metric, fn, "metric", as: Metric.self)
        try m.updateState(try tensor(yTrue, fn, "y_true"), try tensor(yPred, fn, "y_pred"),
                          sampleWeight: optionalTensor(sampleWeight))
    }
}

@c @implementation
public func sk_metric_function(_ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                               _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_metric_function"
    return produce(out, fn) {
        let n = try cString(name, fn, "name")
        let t = try tensor(yTrue, fn, "y_true"), p = try tensor(yPred, fn, "y_pred")
        return try Metrics.function(named: n, configJSON: configJSON(config))(t, p)
    }
}
