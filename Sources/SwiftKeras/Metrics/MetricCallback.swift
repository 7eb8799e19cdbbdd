// A stateful metric whose update_state / result / reset_state are closures (Keras: a
// `keras.metrics.Metric` subclass written by the user, e.g. in Python or C, keeping its own
// state). fit / evaluate use it as any compiled metric: reset at the start of each epoch and
// evaluation, updated after every batch, read for the logs.

extension Metrics {
    /// A metric implemented by three closures (Keras: a user subclass of `Metric` overriding
    /// `update_state`, `result` and `reset_state`). The closures run with every tape on the
    /// thread paused, so updating it inside a training step records nothing; their errors reach
    /// the caller unchanged.
    public final class CallbackMetric: Metric {
        /// `update_state(y_true, y_pred, sample_weight)`.
        public let update: (Tensor, Tensor, Tensor?) throws -> Void
        /// `result()`.
        public let read: () throws -> Tensor
        /// `reset_state()`.
        public let reset: () throws -> Void

        /// Wraps the three closures under `name` (non-empty; the name in logs and history).
        public init(name: String, dtype: DType = .floatx,
                    update: @escaping (Tensor, Tensor, Tensor?) throws -> Void,
                    result: @escaping () throws -> Tensor,
                    reset: @escaping () throws -> Void) throws {
            if name.isEmpty { throw SwiftKerasError.invalid("CallbackMetric: the name is empty") }
            self.update = update
            self.read = result
            self.reset = reset
            super.init(name: name, dtype: dtype)
        }

        /// Calls the update closure.
        public override func updateState(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?) throws {
            try withoutRecording { try update(yTrue, yPred, sampleWeight) }
        }

        /// Calls the result closure.
        public override func result() throws -> Tensor {
            try withoutRecording { try read() }
        }

        /// Calls the reset closure.
        public override func resetState() throws {
            try withoutRecording { try reset() }
        }
    }
}
