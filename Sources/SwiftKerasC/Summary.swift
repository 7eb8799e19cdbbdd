import Glibc
import Synchronization
import SwiftKerasCHeader
import SwiftKeras

// tf.summary writers and keras.utils.Progbar through the C ABI (include/swiftkeras/summary.h);
// the rules live in SwiftKeras/Callbacks/SummaryWriter.swift and Callbacks/Progbar.swift.

/// C strings `p[0..<n]`, each non-NULL.
private func cStrings(_ p: UnsafePointer<UnsafePointer<CChar>?>?, _ n: Int32, _ fn: StaticString, _ arg: StaticString) throws -> [String] {
    try checkCount(n, fn, arg)
    if n == 0 { return [] }
    guard let p else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) is NULL but its count is \(n)") }
    return try (0..<Int(n)).map { i in
        guard let s = p[i] else { throw SwiftKerasError(.invalidArgument, "\(fn): \(arg)[\(i)] is NULL") }
        return String(cString: s)
    }
}

private func writer(_ h: OpaquePointer?, _ fn: StaticString) throws -> SummaryFileWriter {
    try unwrap(h, fn, "writer", as: SummaryFileWriter.self)
}

@c @implementation
public func sk_summary_writer_create(_ logdir: UnsafePointer<CChar>?, _ suffix: UnsafePointer<CChar>?,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_summary_writer_create") {
        try SummaryFileWriter(logDir: try cString(logdir, "sk_summary_writer_create", "logdir"), suffix: optionalString(suffix) ?? "")
    }
}

@c @implementation
public func sk_summary_writer_init(_ w: OpaquePointer?) -> Int32 {
    status { try writer(w, "sk_summary_writer_init").open() }
}

@c @implementation
public func sk_summary_scalar(_ w: OpaquePointer?, _ tag: UnsafePointer<CChar>?, _ value: Double, _ step: Int64,
                              _ description: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "sk_summary_scalar"
    return status {
        let sw = try writer(w, fn)
        try sw.write(SummaryProto.scalar(tag: try cString(tag, fn, "tag"), value: value, description: optionalString(description) ?? ""),
                     step: Int(step))
    }
}

@c @implementation
public func sk_summary_histogram(_ w: OpaquePointer?, _ tag: UnsafePointer<CChar>?, _ data: OpaquePointer?, _ step: Int64,
                                 _ buckets: Int32, _ description: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "sk_summary_histogram"
    return status {
        let sw = try writer(w, fn)
        try sw.write(try SummaryProto.histogram(tag: try cString(tag, fn, "tag"), data: try tensor(data, fn, "data"),
                                                buckets: Int(buckets), description: optionalString(description) ?? ""),
                     step: Int(step))
    }
}

@c @implementation
public func sk_summary_text(_ w: OpaquePointer?, _ tag: UnsafePointer<CChar>?, _ data: OpaquePointer?, _ step: Int64,
                            _ description: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "sk_summary_text"
    return status {
        let sw = try writer(w, fn)
        try sw.write(try SummaryProto.text(tag: try cString(tag, fn, "tag"), data: try tensor(data, fn, "data"),
                                           description: optionalString(description) ?? ""),
                     step: Int(step))
    }
}

@c @implementation
public func sk_summary_writer_close(_ w: OpaquePointer?) -> Int32 {
    status { try writer(w, "sk_summary_writer_close").close() }
}

@c @implementation
public func sk_summary_writer_path(_ w: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                   _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    stringQuery(w, buf, capacity, length, "sk_summary_writer_path", "writer", as: SummaryFileWriter.self) { $0.path ?? "" }
}

@c @implementation public func sk_summary_writer_release(_ h: OpaquePointer?) { release(h, as: SummaryFileWriter.self) }

/// A progress bar and the text of its last update (owned until the next one).
final class ProgbarBox {
    let progbar: Progbar
    private let text = Mutex<UnsafeMutablePointer<CChar>?>(nil)
    init(_ p: Progbar) { progbar = p }
    deinit { text.withLock { free($0) } }

    /// Keeps a copy of `s` (freeing the previous one) and returns it.
    func keep(_ s: String) throws -> UnsafePointer<CChar> {
        try text.withLock { old in
            guard let copy = strdup(s) else { throw SwiftKerasError(.outOfMemory, "sk_progbar_update: cannot copy the text") }
            free(old)
            old = copy
            return UnsafePointer(copy)
        }
    }
}

@c @implementation
public func sk_progbar_create(_ target: Int64, _ width: Int32, _ verbose: Int32, _ interval: Double,
                              _ stateful: UnsafePointer<UnsafePointer<CChar>?>?, _ nStateful: Int32, _ unit: UnsafePointer<CChar>?,
                              _ dynamic: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "sk_progbar_create"
    return produce(out, fn) {
        if target < -1 { throw SwiftKerasError(.invalidArgument, "\(fn): target must be >= 0 or -1 (unknown), got \(target)") }
        return ProgbarBox(try Progbar(target: target == -1 ? nil : Int(target), width: Int(width), verbose: Int(verbose),
                                      interval: interval, statefulMetrics: try cStrings(stateful, nStateful, fn, "stateful_metrics"),
                                      unitName: optionalString(unit) ?? "step", dynamic: dynamic != 0))
    }
}

@c @implementation
public func sk_progbar_update(_ p: OpaquePointer?, _ current: Int64, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                              _ values: UnsafePointer<Double>?, _ n: Int32, _ finalize: Int32,
                              _ text: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    let fn: StaticString = "sk_progbar_update"
    text?.pointee = nil
    return status {
        let box = try unwrap(p, fn, "progbar", as: ProgbarBox.self)
        let out = try outParameter(text, fn)
        let keys = try cStrings(names, n, fn, "names")
        if n > 0 && values == nil { throw SwiftKerasError(.invalidArgument, "\(fn): values is NULL but n_values is \(n)") }
        let pairs = keys.enumerated().map { ($0.element, values?[$0.offset] ?? 0) }
        out.pointee = try box.keep(box.progbar.update(Int(current), values: pairs, finalize: finalize < 0 ? nil : finalize != 0))
    }
}

@c @implementation
public func sk_progbar_seen(_ p: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    scalarQuery(p, out, "sk_progbar_seen", "progbar", as: ProgbarBox.self) { Int64($0.progbar.seen) }
}

@c @implementation public func sk_progbar_release(_ h: OpaquePointer?) { release(h, as: ProgbarBox.self) }
