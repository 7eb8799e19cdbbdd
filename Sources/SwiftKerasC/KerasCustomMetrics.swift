import SwiftKeras

// Custom stateful metrics through the C ABI: a metric whose update_state / result / reset_state
// are C callbacks sharing one user_data (Keras: a user subclass of keras.metrics.Metric).

public typealias SKMetricUpdateFn = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, OpaquePointer?,
                                                    OpaquePointer?) -> Int32
public typealias SKMetricResultFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
public typealias SKMetricResetFn = @convention(c) (UnsafeMutableRawPointer?) -> Int32

/// The three callbacks of a custom metric and their user data; `destroy` runs once, when the
/// metric goes away (the closures of the core metric hold this object).
final class CallbackMetricState {
    let name: String
    let update: SKMetricUpdateFn
    let read: SKMetricResultFn
    let reset: SKMetricResetFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(name: String, update: SKMetricUpdateFn, read: SKMetricResultFn, reset: SKMetricResetFn,
         userData: UnsafeMutableRawPointer?, destroy: SKDestroy?) {
        self.name = name
        self.update = update
        self.read = read
        self.reset = reset
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func updateState(_ yTrue: Tensor, _ yPred: Tensor, _ sampleWeight: Tensor?) throws {
        LastError.set(0, "")
        let rc = update(userData, unretainedHandle(yTrue), unretainedHandle(yPred), sampleWeight.map { unretainedHandle($0) })
        withExtendedLifetime((yTrue, yPred, sampleWeight)) {}
        if rc != 0 { throw callbackFailure(rc, "metric '\(name)' update_state") }
    }

    func result() throws -> Tensor {
        try tensorFromCallback("metric '\(name)' result",
                               missing: "metric '\(name)' result: the callback returned SK_OK without writing a value") { out in
            read(userData, out)
        }
    }

    func resetState() throws {
        LastError.set(0, "")
        let rc = reset(userData)
        if rc != 0 { throw callbackFailure(rc, "metric '\(name)' reset_state") }
    }
}

@_cdecl("sk_metric_create_callbacks")
public func sk_metric_create_callbacks(_ name: UnsafePointer<CChar>?, _ update: SKMetricUpdateFn?,
                                       _ result: SKMetricResultFn?, _ reset: SKMetricResetFn?,
                                       _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_metric_create_callbacks") {
        let fn: StaticString = "sk_metric_create_callbacks"
        let n = try cString(name, fn, "name")
        if n.isEmpty { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: name is empty") }
        guard let update else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: update_fn is NULL") }
        guard let result else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: result_fn is NULL") }
        guard let reset else { throw SwiftKerasError(.invalidArgument, "sk_metric_create_callbacks: reset_fn is NULL") }
        handedOver = true
        let s = CallbackMetricState(name: n, update: update, read: result, reset: reset, userData: userData, destroy: destroy)
        let m = try Metrics.CallbackMetric(name: n, update: { try s.updateState($0, $1, $2) },
                                           result: { try s.result() }, reset: { try s.resetState() })
        return retainedHandle(m as Metric)
    }
    if !handedOver { destroy?(userData) }
    return rc
}
