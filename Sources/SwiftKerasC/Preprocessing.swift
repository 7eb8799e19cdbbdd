import SwiftKerasCHeader
import SwiftKeras

// The preprocessing layers' adapt and vocabulary through the C ABI
// (include/swiftkeras/preprocessing.h); the layers live in SwiftKeras/Layers/Preprocessing.

/// The layer behind `h` as an adaptable layer, or an error naming its class.
private func adaptable(_ h: OpaquePointer?, _ fn: StaticString) throws -> any AdaptableLayer {
    let l = try unwrap(h, fn, "layer", as: Layer.self)
    guard let a = l as? any AdaptableLayer else {
        throw SwiftKerasError(.invalidArgument, "\(fn): layer '\(l.name)' of class \(l.className) has no adapt (adaptable: Normalization, StringLookup, IntegerLookup, TextVectorization)")
    }
    return a
}

@c @implementation
public func sk_layer_adapt(_ layer: OpaquePointer?, _ data: OpaquePointer?, _ batchSize: Int64, _ steps: Int64) -> Int32 {
    status {
        let l = try adaptable(layer, "sk_layer_adapt")
        let x = try tensor(data, "sk_layer_adapt", "data")
        if batchSize < 0 || steps < 0 {
            throw SwiftKerasError(.invalidArgument, "sk_layer_adapt: batch_size \(batchSize) and steps \(steps) must be >= 0")
        }
        try l.adapt(x, batchSize: batchSize == 0 ? nil : Int(clamping: batchSize), steps: steps == 0 ? nil : Int(clamping: steps))
    }
}

@c @implementation
public func sk_layer_adapt_dataset(_ layer: OpaquePointer?, _ dataset: OpaquePointer?, _ steps: Int64) -> Int32 {
    status {
        let l = try adaptable(layer, "sk_layer_adapt_dataset")
        let ds = try unwrap(dataset, "sk_layer_adapt_dataset", "dataset", as: Dataset.self)
        if steps < 0 { throw SwiftKerasError(.invalidArgument, "sk_layer_adapt_dataset: steps \(steps) must be >= 0") }
        try l.adapt(ds, steps: steps == 0 ? nil : Int(clamping: steps))
    }
}

@c @implementation
public func sk_layer_vocabulary(_ layer: OpaquePointer?, _ includeSpecial: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_layer_vocabulary") {
        let l = try unwrap(layer, "sk_layer_vocabulary", "layer", as: Layer.self)
        return try vocabularyTensor(of: l, includeSpecialTokens: includeSpecial != 0)
    }
}
