// Keras `Hashing` (tf-keras 2 `hashing.py`) and the two string hashes TensorFlow buckets with:
// `to_hash_bucket_fast` is FarmHash's 64-bit fingerprint (farmhashna `Hash64`, the function
// TensorFlow's `Fingerprint64` calls) and `to_hash_bucket_strong` is SipHash-2-4 keyed by two
// 64-bit words; both take the hash modulo the number of buckets.

/// TensorFlow's string hashes, written after the published algorithms (FarmHash by Geoff Pike,
/// MIT; SipHash-2-4 by Aumasson and Bernstein) so that bucket numbers equal TensorFlow's.
enum StringHash {
    private static let k0: UInt64 = 0xc3a5_c85c_97cb_3127
    private static let k1: UInt64 = 0xb492_b66f_be98_f273
    private static let k2: UInt64 = 0x9ae1_6a3b_2f90_404f

    @inline(__always) private static func load64(_ s: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        UInt64(littleEndian: s.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }

    @inline(__always) private static func load32(_ s: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: s.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
    }

    @inline(__always) private static func rotr(_ v: UInt64, _ n: UInt64) -> UInt64 {
        n == 0 ? v : (v >> n) | (v << (64 - n))
    }

    @inline(__always) private static func shiftMix(_ v: UInt64) -> UInt64 { v ^ (v >> 47) }

    private static func mix16(_ u: UInt64, _ v: UInt64, _ mul: UInt64) -> UInt64 {
        var a = (u ^ v) &* mul
        a ^= a >> 47
        var b = (v ^ a) &* mul
        b ^= b >> 47
        return b &* mul
    }

    private static func short(_ s: UnsafeRawBufferPointer) -> UInt64 {
        let n = s.count, len = UInt64(n)
        if n >= 8 {
            let mul = k2 &+ len &* 2
            let a = load64(s, 0) &+ k2, b = load64(s, n - 8)
            let c = rotr(b, 37) &* mul &+ a, d = (rotr(a, 25) &+ b) &* mul
            return mix16(c, d, mul)
        }
        if n >= 4 {
            let mul = k2 &+ len &* 2
            return mix16(len &+ (load32(s, 0) << 3), load32(s, n - 4), mul)
        }
        if n > 0 {
            let y = UInt32(s[0]) &+ (UInt32(s[n >> 1]) << 8)
            let z = UInt32(n) &+ (UInt32(s[n - 1]) << 2)
            return shiftMix(UInt64(y) &* k2 ^ UInt64(z) &* k0) &* k2
        }
        return k2
    }

    private static func medium(_ s: UnsafeRawBufferPointer) -> UInt64 {
        let n = s.count, mul = k2 &+ UInt64(n) &* 2
        let a = load64(s, 0) &* k1, b = load64(s, 8)
        let c = load64(s, n - 8) &* mul, d = load64(s, n - 16) &* k2
        return mix16(rotr(a &+ b, 43) &+ rotr(c, 30) &+ d, a &+ rotr(b &+ k2, 18) &+ c, mul)
    }

    private static func long64(_ s: UnsafeRawBufferPointer) -> UInt64 {
        let n = s.count, mul = k2 &+ UInt64(n) &* 2
        let a = load64(s, 0) &* k2, b = load64(s, 8)
        let c = load64(s, n - 8) &* mul, d = load64(s, n - 16) &* k2
        let y = rotr(a &+ b, 43) &+ rotr(c, 30) &+ d
        let z = mix16(y, a &+ rotr(b &+ k2, 18) &+ c, mul)
        let e = load64(s, 16) &* mul, f = load64(s, 24)
        let g = (y &+ load64(s, n - 32)) &* mul, h = (z &+ load64(s, n - 24)) &* mul
        return mix16(rotr(e &+ f, 43) &+ rotr(g, 30) &+ h, e &+ rotr(f &+ a, 18) &+ g, mul)
    }

    /// Two words mixed from four loaded at `i` and two seeds (FarmHash's weak 32-byte hash).
    private static func weak32(_ s: UnsafeRawBufferPointer, _ i: Int, _ seedA: UInt64, _ seedB: UInt64) -> (UInt64, UInt64) {
        var a = seedA &+ load64(s, i)
        var b = rotr(seedB &+ a &+ load64(s, i + 24), 21)
        let c = a
        a = a &+ load64(s, i + 8) &+ load64(s, i + 16)
        b = b &+ rotr(a, 44)
        return (a &+ load64(s, i + 24), b &+ c)
    }

    /// TensorFlow's `Fingerprint64` of a byte string (farmhashna `Hash64`).
    static func fingerprint64(_ s: UnsafeRawBufferPointer) -> UInt64 {
        let n = s.count
        if n <= 16 { return short(s) }
        if n <= 32 { return medium(s) }
        if n <= 64 { return long64(s) }
        let seed: UInt64 = 81
        var x = seed, y = seed &* k1 &+ 113
        var z = shiftMix(y &* k2 &+ 113) &* k2
        var v: (UInt64, UInt64) = (0, 0), w: (UInt64, UInt64) = (0, 0)
        x = x &* k2 &+ load64(s, 0)
        let end = ((n - 1) / 64) * 64, last = n - 64
        var i = 0
        repeat {
            x = rotr(x &+ y &+ v.0 &+ load64(s, i + 8), 37) &* k1
            y = rotr(y &+ v.1 &+ load64(s, i + 48), 42) &* k1
            x ^= w.1
            y = y &+ v.0 &+ load64(s, i + 40)
            z = rotr(z &+ w.0, 33) &* k1
            v = weak32(s, i, v.1 &* k1, x &+ w.0)
            w = weak32(s, i + 32, z &+ w.1, y &+ load64(s, i + 16))
            swap(&z, &x)
            i += 64
        } while i != end
        let mul = k1 &+ ((z & 0xff) << 1)
        w.0 = w.0 &+ UInt64((n - 1) & 63)
        v.0 = v.0 &+ w.0
        w.0 = w.0 &+ v.0
        x = rotr(x &+ y &+ v.0 &+ load64(s, last + 8), 37) &* mul
        y = rotr(y &+ v.1 &+ load64(s, last + 48), 42) &* mul
        x ^= w.1 &* 9
        y = y &+ v.0 &* 9 &+ load64(s, last + 40)
        z = rotr(z &+ w.0, 33) &* mul
        v = weak32(s, last, v.1 &* mul, x &+ w.0)
        w = weak32(s, last + 32, z &+ w.1, y &+ load64(s, last + 16))
        swap(&z, &x)
        return mix16(mix16(v.0, w.0, mul) &+ shiftMix(y) &* k0 &+ z, mix16(v.1, w.1, mul) &+ x, mul)
    }

    /// SipHash-2-4 of a byte string under the key `(key0, key1)` (TensorFlow's `StrongKeyedHash`).
    static func sipHash24(_ s: UnsafeRawBufferPointer, key0: UInt64, key1: UInt64) -> UInt64 {
        var v0 = key0 ^ 0x736f_6d65_7073_6575, v1 = key1 ^ 0x646f_7261_6e64_6f6d
        var v2 = key0 ^ 0x6c79_6765_6e65_7261, v3 = key1 ^ 0x7465_6462_7974_6573
        func round() {
            v0 = v0 &+ v1; v1 = rotr(v1, 51); v1 ^= v0; v0 = rotr(v0, 32)
            v2 = v2 &+ v3; v3 = rotr(v3, 48); v3 ^= v2
            v0 = v0 &+ v3; v3 = rotr(v3, 43); v3 ^= v0
            v2 = v2 &+ v1; v1 = rotr(v1, 47); v1 ^= v2; v2 = rotr(v2, 32)
        }
        let n = s.count, whole = n - n % 8
        var i = 0
        while i < whole {
            let m = load64(s, i)
            v3 ^= m; round(); round(); v0 ^= m
            i += 8
        }
        var tail = UInt64(n & 0xff) << 56
        for j in 0 ..< n - whole { tail |= UInt64(s[whole + j]) << (8 * UInt64(j)) }
        v3 ^= tail; round(); round(); v0 ^= tail
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

/// Hashes strings or integers (hashed as their decimal text, TF's `as_string`) into `numBins`
/// bins (Keras `Hashing`): FarmHash fingerprints, or SipHash-2-4 under `salt`; with a
/// `maskValue` the mask takes bin 0 and the others share bins 1 ..< numBins. The bins are
/// returned as int64 ids (`output_mode="int"`) or one_hot / multi_hot / count vectors.
public final class Hashing: Layer {
    public let numBins: Int
    /// The value mapped to bin 0 (a string or an integer), or nil.
    public let maskValue: ConfigValue?
    /// The SipHash key (Keras `salt`: one integer is used for both words), or nil for FarmHash.
    public let salt: (UInt64, UInt64)?
    public let outputMode: CategoricalOutputMode

    /// Creates the layer; `numBins` must be positive and `maskValue` a string, an integer or nil.
    public init(numBins: Int, maskValue: ConfigValue? = nil, salt: (UInt64, UInt64)? = nil,
                outputMode: CategoricalOutputMode = .int, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if numBins <= 0 {
            throw SwiftKerasError.invalid("Hashing: the `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: num_bins=\(numBins)")
        }
        switch maskValue {
        case nil, .string?, .int?: break
        case let v?: throw SwiftKerasError.invalid("Hashing: `mask_value` must be a string or an integer, got \(v.json)")
        }
        self.numBins = numBins
        self.maskValue = maskValue
        self.salt = salt
        self.outputMode = outputMode
        super.init(name: name, dtype: dtype)
        autocast = false
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["num_bins": .int(numBins), "mask_value": maskValue ?? .null,
                         "salt": salt.map { .array([.int(Int(Int64(bitPattern: $0.0))), .int(Int(Int64(bitPattern: $0.1)))]) } ?? .null,
                         "output_mode": .string(outputMode.rawValue), "sparse": .bool(false)])
    }

    /// The bin of each element of `x` (a string or integer tensor), row-major.
    public func bins(_ x: Tensor) throws -> [Int64] {
        let owner = "Hashing '\(name)'"
        var buckets = numBins
        let masked = maskValue != nil && numBins > 1
        if masked { buckets -= 1 }
        var texts: [[UInt8]] = []
        var maskHits: [Bool] = []
        if x.dtype == .string {
            let e = try x.stringElements(op: "Hashing")
            let m: [UInt8]? = if case .string(let s)? = maskValue { Array(s.utf8) } else { nil }
            for i in 0 ..< e.count {
                let t = Array(e.element(i))
                texts.append(t)
                maskHits.append(masked && m == t)
            }
        } else if x.dtype.isInteger {
            let m: Int64? = if case .int(let v)? = maskValue { Int64(v) } else { nil }
            for v in try x.cast(to: .int64).scalars(as: Int64.self) {
                texts.append(Array(String(v).utf8))
                maskHits.append(masked && m == v)
            }
        } else {
            throw SwiftKerasError.dtype("\(owner): expected string or integer inputs, got dtype \(x.dtype)")
        }
        return texts.indices.map { i in
            let h = texts[i].withUnsafeBytes { b in
                salt.map { StringHash.sipHash24(b, key0: $0.0, key1: $0.1) } ?? StringHash.fingerprint64(b)
            }
            let bin = Int64(h % UInt64(buckets))
            return masked ? (maskHits[i] ? 0 : bin + 1) : bin
        }
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let ids = try bins(x)
        if outputMode == .int { return try Tensor(ids, shape: x.shape) }
        return try encodeCategorical(ids, shape: x.shape, mode: outputMode, depth: numBins, dtype: computeDType,
                                     owner: "Hashing '\(name)'")
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] {
        if outputMode == .int { return inputShape }
        var s = inputShape.isEmpty ? [1] : inputShape
        if outputMode == .oneHot && s.last != 1 { s.append(1) }
        s[s.count - 1] = numBins
        return s
    }
}

extension Hashing: ConfigurableLayer {
    /// "Hashing".
    public static var className: String { "Hashing" }

    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let mode = try r.binOutputMode(owner: "Hashing")
        var salt: (UInt64, UInt64)?
        switch r.raw("salt") {
        case nil, .null?: salt = nil
        case .int(let s)?: salt = (UInt64(bitPattern: Int64(s)), UInt64(bitPattern: Int64(s)))
        case .array(let a)? where a.count == 2 && a.allSatisfy({ if case .int = $0 { true } else { false } }):
            if case .int(let s0) = a[0], case .int(let s1) = a[1] {
                salt = (UInt64(bitPattern: Int64(s0)), UInt64(bitPattern: Int64(s1)))
            }
        case let v?:
            throw SwiftKerasError.invalid("Hashing: the `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. Received: salt=\(v.json)")
        }
        let mask = r.raw("mask_value")
        try self.init(numBins: try r.int("num_bins") ?? 0, maskValue: mask == .null ? nil : mask, salt: salt,
                      outputMode: mode, name: base.name, dtype: base.dtype)
    }
}
