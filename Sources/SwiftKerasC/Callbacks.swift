import Glibc
import SwiftKeras

// Callback objects through the C API (include/swiftkeras/callbacks.h): built-ins by class name
// and JSON config, custom callbacks over C hooks, LearningRateScheduler over a C schedule, and
// the epochs and params of a history. An sk_keras_callback is a retained `Callback`.

public typealias SKCallbackHook = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, Int32,
                                                  UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Double>?, Int32) -> Int32
public typealias SKLRScheduleFn = @convention(c) (UnsafeMutableRawPointer?, Int32, Double, UnsafeMutablePointer<Double>?) -> Int32

/// The C layout of `sk_callback_hooks`: 14 function pointers in declaration order.
enum CallbackHook: Int, CaseIterable {
    case trainBegin, trainEnd, epochBegin, epochEnd, trainBatchBegin, trainBatchEnd, testBegin, testEnd,
         testBatchBegin, testBatchEnd, predictBegin, predictEnd, predictBatchBegin, predictBatchEnd

    var name: String {
        ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
         "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"][rawValue]
    }
}

/// What an sk_callback_context points at during one hook call.
final class HookContext {
    weak var callback: Callback?
    /// The logs later callbacks see (on_epoch_end only).
    var logs: Logs?
}

/// A callback whose hooks are C function pointers (sk_callback_create_custom).
final class CHooksCallback: Callback {
    let hooks: [SKCallbackHook?]
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(hooks: [SKCallbackHook?], userData: UnsafeMutableRawPointer?, destroy: SKDestroy?) {
        self.hooks = hooks
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    /// Runs one hook; `logs` may be changed through the context when `editable`.
    private func run(_ hook: CallbackHook, _ index: Int, _ logs: inout Logs, editable: Bool) throws {
        guard let fn = hooks[hook.rawValue] else { return }
        let ctx = HookContext()
        ctx.callback = self
        if editable { ctx.logs = logs }
        LastError.set(0, "")
        let rc = withExtendedLifetime(ctx) {
            withCLogs(logs) { fn(userData, OpaquePointer(Unmanaged.passUnretained(ctx).toOpaque()), Int32(clamping: index), $0, $1, $2) }
        }
        if rc != 0 { throw callbackFailure(rc, "callback \(hook.name) hook") }
        if editable, let l = ctx.logs { logs = l }
    }

    private func run(_ hook: CallbackHook, _ index: Int, _ logs: Logs) throws {
        var l = logs
        try run(hook, index, &l, editable: false)
    }

    override func onTrainBegin(logs: Logs) throws { try run(.trainBegin, -1, logs) }
    override func onTrainEnd(logs: Logs) throws { try run(.trainEnd, -1, logs) }
    override func onEpochBegin(_ epoch: Int, logs: Logs) throws { try run(.epochBegin, epoch, logs) }
    override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws {
        try run(.epochEnd, epoch, &logs, editable: true)
    }
    override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws { try run(.trainBatchBegin, batch, logs) }
    override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws { try run(.trainBatchEnd, batch, logs) }
    override func onTestBegin(logs: Logs) throws { try run(.testBegin, -1, logs) }
    override func onTestEnd(logs: Logs) throws { try run(.testEnd, -1, logs) }
    override func onTestBatchBegin(_ batch: Int, logs: Logs) throws { try run(.testBatchBegin, batch, logs) }
    override func onTestBatchEnd(_ batch: Int, logs: Logs) throws { try run(.testBatchEnd, batch, logs) }
    override func onPredictBegin(logs: Logs) throws { try run(.predictBegin, -1, logs) }
    override func onPredictEnd(logs: Logs) throws { try run(.predictEnd, -1, logs) }
    override func onPredictBatchBegin(_ batch: Int, logs: Logs) throws { try run(.predictBatchBegin, batch, logs) }
    override func onPredictBatchEnd(_ batch: Int, logs: Logs) throws { try run(.predictBatchEnd, batch, logs) }
}

/// The user data of a C schedule, destroyed with the scheduler.
final class CSchedule {
    let fn: SKLRScheduleFn
    let userData: UnsafeMutableRawPointer?
    let destroy: SKDestroy?

    init(_ fn: SKLRScheduleFn, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?) {
        self.fn = fn
        self.userData = userData
        self.destroy = destroy
    }

    deinit { destroy?(userData) }

    func callAsFunction(_ epoch: Int, _ lr: Double) throws -> Double {
        var out = Double.nan
        LastError.set(0, "")
        let rc = fn(userData, Int32(clamping: epoch), lr, &out)
        if rc != 0 { throw callbackFailure(rc, "LearningRateScheduler schedule") }
        return out
    }
}

@_cdecl("sk_callback_create")
public func sk_callback_create(_ className: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produceObject(out, "sk_callback_create") {
        let name = try cString(className, "sk_callback_create", "class_name")
        let text = config.map { String(cString: $0) } ?? ""
        let cfg = text.isEmpty ? nil : try ConfigValue.parse(json: text)
        return retainedHandle(try CallbackRegistry.make(className: name, config: cfg))
    }
}

@_cdecl("sk_keras_callback_release")
public func sk_keras_callback_release(_ cb: OpaquePointer?) {
    releaseHandle(cb, Callback.self)
}

@_cdecl("sk_keras_callback_state")
public func sk_keras_callback_state(_ cb: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let fn: StaticString = "sk_keras_callback_state"
        let c = try object(cb, fn, "callback", Callback.self)
        let n = try cString(name, fn, "name")
        guard let out else { throw SwiftKerasError(.invalidArgument, "sk_keras_callback_state: out is NULL") }
        guard let v = c.state(n) else {
            throw SwiftKerasError(.invalidArgument, "sk_keras_callback_state: \(type(of: c)) has no state '\(n)'")
        }
        out.pointee = v
    }
}

