/// A set of tensor identities (positive Ints) with open addressing and a multiplicative hash:
/// the tape asks "is this input tracked?" on every recorded op, and Swift's SipHash-based `Set`
/// costs more than the rest of the bookkeeping together.
struct IdentitySet {
    private var slots: [Int]
    private(set) var count = 0

    init() { slots = [Int](repeating: 0, count: 64) }

    @inline(__always)
    private static func hash(_ id: Int, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    @inline(__always)
    func contains(_ id: Int) -> Bool {
        let mask = slots.count - 1
        var i = Self.hash(id, mask)
        return slots.withUnsafeBufferPointer { s in
            while true {
                let v = s[i]
                if v == id { return true }
                if v == 0 { return false }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ id: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Self.hash(id, mask)
        while true {
            let v = slots[i]
            if v == id { return }
            if v == 0 { slots[i] = id; count += 1; return }
            i = (i + 1) & mask
        }
    }

    mutating func formUnion(_ ids: [Int]) { for id in ids { insert(id) } }

    mutating func removeAll() {
        slots = [Int](repeating: 0, count: 64)
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [Int](repeating: 0, count: old.count * 2)
        count = 0
        for v in old where v != 0 { insert(v) }
    }
}
