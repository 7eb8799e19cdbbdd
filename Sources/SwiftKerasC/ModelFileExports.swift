import SwiftKeras

// What a client needs from a saved model file without parsing its format itself.

@_cdecl("sk_model_file_compile_config")
public func sk_model_file_compile_config(_ path: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                         _ capacity: Int, _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    let fn: StaticString = "sk_model_file_compile_config"
    return status {
        let p = try cString(path, fn, "path")
        try copyString(try savedCompileConfig(at: p) ?? "", buf, capacity, length, fn)
    }
}
