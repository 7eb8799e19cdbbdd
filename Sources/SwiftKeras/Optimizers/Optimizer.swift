// The optimizer base class, modelled on Keras 3 `keras/src/optimizers/base_optimizer.py`:
// per-variable state ("slots") created on a variable's first update, an iteration counter, a
// constant or scheduled learning rate, gradient clipping, decoupled weight decay and an
// optional fixed loss scale, then one `updateStep` per (gradient, variable) pair.

/// An optimizer's learning rate: a constant or a schedule evaluated at `Optimizer.iterations`
/// (Keras: a float, a `LearningRateSchedule` or a callable).
public enum LearningRate: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A fixed learning rate (changeable with `Optimizer.setLearningRate`).
    case constant(Double)
    /// A schedule called with the optimizer's step count.
    case schedule(LearningRateSchedule)

    /// A constant rate from a literal: `SGD(learningRate: 0.1)`.
    public init(floatLiteral value: Double) { self = .constant(value) }
    /// A constant rate from an integer literal.
    public init(integerLiteral value: Int) { self = .constant(Double(value)) }
}

/// The base class of optimizers (Keras `keras.optimizers.Optimizer`).
///
/// `applyGradients` takes (gradient, variable) pairs, as `apply_gradients(zip(grads, vars))`:
/// nil gradients are skipped (an error if all are nil), the rest are unscaled by
/// `lossScaleFactor`, clipped (`clipnorm` per gradient, `globalClipnorm` over all of them, or
/// `clipvalue` elementwise — at most one of the three), weight decay is applied
/// (`variable -= variable * weightDecay * lr`), then each subclass's `updateStep` runs with the
/// current learning rate and `iterations` increases by one.
///
/// State variables are created lazily the first time a variable is updated (or eagerly by
/// `build`), keyed by the variable's identity, with the variable's shape and dtype — as Keras,
/// which keeps optimizer variables in the model variable's dtype (under a `mixed_float16`
/// policy the model variables, hence the state, are float32; a float16 variable gets float16
/// state). Unlike Keras, an optimizer is not restricted to the variables it was first built
/// with: a new variable simply gets fresh state.
///
/// Updates are computed with tensor ops in the variable's dtype, outside any gradient tape, and
/// written with `Variable.assign`. Before anything is changed the whole batch of pairs is
/// validated, so a bad pair leaves every variable and the optimizer untouched. An optimizer is
/// used by one thread at a time; the variables it updates must not be assigned concurrently.
///
/// Subclasses override `build(variable:)` (create slots with `addSlot`) and
/// `updateStep(gradient:variable:learningRate:)` (read slots with `slot`).
open class Optimizer {
    /// The optimizer's name (Keras `name`).
    public let name: String
    /// Decoupled weight decay factor, or nil (Keras `weight_decay`).
    public let weightDecay: Double?
    /// Each gradient is rescaled so that its L2 norm is at most this (Keras `clipnorm`; ignored
    /// unless > 0, as Keras).
    public let clipnorm: Double?
    /// Each gradient element is clipped to `[-clipvalue, clipvalue]` (Keras `clipvalue`; ignored
    /// unless > 0).
    public let clipvalue: Double?
    /// All gradients are rescaled so that their joint L2 norm is at most this (Keras
    /// `global_clipnorm`; ignored unless > 0).
    public let globalClipnorm: Double?
    /// A fixed loss scale: `scaleLoss` multiplies by it and gradients are divided by it before
    /// the update (Keras `loss_scale_factor`).
    public var lossScaleFactor: Double?

    private var iterationCount = 0
    /// The learning-rate setting: a constant or a schedule (see `currentLearningRate`).
    private(set) public var learningRate: LearningRate
    private var slotsByVariable: [Int: [String: Variable]] = [:]
    private var builtOrder: [Int] = []
    private var slotOrder: [Variable] = []
    private var excludedIDs: Set<Int> = []
    private var excludedNames: [String] = []

    /// Creates an optimizer. Throws if more than one of `clipnorm`, `clipvalue` and
    /// `globalClipnorm` is set (as Keras).
    public init(learningRate: LearningRate, name: String, weightDecay: Double? = nil,
                clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
                lossScaleFactor: Double? = nil) throws {
        let clips = [clipnorm, clipvalue, globalClipnorm].filter { $0 != nil }.count
        if clips > 1 {
            throw SwiftKerasError.invalid("\(name): only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; received clipnorm=\(describe(clipnorm)), clipvalue=\(describe(clipvalue)), global_clipnorm=\(describe(globalClipnorm))")
        }
        self.name = name
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.globalClipnorm = globalClipnorm
        self.lossScaleFactor = lossScaleFactor
    }

