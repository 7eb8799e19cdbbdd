import SwiftKerasCHeader
import SwiftKeras

// The optimizer's checkpointed state (tf.train.Checkpoint(optimizer=...)): Optimizer.stateTensors
// and Optimizer.restoreState through the C ABI.

/// The names of the optimizer's state tensors as a JSON array (sk_optimizer_state_names).
func optimizerStateNamesJSON(_ o: Optimizer) throws -> String {
    ConfigValue.array(try o.stateTensors().map { .string($0.name) }).json
}

@c @implementation
public func sk_optimizer_state(_ optimizer: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                               _ capacity: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    status {
        let o = try unwrap(optimizer, "sk_optimizer_state", "optimizer", as: Optimizer.self)
        try writeHandles(try o.stateTensors().map(\.tensor), out, capacity, count, "sk_optimizer_state",
                         what: "state tensors") { handle($0) }
    }
}

@c @implementation
public func sk_optimizer_restore_state(_ optimizer: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                                       _ values: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    let fn: StaticString = "sk_optimizer_restore_state"
    return status {
        let o = try unwrap(optimizer, fn, "optimizer", as: Optimizer.self)
        let ts = try tensorList(values, n, fn, "values")
        var entries: [(name: String, tensor: Tensor)] = []
        for (i, t) in ts.enumerated() {
            guard let names else { throw SwiftKerasError(.invalidArgument, "\(fn): names is NULL") }
            entries.append((try cString(names[i], fn, "names[i]"), t))
        }
        try o.restoreState(entries)
    }
}
