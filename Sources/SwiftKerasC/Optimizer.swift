import SwiftKeras

// Optimizers, learning-rate schedules and LossScaleOptimizer configurable through the C ABI:
// Keras constructor arguments as JSON, get_config, the step count, schedules evaluated at a
// step, schedule callbacks (custom schedules from C / Python) and dynamic loss scaling.

public typealias SKScheduleFn = @convention(c) (UnsafeMutableRawPointer?, Int64, UnsafeMutablePointer<Double>?) -> Int32

/// Owns a schedule callback's user_data: destroy runs once, when the schedule goes away.
private final class ScheduleCallback {
    let fn: SKScheduleFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKScheduleFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func callAsFunction(_ step: Int) throws -> Double {
        var value = Double.nan
        LastError.set(0, "")
        let rc = fn(userData, Int64(step), &value)
        if rc != 0 { throw callbackFailure(rc, "learning rate schedule callback") }
        if !value.isFinite {
            throw SwiftKerasError(.invalidArgument, "learning rate schedule callback: returned \(value) at step \(step); a finite learning rate is required")
        }
        return value
    }
}

private func optionalJSON(_ p: UnsafePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? "{}"
}

@_cdecl("sk_optimizer_create_config")
public func sk_optimizer_create_config(_ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_optimizer_create_config") {
        let n = try cString(name, "sk_optimizer_create_config", "name")
        return retainedHandle(try optimizerFromConfig(name: n, configJSON: optionalJSON(config)))
    }
}

@_cdecl("sk_optimizer_get_config")
public func sk_optimizer_get_config(_ opt: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                    _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let o = try object(opt, "sk_optimizer_get_config", "optimizer", Optimizer.self)
        try copyString(try optimizerConfig(o).json, buf, capacity, length, "sk_optimizer_get_config")
    }
}

@_cdecl("sk_optimizer_iterations")
public func sk_optimizer_iterations(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        let o = try object(opt, "sk_optimizer_iterations", "optimizer", Optimizer.self)
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_iterations: out is NULL") }
        out.pointee = Int64(o.iterations)
    }
}

@_cdecl("sk_optimizer_set_schedule_callback")
public func sk_optimizer_set_schedule_callback(_ opt: OpaquePointer?, _ fn: SKScheduleFn?,
                                               _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) -> Int32 {
    var handedOver = false
    let rc = status {
        let o = try object(opt, "sk_optimizer_set_schedule_callback", "optimizer", Optimizer.self)
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_set_schedule_callback: fn is NULL") }
        let cb = ScheduleCallback(fn, userData, destroy)
        handedOver = true
        try o.setLearningRate(.schedule(LambdaSchedule(name: "CallbackSchedule") { step in try cb(step) }))
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_schedule_value")
public func sk_schedule_value(_ className: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?, _ step: Int64,
                              _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let cls = try cString(className, "sk_schedule_value", "class_name")
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_schedule_value: out is NULL") }
        out.pointee = try learningRateScheduleValue(className: cls, configJSON: optionalJSON(config), step: Int(step))
    }
}

@_cdecl("sk_loss_scale_optimizer_create")
public func sk_loss_scale_optimizer_create(_ inner: OpaquePointer?, _ dynamic: Int32, _ initialScale: Double,
                                           _ dynamicGrowthSteps: Int64,
                                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_loss_scale_optimizer_create") {
        let o = try object(inner, "sk_loss_scale_optimizer_create", "inner", Optimizer.self)
        if dynamic == 0 {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_create: LossScaleOptimizer no longer supports dynamic=False (as Keras 3); set loss_scale_factor on the inner optimizer instead")
        }
        if !(dynamicGrowthSteps >= 1 && dynamicGrowthSteps <= Int64(Int32.max)) {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_create: dynamic_growth_steps must be in [1, \(Int32.max)], got \(dynamicGrowthSteps)")
        }
        return retainedHandle(try LossScaleOptimizer(o, initialScale: initialScale,
                                                     dynamicGrowthSteps: Int(dynamicGrowthSteps)))
    }
}

@_cdecl("sk_loss_scale_optimizer_loss_scale")
public func sk_loss_scale_optimizer_loss_scale(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let o = try object(opt, "sk_loss_scale_optimizer_loss_scale", "optimizer", Optimizer.self)
        guard let lso = o as? LossScaleOptimizer else {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_loss_scale: optimizer '\(o.name)' is not a LossScaleOptimizer")
        }
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_loss_scale: out is NULL") }
        out.pointee = lso.dynamicScale
    }
}
