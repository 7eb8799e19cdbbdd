import SwiftKerasCHeader
import SwiftKeras

// Named tensors in a file (tf.train.Checkpoint): SwiftKeras.TensorFile through the C ABI.

@c @implementation
public func sk_tensors_save(_ path: UnsafePointer<CChar>?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                            _ tensors: UnsafePointer<OpaquePointer?>?, _ n: Int32) -> Int32 {
    let fn: StaticString = "sk_tensors_save"
    return status {
        let p = try cString(path, fn, "path")
        let ts = try tensorList(tensors, n, fn, "tensors")
        var named: [(name: String, tensor: Tensor)] = []
        for (i, t) in ts.enumerated() {
            guard let names else { throw SwiftKerasError(.invalidArgument, "\(fn): names is NULL") }
            named.append((try cString(names[i], fn, "names[i]"), t))
        }
        try TensorFile.save(named, to: p)
    }
}

@c @implementation
public func sk_tensors_load(_ path: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_tensors_load"
    return produce(out, fn) {
        try TensorFile.load(try cString(name, fn, "name"), from: try cString(path, fn, "path"))
    }
}

@c @implementation
public func sk_tensors_names(_ path: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                             _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    let fn: StaticString = "sk_tensors_names"
    return status {
        let names = try TensorFile.names(in: try cString(path, fn, "path"))
        try copyString(ConfigValue.array(names.map { .string($0) }).json, buf, capacity, length, fn)
    }
}

@c @implementation
public func sk_checkpoint_state_write(_ path: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "sk_checkpoint_state_write"
    return status {
        try CheckpointState.write(try cString(name, fn, "name"), to: try cString(path, fn, "path"))
    }
}

@c @implementation
public func sk_checkpoint_state_read(_ path: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                     _ length: UnsafeMutablePointer<Int>?, _ found: UnsafeMutablePointer<UInt8>?) -> Int32 {
    let fn: StaticString = "sk_checkpoint_state_read"
    found?.pointee = 0
    return status {
        let name = try CheckpointState.read(from: try cString(path, fn, "path"))
        try copyString(name ?? "", buf, capacity, length, fn)
        found?.pointee = name == nil ? 0 : 1
    }
}
