// An optimizer's state in tf.keras 2's order, as its files hold it: `.h5` `optimizer_weights`
// (names in `weight_names`, values by position) and the `.keras` / `.weights.h5` group
// `optimizer/vars/<i>`. tf.keras 2's `optimizer.variables` is the iteration count, then the slots
// in the order its `build(var_list)` creates them: one loop over the variables creating each
// variable's slots (Adam's m then v, ...), and further loops for some slots (Adam's vhat with
// amsgrad; RMSprop's velocity, momentum and average_gradient each have their own loop).
// Restoring builds the optimizer's state for the model's trainable variables first (tf.keras 2
// `optimizer.build(model.trainable_variables)`), then assigns by position.

import Glibc

enum KerasOptimizerVariables {
    /// The slot names, in tf.keras 2's loops, of `opt` whose per-variable slots are `names`.
    private static func loops(_ opt: Optimizer, _ names: Set<String>) -> [[String]] {
        if opt is RMSprop { return [["velocity"], ["momentum"], ["average_gradient"]] }
        let order = ["momentum", "velocity", "norm", "accumulated_grad", "accumulated_delta_var",
                     "accumulator", "linear", "r", "c", "v"]
        let first = order.filter(names.contains) + names.subtracting(order + ["velocity_hat"]).sorted()
        return [first, ["velocity_hat"]]
    }

    /// tf.keras 2's variable name of a slot ("m" for Adam's momentum, ...).
    private static func kerasSlotName(_ opt: Optimizer, _ slot: String) -> String {
        if opt is RMSprop { return slot }
        return ["momentum": "m", "velocity": "v", "velocity_hat": "vhat", "norm": "u"][slot] ?? slot
    }

    /// The optimizer whose variables are saved: a LossScaleOptimizer's inner one (tf.keras 2
    /// saves no loss scale in these files).
    private static func saved(_ opt: Optimizer) -> Optimizer {
        (opt as? LossScaleOptimizer)?.innerOptimizer ?? opt
    }

    /// The (build position, slot name) pairs of `opt`'s state in tf.keras 2's order, with the
    /// state tensors by name.
    private static func layout(_ opt: Optimizer) throws -> (order: [(Int, String)], state: [String: Tensor]) {
        var state: [String: Tensor] = [:]
        var slots: [Int: Set<String>] = [:]
        var names = Set<String>()
        for (n, t) in try opt.stateTensors() {
            state[n] = t
            let parts = n.split(separator: "/", maxSplits: 2)
            if parts.count == 3, parts[0] == "slots", let k = Int(parts[1]) {
                slots[k, default: []].insert(String(parts[2]))
                names.insert(String(parts[2]))
            }
        }
        let count = (slots.keys.max() ?? -1) + 1
        var order: [(Int, String)] = []
        for loop in loops(opt, names) {
            for k in 0..<count { for s in loop where slots[k]?.contains(s) == true { order.append((k, s)) } }
        }
        return (order, state)
    }

    /// `opt`'s variables in tf.keras 2's order with tf.keras 2's names ("iteration:0",
    /// "Adam/m/dense/kernel:0"); `variables` are the model's trainable variables (the build order
    /// of training), which name the slots.
    static func export(_ optimizer: Optimizer, variables: [Variable]) throws -> [(name: String, tensor: Tensor)] {
        let opt = saved(optimizer)
        let (order, state) = try layout(opt)
        var out: [(name: String, tensor: Tensor)] = [("iteration:0", try Tensor.scalar(Double(opt.iterations), dtype: .int64))]
        for (k, s) in order {
            guard let t = state["slots/\(k)/\(s)"] else { continue }
            var v = k < variables.count ? variables[k].name : "variable_\(k)"
            if v.hasSuffix(":0") { v.removeLast(2) }
            out.append(("\(opt.name)/\(kerasSlotName(opt, s))/\(v):0", t))
        }
        return out
    }

    /// Restores `values` (tf.keras 2's order, as `export` writes them) into `optimizer`, first
    /// building its state for `variables`. All or nothing.
    ///
    /// - Returns: nil when restored, else why not (a count or shape that differs: tf.keras 2 then
    ///   warns and keeps a fresh optimizer, which the caller does too).
    static func restore(_ optimizer: Optimizer, building variables: [Variable], from values: [Tensor]) throws -> String? {
        let opt = saved(optimizer)
        if values.count == 1 && values[0].count == 1 {   // saved before its first step: the count only
            try opt.restoreState([("iterations", values[0])])
            return nil
        }
        try opt.build(variables)
        let (order, state) = try layout(opt)
        if values.count != order.count + 1 {
            return "the optimizer '\(opt.name)' has \(order.count + 1) variables whereas the saved optimizer has \(values.count) variables"
        }
        guard values[0].count == 1 else {
            return "the saved iteration count has shape \(formatShape(values[0].shape))"
        }
        var entries: [(name: String, tensor: Tensor)] = [("iterations", values[0])]
        for ((k, s), t) in zip(order, values.dropFirst()) {
            let name = "slots/\(k)/\(s)"
            if let have = state[name], have.shape != t.shape {
                return "the saved slot \(k + 1) '\(s)' has shape \(formatShape(t.shape)), the optimizer's has \(formatShape(have.shape))"
            }
            entries.append((name, t))
        }
        try opt.restoreState(entries)
        return nil
    }

    /// Prints tf.keras 2's warning for an optimizer state that cannot be restored.
    static func warnSkipped(_ op: String, _ path: String, _ reason: String) {
        fputs("WARNING: \(op): '\(path)': skipping the optimizer's saved state because \(reason); the optimizer starts afresh\n", stderr)
    }
}
