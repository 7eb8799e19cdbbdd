import SwiftKerasCHeader
import SwiftKeras

// Callback objects through the C API (include/swiftkeras/callbacks.h): built-ins by class name
// and JSON config, custom callbacks over C hooks, LearningRateScheduler over a C schedule, and
// the epochs and params of a history. An sk_keras_callback is a retained `Callback`.

/// The 14 hooks of `sk_callback_hooks` (sharing one user_data), in declaration order.
struct CallbackHookFns {
    let hooks: [sk_callback_hook?]

    static let names = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
                        "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
                        "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]

    init(_ h: sk_callback_hooks) {
        hooks = [h.on_train_begin, h.on_train_end, h.on_epoch_begin, h.on_epoch_end, h.on_train_batch_begin,
                 h.on_train_batch_end, h.on_test_begin, h.on_test_end, h.on_test_batch_begin, h.on_test_batch_end,
                 h.on_predict_begin, h.on_predict_end, h.on_predict_batch_begin, h.on_predict_batch_end]
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
    let fns: CCallback<CallbackHookFns>

    init(_ fns: CCallback<CallbackHookFns>) { self.fns = fns }

    /// Runs hook `i`; `logs` may be changed through the context when `editable`.
    private func run(_ i: Int, _ index: Int, _ logs: inout Logs, editable: Bool) throws {
        guard let fn = fns.fn.hooks[i] else { return }
        let ctx = HookContext()
        ctx.callback = self
        if editable { ctx.logs = logs }
        try withExtendedLifetime(ctx) {
            try fns.check("callback \(CallbackHookFns.names[i]) hook") { _, ud in
                withCLogs(logs) { fn(ud, borrowed(ctx), Int32(clamping: index), $0, $1, $2) }
            }
        }
        if editable, let l = ctx.logs { logs = l }
    }

    private func run(_ i: Int, _ index: Int, _ logs: Logs) throws {
        var l = logs
        try run(i, index, &l, editable: false)
    }

    override func onTrainBegin(logs: Logs) throws { try run(0, -1, logs) }
    override func onTrainEnd(logs: Logs) throws { try run(1, -1, logs) }
    override func onEpochBegin(_ epoch: Int, logs: Logs) throws { try run(2, epoch, logs) }
    override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws { try run(3, epoch, &logs, editable: true) }
    override func onTrainBatchBegin(_ batch: Int, logs: Logs) throws { try run(4, batch, logs) }
    override func onTrainBatchEnd(_ batch: Int, logs: Logs) throws { try run(5, batch, logs) }
    override func onTestBegin(logs: Logs) throws { try run(6, -1, logs) }
    override func onTestEnd(logs: Logs) throws { try run(7, -1, logs) }
    override func onTestBatchBegin(_ batch: Int, logs: Logs) throws { try run(8, batch, logs) }
    override func onTestBatchEnd(_ batch: Int, logs: Logs) throws { try run(9, batch, logs) }
    override func onPredictBegin(logs: Logs) throws { try run(10, -1, logs) }
    override func onPredictEnd(logs: Logs) throws { try run(11, -1, logs) }
    override func onPredictBatchBegin(_ batch: Int, logs: Logs) throws { try run(12, batch, logs) }
    override func onPredictBatchEnd(_ batch: Int, logs: Logs) throws { try run(13, batch, logs) }
}

@c @implementation
public func sk_callback_create(_ className: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_callback_create") {
        let name = try cString(className, "sk_callback_create", "class_name")
        let text = config.map { String(cString: $0) } ?? ""
        return try CallbackRegistry.make(className: name, config: text.isEmpty ? nil : try ConfigValue.parse(json: text))
    }
}

@c @implementation
public func sk_keras_callback_release(_ cb: OpaquePointer?) {
    release(cb, as: Callback.self)
}

