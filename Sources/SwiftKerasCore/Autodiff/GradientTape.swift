import Synchronization

/// What `GradientTape.gradient` returns for a source the target does not depend on.
public enum UnconnectedGradients: Sendable {
    /// `nil` (TensorFlow's default).
    case none
    /// Zeros shaped like the source.
    case zero
}

/// Something to differentiate with respect to: a watched tensor or a variable.
public enum GradientSource {
    case tensor(Tensor)
    case variable(Variable)

    var shape: [Int] {
        switch self {
        case .tensor(let t): return t.shape
        case .variable(let v): return v.shape
        }
    }

    var dtype: DType {
        switch self {
        case .tensor(let t): return t.dtype
        case .variable(let v): return v.dtype
        }
    }
}

/// Process-unique tensor identities for the tapes, assigned lazily: only tensors a tape sees
/// get one, so untaped code pays nothing.
enum TensorIdentity {
    private static let next = Atomic<Int>(1)

    /// The tensor's identity, assigning one on first use.
    static func of(_ t: Tensor) -> Int {
        let cur = t.tapeID.load(ordering: .acquiring)
        if cur != 0 { return cur }
        let fresh = next.wrappingAdd(1, ordering: .relaxed).oldValue
        let (exchanged, original) = t.tapeID.compareExchange(expected: 0, desired: fresh, ordering: .acquiringAndReleasing)
        return exchanged ? fresh : original
    }

    /// The tensor's identity if it has one, else 0.
    static func existing(_ t: Tensor) -> Int { t.tapeID.load(ordering: .acquiring) }
}

/// Records operations on the current thread and computes gradients by reverse-mode
/// differentiation, with TensorFlow's `tf.GradientTape` semantics.
///
/// A tape records only while started (`start()`/`stop()`, or `record { ... }`), only ops run on
/// the thread that started it, and only ops that depend on something it watches: tensors passed
/// to `watch`, and trainable variables read while recording (unless `watchAccessedVariables` is
/// false). Because pullbacks are made of ordinary ops, a tape that is recording while another
/// tape computes a gradient records that computation: nested tapes give higher-order gradients.
/// A tape is used by one thread at a time.
public final class GradientTape: OpObserver {
    private struct Input {
        let id: Int                // 0 for inputs that need no gradient
        let shape: [Int]
        let dtype: DType
    }

    /// One recorded op; its inputs are `inputPool[inputStart ..< inputStart + inputCount]` (one
    /// shared array instead of an allocation per op: recording is on every op's path).
    private struct Entry {
        let output: Int
        let inputStart: Int
        let inputCount: Int
        let pullback: Pullback
        let op: StaticString
    }

    /// Whether `gradient` may be called more than once.
    public let persistent: Bool
    /// Whether trainable variables read while recording are watched automatically.
    public let watchAccessedVariables: Bool

    private var entries: [Entry] = []
    private var inputPool: [Input] = []
    private var tracked = IdentitySet()
    private var watchedVariables: Set<Int> = []
    private var variableReads: [Int: [Int]] = [:]
    private var active = false
    var paused = 0
    private var consumed = false

    /// Creates a tape (not yet recording: call `start()` or use `record`).
    public init(persistent: Bool = false, watchAccessedVariables: Bool = true) {
        self.persistent = persistent
        self.watchAccessedVariables = watchAccessedVariables
    }

    deinit {
        if active { OpObservers.remove(self) }
    }

    /// Starts recording ops run on the current thread.
    public func start() throws {
        if active { throw SwiftKerasError(.runtime, "GradientTape: the tape is already recording") }
        if consumed { throw SwiftKerasError(.runtime, "GradientTape: a non-persistent tape cannot record again after gradient() was called") }
        active = true
        OpObservers.push(self)
    }

    /// Stops recording (the tape keeps what it recorded).
    public func stop() {
        if active {
            active = false
            OpObservers.remove(self)
        }
    }

    /// Records the ops run by `body`, like `with tf.GradientTape() as tape:`.
    public func record<R>(_ body: () throws -> R) throws -> R {
        try start()
        defer { stop() }
        return try body()
    }

    /// Runs `body` without recording on this tape (`tape.stop_recording()`).
    public func pausingRecording<R>(_ body: () throws -> R) rethrows -> R {
        paused += 1
        defer { paused -= 1 }
        return try body()
    }