@_cdecl("sk_callback_create_custom")
public func sk_callback_create_custom(_ hooks: UnsafeRawPointer?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_callback_create_custom") {
        guard let hooks else { throw SwiftKerasError(.invalidArgument, "sk_callback_create_custom: hooks is NULL") }
        let fns = CallbackHook.allCases.map {
            hooks.loadUnaligned(fromByteOffset: $0.rawValue * MemoryLayout<SKCallbackHook?>.stride, as: SKCallbackHook?.self)
        }
        handedOver = true
        return retainedHandle(CHooksCallback(hooks: fns, userData: userData, destroy: destroy))
    }
    if !handedOver { destroy?(userData) }
    return rc
}

/// The hook context behind a borrowed sk_callback_context.
private func hookContext(_ ctx: OpaquePointer?, _ fn: StaticString) throws -> HookContext {
    guard let ctx else { throw SwiftKerasError(.invalidArgument, "\(fn): ctx is NULL") }
    return Unmanaged<HookContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
}

@_cdecl("sk_callback_context_set_log")
public func sk_callback_context_set_log(_ ctx: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Double) -> Int32 {
    status {
        let c = try hookContext(ctx, "sk_callback_context_set_log")
        let n = try cString(name, "sk_callback_context_set_log", "name")
        guard c.logs != nil else {
            throw SwiftKerasError(.invalidArgument, "sk_callback_context_set_log: logs can only be changed in on_epoch_end (other hooks' logs are not passed on)")
        }
        c.logs?[n] = value
    }
}

@_cdecl("sk_callback_context_set_stop_training")
public func sk_callback_context_set_stop_training(_ ctx: OpaquePointer?, _ stop: UInt8) -> Int32 {
    status {
        let c = try hookContext(ctx, "sk_callback_context_set_stop_training")
        c.callback?.model?.stopTraining = stop != 0
    }
}

@_cdecl("sk_callback_context_param")
public func sk_callback_context_param(_ ctx: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        let fn: StaticString = "sk_callback_context_param"
        let c = try hookContext(ctx, fn)
        try writeParam(c.callback?.params ?? [:], name, out, fn)
    }
}

/// Writes params[name] to *out, or fails naming the known params.
private func writeParam(_ params: [String: Int], _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?,
                        _ fn: StaticString) throws {
    let n = try cString(name, fn, "name")
    guard let out else { throw SwiftKerasError(.invalidArgument, "\(fn): out is NULL") }
    guard let v = params[n] else {
        throw SwiftKerasError(.invalidArgument, "\(fn): no param '\(n)' (params: \(params.keys.sorted().joined(separator: ", ")))")
    }
    out.pointee = Int64(v)
}

@_cdecl("sk_callback_create_lr_scheduler")
public func sk_callback_create_lr_scheduler(_ schedule: SKLRScheduleFn?, _ userData: UnsafeMutableRawPointer?, _ destroy: SKDestroy?,
                                            _ verbose: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    var handedOver = false
    let rc = produceObject(out, "sk_callback_create_lr_scheduler") {
        guard let schedule else { throw SwiftKerasError(.invalidArgument, "sk_callback_create_lr_scheduler: schedule is NULL") }
        let s = CSchedule(schedule, userData, destroy)
        handedOver = true
        return retainedHandle(LearningRateScheduler(verbose: Int(verbose)) { try s($0, $1) })
    }
    if !handedOver { destroy?(userData) }
    return rc
}

@_cdecl("sk_history_epoch")
public func sk_history_epoch(_ h: OpaquePointer?, _ i: Int32) -> Int32 {
    guard let b = try? object(h, "sk_history_epoch", "history", HistoryBox.self), i >= 0, Int(i) < b.epochNumbers.count else {
        return -1
    }
    return Int32(clamping: b.epochNumbers[Int(i)])
}

@_cdecl("sk_history_param")
public func sk_history_param(_ h: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        let b = try object(h, "sk_history_param", "history", HistoryBox.self)
        try writeParam(b.params, name, out, "sk_history_param")
    }
}

/// The callback objects of sk_fit_args (version 2): borrowed handles, in order.
func fitCallbackObjects(_ list: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString) throws -> [Callback] {
    if n == 0 && list == nil { return [] }
    try checkCount(n, fn, "callbacks")
    guard let list else { throw SwiftKerasError(.invalidArgument, "\(fn): callbacks is NULL but n_callbacks is \(n)") }
    var out: [Callback] = []
    for i in 0..<Int(n) {
        guard let h = list[i] else { throw SwiftKerasError(.invalidArgument, "\(fn): callbacks[\(i)] is NULL") }
        let cb = Unmanaged<Callback>.fromOpaque(UnsafeRawPointer(h)).takeUnretainedValue()
        if out.contains(where: { $0 === cb }) {
            throw SwiftKerasError(.invalidArgument, "\(fn): callbacks[\(i)] is the same callback as an earlier entry")
        }
        out.append(cb)
    }
    return out
}