@c @implementation
public func sk_keras_callback_state(_ cb: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    status {
        let fn: StaticString = "sk_keras_callback_state"
        let c = try unwrap(cb, fn, "callback", as: Callback.self)
        let n = try cString(name, fn, "name")
        let o = try outParameter(out, fn)
        guard let v = c.state(n) else {
            throw SwiftKerasError(.invalidArgument, "sk_keras_callback_state: \(type(of: c)) has no state '\(n)'")
        }
        o.pointee = v
    }
}

@c @implementation
public func sk_callback_create_custom(_ hooks: UnsafePointer<sk_callback_hooks>?, _ userData: UnsafeMutableRawPointer?,
                                      _ destroy: CDestroy?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, when the callback goes away or now
    return produce(out, "sk_callback_create_custom") {
        guard let hooks else { throw SwiftKerasError(.invalidArgument, "sk_callback_create_custom: hooks is NULL") }
        return CHooksCallback(CCallback(CallbackHookFns(hooks.pointee), owner)) as Callback
    }
}

/// The hook context behind a borrowed sk_callback_context.
private func hookContext(_ ctx: OpaquePointer?, _ fn: StaticString) throws -> HookContext {
    guard let ctx else { throw SwiftKerasError(.invalidArgument, "\(fn): ctx is NULL") }
    return Unmanaged<HookContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
}

@c @implementation
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

@c @implementation
public func sk_callback_context_set_stop_training(_ ctx: OpaquePointer?, _ stop: UInt8) -> Int32 {
    status {
        try hookContext(ctx, "sk_callback_context_set_stop_training").callback?.model?.stopTraining = stop != 0
    }
}

@c @implementation
public func sk_callback_context_param(_ ctx: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        let fn: StaticString = "sk_callback_context_param"
        try writeParam(try hookContext(ctx, fn).callback?.params ?? [:], name, out, fn)
    }
}

/// Writes params[name] to *out, or fails naming the known params.
private func writeParam(_ params: [String: Int], _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?,
                        _ fn: StaticString) throws {
    let n = try cString(name, fn, "name")
    let o = try outParameter(out, fn)
    guard let v = params[n] else {
        throw SwiftKerasError(.invalidArgument, "\(fn): no param '\(n)' (params: \(params.keys.sorted().joined(separator: ", ")))")
    }
    o.pointee = Int64(v)
}

@c @implementation
public func sk_callback_create_lr_scheduler(_ schedule: sk_lr_schedule_fn?, _ userData: UnsafeMutableRawPointer?,
                                            _ destroy: CDestroy?, _ verbose: Int32,
                                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)  // destroy runs exactly once, when the scheduler goes away or now
    return produce(out, "sk_callback_create_lr_scheduler") {
        guard let schedule else { throw SwiftKerasError(.invalidArgument, "sk_callback_create_lr_scheduler: schedule is NULL") }
        let s = CCallback(schedule, owner)
        return LearningRateScheduler(verbose: Int(verbose)) { epoch, lr in
            var v = Double.nan
            try s.check("LearningRateScheduler schedule") { fn, ud in fn(ud, Int32(clamping: epoch), lr, &v) }
            return v
        } as Callback
    }
}

@c @implementation
public func sk_history_epoch(_ h: OpaquePointer?, _ i: Int32) -> Int32 {
    guard let b = try? unwrap(h, "sk_history_epoch", "history", as: HistoryBox.self), i >= 0,
          Int(i) < b.epochNumbers.count else { return -1 }
    return Int32(clamping: b.epochNumbers[Int(i)])
}

@c @implementation
public func sk_history_param(_ h: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        try writeParam(try unwrap(h, "sk_history_param", "history", as: HistoryBox.self).params, name, out, "sk_history_param")
    }
}

/// The callback objects of sk_fit_args (version 2): borrowed handles, in order, each once.
func fitCallbackObjects(_ list: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ fn: StaticString) throws -> [Callback] {
    let cbs = try handleList(list, n, fn, "callbacks", as: Callback.self)
    for (i, cb) in cbs.enumerated() where cbs[..<i].contains(where: { $0 === cb }) {
        throw SwiftKerasError(.invalidArgument, "\(fn): callbacks[\(i)] is the same callback as an earlier entry")
    }
    return cbs
}