    /// Forgets everything recorded so far (`tape.reset()`); the tape keeps recording if it was.
    public func reset() {
        entries.removeAll()
        inputPool.removeAll()
        tracked.removeAll()
        watchedVariables.removeAll()
        variableReads.removeAll()
        consumed = false
    }

    /// Watches a tensor: ops depending on it are recorded and gradients with respect to it can be taken.
    public func watch(_ tensor: Tensor) {
        if tensor.dtype.isFloatingPoint { tracked.insert(TensorIdentity.of(tensor)) }
    }

    /// Watches a variable (also a non-trainable one): its reads are tracked.
    public func watch(_ variable: Variable) {
        watchedVariables.insert(variable.id)
        noteRead(variable, variable.value(recording: false))
    }

    /// The variables whose reads this tape tracked, in no particular order (ids).
    var watchedVariableIDs: Set<Int> { Set(variableReads.keys) }

    // MARK: Observer hooks

    public func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
        if paused > 0 || !output.dtype.isFloatingPoint { return }
        var any = false
        for t in inputs {
            let id = TensorIdentity.existing(t)
            if id != 0 && tracked.contains(id) { any = true; break }
        }
        if !any { return }
        let start = inputPool.count
        for t in inputs {
            let id = TensorIdentity.existing(t)
            inputPool.append(Input(id: id != 0 && tracked.contains(id) ? id : 0, shape: t.shape, dtype: t.dtype))
        }
        let outID = TensorIdentity.of(output)
        if output.dtype.isFloatingPoint { tracked.insert(outID) }
        entries.append(Entry(output: outID, inputStart: start, inputCount: inputs.count, pullback: pullback(), op: op))
    }

    func noteRead(_ variable: Variable, _ value: Tensor) {
        if paused > 0 { return }
        guard value.dtype.isFloatingPoint,
              watchedVariables.contains(variable.id) || (watchAccessedVariables && variable.trainable) else { return }
        let id = TensorIdentity.of(value)
        tracked.insert(id)
        if variableReads[variable.id]?.contains(id) != true { variableReads[variable.id, default: []].append(id) }
    }

    // MARK: Gradients

    /// The gradient of `target` (the sum of its elements, or weighted by `outputGradients`) with
    /// respect to each source; `nil` for unconnected (unless `.zero`) and integer sources.
    public func gradient(_ target: Tensor, _ sources: [GradientSource], outputGradients: Tensor? = nil,
                         unconnectedGradients: UnconnectedGradients = .none) throws -> [Tensor?] {
        if let og = outputGradients, og.shape != target.shape {
            throw SwiftKerasError.invalid("gradient: output_gradients of shape \(formatShape(og.shape)) do not match the target's shape \(formatShape(target.shape))")
        }
        let result = try gradientKeeping(target, sources, outputGradients: outputGradients,
                                         unconnectedGradients: unconnectedGradients)
        consumeUnlessPersistent()
        return result
    }

    /// `gradient` without consuming a non-persistent tape (for Jacobians, which call it per row).
    func gradientKeeping(_ target: Tensor, _ sources: [GradientSource], outputGradients: Tensor?,
                         unconnectedGradients: UnconnectedGradients) throws -> [Tensor?] {
        if consumed {
            throw SwiftKerasError(.runtime, "GradientTape.gradient can only be called once on non-persistent tapes")
        }
        return try walk(target, sources, seed: outputGradients, unconnected: unconnectedGradients)
    }

    /// Frees the record of a non-persistent tape after its one gradient computation.
    func consumeUnlessPersistent() {
        if persistent { return }
        consumed = true
        entries.removeAll()
        inputPool.removeAll()
        tracked.removeAll()
        variableReads.removeAll()
    }

    /// Convenience: the gradient with respect to one tensor.
    public func gradient(_ target: Tensor, _ source: Tensor) throws -> Tensor? {
        try gradient(target, [.tensor(source)])[0]
    }

    /// Convenience: the gradient with respect to one variable.
    public func gradient(_ target: Tensor, _ source: Variable) throws -> Tensor? {
        try gradient(target, [.variable(source)])[0]
    }

    private func sourceIDs(_ s: GradientSource) -> [Int] {
        switch s {
        case .tensor(let t):
            let id = TensorIdentity.existing(t)
            return id != 0 && tracked.contains(id) ? [id] : []
        case .variable(let v):
            return variableReads[v.id] ?? []
        }
    }

    /// The recorded inputs of `e`.
    private func inputs(of e: Entry) -> ArraySlice<Input> {
        inputPool[e.inputStart ..< e.inputStart + e.inputCount]
    }

    /// The reverse walk. Does not consume the tape.
    private func walk(_ target: Tensor, _ sources: [GradientSource], seed: Tensor?,
                      unconnected: UnconnectedGradients) throws -> [Tensor?] {
        // This tape does not record its own backward pass (outer tapes do).
        paused += 1
        defer { paused -= 1 }

        let srcIDs = sources.map(sourceIDs)
        var wanted: Set<Int> = []
        for ids in srcIDs { wanted.formUnion(ids) }

        // Forward pass over the record: which tensors depend on a source.
        var reach = IdentitySet()
        for id in wanted { reach.insert(id) }
        var relevant = [Bool](repeating: false, count: entries.count)
        for (k, e) in entries.enumerated() where inputs(of: e).contains(where: { $0.id != 0 && reach.contains($0.id) }) {
            relevant[k] = true
            reach.insert(e.output)
        }

        var grads: [Int: Tensor] = [:]
        let targetID = TensorIdentity.existing(target)
        if targetID != 0 && reach.contains(targetID) && target.dtype.isFloatingPoint {
            grads[targetID] = try seed?.cast(to: target.dtype) ?? Tensor.ones(like: target)
        }
        var finished: [Int: Tensor] = [:]
        if let g = grads[targetID], wanted.contains(targetID) { finished[targetID] = g }

        var k = entries.count
        while k > 0 {
            k -= 1
            guard relevant[k] else { continue }
            let e = entries[k]
            guard let g = grads.removeValue(forKey: e.output) else { continue }
            if wanted.contains(e.output) { finished[e.output] = g }
            guard OpRegistry.isRegistered(e.op) else {
                throw SwiftKerasError(.unimplemented, "\(e.op): the op is not in OpRegistry, so it has no checked gradient")
            }
            var mask: UInt64 = 0
            let ins = inputs(of: e)
            for (i, input) in ins.enumerated() where i >= 64 || (input.id != 0 && reach.contains(input.id)) {
                if i < 64 { mask |= 1 << UInt64(i) }
            }
            let inputGrads = try PullbackNeeds.with(mask) { try e.pullback(g) }
            for (i, input) in ins.enumerated() where input.id != 0 && reach.contains(input.id) {
                guard i < inputGrads.count, let gi = inputGrads[i] else { continue }
                let id = input.id
                let fitted = try Self.unbroadcast(gi, to: input.shape, dtype: input.dtype, op: e.op)
                grads[id] = try grads[id].map { try $0.adding(fitted) } ?? fitted
            }
        }
        // Sources that are leaves (watched tensors, variable reads) keep their cotangent in `grads`.
        for (id, g) in grads where wanted.contains(id) && finished[id] == nil { finished[id] = g }

        return try zip(sources, srcIDs).map { source, ids in
            if !source.dtype.isFloatingPoint { return nil }
            var total: Tensor? = nil
            for id in ids {
                if let g = finished[id] { total = try total.map { try $0.adding(g) } ?? g }
            }
            if total == nil && unconnected == .zero {
                total = try Tensor.zeros(source.shape, dtype: source.dtype)
            }
            return total
        }
    }

    /// Sums a cotangent over the dimensions broadcasting added and casts it to the input's dtype
    /// — the one place broadcasting is undone.
    static func unbroadcast(_ g: Tensor, to shape: [Int], dtype: DType, op: StaticString) throws -> Tensor {
        var out = g
        if g.shape != shape {
            let extra = g.rank - shape.count
            if extra < 0 {
                throw SwiftKerasError(.runtime, "\(op): gradient of shape \(formatShape(g.shape)) does not fit input shape \(formatShape(shape))")
            }
            var axes = Array(0..<extra)
            for (i, d) in shape.enumerated() where d == 1 && g.shape[i + extra] != 1 { axes.append(i + extra) }
            if !axes.isEmpty { out = try out.sum(alongAxes: axes, keepingDimensions: true) }
            out = try out.reshaped(to: shape)
        }
        return out.dtype == dtype ? out : try out.cast(to: dtype)
    }
}

/// Reports a variable read to the tapes recording on this thread.
func variableWasRead(_ v: Variable, _ value: Tensor) {
    if OpObservers.activeCount.load(ordering: .relaxed) == 0 { return }
    for o in OpObservers.current {
        (o as? GradientTape)?.noteRead(v, value)
    }
}
