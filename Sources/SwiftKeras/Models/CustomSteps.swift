// Custom steps (tf.keras 2 keras/engine/training.py: a subclass overriding `train_step`,
// `test_step` or `predict_step`), the default steps on a batch as the data adapter gives it
// (`super().train_step(data)`), and what a custom step calls: `compiled_loss`,
// `compiled_metrics.update_state`. The epoch loop, batching, validation and callbacks stay the
// model's own (`runFit`, `runEvaluate`, `runPredict`); only the per-batch call changes.

/// The steps a model runs on each batch instead of the built-in ones (nil: the built-in step).
///
/// A step receives the batch as tf.keras 2's data adapter gives `train_step(data)`: `x` alone
/// (arrays without targets, one input), `(x,)`, `(x, y)` or `(x, y, sample_weight)`, where `x`
/// and `y` are one tensor, a tuple or a dict — a dataset's element exactly as it came, or the
/// arrays' batch packed by `pack_x_y_sample_weight`.
public final class CustomSteps {
    /// `train_step(data)`: one training batch → its logs (the running metric results, as tf.keras
    /// 2's returned dict). Epoch logs are the last batch's logs.
    public var train: ((DatasetElement) throws -> Logs)?
    /// `test_step(data)`: one evaluation batch → its logs (evaluate and fit's validation).
    public var test: ((DatasetElement) throws -> Logs)?
    /// `predict_step(data)`: one batch → the outputs, batch first (predict concatenates each).
    public var predict: ((DatasetElement) throws -> [Tensor])?
    /// Metrics reset with the model's metrics at each epoch and evaluation start (tf.keras 2
    /// resets every metric of `model.metrics`, where a subclass lists its own trackers).
    public var metrics: [Metric] = []
    /// A dataset's element read for the custom step of the batch being run (see `stepBatch`).
    var pending: DatasetElement?

    init() {}
}

extension Model {
    /// tf.keras 2 `pack_x_y_sample_weight`: `x` alone when there are no targets and one input,
    /// `(x,)` for several inputs, else `(x, y)` or `(x, y, sample_weight)`; several inputs or
    /// outputs as tuples.
    static func packedBatch(_ x: [Tensor], _ y: [Tensor], _ w: Tensor?) throws -> DatasetElement {
        let parts: [(ElementStructure, [Tensor])] = [(.flat(x.count), x)]
            + (y.isEmpty ? [] : [(.flat(y.count), y)]) + (w.map { [(.tensor, [$0])] } ?? [])
        if parts.count == 1 && x.count == 1 { return DatasetElement(x[0]) }
        return try DatasetElement(structure: .tuple(parts.map(\.0)), tensors: parts.flatMap(\.1))
    }

    /// A dataset element for fit or evaluate: kept whole for the model's custom step (which
    /// receives it as it came), otherwise `make` unpacks it.
    func stepBatch(_ e: DatasetElement, train: Bool, _ make: (DatasetElement) throws -> FitBatch) throws -> FitBatch {
        guard (train ? customSteps.train != nil : customSteps.test != nil) else { return try make(e) }
        customSteps.pending = e
        return ([], [], [])
    }

    /// A dataset element for predict: kept whole for a custom predict step, otherwise its inputs.
    func predictInputs(_ e: DatasetElement) throws -> [Tensor] {
        guard customSteps.predict != nil else { return try unpack(e, "predict").x }
        customSteps.pending = e
        return []
    }

    /// The batch for a custom step: the dataset element just read, or the arrays' batch packed.
    private func stepData(_ x: [Tensor], _ y: [Tensor], _ w: [Tensor?]) throws -> DatasetElement {
        if let e = customSteps.pending {
            customSteps.pending = nil
            return e
        }
        if w.count > 1 {
            throw SwiftKerasError(.unimplemented, "a custom train_step / test_step with sample weights per output is not supported (model '\(name)')")
        }
        return try Model.packedBatch(x, y, w.first ?? nil)
    }

    /// The built-in step on one batch: sample weights for every output (one entry) or per output.
    private func builtinStep(train: Bool, _ x: [Tensor], _ y: [Tensor], _ w: [Tensor?]) throws -> Logs {
        if w.count > 1 { return train ? try trainStep(x: x, y: y, sampleWeights: w) : try testStep(x: x, y: y, sampleWeights: w) }
        return train ? try trainStep(x: x, y: y, sampleWeight: w.first ?? nil) : try testStep(x: x, y: y, sampleWeight: w.first ?? nil)
    }