    // MARK: Learning rate and step count

    /// The number of update steps applied so far (Keras `iterations`). Settable to restore a
    /// saved optimizer.
    open var iterations: Int {
        get { iterationCount }
        set { iterationCount = newValue }
    }

    /// The learning rate the next step will use: the constant, or the schedule at `iterations`
    /// (Keras `optimizer.learning_rate`).
    open func currentLearningRate() throws -> Double {
        switch learningRate {
        case .constant(let v): return v
        case .schedule(let s): return try s(iterations)
        }
    }

    /// Replaces the learning rate (Keras `optimizer.learning_rate = ...`). As in Keras, an
    /// optimizer created with a schedule cannot be given a constant rate (a new schedule is fine).
    open func setLearningRate(_ newValue: LearningRate) throws {
        if case .schedule = learningRate, case .constant = newValue {
            throw SwiftKerasError.dtype("\(name): this optimizer was created with a LearningRateSchedule as its learning rate, hence its learning rate is not settable; create the optimizer with a float learning rate instead")
        }
        learningRate = newValue
    }

    // MARK: State

    /// Creates the state of `variable` (its slots). Subclasses override it and call `addSlot`;
    /// it runs once per variable, before its first update or from `build`.
    open func build(variable: Variable) throws {}

    /// Creates the state of each variable that has none yet (Keras `build(var_list)`).
    public func build(_ variables: [Variable]) throws {
        try withoutRecording {
            for v in variables { try ensureBuilt(v) }
        }
    }

    func ensureBuilt(_ v: Variable) throws {
        if slotsByVariable[v.id] != nil { return }
        slotsByVariable[v.id] = [:]
        builtOrder.append(v.id)
        do {
            try build(variable: v)
            if let restored = pendingSlots.removeValue(forKey: builtOrder.count - 1) {
                try assignSlots(restored, position: builtOrder.count - 1)
            }
        } catch {
            let created = slotsByVariable[v.id].map { Array($0.values) } ?? []
            slotOrder.removeAll { s in created.contains { $0 === s } }
            slotsByVariable[v.id] = nil
            builtOrder.removeLast()
            throw error
        }
    }

    /// Whether `variable` has optimizer state yet.
    open func isBuilt(for variable: Variable) -> Bool { slotsByVariable[variable.id] != nil }

    /// Adds a state variable for `variable`, typed like it, shaped like it (or `shape`) and
    /// filled with `initialValue` (Keras `add_variable_from_reference`, or `add_variable` with a
    /// shape). Call it from `build(variable:)`.
    @discardableResult
    public func addSlot(_ slotName: String, for variable: Variable, initialValue: Double = 0,
                        shape: [Int]? = nil) throws -> Variable {
        if slotsByVariable[variable.id]?[slotName] != nil {
            throw SwiftKerasError(.runtime, "\(name): slot '\(slotName)' already exists for variable '\(variable.name)'")
        }
        let v = variable.value(recording: false)
        let value = try Tensor.full(shape ?? v.shape, value: initialValue, dtype: v.dtype)
        let base = String(variable.name.map { $0 == "/" || $0 == ":" ? "_" : $0 })
        let slot = Variable(value, name: "\(name)/\(base)_\(slotName)", trainable: false)
        slotsByVariable[variable.id, default: [:]][slotName] = slot
        slotOrder.append(slot)
        return slot
    }

    /// The state variable `slotName` of `variable`, or nil if it does not exist (yet).
    open func slot(_ slotName: String, for variable: Variable) -> Variable? {
        slotsByVariable[variable.id]?[slotName]
    }

    /// The state variable `slotName` of `variable`; throws if missing (a subclass bug).
    public func requiredSlot(_ slotName: String, for variable: Variable) throws -> Variable {
        guard let s = slotsByVariable[variable.id]?[slotName] else {
            throw SwiftKerasError(.runtime, "\(name): no slot '\(slotName)' for variable '\(variable.name)'; create it in build(variable:)")
        }
        return s
    }

