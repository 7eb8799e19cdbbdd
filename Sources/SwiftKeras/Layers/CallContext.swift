// tf.keras 2's call context for the `training` argument (base_layer `_set_training_mode`): a call
// given `training` explicitly uses it; a call without it inherits the enclosing call's value, and
// an outermost call without it leaves `training` unspecified, so each layer takes the default of
// its own `call` — false for most layers, true for the random augmentation layers (their
// `call(inputs, training=True)`). fit runs with true, predict and evaluate with false.

/// The training flag of the calls in progress on this thread.
public enum CallContext {
    private final class State {
        /// nil: no call in progress; .some(nil): unspecified; .some(b): training = b.
        var training: Bool?? = nil
    }
    private static let slot = ThreadLocal { State() }

    /// Runs `body` as a layer call given `training` (nil: not given, tf.keras 2's None): `body`
    /// receives the flag the call runs with (the inherited one, or false when unspecified).
    public static func withTraining<T>(_ training: Bool?, _ body: (Bool) throws -> T) rethrows -> T {
        let s = slot.value, saved = s.training
        let resolved: Bool? = training ?? (saved ?? nil)
        s.training = .some(resolved)
        defer { s.training = saved }
        return try body(resolved ?? false)
    }

    /// Runs an outermost core call (no call in progress) with `training`; nested calls keep theirs.
    static func enter<T>(_ training: Bool, _ body: () throws -> T) rethrows -> T {
        let s = slot.value
        if s.training != nil { return try body() }
        s.training = .some(training)
        defer { s.training = nil }
        return try body()
    }

    /// Whether the calls in progress were given no `training` (a layer then takes its own default).
    public static var trainingUnspecified: Bool {
        if case .some(.none) = slot.value.training { return true }
        return false
    }
}