    /// One training batch of fit / train_on_batch: the custom step or `trainStep`.
    func trainBatch(_ x: [Tensor], _ y: [Tensor], _ w: [Tensor?]) throws -> Logs {
        guard let step = customSteps.train else { return try builtinStep(train: true, x, y, w) }
        return try step(try stepData(x, y, w))
    }

    /// One evaluation batch of evaluate / validation / test_on_batch: the custom step or `testStep`.
    func testBatch(_ x: [Tensor], _ y: [Tensor], _ w: [Tensor?]) throws -> Logs {
        guard let step = customSteps.test else { return try builtinStep(train: false, x, y, w) }
        return try step(try stepData(x, y, w))
    }

    /// The outputs of one predict batch: the custom step or the forward pass without training.
    func predictBatch(_ x: [Tensor]) throws -> [Tensor] {
        guard let step = customSteps.predict else { return try withoutRecording { try outputs(x, training: false) } }
        let outs = try step(try stepData(x, [], []))
        if outs.isEmpty { throw SwiftKerasError.invalid("predict_step of model '\(name)' returned no outputs") }
        return outs
    }

    /// Resets the metrics custom steps report (`CustomSteps.metrics`) and the `addMetric` metrics.
    func resetStepMetrics() throws {
        for m in customSteps.metrics + addedMetrics { try m.resetState() }
    }

    // MARK: The default steps on a batch as the data adapter gives it

    private func targetBatch(_ data: DatasetElement, _ op: String) throws -> FitBatch {
        let (x, y, w) = try unpack(data, op)
        guard let y else {
            if stepsNeedNoTargets { return (x, [], w) }   // trained on its add_loss terms alone
            throw SwiftKerasError.invalid("\(op): the batch \(data.structure) holds no targets; the built-in step needs (x, y) or (x, y, sample_weight) (model '\(name)')")
        }
        return (x, y, w)
    }

    /// tf.keras 2 `Model.train_step(data)`: the built-in training step on `data` (what a custom
    /// step's `super().train_step(data)` runs); the running results.
    public func defaultTrainStep(_ data: DatasetElement) throws -> Logs {
        let b = try targetBatch(data, "train_step")
        return try builtinStep(train: true, b.x, b.y, b.w)
    }

    /// tf.keras 2 `Model.test_step(data)`: the built-in evaluation step on `data`.
    public func defaultTestStep(_ data: DatasetElement) throws -> Logs {
        let b = try targetBatch(data, "test_step")
        return try builtinStep(train: false, b.x, b.y, b.w)
    }

    /// tf.keras 2 `Model.predict_step(data)`: the outputs for the inputs of `data` (targets ignored).
    public func defaultPredictStep(_ data: DatasetElement) throws -> [Tensor] {
        let x = try unpack(data, "predict_step").x
        return try withoutRecording { try outputs(x, training: false) }
    }

    // MARK: What custom steps call

    /// tf.keras 2 `compiled_loss(y, y_pred, sample_weight, regularization_losses)`: the weighted
    /// sum of the compiled losses of the outputs plus the `regularization` terms (each summed), 0
    /// when there is nothing; updates the "loss" tracker (and a multi-output model's
    /// `<output>_loss` trackers) weighted by the batch size, as the built-in step.
    public func compiledLoss(ys: [Tensor], preds: [Tensor], sampleWeight: Tensor?, regularization: [Tensor]) throws -> Tensor {
        let c = try compiled(ys, preds)
        let (total, each) = try c.loss(ys: ys, preds: preds, masks: [], sampleWeights: [sampleWeight], extra: regularization)
        let loss = try total ?? Tensor.scalar(0, dtype: preds.first?.dtype ?? .floatx)
        try withoutRecording {
            let batch = ys.first.map { $0.rank > 0 ? $0.shape[0] : 1 } ?? 1
            let count = try Tensor.scalar(Double(batch), dtype: lossTracker.dtype)
            try lossTracker.update(values: loss, sampleWeight: count)
            for (t, l) in zip(c.lossTrackers, each) {
                if let t, let l { try t.update(values: l, sampleWeight: count) }
            }
        }
        return loss
    }

    /// tf.keras 2 `compiled_metrics.update_state(y, y_pred, sample_weight)`: updates the compiled
    /// metrics of each output (only `weighted_metrics` see the sample weights).
    public func updateCompiledMetrics(ys: [Tensor], preds: [Tensor], sampleWeight: Tensor?) throws {
        let c = try compiled(ys, preds)
        try withoutRecording {
            for om in c.metrics {
                let p = preds[om.output]
                let w = try MaskRules.maskedSampleWeights(nil, om.weighted ? sampleWeight : nil, dtype: p.dtype)
                try om.metric.updateState(ys[om.output], p, sampleWeight: w)
            }
        }
    }
}
