import Glibc
import Synchronization

/// A mutable, named container of a tensor — the only mutable thing in SwiftKeras.
///
/// Reading gives the current value as an immutable tensor; `assign` replaces it (checking shape
/// and dtype). The variable's identity — what a `GradientTape` differentiates with respect
/// to — never changes across assignments. Reads and assignments are thread-safe; a variable
/// being assigned while other threads read it gives each reader either the old or the new value.
public final class Variable: @unchecked Sendable, CustomStringConvertible {
    /// The variable's name (Keras-style, e.g. "dense/kernel").
    public let name: String
    /// Whether tapes watch this variable automatically when it is read.
    public var trainable: Bool
    /// A process-unique identity.
    public let id: Int
    /// The projection optimizers apply after each update of this variable (tf.Variable's
    /// `constraint`; Keras weights' `kernel_constraint`, ...): see `applyConstraint()`.
    public var constraint: VariableConstraint?

    private var current: Tensor
    private var lock = pthread_mutex_t()

    private static let nextID = Atomic<Int>(1)

    /// Creates a variable holding `initialValue`.
    public init(_ initialValue: Tensor, name: String = "Variable", trainable: Bool = true) {
        current = initialValue.sharing(shape: initialValue.shape)
        self.name = name
        self.trainable = trainable
        id = Variable.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// The shape of the value.
    public var shape: [Int] { value(recording: false).shape }
    /// The dtype of the value.
    public var dtype: DType { value(recording: false).dtype }

    /// The current value. Reading it while a tape is recording on this thread lets that tape
    /// trace gradients back to this variable.
    public var value: Tensor { value(recording: true) }

    package func value(recording: Bool) -> Tensor {
        pthread_mutex_lock(&lock)
        let v = current
        pthread_mutex_unlock(&lock)
        if recording { variableWasRead(self, v) }
        return v
    }

    private func checked(_ t: Tensor, op: StaticString) throws -> Tensor {
        let cur = value(recording: false)
        if t.shape != cur.shape {
            throw SwiftKerasError.invalid("\(op): cannot assign a value of shape \(formatShape(t.shape)) to variable '\(name)' of shape \(formatShape(cur.shape))")
        }
        if t.dtype != cur.dtype {
            throw SwiftKerasError.dtype("\(op): cannot assign a value of dtype \(t.dtype) to variable '\(name)' of dtype \(cur.dtype)")
        }
        return t
    }

    private func store(_ t: Tensor) {
        let fresh = t.sharing(shape: t.shape)  // a new identity: the value is this variable's own
        pthread_mutex_lock(&lock)
        current = fresh
        pthread_mutex_unlock(&lock)
    }

    /// Runs `body` on the value's buffer, updating it in place, when nothing but this variable
    /// can observe the value (no reader, tape, view or handle holds it); returns false without
    /// running `body` otherwise (the caller then assigns a new value). Holds the variable's lock
    /// during `body`, so concurrent readers see the old or the new value, never a mix.
    package func updateInPlace(_ body: (UnsafeMutableRawPointer) throws -> Void) rethrows -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard isKnownUniquelyReferenced(&current), current.hasUniqueStorage() else { return false }
        try body(current.raw)
        return true
    }

    /// Replaces the value (same shape and dtype required).
    public func assign(_ newValue: Tensor) throws {
        store(try checked(newValue, op: "assign"))
    }

    /// Replaces the value by `update(value)` atomically: the variable's lock is held from the
    /// read to the store, so concurrent read-modify-writes (`assign_add` from several threads)
    /// never lose an update. On a throw the value is unchanged.
    private func readModifyWrite(_ update: (Tensor) throws -> Tensor) throws {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let t = try update(current)
        current = t.sharing(shape: t.shape)  // a new identity: the value is this variable's own
    }

    /// Adds `delta` to the value (same shape and dtype required); atomic.
    public func assignAdd(_ delta: Tensor) throws {
        let d = try checked(delta, op: "assign_add")
        try readModifyWrite { try $0.adding(d) }
    }

    /// Subtracts `delta` from the value (same shape and dtype required); atomic.
    public func assignSub(_ delta: Tensor) throws {
        let d = try checked(delta, op: "assign_sub")
        try readModifyWrite { try $0.subtracting(d) }
    }

    public var description: String {
        let v = value(recording: false)
        return "<Variable '\(name)' shape=\(formatShape(v.shape)) dtype=\(v.dtype), numpy=\(v)>"
    }
}
