// The per-channel sums over the rows of the channels-last fused kernels (bias_relu,
// batch_norm_training): the same result on any number of threads.

/// Per-channel sums over the rows of a channels-last tensor.
enum ChannelSums {
    /// Rows per block: each block sums its rows in the element type, the blocks are added in
    /// float64 in block order (the same result on any number of threads).
    static let blockRows = 256

    /// `sums[k·channels + c]` (float64) for `k < count` quantities: `body(r, partial)` adds
    /// row `r`'s contributions into `partial` (`count × channels` elements of T, its block's).
    @_optimize(speed)
    static func run<T: ConvFloat>(rows: Int, channels: Int, count: Int, into sums: UnsafeMutablePointer<Double>,
                                  _ body: (Int, UnsafeMutablePointer<T>) -> Void) {
        let blocks = (rows &+ blockRows &- 1) / blockRows, width = count &* channels
        let partials = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, blocks &* width))
        defer { partials.deallocate() }
        Parallel.forRange(blocks, grain: Swift.max(1, (1 << 15) / Swift.max(1, blockRows &* width))) { s, e in
            for blk in s..<e {
                let p = partials + blk &* width
                p.update(repeating: 0, count: width)
                for r in (blk &* blockRows)..<Swift.min(rows, (blk &+ 1) &* blockRows) { body(r, p) }
            }
        }
        sums.update(repeating: 0, count: width)
        for blk in 0..<blocks {
            let p = partials + blk &* width
            for i in 0..<width { sums[i] += Double(p[i]) }
        }
    }
}
