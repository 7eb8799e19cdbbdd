import SwiftKerasCHeader
import SwiftKeras

// The thread setting through the C ABI (include/swiftkeras/settings.h). The rule (what a count
// means, the core's loops and OpenBLAS together) lives in SwiftKerasCore's `Parallel`.

@c @implementation
public func sk_set_num_threads(_ n: Int32) -> Int32 {
    status { try Parallel.setThreadCount(Int(n)) }
}

@c @implementation
public func sk_get_num_threads() -> Int32 {
    Int32(clamping: Parallel.threadSetting)
}
