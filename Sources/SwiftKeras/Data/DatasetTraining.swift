// fit / evaluate / predict over a Dataset (tf.keras 2's DataHandler semantics for datasets):
// elements `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; `x` one tensor, a tuple (one per
// model input) or a dict keyed by input name; steps_per_epoch, validation_steps and
// validation_freq.

/// When `fit` validates (Keras `validation_freq`): every `n`-th epoch, or the listed 1-based epochs.
public enum ValidationFrequency {
    /// Every `n` epochs (after epochs n, 2n, ...).
    case every(Int)
    /// After the listed epochs (1-based).
    case epochs([Int])

    func includes(_ epoch: Int) -> Bool {
        switch self {
        case .every(let n): return (epoch + 1) % n == 0
        case .epochs(let list): return list.contains(epoch + 1)
        }
    }
}

extension Model {
    /// The names of the model inputs a dict element is matched against: the keys of a model made
    /// with a dict of inputs, else a functional model's input layer names (tf.keras 2).
    private var inputNames: [String] { inputKeys ?? inputs.map(\.layer.name) }

    /// Keras `unpack_x_y_sample_weight` and the input and output mapping of one element: `y` one
    /// tensor, a tuple (one per model output) or a dict keyed by output name.
    /// `sample_weight` one tensor (every output), a tuple (one per output) or a dict keyed by output.
    func unpack(_ e: DatasetElement, _ op: String) throws -> (x: [Tensor], y: [Tensor]?, w: [Tensor?]) {
        var items = [e]
        if case .tuple(let children) = e.structure, (1...3).contains(children.count) { items = e.items }
        let x = try modelInputs(items[0], op)
        let y = items.count > 1 ? try modelTargets(items[1], op) : nil
        guard items.count > 2, let weights = try flatTensors(items[2], "output", op, what: "sample weight") else {
            if items.count > 2, case .dict(let keys, _) = items[2].structure {
                var named: [String: Tensor] = [:]
                for (k, item) in zip(keys, items[2].items) { named[k] = try item.parts[0].tensor }
                return (x, y, try sampleWeights(byName: named, outputCount: Swift.max(symbolicOutputs.count, y?.count ?? 0), op: op))
            }
            return (x, y, [])
        }
        return (x, y, weights)
    }

    /// The tensors of an element part that is one tensor or a flat tuple (one per model input or
    /// output: `unit`), nil for a dict; nested parts are errors.
    private func flatTensors(_ e: DatasetElement, _ unit: String, _ op: String, what: String? = nil) throws -> [Tensor]? {
        let what = what ?? unit
        switch e.structure {
        case .tensor: return try e.tensors
        case .tuple(let children):
            if children.contains(where: { $0 != .tensor }) {
                throw SwiftKerasError.invalid("\(op): nested \(what)s \(e.structure) are not supported; give one tensor per model \(unit)")
            }
            return try e.tensors
        case .dict(_, let values):
            if unit == "output" && values.contains(where: { $0 != .tensor }) {
                throw SwiftKerasError.invalid("\(op): nested \(what)s \(e.structure) are not supported; give one tensor per model \(unit)")
            }
            return nil
        }
    }

    /// The targets of an element in output order (a dict: keyed by output name).
    private func modelTargets(_ y: DatasetElement, _ op: String) throws -> [Tensor] {
        if let flat = try flatTensors(y, "output", op) { return flat }
        guard case .dict(let keys, _) = y.structure else { return [] }
        var named: [String: Tensor] = [:]
        for (k, item) in zip(keys, y.items) { named[k] = try item.parts[0].tensor }
        return try targets(byName: named, outputCount: Swift.max(symbolicOutputs.count, keys.count), op: op)
    }

    private func modelInputs(_ x: DatasetElement, _ op: String) throws -> [Tensor] {
        if let flat = try flatTensors(x, "input", op) { return flat }
        switch x.structure {
        case .tensor, .tuple: return []
        case .dict(let keys, let values):
            let names = inputNames
            if names.isEmpty && keys.count == 1 && values[0] == .tensor { return try x.tensors }
            let items = x.items
            return try names.map { name in
                guard let i = keys.firstIndex(of: name), items[i].structure == .tensor else {
                    throw SwiftKerasError.invalid("\(op): the input dict has keys \(keys) but the model's inputs are named \(names); missing '\(name)'")
                }
                return try items[i].parts[0].tensor
            }
        }
    }

    private func trainingBatch(_ e: DatasetElement, _ op: String) throws -> FitBatch {
        let (x, y, w) = try unpack(e, op)
        guard let y else {
            if stepsNeedNoTargets { return (x, [], w) }   // trained on its add_loss terms alone (compile(loss=None))
            throw SwiftKerasError.invalid("\(op): the dataset's elements hold only inputs \(e.structure); give (x, y) or (x, y, sample_weight) elements")
        }
        return (x, y, w)
    }

    private static func checkSteps(_ steps: Int?, _ name: String, _ op: String) throws {
        if let steps, steps <= 0 { throw SwiftKerasError.invalid("\(op): \(name) must be positive, got \(steps)") }
    }

