import Glibc
import Synchronization

/// Counter-based random numbers (Philox4x32-10): element `i` of a draw with seed `s` depends only
/// on `(s, i)`, so the same seed gives the same numbers on every machine and thread count.
public enum Random {
    /// Seeds for unseeded draws: each call takes the next value, starting from the OS entropy.
    static let nextSeed: Atomic<UInt64> = {
        var s: UInt64 = 0x5EED_5EED_5EED_5EED
        let fd = open("/dev/urandom", O_RDONLY)
        if fd >= 0 {
            _ = withUnsafeMutableBytes(of: &s) { read(fd, $0.baseAddress, 8) }
            close(fd)
        }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Atomic(s ^ UInt64(bitPattern: Int64(ts.tv_nsec)))
    }()

    /// Makes every later unseeded draw reproducible (Keras `keras.utils.set_random_seed`,
    /// `tf.random.set_seed`): the sequence of fresh seeds restarts from one derived from `seed`,
    /// so initializers, dropout masks and fit's shuffling without explicit seeds repeat when
    /// the same program runs again with the same global seed (on one thread).
    public static func setGlobalSeed(_ seed: UInt64) {
        // splitmix64 of the seed, so that nearby seeds start far apart.
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        nextSeed.store(z ^ (z >> 31), ordering: .relaxed)
    }

    /// A fresh seed for a draw made without one.
    public static func freshSeed() -> UInt64 {
        nextSeed.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
    }

    /// One Philox4x32-10 block: four 32-bit outputs for counter `ctr` under key `key`.
    @inline(__always)
    static func philox(_ ctr: (UInt32, UInt32, UInt32, UInt32), _ key: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32) {
        var c = ctr
        var k = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
        }
        return c
    }

    /// Four uniform floats in [0, 1) for block `block` of stream `stream` under `seed`.
    @inline(__always)
    static func uniforms(seed: UInt64, stream: UInt32, block: Int) -> (Double, Double, Double, Double) {
        let key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        let b = UInt64(bitPattern: Int64(block))
        let r = philox((UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32), stream, 0), key)
        let s = 1.0 / 4294967296.0
        return (Double(r.0) * s, Double(r.1) * s, Double(r.2) * s, Double(r.3) * s)
    }

    /// Fills `out` by calling `gen(index)` for each element, in parallel.
    private static func generate(_ shape: [Int], _ dtype: DType, op: StaticString, floatOnly: Bool = true,
                                 _ gen: @escaping (Int) -> Double) throws -> Tensor {
        if floatOnly && !dtype.isFloatingPoint {
            throw SwiftKerasError.dtype("\(op): dtype must be floating point, got \(dtype)")
        }
        let t = try Tensor.uninitialized(shape, dtype, op: op)
        struct Generate: ElementVisitor {
            let gen: (Int) -> Double
            func visit<T: TensorElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
                Parallel.forRange(n, grain: 1 << 14) { a, b in
                    for i in a..<b { p[i] = T(elementFrom: gen(i)) }
                }
            }
        }
        t.visit(Generate(gen: gen))
        return t
    }

    /// Uniform values in `[minval, maxval)`. Integer dtypes give integers in that range.
    public static func uniform(_ shape: [Int], minval: Double = 0, maxval: Double = 1,
                               dtype: DType = .floatx, seed: UInt64? = nil) throws -> Tensor {
        if !(minval < maxval) || !minval.isFinite || !maxval.isFinite {
            throw SwiftKerasError.invalid("random_uniform: minval \(minval) must be less than maxval \(maxval)")
        }
        if dtype == .bool { throw SwiftKerasError.dtype("random_uniform: dtype bool is not supported") }
        let s = seed ?? freshSeed()
        let width = maxval - minval
        let isInt = dtype.isInteger
        return try generate(shape, dtype, op: "random_uniform", floatOnly: false) { i in
            let u = uniforms(seed: s, stream: 0, block: i).0
            let v = minval + u * width
            return isInt ? min(v.rounded(.down), maxval - 1) : min(v, maxval.nextDown)
        }
    }

    /// Standard normal values scaled by `stddev` and shifted by `mean` (Box–Muller).
    public static func normal(_ shape: [Int], mean: Double = 0, stddev: Double = 1,
                              dtype: DType = .floatx, seed: UInt64? = nil) throws -> Tensor {
        if !(stddev >= 0) { throw SwiftKerasError.invalid("random_normal: stddev must be non-negative, got \(stddev)") }
        let s = seed ?? freshSeed()
        return try generate(shape, dtype, op: "random_normal") { i in
            let u = uniforms(seed: s, stream: 1, block: i)
            return mean + stddev * boxMuller(u.0, u.1)
        }
    }

    /// Normal values redrawn until within two standard deviations of the mean (Keras' rule).
    public static func truncatedNormal(_ shape: [Int], mean: Double = 0, stddev: Double = 1,
                                       dtype: DType = .floatx, seed: UInt64? = nil) throws -> Tensor {
        if !(stddev >= 0) { throw SwiftKerasError.invalid("truncated_normal: stddev must be non-negative, got \(stddev)") }
        let s = seed ?? freshSeed()
        return try generate(shape, dtype, op: "truncated_normal") { i in
            var stream: UInt32 = 2
            while true {
                let u = uniforms(seed: s, stream: stream, block: i)
                let z = boxMuller(u.0, u.1)
                if abs(z) <= 2 { return mean + stddev * z }
                let z2 = boxMuller(u.2, u.3)
                if abs(z2) <= 2 { return mean + stddev * z2 }
                stream &+= 1
            }
        }
    }

    /// Ones with probability `p`, zeros otherwise.
    public static func bernoulli(_ shape: [Int], p: Double, dtype: DType = .floatx,
                                 seed: UInt64? = nil) throws -> Tensor {
        if !(p >= 0 && p <= 1) { throw SwiftKerasError.invalid("random_bernoulli: p must be in [0, 1], got \(p)") }
        let s = seed ?? freshSeed()
        return try generate(shape, dtype, op: "random_bernoulli", floatOnly: false) { i in
            uniforms(seed: s, stream: 3, block: i).0 < p ? 1 : 0
        }
    }

    @inline(__always)
    static func boxMuller(_ u1: Double, _ u2: Double) -> Double {
        let r = (-2 * log(1 - u1)).squareRoot()  // 1 - u1 is in (0, 1]: no log(0)
        return r * cos(2 * Double.pi * u2)
    }
}
