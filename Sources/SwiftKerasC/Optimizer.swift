import SwiftKerasCHeader
import SwiftKeras

// Optimizers, learning-rate schedules and LossScaleOptimizer through the C ABI: creation by name
// with a learning rate, applying gradients, schedule callbacks (custom schedules from C /
// Python), schedules evaluated at a step, dynamic loss scaling. An sk_optimizer handle is a
// retained `Optimizer`; creation by name + JSON config, get_config, the learning rate, the step
// count and the release are generated (GeneratedHandles.swift).

@c @implementation
public func sk_optimizer_create(_ name: UnsafePointer<CChar>?, _ learningRate: Double,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_optimizer_create") {
        let opt = try Optimizer.named(try cString(name, "sk_optimizer_create", "name"))
        if learningRate != 0 {
            if !(learningRate > 0 && learningRate.isFinite) {
                throw SwiftKerasError(.invalidArgument, "sk_optimizer_create: learning_rate must be positive and finite (0 = the default), got \(learningRate)")
            }
            try opt.setLearningRate(.constant(learningRate))
        }
        return opt
    }
}

@c @implementation
public func sk_optimizer_set_learning_rate(_ opt: OpaquePointer?, _ learningRate: Double) -> Int32 {
    status {
        let o = try unwrap(opt, "sk_optimizer_set_learning_rate", "optimizer", as: Optimizer.self)
        if !(learningRate > 0 && learningRate.isFinite) {
            throw SwiftKerasError(.invalidArgument, "sk_optimizer_set_learning_rate: learning_rate must be positive and finite, got \(learningRate)")
        }
        try o.setLearningRate(.constant(learningRate))
    }
}

@c @implementation
public func sk_optimizer_apply_gradients(_ opt: OpaquePointer?, _ grads: UnsafePointer<OpaquePointer?>?,
                                         _ variables: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    status {
        let o = try unwrap(opt, "sk_optimizer_apply_gradients", "optimizer", as: Optimizer.self)
        let gs = try tensorList(grads, n, "sk_optimizer_apply_gradients", "grads")
        try checkCount(n, "sk_optimizer_apply_gradients", "variables")
        var vs: [Variable] = []
        if n > 0 {
            guard let variables else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_apply_gradients: variables is NULL but n is \(n)") }
            for i in 0..<Int(n) {
                vs.append(try unwrap(variables[i], "sk_optimizer_apply_gradients", "variables[i]", as: VariableBox.self).variable)
            }
        }
        try o.applyGradients(Array(zip(gs, vs)))
    }
}

@c @implementation
public func sk_optimizer_set_schedule_callback(_ opt: OpaquePointer?, _ fn: sk_schedule_fn?,
                                               _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?) -> Int32 {
    let owner = CUserData(userData, destroy)  // kept by the schedule, or destroyed now
    return status {
        let o = try unwrap(opt, "sk_optimizer_set_schedule_callback", "optimizer", as: Optimizer.self)
        guard let fn else { throw SwiftKerasError(.invalidArgument, "sk_optimizer_set_schedule_callback: fn is NULL") }
        let cb = CCallback(fn, owner)
        try o.setLearningRate(.schedule(LambdaSchedule(name: "CallbackSchedule") { step in
            var value = Double.nan
            try cb.check("learning rate schedule callback") { fn, ud in fn(ud, Int64(step), &value) }
            if !value.isFinite {
                throw SwiftKerasError(.invalidArgument, "learning rate schedule callback: returned \(value) at step \(step); a finite learning rate is required")
            }
            return value
        }))
    }
}

@c @implementation
public func sk_schedule_value(_ className: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?, _ step: Int64,
                              _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let cls = try cString(className, "sk_schedule_value", "class_name")
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_schedule_value: out is NULL") }
        out.pointee = try learningRateScheduleValue(className: cls, configJSON: configJSON(config), step: Int(step))
    }
}

@c @implementation
public func sk_loss_scale_optimizer_create(_ inner: OpaquePointer?, _ dynamic: Int32, _ initialScale: Double,
                                           _ dynamicGrowthSteps: Int64,
                                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_loss_scale_optimizer_create") {
        let o = try unwrap(inner, "sk_loss_scale_optimizer_create", "inner", as: Optimizer.self)
        if dynamic == 0 {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_create: LossScaleOptimizer no longer supports dynamic=False (as Keras 3); set loss_scale_factor on the inner optimizer instead")
        }
        if !(dynamicGrowthSteps >= 1 && dynamicGrowthSteps <= Int64(Int32.max)) {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_create: dynamic_growth_steps must be in [1, \(Int32.max)], got \(dynamicGrowthSteps)")
        }
        return try LossScaleOptimizer(o, initialScale: initialScale, dynamicGrowthSteps: Int(dynamicGrowthSteps))
    }
}

@c @implementation
public func sk_loss_scale_optimizer_loss_scale(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let o = try unwrap(opt, "sk_loss_scale_optimizer_loss_scale", "optimizer", as: Optimizer.self)
        guard let lso = o as? LossScaleOptimizer else {
            throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_loss_scale: optimizer '\(o.name)' is not a LossScaleOptimizer")
        }
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_loss_scale_optimizer_loss_scale: out is NULL") }
        out.pointee = lso.dynamicScale
    }
}
