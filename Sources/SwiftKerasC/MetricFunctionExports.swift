import SwiftKeras

// The function forms of Keras metrics and losses (keras.metrics.binary_accuracy, ...) through the
// C ABI: one entry point by name + JSON keyword arguments (Metrics.function(named:configJSON:)).

@_cdecl("sk_metric_function")
public func sk_metric_function(_ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                               _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_metric_function"
    return produce(out, fn) {
        let n = try cString(name, fn, "name")
        let t = try tensor(yTrue, fn, "y_true"), p = try tensor(yPred, fn, "y_pred")
        let f = try Metrics.function(named: n, configJSON: config.map { String(cString: $0) } ?? "")
        return try f(t, p)
    }
}