    /// The optimizer's state variables in creation order (Keras `optimizer.variables`, without
    /// the iteration counter and learning rate, which are `iterations` and `learningRate`).
    open var stateVariables: [Variable] { slotOrder }

    // MARK: Checkpointed state (tf.train.Checkpoint(optimizer=...))

    /// Slot values restored before their variable had state, by build position (TF's deferred
    /// restoration): assigned when the variable at that position of the build order is built.
    private var pendingSlots: [Int: [String: Tensor]] = [:]

    /// The optimizer's state as named tensors (`tf.train.Checkpoint(optimizer=...)`):
    /// "iterations" (an int64 scalar) and "slots/<k>/<slot>" for the slots of the k-th variable
    /// given state (variables get state at their first update, in the order of the variable list
    /// given to `apply`), slot names sorted.
    open func stateTensors() throws -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = [("iterations", try Tensor.scalar(Double(iterations), dtype: .int64))]
        for (k, id) in builtOrder.enumerated() {
            for (slotName, v) in (slotsByVariable[id] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out.append(("slots/\(k)/\(slotName)", v.value(recording: false)))
            }
        }
        return out
    }

    /// Restores state written by `stateTensors`: `iterations` at once; the slots of a variable
    /// that has state at once, the others when the variable at that build position gets its
    /// state (its first update), so a fresh optimizer given the same variables in the same order
    /// continues exactly where the saved one stopped. Errors (nothing is changed): a name that is
    /// not "iterations" or "slots/<k>/<slot>", a non-integer or negative iteration count, a slot
    /// this optimizer does not have for a built variable, or a shape that differs from the slot's;
    /// a slot missing at the deferred build fails that update, naming it.
    open func restoreState(_ entries: [(name: String, tensor: Tensor)]) throws {
        var count: Int? = nil
        var slots: [Int: [String: Tensor]] = [:]
        for (name, t) in entries {
            if name == "iterations" {
                let v = t.count == 1 ? t.doubles[0] : -1
                guard v >= 0, v < 9.0e15, v == v.rounded() else {
                    throw SwiftKerasError.invalid("\(self.name): the restored iterations must be one non-negative integer, got shape \(formatShape(t.shape)) values \(t.count == 1 ? "\(v)" : "...")")
                }
                count = Int(v)
                continue
            }
            let parts = name.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "slots", let k = Int(parts[1]), k >= 0, !parts[2].isEmpty else {
                throw SwiftKerasError.invalid("\(self.name): '\(name)' is not an optimizer state name (\"iterations\" or \"slots/<k>/<slot>\")")
            }
            slots[k, default: [:]][String(parts[2])] = t
        }
        for (k, values) in slots where k < builtOrder.count { try checkSlots(values, position: k) }
        for (k, values) in slots {
            if k < builtOrder.count { try assignSlots(values, position: k) } else { pendingSlots[k] = values }
        }
        if let count { iterations = count }
    }

    /// Throws unless each of `values` names a slot of the variable at build position `k`, with its shape.
    private func checkSlots(_ values: [String: Tensor], position k: Int) throws {
        let have = slotsByVariable[builtOrder[k]] ?? [:]
        for (slotName, t) in values.sorted(by: { $0.key < $1.key }) {
            guard let slot = have[slotName] else {
                throw SwiftKerasError.invalid("\(name): the restored state has slot '\(slotName)' for variable \(k), which has slots \(have.keys.sorted())")
            }
            if slot.shape != t.shape {
                throw SwiftKerasError.invalid("\(name): the restored slot '\(slotName)' of variable \(k) has shape \(formatShape(t.shape)), the slot has \(formatShape(slot.shape))")
            }
        }
    }

    /// Assigns restored slot values (cast to each slot's dtype) to the variable at build position `k`.
    private func assignSlots(_ values: [String: Tensor], position k: Int) throws {
        try checkSlots(values, position: k)
        let have = slotsByVariable[builtOrder[k]] ?? [:]
        for (slotName, t) in values {
            guard let slot = have[slotName] else { continue }
            try slot.assign(t.dtype == slot.dtype ? t : t.cast(to: slot.dtype))
        }
    }

    // MARK: Weight decay

    /// Excludes variables from weight decay: those listed, and those whose name contains one of
    /// `names` (Keras `exclude_from_weight_decay(var_list, var_names)`; Keras matches the names
    /// as regular expressions, here they are plain substrings).
    public func excludeFromWeightDecay(variables: [Variable] = [], names: [String] = []) {
        excludedIDs = Set(variables.map(\.id))
        excludedNames = names.filter { !$0.isEmpty }
    }

    /// Whether weight decay applies to `variable`.
    public func usesWeightDecay(_ variable: Variable) -> Bool {
        if excludedIDs.contains(variable.id) { return false }
        for n in excludedNames where variable.name.containsText(n) { return false }
        return true
    }

    // MARK: Applying gradients

    /// Multiplies a loss by `lossScaleFactor` if set (Keras `scale_loss`). Runs under the
    /// caller's tape (the scaling is part of what is differentiated).
    open func scaleLoss(_ loss: Tensor) throws -> Tensor {
        guard let f = lossScaleFactor else { return loss }
        return try loss * f
    }

    /// Applies one update step (Keras `apply_gradients(zip(grads, vars))`) and returns the new
    /// `iterations`. Pairs with a nil gradient are skipped; if every gradient is nil this throws
    /// ("No gradients provided for any variable"); an empty list is a no-op.
    @discardableResult
    public func applyGradients(_ pairs: [(Tensor?, Variable)]) throws -> Int {
        try apply(pairs.map(\.0), to: pairs.map(\.1))
        return iterations
    }

    /// `applyGradients` for non-optional gradients.
    @discardableResult
    public func applyGradients(_ pairs: [(Tensor, Variable)]) throws -> Int {
        try apply(pairs.map { Optional($0.0) }, to: pairs.map(\.1))
        return iterations
    }

    /// Computes the gradients of `loss()` (scaled by `scaleLoss`) with respect to `variables`
    /// on a fresh tape and applies them (TensorFlow `optimizer.minimize(loss, var_list)`).
    /// Returns the unscaled loss.
    @discardableResult
    public func minimize(_ loss: () throws -> Tensor, variables: [Variable]) throws -> Tensor {
        let tape = GradientTape()
        let (value, scaled) = try tape.record { () throws -> (Tensor, Tensor) in
            let l = try loss()
            return (l, try scaleLoss(l))
        }
        let grads = try tape.gradient(scaled, variables.map { .variable($0) })
        try apply(grads, to: variables)
        return value
    }

    /// Applies one update step to `variables` with their `gradients` (Keras `apply(grads,
    /// trainable_variables)`): the form a `GradientTape.gradient` result fits directly.
    open func apply(_ gradients: [Tensor?], to variables: [Variable]) throws {
        guard let (grads, vars) = try validatedPairs(gradients, variables) else { return }
        try withoutRecording {
            try applyFiltered(grads, vars)
        }
    }

    /// Checks the pairs and drops those without a gradient; nil for an empty list.
    func validatedPairs(_ gradients: [Tensor?], _ variables: [Variable]) throws -> ([Tensor], [Variable])? {
        if gradients.count != variables.count {
            throw SwiftKerasError.invalid("apply_gradients: \(gradients.count) gradients for \(variables.count) variables")
        }
        if gradients.isEmpty { return nil }
        var grads: [Tensor] = []
        var vars: [Variable] = []
        grads.reserveCapacity(gradients.count)
        vars.reserveCapacity(gradients.count)
        for (g, v) in zip(gradients, variables) {
            guard let g else { continue }
            let vdt = v.dtype
            if !vdt.isFloatingPoint {
                throw SwiftKerasError.dtype("apply_gradients: variable '\(v.name)' has dtype \(vdt); optimizers update floating-point variables only")
            }
            if !g.dtype.isFloatingPoint {
                throw SwiftKerasError.dtype("apply_gradients: the gradient for variable '\(v.name)' has dtype \(g.dtype); a floating-point gradient is required")
            }
            if g.shape != v.shape {
                throw SwiftKerasError.invalid("apply_gradients: gradient of shape \(formatShape(g.shape)) does not match variable '\(v.name)' of shape \(formatShape(v.shape))")
            }
            grads.append(g)
            vars.append(v)
        }
        if grads.isEmpty {
            let names = variables.map { "'\($0.name)'" }.joined(separator: ", ")
            throw SwiftKerasError.invalid("apply_gradients: no gradients provided for any variable (variables \(names))")
        }
        return (grads, vars)
    }

    /// The update on validated, non-nil pairs (runs outside any tape), then the variables'
    /// constraints (`Variable.applyConstraint`).
    func applyFiltered(_ gradients: [Tensor], _ variables: [Variable]) throws {
        for v in variables { try ensureBuilt(v) }
        var grads = gradients
        if let f = lossScaleFactor {
            grads = try grads.map { try $0 / f }
        }
        grads = try clipGradients(grads)
        let lr = try currentLearningRate()
        if let wd = weightDecay {
            for v in variables where usesWeightDecay(v) {
                let x = v.value(recording: false)
                try v.assign(try x - (try x * wd) * lr)
            }
        }
        try updateSteps(grads, variables, learningRate: lr)
        iterationCount = iterationCount &+ 1
        // tf.keras 2: each updated variable's constraint, after the whole step.
        for v in variables { try v.applyConstraint() }
    }

    /// Runs `updateStep` for each pair (Keras `_backend_update_step`); a subclass with state
    /// shared by all variables (Nadam) updates it here first.
    open func updateSteps(_ gradients: [Tensor], _ variables: [Variable], learningRate: Double) throws {
        for (g, v) in zip(gradients, variables) {
            try updateStep(gradient: g, variable: v, learningRate: learningRate)
        }
    }

    /// Updates one variable from its gradient (Keras `update_step`). `gradient` has the
    /// variable's shape (not yet its dtype: cast it); `learningRate` is this step's rate;
    /// `iterations` is the count before this step.
    open func updateStep(gradient: Tensor, variable: Variable, learningRate: Double) throws {
        throw SwiftKerasError(.unimplemented, "\(name): optimizer subclasses must override updateStep(gradient:variable:learningRate:)")
    }

    // MARK: Clipping

    func clipGradients(_ grads: [Tensor]) throws -> [Tensor] {
        if let c = clipnorm, c > 0 {
            return try grads.map { try clippedByNorm($0, c) }
        }
        if let c = globalClipnorm, c > 0 {
            return try clippedByGlobalNorm(grads, c)
        }
        if let c = clipvalue, c > 0 {
            return try grads.map { try $0.clipped(min: .float(-c), max: .float(c)) }
        }
        return grads
    }

    /// `g * c / max(||g||, c)` (Keras `_clip_by_norm`), in the gradient's dtype.
    private func clippedByNorm(_ g: Tensor, _ c: Double) throws -> Tensor {
        let l2sum = try square(g).sum()
        let positive = try l2sum.isGreater(than: .float(0))
        let safe = try select(positive, l2sum, try Tensor.ones(like: l2sum))
        let norm = try select(positive, try sqrt(safe), l2sum)
        return try (g * c) / maximum(norm, .float(c))
    }

    /// Scales every gradient by `c / max(global_norm, c)`; a non-finite global norm makes every
    /// gradient NaN (Keras `clip_by_global_norm`).
    private func clippedByGlobalNorm(_ grads: [Tensor], _ c: Double) throws -> [Tensor] {
        var total = 0.0
        for g in grads { total += try square(g).sum().cast(to: .float64).scalarDouble() }
        let norm = total.squareRoot()
        let scale = c * Swift.min(1 / norm, 1 / c) + (norm - norm)
        return try grads.map { try $0 * scale }
    }
}

private func describe(_ v: Double?) -> String { v.map { "\($0)" } ?? "None" }

// MARK: Lookup by name

extension Optimizer {
    /// The names `named` accepts: Keras' built-in optimizer class names, lowercased.
    public static let knownNames = ["adadelta", "adagrad", "adam", "adamax", "adamw", "lion",
                                    "nadam", "rmsprop", "sgd"]

    /// A new optimizer with Keras' defaults, by name (Keras `keras.optimizers.get("adam")`).
    /// Matching ignores case, as Keras: "adam", "Adam", "RMSprop", "rmsprop", "sgd", "SGD".
    public static func named(_ name: String) throws -> Optimizer {
        guard knownNames.contains(name.lowercased()) else {
            throw SwiftKerasError.invalid("optimizers.get: could not interpret optimizer identifier '\(name)' (known: \(knownNames.joined(separator: ", ")))")
        }
        return try optimizerFromConfig(name: name, config: .object([:]))
    }
}
