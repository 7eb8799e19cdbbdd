// Losses and metrics of a functional model given as symbolic tensors of its graph (tf.keras 2
// `model.add_loss(kl_tensor)` / `model.add_metric(tensor, name)` after `Model(inputs, outputs)`,
// as in the VAE guides): the model runs a second graph whose extra outputs are those tensors and
// adds their values as call losses and metric updates on every call.

/// The extra tensors a functional model computes on each call.
final class SymbolicAuxiliaries {
    var losses: [KerasTensor] = []
    var metrics: [(tensor: KerasTensor, name: String, aggregation: String)] = []
    /// inputs → the model's outputs, then `losses`, then `metrics`' tensors.
    var graph: FunctionalGraph?
}

extension Model {
    /// Adds a loss computed from tensors of this functional model's graph (tf.keras 2
    /// `add_loss(symbolic_tensor)`): evaluated on every call, added to the call's losses.
    /// - Throws: `.invalidArgument` for a model that is not functional, or a tensor that does not
    ///   depend only on the model's inputs.
    public func addLoss(_ loss: KerasTensor) throws {
        try addAuxiliary { $0.losses.append(loss) }
    }

    /// Records a tensor of this functional model's graph in the metric `name` on every call
    /// (tf.keras 2 `add_metric(symbolic_tensor, name, aggregation="mean")`).
    public func addMetric(_ value: KerasTensor, name: String, aggregation: String = "mean") throws {
        if name.isEmpty { throw SwiftKerasError.invalid("add_metric: the metric needs a name (model '\(self.name)')") }
        if aggregation != "mean" {
            throw SwiftKerasError.invalid("add_metric: we currently support only `mean` sample-wise metric aggregation; you provided aggregation=`\(aggregation)` (metric '\(name)')")
        }
        try addAuxiliary { $0.metrics.append((value, name, aggregation)) }
    }

    private func addAuxiliary(_ change: (SymbolicAuxiliaries) -> Void) throws {
        guard let graph else {
            throw SwiftKerasError.invalid("add_loss / add_metric of a symbolic tensor: model '\(name)' is not a functional model (call them inside a layer's call instead)")
        }
        let aux = SymbolicAuxiliaries()
        aux.losses = auxiliaries?.losses ?? []
        aux.metrics = auxiliaries?.metrics ?? []
        change(aux)
        do {
            aux.graph = try FunctionalGraph(inputs: graph.inputs, outputs: graph.outputs + aux.losses + aux.metrics.map(\.tensor))
        } catch let e as SwiftKerasError {
            throw SwiftKerasError(e.kind, "add_loss / add_metric on model '\(name)': \(e.message)")
        }
        auxiliaries = aux
    }

    /// Runs the graph, and the symbolic losses and metrics when the model has some.
    func runGraph(_ graph: FunctionalGraph, _ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        guard let aux = auxiliaries, let full = aux.graph else {
            return try graph.run(inputs, masks: masks, training: training, modelName: name)
        }
        let r = try full.run(inputs, masks: masks, training: training, modelName: name)
        let n = graph.outputs.count
        for (i, v) in r.outputs[n...].enumerated() {
            if i < aux.losses.count {
                addLoss(v)
            } else {
                let m = aux.metrics[i - aux.losses.count]
                try addMetric(v, name: m.name, aggregation: m.aggregation)
            }
        }
        return (Array(r.outputs[..<n]), Array(r.masks[..<n]))
    }
}