    /// Trains on a dataset (Keras `fit(dataset, ...)`): each epoch runs over a new pass of the
    /// dataset, or `stepsPerEpoch` batches from one pass that continues across epochs (a new pass
    /// only when `stepsPerEpoch` equals the cardinality, as tf.keras). An infinite dataset needs
    /// `stepsPerEpoch`; running out before it ends training with Keras' warning. Validation on
    /// `validationData` (a new pass each time, `validationSteps` batches or all) after the epochs
    /// `validationFrequency` selects.
    @discardableResult
    public func fit(dataset: Dataset, epochs: Int = 1, verbose: Int = 1, callbacks: [Callback] = [],
                    validationData: Dataset? = nil, stepsPerEpoch: Int? = nil, validationSteps: Int? = nil,
                    validationFrequency: ValidationFrequency = .every(1), initialEpoch: Int = 0) throws -> History {
        let op = "fit"
        guard isCompiled else {
            throw SwiftKerasError(.runtime, "fit: you must call compile() before using the model (model '\(name)' is not compiled)")
        }
        if epochs < 0 || initialEpoch < 0 {
            throw SwiftKerasError.invalid("fit: epochs (\(epochs)) and initial_epoch (\(initialEpoch)) must be non-negative")
        }
        try Model.checkSteps(stepsPerEpoch, "steps_per_epoch", op)
        try Model.checkSteps(validationSteps, "validation_steps", op)
        if case .every(let n) = validationFrequency, n <= 0 {
            throw SwiftKerasError.invalid("fit: validation_freq must be positive, got \(n)")
        }
        if dataset.cardinality == Dataset.infinite && stepsPerEpoch == nil {
            throw SwiftKerasError.invalid("fit: When providing an infinite dataset, you must specify the number of steps to run (steps_per_epoch; if you did not intend to create an infinite dataset, make sure to not call `repeat()` on the dataset)")
        }
        if let v = validationData, v.cardinality == Dataset.infinite && validationSteps == nil {
            throw SwiftKerasError.invalid("fit: When passing an infinite dataset as validation data, you must specify the number of steps to run (validation_steps)")
        }
        let steps = stepsPerEpoch ?? (dataset.cardinality >= 0 ? dataset.cardinality : nil)
        let recreate = stepsPerEpoch == nil || stepsPerEpoch == dataset.cardinality
        var shared: DatasetIterator? = nil
        let validate: ((Int, [Callback]) throws -> Logs?)? = validationData.map { vd in { epoch, cbs in
            guard validationFrequency.includes(epoch) else { return nil }
            let it = try vd.makeIterator()
            return try self.runEvaluate(steps: validationSteps, verbose: 0, callbacks: cbs, standalone: false) {
                try it.next().map { try self.stepBatch($0, train: false) { try self.trainingBatch($0, "fit (validation_data)") } }
            }
        } }
        return try runFit(epochs: epochs, verbose: verbose, callbacks: callbacks, initialEpoch: initialEpoch,
                          steps: steps, validate: validate) { _ in
            let it: DatasetIterator
            if !recreate, let shared {
                it = shared
            } else {
                it = try dataset.makeIterator()
                shared = it
            }
            return { try it.next().map { try self.stepBatch($0, train: true) { try self.trainingBatch($0, op) } } }
        }
    }

    /// The loss and metrics over a dataset (Keras `evaluate(dataset, steps=...)`): a new pass,
    /// `steps` batches or until it ends (an infinite dataset needs `steps`).
    public func evaluate(dataset: Dataset, steps: Int? = nil, verbose: Int = 0, callbacks: [Callback] = []) throws -> Logs {
        guard isCompiled else {
            throw SwiftKerasError(.runtime, "evaluate: you must call compile() before using the model (model '\(name)' is not compiled)")
        }
        try Model.checkSteps(steps, "steps", "evaluate")
        if dataset.cardinality == Dataset.infinite && steps == nil {
            throw SwiftKerasError.invalid("evaluate: When providing an infinite dataset, you must specify the number of steps to run")
        }
        let it = try dataset.makeIterator()
        return try runEvaluate(steps: steps ?? (dataset.cardinality >= 0 ? dataset.cardinality : nil), verbose: verbose,
                               callbacks: callbacks, standalone: true) {
            try it.next().map { try self.stepBatch($0, train: false) { try self.trainingBatch($0, "evaluate") } }
        }
    }

    /// The model's (first) output over a dataset's batches (Keras `predict(dataset, steps=...)`),
    /// concatenated; elements `x` or `(x, ...)` (targets ignored).
    public func predict(dataset: Dataset, steps: Int? = nil, callbacks: [Callback] = []) throws -> Tensor {
        try predictOutputs(dataset: dataset, steps: steps, callbacks: callbacks)[0]
    }

    /// Every output of the model over a dataset's batches, each concatenated (Keras `predict` of
    /// a model with several outputs).
    public func predictOutputs(dataset: Dataset, steps: Int? = nil, callbacks: [Callback] = []) throws -> [Tensor] {
        try Model.checkSteps(steps, "steps", "predict")
        if dataset.cardinality == Dataset.infinite && steps == nil {
            throw SwiftKerasError.invalid("predict: When providing an infinite dataset, you must specify the number of steps to run")
        }
        let it = try dataset.makeIterator()
        var step = 0
        return try runPredict(callbacks: callbacks) {
            if let steps, step >= steps { return nil }
            step += 1
            return try it.next().map { try self.predictInputs($0) }
        }
    }
}
